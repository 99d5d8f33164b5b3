//! JSON endpoints for activities: the list under the same filters as the page, and one activity
//! with its participants and their attendance.
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::activities::model::{ActivityKind, Attendance};
use crate::activities::pages::ActivityQuery;
use crate::activities::store::{self, Activity, Participant};
use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, PageRequest, Paged};

/// A participant's attendance.
#[derive(Serialize, ToSchema)]
pub struct ParticipantDto {
    pub member_id: i64,
    pub attendance: Attendance,
    /// The reason given when asking for leave.
    pub leave_reason: String,
    pub signed_in_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An activity as the API shows it. The sign-in code is never shown.
#[derive(Serialize, ToSchema)]
pub struct ActivityDto {
    pub id: i64,
    pub kind: ActivityKind,
    pub title: String,
    pub organiser: String,
    pub group_id: Option<i64>,
    pub on_date: chrono::NaiveDate,
    pub end_date: chrono::NaiveDate,
    pub place_id: Option<i64>,
    pub address: String,
    pub description: String,
    pub people_served: i32,
    pub volunteers: i32,
    pub households: i32,
    /// Funds given, in fen (1 yuan = 100 fen).
    pub funds_fen: i64,
    pub items_given: String,
    pub items_count: i64,
    pub shared: bool,
    /// Only on `GET /api/v1/activities/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<ParticipantDto>>,
}

fn dto(a: Activity, parts: Option<Vec<Participant>>) -> ActivityDto {
    ActivityDto {
        kind: ActivityKind::from_code(&a.kind).unwrap_or(ActivityKind::Other),
        id: a.id,
        title: a.title,
        organiser: a.organiser,
        group_id: a.group_id,
        on_date: a.on_date,
        end_date: a.end_date,
        place_id: a.place_id,
        address: a.address,
        description: a.description,
        people_served: a.people_served,
        volunteers: a.volunteers,
        households: a.households,
        funds_fen: a.funds_fen,
        items_given: a.items_given,
        items_count: a.items_count,
        shared: a.shared,
        participants: parts.map(|ps| {
            ps.into_iter()
                .map(|p| ParticipantDto { attendance: p.attendance(), member_id: p.member_id, leave_reason: p.leave_reason, signed_in_at: p.signed_in_at })
                .collect()
        }),
    }
}

/// Activities of the caller's committee, latest first. `member` takes the activities the
/// member was present at; `group` and `place` include those below them.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities", security(("bearer" = [])), params(PageQuery, ActivityQuery),
    responses((status = 200, body = Paged<ActivityDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<ActivityQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<ActivityDto>>> {
    authorize(&a, Action::ViewActivities, &Target::own(&a))?;
    let (f, errors) = crate::activities::pages::checked_filter(&state, a.committee_id, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::list(&state.db, a.committee_id, &f, page).await?;
    Ok(Json(Paged { items: rows.into_iter().map(|x| dto(x, None)).collect(), total }))
}

/// One activity with its participants and their attendance.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ActivityDto), (status = 401), (status = 403), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<ActivityDto>> {
    authorize(&a, Action::ViewActivities, &Target::own(&a))?;
    let act = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let parts = store::participants(&state.db, act.id).await?;
    Ok(Json(dto(act, Some(parts))))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one))
}
