//! Project pages: the list with each project's latest figures and their totals, the project
//! form (members record projects they introduced), a project with its partners and figures by
//! year, and the form that adds or replaces one year's figures.
use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::activities::pages::yuan;
use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash, today};
use crate::liaison::pages::{Person, people, people_by_id, place_options, with_status};
use crate::org::model::Role;
use crate::org::structure::{self, with_below};
use crate::proposals::pages::own_member;
use crate::projects::model::{self, PartnerRole, ProjectChoices, ProjectForm, ProjectKind, ProjectStatus, YearForm};
use crate::projects::store::{self, Project, ProjectFilter, ProjectTotals, Year};
use crate::visits::pages::trees;

/// Who is looking.
pub struct Viewer {
    pub member: Option<i64>,
    /// Staff and admins edit any project.
    pub staff: bool,
}

impl Viewer {
    pub async fn of(state: &AppState, a: &Actor) -> AppResult<Viewer> {
        Ok(Viewer { member: own_member(state, a).await?, staff: matches!(a.role, Role::Admin | Role::Staff) })
    }

    pub fn may_edit(&self, introducers: &[i64]) -> bool {
        model::may_edit(self.staff, self.member, introducers)
    }
}

/// The filters of the list and the API, as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// development or assistance.
    #[serde(default)]
    pub kind: String,
    /// Place id: projects there or at a place below it.
    #[serde(default)]
    pub place: String,
    /// Member id: projects this member introduced.
    #[serde(default)]
    pub member: String,
    /// A year (e.g. 2022): projects with figures that year, showing that year's figures
    /// instead of each project's latest.
    #[serde(default)]
    pub year: String,
}

impl ProjectQuery {
    /// The store's filter; each bad value is named and left out.
    pub fn parse(&self, places: &[(i64, Option<i64>)]) -> (ProjectFilter, Vec<FieldError>) {
        let mut l = Lenient::default();
        let kind = l.code("kind", &self.kind, ProjectKind::from_code);
        let place = l.id("place", &self.place, Some(places));
        let member = l.id("member", &self.member, None);
        let year = l.code("year", &self.year, |s| s.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)));
        (ProjectFilter { kind, place_ids: place.map(|p| with_below(p, places)), member_ids: member.map(|m| vec![m]), year }, l.0)
    }

    /// The query without the page, for the pager.
    pub fn query_string(&self) -> String {
        let pairs = [("kind", &self.kind), ("place", &self.place), ("member", &self.member), ("year", &self.year)];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

fn label(shell: &Shell, prefix: &str, code: &str) -> &'static str {
    shell.t(&format!("project.{prefix}.{code}"))
}

