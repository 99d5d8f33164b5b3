//! Research reports (调研报告) as typed values: the report form and the outcome form parsed once
//! (each bad field named), the attached document recognised by its content, and the rules of
//! who writes and who edits a report.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};

/// The subject area of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// 经济发展.
    Economy,
    /// 社会民生.
    Livelihood,
    /// 城市建设与管理.
    Urban,
    /// 生态环境.
    Ecology,
    /// 科教文卫.
    Culture,
    /// 乡村振兴.
    Rural,
    /// 社会治理.
    Governance,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 8] = [Self::Economy, Self::Livelihood, Self::Urban, Self::Ecology, Self::Culture, Self::Rural, Self::Governance, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Economy => "economy",
            Self::Livelihood => "livelihood",
            Self::Urban => "urban",
            Self::Ecology => "ecology",
            Self::Culture => "culture",
            Self::Rural => "rural",
            Self::Governance => "governance",
            Self::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What came of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// 采纳: adopted by a committee, the Party committee or the government of a level.
    Adopted,
    /// 领导批示: a leader wrote an instruction on it.
    Instructed,
    /// 转送: sent on to departments or up to a higher committee.
    Forwarded,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 3] = [Self::Adopted, Self::Instructed, Self::Forwarded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Adopted => "adopted",
            Self::Instructed => "instructed",
            Self::Forwarded => "forwarded",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The level an outcome came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    District,
    City,
    Province,
    National,
}

impl Level {
    pub const ALL: [Level; 4] = [Self::District, Self::City, Self::Province, Self::National];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::City => "city",
            Self::Province => "province",
            Self::National => "national",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The report form as sent (text, so that a bad value is named, not rejected wholesale).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub recipients: String,
    /// The lead author (执笔人).
    #[serde(default)]
    pub lead_author_id: String,
    /// The other authors (checkboxes); the lead may be ticked too.
    #[serde(default)]
    pub author_ids: Vec<String>,
    /// "yes" when ticked: 信息互通.
    #[serde(default)]
    pub shared: String,
}

impl crate::app::forms::ListFields for ReportForm {
    const LISTS: &'static [&'static str] = &["author_ids"];
}

/// A checked report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportInput {
    pub title: String,
    pub topic: Topic,
    pub group_id: Option<i64>,
    pub place_id: Option<i64>,
    pub on_date: NaiveDate,
    pub summary: String,
    pub body: String,
    pub recipients: String,
    /// The lead author first, then the others, without repeats.
    pub author_ids: Vec<i64>,
    pub shared: bool,
}

/// At most this many authors on one report.
pub const MAX_AUTHORS: usize = 30;
/// A body written on the page: at least this many characters (unless a file carries the report).
pub const MIN_BODY: usize = 50;
pub const MAX_BODY: usize = 50_000;

/// What the form is checked against.
pub struct ReportChoices<'a> {
    pub groups: &'a [i64],
    pub places: &'a [i64],
    /// Members who may be named authors (in office, plus those already on an edited report).
    pub members: &'a [i64],
    pub today: NaiveDate,
    /// A document is attached (sent now or kept from before): the body may then be short.
    pub has_file: bool,
}

/// Text on one line: trimmed, inner whitespace runs as one space. Unlike the roster's
/// normalisation, full-width punctuation stays: Chinese titles are written with it.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A date from a form: not in the future, not before 2000.
fn past_date(k: &mut Check, field: &'static str, s: &str, today: NaiveDate) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => k.take(Err(FieldError::new(field, "err.future_date"))),
        Ok(d) if d.year() < 2000 => k.take(Err(FieldError::new(field, "err.date"))),
        Ok(d) => Some(d),
        Err(_) => k.take(Err(FieldError::new(field, "err.date"))),
    }
}

/// Text of at most `max` characters, trimmed; a longer one is named.
fn bounded(k: &mut Check, field: &'static str, s: &str, max: usize) -> String {
    let t = s.trim().to_string();
    if t.chars().count() > max {
        k.add(FieldError::new(field, "err.too_long"));
    }
    t
}

