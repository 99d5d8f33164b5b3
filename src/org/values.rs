//! Typed values of a member (委员), parsed once at the edge from forms and roster files.
//!
//! Everything here is pure: a bad value becomes a [`FieldError`] naming the field and the i18n
//! key of the reason, so the same parsers serve a web form and a row of a spreadsheet.
use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use pinyin::ToPinyin;

use crate::app::error::FieldError;

/// Cleans text typed by people or pasted from office documents: full-width ASCII (U+FF01..U+FF5E)
/// becomes half-width, the ideographic space and NBSP become spaces, zero-width spaces and byte
/// order marks are dropped, the ends are trimmed and inner whitespace runs collapse to one space.
pub fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars().filter_map(half_width) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// One character of [`normalize_text`]; `None` drops it.
fn half_width(c: char) -> Option<char> {
    match c {
        // Chinese input methods produce full-width digits, letters and punctuation.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        '\u{3000}' | '\u{00A0}' => Some(' '),
        // Invisible, but they break equality and length checks when copied from the web.
        '\u{200B}' | '\u{FEFF}' => None,
        _ => Some(c),
    }
}

/// A mainland China mobile number, 11 digits starting with 13–19.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses a mobile number written with spaces or dashes, a +86/0086/86 prefix, full-width
    /// digits, or as a spreadsheet number such as "13812345678.0" or "1.3812345678E10".
    pub fn parse(field: &'static str, s: &str) -> Result<Phone, FieldError> {
        let compact: String = normalize_text(s).chars().filter(|&c| c != ' ' && c != '-').collect();
        let digits = from_float_text(&compact).unwrap_or(compact);
        let digits = strip_country_code(&digits);
        if is_mobile(digits) { Ok(Phone(digits.to_owned())) } else { Err(FieldError::new(field, "err.phone")) }
    }

    /// The eleven digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with its middle four digits hidden, for lists shown to other users.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Spreadsheets store phone numbers as floats; text like "13812345678.0" or "1.38E10" is such a
/// float printed. Returns the integer digits, or `None` when the text is not a whole float.
fn from_float_text(s: &str) -> Option<String> {
    if !s.contains(['.', 'e', 'E']) {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1e15).then(|| format!("{v:.0}"))
}

fn strip_country_code(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix("+86").or_else(|| s.strip_prefix("0086")) {
        return rest;
    }
    // A bare "86" is only a prefix when it makes the number too long by exactly two digits;
    // otherwise it could be the start of some other (invalid) number.
    match s.strip_prefix("86") {
        Some(rest) if s.len() == 13 => rest,
        _ => s,
    }
}

fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A year and month, as used for a member's birth month (出生年月).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: u16,
    pub month: u8,
}

/// The years a birth month may fall in; anything else is a typing or conversion mistake.
const YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

impl YearMonth {
    /// A year month within 1900..=2100, month 1..=12.
    pub fn new(year: u16, month: u8) -> Option<YearMonth> {
        (YEARS.contains(&year) && (1..=12).contains(&month)).then_some(YearMonth { year, month })
    }

    /// Parses "1975.03", "1975.3", "1975-03", "1975/3", "1975年3月", "197503", "19750315",
    /// "1975-03-15" (the day is checked loosely and dropped), with full-width digits accepted.
    pub fn parse(field: &'static str, s: &str) -> Result<YearMonth, FieldError> {
        parse_year_month(&normalize_text(s)).ok_or(FieldError::new(field, "err.year_month"))
    }

