//! Proposals (提案): their states, the moves between them, and the rules of the national
//! 提案工作条例 the moves depend on (DOMAIN.md, "Proposal"). Pure: no IO, table-tested below.
//!
//! Two machines: the proposal's own life cycle (`apply`), and each handling unit's part of it
//! (`apply_part`): in 分办 every unit answers its part, in 会办 the lead unit answers after the
//! co-units' opinions, so a proposal is answered when all the parts that answer are approved.
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::demands::model::Satisfaction;

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Being written by its lead proposer.
    Draft,
    /// A joint proposal waiting for its co-signers to confirm.
    CollectingSignatures,
    /// Sent in; staff do the preliminary review.
    Submitted,
    /// Sent back for supplement, with a reason; the proposer edits and submits again.
    Returned,
    /// Passed the preliminary review; the proposal committee (提案审查委员会) decides.
    InReview,
    /// 立案: numbered, waiting to be handed to units.
    Filed,
    /// 并案: joined to a host proposal, which keeps its number and answers for both.
    Merged,
    /// 不予立案, with a reason from the committee's list; the proposer is told.
    NotFiled,
    /// Turned into a public-opinion report, an opinion, or sent to a higher committee (with the
    /// proposer's consent).
    Converted,
    /// 交办: handed to one or more units, which may object within 10 days.
    Assigned,
    /// A unit objected; staff re-assign.
    Objected,
    /// Every answering unit's reply has been approved.
    Answered,
    /// A proposer was unsatisfied: the units answer again.
    Rehandling,
    /// Every proposer has rated the answer.
    Evaluated,
    /// 办结.
    Concluded,
}

impl ProposalState {
    pub const ALL: [ProposalState; 15] = [
        Self::Draft,
        Self::CollectingSignatures,
        Self::Submitted,
        Self::Returned,
        Self::InReview,
        Self::Filed,
        Self::Merged,
        Self::NotFiled,
        Self::Converted,
        Self::Assigned,
        Self::Objected,
        Self::Answered,
        Self::Rehandling,
        Self::Evaluated,
        Self::Concluded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::CollectingSignatures => "collecting_signatures",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::InReview => "in_review",
            Self::Filed => "filed",
            Self::Merged => "merged",
            Self::NotFiled => "not_filed",
            Self::Converted => "converted",
            Self::Assigned => "assigned",
            Self::Objected => "objected",
            Self::Answered => "answered",
            Self::Rehandling => "rehandling",
            Self::Evaluated => "evaluated",
            Self::Concluded => "concluded",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Draft => "proposal.state.draft",
            Self::CollectingSignatures => "proposal.state.collecting_signatures",
            Self::Submitted => "proposal.state.submitted",
            Self::Returned => "proposal.state.returned",
            Self::InReview => "proposal.state.in_review",
            Self::Filed => "proposal.state.filed",
            Self::Merged => "proposal.state.merged",
            Self::NotFiled => "proposal.state.not_filed",
            Self::Converted => "proposal.state.converted",
            Self::Assigned => "proposal.state.assigned",
            Self::Objected => "proposal.state.objected",
            Self::Answered => "proposal.state.answered",
            Self::Rehandling => "proposal.state.rehandling",
            Self::Evaluated => "proposal.state.evaluated",
            Self::Concluded => "proposal.state.concluded",
        }
    }

    /// The lead proposer may still change the text.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }

    /// Counted as received (收到) by the statistics: everything that was sent in.
    pub fn received(self) -> bool {
        !matches!(self, Self::Draft | Self::CollectingSignatures)
    }

    /// Units hold it and its deadline runs.
    pub fn with_units(self) -> bool {
        matches!(self, Self::Assigned | Self::Objected | Self::Rehandling)
    }
}

/// Who asks for a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalActor {
    /// The lead proposer (第一提案人).
    Lead,
    /// A co-signer of a joint proposal.
    CoSigner,
    /// Any proposer of the proposal (ratings).
    Proposer,
    /// Committee staff (提案委 and 机关), including the review committee's decisions they record.
    Staff,
    /// A unit the proposal was handed to.
    AssignedUnit,
}

/// A requested move, with the facts the rules depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalAction {
    /// The lead proposer sends it in; a joint proposal first collects its signatures.
    Submit { joint: bool },
    /// A co-signer confirms; `last` when every co-signer has now confirmed.
    CoSign { last: bool },
    /// The lead proposer takes it back to draft before staff have started on it.
    Withdraw,
    /// Staff send it back for supplement (a reason is required by the store).
    Return,
    /// Staff pass the preliminary review.
    Accept,
    /// 立案.
    File,
    /// 并案 into a host proposal.
    Merge,
    /// 不予立案.
    Reject,
    /// Conversion needs the proposer's consent.
    Convert { consent: bool },
    /// 交办 (first time, or after an objection).
    Assign,
    /// A unit objects; only within 10 days of the assignment.
    Object { within_window: bool },
    /// The last answering part has been approved.
    Answer,
    /// A proposer rates the answer. `all_rated` when every proposer has now rated; an
    /// unsatisfied rating sends it back while re-handlings are left.
    Rate { satisfaction: Satisfaction, all_rated: bool, rehandled: u32, max_rehandle: u32 },
    /// 办结: after the ratings, or when the rating period has passed (`rating_closed`).
    Conclude { rating_closed: bool },
}

