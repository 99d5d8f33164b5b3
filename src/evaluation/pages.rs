//! The evaluation pages: the committee's ranking with the members failing minimums and the
//! inactive ones (with their evidence), a member's duty file line by line down to the records,
//! the rules page (edit, export, import), and the year's evaluate / freeze buttons.
use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Datelike;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient};
use crate::app::i18n::Lang;
use crate::app::shell::{Authed, Shell, html, local_time, redirect_with_flash, today};
use crate::evaluation::evaluate::{Ranked, compute, members_in_office, ranked_members};
use crate::evaluation::forms::{ActionForm, ManualForm, form_rows, parse_rules};
use crate::evaluation::ledger::Entry;
use crate::evaluation::model::{self, ConsequenceKind, YearState, as_of, called_for};
use crate::evaluation::rules::{Credit, Item, Rulebook};
use crate::evaluation::store::{self, MemberResult, Standing};
use crate::org::members::{self, Member};
use crate::org::structure::{self, with_below};
use crate::org::values::Position;
use crate::proposals::pages::own_member;

/// A year's results as the pages show them: kept by the last evaluation, or live.
pub struct YearView {
    pub year: i32,
    pub state: YearState,
    pub rules: Rulebook,
    pub as_of: chrono::NaiveDate,
    /// When the kept results were computed (None: live).
    pub evaluated_at: Option<String>,
    pub frozen_at: Option<String>,
    pub results: Vec<MemberResult>,
}

/// The year asked for, or the latest year with rules or an evaluation, or this year.
pub async fn year_or_default(state: &AppState, committee_id: i64, asked: &str) -> AppResult<i32> {
    if let Ok(y) = asked.trim().parse::<i32>() {
        if (2000..=2100).contains(&y) {
            return Ok(y);
        }
        return Err(AppError::Invalid(vec![FieldError::new("year", "err.choice")]));
    }
    Ok(store::latest_year(&state.db, committee_id).await?.unwrap_or_else(|| today().year()))
}

/// The year's view for the whole committee (or one member).
pub async fn year_view(state: &AppState, committee_id: i64, year: i32, member: Option<i64>) -> AppResult<YearView> {
    Ok(view_of(state, committee_id, year, member, false).await?.0)
}

/// The year's view with each member's standing. With `brief`, a kept year's results are read
/// as standings only (the view's `results` stay empty): what the ranking shows.
async fn view_of(state: &AppState, committee_id: i64, year: i32, member: Option<i64>, brief: bool) -> AppResult<(YearView, Vec<Standing>)> {
    let kept = store::evaluation_of(&state.db, committee_id, year).await?;
    let st = store::state_of(&kept);
    if let Some(e) = kept {
        let rules: Rulebook = serde_json::from_str(&e.rules).map_err(|e| AppError::Internal(e.into()))?;
        let (results, standings) = match member {
            Some(m) => with_standings(store::result_of(&state.db, committee_id, year, m).await?.into_iter().collect()),
            None if brief => (Vec::new(), store::standings(&state.db, committee_id, year).await?),
            None => with_standings(store::results(&state.db, committee_id, year).await?),
        };
        let view = YearView {
            year,
            state: st,
            rules,
            as_of: e.as_of,
            evaluated_at: Some(local_time(&e.evaluated_at)),
            frozen_at: e.frozen_at.as_ref().map(local_time),
            results,
        };
        return Ok((view, standings));
    }
    let (rules, _) = store::rules_for(&state.db, committee_id, year).await?;
    let day = as_of(year, today());
    let ids: Vec<i64> = match member {
        Some(m) => vec![m],
        None => members_in_office(&state.db, committee_id, day).await?.iter().map(|m| m.id).collect(),
    };
    let mut results = compute(&state.db, committee_id, &rules, day, &ids).await?;
    results.sort_by(|a, b| b.score.total.total_cmp(&a.score.total).then(a.member_id.cmp(&b.member_id)));
    let (results, standings) = with_standings(results);
    Ok((YearView { year, state: st, rules, as_of: day, evaluated_at: None, frozen_at: None, results }, standings))
}

