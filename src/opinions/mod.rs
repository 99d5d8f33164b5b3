//! 社情民意: members' short reports carried to leaders — screened, adopted, issued in numbered
//! bulletins, sent up to the committees above — and the outcomes per level they are scored on.
pub mod api;

use axum::Router;

use crate::app::AppState;

/// This area's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[];

pub fn router() -> Router<AppState> {
    Router::new()
}
