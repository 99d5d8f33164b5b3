//! Demand pages: the citizens' public form and status page (no account), and the staff and
//! unit work pages (list, detail with timeline, actions).
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Ctx, Shell, html, local_time, redirect_with_flash};
use crate::demands::model::{self, CATEGORIES, Channel, DemandAction, DemandActor, DemandKind, DemandState, Satisfaction};
use crate::demands::store::{self, Demand, DemandFilter, NewDemand, Payload};
use crate::org::model::{Role, parse_name};
use crate::org::store as org;
use crate::org::structure;
use crate::org::values::{Phone, normalize_text};
use crate::tracking::store as tracking;
use crate::tracking::{DeadlineStatus, WorkCalendar};

async fn committee_by_code(state: &AppState, code: &str) -> AppResult<org::Committee> {
    org::find_committee_by_code(&state.db, code).await?.ok_or(AppError::NotFound)
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PublicForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    place_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    /// A field people never see: bots fill it in.
    #[serde(default)]
    website: String,
    /// Staff entry only: how the concern came in (the public form is always "online").
    #[serde(default)]
    channel: String,
}

#[derive(Template)]
#[template(path = "demands/public_new.html")]
struct PublicNewPage {
    shell: Shell,
    committee: String,
    code: String,
    places: Vec<(i64, String)>,
    categories: [&'static str; 8],
    f: PublicForm,
    errors: FormErrors,
    /// Citizens' own form (browser autofill on), not staff typing for someone else.
    public: bool,
}

async fn public_form_page(state: &AppState, ctx: Ctx, c: &org::Committee, f: PublicForm, errors: &[FieldError]) -> AppResult<Response> {
    let places = structure::places(&state.db, c.id).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.name)).collect();
    let mut res = html(&PublicNewPage {
        errors: FormErrors::new(ctx.shell.lang, errors),
        shell: ctx.shell,
        committee: c.name.clone(),
        code: c.code.clone(),
        places,
        categories: CATEGORIES,
        f,
        public: true,
    })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn public_new(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    public_form_page(&state, ctx, &c, PublicForm { kind: "problem".into(), ..Default::default() }, &[]).await
}