    /// The month of an Excel serial date (1900 date system: serial 1 is 1900-01-01, and serial
    /// 60 is the 1900-02-29 that Excel wrongly believes existed). `None` outside 1900..=2100.
    pub fn from_excel_serial(serial: f64) -> Option<YearMonth> {
        if !serial.is_finite() || !(1.0..3_000_000.0).contains(&serial) {
            return None;
        }
        let days = serial.floor() as u64;
        if days == 60 {
            return YearMonth::new(1900, 2);
        }
        // Before the fake leap day the epoch is one day later than after it.
        let epoch = if days < 60 { (1899, 12, 31) } else { (1899, 12, 30) };
        let date = NaiveDate::from_ymd_opt(epoch.0, epoch.1, epoch.2)?.checked_add_days(Days::new(days))?;
        YearMonth::new(u16::try_from(date.year()).ok()?, date.month() as u8)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The digit groups of a normalized date text, or `None` if it holds a character that is neither
/// a digit nor a date separator.
fn digit_groups(s: &str) -> Option<Vec<&str>> {
    let separator = |c: char| matches!(c, '.' | '-' | '/' | ' ' | '年' | '月' | '日' | '号');
    if !s.chars().all(|c| c.is_ascii_digit() || separator(c)) {
        return None;
    }
    Some(s.split(separator).filter(|g| !g.is_empty()).collect())
}

fn parse_year_month(s: &str) -> Option<YearMonth> {
    let groups = digit_groups(s)?;
    let (year, month, day) = match groups.as_slice() {
        [ym] if ym.len() == 6 => (&ym[..4], &ym[4..], None),
        [ymd] if ymd.len() == 8 => (&ymd[..4], &ymd[4..6], Some(&ymd[6..])),
        [y, m] => (*y, *m, None),
        [y, m, d] => (*y, *m, Some(*d)),
        _ => return None,
    };
    if year.len() != 4 || month.len() > 2 || day.is_some_and(|d| d.len() > 2) {
        return None;
    }
    let day_ok = day.is_none_or(|d| d.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d)));
    day_ok.then_some(())?;
    YearMonth::new(year.parse().ok()?, month.parse().ok()?)
}

/// A member's gender (性别).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    /// Parses "男"/"女", "male"/"female" or "M"/"F", ignoring case.
    pub fn parse(field: &'static str, s: &str) -> Result<Gender, FieldError> {
        match normalize_text(s).to_lowercase().as_str() {
            "男" | "male" | "m" => Ok(Gender::Male),
            "女" | "female" | "f" => Ok(Gender::Female),
            _ => Err(FieldError::new(field, "err.gender")),
        }
    }

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// The Chinese label shown to users and written to files.
    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }

    /// The inverse of [`Gender::as_str`].
    pub fn from_code(code: &str) -> Option<Gender> {
        Self::ALL.into_iter().find(|g| g.as_str() == code)
    }
}

/// A member's position (职务) in the committee. Chair, vice-chairs and the secretary-general form
/// the chair's council (主席会议成员).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Position {
    Member,
    StandingMember,
    Chair,
    ViceChair,
    SecretaryGeneral,
}

impl Position {
    pub const ALL: [Position; 5] =
        [Position::Member, Position::StandingMember, Position::Chair, Position::ViceChair, Position::SecretaryGeneral];

    /// Parses the Chinese label (or a stored code); an empty text means an ordinary member.
    pub fn parse(field: &'static str, s: &str) -> Result<Position, FieldError> {
        let s = normalize_text(s);
        match s.as_str() {
            "" | "委员" => Ok(Position::Member),
            "常委" | "常务委员" => Ok(Position::StandingMember),
            _ => Self::ALL
                .into_iter()
                .find(|p| p.label() == s || p.as_str() == s)
                .ok_or(FieldError::new(field, "err.position")),
        }
    }

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Member => "member",
            Position::StandingMember => "standing_member",
            Position::Chair => "chair",
            Position::ViceChair => "vice_chair",
            Position::SecretaryGeneral => "secretary_general",
        }
    }

    /// The Chinese label shown to users and written to files.
    pub fn label(self) -> &'static str {
        match self {
            Position::Member => "委员",
            Position::StandingMember => "常委",
            Position::Chair => "主席",
            Position::ViceChair => "副主席",
            Position::SecretaryGeneral => "秘书长",
        }
    }

    /// Whether the position belongs to the chair's council (主席会议成员).
    pub fn is_leader(self) -> bool {
        matches!(self, Position::Chair | Position::ViceChair | Position::SecretaryGeneral)
    }

    /// The inverse of [`Position::as_str`].
    pub fn from_code(code: &str) -> Option<Position> {
        Self::ALL.into_iter().find(|p| p.as_str() == code)
    }
}

