//! The leaders' field days (下基层天数): for each member of the chair's council in office, the
//! distinct days out on visits in each ISO week overlapping a month, against the rule of
//! [`FIELD_DAYS_PER_WEEK`], with the month's summary.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppResult, FieldError};
use crate::app::forms::FormErrors;
use crate::app::i18n::Lang;
use crate::app::shell::{Authed, Shell, html, today};
use crate::org::members::{self, MemberFilter};
use crate::org::values::{MemberStatus, Position};
use crate::visits::model::{FIELD_DAYS_PER_WEEK, compliance, weeks_between};

/// The committee's setting for the rule "≥ N field days a week".
const RULE_KEY: &str = "visits.field_days_per_week";

/// The committee's rule, or the default of three days.
pub async fn rule(db: &impl sea_orm::ConnectionTrait, committee_id: i64) -> Result<u32, sea_orm::DbErr> {
    Ok(crate::app::settings::get(db, committee_id, RULE_KEY).await?.and_then(|v| v.parse().ok()).filter(|n| (1..=7).contains(n)).unwrap_or(FIELD_DAYS_PER_WEEK))
}

#[derive(Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    days: String,
}

/// Staff set the rule (1–7 days a week); the change is audited.
pub async fn set_rule(State(state): State<AppState>, a: Authed, axum::extract::Form(f): axum::extract::Form<RuleForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    let days: u32 = f.days.trim().parse().ok().filter(|n| (1..=7).contains(n)).ok_or(crate::app::error::AppError::invalid("days", "err.rule_days"))?;
    let who = crate::app::audit::Who::actor(&a.actor, &a.ctx.info.ip);
    crate::app::settings::set(&state.db, a.actor.committee_id, RULE_KEY, &days.to_string()).await?;
    crate::app::audit::record(&state.db, &who, "update", "settings", a.actor.committee_id, format!("主席会议成员每周下基层不少于 {days} 天")).await?;
    Ok(crate::app::shell::redirect_with_flash(&a.ctx.info, "/visits/field-days", "flash.saved"))
}
use crate::visits::store;

/// The first day of the month written `YYYY-MM`.
pub fn parse_month(s: &str) -> Result<NaiveDate, FieldError> {
    let bad = FieldError::new("month", "err.month");
    let (y, m) = s.trim().split_once('-').ok_or(bad.clone())?;
    let (y, m) = (y.parse::<i32>().map_err(|_| bad.clone())?, m.parse::<u32>().map_err(|_| bad.clone())?);
    NaiveDate::from_ymd_opt(y, m, 1).filter(|d| (2000..=2100).contains(&d.year())).ok_or(bad)
}

/// How a leader's week stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeekStatus {
    /// The rule is met.
    Met,
    /// The week is over, or too little of it is left, without meeting the rule.
    Missed,
    /// Under way, and the days left can still meet the rule.
    Open,
    /// Not begun yet.
    Ahead,
}

impl WeekStatus {
    pub fn mark(self) -> &'static str {
        match self {
            Self::Met => "✓",
            Self::Missed => "✗",
            Self::Open => "…",
            Self::Ahead => "—",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Missed => "missed",
            Self::Open => "open",
            Self::Ahead => "ahead",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Met => "visit.week.met",
            Self::Missed => "visit.week.missed",
            Self::Open => "visit.week.open",
            Self::Ahead => "visit.week.ahead",
        }
    }
}

/// One leader's weeks from `monday` of the first week to the Sunday of the last, on `today`:
/// (Monday, field days, status).
pub fn leader_weeks(days: &[NaiveDate], first: NaiveDate, last: NaiveDate, rule: u32, today: NaiveDate) -> Vec<(NaiveDate, u32, WeekStatus)> {
    compliance(days, first, last, rule, today)
        .into_iter()
        .map(|(monday, n, reachable)| {
            let status = if monday > today {
                WeekStatus::Ahead
            } else if n >= rule {
                WeekStatus::Met
            } else if reachable {
                WeekStatus::Open
            } else {
                WeekStatus::Missed
            };
            (monday, n, status)
        })
        .collect()
}

