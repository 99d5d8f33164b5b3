//! Kept figures: a committee's whole-committee figures for a period, and its monthly bars,
//! computed once (by [`crate::stats::rollup`] and [`crate::stats::grouped::bars`]) and read back
//! while nothing they count has changed.
//!
//! Each committee has a mark (`stats_marks.generation`) that the database itself moves: a trigger
//! on every table the figures count bumps the mark of the committee a changed row belongs to
//! (migration 000021). Figures are kept with the mark they were computed under and read back
//! only while it still stands, so a change anywhere in a committee — through a page, an import
//! or a hand-written query — recomputes that committee's figures and no other's. A province's
//! dashboard then reads 150 kept rows instead of aggregating some 400,000 index entries a year.
//!
//! The mark is read *before* the figures are computed: a change committed in between leaves
//! figures that may already hold it under the older mark, which the next read recomputes —
//! never newer-looking figures that miss a change. Keeping is best effort: figures that cannot
//! be written (a busy or read-only database) are served and computed again next time.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use serde::{Deserialize, Serialize};

use crate::org::store::Committee;
use crate::stats::grouped::{self, list, rows, stmt};
use crate::stats::metrics::{Resolved, Scope, Stats};
use crate::stats::rollup;

/// Kept figures older than this are dropped when their committee's figures are next written
/// (a period ending today is a new key every day).
const KEEP_DAYS: i64 = 30;

/// The counts behind the rates, which the API does not show (`Stats` skips them).
#[derive(Serialize, Deserialize)]
struct Basis {
    opinions_adopted: u64,
    answered: u64,
    on_time: u64,
    ratings: u64,
    satisfied: u64,
    leader_days: u64,
    leader_weeks: u64,
    /// Money in fen: an exact integer, where yuan as a float would not round-trip through JSON.
    assistance_fen: u64,
}

#[derive(Serialize, Deserialize)]
struct Kept {
    shown: Stats,
    basis: Basis,
    /// The monthly bars (`grouped::bars`).
    months: Vec<[u64; 4]>,
}

/// A committee's figures and monthly bars for a period.
type Figures = (Stats, Vec<[u64; 4]>);

fn encode((s, months): &Figures) -> Result<String, DbErr> {
    let basis = Basis {
        opinions_adopted: s.opinions_adopted,
        answered: s.answered,
        on_time: s.on_time,
        ratings: s.ratings,
        satisfied: s.satisfied,
        leader_days: s.leader_days,
        leader_weeks: s.leader_weeks,
        assistance_fen: (s.assistance_yuan * 100.0).round() as u64,
    };
    serde_json::to_string(&Kept { shown: s.clone(), basis, months: months.clone() }).map_err(|e| DbErr::Custom(format!("kept figures: {e}")))
}

/// The figures from their kept text; `None` when it does not read (then they are recomputed).
fn decode(text: &str) -> Option<Figures> {
    let Kept { shown: mut s, basis: b, months } = serde_json::from_str(text).ok()?;
    (s.opinions_adopted, s.answered, s.on_time, s.ratings, s.satisfied) = (b.opinions_adopted, b.answered, b.on_time, b.ratings, b.satisfied);
    (s.leader_days, s.leader_weeks) = (b.leader_days, b.leader_weeks);
    s.assistance_yuan = b.assistance_fen as f64 / 100.0;
    s.rates();
    Some((s, months))
}

