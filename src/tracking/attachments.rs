//! Files attached to any tracked item (first of all citizens' photos of a demand), stored in the
//! database so every app node serves them without a shared disk, and listed without their bytes.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::tracking::photos::CleanImage;

pub mod attachment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub item_type: String,
        pub item_id: i64,
        pub mime: String,
        /// EXIF orientation (1–8) read before the metadata was stripped.
        pub orientation: i16,
        pub width: i32,
        pub height: i32,
        pub size: i32,
        pub bytes: Vec<u8>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use attachment::Model as Attachment;

/// What a page needs to show an attachment, without loading its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: i64,
    pub mime: String,
    pub orientation: i16,
    pub width: i32,
    pub height: i32,
    pub size: i32,
}

/// Stores a cleaned image for an item; call it in the item's transaction.
pub async fn add(db: &impl ConnectionTrait, committee_id: i64, item_type: &str, item_id: i64, img: &CleanImage, at: DateTime<Utc>) -> Result<i64, DbErr> {
    let saved = attachment::ActiveModel {
        committee_id: Set(committee_id),
        item_type: Set(item_type.to_string()),
        item_id: Set(item_id),
        mime: Set(img.kind.mime().to_string()),
        orientation: Set(i16::from(img.orientation)),
        width: Set(img.width as i32),
        height: Set(img.height as i32),
        size: Set(img.bytes.len() as i32),
        bytes: Set(img.bytes.clone()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(saved.id)
}

/// An item's attachments in upload order, without their bytes.
pub async fn list(db: &impl ConnectionTrait, item_type: &str, item_id: i64) -> Result<Vec<AttachmentMeta>, DbErr> {
    use attachment::Column as C;
    let rows: Vec<(i64, String, i16, i32, i32, i32)> = attachment::Entity::find()
        .filter(C::ItemType.eq(item_type))
        .filter(C::ItemId.eq(item_id))
        .order_by_asc(C::Id)
        .select_only()
        .columns([C::Id, C::Mime, C::Orientation, C::Width, C::Height, C::Size])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, mime, orientation, width, height, size)| AttachmentMeta { id, mime, orientation, width, height, size }).collect())
}

/// One attachment with its bytes, if it belongs to the given item.
pub async fn find(db: &impl ConnectionTrait, item_type: &str, item_id: i64, id: i64) -> Result<Option<Attachment>, DbErr> {
    use attachment::Column as C;
    attachment::Entity::find_by_id(id).filter(C::ItemType.eq(item_type)).filter(C::ItemId.eq(item_id)).one(db).await
}

/// One attachment with its bytes, by id alone (the caller checks what it belongs to).
pub async fn attachment_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Attachment>, DbErr> {
    attachment::Entity::find_by_id(id).one(db).await
}
