//! The demo's online deliberation (网上议事) before a community consultation on parking in
//! 江滨社区: 34 statements (most from staff, some from members and residents, one moderated
//! away), a dozen opinions, and the votes of 60 members and 180 residents. The residents fall
//! into three camps — car owners, older residents without cars, and the shopkeepers along the
//! street — who agree on the fire lanes, lighting and open accounts, and split on what the idle
//! plot becomes, outside vehicles and customers' free parking. Deterministic (one seeded
//! generator) and written in batches.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait};

use crate::consultations::consensus::Vote;
use crate::consultations::deliberation::{self as store, Participant, Post};
use crate::consultations::store::vote;
use crate::org::{members, store as org};

/// How each camp leans on a statement: (agree, disagree) chances in percent, the rest pass.
type Lean = (u8, u8);

/// The camps, in the order of [`STATEMENTS`]' columns, with their share of the residents.
const CAMPS: [u32; 3] = [45, 35, 20];

/// (statement, car owners, older residents without cars, shopkeepers).
const STATEMENTS: [(&str, Lean, Lean, Lean); 34] = [
    // What (nearly) everyone agrees on.
    ("消防通道必须保持畅通，占用消防通道的车辆应及时劝离", (95, 2), (96, 1), (92, 3)),
    ("停车收费标准应先公示，听取居民意见后再执行", (95, 1), (94, 2), (94, 2)),
    ("新建停车场要安装照明和监控，保证夜间安全", (94, 2), (92, 2), (90, 3)),
    ("停车收入和支出应每季度在社区公示栏公开", (92, 2), (96, 1), (92, 2)),
    ("社区内部道路应施划停车位和禁停标线", (92, 3), (90, 3), (86, 5)),
    ("新建停车场应配建电动汽车充电桩", (90, 3), (80, 5), (82, 5)),
    ("停车场施工应避开夜间和中午休息时间", (88, 3), (95, 1), (86, 4)),
    ("社区主出入口早晚高峰应安排志愿者疏导交通", (86, 4), (90, 3), (84, 4)),
    // Where the car owners and the older residents part.
    ("闲置地块应全部用于建设停车场", (95, 2), (3, 95), (85, 6)),
    ("闲置地块应留出一半建设健身广场和休闲绿地", (4, 93), (96, 2), (10, 80)),
    ("为增加车位，可以移走部分绿化树木", (88, 6), (2, 96), (80, 8)),
    ("每户居民最多只能办理一张月卡", (4, 93), (92, 3), (8, 82)),
    ("社区内部道路应设置减速带，车辆限速每小时10公里", (6, 90), (95, 2), (10, 80)),
    ("月卡价格应低于每月100元", (95, 2), (6, 88), (85, 6)),
    ("夜间临时停车应按小时收费", (6, 90), (90, 4), (8, 85)),
    ("有车户应分担停车场建设费用，不能用公共维修资金", (6, 90), (95, 2), (10, 75)),
    ("停车位应优先分给本小区有产权的住户", (92, 4), (10, 80), (5, 88)),
    ("社区广场的广场舞时间应限制在晚上八点半以前", (90, 5), (5, 90), (75, 10)),
    // Where the shopkeepers along the street part from the residents.
    ("外来车辆一律禁止进入小区停放", (90, 5), (88, 6), (3, 94)),
    ("沿街商户的顾客应可免费停车30分钟", (6, 90), (10, 82), (96, 1)),
    ("沿街路边车位应优先留给商户装卸货", (5, 88), (12, 78), (95, 2)),
    // What (nearly) everyone rejects.
    ("取消所有路边车位，居民车辆一律停到社区外", (2, 95), (15, 75), (3, 94)),
    ("停车月卡一次性提高到每月300元", (1, 97), (6, 88), (3, 94)),
    ("停车场建成后由个人承包经营，收入不公开", (1, 96), (2, 95), (5, 90)),
    ("社区不再组织协商，由物业直接决定停车方案", (3, 93), (2, 95), (4, 92)),
    // Where most are unsure.
    ("停车场可引入第三方公司运营", (10, 8), (6, 9), (12, 8)),
    ("停车缴费应使用扫码等智慧停车系统", (14, 5), (6, 8), (12, 6)),
    ("可以考虑建设机械式立体停车库", (10, 8), (5, 9), (8, 8)),
    ("停车场夜间应有专人值守", (10, 7), (12, 6), (9, 7)),
    ("新能源车辆可以享受停车费优惠", (12, 9), (7, 10), (9, 9)),
    ("老年人和残疾人家庭应优先分配车位", (10, 9), (18, 4), (9, 8)),
    ("停车位应按楼栋分配而不是抽签", (10, 9), (9, 7), (6, 7)),
    ("社区应与周边单位协商错时共享车位", (16, 5), (12, 5), (14, 5)),
    ("停车方案试行三个月后再评估调整", (14, 6), (13, 6), (14, 6)),
];

/// Statements proposed by participants: (index into [`STATEMENTS`], by a member rather than
/// a resident).
const PROPOSED: [(usize, bool); 6] = [(9, true), (12, false), (14, false), (17, true), (19, false), (32, true)];

/// A resident's statement that staff moderated away: it names a person; its votes do not count.
const HIDDEN: &str = "物业经理收了好处，大家都不要交停车费";

