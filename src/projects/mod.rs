//! 项目: development and assistance projects members introduced, with partners and yearly figures.
pub mod api;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// The work pages under `/projects`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(pages::list).post(pages::create))
        .route("/projects/new", get(pages::new))
        .route("/projects/{id}", get(pages::detail).post(pages::update))
        .route("/projects/{id}/edit", get(pages::edit))
        .route("/projects/{id}/years", post(pages::save_year))
}
