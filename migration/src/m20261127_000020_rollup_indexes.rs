//! Indexes the statistics' roll-up reads by (a province sums 150 committees' year at once): the
//! proposal figures read each proposal's state, number, answer and deadline (covering, so the
//! proposals' long texts are not read), each proposer's latest rating (covering), the answer
//! class of a proposal's first answering part in force (covering, in assignment order: the
//! proposal metrics page), and the members in office at a period's end (covering).
use sea_orm_migration::prelude::*;

use crate::util::{Indexes, create_indexes, drop_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns).
const INDEXES: &Indexes = &[
    ("ix_proposals_outcomes", "proposals", &["committee_id", "submitted_at", "state", "number", "answered_at", "deadline"]),
    ("ix_proposal_ratings_latest", "proposal_ratings", &["proposal_id", "member_id", "round", "satisfaction"]),
    ("ix_proposal_parts_class", "proposal_parts", &["proposal_id", "id", "role", "state", "class"]),
    ("ix_members_in_office", "members", &["committee_id", "status", "status_since"]),
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
