//! The duty-performance rulebook (《委员履职评价办法》) as data, and the score it gives a member's
//! duty records. Pure: every committee edits its own rules (exported and imported as JSON), and
//! a score is always the sum of the member's records under them, line by line.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One kind of duty record and what it is worth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The record kind's code, e.g. `plenary_present`, `proposal_filed`, `opinion_adopted_city`.
    pub kind: String,
    /// What the item is called on the member's file.
    pub name: String,
    /// Points per record (negative for penalties).
    pub points: f64,
    /// At most this many points a year from the item (None: no cap).
    #[serde(default)]
    pub cap: Option<f64>,
}

/// A duty every member must do in a year: at least `count` records of any of `kinds`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Minimum {
    pub name: String,
    pub kinds: Vec<String>,
    pub count: u32,
}

/// A band of the total (e.g. ≥ 85 优秀).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub name: String,
    /// The lowest total in the band.
    pub from: f64,
}

/// A committee's rules for one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rulebook {
    pub year: i32,
    /// Every member starts from this (many local rules start from a base score).
    pub base: f64,
    pub items: Vec<Item>,
    /// A co-signer of a joint proposal (or co-author) gets this share of the lead's points.
    pub joint_share: f64,
    /// A report credited through a combined report (综合采用) counts this much.
    pub combined_factor: f64,
    pub minimums: Vec<Minimum>,
    /// Highest first.
    pub bands: Vec<Band>,
    /// No duty record for this many months makes a member inactive (挂牌).
    pub inactive_months: u32,
    /// What follows a failing year, in the committee's words (reminder talk, interview …).
    pub consequences: Vec<String>,
}

/// How a record counts: as the lead, jointly, or through a combined report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credit {
    Full,
    Joint,
    Combined,
}

/// One dated duty record of a member, pointing at what produced it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub kind: String,
    pub on: NaiveDate,
    pub credit: Credit,
    /// e.g. `proposal`, `activity`, `opinion_report`, `manual`.
    pub source_type: String,
    pub source_id: i64,
}

impl Record {
    /// Whether the record is a duty done: absences and leave are on the file but show no
    /// activity (a member with only those is still inactive).
    pub fn is_duty(&self) -> bool {
        is_duty(&self.kind)
    }
}

/// See [`Record::is_duty`].
pub fn is_duty(kind: &str) -> bool {
    !(kind.ends_with("_absent") || kind.ends_with("_leave"))
}

/// One line of a member's score: an item, its records and what they gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub kind: String,
    pub name: String,
    pub records: usize,
    /// Each record of the line: its index in the scored slice and the points it gave.
    pub entries: Vec<(usize, f64)>,
    /// Before the cap.
    pub raw: f64,
    pub points: f64,
    pub capped: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub total: f64,
    pub lines: Vec<Line>,
    /// Each minimum with how many records count towards it and whether it is met.
    pub minimums: Vec<(String, u32, u32, bool)>,
    pub band: Option<String>,
    /// Records of kinds the rulebook does not know (shown, worth nothing).
    pub unscored: usize,
    /// In the lowest band, or a minimum duty not met.
    pub failing: bool,
}

