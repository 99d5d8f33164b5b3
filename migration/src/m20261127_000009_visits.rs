//! 走访: visits by leaders, members and staff, who went (member records), and the demands a
//! visit raised (demands.visit_id).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Members, Places, Users, index};

#[derive(DeriveIden)]
enum Visits {
    Table,
    Id,
    CommitteeId,
    OnDate,
    Kind,
    WhomKind,
    People,
    Names,
    PlaceId,
    StaffNames,
    Heard,
    FollowUp,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VisitVisitors {
    Table,
    VisitId,
    MemberId,
}

#[derive(DeriveIden)]
enum Demands {
    Table,
    VisitId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Visits::Table)
                .col(big_pk_auto(Visits::Id))
                .col(big_integer(Visits::CommitteeId))
                .col(date(Visits::OnDate))
                .col(string_len(Visits::Kind, 16))
                .col(string_len(Visits::WhomKind, 16))
                .col(integer(Visits::People))
                .col(string_len(Visits::Names, 400).default(""))
                .col(big_integer_null(Visits::PlaceId))
                .col(string_len(Visits::StaffNames, 200).default(""))
                .col(text(Visits::Heard))
                .col(text(Visits::FollowUp).default(""))
                .col(big_integer_null(Visits::CreatedBy))
                .col(timestamp_with_time_zone(Visits::CreatedAt))
                .col(timestamp_with_time_zone(Visits::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Visits::Table, Visits::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(Visits::Table, Visits::PlaceId).to(Places::Table, Places::Id))
                .foreign_key(ForeignKey::create().from(Visits::Table, Visits::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VisitVisitors::Table)
                .col(big_integer(VisitVisitors::VisitId))
                .col(big_integer(VisitVisitors::MemberId))
                .primary_key(Index::create().col(VisitVisitors::VisitId).col(VisitVisitors::MemberId))
                .foreign_key(ForeignKey::create().from(VisitVisitors::Table, VisitVisitors::VisitId).to(Visits::Table, Visits::Id))
                .foreign_key(ForeignKey::create().from(VisitVisitors::Table, VisitVisitors::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_visits_committee_date", Visits::Table, &["committee_id", "on_date", "id"], false).await?;
        // A member's visits (file page, field days) without scanning the committee's.
        index(m, "ix_visit_visitors_member", VisitVisitors::Table, &["member_id", "visit_id"], false).await?;
        // SQLite adds a column without a foreign key; the store links only the committee's visits.
        m.alter_table(Table::alter().table(Demands::Table).add_column(big_integer_null(Demands::VisitId)).to_owned()).await?;
        index(m, "ix_demands_visit", Demands::Table, &["visit_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_demands_visit").table(Demands::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Demands::Table).drop_column(Demands::VisitId).to_owned()).await?;
        m.drop_table(Table::drop().table(VisitVisitors::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Visits::Table).to_owned()).await
    }
}