impl ReportForm {
    /// Checks every field and names each one at fault: a title of 5–100 characters, a topic,
    /// a date not in the future, a lead author among the members (the others too, 30 at most),
    /// recipients (2–200 characters), and a body of 50–50,000 characters unless a document
    /// carries the report.
    pub fn parse(&self, c: &ReportChoices) -> Result<ReportInput, Vec<FieldError>> {
        let mut k = Check::default();
        let title = one_line(&self.title);
        if !(5..=100).contains(&title.chars().count()) {
            k.add(FieldError::new("title", "research.err.title"));
        }
        let topic = k.take(Topic::from_code(self.topic.trim()).ok_or(FieldError::new("topic", "err.choice")));
        let group_id = k.take(choice("group_id", &self.group_id, c.groups)).flatten();
        let place_id = k.take(choice("place_id", &self.place_id, c.places)).flatten();
        let on_date = past_date(&mut k, "on_date", &self.on_date, c.today);
        let summary = bounded(&mut k, "summary", &self.summary, 500);
        let body = self.body.trim().to_string();
        let body_len = body.chars().count();
        if body_len > MAX_BODY || (!c.has_file && body_len < MIN_BODY) {
            k.add(FieldError::new("body", "research.err.body"));
        }
        let recipients = one_line(&self.recipients);
        if !(2..=200).contains(&recipients.chars().count()) {
            k.add(FieldError::new("recipients", "research.err.recipients"));
        }
        let lead = match choice("lead_author_id", &self.lead_author_id, c.members) {
            Ok(Some(id)) => Some(id),
            Ok(None) => k.take(Err(FieldError::new("lead_author_id", "research.err.lead_author"))),
            Err(e) => k.take(Err(e)),
        };
        let others = k.take(choices("author_ids", &self.author_ids, c.members)).unwrap_or_default();
        let mut author_ids: Vec<i64> = lead.into_iter().collect();
        author_ids.extend(others.into_iter().filter(|m| Some(*m) != lead));
        if author_ids.len() > MAX_AUTHORS {
            k.add(FieldError::new("author_ids", "research.err.authors"));
        }
        let shared = matches!(self.shared.trim(), "yes" | "on" | "true" | "1");
        match (topic, on_date, lead, k.is_ok()) {
            (Some(topic), Some(on_date), Some(_), true) => Ok(ReportInput { title, topic, group_id, place_id, on_date, summary, body, recipients, author_ids, shared }),
            _ => Err(k.0),
        }
    }
}

/// Who is writing or editing a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Writer {
    /// The writer's own member record in the committee.
    pub member: Option<i64>,
    /// Staff and admins: edit any report, record outcomes.
    pub staff: bool,
    /// Staff, admins and leaders name any members as authors; a member only reports it wrote.
    pub any_authors: bool,
}

impl Writer {
    /// A report is edited by its lead author or by staff.
    pub fn may_edit(&self, authors: &[i64]) -> bool {
        self.staff || self.member.is_some_and(|m| authors.first() == Some(&m))
    }

    /// A member submits (and keeps editing) only reports it is an author of.
    pub fn check_authors(&self, authors: &[i64]) -> Result<(), FieldError> {
        if self.any_authors || self.member.is_some_and(|m| authors.contains(&m)) {
            Ok(())
        } else {
            Err(FieldError::new("author_ids", "research.err.author_self"))
        }
    }
}

/// The outcome form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub level: String,
    /// Who adopted it, the leader who wrote the instruction (name or title), or where it was sent.
    #[serde(default)]
    pub by_whom: String,
    #[serde(default)]
    pub on_date: String,
    /// What was adopted, the instruction's words, or why it was sent on.
    #[serde(default)]
    pub summary: String,
}

/// A checked outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeInput {
    pub kind: OutcomeKind,
    pub level: Level,
    pub by_whom: String,
    pub on_date: NaiveDate,
    pub summary: String,
}

