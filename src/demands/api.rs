//! JSON endpoints for demands.
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::{ApiJson, ApiUser};
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::pages::parse_date;
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::demands::model::{Channel, DemandKind, DemandState};
use crate::demands::pages::{ActForm, DemandScope, perform};
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
    pub studio_id: Option<i64>,
    pub reception_id: Option<i64>,
    /// The visit (走访) the demand was raised on.
    pub visit_id: Option<i64>,
    /// "proposal", "opinion_report" or "research_topic" once converted.
    pub converted_kind: Option<String>,
    pub converted_id: Option<i64>,
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
        studio_id: d.studio_id,
        reception_id: d.reception_id,
        visit_id: d.visit_id,
        converted_kind: d.converted_kind,
        converted_id: d.converted_id,
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
    /// Studio id: demands that came through it.
    pub studio: Option<String>,
    /// Group id: demands that came through the studios the group runs.
    pub group: Option<String>,
}

impl DemandQuery {
    fn filter(&self) -> Result<DemandFilter, FieldError> {
        fn code<'a>(field: &'static str, v: &'a Option<String>) -> Option<(&'static str, &'a str)> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| (field, s))
        }
        let id = |field: &'static str, v: &Option<String>| code(field, v).map(|(f, s)| s.parse::<i64>().map_err(|_| FieldError::new(f, "err.choice"))).transpose();
        let start = crate::app::shell::day_start;
        Ok(DemandFilter {
            state: code("status", &self.status).map(|(f, s)| DemandState::from_code(s).ok_or(FieldError::new(f, "err.choice"))).transpose()?,
            kind: code("kind", &self.kind).map(|(f, s)| DemandKind::from_code(s).ok_or(FieldError::new(f, "err.choice"))).transpose()?,
            channel: code("channel", &self.channel).map(|(f, s)| Channel::from_code(s).ok_or(FieldError::new(f, "err.choice"))).transpose()?,
            place_id: id("place", &self.place)?,
            studio_id: id("studio", &self.studio)?,
            group_id: id("group", &self.group)?,
            from: parse_date("from", self.from.as_deref().unwrap_or(""))?.map(start),
            to: parse_date("to", self.to.as_deref().unwrap_or(""))?.and_then(|d| d.succ_opt()).map(start),
            ..Default::default()
        })
    }
}

/// Demands of the caller's committee (a unit's own only, a member's those of the studios it
/// serves), newest first.
#[utoipa::path(get, path = "/api/v1/demands", tag = "demands", security(("bearer" = [])), params(PageQuery, DemandQuery),
    responses((status = 200, body = Paged<DemandDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<DemandQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<DemandDto>>> {
    authorize(&a, Action::ViewDemands, &Target::own(&a))?;
    let mut filter = q.filter().map_err(|e| AppError::Invalid(vec![e]))?;
    DemandScope::of(&state, &a).await?.apply(&mut filter);
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::list(&state.db, a.committee_id, &filter, page).await?;
    Ok(Json(Paged { items: rows.into_iter().map(|d| dto(&a, d)).collect(), total }))
}

/// One demand.
#[utoipa::path(get, path = "/api/v1/demands/{id}", tag = "demands", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = DemandDto), (status = 401), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<DemandDto>> {
    let d = visible(&state, &a, id).await?;
    Ok(Json(dto(&a, d)))
}

async fn visible(state: &AppState, a: &Actor, id: i64) -> AppResult<Demand> {
    authorize(a, Action::ViewDemands, &Target::own(a))?;
    let d = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    if DemandScope::of(state, a).await?.allows(&d) { Ok(d) } else { Err(AppError::NotFound) }
}

/// One move of a demand's life cycle, as on the detail page.
#[derive(Deserialize, ToSchema)]
pub struct ActionRequest {
    /// answer_on_spot, assign, reject, convert, confirm_resolved, rate, archive (staff);
    /// answer, request_return (the assigned unit).
    pub action: String,
    /// assign: the unit.
    pub unit_id: Option<i64>,
    /// assign: the deadline (default 15 working days from today).
    pub deadline: Option<chrono::NaiveDate>,
    /// The answer, reason or note (required for answers, rejections, conversions and returns).
    pub text: Option<String>,
    /// rate: satisfied, basically_satisfied or unsatisfied.
    pub satisfaction: Option<String>,
    /// convert: proposal, opinion_report or research_topic.
    pub converted_kind: Option<String>,
}

/// Applies an action; the state machine refuses moves the state or the caller does not allow
/// (422 with `err.wrong_state` / `err.wrong_actor`).
#[utoipa::path(post, path = "/api/v1/demands/{id}/actions", tag = "demands", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ActionRequest,
    responses((status = 200, body = DemandDto), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn act(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path(id): Path<i64>, ApiJson(r): ApiJson<ActionRequest>) -> AppResult<(StatusCode, Json<DemandDto>)> {
    let d = visible(&state, &a, id).await?;
    let form = ActForm {
        action: r.action,
        unit_id: r.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        deadline: r.deadline.map(|x| x.to_string()).unwrap_or_default(),
        text: r.text.unwrap_or_default(),
        satisfaction: r.satisfaction.unwrap_or_default(),
        converted_kind: r.converted_kind.unwrap_or_default(),
    };
    let saved = perform(&state, &a, &d, &form, &Who::actor(&a, &info.ip)).await?;
    Ok((StatusCode::OK, Json(dto(&a, saved))))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one)).routes(routes!(act))
}