impl Rulebook {
    /// Scores `records` of one member in the rulebook's year: the base, plus each item's
    /// points (weighted by credit, capped per item), banded; minimums counted apart.
    pub fn score(&self, records: &[Record]) -> Score {
        let in_year: Vec<(usize, &Record)> = records.iter().enumerate().filter(|(_, r)| chrono::Datelike::year(&r.on) == self.year).collect();
        let mut by_kind: BTreeMap<&str, Vec<(usize, &Record)>> = BTreeMap::new();
        for (i, r) in &in_year {
            by_kind.entry(r.kind.as_str()).or_default().push((*i, r));
        }
        let mut lines = Vec::new();
        let mut total = self.base;
        for item in &self.items {
            let Some(rs) = by_kind.get(item.kind.as_str()) else { continue };
            let entries: Vec<(usize, f64)> = rs.iter().map(|(i, r)| (*i, item.points * self.weight(r.credit))).collect();
            let raw: f64 = entries.iter().map(|(_, p)| p).sum();
            let points = match item.cap {
                Some(cap) if raw > cap => cap,
                _ => raw,
            };
            total += points;
            lines.push(Line { kind: item.kind.clone(), name: item.name.clone(), records: rs.len(), entries, raw, points, capped: points != raw });
        }
        let in_year: Vec<&Record> = in_year.into_iter().map(|(_, r)| r).collect();
        let unscored = in_year.iter().filter(|r| !self.items.iter().any(|i| i.kind == r.kind)).count();
        let minimums: Vec<(String, u32, u32, bool)> = self
            .minimums
            .iter()
            .map(|m| {
                let n = in_year.iter().filter(|r| m.kinds.contains(&r.kind)).count() as u32;
                (m.name.clone(), n, m.count, n >= m.count)
            })
            .collect();
        let total = (total * 100.0).round() / 100.0;
        let band = self.bands.iter().find(|b| total >= b.from).map(|b| b.name.clone());
        let lowest = self.bands.len() > 1 && band.as_deref() == self.bands.last().map(|b| b.name.as_str());
        let failing = lowest || minimums.iter().any(|m| !m.3);
        Score { total, lines, minimums, band, unscored, failing }
    }

    fn weight(&self, c: Credit) -> f64 {
        match c {
            Credit::Full => 1.0,
            Credit::Joint => self.joint_share,
            Credit::Combined => self.combined_factor,
        }
    }

    /// Whether a member whose latest record is `last` (None: never) is inactive on `today`.
    pub fn inactive(&self, last: Option<NaiveDate>, today: NaiveDate) -> bool {
        match last {
            None => true,
            Some(d) => d.checked_add_months(chrono::Months::new(self.inactive_months)).is_none_or(|limit| limit < today),
        }
    }

    /// The rules of the next year: a copy of these with the year moved on.
    pub fn next_year(&self) -> Rulebook {
        Rulebook { year: self.year + 1, ..self.clone() }
    }

    /// Reads a rulebook file, naming what is wrong with it.
    pub fn from_json(text: &str) -> Result<Rulebook, String> {
        let r: Rulebook = serde_json::from_str(text).map_err(|e| format!("规则文件格式有误：{e}"))?;
        r.check()?;
        Ok(r)
    }

    /// The rules must make sense: known shares, bands from high to low, minimums that name items.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.joint_share) || !(0.0..=1.0).contains(&self.combined_factor) {
            return Err("联名分值比例须在0到1之间".into());
        }
        if self.bands.windows(2).any(|w| w[0].from <= w[1].from) {
            return Err("等次须按分数从高到低排列".into());
        }
        if let Some(m) = self.minimums.iter().find(|m| m.kinds.iter().any(|k| !self.items.iter().any(|i| &i.kind == k))) {
            return Err(format!("基本履职要求“{}”引用了未定义的计分项", m.name));
        }
        let mut kinds: Vec<&str> = self.items.iter().map(|i| i.kind.as_str()).collect();
        kinds.sort_unstable();
        if kinds.windows(2).any(|w| w[0] == w[1]) {
            return Err("计分项重复".into());
        }
        Ok(())
    }
}