/// Parses the form into a demand that came in through `channel`.
fn parse_demand(f: &PublicForm, place_ids: &[i64], channel: Channel) -> Result<NewDemand, Vec<FieldError>> {
    let mut check = Check::default();
    let name = check.take(parse_name("name", &normalize_text(&f.name), 32));
    let phone = check.take(Phone::parse("phone", &f.phone));
    let place_id = match f.place_id.trim() {
        "" => None,
        p => check.take(p.parse::<i64>().ok().filter(|id| place_ids.contains(id)).ok_or(FieldError::new("place_id", "err.choice"))),
    };
    let category = check.take(CATEGORIES.iter().find(|c| **c == f.category.trim()).ok_or(FieldError::new("category", "err.choice")));
    let kind = check.take(DemandKind::from_code(f.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
    let description = f.description.trim();
    let len = description.chars().count();
    if !(5..=2000).contains(&len) {
        check.add(FieldError::new("description", "err.description"));
    }
    match (name, phone, category, kind, check.is_ok()) {
        (Some(name), Some(phone), Some(category), Some(kind), true) => Ok(NewDemand {
            kind,
            channel,
            category: category.to_string(),
            place_id,
            description: description.to_string(),
            citizen_name: name,
            citizen_phone: phone.as_str().to_string(),
        }),
        _ => Err(check.0),
    }
}

#[derive(Template)]
#[template(path = "demands/public_thanks.html")]
struct ThanksPage {
    shell: Shell,
    committee: String,
    code: String,
    tracking_code: String,
}

pub async fn public_submit(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Form(f): Form<PublicForm>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    if !f.website.is_empty() {
        return Err(AppError::BadRequest("honeypot".into()));
    }
    let place_ids: Vec<i64> = structure::places(&state.db, c.id).await?.iter().map(|p| p.id).collect();
    let new = match parse_demand(&f, &place_ids, Channel::Online) {
        Ok(n) => n,
        Err(errors) => return public_form_page(&state, ctx, &c, f, &errors).await,
    };
    let who = Who::anonymous(Some(c.id), &format!("群众（{}）", new.citizen_name), &ctx.info.ip);
    let d = store::register(&state.db, c.id, new, &who).await?;
    html(&ThanksPage { shell: ctx.shell, committee: c.name, code: c.code, tracking_code: d.code })
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    tracking_code: String,
    #[serde(default)]
    last4: String,
    #[serde(default)]
    satisfaction: String,
}

/// One line of a timeline as shown to people.
pub struct TimelineRow {
    at: String,
    who: String,
    what: &'static str,
    comment: String,
}

async fn timeline_rows(state: &AppState, shell: &Shell, d: &Demand, public: bool) -> AppResult<Vec<TimelineRow>> {
    let events = tracking::timeline(&state.db, store::ITEM_TYPE, d.id).await?;
    Ok(events
        .into_iter()
        .map(|e| TimelineRow {
            at: local_time(&e.at),
            // The public sees roles, not the names of staff.
            who: if public { String::new() } else { e.actor_name },
            what: shell.lang.try_t(&format!("demand.event.{}", e.action)).unwrap_or(""),
            comment: if e.action == "rate" {
                Satisfaction::from_code(&e.comment).map(|s| shell.t(s.label_key()).to_string()).unwrap_or_default()
            } else {
                e.comment
            },
        })
        .collect())
}

#[derive(Template)]
#[template(path = "demands/public_track.html")]
struct TrackPage {
    shell: Shell,
    committee: String,
    code: String,
    f: TrackForm,
    found: Option<PublicView>,
    not_found: bool,
    ratings: Vec<(&'static str, &'static str)>,
}

struct PublicView {
    state: &'static str,
    category: String,
    description: String,
    answer: String,
    can_rate: bool,
    timeline: Vec<TimelineRow>,
}

pub async fn public_track(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let ratings = rating_choices(&ctx.shell);
    html(&TrackPage { shell: ctx.shell, committee: c.name, code: c.code, f: TrackForm::default(), found: None, not_found: false, ratings })
}

fn rating_choices(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    Satisfaction::ALL.iter().map(|s| (s.as_str(), shell.t(s.label_key()))).collect()
}

/// Looks a demand up by code and the phone's last four digits; with `satisfaction`, rates it.
pub async fn public_lookup(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Form(f): Form<TrackForm>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let mut found = store::find_for_citizen(&state.db, c.id, &f.tracking_code, &f.last4).await?;
    if let (Some(d), Some(s)) = (&found, Satisfaction::from_code(f.satisfaction.trim())) {
        let who = Who::anonymous(Some(c.id), &format!("群众（{}）", d.citizen_name), &ctx.info.ip);
        let deadline = Some(deadline_from_today(&state, c.id).await?);
        let action = DemandAction::Rate { satisfaction: s, rehandled: d.rehandled as u32, max_rehandle: model::MAX_REHANDLE };
        found = Some(store::transition(&state.db, d, action, DemandActor::Citizen, Payload { deadline, ..Default::default() }, &who).await?);
    }
    let view = match &found {
        Some(d) => Some(PublicView {
            state: ctx.shell.t(d.state().label_key()),
            category: d.category.clone(),
            description: d.description.clone(),
            answer: d.answer.clone().unwrap_or_default(),
            can_rate: d.state() == DemandState::Resolved,
            timeline: timeline_rows(&state, &ctx.shell, d, true).await?,
        }),
        None => None,
    };
    let ratings = rating_choices(&ctx.shell);
    let not_found = view.is_none();
    html(&TrackPage { shell: ctx.shell, committee: c.name, code: c.code, f: TrackForm { satisfaction: String::new(), ..f }, found: view, not_found, ratings })
}

async fn calendar(state: &AppState, committee_id: i64) -> AppResult<WorkCalendar> {
    Ok(tracking::calendar(&state.db, committee_id).await?)
}

/// The default deadline of something handed over today.
pub async fn deadline_from_today(state: &AppState, committee_id: i64) -> AppResult<chrono::NaiveDate> {
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    Ok(calendar(state, committee_id).await?.add_working_days(today, model::DEFAULT_DEADLINE_DAYS))
}

#[derive(Template)]
#[template(path = "demands/new.html")]
struct StaffNewPage {
    shell: Shell,
    places: Vec<(i64, String)>,
    categories: [&'static str; 8],
    channels: Vec<(&'static str, &'static str)>,
    f: PublicForm,
    errors: FormErrors,
    public: bool,
}

async fn staff_form_page(state: &AppState, a: Authed, f: PublicForm, errors: &[FieldError]) -> AppResult<Response> {
    let places = structure::places(&state.db, a.actor.committee_id).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.name)).collect();
    let shell = a.ctx.shell;
    let channels = Channel::ALL.iter().map(|c| (c.as_str(), shell.t(&format!("demand.channel.{}", c.as_str())))).collect();
    let mut res = html(&StaffNewPage { errors: FormErrors::new(shell.lang, errors), shell, places, categories: CATEGORIES, channels, f, public: false })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// Staff register a concern received at a studio, on a visit, on a reception day or by phone.
pub async fn staff_new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageDemands, &Target::own(&a.actor))?;
    staff_form_page(&state, a, PublicForm { kind: "problem".into(), channel: "studio".into(), ..Default::default() }, &[]).await
}

