//! Liaison targets (联系点) as typed values: the three kinds of target, their status as one pure
//! transition function, who may write in a contact log, and the two forms parsed once.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};
use crate::org::values::normalize_text;

/// What the leaders and members are linked to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// 党建示范点.
    PartySite,
    /// 重点项目.
    KeyProject,
    /// 重要信访案件.
    PetitionCase,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [Self::PartySite, Self::KeyProject, Self::PetitionCase];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PartySite => "party_site",
            Self::KeyProject => "key_project",
            Self::PetitionCase => "petition_case",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// Leaders and members keep in contact.
    Active,
    /// A petition case settled (化解); follow-up contacts may still be logged.
    Resolved,
    /// The link has ended; the log is closed.
    Closed,
}

impl TargetStatus {
    pub const ALL: [TargetStatus; 3] = [Self::Active, Self::Resolved, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A change of status staff ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusAction {
    /// 化解: a petition case is settled.
    Resolve,
    /// 结束联系: the link ends.
    Close,
    /// 恢复联系: the case comes back, or the link resumes.
    Reopen,
}

impl StatusAction {
    pub const ALL: [StatusAction; 3] = [Self::Resolve, Self::Close, Self::Reopen];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resolve => "resolve",
            Self::Close => "close",
            Self::Reopen => "reopen",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How the actor stands to one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Staff and admins: manage every target, log for anyone.
    Staff,
    /// A leader or member assigned to the target.
    Assignee,
    /// Anyone else who may read the target.
    Reader,
}

/// The one function that decides a target's status. Only staff change it; only a petition
/// case is resolved (a site or project link simply ends); a resolved case may still be closed;
/// a resolved or closed target may be reopened.
pub fn apply(kind: TargetKind, status: TargetStatus, action: StatusAction, who: Standing) -> Result<TargetStatus, &'static str> {
    use StatusAction as X;
    use TargetStatus as S;
    if who != Standing::Staff {
        return Err("err.wrong_actor");
    }
    match (kind, status, action) {
        (TargetKind::PetitionCase, S::Active, X::Resolve) => Ok(S::Resolved),
        (_, S::Active, X::Resolve) => Err("liaison.err.resolve_kind"),
        (_, S::Active | S::Resolved, X::Close) => Ok(S::Closed),
        (_, S::Resolved | S::Closed, X::Reopen) => Ok(S::Active),
        _ => Err("err.wrong_state"),
    }
}

/// The moves `apply` allows `who` on a target, in display order (for the buttons).
pub fn allowed(kind: TargetKind, status: TargetStatus, who: Standing) -> Vec<StatusAction> {
    StatusAction::ALL.into_iter().filter(|a| apply(kind, status, *a, who).is_ok()).collect()
}

/// May `who` write in the contact log of a target in `status`? Staff and assignees may, while
/// the link is active or (for follow-up, 回访) after a case is resolved; a closed log takes
/// nothing more.
pub fn may_log(status: TargetStatus, who: Standing) -> Result<(), &'static str> {
    match (who, status) {
        (Standing::Reader, _) => Err("err.wrong_actor"),
        (_, TargetStatus::Closed) => Err("liaison.err.closed"),
        _ => Ok(()),
    }
}

/// How far from the contact's date a linked visit may lie, in days.
pub const VISIT_WINDOW_DAYS: i64 = 30;

/// The target form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub assignee_ids: Vec<String>,
}

impl crate::app::forms::ListFields for TargetForm {
    const LISTS: &'static [&'static str] = &["assignee_ids"];
}

/// A checked target.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetInput {
    pub kind: TargetKind,
    pub name: String,
    pub place_id: Option<i64>,
    pub description: String,
    pub started_on: NaiveDate,
    pub assignee_ids: Vec<i64>,
}

/// What the forms are checked against.
pub struct Choices<'a> {
    pub places: &'a [i64],
    pub members: &'a [i64],
    pub today: NaiveDate,
}

fn date(field: &'static str, s: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => Err(FieldError::new(field, "err.future_date")),
        Ok(d) if d.year() >= 2000 => Ok(d),
        _ => Err(FieldError::new(field, "err.date")),
    }
}

