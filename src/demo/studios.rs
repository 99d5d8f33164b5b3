//! The demo's 12 member studios (10 offline rooms, 2 online) with their duty rosters, the
//! receptions of 2022 Q1 and the concerns registered there, each carried through a realistic
//! history (triage, hand-over, answer, confirmation, rating) at past instants. Every figure
//! the article reports (320+ citizens received, 85+ opinions, 36+ solved; 五里堆's two
//! receptions in 江滨 and 向阳 with 7 solved; 书院路's 19 solved) is counted from these records.
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::app::audit::Who;
use crate::app::error::{AppError, AppResult};
use crate::demands::model::{Channel, DemandAction, DemandActor, DemandKind, MAX_REHANDLE, Satisfaction};
use crate::demands::store::{self as demands, Author, Demand, NewDemand, Payload};
use crate::org::members::{self, MemberFilter};
use crate::org::store as org;
use crate::org::structure;
use crate::studios::model::{Hours, ReceptionData, StudioData, StudioKind};
use crate::studios::schedule::ReceptionDays;
use crate::studios::store;
use crate::tracking::WorkCalendar;

/// (group, studio, kind, weekday of reception, month days, concerns in Q1, of which solved)
type StudioRow = (&'static str, &'static str, StudioKind, Option<Weekday>, &'static [u32], usize, usize);
const STUDIOS: [StudioRow; 12] = [
    ("书院路政协小组", "书院路委员工作室", StudioKind::Offline, Some(Weekday::Wed), &[10, 20], 24, 19),
    ("五里堆街道政协小组", "五里堆委员工作室", StudioKind::Offline, Some(Weekday::Fri), &[], 9, 7),
    ("建设路街道政协小组", "建设路委员工作室", StudioKind::Offline, Some(Weekday::Tue), &[], 6, 1),
    ("岳塘街道政协小组", "岳塘委员工作室", StudioKind::Offline, Some(Weekday::Thu), &[], 6, 1),
    ("东坪街道政协小组", "东坪委员工作室", StudioKind::Offline, Some(Weekday::Mon), &[15], 5, 1),
    ("下摄司街道政协小组", "下摄司委员工作室", StudioKind::Offline, Some(Weekday::Wed), &[], 5, 1),
    ("宝塔街道政协小组", "宝塔委员工作室", StudioKind::Offline, Some(Weekday::Thu), &[], 5, 1),
    ("霞城街道政协小组", "霞城委员工作室", StudioKind::Offline, Some(Weekday::Tue), &[], 5, 1),
    ("荷塘街道政协小组", "荷塘委员工作室", StudioKind::Offline, Some(Weekday::Fri), &[], 5, 1),
    ("双马街道政协小组", "双马委员工作室", StudioKind::Offline, Some(Weekday::Mon), &[], 5, 1),
    ("昭山镇政协小组", "昭山线上委员工作室", StudioKind::Online, None, &[], 8, 2),
    ("易家湾街道政协小组", "易家湾线上委员工作室", StudioKind::Online, None, &[], 7, 2),
];

/// (category, the concern, the answer that solved it). The first two are 书院路's
/// (葩金社区's sports facilities, a speed bump at 友谊小学).
const CONCERNS: [(&str, &str, &str); 16] = [
    ("社区服务", "葩金社区健身器材老化损坏，居民希望更新体育设施", "已协调街道更换健身器材8件，新增乒乓球台2张"),
    ("交通出行", "友谊小学门口车速快，上下学时段存在安全隐患，建议设置减速带", "交警部门已在校门口设置减速带和警示标志"),
    ("城市管理", "小区门口占道经营严重，早晚高峰通行困难", "城管部门已规范摊点，划定临时经营区域"),
    ("环境保护", "河边垃圾堆积，夏季异味大，希望定期清理", "已纳入环卫日常保洁，每周清理两次"),
    ("交通出行", "公交站台没有遮雨棚，老人候车不便", "公交公司已加装遮雨棚和座椅"),
    ("医疗卫生", "社区卫生服务站周末不开门，老人看病不方便", "服务站已实行周末轮班，上午开诊"),
    ("教育", "学校周边缺少托管服务，双职工家庭接送困难", "已协调学校开设课后延时服务"),
    ("社会保障", "高龄老人补贴申领手续繁琐，希望简化办理", "民政部门已实行线上申领和上门代办"),
    ("城市管理", "老旧小区路灯损坏多年未修，夜间出行不安全", "已更换路灯12盏并纳入日常维护"),
    ("社区服务", "小区没有快递柜，快递堆放在门卫处容易丢失", "已协调物业设置智能快递柜"),
    ("环境保护", "餐馆油烟直排，影响楼上住户", "已督促商户安装油烟净化设备"),
    ("交通出行", "路口红绿灯时间过短，行人来不及通过", "已调整信号灯配时，行人绿灯延长至30秒"),
    ("城市管理", "雨天道路积水严重，排水不畅", "已疏通排水管网并改造雨水口"),
    ("社会保障", "灵活就业人员参保政策不清楚，希望有人讲解", "人社部门已到社区开展政策宣讲"),
    ("社区服务", "社区活动室开放时间短，老年人活动场所不足", "活动室已延长开放时间至晚上八点"),
    ("教育", "小学周边文具店售卖三无食品", "市场监管部门已开展专项检查"),
];

/// Units that answer each category.
fn unit_for(category: &str) -> &'static str {
    match category {
        "交通出行" => "区交通运输局",
        "城市管理" => "区城市管理和综合执法局",
        "环境保护" => "区生态环境分局",
        "医疗卫生" => "区卫生健康局",
        "教育" => "区教育局",
        "社会保障" => "区人力资源和社会保障局",
        _ => "区住房和城乡建设局",
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// A China-time clock reading on `d` as an instant.
fn at(d: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, minute, 0).expect("valid time").and_utc() - Duration::hours(8)
}

/// The ids the studios part needs from the rest of the demo.
pub struct Context<'a> {
    pub committee_id: i64,
    pub staff: &'a Who,
    pub today: NaiveDate,
}

