//! The append-only audit log: logins, logouts, failures, lockouts and every data change.
//! This module only inserts and reads; the database refuses UPDATE and DELETE on the table.
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::app::auth::Actor;
use crate::app::pagination::PageRequest;
use crate::app::shell::day_start;

pub mod entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub committee_id: Option<i64>,
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub ip: String,
        pub action: String,
        pub object_type: String,
        pub object_id: String,
        pub summary: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entry::Model as AuditEntry;

/// Who did it, from where.
#[derive(Clone, Debug)]
pub struct Who {
    pub committee_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: String,
}

impl Who {
    pub fn actor(actor: &Actor, ip: &str) -> Self {
        Who {
            committee_id: Some(actor.committee_id),
            actor_id: Some(actor.user_id),
            actor_name: actor.username.clone(),
            ip: ip.to_string(),
        }
    }

    /// Someone not logged in (a login attempt, the first-run setup, the command line).
    pub fn anonymous(committee_id: Option<i64>, name: &str, ip: &str) -> Self {
        Who { committee_id, actor_id: None, actor_name: truncate(name, 64), ip: ip.to_string() }
    }
}

/// Appends one entry. Call it with the transaction that makes the change, so the change and
/// its record commit together or not at all.
pub async fn record(
    db: &impl ConnectionTrait,
    who: &Who,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    summary: impl Into<String>,
) -> Result<(), sea_orm::DbErr> {
    entry::ActiveModel {
        at: Set(Utc::now()),
        committee_id: Set(who.committee_id),
        actor_id: Set(who.actor_id),
        actor_name: Set(who.actor_name.clone()),
        ip: Set(who.ip.clone()),
        action: Set(action.to_string()),
        object_type: Set(object_type.to_string()),
        object_id: Set(truncate(&object_id.to_string(), 64)),
        summary: Set(summary.into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Filters of the auditor's page; all optional.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One page of a committee's entries, newest first. Entries without a committee (failed logins
/// with unknown usernames) are shown to every auditor.
pub async fn list(
    db: &impl ConnectionTrait,
    committee_id: i64,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<(Vec<AuditEntry>, u64), sea_orm::DbErr> {
    use entry::Column as C;
    let mut q = entry::Entity::find()
        .filter(C::CommitteeId.eq(committee_id).or(C::CommitteeId.is_null()));
    if let Some(a) = &filter.actor {
        q = q.filter(C::ActorName.eq(a.to_ascii_lowercase()));
    }
    if let Some(o) = &filter.object_type {
        q = q.filter(C::ObjectType.eq(o.as_str()));
    }
    if let Some(from) = filter.from {
        q = q.filter(C::At.gte(day_start(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        q = q.filter(C::At.lt(day_start(to)));
    }
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(C::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

/// The object types present in the log, for the filter's choices.
pub async fn object_types(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<String>, sea_orm::DbErr> {
    use entry::Column as C;
    entry::Entity::find()
        .select_only()
        .column(C::ObjectType)
        .distinct()
        .filter(C::CommitteeId.eq(committee_id).or(C::CommitteeId.is_null()))
        .order_by_asc(C::ObjectType)
        .into_tuple::<String>()
        .all(db)
        .await
}

