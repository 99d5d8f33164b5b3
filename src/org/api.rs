//! JSON endpoints of the organization area.
use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::org::model::{CommitteeLevel, Role};
use crate::org::store::{self, Committee};

#[derive(Serialize, ToSchema)]
pub struct CommitteeDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub level: CommitteeLevel,
}

impl From<Committee> for CommitteeDto {
    fn from(c: Committee) -> Self {
        CommitteeDto {
            level: CommitteeLevel::parse(&c.level).unwrap_or(CommitteeLevel::County),
            id: c.id,
            parent_id: c.parent_id,
            code: c.code,
            name: c.name,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub committee: CommitteeDto,
}

/// The account behind the token.
#[utoipa::path(get, path = "/api/v1/me", tag = "org", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401)))]
async fn me(State(state): State<AppState>, ApiUser(a, _): ApiUser) -> AppResult<Json<Me>> {
    let committee = store::find_committee(&state.db, a.committee_id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(Me { id: a.user_id, username: a.username, display_name: a.display_name, role: a.role, unit_id: a.unit_id, committee: committee.into() }))
}

/// The caller's committee followed by its direct children.
#[utoipa::path(get, path = "/api/v1/committees", tag = "org", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<CommitteeDto>), (status = 401)))]
async fn committees(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<CommitteeDto>>> {
    authorize(&a, Action::ViewCommittee, &Target::own(&a))?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let own = store::find_committee(&state.db, a.committee_id).await?.ok_or(AppError::NotFound)?;
    let mut all = vec![own];
    all.extend(store::children(&state.db, a.committee_id).await?);
    let total = all.len() as u64;
    let items = all.into_iter().skip(page.offset() as usize).take(page.limit() as usize).map(Into::into).collect();
    Ok(Json(Paged { items, total }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(committees))
}
