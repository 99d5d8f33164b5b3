//! Indexes the duty ledger reads at province scale. A year's evaluation reads every record of a
//! committee over two years, source by source: the proposals filed in the span (by the day
//! filed, not the state: otherwise every numbered proposal of every year is read), the leaders'
//! instructions on research reports in the span (by kind and day), the visits of the span with
//! whom they visited (covering: the visit rows are scattered among the whole province's), and
//! each activity's settled roll (covering: attendance and member without the row).
use sea_orm_migration::prelude::*;

use crate::util::{Indexes, create_indexes, drop_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns).
const INDEXES: &Indexes = &[
    ("ix_proposals_filed", "proposals", &["committee_id", "filed_at", "state"]),
    ("ix_research_report_outcomes_dated", "research_report_outcomes", &["kind", "on_date", "report_id"]),
    ("ix_visits_ledger", "visits", &["committee_id", "on_date", "id", "names"]),
    ("ix_activity_participants_roll", "activity_participants", &["activity_id", "attendance", "member_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(m, INDEXES).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(m, INDEXES).await
    }
}
