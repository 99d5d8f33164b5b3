//! 联系点: liaison targets (party-building sites, key projects, petition cases), the leaders and
//! members assigned to them, and their contact log (who went, what was done, the visit if one
//! was logged).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Members, Places, Users, index};

#[derive(DeriveIden)]
enum LiaisonTargets {
    Table,
    Id,
    CommitteeId,
    Kind,
    Name,
    PlaceId,
    Description,
    Status,
    StartedOn,
    EndedOn,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LiaisonAssignees {
    Table,
    TargetId,
    MemberId,
}

#[derive(DeriveIden)]
enum LiaisonContacts {
    Table,
    Id,
    TargetId,
    OnDate,
    Note,
    VisitId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LiaisonContactMembers {
    Table,
    ContactId,
    MemberId,
}

#[derive(DeriveIden)]
enum Visits {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LiaisonTargets::Table)
                .col(big_pk_auto(LiaisonTargets::Id))
                .col(big_integer(LiaisonTargets::CommitteeId))
                .col(string_len(LiaisonTargets::Kind, 16))
                .col(string_len(LiaisonTargets::Name, 200))
                .col(big_integer_null(LiaisonTargets::PlaceId))
                .col(text(LiaisonTargets::Description).default(""))
                .col(string_len(LiaisonTargets::Status, 16))
                .col(date(LiaisonTargets::StartedOn))
                .col(date_null(LiaisonTargets::EndedOn))
                .col(big_integer_null(LiaisonTargets::CreatedBy))
                .col(timestamp_with_time_zone(LiaisonTargets::CreatedAt))
                .col(timestamp_with_time_zone(LiaisonTargets::UpdatedAt))
                .foreign_key(ForeignKey::create().from(LiaisonTargets::Table, LiaisonTargets::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(LiaisonTargets::Table, LiaisonTargets::PlaceId).to(Places::Table, Places::Id))
                .foreign_key(ForeignKey::create().from(LiaisonTargets::Table, LiaisonTargets::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LiaisonAssignees::Table)
                .col(big_integer(LiaisonAssignees::TargetId))
                .col(big_integer(LiaisonAssignees::MemberId))
                .primary_key(Index::create().col(LiaisonAssignees::TargetId).col(LiaisonAssignees::MemberId))
                .foreign_key(ForeignKey::create().from(LiaisonAssignees::Table, LiaisonAssignees::TargetId).to(LiaisonTargets::Table, LiaisonTargets::Id))
                .foreign_key(ForeignKey::create().from(LiaisonAssignees::Table, LiaisonAssignees::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LiaisonContacts::Table)
                .col(big_pk_auto(LiaisonContacts::Id))
                .col(big_integer(LiaisonContacts::TargetId))
                .col(date(LiaisonContacts::OnDate))
                .col(text(LiaisonContacts::Note))
                .col(big_integer_null(LiaisonContacts::VisitId))
                .col(big_integer_null(LiaisonContacts::CreatedBy))
                .col(timestamp_with_time_zone(LiaisonContacts::CreatedAt))
                .foreign_key(ForeignKey::create().from(LiaisonContacts::Table, LiaisonContacts::TargetId).to(LiaisonTargets::Table, LiaisonTargets::Id))
                .foreign_key(ForeignKey::create().from(LiaisonContacts::Table, LiaisonContacts::VisitId).to(Visits::Table, Visits::Id))
                .foreign_key(ForeignKey::create().from(LiaisonContacts::Table, LiaisonContacts::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LiaisonContactMembers::Table)
                .col(big_integer(LiaisonContactMembers::ContactId))
                .col(big_integer(LiaisonContactMembers::MemberId))
                .primary_key(Index::create().col(LiaisonContactMembers::ContactId).col(LiaisonContactMembers::MemberId))
                .foreign_key(ForeignKey::create().from(LiaisonContactMembers::Table, LiaisonContactMembers::ContactId).to(LiaisonContacts::Table, LiaisonContacts::Id))
                .foreign_key(ForeignKey::create().from(LiaisonContactMembers::Table, LiaisonContactMembers::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        // The list filters by kind and status within a committee, newest first.
        index(m, "ix_liaison_targets_committee_kind", LiaisonTargets::Table, &["committee_id", "kind", "status", "id"], false).await?;
        index(m, "ix_liaison_targets_committee_place", LiaisonTargets::Table, &["committee_id", "place_id"], false).await?;
        // "我联系的": a member's targets without scanning the committee's.
        index(m, "ix_liaison_assignees_member", LiaisonAssignees::Table, &["member_id", "target_id"], false).await?;
        index(m, "ix_liaison_contacts_target", LiaisonContacts::Table, &["target_id", "on_date", "id"], false).await?;
        index(m, "ix_liaison_contacts_visit", LiaisonContacts::Table, &["visit_id"], false).await?;
        index(m, "ix_liaison_contact_members_member", LiaisonContactMembers::Table, &["member_id", "contact_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LiaisonContactMembers::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(LiaisonContacts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(LiaisonAssignees::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(LiaisonTargets::Table).to_owned()).await
    }
}
