//! Proposal pages: members draft (alone or jointly), co-signers confirm, staff review, return
//! with a reason, file with the session's next number, merge, refuse or convert; everyone who
//! may see a proposal sees its signers and timeline.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors, ListFields, ListForm, choices};
use crate::app::shell::{Authed, Shell, html, local_time, redirect_with_flash, today};
use crate::org::members::{self, MemberFilter};
use crate::org::model::Role;
use crate::org::terms::{self, ordinal};
use crate::org::values::MemberStatus;
use crate::proposals::model::{
    self, AnswerClass, AssignMode, PartAction, PartActor, PartRole, PartState, ProposalAction, ProposalActor, ProposalKind,
    ProposalState, Satisfaction, SubmitterKind,
};
use crate::proposals::{followup, settings, similar};
use crate::proposals::store::{self, NewProposal, Proposal};
use crate::tracking::store as tracking;

/// A plenary session as proposals refer to it.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: i64,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The current term's sessions, latest first.
pub(crate) async fn sessions(state: &AppState, committee_id: i64) -> AppResult<Vec<Session>> {
    let Some(term) = terms::terms(&state.db, committee_id).await?.into_iter().next() else { return Ok(vec![]) };
    let mut list: Vec<Session> = terms::plenaries(&state.db, term.id)
        .await?
        .into_iter()
        .map(|p| Session { id: p.id, name: format!("{}届{}次会议", ordinal(term.number), ordinal(p.number)), start: p.start_date, end: p.end_date })
        .collect();
    list.reverse();
    Ok(list)
}

/// The session a proposal sent in on `day` belongs to: the one whose 大会提案 window holds the
/// day, else the latest that has begun (平时提案 between sessions), else the next one.
fn session_for(list: &[Session], day: NaiveDate) -> Option<&Session> {
    list.iter()
        .find(|s| {
            let (a, b) = model::plenary_window(s.start, s.end);
            a <= day && day <= b
        })
        .or_else(|| list.iter().find(|s| s.start <= day))
        .or_else(|| list.last())
}

/// Who sent each proposal in, as lists show it: the collective submitter, or the lead
/// proposer with "等N人" for a joint proposal.
pub(crate) async fn proposer_label(state: &AppState, list: &[Proposal]) -> AppResult<HashMap<i64, String>> {
    let ids: Vec<i64> = list.iter().filter(|p| p.submitter_kind == "member").map(|p| p.id).collect();
    let signers = store::signers_of(&state.db, &ids).await?;
    let leads: Vec<i64> = signers.values().filter_map(|v| v.first().copied()).collect();
    let names = members::names(&state.db, &leads).await?;
    Ok(list
        .iter()
        .map(|p| {
            let label = match signers.get(&p.id) {
                Some(v) if p.submitter_kind == "member" => {
                    let lead = v.first().and_then(|m| names.get(m)).cloned().unwrap_or_default();
                    if v.len() > 1 { format!("{lead}等{}人", v.len()) } else { lead }
                }
                _ => p.submitter_name.clone(),
            };
            (p.id, label)
        })
        .collect())
}

/// The member behind a member account, if any.
pub(crate) async fn own_member(state: &AppState, actor: &Actor) -> AppResult<Option<i64>> {
    Ok(members::linked_to(&state.db, actor.user_id).await?.filter(|m| m.committee_id == actor.committee_id).map(|m| m.id))
}

/// The draft form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DraftInput {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    suggested_units: String,
    #[serde(default)]
    cosigner_ids: Vec<String>,
    /// Set by the staff form for a collective proposal.
    #[serde(default)]
    submitter_kind: String,
    #[serde(default)]
    submitter_name: String,
    #[serde(default)]
    contact_id: String,
}

impl ListFields for DraftInput {
    const LISTS: &'static [&'static str] = &["cosigner_ids"];
}

/// A checked draft.
#[derive(Debug)]
struct Draft {
    kind: ProposalKind,
    title: String,
    body: String,
    suggested_units: String,
    cosigner_ids: Vec<i64>,
}

