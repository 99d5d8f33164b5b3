//! Activities (活动) as typed values: the form parsed once, attendance and leave as one pure
//! state function, and the QR sign-in rule (a code belongs to one activity, works only while it
//! runs, and marks only the member who scans it).
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};
use crate::org::values::normalize_text;

/// What kind of activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Study,
    Training,
    /// 演讲比赛 and similar events.
    Speech,
    /// 视察.
    Inspection,
    /// 调研.
    Research,
    /// 志愿服务.
    Volunteering,
    /// 走访慰问 (assistance and condolence visits).
    Assistance,
    /// 全体会议.
    Plenary,
    /// 常委会议.
    StandingCommittee,
    /// 小组活动.
    GroupActivity,
    /// 委员接待日.
    ReceptionDay,
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 12] = [
        Self::Study,
        Self::Training,
        Self::Speech,
        Self::Inspection,
        Self::Research,
        Self::Volunteering,
        Self::Assistance,
        Self::Plenary,
        Self::StandingCommittee,
        Self::GroupActivity,
        Self::ReceptionDay,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Study => "study",
            Self::Training => "training",
            Self::Speech => "speech",
            Self::Inspection => "inspection",
            Self::Research => "research",
            Self::Volunteering => "volunteering",
            Self::Assistance => "assistance",
            Self::Plenary => "plenary",
            Self::StandingCommittee => "standing_committee",
            Self::GroupActivity => "group_activity",
            Self::ReceptionDay => "reception_day",
            Self::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Out among the people (视察, 调研, 志愿服务, 慰问, 接待日): a day of it is a field day of a
    /// leader, as a visit is.
    pub fn in_the_field(self) -> bool {
        matches!(self, Self::Inspection | Self::Research | Self::Volunteering | Self::Assistance | Self::ReceptionDay)
    }

    /// Study, training and exchange: the article's "学习培训和互动交流活动".
    pub fn interaction(self) -> bool {
        matches!(self, Self::Study | Self::Training | Self::Speech | Self::GroupActivity)
    }
}

/// A participant's attendance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    /// Asked to take part; not yet signed in.
    Invited,
    /// Asked for leave; staff decide.
    LeaveRequested,
    /// 请假 with approval.
    OnLeave,
    Present,
    /// Did not come and had no approved leave.
    Absent,
}

impl Attendance {
    pub const ALL: [Attendance; 5] = [Self::Invited, Self::LeaveRequested, Self::OnLeave, Self::Present, Self::Absent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::LeaveRequested => "leave_requested",
            Self::OnLeave => "on_leave",
            Self::Present => "present",
            Self::Absent => "absent",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A move of one participant's attendance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttendanceAction {
    /// The member scans the activity's code (or staff mark them present).
    SignIn,
    /// The member asks for leave before the activity ends.
    RequestLeave,
    ApproveLeave,
    RefuseLeave,
    /// After the activity, staff close the roll: whoever is still invited is absent.
    Close,
    /// After the activity, staff correct a settled entry (a member who came but did not scan,
    /// leave approved late, a wrong mark) to present, on leave or absent, with a reason.
    Correct(Attendance),
}

/// When the move is made, against the activity's days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    Before,
    During,
    After,
}

/// Where `today` falls against an activity from `on` to `end` (China dates).
pub fn timing(on: NaiveDate, end: NaiveDate, today: NaiveDate) -> Timing {
    if today < on {
        Timing::Before
    } else if today <= end {
        Timing::During
    } else {
        Timing::After
    }
}

/// The one function that decides attendance. `None` is a member not (yet) on the list: a
/// member may still sign in while the activity runs (walk-in).
pub fn attend(current: Option<Attendance>, action: AttendanceAction, when: Timing) -> Result<Attendance, &'static str> {
    use Attendance as A;
    use AttendanceAction as X;
    match (current, action, when) {
        (_, X::SignIn, Timing::Before) => Err("err.sign_in_early"),
        (_, X::SignIn, Timing::After) => Err("err.sign_in_expired"),
        (None | Some(A::Invited | A::LeaveRequested | A::OnLeave | A::Absent | A::Present), X::SignIn, Timing::During) => Ok(A::Present),
        (Some(A::Invited | A::Absent), X::RequestLeave, Timing::Before | Timing::During) => Ok(A::LeaveRequested),
        (Some(A::LeaveRequested), X::ApproveLeave, _) => Ok(A::OnLeave),
        (Some(A::LeaveRequested), X::RefuseLeave, Timing::After) => Ok(A::Absent),
        (Some(A::LeaveRequested), X::RefuseLeave, _) => Ok(A::Invited),
        (Some(A::Invited), X::Close, Timing::After) => Ok(A::Absent),
        (Some(A::LeaveRequested), X::Close, Timing::After) => Ok(A::Absent),
        (Some(from @ (A::Present | A::OnLeave | A::Absent)), X::Correct(to @ (A::Present | A::OnLeave | A::Absent)), Timing::After) if from != to => Ok(to),
        _ => Err("err.wrong_state"),
    }
}

