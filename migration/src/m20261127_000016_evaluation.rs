//! 履职评价: the committee's rulebook per year, manual duty records (the derived ones are read
//! from their sources), evaluations (a snapshot of every member's score under the year's rules,
//! frozen at year end) and the consequence actions taken.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Members, Users, index};

#[derive(DeriveIden)]
enum EvaluationRules {
    Table,
    CommitteeId,
    Year,
    Rules,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ManualDutyRecords {
    Table,
    Id,
    CommitteeId,
    MemberId,
    Kind,
    OnDate,
    Reason,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Evaluations {
    Table,
    CommitteeId,
    Year,
    Rules,
    AsOf,
    EvaluatedBy,
    EvaluatedAt,
    FrozenBy,
    FrozenAt,
}

#[derive(DeriveIden)]
enum EvaluationScores {
    Table,
    CommitteeId,
    Year,
    MemberId,
    Total,
    Band,
    MinimumsMissed,
    Failing,
    Inactive,
    Records,
    LastRecordOn,
    Detail,
}

#[derive(DeriveIden)]
enum EvaluationActions {
    Table,
    Id,
    CommitteeId,
    MemberId,
    Year,
    Kind,
    OnDate,
    Notes,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EvaluationRules::Table)
                .col(big_integer(EvaluationRules::CommitteeId))
                .col(integer(EvaluationRules::Year))
                // The rulebook as its JSON file (evaluation::rules::Rulebook).
                .col(text(EvaluationRules::Rules))
                .col(big_integer_null(EvaluationRules::UpdatedBy))
                .col(timestamp_with_time_zone(EvaluationRules::UpdatedAt))
                .primary_key(Index::create().col(EvaluationRules::CommitteeId).col(EvaluationRules::Year))
                .foreign_key(ForeignKey::create().from(EvaluationRules::Table, EvaluationRules::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(EvaluationRules::Table, EvaluationRules::UpdatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ManualDutyRecords::Table)
                .col(big_pk_auto(ManualDutyRecords::Id))
                .col(big_integer(ManualDutyRecords::CommitteeId))
                .col(big_integer(ManualDutyRecords::MemberId))
                .col(string_len(ManualDutyRecords::Kind, 48))
                .col(date(ManualDutyRecords::OnDate))
                .col(string_len(ManualDutyRecords::Reason, 500))
                .col(big_integer_null(ManualDutyRecords::CreatedBy))
                .col(timestamp_with_time_zone(ManualDutyRecords::CreatedAt))
                .foreign_key(ForeignKey::create().from(ManualDutyRecords::Table, ManualDutyRecords::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(ManualDutyRecords::Table, ManualDutyRecords::MemberId).to(Members::Table, Members::Id))
                .foreign_key(ForeignKey::create().from(ManualDutyRecords::Table, ManualDutyRecords::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Evaluations::Table)
                .col(big_integer(Evaluations::CommitteeId))
                .col(integer(Evaluations::Year))
                // The rules the scores were computed under (a copy: later edits change nothing).
                .col(text(Evaluations::Rules))
                // The day inactivity was judged on.
                .col(date(Evaluations::AsOf))
                .col(big_integer_null(Evaluations::EvaluatedBy))
                .col(timestamp_with_time_zone(Evaluations::EvaluatedAt))
                .col(big_integer_null(Evaluations::FrozenBy))
                .col(timestamp_with_time_zone_null(Evaluations::FrozenAt))
                .primary_key(Index::create().col(Evaluations::CommitteeId).col(Evaluations::Year))
                .foreign_key(ForeignKey::create().from(Evaluations::Table, Evaluations::CommitteeId).to(Committees::Table, Committees::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EvaluationScores::Table)
                .col(big_integer(EvaluationScores::CommitteeId))
                .col(integer(EvaluationScores::Year))
                .col(big_integer(EvaluationScores::MemberId))
                .col(double(EvaluationScores::Total))
                .col(string_len(EvaluationScores::Band, 32).default(""))
                .col(integer(EvaluationScores::MinimumsMissed))
                .col(boolean(EvaluationScores::Failing))
                .col(boolean(EvaluationScores::Inactive))
                .col(integer(EvaluationScores::Records))
                .col(date_null(EvaluationScores::LastRecordOn))
                // The score's lines with their records and sources, as JSON: the frozen file.
                .col(text(EvaluationScores::Detail))
                .primary_key(Index::create().col(EvaluationScores::CommitteeId).col(EvaluationScores::Year).col(EvaluationScores::MemberId))
                .foreign_key(ForeignKey::create().from(EvaluationScores::Table, EvaluationScores::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EvaluationActions::Table)
                .col(big_pk_auto(EvaluationActions::Id))
                .col(big_integer(EvaluationActions::CommitteeId))
                .col(big_integer(EvaluationActions::MemberId))
                .col(integer(EvaluationActions::Year))
                .col(string_len(EvaluationActions::Kind, 24))
                .col(date(EvaluationActions::OnDate))
                .col(string_len(EvaluationActions::Notes, 1000).default(""))
                .col(big_integer_null(EvaluationActions::CreatedBy))
                .col(timestamp_with_time_zone(EvaluationActions::CreatedAt))
                .foreign_key(ForeignKey::create().from(EvaluationActions::Table, EvaluationActions::MemberId).to(Members::Table, Members::Id))
                .foreign_key(ForeignKey::create().from(EvaluationActions::Table, EvaluationActions::CommitteeId).to(Committees::Table, Committees::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_manual_duty_records_member", ManualDutyRecords::Table, &["committee_id", "member_id", "on_date"], false).await?;
        // The ranking reads a year's scores best first.
        index(m, "ix_evaluation_scores_rank", EvaluationScores::Table, &["committee_id", "year", "total"], false).await?;
        index(m, "ix_evaluation_actions_member", EvaluationActions::Table, &["committee_id", "member_id", "year"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EvaluationActions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(EvaluationScores::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Evaluations::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ManualDutyRecords::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(EvaluationRules::Table).to_owned()).await
    }
}
