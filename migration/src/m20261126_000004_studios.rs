//! Member studios (委员工作室) with their members and duty rosters, reception sessions, and what
//! demands gained with them: the studio and reception they came through, the online-studio
//! conversation, photos (in the shared attachments table), configurable categories and the link
//! to the item a demand was converted into.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{index, Committees, Members, Users, Places, Groups};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Studios {
    Table,
    Id,
    CommitteeId,
    Name,
    Kind,
    GroupId,
    PlaceId,
    Address,
    Room,
    Phone,
    Hours,
    ReceptionDays,
    Intro,
    Retired,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StudioMembers {
    Table,
    StudioId,
    MemberId,
}

#[derive(DeriveIden)]
enum Duties {
    Table,
    Id,
    StudioId,
    Day,
    MemberId,
}

#[derive(DeriveIden)]
enum Receptions {
    Table,
    Id,
    CommitteeId,
    StudioId,
    HeldOn,
    PlaceId,
    CitizensReceived,
    Notes,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReceptionMembers {
    Table,
    ReceptionId,
    MemberId,
}

#[derive(DeriveIden)]
enum DemandMessages {
    Table,
    Id,
    CommitteeId,
    DemandId,
    AuthorKind,
    AuthorId,
    AuthorName,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    CommitteeId,
    ItemType,
    ItemId,
    Mime,
    Orientation,
    Width,
    Height,
    Size,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DemandCategories {
    Table,
    Id,
    CommitteeId,
    Name,
    Sort,
    Retired,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Demands {
    Table,
    StudioId,
    ReceptionId,
    ConvertedKind,
    ConvertedId,
}

/// The categories every committee starts with; staff edit the list afterwards.
const DEFAULT_CATEGORIES: [&str; 8] = ["城市管理", "教育", "医疗卫生", "社会保障", "交通出行", "环境保护", "社区服务", "其他"];

fn fk_committee<T: IntoIden + 'static>(table: T, col: T) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(Committees::Table, Committees::Id).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        studios(m).await?;
        receptions(m).await?;
        demand_parts(m).await?;
        categories(m).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["studio_id", "reception_id", "converted_kind", "converted_id"] {
            m.alter_table(Table::alter().table(Demands::Table).drop_column(Alias::new(c)).to_owned()).await?;
        }
        for t in ["demand_categories", "attachments", "demand_messages", "reception_members", "receptions", "duties", "studio_members", "studios"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}

async fn studios(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Studios::Table)
            .col(big_pk_auto(Studios::Id))
            .col(big_integer(Studios::CommitteeId))
            .col(string_len(Studios::Name, 64))
            .col(string_len(Studios::Kind, 16))
            .col(big_integer_null(Studios::GroupId))
            .col(big_integer_null(Studios::PlaceId))
            .col(string_len(Studios::Address, 128).default(""))
            .col(string_len(Studios::Room, 64).default(""))
            .col(string_len(Studios::Phone, 32).default(""))
            .col(string_len(Studios::Hours, 16).default(""))
            .col(string_len(Studios::ReceptionDays, 128).default(""))
            .col(text(Studios::Intro))
            .col(boolean(Studios::Retired).default(false))
            .col(timestamp_with_time_zone(Studios::CreatedAt))
            .col(timestamp_with_time_zone(Studios::UpdatedAt))
            .foreign_key(&mut fk_committee(Studios::Table, Studios::CommitteeId))
            .foreign_key(ForeignKey::create().from(Studios::Table, Studios::GroupId).to(Groups::Table, Groups::Id))
            .foreign_key(ForeignKey::create().from(Studios::Table, Studios::PlaceId).to(Places::Table, Places::Id))
            .to_owned(),
    )
    .await?;
    index(m, "ux_studios_name", Studios::Table, &["committee_id", "name"], true).await?;

