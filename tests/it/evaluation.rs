//! 履职评价 end to end: the demo's 2022 ranking, a ledger scored as counted by hand that follows
//! its sources when they change, rule edits that count only after re-evaluation and never in a
//! frozen year, the rules file out and in, who sees what, and the Excel and Word downloads.
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::Value;
use xieshang::activities::model::{ActivityInput, ActivityKind, Attendance, AttendanceAction};
use xieshang::activities::store as activities;
use xieshang::app::audit::Who;
use xieshang::org::members::{self, MemberData};
use xieshang::org::values::{MemberStatus, Position};

use crate::harness::TestApp;

async fn committee(app: &TestApp) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id
}

async fn api(app: &TestApp, user: &str, path: &str) -> Value {
    let t = app.token(user).await;
    let res = app.client().get_bearer(path, &t).await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text);
    res.json()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).unwrap()
}

/// An activity of `kind` on `on` with `member` on its roll, settled to `attendance` through the
/// activities area's own moves (signed in, or absent when the roll is closed).
async fn attended(app: &TestApp, committee_id: i64, member: i64, kind: ActivityKind, on: NaiveDate, attendance: Attendance) -> i64 {
    let input = ActivityInput {
        kind,
        title: format!("{kind:?} {on}"),
        organiser: String::new(),
        group_id: None,
        on_date: on,
        end_date: on,
        place_id: None,
        address: String::new(),
        description: String::new(),
        people_served: 0,
        volunteers: 0,
        households: 0,
        funds_fen: 0,
        items_given: String::new(),
        items_count: 0,
        participant_ids: vec![member],
        shared: false,
    };
    let who = Who::anonymous(Some(committee_id), "test", "-");
    let a = activities::create(&app.state.db, committee_id, &input, &who).await.unwrap();
    let action = match attendance {
        Attendance::Present => AttendanceAction::SignIn,
        _ => AttendanceAction::Close,
    };
    let when = if action == AttendanceAction::SignIn { on } else { on + chrono::Duration::days(1) };
    activities::attend(&app.state.db, &a, member, action, "", when, &who).await.unwrap();
    a.id
}

async fn new_member(app: &TestApp, committee_id: i64, name: &str) -> i64 {
    let sector_id = xieshang::org::structure::sectors(&app.state.db, committee_id).await.unwrap()[0].id;
    let d = MemberData {
        name: name.into(),
        gender: None,
        birth_month: None,
        ethnicity: None,
        party: None,
        sector_id,
        place_id: None,
        group_ids: vec![],
        position: Position::Member,
        employer: None,
        mobile: None,
        status: MemberStatus::InOffice,
        user_id: None,
    };
    members::insert(&app.state.db, committee_id, &d).await.unwrap().id
}

fn line<'a>(file: &'a Value, kind: &str) -> &'a Value {
    file["lines"].as_array().unwrap().iter().find(|l| l["kind"] == kind).unwrap_or_else(|| panic!("a line {kind}: {file}"))
}

