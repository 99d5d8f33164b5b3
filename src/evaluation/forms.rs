//! The evaluation's forms read into typed values: the rulebook form (every bad cell named by its
//! row), a manual duty record and a consequence action.
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::error::FieldError;
use crate::app::forms::Check;
use crate::evaluation::model::{ConsequenceKind, check_date};
use crate::evaluation::rules::{Band, Item, Minimum, Rulebook, default_rulebook};
use crate::evaluation::store::{NewAction, NewManual};

/// The kinds a rulebook can score: the default's items (what the ledger writes), in its order.
pub fn known_kinds() -> Vec<Item> {
    default_rulebook(0).items
}

/// Reads the rules form. Fields: `base`, `joint_share`, `combined_factor`, `inactive_months`;
/// per kind `name.K`, `points.K` (empty: not scored), `cap.K`; per row `min_name.I`,
/// `min_kinds.I` (repeated), `min_count.I`; `band_name.I`, `band_from.I`; `consequences`
/// (one a line). Empty rows are dropped; each error names its row.
pub fn parse_rules(year: i32, pairs: &[(String, String)]) -> Result<Rulebook, Vec<String>> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim()).unwrap_or("");
    let all = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty()).collect::<Vec<_>>();
    let mut errors = Vec::new();
    let base = number(&mut errors, "基础分", get("base")).unwrap_or(0.0);
    let joint_share = number(&mut errors, "联名分值比例", get("joint_share")).unwrap_or(0.0);
    let combined_factor = number(&mut errors, "综合采用比例", get("combined_factor")).unwrap_or(0.0);
    let inactive_months = number(&mut errors, "不活跃期限（月）", get("inactive_months")).unwrap_or(6.0);
    let mut items = Vec::new();
    for k in known_kinds() {
        let points = get(&format!("points.{}", k.kind));
        if points.is_empty() {
            continue;
        }
        let name = match get(&format!("name.{}", k.kind)) {
            "" => k.name.clone(),
            n => n.chars().take(60).collect(),
        };
        let label = format!("计分项“{name}”");
        let Some(points) = number(&mut errors, &format!("{label}的分值"), points) else { continue };
        let cap = match get(&format!("cap.{}", k.kind)) {
            "" => None,
            c => match number(&mut errors, &format!("{label}的上限"), c) {
                Some(c) if c < 0.0 => {
                    errors.push(format!("{label}的上限不能为负数"));
                    None
                }
                c => c,
            },
        };
        items.push(Item { kind: k.kind, name, points, cap });
    }
    let rows = |prefix: &str| {
        let mut ix: Vec<usize> = pairs.iter().filter_map(|(n, _)| n.strip_prefix(prefix)?.parse().ok()).collect();
        ix.sort_unstable();
        ix.dedup();
        ix
    };
    let mut minimums = Vec::new();
    for i in rows("min_name.") {
        let name = get(&format!("min_name.{i}"));
        let kinds = all(&format!("min_kinds.{i}"));
        let count = get(&format!("min_count.{i}"));
        if name.is_empty() && kinds.is_empty() {
            continue;
        }
        let label = format!("基本履职要求第{}行", i + 1);
        if name.is_empty() {
            errors.push(format!("{label}：请填写名称"));
        }
        if kinds.is_empty() {
            errors.push(format!("{label}：请选择计入的计分项"));
        }
        match count.parse::<u32>() {
            Ok(n) if n >= 1 => minimums.push(Minimum { name: name.chars().take(60).collect(), kinds, count: n }),
            _ => errors.push(format!("{label}：次数须为正整数")),
        }
    }
    let mut bands = Vec::new();
    for i in rows("band_name.") {
        let name = get(&format!("band_name.{i}"));
        let from = get(&format!("band_from.{i}"));
        if name.is_empty() && from.is_empty() {
            continue;
        }
        let label = format!("等次第{}行", i + 1);
        if name.is_empty() {
            errors.push(format!("{label}：请填写名称"));
        }
        // The lowest band may leave its floor empty: it takes every total below the others.
        let from = if from.is_empty() { Some(f64::MIN) } else { number(&mut errors, &format!("{label}的最低分"), from) };
        if let Some(from) = from {
            bands.push(Band { name: name.chars().take(20).collect(), from });
        }
    }
    if bands.is_empty() {
        errors.push("请至少设置一个等次".into());
    }
    let consequences = get("consequences").lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| l.chars().take(200).collect()).collect();
    if !(0.0..=120.0).contains(&inactive_months) || inactive_months.fract() != 0.0 {
        errors.push("不活跃期限（月）须为0到120的整数".into());
    }
    let rules = Rulebook { year, base, items, joint_share, combined_factor, minimums, bands, inactive_months: inactive_months as u32, consequences };
    if errors.is_empty() {
        rules.check().map_err(|e| vec![e])?;
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// A number cell, or its error named by `label`.
fn number(errors: &mut Vec<String>, label: &str, s: &str) -> Option<f64> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.push(format!("{label}：须为数字"));
            None
        }
    }
}

