//! Visits (走访) as typed values, and the leaders' field days counted from them: the visit form
//! is parsed here once, and the week arithmetic is pure (dates are China dates).
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, IsoWeek, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};
use crate::org::values::normalize_text;

/// Where the visitors went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// 实地走访: a site, a project, a village.
    Field,
    /// 入户走访: a household at home.
    Home,
    /// 走访企业.
    Enterprise,
    /// 联系点走访: a liaison target (party-building site, key project, petition case).
    Liaison,
}

impl VisitKind {
    pub const ALL: [VisitKind; 4] = [Self::Field, Self::Home, Self::Enterprise, Self::Liaison];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Field => "field",
            Self::Home => "home",
            Self::Enterprise => "enterprise",
            Self::Liaison => "liaison",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whom they met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhomKind {
    /// 委员: members of the committee.
    Members,
    /// 界别群众: people of a member's sector.
    Masses,
    /// 群众家庭: households.
    Households,
    /// 企业.
    Enterprises,
}

impl WhomKind {
    pub const ALL: [WhomKind; 4] = [Self::Members, Self::Masses, Self::Households, Self::Enterprises];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::Masses => "masses",
            Self::Households => "households",
            Self::Enterprises => "enterprises",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The visit form as sent (text, so that a bad value is named, not rejected wholesale).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct VisitForm {
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub whom_kind: String,
    #[serde(default)]
    pub people: String,
    #[serde(default)]
    pub names: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub visitor_ids: Vec<String>,
    #[serde(default)]
    pub staff_names: String,
    #[serde(default)]
    pub heard: String,
    #[serde(default)]
    pub follow_up: String,
    /// Concerns raised on the visit, one per line: each becomes a demand linked to the visit.
    #[serde(default)]
    pub demands: String,
    /// The category the raised concerns are registered under.
    #[serde(default)]
    pub demand_category: String,
}

impl crate::app::forms::ListFields for VisitForm {
    const LISTS: &'static [&'static str] = &["visitor_ids"];
}

/// A checked visit.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitInput {
    pub on_date: NaiveDate,
    pub kind: VisitKind,
    pub whom_kind: WhomKind,
    pub people: i32,
    pub names: String,
    pub place_id: Option<i64>,
    pub visitor_ids: Vec<i64>,
    pub staff_names: String,
    pub heard: String,
    pub follow_up: String,
    pub demands: Vec<String>,
    pub demand_category: String,
}

/// At most this many demands are raised from one visit form.
pub const MAX_DEMANDS: usize = 10;

/// What the form is checked against: the committee's places and members in office, today.
pub struct VisitChoices<'a> {
    pub places: &'a [i64],
    pub members: &'a [i64],
    /// The committee's demand categories still offered.
    pub categories: &'a [String],
    pub today: NaiveDate,
}

