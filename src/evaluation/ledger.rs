//! The duty ledger: every member's dated duty records, read from the items that produced them
//! ("谁组织谁记录": the activity's roll, the proposal's signers, the report's authors, the
//! visit's visitors, the reception's members on duty, the consultation's participants) plus the
//! manual records staff add with a reason.
//!
//! The records are derived from their sources each time rather than copied into a table of
//! their own, so a record always follows its source: a proposal that is not filed after all, an
//! attendance corrected after the activity or an author taken off a report changes the ledger at
//! once, with no second write path to drift. What must not change any more — a frozen year —
//! is kept as a snapshot by the evaluation store.
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};
use serde::{Deserialize, Serialize};

use crate::activities::model::ActivityKind;
use crate::activities::store::{activity, participant};
use crate::app::shell::{day_start, local_date};
use crate::consultations::store::{consultation, participant as consultation_participant};
use crate::evaluation::rules::{Credit, Record};
use crate::evaluation::store::manual;
use crate::opinions::store::{author as opinion_author, outcome as opinion_outcome, report as opinion_report};
use crate::proposals::model::ProposalState;
use crate::proposals::store::{proposal, signer};
use crate::research::store::{author as research_author, outcome as research_outcome, report as research_report};
use crate::studios::store::{reception, reception_member};
use crate::visits::store::{visit, visitor};

/// One record of a member's ledger, with what the file shows of its source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entry {
    pub member_id: i64,
    #[schema(value_type = Object)]
    pub record: Record,
    /// The source's title (an activity, a proposal …) or a manual record's reason.
    pub title: String,
}

impl Entry {
    /// The page of the record's source, where there is one.
    pub fn href(&self) -> Option<String> {
        let area = match self.record.source_type.as_str() {
            "activity" => "activities",
            "proposal" => "proposals",
            "opinion_report" => "opinion-reports",
            "research_report" => "research-reports",
            "visit" => "visits",
            "reception" => "receptions",
            "consultation" => "consultations",
            _ => return None,
        };
        Some(format!("/{area}/{}", self.record.source_id))
    }
}

/// Whose records and which days (both inclusive, China dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub committee_id: i64,
    /// One member's file, or every member of the committee.
    pub member_id: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Every record in the span, oldest first (ties in source order).
pub async fn entries(db: &impl ConnectionTrait, span: Span) -> Result<Vec<Entry>, DbErr> {
    let mut out = Vec::new();
    out.extend(activities(db, span).await?);
    out.extend(proposals(db, span).await?);
    out.extend(opinion_reports(db, span).await?);
    out.extend(research_reports(db, span).await?);
    out.extend(simple(db, span, visits_query(span), "visit", "visit").await?);
    out.extend(simple(db, span, receptions_query(span), "studio_duty", "reception").await?);
    out.extend(simple(db, span, consultations_query(span), "consultation_attended", "consultation").await?);
    out.extend(manual_records(db, span).await?);
    out.sort_by(|a, b| (a.record.on, &a.record.source_type, a.record.source_id, &a.record.kind).cmp(&(b.record.on, &b.record.source_type, b.record.source_id, &b.record.kind)));
    Ok(out)
}

fn entry(member_id: i64, kind: &str, on: NaiveDate, credit: Credit, source_type: &str, source_id: i64, title: String) -> Entry {
    Entry { member_id, record: Record { kind: kind.into(), on, credit, source_type: source_type.into(), source_id }, title }
}

fn lead_or_joint(position: i32) -> Credit {
    if position == 0 { Credit::Full } else { Credit::Joint }
}

/// Adds the member filter on `col` when the span is one member's.
fn for_member(q: &mut SelectStatement, span: Span, col: impl sea_orm::sea_query::IntoColumnRef) {
    if let Some(m) = span.member_id {
        q.and_where(Expr::col(col).eq(m));
    }
}

async fn rows(db: &impl ConnectionTrait, q: &SelectStatement) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all(q).await
}

