//! Proposal metrics against the records: the demo's figures recounted one proposal at a time
//! from the JSON API and the tables, members' scopes, periods in China dates, and one
//! proposal's handling (split answer, re-handling, ratings) moving the figures step by step.
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::Value;
use xieshang::app::audit::Who;
use xieshang::proposals::metrics::{self, MetricScope, ProposalMetrics};
use xieshang::proposals::model::{AnswerClass, AssignMode, PartAction, PartActor, ProposalAction, ProposalActor, ProposalKind, Satisfaction};
use xieshang::proposals::store::{self, NewProposal, PartInput, Proposal, part, proposal, rating};

use crate::harness::TestApp;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn committee_id(app: &TestApp) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id
}

async fn load(app: &TestApp, from: NaiveDate, to: NaiveDate, scope: &MetricScope) -> ProposalMetrics {
    metrics::load(&app.state.db, committee_id(app).await, from, to, scope).await.unwrap()
}

/// Every proposal staff see through the API for `query`, all pages.
async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let c = app.client();
    let mut items = Vec::new();
    for page in 1.. {
        let res = c.get_bearer(&format!("/api/v1/proposals?{query}&per_page=200&page={page}"), token).await.json();
        let batch = res["items"].as_array().unwrap().clone();
        let total = res["total"].as_u64().unwrap() as usize;
        items.extend(batch);
        if items.len() >= total {
            break;
        }
    }
    items
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    if d == 0 { None } else { Some(n as f64 / d as f64) }
}

/// The metrics of `items` (API proposals), counted one proposal at a time from the JSON and the
/// parts and ratings tables.
async fn recount(app: &TestApp, items: &[Value]) -> ProposalMetrics {
    let db = &app.state.db;
    let ids: BTreeSet<i64> = items.iter().map(|p| p["id"].as_i64().unwrap()).collect();
    let parts = part::Entity::find().all(db).await.unwrap();
    let mut latest: HashMap<(i64, i64), rating::Model> = HashMap::new();
    for r in rating::Entity::find().all(db).await.unwrap().into_iter().filter(|r| ids.contains(&r.proposal_id)) {
        let newer = latest.get(&(r.proposal_id, r.member_id)).is_none_or(|old| r.round > old.round);
        if newer {
            latest.insert((r.proposal_id, r.member_id), r);
        }
    }
    let mut m = ProposalMetrics { received: items.len() as u64, ..Default::default() };
    for p in items {
        let state = p["state"].as_str().unwrap();
        m.merged += (state == "merged") as u64;
        m.not_filed += (state == "not_filed") as u64;
        m.converted += (state == "converted") as u64;
        if p["number"].is_null() {
            continue;
        }
        m.filed += 1;
        let Some(answered_at) = p["answered_at"].as_str() else { continue };
        m.answered += 1;
        let answered_on = (answered_at.parse::<DateTime<Utc>>().unwrap() + Duration::hours(8)).date_naive();
        let deadline = p["deadline"].as_str().map(|d| d.parse::<NaiveDate>().unwrap());
        m.on_time_answered += deadline.is_some_and(|d| answered_on <= d) as u64;
        let id = p["id"].as_i64().unwrap();
        let first = parts
            .iter()
            .filter(|x| x.proposal_id == id && x.role == "answering" && x.state != "withdrawn" && x.state != "objected" && x.class.is_some())
            .min_by_key(|x| x.id);
        match first.and_then(|x| x.class.as_deref()) {
            Some("A") => m.class_a += 1,
            Some("B") => m.class_b += 1,
            Some("C") => m.class_c += 1,
            _ => {}
        }
    }
    for r in latest.values() {
        match r.satisfaction.as_str() {
            "satisfied" => m.satisfied += 1,
            "basically_satisfied" => m.basically_satisfied += 1,
            _ => m.unsatisfied += 1,
        }
    }
    m.ratings = latest.len() as u64;
    let classified = m.class_a + m.class_b + m.class_c;
    m.filing_rate = ratio(m.filed, m.received);
    m.answer_rate = ratio(m.answered, m.filed);
    m.on_time_answer_rate = ratio(m.on_time_answered, m.filed);
    m.class_a_share = ratio(m.class_a, classified);
    m.class_b_share = ratio(m.class_b, classified);
    m.class_c_share = ratio(m.class_c, classified);
    m.satisfaction_rate = ratio(m.satisfied + m.basically_satisfied, m.ratings);
    m
}

