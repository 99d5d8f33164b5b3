//! The JSON API: tokens, collections, malformed input, the OpenAPI document and Swagger UI.
use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn bearer_tokens_identify_the_caller() {
    let app = TestApp::demo().await;
    let t = app.token("staff").await;
    let c = app.client();
    let me = c.get_bearer("/api/v1/me", &t).await.json();
    assert_eq!(me["username"], "staff");
    assert_eq!(me["role"], "staff");
    assert_eq!(me["committee"]["code"], "yuetang");
    assert_eq!(me["committee"]["level"], "county");

    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let res = c.get_bearer("/api/v1/me", "not-a-token").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"], "unauthorized");

    let res = c.post_json("/api/v1/auth/logout", "{}", Some(&t)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(c.get_bearer("/api/v1/me", &t).await.status, StatusCode::UNAUTHORIZED, "revoked");
}

#[tokio::test]
async fn tokens_are_stored_hashed() {
    let app = TestApp::demo().await;
    let t = app.token("staff").await;
    use sea_orm::EntityTrait;
    let stored = xieshang::app::auth::api_token::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_ne!(stored.token_hash, t);
    assert_eq!(stored.token_hash, xieshang::app::auth::token_hash(&t));
}

#[tokio::test]
async fn collections_have_items_and_total() {
    let app = TestApp::demo().await;
    let t = app.token("xiangtan-admin").await;
    let c = app.client();
    let body = c.get_bearer("/api/v1/committees", &t).await.json();
    assert_eq!(body["total"], 3);
    let codes: Vec<_> = body["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(codes, ["xiangtan", "yuetang", "shaoshan"]);
    let page2 = c.get_bearer("/api/v1/committees?page=2&per_page=1", &t).await.json();
    assert_eq!((page2["total"].as_u64(), page2["items"][0]["code"].as_str()), (Some(3), Some("yuetang")));
    let bad = c.get_bearer("/api/v1/committees?per_page=500", &t).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["fields"][0]["field"], "per_page");
}

#[tokio::test]
async fn malformed_requests_name_the_problem_and_change_nothing() {
    let app = TestApp::demo().await;
    let c = app.client();
    let before = app.count("audit_log").await;
    let res = c.post_json("/api/v1/auth/login", "{not json", None).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["message"], "请求格式有误");
    let res = c.post_json("/api/v1/auth/login", r#"{"username":"staff"}"#, None).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["detail"].as_str().unwrap().contains("password"), "{}", res.text);
    let res = c.post_json("/api/v1/auth/login", r#"{"username":7,"password":"x"}"#, None).await;
    assert!(res.json()["detail"].as_str().unwrap().contains("username"), "{}", res.text);
    assert_eq!(app.count("audit_log").await, before);
    let res = c.post_json("/api/v1/auth/login", r#"{"username":"staff","password":"nope"}"#, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["message"], "用户名或密码错误");
}

#[tokio::test]
async fn openapi_and_swagger_ui_are_served_locally() {
    let app = TestApp::empty().await;
    let c = app.client();
    let doc = c.get("/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/committees",
        "/api/v1/members",
        "/api/v1/members/{id}",
        "/api/v1/sectors",
        "/api/v1/places",
        "/api/v1/groups",
        "/api/v1/units",
        "/api/v1/terms",
        "/api/v1/demands",
        "/api/v1/demands/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let ui = c.get("/api/docs/").await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.text.contains("swagger-ui"));
    assert!(!ui.text.contains("https://"), "no assets from a CDN");
    let init = c.get("/api/docs/swagger-initializer.js").await;
    assert!(init.text.contains("/api/openapi.json"));
}
