//! 社情民意 pages: the list in the views each role works from (a member's own reports, the
//! office's screening queue and reports to issue, a leader's to approve, everything) with the
//! filters of the API, and one report with its text (the original beside the adopted edit, the
//! changes marked), its outcomes, its timeline and the moves the viewer may make.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, local_time};
use crate::opinions::diff::{self, Span};
use crate::opinions::metrics::{self, MetricsFilter, OpinionMetrics};
use crate::opinions::model::{Level, OutcomeForm, OutcomeKind, ReportState, SubmitterKind, TextForm, Viewer};
use crate::opinions::store::{self, GroupScope, Outcome, Report, ReportFilter, Scope};
use crate::org::members::{self, MemberFilter};
use crate::org::scope::ListScope;
use crate::org::structure::{self, with_below};
use crate::proposals::pages::own_member;
use crate::research::pages::topic_label;
use crate::stats::export::ListFormat;

/// Who is looking, as the rules need it.
pub async fn viewer_of(state: &AppState, a: &Actor) -> AppResult<Viewer> {
    let own = Target::own(a);
    Ok(Viewer {
        user_id: a.user_id,
        member: own_member(state, a).await?,
        staff: may(a, Action::ScreenOpinionReports, &own),
        leader: may(a, Action::ApproveOpinionReports, &own),
    })
}

/// A report the viewer may see, with the authors it credits.
pub struct Seen {
    pub r: Report,
    pub authors: Vec<i64>,
    pub viewer: Viewer,
}

/// The report `id` of the actor's committee if the actor may see it; otherwise "not found", so
/// others' drafts (and the child committees' reports) do not even show they exist.
pub async fn visible(state: &AppState, a: &Actor, id: i64) -> AppResult<Seen> {
    authorize(a, Action::ViewOpinionReports, &Target::own(a))?;
    let r = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let authors = store::credited_authors(&state.db, &r).await?;
    let viewer = viewer_of(state, a).await?;
    if !viewer.may_see(&r.facts(&authors)) {
        return Err(AppError::NotFound);
    }
    Ok(Seen { r, authors, viewer })
}

/// The views of the list: what each shows is decided here, per role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The viewer's own reports, drafts included.
    Mine,
    /// Sent in, waiting for the office.
    Queue,
    /// Adopted, waiting for a leader.
    Approval,
    /// Approved, waiting for a bulletin.
    ToIssue,
    /// Everything sent in.
    All,
    /// Everything issued (a member reads the bulletins' reports).
    Issued,
}

impl View {
    const ALL: [View; 6] = [Self::Mine, Self::Queue, Self::Approval, Self::ToIssue, Self::All, Self::Issued];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Queue => "queue",
            Self::Approval => "approval",
            Self::ToIssue => "to_issue",
            Self::All => "all",
            Self::Issued => "issued",
        }
    }

    fn from_code(s: &str) -> Option<View> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The views a viewer has, its default first.
    pub fn for_viewer(v: &Viewer) -> Vec<View> {
        if v.staff {
            vec![Self::Queue, Self::ToIssue, Self::Approval, Self::All, Self::Mine]
        } else if v.leader {
            let mut views = vec![Self::Approval, Self::All];
            if v.member.is_some() {
                views.push(Self::Mine);
            }
            views
        } else {
            vec![Self::Mine, Self::Issued]
        }
    }

    /// The view named in the query if the viewer has it, else the viewer's default.
    pub fn pick(v: &Viewer, code: &str) -> View {
        let views = Self::for_viewer(v);
        View::from_code(code.trim()).filter(|x| views.contains(x)).unwrap_or(views[0])
    }

    /// Narrows a filter to the view: whose reports, in which states.
    pub fn narrow(self, f: &mut ReportFilter) {
        let fixed = |f: &mut ReportFilter, s: ReportState| f.states = vec![s];
        match self {
            Self::Mine => f.scope = Scope::Own,
            Self::Issued => f.scope = Scope::Issued,
            Self::All => f.scope = Scope::Office,
            Self::Queue => {
                f.scope = Scope::Office;
                fixed(f, ReportState::Submitted);
            }
            Self::Approval => {
                f.scope = Scope::Office;
                fixed(f, ReportState::Adopted);
            }
            Self::ToIssue => {
                f.scope = Scope::Office;
                fixed(f, ReportState::Approved);
            }
        }
    }
}

