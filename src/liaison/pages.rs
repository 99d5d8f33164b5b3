//! Liaison pages: the list by kind with a member's own targets first, staff's form, a target
//! with its assignees, status buttons, contact log and the visits it links, and the contact
//! form (with the liaison visits near its date, refreshed by htmx when the date changes).
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target as Scope, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash, today};
use crate::liaison::model::{self, ContactChoices, ContactForm, Choices, Standing, StatusAction, TargetForm, TargetKind, TargetStatus};
use crate::liaison::store::{self, Target, TargetFilter};
use crate::org::members::{self, MemberFilter, member};
use crate::org::structure::{self, with_below};
use crate::org::values::{MemberStatus, Position};
use crate::proposals::pages::own_member;
use crate::visits::pages::{VisitRow, Viewer as VisitViewer, trees, visit_rows};
use crate::visits::store::Visit;

/// A member as the forms and pages name it.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: i64,
    pub name: String,
    /// 主席会议成员 (chair, vice-chair, secretary-general).
    pub leader: bool,
}

/// Members in office, leaders first, each group in list order.
pub async fn people(state: &AppState, committee_id: i64) -> AppResult<Vec<Person>> {
    let f = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    let mut out: Vec<Person> = members::all(&state.db, committee_id, &f).await?.into_iter().map(|m| person(&m)).collect();
    out.sort_by_key(|p| !p.leader);
    Ok(out)
}

fn person(m: &members::Member) -> Person {
    Person { id: m.id, name: m.name.clone(), leader: Position::from_code(&m.position).is_some_and(Position::is_leader) }
}

/// The given members (in office or not), by id.
pub async fn people_by_id(state: &AppState, ids: &[i64]) -> AppResult<HashMap<i64, Person>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let list = member::Entity::find().filter(member::Column::Id.is_in(ids.to_vec())).all(&state.db).await?;
    Ok(list.iter().map(|m| (m.id, person(m))).collect())
}

/// The committee's places still in use, those below a town or street indented after it.
pub async fn place_options(state: &AppState, committee_id: i64) -> AppResult<Vec<(i64, String)>> {
    let places = structure::places(&state.db, committee_id).await?;
    Ok(places.into_iter().filter(|p| !p.retired).map(|p| (p.id, if p.parent_id.is_some() { format!("　{}", p.name) } else { p.name })).collect())
}

/// Names of places by id.
async fn place_names(state: &AppState, committee_id: i64) -> AppResult<HashMap<i64, String>> {
    Ok(structure::places(&state.db, committee_id).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

/// Who is looking.
pub struct Viewer {
    pub member: Option<i64>,
    pub staff: bool,
}

impl Viewer {
    pub async fn of(state: &AppState, a: &Actor) -> AppResult<Viewer> {
        Ok(Viewer { member: own_member(state, a).await?, staff: may(a, Action::ManageLiaison, &Scope::own(a)) })
    }

    /// How the viewer stands to a target with these assignees.
    pub fn standing(&self, assignees: &[i64]) -> Standing {
        if self.staff {
            Standing::Staff
        } else if self.member.is_some_and(|m| assignees.contains(&m)) {
            Standing::Assignee
        } else {
            Standing::Reader
        }
    }
}

/// The filters of the list and the API, as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiaisonQuery {
    /// party_site, key_project or petition_case.
    #[serde(default)]
    pub kind: String,
    /// active, resolved or closed.
    #[serde(default)]
    pub status: String,
    /// Member id: targets this member is assigned to.
    #[serde(default)]
    pub member: String,
    /// Place id: targets there or at a place below it.
    #[serde(default)]
    pub place: String,
}

impl LiaisonQuery {
    /// The store's filter; each bad value is named and left out.
    pub fn parse(&self, places: &[(i64, Option<i64>)]) -> (TargetFilter, Vec<FieldError>) {
        let mut l = Lenient::default();
        let kind = l.code("kind", &self.kind, TargetKind::from_code);
        let status = l.code("status", &self.status, TargetStatus::from_code);
        let member = l.id("member", &self.member, None);
        let place = l.id("place", &self.place, Some(places));
        (TargetFilter { kind, status, member_ids: member.map(|m| vec![m]), place_ids: place.map(|p| with_below(p, places)) }, l.0)
    }

    /// The query without the page (and with `kind` replaced), for tabs and the pager.
    pub fn query_string(&self, kind: &str) -> String {
        let pairs = [("kind", kind), ("status", &self.status), ("member", &self.member), ("place", &self.place)];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

pub fn kind_label(shell: &Shell, code: &str) -> &'static str {
    shell.t(&format!("liaison.kind.{code}"))
}

pub fn status_label(shell: &Shell, code: &str) -> &'static str {
    shell.t(&format!("liaison.status.{code}"))
}

/// A target as the lists show it.
pub struct TargetRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub status_code: String,
    pub status: &'static str,
    pub place: String,
    /// Leaders first, then members.
    pub assignees: String,
    pub contacts: u64,
    pub last_contact: String,
}

