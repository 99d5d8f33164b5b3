//! Reception days (接待日): the weekdays and days of the month on which a studio receives citizens,
//! with the compact code they are stored as, the form they are entered in, and their wording.
use chrono::{Datelike, NaiveDate, Weekday};

/// Monday first, so that index `n - 1` is weekday number `n` as the forms and codes number them.
const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// Chinese weekday names in the order of `WEEKDAYS`.
const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// English weekday abbreviations in the order of `WEEKDAYS`.
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The days a studio receives citizens: some weekdays and/or some days of the month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceptionDays {
    /// Bit `i` set: weekday `WEEKDAYS[i]` is a reception day.
    weekdays: u8,
    /// Bit `d` set (1..=31): day `d` of every month is a reception day; bit 0 is never set.
    month_days: u32,
}

impl ReceptionDays {
    /// Reception days on the given weekdays and days of the month; month days outside 1..=31 are
    /// ignored because no calendar date could ever match them.
    pub fn new(weekdays: &[Weekday], month_days: &[u32]) -> Self {
        let mut days = Self::default();
        for &w in weekdays {
            days.weekdays |= weekday_bit(w);
        }
        for &d in month_days {
            if is_month_day(d) {
                days.month_days |= month_bit(d);
            }
        }
        days
    }

    /// Parses the storage code written by `code`: e.g. "W3,W5;M10,M20" (W1=Monday … W7=Sunday),
    /// "" = none; tokens are accepted in any order. None on any malformed part, so that a damaged
    /// value is noticed rather than silently read as fewer days.
    pub fn parse(code: &str) -> Option<Self> {
        let mut days = Self::default();
        if code.is_empty() {
            return Some(days);
        }
        for token in code.split([';', ',']) {
            days.add_code_token(token)?;
        }
        Some(days)
    }

    /// Adds one "W<n>" or "M<n>" token of a storage code; None when it is neither.
    fn add_code_token(&mut self, token: &str) -> Option<()> {
        let (kind, number) = token.split_at_checked(1)?;
        let n = parse_digits(number)?;
        match kind {
            "W" => self.weekdays |= weekday_bit(weekday_from_number(n)?),
            "M" if is_month_day(n) => self.month_days |= month_bit(n),
            _ => return None,
        }
        Some(())
    }

    /// The storage code read by `parse`: weekday tokens, then ";", then month-day tokens, each
    /// group left out when empty (so "W3", "M10,M20" and "" are all valid codes).
    pub fn code(&self) -> String {
        let weekdays = self.weekdays().into_iter().map(|w| format!("W{}", w.number_from_monday()));
        let month_days = self.month_days().into_iter().map(|d| format!("M{d}"));
        let groups = [weekdays.collect::<Vec<_>>(), month_days.collect()];
        let groups: Vec<String> = groups.iter().filter(|g| !g.is_empty()).map(|g| g.join(",")).collect();
        groups.join(";")
    }

