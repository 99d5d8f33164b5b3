//! Studio pages: the staff list and form, the detail with the duty roster, the printable A4
//! poster with its QR code; and, without an account, the public studio pages and the
//! iCalendar feeds of duty days per studio and per member.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, ListForm, choices};
use crate::app::i18n::Lang;
use crate::app::pagination::PageRequest;
use crate::app::shell::{Authed, Ctx, Shell, html, redirect_with_flash, today};
use crate::demands::public_pages::committee_by_code;
use crate::org::members::{self, MemberFilter};
use crate::org::store as org;
use crate::org::structure;
use crate::org::values::MemberStatus;
use crate::studios::ical::{self, DutyEvent};
use crate::studios::model::{DutyInput, StudioInput, StudioKind, rotation};
use crate::studios::qr;
use crate::studios::store::{self, ReceptionFilter, Studio};

/// How far ahead the roster and the public page look.
const ROSTER_WEEKS: i64 = 8;

/// A studio as a list shows it.
pub struct StudioRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub online: bool,
    pub group: String,
    pub where_: String,
    pub days: String,
    pub hours: String,
    pub members: Vec<String>,
    pub retired: bool,
}

fn describe_days(s: &Studio, lang: Lang) -> String {
    let days = s.reception_days();
    match lang {
        Lang::En => days.describe_en(),
        _ => days.describe_zh(),
    }
}

/// The rows of the given studios, with group, place and member names resolved.
async fn rows(state: &AppState, shell: &Shell, cid: i64, list: &[Studio]) -> AppResult<Vec<StudioRow>> {
    let groups = structure::groups(&state.db, cid).await?;
    let places = structure::places(&state.db, cid).await?;
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let assigned = store::members_of(&state.db, &ids).await?;
    let all_members: Vec<i64> = assigned.values().flatten().copied().collect();
    let names = members::names(&state.db, &all_members).await?;
    Ok(list
        .iter()
        .map(|s| {
            let place = s.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default();
            let where_ = [place, s.address.clone(), s.room.clone()].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" ");
            StudioRow {
                id: s.id,
                name: s.name.clone(),
                kind: shell.t(s.kind().label_key()),
                online: s.kind() == StudioKind::Online,
                group: s.group_id.and_then(|g| groups.iter().find(|x| x.id == g)).map(|g| g.name.clone()).unwrap_or_default(),
                where_,
                days: describe_days(s, shell.lang),
                hours: s.hours.clone(),
                members: assigned.get(&s.id).map(|m| m.iter().filter_map(|id| names.get(id).cloned()).collect()).unwrap_or_default(),
                retired: s.retired,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "studios/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<StudioRow>,
    can_manage: bool,
    public_link: String,
}

pub async fn list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewStudios, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let studios = store::list(&state.db, cid).await?;
    let shell = a.ctx.shell;
    let rows = rows(&state, &shell, cid, &studios).await?;
    let code = org::find_committee(&state.db, cid).await?.map(|c| c.code).unwrap_or_default();
    html(&ListPage { shell, rows, can_manage: may(&a.actor, Action::ManageStudios, &Target::own(&a.actor)), public_link: format!("/c/{code}/studios") })
}

#[derive(Template)]
#[template(path = "studios/form.html")]
struct FormPage {
    shell: Shell,
    id: Option<i64>,
    f: StudioInput,
    kinds: Vec<(&'static str, &'static str)>,
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
    weekdays: Vec<(String, &'static str)>,
    errors: FormErrors,
}

/// The ids a studio form may name: the committee's active groups, places and members in office.
struct StudioChoices {
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
}

async fn studio_choices(state: &AppState, cid: i64) -> AppResult<StudioChoices> {
    let groups = structure::groups(&state.db, cid).await?.into_iter().filter(|g| !g.retired).map(|g| (g.id, g.name)).collect();
    let places = structure::places(&state.db, cid).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.name)).collect();
    let filter = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    let members = members::all(&state.db, cid, &filter).await?.into_iter().map(|m| (m.id, m.name)).collect();
    Ok(StudioChoices { groups, places, members })
}

async fn form_page(state: &AppState, a: Authed, id: Option<i64>, f: StudioInput, errors: &[FieldError]) -> AppResult<Response> {
    let c = studio_choices(state, a.actor.committee_id).await?;
    let shell = a.ctx.shell;
    let weekdays = (1..=7).map(|n| (n.to_string(), shell.t(&format!("studio.weekday.{n}")))).collect();
    let kinds = StudioKind::ALL.iter().map(|k| (k.as_str(), shell.t(k.label_key()))).collect();
    let mut res = html(&FormPage { errors: FormErrors::new(shell.lang, errors), shell, id, f, kinds, groups: c.groups, places: c.places, members: c.members, weekdays })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageStudios, &Target::own(&a.actor))?;
    form_page(&state, a, None, StudioInput { kind: "offline".into(), ..Default::default() }, &[]).await
}

