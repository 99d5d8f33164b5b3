//! The demo's research records (filled in by the research area).
use sea_orm::{DatabaseTransaction, DbErr};

use crate::app::audit::Who;

pub async fn load(_txn: &DatabaseTransaction, _committee_id: i64, _member_ids: &[i64], _staff: &Who) -> Result<(), DbErr> {
    Ok(())
}
