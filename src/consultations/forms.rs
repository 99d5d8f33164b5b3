//! The consultation forms as sent (text, so that a bad value is named) and their checks into
//! the store's typed values. Pure.
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};
use crate::app::pages::parse_date;
use crate::consultations::model::{ConsultationKind, OutcomeAction, Satisfaction, TopicSource};
use crate::consultations::store::{NewInstruction, NewOutcome, NewTopic, ParticipantList, Step};
use crate::org::values::normalize_text;

/// Text of at most `max` characters after normalising; required unless `optional`.
fn text(check: &mut Check, field: &'static str, s: &str, max: usize, optional: bool) -> String {
    let t = normalize_text(s).trim().to_string();
    if t.is_empty() && !optional {
        check.add(FieldError::new(field, "err.required"));
    } else if t.chars().count() > max {
        check.add(FieldError::new(field, "err.too_long"));
    }
    t
}

fn date(check: &mut Check, field: &'static str, s: &str) -> Option<NaiveDate> {
    match parse_date(field, s) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            check.add(FieldError::new(field, "err.required"));
            None
        }
        Err(e) => {
            check.add(e);
            None
        }
    }
}

fn coded<T>(check: &mut Check, field: &'static str, s: &str, from: impl Fn(&str) -> Option<T>) -> Option<T> {
    let v = from(s.trim());
    if v.is_none() {
        check.add(FieldError::new(field, if s.trim().is_empty() { "err.required" } else { "err.choice" }));
    }
    v
}

/// A topic put forward by staff (any source) or a member (委员荐题).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub suggested_by: String,
    #[serde(default)]
    pub place_id: String,
}

impl TopicForm {
    /// `member`: the member putting it forward (their source is always 委员荐题).
    pub fn parse(&self, places: &[i64], member: Option<(i64, &str)>) -> Result<NewTopic, Vec<FieldError>> {
        let mut c = Check::default();
        let kind = coded(&mut c, "kind", &self.kind, ConsultationKind::from_code);
        let source = match member {
            Some(_) => Some(TopicSource::Member),
            None => coded(&mut c, "source", &self.source, TopicSource::from_code),
        };
        let title = text(&mut c, "title", &self.title, 100, false);
        let topic = text(&mut c, "topic", &self.topic, 5000, false);
        let suggested_by = match member {
            Some((_, name)) => name.to_string(),
            None => text(&mut c, "suggested_by", &self.suggested_by, 100, true),
        };
        let place_id = c.take(choice("place_id", &self.place_id, places)).flatten();
        match (kind, source, c.is_ok()) {
            (Some(kind), Some(source), true) => Ok(NewTopic {
                kind,
                source,
                title,
                topic,
                suggested_by,
                suggester_phone: String::new(),
                suggester_member_id: member.map(|m| m.0),
                place_id,
            }),
            _ => Err(c.0),
        }
    }
}

/// A staff move of the consultation.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub meeting_on: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub held_on: String,
}

impl StepForm {
    /// The step, or the fields at fault. A meeting is not held in the future; minutes and
    /// closing are dated `today`.
    pub fn parse(&self, places: &[i64], today: NaiveDate) -> Result<Step, Vec<FieldError>> {
        let mut c = Check::default();
        let step = match self.step.as_str() {
            "plan" => {
                let year = self.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
                if year.is_none() {
                    c.add(FieldError::new("year", "err.choice"));
                }
                year.map(|year| Step::Plan { year })
            }
            "decline" => Some(Step::Decline { reason: text(&mut c, "reason", &self.reason, 1000, false) }),
            "prepare" => {
                let meeting_on = date(&mut c, "meeting_on", &self.meeting_on);
                let place_id = c.take(choice("place_id", &self.place_id, places)).flatten();
                let address = text(&mut c, "address", &self.address, 200, true);
                let format = text(&mut c, "format", &self.format, 100, true);
                meeting_on.map(|meeting_on| Step::Prepare { meeting_on, place_id, address, format })
            }
            "hold" => {
                let held_on = date(&mut c, "held_on", &self.held_on);
                if held_on.is_some_and(|d| d > today) {
                    c.add(FieldError::new("held_on", "consultation.err.future"));
                }
                held_on.map(|held_on| Step::Hold { held_on })
            }
            "issue_minutes" => Some(Step::IssueMinutes { on: today }),
            "close" => Some(Step::Close { on: today }),
            _ => {
                c.add(FieldError::new("step", "err.choice"));
                None
            }
        };
        match step {
            Some(s) if c.is_ok() => Ok(s),
            _ => Err(c.0),
        }
    }
}

