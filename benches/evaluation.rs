//! Province-scale benchmark of the duty-performance evaluation (not a test). On SQLite, the
//! province of `common::province` (150 committees of 400 members) with about 5,000,000 duty
//! records over the last two full years: per committee 720 activities with 18 members on each
//! roll (attendance settled; two plenaries with every member and ten standing-committee
//! meetings among them), 5,000 visits with their visitors, 1,500 proposals with their signers
//! (three in four filed, some key or excellent), 1,500 public-opinion reports with their authors
//! and outcomes, 150 research reports with two authors each, 1,500 studio receptions with three
//! members on duty, 400 consultations with eight members present and 100 manual records. Then,
//! for the last committee and last year:
//! - `evaluation::evaluate::compute` of every member in office (the ledger's queries and the
//!   scoring apart), and the whole `POST /evaluation/evaluate` through the router (which also
//!   writes the kept results);
//! - `GET /evaluation?year=` (the ranking page) with a staff session, live before the year is
//!   evaluated and from the kept results after, and `GET /api/v1/evaluation?year=`;
//! - `GET /api/v1/members/{id}/duty-records?year=`, live and kept;
//! - the SQLite query plans of the ledger's statements for one committee.
//!
//! Run: `cargo bench --bench evaluation`. `XS_BENCH_ROUNDS` (default 300) sets the requests
//! timed per page (20 for a page whose first request takes more than 200 ms);
//! `XS_BENCH_KEEP=1` keeps the database; `XS_BENCH_DIR=<its folder>` runs again on a kept one
//! without seeding (the year's kept evaluation is removed first; new migrations apply).
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;

use chrono::{Datelike, NaiveDate, Utc};
use common::province::{
    COMMITTEES, MEMBERS_PER, Rows, STUDIO_MEMBERS, Span, UNITS, activity_rows, consultation_rows, item_id, member_id, opinion_rows, pick, proposal_rows, reception_row, research_rows,
    some_members, structure_of_province, studio_id, visit_rows,
};
use common::{Auth, bench_state, count_rows, finish, form_request, measure, plan, staff_sessions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement};
use tower::ServiceExt;
use xieshang::activities::store::participant;
use xieshang::app;
use xieshang::evaluation::evaluate::{compute, members_in_office};
use xieshang::evaluation::ledger;
use xieshang::evaluation::model::as_of;
use xieshang::evaluation::store::{self, manual};
use xieshang::org::store as org;
use xieshang::studios::store::reception_member;

const ACTIVITIES_PER: usize = 720;
const INVITED: usize = 18;
/// Members on a standing-committee meeting's roll.
const STANDING: usize = 40;
const VISITS_PER: usize = 5_000;
const PROPOSALS_PER: usize = 1_500;
const OPINIONS_PER: usize = 1_500;
const RESEARCH_PER: usize = 150;
const RECEPTIONS_PER: usize = 1_500;
const ON_DUTY: usize = 3;
const CONSULTATIONS_PER: usize = 400;
const ATTENDING: usize = 8;
const MANUAL_PER: usize = 100;
/// Runs of `compute` and of the evaluation timed.
const COMPUTE_RUNS: usize = 20;
const EVALUATE_RUNS: usize = 10;
/// The budgets.
const RECOMPUTE_BUDGET: Duration = Duration::from_secs(1);
const PAGE_BUDGET: Duration = Duration::from_millis(20);

/// The plenary or standing-committee meeting the `i`th activity is, with its roll.
fn meeting(c: usize, i: usize) -> Option<(&'static str, Vec<i64>)> {
    if i % (ACTIVITIES_PER / 2) == ACTIVITIES_PER / 8 {
        Some(("plenary", (0..MEMBERS_PER).map(|m| member_id(c, m)).collect()))
    } else if i % (ACTIVITIES_PER / 10) == ACTIVITIES_PER / 20 {
        Some(("standing_committee", (0..STANDING).map(|m| member_id(c, m)).collect()))
    } else {
        None
    }
}

fn activity_with_meetings(rows: &mut Rows, span: Span, com: &common::province::Com, c: usize, i: usize, rng: &mut StdRng) {
    let before = rows.participants.len();
    activity_rows(rows, span, com, c, (i, ACTIVITIES_PER), INVITED, rng);
    let Some((kind, roll)) = meeting(c, i) else { return };
    rows.activities.last_mut().unwrap().kind = Set(kind.into());
    rows.participants.truncate(before);
    for m in roll {
        let attendance = pick(rng, &[("present", 90), ("on_leave", 7), ("absent", 3)]);
        rows.participants.push(participant::ActiveModel { activity_id: Set(item_id(c, i)), member_id: Set(m), attendance: Set(attendance.into()), leave_reason: Set(String::new()), leave_status: Set(String::new()), signed_in_at: Set(None) });
    }
}

