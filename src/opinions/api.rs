//! JSON endpoints for public-opinion reports: the list under the page's filters (`from`, `to`,
//! `group`, `member`, `status`, `level`), one report with its outcomes, writing one, its moves
//! (send in, screen, approve, send up), outcomes, combining, issuing a bulletin, and the
//! figures for the statistics area.
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::{ApiJson, ApiUser};
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::opinions::bulletins::BulletinForm;
use crate::opinions::metrics::{self, MetricsFilter, OpinionMetrics};
use crate::opinions::model::{Level, OutcomeForm, OutcomeKind, ReportForm, ReportState, SourceType, SubmitterKind, bulletin_name};
use crate::opinions::pages::{OpinionQuery, checked_filter, office_or_leader, viewer_of, visible};
use crate::opinions::screen_pages::{MergeForm, MoveForm};
use crate::opinions::store::{self, Report, Scope};
use crate::opinions::{bulletin_pages, form_pages, screen_pages};
use crate::research::api::OutcomeRequest;

/// An outcome: a dated record of what came of the report at a level.
#[derive(Serialize, ToSchema)]
pub struct OpinionOutcomeDto {
    pub kind: OutcomeKind,
    pub level: Level,
    pub by_whom: String,
    pub on_date: NaiveDate,
    pub summary: String,
    /// Credited through a combined report (综合采用).
    pub combined: bool,
}

/// A report: the original text, the adopted edit beside it, and where it went.
#[derive(Serialize, ToSchema)]
pub struct OpinionReportDto {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub edited_title: Option<String>,
    pub edited_body: Option<String>,
    /// economy, livelihood, urban, ecology, culture, rural, governance or other.
    pub category: String,
    pub state: ReportState,
    pub submitter_kind: SubmitterKind,
    pub submitter_name: String,
    pub group_id: Option<i64>,
    /// The authors (member ids), the first author first; a combined report's are its parts'.
    pub author_ids: Vec<i64>,
    pub source_type: Option<SourceType>,
    pub source_id: Option<i64>,
    pub combined: bool,
    pub combined_into_id: Option<i64>,
    /// Sent up from a child committee (its committee and report).
    pub from_committee_id: Option<i64>,
    pub from_report_id: Option<i64>,
    /// Its copy in the parent committee, once sent up.
    pub sent_up_id: Option<i64>,
    pub bulletin_id: Option<i64>,
    pub submitted_on: NaiveDate,
    pub outcomes: Vec<OpinionOutcomeDto>,
}

async fn dtos(state: &AppState, list: Vec<Report>) -> AppResult<Vec<OpinionReportDto>> {
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let mut authors = store::authors_of(&state.db, &ids).await?;
    let mut outcomes = store::outcomes_of(&state.db, &ids).await?;
    let mut out = Vec::with_capacity(list.len());
    for r in list {
        let author_ids = if r.combined { store::credited_authors(&state.db, &r).await? } else { authors.remove(&r.id).unwrap_or_default() };
        let outcomes = outcomes
            .remove(&r.id)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|o| Some(OpinionOutcomeDto { kind: o.kind()?, level: o.level()?, by_whom: o.by_whom, on_date: o.on_date, summary: o.summary, combined: o.combined }))
            .collect();
        out.push(OpinionReportDto {
            state: r.state(),
            submitter_kind: r.kind(),
            source_type: r.source().map(|(k, _)| k),
            id: r.id,
            title: r.title,
            body: r.body,
            edited_title: r.edited_title,
            edited_body: r.edited_body,
            category: r.category,
            submitter_name: r.submitter_name,
            group_id: r.group_id,
            author_ids,
            source_id: r.source_id,
            combined: r.combined,
            combined_into_id: r.combined_into_id,
            from_committee_id: r.from_committee_id,
            from_report_id: r.from_report_id,
            sent_up_id: r.sent_up_id,
            bulletin_id: r.bulletin_id,
            submitted_on: r.submitted_on,
            outcomes,
        });
    }
    Ok(out)
}

async fn one_dto(state: &AppState, r: Report) -> AppResult<OpinionReportDto> {
    Ok(dtos(state, vec![r]).await?.remove(0))
}

