//! 活动: study, training, volunteering, assistance and the other activities of the committee,
//! with their participants' attendance (and leave requests) and the figures they report.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Groups, Members, Places, Users, index};

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    CommitteeId,
    Kind,
    Title,
    Organiser,
    GroupId,
    OnDate,
    EndDate,
    PlaceId,
    Address,
    Description,
    PeopleServed,
    Volunteers,
    Households,
    FundsFen,
    ItemsGiven,
    ItemsCount,
    SignInCode,
    Shared,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActivityParticipants {
    Table,
    ActivityId,
    MemberId,
    Attendance,
    LeaveReason,
    LeaveStatus,
    SignedInAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Activities::Table)
                .col(big_pk_auto(Activities::Id))
                .col(big_integer(Activities::CommitteeId))
                .col(string_len(Activities::Kind, 24))
                .col(string_len(Activities::Title, 200))
                .col(string_len(Activities::Organiser, 100).default(""))
                .col(big_integer_null(Activities::GroupId))
                .col(date(Activities::OnDate))
                .col(date(Activities::EndDate))
                .col(big_integer_null(Activities::PlaceId))
                .col(string_len(Activities::Address, 200).default(""))
                .col(text(Activities::Description).default(""))
                .col(integer(Activities::PeopleServed).default(0))
                // Volunteers mobilised beyond the members taking part (citizens, staff).
                .col(integer(Activities::Volunteers).default(0))
                .col(integer(Activities::Households).default(0))
                // Money as whole fen, so sums are exact.
                .col(big_integer(Activities::FundsFen).default(0))
                .col(string_len(Activities::ItemsGiven, 100).default(""))
                .col(big_integer(Activities::ItemsCount).default(0))
                .col(string_len_uniq(Activities::SignInCode, 32))
                .col(boolean(Activities::Shared).default(false))
                .col(big_integer_null(Activities::CreatedBy))
                .col(timestamp_with_time_zone(Activities::CreatedAt))
                .col(timestamp_with_time_zone(Activities::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Activities::Table, Activities::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(Activities::Table, Activities::GroupId).to(Groups::Table, Groups::Id))
                .foreign_key(ForeignKey::create().from(Activities::Table, Activities::PlaceId).to(Places::Table, Places::Id))
                .foreign_key(ForeignKey::create().from(Activities::Table, Activities::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ActivityParticipants::Table)
                .col(big_integer(ActivityParticipants::ActivityId))
                .col(big_integer(ActivityParticipants::MemberId))
                .col(string_len(ActivityParticipants::Attendance, 16))
                .col(string_len(ActivityParticipants::LeaveReason, 200).default(""))
                .col(string_len(ActivityParticipants::LeaveStatus, 16).default(""))
                .col(timestamp_with_time_zone_null(ActivityParticipants::SignedInAt))
                .primary_key(Index::create().col(ActivityParticipants::ActivityId).col(ActivityParticipants::MemberId))
                .foreign_key(ForeignKey::create().from(ActivityParticipants::Table, ActivityParticipants::ActivityId).to(Activities::Table, Activities::Id))
                .foreign_key(ForeignKey::create().from(ActivityParticipants::Table, ActivityParticipants::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_activities_committee_date", Activities::Table, &["committee_id", "on_date", "id"], false).await?;
        index(m, "ix_activity_participants_member", ActivityParticipants::Table, &["member_id", "activity_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ActivityParticipants::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Activities::Table).to_owned()).await
    }
}