/// Why a move is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("not allowed in this state")]
    WrongState,
    #[error("not allowed for this actor")]
    WrongActor,
    #[error("the objection period has passed")]
    ObjectionWindowPassed,
    #[error("conversion needs the proposer's consent")]
    ConsentMissing,
}

impl TransitionError {
    pub fn key(self) -> &'static str {
        match self {
            Self::WrongState => "err.wrong_state",
            Self::WrongActor => "err.wrong_actor",
            Self::ObjectionWindowPassed => "err.objection_window",
            Self::ConsentMissing => "err.consent_missing",
        }
    }
}

fn required_actor(action: ProposalAction) -> ProposalActor {
    use ProposalAction as A;
    use ProposalActor::*;
    match action {
        A::Submit { .. } | A::Withdraw => Lead,
        A::CoSign { .. } => CoSigner,
        A::Return | A::Accept | A::File | A::Merge | A::Reject | A::Convert { .. } | A::Assign | A::Answer | A::Conclude { .. } => Staff,
        A::Object { .. } => AssignedUnit,
        A::Rate { .. } => Proposer,
    }
}

/// The one function that decides every move of a proposal.
pub fn apply(state: ProposalState, action: ProposalAction, actor: ProposalActor) -> Result<ProposalState, TransitionError> {
    use ProposalAction as A;
    use ProposalState as S;
    if actor != required_actor(action) {
        return Err(TransitionError::WrongActor);
    }
    match (state, action) {
        (S::Draft | S::Returned, A::Submit { joint: true }) => Ok(S::CollectingSignatures),
        (S::Draft | S::Returned, A::Submit { joint: false }) => Ok(S::Submitted),
        (S::CollectingSignatures, A::CoSign { last: true }) => Ok(S::Submitted),
        (S::CollectingSignatures, A::CoSign { last: false }) => Ok(S::CollectingSignatures),
        (S::CollectingSignatures | S::Submitted, A::Withdraw) => Ok(S::Draft),
        (S::Submitted | S::InReview, A::Return) => Ok(S::Returned),
        (S::Submitted, A::Accept) => Ok(S::InReview),
        (S::InReview, A::File) => Ok(S::Filed),
        (S::InReview, A::Merge) => Ok(S::Merged),
        (S::InReview, A::Reject) => Ok(S::NotFiled),
        (S::InReview, A::Convert { consent: true }) => Ok(S::Converted),
        (S::InReview, A::Convert { consent: false }) => Err(TransitionError::ConsentMissing),
        (S::Filed | S::Objected, A::Assign) => Ok(S::Assigned),
        (S::Assigned, A::Object { within_window: true }) => Ok(S::Objected),
        (S::Assigned, A::Object { within_window: false }) => Err(TransitionError::ObjectionWindowPassed),
        (S::Assigned | S::Rehandling, A::Answer) => Ok(S::Answered),
        (S::Answered, A::Rate { satisfaction: Satisfaction::Unsatisfied, rehandled, max_rehandle, .. }) if rehandled < max_rehandle => {
            Ok(S::Rehandling)
        }
        (S::Answered, A::Rate { all_rated: true, .. }) => Ok(S::Evaluated),
        (S::Answered, A::Rate { all_rated: false, .. }) => Ok(S::Answered),
        (S::Evaluated, A::Conclude { .. }) => Ok(S::Concluded),
        (S::Answered, A::Conclude { rating_closed: true }) => Ok(S::Concluded),
        _ => Err(TransitionError::WrongState),
    }
}

/// How a proposal is handed to units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignMode {
    /// 单办: one unit.
    Single,
    /// 分办: several units, each answers its part.
    Split,
    /// 会办: one lead unit answers; co-units send it their opinions.
    Joint,
}

impl AssignMode {
    pub const ALL: [AssignMode; 3] = [Self::Single, Self::Split, Self::Joint];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Split => "split",
            Self::Joint => "joint",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The mode's name as the timeline records it.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Single => "单办",
            Self::Split => "分办",
            Self::Joint => "会办",
        }
    }

    /// Checks the units chosen for the mode: (lead, others).
    pub fn check_units(self, lead: Option<i64>, others: &[i64]) -> Result<(), &'static str> {
        let distinct = lead.is_none_or(|l| !others.contains(&l)) && others.iter().enumerate().all(|(i, u)| !others[..i].contains(u));
        match (self, lead, others.len()) {
            _ if !distinct => Err("err.units_repeat"),
            (Self::Single, Some(_), 0) => Ok(()),
            (Self::Split, None, n) if n >= 2 => Ok(()),
            (Self::Joint, Some(_), n) if n >= 1 => Ok(()),
            _ => Err("err.units_for_mode"),
        }
    }
}

/// A unit's role in the handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartRole {
    /// Answers (单办, 分办 each unit, 会办 the lead).
    Answering,
    /// 会办 co-unit: sends its opinion to the lead within one month and co-signs the reply.
    CoUnit,
}

/// Where one unit's part stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartState {
    /// Handed over; the unit may object within 10 days.
    Assigned,
    /// The unit objected; staff re-assign (the part ends).
    Objected,
    /// A co-unit sent its opinion to the lead unit.
    OpinionSent,
    /// A co-unit co-signed (会签) the lead unit's reply.
    CoSigned,
    /// The answering unit sent its reply (class and letter) for review.
    Replied,
    /// The supervisor approved the reply.
    Approved,
    /// The supervisor sent the reply back to be redone.
    SentBack,
    /// Replaced by a re-assignment.
    Withdrawn,
}

