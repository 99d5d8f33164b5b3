//! Committees, handling units and user accounts in the database.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::app::pagination::PageRequest;
use crate::org::model::{CommitteeCode, CommitteeLevel, Role, Username};

pub mod committee {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "committees")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub parent_id: Option<i64>,
        pub code: String,
        pub name: String,
        pub level: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod unit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "units")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub name: String,
        pub created_at: DateTimeUtc,
        /// party_office, government or other
        pub kind: String,
        pub contact: Option<String>,
        pub phone: Option<String>,
        pub retired: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub username: String,
        pub display_name: String,
        pub password_hash: String,
        pub role: String,
        pub unit_id: Option<i64>,
        pub active: bool,
        pub failed_logins: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub password_changed_at: DateTimeUtc,
        pub last_login_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        pub fn is_locked(&self, now: DateTimeUtc) -> bool {
            self.locked_until.is_some_and(|t| t > now)
        }
    }
}

pub use committee::Model as Committee;
pub use unit::Model as Unit;

/// What kind of body a handling unit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    PartyOffice,
    Government,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 3] = [Self::PartyOffice, Self::Government, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PartyOffice => "party_office",
            Self::Government => "government",
            Self::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::PartyOffice => "unit.party_office",
            Self::Government => "unit.government",
            Self::Other => "unit.other",
        }
    }

    /// Party offices are named 区委…; most other units are government departments.
    pub fn from_name(name: &str) -> Self {
        if name.starts_with("区委") || name.starts_with("市委") || name.contains("党") { Self::PartyOffice } else { Self::Government }
    }
}

