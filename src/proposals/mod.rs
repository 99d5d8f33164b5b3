//! Proposals (提案): from the member's draft through review, filing, assignment to units, their
//! replies and the proposers' ratings to 办结, with the formal documents.
pub mod api;
pub mod documents;
pub mod model;
pub mod pages;
pub mod similar;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals", get(pages::list).post(pages::create))
        .route("/proposals/new", get(pages::new))
        .route("/proposals/{id}", get(pages::detail))
        .route("/proposals/{id}/act", post(pages::act))
        .route("/proposals/{id}/assign", post(pages::assign))
        .route("/proposals/{id}/parts/{part}", post(pages::part))
        .route("/proposals/{id}/rate", post(pages::rate))
}
