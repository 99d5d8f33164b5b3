//! The studio-scoped demand lists (a member's, and `?studio=`): with the indexes of 000006
//! SQLite counted them through (committee_id, unit_id, id), reading every demand of the
//! committee; (committee_id, studio_id, id) answers both the count and the page.
use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, "ix_demands_committee_studio", Alias::new("demands"), &["committee_id", "studio_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_demands_committee_studio").table(Alias::new("demands")).to_owned()).await
    }
}
