//! Proposal metrics (提案统计) for the statistics area, with the definitions of DOMAIN.md.
//!
//! The cohort is the proposals *submitted* in the period (China dates, inclusive); each is
//! counted by where it stands now. So a period's filing and answer rates grow as its proposals
//! are handled, and a proposal answered after the period still counts for the period it was
//! submitted in.
//!
//! - received (收到): sent in, i.e. [`ProposalState::received`] (not a draft, not collecting
//!   signatures); every other count is among the received ones.
//! - filed (立案): it has a filing number. A filed proposal keeps its number through assignment,
//!   answer, rating and conclusion, so filed counts those states too. Merged (并案), not filed
//!   (不予立案) and converted proposals have no number; still pending ones neither, which is why
//!   `filing_rate = filed ÷ received` is low for a period whose review is not over.
//! - answered (办复): filed and given an approved answer at least once (`answered_at` is set);
//!   a proposal sent back for re-handling stays answered. `answer_rate = answered ÷ filed`.
//! - on time (按期办复): answered on or before its deadline (the `proposals.deadline` column,
//!   extensions included; an answered proposal without a deadline is not on time).
//!   `on_time_answer_rate = on_time_answered ÷ filed`. The store rewrites `answered_at` when a
//!   re-handled proposal is answered again, so on time refers to the latest approved answer.
//! - class A/B/C (答复类别): each answered proposal counted once, with the class of its first
//!   answering part in assignment order that is still in force (not withdrawn or objected).
//!   单办 and 会办 have exactly one answering part (会办 co-units give opinions, not classes);
//!   for 分办 that is the first unit named. Shares are of the classified answers, A + B + C,
//!   so they add up to 100%.
//! - ratings (满意度测评): each proposer's latest rating (highest round) of each proposal, counted
//!   once. `satisfaction_rate = (satisfied + basically satisfied) ÷ ratings`.
//!
//! Rates are ratios in 0..=1, `None` when the denominator is 0; [`percent`] prints them.
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::app::shell::local_date;
use crate::proposals::model::{AnswerClass, PartState, ProposalState, Satisfaction};
use crate::proposals::store::{part, proposal, rating, signer};

/// What the metrics need to know of one proposal.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalFacts {
    pub state: ProposalState,
    /// It has a filing number (立案).
    pub filed: bool,
    /// The China date of its (latest) approved answer.
    pub answered_on: Option<NaiveDate>,
    /// The answer deadline, extensions included.
    pub deadline: Option<NaiveDate>,
    /// The class of its first answering part in force (see the module documentation).
    pub class: Option<AnswerClass>,
    /// Each proposer's latest rating, one per proposer who rated.
    pub ratings: Vec<Satisfaction>,
}

/// The proposal figures of a committee (or part of it) for a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProposalMetrics {
    /// 收到提案: sent in during the period.
    pub received: u64,
    /// 立案: given a filing number.
    pub filed: u64,
    /// 立案率: filed ÷ received.
    pub filing_rate: Option<f64>,
    /// 并案.
    pub merged: u64,
    /// 不予立案.
    pub not_filed: u64,
    /// 转为社情民意信息、意见建议或转送上级政协.
    pub converted: u64,
    /// 已办复: filed and answered at least once.
    pub answered: u64,
    /// 办复率: answered ÷ filed.
    pub answer_rate: Option<f64>,
    /// 按期办复: answered on or before the deadline.
    pub on_time_answered: u64,
    /// 按期办复率: on-time answered ÷ filed.
    pub on_time_answer_rate: Option<f64>,
    /// A 类: solved or adopted.
    pub class_a: u64,
    /// B 类: planned or partly solved.
    pub class_b: u64,
    /// C 类: kept for reference.
    pub class_c: u64,
    /// A ÷ (A + B + C).
    pub class_a_share: Option<f64>,
    /// B ÷ (A + B + C).
    pub class_b_share: Option<f64>,
    /// C ÷ (A + B + C).
    pub class_c_share: Option<f64>,
    /// Ratings counted: each proposer's latest rating of each proposal.
    pub ratings: u64,
    /// 满意.
    pub satisfied: u64,
    /// 基本满意.
    pub basically_satisfied: u64,
    /// 不满意.
    pub unsatisfied: u64,
    /// 满意率: (satisfied + basically satisfied) ÷ ratings.
    pub satisfaction_rate: Option<f64>,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The metrics of a set of proposals (see the module documentation for the definitions).
