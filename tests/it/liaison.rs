//! Liaison targets (联系点): staff's form and its checks, status moves, who writes in a contact
//! log, the list's counts per kind and "我联系的", the API, and the demo's targets.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use xieshang::liaison::store::{assignee, contact, contact_member, target};
use xieshang::org::members;
use xieshang::visits::store::{visit, visitor};

use crate::harness::{TestApp, encode};

const PAJIN: &str = "葩金社区党建示范点";
const CASE: &str = "某企业职工工资拖欠信访案件";

async fn member_of(app: &TestApp, username: &str) -> i64 {
    let user = xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap();
    members::linked_to(&app.state.db, user.id).await.unwrap().unwrap().id
}

async fn target_named(app: &TestApp, name: &str) -> target::Model {
    target::Entity::find().filter(target::Column::Name.eq(name)).one(&app.state.db).await.unwrap().unwrap()
}

async fn reload(app: &TestApp, id: i64) -> target::Model {
    target::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap()
}

async fn place_id(app: &TestApp, name: &str) -> i64 {
    use xieshang::org::structure::place;
    place::Entity::find().filter(place::Column::Name.eq(name)).one(&app.state.db).await.unwrap().unwrap().id
}

fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn id_from(location: &str) -> i64 {
    location.trim_start_matches("/liaison/").split('#').next().unwrap().parse().unwrap()
}