pub async fn load(txn: &DatabaseTransaction, ctx: Context<'_>) -> AppResult<()> {
    let cid = ctx.committee_id;
    let mut rng = StdRng::seed_from_u64(2022_0331);
    let cal = WorkCalendar::china_2022();
    let groups = structure::groups(txn, cid).await?;
    let places = structure::places(txn, cid).await?;
    let place_id = |name: &str| places.iter().find(|p| p.name == name).map(|p| p.id);
    let mut names = PersonNames;
    for (i, (group, name, kind, weekday, month_days, concerns, solved)) in STUDIOS.into_iter().enumerate() {
        let g = groups.iter().find(|g| g.name == group).ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo group {group} missing")))?;
        let member_ids: Vec<i64> = members::all(txn, cid, &MemberFilter { group_ids: Some(vec![g.id]), ..Default::default() }).await?.into_iter().map(|m| m.id).collect();
        let data = StudioData {
            name: name.to_string(),
            kind,
            group_id: Some(g.id),
            place_id: g.place_id,
            address: match kind {
                // The place (the street) is shown before the address already.
                StudioKind::Offline => "党群服务中心".to_string(),
                StudioKind::Online => String::new(),
            },
            room: if kind == StudioKind::Offline { format!("{}0{}室", 1 + i % 3, 1 + i % 5) } else { String::new() },
            phone: format!("0731-5858{:04}", 1200 + i),
            hours: Hours::parse("hours", if kind == StudioKind::Offline { "09:00-11:30" } else { "" }).ok().flatten(),
            reception_days: ReceptionDays::new(&weekday.into_iter().collect::<Vec<_>>(), month_days),
            intro: format!("由{group}委员轮流值班，倾听群众呼声，协调解决身边的急难愁盼问题。"),
            member_ids: member_ids.clone(),
        };
        let studio = store::save(txn, cid, None, &data, ctx.staff).await?;
        let plan = StudioPlan { studio_id: studio.id, member_ids: &member_ids, concerns, solved };
        match (kind, name) {
            (StudioKind::Online, _) => online_concerns(txn, &ctx, &plan, &cal, &mut rng, &mut names).await?,
            (_, "五里堆委员工作室") => {
                // The studio went out into two communities instead of waiting in its room.
                let outings = [(day(2022, 2, 18), "江滨社区", 23), (day(2022, 3, 11), "向阳社区", 19)];
                let sessions: Vec<(NaiveDate, Option<i64>, i32)> = outings.iter().map(|(d, p, n)| (*d, place_id(p), *n)).collect();
                receptions(txn, &ctx, &plan, &sessions, &cal, &mut rng, &mut names).await?;
            }
            _ => {
                let schedule = &data.reception_days;
                let dates: Vec<NaiveDate> = schedule.dates_between(day(2022, 1, 4), day(2022, 3, 31)).into_iter().filter(|d| cal.is_working_day(*d)).collect();
                // About every third reception day is recorded as a session with visitors.
                let sessions: Vec<(NaiveDate, Option<i64>, i32)> = dates.iter().step_by(3).map(|d| (*d, None, rng.random_range(6..=12))).collect();
                receptions(txn, &ctx, &plan, &sessions, &cal, &mut rng, &mut names).await?;
            }
        }
        if kind == StudioKind::Offline {
            upcoming_roster(txn, studio.id, &data.reception_days, &member_ids, ctx.today).await?;
        }
    }
    Ok(())
}