/// Parses and saves the studio form; None creates.
async fn save(state: &AppState, a: Authed, id: Option<i64>, f: StudioInput) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let c = studio_choices(state, cid).await?;
    let ids = |v: &[(i64, String)]| v.iter().map(|x| x.0).collect::<Vec<_>>();
    let data = match f.parse(&ids(&c.groups), &ids(&c.places), &ids(&c.members)) {
        Ok(d) => d,
        Err(errors) => return form_page(state, a, id, f, &errors).await,
    };
    match store::save(&state.db, cid, id, &data, &Who::actor(&a.actor, &a.ctx.info.ip)).await {
        Ok(s) => Ok(redirect_with_flash(&a.ctx.info, &format!("/studios/{}", s.id), "flash.saved")),
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            form_page(state, a, id, f, &[FieldError::new("name", "err.name_taken")]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<StudioInput>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageStudios, &Target::own(&a.actor))?;
    save(&state, a, None, f).await
}


async fn own_studio(state: &AppState, cid: i64, id: i64) -> AppResult<Studio> {
    store::find(&state.db, cid, id).await?.ok_or(AppError::NotFound)
}

pub async fn edit(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageStudios, &Target::own(&a.actor))?;
    let s = own_studio(&state, a.actor.committee_id, id).await?;
    let assigned = store::members_of(&state.db, &[s.id]).await?.remove(&s.id).unwrap_or_default();
    let days = s.reception_days();
    let f = StudioInput {
        name: s.name.clone(),
        kind: s.kind.clone(),
        group_id: s.group_id.map(|x| x.to_string()).unwrap_or_default(),
        place_id: s.place_id.map(|x| x.to_string()).unwrap_or_default(),
        address: s.address.clone(),
        room: s.room.clone(),
        phone: s.phone.clone(),
        hours: s.hours.clone(),
        weekdays: days.weekdays().iter().map(|w| w.number_from_monday().to_string()).collect(),
        month_days: days.month_days_text(),
        intro: s.intro.clone(),
        member_ids: assigned.iter().map(|m| m.to_string()).collect(),
    };
    form_page(&state, a, Some(id), f, &[]).await
}

pub async fn update(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<StudioInput>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageStudios, &Target::own(&a.actor))?;
    own_studio(&state, a.actor.committee_id, id).await?;
    save(&state, a, Some(id), f).await
}

#[derive(Deserialize)]
pub struct RetiredForm {
    #[serde(default)]
    retired: String,
}

pub async fn set_retired(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<RetiredForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageStudios, &Target::own(&a.actor))?;
    let s = own_studio(&state, a.actor.committee_id, id).await?;
    store::set_retired(&state.db, &s, f.retired == "true", &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/studios/{id}"), "flash.saved"))
}

/// One date of a roster: who is on duty, and (for the edit form) every assigned member with a tick.
pub struct RosterDay {
    pub day: NaiveDate,
    pub weekday: &'static str,
    pub scheduled: bool,
    pub on_duty: Vec<String>,
    pub choices: Vec<(i64, String, bool)>,
}

