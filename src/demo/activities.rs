//! The demo's activities from 1 January to 19 April 2022: study sessions, training and exchange
//! (the speech event "闯新路、破险阻、凝共识，岳塘政协怎么干？" among them), civilised-city
//! volunteering, the Spring Festival assistance to households in need, the epidemic
//! volunteering with its masks, plenary and standing-committee meetings. Attendance is mostly
//! present, with some approved leave and a few absences. The article's figures (30+ study and
//! exchange activities, 80+ volunteer person-times, 320+ households and 200,000+ yuan, 200+
//! volunteers and 500,000+ masks) are counted from these records.
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, IntoActiveModel, Set};

use crate::activities::model::{ActivityInput, ActivityKind, Attendance};
use crate::activities::store::{self, participant};
use crate::app::audit::Who;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).expect("valid demo date")
}

/// (kind, title, date, people served, volunteers, households, yuan, items, item count, participants)
type Plan = (ActivityKind, String, NaiveDate, i32, i32, i32, i64, &'static str, i64, usize);

fn plans() -> Vec<Plan> {
    let mut out: Vec<Plan> = Vec::new();
    let topics = ["学习全国两会精神", "学习《政协委员履职评价办法》", "委员履职能力培训", "提案撰写培训", "社情民意信息写作培训", "与韶山市政协交流座谈"];
    for k in 0..30 {
        let kind = match k % 6 {
            0 | 1 => ActivityKind::Study,
            2..=4 => ActivityKind::Training,
            _ => ActivityKind::GroupActivity,
        };
        out.push((kind, format!("{}（第{}期）", topics[k % topics.len()], k / topics.len() + 1), day(1, 8) + Duration::days(k as i64 * 3), 0, 0, 0, 0, "", 0, 18));
    }
    out.push((ActivityKind::Speech, "“闯新路、破险阻、凝共识，岳塘政协怎么干？”演讲活动".into(), day(3, 18), 120, 0, 0, 0, "", 0, 24));
    for k in 0..6 {
        out.push((ActivityKind::Volunteering, format!("创建全国文明城市志愿服务（第{}次）", k + 1), day(2, 12) + Duration::days(k as i64 * 9), 300, 0, 0, 0, "", 0, 15));
    }
    out.push((ActivityKind::Volunteering, "疫情防控志愿服务：组织志愿者、捐赠口罩".into(), day(3, 26), 3000, 216, 0, 0, "口罩", 520_000, 20));
    for (k, (households, yuan)) in [(85, 52_000), (80, 51_000), (90, 55_000), (72, 46_000)].into_iter().enumerate() {
        out.push((ActivityKind::Assistance, format!("春节走访慰问困难群众（第{}组）", k + 1), day(1, 20) + Duration::days(k as i64 * 2), households, 0, households, yuan, "", 0, 6));
    }
    out.push((ActivityKind::StandingCommittee, "十届常委会第三次会议".into(), day(3, 30), 0, 0, 0, 0, "", 0, 40));
    out
}

pub async fn load(txn: &DatabaseTransaction, committee_id: i64, members: &[i64], staff: &Who) -> Result<(), DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_0318);
    for (i, (kind, title, on, served, volunteers, households, yuan, items, count, invited)) in plans().into_iter().enumerate() {
        let mut who: Vec<i64> = members.to_vec();
        who.shuffle(&mut rng);
        who.truncate(invited.min(members.len()));
        // The assistance rounds and the epidemic volunteering are shared with the committees
        // of the tree (信息互通), with what they did as the summary the others read.
        let shared = kind == ActivityKind::Assistance || volunteers > 100;
        let description = match kind {
            ActivityKind::Assistance => format!("走访慰问困难群众{households}户，发放慰问金{yuan}元。"),
            _ if shared => format!("组织志愿者{volunteers}名，为社区、学校募集和分发{items}{count}个。"),
            _ => String::new(),
        };
        let input = ActivityInput {
            kind,
            title,
            organiser: "区政协办公室".into(),
            group_id: None,
            on_date: on,
            end_date: on,
            place_id: None,
            address: String::new(),
            description,
            people_served: served,
            volunteers,
            households,
            funds_fen: yuan * 100,
            items_given: items.into(),
            items_count: count,
            participant_ids: who.clone(),
            shared,
        };
        let at = on.and_hms_opt(9, 0, 0).expect("valid time").and_utc() - Duration::hours(8);
        let a = store::insert(txn, committee_id, &input, staff, at).await?;
        // Most sign in; about one in ten has approved leave, one in twenty stays away.
        for p in store::participants(txn, a.id).await? {
            let roll = rng.random_range(0..20);
            let attendance = match (roll, i % 2) {
                (0, _) => Attendance::Absent,
                (1 | 2, _) => Attendance::OnLeave,
                _ => Attendance::Present,
            };
            settle(txn, p, attendance, at + Duration::minutes(rng.random_range(0..30))).await?;
        }
    }
    Ok(())
}

