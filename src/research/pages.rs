//! Research report pages: the list with its figures and filters, a report with its authors,
//! document and outcomes (staff record outcomes there), the document download, and the rows the
//! member file shows. The report form is in `form_pages`.
use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient};
use crate::app::i18n::Lang;
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, local_time, redirect_with_flash, today};
use crate::org::members::{self, MemberFilter};
use crate::org::model::Role;
use crate::org::scope::ListScope;
use crate::org::structure::{self, with_below};
use crate::proposals::pages::own_member;
use crate::research::model::{Level, OutcomeForm, OutcomeKind, Topic, Writer};
use crate::research::store::{self, GroupScope, Outcome, Report, ReportFilter, ReportTotals};
use crate::stats::export::ListFormat;
use crate::tracking::attachments;
use crate::visits::pages::trees;

impl Writer {
    /// The writer `actor` is: staff and admins edit anything; leaders name any authors.
    pub async fn of(state: &AppState, actor: &Actor) -> AppResult<Writer> {
        Ok(Writer {
            member: own_member(state, actor).await?,
            staff: matches!(actor.role, Role::Admin | Role::Staff),
            any_authors: matches!(actor.role, Role::Admin | Role::Staff | Role::Leader),
        })
    }
}

/// The filters of the list and the API, as sent (text, so a bad value is named).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResearchQuery {
    /// Submitted on or after this date (YYYY-MM-DD, China time).
    #[serde(default)]
    pub from: String,
    /// Submitted on or before this date.
    #[serde(default)]
    pub to: String,
    /// Group id: reports written in its name or a group's below it, or by one of their members.
    #[serde(default)]
    pub group: String,
    /// Place id: reports researched there or at a place below it.
    #[serde(default)]
    pub place: String,
    /// Outcome kind (adopted, instructed or forwarded): reports with such an outcome.
    #[serde(default)]
    pub kind: String,
    /// Member id: reports this member wrote (lead or co-author).
    #[serde(default)]
    pub member: String,
    /// Studio id: reports one of its members wrote (the dashboard's studio scope).
    #[serde(default)]
    pub studio: String,
    /// Sector id: reports one of its members wrote.
    #[serde(default)]
    pub sector: String,
}

/// A query's filters once checked; the group still to be turned into its members.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub filter: ReportFilter,
    pub group_ids: Option<Vec<i64>>,
}

impl ResearchQuery {
    /// Checks every filter against the committee's groups and places; each bad one is named and
    /// left out.
    pub fn parse(&self, groups: &[(i64, Option<i64>)], places: &[(i64, Option<i64>)]) -> (Parsed, Vec<FieldError>) {
        let mut l = Lenient::default();
        let group = l.id("group", &self.group, Some(groups));
        let place = l.id("place", &self.place, Some(places));
        let member_id = l.id("member", &self.member, None);
        let (from, to) = l.period(&self.from, &self.to);
        let outcome = l.code("kind", &self.kind, OutcomeKind::from_code);
        let filter = ReportFilter { from, to, place_ids: place.map(|p| with_below(p, places)), member_id, outcome, group: None };
        (Parsed { filter, group_ids: group.map(|g| with_below(g, groups)) }, l.0)
    }

    /// The query without the page, for the pager.
    pub fn query_string(&self) -> String {
        let pairs = [("from", &self.from), ("to", &self.to), ("group", &self.group), ("place", &self.place), ("kind", &self.kind), ("member", &self.member), ("studio", &self.studio), ("sector", &self.sector)];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

impl Parsed {
    /// The store's filter: a group takes every member of it and of the groups below it (past
    /// members too: their reports still count for the group).
    pub async fn filter(self, state: &AppState, committee_id: i64) -> AppResult<ReportFilter> {
        let mut f = self.filter;
        if let Some(group_ids) = self.group_ids {
            let mf = MemberFilter { group_ids: Some(group_ids.clone()), ..Default::default() };
            let member_ids = members::all(&state.db, committee_id, &mf).await?.into_iter().map(|m| m.id).collect();
            f.group = Some(GroupScope { group_ids, member_ids });
        }
        Ok(f)
    }
}

/// The filter of a query, for the list and the API; `errors` are the bad filters.
pub async fn checked_filter(state: &AppState, committee_id: i64, q: &ResearchQuery) -> AppResult<(ReportFilter, Vec<FieldError>)> {
    let (groups, places) = trees(state, committee_id).await?;
    let (parsed, mut errors) = q.parse(&groups, &places);
    let mut f = parsed.filter(state, committee_id).await?;
    // A studio's or sector's reports are its members' (it writes none in its own name).
    let (scope, scope_errors) = ListScope::parse(&state.db, committee_id, "", &q.studio, "", &q.sector).await?;
    errors.extend(scope_errors);
    if let Some(member_ids) = scope.members(&state.db, committee_id).await? {
        f.group = Some(match f.group {
            Some(g) => GroupScope { member_ids: g.member_ids.into_iter().filter(|m| member_ids.contains(m)).collect(), group_ids: Vec::new() },
            None => GroupScope { group_ids: Vec::new(), member_ids },
        });
    }
    Ok((f, errors))
}

pub fn topic_label(shell: &Shell, code: &str) -> &'static str {
    shell.t(&format!("research.topic.{code}"))
}

pub fn topics(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    Topic::ALL.iter().map(|t| (t.as_str(), topic_label(shell, t.as_str()))).collect()
}

fn kind_label(shell: &Shell, k: OutcomeKind) -> &'static str {
    shell.t(&format!("research.outcome.{}", k.as_str()))
}