impl VisitForm {
    /// Checks every field and names each one at fault: a date not in the future (and not before
    /// 2000), 1–10,000 people, at least one visitor (member or staff), what was heard (2–2,000
    /// characters), each demand line 5–500 characters.
    pub fn parse(&self, c: &VisitChoices) -> Result<VisitInput, Vec<FieldError>> {
        let mut k = Check::default();
        let on_date = match NaiveDate::parse_from_str(self.on_date.trim(), "%Y-%m-%d") {
            Ok(d) if d > c.today => k.take(Err(FieldError::new("on_date", "err.future_date"))),
            Ok(d) if d.year() < 2000 => k.take(Err(FieldError::new("on_date", "err.date"))),
            Ok(d) => Some(d),
            Err(_) => k.take(Err(FieldError::new("on_date", "err.date"))),
        };
        let kind = k.take(VisitKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let whom_kind = k.take(WhomKind::from_code(self.whom_kind.trim()).ok_or(FieldError::new("whom_kind", "err.choice")));
        let people = k.take(self.people.trim().parse::<i32>().ok().filter(|n| (1..=10_000).contains(n)).ok_or(FieldError::new("people", "err.people")));
        let names = normalize_text(&self.names);
        if names.chars().count() > 400 {
            k.add(FieldError::new("names", "err.too_long"));
        }
        let place_id = k.take(choice("place_id", &self.place_id, c.places)).flatten();
        let visitor_ids = k.take(choices("visitor_ids", &self.visitor_ids, c.members)).unwrap_or_default();
        let staff_names = normalize_text(&self.staff_names);
        if staff_names.chars().count() > 200 {
            k.add(FieldError::new("staff_names", "err.too_long"));
        }
        if visitor_ids.is_empty() && staff_names.is_empty() && !k.0.iter().any(|e| e.field == "visitor_ids") {
            k.add(FieldError::new("visitor_ids", "err.visitors_required"));
        }
        let heard = self.heard.trim().to_string();
        if !(2..=2000).contains(&heard.chars().count()) {
            k.add(FieldError::new("heard", "err.heard"));
        }
        let follow_up = self.follow_up.trim().to_string();
        if follow_up.chars().count() > 2000 {
            k.add(FieldError::new("follow_up", "err.too_long"));
        }
        let demands: Vec<String> = self.demands.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        if demands.len() > MAX_DEMANDS || demands.iter().any(|d| !(5..=500).contains(&d.chars().count())) {
            k.add(FieldError::new("demands", "err.visit_demands"));
        }
        // Without a choice the concerns go under the last category (其他 by default).
        let demand_category = match self.demand_category.trim() {
            "" => c.categories.last().cloned().unwrap_or_default(),
            name if c.categories.iter().any(|x| x == name) => name.to_string(),
            _ => k.take(Err(FieldError::new("demand_category", "err.choice"))).unwrap_or_default(),
        };
        match (on_date, kind, whom_kind, people, k.is_ok()) {
            (Some(on_date), Some(kind), Some(whom_kind), Some(people), true) => {
                Ok(VisitInput { on_date, kind, whom_kind, people, names, place_id, visitor_ids, staff_names, heard, follow_up, demands, demand_category })
            }
            _ => Err(k.0),
        }
    }
}

/// The default rule: leaders spend at least three days a week in the field.
pub const FIELD_DAYS_PER_WEEK: u32 = 3;

/// One leader's field days: the distinct days with a visit (or an activity), by ISO week.
pub fn field_days_by_week(days: &[NaiveDate]) -> BTreeMap<IsoWeek, BTreeSet<NaiveDate>> {
    let mut out: BTreeMap<IsoWeek, BTreeSet<NaiveDate>> = BTreeMap::new();
    for d in days {
        out.entry(d.iso_week()).or_default().insert(*d);
    }
    out
}

/// The Mondays of the weeks that overlap `from..=to`, in order.
pub fn weeks_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut monday = from - Duration::days(from.weekday().num_days_from_monday() as i64);
    let mut out = Vec::new();
    while monday <= to {
        out.push(monday);
        monday += Duration::days(7);
    }
    out
}