/// Participants: members and units ticked, citizen representatives one per line.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ParticipantsForm {
    #[serde(default)]
    pub member_ids: Vec<String>,
    #[serde(default)]
    pub unit_ids: Vec<String>,
    #[serde(default)]
    pub citizens: String,
}

impl crate::app::forms::ListFields for ParticipantsForm {
    const LISTS: &'static [&'static str] = &["member_ids", "unit_ids"];
}

impl ParticipantsForm {
    pub fn parse(&self, members: &[i64], units: &[i64]) -> Result<ParticipantList, Vec<FieldError>> {
        let mut c = Check::default();
        let member_ids = c.take(choices("member_ids", &self.member_ids, members)).unwrap_or_default();
        let unit_ids = c.take(choices("unit_ids", &self.unit_ids, units)).unwrap_or_default();
        let citizens: Vec<String> = self.citizens.lines().map(|l| normalize_text(l).trim().to_string()).filter(|l| !l.is_empty()).collect();
        if citizens.iter().any(|n| n.chars().count() > 100) {
            c.add(FieldError::new("citizens", "err.too_long"));
        }
        if c.is_ok() { Ok(ParticipantList { member_ids, unit_ids, citizens }) } else { Err(c.0) }
    }
}

/// The minutes' four parts.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MinutesForm {
    #[serde(default)]
    pub briefing: String,
    #[serde(default)]
    pub questions: String,
    #[serde(default)]
    pub answers: String,
    #[serde(default)]
    pub statements: String,
}

impl MinutesForm {
    /// Each part may be saved unfinished, but none may be longer than 20,000 characters.
    pub fn parse(&self) -> Result<[String; 4], Vec<FieldError>> {
        let mut c = Check::default();
        let parts = [
            text(&mut c, "briefing", &self.briefing, 20_000, true),
            text(&mut c, "questions", &self.questions, 20_000, true),
            text(&mut c, "answers", &self.answers, 20_000, true),
            text(&mut c, "statements", &self.statements, 20_000, true),
        ];
        if c.is_ok() { Ok(parts) } else { Err(c.0) }
    }
}

/// An agreed action handed to a unit.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub deadline: String,
}

impl OutcomeForm {
    /// The deadline may not be before `today`.
    pub fn parse(&self, units: &[i64], today: NaiveDate) -> Result<NewOutcome, Vec<FieldError>> {
        let mut c = Check::default();
        let action = text(&mut c, "action", &self.action, 1000, false);
        let unit = c.take(choice("unit_id", &self.unit_id, units)).flatten();
        if unit.is_none() && self.unit_id.trim().is_empty() {
            c.add(FieldError::new("unit_id", "err.required"));
        }
        let deadline = date(&mut c, "deadline", &self.deadline);
        if deadline.is_some_and(|d| d < today) {
            c.add(FieldError::new("deadline", "consultation.err.past"));
        }
        match (unit, deadline, c.is_ok()) {
            (Some(unit_id), Some(deadline), true) => Ok(NewOutcome { action, unit_id, deadline }),
            _ => Err(c.0),
        }
    }
}

/// A move of an outcome, with the unit's progress text or reason, or staff's satisfaction check.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct OutcomeMoveForm {
    #[serde(default)]
    pub op: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub satisfaction: String,
}

impl OutcomeMoveForm {
    pub fn parse(&self) -> Result<(OutcomeAction, String), Vec<FieldError>> {
        let mut c = Check::default();
        let text = text(&mut c, "text", &self.text, 2000, true);
        let action = match self.op.as_str() {
            "start" => Some(OutcomeAction::Start),
            "complete" => Some(OutcomeAction::Complete),
            "fail" => Some(OutcomeAction::Fail),
            "reopen" => Some(OutcomeAction::Reopen),
            "check" => coded(&mut c, "satisfaction", &self.satisfaction, Satisfaction::from_code).map(|satisfaction| OutcomeAction::Check { satisfaction }),
            _ => {
                c.add(FieldError::new("op", "err.choice"));
                None
            }
        };
        match action {
            Some(a) if c.is_ok() => Ok((a, text)),
            _ => Err(c.0),
        }
    }
}

/// The levels a leader's instruction can come from.
pub const LEVELS: [&str; 4] = ["district", "city", "province", "national"];

/// A leader's instruction (批示) on the consultation report.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct InstructionForm {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub by_whom: String,
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub summary: String,
}

