//! Citizen demands (群众诉求 / 意见建议): their states and the one function that decides every
//! move between them (DOMAIN.md, "Demand"). Pure: no IO, table-tested below.
use serde::{Deserialize, Serialize};

/// Where a demand stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandState {
    /// Registered by a citizen online or by staff or a member on duty; waits for triage.
    Registered,
    /// Handed to one unit with a deadline.
    Assigned,
    /// The unit asked to give it back (within 5 working days); staff re-assign.
    ReturnRequested,
    /// The unit has replied; staff check whether the problem is solved.
    Answered,
    /// Solved (on the spot or after the unit's answer); waits for the citizen's rating.
    Resolved,
    /// The citizen (or staff on their behalf) rated the result (回访 done).
    FollowedUp,
    /// Turned into a proposal, opinion report or research topic.
    Converted,
    /// Rejected with a reason.
    Closed,
    Archived,
}

impl DemandState {
    pub const ALL: [DemandState; 9] = [
        Self::Registered,
        Self::Assigned,
        Self::ReturnRequested,
        Self::Answered,
        Self::Resolved,
        Self::FollowedUp,
        Self::Converted,
        Self::Closed,
        Self::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Assigned => "assigned",
            Self::ReturnRequested => "return_requested",
            Self::Answered => "answered",
            Self::Resolved => "resolved",
            Self::FollowedUp => "followed_up",
            Self::Converted => "converted",
            Self::Closed => "closed",
            Self::Archived => "archived",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Registered => "demand.state.registered",
            Self::Assigned => "demand.state.assigned",
            Self::ReturnRequested => "demand.state.return_requested",
            Self::Answered => "demand.state.answered",
            Self::Resolved => "demand.state.resolved",
            Self::FollowedUp => "demand.state.followed_up",
            Self::Converted => "demand.state.converted",
            Self::Closed => "demand.state.closed",
            Self::Archived => "demand.state.archived",
        }
    }

    /// States in which a unit holds the demand and its deadline runs.
    pub fn with_unit(self) -> bool {
        matches!(self, Self::Assigned | Self::ReturnRequested)
    }
}

/// The citizen's rating of the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [Self::Satisfied, Self::BasicallySatisfied, Self::Unsatisfied];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::BasicallySatisfied => "basically_satisfied",
            Self::Unsatisfied => "unsatisfied",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Satisfied => "demand.rating.satisfied",
            Self::BasicallySatisfied => "demand.rating.basically_satisfied",
            Self::Unsatisfied => "demand.rating.unsatisfied",
        }
    }
}

/// Who asks for a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandActor {
    /// Committee staff (and administrators).
    Staff,
    /// The unit the demand is assigned to.
    AssignedUnit,
    /// The citizen, identified by tracking code and phone.
    Citizen,
}

/// A requested move, with the facts the rules depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandAction {
    /// Staff solve it at once (答复 on the spot).
    AnswerOnSpot,
    /// Staff hand it to a unit (first time, after a return, or when an answer falls short).
    Assign,
    /// The unit asks to give it back; allowed only within 5 working days of the assignment.
    RequestReturn { within_window: bool },
    /// The unit replies.
    Answer,
    /// Staff confirm the problem is solved.
    ConfirmResolved,
    /// The citizen rates; an unsatisfied rating sends it back for re-handling while re-handlings
    /// are left (`rehandled` so far, `max_rehandle` allowed).
    Rate { satisfaction: Satisfaction, rehandled: u32, max_rehandle: u32 },
    /// Staff turn it into a proposal / opinion report / research topic.
    Convert,
    /// Staff reject it with a reason.
    Reject,
    Archive,
}

/// Why a move is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("not allowed in this state")]
    WrongState,
    #[error("not allowed for this actor")]
    WrongActor,
    #[error("the return window has passed")]
    ReturnWindowPassed,
}

impl TransitionError {
    pub fn key(self) -> &'static str {
        match self {
            Self::WrongState => "err.wrong_state",
            Self::WrongActor => "err.wrong_actor",
            Self::ReturnWindowPassed => "err.return_window",
        }
    }
}

