//! Consultation pages: the list with filters, a topic put forward (staff any source, members
//! 委员荐题), one consultation with every step its state allows — plan, prepare (participants,
//! notices against the deadlines, linked research), hold, minutes, outcomes handed to units and
//! their progress, leaders' instructions — and the year's plan for a leader to approve.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, local_time, redirect_with_flash, today};
use crate::consultations::forms::{InstructionForm, LEVELS, MinutesForm, OutcomeForm, OutcomeMoveForm, ParticipantsForm, StepForm, TopicForm};
use crate::consultations::model::{self, ConsultationKind, ConsultationState, OutcomeActor, OutcomeState, PlanAction, PlanActor, StepTiming, TopicSource};
use crate::consultations::store::{self, Consultation, ConsultationFilter, Notice, Outcome};
use crate::org::model::Role;
use crate::org::store as org;
use crate::org::structure::{self, with_below};
use crate::proposals::pages::own_member;

/// The filters of the list and the API, as sent (text, so a bad value is named).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationQuery {
    /// Meeting on or after (YYYY-MM-DD).
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// invited, grassroots, thematic or micro.
    #[serde(default)]
    pub kind: String,
    /// Place id: there or below.
    #[serde(default)]
    pub place: String,
    /// proposed, declined, planned, preparing, held, minutes_issued or closed.
    #[serde(default)]
    pub status: String,
    /// `1`: only consultations held, `from`/`to` on the day they were held (the statistics'
    /// 协商活动场次).
    #[serde(default)]
    pub held: String,
    /// Group id: consultations a member of this group (or of one below it) took part in (the
    /// dashboard's group scope).
    #[serde(default)]
    pub group: String,
    /// Studio id: consultations one of its members took part in.
    #[serde(default)]
    pub studio: String,
    /// Sector id: consultations one of its members took part in.
    #[serde(default)]
    pub sector: String,
}

impl ConsultationQuery {
    pub fn parse(&self, places: &[(i64, Option<i64>)]) -> (ConsultationFilter, Vec<FieldError>) {
        let mut l = Lenient::default();
        let (from, to) = l.period(&self.from, &self.to);
        let kind = l.code("kind", &self.kind, ConsultationKind::from_code);
        let status = l.code("status", &self.status, ConsultationState::from_code);
        let place = l.id("place", &self.place, Some(places));
        let held = self.held.trim() == "1";
        let f = ConsultationFilter { from, to, kind, states: status.map(|s| vec![s]), place_ids: place.map(|p| with_below(p, places)), ids: None, held, member_ids: None };
        (f, l.0)
    }

    pub fn query_string(&self) -> String {
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("place", &self.place),
            ("status", &self.status),
            ("held", &self.held),
            ("group", &self.group),
            ("studio", &self.studio),
            ("sector", &self.sector),
        ];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub meeting: String,
    pub place: String,
    pub outcomes: String,
}

fn kind_label(shell: &Shell, k: ConsultationKind) -> &'static str {
    shell.t(&format!("consultation.kind.{}", k.as_str()))
}

fn state_label(shell: &Shell, s: ConsultationState) -> &'static str {
    shell.t(&format!("consultation.state.{}", s.as_str()))
}