    /// From a form: the checked weekday numbers (1..=7 as strings, as sent by checkboxes) and a
    /// free text of month days such as "10、20", "10,20", "10，20", "10 20日" (separators: ASCII or
    /// full-width comma, 、, spaces; an optional 日/号 suffix; full-width digits are accepted too
    /// because Chinese input methods produce them). Err(key) with "err.month_days" for anything
    /// else or days outside 1..=31, "err.weekday" for a bad weekday.
    pub fn from_form(weekdays: &[String], month_days: &str) -> Result<Self, &'static str> {
        let mut days = Self::default();
        for w in weekdays {
            let weekday = parse_digits(w.trim()).and_then(weekday_from_number).ok_or("err.weekday")?;
            days.weekdays |= weekday_bit(weekday);
        }
        let separators = |c: char| matches!(c, ',' | '，' | '、') || c.is_whitespace();
        for token in month_days.split(separators).filter(|t| !t.is_empty()) {
            let d = parse_month_day_text(token).ok_or("err.month_days")?;
            days.month_days |= month_bit(d);
        }
        Ok(days)
    }

    /// The reception weekdays, Monday first.
    pub fn weekdays(&self) -> Vec<Weekday> {
        WEEKDAYS.into_iter().filter(|&w| self.weekdays & weekday_bit(w) != 0).collect()
    }

    /// The reception days of the month, in ascending order.
    pub fn month_days(&self) -> Vec<u32> {
        (1..=31).filter(|&d| self.month_days & month_bit(d) != 0).collect()
    }

    /// The month days as the form shows them back, e.g. "10、20".
    pub fn month_days_text(&self) -> String {
        join_numbers(&self.month_days(), "", "、")
    }

    /// Whether no reception day is set at all.
    pub fn is_empty(&self) -> bool {
        self.weekdays == 0 && self.month_days == 0
    }

    /// Whether `day` is a reception day, by its weekday or by its day of the month.
    pub fn includes(&self, day: NaiveDate) -> bool {
        let by_weekday = self.weekdays & weekday_bit(day.weekday()) != 0;
        let by_month_day = self.month_days & month_bit(day.day()) != 0;
        by_weekday || by_month_day
    }

    /// Reception days from `from` to `to` inclusive, in order. A month day that a month lacks (31
    /// in April) is skipped that month, not moved: walking real dates gives exactly that, and
    /// also counts a day matching both a weekday and a month day only once.
    pub fn dates_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        if self.is_empty() {
            return Vec::new();
        }
        from.iter_days().take_while(|d| *d <= to).filter(|d| self.includes(*d)).collect()
    }

    /// "每周三、周五；每月10日、20日", "每周一", "每月1日", "未设定" when empty.
    pub fn describe_zh(&self) -> String {
        let weekdays: Vec<&str> = self.weekdays().iter().map(|&w| WEEKDAYS_ZH[weekday_index(w)]).collect();
        let mut parts = Vec::new();
        if !weekdays.is_empty() {
            parts.push(format!("每{}", weekdays.join("、")));
        }
        if self.month_days != 0 {
            parts.push(format!("每月{}", join_numbers(&self.month_days(), "日", "、")));
        }
        if parts.is_empty() { "未设定".to_string() } else { parts.join("；") }
    }

    /// "Wed, Fri; days 10, 20 of each month", "not set".
    pub fn describe_en(&self) -> String {
        let weekdays: Vec<&str> = self.weekdays().iter().map(|&w| WEEKDAYS_EN[weekday_index(w)]).collect();
        let mut parts = Vec::new();
        if !weekdays.is_empty() {
            parts.push(weekdays.join(", "));
        }
        let month_days = self.month_days();
        if !month_days.is_empty() {
            let noun = if month_days.len() == 1 { "day" } else { "days" };
            parts.push(format!("{noun} {} of each month", join_numbers(&month_days, "", ", ")));
        }
        if parts.is_empty() { "not set".to_string() } else { parts.join("; ") }
    }
}

/// Weekday number `n` as forms and codes write it: 1 = Monday ..= 7 = Sunday.
fn weekday_from_number(n: u32) -> Option<Weekday> {
    let index = usize::try_from(n.checked_sub(1)?).ok()?;
    WEEKDAYS.get(index).copied()
}

/// The position of `w` in `WEEKDAYS` and the name tables.
fn weekday_index(w: Weekday) -> usize {
    w.num_days_from_monday() as usize
}

/// The bit of `w` in `ReceptionDays::weekdays`.
fn weekday_bit(w: Weekday) -> u8 {
    1 << w.num_days_from_monday()
}

/// The bit of month day `d` (1..=31) in `ReceptionDays::month_days`.
fn month_bit(d: u32) -> u32 {
    1 << d
}

/// Whether `d` can be a day of some month.
fn is_month_day(d: u32) -> bool {
    (1..=31).contains(&d)
}

