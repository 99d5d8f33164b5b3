//! Statistics: every figure of the source article computed from records, the dashboards and
//! exports built on them, and the work summary in the article's style.
pub mod summary;