/// A reception with three of its studio's five members on duty.
fn reception_with_members(rows: &mut Rows, span: Span, com: &common::province::Com, c: usize, i: usize, rng: &mut StdRng) {
    let r = reception_row(span, com, c, (i, RECEPTIONS_PER), rng);
    let k = (*r.studio_id.as_ref() - studio_id(c, 0)) as usize;
    let first = rng.random_range(0..STUDIO_MEMBERS);
    for n in 0..ON_DUTY {
        // The members of studio k, as the province's structure assigns them.
        let m = member_id(c, k + UNITS * ((first + n) % STUDIO_MEMBERS + 1));
        rows.reception_members.push(reception_member::ActiveModel { reception_id: Set(item_id(c, i)), member_id: Set(m) });
    }
    rows.receptions.push(r);
}

async fn seed(db: &DatabaseConnection, span: Span) -> Vec<common::province::Com> {
    let mut rng = StdRng::seed_from_u64(2022_1231);
    let coms = structure_of_province(db, span, &mut rng).await;
    let mut units = Vec::new();
    for com in &coms {
        units.push(org::unit_id_for(db, com.id, "住建局").await.unwrap());
    }
    let mut rows = Rows::default();
    rows.fill(db, &coms, ACTIVITIES_PER, &mut rng, |r, com, c, i, rng| activity_with_meetings(r, span, com, c, i, rng)).await;
    rows.fill(db, &coms, VISITS_PER, &mut rng, |r, com, c, i, rng| visit_rows(r, span, com, c, (i, VISITS_PER), rng)).await;
    rows.fill(db, &coms, PROPOSALS_PER, &mut rng, |r, com, c, i, rng| {
        proposal_rows(r, span, com, c, (i, PROPOSALS_PER), units[c], rng);
        let p = r.proposals.last_mut().unwrap();
        (p.key_proposal, p.excellent) = (Set(i % 20 == 0), Set(i % 33 == 0));
    })
    .await;
    rows.fill(db, &coms, OPINIONS_PER, &mut rng, |r, com, c, i, rng| opinion_rows(r, span, com, c, (i, OPINIONS_PER), rng)).await;
    rows.fill(db, &coms, RESEARCH_PER, &mut rng, |r, com, c, i, rng| research_rows(r, span, com, c, (i, RESEARCH_PER), rng)).await;
    rows.fill(db, &coms, RECEPTIONS_PER, &mut rng, |r, com, c, i, rng| reception_with_members(r, span, com, c, i, rng)).await;
    rows.fill(db, &coms, CONSULTATIONS_PER, &mut rng, |r, com, c, i, rng| consultation_rows(r, span, com, c, (i, CONSULTATIONS_PER), ATTENDING, rng)).await;
    let manual_rows: Vec<manual::ActiveModel> = coms
        .iter()
        .enumerate()
        .flat_map(|(c, com)| (0..MANUAL_PER).map(move |i| (c, com.id, i)))
        .map(|(c, committee_id, i)| manual::ActiveModel {
            committee_id: Set(committee_id),
            member_id: Set(some_members(c, 1, &mut rng)[0]),
            kind: Set(if i % 2 == 0 { "speech" } else { "manual" }.into()),
            on_date: Set(span.day(i, MANUAL_PER, &mut rng)),
            reason: Set("大会书面发言".into()),
            created_by: Set(None),
            created_at: Set(span.start),
            ..Default::default()
        })
        .collect();
    for chunk in manual_rows.chunks(4_000) {
        manual::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await.unwrap();
    }
    coms
}

