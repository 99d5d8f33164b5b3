//! Activity pages: the list with the period's figures, the staff form, an activity with its roll
//! and sign-in code, the member's sign-in through `/a/{code}`, the member file's 活动 rows and a
//! member's activities as a calendar feed.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::activities::model::{self, ActivityChoices, ActivityForm, ActivityInput, ActivityKind, Attendance, AttendanceAction};
use crate::activities::store::{self, Activity, ActivityFilter, ActivityTotals};
use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Ctx, Shell, html, redirect_with_flash, today};
use crate::demands::public_pages::committee_by_code;
use crate::org::members::{self, MemberFilter};
use crate::org::structure;
use crate::org::values::MemberStatus;
use crate::proposals::pages::own_member;
use crate::studios::ical::{self, DutyEvent};
use crate::org::scope::{ListScope, narrow};
use crate::org::structure::with_below;
use crate::stats::export::ListFormat;
use crate::visits::pages::trees;

/// The filters of the list and the API, as sent (text, so a bad value is named).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// On or after this date (YYYY-MM-DD, China time).
    #[serde(default)]
    pub from: String,
    /// On or before this date.
    #[serde(default)]
    pub to: String,
    /// study, training, speech, inspection, research, volunteering, assistance, plenary,
    /// standing_committee, group_activity, reception_day or other.
    #[serde(default)]
    pub kind: String,
    /// Member id: activities this member was present at.
    #[serde(default)]
    pub member: String,
    /// Group id: activities of this group or a group below it.
    #[serde(default)]
    pub group: String,
    /// Place id: activities there or at a place below it.
    #[serde(default)]
    pub place: String,
    /// Group id: activities a member of this group (or of one below it) was present at — the
    /// dashboard's group scope, where `group` is the organising group.
    #[serde(default)]
    pub member_group: String,
    /// Studio id: activities one of its members was present at.
    #[serde(default)]
    pub studio: String,
    /// Sector id: activities one of its members was present at.
    #[serde(default)]
    pub sector: String,
}

impl ActivityQuery {
    /// The store's filter; each bad value is named and left out.
    pub fn parse(&self, groups: &[(i64, Option<i64>)], places: &[(i64, Option<i64>)]) -> (ActivityFilter, Vec<FieldError>) {
        let mut l = Lenient::default();
        let member = l.id("member", &self.member, None);
        let group = l.id("group", &self.group, Some(groups));
        let place = l.id("place", &self.place, Some(places));
        let (from, to) = l.period(&self.from, &self.to);
        let kind = l.code("kind", &self.kind, ActivityKind::from_code);
        let f = ActivityFilter {
            from,
            to,
            kind,
            member_ids: member.map(|m| vec![m]),
            group_ids: group.map(|g| with_below(g, groups)),
            place_ids: place.map(|p| with_below(p, places)),
        };
        (f, l.0)
    }

    /// The query without the page, for the pager.
    pub fn query_string(&self) -> String {
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("member", &self.member),
            ("group", &self.group),
            ("place", &self.place),
            ("member_group", &self.member_group),
            ("studio", &self.studio),
            ("sector", &self.sector),
        ];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

/// The store's filter of a query, for the list, its export and the API; `errors` name the bad
/// filters. A member group, studio or sector narrows the activities to those its members were
/// present at, as the dashboard counts them.
pub async fn checked_filter(state: &AppState, committee_id: i64, q: &ActivityQuery) -> AppResult<(ActivityFilter, Vec<FieldError>)> {
    let (groups, places) = trees(state, committee_id).await?;
    let (mut f, mut errors) = q.parse(&groups, &places);
    let (scope, scope_errors) = ListScope::parse(&state.db, committee_id, &q.member_group, &q.studio, "", &q.sector).await?;
    errors.extend(scope_errors.into_iter().map(|e| if e.field == "group" { FieldError::new("member_group", "err.choice") } else { e }));
    f.member_ids = narrow(f.member_ids, scope.members(&state.db, committee_id).await?);
    Ok((f, errors))
}

/// Fen as yuan for people: "204000" or "1234.50".
pub fn yuan(fen: i64) -> String {
    if fen % 100 == 0 { (fen / 100).to_string() } else { format!("{}.{:02}", fen / 100, fen % 100) }
}

fn kind_label(shell: &Shell, code: &str) -> &'static str {
    shell.t(&format!("activity.kind.{code}"))
}