/// The roster from `from` for `ROSTER_WEEKS`: every scheduled reception day plus any other
/// date someone is on duty.
async fn roster_days(state: &AppState, shell: &Shell, s: &Studio, from: NaiveDate, assigned: &[i64], names: &HashMap<i64, String>) -> AppResult<Vec<RosterDay>> {
    // Eight weeks from today, today included: never a ninth week's day.
    let to = from + Duration::weeks(ROSTER_WEEKS) - Duration::days(1);
    let roster = store::roster(&state.db, s.id, from, to).await?;
    let mut days: Vec<NaiveDate> = s.reception_days().dates_between(from, to);
    days.extend(roster.keys().copied());
    days.sort();
    days.dedup();
    Ok(days
        .into_iter()
        .map(|day| {
            let on = roster.get(&day).cloned().unwrap_or_default();
            RosterDay {
                day,
                weekday: shell.t(&format!("studio.weekday.{}", chrono::Datelike::weekday(&day).number_from_monday())),
                scheduled: s.reception_days().includes(day),
                on_duty: on.iter().filter_map(|m| names.get(m).cloned()).collect(),
                choices: assigned.iter().map(|m| (*m, names.get(m).cloned().unwrap_or_default(), on.contains(m))).collect(),
            }
        })
        .collect())
}

/// A reception as lists show it.
pub struct ReceptionRow {
    pub id: i64,
    pub held_on: NaiveDate,
    pub studio: String,
    pub place: String,
    pub citizens: i32,
    pub members: String,
}

