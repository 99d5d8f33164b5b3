//! Committees and accounts: the typed values parsed at the edge, and the rules they obey.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::app::error::FieldError;

/// The level of a committee in the tree 全国 → 省 → 市 → 区县.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeLevel {
    National,
    Province,
    City,
    County,
}

impl CommitteeLevel {
    pub const ALL: [CommitteeLevel; 4] = [Self::National, Self::Province, Self::City, Self::County];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|l| l.as_str() == s.trim()).ok_or(FieldError::new("level", "err.level"))
    }

    /// A child committee sits strictly below its parent.
    pub fn may_contain(self, child: CommitteeLevel) -> bool {
        (child as u8) > (self as u8)
    }

    /// The levels a child of this committee may have (none below a county).
    pub fn child_levels(self) -> Vec<CommitteeLevel> {
        Self::ALL.into_iter().filter(|&l| self.may_contain(l)).collect()
    }

    /// The i18n key of the level's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::National => "level.national",
            Self::Province => "level.province",
            Self::City => "level.city",
            Self::County => "level.county",
        }
    }
}

/// The roles an account can hold (DOMAIN.md, "Who does what"). Citizens have no account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    SecurityAdmin,
    Auditor,
    Staff,
    Leader,
    Member,
    Unit,
}

impl Role {
    pub const ALL: [Role; 7] =
        [Self::Admin, Self::SecurityAdmin, Self::Auditor, Self::Staff, Self::Leader, Self::Member, Self::Unit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::SecurityAdmin => "security_admin",
            Self::Auditor => "auditor",
            Self::Staff => "staff",
            Self::Leader => "leader",
            Self::Member => "member",
            Self::Unit => "unit",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or(FieldError::new("role", "err.role"))
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Admin => "role.admin",
            Self::SecurityAdmin => "role.security_admin",
            Self::Auditor => "role.auditor",
            Self::Staff => "role.staff",
            Self::Leader => "role.leader",
            Self::Member => "role.member",
            Self::Unit => "role.unit",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A login name: 3–32 characters of ASCII letters, digits, `.`, `_` or `-`, stored lower-case
/// so that "Admin" and "admin" are one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_ascii_lowercase();
        let ok_chars = s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if (3..=32).contains(&s.len()) && ok_chars {
            Ok(Username(s))
        } else {
            Err(FieldError::new("username", "err.username"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short human name (a person's or a committee's): trimmed, 1..=max characters, no control
/// characters.
pub fn parse_name(field: &'static str, s: &str, max: usize) -> Result<String, FieldError> {
    let s = s.trim();
    let len = s.chars().count();
    if len == 0 {
        return Err(FieldError::new(field, "err.required"));
    }
    if len > max || s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "err.name"));
    }
    Ok(s.to_string())
}

/// A committee code used in URLs and commands (`yuetang`): 2–32 lower-case letters, digits, `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeCode(String);

impl CommitteeCode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (2..=32).contains(&s.len())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && s.starts_with(|c: char| c.is_ascii_lowercase());
        if ok { Ok(CommitteeCode(s)) } else { Err(FieldError::new("code", "err.code")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy: at least 10 characters drawn from at least three of the
/// classes lower-case, upper-case, digit, other. Never printed or logged.
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 10;

    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let classes = [
            s.chars().any(|c| c.is_lowercase()),
            s.chars().any(|c| c.is_uppercase()),
            s.chars().any(|c| c.is_ascii_digit()),
            s.chars().any(|c| !c.is_alphanumeric()),
        ];
        let enough_classes = classes.iter().filter(|&&b| b).count() >= 3;
        if s.chars().count() >= Self::MIN_LEN && s.len() <= 256 && enough_classes {
            Ok(Password(s.to_string()))
        } else {
            Err(FieldError::new(field, "err.password_policy"))
        }
    }

    /// A fresh random password that satisfies the policy, for `user create` without stdin and
    /// for the demo accounts.
    pub fn generate() -> Self {
        use rand::Rng;
        const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rng();
        let body: String = (0..12).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
        // The fixed tail guarantees every class even if the random part happens to miss one.
        Password(format!("{body}-Xs9"))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy() {
        for (pw, ok) in [
            ("short1A!", false),
            ("alllowercaseletters", false),
            ("lowerUPPERonly", false),
            ("lower123456", false),
            ("lowerUPPER12", true),
            ("lower12345!", true),
            ("政协委员abc12345!", true),
            ("ABCDEFGH12!", true),
        ] {
            assert_eq!(Password::parse("password", pw).is_ok(), ok, "{pw}");
        }
        for _ in 0..50 {
            let p = Password::generate();
            assert!(Password::parse("password", p.expose()).is_ok());
        }
        assert_eq!(format!("{:?}", Password::generate()), "Password(***)");
    }

    #[test]
    fn usernames_are_normalised() {
        assert_eq!(Username::parse("  Admin ").unwrap().as_str(), "admin");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("张三").is_err());
        assert!(Username::parse("a b c").is_err());
        assert_eq!(Username::parse("x").unwrap_err().field, "username");
    }

    #[test]
    fn codes_and_names() {
        assert_eq!(CommitteeCode::parse("YueTang").unwrap().as_str(), "yuetang");
        assert!(CommitteeCode::parse("1abc").is_err());
        assert!(CommitteeCode::parse("岳塘").is_err());
        assert_eq!(parse_name("name", "  湘潭市岳塘区政协 ", 100).unwrap(), "湘潭市岳塘区政协");
        assert_eq!(parse_name("name", "   ", 100).unwrap_err().key, "err.required");
        assert!(parse_name("name", "a\u{7}", 100).is_err());
    }

    #[test]
    fn roles_and_levels_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("citizen").is_err());
        for l in CommitteeLevel::ALL {
            assert_eq!(CommitteeLevel::parse(l.as_str()).unwrap(), l);
        }
        assert!(CommitteeLevel::City.may_contain(CommitteeLevel::County));
        assert!(!CommitteeLevel::County.may_contain(CommitteeLevel::City));
        assert!(!CommitteeLevel::City.may_contain(CommitteeLevel::City));
        assert_eq!(CommitteeLevel::City.child_levels(), [CommitteeLevel::County]);
        assert!(CommitteeLevel::County.child_levels().is_empty());
    }
}