impl TargetForm {
    /// Checks every field, naming each one at fault: a name of 2–100 characters, a start not in
    /// the future, at least one leader or member assigned.
    pub fn parse(&self, c: &Choices) -> Result<TargetInput, Vec<FieldError>> {
        let mut k = Check::default();
        let kind = k.take(TargetKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let name = normalize_text(&self.name);
        if !(2..=100).contains(&name.chars().count()) {
            k.add(FieldError::new("name", "liaison.err.name"));
        }
        let place_id = k.take(choice("place_id", &self.place_id, c.places)).flatten();
        let description = self.description.trim().to_string();
        if description.chars().count() > 2000 {
            k.add(FieldError::new("description", "err.too_long"));
        }
        let started_on = k.take(date("started_on", &self.started_on, c.today));
        let assignee_ids = k.take(choices("assignee_ids", &self.assignee_ids, c.members)).unwrap_or_default();
        if assignee_ids.is_empty() && k.is_ok() {
            k.add(FieldError::new("assignee_ids", "liaison.err.assignees"));
        }
        match (kind, started_on, k.is_ok()) {
            (Some(kind), Some(started_on), true) => Ok(TargetInput { kind, name, place_id, description, started_on, assignee_ids }),
            _ => Err(k.0),
        }
    }
}

/// One entry of the contact log as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub visit_id: String,
}

impl crate::app::forms::ListFields for ContactForm {
    const LISTS: &'static [&'static str] = &["member_ids"];
}

/// A checked contact.
#[derive(Clone, Debug, PartialEq)]
pub struct ContactInput {
    pub on_date: NaiveDate,
    pub member_ids: Vec<i64>,
    pub note: String,
    pub visit_id: Option<i64>,
}

/// What a contact is checked against: the target's start, the members who may be named, and
/// the committee's liaison visits (id, date) that could be linked.
pub struct ContactChoices<'a> {
    pub started_on: NaiveDate,
    pub members: &'a [i64],
    pub visits: &'a [(i64, NaiveDate)],
    pub today: NaiveDate,
}