pub async fn staff_create(State(state): State<AppState>, a: Authed, Form(f): Form<PublicForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageDemands, &Target::own(&a.actor))?;
    let place_ids: Vec<i64> = structure::places(&state.db, a.actor.committee_id).await?.iter().map(|p| p.id).collect();
    let parsed = match Channel::from_code(f.channel.trim()) {
        Some(channel) => parse_demand(&f, &place_ids, channel),
        None => Err(vec![FieldError::new("channel", "err.choice")]),
    };
    match parsed {
        Ok(new) => {
            let d = store::register(&state.db, a.actor.committee_id, new, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/demands/{}", d.id), "flash.saved"))
        }
        Err(errors) => staff_form_page(&state, a, f, &errors).await,
    }
}

/// May `actor` see demand `d`? Staff, admins and leaders see all; a unit only its own.
pub fn may_see(actor: &Actor, d: &Demand) -> bool {
    let own = Target::own(actor);
    d.committee_id == actor.committee_id
        && may(actor, Action::ViewDemands, &own)
        && (actor.role != Role::Unit || (d.unit_id.is_some() && d.unit_id == actor.unit_id))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
}

struct DemandRow {
    id: i64,
    code: String,
    category: String,
    summary: String,
    state: &'static str,
    unit: String,
    deadline: String,
    overdue: bool,
    due_soon: bool,
    created: String,
}

#[derive(Template)]
#[template(path = "demands/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<DemandRow>,
    pager: Pager,
    states: Vec<(&'static str, &'static str)>,
    q: ListQuery,
    public_link: String,
    can_register: bool,
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<ListQuery>, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewDemands, &Target::own(&a.actor))?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let filter = DemandFilter {
        state: DemandState::from_code(q.state.trim()),
        unit_id: if a.actor.role == Role::Unit { Some(a.actor.unit_id.unwrap_or(-1)) } else { None },
        ..Default::default()
    };
    let (list, total) = store::list(&state.db, a.actor.committee_id, &filter, page).await?;
    let cal = calendar(&state, a.actor.committee_id).await?;
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let units = org::units(&state.db, a.actor.committee_id).await?;
    let shell = a.ctx.shell;
    let rows = list
        .iter()
        .map(|d| {
            let status = d.deadline.filter(|_| d.state().with_unit()).map(|dl| DeadlineStatus::of(&cal, dl, today));
            DemandRow {
                id: d.id,
                code: d.code.clone(),
                category: d.category.clone(),
                summary: d.description.chars().take(40).collect(),
                state: shell.t(d.state().label_key()),
                unit: d.unit_id.and_then(|u| units.iter().find(|x| x.id == u)).map(|u| u.name.clone()).unwrap_or_default(),
                deadline: d.deadline.map(|x| x.to_string()).unwrap_or_default(),
                overdue: status == Some(DeadlineStatus::Overdue),
                due_soon: status == Some(DeadlineStatus::DueSoon),
                created: local_time(&d.created_at),
            }
        })
        .collect();
    let committee = org::find_committee(&state.db, a.actor.committee_id).await?.map(|c| c.code).unwrap_or_default();
    let states = DemandState::ALL.iter().map(|s| (s.as_str(), shell.t(s.label_key()))).collect();
    let query = if q.state.is_empty() { String::new() } else { format!("state={}", q.state) };
    let can_register = may(&a.actor, Action::ManageDemands, &Target::own(&a.actor));
    html(&ListPage { shell, rows, pager: Pager::new(page, total, query), states, q, public_link: format!("/c/{committee}/demands/new"), can_register })
}