async fn target_rows(state: &AppState, shell: &Shell, committee_id: i64, list: &[Target]) -> AppResult<Vec<TargetRow>> {
    let ids: Vec<i64> = list.iter().map(|t| t.id).collect();
    let assigned = store::assignees_of(&state.db, &ids).await?;
    let who = people_by_id(state, &assigned.values().flatten().copied().collect::<Vec<_>>()).await?;
    let summary = store::contact_summary(&state.db, &ids).await?;
    let places = place_names(state, committee_id).await?;
    Ok(list
        .iter()
        .map(|t| {
            let (contacts, last) = summary.get(&t.id).copied().map(|(n, d)| (n, d.to_string())).unwrap_or_default();
            TargetRow {
                id: t.id,
                name: t.name.clone(),
                kind: kind_label(shell, &t.kind),
                status: status_label(shell, &t.status),
                status_code: t.status.clone(),
                place: t.place_id.and_then(|p| places.get(&p).cloned()).unwrap_or_default(),
                assignees: ordered(assigned.get(&t.id).map(Vec::as_slice).unwrap_or(&[]), &who).iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、"),
                contacts,
                last_contact: last,
            }
        })
        .collect())
}

/// The named members among `ids`, leaders first.
fn ordered<'a>(ids: &[i64], who: &'a HashMap<i64, Person>) -> Vec<&'a Person> {
    let mut out: Vec<&Person> = ids.iter().filter_map(|m| who.get(m)).collect();
    out.sort_by_key(|p| (!p.leader, p.id));
    out
}

/// One tab of the list: (href, label, count, current).
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub count: u64,
    pub current: bool,
}

fn tabs(shell: &Shell, q: &LiaisonQuery, counts: &HashMap<String, u64>) -> Vec<Tab> {
    let href = |kind: &str| match q.query_string(kind) {
        s if s.is_empty() => "/liaison".to_string(),
        s => format!("/liaison?{s}"),
    };
    let mut out = vec![Tab { href: href(""), label: shell.t("liaison.all"), count: counts.values().sum(), current: q.kind.trim().is_empty() }];
    out.extend(TargetKind::ALL.iter().map(|k| Tab {
        href: href(k.as_str()),
        label: kind_label(shell, k.as_str()),
        count: counts.get(k.as_str()).copied().unwrap_or(0),
        current: q.kind.trim() == k.as_str(),
    }));
    out
}

#[derive(Template)]
#[template(path = "liaison/list.html")]
struct ListPage {
    shell: Shell,
    tabs: Vec<Tab>,
    mine: Vec<TargetRow>,
    rows: Vec<TargetRow>,
    pager: Pager,
    q: LiaisonQuery,
    statuses: Vec<(&'static str, &'static str)>,
    members: Vec<Person>,
    places: Vec<(i64, String)>,
    can_manage: bool,
    errors: FormErrors,
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<LiaisonQuery>, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewLiaison, &Scope::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (_, place_tree) = trees(&state, cid).await?;
    let (filter, errors) = q.parse(&place_tree);
    let (list, total) = store::list(&state.db, cid, &filter, page).await?;
    let counts = store::counts_by_kind(&state.db, cid, &filter).await?;
    let viewer = Viewer::of(&state, &a.actor).await?;
    // A member's own targets come first, under the same filters, whatever the page.
    let mine = match viewer.member {
        Some(m) if filter.member_ids.is_none() => store::list(&state.db, cid, &TargetFilter { member_ids: Some(vec![m]), ..filter.clone() }, PageRequest { page: 1, per_page: 50 }).await?.0,
        _ => vec![],
    };
    let shell = a.ctx.shell;
    let page = ListPage {
        tabs: tabs(&shell, &q, &counts),
        mine: target_rows(&state, &shell, cid, &mine).await?,
        rows: target_rows(&state, &shell, cid, &list).await?,
        pager: Pager::new(page, total, q.query_string(&q.kind)),
        statuses: TargetStatus::ALL.iter().map(|s| (s.as_str(), status_label(&shell, s.as_str()))).collect(),
        members: people(&state, cid).await?,
        places: place_options(&state, cid).await?,
        can_manage: viewer.staff,
        errors: FormErrors::new(shell.lang, &errors),
        shell,
        q,
    };
    html(&page)
}