/// Reports of the caller's committee, latest first. Staff and leaders get everything sent in
/// (and their own drafts); a member its own reports.
#[utoipa::path(get, path = "/api/v1/opinion-reports", tag = "opinion-reports", security(("bearer" = [])), params(PageQuery, OpinionQuery),
    responses((status = 200, body = Paged<OpinionReportDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<OpinionQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<OpinionReportDto>>> {
    authorize(&a, Action::ViewOpinionReports, &Target::own(&a))?;
    let v = viewer_of(&state, &a).await?;
    let (mut f, errors) = checked_filter(&state, &a, &v, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    f.scope = if office_or_leader(&v) { Scope::Office } else { Scope::Own };
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::list(&state.db, a.committee_id, &f, page).await?;
    Ok(Json(Paged { items: dtos(&state, rows).await?, total }))
}

/// One report with its outcomes.
#[utoipa::path(get, path = "/api/v1/opinion-reports/{id}", tag = "opinion-reports", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = OpinionReportDto), (status = 401), (status = 403), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<OpinionReportDto>> {
    let seen = visible(&state, &a, id).await?;
    Ok(Json(one_dto(&state, seen.r).await?))
}

/// A report to write: kept as a draft unless `submit`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OpinionReportRequest {
    /// 5–100 characters.
    pub title: String,
    /// 20–1,500 characters (characters, not bytes).
    pub body: String,
    pub category: String,
    /// member (the default for members), group, staff or informant (staff only).
    pub submitter_kind: String,
    pub group_id: Option<i64>,
    /// An informant's name.
    pub submitter_name: String,
    /// Members who wrote it (a member is always among them).
    pub author_ids: Vec<i64>,
    /// demand, visit or proposal, with `source_id`.
    pub source_type: String,
    pub source_id: Option<i64>,
    pub submit: bool,
}

#[utoipa::path(post, path = "/api/v1/opinion-reports", tag = "opinion-reports", security(("bearer" = [])), request_body = OpinionReportRequest,
    responses((status = 201, body = OpinionReportDto), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ApiUser(a, info): ApiUser, ApiJson(r): ApiJson<OpinionReportRequest>) -> AppResult<(StatusCode, Json<OpinionReportDto>)> {
    let text = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let f = ReportForm {
        title: r.title,
        body: r.body,
        category: r.category,
        submitter_kind: r.submitter_kind,
        group_id: text(r.group_id),
        submitter_name: r.submitter_name,
        author_ids: r.author_ids.iter().map(i64::to_string).collect(),
        source_type: r.source_type,
        source_id: text(r.source_id),
        submit: if r.submit { "yes".into() } else { String::new() },
    };
    let saved = form_pages::write(&state, &a, &info.ip, &f).await?;
    Ok((StatusCode::CREATED, Json(one_dto(&state, saved).await?)))
}

/// A move: `submit` or `withdraw` (its writer), `adopt` (with the edited `title` and `body`),
/// `keep`, `return` (with a `reason`) or `send_up` (the office), `approve` or `decline` (with a
/// `reason`; a leader).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OpinionTransitionRequest {
    pub action: String,
    pub reason: String,
    pub title: String,
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/opinion-reports/{id}/transitions", tag = "opinion-reports", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = OpinionTransitionRequest, responses((status = 200, body = OpinionReportDto), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn transition(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path(id): Path<i64>, ApiJson(r): ApiJson<OpinionTransitionRequest>) -> AppResult<Json<OpinionReportDto>> {
    let f = MoveForm { action: r.action, reason: r.reason, title: r.title, body: r.body };
    let saved = screen_pages::perform(&state, &a, &info.ip, id, &f).await?;
    Ok(Json(one_dto(&state, saved).await?))
}

/// An outcome staff record (the research reports' request): `adopted` (by a committee above),
/// `forwarded` (to departments) or `instructed` (a leader's instruction: `by_whom` names the
/// leader, `summary` its gist), at a `level`, on a date.
#[utoipa::path(post, path = "/api/v1/opinion-reports/{id}/outcomes", tag = "opinion-reports", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = OutcomeRequest, responses((status = 201, body = OpinionReportDto), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn outcome(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path(id): Path<i64>, ApiJson(r): ApiJson<OutcomeRequest>) -> AppResult<(StatusCode, Json<OpinionReportDto>)> {
    let f = OutcomeForm { kind: r.kind, level: r.level, by_whom: r.by_whom, on_date: r.on_date, summary: r.summary };
    screen_pages::record_outcome(&state, &a, &info.ip, id, &f).await?;
    let seen = visible(&state, &a, id).await?;
    Ok((StatusCode::CREATED, Json(one_dto(&state, seen.r).await?)))
}