fn level_label(shell: &Shell, l: Level) -> &'static str {
    shell.t(&format!("research.level.{}", l.as_str()))
}

/// "区级采纳", "City · adopted".
pub fn outcome_label(shell: &Shell, o: &Outcome) -> String {
    let (kind, level) = (o.kind().map(|k| kind_label(shell, k)).unwrap_or(""), o.level().map(|l| level_label(shell, l)).unwrap_or(""));
    if shell.lang == Lang::Zh { format!("{level}{kind}") } else { format!("{level} · {kind}") }
}

/// The tag class of an outcome: adoptions and instructions stand out.
fn outcome_class(o: &Outcome) -> &'static str {
    match o.kind() {
        Some(OutcomeKind::Adopted | OutcomeKind::Instructed) => "on",
        _ => "",
    }
}

/// A report as the lists show it.
pub struct ReportRow {
    pub id: i64,
    pub on_date: NaiveDate,
    pub title: String,
    pub topic: &'static str,
    pub group: String,
    /// The lead author first.
    pub authors: String,
    /// (tag class, label) of each outcome.
    pub outcomes: Vec<(&'static str, String)>,
    pub shared: bool,
    pub has_file: bool,
}

/// Rows for reports, with the names of groups, authors and outcomes resolved in a few queries.
pub async fn report_rows(state: &AppState, shell: &Shell, committee_id: i64, list: &[Report]) -> AppResult<Vec<ReportRow>> {
    let groups: HashMap<i64, String> = structure::groups(&state.db, committee_id).await?.into_iter().map(|g| (g.id, g.name)).collect();
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let authors = store::authors_of(&state.db, &ids).await?;
    let outcomes = store::outcomes_of(&state.db, &ids).await?;
    let names = members::names(&state.db, &authors.values().flatten().copied().collect::<Vec<_>>()).await?;
    Ok(list
        .iter()
        .map(|r| ReportRow {
            id: r.id,
            on_date: r.on_date,
            title: r.title.clone(),
            topic: topic_label(shell, &r.topic),
            group: r.group_id.and_then(|g| groups.get(&g).cloned()).unwrap_or_default(),
            authors: authors.get(&r.id).map(|a| a.iter().filter_map(|m| names.get(m).cloned()).collect::<Vec<_>>().join("、")).unwrap_or_default(),
            outcomes: outcomes.get(&r.id).map(|os| os.iter().map(|o| (outcome_class(o), outcome_label(shell, o))).collect()).unwrap_or_default(),
            shared: r.shared,
            has_file: !r.file_name.is_empty(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "research/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<ReportRow>,
    pager: Pager,
    q: ResearchQuery,
    totals: ReportTotals,
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    can_write: bool,
    errors: FormErrors,
    /// The filters as a query string (the export link).
    query: String,
}

/// The list under its filters as .xlsx, with its totals on top.
async fn export(state: &AppState, a: &Authed, filter: &ReportFilter) -> AppResult<Response> {
    use crate::stats::export::{Cell, LIST_CAP, list_download};
    let cid = a.actor.committee_id;
    let (list, _) = store::list(&state.db, cid, filter, PageRequest { page: 1, per_page: LIST_CAP }).await?;
    let t = store::totals(&state.db, cid, filter).await?;
    let shell = &a.ctx.shell;
    let rows: Vec<Vec<Cell>> = report_rows(state, shell, cid, &list)
        .await?
        .into_iter()
        .map(|x| {
            let outcomes: Vec<String> = x.outcomes.into_iter().map(|(_, l)| l).collect();
            vec![x.on_date.to_string().into(), x.title.into(), x.topic.into(), x.group.into(), x.authors.into(), outcomes.join("、").into()]
        })
        .collect();
    let totals = [(shell.t("research.count"), t.reports.into()), (shell.t("research.adopted_count"), t.adopted.into()), (shell.t("research.instructions"), t.instructions.into())];
    let heads = ["research.on_date", "research.report_title", "research.topic", "research.group", "research.authors", "research.outcomes"].map(|k| shell.t(k));
    list_download("research-reports.xlsx", shell.t("nav.research"), &totals, &heads, &rows)
}

fn kinds(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    OutcomeKind::ALL.iter().map(|k| (k.as_str(), kind_label(shell, *k))).collect()
}

fn levels(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    Level::ALL.iter().map(|l| (l.as_str(), level_label(shell, *l))).collect()
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<ResearchQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<ListFormat>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewResearchReports, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (filter, errors) = checked_filter(&state, cid, &q).await?;
    if fmt.xlsx() {
        return export(&state, &a, &filter).await;
    }
    let (list, total) = store::list(&state.db, cid, &filter, page).await?;
    let totals = store::totals(&state.db, cid, &filter).await?;
    let shell = a.ctx.shell;
    let choices = structure::filter_choices(&state.db, cid).await?;
    let page = ListPage {
        rows: report_rows(&state, &shell, cid, &list).await?,
        errors: FormErrors::new(shell.lang, &errors),
        pager: Pager::new(page, total, q.query_string()),
        query: q.query_string(),
        members: choices.members,
        groups: choices.groups,
        places: choices.places,
        kinds: kinds(&shell),
        can_write: may(&a.actor, Action::WriteResearchReports, &Target::own(&a.actor)),
        shell,
        q,
        totals,
    };
    html(&page)
}

/// One outcome on the report's timeline.
struct OutcomeLine {
    on_date: NaiveDate,
    label: String,
    class: &'static str,
    by_whom: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "research/detail.html")]
struct DetailPage {
    shell: Shell,
    r: ReportRow,
    /// (member id, name, lead)
    authors: Vec<(i64, String, bool)>,
    place: String,
    recipients: String,
    summary: String,
    body: String,
    file: Option<(String, String)>,
    recorded: String,
    outcomes: Vec<OutcomeLine>,
    may_edit: bool,
    may_record: bool,
    link_members: bool,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    /// The outcome form, as sent (after an error) or fresh.
    o: OutcomeForm,
    errors: FormErrors,
}

pub(crate) async fn found(state: &AppState, actor: &Actor, id: i64) -> AppResult<Report> {
    store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)
}

/// "1.2 MB", "860 KB".
fn file_size(bytes: i32) -> String {
    if bytes >= 1024 * 1024 { format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)) } else { format!("{} KB", (bytes as f64 / 1024.0).ceil() as i64) }
}

async fn detail_page(state: &AppState, a: Authed, id: i64, o: OutcomeForm, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let r = found(state, &a.actor, id).await?;
    let writer = Writer::of(state, &a.actor).await?;
    let authors = store::authors_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default();
    let names = members::names(&state.db, &authors).await?;
    let outcomes = store::outcomes_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default();
    let place = match r.place_id {
        Some(p) => structure::places(&state.db, cid).await?.into_iter().find(|x| x.id == p).map(|x| x.name).unwrap_or_default(),
        None => String::new(),
    };
    let file = store::document_of(&state.db, r.id).await?.map(|d| (r.file_name.clone(), file_size(d.size)));
    let shell = a.ctx.shell;
    let page = DetailPage {
        r: report_rows(state, &shell, cid, std::slice::from_ref(&r)).await?.remove(0),
        authors: authors.iter().enumerate().map(|(i, m)| (*m, names.get(m).cloned().unwrap_or_default(), i == 0)).collect(),
        outcomes: outcomes
            .iter()
            .map(|x| OutcomeLine { on_date: x.on_date, label: outcome_label(&shell, x), class: outcome_class(x), by_whom: x.by_whom.clone(), summary: x.summary.clone() })
            .collect(),
        may_edit: may(&a.actor, Action::WriteResearchReports, &Target::own(&a.actor)) && writer.may_edit(&authors),
        may_record: may(&a.actor, Action::RecordResearchOutcomes, &Target::own(&a.actor)),
        link_members: may(&a.actor, Action::ViewMembers, &Target::own(&a.actor)),
        kinds: kinds(&shell),
        levels: levels(&shell),
        o: if errors.is_empty() { OutcomeForm { on_date: today().to_string(), level: Level::District.as_str().into(), ..Default::default() } } else { o },
        errors: FormErrors::new(shell.lang, errors),
        recorded: local_time(&r.created_at),
        recipients: r.recipients,
        summary: r.summary,
        body: r.body,
        place,
        file,
        shell,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewResearchReports, &Target::own(&a.actor))?;
    detail_page(&state, a, id, OutcomeForm::default(), &[]).await
}

/// Checks an outcome for `actor` (staff) and records it on the report (the page and the API).
pub async fn record_outcome(state: &AppState, actor: &Actor, ip: &str, id: i64, f: &OutcomeForm) -> AppResult<Outcome> {
    authorize(actor, Action::RecordResearchOutcomes, &Target::own(actor))?;
    let r = found(state, actor, id).await?;
    let recorded: Vec<(OutcomeKind, Level)> =
        store::outcomes_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default().iter().filter_map(|o| o.kind().zip(o.level())).collect();
    let input = f.parse(r.on_date, today(), &recorded).map_err(AppError::Invalid)?;
    Ok(store::add_outcome(&state.db, &r, &input, &Who::actor(actor, ip)).await?)
}

pub async fn outcome(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<OutcomeForm>) -> AppResult<Response> {
    match record_outcome(&state, &a.actor, &a.ctx.info.ip, id, &f).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/research-reports/{id}#outcomes"), "flash.saved")),
        Err(AppError::Invalid(errors)) => detail_page(&state, a, id, f, &errors).await,
        Err(e) => Err(e),
    }
}