struct StudioPlan<'a> {
    studio_id: i64,
    member_ids: &'a [i64],
    concerns: usize,
    solved: usize,
}

/// Two members on duty per day, in turn.
fn on_duty(members: &[i64], n: usize) -> Vec<i64> {
    if members.is_empty() {
        return vec![];
    }
    let a = members[(2 * n) % members.len()];
    let b = members[(2 * n + 1) % members.len()];
    if a == b { vec![a] } else { vec![a, b] }
}

/// Records the sessions with their rosters and spreads the studio's concerns over them.
async fn receptions(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    plan: &StudioPlan<'_>,
    sessions: &[(NaiveDate, Option<i64>, i32)],
    cal: &WorkCalendar,
    rng: &mut StdRng,
    names: &mut PersonNames,
) -> AppResult<()> {
    let mut reception_ids = Vec::new();
    for (n, (held_on, place_id, citizens)) in sessions.iter().enumerate() {
        let duty = on_duty(plan.member_ids, n);
        store::write_duty(txn, plan.studio_id, *held_on, &duty).await?;
        let r = ReceptionData {
            studio_id: plan.studio_id,
            held_on: *held_on,
            place_id: *place_id,
            citizens_received: *citizens,
            notes: format!("接待群众{citizens}人次，现场解答政策咨询，登记诉求并跟踪办理。"),
            member_ids: duty,
        };
        let saved = store::insert_reception(txn, ctx.committee_id, &r, ctx.staff.actor_id, at(*held_on, 12, 0)).await?;
        reception_ids.push((saved.id, *held_on, *place_id));
    }
    if reception_ids.is_empty() {
        return Ok(());
    }
    for k in 0..plan.concerns {
        // In order: the first (solved) concerns come from the earlier sessions, so their
        // answers arrive within the quarter.
        let (reception_id, held_on, place_id) = reception_ids[k * reception_ids.len() / plan.concerns];
        let registered = at(held_on, 9 + (k % 3) as u32, 10 * (k % 5) as u32);
        let new = concern(plan, k, Channel::Studio, place_id, Some(reception_id), rng, names);
        let d = demands::insert(txn, ctx.committee_id, new, &member_who(ctx), registered).await?;
        carry(txn, ctx, d, k < plan.solved, k, registered, cal, rng).await?;
    }
    Ok(())
}

/// Concerns written to an online studio through the public form, some with a conversation.
async fn online_concerns(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    plan: &StudioPlan<'_>,
    cal: &WorkCalendar,
    rng: &mut StdRng,
    names: &mut PersonNames,
) -> AppResult<()> {
    for k in 0..plan.concerns {
        let registered = at(day(2022, 1, 6) + Duration::days(9 * k as i64 + rng.random_range(0..5)), 20, 15);
        let new = concern(plan, k, Channel::Online, None, None, rng, names);
        let citizen = Who::anonymous(Some(ctx.committee_id), &format!("群众（{}）", new.citizen_name), "-");
        let d = demands::insert(txn, ctx.committee_id, new, &citizen, registered).await?;
        if k % 2 == 0 {
            let member = Who { actor_name: "值班委员".into(), ..member_who(ctx) };
            demands::insert_message(txn, &d, Author::Member, "您好，您反映的情况已收到，我们会尽快联系相关部门了解核实。", &member, registered + Duration::hours(14)).await?;
            demands::insert_message(txn, &d, Author::Citizen, "谢谢委员，盼早日解决。", &citizen, registered + Duration::hours(15)).await?;
        }
        carry(txn, ctx, d, k < plan.solved, k, registered, cal, rng).await?;
    }
    Ok(())
}

fn member_who(ctx: &Context<'_>) -> Who {
    Who { actor_name: "值班委员".into(), ..ctx.staff.clone() }
}

fn concern(plan: &StudioPlan<'_>, k: usize, channel: Channel, place_id: Option<i64>, reception_id: Option<i64>, rng: &mut StdRng, names: &mut PersonNames) -> NewDemand {
    // 书院路's first two concerns are the article's; others draw from the rest in turn.
    let (category, text, _) = CONCERNS[(plan.studio_id as usize * 3 + k) % CONCERNS.len()];
    let (category, text) = if plan.solved == 19 && k < 2 { (CONCERNS[k].0, CONCERNS[k].1) } else { (category, text) };
    NewDemand {
        kind: if k % 4 == 3 { DemandKind::Suggestion } else { DemandKind::Problem },
        channel,
        category: category.to_string(),
        place_id,
        description: text.to_string(),
        citizen_name: names.next(rng),
        citizen_phone: format!("1{}{:09}", [3, 5, 8][k % 3], rng.random_range(100_000_000u32..999_999_999)),
        studio_id: Some(plan.studio_id),
        reception_id,
    }
}