/// Money as the pages show it, thousands grouped: "1,700,000 元", "200,000.50 元".
fn money(shell: &Shell, fen: i64) -> String {
    let plain = yuan(fen);
    let (whole, cents) = plain.split_once('.').map_or((plain.as_str(), None), |(w, c)| (w, Some(c)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let cents = cents.map(|c| format!(".{c}")).unwrap_or_default();
    format!("{grouped}{cents} {}", shell.t("project.yuan"))
}

/// One year's figures as shown.
pub struct Figures {
    pub year: i32,
    pub output_value: String,
    pub net_income: String,
    pub beneficiaries: i32,
    pub households: String,
    pub note: String,
}

fn figures(shell: &Shell, y: &Year) -> Figures {
    Figures {
        year: y.year,
        output_value: money(shell, y.output_value_fen),
        net_income: money(shell, y.net_income_fen),
        beneficiaries: y.beneficiaries,
        households: y.households.map(|h| h.to_string()).unwrap_or_default(),
        note: y.note.clone(),
    }
}

/// A project as the list shows it.
pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub status_code: String,
    pub status: &'static str,
    pub place: String,
    pub introducers: String,
    pub model: String,
    pub shared: bool,
    pub figures: Option<Figures>,
}

async fn rows(state: &AppState, shell: &Shell, committee_id: i64, list: &[Project], year: Option<i32>) -> AppResult<Vec<ProjectRow>> {
    let ids: Vec<i64> = list.iter().map(|p| p.id).collect();
    let shown = store::figures(&state.db, &ids, year).await?;
    let introduced = store::introducers_of(&state.db, &ids).await?;
    let who = people_by_id(state, &introduced.values().flatten().copied().collect::<Vec<_>>()).await?;
    let places: HashMap<i64, String> = structure::places(&state.db, committee_id).await?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok(list
        .iter()
        .map(|p| ProjectRow {
            id: p.id,
            name: p.name.clone(),
            kind: label(shell, "kind", &p.kind),
            status: label(shell, "status", &p.status),
            status_code: p.status.clone(),
            place: p.place_id.and_then(|x| places.get(&x).cloned()).unwrap_or_default(),
            introducers: names(introduced.get(&p.id).map(Vec::as_slice).unwrap_or(&[]), &who),
            model: p.model.clone(),
            shared: p.shared,
            figures: shown.get(&p.id).map(|y| figures(shell, y)),
        })
        .collect())
}

fn names(ids: &[i64], who: &HashMap<i64, Person>) -> String {
    ids.iter().filter_map(|m| who.get(m).map(|p| p.name.as_str())).collect::<Vec<_>>().join("、")
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<ProjectRow>,
    pager: Pager,
    q: ProjectQuery,
    totals: ProjectTotals,
    output_value: String,
    net_income: String,
    kinds: Vec<(&'static str, &'static str)>,
    places: Vec<(i64, String)>,
    members: Vec<Person>,
    /// The years with figures, latest first, for the year filter.
    years: Vec<i32>,
    can_record: bool,
    errors: FormErrors,
}

fn kinds(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    ProjectKind::ALL.iter().map(|k| (k.as_str(), label(shell, "kind", k.as_str()))).collect()
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<ProjectQuery>, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewProjects, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (_, place_tree) = trees(&state, cid).await?;
    let (filter, errors) = q.parse(&place_tree);
    let (list, total) = store::list(&state.db, cid, &filter, page).await?;
    let totals = store::totals(&state.db, cid, &filter).await?;
    let shell = a.ctx.shell;
    let page = ListPage {
        rows: rows(&state, &shell, cid, &list, filter.year).await?,
        pager: Pager::new(page, total, q.query_string()),
        output_value: money(&shell, totals.output_value_fen),
        net_income: money(&shell, totals.net_income_fen),
        kinds: kinds(&shell),
        places: place_options(&state, cid).await?,
        members: people(&state, cid).await?,
        years: store::years_recorded(&state.db, cid).await?,
        can_record: crate::app::authz::may(&a.actor, Action::RecordProjects, &Target::own(&a.actor)),
        errors: FormErrors::new(shell.lang, &errors),
        shell,
        q,
        totals,
    };
    html(&page)
}

/// One partner row of the form: (role code, name).
type PartnerLine = (String, String);

#[derive(Template)]
#[template(path = "projects/form.html")]
struct FormPage {
    shell: Shell,
    id: Option<i64>,
    f: ProjectForm,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    partners: Vec<PartnerLine>,
    places: Vec<(i64, String)>,
    members: Vec<Person>,
    errors: FormErrors,
}

/// The partner rows to show: those typed, then blank ones up to at least four (two spare).
fn partner_lines(f: &ProjectForm) -> Vec<PartnerLine> {
    let mut out: Vec<PartnerLine> = f.partner_name.iter().enumerate().filter(|(_, n)| !n.trim().is_empty()).map(|(i, n)| (f.partner_role.get(i).cloned().unwrap_or_default(), n.clone())).collect();
    let blanks = (out.len() + 2).max(4).min(model::MAX_PARTNERS) - out.len().min(model::MAX_PARTNERS);
    out.extend((0..blanks).map(|i| (PartnerRole::ALL[i.min(PartnerRole::ALL.len() - 1)].as_str().to_string(), String::new())));
    out
}

async fn form_page(state: &AppState, a: Authed, id: Option<i64>, f: ProjectForm, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let shell = a.ctx.shell;
    let page = FormPage {
        kinds: kinds(&shell),
        statuses: ProjectStatus::ALL.iter().map(|s| (s.as_str(), label(&shell, "status", s.as_str()))).collect(),
        roles: PartnerRole::ALL.iter().map(|r| (r.as_str(), label(&shell, "role", r.as_str()))).collect(),
        partners: partner_lines(&f),
        places: place_options(state, cid).await?,
        members: people(state, cid).await?,
        errors: FormErrors::new(shell.lang, errors),
        shell,
        id,
        f,
    };
    with_status(html(&page)?, errors)
}

/// The form opens with the viewer as introducer, at the viewer's place, running.
pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::RecordProjects, &Target::own(&a.actor))?;
    let me = match own_member(&state, &a.actor).await? {
        Some(id) => crate::org::members::find(&state.db, a.actor.committee_id, id).await?,
        None => None,
    };
    let f = ProjectForm {
        introducer_ids: me.iter().map(|m| m.id.to_string()).collect(),
        place_id: me.and_then(|m| m.place_id).map(|p| p.to_string()).unwrap_or_default(),
        status: ProjectStatus::Running.as_str().into(),
        ..Default::default()
    };
    form_page(&state, a, None, f, &[]).await
}