/// Checks a draft: one subject (a title of 5–100 characters), a body of 50–10,000, co-signers
/// among the members in office other than the lead proposer.
fn parse_draft(f: &DraftInput, members: &[i64], lead: i64) -> Result<Draft, Vec<FieldError>> {
    let mut c = Check::default();
    let kind = c.take(ProposalKind::from_code(f.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
    let title = crate::org::values::normalize_text(&f.title);
    if !(5..=100).contains(&title.chars().count()) {
        c.add(FieldError::new("title", "err.proposal_title"));
    }
    let body = f.body.trim().to_string();
    if !(50..=10_000).contains(&body.chars().count()) {
        c.add(FieldError::new("body", "err.proposal_body"));
    }
    let units = crate::org::values::normalize_text(&f.suggested_units);
    if units.chars().count() > 200 {
        c.add(FieldError::new("suggested_units", "err.too_long"));
    }
    let others: Vec<i64> = members.iter().copied().filter(|m| *m != lead).collect();
    let cosigners = c.take(choices("cosigner_ids", &f.cosigner_ids, &others));
    match (kind, cosigners, c.is_ok()) {
        (Some(kind), Some(cosigner_ids), true) => Ok(Draft { kind, title, body, suggested_units: units, cosigner_ids }),
        _ => Err(c.0),
    }
}

/// A checked collective submitter.
#[derive(Debug, PartialEq)]
struct Collective {
    kind: SubmitterKind,
    name: String,
    contact: i64,
}

/// Checks a collective submitter: a sector or group by its name in the committee's lists, a
/// party, organisation or special committee by a name of 2–64 characters, and the contact member.
fn parse_collective(f: &DraftInput, sectors: &[String], groups: &[String], members: &[i64]) -> Result<Collective, Vec<FieldError>> {
    let mut c = Check::default();
    let kind = SubmitterKind::from_code(f.submitter_kind.trim()).filter(|k| *k != SubmitterKind::Member);
    let name = crate::org::values::normalize_text(&f.submitter_name);
    match kind {
        None => c.add(FieldError::new("submitter_kind", "err.choice")),
        Some(SubmitterKind::Sector) if !sectors.contains(&name) => c.add(FieldError::new("submitter_name", "err.unknown_sector")),
        Some(SubmitterKind::Group) if !groups.contains(&name) => c.add(FieldError::new("submitter_name", "err.unknown_group")),
        Some(_) if !(2..=64).contains(&name.chars().count()) => c.add(FieldError::new("submitter_name", "err.required")),
        Some(_) => {}
    }
    let contact = c.take(crate::app::forms::choice("contact_id", &f.contact_id, members).and_then(|m| m.ok_or(FieldError::new("contact_id", "err.required"))));
    match (kind, contact, c.is_ok()) {
        (Some(kind), Some(contact), true) => Ok(Collective { kind, name, contact }),
        _ => Err(c.0),
    }
}

#[derive(Template)]
#[template(path = "proposals/new.html")]
struct NewPage {
    shell: Shell,
    f: DraftInput,
    members: Vec<(i64, String)>,
    session: String,
    /// Where the form posts: a new draft, or the edit of one.
    action: String,
    /// Editing an existing draft: the co-signers stay as they are.
    editing: bool,
    /// Staff register a collective proposal: the kinds, and the names to pick from.
    collective: bool,
    sectors: Vec<String>,
    groups: Vec<String>,
    errors: FormErrors,
}

fn is_staff(a: &Actor) -> bool {
    may(a, Action::ManageProposals, &Target::own(a))
}

/// Sector and group names of the committee, for collective submitters.
async fn collective_names(state: &AppState, cid: i64) -> AppResult<(Vec<String>, Vec<String>)> {
    let sectors = crate::org::structure::sectors(&state.db, cid).await?.into_iter().filter(|s| !s.retired).map(|s| s.name).collect();
    let groups = crate::org::structure::groups(&state.db, cid).await?.into_iter().filter(|g| !g.retired).map(|g| g.name).collect();
    Ok((sectors, groups))
}

async fn in_office(state: &AppState, cid: i64) -> AppResult<Vec<(i64, String)>> {
    let f = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    Ok(members::all(&state.db, cid, &f).await?.into_iter().map(|m| (m.id, m.name)).collect())
}

async fn new_page(state: &AppState, a: Authed, f: DraftInput, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let me = own_member(state, &a.actor).await?;
    let members = in_office(state, cid).await?.into_iter().filter(|(id, _)| Some(*id) != me).collect();
    let session = session_for(&sessions(state, cid).await?, today()).map(|s| s.name.clone()).unwrap_or_default();
    let collective = is_staff(&a.actor);
    let (sectors, groups) = if collective { collective_names(state, cid).await? } else { (vec![], vec![]) };
    let shell = a.ctx.shell;
    let page = NewPage { errors: FormErrors::new(shell.lang, errors), shell, f, members, session, action: "/proposals".into(), editing: false, collective, sectors, groups };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    if !is_staff(&a.actor) {
        authorize(&a.actor, Action::DraftProposals, &Target::own(&a.actor))?;
    }
    // 大会提案 by default only while its window is open; 平时提案 otherwise.
    let list = sessions(&state, a.actor.committee_id).await?;
    let open = session_for(&list, today()).is_some_and(|s| {
        let (from, to) = model::plenary_window(s.start, s.end);
        from <= today() && today() <= to
    });
    let kind = if open { ProposalKind::Plenary } else { ProposalKind::Regular };
    new_page(&state, a, DraftInput { kind: kind.as_str().into(), ..Default::default() }, &[]).await
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<DraftInput>) -> AppResult<Response> {
    if is_staff(&a.actor) {
        return create_collective(state, a, f).await;
    }
    authorize(&a.actor, Action::DraftProposals, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let Some(me) = own_member(&state, &a.actor).await? else { return Err(AppError::Forbidden) };
    let ids: Vec<i64> = in_office(&state, cid).await?.iter().map(|m| m.0).collect();
    match parse_draft(&f, &ids, me) {
        Ok(d) => {
            let session_id = session_for(&sessions(&state, cid).await?, today()).map(|s| s.id);
            let p = NewProposal {
                kind: d.kind,
                session_id,
                title: d.title,
                body: d.body,
                suggested_units: d.suggested_units,
                lead_member_id: me,
                cosigner_ids: d.cosigner_ids,
            };
            let saved = store::create_draft(&state.db, cid, &p, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/proposals/{}", saved.id), "flash.saved"))
        }
        Err(errors) => new_page(&state, a, f, &errors).await,
    }
}

/// Staff register a collective proposal from its sealed paper: it is sent in at once, with the
/// contact member as the one who rates the answer.
async fn create_collective(state: AppState, a: Authed, f: DraftInput) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let ids: Vec<i64> = in_office(&state, cid).await?.iter().map(|m| m.0).collect();
    let (sectors, groups) = collective_names(&state, cid).await?;
    let common = parse_draft(&DraftInput { cosigner_ids: vec![], ..f.clone() }, &[], -1);
    let who = parse_collective(&f, &sectors, &groups, &ids);
    let (d, c) = match (common, who) {
        (Ok(d), Ok(c)) => (d, c),
        (d, c) => {
            let mut errors = d.err().unwrap_or_default();
            errors.extend(c.err().unwrap_or_default());
            return new_page(&state, a, f, &errors).await;
        }
    };
    let list = sessions(&state, cid).await?;
    let session = session_for(&list, today());
    let window = session.map(|s| model::plenary_window(s.start, s.end));
    if let Err(key) = model::may_submit(d.kind, today(), window, c.kind.plenary_only(), session.map(|s| (s.start, s.end))) {
        return new_page(&state, a, f, &[FieldError::new("kind", key)]).await;
    }
    let p = NewProposal {
        kind: d.kind,
        session_id: session.map(|s| s.id),
        title: d.title,
        body: d.body,
        suggested_units: d.suggested_units,
        lead_member_id: c.contact,
        cosigner_ids: vec![],
    };
    let saved = store::create_collective(&state.db, cid, &p, c.kind, &c.name, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/proposals/{}", saved.id), "flash.saved"))
}

async fn edit_page(a: Authed, p: &Proposal, f: DraftInput, errors: &[FieldError]) -> AppResult<Response> {
    let shell = a.ctx.shell;
    let page = NewPage {
        errors: FormErrors::new(shell.lang, errors),
        shell,
        f,
        members: vec![],
        session: String::new(),
        action: format!("/proposals/{}/edit", p.id),
        editing: true,
        collective: false,
        sectors: vec![],
        groups: vec![],
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The lead proposer's own draft or returned proposal, which may be edited now.
async fn editable(state: &AppState, a: &Actor, id: i64) -> AppResult<Proposal> {
    let p = visible(state, a, id).await?;
    if actor_of(state, a, &p).await? != Some(ProposalActor::Lead) {
        return Err(AppError::Forbidden);
    }
    Ok(p)
}

/// The lead proposer changes a draft, or supplements a returned proposal.
pub async fn edit_form(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let p = editable(&state, &a.actor, id).await?;
    if !p.state().editable() {
        // Sent in meanwhile: the proposal's page says where it stands.
        return Ok(axum::response::Redirect::to(&format!("/proposals/{}", p.id)).into_response());
    }
    let f = DraftInput { kind: p.kind.clone(), title: p.title.clone(), body: p.body.clone(), suggested_units: p.suggested_units.clone(), ..Default::default() };
    edit_page(a, &p, f, &[]).await
}

pub async fn save_edit(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<DraftInput>) -> AppResult<Response> {
    let p = editable(&state, &a.actor, id).await?;
    match parse_draft(&DraftInput { cosigner_ids: vec![], ..f.clone() }, &[], -1) {
        Ok(d) => {
            let text = store::NewText { kind: d.kind, title: d.title, body: d.body, suggested_units: d.suggested_units };
            match store::edit(&state.db, &p, Some(ProposalActor::Lead), &text, &Who::actor(&a.actor, &a.ctx.info.ip)).await {
                Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/proposals/{}", p.id), "flash.saved")),
                Err(AppError::Invalid(errors)) => edit_page(a, &p, f, &errors).await,
                Err(e) => Err(e),
            }
        }
        Err(errors) => edit_page(a, &p, f, &errors).await,
    }
}

struct SignerRow {
    name: String,
    lead: bool,
    confirmed: bool,
}

struct EventRow {
    at: String,
    who: String,
    what: &'static str,
    comment: String,
}

#[derive(Template)]
#[template(path = "proposals/detail.html")]
struct DetailPage {
    shell: Shell,
    p: Proposal,
    kind: &'static str,
    state: &'static str,
    session: String,
    signers: Vec<SignerRow>,
    timeline: Vec<EventRow>,
    /// Action forms this viewer may use now.
    actions: Vec<&'static str>,
    grounds: Vec<String>,
    conversions: [&'static str; 3],
    /// Proposals of the same session with similar titles: (id, number or title, score %).
    similar: Vec<(i64, String, u32)>,
    parts: Vec<PartRow>,
    /// The viewing unit's open part and the moves it may make on it.
    unit_moves: Option<(i64, Vec<&'static str>)>,
    /// Staff: the units to assign to, when the proposal can be assigned.
    assign_units: Vec<(i64, String)>,
    can_rate: bool,
    /// The lead proposer may edit it now.
    can_edit: bool,
    /// The host this one was merged into: (id, number and title).
    host: Option<(i64, String)>,
    /// Proposals merged into this one.
    merged: Vec<(i64, String)>,
    supervisor: String,
    /// A collective submitter and its kind, e.g. "经济界（界别）".
    submitter: String,
    follow_ups: Vec<(String, String)>,
    staff: StaffForms,
    errors: FormErrors,
}

/// The forms staff may use on this proposal now (empty lists and `false` hide them).
#[derive(Default)]
struct StaffForms {
    /// Hosts to merge into, similar titles first: (id, label).
    merge_hosts: Vec<(i64, String)>,
    /// Leaders who may supervise a key proposal, when the flags can be set: (id, name, chosen).
    leaders: Vec<(i64, String, bool)>,
    can_flag: bool,
    /// The latest deadline an extension may reach, when it can be extended.
    extend_limit: Option<NaiveDate>,
    can_follow_up: bool,
    can_excellent: bool,
}

/// A unit's part as the detail page shows it.
struct PartRow {
    id: i64,
    unit: String,
    co_unit: bool,
    state: &'static str,
    class: String,
    reply: String,
    /// Staff may approve or send back this reply now.
    reviewable: bool,
    /// A 会办 reply waiting for the co-units' co-signatures.
    awaiting_cosign: bool,
    /// An approved answer: its letter can be downloaded.
    letter: bool,
    /// The reply shown is the one before a re-handling or a send-back: a new one is due.
    previous: bool,
}

/// What the viewer is to this proposal, for the state machine.
async fn actor_of(state: &AppState, a: &Actor, p: &Proposal) -> AppResult<Option<ProposalActor>> {
    if may(a, Action::ManageProposals, &Target::own(a)) {
        return Ok(Some(ProposalActor::Staff));
    }
    Ok(match own_member(state, a).await? {
        Some(m) => store::role_of(&state.db, p, m).await?,
        None => None,
    })
}

/// The action forms offered, each checked against the state machine.
fn actions_for(actor: Option<ProposalActor>, p: &Proposal, joint: bool, rating_closed: bool) -> Vec<&'static str> {
    use ProposalAction as A;
    let Some(actor) = actor else { return vec![] };
    let candidates: [(&str, ProposalAction); 9] = [
        ("submit", A::Submit { joint }),
        ("withdraw", A::Withdraw),
        ("cosign", A::CoSign { last: false }),
        ("accept", A::Accept),
        ("return", A::Return),
        ("file", A::File),
        ("reject", A::Reject),
        ("convert", A::Convert { consent: true }),
        ("conclude", A::Conclude { rating_closed }),
    ];
    candidates.into_iter().filter(|(_, action)| model::apply(p.state(), *action, actor).is_ok()).map(|(n, _)| n).collect()
}

pub(crate) async fn visible(state: &AppState, a: &Actor, id: i64) -> AppResult<Proposal> {
    authorize(a, Action::ViewProposals, &Target::own(a))?;
    let p = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    if a.role == Role::Unit {
        let mine = store::parts(&state.db, p.id).await?.iter().any(|x| Some(x.unit_id) == a.unit_id && x.state() != PartState::Withdrawn);
        return if mine { Ok(p) } else { Err(AppError::NotFound) };
    }
    // Drafts and signature rounds are the signers' own until sent in.
    let open = p.state().received() || actor_of(state, a, &p).await?.is_some_and(|r| r != ProposalActor::Staff);
    if open { Ok(p) } else { Err(AppError::NotFound) }
}

async fn detail_page(state: &AppState, a: Authed, p: Proposal, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let list = store::signers(&state.db, p.id).await?;
    let names = members::names(&state.db, &list.iter().map(|s| s.0).collect::<Vec<_>>()).await?;
    let signers = list.iter().enumerate().map(|(i, (m, c))| SignerRow { name: names.get(m).cloned().unwrap_or_default(), lead: i == 0, confirmed: *c }).collect();
    let shell = a.ctx.shell;
    let events = tracking::timeline(&state.db, store::ITEM_TYPE, p.id).await?;
    let labels = tracking::actor_labels(&state.db, &events).await?;
    let timeline = events
        .into_iter()
        .map(|e| EventRow {
            at: local_time(&e.at),
            who: e.actor_id.and_then(|id| labels.get(&id).cloned()).unwrap_or(e.actor_name),
            what: shell.lang.try_t(&format!("proposal.event.{}", e.action)).unwrap_or(""),
            comment: e.comment,
        })
        .collect();
    let actor = actor_of(state, &a.actor, &p).await?;
    let session = sessions(state, cid).await?.into_iter().find(|s| Some(s.id) == p.session_id).map(|s| s.name).unwrap_or_default();
    let similar = if actor == Some(ProposalActor::Staff) && matches!(p.state(), ProposalState::Submitted | ProposalState::InReview) {
        let others = store::titles_of_session(&state.db, cid, p.session_id, p.id).await?;
        similar::most_similar(&p.title, &others.iter().map(|(id, _, t)| (*id, t.clone())).collect::<Vec<_>>(), 0.4, 5)
            .into_iter()
            .filter_map(|(id, score)| others.iter().find(|o| o.0 == id).map(|o| (id, o.1.clone().unwrap_or_else(|| o.2.clone()), (score * 100.0).round() as u32)))
            .collect()
    } else {
        vec![]
    };
    let all_parts = store::parts(&state.db, p.id).await?;
    let units = crate::org::store::units(&state.db, cid).await?;
    let unit_name = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
    let staff = actor == Some(ProposalActor::Staff);
    let co_states: Vec<PartState> = all_parts.iter().filter(|x| x.role() == PartRole::CoUnit).map(|x| x.state()).collect();
    let parts = all_parts
        .iter()
        .map(|x| PartRow {
            id: x.id,
            unit: unit_name(x.unit_id),
            co_unit: x.role() == PartRole::CoUnit,
            state: shell.t(&format!("proposal.part.{}", x.state().as_str())),
            class: x.class.clone().unwrap_or_default(),
            reply: x.reply.clone().unwrap_or_default(),
            reviewable: staff && x.state() == PartState::Replied && model::joint_order(PartAction::Approve, x.role(), Some(x.state()), &co_states, today(), today()).is_ok(),
            awaiting_cosign: x.role() == PartRole::Answering && x.state() == PartState::Replied && !co_states.iter().all(|s| matches!(s, PartState::CoSigned | PartState::Withdrawn | PartState::Objected)),
            letter: x.role() == PartRole::Answering && x.state() == PartState::Approved,
            previous: x.role() == PartRole::Answering && matches!(x.state(), PartState::Assigned | PartState::SentBack),
        })
        .collect();
    let unit_moves = match a.actor.unit_id.filter(|_| a.actor.role == Role::Unit) {
        Some(u) => all_parts.iter().find(|x| x.unit_id == u && x.state() != PartState::Withdrawn).map(|x| (x.id, part_moves(x, &all_parts, p.assigned_at))),
        None => None,
    };
    let assign_units = if staff && model::apply(p.state(), ProposalAction::Assign, ProposalActor::Staff).is_ok() {
        units.iter().filter(|u| !u.retired).map(|u| (u.id, u.name.clone())).collect()
    } else {
        vec![]
    };
    let me = own_member(state, &a.actor).await?;
    let can_rate = p.state() == ProposalState::Answered
        && matches!(actor, Some(ProposalActor::Lead | ProposalActor::CoSigner))
        && match me {
            Some(m) => !store::rated_this_round(&state.db, &p, m).await?,
            None => false,
        };
    let can_edit = actor == Some(ProposalActor::Lead) && p.state().editable();
    let host = match p.host_id {
        Some(h) => store::find(&state.db, cid, h).await?.map(|h| (h.id, format!("{}《{}》", h.number.clone().unwrap_or_default(), h.title))),
        None => None,
    };
    let merged = followup::merged_into(&state.db, p.id).await?;
    let supervisor = match p.supervisor_id {
        Some(m) => members::names(&state.db, &[m]).await?.remove(&m).unwrap_or_default(),
        None => String::new(),
    };
    let follow_ups = followup::follow_ups(&state.db, p.id).await?.into_iter().map(|f| (f.on_date.to_string(), f.text)).collect();
    let staff_forms = if staff { staff_forms(state, &p).await? } else { StaffForms::default() };
    let grounds = settings::load(&state.db, cid).await?.grounds;
    let page = DetailPage {
        errors: FormErrors::new(shell.lang, errors),
        parts,
        unit_moves,
        assign_units,
        can_rate,
        can_edit,
        kind: shell.t(&format!("proposal.kind.{}", p.kind)),
        state: shell.t(p.state().label_key()),
        actions: actions_for(actor, &p, list.len() > 1, rating_closed(&p)),
        grounds,
        conversions: CONVERSIONS,
        host,
        merged,
        supervisor,
        submitter: if p.submitter_kind == "member" { String::new() } else { format!("{}（{}）", p.submitter_name, shell.t(&format!("proposal.submitter.{}", p.submitter_kind))) },
        follow_ups,
        staff: staff_forms,
        session,
        signers,
        timeline,
        similar,
        shell,
        p,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// What staff may do beside the main line: merge it, flag it, extend it, follow it up, mark it.
async fn staff_forms(state: &AppState, p: &Proposal) -> AppResult<StaffForms> {
    let merge_hosts = if model::apply(p.state(), ProposalAction::Merge, ProposalActor::Staff).is_ok() {
        let hosts = store::hosts_for(&state.db, p).await?;
        let titles: Vec<(i64, String)> = hosts.iter().map(|h| (h.id, h.title.clone())).collect();
        let similar: Vec<i64> = similar::most_similar(&p.title, &titles, 0.2, 10).into_iter().map(|(id, _)| id).collect();
        let label = |h: &Proposal| format!("{}《{}》", h.number.clone().unwrap_or_default(), h.title);
        let first = similar.iter().filter_map(|id| hosts.iter().find(|h| h.id == *id));
        let rest = hosts.iter().filter(|h| !similar.contains(&h.id));
        first.chain(rest).map(|h| (h.id, label(h))).collect()
    } else {
        vec![]
    };
    let numbered = p.state().numbered();
    let leaders = if numbered { leaders(state, p.committee_id).await?.into_iter().map(|(id, name)| (id, name, p.supervisor_id == Some(id))).collect() } else { vec![] };
    let extend_limit = p.assigned_at.filter(|_| model::may_extend(p.state())).and_then(|d| d.checked_add_months(chrono::Months::new(model::MAX_EXTENDED_MONTHS)));
    let can_follow_up = model::may_follow_up(p.state(), &followup::answer_classes(&state.db, p.id).await?);
    Ok(StaffForms { merge_hosts, leaders, can_flag: numbered, extend_limit, can_follow_up, can_excellent: numbered })
}

/// The committee's leaders in office (主席会议成员), who supervise key proposals.
pub(crate) async fn leaders(state: &AppState, cid: i64) -> AppResult<Vec<(i64, String)>> {
    let f = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    Ok(members::all(&state.db, cid, &f).await?.into_iter().filter_map(|m| {
        let position = crate::org::values::Position::ALL.into_iter().find(|p| p.as_str() == m.position).filter(|p| p.is_leader())?;
        Some((m.id, format!("{}（{}）", m.name, position.label())))
    }).collect())
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    detail_page(&state, a, p, &[]).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub consent: String,
    /// convert: opinion_report, opinion or higher_committee.
    #[serde(default)]
    pub convert_to: String,
}

/// What a proposal that is not filed as such may become (转化), with the proposer's consent.
pub const CONVERSIONS: [&str; 3] = ["opinion_report", "opinion", "higher_committee"];

/// The reason recorded for a move: a not-filing ground must be one of the committee's, a
/// conversion names what the proposal becomes (in Chinese, for the timeline and the proposer).
fn reason_for(action: &str, f: &ActForm, grounds: &[String]) -> Result<String, FieldError> {
    let reason = f.reason.trim();
    match action {
        "reject" if !grounds.iter().any(|g| g == reason) => Err(FieldError::new("reason", "err.choice")),
        "convert" => {
            let to = CONVERSIONS.iter().find(|c| **c == f.convert_to.trim()).ok_or(FieldError::new("convert_to", "err.choice"))?;
            if reason.is_empty() {
                return Err(FieldError::new("reason", "err.required"));
            }
            Ok(format!("{}：{reason}", crate::app::i18n::Lang::Zh.t(&format!("proposal.convert_to.{to}"))))
        }
        _ => Ok(reason.to_string()),
    }
}

/// Applies one move for the viewer; the state machine and the store check it again.
pub(crate) async fn perform(state: &AppState, a: &Actor, ip: &str, p: &Proposal, f: &ActForm) -> AppResult<Proposal> {
    use ProposalAction as A;
    let who = Who::actor(a, ip);
    let actor = actor_of(state, a, p).await?.ok_or(AppError::Forbidden)?;
    let joint = store::signers(&state.db, p.id).await?.len() > 1;
    let action = match f.action.as_str() {
        "submit" => A::Submit { joint },
        "withdraw" => A::Withdraw,
        "cosign" => {
            // The last signature sends a 大会提案 in: only within its window.
            check_window(state, a.committee_id, p).await?;
            let me = own_member(state, a).await?.ok_or(AppError::Forbidden)?;
            return store::cosign(&state.db, p, me, &who).await;
        }
        "file" => {
            if actor != ProposalActor::Staff {
                return Err(AppError::Forbidden);
            }
            let format = settings::load(&state.db, a.committee_id).await?.number_format;
            return store::file(&state.db, p, &format, &who).await;
        }
        "accept" => A::Accept,
        "conclude" => A::Conclude { rating_closed: rating_closed(p) },
        "return" => A::Return,
        "reject" => A::Reject,
        "convert" => A::Convert { consent: f.consent == "yes" },
        _ => return Err(AppError::invalid("action", "err.choice")),
    };
    // Review moves need the staff permission; the state machine checks the rest.
    if matches!(action, A::Accept | A::Return | A::Reject | A::Convert { .. } | A::Conclude { .. }) && actor != ProposalActor::Staff {
        return Err(AppError::Forbidden);
    }
    if matches!(action, A::Submit { .. }) {
        check_window(state, a.committee_id, p).await?;
    }
    let grounds = settings::load(&state.db, a.committee_id).await?.grounds;
    let reason = reason_for(&f.action, f, &grounds).map_err(|e| AppError::Invalid(vec![e]))?;
    store::transition(&state.db, p, action, actor, &reason, &who).await
}

/// Has the proposers' time to rate the answer run out?
fn rating_closed(p: &Proposal) -> bool {
    p.answered_at.as_ref().is_some_and(|t| model::rating_closed(crate::app::shell::local_date(t), today()))
}

/// A 大会提案 is sent in only within its session's window.
async fn check_window(state: &AppState, cid: i64, p: &Proposal) -> AppResult<()> {
    let kind = ProposalKind::from_code(&p.kind).unwrap_or(ProposalKind::Regular);
    let list = sessions(state, cid).await?;
    let session = list.iter().find(|s| Some(s.id) == p.session_id);
    let window = session.map(|s| model::plenary_window(s.start, s.end));
    model::may_submit(kind, today(), window, false, session.map(|s| (s.start, s.end))).map_err(|key| AppError::invalid("kind", key))
}

pub async fn act(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<ActForm>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let result = perform(&state, &a.actor, &a.ctx.info.ip, &p, &f).await;
    done(&state, a, p, result).await
}

/// The moves a unit may make on its part now (the store checks again).
fn part_moves(x: &store::Part, all: &[store::Part], assigned: Option<NaiveDate>) -> Vec<&'static str> {
    let within = assigned.is_some_and(|d| model::within_objection_window(d, today()));
    let co: Vec<PartState> = all.iter().filter(|y| y.role() == PartRole::CoUnit).map(|y| y.state()).collect();
    let lead = all.iter().find(|y| y.role() == PartRole::Answering && y.state() != PartState::Withdrawn).map(|y| y.state());
    let on = assigned.unwrap_or_else(today);
    [("object", PartAction::Object { within_window: within }), ("opinion", PartAction::SendOpinion), ("cosign", PartAction::CoSign), ("reply", PartAction::Reply)]
        .into_iter()
        .filter(|(_, action)| model::apply_part(x.state(), x.role(), *action, PartActor::Unit).is_ok())
        .filter(|(_, action)| model::joint_order(*action, x.role(), lead, &co, on, today()).is_ok())
        .map(|(n, _)| n)
        .collect()
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AssignInput {
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub lead_unit: String,
    #[serde(default)]
    pub unit_ids: Vec<String>,
}

impl ListFields for AssignInput {
    const LISTS: &'static [&'static str] = &["unit_ids"];
}

/// 交办: staff hand a filed proposal to units.
pub async fn assign(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<AssignInput>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let result = assign_as(&state, &a.actor, &a.ctx.info.ip, &p, &f).await;
    done(&state, a, p, result).await
}

pub(crate) async fn assign_as(state: &AppState, a: &Actor, ip: &str, p: &Proposal, f: &AssignInput) -> AppResult<Proposal> {
    authorize(a, Action::ManageProposals, &Target::own(a))?;
    let units: Vec<i64> = crate::org::store::units(&state.db, a.committee_id).await?.iter().filter(|u| !u.retired).map(|u| u.id).collect();
    let parsed = AssignMode::from_code(f.mode.trim()).ok_or(FieldError::new("mode", "err.choice")).and_then(|mode| {
        let lead = crate::app::forms::choice("lead_unit", &f.lead_unit, &units)?;
        let others = choices("unit_ids", &f.unit_ids, &units)?;
        Ok((mode, lead, others))
    });
    match parsed {
        Ok((mode, lead, others)) => store::assign(&state.db, p, mode, lead, &others, today(), &Who::actor(a, ip)).await,
        Err(e) => Err(AppError::Invalid(vec![e])),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PartForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub class: String,
    #[serde(default)]
    pub text: String,
}

/// A unit's move on its part, or staff approving or sending back a reply.
pub async fn part(State(state): State<AppState>, a: Authed, Path((id, part_id)): Path<(i64, i64)>, Form(f): Form<PartForm>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let result = part_as(&state, &a.actor, &a.ctx.info.ip, &p, part_id, &f).await;
    done(&state, a, p, result).await
}

pub(crate) async fn part_as(state: &AppState, a: &Actor, ip: &str, p: &Proposal, part_id: i64, f: &PartForm) -> AppResult<Proposal> {
    let x = store::parts(&state.db, p.id).await?.into_iter().find(|x| x.id == part_id).ok_or(AppError::NotFound)?;
    let staff = may(a, Action::ManageProposals, &Target::own(a));
    let own = a.role == Role::Unit && a.unit_id == Some(x.unit_id);
    let (action, actor) = match f.action.as_str() {
        "object" if own => (PartAction::Object { within_window: p.assigned_at.is_some_and(|d| model::within_objection_window(d, today())) }, PartActor::Unit),
        "opinion" if own => (PartAction::SendOpinion, PartActor::Unit),
        "reply" if own => (PartAction::Reply, PartActor::Unit),
        "cosign" if own => (PartAction::CoSign, PartActor::Unit),
        "approve" if staff => (PartAction::Approve, PartActor::Staff),
        "send_back" if staff => (PartAction::SendBack, PartActor::Staff),
        _ => return Err(AppError::Forbidden),
    };
    let input = store::PartInput { class: AnswerClass::from_code(&f.class), text: f.text.clone() };
    store::move_part(&state.db, p, part_id, action, actor, &input, &Who::actor(a, ip)).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    pub satisfaction: String,
    #[serde(default)]
    pub contacted: String,
}

/// A proposer rates the answer.
pub async fn rate(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<RateForm>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let result = rate_as(&state, &a.actor, &a.ctx.info.ip, &p, &f).await;
    done(&state, a, p, result).await
}

pub(crate) async fn rate_as(state: &AppState, a: &Actor, ip: &str, p: &Proposal, f: &RateForm) -> AppResult<Proposal> {
    let me = own_member(state, a).await?.ok_or(AppError::Forbidden)?;
    match Satisfaction::from_code(f.satisfaction.trim()) {
        Some(s) => store::rate(&state.db, p, me, s, f.contacted == "yes", &Who::actor(a, ip)).await,
        None => Err(AppError::invalid("satisfaction", "err.choice")),
    }
}

/// Back to the proposal after a move, or the page with the errors.
pub(crate) async fn done(state: &AppState, a: Authed, p: Proposal, result: AppResult<Proposal>) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/proposals/{}", p.id), "flash.saved")),
        Err(AppError::Invalid(errors)) => detail_page(state, a, p, &errors).await,
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i64, start: (i32, u32, u32), end: (i32, u32, u32)) -> Session {
        let d = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Session { id, name: String::new(), start: d(start), end: d(end) }
    }

    #[test]
    fn a_proposal_belongs_to_the_session_whose_window_holds_the_day() {
        // Latest first, as `sessions` returns them.
        let list = [s(2, (2022, 1, 5), (2022, 1, 7)), s(1, (2021, 10, 20), (2021, 10, 22))];
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(session_for(&list, day(2021, 12, 1)).unwrap().id, 2, "大会提案 window of the coming session");
        assert_eq!(session_for(&list, day(2022, 6, 1)).unwrap().id, 2, "between sessions: the latest begun");
        assert_eq!(session_for(&list, day(2021, 10, 21)).unwrap().id, 2, "windows overlap: the later session's");
        assert_eq!(session_for(&list, day(2021, 1, 1)).unwrap().id, 1, "before any: the first");
        assert!(session_for(&[], day(2022, 1, 1)).is_none());
    }

    #[test]
    fn a_draft_needs_one_clear_subject_and_known_cosigners() {
        let f = DraftInput {
            kind: "regular".into(),
            title: "关于加强老旧小区改造的建议".into(),
            body: "我区老旧小区数量多、设施陈旧，".repeat(5),
            suggested_units: "区住房和城乡建设局".into(),
            cosigner_ids: vec!["2".into(), "3".into()],
            ..Default::default()
        };
        let d = parse_draft(&f, &[1, 2, 3], 1).unwrap();
        assert_eq!((d.kind, d.cosigner_ids), (ProposalKind::Regular, vec![2, 3]));
        let bad = DraftInput { kind: "x".into(), title: "短".into(), body: "太短".into(), cosigner_ids: vec!["1".into()], ..f };
        let fields: Vec<_> = parse_draft(&bad, &[1, 2, 3], 1).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "title", "body", "cosigner_ids"], "the lead cannot co-sign their own");
    }

    #[test]
    fn refusals_use_the_committees_grounds_and_conversions_say_what_it_becomes() {
        let grounds = vec!["内容空泛".to_string()];
        let f = |reason: &str, to: &str| ActForm { reason: reason.into(), convert_to: to.into(), ..Default::default() };
        assert_eq!(reason_for("reject", &f("内容空泛", ""), &grounds), Ok("内容空泛".into()));
        assert_eq!(reason_for("reject", &f("随便写的", ""), &grounds).unwrap_err().field, "reason", "only a listed ground");
        assert_eq!(reason_for("convert", &f("属个案问题", "opinion_report"), &grounds), Ok("转为社情民意信息：属个案问题".into()));
        assert_eq!(reason_for("convert", &f("属个案问题", "x"), &grounds).unwrap_err().field, "convert_to");
        assert_eq!(reason_for("convert", &f(" ", "opinion"), &grounds).unwrap_err().field, "reason");
        assert_eq!(reason_for("return", &f(" 请补充数据 ", ""), &grounds), Ok("请补充数据".into()));
    }

    #[test]
    fn a_collective_submitter_is_named_as_in_the_lists() {
        let f = |kind: &str, name: &str, contact: &str| DraftInput { submitter_kind: kind.into(), submitter_name: name.into(), contact_id: contact.into(), ..Default::default() };
        let (sectors, groups) = (["经济界".to_string()], ["书院路政协小组".to_string()]);
        let ok = parse_collective(&f("sector", " 经济界 ", "5"), &sectors, &groups, &[5]).unwrap();
        assert_eq!(ok, Collective { kind: SubmitterKind::Sector, name: "经济界".into(), contact: 5 });
        let org = parse_collective(&f("organization", "民进区基层委员会", "5"), &sectors, &groups, &[5]).unwrap();
        assert_eq!(org.kind, SubmitterKind::Organization);
        let fields = |r: Result<Collective, Vec<FieldError>>| r.unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(parse_collective(&f("sector", "不存在界", "5"), &sectors, &groups, &[5])), ["submitter_name"]);
        assert_eq!(fields(parse_collective(&f("group", "经济界", ""), &sectors, &groups, &[5])), ["submitter_name", "contact_id"]);
        assert_eq!(fields(parse_collective(&f("member", "x", "9"), &sectors, &groups, &[5])), ["submitter_kind", "contact_id"], "members draft their own");
    }
}