fn with_standings(results: Vec<MemberResult>) -> (Vec<MemberResult>, Vec<Standing>) {
    let standings = results.iter().map(Standing::from).collect();
    (results, standings)
}

/// The ranking's filters as sent.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The year (default: the latest evaluated or ruled year, else this year).
    #[serde(default)]
    pub year: String,
    /// Sector id.
    #[serde(default)]
    pub sector: String,
    /// Group id (with the groups below it).
    #[serde(default)]
    pub group: String,
    /// Position code (member, standing_member, chair, vice_chair, secretary_general).
    #[serde(default)]
    pub position: String,
    /// Band name (优秀, 称职 …).
    #[serde(default)]
    pub band: String,
}

/// One row of the ranking.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RankRow {
    pub rank: usize,
    pub member_id: i64,
    pub name: String,
    pub sector: String,
    pub position: String,
    pub groups: String,
    pub total: f64,
    pub band: String,
    /// The minimum duties not met, by name.
    pub missed: Vec<String>,
    pub inactive: bool,
    /// The latest duty done, as "2022-03-10 走访群众", or empty.
    pub last_duty: String,
    pub last_duty_href: Option<String>,
    pub records: usize,
    /// What the record calls for (reminder talk …), as labels.
    pub called_for: Vec<String>,
}

/// The ranking under the filters, best first, with the filters' errors; the view holds the
/// ranked members' whole results.
pub async fn ranking(state: &AppState, actor: &Actor, lang: Lang, q: &RankingQuery) -> AppResult<(YearView, Vec<RankRow>, Vec<FieldError>)> {
    ranking_of(state, actor, lang, q, false).await
}