/// Checks a project form for the viewer: a member names itself among the introducers.
async fn check(state: &AppState, actor: &Actor, f: &ProjectForm, introduced: &[i64]) -> AppResult<model::ProjectInput> {
    let cid = actor.committee_id;
    let places: Vec<i64> = place_options(state, cid).await?.into_iter().map(|p| p.0).collect();
    let mut members: Vec<i64> = people(state, cid).await?.into_iter().map(|p| p.id).collect();
    members.extend_from_slice(introduced);
    let parsed = f.parse(&ProjectChoices { places: &places, members: &members, today: today() });
    let viewer = Viewer::of(state, actor).await?;
    match parsed {
        Ok(p) if viewer.may_edit(&p.introducer_ids) => Ok(p),
        Ok(_) => Err(AppError::invalid("introducer_ids", "project.err.introduce_self")),
        Err(errors) => Err(AppError::Invalid(errors)),
    }
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<ProjectForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::RecordProjects, &Target::own(&a.actor))?;
    match check(&state, &a.actor, &f, &[]).await {
        Ok(p) => {
            let saved = store::create(&state.db, a.actor.committee_id, &p, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/projects/{}", saved.id), "flash.saved"))
        }
        Err(AppError::Invalid(errors)) => form_page(&state, a, None, f, &errors).await,
        Err(e) => Err(e),
    }
}

/// A project of the viewer's committee with its introducers.
async fn found(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Project, Vec<i64>)> {
    let p = store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let introduced = store::introducers_of(&state.db, &[p.id]).await?.remove(&p.id).unwrap_or_default();
    Ok((p, introduced))
}

/// The project, when the viewer may edit it (else 403).
async fn editable(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Project, Vec<i64>)> {
    authorize(actor, Action::RecordProjects, &Target::own(actor))?;
    let (p, introduced) = found(state, actor, id).await?;
    if !Viewer::of(state, actor).await?.may_edit(&introduced) {
        return Err(AppError::Forbidden);
    }
    Ok((p, introduced))
}

pub async fn edit(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let (p, introduced) = editable(&state, &a.actor, id).await?;
    let partners = store::partners_of(&state.db, p.id).await?;
    let f = ProjectForm {
        name: p.name,
        kind: p.kind,
        place_id: p.place_id.map(|x| x.to_string()).unwrap_or_default(),
        introducer_ids: introduced.iter().map(i64::to_string).collect(),
        partner_role: partners.iter().map(|(r, _)| r.as_str().to_string()).collect(),
        partner_name: partners.into_iter().map(|(_, n)| n).collect(),
        model: p.model,
        started_on: p.started_on.map(|d| d.to_string()).unwrap_or_default(),
        status: p.status,
        shared: if p.shared { "yes".into() } else { String::new() },
        description: p.description,
    };
    form_page(&state, a, Some(id), f, &[]).await
}

