//! Every metric against numbers counted by hand. A small committee (湘江区, a county under a
//! city, with a sister county) is written record by record, with items on the edges of March
//! 2022: on the first and the last day, a day either side, and instants around China midnight
//! (00:30 on 1 March is 28 February in UTC; 23:30 on 31 March is still 31 March in UTC; 00:30 on
//! 1 April is 31 March in UTC). The expected figures below were counted from this file, not from
//! the code: each comment names the records behind a number.
//!
//! Members of 湘江区 (S1, S2 sectors; X street with community X1 below it, Y street; group G with
//! G1 below it, group H; studio T of G1 with m2 and m3, studio U of H with m3):
//! - m1 chair, S1, X, G, in office
//! - m2 member, S1, X1, G1, in office
//! - m3 member, S2, Y, H, in office
//! - m4 member, S2, Y, H, resigned on 15 March (not in office at the period's end)
//! - m5 member, S2, X, G, resigned on 10 April (still in office on 31 March)
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::{Value, json};
use xieshang::activities::store::{activity, participant as present};
use xieshang::consultations::store::{consultation, participant};
use xieshang::demands::store::demand;
use xieshang::opinions::store as opinions;
use xieshang::org::members::{member, member_group};
use xieshang::org::model::{CommitteeCode, CommitteeLevel};
use xieshang::org::store::{self as org, NewCommittee};
use xieshang::org::structure::{self, PlaceKind};
use xieshang::proposals::store::{part, proposal, rating, signer};
use xieshang::research::store as research;
use xieshang::stats::metrics::{self, Scope};
use xieshang::studios::store::{reception, studio, studio_member};
use xieshang::visits::store::{visit, visitor};

use crate::harness::TestApp;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).unwrap()
}

