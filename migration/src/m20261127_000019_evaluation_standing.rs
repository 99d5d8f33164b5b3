//! A kept evaluation's ranking reads each member's standing — total, band, the minimum duties
//! with their counts, the latest duty, inactivity, plenaries missed — from a small JSON column
//! of its own rather than from `detail`, the whole file (every line and record, some 8 KB a
//! member). Rows kept before this column existed have it NULL; the store reads their `detail`.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EvaluationScores {
    Table,
    Standing,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(EvaluationScores::Table).add_column(text_null(EvaluationScores::Standing)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(EvaluationScores::Table).drop_column(EvaluationScores::Standing).to_owned()).await
    }
}
