//! Public-opinion reports (社情民意信息) as typed values: their states and the one function that
//! decides every move (`apply`), the report form parsed once (the 1,500-character limit counted
//! in characters), the screening and outcome forms, and the rules of who writes, sees and edits
//! a report. Pure: no IO, table-tested below (DOMAIN.md, "OpinionReport").
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};
use crate::org::model::CommitteeLevel;
pub use crate::research::model::{Level, Topic as Category};

/// At most this many characters of body: the national 条例's "one subject, short".
pub const MAX_BODY: usize = 1500;
/// A body shorter than this says nothing a leader could act on.
pub const MIN_BODY: usize = 20;
/// At most this many authors on a joint report.
pub const MAX_AUTHORS: usize = 20;

/// Where a report stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Being written; only its writers see it.
    Draft,
    /// Sent in: in the information office's screening queue.
    Submitted,
    /// Sent back with a reason; the writers edit and send it again.
    Returned,
    /// 采用: screened in, with the edited text kept beside the original; a leader approves next.
    Adopted,
    /// 留存: kept for reference, not adopted.
    Kept,
    /// Merged into a combined report (综合采用); its authors keep the credit.
    Merged,
    /// A leader approved the adopted text for issue.
    Approved,
    /// Issued in a numbered bulletin (《社情民意》第N期).
    Issued,
}

impl ReportState {
    pub const ALL: [ReportState; 8] = [Self::Draft, Self::Submitted, Self::Returned, Self::Adopted, Self::Kept, Self::Merged, Self::Approved, Self::Issued];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Adopted => "adopted",
            Self::Kept => "kept",
            Self::Merged => "merged",
            Self::Approved => "approved",
            Self::Issued => "issued",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_key(self) -> String {
        format!("opinion.state.{}", self.as_str())
    }

    /// The writers may still change the text.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }

    /// Screened in: adopted on its own or in a combined report.
    pub fn adopted(self) -> bool {
        matches!(self, Self::Adopted | Self::Merged | Self::Approved | Self::Issued)
    }
}

/// Who asks for a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportActor {
    /// One of its writers: an author, or the account that wrote it for a group or an informant.
    Writer,
    /// The information office (staff, admins).
    Staff,
    /// A leader (主席会议成员) approving for issue.
    Leader,
}

/// A requested move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportAction {
    /// Send it in (again after a return).
    Submit,
    /// Take it back to draft before the office has screened it.
    Withdraw,
    /// Send it back with a reason.
    Return,
    /// 采用, with an edited text.
    Adopt,
    /// 留存.
    Keep,
    /// Merge into a combined report (综合采用).
    Merge,
    /// A leader approves the adopted text.
    Approve,
    /// A leader sends the adopted text back to screening, with a reason.
    Decline,
    /// Issue it in a bulletin.
    Issue,
    /// Send the issued report up to the parent committee.
    SendUp,
}

impl ReportAction {
    pub const ALL: [ReportAction; 10] =
        [Self::Submit, Self::Withdraw, Self::Return, Self::Adopt, Self::Keep, Self::Merge, Self::Approve, Self::Decline, Self::Issue, Self::SendUp];

    /// The name of the move, in forms, the API and the timeline.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Withdraw => "withdraw",
            Self::Return => "return",
            Self::Adopt => "adopt",
            Self::Keep => "keep",
            Self::Merge => "merge",
            Self::Approve => "approve",
            Self::Decline => "decline",
            Self::Issue => "issue",
            Self::SendUp => "send_up",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Who may ask for this move.
    pub fn actor(self) -> ReportActor {
        match self {
            Self::Submit | Self::Withdraw => ReportActor::Writer,
            Self::Approve | Self::Decline => ReportActor::Leader,
            Self::Return | Self::Adopt | Self::Keep | Self::Merge | Self::Issue | Self::SendUp => ReportActor::Staff,
        }
    }

    /// The move needs a reason (the writers or the office read it).
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Return | Self::Decline)
    }
}

/// Why a move is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("not allowed in this state")]
    WrongState,
    #[error("not allowed for this actor")]
    WrongActor,
}

impl TransitionError {
    pub fn key(self) -> &'static str {
        match self {
            Self::WrongState => "err.wrong_state",
            Self::WrongActor => "err.wrong_actor",
        }
    }
}

