//! Statistics: every figure of the source article computed from records, the dashboards and
//! exports built on them, and the work summary in the article's style.
pub mod api;
pub mod metrics;
pub mod summary;

/// This area's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("stats.err.one_scope", "只能选择一个范围（小组、工作室、镇街或界别）", "Choose one scope at most (group, studio, place or sector)"),
];