/// The ranking; with `brief`, a kept year's view holds no results (the ranking needs none).
pub(crate) async fn ranking_of(state: &AppState, actor: &Actor, lang: Lang, q: &RankingQuery, brief: bool) -> AppResult<(YearView, Vec<RankRow>, Vec<FieldError>)> {
    let committee_id = actor.committee_id;
    let year = year_or_default(state, committee_id, &q.year).await?;
    let (mut view, standings) = view_of(state, committee_id, year, None, brief).await?;
    let groups = structure::groups(&state.db, committee_id).await?;
    let sectors = structure::sectors(&state.db, committee_id).await?;
    let tree: Vec<(i64, Option<i64>)> = groups.iter().map(|g| (g.id, g.parent_id)).collect();
    let sector_ids: Vec<(i64, Option<i64>)> = sectors.iter().map(|s| (s.id, None)).collect();
    let mut l = Lenient::default();
    let sector = l.id("sector", &q.sector, Some(&sector_ids));
    let group = l.id("group", &q.group, Some(&tree)).map(|g| with_below(g, &tree));
    let position = l.code("position", &q.position, Position::from_code);
    let band = Some(q.band.trim()).filter(|b| !b.is_empty());
    let ids: Vec<i64> = standings.iter().map(|r| r.member_id).collect();
    let people: HashMap<i64, Ranked> = ranked_members(&state.db, committee_id, &ids).await?.into_iter().map(|m| (m.id, m)).collect();
    let member_groups = members::groups_of(&state.db, &ids).await?;
    let group_name: HashMap<i64, &str> = groups.iter().map(|g| (g.id, g.name.as_str())).collect();
    let sector_name: HashMap<i64, &str> = sectors.iter().map(|s| (s.id, s.name.as_str())).collect();
    let failed_before = store::failed_in(&state.db, committee_id, year - 1).await?;
    let mut rows = Vec::new();
    for r in &standings {
        let Some(m) = people.get(&r.member_id) else { continue };
        let mine = member_groups.get(&m.id).cloned().unwrap_or_default();
        if sector.is_some_and(|s| m.sector_id != s)
            || group.as_ref().is_some_and(|g| !mine.iter().any(|x| g.contains(x)))
            || position.is_some_and(|p| m.position != p.as_str())
            || band.is_some_and(|b| r.score.band.as_deref() != Some(b))
        {
            continue;
        }
        rows.push(rank_row(lang, &view.rules, r, m, &mine, &group_name, &sector_name, failed_before.contains(&m.id)));
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    let shown: HashSet<i64> = rows.iter().map(|x| x.member_id).collect();
    view.results.retain(|r| shown.contains(&r.member_id));
    Ok((view, rows, l.0))
}

#[allow(clippy::too_many_arguments)]
fn rank_row(
    lang: Lang,
    rules: &Rulebook,
    r: &Standing,
    m: &Ranked,
    groups: &[i64],
    group_name: &HashMap<i64, &str>,
    sector_name: &HashMap<i64, &str>,
    failed_last_year: bool,
) -> RankRow {
    RankRow {
        rank: 0,
        member_id: m.id,
        name: m.name.clone(),
        sector: sector_name.get(&m.sector_id).copied().unwrap_or_default().into(),
        position: Position::from_code(&m.position).map(Position::label).unwrap_or_default().into(),
        groups: groups.iter().filter_map(|g| group_name.get(g).copied()).collect::<Vec<_>>().join("、"),
        total: r.score.total,
        band: r.score.band.clone().unwrap_or_default(),
        missed: r.score.minimums.iter().filter(|m| !m.3).map(|m| format!("{}（{}/{}）", m.0, m.1, m.2)).collect(),
        inactive: r.inactive,
        last_duty: r.last_duty.as_ref().map(|e| format!("{} {}", e.record.on, item_name(rules, &e.record.kind))).unwrap_or_default(),
        last_duty_href: r.last_duty.as_ref().and_then(Entry::href),
        records: r.records,
        called_for: called_for(r.score.failing, failed_last_year, r.plenaries_missed).into_iter().map(|k| lang.t(&k.label_key()).to_string()).collect(),
    }
}

/// What the rules call a kind (the kind itself when they do not score it).
pub fn item_name(rules: &Rulebook, kind: &str) -> String {
    rules.items.iter().find(|i| i.kind == kind).map(|i| i.name.clone()).unwrap_or_else(|| kind.to_string())
}

#[derive(Template)]
#[template(path = "evaluation/ranking.html")]
struct RankingPage {
    shell: Shell,
    q: RankingQuery,
    year: i32,
    state: &'static str,
    evaluated_at: String,
    frozen_at: String,
    as_of: String,
    rows: Vec<RankRow>,
    bands: Vec<(String, usize)>,
    failing: Vec<RankRow>,
    inactive: Vec<RankRow>,
    sectors: Vec<(i64, String)>,
    groups: Vec<(i64, String)>,
    positions: Vec<(&'static str, &'static str)>,
    manage: bool,
    may_freeze: bool,
    errors: FormErrors,
}

pub async fn ranking_page(State(state): State<AppState>, a: Authed, Query(q): Query<RankingQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewDutyFile, &Target::own(&a.actor))?;
    if !may(&a.actor, Action::ViewEvaluation, &Target::own(&a.actor)) {
        // A member reaches its own file.
        let me = own_member(&state, &a.actor).await?.ok_or(AppError::Forbidden)?;
        let year = if q.year.trim().is_empty() { String::new() } else { format!("?year={}", q.year.trim()) };
        return Ok(Redirect::to(&format!("/evaluation/members/{me}{year}")).into_response());
    }
    let (view, rows, errors) = ranking_of(&state, &a.actor, a.ctx.shell.lang, &q, true).await?;
    let mut bands: Vec<(String, usize)> = view.rules.bands.iter().map(|b| (b.name.clone(), rows.iter().filter(|r| r.band == b.name).count())).collect();
    bands.retain(|(n, _)| !n.is_empty());
    let groups = structure::indented(structure::groups(&state.db, a.actor.committee_id).await?.into_iter().filter(|g| !g.retired).map(|g| (g.id, g.parent_id, g.name)));
    let sectors = structure::sectors(&state.db, a.actor.committee_id).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let manage = may(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor));
    html(&RankingPage {
        q,
        year: view.year,
        state: view.state.as_str(),
        evaluated_at: view.evaluated_at.clone().unwrap_or_default(),
        frozen_at: view.frozen_at.clone().unwrap_or_default(),
        as_of: view.as_of.to_string(),
        failing: rows.iter().filter(|r| !r.missed.is_empty()).cloned().collect(),
        inactive: rows.iter().filter(|r| r.inactive).cloned().collect(),
        rows,
        bands,
        sectors,
        groups,
        positions: Position::ALL.iter().map(|p| (p.as_str(), p.label())).collect(),
        manage,
        may_freeze: manage && model::may_freeze(view.state, view.year, today()).is_ok(),
        errors: FormErrors::new(a.ctx.shell.lang, &errors),
        shell: a.ctx.shell,
    })
}