/// The one function that decides every move of a report.
pub fn apply(state: ReportState, action: ReportAction, actor: ReportActor) -> Result<ReportState, TransitionError> {
    use ReportAction as A;
    use ReportState as S;
    if actor != action.actor() {
        return Err(TransitionError::WrongActor);
    }
    match (state, action) {
        (S::Draft | S::Returned, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::Withdraw) => Ok(S::Draft),
        (S::Submitted, A::Return) => Ok(S::Returned),
        (S::Submitted, A::Adopt) => Ok(S::Adopted),
        (S::Submitted, A::Keep) => Ok(S::Kept),
        (S::Submitted, A::Merge) => Ok(S::Merged),
        (S::Adopted, A::Approve) => Ok(S::Approved),
        (S::Adopted, A::Decline) => Ok(S::Submitted),
        (S::Approved, A::Issue) => Ok(S::Issued),
        (S::Issued, A::SendUp) => Ok(S::Issued),
        _ => Err(TransitionError::WrongState),
    }
}

/// Who sent a report in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmitterKind {
    /// One member, or several jointly (the first is the first author).
    Member,
    /// A member group (小组), with the members who wrote it.
    Group,
    /// Committee staff (机关干部).
    Staff,
    /// A designated informant (特邀信息员), who has no account: staff enter the report.
    Informant,
    /// A child committee: the report came up from below.
    Committee,
}

impl SubmitterKind {
    pub const ALL: [SubmitterKind; 5] = [Self::Member, Self::Group, Self::Staff, Self::Informant, Self::Committee];
    /// What a form may choose (reports from below arrive by sending up).
    pub const WRITTEN: [SubmitterKind; 4] = [Self::Member, Self::Group, Self::Staff, Self::Informant];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Group => "group",
            Self::Staff => "staff",
            Self::Informant => "informant",
            Self::Committee => "committee",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Where a report came from: kept as a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceType {
    /// A citizen's demand (converted by staff, or heard by the member).
    Demand,
    /// A visit (走访) the member went on.
    Visit,
    /// A proposal the review converted into an opinion report.
    Proposal,
}

impl SourceType {
    pub const ALL: [SourceType; 3] = [Self::Demand, Self::Visit, Self::Proposal];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demand => "demand",
            Self::Visit => "visit",
            Self::Proposal => "proposal",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The page of the source item.
    pub fn href(self, id: i64) -> String {
        let area = match self {
            Self::Demand => "demands",
            Self::Visit => "visits",
            Self::Proposal => "proposals",
        };
        format!("/{area}/{id}")
    }
}

/// What came of a report, at a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// 采用 by the committee of the level.
    Adopted,
    /// 综合采用: adopted as part of a combined report.
    Combined,
    /// 转送: forwarded to departments for handling.
    Forwarded,
    /// 领导批示: a leader of the level wrote an instruction on it.
    Instructed,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 4] = [Self::Adopted, Self::Combined, Self::Forwarded, Self::Instructed];
    /// What staff record by hand (adoptions by the office come with screening).
    pub const RECORDED: [OutcomeKind; 3] = [Self::Adopted, Self::Forwarded, Self::Instructed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Adopted => "adopted",
            Self::Combined => "combined",
            Self::Forwarded => "forwarded",
            Self::Instructed => "instructed",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// An adoption, alone or combined.
    pub fn adoption(self) -> bool {
        matches!(self, Self::Adopted | Self::Combined)
    }

    /// What the outcome becomes for the parts of a combined report it reaches.
    pub fn for_parts(self) -> OutcomeKind {
        if self == Self::Adopted { Self::Combined } else { self }
    }

    /// The i18n key of "市政协采用" and its kin: kind and level together.
    pub fn label_key(self, level: Level) -> String {
        format!("opinion.outcome.{}.{}", self.as_str(), level.as_str())
    }
}

/// The level a committee's own decisions are recorded at.
pub fn level_of(c: CommitteeLevel) -> Level {
    match c {
        CommitteeLevel::National => Level::National,
        CommitteeLevel::Province => Level::Province,
        CommitteeLevel::City => Level::City,
        CommitteeLevel::County => Level::District,
    }
}

