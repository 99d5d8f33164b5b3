//! 项目: development and assistance projects members introduced, with partners and yearly figures.
pub mod api;
pub mod i18n;

use axum::Router;

use crate::app::AppState;

/// The work pages of this area.
pub fn router() -> Router<AppState> {
    Router::new()
}
