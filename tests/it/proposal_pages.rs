//! Proposals through their pages, as staff, members, units and leaders use them: 并案, the key
//! and publishing flags with the public pages, extensions, 回头看, 优秀提案, the settings, the
//! register and the Word documents (read back with Debian's python3-openpyxl and python3-docx),
//! the API's moves, the role views, editing and returning, and collective proposals.
use axum::http::StatusCode;
use chrono::{Months, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use xieshang::proposals::store::{self, part, proposal};

use crate::harness::{Client, Response, TestApp};

const BODY: &str = "我区老旧小区数量多、设施陈旧，居民出行不便。建议将加装电梯纳入年度改造计划，由财政给予补贴，并简化审批流程，明确责任单位和完成时限。";

/// Today in China, as the application dates things.
fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn id_in(location: &str) -> i64 {
    location.rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("a proposal's address: {location}"))
}

/// The message shown under the form field `name` (before the next field), if any.
fn field_error<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let rest = &page[page.rfind(&format!("name=\"{name}\""))? + 1..];
    let next_field = rest.find(" name=\"").unwrap_or(rest.len());
    let at = rest.find("<p class=\"field-error\">").filter(|at| *at < next_field)? + "<p class=\"field-error\">".len();
    Some(&rest[at..at + rest[at..].find("</p>")?])
}

fn links_to(page: &str, id: i64) -> bool {
    page.contains(&format!("href=\"/proposals/{id}\""))
}

async fn committee_id(app: &TestApp) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id
}

/// The member record behind a member or leader account.
async fn member_of(app: &TestApp, username: &str) -> xieshang::org::members::Member {
    let user = xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap();
    xieshang::org::members::linked_to(&app.state.db, user.id).await.unwrap().expect("linked to a member")
}

async fn unit_of(app: &TestApp, username: &str) -> i64 {
    xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap().unit_id.expect("a unit account")
}

async fn load(app: &TestApp, id: i64) -> store::Proposal {
    store::find(&app.state.db, committee_id(app).await, id).await.unwrap().expect("the proposal exists")
}

async fn state_of(app: &TestApp, id: i64) -> String {
    load(app, id).await.state
}

/// A member's 平时提案 saved as a draft through the form, with co-signers (member ids).
async fn draft(member: &Client, title: &str, cosigners: &[i64]) -> i64 {
    let ids: Vec<String> = cosigners.iter().map(i64::to_string).collect();
    let mut fields = vec![("kind", "regular"), ("title", title), ("body", BODY), ("suggested_units", "区住房和城乡建设局")];
    fields.extend(ids.iter().map(|id| ("cosigner_ids", id.as_str())));
    let res = member.post_form("/proposals", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "draft saved: {}", res.text);
    id_in(res.location())
}

async fn act(c: &Client, id: i64, action: &str) -> Response {
    c.post_form(&format!("/proposals/{id}/act"), &[("action", action)]).await
}

/// Drafted by `member`, sent in, passed and filed by `staff`.
async fn filed(app: &TestApp, member: &Client, staff: &Client, title: &str) -> i64 {
    let id = draft(member, title, &[]).await;
    for (who, action) in [(member, "submit"), (staff, "accept"), (staff, "file")] {
        let res = act(who, id, action).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{action}: {}", res.text);
    }
    assert_eq!(state_of(app, id).await, "filed");
    id
}

/// 交办 through the form: 单办 to `lead`, or 会办 with `co_units`.
async fn assign(app: &TestApp, staff: &Client, id: i64, lead: i64, co_units: &[i64]) {
    let lead = lead.to_string();
    let co: Vec<String> = co_units.iter().map(i64::to_string).collect();
    let mut fields = vec![("mode", if co.is_empty() { "single" } else { "joint" }), ("lead_unit", lead.as_str())];
    fields.extend(co.iter().map(|u| ("unit_ids", u.as_str())));
    let res = staff.post_form(&format!("/proposals/{id}/assign"), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "assigned: {}", res.text);
    assert_eq!(state_of(app, id).await, "assigned");
}

/// The unit's part of a proposal.
async fn part_of(app: &TestApp, id: i64, unit: i64) -> i64 {
    store::parts(&app.state.db, id).await.unwrap().into_iter().find(|x| x.unit_id == unit).expect("a part for the unit").id
}