/// A manual duty record as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ManualForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub reason: String,
}

impl ManualForm {
    /// The kind must be one the year's rules score; the date in the year and not ahead; the
    /// reason said (it is what the file shows).
    pub fn parse(&self, member_id: i64, rules: &Rulebook, today: NaiveDate) -> Result<NewManual, Vec<FieldError>> {
        let mut c = Check::default();
        let kind = c.take(rules.items.iter().find(|i| i.kind == self.kind.trim()).map(|i| i.kind.clone()).ok_or(FieldError::new("kind", "err.choice")));
        let on = c.take(dated("on_date", &self.on_date, rules.year, today));
        let reason = self.reason.trim();
        if reason.is_empty() {
            c.add(FieldError::new("reason", "err.required"));
        } else if reason.chars().count() > 500 {
            c.add(FieldError::new("reason", "eval.err.too_long"));
        }
        match (kind, on) {
            (Some(kind), Some(on_date)) if c.is_ok() => Ok(NewManual { member_id, kind, on_date, reason: reason.into() }),
            _ => Err(c.0),
        }
    }
}

fn dated(field: &'static str, s: &str, year: i32, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let d = crate::app::pages::parse_date(field, s)?.ok_or(FieldError::new(field, "err.required"))?;
    check_date(d, year, today).map_err(|key| FieldError::new(field, key))?;
    Ok(d)
}

/// A consequence action as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub notes: String,
}