/// A China wall-clock time as the instant it is.
fn china(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(2022, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

struct Ids {
    a: i64,
    b: i64,
    p: i64,
    m: [i64; 6],
    g: i64,
    x: i64,
    s2: i64,
    t: i64,
    u: i64,
    g1: i64,
    h: i64,
    y: i64,
}

async fn committee(db: &DatabaseConnection, code: &str, level: CommitteeLevel, parent: Option<i64>) -> i64 {
    let c = NewCommittee { code: CommitteeCode::parse(code).unwrap(), name: format!("{code}政协"), level, parent_id: parent };
    org::insert_committee(db, c).await.unwrap().id
}

#[allow(clippy::too_many_arguments)]
async fn add_member(db: &DatabaseConnection, cid: i64, name: &str, position: &str, sector: i64, place: i64, left: Option<NaiveDate>, groups: &[i64]) -> i64 {
    let now = china(1, 1, 9, 0);
    let m = member::ActiveModel {
        committee_id: Set(cid),
        name: Set(name.into()),
        initials: Set(name.into()),
        gender: Set(None),
        birth_month: Set(None),
        ethnicity: Set(None),
        party: Set(None),
        sector_id: Set(sector),
        place_id: Set(Some(place)),
        position: Set(position.into()),
        employer: Set(None),
        mobile: Set(None),
        status: Set(if left.is_some() { "resigned" } else { "in_office" }.into()),
        status_since: Set(left),
        user_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for g in groups {
        member_group::ActiveModel { member_id: Set(m.id), group_id: Set(*g) }.insert(db).await.unwrap();
    }
    m.id
}

async fn add_visit(db: &DatabaseConnection, cid: i64, on: NaiveDate, kind: &str, people: i32, place: Option<i64>, visitors: &[i64]) {
    let now = china(4, 20, 9, 0);
    let v = visit::ActiveModel {
        committee_id: Set(cid),
        on_date: Set(on),
        kind: Set(kind.into()),
        whom_kind: Set("masses".into()),
        people: Set(people),
        names: Set(String::new()),
        place_id: Set(place),
        staff_names: Set(String::new()),
        heard: Set(String::new()),
        follow_up: Set(String::new()),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for m in visitors {
        visitor::ActiveModel { visit_id: Set(v.id), member_id: Set(*m) }.insert(db).await.unwrap();
    }
}

async fn add_consultation(db: &DatabaseConnection, cid: i64, held: Option<NaiveDate>, place: i64, members: &[i64]) {
    let now = china(4, 20, 9, 0);
    let c = consultation::ActiveModel {
        committee_id: Set(cid),
        kind: Set("grassroots".into()),
        source: Set("plan".into()),
        state: Set(if held.is_some() { "held" } else { "planned" }.into()),
        title: Set("协商".into()),
        topic: Set(String::new()),
        suggested_by: Set(String::new()),
        suggester_phone: Set(String::new()),
        suggester_member_id: Set(None),
        plan_year: Set(Some(2022)),
        place_id: Set(Some(place)),
        address: Set(String::new()),
        format: Set(String::new()),
        meeting_on: Set(held),
        notice_sent_on: Set(None),
        materials_sent_on: Set(None),
        held_on: Set(held),
        briefing: Set(String::new()),
        questions: Set(String::new()),
        answers: Set(String::new()),
        statements: Set(String::new()),
        minutes_issued_on: Set(None),
        closed_on: Set(None),
        decline_reason: Set(String::new()),
        deliberation_open: Set(false),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for m in members {
        let p = participant::ActiveModel {
            consultation_id: Set(c.id),
            kind: Set("member".into()),
            member_id: Set(Some(*m)),
            unit_id: Set(None),
            name: Set(String::new()),
            attendance: Set("present".into()),
            ..Default::default()
        };
        p.insert(db).await.unwrap();
    }
}

/// A proposal: `answered` (instant, deadline) when it was answered; `ratings` as (member, round,
/// satisfaction).
struct P<'a> {
    state: &'a str,
    submitted: Option<DateTime<Utc>>,
    filed: bool,
    answered: Option<DateTime<Utc>>,
    deadline: Option<NaiveDate>,
    signers: &'a [i64],
    ratings: &'a [(i64, i32, &'a str)],
}

async fn add_proposal(db: &DatabaseConnection, cid: i64, unit: i64, p: P<'_>) {
    let now = china(4, 20, 9, 0);
    let saved = proposal::ActiveModel {
        committee_id: Set(cid),
        session_id: Set(None),
        kind: Set("member".into()),
        title: Set("提案".into()),
        body: Set(String::new()),
        submitter_kind: Set("member".into()),
        submitter_name: Set(String::new()),
        suggested_units: Set(String::new()),
        state: Set(p.state.into()),
        seq: Set(None),
        number: Set(p.filed.then(|| "1".to_string())),
        host_id: Set(None),
        reason: Set(None),
        key_proposal: Set(false),
        disclose: Set(true),
        mode: Set(None),
        assigned_at: Set(None),
        deadline: Set(p.deadline),
        rehandled: Set(0),
        created_by: Set(None),
        submitted_at: Set(p.submitted),
        filed_at: Set(None),
        answered_at: Set(p.answered),
        concluded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        supervisor_id: Set(None),
        excellent: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for (i, m) in p.signers.iter().enumerate() {
        signer::ActiveModel { proposal_id: Set(saved.id), member_id: Set(*m), position: Set(i as i32), confirmed_at: Set(None) }.insert(db).await.unwrap();
    }
    if let Some(at) = p.answered {
        let a = part::ActiveModel {
            proposal_id: Set(saved.id),
            unit_id: Set(unit),
            role: Set("answering".into()),
            state: Set("approved".into()),
            class: Set(Some("A".into())),
            reply: Set(None),
            deadline: Set(p.deadline.unwrap()),
            replied_at: Set(Some(at)),
            approved_at: Set(Some(at)),
            created_at: Set(at),
            ..Default::default()
        };
        a.insert(db).await.unwrap();
    }
    for (m, round, s) in p.ratings {
        let r = rating::ActiveModel { proposal_id: Set(saved.id), member_id: Set(*m), round: Set(*round), satisfaction: Set(s.to_string()), contacted: Set(true), at: Set(now), ..Default::default() };
        r.insert(db).await.unwrap();
    }
}

/// A research report with its authors and its outcomes (kind, how many).
async fn add_research(db: &DatabaseConnection, cid: i64, on: NaiveDate, group: Option<i64>, place: Option<i64>, authors: &[i64], outcomes: &[(&str, usize)]) {
    let now = china(4, 20, 9, 0);
    let r = research::report::ActiveModel {
        committee_id: Set(cid),
        title: Set("调研".into()),
        topic: Set("economy".into()),
        group_id: Set(group),
        place_id: Set(place),
        on_date: Set(on),
        summary: Set(String::new()),
        body: Set(String::new()),
        recipients: Set(String::new()),
        file_name: Set(String::new()),
        shared: Set(false),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for (i, m) in authors.iter().enumerate() {
        research::author::ActiveModel { report_id: Set(r.id), member_id: Set(*m), position: Set(i as i32) }.insert(db).await.unwrap();
    }
    for (kind, n) in outcomes {
        for _ in 0..*n {
            let o = research::outcome::ActiveModel {
                report_id: Set(r.id),
                kind: Set(kind.to_string()),
                level: Set("district".into()),
                by_whom: Set(String::new()),
                on_date: Set(on),
                summary: Set(String::new()),
                created_by: Set(None),
                created_at: Set(now),
                ..Default::default()
            };
            o.insert(db).await.unwrap();
        }
    }
}

/// A public-opinion report with its authors and outcomes (kind, level).
async fn add_opinion(db: &DatabaseConnection, cid: i64, on: NaiveDate, state: &str, group: Option<i64>, authors: &[i64], outcomes: &[(&str, &str)]) {
    let now = china(4, 20, 9, 0);
    let r = opinions::report::ActiveModel {
        committee_id: Set(cid),
        title: Set("社情民意".into()),
        body: Set(String::new()),
        category: Set("other".into()),
        state: Set(state.into()),
        submitter_kind: Set(if group.is_some() { "group" } else { "member" }.into()),
        submitter_name: Set(String::new()),
        group_id: Set(group),
        source_type: Set(None),
        source_id: Set(None),
        edited_title: Set(None),
        edited_body: Set(None),
        reason: Set(String::new()),
        combined: Set(false),
        combined_into_id: Set(None),
        from_committee_id: Set(None),
        from_report_id: Set(None),
        sent_up_id: Set(None),
        sent_up_at: Set(None),
        bulletin_id: Set(None),
        submitted_on: Set(on),
        created_by: Set(None),
        submitted_at: Set(None),
        screened_at: Set(None),
        approved_at: Set(None),
        issued_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for (i, m) in authors.iter().enumerate() {
        opinions::author::ActiveModel { report_id: Set(r.id), member_id: Set(*m), position: Set(i as i32) }.insert(db).await.unwrap();
    }
    for (kind, level) in outcomes {
        let o = opinions::outcome::ActiveModel {
            report_id: Set(r.id),
            kind: Set(kind.to_string()),
            level: Set(level.to_string()),
            by_whom: Set(String::new()),
            on_date: Set(on),
            summary: Set(String::new()),
            combined: Set(false),
            via_report_id: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            ..Default::default()
        };
        o.insert(db).await.unwrap();
    }
}

async fn add_studio(db: &DatabaseConnection, cid: i64, name: &str, group: i64, place: i64, members: &[i64]) -> i64 {
    let now = china(1, 1, 9, 0);
    let s = studio::ActiveModel {
        committee_id: Set(cid),
        name: Set(name.into()),
        kind: Set("offline".into()),
        group_id: Set(Some(group)),
        place_id: Set(Some(place)),
        address: Set(String::new()),
        room: Set(String::new()),
        phone: Set(String::new()),
        hours: Set(String::new()),
        reception_days: Set(String::new()),
        intro: Set(String::new()),
        retired: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for m in members {
        studio_member::ActiveModel { studio_id: Set(s.id), member_id: Set(*m) }.insert(db).await.unwrap();
    }
    s.id
}

async fn add_reception(db: &DatabaseConnection, cid: i64, studio: i64, on: NaiveDate, place: i64, citizens: i32) {
    let r = reception::ActiveModel {
        committee_id: Set(cid),
        studio_id: Set(studio),
        held_on: Set(on),
        place_id: Set(Some(place)),
        citizens_received: Set(citizens),
        notes: Set(String::new()),
        created_by: Set(None),
        created_at: Set(china(4, 20, 9, 0)),
        ..Default::default()
    };
    r.insert(db).await.unwrap();
}

async fn add_demand(db: &DatabaseConnection, cid: i64, code: &str, created: DateTime<Utc>, resolved: Option<DateTime<Utc>>, studio: Option<i64>, place: i64) {
    let d = demand::ActiveModel {
        committee_id: Set(cid),
        code: Set(code.into()),
        kind: Set("problem".into()),
        channel: Set(if studio.is_some() { "studio" } else { "hotline" }.into()),
        category: Set("其他".into()),
        place_id: Set(Some(place)),
        description: Set("诉求".into()),
        citizen_name: Set(String::new()),
        citizen_phone: Set(String::new()),
        state: Set(if resolved.is_some() { "resolved" } else { "registered" }.into()),
        unit_id: Set(None),
        assigned_at: Set(None),
        deadline: Set(None),
        answer: Set(None),
        answered_at: Set(resolved),
        resolved_at: Set(resolved),
        satisfaction: Set(None),
        rehandled: Set(0),
        created_at: Set(created),
        updated_at: Set(created),
        studio_id: Set(studio),
        reception_id: Set(None),
        converted_kind: Set(None),
        converted_id: Set(None),
        visit_id: Set(None),
        ..Default::default()
    };
    d.insert(db).await.unwrap();
}

/// An activity with its participants as (member, attendance).
#[allow(clippy::too_many_arguments)]
async fn add_activity(db: &DatabaseConnection, cid: i64, kind: &str, on: NaiveDate, place: Option<i64>, households: i32, funds_fen: i64, who: &[(i64, &str)]) {
    let now = china(4, 20, 9, 0);
    let a = activity::ActiveModel {
        committee_id: Set(cid),
        kind: Set(kind.into()),
        title: Set("活动".into()),
        organiser: Set(String::new()),
        group_id: Set(None),
        on_date: Set(on),
        end_date: Set(on),
        place_id: Set(place),
        address: Set(String::new()),
        description: Set(String::new()),
        people_served: Set(0),
        volunteers: Set(0),
        households: Set(households),
        funds_fen: Set(funds_fen),
        items_given: Set(String::new()),
        items_count: Set(0),
        sign_in_code: Set(format!("FX{}{}", cid, rand::random::<u64>())),
        shared: Set(false),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for (m, attendance) in who {
        let p = present::ActiveModel {
            activity_id: Set(a.id),
            member_id: Set(*m),
            attendance: Set(attendance.to_string()),
            leave_reason: Set(String::new()),
            leave_status: Set(String::new()),
            signed_in_at: Set(None),
        };
        p.insert(db).await.unwrap();
    }
}

/// The city 湘江市 (P) with the counties 湘江区 (A, everything above) and 湘西区 (B: one member,
/// one home visit, one filed proposal, one demand); the city itself has one activity.
async fn build(db: &DatabaseConnection) -> Ids {
    let p = committee(db, "fxcity", CommitteeLevel::City, None).await;
    let a = committee(db, "fxa", CommitteeLevel::County, Some(p)).await;
    let b = committee(db, "fxb", CommitteeLevel::County, Some(p)).await;
    let s1 = structure::insert_sector(db, a, "经济界").await.unwrap().id;
    let s2 = structure::insert_sector(db, a, "教育界").await.unwrap().id;
    let x = structure::insert_place(db, a, "X街道", PlaceKind::Street, None).await.unwrap().id;
    let x1 = structure::insert_place(db, a, "X1社区", PlaceKind::Community, Some(x)).await.unwrap().id;
    let y = structure::insert_place(db, a, "Y街道", PlaceKind::Street, None).await.unwrap().id;
    let g = structure::insert_group(db, a, "G联组", None, Some(x)).await.unwrap().id;
    let g1 = structure::insert_group(db, a, "G1小组", Some(g), Some(x1)).await.unwrap().id;
    let h = structure::insert_group(db, a, "H小组", None, Some(y)).await.unwrap().id;
    let m1 = add_member(db, a, "m1", "chair", s1, x, None, &[g]).await;
    let m2 = add_member(db, a, "m2", "member", s1, x1, None, &[g1]).await;
    let m3 = add_member(db, a, "m3", "member", s2, y, None, &[h]).await;
    let m4 = add_member(db, a, "m4", "member", s2, y, Some(day(3, 15)), &[h]).await;
    let m5 = add_member(db, a, "m5", "member", s2, x, Some(day(4, 10)), &[g]).await;
    let t = add_studio(db, a, "T工作室", g1, x1, &[m2, m3]).await;
    let u = add_studio(db, a, "U工作室", h, y, &[m3]).await;
    let unit = org::unit_id_for(db, a, "区住建局").await.unwrap();

    // Visits: (date, kind, people, place, visitors).
    add_visit(db, a, day(3, 1), "home", 5, Some(x1), &[m2]).await; // v1
    add_visit(db, a, day(3, 31), "field", 7, Some(y), &[m3]).await; // v2
    add_visit(db, a, day(2, 28), "home", 11, Some(x), &[m1]).await; // v3: the day before
    add_visit(db, a, day(4, 1), "field", 13, Some(y), &[m3]).await; // v4: the day after
    add_visit(db, a, day(3, 15), "home", 2, None, &[m1]).await; // v5
    add_visit(db, a, day(3, 20), "enterprise", 3, Some(x), &[m1, m2]).await; // v6

    add_consultation(db, a, Some(day(3, 1)), x1, &[m1]).await; // c1
    add_consultation(db, a, Some(day(3, 31)), y, &[m3]).await; // c2
    add_consultation(db, a, Some(day(4, 1)), x, &[m1]).await; // c3: the day after
    add_consultation(db, a, None, x, &[m1]).await; // c4: not held

    let none: &[(i64, i32, &str)] = &[];
    // p1: 00:30 on 1 March (28 February in UTC), answered on time, rated twice by m1 (the later
    // rating, satisfied, counts).
    let rated = [(m1, 1, "unsatisfied"), (m1, 2, "satisfied")];
    add_proposal(db, a, unit, P { state: "concluded", submitted: Some(china(3, 1, 0, 30)), filed: true, answered: Some(china(3, 20, 10, 0)), deadline: Some(day(3, 25)), signers: &[m1], ratings: &rated }).await;
    // p2: 23:30 on 31 March, answered on 5 April after its 1 April deadline.
    let rated = [(m2, 1, "basically_satisfied"), (m3, 1, "unsatisfied")];
    add_proposal(db, a, unit, P { state: "answered", submitted: Some(china(3, 31, 23, 30)), filed: true, answered: Some(china(4, 5, 9, 0)), deadline: Some(day(4, 1)), signers: &[m2, m3], ratings: &rated }).await;
    // p3: 00:30 on 1 April; p4: 23:30 on 28 February.
    add_proposal(db, a, unit, P { state: "submitted", submitted: Some(china(4, 1, 0, 30)), filed: false, answered: None, deadline: None, signers: &[m1], ratings: none }).await;
    add_proposal(db, a, unit, P { state: "submitted", submitted: Some(china(2, 28, 23, 30)), filed: false, answered: None, deadline: None, signers: &[m1], ratings: none }).await;
    // p5: not filed; p6: still collecting signatures (not received); p7: filed, not answered.
    add_proposal(db, a, unit, P { state: "not_filed", submitted: Some(china(3, 10, 9, 0)), filed: false, answered: None, deadline: None, signers: &[m3], ratings: none }).await;
    add_proposal(db, a, unit, P { state: "collecting_signatures", submitted: Some(china(3, 10, 9, 0)), filed: false, answered: None, deadline: None, signers: &[m1], ratings: none }).await;
    add_proposal(db, a, unit, P { state: "filed", submitted: Some(china(3, 12, 9, 0)), filed: true, answered: None, deadline: Some(day(6, 1)), signers: &[m4], ratings: none }).await;

    add_research(db, a, day(3, 1), Some(g1), Some(x1), &[m2], &[("instructed", 1), ("adopted", 1)]).await; // r1
    add_research(db, a, day(3, 31), None, Some(y), &[m3], &[("instructed", 2)]).await; // r2
    add_research(db, a, day(4, 1), Some(g), None, &[m1], &[("instructed", 1)]).await; // r3: the day after
    add_research(db, a, day(3, 10), Some(h), None, &[m4], &[]).await; // r4

    add_opinion(db, a, day(3, 1), "adopted", None, &[m1], &[("adopted", "district"), ("instructed", "district")]).await; // o1
    add_opinion(db, a, day(3, 31), "submitted", None, &[m3], &[]).await; // o2
    add_opinion(db, a, day(3, 15), "draft", None, &[m2], &[]).await; // o3: a draft
    add_opinion(db, a, day(2, 28), "adopted", None, &[m2], &[("adopted", "district")]).await; // o4: the day before
    add_opinion(db, a, day(3, 20), "kept", Some(g1), &[], &[("instructed", "city")]).await; // o5: written as G1

    add_reception(db, a, t, day(3, 1), x1, 10).await; // rc1
    add_reception(db, a, t, day(3, 31), y, 6).await; // rc2: T went out to Y
    add_reception(db, a, u, day(3, 15), y, 4).await; // rc3
    add_reception(db, a, u, day(4, 1), y, 8).await; // rc4: the day after

    // Demands: registered and resolved at instants around China midnight.
    add_demand(db, a, "FXD00001", china(3, 1, 0, 30), Some(china(3, 31, 23, 30)), Some(t), x1).await; // d1
    add_demand(db, a, "FXD00002", china(2, 28, 23, 30), Some(china(3, 2, 10, 0)), Some(t), y).await; // d2
    add_demand(db, a, "FXD00003", china(3, 15, 10, 0), Some(china(4, 1, 0, 30)), None, y).await; // d3
    add_demand(db, a, "FXD00004", china(3, 20, 10, 0), None, Some(u), y).await; // d4
    add_demand(db, a, "FXD00005", china(4, 1, 0, 30), None, Some(t), x1).await; // d5

    add_activity(db, a, "volunteering", day(3, 1), Some(x1), 0, 0, &[(m1, "present"), (m2, "present"), (m3, "absent")]).await; // a1
    add_activity(db, a, "assistance", day(3, 31), Some(y), 12, 3_456_700, &[(m3, "present")]).await; // a2
    add_activity(db, a, "study", day(3, 15), None, 0, 0, &[(m1, "present")]).await; // a3
    add_activity(db, a, "volunteering", day(4, 1), Some(x), 0, 0, &[(m2, "present")]).await; // a4: the day after
    add_activity(db, a, "inspection", day(3, 15), Some(x), 0, 0, &[(m1, "present")]).await; // a5

    // The sister county and the city.
    let bs = structure::insert_sector(db, b, "农业界").await.unwrap().id;
    let bp = structure::insert_place(db, b, "Z镇", PlaceKind::Town, None).await.unwrap().id;
    let bm = add_member(db, b, "n1", "member", bs, bp, None, &[]).await;
    let bunit = org::unit_id_for(db, b, "县住建局").await.unwrap();
    add_visit(db, b, day(3, 10), "home", 4, Some(bp), &[bm]).await;
    add_proposal(db, b, bunit, P { state: "filed", submitted: Some(china(3, 10, 9, 0)), filed: true, answered: None, deadline: Some(day(6, 1)), signers: &[bm], ratings: none }).await;
    add_demand(db, b, "FXD00006", china(3, 5, 10, 0), None, None, bp).await;
    add_activity(db, p, "other", day(3, 5), None, 0, 0, &[]).await;

    Ids { a, b, p, m: [0, m1, m2, m3, m4, m5], g, x, s2, t, u, g1, h, y }
}

/// The figures as the API writes them.
async fn march(db: &DatabaseConnection, cid: i64, scope: Scope) -> Value {
    let s = metrics::compute(db, cid, day(3, 1), day(3, 31), scope).await.unwrap();
    serde_json::to_value(&s).unwrap()
}

fn same(got: Value, want: Value, what: &str) {
    let (g, w) = (got.as_object().unwrap(), want.as_object().unwrap());
    let keys: Vec<&String> = g.keys().collect();
    assert_eq!(keys, w.keys().collect::<Vec<_>>(), "{what}: every key, no other");
    for (k, v) in w {
        assert_eq!(&g[k], v, "{what}: {k}");
    }
}

/// 湘江区 as a whole (no roll-up: it has no committee below it).
fn whole_a() -> Value {
    json!({
        "members": 4,                       // m1 m2 m3 m5
        "visits": 4,                        // v1 v2 v5 v6
        "people_visited": 17,               // 5 + 7 + 2 + 3
        "home_visits": 7,                   // v1 5 + v5 2
        "consultations": 2,                 // c1 c2
        "proposals": 4,                     // p1 p2 p5 p7
        "proposals_filed": 3,               // p1 p2 p7
        "filing_rate": 3.0 / 4.0,
        "answer_rate": 2.0 / 3.0,           // p1 p2 of 3 filed
        "on_time_answer_rate": 1.0 / 3.0,   // p1
        "satisfaction_rate": 2.0 / 3.0,     // p1 m1 satisfied, p2 m2 basically, p2 m3 not
        "research_reports": 3,              // r1 r2 r4
        "opinion_reports": 3,               // o1 o2 o5
        "adoption_rate": 1.0 / 3.0,         // o1
        "instructions": 5,                  // research r1 1 + r2 2, opinions o1 1 + o5 1
        "receptions": 3,                    // rc1 rc2 rc3
        "citizens_received": 20,            // 10 + 6 + 4
        "demands": 3,                       // d1 d3 d4
        "demands_resolved": 2,              // d1 d2
        "activities": 4,                    // a1 a2 a3 a5
        "activities_by_kind": {"assistance": 1, "inspection": 1, "study": 1, "volunteering": 1},
        "volunteer_person_times": 2,        // a1: m1 m2 present
        "households_assisted": 12,
        "assistance_yuan": 34567.0,
        "duty_days_per_week": 21.0 / 31.0,  // m1 out on 1 (a1), 15 (v5, a5) and 20 (v6) March: 3 days × 7 ÷ 31
    })
}

#[tokio::test]
async fn every_metric_of_each_scope_is_the_hand_count() {
    let app = TestApp::empty().await;
    let db = &app.state.db;
    let ids = build(db).await;
    let [_, m1, m2, m3, _, _] = ids.m;
    assert!(m1 > 0 && m2 > 0 && m3 > 0);

    same(march(db, ids.a, Scope::Committee).await, whole_a(), "湘江区");

    // G with G1 below it: members m1 m2 m5; studio T; reports written as G1.
    same(
        march(db, ids.a, Scope::Group(ids.g)).await,
        json!({
            "members": 3,                       // m1 m2 m5
            "visits": 3, "people_visited": 10, "home_visits": 7, // v1 (m2) v5 v6 (m1)
            "consultations": 1,                 // c1 (m1)
            "proposals": 2, "proposals_filed": 2, // p1 (m1) p2 (m2)
            "filing_rate": 1.0, "answer_rate": 1.0, "on_time_answer_rate": 0.5,
            "satisfaction_rate": 2.0 / 3.0,     // every latest rating of p1 and p2
            "research_reports": 1,              // r1 (G1, m2)
            "opinion_reports": 2, "adoption_rate": 0.5, // o1 (m1) o5 (G1)
            "instructions": 3,                  // r1 1, o1 1, o5 1
            "receptions": 2, "citizens_received": 16, // rc1 rc2 at T
            "demands": 1, "demands_resolved": 2, // d1; d1 d2 through T
            "activities": 3,                    // a1 a3 a5
            "activities_by_kind": {"inspection": 1, "study": 1, "volunteering": 1},
            "volunteer_person_times": 2, "households_assisted": 0, "assistance_yuan": 0.0,
            "duty_days_per_week": 21.0 / 31.0,  // m1 is the group's
        }),
        "G",
    );

    // Studio T: its members m2 m3, its receptions and demands.
    same(
        march(db, ids.a, Scope::Studio(ids.t)).await,
        json!({
            "members": 2,
            "visits": 3, "people_visited": 15, "home_visits": 5, // v1 (m2) v2 (m3) v6 (m2)
            "consultations": 1,                 // c2 (m3)
            "proposals": 2, "proposals_filed": 1, // p2 p5
            "filing_rate": 0.5, "answer_rate": 1.0, "on_time_answer_rate": 0.0,
            "satisfaction_rate": 0.5,           // p2: basically, not
            "research_reports": 2,              // r1 (m2) r2 (m3)
            "opinion_reports": 1, "adoption_rate": 0.0, // o2 (m3)
            "instructions": 3,                  // r1 1, r2 2
            "receptions": 2, "citizens_received": 16,
            "demands": 1, "demands_resolved": 2,
            "activities": 2,                    // a1 (m2) a2 (m3)
            "activities_by_kind": {"assistance": 1, "volunteering": 1},
            "volunteer_person_times": 2, "households_assisted": 12, "assistance_yuan": 34567.0,
            "duty_days_per_week": null,         // no leader among m2 m3
        }),
        "T",
    );

    // Street X with community X1 below it: what happened there; proposals and opinions of the
    // members living there (m1 m2 m5).
    same(
        march(db, ids.a, Scope::Place(ids.x)).await,
        json!({
            "members": 3,                       // m1 m2 m5
            "visits": 2, "people_visited": 8, "home_visits": 5, // v1 (X1) v6 (X)
            "consultations": 1,                 // c1 (X1)
            "proposals": 2, "proposals_filed": 2, "filing_rate": 1.0, "answer_rate": 1.0, "on_time_answer_rate": 0.5,
            "satisfaction_rate": 2.0 / 3.0,
            "research_reports": 1,              // r1 (X1)
            "opinion_reports": 1, "adoption_rate": 1.0, // o1 (m1)
            "instructions": 2,                  // r1 1, o1 1
            "receptions": 1, "citizens_received": 10, // rc1 (X1)
            "demands": 1, "demands_resolved": 1, // d1 (X1)
            "activities": 2,                    // a1 (X1) a5 (X)
            "activities_by_kind": {"inspection": 1, "volunteering": 1},
            "volunteer_person_times": 2, "households_assisted": 0, "assistance_yuan": 0.0,
            "duty_days_per_week": 21.0 / 31.0,  // a place takes every leader's field days
        }),
        "X",
    );

    // Sector S2: m3 m4 m5; no receptions or demands (they have no sector).
    same(
        march(db, ids.a, Scope::Sector(ids.s2)).await,
        json!({
            "members": 2,                       // m3, m5 (m4 left on 15 March)
            "visits": 1, "people_visited": 7, "home_visits": 0, // v2 (m3)
            "consultations": 1,                 // c2 (m3)
            "proposals": 3, "proposals_filed": 2, // p2 (m3) p5 (m3) p7 (m4)
            "filing_rate": 2.0 / 3.0, "answer_rate": 0.5, "on_time_answer_rate": 0.0,
            "satisfaction_rate": 0.5,           // p2
            "research_reports": 2,              // r2 (m3) r4 (m4)
            "opinion_reports": 1, "adoption_rate": 0.0, // o2 (m3)
            "instructions": 2,                  // r2 2
            "receptions": 0, "citizens_received": 0, "demands": 0, "demands_resolved": 0,
            "activities": 1, "activities_by_kind": {"assistance": 1}, // a2 (m3)
            "volunteer_person_times": 0, "households_assisted": 12, "assistance_yuan": 34567.0,
            "duty_days_per_week": null,
        }),
        "S2",
    );
}

#[tokio::test]
async fn a_parent_sums_its_two_children() {
    let app = TestApp::empty().await;
    let db = &app.state.db;
    let ids = build(db).await;
    let b = march(db, ids.b, Scope::Committee).await;
    same(
        b.clone(),
        json!({
            "members": 1, "visits": 1, "people_visited": 4, "home_visits": 4, "consultations": 0,
            "proposals": 1, "proposals_filed": 1, "filing_rate": 1.0, "answer_rate": 0.0, "on_time_answer_rate": 0.0,
            "satisfaction_rate": null, "research_reports": 0, "opinion_reports": 0, "adoption_rate": null, "instructions": 0,
            "receptions": 0, "citizens_received": 0, "demands": 1, "demands_resolved": 0,
            "activities": 0, "activities_by_kind": {}, "volunteer_person_times": 0, "households_assisted": 0, "assistance_yuan": 0.0,
            "duty_days_per_week": null,
        }),
        "湘西区",
    );
    let mut want = whole_a();
    let w = want.as_object_mut().unwrap();
    w["members"] = json!(5);
    w["visits"] = json!(5);
    w["people_visited"] = json!(21);
    w["home_visits"] = json!(11);
    w["proposals"] = json!(5);
    w["proposals_filed"] = json!(4);
    w["filing_rate"] = json!(4.0 / 5.0);
    w["answer_rate"] = json!(2.0 / 4.0);
    w["on_time_answer_rate"] = json!(1.0 / 4.0);
    w["demands"] = json!(4);
    w["activities"] = json!(5);
    w["activities_by_kind"] = json!({"assistance": 1, "inspection": 1, "other": 1, "study": 1, "volunteering": 1});
    same(march(db, ids.p, Scope::Committee).await, want, "湘江市 = 湘江区 + 湘西区 + its own activity");
    // A scope is one committee's: the city's figures for 湘江区's group are not the city's to ask.
    assert!(!metrics::scope_exists(db, ids.p, Scope::Group(ids.g)).await.unwrap());
    // The city's table of the committees below: one row each, its own figures.
    let (_, children) = metrics::with_children(db, ids.p, day(3, 1), day(3, 31)).await.unwrap();
    assert_eq!(children.iter().map(|(c, _)| c.id).collect::<Vec<_>>(), vec![ids.a, ids.b], "by name");
    assert_eq!(serde_json::to_value(&children[0].1).unwrap(), march(db, ids.a, Scope::Committee).await);
    assert_eq!(serde_json::to_value(&children[1].1).unwrap(), b);
}

/// The dashboard's monthly bars: (people visited, proposals, citizens received, activities).
async fn bars(db: &DatabaseConnection, cid: i64, scope: Scope) -> Vec<(u32, [u64; 4])> {
    let months = xieshang::stats::grouped::monthly(db, cid, day(2, 1), day(4, 30), scope).await.unwrap();
    months.into_iter().map(|m| (chrono::Datelike::month(&m.first), [m.people_visited, m.proposals, m.citizens_received, m.activities])).collect()
}

#[tokio::test]
async fn the_monthly_bars_and_the_tables_are_the_hand_counts() {
    let app = TestApp::empty().await;
    let db = &app.state.db;
    let ids = build(db).await;
    // February: v3 11, p4 (23:30 on 28 February); April: v4 13, p3 (00:30 on 1 April), rc4 8, a4.
    assert_eq!(bars(db, ids.a, Scope::Committee).await, vec![(2, [11, 1, 0, 0]), (3, [17, 4, 20, 4]), (4, [13, 1, 8, 1])]);
    assert_eq!(bars(db, ids.p, Scope::Committee).await, vec![(2, [11, 1, 0, 0]), (3, [21, 5, 20, 5]), (4, [13, 1, 8, 1])], "the city's tree");
    // G: v3 (m1) and p4 (m1) in February; p3 (m1) and a4 (m2) in April, v4 and rc4 are H's.
    assert_eq!(bars(db, ids.a, Scope::Group(ids.g)).await, vec![(2, [11, 1, 0, 0]), (3, [10, 2, 16, 3]), (4, [0, 1, 0, 1])]);
    assert_eq!(bars(db, ids.a, Scope::Place(ids.x)).await, vec![(2, [11, 1, 0, 0]), (3, [8, 2, 10, 2]), (4, [0, 1, 0, 1])], "p3 p4 are m1's, who lives in X");
    assert_eq!(bars(db, ids.a, Scope::Sector(ids.s2)).await, vec![(2, [0, 0, 0, 0]), (3, [7, 3, 0, 1]), (4, [13, 0, 0, 0])]);
    let march = xieshang::stats::grouped::monthly(db, ids.a, day(3, 1), day(3, 31), Scope::Committee).await.unwrap();
    assert_eq!(march.iter().map(|m| [m.people_visited, m.proposals, m.citizens_received, m.activities]).collect::<Vec<_>>(), vec![[17, 4, 20, 4]], "a single month");
    let mid = xieshang::stats::grouped::monthly(db, ids.a, day(3, 2), day(3, 30), Scope::Committee).await.unwrap();
    assert_eq!(mid[0].people_visited, 5, "v1 on 1 and v2 on 31 March are outside 2–30 March: v5 2 + v6 3");

    let t = xieshang::stats::grouped::tables(db, ids.a, day(3, 1), day(3, 31), &[ids.g, ids.g1, ids.h], &[ids.t, ids.u], &[ids.x, ids.y]).await.unwrap();
    let group = |id: i64| {
        let s = &t.groups[&id];
        [s.members, s.people_visited, s.home_visits, s.proposals, s.research_reports, s.receptions, s.activities]
    };
    assert_eq!(group(ids.g), [3, 10, 7, 2, 1, 2, 3], "G as its own scope");
    assert_eq!(group(ids.g1), [1, 8, 5, 1, 1, 2, 1], "G1: m2; v1 v6; p2; r1; rc1 rc2 at T; a1");
    assert_eq!(group(ids.h), [1, 7, 0, 3, 2, 1, 1], "H: m3 (m4 left); v2; p2 p5 p7; r2 r4; rc3 at U; a2");
    let studio = |id: i64| {
        let s = &t.studios[&id];
        [s.receptions, s.citizens_received, s.demands, s.demands_resolved]
    };
    assert_eq!(studio(ids.t), [2, 16, 1, 2]);
    assert_eq!(studio(ids.u), [1, 4, 1, 0], "rc3; d4");
    let place = |id: i64| {
        let s = &t.places[&id];
        [s.people_visited, s.home_visits, s.consultations, s.receptions, s.demands, s.activities]
    };
    assert_eq!(place(ids.x), [8, 5, 1, 1, 1, 2], "X with X1");
    assert_eq!(place(ids.y), [7, 0, 1, 2, 2, 1], "Y: v2; c2; rc2 rc3; d3 d4; a2");
}

/// Writes kept figures of 湘江区 for March that no record holds (999 members, 999 people visited
/// in the month's bar), so a read that shows them was served from what is kept.
async fn tamper(db: &DatabaseConnection, cid: i64) {
    use sea_orm::ConnectionTrait;
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(db.get_database_backend(), stmt_sql(db, "SELECT figures FROM stats_figures WHERE committee_id = ?"), [cid.into()]))
        .await
        .unwrap()
        .expect("the figures were kept");
    let mut kept: Value = serde_json::from_str(&row.try_get::<String>("", "figures").unwrap()).unwrap();
    kept["shown"]["members"] = json!(999);
    kept["months"][0][0] = json!(999);
    let set = sea_orm::Statement::from_sql_and_values(db.get_database_backend(), stmt_sql(db, "UPDATE stats_figures SET figures = ? WHERE committee_id = ?"), [kept.to_string().into(), cid.into()]);
    assert_eq!(db.execute_raw(set).await.unwrap().rows_affected(), 1);
}

/// `?` placeholders as the backend writes them.
fn stmt_sql(db: &DatabaseConnection, sql: &str) -> String {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => sql.replacen('?', "$1", 1).replacen('?', "$2", 1),
        _ => sql.to_string(),
    }
}

#[tokio::test]
async fn kept_figures_are_served_until_anything_they_count_changes() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::empty().await;
    let db = &app.state.db;
    let ids = build(db).await;
    same(march(db, ids.a, Scope::Committee).await, whole_a(), "computed");
    tamper(db, ids.a).await;
    assert_eq!(march(db, ids.a, Scope::Committee).await["members"], json!(999), "a second read is served from what was kept");
    let people = |db| async move { xieshang::stats::grouped::monthly(db, ids.a, day(3, 1), day(3, 31), Scope::Committee).await.unwrap()[0].people_visited };
    assert_eq!(people(db).await, 999, "the monthly bars too");

    // A change to any row of any table the figures count, even one that leaves it as it was,
    // makes them computed again; a committee elsewhere keeps its figures.
    for &(table, column, parent) in migration::STATS_COUNTED {
        tamper(db, ids.a).await;
        let b_before = march(db, ids.b, Scope::Committee).await;
        let touch = format!("UPDATE {table} SET {column} = {column} WHERE {} = {}", migration::stats_committee_of(table, column, parent), ids.a);
        let touched = db.execute_unprepared(&touch).await.unwrap().rows_affected();
        assert!(touched > 0, "{table}: the fixture has rows of 湘江区");
        same(march(db, ids.a, Scope::Committee).await, whole_a(), &format!("after a change to {table}"));
        assert_eq!(json!(people(db).await), whole_a()["people_visited"], "{table}: the bars");
        assert_eq!(march(db, ids.b, Scope::Committee).await, b_before, "{table}: 湘西区 is not 湘江区");
    }

    // Many changes in one transaction move the mark (PostgreSQL moves it once a transaction).
    tamper(db, ids.a).await;
    let txn = sea_orm::TransactionTrait::begin(db).await.unwrap();
    for table in ["visits", "demands", "visits"] {
        txn.execute_unprepared(&format!("UPDATE {table} SET committee_id = committee_id WHERE committee_id = {}", ids.a)).await.unwrap();
    }
    txn.commit().await.unwrap();
    same(march(db, ids.a, Scope::Committee).await, whole_a(), "after a transaction of changes");

    // Records added and removed count at once.
    tamper(db, ids.a).await;
    add_visit(db, ids.a, day(3, 16), "home", 3, None, &[ids.m[1]]).await;
    let after = march(db, ids.a, Scope::Committee).await;
    assert_eq!((after["visits"].clone(), after["people_visited"].clone()), (json!(whole_a()["visits"].as_u64().unwrap() + 1), json!(whole_a()["people_visited"].as_u64().unwrap() + 3)));
    assert_eq!(after["members"], whole_a()["members"]);
    db.execute_unprepared(&format!("DELETE FROM visit_visitors WHERE visit_id = (SELECT MAX(id) FROM visits WHERE committee_id = {})", ids.a)).await.unwrap();
    db.execute_unprepared(&format!("DELETE FROM visits WHERE id = (SELECT MAX(id) FROM visits WHERE committee_id = {})", ids.a)).await.unwrap();
    same(march(db, ids.a, Scope::Committee).await, whole_a(), "after the visit was removed");

    // Kept figures that do not read (kept in another shape) are computed and written again.
    db.execute_unprepared(&format!("UPDATE stats_figures SET figures = 'not figures' WHERE committee_id = {}", ids.a)).await.unwrap();
    same(march(db, ids.a, Scope::Committee).await, whole_a(), "computed when the kept figures do not read");
    tamper(db, ids.a).await;
    assert_eq!(march(db, ids.a, Scope::Committee).await["members"], json!(999), "and kept again");
    db.execute_unprepared(&format!("DELETE FROM stats_figures WHERE committee_id = {}", ids.a)).await.unwrap();

    // The city's sum from its children's kept figures is the sum computed afresh.
    let kept = march(db, ids.p, Scope::Committee).await;
    db.execute_unprepared("DELETE FROM stats_figures").await.unwrap();
    assert_eq!(march(db, ids.p, Scope::Committee).await, kept);
}

/// The tables a statement reads: the names after FROM and JOIN (not subqueries).
fn tables_read(sql: &str) -> Vec<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| w[0].eq_ignore_ascii_case("FROM") || w[0].eq_ignore_ascii_case("JOIN"))
        .map(|w| w[1].trim_matches(|c: char| c == '"' || c == ',' || c == ')').to_string())
        .filter(|t| !t.starts_with('(') && !t.is_empty())
        .collect()
}

#[tokio::test]
async fn every_table_the_kept_figures_count_moves_their_mark() {
    use std::sync::{Arc, Mutex};
    let app = TestApp::empty().await;
    let ids = build(&app.state.db).await;
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut db = app.state.db.clone();
    let recorder = seen.clone();
    db.set_metric_callback(move |info| recorder.lock().unwrap().push(info.statement.sql.clone()));
    // The city's figures and bars computed afresh, as a first request of the period does.
    metrics::compute(&db, ids.p, day(3, 1), day(3, 31), Scope::Committee).await.unwrap();
    xieshang::stats::grouped::monthly(&db, ids.p, day(3, 1), day(3, 31), Scope::Committee).await.unwrap();
    let read: std::collections::BTreeSet<String> = seen.lock().unwrap().iter().flat_map(|s| tables_read(s)).collect();
    for t in ["demands", "proposal_ratings", "visit_visitors", "activity_participants", "stats_figures"] {
        assert!(read.contains(t), "{t} is read: {read:?}");
    }
    let followed: Vec<&str> = migration::STATS_COUNTED.iter().map(|c| c.0).chain(["stats_marks", "stats_figures"]).collect();
    for t in &read {
        assert!(followed.contains(&t.as_str()), "the figures read {t}, whose changes no trigger follows (add it to STATS_COUNTED)");
    }
}