    m.create_table(
        Table::create()
            .table(StudioMembers::Table)
            .col(big_integer(StudioMembers::StudioId))
            .col(big_integer(StudioMembers::MemberId))
            .primary_key(Index::create().col(StudioMembers::StudioId).col(StudioMembers::MemberId))
            .foreign_key(ForeignKey::create().from(StudioMembers::Table, StudioMembers::StudioId).to(Studios::Table, Studios::Id).on_delete(ForeignKeyAction::Cascade))
            .foreign_key(ForeignKey::create().from(StudioMembers::Table, StudioMembers::MemberId).to(Members::Table, Members::Id))
            .to_owned(),
    )
    .await?;
    index(m, "ix_studio_members_member", StudioMembers::Table, &["member_id", "studio_id"], false).await?;

    m.create_table(
        Table::create()
            .table(Duties::Table)
            .col(big_pk_auto(Duties::Id))
            .col(big_integer(Duties::StudioId))
            .col(date(Duties::Day))
            .col(big_integer(Duties::MemberId))
            .foreign_key(ForeignKey::create().from(Duties::Table, Duties::StudioId).to(Studios::Table, Studios::Id).on_delete(ForeignKeyAction::Cascade))
            .foreign_key(ForeignKey::create().from(Duties::Table, Duties::MemberId).to(Members::Table, Members::Id))
            .to_owned(),
    )
    .await?;
    index(m, "ux_duties", Duties::Table, &["studio_id", "day", "member_id"], true).await?;
    index(m, "ix_duties_member", Duties::Table, &["member_id", "day"], false).await
}

async fn receptions(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Receptions::Table)
            .col(big_pk_auto(Receptions::Id))
            .col(big_integer(Receptions::CommitteeId))
            .col(big_integer(Receptions::StudioId))
            .col(date(Receptions::HeldOn))
            .col(big_integer_null(Receptions::PlaceId))
            .col(integer(Receptions::CitizensReceived))
            .col(text(Receptions::Notes))
            .col(big_integer_null(Receptions::CreatedBy))
            .col(timestamp_with_time_zone(Receptions::CreatedAt))
            .foreign_key(&mut fk_committee(Receptions::Table, Receptions::CommitteeId))
            .foreign_key(ForeignKey::create().from(Receptions::Table, Receptions::StudioId).to(Studios::Table, Studios::Id))
            .foreign_key(ForeignKey::create().from(Receptions::Table, Receptions::PlaceId).to(Places::Table, Places::Id))
            .foreign_key(ForeignKey::create().from(Receptions::Table, Receptions::CreatedBy).to(Users::Table, Users::Id))
            .to_owned(),
    )
    .await?;
    index(m, "ix_receptions_held", Receptions::Table, &["committee_id", "held_on"], false).await?;
    index(m, "ix_receptions_studio", Receptions::Table, &["studio_id", "held_on"], false).await?;

    m.create_table(
        Table::create()
            .table(ReceptionMembers::Table)
            .col(big_integer(ReceptionMembers::ReceptionId))
            .col(big_integer(ReceptionMembers::MemberId))
            .primary_key(Index::create().col(ReceptionMembers::ReceptionId).col(ReceptionMembers::MemberId))
            .foreign_key(
                ForeignKey::create().from(ReceptionMembers::Table, ReceptionMembers::ReceptionId).to(Receptions::Table, Receptions::Id).on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(ForeignKey::create().from(ReceptionMembers::Table, ReceptionMembers::MemberId).to(Members::Table, Members::Id))
            .to_owned(),
    )
    .await?;
    index(m, "ix_reception_members_member", ReceptionMembers::Table, &["member_id", "reception_id"], false).await
}