/// The month's first and last days, and the Mondays of the weeks overlapping it.
pub fn month_weeks(first: NaiveDate) -> (NaiveDate, Vec<NaiveDate>) {
    let last = first + Months::new(1) - Duration::days(1);
    (last, weeks_between(first, last))
}

pub struct WeekHead {
    /// "第10周" / "Week 10"
    pub name: String,
    /// "03-07–03-13"
    pub span: String,
}

pub struct Cell {
    /// The week's name and span, for the phone layout's labels.
    pub week: String,
    pub days: u32,
    pub status: WeekStatus,
    pub label: &'static str,
}

pub struct LeaderRow {
    pub id: i64,
    pub name: String,
    pub position: &'static str,
    pub cells: Vec<Cell>,
    pub met: usize,
    /// Weeks decided (met or missed); open and coming weeks are not counted yet.
    pub decided: usize,
}

#[derive(Template)]
#[template(path = "visits/field_days.html")]
struct FieldDaysPage {
    shell: Shell,
    month: String,
    prev: String,
    next: Option<String>,
    /// The month's first and last day, for the links to the visit list.
    from: NaiveDate,
    to: NaiveDate,
    weeks: Vec<WeekHead>,
    rows: Vec<LeaderRow>,
    rule: u32,
    /// Staff may change the rule.
    can_set_rule: bool,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct MonthQuery {
    #[serde(default)]
    month: String,
}

/// Members of the chair's council in office: the chair, the vice chairs, the secretary-general.
/// The leaders' field days in `from..=to` (visits and activities in the field), summed over the
/// leaders (of `only`, if given), and the leaders' days in the period: days × 7 ÷ leader-days is
/// the average field days per week.
pub async fn leader_days(db: &impl sea_orm::ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, only: Option<&[i64]>) -> Result<(u64, u64), sea_orm::DbErr> {
    let f = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    let ids: Vec<i64> = members::all(db, committee_id, &f)
        .await?
        .into_iter()
        .filter(|m| Position::from_code(&m.position).is_some_and(|p| p.is_leader()))
        .map(|m| m.id)
        .filter(|id| only.is_none_or(|o| o.contains(id)))
        .collect();
    if ids.is_empty() || to < from {
        return Ok((0, 0));
    }
    let mut out = store::days_out(db, committee_id, &ids, from, to).await?;
    for (member, days) in crate::activities::store::field_days(db, committee_id, &ids, from, to).await? {
        out.entry(member).or_default().extend(days);
    }
    let days: u64 = out.values().map(|d| d.iter().filter(|x| **x >= from && **x <= to).collect::<std::collections::BTreeSet<_>>().len() as u64).sum();
    Ok((days * 7, ids.len() as u64 * ((to - from).num_days() as u64 + 1)))
}

async fn leaders(state: &AppState, committee_id: i64) -> AppResult<Vec<(i64, String, Position)>> {
    let f = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    let mut out: Vec<(i64, String, Position)> = members::all(&state.db, committee_id, &f)
        .await?
        .into_iter()
        .filter_map(|m| Position::from_code(&m.position).filter(|p| p.is_leader()).map(|p| (m.id, m.name, p)))
        .collect();
    let rank = |p: Position| [Position::Chair, Position::ViceChair, Position::SecretaryGeneral].iter().position(|x| *x == p);
    out.sort_by_key(|(_, _, p)| rank(*p));
    Ok(out)
}

pub async fn page(State(state): State<AppState>, a: Authed, Query(q): Query<MonthQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewVisits, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let today = today();
    let this_month = today.with_day(1).expect("the first exists");
    let mut errors = Vec::new();
    let first = match q.month.trim() {
        "" => this_month,
        s => parse_month(s).unwrap_or_else(|e| {
            errors.push(e);
            this_month
        }),
    };
    let (last, mondays) = month_weeks(first);
    let rule = rule(&state.db, cid).await?;
    let sunday = *mondays.last().expect("a month has weeks") + Duration::days(6);
    let leaders = leaders(&state, cid).await?;
    let ids: Vec<i64> = leaders.iter().map(|l| l.0).collect();
    // Field days come from visits and from activities in the field the leader attended.
    let mut out = store::days_out(&state.db, cid, &ids, mondays[0], sunday).await?;
    for (member, days) in crate::activities::store::field_days(&state.db, cid, &ids, mondays[0], sunday).await? {
        out.entry(member).or_default().extend(days);
    }
    let shell = a.ctx.shell;
    let heads: Vec<WeekHead> = mondays
        .iter()
        .map(|m| WeekHead {
            name: match shell.lang {
                Lang::Zh => format!("第{}周", m.iso_week().week()),
                Lang::En => format!("Week {}", m.iso_week().week()),
            },
            span: format!("{}–{}", m.format("%m-%d"), (*m + Duration::days(6)).format("%m-%d")),
        })
        .collect();
    let rows = leaders
        .into_iter()
        .map(|(id, name, position)| {
            let weeks = leader_weeks(&out.remove(&id).unwrap_or_default(), mondays[0], sunday, rule, today);
            let met = weeks.iter().filter(|w| w.2 == WeekStatus::Met).count();
            let decided = weeks.iter().filter(|w| matches!(w.2, WeekStatus::Met | WeekStatus::Missed)).count();
            let cells = weeks
                .iter()
                .zip(&heads)
                .map(|((_, days, status), h)| Cell { week: format!("{} {}", h.name, h.span), days: *days, status: *status, label: shell.t(status.label_key()) })
                .collect();
            LeaderRow { id, name, position: position.label(), cells, met, decided }
        })
        .collect();
    let page = FieldDaysPage {
        errors: FormErrors::new(shell.lang, &errors),
        month: first.format("%Y-%m").to_string(),
        prev: (first - Months::new(1)).format("%Y-%m").to_string(),
        next: (first < this_month).then(|| (first + Months::new(1)).format("%Y-%m").to_string()),
        from: first,
        to: last,
        weeks: heads,
        rows,
        rule,
        can_set_rule: crate::app::authz::may(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor)),
        shell,
    };
    html(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, dd).unwrap()
    }

    #[test]
    fn months_are_written_year_dash_month() {
        assert_eq!(parse_month("2022-03"), Ok(d(3, 1)));
        assert_eq!(parse_month(" 2022-3 "), Ok(d(3, 1)));
        for bad in ["2022", "2022-13", "22-03-01", "abcd-ef", "1999-12"] {
            assert_eq!(parse_month(bad).unwrap_err().field, "month", "{bad}");
        }
    }

    #[test]
    fn a_month_takes_every_week_that_overlaps_it() {
        // March 2022 runs Tuesday 1 to Thursday 31: five weeks, from Monday 28 February.
        let (last, weeks) = month_weeks(d(3, 1));
        assert_eq!(last, d(3, 31));
        assert_eq!(weeks, vec![d(2, 28), d(3, 7), d(3, 14), d(3, 21), d(3, 28)]);
        // May 2022 begins on a Sunday: its first week is the one of 25 April.
        assert_eq!(month_weeks(d(5, 1)).1[0], d(4, 25));
        assert_eq!(month_weeks(d(12, 1)).0, d(12, 31));
    }

    #[test]
    fn weeks_are_met_missed_open_or_ahead() {
        // Sunday 6 March and Monday 7 March are in different weeks.
        let days = [d(3, 1), d(3, 3), d(3, 6), d(3, 7), d(3, 7), d(3, 15)];
        let w = leader_weeks(&days, d(2, 28), d(3, 20), 3, d(3, 16));
        let got: Vec<(u32, WeekStatus)> = w.iter().map(|x| (x.1, x.2)).collect();
        assert_eq!(got, vec![(3, WeekStatus::Met), (1, WeekStatus::Missed), (1, WeekStatus::Open)]);
        let later = leader_weeks(&days, d(3, 21), d(3, 27), 3, d(3, 16));
        assert_eq!(later[0].2, WeekStatus::Ahead);
        assert_eq!(WeekStatus::Missed.mark(), "✗");
    }
}
