//! Citizen demands: the public form, the status page, and the loop staff → unit → staff →
//! citizen, with re-handling after an unsatisfied rating.
use axum::http::StatusCode;

use crate::harness::{Client, TestApp};

fn tracking_code(page: &str) -> String {
    let start = page.find("id=\"tracking-code\">").expect("code shown") + "id=\"tracking-code\">".len();
    page[start..start + 8].to_string()
}

async fn submit(c: &Client, phone: &str, description: &str) -> crate::harness::Response {
    c.post_form_data(
        "/c/yuetang/demands",
        &[("name", "李群众"), ("phone", phone), ("kind", "problem"), ("category", "交通出行"), ("description", description), ("website", "")],
    )
    .await
}

async fn demand_id(app: &TestApp, code: &str) -> i64 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use xieshang::demands::store::demand;
    demand::Entity::find().filter(demand::Column::Code.eq(code)).one(&app.state.db).await.unwrap().unwrap().id
}

#[tokio::test]
async fn the_public_form_validates_and_gives_a_tracking_code() {
    let app = TestApp::demo().await;
    let citizen = app.client();
    let form = citizen.get("/c/yuetang/demands/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("向政协委员反映问题") && form.text.contains("江滨社区"));
    assert_eq!(citizen.get("/c/nowhere/demands/new").await.status, StatusCode::NOT_FOUND);
    let before = app.count("demands").await;

    let bad = submit(&citizen, "12345", "短").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("手机号码格式不正确") && bad.text.contains("5至2000字"));
    let bot = citizen
        .post_form_data("/c/yuetang/demands", &[("name", "机器人"), ("phone", "13900000000"), ("kind", "problem"), ("category", "其他"), ("description", "广告广告广告"), ("website", "http://spam")])
        .await;
    assert_eq!(bot.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("demands").await, before, "nothing written");

    let ok = submit(&citizen, "139 0000 1234", "友谊小学门口车速太快，建议增设减速带").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let code = tracking_code(&ok.text);
    let wrong = citizen.post_form("/c/yuetang/track", &[("tracking_code", &code), ("last4", "9999")]).await;
    assert!(wrong.text.contains("未找到"));
    let right = citizen.post_form("/c/yuetang/track", &[("tracking_code", &code.to_lowercase()), ("last4", "1234")]).await;
    assert!(right.text.contains("待分办") && right.text.contains("减速带"), "{}", right.text);
    assert!(!right.text.contains("13900001234"), "the phone is never shown publicly");
}