#[derive(Template)]
#[template(path = "liaison/form.html")]
struct FormPage {
    shell: Shell,
    id: Option<i64>,
    f: TargetForm,
    kinds: Vec<(&'static str, &'static str)>,
    places: Vec<(i64, String)>,
    members: Vec<Person>,
    errors: FormErrors,
}

async fn form_page(state: &AppState, a: Authed, id: Option<i64>, f: TargetForm, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let shell = a.ctx.shell;
    let page = FormPage {
        kinds: TargetKind::ALL.iter().map(|k| (k.as_str(), kind_label(&shell, k.as_str()))).collect(),
        places: place_options(state, cid).await?,
        members: people(state, cid).await?,
        errors: FormErrors::new(shell.lang, errors),
        shell,
        id,
        f,
    };
    with_status(html(&page)?, errors)
}

/// A re-rendered form with errors answers 422.
pub fn with_status(mut res: Response, errors: &[FieldError]) -> AppResult<Response> {
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageLiaison, &Scope::own(&a.actor))?;
    let f = TargetForm { started_on: today().to_string(), ..Default::default() };
    form_page(&state, a, None, f, &[]).await
}

/// Checks a target form against the committee's places and members in office (and those
/// already assigned, who stay allowed after leaving office).
async fn check(state: &AppState, committee_id: i64, f: &TargetForm, assigned: &[i64]) -> AppResult<Result<model::TargetInput, Vec<FieldError>>> {
    let places: Vec<i64> = place_options(state, committee_id).await?.into_iter().map(|p| p.0).collect();
    let mut members: Vec<i64> = people(state, committee_id).await?.into_iter().map(|p| p.id).collect();
    members.extend_from_slice(assigned);
    Ok(f.parse(&Choices { places: &places, members: &members, today: today() }))
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<TargetForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageLiaison, &Scope::own(&a.actor))?;
    match check(&state, a.actor.committee_id, &f, &[]).await? {
        Ok(t) => {
            let saved = store::create(&state.db, a.actor.committee_id, &t, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/liaison/{}", saved.id), "flash.saved"))
        }
        Err(errors) => form_page(&state, a, None, f, &errors).await,
    }
}

async fn found(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Target, Vec<i64>)> {
    let t = store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let assigned = store::assignees_of(&state.db, &[t.id]).await?.remove(&t.id).unwrap_or_default();
    Ok((t, assigned))
}

pub async fn edit(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageLiaison, &Scope::own(&a.actor))?;
    let (t, assigned) = found(&state, &a.actor, id).await?;
    let f = TargetForm {
        kind: t.kind,
        name: t.name,
        place_id: t.place_id.map(|p| p.to_string()).unwrap_or_default(),
        description: t.description,
        started_on: t.started_on.to_string(),
        assignee_ids: assigned.iter().map(i64::to_string).collect(),
    };
    form_page(&state, a, Some(id), f, &[]).await
}

