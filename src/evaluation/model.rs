//! The evaluation year's rules as pure functions: when rules may change, when a year may be
//! evaluated and frozen, the day inactivity is judged on, the consequence actions staff record
//! and which of them a member's record calls for.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a committee's evaluation of a year stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum YearState {
    /// No evaluation yet: pages show the live ledger under the current rules.
    Open,
    /// Evaluated (scores kept under the rules of that moment); may be evaluated again.
    Evaluated,
    /// 定档: the scores and the rules are final.
    Frozen,
}

impl YearState {
    pub fn of(evaluated: bool, frozen: bool) -> YearState {
        match (evaluated, frozen) {
            (_, true) => Self::Frozen,
            (true, false) => Self::Evaluated,
            (false, false) => Self::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Evaluated => "evaluated",
            Self::Frozen => "frozen",
        }
    }
}

/// Why a change to a year is refused, in the words staff read.
pub type Refusal = &'static str;

/// Rules of a frozen year never change again.
pub fn may_edit_rules(state: YearState) -> Result<(), Refusal> {
    if state == YearState::Frozen { Err("eval.err.frozen") } else { Ok(()) }
}

/// A year may be evaluated again and again until it is frozen.
pub fn may_evaluate(state: YearState) -> Result<(), Refusal> {
    may_edit_rules(state)
}

/// A year is frozen once, after it has ended and been evaluated.
pub fn may_freeze(state: YearState, year: i32, today: NaiveDate) -> Result<(), Refusal> {
    match state {
        YearState::Frozen => Err("eval.err.frozen"),
        YearState::Open => Err("eval.err.not_evaluated"),
        YearState::Evaluated if chrono::Datelike::year(&today) <= year => Err("eval.err.year_not_over"),
        YearState::Evaluated => Ok(()),
    }
}

/// Manual records and consequence actions are dated within the year and not in the future.
pub fn check_date(on: NaiveDate, year: i32, today: NaiveDate) -> Result<(), Refusal> {
    if chrono::Datelike::year(&on) != year {
        Err("eval.err.date_outside_year")
    } else if on > today {
        Err("eval.err.date_future")
    } else {
        Ok(())
    }
}

/// The day inactivity is judged on: today, or the last day of a past year.
pub fn as_of(year: i32, today: NaiveDate) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    last.min(today)
}

/// What staff do about a member who falls short (the consequences of the rulebook).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsequenceKind {
    /// 谈话提醒.
    ReminderTalk,
    /// 约谈.
    Interview,
    /// 建议辞去委员职务.
    ResignRecommendation,
    /// 按程序撤销委员资格.
    Removal,
}

impl ConsequenceKind {
    pub const ALL: [ConsequenceKind; 4] = [Self::ReminderTalk, Self::Interview, Self::ResignRecommendation, Self::Removal];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReminderTalk => "reminder_talk",
            Self::Interview => "interview",
            Self::ResignRecommendation => "resign_recommendation",
            Self::Removal => "removal",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_key(self) -> String {
        format!("eval.action.{}", self.as_str())
    }
}

/// What a member's record calls for: a failing year a reminder talk; two failing years in a
/// row an interview and a recommendation to resign; two plenaries missed without leave (this
/// year and last) removal by procedure.
pub fn called_for(failing: bool, failed_last_year: bool, plenaries_missed: u32) -> Vec<ConsequenceKind> {
    let mut out = Vec::new();
    if failing && failed_last_year {
        out.extend([ConsequenceKind::Interview, ConsequenceKind::ResignRecommendation]);
    } else if failing {
        out.push(ConsequenceKind::ReminderTalk);
    }
    if plenaries_missed >= 2 {
        out.push(ConsequenceKind::Removal);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_frozen_year_refuses_rule_edits_and_evaluation() {
        for (state, edit) in [(YearState::Open, true), (YearState::Evaluated, true), (YearState::Frozen, false)] {
            assert_eq!(may_edit_rules(state).is_ok(), edit, "{state:?}");
            assert_eq!(may_evaluate(state).is_ok(), edit, "{state:?}");
        }
    }

    #[test]
    fn a_year_is_frozen_once_after_it_ended_and_was_evaluated() {
        assert_eq!(may_freeze(YearState::Open, 2022, d(2023, 1, 5)), Err("eval.err.not_evaluated"));
        assert_eq!(may_freeze(YearState::Evaluated, 2022, d(2022, 12, 31)), Err("eval.err.year_not_over"));
        assert_eq!(may_freeze(YearState::Evaluated, 2022, d(2023, 1, 1)), Ok(()));
        assert_eq!(may_freeze(YearState::Frozen, 2022, d(2023, 1, 1)), Err("eval.err.frozen"));
        assert_eq!(YearState::of(true, true), YearState::Frozen);
        assert_eq!(YearState::of(true, false), YearState::Evaluated);
    }

    #[test]
    fn dates_inside_the_year_and_not_ahead() {
        assert_eq!(check_date(d(2022, 1, 1), 2022, d(2026, 1, 1)), Ok(()));
        assert_eq!(check_date(d(2021, 12, 31), 2022, d(2026, 1, 1)), Err("eval.err.date_outside_year"));
        assert_eq!(check_date(d(2026, 5, 2), 2026, d(2026, 5, 1)), Err("eval.err.date_future"));
        assert_eq!(as_of(2022, d(2026, 11, 27)), d(2022, 12, 31));
        assert_eq!(as_of(2026, d(2026, 11, 27)), d(2026, 11, 27));
    }

    #[test]
    fn consequences_follow_the_record() {
        use ConsequenceKind::*;
        assert!(called_for(false, true, 1).is_empty());
        assert_eq!(called_for(true, false, 0), [ReminderTalk]);
        assert_eq!(called_for(true, true, 0), [Interview, ResignRecommendation]);
        assert_eq!(called_for(false, false, 2), [Removal]);
        for k in ConsequenceKind::ALL {
            assert_eq!(ConsequenceKind::from_code(k.as_str()), Some(k));
        }
    }
}
