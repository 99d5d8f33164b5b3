//! Every count on the dashboard links to the records behind it: for each scope kind (the whole
//! committee, a group, a studio, a place, a sector) and each count metric, the figure of
//! `/api/v1/stats` is read, its link is taken from the dashboard page, followed, and the list's
//! marked total (`data-total`) must be the figure — summed over the lists where a figure has
//! more than one (leaders' instructions). The committee's lists also download as .xlsx.
use axum::http::StatusCode;
use serde_json::Value;

use crate::harness::{Client, TestApp};

/// The count metrics of DOMAIN.md (rates and the leaders' field days are averages or shares).
const COUNTS: [&str; 18] = [
    "members",
    "visits",
    "people_visited",
    "home_visits",
    "consultations",
    "proposals",
    "proposals_filed",
    "research_reports",
    "opinion_reports",
    "instructions",
    "receptions",
    "citizens_received",
    "demands",
    "demands_resolved",
    "activities",
    "volunteer_person_times",
    "households_assisted",
    "assistance_yuan",
];

/// Nothing comes through a sector: these figures are 0 for one by definition, and unlinked.
const NOT_BY_SECTOR: [&str; 4] = ["receptions", "citizens_received", "demands", "demands_resolved"];

const PERIOD: &str = "from=2022-01-01&to=2022-04-19";

