//! Indexes the province-scale benchmark (`cargo bench --bench demands`) showed were missing:
//! a committee's demands newest first without a sort (work lists and the public resolved list),
//! a unit's demands by committee (SQLite has no statistics to prefer the unit index), and the
//! member behind an account (asked on every member's request).
use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, "ix_demands_committee", Alias::new("demands"), &["committee_id", "id"], false).await?;
        index(m, "ix_demands_committee_unit", Alias::new("demands"), &["committee_id", "unit_id", "id"], false).await?;
        index(m, "ix_members_user", Alias::new("members"), &["user_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [("ix_demands_committee", "demands"), ("ix_demands_committee_unit", "demands"), ("ix_members_user", "members")] {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
