//! A province to benchmark on: 150 committees (the province, 14 cities, 135 counties under
//! them), each with 400 members in 12 groups, 5 sectors, 12 streets and 12 studios, and the
//! builders of the items every area records (proposals with their signers, visits with their
//! visitors, activities with their roll, consultations, receptions, research and public-opinion
//! reports with their authors and outcomes), written in bulk in time order across committees.
use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, Set, TransactionTrait};
use xieshang::activities::store::{activity, participant};
use xieshang::consultations::store::{consultation, participant as attendee};
use xieshang::demands::store::demand;
use xieshang::opinions::store as opinions;
use xieshang::org::members::{member, member_group};
use xieshang::org::model::{CommitteeCode, CommitteeLevel};
use xieshang::org::store::{self as org, NewCommittee};
use xieshang::org::structure::{self, PlaceKind};
use xieshang::proposals::store::{part, proposal, rating, signer};
use xieshang::research::store as research;
use xieshang::studios::store::{reception, reception_member, studio, studio_member};
use xieshang::visits::store::{visit, visitor};

pub const CITIES: usize = 14;
pub const COMMITTEES: usize = 150;
pub const MEMBERS_PER: usize = 400;
/// Streets, groups (one per street) and studios (one per group).
pub const UNITS: usize = 12;
pub const SECTORS: usize = 5;
pub const STUDIO_MEMBERS: usize = 5;
/// Rows generated before they are written.
pub const BATCH: usize = 5_000;

/// One committee's catalogue ids.
pub struct Com {
    pub id: i64,
    pub sectors: Vec<i64>,
    pub places: Vec<i64>,
    pub groups: Vec<i64>,
}

pub fn member_id(c: usize, m: usize) -> i64 {
    (c * MEMBERS_PER + m + 1) as i64
}
pub fn studio_id(c: usize, k: usize) -> i64 {
    (c * UNITS + k + 1) as i64
}
/// Items are numbered in time order across committees.
pub fn item_id(c: usize, i: usize) -> i64 {
    (i * COMMITTEES + c + 1) as i64
}

/// The period the items fall in (China time), up to `now`.
#[derive(Clone, Copy)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub secs: i64,
    pub now: DateTime<Utc>,
}

impl Span {
    /// About `i / n` of the way through, give or take one step.
    pub fn at(&self, i: usize, n: usize, rng: &mut StdRng) -> DateTime<Utc> {
        let step = self.secs / n as i64;
        self.start + chrono::Duration::seconds(step * i as i64 + rng.random_range(0..step.max(1)))
    }
    pub fn day(&self, i: usize, n: usize, rng: &mut StdRng) -> NaiveDate {
        china_day(self.at(i, n, rng))
    }
    pub fn clamp(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        t.min(self.now)
    }
}

pub fn china_day(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

pub fn pick<'a>(rng: &mut StdRng, weighted: &[(&'a str, u32)]) -> &'a str {
    let mut r = rng.random_range(0..weighted.iter().map(|x| x.1).sum::<u32>());
    for (s, w) in weighted {
        if r < *w {
            return s;
        }
        r -= w;
    }
    weighted[0].0
}

/// `n` different members of committee `c`.
pub fn some_members(c: usize, n: usize, rng: &mut StdRng) -> Vec<i64> {
    let first = rng.random_range(0..MEMBERS_PER);
    let step = rng.random_range(1..37);
    (0..n).map(|k| member_id(c, (first + k * step) % MEMBERS_PER)).collect::<std::collections::BTreeSet<_>>().into_iter().collect()
}

