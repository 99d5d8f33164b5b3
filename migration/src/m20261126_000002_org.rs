//! The organization: sectors (界别), places (镇街 → 社区/村), groups (联组 → 小组), handling units
//! (承办单位, extended), terms and plenary sessions, and members (委员) with their groups.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Committees {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sectors {
    Table,
    Id,
    CommitteeId,
    Name,
    Sort,
    Retired,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Places {
    Table,
    Id,
    CommitteeId,
    ParentId,
    Name,
    Kind,
    Retired,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    CommitteeId,
    ParentId,
    PlaceId,
    Name,
    Retired,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Kind,
    Contact,
    Phone,
    Retired,
}

#[derive(DeriveIden)]
enum Terms {
    Table,
    Id,
    CommitteeId,
    Number,
    StartDate,
    EndDate,
}

#[derive(DeriveIden)]
enum Plenaries {
    Table,
    Id,
    TermId,
    Number,
    StartDate,
    EndDate,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
    CommitteeId,
    Name,
    Initials,
    Gender,
    BirthMonth,
    Ethnicity,
    Party,
    SectorId,
    PlaceId,
    Position,
    Employer,
    Mobile,
    Status,
    StatusSince,
    UserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MemberGroups {
    Table,
    MemberId,
    GroupId,
}

fn fk_committee<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(Committees::Table, Committees::Id).to_owned()
}


