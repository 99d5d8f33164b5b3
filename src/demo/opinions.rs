//! The demo's public-opinion reports (filled in by the opinions area).
use sea_orm::{DatabaseTransaction, DbErr};

use crate::app::audit::Who;

/// `city_id`: the committee above, which screens what the district sends up.
pub async fn load(_txn: &DatabaseTransaction, _committee_id: i64, _city_id: i64, _member_ids: &[i64], _staff: &Who) -> Result<(), DbErr> {
    Ok(())
}