#[derive(Template)]
#[template(path = "demands/detail.html")]
struct DetailPage {
    shell: Shell,
    d: Demand,
    state: &'static str,
    unit: String,
    place: String,
    phone: String,
    timeline: Vec<TimelineRow>,
    /// The action forms this actor may use now.
    actions: Vec<&'static str>,
    units: Vec<(i64, String)>,
    default_deadline: String,
    ratings: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

/// The action forms shown to `actor` for a demand in `state` (the state machine decides again
/// when a form is sent).
fn actions_for(actor: &Actor, state: DemandState) -> Vec<&'static str> {
    let staff = may(actor, Action::ManageDemands, &Target::own(actor));
    let unit = actor.role == Role::Unit;
    let candidates: [(&str, DemandAction, DemandActor); 9] = [
        ("answer_on_spot", DemandAction::AnswerOnSpot, DemandActor::Staff),
        ("assign", DemandAction::Assign, DemandActor::Staff),
        ("reject", DemandAction::Reject, DemandActor::Staff),
        ("convert", DemandAction::Convert, DemandActor::Staff),
        ("confirm_resolved", DemandAction::ConfirmResolved, DemandActor::Staff),
        ("rate", DemandAction::Rate { satisfaction: Satisfaction::Satisfied, rehandled: 0, max_rehandle: 1 }, DemandActor::Staff),
        ("archive", DemandAction::Archive, DemandActor::Staff),
        ("answer", DemandAction::Answer, DemandActor::AssignedUnit),
        ("request_return", DemandAction::RequestReturn { within_window: true }, DemandActor::AssignedUnit),
    ];
    candidates
        .into_iter()
        .filter(|(_, _, who)| (*who == DemandActor::Staff && staff) || (*who == DemandActor::AssignedUnit && unit))
        .filter(|(_, action, who)| model::apply(state, *action, *who).is_ok())
        .map(|(name, _, _)| name)
        .collect()
}

