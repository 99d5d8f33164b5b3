//! Projects (项目): a member's form and its checks, who edits which project, figures one row a
//! year, the list's latest figures and totals, the API, and the article's two projects in the
//! demo.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use xieshang::org::members;
use xieshang::projects::store::{self, introducer, partner, project, year};

use crate::harness::{TestApp, encode};

const CANTEEN: &str = "书院路社区长者食堂";

async fn member_of(app: &TestApp, username: &str) -> i64 {
    let user = xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap();
    members::linked_to(&app.state.db, user.id).await.unwrap().unwrap().id
}

async fn project_named(app: &TestApp, name: &str) -> project::Model {
    project::Entity::find().filter(project::Column::Name.eq(name)).one(&app.state.db).await.unwrap().unwrap()
}

async fn years(app: &TestApp, project_id: i64) -> Vec<year::Model> {
    year::Entity::find().filter(year::Column::ProjectId.eq(project_id)).order_by_asc(year::Column::Year).all(&app.state.db).await.unwrap()
}

async fn place_id(app: &TestApp, name: &str) -> i64 {
    use xieshang::org::structure::place;
    place::Entity::find().filter(place::Column::Name.eq(name)).one(&app.state.db).await.unwrap().unwrap().id
}

/// The figures line above the list: (projects, output value, net income, beneficiaries).
fn totals_on(page: &str) -> Vec<String> {
    let start = page.find(r#"id="project-totals""#).unwrap();
    let part = &page[start..start + page[start..].find("</p>").unwrap()];
    part.split("<strong>").skip(1).map(|s| s.split("</strong>").next().unwrap().to_string()).collect()
}

fn rows_on(page: &str) -> usize {
    page.matches("data-project=").count()
}

#[tokio::test]
async fn a_member_records_a_project_it_introduced_and_a_bad_form_saves_nothing() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let (me, other) = (member_of(&app, "member").await.to_string(), member_of(&app, "member2").await.to_string());
    let form = member.get("/projects/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(&format!(r#"value="{me}" checked"#)), "the member is ticked as introducer");
    assert!(form.text.matches(r#"name="partner_name""#).count() >= 4, "rows for partners");

    let counts = || async { (app.count("projects").await, app.count("project_introducers").await, app.count("project_partners").await) };
    let before = counts().await;
    let bad = [("name", "田"), ("kind", "shop"), ("place_id", "999999"), ("partner_role", "bank"), ("partner_name", "某银行"), ("started_on", "2099-01-01"), ("status", "running"), ("description", "竹荪种植")];
    let res = member.post_form("/projects", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["项目名称须为2至100字", "请选择有效的选项", "请至少选择一位引进委员", "日期不能晚于今天"] {
        assert!(res.text.contains(message), "{message} is shown");
    }
    assert_eq!(res.text.matches(r#"class="field-error""#).count(), 6, "name, kind, place, introducers, partners, start");
    assert!(res.text.contains("竹荪种植") && res.text.contains("某银行"), "what was typed is kept");
    let place = place_id(&app, "楠木村").await.to_string();
    let mut good = vec![("name", "楠木村黑花生加工坊"), ("kind", "assistance"), ("place_id", place.as_str()), ("model", "合作社+农户")];
    good.extend([("partner_role", "cooperative"), ("partner_name", "楠木村种植专业合作社"), ("partner_role", "households"), ("partner_name", "脱贫户8户"), ("partner_role", "company"), ("partner_name", "")]);
    good.extend([("started_on", "2022-03-01"), ("status", "running"), ("shared", "yes")]);
    let someone_else: Vec<_> = good.iter().copied().chain([("introducer_ids", other.as_str())]).collect();
    let res = member.post_form("/projects", &someone_else).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("委员只能登记和修改本人引进的项目"));
    let mine: Vec<_> = good.iter().copied().chain([("introducer_ids", me.as_str()), ("introducer_ids", other.as_str())]).collect();
    let forged = Request::post("/projects").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header("sec-fetch-site", "cross-site");
    assert_eq!(member.send(forged, Body::from(encode(&mine))).await.status, StatusCode::FORBIDDEN, "a cross-site post is refused");
    assert_eq!(counts().await, before, "nothing saved");

    let res = member.post_form("/projects", &mine).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let p = project_named(&app, "楠木村黑花生加工坊").await;
    assert_eq!((p.kind.as_str(), p.status.as_str(), p.shared, p.model.as_str()), ("assistance", "running", true, "合作社+农户"));
    let partners = partner::Entity::find().filter(partner::Column::ProjectId.eq(p.id)).order_by_asc(partner::Column::Id).all(&app.state.db).await.unwrap();
    assert_eq!(partners.iter().map(|x| (x.role.as_str(), x.name.as_str())).collect::<Vec<_>>(), [("cooperative", "楠木村种植专业合作社"), ("households", "脱贫户8户")], "the blank row is left out");
    assert_eq!(introducer::Entity::find().filter(introducer::Column::ProjectId.eq(p.id)).all(&app.state.db).await.unwrap().len(), 2);
    let page = member.get(res.location()).await.text;
    assert!(page.contains("已保存") && page.contains("楠木村种植专业合作社") && page.contains("合作社+农户") && page.contains("尚未登记年度数据"));
    let sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE object_type = 'project' AND object_id = '{}'", p.id);
    let audited = app.state.db.query_one_raw(sea_orm::Statement::from_string(app.state.db.get_database_backend(), sql)).await.unwrap().unwrap();
    assert_eq!(audited.try_get::<i64>("", "n").unwrap(), 1, "the change is audited");
}

#[tokio::test]
async fn a_member_edits_only_its_own_projects_and_staff_edit_any() {
    let app = TestApp::demo().await;
    let own = project_named(&app, CANTEEN).await;
    let me = member_of(&app, "member").await.to_string();
    let member = app.login("member").await;
    let page = member.get(&format!("/projects/{}", own.id)).await.text;
    assert!(page.contains(&format!(r#"href="/projects/{}/edit""#, own.id)) && page.contains(r#"id="year-form""#));
    assert_eq!(member.get(&format!("/projects/{}/edit", own.id)).await.status, StatusCode::OK);

    let other = app.login("member2").await;
    let page = other.get(&format!("/projects/{}", own.id)).await;
    assert_eq!(page.status, StatusCode::OK, "every member reads it");
    assert!(!page.text.contains(&format!(r#"href="/projects/{}/edit""#, own.id)) && !page.text.contains(r#"id="year-form""#));
    assert_eq!(other.get(&format!("/projects/{}/edit", own.id)).await.status, StatusCode::FORBIDDEN);
    let edit = [("name", "别人的项目"), ("kind", "development"), ("status", "running"), ("introducer_ids", me.as_str())];
    assert_eq!(other.post_form(&format!("/projects/{}", own.id), &edit).await.status, StatusCode::FORBIDDEN);
    let figures = [("year", "2022"), ("output_value", "1"), ("net_income", "1"), ("beneficiaries", "1")];
    assert_eq!(other.post_form(&format!("/projects/{}/years", own.id), &figures).await.status, StatusCode::FORBIDDEN);
    assert_eq!(project_named(&app, CANTEEN).await, own, "unchanged");

    // The member may not hand its project to someone else and lock itself out.
    let other_id = member_of(&app, "member2").await.to_string();
    let res = member.post_form(&format!("/projects/{}", own.id), &[("name", CANTEEN), ("kind", "development"), ("status", "running"), ("introducer_ids", &other_id)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("委员只能登记和修改本人引进的项目"));
    let res = member.post_form(&format!("/projects/{}", own.id), &[("name", "书院路社区长者食堂二期"), ("kind", "development"), ("status", "running"), ("introducer_ids", &me)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(project_named(&app, "书院路社区长者食堂二期").await.id, own.id);

    let article = project_named(&app, "一亩田脱贫").await;
    assert_eq!(member.get(&format!("/projects/{}/edit", article.id)).await.status, StatusCode::FORBIDDEN, "introduced by another member");
    let staff = app.login("staff").await;
    let form = staff.get(&format!("/projects/{}/edit", article.id)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("楠木村竹荪种植专业合作社"), "the partners are filled in");
    let introducers = introducer::Entity::find().filter(introducer::Column::ProjectId.eq(article.id)).all(&app.state.db).await.unwrap();
    let keep = introducers[0].member_id.to_string();
    let res = staff.post_form(&format!("/projects/{}", article.id), &[("name", "一亩田脱贫"), ("kind", "assistance"), ("status", "ended"), ("introducer_ids", &keep), ("partner_role", "company"), ("partner_name", "湘潭某农业科技有限公司")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(project_named(&app, "一亩田脱贫").await.status, "ended");
    assert_eq!(partner::Entity::find().filter(partner::Column::ProjectId.eq(article.id)).all(&app.state.db).await.unwrap().len(), 1, "partners replaced");
}

#[tokio::test]
async fn a_years_figures_are_one_row_and_saving_the_year_again_replaces_them() {
    let app = TestApp::demo().await;
    let own = project_named(&app, CANTEEN).await;
    let path = format!("/projects/{}/years", own.id);
    let member = app.login("member").await;
    assert_eq!(years(&app, own.id).await.len(), 1);

    let bad = [("year", "1999"), ("output_value", "12万"), ("net_income", "100"), ("beneficiaries", "很多"), ("households", "-1")];
    let res = member.post_form(&path, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["年度须为2000年至今年", "请填写金额（元），最多两位小数", "请填写0或正整数"] {
        assert!(res.text.contains(message), "{message} is shown");
    }
    assert!(res.text.contains("12万"), "what was typed is kept");
    let more = member.post_form(&path, &[("year", "2022"), ("output_value", "1000"), ("net_income", "2000"), ("beneficiaries", "3")]).await;
    assert!(more.text.contains("纯收入不能高于年产值"));
    let before = years(&app, own.id).await;
    assert_eq!((before.len(), before[0].output_value_fen), (1, 18_000_000), "nothing changed");

    let res = member.post_form(&path, &[("year", "2022"), ("output_value", "200,000.50"), ("net_income", "15000"), ("beneficiaries", "300"), ("households", "120"), ("note", "全年")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = years(&app, own.id).await;
    assert_eq!(after.len(), 1, "one row a year");
    assert_eq!((after[0].id, after[0].output_value_fen, after[0].net_income_fen, after[0].beneficiaries, after[0].households), (before[0].id, 20_000_050, 1_500_000, 300, Some(120)));
    assert_eq!(member.post_form(&path, &[("year", "2021"), ("output_value", "90000"), ("net_income", "6000"), ("beneficiaries", "150")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(years(&app, own.id).await.iter().map(|y| y.year).collect::<Vec<_>>(), [2021, 2022]);
    let page = member.get(&format!("/projects/{}", own.id)).await.text;
    assert!(page.find(r#"data-year="2022""#).unwrap() < page.find(r#"data-year="2021""#).unwrap(), "latest year first");
    assert!(page.contains("200,000.50 元"));
}

#[tokio::test]
async fn the_list_shows_each_projects_latest_figures_with_totals_and_filters() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let page = staff.get("/projects").await.text;
    // Latest years: 120,000 + 680,000 + 420,000 + 300,000 + 180,000 yuan of output.
    assert_eq!(totals_on(&page), ["5", "1,700,000 元", "569,000 元", "3050"]);
    assert_eq!(rows_on(&page), 5);
    assert!(page.contains("合作社+脱贫户+公司") && page.contains("120,000 元") && page.contains("72,000 元"));
    let y2021 = staff.get("/projects?year=2021").await.text;
    assert_eq!(totals_on(&y2021), ["2", "610,000 元", "210,000 元", "109"], "the year's figures, not the latest");
    assert_eq!(rows_on(&y2021), 2);
    assert_eq!(totals_on(&staff.get("/projects?kind=development").await.text)[0], "2");
    let town = place_id(&app, "昭山镇").await;
    assert_eq!(totals_on(&staff.get(&format!("/projects?place={town}")).await.text)[0], "2", "楠木村 and 七星村 below 昭山镇");
    let me = member_of(&app, "member").await;
    let mine = staff.get(&format!("/projects?member={me}")).await.text;
    assert_eq!((rows_on(&mine), mine.contains(CANTEEN)), (1, true));
    let bad = staff.get("/projects?year=去年&kind=shop").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert_eq!((bad.text.matches(r#"class="field-error""#).count(), rows_on(&bad.text)), (2, 5), "bad filters are named and left out");
}

#[tokio::test]
async fn the_api_lists_filters_and_shows_projects() {
    let app = TestApp::demo().await;
    let c = app.client();
    let token = app.token("member").await;
    let all = c.get_bearer("/api/v1/projects", &token).await.json();
    assert_eq!(all["total"], 5);
    let y2021 = c.get_bearer("/api/v1/projects?year=2021", &token).await.json();
    assert_eq!(y2021["total"], 2);
    assert!(y2021["items"].as_array().unwrap().iter().all(|p| p["figures"]["year"] == 2021));
    assert_eq!(c.get_bearer("/api/v1/projects?kind=assistance", &token).await.json()["total"], 3);
    let village = place_id(&app, "新华村").await;
    assert_eq!(c.get_bearer(&format!("/api/v1/projects?place={village}"), &token).await.json()["items"][0]["name"], "共享小院田园康养");
    let me = member_of(&app, "member").await;
    let mine = c.get_bearer(&format!("/api/v1/projects?member={me}"), &token).await.json();
    assert_eq!((mine["total"].as_u64(), mine["items"][0]["introducer_ids"][0].as_i64()), (Some(1), Some(me)));
    for bad in ["kind=shop", "year=x", "place=abc", "page=0"] {
        assert_eq!(c.get_bearer(&format!("/api/v1/projects?{bad}"), &token).await.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let p = project_named(&app, "一亩田脱贫").await;
    let one = c.get_bearer(&format!("/api/v1/projects/{}", p.id), &token).await.json();
    assert_eq!((one["model"].as_str(), one["kind"].as_str(), one["shared"].as_bool()), (Some("合作社+脱贫户+公司"), Some("assistance"), Some(true)));
    let roles: Vec<&str> = one["partners"].as_array().unwrap().iter().map(|x| x["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["cooperative", "households", "company", "base"]);
    assert_eq!((one["years"][0]["year"].as_i64(), one["years"][0]["output_value_fen"].as_i64(), one["years"][0]["net_income_fen"].as_i64()), (Some(2022), Some(12_000_000), Some(7_200_000)));
    assert_eq!(one["figures"]["year"], 2022, "the latest year");
    assert_eq!(c.get_bearer("/api/v1/projects", &app.token("unit").await).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get_bearer("/api/v1/projects/999999", &token).await.status, StatusCode::NOT_FOUND);
    let doc = c.get("/api/openapi.json").await.json();
    for path in ["/api/v1/projects", "/api/v1/projects/{id}"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}

#[tokio::test]
async fn the_demo_has_the_articles_two_projects_and_shares_them() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let field = project_named(&app, "一亩田脱贫").await;
    assert_eq!((field.place_id, field.model.as_str()), (Some(place_id(&app, "楠木村").await), "合作社+脱贫户+公司"));
    assert!(field.description.contains("竹荪") && field.description.contains("黑花生"));
    let y = &years(&app, field.id).await[0];
    assert_eq!((y.year, y.output_value_fen, y.net_income_fen), (2022, 12_000_000, 7_200_000), "年产值12万元，纯收入7万多元");
    let roles: Vec<String> = store::partners_of(db, field.id).await.unwrap().into_iter().map(|(r, _)| r.as_str().to_string()).collect();
    assert!(["cooperative", "households", "company"].iter().all(|r| roles.contains(&r.to_string())));
    let yard = project_named(&app, "共享小院田园康养").await;
    assert_eq!(yard.place_id, Some(place_id(&app, "新华村").await));
    assert!(years(&app, yard.id).await[0].beneficiaries >= 2_600, "2,600-odd villagers benefit");
    for p in [&field, &yard] {
        let who: Vec<i64> = introducer::Entity::find().filter(introducer::Column::ProjectId.eq(p.id)).all(db).await.unwrap().iter().map(|i| i.member_id).collect();
        let names = members::names(db, &who).await.unwrap();
        assert!(!names.is_empty() && names.values().all(|n| n != "刘艳"), "introduced by generated members");
    }
    let committee = xieshang::org::store::find_committee_by_code(db, "yuetang").await.unwrap().unwrap();
    let shared = store::shared(db, &[committee.id], 10).await.unwrap();
    let titles: Vec<&str> = shared.iter().map(|s| s.title.as_str()).collect();
    assert!(titles.contains(&"一亩田脱贫") && titles.contains(&"共享小院田园康养") && !titles.contains(&CANTEEN));
    let item = shared.iter().find(|s| s.title == "一亩田脱贫").unwrap();
    assert_eq!((item.kind_key, item.href.clone(), item.committee_id), ("nav.projects", format!("/projects/{}", field.id), committee.id));
    assert!(item.summary.contains("合作社+脱贫户+公司") && item.summary.contains("产值120000元"), "{}", item.summary);
    assert!(store::shared(db, &[committee.id + 999], 10).await.unwrap().is_empty(), "only the committees asked for");
}