impl PartState {
    pub const ALL: [PartState; 8] = [Self::Assigned, Self::Objected, Self::OpinionSent, Self::CoSigned, Self::Replied, Self::Approved, Self::SentBack, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assigned => "assigned",
            Self::Objected => "objected",
            Self::OpinionSent => "opinion_sent",
            Self::CoSigned => "cosigned",
            Self::Replied => "replied",
            Self::Approved => "approved",
            Self::SentBack => "sent_back",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A move of one unit's part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartAction {
    Object { within_window: bool },
    /// A co-unit's opinion to the lead.
    SendOpinion,
    /// The answering unit's reply.
    Reply,
    /// A co-unit co-signs the lead's reply (会签).
    CoSign,
    /// Staff (the supervisor) approve the reply.
    Approve,
    /// Staff send the reply back.
    SendBack,
    /// A new round after an unsatisfied rating: the approved part answers again (and a co-unit
    /// that co-signed the old reply co-signs the new one).
    Reopen,
    /// Staff replace the part by a re-assignment.
    Withdraw,
}

/// Who moves a part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartActor {
    /// The unit holding the part.
    Unit,
    Staff,
}

/// The one function that decides every move of a unit's part.
pub fn apply_part(state: PartState, role: PartRole, action: PartAction, actor: PartActor) -> Result<PartState, TransitionError> {
    use PartAction as A;
    use PartState as S;
    let required = match action {
        A::Object { .. } | A::SendOpinion | A::Reply | A::CoSign => PartActor::Unit,
        A::Approve | A::SendBack | A::Reopen | A::Withdraw => PartActor::Staff,
    };
    if actor != required {
        return Err(TransitionError::WrongActor);
    }
    match (state, role, action) {
        (S::Assigned, _, A::Object { within_window: true }) => Ok(S::Objected),
        (S::Assigned, _, A::Object { within_window: false }) => Err(TransitionError::ObjectionWindowPassed),
        (S::Assigned, PartRole::CoUnit, A::SendOpinion) => Ok(S::OpinionSent),
        (S::Assigned | S::SentBack, PartRole::Answering, A::Reply) => Ok(S::Replied),
        (S::Replied, PartRole::Answering, A::Approve) => Ok(S::Approved),
        (S::Replied, PartRole::Answering, A::SendBack) => Ok(S::SentBack),
        (S::Approved, PartRole::Answering, A::Reopen) => Ok(S::Assigned),
        (S::Assigned | S::OpinionSent, PartRole::CoUnit, A::CoSign) => Ok(S::CoSigned),
        (S::CoSigned, PartRole::CoUnit, A::Reopen) => Ok(S::OpinionSent),
        (S::Assigned | S::Objected | S::OpinionSent | S::CoSigned | S::SentBack, _, A::Withdraw) => Ok(S::Withdrawn),
        _ => Err(TransitionError::WrongState),
    }
}

/// The proposal is answered when every answering part that is still in force is approved.
pub fn all_answered(parts: &[(PartRole, PartState)]) -> bool {
    let answering: Vec<PartState> = parts.iter().filter(|(r, s)| *r == PartRole::Answering && *s != PartState::Withdrawn).map(|(_, s)| *s).collect();
    !answering.is_empty() && answering.iter().all(|s| *s == PartState::Approved)
}

/// 会办's order across the parts, beyond each part's own moves: the lead unit replies after its
/// co-units' opinions (or their month), co-units co-sign the lead's reply once it is written,
/// and staff approve the lead's reply once every co-unit still in force has co-signed it.
/// `lead` is the state of the answering part, `co_units` those of the co-units.
pub fn joint_order(action: PartAction, role: PartRole, lead: Option<PartState>, co_units: &[PartState], assigned: NaiveDate, today: NaiveDate) -> Result<(), &'static str> {
    match (action, role) {
        (PartAction::Reply, PartRole::Answering) if !lead_may_reply(co_units, assigned, today) => Err("err.await_co_units"),
        (PartAction::CoSign, PartRole::CoUnit) if lead != Some(PartState::Replied) => Err("err.await_lead_reply"),
        (PartAction::Approve, PartRole::Answering) if !co_units.iter().all(|s| matches!(s, PartState::CoSigned | PartState::Withdrawn | PartState::Objected)) => {
            Err("err.await_cosign")
        }
        _ => Ok(()),
    }
}

/// In 会办 the lead unit answers after hearing its co-units: once every co-unit still in
/// force has sent its opinion, or when their month (OPINION_MONTHS) since `assigned` is over.
pub fn lead_may_reply(co_units: &[PartState], assigned: NaiveDate, today: NaiveDate) -> bool {
    let heard = co_units.iter().all(|s| matches!(s, PartState::OpinionSent | PartState::CoSigned | PartState::Withdrawn | PartState::Objected));
    let month_over = assigned.checked_add_months(Months::new(OPINION_MONTHS)).is_some_and(|d| today > d);
    heard || month_over
}

