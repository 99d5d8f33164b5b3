//! What the benchmarks share: requests through the full router as a browser (session cookie),
//! an API client (bearer token) or the public, their timing, and SQLite query plans.
#![allow(dead_code)]
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tower::ServiceExt;

pub const PASSWORD: &str = "Bench-Password-1";
pub const HOST: &str = "xieshang.bench";

pub enum Auth<'a> {
    None,
    Cookie(&'a str),
    Bearer(&'a str),
}

pub fn request(path: &str, auth: &Auth) -> Request<Body> {
    let r = Request::get(path).header(header::HOST, HOST);
    let r = match auth {
        Auth::None => r,
        Auth::Cookie(t) => r.header(header::COOKIE, format!("xs_session={t}")),
        Auth::Bearer(t) => r.header(header::AUTHORIZATION, format!("Bearer {t}")),
    };
    r.body(Body::empty()).unwrap()
}

/// A browser session for `username`, through the login form.
pub async fn login(router: &Router, username: &str) -> String {
    let body = format!("username={username}&password={PASSWORD}&next=%2F");
    let req = Request::post("/login")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 303, "login of {username}");
    let cookie = res.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find(|v| v.starts_with("xs_session=")).expect("session cookie");
    cookie["xs_session=".len()..].split(';').next().unwrap().to_string()
}

/// An API bearer token for `username`.
pub async fn api_token(router: &Router, username: &str) -> String {
    let body = format!(r#"{{"username":"{username}","password":"{PASSWORD}"}}"#);
    let req = Request::post("/api/v1/auth/login").header(header::HOST, HOST).header(header::CONTENT_TYPE, "application/json").body(Body::from(body)).unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200, "API login of {username}");
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["token"].as_str().expect("token").to_string()
}

/// p50 and p99 of `rounds` requests after a tenth as many warm-ups (at least one), and the size
/// of the last answer; panics unless every answer is 200.
pub async fn measure(router: &Router, path: &str, auth: &Auth<'_>, rounds: usize) -> (Duration, Duration, usize) {
    let warm = (rounds / 10).max(1);
    let mut times = Vec::with_capacity(rounds);
    let mut size = 0;
    for n in 0..rounds + warm {
        let t = Instant::now();
        let res = router.clone().oneshot(request(path, auth)).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let took = t.elapsed();
        if status != 200 {
            panic!("GET {path}: {status}\n{}", String::from_utf8_lossy(&bytes).chars().take(600).collect::<String>());
        }
        size = bytes.len();
        if n >= warm {
            times.push(took);
        }
    }
    times.sort();
    (times[rounds / 2], times[(rounds * 99 / 100).saturating_sub(1)], size)
}

/// `EXPLAIN QUERY PLAN` of a statement, one line.
pub async fn plan(db: &DatabaseConnection, st: &Statement) -> String {
    let values = st.values.clone().map(|v| v.0).unwrap_or_default();
    let explain = Statement::from_sql_and_values(db.get_database_backend(), format!("EXPLAIN QUERY PLAN {}", st.sql), values);
    let rows = db.query_all_raw(explain).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect::<Vec<_>>().join(" | ")
}
