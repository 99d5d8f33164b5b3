//! Province-scale benchmark of demands and studios (not a test): 150 committees, each with 12
//! studios (10 rooms, 2 online), 20 handling units, 400 members, 400 reception sessions and
//! 6,667 demands (1,000,050 demands in all, with about 1.9 million timeline events) on SQLite.
//! Demands are written in registration order across committees, as a live province fills the
//! table, in mixed states with realistic dates, units, deadlines and ratings. Then, through the
//! full router, p50/p99 over 300 requests of
//! - the staff, unit and member demand lists (filters, deep pagination), a demand detail;
//! - the reception list with its totals (one period and all time);
//! - the public studio page and the public list of resolved demands;
//! - the JSON list of a studio's resolved demands with a bearer token;
//!
//! and the SQLite query plans of the two slowest demand lists. Every response must be 200.
//!
//! Run: `cargo bench --bench demands`. `XS_BENCH_ANALYZE=1` runs ANALYZE after seeding (the app
//! never does) to compare plans; `XS_BENCH_KEEP=1` keeps the database for inspection.
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;

use common::{Auth, PASSWORD, api_token, login, measure, plan};

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Expr, ExprTrait, Func, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set, Statement,
    TransactionTrait,
};
use xieshang::app::config::Config;
use xieshang::app::{self, auth};
use xieshang::demands::store::demand;
use xieshang::org::members::member;
use xieshang::org::model::{CommitteeCode, CommitteeLevel, Password, Role, Username};
use xieshang::org::store::{self as org, NewCommittee, NewUser, unit};
use xieshang::org::structure::{self, PlaceKind};
use xieshang::studios::schedule::ReceptionDays;
use xieshang::studios::store::{duty, reception, reception_member, studio, studio_member};
use xieshang::tracking::WorkCalendar;
use xieshang::tracking::store::{event, save_calendar};

const COMMITTEES: usize = 150;
const STUDIOS_PER: usize = 12;
/// Studios 0..OFFLINE are rooms that hold receptions; the rest are online studios.
const OFFLINE: usize = 10;
const UNITS_PER: usize = 20;
const PLACES_PER: usize = 12;
const MEMBERS_PER: usize = 400;
/// Members assigned to each studio.
const STUDIO_MEMBERS: usize = 5;
const RECEPTIONS_PER: usize = 400;
const DEMANDS_PER: usize = 6_667;
/// Rows per INSERT.
const CHUNK: usize = 500;
/// Requests timed per page.
const ROUNDS: usize = 300;
/// A page is slow when its p99 exceeds this.
const SLOW: Duration = Duration::from_millis(50);

/// (category, concern, answer)
const CONCERNS: [(&str, &str, &str); 8] = [
    ("社区服务", "小区健身器材老化损坏，居民希望更新体育设施", "已协调街道更换健身器材，新增乒乓球台"),
    ("交通出行", "学校门口车速快，上下学时段存在安全隐患，建议设置减速带", "交警部门已在校门口设置减速带和警示标志"),
    ("城市管理", "小区门口占道经营严重，早晚高峰通行困难", "城管部门已规范摊点，划定临时经营区域"),
    ("环境保护", "河边垃圾堆积，夏季异味大，希望定期清理", "已纳入环卫日常保洁，每周清理两次"),
    ("医疗卫生", "社区卫生服务站周末不开门，老人看病不方便", "服务站已实行周末轮班，上午开诊"),
    ("教育", "学校周边缺少托管服务，双职工家庭接送困难", "已协调学校开设课后延时服务"),
    ("社会保障", "高龄老人补贴申领手续繁琐，希望简化办理", "民政部门已实行线上申领和上门代办"),
    ("其他", "老旧小区路灯损坏多年未修，夜间出行不安全", "已更换路灯并纳入日常维护"),
];

/// Ids of one committee's records, by index.
struct Com {
    id: i64,
    code: String,
    places: Vec<i64>,
}