/// Whether a member is still in office (状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberStatus {
    InOffice,
    Resigned,
    Removed,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 3] = [MemberStatus::InOffice, MemberStatus::Resigned, MemberStatus::Removed];

    /// Parses 在职/在任, 辞职, 罢免/免职/撤销 (or a stored code); an empty text means in office.
    pub fn parse(field: &'static str, s: &str) -> Result<MemberStatus, FieldError> {
        let s = normalize_text(s);
        match s.as_str() {
            "" | "在职" | "在任" => Ok(MemberStatus::InOffice),
            "辞职" => Ok(MemberStatus::Resigned),
            // The wording differs between committees; all three end the membership for cause.
            "罢免" | "免职" | "撤销" => Ok(MemberStatus::Removed),
            _ => Self::from_code(&s).ok_or(FieldError::new(field, "err.member_status")),
        }
    }

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::InOffice => "in_office",
            MemberStatus::Resigned => "resigned",
            MemberStatus::Removed => "removed",
        }
    }

    /// The Chinese label shown to users and written to files.
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::InOffice => "在职",
            MemberStatus::Resigned => "辞职",
            MemberStatus::Removed => "罢免",
        }
    }

    /// The inverse of [`MemberStatus::as_str`].
    pub fn from_code(code: &str) -> Option<MemberStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }
}

