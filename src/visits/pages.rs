//! Visit pages: the list with its totals and filters, the phone-first record form, a visit with
//! the demands it raised, and the rows the member file's 走访 tab shows.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, local_time, redirect_with_flash, today};
use crate::demands::pages::DemandScope;
use crate::demands::public_pages::active_categories;
use crate::org::members::{self, MemberFilter};
use crate::org::model::Role;
use crate::org::scope::{ListScope, narrow};
use crate::stats::export::ListFormat;
use crate::org::structure::{self, Place, with_below};
use crate::org::values::MemberStatus;
use crate::proposals::pages::own_member;
use crate::visits::model::{VisitChoices, VisitForm, VisitKind, WhomKind};
use crate::visits::store::{self, Visit, VisitFilter, VisitTotals};

/// Who is looking, as the visit pages need it.
pub struct Viewer {
    /// The viewer's own member record in the committee (members, and leaders who have one).
    pub member: Option<i64>,
    /// Staff, admins and leaders see the names of the people visited on every visit, and may
    /// log any visit; a member only those it went on.
    pub any_visit: bool,
    /// Staff and admins may name the staff who went.
    pub staff: bool,
}

impl Viewer {
    pub async fn of(state: &AppState, a: &Actor) -> AppResult<Viewer> {
        Ok(Viewer { member: own_member(state, a).await?, any_visit: a.role != Role::Member, staff: matches!(a.role, Role::Admin | Role::Staff) })
    }

    /// The people visited are named only to those who went, staff and leaders.
    pub fn sees_names(&self, visitors: &[i64]) -> bool {
        self.any_visit || self.member.is_some_and(|m| visitors.contains(&m))
    }
}

/// The filters of the visit list and the API, as sent (text, so a bad value is named).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// On or after this date (YYYY-MM-DD, China time).
    #[serde(default)]
    pub from: String,
    /// On or before this date.
    #[serde(default)]
    pub to: String,
    /// field, home, enterprise or liaison.
    #[serde(default)]
    pub kind: String,
    /// Group id: visits one of its members (or of its 小组) went on.
    #[serde(default)]
    pub group: String,
    /// Place id: visits there or at a place below it.
    #[serde(default)]
    pub place: String,
    /// Member id: visits this member went on.
    #[serde(default)]
    pub member: String,
    /// Studio id: visits one of its members went on (the dashboard's studio scope).
    #[serde(default)]
    pub studio: String,
    /// Sector id: visits one of its members went on.
    #[serde(default)]
    pub sector: String,
}

/// A query's filters once checked; a group and a place include those below them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<VisitKind>,
    pub group_ids: Option<Vec<i64>>,
    pub place_ids: Option<Vec<i64>>,
    pub member: Option<i64>,
}

impl VisitQuery {
    /// Checks every filter against the committee's groups and places; each bad one is named and
    /// left out.
    pub fn parse(&self, groups: &[(i64, Option<i64>)], places: &[(i64, Option<i64>)]) -> (Parsed, Vec<FieldError>) {
        let mut l = Lenient::default();
        let group = l.id("group", &self.group, Some(groups));
        let place = l.id("place", &self.place, Some(places));
        let member = l.id("member", &self.member, None);
        let (from, to) = l.period(&self.from, &self.to);
        let kind = l.code("kind", &self.kind, VisitKind::from_code);
        let p = Parsed { from, to, kind, group_ids: group.map(|g| with_below(g, groups)), place_ids: place.map(|p| with_below(p, places)), member };
        (p, l.0)
    }