/// Rows for receptions, with studio, place and member names resolved.
pub async fn reception_rows(state: &AppState, cid: i64, list: &[store::Reception]) -> AppResult<Vec<ReceptionRow>> {
    let studios = store::list(&state.db, cid).await?;
    let places = structure::places(&state.db, cid).await?;
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let on_duty = store::reception_members(&state.db, &ids).await?;
    let all: Vec<i64> = on_duty.values().flatten().copied().collect();
    let names = members::names(&state.db, &all).await?;
    Ok(list
        .iter()
        .map(|r| ReceptionRow {
            id: r.id,
            held_on: r.held_on,
            studio: studios.iter().find(|s| s.id == r.studio_id).map(|s| s.name.clone()).unwrap_or_default(),
            place: r.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default(),
            citizens: r.citizens_received,
            members: on_duty.get(&r.id).map(|m| m.iter().filter_map(|id| names.get(id).cloned()).collect::<Vec<_>>().join("、")).unwrap_or_default(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "studios/detail.html")]
struct DetailPage {
    shell: Shell,
    s: StudioRow,
    studio: Studio,
    roster: Vec<RosterDay>,
    receptions: Vec<ReceptionRow>,
    reception_total: u64,
    citizens_total: u64,
    can_manage: bool,
    can_record: bool,
    public_link: String,
    feed_link: String,
    /// A member's own duty calendar, across studios.
    my_feed: Option<String>,
    errors: FormErrors,
}

async fn detail_page(state: &AppState, a: Authed, id: Option<Studio>, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let s = id.ok_or(AppError::NotFound)?;
    let shell = a.ctx.shell;
    let row = rows(state, &shell, cid, std::slice::from_ref(&s)).await?.remove(0);
    let assigned = store::members_of(&state.db, &[s.id]).await?.remove(&s.id).unwrap_or_default();
    let names = members::names(&state.db, &assigned).await?;
    let roster = roster_days(state, &shell, &s, today(), &assigned, &names).await?;
    let filter = ReceptionFilter { studio_id: Some(s.id), ..Default::default() };
    let (recent, _) = store::receptions(&state.db, cid, &filter, PageRequest { page: 1, per_page: 10 }).await?;
    let (reception_total, citizens_total) = store::reception_totals(&state.db, cid, &filter).await?;
    let receptions = reception_rows(state, cid, &recent).await?;
    let code = org::find_committee(&state.db, cid).await?.map(|c| c.code).unwrap_or_default();
    let can_manage = may(&a.actor, Action::ManageStudios, &Target::own(&a.actor));
    let can_record = may(&a.actor, Action::RecordReceptions, &Target::own(&a.actor)) && (can_manage || crate::demands::pages::member_studios(state, &a.actor).await?.contains(&s.id));
    let my_feed = members::linked_to(&state.db, a.actor.user_id).await?.filter(|m| m.committee_id == cid).map(|m| format!("/c/{code}/members/{}/duty.ics", m.id));
    let mut res = html(&DetailPage {
        errors: FormErrors::new(shell.lang, errors),
        shell,
        public_link: format!("/c/{code}/studios/{}", s.id),
        feed_link: format!("/c/{code}/studios/{}/duty.ics", s.id),
        my_feed,
        s: row,
        studio: s,
        roster,
        receptions,
        reception_total,
        citizens_total,
        can_manage,
        can_record,
    })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewStudios, &Target::own(&a.actor))?;
    let s = store::find(&state.db, a.actor.committee_id, id).await?;
    detail_page(&state, a, s, &[]).await
}

/// Sets who is on duty on one day: the ticked members (all of them assigned to the studio).
pub async fn set_duty(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<DutyInput>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageStudios, &Target::own(&a.actor))?;
    let s = own_studio(&state, a.actor.committee_id, id).await?;
    let assigned = store::members_of(&state.db, &[s.id]).await?.remove(&s.id).unwrap_or_default();
    let parsed = crate::app::pages::parse_date("day", &f.day)
        .and_then(|d| d.ok_or(FieldError::new("day", "err.required")))
        .and_then(|d| choices("member_ids", &f.member_ids, &assigned).map(|m| (d, m)));
    match parsed {
        Ok((day, member_ids)) => {
            store::set_duty(&state.db, &s, day, &member_ids, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/studios/{id}#roster"), "flash.saved"))
        }
        Err(e) => detail_page(&state, a, Some(s), &[e]).await,
    }
}

/// Fills the empty reception days of the coming weeks with two assigned members each, in turn.
pub async fn rotate(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageStudios, &Target::own(&a.actor))?;
    let s = own_studio(&state, a.actor.committee_id, id).await?;
    let assigned = store::members_of(&state.db, &[s.id]).await?.remove(&s.id).unwrap_or_default();
    let from = today();
    let to = from + Duration::weeks(ROSTER_WEEKS) - Duration::days(1);
    let roster = store::roster(&state.db, s.id, from, to).await?;
    let empty: Vec<NaiveDate> = s.reception_days().dates_between(from, to).into_iter().filter(|d| !roster.contains_key(d)).collect();
    let start = store::duty_count(&state.db, s.id).await? as usize;
    let days = rotation(&empty, &assigned, 2, start);
    store::fill_roster(&state.db, &s, &days, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/studios/{id}#roster"), "flash.saved"))
}

/// The address citizens reach the studio's public page at, as this request saw the server.
fn public_url(headers: &HeaderMap, secure: bool, path: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("{}://{host}{path}", if secure { "https" } else { "http" })
}

#[derive(Template)]
#[template(path = "studios/poster.html")]
struct PosterPage {
    shell: Shell,
    committee: String,
    s: StudioRow,
    studio: Studio,
    url: String,
    qr: String,
}

/// The A4 poster hung at the studio: name, address, reception days, members, and a QR code
/// to the public page.
pub async fn poster(State(state): State<AppState>, a: Authed, headers: HeaderMap, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewStudios, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let s = own_studio(&state, cid, id).await?;
    let c = org::find_committee(&state.db, cid).await?.ok_or(AppError::NotFound)?;
    let shell = a.ctx.shell;
    let row = rows(&state, &shell, cid, std::slice::from_ref(&s)).await?.remove(0);
    let url = public_url(&headers, a.ctx.info.secure, &format!("/c/{}/studios/{}", c.code, s.id));
    let qr = qr::svg(&url, 480);
    html(&PosterPage { shell, committee: c.name, s: row, studio: s, url, qr })
}

#[derive(Template)]
#[template(path = "studios/public_list.html")]
struct PublicListPage {
    shell: Shell,
    committee: String,
    code: String,
    rows: Vec<StudioRow>,
}

pub async fn public_list(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let studios: Vec<Studio> = store::list(&state.db, c.id).await?.into_iter().filter(|s| !s.retired).collect();
    let rows = rows(&state, &ctx.shell, c.id, &studios).await?;
    html(&PublicListPage { shell: ctx.shell, committee: c.name, code: c.code, rows })
}

#[derive(Template)]
#[template(path = "studios/public_page.html")]
struct PublicPage {
    shell: Shell,
    committee: String,
    code: String,
    s: StudioRow,
    studio: Studio,
    roster: Vec<RosterDay>,
}

/// The studio's public page: where and when, who is on duty on the coming reception days, and
/// the way to write to it online.
pub async fn public_page(State(state): State<AppState>, ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let s = store::find(&state.db, c.id, id).await?.filter(|s| !s.retired).ok_or(AppError::NotFound)?;
    let row = rows(&state, &ctx.shell, c.id, std::slice::from_ref(&s)).await?.remove(0);
    let assigned = store::members_of(&state.db, &[s.id]).await?.remove(&s.id).unwrap_or_default();
    let names = members::names(&state.db, &assigned).await?;
    let roster = roster_days(&state, &ctx.shell, &s, today(), &assigned, &names).await?;
    html(&PublicPage { shell: ctx.shell, committee: c.name, code: c.code, s: row, studio: s, roster })
}

/// The window a feed covers: a month back (so a calendar keeps recent history) to half a year ahead.
fn feed_window() -> (NaiveDate, NaiveDate) {
    let t = today();
    (t - Duration::days(31), t + Duration::days(183))
}

fn ics_response(body: String, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}\"")),
            (header::CACHE_CONTROL, "no-cache".to_string()),
        ],
        body,
    )
        .into_response()
}

