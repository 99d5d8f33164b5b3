//! 调研报告: research reports by members and groups — who wrote them, on what, to whom they went,
//! what came of them (adopted, a leader's instruction, forwarded), and a member's reports on the
//! member file.
pub mod api;
pub mod i18n;
pub mod model;
pub mod store;

use axum::Router;

use crate::app::AppState;

/// The work pages under `/research-reports`.
pub fn router() -> Router<AppState> {
    Router::new()
}
