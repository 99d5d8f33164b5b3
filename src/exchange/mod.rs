//! 信息互通: items a committee marks as shared (activities, research reports, projects), read in
//! one feed by every committee of its tree — the province, the cities and the districts beside
//! it — so that work done in one place is seen in the others.
pub mod api;
pub mod pages;

use axum::Router;
use axum::routing::get;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};

use crate::app::AppState;

/// This area's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("exchange.intro", "本系统内各级政协标记为“信息互通”的活动、调研报告和项目，按时间排列。", "Activities, research reports and projects that the committees of this tree marked as shared, newest first."),
    ("exchange.kind", "类别", "Kind"),
    ("exchange.committee", "政协", "Committee"),
    ("exchange.none", "暂无互通信息", "Nothing shared yet"),
    ("exchange.open", "查看", "Open"),
    ("exchange.own", "本会", "Ours"),
    ("exchange.how", "在活动、调研报告或项目中勾选“信息互通”即可共享给系统内各级政协。", "Tick “shared” on an activity, research report or project to show it to the other committees of the tree."),
];

/// One shared item as the feed shows it. Each area that can share turns its shared rows into
/// these; the feed merges them by date.
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

/// The kinds of items that can be shared, by their code in `?kind=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SharedKind {
    Activity,
    ResearchReport,
    Project,
}

impl SharedKind {
    pub const ALL: [SharedKind; 3] = [Self::Activity, Self::ResearchReport, Self::Project];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activity => "activity",
            Self::ResearchReport => "research_report",
            Self::Project => "project",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Activity => "nav.activities",
            Self::ResearchReport => "nav.research",
            Self::Project => "nav.projects",
        }
    }
}

/// How many items the feed shows: the newest of each kind, merged.
pub const FEED_LEN: u64 = 100;

/// The first 120 characters of `text` on one line, or `fallback` when it is blank.
pub fn summary_of(text: &str, fallback: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let source = if line.is_empty() { fallback } else { line.as_str() };
    let mut out: String = source.chars().take(120).collect();
    if source.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// The newest shared items of `committee_ids`, of one kind or all, newest first.
pub async fn feed(db: &impl ConnectionTrait, committee_ids: &[i64], kind: Option<SharedKind>) -> Result<Vec<SharedItem>, DbErr> {
    let mut items = Vec::new();
    for k in SharedKind::ALL.into_iter().filter(|k| kind.is_none_or(|want| want == *k)) {
        items.extend(match k {
            SharedKind::Activity => crate::activities::store::shared(db, committee_ids, FEED_LEN).await?,
            SharedKind::ResearchReport => crate::research::store::shared(db, committee_ids, FEED_LEN).await?,
            SharedKind::Project => crate::projects::store::shared(db, committee_ids, FEED_LEN).await?,
        });
    }
    Ok(merge(items))
}

/// Newest first (by date, then title for a stable order), at most `FEED_LEN`.
fn merge(mut items: Vec<SharedItem>) -> Vec<SharedItem> {
    items.sort_by(|a, b| b.on_date.cmp(&a.on_date).then_with(|| a.title.cmp(&b.title)));
    items.truncate(FEED_LEN as usize);
    items
}

/// The feed page.
pub fn router() -> Router<AppState> {
    Router::new().route("/exchange", get(pages::feed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, on: (u32, u32)) -> SharedItem {
        SharedItem {
            committee_id: 1,
            kind_key: "nav.activities",
            title: title.into(),
            summary: String::new(),
            on_date: NaiveDate::from_ymd_opt(2022, on.0, on.1).unwrap(),
            href: String::new(),
        }
    }

    #[test]
    fn merged_newest_first_and_capped() {
        let mut items: Vec<SharedItem> = (0..150).map(|i| item(&format!("t{i:03}"), (1 + (i % 4) as u32, 1 + (i % 28) as u32))).collect();
        items.push(item("newest", (12, 31)));
        let merged = merge(items);
        assert_eq!(merged.len(), FEED_LEN as usize);
        assert_eq!(merged[0].title, "newest");
        assert!(merged.windows(2).all(|w| w[0].on_date >= w[1].on_date));
    }

    #[test]
    fn summaries_are_one_short_line() {
        assert_eq!(summary_of("  慰问困难群众\n85户  ", "x"), "慰问困难群众 85户");
        assert_eq!(summary_of(" \n", "标题"), "标题");
        let long = "字".repeat(130);
        let s = summary_of(&long, "");
        assert_eq!(s.chars().count(), 121);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn kinds_round_trip() {
        for k in SharedKind::ALL {
            assert_eq!(SharedKind::from_code(k.as_str()), Some(k));
        }
        assert_eq!(SharedKind::from_code("visit"), None);
    }
}
