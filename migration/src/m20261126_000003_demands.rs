//! Tracking shared by every kind of item (timeline events, the working-day calendar) and the
//! first tracked item: citizen demands (群众诉求 / 意见建议).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarDays {
    Table,
    Id,
    CommitteeId,
    Day,
    Kind,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    CommitteeId,
    ItemType,
    ItemId,
    At,
    ActorId,
    ActorName,
    Action,
    FromState,
    ToState,
    Comment,
}

#[derive(DeriveIden)]
enum Demands {
    Table,
    Id,
    CommitteeId,
    Code,
    Kind,
    Channel,
    Category,
    PlaceId,
    Description,
    CitizenName,
    CitizenPhone,
    State,
    UnitId,
    AssignedAt,
    Deadline,
    Answer,
    AnsweredAt,
    ResolvedAt,
    Satisfaction,
    Rehandled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Committees {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Places {
    Table,
    Id,
}


#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CalendarDays::Table)
                .col(big_pk_auto(CalendarDays::Id))
                .col(big_integer(CalendarDays::CommitteeId))
                .col(date(CalendarDays::Day))
                .col(string_len(CalendarDays::Kind, 8))
                .foreign_key(ForeignKey::create().from(CalendarDays::Table, CalendarDays::CommitteeId).to(Committees::Table, Committees::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ux_calendar_day", CalendarDays::Table, &["committee_id", "day"], true).await?;

        m.create_table(
            Table::create()
                .table(Events::Table)
                .col(big_pk_auto(Events::Id))
                .col(big_integer(Events::CommitteeId))
                .col(string_len(Events::ItemType, 24))
                .col(big_integer(Events::ItemId))
                .col(timestamp_with_time_zone(Events::At))
                .col(big_integer_null(Events::ActorId))
                .col(string_len(Events::ActorName, 64))
                .col(string_len(Events::Action, 32))
                .col(string_len_null(Events::FromState, 24))
                .col(string_len_null(Events::ToState, 24))
                .col(text(Events::Comment))
                .foreign_key(ForeignKey::create().from(Events::Table, Events::CommitteeId).to(Committees::Table, Committees::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_events_item", Events::Table, &["item_type", "item_id", "id"], false).await?;

        m.create_table(
            Table::create()
                .table(Demands::Table)
                .col(big_pk_auto(Demands::Id))
                .col(big_integer(Demands::CommitteeId))
                .col(string_len_uniq(Demands::Code, 16))
                .col(string_len(Demands::Kind, 16))
                .col(string_len(Demands::Channel, 16))
                .col(string_len(Demands::Category, 32))
                .col(big_integer_null(Demands::PlaceId))
                .col(text(Demands::Description))
                .col(string_len(Demands::CitizenName, 32))
                .col(string_len(Demands::CitizenPhone, 11))
                .col(string_len(Demands::State, 24))
                .col(big_integer_null(Demands::UnitId))
                .col(timestamp_with_time_zone_null(Demands::AssignedAt))
                .col(date_null(Demands::Deadline))
                .col(text_null(Demands::Answer))
                .col(timestamp_with_time_zone_null(Demands::AnsweredAt))
                .col(timestamp_with_time_zone_null(Demands::ResolvedAt))
                .col(string_len_null(Demands::Satisfaction, 24))
                .col(integer(Demands::Rehandled).default(0))
                .col(timestamp_with_time_zone(Demands::CreatedAt))
                .col(timestamp_with_time_zone(Demands::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Demands::Table, Demands::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(Demands::Table, Demands::UnitId).to(Units::Table, Units::Id))
                .foreign_key(ForeignKey::create().from(Demands::Table, Demands::PlaceId).to(Places::Table, Places::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_demands_state", Demands::Table, &["committee_id", "state", "id"], false).await?;
        index(m, "ix_demands_unit", Demands::Table, &["unit_id", "state", "id"], false).await?;
        index(m, "ix_demands_created", Demands::Table, &["committee_id", "created_at"], false).await?;
        index(m, "ix_demands_resolved", Demands::Table, &["committee_id", "resolved_at"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["demands", "events", "calendar_days"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}
