//! Members and the roster: the demo's organization, import (xlsx, GBK CSV, bad rows, re-import,
//! round trip), export, search and who sees phone numbers.
use axum::http::StatusCode;
use rust_xlsxwriter::Workbook;

use crate::harness::TestApp;

const HEADER: [&str; 12] = ["姓名*", "性别", "出生年月", "民族", "党派", "界别*", "职务", "工作单位及职务", "所属小组", "所属镇街", "手机号码", "状态"];

/// A roster as committee offices keep it: phones stored as numbers, a birth month as a date
/// serial, another as text, stray spaces, and empty rows at the end.
fn office_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, &str, f64); 3] =
        [("测试甲", "经济界", "书院路政协小组", 13912340001.0), (" 测试乙 ", "教育界", "五里堆街道政协小组", 13912340002.0), ("测试丙", "新兴界", "", 13912340003.0)];
    for (r, (name, sector, group, phone)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *name).unwrap();
        ws.write_string(r, 1, "女").unwrap();
        ws.write_string(r, 5, *sector).unwrap();
        ws.write_string(r, 8, *group).unwrap();
        ws.write_string(r, 9, "书院路街道").unwrap();
        ws.write_number(r, 10, *phone).unwrap();
    }
    ws.write_number(1, 2, 27454.0).unwrap(); // 1975-03 as an Excel date serial
    ws.write_string(2, 2, "1980年7月").unwrap();
    ws.write_string(5, 0, "").unwrap();
    wb.save_to_buffer().unwrap()
}

async fn count_members(app: &TestApp) -> i64 {
    app.count("members").await
}

#[tokio::test]
async fn the_demo_has_the_articles_organization() {
    let app = TestApp::demo().await;
    let c = app.client();
    let t = app.token("staff").await;
    let in_office = c.get_bearer("/api/v1/members?status=in_office&per_page=1", &t).await.json();
    assert_eq!(in_office["total"], 181);
    let groups = c.get_bearer("/api/v1/groups?per_page=200", &t).await.json();
    let shuyuan = groups["items"].as_array().unwrap().iter().find(|g| g["name"] == "书院路政协小组").unwrap()["id"].as_i64().unwrap();
    assert!(groups["items"].as_array().unwrap().iter().any(|g| g["name"] == "五里堆街道政协小组"));
    assert_eq!(c.get_bearer(&format!("/api/v1/members?group={shuyuan}"), &t).await.json()["total"], 14);
    let places = c.get_bearer("/api/v1/places?per_page=200", &t).await.json();
    let tops = places["items"].as_array().unwrap().iter().filter(|p| p["parent_id"].is_null()).count();
    assert_eq!(tops, 12);
    for name in ["江滨社区", "向阳社区", "葩金社区", "新华村", "楠木村", "昭山镇", "双马街道"] {
        assert!(places["items"].as_array().unwrap().iter().any(|p| p["name"] == name), "{name}");
    }
    assert!(c.get_bearer("/api/v1/units?per_page=200", &t).await.json()["total"].as_u64().unwrap() >= 25);
    let leaders = ["chair", "vice_chair", "secretary_general"].map(|p| p.to_string());
    let mut count = 0;
    for p in &leaders {
        count += c.get_bearer(&format!("/api/v1/members?position={p}"), &t).await.json()["total"].as_u64().unwrap();
    }
    assert_eq!(count, 6, "a chair, four vice-chairs, a secretary-general");
}

