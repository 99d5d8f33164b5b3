//! The dashboard for staff and leaders: a period and a scope, every figure (linked to the list
//! of its records where that list takes the same filters, so the list's total is the figure),
//! monthly trends as SVG, and the figures per group.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};

use crate::app::AppState;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppResult, FieldError};
use crate::app::forms::FormErrors;
use crate::app::shell::{Authed, Shell, html, today};
use crate::stats::api::StatsQuery;
use crate::stats::charts;
use crate::stats::metrics::{self, Scope, Stats};

/// One figure on the dashboard.
pub struct Figure {
    /// Its metric key (DOMAIN.md), so a page or a test can find it.
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    /// The list of the records behind it, when a list takes exactly these filters.
    pub href: Option<String>,
    /// Further lists when its records lie in more than one (leaders' instructions are recorded
    /// on public-opinion reports and on research reports): (label, href); the figure is the
    /// sum of their totals.
    pub more: Vec<(&'static str, String)>,
}

pub struct Section {
    pub title: &'static str,
    pub figures: Vec<Figure>,
}

pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub cells: Vec<String>,
}

/// A table of the figures per group, studio or place, each row linking to its own dashboard.
pub struct Table {
    pub title: &'static str,
    /// The query parameter of a row's scope (group, studio, place).
    pub param: &'static str,
    pub heads: Vec<&'static str>,
    pub rows: Vec<GroupRow>,
}

