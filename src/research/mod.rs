//! 调研报告: research reports by members and groups — who wrote them, on what, to whom they went,
//! what came of them (adopted, a leader's instruction, forwarded), and a member's reports on the
//! member file.
pub mod api;
pub mod form_pages;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// The work pages under `/research-reports`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/research-reports", get(pages::list).post(form_pages::create))
        .route("/research-reports/new", get(form_pages::new))
        .route("/research-reports/{id}", get(pages::detail).post(form_pages::update))
        .route("/research-reports/{id}/edit", get(form_pages::edit))
        .route("/research-reports/{id}/outcomes", post(pages::outcome))
        .route("/research-reports/{id}/file", get(pages::file))
}
