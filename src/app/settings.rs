//! A committee's settings as key/value text: each area reads its own keys through typed
//! accessors and falls back to its defaults when a key was never set.
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

pub mod setting {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub committee_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The value of `key`, if the committee has set it.
pub async fn get(db: &impl ConnectionTrait, committee_id: i64, key: &str) -> Result<Option<String>, DbErr> {
    Ok(setting::Entity::find()
        .filter(setting::Column::CommitteeId.eq(committee_id))
        .filter(setting::Column::Key.eq(key))
        .one(db)
        .await?
        .map(|s| s.value))
}

/// Sets `key` (insert or replace). The caller audits the change with its meaning.
pub async fn set(db: &impl ConnectionTrait, committee_id: i64, key: &str, value: &str) -> Result<(), DbErr> {
    let row = setting::ActiveModel { committee_id: Set(committee_id), key: Set(key.into()), value: Set(value.into()), updated_at: Set(Utc::now()) };
    setting::Entity::insert(row)
        .on_conflict(OnConflict::columns([setting::Column::CommitteeId, setting::Column::Key]).update_columns([setting::Column::Value, setting::Column::UpdatedAt]).to_owned())
        .exec(db)
        .await?;
    Ok(())
}
