//! Public-opinion reports (社情民意): the 1,500-character limit counted in characters, screening
//! with an edited text beside the original, approval and numbered bulletins (unique under
//! concurrent issues), merge credit for every author, the upward flow to the parent committee
//! with its outcomes flowing back, who sees what, converted demands taken up with their link,
//! the register and its export, the API with its filters, and the demo's figure for 书院路.
use std::collections::BTreeSet;

use axum::http::StatusCode;
use chrono::{Datelike, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xieshang::app::audit::Who;
use xieshang::opinions::model::{Category, Level, OutcomeKind, ReportAction, ReportActor, ReportInput, ReportState, ReportText, SubmitterKind};
use xieshang::opinions::moves::{self, By, Seat};
use xieshang::opinions::store::{self, Report, bulletin, report};
use xieshang::opinions::{bulletins, metrics, records};

use crate::harness::{Client, Response, TestApp};
use crate::proposal_pages::{READ_DOCX, READ_XLSX, python};

const TITLE: &str = "关于解决书院路老旧小区停车难的建议";
const BODY: &str = "书院路街道老旧小区停车位严重不足，夜间车辆占用消防通道。建议利用闲置地块建设临时停车场，推行机关停车位错时共享。";

struct Fx {
    cid: i64,
    city: i64,
    /// The demo accounts' member records.
    me: i64,
    other: i64,
}

async fn fx(app: &TestApp) -> Fx {
    let db = &app.state.db;
    let code = |c: &'static str| async move { xieshang::org::store::find_committee_by_code(db, c).await.unwrap().unwrap().id };
    Fx { cid: code("yuetang").await, city: code("xiangtan").await, me: member_of(app, "member").await, other: member_of(app, "member2").await }
}

async fn member_of(app: &TestApp, username: &str) -> i64 {
    let user = xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap();
    xieshang::org::members::linked_to(&app.state.db, user.id).await.unwrap().unwrap().id
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// A member's report as the form sends it; `submit` sends it in at once.
async fn write(c: &Client, title: &str, body: &str, submit: bool) -> Response {
    let fields = [("title", title), ("body", body), ("category", "urban"), ("submitter_kind", "member"), ("submit", if submit { "yes" } else { "" })];
    c.post_form("/opinion-reports", &fields).await
}

async fn written(c: &Client, title: &str, submit: bool) -> i64 {
    let res = write(c, title, BODY, submit).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    id_from(res.location())
}

async fn act(c: &Client, id: i64, fields: &[(&str, &str)]) -> Response {
    c.post_form(&format!("/opinion-reports/{id}/act"), fields).await
}

async fn acted(c: &Client, id: i64, fields: &[(&str, &str)]) {
    let res = act(c, id, fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{fields:?}: {}", res.text);
}

async fn find(app: &TestApp, id: i64) -> Report {
    report::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap()
}

fn year() -> i32 {
    (Utc::now() + chrono::Duration::hours(8)).year()
}

#[tokio::test]
async fn the_body_limit_counts_characters_not_bytes_and_the_form_counts_as_one_types() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let form = member.get("/opinion-reports/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(r#"data-count-max="1500""#) && form.text.contains("/opinion-reports/assets/opinions.js"), "the count is shown live");
    let script = member.get("/opinion-reports/assets/opinions.js").await;
    assert!(script.text.contains("Array.from") && script.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));

    let reports = app.count("opinion_reports").await;
    let exactly = "民".repeat(1500);
    assert_eq!(exactly.len(), 4500);
    let res = write(&member, TITLE, &exactly, true).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "1,500 characters (4,500 bytes) fit: {}", res.text);
    let saved = find(&app, id_from(res.location())).await;
    assert_eq!((saved.body.chars().count(), saved.state()), (1500, ReportState::Submitted));
    // Line breaks sent as CRLF count once, as the counter on the page counts them.
    let lines = format!("{}\r\n{}", "甲".repeat(749), "乙".repeat(750));
    assert_eq!(write(&member, TITLE, &lines, false).await.status, StatusCode::SEE_OTHER);
    let over = write(&member, TITLE, &format!("{exactly}。"), true).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.text.contains("正文须为20至1500字（按字数计）") && over.text.contains(&exactly), "the error is named and the text kept");
    let bad = member.post_form("/opinion-reports", &[("title", "短"), ("body", "太短"), ("category", "sports"), ("submitter_kind", "informant")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["标题须为5至100字", "请选择有效的选项", "委员只能以个人（联名）或所在小组名义报送"] {
        assert!(bad.text.contains(message), "{message}");
    }
    assert_eq!(app.count("opinion_reports").await, reports + 2, "nothing else saved");
}

#[tokio::test]
async fn drafts_are_their_writers_alone_and_a_member_sees_its_own_and_the_issued() {
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let member = app.login("member").await;
    let draft = written(&member, TITLE, false).await;
    assert_eq!(find(&app, draft).await.state(), ReportState::Draft);
    let path = format!("/opinion-reports/{draft}");
    assert!(member.get(&path).await.text.contains("/edit\""), "the writer edits its draft");
    for other in ["member2", "staff", "leader"] {
        assert_eq!(app.login(other).await.get(&path).await.status, StatusCode::NOT_FOUND, "{other} does not see a draft");
    }
    let staff = app.login("staff").await;
    assert!(!staff.get("/opinion-reports?view=all").await.text.contains(&format!(r#"data-report="{draft}""#)));
    // Sent in, the office and the leaders see it; another member does not, until it is issued.
    acted(&member, draft, &[("action", "submit")]).await;
    assert_eq!(staff.get(&path).await.status, StatusCode::OK);
    assert_eq!(app.login("leader").await.get(&path).await.status, StatusCode::OK);
    let member2 = app.login("member2").await;
    assert_eq!(member2.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(act(&member2, draft, &[("action", "withdraw")]).await.status, StatusCode::NOT_FOUND);
    let mine = member2.get("/opinion-reports").await.text;
    assert!(!mine.contains(&format!(r#"data-report="{draft}""#)), "a member's list is its own");
    // The writer, not a co-author or the office, withdraws; only the office screens.
    assert_eq!(act(&member, draft, &[("action", "adopt"), ("title", TITLE), ("body", BODY)]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(act(&staff, draft, &[("action", "withdraw")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(act(&app.login("leader").await, draft, &[("action", "keep")]).await.status, StatusCode::FORBIDDEN);
    // An issued report of the demo is everyone's to read.
    let issued = report::Entity::find().filter(report::Column::CommitteeId.eq(f.cid)).filter(report::Column::State.eq("issued")).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(member2.get(&format!("/opinion-reports/{}", issued.id)).await.status, StatusCode::OK);
    // Units do not read them at all.
    assert_eq!(app.login("unit").await.get("/opinion-reports").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_adopt_with_an_edit_a_leader_approves_and_it_is_issued_in_a_numbered_bulletin() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let staff = app.login("staff").await;
    let leader = app.login("leader").await;
    let id = written(&member, TITLE, true).await;
    assert!(staff.get("/opinion-reports").await.text.contains(TITLE), "in the screening queue");
    let edited = BODY.replace("建议利用", "建议区住建局利用");
    let short = act(&staff, id, &[("action", "adopt"), ("title", "短"), ("body", &edited)]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text.contains("标题须为5至100字") && short.text.contains(&edited), "the edit is kept for another try");
    acted(&staff, id, &[("action", "adopt"), ("title", "关于加快解决老旧小区停车难的建议"), ("body", &edited)]).await;
    let r = find(&app, id).await;
    assert_eq!((r.state(), r.body.as_str(), r.edited_body.as_deref()), (ReportState::Adopted, BODY, Some(edited.as_str())), "the original is kept beside the edit");
    let page = member.get(&format!("/opinion-reports/{id}")).await.text;
    assert!(page.contains(r#"id="opinion-diff""#) && page.contains("<ins>区住建局</ins>") && page.contains("区政协采用"), "the change is marked");
    assert!(page.contains(r#"id="opinion-original""#) && page.contains(TITLE));

    // The office cannot approve its own adoption; the leader does.
    assert_eq!(act(&staff, id, &[("action", "approve")]).await.status, StatusCode::FORBIDDEN);
    assert!(leader.get("/opinion-reports").await.text.contains("关于加快解决老旧小区停车难的建议"), "in the leader's list to approve");
    acted(&leader, id, &[("action", "approve")]).await;
    assert_eq!(find(&app, id).await.state(), ReportState::Approved);

    // Issued in the year's next bulletin, with its recipients.
    let none = staff.post_form("/opinion-reports/bulletins", &[("leaders", "区委、区政府领导")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text.contains("请至少选择一篇已审签的信息"));
    let units = xieshang::org::store::units(&app.state.db, find(&app, id).await.committee_id).await.unwrap();
    let unit = units.iter().find(|u| u.name == "区住房和城乡建设局").unwrap().id.to_string();
    let res = staff.post_form("/opinion-reports/bulletins", &[("report_ids", &id.to_string()), ("leaders", "区委、区政府领导"), ("unit_ids", &unit)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let b = bulletin::Entity::find_by_id(id_from(res.location())).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((b.year, b.seq, b.units.as_str()), (year(), 1, "区住房和城乡建设局"), "the first of this year");
    assert_eq!(find(&app, id).await.state(), ReportState::Issued);
    let shown = member.get(res.location()).await.text;
    assert!(shown.contains(&format!("{}年第1期", year())) && shown.contains("关于加快解决老旧小区停车难的建议") && shown.contains(&edited));
    let (status, docx) = member.get_bytes(&format!("{}/docx", res.location())).await;
    assert_eq!(status, StatusCode::OK);
    let text = python(READ_DOCX, &docx, "docx");
    for line in ["社情民意", &format!("{}年第1期", year()), "关于加快解决老旧小区停车难的建议", "建议区住建局利用", "报：区委、区政府领导", "送：区住房和城乡建设局"] {
        assert!(text.contains(line), "{line} in the bulletin: {text}");
    }
    let timeline = member.get(&format!("/opinion-reports/{id}")).await.text;
    for step in ["撰写", "提交", "经编辑修改后采用", "审签同意", "编发"] {
        assert!(timeline.contains(step), "{step} on the timeline");
    }
}

/// A report adopted, approved and issued through the store (as the office and a leader).
async fn issued(app: &TestApp, committee_id: i64, authors: Vec<i64>, title: &str) -> Report {
    let r = approved(app, committee_id, authors, title).await;
    let seat = Seat::load(&app.state.db, committee_id).await.unwrap();
    let b = bulletins::NewBulletin { report_ids: vec![r.id], leaders: "区委领导".into(), units: String::new() };
    bulletins::issue(&app.state.db, &seat, &b, &Who::anonymous(Some(committee_id), "staff", "-")).await.unwrap();
    find(app, r.id).await
}

async fn approved(app: &TestApp, committee_id: i64, authors: Vec<i64>, title: &str) -> Report {
    let db = &app.state.db;
    let who = Who::anonymous(Some(committee_id), "staff", "-");
    let by = By::now(&who);
    let txn = sea_orm::TransactionTrait::begin(db).await.unwrap();
    let seat = Seat::load(&txn, committee_id).await.unwrap();
    let input = ReportInput { title: title.into(), body: BODY.into(), category: Category::Urban, kind: SubmitterKind::Member, group_id: None, submitter_name: String::new(), author_ids: authors, source: None, submit: true };
    let r = moves::create(&txn, committee_id, &input, by).await.unwrap();
    let r = moves::adopt(&txn, &seat, &r, &ReportText { title: title.into(), body: BODY.into() }, by).await.unwrap();
    let r = moves::transition(&txn, &seat, &r, ReportAction::Approve, ReportActor::Leader, "", by).await.unwrap();
    txn.commit().await.unwrap();
    r
}

#[tokio::test]
async fn concurrent_issues_give_each_bulletin_its_own_number() {
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let seat = Seat::load(&app.state.db, f.cid).await.unwrap();
    let mut ready = Vec::new();
    for i in 0..8 {
        ready.push(approved(&app, f.cid, vec![f.me], &format!("关于第{i}件民生小事的情况反映")).await);
    }
    let tasks: Vec<_> = ready
        .iter()
        .map(|r| {
            let (db, seat) = (app.state.db.clone(), seat.clone());
            let b = bulletins::NewBulletin { report_ids: vec![r.id], leaders: "区委领导".into(), units: String::new() };
            tokio::spawn(async move { bulletins::issue(&db, &seat, &b, &Who::anonymous(Some(seat.id), "staff", "-")).await })
        })
        .collect();
    let mut numbers = BTreeSet::new();
    for t in tasks {
        let b = t.await.unwrap().expect("every issue succeeds");
        assert_eq!(b.year, year());
        numbers.insert(b.seq);
    }
    assert_eq!(numbers, (1..=8).collect::<BTreeSet<i32>>(), "eight numbers, none repeated or skipped");
    // A report issued already cannot be issued again.
    let again = bulletins::NewBulletin { report_ids: vec![ready[0].id], leaders: "区委领导".into(), units: String::new() };
    assert!(bulletins::issue(&app.state.db, &seat, &again, &Who::anonymous(Some(f.cid), "staff", "-")).await.is_err());
}

#[tokio::test]
async fn a_report_sent_up_enters_the_parent_s_queue_and_the_outcome_there_flows_back() {
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let r = issued(&app, f.cid, vec![f.me, f.other], "关于完善社区居家养老服务的建议").await;
    let staff = app.login("staff").await;
    acted(&staff, r.id, &[("action", "send_up")]).await;
    let sent = find(&app, r.id).await;
    let copy_id = sent.sent_up_id.expect("a copy above");
    assert_eq!(act(&staff, r.id, &[("action", "send_up")]).await.status, StatusCode::UNPROCESSABLE_ENTITY, "sent once");
    let copy = find(&app, copy_id).await;
    assert_eq!((copy.committee_id, copy.state(), copy.from_report_id, copy.kind()), (f.city, ReportState::Submitted, Some(r.id), SubmitterKind::Committee));
    assert!(copy.submitter_name.starts_with("湘潭市岳塘区政协（"), "{}", copy.submitter_name);

    // The city sees the copy in its queue, never the district's own rows.
    let city = app.login("xiangtan-admin").await;
    let queue = city.get("/opinion-reports").await.text;
    assert!(queue.contains(&format!(r#"data-report="{copy_id}""#)) && queue.contains("下级报送"));
    assert_eq!(city.get(&format!("/opinion-reports/{}", r.id)).await.status, StatusCode::NOT_FOUND, "the parent sees only what was sent up");
    let all = city.get("/opinion-reports?view=all&per_page=200").await.text;
    assert!(!all.contains(&format!(r#"data-report="{}""#, r.id)));
    assert_eq!(staff.get(&format!("/opinion-reports/{copy_id}")).await.status, StatusCode::NOT_FOUND, "nor the child the parent's");

    // The city adopts it and a city leader's instruction is recorded: both flow back.
    acted(&city, copy_id, &[("action", "adopt"), ("title", &copy.title), ("body", &format!("岳塘区政协反映：{}", copy.body))]).await;
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive().to_string();
    let res = city.post_form(&format!("/opinion-reports/{copy_id}/outcomes"), &[("kind", "instructed"), ("level", "city"), ("by_whom", "市政府分管副市长"), ("on_date", &today), ("summary", "请市民政局研究落实")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let member = app.login("member").await;
    let page = member.get(&format!("/opinion-reports/{}", r.id)).await.text;
    assert!(page.contains("市政协采用") && page.contains("市级领导批示") && page.contains("请市民政局研究落实"), "the member sees what the city did");
    for author in [f.me, f.other] {
        let credits = records::outcomes_of_member(&app.state.db, author, year()).await.unwrap();
        let got: Vec<(OutcomeKind, Level)> = credits.iter().map(|o| (o.kind, o.level)).collect();
        assert_eq!(got, [(OutcomeKind::Adopted, Level::District), (OutcomeKind::Adopted, Level::City), (OutcomeKind::Instructed, Level::City)], "every author is credited");
        assert!(credits.iter().all(|o| o.report_id == r.id && o.authors == 2));
    }
    assert_eq!(records::outcomes_of_member(&app.state.db, f.me, year()).await.unwrap()[0].lead, true);
    assert_eq!(records::outcomes_of_member(&app.state.db, f.other, year()).await.unwrap()[0].lead, false);
    // The figures: the district counts it as sent up and adopted above, the city as received from below.
    let this_year = metrics::MetricsFilter { from: chrono::NaiveDate::from_ymd_opt(year(), 1, 1), to: None, group: None };
    let district = metrics::load(&app.state.db, f.cid, &this_year).await.unwrap();
    assert_eq!((district.submitted, district.adopted, district.sent_up, district.adopted_above, district.instructions_by_level.city), (1, 1, 1, 1, 1));
    let upper = metrics::load(&app.state.db, f.city, &this_year).await.unwrap();
    assert_eq!((upper.submitted, upper.from_below, upper.adopted, upper.adoption_rate), (1, 1, 1, Some(1.0)));
}

#[tokio::test]
async fn merging_credits_every_author_and_later_outcomes_reach_every_part() {
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let member = app.login("member").await;
    let member2 = app.login("member2").await;
    let a = written(&member, "关于电动自行车集中充电设施不足的情况反映", true).await;
    let b = written(&member2, "关于小区电动自行车飞线充电隐患的情况反映", true).await;
    let staff = app.login("staff").await;
    let one = staff.post_form("/opinion-reports/merge", &[("report_ids", &a.to_string()), ("title", "关于解决电动自行车充电难的建议"), ("body", BODY)]).await;
    assert_eq!(one.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(one.text.contains("请至少选择两篇待编审的信息"));
    let res = staff.post_form("/opinion-reports/merge", &[("report_ids", &a.to_string()), ("report_ids", &b.to_string()), ("title", "关于解决电动自行车充电难的建议"), ("body", BODY)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let c = id_from(res.location());
    let combined = find(&app, c).await;
    assert!(combined.combined && combined.state() == ReportState::Adopted);
    assert_eq!(store::credited_authors(&app.state.db, &combined).await.unwrap(), vec![f.me, f.other], "the combined report credits both");
    for part in [a, b] {
        let p = find(&app, part).await;
        assert_eq!((p.state(), p.combined_into_id), (ReportState::Merged, Some(c)));
    }
    for author in [f.me, f.other] {
        let credits = records::outcomes_of_member(&app.state.db, author, year()).await.unwrap();
        assert_eq!(credits.iter().map(|o| (o.kind, o.level, o.combined)).collect::<Vec<_>>(), [(OutcomeKind::Combined, Level::District, true)], "each author keeps the credit");
    }
    assert!(member2.get(&format!("/opinion-reports/{b}")).await.text.contains("区政协综合采用"));
    // Approved, issued and adopted by the city, the combined report credits its parts again.
    acted(&app.login("leader").await, c, &[("action", "approve")]).await;
    let seat = Seat::load(&app.state.db, f.cid).await.unwrap();
    bulletins::issue(&app.state.db, &seat, &bulletins::NewBulletin { report_ids: vec![c], leaders: "区委领导".into(), units: String::new() }, &Who::anonymous(Some(f.cid), "staff", "-")).await.unwrap();
    acted(&staff, c, &[("action", "send_up")]).await;
    let copy = find(&app, find(&app, c).await.sent_up_id.unwrap()).await;
    assert!(copy.submitter_name.contains("岳塘区政协（") && copy.submitter_name.contains('、'), "both authors named above: {}", copy.submitter_name);
    acted(&app.login("xiangtan-admin").await, copy.id, &[("action", "adopt"), ("title", &copy.title), ("body", &copy.body)]).await;
    for author in [f.me, f.other] {
        let credits = records::outcomes_of_member(&app.state.db, author, year()).await.unwrap();
        assert!(credits.iter().any(|o| (o.kind, o.level, o.combined) == (OutcomeKind::Combined, Level::City, true)), "市政协综合采用 for every part");
    }
    assert!(member.get(&format!("/opinion-reports/{a}")).await.text.contains("市政协综合采用"));
}

#[tokio::test]
async fn a_returned_report_is_revised_and_a_leader_s_sending_back_retracts_the_adoption() {
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let member = app.login("member").await;
    let staff = app.login("staff").await;
    let id = written(&member, TITLE, true).await;
    let no_reason = act(&staff, id, &[("action", "return")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    acted(&staff, id, &[("action", "return"), ("reason", "请补充涉及的小区名称和车位缺口")]).await;
    let page = member.get(&format!("/opinion-reports/{id}")).await.text;
    assert!(page.contains("已退回") && page.contains("请补充涉及的小区名称和车位缺口") && page.contains("/edit\""));
    let revised = [("title", TITLE), ("body", "书院路街道葩金、友谊等5个老旧小区停车位缺口约300个，夜间车辆占用消防通道。建议利用闲置地块建设临时停车场。"), ("category", "urban"), ("submitter_kind", "member"), ("submit", "yes")];
    assert_eq!(member.post_form(&format!("/opinion-reports/{id}"), &revised).await.status, StatusCode::SEE_OTHER);
    assert_eq!(find(&app, id).await.state(), ReportState::Submitted);
    assert_eq!(member.post_form(&format!("/opinion-reports/{id}"), &revised).await.status, StatusCode::FORBIDDEN, "sent in, no longer editable");
    acted(&staff, id, &[("action", "adopt"), ("title", TITLE), ("body", BODY)]).await;
    assert_eq!(records::outcomes_of_member(&app.state.db, f.me, year()).await.unwrap().len(), 1);
    let leader = app.login("leader").await;
    assert_eq!(act(&leader, id, &[("action", "decline")]).await.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is needed");
    acted(&leader, id, &[("action", "decline"), ("reason", "与第3期内容重复")]).await;
    assert_eq!(find(&app, id).await.state(), ReportState::Submitted, "back in the queue");
    assert!(records::outcomes_of_member(&app.state.db, f.me, year()).await.unwrap().is_empty(), "the adoption no longer stands");
    acted(&staff, id, &[("action", "keep")]).await;
    assert_eq!(find(&app, id).await.state(), ReportState::Kept);
    assert_eq!(act(&staff, id, &[("action", "adopt"), ("title", TITLE), ("body", BODY)]).await.status, StatusCode::UNPROCESSABLE_ENTITY, "kept is final");
}

#[tokio::test]
async fn a_converted_demand_is_taken_up_with_its_link() {
    use xieshang::demands::store::demand;
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let waiting = demand::Entity::find()
        .filter(demand::Column::CommitteeId.eq(f.cid))
        .filter(demand::Column::ConvertedKind.eq("opinion_report"))
        .filter(demand::Column::ConvertedId.is_null())
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the demo leaves a converted demand to draft");
    let staff = app.login("staff").await;
    // The link's "&" is escaped in the page; its end is enough to find it.
    let href = format!("source_id={}\">", waiting.id);
    assert!(staff.get("/opinion-reports").await.text.contains(&href), "offered in the queue");
    let form = staff.get(&format!("/opinion-reports/new?source_type=demand&source_id={}", waiting.id)).await.text;
    assert!(form.contains(&format!(r#"name="source_id" value="{}""#, waiting.id)) && form.contains(&waiting.description), "the form starts from the demand");
    let sid = waiting.id.to_string();
    let fields = [("title", TITLE), ("body", BODY), ("category", "urban"), ("submitter_kind", "staff"), ("source_type", "demand"), ("source_id", sid.as_str()), ("submit", "yes")];
    let res = staff.post_form("/opinion-reports", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = id_from(res.location());
    let r = find(&app, id).await;
    assert_eq!((r.source_type.as_deref(), r.source_id, r.submitter_name.as_str()), (Some("demand"), Some(waiting.id), "提案委干部"));
    let linked = demand::Entity::find_by_id(waiting.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(linked.converted_id, Some(id), "the demand points at its report");
    assert!(staff.get(&format!("/opinion-reports/{id}")).await.text.contains(&format!(r#"href="/demands/{}""#, waiting.id)));
    assert!(!staff.get("/opinion-reports").await.text.contains(&href), "no longer waiting");
    let unknown = [("source_type", "proposal"), ("source_id", "999999")];
    let mut bad = fields.to_vec();
    bad.truncate(4);
    bad.extend(unknown);
    let res = staff.post_form("/opinion-reports", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("来源无效"));
}

#[tokio::test]
async fn the_api_lists_with_its_filters_writes_and_moves_reports() {
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let staff = app.token("staff").await;
    let c = app.client();
    let groups = xieshang::org::structure::groups(&app.state.db, f.cid).await.unwrap();
    let shuyuan = groups.iter().find(|g| g.name == "书院路政协小组").unwrap().id;
    // The article's figure, from the demo's records: 书院路's 23 reports from New Year to 19 April.
    let list = c.get_bearer(&format!("/api/v1/opinion-reports?group={shuyuan}&from=2022-01-01&to=2022-04-19&per_page=100"), &staff).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.json()["total"], 23);
    let figures = c.get_bearer(&format!("/api/v1/opinion-reports/metrics?group={shuyuan}&from=2022-01-01&to=2022-04-19"), &staff).await.json();
    assert_eq!(figures["submitted"], 23);
    let city = c.get_bearer("/api/v1/opinion-reports?level=city&per_page=200", &staff).await.json();
    assert!(city["total"].as_u64().unwrap() >= 5, "adopted or instructed by the city");
    assert!(city["items"].as_array().unwrap().iter().all(|r| r["outcomes"].as_array().unwrap().iter().any(|o| o["level"] == "city")));
    let queue = c.get_bearer("/api/v1/opinion-reports?status=submitted", &staff).await.json();
    assert!(queue["items"].as_array().unwrap().iter().all(|r| r["state"] == "submitted"));
    let bad = c.get_bearer("/api/v1/opinion-reports?status=lost&level=town&from=x", &staff).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["status", "level", "from"] {
        assert!(bad.text.contains(field), "{field} named: {}", bad.text);
    }

    // A member writes and sends in through the API; the office adopts; the leader approves.
    let member = app.token("member").await;
    let body = format!(r#"{{"title":"{TITLE}","body":"{BODY}","category":"urban","submit":true}}"#);
    let res = c.post_json("/api/v1/opinion-reports", &body, Some(&member)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.json()["id"].as_i64().unwrap();
    assert_eq!((res.json()["state"].as_str(), res.json()["author_ids"][0].as_i64()), (Some("submitted"), Some(f.me)));
    let too_long = format!(r#"{{"title":"{TITLE}","body":"{}","category":"urban"}}"#, "字".repeat(1501));
    assert_eq!(c.post_json("/api/v1/opinion-reports", &too_long, Some(&member)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mine = c.get_bearer("/api/v1/opinion-reports?per_page=200", &member).await.json();
    assert!(mine["items"].as_array().unwrap().iter().all(|r| r["author_ids"].as_array().unwrap().contains(&f.me.into())), "a member lists its own");
    let moved = c.post_json(&format!("/api/v1/opinion-reports/{id}/transitions"), &format!(r#"{{"action":"adopt","title":"{TITLE}","body":"{BODY}"}}"#), Some(&staff)).await;
    assert_eq!((moved.status, moved.json()["state"].as_str()), (StatusCode::OK, Some("adopted")));
    assert_eq!(c.post_json(&format!("/api/v1/opinion-reports/{id}/transitions"), r#"{"action":"approve"}"#, Some(&staff)).await.status, StatusCode::FORBIDDEN);
    let leader = app.token("leader").await;
    let ok = c.post_json(&format!("/api/v1/opinion-reports/{id}/transitions"), r#"{"action":"approve"}"#, Some(&leader)).await;
    assert_eq!(ok.json()["state"], "approved");
    let issue = c.post_json("/api/v1/opinion-reports/bulletins", &format!(r#"{{"report_ids":[{id}],"leaders":"区委领导"}}"#), Some(&staff)).await;
    assert_eq!(issue.status, StatusCode::CREATED, "{}", issue.text);
    assert_eq!(issue.json()["name"], format!("《社情民意》{}年第1期", year()));
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let o = c.post_json(&format!("/api/v1/opinion-reports/{id}/outcomes"), &format!(r#"{{"kind":"instructed","level":"district","by_whom":"区委主要负责同志","on_date":"{today}","summary":"请区住建局研究"}}"#), Some(&staff)).await;
    assert_eq!(o.status, StatusCode::CREATED, "{}", o.text);
    assert!(o.json()["outcomes"].as_array().unwrap().iter().any(|x| x["kind"] == "instructed" && x["by_whom"] == "区委主要负责同志"));
    let one = c.get_bearer(&format!("/api/v1/opinion-reports/{id}"), &member).await;
    assert_eq!(one.json()["state"], "issued");

    let doc = c.get("/api/openapi.json").await.json();
    for path in ["/api/v1/opinion-reports", "/api/v1/opinion-reports/{id}", "/api/v1/opinion-reports/{id}/transitions", "/api/v1/opinion-reports/{id}/outcomes", "/api/v1/opinion-reports/merge", "/api/v1/opinion-reports/bulletins", "/api/v1/opinion-reports/metrics"] {
        assert!(doc["paths"][path].is_object(), "{path} in the OpenAPI");
    }
}

#[tokio::test]
async fn the_register_filters_outcomes_and_exports_them() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let page = staff.get("/opinion-reports/outcomes?level=city").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("市政协采用") && !page.text.contains("区政协采用</span>"), "only the city's");
    let (status, bytes) = staff.get_bytes("/opinion-reports/outcomes.xlsx?level=province").await;
    assert_eq!(status, StatusCode::OK);
    let read = python(READ_XLSX, &bytes, "xlsx");
    let lines: Vec<&str> = read.lines().collect();
    assert_eq!(lines[0], "社情民意成果登记");
    assert!(lines[1].parse::<u32>().unwrap() >= 2, "the province's adoptions that flowed back: {read}");
    assert!(lines[2].starts_with("序号|日期|成果|层级|信息标题|作者/报送单位"), "{read}");
    let cells = python("import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\nprint('\\n'.join(str(r[2].value) for r in ws.iter_rows(min_row=2)))\n", &bytes, "xlsx");
    assert!(cells.lines().all(|l| l.starts_with("省")), "only the province's outcomes: {cells}");
    assert_eq!(app.login("member").await.get("/opinion-reports/outcomes").await.status, StatusCode::FORBIDDEN, "the office's and the leaders'");
    assert_eq!(app.login("leader").await.get("/opinion-reports/outcomes").await.status, StatusCode::OK);
    let bulletins = staff.get("/opinion-reports/bulletins").await.text;
    assert!(bulletins.contains("《社情民意》2022年第1期") && bulletins.contains("《社情民意》2021年第1期"), "numbering per year");
}

#[tokio::test]
async fn a_proposal_the_review_converted_is_drafted_as_a_report_with_its_link() {
    use xieshang::proposals::model::{ProposalAction as P, ProposalActor as A, ProposalKind};
    use xieshang::proposals::store::{self as proposals, NewProposal};
    let app = TestApp::demo().await;
    let f = fx(&app).await;
    let db = &app.state.db;
    let term = xieshang::org::terms::terms(db, f.cid).await.unwrap().remove(0);
    let session_id = xieshang::org::terms::plenaries(db, term.id).await.unwrap()[0].id;
    let who = Who::anonymous(Some(f.cid), "staff", "-");
    let new = NewProposal { kind: ProposalKind::Regular, session_id: Some(session_id), title: "关于楼道照明维修责任的提案".into(), body: BODY.into(), suggested_units: String::new(), lead_member_id: f.me, cosigner_ids: vec![] };
    let p = proposals::create_draft(db, f.cid, &new, &who).await.unwrap();
    let p = proposals::transition(db, &p, P::Submit { joint: false }, A::Lead, "", &who).await.unwrap();
    let p = proposals::transition(db, &p, P::Accept, A::Staff, "", &who).await.unwrap();
    let p = proposals::transition(db, &p, P::Convert { consent: true }, A::Staff, "转为社情民意信息：事项具体，宜以社情民意信息反映", &who).await.unwrap();
    let staff = app.login("staff").await;
    let waiting = format!("source_type=proposal&#38;source_id={}\">", p.id);
    assert!(staff.get("/opinion-reports").await.text.contains(&waiting), "offered in the queue");
    let form = staff.get(&format!("/opinion-reports/new?source_type=proposal&source_id={}", p.id)).await.text;
    assert!(form.contains("关于楼道照明维修责任的提案") && form.contains(BODY), "the form starts from the proposal");
    let me = f.me.to_string();
    let sid = p.id.to_string();
    let fields = [("title", "关于明确楼道照明维修责任的建议"), ("body", BODY), ("category", "urban"), ("submitter_kind", "member"), ("author_ids", me.as_str()), ("source_type", "proposal"), ("source_id", sid.as_str()), ("submit", "yes")];
    let res = staff.post_form("/opinion-reports", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let r = find(&app, id_from(res.location())).await;
    assert_eq!((r.source_type.as_deref(), r.source_id, r.state()), (Some("proposal"), Some(p.id), ReportState::Submitted));
    assert_eq!(store::authors_of(db, &[r.id]).await.unwrap()[&r.id], vec![f.me], "written by the office for the proposer");
    assert!(staff.get(&format!("/opinion-reports/{}", r.id)).await.text.contains(&format!(r#"href="/proposals/{}""#, p.id)));
    assert!(!staff.get("/opinion-reports").await.text.contains(&waiting), "no longer waiting");
    // The proposer finds it among its own reports.
    assert!(app.login("member").await.get("/opinion-reports").await.text.contains("关于明确楼道照明维修责任的建议"));
}

#[tokio::test]
async fn the_member_file_lists_the_members_reports_to_itself_and_to_staff_only() {
    let app = TestApp::demo().await;
    let me = member_of(&app, "member").await;
    let mine = xieshang::opinions::records::reports_of_member(&app.state.db, me, 2022).await.unwrap();
    assert!(!mine.is_empty(), "the demo member sent reports in 2022");
    let link = format!(r#"href="/opinion-reports/{}""#, mine[0].report_id);
    let own = app.login("member").await.get(&format!("/members/{me}")).await.text;
    assert!(own.contains(r#"id="member-opinions""#) && own.contains(&link), "the member sees its reports");
    let staff = app.login("staff").await.get(&format!("/members/{me}")).await.text;
    assert!(staff.contains(&link), "staff see them");
    let other = app.login("member2").await.get(&format!("/members/{me}")).await.text;
    assert!(!other.contains(r#"id="member-opinions""#), "another member does not");
}

#[tokio::test]
async fn the_home_page_counts_the_opinion_work_of_each_role() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use xieshang::opinions::store::report;
    let app = TestApp::demo().await;
    let cid = xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id;
    let queued = report::Entity::find().filter(report::Column::CommitteeId.eq(cid)).filter(report::Column::State.eq("submitted")).count(&app.state.db).await.unwrap();
    let home = app.login("staff").await.get("/").await.text;
    let work = &home[home.find(r#"id="opinion-work""#).expect("staff see their 社情民意 work")..];
    assert!(work.contains(&format!(r#"<a href="/opinion-reports?view=queue"><strong>{queued}</strong>"#)), "the queue's count");
    let leader = app.login("leader").await.get("/").await.text;
    assert!(leader.contains(r#"href="/opinion-reports?view=approval""#), "a leader's approvals");
    let member = app.login("member").await.get("/").await.text;
    assert!(member.contains("社情民意待修改") && !member.contains("view=queue"), "a member's returned reports, no queue");
    assert!(!app.login("unit").await.get("/").await.text.contains(r#"id="opinion-work""#));
}
