//! Field errors on re-rendered forms, already translated for the template.
use crate::app::error::FieldError;
use crate::app::i18n::Lang;

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

#[cfg(test)]
mod tests {
    use super::*;

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
