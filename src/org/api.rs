//! JSON endpoints of the organization area.
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::{ApiJson, ApiUser};
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::org::model::{CommitteeLevel, Role};
use crate::org::import::Catalogues;
use crate::org::member_pages::{Choices, MemberQuery, save_member, shown_mobile};
use crate::org::members::{self, MemberInput};
use crate::org::store::{self, Committee};
use crate::org::structure;

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

/// A member as the API shows it; `mobile` is masked (138****1234) unless the caller may see
/// phones in full.
#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub id: i64,
    pub name: String,
    pub gender: Option<String>,
    pub birth_month: Option<String>,
    pub ethnicity: Option<String>,
    pub party: Option<String>,
    pub sector_id: i64,
    pub sector: String,
    pub place_id: Option<i64>,
    pub place: Option<String>,
    pub group_ids: Vec<i64>,
    pub groups: Vec<String>,
    pub position: String,
    pub employer: Option<String>,
    pub mobile: Option<String>,
    pub status: String,
    pub status_since: Option<chrono::NaiveDate>,
}

fn member_dto(m: members::Member, cats: &Catalogues, group_ids: Vec<i64>, full_phone: bool) -> MemberDto {
    MemberDto {
        sector: cats.sectors.get(&m.sector_id).cloned().unwrap_or_default(),
        place: m.place_id.and_then(|p| cats.places.get(&p).cloned()),
        groups: group_ids.iter().filter_map(|g| cats.groups.get(g).cloned()).collect(),
        mobile: m.mobile.as_deref().map(|p| shown_mobile(Some(p), full_phone)),
        group_ids,
        id: m.id,
        name: m.name,
        gender: m.gender,
        birth_month: m.birth_month,
        ethnicity: m.ethnicity,
        party: m.party,
        sector_id: m.sector_id,
        place_id: m.place_id,
        position: m.position,
        employer: m.employer,
        status: m.status,
        status_since: m.status_since,
    }
}

/// Members of the caller's committee, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/members", tag = "org", security(("bearer" = [])), params(PageQuery, MemberQuery),
    responses((status = 200, body = Paged<MemberDto>), (status = 401), (status = 403), (status = 422)))]
