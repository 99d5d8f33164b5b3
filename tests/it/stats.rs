//! Statistics from the records: the demo reproduces the source article's figures through
//! `/api/v1/stats` (committee, group and studio scopes, the periods the article names), a parent
//! committee sees the sum over its tree, and the API checks its period, scope and caller.
use axum::http::StatusCode;
use serde_json::Value;

use crate::harness::TestApp;

async fn group_id(app: &TestApp, name: &str) -> i64 {
    let cid = xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id;
    xieshang::org::structure::groups(&app.state.db, cid).await.unwrap().into_iter().find(|g| g.name == name).unwrap().id
}

async fn stats(app: &TestApp, user: &str, query: &str) -> Value {
    let t = app.token(user).await;
    let res = app.client().get_bearer(&format!("/api/v1/stats?{query}"), &t).await;
    assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.text);
    res.json()
}

fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} is a number: {v}"))
}

#[tokio::test]
async fn the_demo_reproduces_the_articles_figures() {
    let app = TestApp::demo().await;
    let year = stats(&app, "staff", "from=2022-01-01&to=2022-04-19").await;
    assert_eq!(n(&year, "members"), 181);
    assert!(n(&year, "people_visited") >= 560, "{year}");
    assert!(n(&year, "consultations") >= 33);
    assert!(n(&year, "proposals") >= 164);
    assert!(n(&year, "activities") >= 30);
    assert!(n(&year, "volunteer_person_times") >= 80);
    assert!(n(&year, "households_assisted") >= 320 && year["assistance_yuan"].as_f64().unwrap() >= 200_000.0, "Spring Festival");
    assert!(year["duty_days_per_week"].as_f64().unwrap() >= 3.0, "leaders in the field three days a week: {}", year["duty_days_per_week"]);
    for rate in ["filing_rate", "answer_rate", "on_time_answer_rate", "satisfaction_rate"] {
        let r = year[rate].as_f64().unwrap_or_else(|| panic!("{rate}"));
        assert!((0.0..=1.0).contains(&r), "{rate} is a fraction");
    }

    let shuyuan = group_id(&app, "书院路政协小组").await;
    let g = stats(&app, "staff", &format!("from=2022-01-01&to=2022-04-19&group={shuyuan}")).await;
    assert_eq!(n(&g, "members"), 14);
    assert!(n(&g, "home_visits") >= 30, "{g}");
    assert_eq!(n(&g, "research_reports"), 3);
    assert_eq!(n(&g, "opinion_reports"), 23, "书院路's 23 public-opinion reports");
    assert!(n(&year, "opinion_reports") > 23 && year["adoption_rate"].as_f64().is_some_and(|r| r > 0.0 && r <= 1.0));
    assert!(n(&year, "instructions") > 0);

    let q1 = stats(&app, "staff", "from=2022-01-01&to=2022-03-31").await;
    assert!(n(&q1, "citizens_received") >= 320 && n(&q1, "demands") >= 85 && n(&q1, "demands_resolved") >= 36, "{q1}");
    let wulidui = group_id(&app, "五里堆街道政协小组").await;
    let w = stats(&app, "staff", &format!("from=2022-01-01&to=2022-04-19&group={wulidui}")).await;
    assert_eq!(n(&w, "receptions"), 2);
    assert_eq!(n(&w, "home_visits"), 19);
    assert!(n(&w, "demands_resolved") >= 7, "{w}");

    // Scoped figures never exceed the committee's.
    for key in ["people_visited", "consultations", "proposals", "activities", "research_reports", "receptions"] {
        assert!(n(&g, key) <= n(&year, key) && n(&w, key) <= n(&year, key), "{key}");
    }
}

