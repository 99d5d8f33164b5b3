//! The JSON API under `/api/v1`: bearer-token login, the extractors API handlers share, and the
//! OpenAPI document assembled from every area's routes.
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::app::auth::{self, Actor};
use crate::app::error::{AppError, AppResult};
use crate::app::web::RequestInfo;

/// The caller of an API endpoint, authenticated by bearer token (or a browser session).
pub struct ApiUser(pub Actor, pub RequestInfo);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let info = parts.extensions.get::<RequestInfo>().cloned().ok_or(AppError::Unauthorized)?;
        let actor = info.actor.clone().ok_or(AppError::Unauthorized)?;
        Ok(ApiUser(actor, info))
    }
}

/// `Json<T>` whose rejections (bad syntax, wrong field types, missing fields) become our JSON
/// error with the reason, which names the offending field.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(AppError::Rejected(r.status(), r.body_text())),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Exchange a username and password for a bearer token. Failures count towards the lockout
/// exactly as browser logins do.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong credentials, locked or disabled"),
              (status = 422, description = "malformed body")))]
async fn login(State(state): State<AppState>, info: axum::Extension<RequestInfo>, ApiJson(body): ApiJson<LoginRequest>) -> AppResult<Json<LoginResponse>> {
    match auth::authenticate(&state.db, &body.username, &body.password, &info.ip).await? {
        Ok(user) => {
            let (token, expires_at) = auth::issue_token(&state.db, user.id, state.config.token_ttl).await?;
            Ok(Json(LoginResponse { token, expires_at }))
        }
        Err(e) => Err(AppError::LoginRefused(e.key())),
    }
}

/// Revoke the bearer token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401)))]
async fn logout(State(state): State<AppState>, ApiUser(actor, info): ApiUser) -> AppResult<axum::http::StatusCode> {
    if let Some(token) = &info.bearer {
        let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
        auth::revoke_token(&txn, token).await?;
        crate::app::audit::record(&txn, &crate::app::audit::Who::actor(&actor, &info.ip), "logout", "user", actor.user_id, "注销接口令牌").await?;
        txn.commit().await?;
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Xieshang API", description = "协商 · 政协履职平台 JSON API. Log in with POST /api/v1/auth/login, then send `Authorization: Bearer <token>`. Collections return {\"items\": [...], \"total\": N} and accept page and per_page."),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Every API route, with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(login))
        .routes(routes!(logout))
        .merge(crate::org::api::router())
        .merge(crate::demands::api::router())
        .merge(crate::studios::api::router())
        .merge(crate::proposals::api::router())
        .merge(crate::visits::api::router())
        .merge(crate::activities::api::router())
        .merge(crate::liaison::api::router())
        .merge(crate::projects::api::router())
        .merge(crate::research::api::router())
        .merge(crate::exchange::api::router())
        .merge(crate::consultations::api::router())
        .merge(crate::opinions::api::router())
        .merge(crate::stats::api::router())
        .merge(crate::evaluation::api::router())
}
