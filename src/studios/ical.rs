//! iCalendar (RFC 5545) feeds of duty days, so members see their reception duties in the calendar
//! app on their phone. Written by hand: only a handful of properties are needed.
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The longest line RFC 5545 allows, in octets, not counting the CRLF.
const MAX_LINE_OCTETS: usize = 75;

/// The time zone all reception hours are given in.
const TZID: &str = "Asia/Shanghai";

/// China has kept +08:00 without daylight saving since 1991, so one STANDARD rule from 1970
/// describes every duty day a feed can contain.
const VTIMEZONE: [&str; 9] = [
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Shanghai",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// One duty day in a feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyEvent {
    /// Stable unique id, e.g. "duty-12-2022-01-05@xieshang", so calendar apps update instead of duplicating.
    pub uid: String,
    /// The duty day.
    pub day: NaiveDate,
    /// Reception hours in China Standard Time; None = all-day event.
    pub hours: Option<(NaiveTime, NaiveTime)>,
    /// The event title, e.g. "书院路委员工作室 接待日值班".
    pub summary: String,
    /// Where the studio is; left out of the event when empty.
    pub location: String,
    /// Free text such as the other members on duty; left out when empty.
    pub description: String,
    /// The studio's page, so the event links back to it.
    pub url: Option<String>,
}

/// A VCALENDAR with one VEVENT per duty day. `name` becomes X-WR-CALNAME; `stamp` is DTSTAMP of
/// every event (UTC, "YYYYMMDDTHHMMSSZ").
pub fn calendar(name: &str, events: &[DutyEvent], stamp: DateTime<Utc>) -> String {
    let mut lines = header_lines(name);
    if events.iter().any(|e| e.hours.is_some()) {
        lines.extend(VTIMEZONE.iter().map(|l| l.to_string()));
    }
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for event in events {
        lines.extend(event_lines(event, &stamp));
    }
    lines.push("END:VCALENDAR".to_string());
    lines.iter().map(|l| fold(l)).collect()
}

/// The calendar's own properties, before any component.
fn header_lines(name: &str) -> Vec<String> {
    vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Xieshang//Studios//ZH".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape_text(name)),
        format!("X-WR-TIMEZONE:{TZID}"),
    ]
}

/// The unfolded lines of one VEVENT.
fn event_lines(event: &DutyEvent, stamp: &str) -> Vec<String> {
    let mut lines =
        vec!["BEGIN:VEVENT".to_string(), format!("UID:{}", escape_text(&event.uid)), format!("DTSTAMP:{stamp}")];
    lines.extend(time_lines(event.day, event.hours));
    lines.push(format!("SUMMARY:{}", escape_text(&event.summary)));
    push_text(&mut lines, "LOCATION", &event.location);
    push_text(&mut lines, "DESCRIPTION", &event.description);
    if let Some(url) = event.url.as_deref().map(strip_controls).filter(|u| !u.is_empty()) {
        // A URI is not TEXT: escaping its commas would change the address.
        lines.push(format!("URL:{url}"));
    }
    lines.push("END:VEVENT".to_string());
    lines
}

/// DTSTART and DTEND: local times in Asia/Shanghai for reception hours, otherwise a whole day
/// (DTEND of an all-day event is exclusive, hence the next day).
fn time_lines(day: NaiveDate, hours: Option<(NaiveTime, NaiveTime)>) -> Vec<String> {
    let Some((from, to)) = hours else {
        let next = day.succ_opt().unwrap_or(day);
        return vec![
            format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
        ];
    };
    let local = |t: NaiveTime| day.and_time(t).format("%Y%m%dT%H%M%S").to_string();
    let mut lines = vec![format!("DTSTART;TZID={TZID}:{}", local(from))];
    // RFC 5545 requires DTEND after DTSTART; without one the event simply has no length.
    if to > from {
        lines.push(format!("DTEND;TZID={TZID}:{}", local(to)));
    }
    lines
}