#[tokio::test]
async fn the_demo_metrics_match_its_records_and_the_articles_164_proposals() {
    let app = TestApp::demo().await;
    let token = app.token("staff").await;
    let items = listed(&app, &token, "from=2022-01-01&to=2022-04-19").await;
    let got = load(&app, day(2022, 1, 1), day(2022, 4, 19), &MetricScope::All).await;
    assert_eq!(got, recount(&app, &items).await);

    // The article: 164 proposals since 1 January 2022.
    assert_eq!(got.received, 164);
    assert_eq!(load(&app, day(2022, 1, 1), day(2022, 12, 31), &MetricScope::All).await.received, 164);
    // The demo has something in every figure, so each comparison above means something.
    assert!(got.filed > 0 && got.merged > 0 && got.not_filed > 0 && got.answered > 0 && got.on_time_answered > 0);
    assert!(got.filed < got.received && got.answered < got.filed, "some are in review, some still with units");
    assert!(got.class_a > 0 && got.class_b > 0 && got.class_c > 0 && got.ratings > 0 && got.basically_satisfied > 0);
}

#[tokio::test]
async fn a_members_scope_counts_the_proposals_they_sign_once_each() {
    let app = TestApp::demo().await;
    let token = app.token("staff").await;
    let period = "from=2022-01-01&to=2022-04-19";
    let all = listed(&app, &token, period).await;
    let joint = all.iter().find(|p| p["member_ids"].as_array().unwrap().len() >= 2).expect("the demo has joint proposals");
    let (a, b) = (joint["member_ids"][0].as_i64().unwrap(), joint["member_ids"][1].as_i64().unwrap());
    let of_a = listed(&app, &token, &format!("{period}&member={a}")).await;
    let of_b = listed(&app, &token, &format!("{period}&member={b}")).await;
    let of_a_ids: BTreeSet<i64> = of_a.iter().map(|p| p["id"].as_i64().unwrap()).collect();
    let both: Vec<Value> = of_a.iter().cloned().chain(of_b.iter().filter(|p| !of_a_ids.contains(&p["id"].as_i64().unwrap())).cloned()).collect();
    assert!(both.len() < of_a.len() + of_b.len(), "the joint proposal is theirs twice");

    let (from, to) = (day(2022, 1, 1), day(2022, 4, 19));
    let scoped_a = load(&app, from, to, &MetricScope::Members(vec![a])).await;
    assert_eq!(scoped_a, recount(&app, &of_a).await);
    let scoped = load(&app, from, to, &MetricScope::Members(vec![a, b])).await;
    assert_eq!(scoped, recount(&app, &both).await);
    assert!(0 < scoped_a.received && scoped_a.received < scoped.received && scoped.received < 164, "{} {}", scoped_a.received, scoped.received);
    assert_eq!(load(&app, from, to, &MetricScope::Members(vec![])).await, ProposalMetrics::default(), "nobody signs nothing");
}

#[tokio::test]
async fn a_period_without_proposals_gives_zeros_and_no_rates() {
    let app = TestApp::demo().await;
    for (from, to) in [(day(2021, 1, 1), day(2021, 12, 31)), (day(2022, 4, 19), day(2022, 1, 1))] {
        let m = load(&app, from, to, &MetricScope::All).await;
        assert_eq!(m, ProposalMetrics::default(), "{from}..{to}");
        assert_eq!((m.received, m.filed, m.answered, m.ratings), (0, 0, 0, 0));
        assert_eq!((m.filing_rate, m.answer_rate, m.on_time_answer_rate, m.class_a_share, m.satisfaction_rate), (None, None, None, None, None));
        assert_eq!(metrics::percent(m.filing_rate), "—");
    }
}