#[derive(Template)]
#[template(path = "stats/dashboard.html")]
struct DashboardPage {
    shell: Shell,
    q: StatsQuery,
    from: NaiveDate,
    to: NaiveDate,
    presets: Vec<(String, String)>,
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    studios: Vec<(i64, String)>,
    sectors: Vec<(i64, String)>,
    sections: Vec<Section>,
    /// (caption, SVG).
    charts: Vec<(&'static str, String)>,
    tables: Vec<Table>,
    errors: FormErrors,
}

fn percent(r: Option<f64>) -> String {
    r.map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

/// The period's presets: this year, quarter and month, and the four years before.
fn presets(shell: &Shell, today: NaiveDate) -> Vec<(String, String)> {
    let year = today.year();
    let q_first = NaiveDate::from_ymd_opt(year, (today.month0() / 3) * 3 + 1, 1).expect("a quarter starts");
    let m_first = today.with_day(1).expect("the first exists");
    let span = |a: NaiveDate, b: NaiveDate| format!("from={a}&to={b}");
    let mut out = vec![
        (shell.t("stats.this_year").to_string(), span(NaiveDate::from_ymd_opt(year, 1, 1).expect("new year"), today)),
        (shell.t("stats.this_quarter").to_string(), span(q_first, today)),
        (shell.t("stats.this_month").to_string(), span(m_first, today)),
    ];
    for y in (year - 4..year).rev() {
        out.push((y.to_string(), span(NaiveDate::from_ymd_opt(y, 1, 1).expect("new year"), NaiveDate::from_ymd_opt(y, 12, 31).expect("new year's eve"))));
    }
    out
}

/// The scope as the lists' filters take it (`&group=3`), for drill-down links. `group` names a
/// list's parameter for the group scope (the activity list's `group` is the organising group;
/// its `member_group` takes the activities the group's members were at, as the figure does).
/// `None` where the figure is nothing by definition: receptions and demands come through
/// studios and places, never through a sector.
fn list_scope(scope: Scope, group: &str, sector_ok: bool) -> Option<String> {
    match scope {
        Scope::Committee => Some(String::new()),
        Scope::Group(g) => Some(format!("&{group}={g}")),
        Scope::Place(p) => Some(format!("&place={p}")),
        Scope::Studio(s) => Some(format!("&studio={s}")),
        Scope::Sector(s) if sector_ok => Some(format!("&sector={s}")),
        Scope::Sector(_) => None,
    }
}

/// The dashboard's figures, each count linked to the list of its records for the same period
/// and scope (the list's marked total — `data-total` — is the figure; `tests/it/stats_drilldown.rs`
/// walks them all). Rates link to the list of their denominator (filing rate: the proposals
/// received; answer rates: those filed; adoption rate: the reports sent in); the satisfaction
/// rate (ratings are no list) and the leaders' field days (a per-leader, per-week average; see
/// `/visits/field-days`) are not linked.
fn sections(shell: &Shell, s: &Stats, from: NaiveDate, to: NaiveDate, scope: Scope, own_only: bool) -> Vec<Section> {
    let period = format!("from={from}&to={to}");
    // Lists show one committee: a parent's summed figures are not linked.
    let href = |path: &str, query: &str, scoped: Option<String>| if own_only { scoped.map(|sc| format!("{path}?{query}{sc}")) } else { None };
    let link = |path: &str, extra: &str, scoped: Option<String>| href(path, &format!("{period}{extra}"), scoped);
    let standard = list_scope(scope, "group", true);
    let through_studios = list_scope(scope, "group", false);
    let fig = |key: &'static str, value: String, href: Option<String>| Figure { key, label: shell.t(&format!("stats.{key}")), value, href, more: Vec::new() };
    let n = |key: &'static str, v: u64, href: Option<String>| fig(key, v.to_string(), href);
    let visits = link("/visits", "", standard.clone());
    let proposals = link("/proposals", "&view=all", standard.clone());
    let filed = link("/proposals", "&view=all&filed=1", standard.clone());
    let research = link("/research-reports", "", standard.clone());
    let opinions = link("/opinion-reports", "&view=all&sent_in=1", standard.clone());
    let receptions = link("/receptions", "", through_studios.clone());
    let activities = link("/activities", "", list_scope(scope, "member_group", true));
    let mut instructions = n("instructions", s.instructions, None);
    if let (Some(o), Some(r)) = (&opinions, &research) {
        instructions.more = vec![(shell.t("stats.instructions_opinions"), o.clone()), (shell.t("stats.instructions_research"), r.clone())];
    }
    vec![
        Section {
            title: shell.t("stats.section.going_out"),
            figures: vec![
                // Members in office at the period's end.
                n("members", s.members, href("/members", &format!("at={to}"), standard.clone())),
                n("visits", s.visits, visits.clone()),
                n("people_visited", s.people_visited, visits.clone()),
                n("home_visits", s.home_visits, visits.map(|v| format!("{v}&kind=home"))),
                fig("duty_days_per_week", s.duty_days_per_week.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into()), None),
            ],
        },
        Section {
            title: shell.t("stats.section.consulting"),
            figures: vec![
                n("consultations", s.consultations, link("/consultations", "&held=1", standard.clone())),
                n("proposals", s.proposals, proposals.clone()),
                n("proposals_filed", s.proposals_filed, filed.clone()),
                fig("filing_rate", percent(s.filing_rate), proposals),
                fig("answer_rate", percent(s.answer_rate), filed.clone()),
                fig("on_time_answer_rate", percent(s.on_time_answer_rate), filed),
                fig("satisfaction_rate", percent(s.satisfaction_rate), None),
                n("research_reports", s.research_reports, research),
                n("opinion_reports", s.opinion_reports, opinions.clone()),
                fig("adoption_rate", percent(s.adoption_rate), opinions),
                instructions,
            ],
        },
        Section {
            title: shell.t("stats.section.studios"),
            figures: vec![
                n("receptions", s.receptions, receptions.clone()),
                n("citizens_received", s.citizens_received, receptions),
                n("demands", s.demands, link("/demands", "", through_studios.clone())),
                n("demands_resolved", s.demands_resolved, link("/demands", "&resolved=1", through_studios)),
            ],
        },
        Section {
            title: shell.t("stats.section.activities"),
            figures: vec![
                n("activities", s.activities, activities.clone()),
                n("volunteer_person_times", s.volunteer_person_times, activities.clone().map(|a| format!("{a}&kind=volunteering"))),
                n("households_assisted", s.households_assisted, activities.clone().map(|a| format!("{a}&kind=assistance"))),
                fig("assistance_yuan", format!("{:.0}", s.assistance_yuan), activities.map(|a| format!("{a}&kind=assistance"))),
            ],
        },
    ]
}

/// What the dashboard shows for a query: the period, the scope, the figures and the groups.
struct Board {
    from: NaiveDate,
    to: NaiveDate,
    scope: Scope,
    stats: Stats,
    own_only: bool,
    tables: Vec<Table>,
    errors: Vec<FieldError>,
}

/// (title, scope parameter, figures) of the tables under the whole committee's figures.
const TABLES: [(&str, &str, &[&str]); 3] = [
    ("stats.by_group", "group", &["stats.members", "stats.people_visited", "stats.home_visits", "stats.proposals", "stats.research_reports", "stats.receptions", "stats.activities"]),
    ("stats.by_studio", "studio", &["stats.receptions", "stats.citizens_received", "stats.demands", "stats.demands_resolved"]),
    ("stats.by_place", "place", &["stats.people_visited", "stats.home_visits", "stats.consultations", "stats.receptions", "stats.demands", "stats.activities"]),
];

/// A figure of `s` by its label key (the tables' columns).
fn figure_of(s: &Stats, key: &str) -> u64 {
    match key {
        "stats.members" => s.members,
        "stats.people_visited" => s.people_visited,
        "stats.home_visits" => s.home_visits,
        "stats.proposals" => s.proposals,
        "stats.research_reports" => s.research_reports,
        "stats.receptions" => s.receptions,
        "stats.citizens_received" => s.citizens_received,
        "stats.demands" => s.demands,
        "stats.demands_resolved" => s.demands_resolved,
        "stats.consultations" => s.consultations,
        _ => s.activities,
    }
}

/// The rows of the three tables: every active group, studio and street or town (top place).
async fn tables(state: &AppState, shell: Option<&Shell>, committee_id: i64, from: NaiveDate, to: NaiveDate) -> AppResult<Vec<Table>> {
    let groups: Vec<(i64, String)> = crate::org::structure::groups(&state.db, committee_id).await?.into_iter().filter(|g| !g.retired).map(|g| (g.id, g.name)).collect();
    let studios: Vec<(i64, String)> = crate::studios::store::list(&state.db, committee_id).await?.into_iter().filter(|s| !s.retired).map(|s| (s.id, s.name)).collect();
    let places: Vec<(i64, String)> = crate::org::structure::places(&state.db, committee_id).await?.into_iter().filter(|p| !p.retired && p.parent_id.is_none()).map(|p| (p.id, p.name)).collect();
    let ids = |e: &[(i64, String)]| e.iter().map(|x| x.0).collect::<Vec<_>>();
    let figures = crate::stats::grouped::tables(&state.db, committee_id, from, to, &ids(&groups), &ids(&studios), &ids(&places)).await?;
    let mut out = Vec::new();
    for ((title, param, keys), (entries, by_id)) in TABLES.iter().zip([(groups, &figures.groups), (studios, &figures.studios), (places, &figures.places)]) {
        let mut rows = Vec::new();
        for (id, name) in entries {
            let s = by_id.get(&id).cloned().unwrap_or_default();
            rows.push(GroupRow { id, name, cells: keys.iter().map(|k| figure_of(&s, k).to_string()).collect() });
        }
        let label = |k: &str| shell.map_or(crate::app::i18n::Lang::Zh.t(k), |sh| sh.t(k));
        out.push(Table { title: label(title), param, heads: keys.iter().map(|k| label(k)).collect(), rows });
    }
    Ok(out)
}

/// The committees directly below, each with its own tree's figures (a parent's roll-up, row by
/// row; the rows add up to the committee's figures less its own). Not linked: a committee's
/// dashboard is for its own staff.
fn children_table(shell: Option<&Shell>, children: Vec<(crate::org::store::Committee, Stats)>) -> Table {
    const KEYS: [&str; 7] = ["stats.members", "stats.people_visited", "stats.consultations", "stats.proposals", "stats.citizens_received", "stats.demands_resolved", "stats.activities"];
    let label = |k: &str| shell.map_or(crate::app::i18n::Lang::Zh.t(k), |sh| sh.t(k));
    let rows = children.into_iter().map(|(c, s)| GroupRow { id: c.id, name: c.name, cells: KEYS.iter().map(|k| figure_of(&s, k).to_string()).collect() }).collect();
    Table { title: label("stats.by_committee"), param: "", heads: KEYS.iter().map(|k| label(k)).collect(), rows }
}

/// The period (this year to date when not given) and scope of a page's query; a bad value is
/// named and replaced by the default, so the page still shows figures.
async fn period_and_scope(state: &AppState, committee_id: i64, q: &StatsQuery) -> AppResult<(NaiveDate, NaiveDate, Scope, Vec<FieldError>)> {
    let today = today();
    let defaulted = StatsQuery { from: if q.from.trim().is_empty() { format!("{}-01-01", today.year()) } else { q.from.clone() }, to: if q.to.trim().is_empty() { today.to_string() } else { q.to.clone() }, ..q.clone() };
    let (mut errors, (from, to, mut scope)): (Vec<FieldError>, _) = match defaulted.parse() {
        Ok(p) => (Vec::new(), p),
        Err(e) => (e, (NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("new year"), today, Scope::Committee)),
    };
    if !metrics::scope_exists(&state.db, committee_id, scope).await? {
        errors.push(FieldError::new("scope", "err.choice"));
        scope = Scope::Committee;
    }
    Ok((from, to, scope, errors))
}

async fn board(state: &AppState, shell: Option<&Shell>, committee_id: i64, q: &StatsQuery) -> AppResult<Board> {
    let (from, to, scope, errors) = period_and_scope(state, committee_id, q).await?;
    let (stats, children) = match scope {
        Scope::Committee => metrics::with_children(&state.db, committee_id, from, to).await?,
        _ => (metrics::compute(&state.db, committee_id, from, to, scope).await?, Vec::new()),
    };
    let own_only = children.is_empty();
    let mut tables = if scope == Scope::Committee { tables(state, shell, committee_id, from, to).await? } else { Vec::new() };
    if !own_only {
        tables.insert(0, children_table(shell, children));
    }
    Ok(Board { from, to, scope, stats, own_only, tables, errors })
}

pub async fn dashboard(State(state): State<AppState>, a: Authed, Query(q): Query<StatsQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewStats, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let shell = a.ctx.shell;
    let b = board(&state, Some(&shell), cid, &q).await?;
    let charts = trend_charts(&state, &shell, cid, b.from, b.to, b.scope).await?;
    let choices = crate::org::structure::filter_choices(&state.db, cid).await?;
    let page = DashboardPage {
        errors: FormErrors::new(shell.lang, &b.errors),
        presets: presets(&shell, today()),
        sections: sections(&shell, &b.stats, b.from, b.to, b.scope, b.own_only),
        studios: crate::studios::store::list(&state.db, cid).await?.into_iter().filter(|s| !s.retired).map(|s| (s.id, s.name)).collect(),
        sectors: crate::org::structure::sectors(&state.db, cid).await?.into_iter().map(|s| (s.id, s.name)).collect(),
        groups: choices.groups,
        places: choices.places,
        from: b.from,
        to: b.to,
        tables: b.tables,
        shell,
        q,
        charts,
    };
    html(&page)
}

/// The dashboard's figures and group table as .xlsx.
pub async fn export(State(state): State<AppState>, a: Authed, Query(q): Query<StatsQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewStats, &Target::own(&a.actor))?;
    let shell = a.ctx.shell;
    let b = board(&state, Some(&shell), a.actor.committee_id, &q).await?;
    let figures: Vec<(String, String, String)> = sections(&shell, &b.stats, b.from, b.to, b.scope, false)
        .into_iter()
        .flat_map(|s| s.figures.into_iter().map(move |f| (s.title.to_string(), f.label.to_string(), f.value)))
        .collect();
    let title = format!("{}—{}", b.from, b.to);
    let bytes = crate::stats::export::dashboard_xlsx(&title, &figures, &b.tables).map_err(|e| crate::app::error::AppError::Internal(e.into()))?;
    Ok(crate::proposals::downloads::file_response(bytes, crate::proposals::downloads::XLSX, &format!("stats-{}-{}.xlsx", b.from, b.to)))
}

