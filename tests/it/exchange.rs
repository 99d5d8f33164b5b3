//! 信息互通: the feed shows the shared items of every committee in the tree — the province, the
//! city and the districts beside — and nothing unshared or from another tree; only the
//! reader's own items link to their pages.
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use xieshang::activities::store::activity;
use xieshang::app::audit::Who;
use xieshang::org::model::{CommitteeCode, CommitteeLevel};
use xieshang::org::store::{self, NewCommittee};

use crate::harness::TestApp;

async fn committee(app: &TestApp, code: &str) -> i64 {
    store::find_committee_by_code(&app.state.db, code).await.unwrap().unwrap().id
}

async fn shared_titles(app: &TestApp, committee_id: i64, shared: bool) -> Vec<(i64, String)> {
    activity::Entity::find()
        .filter(activity::Column::CommitteeId.eq(committee_id))
        .filter(activity::Column::Shared.eq(shared))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.title))
        .collect()
}

/// A committee of another tree that shares one activity.
async fn other_tree(app: &TestApp) -> i64 {
    let db = &app.state.db;
    let c = store::insert_committee(db, NewCommittee { code: CommitteeCode::parse("guangdong").unwrap(), name: "广东省政协".into(), level: CommitteeLevel::Province, parent_id: None }).await.unwrap();
    let form = xieshang::activities::model::ActivityForm { kind: "study".into(), title: "粤政协学习会".into(), on_date: "2022-03-01".into(), shared: "yes".into(), ..Default::default() };
    let input = form.parse(&xieshang::activities::model::ActivityChoices { groups: &[], places: &[], members: &[] }).unwrap();
    xieshang::activities::store::create(db, c.id, &input, &Who::anonymous(Some(c.id), "test", "-")).await.unwrap();
    c.id
}

#[tokio::test]
async fn the_feed_reads_the_whole_tree_and_links_only_own_items() {
    let app = TestApp::demo().await;
    other_tree(&app).await;
    let own = shared_titles(&app, committee(&app, "yuetang").await, true).await;
    let city = shared_titles(&app, committee(&app, "xiangtan").await, true).await;
    let sibling = shared_titles(&app, committee(&app, "shaoshan").await, true).await;
    let unshared = shared_titles(&app, committee(&app, "yuetang").await, false).await;
    assert!(!own.is_empty() && !city.is_empty() && !sibling.is_empty() && !unshared.is_empty(), "the demo shares in three committees");

    let staff = app.login("staff").await;
    let page = staff.get("/exchange").await;
    assert_eq!(page.status, StatusCode::OK);
    for (id, title) in &own {
        assert!(page.text.contains(&format!("<a href=\"/activities/{id}\">{title}</a>")), "own item {title} links to its page");
    }
    for (id, title) in city.iter().chain(&sibling) {
        assert!(page.text.contains(title.as_str()), "{title} of the tree is shown");
        assert!(!page.text.contains(&format!("/activities/{id}\"")), "{title} of another committee is not linked");
    }
    for (_, title) in &unshared {
        assert!(!page.text.contains(&format!(">{title}<")), "unshared {title} stays home");
    }
    assert!(!page.text.contains("粤政协学习会"), "another tree is not read");

    // The city's administrator reads the same tree, with the district's items unlinked.
    let city_page = app.login("xiangtan-admin").await.get("/exchange").await;
    assert!(own.iter().all(|(id, t)| city_page.text.contains(t.as_str()) && !city_page.text.contains(&format!("/activities/{id}\""))));
}

#[tokio::test]
async fn filters_narrow_the_feed_and_bad_values_are_named() {
    let app = TestApp::demo().await;
    let shaoshan = committee(&app, "shaoshan").await;
    let sibling = shared_titles(&app, shaoshan, true).await;
    let own = shared_titles(&app, committee(&app, "yuetang").await, true).await;
    let staff = app.login("staff").await;
    let page = staff.get(&format!("/exchange?kind=activity&committee={shaoshan}")).await;
    assert!(sibling.iter().all(|(_, t)| page.text.contains(t.as_str())));
    assert!(own.iter().all(|(_, t)| !page.text.contains(t.as_str())), "only the chosen committee");
    let none = staff.get("/exchange?kind=project").await;
    assert!(own.iter().chain(&sibling).all(|(_, t)| !none.text.contains(t.as_str())), "no activity under another kind");

    let outside = other_tree(&app).await;
    let bad = staff.get(&format!("/exchange?kind=visit&committee={outside}")).await;
    assert_eq!(bad.status, StatusCode::OK, "the feed still renders");
    assert_eq!(bad.text.matches("请选择有效的选项").count(), 2, "the kind and the committee are both named");
    assert!(!bad.text.contains("粤政协学习会"), "a committee outside the tree cannot be asked for");
    assert!(own.iter().all(|(_, t)| bad.text.contains(t.as_str())), "the rest of the feed is shown");
}

#[tokio::test]
async fn the_api_gives_the_feed_with_links_for_own_items_only() {
    let app = TestApp::demo().await;
    let yuetang = committee(&app, "yuetang").await;
    let t = app.token("staff").await;
    let c = app.client();
    let body = c.get_bearer("/api/v1/exchange", &t).await.json();
    let items = body["items"].as_array().unwrap();
    let expected = [yuetang, committee(&app, "xiangtan").await, committee(&app, "shaoshan").await];
    let mut activities = 0;
    for cid in expected {
        activities += shared_titles(&app, cid, true).await.len();
    }
    use xieshang::projects::store::project;
    use xieshang::research::store::report;
    let reports = report::Entity::find().filter(report::Column::Shared.eq(true)).count(&app.state.db).await.unwrap() as usize;
    let projects = project::Entity::find().filter(project::Column::Shared.eq(true)).count(&app.state.db).await.unwrap() as usize;
    assert!(reports > 0 && projects > 0, "the demo shares reports and projects too");
    let of_kind = |k: &str| items.iter().filter(|i| i["kind"] == k).count();
    assert_eq!((of_kind("activity"), of_kind("research_report"), of_kind("project")), (activities, reports, projects), "every shared item of the tree, by kind");
    for i in items {
        let own = i["committee_id"] == yuetang;
        assert_eq!(i["href"].is_string(), own, "{i}");
    }
    let only = c.get_bearer("/api/v1/exchange?kind=research_report", &t).await.json();
    assert_eq!(only["items"].as_array().unwrap().len(), reports);
    let dates: Vec<&str> = items.iter().map(|i| i["on_date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let bad = c.get_bearer("/api/v1/exchange?kind=visit", &t).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["fields"][0]["field"], "kind");
    let unit = app.token("unit").await;
    assert_eq!(c.get_bearer("/api/v1/exchange", &unit).await.status, StatusCode::FORBIDDEN, "handling units have no feed");
}
