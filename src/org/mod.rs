//! The organization: committees (the tenants, as a tree) and user accounts. Later issues add
//! sectors, groups, places, units and members here.
pub mod accounts;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup", get(pages::setup_page).post(pages::setup))
        .route("/users", get(pages::users_page).post(pages::create_user))
        .route("/users/{id}/unlock", post(pages::unlock_user))
        .route("/users/{id}/active", post(pages::set_user_active))
        .route("/committees", get(pages::own_committee).post(pages::create_committee))
        .route("/committees/{id}", get(pages::committee))
}