/// The ids of the target rows in one section of the list page.
fn rows_in(page: &str, section: &str) -> Vec<i64> {
    let Some(start) = page.find(&format!(r#"id="{section}""#)) else { return vec![] };
    let part = &page[start..];
    let part = &part[..part.find("</section>").unwrap()];
    part.match_indices(r#"data-target=""#).map(|(i, m)| part[i + m.len()..].split('"').next().unwrap().parse().unwrap()).collect()
}

#[tokio::test]
async fn staff_create_a_target_and_a_bad_form_names_its_fields_and_saves_nothing() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let form = staff.get("/liaison/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(r#"name="assignee_ids""#) && form.text.contains("主席会议成员"), "leaders are marked on the checklist");
    let member = app.login("member").await;
    assert_eq!(member.get("/liaison/new").await.status, StatusCode::FORBIDDEN, "only staff create targets");

    let (targets, assigned) = (app.count("liaison_targets").await, app.count("liaison_assignees").await);
    let tomorrow = (today() + chrono::Duration::days(1)).to_string();
    let bad = [("kind", "shop"), ("name", "x"), ("place_id", "999999"), ("started_on", tomorrow.as_str()), ("description", "拆迁安置")];
    let res = staff.post_form("/liaison", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["请选择有效的选项", "名称须为2至100字", "日期不能晚于今天"] {
        assert!(res.text.contains(message), "{message} is shown");
    }
    assert_eq!(res.text.matches(r#"class="field-error""#).count(), 4, "kind, name, place, start");
    assert!(res.text.contains("拆迁安置"), "what was typed is kept");
    let nobody = staff.post_form("/liaison", &[("kind", "petition_case"), ("name", "某街道拆迁安置信访案件"), ("started_on", "2022-03-01")]).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nobody.text.contains("请至少选择一位联系领导或委员"));

    let (leader, me) = (member_of(&app, "leader").await.to_string(), member_of(&app, "member").await.to_string());
    let place = place_id(&app, "书院路社区").await.to_string();
    let good = [("kind", "petition_case"), ("name", "某街道拆迁安置信访案件"), ("place_id", &place), ("started_on", "2022-03-01"), ("assignee_ids", &leader), ("assignee_ids", &me)];
    assert_eq!(member.post_form("/liaison", &good).await.status, StatusCode::FORBIDDEN);
    let forged = Request::post("/liaison").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header("sec-fetch-site", "cross-site");
    assert_eq!(staff.send(forged, Body::from(encode(&good))).await.status, StatusCode::FORBIDDEN, "a cross-site post is refused");
    assert_eq!((app.count("liaison_targets").await, app.count("liaison_assignees").await), (targets, assigned), "nothing saved");

    let res = staff.post_form("/liaison", &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = id_from(res.location());
    let saved = reload(&app, id).await;
    assert_eq!((saved.kind.as_str(), saved.status.as_str(), saved.started_on.to_string().as_str()), ("petition_case", "active", "2022-03-01"));
    let who: Vec<i64> = assignee::Entity::find().filter(assignee::Column::TargetId.eq(id)).all(&app.state.db).await.unwrap().iter().map(|a| a.member_id).collect();
    assert_eq!(who.len(), 2);
    let audited = app.state.db.query_one_raw(sea_orm::Statement::from_string(app.state.db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM audit_log WHERE object_type = 'liaison_target' AND object_id = '{id}'"))).await.unwrap().unwrap();
    assert_eq!(audited.try_get::<i64>("", "n").unwrap(), 1, "the change is audited");
    let page = staff.get(&format!("/liaison/{id}")).await;
    assert!(page.text.contains("已保存") && page.text.contains("某街道拆迁安置信访案件") && page.text.contains("联系中"));
    let mine = member.get("/liaison").await.text;
    assert!(rows_in(&mine, "liaison-mine").contains(&id), "the member finds it under 我联系的");
}

#[tokio::test]
async fn status_moves_follow_the_rules_and_only_staff_make_them() {
    let app = TestApp::demo().await;
    let (site, case) = (target_named(&app, PAJIN).await, target_named(&app, CASE).await);
    let member = app.login("member").await;
    let res = member.post_form(&format!("/liaison/{}/status", site.id), &[("action", "close")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "an assignee does not change the status");
    assert_eq!(reload(&app, site.id).await.status, "active");

    let staff = app.login("staff").await;
    let res = staff.post_form(&format!("/liaison/{}/status", site.id), &[("action", "resolve")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("只有信访案件可标记为已化解"));
    assert_eq!(reload(&app, site.id).await.status, "active");
    assert_eq!(staff.post_form(&format!("/liaison/{}/status", site.id), &[("action", "close")]).await.status, StatusCode::SEE_OTHER);
    let closed = reload(&app, site.id).await;
    assert_eq!((closed.status.as_str(), closed.ended_on), ("closed", Some(today())));
    assert_eq!(staff.post_form(&format!("/liaison/{}/status", site.id), &[("action", "reopen")]).await.status, StatusCode::SEE_OTHER);
    let reopened = reload(&app, site.id).await;
    assert_eq!((reopened.status.as_str(), reopened.ended_on), ("active", None));

    assert_eq!(staff.post_form(&format!("/liaison/{}/status", case.id), &[("action", "resolve")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(reload(&app, case.id).await.status, "resolved");
    let again = staff.post_form(&format!("/liaison/{}/status", case.id), &[("action", "resolve")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text.contains("当前状态下不能进行此操作"));
    let page = staff.get(&format!("/liaison/{}", case.id)).await.text;
    assert!(page.contains(r#"value="close""#) && page.contains(r#"value="reopen""#) && !page.contains(r#"value="resolve""#), "the buttons follow the rule");
    let seen = member.get(&format!("/liaison/{}", site.id)).await.text;
    assert!(!seen.contains(&format!(r#"action="/liaison/{}/status""#, site.id)), "members see no status buttons");
}

#[tokio::test]
async fn only_assignees_and_staff_write_in_the_contact_log() {
    let app = TestApp::demo().await;
    let site = target_named(&app, PAJIN).await;
    let path = format!("/liaison/{}/contacts", site.id);
    let (me, other) = (member_of(&app, "member").await.to_string(), member_of(&app, "member2").await.to_string());
    let leader = member_of(&app, "leader").await.to_string();
    let contacts = app.count("liaison_contacts").await;

    let outsider = app.login("member2").await;
    assert!(!outsider.get(&format!("/liaison/{}", site.id)).await.text.contains(r#"id="add-contact""#), "no form for a member not assigned");
    let res = outsider.post_form(&path, &[("on_date", "2022-03-01"), ("member_ids", &other), ("note", "到社区了解情况")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let member = app.login("member").await;
    assert!(member.get(&format!("/liaison/{}", site.id)).await.text.contains(r#"id="add-contact""#));
    let res = member.post_form(&path, &[("on_date", "2022-03-01"), ("member_ids", &leader), ("note", "到社区了解情况")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("委员只能记录本人参加的联系"));
    let res = member.post_form(&path, &[("on_date", "2021-11-01"), ("note", "好"), ("visit_id", "999999")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["联系日期不能早于开始联系日期", "请勾选参加联系的领导或委员", "请填写联系情况", "请选择有效的选项"] {
        assert!(res.text.contains(message), "{message} is shown");
    }
    assert_eq!(app.count("liaison_contacts").await, contacts, "nothing saved");

    // A member logs its own contact, linking the liaison visit it logged that day.
    let visit = member
        .post_form("/visits", &[("on_date", &today().to_string()), ("kind", "liaison"), ("whom_kind", "masses"), ("people", "4"), ("visitor_ids", &me), ("heard", "社区党员反映活动阵地面积不足")])
        .await;
    let visit_id = visit.location().rsplit('/').next().unwrap().to_string();
    // A later liaison visit the same day by a member not assigned here.
    let staff = app.login("staff").await;
    let later = staff.post_form("/visits", &[("on_date", &today().to_string()), ("kind", "liaison"), ("whom_kind", "masses"), ("people", "2"), ("visitor_ids", &other), ("heard", "企业反映用工紧张")]).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
    let near = member.get(&format!("/liaison/{}/visits?on_date={}", site.id, today())).await;
    let first = near.text.split(r#"<option value=""#).nth(2).unwrap().split('"').next().unwrap();
    assert_eq!(first, visit_id, "the assignees' own visits come first");
    let far = member.get(&format!("/liaison/{}/visits?on_date={}", site.id, today() - chrono::Duration::days(31))).await;
    assert!(!far.text.contains(&format!(r#"value="{visit_id}""#)), "and not a month away");
    let res = member.post_form(&path, &[("on_date", &today().to_string()), ("member_ids", &me), ("note", "参加主题党日，听取党员意见"), ("visit_id", &visit_id)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let saved = contact::Entity::find().filter(contact::Column::TargetId.eq(site.id)).filter(contact::Column::OnDate.eq(today())).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(saved.visit_id, Some(visit_id.parse().unwrap()));
    let went: Vec<i64> = contact_member::Entity::find().filter(contact_member::Column::ContactId.eq(saved.id)).all(&app.state.db).await.unwrap().iter().map(|m| m.member_id).collect();
    assert_eq!(went, vec![me.parse::<i64>().unwrap()]);
    let page = member.get(&format!("/liaison/{}", site.id)).await.text;
    let log = &page[page.find(r#"id="contacts""#).unwrap()..];
    assert!(log.find("参加主题党日").unwrap() < log.find("2022-").unwrap(), "newest first");
    assert!(page[page.find(r#"id="linked-visits""#).unwrap()..].contains(&format!(r#"href="/visits/{visit_id}""#)), "the visit is listed");

    // Staff log for anyone; a closed log takes nothing more.
    assert_eq!(staff.post_form(&path, &[("on_date", "2022-04-10"), ("member_ids", &other), ("note", "协调活动经费")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("liaison_contacts").await, contacts + 2);
    staff.post_form(&format!("/liaison/{}/status", site.id), &[("action", "close")]).await;
    let res = staff.post_form(&path, &[("on_date", "2022-04-11"), ("member_ids", &other), ("note", "协调活动经费")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("已结束联系"));
    assert!(!member.get(&format!("/liaison/{}", site.id)).await.text.contains(r#"id="add-contact""#));
    assert_eq!(app.count("liaison_contacts").await, contacts + 2);
}

#[tokio::test]
async fn the_list_counts_each_kind_filters_and_puts_a_members_own_first() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let page = staff.get("/liaison").await.text;
    let tabs = &page[page.find(r#"id="liaison-kinds""#).unwrap()..];
    let tabs = &tabs[..tabs.find("</nav>").unwrap()];
    for (label, n) in [("全部", 10), ("党建示范点", 3), ("重点项目", 3), ("重要信访案件", 4)] {
        assert!(tabs.contains(&format!("{label} <strong>{n}</strong>")), "{label} {n}");
    }
    assert_eq!(rows_in(&page, "liaison-mine").len(), 0, "staff have no targets of their own");
    assert_eq!(rows_in(&staff.get("/liaison?kind=petition_case").await.text, "liaison-all").len(), 4);
    let resolved = staff.get("/liaison?kind=petition_case&status=resolved").await.text;
    assert_eq!(rows_in(&resolved, "liaison-all"), vec![target_named(&app, "某小区房产证办理遗留问题信访案件").await.id]);
    let town = place_id(&app, "昭山镇").await;
    assert_eq!(rows_in(&staff.get(&format!("/liaison?place={town}")).await.text, "liaison-all").len(), 2, "昭山镇 and 楠木村 below it");
    let bad = staff.get("/liaison?kind=shop").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.text.contains("请选择有效的选项") && rows_in(&bad.text, "liaison-all").len() == 10, "a bad filter is named and left out");

    let me = member_of(&app, "member").await;
    let mine: Vec<i64> = assignee::Entity::find().filter(assignee::Column::MemberId.eq(me)).all(&app.state.db).await.unwrap().iter().map(|a| a.target_id).collect();
    let page = app.login("member").await.get("/liaison").await.text;
    let mut shown = rows_in(&page, "liaison-mine");
    shown.sort_unstable();
    assert_eq!(shown, mine);
    assert!(page.find(r#"id="liaison-mine""#).unwrap() < page.find(r#"id="liaison-all""#).unwrap(), "before the whole list");
    assert_eq!(rows_in(&staff.get(&format!("/liaison?member={me}")).await.text, "liaison-all").len(), mine.len());
}

#[tokio::test]
async fn the_api_lists_filters_shows_and_logs_contacts() {
    let app = TestApp::demo().await;
    let c = app.client();
    let (staff, member) = (app.token("staff").await, app.token("member").await);
    let cases = c.get_bearer("/api/v1/liaison?kind=petition_case", &member).await.json();
    assert_eq!(cases["total"], 4);
    assert!(cases["items"].as_array().unwrap().iter().all(|t| t["kind"] == "petition_case" && !t["assignee_ids"].as_array().unwrap().is_empty()));
    let resolved = c.get_bearer("/api/v1/liaison?status=resolved", &staff).await.json();
    assert_eq!((resolved["total"].as_u64(), resolved["items"][0]["ended_on"].as_str()), (Some(1), Some("2022-04-08")));
    let me = member_of(&app, "member").await;
    let mine = c.get_bearer(&format!("/api/v1/liaison?member={me}"), &staff).await.json();
    assert!(mine["total"].as_u64().unwrap() >= 2);
    assert!(mine["items"].as_array().unwrap().iter().all(|t| t["assignee_ids"].as_array().unwrap().contains(&me.into())));
    let village = place_id(&app, "楠木村").await;
    assert_eq!(c.get_bearer(&format!("/api/v1/liaison?place={village}"), &staff).await.json()["items"][0]["name"], "楠木村“党建+产业”示范点");
    for bad in ["kind=shop", "status=done", "place=abc", "per_page=0"] {
        assert_eq!(c.get_bearer(&format!("/api/v1/liaison?{bad}"), &staff).await.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    let site = target_named(&app, PAJIN).await;
    let one = c.get_bearer(&format!("/api/v1/liaison/{}", site.id), &member).await.json();
    assert_eq!((one["name"].as_str(), one["kind"].as_str(), one["status"].as_str()), (Some(PAJIN), Some("party_site"), Some("active")));
    let log = one["contact_log"].as_array().unwrap();
    assert_eq!(one["contacts"].as_u64(), Some(log.len() as u64));
    assert!(log.windows(2).all(|w| w[0]["on_date"].as_str() >= w[1]["on_date"].as_str()), "newest first");
    assert!(log.iter().any(|x| x["visit_id"].is_i64()), "visits are linked");

    let path = format!("/api/v1/liaison/{}/contacts", site.id);
    let body = format!(r#"{{"on_date":"2022-04-12","member_ids":[{me}],"note":"回访社区党组织"}}"#);
    let res = c.post_json(&path, &body, Some(&member)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!((res.json()["member_ids"][0].as_i64(), res.json()["visit_id"].is_null()), (Some(me), true));
    assert_eq!(c.post_json(&path, &body, Some(&app.token("member2").await)).await.status, StatusCode::FORBIDDEN, "not assigned");
    let res = c.post_json(&path, r#"{"on_date":"2022-04-12","member_ids":[],"note":""}"#, Some(&staff)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["fields"][0]["field"], "member_ids");
    assert_eq!(c.get_bearer("/api/v1/liaison", &app.token("unit").await).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get_bearer("/api/v1/liaison/999999", &staff).await.status, StatusCode::NOT_FOUND);
    let doc = c.get("/api/openapi.json").await.json();
    for p in ["/api/v1/liaison", "/api/v1/liaison/{id}", "/api/v1/liaison/{id}/contacts"] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
}

#[tokio::test]
async fn the_demo_links_leaders_to_all_three_kinds_with_their_liaison_visits() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let targets = target::Entity::find().all(db).await.unwrap();
    let count = |k: &str| targets.iter().filter(|t| t.kind == k).count();
    assert_eq!((count("party_site"), count("key_project"), count("petition_case")), (3, 3, 4));
    assert_eq!(targets.iter().filter(|t| t.status == "resolved").count(), 1);
    let leaders: Vec<i64> = members::member::Entity::find().filter(members::member::Column::Position.is_in(["chair", "vice_chair", "secretary_general"])).all(db).await.unwrap().iter().map(|m| m.id).collect();
    for t in &targets {
        let who: Vec<i64> = assignee::Entity::find().filter(assignee::Column::TargetId.eq(t.id)).all(db).await.unwrap().iter().map(|a| a.member_id).collect();
        assert!(who.iter().any(|m| leaders.contains(m)) && who.len() >= 2, "{}: a leader and members", t.name);
    }
    let log = contact::Entity::find().all(db).await.unwrap();
    let (first, last) = (NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2022, 4, 30).unwrap());
    assert!(log.len() >= 30 && log.iter().all(|c| (first..=last).contains(&c.on_date)), "a log from January to April 2022");
    let linked: Vec<&contact::Model> = log.iter().filter(|c| c.visit_id.is_some()).collect();
    assert!(linked.len() >= 20);
    for c in linked {
        let v = visit::Entity::find_by_id(c.visit_id.unwrap()).one(db).await.unwrap().unwrap();
        let went: Vec<i64> = visitor::Entity::find().filter(visitor::Column::VisitId.eq(v.id)).all(db).await.unwrap().iter().map(|x| x.member_id).collect();
        let members: Vec<i64> = contact_member::Entity::find().filter(contact_member::Column::ContactId.eq(c.id)).all(db).await.unwrap().iter().map(|x| x.member_id).collect();
        assert_eq!((v.kind.as_str(), v.on_date), ("liaison", c.on_date), "a liaison visit on the contact's day");
        assert!(went.iter().all(|m| members.contains(m)), "whoever went on the visit is in the contact");
    }
}

#[tokio::test]
async fn the_member_file_lists_the_members_targets_and_projects() {
    let app = TestApp::demo().await;
    let me = member_of(&app, "member").await;
    let mine: Vec<target::Model> = {
        let ids: Vec<i64> = assignee::Entity::find().filter(assignee::Column::MemberId.eq(me)).all(&app.state.db).await.unwrap().iter().map(|a| a.target_id).collect();
        target::Entity::find().filter(target::Column::Id.is_in(ids)).all(&app.state.db).await.unwrap()
    };
    use xieshang::projects::store::{introducer, project};
    let pids: Vec<i64> = introducer::Entity::find().filter(introducer::Column::MemberId.eq(me)).all(&app.state.db).await.unwrap().iter().map(|i| i.project_id).collect();
    let projects = project::Entity::find().filter(project::Column::Id.is_in(pids)).all(&app.state.db).await.unwrap();
    assert!(!projects.is_empty(), "the demo member introduced a project");
    assert!(!mine.is_empty(), "the demo member is assigned to a target");
    let file = app.login("staff").await.get(&format!("/members/{me}")).await.text;
    for t in &mine {
        assert!(file.contains(&format!(r#"<a href="/liaison/{}">{}</a>"#, t.id, t.name)), "{}", t.name);
    }
    for p in &projects {
        assert!(file.contains(&format!(r#"<a href="/projects/{}">{}</a>"#, p.id, p.name)), "{}", p.name);
    }
    let others = target::Entity::find().filter(target::Column::Id.is_not_in(mine.iter().map(|t| t.id))).all(&app.state.db).await.unwrap();
    assert!(others.iter().all(|t| !file.contains(&format!(r#"href="/liaison/{}""#, t.id))), "only the member's own targets");
}
