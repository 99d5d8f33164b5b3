//! What the evaluation keeps: each year's rulebook, manual duty records, the evaluations (every
//! member's score and its lines with their records, under a copy of the rules used) and the
//! consequence actions. Every change is written with its audit entry in one transaction.
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait};
use serde::{Deserialize, Serialize};

use crate::app::audit::{self, Who};
use crate::evaluation::ledger::Entry;
use crate::evaluation::model::{ConsequenceKind, YearState};
use crate::evaluation::rules::{Rulebook, Score, default_rulebook};

pub mod rules_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "evaluation_rules")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub committee_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        /// The rulebook file (JSON).
        pub rules: String,
        pub updated_by: Option<i64>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod manual {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "manual_duty_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub member_id: i64,
        /// A rulebook item's kind (speech, manual …).
        pub kind: String,
        pub on_date: Date,
        pub reason: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod evaluation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "evaluations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub committee_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        /// The rules the scores were computed under.
        pub rules: String,
        pub as_of: Date,
        pub evaluated_by: Option<i64>,
        pub evaluated_at: DateTimeUtc,
        pub frozen_by: Option<i64>,
        pub frozen_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod score {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "evaluation_scores")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub committee_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        pub total: f64,
        pub band: String,
        pub minimums_missed: i32,
        pub failing: bool,
        pub inactive: bool,
        pub records: i32,
        pub last_record_on: Option<Date>,
        /// The member's `Result` as JSON: the frozen file.
        pub detail: String,
        /// The member's [`super::Standing`] as JSON: what the ranking reads (NULL in rows kept
        /// before the column existed).
        pub standing: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod action {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "evaluation_actions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub member_id: i64,
        pub year: i32,
        pub kind: String,
        pub on_date: Date,
        pub notes: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use action::Model as Action;
pub use evaluation::Model as Evaluation;
pub use manual::Model as Manual;

/// One member's evaluation: the score with its lines, the records behind them, and whether the
/// member was active. Kept whole when a year is evaluated, so a frozen file never changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberResult {
    pub member_id: i64,
    pub score: Score,
    /// The year's records; `score.lines[..].entries` index into them.
    pub records: Vec<Entry>,
    /// The latest duty done (not an absence or leave) on or before the day judged, looking back
    /// to the start of the previous year.
    pub last_duty: Option<Entry>,
    pub inactive: bool,
    /// Plenaries missed without leave this year and last.
    pub plenaries_missed: u32,
}

/// What the ranking shows of a member's result: the score without its lines, the number of
/// records rather than the records, so a kept year's ranking need not read every file whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub member_id: i64,
    pub score: StandingScore,
    /// The year's records, counted.
    #[serde(skip)]
    pub records: usize,
    pub last_duty: Option<Entry>,
    pub inactive: bool,
    pub plenaries_missed: u32,
}

/// A score's total, band and minimums (its lines left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StandingScore {
    pub total: f64,
    pub minimums: Vec<(String, u32, u32, bool)>,
    pub band: Option<String>,
    pub failing: bool,
}

impl From<&MemberResult> for Standing {
    fn from(r: &MemberResult) -> Self {
        Standing {
            member_id: r.member_id,
            score: StandingScore { total: r.score.total, minimums: r.score.minimums.clone(), band: r.score.band.clone(), failing: r.score.failing },
            records: r.records.len(),
            last_duty: r.last_duty.clone(),
            inactive: r.inactive,
            plenaries_missed: r.plenaries_missed,
        }
    }
}

/// The year's rules: as saved, else a copy of the latest earlier year's, else the default.
pub async fn rules_for(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<(Rulebook, bool), DbErr> {
    let rows = rules_row::Entity::find()
        .filter(rules_row::Column::CommitteeId.eq(committee_id))
        .filter(rules_row::Column::Year.lte(year))
        .order_by_desc(rules_row::Column::Year)
        .all(db)
        .await?;
    for row in rows {
        if let Ok(mut r) = serde_json::from_str::<Rulebook>(&row.rules) {
            let saved = row.year == year;
            r.year = year;
            return Ok((r, saved));
        }
    }
    Ok((default_rulebook(year), false))
}

/// Saves the year's rules (they were checked by the caller).
pub async fn save_rules(db: &impl TransactionTrait, committee_id: i64, rules: &Rulebook, who: &Who, summary: &str) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    rules_row::Entity::delete_many()
        .filter(rules_row::Column::CommitteeId.eq(committee_id))
        .filter(rules_row::Column::Year.eq(rules.year))
        .exec(&txn)
        .await?;
    rules_row::ActiveModel {
        committee_id: Set(committee_id),
        year: Set(rules.year),
        rules: Set(serde_json::to_string_pretty(rules).expect("rules serialise")),
        updated_by: Set(who.actor_id),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, who, "update", "evaluation_rules", format!("{committee_id}/{}", rules.year), summary).await?;
    txn.commit().await
}

