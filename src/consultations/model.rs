//! Consultations (协商): their kinds and topic sources, the life cycle of a consultation and of
//! each agreed outcome, and the deadlines the rules set (DOMAIN.md, "Consultation"). Pure: no
//! IO, table-tested below.
//!
//! A consultation goes from a proposed topic to a meeting whose agreed outcomes are each handed
//! to a unit and tracked until done; it closes only when every outcome is settled. 请你来协商 and
//! 专题协商 are held only once the year's plan that lists them is approved by a leader; 基层协商
//! and 微协商 are called by the communities as problems come up, so they need no plan.
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::demands::model::Satisfaction;
use crate::tracking::WorkCalendar;

macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.as_str() == s)
            }
        }
    };
}

coded! {
    /// The four kinds of consultation.
    ConsultationKind {
        /// 请你来协商: leaders of the Party committee or government answer members.
        Invited = "invited",
        /// 基层协商: in a community or village, with the residents.
        Grassroots = "grassroots",
        /// 专题协商: a plenary-level topic.
        Thematic = "thematic",
        /// 微协商: a small matter settled on the spot.
        Micro = "micro",
    }
}

impl ConsultationKind {
    /// Held only once the year's plan listing it is approved.
    pub fn needs_plan(self) -> bool {
        matches!(self, Self::Invited | Self::Thematic)
    }
}

coded! {
    /// Where a topic came from.
    TopicSource {
        /// 党政点题.
        PartyGovernment = "party_government",
        /// 政协找题.
        Committee = "committee",
        /// 委员荐题.
        Member = "member",
        /// 群众出题: suggested by a citizen on the public page.
        Public = "public",
    }
}

coded! {
    /// Where a consultation stands.
    ConsultationState {
        /// A topic suggested or found, not yet taken up.
        Proposed = "proposed",
        /// Not taken up, with a reason.
        Declined = "declined",
        /// In the year's plan.
        Planned = "planned",
        /// Date, place and participants set; research, notices and materials under way.
        Preparing = "preparing",
        /// The meeting took place; minutes are due within 7 working days.
        Held = "held",
        /// 纪要 issued; the agreed outcomes are being carried out.
        MinutesIssued = "minutes_issued",
        /// Every outcome settled.
        Closed = "closed",
    }
}

/// A requested move of a consultation, with the facts the rules depend on. Every move is
/// staff's (机关 organises consultations); the plan's approval is a leader's, in `PlanState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsultationAction {
    /// Put the topic in the year's plan.
    Plan,
    /// Not take the topic up.
    Decline,
    /// Fix date, place and participants. `plan_approved`: the year's plan is approved.
    Prepare { plan_approved: bool },
    /// Record that the meeting took place.
    Hold,
    /// Issue the minutes; they need all four parts written.
    IssueMinutes { minutes_complete: bool },
    /// Close: `open_outcomes` is how many outcomes are not yet settled.
    Close { open_outcomes: usize },
}

/// Why a move is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConsultationError {
    #[error("not allowed in this state")]
    WrongState,
    #[error("the year's plan is not approved")]
    PlanNotApproved,
    #[error("the minutes are incomplete")]
    MinutesIncomplete,
    #[error("outcomes are still open")]
    OutcomesOpen,
    #[error("not allowed for this actor")]
    WrongActor,
}

impl ConsultationError {
    pub fn key(self) -> &'static str {
        match self {
            Self::WrongState => "err.wrong_state",
            Self::PlanNotApproved => "consultation.err.plan_not_approved",
            Self::MinutesIncomplete => "consultation.err.minutes_incomplete",
            Self::OutcomesOpen => "consultation.err.outcomes_open",
            Self::WrongActor => "err.wrong_actor",
        }
    }
}

/// The one function that decides every move of a consultation of `kind`.
pub fn apply(kind: ConsultationKind, state: ConsultationState, action: ConsultationAction) -> Result<ConsultationState, ConsultationError> {
    use ConsultationAction as A;
    use ConsultationState as S;
    match (state, action) {
        (S::Proposed, A::Plan) => Ok(S::Planned),
        (S::Proposed | S::Planned, A::Decline) => Ok(S::Declined),
        (S::Planned, A::Prepare { plan_approved: false }) if kind.needs_plan() => Err(ConsultationError::PlanNotApproved),
        (S::Planned, A::Prepare { .. }) => Ok(S::Preparing),
        // Called as problems come up: no plan needed.
        (S::Proposed, A::Prepare { .. }) if !kind.needs_plan() => Ok(S::Preparing),
        (S::Proposed, A::Prepare { .. }) => Err(ConsultationError::PlanNotApproved),
        (S::Preparing, A::Hold) => Ok(S::Held),
        (S::Held, A::IssueMinutes { minutes_complete: true }) => Ok(S::MinutesIssued),
        (S::Held, A::IssueMinutes { minutes_complete: false }) => Err(ConsultationError::MinutesIncomplete),
        (S::MinutesIssued, A::Close { open_outcomes: 0 }) => Ok(S::Closed),
        (S::MinutesIssued, A::Close { .. }) => Err(ConsultationError::OutcomesOpen),
        _ => Err(ConsultationError::WrongState),
    }
}

