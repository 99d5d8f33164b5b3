//! The evaluation's JSON API: the year's ranking and a member's duty records with the score
//! they make, line by line.
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::app::i18n::Lang;
use crate::evaluation::ledger::Entry;
use crate::evaluation::model::YearState;
use crate::evaluation::pages::{RankRow, RankingQuery, member_result, ranking_of};

#[derive(Serialize, ToSchema)]
pub struct RankingResponse {
    pub year: i32,
    /// open (live under the current rules), evaluated or frozen.
    pub state: YearState,
    /// The day inactivity was judged on.
    pub as_of: chrono::NaiveDate,
    pub members: Vec<RankRow>,
}

/// The year's ranking, best first, under the filters (sector, group, position, band): each
/// member's total, band, minimum duties missed, whether inactive with the latest duty done, and
/// the consequences the record calls for. Kept results once the year is evaluated.
#[utoipa::path(get, path = "/api/v1/evaluation", tag = "evaluation", security(("bearer" = [])), params(RankingQuery),
    responses((status = 200, body = RankingResponse), (status = 401), (status = 403), (status = 422)))]
async fn evaluation(State(state): State<AppState>, ApiUser(a, _): ApiUser, Query(q): Query<RankingQuery>) -> AppResult<Json<RankingResponse>> {
    authorize(&a, Action::ViewEvaluation, &Target::own(&a))?;
    let (view, members, errors) = ranking_of(&state, &a, Lang::Zh, &q, true).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Json(RankingResponse { year: view.year, state: view.state, as_of: view.as_of, members }))
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: the latest evaluated or ruled year, else this year).
    #[serde(default)]
    pub year: String,
}

/// One scored line of the member's year.
#[derive(Serialize, ToSchema)]
pub struct LineOut {
    pub kind: String,
    pub name: String,
    pub points: f64,
    /// Before the item's cap.
    pub raw: f64,
    pub capped: bool,
    /// The records behind the line, with what each gave.
    pub records: Vec<RecordOut>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordOut {
    #[serde(flatten)]
    pub entry: Entry,
    pub points: f64,
    /// The page of the record's source.
    pub href: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DutyRecordsResponse {
    pub member_id: i64,
    pub year: i32,
    pub state: YearState,
    pub total: f64,
    pub band: Option<String>,
    pub lines: Vec<LineOut>,
    /// Every record of the year (scored or not), oldest first.
    pub records: Vec<Entry>,
    /// (name, records counted, required, met).
    #[schema(value_type = Vec<Object>)]
    pub minimums: Vec<(String, u32, u32, bool)>,
    pub inactive: bool,
    pub last_duty: Option<Entry>,
}

/// A member's duty records of a year and the score they make (the member itself, staff and
/// leaders).
#[utoipa::path(get, path = "/api/v1/members/{id}/duty-records", tag = "evaluation", security(("bearer" = [])), params(("id" = i64, Path), YearQuery),
    responses((status = 200, body = DutyRecordsResponse), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn duty_records(State(state): State<AppState>, ApiUser(a, _): ApiUser, Path(id): Path<i64>, Query(q): Query<YearQuery>) -> AppResult<Json<DutyRecordsResponse>> {
    let (m, view, r) = member_result(&state, &a, id, &q.year).await?;
    let lines = r
        .score
        .lines
        .iter()
        .map(|l| LineOut {
            kind: l.kind.clone(),
            name: l.name.clone(),
            points: l.points,
            raw: l.raw,
            capped: l.capped,
            records: l.entries.iter().filter_map(|(ix, p)| r.records.get(*ix).map(|e| RecordOut { href: e.href(), entry: e.clone(), points: *p })).collect(),
        })
        .collect();
    Ok(Json(DutyRecordsResponse {
        member_id: m.id,
        year: view.year,
        state: view.state,
        total: r.score.total,
        band: r.score.band.clone(),
        lines,
        minimums: r.score.minimums.clone(),
        inactive: r.inactive,
        last_duty: r.last_duty.clone(),
        records: r.records,
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(evaluation)).routes(routes!(duty_records))
}