fn location(s: &Studio) -> String {
    [s.address.as_str(), s.room.as_str()].iter().filter(|x| !x.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// The studio's duty days as an iCalendar feed: one event per day with the members on duty.
pub async fn studio_feed(State(state): State<AppState>, headers: HeaderMap, ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let s = store::find(&state.db, c.id, id).await?.filter(|s| !s.retired).ok_or(AppError::NotFound)?;
    let (from, to) = feed_window();
    let roster = store::roster(&state.db, s.id, from, to).await?;
    let ids: Vec<i64> = roster.values().flatten().copied().collect();
    let names = members::names(&state.db, &ids).await?;
    let url = public_url(&headers, ctx.info.secure, &format!("/c/{}/studios/{}", c.code, s.id));
    let events: Vec<DutyEvent> = roster
        .iter()
        .map(|(day, on)| {
            let who = on.iter().filter_map(|m| names.get(m).cloned()).collect::<Vec<_>>().join("、");
            DutyEvent {
                uid: format!("duty-{}-{day}@xieshang", s.id),
                day: *day,
                hours: s.hours().map(|h| (h.from, h.to)),
                summary: format!("{} 接待日：{who}", s.name),
                location: location(&s),
                description: format!("值班委员：{who}"),
                url: Some(url.clone()),
            }
        })
        .collect();
    Ok(ics_response(ical::calendar(&s.name, &events, Utc::now()), &format!("studio-{}.ics", s.id)))
}

/// A member's own duty days across studios, to subscribe to in a phone's calendar.
pub async fn member_feed(State(state): State<AppState>, headers: HeaderMap, ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let m = members::find(&state.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    let studios = store::list(&state.db, c.id).await?;
    let (from, to) = feed_window();
    let duties = store::duties_of_member(&state.db, m.id, from, to).await?;
    if duties.is_empty() && store::studios_of_member(&state.db, m.id).await?.is_empty() {
        return Err(AppError::NotFound);
    }
    let events: Vec<DutyEvent> = duties
        .iter()
        .filter_map(|(day, sid)| studios.iter().find(|s| s.id == *sid).map(|s| (day, s)))
        .map(|(day, s)| DutyEvent {
            uid: format!("duty-{}-{day}-m{}@xieshang", s.id, m.id),
            day: *day,
            hours: s.hours().map(|h| (h.from, h.to)),
            summary: format!("{} 值班", s.name),
            location: location(s),
            description: format!("{}，{}", m.name, describe_days(s, Lang::Zh)),
            url: Some(public_url(&headers, ctx.info.secure, &format!("/c/{}/studios/{}", c.code, s.id))),
        })
        .collect();
    Ok(ics_response(ical::calendar(&format!("{} 工作室值班", m.name), &events, Utc::now()), &format!("member-{}.ics", m.id)))
}