/// (opinion, by a member rather than a resident).
const OPINIONS: [(&str, bool); 12] = [
    ("我家住8栋，每天晚上九点以后就找不到车位，只能停在消防通道边上，心里也不踏实。建议尽快把闲置地块利用起来。", false),
    ("闲置地块旁边就是老年活动室，老人们一直盼着有个能锻炼、晒太阳的地方，希望不要全部建成停车场。", false),
    ("我们沿街开店的，顾客停车几分钟就被贴条，生意受影响。希望给顾客留一点短时停车的空间。", false),
    ("建议先做一次车辆普查，弄清楚社区有多少车、多少是外来车，再定车位数量和收费标准。", true),
    ("收费可以收，但钱用到哪里要说清楚。以前的公共收益就没公开过。", false),
    ("可以考虑停车场和健身广场立体结合：地面停车，顶层做健身场地，兼顾两方面需求。", true),
    ("晚上小孩在内部道路上玩，车开得太快很危险，支持装减速带。", false),
    ("外地来上班的人把车停在小区里一整天，本小区居民反而没位置，应该管起来。", false),
    ("建议与江滨小学、周边单位协商，晚上开放他们的停车场给居民用，白天再还回去。", true),
    ("老旧小区改造时应该把停车一并规划，不要每次只解决一个问题。", true),
    ("希望施工期间做好围挡，别影响老人小孩出行。", false),
    ("收费标准建议分档：本小区居民月卡优惠，外来车辆按次收费。", false),
];

/// Members and residents who take part.
const MEMBERS: usize = 60;
const RESIDENTS: usize = 180;

/// The deliberation's first day and how many days it has run.
fn start() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2022, 4, 2).expect("valid demo date").and_hms_opt(1, 0, 0).expect("valid time").and_utc()
}
const DAYS: i64 = 24;

fn at(rng: &mut StdRng) -> DateTime<Utc> {
    start() + Duration::minutes(rng.random_range(0..DAYS * 24 * 60))
}

/// One vote drawn from a camp's lean on a statement.
fn draw(rng: &mut StdRng, (agree, disagree): Lean) -> Vote {
    let roll = rng.random_range(0..100u8);
    if roll < agree {
        Vote::Agree
    } else if roll < agree.saturating_add(disagree) {
        Vote::Disagree
    } else {
        Vote::Pass
    }
}

fn lean(row: &(&str, Lean, Lean, Lean), camp: usize) -> Lean {
    [row.1, row.2, row.3][camp]
}

/// A camp drawn by the camps' shares.
fn camp(rng: &mut StdRng) -> usize {
    let roll = rng.random_range(0..CAMPS.iter().sum::<u32>());
    let mut acc = 0;
    CAMPS.iter().position(|share| {
        acc += share;
        roll < acc
    })
    .unwrap_or(0)
}

/// Opens the deliberation of `consultation_id` and fills it: statements, opinions and the
/// votes of members (`m:{id}`, the first 60 of `member_ids`) and residents (`c:{random}`).
pub async fn load(txn: &DatabaseTransaction, consultation_id: i64, member_ids: &[i64]) -> Result<(), DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_0402);
    store::open_quietly(txn, consultation_id).await?;
    let names = members::names(txn, member_ids).await?;
    let members: Vec<Participant> = member_ids.iter().take(MEMBERS).map(|id| Participant::member(*id, names.get(id).map_or("", String::as_str))).collect();
    let residents: Vec<Participant> = (0..RESIDENTS).map(|_| Participant::citizen(&format!("{:032x}", rng.random::<u128>()), "江滨社区居民")).collect();
    let staff = match org::find_user_by_username(txn, "staff").await? {
        Some(u) => Participant::user(u.id, "区政协机关"),
        None => members.first().cloned().unwrap_or_else(|| Participant::user(0, "区政协机关")),
    };

    let mut statement_ids = Vec::with_capacity(STATEMENTS.len());
    for (i, (body, ..)) in STATEMENTS.iter().enumerate() {
        let author = match PROPOSED.iter().find(|(k, _)| *k == i) {
            Some((_, true)) => &members[i % members.len().max(1)],
            Some((_, false)) => &residents[i],
            None => &staff,
        };
        let created = start() + Duration::hours(if author == &staff { 0 } else { 24 + i as i64 * 7 });
        statement_ids.push(store::insert(txn, Post::Statement, consultation_id, body, author, false, created).await?);
    }
    let hidden = store::insert(txn, Post::Statement, consultation_id, HIDDEN, &residents[7], true, start() + Duration::days(3)).await?;

    for (i, (body, by_member)) in OPINIONS.iter().enumerate() {
        let author = if *by_member { &members[(i * 7) % members.len().max(1)] } else { &residents[i * 11] };
        store::insert(txn, Post::Opinion, consultation_id, body, author, false, at(&mut rng)).await?;
    }

    let mut rows = Vec::new();
    for p in members.iter().chain(&residents) {
        let camp = camp(&mut rng);
        // Most vote on nearly everything; some stop after a handful.
        let seen = if rng.random_bool(0.9) { rng.random_range(28..=STATEMENTS.len()) } else { rng.random_range(5..28) };
        let mut order: Vec<usize> = (0..STATEMENTS.len()).collect();
        order.shuffle(&mut rng);
        for &s in order.iter().take(seen) {
            let v = draw(&mut rng, lean(&STATEMENTS[s], camp));
            rows.push(store::vote_row(consultation_id, statement_ids[s], &p.key, v, at(&mut rng)));
        }
        if rng.random_bool(0.2) {
            let v = if camp == 1 { Vote::Disagree } else { Vote::Pass };
            rows.push(store::vote_row(consultation_id, hidden, &p.key, v, at(&mut rng)));
        }
    }
    for batch in rows.chunks(500) {
        vote::Entity::insert_many(batch.to_vec()).exec_without_returning(txn).await?;
    }
    Ok(())
}