/// Rows waiting to be written, parents before children.
#[derive(Default)]
pub struct Rows {
    pub demands: Vec<demand::ActiveModel>,
    pub proposals: Vec<proposal::ActiveModel>,
    pub signers: Vec<signer::ActiveModel>,
    pub parts: Vec<part::ActiveModel>,
    pub ratings: Vec<rating::ActiveModel>,
    pub visits: Vec<visit::ActiveModel>,
    pub visitors: Vec<visitor::ActiveModel>,
    pub activities: Vec<activity::ActiveModel>,
    pub participants: Vec<participant::ActiveModel>,
    pub consultations: Vec<consultation::ActiveModel>,
    pub attendees: Vec<attendee::ActiveModel>,
    pub receptions: Vec<reception::ActiveModel>,
    pub reception_members: Vec<reception_member::ActiveModel>,
    pub research: Vec<research::report::ActiveModel>,
    pub research_authors: Vec<research::author::ActiveModel>,
    pub research_outcomes: Vec<research::outcome::ActiveModel>,
    pub opinions: Vec<opinions::report::ActiveModel>,
    pub opinion_authors: Vec<opinions::author::ActiveModel>,
    pub opinion_outcomes: Vec<opinions::outcome::ActiveModel>,
    pub pending: usize,
}

/// Writes `rows` in INSERTs of `per` rows (SQLite takes 32,766 values a statement).
pub async fn put<A>(db: &DatabaseTransaction, rows: &mut Vec<A>, per: usize)
where
    A: ActiveModelTrait + Send + Clone,
{
    for chunk in rows.chunks(per) {
        A::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await.unwrap();
    }
    rows.clear();
}

impl Rows {
    pub async fn flush(&mut self, db: &DatabaseConnection) {
        let txn = db.begin().await.unwrap();
        put(&txn, &mut self.demands, 1_000).await;
        put(&txn, &mut self.proposals, 1_000).await;
        put(&txn, &mut self.signers, 5_000).await;
        put(&txn, &mut self.parts, 2_000).await;
        put(&txn, &mut self.ratings, 4_000).await;
        put(&txn, &mut self.visits, 2_000).await;
        put(&txn, &mut self.visitors, 10_000).await;
        put(&txn, &mut self.activities, 1_000).await;
        put(&txn, &mut self.participants, 5_000).await;
        put(&txn, &mut self.consultations, 1_000).await;
        put(&txn, &mut self.attendees, 4_000).await;
        put(&txn, &mut self.receptions, 3_000).await;
        put(&txn, &mut self.reception_members, 10_000).await;
        put(&txn, &mut self.research, 2_000).await;
        put(&txn, &mut self.research_authors, 8_000).await;
        put(&txn, &mut self.research_outcomes, 3_000).await;
        put(&txn, &mut self.opinions, 1_000).await;
        put(&txn, &mut self.opinion_authors, 8_000).await;
        put(&txn, &mut self.opinion_outcomes, 3_000).await;
        txn.commit().await.unwrap();
        self.pending = 0;
    }

    /// Generates `per` items of every committee in time order with `make`, writing as it goes.
    pub async fn fill(&mut self, db: &DatabaseConnection, coms: &[Com], per: usize, rng: &mut StdRng, make: impl Fn(&mut Rows, &Com, usize, usize, &mut StdRng)) {
        for i in 0..per {
            for (c, com) in coms.iter().enumerate() {
                make(self, com, c, i, rng);
                self.pending += 1;
                if self.pending >= BATCH {
                    self.flush(db).await;
                }
            }
        }
        self.flush(db).await;
    }
}

