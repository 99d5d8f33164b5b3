//! One error type at the edge. Handlers return `AppError`; the response carries an
//! [`ErrorMark`] and the `render_errors` middleware turns it into a Chinese (or English) page,
//! an htmx partial or JSON, because only the middleware knows the request's language and kind.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, RuntimeErr};
use serde::Serialize;

/// A bad value in one field (or one row of a file), with the i18n key of the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

impl FieldError {
    pub const fn new(field: &'static str, key: &'static str) -> Self {
        FieldError { field, key }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request: {0}")]
    BadRequest(String),
    /// An extractor refused the body or query (malformed JSON, wrong content type…).
    #[error("rejected: {1}")]
    Rejected(StatusCode, String),
    #[error("login required")]
    Unauthorized,
    /// Credentials refused; the key says why (wrong password, locked, disabled).
    #[error("login refused")]
    LoginRefused(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("cross-site request refused")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the error renderer needs to know, attached to the response.
#[derive(Clone, Debug)]
pub struct ErrorMark {
    pub code: &'static str,
    /// An i18n key overriding the generic text of the status.
    pub key: Option<&'static str>,
    /// A detail that may be shown (never internal details).
    pub detail: Option<String>,
    pub fields: Vec<FieldError>,
}

impl AppError {
    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Rejected(status, _) => *status,
            AppError::Unauthorized | AppError::LoginRefused(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn mark(self) -> ErrorMark {
        let (code, key, detail, fields) = match self {
            AppError::BadRequest(d) => ("bad_request", Some("err.bad_request"), Some(d), vec![]),
            AppError::Rejected(_, d) => ("bad_request", Some("err.bad_request"), Some(d), vec![]),
            AppError::Unauthorized => ("unauthorized", None, None, vec![]),
            AppError::LoginRefused(key) => ("login_refused", Some(key), None, vec![]),
            AppError::Forbidden => ("forbidden", None, None, vec![]),
            AppError::Csrf => ("csrf", Some("err.csrf"), None, vec![]),
            AppError::NotFound => ("not_found", None, None, vec![]),
            AppError::Invalid(f) => ("invalid", Some("err.invalid_form"), None, f),
            AppError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                ("unavailable", None, None, vec![])
            }
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                ("internal", None, None, vec![])
            }
        };
        ErrorMark { code, key, detail, fields }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut res = status.into_response();
        res.extensions_mut().insert(self.mark());
        res
    }
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        if is_connection_error(&e) { AppError::Unavailable(e) } else { AppError::Internal(e.into()) }
    }
}

/// True when the database could not be reached, as opposed to a failing statement: the user
/// then sees "database unavailable" (503) rather than an internal error.
pub fn is_connection_error(e: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => {
            matches!(**s, Sqlx::Io(_) | Sqlx::PoolClosed | Sqlx::PoolTimedOut | Sqlx::WorkerCrashed)
        }
        _ => false,
    }
}

pub type AppResult<T> = Result<T, AppError>;
