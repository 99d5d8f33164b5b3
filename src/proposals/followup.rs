//! What happens around a filed proposal besides its main line: merging another proposal into
//! it (并案), the key and publishing flags, extending the deadline, 回头看 follow-ups of B and C
//! answers, and the year-end 优秀提案 mark. Each change writes the proposal, a timeline event
//! and an audit record in one transaction.
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::proposals::model::{self, AnswerClass, ProposalAction, ProposalActor, ProposalState};
use crate::proposals::store::{self, ITEM_TYPE, Move, Proposal, event, part, proposal};

pub mod follow_up {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "proposal_followups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub on_date: Date,
        pub text: String,
        pub author_id: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use follow_up::Model as FollowUp;

fn wrong_state() -> AppError {
    AppError::invalid("action", "err.wrong_state")
}

/// 并案: joins `p` (in review) to `host`, a numbered proposal of the same session not yet
/// answered. The host keeps its number and its units answer for both; both timelines say so.
pub async fn merge(db: &impl TransactionTrait, p: &Proposal, host: &Proposal, who: &Who) -> AppResult<Proposal> {
    let to = model::apply(p.state(), ProposalAction::Merge, ProposalActor::Staff).map_err(|e| AppError::invalid("action", e.key()))?;
    if host.id == p.id || host.committee_id != p.committee_id || host.session_id != p.session_id || !model::may_host(host.state()) {
        return Err(AppError::invalid("host_id", "err.merge_host"));
    }
    let number = host.number.clone().unwrap_or_default();
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.host_id = Set(Some(host.id));
    am.updated_at = Set(now);
    let saved = am.update(&txn).await?;
    event(&txn, p, who, Move { action: "merge", from: Some(p.state()), to, comment: &format!("{number}《{}》", host.title), at: now }).await?;
    event(&txn, host, who, Move { action: "merged_in", from: Some(host.state()), to: host.state(), comment: &format!("《{}》", p.title), at: now }).await?;
    audit::record(&txn, who, "merge", ITEM_TYPE, p.id, format!("提案《{}》并入{number}《{}》", p.title, host.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Proposals merged into `host`: (id, title).
pub async fn merged_into(db: &impl ConnectionTrait, host_id: i64) -> Result<Vec<(i64, String)>, DbErr> {
    use sea_orm::QuerySelect;
    proposal::Entity::find()
        .filter(proposal::Column::HostId.eq(host_id))
        .filter(proposal::Column::State.eq(ProposalState::Merged.as_str()))
        .order_by_asc(proposal::Column::Id)
        .select_only()
        .column(proposal::Column::Id)
        .column(proposal::Column::Title)
        .into_tuple()
        .all(db)
        .await
}

/// The flags staff set on a numbered proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    /// 重点提案 with the leader (a member record) who supervises it.
    pub supervisor: Option<i64>,
    /// The proposers consent to publishing it and its reply.
    pub disclose: bool,
}

/// Sets the key and publishing flags. `leaders` are the committee's 主席会议成员 in office:
/// a key proposal needs one of them as supervisor.
pub async fn set_flags(db: &impl TransactionTrait, p: &Proposal, flags: Flags, leaders: &[i64], who: &Who) -> AppResult<Proposal> {
    if !p.state().numbered() {
        return Err(wrong_state());
    }
    if flags.supervisor.is_some_and(|s| !leaders.contains(&s)) {
        return Err(AppError::invalid("supervisor_id", "err.choice"));
    }
    let txn = db.begin().await?;
    let mut am = p.clone().into_active_model();
    am.key_proposal = Set(flags.supervisor.is_some());
    am.supervisor_id = Set(flags.supervisor);
    am.disclose = Set(flags.disclose);
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    let comment = format!("{}{}", if flags.supervisor.is_some() { "重点提案" } else { "一般提案" }, if flags.disclose { "，同意公开" } else { "，不公开" });
    event(&txn, p, who, Move { action: "flags", from: Some(p.state()), to: p.state(), comment: &comment, at: Utc::now() }).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, p.id, format!("提案《{}》：{comment}", p.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Extends the answer deadline (approved by staff) to `to`, at most six months from the
/// assignment; the open parts get the same deadline.
pub async fn extend(db: &impl TransactionTrait, p: &Proposal, to: NaiveDate, reason: &str, who: &Who) -> AppResult<Proposal> {
    let (Some(assigned), Some(current)) = (p.assigned_at, p.deadline) else { return Err(wrong_state()) };
    if !model::may_extend(p.state()) {
        return Err(wrong_state());
    }
    let deadline = model::extend_deadline(assigned, current, to).map_err(|key| AppError::invalid("deadline", key))?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid("reason", "err.required"));
    }
    let txn = db.begin().await?;
    part::Entity::update_many()
        .col_expr(part::Column::Deadline, sea_orm::sea_query::Expr::value(deadline))
        .filter(part::Column::ProposalId.eq(p.id))
        .filter(part::Column::State.ne(model::PartState::Withdrawn.as_str()))
        .exec(&txn)
        .await?;
    let mut am = p.clone().into_active_model();
    am.deadline = Set(Some(deadline));
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    let comment = format!("{current} → {deadline}：{}", reason.trim());
    event(&txn, p, who, Move { action: "extend", from: Some(p.state()), to: p.state(), comment: &comment, at: Utc::now() }).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, p.id, format!("提案《{}》延期：{comment}", p.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The classes of the approved answers of a proposal.
pub async fn answer_classes(db: &impl ConnectionTrait, proposal_id: i64) -> Result<Vec<AnswerClass>, DbErr> {
    Ok(store::parts(db, proposal_id)
        .await?
        .iter()
        .filter(|x| x.role() == model::PartRole::Answering && x.state() == model::PartState::Approved)
        .filter_map(|x| x.class.as_deref().and_then(AnswerClass::from_code))
        .collect())
}

/// Records a 回头看 visit: what became of a B or C answer, checked on `on`.
pub async fn add_follow_up(db: &impl TransactionTrait, p: &Proposal, on: NaiveDate, text: &str, today: NaiveDate, who: &Who) -> AppResult<FollowUp> {
    let txn = db.begin().await?;
    if !model::may_follow_up(p.state(), &answer_classes(&txn, p.id).await?) {
        return Err(wrong_state());
    }
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(AppError::invalid("text", if text.is_empty() { "err.required" } else { "err.too_long" }));
    }
    if on > today {
        return Err(AppError::invalid("on_date", "err.future_date"));
    }
    let saved = follow_up::ActiveModel { proposal_id: Set(p.id), on_date: Set(on), text: Set(text.into()), author_id: Set(who.actor_id), created_at: Set(Utc::now()), ..Default::default() }
        .insert(&txn)
        .await?;
    event(&txn, p, who, Move { action: "follow_up", from: Some(p.state()), to: p.state(), comment: text, at: Utc::now() }).await?;
    audit::record(&txn, who, "create", "proposal_followup", saved.id, format!("提案《{}》回头看", p.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// A proposal's follow-ups, oldest first.
pub async fn follow_ups(db: &impl ConnectionTrait, proposal_id: i64) -> Result<Vec<FollowUp>, DbErr> {
    follow_up::Entity::find().filter(follow_up::Column::ProposalId.eq(proposal_id)).order_by_asc(follow_up::Column::OnDate).order_by_asc(follow_up::Column::Id).all(db).await
}

/// Marks (or unmarks) a numbered proposal as 优秀提案.
pub async fn set_excellent(db: &impl TransactionTrait, p: &Proposal, excellent: bool, who: &Who) -> AppResult<Proposal> {
    if !p.state().numbered() {
        return Err(wrong_state());
    }
    let txn = db.begin().await?;
    let mut am = p.clone().into_active_model();
    am.excellent = Set(excellent);
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    let comment = if excellent { "评为优秀提案" } else { "取消优秀提案" };
    event(&txn, p, who, Move { action: "excellent", from: Some(p.state()), to: p.state(), comment, at: Utc::now() }).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, p.id, format!("提案《{}》{comment}", p.title)).await?;
    txn.commit().await?;
    Ok(saved)
}