coded! {
    /// The year's plan of consultations (年度协商计划).
    PlanState {
        /// Staff compile it.
        Draft = "draft",
        /// Sent to a leader.
        Submitted = "submitted",
        Approved = "approved",
    }
}

/// Moves of the plan: staff submit (again after a return), a leader approves or returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanAction {
    Submit,
    Approve,
    Return,
}

/// Who moves the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanActor {
    Staff,
    Leader,
}

pub fn apply_plan(state: PlanState, action: PlanAction, actor: PlanActor) -> Result<PlanState, ConsultationError> {
    use PlanAction as A;
    use PlanState as S;
    let needed = if action == A::Submit { PlanActor::Staff } else { PlanActor::Leader };
    if actor != needed {
        return Err(ConsultationError::WrongActor);
    }
    match (state, action) {
        (S::Draft, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::Approve) => Ok(S::Approved),
        (S::Submitted, A::Return) => Ok(S::Draft),
        _ => Err(ConsultationError::WrongState),
    }
}

coded! {
    /// Where an agreed outcome (协商成果) stands.
    OutcomeState {
        /// Handed to a unit with a deadline.
        Assigned = "assigned",
        InProgress = "in_progress",
        Done = "done",
        /// Could not be done, with a reason.
        NotDone = "not_done",
        /// The participants' satisfaction was checked: settled.
        Closed = "closed",
    }
}

/// Who moves an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeActor {
    /// The unit the outcome is assigned to.
    Unit,
    Staff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeAction {
    /// The unit starts on it.
    Start,
    /// The unit reports it done.
    Complete,
    /// The unit reports it cannot be done (a reason is required by the store).
    Fail,
    /// Staff send a report back (the participants disagree it is done).
    Reopen,
    /// Staff record the participants' satisfaction: the outcome is settled.
    Check { satisfaction: Satisfaction },
}

pub fn apply_outcome(state: OutcomeState, action: OutcomeAction, actor: OutcomeActor) -> Result<OutcomeState, ConsultationError> {
    use OutcomeAction as A;
    use OutcomeState as S;
    let needed = match action {
        A::Start | A::Complete | A::Fail => OutcomeActor::Unit,
        A::Reopen | A::Check { .. } => OutcomeActor::Staff,
    };
    if actor != needed {
        return Err(ConsultationError::WrongActor);
    }
    match (state, action) {
        (S::Assigned, A::Start) => Ok(S::InProgress),
        (S::Assigned | S::InProgress, A::Complete) => Ok(S::Done),
        (S::Assigned | S::InProgress, A::Fail) => Ok(S::NotDone),
        (S::Done | S::NotDone, A::Reopen) => Ok(S::InProgress),
        (S::Done | S::NotDone, A::Check { .. }) => Ok(S::Closed),
        _ => Err(ConsultationError::WrongState),
    }
}

/// Settled outcomes no longer keep their consultation open.
pub fn settled(state: OutcomeState) -> bool {
    state == OutcomeState::Closed
}

/// Participants are told at least this many working days before the meeting.
pub const NOTICE_WORKING_DAYS: u32 = 15;
/// Materials reach them at least this many (calendar) days before.
pub const MATERIALS_DAYS: i64 = 10;
/// Minutes are issued within this many working days after the meeting.
pub const MINUTES_WORKING_DAYS: u32 = 7;

/// The last day participants can be told in time: 15 working days must lie after the notice
/// day, up to and including the meeting day.
pub fn notice_deadline(cal: &WorkCalendar, meeting: NaiveDate) -> NaiveDate {
    let mut d = meeting - Duration::days(1);
    while cal.add_working_days(d, NOTICE_WORKING_DAYS) > meeting {
        d -= Duration::days(1);
    }
    d
}

/// The last day materials can be sent in time.
pub fn materials_deadline(meeting: NaiveDate) -> NaiveDate {
    meeting - Duration::days(MATERIALS_DAYS)
}

/// The day the minutes are due.
pub fn minutes_due(cal: &WorkCalendar, held_on: NaiveDate) -> NaiveDate {
    cal.add_working_days(held_on, MINUTES_WORKING_DAYS)
}

