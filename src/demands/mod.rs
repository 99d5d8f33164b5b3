pub mod api;
pub mod form;
pub mod model;
pub mod pages;
pub mod public_pages;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::app::AppState;

/// Public citizen pages live under `/c/{committee code}/`; work pages under `/demands`. The two
/// forms that carry photos accept bodies up to `form::PHOTO_FORM_LIMIT`.
pub fn router() -> Router<AppState> {
    let photo_forms = Router::new()
        .route("/c/{code}/demands", post(public_pages::public_submit))
        .route("/demands", get(pages::list).post(pages::staff_create))
        .layer(DefaultBodyLimit::max(form::PHOTO_FORM_LIMIT));
    Router::new()
        .merge(photo_forms)
        .route("/c/{code}/demands/new", get(public_pages::public_new))
        .route("/c/{code}/track", get(public_pages::public_track).post(public_pages::public_lookup))
        .route("/c/{code}/demands/resolved", get(public_pages::public_resolved))
        .route("/c/{code}/photos/{id}/{token}", get(public_pages::public_photo))
        .route("/demands/new", get(pages::staff_new))
        .route("/demands/{id}", get(pages::detail))
        .route("/demands/{id}/act", post(pages::act))
        .route("/demands/{id}/messages", post(pages::post_message))
        .route("/demands/{id}/photos/{photo}", get(pages::photo))
}