impl OutcomeForm {
    /// Checks an outcome of a report submitted on `submitted`, which already has the outcomes
    /// `recorded`: a kind and a level; a date from the report's to today; an instruction names
    /// the leader and gives its words; a forwarding names where it went; a report is adopted
    /// once per level.
    pub fn parse(&self, submitted: NaiveDate, today: NaiveDate, recorded: &[(OutcomeKind, Level)]) -> Result<OutcomeInput, Vec<FieldError>> {
        let mut k = Check::default();
        let kind = k.take(OutcomeKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let level = k.take(Level::from_code(self.level.trim()).ok_or(FieldError::new("level", "err.choice")));
        let by_whom = one_line(&self.by_whom);
        let needs_whom = matches!(kind, Some(OutcomeKind::Instructed | OutcomeKind::Forwarded));
        if by_whom.chars().count() > 100 || (needs_whom && by_whom.chars().count() < 2) {
            k.add(FieldError::new("by_whom", if kind == Some(OutcomeKind::Instructed) { "research.err.leader" } else { "research.err.by_whom" }));
        }
        let on_date = match past_date(&mut k, "on_date", &self.on_date, today) {
            Some(d) if d < submitted => k.take(Err(FieldError::new("on_date", "research.err.outcome_date"))),
            d => d,
        };
        let summary = self.summary.trim().to_string();
        let n = summary.chars().count();
        if n > 1000 || (kind == Some(OutcomeKind::Instructed) && n < 2) {
            k.add(FieldError::new("summary", "research.err.instruction"));
        }
        if let (Some(OutcomeKind::Adopted), Some(l)) = (kind, level)
            && recorded.contains(&(OutcomeKind::Adopted, l))
        {
            k.add(FieldError::new("level", "research.err.already_adopted"));
        }
        match (kind, level, on_date, k.is_ok()) {
            (Some(kind), Some(level), Some(on_date), true) => Ok(OutcomeInput { kind, level, by_whom, on_date, summary }),
            _ => Err(k.0),
        }
    }
}

/// A document attached to a report, recognised by its content (not its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    Pdf,
    /// Word 2007 and later (.docx): a zip holding `word/`.
    Docx,
    /// Word 97–2003 and WPS (.doc, .wps): an OLE compound file.
    Doc,
}

impl DocKind {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Doc => "application/msword",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Doc => "doc",
        }
    }
}

/// The largest document accepted.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// A checked document, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub kind: DocKind,
    /// The name shown and offered on download: the sender's, cleaned, with the right extension.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Document {
    /// Recognises a PDF or Word document of at most 8 MB; anything else is named on `file`.
    pub fn from_upload(file_name: &str, bytes: Vec<u8>) -> Result<Document, FieldError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(FieldError::new("file", "research.err.file_size"));
        }
        let kind = if bytes.starts_with(b"%PDF-") {
            DocKind::Pdf
        } else if bytes.starts_with(b"PK\x03\x04") && bytes.windows(5).any(|w| w == b"word/") {
            DocKind::Docx
        } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            DocKind::Doc
        } else {
            return Err(FieldError::new("file", "research.err.file_type"));
        };
        Ok(Document { kind, name: clean_file_name(file_name, kind), bytes })
    }
}

