//! Proposals (提案): from the member's draft through review, filing, assignment to units, their
//! replies and the proposers' ratings to 办结, with the formal documents.
pub mod api;
pub mod documents;
pub mod downloads;
pub mod followup;
pub mod list_pages;
pub mod manage_pages;
pub mod metrics;
pub mod metrics_pages;
pub mod model;
pub mod pages;
pub mod public;
pub mod settings;
pub mod similar;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals", get(list_pages::list).post(pages::create))
        .route("/proposals/new", get(pages::new))
        .route("/proposals/register.xlsx", get(list_pages::register))
        .route("/proposals/metrics", get(metrics_pages::page))
        .route("/proposals/settings", get(manage_pages::settings_form).post(manage_pages::save_settings))
        .route("/proposals/{id}", get(pages::detail))
        .route("/proposals/{id}/edit", get(pages::edit_form).post(pages::save_edit))
        .route("/proposals/{id}/proposal.docx", get(downloads::proposal_docx))
        .route("/proposals/{id}/parts/{part}/reply.docx", get(downloads::reply_docx))
        .route("/proposals/{id}/merge", post(manage_pages::merge))
        .route("/proposals/{id}/flags", post(manage_pages::flags))
        .route("/proposals/{id}/extend", post(manage_pages::extend))
        .route("/proposals/{id}/follow-ups", post(manage_pages::follow_up))
        .route("/proposals/{id}/excellent", post(manage_pages::excellent))
        .route("/c/{code}/proposals", get(public::public_list))
        .route("/c/{code}/proposals/{id}", get(public::public_page))
        .route("/proposals/{id}/act", post(pages::act))
        .route("/proposals/{id}/assign", post(pages::assign))
        .route("/proposals/{id}/parts/{part}", post(pages::part))
        .route("/proposals/{id}/rate", post(pages::rate))
}
