//! 社情民意: public-opinion reports, their authors, screening, bulletins, the upward flow between
//! committees and the outcomes per level.
//!
//! A report sent up to the parent committee is copied into it (`from_committee_id`,
//! `from_report_id`), so each committee screens only rows of its own; the original keeps the link
//! to its copy (`sent_up_id`) and the outcomes found above are written back onto it. Bulletin
//! numbers are unique per committee and year, so concurrent issues cannot share a number.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Groups, Members, Users, index};

#[derive(DeriveIden)]
enum OpinionBulletins {
    Table,
    Id,
    CommitteeId,
    Year,
    Seq,
    IssuedOn,
    Leaders,
    Units,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OpinionReports {
    Table,
    Id,
    CommitteeId,
    Title,
    Body,
    Category,
    State,
    SubmitterKind,
    SubmitterName,
    GroupId,
    SourceType,
    SourceId,
    EditedTitle,
    EditedBody,
    Reason,
    Combined,
    CombinedIntoId,
    FromCommitteeId,
    FromReportId,
    SentUpId,
    SentUpAt,
    BulletinId,
    SubmittedOn,
    CreatedBy,
    SubmittedAt,
    ScreenedAt,
    ApprovedAt,
    IssuedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OpinionReportAuthors {
    Table,
    ReportId,
    MemberId,
    Position,
}

#[derive(DeriveIden)]
enum OpinionReportOutcomes {
    Table,
    Id,
    ReportId,
    Kind,
    Level,
    ByWhom,
    OnDate,
    Summary,
    Combined,
    ViaReportId,
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
                .table(OpinionBulletins::Table)
                .col(big_pk_auto(OpinionBulletins::Id))
                .col(big_integer(OpinionBulletins::CommitteeId))
                .col(integer(OpinionBulletins::Year))
                .col(integer(OpinionBulletins::Seq))
                .col(date(OpinionBulletins::IssuedOn))
                // 报: the leaders it goes to; 送: the units.
                .col(text(OpinionBulletins::Leaders).default(""))
                .col(text(OpinionBulletins::Units).default(""))
                .col(big_integer_null(OpinionBulletins::CreatedBy))
                .col(timestamp_with_time_zone(OpinionBulletins::CreatedAt))
                .foreign_key(ForeignKey::create().from(OpinionBulletins::Table, OpinionBulletins::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(OpinionBulletins::Table, OpinionBulletins::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OpinionReports::Table)
                .col(big_pk_auto(OpinionReports::Id))
                .col(big_integer(OpinionReports::CommitteeId))
                .col(string_len(OpinionReports::Title, 200))
                .col(text(OpinionReports::Body))
                .col(string_len(OpinionReports::Category, 24))
                .col(string_len(OpinionReports::State, 24))
                .col(string_len(OpinionReports::SubmitterKind, 16))
                .col(string_len(OpinionReports::SubmitterName, 200).default(""))
                .col(big_integer_null(OpinionReports::GroupId))
                .col(string_len_null(OpinionReports::SourceType, 16))
                .col(big_integer_null(OpinionReports::SourceId))
                .col(string_len_null(OpinionReports::EditedTitle, 200))
                .col(text_null(OpinionReports::EditedBody))
                .col(text(OpinionReports::Reason).default(""))
                .col(boolean(OpinionReports::Combined).default(false))
                .col(big_integer_null(OpinionReports::CombinedIntoId))
                .col(big_integer_null(OpinionReports::FromCommitteeId))
                .col(big_integer_null(OpinionReports::FromReportId))
                .col(big_integer_null(OpinionReports::SentUpId))
                .col(timestamp_with_time_zone_null(OpinionReports::SentUpAt))
                .col(big_integer_null(OpinionReports::BulletinId))
                // The China date it was sent in (the day a draft was written, until then).
                .col(date(OpinionReports::SubmittedOn))
                .col(big_integer_null(OpinionReports::CreatedBy))
                .col(timestamp_with_time_zone_null(OpinionReports::SubmittedAt))
                .col(timestamp_with_time_zone_null(OpinionReports::ScreenedAt))
                .col(timestamp_with_time_zone_null(OpinionReports::ApprovedAt))
                .col(timestamp_with_time_zone_null(OpinionReports::IssuedAt))
                .col(timestamp_with_time_zone(OpinionReports::CreatedAt))
                .col(timestamp_with_time_zone(OpinionReports::UpdatedAt))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::GroupId).to(Groups::Table, Groups::Id))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::CombinedIntoId).to(OpinionReports::Table, OpinionReports::Id))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::FromCommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::FromReportId).to(OpinionReports::Table, OpinionReports::Id))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::SentUpId).to(OpinionReports::Table, OpinionReports::Id))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::BulletinId).to(OpinionBulletins::Table, OpinionBulletins::Id))
                .foreign_key(ForeignKey::create().from(OpinionReports::Table, OpinionReports::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OpinionReportAuthors::Table)
                .col(big_integer(OpinionReportAuthors::ReportId))
                .col(big_integer(OpinionReportAuthors::MemberId))
                // 0 is the first author, then the co-authors in order.
                .col(integer(OpinionReportAuthors::Position))
                .primary_key(Index::create().col(OpinionReportAuthors::ReportId).col(OpinionReportAuthors::MemberId))
                .foreign_key(ForeignKey::create().from(OpinionReportAuthors::Table, OpinionReportAuthors::ReportId).to(OpinionReports::Table, OpinionReports::Id))
                .foreign_key(ForeignKey::create().from(OpinionReportAuthors::Table, OpinionReportAuthors::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OpinionReportOutcomes::Table)
                .col(big_pk_auto(OpinionReportOutcomes::Id))
                .col(big_integer(OpinionReportOutcomes::ReportId))
                .col(string_len(OpinionReportOutcomes::Kind, 16))
                .col(string_len(OpinionReportOutcomes::Level, 16))
                .col(string_len(OpinionReportOutcomes::ByWhom, 100).default(""))
                .col(date(OpinionReportOutcomes::OnDate))
                .col(text(OpinionReportOutcomes::Summary).default(""))
                // Credited through a combined report (综合采用): the scoring rules may weigh it less.
                .col(boolean(OpinionReportOutcomes::Combined).default(false))
                // The report the outcome was recorded on (a copy above, a combined report), if not this one.
                .col(big_integer_null(OpinionReportOutcomes::ViaReportId))
                .col(big_integer_null(OpinionReportOutcomes::CreatedBy))
                .col(timestamp_with_time_zone(OpinionReportOutcomes::CreatedAt))
                .foreign_key(ForeignKey::create().from(OpinionReportOutcomes::Table, OpinionReportOutcomes::ReportId).to(OpinionReports::Table, OpinionReports::Id))
                .foreign_key(ForeignKey::create().from(OpinionReportOutcomes::Table, OpinionReportOutcomes::ViaReportId).to(OpinionReports::Table, OpinionReports::Id))
                .foreign_key(ForeignKey::create().from(OpinionReportOutcomes::Table, OpinionReportOutcomes::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        // Numbering: one 第N期 per committee and year, whoever issues at the same moment.
        index(m, "ux_opinion_bulletins_number", OpinionBulletins::Table, &["committee_id", "year", "seq"], true).await?;
        // The queues and lists (by state, by period), the parts of a combined report, the copy's
        // origin, the reports of a bulletin, a source's reports, an author's reports, outcomes.
        index(m, "ix_opinion_reports_state", OpinionReports::Table, &["committee_id", "state", "submitted_on"], false).await?;
        index(m, "ix_opinion_reports_period", OpinionReports::Table, &["committee_id", "submitted_on", "id"], false).await?;
        index(m, "ix_opinion_reports_combined_into", OpinionReports::Table, &["combined_into_id"], false).await?;
        index(m, "ix_opinion_reports_from_report", OpinionReports::Table, &["from_report_id"], false).await?;
        index(m, "ix_opinion_reports_bulletin", OpinionReports::Table, &["bulletin_id"], false).await?;
        index(m, "ix_opinion_reports_source", OpinionReports::Table, &["source_type", "source_id"], false).await?;
        index(m, "ix_opinion_report_authors_member", OpinionReportAuthors::Table, &["member_id", "report_id"], false).await?;
        index(m, "ix_opinion_report_outcomes_report", OpinionReportOutcomes::Table, &["report_id", "on_date"], false).await?;
        index(m, "ix_opinion_report_outcomes_level", OpinionReportOutcomes::Table, &["level", "kind", "report_id"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OpinionReportOutcomes::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(OpinionReportAuthors::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(OpinionReports::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(OpinionBulletins::Table).to_owned()).await
    }
}