impl ContactForm {
    /// Checks every field, naming each one at fault: a date from the target's start to today,
    /// at least one member who went, what was done or heard (2–2,000 characters), and a linked
    /// visit only among the liaison visits within [`VISIT_WINDOW_DAYS`] of the date.
    pub fn parse(&self, c: &ContactChoices) -> Result<ContactInput, Vec<FieldError>> {
        let mut k = Check::default();
        let on_date = match date("on_date", &self.on_date, c.today) {
            Ok(d) if d < c.started_on => k.take(Err(FieldError::new("on_date", "liaison.err.before_start"))),
            other => k.take(other),
        };
        let member_ids = k.take(choices("member_ids", &self.member_ids, c.members)).unwrap_or_default();
        if member_ids.is_empty() && !k.0.iter().any(|e| e.field == "member_ids") {
            k.add(FieldError::new("member_ids", "liaison.err.contact_members"));
        }
        let note = self.note.trim().to_string();
        if !(2..=2000).contains(&note.chars().count()) {
            k.add(FieldError::new("note", "liaison.err.note"));
        }
        let ids: Vec<i64> = c.visits.iter().map(|v| v.0).collect();
        let visit_id = k.take(choice("visit_id", &self.visit_id, &ids)).flatten();
        if let (Some(v), Some(on)) = (visit_id, on_date)
            && c.visits.iter().any(|(id, d)| *id == v && (*d - on).num_days().abs() > VISIT_WINDOW_DAYS)
        {
            k.add(FieldError::new("visit_id", "liaison.err.visit_window"));
        }
        match (on_date, k.is_ok()) {
            (Some(on_date), true) => Ok(ContactInput { on_date, member_ids, note, visit_id }),
            _ => Err(k.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Standing::*;
    use StatusAction as X;
    use TargetKind as K;
    use TargetStatus as S;

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, dd).unwrap()
    }

    #[test]
    fn every_status_move_is_allowed_or_refused_by_one_table() {
        let table: [(K, S, X, Standing, Result<S, &str>); 16] = [
            (K::PetitionCase, S::Active, X::Resolve, Staff, Ok(S::Resolved)),
            (K::PartySite, S::Active, X::Resolve, Staff, Err("liaison.err.resolve_kind")),
            (K::KeyProject, S::Active, X::Resolve, Staff, Err("liaison.err.resolve_kind")),
            (K::PartySite, S::Active, X::Close, Staff, Ok(S::Closed)),
            (K::KeyProject, S::Active, X::Close, Staff, Ok(S::Closed)),
            (K::PetitionCase, S::Active, X::Close, Staff, Ok(S::Closed)),
            (K::PetitionCase, S::Resolved, X::Close, Staff, Ok(S::Closed)),
            (K::PetitionCase, S::Resolved, X::Reopen, Staff, Ok(S::Active)),
            (K::PartySite, S::Closed, X::Reopen, Staff, Ok(S::Active)),
            (K::PartySite, S::Active, X::Reopen, Staff, Err("err.wrong_state")),
            (K::PetitionCase, S::Resolved, X::Resolve, Staff, Err("err.wrong_state")),
            (K::PetitionCase, S::Closed, X::Resolve, Staff, Err("err.wrong_state")),
            (K::PetitionCase, S::Closed, X::Close, Staff, Err("err.wrong_state")),
            (K::PetitionCase, S::Active, X::Resolve, Assignee, Err("err.wrong_actor")),
            (K::PartySite, S::Active, X::Close, Assignee, Err("err.wrong_actor")),
            (K::PartySite, S::Closed, X::Reopen, Reader, Err("err.wrong_actor")),
        ];
        for (kind, status, action, who, expected) in table {
            assert_eq!(apply(kind, status, action, who), expected, "{kind:?} {status:?} {action:?} by {who:?}");
        }
        assert_eq!(allowed(K::PetitionCase, S::Active, Staff), vec![X::Resolve, X::Close]);
        assert_eq!(allowed(K::PartySite, S::Active, Staff), vec![X::Close]);
        assert_eq!(allowed(K::PartySite, S::Closed, Staff), vec![X::Reopen]);
        assert!(allowed(K::PetitionCase, S::Active, Assignee).is_empty(), "assignees see no status buttons");
    }

    #[test]
    fn assignees_and_staff_log_contacts_until_the_log_is_closed() {
        let table: [(S, Standing, Result<(), &str>); 9] = [
            (S::Active, Staff, Ok(())),
            (S::Active, Assignee, Ok(())),
            (S::Active, Reader, Err("err.wrong_actor")),
            (S::Resolved, Staff, Ok(())),
            (S::Resolved, Assignee, Ok(())),
            (S::Resolved, Reader, Err("err.wrong_actor")),
            (S::Closed, Staff, Err("liaison.err.closed")),
            (S::Closed, Assignee, Err("liaison.err.closed")),
            (S::Closed, Reader, Err("err.wrong_actor")),
        ];
        for (status, who, expected) in table {
            assert_eq!(may_log(status, who), expected, "{status:?} by {who:?}");
        }
    }

    #[test]
    fn a_target_form_names_every_bad_field() {
        let c = Choices { places: &[7], members: &[1, 2, 3], today: d(3, 10) };
        let f = TargetForm { kind: "petition_case".into(), name: " 某小区房产证办理信访案件 ".into(), place_id: "7".into(), started_on: "2022-01-04".into(), assignee_ids: vec!["1".into(), "3".into(), "1".into()], ..Default::default() };
        let t = f.parse(&c).unwrap();
        assert_eq!((t.kind, t.name.as_str(), t.place_id, t.started_on, t.assignee_ids), (K::PetitionCase, "某小区房产证办理信访案件", Some(7), d(1, 4), vec![1, 3]));
        let bad = TargetForm { kind: "shop".into(), name: "x".into(), place_id: "8".into(), started_on: "2022-03-11".into(), assignee_ids: vec!["9".into()], ..Default::default() };
        let fields: Vec<_> = bad.parse(&c).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "name", "place_id", "started_on", "assignee_ids"]);
        let nobody = TargetForm { assignee_ids: vec![], ..f };
        assert_eq!(nobody.parse(&c).unwrap_err(), vec![FieldError::new("assignee_ids", "liaison.err.assignees")]);
    }

    #[test]
    fn a_contact_links_only_a_liaison_visit_near_its_date() {
        let visits = [(50, d(2, 1)), (51, d(3, 5))];
        let c = ContactChoices { started_on: d(1, 4), members: &[1, 2], visits: &visits, today: d(3, 10) };
        let f = ContactForm { on_date: "2022-03-04".into(), member_ids: vec!["2".into()], note: "了解安置补偿进展".into(), visit_id: "51".into() };
        assert_eq!(f.parse(&c).unwrap(), ContactInput { on_date: d(3, 4), member_ids: vec![2], note: "了解安置补偿进展".into(), visit_id: Some(51) });
        let far = ContactForm { visit_id: "50".into(), ..f.clone() };
        assert_eq!(far.parse(&c).unwrap_err(), vec![FieldError::new("visit_id", "liaison.err.visit_window")], "31 days apart");
        let unknown = ContactForm { visit_id: "52".into(), ..f.clone() };
        assert_eq!(unknown.parse(&c).unwrap_err()[0].field, "visit_id");
        assert!(ContactForm { visit_id: String::new(), ..f.clone() }.parse(&c).is_ok(), "a visit is optional");
        let bad = ContactForm { on_date: "2022-01-03".into(), member_ids: vec![], note: "好".into(), visit_id: String::new() };
        let fields: Vec<_> = bad.parse(&c).unwrap_err().into_iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(fields, [("on_date", "liaison.err.before_start"), ("member_ids", "liaison.err.contact_members"), ("note", "liaison.err.note")]);
        let future = ContactForm { on_date: "2022-03-11".into(), ..f };
        assert_eq!(future.parse(&c).unwrap_err()[0].key, "err.future_date");
    }
}
