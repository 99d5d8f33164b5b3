//! Operations on committees and accounts: each validates, writes and records itself in the
//! audit log inside one transaction.
use sea_orm::{DatabaseConnection, DbErr, SqlErr, TransactionTrait};

use crate::app::audit::{self, Who};
use crate::app::auth::{self, Actor};
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::Check;
use crate::org::model::{CommitteeCode, CommitteeLevel, Password, Role, Username, parse_name};
use crate::org::store::{self, Committee, NewCommittee, NewUser, User};

/// A new account as typed into a form or the command line.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct UserInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    /// For `unit` accounts: the handling unit's name (created if new).
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub password: String,
}

/// A validated [`UserInput`].
pub struct ValidUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub password: Password,
}

impl UserInput {
    pub fn parse(&self, check: &mut Check) -> Option<ValidUser> {
        let username = check.take(Username::parse(&self.username));
        let display_name = check.take(parse_name("display_name", &self.display_name, 64));
        let role = check.take(Role::parse(&self.role));
        let unit = Some(self.unit.trim()).filter(|u| !u.is_empty()).map(str::to_string);
        if role == Some(Role::Unit) && unit.is_none() {
            check.add(FieldError::new("unit", "err.unit_required"));
        }
        let password = check.take(Password::parse("password", &self.password));
        Some(ValidUser {
            username: username?,
            display_name: display_name?,
            role: role?,
            unit: unit.filter(|_| role == Some(Role::Unit)),
            password: password?,
        })
    }
}

/// A new committee as typed into a form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct CommitteeInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub level: String,
}

impl CommitteeInput {
    fn parse(&self, check: &mut Check, parent_id: Option<i64>) -> Option<NewCommittee> {
        let name = check.take(parse_name("name", &self.name, 100));
        let code = check.take(CommitteeCode::parse(&self.code));
        let level = check.take(CommitteeLevel::parse(&self.level));
        Some(NewCommittee { code: code?, name: name?, level: level?, parent_id })
    }
}

fn unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

async fn insert_user_in(txn: &impl sea_orm::ConnectionTrait, committee_id: i64, u: ValidUser) -> AppResult<User> {
    let unit_id = match &u.unit {
        Some(name) => Some(store::unit_id_for(txn, committee_id, name).await?),
        None => None,
    };
    let password_hash = auth::hash_password_blocking(u.password).await;
    let new = NewUser { committee_id, username: u.username, display_name: u.display_name, password_hash, role: u.role, unit_id };
    store::insert_user(txn, new).await.map_err(|e| {
        if unique_violation(&e) { AppError::invalid("username", "err.username_taken") } else { e.into() }
    })
}

async fn insert_committee_in(txn: &impl sea_orm::ConnectionTrait, c: NewCommittee) -> AppResult<Committee> {
    store::insert_committee(txn, c).await.map_err(|e| {
        if unique_violation(&e) { AppError::invalid("code", "err.code_taken") } else { e.into() }
    })
}

/// First run: creates the committee and its first administrator. Refused once any committee
/// exists.
pub async fn setup(db: &DatabaseConnection, committee: &CommitteeInput, admin: &UserInput, confirm: &str, ip: &str) -> AppResult<User> {
    let mut check = Check::default();
    let c = committee.parse(&mut check, None);
    let admin = UserInput { role: Role::Admin.as_str().into(), ..admin.clone() };
    let u = admin.parse(&mut check);
    if admin.password != confirm {
        check.add(FieldError::new("confirm", "err.password_mismatch"));
    }
    let (Some(c), Some(u), true) = (c, u, check.is_ok()) else {
        return Err(AppError::Invalid(check.0));
    };
    let txn = db.begin().await?;
    if store::committee_count(&txn).await? > 0 {
        return Err(AppError::NotFound);
    }
    let committee = insert_committee_in(&txn, c).await?;
    let user = insert_user_in(&txn, committee.id, u).await?;
    let who = Who::anonymous(Some(committee.id), "setup", ip);
    audit::record(&txn, &who, "create", "committee", committee.id, format!("初始化：创建{}（{}）", committee.name, committee.code)).await?;
    audit::record(&txn, &who, "create", "user", user.id, format!("初始化：创建系统管理员 {}", user.username)).await?;
    txn.commit().await?;
    Ok(user)
}