/// A body as it is counted and stored: Windows line ends as one, trimmed. Browsers send a
/// textarea's line breaks as CRLF; the counter on the page counts each as one character.
pub fn normalize_body(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n").trim().to_string()
}

/// The length the limit applies to: characters (Unicode scalar values), not bytes, so 1,500
/// Chinese characters fit although they take 4,500 bytes of UTF-8.
pub fn body_length(s: &str) -> usize {
    normalize_body(s).chars().count()
}

/// Text on one line: trimmed, inner whitespace runs as one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn title(k: &mut Check, field: &'static str, s: &str) -> String {
    let t = one_line(s);
    if !(5..=100).contains(&t.chars().count()) {
        k.add(FieldError::new(field, "opinion.err.title"));
    }
    t
}

fn body(k: &mut Check, field: &'static str, s: &str) -> String {
    let b = normalize_body(s);
    if !(MIN_BODY..=MAX_BODY).contains(&b.chars().count()) {
        k.add(FieldError::new(field, "opinion.err.body"));
    }
    b
}

/// The report form as sent (text, so that a bad value is named, not rejected wholesale).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ReportForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub category: String,
    /// member, group, staff or informant.
    #[serde(default)]
    pub submitter_kind: String,
    #[serde(default)]
    pub group_id: String,
    /// The informant's name (or the staff writer's office).
    #[serde(default)]
    pub submitter_name: String,
    /// The authors (checkboxes), the first author first.
    #[serde(default)]
    pub author_ids: Vec<String>,
    /// demand, visit or proposal, with its id.
    #[serde(default)]
    pub source_type: String,
    #[serde(default)]
    pub source_id: String,
    /// "yes" to send it in now; a draft otherwise.
    #[serde(default)]
    pub submit: String,
}

impl crate::app::forms::ListFields for ReportForm {
    const LISTS: &'static [&'static str] = &["author_ids"];
}

/// A checked report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportInput {
    pub title: String,
    pub body: String,
    pub category: Category,
    pub kind: SubmitterKind,
    pub group_id: Option<i64>,
    pub submitter_name: String,
    /// The first author first, without repeats.
    pub author_ids: Vec<i64>,
    pub source: Option<(SourceType, i64)>,
    pub submit: bool,
}

/// Who is writing, and what the form is checked against.
pub struct WriterChoices<'a> {
    /// The writer's own member record.
    pub me: Option<i64>,
    /// Staff and admins write for anyone: a group, an informant, the office itself.
    pub staff: bool,
    /// The groups the writer may write for (staff: all; a member: its own).
    pub groups: &'a [i64],
    /// Members who may be named authors.
    pub members: &'a [i64],
}

impl ReportForm {
    /// Checks every field and names each one at fault: a title of 5–100 characters, a body of
    /// 20–1,500 characters, a category, a kind the writer may use (a member writes as itself or
    /// for its group, and is always an author), a group for a group's report, an informant's
    /// name, authors among the members (20 at most), and a well-formed source.
    pub fn parse(&self, c: &WriterChoices) -> Result<ReportInput, Vec<FieldError>> {
        let mut k = Check::default();
        let title = title(&mut k, "title", &self.title);
        let body = body(&mut k, "body", &self.body);
        let category = k.take(Category::from_code(self.category.trim()).ok_or(FieldError::new("category", "err.choice")));
        let code = self.submitter_kind.trim();
        let kind = match SubmitterKind::from_code(code).filter(|x| SubmitterKind::WRITTEN.contains(x)) {
            None if code.is_empty() && !c.staff => Some(SubmitterKind::Member),
            None => k.take(Err(FieldError::new("submitter_kind", "err.choice"))),
            Some(SubmitterKind::Staff | SubmitterKind::Informant) if !c.staff => k.take(Err(FieldError::new("submitter_kind", "opinion.err.kind_member"))),
            Some(x) => Some(x),
        };
        let group_id = k.take(choice("group_id", &self.group_id, c.groups)).flatten();
        if kind == Some(SubmitterKind::Group) && group_id.is_none() && k.0.iter().all(|e| e.field != "group_id") {
            k.add(FieldError::new("group_id", "opinion.err.group"));
        }
        let submitter_name = one_line(&self.submitter_name);
        if submitter_name.chars().count() > 100 || (kind == Some(SubmitterKind::Informant) && submitter_name.chars().count() < 2) {
            k.add(FieldError::new("submitter_name", "opinion.err.informant"));
        }
        let mut author_ids = k.take(choices("author_ids", &self.author_ids, c.members)).unwrap_or_default();
        if !c.staff {
            // A member is always among the authors, first unless it names another first.
            match c.me {
                Some(me) if !author_ids.contains(&me) => author_ids.insert(0, me),
                Some(_) => {}
                None => k.add(FieldError::new("author_ids", "opinion.err.no_member")),
            }
        }
        if author_ids.len() > MAX_AUTHORS {
            k.add(FieldError::new("author_ids", "opinion.err.authors"));
        }
        if kind == Some(SubmitterKind::Member) && author_ids.is_empty() && k.0.iter().all(|e| e.field != "author_ids") {
            k.add(FieldError::new("author_ids", "opinion.err.authors_required"));
        }
        let source = k.take(parse_source(&self.source_type, &self.source_id)).flatten();
        let submit = matches!(self.submit.trim(), "yes" | "on" | "true" | "1");
        match (category, kind, k.is_ok()) {
            (Some(category), Some(kind), true) => Ok(ReportInput { title, body, category, kind, group_id, submitter_name, author_ids, source, submit }),
            _ => Err(k.0),
        }
    }
}

