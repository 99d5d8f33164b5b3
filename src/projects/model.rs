//! Projects (项目) as typed values: the kinds, status and partner roles, who may edit a project
//! (a pure rule), and the project and yearly-figures forms parsed once. Money is kept in fen.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::activities::model::parse_yuan;
use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};
use crate::org::values::normalize_text;

/// What a project is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 发展项目: an industry or enterprise members brought in.
    Development,
    /// 乡村振兴 / 帮扶项目: lifting households out of poverty, village revitalisation.
    Assistance,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 2] = [Self::Development, Self::Assistance];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Assistance => "assistance",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a project stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// 筹建中.
    Planned,
    /// 运营中.
    Running,
    /// 已结束.
    Ended,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 3] = [Self::Planned, Self::Running, Self::Ended];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Running => "running",
            Self::Ended => "ended",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A partner's part in a project (合作社 + 脱贫户 + 公司 …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    /// 合作社.
    Cooperative,
    /// 农户 / 脱贫户.
    Households,
    /// 公司.
    Company,
    /// 基地.
    Base,
    Other,
}

impl PartnerRole {
    pub const ALL: [PartnerRole; 5] = [Self::Cooperative, Self::Households, Self::Company, Self::Base, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cooperative => "cooperative",
            Self::Households => "households",
            Self::Company => "company",
            Self::Base => "base",
            Self::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who edits a project: staff any; a member (or a leader with a member record) only a project
/// it introduced, and only while it stays among the introducers, so a member can neither take
/// over a project nor save one it would then be locked out of.
pub fn may_edit(staff: bool, me: Option<i64>, introducers: &[i64]) -> bool {
    staff || me.is_some_and(|m| introducers.contains(&m))
}

/// At most this many partners on one project.
pub const MAX_PARTNERS: usize = 10;

/// The project form as sent. Partners come as two parallel lists, one row per partner.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub introducer_ids: Vec<String>,
    #[serde(default)]
    pub partner_role: Vec<String>,
    #[serde(default)]
    pub partner_name: Vec<String>,
    /// 模式, e.g. 合作社+脱贫户+公司.
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub shared: String,
    #[serde(default)]
    pub description: String,
}

impl crate::app::forms::ListFields for ProjectForm {
    const LISTS: &'static [&'static str] = &["introducer_ids", "partner_role", "partner_name"];
}

/// A checked project.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectInput {
    pub name: String,
    pub kind: ProjectKind,
    pub place_id: Option<i64>,
    pub introducer_ids: Vec<i64>,
    pub partners: Vec<(PartnerRole, String)>,
    pub model: String,
    pub started_on: Option<NaiveDate>,
    pub status: ProjectStatus,
    pub shared: bool,
    pub description: String,
}

/// What the form is checked against.
pub struct ProjectChoices<'a> {
    pub places: &'a [i64],
    pub members: &'a [i64],
    pub today: NaiveDate,
}

/// Up to `max` characters of normalised text, else the field's error.
fn text(k: &mut Check, field: &'static str, s: &str, range: std::ops::RangeInclusive<usize>, key: &'static str) -> String {
    let t = normalize_text(s);
    if !range.contains(&t.chars().count()) {
        k.add(FieldError::new(field, key));
    }
    t
}

