//! The whole-committee figures of a tree of committees at once: each aggregate runs once over
//! `committee_id IN (tree)`, grouped by committee, instead of once per committee of the tree
//! (a province's 150 committees took some 2,000 statements and seconds; this takes 16). The
//! definitions are those of `metrics` (DOMAIN.md) with no scope: the drill-down test checks a
//! committee's figures against its lists, the hand-counted fixtures a parent's sum.
//!
//! What this computes is kept (`stats::kept`) until a row of a table it reads changes: a table
//! read here must be in the migrations' `STATS_COUNTED`, or a change to it would not be seen.
//!
//! SQL as in `grouped`: `?` placeholders, values bound, the committees' ids inlined as integers.
use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};

use crate::activities::model::{ActivityKind, Attendance};
use crate::opinions::model::{Level, OutcomeKind, ReportState};
use crate::org::model::CommitteeLevel;
use crate::org::store::Committee;
use crate::org::values::{MemberStatus, Position};
use crate::stats::grouped::{int, list, rows};
use crate::app::shell::day_start;
use crate::stats::metrics::Stats;
use crate::visits::model::VisitKind;

/// `('a','b')` of codes (our own constants, never user input).
fn codes<'a>(c: impl IntoIterator<Item = &'a str>) -> String {
    let inner: Vec<String> = c.into_iter().map(|s| format!("'{s}'")).collect();
    format!("({})", inner.join(","))
}

/// One aggregate: its statement, and how a row (`k` the committee) sets that committee's figures.
struct Job<'a> {
    sql: String,
    values: Vec<Value>,
    set: Box<dyn Fn(i64, &mut Stats, &QueryResult) -> Result<(), DbErr> + Send + Sync + 'a>,
}

impl<'a> Job<'a> {
    fn new(sql: String, values: Vec<Value>, set: impl Fn(i64, &mut Stats, &QueryResult) -> Result<(), DbErr> + Send + Sync + 'a) -> Self {
        Job { sql, values, set: Box::new(set) }
    }
}

