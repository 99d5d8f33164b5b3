pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// Public citizen pages live under `/c/{committee code}/`; work pages under `/demands`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{code}/demands/new", get(pages::public_new))
        .route("/c/{code}/demands", post(pages::public_submit))
        .route("/c/{code}/track", get(pages::public_track).post(pages::public_lookup))
        .route("/c/{code}/demands/resolved", get(pages::public_resolved))
        .route("/demands", get(pages::list).post(pages::staff_create))
        .route("/demands/new", get(pages::staff_new))
        .route("/demands/{id}", get(pages::detail))
        .route("/demands/{id}/act", post(pages::act))
}
