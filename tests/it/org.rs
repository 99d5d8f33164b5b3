//! Accounts, roles, the committee tree, the audit page, the demo and the command line.
use axum::http::StatusCode;

use crate::harness::{PASSWORD, TestApp};

async fn user_id(app: &TestApp, username: &str) -> i64 {
    xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap().id
}

#[tokio::test]
async fn an_admin_creates_accounts_with_validation() {
    let app = TestApp::demo().await;
    let c = app.login("admin").await;
    let before = app.count("users").await;
    let res = c
        .post_form("/users", &[("username", "a"), ("display_name", ""), ("role", "citizen"), ("password", "short")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in ["用户名须为3至32位", "此项为必填项", "请选择有效的角色", "密码至少10位"] {
        assert!(res.text.contains(msg), "{msg}");
    }
    let res = c.post_form("/users", &[("username", "unit3"), ("display_name", "联络员"), ("role", "unit"), ("password", PASSWORD)]).await;
    assert!(res.text.contains("承办单位账号须填写所属承办单位"));
    let res = c.post_form("/users", &[("username", "staff"), ("display_name", "重名"), ("role", "staff"), ("password", PASSWORD)]).await;
    assert!(res.text.contains("该用户名已被使用"));
    assert_eq!(app.count("users").await, before, "no bad row was written");

    let res = c
        .post_form("/users", &[("username", "Unit3"), ("display_name", "联络员"), ("role", "unit"), ("unit", "区教育局"), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.get("/users").await.text;
    assert!(page.contains("账号已创建") && page.contains("unit3") && page.contains("区教育局"));
    app.login("unit3").await;
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let member = app.login("member").await;
    let id = user_id(&app, "member").await;
    let res = admin.post_form(&format!("/users/{id}/active"), &[("active", "false")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(member.get("/").await.status, StatusCode::SEE_OTHER);
    let res = app.client().post_form("/login", &[("username", "member"), ("password", PASSWORD)]).await;
    assert!(res.text.contains("该账号已停用"));
    // Nobody disables themselves.
    let own = user_id(&app, "admin").await;
    assert_eq!(admin.post_form(&format!("/users/{own}/active"), &[("active", "false")]).await.status, StatusCode::FORBIDDEN);
    admin.post_form(&format!("/users/{id}/active"), &[("active", "true")]).await;
    app.login("member").await;
}

#[tokio::test]
async fn roles_see_only_what_they_may() {
    let app = TestApp::demo().await;
    // (user, /users, /audit, may create committees). Everyone may read their own committee.
    let table = [
        ("admin", 200, 403, true),
        ("security", 200, 403, false),
        ("auditor", 403, 200, false),
        ("staff", 403, 403, false),
        ("leader", 403, 403, false),
        ("member", 403, 403, false),
        ("unit", 403, 403, false),
    ];
    for (user, users, audit, edit) in table {
        let c = app.login(user).await;
        assert_eq!(c.get("/users").await.status.as_u16(), users, "{user} /users");
        assert_eq!(c.get("/audit").await.status.as_u16(), audit, "{user} /audit");
        let page = c.get("/committees").await;
        assert_eq!(page.status, StatusCode::OK, "{user} /committees");
        assert!(!page.text.contains("新建下级政协"), "{user}: nothing lies below a county");
        assert_eq!(page.text.contains("href=\"/committees\""), edit, "{user} navigation");
    }
    // A security administrator may unlock but not create accounts.
    let sec = app.login("security").await;
    let res = sec.post_form("/users", &[("username", "x-sec"), ("display_name", "x"), ("role", "admin"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_parent_admin_views_children_read_only() {
    let app = TestApp::demo().await;
    let yuetang = xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap();
    let xiangtan = xieshang::org::store::find_committee_by_code(&app.state.db, "xiangtan").await.unwrap().unwrap();
    let hunan = xieshang::org::store::find_committee_by_code(&app.state.db, "hunan").await.unwrap().unwrap();

    let city = app.login("xiangtan-admin").await;
    let own = city.get("/committees").await.text;
    assert!(own.contains("湘潭市政协") && own.contains("湘潭市岳塘区政协") && own.contains("新建下级政协"));
    let child = city.get(&format!("/committees/{}", yuetang.id)).await;
    assert_eq!(child.status, StatusCode::OK);
    assert!(child.text.contains("上级政协管理员只读查看") && !child.text.contains("新建下级政协"));
    assert_eq!(city.get(&format!("/committees/{}", hunan.id)).await.status, StatusCode::NOT_FOUND, "not upwards");

    let district = app.login("admin").await;
    assert_eq!(district.get(&format!("/committees/{}", xiangtan.id)).await.status, StatusCode::NOT_FOUND);

    // The city creates a second district; a level above its own is refused.
    let fields = |level: &'static str, code: &'static str| {
        vec![("name", "湘潭市雨湖区政协"), ("code", code), ("level", level), ("admin_username", "yuhu-admin"), ("admin_name", "管理员乙"), ("password", PASSWORD), ("confirm", PASSWORD)]
    };
    let res = city.post_form("/committees", &fields("province", "yuhu")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("下级政协的层级须低于本级"));
    let res = city.post_form("/committees", &fields("county", "yuetang")).await;
    assert!(res.text.contains("该代码已被使用"));
    let res = city.post_form("/committees", &fields("county", "yuhu")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(city.get("/committees").await.text.contains("湘潭市雨湖区政协"));
    let yuhu = app.login("yuhu-admin").await;
    assert!(yuhu.get("/").await.text.contains("湘潭市雨湖区政协"));
}

#[tokio::test]
async fn the_auditor_filters_the_log() {
    let app = TestApp::demo().await;
    app.login("admin").await;
    app.client().post_form("/login", &[("username", "staff"), ("password", "bad-Password-1")]).await;
    let auditor = app.login("auditor").await;
    let all = auditor.get("/audit").await.text;
    assert!(all.contains("登录失败") && all.contains("admin") && all.contains("载入演示数据"));
    assert!(auditor.get("/audit?object=committee").await.text.contains("载入演示数据"));
    assert!(!auditor.get("/audit?object=committee").await.text.contains("登录成功"));
    let only_staff = auditor.get("/audit?actor=staff").await.text;
    assert!(only_staff.contains("密码错误") && !only_staff.contains("登录成功"));
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let tomorrow = today.succ_opt().unwrap();
    assert!(auditor.get(&format!("/audit?from={today}&to={today}")).await.text.contains("登录失败"));
    assert!(auditor.get(&format!("/audit?from={tomorrow}")).await.text.contains("没有符合条件的记录"));
    let bad = auditor.get("/audit?from=2022-13-45").await.text;
    assert!(bad.contains("日期格式应为 YYYY-MM-DD"));
}

#[tokio::test]
async fn the_demo_loads_once() {
    let app = TestApp::demo().await;
    assert_eq!(app.count("committees").await, 4, "province, city, the district and its neighbour");
    assert!(xieshang::demo::load(&app.state.db, None).await.unwrap().is_none());
    assert_eq!(app.count("committees").await, 4);
    for user in ["admin", "security", "auditor", "staff", "leader", "member", "unit", "xiangtan-admin"] {
        app.login(user).await;
    }
}

#[tokio::test]
async fn the_command_line_creates_users() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let app = TestApp::demo().await;
    let url = app.state.config.database_url.clone();
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_xieshang"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = run(&["user", "create", "--committee", "yuetang", "--username", "clerk", "--role", "staff", "--name", "文书"], "Clerk-Password-1\n");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    app.client().post_form("/login", &[("username", "clerk"), ("password", "Clerk-Password-1")]).await;
    assert!(xieshang::org::store::find_user_by_username(&app.state.db, "clerk").await.unwrap().unwrap().last_login_at.is_some());

    let generated = run(&["user", "create", "--committee", "yuetang", "--username", "clerk2", "--role", "member"], "");
    let out = String::from_utf8_lossy(&generated.stdout);
    let password = out.lines().find_map(|l| l.split(": ").nth(1).filter(|_| l.contains("initial password"))).unwrap().trim().to_string();
    let res = app.client().post_form("/login", &[("username", "clerk2"), ("password", &password)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    let bad = run(&["user", "create", "--committee", "nowhere", "--username", "x1", "--role", "king"], "weak\n");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("role") && err.contains("password"), "{err}");
    assert!(xieshang::org::store::find_user_by_username(&app.state.db, "x1").await.unwrap().is_none());
}
