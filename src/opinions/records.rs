//! The outcome records: the register staff keep and export (every dated outcome of the
//! committee's reports under filters), and what each member was credited with in a year — the
//! reports it sent in and the outcomes they had — for the evaluation area to score.
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::app::pagination::PageRequest;
use crate::opinions::model::{Level, OutcomeKind, ReportState};
use crate::opinions::store::{GroupScope, Outcome, Report, author, in_group, outcome, report, written_by};

/// Which outcome records the register shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegisterFilter {
    /// The outcome's date, on or after / on or before.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub level: Option<Level>,
    pub kind: Option<OutcomeKind>,
    /// Reports of a group (in its name, or by its members).
    pub group: Option<GroupScope>,
    /// Reports written by this member.
    pub member_id: Option<i64>,
}

fn reports_of(committee_id: i64, f: &RegisterFilter) -> sea_orm::sea_query::SelectStatement {
    let mut q = report::Entity::find().select_only().column(report::Column::Id).filter(report::Column::CommitteeId.eq(committee_id));
    if let Some(g) = &f.group {
        q = q.filter(in_group(g));
    }
    if let Some(m) = f.member_id {
        q = q.filter(report::Column::Id.in_subquery(written_by(vec![m])));
    }
    sea_orm::QueryTrait::into_query(q)
}

fn filtered(committee_id: i64, f: &RegisterFilter) -> sea_orm::Select<outcome::Entity> {
    let mut q = outcome::Entity::find().filter(outcome::Column::ReportId.in_subquery(reports_of(committee_id, f)));
    if let Some(d) = f.from {
        q = q.filter(outcome::Column::OnDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(outcome::Column::OnDate.lte(d));
    }
    if let Some(l) = f.level {
        q = q.filter(outcome::Column::Level.eq(l.as_str()));
    }
    if let Some(k) = f.kind {
        q = q.filter(outcome::Column::Kind.eq(k.as_str()));
    }
    q
}

/// One page of outcome records, latest first, each with its report, and the total.
pub async fn register(db: &impl ConnectionTrait, committee_id: i64, f: &RegisterFilter, page: PageRequest) -> Result<(Vec<(Outcome, Report)>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(outcome::Column::OnDate).order_by_desc(outcome::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((with_reports(db, rows).await?, total))
}

async fn with_reports(db: &impl ConnectionTrait, rows: Vec<Outcome>) -> Result<Vec<(Outcome, Report)>, DbErr> {
    let mut ids: Vec<i64> = rows.iter().map(|o| o.report_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut reports = std::collections::HashMap::new();
    for chunk in ids.chunks(5_000) {
        reports.extend(report::Entity::find().filter(report::Column::Id.is_in(chunk.to_vec())).all(db).await?.into_iter().map(|r| (r.id, r)));
    }
    Ok(rows.into_iter().filter_map(|o| reports.get(&o.report_id).cloned().map(|r| (o, r))).collect())
}

/// Every record under the filters, oldest first, up to `cap` (the export).
pub async fn register_all(db: &impl ConnectionTrait, committee_id: i64, f: &RegisterFilter, cap: u64) -> Result<Vec<(Outcome, Report)>, DbErr> {
    let rows = filtered(committee_id, f).order_by_asc(outcome::Column::OnDate).order_by_asc(outcome::Column::Id).limit(cap).all(db).await?;
    with_reports(db, rows).await
}

/// A report a member sent in during a year, as the evaluation area scores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MemberReport {
    pub report_id: i64,
    pub committee_id: i64,
    pub title: String,
    pub submitted_on: NaiveDate,
    pub state: ReportState,
    /// The member is its first author.
    pub lead: bool,
    /// How many members wrote it.
    pub authors: u32,
}

/// An outcome credited to a member: a dated record of one of its reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MemberOutcome {
    pub outcome_id: i64,
    pub report_id: i64,
    pub title: String,
    pub kind: OutcomeKind,
    pub level: Level,
    pub on_date: NaiveDate,
    /// The leader who wrote an instruction, the committee that adopted it, the departments.
    pub by_whom: String,
    pub summary: String,
    /// Credited through a combined report (综合采用): the scoring rules may weigh it less.
    pub combined: bool,
    /// The member is the report's first author.
    pub lead: bool,
    /// How many members wrote the report.
    pub authors: u32,
}

fn year_span(year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    (first, NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first))
}

/// For each report: (the member's position on it, how many authors it has).
async fn positions(db: &impl ConnectionTrait, member_id: i64, report_ids: &[i64]) -> Result<std::collections::HashMap<i64, (i32, u32)>, DbErr> {
    let mut out = std::collections::HashMap::new();
    for chunk in report_ids.chunks(5_000) {
        for a in author::Entity::find().filter(author::Column::ReportId.is_in(chunk.to_vec())).all(db).await? {
            let e = out.entry(a.report_id).or_insert((i32::MAX, 0u32));
            e.1 += 1;
            if a.member_id == member_id {
                e.0 = a.position;
            }
        }
    }
    Ok(out)
}

/// The reports `member_id` wrote (alone or jointly) and sent in during `year`, oldest first.
pub async fn reports_of_member(db: &impl ConnectionTrait, member_id: i64, year: i32) -> Result<Vec<MemberReport>, DbErr> {
    let (first, last) = year_span(year);
    let rows = report::Entity::find()
        .filter(report::Column::Id.in_subquery(written_by(vec![member_id])))
        .filter(report::Column::State.ne(ReportState::Draft.as_str()))
        .filter(report::Column::SubmittedOn.between(first, last))
        .order_by_asc(report::Column::SubmittedOn)
        .order_by_asc(report::Column::Id)
        .all(db)
        .await?;
    let pos = positions(db, member_id, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (p, n) = pos.get(&r.id).copied().unwrap_or((i32::MAX, 1));
            MemberReport { report_id: r.id, committee_id: r.committee_id, state: r.state(), title: r.title, submitted_on: r.submitted_on, lead: p == 0, authors: n }
        })
        .collect())
}

/// The outcomes dated in `year` of the reports `member_id` wrote — adoptions at each level
/// (alone or combined), forwardings and leaders' instructions, those recorded above flowed back
/// onto the member's own report — oldest first.
pub async fn outcomes_of_member(db: &impl ConnectionTrait, member_id: i64, year: i32) -> Result<Vec<MemberOutcome>, DbErr> {
    let (first, last) = year_span(year);
    let mine = Query::select().column(author::Column::ReportId).from(author::Entity).and_where(author::Column::MemberId.eq(member_id)).to_owned();
    let rows = outcome::Entity::find()
        .filter(outcome::Column::ReportId.in_subquery(mine))
        .filter(outcome::Column::OnDate.between(first, last))
        .order_by_asc(outcome::Column::OnDate)
        .order_by_asc(outcome::Column::Id)
        .all(db)
        .await?;
    let rows = with_reports(db, rows).await?;
    let pos = positions(db, member_id, &rows.iter().map(|(o, _)| o.report_id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, r)| {
            let (p, n) = pos.get(&r.id).copied().unwrap_or((i32::MAX, 1));
            Some(MemberOutcome {
                kind: o.kind()?,
                level: o.level()?,
                outcome_id: o.id,
                report_id: r.id,
                title: r.title,
                on_date: o.on_date,
                by_whom: o.by_whom,
                summary: o.summary,
                combined: o.combined,
                lead: p == 0,
                authors: n,
            })
        })
        .collect())
}
