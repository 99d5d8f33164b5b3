//! Member studios (委员工作室): offline rooms and online studios where members on duty receive
//! citizens, their reception days and duty rosters, and the reception sessions held there.
pub mod api;
pub mod ical;
pub mod model;
pub mod pages;
pub mod qr;
pub mod reception_pages;
pub mod schedule;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// Work pages under `/studios` and `/receptions`; public pages and feeds under `/c/{committee}/`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/studios", get(pages::list).post(pages::create))
        .route("/studios/new", get(pages::new))
        .route("/studios/{id}", get(pages::detail).post(pages::update))
        .route("/studios/{id}/edit", get(pages::edit))
        .route("/studios/{id}/retired", post(pages::set_retired))
        .route("/studios/{id}/duty", post(pages::set_duty))
        .route("/studios/{id}/rotation", post(pages::rotate))
        .route("/studios/{id}/poster", get(pages::poster))
        .route("/receptions", get(reception_pages::list).post(reception_pages::create))
        .route("/receptions/new", get(reception_pages::new))
        .route("/receptions/{id}", get(reception_pages::detail))
        .route("/c/{code}/studios", get(pages::public_list))
        .route("/c/{code}/studios/{id}", get(pages::public_page))
        .route("/c/{code}/studios/{id}/duty.ics", get(pages::studio_feed))
        .route("/c/{code}/members/{id}/duty.ics", get(pages::member_feed))
}
