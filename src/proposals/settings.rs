//! The committee's proposal settings: the filing number format and the list of grounds for not
//! filing. Both fall back to the national defaults until staff change them.
use sea_orm::{ConnectionTrait, DbErr, TransactionSession, TransactionTrait};

use crate::app::audit::{self, Who};
use crate::app::settings;
use crate::proposals::model::{DEFAULT_NUMBER_FORMAT, NOT_FILING_GROUNDS};

const NUMBER_FORMAT: &str = "proposals.number_format";
const GROUNDS: &str = "proposals.not_filing_grounds";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalSettings {
    pub number_format: String,
    pub grounds: Vec<String>,
}

impl Default for ProposalSettings {
    fn default() -> Self {
        Self { number_format: DEFAULT_NUMBER_FORMAT.into(), grounds: NOT_FILING_GROUNDS.iter().map(|g| g.to_string()).collect() }
    }
}

pub async fn load(db: &impl ConnectionTrait, committee_id: i64) -> Result<ProposalSettings, DbErr> {
    let d = ProposalSettings::default();
    Ok(ProposalSettings {
        number_format: settings::get(db, committee_id, NUMBER_FORMAT).await?.unwrap_or(d.number_format),
        grounds: match settings::get(db, committee_id, GROUNDS).await? {
            Some(text) => text.lines().map(str::to_string).collect(),
            None => d.grounds,
        },
    })
}

/// Saves checked settings (see `model::check_number_format` and `model::parse_grounds`).
pub async fn save(db: &impl TransactionTrait, committee_id: i64, s: &ProposalSettings, who: &Who) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    settings::set(&txn, committee_id, NUMBER_FORMAT, &s.number_format).await?;
    settings::set(&txn, committee_id, GROUNDS, &s.grounds.join("\n")).await?;
    audit::record(&txn, who, "update", "settings", committee_id, format!("提案设置：编号格式 {}，不予立案理由 {} 条", s.number_format, s.grounds.len())).await?;
    txn.commit().await
}