/// Each committee's whole-committee figures for `from..=to`, as [`rollup::by_committee`]
/// computes them.
pub async fn by_committee(db: &impl ConnectionTrait, committees: &[Committee], from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, Stats>, DbErr> {
    if committees.is_empty() || from > to {
        return rollup::by_committee(db, committees, from, to).await;
    }
    Ok(read(db, committees, from, to).await?.into_iter().map(|(k, (s, _))| (k, s)).collect())
}

/// Each committee's monthly bars for `from..=to`, as [`grouped::bars`] computes them.
pub async fn months(db: &impl ConnectionTrait, committees: &[Committee], from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, Vec<[u64; 4]>>, DbErr> {
    if committees.is_empty() || from > to {
        return Ok(HashMap::new());
    }
    Ok(read(db, committees, from, to).await?.into_iter().map(|(k, (_, m))| (k, m)).collect())
}

/// Kept figures where the committee's mark has not moved, the rest computed (in one pass over
/// those committees) and kept.
async fn read(db: &impl ConnectionTrait, committees: &[Committee], from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, Figures>, DbErr> {
    let ids: Vec<i64> = committees.iter().map(|c| c.id).collect();
    let sql = format!(
        "SELECT m.committee_id AS k, m.generation AS g, f.figures AS figures FROM stats_marks m \
         LEFT JOIN stats_figures f ON f.committee_id = m.committee_id AND f.date_from = ? AND f.date_to = ? AND f.generation = m.generation \
         WHERE m.committee_id IN {}",
        list(&ids)
    );
    let mut out: HashMap<i64, Figures> = HashMap::with_capacity(ids.len());
    let mut marks: HashMap<i64, i64> = HashMap::new();
    for row in rows(db, &sql, vec![from.into(), to.into()]).await? {
        let (k, g, figures): (i64, i64, Option<String>) = (row.try_get("", "k")?, row.try_get("", "g")?, row.try_get("", "figures")?);
        if let Some(f) = figures.as_deref().and_then(decode) {
            out.insert(k, f);
        } else {
            marks.insert(k, g);
        }
    }
    let stale: Vec<Committee> = committees.iter().filter(|c| !out.contains_key(&c.id)).cloned().collect();
    if stale.is_empty() {
        return Ok(out);
    }
    let stale_ids: Vec<i64> = stale.iter().map(|c| c.id).collect();
    let whole = Resolved::default();
    let (stats, mut bars) = tokio::try_join!(rollup::by_committee(db, &stale, from, to), grouped::bars(db, &stale_ids, from, to, &whole, Scope::Committee))?;
    let fresh: HashMap<i64, Figures> = stats.into_iter().map(|(k, s)| (k, (s, bars.remove(&k).unwrap_or_default()))).collect();
    if let Err(e) = keep(db, &fresh, &marks, from, to).await {
        tracing::warn!(error = %e, "statistics figures computed but not kept");
    }
    out.extend(fresh);
    Ok(out)
}

/// Keeps fresh figures under the marks read before they were computed (committees without a
/// mark are not kept), and drops those committees' figures that can no longer be read: kept
/// under an older mark, or for more than [`KEEP_DAYS`].
async fn keep(db: &impl ConnectionTrait, fresh: &HashMap<i64, Figures>, marks: &HashMap<i64, i64>, from: NaiveDate, to: NaiveDate) -> Result<(), DbErr> {
    let mut ids: Vec<i64> = fresh.keys().copied().filter(|k| marks.contains_key(k)).collect();
    if ids.is_empty() {
        return Ok(());
    }
    // One order for every writer, so concurrent writers of the same rows cannot deadlock.
    ids.sort_unstable();
    let now = Utc::now();
    let mut values: Vec<Value> = Vec::with_capacity(ids.len() * 6);
    for k in &ids {
        values.extend([Value::from(*k), from.into(), to.into(), marks[k].into(), encode(&fresh[k])?.into(), now.into()]);
    }
    let tuples = vec!["(?, ?, ?, ?, ?, ?)"; ids.len()].join(", ");
    // A row kept under a newer mark (by a reader that came later) stays; one under the same mark
    // is written again (it did not read: kept in another shape by an earlier version).
    let upsert = format!(
        "INSERT INTO stats_figures (committee_id, date_from, date_to, generation, figures, computed_at) VALUES {tuples} \
         ON CONFLICT (committee_id, date_from, date_to) DO UPDATE SET generation = excluded.generation, figures = excluded.figures, computed_at = excluded.computed_at \
         WHERE excluded.generation >= stats_figures.generation"
    );
    db.execute_raw(stmt(db.get_database_backend(), &upsert, values)).await?;
    let prune = format!(
        "DELETE FROM stats_figures WHERE committee_id IN {} AND (computed_at < ? OR generation < (SELECT m.generation FROM stats_marks m WHERE m.committee_id = stats_figures.committee_id))",
        list(&ids)
    );
    db.execute_raw(stmt(db.get_database_backend(), &prune, vec![(now - Duration::days(KEEP_DAYS)).into()])).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_figures_read_back_the_same_including_the_counts_behind_the_rates() {
        let mut s = Stats { members: 181, proposals: 164, proposals_filed: 150, answered: 120, on_time: 100, ratings: 90, satisfied: 81, opinion_reports: 23, opinions_adopted: 9, leader_days: 35, leader_weeks: 70, assistance_yuan: 205_123.47, ..Default::default() };
        s.activities_by_kind.insert("volunteering".into(), 12);
        s.rates();
        let months = vec![[560, 164, 320, 30], [0, 0, 0, 1]];
        let (back, bars) = decode(&encode(&(s.clone(), months.clone())).unwrap()).unwrap();
        assert_eq!((&back, &bars), (&s, &months));
        assert_eq!(back.answer_rate, Some(120.0 / 150.0));
        assert_eq!(back.assistance_yuan, 205_123.47);
    }

    #[test]
    fn unreadable_kept_figures_are_recomputed_not_served() {
        assert!(decode("{}").is_none());
        assert!(decode("not json").is_none());
    }
}
