//! What every tracked item shares: a timeline of events (who, when, what, from which state to
//! which, with a comment) and the working-day calendar deadlines are counted on. Areas keep
//! their own state enums and call into this module.
pub mod attachments;
pub mod calendar;
pub mod photos;
pub mod store;

pub use calendar::{DeadlineStatus, WorkCalendar};