#[tokio::test]
async fn importing_an_office_roster_previews_then_imports_and_reimports_idempotently() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let before = count_members(&app).await;
    let file = office_xlsx();

    // Unknown sector 新兴界: refused, nothing written.
    let res = c.post_multipart("/members/import", &[("file", Some("名册.xlsx"), &file)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("界别不存在") && res.text.contains("<td>4</td>"), "{}", res.text);

    // With "create missing": a preview first, then the import.
    let res = c.post_multipart("/members/import", &[("file", Some("名册.xlsx"), &file), ("create_missing", None, b"1")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("检查通过，尚未写入") && res.text.contains("界别：新兴界"));
    assert_eq!(count_members(&app).await, before, "a preview writes nothing");
    let res = c.post_multipart("/members/import", &[("file", Some("名册.xlsx"), &file), ("create_missing", None, b"1"), ("confirm", None, b"1")]).await;
    assert!(res.text.contains("导入完成") && res.text.contains("id=\"import-created\">3<"), "{}", res.text);
    assert_eq!(count_members(&app).await, before + 3);

    let m = c.get("/members?q=测试乙").await.text;
    assert!(m.contains("测试乙") && m.contains("13912340002") && m.contains("五里堆街道政协小组"));
    let api = app.client();
    let t = app.token("staff").await;
    let jia = &api.get_bearer("/api/v1/members?q=测试甲", &t).await.json()["items"][0];
    assert_eq!(jia["birth_month"], "1975-03");
    assert_eq!(jia["mobile"], "13912340001");
    let yi = &api.get_bearer("/api/v1/members?q=测试乙", &t).await.json()["items"][0];
    assert_eq!(yi["birth_month"], "1980-07");

    // The same roster again updates, never duplicates.
    let res = c.post_multipart("/members/import", &[("file", Some("名册.xlsx"), &file), ("create_missing", None, b"1"), ("confirm", None, b"1")]).await;
    assert!(res.text.contains("id=\"import-created\">0<") && res.text.contains("id=\"import-updated\">3<"), "{}", res.text);
    assert_eq!(count_members(&app).await, before + 3);
}

#[tokio::test]
async fn every_bad_row_is_reported_and_nothing_is_written() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let before = count_members(&app).await;
    let csv = "姓名*,性别,出生年月,民族,党派,界别*,职务,工作单位及职务,所属小组,所属镇街,手机号码,状态\n\
               好人,男,1970.05,汉族,,经济界,委员,,,,13800000001,在职\n\
               ,男,1970.05,汉族,,经济界,委员,,,,13800000002,在职\n\
               坏号码,男,1970.05,汉族,,经济界,委员,,,,1380000,在职\n\
               无界别,男,1970.05,汉族,,火星界,委员,,,,13800000004,在职\n\
               好人,男,1970.05,汉族,,经济界,委员,,,,13800000001,在职\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let res = c.post_multipart("/members/import", &[("file", Some("roster.csv"), &gbk)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = res.text;
    for (line, column, reason) in [(3, "姓名", "此项为必填项"), (4, "手机号码", "手机号码格式不正确"), (6, "姓名", "与文件中前面的行重复")] {
        assert!(text.contains(&format!("<tr><td>{line}</td><td>{column}</td><td>{reason}")), "line {line}: {text}");
    }
    assert_eq!(count_members(&app).await, before);
    // The unknown sector is caught once the rows themselves are valid.
    let fixed = csv.lines().filter(|l| !l.starts_with(",男") && !l.starts_with("坏号码")).take(3).collect::<Vec<_>>().join("\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&fixed);
    let res = c.post_multipart("/members/import", &[("file", Some("roster.csv"), &gbk), ("confirm", None, b"1")]).await;
    assert!(res.text.contains("<tr><td>3</td><td>界别</td><td>界别不存在"), "{}", res.text);
    assert_eq!(count_members(&app).await, before);
}

#[tokio::test]
async fn export_then_import_changes_nothing() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let (status, first) = c.get_bytes("/members/export.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let rows = xieshang::org::roster::parse_rows(&xieshang::org::roster::read_table("m.xlsx", &first).unwrap()).unwrap();
    assert_eq!(rows.len(), 181);
    let res = c.post_multipart("/members/import", &[("file", Some("m.xlsx"), &first), ("confirm", None, b"1")]).await;
    assert!(res.text.contains("id=\"import-created\">0<") && res.text.contains("id=\"import-updated\">181<"), "{}", res.text);
    let (_, second) = c.get_bytes("/members/export.xlsx").await;
    let again = xieshang::org::roster::parse_rows(&xieshang::org::roster::read_table("m.xlsx", &second).unwrap()).unwrap();
    assert_eq!(rows, again);
    // A filtered export holds only the filter's members.
    let (_, leaders) = c.get_bytes("/members/export.xlsx?position=vice_chair").await;
    let vice = xieshang::org::roster::parse_rows(&xieshang::org::roster::read_table("m.xlsx", &leaders).unwrap()).unwrap();
    assert_eq!(vice.len(), 4);
    let (status, template) = c.get_bytes("/members/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(xieshang::org::roster::parse_rows(&xieshang::org::roster::read_table("t.xlsx", &template).unwrap()).unwrap().len(), 0);
}

#[tokio::test]
async fn phones_are_shown_in_full_only_to_staff_and_admins() {
    let app = TestApp::demo().await;
    let phone_re = |t: &str| t.matches("****").count();
    let staff = app.login("staff").await.get("/members").await.text;
    assert_eq!(phone_re(&staff), 0);
    for user in ["member", "leader", "unit"] {
        let page = app.login(user).await.get("/members").await.text;
        assert!(phone_re(&page) >= 20, "{user} sees masked phones");
    }
    let api = app.client();
    let t = app.token("unit").await;
    let list = api.get_bearer("/api/v1/members?per_page=200", &t).await.json();
    assert!(list["items"].as_array().unwrap().iter().all(|m| m["mobile"].as_str().unwrap().contains("****")));
    assert_eq!(app.login("auditor").await.get("/members").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("member").await.get("/members/export.xlsx").await.status, StatusCode::FORBIDDEN);
    let res = api.post_json("/api/v1/members", r#"{"name":"x","sector_id":"1"}"#, Some(&t)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn search_by_name_or_pinyin_initials_and_filters() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let db = &app.state.db;
    use sea_orm::EntityTrait;
    let m = xieshang::org::members::member::Entity::find().one(db).await.unwrap().unwrap();
    let by_initials = c.get(&format!("/members?q={}", m.initials)).await.text;
    assert!(by_initials.contains(&m.name), "{} by {}", m.name, m.initials);
    let by_name = c.get(&format!("/members?q={}", xieshang::app::web::urlencode(&m.name))).await.text;
    assert!(by_name.contains(&m.name));
    let bad = c.get("/members?position=king").await;
    assert!(bad.text.contains("请选择有效的选项"));
    assert!(c.get("/members?q=zzzzzz").await.text.contains("没有符合条件的委员"));
}

#[tokio::test]
async fn the_member_form_and_api_validate_and_audit() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let before = count_members(&app).await;
    let res = c.post_form("/members", &[("name", ""), ("sector_id", "999999"), ("mobile", "12345"), ("birth_month", "1975.13")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in ["此项为必填项", "手机号码格式不正确", "出生年月格式不正确"] {
        assert!(res.text.contains(msg), "{msg}");
    }
    assert_eq!(count_members(&app).await, before);

    let api = app.client();
    let t = app.token("staff").await;
    let sector = api.get_bearer("/api/v1/sectors", &t).await.json()["items"][0]["id"].as_i64().unwrap();
    let body = format!(r#"{{"name":"新委员","sector_id":"{sector}","mobile":"139 1234 5678","position":"常委","gender":"女","birth_month":"1981年2月"}}"#);
    let res = api.post_json("/api/v1/members", &body, Some(&t)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let created = res.json();
    assert_eq!((created["mobile"].as_str(), created["position"].as_str(), created["birth_month"].as_str()), (Some("13912345678"), Some("standing_member"), Some("1981-02")));
    let id = created["id"].as_i64().unwrap();
    let res = c.post_form(&format!("/members/{id}"), &[("name", "新委员"), ("sector_id", &sector.to_string()), ("status", "resigned"), ("position", "member")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let file = c.get(&format!("/members/{id}")).await.text;
    assert!(file.contains("辞职") && file.contains("履职档案"));
    let audit = app.login("auditor").await.get("/audit?object=member").await.text;
    assert!(audit.contains("新增委员 新委员") && audit.contains("修改委员 新委员：性别、出生年月、职务、手机号码、状态"), "{audit}");
}

#[tokio::test]
async fn the_command_line_imports_and_refuses_bad_rosters() {
    use std::process::Command;
    let app = TestApp::demo().await;
    let dir = std::env::temp_dir().join(format!("xs-cli-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.xlsx");
    std::fs::write(&good, office_xlsx()).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xieshang")).args(args).env("DATABASE_URL", &app.state.config.database_url).env("RUST_LOG", "error").output().unwrap()
    };
    let refused = run(&["import", "members", "--committee", "yuetang", good.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("第4行 界别"), "{}", String::from_utf8_lossy(&refused.stderr));
    let before = count_members(&app).await;
    let dry = run(&["import", "members", "--committee", "yuetang", "--create-missing", "--dry-run", good.to_str().unwrap()]);
    assert!(dry.status.success());
    assert_eq!(count_members(&app).await, before);
    let ok = run(&["import", "members", "--committee", "yuetang", "--create-missing", good.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(count_members(&app).await, before + 3);
    let template = dir.join("t.xlsx");
    assert!(run(&["import", "members", "--template", template.to_str().unwrap()]).status.success());
    assert!(std::fs::metadata(&template).unwrap().len() > 1000);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn terms_and_plenary_sessions() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let page = c.get("/org/terms").await.text;
    assert!(page.contains("第十届") && page.contains("第二次会议") && page.contains("2022-01-05"));
    let res = c.post_form("/org/terms", &[("number", "0"), ("start", "2026-13-01"), ("end", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("届次须为1至99的整数") && res.text.contains("日期格式应为"));
    let res = c.post_form("/org/terms", &[("number", "10"), ("start", "2026-10-01")]).await;
    assert!(res.text.contains("该届次已存在"));
    let res = c.post_form("/org/terms", &[("number", "11"), ("start", "2026-10-01"), ("end", "2026-09-01")]).await;
    assert!(res.text.contains("结束日期不能早于开始日期"));
    let res = c.post_form("/org/terms", &[("number", "11"), ("start", "2026-10-01")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    use sea_orm::EntityTrait;
    let eleventh = xieshang::org::terms::term::Entity::find().all(&app.state.db).await.unwrap().into_iter().find(|t| t.number == 11).unwrap();
    let res = c.post_form("/org/terms", &[("term_id", &eleventh.id.to_string()), ("number", "1"), ("start", "2026-10-01"), ("end", "2026-10-03")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(c.get("/org/terms").await.text.contains("第十一届"));
    let terms = app.client().get_bearer("/api/v1/terms", &app.token("staff").await).await.json();
    assert_eq!(terms["total"], 2);
    assert_eq!((terms["items"][0]["number"].as_i64(), terms["items"][0]["plenaries"][0]["end_date"].as_str()), (Some(11), Some("2026-10-03")));
    assert_eq!(terms["items"][1]["plenaries"].as_array().unwrap().len(), 2);
    assert_eq!(app.login("member").await.get("/org/terms").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn catalogue_entries_are_created_edited_and_retired() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let res = c.post_form("/org/sectors", &[("name", "新经济组织界")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c.post_form("/org/sectors", &[("name", "新经济组织界")]).await;
    assert!(res.text.contains("该名称已存在"));
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use xieshang::org::structure::{place, sector};
    let s = sector::Entity::find().filter(sector::Column::Name.eq("新经济组织界")).one(&app.state.db).await.unwrap().unwrap();
    assert!(c.get(&format!("/org/sectors/{}", s.id)).await.text.contains("value=\"新经济组织界\""));
    let res = c.post_form(&format!("/org/sectors/{}", s.id), &[("name", "新的社会阶层人士")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(c.get("/org/sectors").await.text.contains("新的社会阶层人士"));

    let p = place::Entity::find().filter(place::Column::Name.eq("江滨社区")).one(&app.state.db).await.unwrap().unwrap();
    let res = c.post_form(&format!("/org/places/{}", p.id), &[("name", "江滨社区"), ("kind", "community"), ("parent_id", &p.id.to_string())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a place is not its own parent");
    let res = c.post_form("/org/units", &[("name", "区水利局"), ("kind", "nonsense")]).await;
    assert!(res.text.contains("请选择有效的选项"));
    let res = c.post_form("/org/units", &[("name", "区水利局"), ("kind", "government"), ("contact", "联络员甲"), ("phone", "0731-55550000")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(c.get("/org/units").await.text.contains("联络员甲"));

    let res = c.post_form(&format!("/org/sectors/{}/retired", s.id), &[("retired", "true")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!c.get("/members/new").await.text.contains("新的社会阶层人士"), "retired entries are no longer offered");
    assert_eq!(app.login("member").await.get("/org/sectors").await.status, StatusCode::FORBIDDEN);
    let audit = app.login("auditor").await.get("/audit?object=sectors").await.text;
    assert!(audit.contains("修改 新的社会阶层人士") && audit.contains("新建 新经济组织界"));
}

#[tokio::test]
async fn a_member_record_links_to_one_login() {
    let app = TestApp::demo().await;
    let c = app.login("staff").await;
    let member_user = xieshang::org::store::find_user_by_username(&app.state.db, "member").await.unwrap().unwrap();
    let linked = xieshang::org::members::linked_to(&app.state.db, member_user.id).await.unwrap().expect("the demo links it");
    assert!(c.get(&format!("/members/{}", linked.id)).await.text.contains("<code>member</code>"));
    use sea_orm::EntityTrait;
    let other = xieshang::org::members::member::Entity::find().all(&app.state.db).await.unwrap().into_iter().find(|m| m.user_id.is_none()).unwrap();
    let res = c
        .post_form(&format!("/members/{}", other.id), &[("name", &other.name), ("sector_id", &other.sector_id.to_string()), ("user_id", &member_user.id.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("该账号已关联其他委员"));
    // A roster re-import keeps the link.
    let (_, export) = c.get_bytes("/members/export.xlsx").await;
    c.post_multipart("/members/import", &[("file", Some("m.xlsx"), &export), ("confirm", None, b"1")]).await;
    assert_eq!(xieshang::org::members::linked_to(&app.state.db, member_user.id).await.unwrap().map(|m| m.id), Some(linked.id));
}
