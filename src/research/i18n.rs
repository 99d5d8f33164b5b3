//! This area's UI strings (key, 中文, English), joined into the one table in `app::i18n`.
pub const MESSAGES: &[(&str, &str, &str)] = &[];
