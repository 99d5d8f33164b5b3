//! Demands in the database: registration, lists, and every transition written together with
//! its timeline event and audit record in one transaction.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, TransactionSession,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::PageRequest;
use crate::demands::model::{self, Channel, DemandAction, DemandActor, DemandKind, DemandState, Satisfaction};
use crate::tracking::attachments;
use crate::tracking::photos::CleanImage;
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
        /// The studio it came through (reception or online studio), if any.
        pub studio_id: Option<i64>,
        /// The reception session it was registered at, if any.
        pub reception_id: Option<i64>,
        /// What it was converted into: "proposal", "opinion_report" or "research_topic".
        pub converted_kind: Option<String>,
        /// The id of that item once its area has taken it up.
        pub converted_id: Option<i64>,
        /// The visit (走访) on which it was raised.
        pub visit_id: Option<i64>,
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
#[derive(Debug)]
pub struct NewDemand {
    pub kind: DemandKind,
    pub channel: Channel,
    pub category: String,
    pub place_id: Option<i64>,
    pub description: String,
    pub citizen_name: String,
    pub citizen_phone: String,
    pub studio_id: Option<i64>,
    pub reception_id: Option<i64>,
}

/// Registers a demand with a fresh tracking code and its photos; the first timeline event says
/// who did.
pub async fn register(db: &DatabaseConnection, committee_id: i64, d: NewDemand, photos: &[CleanImage], who: &Who) -> Result<Demand, DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let saved = insert(&txn, committee_id, d, who, now).await?;
    for p in photos {
        attachments::add(&txn, committee_id, ITEM_TYPE, saved.id, p, now).await?;
    }
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("登记诉求 {}（照片 {} 张）", saved.code, photos.len())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a demand registered at `now` with its first timeline event (the demo passes past
/// instants to build a realistic history).
pub async fn insert(txn: &impl ConnectionTrait, committee_id: i64, d: NewDemand, who: &Who, now: DateTime<Utc>) -> Result<Demand, DbErr> {
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
        studio_id: Set(d.studio_id),
        reception_id: Set(d.reception_id),
        ..Default::default()
    }
    .insert(txn)
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
    tracking::record_at(txn, event, now).await?;
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
    pub studio_id: Option<i64>,
    /// Registered at this reception session.
    pub reception_id: Option<i64>,
    /// Only demands that came through these studios (a member sees the studios it serves)…
    pub studio_ids: Option<Vec<i64>>,
    /// …or were raised on these visits (a member sees those of the visits it went on). Given
    /// together, a demand need match only one of the two.
    pub visit_ids: Option<Vec<i64>>,
    /// Demands that came through studios run by this group.
    pub group_id: Option<i64>,
    /// Registered on or after this instant.
    pub from: Option<chrono::DateTime<Utc>>,
    /// Registered before this instant.
    pub to: Option<chrono::DateTime<Utc>>,
    /// Came through one of these studios (the statistics' group and studio scopes).
    pub through_studios: Option<Vec<i64>>,
    /// At one of these places (a place and those below it).
    pub place_ids: Option<Vec<i64>>,
    /// Resolved on or after this instant…
    pub resolved_from: Option<chrono::DateTime<Utc>>,
    /// …and before this one.
    pub resolved_to: Option<chrono::DateTime<Utc>>,
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
    if let Some(st) = f.studio_id {
        q = q.filter(demand::Column::StudioId.eq(st));
    }
    if let Some(r) = f.reception_id {
        q = q.filter(demand::Column::ReceptionId.eq(r));
    }
    match (&f.studio_ids, &f.visit_ids) {
        (None, None) => {}
        (Some(ids), None) => q = q.filter(demand::Column::StudioId.is_in(ids.iter().copied())),
        (studios, visits) => {
            let any = Condition::any()
                .add(demand::Column::StudioId.is_in(studios.iter().flatten().copied()))
                .add(demand::Column::VisitId.is_in(visits.iter().flatten().copied()));
            q = q.filter(any);
        }
    }
    if let Some(g) = f.group_id {
        q = q.filter(demand::Column::StudioId.in_subquery(crate::studios::store::studios_of_group(g)));
    }
    if let Some(from) = f.from {
        q = q.filter(demand::Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(demand::Column::CreatedAt.lt(to));
    }
    if let Some(ids) = &f.through_studios {
        q = q.filter(demand::Column::StudioId.is_in(ids.iter().copied()));
    }
    if let Some(ids) = &f.place_ids {
        q = q.filter(demand::Column::PlaceId.is_in(ids.iter().copied()));
    }
    if let Some(from) = f.resolved_from {
        q = q.filter(demand::Column::ResolvedAt.gte(from));
    }
    if let Some(to) = f.resolved_to {
        q = q.filter(demand::Column::ResolvedAt.lt(to));
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
    /// What a conversion creates: "proposal", "opinion_report" or "research_topic".
    pub converted_kind: Option<&'static str>,
}

/// What a demand can be converted into; the areas that own these items pick up the link.
pub const CONVERSION_KINDS: [&str; 3] = ["proposal", "opinion_report", "research_topic"];

/// Applies `action` by `actor` to demand `d` (state machine in `model::apply`), writes the new
/// state with its fields, the timeline event and the audit record in one transaction.
pub async fn transition(db: &DatabaseConnection, d: &Demand, action: DemandAction, actor: DemandActor, p: Payload, who: &Who) -> AppResult<Demand> {
    transition_at(db, d, action, actor, p, who, Utc::now()).await
}

/// `transition` at a given instant (the demo replays realistic histories with it).
pub async fn transition_at(
    db: &impl TransactionTrait,
    d: &Demand,
    action: DemandAction,
    actor: DemandActor,
    p: Payload,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<Demand> {
    let from = d.state();
    let to = model::apply(from, action, actor).map_err(|e| AppError::invalid("action", e.key()))?;
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
        DemandAction::Convert => {
            let kind = p.converted_kind.ok_or(AppError::invalid("converted_kind", "err.choice"))?;
            am.converted_kind = Set(Some(kind.to_string()));
            ("convert", p.text.clone())
        }
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
    tracking::record_at(&txn, event, now).await?;
    audit::record(&txn, who, name, ITEM_TYPE, d.id, format!("诉求 {}：{} → {}", d.code, from.as_str(), to.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The rating a citizen gave, typed.
pub fn satisfaction(d: &Demand) -> Option<Satisfaction> {
    d.satisfaction.as_deref().and_then(Satisfaction::from_code)
}

pub mod message {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "demand_messages")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub demand_id: i64,
        /// "citizen", "member" or "staff".
        pub author_kind: String,
        pub author_id: Option<i64>,
        pub author_name: String,
        pub body: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use message::Model as Message;

/// Who wrote a message of the online-studio conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Author {
    Citizen,
    Member,
    Staff,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Member => "member",
            Self::Staff => "staff",
        }
    }
}

/// Longest message of the conversation, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Adds a message to a demand's conversation, with the audit record.
pub async fn add_message(db: &DatabaseConnection, d: &Demand, author: Author, body: &str, who: &Who) -> Result<Message, DbErr> {
    let txn = db.begin().await?;
    let saved = insert_message(&txn, d, author, body, who, Utc::now()).await?;
    audit::record(&txn, who, "create", "demand_message", saved.id, format!("诉求 {} 留言", d.code)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts one message at `at`.
pub async fn insert_message(db: &impl ConnectionTrait, d: &Demand, author: Author, body: &str, who: &Who, at: DateTime<Utc>) -> Result<Message, DbErr> {
    message::ActiveModel {
        committee_id: Set(d.committee_id),
        demand_id: Set(d.id),
        author_kind: Set(author.as_str().into()),
        author_id: Set(who.actor_id),
        author_name: Set(who.actor_name.clone()),
        body: Set(body.to_string()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A demand's conversation, oldest first.
pub async fn messages(db: &impl ConnectionTrait, demand_id: i64) -> Result<Vec<Message>, DbErr> {
    message::Entity::find().filter(message::Column::DemandId.eq(demand_id)).order_by_asc(message::Column::Id).all(db).await
}