/// The duty records the ledger derives from the seeded rows, by source, over the whole province.
async fn duty_records(db: &DatabaseConnection) -> (i64, String) {
    let sources = [
        ("activity rolls", "COUNT(*)", "activity_participants WHERE attendance IN ('present','on_leave','absent')"),
        ("proposals", "COUNT(*) + SUM(p.key_proposal) + SUM(p.excellent)", "proposal_signers s JOIN proposals p ON p.id = s.proposal_id WHERE p.filed_at IS NOT NULL"),
        ("opinion reports", "COUNT(*)", "opinion_report_authors a JOIN opinion_reports r ON r.id = a.report_id WHERE r.state <> 'draft'"),
        ("opinion outcomes", "COUNT(*)", "opinion_report_authors a JOIN opinion_report_outcomes o ON o.report_id = a.report_id WHERE o.kind IN ('adopted','combined','instructed')"),
        ("research reports", "COUNT(*)", "research_report_authors"),
        ("research instructions", "COUNT(*)", "research_report_authors a JOIN research_report_outcomes o ON o.report_id = a.report_id WHERE o.kind = 'instructed'"),
        ("visits", "COUNT(*)", "visit_visitors"),
        ("studio duty", "COUNT(*)", "reception_members"),
        ("consultations", "COUNT(*)", "consultation_participants p JOIN consultations c ON c.id = p.consultation_id WHERE c.held_on IS NOT NULL AND p.member_id IS NOT NULL"),
        ("manual", "COUNT(*)", "manual_duty_records"),
    ];
    let (mut total, mut parts) = (0, Vec::new());
    for (name, expr, from) in sources {
        let sql = format!("SELECT CAST({expr} AS INTEGER) AS n FROM {from}");
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        total += n;
        parts.push(format!("{name} {n}"));
    }
    (total, parts.join(", "))
}

/// p50 and p99 (the slowest of fewer than 100) of durations.
fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let n = times.len();
    (times[n / 2], times[(n * 99 / 100).min(n - 1)])
}

fn flag(took: Duration, budget: Duration) -> &'static str {
    if took > budget { "  over budget" } else { "" }
}