/// A source as sent: both parts or neither.
pub fn parse_source(kind: &str, id: &str) -> Result<Option<(SourceType, i64)>, FieldError> {
    match (kind.trim(), id.trim()) {
        ("", "") => Ok(None),
        (k, i) => match (SourceType::from_code(k), i.parse::<i64>().ok().filter(|i| *i > 0)) {
            (Some(k), Some(i)) => Ok(Some((k, i))),
            _ => Err(FieldError::new("source_type", "opinion.err.source")),
        },
    }
}

/// The text the office adopts (or a combined report's), as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct TextForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// A checked text: title 5–100, body 20–1,500 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportText {
    pub title: String,
    pub body: String,
}

impl TextForm {
    pub fn parse(&self) -> Result<ReportText, Vec<FieldError>> {
        let mut k = Check::default();
        let title = title(&mut k, "title", &self.title);
        let body = body(&mut k, "body", &self.body);
        if k.is_ok() { Ok(ReportText { title, body }) } else { Err(k.0) }
    }
}

/// A merge: the reports combined (at least two) and the combined text.
pub fn check_merge(ids: &[i64], mergeable: &[i64]) -> Result<Vec<i64>, FieldError> {
    let picked = choices("report_ids", &ids.iter().map(i64::to_string).collect::<Vec<_>>(), mergeable)?;
    if picked.len() < 2 { Err(FieldError::new("report_ids", "opinion.err.merge_two")) } else { Ok(picked) }
}

/// The outcome form is the research reports' (调研报告 and 社情民意 outcomes follow the same
/// rules): kind, level, by whom, date, summary.
pub use crate::research::model::OutcomeForm;

/// A checked outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeInput {
    pub kind: OutcomeKind,
    pub level: Level,
    pub by_whom: String,
    pub on_date: NaiveDate,
    pub summary: String,
}

/// Checks an outcome staff record by hand on a report sent in on `submitted`, which already
/// has the adoptions `adopted_at`, with the research reports' rules: an adoption (above),
/// a forwarding (naming the departments) or a leader's instruction (naming the leader, with its
/// gist), at a level, dated from the report's day to today, one adoption per level. A combined
/// adoption (综合采用) comes with a merge, never by hand.
pub fn parse_outcome(f: &OutcomeForm, submitted: NaiveDate, today: NaiveDate, adopted_at: &[Level]) -> Result<OutcomeInput, Vec<FieldError>> {
    use crate::research::model::OutcomeKind as Research;
    let recorded: Vec<(Research, Level)> = adopted_at.iter().map(|l| (Research::Adopted, *l)).collect();
    let o = f.parse(submitted, today, &recorded)?;
    let kind = match o.kind {
        Research::Adopted => OutcomeKind::Adopted,
        Research::Forwarded => OutcomeKind::Forwarded,
        Research::Instructed => OutcomeKind::Instructed,
    };
    Ok(OutcomeInput { kind, level: o.level, by_whom: o.by_whom, on_date: o.on_date, summary: o.summary })
}