async fn place_names(state: &AppState, committee_id: i64) -> AppResult<HashMap<i64, String>> {
    Ok(structure::places(&state.db, committee_id).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

#[derive(Template)]
#[template(path = "consultations/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<Row>,
    pager: Pager,
    q: ConsultationQuery,
    kinds: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    places: Vec<(i64, String)>,
    can_propose: bool,
    staff: bool,
    errors: FormErrors,
    /// The filters as a query string (the export link).
    query: String,
}

/// A unit sees only the consultations that handed it an outcome.
pub async fn unit_scope(state: &AppState, actor: &Actor) -> AppResult<Option<Vec<i64>>> {
    if actor.role != Role::Unit {
        return Ok(None);
    }
    let Some(unit) = actor.unit_id else { return Ok(Some(Vec::new())) };
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let ids: Vec<i64> = store::outcome::Entity::find()
        .filter(store::outcome::Column::UnitId.eq(unit))
        .select_only()
        .column(store::outcome::Column::ConsultationId)
        .distinct()
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(Some(ids))
}

/// The store's filter of a query for `actor` (a unit sees those that handed it an outcome), for
/// the list, its export and the API; `errors` name the bad filters. A group, studio or sector
/// takes the consultations its members took part in, as the dashboard counts them.
pub async fn checked_filter(state: &AppState, actor: &Actor, q: &ConsultationQuery) -> AppResult<(ConsultationFilter, Vec<FieldError>)> {
    let (_, place_tree) = crate::visits::pages::trees(state, actor.committee_id).await?;
    let (mut filter, mut errors) = q.parse(&place_tree);
    let (scope, scope_errors) = crate::org::scope::ListScope::parse(&state.db, actor.committee_id, &q.group, &q.studio, "", &q.sector).await?;
    errors.extend(scope_errors);
    filter.member_ids = scope.members(&state.db, actor.committee_id).await?;
    filter.ids = unit_scope(state, actor).await?;
    Ok((filter, errors))
}

async fn rows(state: &AppState, shell: &Shell, cid: i64, list: &[store::Consultation]) -> AppResult<Vec<Row>> {
    let names = place_names(state, cid).await?;
    let counts = store::outcome_counts(&state.db, &list.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    Ok(list
        .iter()
        .map(|c| {
            let (done, all) = counts.get(&c.id).copied().unwrap_or((0, 0));
            Row {
                id: c.id,
                title: c.title.clone(),
                kind: kind_label(shell, c.kind()),
                state: state_label(shell, c.state()),
                state_code: c.state().as_str(),
                meeting: c.held_on.or(c.meeting_on).map(|d| d.to_string()).unwrap_or_default(),
                place: c.place_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
                outcomes: if all == 0 { String::new() } else { format!("{done}/{all}") },
            }
        })
        .collect())
}

/// The list under its filters as .xlsx.
async fn export(state: &AppState, a: &Authed, filter: &ConsultationFilter) -> AppResult<Response> {
    use crate::stats::export::{Cell, LIST_CAP, list_download};
    let cid = a.actor.committee_id;
    let (list, total) = store::list(&state.db, cid, filter, PageRequest { page: 1, per_page: LIST_CAP }).await?;
    let shell = &a.ctx.shell;
    let rows: Vec<Vec<Cell>> = rows(state, shell, cid, &list).await?.into_iter().map(|r| vec![r.title.into(), r.kind.into(), r.meeting.into(), r.place.into(), r.state.into(), r.outcomes.into()]).collect();
    let heads = ["consultation.title", "consultation.kind", "consultation.meeting_on", "consultation.place", "consultation.status", "consultation.outcomes_settled"].map(|k| shell.t(k));
    list_download("consultations.xlsx", shell.t("nav.consultations"), &[(shell.t("consultation.total"), total.into())], &heads, &rows)
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<ConsultationQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<crate::stats::export::ListFormat>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewConsultations, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (filter, errors) = checked_filter(&state, &a.actor, &q).await?;
    if fmt.xlsx() {
        return export(&state, &a, &filter).await;
    }
    let (list, total) = store::list(&state.db, cid, &filter, page).await?;
    let shell = a.ctx.shell;
    let rows = rows(&state, &shell, cid, &list).await?;
    let choices = structure::filter_choices(&state.db, cid).await?;
    let page = ListPage {
        errors: FormErrors::new(shell.lang, &errors),
        kinds: ConsultationKind::ALL.iter().map(|k| (k.as_str(), kind_label(&shell, *k))).collect(),
        states: ConsultationState::ALL.iter().map(|s| (s.as_str(), state_label(&shell, *s))).collect(),
        pager: Pager::new(page, total, q.query_string()),
        query: q.query_string(),
        places: choices.places,
        can_propose: may(&a.actor, Action::ManageConsultations, &Target::own(&a.actor)) || may(&a.actor, Action::SuggestTopics, &Target::own(&a.actor)),
        staff: may(&a.actor, Action::ManageConsultations, &Target::own(&a.actor)),
        shell,
        rows,
        q,
    };
    html(&page)
}

#[derive(Template)]
#[template(path = "consultations/new.html")]
struct NewPage {
    shell: Shell,
    f: TopicForm,
    kinds: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    places: Vec<(i64, String)>,
    staff: bool,
    errors: FormErrors,
}

async fn new_page(state: &AppState, a: Authed, f: TopicForm, errors: &[FieldError]) -> AppResult<Response> {
    let shell = a.ctx.shell;
    let page = NewPage {
        errors: FormErrors::new(shell.lang, errors),
        kinds: ConsultationKind::ALL.iter().map(|k| (k.as_str(), kind_label(&shell, *k))).collect(),
        sources: TopicSource::ALL.iter().map(|s| (s.as_str(), shell.t(&format!("consultation.source.{}", s.as_str())))).collect(),
        places: structure::filter_choices(&state.db, a.actor.committee_id).await?.places,
        staff: may(&a.actor, Action::ManageConsultations, &Target::own(&a.actor)),
        shell,
        f,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn may_propose(actor: &Actor) -> AppResult<()> {
    let own = Target::own(actor);
    if may(actor, Action::ManageConsultations, &own) || may(actor, Action::SuggestTopics, &own) { Ok(()) } else { Err(AppError::Forbidden) }
}

pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    may_propose(&a.actor)?;
    new_page(&state, a, TopicForm { kind: "grassroots".into(), source: "committee".into(), ..Default::default() }, &[]).await
}

/// Checks a topic for `actor` and records it: staff choose the source, a member's is 委员荐题.
pub async fn propose_as(state: &AppState, actor: &Actor, ip: &str, f: &TopicForm) -> AppResult<Consultation> {
    may_propose(actor)?;
    let cid = actor.committee_id;
    let places: Vec<i64> = structure::places(&state.db, cid).await?.into_iter().filter(|p| !p.retired).map(|p| p.id).collect();
    let member = if may(actor, Action::ManageConsultations, &Target::own(actor)) {
        None
    } else {
        let id = own_member(state, actor).await?.ok_or(AppError::Forbidden)?;
        let m = crate::org::members::find(&state.db, cid, id).await?.ok_or(AppError::Forbidden)?;
        Some((m.id, m.name))
    };
    let topic = f.parse(&places, member.as_ref().map(|(i, n)| (*i, n.as_str()))).map_err(AppError::Invalid)?;
    Ok(store::propose(&state.db, cid, &topic, &Who::actor(actor, ip)).await?)
}

pub async fn create(State(state): State<AppState>, a: Authed, Form(f): Form<TopicForm>) -> AppResult<Response> {
    match propose_as(&state, &a.actor, &a.ctx.info.ip, &f).await {
        Ok(c) => Ok(redirect_with_flash(&a.ctx.info, &format!("/consultations/{}", c.id), "flash.saved")),
        Err(AppError::Invalid(errors)) => new_page(&state, a, f, &errors).await,
        Err(e) => Err(e),
    }
}

/// A consultation the actor may see (a unit: one that handed it an outcome).
pub async fn visible(state: &AppState, actor: &Actor, id: i64) -> AppResult<Consultation> {
    authorize(actor, Action::ViewConsultations, &Target::own(actor))?;
    let c = store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    match unit_scope(state, actor).await? {
        Some(ids) if !ids.contains(&c.id) => Err(AppError::NotFound),
        _ => Ok(c),
    }
}

pub struct ParticipantRow {
    pub id: i64,
    pub kind: &'static str,
    pub name: String,
    pub attendance: &'static str,
    pub attendance_code: String,
}

pub struct OutcomeRow {
    pub id: i64,
    pub action: String,
    pub unit: String,
    pub deadline: NaiveDate,
    pub overdue: bool,
    pub state: &'static str,
    pub state_code: &'static str,
    pub progress: String,
    pub reason: String,
    pub satisfaction: &'static str,
    /// The moves the viewer may make: (op, label key).
    pub ops: Vec<(&'static str, &'static str)>,
}

pub struct Deadline {
    pub label: &'static str,
    pub due: NaiveDate,
    pub done: String,
    pub timing: &'static str,
    pub warn: bool,
}

pub struct TimelineRow {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub comment: String,
}

pub struct InstructionRow {
    pub level: &'static str,
    pub by_whom: String,
    pub on_date: NaiveDate,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "consultations/detail.html")]
struct DetailPage {
    shell: Shell,
    c: Consultation,
    kind: &'static str,
    source: &'static str,
    state: &'static str,
    place: String,
    staff: bool,
    /// Staff see a citizen suggester's phone.
    phone: String,
    participants: Vec<ParticipantRow>,
    present: usize,
    deadlines: Vec<Deadline>,
    outcomes: Vec<OutcomeRow>,
    instructions: Vec<InstructionRow>,
    links: Vec<(String, String)>,
    timeline: Vec<TimelineRow>,
    /// Which step forms to offer.
    steps: Vec<&'static str>,
    may_participants: bool,
    may_attendance: bool,
    may_minutes: bool,
    may_outcomes: bool,
    may_instruct: bool,
    may_report: bool,
    /// Units do not deliberate: no link for them.
    may_deliberate: bool,
    members: Vec<(i64, String)>,
    member_ticked: Vec<i64>,
    units: Vec<(i64, String)>,
    unit_ticked: Vec<i64>,
    citizens: String,
    places: Vec<(i64, String)>,
    levels: Vec<(&'static str, &'static str)>,
    satisfactions: Vec<(&'static str, &'static str)>,
    attendances: Vec<(&'static str, &'static str)>,
    /// The place chosen, as the select compares it.
    place_sel: String,
    year: i32,
    today: NaiveDate,
    errors: FormErrors,
}

/// The staff steps the consultation's state allows (the domain decides at the move).
fn steps_for(c: &Consultation) -> Vec<&'static str> {
    match c.state() {
        ConsultationState::Proposed if c.kind().needs_plan() => vec!["plan", "decline"],
        ConsultationState::Proposed => vec!["plan", "prepare", "decline"],
        ConsultationState::Planned => vec!["prepare", "decline"],
        ConsultationState::Preparing => vec!["prepare", "hold"],
        ConsultationState::Held => vec!["issue_minutes"],
        ConsultationState::MinutesIssued => vec!["close"],
        ConsultationState::Declined | ConsultationState::Closed => vec![],
    }
}

/// The moves the viewer may make on an outcome: the assigned unit works on it, staff check it.
fn outcome_ops(actor: &Actor, staff: bool, o: &Outcome) -> Vec<(&'static str, &'static str)> {
    use model::OutcomeAction as A;
    let mut ops = Vec::new();
    let unit = actor.role == Role::Unit && actor.unit_id == Some(o.unit_id);
    let candidates: [(&str, A, OutcomeActor); 5] = [
        ("start", A::Start, OutcomeActor::Unit),
        ("complete", A::Complete, OutcomeActor::Unit),
        ("fail", A::Fail, OutcomeActor::Unit),
        ("reopen", A::Reopen, OutcomeActor::Staff),
        ("check", A::Check { satisfaction: model::Satisfaction::Satisfied }, OutcomeActor::Staff),
    ];
    for (op, action, who) in candidates {
        let allowed = match who {
            OutcomeActor::Unit => unit,
            OutcomeActor::Staff => staff,
        };
        if allowed && model::apply_outcome(o.state(), action, who).is_ok() {
            ops.push((op, match op {
                "start" => "consultation.op.start",
                "complete" => "consultation.op.complete",
                "fail" => "consultation.op.fail",
                "reopen" => "consultation.op.reopen",
                _ => "consultation.op.check",
            }));
        }
    }
    ops
}

async fn deadlines(state: &AppState, shell: &Shell, c: &Consultation, today: NaiveDate) -> AppResult<Vec<Deadline>> {
    let cal = crate::tracking::store::calendar(&state.db, c.committee_id).await?;
    let mut out = Vec::new();
    let mut push = |label: &'static str, due: NaiveDate, done: Option<NaiveDate>| {
        let timing = StepTiming::of(due, done, today);
        out.push(Deadline {
            label: shell.t(label),
            due,
            done: done.map(|d| d.to_string()).unwrap_or_default(),
            timing: shell.t(match timing {
                StepTiming::OnTime => "consultation.timing.on_time",
                StepTiming::Late => "consultation.timing.late",
                StepTiming::Pending => "consultation.timing.pending",
                StepTiming::Overdue => "consultation.timing.overdue",
            }),
            warn: timing.warn(),
        });
    };
    if let Some(meeting) = c.meeting_on {
        push("consultation.notice", model::notice_deadline(&cal, meeting), c.notice_sent_on);
        push("consultation.materials", model::materials_deadline(meeting), c.materials_sent_on);
    }
    if let Some(held) = c.held_on {
        push("consultation.minutes_due", model::minutes_due(&cal, held), c.minutes_issued_on);
    }
    Ok(out)
}

