//! The dashboard's many figures at once: its monthly bars and its tables per group, studio and
//! street, each as one aggregate query grouped by month or by row rather than one `compute` per
//! month or row (which ran some 15 queries each, 45 times a page). The definitions are those of
//! `metrics` (DOMAIN.md): the same records count, the hand-counted fixtures check both.
//!
//! The SQL is written out: `?` placeholders (numbered for PostgreSQL by [`stmt`]), values bound,
//! id lists of the committee's own catalogues inlined as integers.
use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Value};

use crate::org::structure::{self, with_below};
use crate::app::shell::day_start;
use crate::stats::metrics::{Resolved, Scope, Stats, resolve};

/// A statement from SQL with `?` placeholders, numbered `$1, $2 …` for PostgreSQL.
pub(crate) fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 16);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(ch);
                }
            }
            out
        }
        _ => sql.to_string(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

pub(crate) async fn rows(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all_raw(stmt(db.get_database_backend(), sql, values)).await
}

/// `(1,2,3)`; `(NULL)` for none, which nothing is in.
pub(crate) fn list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "(NULL)".into();
    }
    let inner: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("({})", inner.join(","))
}

/// An integer column of a result row, 0 when NULL (a sum over nothing).
pub(crate) fn int(r: &QueryResult, col: &str) -> Result<u64, DbErr> {
    Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or(0).max(0) as u64)
}

/// The first days of the months of a period (at most 24), as the charts show them.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = from.with_day(1).expect("the first exists");
    while m <= to && out.len() < 24 {
        out.push(m);
        m = m + Months::new(1);
    }
    out
}


/// One month's bars.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Month {
    pub first: NaiveDate,
    pub people_visited: u64,
    pub proposals: u64,
    pub citizens_received: u64,
    pub activities: u64,
}

/// `CASE WHEN col < b1 THEN 0 WHEN col < b2 THEN 1 … ELSE n-1 END` over the months' starts.
fn bucket_of(col: &str, starts: &[Value], values: &mut Vec<Value>) -> String {
    if starts.len() < 2 {
        // One month: CASE needs a WHEN.
        return "CAST(0 AS BIGINT)".into();
    }
    let mut sql = String::from("CAST(CASE");
    for (i, s) in starts.iter().enumerate().skip(1) {
        sql.push_str(&format!(" WHEN {col} < ? THEN {}", i - 1));
        values.push(s.clone());
    }
    sql.push_str(&format!(" ELSE {} END AS BIGINT)", starts.len().saturating_sub(1)));
    sql
}

/// The people visited, proposals received, citizens received and activities of each month of
/// the period (the first and last month cut to the period), for the scope; a committee's
/// figures sum its tree as [`crate::stats::metrics::compute`] does, each committee's bars kept
/// with its figures ([`crate::stats::kept`]).
pub async fn monthly(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, scope: Scope) -> Result<Vec<Month>, DbErr> {
    let mut out: Vec<Month> = months(from, to).into_iter().map(|first| Month { first, ..Default::default() }).collect();
    if out.is_empty() {
        return Ok(out);
    }
    let by = if scope == Scope::Committee {
        let tree = crate::org::store::subtree(db, committee_id).await?;
        crate::stats::kept::months(db, &tree, from, to).await?
    } else {
        bars(db, &[committee_id], from, to, &resolve(db, committee_id, scope).await?, scope).await?
    };
    for counts in by.values() {
        for (m, [people, proposals, citizens, activities]) in out.iter_mut().zip(counts) {
            m.people_visited += people;
            m.proposals += proposals;
            m.citizens_received += citizens;
            m.activities += activities;
        }
    }
    Ok(out)
}