/// A committee's handling units, in name order.
pub async fn units(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<Unit>, sea_orm::DbErr> {
    unit::Entity::find().filter(unit::Column::CommitteeId.eq(committee_id)).order_by_asc(unit::Column::Id).all(db).await
}
pub use user::Model as User;

pub async fn committee_count(db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr> {
    committee::Entity::find().count(db).await
}

pub async fn find_committee(db: &impl ConnectionTrait, id: i64) -> Result<Option<Committee>, sea_orm::DbErr> {
    committee::Entity::find_by_id(id).one(db).await
}

pub async fn find_committee_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<Committee>, sea_orm::DbErr> {
    committee::Entity::find().filter(committee::Column::Code.eq(code)).one(db).await
}

/// The ids of a committee's ancestors, parent first. The tree is at most four levels deep.
pub async fn ancestors(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, sea_orm::DbErr> {
    let mut out = Vec::new();
    let mut current = find_committee(db, id).await?.and_then(|c| c.parent_id);
    while let Some(pid) = current {
        if out.contains(&pid) || out.len() > 8 {
            break; // a cycle cannot be created through the code; stop rather than loop if one appears
        }
        out.push(pid);
        current = find_committee(db, pid).await?.and_then(|c| c.parent_id);
    }
    Ok(out)
}

pub async fn children(db: &impl ConnectionTrait, id: i64) -> Result<Vec<Committee>, sea_orm::DbErr> {
    committee::Entity::find()
        .filter(committee::Column::ParentId.eq(id))
        .order_by_asc(committee::Column::Name)
        .all(db)
        .await
}

/// Every committee of `id`'s tree: its topmost ancestor and everything below it (信息互通 reads
/// across the tree). Breadth-first, the root first.
pub async fn tree(db: &impl ConnectionTrait, id: i64) -> Result<Vec<Committee>, sea_orm::DbErr> {
    let root = ancestors(db, id).await?.last().copied().unwrap_or(id);
    let mut out: Vec<Committee> = find_committee(db, root).await?.into_iter().collect();
    let mut next = 0;
    while next < out.len() {
        for c in children(db, out[next].id).await? {
            if !out.iter().any(|o| o.id == c.id) {
                out.push(c);
            }
        }
        next += 1;
    }
    Ok(out)
}

/// The ids of every committee below `id` (children, their children …), for roll-ups.
pub async fn tree_below(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(subtree(db, id).await?.into_iter().skip(1).map(|c| c.id).collect())
}

/// `id` and every committee below it, breadth-first with `id` first, each level by name: one
/// read of the committees however deep the tree (a province's roll-up walks 150 of them).
pub async fn subtree(db: &impl ConnectionTrait, id: i64) -> Result<Vec<Committee>, sea_orm::DbErr> {
    let all = committee::Entity::find().order_by_asc(committee::Column::Name).all(db).await?;
    let mut below: HashMap<i64, Vec<&Committee>> = HashMap::new();
    for c in &all {
        if let Some(p) = c.parent_id {
            below.entry(p).or_default().push(c);
        }
    }
    let mut out: Vec<Committee> = all.iter().filter(|c| c.id == id).cloned().collect();
    let mut seen: HashSet<i64> = HashSet::from([id]);
    let mut i = 0;
    while i < out.len() {
        for c in below.get(&out[i].id).into_iter().flatten() {
            if seen.insert(c.id) {
                out.push((*c).clone());
            }
        }
        i += 1;
    }
    Ok(out)
}

pub struct NewCommittee {
    pub code: CommitteeCode,
    pub name: String,
    pub level: CommitteeLevel,
    pub parent_id: Option<i64>,
}

/// Creates a committee with the default settings a new one starts with (demand categories).
pub async fn insert_committee(db: &impl ConnectionTrait, c: NewCommittee) -> Result<Committee, sea_orm::DbErr> {
    let saved = committee::ActiveModel {
        parent_id: Set(c.parent_id),
        code: Set(c.code.as_str().to_string()),
        name: Set(c.name),
        level: Set(c.level.as_str().to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    crate::org::structure::seed_categories(db, saved.id).await?;
    Ok(saved)
}

/// The id of the committee's handling unit called `name`, created if it does not exist yet.
pub async fn unit_id_for(db: &impl ConnectionTrait, committee_id: i64, name: &str) -> Result<i64, sea_orm::DbErr> {
    let found = unit::Entity::find()
        .filter(unit::Column::CommitteeId.eq(committee_id))
        .filter(unit::Column::Name.eq(name))
        .one(db)
        .await?;
    if let Some(u) = found {
        return Ok(u.id);
    }
    let u = unit::ActiveModel {
        committee_id: Set(committee_id),
        name: Set(name.to_string()),
        created_at: Set(Utc::now()),
        kind: Set(UnitKind::from_name(name).as_str().to_string()),
        contact: Set(None),
        phone: Set(None),
        retired: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(u.id)
}

pub struct NewUser {
    pub committee_id: i64,
    pub username: Username,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub unit_id: Option<i64>,
}

pub async fn insert_user(db: &impl ConnectionTrait, u: NewUser) -> Result<User, sea_orm::DbErr> {
    let now = Utc::now();
    user::ActiveModel {
        committee_id: Set(u.committee_id),
        username: Set(u.username.as_str().to_string()),
        display_name: Set(u.display_name),
        password_hash: Set(u.password_hash),
        role: Set(u.role.as_str().to_string()),
        unit_id: Set(u.unit_id),
        active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        password_changed_at: Set(now),
        last_login_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find_user(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, sea_orm::DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

pub async fn find_user_by_username(db: &impl ConnectionTrait, username: &str) -> Result<Option<User>, sea_orm::DbErr> {
    user::Entity::find().filter(user::Column::Username.eq(username)).one(db).await
}

/// One page of a committee's accounts with the names of their units.
pub async fn list_users(
    db: &impl ConnectionTrait,
    committee_id: i64,
    page: PageRequest,
) -> Result<(Vec<(User, Option<String>)>, u64), sea_orm::DbErr> {
    let query = user::Entity::find().filter(user::Column::CommitteeId.eq(committee_id));
    let total = query.clone().count(db).await?;
    let users = query
        .order_by_asc(user::Column::Username)
        .offset(page.offset())
        .limit(page.limit())
        .all(db)
        .await?;
    let unit_ids: Vec<i64> = users.iter().filter_map(|u| u.unit_id).collect();
    let units = unit::Entity::find().filter(unit::Column::Id.is_in(unit_ids)).all(db).await?;
    let rows = users
        .into_iter()
        .map(|u| {
            let name = u.unit_id.and_then(|id| units.iter().find(|x| x.id == id)).map(|x| x.name.clone());
            (u, name)
        })
        .collect();
    Ok((rows, total))
}

pub async fn set_password_hash(db: &impl ConnectionTrait, user_id: i64, hash: String) -> Result<(), sea_orm::DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::PasswordChangedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds one failed login and returns the new count. The increment happens in the database so
/// that concurrent attempts on several app nodes all count.
pub async fn count_failed_login(db: &impl ConnectionTrait, user_id: i64) -> Result<i32, sea_orm::DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::col(user::Column::FailedLogins).add(1))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let count = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::FailedLogins)
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(count.unwrap_or(0))
}

/// Locks the account until `until` and restarts the failure count.
pub async fn lock_user(db: &impl ConnectionTrait, user_id: i64, until: DateTime<Utc>) -> Result<(), sea_orm::DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::LockedUntil, Expr::value(until))
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Clears failures and any lock; with `login_at`, also records a successful login.
pub async fn clear_lock(db: &impl ConnectionTrait, user_id: i64, login_at: Option<DateTime<Utc>>) -> Result<(), sea_orm::DbErr> {
    let mut q = user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None));
    if let Some(at) = login_at {
        q = q.col_expr(user::Column::LastLoginAt, Expr::value(at));
    }
    q.filter(user::Column::Id.eq(user_id)).exec(db).await?;
    Ok(())
}

pub async fn set_active(db: &impl ConnectionTrait, user_id: i64, active: bool) -> Result<(), sea_orm::DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::Active, Expr::value(active))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The committee's active member and leader accounts, which member records may link to.
pub async fn member_accounts(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<User>, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::CommitteeId.eq(committee_id))
        .filter(user::Column::Role.is_in([Role::Member.as_str(), Role::Leader.as_str()]))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Username)
        .all(db)
        .await
}

pub async fn count_users(db: &impl ConnectionTrait, committee_id: i64) -> Result<u64, sea_orm::DbErr> {
    user::Entity::find().filter(user::Column::CommitteeId.eq(committee_id)).count(db).await
}
