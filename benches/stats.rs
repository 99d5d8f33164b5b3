//! Province-scale benchmark of the statistics (not a test). On SQLite, a province of 150
//! committees (the province, 14 cities, 135 counties under them), each with 400 members in 12
//! groups, 5 sectors, 12 streets and 12 studios, and over six years up to yesterday: 6,667
//! demands (1,000,050 in all), 1,667 proposals (250,050) with their signers, answers and
//! ratings, 2,000 visits with their visitors, 300 activities with 8 invited members each, 60
//! consultations, 400 receptions, 60 research reports and 300 public-opinion reports with their
//! authors and outcomes. Items are written in time order across committees, as a live province
//! fills its tables. Then, through the full router, p50/p99 of the dashboard `GET /stats` and of
//! `GET /api/v1/stats` for a year and a month of a county at every scope (committee, group,
//! studio, place, sector), and of a city's and the province's roll-up; the number of queries one
//! request runs; and the SQLite query plans of the slowest statements of the province's dashboard
//! for a year computed afresh.
//! Whole-committee figures are kept once computed (`stats::kept`): the first table times pages
//! whose figures are kept; the second times the city's and the province's dashboards right after
//! a change in one county (that county's figures computed again) and with nothing kept (every
//! committee's computed, as the first request of a period does).
//!
//! Run: `cargo bench --bench stats`. `XS_BENCH_ROUNDS` (default 20) sets the requests timed per
//! case (3 for a case whose first request takes more than a second); `XS_BENCH_KEEP=1` keeps the
//! database for inspection; `XS_BENCH_DIR=<its folder>` keeps it and runs again on it.
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;

use chrono::{Datelike, NaiveDate, Utc};
use common::province::{CITIES, Com, Rows, Span, UNITS, activity_rows, consultation_rows, item_id, opinion_rows, proposal_rows, reception_row, research_rows, structure_of_province, studio_id, visit_rows};
use common::{Auth, bench_state, count_rows, finish, measure, measure_after, plan, staff_sessions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, Set};
use xieshang::app;
use xieshang::demands::store::demand;
use xieshang::org::store as org;
use xieshang::org::structure;

const DEMANDS_PER: usize = 6_667;
const PROPOSALS_PER: usize = 1_667;
const VISITS_PER: usize = 2_000;
const ACTIVITIES_PER: usize = 300;
const INVITED: usize = 8;
const ATTENDING: usize = 5;
const CONSULTATIONS_PER: usize = 60;
const RECEPTIONS_PER: usize = 400;
const RESEARCH_PER: usize = 60;
const OPINIONS_PER: usize = 300;
/// The budget of the issue.
const BUDGET: Duration = Duration::from_millis(100);

fn demand_row(span: Span, com: &Com, c: usize, i: usize, rng: &mut StdRng) -> demand::ActiveModel {
    let created = span.at(i, DEMANDS_PER, rng);
    let studio = (rng.random_range(0..10) < 6).then(|| rng.random_range(0..UNITS));
    let resolved = (rng.random_range(0..100) < 55).then(|| span.clamp(created + chrono::Duration::hours(rng.random_range(2..720))));
    demand::ActiveModel {
        id: Set(item_id(c, i)),
        committee_id: Set(com.id),
        code: Set(format!("D{:09}", item_id(c, i))),
        kind: Set("problem".into()),
        channel: Set(if studio.is_some() { "studio" } else { "online" }.into()),
        category: Set("其他".into()),
        place_id: Set(Some(com.places[studio.unwrap_or_else(|| rng.random_range(0..UNITS))])),
        description: Set("小区路灯损坏，夜间出行不便".into()),
        citizen_name: Set("王女士".into()),
        citizen_phone: Set("13800000000".into()),
        state: Set(if resolved.is_some() { "followed_up" } else { "assigned" }.into()),
        unit_id: Set(None),
        assigned_at: Set(None),
        deadline: Set(None),
        answer: Set(None),
        answered_at: Set(resolved),
        resolved_at: Set(resolved),
        satisfaction: Set(None),
        rehandled: Set(0),
        created_at: Set(created),
        updated_at: Set(resolved.unwrap_or(created)),
        studio_id: Set(studio.map(|k| studio_id(c, k))),
        reception_id: Set(None),
        converted_kind: Set(None),
        converted_id: Set(None),
        visit_id: Set(None),
    }
}