/// Adds a TEXT property unless its value is empty, so apps show no blank fields.
fn push_text(lines: &mut Vec<String>, property: &str, value: &str) {
    if !value.is_empty() {
        lines.push(format!("{property}:{}", escape_text(value)));
    }
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, any
/// line break becomes "\n", and other control characters, which TEXT may not contain, are dropped.
fn escape_text(value: &str) -> String {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Drops control characters, which would otherwise break the line structure of the feed.
fn strip_controls(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// Folds one content line into physical lines of at most 75 octets, each ending with CRLF.
/// Continuation lines start with a space, which counts towards their 75 octets; cuts fall only
/// between characters, because a split multi-byte character (every Chinese character is three
/// octets) would be garbled by apps that decode each physical line.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 24 + 2);
    let mut rest = line;
    let mut limit = MAX_LINE_OCTETS;
    while rest.len() > limit {
        let cut = char_boundary_at_or_before(rest, limit);
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
    out
}

/// The largest character boundary of `s` not after byte `index` (`index` < `s.len()`).
fn char_boundary_at_or_before(s: &str, index: usize) -> usize {
    (0..=index).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn stamp() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2022, 1, 3, 8, 30, 5).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn event(hours: Option<(NaiveTime, NaiveTime)>) -> DutyEvent {
        DutyEvent {
            uid: "duty-12-2022-01-05@xieshang".into(),
            day: NaiveDate::from_ymd_opt(2022, 1, 5).unwrap(),
            hours,
            summary: "书院路委员工作室 接待日值班".into(),
            location: "书院路街道办事处二楼".into(),
            description: String::new(),
            url: Some("https://example.org/studios/12?a=1,2".into()),
        }
    }

    /// Undoes folding (RFC 5545 §3.1) and splits into content lines.
    fn unfold(ics: &str) -> Vec<String> {
        let body = ics.strip_suffix("\r\n").unwrap();
        body.replace("\r\n ", "").split("\r\n").map(str::to_string).collect()
    }

    #[test]
    fn folding_keeps_lines_short_and_unfolds_to_the_original() {
        let summary = "政协委员工作室接待日值班：听取群众意见建议，协调解决急难愁盼问题，".repeat(5);
        let mut e = event(None);
        e.summary = summary.clone();
        let ics = calendar("值班", &[e], stamp());
        for line in ics.split("\r\n") {
            assert!(line.len() <= MAX_LINE_OCTETS, "{} octets: {line}", line.len());
        }
        assert!(ics.split("\r\n").filter(|l| l.starts_with(' ')).count() >= 5);
        let want = format!("SUMMARY:{}", escape_text(&summary));
        assert!(unfold(&ics).contains(&want));
    }

    #[test]
    fn folding_handles_every_cut_position() {
        for prefix in 0..4 {
            let line = format!("{}{}", "a".repeat(prefix), "工作室".repeat(60));
            let folded = fold(&line);
            assert!(folded.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS));
            assert_eq!(folded.strip_suffix("\r\n").unwrap().replace("\r\n ", ""), line);
        }
        assert_eq!(fold(&"x".repeat(75)), format!("{}\r\n", "x".repeat(75)));
        assert_eq!(fold(&"x".repeat(76)), format!("{}\r\n x\r\n", "x".repeat(75)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf\rg\u{7}h"), "a\\\\b\\;c\\,d\\ne\\nf\\ngh");
        let mut e = event(None);
        e.summary = "值班;接待,群众".into();
        e.description = "第一行\n第二行 C:\\".into();
        let lines = unfold(&calendar("工作室,值班", &[e], stamp()));
        assert!(lines.contains(&"SUMMARY:值班\\;接待\\,群众".to_string()));
        assert!(lines.contains(&"DESCRIPTION:第一行\\n第二行 C:\\\\".to_string()));
        assert!(lines.contains(&"X-WR-CALNAME:工作室\\,值班".to_string()));
        assert!(lines.contains(&"URL:https://example.org/studios/12?a=1,2".to_string()));
    }

    #[test]
    fn all_day_events_use_dates() {
        let ics = calendar("值班", &[event(None)], stamp());
        let lines = unfold(&ics);
        assert!(lines.contains(&"DTSTART;VALUE=DATE:20220105".to_string()));
        assert!(lines.contains(&"DTEND;VALUE=DATE:20220106".to_string()));
        assert!(lines.contains(&"DTSTAMP:20220103T083005Z".to_string()));
        assert!(!ics.contains("BEGIN:VTIMEZONE"));
        assert!(!ics.contains("TZID="));
    }

    #[test]
    fn timed_events_use_shanghai_local_time() {
        let ics = calendar("值班", &[event(Some((time(9, 0), time(11, 30))))], stamp());
        let lines = unfold(&ics);
        assert!(lines.contains(&"DTSTART;TZID=Asia/Shanghai:20220105T090000".to_string()));
        assert!(lines.contains(&"DTEND;TZID=Asia/Shanghai:20220105T113000".to_string()));
        for l in VTIMEZONE {
            assert!(lines.contains(&l.to_string()), "{l}");
        }
        assert_eq!(ics.matches("BEGIN:VTIMEZONE").count(), 1);
        let vtimezone = ics.find("BEGIN:VTIMEZONE").unwrap();
        assert!(vtimezone < ics.find("BEGIN:VEVENT").unwrap());
    }

    #[test]
    fn vtimezone_appears_once_when_any_event_is_timed() {
        let events = [event(None), event(Some((time(9, 0), time(11, 30)))), event(Some((time(14, 0), time(17, 0))))];
        let ics = calendar("值班", &events, stamp());
        assert_eq!(ics.matches("BEGIN:VTIMEZONE").count(), 1);
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
    }

    #[test]
    fn empty_fields_and_reversed_hours_are_left_out() {
        let mut e = event(Some((time(11, 0), time(9, 0))));
        e.location.clear();
        e.url = None;
        let ics = calendar("值班", &[e], stamp());
        assert!(!ics.contains("LOCATION"));
        assert!(!ics.contains("DESCRIPTION"));
        assert!(!ics.contains("URL"));
        assert!(!ics.contains("DTEND"));
    }

    #[test]
    fn every_line_ends_with_crlf() {
        let ics = calendar("值班", &[event(None), event(Some((time(9, 0), time(11, 30))))], stamp());
        assert!(ics.ends_with("\r\n"));
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']));
    }

    #[test]
    fn empty_feed_is_a_valid_calendar() {
        let ics = calendar("书院路委员工作室", &[], stamp());
        let want = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Xieshang//Studios//ZH",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:书院路委员工作室",
            "X-WR-TIMEZONE:Asia/Shanghai",
            "END:VCALENDAR",
        ];
        assert_eq!(unfold(&ics), want);
    }
}
