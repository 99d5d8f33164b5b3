//! 活动: study, training, volunteering, assistance and the committee's other activities, with
//! attendance, leave, QR sign-in and the figures they report.
pub mod model;
pub mod store;