    /// The query without the page, for the pager.
    pub fn query_string(&self) -> String {
        let pairs = [("from", &self.from), ("to", &self.to), ("kind", &self.kind), ("group", &self.group), ("place", &self.place), ("member", &self.member), ("studio", &self.studio), ("sector", &self.sector)];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

impl Parsed {
    /// The store's filter: a group becomes the members of it and of its 小组 (all of them, since
    /// past visits count for members who have since left), narrowed to one member if given.
    pub async fn filter(&self, state: &AppState, committee_id: i64) -> AppResult<VisitFilter> {
        let member_ids = match (&self.group_ids, self.member) {
            (None, m) => m.map(|m| vec![m]),
            (Some(g), m) => {
                let in_group = members::all(&state.db, committee_id, &MemberFilter { group_ids: Some(g.clone()), ..Default::default() }).await?;
                Some(in_group.into_iter().map(|x| x.id).filter(|id| m.is_none_or(|m| m == *id)).collect())
            }
        };
        Ok(VisitFilter { from: self.from, to: self.to, kind: self.kind, member_ids, place_ids: self.place_ids.clone() })
    }
}

/// The store's filter of a query, for the list, its export and the API; `errors` name the bad
/// filters. A studio or sector narrows the visitors to its members, as the dashboard counts them.
pub async fn checked_filter(state: &AppState, committee_id: i64, q: &VisitQuery) -> AppResult<(VisitFilter, Vec<FieldError>)> {
    let (group_tree, place_tree) = trees(state, committee_id).await?;
    let (parsed, mut errors) = q.parse(&group_tree, &place_tree);
    let mut filter = parsed.filter(state, committee_id).await?;
    let (scope, scope_errors) = ListScope::parse(&state.db, committee_id, "", &q.studio, "", &q.sector).await?;
    errors.extend(scope_errors);
    filter.member_ids = narrow(filter.member_ids, scope.members(&state.db, committee_id).await?);
    Ok((filter, errors))
}

/// The committee's groups and places as (id, parent) trees for the filters.
pub async fn trees(state: &AppState, committee_id: i64) -> AppResult<(Vec<(i64, Option<i64>)>, Vec<(i64, Option<i64>)>)> {
    let groups = structure::groups(&state.db, committee_id).await?.into_iter().map(|g| (g.id, g.parent_id)).collect();
    let places = structure::places(&state.db, committee_id).await?.into_iter().map(|p| (p.id, p.parent_id)).collect();
    Ok((groups, places))
}


/// The i18n key of a visit kind or whom code as stored.
fn kind_key(code: &str) -> String {
    format!("visit.kind.{code}")
}

fn whom_key(code: &str) -> String {
    format!("visit.whom.{code}")
}

/// A visit as the lists show it.
pub struct VisitRow {
    pub id: i64,
    pub on_date: NaiveDate,
    pub kind: &'static str,
    pub home: bool,
    pub whom: &'static str,
    /// The names of the people visited, empty unless the viewer may see them.
    pub names: String,
    pub people: i32,
    pub place: String,
    /// The members who went, then the staff named.
    pub visitors: String,
}

/// Rows for visits, with names of places and visitors resolved.
pub async fn visit_rows(state: &AppState, shell: &Shell, viewer: &Viewer, committee_id: i64, list: &[Visit]) -> AppResult<Vec<VisitRow>> {
    let places = structure::places(&state.db, committee_id).await?;
    let ids: Vec<i64> = list.iter().map(|v| v.id).collect();
    let went = store::visitors_of(&state.db, &ids).await?;
    let names = members::names(&state.db, &went.values().flatten().copied().collect::<Vec<_>>()).await?;
    Ok(list.iter().map(|v| row(shell, viewer, v, went.get(&v.id).map(Vec::as_slice).unwrap_or(&[]), &names, &places)).collect())
}

fn row(shell: &Shell, viewer: &Viewer, v: &Visit, went: &[i64], names: &HashMap<i64, String>, places: &[Place]) -> VisitRow {
    let mut visitors: Vec<String> = went.iter().filter_map(|m| names.get(m).cloned()).collect();
    if !v.staff_names.is_empty() {
        visitors.push(v.staff_names.clone());
    }
    VisitRow {
        id: v.id,
        on_date: v.on_date,
        kind: shell.t(&kind_key(&v.kind)),
        home: v.kind == VisitKind::Home.as_str(),
        whom: shell.t(&whom_key(&v.whom_kind)),
        names: if viewer.sees_names(went) { v.names.clone() } else { String::new() },
        people: v.people,
        place: v.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default(),
        visitors: visitors.join("、"),
    }
}

#[derive(Template)]
#[template(path = "visits/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<VisitRow>,
    pager: Pager,
    q: VisitQuery,
    totals: VisitTotals,
    /// The filters as a query string (the export link).
    query: String,
    kinds: Vec<(&'static str, &'static str)>,
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
    can_record: bool,
    errors: FormErrors,
}

fn kinds(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    VisitKind::ALL.iter().map(|k| (k.as_str(), shell.t(&kind_key(k.as_str())))).collect()
}

fn whoms(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    WhomKind::ALL.iter().map(|k| (k.as_str(), shell.t(&whom_key(k.as_str())))).collect()
}

/// Members in office as (id, name), in list order.
async fn in_office(state: &AppState, committee_id: i64) -> AppResult<Vec<(i64, String)>> {
    let f = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    Ok(members::all(&state.db, committee_id, &f).await?.into_iter().map(|m| (m.id, m.name)).collect())
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<VisitQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<ListFormat>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewVisits, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (filter, errors) = checked_filter(&state, cid, &q).await?;
    if fmt.xlsx() {
        return export(&state, &a, &filter).await;
    }
    let (list, total) = store::list(&state.db, cid, &filter, page).await?;
    let totals = store::totals(&state.db, cid, &filter).await?;
    let viewer = Viewer::of(&state, &a.actor).await?;
    let shell = a.ctx.shell;
    let rows = visit_rows(&state, &shell, &viewer, cid, &list).await?;
    let choices = structure::filter_choices(&state.db, cid).await?;
    let page = ListPage {
        errors: FormErrors::new(shell.lang, &errors),
        kinds: kinds(&shell),
        pager: Pager::new(page, total, q.query_string()),
        query: q.query_string(),
        members: choices.members,
        can_record: may(&a.actor, Action::RecordVisits, &Target::own(&a.actor)),
        shell,
        rows,
        q,
        totals,
        groups: choices.groups,
        places: choices.places,
    };
    html(&page)
}

/// The list under its filters as .xlsx, with its totals (the names of people visited only
/// where the viewer may see them, as on the page).
async fn export(state: &AppState, a: &Authed, filter: &VisitFilter) -> AppResult<Response> {
    use crate::stats::export::{Cell, LIST_CAP, list_download};
    let cid = a.actor.committee_id;
    let (list, _) = store::list(&state.db, cid, filter, PageRequest { page: 1, per_page: LIST_CAP }).await?;
    let t = store::totals(&state.db, cid, filter).await?;
    let viewer = Viewer::of(state, &a.actor).await?;
    let shell = &a.ctx.shell;
    let rows: Vec<Vec<Cell>> = visit_rows(state, shell, &viewer, cid, &list)
        .await?
        .into_iter()
        .map(|v| vec![v.on_date.to_string().into(), v.kind.into(), v.whom.into(), v.names.into(), v.people.into(), v.place.into(), v.visitors.into()])
        .collect();
    let totals = [(shell.t("visit.count"), t.visits.into()), (shell.t("visit.people_visited"), t.people_visited.into()), (shell.t("visit.home_visits"), t.home_visits.into())];
    let heads = ["visit.on_date", "visit.kind", "visit.whom", "visit.names", "visit.people", "visit.place", "visit.visitors"].map(|k| shell.t(k));
    list_download("visits.xlsx", shell.t("nav.visits"), &totals, &heads, &rows)
}

/// Places for the form: one group per town or street, itself first, then what lies below it.
pub struct PlaceGroup {
    pub label: String,
    pub options: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "visits/new.html")]
