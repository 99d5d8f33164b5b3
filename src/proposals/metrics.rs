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
//!
//! [`compute`] applies the definitions to [`ProposalFacts`] held in memory; [`load`] has the
//! database group the proposals by the same facts and counts them with the same rules, so it
//! stays a handful of rows whatever the number of proposals.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr};
use serde::Serialize;

use crate::app::shell::day_start;
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

/// Where one proposal stands for the counts; the database hands over alike proposals at once.
#[derive(Clone, Copy, Debug)]
struct Outcome {
    state: ProposalState,
    filed: bool,
    answered: bool,
    on_time: bool,
    class: Option<AnswerClass>,
}

impl ProposalMetrics {
    /// Counts `n` proposals that stand at `o`: the one place the definitions are applied.
    fn add(&mut self, o: Outcome, n: u64) {
        if !o.state.received() {
            return;
        }
        self.received += n;
        match o.state {
            ProposalState::Merged => self.merged += n,
            ProposalState::NotFiled => self.not_filed += n,
            ProposalState::Converted => self.converted += n,
            _ => {}
        }
        if !o.filed {
            return;
        }
        self.filed += n;
        if !o.answered {
            return;
        }
        self.answered += n;
        if o.on_time {
            self.on_time_answered += n;
        }
        match o.class {
            Some(AnswerClass::A) => self.class_a += n,
            Some(AnswerClass::B) => self.class_b += n,
            Some(AnswerClass::C) => self.class_c += n,
            None => {}
        }
    }

    /// Counts `n` latest ratings of received proposals.
    fn add_ratings(&mut self, s: Satisfaction, n: u64) {
        self.ratings += n;
        match s {
            Satisfaction::Satisfied => self.satisfied += n,
            Satisfaction::BasicallySatisfied => self.basically_satisfied += n,
            Satisfaction::Unsatisfied => self.unsatisfied += n,
        }
    }

    fn with_rates(mut self) -> Self {
        let classified = self.class_a + self.class_b + self.class_c;
        self.filing_rate = ratio(self.filed, self.received);
        self.answer_rate = ratio(self.answered, self.filed);
        self.on_time_answer_rate = ratio(self.on_time_answered, self.filed);
        self.class_a_share = ratio(self.class_a, classified);
        self.class_b_share = ratio(self.class_b, classified);
        self.class_c_share = ratio(self.class_c, classified);
        self.satisfaction_rate = ratio(self.satisfied + self.basically_satisfied, self.ratings);
        self
    }
}

