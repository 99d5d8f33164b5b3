//! Public-opinion reports in the database: the tables, and the reads every view shares — one
//! report, a filtered page of them, their authors and outcomes, the parts of a combined report,
//! the queues. The moves are in `moves`, bulletins in `bulletins`.
use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::app::pagination::PageRequest;
use crate::opinions::model::{Facts, Level, OutcomeKind, ReportState, SourceType, SubmitterKind};
pub use crate::research::store::GroupScope;

pub mod report {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "opinion_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        /// The text as written (the original, kept when the office edits).
        pub title: String,
        pub body: String,
        /// A `model::Category` code.
        pub category: String,
        pub state: String,
        /// member, group, staff, informant or committee (came up from below).
        pub submitter_kind: String,
        /// An informant's or office's name; for a report from below, the committee and authors.
        pub submitter_name: String,
        pub group_id: Option<i64>,
        /// demand, visit or proposal.
        pub source_type: Option<String>,
        pub source_id: Option<i64>,
        /// The text as the office adopted it.
        pub edited_title: Option<String>,
        pub edited_body: Option<String>,
        /// Why it was returned or sent back by the leader.
        pub reason: String,
        /// A combined report (综合), made by merging others.
        pub combined: bool,
        /// The combined report it was merged into.
        pub combined_into_id: Option<i64>,
        /// Sent up from this child committee, as a copy of that report.
        pub from_committee_id: Option<i64>,
        pub from_report_id: Option<i64>,
        /// Its copy in the parent committee, once sent up.
        pub sent_up_id: Option<i64>,
        pub sent_up_at: Option<DateTimeUtc>,
        pub bulletin_id: Option<i64>,
        /// The China date it was sent in (the day it was written, while a draft).
        pub submitted_on: Date,
        pub created_by: Option<i64>,
        pub submitted_at: Option<DateTimeUtc>,
        pub screened_at: Option<DateTimeUtc>,
        pub approved_at: Option<DateTimeUtc>,
        pub issued_at: Option<DateTimeUtc>,
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
    #[sea_orm(table_name = "opinion_report_authors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        /// 0 for the first author.
        pub position: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod outcome {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "opinion_report_outcomes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub report_id: i64,
        /// adopted, combined, forwarded or instructed.
        pub kind: String,
        /// district, city, province or national.
        pub level: String,
        pub by_whom: String,
        pub on_date: Date,
        pub summary: String,
        /// Credited through a combined report.
        pub combined: bool,
        /// Recorded on this report (a copy above, a combined report), when not on this one.
        pub via_report_id: Option<i64>,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod bulletin {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "opinion_bulletins")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub year: i32,
        /// 第N期 of the year.
        pub seq: i32,
        pub issued_on: Date,
        /// 报: the leaders.
        pub leaders: String,
        /// 送: the units.
        pub units: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use bulletin::Model as Bulletin;
pub use outcome::Model as Outcome;
pub use report::Model as Report;

pub const ITEM_TYPE: &str = "opinion_report";

impl Report {
    pub fn state(&self) -> ReportState {
        ReportState::from_code(&self.state).unwrap_or(ReportState::Draft)
    }

    pub fn kind(&self) -> SubmitterKind {
        SubmitterKind::from_code(&self.submitter_kind).unwrap_or(SubmitterKind::Member)
    }

    pub fn source(&self) -> Option<(SourceType, i64)> {
        self.source_type.as_deref().and_then(SourceType::from_code).zip(self.source_id)
    }

    /// The text as it goes on: the adopted edit, else the original.
    pub fn current_title(&self) -> &str {
        self.edited_title.as_deref().unwrap_or(&self.title)
    }

    pub fn current_body(&self) -> &str {
        self.edited_body.as_deref().unwrap_or(&self.body)
    }

    /// What the rules of seeing and editing need.
    pub fn facts<'a>(&self, authors: &'a [i64]) -> Facts<'a> {
        Facts { state: self.state(), authors, created_by: self.created_by }
    }
}

impl Outcome {
    pub fn kind(&self) -> Option<OutcomeKind> {
        OutcomeKind::from_code(&self.kind)
    }

    pub fn level(&self) -> Option<Level> {
        Level::from_code(&self.level)
    }
}

