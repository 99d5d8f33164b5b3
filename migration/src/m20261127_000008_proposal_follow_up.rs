//! What the proposal life cycle needs after the first answer, and the committee settings it
//! reads: a key proposal's supervising leader, the year-end 优秀提案 mark, 回头看 follow-ups of
//! B and C answers, and a key/value settings table (filing number format, not-filing grounds;
//! later areas keep their rules there too).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Users, index};

#[derive(DeriveIden)]
enum Settings {
    Table,
    CommitteeId,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    SupervisorId,
    Excellent,
}

#[derive(DeriveIden)]
enum ProposalFollowups {
    Table,
    Id,
    ProposalId,
    OnDate,
    Text,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Settings::Table)
                .col(big_integer(Settings::CommitteeId))
                .col(string_len(Settings::Key, 64))
                .col(text(Settings::Value))
                .col(timestamp_with_time_zone(Settings::UpdatedAt))
                .primary_key(Index::create().col(Settings::CommitteeId).col(Settings::Key))
                .foreign_key(ForeignKey::create().from(Settings::Table, Settings::CommitteeId).to(Committees::Table, Committees::Id))
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per ALTER and cannot add a foreign key to an existing table:
        // the supervisor is checked against the committee's leaders by the store instead.
        m.alter_table(Table::alter().table(Proposals::Table).add_column(big_integer_null(Proposals::SupervisorId)).to_owned()).await?;
        m.alter_table(Table::alter().table(Proposals::Table).add_column(boolean(Proposals::Excellent).default(false)).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(ProposalFollowups::Table)
                .col(big_pk_auto(ProposalFollowups::Id))
                .col(big_integer(ProposalFollowups::ProposalId))
                .col(date(ProposalFollowups::OnDate))
                .col(text(ProposalFollowups::Text))
                .col(big_integer_null(ProposalFollowups::AuthorId))
                .col(timestamp_with_time_zone(ProposalFollowups::CreatedAt))
                .foreign_key(ForeignKey::create().from(ProposalFollowups::Table, ProposalFollowups::ProposalId).to(Proposals::Table, Proposals::Id))
                .foreign_key(ForeignKey::create().from(ProposalFollowups::Table, ProposalFollowups::AuthorId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_proposal_followups_proposal", ProposalFollowups::Table, &["proposal_id", "id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProposalFollowups::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Proposals::Table).drop_column(Proposals::Excellent).to_owned()).await?;
        m.alter_table(Table::alter().table(Proposals::Table).drop_column(Proposals::SupervisorId).to_owned()).await?;
        m.drop_table(Table::drop().table(Settings::Table).to_owned()).await
    }
}