impl InstructionForm {
    pub fn parse(&self, today: NaiveDate) -> Result<NewInstruction, Vec<FieldError>> {
        let mut c = Check::default();
        let level = coded(&mut c, "level", &self.level, |s| LEVELS.iter().find(|l| **l == s).map(|l| l.to_string()));
        let by_whom = text(&mut c, "by_whom", &self.by_whom, 100, false);
        let on_date = date(&mut c, "on_date", &self.on_date);
        if on_date.is_some_and(|d| d > today) {
            c.add(FieldError::new("on_date", "consultation.err.future"));
        }
        let summary = text(&mut c, "summary", &self.summary, 2000, false);
        match (level, on_date, c.is_ok()) {
            (Some(level), Some(on_date), true) => Ok(NewInstruction { level, by_whom, on_date, summary }),
            _ => Err(c.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, day).unwrap()
    }

    fn fields(e: Vec<FieldError>) -> Vec<&'static str> {
        e.iter().map(|x| x.field).collect()
    }

    #[test]
    fn a_topic_names_every_bad_field() {
        let bad = TopicForm { kind: "plenary".into(), source: "".into(), title: " ".into(), topic: "x".into(), place_id: "99".into(), ..Default::default() };
        assert_eq!(fields(bad.parse(&[1], None).unwrap_err()), ["kind", "source", "title", "place_id"]);
        let member = TopicForm { kind: "grassroots".into(), source: "party_government".into(), title: "葩金社区文体设施不足".into(), topic: "小区缺少健身器材".into(), ..Default::default() };
        let t = member.parse(&[], Some((7, "委员甲"))).unwrap();
        assert_eq!((t.source, t.suggester_member_id, t.suggested_by.as_str()), (TopicSource::Member, Some(7), "委员甲"), "a member's topic is always 委员荐题");
    }

    #[test]
    fn steps_read_their_own_fields() {
        let today = d(4, 19);
        let hold = StepForm { step: "hold".into(), held_on: "2022-04-20".into(), ..Default::default() };
        assert_eq!(fields(hold.parse(&[], today).unwrap_err()), ["held_on"], "not in the future");
        let prepare = StepForm { step: "prepare".into(), meeting_on: "2022-05-10".into(), place_id: "3".into(), format: "座谈会".into(), ..Default::default() };
        assert_eq!(prepare.parse(&[3], today), Ok(Step::Prepare { meeting_on: d(5, 10), place_id: Some(3), address: String::new(), format: "座谈会".into() }));
        assert_eq!(fields(StepForm { step: "decline".into(), ..Default::default() }.parse(&[], today).unwrap_err()), ["reason"]);
        assert_eq!(fields(StepForm { step: "plan".into(), year: "22".into(), ..Default::default() }.parse(&[], today).unwrap_err()), ["year"]);
        assert_eq!(fields(StepForm { step: "vanish".into(), ..Default::default() }.parse(&[], today).unwrap_err()), ["step"]);
    }

    #[test]
    fn outcomes_need_a_unit_and_a_deadline_not_past() {
        let f = OutcomeForm { action: "增设减速带".into(), unit_id: "".into(), deadline: "2022-04-18".into() };
        assert_eq!(fields(f.parse(&[5], d(4, 19)).unwrap_err()), ["unit_id", "deadline"]);
        let ok = OutcomeForm { action: "增设减速带".into(), unit_id: "5".into(), deadline: "2022-05-31".into() };
        assert_eq!(ok.parse(&[5], d(4, 19)), Ok(NewOutcome { action: "增设减速带".into(), unit_id: 5, deadline: d(5, 31) }));
    }

    #[test]
    fn outcome_moves_and_instructions_are_checked() {
        let check = OutcomeMoveForm { op: "check".into(), satisfaction: "satisfied".into(), ..Default::default() };
        assert_eq!(check.parse().unwrap().0, OutcomeAction::Check { satisfaction: Satisfaction::Satisfied });
        assert_eq!(fields(OutcomeMoveForm { op: "check".into(), ..Default::default() }.parse().unwrap_err()), ["satisfaction"]);
        let i = InstructionForm { level: "county".into(), by_whom: "".into(), on_date: "2022-13-01".into(), summary: "".into() };
        assert_eq!(fields(i.parse(d(4, 19)).unwrap_err()), ["level", "by_whom", "on_date", "summary"]);
    }

    #[test]
    fn participants_are_ticked_members_and_units_and_named_citizens() {
        let f = ParticipantsForm { member_ids: vec!["1".into(), "2".into()], unit_ids: vec!["9".into()], citizens: "居民代表甲\n\n  居民代表乙 ".into() };
        assert_eq!(f.parse(&[1, 2], &[9]), Ok(ParticipantList { member_ids: vec![1, 2], unit_ids: vec![9], citizens: vec!["居民代表甲".into(), "居民代表乙".into()] }));
        let bad = ParticipantsForm { member_ids: vec!["3".into()], ..Default::default() };
        assert_eq!(fields(bad.parse(&[1], &[]).unwrap_err()), ["member_ids"]);
    }
}