pub async fn update(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<TargetForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageLiaison, &Scope::own(&a.actor))?;
    let (t, assigned) = found(&state, &a.actor, id).await?;
    match check(&state, a.actor.committee_id, &f, &assigned).await? {
        Ok(input) => {
            store::update(&state.db, &t, &input, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/liaison/{id}"), "flash.saved"))
        }
        Err(errors) => form_page(&state, a, Some(id), f, &errors).await,
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    action: String,
}

/// Staff resolve, close or reopen a target, as `model::apply` allows.
pub async fn set_status(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<StatusForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageLiaison, &Scope::own(&a.actor))?;
    let (t, assigned) = found(&state, &a.actor, id).await?;
    let action = StatusAction::from_code(f.action.trim()).ok_or(AppError::invalid("action", "err.choice"))?;
    let who = Viewer::of(&state, &a.actor).await?.standing(&assigned);
    let next = model::apply(t.kind(), t.status(), action, who).map_err(|key| AppError::invalid("action", key))?;
    store::set_status(&state.db, &t, next, today(), &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/liaison/{id}"), "flash.saved"))
}

/// Checks a contact for `actor` and saves it (the page and the API). Only staff and the
/// target's assignees write; a member names itself among those who went.
pub async fn log_contact(state: &AppState, actor: &Actor, ip: &str, t: &Target, assigned: &[i64], f: &ContactForm) -> AppResult<store::Contact> {
    authorize(actor, Action::LogLiaisonContact, &Scope::own(actor))?;
    let viewer = Viewer::of(state, actor).await?;
    model::may_log(t.status(), viewer.standing(assigned)).map_err(|key| if key == "err.wrong_actor" { AppError::Forbidden } else { AppError::invalid("status", key) })?;
    let on = chrono::NaiveDate::parse_from_str(f.on_date.trim(), "%Y-%m-%d").unwrap_or_else(|_| today());
    let visits: Vec<(i64, chrono::NaiveDate)> = store::visits_near(&state.db, actor.committee_id, on).await?.iter().map(|v| (v.id, v.on_date)).collect();
    let mut members: Vec<i64> = people(state, actor.committee_id).await?.into_iter().map(|p| p.id).collect();
    members.extend_from_slice(assigned);
    let parsed = f.parse(&ContactChoices { started_on: t.started_on, members: &members, visits: &visits, today: today() });
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let went = |m: i64| f.member_ids.iter().any(|v| v.trim() == m.to_string());
    if !viewer.staff && !viewer.member.is_some_and(went) && !errors.iter().any(|e| e.field == "member_ids") {
        errors.push(FieldError::new("member_ids", "liaison.err.contact_self"));
    }
    match parsed {
        Ok(c) if errors.is_empty() => Ok(store::add_contact(&state.db, t, &c, &Who::actor(actor, ip)).await?),
        _ => Err(AppError::Invalid(errors)),
    }
}

pub async fn add_contact(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<ContactForm>) -> AppResult<Response> {
    let (t, assigned) = found(&state, &a.actor, id).await?;
    match log_contact(&state, &a.actor, &a.ctx.info.ip, &t, &assigned, &f).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/liaison/{id}#contacts"), "flash.saved")),
        Err(AppError::Invalid(errors)) => detail_page(&state, a, t, assigned, Some(f), &errors).await,
        Err(e) => Err(e),
    }
}

/// One entry of the contact log as the page shows it.
struct ContactLine {
    on_date: chrono::NaiveDate,
    members: String,
    note: String,
    visit: Option<(i64, chrono::NaiveDate)>,
}

/// A liaison visit offered on the contact form.
pub struct VisitOption {
    id: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "liaison/detail.html")]
struct DetailPage {
    shell: Shell,
    t: TargetRow,
    description: String,
    started_on: chrono::NaiveDate,
    ended_on: Option<chrono::NaiveDate>,
    leaders: Vec<Person>,
    members: Vec<Person>,
    actions: Vec<(&'static str, &'static str)>,
    staff: bool,
    may_log: bool,
    /// The assignees, who may be named as having gone.
    goers: Vec<Person>,
    /// For staff, every other member in office.
    others: Vec<Person>,
    /// One of the others is ticked: the fold stays open.
    others_open: bool,
    f: ContactForm,
    visit_options: Vec<VisitOption>,
    contacts: Vec<ContactLine>,
    visits: Vec<VisitRow>,
    link_members: bool,
    errors: FormErrors,
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewLiaison, &Scope::own(&a.actor))?;
    let (t, assigned) = found(&state, &a.actor, id).await?;
    detail_page(&state, a, t, assigned, None, &[]).await
}

