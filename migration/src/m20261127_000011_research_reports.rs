//! 调研报告: research reports with their authors (the lead first) and outcomes (adopted,
//! instructed, forwarded, by level). An attached document lives in the shared attachments table.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::{Committees, Groups, Members, Places, Users, index};

#[derive(DeriveIden)]
enum ResearchReports {
    Table,
    Id,
    CommitteeId,
    Title,
    Topic,
    GroupId,
    PlaceId,
    OnDate,
    Summary,
    Body,
    Recipients,
    FileName,
    Shared,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ResearchReportAuthors {
    Table,
    ReportId,
    MemberId,
    Position,
}

#[derive(DeriveIden)]
enum ResearchReportOutcomes {
    Table,
    Id,
    ReportId,
    Kind,
    Level,
    ByWhom,
    OnDate,
    Summary,
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
                .table(ResearchReports::Table)
                .col(big_pk_auto(ResearchReports::Id))
                .col(big_integer(ResearchReports::CommitteeId))
                .col(string_len(ResearchReports::Title, 200))
                .col(string_len(ResearchReports::Topic, 24))
                .col(big_integer_null(ResearchReports::GroupId))
                .col(big_integer_null(ResearchReports::PlaceId))
                .col(date(ResearchReports::OnDate))
                .col(text(ResearchReports::Summary).default(""))
                .col(text(ResearchReports::Body).default(""))
                .col(string_len(ResearchReports::Recipients, 200).default(""))
                .col(string_len(ResearchReports::FileName, 200).default(""))
                .col(boolean(ResearchReports::Shared).default(false))
                .col(big_integer_null(ResearchReports::CreatedBy))
                .col(timestamp_with_time_zone(ResearchReports::CreatedAt))
                .col(timestamp_with_time_zone(ResearchReports::UpdatedAt))
                .foreign_key(ForeignKey::create().from(ResearchReports::Table, ResearchReports::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(ResearchReports::Table, ResearchReports::GroupId).to(Groups::Table, Groups::Id))
                .foreign_key(ForeignKey::create().from(ResearchReports::Table, ResearchReports::PlaceId).to(Places::Table, Places::Id))
                .foreign_key(ForeignKey::create().from(ResearchReports::Table, ResearchReports::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ResearchReportAuthors::Table)
                .col(big_integer(ResearchReportAuthors::ReportId))
                .col(big_integer(ResearchReportAuthors::MemberId))
                // 0 is the lead author (执笔人), then the others in order.
                .col(integer(ResearchReportAuthors::Position))
                .primary_key(Index::create().col(ResearchReportAuthors::ReportId).col(ResearchReportAuthors::MemberId))
                .foreign_key(ForeignKey::create().from(ResearchReportAuthors::Table, ResearchReportAuthors::ReportId).to(ResearchReports::Table, ResearchReports::Id))
                .foreign_key(ForeignKey::create().from(ResearchReportAuthors::Table, ResearchReportAuthors::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ResearchReportOutcomes::Table)
                .col(big_pk_auto(ResearchReportOutcomes::Id))
                .col(big_integer(ResearchReportOutcomes::ReportId))
                .col(string_len(ResearchReportOutcomes::Kind, 16))
                .col(string_len(ResearchReportOutcomes::Level, 16))
                .col(string_len(ResearchReportOutcomes::ByWhom, 100).default(""))
                .col(date(ResearchReportOutcomes::OnDate))
                .col(text(ResearchReportOutcomes::Summary).default(""))
                .col(big_integer_null(ResearchReportOutcomes::CreatedBy))
                .col(timestamp_with_time_zone(ResearchReportOutcomes::CreatedAt))
                .foreign_key(ForeignKey::create().from(ResearchReportOutcomes::Table, ResearchReportOutcomes::ReportId).to(ResearchReports::Table, ResearchReports::Id))
                .foreign_key(ForeignKey::create().from(ResearchReportOutcomes::Table, ResearchReportOutcomes::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        // The list (latest first, by period), the exchange feed, a member's reports, and
        // "reports with an outcome of this kind".
        index(m, "ix_research_reports_committee_date", ResearchReports::Table, &["committee_id", "on_date", "id"], false).await?;
        index(m, "ix_research_reports_shared", ResearchReports::Table, &["committee_id", "shared", "on_date"], false).await?;
        index(m, "ix_research_report_authors_member", ResearchReportAuthors::Table, &["member_id", "report_id"], false).await?;
        index(m, "ix_research_report_outcomes_report", ResearchReportOutcomes::Table, &["report_id", "on_date"], false).await?;
        index(m, "ix_research_report_outcomes_kind", ResearchReportOutcomes::Table, &["kind", "report_id"], false).await?;
        // An attached Word document's MIME type is longer than the 32 characters images needed.
        // SQLite does not enforce VARCHAR lengths; PostgreSQL does.
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection().execute_unprepared("ALTER TABLE attachments ALTER COLUMN mime TYPE VARCHAR(100)").await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The wider attachments.mime stays: narrowing it could fail on stored documents.
        m.drop_table(Table::drop().table(ResearchReportOutcomes::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ResearchReportAuthors::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ResearchReports::Table).to_owned()).await
    }
}