/// Each committee's whole-committee figures for `from..=to` (China dates). Committees with
/// nothing in the period are present with zeros. The aggregates are independent: they run at
/// once, each on a connection of the pool (SQLite reads in parallel under WAL).
pub async fn by_committee(db: &impl ConnectionTrait, committees: &[Committee], from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, Stats>, DbErr> {
    let ids: Vec<i64> = committees.iter().map(|c| c.id).collect();
    let mut out: HashMap<i64, Stats> = ids.iter().map(|c| (*c, Stats::default())).collect();
    if ids.is_empty() || from > to {
        return Ok(out);
    }
    let own: HashMap<i64, Level> = committees.iter().map(|c| (c.id, CommitteeLevel::parse(&c.level).map(crate::opinions::model::level_of).unwrap_or(Level::District))).collect();
    let l = list(&ids);
    let jobs = jobs(&l, from, to, &own);
    let (results, proposals, leaders) = tokio::try_join!(
        futures_util::future::try_join_all(jobs.iter().map(|j| rows(db, &j.sql, j.values.clone()))),
        crate::proposals::metrics::load_by_committee(db, &ids, from, to),
        leader_days(db, &l, from, to),
    )?;
    for (job, found) in jobs.iter().zip(results) {
        for row in found {
            let k: i64 = row.try_get("", "k")?;
            if let Some(s) = out.get_mut(&k) {
                (job.set)(k, s, &row)?;
            }
        }
    }
    for (k, pm) in proposals {
        if let Some(s) = out.get_mut(&k) {
            (s.proposals, s.proposals_filed, s.answered, s.on_time) = (pm.received, pm.filed, pm.answered, pm.on_time_answered);
            (s.ratings, s.satisfied) = (pm.ratings, pm.satisfied + pm.basically_satisfied);
        }
    }
    for (k, (days, weeks)) in leaders {
        if let Some(s) = out.get_mut(&k) {
            (s.leader_days, s.leader_weeks) = (days, weeks);
        }
    }
    for s in out.values_mut() {
        s.rates();
    }
    Ok(out)
}

/// The aggregates over the committees `l` (an id list) for `from..=to`; `own` is each
/// committee's level, at which its public-opinion reports count as adopted.
fn jobs<'a>(l: &str, from: NaiveDate, to: NaiveDate, own: &'a HashMap<i64, Level>) -> Vec<Job<'a>> {
    let period = || -> Vec<Value> { vec![from.into(), to.into()] };
    let (start, end) = (day_start(from), day_start(to + Duration::days(1)));
    let instants = || -> Vec<Value> { vec![start.into(), end.into()] };
    // Public-opinion reports sent in (not drafts, not combined ones made here).
    let sent_in = format!("r.committee_id IN {l} AND r.submitted_on >= ? AND r.submitted_on <= ? AND r.state <> '{}' AND r.combined = ?", ReportState::Draft.as_str());
    let sent_in_values = || [period(), vec![false.into()]].concat();
    vec![
        // Members in office at the period's end (in office now, or left after it).
        Job::new(
            format!("SELECT committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM members WHERE committee_id IN {l} AND (status = '{}' OR status_since > ?) GROUP BY committee_id", MemberStatus::InOffice.as_str()),
            vec![to.into()],
            |_, s, r| Ok(s.members = int(r, "n")?),
        ),
        Job::new(
            format!(
                "SELECT committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(people) AS BIGINT) AS people, CAST(SUM(CASE WHEN kind = '{}' THEN people ELSE 0 END) AS BIGINT) AS home \
                 FROM visits WHERE committee_id IN {l} AND on_date >= ? AND on_date <= ? GROUP BY committee_id",
                VisitKind::Home.as_str()
            ),
            period(),
            |_, s, r| Ok((s.visits, s.people_visited, s.home_visits) = (int(r, "n")?, int(r, "people")?, int(r, "home")?)),
        ),
        Job::new(
            format!("SELECT committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM consultations WHERE committee_id IN {l} AND held_on >= ? AND held_on <= ? GROUP BY committee_id"),
            period(),
            |_, s, r| Ok(s.consultations = int(r, "n")?),
        ),
        Job::new(
            format!("SELECT committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM research_reports WHERE committee_id IN {l} AND on_date >= ? AND on_date <= ? GROUP BY committee_id"),
            period(),
            |_, s, r| Ok(s.research_reports = int(r, "n")?),
        ),
        // Leaders' instructions: on research reports of the period and on the public-opinion
        // reports of the period that went on (not drafts, not merged into a combined one).
        Job::new(
            format!(
                "SELECT r.committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM research_report_outcomes o JOIN research_reports r ON r.id = o.report_id \
                 WHERE r.committee_id IN {l} AND r.on_date >= ? AND r.on_date <= ? AND o.kind = '{}' GROUP BY r.committee_id",
                crate::research::model::OutcomeKind::Instructed.as_str()
            ),
            period(),
            |_, s, r| Ok(s.instructions += int(r, "n")?),
        ),
        Job::new(
            format!(
                "SELECT r.committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM opinion_report_outcomes o JOIN opinion_reports r ON r.id = o.report_id \
                 WHERE r.committee_id IN {l} AND r.submitted_on >= ? AND r.submitted_on <= ? AND r.state NOT IN {} AND o.kind = '{}' GROUP BY r.committee_id",
                codes([ReportState::Draft.as_str(), ReportState::Merged.as_str()]),
                OutcomeKind::Instructed.as_str()
            ),
            period(),
            |_, s, r| Ok(s.instructions += int(r, "n")?),
        ),
        Job::new(format!("SELECT r.committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM opinion_reports r WHERE {sent_in} GROUP BY r.committee_id"), sent_in_values(), |_, s, r| {
            Ok(s.opinion_reports = int(r, "n")?)
        }),
        // Adopted at the committee's own level (a combined report's parts count as adopted when
        // it is): counted per committee and level, each committee keeping its own level's.
        Job::new(
            format!(
                "SELECT r.committee_id AS k, o.level AS level, CAST(COUNT(DISTINCT r.id) AS BIGINT) AS n FROM opinion_reports r JOIN opinion_report_outcomes o ON o.report_id = r.id \
                 WHERE {sent_in} AND o.kind IN {} GROUP BY r.committee_id, o.level",
                codes([OutcomeKind::Adopted.as_str(), OutcomeKind::Combined.as_str()])
            ),
            sent_in_values(),
            move |k, s, r| {
                if Level::from_code(&r.try_get::<String>("", "level")?).is_some_and(|l| own.get(&k) == Some(&l)) {
                    s.opinions_adopted = int(r, "n")?;
                }
                Ok(())
            },
        ),
        Job::new(
            format!("SELECT committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(citizens_received) AS BIGINT) AS citizens FROM receptions WHERE committee_id IN {l} AND held_on >= ? AND held_on <= ? GROUP BY committee_id"),
            period(),
            |_, s, r| Ok((s.receptions, s.citizens_received) = (int(r, "n")?, int(r, "citizens")?)),
        ),
        Job::new(
            format!("SELECT committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM demands WHERE committee_id IN {l} AND created_at >= ? AND created_at < ? GROUP BY committee_id"),
            instants(),
            |_, s, r| Ok(s.demands = int(r, "n")?),
        ),
        Job::new(
            format!("SELECT committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM demands WHERE committee_id IN {l} AND resolved_at >= ? AND resolved_at < ? GROUP BY committee_id"),
            instants(),
            |_, s, r| Ok(s.demands_resolved = int(r, "n")?),
        ),
        // Activities by kind, with the households and money of assistance.
        Job::new(
            format!(
                "SELECT committee_id AS k, kind, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(households) AS BIGINT) AS households, CAST(SUM(funds_fen) AS BIGINT) AS funds \
                 FROM activities WHERE committee_id IN {l} AND on_date >= ? AND on_date <= ? GROUP BY committee_id, kind"
            ),
            period(),
            |_, s, r| {
                let (kind, n): (String, u64) = (r.try_get("", "kind")?, int(r, "n")?);
                s.activities += n;
                if kind == ActivityKind::Assistance.as_str() {
                    s.households_assisted += int(r, "households")?;
                    s.assistance_yuan += r.try_get::<Option<i64>>("", "funds")?.unwrap_or(0) as f64 / 100.0;
                }
                *s.activities_by_kind.entry(kind).or_default() += n;
                Ok(())
            },
        ),
        Job::new(
            format!(
                "SELECT a.committee_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM activity_participants p JOIN activities a ON a.id = p.activity_id \
                 WHERE a.committee_id IN {l} AND a.on_date >= ? AND a.on_date <= ? AND a.kind = '{}' AND p.attendance = '{}' GROUP BY a.committee_id",
                ActivityKind::Volunteering.as_str(),
                Attendance::Present.as_str()
            ),
            period(),
            |_, s, r| Ok(s.volunteer_person_times = int(r, "n")?),
        ),
    ]
}

