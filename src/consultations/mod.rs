//! 协商: consultations from topic to agreed outcomes tracked until done, with the online
//! deliberation before the meeting.
pub mod consensus;
pub mod deliberation;
pub mod deliberation_pages;
pub mod model;
pub mod store;

use axum::Router;

use crate::app::AppState;

/// The consultation pages, the deliberation's pages (members' and the public's).
pub fn router() -> Router<AppState> {
    Router::new().merge(deliberation_pages::router())
}

/// This area's UI strings (key, 中文, English). The deliberation keeps its own in
/// `deliberation_pages::MESSAGES`.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.consultations", "协商", "Consultations"),
    ("consultation.err.plan_not_approved", "本年度协商计划尚未经领导审定，请你来协商和专题协商须列入已审定的计划", "The year's plan is not approved: 请你来协商 and thematic consultations need an approved plan"),
    ("consultation.err.minutes_incomplete", "纪要须写明情况通报、提问、答复和发言四部分", "The minutes need all four parts: briefing, questions, answers and statements"),
    ("consultation.err.outcomes_open", "尚有协商成果未办结，不能结束本次协商", "Some outcomes are still open: the consultation cannot close yet"),
];
