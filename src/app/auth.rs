//! Passwords, logins with lockout, browser sessions and API tokens. Everything lives in the
//! database so that any number of app nodes share it.
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::Argon2;
use base64::Engine;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::org::model::{Password, Role};
use crate::org::store::{self as org, User};

/// Failed logins in a row that lock an account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lockout lasts.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// A session's last-seen time is written at most this often, to spare the database a write
/// per request; the idle timeout is therefore exact to within this interval.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A logged-in user acting inside their committee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub committee_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
}

impl Actor {
    /// The actor for an account, or `None` for an account that may not act (disabled, or a
    /// role this version does not know).
    pub fn from_user(u: &User) -> Option<Actor> {
        let role = Role::parse(&u.role).ok()?;
        u.active.then(|| Actor {
            user_id: u.id,
            committee_id: u.committee_id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role,
            unit_id: u.unit_id,
        })
    }
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: i64,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        pub ip: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: i64,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Argon2id with the crate's recommended parameters.
pub fn hash_password(password: &Password) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Hashing is deliberately slow; keep it off the async workers.
pub async fn hash_password_blocking(password: Password) -> String {
    tokio::task::spawn_blocking(move || hash_password(&password)).await.expect("hashing task panicked")
}

async fn verify_password_blocking(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&hash, &password)).await.unwrap_or(false)
}

/// A hash of a random password, verified against when the username is unknown so that a
/// failed login takes the same time whether or not the account exists.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| hash_password(&Password::generate()));

#[derive(Debug, PartialEq, Eq)]
pub enum LoginError {
    /// Unknown user or wrong password (never said which).
    Invalid,
    Locked,
    Disabled,
}

impl LoginError {
    pub fn key(&self) -> &'static str {
        match self {
            LoginError::Invalid => "err.login_failed",
            LoginError::Locked => "err.locked",
            LoginError::Disabled => "err.disabled",
        }
    }
}

/// Checks a username and password, counting failures and locking the account after
/// [`MAX_FAILED_LOGINS`]. Every outcome is written to the audit log.
pub async fn authenticate(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
    ip: &str,
) -> AppResult<Result<User, LoginError>> {
    let name = username.trim().to_ascii_lowercase();
    let Some(user) = org::find_user_by_username(db, &name).await? else {
        verify_password_blocking(DUMMY_HASH.clone(), password.to_string()).await;
        audit::record(db, &Who::anonymous(None, &name, ip), "login_failed", "user", &name, "未知用户名").await?;
        return Ok(Err(LoginError::Invalid));
    };
    let who = Who { committee_id: Some(user.committee_id), actor_id: Some(user.id), actor_name: user.username.clone(), ip: ip.to_string() };
    let now = Utc::now();
    if user.is_locked(now) {
        audit::record(db, &who, "login_refused", "user", user.id, "账号锁定期间尝试登录").await?;
        return Ok(Err(LoginError::Locked));
    }
    if !verify_password_blocking(user.password_hash.clone(), password.to_string()).await {
        let failures = org::count_failed_login(db, user.id).await?;
        audit::record(db, &who, "login_failed", "user", user.id, format!("密码错误（连续第{failures}次）")).await?;
        if failures >= MAX_FAILED_LOGINS {
            let until = now + chrono::Duration::from_std(LOCKOUT).expect("fits");
            org::lock_user(db, user.id, until).await?;
            audit::record(db, &who, "lockout", "user", user.id, format!("连续{failures}次登录失败，锁定15分钟")).await?;
            return Ok(Err(LoginError::Locked));
        }
        return Ok(Err(LoginError::Invalid));
    }
    if !user.active {
        audit::record(db, &who, "login_refused", "user", user.id, "账号已停用").await?;
        return Ok(Err(LoginError::Disabled));
    }
    org::clear_lock(db, user.id, Some(now)).await?;
    audit::record(db, &who, "login", "user", user.id, "登录成功").await?;
    Ok(Ok(user))
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Only a hash of each token is stored: a copy of the database cannot be used to log in.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Starts a browser session and returns the cookie value.
pub async fn start_session(db: &impl ConnectionTrait, user_id: i64, ip: &str) -> Result<String, sea_orm::DbErr> {
    let token = random_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        ip: Set(ip.to_string()),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// What a session cookie turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionState {
    Active(Actor),
    /// It existed but was idle too long (or its account was disabled); it is now deleted.
    Expired,
    Unknown,
}

/// Looks a session up, ending it when idle for longer than `idle`, and notes the activity.
pub async fn resume_session(db: &DatabaseConnection, token: &str, idle: Duration) -> Result<SessionState, sea_orm::DbErr> {
    let hash = token_hash(token);
    let Some(s) = session::Entity::find_by_id(hash.clone()).one(db).await? else {
        return Ok(SessionState::Unknown);
    };
    let now = Utc::now();
    let idle_for = (now - s.last_seen_at).to_std().unwrap_or_default();
    let actor = org::find_user(db, s.user_id).await?.as_ref().and_then(Actor::from_user);
    let Some(actor) = actor.filter(|_| idle_for <= idle) else {
        session::Entity::delete_by_id(hash).exec(db).await?;
        return Ok(SessionState::Expired);
    };
    if idle_for >= TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::TokenHash.eq(hash))
            .exec(db)
            .await?;
    }
    Ok(SessionState::Active(actor))
}