/// A number written only in ASCII digits; `str::parse` alone would also take "+5".
fn parse_digits<N: std::str::FromStr>(s: &str) -> Option<N> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// One month day as typed in the form: digits (ASCII or full-width) with an optional 日/号.
fn parse_month_day_text(token: &str) -> Option<u32> {
    let number = token.strip_suffix(['日', '号']).unwrap_or(token);
    let ascii: String = number.chars().map(full_width_digit_to_ascii).collect();
    parse_digits(&ascii).filter(|d| is_month_day(*d))
}

/// '０'..='９' as '0'..='9'; any other character unchanged.
fn full_width_digit_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}

/// The numbers each followed by `suffix`, joined by `separator`.
fn join_numbers(numbers: &[u32], suffix: &str, separator: &str) -> String {
    let texts: Vec<String> = numbers.iter().map(|n| format!("{n}{suffix}")).collect();
    texts.join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn new_ignores_impossible_month_days() {
        let days = ReceptionDays::new(&[Weekday::Fri, Weekday::Wed], &[0, 20, 10, 32, 10]);
        assert_eq!(days.weekdays(), vec![Weekday::Wed, Weekday::Fri]);
        assert_eq!(days.month_days(), vec![10, 20]);
    }

    #[test]
    fn code_round_trips() {
        let cases = [
            ReceptionDays::new(&[Weekday::Wed, Weekday::Fri], &[10, 20]),
            ReceptionDays::new(&[Weekday::Mon, Weekday::Sun], &[]),
            ReceptionDays::new(&[], &[1, 31]),
            ReceptionDays::default(),
        ];
        for days in cases {
            assert_eq!(ReceptionDays::parse(&days.code()), Some(days.clone()), "{}", days.code());
        }
        let days = ReceptionDays::new(&[Weekday::Wed, Weekday::Fri], &[10, 20]);
        assert_eq!(days.code(), "W3,W5;M10,M20");
        assert_eq!(ReceptionDays::new(&[Weekday::Sun], &[]).code(), "W7");
        assert_eq!(ReceptionDays::new(&[], &[1]).code(), "M1");
        assert_eq!(ReceptionDays::default().code(), "");
        assert_eq!(ReceptionDays::parse("W3,W5;M10,M20"), Some(days));
    }

    #[test]
    fn parse_rejects_malformed_codes() {
        for code in [
            "W0",
            "W8",
            "M0",
            "M32",
            "W",
            "M",
            "X3",
            "w3",
            "W3;",
            ";M10",
            "W3,,W5",
            "W+3",
            "M-1",
            "W 3",
            "W3 ",
            "M1O",
            "W3;M10;",
            "周三",
            "W99999999999",
        ] {
            assert_eq!(ReceptionDays::parse(code), None, "{code:?}");
        }
    }

    #[test]
    fn from_form_accepts_every_separator() {
        let expected = vec![10, 20, 25];
        for text in [
            "10、20、25",
            "10,20,25",
            "10，20，25",
            "10 20 25日",
            "10　20　25",
            "10日、20号、25日",
            " 10, 20 ,25 ",
            "１０、２０、２５",
            "25、10、20、10",
        ] {
            let days = ReceptionDays::from_form(&[], text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(days.month_days(), expected, "{text:?}");
        }
        let days = ReceptionDays::from_form(&strings(&["3", " 5 "]), "").unwrap();
        assert_eq!(days.weekdays(), vec![Weekday::Wed, Weekday::Fri]);
        assert!(days.month_days().is_empty());
        assert!(ReceptionDays::from_form(&[], "  ").unwrap().is_empty());
    }

    #[test]
    fn from_form_reports_error_keys() {
        for text in ["0", "32", "10;20", "10.20", "十", "10日日", "日", "第10日", "10-20", "+5", "10 x"] {
            assert_eq!(ReceptionDays::from_form(&[], text), Err("err.month_days"), "{text:?}");
        }
        for w in ["0", "8", "", "Wed", "三", "+1"] {
            assert_eq!(ReceptionDays::from_form(&strings(&[w]), "10"), Err("err.weekday"), "{w:?}");
        }
    }

    #[test]
    fn month_days_text_is_what_the_form_shows() {
        let days = ReceptionDays::new(&[], &[20, 10]);
        assert_eq!(days.month_days_text(), "10、20");
        assert_eq!(ReceptionDays::from_form(&[], &days.month_days_text()), Ok(days));
        assert_eq!(ReceptionDays::default().month_days_text(), "");
    }

    #[test]
    fn includes_by_weekday_or_month_day() {
        let days = ReceptionDays::new(&[Weekday::Wed], &[10]);
        assert!(days.includes(date(2022, 1, 5))); // Wednesday
        assert!(days.includes(date(2022, 1, 10))); // Monday, the 10th
        assert!(!days.includes(date(2022, 1, 11)));
        assert!(!ReceptionDays::default().includes(date(2022, 1, 5)));
    }

    #[test]
    fn dates_between_crosses_a_month_boundary() {
        let days = ReceptionDays::new(&[Weekday::Wed], &[1]);
        let got = days.dates_between(date(2022, 1, 24), date(2022, 2, 10));
        let want = vec![date(2022, 1, 26), date(2022, 2, 1), date(2022, 2, 2), date(2022, 2, 9)];
        assert_eq!(got, want);
    }

    #[test]
    fn dates_between_skips_days_a_month_lacks() {
        let days = ReceptionDays::new(&[], &[30, 31]);
        let got = days.dates_between(date(2022, 1, 1), date(2022, 4, 30));
        let want = vec![date(2022, 1, 30), date(2022, 1, 31), date(2022, 3, 30), date(2022, 3, 31), date(2022, 4, 30)];
        assert_eq!(got, want);
    }

    #[test]
    fn dates_between_lists_an_overlap_once() {
        // 2022-01-05 is both a Wednesday and the 5th.
        let days = ReceptionDays::new(&[Weekday::Wed], &[5]);
        let got = days.dates_between(date(2022, 1, 1), date(2022, 1, 14));
        assert_eq!(got, vec![date(2022, 1, 5), date(2022, 1, 12)]);
    }

    #[test]
    fn dates_between_is_inclusive_and_empty_when_reversed() {
        let days = ReceptionDays::new(&[Weekday::Wed], &[]);
        assert_eq!(days.dates_between(date(2022, 1, 5), date(2022, 1, 5)), vec![date(2022, 1, 5)]);
        assert!(days.dates_between(date(2022, 1, 12), date(2022, 1, 5)).is_empty());
        assert!(ReceptionDays::default().dates_between(date(2022, 1, 1), date(2022, 12, 31)).is_empty());
    }

    #[test]
    fn describes_in_chinese() {
        let both = ReceptionDays::new(&[Weekday::Wed, Weekday::Fri], &[10, 20]);
        assert_eq!(both.describe_zh(), "每周三、周五；每月10日、20日");
        assert_eq!(ReceptionDays::new(&[Weekday::Mon], &[]).describe_zh(), "每周一");
        assert_eq!(ReceptionDays::new(&[Weekday::Sun], &[]).describe_zh(), "每周日");
        assert_eq!(ReceptionDays::new(&[], &[1]).describe_zh(), "每月1日");
        assert_eq!(ReceptionDays::default().describe_zh(), "未设定");
    }

    #[test]
    fn describes_in_english() {
        let both = ReceptionDays::new(&[Weekday::Wed, Weekday::Fri], &[10, 20]);
        assert_eq!(both.describe_en(), "Wed, Fri; days 10, 20 of each month");
        assert_eq!(ReceptionDays::new(&[Weekday::Mon], &[]).describe_en(), "Mon");
        assert_eq!(ReceptionDays::new(&[], &[1]).describe_en(), "day 1 of each month");
        assert_eq!(ReceptionDays::default().describe_en(), "not set");
    }
}
