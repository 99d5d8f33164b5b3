//! Timeline events and calendar days in the database.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::tracking::calendar::WorkCalendar;

pub mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub item_type: String,
        pub item_id: i64,
        pub at: DateTimeUtc,
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub action: String,
        pub from_state: Option<String>,
        pub to_state: Option<String>,
        pub comment: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod calendar_day {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar_days")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub day: Date,
        /// "holiday" (a weekday off) or "workday" (a weekend day worked).
        pub kind: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use event::Model as Event;

/// One line of a timeline, before it is written.
pub struct NewEvent<'a> {
    pub committee_id: i64,
    pub item_type: &'a str,
    pub item_id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    pub comment: &'a str,
}

/// Appends an event that happened `at`; call it in the transaction that changes the item.
pub async fn record_at(db: &impl ConnectionTrait, e: NewEvent<'_>, at: DateTime<Utc>) -> Result<(), DbErr> {
    event::ActiveModel {
        committee_id: Set(e.committee_id),
        item_type: Set(e.item_type.to_string()),
        item_id: Set(e.item_id),
        at: Set(at),
        actor_id: Set(e.actor_id),
        actor_name: Set(e.actor_name.to_string()),
        action: Set(e.action.to_string()),
        from_state: Set(e.from_state.map(str::to_string)),
        to_state: Set(e.to_state.map(str::to_string)),
        comment: Set(e.comment.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An item's events, oldest first.
pub async fn timeline(db: &impl ConnectionTrait, item_type: &str, item_id: i64) -> Result<Vec<Event>, DbErr> {
    event::Entity::find()
        .filter(event::Column::ItemType.eq(item_type))
        .filter(event::Column::ItemId.eq(item_id))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await
}

/// How a timeline names the people behind its events: a member's name for an account linked to
/// a member, else the account's display name (e.g. 区住建局联络员); events without an account
/// (the demo's history, the command line) keep the name they were written with.
pub async fn actor_labels(db: &impl ConnectionTrait, events: &[Event]) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    use crate::org::members::member;
    use crate::org::store::user;
    use sea_orm::QuerySelect;
    let ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let mut out: std::collections::HashMap<i64, String> =
        user::Entity::find().filter(user::Column::Id.is_in(ids.clone())).select_only().column(user::Column::Id).column(user::Column::DisplayName).into_tuple().all(db).await?.into_iter().collect();
    let linked: Vec<(Option<i64>, String)> =
        member::Entity::find().filter(member::Column::UserId.is_in(ids)).select_only().column(member::Column::UserId).column(member::Column::Name).into_tuple().all(db).await?;
    out.extend(linked.into_iter().filter_map(|(u, name)| u.map(|u| (u, name))));
    Ok(out)
}

/// A committee's working-day calendar.
pub async fn calendar(db: &impl ConnectionTrait, committee_id: i64) -> Result<WorkCalendar, DbErr> {
    let days = calendar_day::Entity::find().filter(calendar_day::Column::CommitteeId.eq(committee_id)).all(db).await?;
    let mut cal = WorkCalendar::default();
    for d in days {
        if d.kind == "workday" {
            cal.workdays.insert(d.day);
        } else {
            cal.holidays.insert(d.day);
        }
    }
    Ok(cal)
}

/// Stores a calendar's exceptions for a committee (the demo's 2022 notice, or staff's entries).
pub async fn save_calendar(db: &impl ConnectionTrait, committee_id: i64, cal: &WorkCalendar) -> Result<(), DbErr> {
    let rows = cal.holidays.iter().map(|d| (*d, "holiday")).chain(cal.workdays.iter().map(|d| (*d, "workday")));
    for (day, kind) in rows {
        insert_day(db, committee_id, day, kind).await?;
    }
    Ok(())
}

async fn insert_day(db: &impl ConnectionTrait, committee_id: i64, day: NaiveDate, kind: &str) -> Result<(), DbErr> {
    calendar_day::ActiveModel { committee_id: Set(committee_id), day: Set(day), kind: Set(kind.to_string()), ..Default::default() }.insert(db).await?;
    Ok(())
}