#[tokio::test]
async fn the_demo_ranking_looks_real() {
    let app = TestApp::demo().await;
    let r = api(&app, "staff", "/api/v1/evaluation?year=2022").await;
    assert_eq!(r["state"], "evaluated");
    let members = r["members"].as_array().unwrap();
    assert_eq!(members.len(), 181);
    let band = |b: &str| members.iter().filter(|m| m["band"] == b).count();
    assert!(band("称职") > 120, "most members competent: {}", band("称职"));
    assert!((3..=30).contains(&band("优秀")), "some excellent: {}", band("优秀"));
    let failing: Vec<&Value> = members.iter().filter(|m| !m["missed"].as_array().unwrap().is_empty()).collect();
    assert!((3..=25).contains(&failing.len()), "a few failing minimums: {}", failing.len());
    let inactive: Vec<&Value> = members.iter().filter(|m| m["inactive"] == true).collect();
    assert!((2..=4).contains(&inactive.len()), "2–3 inactive members: {}", inactive.len());
    for m in &inactive {
        let last = m["last_duty"].as_str().unwrap();
        assert!(last.is_empty() || last < "2022-07-01", "the evidence is a duty before the span: {last}");
        assert!(!m["called_for"].as_array().unwrap().is_empty() || m["missed"].as_array().unwrap().is_empty());
    }
    let totals: Vec<f64> = members.iter().map(|m| m["total"].as_f64().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "best first");
    assert_eq!(members[0]["rank"], 1);

    let staff = app.login("staff").await;
    let page = staff.get("/evaluation?year=2022").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("不活跃委员") && page.text.contains("未达基本履职要求") && page.text.contains("id=\"ranking\""));
    let sector = r["members"][0]["sector"].as_str().unwrap().to_string();
    let cid = committee(&app).await;
    let sector_id = xieshang::org::structure::sectors(&app.state.db, cid).await.unwrap().into_iter().find(|s| s.name == sector).unwrap().id;
    let filtered = api(&app, "staff", &format!("/api/v1/evaluation?year=2022&sector={sector_id}")).await;
    let filtered = filtered["members"].as_array().unwrap();
    assert!(!filtered.is_empty() && filtered.len() < 181 && filtered.iter().all(|m| m["sector"] == sector.as_str()));
    assert_eq!(filtered[0]["rank"], 1, "ranks within the filter");
    let bad = app.client().get_bearer("/api/v1/evaluation?year=2022&sector=999999", &app.token("staff").await).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "a sector of nobody is named");

    // The ranking reads each member's standing from its own column, the same as its file says;
    // a row kept before that column existed (NULL) is read from its file, to the same answer.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use xieshang::evaluation::store::{self, Standing, score};
    let from_files: Vec<Standing> = store::results(&app.state.db, cid, 2022).await.unwrap().iter().map(Standing::from).collect();
    assert_eq!(from_files.len(), 181);
    assert_eq!(store::standings(&app.state.db, cid, 2022).await.unwrap(), from_files);
    score::Entity::update_many().col_expr(score::Column::Standing, Expr::value(Option::<String>::None)).filter(score::Column::CommitteeId.eq(cid)).exec(&app.state.db).await.unwrap();
    assert_eq!(store::standings(&app.state.db, cid, 2022).await.unwrap(), from_files);
    assert_eq!(api(&app, "staff", "/api/v1/evaluation?year=2022").await, r, "the same ranking from the files");
}

