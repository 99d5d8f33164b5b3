//! `TestApp`: a fresh database, the full router, and a client that keeps cookies.
use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::Router;
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use tower::ServiceExt;
use xieshang::app::config::Config;
use xieshang::app::{self, AppState};

pub const HOST: &str = "xieshang.test";
/// A password that meets the policy, used for every test account.
pub const PASSWORD: &str = "Xieshang-2022";

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pg_cleanup: Option<(String, String)>,
    _dir: Option<tempdir::TempDir>,
}

mod tempdir {
    /// A temporary folder removed on drop.
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> Self {
            let p = std::env::temp_dir().join(format!("xieshang-test-{}", rand_suffix()));
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    pub fn rand_suffix() -> String {
        format!("{:016x}", rand::random::<u64>())
    }
}

impl TestApp {
    /// An empty database: the first-run setup has not happened.
    pub async fn empty() -> TestApp {
        Self::with_config(Config::default()).await
    }

    pub async fn with_config(mut config: Config) -> TestApp {
        let (url, pg_cleanup, dir) = match std::env::var("TEST_DATABASE_URL") {
            Ok(server) if server.starts_with("postgres") => {
                let name = format!("xs_test_{}", tempdir::rand_suffix());
                let admin = Database::connect(format!("{server}/postgres")).await.expect("PostgreSQL reachable");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                admin.close().await.unwrap();
                (format!("{server}/{name}"), Some((server, name)), None)
            }
            _ => {
                let dir = tempdir::TempDir::new();
                let url = format!("sqlite://{}/test.db?mode=rwc", dir.0.display());
                (url, None, Some(dir))
            }
        };
        config.database_url = url;
        let state = app::prepare(config).await.expect("app starts");
        let router = app::build(state.clone());
        TestApp { state, router, pg_cleanup, _dir: dir }
    }

    /// A committee `yuetang` with one account per role, all with [`PASSWORD`].
    pub async fn demo() -> TestApp {
        let app = Self::empty().await;
        xieshang::demo::load(&app.state.db, Some(PASSWORD.into())).await.unwrap().expect("loaded");
        app
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookies: Mutex::new(BTreeMap::new()) }
    }

    /// A client logged in as `username`.
    pub async fn login(&self, username: &str) -> Client {
        let c = self.client();
        let res = c.post_form("/login", &[("username", username), ("password", PASSWORD), ("next", "/")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "login of {username}: {}", res.text);
        c
    }

    /// An API bearer token for `username`.
    pub async fn token(&self, username: &str) -> String {
        let body = format!(r#"{{"username":"{username}","password":"{PASSWORD}"}}"#);
        let res = self.client().post_json("/api/v1/auth/login", &body, None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        res.json()["token"].as_str().unwrap().to_string()
    }

    pub async fn count(&self, table: &str) -> i64 {
        let backend = self.state.db.get_database_backend();
        let row = self
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table}")))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg_cleanup.take() {
            // Drop runs while the test's runtime is blocked here, so use a small runtime of our
            // own; FORCE ends the pool's connections from the server side.
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async move {
                    if let Ok(admin) = Database::connect(format!("{server}/postgres")).await {
                        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

/// What a request returned.
pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Response {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

/// Sends requests through the router, keeping cookies like a browser on the same origin.
pub struct Client {
    router: Router,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl Client {
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub async fn send(&self, req: axum::http::request::Builder, body: Body) -> Response {
        let cookie_header: String = self.cookies.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let mut req = req.header(header::HOST, HOST);
        if !cookie_header.is_empty() {
            req = req.header(header::COOKIE, cookie_header);
        }
        let res = self.router.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for sc in headers.get_all(header::SET_COOKIE) {
            let first = sc.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            let expired = sc.to_str().unwrap().contains("Max-Age=0");
            let mut jar = self.cookies.lock().unwrap();
            if expired { jar.remove(k) } else { jar.insert(k.into(), v.into()) };
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Response { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Request::get(path), Body::empty()).await
    }

    /// A form post from our own pages (the browser sends `Sec-Fetch-Site: same-origin`).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::ORIGIN, format!("http://{HOST}"));
        self.send(req, Body::from(encode(fields))).await
    }

    /// A multipart form post (file uploads): `(name, file name, content)`.
    pub async fn post_multipart(&self, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Response {
        let boundary = "----xieshang-test-boundary";
        let mut body = Vec::new();
        for (name, file, content) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header("sec-fetch-site", "same-origin");
        self.send(req, Body::from(body)).await
    }

    /// A multipart form with text fields only, as a browser sends a form that could carry files.
    pub async fn post_form_data(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let parts: Vec<(&str, Option<&str>, &[u8])> = fields.iter().map(|(k, v)| (*k, None, v.as_bytes())).collect();
        self.post_multipart(path, &parts).await
    }

    pub async fn get_bytes(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let cookie_header: String = self.cookies.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let req = Request::get(path).header(header::HOST, HOST).header(header::COOKIE, cookie_header).body(Body::empty()).unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
    }

    pub async fn post_json(&self, path: &str, body: &str, bearer: Option<&str>) -> Response {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req, Body::from(body.to_string())).await
    }

    pub async fn get_bearer(&self, path: &str, token: &str) -> Response {
        self.send(Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")), Body::empty()).await
    }
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
