//! Published proposals, without an account, under `/c/{committee}/proposals`: only filed ones
//! whose proposers consented to publishing (the disclose flag), with their approved replies.
//! Proposers are named as on the printed register; no phone, employer or other contact detail.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Ctx, Shell, html, local_date};
use crate::demands::public_pages::committee_by_code;
use crate::proposals::model::{PartRole, PartState, ProposalState};
use crate::proposals::pages::{proposer_label, sessions};
use crate::proposals::store::{self, ApiFilter, ListScope, Proposal};

/// The states a published proposal may be in: filed and on.
fn public_states() -> Vec<ProposalState> {
    ProposalState::ALL.into_iter().filter(|s| s.numbered()).collect()
}

fn public_filter(text: Option<String>) -> ApiFilter {
    ApiFilter { disclose: Some(true), states: public_states(), text, ..Default::default() }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PublicQuery {
    #[serde(default)]
    q: String,
}

struct PublicRow {
    id: i64,
    number: String,
    title: String,
    proposer: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "proposals/public_list.html")]
struct PublicList {
    shell: Shell,
    committee: String,
    code: String,
    q: String,
    rows: Vec<PublicRow>,
    pager: Pager,
}

pub async fn public_list(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Query(q): Query<PublicQuery>, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let text = Some(q.q.trim().to_string()).filter(|t| !t.is_empty());
    let (list, total) = store::search(&state.db, c.id, ListScope::SentIn, &public_filter(text), page).await?;
    let labels = proposer_label(&state, &list).await?;
    let shell = ctx.shell;
    let rows = list
        .iter()
        .map(|p| PublicRow {
            id: p.id,
            number: p.number.clone().unwrap_or_default(),
            title: p.title.clone(),
            proposer: labels.get(&p.id).cloned().unwrap_or_default(),
            state: shell.t(public_state_key(p.state())),
        })
        .collect();
    let base = if q.q.trim().is_empty() { String::new() } else { serde_urlencoded::to_string([("q", q.q.trim())]).unwrap_or_default() };
    html(&PublicList { shell, committee: c.name, code: c.code, q: q.q, rows, pager: Pager::new(page, total, base) })
}

/// Outsiders see three stages, not the internal states.
fn public_state_key(s: ProposalState) -> &'static str {
    if s.answered() { "proposal.public.answered" } else { "proposal.public.handling" }
}

struct PublicReply {
    unit: String,
    class: String,
    date: String,
    text: String,
}

#[derive(Template)]
#[template(path = "proposals/public_page.html")]
struct PublicPage {
    shell: Shell,
    code: String,
    committee: String,
    p: Proposal,
    session: String,
    proposer: String,
    state: &'static str,
    replies: Vec<PublicReply>,
}

pub async fn public_page(State(state): State<AppState>, ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let p = store::search_one(&state.db, c.id, ListScope::SentIn, &public_filter(None), id).await?.ok_or(AppError::NotFound)?;
    let labels = proposer_label(&state, std::slice::from_ref(&p)).await?;
    let units = crate::org::store::units(&state.db, c.id).await?;
    let replies = store::parts(&state.db, p.id)
        .await?
        .into_iter()
        .filter(|x| x.role() == PartRole::Answering && x.state() == PartState::Approved)
        .map(|x| PublicReply {
            unit: units.iter().find(|u| u.id == x.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
            class: x.class.clone().unwrap_or_default(),
            date: x.approved_at.as_ref().map(|t| local_date(t).to_string()).unwrap_or_default(),
            text: x.reply.clone().unwrap_or_default(),
        })
        .collect();
    let session = sessions(&state, c.id).await?.into_iter().find(|s| Some(s.id) == p.session_id).map(|s| s.name).unwrap_or_default();
    let shell = ctx.shell;
    html(&PublicPage { state: shell.t(public_state_key(p.state())), proposer: labels.get(&p.id).cloned().unwrap_or_default(), shell, code: c.code, committee: c.name, session, replies, p })
}