/// The answer's class (答复类别).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum AnswerClass {
    /// 所提问题已经解决或采纳.
    A,
    /// 列入计划拟解决或部分解决.
    B,
    /// 因条件限制留作参考.
    C,
}

impl AnswerClass {
    pub const ALL: [AnswerClass; 3] = [Self::A, Self::B, Self::C];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s.trim().to_ascii_uppercase())
    }
}

/// 大会提案 or 平时提案.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// Submitted for the plenary session: from 3 months before it to its deadline.
    Plenary,
    /// Between sessions, any time.
    Regular,
}

impl ProposalKind {
    pub const ALL: [ProposalKind; 2] = [Self::Plenary, Self::Regular];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plenary => "plenary",
            Self::Regular => "regular",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The window for 大会提案 of a plenary that starts on `opens` with proposals due by `deadline`
/// (usually its last day): from three months before the opening to the deadline, inclusive.
pub fn plenary_window(opens: NaiveDate, deadline: NaiveDate) -> (NaiveDate, NaiveDate) {
    (opens.checked_sub_months(Months::new(3)).unwrap_or(opens), deadline)
}

/// May a proposal of `kind` be submitted on `day`? Sectors and groups (as submitters) only
/// during the plenary itself, `plenary_days`.
pub fn may_submit(kind: ProposalKind, day: NaiveDate, window: Option<(NaiveDate, NaiveDate)>, collective: bool, plenary_days: Option<(NaiveDate, NaiveDate)>) -> Result<(), &'static str> {
    let within = |w: Option<(NaiveDate, NaiveDate)>| w.is_some_and(|(a, b)| a <= day && day <= b);
    if collective && !within(plenary_days) {
        return Err("err.collective_plenary_only");
    }
    match kind {
        ProposalKind::Regular => Ok(()),
        ProposalKind::Plenary if within(window) => Ok(()),
        ProposalKind::Plenary => Err("err.plenary_window"),
    }
}

/// Units have three months from assignment to answer.
pub const HANDLING_MONTHS: u32 = 3;
/// An approved extension can take the deadline to six months from assignment, no further.
pub const MAX_EXTENDED_MONTHS: u32 = 6;
/// Days after assignment during which a unit may object.
pub const OBJECTION_DAYS: i64 = 10;
/// Co-units send their opinions to the lead unit within one month.
pub const OPINION_MONTHS: u32 = 1;
/// How many times unsatisfied proposers can send it back.
pub const MAX_REHANDLE: u32 = 1;

/// The answer deadline of a proposal assigned on `assigned`.
pub fn answer_deadline(assigned: NaiveDate) -> NaiveDate {
    assigned.checked_add_months(Months::new(HANDLING_MONTHS)).unwrap_or(assigned)
}

/// An extension to `requested`, if it stays within six months of the assignment and moves the deadline later.
pub fn extend_deadline(assigned: NaiveDate, current: NaiveDate, requested: NaiveDate) -> Result<NaiveDate, &'static str> {
    let limit = assigned.checked_add_months(Months::new(MAX_EXTENDED_MONTHS)).unwrap_or(assigned);
    if requested <= current {
        Err("err.extension_not_later")
    } else if requested > limit {
        Err("err.extension_too_long")
    } else {
        Ok(requested)
    }
}

/// May a unit still object on `today` to an assignment made on `assigned`?
pub fn within_objection_window(assigned: NaiveDate, today: NaiveDate) -> bool {
    (today - assigned).num_days() <= OBJECTION_DAYS
}

/// The filing number in the committee's format: `{year}`, `{seq}` (zero-padded to 3, or to the
/// width given as `{seq:4}`) and any text, e.g. "第{seq}号" → 第001号, "{year}-{seq}" → 2022-001.
pub fn format_number(format: &str, year: i32, seq: u32) -> String {
    let mut out = format.replace("{year}", &year.to_string());
    while let Some(start) = out.find("{seq") {
        let Some(len) = out[start..].find('}') else { break };
        let spec = &out[start + 4..start + len];
        let width = spec.strip_prefix(':').and_then(|w| w.parse::<usize>().ok()).unwrap_or(3);
        out.replace_range(start..=start + len, &format!("{seq:0width$}"));
    }
    out
}

/// The default filing number format.
pub const DEFAULT_NUMBER_FORMAT: &str = "第{seq}号";

/// The 10 national grounds for not filing (不予立案), the default of the committee's list.
pub const NOT_FILING_GROUNDS: [&str; 10] = [
    "涉及党和国家秘密的",
    "涉及民族宗教等敏感问题、不宜公开讨论的",
    "属于司法机关、监察机关正在处理的诉讼、仲裁、检察、监察事项的",
    "属于提案人个人或者亲属等私人事务的",
    "为本单位、本系统争取利益或者宣传推介的",
    "涉及具体人和事、对个人或者单位进行指控的",
    "内容空泛、没有具体建议或者建议不可行的",
    "一事多议或者多事一议的",
    "属于学术探讨或者与政协职能无关的",
    "其他不宜作为提案的",
];

/// The year of a date, for numbering per session year.
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

impl ProposalState {
    /// Filed and numbered: the key and publishing flags, the excellent mark and merging into it
    /// apply from here on.
    pub fn numbered(self) -> bool {
        matches!(self, Self::Filed | Self::Assigned | Self::Objected | Self::Answered | Self::Rehandling | Self::Evaluated | Self::Concluded)
    }

