//! Studios and receptions as typed values: the studio form and the reception record are parsed
//! here, once, before anything is written.
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;
use crate::app::forms::{Check, choice, choices};
use crate::org::model::parse_name;
use crate::org::values::normalize_text;
use crate::studios::schedule::ReceptionDays;

/// Where citizens meet the studio's members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StudioKind {
    /// A room at an address, open on reception days.
    Offline,
    /// The public form and conversation (reached by QR code), answered by the members.
    Online,
}

impl StudioKind {
    pub const ALL: [StudioKind; 2] = [Self::Offline, Self::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Online => "online",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Offline => "studio.kind.offline",
            Self::Online => "studio.kind.online",
        }
    }
}

/// Reception hours such as 09:00–11:30, shown on the public page and put into the iCalendar feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl Hours {
    /// Parses "09:00-11:30" (also with "–", "~", "至" or full-width colons); empty is None.
    pub fn parse(field: &'static str, s: &str) -> Result<Option<Hours>, FieldError> {
        let s = s.trim().replace('：', ":");
        if s.is_empty() {
            return Ok(None);
        }
        let bad = || FieldError::new(field, "err.hours");
        let (a, b) = s.split_once(['-', '–', '~', '至']).ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (from, to) = (time(a)?, time(b)?);
        if from >= to {
            return Err(bad());
        }
        Ok(Some(Hours { from, to }))
    }

    pub fn code(self) -> String {
        format!("{}-{}", self.from.format("%H:%M"), self.to.format("%H:%M"))
    }
}

/// A validated studio.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudioData {
    pub name: String,
    pub kind: StudioKind,
    pub group_id: Option<i64>,
    pub place_id: Option<i64>,
    pub address: String,
    pub room: String,
    pub phone: String,
    pub hours: Option<Hours>,
    pub reception_days: ReceptionDays,
    pub intro: String,
    pub member_ids: Vec<i64>,
}

/// The studio form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StudioInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub weekdays: Vec<String>,
    #[serde(default)]
    pub month_days: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

/// Text of at most `max` characters, trimmed, with whitespace runs made single.
fn short_text(field: &'static str, s: &str, max: usize) -> Result<String, FieldError> {
    let t = normalize_text(s);
    if t.chars().count() > max { Err(FieldError::new(field, "err.too_long")) } else { Ok(t) }
}

impl StudioInput {
    /// Parses the form against the committee's groups, places and members.
    pub fn parse(&self, groups: &[i64], places: &[i64], members: &[i64]) -> Result<StudioData, Vec<FieldError>> {
        let mut c = Check::default();
        let name = c.take(parse_name("name", &normalize_text(&self.name), 64));
        let kind = c.take(StudioKind::from_code(self.kind.trim()).ok_or(FieldError::new("kind", "err.choice")));
        let group_id = c.take(choice("group_id", &self.group_id, groups)).flatten();
        let place_id = c.take(choice("place_id", &self.place_id, places)).flatten();
        let address = c.take(short_text("address", &self.address, 128));
        let room = c.take(short_text("room", &self.room, 64));
        let phone = c.take(short_text("phone", &self.phone, 32));
        let hours = c.take(Hours::parse("hours", &self.hours)).flatten();
        let days = c.take(ReceptionDays::from_form(&self.weekdays, &self.month_days).map_err(|key| FieldError::new("month_days", key)));
        let intro = self.intro.trim().to_string();
        if intro.chars().count() > 2000 {
            c.add(FieldError::new("intro", "err.too_long"));
        }
        let member_ids = c.take(choices("member_ids", &self.member_ids, members));
        if kind == Some(StudioKind::Offline) && address.as_deref().is_some_and(str::is_empty) {
            c.add(FieldError::new("address", "err.required"));
        }
        match (name, kind, address, room, phone, days, member_ids, c.is_ok()) {
            (Some(name), Some(kind), Some(address), Some(room), Some(phone), Some(reception_days), Some(member_ids), true) => {
                Ok(StudioData { name, kind, group_id, place_id, address, room, phone, hours, reception_days, intro, member_ids })
            }
            _ => Err(c.0),
        }
    }
}

