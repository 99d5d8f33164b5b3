//! Proposals (提案): the proposal with its signers (lead proposer and co-signers), the units'
//! parts of the handling, and the proposers' ratings. Filing numbers are unique per session, so
//! two staff filing at the same moment can never get the same number.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{index, Committees, Members, Units, Users, Plenaries};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    CommitteeId,
    SessionId,
    Kind,
    Title,
    Body,
    SubmitterKind,
    SubmitterName,
    SuggestedUnits,
    State,
    Seq,
    Number,
    HostId,
    Reason,
    KeyProposal,
    Disclose,
    Mode,
    AssignedAt,
    Deadline,
    Rehandled,
    CreatedBy,
    SubmittedAt,
    FiledAt,
    AnsweredAt,
    ConcludedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProposalSigners {
    Table,
    ProposalId,
    MemberId,
    Position,
    ConfirmedAt,
}

#[derive(DeriveIden)]
enum ProposalParts {
    Table,
    Id,
    ProposalId,
    UnitId,
    Role,
    State,
    Class,
    Reply,
    Deadline,
    RepliedAt,
    ApprovedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProposalRatings {
    Table,
    Id,
    ProposalId,
    MemberId,
    Round,
    Satisfaction,
    Contacted,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Proposals::Table)
                .col(big_pk_auto(Proposals::Id))
                .col(big_integer(Proposals::CommitteeId))
                .col(big_integer_null(Proposals::SessionId))
                .col(string_len(Proposals::Kind, 16))
                .col(string_len(Proposals::Title, 200))
                .col(text(Proposals::Body))
                .col(string_len(Proposals::SubmitterKind, 16))
                .col(string_len(Proposals::SubmitterName, 64).default(""))
                .col(string_len(Proposals::SuggestedUnits, 400).default(""))
                .col(string_len(Proposals::State, 24))
                .col(integer_null(Proposals::Seq))
                .col(string_len_null(Proposals::Number, 32))
                .col(big_integer_null(Proposals::HostId))
                .col(text_null(Proposals::Reason))
                .col(boolean(Proposals::KeyProposal).default(false))
                .col(boolean(Proposals::Disclose).default(false))
                .col(string_len_null(Proposals::Mode, 16))
                .col(date_null(Proposals::AssignedAt))
                .col(date_null(Proposals::Deadline))
                .col(integer(Proposals::Rehandled).default(0))
                .col(big_integer_null(Proposals::CreatedBy))
                .col(timestamp_with_time_zone_null(Proposals::SubmittedAt))
                .col(timestamp_with_time_zone_null(Proposals::FiledAt))
                .col(timestamp_with_time_zone_null(Proposals::AnsweredAt))
                .col(timestamp_with_time_zone_null(Proposals::ConcludedAt))
                .col(timestamp_with_time_zone(Proposals::CreatedAt))
                .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Proposals::Table, Proposals::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(Proposals::Table, Proposals::SessionId).to(Plenaries::Table, Plenaries::Id))
                .foreign_key(ForeignKey::create().from(Proposals::Table, Proposals::HostId).to(Proposals::Table, Proposals::Id))
                .foreign_key(ForeignKey::create().from(Proposals::Table, Proposals::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        // The guarantee behind numbering: one number per session, whatever the concurrency.
        index(m, "ux_proposals_seq", Proposals::Table, &["committee_id", "session_id", "seq"], true).await?;
        index(m, "ix_proposals_state", Proposals::Table, &["committee_id", "state", "id"], false).await?;
        index(m, "ix_proposals_submitted", Proposals::Table, &["committee_id", "submitted_at"], false).await?;
        index(m, "ix_proposals_host", Proposals::Table, &["host_id"], false).await?;

        m.create_table(
            Table::create()
                .table(ProposalSigners::Table)
                .col(big_integer(ProposalSigners::ProposalId))
                .col(big_integer(ProposalSigners::MemberId))
                .col(integer(ProposalSigners::Position))
                .col(timestamp_with_time_zone_null(ProposalSigners::ConfirmedAt))
                .primary_key(Index::create().col(ProposalSigners::ProposalId).col(ProposalSigners::MemberId))
                .foreign_key(
                    ForeignKey::create().from(ProposalSigners::Table, ProposalSigners::ProposalId).to(Proposals::Table, Proposals::Id).on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(ForeignKey::create().from(ProposalSigners::Table, ProposalSigners::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_proposal_signers_member", ProposalSigners::Table, &["member_id", "proposal_id"], false).await?;

        m.create_table(
            Table::create()
                .table(ProposalParts::Table)
                .col(big_pk_auto(ProposalParts::Id))
                .col(big_integer(ProposalParts::ProposalId))
                .col(big_integer(ProposalParts::UnitId))
                .col(string_len(ProposalParts::Role, 16))
                .col(string_len(ProposalParts::State, 16))
                .col(string_len_null(ProposalParts::Class, 1))
                .col(text_null(ProposalParts::Reply))
                .col(date(ProposalParts::Deadline))
                .col(timestamp_with_time_zone_null(ProposalParts::RepliedAt))
                .col(timestamp_with_time_zone_null(ProposalParts::ApprovedAt))
                .col(timestamp_with_time_zone(ProposalParts::CreatedAt))
                .foreign_key(ForeignKey::create().from(ProposalParts::Table, ProposalParts::ProposalId).to(Proposals::Table, Proposals::Id))
                .foreign_key(ForeignKey::create().from(ProposalParts::Table, ProposalParts::UnitId).to(Units::Table, Units::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_proposal_parts_proposal", ProposalParts::Table, &["proposal_id", "id"], false).await?;
        index(m, "ix_proposal_parts_unit", ProposalParts::Table, &["unit_id", "state", "deadline"], false).await?;

        m.create_table(
            Table::create()
                .table(ProposalRatings::Table)
                .col(big_pk_auto(ProposalRatings::Id))
                .col(big_integer(ProposalRatings::ProposalId))
                .col(big_integer(ProposalRatings::MemberId))
                .col(integer(ProposalRatings::Round))
                .col(string_len(ProposalRatings::Satisfaction, 24))
                .col(boolean(ProposalRatings::Contacted))
                .col(timestamp_with_time_zone(ProposalRatings::At))
                .foreign_key(ForeignKey::create().from(ProposalRatings::Table, ProposalRatings::ProposalId).to(Proposals::Table, Proposals::Id))
                .foreign_key(ForeignKey::create().from(ProposalRatings::Table, ProposalRatings::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ux_proposal_ratings", ProposalRatings::Table, &["proposal_id", "round", "member_id"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["proposal_ratings", "proposal_parts", "proposal_signers", "proposals"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}