async fn list_members(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<MemberQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<MemberDto>>> {
    let own = Target::own(&a);
    authorize(&a, Action::ViewMembers, &own)?;
    let choices = Choices::load(&state, a.committee_id).await?;
    let filter = q.checked_filter(&state, a.committee_id, &choices).await?.map_err(|e| AppError::Invalid(vec![e]))?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (list, total) = members::list(&state.db, a.committee_id, &filter, page).await?;
    let cats = Catalogues::load(&state.db, a.committee_id).await?;
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    let mut groups = members::groups_of(&state.db, &ids).await?;
    let full = may(&a, Action::ViewMemberPhones, &own);
    let items = list.into_iter().map(|m| { let g = groups.remove(&m.id).unwrap_or_default(); member_dto(m, &cats, g, full) }).collect();
    Ok(Json(Paged { items, total }))
}

async fn one_member(state: &AppState, a: &crate::app::auth::Actor, id: i64) -> AppResult<MemberDto> {
    let own = Target::own(a);
    authorize(a, Action::ViewMembers, &own)?;
    let m = members::find(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let cats = Catalogues::load(&state.db, a.committee_id).await?;
    let groups = members::groups_of(&state.db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok(member_dto(m, &cats, groups, may(a, Action::ViewMemberPhones, &own)))
}

/// One member.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "org", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = MemberDto), (status = 401), (status = 404)))]
async fn get_member(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<MemberDto>> {
    Ok(Json(one_member(&state, &a, id).await?))
}

/// Create a member (staff and administrators).
#[utoipa::path(post, path = "/api/v1/members", tag = "org", security(("bearer" = [])), request_body = MemberInput,
    responses((status = 201, body = MemberDto), (status = 403), (status = 422, description = "fields named in `fields`")))]
async fn create_member(State(state): State<AppState>, ApiUser(a, info): ApiUser, ApiJson(body): ApiJson<MemberInput>) -> AppResult<(StatusCode, Json<MemberDto>)> {
    let m = save_member(&state, &a, &info.ip, None, &body).await?;
    Ok((StatusCode::CREATED, Json(one_member(&state, &a, m.id).await?)))
}

/// Replace a member's data (staff and administrators).
#[utoipa::path(put, path = "/api/v1/members/{id}", tag = "org", security(("bearer" = [])), params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 200, body = MemberDto), (status = 403), (status = 404), (status = 422)))]
async fn update_member(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path(id): Path<i64>, ApiJson(body): ApiJson<MemberInput>) -> AppResult<Json<MemberDto>> {
    let m = save_member(&state, &a, &info.ip, Some(id), &body).await?;
    Ok(Json(one_member(&state, &a, m.id).await?))
}

/// An entry of a catalogue (sector, place, group or handling unit).
#[derive(Serialize, ToSchema)]
pub struct CatalogEntry {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub kind: Option<String>,
    pub retired: bool,
}

fn paged(entries: Vec<CatalogEntry>, pq: &PageQuery) -> AppResult<Json<Paged<CatalogEntry>>> {
    let page = PageRequest::parse(pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let total = entries.len() as u64;
    let items = entries.into_iter().skip(page.offset() as usize).take(page.limit() as usize).collect();
    Ok(Json(Paged { items, total }))
}

/// Sectors (界别).
#[utoipa::path(get, path = "/api/v1/sectors", tag = "org", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Paged<CatalogEntry>)))]
async fn sectors(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<CatalogEntry>>> {
    authorize(&a, Action::ViewCommittee, &Target::own(&a))?;
    let list = structure::sectors(&state.db, a.committee_id).await?;
    paged(list.into_iter().map(|s| CatalogEntry { id: s.id, name: s.name, parent_id: None, kind: None, retired: s.retired }).collect(), &pq)
}

/// Places (镇街 → 社区/村).
#[utoipa::path(get, path = "/api/v1/places", tag = "org", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Paged<CatalogEntry>)))]
async fn places(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<CatalogEntry>>> {
    authorize(&a, Action::ViewCommittee, &Target::own(&a))?;
    let list = structure::places(&state.db, a.committee_id).await?;
    paged(list.into_iter().map(|p| CatalogEntry { id: p.id, name: p.name, parent_id: p.parent_id, kind: Some(p.kind), retired: p.retired }).collect(), &pq)
}

/// Groups (联组 → 小组).
#[utoipa::path(get, path = "/api/v1/groups", tag = "org", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Paged<CatalogEntry>)))]
async fn groups(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<CatalogEntry>>> {
    authorize(&a, Action::ViewCommittee, &Target::own(&a))?;
    let list = structure::groups(&state.db, a.committee_id).await?;
    paged(list.into_iter().map(|g| CatalogEntry { id: g.id, name: g.name, parent_id: g.parent_id, kind: None, retired: g.retired }).collect(), &pq)
}

/// Handling units (承办单位).
#[utoipa::path(get, path = "/api/v1/units", tag = "org", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Paged<CatalogEntry>)))]
async fn units(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<CatalogEntry>>> {
    authorize(&a, Action::ViewCommittee, &Target::own(&a))?;
    let list = store::units(&state.db, a.committee_id).await?;
    paged(list.into_iter().map(|u| CatalogEntry { id: u.id, name: u.name, parent_id: None, kind: Some(u.kind), retired: u.retired }).collect(), &pq)
}

/// A term (届) with its plenary sessions (次会议).
#[derive(Serialize, ToSchema)]
pub struct TermDto {
    pub id: i64,
    pub number: i32,
    pub start_date: chrono::NaiveDate,
    pub end_date: Option<chrono::NaiveDate>,
    pub plenaries: Vec<PlenaryDto>,
}

#[derive(Serialize, ToSchema)]
pub struct PlenaryDto {
    pub id: i64,
    pub number: i32,
    pub start_date: chrono::NaiveDate,
    pub end_date: chrono::NaiveDate,
}

/// Terms, newest first, with their plenary sessions.
#[utoipa::path(get, path = "/api/v1/terms", tag = "org", security(("bearer" = [])), params(PageQuery), responses((status = 200, body = Paged<TermDto>)))]
async fn terms(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<TermDto>>> {
    authorize(&a, Action::ViewCommittee, &Target::own(&a))?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let list = crate::org::terms::terms(&state.db, a.committee_id).await?;
    let total = list.len() as u64;
    let mut items = Vec::new();
    for t in list.into_iter().skip(page.offset() as usize).take(page.limit() as usize) {
        let plenaries = crate::org::terms::plenaries(&state.db, t.id).await?;
        items.push(TermDto {
            id: t.id,
            number: t.number,
            start_date: t.start_date,
            end_date: t.end_date,
            plenaries: plenaries.into_iter().map(|p| PlenaryDto { id: p.id, number: p.number, start_date: p.start_date, end_date: p.end_date }).collect(),
        });
    }
    Ok(Json(Paged { items, total }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(committees))
        .routes(routes!(list_members, create_member))
        .routes(routes!(get_member, update_member))
        .routes(routes!(sectors))
        .routes(routes!(places))
        .routes(routes!(groups))
        .routes(routes!(units))
        .routes(routes!(terms))
}
