//! The proposal figures of a period for staff and leaders (`/proposals/metrics`) and the API
//! (`/api/v1/proposals/metrics`): received, filed and filing rate, merged, not filed, answered,
//! answer and on-time rates, A/B/C shares and satisfaction, each computed from the records.
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::pages::parse_date;
use crate::app::shell::{Authed, Shell, html, today};
use crate::org::model::Role;
use crate::proposals::metrics::{self, MetricScope, ProposalMetrics, percent};
use crate::proposals::pages::sessions;

/// The period, as China dates (YYYY-MM-DD, inclusive); by default the year of the latest session.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

/// The figures are the committee's: staff, leaders and administrators see them.
fn may_see(a: &Actor) -> bool {
    may(a, Action::ManageProposals, &Target::own(a)) || matches!(a.role, Role::Leader | Role::Admin)
}

/// The checked period: both dates given or defaulted, `from` not after `to`.
async fn period(state: &AppState, cid: i64, q: &PeriodQuery) -> AppResult<(NaiveDate, NaiveDate)> {
    let year = sessions(state, cid).await?.first().map(|s| s.start.year()).unwrap_or_else(|| today().year());
    let from = parse_date("from", q.from.as_deref().unwrap_or("")).map_err(|e| AppError::Invalid(vec![e]))?;
    let to = parse_date("to", q.to.as_deref().unwrap_or("")).map_err(|e| AppError::Invalid(vec![e]))?;
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January"));
    let to = to.unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December"));
    if from > to {
        return Err(AppError::Invalid(vec![FieldError::new("to", "err.period")]));
    }
    Ok((from, to))
}

#[derive(Template)]
#[template(path = "proposals/metrics.html")]
struct MetricsPage {
    shell: Shell,
    from: NaiveDate,
    to: NaiveDate,
    /// (label key, value) in the order of DOMAIN.md's table.
    rows: Vec<(&'static str, String)>,
}

fn rows(m: &ProposalMetrics) -> Vec<(&'static str, String)> {
    let with = |n: u64, r: Option<f64>| format!("{n}（{}）", percent(r));
    vec![
        ("proposal.metric.received", m.received.to_string()),
        ("proposal.metric.filed", with(m.filed, m.filing_rate)),
        ("proposal.metric.merged", m.merged.to_string()),
        ("proposal.metric.not_filed", m.not_filed.to_string()),
        ("proposal.metric.converted", m.converted.to_string()),
        ("proposal.metric.answered", with(m.answered, m.answer_rate)),
        ("proposal.metric.on_time", with(m.on_time_answered, m.on_time_answer_rate)),
        ("proposal.metric.class_a", with(m.class_a, m.class_a_share)),
        ("proposal.metric.class_b", with(m.class_b, m.class_b_share)),
        ("proposal.metric.class_c", with(m.class_c, m.class_c_share)),
        ("proposal.metric.ratings", m.ratings.to_string()),
        ("proposal.metric.satisfaction", with(m.satisfied + m.basically_satisfied, m.satisfaction_rate)),
    ]
}

pub async fn page(State(state): State<AppState>, a: Authed, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewProposals, &Target::own(&a.actor))?;
    if !may_see(&a.actor) {
        return Err(AppError::Forbidden);
    }
    let cid = a.actor.committee_id;
    let (from, to) = period(&state, cid, &q).await?;
    let m = metrics::load(&state.db, cid, from, to, &MetricScope::All).await?;
    html(&MetricsPage { shell: a.ctx.shell, from, to, rows: rows(&m) })
}

/// The committee's proposal figures for a period (submission dates, China time; by default
/// the year of the latest plenary session). Rates are fractions (0.875), null when nothing
/// to divide by.
#[utoipa::path(get, path = "/api/v1/proposals/metrics", tag = "proposals", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, body = ProposalMetrics), (status = 401), (status = 403), (status = 422)))]
pub async fn api(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<PeriodQuery>) -> AppResult<Json<ProposalMetrics>> {
    authorize(&a, Action::ViewProposals, &Target::own(&a))?;
    if !may_see(&a) {
        return Err(AppError::Forbidden);
    }
    let (from, to) = period(&state, a.committee_id, &q).await?;
    Ok(Json(metrics::load(&state.db, a.committee_id, from, to, &MetricScope::All).await?))
}