/// Each month's (people visited, proposals received, citizens received, activities) of the
/// period, by committee: one aggregate a series over all the `committees`, grouped by committee
/// and month. A scope (`r`, `scope`) is one committee's: `committees` is then that one.
pub(crate) async fn bars(db: &impl ConnectionTrait, committees: &[i64], from: NaiveDate, to: NaiveDate, r: &Resolved, scope: Scope) -> Result<HashMap<i64, Vec<[u64; 4]>>, DbErr> {
    let firsts = months(from, to);
    let to = to.min(firsts.last().map(|m| *m + Months::new(1)).and_then(|m| m.pred_opt()).unwrap_or(to));
    let mut out: HashMap<i64, Vec<[u64; 4]>> = committees.iter().map(|k| (*k, vec![[0; 4]; firsts.len()])).collect();
    if firsts.is_empty() || committees.is_empty() {
        return Ok(out);
    }
    let mut set = |row: &QueryResult, series: usize| -> Result<(), DbErr> {
        let (k, b): (i64, usize) = (row.try_get("", "k")?, int(row, "b")? as usize);
        if let Some(month) = out.get_mut(&k).and_then(|m| m.get_mut(b)) {
            month[series] = int(row, "n")?;
        }
        Ok(())
    };
    let c = list(committees);
    let days: Vec<Value> = firsts.iter().map(|d| Value::from(*d)).collect();
    let instants: Vec<Value> = firsts.iter().map(|d| Value::from(day_start(*d))).collect();
    let period = |values: &mut Vec<Value>| {
        values.push(from.into());
        values.push(to.into());
    };

    // Visits: people visited.
    let mut v = Vec::new();
    let b = bucket_of("v.on_date", &days, &mut v);
    let mut sql = format!("SELECT v.committee_id AS k, {b} AS b, CAST(SUM(v.people) AS BIGINT) AS n FROM visits v WHERE v.committee_id IN {c} AND v.on_date >= ? AND v.on_date <= ?");
    period(&mut v);
    if let Some(m) = &r.members {
        sql.push_str(&format!(" AND v.id IN (SELECT visit_id FROM visit_visitors WHERE member_id IN {})", list(m)));
    }
    if let Some(p) = &r.places {
        sql.push_str(&format!(" AND v.place_id IN {}", list(p)));
    }
    for row in rows(db, &format!("{sql} GROUP BY 1, 2"), v).await? {
        set(&row, 0)?;
    }

    // Proposals received (sent in: not drafts, not collecting signatures).
    let mut v = Vec::new();
    let b = bucket_of("p.submitted_at", &instants, &mut v);
    let mut sql = format!(
        "SELECT p.committee_id AS k, {b} AS b, CAST(COUNT(*) AS BIGINT) AS n FROM proposals p WHERE p.committee_id IN {c} AND p.submitted_at >= ? AND p.submitted_at < ? AND p.state NOT IN ('draft', 'collecting_signatures')"
    );
    v.push(day_start(from).into());
    v.push(day_start(to + chrono::Duration::days(1)).into());
    if let Some(m) = r.proposers(db, committees[0]).await? {
        sql.push_str(&format!(" AND p.id IN (SELECT proposal_id FROM proposal_signers WHERE member_id IN {})", list(&m)));
    }
    for row in rows(db, &format!("{sql} GROUP BY 1, 2"), v).await? {
        set(&row, 1)?;
    }

    // Receptions: citizens received (none for a sector: receptions have no sector).
    if !matches!(scope, Scope::Sector(_)) {
        let mut v = Vec::new();
        let b = bucket_of("r.held_on", &days, &mut v);
        let mut sql = format!("SELECT r.committee_id AS k, {b} AS b, CAST(SUM(r.citizens_received) AS BIGINT) AS n FROM receptions r WHERE r.committee_id IN {c} AND r.held_on >= ? AND r.held_on <= ?");
        period(&mut v);
        match (&r.studios, &r.places) {
            (Some(s), _) => sql.push_str(&format!(" AND r.studio_id IN {}", list(s))),
            (None, Some(p)) => sql.push_str(&format!(" AND r.place_id IN {}", list(p))),
            _ => {}
        }
        for row in rows(db, &format!("{sql} GROUP BY 1, 2"), v).await? {
            set(&row, 2)?;
        }
    }

    // Activities.
    let mut v = Vec::new();
    let b = bucket_of("a.on_date", &days, &mut v);
    let mut sql = format!("SELECT a.committee_id AS k, {b} AS b, CAST(COUNT(*) AS BIGINT) AS n FROM activities a WHERE a.committee_id IN {c} AND a.on_date >= ? AND a.on_date <= ?");
    period(&mut v);
    if let Some(m) = &r.members {
        sql.push_str(&format!(" AND a.id IN (SELECT activity_id FROM activity_participants WHERE member_id IN {} AND attendance = 'present')", list(m)));
    }
    if let Some(p) = &r.places {
        sql.push_str(&format!(" AND a.place_id IN {}", list(p)));
    }
    for row in rows(db, &format!("{sql} GROUP BY 1, 2"), v).await? {
        set(&row, 3)?;
    }
    Ok(out)
}

