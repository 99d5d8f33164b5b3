//! The report form: a member writes as itself (with co-authors) or for its group; staff write
//! for a member, a group, the office or a designated informant. A report may start from its
//! source — a demand or a proposal converted into it, a visit — whose text fills the form and
//! whose link it keeps. Saved as a draft or sent in at once; the same checks serve the API.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, ListForm};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash};
use crate::opinions::model::{ReportForm, ReportInput, SourceType, SubmitterKind, Viewer, WriterChoices, parse_source};
use crate::opinions::moves::{self, By};
use crate::opinions::pages::{Seen, viewer_of, visible};
use crate::opinions::store::Report;
use crate::org::{members, structure};
use crate::research::pages::topics;

#[derive(Template)]
#[template(path = "opinions/form.html")]
struct FormPage {
    shell: Shell,
    /// The report being edited, if any.
    id: Option<i64>,
    f: ReportForm,
    categories: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    groups: Vec<(i64, String)>,
    /// Members who may be named as (co-)authors.
    members: Vec<(i64, String)>,
    staff: bool,
    source: Option<(&'static str, String)>,
    errors: FormErrors,
}

/// What the viewer may write with: its groups (staff: all active ones) and the members it may
/// name (in office, plus those already on an edited report).
struct Offer {
    groups: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
}

async fn offer(state: &AppState, a: &Actor, v: &Viewer, listed: &[i64]) -> AppResult<Offer> {
    let c = structure::filter_choices(&state.db, a.committee_id).await?;
    let mut members = c.members;
    let missing: Vec<i64> = listed.iter().copied().filter(|m| !members.iter().any(|(id, _)| id == m)).collect();
    let names = members::names(&state.db, &missing).await?;
    members.extend(missing.iter().filter_map(|m| names.get(m).map(|n| (*m, n.clone()))));
    let groups = if v.staff {
        c.groups
    } else {
        let mine = match v.member {
            Some(m) => members::groups_of(&state.db, &[m]).await?.remove(&m).unwrap_or_default(),
            None => vec![],
        };
        c.groups.into_iter().filter(|(id, _)| mine.contains(id)).collect()
    };
    Ok(Offer { groups, members })
}

/// A source's page label and what it offers the form: (title, text).
async fn source_of(state: &AppState, committee_id: i64, kind: SourceType, id: i64) -> AppResult<Option<(String, String)>> {
    let snippet = |s: &str| -> String {
        let line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut t: String = line.chars().take(30).collect();
        if line.chars().count() > 30 {
            t.push('…');
        }
        t
    };
    Ok(match kind {
        SourceType::Demand => crate::demands::store::find(&state.db, committee_id, id).await?.map(|d| (format!("关于{}的情况反映", snippet(&d.description)), d.description)),
        SourceType::Visit => crate::visits::store::find(&state.db, committee_id, id).await?.map(|v| (String::new(), v.heard)),
        SourceType::Proposal => crate::proposals::store::find(&state.db, committee_id, id).await?.map(|p| (p.title, p.body)),
    })
}

async fn form_page(state: &AppState, a: Authed, id: Option<i64>, f: ReportForm, listed: &[i64], errors: &[FieldError]) -> AppResult<Response> {
    let v = viewer_of(state, &a.actor).await?;
    let Offer { groups, mut members } = offer(state, &a.actor, &v, listed).await?;
    if !v.staff {
        // The member itself is the first author: it is not offered as a co-author.
        members.retain(|(m, _)| Some(*m) != v.member);
    }
    let shell = a.ctx.shell;
    let kinds: &[SubmitterKind] = if v.staff { &SubmitterKind::WRITTEN } else { &[SubmitterKind::Member, SubmitterKind::Group] };
    let source = match parse_source(&f.source_type, &f.source_id) {
        Ok(Some((k, sid))) => Some((shell.t(&format!("opinion.source.{}", k.as_str())), k.href(sid))),
        _ => None,
    };
    let page = FormPage {
        categories: topics(&shell),
        kinds: kinds.iter().map(|k| (k.as_str(), shell.t(&format!("opinion.kind.{}", k.as_str())))).collect(),
        errors: FormErrors::new(shell.lang, errors),
        staff: v.staff,
        shell,
        id,
        f,
        groups,
        members,
        source,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The source a new report starts from.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FromSource {
    #[serde(default)]
    pub source_type: String,
    #[serde(default)]
    pub source_id: String,
}

pub async fn new(State(state): State<AppState>, a: Authed, Query(q): Query<FromSource>) -> AppResult<Response> {
    authorize(&a.actor, Action::WriteOpinionReports, &Target::own(&a.actor))?;
    let staff = viewer_of(&state, &a.actor).await?.staff;
    let mut f = ReportForm { submitter_kind: if staff { "staff" } else { "member" }.into(), ..Default::default() };
    if let Ok(Some((kind, id))) = parse_source(&q.source_type, &q.source_id)
        && let Some((title, text)) = source_of(&state, a.actor.committee_id, kind, id).await?
    {
        f = ReportForm { title, body: text, source_type: kind.as_str().into(), source_id: id.to_string(), ..f };
    }
    form_page(&state, a, None, f, &[], &[]).await
}

/// Checks a report form for `a` (the page and the API): the form's own checks, then that its
/// source is an item of the committee.
pub async fn check(state: &AppState, a: &Actor, f: &ReportForm, listed: &[i64]) -> AppResult<ReportInput> {
    let v = viewer_of(state, a).await?;
    let o = offer(state, a, &v, listed).await?;
    let groups: Vec<i64> = o.groups.iter().map(|(id, _)| *id).collect();
    let members: Vec<i64> = o.members.iter().map(|(id, _)| *id).collect();
    let mut input = f.parse(&WriterChoices { me: v.member, staff: v.staff, groups: &groups, members: &members }).map_err(AppError::Invalid)?;
    if let Some((kind, id)) = input.source
        && source_of(state, a.committee_id, kind, id).await?.is_none()
    {
        return Err(AppError::invalid("source_type", "opinion.err.source"));
    }
    if input.kind == SubmitterKind::Staff && input.submitter_name.is_empty() {
        input.submitter_name = a.display_name.clone();
    }
    Ok(input)
}

/// Writes a report for `a` (the page and the API).
pub async fn write(state: &AppState, a: &Actor, ip: &str, f: &ReportForm) -> AppResult<Report> {
    authorize(a, Action::WriteOpinionReports, &Target::own(a))?;
    let input = check(state, a, f, &[]).await?;
    let who = Who::actor(a, ip);
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let saved = moves::create(&txn, a.committee_id, &input, By::now(&who)).await?;
    txn.commit().await?;
    Ok(saved)
}

fn saved_key(r: &Report) -> &'static str {
    if r.state().editable() { "flash.saved" } else { "flash.sent" }
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<ReportForm>) -> AppResult<Response> {
    match write(&state, &a.actor, &a.ctx.info.ip, &f).await {
        Ok(r) => Ok(redirect_with_flash(&a.ctx.info, &format!("/opinion-reports/{}", r.id), saved_key(&r))),
        Err(AppError::Invalid(errors)) => form_page(&state, a, None, f, &[], &errors).await,
        Err(e) => Err(e),
    }
}

/// The report if the viewer may change its text.
async fn editable(state: &AppState, a: &Actor, id: i64) -> AppResult<Seen> {
    authorize(a, Action::WriteOpinionReports, &Target::own(a))?;
    let seen = visible(state, a, id).await?;
    if !seen.viewer.may_edit(&seen.r.facts(&seen.authors)) {
        return Err(AppError::Forbidden);
    }
    Ok(seen)
}

pub async fn edit(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let Seen { r, authors, .. } = editable(&state, &a.actor, id).await?;
    let f = ReportForm {
        title: r.title.clone(),
        body: r.body.clone(),
        category: r.category.clone(),
        submitter_kind: r.submitter_kind.clone(),
        group_id: r.group_id.map(|g| g.to_string()).unwrap_or_default(),
        submitter_name: r.submitter_name.clone(),
        author_ids: authors.iter().map(i64::to_string).collect(),
        source_type: r.source_type.clone().unwrap_or_default(),
        source_id: r.source_id.map(|s| s.to_string()).unwrap_or_default(),
        submit: String::new(),
    };
    form_page(&state, a, Some(id), f, &authors, &[]).await
}

pub async fn update(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<ReportForm>) -> AppResult<Response> {
    let Seen { r, authors, .. } = editable(&state, &a.actor, id).await?;
    let result = async {
        let input = check(&state, &a.actor, &f, &authors).await?;
        let who = Who::actor(&a.actor, &a.ctx.info.ip);
        let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
        let saved = moves::update(&txn, &r, &input, By::now(&who)).await?;
        txn.commit().await?;
        Ok::<_, AppError>(saved)
    }
    .await;
    match result {
        Ok(saved) => Ok(redirect_with_flash(&a.ctx.info, &format!("/opinion-reports/{}", saved.id), saved_key(&saved))),
        Err(AppError::Invalid(errors)) => form_page(&state, a, Some(id), f, &authors, &errors).await,
        Err(e) => Err(e),
    }
}