/// The attached document, as a download under its name.
pub async fn file(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewResearchReports, &Target::own(&a.actor))?;
    let r = found(&state, &a.actor, id).await?;
    let meta = store::document_of(&state.db, r.id).await?.ok_or(AppError::NotFound)?;
    let doc = attachments::find(&state.db, store::ITEM_TYPE, r.id, meta.id).await?.ok_or(AppError::NotFound)?;
    let ascii: String = r.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", crate::app::web::urlencode(&r.file_name));
    Ok(([(header::CONTENT_TYPE, doc.mime), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "private, no-cache".to_string())], doc.bytes).into_response())
}

/// The member file's 调研报告 rows: the member's latest reports and how many it wrote, or `None`
/// when the viewer may not see reports.
pub async fn member_tab(state: &AppState, actor: &Actor, shell: &Shell, member_id: i64) -> AppResult<Option<(Vec<ReportRow>, u64)>> {
    if !may(actor, Action::ViewResearchReports, &Target::own(actor)) {
        return Ok(None);
    }
    let (list, total) = store::member_reports(&state.db, actor.committee_id, member_id, 10).await?;
    Ok(Some((report_rows(state, shell, actor.committee_id, &list).await?, total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: [(i64, Option<i64>); 4] = [(1, None), (2, Some(1)), (3, Some(1)), (4, None)];
    const PLACES: [(i64, Option<i64>); 3] = [(10, None), (11, Some(10)), (12, Some(11))];

    #[test]
    fn filters_are_checked_and_each_bad_one_named() {
        let q = ResearchQuery { from: "2022-01-01".into(), to: "2022-04-19".into(), group: "1".into(), place: "11".into(), kind: "adopted".into(), member: "7".into(), ..Default::default() };
        let (p, errors) = q.parse(&GROUPS, &PLACES);
        assert!(errors.is_empty());
        assert_eq!(p.group_ids, Some(vec![1, 2, 3]), "a 联组 takes its 小组");
        assert_eq!((p.filter.place_ids, p.filter.member_id, p.filter.outcome), (Some(vec![11, 12]), Some(7), Some(OutcomeKind::Adopted)));
        assert_eq!(p.filter.to, NaiveDate::from_ymd_opt(2022, 4, 19));
        let bad = ResearchQuery { from: "2022-04-19".into(), to: "2022-01-01".into(), group: "9".into(), place: "x".into(), kind: "won".into(), member: "me".into(), ..Default::default() };
        let (p, errors) = bad.parse(&GROUPS, &PLACES);
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["group", "place", "member", "to", "kind"]);
        assert_eq!(p, Parsed { filter: ReportFilter { from: NaiveDate::from_ymd_opt(2022, 4, 19), ..Default::default() }, group_ids: None }, "bad filters are left out");
        assert_eq!(q.query_string(), "from=2022-01-01&to=2022-04-19&group=1&place=11&kind=adopted&member=7");
    }

    #[test]
    fn file_sizes_read_like_people_write_them() {
        assert_eq!(file_size(1_572_864), "1.5 MB");
        assert_eq!(file_size(880_000), "860 KB");
        assert_eq!(file_size(10), "1 KB");
    }
}
