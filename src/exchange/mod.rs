//! 信息互通: items a committee marks as shared, read in one feed by the committees of its tree.
use axum::Router;

use crate::app::AppState;

/// This area's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[];

/// The feed page.
pub fn router() -> Router<AppState> {
    Router::new()
}
