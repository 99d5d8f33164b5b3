//! JSON endpoints for visits: the list under the same filters as the page, one visit, its
//! totals, and logging a visit through the same checks as the form.
use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
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
use crate::demands::store::demand;
use crate::visits::model::{VisitForm, VisitKind, WhomKind};
use crate::visits::pages::{self, Viewer, VisitQuery};
use crate::visits::store::{self, Visit, VisitFilter, VisitTotals};

/// A visit as the API shows it. `names` is empty unless the caller went on the visit or is
/// staff or a leader.
#[derive(Serialize, ToSchema)]
pub struct VisitDto {
    pub id: i64,
    pub on_date: chrono::NaiveDate,
    pub kind: VisitKind,
    pub whom_kind: WhomKind,
    /// People visited (人次).
    pub people: i32,
    pub names: String,
    pub place_id: Option<i64>,
    /// The members who went.
    pub visitor_ids: Vec<i64>,
    /// Staff who went, by name.
    pub staff_names: String,
    pub heard: String,
    pub follow_up: String,
    /// The demands raised on the visit.
    pub demand_ids: Vec<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

async fn dtos(state: &AppState, viewer: &Viewer, list: Vec<Visit>) -> AppResult<Vec<VisitDto>> {
    let ids: Vec<i64> = list.iter().map(|v| v.id).collect();
    let mut went = store::visitors_of(&state.db, &ids).await?;
    let mut raised = demands_raised(state, &ids).await?;
    let mut out = Vec::with_capacity(list.len());
    for v in list {
        let visitor_ids = went.remove(&v.id).unwrap_or_default();
        let demand_ids = raised.remove(&v.id).unwrap_or_default();
        out.push(VisitDto {
            kind: VisitKind::from_code(&v.kind).unwrap_or(VisitKind::Field),
            whom_kind: WhomKind::from_code(&v.whom_kind).unwrap_or(WhomKind::Masses),
            names: if viewer.sees_names(&visitor_ids) { v.names } else { String::new() },
            id: v.id,
            on_date: v.on_date,
            people: v.people,
            place_id: v.place_id,
            visitor_ids,
            staff_names: v.staff_names,
            heard: v.heard,
            follow_up: v.follow_up,
            demand_ids,
            created_at: v.created_at,
        });
    }
    Ok(out)
}

/// The ids of the demands each visit raised, in one query.
async fn demands_raised(state: &AppState, visit_ids: &[i64]) -> AppResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, Option<i64>)> = demand::Entity::find()
        .filter(demand::Column::VisitId.is_in(visit_ids.to_vec()))
        .select_only()
        .column(demand::Column::Id)
        .column(demand::Column::VisitId)
        .order_by_asc(demand::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, visit) in rows {
        if let Some(v) = visit {
            out.entry(v).or_default().push(id);
        }
    }
    Ok(out)
}

async fn filter(state: &AppState, a: &Actor, q: &VisitQuery) -> AppResult<VisitFilter> {
    let (f, errors) = pages::checked_filter(state, a.committee_id, q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(f)
}

/// Visits of the caller's committee, latest first. Members see every visit (the names of the
/// people visited only on those they went on).
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", security(("bearer" = [])), params(PageQuery, VisitQuery),
    responses((status = 200, body = Paged<VisitDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<VisitQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<VisitDto>>> {
    authorize(&a, Action::ViewVisits, &Target::own(&a))?;
    let f = filter(&state, &a, &q).await?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::list(&state.db, a.committee_id, &f, page).await?;
    let viewer = Viewer::of(&state, &a).await?;
    Ok(Json(Paged { items: dtos(&state, &viewer, rows).await?, total }))
}

/// The figures of the visits under the same filters: visits (走访次数), people visited
/// (走访人次) and people visited at home (入户走访人次).
#[utoipa::path(get, path = "/api/v1/visits/totals", tag = "visits", security(("bearer" = [])), params(VisitQuery),
    responses((status = 200, body = VisitTotals), (status = 401), (status = 403), (status = 422)))]
async fn totals(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<VisitQuery>) -> AppResult<Json<VisitTotals>> {
    authorize(&a, Action::ViewVisits, &Target::own(&a))?;
    let f = filter(&state, &a, &q).await?;
    Ok(Json(store::totals(&state.db, a.committee_id, &f).await?))
}

/// One visit.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = VisitDto), (status = 401), (status = 403), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<VisitDto>> {
    authorize(&a, Action::ViewVisits, &Target::own(&a))?;
    let v = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let viewer = Viewer::of(&state, &a).await?;
    Ok(Json(dtos(&state, &viewer, vec![v]).await?.remove(0)))
}

/// A visit to log, checked as the form is: a member logs only a visit it went on (its own
/// member id among `visitor_ids`); only staff name staff in `staff_names`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct VisitRequest {
    /// YYYY-MM-DD, not in the future.
    pub on_date: String,
    /// field, home, enterprise or liaison.
    pub kind: String,
    /// members, masses, households or enterprises.
    pub whom_kind: String,
    /// People visited, 1–10,000.
    pub people: i64,
    /// The names of the people visited (optional).
    pub names: String,
    pub place_id: Option<i64>,
    /// Members in office who went.
    pub visitor_ids: Vec<i64>,
    pub staff_names: String,
    /// What was heard, 2–2,000 characters.
    pub heard: String,
    pub follow_up: String,
    /// Concerns raised, one per item (5–500 characters, at most 10): each becomes a demand
    /// (channel "visit") linked to the visit.
    pub demands: Vec<String>,
    /// The category of those demands (default: the committee's last, 其他).
    pub demand_category: String,
}

impl VisitRequest {
    fn form(self) -> VisitForm {
        VisitForm {
            on_date: self.on_date,
            kind: self.kind,
            whom_kind: self.whom_kind,
            people: self.people.to_string(),
            names: self.names,
            place_id: self.place_id.map(|p| p.to_string()).unwrap_or_default(),
            visitor_ids: self.visitor_ids.iter().map(i64::to_string).collect(),
            staff_names: self.staff_names,
            heard: self.heard,
            follow_up: self.follow_up,
            // One item is one concern, whatever line breaks it holds.
            demands: self.demands.iter().map(|d| d.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n"),
            demand_category: self.demand_category,
        }
    }
}

/// Logs a visit with the demands it raised; a bad field is a 422 naming it, and nothing is
/// saved.
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", security(("bearer" = [])), request_body = VisitRequest,
    responses((status = 201, body = VisitDto), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ApiUser(a, info): ApiUser, ApiJson(r): ApiJson<VisitRequest>) -> AppResult<(StatusCode, Json<VisitDto>)> {
    let saved = pages::record(&state, &a, &info.ip, &r.form()).await?;
    let viewer = Viewer::of(&state, &a).await?;
    Ok((StatusCode::CREATED, Json(dtos(&state, &viewer, vec![saved]).await?.remove(0))))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(totals)).routes(routes!(one))
}