/// The year a form is about.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct YearForm {
    #[serde(default)]
    pub year: String,
}

/// Scores every member in office under the year's rules now and keeps the results.
pub async fn evaluate_year(state: &AppState, actor: &Actor, ip: &str, year: i32) -> AppResult<usize> {
    authorize(actor, Action::ManageEvaluation, &Target::own(actor))?;
    let kept = store::evaluation_of(&state.db, actor.committee_id, year).await?;
    model::may_evaluate(store::state_of(&kept)).map_err(|k| AppError::Invalid(vec![FieldError::new("year", k)]))?;
    let (rules, _) = store::rules_for(&state.db, actor.committee_id, year).await?;
    let day = as_of(year, today());
    let ids: Vec<i64> = members_in_office(&state.db, actor.committee_id, day).await?.iter().map(|m| m.id).collect();
    let results = compute(&state.db, actor.committee_id, &rules, day, &ids).await?;
    store::save_evaluation(&state.db, actor.committee_id, &rules, day, &results, &Who::actor(actor, ip)).await?;
    Ok(results.len())
}

pub async fn evaluate(State(state): State<AppState>, a: Authed, Form(f): Form<YearForm>) -> AppResult<Response> {
    let year = year_or_default(&state, a.actor.committee_id, &f.year).await?;
    match evaluate_year(&state, &a.actor, &a.ctx.info.ip, year).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/evaluation?year={year}"), "flash.evaluated")),
        Err(AppError::Invalid(e)) => Err(AppError::Rejected(axum::http::StatusCode::CONFLICT, a.ctx.shell.t(e[0].key).into())),
        Err(e) => Err(e),
    }
}

pub async fn freeze(State(state): State<AppState>, a: Authed, Form(f): Form<YearForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor))?;
    let year = year_or_default(&state, a.actor.committee_id, &f.year).await?;
    let kept = store::evaluation_of(&state.db, a.actor.committee_id, year).await?;
    model::may_freeze(store::state_of(&kept), year, today()).map_err(|k| AppError::Rejected(axum::http::StatusCode::CONFLICT, a.ctx.shell.t(k).into()))?;
    store::freeze(&state.db, a.actor.committee_id, year, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/evaluation?year={year}"), "flash.frozen"))
}

/// One line of the file: an item, what it gave and its records.
pub struct FileLine {
    pub name: String,
    pub points: f64,
    pub raw: f64,
    pub capped: bool,
    pub cap: Option<f64>,
    pub per_record: f64,
    pub records: Vec<FileRecord>,
}

pub struct FileRecord {
    pub on: String,
    pub title: String,
    pub href: Option<String>,
    pub credit: &'static str,
    pub points: f64,
    /// A manual record's id (staff may take it back).
    pub manual_id: Option<i64>,
}

fn credit_key(c: Credit) -> &'static str {
    match c {
        Credit::Full => "eval.credit.full",
        Credit::Joint => "eval.credit.joint",
        Credit::Combined => "eval.credit.combined",
    }
}