async fn link_rows(state: &AppState, c: &Consultation) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for l in store::links(&state.db, c.id).await? {
        if l.item_type == "visit"
            && let Some(v) = crate::visits::store::find(&state.db, c.committee_id, l.item_id).await?
        {
            out.push((format!("/visits/{}", v.id), format!("走访 {} · {}", v.on_date, v.heard.chars().take(30).collect::<String>())));
        }
        if l.item_type == "research_report"
            && let Some(r) = crate::research::store::find(&state.db, c.committee_id, l.item_id).await?
        {
            out.push((format!("/research-reports/{}", r.id), format!("调研报告 {} · {}", r.on_date, r.title)));
        }
    }
    Ok(out)
}

async fn detail_page(state: &AppState, a: Authed, c: Consultation, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let own = Target::own(&a.actor);
    let staff = may(&a.actor, Action::ManageConsultations, &own);
    let shell = a.ctx.shell;
    let today = today();
    let units = org::units(&state.db, cid).await?;
    let unit_name = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
    let choices = structure::filter_choices(&state.db, cid).await?;
    let member_name = |id: i64| choices.members.iter().find(|m| m.0 == id).map(|m| m.1.clone());
    let all_participants = store::participants(&state.db, c.id).await?;
    let mut participants = Vec::new();
    for p in &all_participants {
        let name = match p.kind.as_str() {
            "member" => match p.member_id {
                Some(m) => match member_name(m) {
                    Some(n) => n,
                    None => crate::org::members::find(&state.db, cid, m).await?.map(|m| m.name).unwrap_or_default(),
                },
                None => String::new(),
            },
            "unit" => p.unit_id.map(unit_name).unwrap_or_default(),
            _ => p.name.clone(),
        };
        participants.push(ParticipantRow {
            id: p.id,
            kind: shell.t(&format!("consultation.participant.{}", p.kind)),
            name,
            attendance: shell.t(&format!("consultation.att.{}", p.attendance)),
            attendance_code: p.attendance.clone(),
        });
    }
    let present = all_participants.iter().filter(|p| p.attendance == "present").count();
    let mut outcomes = Vec::new();
    for o in store::outcomes(&state.db, c.id).await? {
        // A unit sees its own outcomes only.
        if a.actor.role == Role::Unit && a.actor.unit_id != Some(o.unit_id) {
            continue;
        }
        outcomes.push(OutcomeRow {
            id: o.id,
            unit: unit_name(o.unit_id),
            deadline: o.deadline,
            overdue: matches!(o.state(), OutcomeState::Assigned | OutcomeState::InProgress) && today > o.deadline,
            state: shell.t(&format!("consultation.outcome.{}", o.state)),
            state_code: o.state().as_str(),
            satisfaction: o.satisfaction.as_deref().and_then(model::Satisfaction::from_code).map(|s| shell.t(s.label_key())).unwrap_or(""),
            ops: outcome_ops(&a.actor, staff, &o),
            action: o.action,
            progress: o.progress,
            reason: o.reason,
        });
    }
    let instructions = store::instructions(&state.db, c.id)
        .await?
        .into_iter()
        .map(|i| InstructionRow { level: shell.t(&format!("consultation.level.{}", i.level)), by_whom: i.by_whom, on_date: i.on_date, summary: i.summary })
        .collect();
    let events = crate::tracking::store::timeline(&state.db, store::ITEM_TYPE, c.id).await?;
    let labels = crate::tracking::store::actor_labels(&state.db, &events).await?;
    let timeline = events
        .into_iter()
        .map(|e| TimelineRow {
            at: local_time(&e.at),
            who: e.actor_id.and_then(|id| labels.get(&id).cloned()).unwrap_or(e.actor_name),
            what: shell.lang.try_t(&format!("consultation.event.{}", e.action)).unwrap_or(""),
            comment: e.comment,
        })
        .collect();
    let st = c.state();
    let page = DetailPage {
        errors: FormErrors::new(shell.lang, errors),
        kind: kind_label(&shell, c.kind()),
        source: shell.t(&format!("consultation.source.{}", c.source().as_str())),
        state: state_label(&shell, st),
        place: match c.place_id {
            Some(p) => place_names(state, cid).await?.remove(&p).unwrap_or_default(),
            None => String::new(),
        },
        phone: if staff { c.suggester_phone.clone() } else { String::new() },
        participants,
        present,
        deadlines: deadlines(state, &shell, &c, today).await?,
        outcomes,
        instructions,
        links: link_rows(state, &c).await?,
        timeline,
        steps: if staff { steps_for(&c) } else { Vec::new() },
        may_participants: staff && matches!(st, ConsultationState::Proposed | ConsultationState::Planned | ConsultationState::Preparing),
        may_attendance: staff && matches!(st, ConsultationState::Preparing | ConsultationState::Held),
        may_minutes: staff && st == ConsultationState::Held,
        may_outcomes: staff && matches!(st, ConsultationState::Held | ConsultationState::MinutesIssued),
        may_instruct: staff && matches!(st, ConsultationState::MinutesIssued | ConsultationState::Closed),
        may_deliberate: may(&a.actor, Action::Deliberate, &own),
        may_report: a.actor.role != Role::Unit && matches!(st, ConsultationState::MinutesIssued | ConsultationState::Closed),
        member_ticked: all_participants.iter().filter_map(|p| p.member_id).collect(),
        unit_ticked: all_participants.iter().filter_map(|p| p.unit_id).collect(),
        citizens: all_participants.iter().filter(|p| p.kind == "citizen").map(|p| p.name.as_str()).collect::<Vec<_>>().join("\n"),
        members: choices.members,
        units: units.iter().filter(|u| !u.retired).map(|u| (u.id, u.name.clone())).collect(),
        places: choices.places,
        levels: LEVELS.iter().map(|l| (*l, shell.t(&format!("consultation.level.{l}")))).collect(),
        attendances: store::ATTENDANCE.iter().map(|a| (*a, shell.t(&format!("consultation.att.{a}")))).collect(),
        satisfactions: model::Satisfaction::ALL.iter().map(|s| (s.as_str(), shell.t(s.label_key()))).collect(),
        place_sel: c.place_id.map(|p| p.to_string()).unwrap_or_default(),
        year: c.plan_year.unwrap_or(today.year()),
        today,
        staff,
        shell,
        c,
    };
    html(&page)
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let c = visible(&state, &a.actor, id).await?;
    detail_page(&state, a, c, &[]).await
}

