//! The exchange feed page: the tree's shared items, filtered by kind and committee. Items of
//! other committees show their summary only; their pages are their committee's own.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient};
use crate::app::shell::{Authed, Shell, html};
use crate::exchange::{SharedItem, SharedKind, feed as shared_feed};
use crate::org::store::{self as org_store, Committee};

/// The feed's filters as typed in the query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub committee: String,
}

/// The feed of `actor`'s tree under `q`, with the tree's committees and the filter errors.
pub async fn read(state: &AppState, actor: &Actor, q: &FeedQuery) -> AppResult<(Vec<SharedItem>, Vec<Committee>, Vec<FieldError>)> {
    let tree = org_store::tree(&state.db, actor.committee_id).await?;
    let known: Vec<(i64, Option<i64>)> = tree.iter().map(|c| (c.id, None)).collect();
    let mut lenient = Lenient::default();
    let kind = lenient.code("kind", &q.kind, SharedKind::from_code);
    let ids: Vec<i64> = match lenient.id("committee", &q.committee, Some(&known)) {
        Some(one) => vec![one],
        None => tree.iter().map(|c| c.id).collect(),
    };
    let items = shared_feed(&state.db, &ids, kind).await?;
    Ok((items, tree, lenient.0))
}

pub struct FeedRow {
    pub kind: &'static str,
    pub committee: String,
    pub own: bool,
    pub title: String,
    pub summary: String,
    pub on_date: chrono::NaiveDate,
    pub href: String,
}

#[derive(Template)]
#[template(path = "exchange/feed.html")]
struct FeedPage {
    shell: Shell,
    rows: Vec<FeedRow>,
    q: FeedQuery,
    kinds: Vec<(&'static str, &'static str)>,
    committees: Vec<(i64, String)>,
    errors: FormErrors,
}

pub async fn feed(State(state): State<AppState>, a: Authed, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewExchange, &Target::own(&a.actor))?;
    let (items, tree, errors) = read(&state, &a.actor, &q).await?;
    let shell = a.ctx.shell;
    let name_of = |id: i64| tree.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default();
    let rows = items
        .into_iter()
        .map(|i| FeedRow {
            kind: shell.t(i.kind_key),
            committee: name_of(i.committee_id),
            own: i.committee_id == a.actor.committee_id,
            title: i.title,
            summary: i.summary,
            on_date: i.on_date,
            href: i.href,
        })
        .collect();
    let page = FeedPage {
        errors: FormErrors::new(shell.lang, &errors),
        kinds: SharedKind::ALL.iter().map(|k| (k.as_str(), shell.t(k.label_key()))).collect(),
        committees: tree.iter().map(|c| (c.id, c.name.clone())).collect(),
        shell,
        rows,
        q,
    };
    html(&page)
}