async fn detail_page(state: &AppState, a: Authed, d: Demand, errors: &[FieldError]) -> AppResult<Response> {
    let units = org::units(&state.db, a.actor.committee_id).await?;
    let places = structure::places(&state.db, a.actor.committee_id).await?;
    let shell = a.ctx.shell;
    let timeline = timeline_rows(state, &shell, &d, false).await?;
    let mut res = html(&DetailPage {
        errors: FormErrors::new(shell.lang, errors),
        state: shell.t(d.state().label_key()),
        unit: d.unit_id.and_then(|u| units.iter().find(|x| x.id == u)).map(|u| u.name.clone()).unwrap_or_default(),
        place: d.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default(),
        // Citizens' phones: staff and the assigned unit only (leaders see them masked).
        phone: if may(&a.actor, Action::ManageDemands, &Target::own(&a.actor)) || a.actor.role == Role::Unit {
            d.citizen_phone.clone()
        } else {
            Phone::parse("phone", &d.citizen_phone).map(|p| p.masked()).unwrap_or_default()
        },
        actions: actions_for(&a.actor, d.state()),
        units: units.iter().filter(|u| !u.retired).map(|u| (u.id, u.name.clone())).collect(),
        default_deadline: deadline_from_today(state, a.actor.committee_id).await?.to_string(),
        ratings: rating_choices(&shell),
        timeline,
        shell,
        d,
    })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn visible(state: &AppState, actor: &Actor, id: i64) -> AppResult<Demand> {
    let d = store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    if may_see(actor, &d) { Ok(d) } else { Err(AppError::NotFound) }
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let d = visible(&state, &a.actor, id).await?;
    detail_page(&state, a, d, &[]).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    satisfaction: String,
}

/// Turns an action form into a typed action and its payload.
async fn parse_act(state: &AppState, actor: &Actor, d: &Demand, f: &ActForm) -> AppResult<(DemandAction, DemandActor, Payload)> {
    let text = f.text.trim().to_string();
    let needs_text = matches!(f.action.as_str(), "answer_on_spot" | "answer" | "reject" | "convert" | "request_return");
    if needs_text && text.is_empty() {
        return Err(AppError::invalid("text", "err.required"));
    }
    let staff = DemandActor::Staff;
    let unit_actor = if actor.role == Role::Unit && d.unit_id.is_some() && d.unit_id == actor.unit_id { DemandActor::AssignedUnit } else { DemandActor::Citizen };
    let mut p = Payload { text, ..Default::default() };
    let (action, who) = match f.action.as_str() {
        "answer_on_spot" => (DemandAction::AnswerOnSpot, staff),
        "assign" => {
            let units = org::units(&state.db, actor.committee_id).await?;
            p.unit_id = Some(f.unit_id.trim().parse::<i64>().ok().filter(|u| units.iter().any(|x| x.id == *u && !x.retired)).ok_or(AppError::invalid("unit_id", "err.choice"))?);
            p.deadline = Some(crate::app::pages::parse_date("deadline", &f.deadline).map_err(|e| AppError::Invalid(vec![e]))?.unwrap_or(deadline_from_today(state, actor.committee_id).await?));
            (DemandAction::Assign, staff)
        }
        "reject" => (DemandAction::Reject, staff),
        "convert" => (DemandAction::Convert, staff),
        "confirm_resolved" => (DemandAction::ConfirmResolved, staff),
        "archive" => (DemandAction::Archive, staff),
        "rate" => {
            let s = Satisfaction::from_code(f.satisfaction.trim()).ok_or(AppError::invalid("satisfaction", "err.choice"))?;
            p.deadline = Some(deadline_from_today(state, actor.committee_id).await?);
            (DemandAction::Rate { satisfaction: s, rehandled: d.rehandled as u32, max_rehandle: model::MAX_REHANDLE }, staff)
        }
        "answer" => (DemandAction::Answer, unit_actor),
        "request_return" => {
            let cal = calendar(state, actor.committee_id).await?;
            let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
            let assigned = d.assigned_at.map(|t| (t + chrono::Duration::hours(8)).date_naive()).unwrap_or(today);
            let within_window = cal.working_days_between(assigned, today) <= model::RETURN_WINDOW_DAYS;
            (DemandAction::RequestReturn { within_window }, unit_actor)
        }
        _ => return Err(AppError::invalid("action", "err.choice")),
    };
    // Staff actions need the staff permission; the state machine checks the rest.
    if who == staff && !may(actor, Action::ManageDemands, &Target::own(actor)) {
        return Err(AppError::Forbidden);
    }
    Ok((action, who, p))
}

pub async fn act(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<ActForm>) -> AppResult<Response> {
    let d = visible(&state, &a.actor, id).await?;
    let who = Who::actor(&a.actor, &a.ctx.info.ip);
    let result = match parse_act(&state, &a.actor, &d, &f).await {
        Ok((action, actor, payload)) => store::transition(&state.db, &d, action, actor, payload, &who).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/demands/{id}"), "flash.saved")),
        Err(AppError::Invalid(errors)) => detail_page(&state, a, d, &errors).await,
        Err(e) => Err(e),
    }
}

struct ResolvedRow {
    category: String,
    place: String,
    unit: String,
    registered: String,
    resolved: String,
    rating: &'static str,
}

#[derive(Template)]
#[template(path = "demands/public_resolved.html")]
struct ResolvedPage {
    shell: Shell,
    committee: String,
    code: String,
    rows: Vec<ResolvedRow>,
    pager: Pager,
}

/// Resolved demands, for transparency: category, place, unit, dates and rating only — no
/// names, phones or texts, which citizens did not write for publication.
pub async fn public_resolved(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (list, total) = store::list(&state.db, c.id, &DemandFilter { resolved_only: true, ..Default::default() }, page).await?;
    let places = structure::places(&state.db, c.id).await?;
    let units = org::units(&state.db, c.id).await?;
    let shell = ctx.shell;
    let rows = list
        .iter()
        .map(|d| ResolvedRow {
            category: d.category.clone(),
            place: d.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default(),
            unit: d.unit_id.and_then(|u| units.iter().find(|x| x.id == u)).map(|u| u.name.clone()).unwrap_or_else(|| shell.t("demand.on_spot").to_string()),
            registered: local_time(&d.created_at).chars().take(10).collect(),
            resolved: d.resolved_at.as_ref().map(|t| local_time(t).chars().take(10).collect()).unwrap_or_default(),
            rating: store::satisfaction(d).map(|s| shell.t(s.label_key())).unwrap_or(""),
        })
        .collect();
    html(&ResolvedPage { shell, committee: c.name, code: c.code, rows, pager: Pager::new(page, total, String::new()) })
}