fn studio_id(c: usize, k: usize) -> i64 {
    (c * STUDIOS_PER + k + 1) as i64
}
fn unit_id(c: usize, u: usize) -> i64 {
    (c * UNITS_PER + u + 1) as i64
}
fn member_id(c: usize, m: usize) -> i64 {
    (c * MEMBERS_PER + m + 1) as i64
}
/// Receptions and demands are numbered in time order across committees.
fn reception_id(c: usize, j: usize) -> i64 {
    (j * COMMITTEES + c + 1) as i64
}
fn demand_id(c: usize, i: usize) -> i64 {
    (i * COMMITTEES + c + 1) as i64
}
/// The members of studio `k`: five of the committee's first sixty.
fn member_of_studio(c: usize, k: usize, n: usize) -> i64 {
    member_id(c, k * STUDIO_MEMBERS + n % STUDIO_MEMBERS)
}

/// A unique tracking code in the product's alphabet, scrambled so neighbours do not look alike.
fn tracking_code(n: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    const SPACE: u64 = 852_891_037_441; // 31^8
    let mut x = (n * 48_271 + 12_345) % SPACE;
    let mut out = [0u8; 8];
    for b in out.iter_mut().rev() {
        *b = ALPHABET[(x % 31) as usize];
        x /= 31;
    }
    String::from_utf8(out.to_vec()).expect("ascii")
}

/// A China-time clock reading on `d` as an instant.
fn at(d: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, minute, 0).expect("valid time").and_utc() - chrono::Duration::hours(8)
}

fn china_day(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// The time window the seeded history covers: six years up to yesterday.
struct Window {
    start: DateTime<Utc>,
    span_secs: i64,
    now: DateTime<Utc>,
}

impl Window {
    /// The instant `n / of` of the way through the window.
    fn point(&self, n: usize, of: usize) -> DateTime<Utc> {
        self.start + chrono::Duration::seconds(self.span_secs * n as i64 / of as i64)
    }
}

fn held_on(w: &Window, j: usize) -> NaiveDate {
    china_day(w.point(j, RECEPTIONS_PER))
}

fn pick<'a>(rng: &mut StdRng, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|x| x.1).sum();
    let mut r = rng.random_range(0..total);
    for (s, w) in weighted {
        if r < *w {
            return s;
        }
        r -= w;
    }
    weighted[0].0
}