pub async fn end_session(db: &impl ConnectionTrait, token: &str) -> Result<(), sea_orm::DbErr> {
    session::Entity::delete_by_id(token_hash(token)).exec(db).await?;
    Ok(())
}

/// Ends every session and token of a user except the session `keep` (after a password change,
/// the device that changed it stays logged in).
pub async fn end_other_sessions(db: &impl ConnectionTrait, user_id: i64, keep: Option<&str>) -> Result<(), sea_orm::DbErr> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(session::Column::TokenHash.ne(token_hash(k)));
    }
    q.exec(db).await?;
    api_token::Entity::delete_many().filter(api_token::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

/// Issues an API bearer token valid for `ttl`.
pub async fn issue_token(db: &impl ConnectionTrait, user_id: i64, ttl: Duration) -> Result<(String, chrono::DateTime<Utc>), sea_orm::DbErr> {
    let token = random_token();
    let now = Utc::now();
    let expires_at = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(24));
    api_token::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok((token, expires_at))
}

/// The actor behind a bearer token, if it is valid and unexpired.
pub async fn resolve_token(db: &DatabaseConnection, token: &str) -> Result<Option<Actor>, sea_orm::DbErr> {
    let found = api_token::Entity::find_by_id(token_hash(token))
        .filter(api_token::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?;
    let Some(t) = found else { return Ok(None) };
    Ok(org::find_user(db, t.user_id).await?.as_ref().and_then(Actor::from_user))
}

pub async fn revoke_token(db: &impl ConnectionTrait, token: &str) -> Result<(), sea_orm::DbErr> {
    api_token::Entity::delete_by_id(token_hash(token)).exec(db).await?;
    Ok(())
}

/// Changes a user's password after checking the current one; ends the user's other sessions.
pub async fn change_password(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &str,
    new: Password,
    keep_session: Option<&str>,
    ip: &str,
) -> AppResult<()> {
    let user = org::find_user(db, actor.user_id).await?.ok_or(AppError::Unauthorized)?;
    if !verify_password_blocking(user.password_hash.clone(), current.to_string()).await {
        return Err(AppError::invalid("current", "err.password_wrong"));
    }
    let hash = hash_password_blocking(new).await;
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    org::set_password_hash(&txn, user.id, hash).await?;
    end_other_sessions(&txn, user.id, keep_session).await?;
    audit::record(&txn, &Who::actor(actor, ip), "password_change", "user", user.id, "修改本人密码").await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let p = Password::parse("password", "Xieshang-2022").unwrap();
        let h = hash_password(&p);
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "Xieshang-2022"));
        assert!(!verify_password(&h, "xieshang-2022"));
        assert!(!verify_password("not a hash", "Xieshang-2022"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