/// The province of a kept database (`XS_BENCH_DIR` names one a run before seeded), read back.
async fn kept(db: &DatabaseConnection) -> Option<Vec<Com>> {
    let province = org::find_committee_by_code(db, "p000").await.unwrap()?;
    let committees = org::subtree(db, province.id).await.unwrap();
    let mut ids: Vec<i64> = committees.iter().map(|c| c.id).collect();
    ids.sort();
    let mut coms = Vec::new();
    for id in ids {
        let ids_of = |v: Vec<i64>| -> Vec<i64> {
            let mut v = v;
            v.sort();
            v
        };
        coms.push(Com {
            id,
            sectors: ids_of(structure::sectors(db, id).await.unwrap().iter().map(|x| x.id).collect()),
            places: ids_of(structure::places(db, id).await.unwrap().iter().map(|x| x.id).collect()),
            groups: ids_of(structure::groups(db, id).await.unwrap().iter().map(|x| x.id).collect()),
        });
    }
    Some(coms)
}

async fn seed(db: &DatabaseConnection, span: Span) -> Vec<Com> {
    let mut rng = StdRng::seed_from_u64(2022_0419);
    let coms = structure_of_province(db, span, &mut rng).await;
    let units: Vec<i64> = {
        let mut out = Vec::new();
        for com in &coms {
            out.push(org::unit_id_for(db, com.id, "住建局").await.unwrap());
        }
        out
    };
    let mut rows = Rows::default();
    rows.fill(db, &coms, DEMANDS_PER, &mut rng, |r, com, c, i, rng| r.demands.push(demand_row(span, com, c, i, rng))).await;
    rows.fill(db, &coms, PROPOSALS_PER, &mut rng, |r, com, c, i, rng| proposal_rows(r, span, com, c, (i, PROPOSALS_PER), units[c], rng)).await;
    rows.fill(db, &coms, VISITS_PER, &mut rng, |r, com, c, i, rng| visit_rows(r, span, com, c, (i, VISITS_PER), rng)).await;
    rows.fill(db, &coms, ACTIVITIES_PER, &mut rng, |r, com, c, i, rng| activity_rows(r, span, com, c, (i, ACTIVITIES_PER), INVITED, rng)).await;
    rows.fill(db, &coms, CONSULTATIONS_PER, &mut rng, |r, com, c, i, rng| consultation_rows(r, span, com, c, (i, CONSULTATIONS_PER), ATTENDING, rng)).await;
    rows.fill(db, &coms, RECEPTIONS_PER, &mut rng, |r, com, c, i, rng| r.receptions.push(reception_row(span, com, c, (i, RECEPTIONS_PER), rng))).await;
    rows.fill(db, &coms, RESEARCH_PER, &mut rng, |r, com, c, i, rng| research_rows(r, span, com, c, (i, RESEARCH_PER), rng)).await;
    rows.fill(db, &coms, OPINIONS_PER, &mut rng, |r, com, c, i, rng| opinion_rows(r, span, com, c, (i, OPINIONS_PER), rng)).await;
    coms
}

struct Case {
    what: String,
    query: String,
    auth: usize,
}

