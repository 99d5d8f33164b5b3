//! 联系点: leaders and members linked to party-building sites, key projects and petition cases, with a contact log.
pub mod api;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// The work pages under `/liaison`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/liaison", get(pages::list).post(pages::create))
        .route("/liaison/new", get(pages::new))
        .route("/liaison/{id}", get(pages::detail).post(pages::update))
        .route("/liaison/{id}/edit", get(pages::edit))
        .route("/liaison/{id}/status", post(pages::set_status))
        .route("/liaison/{id}/contacts", post(pages::add_contact))
        .route("/liaison/{id}/visits", get(pages::visits_near))
}
