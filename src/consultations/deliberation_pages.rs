//! The deliberation's pages: members and citizens post opinions and vote on statements; staff
//! moderate; everyone sees which statements have broad agreement and which divide.
use axum::Router;

use crate::app::AppState;

/// This part's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[];

pub fn router() -> Router<AppState> {
    Router::new()
}
