//! JSON endpoints for projects: the list under the page's filters (each with the figures the
//! page shows) and one project with its introducers, partners and every year's figures.
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, Paged};
use crate::liaison::api::strict;
use crate::projects::model::{PartnerRole, ProjectKind, ProjectStatus};
use crate::projects::pages::ProjectQuery;
use crate::projects::store::{self, Project, Year};
use crate::visits::pages::trees;

/// One year's figures; money in fen (1 yuan = 100 fen).
#[derive(Serialize, ToSchema)]
pub struct YearDto {
    pub year: i32,
    pub output_value_fen: i64,
    pub net_income_fen: i64,
    /// People who benefit.
    pub beneficiaries: i32,
    pub households: Option<i32>,
    pub note: String,
}

impl From<Year> for YearDto {
    fn from(y: Year) -> Self {
        YearDto { year: y.year, output_value_fen: y.output_value_fen, net_income_fen: y.net_income_fen, beneficiaries: y.beneficiaries, households: y.households, note: y.note }
    }
}

/// A project as the API lists it.
#[derive(Serialize, ToSchema)]
pub struct ProjectDto {
    pub id: i64,
    pub name: String,
    pub kind: ProjectKind,
    pub status: ProjectStatus,
    pub place_id: Option<i64>,
    /// 模式, e.g. 合作社+脱贫户+公司.
    pub model: String,
    pub started_on: Option<NaiveDate>,
    pub shared: bool,
    pub description: String,
    /// The members who introduced it.
    pub introducer_ids: Vec<i64>,
    /// The figures of the year asked for (`year`), else of the latest year recorded.
    pub figures: Option<YearDto>,
}

/// A partner and its part.
#[derive(Serialize, ToSchema)]
pub struct PartnerDto {
    pub role: PartnerRole,
    pub name: String,
}

/// A project with its partners and every year's figures, latest first.
#[derive(Serialize, ToSchema)]
pub struct ProjectDetailDto {
    #[serde(flatten)]
    pub project: ProjectDto,
    pub partners: Vec<PartnerDto>,
    pub years: Vec<YearDto>,
}

async fn dtos(state: &AppState, list: Vec<Project>, year: Option<i32>) -> AppResult<Vec<ProjectDto>> {
    let ids: Vec<i64> = list.iter().map(|p| p.id).collect();
    let mut shown = store::figures(&state.db, &ids, year).await?;
    let mut introduced = store::introducers_of(&state.db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|p| ProjectDto {
            kind: ProjectKind::from_code(&p.kind).unwrap_or(ProjectKind::Development),
            status: ProjectStatus::from_code(&p.status).unwrap_or(ProjectStatus::Running),
            introducer_ids: introduced.remove(&p.id).unwrap_or_default(),
            figures: shown.remove(&p.id).map(YearDto::from),
            id: p.id,
            name: p.name,
            place_id: p.place_id,
            model: p.model,
            started_on: p.started_on,
            shared: p.shared,
            description: p.description,
        })
        .collect())
}

/// Projects of the caller's committee, newest first.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])), params(PageQuery, ProjectQuery),
    responses((status = 200, body = Paged<ProjectDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<ProjectQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<ProjectDto>>> {
    authorize(&a, Action::ViewProjects, &Target::own(&a))?;
    let (_, places) = trees(&state, a.committee_id).await?;
    let (f, page) = strict(q.parse(&places), &pq)?;
    let (rows, total) = store::list(&state.db, a.committee_id, &f, page).await?;
    Ok(Json(Paged { items: dtos(&state, rows, f.year).await?, total }))
}

/// One project with its partners and figures by year.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ProjectDetailDto), (status = 401), (status = 403), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<ProjectDetailDto>> {
    authorize(&a, Action::ViewProjects, &Target::own(&a))?;
    let p = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let partners = store::partners_of(&state.db, p.id).await?.into_iter().map(|(role, name)| PartnerDto { role, name }).collect();
    let years = store::years_of(&state.db, p.id).await?.into_iter().map(YearDto::from).collect();
    Ok(Json(ProjectDetailDto { project: dtos(&state, vec![p], None).await?.remove(0), partners, years }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one))
}