pub async fn update(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<ProjectForm>) -> AppResult<Response> {
    let (p, introduced) = editable(&state, &a.actor, id).await?;
    match check(&state, &a.actor, &f, &introduced).await {
        Ok(input) => {
            store::update(&state.db, &p, &input, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/projects/{id}"), "flash.saved"))
        }
        Err(AppError::Invalid(errors)) => form_page(&state, a, Some(id), f, &errors).await,
        Err(e) => Err(e),
    }
}

/// Adds a year's figures, or replaces the year's if already recorded.
pub async fn save_year(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<YearForm>) -> AppResult<Response> {
    let (p, introduced) = editable(&state, &a.actor, id).await?;
    match f.parse(today()) {
        Ok(y) => {
            store::save_year(&state.db, &p, &y, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/projects/{id}#years"), "flash.saved"))
        }
        Err(errors) => detail_page(&state, a, p, introduced, Some(f), &errors).await,
    }
}

#[derive(Template)]
#[template(path = "projects/detail.html")]
struct DetailPage {
    shell: Shell,
    p: ProjectRow,
    started_on: Option<chrono::NaiveDate>,
    description: String,
    introducers: Vec<Person>,
    partners: Vec<(&'static str, String)>,
    years: Vec<Figures>,
    may_edit: bool,
    link_members: bool,
    f: YearForm,
    errors: FormErrors,
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewProjects, &Target::own(&a.actor))?;
    let (p, introduced) = found(&state, &a.actor, id).await?;
    detail_page(&state, a, p, introduced, None, &[]).await
}

async fn detail_page(state: &AppState, a: Authed, p: Project, introduced: Vec<i64>, f: Option<YearForm>, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let viewer = Viewer::of(state, &a.actor).await?;
    let who = people_by_id(state, &introduced).await?;
    let shell = a.ctx.shell;
    let years: Vec<Figures> = store::years_of(&state.db, p.id).await?.iter().map(|y| figures(&shell, y)).collect();
    let f = f.unwrap_or_else(|| YearForm { year: today().format("%Y").to_string(), ..Default::default() });
    let page = DetailPage {
        p: rows(state, &shell, cid, std::slice::from_ref(&p), None).await?.remove(0),
        started_on: p.started_on,
        description: p.description.clone(),
        introducers: introduced.iter().filter_map(|m| who.get(m).cloned()).collect(),
        partners: store::partners_of(&state.db, p.id).await?.into_iter().map(|(r, n)| (label(&shell, "role", r.as_str()), n)).collect(),
        may_edit: viewer.may_edit(&introduced) && crate::app::authz::may(&a.actor, Action::RecordProjects, &Target::own(&a.actor)),
        link_members: crate::app::authz::may(&a.actor, Action::ViewMembers, &Target::own(&a.actor)),
        errors: FormErrors::new(shell.lang, errors),
        years,
        shell,
        f,
    };
    with_status(html(&page)?, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_shown_in_yuan_with_thousands_grouped() {
        let shell = Shell { lang: crate::app::i18n::Lang::Zh, actor: None, nav: vec![], flash: None, path: String::new() };
        assert_eq!(money(&shell, 170_000_000), "1,700,000 元");
        assert_eq!(money(&shell, 20_000_050), "200,000.50 元");
        assert_eq!(money(&shell, 99_900), "999 元");
        assert_eq!(money(&shell, 0), "0 元");
    }

    #[test]
    fn the_form_shows_typed_partners_then_spare_rows() {
        let f = ProjectForm { partner_role: vec!["company".into(), "other".into()], partner_name: vec!["某公司".into(), " ".into()], ..Default::default() };
        let lines = partner_lines(&f);
        assert_eq!(lines.len(), 4, "one typed, three blank (at least four rows)");
        assert_eq!(lines[0], ("company".to_string(), "某公司".to_string()));
        assert_eq!(lines[1], ("cooperative".to_string(), String::new()), "blank rows offer the usual roles in turn");
        let full = ProjectForm { partner_role: vec!["other".into(); 10], partner_name: vec!["某单位".into(); 10], ..Default::default() };
        assert_eq!(partner_lines(&full).len(), 10, "never more rows than partners allowed");
        let q = ProjectQuery { kind: "assistance".into(), year: "2022".into(), ..Default::default() };
        let (filter, errors) = q.parse(&[]);
        assert!(errors.is_empty());
        assert_eq!((filter.kind, filter.year), (Some(ProjectKind::Assistance), Some(2022)));
        let (_, errors) = ProjectQuery { year: "去年".into(), place: "9".into(), ..Default::default() }.parse(&[(1, None)]);
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["place", "year"]);
    }
}
