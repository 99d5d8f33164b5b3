//! Visits (走访): the phone form and its checks, the demands a visit raises, the list's totals
//! and filters, the leaders' field days, the API, and the member file's 走访 tab.
use std::collections::{BTreeSet, HashMap};

use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use xieshang::demands::store::demand;
use xieshang::org::members;
use xieshang::visits::store::{visit, visitor};

use crate::harness::{Client, TestApp};

const HEARD: &str = "居民反映小区路灯损坏，夜间出行不便";
const CONCERNS: [&str; 2] = ["书院路小区路灯损坏，请尽快维修", "楼道堆放杂物，存在消防隐患"];

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

/// A home visit by `visitors` with the given concerns, as the form sends it.
fn home_visit<'a>(on: &'a str, visitors: &'a [String], demands: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("on_date", on), ("kind", "home"), ("whom_kind", "households"), ("people", "3"), ("heard", HEARD), ("demands", demands), ("demand_category", "城市管理")];
    f.extend(visitors.iter().map(|v| ("visitor_ids", v.as_str())));
    f
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_visit_form_names_every_bad_field_and_saves_nothing() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let me = member_of(&app, "member").await.to_string();
    let form = member.get("/visits/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(&format!(r#"value="{me}" checked"#)), "the member's own record is ticked");
    assert!(form.text.contains(&format!(r#"name="on_date" value="{}""#, today())), "today by default");
    assert!(form.text.contains(r##"data-filter-list="#visit-visitors""##));
    assert!(!form.text.contains(r#"name="staff_names""#), "only staff name staff");

    let (visits, demands) = (app.count("visits").await, app.count("demands").await);
    let tomorrow = (today() + chrono::Duration::days(1)).to_string();
    let bad = [
        ("on_date", tomorrow.as_str()),
        ("kind", "party"),
        ("whom_kind", "households"),
        ("people", "0"),
        ("place_id", "999999"),
        ("visitor_ids", me.as_str()),
        ("heard", ""),
        ("demands", "短\n楼道堆放杂物，存在消防隐患"),
        ("demand_category", "美食"),
    ];
    let res = member.post_form("/visits", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["日期不能晚于今天", "请选择有效的选项", "请填写1至10000之间的人数", "请填写听到的情况", "每行一条诉求"] {
        assert!(res.text.contains(message), "{message} is shown");
    }
    assert_eq!(res.text.matches(r#"class="field-error""#).count(), 7, "date, kind, people, place, heard, concerns, category");
    assert!(res.text.contains("楼道堆放杂物"), "what was typed is kept");
    assert_eq!((app.count("visits").await, app.count("demands").await), (visits, demands), "nothing saved");
    let nobody = member.post_form("/visits", &[("on_date", "2022-03-02"), ("kind", "field"), ("whom_kind", "masses"), ("people", "2"), ("heard", HEARD)]).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nobody.text.contains("请选择走访的委员"));
    assert_eq!(app.count("visits").await, visits);
}

#[tokio::test]
async fn a_member_logs_a_home_visit_whose_concerns_become_linked_demands() {
    let app = TestApp::demo().await;
    let cid = committee_id(&app).await;
    let member = app.login("member").await;
    let me = vec![member_of(&app, "member").await.to_string()];
    let on = today().to_string();
    let res = member.post_form("/visits", &home_visit(&on, &me, &CONCERNS.join("\n"))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = id_from(res.location());
    let page = member.get(res.location()).await;
    assert!(page.text.contains("已保存"), "the flash says it was saved");
    assert!(page.text.contains(HEARD) && page.text.contains("入户走访") && page.text.contains("群众家庭"));

    let raised = demand::Entity::find().filter(demand::Column::VisitId.eq(id)).order_by_asc(demand::Column::Id).all(&app.state.db).await.unwrap();
    assert_eq!(raised.len(), 2);
    for (d, text) in raised.iter().zip(CONCERNS) {
        assert_eq!((d.channel.as_str(), d.category.as_str(), d.description.as_str(), d.committee_id), ("visit", "城市管理", text, cid));
        assert!(page.text.contains(&format!(r#"<a href="/demands/{}"><code>{}</code></a>"#, d.id, d.code)), "linked on the visit");
        let shown = member.get(&format!("/demands/{}", d.id)).await;
        assert_eq!(shown.status, StatusCode::OK, "the member opens the demands of its visit");
        assert!(shown.text.contains(&format!(r#"<dd id="demand-visit"><a href="/visits/{id}">{on}</a></dd>"#)), "the demand links back to its visit");
    }
    let t = app.token("staff").await;
    let dto = app.client().get_bearer(&format!("/api/v1/demands/{}", raised[0].id), &t).await.json();
    assert_eq!(dto["visit_id"], id, "the API names the visit");
    let unit = app.login("unit").await;
    let assigned = unit.get(&format!("/demands/{}", raised[0].id)).await;
    assert!(!assigned.text.contains("demand-visit"), "a unit, which may not see visits, gets no link (status {})", assigned.status);
    let list = member.get("/demands").await.text;
    assert!(raised.iter().all(|d| list.contains(&d.code)), "and finds them in its demand list");
    let staff = app.login("staff").await.get("/demands").await.text;
    assert!(raised.iter().all(|d| staff.contains(&d.code)), "staff find them to triage");

    // Another member sees the visit, not the demands of a visit it did not go on.
    let other = app.login("member2").await;
    let seen = other.get(&format!("/visits/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.text.contains(&raised[0].code) && !seen.text.contains(&format!(r#"href="/demands/{}""#, raised[0].id)));
    assert_eq!(other.get(&format!("/demands/{}", raised[0].id)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_member_logs_only_visits_it_went_on_and_only_staff_name_staff() {
    let app = TestApp::demo().await;
    let (visits, demands) = (app.count("visits").await, app.count("demands").await);
    let member = app.login("member").await;
    let someone_else = vec![member_of(&app, "member2").await.to_string()];
    let res = member.post_form("/visits", &home_visit("2022-03-02", &someone_else, CONCERNS[0])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("委员只能记录本人参加的走访"), "{}", res.text);
    let me = vec![member_of(&app, "member").await.to_string()];
    let mut with_staff = home_visit("2022-03-02", &me, "");
    with_staff.push(("staff_names", "机关干部小王"));
    let res = member.post_form("/visits", &with_staff).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let token = app.token("member").await;
    let body = format!(r#"{{"on_date":"2022-03-02","kind":"home","whom_kind":"households","people":2,"visitor_ids":[{}],"heard":"{HEARD}","demands":["{}"]}}"#, someone_else[0], CONCERNS[0]);
    let res = app.client().post_json("/api/v1/visits", &body, Some(&token)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.json()["fields"][0]["field"], "visitor_ids");
    assert_eq!((app.count("visits").await, app.count("demands").await), (visits, demands), "nothing saved");

    // Staff log anyone's visit, and go themselves; a leader logs any visit too.
    let staff = app.login("staff").await;
    let mut staff_visit = home_visit("2022-03-02", &someone_else, "");
    staff_visit.push(("staff_names", "机关干部小王"));
    assert_eq!(staff.post_form("/visits", &staff_visit).await.status, StatusCode::SEE_OTHER);
    let leader = app.login("leader").await;
    assert!(leader.get("/visits/new").await.text.contains(&format!(r#"value="{}" checked"#, member_of(&app, "leader").await)), "a leader's own record is ticked");
    assert_eq!(leader.post_form("/visits", &home_visit("2022-03-02", &someone_else, "")).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("visits").await, visits + 2);
    let unit = app.login("unit").await;
    assert_eq!(unit.get("/visits").await.status, StatusCode::FORBIDDEN);
    assert_eq!(unit.post_form("/visits", &home_visit("2022-03-02", &someone_else, "")).await.status, StatusCode::FORBIDDEN);
}

/// The committee's visits and their visitors, loaded whole, to count without the store.
async fn records(app: &TestApp) -> (Vec<visit::Model>, HashMap<i64, BTreeSet<i64>>) {
    let cid = committee_id(app).await;
    let all = visit::Entity::find().filter(visit::Column::CommitteeId.eq(cid)).all(&app.state.db).await.unwrap();
    let mut went: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for v in visitor::Entity::find().all(&app.state.db).await.unwrap() {
        went.entry(v.visit_id).or_default().insert(v.member_id);
    }
    (all, went)
}

fn figures<'a>(list: impl Iterator<Item = &'a visit::Model>) -> (usize, i64, i64) {
    list.fold((0, 0, 0), |(n, p, h), v| (n + 1, p + v.people as i64, h + if v.kind == "home" { v.people as i64 } else { 0 }))
}

fn totals_on(page: &str) -> (usize, i64, i64) {
    let start = page.find(r#"id="visit-totals""#).expect("totals shown");
    let end = start + page[start..].find("</p>").unwrap();
    let n: Vec<i64> = page[start..end].split("<strong>").skip(1).map(|s| s[..s.find('<').unwrap()].parse().unwrap()).collect();
    (n[0] as usize, n[1], n[2])
}

#[tokio::test]
async fn totals_and_filters_count_what_the_records_say() {
    let app = TestApp::demo().await;
    let cid = committee_id(&app).await;
    let (all, went) = records(&app).await;
    assert!(!all.is_empty(), "the demo has visits");
    let staff = app.login("staff").await;
    let member = app.login("member").await;
    let q1 = |v: &&visit::Model| v.on_date >= NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() && v.on_date <= NaiveDate::from_ymd_opt(2022, 3, 31).unwrap();
    let page = member.get("/visits?from=2022-01-01&to=2022-03-31").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(totals_on(&page.text), figures(all.iter().filter(q1)), "members see the committee's figures");
    assert!(page.text.contains(r#"href="/visits/new""#) && page.text.contains("?from=2022-01-01&#38;to=2022-03-31&#38;page=2"), "record button and pager keep the filters");
    let homes = staff.get("/visits?kind=home").await.text;
    assert_eq!(totals_on(&homes), figures(all.iter().filter(|v| v.kind == "home")));

    // A group: visits any member of it or of its 小组 went on.
    let groups = xieshang::org::structure::groups(&app.state.db, cid).await.unwrap();
    let group = groups.iter().find(|g| g.name == "书院路政协小组").unwrap();
    let below: Vec<i64> = std::iter::once(group.id).chain(groups.iter().filter(|g| g.parent_id == Some(group.id)).map(|g| g.id)).collect();
    let in_group: BTreeSet<i64> = members::all(&app.state.db, cid, &members::MemberFilter { group_ids: Some(below), ..Default::default() }).await.unwrap().iter().map(|m| m.id).collect();
    let by_group = |v: &&visit::Model| went.get(&v.id).is_some_and(|w| !w.is_disjoint(&in_group));
    let expected = figures(all.iter().filter(by_group));
    assert!(expected.2 >= 30, "书院路's members made 30+ home visits: {expected:?}");
    assert_eq!(totals_on(&staff.get(&format!("/visits?group={}", group.id)).await.text), expected);
    // A place, with the communities below it.
    let places = xieshang::org::structure::places(&app.state.db, cid).await.unwrap();
    let town = places.iter().find(|p| p.parent_id.is_none() && places.iter().any(|c| c.parent_id == Some(p.id) && all.iter().any(|v| v.place_id == Some(c.id)))).unwrap();
    let under: Vec<i64> = std::iter::once(town.id).chain(places.iter().filter(|p| p.parent_id == Some(town.id)).map(|p| p.id)).collect();
    let at = figures(all.iter().filter(|v| v.place_id.is_some_and(|p| under.contains(&p))));
    assert!(at.0 > figures(all.iter().filter(|v| v.place_id == Some(town.id))).0, "the communities below count");
    assert_eq!(totals_on(&staff.get(&format!("/visits?place={}", town.id)).await.text), at);
    // A member, and a member together with a group it is not in.
    let me = member_of(&app, "member").await;
    let mine = figures(all.iter().filter(|v| went.get(&v.id).is_some_and(|w| w.contains(&me))));
    assert_eq!(totals_on(&staff.get(&format!("/visits?member={me}")).await.text), mine);
    let bad = staff.get("/visits?kind=party&group=abc&from=2022-13-01").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert_eq!(bad.text.matches(r#"class="field-error""#).count(), 3, "each bad filter is named");
    assert_eq!(totals_on(&bad.text), figures(all.iter()), "and left out");
}

/// The cells of a leader's row on the field-days page: (days, status class).
fn weeks_of(page: &str, member_id: i64) -> (Vec<(u32, String)>, String) {
    let start = page.find(&format!(r#"<tr data-member="{member_id}">"#)).expect("the leader's row");
    let row = &page[start..start + page[start..].find("</tr>").unwrap()];
    let cells = row
        .split(r#"class="week "#)
        .skip(1)
        .map(|c| {
            let status = c[..c.find('"').unwrap()].to_string();
            let days = c.split(r#"<span class="days">"#).nth(1).unwrap();
            (days[..days.find('<').unwrap()].parse().unwrap(), status)
        })
        .collect();
    let summary = row.split(r#"class="summary">"#).nth(1).unwrap().split("</td>").next().unwrap().replace("<strong>", "").replace("</strong>", "").replace("<span>", "").replace("</span>", "");
    (cells, summary.trim().to_string())
}

#[tokio::test]
async fn field_days_count_distinct_days_per_iso_week_against_the_rule() {
    let app = TestApp::demo().await;
    let cid = committee_id(&app).await;
    let chair = member_of(&app, "leader").await;
    let token = app.token("staff").await;
    // September 2024 begins on a Sunday: 1 September is in the week of 26 August, 2 September
    // starts the next. Two visits on the 3rd are one field day.
    for on in ["2024-08-30", "2024-09-01", "2024-09-02", "2024-09-03", "2024-09-03", "2024-09-05", "2024-09-30"] {
        let body = format!(r#"{{"on_date":"{on}","kind":"field","whom_kind":"masses","people":1,"visitor_ids":[{chair}],"heard":"{HEARD}"}}"#);
        let res = app.client().post_json("/api/v1/visits", &body, Some(&token)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    }
    let leader = app.login("leader").await;
    let page = leader.get("/visits/field-days?month=2024-09").await;
    assert_eq!(page.status, StatusCode::OK);
    let (cells, summary) = weeks_of(&page.text, chair);
    let want: Vec<(u32, String)> = [(2, "missed"), (3, "met"), (0, "missed"), (0, "missed"), (0, "missed"), (1, "missed")].iter().map(|(d, s)| (*d, s.to_string())).collect();
    assert_eq!(cells, want, "six weeks overlap September 2024, from 26 August to 6 October");
    assert_eq!(summary, "1 / 6");
    assert!(page.text.contains("第35周") && page.text.contains("08-26–09-01") && page.text.contains("09-30–10-06"));
    assert!(page.text.contains(r#"href="/visits/field-days?month=2024-08""#) && page.text.contains(r#"href="/visits/field-days?month=2024-10""#));

    // Every leader in office has a row, nobody else.
    let leaders: Vec<i64> = members::all(&app.state.db, cid, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.status == xieshang::org::values::MemberStatus::InOffice.as_str() && xieshang::org::values::Position::from_code(&m.position).is_some_and(|p| p.is_leader()))
        .map(|m| m.id)
        .collect();
    assert!(leaders.len() > 1);
    assert_eq!(page.text.matches("<tr data-member=").count(), leaders.len());
    assert!(!page.text.contains(&format!(r#"<tr data-member="{}">"#, member_of(&app, "member").await)));
    // The demo's leaders are out three days every week of March 2022.
    let march = leader.get("/visits/field-days?month=2022-03").await.text;
    for l in &leaders {
        let (cells, summary) = weeks_of(&march, *l);
        assert!(cells.iter().all(|(d, s)| *d >= 3 && s == "met"), "{cells:?}");
        assert_eq!(summary, "5 / 5");
    }
    // The current month by default; a bad month is named.
    let now = leader.get("/visits/field-days").await.text;
    assert!(now.contains(&today().format("%Y-%m").to_string()) && !now.contains("rel=\"next\""), "no months ahead");
    assert!(member_page(&app, "/visits/field-days?month=2024-13").await.contains("月份格式应为"));
}

async fn member_page(app: &TestApp, path: &str) -> String {
    app.login("member").await.get(path).await.text
}

#[tokio::test]
async fn the_api_lists_filters_shows_and_logs_visits() {
    let app = TestApp::demo().await;
    let (all, went) = records(&app).await;
    let c = app.client();
    let staff = app.token("staff").await;
    let member = app.token("member").await;
    let res = c.get_bearer("/api/v1/visits?from=2022-02-01&to=2022-02-28&kind=home&per_page=200", &member).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let feb: Vec<&visit::Model> = all.iter().filter(|v| v.kind == "home" && v.on_date.format("%Y-%m").to_string() == "2022-02").collect();
    assert_eq!(res.json()["total"], feb.len());
    let items = res.json()["items"].as_array().unwrap().clone();
    assert!(items.iter().all(|i| i["kind"] == "home" && i["on_date"].as_str().unwrap().starts_with("2022-02")));
    let first = &items[0];
    let ids: BTreeSet<i64> = first["visitor_ids"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
    assert_eq!(Some(&ids), went.get(&first["id"].as_i64().unwrap()));
    for bad in ["kind=party", "from=yesterday", "group=abc", "member=x", "page=0"] {
        assert_eq!(c.get_bearer(&format!("/api/v1/visits?{bad}"), &staff).await.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let me = member_of(&app, "member").await;
    let res = c.get_bearer(&format!("/api/v1/visits?member={me}"), &staff).await;
    assert_eq!(res.json()["total"], all.iter().filter(|v| went.get(&v.id).is_some_and(|w| w.contains(&me))).count());

    // Logged by the API: the concern becomes a demand; names only for those who went.
    let body = format!(r#"{{"on_date":"2022-04-01","kind":"home","whom_kind":"households","people":2,"names":"王大爷、李阿姨","visitor_ids":[{me}],"heard":"{HEARD}","demands":["{}"]}}"#, CONCERNS[0]);
    let res = c.post_json("/api/v1/visits", &body, Some(&member)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let saved = res.json();
    assert_eq!(saved["demand_ids"].as_array().unwrap().len(), 1);
    assert_eq!(saved["names"], "王大爷、李阿姨");
    let path = format!("/api/v1/visits/{}", saved["id"]);
    let other = app.token("member2").await;
    assert_eq!(c.get_bearer(&path, &other).await.json()["names"], "", "members who did not go see no names");
    assert_eq!(c.get_bearer(&path, &app.token("leader").await).await.json()["names"], "王大爷、李阿姨");
    let d = demand::Entity::find_by_id(saved["demand_ids"][0].as_i64().unwrap()).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((d.visit_id, d.channel.as_str(), d.category.as_str()), (saved["id"].as_i64(), "visit", "其他"), "the last category by default");
    let res = c.post_json("/api/v1/visits", r#"{"on_date":"2022-04-01","kind":"home","whom_kind":"nobody","people":0,"heard":"x"}"#, Some(&staff)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.json();
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["whom_kind", "people", "visitor_ids", "heard"]);
    let res = c.post_json("/api/v1/visits", r#"{"people":"three"}"#, Some(&staff)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a wrong JSON type is refused: {}", res.text);
    let totals = c.get_bearer("/api/v1/visits/totals?kind=home", &staff).await.json();
    let (n, _, h) = figures(all.iter().filter(|v| v.kind == "home"));
    assert_eq!((totals["visits"].as_u64(), totals["home_visits"].as_i64()), (Some(n as u64 + 1), Some(h + 2)));
    assert_eq!(c.get_bearer("/api/v1/visits", &app.token("unit").await).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get_bearer("/api/v1/visits/999999", &staff).await.status, StatusCode::NOT_FOUND);
    let doc = c.get("/api/openapi.json").await.json();
    for p in ["/api/v1/visits", "/api/v1/visits/{id}", "/api/v1/visits/totals"] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
    assert!(doc["paths"]["/api/v1/visits"]["post"].is_object());
}

#[tokio::test]
async fn the_member_file_lists_the_members_visits() {
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let me = member_of(&app, "member").await;
    let on = today().to_string();
    let res = member.post_form("/visits", &home_visit(&on, &[me.to_string()], "")).await;
    let id = id_from(res.location());
    let (all, went) = records(&app).await;
    let mine = all.iter().filter(|v| went.get(&v.id).is_some_and(|w| w.contains(&me))).count();
    let staff: Client = app.login("staff").await;
    let file = staff.get(&format!("/members/{me}")).await.text;
    let tab = &file[file.find(r#"id="member-visits""#).expect("the 走访 tab lists visits")..];
    assert!(tab.contains(&format!(r#"href="/visits/{id}""#)), "the new visit is on the file");
    assert!(tab.contains(&format!("<strong>{mine}</strong>")), "with the member's count");
    assert!(tab.contains(&format!(r#"href="/visits?member={me}""#)));
    assert!(tab.contains("入户走访"));
    // Someone who went on no visit: an empty tab.
    let cid = committee_id(&app).await;
    let nobody = members::all(&app.state.db, cid, &Default::default()).await.unwrap().into_iter().find(|m| !went.values().any(|w| w.contains(&m.id))).unwrap();
    let file = member.get(&format!("/members/{}", nobody.id)).await.text;
    assert!(file.contains("暂无走访记录"));
}

#[tokio::test]
async fn staff_set_the_field_days_rule_and_the_page_applies_it() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let met = |page: &str| page.matches("class=\"week met\"><span>").count();
    let before = staff.get("/visits/field-days?month=2022-03").await.text;
    assert!(before.contains("<strong>3</strong>"), "three days a week by default");
    assert_eq!(staff.post_form("/visits/field-days/rule", &[("days", "9")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.login("member").await.post_form("/visits/field-days/rule", &[("days", "1")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(met(&staff.get("/visits/field-days?month=2022-03").await.text), met(&before), "refused changes change nothing");
    assert_eq!(staff.post_form("/visits/field-days/rule", &[("days", "4")]).await.status, StatusCode::SEE_OTHER);
    let stricter = staff.get("/visits/field-days?month=2022-03").await.text;
    assert!(stricter.contains("<strong>4</strong>"), "the committee's rule is shown");
    // The demo's leaders are out three days a week on visits (more in some weeks with activities).
    assert!(met(&before) > met(&stricter), "fewer weeks meet a stricter rule: {} → {}", met(&before), met(&stricter));
}