#[derive(Template)]
#[template(path = "stats/public.html")]
struct PublicPage {
    shell: Shell,
    committee: String,
    code: String,
    year: i32,
    years: Vec<i32>,
    sections: Vec<Section>,
    charts: Vec<(&'static str, String)>,
}

/// The monthly bars of a period for the four series the dashboards show.
async fn trend_charts(state: &AppState, shell: &Shell, committee_id: i64, from: NaiveDate, to: NaiveDate, scope: Scope) -> AppResult<Vec<(&'static str, String)>> {
    let mut series: [Vec<f64>; 4] = Default::default();
    let mut labels = Vec::new();
    for m in crate::stats::grouped::monthly(&state.db, committee_id, from, to, scope).await? {
        labels.push(format!("{}月", m.first.month()));
        for (i, v) in [m.people_visited, m.proposals, m.citizens_received, m.activities].into_iter().enumerate() {
            series[i].push(v as f64);
        }
    }
    let names = [("stats.people_visited", "人次"), ("stats.proposals", "件"), ("stats.citizens_received", "人次"), ("stats.activities", "次")];
    Ok(names.iter().zip(&series).map(|((k, unit), values)| (shell.t(k), charts::bars(shell.t(k), &labels, values, unit))).collect())
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    pub year: String,
}

/// The public dashboard (no login): a year's aggregate figures and monthly charts, summed over
/// the committee's tree; no names, no lists.
pub async fn public(State(state): State<AppState>, ctx: crate::app::shell::Ctx, axum::extract::Path(code): axum::extract::Path<String>, Query(q): Query<YearQuery>) -> AppResult<Response> {
    let c = crate::demands::public_pages::committee_by_code(&state, &code).await?;
    let this_year = today().year();
    let year = q.year.trim().parse::<i32>().ok().filter(|y| (2000..=this_year).contains(y)).unwrap_or(this_year);
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("new year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("new year's eve").min(today());
    let stats = metrics::compute(&state.db, c.id, from, to, Scope::Committee).await?;
    let shell = ctx.shell;
    let charts = trend_charts(&state, &shell, c.id, from, to, Scope::Committee).await?;
    let page = PublicPage {
        sections: sections(&shell, &stats, from, to, Scope::Committee, false),
        years: (this_year - 4..=this_year).rev().collect(),
        committee: c.name,
        code: c.code,
        shell,
        year,
        charts,
    };
    html(&page)
}

#[derive(Template)]
#[template(path = "stats/summary.html")]
struct SummaryPage {
    shell: Shell,
    q: StatsQuery,
    from: NaiveDate,
    to: NaiveDate,
    committee: String,
    paragraphs: Vec<String>,
    errors: FormErrors,
}

/// The period and scope of a summary (this year by default), and the committee's figures.
async fn summary_of(state: &AppState, a: &Authed, q: &StatsQuery) -> AppResult<(NaiveDate, NaiveDate, String, Vec<String>, Vec<FieldError>)> {
    authorize(&a.actor, Action::ViewStats, &Target::own(&a.actor))?;
    let (from, to, scope, errors) = period_and_scope(state, a.actor.committee_id, q).await?;
    let stats = metrics::compute(&state.db, a.actor.committee_id, from, to, scope).await?;
    let committee = crate::org::store::find_committee(&state.db, a.actor.committee_id).await?.map(|c| c.name).unwrap_or_default();
    Ok((from, to, committee, crate::stats::summary::work_summary(from, to, &stats), errors))
}

/// The work summary of a period as a page.
pub async fn summary(State(state): State<AppState>, a: Authed, Query(q): Query<StatsQuery>) -> AppResult<Response> {
    let (from, to, committee, paragraphs, errors) = summary_of(&state, &a, &q).await?;
    let shell = a.ctx.shell;
    html(&SummaryPage { errors: FormErrors::new(shell.lang, &errors), shell, q, from, to, committee, paragraphs })
}

/// The work summary as a Word document.
pub async fn summary_docx(State(state): State<AppState>, a: Authed, Query(q): Query<StatsQuery>) -> AppResult<Response> {
    let (from, to, committee, paragraphs, _) = summary_of(&state, &a, &q).await?;
    let doc = crate::proposals::documents::FormalDoc {
        heading: format!("{committee}工作情况"),
        title: format!("{}至{}履职工作情况", crate::proposals::documents::chinese_date(from), crate::proposals::documents::chinese_date(to)),
        sections: vec![("一、总体情况".into(), paragraphs.join("\n"))],
        issuer: committee,
        date: today(),
    };
    let bytes = crate::proposals::documents::formal_docx(&doc);
    Ok(crate::proposals::downloads::file_response(bytes, crate::proposals::downloads::DOCX, &format!("summary-{from}-{to}.docx")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_becomes_the_lists_filter() {
        assert_eq!(list_scope(Scope::Group(3), "group", true), Some("&group=3".into()));
        assert_eq!(list_scope(Scope::Group(3), "member_group", true), Some("&member_group=3".into()));
        assert_eq!(list_scope(Scope::Studio(5), "group", false), Some("&studio=5".into()));
        assert_eq!(list_scope(Scope::Place(7), "group", false), Some("&place=7".into()));
        assert_eq!(list_scope(Scope::Sector(2), "group", true), Some("&sector=2".into()));
        assert_eq!(list_scope(Scope::Sector(2), "group", false), None, "nothing comes through a sector");
        assert_eq!(list_scope(Scope::Committee, "group", false), Some(String::new()));
    }
}