#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sectors::Table)
                .col(big_pk_auto(Sectors::Id))
                .col(big_integer(Sectors::CommitteeId))
                .col(string_len(Sectors::Name, 64))
                .col(integer(Sectors::Sort).default(0))
                .col(boolean(Sectors::Retired).default(false))
                .col(timestamp_with_time_zone(Sectors::CreatedAt))
                .foreign_key(&mut fk_committee(Sectors::Table, Sectors::CommitteeId))
                .to_owned(),
        )
        .await?;
        index(m, "ux_sectors_name", Sectors::Table, &["committee_id", "name"], true).await?;

        m.create_table(
            Table::create()
                .table(Places::Table)
                .col(big_pk_auto(Places::Id))
                .col(big_integer(Places::CommitteeId))
                .col(big_integer_null(Places::ParentId))
                .col(string_len(Places::Name, 64))
                .col(string_len(Places::Kind, 16))
                .col(boolean(Places::Retired).default(false))
                .col(timestamp_with_time_zone(Places::CreatedAt))
                .foreign_key(&mut fk_committee(Places::Table, Places::CommitteeId))
                .foreign_key(ForeignKey::create().from(Places::Table, Places::ParentId).to(Places::Table, Places::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ux_places_name", Places::Table, &["committee_id", "name"], true).await?;

        m.create_table(
            Table::create()
                .table(Groups::Table)
                .col(big_pk_auto(Groups::Id))
                .col(big_integer(Groups::CommitteeId))
                .col(big_integer_null(Groups::ParentId))
                .col(big_integer_null(Groups::PlaceId))
                .col(string_len(Groups::Name, 64))
                .col(boolean(Groups::Retired).default(false))
                .col(timestamp_with_time_zone(Groups::CreatedAt))
                .foreign_key(&mut fk_committee(Groups::Table, Groups::CommitteeId))
                .foreign_key(ForeignKey::create().from(Groups::Table, Groups::ParentId).to(Groups::Table, Groups::Id))
                .foreign_key(ForeignKey::create().from(Groups::Table, Groups::PlaceId).to(Places::Table, Places::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ux_groups_name", Groups::Table, &["committee_id", "name"], true).await?;

        // SQLite adds one column per ALTER TABLE.
        for col in [
            string_len(Units::Kind, 16).default("government").to_owned(),
            string_len_null(Units::Contact, 64),
            string_len_null(Units::Phone, 32),
            boolean(Units::Retired).default(false).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Units::Table).add_column(col).to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table(Terms::Table)
                .col(big_pk_auto(Terms::Id))
                .col(big_integer(Terms::CommitteeId))
                .col(integer(Terms::Number))
                .col(date(Terms::StartDate))
                .col(date_null(Terms::EndDate))
                .foreign_key(&mut fk_committee(Terms::Table, Terms::CommitteeId))
                .to_owned(),
        )
        .await?;
        index(m, "ux_terms_number", Terms::Table, &["committee_id", "number"], true).await?;

        m.create_table(
            Table::create()
                .table(Plenaries::Table)
                .col(big_pk_auto(Plenaries::Id))
                .col(big_integer(Plenaries::TermId))
                .col(integer(Plenaries::Number))
                .col(date(Plenaries::StartDate))
                .col(date(Plenaries::EndDate))
                .foreign_key(
                    ForeignKey::create()
                        .from(Plenaries::Table, Plenaries::TermId)
                        .to(Terms::Table, Terms::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(m, "ux_plenaries_number", Plenaries::Table, &["term_id", "number"], true).await?;

        m.create_table(
            Table::create()
                .table(Members::Table)
                .col(big_pk_auto(Members::Id))
                .col(big_integer(Members::CommitteeId))
                .col(string_len(Members::Name, 32))
                .col(string_len(Members::Initials, 32))
                .col(string_len_null(Members::Gender, 8))
                .col(string_len_null(Members::BirthMonth, 7))
                .col(string_len_null(Members::Ethnicity, 16))
                .col(string_len_null(Members::Party, 32))
                .col(big_integer(Members::SectorId))
                .col(big_integer_null(Members::PlaceId))
                .col(string_len(Members::Position, 24))
                .col(string_len_null(Members::Employer, 200))
                .col(string_len_null(Members::Mobile, 11))
                .col(string_len(Members::Status, 16))
                .col(date_null(Members::StatusSince))
                .col(big_integer_null(Members::UserId))
                .col(timestamp_with_time_zone(Members::CreatedAt))
                .col(timestamp_with_time_zone(Members::UpdatedAt))
                .foreign_key(&mut fk_committee(Members::Table, Members::CommitteeId))
                .foreign_key(ForeignKey::create().from(Members::Table, Members::SectorId).to(Sectors::Table, Sectors::Id))
                .foreign_key(ForeignKey::create().from(Members::Table, Members::PlaceId).to(Places::Table, Places::Id))
                .foreign_key(ForeignKey::create().from(Members::Table, Members::UserId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        // The list's filters and its order (status, then name) each have an index that matches.
        index(m, "ix_members_status_order", Members::Table, &["committee_id", "status", "initials", "name"], false).await?;
        index(m, "ix_members_sector", Members::Table, &["committee_id", "sector_id"], false).await?;
        index(m, "ix_members_place", Members::Table, &["committee_id", "place_id"], false).await?;
        index(m, "ix_members_initials", Members::Table, &["committee_id", "initials"], false).await?;
        index(m, "ix_members_name_mobile", Members::Table, &["committee_id", "name", "mobile"], false).await?;

        m.create_table(
            Table::create()
                .table(MemberGroups::Table)
                .col(big_integer(MemberGroups::MemberId))
                .col(big_integer(MemberGroups::GroupId))
                .primary_key(Index::create().col(MemberGroups::MemberId).col(MemberGroups::GroupId))
                .foreign_key(
                    ForeignKey::create()
                        .from(MemberGroups::Table, MemberGroups::MemberId)
                        .to(Members::Table, Members::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(ForeignKey::create().from(MemberGroups::Table, MemberGroups::GroupId).to(Groups::Table, Groups::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_member_groups_group", MemberGroups::Table, &["group_id", "member_id"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["member_groups", "members", "plenaries", "terms", "groups", "places", "sectors"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        for c in ["kind", "contact", "phone", "retired"] {
            m.alter_table(Table::alter().table(Units::Table).drop_column(Alias::new(c)).to_owned()).await?;
        }
        Ok(())
    }
}
