//! Studios, their members, duty rosters and reception sessions in the database. Every change is
//! written with its audit record in one transaction.
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::pagination::PageRequest;
use crate::studios::model::{Hours, ReceptionData, StudioData, StudioKind};
use crate::studios::schedule::ReceptionDays;

pub mod studio {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "studios")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub name: String,
        pub kind: String,
        pub group_id: Option<i64>,
        pub place_id: Option<i64>,
        pub address: String,
        pub room: String,
        pub phone: String,
        /// "09:00-11:30" or empty.
        pub hours: String,
        /// `ReceptionDays::code`.
        pub reception_days: String,
        pub intro: String,
        pub retired: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod studio_member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "studio_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub studio_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod duty {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "duties")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub studio_id: i64,
        pub day: Date,
        pub member_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod reception {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "receptions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub studio_id: i64,
        pub held_on: Date,
        pub place_id: Option<i64>,
        pub citizens_received: i32,
        pub notes: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod reception_member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reception_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub reception_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use reception::Model as Reception;
pub use studio::Model as Studio;

impl Studio {
    pub fn kind(&self) -> StudioKind {
        StudioKind::from_code(&self.kind).unwrap_or(StudioKind::Offline)
    }

    pub fn reception_days(&self) -> ReceptionDays {
        ReceptionDays::parse(&self.reception_days).unwrap_or_default()
    }

    pub fn hours(&self) -> Option<Hours> {
        Hours::parse("hours", &self.hours).ok().flatten()
    }
}

/// Groups (key, member) pairs into key → members, keeping the rows' order.
fn grouped<K: Ord>(rows: impl Iterator<Item = (K, i64)>) -> BTreeMap<K, Vec<i64>> {
    let mut out: BTreeMap<K, Vec<i64>> = BTreeMap::new();
    for (k, m) in rows {
        out.entry(k).or_default().push(m);
    }
    out
}

/// The committee's studios (retired ones too, flagged), by name.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<Studio>, DbErr> {
    studio::Entity::find().filter(studio::Column::CommitteeId.eq(committee_id)).order_by_asc(studio::Column::Id).all(db).await
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Studio>, DbErr> {
    studio::Entity::find_by_id(id).filter(studio::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The members assigned to each of the given studios.
pub async fn members_of(db: &impl ConnectionTrait, studio_ids: &[i64]) -> Result<BTreeMap<i64, Vec<i64>>, DbErr> {
    let rows = studio_member::Entity::find().filter(studio_member::Column::StudioId.is_in(studio_ids.iter().copied())).all(db).await?;
    Ok(grouped(rows.into_iter().map(|r| (r.studio_id, r.member_id))))
}

/// The studios a member is assigned to: what a member on duty may record for and sees.
pub async fn studios_of_member(db: &impl ConnectionTrait, member_id: i64) -> Result<Vec<i64>, DbErr> {
    studio_member::Entity::find()
        .filter(studio_member::Column::MemberId.eq(member_id))
        .select_only()
        .column(studio_member::Column::StudioId)
        .into_tuple()
        .all(db)
        .await
}

/// Creates (`id` None) or updates a studio with its member list and the audit record.
pub async fn save(db: &impl TransactionTrait, committee_id: i64, id: Option<i64>, d: &StudioData, who: &Who) -> Result<Studio, DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut am = match id {
        Some(id) => find(&txn, committee_id, id).await?.ok_or(DbErr::RecordNotFound("studio".into()))?.into(),
        None => studio::ActiveModel { committee_id: Set(committee_id), retired: Set(false), created_at: Set(now), ..Default::default() },
    };
    am.name = Set(d.name.clone());
    am.kind = Set(d.kind.as_str().into());
    am.group_id = Set(d.group_id);
    am.place_id = Set(d.place_id);
    am.address = Set(d.address.clone());
    am.room = Set(d.room.clone());
    am.phone = Set(d.phone.clone());
    am.hours = Set(d.hours.map(Hours::code).unwrap_or_default());
    am.reception_days = Set(d.reception_days.code());
    am.intro = Set(d.intro.clone());
    am.updated_at = Set(now);
    let saved = if id.is_some() { am.update(&txn).await? } else { am.insert(&txn).await? };
    studio_member::Entity::delete_many().filter(studio_member::Column::StudioId.eq(saved.id)).exec(&txn).await?;
    if !d.member_ids.is_empty() {
        let rows = d.member_ids.iter().map(|m| studio_member::ActiveModel { studio_id: Set(saved.id), member_id: Set(*m) });
        studio_member::Entity::insert_many(rows).exec(&txn).await?;
    }
    let (action, word) = if id.is_some() { ("update", "修改") } else { ("create", "新建") };
    audit::record(&txn, who, action, "studio", saved.id, format!("{word}委员工作室 {}", saved.name)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Retires (hides from the public and from new receptions) or restores a studio.
pub async fn set_retired(db: &sea_orm::DatabaseConnection, s: &Studio, retired: bool, who: &Who) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let mut am: studio::ActiveModel = s.clone().into();
    am.retired = Set(retired);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    let word = if retired { "停用" } else { "恢复" };
    audit::record(&txn, who, if retired { "disable" } else { "enable" }, "studio", s.id, format!("{word}委员工作室 {}", s.name)).await?;
    txn.commit().await?;
    Ok(())
}

/// The duty roster of a studio from `from` to `to` inclusive: day → members on duty.
pub async fn roster(db: &impl ConnectionTrait, studio_id: i64, from: NaiveDate, to: NaiveDate) -> Result<BTreeMap<NaiveDate, Vec<i64>>, DbErr> {
    let rows = duty::Entity::find()
        .filter(duty::Column::StudioId.eq(studio_id))
        .filter(duty::Column::Day.between(from, to))
        .order_by_asc(duty::Column::Day)
        .order_by_asc(duty::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows.into_iter().map(|r| (r.day, r.member_id))))
}

/// A member's duty days across studios from `from` to `to`: (day, studio id).
pub async fn duties_of_member(db: &impl ConnectionTrait, member_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<(NaiveDate, i64)>, DbErr> {
    duty::Entity::find()
        .filter(duty::Column::MemberId.eq(member_id))
        .filter(duty::Column::Day.between(from, to))
        .order_by_asc(duty::Column::Day)
        .select_only()
        .column(duty::Column::Day)
        .column(duty::Column::StudioId)
        .into_tuple()
        .all(db)
        .await
}

/// Sets who is on duty at a studio on `day` (an empty list clears the day), with the audit record.
pub async fn set_duty(db: &sea_orm::DatabaseConnection, s: &Studio, day: NaiveDate, member_ids: &[i64], who: &Who) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    write_duty(&txn, s.id, day, member_ids).await?;
    audit::record(&txn, who, "update", "studio", s.id, format!("排班 {} {day}：{} 人", s.name, member_ids.len())).await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces the members on duty at a studio on one day.
pub async fn write_duty(db: &impl ConnectionTrait, studio_id: i64, day: NaiveDate, member_ids: &[i64]) -> Result<(), DbErr> {
    duty::Entity::delete_many().filter(duty::Column::StudioId.eq(studio_id)).filter(duty::Column::Day.eq(day)).exec(db).await?;
    if !member_ids.is_empty() {
        let rows = member_ids.iter().map(|m| duty::ActiveModel { studio_id: Set(studio_id), day: Set(day), member_id: Set(*m), ..Default::default() });
        duty::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// How many duty entries a studio has had: where the next rotation starts.
pub async fn duty_count(db: &impl ConnectionTrait, studio_id: i64) -> Result<u64, DbErr> {
    duty::Entity::find().filter(duty::Column::StudioId.eq(studio_id)).count(db).await
}

/// Writes a rotation (days → members on duty) with one audit record.
pub async fn fill_roster(db: &sea_orm::DatabaseConnection, s: &Studio, days: &[(NaiveDate, Vec<i64>)], who: &Who) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for (day, members) in days {
        write_duty(&txn, s.id, *day, members).await?;
    }
    audit::record(&txn, who, "update", "studio", s.id, format!("轮值排班 {}：{} 天", s.name, days.len())).await?;
    txn.commit().await?;
    Ok(())
}

/// Records a reception session with its members on duty (and the audit record).
pub async fn record_reception(db: &sea_orm::DatabaseConnection, committee_id: i64, r: &ReceptionData, who: &Who) -> Result<Reception, DbErr> {
    let txn = db.begin().await?;
    let saved = insert_reception(&txn, committee_id, r, who.actor_id, Utc::now()).await?;
    audit::record(&txn, who, "create", "reception", saved.id, format!("接待记录 {}：接待群众 {} 人", r.held_on, r.citizens_received)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a reception and its members on duty (the demo uses it with past instants).
pub async fn insert_reception(
    db: &impl ConnectionTrait,
    committee_id: i64,
    r: &ReceptionData,
    created_by: Option<i64>,
    at: chrono::DateTime<Utc>,
) -> Result<Reception, DbErr> {
    let saved = reception::ActiveModel {
        committee_id: Set(committee_id),
        studio_id: Set(r.studio_id),
        held_on: Set(r.held_on),
        place_id: Set(r.place_id),
        citizens_received: Set(r.citizens_received),
        notes: Set(r.notes.clone()),
        created_by: Set(created_by),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let rows = r.member_ids.iter().map(|m| reception_member::ActiveModel { reception_id: Set(saved.id), member_id: Set(*m) });
    reception_member::Entity::insert_many(rows).exec(db).await?;
    Ok(saved)
}

pub async fn find_reception(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Reception>, DbErr> {
    reception::Entity::find_by_id(id).filter(reception::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The members on duty at each of the given receptions.
pub async fn reception_members(db: &impl ConnectionTrait, reception_ids: &[i64]) -> Result<BTreeMap<i64, Vec<i64>>, DbErr> {
    let rows = reception_member::Entity::find().filter(reception_member::Column::ReceptionId.is_in(reception_ids.iter().copied())).all(db).await?;
    Ok(grouped(rows.into_iter().map(|r| (r.reception_id, r.member_id))))
}

/// Which receptions a list shows.
#[derive(Clone, Debug, Default)]
pub struct ReceptionFilter {
    pub studio_id: Option<i64>,
    /// Only receptions of these studios (a member's own).
    pub studio_ids: Option<Vec<i64>>,
    /// Receptions of studios run by this group.
    pub group_id: Option<i64>,
    pub place_id: Option<i64>,
    /// Receptions at one of these places (a place and those below it).
    pub place_ids: Option<Vec<i64>>,
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
}

fn filtered(committee_id: i64, f: &ReceptionFilter) -> sea_orm::Select<reception::Entity> {
    let mut q = reception::Entity::find().filter(reception::Column::CommitteeId.eq(committee_id));
    if let Some(s) = f.studio_id {
        q = q.filter(reception::Column::StudioId.eq(s));
    }
    if let Some(ids) = &f.studio_ids {
        q = q.filter(reception::Column::StudioId.is_in(ids.iter().copied()));
    }
    if let Some(g) = f.group_id {
        q = q.filter(Condition::all().add(reception::Column::StudioId.in_subquery(studios_of_group(g))));
    }
    if let Some(p) = f.place_id {
        q = q.filter(reception::Column::PlaceId.eq(p));
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(reception::Column::PlaceId.is_in(p.iter().copied()));
    }
    if let Some(from) = f.from {
        q = q.filter(reception::Column::HeldOn.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(reception::Column::HeldOn.lte(to));
    }
    q
}

/// `SELECT id FROM studios WHERE group_id = g`, for filters by group.
pub fn studios_of_group(group_id: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select().column(studio::Column::Id).from(studio::Entity).and_where(studio::Column::GroupId.eq(group_id)).to_owned()
}

/// One page of receptions, latest first.
pub async fn receptions(db: &impl ConnectionTrait, committee_id: i64, f: &ReceptionFilter, page: PageRequest) -> Result<(Vec<Reception>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(reception::Column::HeldOn).order_by_desc(reception::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

/// Receptions held and citizens received (人次) under a filter, counted in SQL.
pub async fn reception_totals(db: &impl ConnectionTrait, committee_id: i64, f: &ReceptionFilter) -> Result<(u64, u64), DbErr> {
    let row: Option<(i64, Option<i64>)> = filtered(committee_id, f)
        .select_only()
        .column_as(Expr::expr(Func::count(Expr::col(reception::Column::Id))), "n")
        .column_as(Expr::expr(Func::sum(Expr::col(reception::Column::CitizensReceived))).cast_as(sea_orm::sea_query::Alias::new("BIGINT")), "citizens")
        .into_tuple()
        .one(db)
        .await?;
    let (n, citizens) = row.unwrap_or((0, None));
    Ok((n as u64, citizens.unwrap_or(0) as u64))
}