/// The metrics of a set of proposals (see the module documentation for the definitions).
pub fn compute(facts: &[ProposalFacts]) -> ProposalMetrics {
    let mut m = ProposalMetrics::default();
    for f in facts {
        let on_time = matches!((f.answered_on, f.deadline), (Some(a), Some(d)) if a <= d);
        m.add(Outcome { state: f.state, filed: f.filed, answered: f.answered_on.is_some(), on_time, class: f.class }, 1);
        if f.state.received() {
            f.ratings.iter().for_each(|r| m.add_ratings(*r, 1));
        }
    }
    m.with_rates()
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


/// The proposals of the committee and scope submitted from `from` to `to` (China dates,
/// inclusive): the cohort the figures count, and the list behind them (`ApiFilter::cohort`).
pub(crate) fn in_period(committee_id: i64, from: NaiveDate, to: NaiveDate, scope: &MetricScope) -> Condition {
    let mut c = of_committees(&[committee_id], from, to);
    if let MetricScope::Members(members) = scope {
        let signed = Query::select()
            .column(signer::Column::ProposalId)
            .from(signer::Entity)
            .and_where(signer::Column::MemberId.is_in(members.iter().copied()))
            .to_owned();
        c = c.add(Expr::col((proposal::Entity, proposal::Column::Id)).in_subquery(signed));
    }
    c
}

/// The proposals of these committees submitted from `from` to `to` (China dates, inclusive).
fn of_committees(committees: &[i64], from: NaiveDate, to: NaiveDate) -> Condition {
    let end = to.succ_opt().map(day_start).unwrap_or(DateTime::<Utc>::MAX_UTC);
    Condition::all()
        .add(Expr::col((proposal::Entity, proposal::Column::CommitteeId)).is_in(committees.iter().copied()))
        .add(Expr::col((proposal::Entity, proposal::Column::SubmittedAt)).gte(day_start(from)))
        .add(Expr::col((proposal::Entity, proposal::Column::SubmittedAt)).lt(end))
}

/// The metrics of the committee's proposals submitted from `from` to `to` (China dates,
/// inclusive) within `scope`. Two aggregate queries, whatever the number of proposals: the
/// proposals grouped by where they stand, and the latest ratings grouped by satisfaction.
pub async fn load(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, scope: &MetricScope) -> Result<ProposalMetrics, DbErr> {
    if matches!(scope, MetricScope::Members(ids) if ids.is_empty()) || from > to {
        return Ok(ProposalMetrics::default());
    }
    let mut by = gather(db, in_period(committee_id, from, to, scope), true).await?;
    Ok(by.remove(&committee_id).unwrap_or_default().with_rates())
}

/// The metrics of each of these committees (the whole committee each) for the period, in the
/// same two queries as [`load`]: a roll-up over a tree of committees at once. The answer
/// classes are not looked up (an index probe per answered proposal; the statistics show no
/// classes): `class_*` stay 0.
pub async fn load_by_committee(db: &impl ConnectionTrait, committees: &[i64], from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, ProposalMetrics>, DbErr> {
    if committees.is_empty() || from > to {
        return Ok(HashMap::new());
    }
    let by = gather(db, of_committees(committees, from, to), false).await?;
    Ok(by.into_iter().map(|(k, m)| (k, m.with_rates())).collect())
}

/// The counts of `period`'s proposals, by committee (rates not yet worked out), with the
/// answer classes or without.
async fn gather(db: &impl ConnectionTrait, period: Condition, classes: bool) -> Result<HashMap<i64, ProposalMetrics>, DbErr> {
    let mut by: HashMap<i64, ProposalMetrics> = HashMap::new();
    for (c, o, n) in outcomes(db, period.clone(), classes).await? {
        by.entry(c).or_default().add(o, n);
    }
    for (c, s, n) in latest_ratings(db, period).await? {
        by.entry(c).or_default().add_ratings(s, n);
    }
    Ok(by)
}

/// Whether the China date of `answered_at` is on or before `deadline`. The one expression that
/// differs between the backends: SQLite keeps instants as RFC 3339 text.
fn answered_on_time(backend: DbBackend) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(r#"(("proposals"."answered_at" AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date <= "proposals"."deadline""#),
        _ => Expr::cust(r#"date("proposals"."answered_at", '+8 hours') <= "proposals"."deadline""#),
    }
}

/// The proposals of `period` grouped by committee and where they stand, with how many stand
/// there.
async fn outcomes(db: &impl ConnectionTrait, period: Condition, classes: bool) -> Result<Vec<(i64, Outcome, u64)>, DbErr> {
    let flag = |c: Expr| Expr::case(c, 1).finally(0);
    let filed = Expr::col((proposal::Entity, proposal::Column::Number)).is_not_null();
    let answered = Expr::col((proposal::Entity, proposal::Column::AnsweredAt)).is_not_null();
    // The class of the first answering part in force (assignment order), looked up through the
    // parts' index for the filed and answered proposals only. A subquery per row rather than a
    // join: PostgreSQL estimates a period newer than its statistics at one row, and nested a
    // join's aggregate of the period's parts inside the loop over its proposals (quadratic).
    let first_class = Query::select()
        .column((part::Entity, part::Column::Class))
        .from(part::Entity)
        .and_where(Expr::col((part::Entity, part::Column::ProposalId)).equals((proposal::Entity, proposal::Column::Id)))
        .and_where(Expr::col((part::Entity, part::Column::Role)).eq("answering"))
        .and_where(Expr::col((part::Entity, part::Column::State)).is_not_in([PartState::Withdrawn.as_str(), PartState::Objected.as_str()]))
        .and_where(Expr::col((part::Entity, part::Column::Class)).is_not_null())
        .order_by((part::Entity, part::Column::Id), Order::Asc)
        .limit(1)
        .to_owned();
    let class: Expr = if classes { Expr::case(filed.clone().and(answered.clone()), Expr::SubQuery(None, Box::new(first_class.into()))).finally(Expr::null()).into() } else { Expr::null().cast_as(Alias::new("TEXT")) };
    let each = Query::select()
        .expr_as(Expr::col((proposal::Entity, proposal::Column::CommitteeId)), "committee_id")
        .expr_as(Expr::col((proposal::Entity, proposal::Column::State)), "state")
        .expr_as(flag(filed), "filed")
        .expr_as(flag(answered), "answered")
        .expr_as(flag(answered_on_time(db.get_database_backend())), "on_time")
        .expr_as(class, "class")
        .from(proposal::Entity)
        .cond_where(period)
        .to_owned();
    let columns = ["committee_id", "state", "filed", "answered", "on_time", "class"];
    let grouped = Query::select()
        .columns(columns)
        .expr_as(Expr::col(Asterisk).count(), "n")
        .from_subquery(each, "f")
        .group_by_columns(columns)
        .to_owned();
    let rows = db.query_all(&grouped).await?;
    rows.iter()
        .map(|r| {
            let state: String = r.try_get("", "state")?;
            let class: Option<String> = r.try_get("", "class")?;
            let outcome = Outcome {
                state: ProposalState::from_code(&state).unwrap_or(ProposalState::Draft),
                filed: r.try_get::<i32>("", "filed")? == 1,
                answered: r.try_get::<i32>("", "answered")? == 1,
                on_time: r.try_get::<i32>("", "on_time")? == 1,
                class: class.as_deref().and_then(AnswerClass::from_code),
            };
            Ok((r.try_get::<i64>("", "committee_id")?, outcome, r.try_get::<i64>("", "n")? as u64))
        })
        .collect()
}

/// Each proposer's latest rating (highest round) of the received proposals of `period`,
/// counted by committee and satisfaction.
async fn latest_ratings(db: &impl ConnectionTrait, period: Condition) -> Result<Vec<(i64, Satisfaction, u64)>, DbErr> {
    let received = ProposalState::ALL.into_iter().filter(|s| s.received()).map(ProposalState::as_str);
    let later = Query::select()
        .expr(Expr::val(1))
        .from_as(rating::Entity, "later")
        .and_where(Expr::col(("later", rating::Column::ProposalId)).equals((rating::Entity, rating::Column::ProposalId)))
        .and_where(Expr::col(("later", rating::Column::MemberId)).equals((rating::Entity, rating::Column::MemberId)))
        .and_where(Expr::col(("later", rating::Column::Round)).gt(Expr::col((rating::Entity, rating::Column::Round))))
        .to_owned();
    let committee = Expr::col((proposal::Entity, proposal::Column::CommitteeId));
    let satisfaction = Expr::col((rating::Entity, rating::Column::Satisfaction));
    let q = Query::select()
        .expr_as(committee.clone(), "committee_id")
        .expr_as(satisfaction.clone(), "satisfaction")
        .expr_as(Expr::col(Asterisk).count().cast_as(Alias::new("BIGINT")), "n")
        .from(rating::Entity)
        .inner_join(proposal::Entity, Expr::col((proposal::Entity, proposal::Column::Id)).equals((rating::Entity, rating::Column::ProposalId)))
        .cond_where(period.add(Expr::col((proposal::Entity, proposal::Column::State)).is_in(received)).add(Expr::not_exists(later)))
        .add_group_by([committee, satisfaction])
        .to_owned();
    let rows = db.query_all(&q).await?;
    let mut out = Vec::new();
    for r in rows {
        let (c, s, n): (i64, String, i64) = (r.try_get("", "committee_id")?, r.try_get("", "satisfaction")?, r.try_get("", "n")?);
        out.extend(Satisfaction::from_code(&s).map(|s| (c, s, n as u64)));
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
