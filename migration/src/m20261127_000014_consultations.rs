//! 协商: the year's plans, consultations from topic to minutes, their participants, the research
//! that prepared them, agreed outcomes handed to units, leaders' instructions on the report, and
//! the online deliberation before the meeting (opinions, statements, one vote per person per
//! statement — the primary key makes it so under concurrent votes).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Members, Places, Units, Users, index};

#[derive(DeriveIden)]
enum ConsultationPlans {
    Table,
    Id,
    CommitteeId,
    Year,
    State,
    Note,
    ApprovedBy,
    ApprovedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
    CommitteeId,
    Kind,
    Source,
    State,
    Title,
    Topic,
    SuggestedBy,
    SuggesterPhone,
    SuggesterMemberId,
    PlanYear,
    PlaceId,
    Address,
    Format,
    MeetingOn,
    NoticeSentOn,
    MaterialsSentOn,
    HeldOn,
    Briefing,
    Questions,
    Answers,
    Statements,
    MinutesIssuedOn,
    ClosedOn,
    DeclineReason,
    DeliberationOpen,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsultationParticipants {
    Table,
    Id,
    ConsultationId,
    Kind,
    MemberId,
    UnitId,
    Name,
    Attendance,
}

#[derive(DeriveIden)]
enum ConsultationLinks {
    Table,
    ConsultationId,
    ItemType,
    ItemId,
}

#[derive(DeriveIden)]
enum ConsultationOutcomes {
    Table,
    Id,
    ConsultationId,
    CommitteeId,
    Action,
    UnitId,
    Deadline,
    State,
    Progress,
    Reason,
    Satisfaction,
    DoneOn,
    CheckedOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsultationInstructions {
    Table,
    Id,
    ConsultationId,
    Level,
    ByWhom,
    OnDate,
    Summary,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DeliberationStatements {
    Table,
    Id,
    ConsultationId,
    Body,
    AuthorKey,
    AuthorName,
    Hidden,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DeliberationOpinions {
    Table,
    Id,
    ConsultationId,
    Body,
    AuthorKey,
    AuthorName,
    Hidden,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DeliberationVotes {
    Table,
    StatementId,
    VoterKey,
    ConsultationId,
    Vote,
    VotedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ConsultationPlans::Table)
                .col(big_pk_auto(ConsultationPlans::Id))
                .col(big_integer(ConsultationPlans::CommitteeId))
                .col(integer(ConsultationPlans::Year))
                .col(string_len(ConsultationPlans::State, 16))
                .col(text(ConsultationPlans::Note).default(""))
                .col(big_integer_null(ConsultationPlans::ApprovedBy))
                .col(timestamp_with_time_zone_null(ConsultationPlans::ApprovedAt))
                .col(timestamp_with_time_zone(ConsultationPlans::UpdatedAt))
                .foreign_key(ForeignKey::create().from(ConsultationPlans::Table, ConsultationPlans::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(ConsultationPlans::Table, ConsultationPlans::ApprovedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ux_consultation_plans_year", ConsultationPlans::Table, &["committee_id", "year"], true).await?;

        m.create_table(
            Table::create()
                .table(Consultations::Table)
                .col(big_pk_auto(Consultations::Id))
                .col(big_integer(Consultations::CommitteeId))
                .col(string_len(Consultations::Kind, 16))
                .col(string_len(Consultations::Source, 24))
                .col(string_len(Consultations::State, 16))
                .col(string_len(Consultations::Title, 200))
                .col(text(Consultations::Topic))
                .col(string_len(Consultations::SuggestedBy, 100).default(""))
                .col(string_len(Consultations::SuggesterPhone, 20).default(""))
                .col(big_integer_null(Consultations::SuggesterMemberId))
                .col(integer_null(Consultations::PlanYear))
                .col(big_integer_null(Consultations::PlaceId))
                .col(string_len(Consultations::Address, 200).default(""))
                .col(string_len(Consultations::Format, 100).default(""))
                .col(date_null(Consultations::MeetingOn))
                .col(date_null(Consultations::NoticeSentOn))
                .col(date_null(Consultations::MaterialsSentOn))
                .col(date_null(Consultations::HeldOn))
                .col(text(Consultations::Briefing).default(""))
                .col(text(Consultations::Questions).default(""))
                .col(text(Consultations::Answers).default(""))
                .col(text(Consultations::Statements).default(""))
                .col(date_null(Consultations::MinutesIssuedOn))
                .col(date_null(Consultations::ClosedOn))
                .col(text(Consultations::DeclineReason).default(""))
                .col(boolean(Consultations::DeliberationOpen).default(false))
                .col(big_integer_null(Consultations::CreatedBy))
                .col(timestamp_with_time_zone(Consultations::CreatedAt))
                .col(timestamp_with_time_zone(Consultations::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Consultations::Table, Consultations::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(Consultations::Table, Consultations::PlaceId).to(Places::Table, Places::Id))
                .foreign_key(ForeignKey::create().from(Consultations::Table, Consultations::SuggesterMemberId).to(Members::Table, Members::Id))
                .foreign_key(ForeignKey::create().from(Consultations::Table, Consultations::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        // Lists newest first; the statistics count consultations held in a period.
        index(m, "ix_consultations_committee", Consultations::Table, &["committee_id", "id"], false).await?;
        index(m, "ix_consultations_held", Consultations::Table, &["committee_id", "held_on"], false).await?;
        index(m, "ix_consultations_state", Consultations::Table, &["committee_id", "state", "id"], false).await?;

        m.create_table(
            Table::create()
                .table(ConsultationParticipants::Table)
                .col(big_pk_auto(ConsultationParticipants::Id))
                .col(big_integer(ConsultationParticipants::ConsultationId))
                .col(string_len(ConsultationParticipants::Kind, 16))
                .col(big_integer_null(ConsultationParticipants::MemberId))
                .col(big_integer_null(ConsultationParticipants::UnitId))
                .col(string_len(ConsultationParticipants::Name, 100).default(""))
                .col(string_len(ConsultationParticipants::Attendance, 16))
                .foreign_key(ForeignKey::create().from(ConsultationParticipants::Table, ConsultationParticipants::ConsultationId).to(Consultations::Table, Consultations::Id))
                .foreign_key(ForeignKey::create().from(ConsultationParticipants::Table, ConsultationParticipants::MemberId).to(Members::Table, Members::Id))
                .foreign_key(ForeignKey::create().from(ConsultationParticipants::Table, ConsultationParticipants::UnitId).to(Units::Table, Units::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_consultation_participants", ConsultationParticipants::Table, &["consultation_id", "id"], false).await?;
        // A member's consultations (member file, evaluation).
        index(m, "ix_consultation_participants_member", ConsultationParticipants::Table, &["member_id", "consultation_id"], false).await?;

        m.create_table(
            Table::create()
                .table(ConsultationLinks::Table)
                .col(big_integer(ConsultationLinks::ConsultationId))
                .col(string_len(ConsultationLinks::ItemType, 24))
                .col(big_integer(ConsultationLinks::ItemId))
                .primary_key(Index::create().col(ConsultationLinks::ConsultationId).col(ConsultationLinks::ItemType).col(ConsultationLinks::ItemId))
                .foreign_key(ForeignKey::create().from(ConsultationLinks::Table, ConsultationLinks::ConsultationId).to(Consultations::Table, Consultations::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ConsultationOutcomes::Table)
                .col(big_pk_auto(ConsultationOutcomes::Id))
                .col(big_integer(ConsultationOutcomes::ConsultationId))
                .col(big_integer(ConsultationOutcomes::CommitteeId))
                .col(text(ConsultationOutcomes::Action))
                .col(big_integer(ConsultationOutcomes::UnitId))
                .col(date(ConsultationOutcomes::Deadline))
                .col(string_len(ConsultationOutcomes::State, 16))
                .col(text(ConsultationOutcomes::Progress).default(""))
                .col(text(ConsultationOutcomes::Reason).default(""))
                .col(string_len_null(ConsultationOutcomes::Satisfaction, 24))
                .col(date_null(ConsultationOutcomes::DoneOn))
                .col(date_null(ConsultationOutcomes::CheckedOn))
                .col(timestamp_with_time_zone(ConsultationOutcomes::CreatedAt))
                .col(timestamp_with_time_zone(ConsultationOutcomes::UpdatedAt))
                .foreign_key(ForeignKey::create().from(ConsultationOutcomes::Table, ConsultationOutcomes::ConsultationId).to(Consultations::Table, Consultations::Id))
                .foreign_key(ForeignKey::create().from(ConsultationOutcomes::Table, ConsultationOutcomes::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(ConsultationOutcomes::Table, ConsultationOutcomes::UnitId).to(Units::Table, Units::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_consultation_outcomes", ConsultationOutcomes::Table, &["consultation_id", "id"], false).await?;
        // A unit's inbox of outcomes, soonest deadline first.
        index(m, "ix_consultation_outcomes_unit", ConsultationOutcomes::Table, &["unit_id", "state", "deadline"], false).await?;

        m.create_table(
            Table::create()
                .table(ConsultationInstructions::Table)
                .col(big_pk_auto(ConsultationInstructions::Id))
                .col(big_integer(ConsultationInstructions::ConsultationId))
                .col(string_len(ConsultationInstructions::Level, 16))
                .col(string_len(ConsultationInstructions::ByWhom, 100))
                .col(date(ConsultationInstructions::OnDate))
                .col(text(ConsultationInstructions::Summary))
                .col(big_integer_null(ConsultationInstructions::CreatedBy))
                .col(timestamp_with_time_zone(ConsultationInstructions::CreatedAt))
                .foreign_key(ForeignKey::create().from(ConsultationInstructions::Table, ConsultationInstructions::ConsultationId).to(Consultations::Table, Consultations::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_consultation_instructions", ConsultationInstructions::Table, &["consultation_id", "id"], false).await?;

        m.create_table(
            Table::create()
                .table(DeliberationStatements::Table)
                .col(big_pk_auto(DeliberationStatements::Id))
                .col(big_integer(DeliberationStatements::ConsultationId))
                .col(string_len(DeliberationStatements::Body, 400))
                .col(string_len(DeliberationStatements::AuthorKey, 80))
                .col(string_len(DeliberationStatements::AuthorName, 100).default(""))
                .col(boolean(DeliberationStatements::Hidden).default(false))
                .col(timestamp_with_time_zone(DeliberationStatements::CreatedAt))
                .foreign_key(ForeignKey::create().from(DeliberationStatements::Table, DeliberationStatements::ConsultationId).to(Consultations::Table, Consultations::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_deliberation_statements", DeliberationStatements::Table, &["consultation_id", "id"], false).await?;

        m.create_table(
            Table::create()
                .table(DeliberationOpinions::Table)
                .col(big_pk_auto(DeliberationOpinions::Id))
                .col(big_integer(DeliberationOpinions::ConsultationId))
                .col(text(DeliberationOpinions::Body))
                .col(string_len(DeliberationOpinions::AuthorKey, 80))
                .col(string_len(DeliberationOpinions::AuthorName, 100).default(""))
                .col(boolean(DeliberationOpinions::Hidden).default(false))
                .col(timestamp_with_time_zone(DeliberationOpinions::CreatedAt))
                .foreign_key(ForeignKey::create().from(DeliberationOpinions::Table, DeliberationOpinions::ConsultationId).to(Consultations::Table, Consultations::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_deliberation_opinions", DeliberationOpinions::Table, &["consultation_id", "id"], false).await?;

        m.create_table(
            Table::create()
                .table(DeliberationVotes::Table)
                .col(big_integer(DeliberationVotes::StatementId))
                .col(string_len(DeliberationVotes::VoterKey, 80))
                .col(big_integer(DeliberationVotes::ConsultationId))
                .col(string_len(DeliberationVotes::Vote, 16))
                .col(timestamp_with_time_zone(DeliberationVotes::VotedAt))
                .primary_key(Index::create().col(DeliberationVotes::StatementId).col(DeliberationVotes::VoterKey))
                .foreign_key(ForeignKey::create().from(DeliberationVotes::Table, DeliberationVotes::StatementId).to(DeliberationStatements::Table, DeliberationStatements::Id))
                .foreign_key(ForeignKey::create().from(DeliberationVotes::Table, DeliberationVotes::ConsultationId).to(Consultations::Table, Consultations::Id))
                .to_owned(),
        )
        .await?;
        // The vote matrix of one consultation in one read.
        index(m, "ix_deliberation_votes_consultation", DeliberationVotes::Table, &["consultation_id", "voter_key"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            DeliberationVotes::Table.into_iden(),
            DeliberationOpinions::Table.into_iden(),
            DeliberationStatements::Table.into_iden(),
            ConsultationInstructions::Table.into_iden(),
            ConsultationOutcomes::Table.into_iden(),
            ConsultationLinks::Table.into_iden(),
            ConsultationParticipants::Table.into_iden(),
            Consultations::Table.into_iden(),
            ConsultationPlans::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