    /// Answered at least once (the answer rate counts it).
    pub fn answered(self) -> bool {
        matches!(self, Self::Answered | Self::Rehandling | Self::Evaluated | Self::Concluded)
    }
}

/// Who submits a proposal: members (alone or jointly), or a collective that staff register from
/// its sealed paper, with a member as contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmitterKind {
    Member,
    /// 界别提案: only during the plenary.
    Sector,
    /// 小组提案: only during the plenary.
    Group,
    /// A party or people's organisation (党派团体).
    Organization,
    /// A special committee of the CPPCC (专门委员会).
    SpecialCommittee,
}

impl SubmitterKind {
    pub const COLLECTIVE: [SubmitterKind; 4] = [Self::Sector, Self::Group, Self::Organization, Self::SpecialCommittee];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Sector => "sector",
            Self::Group => "group",
            Self::Organization => "organization",
            Self::SpecialCommittee => "special_committee",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Member].into_iter().chain(Self::COLLECTIVE).find(|k| k.as_str() == s)
    }

    /// Sectors and groups submit only while the plenary sits.
    pub fn plenary_only(self) -> bool {
        matches!(self, Self::Sector | Self::Group)
    }
}

/// May a proposal in `host` state take in another one (并案)? Only a numbered proposal that
/// has not been answered yet, so the host's units answer for both.
pub fn may_host(host: ProposalState) -> bool {
    matches!(host, ProposalState::Filed | ProposalState::Assigned | ProposalState::Objected)
}

/// May the deadline of a proposal in `state` be extended? While units hold it.
pub fn may_extend(state: ProposalState) -> bool {
    state.with_units()
}

/// 回头看: a B (planned) or C (for reference) answer may get follow-up records once rated or
/// concluded; an A answer is done.
pub fn may_follow_up(state: ProposalState, classes: &[AnswerClass]) -> bool {
    matches!(state, ProposalState::Evaluated | ProposalState::Concluded) && classes.iter().any(|c| *c != AnswerClass::A)
}

/// Days after the answer during which proposers may rate; staff may conclude an unrated
/// answer only after them.
pub const RATING_DAYS: i64 = 30;

/// Has the rating period of an answer given on `answered` passed on `today`?
pub fn rating_closed(answered: NaiveDate, today: NaiveDate) -> bool {
    (today - answered).num_days() > RATING_DAYS
}

/// Checks a committee's filing number format: it needs `{seq}`, and a number it makes must
/// fit the 32 characters the register keeps.
pub fn check_number_format(format: &str) -> Result<(), &'static str> {
    // Well-formed when the number changes with the sequence and no placeholder is left over.
    let (one, two) = (format_number(format, 2099, 1), format_number(format, 2099, 2));
    if one == two || one.contains('{') || format.trim() != format {
        return Err("err.number_format");
    }
    if format_number(format, 2099, 99_999).chars().count() > 32 {
        return Err("err.too_long");
    }
    Ok(())
}

