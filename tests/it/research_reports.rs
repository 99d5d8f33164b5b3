//! Research reports (调研报告): the form and its checks, a document attached and downloaded, who
//! edits, outcomes recorded by staff only, the list's totals and filters, the API, the member
//! file, and the demo's figure for 书院路政协小组.
use std::collections::{BTreeSet, HashMap};

use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xieshang::org::{members, structure};
use xieshang::research::store::{author, outcome, report};

use crate::harness::TestApp;

const TITLE: &str = "关于社区嵌入式托育服务的调研报告";
const BODY: &str = "一、基本情况：辖区内三岁以下婴幼儿约两千人，普惠托位不足。二、问题：场地难找、运营成本高、专业人员缺乏。三、建议：利用社区闲置用房建设嵌入式托育点，给予运营补贴。";

async fn committee_id(app: &TestApp) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id
}

/// The member record behind a demo account.
async fn member_of(app: &TestApp, username: &str) -> i64 {
    let user = xieshang::org::store::find_user_by_username(&app.state.db, username).await.unwrap().unwrap();
    members::linked_to(&app.state.db, user.id).await.unwrap().unwrap().id
}

fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A report as the form sends it, by `lead` with `others`.
fn report_form<'a>(on: &'a str, lead: &'a str, others: &'a [String]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("title", TITLE), ("topic", "livelihood"), ("on_date", on), ("body", BODY), ("recipients", "区委、区政府"), ("lead_author_id", lead)];
    f.extend(others.iter().map(|o| ("author_ids", o.as_str())));
    f
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// The figures on the list: (reports, adopted, instructions).
fn totals_on(page: &str) -> (u64, u64, u64) {
    let start = page.find(r#"id="research-totals""#).expect("totals shown");
    let end = start + page[start..].find("</p>").unwrap();
    let n: Vec<u64> = page[start..end].split("<strong>").skip(1).map(|s| s[..s.find('<').unwrap()].parse().unwrap()).collect();
    (n[0], n[1], n[2])
}

#[tokio::test]
async fn the_report_form_names_every_bad_field_and_saves_nothing() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let me = member_of(&app, "member").await.to_string();
    let form = member.get("/research-reports/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(&format!(r#"<option value="{me}" selected>"#)), "the member is the lead author by default");
    assert!(form.text.contains(&format!(r#"name="on_date" value="{}""#, today())), "today by default");
    assert!(form.text.contains(r#"enctype="multipart/form-data""#) && form.text.contains(r#"type="file" name="file""#));

    let (reports, authors) = (app.count("research_reports").await, app.count("research_report_authors").await);
    let tomorrow = (today() + chrono::Duration::days(1)).to_string();
    let bad = [("title", "短"), ("topic", "sports"), ("on_date", tomorrow.as_str()), ("body", "太短了"), ("recipients", ""), ("lead_author_id", "999999"), ("author_ids", "abc")];
    let res = member.post_form("/research-reports", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["报告标题须为5至100字", "日期不能晚于今天", "请填写报告正文", "请填写报送对象", "请选择有效的选项"] {
        assert!(res.text.contains(message), "{message} is shown");
    }
    assert_eq!(res.text.matches(r#"class="field-error""#).count(), 7, "title, topic, date, body, recipients, lead, authors");
    assert!(res.text.contains("太短了"), "what was typed is kept");
    let nobody = member.post_form("/research-reports", &[("title", TITLE), ("topic", "urban"), ("on_date", "2022-03-01"), ("body", BODY), ("recipients", "区政府")]).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nobody.text.contains("请选择执笔人"));
    assert_eq!((app.count("research_reports").await, app.count("research_report_authors").await), (reports, authors), "nothing saved");
}

/// A report's authors in order, the lead first.
async fn authors_of(app: &TestApp, id: i64) -> Vec<i64> {
    let mut rows = author::Entity::find().filter(author::Column::ReportId.eq(id)).all(&app.state.db).await.unwrap();
    rows.sort_by_key(|a| a.position);
    rows.into_iter().map(|a| a.member_id).collect()
}

#[tokio::test]
async fn a_member_writes_its_own_reports_and_only_the_lead_author_or_staff_edit_them() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let (me, other) = (member_of(&app, "member").await.to_string(), member_of(&app, "member2").await.to_string());
    let reports = app.count("research_reports").await;
    // A member submits only what it wrote.
    let res = member.post_form("/research-reports", &report_form("2022-03-02", &other, &[])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("委员只能提交本人参与撰写的调研报告"));
    assert_eq!(app.count("research_reports").await, reports);

    let res = member.post_form("/research-reports", &report_form("2022-03-02", &me, std::slice::from_ref(&other))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = id_from(res.location());
    let page = member.get(res.location()).await.text;
    assert!(page.contains("已保存") && page.contains(TITLE) && page.contains("社会民生") && page.contains(BODY));
    assert_eq!(authors_of(&app, id).await, vec![me.parse::<i64>().unwrap(), other.parse().unwrap()], "the lead first");
    assert!(page.contains(&format!(r#"href="/research-reports/{id}/edit""#)), "the lead author may edit");

    // The co-author sees the report but may not edit it; another member's POST changes nothing.
    let co = app.login("member2").await;
    let seen = co.get(&format!("/research-reports/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.text.contains("/edit\""), "no edit button for a co-author");
    assert_eq!(co.get(&format!("/research-reports/{id}/edit")).await.status, StatusCode::FORBIDDEN);
    let mut changed = report_form("2022-03-02", &other, &[]);
    changed[0] = ("title", "关于被他人改动的调研报告");
    assert_eq!(co.post_form(&format!("/research-reports/{id}"), &changed).await.status, StatusCode::FORBIDDEN);
    let r = report::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(r.title, TITLE, "unchanged");

    // The lead author edits it; so does staff, who may name anyone.
    let mut edited = report_form("2022-03-02", &me, &[]);
    edited.push(("shared", "yes"));
    assert_eq!(member.post_form(&format!("/research-reports/{id}"), &edited).await.status, StatusCode::SEE_OTHER);
    let r = report::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert!(r.shared, "marked shared");
    assert_eq!(authors_of(&app, id).await, vec![me.parse::<i64>().unwrap()], "the co-author was taken off");
    let staff = app.login("staff").await;
    assert!(staff.get(&format!("/research-reports/{id}")).await.text.contains("/edit\""));
    let mut by_staff = report_form("2022-03-03", &other, &[]);
    by_staff[0] = ("title", "关于社区嵌入式托育服务的调研报告（修订）");
    assert_eq!(staff.post_form(&format!("/research-reports/{id}"), &by_staff).await.status, StatusCode::SEE_OTHER);
    let r = report::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((r.title.as_str(), r.on_date), ("关于社区嵌入式托育服务的调研报告（修订）", NaiveDate::from_ymd_opt(2022, 3, 3).unwrap()));
    // Now member2 leads it: the former lead may no longer edit.
    assert_eq!(member.get(&format!("/research-reports/{id}/edit")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(co.get(&format!("/research-reports/{id}/edit")).await.status, StatusCode::OK);
    // Units see no reports.
    assert_eq!(app.login("unit").await.get("/research-reports").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_document_is_attached_checked_and_downloaded() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let me = member_of(&app, "member").await.to_string();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec();
    let fields = [("title", TITLE), ("topic", "culture"), ("on_date", "2022-04-01"), ("recipients", "区政府"), ("lead_author_id", me.as_str()), ("body", "")];
    let parts = |file: (&'static str, &'static [u8])| {
        let mut p: Vec<(&str, Option<&str>, &[u8])> = fields.iter().map(|(k, v)| (*k, None, v.as_bytes())).collect();
        p.push(("file", Some(file.0), file.1));
        p
    };
    let reports = app.count("research_reports").await;
    let fake: &'static [u8] = b"<html>not a report</html>";
    let res = member.post_multipart("/research-reports", &parts(("报告.pdf", fake))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("只能上传 PDF 或 Word 文件"));
    assert!(res.text.contains("请填写报告正文"), "without a good file the body is needed");
    let empty: &'static [u8] = b"";
    assert_eq!(member.post_multipart("/research-reports", &parts(("", empty))).await.status, StatusCode::UNPROCESSABLE_ENTITY, "an empty file input is no file");
    assert_eq!(app.count("research_reports").await, reports, "nothing saved");

    let leaked: &'static [u8] = Box::leak(pdf.clone().into_boxed_slice());
    let res = member.post_multipart("/research-reports", &parts(("D:\\材料\\托育调研.pdf", leaked))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = id_from(res.location());
    let page = member.get(res.location()).await.text;
    assert!(page.contains(&format!(r#"href="/research-reports/{id}/file""#)) && page.contains("托育调研.pdf"));
    let other = app.login("member2").await;
    let (status, bytes) = other.get_bytes(&format!("/research-reports/{id}/file")).await;
    assert_eq!((status, bytes), (StatusCode::OK, pdf), "any member of the committee downloads it");
    let res = other.get(&format!("/research-reports/{id}/file")).await;
    assert_eq!(res.headers["content-type"], "application/pdf");
    assert!(res.headers["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''%E6%89%98"), "the name travels in UTF-8");
    assert_eq!(app.login("unit").await.get(&format!("/research-reports/{id}/file")).await.status, StatusCode::FORBIDDEN);
    // A Word document sent with an edit replaces the PDF.
    let mut docx = b"PK\x03\x04\x14\x00".to_vec();
    docx.extend_from_slice(b"[Content_Types].xml word/document.xml");
    let docx: &'static [u8] = Box::leak(docx.into_boxed_slice());
    let res = member.post_multipart(&format!("/research-reports/{id}"), &parts(("托育调研（修订稿）.docx", docx))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = other.get(&format!("/research-reports/{id}/file")).await;
    assert_eq!(res.headers["content-type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_eq!(other.get_bytes(&format!("/research-reports/{id}/file")).await.1, docx);
    let r = report::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(r.file_name, "托育调研（修订稿）.docx");
    assert_eq!(app.count("attachments WHERE item_type = 'research_report'").await, 1, "one document per report");
    // An edit without a file keeps the document, and the body may stay empty.
    let kept: Vec<(&str, &str)> = fields.to_vec();
    assert_eq!(member.post_form(&format!("/research-reports/{id}"), &kept).await.status, StatusCode::SEE_OTHER);
    assert_eq!(other.get_bytes(&format!("/research-reports/{id}/file")).await.1, docx);
    // A report without a document has no file to download.
    let plain = member.post_form("/research-reports", &report_form("2022-04-01", &me, &[])).await;
    assert_eq!(member.get(&format!("{}/file", plain.location())).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_record_outcomes_and_no_one_else_does() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let me = member_of(&app, "member").await.to_string();
    let res = member.post_form("/research-reports", &report_form("2022-03-02", &me, &[])).await;
    let id = id_from(res.location());
    let path = format!("/research-reports/{id}/outcomes");
    let adopted = [("kind", "adopted"), ("level", "district"), ("by_whom", "区委办公室"), ("on_date", "2022-03-20"), ("summary", "")];
    assert!(!member.get(&format!("/research-reports/{id}")).await.text.contains(r#"id="outcome-form""#), "members see no outcome form");
    let before = app.count("research_report_outcomes").await;
    assert_eq!(member.post_form(&path, &adopted).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("leader").await.post_form(&path, &adopted).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("research_report_outcomes").await, before, "nothing recorded");

    let staff = app.login("staff").await;
    let bad = staff.post_form(&path, &[("kind", "instructed"), ("level", "city"), ("by_whom", ""), ("on_date", "2022-03-01"), ("summary", "")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["请填写批示领导的职务或姓名", "日期不能早于报告报送日期", "请填写批示内容"] {
        assert!(bad.text.contains(message), "{message}");
    }
    assert_eq!(staff.post_form(&path, &adopted).await.status, StatusCode::SEE_OTHER);
    let again = staff.post_form(&path, &adopted).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text.contains("该报告已记录过此层级的采纳"));
    let instruction = [("kind", "instructed"), ("level", "city"), ("by_whom", "市政府分管副市长"), ("on_date", "2022-03-25"), ("summary", "请市卫健委研究支持")];
    assert_eq!(staff.post_form(&path, &instruction).await.status, StatusCode::SEE_OTHER);
    let rows = outcome::Entity::find().filter(outcome::Column::ReportId.eq(id)).all(&app.state.db).await.unwrap();
    assert_eq!(rows.iter().map(|o| (o.kind.as_str(), o.level.as_str())).collect::<Vec<_>>(), [("adopted", "district"), ("instructed", "city")]);
    let page = member.get(&format!("/research-reports/{id}")).await.text;
    let timeline = &page[page.find(r#"id="outcomes""#).unwrap()..];
    assert!(timeline.find("区级采纳").unwrap() < timeline.find("市级领导批示").unwrap(), "in date order");
    assert!(timeline.contains("市政府分管副市长") && timeline.contains("请市卫健委研究支持"));
    // The list shows the outcomes and counts them.
    let list = member.get("/research-reports?kind=instructed&from=2022-03-02&to=2022-03-02").await.text;
    assert!(list.contains(&format!(r#"data-report="{id}""#)));
    assert_eq!(totals_on(&list), (1, 1, 1));
}

/// The committee's reports and their authors, loaded whole, to count without the store.
async fn records(app: &TestApp) -> (Vec<report::Model>, HashMap<i64, BTreeSet<i64>>) {
    let cid = committee_id(app).await;
    let all = report::Entity::find().filter(report::Column::CommitteeId.eq(cid)).all(&app.state.db).await.unwrap();
    let mut by: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for a in author::Entity::find().all(&app.state.db).await.unwrap() {
        by.entry(a.report_id).or_default().insert(a.member_id);
    }
    (all, by)
}

#[tokio::test]
async fn the_demo_has_three_reports_by_shuyuanlu_between_new_year_and_19_april() {
    let app = TestApp::demo().await;
    let cid = committee_id(&app).await;
    let groups = structure::groups(&app.state.db, cid).await.unwrap();
    let shuyuan = groups.iter().find(|g| g.name == "书院路政协小组").unwrap();
    let staff = app.login("staff").await;
    let page = staff.get(&format!("/research-reports?group={}&from=2022-01-01&to=2022-04-19", shuyuan.id)).await.text;
    assert_eq!(totals_on(&page).0, 3);
    assert_eq!(page.matches("<tr data-report=").count(), 3);
    let token = app.token("leader").await;
    let api = app.client().get_bearer(&format!("/api/v1/research-reports?group={}&from=2022-01-01&to=2022-04-19", shuyuan.id), &token).await.json();
    assert_eq!(api["total"], 3);
    // Counted from the records: every author of the three is a member of the group.
    let (all, by) = records(&app).await;
    let ours: BTreeSet<i64> = members::all(&app.state.db, cid, &members::MemberFilter { group_ids: Some(vec![shuyuan.id]), ..Default::default() }).await.unwrap().iter().map(|m| m.id).collect();
    let period = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap()..=NaiveDate::from_ymd_opt(2022, 4, 19).unwrap();
    let by_group: Vec<&report::Model> = all.iter().filter(|r| period.contains(&r.on_date) && by[&r.id].iter().any(|m| ours.contains(m))).collect();
    assert_eq!(by_group.len(), 3);
    assert!(by_group.iter().all(|r| by[&r.id].is_subset(&ours) && r.group_id == Some(shuyuan.id)));
    // The rest of the term: a dozen more from other groups, some adopted, one with a city
    // adoption, instructions, two or more shared, some before New Year.
    assert!((13..=18).contains(&all.len()), "{}", all.len());
    let outcomes = outcome::Entity::find().all(&app.state.db).await.unwrap();
    assert!(outcomes.iter().filter(|o| o.kind == "adopted" && o.level == "district").count() >= 5);
    assert!(outcomes.iter().any(|o| o.kind == "adopted" && o.level == "city"));
    assert!(outcomes.iter().any(|o| o.kind == "instructed" && o.level == "city"));
    assert!(all.iter().filter(|r| r.shared).count() >= 2);
    assert!(all.iter().any(|r| r.on_date < *period.start()));
    // The shared ones feed the exchange, latest first, linking to their pages.
    let shared = xieshang::research::store::shared(&app.state.db, &[cid], 100).await.unwrap();
    assert_eq!(shared.len(), all.iter().filter(|r| r.shared).count());
    assert!(shared.windows(2).all(|w| w[0].on_date >= w[1].on_date));
    assert!(shared.iter().all(|i| i.kind_key == "nav.research" && i.href.starts_with("/research-reports/") && !i.summary.is_empty() && i.summary.chars().count() <= 121));
    let whole = staff.get("/research-reports").await.text;
    let adopted: BTreeSet<i64> = outcomes.iter().filter(|o| o.kind == "adopted").map(|o| o.report_id).collect();
    assert_eq!(totals_on(&whole), (all.len() as u64, adopted.len() as u64, outcomes.iter().filter(|o| o.kind == "instructed").count() as u64));
}

#[tokio::test]
async fn filters_take_a_group_with_those_below_it_a_member_a_place_and_dates_inclusive() {
    let app = TestApp::demo().await;
    let cid = committee_id(&app).await;
    let staff = app.login("staff").await;
    let (all, by) = records(&app).await;
    let count = |page: &str| totals_on(page).0 as usize;
    // A 联组: reports of its 小组 and of their members.
    let groups = structure::groups(&app.state.db, cid).await.unwrap();
    let joint = groups.iter().find(|g| g.name == "第一联组").unwrap();
    let below: Vec<i64> = std::iter::once(joint.id).chain(groups.iter().filter(|g| g.parent_id == Some(joint.id)).map(|g| g.id)).collect();
    let in_joint: BTreeSet<i64> = members::all(&app.state.db, cid, &members::MemberFilter { group_ids: Some(below.clone()), ..Default::default() }).await.unwrap().iter().map(|m| m.id).collect();
    let expected = all.iter().filter(|r| r.group_id.is_some_and(|g| below.contains(&g)) || by[&r.id].iter().any(|m| in_joint.contains(m))).count();
    assert!(expected > 3, "书院路 and the other 小组 of the 第一联组: {expected}");
    assert_eq!(count(&staff.get(&format!("/research-reports?group={}", joint.id)).await.text), expected);
    // A member (any author, lead or not).
    let me = member_of(&app, "member2").await;
    let mine = all.iter().filter(|r| by[&r.id].contains(&me)).count();
    assert!(mine >= 1, "member2 co-wrote a demo report");
    assert_eq!(count(&staff.get(&format!("/research-reports?member={me}")).await.text), mine);
    // A place, with the communities below it.
    let member = app.login("member").await;
    let lead = member_of(&app, "member").await.to_string();
    let places = structure::places(&app.state.db, cid).await.unwrap();
    let street = places.iter().find(|p| p.name == "书院路街道").unwrap();
    let community = places.iter().find(|p| p.parent_id == Some(street.id)).unwrap();
    let mut at_community = report_form("2022-02-28", &lead, &[]);
    let community_id = community.id.to_string();
    at_community.push(("place_id", community_id.as_str()));
    assert_eq!(member.post_form("/research-reports", &at_community).await.status, StatusCode::SEE_OTHER);
    let (all, _) = records(&app).await;
    let under = all.iter().filter(|r| r.place_id == Some(street.id) || r.place_id == Some(community.id)).count();
    assert!(under > all.iter().filter(|r| r.place_id == Some(street.id)).count(), "the community's report counts for the street");
    assert_eq!(count(&staff.get(&format!("/research-reports?place={}", street.id)).await.text), under);
    // Dates are inclusive at both ends.
    let on_28 = all.iter().filter(|r| r.on_date == NaiveDate::from_ymd_opt(2022, 2, 28).unwrap()).count();
    assert!(on_28 >= 1);
    assert_eq!(count(&staff.get("/research-reports?from=2022-02-28&to=2022-02-28").await.text), on_28);
    assert_eq!(count(&staff.get("/research-reports?from=2022-03-01&to=2022-02-28").await.text), all.iter().filter(|r| r.on_date >= NaiveDate::from_ymd_opt(2022, 3, 1).unwrap()).count(), "a period ending before it starts keeps only the start");
    let bad = staff.get("/research-reports?kind=won&group=abc&from=2022-13-01").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert_eq!(bad.text.matches(r#"class="field-error""#).count(), 3, "each bad filter is named");
    assert_eq!(count(&bad.text), all.len(), "and left out");
}

#[tokio::test]
async fn the_api_lists_filters_shows_and_creates_reports_and_records_outcomes() {
    let app = TestApp::demo().await;
    let (all, by) = records(&app).await;
    let c = app.client();
    let member = app.token("member").await;
    let staff = app.token("staff").await;
    let res = c.get_bearer("/api/v1/research-reports?kind=adopted&from=2022-01-01&to=2022-04-19&per_page=200", &member).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let items = res.json()["items"].as_array().unwrap().clone();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["outcomes"].as_array().unwrap().iter().any(|o| o["kind"] == "adopted") && i["on_date"].as_str().unwrap().starts_with("2022-")));
    let first = &items[0];
    let ids: BTreeSet<i64> = first["author_ids"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
    assert_eq!(Some(&ids), by.get(&first["id"].as_i64().unwrap()));
    for bad in ["kind=won", "from=yesterday", "group=abc", "member=x", "place=999999", "page=0"] {
        assert_eq!(c.get_bearer(&format!("/api/v1/research-reports?{bad}"), &staff).await.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let me = member_of(&app, "member").await;
    let mine = c.get_bearer(&format!("/api/v1/research-reports?member={me}"), &staff).await.json();
    assert_eq!(mine["total"], all.iter().filter(|r| by[&r.id].contains(&me)).count());

    // Submitted through the API: the lead first; a bad request names its fields.
    let body = format!(r#"{{"title":"{TITLE}","topic":"livelihood","on_date":"2022-04-10","body":"{BODY}","recipients":"区委、区政府","author_ids":[{me}],"shared":true}}"#);
    let res = c.post_json("/api/v1/research-reports", &body, Some(&member)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let saved = res.json();
    assert_eq!((saved["author_ids"][0].as_i64(), saved["shared"].as_bool(), saved["topic"].as_str()), (Some(me), Some(true), Some("livelihood")));
    let path = format!("/api/v1/research-reports/{}", saved["id"]);
    let other = member_of(&app, "member2").await;
    let res = c.post_json("/api/v1/research-reports", &format!(r#"{{"title":"{TITLE}","topic":"urban","on_date":"2022-04-10","body":"{BODY}","recipients":"区政府","author_ids":[{other}]}}"#), Some(&member)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["fields"][0]["field"], "author_ids", "a member writes only its own reports");
    let res = c.post_json("/api/v1/research-reports", r#"{"title":"x","topic":"sport","on_date":"2022-04-10","body":"","author_ids":[]}"#, Some(&staff)).await;
    let body = res.json();
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "topic", "body", "recipients", "lead_author_id"]);
    assert_eq!(c.post_json("/api/v1/research-reports", r#"{"author_ids":"me"}"#, Some(&staff)).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Outcomes: staff only; the detail shows them with the authors.
    let outcome = r#"{"kind":"instructed","level":"city","by_whom":"市委书记","on_date":"2022-04-15","summary":"请市民政局研究"}"#;
    assert_eq!(c.post_json(&format!("{path}/outcomes"), outcome, Some(&member)).await.status, StatusCode::FORBIDDEN);
    let res = c.post_json(&format!("{path}/outcomes"), outcome, Some(&staff)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = c.post_json(&format!("{path}/outcomes"), r#"{"kind":"adopted","level":"county","on_date":"2022-04-15"}"#, Some(&staff)).await;
    assert_eq!(res.json()["fields"][0]["field"], "level");
    let one = c.get_bearer(&path, &member).await.json();
    assert_eq!((one["outcomes"][0]["kind"].as_str(), one["outcomes"][0]["by_whom"].as_str()), (Some("instructed"), Some("市委书记")));
    assert_eq!(one["author_ids"], serde_json::json!([me]));
    let instructed = c.get_bearer("/api/v1/research-reports?kind=instructed&per_page=200", &member).await.json();
    assert!(instructed["items"].as_array().unwrap().iter().any(|i| i["id"] == saved["id"]));
    assert_eq!(c.get_bearer("/api/v1/research-reports", &app.token("unit").await).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get_bearer("/api/v1/research-reports/999999", &staff).await.status, StatusCode::NOT_FOUND);
    let doc = c.get("/api/openapi.json").await.json();
    for p in ["/api/v1/research-reports", "/api/v1/research-reports/{id}", "/api/v1/research-reports/{id}/outcomes"] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/research-reports"]["get"]["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for p in ["from", "to", "group", "place", "kind", "member", "page", "per_page"] {
        assert!(params.contains(&p), "{p} documented");
    }
    assert!(doc["paths"]["/api/v1/research-reports"]["post"].is_object());
}

#[tokio::test]
async fn the_member_file_lists_the_members_reports() {
    let app = TestApp::demo().await;
    let cid = committee_id(&app).await;
    let (all, by) = records(&app).await;
    let me = member_of(&app, "member").await;
    let mine: Vec<&report::Model> = all.iter().filter(|r| by[&r.id].contains(&me)).collect();
    assert!(!mine.is_empty(), "the demo member wrote a report");
    let staff = app.login("staff").await;
    let file = staff.get(&format!("/members/{me}")).await.text;
    let block = &file[file.find(r#"id="member-research""#).expect("the file lists research reports")..];
    for r in &mine {
        assert!(block.contains(&format!(r#"href="/research-reports/{}""#, r.id)) && block.contains(&r.title));
    }
    assert!(block.contains(&format!("<small>{}</small>", mine.len())) && block.contains(&format!(r#"href="/research-reports?member={me}""#)));
    // Someone who wrote none: an empty block.
    let nobody = members::all(&app.state.db, cid, &Default::default()).await.unwrap().into_iter().find(|m| !by.values().any(|a| a.contains(&m.id))).unwrap();
    let file = app.login("member").await.get(&format!("/members/{}", nobody.id)).await.text;
    let block = &file[file.find(r#"id="member-research""#).unwrap()..];
    assert!(block.contains("暂无调研报告"));
}