/// A validated reception session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceptionData {
    pub studio_id: i64,
    pub held_on: NaiveDate,
    pub place_id: Option<i64>,
    pub citizens_received: i32,
    pub notes: String,
    pub member_ids: Vec<i64>,
}

/// The most people one session can plausibly receive; more is a typing error.
pub const MAX_CITIZENS_PER_RECEPTION: i32 = 500;

/// The reception form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReceptionInput {
    #[serde(default)]
    pub studio_id: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub citizens_received: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

impl ReceptionInput {
    /// Parses against the studios the actor may record for, the committee's places and members;
    /// a reception lies in the past or today (`today`), never in the future.
    pub fn parse(&self, studios: &[i64], places: &[i64], members: &[i64], today: NaiveDate) -> Result<ReceptionData, Vec<FieldError>> {
        let mut c = Check::default();
        let studio_id = c.take(choice("studio_id", &self.studio_id, studios).and_then(|s| s.ok_or(FieldError::new("studio_id", "err.required"))));
        let held_on = c.take(
            crate::app::pages::parse_date("held_on", &self.held_on)
                .and_then(|d| d.ok_or(FieldError::new("held_on", "err.required")))
                .and_then(|d| if d > today { Err(FieldError::new("held_on", "err.future_date")) } else { Ok(d) }),
        );
        let place_id = c.take(choice("place_id", &self.place_id, places)).flatten();
        let citizens = c.take(
            self.citizens_received
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| (0..=MAX_CITIZENS_PER_RECEPTION).contains(n))
                .ok_or(FieldError::new("citizens_received", "err.citizens_received")),
        );
        let member_ids = c.take(choices("member_ids", &self.member_ids, members));
        if member_ids.as_ref().is_some_and(Vec::is_empty) {
            c.add(FieldError::new("member_ids", "err.members_on_duty"));
        }
        let notes = self.notes.trim().to_string();
        if notes.chars().count() > 2000 {
            c.add(FieldError::new("notes", "err.too_long"));
        }
        match (studio_id, held_on, citizens, member_ids, c.is_ok()) {
            (Some(studio_id), Some(held_on), Some(citizens_received), Some(member_ids), true) => {
                Ok(ReceptionData { studio_id, held_on, place_id, citizens_received, notes, member_ids })
            }
            _ => Err(c.0),
        }
    }
}

impl crate::app::forms::ListFields for StudioInput {
    const LISTS: &'static [&'static str] = &["weekdays", "member_ids"];
}

impl crate::app::forms::ListFields for ReceptionInput {
    const LISTS: &'static [&'static str] = &["member_ids"];
}

/// Fills the `empty` reception days with `per_day` members each, taking the assigned members in
/// turn from position `start` (so repeated fills go on where the last one stopped).
pub fn rotation(empty: &[NaiveDate], members: &[i64], per_day: usize, start: usize) -> Vec<(NaiveDate, Vec<i64>)> {
    if members.is_empty() || per_day == 0 {
        return vec![];
    }
    let per_day = per_day.min(members.len());
    empty
        .iter()
        .enumerate()
        .map(|(n, day)| (*day, (0..per_day).map(|k| members[(start + n * per_day + k) % members.len()]).collect()))
        .collect()
}

/// The roster form of one day.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DutyInput {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