struct FormPage {
    shell: Shell,
    f: VisitForm,
    kinds: Vec<(&'static str, &'static str)>,
    whoms: Vec<(&'static str, &'static str)>,
    places: Vec<PlaceGroup>,
    /// Members in office, the viewer's own record first.
    members: Vec<(i64, String)>,
    categories: Vec<String>,
    staff: bool,
    errors: FormErrors,
}

fn place_groups(places: Vec<Place>) -> Vec<PlaceGroup> {
    let active: Vec<Place> = places.into_iter().filter(|p| !p.retired).collect();
    let is_top = |p: &Place| p.parent_id.is_none_or(|parent| !active.iter().any(|x| x.id == parent));
    active
        .iter()
        .filter(|p| is_top(p))
        .map(|top| {
            let mut options = vec![(top.id, top.name.clone())];
            options.extend(active.iter().filter(|p| p.parent_id == Some(top.id)).map(|p| (p.id, p.name.clone())));
            PlaceGroup { label: top.name.clone(), options }
        })
        .collect()
}

async fn form_page(state: &AppState, a: Authed, f: VisitForm, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let viewer = Viewer::of(state, &a.actor).await?;
    let mut members = in_office(state, cid).await?;
    members.sort_by_key(|(id, _)| Some(*id) != viewer.member);
    let shell = a.ctx.shell;
    let page = FormPage {
        errors: FormErrors::new(shell.lang, errors),
        kinds: kinds(&shell),
        whoms: whoms(&shell),
        places: place_groups(structure::places(&state.db, cid).await?),
        categories: active_categories(state, cid).await?,
        staff: viewer.staff,
        shell,
        f,
        members,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The form opens with today, one person, and the viewer (and its place) filled in.
pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::RecordVisits, &Target::own(&a.actor))?;
    let me = match own_member(&state, &a.actor).await? {
        Some(id) => members::find(&state.db, a.actor.committee_id, id).await?,
        None => None,
    };
    let f = VisitForm {
        on_date: today().to_string(),
        people: "1".into(),
        visitor_ids: me.iter().map(|m| m.id.to_string()).collect(),
        place_id: me.and_then(|m| m.place_id).map(|p| p.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    form_page(&state, a, f, &[]).await
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<VisitForm>) -> AppResult<Response> {
    match record(&state, &a.actor, &a.ctx.info.ip, &f).await {
        Ok(v) => Ok(redirect_with_flash(&a.ctx.info, &format!("/visits/{}", v.id), "flash.saved")),
        Err(AppError::Invalid(errors)) => form_page(&state, a, f, &errors).await,
        Err(e) => Err(e),
    }
}

/// Checks a visit for `actor` and saves it with the demands it raised (the page and the API).
/// A member logs only visits it went on; only staff name staff. Nothing is saved on an error.
pub async fn record(state: &AppState, actor: &Actor, ip: &str, f: &VisitForm) -> AppResult<Visit> {
    authorize(actor, Action::RecordVisits, &Target::own(actor))?;
    let cid = actor.committee_id;
    let viewer = Viewer::of(state, actor).await?;
    let places: Vec<i64> = structure::places(&state.db, cid).await?.into_iter().filter(|p| !p.retired).map(|p| p.id).collect();
    let members: Vec<i64> = in_office(state, cid).await?.into_iter().map(|m| m.0).collect();
    let categories = active_categories(state, cid).await?;
    let choices = VisitChoices { places: &places, members: &members, categories: &categories, today: today() };
    let parsed = f.parse(&choices);
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    if !viewer.staff && !f.staff_names.trim().is_empty() {
        errors.push(FieldError::new("staff_names", "err.wrong_actor"));
    }
    let went = |m: i64| f.visitor_ids.iter().any(|v| v.trim() == m.to_string());
    if !viewer.any_visit && !viewer.member.is_some_and(went) && !errors.iter().any(|e| e.field == "visitor_ids") {
        errors.push(FieldError::new("visitor_ids", "err.visit_self"));
    }
    match parsed {
        Ok(v) if errors.is_empty() => Ok(store::create(&state.db, cid, &v, &Who::actor(actor, ip)).await?),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// A demand raised on a visit, as its page lists it.
struct DemandLine {
    id: i64,
    code: String,
    category: String,
    summary: String,
    state: &'static str,
    /// The viewer may open the demand.
    linked: bool,
}

#[derive(Template)]
#[template(path = "visits/detail.html")]
struct DetailPage {
    shell: Shell,
    v: VisitRow,
    visitors: Vec<(i64, String)>,
    staff_names: String,
    heard: String,
    follow_up: String,
    names_hidden: bool,
    recorded: String,
    demands: Vec<DemandLine>,
    link_members: bool,
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewVisits, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let v = store::find(&state.db, cid, id).await?.ok_or(AppError::NotFound)?;
    let viewer = Viewer::of(&state, &a.actor).await?;
    let went = store::visitors_of(&state.db, &[v.id]).await?.remove(&v.id).unwrap_or_default();
    let names = members::names(&state.db, &went).await?;
    let scope = DemandScope::of(&state, &a.actor).await?;
    let shell = a.ctx.shell;
    let demands = store::demands_of(&state.db, v.id)
        .await?
        .into_iter()
        .map(|d| DemandLine {
            linked: scope.allows(&d),
            id: d.id,
            state: shell.t(d.state().label_key()),
            summary: d.description.chars().take(40).collect(),
            code: d.code,
            category: d.category,
        })
        .collect();
    let places = structure::places(&state.db, cid).await?;
    let page = DetailPage {
        v: row(&shell, &viewer, &v, &went, &names, &places),
        visitors: went.iter().filter_map(|m| names.get(m).map(|n| (*m, n.clone()))).collect(),
        names_hidden: !v.names.is_empty() && !viewer.sees_names(&went),
        recorded: local_time(&v.created_at),
        link_members: may(&a.actor, Action::ViewMembers, &Target::own(&a.actor)),
        staff_names: v.staff_names,
        heard: v.heard,
        follow_up: v.follow_up,
        demands,
        shell,
    };
    html(&page)
}

/// The visits a member went on, latest first, for the member file: (rows, total), or `None`
/// when the viewer may not see visits.
pub async fn member_tab(state: &AppState, actor: &Actor, shell: &Shell, member_id: i64) -> AppResult<Option<(Vec<VisitRow>, u64)>> {
    if !may(actor, Action::ViewVisits, &Target::own(actor)) {
        return Ok(None);
    }
    let f = VisitFilter { member_ids: Some(vec![member_id]), ..Default::default() };
    let (list, total) = store::list(&state.db, actor.committee_id, &f, PageRequest { page: 1, per_page: 10 }).await?;
    let viewer = Viewer::of(state, actor).await?;
    Ok(Some((visit_rows(state, shell, &viewer, actor.committee_id, &list).await?, total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: [(i64, Option<i64>); 4] = [(1, None), (2, Some(1)), (3, Some(1)), (4, None)];
    const PLACES: [(i64, Option<i64>); 3] = [(10, None), (11, Some(10)), (12, Some(11))];

    #[test]
    fn a_group_or_place_takes_everything_below_it() {
        assert_eq!(with_below(1, &GROUPS), vec![1, 2, 3]);
        assert_eq!(with_below(4, &GROUPS), vec![4]);
        assert_eq!(with_below(10, &PLACES), vec![10, 11, 12], "communities below the street, and below them");
    }

    #[test]
    fn filters_are_checked_and_each_bad_one_named() {
        let q = VisitQuery { from: "2022-01-01".into(), to: "2022-03-31".into(), kind: "home".into(), group: "1".into(), place: "11".into(), member: "7".into(), ..Default::default() };
        let (p, errors) = q.parse(&GROUPS, &PLACES);
        assert!(errors.is_empty());
        assert_eq!(p.kind, Some(VisitKind::Home));
        assert_eq!((p.group_ids, p.place_ids, p.member), (Some(vec![1, 2, 3]), Some(vec![11, 12]), Some(7)));
        let bad = VisitQuery { from: "2022-03-31".into(), to: "2022-01-01".into(), kind: "party".into(), group: "9".into(), place: "x".into(), member: "me".into(), ..Default::default() };
        let (p, errors) = bad.parse(&GROUPS, &PLACES);
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["group", "place", "member", "to", "kind"]);
        assert_eq!(p, Parsed { from: NaiveDate::from_ymd_opt(2022, 3, 31), ..Default::default() }, "bad filters are left out");
        assert_eq!(q.query_string(), "from=2022-01-01&to=2022-03-31&kind=home&group=1&place=11&member=7");
    }

    #[test]
    fn names_of_people_visited_are_shown_to_those_who_went_and_to_staff() {
        let member = Viewer { member: Some(7), any_visit: false, staff: false };
        assert!(member.sees_names(&[3, 7]));
        assert!(!member.sees_names(&[3]));
        let leader = Viewer { member: None, any_visit: true, staff: false };
        assert!(leader.sees_names(&[3]));
    }
}