/// An administrator creates an account in their own committee.
pub async fn create_user(db: &DatabaseConnection, actor: &Actor, input: &UserInput, ip: &str) -> AppResult<User> {
    authorize(actor, Action::ManageUsers, &Target::own(actor))?;
    let mut check = Check::default();
    let Some(u) = input.parse(&mut check).filter(|_| check.is_ok()) else {
        return Err(AppError::Invalid(check.0));
    };
    let txn = db.begin().await?;
    let user = insert_user_in(&txn, actor.committee_id, u).await?;
    let summary = format!("创建账号 {}（{}，角色 {}）", user.username, user.display_name, user.role);
    audit::record(&txn, &Who::actor(actor, ip), "create", "user", user.id, summary).await?;
    txn.commit().await?;
    Ok(user)
}

/// Creates an account from the command line (no actor: the operator has the server).
pub async fn create_user_cli(db: &DatabaseConnection, committee_code: &str, u: ValidUser) -> AppResult<User> {
    let committee = store::find_committee_by_code(db, committee_code).await?.ok_or(AppError::invalid("committee", "err.committee_unknown"))?;
    let txn = db.begin().await?;
    let user = insert_user_in(&txn, committee.id, u).await?;
    let who = Who::anonymous(Some(committee.id), "cli", "-");
    audit::record(&txn, &who, "create", "user", user.id, format!("命令行创建账号 {}（角色 {}）", user.username, user.role)).await?;
    txn.commit().await?;
    Ok(user)
}

/// The account `user_id`, if it belongs to the actor's committee.
async fn own_user(db: &DatabaseConnection, actor: &Actor, user_id: i64) -> AppResult<User> {
    store::find_user(db, user_id).await?.filter(|u| u.committee_id == actor.committee_id).ok_or(AppError::NotFound)
}

/// Lifts a lockout before its 15 minutes are over.
pub async fn unlock_user(db: &DatabaseConnection, actor: &Actor, user_id: i64, ip: &str) -> AppResult<()> {
    authorize(actor, Action::UnlockUser, &Target::own(actor))?;
    let user = own_user(db, actor, user_id).await?;
    let txn = db.begin().await?;
    store::clear_lock(&txn, user.id, None).await?;
    audit::record(&txn, &Who::actor(actor, ip), "unlock", "user", user.id, format!("解锁账号 {}", user.username)).await?;
    txn.commit().await?;
    Ok(())
}

/// Enables or disables an account; disabling ends its sessions. Nobody disables themselves.
pub async fn set_user_active(db: &DatabaseConnection, actor: &Actor, user_id: i64, active: bool, ip: &str) -> AppResult<()> {
    authorize(actor, Action::ManageUsers, &Target::own(actor))?;
    let user = own_user(db, actor, user_id).await?;
    if user.id == actor.user_id {
        return Err(AppError::Forbidden);
    }
    let txn = db.begin().await?;
    store::set_active(&txn, user.id, active).await?;
    if !active {
        auth::end_other_sessions(&txn, user.id, None).await?;
    }
    let (action, word) = if active { ("enable", "启用") } else { ("disable", "停用") };
    audit::record(&txn, &Who::actor(actor, ip), action, "user", user.id, format!("{word}账号 {}", user.username)).await?;
    txn.commit().await?;
    Ok(())
}

/// An administrator creates a committee below their own, with its first administrator.
pub async fn create_child_committee(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &CommitteeInput,
    admin: &UserInput,
    ip: &str,
) -> AppResult<Committee> {
    authorize(actor, Action::EditCommittee, &Target::own(actor))?;
    let parent = store::find_committee(db, actor.committee_id).await?.ok_or(AppError::NotFound)?;
    let mut check = Check::default();
    let c = input.parse(&mut check, Some(parent.id));
    let parent_level = CommitteeLevel::parse(&parent.level).map_err(|_| AppError::Internal(anyhow::anyhow!("bad level in database")))?;
    if c.as_ref().is_some_and(|c| !parent_level.may_contain(c.level)) {
        check.add(FieldError::new("level", "err.level_below"));
    }
    let admin = UserInput { role: Role::Admin.as_str().into(), unit: String::new(), ..admin.clone() };
    let u = admin.parse(&mut check);
    let (Some(c), Some(u), true) = (c, u, check.is_ok()) else {
        return Err(AppError::Invalid(check.0));
    };
    let txn = db.begin().await?;
    let committee = insert_committee_in(&txn, c).await?;
    let user = insert_user_in(&txn, committee.id, u).await?;
    let who = Who::actor(actor, ip);
    audit::record(&txn, &who, "create", "committee", committee.id, format!("创建下级政协 {}（{}）", committee.name, committee.code)).await?;
    audit::record(&txn, &who, "create", "user", user.id, format!("为{}创建系统管理员 {}", committee.name, user.username)).await?;
    txn.commit().await?;
    Ok(committee)
}
