//! 走访: leaders', members' and staff's visits — whom they met, what they heard, the demands
//! raised — and the leaders' field days counted from them.
pub mod api;
pub mod field_days;
pub mod model;
pub mod pages;
pub mod store;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

/// The work pages under `/visits`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits", get(pages::list).post(pages::create))
        .route("/visits/new", get(pages::new))
        .route("/visits/field-days", get(field_days::page))
        .route("/visits/field-days/rule", axum::routing::post(field_days::set_rule))
        .route("/visits/{id}", get(pages::detail))
}