#[tokio::test]
async fn a_parent_committee_sees_the_sum_over_its_tree() {
    let app = TestApp::demo().await;
    let district = stats(&app, "staff", "from=2022-01-01&to=2022-12-31").await;
    let city = stats(&app, "xiangtan-admin", "from=2022-01-01&to=2022-12-31").await;
    // The city and the neighbouring district have only their shared activities (five) and no
    // members or visits of their own in the demo.
    assert_eq!(n(&city, "members"), n(&district, "members"));
    assert_eq!(n(&city, "people_visited"), n(&district, "people_visited"));
    assert_eq!(n(&city, "activities"), n(&district, "activities") + 5);
    assert_eq!(n(&city, "proposals"), n(&district, "proposals"));
    assert_eq!(city["filing_rate"], district["filing_rate"], "rates from the summed counts");
    // The city's dashboard has a row for each committee below it, with that committee's figures.
    let yuetang = xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap();
    let page = app.login("xiangtan-admin").await.get("/stats?from=2022-01-01&to=2022-12-31").await;
    assert!(page.text.contains("各下级政协情况"), "the table of the committees below");
    let row = format!("<tr><td>{}</td><td data-label=\"委员数\">{}</td><td data-label=\"走访人次\">{}</td>", yuetang.name, n(&district, "members"), n(&district, "people_visited"));
    assert!(page.text.contains(&row), "{row}");
    let staff = app.login("staff").await.get("/stats?from=2022-01-01&to=2022-12-31").await;
    assert!(!staff.text.contains("各下级政协情况"), "a committee with none below has no such table");
}

