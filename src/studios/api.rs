//! JSON endpoints for studios and receptions.
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::pages::parse_date;
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::demands::pages::member_studios;
use crate::org::model::Role;
use crate::studios::model::StudioKind;
use crate::studios::store::{self, ReceptionFilter};

/// A studio with its schedule and assigned members.
#[derive(Serialize, ToSchema)]
pub struct StudioDto {
    pub id: i64,
    pub name: String,
    pub kind: StudioKind,
    pub group_id: Option<i64>,
    pub place_id: Option<i64>,
    pub address: String,
    pub room: String,
    pub phone: String,
    /// "09:00-11:30" or empty.
    pub hours: String,
    /// Weekdays, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u32>,
    /// Days of the month.
    pub month_days: Vec<u32>,
    /// The reception days in words (Chinese).
    pub reception_days: String,
    pub member_ids: Vec<i64>,
    pub retired: bool,
}

/// The committee's studios.
#[utoipa::path(get, path = "/api/v1/studios", tag = "studios", security(("bearer" = [])),
    responses((status = 200, body = Paged<StudioDto>), (status = 401), (status = 403)))]
async fn studios(State(state): State<AppState>, ApiUser(a, _): ApiUser) -> AppResult<Json<Paged<StudioDto>>> {
    authorize(&a, Action::ViewStudios, &Target::own(&a))?;
    let list = store::list(&state.db, a.committee_id).await?;
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let mut members = store::members_of(&state.db, &ids).await?;
    let items: Vec<StudioDto> = list
        .into_iter()
        .map(|s| {
            let days = s.reception_days();
            StudioDto {
                kind: s.kind(),
                weekdays: days.weekdays().iter().map(|w| w.number_from_monday()).collect(),
                month_days: days.month_days(),
                reception_days: days.describe_zh(),
                member_ids: members.remove(&s.id).unwrap_or_default(),
                id: s.id,
                name: s.name,
                group_id: s.group_id,
                place_id: s.place_id,
                address: s.address,
                room: s.room,
                phone: s.phone,
                hours: s.hours,
                retired: s.retired,
            }
        })
        .collect();
    let total = items.len() as u64;
    Ok(Json(Paged { items, total }))
}

/// A reception session.
#[derive(Serialize, ToSchema)]
pub struct ReceptionDto {
    pub id: i64,
    pub studio_id: i64,
    pub held_on: chrono::NaiveDate,
    pub place_id: Option<i64>,
    pub citizens_received: i32,
    pub notes: String,
    /// The members on duty.
    pub member_ids: Vec<i64>,
}

/// Filters of the reception list; dates are the days the receptions were held (YYYY-MM-DD).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceptionQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub studio: Option<String>,
    pub group: Option<String>,
    pub place: Option<String>,
}

impl ReceptionQuery {
    fn filter(&self) -> Result<ReceptionFilter, FieldError> {
        let id = |field: &'static str, v: &Option<String>| {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse::<i64>().map_err(|_| FieldError::new(field, "err.choice"))).transpose()
        };
        Ok(ReceptionFilter {
            studio_id: id("studio", &self.studio)?,
            group_id: id("group", &self.group)?,
            place_id: id("place", &self.place)?,
            from: parse_date("from", self.from.as_deref().unwrap_or(""))?,
            to: parse_date("to", self.to.as_deref().unwrap_or(""))?,
            studio_ids: None,
            place_ids: None,
        })
    }
}

/// Reception sessions, latest first (a member sees those of the studios it serves).
#[utoipa::path(get, path = "/api/v1/receptions", tag = "studios", security(("bearer" = [])), params(PageQuery, ReceptionQuery),
    responses((status = 200, body = Paged<ReceptionDto>), (status = 401), (status = 403), (status = 422)))]
async fn receptions(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<ReceptionQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<ReceptionDto>>> {
    authorize(&a, Action::ViewStudios, &Target::own(&a))?;
    let mut filter = q.filter().map_err(|e| AppError::Invalid(vec![e]))?;
    if a.role == Role::Member {
        filter.studio_ids = Some(member_studios(&state, &a).await?);
    }
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::receptions(&state.db, a.committee_id, &filter, page).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut on_duty = store::reception_members(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| ReceptionDto {
            member_ids: on_duty.remove(&r.id).unwrap_or_default(),
            id: r.id,
            studio_id: r.studio_id,
            held_on: r.held_on,
            place_id: r.place_id,
            citizens_received: r.citizens_received,
            notes: r.notes,
        })
        .collect();
    Ok(Json(Paged { items, total }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(studios)).routes(routes!(receptions))
}
