//! Visits in the database: a visit with its visitors and the demands it raised, written in one
//! transaction with its audit record; lists and totals under filters; the days each member was
//! out, for the leaders' field days.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::pagination::PageRequest;
use crate::demands::model::{Channel, DemandKind};
use crate::demands::store::{self as demands, NewDemand, demand};
use crate::visits::model::{VisitInput, VisitKind};

pub mod visit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "visits")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub on_date: Date,
        /// field, home, enterprise or liaison.
        pub kind: String,
        /// members, masses, households or enterprises.
        pub whom_kind: String,
        /// How many people were visited (人次).
        pub people: i32,
        pub names: String,
        pub place_id: Option<i64>,
        /// Staff who went, by name (members are in visit_visitors).
        pub staff_names: String,
        pub heard: String,
        pub follow_up: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod visitor {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "visit_visitors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub visit_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use visit::Model as Visit;

pub const ITEM_TYPE: &str = "visit";

/// Saves a visit, its visitors and one demand (channel 走访) per concern raised, linked to it.
pub async fn create(db: &impl TransactionTrait, committee_id: i64, v: &VisitInput, who: &Who) -> Result<Visit, DbErr> {
    let txn = db.begin().await?;
    let saved = insert(&txn, committee_id, v, who, Utc::now()).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("记录走访 {} 人次，诉求 {} 条", v.people, v.demands.len())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a visit at `now` (the demo passes past instants) with its visitors and demands.
pub async fn insert(txn: &impl ConnectionTrait, committee_id: i64, v: &VisitInput, who: &Who, now: chrono::DateTime<Utc>) -> Result<Visit, DbErr> {
    let saved = visit::ActiveModel {
        committee_id: Set(committee_id),
        on_date: Set(v.on_date),
        kind: Set(v.kind.as_str().into()),
        whom_kind: Set(v.whom_kind.as_str().into()),
        people: Set(v.people),
        names: Set(v.names.clone()),
        place_id: Set(v.place_id),
        staff_names: Set(v.staff_names.clone()),
        heard: Set(v.heard.clone()),
        follow_up: Set(v.follow_up.clone()),
        created_by: Set(who.actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if !v.visitor_ids.is_empty() {
        visitor::Entity::insert_many(v.visitor_ids.iter().map(|m| visitor::ActiveModel { visit_id: Set(saved.id), member_id: Set(*m) })).exec(txn).await?;
    }
    for text in &v.demands {
        let d = NewDemand {
            kind: DemandKind::Problem,
            channel: Channel::Visit,
            category: v.demand_category.clone(),
            place_id: v.place_id,
            description: text.clone(),
            citizen_name: String::new(),
            citizen_phone: String::new(),
            studio_id: None,
            reception_id: None,
        };
        let raised = demands::insert(txn, committee_id, d, who, now).await?;
        demand::Entity::update_many().col_expr(demand::Column::VisitId, Expr::value(saved.id)).filter(demand::Column::Id.eq(raised.id)).exec(txn).await?;
    }
    Ok(saved)
}

/// Which visits a list or a total takes.
#[derive(Clone, Debug, Default)]
pub struct VisitFilter {
    /// On or after, on or before (China dates).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<VisitKind>,
    /// Visits one of these members went on (a member, or a group's members).
    pub member_ids: Option<Vec<i64>>,
    /// Visits at one of these places (a place and those below it).
    pub place_ids: Option<Vec<i64>>,
}

fn filtered(committee_id: i64, f: &VisitFilter) -> sea_orm::Select<visit::Entity> {
    let mut q = visit::Entity::find().filter(visit::Column::CommitteeId.eq(committee_id));
    if let Some(d) = f.from {
        q = q.filter(visit::Column::OnDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(visit::Column::OnDate.lte(d));
    }
    if let Some(k) = f.kind {
        q = q.filter(visit::Column::Kind.eq(k.as_str()));
    }
    if let Some(m) = &f.member_ids {
        let went = Query::select().column(visitor::Column::VisitId).from(visitor::Entity).and_where(visitor::Column::MemberId.is_in(m.clone())).to_owned();
        q = q.filter(visit::Column::Id.in_subquery(went));
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(visit::Column::PlaceId.is_in(p.clone()));
    }
    q
}

/// One page of visits, latest first, with the total.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &VisitFilter, page: PageRequest) -> Result<(Vec<Visit>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(visit::Column::OnDate).order_by_desc(visit::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Visit>, DbErr> {
    visit::Entity::find_by_id(id).filter(visit::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The figures of the visits under a filter: visits, people visited (人次), people visited at
/// home (入户走访人次).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct VisitTotals {
    pub visits: u64,
    pub people_visited: u64,
    pub home_visits: u64,
}

pub async fn totals(db: &impl ConnectionTrait, committee_id: i64, f: &VisitFilter) -> Result<VisitTotals, DbErr> {
    let rows: Vec<(String, i64, i64)> = filtered(committee_id, f)
        .select_only()
        .column(visit::Column::Kind)
        .column_as(Expr::expr(Func::count(Expr::col(visit::Column::Id))).cast_as(Alias::new("BIGINT")), "n")
        .column_as(Expr::expr(Func::sum(Expr::col(visit::Column::People))).cast_as(Alias::new("BIGINT")), "people")
        .group_by(visit::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut t = VisitTotals::default();
    for (kind, n, people) in rows {
        t.visits += n as u64;
        t.people_visited += people as u64;
        if kind == VisitKind::Home.as_str() {
            t.home_visits += people as u64;
        }
    }
    Ok(t)
}

/// The members who went on each given visit.
pub async fn visitors_of(db: &impl ConnectionTrait, visit_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in visit_ids.chunks(5_000) {
        for v in visitor::Entity::find().filter(visitor::Column::VisitId.is_in(chunk.to_vec())).all(db).await? {
            out.entry(v.visit_id).or_default().push(v.member_id);
        }
    }
    Ok(out)
}

/// The demands a visit raised.
pub async fn demands_of(db: &impl ConnectionTrait, visit_id: i64) -> Result<Vec<demands::Demand>, DbErr> {
    demand::Entity::find().filter(demand::Column::VisitId.eq(visit_id)).order_by_asc(demand::Column::Id).all(db).await
}

/// The days each given member was out on a visit from `from` to `to`.
pub async fn days_out(db: &impl ConnectionTrait, committee_id: i64, member_ids: &[i64], from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, Vec<NaiveDate>>, DbErr> {
    let went = Query::select().column(visitor::Column::VisitId).from(visitor::Entity).and_where(visitor::Column::MemberId.is_in(member_ids.to_vec())).to_owned();
    let visits: Vec<(i64, NaiveDate)> = visit::Entity::find()
        .filter(visit::Column::CommitteeId.eq(committee_id))
        .filter(visit::Column::OnDate.gte(from))
        .filter(visit::Column::OnDate.lte(to))
        .filter(visit::Column::Id.in_subquery(went))
        .select_only()
        .column(visit::Column::Id)
        .column(visit::Column::OnDate)
        .into_tuple()
        .all(db)
        .await?;
    let on: HashMap<i64, NaiveDate> = visits.iter().copied().collect();
    let who = visitors_of(db, &visits.iter().map(|v| v.0).collect::<Vec<_>>()).await?;
    let mut out: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for (visit, members) in who {
        for m in members.into_iter().filter(|m| member_ids.contains(m)) {
            out.entry(m).or_default().push(on[&visit]);
        }
    }
    Ok(out)
}