/// The latest year the committee saved rules for or evaluated.
pub async fn latest_year(db: &impl ConnectionTrait, committee_id: i64) -> Result<Option<i32>, DbErr> {
    let ruled = rules_row::Entity::find().filter(rules_row::Column::CommitteeId.eq(committee_id)).order_by_desc(rules_row::Column::Year).one(db).await?;
    let evaluated = evaluation::Entity::find().filter(evaluation::Column::CommitteeId.eq(committee_id)).order_by_desc(evaluation::Column::Year).one(db).await?;
    Ok(ruled.map(|r| r.year).max(evaluated.map(|e| e.year)))
}

pub async fn evaluation_of(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<Option<Evaluation>, DbErr> {
    evaluation::Entity::find_by_id((committee_id, year)).one(db).await
}

pub fn state_of(e: &Option<Evaluation>) -> YearState {
    YearState::of(e.is_some(), e.as_ref().is_some_and(|e| e.frozen_at.is_some()))
}

/// Replaces the year's scores with `results` under `rules` (one transaction, audited).
pub async fn save_evaluation(
    db: &impl TransactionTrait,
    committee_id: i64,
    rules: &Rulebook,
    as_of: NaiveDate,
    results: &[MemberResult],
    who: &Who,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    score::Entity::delete_many().filter(score::Column::CommitteeId.eq(committee_id)).filter(score::Column::Year.eq(rules.year)).exec(&txn).await?;
    evaluation::Entity::delete_by_id((committee_id, rules.year)).exec(&txn).await?;
    evaluation::ActiveModel {
        committee_id: Set(committee_id),
        year: Set(rules.year),
        rules: Set(serde_json::to_string(rules).expect("rules serialise")),
        as_of: Set(as_of),
        evaluated_by: Set(who.actor_id),
        evaluated_at: Set(Utc::now()),
        frozen_by: Set(None),
        frozen_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let rows: Vec<score::ActiveModel> = results
        .iter()
        .map(|r| score::ActiveModel {
            committee_id: Set(committee_id),
            year: Set(rules.year),
            member_id: Set(r.member_id),
            total: Set(r.score.total),
            band: Set(r.score.band.clone().unwrap_or_default()),
            minimums_missed: Set(r.score.minimums.iter().filter(|m| !m.3).count() as i32),
            failing: Set(r.score.failing),
            inactive: Set(r.inactive),
            records: Set(r.records.len() as i32),
            last_record_on: Set(r.last_duty.as_ref().map(|e| e.record.on)),
            detail: Set(serde_json::to_string(r).expect("results serialise")),
            standing: Set(Some(serde_json::to_string(&Standing::from(r)).expect("standings serialise"))),
        })
        .collect();
    // Bounded batches: SQLite and PostgreSQL both cap the parameters of one statement.
    for chunk in rows.chunks(500) {
        score::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    let summary = format!("{}年度履职评价：{}名委员", rules.year, results.len());
    audit::record(&txn, who, "evaluate", "evaluation", format!("{committee_id}/{}", rules.year), summary).await?;
    txn.commit().await
}

/// Marks the year final.
pub async fn freeze(db: &impl TransactionTrait, committee_id: i64, year: i32, who: &Who) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::FrozenAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .col_expr(evaluation::Column::FrozenBy, sea_orm::sea_query::Expr::value(who.actor_id))
        .filter(evaluation::Column::CommitteeId.eq(committee_id))
        .filter(evaluation::Column::Year.eq(year))
        .filter(evaluation::Column::FrozenAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(&txn, who, "freeze", "evaluation", format!("{committee_id}/{year}"), format!("{year}年度履职评价定档")).await?;
    txn.commit().await
}

/// The year's kept scores, best first.
async fn kept(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<Vec<score::Model>, DbErr> {
    score::Entity::find()
        .filter(score::Column::CommitteeId.eq(committee_id))
        .filter(score::Column::Year.eq(year))
        .order_by_desc(score::Column::Total)
        .order_by_asc(score::Column::MemberId)
        .all(db)
        .await
}

/// The year's kept results, best first.
pub async fn results(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<Vec<MemberResult>, DbErr> {
    Ok(kept(db, committee_id, year).await?.into_iter().filter_map(|r| serde_json::from_str(&r.detail).ok()).collect())
}

/// The year's kept standings, best first, from their own column (the files' lines and records
/// are not read); a row kept before that column existed is read from its file.
pub async fn standings(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<Vec<Standing>, DbErr> {
    let rows: Vec<(i32, Option<String>)> = score::Entity::find()
        .select_only()
        .columns([score::Column::Records, score::Column::Standing])
        .filter(score::Column::CommitteeId.eq(committee_id))
        .filter(score::Column::Year.eq(year))
        .into_tuple()
        .all(db)
        .await?;
    if rows.iter().any(|r| r.1.is_none()) {
        // Kept before the column existed: the whole year from its files, in one read.
        return Ok(results(db, committee_id, year).await?.iter().map(Standing::from).collect());
    }
    let mut out: Vec<Standing> = rows
        .into_iter()
        .filter_map(|(records, standing)| serde_json::from_str::<Standing>(standing.as_deref()?).ok().map(|s| Standing { records: records as usize, ..s }))
        .collect();
    // Sorted here: a few hundred rows, and the index then needs no order of its own.
    out.sort_by(|a, b| b.score.total.total_cmp(&a.score.total).then(a.member_id.cmp(&b.member_id)));
    Ok(out)
}

/// One member's kept result of the year.
pub async fn result_of(db: &impl ConnectionTrait, committee_id: i64, year: i32, member_id: i64) -> Result<Option<MemberResult>, DbErr> {
    let row = score::Entity::find_by_id((committee_id, year, member_id)).one(db).await?;
    Ok(row.and_then(|r| serde_json::from_str(&r.detail).ok()))
}

/// Members who failed `year` (kept results only).
pub async fn failed_in(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<std::collections::HashSet<i64>, DbErr> {
    let ids: Vec<i64> = score::Entity::find()
        .select_only()
        .column(score::Column::MemberId)
        .filter(score::Column::CommitteeId.eq(committee_id))
        .filter(score::Column::Year.eq(year))
        .filter(score::Column::Failing.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// A manual record as checked by the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewManual {
    pub member_id: i64,
    pub kind: String,
    pub on_date: NaiveDate,
    pub reason: String,
}

pub async fn add_manual(db: &impl TransactionTrait, committee_id: i64, m: &NewManual, who: &Who) -> Result<Manual, DbErr> {
    let txn = db.begin().await?;
    let row = manual::ActiveModel {
        committee_id: Set(committee_id),
        member_id: Set(m.member_id),
        kind: Set(m.kind.clone()),
        on_date: Set(m.on_date),
        reason: Set(m.reason.clone()),
        created_by: Set(who.actor_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, who, "create", "duty_record", row.id, format!("委员{} {} {}：{}", m.member_id, m.kind, m.on_date, m.reason)).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn find_manual(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Manual>, DbErr> {
    manual::Entity::find_by_id(id).filter(manual::Column::CommitteeId.eq(committee_id)).one(db).await
}

pub async fn delete_manual(db: &impl TransactionTrait, m: &Manual, who: &Who) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    manual::Entity::delete_by_id(m.id).exec(&txn).await?;
    audit::record(&txn, who, "delete", "duty_record", m.id, format!("委员{} {} {}：{}", m.member_id, m.kind, m.on_date, m.reason)).await?;
    txn.commit().await
}

/// A consequence action as checked by the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAction {
    pub member_id: i64,
    pub year: i32,
    pub kind: ConsequenceKind,
    pub on_date: NaiveDate,
    pub notes: String,
}

pub async fn add_action(db: &impl TransactionTrait, committee_id: i64, a: &NewAction, who: &Who) -> Result<Action, DbErr> {
    let txn = db.begin().await?;
    let row = action::ActiveModel {
        committee_id: Set(committee_id),
        member_id: Set(a.member_id),
        year: Set(a.year),
        kind: Set(a.kind.as_str().into()),
        on_date: Set(a.on_date),
        notes: Set(a.notes.clone()),
        created_by: Set(who.actor_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, who, "create", "evaluation_action", row.id, format!("委员{} {}年度 {} {}", a.member_id, a.year, a.kind.as_str(), a.on_date)).await?;
    txn.commit().await?;
    Ok(row)
}

/// The year's actions, for one member or all, oldest first.
pub async fn actions(db: &impl ConnectionTrait, committee_id: i64, year: i32, member_id: Option<i64>) -> Result<Vec<Action>, DbErr> {
    let mut q = action::Entity::find().filter(action::Column::CommitteeId.eq(committee_id)).filter(action::Column::Year.eq(year));
    if let Some(m) = member_id {
        q = q.filter(action::Column::MemberId.eq(m));
    }
    q.order_by_asc(action::Column::OnDate).order_by_asc(action::Column::Id).all(db).await
}

/// The years with an evaluation kept, newest first, with their totals for one member.
pub async fn history(db: &impl ConnectionTrait, committee_id: i64, member_id: i64) -> Result<Vec<(i32, f64, String, bool)>, DbErr> {
    let rows = score::Entity::find()
        .filter(score::Column::CommitteeId.eq(committee_id))
        .filter(score::Column::MemberId.eq(member_id))
        .order_by_desc(score::Column::Year)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.year, r.total, r.band, r.failing)).collect())
}
