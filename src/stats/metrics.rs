//! Every metric of DOMAIN.md for a committee, a period and a scope, computed from the records
//! through the same filters the areas' lists use — so the list behind a figure holds exactly
//! the records it counts. A parent committee's figures are the sum over its tree (roll-up).
//!
//! Scope (DOMAIN.md): an item belongs to a group when one of its members (visitor, author,
//! proposer, participant, member on duty) belongs to the group or one below it, or its studio is
//! the group's; to a place when it happened there or below; to a studio when it came through
//! it (items that never come through a studio count through the studio's members); to a sector
//! through its members.
use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::activities::store::{self as activities, ActivityFilter};
use crate::app::shell::day_start;
use crate::consultations::store::consultation;
use crate::demands::store::demand;
use crate::org::members::{member, member_group};
use crate::org::scope;
use crate::org::store::Committee;
use crate::org::structure::{self, with_below};
use crate::proposals::metrics::{self as proposals, MetricScope};
use crate::research::store::{self as research, ReportFilter};
use crate::studios::store::{self as studios, ReceptionFilter};
use crate::visits::store::{self as visits, VisitFilter};

/// Whom the figures are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Committee,
    Group(i64),
    Studio(i64),
    Place(i64),
    Sector(i64),
}

/// One committee's scope resolved to what the areas' filters take.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Resolved {
    /// Items of these members (None: everyone).
    pub(crate) members: Option<Vec<i64>>,
    /// Items at these places (None: anywhere).
    pub(crate) places: Option<Vec<i64>>,
    /// Receptions and demands through these studios.
    pub(crate) studios: Option<Vec<i64>>,
    /// The group and those below it (reports a group wrote as a group).
    pub(crate) groups: Vec<i64>,
}

/// Every figure (DOMAIN.md's keys). Rates are fractions 0–1, `None` where the denominator is 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stats {
    pub members: u64,
    pub visits: u64,
    pub people_visited: u64,
    pub home_visits: u64,
    pub consultations: u64,
    pub proposals: u64,
    pub proposals_filed: u64,
    pub filing_rate: Option<f64>,
    pub answer_rate: Option<f64>,
    pub on_time_answer_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub research_reports: u64,
    /// 社情民意数: reports sent in during the period.
    pub opinion_reports: u64,
    /// 采用率: adopted ÷ submitted.
    pub adoption_rate: Option<f64>,
    /// 领导批示数: instructions recorded on public-opinion reports and research reports.
    pub instructions: u64,
    pub receptions: u64,
    pub citizens_received: u64,
    pub demands: u64,
    pub demands_resolved: u64,
    pub activities: u64,
    /// Activities by kind (study, training, volunteering …).
    pub activities_by_kind: BTreeMap<String, u64>,
    pub volunteer_person_times: u64,
    pub households_assisted: u64,
    /// Yuan.
    pub assistance_yuan: f64,
    /// Leaders' field days per week, on average over the leaders and the period.
    pub duty_days_per_week: Option<f64>,
    // The counts behind the rates, so that sums over committees give true rates.
    #[serde(skip)]
    pub(crate) opinions_adopted: u64,
    #[serde(skip)]
    pub(crate) answered: u64,
    #[serde(skip)]
    pub(crate) on_time: u64,
    #[serde(skip)]
    pub(crate) ratings: u64,
    #[serde(skip)]
    pub(crate) satisfied: u64,
    #[serde(skip)]
    pub(crate) leader_days: u64,
    #[serde(skip)]
    pub(crate) leader_weeks: u64,
}

