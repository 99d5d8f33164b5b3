//! First run, probes, the page shell, errors and limits.
use axum::http::StatusCode;

use crate::harness::{PASSWORD, TestApp};

fn setup_fields<'a>(code: &'a str, password: &'a str, confirm: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "湘潭市岳塘区政协"),
        ("code", code),
        ("level", "county"),
        ("admin_username", "chief"),
        ("admin_name", "管理员甲"),
        ("password", password),
        ("confirm", confirm),
    ]
}

#[tokio::test]
async fn an_empty_database_leads_to_setup_and_setup_happens_once() {
    let app = TestApp::empty().await;
    let c = app.client();
    let res = c.get("/").await;
    assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/setup"));
    assert_eq!(c.get("/login").await.location(), "/setup");
    assert!(c.get("/setup").await.text.contains("首次使用"));

    // Bad input: every bad field is named in Chinese and nothing is written.
    let res = c.post_form("/setup", &setup_fields("1-bad", "short", "other")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in ["代码须为2至32位", "密码至少10位", "两次输入的密码不一致"] {
        assert!(res.text.contains(msg), "missing {msg}");
    }
    assert!(res.text.contains("value=\"湘潭市岳塘区政协\""), "typed values are kept");
    assert_eq!(app.count("committees").await, 0);
    assert_eq!(app.count("users").await, 0);

    let res = c.post_form("/setup", &setup_fields("yuetang", PASSWORD, PASSWORD)).await;
    assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/"));
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text.contains("湘潭市岳塘区政协") && home.text.contains("系统管理员"));
    assert!(home.text.contains("初始化完成"), "flash message shown once");
    assert!(!c.get("/").await.text.contains("初始化完成"), "and only once");

    // Once set up, the setup page is gone for everybody.
    assert_eq!(c.get("/setup").await.status, StatusCode::NOT_FOUND);
    let again = app.client().post_form("/setup", &setup_fields("other", PASSWORD, PASSWORD)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("committees").await, 1);
    assert_eq!(app.count("audit_log").await, 3, "committee, admin and the login are audited");
}

#[tokio::test]
async fn probes_and_metrics() {
    let app = TestApp::empty().await;
    let c = app.client();
    assert_eq!(c.get("/healthz").await.text, "ok");
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    c.get("/login").await;
    let m = c.get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.text.contains("http_requests_total"), "{}", m.text);
    assert!(m.text.contains("route=\"/login\""));
}

#[tokio::test]
async fn a_lost_database_gives_503_and_a_chinese_page() {
    let app = TestApp::demo().await;
    let c = app.login("admin").await;
    app.state.db.close_by_ref().await.unwrap();
    assert_eq!(app.client().get("/readyz").await.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.client().get("/healthz").await.status, StatusCode::OK, "the process itself is fine");
    let page = c.get("/").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text.contains("数据库暂时无法连接"), "{}", page.text);
}

#[tokio::test]
async fn security_headers_on_every_page() {
    let app = TestApp::empty().await;
    let res = app.client().get("/setup").await;
    let h = &res.headers;
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert!(!res.text.contains("<script>"), "no inline scripts");
}

#[tokio::test]
async fn errors_are_pages_in_chinese_and_json_under_api() {
    let app = TestApp::demo().await;
    let c = app.login("member").await;
    let res = c.get("/no/such/page").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.text.contains("页面不存在") && res.text.contains("<html"));
    let res = c.get("/users").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.text.contains("您没有权限访问此页面"));
    let res = app.client().get("/api/v1/nothing").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"], "not_found");
}

#[tokio::test]
async fn the_language_switch_keeps_the_page() {
    let app = TestApp::demo().await;
    let c = app.login("admin").await;
    assert!(c.get("/users").await.text.contains("账号管理"));
    let res = c.get("/lang/en?back=/users").await;
    assert_eq!(res.location(), "/users");
    let page = c.get("/users").await.text;
    assert!(page.contains("Accounts") && page.contains("lang=\"en\""));
    assert!(!page.contains("账号管理"));
    c.get("/lang/zh?back=//evil.example").await;
    assert!(c.get("/users").await.text.contains("账号管理"));
    assert_eq!(c.get("/lang/zh?back=//evil.example").await.location(), "/", "no open redirect");
}

#[tokio::test]
async fn bodies_over_10_mb_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let c = app.login("admin").await;
    let before = app.count("users").await;
    let big = "x".repeat(11 * 1024 * 1024);
    let res = c.post_form("/users", &[("username", "big"), ("display_name", &big)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text.contains("10MB"), "explained in Chinese");
    assert_eq!(app.count("users").await, before);
}

#[tokio::test]
async fn static_assets_are_embedded() {
    let app = TestApp::empty().await;
    let c = app.client();
    let css = c.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/css"));
    let htmx = c.get("/static/htmx.min.js").await;
    assert!(htmx.text.contains("htmx"));
    assert_eq!(c.get("/static/../Cargo.toml").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_audit_log_is_append_only_in_the_database() {
    let app = TestApp::demo().await;
    app.login("admin").await;
    let db = &app.state.db;
    use sea_orm::ConnectionTrait;
    assert!(db.execute_unprepared("UPDATE audit_log SET summary = 'forged'").await.is_err());
    assert!(db.execute_unprepared("DELETE FROM audit_log").await.is_err());
    assert!(app.count("audit_log").await >= 2);
}