/// A leader's weeks against the rule: (Monday, field days that week, met). A week not over on
/// `today` counts as met while the days left (today included, unless already counted) can
/// still reach the rule.
pub fn compliance(days: &[NaiveDate], from: NaiveDate, to: NaiveDate, rule: u32, today: NaiveDate) -> Vec<(NaiveDate, u32, bool)> {
    let by_week = field_days_by_week(days);
    weeks_between(from, to)
        .into_iter()
        .map(|monday| {
            let done = by_week.get(&monday.iso_week());
            let n = done.map(|d| d.len() as u32).unwrap_or(0);
            let sunday = monday + Duration::days(6);
            let left = if today > sunday {
                0
            } else {
                let start = today.max(monday);
                let open = (sunday - start).num_days() as u32 + 1;
                open - u32::from(done.is_some_and(|d| d.contains(&start)))
            };
            (monday, n, n + left >= rule)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, dd).unwrap()
    }

    fn form() -> VisitForm {
        VisitForm {
            on_date: "2022-03-02".into(),
            kind: "home".into(),
            whom_kind: "households".into(),
            people: "3".into(),
            place_id: "7".into(),
            visitor_ids: vec!["1".into(), "2".into()],
            heard: "反映小区路灯损坏，夜间出行不便".into(),
            demands: "小区路灯损坏，请尽快维修\n\n楼道堆放杂物，存在消防隐患".into(),
            ..Default::default()
        }
    }

    const CATEGORIES: [String; 0] = [];

    fn choices<'a>(places: &'a [i64], members: &'a [i64]) -> VisitChoices<'a> {
        VisitChoices { places, members, categories: &CATEGORIES, today: d(3, 10) }
    }

    #[test]
    fn a_visit_form_is_checked_once_and_names_every_bad_field() {
        let v = form().parse(&choices(&[7], &[1, 2, 3])).unwrap();
        assert_eq!((v.kind, v.whom_kind, v.people, v.place_id), (VisitKind::Home, WhomKind::Households, 3, Some(7)));
        assert_eq!(v.demands.len(), 2, "blank lines are dropped");
        let cats = ["交通出行".to_string(), "其他".to_string()];
        let with = |category: &str| VisitForm { demand_category: category.into(), ..form() }.parse(&VisitChoices { categories: &cats, ..choices(&[7], &[1, 2]) });
        assert_eq!(with("").unwrap().demand_category, "其他", "the last category by default");
        assert_eq!(with("交通出行").unwrap().demand_category, "交通出行");
        assert_eq!(with("美食").unwrap_err()[0].field, "demand_category");
        let bad = VisitForm { on_date: "2022-03-11".into(), kind: "x".into(), people: "0".into(), place_id: "9".into(), visitor_ids: vec!["8".into()], heard: "".into(), demands: "短".into(), ..form() };
        let fields: Vec<_> = bad.parse(&choices(&[7], &[1, 2])).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["on_date", "kind", "people", "place_id", "visitor_ids", "heard", "demands"]);
        let nobody = VisitForm { visitor_ids: vec![], ..form() };
        assert_eq!(nobody.parse(&choices(&[7], &[1])).unwrap_err()[0].field, "visitor_ids", "someone went");
        let staff_only = VisitForm { visitor_ids: vec![], staff_names: "机关干部小王".into(), ..form() };
        assert!(staff_only.parse(&choices(&[7], &[1])).is_ok(), "staff may go without members");
    }

    #[test]
    fn field_days_are_distinct_days_per_iso_week() {
        // Sunday 6 March and Monday 7 March fall in two weeks; two visits on one day are one day.
        let days = [d(3, 2), d(3, 2), d(3, 4), d(3, 6), d(3, 7)];
        let weeks = field_days_by_week(&days);
        assert_eq!(weeks.len(), 2);
        assert_eq!(weeks[&d(3, 2).iso_week()].len(), 3);
        assert_eq!(weeks[&d(3, 7).iso_week()].len(), 1);
        // The week of 1 January 2022 (a Saturday) is ISO week 52 of 2021.
        assert_eq!(field_days_by_week(&[d(1, 1)]).keys().next().unwrap().year(), 2021);
    }

    #[test]
    fn compliance_counts_whole_weeks_and_spares_the_current_one() {
        assert_eq!(weeks_between(d(3, 2), d(3, 14)), vec![d(2, 28), d(3, 7), d(3, 14)]);
        let days = [d(2, 28), d(3, 1), d(3, 3), d(3, 8)];
        let c = compliance(&days, d(2, 28), d(3, 13), 3, d(3, 20));
        assert_eq!(c, vec![(d(2, 28), 3, true), (d(3, 7), 1, false)]);
        // On Wednesday 9 March, one day done and five left: the week can still be met.
        let now = compliance(&days, d(3, 7), d(3, 13), 3, d(3, 9));
        assert_eq!(now, vec![(d(3, 7), 1, true)]);
        // On Sunday 13 March only that day is left: 1 + 1 < 3, the week is lost.
        assert_eq!(compliance(&days, d(3, 7), d(3, 13), 3, d(3, 13)), vec![(d(3, 7), 1, false)]);
        assert_eq!(compliance(&days, d(3, 7), d(3, 13), 3, d(3, 12)), vec![(d(3, 7), 1, true)], "Saturday and Sunday are still open");
        // Saturday already visited: only Sunday can add a day, so 2 + 1 < 4.
        assert_eq!(compliance(&[d(3, 8), d(3, 12)], d(3, 7), d(3, 13), 4, d(3, 12)), vec![(d(3, 7), 2, false)], "today is not counted twice");
    }
}