#[tokio::test]
async fn the_api_checks_its_period_scope_and_caller() {
    let app = TestApp::demo().await;
    let t = app.token("staff").await;
    let c = app.client();
    let bad = c.get_bearer("/api/v1/stats?from=2022-02-01&to=2022-01-01&group=1&place=2", &t).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.json()["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, ["scope", "to"]);
    assert_eq!(c.get_bearer("/api/v1/stats?from=2022-01-01&to=2022-01-31&group=99999", &t).await.status, StatusCode::NOT_FOUND);
    let member = app.token("member").await;
    assert_eq!(c.get_bearer("/api/v1/stats?from=2022-01-01&to=2022-01-31", &member).await.status, StatusCode::FORBIDDEN);
    let empty = stats(&app, "staff", "from=2019-01-01&to=2019-01-31").await;
    assert_eq!((n(&empty, "visits"), n(&empty, "proposals")), (0, 0));
    assert!(empty["filing_rate"].is_null() && empty["satisfaction_rate"].is_null() && empty["adoption_rate"].is_null(), "null where the denominator is 0");
    for key in ["members", "visits", "people_visited", "home_visits", "consultations", "proposals", "proposals_filed", "filing_rate", "answer_rate", "on_time_answer_rate", "satisfaction_rate", "research_reports", "opinion_reports", "adoption_rate", "instructions", "receptions", "citizens_received", "demands", "demands_resolved", "activities", "volunteer_person_times", "households_assisted", "assistance_yuan", "duty_days_per_week"] {
        assert!(empty.get(key).is_some(), "{key} is present");
    }
}

#[tokio::test]
async fn the_dashboard_shows_the_figures_and_its_links_lead_to_lists_with_the_same_totals() {
    let app = TestApp::demo().await;
    let shuyuan = group_id(&app, "书院路政协小组").await;
    let query = format!("from=2022-01-01&to=2022-04-19&group={shuyuan}");
    let api = stats(&app, "leader", &query).await;
    let leader = app.login("leader").await;
    let page = leader.get(&format!("/stats?{query}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The people visited, linked to the visit list under the same filters, whose totals agree.
    let link = format!(r#"<a class="figure-value" href="/visits?{}">{}</a>"#, query.replace('&', "&#38;"), n(&api, "people_visited"));
    assert!(page.text.contains(&link), "the figure links to its records");
    let list = leader.get(&format!("/visits?{query}")).await.text;
    let totals = &list[list.find(r#"id="visit-totals""#).unwrap()..];
    assert!(totals.contains(&format!("<strong>{}</strong>", n(&api, "people_visited"))), "the list's total is the figure");
    let reports = leader.get(&format!("/research-reports?{query}")).await.text;
    assert!(page.text.contains(&format!("{}</a>", n(&api, "research_reports"))) && reports.contains(&format!("<strong>{}</strong>", n(&api, "research_reports"))));
    assert_eq!(page.text.matches("<svg class=\"chart\"").count(), 4, "four monthly charts");
    // The consultations held, linked to the list of those held in the period.
    let whole_api = stats(&app, "leader", "from=2022-01-01&to=2022-04-19").await;
    let whole_page = leader.get("/stats?from=2022-01-01&to=2022-04-19").await.text;
    let held = n(&whole_api, "consultations");
    assert!(whole_page.contains(&format!(r#"href="/consultations?from=2022-01-01&#38;to=2022-04-19&#38;held=1">{held}</a>"#)), "linked");
    let list = leader.get("/consultations?from=2022-01-01&to=2022-04-19&held=1").await.text;
    assert!(list.contains(&format!(r#"id="consultation-total">共 <strong>{held}</strong>"#)), "the list's total is the figure");
    assert!(!page.text.contains("各小组情况"), "a group's dashboard has no table of groups");
    let whole = leader.get("/stats?from=2022-01-01&to=2022-04-19").await.text;
    assert!(whole.contains("各小组情况") && whole.contains(&format!("group={shuyuan}")));
    assert_eq!(app.login("member").await.get("/stats").await.status, StatusCode::FORBIDDEN);
    let bad = leader.get("/stats?from=2022-13-01&group=999999").await;
    assert_eq!(bad.status, StatusCode::OK, "bad filters are named, the page still renders");
    assert!(bad.text.contains("日期格式应为 YYYY-MM-DD"));
}

#[tokio::test]
async fn the_work_summary_writes_the_periods_figures_and_downloads_as_word() {
    let app = TestApp::demo().await;
    let query = "from=2022-01-01&to=2022-04-19";
    let api = stats(&app, "staff", query).await;
    let staff = app.login("staff").await;
    let page = staff.get(&format!("/stats/summary?{query}")).await.text;
    assert!(page.contains(&format!("提出提案{}件", n(&api, "proposals"))), "items exactly");
    assert!(page.contains(&format!("开展协商活动{}场（次）", n(&api, "consultations"))));
    assert!(page.contains("共走访委员及界别群众600多人"), "608 people visited, stated as 600多");
    assert!(page.contains("走访慰问困难群众320多户，发放慰问金20多万元"), "the Spring Festival assistance");
    let (status, bytes) = staff.get_bytes(&format!("/stats/summary.docx?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = crate::proposal_pages::python(crate::proposal_pages::READ_DOCX, &bytes, "docx");
    assert!(text.contains("湘潭市岳塘区政协工作情况") && text.contains(&format!("提出提案{}件", n(&api, "proposals"))), "{text}");
    let empty = staff.get("/stats/summary?from=2019-01-01&to=2019-01-31").await.text;
    assert!(empty.contains("所选期间尚无记录"));
}

#[tokio::test]
async fn the_public_dashboard_shows_the_years_totals_without_names() {
    let app = TestApp::demo().await;
    let api = stats(&app, "staff", "from=2022-01-01&to=2022-12-31").await;
    let public = app.client().get("/c/yuetang/stats?year=2022").await;
    assert_eq!(public.status, StatusCode::OK, "no login needed");
    assert!(public.text.contains(&format!(r#"<span class="figure-value">{}</span>"#, n(&api, "proposals"))));
    assert!(public.text.contains(&format!(r#"<span class="figure-value">{}</span>"#, n(&api, "people_visited"))));
    assert!(!public.text.contains("<a class=\"figure-value\""), "no links into the records");
    let cid = xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id;
    let some_member = xieshang::org::members::all(&app.state.db, cid, &Default::default()).await.unwrap().remove(0);
    assert!(!public.text.contains(&some_member.name), "no names");
    assert_eq!(app.client().get("/c/nowhere/stats").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_exports_its_figures_and_groups_to_excel() {
    let app = TestApp::demo().await;
    let query = "from=2022-01-01&to=2022-04-19";
    let api = stats(&app, "staff", query).await;
    let (status, bytes) = app.login("staff").await.get_bytes(&format!("/stats/export.xlsx?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let script = "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nprint('|'.join(wb.sheetnames))\nws = wb['统计']\nfor row in ws.iter_rows(min_row=3, values_only=True):\n    print(f'{row[1]}={row[2]}')\nprint(wb['各小组情况'].max_row - 1)\n";
    let out = crate::proposal_pages::python(script, &bytes, "xlsx");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "统计|各小组情况|各委员工作室情况|各镇街情况");
    assert!(lines.contains(&format!("提案数={}", n(&api, "proposals")).as_str()), "numbers are numbers: {out}");
    assert!(lines.contains(&format!("走访人次={}", n(&api, "people_visited")).as_str()));
    let cid = xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id;
    let groups = xieshang::org::structure::groups(&app.state.db, cid).await.unwrap().into_iter().filter(|g| !g.retired).count();
    assert_eq!(lines.last().unwrap().parse::<usize>().unwrap(), groups, "one row per group");
}