impl ActionForm {
    /// Actions about a year are taken during it or after it, never ahead of today.
    pub fn parse(&self, member_id: i64, year: i32, today: NaiveDate) -> Result<NewAction, Vec<FieldError>> {
        let mut c = Check::default();
        let kind = c.take(ConsequenceKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let on = c.take(crate::app::pages::parse_date("on_date", &self.on_date).and_then(|d| d.ok_or(FieldError::new("on_date", "err.required"))));
        if let Some(d) = on {
            if chrono::Datelike::year(&d) < year {
                c.add(FieldError::new("on_date", "eval.err.date_outside_year"));
            } else if d > today {
                c.add(FieldError::new("on_date", "eval.err.date_future"));
            }
        }
        let notes = self.notes.trim();
        if notes.chars().count() > 1000 {
            c.add(FieldError::new("notes", "eval.err.too_long"));
        }
        match (kind, on) {
            (Some(kind), Some(on_date)) if c.is_ok() => Ok(NewAction { member_id, year, kind, on_date, notes: notes.into() }),
            _ => Err(c.0),
        }
    }
}

/// The rulebook as the form shows it: every known kind (scored or not), the minimums and bands
/// with one empty row to add.
pub fn form_rows(rules: &Rulebook) -> Vec<(Item, bool)> {
    known_kinds()
        .into_iter()
        .map(|k| match rules.items.iter().find(|i| i.kind == k.kind) {
            Some(i) => (i.clone(), true),
            None => (k, false),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form of a rulebook as the page fills it in.
    fn as_form(r: &Rulebook) -> Vec<(String, String)> {
        let mut out = vec![
            ("base".into(), r.base.to_string()),
            ("joint_share".into(), r.joint_share.to_string()),
            ("combined_factor".into(), r.combined_factor.to_string()),
            ("inactive_months".into(), r.inactive_months.to_string()),
            ("consequences".into(), r.consequences.join("\r\n")),
        ];
        for (item, scored) in form_rows(r) {
            out.push((format!("name.{}", item.kind), item.name.clone()));
            out.push((format!("points.{}", item.kind), if scored { item.points.to_string() } else { String::new() }));
            out.push((format!("cap.{}", item.kind), item.cap.map(|c| c.to_string()).unwrap_or_default()));
        }
        for (i, m) in r.minimums.iter().enumerate() {
            out.push((format!("min_name.{i}"), m.name.clone()));
            out.extend(m.kinds.iter().map(|k| (format!("min_kinds.{i}"), k.clone())));
            out.push((format!("min_count.{i}"), m.count.to_string()));
        }
        for (i, b) in r.bands.iter().enumerate() {
            out.push((format!("band_name.{i}"), b.name.clone()));
            out.push((format!("band_from.{i}"), if b.from == f64::MIN { String::new() } else { b.from.to_string() }));
        }
        out
    }

    #[test]
    fn the_default_rulebook_survives_its_own_form() {
        let r = default_rulebook(2022);
        assert_eq!(parse_rules(2022, &as_form(&r)), Ok(r));
    }

    #[test]
    fn an_edit_changes_one_item_and_an_empty_points_cell_drops_it() {
        let r = default_rulebook(2022);
        let mut form = as_form(&r);
        for (k, v) in form.iter_mut() {
            if k == "points.visit" {
                *v = "1".into();
            }
            if k == "points.manual" {
                v.clear();
            }
        }
        let edited = parse_rules(2022, &form).unwrap();
        assert_eq!(edited.items.iter().find(|i| i.kind == "visit").unwrap().points, 1.0);
        assert!(!edited.items.iter().any(|i| i.kind == "manual"));
        assert_eq!(edited.items.len(), r.items.len() - 1);
    }

    #[test]
    fn every_bad_cell_is_named_by_its_row() {
        let mut form = as_form(&default_rulebook(2022));
        for (k, v) in form.iter_mut() {
            match k.as_str() {
                "points.visit" => *v = "半分".into(),
                "cap.speech" => *v = "-1".into(),
                "min_count.1" => *v = "0".into(),
                "inactive_months" => *v = "2.5".into(),
                _ => {}
            }
        }
        let errors = parse_rules(2022, &form).unwrap_err();
        assert!(errors.iter().any(|e| e == "计分项“走访群众”的分值：须为数字"), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("“大会发言、协商发言”的上限不能为负数")), "{errors:?}");
        assert!(errors.iter().any(|e| e == "基本履职要求第2行：次数须为正整数"), "{errors:?}");
        assert!(errors.iter().any(|e| e.starts_with("不活跃期限")), "{errors:?}");
    }

    #[test]
    fn bands_out_of_order_are_refused_by_the_rulebooks_check() {
        let mut form = as_form(&default_rulebook(2022));
        for (k, v) in form.iter_mut() {
            if k == "band_from.1" {
                *v = "90".into();
            }
        }
        assert_eq!(parse_rules(2022, &form), Err(vec!["等次须按分数从高到低排列".to_string()]));
    }

    #[test]
    fn manual_records_and_actions_are_checked() {
        let rules = default_rulebook(2022);
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let ok = ManualForm { kind: "speech".into(), on_date: "2022-06-01".into(), reason: "全会大会发言".into() };
        assert_eq!(ok.parse(5, &rules, today).unwrap().kind, "speech");
        let bad = ManualForm { kind: "dancing".into(), on_date: "2023-01-01".into(), reason: " ".into() };
        let fields: Vec<&str> = bad.parse(5, &rules, today).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "on_date", "reason"]);
        let a = ActionForm { kind: "reminder_talk".into(), on_date: "2023-01-10".into(), notes: "已谈话".into() };
        assert_eq!(a.parse(5, 2022, today).unwrap().kind, ConsequenceKind::ReminderTalk);
        let early = ActionForm { kind: "interview".into(), on_date: "2021-12-31".into(), notes: String::new() };
        assert_eq!(early.parse(5, 2022, today).unwrap_err()[0].key, "eval.err.date_outside_year");
    }
}
