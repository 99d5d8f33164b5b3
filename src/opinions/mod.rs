//! 社情民意: members' short reports carried to leaders — screened, adopted, issued in numbered
//! bulletins, sent up to the committees above — and the outcomes per level they are scored on.
//!
//! `model` holds the life cycle (`apply`) and the rules of who writes, sees and edits; `moves`
//! writes every move with its timeline event; outcomes found above flow back onto the report
//! they came from. `records` serves the register and the evaluation area
//! (`outcomes_of_member`), `metrics` the statistics area.
pub mod api;
pub mod assets;
pub mod bulletin_pages;
pub mod bulletins;
pub mod diff;
pub mod form_pages;
pub mod i18n;
pub mod metrics;
pub mod model;
pub mod moves;
pub mod pages;
pub mod records;
pub mod register_pages;
pub mod screen_pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub use i18n::MESSAGES;
pub use records::{outcomes_of_member, reports_of_member};

/// The work pages under `/opinion-reports`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opinion-reports", get(pages::list).post(form_pages::create))
        .route("/opinion-reports/new", get(form_pages::new))
        .route("/opinion-reports/merge", get(screen_pages::merge_form).post(screen_pages::merge))
        .route("/opinion-reports/outcomes", get(register_pages::page))
        .route("/opinion-reports/outcomes.xlsx", get(register_pages::xlsx))
        .route("/opinion-reports/bulletins", get(bulletin_pages::list).post(bulletin_pages::issue))
        .route("/opinion-reports/bulletins/{id}", get(bulletin_pages::detail))
        .route("/opinion-reports/bulletins/{id}/docx", get(bulletin_pages::docx))
        .route("/opinion-reports/assets/opinions.js", get(assets::script))
        .route("/opinion-reports/assets/opinions.css", get(assets::style))
        .route("/opinion-reports/{id}", get(pages::detail).post(form_pages::update))
        .route("/opinion-reports/{id}/edit", get(form_pages::edit))
        .route("/opinion-reports/{id}/act", post(screen_pages::act))
        .route("/opinion-reports/{id}/outcomes", post(screen_pages::outcome))
}