/// The lower-case pinyin initials of a name, for search and sorting: "张三" → "zs",
/// "欧阳Li" → "oyli". ASCII letters are kept, everything else without pinyin is dropped.
pub fn pinyin_initials(name: &str) -> String {
    normalize_text(name)
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphabetic() {
                Some(c.to_ascii_lowercase())
            } else {
                c.to_pinyin().and_then(|p| p.first_letter().chars().next())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_text_cleans_office_text() {
        for (input, want) in [
            ("  张三  ", "张三"),
            ("张\u{3000}三", "张 三"),
            ("a\u{00A0}\u{00A0} b\t\nc", "a b c"),
            ("１３８－ＡＢＣ（必填）", "138-ABC(必填)"),
            ("\u{FEFF}姓名\u{200B}", "姓名"),
            ("\u{3000}\u{3000}", ""),
            ("", ""),
        ] {
            assert_eq!(normalize_text(input), want, "{input:?}");
        }
    }

    #[test]
    fn phone_accepts_the_ways_people_and_spreadsheets_write_it() {
        for input in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "008613812345678",
            "8613812345678",
            "１３８１２３４５６７８",
            "13812345678.0",
            "1.3812345678E10",
            "1.3812345678e+10",
        ] {
            let phone = Phone::parse("mobile", input).unwrap_or_else(|_| panic!("{input:?}"));
            assert_eq!(phone.as_str(), "13812345678", "{input:?}");
        }
    }

    #[test]
    fn phone_refuses_what_is_not_a_mobile_number() {
        for input in [
            "",
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "0731-8888888",
            "1381234567a",
            "13812345678.5",
            "1.38E5",
            "861381234567",
            "+86 1381234567",
        ] {
            assert_eq!(Phone::parse("mobile", input), Err(FieldError::new("mobile", "err.phone")), "{input:?}");
        }
    }

    #[test]
    fn phone_masks_the_middle() {
        let phone = Phone::parse("mobile", "13812341234").unwrap();
        assert_eq!(phone.masked(), "138****1234");
        assert_eq!(phone.to_string(), "13812341234");
    }

    #[test]
    fn year_month_parses_the_usual_spellings() {
        for input in [
            "1975.03",
            "1975.3",
            "1975-03",
            "1975/3",
            "1975年3月",
            "1975年03月",
            "1975 年 3 月",
            "197503",
            "1975-03-15",
            "1975年3月15日",
            "19750315",
            "１９７５．０３",
            " 1975.03 ",
        ] {
            let ym = YearMonth::parse("birth", input).unwrap_or_else(|_| panic!("{input:?}"));
            assert_eq!(ym, YearMonth { year: 1975, month: 3 }, "{input:?}");
            assert_eq!(ym.to_string(), "1975-03");
        }
        assert_eq!(YearMonth::parse("birth", "1975.10").unwrap().month, 10);
        assert_eq!(YearMonth::parse("birth", "1975.1").unwrap().month, 1);
    }

    #[test]
    fn year_month_refuses_nonsense() {
        for input in [
            "",
            "1975",
            "75.03",
            "1975.13",
            "1975.0",
            "1899.12",
            "2101.01",
            "1975-03-32",
            "1975.003",
            "abc",
            "1975.03a",
            "1975-3-1-1",
            "19753",
        ] {
            assert_eq!(YearMonth::parse("birth", input), Err(FieldError::new("birth", "err.year_month")), "{input:?}");
        }
    }

    #[test]
    fn excel_serials_follow_the_1900_date_system() {
        let ym = |y, m| Some(YearMonth { year: y, month: m });
        assert_eq!(YearMonth::from_excel_serial(1.0), ym(1900, 1));
        assert_eq!(YearMonth::from_excel_serial(31.0), ym(1900, 1));
        assert_eq!(YearMonth::from_excel_serial(32.0), ym(1900, 2));
        assert_eq!(YearMonth::from_excel_serial(59.0), ym(1900, 2));
        assert_eq!(YearMonth::from_excel_serial(60.0), ym(1900, 2)); // the fake 1900-02-29
        assert_eq!(YearMonth::from_excel_serial(61.0), ym(1900, 3));
        assert_eq!(YearMonth::from_excel_serial(27454.0), ym(1975, 3)); // 1975-03-01
        assert_eq!(YearMonth::from_excel_serial(27453.0), ym(1975, 2));
        assert_eq!(YearMonth::from_excel_serial(45658.75), ym(2025, 1)); // 2025-01-01 18:00
        assert_eq!(YearMonth::from_excel_serial(0.0), None);
        assert_eq!(YearMonth::from_excel_serial(-5.0), None);
        assert_eq!(YearMonth::from_excel_serial(f64::NAN), None);
        assert_eq!(YearMonth::from_excel_serial(2_958_465.0), None); // 9999-12-31
    }

    #[test]
    fn gender_position_and_status_round_trip_their_codes() {
        for g in Gender::ALL {
            assert_eq!(Gender::from_code(g.as_str()), Some(g));
            assert_eq!(Gender::parse("gender", g.label()), Ok(g));
        }
        for p in Position::ALL {
            assert_eq!(Position::from_code(p.as_str()), Some(p));
            assert_eq!(Position::parse("position", p.label()), Ok(p));
        }
        for s in MemberStatus::ALL {
            assert_eq!(MemberStatus::from_code(s.as_str()), Some(s));
            assert_eq!(MemberStatus::parse("status", s.label()), Ok(s));
        }
        assert_eq!(Gender::from_code("男"), None);
    }

    #[test]
    fn gender_parses_chinese_and_english() {
        for (input, want) in
            [("男", Gender::Male), ("Male", Gender::Male), ("m", Gender::Male), (" F ", Gender::Female)]
        {
            assert_eq!(Gender::parse("gender", input), Ok(want), "{input:?}");
        }
        for input in ["", "男性", "x", "未知"] {
            assert_eq!(Gender::parse("gender", input), Err(FieldError::new("gender", "err.gender")));
        }
    }

    #[test]
    fn position_defaults_to_member_and_knows_the_leaders() {
        assert_eq!(Position::parse("position", ""), Ok(Position::Member));
        assert_eq!(Position::parse("position", " 常委 "), Ok(Position::StandingMember));
        assert_eq!(Position::parse("position", "主任"), Err(FieldError::new("position", "err.position")));
        let leaders: Vec<_> = Position::ALL.into_iter().filter(|p| p.is_leader()).collect();
        assert_eq!(leaders, [Position::Chair, Position::ViceChair, Position::SecretaryGeneral]);
    }

    #[test]
    fn status_accepts_the_synonyms() {
        for (input, want) in [
            ("", MemberStatus::InOffice),
            ("在任", MemberStatus::InOffice),
            ("辞职", MemberStatus::Resigned),
            ("免职", MemberStatus::Removed),
            ("撤销", MemberStatus::Removed),
        ] {
            assert_eq!(MemberStatus::parse("status", input), Ok(want), "{input:?}");
        }
        assert_eq!(MemberStatus::parse("status", "退休"), Err(FieldError::new("status", "err.member_status")));
    }

    #[test]
    fn pinyin_initials_of_names() {
        assert_eq!(pinyin_initials("张三"), "zs");
        assert_eq!(pinyin_initials("欧阳Li"), "oyli");
        assert_eq!(pinyin_initials("吕 娜·2"), "ln");
        assert_eq!(pinyin_initials(""), "");
    }
}