/// The activity's roll: present, on leave or absent, by the kind of meeting.
async fn activities(db: &impl ConnectionTrait, span: Span) -> Result<Vec<Entry>, DbErr> {
    use activity::Column as A;
    use participant::Column as P;
    let mut q = Query::select()
        .columns([(participant::Entity, P::MemberId), (participant::Entity, P::Attendance)])
        .columns([(activity::Entity, A::OnDate), (activity::Entity, A::Id), (activity::Entity, A::Title), (activity::Entity, A::Kind)])
        .from(participant::Entity)
        .inner_join(activity::Entity, Expr::col((activity::Entity, A::Id)).equals((participant::Entity, P::ActivityId)))
        .and_where(Expr::col((activity::Entity, A::CommitteeId)).eq(span.committee_id))
        .and_where(Expr::col((activity::Entity, A::OnDate)).between(span.from, span.to))
        .and_where(Expr::col((participant::Entity, P::Attendance)).is_in(["present", "on_leave", "absent"]))
        .to_owned();
    for_member(&mut q, span, (participant::Entity, P::MemberId));
    let mut out = Vec::new();
    for r in rows(db, &q).await? {
        let (member, attendance): (i64, String) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
        let (on, id, title, kind): (NaiveDate, i64, String, String) = (r.try_get_by_index(2)?, r.try_get_by_index(3)?, r.try_get_by_index(4)?, r.try_get_by_index(5)?);
        let Some(kind) = activity_kind(ActivityKind::from_code(&kind), &attendance) else { continue };
        out.push(entry(member, kind, on, Credit::Full, "activity", id, title));
    }
    Ok(out)
}

/// The record kind of an attendance: plenaries and standing-committee meetings apart, service
/// activities as what they were, every other activity as an activity.
pub fn activity_kind(kind: Option<ActivityKind>, attendance: &str) -> Option<&'static str> {
    Some(match (kind, attendance) {
        (Some(ActivityKind::Plenary), "present") => "plenary_present",
        (Some(ActivityKind::Plenary), "on_leave") => "plenary_leave",
        (Some(ActivityKind::Plenary), "absent") => "plenary_absent",
        (Some(ActivityKind::StandingCommittee), "present") => "standing_present",
        (Some(ActivityKind::StandingCommittee), "on_leave") => "standing_leave",
        (Some(ActivityKind::StandingCommittee), "absent") => "standing_absent",
        (Some(ActivityKind::Volunteering), "present") => "volunteering",
        (Some(ActivityKind::Assistance), "present") => "assistance",
        (_, "present") => "activity_present",
        (_, "on_leave") => "activity_leave",
        (_, "absent") => "activity_absent",
        _ => return None,
    })
}


/// Filed proposals (numbered: filed, handed over, answered …) for each signer, on the day
/// filed; key and excellent proposals add their own record.
async fn proposals(db: &impl ConnectionTrait, span: Span) -> Result<Vec<Entry>, DbErr> {
    use proposal::Column as P;
    use signer::Column as S;
    let numbered: Vec<&str> = ProposalState::ALL.into_iter().filter(|s| s.numbered()).map(|s| s.as_str()).collect();
    let mut q = Query::select()
        .columns([(signer::Entity, S::MemberId), (signer::Entity, S::Position)])
        .columns([(proposal::Entity, P::FiledAt), (proposal::Entity, P::Id), (proposal::Entity, P::Title), (proposal::Entity, P::KeyProposal), (proposal::Entity, P::Excellent)])
        .from(signer::Entity)
        .inner_join(proposal::Entity, Expr::col((proposal::Entity, P::Id)).equals((signer::Entity, S::ProposalId)))
        .and_where(Expr::col((proposal::Entity, P::CommitteeId)).eq(span.committee_id))
        .and_where(Expr::col((proposal::Entity, P::State)).is_in(numbered))
        .and_where(Expr::col((proposal::Entity, P::FiledAt)).gte(day_start(span.from)))
        .and_where(Expr::col((proposal::Entity, P::FiledAt)).lt(day_start(span.to + Duration::days(1))))
        .to_owned();
    for_member(&mut q, span, (signer::Entity, S::MemberId));
    let mut out = Vec::new();
    for r in rows(db, &q).await? {
        let (member, position): (i64, i32) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
        let filed: chrono::DateTime<chrono::Utc> = r.try_get_by_index(2)?;
        let (id, title, key, excellent): (i64, String, bool, bool) = (r.try_get_by_index(3)?, r.try_get_by_index(4)?, r.try_get_by_index(5)?, r.try_get_by_index(6)?);
        let (on, credit) = (local_date(&filed), lead_or_joint(position));
        out.push(entry(member, "proposal_filed", on, credit, "proposal", id, title.clone()));
        if key {
            out.push(entry(member, "proposal_key", on, credit, "proposal", id, title.clone()));
        }
        if excellent {
            out.push(entry(member, "proposal_excellent", on, credit, "proposal", id, title));
        }
    }
    Ok(out)
}

