//! 社情民意 metrics for the statistics area, with the definitions of DOMAIN.md
//! (`opinion_reports`, `adoption_rate`, `instructions`).
//!
//! The cohort is the reports sent in to the committee during the period (China dates,
//! inclusive, on the day sent in): its members', groups', staff's and informants' reports and
//! those sent up from its child committees, whatever became of them since; drafts are not sent
//! in, and combined reports (made by screening) are not sent in either.
//!
//! - submitted (社情民意数): the cohort; `from_below` of it came up from child committees.
//! - adopted (采用): in the cohort, adopted at the committee's own level, alone or as part of a
//!   combined report (综合采用). `adoption_rate = adopted ÷ submitted`.
//! - combined: in the cohort, merged into a combined report.
//! - sent_up, adopted_above and instructions count what went on: the cohort's reports not
//!   merged into another (a merged part goes on inside its combined report) plus the combined
//!   reports made in the period. sent_up: sent to the parent committee; adopted_above: adopted
//!   (alone or combined) at a level above the committee's; instructions: leaders' instructions
//!   (批示) recorded on them, by the level of the leader, so an instruction on a combined report
//!   counts once, not once per part.
//!
//! A group scope (a 联组 with its 小组) takes the reports written in its name or by its members;
//! combined reports have no authors of their own and are left out of a group's figures.
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait};
use serde::Serialize;

use chrono::NaiveDate;

use crate::opinions::model::{Level, OutcomeKind, ReportState};
use crate::opinions::moves::Seat;
use crate::opinions::store::{GroupScope, in_group, outcome, report, sent_in};

/// The period and scope of the figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricsFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub group: Option<GroupScope>,
}

/// Leaders' instructions by the level of the leader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ByLevel {
    pub district: u64,
    pub city: u64,
    pub province: u64,
    pub national: u64,
}

impl ByLevel {
    fn add(&mut self, level: Level, n: u64) {
        match level {
            Level::District => self.district += n,
            Level::City => self.city += n,
            Level::Province => self.province += n,
            Level::National => self.national += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.district + self.city + self.province + self.national
    }
}

/// The 社情民意 figures of a committee (or a group of it) for a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OpinionMetrics {
    /// 社情民意数: sent in during the period.
    pub submitted: u64,
    /// Of those, sent up from child committees.
    pub from_below: u64,
    /// 采用: adopted at the committee's level, alone or combined.
    pub adopted: u64,
    /// 采用率: adopted ÷ submitted (None without reports).
    pub adoption_rate: Option<f64>,
    /// 综合采用: merged into a combined report.
    pub combined: u64,
    /// 报送上级: sent to the parent committee.
    pub sent_up: u64,
    /// 上级采用: adopted by a committee above.
    pub adopted_above: u64,
    /// 领导批示数: instructions recorded.
    pub instructions: u64,
    pub instructions_by_level: ByLevel,
}

fn cohort(committee_id: i64, f: &MetricsFilter) -> sea_orm::Select<report::Entity> {
    let mut q = report::Entity::find().filter(report::Column::CommitteeId.eq(committee_id)).filter(sent_in());
    q = in_period(q, f);
    if let Some(g) = &f.group {
        q = q.filter(in_group(g));
    }
    q
}

fn in_period(mut q: sea_orm::Select<report::Entity>, f: &MetricsFilter) -> sea_orm::Select<report::Entity> {
    if let Some(d) = f.from {
        q = q.filter(report::Column::SubmittedOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(report::Column::SubmittedOn.lte(d));
    }
    q
}

/// The reports that went on: the cohort without merged parts, and the combined reports made.
fn going_on(committee_id: i64, f: &MetricsFilter) -> sea_orm::Select<report::Entity> {
    let mut q = report::Entity::find()
        .filter(report::Column::CommitteeId.eq(committee_id))
        .filter(report::Column::State.is_not_in([ReportState::Draft.as_str(), ReportState::Merged.as_str()]));
    q = in_period(q, f);
    if let Some(g) = &f.group {
        q = q.filter(in_group(g));
    }
    q
}

fn ids(q: sea_orm::Select<report::Entity>) -> SelectStatement {
    q.select_only().column(report::Column::Id).into_query()
}

fn adopted_at(levels: &[Level]) -> SelectStatement {
    outcome::Entity::find()
        .select_only()
        .column(outcome::Column::ReportId)
        .filter(outcome::Column::Kind.is_in([OutcomeKind::Adopted.as_str(), OutcomeKind::Combined.as_str()]))
        .filter(outcome::Column::Level.is_in(levels.iter().map(|l| l.as_str())))
        .into_query()
}

/// The figures, counted in the database.
pub async fn load(db: &impl ConnectionTrait, committee_id: i64, f: &MetricsFilter) -> Result<OpinionMetrics, DbErr> {
    let own = Seat::load(db, committee_id).await?.level;
    let above: Vec<Level> = Level::ALL.into_iter().filter(|l| *l > own).collect();
    let submitted = cohort(committee_id, f).count(db).await?;
    let from_below = cohort(committee_id, f).filter(report::Column::FromCommitteeId.is_not_null()).count(db).await?;
    let adopted = cohort(committee_id, f).filter(report::Column::Id.in_subquery(adopted_at(&[own]))).count(db).await?;
    let combined = cohort(committee_id, f).filter(report::Column::State.eq(ReportState::Merged.as_str())).count(db).await?;
    let sent_up = going_on(committee_id, f).filter(report::Column::SentUpId.is_not_null()).count(db).await?;
    let adopted_above = if above.is_empty() { 0 } else { going_on(committee_id, f).filter(report::Column::Id.in_subquery(adopted_at(&above))).count(db).await? };
    let rows: Vec<(String, i64)> = outcome::Entity::find()
        .filter(Condition::all().add(outcome::Column::Kind.eq(OutcomeKind::Instructed.as_str())).add(outcome::Column::ReportId.in_subquery(ids(going_on(committee_id, f)))))
        .select_only()
        .column(outcome::Column::Level)
        .column_as(Expr::expr(Func::count(Expr::col(outcome::Column::Id))).cast_as(Alias::new("BIGINT")), "n")
        .group_by(outcome::Column::Level)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_level = ByLevel::default();
    for (level, n) in rows {
        if let Some(l) = Level::from_code(&level) {
            by_level.add(l, n as u64);
        }
    }
    Ok(OpinionMetrics {
        submitted,
        from_below,
        adopted,
        adoption_rate: (submitted > 0).then(|| adopted as f64 / submitted as f64),
        combined,
        sent_up,
        adopted_above,
        instructions: by_level.total(),
        instructions_by_level: by_level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_add_up_by_level() {
        let mut b = ByLevel::default();
        b.add(Level::City, 2);
        b.add(Level::District, 3);
        b.add(Level::City, 1);
        assert_eq!((b.district, b.city, b.province, b.total()), (3, 3, 0, 6));
    }
}