pub fn compute(facts: &[ProposalFacts]) -> ProposalMetrics {
    let mut m = ProposalMetrics::default();
    for f in facts.iter().filter(|f| f.state.received()) {
        m.received += 1;
        match f.state {
            ProposalState::Merged => m.merged += 1,
            ProposalState::NotFiled => m.not_filed += 1,
            ProposalState::Converted => m.converted += 1,
            _ => {}
        }
        for r in &f.ratings {
            match r {
                Satisfaction::Satisfied => m.satisfied += 1,
                Satisfaction::BasicallySatisfied => m.basically_satisfied += 1,
                Satisfaction::Unsatisfied => m.unsatisfied += 1,
            }
        }
        if !f.filed {
            continue;
        }
        m.filed += 1;
        let Some(answered) = f.answered_on else { continue };
        m.answered += 1;
        if f.deadline.is_some_and(|d| answered <= d) {
            m.on_time_answered += 1;
        }
        match f.class {
            Some(AnswerClass::A) => m.class_a += 1,
            Some(AnswerClass::B) => m.class_b += 1,
            Some(AnswerClass::C) => m.class_c += 1,
            None => {}
        }
    }
    m.ratings = m.satisfied + m.basically_satisfied + m.unsatisfied;
    let classified = m.class_a + m.class_b + m.class_c;
    m.filing_rate = ratio(m.filed, m.received);
    m.answer_rate = ratio(m.answered, m.filed);
    m.on_time_answer_rate = ratio(m.on_time_answered, m.filed);
    m.class_a_share = ratio(m.class_a, classified);
    m.class_b_share = ratio(m.class_b, classified);
    m.class_c_share = ratio(m.class_c, classified);
    m.satisfaction_rate = ratio(m.satisfied + m.basically_satisfied, m.ratings);
    m
}

/// A rate as the pages print it: "87.5%", "100%", or "—" when there is nothing to divide by.
pub fn percent(r: Option<f64>) -> String {
    match r {
        None => "—".into(),
        Some(r) => {
            let s = format!("{:.1}", r * 100.0);
            format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
        }
    }
}

/// Whose proposals are counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum MetricScope {
    /// The whole committee.
    #[default]
    All,
    /// Proposals one of these members signed (lead proposer or co-signer), each counted once;
    /// a group, sector or place becomes the list of its members.
    Members(Vec<i64>),
}

/// The first instant of a China (UTC+8) date.
fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - Duration::hours(8)
}

/// The proposals of the committee and scope submitted from `from` to `to` (China dates, inclusive).
fn in_period(committee_id: i64, from: NaiveDate, to: NaiveDate, scope: &MetricScope) -> Condition {
    let end = to.succ_opt().map(day_start).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let mut c = Condition::all()
        .add(proposal::Column::CommitteeId.eq(committee_id))
        .add(proposal::Column::SubmittedAt.gte(day_start(from)))
        .add(proposal::Column::SubmittedAt.lt(end));
    if let MetricScope::Members(members) = scope {
        let signed = Query::select()
            .column(signer::Column::ProposalId)
            .from(signer::Entity)
            .and_where(signer::Column::MemberId.is_in(members.iter().copied()))
            .to_owned();
        c = c.add(proposal::Column::Id.in_subquery(signed));
    }
    c
}

fn ids_where(c: Condition) -> SelectStatement {
    Query::select().column(proposal::Column::Id).from(proposal::Entity).cond_where(c).to_owned()
}

/// The metrics of the committee's proposals submitted from `from` to `to` (China dates,
/// inclusive) within `scope`: three queries, whatever the number of proposals.
pub async fn load(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, scope: &MetricScope) -> Result<ProposalMetrics, DbErr> {
    Ok(compute(&facts(db, committee_id, from, to, scope).await?))
}