/// The file's lines, each with its records (most points first, as the rulebook orders them).
pub fn file_lines(lang: Lang, rules: &Rulebook, r: &MemberResult) -> Vec<FileLine> {
    r.score
        .lines
        .iter()
        .map(|l| {
            let item: Option<&Item> = rules.items.iter().find(|i| i.kind == l.kind);
            FileLine {
                name: l.name.clone(),
                points: l.points,
                raw: l.raw,
                capped: l.capped,
                cap: item.and_then(|i| i.cap),
                per_record: item.map(|i| i.points).unwrap_or(0.0),
                records: l.entries.iter().filter_map(|(ix, p)| r.records.get(*ix).map(|e| file_record(lang, e, *p))).collect(),
            }
        })
        .collect()
}

fn file_record(lang: Lang, e: &Entry, points: f64) -> FileRecord {
    FileRecord {
        on: e.record.on.to_string(),
        title: if e.title.is_empty() { lang.t(&format!("eval.source.{}", e.record.source_type)).to_string() } else { e.title.clone() },
        href: e.href(),
        credit: lang.t(credit_key(e.record.credit)),
        points,
        manual_id: (e.record.source_type == "manual").then_some(e.record.source_id),
    }
}

#[derive(Template)]
#[template(path = "evaluation/file.html")]
struct FilePage {
    shell: Shell,
    member: Member,
    year: i32,
    years: Vec<i32>,
    state: &'static str,
    evaluated_at: String,
    as_of: String,
    total: f64,
    base: f64,
    band: String,
    failing: bool,
    lines: Vec<FileLine>,
    minimums: Vec<(String, u32, u32, bool)>,
    unscored: Vec<FileRecord>,
    inactive: bool,
    inactive_months: u32,
    last_duty: Option<FileRecord>,
    /// The live total when records changed since the kept evaluation.
    live_total: Option<f64>,
    history: Vec<(i32, f64, String, bool)>,
    actions: Vec<(String, String, String)>,
    called_for: Vec<String>,
    kinds: Vec<(String, String)>,
    consequence_kinds: Vec<(&'static str, String)>,
    manage: bool,
    editable: bool,
    errors: FormErrors,
    manual: ManualForm,
    action: ActionForm,
}

/// Who may read a member's file: staff and leaders any, a member its own.
async fn may_read(state: &AppState, actor: &Actor, member_id: i64) -> AppResult<()> {
    authorize(actor, Action::ViewDutyFile, &Target::own(actor))?;
    if may(actor, Action::ViewEvaluation, &Target::own(actor)) || own_member(state, actor).await? == Some(member_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A member's result of a year (kept or live), with the view it came from.
pub async fn member_result(state: &AppState, actor: &Actor, member_id: i64, year: &str) -> AppResult<(Member, YearView, MemberResult)> {
    may_read(state, actor, member_id).await?;
    let m = members::find(&state.db, actor.committee_id, member_id).await?.ok_or(AppError::NotFound)?;
    let year = year_or_default(state, actor.committee_id, year).await?;
    let mut view = year_view(state, actor.committee_id, year, Some(m.id)).await?;
    let r = match view.results.pop() {
        Some(r) => r,
        // Not in office when the year was evaluated: its records now, under the kept rules.
        None => compute(&state.db, actor.committee_id, &view.rules, view.as_of, &[m.id]).await?.remove(0),
    };
    Ok((m, view, r))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FileQuery {
    #[serde(default)]
    pub year: String,
}

pub async fn file(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Query(q): Query<FileQuery>) -> AppResult<Response> {
    file_page(&state, a, id, &q.year, &[], ManualForm::default(), ActionForm::default()).await
}

async fn file_page(state: &AppState, a: Authed, id: i64, year: &str, errors: &[FieldError], manual: ManualForm, action: ActionForm) -> AppResult<Response> {
    let (member, view, r) = member_result(state, &a.actor, id, year).await?;
    let shell = &a.ctx.shell;
    let live_total = match view.state {
        YearState::Evaluated => {
            let (rules, _) = store::rules_for(&state.db, a.actor.committee_id, view.year).await?;
            let live = compute(&state.db, a.actor.committee_id, &rules, view.as_of, &[id]).await?.remove(0);
            (live.score.total != r.score.total || live.records.len() != r.records.len()).then_some(live.score.total)
        }
        _ => None,
    };
    let in_lines: HashSet<usize> = r.score.lines.iter().flat_map(|l| l.entries.iter().map(|(i, _)| *i)).collect();
    let unscored = r.records.iter().enumerate().filter(|(i, _)| !in_lines.contains(i)).map(|(_, e)| file_record(shell.lang, e, 0.0)).collect();
    let mut years: Vec<i32> = store::history(&state.db, a.actor.committee_id, id).await?.iter().map(|h| h.0).collect();
    for y in [today().year(), view.year] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let failed_before = store::failed_in(&state.db, a.actor.committee_id, view.year - 1).await?.contains(&id);
    let manage = may(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor));
    let actions = store::actions(&state.db, a.actor.committee_id, view.year, Some(id))
        .await?
        .into_iter()
        .map(|x| (x.on_date.to_string(), ConsequenceKind::from_code(&x.kind).map(|k| shell.t(&k.label_key()).to_string()).unwrap_or(x.kind), x.notes))
        .collect();
    html(&FilePage {
        lines: file_lines(shell.lang, &view.rules, &r),
        minimums: r.score.minimums.clone(),
        unscored,
        inactive: r.inactive,
        inactive_months: view.rules.inactive_months,
        last_duty: r.last_duty.as_ref().map(|e| file_record(shell.lang, e, 0.0)),
        total: r.score.total,
        base: view.rules.base,
        band: r.score.band.clone().unwrap_or_default(),
        failing: r.score.failing,
        live_total,
        history: store::history(&state.db, a.actor.committee_id, id).await?,
        actions,
        called_for: called_for(r.score.failing, failed_before, r.plenaries_missed).into_iter().map(|k| shell.t(&k.label_key()).to_string()).collect(),
        kinds: view.rules.items.iter().map(|i| (i.kind.clone(), i.name.clone())).collect(),
        consequence_kinds: ConsequenceKind::ALL.iter().map(|k| (k.as_str(), shell.t(&k.label_key()).to_string())).collect(),
        manage,
        editable: manage && view.state != YearState::Frozen,
        year: view.year,
        years,
        state: view.state.as_str(),
        evaluated_at: view.evaluated_at.unwrap_or_default(),
        as_of: view.as_of.to_string(),
        errors: FormErrors::new(shell.lang, errors),
        manual,
        action,
        member,
        shell: a.ctx.shell,
    })
}

/// Adds a manual record to a member's ledger (staff; not in a frozen year).
pub async fn add_manual(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Query(q): Query<FileQuery>, Form(f): Form<ManualForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor))?;
    let m = members::find(&state.db, a.actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let year = year_or_default(&state, a.actor.committee_id, &q.year).await?;
    let input = match frozen_refusal(&state, a.actor.committee_id, year).await? {
        Some(e) => Err(vec![e]),
        None => {
            let (rules, _) = store::rules_for(&state.db, a.actor.committee_id, year).await?;
            f.parse(m.id, &rules, today())
        }
    };
    match input {
        Ok(input) => {
            store::add_manual(&state.db, a.actor.committee_id, &input, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/evaluation/members/{id}?year={year}#lines"), "flash.saved"))
        }
        Err(errors) => file_page(&state, a, id, &year.to_string(), &errors, f, ActionForm::default()).await,
    }
}

/// A frozen year refuses changes to its ledger: the refusal as a field error.
async fn frozen_refusal(state: &AppState, committee_id: i64, year: i32) -> AppResult<Option<FieldError>> {
    let kept = store::evaluation_of(&state.db, committee_id, year).await?;
    Ok(model::may_edit_rules(store::state_of(&kept)).err().map(|k| FieldError::new("year", k)))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub year: String,
}

/// Takes a manual record back (staff; audited; not in a frozen year).
pub async fn delete_manual(State(state): State<AppState>, a: Authed, Path(rid): Path<i64>, Form(f): Form<DeleteForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor))?;
    let m = store::find_manual(&state.db, a.actor.committee_id, rid).await?.ok_or(AppError::NotFound)?;
    if let Some(e) = frozen_refusal(&state, a.actor.committee_id, m.on_date.year()).await? {
        return Err(AppError::Rejected(axum::http::StatusCode::CONFLICT, a.ctx.shell.t(e.key).into()));
    }
    store::delete_manual(&state.db, &m, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
    let year = if f.year.trim().is_empty() { m.on_date.year().to_string() } else { f.year.trim().to_string() };
    Ok(redirect_with_flash(&a.ctx.info, &format!("/evaluation/members/{}?year={year}#lines", m.member_id), "flash.saved"))
}

/// Records a consequence action taken about a member's year (staff).
pub async fn add_action(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Query(q): Query<FileQuery>, Form(f): Form<ActionForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor))?;
    let m = members::find(&state.db, a.actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let year = year_or_default(&state, a.actor.committee_id, &q.year).await?;
    match f.parse(m.id, year, today()) {
        Ok(input) => {
            store::add_action(&state.db, a.actor.committee_id, &input, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/evaluation/members/{id}?year={year}#actions"), "flash.saved"))
        }
        Err(errors) => file_page(&state, a, id, &year.to_string(), &errors, ManualForm::default(), f).await,
    }
}

#[derive(Template)]
#[template(path = "evaluation/rules.html")]
struct RulesPage {
    shell: Shell,
    year: i32,
    saved: bool,
    frozen: bool,
    manage: bool,
    rules: Rulebook,
    rows: Vec<(Item, bool)>,
    /// The minimums with one empty row to add.
    minimums: Vec<(String, Vec<String>, String)>,
    bands: Vec<(String, String)>,
    all_kinds: Vec<(String, String)>,
    errors: Vec<String>,
}

fn rules_page(shell: Shell, rules: Rulebook, saved: bool, frozen: bool, manage: bool, errors: Vec<String>) -> AppResult<Response> {
    let mut minimums: Vec<(String, Vec<String>, String)> = rules.minimums.iter().map(|m| (m.name.clone(), m.kinds.clone(), m.count.to_string())).collect();
    minimums.push((String::new(), Vec::new(), String::new()));
    let mut bands: Vec<(String, String)> = rules.bands.iter().map(|b| (b.name.clone(), if b.from == f64::MIN { String::new() } else { b.from.to_string() })).collect();
    bands.push((String::new(), String::new()));
    html(&RulesPage {
        year: rules.year,
        rows: form_rows(&rules),
        all_kinds: crate::evaluation::forms::known_kinds().into_iter().map(|i| (i.kind, i.name)).collect(),
        minimums,
        bands,
        rules,
        saved,
        frozen,
        manage,
        errors,
        shell,
    })
}

pub async fn rules(State(state): State<AppState>, a: Authed, Query(q): Query<FileQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewEvaluation, &Target::own(&a.actor))?;
    let year = year_or_default(&state, a.actor.committee_id, &q.year).await?;
    let (rules, saved) = store::rules_for(&state.db, a.actor.committee_id, year).await?;
    let frozen = store::state_of(&store::evaluation_of(&state.db, a.actor.committee_id, year).await?) == YearState::Frozen;
    let manage = may(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor));
    rules_page(a.ctx.shell, rules, saved, frozen, manage, Vec::new())
}