/// The `<li>` of a figure on the dashboard.
fn figure_block<'a>(page: &'a str, key: &str) -> Option<&'a str> {
    let at = page.find(&format!(r#"data-metric="{key}""#))?;
    let end = page[at..].find("</li>")?;
    Some(&page[at..at + end])
}

/// The links of a figure, unescaped.
fn hrefs(block: &str) -> Vec<String> {
    block.split(r#"href=""#).skip(1).map(|s| s[..s.find('"').unwrap()].replace("&#38;", "&").replace("&amp;", "&")).collect()
}

/// The number a list marks as `data-total="{key}"` (else its count, `data-total="count"`): the
/// first number in the marked element's text.
fn list_total(page: &str, key: &str) -> Option<f64> {
    let at = page.find(&format!(r#"data-total="{key}""#)).or_else(|| page.find(r#"data-total="count""#))?;
    let rest = &page[at..];
    let rest = &rest[rest.find('>')? + 1..];
    let mut text = String::new();
    let mut in_tag = false;
    for c in rest.chars().take(400) {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let number: String = text[start..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    number.parse().ok()
}

/// Walks every count of one scope; returns what went wrong, each naming metric and scope, and
/// the figures seen.
async fn walk(staff: &Client, token: &str, scope: &str, query: &str, exports: bool) -> (Vec<String>, Vec<(&'static str, f64)>) {
    let api = staff.get_bearer(&format!("/api/v1/stats?{query}"), token).await;
    assert_eq!(api.status, StatusCode::OK, "{scope}: {}", api.text);
    let api: Value = api.json();
    let page = staff.get(&format!("/stats?{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{scope}: the dashboard");
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for key in COUNTS {
        let figure = api[key].as_f64().unwrap_or_else(|| panic!("{key} ({scope}) is a number: {api}"));
        seen.push((key, figure));
        let Some(block) = figure_block(&page.text, key) else {
            failures.push(format!("{key} ({scope}): not on the dashboard"));
            continue;
        };
        let links = hrefs(block);
        if links.is_empty() {
            if !(scope.starts_with("sector") && NOT_BY_SECTOR.contains(&key) && figure == 0.0) {
                failures.push(format!("{key} ({scope}): the figure {figure} has no link"));
            }
            continue;
        }
        let mut sum = 0.0;
        for href in &links {
            let list = staff.get(href).await;
            if list.status != StatusCode::OK {
                failures.push(format!("{key} ({scope}): {href} answered {}", list.status));
                continue;
            }
            match list_total(&list.text, key) {
                Some(n) => sum += n,
                None => failures.push(format!("{key} ({scope}): {href} marks no total")),
            }
            if exports {
                let (status, bytes) = staff.get_bytes(&format!("{href}&format=xlsx")).await;
                if status != StatusCode::OK || !bytes.starts_with(b"PK") {
                    failures.push(format!("{key} ({scope}): {href} does not download as .xlsx ({status})"));
                }
            }
        }
        if (sum - figure).abs() > 0.005 {
            failures.push(format!("{key} ({scope}): the figure is {figure}, the list behind it ({}) totals {sum}", links.join(" + ")));
        }
    }
    (failures, seen)
}

#[tokio::test]
async fn every_count_links_to_a_list_whose_total_is_the_figure_for_every_scope() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let cid = xieshang::org::store::find_committee_by_code(db, "yuetang").await.unwrap().unwrap().id;
    let groups = xieshang::org::structure::groups(db, cid).await.unwrap();
    let group = groups.iter().find(|g| g.name == "书院路政协小组").unwrap().id;
    let place = xieshang::org::structure::places(db, cid).await.unwrap().into_iter().find(|p| p.name == "书院路街道").unwrap().id;
    // The studio run by 五里堆's group (its two receptions went out to communities).
    let wulidui = groups.iter().find(|g| g.name == "五里堆街道政协小组").unwrap().id;
    let studio = xieshang::studios::store::list(db, cid).await.unwrap().into_iter().find(|s| s.group_id == Some(wulidui)).unwrap().id;
    // The sector with the most members.
    let members = xieshang::org::members::all(db, cid, &Default::default()).await.unwrap();
    let sector = xieshang::org::structure::sectors(db, cid).await.unwrap().into_iter().max_by_key(|s| members.iter().filter(|m| m.sector_id == s.id).count()).unwrap().id;

    let staff = app.login("staff").await;
    let token = app.token("staff").await;
    let scopes = [
        ("committee".to_string(), PERIOD.to_string()),
        (format!("group {group}"), format!("{PERIOD}&group={group}")),
        (format!("studio {studio}"), format!("{PERIOD}&studio={studio}")),
        (format!("place {place}"), format!("{PERIOD}&place={place}")),
        (format!("sector {sector}"), format!("{PERIOD}&sector={sector}")),
    ];
    let mut failures = Vec::new();
    let mut nonzero = std::collections::BTreeMap::<&str, u32>::new();
    for (i, (scope, query)) in scopes.iter().enumerate() {
        let (f, seen) = walk(&staff, &token, scope, query, i == 0).await;
        failures.extend(f);
        for (key, v) in seen {
            *nonzero.entry(key).or_default() += u32::from(v > 0.0);
        }
    }
    assert!(failures.is_empty(), "{} drill-downs disagree:\n{}", failures.len(), failures.join("\n"));
    // The walk means something only where there are records: every count is non-zero somewhere,
    // and most in a narrower scope than the committee.
    for key in COUNTS {
        assert!(nonzero[key] >= 1, "{key} is 0 in every scope: the walk checks nothing");
    }
    assert!(nonzero.values().filter(|n| **n >= 2).count() >= 12, "scoped figures are mostly non-zero: {nonzero:?}");
}

#[tokio::test]
async fn instructions_link_to_both_lists_they_are_recorded_on() {
    let app = TestApp::demo().await;
    let staff = app.login("staff").await;
    let page = staff.get(&format!("/stats?{PERIOD}")).await.text;
    let block = figure_block(&page, "instructions").expect("the figure is shown");
    let links = hrefs(block);
    assert_eq!(links.len(), 2, "{block}");
    assert!(links[0].starts_with("/opinion-reports?") && links[1].starts_with("/research-reports?"), "{links:?}");
    assert!(block.contains("社情民意批示") && block.contains("调研报告批示"));
}

#[test]
fn a_lists_total_is_read_from_its_marked_element() {
    let page = r#"<p><span class="nowrap" data-total="visits">走访次数 <strong>12</strong></span> · <span data-total="assistance_yuan">慰问金（元） <strong>3600.50</strong></span></p><h1>x <small data-total="count">7</small></h1>"#;
    assert_eq!(list_total(page, "visits"), Some(12.0));
    assert_eq!(list_total(page, "assistance_yuan"), Some(3600.5));
    assert_eq!(list_total(page, "demands"), Some(7.0), "else the list's count");
    assert_eq!(list_total("<p>nothing</p>", "visits"), None);
}