/// Carries a concern through its life: solved ones on the spot or through a unit, then
/// rated; the others converted into proposals and opinion reports, rejected, or still with a unit.
#[allow(clippy::too_many_arguments)]
async fn carry(txn: &DatabaseTransaction, ctx: &Context<'_>, d: Demand, solved: bool, k: usize, registered: DateTime<Utc>, cal: &WorkCalendar, rng: &mut StdRng) -> AppResult<()> {
    let start = (registered + Duration::hours(8)).date_naive();
    let staff = ctx.staff;
    let text_of = |d: &Demand| CONCERNS.iter().find(|c| c.1 == d.description).map(|c| c.2).unwrap_or("已办理完毕");
    let mut d = d;
    if solved && k.is_multiple_of(3) {
        let when = at(start, 11, 40);
        d = demands::transition_at(txn, &d, DemandAction::AnswerOnSpot, DemandActor::Staff, Payload { text: "值班委员现场协调，已当场解决".into(), ..Default::default() }, staff, when).await?;
    } else if solved || k % 4 == 1 {
        let unit = unit_for(&d.category);
        let unit_id = org::unit_id_for(txn, ctx.committee_id, unit).await?;
        let assigned_on = cal.add_working_days(start, 1);
        let deadline = cal.add_working_days(assigned_on, crate::demands::model::DEFAULT_DEADLINE_DAYS);
        let p = Payload { unit_id: Some(unit_id), deadline: Some(deadline), text: "请按期办理并答复".into(), ..Default::default() };
        d = demands::transition_at(txn, &d, DemandAction::Assign, DemandActor::Staff, p, staff, at(assigned_on, 9, 30)).await?;
        if !solved {
            return Ok(()); // still with the unit
        }
        let unit_who = Who { actor_name: unit.to_string(), actor_id: None, ..staff.clone() };
        let answered_on = cal.add_working_days(assigned_on, rng.random_range(3..=8));
        let answer = Payload { text: text_of(&d).to_string(), ..Default::default() };
        d = demands::transition_at(txn, &d, DemandAction::Answer, DemandActor::AssignedUnit, answer, &unit_who, at(answered_on, 16, 0)).await?;
        let confirmed = cal.add_working_days(answered_on, 1);
        d = demands::transition_at(txn, &d, DemandAction::ConfirmResolved, DemandActor::Staff, Payload::default(), staff, at(confirmed, 10, 0)).await?;
    } else {
        let (action, p) = match k % 4 {
            3 => (DemandAction::Reject, Payload { text: "属司法程序事项，已告知依法通过诉讼途径解决".into(), ..Default::default() }),
            _ => {
                let kind = if k.is_multiple_of(2) { "proposal" } else { "opinion_report" };
                (DemandAction::Convert, Payload { text: "涉及面广，转为委员提案或社情民意信息推动解决".into(), converted_kind: Some(kind), ..Default::default() })
            }
        };
        demands::transition_at(txn, &d, action, DemandActor::Staff, p, staff, at(cal.add_working_days(start, 2), 15, 0)).await?;
        return Ok(());
    }
    // 回访: most citizens rate the result; the phone call comes a few days after.
    if k % 5 != 4 {
        let satisfaction = if k % 7 == 5 { Satisfaction::BasicallySatisfied } else { Satisfaction::Satisfied };
        let resolved_on = (d.resolved_at.unwrap_or(registered) + Duration::hours(8)).date_naive();
        let action = DemandAction::Rate { satisfaction, rehandled: d.rehandled as u32, max_rehandle: MAX_REHANDLE };
        demands::transition_at(txn, &d, action, DemandActor::Staff, Payload::default(), staff, at(cal.add_working_days(resolved_on, 3), 15, 30)).await?;
    }
    Ok(())
}

/// Duty for the coming eight weeks, so the public pages show who receives citizens next.
async fn upcoming_roster(txn: &DatabaseTransaction, studio_id: i64, days: &ReceptionDays, members: &[i64], today: NaiveDate) -> Result<(), DbErr> {
    for (n, d) in days.dates_between(today, today + Duration::weeks(8)).into_iter().enumerate() {
        if d.weekday().number_from_monday() <= 5 {
            store::write_duty(txn, studio_id, d, &on_duty(members, n + 7)).await?;
        }
    }
    Ok(())
}

/// Generated citizens' names, never taken from the article.
struct PersonNames;

impl PersonNames {
    fn next(&mut self, rng: &mut StdRng) -> String {
        const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
        let s: Vec<char> = SURNAMES.chars().collect();
        let title = ["女士", "先生", "阿姨", "师傅"][rng.random_range(0..4)];
        format!("{}{}", s[rng.random_range(0..s.len())], title)
    }
}
