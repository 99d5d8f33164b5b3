//! 联系点: leaders and members linked to party-building sites, key projects and petition cases, with a contact log.
pub mod api;
pub mod i18n;

use axum::Router;

use crate::app::AppState;

/// The work pages of this area.
pub fn router() -> Router<AppState> {
    Router::new()
}
