//! Login, lockout, idle timeout, logout, password change and CSRF.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sea_orm::ConnectionTrait;

use crate::harness::{HOST, PASSWORD, TestApp, encode};

async fn audit_actions(app: &TestApp, username: &str) -> Vec<String> {
    let backend = app.state.db.get_database_backend();
    let rows = app
        .state
        .db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => "SELECT action FROM audit_log WHERE actor_name = $1 ORDER BY id",
                _ => "SELECT action FROM audit_log WHERE actor_name = ? ORDER BY id",
            },
            [username.into()],
        ))
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "action").unwrap()).collect()
}

#[tokio::test]
async fn login_and_logout() {
    let app = TestApp::demo().await;
    let c = app.client();
    let res = c.get("/users").await;
    assert_eq!(res.location(), "/login?next=/users");
    assert!(c.get("/login?next=/users").await.text.contains("请先登录"));

    let res = c.post_form("/login", &[("username", "Admin"), ("password", PASSWORD), ("next", "/users")]).await;
    assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/users"));
    let cookie = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"));
    assert_eq!(c.get("/users").await.status, StatusCode::OK);

    let res = c.post_form("/logout", &[]).await;
    assert_eq!(res.location(), "/login");
    assert!(c.get("/login").await.text.contains("您已安全退出"));
    assert_eq!(c.get("/users").await.status, StatusCode::SEE_OTHER, "the session is gone");
    assert_eq!(audit_actions(&app, "admin").await, ["login", "logout"]);
}

#[tokio::test]
async fn a_login_from_another_site_cannot_smuggle_a_redirect() {
    let app = TestApp::demo().await;
    let c = app.client();
    let res = c.post_form("/login", &[("username", "admin"), ("password", PASSWORD), ("next", "https://evil.example/")]).await;
    assert_eq!(res.location(), "/");
}

#[tokio::test]
async fn secure_cookies_behind_https() {
    let app = TestApp::demo().await;
    let req = Request::post("/login")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-proto", "https");
    let res = app.client().send(req, Body::from(encode(&[("username", "admin"), ("password", PASSWORD)]))).await;
    assert!(res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("Secure"));
}