impl ProjectForm {
    /// Checks every field, naming each one at fault: a name of 2–100 characters, at least one
    /// introducer, each partner named (at most 100 characters, ten partners) with a known role,
    /// a start date not in the future.
    pub fn parse(&self, c: &ProjectChoices) -> Result<ProjectInput, Vec<FieldError>> {
        let mut k = Check::default();
        let name = text(&mut k, "name", &self.name, 2..=100, "project.err.name");
        let kind = k.take(ProjectKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let place_id = k.take(choice("place_id", &self.place_id, c.places)).flatten();
        let introducer_ids = k.take(choices("introducer_ids", &self.introducer_ids, c.members)).unwrap_or_default();
        if introducer_ids.is_empty() && !k.0.iter().any(|e| e.field == "introducer_ids") {
            k.add(FieldError::new("introducer_ids", "project.err.introducers"));
        }
        let partners = k.take(partners(&self.partner_role, &self.partner_name)).unwrap_or_default();
        let model = text(&mut k, "model", &self.model, 0..=100, "err.too_long");
        let started_on = match self.started_on.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d > c.today => k.take(Err(FieldError::new("started_on", "err.future_date"))),
                Ok(d) if d.year() >= 2000 => Some(d),
                _ => k.take(Err(FieldError::new("started_on", "err.date"))),
            },
        };
        let status = k.take(ProjectStatus::from_code(self.status.trim()).ok_or(FieldError::new("status", "err.choice")));
        let description = self.description.trim().to_string();
        if description.chars().count() > 5000 {
            k.add(FieldError::new("description", "err.too_long"));
        }
        match (kind, status, k.is_ok()) {
            (Some(kind), Some(status), true) => {
                Ok(ProjectInput { name, kind, place_id, introducer_ids, partners, model, started_on, status, shared: self.shared == "yes", description })
            }
            _ => Err(k.0),
        }
    }
}

/// Partner rows: a row without a name is left out; a named row needs a known role.
fn partners(roles: &[String], names: &[String]) -> Result<Vec<(PartnerRole, String)>, FieldError> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = normalize_text(name);
        if name.is_empty() {
            continue;
        }
        let role = roles.get(i).and_then(|r| PartnerRole::from_code(r.trim())).ok_or(FieldError::new("partners", "err.choice"))?;
        if name.chars().count() > 100 {
            return Err(FieldError::new("partners", "err.too_long"));
        }
        out.push((role, name));
    }
    if out.len() > MAX_PARTNERS {
        return Err(FieldError::new("partners", "project.err.partners"));
    }
    Ok(out)
}

/// One year's figures as sent: money in yuan with up to two decimals.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct YearForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub output_value: String,
    #[serde(default)]
    pub net_income: String,
    #[serde(default)]
    pub beneficiaries: String,
    #[serde(default)]
    pub households: String,
    #[serde(default)]
    pub note: String,
}

/// One year's checked figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearInput {
    pub year: i32,
    pub output_value_fen: i64,
    pub net_income_fen: i64,
    pub beneficiaries: i32,
    pub households: Option<i32>,
    pub note: String,
}

/// A whole number of people or households, 0 to a million.
fn people(s: &str) -> Option<i32> {
    normalize_text(s).parse::<i32>().ok().filter(|n| (0..=1_000_000).contains(n))
}

