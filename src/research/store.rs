//! Research reports in the database: a report with its authors (and its document in the shared
//! attachments table) written in one transaction with its audit record; outcomes; lists and
//! totals under filters; a member's reports; the shared reports of the exchange feed.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
    TransactionSession, TransactionTrait,
};

use crate::app::audit::{self, Who};
use crate::app::pagination::PageRequest;
use crate::research::model::{Document, Level, OutcomeInput, OutcomeKind, ReportInput, one_line};
use crate::tracking::attachments::{self, AttachmentMeta, attachment};

pub mod report {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "research_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub title: String,
        /// A `model::Topic` code.
        pub topic: String,
        /// The group (联组 or 小组) in whose name it was written.
        pub group_id: Option<i64>,
        /// Where the research was done.
        pub place_id: Option<i64>,
        /// Submitted on (China date).
        pub on_date: Date,
        pub summary: String,
        pub body: String,
        /// 报送对象, e.g. 区委、区政府.
        pub recipients: String,
        /// The attached document's name, empty without one.
        pub file_name: String,
        /// 信息互通: committees of the same tree see it in their feed.
        pub shared: bool,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod author {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "research_report_authors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        /// 0 for the lead author.
        pub position: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod outcome {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "research_report_outcomes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub report_id: i64,
        /// adopted, instructed or forwarded.
        pub kind: String,
        /// district, city, province or national.
        pub level: String,
        pub by_whom: String,
        pub on_date: Date,
        pub summary: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use outcome::Model as Outcome;
pub use report::Model as Report;

pub const ITEM_TYPE: &str = "research_report";

impl Outcome {
    pub fn kind(&self) -> Option<OutcomeKind> {
        OutcomeKind::from_code(&self.kind)
    }

    pub fn level(&self) -> Option<Level> {
        Level::from_code(&self.level)
    }
}

/// Saves a report with its authors and document.
pub async fn create(db: &impl TransactionTrait, committee_id: i64, r: &ReportInput, file: Option<&Document>, who: &Who) -> Result<Report, DbErr> {
    let txn = db.begin().await?;
    let saved = insert(&txn, committee_id, r, file, who, Utc::now()).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("提交调研报告《{}》", saved.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a report at `now` (the demo passes past instants) with its authors and document.
pub async fn insert(txn: &impl ConnectionTrait, committee_id: i64, r: &ReportInput, file: Option<&Document>, who: &Who, now: DateTime<Utc>) -> Result<Report, DbErr> {
    let saved = report::ActiveModel {
        committee_id: Set(committee_id),
        title: Set(r.title.clone()),
        topic: Set(r.topic.as_str().into()),
        group_id: Set(r.group_id),
        place_id: Set(r.place_id),
        on_date: Set(r.on_date),
        summary: Set(r.summary.clone()),
        body: Set(r.body.clone()),
        recipients: Set(r.recipients.clone()),
        file_name: Set(file.map(|f| f.name.clone()).unwrap_or_default()),
        shared: Set(r.shared),
        created_by: Set(who.actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    set_authors(txn, saved.id, &r.author_ids).await?;
    if let Some(f) = file {
        attach(txn, committee_id, saved.id, f, now).await?;
    }
    Ok(saved)
}

async fn set_authors(txn: &impl ConnectionTrait, report_id: i64, author_ids: &[i64]) -> Result<(), DbErr> {
    author::Entity::delete_many().filter(author::Column::ReportId.eq(report_id)).exec(txn).await?;
    if !author_ids.is_empty() {
        let rows = author_ids.iter().enumerate().map(|(i, m)| author::ActiveModel { report_id: Set(report_id), member_id: Set(*m), position: Set(i as i32) });
        author::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

/// Stores the document as the report's only attachment (a new one replaces the old).
async fn attach(txn: &impl ConnectionTrait, committee_id: i64, report_id: i64, f: &Document, now: DateTime<Utc>) -> Result<(), DbErr> {
    attachment::Entity::delete_many()
        .filter(attachment::Column::ItemType.eq(ITEM_TYPE))
        .filter(attachment::Column::ItemId.eq(report_id))
        .exec(txn)
        .await?;
    attachment::ActiveModel {
        committee_id: Set(committee_id),
        item_type: Set(ITEM_TYPE.into()),
        item_id: Set(report_id),
        mime: Set(f.kind.mime().into()),
        // Image fields; a document has no orientation or pixel size.
        orientation: Set(1),
        width: Set(0),
        height: Set(0),
        size: Set(f.bytes.len() as i32),
        bytes: Set(f.bytes.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Saves an edited report: its fields, its authors, and a new document if one was sent (the
/// old one is kept otherwise).
pub async fn update(db: &impl TransactionTrait, before: &Report, r: &ReportInput, file: Option<&Document>, who: &Who) -> Result<Report, DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut row = before.clone().into_active_model();
    row.title = Set(r.title.clone());
    row.topic = Set(r.topic.as_str().into());
    row.group_id = Set(r.group_id);
    row.place_id = Set(r.place_id);
    row.on_date = Set(r.on_date);
    row.summary = Set(r.summary.clone());
    row.body = Set(r.body.clone());
    row.recipients = Set(r.recipients.clone());
    row.shared = Set(r.shared);
    row.updated_at = Set(now);
    if let Some(f) = file {
        row.file_name = Set(f.name.clone());
        attach(&txn, before.committee_id, before.id, f, now).await?;
    }
    let saved = row.update(&txn).await?;
    set_authors(&txn, saved.id, &r.author_ids).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, saved.id, format!("修改调研报告《{}》", saved.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Records what came of a report.
pub async fn add_outcome(db: &impl TransactionTrait, r: &Report, o: &OutcomeInput, who: &Who) -> Result<Outcome, DbErr> {
    let txn = db.begin().await?;
    let saved = insert_outcome(&txn, r.id, o, who, Utc::now()).await?;
    audit::record(&txn, who, "outcome", ITEM_TYPE, r.id, format!("调研报告《{}》：{} {}", r.title, o.level.as_str(), o.kind.as_str())).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts an outcome at `now` (the demo passes past instants).
pub async fn insert_outcome(txn: &impl ConnectionTrait, report_id: i64, o: &OutcomeInput, who: &Who, now: DateTime<Utc>) -> Result<Outcome, DbErr> {
    outcome::ActiveModel {
        report_id: Set(report_id),
        kind: Set(o.kind.as_str().into()),
        level: Set(o.level.as_str().into()),
        by_whom: Set(o.by_whom.clone()),
        on_date: Set(o.on_date),
        summary: Set(o.summary.clone()),
        created_by: Set(who.actor_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
}

/// A group as a list filter: reports written in its name (or a group below it), or by one of
/// its members.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupScope {
    pub group_ids: Vec<i64>,
    pub member_ids: Vec<i64>,
}

/// Which reports a list or a total takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportFilter {
    /// Submitted on or after, on or before (China dates).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub group: Option<GroupScope>,
    /// Researched at one of these places (a place and those below it).
    pub place_ids: Option<Vec<i64>>,
    /// Written by this member (lead or not).
    pub member_id: Option<i64>,
    /// With at least one outcome of this kind.
    pub outcome: Option<OutcomeKind>,
}

fn written_by(member_ids: Vec<i64>) -> sea_orm::sea_query::SelectStatement {
    Query::select().column(author::Column::ReportId).from(author::Entity).and_where(author::Column::MemberId.is_in(member_ids)).to_owned()
}

fn filtered(committee_id: i64, f: &ReportFilter) -> sea_orm::Select<report::Entity> {
    let mut q = report::Entity::find().filter(report::Column::CommitteeId.eq(committee_id));
    if let Some(d) = f.from {
        q = q.filter(report::Column::OnDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(report::Column::OnDate.lte(d));
    }
    if let Some(g) = &f.group {
        let mut any = Condition::any().add(report::Column::GroupId.is_in(g.group_ids.clone()));
        if !g.member_ids.is_empty() {
            any = any.add(report::Column::Id.in_subquery(written_by(g.member_ids.clone())));
        }
        q = q.filter(any);
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(report::Column::PlaceId.is_in(p.clone()));
    }
    if let Some(m) = f.member_id {
        q = q.filter(report::Column::Id.in_subquery(written_by(vec![m])));
    }
    if let Some(k) = f.outcome {
        let with = Query::select().column(outcome::Column::ReportId).from(outcome::Entity).and_where(outcome::Column::Kind.eq(k.as_str())).to_owned();
        q = q.filter(report::Column::Id.in_subquery(with));
    }
    q
}

/// One page of reports, latest first, with the total.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &ReportFilter, page: PageRequest) -> Result<(Vec<Report>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(report::Column::OnDate).order_by_desc(report::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Report>, DbErr> {
    report::Entity::find_by_id(id).filter(report::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The figures of the reports under a filter: reports submitted (调研报告数), reports adopted at
/// any level, and leader instructions recorded on them (领导批示数).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ReportTotals {
    pub reports: u64,
    pub adopted: u64,
    pub instructions: u64,
}

pub async fn totals(db: &impl ConnectionTrait, committee_id: i64, f: &ReportFilter) -> Result<ReportTotals, DbErr> {
    let reports = filtered(committee_id, f).count(db).await?;
    let ids = || filtered(committee_id, f).select_only().column(report::Column::Id).into_query();
    let rows: Vec<(String, i64, i64)> = outcome::Entity::find()
        .filter(outcome::Column::ReportId.in_subquery(ids()))
        .filter(outcome::Column::Kind.is_in([OutcomeKind::Adopted.as_str(), OutcomeKind::Instructed.as_str()]))
        .select_only()
        .column(outcome::Column::Kind)
        .column_as(Expr::expr(Func::count(Expr::col(outcome::Column::Id))).cast_as(Alias::new("BIGINT")), "n")
        .column_as(Expr::expr(Func::count_distinct(Expr::col(outcome::Column::ReportId))).cast_as(Alias::new("BIGINT")), "reports")
        .group_by(outcome::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut t = ReportTotals { reports, ..Default::default() };
    for (kind, n, distinct) in rows {
        match OutcomeKind::from_code(&kind) {
            Some(OutcomeKind::Adopted) => t.adopted = distinct as u64,
            Some(OutcomeKind::Instructed) => t.instructions = n as u64,
            _ => {}
        }
    }
    Ok(t)
}

/// The authors of each given report, the lead first.
pub async fn authors_of(db: &impl ConnectionTrait, report_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let select = |ids: Vec<i64>| author::Entity::find().filter(author::Column::ReportId.is_in(ids)).order_by_asc(author::Column::ReportId).order_by_asc(author::Column::Position);
    crate::app::db::per_item(db, report_ids, select, |a| (a.report_id, a.member_id)).await
}

/// The outcomes of each given report, oldest first.
pub async fn outcomes_of(db: &impl ConnectionTrait, report_ids: &[i64]) -> Result<HashMap<i64, Vec<Outcome>>, DbErr> {
    let select = |ids: Vec<i64>| outcome::Entity::find().filter(outcome::Column::ReportId.is_in(ids)).order_by_asc(outcome::Column::OnDate).order_by_asc(outcome::Column::Id);
    crate::app::db::per_item(db, report_ids, select, |o| (o.report_id, o)).await
}

/// A member's reports, latest first, at most `limit`, with how many there are (the file page).
pub async fn member_reports(db: &impl ConnectionTrait, committee_id: i64, member_id: i64, limit: u64) -> Result<(Vec<Report>, u64), DbErr> {
    let f = ReportFilter { member_id: Some(member_id), ..Default::default() };
    list(db, committee_id, &f, PageRequest { page: 1, per_page: limit }).await
}

/// The attached document of a report, without its bytes.
pub async fn document_of(db: &impl ConnectionTrait, report_id: i64) -> Result<Option<AttachmentMeta>, DbErr> {
    Ok(attachments::list(db, ITEM_TYPE, report_id).await?.into_iter().next())
}

/// A one-line summary of at most 120 characters: the summary, else the body, else the title.
fn feed_summary(r: &Report) -> String {
    let source = [&r.summary, &r.body].into_iter().map(|s| one_line(s)).find(|s| !s.is_empty()).unwrap_or_else(|| r.title.clone());
    let mut out: String = source.chars().take(120).collect();
    if source.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// The shared reports of these committees, latest first, for the exchange feed.
pub async fn shared(db: &impl ConnectionTrait, committee_ids: &[i64], limit: u64) -> Result<Vec<crate::exchange::SharedItem>, DbErr> {
    let rows = report::Entity::find()
        .filter(report::Column::CommitteeId.is_in(committee_ids.to_vec()))
        .filter(report::Column::Shared.eq(true))
        .order_by_desc(report::Column::OnDate)
        .order_by_desc(report::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::exchange::SharedItem {
            committee_id: r.committee_id,
            kind_key: "nav.research",
            summary: feed_summary(&r),
            href: format!("/research-reports/{}", r.id),
            title: r.title,
            on_date: r.on_date,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(summary: &str, body: &str) -> Report {
        let now = Utc::now();
        Report {
            id: 1,
            committee_id: 1,
            title: "关于托育服务的调研报告".into(),
            topic: "livelihood".into(),
            group_id: None,
            place_id: None,
            on_date: NaiveDate::from_ymd_opt(2022, 3, 1).unwrap(),
            summary: summary.into(),
            body: body.into(),
            recipients: String::new(),
            file_name: String::new(),
            shared: true,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn the_feed_shows_the_summary_else_the_body_else_the_title_on_one_short_line() {
        assert_eq!(feed_summary(&report(" 建议\n增加托位 ", "正文")), "建议 增加托位");
        assert_eq!(feed_summary(&report("", "一、基本情况\n二、问题")), "一、基本情况 二、问题");
        assert_eq!(feed_summary(&report(" ", "")), "关于托育服务的调研报告", "a report carried by its file");
        let long = feed_summary(&report("", &"字".repeat(300)));
        assert_eq!((long.chars().count(), long.ends_with('…')), (121, true));
    }
}
