//! The shared core: configuration, database, sessions, authorization, audit log, errors, the
//! page shell, and the assembly of every area's routes into one application.
pub mod api;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod config;
pub mod db;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod ops;
pub mod pages;
pub mod pagination;
pub mod ratelimit;
pub mod settings;
pub mod shell;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

use crate::app::config::Config;
use crate::app::error::AppError;

/// Request bodies above this are refused with 413; routes may lower it (most forms) but not
/// raise it. The forms with photos need the most.
pub const BODY_LIMIT: usize = crate::demands::form::PHOTO_FORM_LIMIT;
/// What every other route accepts (the member import's spreadsheets included).
pub const FORM_LIMIT: usize = 10 * 1024 * 1024;

/// What every handler can reach. Cheap to clone; holds no per-node state beyond the pool, so
/// any number of nodes can serve one database.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub limiter: Arc<ratelimit::RateLimiter>,
    /// Citizens' votes in a deliberation: one tap each, so a tenfold allowance of its own.
    pub vote_limiter: Arc<ratelimit::RateLimiter>,
}

/// The whole application: pages, API, docs, static files and probes, with the middleware stack.
pub fn build(state: AppState) -> Router {
    ops::metrics_handle();
    let (api, openapi) = api::router().split_for_parts();
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/password", get(pages::password_page).post(pages::change_password))
        .route("/lang/{code}", get(pages::switch_lang))
        .route("/audit", get(pages::audit_log))
        .merge(crate::org::router())
        .merge(crate::demands::router())
        .merge(crate::studios::router())
        .merge(crate::proposals::router())
        .merge(crate::visits::router())
        .merge(crate::activities::router())
        .merge(crate::liaison::router())
        .merge(crate::projects::router())
        .merge(crate::research::router())
        .merge(crate::exchange::router())
        .merge(crate::consultations::router())
        .merge(crate::opinions::router())
        .merge(crate::stats::router())
        .merge(crate::evaluation::router())
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .merge(ops::router())
        .fallback(|| async { AppError::NotFound })
        // Innermost first: CSRF sees the identified request; limits, timeouts and panics
        // become error responses that `render_errors` turns into pages in the user's
        // language; headers, metrics and tracing apply to everything.
        .layer(middleware::from_fn(web::csrf))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn_with_state(state.clone(), ratelimit::limit_public_forms))
        .layer(middleware::from_fn(web::render_errors))
        .layer(middleware::from_fn_with_state(state.clone(), web::identify))
        .layer(middleware::from_fn(web::security_headers))
        .layer(middleware::from_fn(web::track_metrics))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Connects, migrates, and returns the state for [`build`].
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let limiter = Arc::new(ratelimit::RateLimiter::new(config.login_attempts_per_minute, Duration::from_secs(60)));
    let vote_limiter = Arc::new(ratelimit::RateLimiter::new(config.login_attempts_per_minute.saturating_mul(ratelimit::VOTES_PER_FORM), Duration::from_secs(60)));
    Ok(AppState { db, config: Arc::new(config), limiter, vote_limiter })
}

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let addr = state.config.addr;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "xieshang listening");
    println!("协商 Xieshang: http://{addr}/");
    let app = build(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
