//! Demands in the database: registration, lists, and every transition written together with
//! its timeline event and audit record in one transaction.
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::PageRequest;
use crate::demands::model::{self, Channel, DemandAction, DemandActor, DemandKind, DemandState, Satisfaction};
use crate::tracking::store::{self as tracking, NewEvent};

pub mod demand {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "demands")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub code: String,
        pub kind: String,
        pub channel: String,
        pub category: String,
        pub place_id: Option<i64>,
        pub description: String,
        pub citizen_name: String,
        pub citizen_phone: String,
        pub state: String,
        pub unit_id: Option<i64>,
        pub assigned_at: Option<DateTimeUtc>,
        pub deadline: Option<Date>,
        pub answer: Option<String>,
        pub answered_at: Option<DateTimeUtc>,
        pub resolved_at: Option<DateTimeUtc>,
        pub satisfaction: Option<String>,
        pub rehandled: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use demand::Model as Demand;

pub const ITEM_TYPE: &str = "demand";

impl Demand {
    pub fn state(&self) -> DemandState {
        DemandState::from_code(&self.state).unwrap_or(DemandState::Registered)
    }
}

/// A validated new demand.
pub struct NewDemand {
    pub kind: DemandKind,
    pub channel: Channel,
    pub category: String,
    pub place_id: Option<i64>,
    pub description: String,
    pub citizen_name: String,
    pub citizen_phone: String,
}

