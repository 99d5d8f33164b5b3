//! Consultations in the database: topics, the year's plan, preparation (participants, notices,
//! linked research), the meeting and its minutes, outcomes handed to units, and leaders'
//! instructions. Every move goes through `model` and is written with its timeline event and
//! audit record in one transaction.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::PageRequest;
use crate::consultations::model::{
    self, ConsultationAction, ConsultationKind, ConsultationState, OutcomeAction, OutcomeActor, OutcomeState, PlanAction, PlanActor, PlanState, TopicSource,
};
use crate::tracking::store::{self as tracking, NewEvent};

pub const ITEM_TYPE: &str = "consultation";
pub const OUTCOME_TYPE: &str = "consultation_outcome";

pub mod plan {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultation_plans")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub year: i32,
        pub state: String,
        pub note: String,
        pub approved_by: Option<i64>,
        pub approved_at: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod consultation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub kind: String,
        pub source: String,
        pub state: String,
        pub title: String,
        pub topic: String,
        /// Who suggested the topic (a citizen's name, a unit, a member's name).
        pub suggested_by: String,
        /// A citizen's phone, for staff to call back; never shown publicly.
        pub suggester_phone: String,
        pub suggester_member_id: Option<i64>,
        pub plan_year: Option<i32>,
        pub place_id: Option<i64>,
        pub address: String,
        /// 座谈会, 现场协商, 网络议政 …
        pub format: String,
        pub meeting_on: Option<Date>,
        pub notice_sent_on: Option<Date>,
        pub materials_sent_on: Option<Date>,
        pub held_on: Option<Date>,
        /// The minutes' four parts.
        pub briefing: String,
        pub questions: String,
        pub answers: String,
        pub statements: String,
        pub minutes_issued_on: Option<Date>,
        pub closed_on: Option<Date>,
        pub decline_reason: String,
        /// Members and citizens may post opinions and vote on statements.
        pub deliberation_open: bool,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod participant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultation_participants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub consultation_id: i64,
        /// member, unit or citizen.
        pub kind: String,
        pub member_id: Option<i64>,
        pub unit_id: Option<i64>,
        /// A citizen representative's name, or the person a unit sent.
        pub name: String,
        /// invited, present, on_leave or absent.
        pub attendance: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod link {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultation_links")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub consultation_id: i64,
        /// visit or research_report.
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_type: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod outcome {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultation_outcomes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub consultation_id: i64,
        pub committee_id: i64,
        /// The agreed action.
        pub action: String,
        pub unit_id: i64,
        pub deadline: Date,
        pub state: String,
        /// The unit's latest progress report.
        pub progress: String,
        /// Why it could not be done.
        pub reason: String,
        pub satisfaction: Option<String>,
        pub done_on: Option<Date>,
        pub checked_on: Option<Date>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod instruction {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consultation_instructions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub consultation_id: i64,
        /// district, city, province or national.
        pub level: String,
        pub by_whom: String,
        pub on_date: Date,
        pub summary: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod statement {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "deliberation_statements")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub consultation_id: i64,
        pub body: String,
        /// Who wrote it: `m:{member}`, `u:{user}` or `c:{citizen key}`.
        pub author_key: String,
        pub author_name: String,
        /// Moderated away by staff.
        pub hidden: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod opinion {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "deliberation_opinions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub consultation_id: i64,
        pub body: String,
        pub author_key: String,
        pub author_name: String,
        pub hidden: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod vote {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "deliberation_votes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub statement_id: i64,
        /// One per person: `m:{member}`, `u:{user}` or `c:{citizen key}`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub voter_key: String,
        pub consultation_id: i64,
        /// agree, disagree or pass.
        pub vote: String,
        pub voted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use consultation::Model as Consultation;
pub use outcome::Model as Outcome;
pub use participant::Model as Participant;
pub use plan::Model as Plan;

impl Consultation {
    pub fn state(&self) -> ConsultationState {
        ConsultationState::from_code(&self.state).unwrap_or(ConsultationState::Proposed)
    }

    pub fn kind(&self) -> ConsultationKind {
        ConsultationKind::from_code(&self.kind).unwrap_or(ConsultationKind::Grassroots)
    }

    pub fn source(&self) -> TopicSource {
        TopicSource::from_code(&self.source).unwrap_or(TopicSource::Committee)
    }

    pub fn minutes(&self) -> [&str; 4] {
        [&self.briefing, &self.questions, &self.answers, &self.statements]
    }
}

impl Outcome {
    pub fn state(&self) -> OutcomeState {
        OutcomeState::from_code(&self.state).unwrap_or(OutcomeState::Assigned)
    }
}

impl Plan {
    pub fn state(&self) -> PlanState {
        PlanState::from_code(&self.state).unwrap_or(PlanState::Draft)
    }
}

/// A topic as it is put forward.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTopic {
    pub kind: ConsultationKind,
    pub source: TopicSource,
    pub title: String,
    pub topic: String,
    pub suggested_by: String,
    pub suggester_phone: String,
    pub suggester_member_id: Option<i64>,
    pub place_id: Option<i64>,
}

async fn event(db: &impl ConnectionTrait, c: &Consultation, who: &Who, action: &str, to: Option<ConsultationState>, comment: &str, at: DateTime<Utc>) -> Result<(), DbErr> {
    let e = NewEvent {
        committee_id: c.committee_id,
        item_type: ITEM_TYPE,
        item_id: c.id,
        actor_id: who.actor_id,
        actor_name: &who.actor_name,
        action,
        from_state: Some(c.state.as_str()),
        to_state: to.map(|s| s.as_str()),
        comment,
    };
    tracking::record_at(db, e, at).await
}

/// Records a topic (proposed) at `now` (the demo passes past instants).
pub async fn insert_topic(db: &impl ConnectionTrait, committee_id: i64, t: &NewTopic, who: &Who, now: DateTime<Utc>) -> Result<Consultation, DbErr> {
    let saved = consultation::ActiveModel {
        committee_id: Set(committee_id),
        kind: Set(t.kind.as_str().into()),
        source: Set(t.source.as_str().into()),
        state: Set(ConsultationState::Proposed.as_str().into()),
        title: Set(t.title.clone()),
        topic: Set(t.topic.clone()),
        suggested_by: Set(t.suggested_by.clone()),
        suggester_phone: Set(t.suggester_phone.clone()),
        suggester_member_id: Set(t.suggester_member_id),
        place_id: Set(t.place_id),
        address: Set(String::new()),
        format: Set(String::new()),
        briefing: Set(String::new()),
        questions: Set(String::new()),
        answers: Set(String::new()),
        statements: Set(String::new()),
        decline_reason: Set(String::new()),
        deliberation_open: Set(false),
        created_by: Set(who.actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    tracking::record_at(
        db,
        NewEvent { committee_id, item_type: ITEM_TYPE, item_id: saved.id, actor_id: who.actor_id, actor_name: &who.actor_name, action: "propose", from_state: None, to_state: Some("proposed"), comment: "" },
        now,
    )
    .await?;
    Ok(saved)
}

/// Puts a topic forward, with its audit record.
pub async fn propose(db: &impl TransactionTrait, committee_id: i64, t: &NewTopic, who: &Who) -> Result<Consultation, DbErr> {
    let txn = db.begin().await?;
    let saved = insert_topic(&txn, committee_id, t, who, Utc::now()).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("协商议题《{}》（{}）", t.title, t.source.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Consultation>, DbErr> {
    consultation::Entity::find_by_id(id).filter(consultation::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The year's plan, created as a draft the first time it is asked for.
pub async fn plan_for(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<Plan, DbErr> {
    if let Some(p) = plan::Entity::find().filter(plan::Column::CommitteeId.eq(committee_id)).filter(plan::Column::Year.eq(year)).one(db).await? {
        return Ok(p);
    }
    plan::ActiveModel {
        committee_id: Set(committee_id),
        year: Set(year),
        state: Set(PlanState::Draft.as_str().into()),
        note: Set(String::new()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

async fn plan_approved(db: &impl ConnectionTrait, committee_id: i64, year: Option<i32>) -> Result<bool, DbErr> {
    let Some(year) = year else { return Ok(false) };
    Ok(plan::Entity::find()
        .filter(plan::Column::CommitteeId.eq(committee_id))
        .filter(plan::Column::Year.eq(year))
        .filter(plan::Column::State.eq(PlanState::Approved.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Submits, approves or returns the year's plan. A returned plan keeps the leader's note.
pub async fn move_plan(db: &impl TransactionTrait, p: &Plan, action: PlanAction, actor: PlanActor, note: &str, who: &Who) -> AppResult<Plan> {
    let to = model::apply_plan(p.state(), action, actor).map_err(|e| AppError::invalid("action", e.key()))?;
    if action == PlanAction::Return && note.trim().is_empty() {
        return Err(AppError::invalid("note", "err.required"));
    }
    let now = Utc::now();
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(now);
    if !note.trim().is_empty() {
        am.note = Set(note.trim().to_string());
    }
    if to == PlanState::Approved {
        am.approved_by = Set(who.actor_id);
        am.approved_at = Set(Some(now));
    }
    let txn = db.begin().await?;
    let saved = am.update(&txn).await?;
    audit::record(&txn, who, "plan", "consultation_plan", p.id, format!("{}年度协商计划：{} → {}", p.year, p.state, to.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// What a staff move needs besides the consultation.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Into the plan of `year`.
    Plan { year: i32 },
    Decline { reason: String },
    /// Date, place and format of the meeting.
    Prepare { meeting_on: NaiveDate, place_id: Option<i64>, address: String, format: String },
    /// The meeting took place on `held_on`.
    Hold { held_on: NaiveDate },
    IssueMinutes { on: NaiveDate },
    Close { on: NaiveDate },
}

impl Step {
    fn name(&self) -> &'static str {
        match self {
            Step::Plan { .. } => "plan",
            Step::Decline { .. } => "decline",
            Step::Prepare { .. } => "prepare",
            Step::Hold { .. } => "hold",
            Step::IssueMinutes { .. } => "issue_minutes",
            Step::Close { .. } => "close",
        }
    }
}

/// The number of a consultation's outcomes not yet settled.
pub async fn open_outcomes(db: &impl ConnectionTrait, consultation_id: i64) -> Result<usize, DbErr> {
    Ok(outcome::Entity::find()
        .filter(outcome::Column::ConsultationId.eq(consultation_id))
        .filter(outcome::Column::State.ne(OutcomeState::Closed.as_str()))
        .count(db)
        .await? as usize)
}

/// Moves a consultation one step, the facts the rules need read inside the transaction.
pub async fn step(db: &impl TransactionTrait, c: &Consultation, step: Step, who: &Who) -> AppResult<Consultation> {
    let txn = db.begin().await?;
    let action = match &step {
        Step::Plan { .. } => ConsultationAction::Plan,
        Step::Decline { reason } => {
            if reason.trim().is_empty() {
                return Err(AppError::invalid("reason", "err.required"));
            }
            ConsultationAction::Decline
        }
        Step::Prepare { .. } => ConsultationAction::Prepare { plan_approved: plan_approved(&txn, c.committee_id, c.plan_year).await? },
        Step::Hold { .. } => ConsultationAction::Hold,
        Step::IssueMinutes { .. } => ConsultationAction::IssueMinutes { minutes_complete: model::minutes_complete(c.minutes()) },
        Step::Close { .. } => ConsultationAction::Close { open_outcomes: open_outcomes(&txn, c.id).await? },
    };
    let to = model::apply(c.kind(), c.state(), action).map_err(|e| AppError::invalid("action", e.key()))?;
    let now = Utc::now();
    let mut am = c.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(now);
    let mut comment = String::new();
    match &step {
        Step::Plan { year } => am.plan_year = Set(Some(*year)),
        Step::Decline { reason } => {
            am.decline_reason = Set(reason.trim().to_string());
            comment = reason.trim().to_string();
        }
        Step::Prepare { meeting_on, place_id, address, format } => {
            am.meeting_on = Set(Some(*meeting_on));
            am.place_id = Set(place_id.or(c.place_id));
            am.address = Set(address.clone());
            am.format = Set(format.clone());
            comment = meeting_on.to_string();
        }
        Step::Hold { held_on } => {
            // The meeting's date is the day it was held, so a list by date finds it there.
            am.held_on = Set(Some(*held_on));
            am.meeting_on = Set(Some(*held_on));
            comment = held_on.to_string();
        }
        Step::IssueMinutes { on } => am.minutes_issued_on = Set(Some(*on)),
        Step::Close { on } => am.closed_on = Set(Some(*on)),
    }
    let saved = am.update(&txn).await?;
    event(&txn, c, who, step.name(), Some(to), &comment, now).await?;
    audit::record(&txn, who, step.name(), ITEM_TYPE, c.id, format!("协商《{}》：{} → {}", c.title, c.state, to.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Changes the meeting's details while it is being prepared (no state change).
pub async fn update_preparation(db: &impl TransactionTrait, c: &Consultation, meeting_on: NaiveDate, place_id: Option<i64>, address: &str, format: &str, who: &Who) -> AppResult<Consultation> {
    if c.state() != ConsultationState::Preparing {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    let mut am = c.clone().into_active_model();
    am.meeting_on = Set(Some(meeting_on));
    am.place_id = Set(place_id);
    am.address = Set(address.to_string());
    am.format = Set(format.to_string());
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, c.id, format!("协商《{}》会议安排：{meeting_on}", c.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which notice was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Participants,
    Materials,
}

/// Records the day participants were told, or materials sent (while preparing).
pub async fn record_notice(db: &impl TransactionTrait, c: &Consultation, which: Notice, on: NaiveDate, who: &Who) -> AppResult<Consultation> {
    if c.state() != ConsultationState::Preparing {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    let mut am = c.clone().into_active_model();
    let name = match which {
        Notice::Participants => {
            am.notice_sent_on = Set(Some(on));
            "notify"
        }
        Notice::Materials => {
            am.materials_sent_on = Set(Some(on));
            "send_materials"
        }
    };
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    event(&txn, c, who, name, None, &on.to_string(), Utc::now()).await?;
    audit::record(&txn, who, name, ITEM_TYPE, c.id, format!("协商《{}》：{on}", c.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The participants' list as it is set while preparing: members, units (with whom they send)
/// and citizen representatives by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParticipantList {
    pub member_ids: Vec<i64>,
    pub unit_ids: Vec<i64>,
    pub citizens: Vec<String>,
}

/// Replaces the participants (before the meeting); attendance starts as invited.
pub async fn set_participants(db: &impl TransactionTrait, c: &Consultation, list: &ParticipantList, who: &Who) -> AppResult<()> {
    if !matches!(c.state(), ConsultationState::Proposed | ConsultationState::Planned | ConsultationState::Preparing) {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    insert_participants(&txn, c.id, list).await?;
    audit::record(&txn, who, "participants", ITEM_TYPE, c.id, format!("协商《{}》参加人员：委员{}名，单位{}个，群众代表{}名", c.title, list.member_ids.len(), list.unit_ids.len(), list.citizens.len())).await?;
    txn.commit().await?;
    Ok(())
}

/// Writes the participants' list over the old one (the demo calls it directly).
pub async fn insert_participants(db: &impl ConnectionTrait, consultation_id: i64, list: &ParticipantList) -> Result<(), DbErr> {
    participant::Entity::delete_many().filter(participant::Column::ConsultationId.eq(consultation_id)).exec(db).await?;
    let row = |kind: &str, member_id: Option<i64>, unit_id: Option<i64>, name: &str| participant::ActiveModel {
        consultation_id: Set(consultation_id),
        kind: Set(kind.into()),
        member_id: Set(member_id),
        unit_id: Set(unit_id),
        name: Set(name.into()),
        attendance: Set("invited".into()),
        ..Default::default()
    };
    let rows: Vec<participant::ActiveModel> = list
        .member_ids
        .iter()
        .map(|m| row("member", Some(*m), None, ""))
        .chain(list.unit_ids.iter().map(|u| row("unit", None, Some(*u), "")))
        .chain(list.citizens.iter().map(|n| row("citizen", None, None, n)))
        .collect();
    if !rows.is_empty() {
        participant::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

pub async fn participants(db: &impl ConnectionTrait, consultation_id: i64) -> Result<Vec<Participant>, DbErr> {
    participant::Entity::find().filter(participant::Column::ConsultationId.eq(consultation_id)).order_by_asc(participant::Column::Id).all(db).await
}

/// The attendance codes a participant can have.
pub const ATTENDANCE: [&str; 4] = ["invited", "present", "on_leave", "absent"];

/// Records who came, on the day of the meeting or after it (before the minutes are issued).
pub async fn mark_attendance(db: &impl TransactionTrait, c: &Consultation, marks: &[(i64, &str)], who: &Who) -> AppResult<()> {
    if !matches!(c.state(), ConsultationState::Preparing | ConsultationState::Held) {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    if marks.iter().any(|(_, a)| !ATTENDANCE.contains(a)) {
        return Err(AppError::invalid("attendance", "err.choice"));
    }
    let txn = db.begin().await?;
    for (id, a) in marks {
        participant::Entity::update_many()
            .col_expr(participant::Column::Attendance, Expr::value(*a))
            .filter(participant::Column::Id.eq(*id))
            .filter(participant::Column::ConsultationId.eq(c.id))
            .exec(&txn)
            .await?;
    }
    audit::record(&txn, who, "attendance", ITEM_TYPE, c.id, format!("协商《{}》考勤 {} 人", c.title, marks.len())).await?;
    txn.commit().await?;
    Ok(())
}

/// Saves the minutes' four parts (after the meeting, until they are issued).
pub async fn save_minutes(db: &impl TransactionTrait, c: &Consultation, parts: [&str; 4], who: &Who) -> AppResult<Consultation> {
    if c.state() != ConsultationState::Held {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    let mut am = c.clone().into_active_model();
    am.briefing = Set(parts[0].trim().to_string());
    am.questions = Set(parts[1].trim().to_string());
    am.answers = Set(parts[2].trim().to_string());
    am.statements = Set(parts[3].trim().to_string());
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    audit::record(&txn, who, "minutes", ITEM_TYPE, c.id, format!("协商《{}》纪要", c.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Links a visit or research report that prepared the consultation.
pub async fn link(db: &impl ConnectionTrait, consultation_id: i64, item_type: &str, item_id: i64) -> Result<(), DbErr> {
    let exists = link::Entity::find_by_id((consultation_id, item_type.to_string(), item_id)).one(db).await?.is_some();
    if !exists {
        link::ActiveModel { consultation_id: Set(consultation_id), item_type: Set(item_type.into()), item_id: Set(item_id) }.insert(db).await?;
    }
    Ok(())
}

pub async fn links(db: &impl ConnectionTrait, consultation_id: i64) -> Result<Vec<link::Model>, DbErr> {
    link::Entity::find().filter(link::Column::ConsultationId.eq(consultation_id)).all(db).await
}

/// An agreed action as it is handed over.
#[derive(Clone, Debug, PartialEq)]
pub struct NewOutcome {
    pub action: String,
    pub unit_id: i64,
    pub deadline: NaiveDate,
}

/// Adds an agreed outcome (once the meeting has been held), assigned to a unit.
pub async fn add_outcome(db: &impl TransactionTrait, c: &Consultation, o: &NewOutcome, who: &Who) -> AppResult<Outcome> {
    if !matches!(c.state(), ConsultationState::Held | ConsultationState::MinutesIssued) {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    let saved = insert_outcome(&txn, c, o, who, Utc::now()).await?;
    audit::record(&txn, who, "create", OUTCOME_TYPE, saved.id, format!("协商《{}》成果交办：{}", c.title, o.action)).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn insert_outcome(db: &impl ConnectionTrait, c: &Consultation, o: &NewOutcome, who: &Who, now: DateTime<Utc>) -> Result<Outcome, DbErr> {
    let saved = outcome::ActiveModel {
        consultation_id: Set(c.id),
        committee_id: Set(c.committee_id),
        action: Set(o.action.clone()),
        unit_id: Set(o.unit_id),
        deadline: Set(o.deadline),
        state: Set(OutcomeState::Assigned.as_str().into()),
        progress: Set(String::new()),
        reason: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let e = NewEvent {
        committee_id: c.committee_id,
        item_type: OUTCOME_TYPE,
        item_id: saved.id,
        actor_id: who.actor_id,
        actor_name: &who.actor_name,
        action: "assign",
        from_state: None,
        to_state: Some("assigned"),
        comment: "",
    };
    tracking::record_at(db, e, now).await?;
    Ok(saved)
}

pub async fn outcomes(db: &impl ConnectionTrait, consultation_id: i64) -> Result<Vec<Outcome>, DbErr> {
    outcome::Entity::find().filter(outcome::Column::ConsultationId.eq(consultation_id)).order_by_asc(outcome::Column::Id).all(db).await
}

pub async fn find_outcome(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Outcome>, DbErr> {
    outcome::Entity::find_by_id(id).filter(outcome::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// A unit's outcomes still to work on, soonest deadline first.
pub async fn unit_outcomes(db: &impl ConnectionTrait, unit_id: i64) -> Result<Vec<Outcome>, DbErr> {
    outcome::Entity::find()
        .filter(outcome::Column::UnitId.eq(unit_id))
        .filter(outcome::Column::State.is_in([OutcomeState::Assigned.as_str(), OutcomeState::InProgress.as_str()]))
        .order_by_asc(outcome::Column::Deadline)
        .all(db)
        .await
}

/// Moves an outcome: the unit reports progress, done or not done (with a reason); staff send
/// a report back or record the participants' satisfaction, which settles it.
pub async fn move_outcome(db: &impl TransactionTrait, o: &Outcome, action: OutcomeAction, actor: OutcomeActor, text: &str, today: NaiveDate, who: &Who) -> AppResult<Outcome> {
    let to = model::apply_outcome(o.state(), action, actor).map_err(|e| AppError::invalid("action", e.key()))?;
    if matches!(action, OutcomeAction::Fail | OutcomeAction::Reopen) && text.trim().is_empty() {
        return Err(AppError::invalid("text", "err.required"));
    }
    let now = Utc::now();
    let mut am = o.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(now);
    let name = match action {
        OutcomeAction::Start => "start",
        OutcomeAction::Complete => "complete",
        OutcomeAction::Fail => "fail",
        OutcomeAction::Reopen => "reopen",
        OutcomeAction::Check { .. } => "check",
    };
    match action {
        OutcomeAction::Start | OutcomeAction::Complete if !text.trim().is_empty() => am.progress = Set(text.trim().to_string()),
        OutcomeAction::Fail => am.reason = Set(text.trim().to_string()),
        OutcomeAction::Check { satisfaction } => {
            am.satisfaction = Set(Some(satisfaction.as_str().into()));
            am.checked_on = Set(Some(today));
        }
        _ => {}
    }
    if matches!(to, OutcomeState::Done | OutcomeState::NotDone) {
        am.done_on = Set(Some(today));
    }
    if to == OutcomeState::InProgress && o.state() != OutcomeState::Assigned {
        am.done_on = Set(None);
    }
    let txn = db.begin().await?;
    let saved = am.update(&txn).await?;
    let e = NewEvent {
        committee_id: o.committee_id,
        item_type: OUTCOME_TYPE,
        item_id: o.id,
        actor_id: who.actor_id,
        actor_name: &who.actor_name,
        action: name,
        from_state: Some(o.state.as_str()),
        to_state: Some(to.as_str()),
        comment: text.trim(),
    };
    tracking::record_at(&txn, e, now).await?;
    audit::record(&txn, who, name, OUTCOME_TYPE, o.id, format!("协商成果：{} → {}", o.state, to.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// A leader's instruction on the consultation report.
#[derive(Clone, Debug, PartialEq)]
pub struct NewInstruction {
    pub level: String,
    pub by_whom: String,
    pub on_date: NaiveDate,
    pub summary: String,
}

pub async fn add_instruction(db: &impl TransactionTrait, c: &Consultation, i: &NewInstruction, who: &Who) -> AppResult<instruction::Model> {
    if !matches!(c.state(), ConsultationState::MinutesIssued | ConsultationState::Closed) {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    let saved = instruction::ActiveModel {
        consultation_id: Set(c.id),
        level: Set(i.level.clone()),
        by_whom: Set(i.by_whom.clone()),
        on_date: Set(i.on_date),
        summary: Set(i.summary.clone()),
        created_by: Set(who.actor_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, who, "instruction", ITEM_TYPE, c.id, format!("协商《{}》领导批示：{}", c.title, i.by_whom)).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn instructions(db: &impl ConnectionTrait, consultation_id: i64) -> Result<Vec<instruction::Model>, DbErr> {
    instruction::Entity::find().filter(instruction::Column::ConsultationId.eq(consultation_id)).order_by_asc(instruction::Column::Id).all(db).await
}

/// Which consultations a list takes.
#[derive(Clone, Debug, Default)]
pub struct ConsultationFilter {
    /// Meeting on or after, on or before (China dates); topics without a date are left out
    /// when either is given.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<ConsultationKind>,
    pub states: Option<Vec<ConsultationState>>,
    /// At one of these places (a place and those below it).
    pub place_ids: Option<Vec<i64>>,
    /// Only these consultations (a unit's: those that handed it an outcome).
    pub ids: Option<Vec<i64>>,
    /// Only those held, `from`/`to` applying to the day they were held.
    pub held: bool,
    /// Only those one of these members took part in.
    pub member_ids: Option<Vec<i64>>,
}

fn filtered(committee_id: i64, f: &ConsultationFilter) -> sea_orm::Select<consultation::Entity> {
    let mut q = consultation::Entity::find().filter(consultation::Column::CommitteeId.eq(committee_id));
    let day = if f.held { consultation::Column::HeldOn } else { consultation::Column::MeetingOn };
    if f.held {
        q = q.filter(consultation::Column::HeldOn.is_not_null());
    }
    if let Some(d) = f.from {
        q = q.filter(day.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(day.lte(d));
    }
    if let Some(k) = f.kind {
        q = q.filter(consultation::Column::Kind.eq(k.as_str()));
    }
    if let Some(s) = &f.states {
        q = q.filter(consultation::Column::State.is_in(s.iter().map(|x| x.as_str())));
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(consultation::Column::PlaceId.is_in(p.clone()));
    }
    if let Some(ids) = &f.ids {
        q = q.filter(consultation::Column::Id.is_in(ids.clone()));
    }
    if let Some(m) = &f.member_ids {
        let took_part = sea_orm::sea_query::Query::select().column(participant::Column::ConsultationId).from(participant::Entity).and_where(participant::Column::MemberId.is_in(m.clone())).to_owned();
        q = q.filter(consultation::Column::Id.in_subquery(took_part));
    }
    q
}

/// A page of consultations, newest first, and the total.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &ConsultationFilter, page: PageRequest) -> Result<(Vec<Consultation>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(consultation::Column::Id).offset(page.offset()).limit(page.per_page).all(db).await?;
    Ok((rows, total))
}

/// Consultations held in a period (the statistics' `consultations`).
pub async fn held_between(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate) -> Result<u64, DbErr> {
    consultation::Entity::find()
        .filter(consultation::Column::CommitteeId.eq(committee_id))
        .filter(consultation::Column::HeldOn.between(from, to))
        .count(db)
        .await
}

/// (settled, all) outcomes of each consultation, in one query.
pub async fn outcome_counts(db: &impl ConnectionTrait, consultation_ids: &[i64]) -> Result<std::collections::HashMap<i64, (u64, u64)>, DbErr> {
    let rows: Vec<(i64, String)> = outcome::Entity::find()
        .filter(outcome::Column::ConsultationId.is_in(consultation_ids.to_vec()))
        .select_only()
        .column(outcome::Column::ConsultationId)
        .column(outcome::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = std::collections::HashMap::new();
    for (id, state) in rows {
        let e = out.entry(id).or_insert((0, 0));
        e.1 += 1;
        if state == OutcomeState::Closed.as_str() {
            e.0 += 1;
        }
    }
    Ok(out)
}

/// The topics in the plan of `year`, in the order they were put forward.
pub async fn planned(db: &impl ConnectionTrait, committee_id: i64, year: i32) -> Result<Vec<Consultation>, DbErr> {
    consultation::Entity::find()
        .filter(consultation::Column::CommitteeId.eq(committee_id))
        .filter(consultation::Column::PlanYear.eq(year))
        .order_by_asc(consultation::Column::Id)
        .all(db)
        .await
}
