//! JSON endpoints for liaison targets: the list under the page's filters, one target with its
//! assignees and contact log, and writing in the log through the same checks as the form.
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
use crate::app::authz::{Action, Target as Scope, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::liaison::model::{ContactForm, TargetKind, TargetStatus};
use crate::liaison::pages::{self, LiaisonQuery};
use crate::liaison::store::{self, Contact, Target};
use crate::visits::pages::trees;

/// A liaison target as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct TargetDto {
    pub id: i64,
    pub kind: TargetKind,
    pub name: String,
    pub place_id: Option<i64>,
    pub description: String,
    pub status: TargetStatus,
    pub started_on: NaiveDate,
    /// The day it was resolved or closed.
    pub ended_on: Option<NaiveDate>,
    /// The leaders and members assigned.
    pub assignee_ids: Vec<i64>,
    /// Entries in the contact log.
    pub contacts: u64,
    pub last_contact: Option<NaiveDate>,
}

/// One entry of a contact log.
#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    pub id: i64,
    pub on_date: NaiveDate,
    /// The leaders and members who went.
    pub member_ids: Vec<i64>,
    pub note: String,
    /// The liaison visit (走访) this contact was, if linked.
    pub visit_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A target with its contact log, newest first.
#[derive(Serialize, ToSchema)]
pub struct TargetDetailDto {
    #[serde(flatten)]
    pub target: TargetDto,
    pub contact_log: Vec<ContactDto>,
}

fn contact_dto(c: Contact, member_ids: Vec<i64>) -> ContactDto {
    ContactDto { id: c.id, on_date: c.on_date, member_ids, note: c.note, visit_id: c.visit_id, created_at: c.created_at }
}

async fn dtos(state: &AppState, list: Vec<Target>) -> AppResult<Vec<TargetDto>> {
    let ids: Vec<i64> = list.iter().map(|t| t.id).collect();
    let mut assigned = store::assignees_of(&state.db, &ids).await?;
    let summary = store::contact_summary(&state.db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|t| {
            let (contacts, last) = summary.get(&t.id).map(|(n, d)| (*n, Some(*d))).unwrap_or((0, None));
            let mut assignee_ids = assigned.remove(&t.id).unwrap_or_default();
            assignee_ids.sort_unstable();
            TargetDto {
                kind: t.kind(),
                status: t.status(),
                id: t.id,
                name: t.name,
                place_id: t.place_id,
                description: t.description,
                started_on: t.started_on,
                ended_on: t.ended_on,
                assignee_ids,
                contacts,
                last_contact: last,
            }
        })
        .collect())
}

/// A list's filters and page, refused with every bad one named (the API is strict where the
/// pages are lenient).
pub fn strict<F>((filter, mut errors): (F, Vec<FieldError>), pq: &PageQuery) -> AppResult<(F, PageRequest)> {
    let page = PageRequest::parse(pq).map_err(|e| errors.push(e));
    match page {
        Ok(page) if errors.is_empty() => Ok((filter, page)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Liaison targets of the caller's committee, newest first.
#[utoipa::path(get, path = "/api/v1/liaison", tag = "liaison", security(("bearer" = [])), params(PageQuery, LiaisonQuery),
    responses((status = 200, body = Paged<TargetDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<LiaisonQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<TargetDto>>> {
    authorize(&a, Action::ViewLiaison, &Scope::own(&a))?;
    let (_, places) = trees(&state, a.committee_id).await?;
    let (f, page) = strict(q.parse(&places), &pq)?;
    let (rows, total) = store::list(&state.db, a.committee_id, &f, page).await?;
    Ok(Json(Paged { items: dtos(&state, rows).await?, total }))
}

/// One target with its assignees and contact log.
#[utoipa::path(get, path = "/api/v1/liaison/{id}", tag = "liaison", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = TargetDetailDto), (status = 401), (status = 403), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<TargetDetailDto>> {
    authorize(&a, Action::ViewLiaison, &Scope::own(&a))?;
    let t = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let contact_log = store::contacts(&state.db, t.id).await?.into_iter().map(|(c, m)| contact_dto(c, m)).collect();
    Ok(Json(TargetDetailDto { target: dtos(&state, vec![t]).await?.remove(0), contact_log }))
}

/// A contact to log, checked as the form is.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ContactRequest {
    /// YYYY-MM-DD, from the target's start to today.
    pub on_date: String,
    /// The leaders and members who went (a member includes itself).
    pub member_ids: Vec<i64>,
    /// What was done or heard, 2–2,000 characters.
    pub note: String,
    /// A liaison visit within 30 days of `on_date` (optional).
    pub visit_id: Option<i64>,
}

/// Writes in a target's contact log: staff for anyone, an assigned leader or member for itself;
/// a bad field is a 422 naming it, and nothing is saved.
#[utoipa::path(post, path = "/api/v1/liaison/{id}/contacts", tag = "liaison", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ContactRequest,
    responses((status = 201, body = ContactDto), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn add_contact(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path(id): Path<i64>, ApiJson(r): ApiJson<ContactRequest>) -> AppResult<(StatusCode, Json<ContactDto>)> {
    authorize(&a, Action::ViewLiaison, &Scope::own(&a))?;
    let t = store::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let assigned = store::assignees_of(&state.db, &[t.id]).await?.remove(&t.id).unwrap_or_default();
    let f = ContactForm {
        on_date: r.on_date,
        member_ids: r.member_ids.iter().map(i64::to_string).collect(),
        note: r.note,
        visit_id: r.visit_id.map(|v| v.to_string()).unwrap_or_default(),
    };
    let saved = pages::log_contact(&state, &a, &info.ip, &t, &assigned, &f).await?;
    let mut member_ids = r.member_ids;
    member_ids.sort_unstable();
    member_ids.dedup();
    Ok((StatusCode::CREATED, Json(contact_dto(saved, member_ids))))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one)).routes(routes!(add_contact))
}