fn rate(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Stats {
    /// Adds another committee's figures (roll-up) and recomputes the rates from the counts.
    pub(crate) fn add(&mut self, o: &Stats) {
        self.members += o.members;
        self.visits += o.visits;
        self.people_visited += o.people_visited;
        self.home_visits += o.home_visits;
        self.consultations += o.consultations;
        self.proposals += o.proposals;
        self.proposals_filed += o.proposals_filed;
        self.research_reports += o.research_reports;
        self.opinion_reports += o.opinion_reports;
        self.opinions_adopted += o.opinions_adopted;
        self.instructions += o.instructions;
        self.receptions += o.receptions;
        self.citizens_received += o.citizens_received;
        self.demands += o.demands;
        self.demands_resolved += o.demands_resolved;
        self.activities += o.activities;
        for (k, n) in &o.activities_by_kind {
            *self.activities_by_kind.entry(k.clone()).or_default() += n;
        }
        self.volunteer_person_times += o.volunteer_person_times;
        self.households_assisted += o.households_assisted;
        self.assistance_yuan += o.assistance_yuan;
        self.answered += o.answered;
        self.on_time += o.on_time;
        self.ratings += o.ratings;
        self.satisfied += o.satisfied;
        self.leader_days += o.leader_days;
        self.leader_weeks += o.leader_weeks;
        self.rates();
    }

    pub(crate) fn rates(&mut self) {
        self.filing_rate = rate(self.proposals_filed, self.proposals);
        self.adoption_rate = rate(self.opinions_adopted, self.opinion_reports);
        self.answer_rate = rate(self.answered, self.proposals_filed);
        self.on_time_answer_rate = rate(self.on_time, self.proposals_filed);
        self.satisfaction_rate = rate(self.satisfied, self.ratings);
        self.duty_days_per_week = rate(self.leader_days, self.leader_weeks);
    }
}

/// The members of a group and the groups below it (past members too: their records count).
async fn group_members(db: &impl ConnectionTrait, groups: &[i64]) -> Result<Vec<i64>, DbErr> {
    member_group::Entity::find()
        .filter(member_group::Column::GroupId.is_in(groups.to_vec()))
        .select_only()
        .column(member_group::Column::MemberId)
        .distinct()
        .into_tuple()
        .all(db)
        .await
}

pub(crate) async fn resolve(db: &impl ConnectionTrait, committee_id: i64, scope: Scope) -> Result<Resolved, DbErr> {
    Ok(match scope {
        Scope::Committee => Resolved::default(),
        Scope::Group(g) => {
            let tree: Vec<(i64, Option<i64>)> = structure::groups(db, committee_id).await?.into_iter().map(|g| (g.id, g.parent_id)).collect();
            let groups = with_below(g, &tree);
            let studios: Vec<i64> = studios::list(db, committee_id).await?.into_iter().filter(|s| s.group_id.is_some_and(|x| groups.contains(&x))).map(|s| s.id).collect();
            Resolved { members: Some(group_members(db, &groups).await?), places: None, studios: Some(studios), groups }
        }
        Scope::Place(p) => {
            let tree: Vec<(i64, Option<i64>)> = structure::places(db, committee_id).await?.into_iter().map(|x| (x.id, x.parent_id)).collect();
            Resolved { places: Some(with_below(p, &tree)), ..Default::default() }
        }
        Scope::Sector(s) => {
            Resolved { members: Some(scope::sector_members(db, committee_id, s).await?), ..Default::default() }
        }
        Scope::Studio(s) => {
            Resolved { members: Some(scope::studio_members(db, s).await?), studios: Some(vec![s]), ..Default::default() }
        }
    })
}

/// Members in office at the period's end: in office now, or who left after it (the roster keeps no
/// date of joining, so a member in office now counts for every period; the list's `at=` agrees).
async fn members_at(db: &impl ConnectionTrait, committee_id: i64, to: NaiveDate, only: &Option<Vec<i64>>, places: &Option<Vec<i64>>) -> Result<u64, DbErr> {
    let mut q = member::Entity::find().filter(member::Column::CommitteeId.eq(committee_id));
    let in_office = sea_orm::Condition::all().add(member::Column::Status.eq("in_office"));
    let left_later = sea_orm::Condition::all().add(member::Column::Status.ne("in_office")).add(member::Column::StatusSince.gt(to));
    q = q.filter(sea_orm::Condition::any().add(in_office).add(left_later));
    if let Some(m) = only {
        q = q.filter(member::Column::Id.is_in(m.clone()));
    }
    if let Some(p) = places {
        q = q.filter(member::Column::PlaceId.is_in(p.clone()));
    }
    q.count(db).await
}


/// One committee's figures.
async fn one(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, scope: Scope) -> Result<Stats, DbErr> {
    let r = resolve(db, committee_id, scope).await?;
    let mut s = Stats { members: members_at(db, committee_id, to, &r.members, &r.places).await?, ..Default::default() };

    let v = visits::totals(db, committee_id, &VisitFilter { from: Some(from), to: Some(to), kind: None, member_ids: r.members.clone(), place_ids: r.places.clone() }).await?;
    (s.visits, s.people_visited, s.home_visits) = (v.visits, v.people_visited, v.home_visits);

    let mut held = consultation::Entity::find().filter(consultation::Column::CommitteeId.eq(committee_id)).filter(consultation::Column::HeldOn.between(from, to));
    if let Some(p) = &r.places {
        held = held.filter(consultation::Column::PlaceId.is_in(p.clone()));
    }
    if let Some(m) = &r.members {
        use crate::consultations::store::participant;
        let took_part = sea_orm::sea_query::Query::select().column(participant::Column::ConsultationId).from(participant::Entity).and_where(participant::Column::MemberId.is_in(m.clone())).to_owned();
        held = held.filter(consultation::Column::Id.in_subquery(took_part));
    }
    s.consultations = held.count(db).await?;

    let p_scope = match (&r.members, &r.places) {
        (Some(m), _) => MetricScope::Members(m.clone()),
        // Proposals happen nowhere: a place's are its members'.
        (None, Some(p)) => MetricScope::Members(scope::place_members(db, committee_id, p).await?),
        (None, None) => MetricScope::All,
    };
    let pm = proposals::load(db, committee_id, from, to, &p_scope).await?;
    (s.proposals, s.proposals_filed, s.answered, s.on_time) = (pm.received, pm.filed, pm.answered, pm.on_time_answered);
    (s.ratings, s.satisfied) = (pm.ratings, pm.satisfied + pm.basically_satisfied);

    // A report is a group's when the group wrote it or one of its members did.
    let group = r.members.clone().map(|member_ids| research::GroupScope { group_ids: r.groups.clone(), member_ids });
    let rt = research::totals(db, committee_id, &ReportFilter { from: Some(from), to: Some(to), place_ids: r.places.clone(), group: group.clone(), ..Default::default() }).await?;
    s.research_reports = rt.reports;

    // Public-opinion reports happen nowhere: a place's are its members'.
    let opinion_group = match (&group, &r.places) {
        (Some(g), _) => Some(g.clone()),
        (None, Some(p)) => Some(research::GroupScope {
            group_ids: Vec::new(),
            member_ids: scope::place_members(db, committee_id, p).await?,
        }),
        (None, None) => None,
    };
    let om = crate::opinions::metrics::load(db, committee_id, &crate::opinions::metrics::MetricsFilter { from: Some(from), to: Some(to), group: opinion_group }).await?;
    (s.opinion_reports, s.opinions_adopted) = (om.submitted, om.adopted);
    s.instructions = om.instructions + rt.instructions;

    let recf = ReceptionFilter { studio_ids: r.studios.clone(), from: Some(from), to: Some(to), ..Default::default() };
    let recf = match (&r.places, &r.studios) {
        (Some(p), None) => ReceptionFilter { place_ids: Some(p.clone()), ..recf },
        _ => recf,
    };
    (s.receptions, s.citizens_received) = if matches!(scope, Scope::Sector(_)) { (0, 0) } else { studios::reception_totals(db, committee_id, &recf).await? };

    let registered = demand::Entity::find().filter(demand::Column::CommitteeId.eq(committee_id));
    let scoped = |q: sea_orm::Select<demand::Entity>| -> sea_orm::Select<demand::Entity> {
        let mut q = q;
        if let Some(st) = &r.studios {
            q = q.filter(demand::Column::StudioId.is_in(st.clone()));
        }
        if let Some(p) = &r.places {
            q = q.filter(demand::Column::PlaceId.is_in(p.clone()));
        }
        q
    };
    let (start, end) = (day_start(from), day_start(to + Duration::days(1)));
    if !matches!(scope, Scope::Sector(_)) {
        s.demands = scoped(registered.clone().filter(demand::Column::CreatedAt.gte(start)).filter(demand::Column::CreatedAt.lt(end))).count(db).await?;
        s.demands_resolved = scoped(registered.filter(demand::Column::ResolvedAt.gte(start)).filter(demand::Column::ResolvedAt.lt(end))).count(db).await?;
    }

    let af = ActivityFilter { from: Some(from), to: Some(to), member_ids: r.members.clone(), place_ids: r.places.clone(), ..Default::default() };
    let a = activities::totals(db, committee_id, &af).await?;
    s.activities = a.activities;
    s.activities_by_kind = a.by_kind.into_iter().collect();
    s.volunteer_person_times = a.volunteer_person_times;
    s.households_assisted = a.households_assisted;
    s.assistance_yuan = a.assistance_fen as f64 / 100.0;

    (s.leader_days, s.leader_weeks) = crate::visits::field_days::leader_days(db, committee_id, from, to, r.members.as_deref()).await?;
    s.rates();
    Ok(s)
}

/// The figures of `committee_id` — and of every committee below it, summed — for `from..=to`
/// (China dates) and the scope (a scope is the committee's own: groups, places and studios
/// belong to one committee, so a scoped figure is not rolled up).
pub async fn compute(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate, scope: Scope) -> Result<Stats, DbErr> {
    if scope != Scope::Committee {
        return one(db, committee_id, from, to, scope).await;
    }
    Ok(with_children(db, committee_id, from, to).await?.0)
}

/// The whole committee's figures summed over its tree, and each committee directly below it
/// with its own tree's sum (the children in name order), from [`crate::stats::rollup`]: each
/// aggregate runs once over the whole tree, for the committees whose figures are not kept
/// ([`crate::stats::kept`]).
pub async fn with_children(db: &impl ConnectionTrait, committee_id: i64, from: NaiveDate, to: NaiveDate) -> Result<(Stats, Vec<(Committee, Stats)>), DbErr> {
    let tree = crate::org::store::subtree(db, committee_id).await?;
    let by = crate::stats::kept::by_committee(db, &tree, from, to).await?;
    // The tree is breadth-first: a committee's parent comes before it.
    let mut child_of: HashMap<i64, usize> = HashMap::new();
    let mut children: Vec<(Committee, Stats)> = Vec::new();
    let mut total = Stats::default();
    for c in &tree {
        let s = by.get(&c.id).cloned().unwrap_or_default();
        total.add(&s);
        let top = match c.parent_id {
            Some(p) if p == committee_id => Some(children.len()),
            Some(p) => child_of.get(&p).copied(),
            None => None,
        };
        if let Some(i) = top {
            child_of.insert(c.id, i);
            if i == children.len() {
                children.push((c.clone(), Stats::default()));
            }
            children[i].1.add(&s);
        }
    }
    Ok((total, children))
}

/// Whether a scope names a group, studio, place or sector of the committee.
pub async fn scope_exists(db: &impl ConnectionTrait, committee_id: i64, scope: Scope) -> Result<bool, DbErr> {
    Ok(match scope {
        Scope::Committee => true,
        Scope::Group(g) => structure::groups(db, committee_id).await?.iter().any(|x| x.id == g),
        Scope::Place(p) => structure::places(db, committee_id).await?.iter().any(|x| x.id == p),
        Scope::Sector(s) => structure::sectors(db, committee_id).await?.iter().any(|x| x.id == s),
        Scope::Studio(s) => studios::find(db, committee_id, s).await?.is_some(),
    })
}