/// Leaders' field days (`visits::field_days::leader_days` for every committee at once): the
/// days each leader in office went on one of the committee's visits or was present at one of
/// its activities in the field (every day of a multi-day one), over the leaders' days. The
/// leaders are read first and their visits and activities through their own index: joined in
/// one statement, SQLite walked every visit of the period and every member for each.
async fn leader_days(db: &impl ConnectionTrait, l: &str, from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, (u64, u64)>, DbErr> {
    let leaders = format!(
        "SELECT id AS m, committee_id AS k FROM members WHERE committee_id IN {l} AND status = '{}' AND position IN {}",
        MemberStatus::InOffice.as_str(),
        codes(Position::ALL.into_iter().filter(|p| p.is_leader()).map(Position::as_str))
    );
    // (days × 7, leaders × the period's days) per committee.
    let mut out: HashMap<i64, (u64, u64)> = HashMap::new();
    let mut committee_of: HashMap<i64, i64> = HashMap::new();
    for row in rows(db, &leaders, vec![]).await? {
        let (m, k): (i64, i64) = (row.try_get("", "m")?, row.try_get("", "k")?);
        committee_of.insert(m, k);
        out.entry(k).or_default().1 += (to - from).num_days() as u64 + 1;
    }
    if committee_of.is_empty() {
        return Ok(out);
    }
    let ids = list(&committee_of.keys().copied().collect::<Vec<_>>());
    let visits = format!(
        "SELECT vv.member_id AS m, v.committee_id AS k, v.on_date AS d, v.on_date AS e FROM visit_visitors vv JOIN visits v ON v.id = vv.visit_id \
         WHERE vv.member_id IN {ids} AND v.on_date >= ? AND v.on_date <= ?"
    );
    let field = format!(
        "SELECT p.member_id AS m, a.committee_id AS k, a.on_date AS d, a.end_date AS e FROM activity_participants p JOIN activities a ON a.id = p.activity_id \
         WHERE p.member_id IN {ids} AND p.attendance = '{}' AND a.kind IN {} AND a.end_date >= ? AND a.on_date <= ?",
        Attendance::Present.as_str(),
        codes(ActivityKind::ALL.into_iter().filter(|k| k.in_the_field()).map(ActivityKind::as_str))
    );
    let (went, present) = tokio::try_join!(rows(db, &visits, vec![from.into(), to.into()]), rows(db, &field, vec![from.into(), to.into()]))?;
    let mut days: HashMap<i64, BTreeSet<NaiveDate>> = HashMap::new();
    for row in went.iter().chain(&present) {
        let (m, k, d, e): (i64, i64, NaiveDate, NaiveDate) = (row.try_get("", "m")?, row.try_get("", "k")?, row.try_get("", "d")?, row.try_get("", "e")?);
        // Only the leader's own committee's visits and activities count.
        if committee_of.get(&m) == Some(&k) {
            days.entry(m).or_default().extend(d.iter_days().take_while(|x| *x <= e).filter(|x| (from..=to).contains(x)));
        }
    }
    for (m, d) in days {
        out.entry(committee_of[&m]).or_default().0 += d.len() as u64 * 7;
    }
    Ok(out)
}