#[tokio::test]
async fn the_loop_from_citizen_to_unit_and_back_with_rehandling() {
    let app = TestApp::demo().await;
    let citizen = app.client();
    let code = tracking_code(&submit(&citizen, "13900001234", "葩金社区缺少文体设施，希望增加健身器材").await.text);
    let id = demand_id(&app, &code).await;
    let staff = app.login("staff").await;
    let unit = app.login("unit").await;
    let unit_user = xieshang::org::store::find_user_by_username(&app.state.db, "unit").await.unwrap().unwrap();
    let unit_id = unit_user.unit_id.unwrap().to_string();

    assert!(staff.get("/demands").await.text.contains(&code));
    assert!(!unit.get("/demands").await.text.contains(&code), "a unit sees only what it was given");
    assert_eq!(unit.get(&format!("/demands/{id}")).await.status, StatusCode::NOT_FOUND);
    let member = app.login("member").await.get("/demands").await;
    assert_eq!(member.status, StatusCode::OK);
    assert!(!member.text.contains(&code), "a member sees only the demands of the studios it serves");

    // The unit cannot act before it is assigned, and staff actions need a reason where due.
    let res = staff.post_form(&format!("/demands/{id}/act"), &[("action", "reject"), ("text", "")]).await;
    assert!(res.text.contains("此项为必填项"));
    let res = staff.post_form(&format!("/demands/{id}/act"), &[("action", "assign"), ("unit_id", &unit_id), ("deadline", "")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = unit.get(&format!("/demands/{id}")).await.text;
    assert!(page.contains("办理中") && page.contains("13900001234"), "the assigned unit sees the phone");
    let res = unit.post_form(&format!("/demands/{id}/act"), &[("action", "confirm_resolved")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "a unit cannot confirm");
    unit.post_form(&format!("/demands/{id}/act"), &[("action", "answer"), ("text", "已协调安装健身器材一批")]).await;
    let res = staff.post_form(&format!("/demands/{id}/act"), &[("action", "confirm_resolved")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // Unsatisfied: back to the unit.
    let rated = citizen.post_form("/c/yuetang/track", &[("tracking_code", &code), ("last4", "1234"), ("satisfaction", "unsatisfied")]).await;
    assert!(rated.text.contains("办理中"), "{}", rated.text);
    unit.post_form(&format!("/demands/{id}/act"), &[("action", "answer"), ("text", "已补充安装乒乓球台")]).await;
    staff.post_form(&format!("/demands/{id}/act"), &[("action", "confirm_resolved")]).await;
    let status = citizen.post_form("/c/yuetang/track", &[("tracking_code", &code), ("last4", "1234")]).await.text;
    assert!(status.contains("已解决") && status.contains("乒乓球台") && status.contains("rate-form"));
    let done = citizen.post_form("/c/yuetang/track", &[("tracking_code", &code), ("last4", "1234"), ("satisfaction", "satisfied")]).await.text;
    assert!(done.contains("已回访") && !done.contains("rate-form"));

    let detail = staff.get(&format!("/demands/{id}")).await.text;
    for step in ["登记", "交办", "承办单位答复", "确认解决", "回访评价：不满意", "回访评价：满意"] {
        assert!(detail.contains(step), "timeline has {step}");
    }
    let res = staff.post_form(&format!("/demands/{id}/act"), &[("action", "assign"), ("unit_id", &unit_id)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("当前状态下不能进行此操作"), "the state machine refuses");
    let audit = app.login("auditor").await.get("/audit?object=demand").await.text;
    assert!(audit.contains("交办") && audit.contains("评价"));
}

#[tokio::test]
async fn overdue_demands_are_highlighted() {
    let app = TestApp::demo().await;
    let code = tracking_code(&submit(&app.client(), "13900005678", "向阳社区路灯损坏多日无人维修").await.text);
    let id = demand_id(&app, &code).await;
    let staff = app.login("staff").await;
    let unit_id = xieshang::org::store::find_user_by_username(&app.state.db, "unit").await.unwrap().unwrap().unit_id.unwrap().to_string();
    staff.post_form(&format!("/demands/{id}/act"), &[("action", "assign"), ("unit_id", &unit_id), ("deadline", "2022-03-01")]).await;
    let list = staff.get("/demands").await.text;
    assert!(list.contains("class=\"overdue\"") && list.contains("已超期"));
}

#[tokio::test]
async fn the_api_lists_demands_by_role_and_the_public_list_shows_no_personal_data() {
    let app = TestApp::demo().await;
    let citizen = app.client();
    let first = tracking_code(&submit(&citizen, "13900001111", "五里堆街道江滨社区门口积水严重").await.text);
    tracking_code(&submit(&citizen, "13900002222", "建议在向阳社区增设老年活动室").await.text);
    let id = demand_id(&app, &first).await;
    let staff = app.login("staff").await;
    staff.post_form(&format!("/demands/{id}/act"), &[("action", "answer_on_spot"), ("text", "已联系社区当场疏通")]).await;

    let api = app.client();
    let t = app.token("staff").await;
    // Today's demands only: the demo's are from 2022.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let all = api.get_bearer(&format!("/api/v1/demands?from={today}"), &t).await.json();
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][1]["citizen_phone"], "13900001111");
    assert_eq!(api.get_bearer(&format!("/api/v1/demands?status=resolved&from={today}"), &t).await.json()["total"], 1);
    assert_eq!(api.get_bearer(&format!("/api/v1/demands?channel=online&kind=problem&from={today}"), &t).await.json()["total"], 2);
    assert_eq!(api.get_bearer("/api/v1/demands?from=2000-01-01&to=2000-12-31", &t).await.json()["total"], 0);
    let bad = api.get_bearer("/api/v1/demands?status=lost", &t).await;
    assert_eq!((bad.status, bad.json()["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")));
    let leader = api.get_bearer(&format!("/api/v1/demands/{id}"), &app.token("leader").await).await.json();
    assert_eq!(leader["citizen_phone"], "139****1111", "leaders read, without the phone");
    let unit = api.get_bearer(&format!("/api/v1/demands?from={today}"), &app.token("unit").await).await.json();
    assert_eq!(unit["total"], 0, "nothing new has been assigned to the unit");

    let public = app.client().get("/c/yuetang/demands/resolved").await.text;
    assert!(public.contains("交通出行") && public.contains("当场解决"));
    assert!(!public.contains("李群众") && !public.contains("1111") && !public.contains("积水"), "no names, phones or texts");
}

#[tokio::test]
async fn staff_register_concerns_from_other_channels() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    assert!(staff.get("/demands/new").await.text.contains("委员工作室接待"));
    let fields = |channel: &'static str| {
        vec![("channel", channel), ("name", "王大爷"), ("phone", "13900007777"), ("kind", "suggestion"), ("category", "社区服务"), ("description", "建议社区增设老年食堂")]
    };
    let before = app.count("demands").await;
    let bad = staff.post_form_data("/demands", &fields("carrier-pigeon")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("demands").await, before);
    let res = staff.post_form_data("/demands", &fields("hotline")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let t = app.token("staff").await;
    let list = app.client().get_bearer("/api/v1/demands?channel=hotline&kind=suggestion&status=registered", &t).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(app.login("leader").await.get("/demands/new").await.status, StatusCode::FORBIDDEN);
}

/// The figure shown above `label` on a home page's counts.
fn count_on(page: &str, label: &str) -> u64 {
    let end = page.find(&format!("</strong><span>{label}</span>")).unwrap_or_else(|| panic!("{label} shown"));
    let start = page[..end].rfind("<strong>").unwrap() + "<strong>".len();
    page[start..end].parse().unwrap()
}

#[tokio::test]
async fn the_home_page_shows_the_work_waiting() {
    let app = TestApp::demo().await;
    let citizen = app.client();
    let staff = app.login("staff").await;
    let unit = app.login("unit").await;
    let unit_before = count_on(&unit.get("/").await.text, "办理中");
    for text in ["路灯坏了很久，请尽快修理", "小区门口垃圾无人清运"] {
        submit(&citizen, "13900003333", text).await;
    }
    let home = staff.get("/").await.text;
    assert!(home.contains("群众诉求待办"));
    assert_eq!(count_on(&home, "待分办"), 2, "the demo's concerns have all been triaged");
    let code = tracking_code(&submit(&citizen, "13900003334", "公交站台缺少遮雨棚").await.text);
    let id = demand_id(&app, &code).await;
    let unit_id = xieshang::org::store::find_user_by_username(&app.state.db, "unit").await.unwrap().unwrap().unit_id.unwrap().to_string();
    staff.post_form(&format!("/demands/{id}/act"), &[("action", "assign"), ("unit_id", &unit_id), ("deadline", "2022-03-01")]).await;
    let unit_home = unit.get("/").await.text;
    assert_eq!(count_on(&unit_home, "办理中"), unit_before + 1);
    assert!(unit_home.contains("class=\"alert\""), "{unit_home}");
    assert!(!app.login("member").await.get("/").await.text.contains("群众诉求待办"));
}