/// The next state of a demand in `state` when `actor` does `action`, or why not.
pub fn apply(state: DemandState, action: DemandAction, actor: DemandActor) -> Result<DemandState, TransitionError> {
    use DemandAction as A;
    use DemandActor::*;
    use DemandState as S;
    let required = match action {
        A::AnswerOnSpot | A::Assign | A::ConfirmResolved | A::Convert | A::Reject | A::Archive => Staff,
        A::RequestReturn { .. } | A::Answer => AssignedUnit,
        // Staff record a rating taken by phone on the citizen's behalf.
        A::Rate { .. } if actor == Staff => Staff,
        A::Rate { .. } => Citizen,
    };
    if actor != required {
        return Err(TransitionError::WrongActor);
    }
    match (state, action) {
        (S::Registered, A::AnswerOnSpot) => Ok(S::Resolved),
        (S::Registered | S::ReturnRequested | S::Answered, A::Assign) => Ok(S::Assigned),
        (S::Assigned, A::RequestReturn { within_window: true }) => Ok(S::ReturnRequested),
        (S::Assigned, A::RequestReturn { within_window: false }) => Err(TransitionError::ReturnWindowPassed),
        (S::Assigned, A::Answer) => Ok(S::Answered),
        (S::Answered, A::ConfirmResolved) => Ok(S::Resolved),
        (S::Resolved, A::Rate { satisfaction: Satisfaction::Unsatisfied, rehandled, max_rehandle }) if rehandled < max_rehandle => {
            Ok(S::Assigned)
        }
        (S::Resolved, A::Rate { .. }) => Ok(S::FollowedUp),
        (S::Registered, A::Convert) => Ok(S::Converted),
        (S::Registered, A::Reject) => Ok(S::Closed),
        (S::FollowedUp | S::Converted | S::Closed, A::Archive) => Ok(S::Archived),
        _ => Err(TransitionError::WrongState),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DemandAction as A;
    use DemandActor::*;
    use DemandState as S;

    fn rate(satisfaction: Satisfaction, rehandled: u32) -> DemandAction {
        A::Rate { satisfaction, rehandled, max_rehandle: 2 }
    }

    /// Every allowed move; everything else must be refused.
    fn allowed() -> Vec<(DemandState, DemandAction, DemandActor, DemandState)> {
        vec![
            (S::Registered, A::AnswerOnSpot, Staff, S::Resolved),
            (S::Registered, A::Assign, Staff, S::Assigned),
            (S::ReturnRequested, A::Assign, Staff, S::Assigned),
            (S::Answered, A::Assign, Staff, S::Assigned),
            (S::Assigned, A::RequestReturn { within_window: true }, AssignedUnit, S::ReturnRequested),
            (S::Assigned, A::Answer, AssignedUnit, S::Answered),
            (S::Answered, A::ConfirmResolved, Staff, S::Resolved),
            (S::Resolved, rate(Satisfaction::Satisfied, 0), Citizen, S::FollowedUp),
            (S::Resolved, rate(Satisfaction::BasicallySatisfied, 0), Citizen, S::FollowedUp),
            (S::Resolved, rate(Satisfaction::Unsatisfied, 0), Citizen, S::Assigned),
            (S::Resolved, rate(Satisfaction::Unsatisfied, 1), Citizen, S::Assigned),
            (S::Resolved, rate(Satisfaction::Unsatisfied, 2), Citizen, S::FollowedUp),
            (S::Registered, A::Convert, Staff, S::Converted),
            (S::Registered, A::Reject, Staff, S::Closed),
            (S::FollowedUp, A::Archive, Staff, S::Archived),
            (S::Converted, A::Archive, Staff, S::Archived),
            (S::Closed, A::Archive, Staff, S::Archived),
        ]
        .into_iter()
        // Staff may record any rating on the citizen's behalf, with the same effect.
        .flat_map(|row| {
            let on_behalf = matches!(row.1, A::Rate { .. }).then_some((row.0, row.1, Staff, row.3));
            std::iter::once(row).chain(on_behalf)
        })
        .collect()
    }

    #[test]
    fn every_move_of_every_actor_in_every_state() {
        let actions = [
            A::AnswerOnSpot,
            A::Assign,
            A::RequestReturn { within_window: true },
            A::Answer,
            A::ConfirmResolved,
            rate(Satisfaction::Satisfied, 0),
            rate(Satisfaction::BasicallySatisfied, 0),
            rate(Satisfaction::Unsatisfied, 0),
            rate(Satisfaction::Unsatisfied, 1),
            rate(Satisfaction::Unsatisfied, 2),
            A::Convert,
            A::Reject,
            A::Archive,
        ];
        let table = allowed();
        let mut checked = 0;
        for state in DemandState::ALL {
            for action in actions {
                for actor in [Staff, AssignedUnit, Citizen] {
                    let expected = table.iter().find(|(s, a, who, _)| *s == state && *a == action && *who == actor).map(|(_, _, _, to)| *to);
                    let got = apply(state, action, actor);
                    match expected {
                        Some(to) => assert_eq!(got, Ok(to), "{state:?} {action:?} {actor:?}"),
                        None => assert!(got.is_err(), "{state:?} {action:?} {actor:?} must be refused, got {got:?}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 9 * 13 * 3);
    }

    #[test]
    fn the_reasons_for_refusal() {
        assert_eq!(apply(S::Assigned, A::Answer, Staff), Err(TransitionError::WrongActor));
        assert_eq!(apply(S::Registered, A::Answer, AssignedUnit), Err(TransitionError::WrongState));
        assert_eq!(apply(S::Assigned, A::RequestReturn { within_window: false }, AssignedUnit), Err(TransitionError::ReturnWindowPassed));
        assert_eq!(apply(S::Resolved, rate(Satisfaction::Satisfied, 0), AssignedUnit), Err(TransitionError::WrongActor));
    }

    #[test]
    fn codes_round_trip() {
        for s in DemandState::ALL {
            assert_eq!(DemandState::from_code(s.as_str()), Some(s));
        }
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::from_code(s.as_str()), Some(s));
        }
        assert!(DemandState::Assigned.with_unit() && !DemandState::Answered.with_unit());
    }
}

/// Problem to solve or suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    Problem,
    Suggestion,
}

impl DemandKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Problem => "problem",
            Self::Suggestion => "suggestion",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Problem, Self::Suggestion].into_iter().find(|k| k.as_str() == s)
    }
}