/// The filters of the list and the API, as sent (text, so a bad value is named).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpinionQuery {
    /// Sent in on or after this date (YYYY-MM-DD, China time).
    #[serde(default)]
    pub from: String,
    /// Sent in on or before this date.
    #[serde(default)]
    pub to: String,
    /// Group id: reports written in its name or a group's below it, or by one of their members.
    #[serde(default)]
    pub group: String,
    /// Member id: reports it wrote (first author or joint).
    #[serde(default)]
    pub member: String,
    /// draft, submitted, returned, adopted, kept, merged, approved or issued.
    #[serde(default)]
    pub status: String,
    /// district, city, province or national: reports with an outcome at that level.
    #[serde(default)]
    pub level: String,
    /// Place id: reports by the members at it or a place below it (the dashboard's place scope;
    /// a report happens nowhere).
    #[serde(default)]
    pub place: String,
    /// Studio id: reports by its members.
    #[serde(default)]
    pub studio: String,
    /// Sector id: reports by its members.
    #[serde(default)]
    pub sector: String,
    /// `1`: only the reports sent in (no drafts, no combined reports), as 社情民意数 counts them.
    #[serde(default)]
    pub sent_in: String,
}

/// The list's view (pages only).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ViewQuery {
    #[serde(default)]
    pub view: String,
}

impl OpinionQuery {
    /// The filter (without its scope) and the group chosen with the groups below it; each bad
    /// value is named and left out.
    pub fn parse(&self, groups: &[(i64, Option<i64>)]) -> (ReportFilter, Option<Vec<i64>>, Vec<FieldError>) {
        let mut l = Lenient::default();
        let (from, to) = l.period(&self.from, &self.to);
        let group = l.id("group", &self.group, Some(groups));
        let member_id = l.id("member", &self.member, None);
        let status = l.code("status", &self.status, ReportState::from_code);
        let level = l.code("level", &self.level, Level::from_code);
        let f = ReportFilter { from, to, member_id, states: status.into_iter().collect(), level, sent_in: self.sent_in.trim() == "1", ..Default::default() };
        (f, group.map(|g| with_below(g, groups)), l.0)
    }

    /// The query without the page, for the pager and the export.
    pub fn query_string(&self, extra: &[(&str, &str)]) -> String {
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("group", &self.group),
            ("member", &self.member),
            ("status", &self.status),
            ("level", &self.level),
            ("place", &self.place),
            ("studio", &self.studio),
            ("sector", &self.sector),
            ("sent_in", &self.sent_in),
        ];
        let mut all: Vec<(&str, &str)> = extra.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
        all.extend(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())));
        serde_urlencoded::to_string(all).unwrap_or_default()
    }
}

/// A group as a scope: its id and those below it, with every member of them (past members
/// too: their reports still count for the group).
pub async fn group_scope(state: &AppState, committee_id: i64, group_ids: Vec<i64>) -> AppResult<GroupScope> {
    let mf = MemberFilter { group_ids: Some(group_ids.clone()), ..Default::default() };
    let member_ids = members::all(&state.db, committee_id, &mf).await?.into_iter().map(|m| m.id).collect();
    Ok(GroupScope { group_ids, member_ids })
}

/// The store's filter for a query, for `v` (its own reports are decided by it).
pub async fn checked_filter(state: &AppState, a: &Actor, v: &Viewer, q: &OpinionQuery) -> AppResult<(ReportFilter, Vec<FieldError>)> {
    let groups: Vec<(i64, Option<i64>)> = structure::groups(&state.db, a.committee_id).await?.into_iter().map(|g| (g.id, g.parent_id)).collect();
    let (mut f, group_ids, mut errors) = q.parse(&groups);
    if let Some(ids) = group_ids {
        f.group = Some(group_scope(state, a.committee_id, ids).await?);
    }
    // A place's, studio's or sector's reports are its members' (none is written in its name).
    let (scope, scope_errors) = ListScope::parse(&state.db, a.committee_id, "", &q.studio, &q.place, &q.sector).await?;
    errors.extend(scope_errors);
    if let Some(member_ids) = scope.members_with_place(&state.db, a.committee_id).await? {
        f.group = Some(match f.group {
            Some(g) => GroupScope { member_ids: g.member_ids.into_iter().filter(|m| member_ids.contains(m)).collect(), group_ids: Vec::new() },
            None => GroupScope { group_ids: Vec::new(), member_ids },
        });
    }
    f.user_id = v.user_id;
    f.member = v.member;
    Ok((f, errors))
}