impl crate::app::forms::ListFields for DutyInput {
    const LISTS: &'static [&'static str] = &["member_ids"];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn studio() -> StudioInput {
        StudioInput {
            name: "书院路委员工作室".into(),
            kind: "offline".into(),
            group_id: "3".into(),
            address: "书院路街道办事处二楼".into(),
            hours: "09:00-11:30".into(),
            weekdays: vec!["3".into()],
            month_days: "10、20".into(),
            member_ids: vec!["7".into(), "8".into(), "7".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_studio_parses_with_its_schedule_and_members() {
        let s = studio().parse(&[3], &[], &[7, 8]).unwrap();
        assert_eq!(s.kind, StudioKind::Offline);
        assert_eq!(s.group_id, Some(3));
        assert_eq!(s.member_ids, vec![7, 8], "a repeated member counts once");
        assert_eq!(s.hours.unwrap().code(), "09:00-11:30");
        assert_eq!(s.reception_days.month_days(), vec![10, 20]);
    }

    #[test]
    fn bad_studio_fields_are_named() {
        let mut f = studio();
        f.kind = "tent".into();
        f.group_id = "99".into();
        f.hours = "11:30-09:00".into();
        f.month_days = "32".into();
        f.member_ids = vec!["9".into()];
        let fields: Vec<_> = f.parse(&[3], &[], &[7, 8]).unwrap_err().into_iter().map(|e| e.field).collect();
        for field in ["kind", "group_id", "hours", "month_days", "member_ids"] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }

    #[test]
    fn an_offline_studio_needs_an_address_and_an_online_one_does_not() {
        let mut f = studio();
        f.address = " ".into();
        assert_eq!(f.parse(&[3], &[], &[7, 8]).unwrap_err()[0].field, "address");
        f.kind = "online".into();
        assert!(f.parse(&[3], &[], &[7, 8]).is_ok());
    }

    #[test]
    fn rotation_takes_members_in_turn_and_goes_on_where_it_stopped() {
        let d = |n| NaiveDate::from_ymd_opt(2022, 1, n).unwrap();
        let r = rotation(&[d(5), d(12), d(19)], &[1, 2, 3], 2, 0);
        assert_eq!(r, vec![(d(5), vec![1, 2]), (d(12), vec![3, 1]), (d(19), vec![2, 3])]);
        assert_eq!(rotation(&[d(26)], &[1, 2, 3], 2, 6)[0].1, vec![1, 2]);
        assert_eq!(rotation(&[d(5)], &[7], 2, 0)[0].1, vec![7], "never the same member twice a day");
        assert!(rotation(&[d(5)], &[], 2, 0).is_empty());
    }

    #[test]
    fn hours_accept_chinese_separators() {
        assert_eq!(Hours::parse("h", "9:00至11:00").unwrap().unwrap().code(), "09:00-11:00");
        assert_eq!(Hours::parse("h", "14：30~17：00").unwrap().unwrap().code(), "14:30-17:00");
        assert_eq!(Hours::parse("h", "").unwrap(), None);
        assert!(Hours::parse("h", "9点").is_err());
    }

    fn reception() -> ReceptionInput {
        ReceptionInput {
            studio_id: "1".into(),
            held_on: "2022-01-12".into(),
            citizens_received: "12".into(),
            member_ids: vec!["7".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_reception_parses() {
        let today = NaiveDate::from_ymd_opt(2022, 1, 12).unwrap();
        let r = reception().parse(&[1], &[], &[7], today).unwrap();
        assert_eq!((r.studio_id, r.citizens_received, r.member_ids.clone()), (1, 12, vec![7]));
    }

    #[test]
    fn a_reception_refuses_the_future_a_foreign_studio_bad_counts_and_no_members() {
        let today = NaiveDate::from_ymd_opt(2022, 1, 11).unwrap();
        let mut f = reception();
        f.studio_id = "2".into();
        f.citizens_received = "-1".into();
        f.member_ids = vec![];
        let fields: Vec<_> = f.parse(&[1], &[], &[7], today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["studio_id", "held_on", "citizens_received", "member_ids"]);
        let mut f = reception();
        f.citizens_received = "501".into();
        assert_eq!(f.parse(&[1], &[], &[7], today.succ_opt().unwrap()).unwrap_err()[0].field, "citizens_received");
    }
}