#[tokio::test]
async fn five_failures_lock_the_account_for_15_minutes() {
    let app = TestApp::demo().await;
    let c = app.client();
    for i in 1..=4 {
        let res = c.post_form("/login", &[("username", "staff"), ("password", "wrong-Password-1")]).await;
        assert_eq!(res.status, StatusCode::OK, "attempt {i}");
        assert!(res.text.contains("用户名或密码错误"));
    }
    let res = c.post_form("/login", &[("username", "staff"), ("password", "wrong-Password-1")]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text.contains("账号已锁定15分钟"));
    // Even the right password is refused while locked.
    let res = c.post_form("/login", &[("username", "staff"), ("password", PASSWORD)]).await;
    assert!(res.text.contains("账号已锁定"));
    assert!(c.cookie("xs_session").is_none());
    let actions = audit_actions(&app, "staff").await;
    assert_eq!(actions.iter().filter(|a| *a == "login_failed").count(), 5);
    assert!(actions.contains(&"lockout".to_string()) && actions.contains(&"login_refused".to_string()));

    // The lock is in the database: an API login (another "node") is refused too.
    let api = app.client().post_json("/api/v1/auth/login", r#"{"username":"staff","password":"Xieshang-2022"}"#, None).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert!(api.json()["message"].as_str().unwrap().contains("锁定"));

    // The security administrator lifts it.
    let sec = app.login("security").await;
    let page = sec.get("/users").await.text;
    assert!(page.contains("已锁定"));
    let staff_id: i64 = {
        let row = app
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(app.state.db.get_database_backend(), "SELECT id FROM users WHERE username = 'staff'"))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "id").unwrap()
    };
    let res = sec.post_form(&format!("/users/{staff_id}/unlock"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.login("staff").await;
}

#[tokio::test]
async fn unknown_usernames_fail_like_wrong_passwords() {
    let app = TestApp::demo().await;
    let res = app.client().post_form("/login", &[("username", "nobody"), ("password", PASSWORD)]).await;
    assert!(res.text.contains("用户名或密码错误"));
    assert_eq!(audit_actions(&app, "nobody").await, ["login_failed"]);
}

/// Moves every session's last activity into the past, as if the user had walked away.
async fn last_seen_minutes_ago(app: &TestApp, minutes: i64) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use xieshang::app::auth::session;
    let past = chrono::Utc::now() - chrono::Duration::minutes(minutes);
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(past))
        .filter(session::Column::UserId.gt(0))
        .exec(&app.state.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn idle_sessions_end() {
    let app = TestApp::demo().await;
    let c = app.login("leader").await;
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    // Pretend 31 minutes have passed since the last request.
    last_seen_minutes_ago(&app, 31).await;
    let res = c.get("/").await;
    assert_eq!(res.location(), "/login?expired=1&next=/");
    assert!(c.get("/login?expired=1&next=/").await.text.contains("您长时间未操作"));
    assert_eq!(app.count("sessions").await, 0, "the idle session is deleted");
}

#[tokio::test]
async fn recent_activity_keeps_a_session_alive() {
    let app = TestApp::demo().await;
    let c = app.login("leader").await;
    last_seen_minutes_ago(&app, 29).await;
    use sea_orm::EntityTrait;
    use xieshang::app::auth::session;
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    let s = session::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert!(s.last_seen_at > chrono::Utc::now() - chrono::Duration::minutes(1), "activity was recorded");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::demo().await;
    let c = app.login("admin").await;
    let session = c.cookie("xs_session").unwrap();
    let forged = |origin: Option<&str>, site: Option<&str>| {
        let mut req = Request::post("/users")
            .header(header::HOST, HOST)
            .header(header::COOKIE, format!("xs_session={session}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        req
    };
    let users = app.count("users").await;
    let body = || Body::from(encode(&[("username", "intruder"), ("display_name", "x"), ("role", "admin"), ("password", PASSWORD)]));
    for (origin, site) in [(Some("https://evil.example"), None), (None, Some("cross-site")), (None, None), (Some("https://evil.example"), Some("same-site"))] {
        let res = app.client().send(forged(origin, site), body()).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin:?} {site:?}");
        assert!(res.text.contains("请求来源校验失败"));
    }
    assert_eq!(app.count("users").await, users, "nothing was created");
    // The same request from our own origin works.
    let res = app.client().send(forged(Some(&format!("http://{HOST}")), None), body()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("users").await, users + 1);
}

#[tokio::test]
async fn changing_the_password() {
    let app = TestApp::demo().await;
    let c = app.login("member").await;
    let other_device = app.login("member").await;
    let res = c.post_form("/password", &[("current", "wrong"), ("new", "New-Password-1"), ("confirm", "New-Password-1")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("当前密码不正确"));
    let res = c.post_form("/password", &[("current", PASSWORD), ("new", "weakpassword"), ("confirm", "weakpassword")]).await;
    assert!(res.text.contains("密码至少10位"));
    let res = c.post_form("/password", &[("current", PASSWORD), ("new", "New-Password-1"), ("confirm", "New-Password-2")]).await;
    assert!(res.text.contains("两次输入的密码不一致"));

    let res = c.post_form("/password", &[("current", PASSWORD), ("new", "New-Password-1"), ("confirm", "New-Password-1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(c.get("/").await.text.contains("密码已修改"));
    assert_eq!(other_device.get("/").await.status, StatusCode::SEE_OTHER, "other sessions end");
    let res = app.client().post_form("/login", &[("username", "member"), ("password", PASSWORD)]).await;
    assert!(res.text.contains("用户名或密码错误"));
    let res = app.client().post_form("/login", &[("username", "member"), ("password", "New-Password-1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn one_address_cannot_spray_logins() {
    let config = xieshang::app::config::Config { login_attempts_per_minute: 3, ..Default::default() };
    let app = TestApp::with_config(config).await;
    xieshang::demo::load(&app.state.db, Some(PASSWORD.into())).await.unwrap();
    let c = app.client();
    for user in ["staff", "leader", "member"] {
        let res = c.post_form("/login", &[("username", user), ("password", "guess-Password-1")]).await;
        assert_eq!(res.status, StatusCode::OK);
    }
    let res = c.post_form("/login", &[("username", "unit"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text.contains("请求过于频繁"));
    let api = c.post_json("/api/v1/auth/login", r#"{"username":"unit","password":"Xieshang-2022"}"#, None).await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.json()["error"], "too_many_requests");
    assert_eq!(audit_actions(&app, "unit").await, Vec::<String>::new(), "refused before any check");
}

#[tokio::test]
async fn two_app_nodes_share_sessions_and_lockouts_through_the_database() {
    let app = TestApp::demo().await;
    // A second node: its own process state (pool, rate limiter), the same database.
    let config = xieshang::app::config::Config { database_url: app.state.config.database_url.clone(), ..Default::default() };
    let other = xieshang::app::build(xieshang::app::prepare(config).await.unwrap());
    let a = app.login("admin").await;
    let session = a.cookie("xs_session").unwrap();
    let req = Request::get("/users").header(header::HOST, HOST).header(header::COOKIE, format!("xs_session={session}"));
    use tower::ServiceExt;
    let res = other.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "a session started on node A works on node B");

    // Three failures on A and two on B lock the account everywhere.
    for _ in 0..3 {
        app.client().post_form("/login", &[("username", "leader"), ("password", "wrong-Password-1")]).await;
    }
    for _ in 0..2 {
        let body = encode(&[("username", "leader"), ("password", "wrong-Password-1")]);
        let req = Request::post("/login")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        other.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    }
    let res = app.client().post_form("/login", &[("username", "leader"), ("password", PASSWORD)]).await;
    assert!(res.text.contains("账号已锁定"), "locked after five failures spread over two nodes");
}