async fn demand_parts(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    // SQLite adds one column per ALTER and cannot add a foreign key to an existing table, so the
    // links get their constraints only on PostgreSQL; the store writes them from checked ids.
    let cols = [
        big_integer_null(Demands::StudioId),
        big_integer_null(Demands::ReceptionId),
        string_len_null(Demands::ConvertedKind, 24),
        big_integer_null(Demands::ConvertedId),
    ];
    for c in cols {
        m.alter_table(Table::alter().table(Alias::new("demands")).add_column(c).to_owned()).await?;
    }
    if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        for (name, col, to) in [("fk_demands_studio", "studio_id", "studios"), ("fk_demands_reception", "reception_id", "receptions")] {
            m.create_foreign_key(ForeignKey::create().name(name).from(Alias::new("demands"), Alias::new(col)).to(Alias::new(to), Alias::new("id")).to_owned()).await?;
        }
    }
    index(m, "ix_demands_studio", Alias::new("demands"), &["studio_id", "created_at"], false).await?;
    index(m, "ix_demands_reception", Alias::new("demands"), &["reception_id"], false).await?;

    m.create_table(
        Table::create()
            .table(DemandMessages::Table)
            .col(big_pk_auto(DemandMessages::Id))
            .col(big_integer(DemandMessages::CommitteeId))
            .col(big_integer(DemandMessages::DemandId))
            .col(string_len(DemandMessages::AuthorKind, 16))
            .col(big_integer_null(DemandMessages::AuthorId))
            .col(string_len(DemandMessages::AuthorName, 64))
            .col(text(DemandMessages::Body))
            .col(timestamp_with_time_zone(DemandMessages::CreatedAt))
            .foreign_key(&mut fk_committee(DemandMessages::Table, DemandMessages::CommitteeId))
            .foreign_key(ForeignKey::create().from(DemandMessages::Table, DemandMessages::DemandId).to(Alias::new("demands"), Alias::new("id")))
            .to_owned(),
    )
    .await?;
    index(m, "ix_demand_messages", DemandMessages::Table, &["demand_id", "id"], false).await?;

    m.create_table(
        Table::create()
            .table(Attachments::Table)
            .col(big_pk_auto(Attachments::Id))
            .col(big_integer(Attachments::CommitteeId))
            .col(string_len(Attachments::ItemType, 24))
            .col(big_integer(Attachments::ItemId))
            .col(string_len(Attachments::Mime, 32))
            .col(small_integer(Attachments::Orientation).default(1))
            .col(integer(Attachments::Width))
            .col(integer(Attachments::Height))
            .col(integer(Attachments::Size))
            .col(blob(Attachments::Bytes))
            .col(timestamp_with_time_zone(Attachments::CreatedAt))
            .foreign_key(&mut fk_committee(Attachments::Table, Attachments::CommitteeId))
            .to_owned(),
    )
    .await?;
    index(m, "ix_attachments_item", Attachments::Table, &["item_type", "item_id", "id"], false).await
}

async fn categories(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(DemandCategories::Table)
            .col(big_pk_auto(DemandCategories::Id))
            .col(big_integer(DemandCategories::CommitteeId))
            .col(string_len(DemandCategories::Name, 32))
            .col(integer(DemandCategories::Sort).default(0))
            .col(boolean(DemandCategories::Retired).default(false))
            .col(timestamp_with_time_zone(DemandCategories::CreatedAt))
            .foreign_key(&mut fk_committee(DemandCategories::Table, DemandCategories::CommitteeId))
            .to_owned(),
    )
    .await?;
    index(m, "ux_demand_categories_name", DemandCategories::Table, &["committee_id", "name"], true).await?;
    // Committees that existed before this migration get the default list, as new ones do.
    for (sort, name) in DEFAULT_CATEGORIES.iter().enumerate() {
        let select = Query::select()
            .expr(Expr::col(Committees::Id))
            .expr(Expr::val(*name))
            .expr(Expr::val(sort as i32))
            .expr(Expr::val(false))
            .expr(Expr::current_timestamp())
            .from(Committees::Table)
            .to_owned();
        let insert = Query::insert()
            .into_table(DemandCategories::Table)
            .columns([DemandCategories::CommitteeId, DemandCategories::Name, DemandCategories::Sort, DemandCategories::Retired, DemandCategories::CreatedAt])
            .select_from(select)
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        m.exec_stmt(insert).await?;
    }
    Ok(())
}
