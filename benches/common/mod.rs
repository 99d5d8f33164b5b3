//! What the benchmarks share: requests through the full router as a browser (session cookie),
//! an API client (bearer token) or the public, their timing, and SQLite query plans.
#![allow(dead_code)]
pub mod province;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tower::ServiceExt;
use xieshang::app::config::Config;
use xieshang::app::{self, AppState, auth};
use xieshang::org::model::{Password, Role, Username};
use xieshang::org::store::{self as org, NewUser};

pub const PASSWORD: &str = "Bench-Password-1";
pub const HOST: &str = "xieshang.bench";

pub enum Auth<'a> {
    None,
    Cookie(&'a str),
    Bearer(&'a str),
}

fn authed(r: axum::http::request::Builder, auth: &Auth) -> axum::http::request::Builder {
    match auth {
        Auth::None => r,
        Auth::Cookie(t) => r.header(header::COOKIE, format!("xs_session={t}")),
        Auth::Bearer(t) => r.header(header::AUTHORIZATION, format!("Bearer {t}")),
    }
}

pub fn request(path: &str, auth: &Auth) -> Request<Body> {
    authed(Request::get(path).header(header::HOST, HOST), auth).body(Body::empty()).unwrap()
}

/// A form posted from a page of the site, as a browser sends it.
pub fn form_request(path: &str, body: String, auth: &Auth) -> Request<Body> {
    let r = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    authed(r, auth).body(Body::from(body)).unwrap()
}

/// A browser session for `username`, through the login form.
pub async fn login(router: &Router, username: &str) -> String {
    let body = format!("username={username}&password={PASSWORD}&next=%2F");
    let res = router.clone().oneshot(form_request("/login", body, &Auth::None)).await.unwrap();
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

/// p50 and p99 of `rounds` requests, each right after `before` ran (a change, or dropping what
/// is kept, that the request must then see); panics unless every answer is 200.
pub async fn measure_after(router: &Router, db: &DatabaseConnection, before: &str, path: &str, auth: &Auth<'_>, rounds: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        db.execute_unprepared(before).await.unwrap();
        let t = Instant::now();
        let res = router.clone().oneshot(request(path, auth)).await.unwrap();
        let status = res.status();
        res.into_body().collect().await.unwrap();
        times.push(t.elapsed());
        assert_eq!(status, 200, "GET {path}");
    }
    times.sort();
    (times[rounds / 2], times[(rounds * 99 / 100).saturating_sub(1)])
}

/// `EXPLAIN QUERY PLAN` of a statement, one line.
pub async fn plan(db: &DatabaseConnection, st: &Statement) -> String {
    let values = st.values.clone().map(|v| v.0).unwrap_or_default();
    let explain = Statement::from_sql_and_values(db.get_database_backend(), format!("EXPLAIN QUERY PLAN {}", st.sql), values);
    let rows = db.query_all_raw(explain).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect::<Vec<_>>().join(" | ")
}

/// Every statement the database ran while recording (while the log holds a list), with its time.
pub type Log = Arc<Mutex<Option<Vec<(Duration, Statement)>>>>;

/// The app on a fresh SQLite file in a temporary folder of its own (or the folder
/// `XS_BENCH_DIR` names, kept), migrated, with a log of the statements it runs.
pub async fn bench_state(name: &str) -> (AppState, PathBuf, Log) {
    let dir = std::env::var_os("XS_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join(format!("xieshang-bench-{name}-{}", std::process::id())));
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config { database_url: format!("sqlite://{}/bench.db?mode=rwc", dir.display()), ..Config::default() };
    let mut state = app::prepare(config).await.unwrap();
    let log: Log = Arc::new(Mutex::new(None));
    let recorder = log.clone();
    state.db.set_metric_callback(move |info| {
        if let Some(v) = recorder.lock().unwrap().as_mut() {
            v.push((info.elapsed, info.statement.clone()));
        }
    });
    (state, dir, log)
}

/// Removes the benchmark's folder unless `XS_BENCH_KEEP` or `XS_BENCH_DIR` is set.
pub fn finish(dir: &std::path::Path) {
    if std::env::var_os("XS_BENCH_KEEP").is_some() || std::env::var_os("XS_BENCH_DIR").is_some() {
        println!("database kept at {}/bench.db", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// "table N, table N …" for the tables named.
pub async fn count_rows(db: &DatabaseConnection, tables: &[&str]) -> String {
    let mut out = Vec::new();
    for t in tables {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {t}"))).await.unwrap().unwrap();
        out.push(format!("{t} {}", row.try_get::<i64>("", "n").unwrap()));
    }
    out.join(", ")
}

/// Staff accounts (name, committee id) with the password `PASSWORD`, each with a browser
/// session and an API token.
pub async fn staff_sessions(db: &DatabaseConnection, router: &Router, staff: &[(&str, i64)]) -> Vec<(String, String)> {
    let hash = auth::hash_password(&Password::parse("password", PASSWORD).unwrap());
    let mut sessions = Vec::new();
    for (name, committee_id) in staff {
        // A kept database (`XS_BENCH_DIR`) has them from the run before.
        if org::find_user_by_username(db, name).await.unwrap().is_none() {
            let u = NewUser { committee_id: *committee_id, username: Username::parse(name).unwrap(), display_name: name.to_string(), password_hash: hash.clone(), role: Role::Staff, unit_id: None };
            org::insert_user(db, u).await.unwrap();
        }
        sessions.push((login(router, name).await, api_token(router, name).await));
    }
    sessions
}
