//! Scoring the ledger: every member in office, their year's records under the rulebook, the
//! latest duty they did and whether that makes them inactive. The same function serves the
//! live view of an open year, the evaluation staff keep, the member file and the API.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::evaluation::ledger::{self, Entry, Span};
use crate::evaluation::rules::Rulebook;
use crate::evaluation::store::MemberResult;
use crate::org::members::{Member, member};

/// Members in office on `as_of` (or who left after it), by name.
pub async fn members_in_office(db: &impl ConnectionTrait, committee_id: i64, as_of: NaiveDate) -> Result<Vec<Member>, DbErr> {
    let in_office = Condition::any()
        .add(member::Column::Status.eq("in_office"))
        .add(Condition::all().add(member::Column::Status.ne("in_office")).add(member::Column::StatusSince.gt(as_of)));
    member::Entity::find()
        .filter(member::Column::CommitteeId.eq(committee_id))
        .filter(in_office)
        .order_by_asc(member::Column::Initials)
        .order_by_asc(member::Column::Id)
        .all(db)
        .await
}

/// What the ranking shows of a member besides its standing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked {
    pub id: i64,
    pub name: String,
    pub sector_id: i64,
    pub position: String,
}

/// The committee's members among `ids`, four columns each: the ranking of a county's 400
/// members reads no more of them.
pub async fn ranked_members(db: &impl ConnectionTrait, committee_id: i64, ids: &[i64]) -> Result<Vec<Ranked>, DbErr> {
    let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
    let rows: Vec<(i64, String, i64, String)> = member::Entity::find()
        .select_only()
        .columns([member::Column::Id, member::Column::Name, member::Column::SectorId, member::Column::Position])
        .filter(member::Column::CommitteeId.eq(committee_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter(|r| wanted.contains(&r.0)).map(|(id, name, sector_id, position)| Ranked { id, name, sector_id, position }).collect())
}

/// Scores `members` of the committee in `rules.year`, judging inactivity on `as_of`.
pub async fn compute(db: &impl ConnectionTrait, committee_id: i64, rules: &Rulebook, as_of: NaiveDate, members: &[i64]) -> Result<Vec<MemberResult>, DbErr> {
    let year = rules.year;
    let first = NaiveDate::from_ymd_opt(year - 1, 1, 1).expect("a new year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("a new year's eve");
    let member_id = if members.len() == 1 { Some(members[0]) } else { None };
    let all = ledger::entries(db, Span { committee_id, member_id, from: first, to: last }).await?;
    let mut by_member: HashMap<i64, Vec<Entry>> = HashMap::new();
    for e in all {
        by_member.entry(e.member_id).or_default().push(e);
    }
    Ok(members.iter().map(|m| result(rules, as_of, *m, by_member.remove(m).unwrap_or_default())).collect())
}

/// One member's result from its records of this year and last (oldest first).
pub fn result(rules: &Rulebook, as_of: NaiveDate, member_id: i64, entries: Vec<Entry>) -> MemberResult {
    let last_duty = entries.iter().rev().find(|e| e.record.is_duty() && e.record.on <= as_of).cloned();
    let plenaries_missed = entries.iter().filter(|e| e.record.kind == "plenary_absent").count() as u32;
    let records: Vec<Entry> = entries.into_iter().filter(|e| e.record.on.year() == rules.year).collect();
    let plain: Vec<_> = records.iter().map(|e| e.record.clone()).collect();
    let score = rules.score(&plain);
    let inactive = rules.inactive(last_duty.as_ref().map(|e| e.record.on), as_of);
    MemberResult { member_id, score, records, last_duty, inactive, plenaries_missed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::rules::{Credit, Record, default_rulebook};

    fn e(kind: &str, y: i32, m: u32) -> Entry {
        Entry {
            member_id: 1,
            record: Record { kind: kind.into(), on: NaiveDate::from_ymd_opt(y, m, 15).unwrap(), credit: Credit::Full, source_type: "activity".into(), source_id: m as i64 },
            title: String::new(),
        }
    }

    #[test]
    fn last_years_records_judge_activity_but_not_the_score() {
        let rules = default_rulebook(2022);
        let as_of = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
        let r = result(&rules, as_of, 1, vec![e("visit", 2021, 11), e("plenary_absent", 2021, 12), e("plenary_absent", 2022, 1)]);
        assert_eq!(r.records.len(), 1, "only 2022's record is scored");
        assert_eq!(r.score.total, 50.0);
        assert_eq!(r.last_duty.as_ref().map(|d| d.record.on.month()), Some(11), "an absence is no duty done");
        assert!(!r.inactive, "a visit in November is within six months of March");
        assert_eq!(r.plenaries_missed, 2);
    }

    #[test]
    fn records_after_the_day_judged_do_not_make_a_member_active() {
        let rules = default_rulebook(2022);
        let as_of = NaiveDate::from_ymd_opt(2022, 9, 1).unwrap();
        let r = result(&rules, as_of, 1, vec![e("visit", 2022, 2), e("visit", 2022, 10)]);
        assert_eq!(r.last_duty.as_ref().map(|d| d.record.on.month()), Some(2));
        assert!(r.inactive);
        assert_eq!(r.records.len(), 2, "the score counts the whole year");
    }
}