/// The committees with their catalogues, members (the first five lead) and studios.
pub async fn structure_of_province(db: &DatabaseConnection, span: Span, rng: &mut StdRng) -> Vec<Com> {
    let txn = db.begin().await.unwrap();
    let mut coms = Vec::new();
    let mut parents = Vec::new();
    for c in 0..COMMITTEES {
        let (level, parent) = match c {
            0 => (CommitteeLevel::Province, None),
            1..=CITIES => (CommitteeLevel::City, Some(parents[0])),
            _ => (CommitteeLevel::County, Some(parents[1 + (c - 1 - CITIES) % CITIES])),
        };
        let code = CommitteeCode::parse(&format!("p{c:03}")).unwrap();
        let id = org::insert_committee(&txn, NewCommittee { code, name: format!("第{c}政协"), level, parent_id: parent }).await.unwrap().id;
        parents.push(id);
        let mut com = Com { id, sectors: vec![], places: vec![], groups: vec![] };
        for s in 0..SECTORS {
            com.sectors.push(structure::insert_sector(&txn, id, &format!("界别{s}")).await.unwrap().id);
        }
        for k in 0..UNITS {
            let place = structure::insert_place(&txn, id, &format!("街道{k}"), PlaceKind::Street, None).await.unwrap().id;
            com.places.push(place);
            com.groups.push(structure::insert_group(&txn, id, &format!("街道{k}政协小组"), None, Some(place)).await.unwrap().id);
        }
        coms.push(com);
    }
    for (c, com) in coms.iter().enumerate() {
        let members: Vec<member::ActiveModel> = (0..MEMBERS_PER)
            .map(|m| {
                let left = (m % 20 == 19).then(|| span.day(rng.random_range(0..100), 100, rng));
                member::ActiveModel {
                    id: Set(member_id(c, m)),
                    committee_id: Set(com.id),
                    name: Set(format!("委员{c}_{m}")),
                    initials: Set(format!("wy{m}")),
                    gender: Set(None),
                    birth_month: Set(None),
                    ethnicity: Set(None),
                    party: Set(None),
                    sector_id: Set(com.sectors[m % SECTORS]),
                    place_id: Set(Some(com.places[m % UNITS])),
                    position: Set(["chair", "vice_chair", "vice_chair", "vice_chair", "secretary_general"].get(m).copied().unwrap_or("member").into()),
                    employer: Set(None),
                    mobile: Set(None),
                    status: Set(if left.is_some() { "resigned" } else { "in_office" }.into()),
                    status_since: Set(left),
                    user_id: Set(None),
                    created_at: Set(span.start),
                    updated_at: Set(span.start),
                }
            })
            .collect();
        member::Entity::insert_many(members).exec_without_returning(&txn).await.unwrap();
        let in_groups = (0..MEMBERS_PER).map(|m| member_group::ActiveModel { member_id: Set(member_id(c, m)), group_id: Set(com.groups[m % UNITS]) });
        member_group::Entity::insert_many(in_groups).exec_without_returning(&txn).await.unwrap();
        let studios = (0..UNITS).map(|k| studio::ActiveModel {
            id: Set(studio_id(c, k)),
            committee_id: Set(com.id),
            name: Set(format!("街道{k}委员工作室")),
            kind: Set("offline".into()),
            group_id: Set(Some(com.groups[k])),
            place_id: Set(Some(com.places[k])),
            address: Set(String::new()),
            room: Set(String::new()),
            phone: Set(String::new()),
            hours: Set(String::new()),
            reception_days: Set(String::new()),
            intro: Set(String::new()),
            retired: Set(false),
            created_at: Set(span.start),
            updated_at: Set(span.start),
        });
        studio::Entity::insert_many(studios).exec_without_returning(&txn).await.unwrap();
        // Studio k is served by five members of group k.
        let serving = (0..UNITS).flat_map(|k| (0..STUDIO_MEMBERS).map(move |n| studio_member::ActiveModel { studio_id: Set(studio_id(c, k)), member_id: Set(member_id(c, k + UNITS * (n + 1))) }));
        studio_member::Entity::insert_many(serving).exec_without_returning(&txn).await.unwrap();
        org::unit_id_for(&txn, com.id, "住建局").await.unwrap();
    }
    txn.commit().await.unwrap();
    coms
}


