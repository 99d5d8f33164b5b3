//! The organization: committees (the tenants, as a tree), user accounts, the committee's
//! catalogues (sectors, places, groups, handling units) and its members.
pub mod accounts;
pub mod api;
pub mod catalog_pages;
pub mod import;
pub mod member_pages;
pub mod members;
pub mod model;
pub mod pages;
pub mod roster;
pub mod scope;
pub mod store;
pub mod structure;
pub mod terms;
pub mod values;

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
        .route("/members", get(member_pages::list).post(member_pages::create))
        .route("/members/new", get(member_pages::new_form))
        .route("/members/import", get(member_pages::import_form).post(member_pages::import_upload))
        .route("/members/export.xlsx", get(member_pages::export))
        .route("/members/template.xlsx", get(member_pages::template))
        .route("/members/{id}", get(member_pages::file).post(member_pages::update))
        .route("/members/{id}/edit", get(member_pages::edit_form))
        .route("/org/terms", get(terms::show).post(terms::create))
        .route("/org/{catalog}", get(catalog_pages::show).post(catalog_pages::create))
        .route("/org/{catalog}/{id}", get(catalog_pages::edit).post(catalog_pages::update))
        .route("/org/{catalog}/{id}/retired", post(catalog_pages::set_retired))
}