/// Reports sent in (on the day sent), and their adoptions and instructions at each level (on
/// the day recorded), for each author; combined adoptions count as combined.
async fn opinion_reports(db: &impl ConnectionTrait, span: Span) -> Result<Vec<Entry>, DbErr> {
    use opinion_author::Column as A;
    use opinion_outcome::Column as O;
    use opinion_report::Column as R;
    let base = |q: &mut SelectStatement| {
        q.inner_join(opinion_author::Entity, Expr::col((opinion_author::Entity, A::ReportId)).equals((opinion_report::Entity, R::Id)))
            .and_where(Expr::col((opinion_report::Entity, R::CommitteeId)).eq(span.committee_id));
        for_member(q, span, (opinion_author::Entity, A::MemberId));
    };
    let mut sent = Query::select()
        .columns([(opinion_author::Entity, A::MemberId), (opinion_author::Entity, A::Position)])
        .columns([(opinion_report::Entity, R::SubmittedOn), (opinion_report::Entity, R::Id), (opinion_report::Entity, R::Title)])
        .from(opinion_report::Entity)
        .and_where(Expr::col((opinion_report::Entity, R::State)).ne("draft"))
        .and_where(Expr::col((opinion_report::Entity, R::SubmittedOn)).between(span.from, span.to))
        .to_owned();
    base(&mut sent);
    let mut out = Vec::new();
    for r in rows(db, &sent).await? {
        let (member, position, on, id, title): (i64, i32, NaiveDate, i64, String) =
            (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?, r.try_get_by_index(4)?);
        out.push(entry(member, "opinion_submitted", on, lead_or_joint(position), "opinion_report", id, title));
    }
    let mut outcomes = Query::select()
        .columns([(opinion_author::Entity, A::MemberId), (opinion_author::Entity, A::Position)])
        .columns([(opinion_outcome::Entity, O::OnDate)])
        .columns([(opinion_report::Entity, R::Id), (opinion_report::Entity, R::Title)])
        .columns([(opinion_outcome::Entity, O::Kind), (opinion_outcome::Entity, O::Level), (opinion_outcome::Entity, O::Combined)])
        .from(opinion_outcome::Entity)
        .inner_join(opinion_report::Entity, Expr::col((opinion_report::Entity, R::Id)).equals((opinion_outcome::Entity, O::ReportId)))
        .and_where(Expr::col((opinion_outcome::Entity, O::Kind)).is_in(["adopted", "combined", "instructed"]))
        .and_where(Expr::col((opinion_outcome::Entity, O::OnDate)).between(span.from, span.to))
        .to_owned();
    base(&mut outcomes);
    for r in rows(db, &outcomes).await? {
        let (member, position, on, id, title): (i64, i32, NaiveDate, i64, String) =
            (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?, r.try_get_by_index(4)?);
        let (kind, level, combined): (String, String, bool) = (r.try_get_by_index(5)?, r.try_get_by_index(6)?, r.try_get_by_index(7)?);
        let (record, credit) = match kind.as_str() {
            "instructed" => (format!("instruction_{level}"), lead_or_joint(position)),
            _ if combined || kind == "combined" => (format!("opinion_adopted_{level}"), Credit::Combined),
            _ => (format!("opinion_adopted_{level}"), lead_or_joint(position)),
        };
        out.push(entry(member, &record, on, credit, "opinion_report", id, title));
    }
    Ok(out)
}