#[tokio::test]
async fn the_period_is_in_china_dates_and_inclusive() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let token = app.token("staff").await;
    // Two proposals still in review move to a day of their own: 23:30 and 00:10 China time,
    // the same UTC date (25 April).
    let in_review = listed(&app, &token, "status=in_review").await;
    let moved = [(in_review[0]["id"].as_i64().unwrap(), (4, 25, 15, 30)), (in_review[1]["id"].as_i64().unwrap(), (4, 25, 16, 10))];
    for (id, (m, d, h, min)) in moved {
        let mut am = proposal::Entity::find_by_id(id).one(db).await.unwrap().unwrap().into_active_model();
        am.submitted_at = Set(Some(Utc.with_ymd_and_hms(2022, m, d, h, min, 0).unwrap()));
        am.update(db).await.unwrap();
    }
    let received = |from: NaiveDate, to: NaiveDate| {
        let app = &app;
        async move { load(app, from, to, &MetricScope::All).await.received }
    };
    assert_eq!(received(day(2022, 4, 25), day(2022, 4, 25)).await, 1);
    assert_eq!(received(day(2022, 4, 26), day(2022, 4, 26)).await, 1);
    assert_eq!(received(day(2022, 4, 25), day(2022, 4, 26)).await, 2);
    assert_eq!(listed(&app, &token, "from=2022-04-25&to=2022-04-25").await.len(), 1, "the API agrees");
    let rest = listed(&app, &token, "from=2022-01-01&to=2022-04-19").await.len() as u64;
    assert_eq!((received(day(2022, 1, 1), day(2022, 4, 19)).await, rest), (164 - 2, 164 - 2));
    let first_day = listed(&app, &token, "from=2022-01-01&to=2022-01-01").await;
    assert!(!first_day.is_empty());
    assert_eq!(received(day(2022, 1, 1), day(2022, 1, 1)).await, first_day.len() as u64);

    // Answered at 23:59:59 China time on the deadline day is on time; a second later is not.
    let (from, to) = (day(2022, 1, 1), day(2022, 4, 19));
    let answered = listed(&app, &token, "from=2022-01-01&to=2022-04-19&status=concluded").await;
    let answer_at = |p: &Value, extra: i64| {
        let (id, deadline) = (p["id"].as_i64().unwrap(), p["deadline"].as_str().unwrap().parse::<NaiveDate>().unwrap());
        async move {
            let mut am = proposal::Entity::find_by_id(id).one(db).await.unwrap().unwrap().into_active_model();
            am.answered_at = Set(Some(deadline.and_hms_opt(15, 59, 59).unwrap().and_utc() + Duration::seconds(extra)));
            am.update(db).await.unwrap();
        }
    };
    answer_at(&answered[0], 0).await;
    let in_time = load(&app, from, to, &MetricScope::All).await;
    answer_at(&answered[0], 1).await;
    let late = load(&app, from, to, &MetricScope::All).await;
    assert_eq!((late.answered, late.on_time_answered), (in_time.answered, in_time.on_time_answered - 1));
    assert_eq!(late, recount(&app, &listed(&app, &token, "from=2022-01-01&to=2022-04-19").await).await);
}

fn who(name: &str) -> Who {
    Who { committee_id: None, actor_id: None, actor_name: name.into(), ip: "-".into() }
}

struct Fixture {
    committee_id: i64,
    session_id: i64,
    members: Vec<i64>,
    units: Vec<i64>,
}

async fn fixture(app: &TestApp) -> Fixture {
    let db = &app.state.db;
    let committee_id = committee_id(app).await;
    let term = xieshang::org::terms::terms(db, committee_id).await.unwrap().remove(0);
    let session_id = xieshang::org::terms::plenaries(db, term.id).await.unwrap()[0].id;
    let members = xieshang::org::members::all(db, committee_id, &Default::default()).await.unwrap().iter().take(5).map(|m| m.id).collect();
    let units = xieshang::org::store::units(db, committee_id).await.unwrap().iter().take(3).map(|u| u.id).collect();
    Fixture { committee_id, session_id, members, units }
}

/// A proposal sent in now by `lead` (with `cosigners` confirming), accepted for review.
async fn sent_in(app: &TestApp, f: &Fixture, lead: usize, cosigners: &[usize], title: &str) -> Proposal {
    let db = &app.state.db;
    let new = NewProposal {
        kind: ProposalKind::Regular,
        session_id: Some(f.session_id),
        title: title.into(),
        body: "建议有关部门制定具体方案，明确责任和时限。".into(),
        suggested_units: "区住房和城乡建设局".into(),
        lead_member_id: f.members[lead],
        cosigner_ids: cosigners.iter().map(|i| f.members[*i]).collect(),
    };
    let p = store::create_draft(db, f.committee_id, &new, &who("委员")).await.unwrap();
    let mut p = store::transition(db, &p, ProposalAction::Submit { joint: !cosigners.is_empty() }, ProposalActor::Lead, "", &who("lead")).await.unwrap();
    for c in cosigners {
        p = store::cosign(db, &p, f.members[*c], &who("co")).await.unwrap();
    }
    p
}

/// Every answering part of `p` replies with `classes` (in assignment order) and is approved.
async fn answer(app: &TestApp, p: Proposal, classes: &[AnswerClass]) -> Proposal {
    let db = &app.state.db;
    let parts = store::parts(db, p.id).await.unwrap().into_iter().filter(|x| x.state == "assigned").collect::<Vec<_>>();
    assert_eq!(parts.len(), classes.len());
    let mut p = p;
    for (x, class) in parts.iter().zip(classes) {
        let reply = PartInput { class: Some(*class), text: "已研究落实，现答复如下。".into() };
        p = store::move_part(db, &p, x.id, PartAction::Reply, PartActor::Unit, &reply, &who("unit")).await.unwrap();
    }
    for x in &parts {
        p = store::move_part(db, &p, x.id, PartAction::Approve, PartActor::Staff, &PartInput::default(), &who("staff")).await.unwrap();
    }
    p
}