/// Checks the list of not-filing grounds typed one per line: 1–30 distinct lines of at most
/// 100 characters (blank lines dropped).
pub fn parse_grounds(text: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.chars().count() > 100 {
            return Err("err.too_long");
        }
        if out.iter().any(|g| g == line) {
            return Err("err.duplicate_line");
        }
        out.push(line.to_string());
    }
    if out.is_empty() || out.len() > 30 { Err("err.grounds_count") } else { Ok(out) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProposalAction as A;
    use ProposalActor::*;
    use ProposalState as S;

    fn rate(satisfaction: Satisfaction, all_rated: bool, rehandled: u32) -> ProposalAction {
        A::Rate { satisfaction, all_rated, rehandled, max_rehandle: 1 }
    }

    /// Every allowed move; everything else must be refused.
    fn allowed() -> Vec<(ProposalState, ProposalAction, ProposalActor, ProposalState)> {
        use Satisfaction::*;
        let mut moves = vec![
            (S::Draft, A::Submit { joint: false }, Lead, S::Submitted),
            (S::Draft, A::Submit { joint: true }, Lead, S::CollectingSignatures),
            (S::Returned, A::Submit { joint: false }, Lead, S::Submitted),
            (S::Returned, A::Submit { joint: true }, Lead, S::CollectingSignatures),
            (S::CollectingSignatures, A::CoSign { last: false }, CoSigner, S::CollectingSignatures),
            (S::CollectingSignatures, A::CoSign { last: true }, CoSigner, S::Submitted),
            (S::CollectingSignatures, A::Withdraw, Lead, S::Draft),
            (S::Submitted, A::Withdraw, Lead, S::Draft),
            (S::Submitted, A::Return, Staff, S::Returned),
            (S::InReview, A::Return, Staff, S::Returned),
            (S::Submitted, A::Accept, Staff, S::InReview),
            (S::InReview, A::File, Staff, S::Filed),
            (S::InReview, A::Merge, Staff, S::Merged),
            (S::InReview, A::Reject, Staff, S::NotFiled),
            (S::InReview, A::Convert { consent: true }, Staff, S::Converted),
            (S::Filed, A::Assign, Staff, S::Assigned),
            (S::Objected, A::Assign, Staff, S::Assigned),
            (S::Assigned, A::Object { within_window: true }, AssignedUnit, S::Objected),
            (S::Assigned, A::Answer, Staff, S::Answered),
            (S::Rehandling, A::Answer, Staff, S::Answered),
            (S::Evaluated, A::Conclude { rating_closed: false }, Staff, S::Concluded),
            (S::Evaluated, A::Conclude { rating_closed: true }, Staff, S::Concluded),
            (S::Answered, A::Conclude { rating_closed: true }, Staff, S::Concluded),
        ];
        // Ratings: unsatisfied sends it back while a re-handling is left; otherwise it is
        // evaluated once everyone has rated.
        for satisfaction in [Satisfied, BasicallySatisfied, Unsatisfied] {
            for all_rated in [false, true] {
                for rehandled in [0, 1] {
                    let to = match (satisfaction, rehandled, all_rated) {
                        (Unsatisfied, 0, _) => S::Rehandling,
                        (_, _, true) => S::Evaluated,
                        _ => S::Answered,
                    };
                    moves.push((S::Answered, rate(satisfaction, all_rated, rehandled), Proposer, to));
                }
            }
        }
        moves
    }

    fn all_actions() -> Vec<ProposalAction> {
        use Satisfaction::*;
        let mut v = vec![
            A::Submit { joint: false },
            A::Submit { joint: true },
            A::CoSign { last: false },
            A::CoSign { last: true },
            A::Withdraw,
            A::Return,
            A::Accept,
            A::File,
            A::Merge,
            A::Reject,
            A::Convert { consent: true },
            A::Convert { consent: false },
            A::Assign,
            A::Object { within_window: true },
            A::Object { within_window: false },
            A::Answer,
            A::Conclude { rating_closed: false },
            A::Conclude { rating_closed: true },
        ];
        for s in [Satisfied, BasicallySatisfied, Unsatisfied] {
            for all in [false, true] {
                for r in [0, 1] {
                    v.push(rate(s, all, r));
                }
            }
        }
        v
    }

    #[test]
    fn every_move_of_every_actor_in_every_state() {
        let allowed = allowed();
        let actors = [Lead, CoSigner, Proposer, Staff, AssignedUnit];
        let mut checked = 0;
        for state in ProposalState::ALL {
            for action in all_actions() {
                for actor in actors {
                    let expected = allowed.iter().find(|(s, a, who, _)| *s == state && *a == action && *who == actor).map(|x| x.3);
                    let got = apply(state, action, actor);
                    match expected {
                        Some(to) => assert_eq!(got, Ok(to), "{state:?} {action:?} {actor:?}"),
                        None => assert!(got.is_err(), "{state:?} {action:?} {actor:?} should be refused, got {got:?}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 15 * 30 * 5);
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(apply(S::Filed, A::File, Lead), Err(TransitionError::WrongActor));
        assert_eq!(apply(S::Draft, A::File, Staff), Err(TransitionError::WrongState));
        assert_eq!(apply(S::Assigned, A::Object { within_window: false }, AssignedUnit), Err(TransitionError::ObjectionWindowPassed));
        assert_eq!(apply(S::InReview, A::Convert { consent: false }, Staff), Err(TransitionError::ConsentMissing));
        assert_eq!(TransitionError::ConsentMissing.key(), "err.consent_missing");
    }

    #[test]
    fn parts_move_by_role_and_actor() {
        use PartAction as PA;
        use PartState as PS;
        let cases = [
            (PS::Assigned, PartRole::Answering, PA::Reply, PartActor::Unit, Ok(PS::Replied)),
            (PS::Assigned, PartRole::CoUnit, PA::Reply, PartActor::Unit, Err(TransitionError::WrongState)),
            (PS::Assigned, PartRole::CoUnit, PA::SendOpinion, PartActor::Unit, Ok(PS::OpinionSent)),
            (PS::Assigned, PartRole::Answering, PA::SendOpinion, PartActor::Unit, Err(TransitionError::WrongState)),
            (PS::Replied, PartRole::Answering, PA::Approve, PartActor::Staff, Ok(PS::Approved)),
            (PS::Replied, PartRole::Answering, PA::Approve, PartActor::Unit, Err(TransitionError::WrongActor)),
            (PS::Replied, PartRole::Answering, PA::SendBack, PartActor::Staff, Ok(PS::SentBack)),
            (PS::SentBack, PartRole::Answering, PA::Reply, PartActor::Unit, Ok(PS::Replied)),
            (PS::Approved, PartRole::Answering, PA::Reopen, PartActor::Staff, Ok(PS::Assigned)),
            (PS::Assigned, PartRole::CoUnit, PA::Object { within_window: true }, PartActor::Unit, Ok(PS::Objected)),
            (PS::Assigned, PartRole::Answering, PA::Object { within_window: false }, PartActor::Unit, Err(TransitionError::ObjectionWindowPassed)),
            (PS::Objected, PartRole::Answering, PA::Withdraw, PartActor::Staff, Ok(PS::Withdrawn)),
            (PS::Approved, PartRole::Answering, PA::Withdraw, PartActor::Staff, Err(TransitionError::WrongState)),
            (PS::Withdrawn, PartRole::Answering, PA::Reply, PartActor::Unit, Err(TransitionError::WrongState)),
            (PS::OpinionSent, PartRole::CoUnit, PA::CoSign, PartActor::Unit, Ok(PS::CoSigned)),
            (PS::OpinionSent, PartRole::Answering, PA::CoSign, PartActor::Unit, Err(TransitionError::WrongState)),
            (PS::CoSigned, PartRole::CoUnit, PA::CoSign, PartActor::Unit, Err(TransitionError::WrongState)),
            (PS::CoSigned, PartRole::CoUnit, PA::Reopen, PartActor::Staff, Ok(PS::OpinionSent)),
            (PS::CoSigned, PartRole::CoUnit, PA::Withdraw, PartActor::Staff, Ok(PS::Withdrawn)),
        ];
        for (state, role, action, actor, expected) in cases {
            assert_eq!(apply_part(state, role, action, actor), expected, "{state:?} {role:?} {action:?} {actor:?}");
        }
    }

    #[test]
    fn a_proposal_is_answered_when_every_answering_part_is_approved() {
        use PartRole::*;
        use PartState::*;
        assert!(all_answered(&[(Answering, Approved), (CoUnit, OpinionSent)]), "会办: the lead's approved reply answers");
        assert!(!all_answered(&[(Answering, Approved), (Answering, Replied)]), "分办: every part");
        assert!(all_answered(&[(Answering, Approved), (Answering, Withdrawn), (Answering, Approved)]));
        assert!(!all_answered(&[(CoUnit, OpinionSent)]), "nobody answered");
        assert!(!all_answered(&[]));
    }

    #[test]
    fn units_must_fit_the_mode() {
        assert_eq!(AssignMode::Single.check_units(Some(1), &[]), Ok(()));
        assert_eq!(AssignMode::Single.check_units(Some(1), &[2]), Err("err.units_for_mode"));
        assert_eq!(AssignMode::Split.check_units(None, &[1, 2]), Ok(()));
        assert_eq!(AssignMode::Split.check_units(None, &[1]), Err("err.units_for_mode"));
        assert_eq!(AssignMode::Split.check_units(None, &[1, 1]), Err("err.units_repeat"));
        assert_eq!(AssignMode::Joint.check_units(Some(1), &[2, 3]), Ok(()));
        assert_eq!(AssignMode::Joint.check_units(Some(1), &[1]), Err("err.units_repeat"));
        assert_eq!(AssignMode::Joint.check_units(None, &[2]), Err("err.units_for_mode"));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn deadlines_follow_the_calendar_months() {
        assert_eq!(answer_deadline(d(2022, 1, 20)), d(2022, 4, 20));
        assert_eq!(answer_deadline(d(2021, 11, 30)), d(2022, 2, 28), "end of month clamps");
        assert_eq!(extend_deadline(d(2022, 1, 20), d(2022, 4, 20), d(2022, 6, 30)), Ok(d(2022, 6, 30)));
        assert_eq!(extend_deadline(d(2022, 1, 20), d(2022, 4, 20), d(2022, 7, 20)), Ok(d(2022, 7, 20)), "six months exactly");
        assert_eq!(extend_deadline(d(2022, 1, 20), d(2022, 4, 20), d(2022, 7, 21)), Err("err.extension_too_long"));
        assert_eq!(extend_deadline(d(2022, 1, 20), d(2022, 4, 20), d(2022, 4, 1)), Err("err.extension_not_later"));
        assert!(within_objection_window(d(2022, 1, 20), d(2022, 1, 30)));
        assert!(!within_objection_window(d(2022, 1, 20), d(2022, 1, 31)));
    }

    #[test]
    fn plenary_proposals_only_in_their_window_and_collective_ones_only_during_the_plenary() {
        let window = plenary_window(d(2022, 1, 5), d(2022, 1, 7));
        assert_eq!(window, (d(2021, 10, 5), d(2022, 1, 7)));
        let plenary = Some((d(2022, 1, 5), d(2022, 1, 7)));
        assert_eq!(may_submit(ProposalKind::Plenary, d(2021, 12, 1), Some(window), false, plenary), Ok(()));
        assert_eq!(may_submit(ProposalKind::Plenary, d(2022, 1, 8), Some(window), false, plenary), Err("err.plenary_window"));
        assert_eq!(may_submit(ProposalKind::Plenary, d(2021, 10, 4), Some(window), false, plenary), Err("err.plenary_window"));
        assert_eq!(may_submit(ProposalKind::Regular, d(2022, 6, 1), Some(window), false, plenary), Ok(()));
        assert_eq!(may_submit(ProposalKind::Plenary, d(2022, 1, 6), Some(window), true, plenary), Ok(()));
        assert_eq!(may_submit(ProposalKind::Plenary, d(2021, 12, 1), Some(window), true, plenary), Err("err.collective_plenary_only"));
        assert_eq!(may_submit(ProposalKind::Plenary, d(2022, 1, 6), None, false, None), Err("err.plenary_window"), "no plenary, no window");
    }

    #[test]
    fn numbers_follow_the_committees_format() {
        assert_eq!(format_number("第{seq}号", 2022, 1), "第001号");
        assert_eq!(format_number("{year}-{seq}", 2022, 42), "2022-042");
        assert_eq!(format_number("{year}{seq:4}", 2022, 7), "20220007");
        assert_eq!(format_number("第{seq}号", 2022, 1234), "第1234号", "wider numbers are not cut");
        assert_eq!(format_number("提案{seq", 2022, 1), "提案{seq", "an unclosed field stays as typed");
    }

    #[test]
    fn states_and_classes_round_trip() {
        for s in ProposalState::ALL {
            assert_eq!(ProposalState::from_code(s.as_str()), Some(s));
        }
        for p in PartState::ALL {
            assert_eq!(PartState::from_code(p.as_str()), Some(p));
        }
        assert_eq!(AnswerClass::from_code(" b "), Some(AnswerClass::B));
        assert!(ProposalState::Returned.editable() && !ProposalState::Submitted.editable());
        assert!(ProposalState::Submitted.received() && !ProposalState::CollectingSignatures.received());
    }

    #[test]
    fn hosting_extending_and_follow_ups_follow_the_state() {
        assert!(may_host(S::Filed) && may_host(S::Assigned) && !may_host(S::Answered) && !may_host(S::InReview) && !may_host(S::Merged));
        assert!(may_extend(S::Assigned) && may_extend(S::Rehandling) && !may_extend(S::Answered) && !may_extend(S::Filed));
        assert!(may_follow_up(S::Concluded, &[AnswerClass::B]));
        assert!(may_follow_up(S::Evaluated, &[AnswerClass::A, AnswerClass::C]), "one part kept for reference is enough");
        assert!(!may_follow_up(S::Concluded, &[AnswerClass::A]), "an A answer is done");
        assert!(!may_follow_up(S::Answered, &[AnswerClass::B]), "not before the rating");
        assert!(S::ALL.iter().filter(|s| s.numbered()).all(|s| !matches!(s, S::Merged | S::NotFiled | S::InReview)));
        assert!(S::Rehandling.answered() && !S::Assigned.answered());
    }

    #[test]
    fn joint_handling_keeps_its_order() {
        use PartAction as PA;
        use PartRole::*;
        use PartState as PS;
        let d = |m, dd| NaiveDate::from_ymd_opt(2022, m, dd).unwrap();
        let (on, today) = (d(3, 1), d(3, 10));
        assert_eq!(joint_order(PA::Reply, Answering, Some(PS::Assigned), &[PS::Assigned], on, today), Err("err.await_co_units"));
        assert_eq!(joint_order(PA::Reply, Answering, Some(PS::Assigned), &[PS::OpinionSent], on, today), Ok(()));
        assert_eq!(joint_order(PA::CoSign, CoUnit, Some(PS::Assigned), &[PS::OpinionSent], on, today), Err("err.await_lead_reply"));
        assert_eq!(joint_order(PA::CoSign, CoUnit, Some(PS::Replied), &[PS::OpinionSent], on, today), Ok(()));
        assert_eq!(joint_order(PA::Approve, Answering, Some(PS::Replied), &[PS::OpinionSent], on, today), Err("err.await_cosign"));
        assert_eq!(joint_order(PA::Approve, Answering, Some(PS::Replied), &[PS::CoSigned, PS::Withdrawn], on, today), Ok(()));
        assert_eq!(joint_order(PA::Approve, Answering, Some(PS::Replied), &[], on, today), Ok(()), "单办 and 分办 need no co-signature");
    }

    #[test]
    fn the_lead_unit_answers_after_its_co_units_or_their_month() {
        let d = |m, dd| NaiveDate::from_ymd_opt(2022, m, dd).unwrap();
        assert!(!lead_may_reply(&[PartState::Assigned], d(3, 1), d(3, 20)), "a co-unit has not sent its opinion yet");
        assert!(lead_may_reply(&[PartState::OpinionSent, PartState::Withdrawn], d(3, 1), d(3, 2)));
        assert!(!lead_may_reply(&[PartState::Assigned], d(3, 1), d(4, 1)), "the month ends on 1 April");
        assert!(lead_may_reply(&[PartState::Assigned], d(3, 1), d(4, 2)), "then the lead need not wait");
        assert!(lead_may_reply(&[], d(3, 1), d(3, 1)), "单办 and 分办 have no co-units");
    }

    #[test]
    fn the_rating_period_is_thirty_days() {
        let d = |m, dd| NaiveDate::from_ymd_opt(2022, m, dd).unwrap();
        assert!(!rating_closed(d(3, 1), d(3, 31)), "day 30 is still open");
        assert!(rating_closed(d(3, 1), d(4, 1)));
    }

    #[test]
    fn settings_are_checked_before_they_are_saved() {
        assert_eq!(check_number_format("第{seq}号"), Ok(()));
        assert_eq!(check_number_format("{year}-{seq:4}"), Ok(()));
        assert_eq!(check_number_format("第号"), Err("err.number_format"), "a format without the number");
        assert_eq!(check_number_format("第{seq号"), Err("err.number_format"), "an unclosed placeholder");
        assert_eq!(check_number_format("{year}-{seq:x}"), Ok(()), "an unreadable width falls back to 3");
        assert_eq!(check_number_format(&format!("{}{{seq}}", "字".repeat(30))), Err("err.too_long"));
        assert_eq!(parse_grounds("甲\n\n  乙  \n"), Ok(vec!["甲".to_string(), "乙".to_string()]));
        assert_eq!(parse_grounds("甲\n甲"), Err("err.duplicate_line"));
        assert_eq!(parse_grounds(" \n"), Err("err.grounds_count"));
        assert_eq!(parse_grounds(&"字".repeat(101)), Err("err.too_long"));
    }
}