impl YearForm {
    /// Checks every field, naming each one at fault: a year from 2000 to this year, output
    /// value and net income in yuan (net income not above output value), beneficiaries as a
    /// whole number, households optional.
    pub fn parse(&self, today: NaiveDate) -> Result<YearInput, Vec<FieldError>> {
        let mut k = Check::default();
        let year = k.take(normalize_text(&self.year).parse::<i32>().ok().filter(|y| (2000..=today.year()).contains(y)).ok_or(FieldError::new("year", "project.err.year")));
        let output_value_fen = k.take(parse_yuan(&self.output_value).ok_or(FieldError::new("output_value", "err.yuan")));
        let net_income_fen = k.take(parse_yuan(&self.net_income).ok_or(FieldError::new("net_income", "err.yuan")));
        if let (Some(o), Some(n)) = (output_value_fen, net_income_fen)
            && n > o
        {
            k.add(FieldError::new("net_income", "project.err.net_income"));
        }
        let beneficiaries = k.take(people(&self.beneficiaries).ok_or(FieldError::new("beneficiaries", "err.count")));
        let households = match normalize_text(&self.households).as_str() {
            "" => None,
            s => k.take(people(s).ok_or(FieldError::new("households", "err.count"))),
        };
        let note = text(&mut k, "note", &self.note, 0..=500, "err.too_long");
        match (year, output_value_fen, net_income_fen, beneficiaries, k.is_ok()) {
            (Some(year), Some(output_value_fen), Some(net_income_fen), Some(beneficiaries), true) => {
                Ok(YearInput { year, output_value_fen, net_income_fen, beneficiaries, households, note })
            }
            _ => Err(k.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn members_edit_only_projects_they_introduced_and_staff_any() {
        let table: [(bool, Option<i64>, &[i64], bool); 7] = [
            (true, None, &[3], true),
            (true, Some(9), &[], true),
            (false, Some(3), &[3, 4], true),
            (false, Some(4), &[3, 4], true),
            (false, Some(5), &[3, 4], false),
            (false, None, &[3], false),
            (false, Some(3), &[], false),
        ];
        for (staff, me, introducers, expected) in table {
            assert_eq!(may_edit(staff, me, introducers), expected, "staff {staff}, member {me:?}, introducers {introducers:?}");
        }
    }

    fn form() -> ProjectForm {
        ProjectForm {
            name: "一亩田脱贫".into(),
            kind: "assistance".into(),
            place_id: "7".into(),
            introducer_ids: vec!["1".into()],
            partner_role: vec!["cooperative".into(), "households".into(), "company".into(), "other".into()],
            partner_name: vec!["楠木村种植专业合作社".into(), "脱贫户12户".into(), "湘潭某农业科技公司".into(), " ".into()],
            model: "合作社+脱贫户+公司".into(),
            started_on: "2021-11-01".into(),
            status: "running".into(),
            shared: "yes".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_project_form_keeps_named_partners_and_names_every_bad_field() {
        let c = ProjectChoices { places: &[7], members: &[1, 2], today: d(2022, 4, 19) };
        let p = form().parse(&c).unwrap();
        assert_eq!(p.partners.len(), 3, "a row without a name is left out");
        assert_eq!(p.partners[0], (PartnerRole::Cooperative, "楠木村种植专业合作社".to_string()));
        assert_eq!((p.kind, p.status, p.shared, p.started_on), (ProjectKind::Assistance, ProjectStatus::Running, true, Some(d(2021, 11, 1))));
        let bad = ProjectForm {
            name: "田".into(),
            kind: "shop".into(),
            place_id: "8".into(),
            introducer_ids: vec![],
            partner_role: vec!["bank".into()],
            partner_name: vec!["某银行".into()],
            started_on: "2022-05-01".into(),
            status: "".into(),
            ..form()
        };
        let fields: Vec<_> = bad.parse(&c).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "kind", "place_id", "introducer_ids", "partners", "started_on", "status"]);
        let many = ProjectForm { partner_role: vec!["other".into(); 11], partner_name: vec!["某单位".into(); 11], ..form() };
        assert_eq!(many.parse(&c).unwrap_err()[0].key, "project.err.partners");
    }

    #[test]
    fn a_years_figures_are_read_in_yuan_and_kept_in_fen() {
        let today = d(2022, 4, 19);
        let f = YearForm { year: "2022".into(), output_value: "120,000".into(), net_income: "72000.5".into(), beneficiaries: "38".into(), households: "12".into(), note: String::new() };
        assert_eq!(f.parse(today).unwrap(), YearInput { year: 2022, output_value_fen: 12_000_000, net_income_fen: 7_200_050, beneficiaries: 38, households: Some(12), note: String::new() });
        assert_eq!(YearForm { households: String::new(), ..f.clone() }.parse(today).unwrap().households, None, "households are optional");
        let bad = YearForm { year: "2023".into(), output_value: "12万".into(), net_income: "-5".into(), beneficiaries: "".into(), households: "x".into(), note: String::new() };
        let fields: Vec<_> = bad.parse(today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["year", "output_value", "net_income", "beneficiaries", "households"]);
        let more = YearForm { net_income: "130000".into(), ..f };
        assert_eq!(more.parse(today).unwrap_err(), vec![FieldError::new("net_income", "project.err.net_income")], "net income within output value");
    }
}