/// After a move: back to the consultation with a flash, or the page again with the errors.
async fn done<T>(state: &AppState, a: Authed, c: Consultation, result: AppResult<T>) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/consultations/{}", c.id), "flash.saved")),
        Err(AppError::Invalid(errors)) => {
            let fresh = store::find(&state.db, c.committee_id, c.id).await?.unwrap_or(c);
            let mut res = detail_page(state, a, fresh, &errors).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

/// A consultation staff may move.
async fn managed(state: &AppState, actor: &Actor, id: i64) -> AppResult<Consultation> {
    authorize(actor, Action::ManageConsultations, &Target::own(actor))?;
    store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)
}

async fn active_places(state: &AppState, cid: i64) -> AppResult<Vec<i64>> {
    Ok(structure::places(&state.db, cid).await?.into_iter().filter(|p| !p.retired).map(|p| p.id).collect())
}

/// Plans, declines, prepares (or re-arranges), holds, minutes and closes (the page and the API).
pub async fn step_as(state: &AppState, actor: &Actor, ip: &str, c: &Consultation, f: &StepForm) -> AppResult<Consultation> {
    let places = active_places(state, actor.committee_id).await?;
    let step = f.parse(&places, today()).map_err(AppError::Invalid)?;
    let who = Who::actor(actor, ip);
    match step {
        store::Step::Prepare { meeting_on, place_id, address, format } if c.state() == ConsultationState::Preparing => {
            store::update_preparation(&state.db, c, meeting_on, place_id, &address, &format, &who).await
        }
        s => store::step(&state.db, c, s, &who).await,
    }
}