/// Demand `i` of committee `c` and its timeline (registration, then the last move if any).
fn make_demand(w: &Window, com: &Com, c: usize, i: usize, rng: &mut StdRng) -> (demand::ActiveModel, Vec<event::ActiveModel>) {
    let id = demand_id(c, i);
    let slot = w.span_secs / DEMANDS_PER as i64;
    let roll = rng.random_range(0..100);
    // 55% at a reception, 15% to an online studio, the rest online without a studio or by phone/visit.
    let (channel, studio, reception, created) = if roll < 55 {
        let j = i * RECEPTIONS_PER / DEMANDS_PER;
        let k = j % OFFLINE;
        ("studio", Some(k), Some(reception_id(c, j)), at(held_on(w, j), 9, 0) + chrono::Duration::minutes(rng.random_range(0..150)))
    } else {
        let t = w.point(i, DEMANDS_PER) + chrono::Duration::seconds(rng.random_range(0..Ord::max(slot, 1)));
        if roll < 70 {
            ("online", Some(OFFLINE + i % (STUDIOS_PER - OFFLINE)), None, t)
        } else {
            (["online", "hotline", "visit", "reception_day"][rng.random_range(0..4)], None, None, t)
        }
    };
    let recent = i * 100 >= DEMANDS_PER * 95;
    let state = if recent {
        pick(rng, &[("registered", 25), ("assigned", 30), ("return_requested", 2), ("answered", 10), ("resolved", 13), ("followed_up", 12), ("converted", 4), ("closed", 4)])
    } else {
        pick(rng, &[("registered", 4), ("assigned", 10), ("return_requested", 1), ("answered", 2), ("resolved", 4), ("followed_up", 48), ("archived", 18), ("converted", 7), ("closed", 6)])
    };
    let done = matches!(state, "resolved" | "followed_up" | "archived");
    let via_unit = matches!(state, "assigned" | "return_requested" | "answered") || (done && rng.random_range(0..10) < 7);
    let (category, text, answer_text) = CONCERNS[rng.random_range(0..CONCERNS.len())];
    let clamp = |t: DateTime<Utc>| Ord::min(t, w.now);
    let mut d = demand::ActiveModel {
        id: Set(id),
        committee_id: Set(com.id),
        code: Set(tracking_code(id as u64)),
        kind: Set(if rng.random_range(0..4) == 3 { "suggestion" } else { "problem" }.into()),
        channel: Set(channel.into()),
        category: Set(category.into()),
        place_id: Set(Some(com.places[studio.unwrap_or(rng.random_range(0..PLACES_PER)) % PLACES_PER])),
        description: Set(text.into()),
        citizen_name: Set(format!("{}{}", ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"][i % 8], ["女士", "先生", "阿姨", "师傅"][rng.random_range(0..4)])),
        citizen_phone: Set(format!("1{}{:09}", [3, 5, 8][i % 3], rng.random_range(0..1_000_000_000u32))),
        state: Set(state.into()),
        unit_id: Set(None),
        assigned_at: Set(None),
        deadline: Set(None),
        answer: Set(None),
        answered_at: Set(None),
        resolved_at: Set(None),
        satisfaction: Set(None),
        rehandled: Set(if via_unit && rng.random_range(0..50) == 0 { 1 } else { 0 }),
        created_at: Set(created),
        updated_at: Set(created),
        studio_id: Set(studio.map(|k| studio_id(c, k))),
        reception_id: Set(reception),
        converted_kind: Set(None),
        converted_id: Set(None),
        visit_id: Set(None),
    };
    let mut last = created;
    if via_unit {
        let assigned = clamp(created + chrono::Duration::hours(rng.random_range(20..60)));
        d.unit_id = Set(Some(unit_id(c, rng.random_range(0..UNITS_PER))));
        d.assigned_at = Set(Some(assigned));
        d.deadline = Set(Some(china_day(assigned) + chrono::Duration::days(21)));
        last = assigned;
        if matches!(state, "answered") || done {
            let answered = clamp(assigned + chrono::Duration::hours(rng.random_range(48..480)));
            d.answer = Set(Some(answer_text.into()));
            d.answered_at = Set(Some(answered));
            last = answered;
        }
        if done {
            last = clamp(last + chrono::Duration::hours(rng.random_range(4..48)));
            d.resolved_at = Set(Some(last));
        }
    } else if done {
        last = clamp(created + chrono::Duration::hours(2));
        d.answer = Set(Some("值班委员现场协调，已当场解决".into()));
        d.answered_at = Set(Some(last));
        d.resolved_at = Set(Some(last));
    } else if matches!(state, "converted" | "closed") {
        last = clamp(created + chrono::Duration::hours(rng.random_range(24..120)));
        if state == "converted" {
            d.converted_kind = Set(Some(if i.is_multiple_of(2) { "proposal" } else { "opinion_report" }.into()));
        }
    }
    if matches!(state, "followed_up" | "archived") {
        last = clamp(last + chrono::Duration::hours(rng.random_range(48..120)));
        d.satisfaction = Set(Some(pick(rng, &[("satisfied", 80), ("basically_satisfied", 15), ("unsatisfied", 5)]).into()));
    }
    if state == "archived" {
        last = clamp(last + chrono::Duration::days(30));
    }
    d.updated_at = Set(last);
    let ev = |at: DateTime<Utc>, action: &str, from: Option<&str>, to: &str, who: &str, comment: &str| event::ActiveModel {
        committee_id: Set(com.id),
        item_type: Set("demand".into()),
        item_id: Set(id),
        at: Set(at),
        actor_id: Set(None),
        actor_name: Set(who.into()),
        action: Set(action.into()),
        from_state: Set(from.map(str::to_string)),
        to_state: Set(Some(to.into())),
        comment: Set(comment.into()),
        ..Default::default()
    };
    let mut events = vec![ev(created, "register", None, "registered", if channel == "online" { "群众" } else { "值班委员" }, "")];
    if state != "registered" {
        let (action, from) = match state {
            "assigned" => ("assign", "registered"),
            "return_requested" => ("request_return", "assigned"),
            "answered" => ("answer", "assigned"),
            "resolved" if via_unit => ("confirm_resolved", "answered"),
            "resolved" => ("answer_on_spot", "registered"),
            "followed_up" => ("rate", "resolved"),
            "converted" => ("convert", "registered"),
            "closed" => ("reject", "registered"),
            _ => ("archive", "followed_up"),
        };
        events.push(ev(last, action, Some(from), state, "bench-staff", ""));
    }
    (d, events)
}

async fn seed(db: &DatabaseConnection, w: &Window) -> Vec<Com> {
    let mut rng = StdRng::seed_from_u64(2022_0331);
    let today = china_day(w.now);
    let calendar = WorkCalendar::china_2022();
    let mut coms = Vec::new();
    for c in 0..COMMITTEES {
        let code = CommitteeCode::parse(&format!("c{c:03}")).unwrap();
        let com = org::insert_committee(db, NewCommittee { code, name: format!("第{c}区政协"), level: CommitteeLevel::County, parent_id: None }).await.unwrap();
        save_calendar(db, com.id, &calendar).await.unwrap();
        let sector = structure::insert_sector(db, com.id, "界别").await.unwrap().id;
        let mut places = Vec::new();
        for p in 0..PLACES_PER {
            places.push(structure::insert_place(db, com.id, &format!("街道{p}"), PlaceKind::Street, None).await.unwrap().id);
        }
        let now = w.now;
        let units: Vec<unit::ActiveModel> = (0..UNITS_PER)
            .map(|u| unit::ActiveModel {
                id: Set(unit_id(c, u)),
                committee_id: Set(com.id),
                name: Set(format!("区第{u}办理单位")),
                created_at: Set(now),
                kind: Set("government".into()),
                contact: Set(None),
                phone: Set(None),
                retired: Set(false),
            })
            .collect();
        unit::Entity::insert_many(units).exec_without_returning(db).await.unwrap();
        let members: Vec<member::ActiveModel> = (0..MEMBERS_PER)
            .map(|m| member::ActiveModel {
                id: Set(member_id(c, m)),
                committee_id: Set(com.id),
                name: Set(format!("委员{c}_{m}")),
                initials: Set(format!("wy{m}")),
                gender: Set(Some(if m % 3 == 0 { "female" } else { "male" }.into())),
                birth_month: Set(Some("1975-03".into())),
                ethnicity: Set(None),
                party: Set(None),
                sector_id: Set(sector),
                place_id: Set(Some(places[m % PLACES_PER])),
                position: Set("member".into()),
                employer: Set(None),
                mobile: Set(Some(format!("139{:08}", c * MEMBERS_PER + m))),
                status: Set("in_office".into()),
                status_since: Set(None),
                user_id: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect();
        for chunk in members.chunks(CHUNK / 2) {
            member::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await.unwrap();
        }
        let weekdays = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
        let studios: Vec<studio::ActiveModel> = (0..STUDIOS_PER)
            .map(|k| {
                let offline = k < OFFLINE;
                studio::ActiveModel {
                    id: Set(studio_id(c, k)),
                    committee_id: Set(com.id),
                    name: Set(if offline { format!("街道{k}委员工作室") } else { format!("线上委员工作室{k}") }),
                    kind: Set(if offline { "offline" } else { "online" }.into()),
                    group_id: Set(None),
                    place_id: Set(Some(places[k % PLACES_PER])),
                    address: Set(if offline { format!("街道{k}党群服务中心") } else { String::new() }),
                    room: Set(if offline { format!("{}0{}室", 1 + k % 3, 1 + k % 5) } else { String::new() }),
                    phone: Set(format!("0731-5858{:04}", 1200 + k)),
                    hours: Set(if offline { "09:00-11:30" } else { "" }.into()),
                    reception_days: Set(if offline { ReceptionDays::new(&[weekdays[k % 5]], &[10 + k as u32]).code() } else { String::new() }),
                    intro: Set("委员轮流值班，倾听群众呼声，协调解决身边的急难愁盼问题。".into()),
                    retired: Set(false),
                    created_at: Set(w.start),
                    updated_at: Set(w.start),
                }
            })
            .collect();
        studio::Entity::insert_many(studios).exec_without_returning(db).await.unwrap();
        let assigned = (0..STUDIOS_PER).flat_map(|k| (0..STUDIO_MEMBERS).map(move |n| studio_member::ActiveModel { studio_id: Set(studio_id(c, k)), member_id: Set(member_of_studio(c, k, n)) }));
        studio_member::Entity::insert_many(assigned).exec_without_returning(db).await.unwrap();
        // Who is on duty on the coming reception days, for the public page.
        let mut duties = Vec::new();
        for k in 0..OFFLINE {
            let days = ReceptionDays::new(&[weekdays[k % 5]], &[10 + k as u32]);
            for (n, day) in days.dates_between(today, today + chrono::Duration::weeks(8)).into_iter().filter(|d| d.weekday().number_from_monday() <= 5).enumerate() {
                for m in [member_of_studio(c, k, 2 * n), member_of_studio(c, k, 2 * n + 1)] {
                    duties.push(duty::ActiveModel { studio_id: Set(studio_id(c, k)), day: Set(day), member_id: Set(m), ..Default::default() });
                }
            }
        }
        duty::Entity::insert_many(duties).exec_without_returning(db).await.unwrap();
        coms.push(Com { id: com.id, code: com.code, places });
    }

    // Receptions, in time order across committees.
    let mut receptions = Vec::new();
    let mut on_duty = Vec::new();
    for j in 0..RECEPTIONS_PER {
        for (c, com) in coms.iter().enumerate() {
            let k = j % OFFLINE;
            let day = held_on(w, j);
            let citizens = rng.random_range(4..=30);
            receptions.push(reception::ActiveModel {
                id: Set(reception_id(c, j)),
                committee_id: Set(com.id),
                studio_id: Set(studio_id(c, k)),
                held_on: Set(day),
                place_id: Set(Some(com.places[k % PLACES_PER])),
                citizens_received: Set(citizens),
                notes: Set(format!("接待群众{citizens}人次，现场解答政策咨询，登记诉求并跟踪办理。")),
                created_by: Set(None),
                created_at: Set(at(day, 12, 0)),
            });
            for n in 0..2 {
                on_duty.push(reception_member::ActiveModel { reception_id: Set(reception_id(c, j)), member_id: Set(member_of_studio(c, k, j / OFFLINE * 2 + n)) });
            }
        }
    }
    let txn = db.begin().await.unwrap();
    for chunk in receptions.chunks(CHUNK) {
        reception::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await.unwrap();
    }
    for chunk in on_duty.chunks(CHUNK) {
        reception_member::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await.unwrap();
    }
    txn.commit().await.unwrap();

    // Demands with their timelines, in registration order across committees.
    let mut demands = Vec::with_capacity(CHUNK);
    let mut events = Vec::with_capacity(2 * CHUNK);
    let mut txn = db.begin().await.unwrap();
    let mut written = 0usize;
    for i in 0..DEMANDS_PER {
        for (c, com) in coms.iter().enumerate() {
            let (d, ev) = make_demand(w, com, c, i, &mut rng);
            demands.push(d);
            events.extend(ev);
            if demands.len() == CHUNK || (i + 1 == DEMANDS_PER && c + 1 == COMMITTEES) {
                written += demands.len();
                demand::Entity::insert_many(std::mem::take(&mut demands)).exec_without_returning(&txn).await.unwrap();
                for chunk in events.chunks(CHUNK) {
                    event::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await.unwrap();
                }
                events.clear();
                if written.is_multiple_of(50_000) || written == DEMANDS_PER * COMMITTEES {
                    txn.commit().await.unwrap();
                    txn = db.begin().await.unwrap();
                }
            }
        }
    }
    txn.commit().await.unwrap();
    // The app never runs ANALYZE, so neither does the bench unless asked (to compare plans).
    if std::env::var_os("XS_BENCH_ANALYZE").is_some() {
        db.execute_unprepared("ANALYZE").await.unwrap();
        println!("ran ANALYZE");
    }
    coms
}

/// The statements `demands::store::list` runs for these filters (the count, then the page),
/// built the same way.
fn demand_list_sql(db: &DatabaseConnection, cid: i64, f: &ListFilter, offset: u64) -> Vec<(&'static str, Statement)> {
    let mut q: Select<demand::Entity> = demand::Entity::find().filter(demand::Column::CommitteeId.eq(cid));
    if let Some(s) = f.state {
        q = q.filter(demand::Column::State.eq(s));
    }
    if let Some(u) = f.unit_id {
        q = q.filter(demand::Column::UnitId.eq(u));
    }
    if f.resolved_only {
        q = q.filter(demand::Column::ResolvedAt.is_not_null());
    }
    if let Some(s) = f.studio_id {
        q = q.filter(demand::Column::StudioId.eq(s));
    }
    if let Some(ids) = &f.studio_ids {
        q = q.filter(demand::Column::StudioId.is_in(ids.iter().copied()));
    }
    let backend = db.get_database_backend();
    let count: SelectStatement =
        SelectStatement::new().expr(Expr::cust("COUNT(*) AS num_items")).from_subquery(q.clone().into_query(), "sub_query").to_owned();
    let page = q.order_by_desc(demand::Column::Id).offset(offset).limit(20);
    vec![("count", backend.build(&count)), ("page ", page.build(backend))]
}

/// The statements behind the reception list for a committee and period (count, page, totals).
fn reception_list_sql(db: &DatabaseConnection, cid: i64, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Vec<(&'static str, Statement)> {
    let mut q = reception::Entity::find().filter(reception::Column::CommitteeId.eq(cid));
    if let Some(f) = from {
        q = q.filter(reception::Column::HeldOn.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(reception::Column::HeldOn.lte(t));
    }
    let backend = db.get_database_backend();
    let count: SelectStatement =
        SelectStatement::new().expr(Expr::cust("COUNT(*) AS num_items")).from_subquery(q.clone().into_query(), "sub_query").to_owned();
    let totals = q
        .clone()
        .select_only()
        .column_as(Expr::expr(Func::count(Expr::col(reception::Column::Id))), "n")
        .column_as(Expr::expr(Func::sum(Expr::col(reception::Column::CitizensReceived))).cast_as(sea_orm::sea_query::Alias::new("BIGINT")), "citizens");
    let page = q.order_by_desc(reception::Column::HeldOn).order_by_desc(reception::Column::Id).limit(20);
    vec![("count", backend.build(&count)), ("page ", page.build(backend)), ("sums ", totals.build(backend))]
}

#[derive(Default)]
struct ListFilter {
    state: Option<&'static str>,
    unit_id: Option<i64>,
    resolved_only: bool,
    studio_id: Option<i64>,
    studio_ids: Option<Vec<i64>>,
}

/// Time of one run of a statement straight on the pool (for telling SQL from rendering).
async fn sql_time(db: &DatabaseConnection, st: &Statement) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        db.query_all_raw(st.clone()).await.unwrap();
        best = best.min(t.elapsed());
    }
    best
}

struct Page<'a> {
    who: &'static str,
    path: String,
    auth: Auth<'a>,
    sql: Vec<(&'static str, Statement)>,
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("xieshang-bench-demands-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config { database_url: format!("sqlite://{}/bench.db?mode=rwc", dir.display()), ..Config::default() };
    let state = app::prepare(config).await.unwrap();
    let db = &state.db;
    let now = Utc::now();
    let start = now - chrono::Duration::days(6 * 365);
    let w = Window { start, span_secs: (now - chrono::Duration::days(1) - start).num_seconds(), now };

    let started = Instant::now();
    let coms = seed(db, &w).await;
    let took = started.elapsed();
    let count = |table: &'static str| async move {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {table}"))).await.unwrap().unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    println!(
        "seeded {} committees, {} studios, {} receptions, {} demands, {} events in {:.1?}",
        COMMITTEES,
        count("studios").await,
        count("receptions").await,
        count("demands").await,
        count("events").await,
        took
    );

    // The accounts, in the first committee.
    let (c0, com) = (0usize, &coms[0]);
    let hash = auth::hash_password(&Password::parse("password", PASSWORD).unwrap());
    let new_user = |name: &str, role: Role, unit_id: Option<i64>| NewUser {
        committee_id: com.id,
        username: Username::parse(name).unwrap(),
        display_name: name.into(),
        password_hash: hash.clone(),
        role,
        unit_id,
    };
    let unit = unit_id(c0, 3);
    org::insert_user(db, new_user("bench-staff", Role::Staff, None)).await.unwrap();
    org::insert_user(db, new_user("bench-unit", Role::Unit, Some(unit))).await.unwrap();
    let member_user = org::insert_user(db, new_user("bench-member", Role::Member, None)).await.unwrap();
    let studio = studio_id(c0, 0);
    let member = member_of_studio(c0, 0, 0);
    member::Entity::update_many().col_expr(member::Column::UserId, Expr::value(member_user.id)).filter(member::Column::Id.eq(member)).exec(db).await.unwrap();

    let router = app::build(state.clone());
    let staff = login(&router, "bench-staff").await;
    let unit_session = login(&router, "bench-unit").await;
    let member_session = login(&router, "bench-member").await;
    let token = api_token(&router, "bench-staff").await;
    // A demand with the most to show: registered at a reception, now with a unit (action forms).
    let detail = demand::Entity::find()
        .filter(demand::Column::CommitteeId.eq(com.id))
        .filter(demand::Column::ReceptionId.is_not_null())
        .filter(demand::Column::State.eq("assigned"))
        .order_by_desc(demand::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("an assigned demand")
        .id;
    let reception = reception_id(c0, RECEPTIONS_PER - 3);
    let q1 = (NaiveDate::from_ymd_opt(2022, 1, 1), NaiveDate::from_ymd_opt(2022, 3, 31));
    let cid = com.id;
    let code = &com.code;
    let pages = vec![
        Page { who: "staff", path: "/demands".into(), auth: Auth::Cookie(&staff), sql: demand_list_sql(db, cid, &ListFilter::default(), 0) },
        Page {
            who: "staff",
            path: "/demands?state=assigned".into(),
            auth: Auth::Cookie(&staff),
            sql: demand_list_sql(db, cid, &ListFilter { state: Some("assigned"), ..Default::default() }, 0),
        },
        Page {
            who: "staff",
            path: format!("/demands?studio={studio}"),
            auth: Auth::Cookie(&staff),
            sql: demand_list_sql(db, cid, &ListFilter { studio_id: Some(studio), ..Default::default() }, 0),
        },
        Page { who: "staff", path: "/demands?page=200".into(), auth: Auth::Cookie(&staff), sql: demand_list_sql(db, cid, &ListFilter::default(), 199 * 20) },
        Page {
            who: "unit",
            path: "/demands".into(),
            auth: Auth::Cookie(&unit_session),
            sql: demand_list_sql(db, cid, &ListFilter { unit_id: Some(unit), ..Default::default() }, 0),
        },
        Page {
            who: "member",
            path: "/demands".into(),
            auth: Auth::Cookie(&member_session),
            sql: demand_list_sql(db, cid, &ListFilter { studio_ids: Some(vec![studio]), ..Default::default() }, 0),
        },
        Page { who: "staff", path: "/receptions".into(), auth: Auth::Cookie(&staff), sql: reception_list_sql(db, cid, None, None) },
        Page { who: "staff", path: "/receptions?from=2022-01-01&to=2022-03-31".into(), auth: Auth::Cookie(&staff), sql: reception_list_sql(db, cid, q1.0, q1.1) },
        Page { who: "staff", path: format!("/demands/{detail}"), auth: Auth::Cookie(&staff), sql: vec![] },
        Page { who: "public", path: format!("/c/{code}/studios/{studio}"), auth: Auth::None, sql: vec![] },
        Page {
            who: "public",
            path: format!("/c/{code}/demands/resolved"),
            auth: Auth::None,
            sql: demand_list_sql(db, cid, &ListFilter { resolved_only: true, ..Default::default() }, 0),
        },
        Page {
            who: "api",
            path: format!("/api/v1/demands?studio={studio}&status=resolved"),
            auth: Auth::Bearer(&token),
            sql: demand_list_sql(db, cid, &ListFilter { state: Some("resolved"), studio_id: Some(studio), ..Default::default() }, 0),
        },
        // Beyond the brief: the pages around them that read the same tables.
        Page { who: "staff", path: "/".into(), auth: Auth::Cookie(&staff), sql: vec![] },
        Page { who: "staff", path: format!("/studios/{studio}"), auth: Auth::Cookie(&staff), sql: vec![] },
        Page { who: "staff", path: format!("/receptions/{reception}"), auth: Auth::Cookie(&staff), sql: vec![] },
    ];

    println!("{:<6} {:<52} {:>9} {:>9} {:>8}", "who", "page", "p50", "p99", "bytes");
    let mut results = Vec::new();
    for p in &pages {
        let (p50, p99, size) = measure(&router, &p.path, &p.auth, ROUNDS).await;
        println!("{:<6} {:<52} {:>9.2?} {:>9.2?} {:>8}{}", p.who, p.path, p50, p99, size, if p99 > SLOW { "  SLOW" } else { "" });
        results.push((p, p50, p99));
    }

    // The two slowest lists: their query plans and the bare SQL time of each statement.
    let mut lists: Vec<_> = results.iter().filter(|(p, _, _)| !p.sql.is_empty()).collect();
    lists.sort_by_key(|(_, p50, _)| std::cmp::Reverse(*p50));
    for (p, p50, _) in lists.iter().take(2) {
        println!("query plan of {} {} (page p50 {:.2?}):", p.who, p.path, p50);
        for (name, st) in &p.sql {
            println!("  {name} {:>9.2?}  {}", sql_time(db, st).await, plan(db, st).await);
        }
    }
    let slow: Vec<_> = results.iter().filter(|(_, _, p99)| *p99 > SLOW).map(|(p, _, _)| format!("{} {}", p.who, p.path)).collect();
    println!("pages with p99 over {SLOW:?}: {}", if slow.is_empty() { "none".to_string() } else { slow.join(", ") });
    if std::env::var_os("XS_BENCH_KEEP").is_some() {
        println!("database kept at {}/bench.db", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