/// The unit replies in `class` and staff approve: the proposal is answered. Returns the part.
async fn answer(app: &TestApp, staff: &Client, unit_client: &Client, id: i64, unit: i64, class: &str, text: &str) -> i64 {
    let part = part_of(app, id, unit).await;
    let res = unit_client.post_form(&format!("/proposals/{id}/parts/{part}"), &[("action", "reply"), ("class", class), ("text", text)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "reply: {}", res.text);
    let res = staff.post_form(&format!("/proposals/{id}/parts/{part}"), &[("action", "approve"), ("class", class)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "approve: {}", res.text);
    assert_eq!(state_of(app, id).await, "answered");
    part
}

/// A demo proposal of the committee in `state`, the lowest id first.
async fn demo_in(app: &TestApp, state: &str) -> store::Proposal {
    proposal::Entity::find()
        .filter(proposal::Column::CommitteeId.eq(committee_id(app).await))
        .filter(proposal::Column::State.eq(state))
        .order_by_asc(proposal::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo has a proposal {state}"))
}

/// A concluded demo proposal whose approved answer is of `class`.
async fn concluded_answered(app: &TestApp, class: &str) -> i64 {
    let db = &app.state.db;
    let parts = part::Entity::find().filter(part::Column::Class.eq(class)).filter(part::Column::State.eq("approved")).order_by_asc(part::Column::Id).all(db).await.unwrap();
    for x in parts {
        if state_of(app, x.proposal_id).await == "concluded" {
            return x.proposal_id;
        }
    }
    panic!("the demo has a concluded proposal answered {class}")
}

#[tokio::test]
async fn staff_merge_a_proposal_in_review_into_a_filed_host() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let host = filed(&app, &member, &staff, "关于加快老旧小区加装电梯改造的建议").await;
    let guest = demo_in(&app, "in_review").await;
    assert_eq!(load(&app, host).await.session_id, guest.session_id, "both of the latest session");
    let page = staff.get(&format!("/proposals/{}", guest.id)).await.text;
    assert!(page.contains(&format!("<option value=\"{host}\">")), "the host is offered");

    // Not a host: an answered proposal, the guest itself, an unknown id.
    let answered = demo_in(&app, "concluded").await.id;
    for bad in [answered.to_string(), guest.id.to_string(), "999999".into()] {
        let res = staff.post_form(&format!("/proposals/{}/merge", guest.id), &[("host_id", &bad)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "host {bad}");
        assert_eq!(field_error(&res.text, "host_id"), Some("请选择有效的选项"), "host {bad}: the host field is named");
    }
    let unchanged = load(&app, guest.id).await;
    assert_eq!((unchanged.state.as_str(), unchanged.host_id), ("in_review", None), "nothing changed");
    assert!(!links_to(&staff.get(&format!("/proposals/{answered}")).await.text, guest.id));
    assert_eq!(member.post_form(&format!("/proposals/{}/merge", guest.id), &[("host_id", &host.to_string())]).await.status, StatusCode::FORBIDDEN);

    let res = staff.post_form(&format!("/proposals/{}/merge", guest.id), &[("host_id", &host.to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let merged = load(&app, guest.id).await;
    assert_eq!((merged.state.as_str(), merged.host_id), ("merged", Some(host)));
    let page = staff.get(&format!("/proposals/{}", guest.id)).await.text;
    let number = load(&app, host).await.number.unwrap();
    assert!(page.contains("<dt>已并入</dt>") && links_to(&page, host) && page.contains(&number), "the merged one links to its host: {page}");
    assert!(page.contains("已并案") && !page.contains("id=\"merge\""), "merged, and no longer offered for merging");
    let host_page = member.get(&format!("/proposals/{host}")).await.text;
    assert!(host_page.contains("并入本案的提案") && links_to(&host_page, guest.id) && host_page.contains(&guest.title), "the host lists it");
    assert!(host_page.contains("并入提案"), "the host's timeline says so");
    let again = staff.post_form(&format!("/proposals/{}/merge", guest.id), &[("host_id", &host.to_string())]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "merged only once");
}

#[tokio::test]
async fn a_key_proposal_needs_a_leader_and_shows_in_the_leaders_view() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let id = filed(&app, &member, &staff, "关于完善社区居家养老服务网点的建议").await;
    let chair = member_of(&app, "leader").await;
    let leader = app.login("leader").await;
    assert!(!links_to(&leader.get("/proposals?view=key&per_page=200").await.text, id));

    let res = staff.post_form(&format!("/proposals/{id}/flags"), &[("key", "yes"), ("supervisor_id", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.text, "supervisor_id"), Some("重点提案须指定督办领导"), "{}", res.text);
    let not_leader = member_of(&app, "member2").await.id.to_string();
    let res = staff.post_form(&format!("/proposals/{id}/flags"), &[("key", "yes"), ("supervisor_id", &not_leader)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.text, "supervisor_id"), Some("请选择有效的选项"), "only leaders supervise");
    let p = load(&app, id).await;
    assert_eq!((p.key_proposal, p.supervisor_id), (false, None), "nothing changed");
    assert_eq!(member.post_form(&format!("/proposals/{id}/flags"), &[("key", "yes"), ("supervisor_id", &chair.id.to_string())]).await.status, StatusCode::FORBIDDEN);

    let res = staff.post_form(&format!("/proposals/{id}/flags"), &[("key", "yes"), ("supervisor_id", &chair.id.to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let p = load(&app, id).await;
    assert_eq!((p.key_proposal, p.supervisor_id), (true, Some(chair.id)));
    let page = staff.get(&format!("/proposals/{id}")).await.text;
    assert!(page.contains("<dt>督办领导</dt><dd>") && page.contains(&chair.name) && page.contains("设置重点与公开"), "{page}");
    let key_view = leader.get("/proposals?view=key&per_page=200").await.text;
    assert!(links_to(&key_view, id), "the leader's key view lists it");
    assert!(!links_to(&leader.get("/proposals?view=excellent&per_page=200").await.text, id));
}

#[tokio::test]
async fn a_disclosed_proposal_is_published_with_its_reply_and_without_phones() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let unit = app.login("unit").await;
    let housing = unit_of(&app, "unit").await;
    let title = "关于增设老旧小区公共停车位的建议";
    let id = filed(&app, &member, &staff, title).await;
    assign(&app, &staff, id, housing, &[]).await;
    let reply = "已将老旧小区停车位改造列入明年计划，预计新增车位三百个。";
    answer(&app, &staff, &unit, id, housing, "B", reply).await;
    let hidden = filed(&app, &member, &staff, "关于规范共享单车停放秩序的建议").await;
    let public = app.client();
    assert_eq!(public.get(&format!("/c/yuetang/proposals/{id}")).await.status, StatusCode::NOT_FOUND, "not published before the consent");

    let res = staff.post_form(&format!("/proposals/{id}/flags"), &[("disclose", "yes")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(load(&app, id).await.disclose);
    let list = public.get(&format!("/c/yuetang/proposals?{}", crate::harness::encode(&[("q", title)]))).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains(title) && list.text.contains(&format!("/c/yuetang/proposals/{id}\"")), "{}", list.text);
    assert!(!public.get("/c/yuetang/proposals?per_page=200").await.text.contains(&format!("/c/yuetang/proposals/{hidden}\"")), "undisclosed: not listed");

    let page = public.get(&format!("/c/yuetang/proposals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(title) && page.text.contains(reply) && page.text.contains("区住房和城乡建设局"), "{}", page.text);
    let proposer = member_of(&app, "member").await;
    let mobile = proposer.mobile.clone().expect("the demo member has a mobile");
    assert!(!page.text.contains(&mobile) && !page.text.contains(&mobile[mobile.len() - 4..]), "no phone of the proposer");
    assert!(page.text.contains(&proposer.name), "the proposer is named, as on the register");
    assert_eq!(public.get(&format!("/c/yuetang/proposals/{hidden}")).await.status, StatusCode::NOT_FOUND, "undisclosed: 404");
    let in_review = demo_in(&app, "in_review").await.id;
    assert_eq!(public.get(&format!("/c/yuetang/proposals/{in_review}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_extension_stays_within_six_months_and_moves_every_open_deadline() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let (housing, finance) = (unit_of(&app, "unit").await, unit_of(&app, "unit2").await);
    let id = filed(&app, &member, &staff, "关于加快城中村改造进度的建议").await;
    assign(&app, &staff, id, housing, &[finance]).await;
    let assigned = load(&app, id).await;
    assert_eq!(assigned.assigned_at, Some(today()));
    let first = assigned.deadline.unwrap();
    let limit = today().checked_add_months(Months::new(6)).unwrap();
    let deadlines = || async { store::parts(&app.state.db, id).await.unwrap().iter().map(|x| x.deadline).collect::<Vec<_>>() };
    assert_eq!(deadlines().await, [first, first]);

    let late = limit.succ_opt().unwrap().to_string();
    let res = staff.post_form(&format!("/proposals/{id}/extend"), &[("deadline", &late), ("reason", "涉及跨部门协调")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.text, "deadline"), Some("办理期限自交办之日起最长不超过6个月"), "{}", res.text);
    let res = staff.post_form(&format!("/proposals/{id}/extend"), &[("deadline", "2026-13-01"), ("reason", "涉及跨部门协调")]).await;
    assert_eq!(field_error(&res.text, "deadline"), Some("日期格式应为 YYYY-MM-DD"));
    let res = staff.post_form(&format!("/proposals/{id}/extend"), &[("deadline", &first.pred_opt().unwrap().to_string()), ("reason", "涉及跨部门协调")]).await;
    assert_eq!(field_error(&res.text, "deadline"), Some("延期后的期限须晚于现期限"));
    assert_eq!((load(&app, id).await.deadline, deadlines().await), (Some(first), vec![first, first]), "nothing moved");
    assert_eq!(member.post_form(&format!("/proposals/{id}/extend"), &[("deadline", &limit.to_string()), ("reason", "x")]).await.status, StatusCode::FORBIDDEN);

    let res = staff.post_form(&format!("/proposals/{id}/extend"), &[("deadline", &limit.to_string()), ("reason", "涉及跨部门协调")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "six months to the day is allowed: {}", res.text);
    assert_eq!(load(&app, id).await.deadline, Some(limit));
    assert_eq!(deadlines().await, [limit, limit], "the lead unit's and the co-unit's parts move too");
    let page = staff.get(&format!("/proposals/{id}")).await.text;
    assert!(page.contains("批准延期") && page.contains(&format!("{first} → {limit}：涉及跨部门协调")), "the timeline says so: {page}");
    let unit_page = app.login("unit").await.get(&format!("/proposals/{id}")).await.text;
    assert!(unit_page.contains(&limit.to_string()), "the unit sees its new deadline");
}

#[tokio::test]
async fn follow_ups_are_for_b_and_c_answers_only() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let planned = concluded_answered(&app, "B").await;
    let solved = concluded_answered(&app, "A").await;
    let before = app.count("proposal_followups").await;
    assert!(staff.get(&format!("/proposals/{planned}")).await.text.contains(&format!("action=\"/proposals/{planned}/follow-ups\"")));

    let tomorrow = today().succ_opt().unwrap().to_string();
    let text = "回头看：新增电梯二十部已投入使用，其余列入下年度计划。";
    let res = staff.post_form(&format!("/proposals/{planned}/follow-ups"), &[("on_date", &tomorrow), ("text", text)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.text, "on_date"), Some("日期不能晚于今天"));
    let res = staff.post_form(&format!("/proposals/{planned}/follow-ups"), &[("on_date", &today().to_string()), ("text", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.text, "text"), Some("此项为必填项"));
    assert_eq!(app.count("proposal_followups").await, before, "nothing recorded");
    let member = app.login("member").await;
    assert_eq!(member.post_form(&format!("/proposals/{planned}/follow-ups"), &[("on_date", &today().to_string()), ("text", text)]).await.status, StatusCode::FORBIDDEN);

    let res = staff.post_form(&format!("/proposals/{planned}/follow-ups"), &[("on_date", &today().to_string()), ("text", text)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(app.count("proposal_followups").await, before + 1);
    let page = staff.get(&format!("/proposals/{planned}")).await.text;
    assert!(page.contains(&format!("<time>{}</time> {text}", today())), "shown under 回头看: {page}");
    assert_eq!(state_of(&app, planned).await, "concluded", "the state stays");

    let page = staff.get(&format!("/proposals/{solved}")).await.text;
    assert!(!page.contains(&format!("action=\"/proposals/{solved}/follow-ups\"")), "no form for an A answer");
    let res = staff.post_form(&format!("/proposals/{solved}/follow-ups"), &[("on_date", &today().to_string()), ("text", text)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("当前状态下不能进行此操作"), "{}", res.text);
    assert_eq!(app.count("proposal_followups").await, before + 1, "refused: nothing recorded");
}

#[tokio::test]
async fn excellent_proposals_have_their_own_view() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let leader = app.login("leader").await;
    let db = &app.state.db;
    let target = proposal::Entity::find()
        .filter(proposal::Column::State.eq("concluded"))
        .filter(proposal::Column::Excellent.eq(false))
        .order_by_asc(proposal::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let view = "/proposals?view=excellent&per_page=200";
    assert!(!links_to(&staff.get(view).await.text, target));

    let in_review = demo_in(&app, "in_review").await.id;
    let res = staff.post_form(&format!("/proposals/{in_review}/excellent"), &[("excellent", "yes")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "only filed proposals are marked");
    assert!(!load(&app, in_review).await.excellent);
    assert_eq!(leader.post_form(&format!("/proposals/{target}/excellent"), &[("excellent", "yes")]).await.status, StatusCode::FORBIDDEN);

    let res = staff.post_form(&format!("/proposals/{target}/excellent"), &[("excellent", "yes")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(load(&app, target).await.excellent);
    let staff_view = staff.get(view).await.text;
    assert!(links_to(&staff_view, target), "staff's excellent view lists it");
    assert!(links_to(&leader.get(view).await.text, target), "and the leader's");
    let page = staff.get(&format!("/proposals/{target}")).await.text;
    assert!(page.contains("取消优秀提案") && page.contains("优秀提案评定"));

    staff.post_form(&format!("/proposals/{target}/excellent"), &[("excellent", "no")]).await;
    assert!(!links_to(&staff.get(view).await.text, target), "unmarked: gone from the view");
}

#[tokio::test]
async fn the_number_format_is_checked_and_used_for_the_next_filing() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    assert_eq!(member.get("/proposals/settings").await.status, StatusCode::FORBIDDEN);
    let form = staff.get("/proposals/settings").await;
    assert!(form.status == StatusCode::OK && form.text.contains("value=\"第{seq}号\""), "the default: {}", form.text);
    let grounds = xieshang::proposals::model::NOT_FILING_GROUNDS.join("\n");
    let before = app.count("settings").await;

    for bad in ["第号", "{year}", "第{ seq }号"] {
        let res = staff.post_form("/proposals/settings", &[("number_format", bad), ("grounds", &grounds)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(field_error(&res.text, "number_format"), Some("编号格式须包含 {seq}，且前后不能有空格"), "{bad}: {}", res.text);
    }
    assert_eq!(app.count("settings").await, before, "nothing saved");
    assert!(staff.get("/proposals/settings").await.text.contains("value=\"第{seq}号\""));

    let res = staff.post_form("/proposals/settings", &[("number_format", "{year}-{seq}"), ("grounds", &grounds)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let year = chrono::Datelike::year(&today());
    let form = staff.get("/proposals/settings").await.text;
    assert!(form.contains("value=\"{year}-{seq}\"") && form.contains(&format!("<strong>{year}-001</strong>")), "saved, with an example: {form}");

    let id = draft(&member, "关于加强湘江沿岸生态保护的建议", &[]).await;
    act(&member, id, "submit").await;
    act(&staff, id, "accept").await;
    let session = load(&app, id).await.session_id;
    let numbered = proposal::Entity::find().filter(proposal::Column::SessionId.eq(session)).filter(proposal::Column::Seq.is_not_null()).count(&app.state.db).await.unwrap();
    let expected = format!("{year}-{:03}", numbered + 1);
    let res = act(&staff, id, "file").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(load(&app, id).await.number.as_deref(), Some(expected.as_str()));
    assert!(member.get(&format!("/proposals/{id}")).await.text.contains(&expected), "the proposer sees the number");
}

#[tokio::test]
async fn an_unclosed_seq_placeholder_is_refused() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let grounds = xieshang::proposals::model::NOT_FILING_GROUNDS.join("\n");
    let res = staff.post_form("/proposals/settings", &[("number_format", "第{seq号"), ("grounds", &grounds)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "saved a format whose numbers are all alike");
    assert!(field_error(&res.text, "number_format").is_some());
}

/// Runs `/usr/bin/python3 -c script file` on `bytes` written to a temporary file.
pub(crate) fn python(script: &str, bytes: &[u8], ext: &str) -> String {
    let check = std::process::Command::new("/usr/bin/python3").args(["-c", "import docx, openpyxl"]).output();
    match check {
        Ok(out) if out.status.success() => {}
        _ => panic!("python3 with docx and openpyxl is needed to read the downloads: apt-get install python3-docx python3-openpyxl; scripts/test does"),
    }
    let path = std::env::temp_dir().join(format!("xieshang-download-{:016x}.{ext}", rand::random::<u64>()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("/usr/bin/python3").env("PYTHONIOENCODING", "utf-8").arg("-c").arg(script).arg(&path).output().unwrap();
    std::fs::remove_file(&path).ok();
    assert!(out.status.success(), "python could not read the .{ext}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) const READ_XLSX: &str = "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\nprint(ws.title)\nprint(ws.max_row - 1)\nprint('|'.join(str(c.value) for c in ws[1]))\n";
pub(crate) const READ_DOCX: &str = "import sys, docx\nd = docx.Document(sys.argv[1])\nout = [p.text for p in d.paragraphs]\nfor t in d.tables:\n    for row in t.rows:\n        out.extend(c.text for c in row.cells)\nprint('\\n'.join(out))\n";

#[tokio::test]
async fn the_register_and_the_word_documents_open_in_real_readers() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let concluded = proposal::Entity::find()
        .filter(proposal::Column::CommitteeId.eq(committee_id(&app).await))
        .filter(proposal::Column::State.eq("concluded"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(concluded > 0);
    let (status, bytes) = staff.get_bytes("/proposals/register.xlsx?view=all&state=concluded").await;
    assert_eq!(status, StatusCode::OK);
    let out = python(READ_XLSX, &bytes, "xlsx");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "提案汇总表");
    assert_eq!(lines[1], concluded.to_string(), "one data row per concluded proposal");
    assert!(lines[2].starts_with("序号|案号|提案标题|类别|提案者") && lines[2].ends_with("|满意度"), "{}", lines[2]);
    let (status, _) = app.login("member").await.get_bytes("/proposals/register.xlsx?view=all&state=concluded").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "members do not download the register");

    let member = app.login("member").await;
    let unit = app.login("unit").await;
    let housing = unit_of(&app, "unit").await;
    let title = "关于推进老旧小区雨污分流改造的建议";
    let id = filed(&app, &member, &staff, title).await;
    assign(&app, &staff, id, housing, &[]).await;
    let part = part_of(&app, id, housing).await;
    let (status, _) = staff.get_bytes(&format!("/proposals/{id}/parts/{part}/reply.docx")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no letter before the reply is approved");
    let reply = "雨污分流改造已纳入二〇二六年城建计划，分三批实施。";
    answer(&app, &staff, &unit, id, housing, "B", reply).await;

    let (status, bytes) = member.get_bytes(&format!("/proposals/{id}/proposal.docx")).await;
    assert_eq!(status, StatusCode::OK);
    let text = python(READ_DOCX, &bytes, "docx");
    assert!(text.contains(title) && text.contains(&member_of(&app, "member").await.name), "the printed proposal: {text}");
    let (status, bytes) = unit.get_bytes(&format!("/proposals/{id}/parts/{part}/reply.docx")).await;
    assert_eq!(status, StatusCode::OK);
    let text = python(READ_DOCX, &bytes, "docx");
    assert!(text.contains(reply) && text.contains("区住房和城乡建设局"), "the reply letter: {text}");
    let (status, _) = app.login("unit2").await.get_bytes(&format!("/proposals/{id}/proposal.docx")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not handed to unit2");
}

async fn api_act(c: &Client, id: i64, token: &str, body: serde_json::Value) -> Response {
    c.post_json(&format!("/api/v1/proposals/{id}/actions"), &body.to_string(), Some(token)).await
}

#[tokio::test]
async fn the_api_drives_a_proposal_from_submission_to_rating() {
    use serde_json::json;
    let app = TestApp::demo().await;
    let api = app.client();
    let (member, staff, unit) = (app.token("member").await, app.token("staff").await, app.token("unit").await);
    let housing = unit_of(&app, "unit").await;
    let id = draft(&app.login("member").await, "关于提升中小学课后服务质量的建议", &[]).await;
    let state = |res: &Response| res.json()["state"].as_str().map(str::to_string);

    let res = api_act(&api, id, &member, json!({"action": "submit"})).await;
    assert_eq!((res.status, state(&res).as_deref()), (StatusCode::OK, Some("submitted")), "{}", res.text);
    for action in ["accept", "file"] {
        let res = api_act(&api, id, &member, json!({"action": action})).await;
        assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY), "a member may not {action}: {}", res.status);
    }
    assert_eq!(state_of(&app, id).await, "submitted", "refused: unchanged");
    let res = api_act(&api, id, &staff, json!({"action": "file"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "filed only after the review");
    assert_eq!(res.json()["fields"][0]["field"], "action");

    let res = api_act(&api, id, &staff, json!({"action": "accept"})).await;
    assert_eq!(state(&res).as_deref(), Some("in_review"), "{}", res.text);
    let res = api_act(&api, id, &staff, json!({"action": "file"})).await;
    assert_eq!(state(&res).as_deref(), Some("filed"), "{}", res.text);
    assert!(res.json()["number"].as_str().is_some_and(|n| n.starts_with('第')));
    assert_eq!(api_act(&api, id, &member, json!({"action": "file"})).await.status, StatusCode::FORBIDDEN);
    let res = api_act(&api, id, &staff, json!({"action": "assign", "mode": "single", "lead_unit": housing})).await;
    assert_eq!(state(&res).as_deref(), Some("assigned"), "{}", res.text);
    let expected_deadline = today().checked_add_months(Months::new(3)).unwrap().to_string();
    assert_eq!((res.json()["mode"].as_str(), res.json()["deadline"].as_str()), (Some("single"), Some(expected_deadline.as_str())));

    let part = part_of(&app, id, housing).await;
    let res = api_act(&api, id, &unit, json!({"action": "reply", "part_id": part, "class": "Z", "text": "已列入计划"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["fields"][0]["field"], "class", "{}", res.text);
    let res = api_act(&api, id, &unit, json!({"action": "reply", "class": "B", "text": "已列入计划"})).await;
    assert_eq!((res.status, res.json()["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("part_id")));
    assert_eq!(store::parts(&app.state.db, id).await.unwrap()[0].state, "assigned", "refused replies change nothing");
    let res = api_act(&api, id, &unit, json!({"action": "reply", "part_id": part, "class": "B", "text": "已将课后服务扩面列入明年计划"})).await;
    assert_eq!(state(&res).as_deref(), Some("assigned"), "waits for the approval: {}", res.text);
    assert_eq!(api_act(&api, id, &unit, json!({"action": "approve", "part_id": part})).await.status, StatusCode::FORBIDDEN, "a unit does not approve itself");
    let res = api_act(&api, id, &staff, json!({"action": "approve", "part_id": part})).await;
    assert_eq!(state(&res).as_deref(), Some("answered"), "{}", res.text);

    let res = api_act(&api, id, &member, json!({"action": "rate", "satisfaction": "very"})).await;
    assert_eq!((res.status, res.json()["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("satisfaction")));
    let res = api_act(&api, id, &member, json!({"action": "rate", "satisfaction": "satisfied", "contacted": true})).await;
    assert_eq!(state(&res).as_deref(), Some("evaluated"), "{}", res.text);
    let again = api_act(&api, id, &member, json!({"action": "rate", "satisfaction": "unsatisfied"})).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "rated once");
    assert_eq!(state_of(&app, id).await, "evaluated");
    let one = api.get_bearer(&format!("/api/v1/proposals/{id}"), &member).await.json();
    assert_eq!((one["state"].as_str(), one["mode"].as_str()), (Some("evaluated"), Some("single")));
}

#[tokio::test]
async fn the_api_shows_the_parts_a_unit_moves() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let id = filed(&app, &app.login("member").await, &staff, "关于增设社区公共停车位的建议").await;
    let housing = unit_of(&app, "unit").await;
    assign(&app, &staff, id, housing, &[]).await;
    let part = part_of(&app, id, housing).await;
    let one = app.client().get_bearer(&format!("/api/v1/proposals/{id}"), &app.token("unit").await).await.json();
    let parts = one["parts"].as_array().unwrap_or_else(|| panic!("no parts in {one}"));
    assert!(parts.iter().any(|x| x["id"] == part && x["unit_id"] == housing));
}

#[tokio::test]
async fn each_role_finds_its_work_in_its_views() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let member2 = app.login("member2").await;
    let unit = app.login("unit").await;
    let housing = unit_of(&app, "unit").await;
    let cosigner = member_of(&app, "member2").await.id;
    let id = draft(&member, "关于推进垃圾分类进小区的建议", &[cosigner]).await;
    assert!(links_to(&member.get("/proposals?view=drafts").await.text, id));
    assert!(!links_to(&member2.get("/proposals?view=cosign").await.text, id), "not before it is sent");
    let res = act(&member, id, "submit").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(state_of(&app, id).await, "collecting_signatures");
    assert!(links_to(&member2.get("/proposals?view=cosign").await.text, id), "member2 is asked to co-sign");
    assert!(!links_to(&member.get("/proposals?view=cosign").await.text, id), "the lead has signed");
    assert!(!links_to(&staff.get("/proposals?view=all&per_page=200").await.text, id), "staff do not see it yet");
    assert_eq!(act(&member2, id, "cosign").await.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, id).await, "submitted");
    assert!(!links_to(&member2.get("/proposals?view=cosign").await.text, id), "signed: off the list");
    assert!(links_to(&staff.get("/proposals?view=review&per_page=200").await.text, id), "in staff's review queue");

    act(&staff, id, "accept").await;
    act(&staff, id, "file").await;
    assert!(links_to(&staff.get("/proposals?view=assign&per_page=200").await.text, id));
    let unit2 = app.login("unit2").await;
    assert_eq!(unit.get(&format!("/proposals/{id}")).await.status, StatusCode::NOT_FOUND, "not handed to the unit yet");
    assign(&app, &staff, id, housing, &[]).await;
    let inbox = unit.get("/proposals?view=inbox&per_page=200").await.text;
    assert!(links_to(&inbox, id), "the unit's inbox lists its open part");
    assert!(unit.get("/proposals").await.text.contains("aria-current=\"page\" class=\"on\">待我办理"), "a unit starts in its inbox");
    assert_eq!(unit2.get(&format!("/proposals/{id}")).await.status, StatusCode::NOT_FOUND, "unit2 cannot open it");
    assert!(!links_to(&unit2.get("/proposals?view=all&per_page=200").await.text, id));
    assert!(links_to(&staff.get("/proposals?view=handling&per_page=200").await.text, id));

    answer(&app, &staff, &unit, id, housing, "A", "已在辖区全部小区推行垃圾分类").await;
    assert!(!links_to(&unit.get("/proposals?view=inbox&per_page=200").await.text, id), "answered: off the inbox");
    assert!(links_to(&member.get("/proposals?view=rate").await.text, id), "the lead is asked to rate");
    assert!(links_to(&member2.get("/proposals?view=rate").await.text, id), "and the co-signer");
    let res = member.post_form(&format!("/proposals/{id}/rate"), &[("satisfaction", "satisfied"), ("contacted", "yes")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(!links_to(&member.get("/proposals?view=rate").await.text, id), "rated: off the lead's list");
    assert!(links_to(&member2.get("/proposals?view=rate").await.text, id), "still on the co-signer's");
    assert_eq!(state_of(&app, id).await, "answered", "one proposer still to rate");
}

#[tokio::test]
async fn the_lead_edits_a_draft_and_supplements_it_after_a_return() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let member2 = app.login("member2").await;
    let cosigner = member_of(&app, "member2").await.id;
    let id = draft(&member, "关于推进社区养老的建议", &[cosigner]).await;
    let edit = format!("/proposals/{id}/edit");
    assert!(member.get(&format!("/proposals/{id}")).await.text.contains(&format!("href=\"{edit}\"")), "the lead is offered the edit");
    let form = member.get(&edit).await;
    assert!(form.status == StatusCode::OK && form.text.contains("value=\"关于推进社区养老的建议\""), "{}", form.text);
    assert_eq!(member2.get(&edit).await.status, StatusCode::FORBIDDEN, "a co-signer does not edit");
    let fields = |title: &'static str, body: &'static str| vec![("kind", "regular"), ("title", title), ("body", body), ("suggested_units", "区民政局")];
    assert_eq!(member2.post_form(&edit, &fields("关于改掉标题的建议", BODY)).await.status, StatusCode::FORBIDDEN);
    let bad = member.post_form(&edit, &fields("短", BODY)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.text, "title"), Some("标题须为5至100字"));
    assert_eq!(load(&app, id).await.title, "关于推进社区养老的建议", "refused edits change nothing");

    let res = member.post_form(&edit, &fields("关于完善社区居家养老服务的建议", BODY)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let p = load(&app, id).await;
    assert_eq!((p.title.as_str(), p.suggested_units.as_str()), ("关于完善社区居家养老服务的建议", "区民政局"));
    act(&member, id, "submit").await;
    act(&member2, id, "cosign").await;
    assert_eq!(state_of(&app, id).await, "submitted");

    let res = staff.post_form(&format!("/proposals/{id}/act"), &[("action", "return"), ("reason", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state_of(&app, id).await, "submitted", "a return needs a reason");
    let reason = "请补充养老服务网点的具体数据";
    let res = staff.post_form(&format!("/proposals/{id}/act"), &[("action", "return"), ("reason", reason)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = member.get(&format!("/proposals/{id}")).await.text;
    assert!(page.contains("退回修改") && page.contains(reason) && page.contains(&format!("href=\"{edit}\"")), "the lead sees why, and may edit: {page}");
    assert_eq!(member2.get(&edit).await.status, StatusCode::FORBIDDEN);

    let supplemented = "全区现有养老服务网点十二个，覆盖率不足四成。建议新建社区养老服务中心，完善助餐、助浴服务，并给予运营补贴，三年内实现社区全覆盖。";
    let res = member.post_form(&edit, &fields("关于完善社区居家养老服务的建议", supplemented)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(load(&app, id).await.body, supplemented);
    let res = act(&member, id, "submit").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let again = state_of(&app, id).await;
    assert!(matches!(again.as_str(), "collecting_signatures" | "submitted"), "sent in again: {again}");
    let page = member.get(&format!("/proposals/{id}")).await.text;
    assert!(page.contains("修改内容") && !page.contains(&format!("href=\"{edit}\"")), "the timeline records the edit; no more editing");
}

#[tokio::test]
async fn a_returned_joint_proposal_can_be_sent_in_again() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let member2 = app.login("member2").await;
    let id = draft(&member, "关于推进社区养老的建议", &[member_of(&app, "member2").await.id]).await;
    act(&member, id, "submit").await;
    act(&member2, id, "cosign").await;
    staff.post_form(&format!("/proposals/{id}/act"), &[("action", "return"), ("reason", "请补充数据")]).await;
    assert_eq!(state_of(&app, id).await, "returned");
    assert_eq!(act(&member, id, "submit").await.status, StatusCode::SEE_OTHER);
    if state_of(&app, id).await == "collecting_signatures" {
        let res = act(&member2, id, "cosign").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "the co-signer confirms the supplemented text: {}", res.text);
    }
    assert_eq!(state_of(&app, id).await, "submitted", "back with staff");
}

#[tokio::test]
async fn editing_a_proposal_that_was_sent_in_says_why_not() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let id = draft(&member, "关于推进社区养老的建议", &[]).await;
    act(&member, id, "submit").await;
    let res = member.post_form(&format!("/proposals/{id}/edit"), &[("kind", "regular"), ("title", "关于改过标题的建议"), ("body", BODY)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(load(&app, id).await.title, "关于推进社区养老的建议");
    assert!(res.text.contains("当前状态下不能进行此操作"), "the reason is shown: {}", res.text);
}

/// Staff's form for a collective proposal, as a 平时提案.
async fn collective(staff: &Client, kind: &str, name: &str, contact: i64) -> Response {
    let contact = contact.to_string();
    let fields = [
        ("kind", "regular"),
        ("submitter_kind", kind),
        ("submitter_name", name),
        ("contact_id", contact.as_str()),
        ("title", "关于优化营商环境助企纾困的建议"),
        ("body", BODY),
        ("suggested_units", "区发展和改革局"),
    ];
    staff.post_form("/proposals", &fields).await
}

#[tokio::test]
async fn staff_register_a_collective_proposal_sent_in_at_once() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let contact = member_of(&app, "member").await;
    let form = staff.get("/proposals/new").await;
    assert!(form.status == StatusCode::OK && form.text.contains("登记集体提案") && form.text.contains("name=\"submitter_kind\""));
    let before = app.count("proposals").await;
    // A sector submits only while the plenary sits (in 2022).
    let sector = xieshang::org::structure::sectors(&app.state.db, committee_id(&app).await).await.unwrap().into_iter().find(|s| !s.retired).unwrap().name;
    let res = collective(&staff, "sector", &sector, contact.id).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.text, "kind"), Some("界别、小组名义的提案只能在全体会议期间提交"), "{}", res.text);
    let res = collective(&staff, "organization", "", contact.id).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.text, "submitter_name"), Some("此项为必填项"));
    assert_eq!(app.count("proposals").await, before, "nothing created");

    let res = collective(&staff, "organization", "民盟岳塘区基层委员会", contact.id).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(app.count("proposals").await, before + 1);
    let id = id_in(res.location());
    let p = load(&app, id).await;
    assert_eq!((p.state.as_str(), p.submitter_kind.as_str(), p.submitter_name.as_str(), p.kind.as_str()), ("submitted", "organization", "民盟岳塘区基层委员会", "regular"));
    assert!(p.submitted_at.is_some());
    let page = staff.get(&format!("/proposals/{id}")).await.text;
    assert!(page.contains("民盟岳塘区基层委员会（党派团体）") && page.contains("<dt>联系委员</dt>") && page.contains(&contact.name), "{page}");
    assert!(page.contains("初审通过"), "straight to review");
    assert!(links_to(&staff.get("/proposals?view=review&per_page=200").await.text, id));
    assert!(staff.get("/proposals?view=review&per_page=200").await.text.contains("民盟岳塘区基层委员会"), "listed under its submitter");
}

/// The number shown above `label` in the home page's proposal block.
fn home_count(page: &str, label: &str) -> Option<u64> {
    let block = &page[page.find("id=\"proposal-work\"")?..];
    let at = block.find(&format!("<span>{label}</span>"))?;
    let strong = block[..at].rfind("<strong>")?;
    block[strong + 8..at].trim_end_matches("</strong>").parse().ok()
}

#[tokio::test]
async fn the_home_page_counts_the_proposal_work_of_each_role() {
    let app = TestApp::demo().await;
    let staff_home = app.login("staff").await.get("/").await.text;
    let in_review = proposal::Entity::find().filter(proposal::Column::State.is_in(["submitted", "in_review"])).count(&app.state.db).await.unwrap();
    assert_eq!(home_count(&staff_home, "待审查"), Some(in_review));
    let member = app.login("member").await;
    assert_eq!(home_count(&member.get("/").await.text, "草稿与退回"), Some(0));
    draft(&member, "关于推进社区养老的建议", &[]).await;
    assert_eq!(home_count(&member.get("/").await.text, "草稿与退回"), Some(1), "the new draft is counted");
    let unit = app.login("unit").await.get("/").await.text;
    assert!(home_count(&unit, "待我办理").is_some() && home_count(&unit, "待审查").is_none(), "a unit sees its inbox, not the review queue");
}

#[tokio::test]
async fn a_refusal_names_one_of_the_committees_grounds_and_a_conversion_its_target() {
    let app = TestApp::demo().await;
    let (member, staff) = (app.login("member").await, app.login("staff").await);
    let in_review = |title: &'static str| {
        let (member, staff) = (&member, &staff);
        async move {
            let id = draft(member, title, &[]).await;
            act(member, id, "submit").await;
            act(staff, id, "accept").await;
            id
        }
    };
    let id = in_review("关于规范共享单车停放的建议").await;
    let res = staff.post_form(&format!("/proposals/{id}/act"), &[("action", "reject"), ("reason", "本人不同意")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.text, "reason").is_some(), "a ground of the list is required");
    assert_eq!(state_of(&app, id).await, "in_review");
    let ground = xieshang::proposals::model::NOT_FILING_GROUNDS[6];
    let res = staff.post_form(&format!("/proposals/{id}/act"), &[("action", "reject"), ("reason", ground)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let p = load(&app, id).await;
    assert_eq!((p.state.as_str(), p.reason.as_deref()), ("not_filed", Some(ground)));
    assert!(member.get(&format!("/proposals/{id}")).await.text.contains(ground), "the proposer reads why");

    let id = in_review("关于某小区门口路灯损坏的建议").await;
    async fn convert(staff: &Client, id: i64, to: &str, consent: &str) -> Response {
        staff.post_form(&format!("/proposals/{id}/act"), &[("action", "convert"), ("convert_to", to), ("reason", "属具体个案，宜转社情民意"), ("consent", consent)]).await
    }
    let res = convert(&staff, id, "somewhere", "yes").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.text, "convert_to").is_some());
    assert_eq!(convert(&staff, id, "opinion_report", "").await.status, StatusCode::UNPROCESSABLE_ENTITY, "the proposer's consent is needed");
    assert_eq!(state_of(&app, id).await, "in_review");
    assert_eq!(convert(&staff, id, "opinion_report", "yes").await.status, StatusCode::SEE_OTHER);
    let p = load(&app, id).await;
    assert_eq!((p.state.as_str(), p.reason.as_deref()), ("converted", Some("转为社情民意信息：属具体个案，宜转社情民意")));
}
