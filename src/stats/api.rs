//! `GET /api/v1/stats`: every metric of DOMAIN.md for a period and a scope, as one object.
use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::Check;
use crate::app::pages::parse_date;
use crate::stats::metrics::{self, Scope, Stats};

/// The period (China dates, both inclusive) and at most one scope.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// YYYY-MM-DD, required.
    #[serde(default)]
    pub from: String,
    /// YYYY-MM-DD, required, not before `from`.
    #[serde(default)]
    pub to: String,
    /// A group (and those below it).
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub studio: String,
    /// A place (and those below it).
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub sector: String,
}

impl StatsQuery {
    /// The period and scope, or every bad field named.
    pub fn parse(&self) -> Result<(NaiveDate, NaiveDate, Scope), Vec<FieldError>> {
        let mut c = Check::default();
        let mut day = |field: &'static str, s: &str| match parse_date(field, s) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                c.add(FieldError::new(field, "err.required"));
                None
            }
            Err(e) => {
                c.add(e);
                None
            }
        };
        let (from, to) = (day("from", &self.from), day("to", &self.to));
        let mut scopes = Vec::new();
        for (field, v, make) in [
            ("group", &self.group, Scope::Group as fn(i64) -> Scope),
            ("studio", &self.studio, Scope::Studio),
            ("place", &self.place, Scope::Place),
            ("sector", &self.sector, Scope::Sector),
        ] {
            match v.trim() {
                "" => {}
                s => match s.parse::<i64>() {
                    Ok(id) => scopes.push(make(id)),
                    Err(_) => c.add(FieldError::new(field, "err.choice")),
                },
            }
        }
        if scopes.len() > 1 {
            c.add(FieldError::new("scope", "stats.err.one_scope"));
        }
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            c.add(FieldError::new("to", "err.period"));
        }
        match (from, to) {
            (Some(f), Some(t)) if c.is_ok() => Ok((f, t, scopes.pop().unwrap_or(Scope::Committee))),
            _ => Err(c.0),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatsResponse {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(flatten)]
    pub stats: Stats,
}

/// Every metric for the period and scope, computed from the records. Rates are fractions 0–1 and
/// `null` only where their denominator is 0. Without a scope, a committee's figures include the
/// committees below it.
#[utoipa::path(get, path = "/api/v1/stats", tag = "stats", security(("bearer" = [])), params(StatsQuery),
    responses((status = 200, body = StatsResponse), (status = 401), (status = 403), (status = 404, description = "a scope of another committee"), (status = 422)))]
async fn stats(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<StatsQuery>) -> AppResult<Json<StatsResponse>> {
    authorize(&a, Action::ViewStats, &Target::own(&a))?;
    let (from, to, scope) = q.parse().map_err(AppError::Invalid)?;
    if !metrics::scope_exists(&state.db, a.committee_id, scope).await? {
        return Err(AppError::NotFound);
    }
    let stats = metrics::compute(&state.db, a.committee_id, from, to, scope).await?;
    Ok(Json(StatsResponse { from, to, stats }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_is_required_and_one_scope_at_most() {
        let q = StatsQuery { from: "2022-01-01".into(), to: "2022-04-19".into(), group: "3".into(), ..Default::default() };
        assert_eq!(q.parse(), Ok((NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2022, 4, 19).unwrap(), Scope::Group(3))));
        let bad = StatsQuery { from: "".into(), to: "2022-13-01".into(), group: "x".into(), place: "2".into(), sector: "4".into(), ..Default::default() };
        let fields: Vec<_> = bad.parse().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["from", "to", "group", "scope"]);
        let backwards = StatsQuery { from: "2022-02-01".into(), to: "2022-01-01".into(), ..Default::default() };
        assert_eq!(backwards.parse().unwrap_err()[0].field, "to");
    }
}