/// Registers a demand with a fresh tracking code; the first timeline event says who did.
pub async fn register(db: &DatabaseConnection, committee_id: i64, d: NewDemand, who: &Who) -> Result<Demand, DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let saved = demand::ActiveModel {
        committee_id: Set(committee_id),
        code: Set(model::new_tracking_code()),
        kind: Set(d.kind.as_str().into()),
        channel: Set(d.channel.as_str().into()),
        category: Set(d.category),
        place_id: Set(d.place_id),
        description: Set(d.description),
        citizen_name: Set(d.citizen_name),
        citizen_phone: Set(d.citizen_phone),
        state: Set(DemandState::Registered.as_str().into()),
        rehandled: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let event = NewEvent {
        committee_id,
        item_type: ITEM_TYPE,
        item_id: saved.id,
        actor_id: who.actor_id,
        actor_name: &who.actor_name,
        action: "register",
        from_state: None,
        to_state: Some(DemandState::Registered.as_str()),
        comment: "",
    };
    tracking::record(&txn, event).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("登记诉求 {}", saved.code)).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Demand>, DbErr> {
    demand::Entity::find_by_id(id).filter(demand::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The demand behind a tracking code, if the phone ends in `last4`. Both must match, so a
/// guessed code alone reveals nothing.
pub async fn find_for_citizen(db: &impl ConnectionTrait, committee_id: i64, code: &str, last4: &str) -> Result<Option<Demand>, DbErr> {
    let code = code.trim().to_ascii_uppercase();
    let found = demand::Entity::find().filter(demand::Column::CommitteeId.eq(committee_id)).filter(demand::Column::Code.eq(code)).one(db).await?;
    Ok(found.filter(|d| last4.trim().len() == 4 && d.citizen_phone.ends_with(last4.trim())))
}

#[derive(Clone, Debug, Default)]
pub struct DemandFilter {
    pub state: Option<DemandState>,
    /// Only this unit's demands (for unit accounts).
    pub unit_id: Option<i64>,
    /// Only demands that reached "resolved" (the public list).
    pub resolved_only: bool,
    pub kind: Option<DemandKind>,
    pub channel: Option<Channel>,
    pub place_id: Option<i64>,
    /// Registered on or after this instant.
    pub from: Option<chrono::DateTime<Utc>>,
    /// Registered before this instant.
    pub to: Option<chrono::DateTime<Utc>>,
}

/// One page of demands, newest first.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &DemandFilter, page: PageRequest) -> Result<(Vec<Demand>, u64), DbErr> {
    let mut q = demand::Entity::find().filter(demand::Column::CommitteeId.eq(committee_id));
    if let Some(s) = f.state {
        q = q.filter(demand::Column::State.eq(s.as_str()));
    }
    if let Some(u) = f.unit_id {
        q = q.filter(demand::Column::UnitId.eq(u));
    }
    if f.resolved_only {
        q = q.filter(demand::Column::ResolvedAt.is_not_null());
    }
    if let Some(k) = f.kind {
        q = q.filter(demand::Column::Kind.eq(k.as_str()));
    }
    if let Some(c) = f.channel {
        q = q.filter(demand::Column::Channel.eq(c.as_str()));
    }
    if let Some(p) = f.place_id {
        q = q.filter(demand::Column::PlaceId.eq(p));
    }
    if let Some(from) = f.from {
        q = q.filter(demand::Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(demand::Column::CreatedAt.lt(to));
    }
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(demand::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

/// How many demands are in each state (a unit's own only when `unit_id` is given), and how
/// many of those with a unit are past their deadline on `today`.
pub async fn workload(db: &impl ConnectionTrait, committee_id: i64, unit_id: Option<i64>, today: NaiveDate) -> Result<(Vec<(DemandState, u64)>, u64), DbErr> {
    use sea_orm::sea_query::{Expr, Func};
    let scoped = || {
        let q = demand::Entity::find().filter(demand::Column::CommitteeId.eq(committee_id));
        match unit_id {
            Some(u) => q.filter(demand::Column::UnitId.eq(u)),
            None => q,
        }
    };
    let by_state: Vec<(String, i64)> = scoped()
        .select_only()
        .column(demand::Column::State)
        .column_as(Expr::expr(Func::count(Expr::col(demand::Column::Id))), "n")
        .group_by(demand::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let overdue = scoped()
        .filter(demand::Column::State.is_in([DemandState::Assigned.as_str(), DemandState::ReturnRequested.as_str()]))
        .filter(demand::Column::Deadline.lt(today))
        .count(db)
        .await?;
    let counts = by_state.into_iter().filter_map(|(s, n)| DemandState::from_code(&s).map(|s| (s, n as u64))).collect();
    Ok((counts, overdue))
}

/// What a transition carries besides the action itself.
#[derive(Clone, Debug, Default)]
pub struct Payload {
    pub unit_id: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub text: String,
}

/// Applies `action` by `actor` to demand `d` (state machine in `model::apply`), writes the new
/// state with its fields, the timeline event and the audit record in one transaction.
pub async fn transition(db: &DatabaseConnection, d: &Demand, action: DemandAction, actor: DemandActor, p: Payload, who: &Who) -> AppResult<Demand> {
    let from = d.state();
    let to = model::apply(from, action, actor).map_err(|e| AppError::invalid("action", e.key()))?;
    let now = Utc::now();
    let mut am = d.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(now);
    let (name, comment) = match action {
        DemandAction::AnswerOnSpot => {
            am.answer = Set(Some(p.text.clone()));
            am.answered_at = Set(Some(now));
            am.resolved_at = Set(Some(now));
            ("answer_on_spot", p.text.clone())
        }
        DemandAction::Assign => {
            let unit = p.unit_id.ok_or(AppError::invalid("unit_id", "err.required"))?;
            am.unit_id = Set(Some(unit));
            am.assigned_at = Set(Some(now));
            am.deadline = Set(p.deadline);
            am.answer = Set(None);
            ("assign", p.text.clone())
        }
        DemandAction::RequestReturn { .. } => ("request_return", p.text.clone()),
        DemandAction::Answer => {
            am.answer = Set(Some(p.text.clone()));
            am.answered_at = Set(Some(now));
            ("answer", p.text.clone())
        }
        DemandAction::ConfirmResolved => {
            am.resolved_at = Set(Some(now));
            ("confirm_resolved", p.text.clone())
        }
        DemandAction::Rate { satisfaction, .. } => {
            am.satisfaction = Set(Some(satisfaction.as_str().into()));
            if to == DemandState::Assigned {
                // Back to the same unit for re-handling, with a fresh deadline.
                am.rehandled = Set(d.rehandled + 1);
                am.assigned_at = Set(Some(now));
                am.deadline = Set(p.deadline);
                am.resolved_at = Set(None);
            }
            ("rate", satisfaction.as_str().to_string())
        }
        DemandAction::Convert => ("convert", p.text.clone()),
        DemandAction::Reject => ("reject", p.text.clone()),
        DemandAction::Archive => ("archive", String::new()),
    };
    let txn = db.begin().await?;
    let saved = am.update(&txn).await?;
    let event = NewEvent {
        committee_id: d.committee_id,
        item_type: ITEM_TYPE,
        item_id: d.id,
        actor_id: who.actor_id,
        actor_name: &who.actor_name,
        action: name,
        from_state: Some(from.as_str()),
        to_state: Some(to.as_str()),
        comment: &comment,
    };
    tracking::record(&txn, event).await?;
    audit::record(&txn, who, name, ITEM_TYPE, d.id, format!("诉求 {}：{} → {}", d.code, from.as_str(), to.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The rating a citizen gave, typed.
pub fn satisfaction(d: &Demand) -> Option<Satisfaction> {
    d.satisfaction.as_deref().and_then(Satisfaction::from_code)
}