/// Times a page: 300 rounds (or `XS_BENCH_ROUNDS`), 20 when its first answer is slow.
async fn page(router: &axum::Router, what: &str, path: &str, auth: &Auth<'_>) {
    let rounds: usize = std::env::var("XS_BENCH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let probe = Instant::now();
    measure(router, path, auth, 1).await;
    let n = if probe.elapsed() > Duration::from_millis(200) { 20 } else { rounds };
    let (p50, p99, size) = measure(router, path, auth, n).await;
    println!("{what:<52} {p50:>10.1?} {p99:>10.1?} {n:>6} {:>8} KB{}", size / 1024, flag(p99, PAGE_BUDGET));
}

#[tokio::main]
async fn main() {
    let (state, dir, log) = bench_state("evaluation").await;
    let db = &state.db;
    // The last two full years, China time; the year evaluated is the last one.
    let year = Utc::now().year() - 1;
    let china_midnight = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc() - chrono::Duration::hours(8);
    let (start, end) = (china_midnight(year - 1), china_midnight(year + 1));
    let span = Span { start, secs: (end - start).num_seconds() - 1, now: end - chrono::Duration::seconds(1) };

    let seeded = db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT MAX(id) AS id FROM committees")).await.unwrap().unwrap().try_get::<Option<i64>>("", "id").unwrap();
    let started = Instant::now();
    let cid = match seeded {
        Some(cid) => {
            db.execute_unprepared(&format!("DELETE FROM evaluation_scores WHERE year = {year}; DELETE FROM evaluations WHERE year = {year}")).await.unwrap();
            cid
        }
        None => seed(db, span).await[COMMITTEES - 1].id,
    };
    let took = started.elapsed();
    let tables = ["members", "activities", "activity_participants", "visits", "visit_visitors", "proposals", "proposal_signers", "opinion_reports", "research_reports", "receptions", "reception_members", "consultations", "consultation_participants", "manual_duty_records"];
    println!("seeded in {took:.1?}: {}", count_rows(db, &tables).await);
    let (records, by_source) = duty_records(db).await;
    println!("duty records in the province: {records} ({by_source})");

    // The last committee (a county), its staff, its members in office at the end of the year.
    let router = app::build(state.clone());
    let sessions = staff_sessions(db, &router, &[(&format!("staff{}", std::process::id()), cid)]).await;
    let (cookie, token) = (&sessions[0].0, &sessions[0].1);
    let (rules, _) = store::rules_for(db, cid, year).await.unwrap();
    let day = as_of(year, xieshang::app::shell::today());
    let ids: Vec<i64> = members_in_office(db, cid, day).await.unwrap().iter().map(|m| m.id).collect();
    let (first, last) = (NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap(), NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
    let whole = ledger::Span { committee_id: cid, member_id: None, from: first, to: last };
    let ledger_records = ledger::entries(db, whole).await.unwrap().len();
    println!("committee {cid}: {} members in office on {day}, {ledger_records} records in {}–{year} (the span a year's evaluation reads)", ids.len(), year - 1);

    // (a) The recomputation: the ledger's queries, then compute (queries + scoring).
    let mut ledger_times = Vec::new();
    let mut compute_times = Vec::new();
    for _ in 0..COMPUTE_RUNS {
        let t = Instant::now();
        ledger::entries(db, whole).await.unwrap();
        ledger_times.push(t.elapsed());
        let t = Instant::now();
        let results = compute(db, cid, &rules, day, &ids).await.unwrap();
        compute_times.push(t.elapsed());
        assert_eq!(results.len(), ids.len());
    }
    println!("{:<52} {:>10} {:>10} {:>6}", "case", "p50", "p99", "runs");
    let (l50, l99) = percentiles(ledger_times);
    println!("{:<52} {l50:>10.1?} {l99:>10.1?} {COMPUTE_RUNS:>6}", "ledger::entries, one committee, two years");
    let (c50, c99) = percentiles(compute_times);
    println!("{:<52} {c50:>10.1?} {c99:>10.1?} {COMPUTE_RUNS:>6}{}", "evaluate::compute, all members in office", flag(c99, RECOMPUTE_BUDGET));

    // (b, c) before the year is evaluated: live under the current rules.
    let member = ids[ids.len() / 2];
    page(&router, "GET /evaluation (live)", &format!("/evaluation?year={year}"), &Auth::Cookie(cookie)).await;
    page(&router, "GET /api/v1/evaluation (live)", &format!("/api/v1/evaluation?year={year}"), &Auth::Bearer(token)).await;
    page(&router, "GET /api/v1/members/{id}/duty-records (live)", &format!("/api/v1/members/{member}/duty-records?year={year}"), &Auth::Bearer(token)).await;

    // (a) the evaluation through the router, keeping the results.
    let mut evaluate_times = Vec::new();
    for _ in 0..EVALUATE_RUNS {
        let t = Instant::now();
        let res = router.clone().oneshot(form_request("/evaluation/evaluate", format!("year={year}"), &Auth::Cookie(cookie))).await.unwrap();
        evaluate_times.push(t.elapsed());
        assert_eq!(res.status(), 303, "POST /evaluation/evaluate");
    }
    let (e50, e99) = percentiles(evaluate_times);
    println!("{:<52} {e50:>10.1?} {e99:>10.1?} {EVALUATE_RUNS:>6}{}", "POST /evaluation/evaluate (compute + keep)", flag(e99, RECOMPUTE_BUDGET));

    // (b, c) after: from the kept results.
    page(&router, "GET /evaluation (kept)", &format!("/evaluation?year={year}"), &Auth::Cookie(cookie)).await;
    page(&router, "GET /api/v1/evaluation (kept)", &format!("/api/v1/evaluation?year={year}"), &Auth::Bearer(token)).await;
    page(&router, "GET /api/v1/members/{id}/duty-records (kept)", &format!("/api/v1/members/{member}/duty-records?year={year}"), &Auth::Bearer(token)).await;

    // The ledger's statements for one committee, with their plans.
    *log.lock().unwrap() = Some(Vec::new());
    ledger::entries(db, whole).await.unwrap();
    let ran = log.lock().unwrap().take().unwrap();
    println!("the ledger's statements for one committee ({} of them):", ran.len());
    for (took, st) in &ran {
        println!("  {took:>9.2?}  {}", st.sql.chars().take(400).collect::<String>());
        println!("             plan: {}", plan(db, st).await);
    }
    // And the kept ranking's.
    *log.lock().unwrap() = Some(Vec::new());
    measure(&router, &format!("/evaluation?year={year}"), &Auth::Cookie(cookie), 1).await;
    let mut ran = log.lock().unwrap().take().unwrap();
    ran.truncate(ran.len() / 2);
    ran.sort_by_key(|r| std::cmp::Reverse(r.0));
    println!("the kept ranking page: {} statements, {:.1?} in the database; the slowest:", ran.len(), ran.iter().map(|r| r.0).sum::<Duration>());
    for (took, st) in ran.iter().take(3) {
        println!("  {took:>9.2?}  {}", st.sql.chars().take(300).collect::<String>());
        println!("             plan: {}", plan(db, st).await);
    }
    finish(&dir);
}