/// Whose reports a list takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// The office and the leaders: everything sent in, and the viewer's own drafts.
    #[default]
    Office,
    /// A writer's own: authored by the member, or entered by the account.
    Own,
    /// Issued reports (the bulletins' readers).
    Issued,
}

/// Which reports a list or a count takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportFilter {
    pub scope: Scope,
    /// The viewer (drafts and own reports are decided by it).
    pub user_id: i64,
    pub member: Option<i64>,
    /// Sent in on or after, on or before (China dates).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub group: Option<GroupScope>,
    /// Written by this member (first author or not).
    pub member_id: Option<i64>,
    /// In one of these states (any when empty).
    pub states: Vec<ReportState>,
    /// With an outcome at this level.
    pub level: Option<Level>,
    /// Only reports that came up from a child committee (true) or only the committee's own.
    pub from_below: Option<bool>,
    /// Only the reports sent in, as 社情民意数 counts them ([`sent_in`]).
    pub sent_in: bool,
}

/// The reports sent in to the committee: no drafts, and no combined reports (made by
/// screening, they were never sent in). The statistics' cohort and the list behind it.
pub(crate) fn sent_in() -> Condition {
    Condition::all().add(report::Column::State.ne(ReportState::Draft.as_str())).add(report::Column::Combined.eq(false))
}

pub(crate) fn written_by(member_ids: Vec<i64>) -> SelectStatement {
    Query::select().column(author::Column::ReportId).from(author::Entity).and_where(author::Column::MemberId.is_in(member_ids)).to_owned()
}

fn with_outcome_at(level: Level) -> SelectStatement {
    Query::select().column(outcome::Column::ReportId).from(outcome::Entity).and_where(outcome::Column::Level.eq(level.as_str())).to_owned()
}

/// A group: reports written in its name (or a group's below it), or by one of its members.
pub(crate) fn in_group(g: &GroupScope) -> Condition {
    let mut any = Condition::any().add(report::Column::GroupId.is_in(g.group_ids.clone()));
    if !g.member_ids.is_empty() {
        any = any.add(report::Column::Id.in_subquery(written_by(g.member_ids.clone())));
    }
    any
}

fn filtered(committee_id: i64, f: &ReportFilter) -> sea_orm::Select<report::Entity> {
    use report::Column as C;
    let mut q = report::Entity::find().filter(C::CommitteeId.eq(committee_id));
    let own = Condition::any().add(C::CreatedBy.eq(f.user_id)).add(C::Id.in_subquery(written_by(vec![f.member.unwrap_or(-1)])));
    q = match f.scope {
        Scope::Office => q.filter(Condition::any().add(C::State.ne(ReportState::Draft.as_str())).add(C::CreatedBy.eq(f.user_id))),
        Scope::Own => q.filter(own),
        Scope::Issued => q.filter(C::State.eq(ReportState::Issued.as_str())),
    };
    if let Some(d) = f.from {
        q = q.filter(C::SubmittedOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::SubmittedOn.lte(d));
    }
    if let Some(g) = &f.group {
        q = q.filter(in_group(g));
    }
    if let Some(m) = f.member_id {
        q = q.filter(C::Id.in_subquery(written_by(vec![m])));
    }
    if !f.states.is_empty() {
        q = q.filter(C::State.is_in(f.states.iter().map(|s| s.as_str())));
    }
    if let Some(l) = f.level {
        q = q.filter(C::Id.in_subquery(with_outcome_at(l)));
    }
    if f.sent_in {
        q = q.filter(sent_in());
    }
    match f.from_below {
        Some(true) => q = q.filter(C::FromCommitteeId.is_not_null()),
        Some(false) => q = q.filter(C::FromCommitteeId.is_null()),
        None => {}
    }
    q
}

/// One page of reports, latest first, with the total.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &ReportFilter, page: PageRequest) -> Result<(Vec<Report>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(report::Column::SubmittedOn).order_by_desc(report::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

