//! Indexes the statistics' aggregates read at province scale: each holds a table's committee
//! and date first (the period's range within a committee, or within each committee of a
//! roll-up) and then every column the dashboard groups or sums by, so SQLite answers from the
//! index without visiting the rows.
use sea_orm_migration::prelude::*;

use crate::util::{Indexes, create_indexes, drop_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns).
const INDEXES: &Indexes = &[
    ("ix_demands_created_figures", "demands", &["committee_id", "created_at", "studio_id", "place_id"]),
    ("ix_demands_resolved_figures", "demands", &["committee_id", "resolved_at", "studio_id", "place_id"]),
    ("ix_visits_figures", "visits", &["committee_id", "on_date", "kind", "people", "place_id"]),
    ("ix_receptions_figures", "receptions", &["committee_id", "held_on", "studio_id", "place_id", "citizens_received"]),
    ("ix_activities_figures", "activities", &["committee_id", "on_date", "kind", "place_id"]),
    ("ix_proposals_figures", "proposals", &["committee_id", "submitted_at", "state"]),
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