/// What the rules of seeing and editing need to know of a report.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    pub state: ReportState,
    /// Its authors, the first author first.
    pub authors: &'a [i64],
    /// The account that wrote it.
    pub created_by: Option<i64>,
}

/// Who is looking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub member: Option<i64>,
    /// The information office (staff, admins).
    pub staff: bool,
    /// A leader (approves).
    pub leader: bool,
}

impl Viewer {
    /// It wrote the report: an author, or the account that entered it.
    pub fn writes(&self, r: &Facts) -> bool {
        self.member.is_some_and(|m| r.authors.contains(&m)) || r.created_by == Some(self.user_id)
    }

    /// A draft is its writers' alone; once sent in, the office and the leaders see it; a member
    /// sees its own and, once issued, everyone's (they are in the bulletins).
    pub fn may_see(&self, r: &Facts) -> bool {
        match r.state {
            ReportState::Draft => self.writes(r),
            ReportState::Issued => true,
            _ => self.writes(r) || self.staff || self.leader,
        }
    }

    /// The text is changed by its first author or the account that entered it, while a draft
    /// or returned.
    pub fn may_edit(&self, r: &Facts) -> bool {
        r.state.editable() && (self.member.is_some_and(|m| r.authors.first() == Some(&m)) || r.created_by == Some(self.user_id))
    }

    /// The capacity in which the viewer may ask for `action`, if any (`apply` then checks the
    /// state): the first author or the account that entered it sends in and withdraws.
    pub fn actor_for(&self, action: ReportAction, r: &Facts) -> Option<ReportActor> {
        let fits = match action.actor() {
            ReportActor::Writer => self.member.is_some_and(|m| r.authors.first() == Some(&m)) || r.created_by == Some(self.user_id),
            ReportActor::Staff => self.staff,
            ReportActor::Leader => self.leader,
        };
        fits.then_some(action.actor())
    }
}

