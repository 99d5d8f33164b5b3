//! Field errors on re-rendered forms, already translated for the template, and the extractor
//! for forms with checkbox groups.
use axum::extract::{FromRequest, RawForm, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::app::error::{AppError, FieldError};
use crate::app::i18n::Lang;

/// A form type whose named fields are checkbox groups: the key repeats once per ticked box.
pub trait ListFields {
    const LISTS: &'static [&'static str];
}

/// A urlencoded form with checkbox groups, which `axum::Form` (serde_urlencoded) cannot gather
/// into a `Vec`: the keys in `T::LISTS` become lists, every other key keeps its last value.
pub struct ListForm<T>(pub T);

impl<T: DeserializeOwned + ListFields, S: Send + Sync> FromRequest<S> for ListForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let RawForm(body) = RawForm::from_request(req, state).await.map_err(|r| AppError::Rejected(r.status(), r.body_text()))?;
        from_pairs(&body).map(ListForm)
    }
}

/// Parses a urlencoded body into `T` (see [`ListForm`]).
pub fn from_pairs<T: DeserializeOwned + ListFields>(body: &[u8]) -> Result<T, AppError> {
    let bad = |e: String| AppError::Rejected(StatusCode::BAD_REQUEST, e);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|e| bad(e.to_string()))?;
    let mut map = serde_json::Map::new();
    for list in T::LISTS {
        map.insert((*list).to_string(), serde_json::Value::Array(vec![]));
    }
    for (k, v) in pairs {
        match map.get_mut(&k) {
            Some(serde_json::Value::Array(items)) if T::LISTS.contains(&k.as_str()) => items.push(v.into()),
            _ => {
                map.insert(k, v.into());
            }
        }
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| bad(e.to_string()))
}

#[derive(Clone, Debug, Default)]
pub struct FormErrors {
    list: Vec<(&'static str, &'static str)>,
}

impl FormErrors {
    pub fn new(lang: Lang, errors: &[FieldError]) -> Self {
        FormErrors { list: errors.iter().map(|e| (e.field, lang.t(e.key))).collect() }
    }

    /// The message for `field`, if it has one.
    pub fn of(&self, field: &str) -> Option<&'static str> {
        self.list.iter().find(|(f, _)| *f == field).map(|(_, m)| *m)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Messages not tied to a visible field (shown at the top of the form).
    pub fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.list.iter().map(|(_, m)| *m)
    }
}

/// An optional id that must be one of `allowed`.
pub fn choice(field: &'static str, s: &str, allowed: &[i64]) -> Result<Option<i64>, FieldError> {
    match s.trim() {
        "" => Ok(None),
        v => v.parse::<i64>().ok().filter(|id| allowed.contains(id)).map(Some).ok_or(FieldError::new(field, "err.choice")),
    }
}

/// Ids from checkboxes, each one of `allowed`, without repeats.
pub fn choices(field: &'static str, values: &[String], allowed: &[i64]) -> Result<Vec<i64>, FieldError> {
    let mut out = Vec::new();
    for v in values {
        let id = choice(field, v, allowed)?;
        if let Some(id) = id.filter(|id| !out.contains(id)) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Collects the errors of several parses so a form reports every bad field at once.
#[derive(Default)]
pub struct Check(pub Vec<FieldError>);

impl Check {
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    pub fn add(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn is_ok(&self) -> bool {
        self.0.is_empty()
    }
}

/// Filters of a list's query string, read leniently: each bad value is named (for the page to
/// show) and left out, so the list still renders with the others.
#[derive(Default)]
pub struct Lenient(pub Vec<FieldError>);

impl Lenient {
    /// An id; with `known` (a tree as (id, parent) pairs), one of its ids.
    pub fn id(&mut self, field: &'static str, s: &str, known: Option<&[(i64, Option<i64>)]>) -> Option<i64> {
        let v = s.trim();
        if v.is_empty() {
            return None;
        }
        let id = v.parse::<i64>().ok().filter(|i| known.is_none_or(|k| k.iter().any(|(x, _)| x == i)));
        if id.is_none() {
            self.0.push(FieldError::new(field, "err.choice"));
        }
        id
    }

    /// A code, read by `from_code`.
    pub fn code<T>(&mut self, field: &'static str, s: &str, from_code: impl Fn(&str) -> Option<T>) -> Option<T> {
        let v = s.trim();
        if v.is_empty() {
            return None;
        }
        let code = from_code(v);
        if code.is_none() {
            self.0.push(FieldError::new(field, "err.choice"));
        }
        code
    }

    /// A period of dates (YYYY-MM-DD, inclusive); an end before the start is named on `to`
    /// and dropped.
    pub fn period(&mut self, from: &str, to: &str) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
        let mut date = |field: &'static str, s: &str| crate::app::pages::parse_date(field, s).unwrap_or_else(|e| {
            self.0.push(e);
            None
        });
        let (from, to) = (date("from", from), date("to", to));
        match (from, to) {
            (Some(f), Some(t)) if t < f => {
                self.0.push(FieldError::new("to", "err.period"));
                (from, None)
            }
            _ => (from, to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Ticks {
        #[serde(default)]
        name: String,
        #[serde(default)]
        ids: Vec<String>,
    }

    impl ListFields for Ticks {
        const LISTS: &'static [&'static str] = &["ids"];
    }

    #[test]
    fn lenient_filters_name_what_they_leave_out() {
        let tree = [(1, None), (2, Some(1))];
        let mut l = Lenient::default();
        assert_eq!((l.id("group", " 2 ", Some(&tree)), l.id("place", "9", Some(&tree)), l.id("member", "", None)), (Some(2), None, None));
        assert_eq!(l.code("kind", "x", |c| (c == "home").then_some(1)), None);
        assert_eq!(l.period("2022-03-05", "2022-03-01"), (chrono::NaiveDate::from_ymd_opt(2022, 3, 5), None));
        assert_eq!(l.0.iter().map(|e| e.field).collect::<Vec<_>>(), ["place", "kind", "to"]);
    }

    #[test]
    fn checkbox_groups_become_lists() {
        let t: Ticks = from_pairs(b"name=%E7%8E%8B&ids=1&ids=2&other=x").unwrap();
        assert_eq!(t, Ticks { name: "王".into(), ids: vec!["1".into(), "2".into()] });
        let one: Ticks = from_pairs(b"ids=7").unwrap();
        assert_eq!(one.ids, vec!["7".to_string()], "one ticked box is still a list");
        let none: Ticks = from_pairs(b"name=a").unwrap();
        assert!(none.ids.is_empty());
    }

    #[test]
    fn errors_are_collected_and_translated() {
        let mut c = Check::default();
        assert_eq!(c.take(Ok::<_, FieldError>(1)), Some(1));
        assert_eq!(c.take(Err::<i32, _>(FieldError::new("username", "err.required"))), None);
        assert!(!c.is_ok());
        let f = FormErrors::new(Lang::Zh, &c.0);
        assert_eq!(f.of("username"), Some("此项为必填项"));
        assert_eq!(f.of("password"), None);
        assert_eq!(f.all().count(), 1);
    }
}
