//! JSON endpoints for consultations: the list under the page's filters, one consultation with
//! its outcomes and deliberation statements, a topic put forward, and the moves of an outcome
//! (for units answering from their own systems).
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
use crate::consultations::forms::{OutcomeMoveForm, TopicForm};
use crate::consultations::model::{ConsultationKind, ConsultationState, OutcomeState, TopicSource};
use crate::consultations::pages::{self, ConsultationQuery};
use crate::consultations::store::{self, Consultation, Outcome};
use crate::org::model::Role;

#[derive(Serialize, ToSchema)]
pub struct ConsultationOutcomeDto {
    pub id: i64,
    /// The agreed action.
    pub action: String,
    pub unit_id: i64,
    pub deadline: chrono::NaiveDate,
    pub state: OutcomeState,
    pub progress: String,
    /// Why it could not be done.
    pub reason: String,
    /// satisfied, basically_satisfied or unsatisfied, once checked.
    pub satisfaction: Option<String>,
    pub done_on: Option<chrono::NaiveDate>,
}

impl From<Outcome> for ConsultationOutcomeDto {
    fn from(o: Outcome) -> Self {
        ConsultationOutcomeDto {
            state: o.state(),
            id: o.id,
            action: o.action,
            unit_id: o.unit_id,
            deadline: o.deadline,
            progress: o.progress,
            reason: o.reason,
            satisfaction: o.satisfaction,
            done_on: o.done_on,
        }
    }
}

/// A deliberation statement (hidden ones are left out).
#[derive(Serialize, ToSchema)]
pub struct StatementDto {
    pub id: i64,
    pub body: String,
}

/// A consultation. The suggester's phone is never shown; a unit sees only its own outcomes.
#[derive(Serialize, ToSchema)]
pub struct ConsultationDto {
    pub id: i64,
    pub kind: ConsultationKind,
    pub source: TopicSource,
    pub state: ConsultationState,
    pub title: String,
    pub topic: String,
    pub suggested_by: String,
    pub plan_year: Option<i32>,
    pub place_id: Option<i64>,
    pub format: String,
    pub meeting_on: Option<chrono::NaiveDate>,
    pub notice_sent_on: Option<chrono::NaiveDate>,
    pub materials_sent_on: Option<chrono::NaiveDate>,
    pub held_on: Option<chrono::NaiveDate>,
    pub minutes_issued_on: Option<chrono::NaiveDate>,
    pub closed_on: Option<chrono::NaiveDate>,
    pub outcomes: Vec<ConsultationOutcomeDto>,
    pub statements: Vec<StatementDto>,
}

async fn dto(state: &AppState, a: &crate::app::auth::Actor, c: Consultation) -> AppResult<ConsultationDto> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let outcomes = store::outcomes(&state.db, c.id)
        .await?
        .into_iter()
        .filter(|o| a.role != Role::Unit || a.unit_id == Some(o.unit_id))
        .map(ConsultationOutcomeDto::from)
        .collect();
    let statements = store::statement::Entity::find()
        .filter(store::statement::Column::ConsultationId.eq(c.id))
        .filter(store::statement::Column::Hidden.eq(false))
        .order_by_asc(store::statement::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| StatementDto { id: s.id, body: s.body })
        .collect();
    Ok(ConsultationDto {
        kind: c.kind(),
        source: c.source(),
        state: c.state(),
        id: c.id,
        title: c.title,
        topic: c.topic,
        suggested_by: c.suggested_by,
        plan_year: c.plan_year,
        place_id: c.place_id,
        format: c.format,
        meeting_on: c.meeting_on,
        notice_sent_on: c.notice_sent_on,
        materials_sent_on: c.materials_sent_on,
        held_on: c.held_on,
        minutes_issued_on: c.minutes_issued_on,
        closed_on: c.closed_on,
        outcomes,
        statements,
    })
}

/// Consultations of the caller's committee, newest first (`from`/`to` on the meeting date). A
/// unit sees those that handed it an outcome.
#[utoipa::path(get, path = "/api/v1/consultations", tag = "consultations", security(("bearer" = [])), params(PageQuery, ConsultationQuery),
    responses((status = 200, body = Paged<ConsultationDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<ConsultationQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<ConsultationDto>>> {
    authorize(&a, Action::ViewConsultations, &Target::own(&a))?;
    let (f, errors) = pages::checked_filter(&state, &a, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::list(&state.db, a.committee_id, &f, page).await?;
    let mut items = Vec::with_capacity(rows.len());
    for c in rows {
        items.push(dto(&state, &a, c).await?);
    }
    Ok(Json(Paged { items, total }))
}

/// One consultation with its outcomes and statements.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "consultations", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ConsultationDto), (status = 401), (status = 403), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<ConsultationDto>> {
    let c = pages::visible(&state, &a, id).await?;
    Ok(Json(dto(&state, &a, c).await?))
}

/// A topic to put forward: staff give its source; a member's is 委员荐题.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TopicRequest {
    /// invited, grassroots, thematic or micro.
    pub kind: String,
    /// party_government, committee, member or public (staff only).
    pub source: String,
    /// At most 100 characters.
    pub title: String,
    /// At most 5,000 characters.
    pub topic: String,
    pub suggested_by: String,
    pub place_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/consultations", tag = "consultations", security(("bearer" = [])), request_body = TopicRequest,
    responses((status = 201, body = ConsultationDto), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ApiUser(a, info): ApiUser, ApiJson(r): ApiJson<TopicRequest>) -> AppResult<(StatusCode, Json<ConsultationDto>)> {
    let f = TopicForm { kind: r.kind, source: r.source, title: r.title, topic: r.topic, suggested_by: r.suggested_by, place_id: r.place_id.map(|p| p.to_string()).unwrap_or_default() };
    let c = pages::propose_as(&state, &a, &info.ip, &f).await?;
    Ok((StatusCode::CREATED, Json(dto(&state, &a, c).await?)))
}

/// A move of an outcome: its unit `start`s, `complete`s or `fail`s it (a reason in `text`);
/// staff `reopen` it or `check` the participants' `satisfaction`, which settles it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OutcomeMoveRequest {
    pub op: String,
    pub text: String,
    pub satisfaction: String,
}

#[utoipa::path(post, path = "/api/v1/consultations/{id}/outcomes/{outcome_id}", tag = "consultations", security(("bearer" = [])),
    params(("id" = i64, Path), ("outcome_id" = i64, Path)), request_body = OutcomeMoveRequest,
    responses((status = 200, body = ConsultationOutcomeDto), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn move_outcome(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path((id, oid)): Path<(i64, i64)>, ApiJson(r): ApiJson<OutcomeMoveRequest>) -> AppResult<Json<ConsultationOutcomeDto>> {
    let c = pages::visible(&state, &a, id).await?;
    let f = OutcomeMoveForm { op: r.op, text: r.text, satisfaction: r.satisfaction };
    Ok(Json(pages::move_outcome_as(&state, &a, &info.ip, &c, oid, &f).await?.into()))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(one)).routes(routes!(move_outcome))
}