/// Research reports for each author (on the report's date) and leaders' instructions on them.
async fn research_reports(db: &impl ConnectionTrait, span: Span) -> Result<Vec<Entry>, DbErr> {
    use research_author::Column as A;
    use research_outcome::Column as O;
    use research_report::Column as R;
    let mut written = Query::select()
        .columns([(research_author::Entity, A::MemberId), (research_author::Entity, A::Position)])
        .columns([(research_report::Entity, R::OnDate), (research_report::Entity, R::Id), (research_report::Entity, R::Title)])
        .from(research_author::Entity)
        .inner_join(research_report::Entity, Expr::col((research_report::Entity, R::Id)).equals((research_author::Entity, A::ReportId)))
        .and_where(Expr::col((research_report::Entity, R::CommitteeId)).eq(span.committee_id))
        .and_where(Expr::col((research_report::Entity, R::OnDate)).between(span.from, span.to))
        .to_owned();
    for_member(&mut written, span, (research_author::Entity, A::MemberId));
    let mut out = Vec::new();
    for r in rows(db, &written).await? {
        let (member, position, on, id, title): (i64, i32, NaiveDate, i64, String) =
            (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?, r.try_get_by_index(4)?);
        out.push(entry(member, "research_report", on, lead_or_joint(position), "research_report", id, title));
    }
    let mut instructed = Query::select()
        .columns([(research_author::Entity, A::MemberId), (research_author::Entity, A::Position)])
        .columns([(research_outcome::Entity, O::OnDate)])
        .columns([(research_report::Entity, R::Id), (research_report::Entity, R::Title)])
        .columns([(research_outcome::Entity, O::Level)])
        .from(research_outcome::Entity)
        .inner_join(research_report::Entity, Expr::col((research_report::Entity, R::Id)).equals((research_outcome::Entity, O::ReportId)))
        .inner_join(research_author::Entity, Expr::col((research_author::Entity, A::ReportId)).equals((research_report::Entity, R::Id)))
        .and_where(Expr::col((research_report::Entity, R::CommitteeId)).eq(span.committee_id))
        .and_where(Expr::col((research_outcome::Entity, O::Kind)).eq("instructed"))
        .and_where(Expr::col((research_outcome::Entity, O::OnDate)).between(span.from, span.to))
        .to_owned();
    for_member(&mut instructed, span, (research_author::Entity, A::MemberId));
    for r in rows(db, &instructed).await? {
        let (member, position, on, id, title, level): (i64, i32, NaiveDate, i64, String, String) =
            (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?, r.try_get_by_index(4)?, r.try_get_by_index(5)?);
        out.push(entry(member, &format!("instruction_{level}"), on, lead_or_joint(position), "research_report", id, title));
    }
    Ok(out)
}

/// Visits: each visitor, on the day, titled by whom they visited.
fn visits_query(span: Span) -> SelectStatement {
    use visit::Column as V;
    use visitor::Column as W;
    let mut q = Query::select()
        .column((visitor::Entity, W::MemberId))
        .columns([(visit::Entity, V::OnDate), (visit::Entity, V::Id), (visit::Entity, V::Names)])
        .from(visitor::Entity)
        .inner_join(visit::Entity, Expr::col((visit::Entity, V::Id)).equals((visitor::Entity, W::VisitId)))
        .and_where(Expr::col((visit::Entity, V::CommitteeId)).eq(span.committee_id))
        .and_where(Expr::col((visit::Entity, V::OnDate)).between(span.from, span.to))
        .to_owned();
    for_member(&mut q, span, (visitor::Entity, W::MemberId));
    q
}

/// Studio receptions: each member on duty, on the day, titled by the studio's notes.
fn receptions_query(span: Span) -> SelectStatement {
    use reception::Column as R;
    use reception_member::Column as M;
    let mut q = Query::select()
        .column((reception_member::Entity, M::MemberId))
        .columns([(reception::Entity, R::HeldOn), (reception::Entity, R::Id), (reception::Entity, R::Notes)])
        .from(reception_member::Entity)
        .inner_join(reception::Entity, Expr::col((reception::Entity, R::Id)).equals((reception_member::Entity, M::ReceptionId)))
        .and_where(Expr::col((reception::Entity, R::CommitteeId)).eq(span.committee_id))
        .and_where(Expr::col((reception::Entity, R::HeldOn)).between(span.from, span.to))
        .to_owned();
    for_member(&mut q, span, (reception_member::Entity, M::MemberId));
    q
}