fn attendance_label(shell: &Shell, a: Attendance) -> &'static str {
    shell.t(&format!("activity.att.{}", a.as_str()))
}

fn kinds(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    ActivityKind::ALL.iter().map(|k| (k.as_str(), kind_label(shell, k.as_str()))).collect()
}

/// An activity as the lists show it.
pub struct ActivityRow {
    pub id: i64,
    pub dates: String,
    pub kind: &'static str,
    pub title: String,
    pub place: String,
    /// The member's attendance (member file), else empty.
    pub attendance: &'static str,
    pub attendance_code: &'static str,
}

fn dates(a: &Activity) -> String {
    if a.end_date == a.on_date { a.on_date.to_string() } else { format!("{} — {}", a.on_date, a.end_date) }
}

async fn rows(state: &AppState, shell: &Shell, committee_id: i64, list: &[(Activity, Option<Attendance>)]) -> AppResult<Vec<ActivityRow>> {
    let places = structure::places(&state.db, committee_id).await?;
    Ok(list
        .iter()
        .map(|(a, att)| ActivityRow {
            id: a.id,
            dates: dates(a),
            kind: kind_label(shell, &a.kind),
            title: a.title.clone(),
            place: a.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_else(|| a.address.clone()),
            attendance: att.map(|x| attendance_label(shell, x)).unwrap_or(""),
            attendance_code: att.map(Attendance::as_str).unwrap_or(""),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "activities/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<ActivityRow>,
    pager: Pager,
    q: ActivityQuery,
    totals: ActivityTotals,
    funds: String,
    /// The filters as a query string (the export link).
    query: String,
    kinds: Vec<(&'static str, &'static str)>,
    choices: structure::FilterChoices,
    can_manage: bool,
    errors: FormErrors,
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<ActivityQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<ListFormat>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewActivities, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (filter, errors) = checked_filter(&state, cid, &q).await?;
    if fmt.xlsx() {
        return export(&state, &a, &filter).await;
    }
    let (list, total) = store::list(&state.db, cid, &filter, page).await?;
    let totals = store::totals(&state.db, cid, &filter).await?;
    let shell = a.ctx.shell;
    let list: Vec<_> = list.into_iter().map(|x| (x, None)).collect();
    let page = ListPage {
        rows: rows(&state, &shell, cid, &list).await?,
        errors: FormErrors::new(shell.lang, &errors),
        kinds: kinds(&shell),
        pager: Pager::new(page, total, q.query_string()),
        query: q.query_string(),
        funds: yuan(totals.assistance_fen),
        choices: structure::filter_choices(&state.db, cid).await?,
        can_manage: may(&a.actor, Action::ManageActivities, &Target::own(&a.actor)),
        shell,
        q,
        totals,
    };
    html(&page)
}

/// The list under its filters as .xlsx: each activity with its figures, the totals on top.
async fn export(state: &AppState, a: &Authed, filter: &ActivityFilter) -> AppResult<Response> {
    use crate::stats::export::{Cell, LIST_CAP, list_download};
    let cid = a.actor.committee_id;
    let (list, _) = store::list(&state.db, cid, filter, PageRequest { page: 1, per_page: LIST_CAP }).await?;
    let t = store::totals(&state.db, cid, filter).await?;
    let shell = &a.ctx.shell;
    let places = structure::places(&state.db, cid).await?;
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|x| {
            let place = x.place_id.and_then(|p| places.iter().find(|y| y.id == p)).map(|p| p.name.clone()).unwrap_or_else(|| x.address.clone());
            vec![dates(x).into(), kind_label(shell, &x.kind).into(), x.title.clone().into(), place.into(), x.people_served.into(), x.volunteers.into(), x.households.into(), (x.funds_fen as f64 / 100.0).into()]
        })
        .collect();
    let totals = [
        (shell.t("activity.count"), t.activities.into()),
        (shell.t("activity.interaction"), t.interaction.into()),
        (shell.t("activity.volunteer_person_times"), t.volunteer_person_times.into()),
        (shell.t("activity.households_assisted"), t.households_assisted.into()),
        (shell.t("activity.assistance_funds"), (t.assistance_fen as f64 / 100.0).into()),
    ];
    let heads = ["activity.dates", "activity.kind", "activity.title", "activity.place", "activity.people_served", "activity.volunteers", "activity.households", "activity.funds"].map(|k| shell.t(k));
    list_download("activities.xlsx", shell.t("nav.activities"), &totals, &heads, &rows)
}

#[derive(Template)]
#[template(path = "activities/form.html")]
struct FormPage {
    shell: Shell,
    /// The activity being edited, if any.
    id: Option<i64>,
    f: ActivityForm,
    kinds: Vec<(&'static str, &'static str)>,
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
    errors: FormErrors,
}

/// What the form offers: active groups and places, members in office (plus those already listed).
struct Offer {
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
}

async fn offer(state: &AppState, committee_id: i64) -> AppResult<Offer> {
    let groups = structure::groups(&state.db, committee_id).await?.into_iter().filter(|g| !g.retired).map(|g| (g.id, g.name)).collect();
    let places = structure::places(&state.db, committee_id).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.name)).collect();
    let f = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    let members = members::all(&state.db, committee_id, &f).await?.into_iter().map(|m| (m.id, m.name)).collect();
    Ok(Offer { groups, places, members })
}

