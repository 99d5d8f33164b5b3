//! Request plumbing shared by every page and endpoint: who is asking (session or bearer token),
//! in which language, from where; CSRF and security headers; metrics; and the rendering of
//! errors into pages or JSON.
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::app::auth::{self, Actor, SessionState};
use crate::app::error::{AppError, ErrorMark};
use crate::app::i18n::Lang;
use crate::app::shell;

pub const SESSION_COOKIE: &str = "xs_session";
pub const FLASH_COOKIE: &str = "xs_flash";
pub const LANG_COOKIE: &str = "lang";

/// Everything the handlers learn about the request before they run.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    pub actor: Option<Actor>,
    /// The raw session cookie of an active session (to end it on logout).
    pub session_token: Option<String>,
    /// The request came with a session that has just timed out.
    pub session_expired: bool,
    pub bearer: Option<String>,
    pub ip: String,
    pub lang: Lang,
    pub htmx: bool,
    pub api: bool,
    pub path: String,
    /// Whether cookies must carry `Secure` (HTTPS, seen directly or through a proxy).
    pub secure: bool,
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, and Secure over HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are ASCII")
}

fn client_ip(req: &Request, trust_proxy: bool) -> String {
    let forwarded = trust_proxy
        .then(|| req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string());
    forwarded
        .or_else(|| req.extensions().get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string()))
        .unwrap_or_else(|| "-".to_string())
}

/// Resolves the session cookie or bearer token into an actor and stores a [`RequestInfo`].
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let path = req.uri().path().to_string();
    let lang = Lang::from_cookie(cookie(headers, LANG_COOKIE).as_deref());
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|s| s.trim().to_string());
    let secure = state.config.secure_cookies
        || headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes() == b"https");
    let mut info = RequestInfo {
        actor: None,
        session_token: None,
        session_expired: false,
        bearer: bearer.clone(),
        ip: client_ip(&req, state.config.trust_proxy),
        lang,
        htmx: headers.contains_key("hx-request"),
        api: path.starts_with("/api/"),
        path,
        secure,
    };
    let session = cookie(headers, SESSION_COOKIE).filter(|s| !s.is_empty());
    // Static files and probes need no identity; skipping the lookup keeps them off the database.
    let needs_identity = !(info.path.starts_with("/static/") || matches!(info.path.as_str(), "/healthz" | "/readyz" | "/metrics"));
    if needs_identity {
        let resolved = match (&bearer, &session) {
            (Some(t), _) => auth::resolve_token(&state.db, t).await.map(|a| (a, false)),
            (None, Some(s)) => auth::resume_session(&state.db, s, state.config.idle_timeout).await.map(|st| match st {
                SessionState::Active(a) => (Some(a), false),
                SessionState::Expired => (None, true),
                SessionState::Unknown => (None, false),
            }),
            (None, None) => Ok((None, false)),
        };
        match resolved {
            Ok((actor, expired)) => {
                info.session_token = session.filter(|_| actor.is_some() && bearer.is_none());
                info.actor = actor;
                info.session_expired = expired;
            }
            Err(e) => {
                req.extensions_mut().insert(info);
                return render(req, AppError::from(e).into_response()).await;
            }
        }
    }
    req.extensions_mut().insert(info);
    next.run(req).await
}

/// Refuses cross-site state-changing requests that carry the session cookie: the browser's
/// `Sec-Fetch-Site` must say same-origin (or user-initiated), or `Origin` must match `Host`.
/// Works on any number of nodes because it needs no server-side token. JSON requests without a
/// session cookie (API clients) cannot be forged by a cross-site form and pass.
pub async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let has_session = cookie(h, SESSION_COOKIE).is_some();
    let is_json = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    let bearer = h.get(header::AUTHORIZATION).is_some();
    if !has_session && (is_json || bearer) {
        return next.run(req).await;
    }
    if same_origin(h) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        AppError::Csrf.into_response()
    }
}

fn same_origin(h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = h.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(o), Some(host)) => o.split_once("://").map(|(_, rest)| rest) == Some(host),
        _ => false,
    }
}

