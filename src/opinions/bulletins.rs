//! 《社情民意》: numbered bulletins (第N期, numbering per committee and year) that carry one or
//! several approved reports to their recipients (报 leaders, 送 units). The number is
//! `MAX(seq) + 1` under a unique index; an issue that collides with a concurrent one starts
//! over in a fresh transaction, so numbers are never repeated and never skipped.
use std::time::Duration;

use chrono::Datelike;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set, SqlErr, TransactionSession, TransactionTrait};
use serde::Deserialize;

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, choices};
use crate::app::shell::local_date;
use crate::opinions::model::{ReportState, bulletin_name, one_line};
use crate::opinions::moves::{By, Seat};
use crate::opinions::store::{Bulletin, ITEM_TYPE, bulletin, report};
use crate::tracking::store::{self as tracking, NewEvent};

/// The issue form as sent: the approved reports ticked, the leaders (报) and the units (送).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BulletinForm {
    #[serde(default)]
    pub report_ids: Vec<String>,
    #[serde(default)]
    pub leaders: String,
    #[serde(default)]
    pub unit_ids: Vec<String>,
}

impl crate::app::forms::ListFields for BulletinForm {
    const LISTS: &'static [&'static str] = &["report_ids", "unit_ids"];
}

/// A checked issue: which reports, to whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBulletin {
    pub report_ids: Vec<i64>,
    pub leaders: String,
    /// The units' names, as printed.
    pub units: String,
}

impl BulletinForm {
    /// At least one approved report; the leaders it goes to (2–500 characters); units among the
    /// committee's (`units`: id and name).
    pub fn parse(&self, approved: &[i64], units: &[(i64, String)]) -> Result<NewBulletin, Vec<FieldError>> {
        let mut k = Check::default();
        let report_ids = k.take(choices("report_ids", &self.report_ids, approved)).unwrap_or_default();
        if report_ids.is_empty() && k.is_ok() {
            k.add(FieldError::new("report_ids", "opinion.err.bulletin_reports"));
        }
        let leaders = one_line(&self.leaders);
        if !(2..=500).contains(&leaders.chars().count()) {
            k.add(FieldError::new("leaders", "opinion.err.leaders"));
        }
        let ids: Vec<i64> = units.iter().map(|(id, _)| *id).collect();
        let picked = k.take(choices("unit_ids", &self.unit_ids, &ids)).unwrap_or_default();
        let units = picked.iter().filter_map(|id| units.iter().find(|(u, _)| u == id).map(|(_, n)| n.as_str())).collect::<Vec<_>>().join("、");
        if k.is_ok() { Ok(NewBulletin { report_ids, leaders, units }) } else { Err(k.0) }
    }
}

/// What one attempt at issuing came to.
pub enum Issued {
    Done(Bulletin),
    /// A report was no longer approved (issued meanwhile, or sent back).
    Stale,
}

/// Issues the reports in the next bulletin of the year, retrying when a concurrent issue took
/// the number.
pub async fn issue(db: &impl TransactionTrait, seat: &Seat, b: &NewBulletin, who: &Who) -> AppResult<Bulletin> {
    let mut attempt = 0;
    loop {
        let txn = db.begin().await?;
        let by = By::now(who);
        let result = match issue_once(&txn, seat, b, by).await {
            Ok(Issued::Done(saved)) => txn.commit().await.map(|_| saved),
            Ok(Issued::Stale) => return Err(AppError::invalid("report_ids", "err.wrong_state")),
            Err(e) => {
                let _ = txn.rollback().await;
                Err(e)
            }
        };
        match result {
            Ok(saved) => return Ok(saved),
            Err(e) if retryable(&e) && attempt < 20 => {}
            Err(e) => return Err(e.into()),
        }
        attempt += 1;
        tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
    }
}

/// One attempt, in the caller's transaction (the demo calls it directly).
pub async fn issue_once(txn: &impl ConnectionTrait, seat: &Seat, b: &NewBulletin, by: By<'_>) -> Result<Issued, DbErr> {
    let day = local_date(&by.at);
    let year = day.year();
    let current: Option<i64> = bulletin::Entity::find()
        .filter(bulletin::Column::CommitteeId.eq(seat.id))
        .filter(bulletin::Column::Year.eq(year))
        .select_only()
        .column_as(Expr::expr(Func::max(Expr::col(bulletin::Column::Seq))).cast_as(Alias::new("BIGINT")), "m")
        .into_tuple::<Option<i64>>()
        .one(txn)
        .await?
        .flatten();
    let seq = current.unwrap_or(0) as i32 + 1;
    let saved = bulletin::ActiveModel {
        committee_id: Set(seat.id),
        year: Set(year),
        seq: Set(seq),
        issued_on: Set(day),
        leaders: Set(b.leaders.clone()),
        units: Set(b.units.clone()),
        created_by: Set(by.who.actor_id),
        created_at: Set(by.at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let moved = report::Entity::update_many()
        .col_expr(report::Column::State, Expr::value(ReportState::Issued.as_str()))
        .col_expr(report::Column::BulletinId, Expr::value(saved.id))
        .col_expr(report::Column::IssuedAt, Expr::value(by.at))
        .col_expr(report::Column::UpdatedAt, Expr::value(by.at))
        .filter(report::Column::Id.is_in(b.report_ids.clone()))
        .filter(report::Column::CommitteeId.eq(seat.id))
        .filter(report::Column::State.eq(ReportState::Approved.as_str()))
        .exec(txn)
        .await?;
    if moved.rows_affected != b.report_ids.len() as u64 {
        return Ok(Issued::Stale);
    }
    let name = bulletin_name(year, seq);
    for id in &b.report_ids {
        let e = NewEvent {
            committee_id: seat.id,
            item_type: ITEM_TYPE,
            item_id: *id,
            actor_id: by.who.actor_id,
            actor_name: &by.who.actor_name,
            action: "issue",
            from_state: Some(ReportState::Approved.as_str()),
            to_state: Some(ReportState::Issued.as_str()),
            comment: &name,
        };
        tracking::record_at(txn, e, by.at).await?;
    }
    audit::record(txn, by.who, "issue", "opinion_bulletin", saved.id, format!("印发{name}，{} 篇", b.report_ids.len())).await?;
    Ok(Issued::Done(saved))
}

/// A clash another try can resolve: the number was taken meanwhile, or SQLite's writer lock.
fn retryable(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) || {
        let text = e.to_string();
        text.contains("database is locked") || text.contains("could not serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_names_its_reports_and_recipients() {
        let units = [(5, "区住房和城乡建设局".to_string()), (6, "区财政局".to_string())];
        let f = BulletinForm { report_ids: vec!["3".into(), "4".into()], leaders: " 区委、区政府领导 ".into(), unit_ids: vec!["6".into(), "5".into()] };
        let b = f.parse(&[3, 4, 9], &units).unwrap();
        assert_eq!(b, NewBulletin { report_ids: vec![3, 4], leaders: "区委、区政府领导".into(), units: "区财政局、区住房和城乡建设局".into() });
        let bad = BulletinForm { report_ids: vec![], leaders: String::new(), unit_ids: vec!["7".into()] };
        let fields: Vec<_> = bad.parse(&[3], &units).unwrap_err().into_iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(fields, [("report_ids", "opinion.err.bulletin_reports"), ("leaders", "opinion.err.leaders"), ("unit_ids", "err.choice")]);
        let not_approved = BulletinForm { report_ids: vec!["8".into()], leaders: "区委领导".into(), unit_ids: vec![] };
        assert_eq!(not_approved.parse(&[3], &units).unwrap_err()[0].key, "err.choice");
    }
}