/// The figures of the dashboard's tables, by row id: every group (with those below it), studio
/// and top place (with those below it) of the committee. Only the tables' figures are filled.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    pub groups: HashMap<i64, Stats>,
    pub studios: HashMap<i64, Stats>,
    pub places: HashMap<i64, Stats>,
}

/// `SELECT k, m`: each group row's members (past members too, as a group's figures count them).
fn row_members(rows: &[(i64, Vec<i64>)]) -> String {
    let parts: Vec<String> = rows.iter().map(|(k, gs)| format!("SELECT CAST({k} AS BIGINT) AS k, member_id AS m FROM member_groups WHERE group_id IN {}", list(gs))).collect();
    if parts.is_empty() { "SELECT CAST(NULL AS BIGINT) AS k, CAST(NULL AS BIGINT) AS m".into() } else { parts.join(" UNION ") }
}

/// `SELECT k, g`: each group row's groups.
fn row_groups(rows: &[(i64, Vec<i64>)]) -> String {
    let parts: Vec<String> = rows.iter().flat_map(|(k, gs)| gs.iter().map(move |g| format!("SELECT CAST({k} AS BIGINT) AS k, CAST({g} AS BIGINT) AS g"))).collect();
    if parts.is_empty() { "SELECT CAST(NULL AS BIGINT) AS k, CAST(NULL AS BIGINT) AS g".into() } else { parts.join(" UNION ALL ") }
}

/// `(k, count)` rows of a query into the figure `set` of each row's stats.
async fn per_row(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>, into: &mut HashMap<i64, Stats>, set: impl Fn(&mut Stats, &QueryResult) -> Result<(), DbErr>) -> Result<(), DbErr> {
    for row in rows(db, sql, values).await? {
        let k: i64 = row.try_get("", "k")?;
        if let Some(s) = into.get_mut(&k) {
            set(s, &row)?;
        }
    }
    Ok(())
}

