//! JSON endpoints for proposals.
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::{ApiJson, ApiUser};
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::pages::parse_date;
use crate::app::pagination::{PageQuery, PageRequest, Paged};
use crate::org::members;
use crate::org::model::Role;
use crate::proposals::model::ProposalState;
use crate::proposals::{manage_pages, metrics_pages, pages};
use crate::proposals::store::{self, ApiFilter, ListScope, Proposal};

/// A proposal as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct ProposalDto {
    pub id: i64,
    pub session_id: Option<i64>,
    /// "plenary" (大会提案) or "regular" (平时提案).
    pub kind: String,
    pub title: String,
    pub body: String,
    pub state: ProposalState,
    pub number: Option<String>,
    pub key_proposal: bool,
    /// The leader (member id) supervising a key proposal.
    pub supervisor_id: Option<i64>,
    /// The proposers consent to publishing.
    pub disclose: bool,
    /// 优秀提案.
    pub excellent: bool,
    /// "member", or a collective: "sector", "group", "organization", "special_committee".
    pub submitter_kind: String,
    /// The collective's name (empty for members).
    pub submitter_name: String,
    /// The host proposal when merged.
    pub host_id: Option<i64>,
    pub mode: Option<String>,
    pub deadline: Option<chrono::NaiveDate>,
    /// The lead proposer first, then the co-signers.
    pub member_ids: Vec<i64>,
    /// The units' parts (what `part_id` in an action names), withdrawn ones included.
    pub parts: Vec<PartDto>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub filed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One unit's part of a proposal.
#[derive(Serialize, ToSchema)]
pub struct PartDto {
    pub id: i64,
    pub unit_id: i64,
    /// "answering" (单办, 分办, the 会办 lead) or "co_unit" (会办).
    pub role: String,
    /// assigned, objected, opinion_sent, replied, approved, sent_back or withdrawn.
    pub state: String,
    /// A, B or C once replied.
    pub class: Option<String>,
    /// The reply or the co-unit's opinion.
    pub reply: Option<String>,
    pub deadline: chrono::NaiveDate,
}

async fn dto(state: &AppState, p: Proposal) -> AppResult<ProposalDto> {
    let member_ids = store::signers(&state.db, p.id).await?.into_iter().map(|(m, _)| m).collect();
    let parts = store::parts(&state.db, p.id)
        .await?
        .into_iter()
        .map(|x| PartDto { id: x.id, unit_id: x.unit_id, role: x.role, state: x.state, class: x.class, reply: x.reply, deadline: x.deadline })
        .collect();
    Ok(ProposalDto {
        state: p.state(),
        id: p.id,
        session_id: p.session_id,
        kind: p.kind,
        title: p.title,
        body: p.body,
        number: p.number,
        key_proposal: p.key_proposal,
        supervisor_id: p.supervisor_id,
        disclose: p.disclose,
        excellent: p.excellent,
        submitter_kind: p.submitter_kind,
        submitter_name: p.submitter_name,
        host_id: p.host_id,
        mode: p.mode,
        deadline: p.deadline,
        member_ids,
        parts,
        submitted_at: p.submitted_at,
        filed_at: p.filed_at,
        answered_at: p.answered_at,
    })
}

/// Filters; dates are submission dates (YYYY-MM-DD, China time).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// Plenary session id.
    pub session: Option<String>,
    pub status: Option<String>,
    /// Unit id: proposals handed to it.
    pub unit: Option<String>,
    /// Member id: proposals it signs.
    pub member: Option<String>,
    /// true: key proposals (重点提案) only.
    pub key: Option<String>,
}

impl ProposalQuery {
    fn filter(&self) -> Result<ApiFilter, FieldError> {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let id = |field: &'static str, v: &Option<String>| text(v).map(|s| s.parse::<i64>().map_err(|_| FieldError::new(field, "err.choice"))).transpose();
        let start = crate::app::shell::day_start;
        Ok(ApiFilter {
            state: text(&self.status).map(|s| ProposalState::from_code(&s).ok_or(FieldError::new("status", "err.choice"))).transpose()?,
            session_id: id("session", &self.session)?,
            unit_id: id("unit", &self.unit)?,
            member_id: id("member", &self.member)?,
            key: match text(&self.key).as_deref() {
                None => None,
                Some("true") => Some(true),
                Some("false") => Some(false),
                Some(_) => return Err(FieldError::new("key", "err.choice")),
            },
            from: parse_date("from", self.from.as_deref().unwrap_or(""))?.map(start),
            to: parse_date("to", self.to.as_deref().unwrap_or(""))?.and_then(|d| d.succ_opt()).map(start),
            ..Default::default()
        })
    }
}

async fn scope(state: &AppState, a: &Actor) -> AppResult<ListScope> {
    Ok(match a.role {
        Role::Member => ListScope::SignedBy(members::linked_to(&state.db, a.user_id).await?.map(|m| m.id).unwrap_or(-1)),
        Role::Unit => ListScope::Unit(a.unit_id.unwrap_or(-1)),
        _ => ListScope::SentIn,
    })
}

/// Proposals of the caller's committee: sent-in ones (a member's own, drafts included; a
/// unit's handed to it), latest first.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals", security(("bearer" = [])), params(PageQuery, ProposalQuery),
    responses((status = 200, body = Paged<ProposalDto>), (status = 401), (status = 403), (status = 422)))]
