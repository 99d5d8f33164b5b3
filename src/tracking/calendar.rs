//! The working-day calendar: Monday to Friday, minus public holidays, plus the make-up working
//! days (调休) of the State Council's yearly holiday notice. Deadlines such as "15 working days"
//! are counted on it. Pure: the days come from the database, the arithmetic lives here.
use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// A committee's calendar exceptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Weekdays that are days off.
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (调休).
    pub workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The date `n` working days after `start` (the start day itself does not count): the
    /// deadline of something handed over on `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("dates stay far from the end of the calendar");
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| self.is_working_day(*d)).count() as u32
    }

    /// The State Council's 2022 holiday notice, which the demo ships.
    pub fn china_2022() -> Self {
        let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).expect("valid date");
        let span = |m, from, to| (from..=to).map(move |day| d(m, day));
        let holidays = [
            span(1, 3, 3).collect::<Vec<_>>(),      // 元旦 (1–2 Jan fall on a weekend)
            span(1, 31, 31).collect(),              // 春节
            span(2, 1, 4).collect(),
            span(4, 4, 5).collect(),                // 清明
            span(5, 2, 4).collect(),                // 劳动节
            span(6, 3, 3).collect(),                // 端午
            span(9, 12, 12).collect(),              // 中秋
            span(10, 3, 7).collect(),               // 国庆
        ]
        .concat();
        let workdays = [d(1, 29), d(1, 30), d(4, 2), d(4, 24), d(5, 7), d(10, 8), d(10, 9)];
        WorkCalendar { holidays: holidays.into_iter().collect(), workdays: workdays.into_iter().collect() }
    }
}

/// Where an item stands against its deadline on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineStatus {
    OnTime,
    /// Three working days or fewer left.
    DueSoon,
    Overdue,
}

impl DeadlineStatus {
    pub fn of(cal: &WorkCalendar, deadline: NaiveDate, today: NaiveDate) -> Self {
        if today > deadline {
            DeadlineStatus::Overdue
        } else if cal.working_days_between(today, deadline) <= 3 {
            DeadlineStatus::DueSoon
        } else {
            DeadlineStatus::OnTime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, day).unwrap()
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let cal = WorkCalendar::china_2022();
        assert!(cal.is_working_day(d(4, 19)), "a Tuesday");
        assert!(!cal.is_working_day(d(4, 23)), "a Saturday");
        assert!(cal.is_working_day(d(4, 24)), "Sunday 24 April 2022 was a make-up working day");
        assert!(!cal.is_working_day(d(2, 1)), "Spring Festival");
        assert!(!cal.is_working_day(d(10, 5)), "National Day week");
        assert!(cal.is_working_day(d(10, 8)), "Saturday 8 October 2022 was worked");
    }

    #[test]
    fn deadlines_count_working_days_only() {
        let cal = WorkCalendar::china_2022();
        // Handed over on Tuesday 19 April: 15 working days, counting the worked Sunday 24 April
        // and Saturday 7 May and skipping 30 April – 4 May, end on Wednesday 11 May.
        assert_eq!(cal.add_working_days(d(4, 19), 15), d(5, 11));
        assert_eq!(cal.add_working_days(d(4, 19), 0), d(4, 19));
        // From Friday 28 January: Sat 29 and Sun 30 are worked, then the holiday until 6 Feb.
        assert_eq!(cal.add_working_days(d(1, 28), 3), d(2, 7));
        let plain = WorkCalendar::default();
        assert_eq!(plain.add_working_days(d(4, 22), 1), d(4, 25), "Friday + 1 = Monday");
        assert_eq!(plain.working_days_between(d(4, 22), d(4, 25)), 1);
        assert_eq!(plain.working_days_between(d(4, 25), d(4, 22)), 0);
    }

    #[test]
    fn deadline_status() {
        let cal = WorkCalendar::default();
        let deadline = d(5, 10);
        assert_eq!(DeadlineStatus::of(&cal, deadline, d(4, 25)), DeadlineStatus::OnTime);
        assert_eq!(DeadlineStatus::of(&cal, deadline, d(5, 6)), DeadlineStatus::DueSoon);
        assert_eq!(DeadlineStatus::of(&cal, deadline, d(5, 10)), DeadlineStatus::DueSoon);
        assert_eq!(DeadlineStatus::of(&cal, deadline, d(5, 11)), DeadlineStatus::Overdue);
    }
}