/// A file name safe to show and to put in a header: the last path segment, without quotes or
/// control characters, at most 80 characters, ending in the kind's extension.
pub fn clean_file_name(name: &str, kind: DocKind) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut stem: String = last.chars().filter(|c| !c.is_control() && !matches!(c, '"' | ';')).collect();
    if let Some(dot) = stem.rfind('.') {
        stem.truncate(dot);
    }
    let stem: String = one_line(&stem).chars().take(80).collect();
    let stem = if stem.is_empty() { "调研报告".to_string() } else { stem };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, dd).unwrap()
    }

    const BODY: &str = "一、基本情况：书院路街道共有老旧小区四十余个，居民对加装电梯的需求强烈。二、存在问题：资金筹措难、意见统一难。三、建议：完善补贴政策，简化审批流程。";

    fn form() -> ReportForm {
        ReportForm {
            title: "关于老旧小区加装电梯的调研报告".into(),
            topic: "urban".into(),
            group_id: "3".into(),
            place_id: "7".into(),
            on_date: "2022-03-02".into(),
            body: BODY.into(),
            recipients: "区委、区政府".into(),
            lead_author_id: "2".into(),
            author_ids: vec!["1".into(), "2".into()],
            ..Default::default()
        }
    }

    fn choices<'a>(members: &'a [i64], has_file: bool) -> ReportChoices<'a> {
        ReportChoices { groups: &[3], places: &[7], members, today: d(3, 10), has_file }
    }

    #[test]
    fn a_report_form_is_checked_once_and_names_every_bad_field() {
        let r = form().parse(&choices(&[1, 2, 3], false)).unwrap();
        assert_eq!((r.topic, r.group_id, r.place_id, r.on_date), (Topic::Urban, Some(3), Some(7), d(3, 2)));
        assert_eq!(r.author_ids, vec![2, 1], "the lead first, no repeats");
        assert!(!r.shared);
        assert!(ReportForm { shared: "yes".into(), ..form() }.parse(&choices(&[1, 2], false)).unwrap().shared);
        let punctuated = ReportForm { title: "  关于“双减”后课后服务的调研报告（初稿，\n修订）".into(), ..form() };
        assert_eq!(punctuated.parse(&choices(&[1, 2], false)).unwrap().title, "关于“双减”后课后服务的调研报告（初稿， 修订）", "full-width punctuation stays");
        let bad = ReportForm {
            title: "短".into(),
            topic: "sports".into(),
            group_id: "9".into(),
            place_id: "x".into(),
            on_date: "2022-03-11".into(),
            summary: "摘".repeat(501),
            body: "太短".into(),
            recipients: "".into(),
            lead_author_id: "".into(),
            author_ids: vec!["8".into()],
            shared: String::new(),
        };
        let fields: Vec<_> = bad.parse(&choices(&[1, 2], false)).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "topic", "group_id", "place_id", "on_date", "summary", "body", "recipients", "lead_author_id", "author_ids"]);
        let stranger = ReportForm { lead_author_id: "9".into(), ..form() };
        assert_eq!(stranger.parse(&choices(&[1, 2], false)).unwrap_err()[0].key, "err.choice", "the lead is one of the members");
        assert_eq!(ReportForm { on_date: "1999-12-31".into(), ..form() }.parse(&choices(&[1, 2], false)).unwrap_err()[0].key, "err.date");
        let many = ReportForm { author_ids: (1..=31).map(|i| i.to_string()).collect(), ..form() };
        let all: Vec<i64> = (1..=31).collect();
        assert_eq!(many.parse(&choices(&all, false)).unwrap_err()[0].field, "author_ids");
    }

    #[test]
    fn a_document_may_carry_the_report_instead_of_the_body() {
        let short = ReportForm { body: String::new(), ..form() };
        assert_eq!(short.parse(&choices(&[1, 2], false)).unwrap_err()[0].field, "body");
        assert_eq!(short.parse(&choices(&[1, 2], true)).unwrap().body, "");
        let long = ReportForm { body: "字".repeat(MAX_BODY + 1), ..form() };
        assert_eq!(long.parse(&choices(&[1, 2], true)).unwrap_err()[0].field, "body", "not even with a file");
    }

    #[test]
    fn the_lead_author_or_staff_edit_and_a_member_writes_only_its_own_reports() {
        let member = Writer { member: Some(7), staff: false, any_authors: false };
        assert!(member.may_edit(&[7, 3]));
        assert!(!member.may_edit(&[3, 7]), "a co-author does not edit");
        assert!(!member.may_edit(&[]));
        let staff = Writer { member: None, staff: true, any_authors: true };
        assert!(staff.may_edit(&[3]));
        let leader = Writer { member: Some(1), staff: false, any_authors: true };
        assert!(!leader.may_edit(&[3]) && leader.may_edit(&[1]), "a leader edits only reports it leads");
        assert!(member.check_authors(&[3, 7]).is_ok());
        assert_eq!(member.check_authors(&[3]).unwrap_err().key, "research.err.author_self");
        assert!(Writer { member: None, ..member }.check_authors(&[3]).is_err(), "an account without a member record writes nothing as a member");
        assert!(leader.check_authors(&[3]).is_ok() && staff.check_authors(&[3]).is_ok());
    }

    fn outcome(kind: &str, level: &str, by_whom: &str, on: &str, summary: &str) -> OutcomeForm {
        OutcomeForm { kind: kind.into(), level: level.into(), by_whom: by_whom.into(), on_date: on.into(), summary: summary.into() }
    }

    #[test]
    fn outcomes_are_checked_by_kind() {
        let (submitted, today) = (d(3, 2), d(3, 20));
        let adopted = outcome("adopted", "district", "", "2022-03-15", "").parse(submitted, today, &[]).unwrap();
        assert_eq!((adopted.kind, adopted.level, adopted.on_date), (OutcomeKind::Adopted, Level::District, d(3, 15)));
        let instructed = outcome("instructed", "city", "市政府分管副市长", "2022-03-02", "请市住建局研究落实").parse(submitted, today, &[]).unwrap();
        assert_eq!((instructed.by_whom.as_str(), instructed.summary.as_str()), ("市政府分管副市长", "请市住建局研究落实"));
        // An instruction names the leader and gives its words; a forwarding says where it went.
        let fields = |f: OutcomeForm| f.parse(submitted, today, &[]).unwrap_err().into_iter().map(|e| (e.field, e.key)).collect::<Vec<_>>();
        assert_eq!(fields(outcome("instructed", "city", "", "2022-03-15", "")), [("by_whom", "research.err.leader"), ("summary", "research.err.instruction")]);
        assert_eq!(fields(outcome("forwarded", "district", " ", "2022-03-15", "")), [("by_whom", "research.err.by_whom")]);
        assert_eq!(fields(outcome("won", "town", "", "2022-03-15", "")), [("kind", "err.choice"), ("level", "err.choice")]);
        // Not before the report, not after today.
        assert_eq!(fields(outcome("adopted", "district", "", "2022-03-01", "")), [("on_date", "research.err.outcome_date")]);
        assert_eq!(fields(outcome("adopted", "district", "", "2022-03-21", "")), [("on_date", "err.future_date")]);
        assert_eq!(fields(outcome("adopted", "district", "", "03/15", "")), [("on_date", "err.date")]);
        // Adopted once per level; instructions and forwardings may repeat.
        let recorded = [(OutcomeKind::Adopted, Level::District), (OutcomeKind::Instructed, Level::City)];
        assert_eq!(outcome("adopted", "district", "", "2022-03-15", "").parse(submitted, today, &recorded).unwrap_err()[0].key, "research.err.already_adopted");
        assert!(outcome("adopted", "city", "", "2022-03-15", "").parse(submitted, today, &recorded).is_ok());
        assert!(outcome("instructed", "city", "市委书记", "2022-03-15", "阅，请相关部门研究").parse(submitted, today, &recorded).is_ok());
    }

    #[test]
    fn documents_are_recognised_by_their_content() {
        let pdf = Document::from_upload("C:\\报告\\加装电梯调研.PDF", b"%PDF-1.7\n...".to_vec()).unwrap();
        assert_eq!((pdf.kind, pdf.name.as_str()), (DocKind::Pdf, "加装电梯调研.pdf"));
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....[Content_Types].xml....word/document.xml");
        assert_eq!(Document::from_upload("report.docx", docx).unwrap().kind, DocKind::Docx);
        assert_eq!(Document::from_upload("a.zip", b"PK\x03\x04 other zip".to_vec()).unwrap_err().key, "research.err.file_type", "a zip that is not Word");
        let doc = Document::from_upload("报告.wps", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).unwrap();
        assert_eq!((doc.kind, doc.name.as_str()), (DocKind::Doc, "报告.doc"));
        assert_eq!(Document::from_upload("x.pdf", b"<html>".to_vec()).unwrap_err().key, "research.err.file_type", "the name does not decide");
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_FILE_BYTES + 1, 0);
        assert_eq!(Document::from_upload("big.pdf", big).unwrap_err().key, "research.err.file_size");
        assert_eq!(clean_file_name("../\"a\";b.docx", DocKind::Docx), "ab.docx");
        assert_eq!(clean_file_name("", DocKind::Pdf), "调研报告.pdf");
    }
}
