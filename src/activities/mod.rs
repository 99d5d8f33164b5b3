//! 活动: study, training, volunteering, assistance and the committee's other activities, with
//! attendance, leave, QR sign-in and the figures they report.
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// The work pages under `/activities`, the sign-in link `/a/{code}` and a member's calendar feed.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities", get(pages::list).post(pages::create))
        .route("/activities/new", get(pages::new))
        .route("/activities/{id}", get(pages::detail).post(pages::update))
        .route("/activities/{id}/edit", get(pages::edit))
        .route("/activities/{id}/roll", post(pages::roll))
        .route("/activities/{id}/close", post(pages::close))
        .route("/activities/{id}/leave", post(pages::leave))
        .route("/a/{code}", get(pages::sign_in_form).post(pages::sign_in))
        .route("/c/{code}/members/{id}/activities.ics", get(pages::member_feed))
}