#[tokio::main]
async fn main() {
    let (state, dir, log) = bench_state("stats").await;
    let db = &state.db;
    let now = Utc::now();
    let start = NaiveDate::from_ymd_opt(now.year() - 6, now.month(), 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc() - chrono::Duration::hours(8);
    let span = Span { start, secs: (now - chrono::Duration::days(1) - start).num_seconds(), now };

    let started = Instant::now();
    let coms = match kept(db).await {
        Some(coms) => coms,
        None => seed(db, span).await,
    };
    let took = started.elapsed();
    let tables = ["committees", "members", "demands", "proposals", "proposal_signers", "visits", "visit_visitors", "activities", "activity_participants", "consultations", "receptions", "research_reports", "opinion_reports"];
    println!("seeded in {took:.1?}: {}", count_rows(db, &tables).await);

    // Staff of a county (the last one: under a city), of that city and of the province.
    let county = coms.len() - 1;
    let city = 1 + (county - 1 - CITIES) % CITIES;
    let router = app::build(state.clone());
    let sessions = staff_sessions(db, &router, &[("county-staff", coms[county].id), ("city-staff", coms[city].id), ("province-staff", coms[0].id)]).await;
    let last_year = now.year() - 1;
    let year = format!("from={last_year}-01-01&to={last_year}-12-31");
    let month = format!("from={last_year}-06-01&to={last_year}-06-30");
    let com = &coms[county];
    let scopes = [
        ("committee", String::new()),
        ("group", format!("&group={}", com.groups[3])),
        ("studio", format!("&studio={}", studio_id(county, 3))),
        ("place", format!("&place={}", com.places[3])),
        ("sector", format!("&sector={}", com.sectors[2])),
    ];
    let mut cases = Vec::new();
    for (period, q) in [("year", &year), ("month", &month)] {
        for (scope, s) in &scopes {
            cases.push(Case { what: format!("county {scope}, {period}"), query: format!("{q}{s}"), auth: 0 });
        }
        cases.push(Case { what: format!("city roll-up (10 counties), {period}"), query: q.clone(), auth: 1 });
        cases.push(Case { what: format!("province roll-up (150), {period}"), query: q.clone(), auth: 2 });
    }

    let rounds: usize = std::env::var("XS_BENCH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    println!("{:<40} {:>10} {:>10} {:>10} {:>10} {:>8}", "case", "/stats p50", "p99", "API p50", "p99", "queries");
    for case in &cases {
        let (cookie, token) = &sessions[case.auth];
        let page = format!("/stats?{}", case.query);
        let api = format!("/api/v1/stats?{}", case.query);
        let probe = Instant::now();
        *log.lock().unwrap() = Some(Vec::new());
        measure(&router, &page, &Auth::Cookie(cookie), 1).await;
        let queries = log.lock().unwrap().take().map(|v| v.len() / 2).unwrap_or(0);
        let n = if probe.elapsed() > Duration::from_secs(2) { 3 } else { rounds };
        let (p50, p99, _) = measure(&router, &page, &Auth::Cookie(cookie), n).await;
        let (a50, a99, _) = measure(&router, &api, &Auth::Bearer(token), n).await;
        let flag = if p99 > BUDGET { "  over budget" } else { "" };
        println!("{:<40} {:>10.1?} {:>10.1?} {:>10.1?} {:>10.1?} {:>8}{flag}", case.what, p50, p99, a50, a99, queries);
    }

    // The roll-ups again, right after a change in one county and with nothing kept.
    let change = format!("UPDATE demands SET state = state WHERE id = (SELECT MIN(id) FROM demands WHERE committee_id = {})", coms[county].id);
    let forget = "DELETE FROM stats_figures";
    println!("{:<40} {:>10} {:>10} {:>10} {:>10}", "roll-up /stats", "1 changed", "p99", "none kept", "p99");
    for case in cases.iter().filter(|c| c.auth > 0) {
        let (cookie, _) = &sessions[case.auth];
        let page = format!("/stats?{}", case.query);
        let auth = Auth::Cookie(cookie);
        let (c50, c99) = measure_after(&router, db, &change, &page, &auth, rounds).await;
        let (n50, n99) = measure_after(&router, db, forget, &page, &auth, rounds.min(10)).await;
        let flag = if c99 > BUDGET { "  over budget" } else { "" };
        println!("{:<40} {:>10.1?} {:>10.1?} {:>10.1?} {:>10.1?}{flag}", case.what, c50, c99, n50, n99);
    }

    // The slowest statements of the province's dashboard for a year computed afresh, with their plans.
    let page = format!("/stats?{year}");
    let auth = Auth::Cookie(&sessions[2].0);
    db.execute_unprepared(forget).await.unwrap();
    *log.lock().unwrap() = Some(Vec::new());
    measure(&router, &page, &auth, 1).await;
    let mut ran = log.lock().unwrap().take().unwrap();
    let total: Duration = ran.iter().map(|r| r.0).sum();
    println!("province, nothing kept: {page}: {} statements, {total:.1?} in the database; the slowest:", ran.len() / 2);
    ran.sort_by_key(|r| std::cmp::Reverse(r.0));
    ran.dedup_by(|a, b| a.1.sql == b.1.sql);
    for (took, st) in ran.iter().take(6) {
        println!("  {took:>9.2?}  {}", st.sql.chars().take(400).collect::<String>());
        println!("             plan: {}", plan(db, st).await);
    }
    finish(&dir);
}
