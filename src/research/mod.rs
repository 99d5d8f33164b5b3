//! 调研报告: research reports by members and groups, where they went and what came of them.
pub mod api;
pub mod i18n;

use axum::Router;

use crate::app::AppState;

/// The work pages of this area.
pub fn router() -> Router<AppState> {
    Router::new()
}