/// How a step with a deadline went: sent on time, sent late, not sent yet but still in time,
/// or overdue (not sent and the day has passed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepTiming {
    OnTime,
    Late,
    Pending,
    Overdue,
}

impl StepTiming {
    pub fn of(deadline: NaiveDate, done_on: Option<NaiveDate>, today: NaiveDate) -> Self {
        match done_on {
            Some(d) if d <= deadline => Self::OnTime,
            Some(_) => Self::Late,
            None if today <= deadline => Self::Pending,
            None => Self::Overdue,
        }
    }

    /// Worth a warning on the page.
    pub fn warn(self) -> bool {
        matches!(self, Self::Late | Self::Overdue)
    }
}

/// The minutes' four parts (briefing, questions, answers, statements): all must be written.
pub fn minutes_complete(parts: [&str; 4]) -> bool {
    parts.iter().all(|p| !p.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsultationAction as A;
    use ConsultationKind as K;
    use ConsultationState as S;

    fn actions() -> Vec<ConsultationAction> {
        let mut v = vec![A::Plan, A::Decline, A::Hold];
        for b in [true, false] {
            v.push(A::Prepare { plan_approved: b });
            v.push(A::IssueMinutes { minutes_complete: b });
        }
        v.extend([0, 1, 3].map(|n| A::Close { open_outcomes: n }));
        v
    }

    /// Every allowed move; every other combination of kind, state and action is refused.
    fn allowed(kind: ConsultationKind) -> Vec<(ConsultationState, ConsultationAction, ConsultationState)> {
        let mut v = vec![
            (S::Proposed, A::Plan, S::Planned),
            (S::Proposed, A::Decline, S::Declined),
            (S::Planned, A::Decline, S::Declined),
            (S::Planned, A::Prepare { plan_approved: true }, S::Preparing),
            (S::Preparing, A::Hold, S::Held),
            (S::Held, A::IssueMinutes { minutes_complete: true }, S::MinutesIssued),
            (S::MinutesIssued, A::Close { open_outcomes: 0 }, S::Closed),
        ];
        if !kind.needs_plan() {
            v.push((S::Planned, A::Prepare { plan_approved: false }, S::Preparing));
            v.push((S::Proposed, A::Prepare { plan_approved: false }, S::Preparing));
            v.push((S::Proposed, A::Prepare { plan_approved: true }, S::Preparing));
        }
        v
    }

    #[test]
    fn the_consultation_life_cycle_allows_exactly_its_moves() {
        let mut checked = 0;
        for &kind in ConsultationKind::ALL {
            let ok = allowed(kind);
            for &state in ConsultationState::ALL {
                for action in actions() {
                    let expected = ok.iter().find(|(s, a, _)| *s == state && *a == action).map(|m| m.2);
                    let got = apply(kind, state, action);
                    match expected {
                        Some(next) => assert_eq!(got, Ok(next), "{kind:?} {state:?} {action:?}"),
                        None => assert!(got.is_err(), "{kind:?} {state:?} {action:?} should be refused, got {got:?}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 4 * 7 * 10);
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(apply(K::Invited, S::Planned, A::Prepare { plan_approved: false }), Err(ConsultationError::PlanNotApproved));
        assert_eq!(apply(K::Thematic, S::Proposed, A::Prepare { plan_approved: true }), Err(ConsultationError::PlanNotApproved), "plan it first");
        assert_eq!(apply(K::Grassroots, S::Held, A::IssueMinutes { minutes_complete: false }), Err(ConsultationError::MinutesIncomplete));
        assert_eq!(apply(K::Grassroots, S::MinutesIssued, A::Close { open_outcomes: 2 }), Err(ConsultationError::OutcomesOpen));
        assert_eq!(apply(K::Micro, S::Closed, A::Hold), Err(ConsultationError::WrongState));
    }

    #[test]
    fn the_plan_is_submitted_by_staff_and_approved_or_returned_by_a_leader() {
        use PlanAction::*;
        use PlanActor::*;
        use PlanState::*;
        let ok = [(Draft, Submit, Staff, Submitted), (Submitted, Approve, Leader, Approved), (Submitted, Return, Leader, Draft)];
        for &state in PlanState::ALL {
            for action in [Submit, Approve, Return] {
                for actor in [Staff, Leader] {
                    let expected = ok.iter().find(|m| m.0 == state && m.1 == action && m.2 == actor).map(|m| m.3);
                    assert_eq!(apply_plan(state, action, actor).ok(), expected, "{state:?} {action:?} {actor:?}");
                }
            }
        }
        assert_eq!(apply_plan(Submitted, Approve, Staff), Err(ConsultationError::WrongActor));
    }

    #[test]
    fn the_outcome_life_cycle_allows_exactly_its_moves() {
        use OutcomeAction as O;
        use OutcomeActor::*;
        use OutcomeState as T;
        let check = O::Check { satisfaction: Satisfaction::Satisfied };
        let ok = [
            (T::Assigned, O::Start, Unit, T::InProgress),
            (T::Assigned, O::Complete, Unit, T::Done),
            (T::InProgress, O::Complete, Unit, T::Done),
            (T::Assigned, O::Fail, Unit, T::NotDone),
            (T::InProgress, O::Fail, Unit, T::NotDone),
            (T::Done, O::Reopen, Staff, T::InProgress),
            (T::NotDone, O::Reopen, Staff, T::InProgress),
            (T::Done, check, Staff, T::Closed),
            (T::NotDone, check, Staff, T::Closed),
        ];
        for &state in OutcomeState::ALL {
            for action in [O::Start, O::Complete, O::Fail, O::Reopen, check, O::Check { satisfaction: Satisfaction::Unsatisfied }] {
                for actor in [Unit, Staff] {
                    let expected = ok.iter().find(|m| m.0 == state && (m.1 == action || matches!((m.1, action), (O::Check { .. }, O::Check { .. }))) && m.2 == actor).map(|m| m.3);
                    assert_eq!(apply_outcome(state, action, actor).ok(), expected, "{state:?} {action:?} {actor:?}");
                }
            }
        }
        assert!(settled(T::Closed) && !settled(T::Done) && !settled(T::NotDone));
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, day).unwrap()
    }

    #[test]
    fn notices_count_working_days_across_holidays_and_make_up_days() {
        let cal = WorkCalendar::china_2022();
        // A plain stretch: Friday 25 March; 15 working days back is Friday 4 March, and the
        // weekend after it still leaves 15 working days.
        assert_eq!(notice_deadline(&cal, d(3, 25)), d(3, 6));
        assert_eq!(cal.add_working_days(d(3, 6), 15), d(3, 25));
        assert!(cal.add_working_days(d(3, 7), 15) > d(3, 25), "a day later is too late");
        // Across 春节 (31 Jan – 4 Feb off; Sat 29 and Sun 30 Jan worked): a meeting on Monday
        // 21 February. Working days back: 21,18,17,16,15,14,11,10,9,8,7,30 Jan,29 Jan,28,27 →
        // the 15th is 27 Jan, so the last notice day is 26 January.
        assert_eq!(notice_deadline(&cal, d(2, 21)), d(1, 26));
        // Materials: ten calendar days.
        assert_eq!(materials_deadline(d(2, 21)), d(2, 11));
        // Minutes: 7 working days after a meeting on Friday 1 April skip 清明 (4–5 April) and
        // count Saturday 2 April, a make-up day: 2,6,7,8,11,12,13 → due 13 April.
        assert_eq!(minutes_due(&cal, d(4, 1)), d(4, 13));
    }

    #[test]
    fn steps_are_on_time_late_pending_or_overdue() {
        let deadline = d(3, 6);
        assert_eq!(StepTiming::of(deadline, Some(d(3, 6)), d(3, 20)), StepTiming::OnTime, "the deadline day itself is in time");
        assert_eq!(StepTiming::of(deadline, Some(d(3, 7)), d(3, 20)), StepTiming::Late);
        assert_eq!(StepTiming::of(deadline, None, d(3, 6)), StepTiming::Pending);
        assert_eq!(StepTiming::of(deadline, None, d(3, 7)), StepTiming::Overdue);
        assert!(StepTiming::Late.warn() && StepTiming::Overdue.warn() && !StepTiming::Pending.warn());
    }

    #[test]
    fn minutes_need_all_four_parts() {
        assert!(minutes_complete(["通报", "提问", "答复", "发言"]));
        assert!(!minutes_complete(["通报", " ", "答复", "发言"]));
    }

    #[test]
    fn codes_round_trip() {
        for &k in ConsultationKind::ALL {
            assert_eq!(ConsultationKind::from_code(k.as_str()), Some(k));
        }
        for &s in TopicSource::ALL {
            assert_eq!(TopicSource::from_code(s.as_str()), Some(s));
        }
        for &s in OutcomeState::ALL {
            assert_eq!(OutcomeState::from_code(s.as_str()), Some(s));
        }
        assert_eq!(ConsultationState::from_code("held"), Some(ConsultationState::Held));
        assert_eq!(ConsultationKind::from_code("plenary"), None);
    }
}