/// Settles one participant's roll: present (signed in at `at`), on approved leave or absent.
pub(super) async fn settle(txn: &DatabaseTransaction, p: store::Participant, attendance: Attendance, at: chrono::DateTime<chrono::Utc>) -> Result<(), DbErr> {
    let mut row: participant::ActiveModel = p.into_active_model();
    row.attendance = Set(attendance.as_str().into());
    if attendance == Attendance::OnLeave {
        row.leave_reason = Set("因公出差".into());
        row.leave_status = Set("approved".into());
    }
    if attendance == Attendance::Present {
        row.signed_in_at = Set(Some(at));
    }
    row.update(txn).await?;
    Ok(())
}

/// What the city committee and the neighbouring district shared with the tree, so that the
/// exchange feed shows more than the demo committee's own items.
const NEIGHBOURS: [(&str, ActivityKind, &str, &str, (u32, u32)); 5] = [
    ("xiangtan", ActivityKind::Training, "全市基层政协工作交流会", "交流各县市区政协委员工作室建设和“请你来协商”经验，各区政协作典型发言。", (3, 10)),
    ("xiangtan", ActivityKind::Inspection, "市政协视察乡村振兴重点项目", "视察昭山示范区、湘潭县乡村振兴项目，提出加强产业联农带农机制的建议。", (4, 8)),
    ("shaoshan", ActivityKind::Volunteering, "韶山市政协委员进社区志愿服务", "组织委员志愿者参与文明城市创建，清理小区楼道杂物，宣传垃圾分类。", (2, 26)),
    ("shaoshan", ActivityKind::Study, "韶山市政协委员学习培训班", "新一届委员履职能力培训，学习政协章程和提案撰写方法。", (1, 14)),
    ("shaoshan", ActivityKind::Assistance, "韶山市政协春节走访慰问", "走访慰问困难群众120户，发放慰问金8万元。", (1, 24)),
];

/// Loads the neighbours' shared activities (no participants: only their summaries are read here).
pub async fn load_neighbours(txn: &DatabaseTransaction, committee_of: impl Fn(&str) -> i64) -> Result<(), DbErr> {
    for (code, kind, title, description, (m, d)) in NEIGHBOURS {
        let committee_id = committee_of(code);
        let input = ActivityInput {
            kind,
            title: title.into(),
            organiser: String::new(),
            group_id: None,
            on_date: day(m, d),
            end_date: day(m, d),
            place_id: None,
            address: String::new(),
            description: description.into(),
            people_served: 0,
            volunteers: 0,
            households: 0,
            funds_fen: 0,
            items_given: String::new(),
            items_count: 0,
            participant_ids: Vec::new(),
            shared: true,
        };
        let at = day(m, d).and_hms_opt(1, 0, 0).expect("valid time").and_utc();
        store::insert(txn, committee_id, &input, &Who::anonymous(Some(committee_id), "demo", "-"), at).await?;
    }
    Ok(())
}