/// The facts of every proposal submitted in the period within `scope` (drafts that were sent in
/// once and withdrawn included; [`compute`] leaves them out).
pub async fn facts(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, scope: &MetricScope) -> Result<Vec<ProposalFacts>, DbErr> {
    if matches!(scope, MetricScope::Members(m) if m.is_empty()) || from > to {
        return Ok(Vec::new());
    }
    let period = in_period(committee_id, from, to, scope);
    let t = std::time::Instant::now();
    type Row = (i64, String, Option<String>, Option<DateTime<Utc>>, Option<NaiveDate>);
    let rows: Vec<Row> = proposal::Entity::find()
        .filter(period.clone())
        .select_only()
        .column(proposal::Column::Id)
        .column(proposal::Column::State)
        .column(proposal::Column::Number)
        .column(proposal::Column::AnsweredAt)
        .column(proposal::Column::Deadline)
        .into_tuple()
        .all(db)
        .await?;
    eprintln!("rows {:?}", t.elapsed());
    let mut classes = answer_classes(db, ids_where(period.clone().add(proposal::Column::AnsweredAt.is_not_null()))).await?;
    eprintln!("classes {:?}", t.elapsed());
    let mut ratings = latest_ratings(db, ids_where(period)).await?;
    eprintln!("ratings {:?}", t.elapsed());
    Ok(rows
        .into_iter()
        .map(|(id, state, number, answered_at, deadline)| ProposalFacts {
            state: ProposalState::from_code(&state).unwrap_or(ProposalState::Draft),
            filed: number.is_some(),
            answered_on: answered_at.as_ref().map(local_date),
            deadline,
            class: classes.remove(&id),
            ratings: ratings.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// The class of the first answering part in force of each proposal in `ids`.
async fn answer_classes(db: &impl ConnectionTrait, ids: SelectStatement) -> Result<HashMap<i64, AnswerClass>, DbErr> {
    let rows: Vec<(i64, Option<String>)> = part::Entity::find()
        .filter(part::Column::ProposalId.in_subquery(ids))
        .filter(part::Column::Role.eq("answering"))
        .filter(part::Column::State.is_not_in([PartState::Withdrawn.as_str(), PartState::Objected.as_str()]))
        .filter(part::Column::Class.is_not_null())
        .select_only()
        .column(part::Column::ProposalId)
        .column(part::Column::Class)
        .order_by_asc(part::Column::ProposalId)
        .order_by_asc(part::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for (p, class) in rows {
        if let Some(c) = class.as_deref().and_then(AnswerClass::from_code) {
            out.entry(p).or_insert(c);
        }
    }
    Ok(out)
}

/// Each proposer's latest rating (highest round) of each proposal in `ids`.
async fn latest_ratings(db: &impl ConnectionTrait, ids: SelectStatement) -> Result<HashMap<i64, Vec<Satisfaction>>, DbErr> {
    let rows: Vec<(i64, i64, i32, String)> = rating::Entity::find()
        .filter(rating::Column::ProposalId.in_subquery(ids))
        .select_only()
        .column(rating::Column::ProposalId)
        .column(rating::Column::MemberId)
        .column(rating::Column::Round)
        .column(rating::Column::Satisfaction)
        .into_tuple()
        .all(db)
        .await?;
    let mut latest: HashMap<(i64, i64), (i32, Satisfaction)> = HashMap::new();
    for (p, m, round, s) in rows {
        let Some(s) = Satisfaction::from_code(&s) else { continue };
        let e = latest.entry((p, m)).or_insert((round, s));
        if round > e.0 {
            *e = (round, s);
        }
    }
    let mut out: HashMap<i64, Vec<Satisfaction>> = HashMap::new();
    for ((p, _), (_, s)) in latest {
        out.entry(p).or_default().push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProposalState as S;
    use Satisfaction::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, d).unwrap()
    }

    fn sent(state: ProposalState) -> ProposalFacts {
        ProposalFacts { state, filed: false, answered_on: None, deadline: None, class: None, ratings: vec![] }
    }

    fn filed(state: ProposalState) -> ProposalFacts {
        ProposalFacts { filed: true, deadline: Some(day(4, 20)), ..sent(state) }
    }

    fn answered(state: ProposalState, on: NaiveDate, class: Option<AnswerClass>, ratings: &[Satisfaction]) -> ProposalFacts {
        ProposalFacts { answered_on: Some(on), class, ratings: ratings.to_vec(), ..filed(state) }
    }

    #[test]
    fn nothing_gives_zeros_and_no_rates() {
        let m = compute(&[]);
        assert_eq!(m, ProposalMetrics::default());
        assert_eq!((m.filing_rate, m.answer_rate, m.on_time_answer_rate, m.class_a_share, m.satisfaction_rate), (None, None, None, None, None));
    }

    #[test]
    fn drafts_and_collecting_signatures_are_not_received() {
        let m = compute(&[sent(S::Draft), sent(S::CollectingSignatures), sent(S::Submitted), sent(S::Returned), sent(S::InReview)]);
        assert_eq!((m.received, m.filed), (3, 0));
        assert_eq!(m.filing_rate, Some(0.0));
        assert_eq!(m.answer_rate, None, "nothing filed: no answer rate");
    }

    #[test]
    fn every_state_counts_where_it_belongs() {
        // (facts, received, filed, merged, not filed, converted, answered)
        let cases: Vec<(ProposalFacts, [u64; 6])> = vec![
            (sent(S::Draft), [0, 0, 0, 0, 0, 0]),
            (sent(S::CollectingSignatures), [0, 0, 0, 0, 0, 0]),
            (sent(S::Submitted), [1, 0, 0, 0, 0, 0]),
            (sent(S::Returned), [1, 0, 0, 0, 0, 0]),
            (sent(S::InReview), [1, 0, 0, 0, 0, 0]),
            (sent(S::Merged), [1, 0, 1, 0, 0, 0]),
            (sent(S::NotFiled), [1, 0, 0, 1, 0, 0]),
            (sent(S::Converted), [1, 0, 0, 0, 1, 0]),
            (filed(S::Filed), [1, 1, 0, 0, 0, 0]),
            (filed(S::Assigned), [1, 1, 0, 0, 0, 0]),
            (filed(S::Objected), [1, 1, 0, 0, 0, 0]),
            (answered(S::Answered, day(3, 1), None, &[]), [1, 1, 0, 0, 0, 1]),
            (answered(S::Rehandling, day(3, 1), None, &[]), [1, 1, 0, 0, 0, 1]),
            (answered(S::Evaluated, day(3, 1), None, &[]), [1, 1, 0, 0, 0, 1]),
            (answered(S::Concluded, day(3, 1), None, &[]), [1, 1, 0, 0, 0, 1]),
        ];
        assert_eq!(cases.len(), ProposalState::ALL.len(), "every state has a case");
        for (f, want) in cases {
            let m = compute(std::slice::from_ref(&f));
            assert_eq!([m.received, m.filed, m.merged, m.not_filed, m.converted, m.answered], want, "{:?}", f.state);
        }
    }

    #[test]
    fn an_answer_counts_only_for_a_filed_proposal() {
        let odd = ProposalFacts { answered_on: Some(day(3, 1)), class: Some(AnswerClass::A), ..sent(S::Merged) };
        let m = compute(&[odd]);
        assert_eq!((m.answered, m.class_a, m.class_a_share), (0, 0, None));
    }

    #[test]
    fn rates_divide_by_their_own_denominators() {
        let facts = vec![
            answered(S::Concluded, day(4, 20), Some(AnswerClass::A), &[Satisfied, BasicallySatisfied]),
            answered(S::Evaluated, day(4, 21), Some(AnswerClass::B), &[Unsatisfied]),
            answered(S::Answered, day(3, 1), Some(AnswerClass::B), &[]),
            filed(S::Assigned),
            sent(S::Merged),
            sent(S::NotFiled),
            sent(S::InReview),
            sent(S::Draft),
        ];
        let m = compute(&facts);
        assert_eq!((m.received, m.filed, m.answered, m.on_time_answered), (7, 4, 3, 2));
        assert_eq!(m.filing_rate, Some(4.0 / 7.0));
        assert_eq!(m.answer_rate, Some(0.75));
        assert_eq!(m.on_time_answer_rate, Some(0.5), "on the deadline day is on time, the day after is not");
        assert_eq!((m.class_a, m.class_b, m.class_c), (1, 2, 0));
        assert_eq!((m.class_a_share, m.class_b_share, m.class_c_share), (Some(1.0 / 3.0), Some(2.0 / 3.0), Some(0.0)));
        assert_eq!((m.ratings, m.satisfied, m.basically_satisfied, m.unsatisfied), (3, 1, 1, 1));
        assert_eq!(m.satisfaction_rate, Some(2.0 / 3.0));
    }

    #[test]
    fn an_answer_without_a_deadline_is_not_on_time() {
        let f = ProposalFacts { deadline: None, ..answered(S::Answered, day(3, 1), None, &[]) };
        let m = compute(&[f]);
        assert_eq!((m.answered, m.on_time_answered), (1, 0));
    }

    #[test]
    fn shares_are_of_the_classified_answers() {
        let m = compute(&[answered(S::Answered, day(3, 1), None, &[]), answered(S::Answered, day(3, 1), Some(AnswerClass::C), &[])]);
        assert_eq!((m.answered, m.class_c, m.class_c_share), (2, 1, Some(1.0)));
    }

    #[test]
    fn percent_prints_one_decimal_without_a_trailing_zero() {
        assert_eq!(percent(Some(0.875)), "87.5%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(Some(0.0)), "0%");
        assert_eq!(percent(Some(2.0 / 3.0)), "66.7%");
        assert_eq!(percent(Some(0.9999)), "100%");
        assert_eq!(percent(None), "—");
    }
}