/// The liaison visits a contact on `on` may link as options ("2022-03-02 · 书院路街道 · 张三"):
/// those an assignee of the target went on first, each part nearest the date first.
async fn visit_options(state: &AppState, shell: &Shell, actor: &Actor, on: chrono::NaiveDate, assigned: &[i64]) -> AppResult<Vec<VisitOption>> {
    let mut visits = store::visits_near(&state.db, actor.committee_id, on).await?;
    let went = crate::visits::store::visitors_of(&state.db, &visits.iter().map(|v| v.id).collect::<Vec<_>>()).await?;
    visits.sort_by_key(|v| !went.get(&v.id).is_some_and(|w| w.iter().any(|m| assigned.contains(m))));
    let viewer = VisitViewer::of(state, actor).await?;
    let rows = visit_rows(state, shell, &viewer, actor.committee_id, &visits).await?;
    Ok(rows.into_iter().map(|r| VisitOption { id: r.id, label: [r.on_date.to_string(), r.place, r.visitors].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ") }).collect())
}

async fn contact_lines(state: &AppState, target_id: i64, linked: &[Visit]) -> AppResult<Vec<ContactLine>> {
    let log = store::contacts(&state.db, target_id).await?;
    let names = members::names(&state.db, &log.iter().flat_map(|(_, m)| m.iter().copied()).collect::<Vec<_>>()).await?;
    Ok(log
        .into_iter()
        .map(|(c, went)| ContactLine {
            on_date: c.on_date,
            members: went.iter().filter_map(|m| names.get(m).cloned()).collect::<Vec<_>>().join("、"),
            note: c.note,
            visit: c.visit_id.and_then(|v| linked.iter().find(|x| x.id == v)).map(|x| (x.id, x.on_date)),
        })
        .collect())
}

async fn detail_page(state: &AppState, a: Authed, t: Target, assigned: Vec<i64>, f: Option<ContactForm>, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let viewer = Viewer::of(state, &a.actor).await?;
    let standing = viewer.standing(&assigned);
    let who = people_by_id(state, &assigned).await?;
    let (leaders, members): (Vec<Person>, Vec<Person>) = ordered(&assigned, &who).into_iter().cloned().partition(|p| p.leader);
    let goers: Vec<Person> = ordered(&assigned, &who).into_iter().cloned().collect();
    // Staff log for anyone: the other members wait folded below the assignees.
    let others = if viewer.staff { people(state, cid).await?.into_iter().filter(|p| !assigned.contains(&p.id)).collect() } else { vec![] };
    let f = f.unwrap_or_else(|| ContactForm { on_date: today().to_string(), member_ids: viewer.member.iter().map(i64::to_string).collect(), ..Default::default() });
    let on = chrono::NaiveDate::parse_from_str(f.on_date.trim(), "%Y-%m-%d").unwrap_or_else(|_| today());
    let shell = a.ctx.shell.clone();
    let visit_options = visit_options(state, &shell, &a.actor, on, &assigned).await?;
    let linked = store::linked_visits(&state.db, cid, t.id).await?;
    let visits = visit_rows(state, &shell, &VisitViewer::of(state, &a.actor).await?, cid, &linked).await?;
    let page = DetailPage {
        t: target_rows(state, &shell, cid, std::slice::from_ref(&t)).await?.remove(0),
        description: t.description.clone(),
        started_on: t.started_on,
        ended_on: t.ended_on,
        actions: model::allowed(t.kind(), t.status(), standing).into_iter().map(|x| (x.as_str(), shell.t(&format!("liaison.action.{}", x.as_str())))).collect(),
        staff: viewer.staff,
        may_log: model::may_log(t.status(), standing).is_ok() && may(&a.actor, Action::LogLiaisonContact, &Scope::own(&a.actor)),
        contacts: contact_lines(state, t.id, &linked).await?,
        link_members: may(&a.actor, Action::ViewMembers, &Scope::own(&a.actor)),
        errors: FormErrors::new(shell.lang, errors),
        leaders,
        members,
        others_open: others.iter().any(|p| f.member_ids.contains(&p.id.to_string())),
        goers,
        others,
        f,
        visit_options,
        visits,
        shell,
    };
    with_status(html(&page)?, errors)
}

#[derive(Deserialize)]
pub struct NearQuery {
    #[serde(default)]
    on_date: String,
}

#[derive(Template)]
#[template(path = "liaison/visit_options_partial.html")]
struct VisitOptionsPartial {
    shell: Shell,
    visit_options: Vec<VisitOption>,
    selected: String,
}

/// The liaison visits near a date, as the contact form's options (htmx swaps them in when
/// the date changes).
pub async fn visits_near(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Query(q): Query<NearQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewLiaison, &Scope::own(&a.actor))?;
    let (_, assigned) = found(&state, &a.actor, id).await?;
    let on = chrono::NaiveDate::parse_from_str(q.on_date.trim(), "%Y-%m-%d").unwrap_or_else(|_| today());
    let shell = a.ctx.shell;
    let visit_options = visit_options(&state, &shell, &a.actor, on, &assigned).await?;
    html(&VisitOptionsPartial { shell, visit_options, selected: String::new() })
}