pub async fn count(db: &impl ConnectionTrait, committee_id: i64, f: &ReportFilter) -> Result<u64, DbErr> {
    filtered(committee_id, f).count(db).await
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Report>, DbErr> {
    report::Entity::find_by_id(id).filter(report::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// Reports of a committee in a state, oldest first (the merge and issue forms' choices).
pub async fn in_state(db: &impl ConnectionTrait, committee_id: i64, state: ReportState, limit: u64) -> Result<Vec<Report>, DbErr> {
    report::Entity::find()
        .filter(report::Column::CommitteeId.eq(committee_id))
        .filter(report::Column::State.eq(state.as_str()))
        .order_by_asc(report::Column::SubmittedOn)
        .order_by_asc(report::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The reports merged into a combined report.
pub async fn parts_of(db: &impl ConnectionTrait, combined_id: i64) -> Result<Vec<Report>, DbErr> {
    report::Entity::find().filter(report::Column::CombinedIntoId.eq(combined_id)).order_by_asc(report::Column::Id).all(db).await
}

/// The reports of a bulletin, in the order they were put in.
pub async fn of_bulletin(db: &impl ConnectionTrait, bulletin_id: i64) -> Result<Vec<Report>, DbErr> {
    report::Entity::find().filter(report::Column::BulletinId.eq(bulletin_id)).order_by_asc(report::Column::IssuedAt).order_by_asc(report::Column::Id).all(db).await
}

/// The authors of each given report, the first author first. A combined report has none of its
/// own: its parts' authors are its authors (see [`credited_authors`]).
pub async fn authors_of(db: &impl ConnectionTrait, report_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let select = |ids: Vec<i64>| author::Entity::find().filter(author::Column::ReportId.is_in(ids)).order_by_asc(author::Column::ReportId).order_by_asc(author::Column::Position);
    crate::app::db::per_item(db, report_ids, select, |a| (a.report_id, a.member_id)).await
}

/// The authors a report credits: its own, or for a combined report every part's, in order and
/// without repeats.
pub async fn credited_authors(db: &impl ConnectionTrait, r: &Report) -> Result<Vec<i64>, DbErr> {
    if !r.combined {
        return Ok(authors_of(db, &[r.id]).await?.remove(&r.id).unwrap_or_default());
    }
    let parts: Vec<i64> = parts_of(db, r.id).await?.iter().map(|p| p.id).collect();
    let by_part = authors_of(db, &parts).await?;
    let mut out = Vec::new();
    for m in parts.iter().filter_map(|p| by_part.get(p)).flatten() {
        if !out.contains(m) {
            out.push(*m);
        }
    }
    Ok(out)
}

/// The outcomes of each given report, oldest first.
pub async fn outcomes_of(db: &impl ConnectionTrait, report_ids: &[i64]) -> Result<HashMap<i64, Vec<Outcome>>, DbErr> {
    let select = |ids: Vec<i64>| outcome::Entity::find().filter(outcome::Column::ReportId.is_in(ids)).order_by_asc(outcome::Column::OnDate).order_by_asc(outcome::Column::Id);
    crate::app::db::per_item(db, report_ids, select, |o| (o.report_id, o)).await
}

/// Reports already written from a source (a demand or a proposal converted, a visit).
pub async fn from_source(db: &impl ConnectionTrait, committee_id: i64, source: SourceType, id: i64) -> Result<Vec<Report>, DbErr> {
    report::Entity::find()
        .filter(report::Column::CommitteeId.eq(committee_id))
        .filter(report::Column::SourceType.eq(source.as_str()))
        .filter(report::Column::SourceId.eq(id))
        .all(db)
        .await
}

pub async fn find_bulletin(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Bulletin>, DbErr> {
    bulletin::Entity::find_by_id(id).filter(bulletin::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// A committee's bulletins, latest first.
pub async fn bulletins(db: &impl ConnectionTrait, committee_id: i64, page: PageRequest) -> Result<(Vec<Bulletin>, u64), DbErr> {
    let q = bulletin::Entity::find().filter(bulletin::Column::CommitteeId.eq(committee_id));
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(bulletin::Column::Year).order_by_desc(bulletin::Column::Seq).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

/// How many reports each given bulletin holds.
pub async fn bulletin_sizes(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, usize>, DbErr> {
    let select = |ids: Vec<i64>| report::Entity::find().filter(report::Column::BulletinId.is_in(ids));
    Ok(crate::app::db::per_item(db, ids, select, |r| (r.bulletin_id.unwrap_or_default(), ())).await?.into_iter().map(|(k, v)| (k, v.len())).collect())
}