async fn form_page(state: &AppState, a: Authed, id: Option<i64>, f: ActivityForm, errors: &[FieldError]) -> AppResult<Response> {
    let o = offer(state, a.actor.committee_id).await?;
    let shell = a.ctx.shell;
    let page = FormPage { errors: FormErrors::new(shell.lang, errors), kinds: kinds(&shell), groups: o.groups, places: o.places, members: o.members, shell, id, f };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageActivities, &Target::own(&a.actor))?;
    let f = ActivityForm { on_date: today().to_string(), ..Default::default() };
    form_page(&state, a, None, f, &[]).await
}

/// Checks the form against the committee's groups, places and members (those already on the
/// list of an edited activity stay allowed).
async fn check(state: &AppState, committee_id: i64, f: &ActivityForm, listed: &[i64]) -> AppResult<Result<ActivityInput, Vec<FieldError>>> {
    let o = offer(state, committee_id).await?;
    let groups: Vec<i64> = o.groups.iter().map(|x| x.0).collect();
    let places: Vec<i64> = o.places.iter().map(|x| x.0).collect();
    let mut members: Vec<i64> = o.members.iter().map(|x| x.0).collect();
    members.extend_from_slice(listed);
    Ok(f.parse(&ActivityChoices { groups: &groups, places: &places, members: &members }))
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<ActivityForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageActivities, &Target::own(&a.actor))?;
    match check(&state, a.actor.committee_id, &f, &[]).await? {
        Ok(input) => {
            let saved = store::create(&state.db, a.actor.committee_id, &input, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/activities/{}", saved.id), "flash.saved"))
        }
        Err(errors) => form_page(&state, a, None, f, &errors).await,
    }
}

/// The form filled in from a saved activity.
fn form_of(a: &Activity, listed: &[i64]) -> ActivityForm {
    let n = |x: i64| if x == 0 { String::new() } else { x.to_string() };
    ActivityForm {
        kind: a.kind.clone(),
        title: a.title.clone(),
        organiser: a.organiser.clone(),
        group_id: a.group_id.map(|g| g.to_string()).unwrap_or_default(),
        on_date: a.on_date.to_string(),
        end_date: a.end_date.to_string(),
        place_id: a.place_id.map(|p| p.to_string()).unwrap_or_default(),
        address: a.address.clone(),
        description: a.description.clone(),
        people_served: n(a.people_served.into()),
        volunteers: n(a.volunteers.into()),
        households: n(a.households.into()),
        funds: if a.funds_fen == 0 { String::new() } else { yuan(a.funds_fen) },
        items_given: a.items_given.clone(),
        items_count: n(a.items_count),
        participant_ids: listed.iter().map(i64::to_string).collect(),
        shared: if a.shared { "yes".into() } else { String::new() },
    }
}

