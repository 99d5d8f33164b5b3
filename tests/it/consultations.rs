//! Consultations (协商): a topic through preparation, the meeting and its minutes to outcomes a
//! unit carries out and staff settle, the plan rule for 请你来协商, what each role sees, the
//! report as .docx, the API, and the demo's figures counted from its records.
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use xieshang::consultations::store::{self, consultation, outcome};

use crate::harness::{Client, TestApp};
use crate::proposal_pages::{READ_DOCX, python};

async fn committee_id(app: &TestApp) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id
}

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

async fn find(app: &TestApp, id: i64) -> store::Consultation {
    store::find(&app.state.db, committee_id(app).await, id).await.unwrap().unwrap()
}

async fn unit_of(app: &TestApp, username: &str) -> i64 {
    xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap().unit_id.unwrap()
}

/// Posts a form and expects the redirect back to the consultation.
async fn ok(c: &Client, path: &str, fields: &[(&str, &str)]) {
    let res = c.post_form(path, fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{path} {fields:?}: {}", &res.text[..res.text.len().min(3000)]);
}

/// Posts a form and expects it refused with the field named.
async fn refused(c: &Client, path: &str, fields: &[(&str, &str)], field_text: &str) {
    let res = c.post_form(path, fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {fields:?}");
    assert!(res.text.contains(field_text), "{path}: expected “{field_text}”");
}

#[tokio::test]
async fn a_grassroots_topic_goes_from_proposal_to_a_settled_outcome() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let res = staff.post_form("/consultations", &[("kind", "grassroots"), ("source", "public"), ("title", "书院路社区增设公共充电桩"), ("topic", "居民反映电动车充电难，飞线充电有隐患"), ("suggested_by", "书院路社区居民")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = id_from(res.location());
    let base = format!("/consultations/{id}");
    assert_eq!(find(&app, id).await.state, "proposed");

    // A grassroots consultation needs no plan: straight to preparing.
    let meeting = today() + Duration::days(30);
    ok(&staff, &format!("{base}/step"), &[("step", "prepare"), ("meeting_on", &meeting.to_string()), ("format", "院坝协商会")]).await;
    let members: Vec<i64> = xieshang::org::members::all(&app.state.db, committee_id(&app).await, &Default::default()).await.unwrap().iter().take(3).map(|m| m.id).collect();
    let unit = unit_of(&app, "unit").await;
    let mut fields: Vec<(&str, String)> = members.iter().map(|m| ("member_ids", m.to_string())).collect();
    fields.push(("unit_ids", unit.to_string()));
    fields.push(("citizens", "居民代表甲\n居民代表乙".into()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ok(&staff, &format!("{base}/participants"), &borrowed).await;
    assert_eq!(store::participants(&app.state.db, id).await.unwrap().len(), 6);
    ok(&staff, &format!("{base}/notices"), &[("which", "participants"), ("on", &today().to_string())]).await;
    let c = find(&app, id).await;
    assert_eq!(c.notice_sent_on, Some(today()));
    let page = staff.get(&base).await.text;
    assert!(page.contains("通知参加人员（提前15个工作日）") && page.contains("按时"), "the notice is checked against its deadline");

    // Held (dated today: it cannot be in the future), attendance, minutes.
    refused(&staff, &format!("{base}/step"), &[("step", "hold"), ("held_on", &(today() + Duration::days(1)).to_string())], "日期不能晚于今天").await;
    ok(&staff, &format!("{base}/step"), &[("step", "hold"), ("held_on", &today().to_string())]).await;
    let people = store::participants(&app.state.db, id).await.unwrap();
    let marks: Vec<(String, &str)> = people.iter().enumerate().map(|(i, p)| (format!("att_{}", p.id), if i == 0 { "absent" } else { "present" })).collect();
    let borrowed: Vec<(&str, &str)> = marks.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    ok(&staff, &format!("{base}/attendance"), &borrowed).await;
    let present = store::participants(&app.state.db, id).await.unwrap().iter().filter(|p| p.attendance == "present").count();
    assert_eq!(present, 5);
    ok(&staff, &format!("{base}/minutes"), &[("briefing", "社区通报情况"), ("questions", "委员提问"), ("answers", "")]).await;
    refused(&staff, &format!("{base}/step"), &[("step", "issue_minutes")], "纪要须写明").await;
    ok(&staff, &format!("{base}/minutes"), &[("briefing", "社区通报情况"), ("questions", "委员提问"), ("answers", "部门答复"), ("statements", "协商一致")]).await;
    ok(&staff, &format!("{base}/step"), &[("step", "issue_minutes")]).await;
    assert_eq!(find(&app, id).await.minutes_issued_on, Some(today()));

    // An outcome handed to the unit, which carries it out; staff settle it; then it closes.
    refused(&staff, &format!("{base}/outcomes"), &[("action", "建设充电桩"), ("unit_id", &unit.to_string()), ("deadline", "2000-01-01")], "时限不能早于今天").await;
    let deadline = (today() + Duration::days(60)).to_string();
    ok(&staff, &format!("{base}/outcomes"), &[("action", "在小区内建设集中充电桩"), ("unit_id", &unit.to_string()), ("deadline", &deadline)]).await;
    let o = store::outcomes(&app.state.db, id).await.unwrap().remove(0);
    refused(&staff, &format!("{base}/step"), &[("step", "close")], "尚有协商成果未办结").await;
    let unit_client = app.login("unit").await;
    assert!(unit_client.get("/consultations").await.text.contains("书院路社区增设公共充电桩"), "the unit sees the consultation that handed it work");
    let res = unit_client.post_form(&format!("{base}/outcomes/{}", o.id), &[("op", "check"), ("satisfaction", "satisfied")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a unit cannot settle its own work");
    ok(&unit_client, &format!("{base}/outcomes/{}", o.id), &[("op", "start"), ("text", "已选址")]).await;
    refused(&unit_client, &format!("{base}/outcomes/{}", o.id), &[("op", "fail")], "此项为必填项").await;
    ok(&unit_client, &format!("{base}/outcomes/{}", o.id), &[("op", "complete"), ("text", "充电桩已投入使用")]).await;
    ok(&staff, &format!("{base}/outcomes/{}", o.id), &[("op", "check"), ("satisfaction", "satisfied")]).await;
    let settled = outcome::Entity::find_by_id(o.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((settled.state.as_str(), settled.satisfaction.as_deref(), settled.done_on), ("closed", Some("satisfied"), Some(today())));
    ok(&staff, &format!("{base}/step"), &[("step", "close")]).await;
    assert_eq!(find(&app, id).await.state, "closed");

    // The history names each step; the report opens in a real reader.
    let page = staff.get(&base).await.text;
    for step in ["提出议题", "开始筹备", "通知参加人员", "召开协商会", "印发协商纪要", "协商成果全部办结"] {
        assert!(page.contains(step), "timeline shows {step}");
    }
    let (status, bytes) = staff.get_bytes(&format!("{base}/report.docx")).await;
    assert_eq!(status, StatusCode::OK);
    let text = python(READ_DOCX, &bytes, "docx");
    assert!(text.contains("协商专报") && text.contains("书院路社区增设公共充电桩") && text.contains("在小区内建设集中充电桩（承办：区住房和城乡建设局"), "{text}");
    assert!(text.contains("出席委员2名、职能部门1个、群众代表2名"), "attendance is counted: {text}");
    assert_eq!(unit_client.get_bytes(&format!("{base}/report.docx")).await.0, StatusCode::NOT_FOUND, "the report is the committee's");
}

#[tokio::test]
async fn a_please_come_and_consult_topic_waits_for_the_leader_to_approve_the_plan() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let res = staff.post_form("/consultations", &[("kind", "invited"), ("source", "party_government"), ("title", "优化营商环境"), ("topic", "请区政府负责同志听取委员意见")]).await;
    let id = id_from(res.location());
    let base = format!("/consultations/{id}");
    refused(&staff, &format!("{base}/step"), &[("step", "prepare"), ("meeting_on", "2031-05-01")], "请你来协商和专题协商须列入已审定的计划").await;
    ok(&staff, &format!("{base}/step"), &[("step", "plan"), ("year", "2031")]).await;
    refused(&staff, &format!("{base}/step"), &[("step", "prepare"), ("meeting_on", "2031-05-01")], "尚未经领导审定").await;

    let leader = app.login("leader").await;
    assert_eq!(leader.post_form("/consultations/plan", &[("year", "2031"), ("op", "submit")]).await.status, StatusCode::FORBIDDEN, "staff submit");
    assert_eq!(staff.post_form("/consultations/plan", &[("year", "2031"), ("op", "approve")]).await.status, StatusCode::FORBIDDEN, "a leader approves");
    assert_eq!(staff.post_form("/consultations/plan", &[("year", "2031"), ("op", "submit")]).await.status, StatusCode::SEE_OTHER);
    let returned = leader.post_form("/consultations/plan", &[("year", "2031"), ("op", "return")]).await;
    assert_eq!(returned.status, StatusCode::UNPROCESSABLE_ENTITY, "a return needs a note");
    assert!(returned.text.contains("此项为必填项"));
    assert_eq!(leader.post_form("/consultations/plan", &[("year", "2031"), ("op", "approve"), ("note", "同意")]).await.status, StatusCode::SEE_OTHER);
    let plan_page = leader.get("/consultations/plan?year=2031").await.text;
    assert!(plan_page.contains("已审定") && plan_page.contains("优化营商环境"));
    ok(&staff, &format!("{base}/step"), &[("step", "prepare"), ("meeting_on", "2031-05-01")]).await;
    assert_eq!(find(&app, id).await.state, "preparing");
}

#[tokio::test]
async fn members_recommend_topics_and_each_role_sees_its_part() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let res = member.post_form("/consultations", &[("kind", "micro"), ("source", "party_government"), ("title", "小区垃圾分类亭选址"), ("topic", "居民对选址有不同意见")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let c = find(&app, id_from(res.location())).await;
    assert_eq!((c.source.as_str(), c.suggester_member_id.is_some()), ("member", true), "a member's topic is 委员荐题, whatever the form says");
    assert_eq!(member.post_form(&format!("/consultations/{}/step", c.id), &[("step", "decline"), ("reason", "x")]).await.status, StatusCode::FORBIDDEN);
    let bad = member.post_form("/consultations", &[("kind", "plenary"), ("title", ""), ("topic", "")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let count = consultation::Entity::find().count(&app.state.db).await.unwrap();
    assert!(bad.text.contains("请选择有效的选项") && bad.text.contains("此项为必填项"));
    assert_eq!(consultation::Entity::find().count(&app.state.db).await.unwrap(), count, "nothing saved");

    // A unit sees only the consultations that handed it an outcome.
    let unit = unit_of(&app, "unit2").await;
    let theirs: Vec<i64> = outcome::Entity::find().filter(outcome::Column::UnitId.eq(unit)).all(&app.state.db).await.unwrap().iter().map(|o| o.consultation_id).collect();
    let other = consultation::Entity::find().filter(consultation::Column::Id.is_not_in(theirs.clone())).one(&app.state.db).await.unwrap().unwrap();
    let unit_client = app.login("unit2").await;
    assert_eq!(unit_client.get(&format!("/consultations/{}", other.id)).await.status, StatusCode::NOT_FOUND);
    let t = app.token("unit2").await;
    let body = app.client().get_bearer("/api/v1/consultations?per_page=100", &t).await.json();
    let mut seen: Vec<i64> = body["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    seen.sort();
    let mut expected = theirs.clone();
    expected.sort();
    expected.dedup();
    assert_eq!(seen, expected);
    assert!(body["items"].as_array().unwrap().iter().all(|i| i["outcomes"].as_array().unwrap().iter().all(|o| o["unit_id"] == unit)), "only its own outcomes");
}

#[tokio::test]
async fn the_demo_holds_the_articles_consultations_and_the_api_filters_them() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let cid = committee_id(&app).await;
    let (from, to) = (NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2022, 4, 19).unwrap());
    let held = store::held_between(db, cid, from, to).await.unwrap();
    assert!(held >= 33, "33+ consultations in under four months, got {held}");
    let grassroots = consultation::Entity::find()
        .filter(consultation::Column::CommitteeId.eq(cid))
        .filter(consultation::Column::HeldOn.between(from, to))
        .filter(consultation::Column::Kind.is_in(["grassroots", "micro"]))
        .all(db)
        .await
        .unwrap();
    assert!(grassroots.len() >= 33 && grassroots.iter().all(|c| xieshang::consultations::model::minutes_complete(c.minutes())), "grassroots, all minuted");
    for title in ["葩金社区文体设施不足", "友谊小学门前增设减速带"] {
        let c = grassroots.iter().find(|c| c.title == title).unwrap_or_else(|| panic!("{title}"));
        let os = store::outcomes(db, c.id).await.unwrap();
        assert!(!os.is_empty() && os.iter().all(|o| o.state == "closed"), "{title} is done");
    }
    let open = outcome::Entity::find().filter(outcome::Column::State.is_in(["assigned", "in_progress", "done"])).count(db).await.unwrap();
    assert!(open > 0, "some outcomes are still open");
    // One consultation being prepared with an online deliberation of realistic size.
    let jiangbin = consultation::Entity::find().filter(consultation::Column::Title.eq("江滨社区停车位规划与收费")).one(db).await.unwrap().unwrap();
    assert!(jiangbin.deliberation_open && jiangbin.state == "preparing");
    let statements = store::statement::Entity::find().filter(store::statement::Column::ConsultationId.eq(jiangbin.id)).count(db).await.unwrap();
    let voters: Vec<String> = store::vote::Entity::find().filter(store::vote::Column::ConsultationId.eq(jiangbin.id)).select_only().column(store::vote::Column::VoterKey).distinct().into_tuple().all(db).await.unwrap();
    assert!(statements >= 30 && voters.len() >= 200, "{statements} statements, {} voters", voters.len());

    let t = app.token("staff").await;
    let c = app.client();
    let all = c.get_bearer("/api/v1/consultations?from=2022-01-01&to=2022-04-19&kind=grassroots&per_page=1", &t).await.json();
    let expected = consultation::Entity::find()
        .filter(consultation::Column::CommitteeId.eq(cid))
        .filter(consultation::Column::MeetingOn.between(from, to))
        .filter(consultation::Column::Kind.eq("grassroots"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(all["total"].as_u64(), Some(expected));
    let closed = c.get_bearer("/api/v1/consultations?status=closed&per_page=100", &t).await.json();
    assert!(closed["items"].as_array().unwrap().iter().all(|i| i["state"] == "closed" && !i["outcomes"].as_array().unwrap().is_empty()));
    let bad = c.get_bearer("/api/v1/consultations?kind=plenary&status=gone", &t).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.login("staff").await.get("/consultations?kind=grassroots&from=2022-01-01&to=2022-04-19").await.text;
    assert!(list.contains(&format!("<strong>{expected}</strong>")), "the page's total is the API's");
}

#[tokio::test]
async fn a_citizen_suggests_a_topic_which_staff_see_with_the_phone() {
    let app = TestApp::demo().await;
    let public = app.client();
    let form = public.get("/c/yuetang/consultations/suggest").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("我为协商出题"));
    let before = consultation::Entity::find().count(&app.state.db).await.unwrap();
    let bad = public.post_form("/c/yuetang/consultations/suggest", &[("title", "路灯"), ("topic", "坏了"), ("phone", "123")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("议题至少4个字") && bad.text.contains("请至少写10个字说明情况"));
    let robot = public.post_form("/c/yuetang/consultations/suggest", &[("title", "小区路灯不亮"), ("topic", "楼栋之间的路灯坏了两个月，晚上出行不便。"), ("phone", "13812345678"), ("website", "http://spam")]).await;
    assert_eq!(robot.status, StatusCode::BAD_REQUEST);
    assert_eq!(consultation::Entity::find().count(&app.state.db).await.unwrap(), before, "nothing saved");

    let res = public.post_form("/c/yuetang/consultations/suggest", &[("title", "小区路灯不亮"), ("topic", "楼栋之间的路灯坏了两个月，晚上出行不便。"), ("phone", "138-1234-5678"), ("name", "张先生")]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains("感谢您的建议"));
    let c = consultation::Entity::find().filter(consultation::Column::Title.eq("小区路灯不亮")).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((c.source.as_str(), c.kind.as_str(), c.state.as_str(), c.suggester_phone.as_str()), ("public", "grassroots", "proposed", "13812345678"));
    assert!(app.login("staff").await.get(&format!("/consultations/{}", c.id)).await.text.contains("13812345678"), "staff call back");
    assert!(!app.login("member").await.get(&format!("/consultations/{}", c.id)).await.text.contains("13812345678"), "members do not see the phone");
}

#[tokio::test]
async fn visits_and_research_reports_are_linked_as_preparatory_research() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let staff = app.login("staff").await;
    let c = consultation::Entity::find().filter(consultation::Column::Title.eq("江滨社区停车位规划与收费")).one(db).await.unwrap().unwrap();
    let visit = xieshang::visits::store::visit::Entity::find().one(db).await.unwrap().unwrap();
    let report = xieshang::research::store::report::Entity::find().one(db).await.unwrap().unwrap();
    let base = format!("/consultations/{}", c.id);
    ok(&staff, &format!("{base}/links"), &[("item_type", "visit"), ("item_id", &visit.id.to_string())]).await;
    ok(&staff, &format!("{base}/links"), &[("item_type", "research_report"), ("item_id", &report.id.to_string())]).await;
    ok(&staff, &format!("{base}/links"), &[("item_type", "visit"), ("item_id", &visit.id.to_string())]).await;
    refused(&staff, &format!("{base}/links"), &[("item_type", "research_report"), ("item_id", "999999")], "请选择有效的选项").await;
    assert_eq!(store::links(db, c.id).await.unwrap().len(), 2, "linking twice keeps one link");
    let page = staff.get(&base).await.text;
    assert!(page.contains(&format!(r#"href="/visits/{}""#, visit.id)) && page.contains(&format!(r#"href="/research-reports/{}""#, report.id)));
}