/// Checks and saves the year's rules (staff; not for a frozen year). They apply to kept scores
/// only when the year is evaluated again.
pub async fn save_rules(state: &AppState, actor: &Actor, ip: &str, rules: &Rulebook, summary: &str) -> AppResult<Result<(), Vec<String>>> {
    authorize(actor, Action::ManageEvaluation, &Target::own(actor))?;
    let kept = store::evaluation_of(&state.db, actor.committee_id, rules.year).await?;
    if let Err(k) = model::may_edit_rules(store::state_of(&kept)) {
        return Ok(Err(vec![crate::app::i18n::Lang::Zh.t(k).to_string()]));
    }
    if let Err(e) = rules.check() {
        return Ok(Err(vec![e]));
    }
    store::save_rules(&state.db, actor.committee_id, rules, &Who::actor(actor, ip), summary).await?;
    Ok(Ok(()))
}

pub async fn update_rules(State(state): State<AppState>, a: Authed, Query(q): Query<FileQuery>, RawForm(body): RawForm) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor))?;
    let year = year_or_default(&state, a.actor.committee_id, &q.year).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let parsed = parse_rules(year, &pairs);
    let result = match &parsed {
        Ok(rules) => save_rules(&state, &a.actor, &a.ctx.info.ip, rules, &format!("{year}年度履职评价规则：修改")).await?,
        Err(e) => Err(e.clone()),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&a.ctx.info, &format!("/evaluation/rules?year={year}"), "flash.saved")),
        Err(errors) => {
            let (shown, saved) = match parsed {
                Ok(r) => (r, true),
                Err(_) => store::rules_for(&state.db, a.actor.committee_id, year).await?,
            };
            let frozen = store::state_of(&store::evaluation_of(&state.db, a.actor.committee_id, year).await?) == YearState::Frozen;
            rules_page(a.ctx.shell, shown, saved, frozen, true, errors)
        }
    }
}

