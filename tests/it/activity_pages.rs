//! Activity pages (活动): the staff form and its checks, QR sign-in through `/a/{code}` marking
//! only the scanning member, leave decided by staff, the calendar feed, the API and the member
//! file's 活动 rows.
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use xieshang::activities::model::{ActivityChoices, ActivityForm, Attendance};
use xieshang::activities::store;
use xieshang::app::audit::Who;
use xieshang::org::members;

use crate::harness::{Client, TestApp};

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

async fn committee_id(app: &TestApp, code: &str) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, code).await.unwrap().unwrap().id
}

async fn member_of(app: &TestApp, username: &str) -> i64 {
    let user = xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap();
    members::linked_to(&app.state.db, user.id).await.unwrap().unwrap().id
}

/// Staff create an activity through the form; returns its id.
async fn create(staff: &Client, title: &str, kind: &str, on: NaiveDate, participants: &[i64]) -> i64 {
    let ids: Vec<String> = participants.iter().map(i64::to_string).collect();
    let on = on.to_string();
    let mut f = vec![("kind", kind), ("title", title), ("on_date", on.as_str()), ("organiser", "区政协办公室"), ("households", "12"), ("funds", "3600.5")];
    f.extend(ids.iter().map(|i| ("participant_ids", i.as_str())));
    let res = staff.post_form("/activities", &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    res.location().rsplit('/').next().unwrap().parse().unwrap()
}

async fn roll(app: &TestApp, id: i64) -> std::collections::BTreeMap<i64, Attendance> {
    store::participants(&app.state.db, id).await.unwrap().iter().map(|p| (p.member_id, p.attendance())).collect()
}

async fn code_of(app: &TestApp, id: i64) -> String {
    let cid = committee_id(app, "yuetang").await;
    store::find(&app.state.db, cid, id).await.unwrap().unwrap().sign_in_code
}

#[tokio::test]
async fn the_activity_form_names_every_bad_field_and_saves_nothing() {
    let app = TestApp::demo().await;
    assert_eq!(app.login("member").await.get("/activities/new").await.status, StatusCode::FORBIDDEN, "members do not create activities");
    let staff = app.login("staff").await;
    let form = staff.get("/activities/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(r##"data-filter-list="#activity-members""##));
    for field in ["kind", "title", "organiser", "group_id", "on_date", "end_date", "place_id", "address", "description", "people_served", "volunteers", "households", "funds", "items_given", "items_count", "participant_ids", "shared"] {
        assert!(form.text.contains(&format!(r#"name="{field}""#)), "{field} on the form");
    }
    let (activities, participants) = (app.count("activities").await, app.count("activity_participants").await);
    let bad = [
        ("kind", "party"),
        ("title", "x"),
        ("on_date", "2022-05-10"),
        ("end_date", "2022-05-01"),
        ("households", "-3"),
        ("funds", "很多"),
        ("participant_ids", "99999999"),
    ];
    let res = staff.post_form("/activities", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["请选择有效的选项", "活动名称须为2至100字", "结束日期须在开始日期当天或之后", "请填写0或正整数", "请填写金额（元），最多两位小数"] {
        assert!(res.text.contains(message), "{message} is shown");
    }
    assert_eq!(res.text.matches(r#"class="field-error""#).count(), 6, "kind, title, end date, households, funds, participants");
    assert_eq!((app.count("activities").await, app.count("activity_participants").await), (activities, participants), "nothing saved");
}

#[tokio::test]
async fn staff_create_and_edit_an_activity_and_see_its_code() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let me = member_of(&app, "member").await;
    let id = create(&staff, "春节走访慰问困难群众", "assistance", today(), &[me]).await;
    let page = staff.get(&format!("/activities/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let code = code_of(&app, id).await;
    assert!(page.text.contains("<svg"), "the QR code is shown");
    assert!(page.text.contains(&format!(r#"<code id="activity-code">{code}</code>"#)));
    assert!(page.text.contains(&format!("/a/{code}")));
    assert!(page.text.contains("3600.50"), "funds in yuan");
    let list = staff.get(&format!("/activities?kind=assistance&from={}", today())).await;
    assert!(list.text.contains("春节走访慰问困难群众"));
    assert!(list.text.contains(r#"<strong>3600.50</strong>"#), "the period's assistance funds");
    let member_view = app.login("member").await.get(&format!("/activities/{id}")).await;
    assert!(!member_view.text.contains(&code), "only staff see the code");

    let on = today().to_string();
    let res = staff.post_form(&format!("/activities/{id}"), &[("kind", "assistance"), ("title", "春节走访慰问"), ("on_date", on.as_str()), ("households", "20")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let a = store::find(&app.state.db, committee_id(&app, "yuetang").await, id).await.unwrap().unwrap();
    assert_eq!((a.title.as_str(), a.households, a.sign_in_code.as_str()), ("春节走访慰问", 20, code.as_str()), "saved; the code stays");
    assert!(roll(&app, id).await.is_empty(), "a member taken off the list who had not signed in leaves it");
}

#[tokio::test]
async fn a_member_signs_in_by_the_code_and_marks_only_itself() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let (me, other) = (member_of(&app, "member").await, member_of(&app, "member2").await);
    let id = create(&staff, "委员履职培训", "training", today(), &[me, other]).await;
    let code = code_of(&app, id).await;

    let anonymous = app.client().get(&format!("/a/{code}")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login?next=") && anonymous.location().contains(&code), "to the login page, then back: {}", anonymous.location());

    let member = app.login("member").await;
    let page = member.get(&format!("/a/{code}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("委员履职培训") && page.text.contains(&format!(r#"action="/a/{code}""#)));
    let res = member.post_form(&format!("/a/{code}"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(roll(&app, id).await, [(me, Attendance::Present), (other, Attendance::Invited)].into(), "only the scanning member is present");
    assert!(member.get(&format!("/a/{code}")).await.text.contains("您已签到"));

    let no_record = staff.post_form(&format!("/a/{code}"), &[]).await;
    assert_eq!(no_record.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_record.text.contains("您的账号未关联委员档案"));
    assert_eq!(roll(&app, id).await.len(), 2, "no one added");
}

#[tokio::test]
async fn codes_of_finished_future_and_other_committees_activities_are_refused() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let me = member_of(&app, "member").await;
    let past = create(&staff, "学习会（已结束）", "study", today() - Duration::days(3), &[me]).await;
    let future = create(&staff, "学习会（未开始）", "study", today() + Duration::days(3), &[me]).await;
    let member = app.login("member").await;
    let res = member.post_form(&format!("/a/{}", code_of(&app, past).await), &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("活动已结束，签到码已失效"));
    let shown = member.get(&format!("/a/{}", code_of(&app, past).await)).await;
    assert!(shown.text.contains("活动已结束") && !shown.text.contains(r#"<button type="submit" class="big">"#), "no button on an expired code");
    let res = member.post_form(&format!("/a/{}", code_of(&app, future).await), &[]).await;
    assert!(res.text.contains("活动尚未开始"));
    assert_eq!(roll(&app, past).await[&me], Attendance::Invited);
    assert_eq!(roll(&app, future).await[&me], Attendance::Invited);

    let city = committee_id(&app, "xiangtan").await;
    let form = ActivityForm { kind: "study".into(), title: "市政协学习会".into(), on_date: today().to_string(), ..Default::default() };
    let who = Who { committee_id: None, actor_id: None, actor_name: "staff".into(), ip: "-".into() };
    let theirs = store::create(&app.state.db, city, &form.parse(&ActivityChoices { groups: &[], places: &[], members: &[] }).unwrap(), &who).await.unwrap();
    assert_eq!(member.get(&format!("/a/{}", theirs.sign_in_code)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(member.post_form(&format!("/a/{}", theirs.sign_in_code), &[]).await.status, StatusCode::NOT_FOUND);
    assert!(store::participants(&app.state.db, theirs.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_member_asks_for_leave_and_staff_approve_it() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let me = member_of(&app, "member").await;
    let id = create(&staff, "常委会议", "standing_committee", today() + Duration::days(2), &[me]).await;
    let member = app.login("member").await;
    let page = member.get(&format!("/activities/{id}")).await;
    assert!(page.text.contains(&format!(r#"action="/activities/{id}/leave""#)), "the leave form before the activity");
    let short = member.post_form(&format!("/activities/{id}/leave"), &[("reason", "x")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(roll(&app, id).await[&me], Attendance::Invited);
    let res = member.post_form(&format!("/activities/{id}/leave"), &[("reason", "出差在外地")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(roll(&app, id).await[&me], Attendance::LeaveRequested);
    let me_s = me.to_string();
    assert_eq!(member.post_form(&format!("/activities/{id}/roll"), &[("member_id", me_s.as_str()), ("action", "approve")]).await.status, StatusCode::FORBIDDEN, "members do not approve leave");
    let staff_page = staff.get(&format!("/activities/{id}")).await;
    assert!(staff_page.text.contains("出差在外地") && staff_page.text.contains("批准请假"));
    let res = staff.post_form(&format!("/activities/{id}/roll"), &[("member_id", me_s.as_str()), ("action", "approve")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(roll(&app, id).await[&me], Attendance::OnLeave);
}

#[tokio::test]
async fn staff_correct_the_roll_after_the_activity_with_a_reason() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let me = member_of(&app, "member").await;
    let other = member_of(&app, "member2").await;
    let id = create(&staff, "界别小组学习会", "study", today() - Duration::days(3), &[me, other]).await;
    assert_eq!(staff.post_form(&format!("/activities/{id}/close"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(roll(&app, id).await, [(me, Attendance::Absent), (other, Attendance::Absent)].into(), "nobody scanned");
    let page = staff.get(&format!("/activities/{id}")).await.text;
    assert!(page.contains("更正考勤") && page.contains(r#"value="correct_present""#));
    let me_s = me.to_string();
    let no_reason = staff.post_form(&format!("/activities/{id}/roll"), &[("member_id", me_s.as_str()), ("action", "correct_present"), ("reason", " ")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(roll(&app, id).await[&me], Attendance::Absent, "nothing changed");
    let res = staff.post_form(&format!("/activities/{id}/roll"), &[("member_id", me_s.as_str()), ("action", "correct_present"), ("reason", "到会但未扫码，有签到表为证")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = staff.post_form(&format!("/activities/{id}/roll"), &[("member_id", other.to_string().as_str()), ("action", "correct_on_leave"), ("reason", "会前已口头请假")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(roll(&app, id).await, [(me, Attendance::Present), (other, Attendance::OnLeave)].into());
    let log = app.login("auditor").await.get("/audit?object=activity").await.text;
    assert!(log.contains("更正：到会但未扫码"), "the correction and its reason are in the audit log");
    let member = app.login("member").await;
    let refused = member.post_form(&format!("/activities/{id}/roll"), &[("member_id", me_s.as_str()), ("action", "correct_absent"), ("reason", "自己改")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "members cannot correct the roll");
}

#[tokio::test]
async fn the_calendar_feed_and_the_member_file_list_the_activity() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let me = member_of(&app, "member").await;
    let id = create(&staff, "文明城市志愿服务", "volunteering", today(), &[me]).await;
    let code = code_of(&app, id).await;
    app.login("member").await.post_form(&format!("/a/{code}"), &[]).await;

    let feed = app.client().get(&format!("/c/yuetang/members/{me}/activities.ics")).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.headers["content-type"].to_str().unwrap().starts_with("text/calendar"));
    assert!(feed.text.contains("SUMMARY:文明城市志愿服务"));
    assert!(feed.text.contains(&format!("DTSTART;VALUE=DATE:{}", today().format("%Y%m%d"))), "an all-day event");
    assert!(feed.text.contains(&format!("UID:activity-{id}-")));
    assert_eq!(app.client().get("/c/yuetang/members/99999999/activities.ics").await.status, StatusCode::NOT_FOUND);

    let file = staff.get(&format!("/members/{me}")).await;
    let tab = &file.text[file.text.find(r#"id="member-activities""#).expect("the 活动 rows")..];
    assert!(tab.contains("文明城市志愿服务") && tab.contains("已签到"), "the activity with the member's attendance");
}

#[tokio::test]
async fn the_api_lists_activities_under_filters_and_shows_attendance() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let me = member_of(&app, "member").await;
    let id = create(&staff, "接待日活动", "reception_day", today(), &[me]).await;
    let token = app.token("member").await;
    let c = app.client();
    let all = c.get_bearer("/api/v1/activities?per_page=5", &token).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let all = all.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    assert!(all["total"].as_u64().unwrap() > 30, "the demo's activities");
    let assistance = c.get_bearer("/api/v1/activities?kind=assistance&per_page=200", &token).await.json();
    assert!(assistance["total"].as_u64().unwrap() > 0);
    assert!(assistance["items"].as_array().unwrap().iter().all(|a| a["kind"] == "assistance"));
    assert!(assistance["items"][0].get("participants").is_none(), "the list leaves participants out");
    let day = today().to_string();
    let today_only = c.get_bearer(&format!("/api/v1/activities?from={day}&to={day}&kind=reception_day"), &token).await.json();
    assert_eq!(today_only["total"], 1);
    assert_eq!(today_only["items"][0]["id"], id);
    let present = c.get_bearer(&format!("/api/v1/activities?member={me}&from={day}"), &token).await.json();
    assert_eq!(present["total"], 0, "the member filter takes activities the member was present at");
    let bad = c.get_bearer("/api/v1/activities?kind=party&from=yesterday", &token).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let one = c.get_bearer(&format!("/api/v1/activities/{id}"), &token).await.json();
    assert_eq!(one["participants"][0]["member_id"], me);
    assert_eq!(one["participants"][0]["attendance"], "invited");
    assert!(one.get("sign_in_code").is_none(), "the code stays off the API");
    assert_eq!(c.get_bearer("/api/v1/activities/99999999", &token).await.status, StatusCode::NOT_FOUND);
    let doc = c.get("/api/openapi.json").await.json();
    assert!(doc["paths"].get("/api/v1/activities").is_some() && doc["paths"].get("/api/v1/activities/{id}").is_some());
}