#[tokio::test]
async fn handling_moves_the_figures_and_only_each_proposers_latest_rating_counts() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let f = fixture(&app).await;
    let today = xieshang::app::shell::today();
    let now = |scope: MetricScope| {
        let app = &app;
        async move { load(app, today - Duration::days(1), today + Duration::days(1), &scope).await }
    };
    assert_eq!(now(MetricScope::All).await, ProposalMetrics::default(), "the demo's proposals are from 2022");

    // A joint proposal, 分办 to two units.
    let p = sent_in(&app, &f, 0, &[1], "关于增设社区公共停车位的建议").await;
    let m = now(MetricScope::All).await;
    assert_eq!((m.received, m.filed, m.filing_rate, m.answer_rate), (1, 0, Some(0.0), None));
    let p = store::transition(db, &p, ProposalAction::Accept, ProposalActor::Staff, "", &who("staff")).await.unwrap();
    let p = store::file(db, &p, "{year}-{seq}", &who("staff")).await.unwrap();
    let p = store::assign(db, &p, AssignMode::Split, None, &[f.units[0], f.units[1]], today, &who("staff")).await.unwrap();
    let m = now(MetricScope::All).await;
    assert_eq!((m.filed, m.filing_rate, m.answered, m.answer_rate), (1, Some(1.0), 0, Some(0.0)));

    let p = answer(&app, p, &[AnswerClass::B, AnswerClass::A]).await;
    let m = now(MetricScope::All).await;
    assert_eq!((m.answered, m.on_time_answered, m.answer_rate, m.on_time_answer_rate), (1, 1, Some(1.0), Some(1.0)));
    assert_eq!((m.class_a, m.class_b, m.class_b_share), (0, 1, Some(1.0)), "the first unit's class");

    // The lead proposer is unsatisfied: re-handled, still answered.
    let p = store::rate(db, &p, f.members[0], Satisfaction::Unsatisfied, true, &who("lead")).await.unwrap();
    let m = now(MetricScope::All).await;
    assert_eq!((m.answered, m.ratings, m.unsatisfied, m.satisfaction_rate), (1, 1, 1, Some(0.0)));
    let p = answer(&app, p, &[AnswerClass::A, AnswerClass::A]).await;
    let p = store::rate(db, &p, f.members[0], Satisfaction::Satisfied, true, &who("lead")).await.unwrap();
    store::rate(db, &p, f.members[1], Satisfaction::BasicallySatisfied, true, &who("co")).await.unwrap();
    let m = now(MetricScope::All).await;
    assert_eq!((m.ratings, m.satisfied, m.basically_satisfied, m.unsatisfied, m.satisfaction_rate), (2, 1, 1, 0, Some(1.0)), "the first rating was replaced");
    assert_eq!((m.class_a, m.class_b), (1, 0), "the class of the latest answer");

    // A proposal handed over on 20 January 2022 (deadline 20 April) and answered today is late.
    let late = sent_in(&app, &f, 2, &[], "关于完善应急避难场所的建议").await;
    let late = store::transition(db, &late, ProposalAction::Accept, ProposalActor::Staff, "", &who("staff")).await.unwrap();
    let late = store::file(db, &late, "{year}-{seq}", &who("staff")).await.unwrap();
    let late = store::assign(db, &late, AssignMode::Single, Some(f.units[2]), &[], day(2022, 1, 20), &who("staff")).await.unwrap();
    answer(&app, late, &[AnswerClass::C]).await;
    // And one not filed.
    let refused = sent_in(&app, &f, 0, &[], "关于本单位争取项目资金的建议").await;
    let refused = store::transition(db, &refused, ProposalAction::Accept, ProposalActor::Staff, "", &who("staff")).await.unwrap();
    store::transition(db, &refused, ProposalAction::Reject, ProposalActor::Staff, "为本单位、本系统争取利益或者宣传推介的", &who("staff")).await.unwrap();

    let m = now(MetricScope::All).await;
    assert_eq!((m.received, m.filed, m.not_filed, m.answered, m.on_time_answered), (3, 2, 1, 2, 1));
    assert_eq!((m.filing_rate, m.answer_rate, m.on_time_answer_rate), (Some(2.0 / 3.0), Some(1.0), Some(0.5)));
    assert_eq!((m.class_a, m.class_b, m.class_c, m.class_c_share), (1, 0, 1, Some(0.5)));
    assert_eq!(metrics::percent(m.filing_rate), "66.7%");
    assert_eq!(now(MetricScope::Members(vec![f.members[0]])).await.received, 2);
    assert_eq!(now(MetricScope::Members(vec![f.members[1]])).await.received, 1, "a co-signer's proposal is theirs too");
    let late_only = now(MetricScope::Members(vec![f.members[2]])).await;
    assert_eq!((late_only.received, late_only.answered, late_only.on_time_answered, late_only.class_c), (1, 1, 0, 1));
}
