//! `GET /api/v1/exchange`: the tree's shared items as JSON, under the page's filters.
use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::api::ApiUser;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::exchange::SharedKind;
use crate::exchange::pages::{FeedQuery, read};

/// A shared item. `href` is the item's page, given only for the caller's own committee.
#[derive(Serialize, ToSchema)]
pub struct SharedItemDto {
    pub kind: SharedKind,
    pub committee_id: i64,
    pub committee: String,
    pub title: String,
    pub summary: String,
    pub on_date: chrono::NaiveDate,
    pub href: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SharedFeed {
    pub items: Vec<SharedItemDto>,
}

/// The newest items the committees of the caller's tree shared (信息互通), newest first.
#[utoipa::path(get, path = "/api/v1/exchange", tag = "exchange", security(("bearer" = [])),
    params(("kind" = Option<String>, Query, description = "activity, research_report or project"),
           ("committee" = Option<i64>, Query, description = "one committee of the tree")),
    responses((status = 200, body = SharedFeed), (status = 401), (status = 403), (status = 422, description = "an unknown kind or committee")))]
async fn list(State(state): State<AppState>, ApiUser(actor, _): ApiUser, Query(q): Query<FeedQuery>) -> AppResult<Json<SharedFeed>> {
    authorize(&actor, Action::ViewExchange, &Target::own(&actor))?;
    let (items, tree, errors) = read(&state, &actor, &q).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let items = items
        .into_iter()
        .map(|i| SharedItemDto {
            kind: SharedKind::ALL.into_iter().find(|k| k.label_key() == i.kind_key).unwrap_or(SharedKind::Activity),
            committee: tree.iter().find(|c| c.id == i.committee_id).map(|c| c.name.clone()).unwrap_or_default(),
            href: (i.committee_id == actor.committee_id).then_some(i.href),
            committee_id: i.committee_id,
            title: i.title,
            summary: i.summary,
            on_date: i.on_date,
        })
        .collect();
    Ok(Json(SharedFeed { items }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}