/// The activity form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub organiser: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub people_served: String,
    #[serde(default)]
    pub volunteers: String,
    #[serde(default)]
    pub households: String,
    /// Yuan, with up to two decimals ("200000", "1234.5").
    #[serde(default)]
    pub funds: String,
    #[serde(default)]
    pub items_given: String,
    #[serde(default)]
    pub items_count: String,
    #[serde(default)]
    pub participant_ids: Vec<String>,
    #[serde(default)]
    pub shared: String,
}

impl crate::app::forms::ListFields for ActivityForm {
    const LISTS: &'static [&'static str] = &["participant_ids"];
}

/// A checked activity.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub title: String,
    pub organiser: String,
    pub group_id: Option<i64>,
    pub on_date: NaiveDate,
    pub end_date: NaiveDate,
    pub place_id: Option<i64>,
    pub address: String,
    pub description: String,
    pub people_served: i32,
    pub volunteers: i32,
    pub households: i32,
    pub funds_fen: i64,
    pub items_given: String,
    pub items_count: i64,
    pub participant_ids: Vec<i64>,
    pub shared: bool,
}

/// What the form is checked against.
pub struct ActivityChoices<'a> {
    pub groups: &'a [i64],
    pub places: &'a [i64],
    pub members: &'a [i64],
}

/// Yuan as typed ("200000", "1,234.50", "１２３") to whole fen; at most 10 billion yuan.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let t: String = normalize_text(s).chars().filter(|c| *c != ',' && *c != '，').collect();
    if t.is_empty() {
        return Some(0);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let yuan: i64 = whole.parse().ok().filter(|y| *y <= 10_000_000_000)?;
    let fen: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(yuan * 100 + fen)
}

/// A count typed into a figure field: empty is 0, else 0..=max.
fn count(field: &'static str, s: &str, max: i64) -> Result<i64, FieldError> {
    let t = normalize_text(s);
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<i64>().ok().filter(|n| (0..=max).contains(n)).ok_or(FieldError::new(field, "err.count"))
}