pub async fn step(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<StepForm>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let result = step_as(&state, &a.actor, &a.ctx.info.ip, &c, &f).await;
    done(&state, a, c, result).await
}

pub async fn participants(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<ParticipantsForm>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let cid = a.actor.committee_id;
    let members: Vec<i64> = structure::filter_choices(&state.db, cid).await?.members.into_iter().map(|m| m.0).collect();
    let units: Vec<i64> = org::units(&state.db, cid).await?.into_iter().filter(|u| !u.retired).map(|u| u.id).collect();
    let result = match f.parse(&members, &units) {
        Ok(list) => store::set_participants(&state.db, &c, &list, &Who::actor(&a.actor, &a.ctx.info.ip)).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    done(&state, a, c, result).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct NoticeForm {
    #[serde(default)]
    pub which: String,
    #[serde(default)]
    pub on: String,
}

pub async fn notice(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<NoticeForm>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let which = match f.which.as_str() {
        "participants" => Ok(Notice::Participants),
        "materials" => Ok(Notice::Materials),
        _ => Err(AppError::invalid("which", "err.choice")),
    };
    let on = crate::app::pages::parse_date("on", &f.on).map_err(|e| AppError::Invalid(vec![e])).and_then(|d| d.ok_or(AppError::invalid("on", "err.required")));
    let result = match (which, on) {
        (Ok(w), Ok(on)) if on <= today() => store::record_notice(&state.db, &c, w, on, &Who::actor(&a.actor, &a.ctx.info.ip)).await,
        (Ok(_), Ok(_)) => Err(AppError::invalid("on", "consultation.err.future")),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    done(&state, a, c, result).await
}

/// Attendance as `att_{participant id}=present|on_leave|absent|invited`.
pub async fn attendance(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let marks: Vec<(i64, &str)> = f.iter().filter_map(|(k, v)| Some((k.strip_prefix("att_")?.parse().ok()?, v.as_str()))).collect();
    let result = store::mark_attendance(&state.db, &c, &marks, &Who::actor(&a.actor, &a.ctx.info.ip)).await;
    done(&state, a, c, result).await
}

pub async fn minutes(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<MinutesForm>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let result = match f.parse() {
        Ok(p) => store::save_minutes(&state.db, &c, [&p[0], &p[1], &p[2], &p[3]], &Who::actor(&a.actor, &a.ctx.info.ip)).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    done(&state, a, c, result).await
}

/// Hands an agreed outcome to a unit (the page and the API).
pub async fn add_outcome_as(state: &AppState, actor: &Actor, ip: &str, c: &Consultation, f: &OutcomeForm) -> AppResult<Outcome> {
    authorize(actor, Action::ManageConsultations, &Target::own(actor))?;
    let units: Vec<i64> = org::units(&state.db, actor.committee_id).await?.into_iter().filter(|u| !u.retired).map(|u| u.id).collect();
    let o = f.parse(&units, today()).map_err(AppError::Invalid)?;
    store::add_outcome(&state.db, c, &o, &Who::actor(actor, ip)).await
}

pub async fn add_outcome(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<OutcomeForm>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let result = add_outcome_as(&state, &a.actor, &a.ctx.info.ip, &c, &f).await;
    done(&state, a, c, result).await
}

/// Moves an outcome as its unit or as staff (the page and the API).
pub async fn move_outcome_as(state: &AppState, actor: &Actor, ip: &str, c: &Consultation, outcome_id: i64, f: &OutcomeMoveForm) -> AppResult<Outcome> {
    let o = store::find_outcome(&state.db, actor.committee_id, outcome_id).await?.filter(|o| o.consultation_id == c.id).ok_or(AppError::NotFound)?;
    let who_acts = if actor.role == Role::Unit && actor.unit_id == Some(o.unit_id) {
        OutcomeActor::Unit
    } else if may(actor, Action::ManageConsultations, &Target::own(actor)) {
        OutcomeActor::Staff
    } else {
        return Err(AppError::Forbidden);
    };
    let (action, text) = f.parse().map_err(AppError::Invalid)?;
    store::move_outcome(&state.db, &o, action, who_acts, &text, today(), &Who::actor(actor, ip)).await
}

pub async fn move_outcome(State(state): State<AppState>, a: Authed, Path((id, oid)): Path<(i64, i64)>, Form(f): Form<OutcomeMoveForm>) -> AppResult<Response> {
    let c = visible(&state, &a.actor, id).await?;
    let result = move_outcome_as(&state, &a.actor, &a.ctx.info.ip, &c, oid, &f).await;
    done(&state, a, c, result).await
}

pub async fn instruction(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<InstructionForm>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let result = match f.parse(today()) {
        Ok(i) => store::add_instruction(&state.db, &c, &i, &Who::actor(&a.actor, &a.ctx.info.ip)).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    done(&state, a, c, result).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct LinkForm {
    /// visit or research_report.
    #[serde(default)]
    pub item_type: String,
    #[serde(default)]
    pub item_id: String,
}

/// Links a visit or research report of the committee as preparatory research.
pub async fn link(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<LinkForm>) -> AppResult<Response> {
    let c = managed(&state, &a.actor, id).await?;
    let cid = c.committee_id;
    let found = match (f.item_type.as_str(), f.item_id.trim().parse::<i64>()) {
        ("visit", Ok(v)) => crate::visits::store::find(&state.db, cid, v).await?.map(|_| ("visit", v, "走访")),
        ("research_report", Ok(r)) => crate::research::store::find(&state.db, cid, r).await?.map(|_| ("research_report", r, "调研报告")),
        _ => None,
    };
    let result = match found {
        Some((kind, item, label)) => {
            let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
            store::link(&txn, c.id, kind, item).await?;
            crate::app::audit::record(&txn, &Who::actor(&a.actor, &a.ctx.info.ip), "link", store::ITEM_TYPE, c.id, format!("关联{label} #{item}")).await?;
            sea_orm::TransactionSession::commit(txn).await?;
            Ok(())
        }
        None => Err(AppError::invalid("item_id", "err.choice")),
    };
    done(&state, a, c, result).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    pub year: String,
}

pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub source: &'static str,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "consultations/plan.html")]
struct PlanPage {
    shell: Shell,
    year: i32,
    plan_state: &'static str,
    note: String,
    rows: Vec<PlanRow>,
    may_submit: bool,
    may_decide: bool,
    errors: FormErrors,
}

fn plan_year(s: &str) -> i32 {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| today().year())
}

async fn plan_page(state: &AppState, a: Authed, year: i32, errors: &[FieldError]) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewConsultations, &Target::own(&a.actor))?;
    if a.actor.role == Role::Unit {
        return Err(AppError::Forbidden);
    }
    let cid = a.actor.committee_id;
    let plan = store::plan_for(&state.db, cid, year).await?;
    let shell = a.ctx.shell;
    let rows = store::planned(&state.db, cid, year)
        .await?
        .into_iter()
        .map(|c| PlanRow {
            id: c.id,
            kind: kind_label(&shell, c.kind()),
            source: shell.t(&format!("consultation.source.{}", c.source().as_str())),
            state: state_label(&shell, c.state()),
            title: c.title,
        })
        .collect();
    let page = PlanPage {
        errors: FormErrors::new(shell.lang, errors),
        plan_state: shell.t(&format!("consultation.plan.{}", plan.state)),
        may_submit: may(&a.actor, Action::ManageConsultations, &Target::own(&a.actor)) && plan.state() == model::PlanState::Draft,
        may_decide: may(&a.actor, Action::ApproveConsultationPlan, &Target::own(&a.actor)) && plan.state() == model::PlanState::Submitted,
        note: plan.note,
        shell,
        year,
        rows,
    };
    html(&page)
}

pub async fn plan(State(state): State<AppState>, a: Authed, Query(q): Query<PlanQuery>) -> AppResult<Response> {
    plan_page(&state, a, plan_year(&q.year), &[]).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub op: String,
    #[serde(default)]
    pub note: String,
}

/// Staff submit the year's plan; a leader approves or returns it.
pub async fn plan_move(State(state): State<AppState>, a: Authed, Form(f): Form<PlanForm>) -> AppResult<Response> {
    let year = plan_year(&f.year);
    let own = Target::own(&a.actor);
    let (action, actor) = match f.op.as_str() {
        "submit" if may(&a.actor, Action::ManageConsultations, &own) => (PlanAction::Submit, PlanActor::Staff),
        "approve" if may(&a.actor, Action::ApproveConsultationPlan, &own) => (PlanAction::Approve, PlanActor::Leader),
        "return" if may(&a.actor, Action::ApproveConsultationPlan, &own) => (PlanAction::Return, PlanActor::Leader),
        _ => return Err(AppError::Forbidden),
    };
    let p = store::plan_for(&state.db, a.actor.committee_id, year).await?;
    match store::move_plan(&state.db, &p, action, actor, &f.note, &Who::actor(&a.actor, &a.ctx.info.ip)).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/consultations/plan?year={year}"), "flash.saved")),
        Err(AppError::Invalid(errors)) => {
            let mut res = plan_page(&state, a, year, &errors).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}
