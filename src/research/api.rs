//! JSON endpoints for research reports: the list under the same filters as the page, one report
//! with its authors and outcomes, writing a report and recording an outcome through the same
//! checks as the forms.
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::{ApiJson, ApiUser};
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::research::form_pages;
use crate::research::model::{Level, OutcomeForm, OutcomeKind, ReportForm, Topic};
use crate::research::pages::{self, ResearchQuery};
use crate::research::store::{self, Outcome, Report};

/// One outcome of a report.
#[derive(Serialize, ToSchema)]
pub struct OutcomeDto {
    pub id: i64,
    pub kind: OutcomeKind,
    pub level: Level,
    /// Who adopted it, the leader who wrote the instruction, or where it was sent.
    pub by_whom: String,
    pub on_date: chrono::NaiveDate,
    pub summary: String,
}

fn outcome_dto(o: Outcome) -> OutcomeDto {
    OutcomeDto {
        kind: o.kind().unwrap_or(OutcomeKind::Forwarded),
        level: o.level().unwrap_or(Level::District),
        id: o.id,
        by_whom: o.by_whom,
        on_date: o.on_date,
        summary: o.summary,
    }
}

/// A research report as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    pub id: i64,
    pub title: String,
    pub topic: Topic,
    pub group_id: Option<i64>,
    pub place_id: Option<i64>,
    /// Submitted on (China date).
    pub on_date: chrono::NaiveDate,
    pub summary: String,
    pub body: String,
    /// 报送对象.
    pub recipients: String,
    /// The authors' member ids, the lead author first.
    pub author_ids: Vec<i64>,
    /// What came of it, oldest first.
    pub outcomes: Vec<OutcomeDto>,
    /// The attached document's name (download it from the page `/research-reports/{id}/file`).
    pub file_name: Option<String>,
    /// 信息互通.
    pub shared: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

async fn dtos(state: &AppState, list: Vec<Report>) -> AppResult<Vec<ReportDto>> {
    let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
    let mut authors = store::authors_of(&state.db, &ids).await?;
    let mut outcomes = store::outcomes_of(&state.db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|r| ReportDto {
            topic: Topic::from_code(&r.topic).unwrap_or(Topic::Other),
            author_ids: authors.remove(&r.id).unwrap_or_default(),
            outcomes: outcomes.remove(&r.id).unwrap_or_default().into_iter().map(outcome_dto).collect(),
            file_name: Some(r.file_name).filter(|n| !n.is_empty()),
            id: r.id,
            title: r.title,
            group_id: r.group_id,
            place_id: r.place_id,
            on_date: r.on_date,
            summary: r.summary,
            body: r.body,
            recipients: r.recipients,
            shared: r.shared,
            created_at: r.created_at,
        })
        .collect())
}

/// Research reports of the caller's committee, latest first. `group` takes the reports written
/// in the name of the group (or a group below it) or by one of their members; `kind` the
/// reports with an outcome of that kind.
#[utoipa::path(get, path = "/api/v1/research-reports", tag = "research-reports", security(("bearer" = [])), params(PageQuery, ResearchQuery),
    responses((status = 200, body = Paged<ReportDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<ResearchQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<ReportDto>>> {
    authorize(&a, Action::ViewResearchReports, &Target::own(&a))?;
    let (f, errors) = pages::checked_filter(&state, a.committee_id, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::list(&state.db, a.committee_id, &f, page).await?;
    Ok(Json(Paged { items: dtos(&state, rows).await?, total }))
}

/// One research report with its authors and outcomes.
#[utoipa::path(get, path = "/api/v1/research-reports/{id}", tag = "research-reports", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ReportDto), (status = 401), (status = 403), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<ReportDto>> {
    authorize(&a, Action::ViewResearchReports, &Target::own(&a))?;
    let r = pages::found(&state, &a, id).await?;
    Ok(Json(dtos(&state, vec![r]).await?.remove(0)))
}

/// A report to submit, checked as the form is. A member must be one of `author_ids`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReportRequest {
    /// 5–100 characters.
    pub title: String,
    /// economy, livelihood, urban, ecology, culture, rural, governance or other.
    pub topic: String,
    pub group_id: Option<i64>,
    pub place_id: Option<i64>,
    /// YYYY-MM-DD, not in the future.
    pub on_date: String,
    /// At most 500 characters.
    pub summary: String,
    /// 50–50,000 characters (a document can be attached on the page only).
    pub body: String,
    /// 报送对象, 2–200 characters.
    pub recipients: String,
    /// Members in office, the lead author first.
    pub author_ids: Vec<i64>,
    pub shared: bool,
}

impl ReportRequest {
    fn form(self) -> ReportForm {
        let id = |x: Option<i64>| x.map(|v| v.to_string()).unwrap_or_default();
        ReportForm {
            title: self.title,
            topic: self.topic,
            group_id: id(self.group_id),
            place_id: id(self.place_id),
            on_date: self.on_date,
            summary: self.summary,
            body: self.body,
            recipients: self.recipients,
            lead_author_id: id(self.author_ids.first().copied()),
            author_ids: self.author_ids.iter().skip(1).map(i64::to_string).collect(),
            shared: if self.shared { "yes".into() } else { String::new() },
        }
    }
}

/// Submits a research report; a bad field is a 422 naming it, and nothing is saved.
#[utoipa::path(post, path = "/api/v1/research-reports", tag = "research-reports", security(("bearer" = [])), request_body = ReportRequest,
    responses((status = 201, body = ReportDto), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ApiUser(a, info): ApiUser, ApiJson(r): ApiJson<ReportRequest>) -> AppResult<(StatusCode, Json<ReportDto>)> {
    let saved = form_pages::save(&state, &a, &info.ip, None, &r.form(), None).await?;
    Ok((StatusCode::CREATED, Json(dtos(&state, vec![saved]).await?.remove(0))))
}

/// An outcome to record (staff).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OutcomeRequest {
    /// adopted, instructed or forwarded.
    pub kind: String,
    /// district, city, province or national.
    pub level: String,
    /// Required for an instruction (the leader) and a forwarding (where it went).
    pub by_whom: String,
    /// YYYY-MM-DD, from the report's date to today.
    pub on_date: String,
    /// Required for an instruction (its words).
    pub summary: String,
}

/// Records what came of a report (staff only). A report is adopted once per level.
#[utoipa::path(post, path = "/api/v1/research-reports/{id}/outcomes", tag = "research-reports", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = OutcomeRequest, responses((status = 201, body = OutcomeDto), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn add_outcome(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path(id): Path<i64>, ApiJson(r): ApiJson<OutcomeRequest>) -> AppResult<(StatusCode, Json<OutcomeDto>)> {
    let f = OutcomeForm { kind: r.kind, level: r.level, by_whom: r.by_whom, on_date: r.on_date, summary: r.summary };
    let saved = pages::record_outcome(&state, &a, &info.ip, id, &f).await?;
    Ok((StatusCode::CREATED, Json(outcome_dto(saved))))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(one)).routes(routes!(add_outcome))
}