async fn list(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<ProposalQuery>, Query(pq): Query<PageQuery>) -> AppResult<Json<Paged<ProposalDto>>> {
    authorize(&a, Action::ViewProposals, &Target::own(&a))?;
    let filter = q.filter().map_err(|e| AppError::Invalid(vec![e]))?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (rows, total) = store::search(&state.db, a.committee_id, scope(&state, &a).await?, &filter, page).await?;
    let mut items = Vec::with_capacity(rows.len());
    for p in rows {
        items.push(dto(&state, p).await?);
    }
    Ok(Json(Paged { items, total }))
}

/// One proposal.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ProposalDto), (status = 401), (status = 404)))]
async fn one(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>) -> AppResult<Json<ProposalDto>> {
    authorize(&a, Action::ViewProposals, &Target::own(&a))?;
    let filter = ApiFilter::default();
    let found = store::search_one(&state.db, a.committee_id, scope(&state, &a).await?, &filter, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(dto(&state, found).await?))
}

/// One move of a proposal, as on its page. Which fields a move reads:
/// - submit, withdraw (lead proposer); cosign (a co-signer); accept, file, conclude (staff);
///   return, reject, convert (staff, `reason` required: for reject one of the committee's
///   not-filing grounds; convert needs `convert_to` and `consent`);
/// - merge (staff): `host_id`; assign (staff): `mode` single/split/joint, `lead_unit`, `unit_ids`;
/// - object, opinion, reply, cosign_reply (the unit, on its `part_id`; reply needs `class` A/B/C
///   and `text`; a 会办 co-unit co-signs the lead's reply with cosign_reply);
///   approve, send_back (staff, on `part_id`; approve may correct `class`);
/// - rate (a proposer): `satisfaction`, `contacted`; extend (staff): `deadline`, `reason`;
///   flags (staff): `supervisor_id` (a leader: key proposal) and `disclose`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ActionRequest {
    pub action: String,
    pub reason: Option<String>,
    pub consent: Option<bool>,
    /// convert: opinion_report, opinion or higher_committee.
    pub convert_to: Option<String>,
    pub host_id: Option<i64>,
    pub mode: Option<String>,
    pub lead_unit: Option<i64>,
    pub unit_ids: Vec<i64>,
    pub part_id: Option<i64>,
    pub class: Option<String>,
    pub text: Option<String>,
    pub satisfaction: Option<String>,
    pub contacted: Option<bool>,
    pub deadline: Option<chrono::NaiveDate>,
    pub supervisor_id: Option<i64>,
    pub disclose: Option<bool>,
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

fn yes(v: Option<bool>) -> String {
    if v == Some(true) { "yes".into() } else { String::new() }
}

/// Applies one move through the same checks as the pages; a refused move is a 422 naming
/// the field or `err.wrong_state` / `err.wrong_actor`.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/actions", tag = "proposals", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ActionRequest,
    responses((status = 200, body = ProposalDto), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn act(State(state): State<AppState>, ApiUser(a, info): ApiUser, Path(id): Path<i64>, ApiJson(r): ApiJson<ActionRequest>) -> AppResult<Json<ProposalDto>> {
    let p = pages::visible(&state, &a, id).await?;
    let ip = info.ip.as_str();
    let part = || r.part_id.ok_or(AppError::invalid("part_id", "err.required"));
    let saved = match r.action.as_str() {
        "merge" => manage_pages::merge_as(&state, &a, ip, &p, &manage_pages::MergeForm { host_id: opt(&r.host_id) }).await?,
        "assign" => {
            let f = pages::AssignInput { mode: opt(&r.mode), lead_unit: opt(&r.lead_unit), unit_ids: r.unit_ids.iter().map(i64::to_string).collect() };
            pages::assign_as(&state, &a, ip, &p, &f).await?
        }
        "object" | "opinion" | "reply" | "cosign_reply" | "approve" | "send_back" => {
            // A co-unit's 会签 is "cosign" on the page's part form; the API keeps "cosign" for
            // a co-signing proposer.
            let action = if r.action == "cosign_reply" { "cosign".to_string() } else { r.action.clone() };
            let f = pages::PartForm { action, class: opt(&r.class), text: opt(&r.text) };
            pages::part_as(&state, &a, ip, &p, part()?, &f).await?
        }
        "rate" => pages::rate_as(&state, &a, ip, &p, &pages::RateForm { satisfaction: opt(&r.satisfaction), contacted: yes(r.contacted) }).await?,
        "extend" => manage_pages::extend_as(&state, &a, ip, &p, &manage_pages::ExtendForm { deadline: opt(&r.deadline), reason: opt(&r.reason) }).await?,
        "flags" => {
            let f = manage_pages::FlagsForm { key: if r.supervisor_id.is_some() { "yes".into() } else { String::new() }, supervisor_id: opt(&r.supervisor_id), disclose: yes(r.disclose) };
            manage_pages::flags_as(&state, &a, ip, &p, &f).await?
        }
        _ => pages::perform(&state, &a, ip, &p, &pages::ActForm { action: r.action.clone(), reason: opt(&r.reason), consent: yes(r.consent), convert_to: opt(&r.convert_to) }).await?,
    };
    Ok(Json(dto(&state, saved).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(metrics_pages::api)).routes(routes!(one)).routes(routes!(act))
}