/// The tables' figures for `from..=to` (see [`Rows`]).
pub async fn tables(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, groups: &[i64], studios: &[i64], places: &[i64]) -> Result<Rows, DbErr> {
    let mut out = Rows {
        groups: groups.iter().map(|g| (*g, Stats::default())).collect(),
        studios: studios.iter().map(|s| (*s, Stats::default())).collect(),
        places: places.iter().map(|p| (*p, Stats::default())).collect(),
    };
    let group_tree: Vec<(i64, Option<i64>)> = structure::groups(db, committee_id).await?.into_iter().map(|g| (g.id, g.parent_id)).collect();
    let below: Vec<(i64, Vec<i64>)> = groups.iter().map(|g| (*g, with_below(*g, &group_tree))).collect();
    let (rm, rg) = (row_members(&below), row_groups(&below));
    let period = || -> Vec<Value> { vec![committee_id.into(), from.into(), to.into()] };

    let members = format!(
        "SELECT rm.k AS k, CAST(COUNT(DISTINCT mb.id) AS BIGINT) AS n FROM ({rm}) rm JOIN members mb ON mb.id = rm.m \
         WHERE mb.committee_id = ? AND (mb.status = 'in_office' OR (mb.status <> 'in_office' AND mb.status_since > ?)) GROUP BY rm.k"
    );
    per_row(db, &members, vec![committee_id.into(), to.into()], &mut out.groups, |s, r| {
        s.members = int(r, "n")?;
        Ok(())
    }).await?;

    let visits = format!(
        "SELECT x.k AS k, CAST(SUM(x.people) AS BIGINT) AS people, CAST(SUM(CASE WHEN x.kind = 'home' THEN x.people ELSE 0 END) AS BIGINT) AS home \
         FROM (SELECT DISTINCT rm.k AS k, v.id AS id, v.people AS people, v.kind AS kind FROM visits v JOIN visit_visitors vv ON vv.visit_id = v.id \
         JOIN ({rm}) rm ON rm.m = vv.member_id WHERE v.committee_id = ? AND v.on_date >= ? AND v.on_date <= ?) x GROUP BY x.k"
    );
    per_row(db, &visits, period(), &mut out.groups, |s, r| {
        (s.people_visited, s.home_visits) = (int(r, "people")?, int(r, "home")?);
        Ok(())
    })
    .await?;

    let proposals = format!(
        "SELECT x.k AS k, CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT DISTINCT rm.k AS k, p.id AS id FROM proposals p \
         JOIN proposal_signers ps ON ps.proposal_id = p.id JOIN ({rm}) rm ON rm.m = ps.member_id WHERE p.committee_id = ? \
         AND p.submitted_at >= ? AND p.submitted_at < ? AND p.state NOT IN ('draft', 'collecting_signatures')) x GROUP BY x.k"
    );
    let instants = vec![committee_id.into(), day_start(from).into(), day_start(to + chrono::Duration::days(1)).into()];
    per_row(db, &proposals, instants, &mut out.groups, |s, r| {
        s.proposals = int(r, "n")?;
        Ok(())
    }).await?;

    // A report is a group's when the group (or one below it) wrote it or one of its members did.
    let research = format!(
        "SELECT x.k AS k, CAST(COUNT(*) AS BIGINT) AS n FROM (\
         SELECT rg.k AS k, r.id AS id FROM research_reports r JOIN ({rg}) rg ON rg.g = r.group_id WHERE r.committee_id = ? AND r.on_date >= ? AND r.on_date <= ? \
         UNION SELECT rm.k AS k, r.id AS id FROM research_reports r JOIN research_report_authors ra ON ra.report_id = r.id JOIN ({rm}) rm ON rm.m = ra.member_id \
         WHERE r.committee_id = ? AND r.on_date >= ? AND r.on_date <= ?) x GROUP BY x.k"
    );
    per_row(db, &research, [period(), period()].concat(), &mut out.groups, |s, r| {
        s.research_reports = int(r, "n")?;
        Ok(())
    }).await?;

    let activities = format!(
        "SELECT x.k AS k, CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT DISTINCT rm.k AS k, a.id AS id FROM activities a \
         JOIN activity_participants ap ON ap.activity_id = a.id JOIN ({rm}) rm ON rm.m = ap.member_id \
         WHERE a.committee_id = ? AND a.on_date >= ? AND a.on_date <= ? AND ap.attendance = 'present') x GROUP BY x.k"
    );
    per_row(db, &activities, period(), &mut out.groups, |s, r| {
        s.activities = int(r, "n")?;
        Ok(())
    }).await?;

    // Studios: receptions and demands through each; a group's receptions are its studios'.
    let studio_group: HashMap<i64, Option<i64>> = crate::studios::store::list(db, committee_id).await?.into_iter().map(|s| (s.id, s.group_id)).collect();
    let receptions = "SELECT studio_id AS k, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(citizens_received) AS BIGINT) AS citizens FROM receptions \
         WHERE committee_id = ? AND held_on >= ? AND held_on <= ? GROUP BY studio_id";
    for row in rows(db, receptions, period()).await? {
        let (studio, n, citizens) = (row.try_get::<i64>("", "k")?, int(&row, "n")?, int(&row, "citizens")?);
        if let Some(s) = out.studios.get_mut(&studio) {
            (s.receptions, s.citizens_received) = (n, citizens);
        }
        let group = studio_group.get(&studio).copied().flatten();
        for (k, gs) in &below {
            if group.is_some_and(|g| gs.contains(&g)) {
                out.groups.get_mut(k).expect("a row per group").receptions += n;
            }
        }
    }
    let (start, end) = (day_start(from), day_start(to + chrono::Duration::days(1)));
    for (col, registered) in [("created_at", true), ("resolved_at", false)] {
        let sql = format!("SELECT studio_id AS k, CAST(COUNT(*) AS BIGINT) AS n FROM demands WHERE committee_id = ? AND {col} >= ? AND {col} < ? AND studio_id IS NOT NULL GROUP BY studio_id");
        per_row(db, &sql, vec![committee_id.into(), start.into(), end.into()], &mut out.studios, |s, r| {
            *(if registered { &mut s.demands } else { &mut s.demands_resolved }) = int(r, "n")?;
            Ok(())
        })
        .await?;
    }

    place_rows(db, committee_id, from, to, &mut out.places).await?;
    Ok(out)
}