/// The `i`th of a committee's `n` proposals, with its signers, answer and rating.
pub fn proposal_rows(rows: &mut Rows, span: Span, com: &Com, c: usize, (i, n): (usize, usize), unit: i64, rng: &mut StdRng) {
    let id = item_id(c, i);
    let submitted = span.at(i, n, rng);
    let state = pick(rng, &[("submitted", 4), ("in_review", 4), ("not_filed", 8), ("merged", 4), ("converted", 3), ("filed", 5), ("assigned", 10), ("answered", 20), ("evaluated", 15), ("concluded", 27)]);
    let filed = matches!(state, "filed" | "assigned" | "answered" | "evaluated" | "concluded");
    let answered = matches!(state, "answered" | "evaluated" | "concluded").then(|| span.clamp(submitted + chrono::Duration::days(rng.random_range(20..120))));
    let deadline = filed.then(|| china_day(submitted) + chrono::Duration::days(90));
    rows.proposals.push(proposal::ActiveModel {
        id: Set(id),
        committee_id: Set(com.id),
        session_id: Set(None),
        kind: Set("member".into()),
        title: Set("关于加强老旧小区改造的提案".into()),
        body: Set(String::new()),
        submitter_kind: Set("member".into()),
        submitter_name: Set(String::new()),
        suggested_units: Set(String::new()),
        state: Set(state.into()),
        seq: Set(None),
        number: Set(filed.then(|| format!("{id}"))),
        host_id: Set(None),
        reason: Set(None),
        key_proposal: Set(false),
        disclose: Set(true),
        mode: Set(filed.then(|| "single".into())),
        assigned_at: Set(None),
        deadline: Set(deadline),
        rehandled: Set(0),
        created_by: Set(None),
        submitted_at: Set(Some(submitted)),
        filed_at: Set(filed.then(|| span.clamp(submitted + chrono::Duration::days(7)))),
        answered_at: Set(answered),
        concluded_at: Set(None),
        created_at: Set(submitted),
        updated_at: Set(submitted),
        supervisor_id: Set(None),
        excellent: Set(false),
    });
    let signers = some_members(c, if rng.random_range(0..10) < 3 { 2 } else { 1 }, rng);
    for (n, m) in signers.iter().enumerate() {
        rows.signers.push(signer::ActiveModel { proposal_id: Set(id), member_id: Set(*m), position: Set(n as i32), confirmed_at: Set(None) });
    }
    if let Some(at) = answered {
        let class = pick(rng, &[("A", 6), ("B", 3), ("C", 1)]);
        let done = part::ActiveModel { proposal_id: Set(id), unit_id: Set(unit), role: Set("answering".into()), state: Set("approved".into()), class: Set(Some(class.into())), reply: Set(None), deadline: Set(deadline.unwrap()), replied_at: Set(Some(at)), approved_at: Set(Some(at)), created_at: Set(submitted), ..Default::default() };
        rows.parts.push(done);
        if state != "answered" {
            let s = pick(rng, &[("satisfied", 80), ("basically_satisfied", 15), ("unsatisfied", 5)]);
            rows.ratings.push(rating::ActiveModel { proposal_id: Set(id), member_id: Set(signers[0]), round: Set(1), satisfaction: Set(s.into()), contacted: Set(true), at: Set(at), ..Default::default() });
        }
    }
}

/// The `i`th of a committee's `n` visits, with its visitors.
pub fn visit_rows(rows: &mut Rows, span: Span, com: &Com, c: usize, (i, n): (usize, usize), rng: &mut StdRng) {
    let id = item_id(c, i);
    let on = span.day(i, n, rng);
    rows.visits.push(visit::ActiveModel {
        id: Set(id),
        committee_id: Set(com.id),
        on_date: Set(on),
        kind: Set(pick(rng, &[("home", 40), ("field", 40), ("enterprise", 15), ("liaison", 5)]).into()),
        whom_kind: Set("masses".into()),
        people: Set(rng.random_range(1..12)),
        names: Set(String::new()),
        place_id: Set(Some(com.places[rng.random_range(0..UNITS)])),
        staff_names: Set(String::new()),
        heard: Set("群众反映停车难".into()),
        follow_up: Set(String::new()),
        created_by: Set(None),
        created_at: Set(span.start),
        updated_at: Set(span.start),
    });
    // One visit in ten has a leader along.
    let mut who = some_members(c, rng.random_range(1..3), rng);
    if i % 10 == 0 {
        who.push(member_id(c, i / 10 % 5));
        who.sort();
        who.dedup();
    }
    rows.visitors.extend(who.into_iter().map(|m| visitor::ActiveModel { visit_id: Set(id), member_id: Set(m) }));
}