/// 《社情民意》2022年第5期.
pub fn bulletin_name(year: i32, seq: i32) -> String {
    format!("《社情民意》{year}年第{seq}期")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportAction as A;
    use ReportActor::*;
    use ReportState as S;

    /// Every allowed move; everything else must be refused.
    const ALLOWED: [(ReportState, ReportAction, ReportActor, ReportState); 11] = [
        (S::Draft, A::Submit, Writer, S::Submitted),
        (S::Returned, A::Submit, Writer, S::Submitted),
        (S::Submitted, A::Withdraw, Writer, S::Draft),
        (S::Submitted, A::Return, Staff, S::Returned),
        (S::Submitted, A::Adopt, Staff, S::Adopted),
        (S::Submitted, A::Keep, Staff, S::Kept),
        (S::Submitted, A::Merge, Staff, S::Merged),
        (S::Adopted, A::Approve, Leader, S::Approved),
        (S::Adopted, A::Decline, Leader, S::Submitted),
        (S::Approved, A::Issue, Staff, S::Issued),
        (S::Issued, A::SendUp, Staff, S::Issued),
    ];

    #[test]
    fn every_move_of_every_actor_in_every_state() {
        let mut checked = 0;
        for state in ReportState::ALL {
            for action in ReportAction::ALL {
                for actor in [Writer, Staff, Leader] {
                    let expected = ALLOWED.iter().find(|(s, a, who, _)| *s == state && *a == action && *who == actor).map(|x| x.3);
                    let got = apply(state, action, actor);
                    match expected {
                        Some(to) => assert_eq!(got, Ok(to), "{state:?} {action:?} {actor:?}"),
                        None => assert!(got.is_err(), "{state:?} {action:?} {actor:?} should be refused, got {got:?}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 10 * 3);
    }

    #[test]
    fn refusals_say_why_and_codes_round_trip() {
        assert_eq!(apply(S::Submitted, A::Adopt, Writer), Err(TransitionError::WrongActor));
        assert_eq!(apply(S::Submitted, A::Approve, Staff), Err(TransitionError::WrongActor), "the office does not approve its own adoption");
        assert_eq!(apply(S::Kept, A::Adopt, Staff), Err(TransitionError::WrongState));
        assert_eq!(apply(S::Issued, A::Withdraw, Writer), Err(TransitionError::WrongState));
        assert_eq!(TransitionError::WrongState.key(), "err.wrong_state");
        for s in ReportState::ALL {
            assert_eq!(ReportState::from_code(s.as_str()), Some(s));
        }
        for a in ReportAction::ALL {
            assert_eq!(ReportAction::from_code(a.as_str()), Some(a));
        }
        for k in SubmitterKind::ALL {
            assert_eq!(SubmitterKind::from_code(k.as_str()), Some(k));
        }
        assert!(A::Return.needs_reason() && A::Decline.needs_reason() && !A::Keep.needs_reason());
        assert!(S::Merged.adopted() && !S::Kept.adopted() && S::Returned.editable());
    }

    fn form() -> ReportForm {
        ReportForm {
            title: "关于书院路老旧小区停车难的情况反映".into(),
            body: "书院路街道老旧小区停车位严重不足，居民夜间停车困难，建议利用闲置地块建设临时停车场。".into(),
            category: "urban".into(),
            submitter_kind: "member".into(),
            ..Default::default()
        }
    }

    fn member(me: i64) -> WriterChoices<'static> {
        WriterChoices { me: Some(me), staff: false, groups: &[3], members: &[1, 2, 7] }
    }

    const STAFF: WriterChoices<'static> = WriterChoices { me: None, staff: true, groups: &[3, 4], members: &[1, 2, 7] };

    #[test]
    fn the_body_limit_counts_characters_not_bytes() {
        let exactly = "民".repeat(MAX_BODY);
        assert_eq!(exactly.len(), 4500, "three bytes a character in UTF-8");
        assert!(ReportForm { body: exactly.clone(), ..form() }.parse(&member(7)).is_ok(), "1,500 characters fit");
        let over = ReportForm { body: format!("{exactly}。"), ..form() };
        assert_eq!(over.parse(&member(7)).unwrap_err()[0], FieldError::new("body", "opinion.err.body"));
        // Line breaks count once, whichever way the browser sends them; emoji count as one.
        let lines = format!("{}\r\n{}", "甲".repeat(749), "乙".repeat(750));
        assert_eq!(body_length(&lines), MAX_BODY);
        assert!(ReportForm { body: lines, ..form() }.parse(&member(7)).is_ok());
        assert_eq!(body_length("🚗停车"), 3);
        assert_eq!(body_length("  短  "), 1);
        assert_eq!(ReportForm { body: "太短".into(), ..form() }.parse(&member(7)).unwrap_err()[0].field, "body");
    }

    #[test]
    fn a_member_writes_as_itself_or_for_its_group_and_is_always_an_author() {
        let r = form().parse(&member(7)).unwrap();
        assert_eq!((r.kind, r.author_ids.clone(), r.submit), (SubmitterKind::Member, vec![7], false));
        let joint = ReportForm { author_ids: vec!["2".into(), "7".into(), "2".into()], submit: "yes".into(), ..form() };
        let r = joint.parse(&member(7)).unwrap();
        assert_eq!((r.author_ids, r.submit), (vec![2, 7], true), "a joint report keeps its order, without repeats");
        let others = ReportForm { author_ids: vec!["2".into()], ..form() }.parse(&member(7)).unwrap();
        assert_eq!(others.author_ids, vec![7, 2], "the writer is added first");
        let group = ReportForm { submitter_kind: "group".into(), group_id: "3".into(), ..form() }.parse(&member(7)).unwrap();
        assert_eq!((group.kind, group.group_id), (SubmitterKind::Group, Some(3)));
        let fields = |f: ReportForm, c: &WriterChoices| f.parse(c).unwrap_err().into_iter().map(|e| (e.field, e.key)).collect::<Vec<_>>();
        assert_eq!(fields(ReportForm { submitter_kind: "group".into(), group_id: "4".into(), ..form() }, &member(7)), [("group_id", "err.choice")], "not its group");
        assert_eq!(fields(ReportForm { submitter_kind: "informant".into(), submitter_name: "王某".into(), ..form() }, &member(7)), [("submitter_kind", "opinion.err.kind_member")]);
        let nobody = WriterChoices { me: None, ..member(7) };
        assert_eq!(fields(form(), &nobody), [("author_ids", "opinion.err.no_member")], "an account without a member record writes nothing as a member");
    }

    #[test]
    fn staff_write_for_groups_informants_and_members_and_each_bad_field_is_named() {
        let informant = ReportForm { submitter_kind: "informant".into(), submitter_name: " 特邀信息员  李某 ".into(), ..form() }.parse(&STAFF).unwrap();
        assert_eq!((informant.kind, informant.submitter_name.as_str(), informant.author_ids.len()), (SubmitterKind::Informant, "特邀信息员 李某", 0));
        let fields = |f: ReportForm| f.parse(&STAFF).unwrap_err().into_iter().map(|e| (e.field, e.key)).collect::<Vec<_>>();
        assert_eq!(fields(ReportForm { submitter_kind: "informant".into(), ..form() }), [("submitter_name", "opinion.err.informant")]);
        assert_eq!(fields(ReportForm { submitter_kind: "group".into(), ..form() }), [("group_id", "opinion.err.group")]);
        assert_eq!(fields(form()), [("author_ids", "opinion.err.authors_required")], "a member's report names its members");
        assert_eq!(fields(ReportForm { submitter_kind: "committee".into(), ..form() }), [("submitter_kind", "err.choice")], "reports from below arrive by sending up");
        let bad = ReportForm {
            title: "短".into(),
            body: String::new(),
            category: "sports".into(),
            submitter_kind: "member".into(),
            group_id: "x".into(),
            submitter_name: String::new(),
            author_ids: vec!["99".into()],
            source_type: "letter".into(),
            source_id: "1".into(),
            submit: String::new(),
        };
        assert_eq!(
            fields(bad).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["title", "body", "category", "group_id", "author_ids", "source_type"]
        );
        let many = ReportForm { author_ids: (1..=21).map(|i| i.to_string()).collect(), ..form() };
        let all: Vec<i64> = (1..=21).collect();
        assert_eq!(many.parse(&WriterChoices { members: &all, ..STAFF }).unwrap_err()[0].key, "opinion.err.authors");
    }

    #[test]
    fn sources_come_whole_or_not_at_all() {
        assert_eq!(parse_source("", " "), Ok(None));
        assert_eq!(parse_source("demand", "12"), Ok(Some((SourceType::Demand, 12))));
        assert_eq!(parse_source("proposal", "0").unwrap_err().field, "source_type");
        assert_eq!(parse_source("visit", "").unwrap_err().key, "opinion.err.source");
        assert_eq!(SourceType::Visit.href(4), "/visits/4");
    }

    #[test]
    fn the_adopted_text_and_merges_are_checked() {
        assert_eq!(TextForm { title: "关于停车难的建议".into(), body: "建议利用闲置地块建设临时停车场，缓解停车难。".into() }.parse().unwrap().title, "关于停车难的建议");
        let e = TextForm { title: "短".into(), body: "字".repeat(MAX_BODY + 1) }.parse().unwrap_err();
        assert_eq!(e.iter().map(|x| x.field).collect::<Vec<_>>(), ["title", "body"]);
        assert_eq!(check_merge(&[4, 5, 4], &[4, 5, 6]), Ok(vec![4, 5]));
        assert_eq!(check_merge(&[4], &[4, 5]).unwrap_err().key, "opinion.err.merge_two");
        assert_eq!(check_merge(&[4, 9], &[4, 5]).unwrap_err().key, "err.choice", "only reports in the queue");
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, day).unwrap()
    }

    fn outcome(kind: &str, level: &str, by_whom: &str, on: &str, summary: &str) -> OutcomeForm {
        OutcomeForm { kind: kind.into(), level: level.into(), by_whom: by_whom.into(), on_date: on.into(), summary: summary.into() }
    }

    #[test]
    fn outcomes_are_checked_by_kind() {
        let (submitted, today) = (d(3, 2), d(3, 20));
        let parse = |f: OutcomeForm, adopted: &[Level]| parse_outcome(&f, submitted, today, adopted);
        let i = parse(outcome("instructed", "city", "市政府分管副市长", "2022-03-10", "请市住建局研究落实"), &[]).unwrap();
        assert_eq!((i.kind, i.level, i.on_date), (OutcomeKind::Instructed, Level::City, d(3, 10)));
        let fields = |f: OutcomeForm, adopted: &[Level]| parse(f, adopted).unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(outcome("instructed", "city", "", "2022-03-10", ""), &[]), ["by_whom", "summary"], "an instruction names its leader and gist");
        assert_eq!(fields(outcome("forwarded", "district", " ", "2022-03-10", ""), &[]), ["by_whom"]);
        assert_eq!(fields(outcome("combined", "town", "", "2022-03-10", ""), &[]), ["kind", "level"], "综合采用 comes with a merge");
        assert_eq!(fields(outcome("adopted", "province", "", "2022-03-01", ""), &[]), ["on_date"]);
        assert_eq!(fields(outcome("adopted", "province", "", "2022-03-21", ""), &[]), ["on_date"]);
        assert_eq!(fields(outcome("adopted", "city", "", "2022-03-10", ""), &[Level::City]), ["level"], "adopted once per level");
        let f = parse(outcome("forwarded", "province", "省卫健委", "2022-03-10", ""), &[Level::City]).unwrap();
        assert_eq!((f.kind, f.level), (OutcomeKind::Forwarded, Level::Province));
        assert!(parse(outcome("adopted", "province", "湖南省政协", "2022-03-10", ""), &[Level::City]).is_ok());
        assert_eq!(OutcomeKind::Adopted.for_parts(), OutcomeKind::Combined);
        assert_eq!(OutcomeKind::Instructed.for_parts(), OutcomeKind::Instructed);
        assert_eq!(OutcomeKind::Adopted.label_key(Level::City), "opinion.outcome.adopted.city");
        assert_eq!(level_of(CommitteeLevel::County), Level::District);
    }

    #[test]
    fn drafts_are_their_writers_alone_and_issued_reports_everyone_s() {
        let me = Viewer { user_id: 10, member: Some(7), staff: false, leader: false };
        let other = Viewer { user_id: 11, member: Some(8), staff: false, leader: false };
        let staff = Viewer { user_id: 12, member: None, staff: true, leader: false };
        let leader = Viewer { user_id: 13, member: Some(1), staff: false, leader: true };
        let facts = |state| Facts { state, authors: &[7, 2], created_by: Some(10) };
        for (state, mine, others, office, chair) in [
            (S::Draft, true, false, false, false),
            (S::Submitted, true, false, true, true),
            (S::Returned, true, false, true, true),
            (S::Kept, true, false, true, true),
            (S::Issued, true, true, true, true),
        ] {
            let f = facts(state);
            assert_eq!((me.may_see(&f), other.may_see(&f), staff.may_see(&f), leader.may_see(&f)), (mine, others, office, chair), "{state:?}");
        }
        let co_author = Viewer { user_id: 20, member: Some(2), staff: false, leader: false };
        assert!(co_author.may_see(&facts(S::Draft)), "a co-author sees the draft");
        assert!(me.may_edit(&facts(S::Draft)) && !co_author.may_edit(&facts(S::Draft)), "the first author edits");
        assert!(!me.may_edit(&facts(S::Submitted)));
        let staff_draft = Facts { state: S::Draft, authors: &[], created_by: Some(12) };
        assert!(staff.may_see(&staff_draft) && staff.may_edit(&staff_draft), "staff entering an informant's report");
        assert!(!Viewer { user_id: 14, ..staff }.may_see(&staff_draft), "another officer does not see the draft");
        assert_eq!(me.actor_for(A::Submit, &facts(S::Draft)), Some(Writer));
        assert_eq!(me.actor_for(A::Withdraw, &facts(S::Submitted)), Some(Writer));
        assert_eq!(co_author.actor_for(A::Withdraw, &facts(S::Submitted)), None);
        assert_eq!(me.actor_for(A::Adopt, &facts(S::Submitted)), None);
        assert_eq!(staff.actor_for(A::Adopt, &facts(S::Submitted)), Some(Staff));
        assert_eq!(leader.actor_for(A::Approve, &facts(S::Adopted)), Some(Leader));
        assert_eq!(staff.actor_for(A::Approve, &facts(S::Adopted)), None);
    }

    #[test]
    fn bulletins_are_named_by_year_and_number() {
        assert_eq!(bulletin_name(2022, 5), "《社情民意》2022年第5期");
    }
}