/// How a demand reached the committee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Studio,
    Online,
    Visit,
    ReceptionDay,
    Hotline,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Self::Studio, Self::Online, Self::Visit, Self::ReceptionDay, Self::Hotline];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Studio => "studio",
            Self::Online => "online",
            Self::Visit => "visit",
            Self::ReceptionDay => "reception_day",
            Self::Hotline => "hotline",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The default category list (a committee-level setting later).
pub const CATEGORIES: [&str; 8] = ["城市管理", "教育", "医疗卫生", "社会保障", "交通出行", "环境保护", "社区服务", "其他"];

/// Working days a unit has to answer, unless staff choose otherwise.
pub const DEFAULT_DEADLINE_DAYS: u32 = 15;
/// Working days after assignment during which a unit may ask to return a demand.
pub const RETURN_WINDOW_DAYS: u32 = 5;
/// How many times an unsatisfied rating sends a demand back to the unit.
pub const MAX_REHANDLE: u32 = 2;

/// A tracking code: 8 characters without look-alikes (no 0/O, 1/I/L), about 10¹² codes, and
/// looked up only together with the phone's last four digits.
pub fn new_tracking_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

#[cfg(test)]
mod code_tests {
    use super::*;

    #[test]
    fn tracking_codes_avoid_look_alikes() {
        let codes: std::collections::HashSet<String> = (0..1000).map(|_| new_tracking_code()).collect();
        assert_eq!(codes.len(), 1000);
        assert!(codes.iter().all(|c| c.len() == 8 && !c.contains(['0', 'O', '1', 'I', 'L'])));
        assert_eq!(Channel::from_code("hotline"), Some(Channel::Hotline));
        assert_eq!(DemandKind::from_code("idea"), None);
    }
}