impl ActivityForm {
    /// Checks every field, naming each one at fault: title 2–100 characters, an end on or after
    /// the start and within 31 days of it, figures as whole non-negative numbers, funds in yuan.
    pub fn parse(&self, c: &ActivityChoices) -> Result<ActivityInput, Vec<FieldError>> {
        let mut k = Check::default();
        let kind = k.take(ActivityKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let title = normalize_text(&self.title);
        if !(2..=100).contains(&title.chars().count()) {
            k.add(FieldError::new("title", "err.activity_title"));
        }
        let organiser = normalize_text(&self.organiser);
        if organiser.chars().count() > 100 {
            k.add(FieldError::new("organiser", "err.too_long"));
        }
        let group_id = k.take(choice("group_id", &self.group_id, c.groups)).flatten();
        let date = |field: &'static str, s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().filter(|d| d.year() >= 2000).ok_or(FieldError::new(field, "err.date"));
        let on_date = k.take(date("on_date", &self.on_date));
        let end_date = if self.end_date.trim().is_empty() { on_date } else { k.take(date("end_date", &self.end_date)) };
        if let (Some(a), Some(b)) = (on_date, end_date)
            && (b < a || (b - a).num_days() > 31)
        {
            k.add(FieldError::new("end_date", "err.end_date"));
        }
        let place_id = k.take(choice("place_id", &self.place_id, c.places)).flatten();
        let address = normalize_text(&self.address);
        if address.chars().count() > 200 {
            k.add(FieldError::new("address", "err.too_long"));
        }
        let description = self.description.trim().to_string();
        if description.chars().count() > 5000 {
            k.add(FieldError::new("description", "err.too_long"));
        }
        let people_served = k.take(count("people_served", &self.people_served, 1_000_000)).unwrap_or(0) as i32;
        let volunteers = k.take(count("volunteers", &self.volunteers, 1_000_000)).unwrap_or(0) as i32;
        let households = k.take(count("households", &self.households, 1_000_000)).unwrap_or(0) as i32;
        let funds_fen = k.take(parse_yuan(&self.funds).ok_or(FieldError::new("funds", "err.yuan"))).unwrap_or(0);
        let items_given = normalize_text(&self.items_given);
        if items_given.chars().count() > 100 {
            k.add(FieldError::new("items_given", "err.too_long"));
        }
        let items_count = k.take(count("items_count", &self.items_count, 100_000_000)).unwrap_or(0);
        let participant_ids = k.take(choices("participant_ids", &self.participant_ids, c.members)).unwrap_or_default();
        match (kind, on_date, end_date, k.is_ok()) {
            (Some(kind), Some(on_date), Some(end_date), true) => Ok(ActivityInput {
                kind,
                title,
                organiser,
                group_id,
                on_date,
                end_date,
                place_id,
                address,
                description,
                people_served,
                volunteers,
                households,
                funds_fen,
                items_given,
                items_count,
                participant_ids,
                shared: self.shared == "yes",
            }),
            _ => Err(k.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Attendance as A;
    use AttendanceAction as X;

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, dd).unwrap()
    }

    #[test]
    fn timing_is_by_china_date_and_inclusive() {
        assert_eq!(timing(d(3, 5), d(3, 6), d(3, 4)), Timing::Before);
        assert_eq!(timing(d(3, 5), d(3, 6), d(3, 5)), Timing::During);
        assert_eq!(timing(d(3, 5), d(3, 6), d(3, 6)), Timing::During, "the last day still counts");
        assert_eq!(timing(d(3, 5), d(3, 6), d(3, 7)), Timing::After);
    }

    #[test]
    fn attendance_moves_only_as_the_rules_allow() {
        use Timing::*;
        assert_eq!(attend(Some(A::Invited), X::SignIn, During), Ok(A::Present));
        assert_eq!(attend(None, X::SignIn, During), Ok(A::Present), "a member not invited may still sign in");
        assert_eq!(attend(Some(A::Present), X::SignIn, During), Ok(A::Present), "scanning twice is harmless");
        assert_eq!(attend(Some(A::OnLeave), X::SignIn, During), Ok(A::Present), "came after all");
        assert_eq!(attend(Some(A::Invited), X::SignIn, Before), Err("err.sign_in_early"));
        assert_eq!(attend(Some(A::Invited), X::SignIn, After), Err("err.sign_in_expired"), "the code expires with the activity");
        assert_eq!(attend(Some(A::Invited), X::RequestLeave, Before), Ok(A::LeaveRequested));
        assert_eq!(attend(Some(A::Invited), X::RequestLeave, After), Err("err.wrong_state"), "no leave afterwards");
        assert_eq!(attend(Some(A::Present), X::RequestLeave, During), Err("err.wrong_state"));
        assert_eq!(attend(None, X::RequestLeave, Before), Err("err.wrong_state"), "only participants ask for leave");
        assert_eq!(attend(Some(A::LeaveRequested), X::ApproveLeave, After), Ok(A::OnLeave));
        assert_eq!(attend(Some(A::LeaveRequested), X::RefuseLeave, Before), Ok(A::Invited));
        assert_eq!(attend(Some(A::LeaveRequested), X::RefuseLeave, After), Ok(A::Absent));
        assert_eq!(attend(Some(A::Invited), X::Close, After), Ok(A::Absent));
        assert_eq!(attend(Some(A::Invited), X::Close, During), Err("err.wrong_state"), "the roll closes after the activity");
        assert_eq!(attend(Some(A::OnLeave), X::Close, After), Err("err.wrong_state"), "approved leave stands");
        // Corrections: after the activity, between the settled entries only.
        assert_eq!(attend(Some(A::Absent), X::Correct(A::Present), After), Ok(A::Present), "came but did not scan");
        assert_eq!(attend(Some(A::Present), X::Correct(A::OnLeave), After), Ok(A::OnLeave));
        assert_eq!(attend(Some(A::Absent), X::Correct(A::Present), During), Err("err.wrong_state"), "while it runs, members sign in");
        assert_eq!(attend(Some(A::Invited), X::Correct(A::Present), After), Err("err.wrong_state"), "close the roll first");
        assert_eq!(attend(Some(A::Absent), X::Correct(A::Invited), After), Err("err.wrong_state"), "only to a settled entry");
        assert_eq!(attend(Some(A::Absent), X::Correct(A::Absent), After), Err("err.wrong_state"), "a correction changes something");
        assert_eq!(attend(None, X::Correct(A::Present), After), Err("err.wrong_state"), "participants only");
    }

    #[test]
    fn yuan_are_read_as_typed_and_kept_in_fen() {
        assert_eq!(parse_yuan("200000"), Some(20_000_000));
        assert_eq!(parse_yuan("1,234.5"), Some(123_450));
        assert_eq!(parse_yuan("１２３"), Some(12_300), "full-width digits");
        assert_eq!(parse_yuan(""), Some(0));
        assert_eq!(parse_yuan("12.345"), None);
        assert_eq!(parse_yuan("-5"), None);
        assert_eq!(parse_yuan("五百"), None);
    }

    #[test]
    fn an_activity_form_names_every_bad_field() {
        let f = ActivityForm {
            kind: "assistance".into(),
            title: "春节走访慰问困难群众".into(),
            on_date: "2022-01-25".into(),
            households: "320".into(),
            funds: "200000".into(),
            participant_ids: vec!["1".into()],
            ..Default::default()
        };
        let c = ActivityChoices { groups: &[], places: &[], members: &[1, 2] };
        let a = f.parse(&c).unwrap();
        assert_eq!((a.kind, a.end_date, a.households, a.funds_fen), (ActivityKind::Assistance, d(1, 25), 320, 20_000_000));
        let bad = ActivityForm { kind: "party".into(), title: "x".into(), end_date: "2022-01-24".into(), households: "-1".into(), funds: "很多".into(), participant_ids: vec!["9".into()], ..f };
        let fields: Vec<_> = bad.parse(&c).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "title", "end_date", "households", "funds", "participant_ids"]);
    }
}