/// The rulebook a committee starts from, built from published local 履职评价办法: attendance,
/// proposals, opinion reports by level, research, visits, studio duty, volunteering; penalties
/// for absence without leave; four minimum duties; three bands.
pub fn default_rulebook(year: i32) -> Rulebook {
    let item = |kind: &str, name: &str, points: f64, cap: Option<f64>| Item { kind: kind.into(), name: name.into(), points, cap };
    Rulebook {
        year,
        base: 60.0,
        items: vec![
            item("plenary_present", "出席全体会议", 5.0, None),
            item("plenary_leave", "全体会议请假（经批准）", 0.0, None),
            item("plenary_absent", "无故缺席全体会议", -10.0, None),
            item("standing_present", "出席常委会议", 2.0, None),
            item("standing_leave", "常委会议请假（经批准）", 0.0, None),
            item("standing_absent", "无故缺席常委会议", -5.0, None),
            item("activity_present", "参加视察、调研、学习等活动", 1.0, Some(10.0)),
            item("activity_leave", "活动请假（经批准）", 0.0, None),
            item("activity_absent", "无故缺席活动", -2.0, None),
            item("proposal_filed", "提案立案", 4.0, Some(16.0)),
            item("proposal_key", "重点提案", 3.0, None),
            item("proposal_excellent", "优秀提案", 5.0, None),
            item("opinion_submitted", "报送社情民意", 1.0, Some(6.0)),
            item("opinion_adopted_district", "社情民意区级采用", 2.0, None),
            item("opinion_adopted_city", "社情民意市级采用", 4.0, None),
            item("opinion_adopted_province", "社情民意省级采用", 6.0, None),
            item("opinion_adopted_national", "社情民意全国政协采用", 10.0, None),
            item("instruction_district", "区领导批示", 3.0, None),
            item("instruction_city", "市领导批示", 5.0, None),
            item("instruction_province", "省领导批示", 8.0, None),
            item("instruction_national", "国家领导批示", 12.0, None),
            item("speech", "大会发言、协商发言", 3.0, Some(9.0)),
            item("research_report", "调研报告", 3.0, Some(9.0)),
            item("visit", "走访群众", 0.5, Some(5.0)),
            item("studio_duty", "委员工作室值班接待", 1.0, Some(6.0)),
            item("consultation_attended", "参加协商活动", 1.0, Some(5.0)),
            item("volunteering", "志愿服务", 1.0, Some(4.0)),
            item("assistance", "帮扶慰问", 1.0, Some(4.0)),
            item("manual", "其他履职（经审核）", 1.0, Some(5.0)),
        ],
        joint_share: 0.5,
        combined_factor: 0.5,
        minimums: vec![
            Minimum { name: "出席全体会议".into(), kinds: vec!["plenary_present".into()], count: 1 },
            Minimum { name: "提出提案至少1件".into(), kinds: vec!["proposal_filed".into()], count: 1 },
            Minimum { name: "报送社情民意至少1条".into(), kinds: vec!["opinion_submitted".into()], count: 1 },
            Minimum { name: "参加活动至少3次".into(), kinds: ["activity_present", "standing_present", "consultation_attended", "volunteering", "assistance"].map(String::from).to_vec(), count: 3 },
        ],
        bands: vec![Band { name: "优秀".into(), from: 85.0 }, Band { name: "称职".into(), from: 60.0 }, Band { name: "不称职".into(), from: f64::MIN }],
        inactive_months: 6,
        consequences: vec!["年度不称职：谈话提醒".into(), "连续两年不称职：约谈并建议辞去委员职务".into(), "连续两次无故缺席全体会议：按程序撤销委员资格".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: &str, m: u32, credit: Credit) -> Record {
        Record { kind: kind.into(), on: NaiveDate::from_ymd_opt(2022, m, 10).unwrap(), credit, source_type: "test".into(), source_id: m as i64 }
    }

    #[test]
    fn a_score_is_the_base_plus_each_items_capped_weighted_points() {
        let rules = default_rulebook(2022);
        let records = vec![
            rec("plenary_present", 1, Credit::Full),
            rec("proposal_filed", 1, Credit::Full),
            rec("proposal_filed", 2, Credit::Joint),
            rec("opinion_submitted", 3, Credit::Full),
            rec("opinion_adopted_city", 4, Credit::Combined),
            rec("activity_present", 1, Credit::Full),
            rec("activity_present", 2, Credit::Full),
            rec("activity_present", 3, Credit::Full),
        ];
        let s = rules.score(&records);
        // 60 + 5 + (4 + 2) + 1 + 4×½ + 3 = 77
        assert_eq!(s.total, 77.0);
        assert_eq!(s.band.as_deref(), Some("称职"));
        let proposals = s.lines.iter().find(|l| l.kind == "proposal_filed").unwrap();
        assert_eq!((proposals.records, proposals.points), (2, 6.0), "the co-signer's share is half");
        assert_eq!(proposals.entries, [(1, 4.0), (2, 2.0)], "each record with what it gave");
        assert!(s.minimums.iter().all(|m| m.3), "{:?}", s.minimums);
        assert!(!s.failing);
    }

    #[test]
    fn caps_penalties_minimums_and_bands() {
        let rules = default_rulebook(2022);
        let many: Vec<Record> = (1..=12).map(|m| rec("visit", m, Credit::Full)).chain((1..=12).map(|m| rec("activity_present", m, Credit::Full))).collect();
        let s = rules.score(&many);
        let visits = s.lines.iter().find(|l| l.kind == "visit").unwrap();
        assert_eq!((visits.raw, visits.points, visits.capped), (6.0, 5.0, true));
        assert_eq!(s.total, 60.0 + 5.0 + 10.0);
        let missing: Vec<&str> = s.minimums.iter().filter(|m| !m.3).map(|m| m.0.as_str()).collect();
        assert_eq!(missing, ["出席全体会议", "提出提案至少1件", "报送社情民意至少1条"]);
        assert!(s.failing, "75 points but minimums missed");
        let absent = rules.score(&[rec("plenary_absent", 1, Credit::Full), rec("standing_absent", 2, Credit::Full)]);
        assert_eq!((absent.total, absent.band.as_deref(), absent.failing), (45.0, Some("不称职"), true));
        let best = rules.score(&(1..=5).map(|m| rec("opinion_adopted_national", m, Credit::Full)).collect::<Vec<_>>());
        assert_eq!(best.band.as_deref(), Some("优秀"));
    }

    #[test]
    fn only_the_years_records_count_and_unknown_kinds_are_shown_unscored() {
        let rules = default_rulebook(2023);
        let s = rules.score(&[rec("plenary_present", 1, Credit::Full), Record { kind: "dancing".into(), ..rec("x", 2, Credit::Full) }]);
        assert_eq!((s.total, s.unscored), (60.0, 0), "2022's records are not 2023's");
        let s = default_rulebook(2022).score(&[Record { kind: "dancing".into(), ..rec("x", 2, Credit::Full) }]);
        assert_eq!(s.unscored, 1);
    }

    #[test]
    fn inactive_after_the_span_without_records() {
        let rules = default_rulebook(2022);
        let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
        assert!(rules.inactive(None, d(6, 1)));
        assert!(!rules.inactive(Some(d(1, 10)), d(7, 10)), "six months to the day");
        assert!(rules.inactive(Some(d(1, 10)), d(7, 11)));
    }

    #[test]
    fn a_rulebook_round_trips_as_json_and_bad_files_are_named() {
        let rules = default_rulebook(2022);
        let text = serde_json::to_string_pretty(&rules).unwrap();
        assert_eq!(Rulebook::from_json(&text).unwrap(), rules);
        assert_eq!(rules.next_year().year, 2023);
        assert!(Rulebook::from_json("{").unwrap_err().starts_with("规则文件格式有误"));
        let mut bad = rules.clone();
        bad.joint_share = 1.5;
        assert_eq!(Rulebook::from_json(&serde_json::to_string(&bad).unwrap()).unwrap_err(), "联名分值比例须在0到1之间");
        let mut bad = rules.clone();
        bad.bands.reverse();
        assert!(bad.check().unwrap_err().contains("从高到低"));
        let mut bad = rules;
        bad.minimums[0].kinds = vec!["nothing".into()];
        assert!(bad.check().unwrap_err().contains("未定义的计分项"));
    }
}