/// 综合采用: two or more reports of the screening queue become parts of one combined report.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OpinionMergeRequest {
    pub report_ids: Vec<i64>,
    pub title: String,
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/opinion-reports/merge", tag = "opinion-reports", security(("bearer" = [])), request_body = OpinionMergeRequest,
    responses((status = 201, body = OpinionReportDto), (status = 401), (status = 403), (status = 422)))]
async fn merge(State(state): State<AppState>, ApiUser(a, info): ApiUser, ApiJson(r): ApiJson<OpinionMergeRequest>) -> AppResult<(StatusCode, Json<OpinionReportDto>)> {
    let f = MergeForm { report_ids: r.report_ids.iter().map(i64::to_string).collect(), title: r.title, body: r.body };
    let combined = screen_pages::combine(&state, &a, &info.ip, &f).await?;
    Ok((StatusCode::CREATED, Json(one_dto(&state, combined).await?)))
}

/// A bulletin to issue: approved reports, the leaders (报) and units (送) it goes to.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OpinionBulletinRequest {
    pub report_ids: Vec<i64>,
    pub leaders: String,
    pub unit_ids: Vec<i64>,
}

/// An issued bulletin.
#[derive(Serialize, ToSchema)]
pub struct OpinionBulletinDto {
    pub id: i64,
    /// 《社情民意》2022年第5期.
    pub name: String,
    pub year: i32,
    pub seq: i32,
    pub issued_on: NaiveDate,
    pub leaders: String,
    pub units: String,
}

#[utoipa::path(post, path = "/api/v1/opinion-reports/bulletins", tag = "opinion-reports", security(("bearer" = [])), request_body = OpinionBulletinRequest,
    responses((status = 201, body = OpinionBulletinDto), (status = 401), (status = 403), (status = 422)))]
async fn issue(State(state): State<AppState>, ApiUser(a, info): ApiUser, ApiJson(r): ApiJson<OpinionBulletinRequest>) -> AppResult<(StatusCode, Json<OpinionBulletinDto>)> {
    let f = BulletinForm { report_ids: r.report_ids.iter().map(i64::to_string).collect(), leaders: r.leaders, unit_ids: r.unit_ids.iter().map(i64::to_string).collect() };
    let b = bulletin_pages::issue_as(&state, &a, &info.ip, &f).await?;
    let dto = OpinionBulletinDto { id: b.id, name: bulletin_name(b.year, b.seq), year: b.year, seq: b.seq, issued_on: b.issued_on, leaders: b.leaders, units: b.units };
    Ok((StatusCode::CREATED, Json(dto)))
}

/// The figures of the period (reports sent in on `from`..`to`), for a group if given.
#[utoipa::path(get, path = "/api/v1/opinion-reports/metrics", tag = "opinion-reports", security(("bearer" = [])), params(OpinionQuery),
    responses((status = 200, body = OpinionMetrics), (status = 401), (status = 403), (status = 422)))]
async fn figures(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<OpinionQuery>) -> AppResult<Json<OpinionMetrics>> {
    let v = staff_or_leader(&state, &a).await?;
    let (f, errors) = checked_filter(&state, &a, &v, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Json(metrics::load(&state.db, a.committee_id, &MetricsFilter { from: f.from, to: f.to, group: f.group }).await?))
}

async fn staff_or_leader(state: &AppState, a: &Actor) -> AppResult<crate::opinions::model::Viewer> {
    authorize(a, Action::ViewOpinionReports, &Target::own(a))?;
    let v = viewer_of(state, a).await?;
    if office_or_leader(&v) { Ok(v) } else { Err(AppError::Forbidden) }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one))
        .routes(routes!(transition))
        .routes(routes!(outcome))
        .routes(routes!(merge))
        .routes(routes!(issue))
        .routes(routes!(figures))
}