/// The `i`th of a committee's `n` activities, with `invited` members on its roll (attendance settled).
pub fn activity_rows(rows: &mut Rows, span: Span, com: &Com, c: usize, (i, n): (usize, usize), invited: usize, rng: &mut StdRng) {
    let id = item_id(c, i);
    let on = span.day(i, n, rng);
    let kind = pick(rng, &[("study", 20), ("training", 10), ("volunteering", 25), ("assistance", 10), ("inspection", 15), ("group_activity", 10), ("other", 10)]);
    let assistance = kind == "assistance";
    rows.activities.push(activity::ActiveModel {
        id: Set(id),
        committee_id: Set(com.id),
        kind: Set(kind.into()),
        title: Set("委员活动".into()),
        organiser: Set(String::new()),
        group_id: Set(None),
        on_date: Set(on),
        end_date: Set(on),
        place_id: Set(Some(com.places[rng.random_range(0..UNITS)])),
        address: Set(String::new()),
        description: Set(String::new()),
        people_served: Set(rng.random_range(0..200)),
        volunteers: Set(rng.random_range(0..20)),
        households: Set(if assistance { rng.random_range(5..40) } else { 0 }),
        funds_fen: Set(if assistance { rng.random_range(100_000..5_000_000) } else { 0 }),
        items_given: Set(String::new()),
        items_count: Set(0),
        sign_in_code: Set(format!("S{id:019}")),
        shared: Set(false),
        created_by: Set(None),
        created_at: Set(span.start),
        updated_at: Set(span.start),
    });
    for m in some_members(c, invited, rng) {
        let attendance = pick(rng, &[("present", 80), ("absent", 10), ("on_leave", 10)]);
        rows.participants.push(participant::ActiveModel { activity_id: Set(id), member_id: Set(m), attendance: Set(attendance.into()), leave_reason: Set(String::new()), leave_status: Set(String::new()), signed_in_at: Set(None) });
    }
}

/// The `i`th of a committee's `n` consultations (nine in ten held), with `attending` members present.
pub fn consultation_rows(rows: &mut Rows, span: Span, com: &Com, c: usize, (i, n): (usize, usize), attending: usize, rng: &mut StdRng) {
    let id = item_id(c, i);
    let held = (rng.random_range(0..10) < 9).then(|| span.day(i, n, rng));
    let mut c_row = consultation::ActiveModel {
        id: Set(id),
        committee_id: Set(com.id),
        kind: Set("grassroots".into()),
        source: Set("plan".into()),
        state: Set(if held.is_some() { "closed" } else { "planned" }.into()),
        title: Set("社区停车难协商".into()),
        plan_year: Set(None),
        place_id: Set(Some(com.places[rng.random_range(0..UNITS)])),
        meeting_on: Set(held),
        held_on: Set(held),
        suggester_member_id: Set(None),
        notice_sent_on: Set(None),
        materials_sent_on: Set(None),
        minutes_issued_on: Set(None),
        closed_on: Set(None),
        deliberation_open: Set(false),
        created_by: Set(None),
        created_at: Set(span.start),
        updated_at: Set(span.start),
        ..Default::default()
    };
    for text in [&mut c_row.topic, &mut c_row.suggested_by, &mut c_row.suggester_phone, &mut c_row.address, &mut c_row.format, &mut c_row.briefing, &mut c_row.questions, &mut c_row.answers, &mut c_row.statements, &mut c_row.decline_reason] {
        *text = Set(String::new());
    }
    rows.consultations.push(c_row);
    for m in some_members(c, attending, rng) {
        rows.attendees.push(attendee::ActiveModel { consultation_id: Set(id), kind: Set("member".into()), member_id: Set(Some(m)), unit_id: Set(None), name: Set(String::new()), attendance: Set("present".into()), ..Default::default() });
    }
}

/// The `i`th of a committee's `n` studio receptions.
pub fn reception_row(span: Span, com: &Com, c: usize, (i, n): (usize, usize), rng: &mut StdRng) -> reception::ActiveModel {
    let k = rng.random_range(0..UNITS);
    reception::ActiveModel {
        id: Set(item_id(c, i)),
        committee_id: Set(com.id),
        studio_id: Set(studio_id(c, k)),
        held_on: Set(span.day(i, n, rng)),
        place_id: Set(Some(com.places[k])),
        citizens_received: Set(rng.random_range(3..30)),
        notes: Set(String::new()),
        created_by: Set(None),
        created_at: Set(span.start),
    }
}