/// Security headers for every response. Swagger UI needs inline styles; nothing else does.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if docs {
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    } else {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Counts requests and their latency by route for `/metrics`.
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2]).record(start.elapsed().as_secs_f64());
    res
}

/// Turns error responses into a page in the user's language, an htmx fragment or JSON; sends
/// anonymous page visitors to the login page; clears a shown flash message.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let had_flash = cookie(req.headers(), FLASH_COOKIE).is_some();
    let info = req.extensions().get::<RequestInfo>().cloned();
    let res = next.run(req).await;
    let Some(info) = info else { return res };
    let mut res = if res.status().is_client_error() || res.status().is_server_error() { render_with(&info, res) } else { res };
    if had_flash && res.status() == StatusCode::OK {
        res.headers_mut().append(header::SET_COOKIE, set_cookie(FLASH_COOKIE, "", Some(0), info.secure));
    }
    res
}

async fn render(req: Request, res: Response) -> Response {
    match req.extensions().get::<RequestInfo>() {
        Some(info) => render_with(info, res),
        None => res,
    }
}

fn render_with(info: &RequestInfo, res: Response) -> Response {
    let status = res.status();
    // Bodies we did not produce (axum's own rejections) keep their text as a detail.
    let mark = res.extensions().get::<ErrorMark>().cloned();
    if mark.is_none() && is_rendered(&res) {
        return res;
    }
    if status == StatusCode::UNAUTHORIZED && !info.api {
        let next = urlencode(&info.path);
        let to = if info.session_expired { format!("/login?expired=1&next={next}") } else { format!("/login?next={next}") };
        if info.htmx {
            let mut r = StatusCode::OK.into_response();
            r.headers_mut().insert("hx-redirect", HeaderValue::from_str(&to).expect("ascii"));
            return r;
        }
        return Redirect::to(&to).into_response();
    }
    let mark = mark.unwrap_or_else(|| ErrorMark {
        code: generic_code(status),
        key: None,
        detail: None,
        fields: vec![],
    });
    let mut out = if info.api {
        json_error(info.lang, status, &mark)
    } else {
        shell::error_page(info, status, &mark)
    };
    *out.status_mut() = status;
    out
}

fn is_rendered(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"))
}

fn generic_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "invalid",
        429 => "too_many_requests",
        503 => "unavailable",
        _ => "internal",
    }
}

/// The i18n key of an error's headline.
pub fn error_key(status: StatusCode, mark: &ErrorMark) -> &'static str {
    mark.key.unwrap_or(match status.as_u16() {
        400 | 415 => "error.400",
        401 => "error.401",
        403 => "error.403",
        404 => "error.404",
        405 => "error.405",
        413 => "error.413",
        422 => "error.422",
        429 => "error.429",
        503 => "error.503",
        _ => "error.500",
    })
}

fn json_error(lang: Lang, status: StatusCode, mark: &ErrorMark) -> Response {
    let fields: Vec<_> = mark
        .fields
        .iter()
        .map(|f| serde_json::json!({"field": f.field, "message": lang.t(f.key)}))
        .collect();
    let body = serde_json::json!({
        "error": mark.code,
        "message": lang.t(error_key(status, mark)),
        "detail": mark.detail,
        "fields": fields,
    });
    let mut res = axum::Json(body).into_response();
    *res.status_mut() = status;
    res
}

/// Percent-encodes a path for a query string.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `next=` target is followed only when it is a local path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_parsed() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; xs_session=abc; lang=en"));
        assert_eq!(cookie(&h, "xs_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "lang").as_deref(), Some("en"));
        assert_eq!(cookie(&h, "b"), None);
    }

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("gov.example:8080"));
        assert!(!same_origin(&h), "no evidence at all is refused");
        h.insert(header::ORIGIN, HeaderValue::from_static("http://gov.example:8080"));
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h));
    }

    #[test]
    fn next_targets_stay_local() {
        assert_eq!(safe_next(Some("/audit?page=2")), "/audit?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(urlencode("/a b?c=1"), "/a%20b%3Fc%3D1");
    }
}
