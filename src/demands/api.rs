//! JSON endpoints for demands.
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::pages::parse_date;
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::demands::model::{Channel, DemandKind, DemandState};
use crate::demands::pages::may_see;
use crate::demands::store::{self, Demand, DemandFilter};
use crate::org::model::Role;
use crate::org::values::Phone;

/// A demand as the API shows it. `citizen_phone` is masked unless the caller is staff or the
/// assigned unit.
#[derive(Serialize, ToSchema)]
pub struct DemandDto {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub channel: String,
    pub category: String,
    pub place_id: Option<i64>,
    pub description: String,
    pub citizen_name: String,
    pub citizen_phone: String,
    pub state: DemandState,
    pub unit_id: Option<i64>,
    pub deadline: Option<chrono::NaiveDate>,
    pub answer: Option<String>,
    pub satisfaction: Option<String>,
    pub rehandled: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn dto(a: &Actor, d: Demand) -> DemandDto {
    let full = may(a, Action::ManageDemands, &Target::own(a)) || (a.role == Role::Unit && d.unit_id.is_some() && d.unit_id == a.unit_id);
    DemandDto {
        state: d.state(),
        citizen_phone: if full { d.citizen_phone } else { Phone::parse("phone", &d.citizen_phone).map(|p| p.masked()).unwrap_or_default() },
        id: d.id,
        code: d.code,
        kind: d.kind,
        channel: d.channel,
        category: d.category,
        place_id: d.place_id,
        description: d.description,
        citizen_name: d.citizen_name,
        unit_id: d.unit_id,
        deadline: d.deadline,
        answer: d.answer,
        satisfaction: d.satisfaction,
        rehandled: d.rehandled,
        created_at: d.created_at,
        resolved_at: d.resolved_at,
    }
}

/// Filters of the demand list; dates are registration dates (YYYY-MM-DD, China time).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DemandQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub place: Option<String>,
}

impl DemandQuery {
    fn filter(&self) -> Result<DemandFilter, FieldError> {
        fn code<'a>(field: &'static str, v: &'a Option<String>) -> Option<(&'static str, &'a str)> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| (field, s))
        }
        let start = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - chrono::Duration::hours(8);
        Ok(DemandFilter {
            state: code("status", &self.status).map(|(f, s)| DemandState::from_code(s).ok_or(FieldError::new(f, "err.choice"))).transpose()?,
            kind: code("kind", &self.kind).map(|(f, s)| DemandKind::from_code(s).ok_or(FieldError::new(f, "err.choice"))).transpose()?,
            channel: code("channel", &self.channel).map(|(f, s)| Channel::from_code(s).ok_or(FieldError::new(f, "err.choice"))).transpose()?,
            place_id: code("place", &self.place).map(|(f, s)| s.parse::<i64>().map_err(|_| FieldError::new(f, "err.choice"))).transpose()?,
            from: parse_date("from", self.from.as_deref().unwrap_or(""))?.map(start),
            to: parse_date("to", self.to.as_deref().unwrap_or(""))?.and_then(|d| d.succ_opt()).map(start),
            ..Default::default()
        })
    }
}

/// Demands of the caller's committee (a unit's own only), newest first.
#[utoipa::path(get, path = "/api/v1/demands", tag = "demands", security(("bearer" = [])), params(PageQuery, DemandQuery),
    responses((status = 200, body = Paged<DemandDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<DemandQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<DemandDto>>> {
    authorize(&a, Action::ViewDemands, &Target::own(&a))?;
    let mut filter = q.filter().map_err(|e| AppError::Invalid(vec![e]))?;
    if a.role == Role::Unit {
        filter.unit_id = Some(a.unit_id.unwrap_or(-1));
    }
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::list(&state.db, a.committee_id, &filter, page).await?;
    Ok(Json(Paged { items: rows.into_iter().map(|d| dto(&a, d)).collect(), total }))
}

/// One demand.
#[utoipa::path(get, path = "/api/v1/demands/{id}", tag = "demands", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = DemandDto), (status = 401), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<DemandDto>> {
    let d = store::find(&state.db, a.committee_id, id).await?.filter(|d| may_see(&a, d)).ok_or(AppError::NotFound)?;
    Ok(Json(dto(&a, d)))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one))
}
