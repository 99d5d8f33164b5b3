//! Proposals in the database: drafts with their signers, and every move of the life cycle
//! written with its timeline event and audit record in one transaction. Filing numbers come from
//! `MAX(seq) + 1` under a unique index; a clash with a concurrent filing is retried, so numbers
//! are never repeated and never skipped.
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
    SqlErr, TransactionSession, TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::proposals::model::{self, ProposalAction, ProposalActor, ProposalKind, ProposalState};
use crate::tracking::store::{self as tracking, NewEvent};

pub mod proposal {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "proposals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        /// The plenary session it belongs to (numbering runs per session).
        pub session_id: Option<i64>,
        pub kind: String,
        pub title: String,
        pub body: String,
        /// "member", "sector", "group", "organization" or "special_committee".
        pub submitter_kind: String,
        /// The sector, group or organisation submitting, when not members.
        pub submitter_name: String,
        pub suggested_units: String,
        pub state: String,
        pub seq: Option<i32>,
        pub number: Option<String>,
        /// The host proposal when merged (并案).
        pub host_id: Option<i64>,
        /// The reason of a return, a refusal or a conversion.
        pub reason: Option<String>,
        /// 重点提案, supervised by `supervisor_id` (a leader's member record).
        pub key_proposal: bool,
        /// The proposers consent to publishing it and its reply.
        pub disclose: bool,
        pub mode: Option<String>,
        pub assigned_at: Option<Date>,
        pub deadline: Option<Date>,
        pub rehandled: i32,
        pub created_by: Option<i64>,
        pub submitted_at: Option<DateTimeUtc>,
        pub filed_at: Option<DateTimeUtc>,
        pub answered_at: Option<DateTimeUtc>,
        pub concluded_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub supervisor_id: Option<i64>,
        /// Marked 优秀提案 at year end.
        pub excellent: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod signer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "proposal_signers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub proposal_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        /// 0 = the lead proposer, then the co-signers in order.
        pub position: i32,
        pub confirmed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use proposal::Model as Proposal;

pub const ITEM_TYPE: &str = "proposal";

impl Proposal {
    pub fn state(&self) -> ProposalState {
        ProposalState::from_code(&self.state).unwrap_or(ProposalState::Draft)
    }
}

/// A validated new proposal by members: the lead proposer first, then the co-signers.
#[derive(Clone, Debug)]
pub struct NewProposal {
    pub kind: ProposalKind,
    pub session_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub suggested_units: String,
    pub lead_member_id: i64,
    pub cosigner_ids: Vec<i64>,
}

/// Saves a draft with its signers (the lead proposer counts as confirmed).
pub async fn create_draft(db: &impl TransactionTrait, committee_id: i64, p: &NewProposal, who: &Who) -> Result<Proposal, DbErr> {
    let txn = db.begin().await?;
    let saved = insert(&txn, committee_id, p, (model::SubmitterKind::Member, ""), ProposalState::Draft, who).await?;
    event(&txn, &saved, who, Move { action: "create", from: None, to: ProposalState::Draft, comment: "", at: saved.created_at }).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("起草提案《{}》", saved.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Registers a collective proposal (sector, group, organisation, special committee) that staff
/// received on paper: it is sent in at once; the lead member is its contact.
pub async fn create_collective(db: &impl TransactionTrait, committee_id: i64, p: &NewProposal, kind: model::SubmitterKind, name: &str, who: &Who) -> Result<Proposal, DbErr> {
    let txn = db.begin().await?;
    let saved = insert(&txn, committee_id, p, (kind, name), ProposalState::Submitted, who).await?;
    event(&txn, &saved, who, Move { action: "create", from: None, to: ProposalState::Submitted, comment: name, at: saved.created_at }).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("登记{name}提案《{}》", saved.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn insert(txn: &impl ConnectionTrait, committee_id: i64, p: &NewProposal, submitter: (model::SubmitterKind, &str), state: ProposalState, who: &Who) -> Result<Proposal, DbErr> {
    let now = Utc::now();
    let saved = proposal::ActiveModel {
        committee_id: Set(committee_id),
        session_id: Set(p.session_id),
        kind: Set(p.kind.as_str().into()),
        title: Set(p.title.clone()),
        body: Set(p.body.clone()),
        submitter_kind: Set(submitter.0.as_str().into()),
        submitter_name: Set(submitter.1.into()),
        suggested_units: Set(p.suggested_units.clone()),
        state: Set(state.as_str().into()),
        key_proposal: Set(false),
        disclose: Set(false),
        excellent: Set(false),
        rehandled: Set(0),
        created_by: Set(who.actor_id),
        submitted_at: Set((state == ProposalState::Submitted).then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let signers = std::iter::once(p.lead_member_id).chain(p.cosigner_ids.iter().copied()).enumerate().map(|(i, m)| signer::ActiveModel {
        proposal_id: Set(saved.id),
        member_id: Set(m),
        position: Set(i as i32),
        confirmed_at: Set((i == 0).then_some(now)),
    });
    signer::Entity::insert_many(signers).exec(txn).await?;
    Ok(saved)
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Proposal>, DbErr> {
    proposal::Entity::find_by_id(id).filter(proposal::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The signers in order: (member id, confirmed).
pub async fn signers(db: &impl ConnectionTrait, proposal_id: i64) -> Result<Vec<(i64, bool)>, DbErr> {
    let rows = signer::Entity::find().filter(signer::Column::ProposalId.eq(proposal_id)).order_by_asc(signer::Column::Position).all(db).await?;
    Ok(rows.into_iter().map(|s| (s.member_id, s.confirmed_at.is_some())).collect())
}

/// What `member_id` is to a proposal, as the state machine sees actors.
pub async fn role_of(db: &impl ConnectionTrait, p: &Proposal, member_id: i64) -> Result<Option<ProposalActor>, DbErr> {
    Ok(signers(db, p.id).await?.iter().position(|(m, _)| *m == member_id).map(|i| if i == 0 { ProposalActor::Lead } else { ProposalActor::CoSigner }))
}

/// Changes the text of a draft; only its lead proposer may, and only while it is editable.
pub async fn edit(db: &impl TransactionTrait, p: &Proposal, actor: Option<ProposalActor>, text: &NewText, who: &Who) -> AppResult<Proposal> {
    if actor != Some(ProposalActor::Lead) {
        return Err(AppError::Forbidden);
    }
    if !p.state().editable() {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    let mut am = p.clone().into_active_model();
    am.kind = Set(text.kind.as_str().into());
    am.title = Set(text.title.clone());
    am.body = Set(text.body.clone());
    am.suggested_units = Set(text.suggested_units.clone());
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    event(&txn, p, who, Move { action: "edit", from: Some(p.state()), to: p.state(), comment: "", at: Utc::now() }).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, p.id, format!("修改提案《{}》", text.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// What the lead proposer may change in a draft or a returned proposal.
#[derive(Clone, Debug)]
pub struct NewText {
    pub kind: ProposalKind,
    pub title: String,
    pub body: String,
    pub suggested_units: String,
}

/// One move as the timeline records it.
pub(crate) struct Move<'a> {
    pub action: &'a str,
    pub from: Option<ProposalState>,
    pub to: ProposalState,
    pub comment: &'a str,
    pub at: DateTime<Utc>,
}

pub(crate) async fn event(txn: &impl ConnectionTrait, p: &Proposal, who: &Who, m: Move<'_>) -> Result<(), DbErr> {
    let e = NewEvent {
        committee_id: p.committee_id,
        item_type: ITEM_TYPE,
        item_id: p.id,
        actor_id: who.actor_id,
        actor_name: &who.actor_name,
        action: m.action,
        from_state: m.from.map(ProposalState::as_str),
        to_state: Some(m.to.as_str()),
        comment: m.comment,
    };
    tracking::record_at(txn, e, m.at).await
}

/// A co-signer confirms; the last confirmation sends the proposal in.
pub async fn cosign(db: &impl TransactionTrait, p: &Proposal, member_id: i64, who: &Who) -> AppResult<Proposal> {
    let txn = db.begin().await?;
    let list = signers(&txn, p.id).await?;
    let Some(pos) = list.iter().position(|(m, _)| *m == member_id).filter(|i| *i > 0) else {
        return Err(AppError::Forbidden);
    };
    if list[pos].1 {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let last = list.iter().enumerate().all(|(i, (_, confirmed))| *confirmed || i == pos);
    let to = model::apply(p.state(), ProposalAction::CoSign { last }, ProposalActor::CoSigner).map_err(|e| AppError::invalid("action", e.key()))?;
    let now = Utc::now();
    signer::Entity::update_many()
        .col_expr(signer::Column::ConfirmedAt, Expr::value(now))
        .filter(signer::Column::ProposalId.eq(p.id))
        .filter(signer::Column::MemberId.eq(member_id))
        .exec(&txn)
        .await?;
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    if to == ProposalState::Submitted {
        am.submitted_at = Set(Some(now));
    }
    am.updated_at = Set(now);
    let saved = am.update(&txn).await?;
    event(&txn, p, who, Move { action: "cosign", from: Some(p.state()), to, comment: "", at: now }).await?;
    audit::record(&txn, who, "cosign", ITEM_TYPE, p.id, format!("附议提案《{}》", p.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Moves a proposal (other than co-signing and filing) and records why.
pub async fn transition(db: &impl TransactionTrait, p: &Proposal, action: ProposalAction, actor: ProposalActor, reason: &str, who: &Who) -> AppResult<Proposal> {
    let from = p.state();
    let to = model::apply(from, action, actor).map_err(|e| AppError::invalid("action", e.key()))?;
    if matches!(action, ProposalAction::Return | ProposalAction::Reject | ProposalAction::Convert { .. }) && reason.trim().is_empty() {
        return Err(AppError::invalid("reason", "err.required"));
    }
    let now = Utc::now();
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(now);
    if to == ProposalState::Submitted {
        am.submitted_at = Set(Some(now));
    }
    if to == ProposalState::Concluded {
        am.concluded_at = Set(Some(now));
    }
    if !reason.trim().is_empty() {
        am.reason = Set(Some(reason.trim().to_string()));
    }
    let name = action_name(action);
    let txn = db.begin().await?;
    if to == ProposalState::CollectingSignatures {
        // The co-signers confirm the text being sent in, which may have changed since they last
        // did (a supplement after a return, or an edit after a withdrawal).
        signer::Entity::update_many()
            .col_expr(signer::Column::ConfirmedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(signer::Column::ProposalId.eq(p.id))
            .filter(signer::Column::Position.gt(0))
            .exec(&txn)
            .await?;
    }
    let saved = am.update(&txn).await?;
    event(&txn, p, who, Move { action: name, from: Some(from), to, comment: reason.trim(), at: now }).await?;
    audit::record(&txn, who, name, ITEM_TYPE, p.id, format!("提案《{}》：{} → {}", p.title, from.as_str(), to.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

fn action_name(a: ProposalAction) -> &'static str {
    match a {
        ProposalAction::Submit { .. } => "submit",
        ProposalAction::CoSign { .. } => "cosign",
        ProposalAction::Withdraw => "withdraw",
        ProposalAction::Return => "return",
        ProposalAction::Accept => "accept",
        ProposalAction::File => "file",
        ProposalAction::Merge => "merge",
        ProposalAction::Reject => "reject",
        ProposalAction::Convert { .. } => "convert",
        ProposalAction::Assign => "assign",
        ProposalAction::Object { .. } => "object",
        ProposalAction::Answer => "answer",
        ProposalAction::Rate { .. } => "rate",
        ProposalAction::Conclude { .. } => "conclude",
    }
}

/// 立案: gives the proposal the next number of its session in the committee's `format`.
/// Concurrent filings that pick the same number collide on the unique index (or, on SQLite, on
/// the write lock); the loser starts over with a fresh transaction.
pub async fn file(db: &impl TransactionTrait, p: &Proposal, format: &str, who: &Who) -> AppResult<Proposal> {
    let to = model::apply(p.state(), ProposalAction::File, ProposalActor::Staff).map_err(|e| AppError::invalid("action", e.key()))?;
    let session = p.session_id.ok_or(AppError::invalid("session_id", "err.no_session"))?;
    let mut attempt = 0;
    loop {
        let txn = db.begin().await?;
        match file_once(&txn, p, session, format, to, who).await {
            Ok(saved) => match txn.commit().await {
                Ok(()) => return Ok(saved),
                Err(e) if retryable(&e) && attempt < 20 => {}
                Err(e) => return Err(e.into()),
            },
            Err(e) if retryable(&e) && attempt < 20 => {
                let _ = txn.rollback().await;
            }
            Err(e) => return Err(e.into()),
        }
        attempt += 1;
        tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
    }
}

async fn file_once(txn: &impl ConnectionTrait, p: &Proposal, session: i64, format: &str, to: ProposalState, who: &Who) -> Result<Proposal, DbErr> {
    let current: Option<i64> = proposal::Entity::find()
        .filter(proposal::Column::CommitteeId.eq(p.committee_id))
        .filter(proposal::Column::SessionId.eq(session))
        .select_only()
        .column_as(Expr::expr(Func::max(Expr::col(proposal::Column::Seq))).cast_as(sea_orm::sea_query::Alias::new("BIGINT")), "m")
        .into_tuple::<Option<i64>>()
        .one(txn)
        .await?
        .flatten();
    let seq = current.unwrap_or(0) as i32 + 1;
    let now = Utc::now();
    let number = model::format_number(format, model::year_of(crate::app::shell::local_date(&now)), seq as u32);
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.seq = Set(Some(seq));
    am.number = Set(Some(number.clone()));
    am.filed_at = Set(Some(now));
    am.updated_at = Set(now);
    let saved = am.update(txn).await?;
    event(txn, p, who, Move { action: "file", from: Some(p.state()), to, comment: &number, at: now }).await?;
    audit::record(txn, who, "file", ITEM_TYPE, p.id, format!("提案《{}》立案 {number}", p.title)).await?;
    Ok(saved)
}

/// A clash another try can resolve: the number was taken meanwhile, or SQLite's writer lock.
fn retryable(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) || {
        let text = e.to_string();
        text.contains("database is locked") || text.contains("could not serialize")
    }
}

/// Which proposals a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListScope {
    /// Everything sent in (staff, leaders).
    SentIn,
    /// What a member signs, drafts included.
    SignedBy(i64),
    /// What was handed to a unit (its withdrawn parts excepted).
    Unit(i64),
}

/// The API's filters.
#[derive(Clone, Debug, Default)]
pub struct ApiFilter {
    pub state: Option<ProposalState>,
    pub session_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub member_id: Option<i64>,
    pub key: Option<bool>,
    /// Submitted on or after.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub to: Option<DateTime<Utc>>,
    /// In one of these states (none: any).
    pub states: Vec<ProposalState>,
    /// The title contains this text, or the number is this text.
    pub text: Option<String>,
    /// Held by units past its deadline on this day.
    pub overdue_on: Option<chrono::NaiveDate>,
    /// Waiting for this member's co-signature.
    pub cosign_pending: Option<i64>,
    /// Answered and not yet rated by this member in the current round.
    pub to_rate: Option<i64>,
    /// This unit has an open part (to object, give its opinion or reply).
    pub unit_open: Option<i64>,
    /// Supervised by this leader (member record).
    pub supervisor: Option<i64>,
    pub excellent: Option<bool>,
    pub disclose: Option<bool>,
    /// Submitted from `from` to `to` (China dates, inclusive) and signed by one of the scope's
    /// members: the statistics' cohort (`proposals::metrics`).
    pub cohort: Option<(chrono::NaiveDate, chrono::NaiveDate, crate::proposals::metrics::MetricScope)>,
    /// Given a filing number (立案) or not.
    pub filed: Option<bool>,
}

fn signed_by(m: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select().column(signer::Column::ProposalId).from(signer::Entity).and_where(signer::Column::MemberId.eq(m)).to_owned()
}

fn handed_to(u: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(part::Column::ProposalId)
        .from(part::Entity)
        .and_where(part::Column::UnitId.eq(u))
        .and_where(part::Column::State.ne(model::PartState::Withdrawn.as_str()))
        .to_owned()
}

fn scoped(committee_id: i64, scope: ListScope, f: &ApiFilter) -> sea_orm::Select<proposal::Entity> {
    let mut q = proposal::Entity::find().filter(proposal::Column::CommitteeId.eq(committee_id));
    q = match scope {
        ListScope::Unit(u) => q.filter(proposal::Column::Id.in_subquery(handed_to(u))),
        ListScope::SignedBy(m) => q.filter(proposal::Column::Id.in_subquery(signed_by(m))),
        ListScope::SentIn => q.filter(proposal::Column::State.is_not_in([ProposalState::Draft.as_str(), ProposalState::CollectingSignatures.as_str()])),
    };
    if let Some(s) = f.state {
        q = q.filter(proposal::Column::State.eq(s.as_str()));
    }
    if let Some(s) = f.session_id {
        q = q.filter(proposal::Column::SessionId.eq(s));
    }
    if let Some(u) = f.unit_id {
        q = q.filter(proposal::Column::Id.in_subquery(handed_to(u)));
    }
    if let Some(m) = f.member_id {
        q = q.filter(proposal::Column::Id.in_subquery(signed_by(m)));
    }
    if let Some(k) = f.key {
        q = q.filter(proposal::Column::KeyProposal.eq(k));
    }
    if let Some(from) = f.from {
        q = q.filter(proposal::Column::SubmittedAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(proposal::Column::SubmittedAt.lt(to));
    }
    if !f.states.is_empty() {
        q = q.filter(proposal::Column::State.is_in(f.states.iter().map(|s| s.as_str())));
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(sea_orm::Condition::any().add(proposal::Column::Title.contains(t)).add(proposal::Column::Number.eq(t)));
    }
    if let Some(day) = f.overdue_on {
        let held = ProposalState::ALL.into_iter().filter(|s| s.with_units()).map(ProposalState::as_str);
        q = q.filter(proposal::Column::State.is_in(held)).filter(proposal::Column::Deadline.lt(day));
    }
    if let Some(m) = f.cosign_pending {
        let pending = sea_orm::sea_query::Query::select()
            .column(signer::Column::ProposalId)
            .from(signer::Entity)
            .and_where(signer::Column::MemberId.eq(m))
            .and_where(signer::Column::ConfirmedAt.is_null())
            .to_owned();
        q = q.filter(proposal::Column::State.eq(ProposalState::CollectingSignatures.as_str())).filter(proposal::Column::Id.in_subquery(pending));
    }
    if let Some(m) = f.to_rate {
        // Rated in the current round: the rating's round equals the proposal's re-handlings.
        // Asked per proposal through ux_proposal_ratings (proposal_id, round, member_id): a
        // NOT IN list would read every rating of the table for each answered proposal.
        let rated = sea_orm::sea_query::Query::select()
            .expr(Expr::val(1))
            .from(rating::Entity)
            .and_where(Expr::col((rating::Entity, rating::Column::ProposalId)).equals((proposal::Entity, proposal::Column::Id)))
            .and_where(Expr::col((rating::Entity, rating::Column::Round)).equals((proposal::Entity, proposal::Column::Rehandled)))
            .and_where(Expr::col((rating::Entity, rating::Column::MemberId)).eq(m))
            .to_owned();
        q = q
            .filter(proposal::Column::State.eq(ProposalState::Answered.as_str()))
            .filter(proposal::Column::Id.in_subquery(signed_by(m)))
            .filter(Expr::exists(rated).not());
    }
    if let Some(u) = f.unit_open {
        let parts_in = |states: &[model::PartState]| {
            sea_orm::sea_query::Query::select()
                .column(part::Column::ProposalId)
                .from(part::Entity)
                .and_where(part::Column::UnitId.eq(u))
                .and_where(part::Column::State.is_in(states.iter().map(|s| s.as_str())))
                .to_owned()
        };
        // To answer (or redo), or — a co-unit — to co-sign the lead's reply now written.
        let replied = sea_orm::sea_query::Query::select()
            .column(part::Column::ProposalId)
            .from(part::Entity)
            .and_where(part::Column::Role.eq("answering"))
            .and_where(part::Column::State.eq(model::PartState::Replied.as_str()))
            .to_owned();
        let to_cosign = sea_orm::Condition::all()
            .add(proposal::Column::Id.in_subquery(parts_in(&[model::PartState::OpinionSent])))
            .add(proposal::Column::Id.in_subquery(replied));
        let open = sea_orm::Condition::any().add(proposal::Column::Id.in_subquery(parts_in(&[model::PartState::Assigned, model::PartState::SentBack]))).add(to_cosign);
        let held = ProposalState::ALL.into_iter().filter(|s| s.with_units()).map(ProposalState::as_str);
        q = q.filter(proposal::Column::State.is_in(held)).filter(open);
    }
    if let Some(s) = f.supervisor {
        q = q.filter(proposal::Column::SupervisorId.eq(s));
    }
    if let Some(e) = f.excellent {
        q = q.filter(proposal::Column::Excellent.eq(e));
    }
    if let Some(d) = f.disclose {
        q = q.filter(proposal::Column::Disclose.eq(d));
    }
    if let Some((from, to, scope)) = &f.cohort {
        q = q.filter(crate::proposals::metrics::in_period(committee_id, *from, *to, scope));
    }
    match f.filed {
        Some(true) => q = q.filter(proposal::Column::Number.is_not_null()),
        Some(false) => q = q.filter(proposal::Column::Number.is_null()),
        None => {}
    }
    q
}

/// Proposals of a committee in a scope, latest first; optionally in one state.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, state: Option<ProposalState>, scope: ListScope, limit: u64) -> Result<Vec<Proposal>, DbErr> {
    let f = ApiFilter { state, ..Default::default() };
    scoped(committee_id, scope, &f).order_by_desc(proposal::Column::UpdatedAt).order_by_desc(proposal::Column::Id).limit(limit).all(db).await
}

/// One page of proposals under the API's filters, with the total.
pub async fn search(db: &impl ConnectionTrait, committee_id: i64, scope: ListScope, f: &ApiFilter, page: crate::app::pagination::PageRequest) -> Result<(Vec<Proposal>, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let q = scoped(committee_id, scope, f);
    let total = q.clone().count(db).await?;
    let rows = ordered(q, f).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

/// How many proposals are under the filters.
pub async fn count(db: &impl ConnectionTrait, committee_id: i64, scope: ListScope, f: &ApiFilter) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    scoped(committee_id, scope, f).count(db).await
}

/// Overdue lists show the longest overdue first; everything else the latest first.
fn ordered(q: sea_orm::Select<proposal::Entity>, f: &ApiFilter) -> sea_orm::Select<proposal::Entity> {
    if f.overdue_on.is_some() { q.order_by_asc(proposal::Column::Deadline).order_by_asc(proposal::Column::Id) } else { q.order_by_desc(proposal::Column::Id) }
}

/// Every proposal under the filters, numbered ones in number order, up to `cap` (the register).
pub async fn register(db: &impl ConnectionTrait, committee_id: i64, scope: ListScope, f: &ApiFilter, cap: u64) -> Result<Vec<Proposal>, DbErr> {
    scoped(committee_id, scope, f)
        .order_by_asc(proposal::Column::SessionId)
        // Numbered first on both databases (they sort NULL differently).
        .order_by(Expr::col(proposal::Column::Seq).is_null(), sea_orm::Order::Asc)
        .order_by_asc(proposal::Column::Seq)
        .order_by_asc(proposal::Column::Id)
        .limit(cap)
        .all(db)
        .await
}

/// One proposal, if it is in the scope.
pub async fn search_one(db: &impl ConnectionTrait, committee_id: i64, scope: ListScope, f: &ApiFilter, id: i64) -> Result<Option<Proposal>, DbErr> {
    scoped(committee_id, scope, f).filter(proposal::Column::Id.eq(id)).one(db).await
}

/// The signers of each given proposal in order (lead first), asked in chunks so that a long
/// register stays within the databases' parameter limits.
pub async fn signers_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<std::collections::HashMap<i64, Vec<i64>>, DbErr> {
    let mut out: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i64, i64)> = signer::Entity::find()
            .filter(signer::Column::ProposalId.is_in(chunk.to_vec()))
            .order_by_asc(signer::Column::ProposalId)
            .order_by_asc(signer::Column::Position)
            .select_only()
            .column(signer::Column::ProposalId)
            .column(signer::Column::MemberId)
            .into_tuple()
            .all(db)
            .await?;
        for (p, m) in rows {
            out.entry(p).or_default().push(m);
        }
    }
    Ok(out)
}

/// The parts of each given proposal (in chunks, as above).
pub async fn parts_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<std::collections::HashMap<i64, Vec<Part>>, DbErr> {
    let mut out: std::collections::HashMap<i64, Vec<Part>> = std::collections::HashMap::new();
    for chunk in ids.chunks(5_000) {
        for x in part::Entity::find().filter(part::Column::ProposalId.is_in(chunk.to_vec())).order_by_asc(part::Column::Id).all(db).await? {
            out.entry(x.proposal_id).or_default().push(x);
        }
    }
    Ok(out)
}

/// Each proposer's latest rating of each given proposal (in member id order).
pub async fn latest_ratings(db: &impl ConnectionTrait, ids: &[i64]) -> Result<std::collections::HashMap<i64, Vec<model::Satisfaction>>, DbErr> {
    let mut latest: std::collections::BTreeMap<(i64, i64), (i32, i64, model::Satisfaction)> = std::collections::BTreeMap::new();
    for chunk in ids.chunks(5_000) {
        for r in rating::Entity::find().filter(rating::Column::ProposalId.is_in(chunk.to_vec())).all(db).await? {
            let Some(s) = model::Satisfaction::from_code(&r.satisfaction) else { continue };
            let e = latest.entry((r.proposal_id, r.member_id)).or_insert((r.round, r.id, s));
            if (r.round, r.id) > (e.0, e.1) {
                *e = (r.round, r.id, s);
            }
        }
    }
    let mut out: std::collections::HashMap<i64, Vec<model::Satisfaction>> = std::collections::HashMap::new();
    for ((p, _), (_, _, s)) in latest {
        out.entry(p).or_default().push(s);
    }
    Ok(out)
}

/// The lead proposer of each given proposal.
pub async fn leads(db: &impl ConnectionTrait, ids: &[i64]) -> Result<std::collections::HashMap<i64, i64>, DbErr> {
    let rows: Vec<(i64, i64)> = signer::Entity::find()
        .filter(signer::Column::ProposalId.is_in(ids.to_vec()))
        .filter(signer::Column::Position.eq(0))
        .select_only()
        .column(signer::Column::ProposalId)
        .column(signer::Column::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The proposals `p` may be merged into: numbered, not yet answered, of the same session.
pub async fn hosts_for(db: &impl ConnectionTrait, p: &Proposal) -> Result<Vec<Proposal>, DbErr> {
    let states = ProposalState::ALL.into_iter().filter(|s| model::may_host(*s)).map(ProposalState::as_str);
    let mut q = proposal::Entity::find().filter(proposal::Column::CommitteeId.eq(p.committee_id)).filter(proposal::Column::Id.ne(p.id)).filter(proposal::Column::State.is_in(states));
    q = match p.session_id {
        Some(s) => q.filter(proposal::Column::SessionId.eq(s)),
        None => q.filter(proposal::Column::SessionId.is_null()),
    };
    q.order_by_asc(proposal::Column::Seq).limit(1_000).all(db).await
}

/// (id, number, title) of the other proposals sent in for the same session, to compare titles.
pub async fn titles_of_session(db: &impl ConnectionTrait, committee_id: i64, session_id: Option<i64>, except: i64) -> Result<Vec<(i64, Option<String>, String)>, DbErr> {
    let mut q = proposal::Entity::find()
        .filter(proposal::Column::CommitteeId.eq(committee_id))
        .filter(proposal::Column::Id.ne(except))
        .filter(proposal::Column::State.is_not_in([ProposalState::Draft.as_str(), ProposalState::CollectingSignatures.as_str()]));
    q = match session_id {
        Some(s) => q.filter(proposal::Column::SessionId.eq(s)),
        None => q.filter(proposal::Column::SessionId.is_null()),
    };
    q.select_only().column(proposal::Column::Id).column(proposal::Column::Number).column(proposal::Column::Title).into_tuple().all(db).await
}

pub mod part {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "proposal_parts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub unit_id: i64,
        /// "answering" or "co_unit".
        pub role: String,
        pub state: String,
        /// "A", "B" or "C" once replied.
        pub class: Option<String>,
        pub reply: Option<String>,
        pub deadline: Date,
        pub replied_at: Option<DateTimeUtc>,
        pub approved_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod rating {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "proposal_ratings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub member_id: i64,
        /// 0 for the first answer, 1 after a re-handling.
        pub round: i32,
        pub satisfaction: String,
        /// Whether the unit made contact with the proposer before answering.
        pub contacted: bool,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use part::Model as Part;

impl Part {
    pub fn state(&self) -> model::PartState {
        model::PartState::from_code(&self.state).unwrap_or(model::PartState::Assigned)
    }

    pub fn role(&self) -> model::PartRole {
        if self.role == "co_unit" { model::PartRole::CoUnit } else { model::PartRole::Answering }
    }
}

/// The units' parts of a proposal, in assignment order (withdrawn ones included).
pub async fn parts(db: &impl ConnectionTrait, proposal_id: i64) -> Result<Vec<Part>, DbErr> {
    part::Entity::find().filter(part::Column::ProposalId.eq(proposal_id)).order_by_asc(part::Column::Id).all(db).await
}

/// 交办: hands a filed (or objected) proposal to units in `mode`, with the answer deadline three
/// months from `on`. Parts of an earlier assignment that are still open are withdrawn.
pub async fn assign(db: &impl TransactionTrait, p: &Proposal, mode: model::AssignMode, lead: Option<i64>, others: &[i64], on: chrono::NaiveDate, who: &Who) -> AppResult<Proposal> {
    use model::{AssignMode, PartRole, PartState};
    mode.check_units(lead, others).map_err(|key| AppError::invalid("unit_ids", key))?;
    let from = p.state();
    let to = model::apply(from, ProposalAction::Assign, ProposalActor::Staff).map_err(|e| AppError::invalid("action", e.key()))?;
    let deadline = model::answer_deadline(on);
    let now = Utc::now();
    let txn = db.begin().await?;
    for old in parts(&txn, p.id).await? {
        if model::apply_part(old.state(), old.role(), model::PartAction::Withdraw, model::PartActor::Staff).is_ok() {
            set_part_state(&txn, &old, PartState::Withdrawn, now).await?;
        }
    }
    // 单办 and 会办: the lead answers; 分办: every unit answers its part; 会办 co-units give opinions.
    let mut rows: Vec<(i64, PartRole)> = lead.map(|l| (l, PartRole::Answering)).into_iter().collect();
    let other_role = if mode == AssignMode::Joint { PartRole::CoUnit } else { PartRole::Answering };
    rows.extend(others.iter().map(|u| (*u, other_role)));
    for (unit, role) in &rows {
        part::ActiveModel {
            proposal_id: Set(p.id),
            unit_id: Set(*unit),
            role: Set(if *role == PartRole::CoUnit { "co_unit" } else { "answering" }.into()),
            state: Set(PartState::Assigned.as_str().into()),
            deadline: Set(deadline),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.mode = Set(Some(mode.as_str().into()));
    am.assigned_at = Set(Some(on));
    am.deadline = Set(Some(deadline));
    am.updated_at = Set(now);
    let saved = am.update(&txn).await?;
    event(&txn, p, who, Move { action: "assign", from: Some(from), to, comment: mode.name_zh(), at: now }).await?;
    audit::record(&txn, who, "assign", ITEM_TYPE, p.id, format!("交办提案《{}》：{} 个单位", p.title, rows.len())).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn set_part_state(txn: &impl ConnectionTrait, part: &Part, to: model::PartState, now: DateTime<Utc>) -> Result<Part, DbErr> {
    let mut am = part.clone().into_active_model();
    am.state = Set(to.as_str().into());
    if to == model::PartState::Approved {
        am.approved_at = Set(Some(now));
    }
    am.update(txn).await
}

/// Co-units that co-signed a reply being redone go back to co-sign the next one.
async fn reopen_cosigned(txn: &impl ConnectionTrait, all: &[Part], now: DateTime<Utc>) -> Result<(), DbErr> {
    for x in all.iter().filter(|x| x.role() == model::PartRole::CoUnit && x.state() == model::PartState::CoSigned) {
        set_part_state(txn, x, model::PartState::OpinionSent, now).await?;
    }
    Ok(())
}

/// What a unit sends with a move of its part.
#[derive(Clone, Debug, Default)]
pub struct PartInput {
    pub class: Option<model::AnswerClass>,
    pub text: String,
}

/// Moves one unit's part (object, opinion, reply; staff approve or send back). Approving the
/// last answering part answers the proposal; an objection sends the proposal back to staff.
pub async fn move_part(db: &impl TransactionTrait, p: &Proposal, part_id: i64, action: model::PartAction, actor: model::PartActor, input: &PartInput, who: &Who) -> AppResult<Proposal> {
    use model::{PartAction, PartState};
    let txn = db.begin().await?;
    let all = parts(&txn, p.id).await?;
    let part = all.iter().find(|x| x.id == part_id).ok_or(AppError::NotFound)?;
    if !p.state().with_units() {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let to = model::apply_part(part.state(), part.role(), action, actor).map_err(|e| AppError::invalid("action", e.key()))?;
    let now = Utc::now();
    let co: Vec<PartState> = all.iter().filter(|x| x.role() == model::PartRole::CoUnit).map(|x| x.state()).collect();
    let lead = all.iter().find(|x| x.role() == model::PartRole::Answering && x.state() != PartState::Withdrawn).map(|x| x.state());
    let (assigned, today) = (p.assigned_at.unwrap_or_else(|| crate::app::shell::local_date(&now)), crate::app::shell::local_date(&now));
    model::joint_order(action, part.role(), lead, &co, assigned, today).map_err(|key| AppError::invalid("action", key))?;
    if matches!(action, PartAction::Reply | PartAction::SendOpinion | PartAction::Object { .. } | PartAction::SendBack) && input.text.trim().is_empty() {
        return Err(AppError::invalid("text", "err.required"));
    }
    let mut am = part.clone().into_active_model();
    am.state = Set(to.as_str().into());
    match action {
        PartAction::Reply => {
            let class = input.class.ok_or(AppError::invalid("class", "err.choice"))?;
            am.class = Set(Some(class.as_str().into()));
            am.reply = Set(Some(input.text.trim().to_string()));
            am.replied_at = Set(Some(now));
        }
        PartAction::SendOpinion => am.reply = Set(Some(input.text.trim().to_string())),
        PartAction::Approve => {
            // The reviewing staff may correct the class the unit gave.
            if let Some(class) = input.class {
                am.class = Set(Some(class.as_str().into()));
            }
            am.approved_at = Set(Some(now));
        }
        _ => {}
    }
    am.update(&txn).await?;
    if action == PartAction::SendBack {
        // The reply will change: the co-units co-sign the new one.
        reopen_cosigned(&txn, &all, now).await?;
    }
    let mut saved = p.clone();
    let after: Vec<(model::PartRole, PartState)> = all.iter().map(|x| (x.role(), if x.id == part_id { to } else { x.state() })).collect();
    let proposal_move = match action {
        PartAction::Object { within_window } => Some(ProposalAction::Object { within_window }),
        PartAction::Approve if model::all_answered(&after) => Some(ProposalAction::Answer),
        _ => None,
    };
    let name = match action {
        PartAction::Object { .. } => "part_object",
        PartAction::SendOpinion => "part_opinion",
        PartAction::Reply => "part_reply",
        PartAction::CoSign => "part_cosign",
        PartAction::Approve => "part_approve",
        PartAction::SendBack => "part_send_back",
        PartAction::Reopen => "part_reopen",
        PartAction::Withdraw => "part_withdraw",
    };
    let from = p.state();
    let mut state_to = from;
    if let Some(m) = proposal_move {
        let actor = if matches!(m, ProposalAction::Object { .. }) { ProposalActor::AssignedUnit } else { ProposalActor::Staff };
        state_to = model::apply(from, m, actor).map_err(|e| AppError::invalid("action", e.key()))?;
        let mut pm = p.clone().into_active_model();
        pm.state = Set(state_to.as_str().into());
        if state_to == ProposalState::Answered {
            pm.answered_at = Set(Some(now));
        }
        pm.updated_at = Set(now);
        saved = pm.update(&txn).await?;
    }
    // An approval names the class the answer stands with (the reviewer may have changed it).
    let comment = match (action, input.class.map(model::AnswerClass::as_str).or(part.class.as_deref())) {
        (PartAction::Approve, Some(class)) => format!("{class}类"),
        _ => input.text.trim().to_string(),
    };
    event(&txn, p, who, Move { action: name, from: Some(from), to: state_to, comment: &comment, at: now }).await?;
    audit::record(&txn, who, name, ITEM_TYPE, p.id, format!("提案《{}》承办：{}", p.title, to.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// A proposer rates the answer (and says whether the unit made contact). When everyone has
/// rated it is evaluated; an unsatisfied rating while a re-handling is left reopens the
/// answering parts.
pub async fn rate(db: &impl TransactionTrait, p: &Proposal, member_id: i64, satisfaction: model::Satisfaction, contacted: bool, who: &Who) -> AppResult<Proposal> {
    let txn = db.begin().await?;
    let signers = signers(&txn, p.id).await?;
    if !signers.iter().any(|(m, _)| *m == member_id) {
        return Err(AppError::Forbidden);
    }
    let round = p.rehandled;
    let rated: Vec<i64> = rating::Entity::find()
        .filter(rating::Column::ProposalId.eq(p.id))
        .filter(rating::Column::Round.eq(round))
        .select_only()
        .column(rating::Column::MemberId)
        .into_tuple()
        .all(&txn)
        .await?;
    if rated.contains(&member_id) {
        return Err(AppError::invalid("satisfaction", "err.already_rated"));
    }
    let all_rated = signers.iter().all(|(m, _)| *m == member_id || rated.contains(m));
    let action = ProposalAction::Rate { satisfaction, all_rated, rehandled: p.rehandled as u32, max_rehandle: model::MAX_REHANDLE };
    let from = p.state();
    let to = model::apply(from, action, ProposalActor::Proposer).map_err(|e| AppError::invalid("action", e.key()))?;
    let now = Utc::now();
    rating::ActiveModel { proposal_id: Set(p.id), member_id: Set(member_id), round: Set(round), satisfaction: Set(satisfaction.as_str().into()), contacted: Set(contacted), at: Set(now), ..Default::default() }
        .insert(&txn)
        .await?;
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(now);
    if to == ProposalState::Rehandling {
        am.rehandled = Set(p.rehandled + 1);
        for x in parts(&txn, p.id).await? {
            if let Ok(to) = model::apply_part(x.state(), x.role(), model::PartAction::Reopen, model::PartActor::Staff) {
                set_part_state(&txn, &x, to, now).await?;
            }
        }
    }
    let saved = am.update(&txn).await?;
    let label = crate::app::i18n::Lang::Zh.t(satisfaction.label_key());
    event(&txn, p, who, Move { action: "rate", from: Some(from), to, comment: label, at: now }).await?;
    audit::record(&txn, who, "rate", ITEM_TYPE, p.id, format!("评价提案《{}》答复：{label}", p.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Has this proposer rated the current answer (this round)?
pub async fn rated_this_round(db: &impl ConnectionTrait, p: &Proposal, member_id: i64) -> Result<bool, DbErr> {
    use sea_orm::PaginatorTrait;
    let n = rating::Entity::find()
        .filter(rating::Column::ProposalId.eq(p.id))
        .filter(rating::Column::MemberId.eq(member_id))
        .filter(rating::Column::Round.eq(p.rehandled))
        .count(db)
        .await?;
    Ok(n > 0)
}

/// 办结.
pub async fn conclude(db: &impl TransactionTrait, p: &Proposal, rating_closed: bool, who: &Who) -> AppResult<Proposal> {
    transition(db, p, ProposalAction::Conclude { rating_closed }, ProposalActor::Staff, "", who).await
}
