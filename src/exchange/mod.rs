//! 信息互通: items a committee marks as shared, read in one feed by the committees of its tree.
use axum::Router;
use chrono::NaiveDate;

use crate::app::AppState;

/// This area's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[];

/// One shared item as the feed shows it. Each area that can share (activities, research
/// reports, projects) turns its shared rows into these; the feed merges them by date.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedItem {
    pub committee_id: i64,
    /// The i18n key naming the kind of item, e.g. `nav.research`.
    pub kind_key: &'static str,
    pub title: String,
    /// A short plain-text summary (the feed shows it to other committees, who cannot open the item).
    pub summary: String,
    pub on_date: NaiveDate,
    /// The item's page in its own committee (shown as a link only to that committee's users).
    pub href: String,
}

/// The feed page.
pub fn router() -> Router<AppState> {
    Router::new()
}