/// Consultations held: each member present.
fn consultations_query(span: Span) -> SelectStatement {
    use consultation::Column as C;
    use consultation_participant::Column as P;
    let mut q = Query::select()
        .column((consultation_participant::Entity, P::MemberId))
        .columns([(consultation::Entity, C::HeldOn), (consultation::Entity, C::Id), (consultation::Entity, C::Title)])
        .from(consultation_participant::Entity)
        .inner_join(consultation::Entity, Expr::col((consultation::Entity, C::Id)).equals((consultation_participant::Entity, P::ConsultationId)))
        .and_where(Expr::col((consultation::Entity, C::CommitteeId)).eq(span.committee_id))
        .and_where(Expr::col((consultation::Entity, C::HeldOn)).between(span.from, span.to))
        .and_where(Expr::col((consultation_participant::Entity, P::Kind)).eq("member"))
        .and_where(Expr::col((consultation_participant::Entity, P::Attendance)).eq("present"))
        .and_where(Expr::col((consultation_participant::Entity, P::MemberId)).is_not_null())
        .to_owned();
    for_member(&mut q, span, (consultation_participant::Entity, P::MemberId));
    q
}

/// Sources whose rows are (member, day, id, title) and give one kind of record in full.
async fn simple(db: &impl ConnectionTrait, _span: Span, q: SelectStatement, kind: &str, source_type: &str) -> Result<Vec<Entry>, DbErr> {
    let mut out = Vec::new();
    for r in rows(db, &q).await? {
        let (member, on, id, title): (i64, NaiveDate, i64, String) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?);
        let title = if title.trim().is_empty() { String::new() } else { title.chars().take(60).collect() };
        out.push(entry(member, kind, on, Credit::Full, source_type, id, title));
    }
    Ok(out)
}

/// The records staff added by hand, with their reasons.
async fn manual_records(db: &impl ConnectionTrait, span: Span) -> Result<Vec<Entry>, DbErr> {
    use manual::Column as M;
    let mut q = Query::select()
        .columns([M::MemberId, M::Kind, M::OnDate, M::Id, M::Reason])
        .from(manual::Entity)
        .and_where(Expr::col(M::CommitteeId).eq(span.committee_id))
        .and_where(Expr::col(M::OnDate).between(span.from, span.to))
        .to_owned();
    for_member(&mut q, span, M::MemberId);
    let mut out = Vec::new();
    for r in rows(db, &q).await? {
        let (member, kind, on, id, reason): (i64, String, NaiveDate, i64, String) =
            (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?, r.try_get_by_index(4)?);
        out.push(entry(member, &kind, on, Credit::Full, "manual", id, reason));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_becomes_the_record_of_its_meeting() {
        use ActivityKind::*;
        let k = |kind, a| activity_kind(Some(kind), a);
        assert_eq!(k(Plenary, "present"), Some("plenary_present"));
        assert_eq!(k(Plenary, "absent"), Some("plenary_absent"));
        assert_eq!(k(StandingCommittee, "on_leave"), Some("standing_leave"));
        assert_eq!(k(Volunteering, "present"), Some("volunteering"));
        assert_eq!(k(Volunteering, "absent"), Some("activity_absent"), "missing a service is missing an activity");
        assert_eq!(k(Assistance, "present"), Some("assistance"));
        assert_eq!(k(Study, "present"), Some("activity_present"));
        assert_eq!(k(Study, "invited"), None, "an open roll is no record yet");
        assert_eq!(activity_kind(None, "present"), Some("activity_present"));
    }

    #[test]
    fn a_record_links_to_its_source() {
        let e = entry(1, "visit", NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(), Credit::Full, "visit", 7, String::new());
        assert_eq!(e.href().as_deref(), Some("/visits/7"));
        let m = entry(1, "manual", NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(), Credit::Full, "manual", 7, "理由".into());
        assert_eq!(m.href(), None);
    }
}