#[tokio::test]
async fn a_ledger_scores_as_counted_by_hand_and_follows_its_sources() {
    let app = TestApp::demo().await;
    let cid = committee(&app).await;
    let m = new_member(&app, cid, "测试委员").await;
    attended(&app, cid, m, ActivityKind::Plenary, day(1, 8), Attendance::Present).await;
    for k in 0..12 {
        attended(&app, cid, m, ActivityKind::Study, day(2, 1) + chrono::Duration::days(k * 7), Attendance::Present).await;
    }
    attended(&app, cid, m, ActivityKind::Volunteering, day(7, 1), Attendance::Present).await;
    let standing = attended(&app, cid, m, ActivityKind::StandingCommittee, day(6, 28), Attendance::Absent).await;
    let staff = app.login("staff").await;
    let res = staff.post_form(&format!("/evaluation/members/{m}/records?year=2022"), &[("kind", "speech"), ("on_date", "2022-01-08"), ("reason", "大会发言")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);

    // The demo's 2022 rules: base 60; plenary +5; 12 activities ×1 capped at 10; volunteering +1;
    // standing committee absent −5; speech +3 → 74. Writing duty (proposal or report) unmet.
    let file = api(&app, "staff", &format!("/api/v1/members/{m}/duty-records?year=2022")).await;
    assert_eq!(file["total"].as_f64(), Some(74.0), "{file}");
    assert_eq!(file["band"], "称职");
    let act = line(&file, "activity_present");
    assert_eq!((act["raw"].as_f64(), act["points"].as_f64(), act["capped"].as_bool()), (Some(12.0), Some(10.0), Some(true)));
    assert_eq!(act["records"].as_array().unwrap().len(), 12);
    assert!(act["records"][0]["href"].as_str().unwrap().starts_with("/activities/"), "each record links its source");
    assert_eq!(line(&file, "standing_absent")["points"].as_f64(), Some(-5.0));
    assert_eq!(line(&file, "speech")["records"][0]["title"], "大会发言");
    let missed: Vec<&Value> = file["minimums"].as_array().unwrap().iter().filter(|x| x[3] == false).collect();
    assert_eq!(missed.len(), 1, "only the writing duty: {missed:?}");
    assert_eq!(file["inactive"], false);

    // The attendance is corrected after the meeting: the ledger follows (−5 gone, +2 in).
    let a = activities::find(&app.state.db, cid, standing).await.unwrap().unwrap();
    let who = Who::anonymous(Some(cid), "test", "-");
    activities::attend(&app.state.db, &a, m, AttendanceAction::Correct(Attendance::Present), "会后补签到", day(7, 1), &who).await.unwrap();
    let file = api(&app, "staff", &format!("/api/v1/members/{m}/duty-records?year=2022")).await;
    assert_eq!(file["total"].as_f64(), Some(81.0), "{file}");
    assert!(file["lines"].as_array().unwrap().iter().all(|l| l["kind"] != "standing_absent"));

    // The top member's file explains its score: each line's raw points are its records'.
    let year = api(&app, "staff", "/api/v1/evaluation?year=2022").await;
    let top = year["members"][0]["member_id"].as_i64().unwrap();
    let top = api(&app, "staff", &format!("/api/v1/members/{top}/duty-records?year=2022")).await;
    let joint = top["lines"].as_array().unwrap().iter().flat_map(|l| l["records"].as_array().unwrap()).any(|r| r["record"]["credit"] == "joint");
    let sum: f64 = top["lines"].as_array().unwrap().iter().map(|l| l["points"].as_f64().unwrap()).sum();
    assert!((60.0 + sum - top["total"].as_f64().unwrap()).abs() < 1e-9, "the total is the base and its lines");
    assert!(joint || top["lines"].as_array().unwrap().iter().all(|l| l["kind"] != "proposal_filed"), "co-signed items count jointly");
    for l in top["lines"].as_array().unwrap() {
        let sum: f64 = l["records"].as_array().unwrap().iter().map(|r| r["points"].as_f64().unwrap()).sum();
        assert!((sum - l["raw"].as_f64().unwrap()).abs() < 1e-9, "a line's raw points are its records': {l}");
    }

    // A proposal that is not filed after all leaves the ledger of every signer.
    let filed = top["lines"].as_array().unwrap().iter().find(|l| l["kind"] == "proposal_filed").expect("the top member filed a proposal");
    let pid = filed["records"][0]["record"]["source_id"].as_i64().unwrap();
    let top_id = year["members"][0]["member_id"].as_i64().unwrap();
    let live = |f: &Value| f["records"].as_array().unwrap().iter().filter(|r| r["record"]["source_type"] == "proposal" && r["record"]["source_id"] == pid).count();
    let cid2 = committee(&app).await;
    let rules = xieshang::evaluation::store::rules_for(&app.state.db, cid2, 2022).await.unwrap().0;
    let as_of = NaiveDate::from_ymd_opt(2022, 12, 31).unwrap();
    let before = xieshang::evaluation::evaluate::compute(&app.state.db, cid2, &rules, as_of, &[top_id]).await.unwrap().remove(0);
    let before_n = before.records.iter().filter(|e| e.record.source_type == "proposal" && e.record.source_id == pid).count();
    assert!(before_n >= 1 && live(&top) == before_n);
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    xieshang::proposals::store::proposal::Entity::update_many()
        .col_expr(xieshang::proposals::store::proposal::Column::State, Expr::value("not_filed"))
        .filter(xieshang::proposals::store::proposal::Column::Id.eq(pid))
        .exec(&app.state.db)
        .await
        .unwrap();
    let after = xieshang::evaluation::evaluate::compute(&app.state.db, cid2, &rules, as_of, &[top_id]).await.unwrap().remove(0);
    assert_eq!(after.records.iter().filter(|e| e.record.source_type == "proposal" && e.record.source_id == pid).count(), 0, "the record follows its proposal");
    assert!(after.score.total <= before.score.total);

    // A manual record taken back is gone from the ledger; both moves are in the audit log.
    let id = line(&file, "speech")["records"][0]["record"]["source_id"].as_i64().unwrap();
    let res = staff.post_form(&format!("/evaluation/records/{id}/delete"), &[("year", "2022")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let file = api(&app, "staff", &format!("/api/v1/members/{m}/duty-records?year=2022")).await;
    assert_eq!(file["total"].as_f64(), Some(78.0));
    let audit = app.login("auditor").await.get("/audit").await;
    assert!(audit.text.contains("履职记录"), "manual records are audited");
}

#[tokio::test]
async fn rule_edits_count_after_reevaluation_and_never_in_a_frozen_year() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let year = api(&app, "staff", "/api/v1/evaluation?year=2022").await;
    // A member with visits in 2022.
    let mut visitor = None;
    for m in year["members"].as_array().unwrap() {
        let id = m["member_id"].as_i64().unwrap();
        let f = api(&app, "staff", &format!("/api/v1/members/{id}/duty-records?year=2022")).await;
        if f["lines"].as_array().unwrap().iter().any(|l| l["kind"] == "visit" && !l["capped"].as_bool().unwrap()) {
            visitor = Some((id, f));
            break;
        }
    }
    let (id, before) = visitor.expect("a member with a few visits");
    let visits = line(&before, "visit")["records"].as_array().unwrap().len() as f64;

    // Visits worth 1 instead of 0.5, no cap: saved, but the kept score waits for re-evaluation.
    let rules = staff.get("/evaluation/rules?year=2022").await;
    assert_eq!(rules.status, StatusCode::OK);
    let mut form = form_fields(&rules.text);
    set(&mut form, "points.visit", "1");
    set(&mut form, "cap.visit", "");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = staff.post_form("/evaluation/rules?year=2022", &pairs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let kept = api(&app, "staff", &format!("/api/v1/members/{id}/duty-records?year=2022")).await;
    assert_eq!(kept["total"], before["total"], "kept scores keep their rules");
    let page = staff.get(&format!("/evaluation/members/{id}?year=2022")).await;
    assert!(page.text.contains("id=\"live-changed\""), "the file says the live score differs");

    let res = staff.post_form("/evaluation/evaluate", &[("year", "2022")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = api(&app, "staff", &format!("/api/v1/members/{id}/duty-records?year=2022")).await;
    let expected = before["total"].as_f64().unwrap() + visits * 0.5;
    assert!((after["total"].as_f64().unwrap() - expected).abs() < 1e-9, "{} → {} with {visits} visits", before["total"], after["total"]);

    // Frozen: no more rule edits, evaluations or manual records for 2022.
    let res = staff.post_form("/evaluation/freeze", &[("year", "2022")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = staff.post_form("/evaluation/rules?year=2022", &pairs).await;
    assert!(res.status == StatusCode::OK && res.text.contains("已定档"), "{}", res.status);
    assert_eq!(staff.post_form("/evaluation/evaluate", &[("year", "2022")]).await.status, StatusCode::CONFLICT);
    let res = staff.post_form(&format!("/evaluation/members/{id}/records?year=2022"), &[("kind", "speech"), ("on_date", "2022-05-01"), ("reason", "书面发言")]).await;
    assert!(res.text.contains("已定档"), "a frozen year takes no manual record");
    let frozen = api(&app, "staff", &format!("/api/v1/members/{id}/duty-records?year=2022")).await;
    assert_eq!(frozen["total"], after["total"]);
    assert_eq!(frozen["state"], "frozen");
    // The next year starts from a copy of these rules.
    let next = staff.get("/evaluation/rules.json?year=2023").await;
    let next: Value = serde_json::from_str(&next.text).unwrap();
    assert_eq!(next["year"], 2023);
    assert!(next["items"].as_array().unwrap().iter().any(|i| i["kind"] == "visit" && i["points"] == 1.0));
}

/// The inputs of a form page (name, value), text inputs and the selected options of selects.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let start = tag.find(&key)? + key.len();
        Some(tag[start..].split('"').next()?.replace("&#34;", "\"").replace("&quot;", "\"").replace("&#38;", "&").replace("&amp;", "&"))
    };
    let mut out = Vec::new();
    for piece in html.split('<').skip(1) {
        let tag = piece.split('>').next().unwrap_or("");
        if tag.starts_with("input ") && attr(tag, "type").is_none_or(|t| t != "file") {
            if let Some(n) = attr(tag, "name") {
                out.push((n, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("textarea ") {
            let body = piece.split_once('>').map(|x| x.1).unwrap_or("");
            out.push((attr(tag, "name").unwrap(), body.replace("&#10;", "\n")));
        }
    }
    let mut select = None;
    for piece in html.split('<').skip(1) {
        let tag = piece.split('>').next().unwrap_or("");
        if tag.starts_with("select ") {
            select = attr(tag, "name");
        } else if tag.starts_with("option ") && tag.contains(" selected") {
            if let (Some(s), Some(v)) = (&select, attr(tag, "value")) {
                out.push((s.clone(), v));
            }
        }
    }
    out
}

fn set(form: &mut [(String, String)], name: &str, value: &str) {
    let f = form.iter_mut().find(|(k, _)| k == name).unwrap_or_else(|| panic!("a field {name}"));
    f.1 = value.into();
}

#[tokio::test]
async fn the_rules_file_goes_out_and_in_and_bad_files_are_named() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let out = staff.get("/evaluation/rules.json?year=2022").await;
    assert_eq!(out.status, StatusCode::OK);
    let res = staff.post_multipart("/evaluation/rules/import?year=2024", &[("file", Some("rules.json"), out.text.as_bytes())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let back: Value = serde_json::from_str(&staff.get("/evaluation/rules.json?year=2024").await.text).unwrap();
    let orig: Value = serde_json::from_str(&out.text).unwrap();
    assert_eq!(back["year"], 2024, "imported into the page's year");
    assert_eq!(back["items"], orig["items"]);
    assert_eq!(back["minimums"], orig["minimums"]);
    let res = staff.post_multipart("/evaluation/rules/import?year=2024", &[("file", Some("rules.json"), b"{\"year\": 2024")]).await;
    assert!(res.text.contains("规则文件格式有误"), "{}", res.status);
    let bad = out.text.replacen("\"joint_share\": 0.5", "\"joint_share\": 2.0", 1);
    let res = staff.post_multipart("/evaluation/rules/import?year=2024", &[("file", Some("rules.json"), bad.as_bytes())]).await;
    assert!(res.text.contains("联名分值比例须在0到1之间"));
    // A form with a bad cell changes nothing and names the row.
    let page = staff.get("/evaluation/rules?year=2024").await;
    let mut form = form_fields(&page.text);
    set(&mut form, "points.visit", "半分");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = staff.post_form("/evaluation/rules?year=2024", &pairs).await;
    assert!(res.text.contains("计分项“走访群众”的分值：须为数字"), "{}", res.status);
    let still: Value = serde_json::from_str(&staff.get("/evaluation/rules.json?year=2024").await.text).unwrap();
    assert_eq!(still["items"], orig["items"]);
}

#[tokio::test]
async fn members_see_their_own_file_and_staff_download_the_table() {
    let app = TestApp::demo().await;
    let me = app.login("member").await;
    let res = me.get("/evaluation?year=2022").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let own = res.location().to_string();
    assert!(own.starts_with("/evaluation/members/"));
    let file = me.get(&own).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.text.contains("计分明细") && !file.text.contains("补录履职记录"), "a member reads, staff write");
    let year = api(&app, "staff", "/api/v1/evaluation?year=2022").await;
    let own_id: i64 = own.trim_start_matches("/evaluation/members/").split('?').next().unwrap().parse().unwrap();
    let other = year["members"].as_array().unwrap().iter().map(|m| m["member_id"].as_i64().unwrap()).find(|id| *id != own_id).unwrap();
    assert_eq!(me.get(&format!("/evaluation/members/{other}?year=2022")).await.status, StatusCode::FORBIDDEN);
    let t = app.token("member").await;
    assert_eq!(app.client().get_bearer(&format!("/api/v1/members/{own_id}/duty-records?year=2022"), &t).await.status, StatusCode::OK);
    assert_eq!(app.client().get_bearer("/api/v1/evaluation?year=2022", &t).await.status, StatusCode::FORBIDDEN);
    let leader = app.login("leader").await;
    assert_eq!(leader.get(&format!("/evaluation/members/{other}?year=2022")).await.status, StatusCode::OK);
    assert_eq!(leader.post_form("/evaluation/evaluate", &[("year", "2022")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("unit").await.get("/evaluation").await.status, StatusCode::FORBIDDEN);

    let staff = app.login("staff").await;
    let (status, bytes) = staff.get_bytes("/evaluation/export.xlsx?year=2022").await;
    assert_eq!(status, StatusCode::OK);
    let out = crate::proposal_pages::python(crate::proposal_pages::READ_XLSX, &bytes, "xlsx");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("排名"));
    assert_eq!(lines.next(), Some("182"), "a title row, a head row and 181 members");
    let (status, bytes) = staff.get_bytes(&format!("/evaluation/members/{other}/file.docx?year=2022")).await;
    assert_eq!(status, StatusCode::OK);
    let text = crate::proposal_pages::python(crate::proposal_pages::READ_DOCX, &bytes, "docx");
    assert!(text.contains("2022年度履职档案") && text.contains("计分明细") && text.contains("基本履职要求"), "{text}");
}