pub fn state_label(shell: &Shell, s: ReportState) -> &'static str {
    shell.t(&s.label_key())
}

/// The tag class of a state: waiting ones stand out, finished ones are green.
pub fn state_class(s: ReportState) -> &'static str {
    match s {
        ReportState::Draft | ReportState::Kept => "off",
        ReportState::Submitted | ReportState::Returned => "warn",
        ReportState::Adopted | ReportState::Approved => "note",
        ReportState::Merged | ReportState::Issued => "on",
    }
}

/// "市政协采用", "区级领导批示".
pub fn outcome_label(shell: &Shell, o: &Outcome) -> String {
    match (o.kind(), o.level()) {
        (Some(k), Some(l)) => shell.t(&k.label_key(l)).to_string(),
        _ => String::new(),
    }
}

/// Adoptions are green, adoptions above and instructions stand out, forwardings are notes.
pub fn outcome_class(o: &Outcome, own: Level) -> &'static str {
    match o.kind() {
        Some(OutcomeKind::Adopted | OutcomeKind::Combined) if o.level().is_some_and(|l| l > own) => "up",
        Some(OutcomeKind::Adopted | OutcomeKind::Combined) => "on",
        Some(OutcomeKind::Instructed) => "up",
        _ => "note",
    }
}

/// A report as the lists show it.
pub struct Row {
    pub id: i64,
    pub on_date: NaiveDate,
    pub title: String,
    pub category: &'static str,
    /// Its authors, group, informant or sending committee.
    pub by: String,
    pub state: &'static str,
    pub state_class: &'static str,
    /// (tag class, label) of each outcome.
    pub outcomes: Vec<(&'static str, String)>,
    pub from_below: bool,
    pub combined: bool,
    pub sent_up: bool,
}

/// Who a report is by, in one line: "张三、李四", "书院路政协小组（张三）", "特邀信息员 王某".
pub fn by_line(shell: &Shell, r: &Report, authors: &[String], group: Option<&String>) -> String {
    let names = authors.join("、");
    match r.kind() {
        _ if r.combined => shell.t("opinion.combined").to_string(),
        SubmitterKind::Member => names,
        SubmitterKind::Group => match (group, names.is_empty()) {
            (Some(g), true) => g.clone(),
            (Some(g), false) => format!("{g}（{names}）"),
            (None, _) => names,
        },
        SubmitterKind::Committee => r.submitter_name.clone(),
        SubmitterKind::Staff | SubmitterKind::Informant => {
            let kind = shell.t(&format!("opinion.kind.{}", r.submitter_kind));
            if r.submitter_name.is_empty() { kind.to_string() } else { format!("{kind} {}", r.submitter_name) }
        }
    }
}

/// Rows for reports, with names, groups and outcomes resolved in a few queries.
pub async fn rows(state: &AppState, shell: &Shell, committee_id: i64, list: &[Report]) -> AppResult<Vec<Row>> {
    let groups: HashMap<i64, String> = structure::groups(&state.db, committee_id).await?.into_iter().map(|g| (g.id, g.name)).collect();
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let authors = store::authors_of(&state.db, &ids).await?;
    let outcomes = store::outcomes_of(&state.db, &ids).await?;
    let names = members::names(&state.db, &authors.values().flatten().copied().collect::<Vec<_>>()).await?;
    let own = crate::opinions::moves::Seat::load(&state.db, committee_id).await?.level;
    Ok(list
        .iter()
        .map(|r| {
            let who: Vec<String> = authors.get(&r.id).map(|a| a.iter().filter_map(|m| names.get(m).cloned()).collect()).unwrap_or_default();
            Row {
                id: r.id,
                on_date: r.submitted_on,
                title: r.current_title().to_string(),
                category: topic_label(shell, &r.category),
                by: by_line(shell, r, &who, r.group_id.and_then(|g| groups.get(&g))),
                state: state_label(shell, r.state()),
                state_class: state_class(r.state()),
                outcomes: outcomes.get(&r.id).map(|os| os.iter().map(|o| (outcome_class(o, own), outcome_label(shell, o))).collect()).unwrap_or_default(),
                from_below: r.from_committee_id.is_some(),
                combined: r.combined,
                sent_up: r.sent_up_id.is_some(),
            }
        })
        .collect())
}

/// A demand or proposal converted into an opinion report that nobody has drafted yet.
pub struct Conversion {
    pub href: String,
    pub kind: &'static str,
    pub text: String,
}

/// What the office still has to draft from conversions (the queue shows it).
async fn conversions(state: &AppState, shell: &Shell, committee_id: i64) -> AppResult<Vec<Conversion>> {
    use crate::demands::store::demand;
    use crate::proposals::store::proposal;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let snippet = |s: &str| -> String { s.chars().take(60).collect() };
    let demands = demand::Entity::find()
        .filter(demand::Column::CommitteeId.eq(committee_id))
        .filter(demand::Column::ConvertedKind.eq("opinion_report"))
        .filter(demand::Column::ConvertedId.is_null())
        .order_by_asc(demand::Column::Id)
        .limit(20)
        .all(&state.db)
        .await?;
    let mut out: Vec<Conversion> = demands
        .iter()
        .map(|d| Conversion { href: format!("/opinion-reports/new?source_type=demand&source_id={}", d.id), kind: shell.t("opinion.source.demand"), text: snippet(&d.description) })
        .collect();
    let marker = crate::app::i18n::Lang::Zh.t("proposal.convert_to.opinion_report");
    let converted = proposal::Entity::find()
        .filter(proposal::Column::CommitteeId.eq(committee_id))
        .filter(proposal::Column::State.eq("converted"))
        .filter(proposal::Column::Reason.starts_with(marker))
        .order_by_asc(proposal::Column::Id)
        .limit(50)
        .all(&state.db)
        .await?;
    for p in converted {
        if store::from_source(&state.db, committee_id, crate::opinions::model::SourceType::Proposal, p.id).await?.is_empty() {
            out.push(Conversion { href: format!("/opinion-reports/new?source_type=proposal&source_id={}", p.id), kind: shell.t("opinion.source.proposal"), text: p.title });
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "opinions/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<Row>,
    pager: Pager,
    views: Vec<(&'static str, &'static str)>,
    view: &'static str,
    q: OpinionQuery,
    groups: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
    states: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    figures: Option<OpinionMetrics>,
    /// The filters and view as a query string (the export link).
    query: String,
    conversions: Vec<Conversion>,
    can_write: bool,
    staff: bool,
    register: bool,
    errors: FormErrors,
}

pub fn levels(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    Level::ALL.iter().map(|l| (l.as_str(), shell.t(&format!("opinion.level.{}", l.as_str())))).collect()
}

/// Staff and leaders keep the register and see the figures.
pub fn office_or_leader(v: &Viewer) -> bool {
    v.staff || v.leader
}

/// "12.5%".
pub fn percent(rate: &Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

/// The 社情民意 work waiting for `a`, for the home page: (label, count, link, needs attention) —
/// the office's queue, reports to issue and to approve, a leader's approvals, a member's
/// returned reports to revise.
pub async fn work(state: &AppState, a: &Actor, shell: &Shell) -> AppResult<Vec<(&'static str, u64, String, bool)>> {
    if !may(a, Action::ViewOpinionReports, &Target::own(a)) {
        return Ok(vec![]);
    }
    let v = viewer_of(state, a).await?;
    let mut out = Vec::new();
    for view in View::for_viewer(&v).into_iter().filter(|x| matches!(x, View::Queue | View::Approval | View::ToIssue)) {
        let mut f = ReportFilter { user_id: v.user_id, member: v.member, ..Default::default() };
        view.narrow(&mut f);
        let n = store::count(&state.db, a.committee_id, &f).await?;
        out.push((shell.t(&format!("opinion.view.{}", view.as_str())), n, format!("/opinion-reports?view={}", view.as_str()), false));
    }
    if v.member.is_some() {
        let mut f = ReportFilter { user_id: v.user_id, member: v.member, states: vec![ReportState::Returned], ..Default::default() };
        View::Mine.narrow(&mut f);
        f.states = vec![ReportState::Returned];
        let n = store::count(&state.db, a.committee_id, &f).await?;
        out.push((shell.t("opinion.home.returned"), n, "/opinion-reports?view=mine&status=returned".to_string(), true));
    }
    Ok(out)
}

pub async fn list(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<OpinionQuery>,
    Query(vq): Query<ViewQuery>,
    Query(pq): Query<PageQuery>,
    Query(fmt): Query<ListFormat>,
) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewOpinionReports, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let v = viewer_of(&state, &a.actor).await?;
    let view = View::pick(&v, &vq.view);
    let (mut f, errors) = checked_filter(&state, &a.actor, &v, &q).await?;
    let figures_filter = MetricsFilter { from: f.from, to: f.to, group: f.group.clone() };
    view.narrow(&mut f);
    if fmt.xlsx() {
        return export(&state, &a, &f).await;
    }
    let (list, total) = store::list(&state.db, cid, &f, page).await?;
    let shell = a.ctx.shell;
    let choices = structure::filter_choices(&state.db, cid).await?;
    let figures = match view {
        View::All if office_or_leader(&v) => Some(metrics::load(&state.db, cid, &figures_filter).await?),
        _ => None,
    };
    let conversions = if view == View::Queue { conversions(&state, &shell, cid).await? } else { vec![] };
    let page = ListPage {
        rows: rows(&state, &shell, cid, &list).await?,
        pager: Pager::new(page, total, q.query_string(&[("view", view.as_str())])),
        query: q.query_string(&[("view", view.as_str())]),
        views: View::for_viewer(&v).into_iter().map(|x| (x.as_str(), shell.t(&format!("opinion.view.{}", x.as_str())))).collect(),
        view: view.as_str(),
        groups: choices.groups,
        members: choices.members,
        states: ReportState::ALL.iter().map(|s| (s.as_str(), state_label(&shell, *s))).collect(),
        levels: levels(&shell),
        can_write: may(&a.actor, Action::WriteOpinionReports, &Target::own(&a.actor)),
        staff: v.staff,
        register: office_or_leader(&v),
        errors: FormErrors::new(shell.lang, &errors),
        figures,
        conversions,
        shell,
        q,
    };
    html(&page)
}

/// The list under its view and filters as .xlsx (what the viewer sees on the page).
async fn export(state: &AppState, a: &Authed, f: &ReportFilter) -> AppResult<Response> {
    use crate::stats::export::{Cell, LIST_CAP, list_download};
    let cid = a.actor.committee_id;
    let (list, total) = store::list(&state.db, cid, f, PageRequest { page: 1, per_page: LIST_CAP }).await?;
    let shell = &a.ctx.shell;
    let rows: Vec<Vec<Cell>> = rows(state, shell, cid, &list)
        .await?
        .into_iter()
        .map(|r| {
            let outcomes: Vec<String> = r.outcomes.into_iter().map(|(_, l)| l).collect();
            vec![r.on_date.to_string().into(), r.title.into(), r.category.into(), r.by.into(), r.state.into(), outcomes.join("、").into()]
        })
        .collect();
    let heads = ["opinion.submitted_on", "opinion.title", "opinion.category", "opinion.authors", "opinion.state", "opinion.outcomes"].map(|k| shell.t(k));
    list_download("opinion-reports.xlsx", shell.t("nav.opinions"), &[(shell.t("stats.listed"), total.into())], &heads, &rows)
}

/// One outcome on the report's page.
pub struct OutcomeLine {
    pub on_date: NaiveDate,
    pub label: String,
    pub class: &'static str,
    pub by_whom: String,
    pub summary: String,
    pub combined: bool,
}

/// One line of the timeline.
pub struct EventLine {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub comment: String,
}

/// The forms of the report's page, as sent after an error (or fresh), and their errors.
#[derive(Default)]
pub struct Forms {
    pub adopt: TextForm,
    pub reason: String,
    pub outcome: OutcomeForm,
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "opinions/detail.html")]
struct DetailPage {
    shell: Shell,
    row: Row,
    r: Report,
    /// (member id, name, first author)
    authors: Vec<(i64, String, bool)>,
    link_members: bool,
    group: String,
    source: Option<(&'static str, String, i64)>,
    sent_to: String,
    bulletin: Option<(i64, String)>,
    combined_into: Option<(i64, String)>,
    parts: Vec<Row>,
    /// The adopted text differs from the original: the original and the changes are shown.
    edited: bool,
    diff: Vec<Span>,
    outcomes: Vec<OutcomeLine>,
    events: Vec<EventLine>,
    may_edit: bool,
    may_submit: bool,
    may_withdraw: bool,
    may_screen: bool,
    may_approve: bool,
    may_issue: bool,
    may_send_up: bool,
    may_record: bool,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    f: Forms,
    errors: FormErrors,
    /// The outcome form failed: it is shown open.
    outcome_failed: bool,
}

async fn names_of(state: &AppState, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    Ok(members::names(&state.db, ids).await?)
}

async fn timeline(state: &AppState, shell: &Shell, id: i64) -> AppResult<Vec<EventLine>> {
    let mut events = crate::tracking::store::timeline(&state.db, store::ITEM_TYPE, id).await?;
    // In the order things happened (an outcome recorded late may be dated before a later move).
    events.sort_by_key(|e| e.at);
    let labels = crate::tracking::store::actor_labels(&state.db, &events).await?;
    Ok(events
        .into_iter()
        .map(|e| EventLine {
            at: local_time(&e.at),
            who: e.actor_id.and_then(|u| labels.get(&u).cloned()).unwrap_or(e.actor_name),
            what: shell.t(&format!("opinion.event.{}", e.action)),
            comment: e.comment,
        })
        .collect())
}

/// The report's page with its forms; `f.errors` mark the form that failed (status 422).
pub async fn detail_page(state: &AppState, a: Authed, id: i64, mut f: Forms) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let Seen { r, authors, viewer } = visible(state, &a.actor, id).await?;
    let shell = a.ctx.shell;
    let names = names_of(state, &authors).await?;
    let seat = crate::opinions::moves::Seat::load(&state.db, cid).await?;
    let facts = r.facts(&authors);
    let state_now = r.state();
    let outcomes = store::outcomes_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default();
    let group = match r.group_id {
        Some(g) => structure::groups(&state.db, cid).await?.into_iter().find(|x| x.id == g).map(|x| x.name).unwrap_or_default(),
        None => String::new(),
    };
    let committee_name = |id: Option<i64>| async move {
        match id {
            Some(c) => crate::org::store::find_committee(&state.db, c).await.map(|c| c.map(|c| c.name).unwrap_or_default()),
            None => Ok(String::new()),
        }
    };
    let sent_to = match r.sent_up_id {
        Some(_) => committee_name(seat.parent_id).await?,
        None => String::new(),
    };
    let bulletin = match r.bulletin_id {
        Some(b) => store::find_bulletin(&state.db, cid, b).await?.map(|b| (b.id, crate::opinions::model::bulletin_name(b.year, b.seq))),
        None => None,
    };
    let combined_into = match r.combined_into_id {
        Some(c) => store::find(&state.db, cid, c).await?.map(|c| (c.id, c.current_title().to_string())),
        None => None,
    };
    let parts = if r.combined { rows(state, &shell, cid, &store::parts_of(&state.db, r.id).await?).await? } else { vec![] };
    let diff = diff::diff(&r.body, r.current_body());
    let edited = r.edited_body.is_some() && (diff::changed(&diff) || r.current_title() != r.title);
    if f.errors.is_empty() {
        f.adopt = TextForm { title: r.current_title().to_string(), body: r.current_body().to_string() };
        f.outcome = OutcomeForm { on_date: crate::app::shell::today().to_string(), level: seat.level.as_str().into(), ..Default::default() };
    }
    let page = DetailPage {
        row: rows(state, &shell, cid, std::slice::from_ref(&r)).await?.remove(0),
        authors: authors.iter().enumerate().map(|(i, m)| (*m, names.get(m).cloned().unwrap_or_default(), i == 0 && !r.combined)).collect(),
        link_members: may(&a.actor, Action::ViewMembers, &Target::own(&a.actor)),
        source: r.source().map(|(k, id)| (shell.t(&format!("opinion.source.{}", k.as_str())), k.href(id), id)),
        outcomes: outcomes
            .iter()
            .map(|o| OutcomeLine { on_date: o.on_date, label: outcome_label(&shell, o), class: outcome_class(o, seat.level), by_whom: o.by_whom.clone(), summary: o.summary.clone(), combined: o.combined })
            .collect(),
        events: timeline(state, &shell, r.id).await?,
        may_edit: viewer.may_edit(&facts),
        may_submit: state_now.editable() && viewer.may_edit(&facts),
        may_withdraw: state_now == ReportState::Submitted && viewer.actor_for(crate::opinions::model::ReportAction::Withdraw, &facts).is_some(),
        may_screen: viewer.staff && state_now == ReportState::Submitted,
        may_approve: viewer.leader && state_now == ReportState::Adopted,
        may_issue: viewer.staff && state_now == ReportState::Approved,
        may_send_up: viewer.staff && state_now == ReportState::Issued && r.sent_up_id.is_none() && seat.parent_id.is_some(),
        may_record: viewer.staff && !matches!(state_now, ReportState::Draft | ReportState::Submitted | ReportState::Returned),
        kinds: OutcomeKind::RECORDED.iter().map(|k| (k.as_str(), shell.t(&format!("opinion.outcome_kind.{}", k.as_str())))).collect(),
        levels: levels(&shell),
        errors: FormErrors::new(shell.lang, &f.errors),
        outcome_failed: f.errors.iter().any(|e| ["kind", "level", "by_whom", "on_date", "summary"].contains(&e.field)),
        group,
        sent_to,
        bulletin,
        combined_into,
        parts,
        edited,
        diff,
        f,
        r,
        shell,
    };
    let failed = !page.errors.is_empty();
    let mut res = html(&page)?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    detail_page(&state, a, id, Forms::default()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(staff: bool, leader: bool, member: Option<i64>) -> Viewer {
        Viewer { user_id: 1, member, staff, leader }
    }

    #[test]
    fn each_role_gets_its_views_and_cannot_borrow_others() {
        let member = viewer(false, false, Some(7));
        assert_eq!(View::pick(&member, ""), View::Mine);
        assert_eq!(View::pick(&member, "queue"), View::Mine, "a member has no screening queue");
        assert_eq!(View::pick(&member, "issued"), View::Issued);
        let staff = viewer(true, false, None);
        assert_eq!(View::pick(&staff, ""), View::Queue);
        assert_eq!(View::pick(&staff, "to_issue"), View::ToIssue);
        let leader = viewer(false, true, Some(1));
        assert_eq!(View::pick(&leader, ""), View::Approval);
        assert_eq!(View::for_viewer(&leader), [View::Approval, View::All, View::Mine]);
        assert_eq!(View::for_viewer(&viewer(false, true, None)), [View::Approval, View::All]);
        let mut f = ReportFilter { states: vec![ReportState::Kept], ..Default::default() };
        View::Queue.narrow(&mut f);
        assert_eq!((f.scope, f.states), (Scope::Office, vec![ReportState::Submitted]), "the queue's state wins");
        let mut f = ReportFilter::default();
        View::Mine.narrow(&mut f);
        assert_eq!(f.scope, Scope::Own);
    }

    #[test]
    fn filters_are_checked_and_each_bad_one_named() {
        let groups = [(1, None), (2, Some(1)), (3, None)];
        let q = OpinionQuery { from: "2022-01-01".into(), to: "2022-04-19".into(), group: "1".into(), member: "7".into(), status: "issued".into(), level: "city".into(), ..Default::default() };
        let (f, g, errors) = q.parse(&groups);
        assert!(errors.is_empty());
        assert_eq!((g, f.member_id, f.states, f.level), (Some(vec![1, 2]), Some(7), vec![ReportState::Issued], Some(Level::City)));
        assert_eq!(q.query_string(&[("view", "all")]), "view=all&from=2022-01-01&to=2022-04-19&group=1&member=7&status=issued&level=city");
        let bad = OpinionQuery { from: "x".into(), group: "9".into(), status: "lost".into(), level: "town".into(), ..Default::default() };
        let (f, g, errors) = bad.parse(&groups);
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["from", "group", "status", "level"]);
        assert_eq!((f.from, g, f.states.len(), f.level), (None, None, 0, None), "bad filters are left out");
    }

    #[test]
    fn rates_print_as_percentages() {
        assert_eq!(percent(&Some(0.4567)), "45.7%");
        assert_eq!(percent(&None), "—");
    }
}