/// The year's rules as a file.
pub async fn export_rules(State(state): State<AppState>, a: Authed, Query(q): Query<FileQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewEvaluation, &Target::own(&a.actor))?;
    let year = year_or_default(&state, a.actor.committee_id, &q.year).await?;
    let (rules, _) = store::rules_for(&state.db, a.actor.committee_id, year).await?;
    let body = serde_json::to_vec_pretty(&rules).map_err(|e| AppError::Internal(e.into()))?;
    Ok(crate::proposals::downloads::file_response(body, "application/json", &format!("evaluation-rules-{year}.json")))
}

/// Replaces the year's rules with a file's (the file's own year is ignored: it is imported into
/// the year the page shows, so last year's file starts this year).
pub async fn import_rules(State(state): State<AppState>, a: Authed, Query(q): Query<FileQuery>, req: axum::extract::Request) -> AppResult<Response> {
    use axum::extract::FromRequest;
    authorize(&a.actor, Action::ManageEvaluation, &Target::own(&a.actor))?;
    let year = year_or_default(&state, a.actor.committee_id, &q.year).await?;
    let mut mp = axum::extract::Multipart::from_request(req, &state).await.map_err(|r| AppError::Rejected(r.status(), r.body_text()))?;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::Rejected(e.status(), e.body_text());
    let mut text = None;
    while let Some(part) = mp.next_field().await.map_err(bad)? {
        if part.name() == Some("file") {
            let bytes = part.bytes().await.map_err(bad)?;
            text = Some(String::from_utf8(bytes.to_vec()).map_err(|_| AppError::BadRequest("规则文件须为UTF-8编码的JSON".into()))?);
        }
    }
    let parsed = match text.as_deref().map(str::trim) {
        None | Some("") => Err("请选择规则文件".to_string()),
        Some(t) => Rulebook::from_json(t).map(|r| Rulebook { year, ..r }),
    };
    let result = match &parsed {
        Ok(rules) => save_rules(&state, &a.actor, &a.ctx.info.ip, rules, &format!("{year}年度履职评价规则：导入文件")).await?,
        Err(e) => Err(vec![e.clone()]),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&a.ctx.info, &format!("/evaluation/rules?year={year}"), "flash.saved")),
        Err(errors) => {
            let (rules, saved) = store::rules_for(&state.db, a.actor.committee_id, year).await?;
            let frozen = store::state_of(&store::evaluation_of(&state.db, a.actor.committee_id, year).await?) == YearState::Frozen;
            rules_page(a.ctx.shell, rules, saved, frozen, true, errors)
        }
    }
}