/// What happened at each top place (or a place below it).
async fn place_rows(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, into: &mut HashMap<i64, Stats>) -> Result<(), DbErr> {
    let tree: HashMap<i64, Option<i64>> = structure::places(db, committee_id).await?.into_iter().map(|p| (p.id, p.parent_id)).collect();
    let top = |mut p: i64| {
        for _ in 0..32 {
            match tree.get(&p).copied().flatten() {
                Some(parent) => p = parent,
                None => break,
            }
        }
        p
    };
    let period = || -> Vec<Value> { vec![committee_id.into(), from.into(), to.into()] };
    let queries: [(&str, Vec<Value>); 5] = [
        (
            "SELECT place_id AS k, CAST(SUM(people) AS BIGINT) AS a, CAST(SUM(CASE WHEN kind = 'home' THEN people ELSE 0 END) AS BIGINT) AS b FROM visits \
             WHERE committee_id = ? AND on_date >= ? AND on_date <= ? AND place_id IS NOT NULL GROUP BY place_id",
            period(),
        ),
        ("SELECT place_id AS k, CAST(COUNT(*) AS BIGINT) AS a, CAST(0 AS BIGINT) AS b FROM consultations WHERE committee_id = ? AND held_on >= ? AND held_on <= ? AND place_id IS NOT NULL GROUP BY place_id", period()),
        ("SELECT place_id AS k, CAST(COUNT(*) AS BIGINT) AS a, CAST(0 AS BIGINT) AS b FROM receptions WHERE committee_id = ? AND held_on >= ? AND held_on <= ? AND place_id IS NOT NULL GROUP BY place_id", period()),
        (
            "SELECT place_id AS k, CAST(COUNT(*) AS BIGINT) AS a, CAST(0 AS BIGINT) AS b FROM demands WHERE committee_id = ? AND created_at >= ? AND created_at < ? AND place_id IS NOT NULL GROUP BY place_id",
            vec![committee_id.into(), day_start(from).into(), day_start(to + chrono::Duration::days(1)).into()],
        ),
        ("SELECT place_id AS k, CAST(COUNT(*) AS BIGINT) AS a, CAST(0 AS BIGINT) AS b FROM activities WHERE committee_id = ? AND on_date >= ? AND on_date <= ? AND place_id IS NOT NULL GROUP BY place_id", period()),
    ];
    for (i, (sql, values)) in queries.into_iter().enumerate() {
        for row in rows(db, sql, values).await? {
            let Some(s) = into.get_mut(&top(row.try_get::<i64>("", "k")?)) else { continue };
            let (a, b) = (int(&row, "a")?, int(&row, "b")?);
            match i {
                0 => (s.people_visited, s.home_visits) = (s.people_visited + a, s.home_visits + b),
                1 => s.consultations += a,
                2 => s.receptions += a,
                3 => s.demands += a,
                _ => s.activities += a,
            }
        }
    }
    Ok(())
}

impl Resolved {
    /// Whose proposals count: the scope's members, a place's being those who live there.
    async fn proposers(&self, db: &impl ConnectionTrait, committee_id: i64) -> Result<Option<Vec<i64>>, DbErr> {
        match (&self.members, &self.places) {
            (Some(m), _) => Ok(Some(m.clone())),
            (None, Some(p)) => crate::org::scope::place_members(db, committee_id, p).await.map(Some),
            (None, None) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_months_of_a_period() {
        assert_eq!(months(d(2022, 1, 15), d(2022, 4, 19)), vec![d(2022, 1, 1), d(2022, 2, 1), d(2022, 3, 1), d(2022, 4, 1)]);
        assert_eq!(months(d(2022, 3, 1), d(2022, 3, 1)), vec![d(2022, 3, 1)]);
        assert_eq!(months(d(2020, 1, 1), d(2024, 12, 31)).len(), 24, "at most two years of bars");
    }

    #[test]
    fn postgres_placeholders_are_numbered() {
        assert_eq!(stmt(DbBackend::Postgres, "a = ? AND b IN (?, ?)", vec![1.into(), 2.into(), 3.into()]).sql, "a = $1 AND b IN ($2, $3)");
        assert_eq!(stmt(DbBackend::Sqlite, "a = ?", vec![1.into()]).sql, "a = ?");
        assert_eq!(list(&[]), "(NULL)");
        assert_eq!(list(&[3, 4]), "(3,4)");
    }
}