/// The `i`th of a committee's `n` research reports, with two authors and its outcomes.
pub fn research_rows(rows: &mut Rows, span: Span, com: &Com, c: usize, (i, n): (usize, usize), rng: &mut StdRng) {
    let id = item_id(c, i);
    let on = span.day(i, n, rng);
    let mut r = research::report::ActiveModel {
        id: Set(id),
        committee_id: Set(com.id),
        title: Set("关于社区养老的调研报告".into()),
        topic: Set("society".into()),
        group_id: Set((rng.random_range(0..2) == 0).then(|| com.groups[rng.random_range(0..UNITS)])),
        place_id: Set(Some(com.places[rng.random_range(0..UNITS)])),
        on_date: Set(on),
        shared: Set(false),
        created_by: Set(None),
        created_at: Set(span.start),
        updated_at: Set(span.start),
        ..Default::default()
    };
    (r.summary, r.body, r.recipients, r.file_name) = (Set(String::new()), Set(String::new()), Set(String::new()), Set(String::new()));
    rows.research.push(r);
    for (n, m) in some_members(c, 2, rng).into_iter().enumerate() {
        rows.research_authors.push(research::author::ActiveModel { report_id: Set(id), member_id: Set(m), position: Set(n as i32) });
    }
    for kind in ["instructed", "adopted"].into_iter().filter(|_| rng.random_range(0..10) < 4) {
        let o = research::outcome::ActiveModel { report_id: Set(id), kind: Set(kind.into()), level: Set("district".into()), by_whom: Set(String::new()), on_date: Set(on), summary: Set(String::new()), created_by: Set(None), created_at: Set(span.start), ..Default::default() };
        rows.research_outcomes.push(o);
    }
}

/// The `i`th of a committee's `n` public-opinion reports, with its author and outcomes.
pub fn opinion_rows(rows: &mut Rows, span: Span, com: &Com, c: usize, (i, n): (usize, usize), rng: &mut StdRng) {
    let id = item_id(c, i);
    let on = span.day(i, n, rng);
    let state = pick(rng, &[("draft", 10), ("submitted", 20), ("returned", 10), ("adopted", 40), ("kept", 20)]);
    let group = (rng.random_range(0..10) == 0).then(|| com.groups[rng.random_range(0..UNITS)]);
    let mut r = opinions::report::ActiveModel {
        id: Set(id),
        committee_id: Set(com.id),
        title: Set("关于电动车充电难的建议".into()),
        category: Set("other".into()),
        state: Set(state.into()),
        submitter_kind: Set(if group.is_some() { "group" } else { "member" }.into()),
        group_id: Set(group),
        combined: Set(false),
        submitted_on: Set(on),
        created_at: Set(span.start),
        updated_at: Set(span.start),
        ..Default::default()
    };
    (r.body, r.submitter_name, r.reason) = (Set(String::new()), Set(String::new()), Set(String::new()));
    for none in [&mut r.combined_into_id, &mut r.from_committee_id, &mut r.from_report_id, &mut r.sent_up_id, &mut r.bulletin_id, &mut r.created_by, &mut r.source_id] {
        *none = Set(None);
    }
    (r.source_type, r.edited_title, r.edited_body) = (Set(None), Set(None), Set(None));
    (r.sent_up_at, r.submitted_at, r.screened_at, r.approved_at, r.issued_at) = (Set(None), Set(None), Set(None), Set(None), Set(None));
    rows.opinions.push(r);
    if group.is_none() {
        let m = some_members(c, 1, rng)[0];
        rows.opinion_authors.push(opinions::author::ActiveModel { report_id: Set(id), member_id: Set(m), position: Set(0) });
    }
    let outcomes: &[&str] = match state {
        "adopted" if rng.random_range(0..5) == 0 => &["adopted", "instructed"],
        "adopted" => &["adopted"],
        _ => &[],
    };
    for kind in outcomes {
        let o = opinions::outcome::ActiveModel {
            report_id: Set(id),
            kind: Set(kind.to_string()),
            level: Set("district".into()),
            by_whom: Set(String::new()),
            on_date: Set(on),
            summary: Set(String::new()),
            combined: Set(false),
            via_report_id: Set(None),
            created_by: Set(None),
            created_at: Set(span.start),
            ..Default::default()
        };
        rows.opinion_outcomes.push(o);
    }
}

