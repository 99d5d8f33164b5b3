//! Liaison targets in the database: a target with its assignees, status changes and contacts
//! each written in one transaction with its audit record; the list under filters with counts
//! per kind; the contact log and the visits it links.
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::pagination::PageRequest;
use crate::liaison::model::{ContactInput, TargetInput, TargetKind, TargetStatus, VISIT_WINDOW_DAYS};
use crate::visits::model::VisitKind;
use crate::visits::store::{Visit, visit};

pub mod target {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "liaison_targets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        /// party_site, key_project or petition_case.
        pub kind: String,
        pub name: String,
        pub place_id: Option<i64>,
        pub description: String,
        /// active, resolved or closed.
        pub status: String,
        pub started_on: Date,
        /// The day it was resolved or closed.
        pub ended_on: Option<Date>,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod assignee {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "liaison_assignees")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub target_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod contact {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "liaison_contacts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub target_id: i64,
        pub on_date: Date,
        /// What was done or heard.
        pub note: String,
        /// The liaison visit (走访) this contact was, if one was logged.
        pub visit_id: Option<i64>,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod contact_member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "liaison_contact_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub contact_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use contact::Model as Contact;
pub use target::Model as Target;

pub const ITEM_TYPE: &str = "liaison_target";

impl Target {
    pub fn kind(&self) -> TargetKind {
        TargetKind::from_code(&self.kind).unwrap_or(TargetKind::KeyProject)
    }

    pub fn status(&self) -> TargetStatus {
        TargetStatus::from_code(&self.status).unwrap_or(TargetStatus::Active)
    }
}

/// Saves a new, active target with its assignees.
pub async fn create(db: &impl TransactionTrait, committee_id: i64, t: &TargetInput, who: &Who) -> Result<Target, DbErr> {
    let txn = db.begin().await?;
    let saved = insert(&txn, committee_id, t, who, Utc::now()).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("新建联系点“{}”", saved.name)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a target at `now` (the demo passes past instants).
pub async fn insert(txn: &impl ConnectionTrait, committee_id: i64, t: &TargetInput, who: &Who, now: DateTime<Utc>) -> Result<Target, DbErr> {
    let saved = target::ActiveModel {
        committee_id: Set(committee_id),
        kind: Set(t.kind.as_str().into()),
        name: Set(t.name.clone()),
        place_id: Set(t.place_id),
        description: Set(t.description.clone()),
        status: Set(TargetStatus::Active.as_str().into()),
        started_on: Set(t.started_on),
        ended_on: Set(None),
        created_by: Set(who.actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    assign(txn, saved.id, &t.assignee_ids).await?;
    Ok(saved)
}

async fn assign(txn: &impl ConnectionTrait, target_id: i64, member_ids: &[i64]) -> Result<(), DbErr> {
    if !member_ids.is_empty() {
        assignee::Entity::insert_many(member_ids.iter().map(|m| assignee::ActiveModel { target_id: Set(target_id), member_id: Set(*m) })).exec(txn).await?;
    }
    Ok(())
}

/// Saves an edited target and its assignees (the status stays).
pub async fn update(db: &impl TransactionTrait, before: &Target, t: &TargetInput, who: &Who) -> Result<Target, DbErr> {
    let txn = db.begin().await?;
    let mut row = before.clone().into_active_model();
    row.kind = Set(t.kind.as_str().into());
    row.name = Set(t.name.clone());
    row.place_id = Set(t.place_id);
    row.description = Set(t.description.clone());
    row.started_on = Set(t.started_on);
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    assignee::Entity::delete_many().filter(assignee::Column::TargetId.eq(before.id)).exec(&txn).await?;
    assign(&txn, before.id, &t.assignee_ids).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, saved.id, format!("修改联系点“{}”", saved.name)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Moves a target to `status` (already decided by `model::apply`) on `today`.
pub async fn set_status(db: &impl TransactionTrait, before: &Target, status: TargetStatus, today: NaiveDate, who: &Who) -> Result<Target, DbErr> {
    let txn = db.begin().await?;
    let mut row = before.clone().into_active_model();
    row.status = Set(status.as_str().into());
    row.ended_on = Set((status != TargetStatus::Active).then_some(today));
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, saved.id, format!("联系点“{}”状态：{} → {}", saved.name, before.status, saved.status)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Adds one entry to a target's contact log, with the members who went.
pub async fn add_contact(db: &impl TransactionTrait, t: &Target, c: &ContactInput, who: &Who) -> Result<Contact, DbErr> {
    let txn = db.begin().await?;
    let saved = insert_contact(&txn, t.id, c, who, Utc::now()).await?;
    audit::record(&txn, who, "create", "liaison_contact", saved.id, format!("联系点“{}”联系记录 {}", t.name, c.on_date)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a contact at `now` (the demo passes past instants).
pub async fn insert_contact(txn: &impl ConnectionTrait, target_id: i64, c: &ContactInput, who: &Who, now: DateTime<Utc>) -> Result<Contact, DbErr> {
    let saved = contact::ActiveModel {
        target_id: Set(target_id),
        on_date: Set(c.on_date),
        note: Set(c.note.clone()),
        visit_id: Set(c.visit_id),
        created_by: Set(who.actor_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let rows = c.member_ids.iter().map(|m| contact_member::ActiveModel { contact_id: Set(saved.id), member_id: Set(*m) });
    contact_member::Entity::insert_many(rows).exec(txn).await?;
    Ok(saved)
}

/// Which targets a list takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetFilter {
    pub kind: Option<TargetKind>,
    pub status: Option<TargetStatus>,
    /// Targets one of these members is assigned to.
    pub member_ids: Option<Vec<i64>>,
    /// Targets at one of these places (a place and those below it).
    pub place_ids: Option<Vec<i64>>,
}

fn filtered(committee_id: i64, f: &TargetFilter) -> sea_orm::Select<target::Entity> {
    let mut q = target::Entity::find().filter(target::Column::CommitteeId.eq(committee_id));
    if let Some(k) = f.kind {
        q = q.filter(target::Column::Kind.eq(k.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(target::Column::Status.eq(s.as_str()));
    }
    if let Some(m) = &f.member_ids {
        let assigned = Query::select().column(assignee::Column::TargetId).from(assignee::Entity).and_where(assignee::Column::MemberId.is_in(m.clone())).to_owned();
        q = q.filter(target::Column::Id.in_subquery(assigned));
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(target::Column::PlaceId.is_in(p.clone()));
    }
    q
}

/// One page of targets, newest first, with the total.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &TargetFilter, page: PageRequest) -> Result<(Vec<Target>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(target::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

/// Targets under a filter counted by kind (the filter's own kind left out, so every tab shows
/// its count).
pub async fn counts_by_kind(db: &impl ConnectionTrait, committee_id: i64, f: &TargetFilter) -> Result<HashMap<String, u64>, DbErr> {
    let rows: Vec<(String, i64)> = filtered(committee_id, &TargetFilter { kind: None, ..f.clone() })
        .select_only()
        .column(target::Column::Kind)
        .column_as(Expr::expr(Func::count(Expr::col(target::Column::Id))).cast_as(Alias::new("BIGINT")), "n")
        .group_by(target::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(k, n)| (k, n as u64)).collect())
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Target>, DbErr> {
    target::Entity::find_by_id(id).filter(target::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The members assigned to each given target.
pub async fn assignees_of(db: &impl ConnectionTrait, target_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for a in assignee::Entity::find().filter(assignee::Column::TargetId.is_in(target_ids.to_vec())).all(db).await? {
        out.entry(a.target_id).or_default().push(a.member_id);
    }
    Ok(out)
}

/// Each given target's number of contacts and latest contact date, in one grouped query.
pub async fn contact_summary(db: &impl ConnectionTrait, target_ids: &[i64]) -> Result<HashMap<i64, (u64, NaiveDate)>, DbErr> {
    let rows: Vec<(i64, i64, NaiveDate)> = contact::Entity::find()
        .filter(contact::Column::TargetId.is_in(target_ids.to_vec()))
        .select_only()
        .column(contact::Column::TargetId)
        .column_as(Expr::expr(Func::count(Expr::col(contact::Column::Id))).cast_as(Alias::new("BIGINT")), "n")
        .column_as(Expr::expr(Func::max(Expr::col(contact::Column::OnDate))), "last")
        .group_by(contact::Column::TargetId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(t, n, last)| (t, (n as u64, last))).collect())
}

/// A target's contact log, newest first, each with the members who went.
pub async fn contacts(db: &impl ConnectionTrait, target_id: i64) -> Result<Vec<(Contact, Vec<i64>)>, DbErr> {
    let list = contact::Entity::find()
        .filter(contact::Column::TargetId.eq(target_id))
        .order_by_desc(contact::Column::OnDate)
        .order_by_desc(contact::Column::Id)
        .all(db)
        .await?;
    let mut went: HashMap<i64, Vec<i64>> = HashMap::new();
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    for m in contact_member::Entity::find().filter(contact_member::Column::ContactId.is_in(ids)).order_by_asc(contact_member::Column::MemberId).all(db).await? {
        went.entry(m.contact_id).or_default().push(m.member_id);
    }
    Ok(list.into_iter().map(|c| (went.remove(&c.id).unwrap_or_default(), c)).map(|(m, c)| (c, m)).collect())
}

/// The committee's liaison visits (联系点走访) within [`VISIT_WINDOW_DAYS`] of `on`, nearest
/// first: those a contact on that day may link.
pub async fn visits_near(db: &impl ConnectionTrait, committee_id: i64, on: NaiveDate) -> Result<Vec<Visit>, DbErr> {
    let window = Duration::days(VISIT_WINDOW_DAYS);
    let mut list = visit::Entity::find()
        .filter(visit::Column::CommitteeId.eq(committee_id))
        .filter(visit::Column::Kind.eq(VisitKind::Liaison.as_str()))
        .filter(visit::Column::OnDate.between(on - window, on + window))
        .order_by_desc(visit::Column::OnDate)
        .order_by_desc(visit::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    list.sort_by_key(|v| (v.on_date - on).num_days().abs());
    Ok(list)
}

/// The visits a target's contacts link, latest first.
pub async fn linked_visits(db: &impl ConnectionTrait, committee_id: i64, target_id: i64) -> Result<Vec<Visit>, DbErr> {
    let linked = Query::select().column(contact::Column::VisitId).from(contact::Entity).and_where(contact::Column::TargetId.eq(target_id)).to_owned();
    visit::Entity::find()
        .filter(visit::Column::CommitteeId.eq(committee_id))
        .filter(visit::Column::Id.in_subquery(linked))
        .order_by_desc(visit::Column::OnDate)
        .order_by_desc(visit::Column::Id)
        .all(db)
        .await
}