async fn found(state: &AppState, actor: &Actor, id: i64) -> AppResult<Activity> {
    store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)
}

pub async fn edit(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageActivities, &Target::own(&a.actor))?;
    let act = found(&state, &a.actor, id).await?;
    let listed: Vec<i64> = store::participants(&state.db, act.id).await?.iter().map(|p| p.member_id).collect();
    form_page(&state, a, Some(id), form_of(&act, &listed), &[]).await
}

pub async fn update(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<ActivityForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageActivities, &Target::own(&a.actor))?;
    let act = found(&state, &a.actor, id).await?;
    let listed: Vec<i64> = store::participants(&state.db, act.id).await?.iter().map(|p| p.member_id).collect();
    match check(&state, a.actor.committee_id, &f, &listed).await? {
        Ok(input) => {
            store::update(&state.db, &act, &input, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/activities/{id}"), "flash.saved"))
        }
        Err(errors) => form_page(&state, a, Some(id), f, &errors).await,
    }
}

/// One line of the roll.
struct RollLine {
    member_id: i64,
    name: String,
    code: &'static str,
    label: &'static str,
    reason: String,
    /// Staff may mark this member present (while the activity runs).
    can_mark: bool,
    /// Staff decide this member's leave request.
    can_decide: bool,
    /// After the activity, the entries staff may correct this one to: (action, label).
    corrections: Vec<(&'static str, &'static str)>,
}

/// The figures worth showing, as (label, value).
fn figures(shell: &Shell, a: &Activity) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut add = |key: &str, v: i64, text: String| {
        if v != 0 {
            out.push((shell.t(key), text));
        }
    };
    add("activity.people_served", a.people_served.into(), a.people_served.to_string());
    add("activity.volunteers", a.volunteers.into(), a.volunteers.to_string());
    add("activity.households", a.households.into(), a.households.to_string());
    add("activity.funds", a.funds_fen, format!("{} {}", yuan(a.funds_fen), shell.t("activity.yuan")));
    let items = if a.items_given.is_empty() { a.items_count.to_string() } else { format!("{} {}", a.items_given, a.items_count) };
    add("activity.items_count", a.items_count, items);
    out
}

#[derive(Template)]
#[template(path = "activities/detail.html")]
struct DetailPage {
    shell: Shell,
    a: ActivityRow,
    organiser: String,
    group: String,
    description: String,
    figures: Vec<(&'static str, String)>,
    roll: Vec<RollLine>,
    /// Someone gave a leave reason: the roll shows the column.
    any_reason: bool,
    present: usize,
    /// The viewer's own line: (attendance code, label), when on the list.
    mine: Option<(&'static str, &'static str)>,
    /// The viewer may ask for leave now.
    may_ask_leave: bool,
    staff: bool,
    /// Staff may close the roll (after the activity, someone still undecided).
    may_close: bool,
    code: String,
    sign_in_url: String,
    qr: String,
    feed: Option<String>,
    link_members: bool,
}

/// The address of `path` as this request saw the server.
fn public_url(headers: &HeaderMap, secure: bool, path: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("{}://{host}{path}", if secure { "https" } else { "http" })
}

pub async fn detail(State(state): State<AppState>, headers: HeaderMap, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewActivities, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let act = found(&state, &a.actor, id).await?;
    let parts = store::participants(&state.db, act.id).await?;
    let names = members::names(&state.db, &parts.iter().map(|p| p.member_id).collect::<Vec<_>>()).await?;
    let staff = may(&a.actor, Action::ManageActivities, &Target::own(&a.actor));
    let when = model::timing(act.on_date, act.end_date, today());
    let me = own_member(&state, &a.actor).await?;
    let shell = a.ctx.shell;
    let roll: Vec<RollLine> = parts
        .iter()
        .map(|p| {
            let att = p.attendance();
            RollLine {
                member_id: p.member_id,
                name: names.get(&p.member_id).cloned().unwrap_or_default(),
                code: att.as_str(),
                label: attendance_label(&shell, att),
                reason: p.leave_reason.clone(),
                can_mark: staff && att != Attendance::Present && model::attend(Some(att), AttendanceAction::SignIn, when).is_ok(),
                can_decide: staff && att == Attendance::LeaveRequested,
                corrections: if staff {
                    [("correct_present", Attendance::Present), ("correct_on_leave", Attendance::OnLeave), ("correct_absent", Attendance::Absent)]
                        .into_iter()
                        .filter(|(_, to)| model::attend(Some(att), AttendanceAction::Correct(*to), when).is_ok())
                        .map(|(code, to)| (code, attendance_label(&shell, to)))
                        .collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    let mine_att = me.and_then(|m| parts.iter().find(|p| p.member_id == m)).map(|p| p.attendance());
    let group = match act.group_id {
        Some(g) => structure::groups(&state.db, cid).await?.into_iter().find(|x| x.id == g).map(|x| x.name).unwrap_or_default(),
        None => String::new(),
    };
    let sign_in_path = format!("/a/{}", act.sign_in_code);
    let sign_in_url = public_url(&headers, a.ctx.info.secure, &sign_in_path);
    let committee = crate::org::store::find_committee(&state.db, cid).await?;
    let page = DetailPage {
        a: rows(&state, &shell, cid, &[(act.clone(), None)]).await?.remove(0),
        figures: figures(&shell, &act),
        present: parts.iter().filter(|p| p.attendance() == Attendance::Present).count(),
        any_reason: parts.iter().any(|p| !p.leave_reason.is_empty()),
        mine: mine_att.map(|x| (x.as_str(), attendance_label(&shell, x))),
        may_ask_leave: model::attend(mine_att, AttendanceAction::RequestLeave, when).is_ok(),
        may_close: staff && parts.iter().any(|p| model::attend(Some(p.attendance()), AttendanceAction::Close, when).is_ok()),
        qr: if staff { crate::studios::qr::svg(&sign_in_url, 240) } else { String::new() },
        code: if staff { act.sign_in_code.clone() } else { String::new() },
        sign_in_url: if staff { sign_in_url } else { String::new() },
        feed: me.zip(committee).map(|(m, c)| format!("/c/{}/members/{m}/activities.ics", c.code)),
        link_members: may(&a.actor, Action::ViewMembers, &Target::own(&a.actor)),
        organiser: act.organiser,
        description: act.description,
        group,
        roll,
        staff,
        shell,
    };
    html(&page)
}

/// A staff move on one participant: `sign_in`, `approve` or `refuse`.
#[derive(Deserialize)]
pub struct RollForm {
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    action: String,
    /// Why an entry is corrected after the activity.
    #[serde(default)]
    reason: String,
}

pub async fn roll(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<RollForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageActivities, &Target::own(&a.actor))?;
    let act = found(&state, &a.actor, id).await?;
    let action = match f.action.as_str() {
        "sign_in" => AttendanceAction::SignIn,
        "approve" => AttendanceAction::ApproveLeave,
        "refuse" => AttendanceAction::RefuseLeave,
        "correct_present" => AttendanceAction::Correct(Attendance::Present),
        "correct_on_leave" => AttendanceAction::Correct(Attendance::OnLeave),
        "correct_absent" => AttendanceAction::Correct(Attendance::Absent),
        _ => return Err(AppError::invalid("action", "err.choice")),
    };
    let member_id: i64 = f.member_id.trim().parse().map_err(|_| AppError::invalid("member_id", "err.choice"))?;
    let listed = store::participants(&state.db, act.id).await?.iter().any(|p| p.member_id == member_id);
    if !listed {
        return Err(AppError::invalid("member_id", "err.choice"));
    }
    store::attend(&state.db, &act, member_id, action, &f.reason, today(), &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/activities/{id}#roll"), "flash.saved"))
}

/// After the activity, whoever is still invited or waiting on leave is absent.
pub async fn close(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageActivities, &Target::own(&a.actor))?;
    let act = found(&state, &a.actor, id).await?;
    let when = model::timing(act.on_date, act.end_date, today());
    let who = Who::actor(&a.actor, &a.ctx.info.ip);
    for p in store::participants(&state.db, act.id).await? {
        if model::attend(Some(p.attendance()), AttendanceAction::Close, when).is_ok() {
            store::attend(&state.db, &act, p.member_id, AttendanceAction::Close, "", today(), &who).await?;
        }
    }
    Ok(redirect_with_flash(&a.ctx.info, &format!("/activities/{id}#roll"), "flash.saved"))
}

#[derive(Deserialize)]
pub struct LeaveForm {
    #[serde(default)]
    reason: String,
}

/// A member asks for leave from an activity it is on the list of.
pub async fn leave(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<LeaveForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewActivities, &Target::own(&a.actor))?;
    let act = found(&state, &a.actor, id).await?;
    let me = own_member(&state, &a.actor).await?.ok_or(AppError::Forbidden)?;
    store::attend(&state.db, &act, me, AttendanceAction::RequestLeave, &f.reason, today(), &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/activities/{id}"), "flash.saved"))
}

#[derive(Template)]
#[template(path = "activities/sign_in.html")]
struct SignInPage {
    shell: Shell,
    a: ActivityRow,
    code: String,
    /// Why the viewer cannot sign in, if it cannot (an i18n message).
    blocked: Option<&'static str>,
    /// Already present (just now or before).
    present: bool,
    /// The viewer has no member record.
    no_member: bool,
    /// The viewer's member is on the activity's list.
    listed: bool,
}

async fn sign_in_page(state: &AppState, a: Authed, code: &str, error: Option<&'static str>) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let act = store::find_by_code(&state.db, cid, code).await?.ok_or(AppError::NotFound)?;
    let me = own_member(state, &a.actor).await?;
    let mine = match me {
        Some(m) => store::participants(&state.db, act.id).await?.into_iter().find(|p| p.member_id == m).map(|p| p.attendance()),
        None => None,
    };
    let present = mine == Some(Attendance::Present);
    let blocked = match model::attend(mine, AttendanceAction::SignIn, model::timing(act.on_date, act.end_date, today())) {
        Err(k) if !present => Some(a.ctx.shell.t(k)),
        _ => None,
    };
    let shell = a.ctx.shell;
    let page = SignInPage {
        a: rows(state, &shell, cid, &[(act.clone(), None)]).await?.remove(0),
        code: act.sign_in_code,
        blocked: error.map(|k| shell.t(k)).or(blocked),
        no_member: me.is_none(),
        listed: mine.is_some(),
        present,
        shell,
    };
    let mut res = html(&page)?;
    if error.is_some() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// What a scanned code opens: the activity and a 签到 button for the logged-in member.
pub async fn sign_in_form(State(state): State<AppState>, a: Authed, Path(code): Path<String>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewActivities, &Target::own(&a.actor))?;
    sign_in_page(&state, a, &code, None).await
}

/// Marks the logged-in member's own record present; no one else's.
pub async fn sign_in(State(state): State<AppState>, a: Authed, Path(code): Path<String>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewActivities, &Target::own(&a.actor))?;
    let act = store::find_by_code(&state.db, a.actor.committee_id, &code).await?.ok_or(AppError::NotFound)?;
    let Some(me) = own_member(&state, &a.actor).await? else {
        return sign_in_page(&state, a, &code, Some("activity.no_member")).await;
    };
    match store::attend(&state.db, &act, me, AttendanceAction::SignIn, "", today(), &Who::actor(&a.actor, &a.ctx.info.ip)).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/a/{}", act.sign_in_code), "flash.signed_in")),
        Err(AppError::Invalid(e)) => sign_in_page(&state, a, &code, Some(e.first().map(|x| x.key).unwrap_or("err.wrong_state"))).await,
        Err(e) => Err(e),
    }
}

/// The member file's 活动 rows: the member's activities of the last year and the next half
/// year with its attendance, latest first; `None` when the viewer may not see activities.
pub async fn member_tab(state: &AppState, actor: &Actor, shell: &Shell, member_id: i64) -> AppResult<Option<Vec<ActivityRow>>> {
    if !may(actor, Action::ViewActivities, &Target::own(actor)) {
        return Ok(None);
    }
    let t = today();
    let mut list = store::of_member(&state.db, actor.committee_id, member_id, NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(t), t + Duration::days(366)).await?;
    list.reverse();
    list.truncate(20);
    let list: Vec<_> = list.into_iter().map(|(a, att)| (a, Some(att))).collect();
    Ok(Some(rows(state, shell, actor.committee_id, &list).await?))
}

/// A member's activities as an iCalendar feed (all-day events, one per day), from a month back
/// to half a year ahead; activities it has leave from are left out.
pub async fn member_feed(State(state): State<AppState>, headers: HeaderMap, ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let m = members::find(&state.db, c.id, id).await?.ok_or(AppError::NotFound)?;
    let t = today();
    let list = store::of_member(&state.db, c.id, m.id, t - Duration::days(31), t + Duration::days(183)).await?;
    let places = structure::places(&state.db, c.id).await?;
    let mut events = Vec::new();
    for (a, att) in list.iter().filter(|(_, att)| *att != Attendance::OnLeave) {
        let place = a.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.as_str()).unwrap_or("");
        let location = [place, a.address.as_str()].iter().filter(|x| !x.is_empty()).copied().collect::<Vec<_>>().join(" ");
        for day in a.on_date.iter_days().take_while(|d| *d <= a.end_date) {
            events.push(DutyEvent {
                uid: format!("activity-{}-{day}-m{}@xieshang", a.id, m.id),
                day,
                hours: None,
                summary: a.title.clone(),
                location: location.clone(),
                description: format!("{}：{}", m.name, crate::app::i18n::Lang::Zh.t(&format!("activity.att.{}", att.as_str()))),
                url: Some(public_url(&headers, ctx.info.secure, &format!("/activities/{}", a.id))),
            });
        }
    }
    let body = ical::calendar(&format!("{} 活动", m.name), &events, Utc::now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"activities-{}.ics\"", m.id)),
            (header::CACHE_CONTROL, "no-cache".to_string()),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked_and_each_bad_one_named() {
        let groups = [(1, None), (2, Some(1))];
        let places = [(10, None), (11, Some(10))];
        let q = ActivityQuery { from: "2022-01-01".into(), to: "2022-03-31".into(), kind: "assistance".into(), member: "7".into(), group: "1".into(), place: "10".into(), ..Default::default() };
        let (f, errors) = q.parse(&groups, &places);
        assert!(errors.is_empty());
        assert_eq!((f.kind, f.member_ids, f.group_ids, f.place_ids), (Some(ActivityKind::Assistance), Some(vec![7]), Some(vec![1, 2]), Some(vec![10, 11])));
        let bad = ActivityQuery { from: "2022-03-31".into(), to: "2022-01-01".into(), kind: "party".into(), member: "me".into(), group: "9".into(), place: "x".into(), ..Default::default() };
        let fields: Vec<_> = bad.parse(&groups, &places).1.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["member", "group", "place", "to", "kind"]);
        assert_eq!(q.query_string(), "from=2022-01-01&to=2022-03-31&kind=assistance&member=7&group=1&place=10");
    }

    #[test]
    fn yuan_are_shown_without_needless_decimals() {
        assert_eq!(yuan(20_400_000), "204000");
        assert_eq!(yuan(123_450), "1234.50");
        assert_eq!(yuan(0), "0");
    }
}
