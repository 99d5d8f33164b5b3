//! The demo's consultations: 36 grassroots and micro consultations held in the communities and
//! villages between 1 January and 19 April 2022 (the article's "33 in under four months" is
//! counted from them), with participants, four-part minutes and outcomes handed to units — the
//! missing sports facilities of 葩金社区 and the speed bump at 友谊小学 among them, both done —
//! some outcomes still open; the year's approved plan with its 请你来协商 and 专题协商 topics;
//! topics the public and members put forward; and one consultation with an online deliberation.
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, IntoActiveModel, Set};

use crate::app::audit::Who;
use crate::consultations::model::{ConsultationKind, ConsultationState, OutcomeState, PlanState, Satisfaction, TopicSource};
use crate::consultations::store::{self, NewOutcome, NewTopic, ParticipantList};
use crate::org::structure;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).expect("valid demo date")
}

/// (place, topic, agreed action, unit) of the grassroots consultations, in turn; the first two
/// are the article's.
const TOPICS: [(&str, &str, &str, &str); 18] = [
    ("葩金社区", "葩金社区文体设施不足", "在社区广场增设健身器材和篮球架", "区文化旅游广电体育局"),
    ("友谊社区", "友谊小学门前增设减速带", "在友谊小学门前路段增设减速带和警示标志", "区交通运输局"),
    ("书院路社区", "老旧小区雨污分流改造", "将书院路社区老旧小区纳入年度雨污分流改造计划", "区住房和城乡建设局"),
    ("江滨社区", "江滨社区停车难", "利用闲置地块建设临时停车场", "区城市管理和综合执法局"),
    ("向阳社区", "向阳社区居家养老服务", "在社区设立居家养老服务站", "区民政局"),
    ("和平村", "和平村农村公路提质", "完成和平村通组公路硬化", "区交通运输局"),
    ("新华村", "新华村土地流转收益分配", "制定土地流转收益分配方案并公示", "区农业农村局"),
    ("楠木村", "楠木村农产品销售渠道", "对接商超和电商平台销售竹荪和黑花生", "区商务局"),
    ("建设路社区", "建设路夜市管理", "划定夜市经营区域并错时经营", "区城市管理和综合执法局"),
    ("滴水湖社区", "滴水湖周边环境整治", "清理湖边垃圾并增设垃圾分类投放点", "区生态环境分局"),
    ("红旗社区", "红旗社区医疗服务", "社区卫生服务站延长服务时间", "区卫生健康局"),
    ("杉山社区", "杉山社区消防通道堵塞", "清理消防通道并施划禁停标线", "区应急管理局"),
    ("五里堆社区", "五里堆社区背街小巷照明", "为背街小巷加装路灯", "区城市管理和综合执法局"),
    ("湖湘社区", "湖湘社区公共厕所改造", "改造社区公共厕所并安排专人保洁", "区城市管理和综合执法局"),
    ("东坪社区", "东坪社区学生放学托管", "利用社区活动室开设课后托管", "区教育局"),
    ("七星村", "七星村饮水安全", "完成七星村集中供水管网延伸", "区农业农村局"),
    ("霞城社区", "霞城社区菜市场提质", "对菜市场进行提质改造并规范摊位", "区市场监督管理局"),
    ("下摄司社区", "下摄司社区就业服务", "开展家门口技能培训和招聘会", "区人力资源和社会保障局"),
];

const FORMATS: [&str; 3] = ["座谈会", "现场协商", "院坝协商会"];

/// What the four parts of the minutes say, from the topic and the action agreed.
fn minutes(topic: &str, action: &str, unit: &str) -> [String; 4] {
    [
        format!("社区通报了“{topic}”的基本情况和群众反映的主要问题。"),
        format!("委员和群众代表围绕{topic}提出问题，询问解决时间和经费来源。"),
        format!("{unit}负责同志逐一答复，表示将结合年度计划推进。"),
        format!("与会各方协商一致：{action}，由{unit}牵头落实。"),
    ]
}

async fn place_id(txn: &DatabaseTransaction, committee_id: i64, name: &str) -> Result<Option<i64>, DbErr> {
    Ok(structure::places(txn, committee_id).await?.into_iter().find(|p| p.name == name).map(|p| p.id))
}

async fn unit_id(txn: &DatabaseTransaction, committee_id: i64, name: &str) -> Result<i64, DbErr> {
    crate::org::store::unit_id_for(txn, committee_id, name).await
}

/// Writes the timeline of the steps a consultation took to reach `state`, dated as they were.
async fn history(txn: &DatabaseTransaction, c: &store::Consultation, state: ConsultationState, meeting: NaiveDate, staff: &Who) -> Result<(), DbErr> {
    use crate::tracking::store::{NewEvent, record_at};
    let reached = |s: ConsultationState| ConsultationState::ALL.iter().position(|x| *x == state) >= ConsultationState::ALL.iter().position(|x| *x == s);
    let steps = [
        ("prepare", Some(ConsultationState::Preparing), -30, meeting.to_string()),
        ("notify", None, -24, String::new()),
        ("send_materials", None, -12, String::new()),
        ("hold", Some(ConsultationState::Held), 0, meeting.to_string()),
        ("issue_minutes", Some(ConsultationState::MinutesIssued), 5, String::new()),
        ("close", Some(ConsultationState::Closed), 40, String::new()),
    ];
    for (action, to, days, comment) in steps {
        let needed = to.unwrap_or(ConsultationState::Preparing);
        if !reached(needed) || (action == "send_materials" && state == ConsultationState::Preparing) {
            continue;
        }
        let at = (meeting + Duration::days(days)).and_hms_opt(2, 0, 0).expect("valid time").and_utc();
        let e = NewEvent {
            committee_id: c.committee_id,
            item_type: store::ITEM_TYPE,
            item_id: c.id,
            actor_id: staff.actor_id,
            actor_name: &staff.actor_name,
            action,
            from_state: None,
            to_state: to.map(|s| s.as_str()),
            comment: &comment,
        };
        record_at(txn, e, at).await?;
    }
    Ok(())
}

/// Sets the columns a consultation has by `state`, as if it had moved there (the demo writes
/// history; the live product moves through `store::step`).
async fn settle(txn: &DatabaseTransaction, c: store::Consultation, state: ConsultationState, meeting: NaiveDate, parts: Option<[String; 4]>, format: &str, staff: &Who) -> Result<store::Consultation, DbErr> {
    history(txn, &c, state, meeting, staff).await?;
    let mut am = c.into_active_model();
    am.state = Set(state.as_str().into());
    am.meeting_on = Set(Some(meeting));
    am.format = Set(format.into());
    // Notices 16 working days or so ahead, materials 12 days ahead: in time.
    am.notice_sent_on = Set(Some(meeting - Duration::days(24)));
    am.materials_sent_on = Set(Some(meeting - Duration::days(12)));
    if matches!(state, ConsultationState::Held | ConsultationState::MinutesIssued | ConsultationState::Closed) {
        am.held_on = Set(Some(meeting));
    }
    if let Some(p) = parts {
        am.briefing = Set(p[0].clone());
        am.questions = Set(p[1].clone());
        am.answers = Set(p[2].clone());
        am.statements = Set(p[3].clone());
    }
    if matches!(state, ConsultationState::MinutesIssued | ConsultationState::Closed) {
        am.minutes_issued_on = Set(Some(meeting + Duration::days(5)));
    }
    if state == ConsultationState::Closed {
        am.closed_on = Set(Some(meeting + Duration::days(40)));
    }
    am.update(txn).await
}

async fn outcome_in(txn: &DatabaseTransaction, c: &store::Consultation, action: &str, unit: i64, deadline: NaiveDate, state: OutcomeState, staff: &Who) -> Result<(), DbErr> {
    let at = c.created_at + Duration::days(2);
    let o = store::insert_outcome(txn, c, &NewOutcome { action: action.into(), unit_id: unit, deadline }, staff, at).await?;
    if state == OutcomeState::Assigned {
        return Ok(());
    }
    let mut am = o.into_active_model();
    am.state = Set(state.as_str().into());
    if matches!(state, OutcomeState::Done | OutcomeState::Closed) {
        am.done_on = Set(Some(deadline - Duration::days(5)));
        am.progress = Set("已按协商意见完成。".into());
    }
    if state == OutcomeState::InProgress {
        am.progress = Set("已完成方案设计，正在组织实施。".into());
    }
    if state == OutcomeState::Closed {
        am.satisfaction = Set(Some(Satisfaction::Satisfied.as_str().into()));
        am.checked_on = Set(Some(deadline));
    }
    am.update(txn).await?;
    Ok(())
}

/// Loads the consultations; returns the id of the one with the online deliberation.
pub async fn load(txn: &DatabaseTransaction, committee_id: i64, members: &[i64], staff: &Who) -> Result<i64, DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_0401);
    let plan = store::plan_for(txn, committee_id, 2022).await?;
    let mut am = plan.into_active_model();
    am.state = Set(PlanState::Approved.as_str().into());
    am.approved_at = Set(Some(day(1, 10).and_hms_opt(2, 0, 0).expect("valid time").and_utc()));
    am.update(txn).await?;

    // 36 grassroots and micro consultations from 6 January to 15 April, three a week or so.
    for i in 0..36usize {
        let (place, topic, action, unit) = TOPICS[i % TOPICS.len()];
        let round = i / TOPICS.len();
        let meeting = day(1, 6) + Duration::days((i as i64 * 99) / 36);
        let kind = if i % 4 == 3 { ConsultationKind::Micro } else { ConsultationKind::Grassroots };
        // The second round looks back at how the first round's agreement is being kept (回头看).
        let title = if round == 0 { topic.to_string() } else { format!("{topic}落实情况回头看") };
        let t = NewTopic {
            kind,
            source: if i % 3 == 0 { TopicSource::Public } else { TopicSource::Committee },
            title,
            topic: format!("群众反映{topic}，社区和政协委员提出协商。"),
            suggested_by: if i % 3 == 0 { "社区居民".into() } else { String::new() },
            suggester_phone: String::new(),
            suggester_member_id: None,
            place_id: place_id(txn, committee_id, place).await?,
        };
        let created = (meeting - Duration::days(28)).and_hms_opt(1, 0, 0).expect("valid time").and_utc();
        let c = store::insert_topic(txn, committee_id, &t, staff, created).await?;
        let mut invited = members.to_vec();
        invited.shuffle(&mut rng);
        invited.truncate(rng.random_range(4..9));
        let unit = unit_id(txn, committee_id, unit).await?;
        let list = ParticipantList { member_ids: invited, unit_ids: vec![unit], citizens: (1..=rng.random_range(3..7)).map(|n| format!("居民代表{n}")).collect() };
        store::insert_participants(txn, c.id, &list).await?;
        for p in store::participants(txn, c.id).await? {
            let mut row = p.into_active_model();
            row.attendance = Set(if rng.random_range(0..10) == 0 { "on_leave" } else { "present" }.into());
            row.update(txn).await?;
        }
        // The first round's outcomes are settled; later ones partly open, the latest still
        // being carried out.
        let open = i >= 26;
        let state = if open { ConsultationState::MinutesIssued } else { ConsultationState::Closed };
        let format = FORMATS[i % FORMATS.len()];
        let c = settle(txn, c, state, meeting, Some(minutes(topic, action, TOPICS[i % TOPICS.len()].3)), format, staff).await?;
        let outcome_state = match (open, i % 3) {
            (false, _) => OutcomeState::Closed,
            (true, 0) => OutcomeState::Assigned,
            (true, 1) => OutcomeState::InProgress,
            (true, _) => OutcomeState::Done,
        };
        outcome_in(txn, &c, action, unit, meeting + Duration::days(45), outcome_state, staff).await?;
    }

    // The plan's 请你来协商 and 专题协商: one held in March, two still being prepared or planned.
    let planned = [
        (ConsultationKind::Invited, TopicSource::PartyGovernment, "优化营商环境，推进“一件事一次办”", Some(day(3, 24)), ConsultationState::MinutesIssued),
        (ConsultationKind::Thematic, TopicSource::PartyGovernment, "“一谷四区”战略实施中的产业招商", Some(day(5, 26)), ConsultationState::Preparing),
        (ConsultationKind::Invited, TopicSource::Committee, "老旧小区改造中的群众参与", None, ConsultationState::Planned),
    ];
    for (kind, source, title, meeting, state) in planned {
        let t = NewTopic { kind, source, title: title.into(), topic: format!("{title}：列入2022年度协商计划。"), suggested_by: String::new(), suggester_phone: String::new(), suggester_member_id: None, place_id: None };
        let c = store::insert_topic(txn, committee_id, &t, staff, day(1, 8).and_hms_opt(1, 0, 0).expect("valid time").and_utc()).await?;
        let mut am = c.into_active_model();
        am.plan_year = Set(Some(2022));
        am.state = Set(state.as_str().into());
        let c = am.update(txn).await?;
        if let Some(m) = meeting {
            let held = state == ConsultationState::MinutesIssued;
            let parts = held.then(|| minutes(title, "建立政务服务“一窗通办”工作机制", "区政府办公室"));
            let c = settle(txn, c, state, m, parts, "座谈会", staff).await?;
            if held {
                let unit = unit_id(txn, committee_id, "区政府办公室").await?;
                outcome_in(txn, &c, "三个月内出台“一件事一次办”事项清单", unit, day(6, 30), OutcomeState::InProgress, staff).await?;
            }
        }
    }

    // Topics waiting: suggested by the public and by members, not yet taken up.
    let waiting = [
        (TopicSource::Public, "宝塔社区", "宝塔社区菜市场周边占道经营", "宝塔社区居民"),
        (TopicSource::Member, "易家湾社区", "易家湾社区幼儿园学位紧张", ""),
        (TopicSource::Public, "先锋社区", "先锋社区电动车充电难", "先锋社区居民"),
    ];
    for (n, (source, place, title, by)) in waiting.into_iter().enumerate() {
        let member = (source == TopicSource::Member).then(|| members[n % members.len()]);
        let t = NewTopic {
            kind: ConsultationKind::Grassroots,
            source,
            title: title.into(),
            topic: format!("{title}，希望组织协商。"),
            suggested_by: by.into(),
            suggester_phone: if by.is_empty() { String::new() } else { "13800000000".into() },
            suggester_member_id: member,
            place_id: place_id(txn, committee_id, place).await?,
        };
        store::insert_topic(txn, committee_id, &t, staff, day(4, 12 + n as u32).and_hms_opt(1, 0, 0).expect("valid time").and_utc()).await?;
    }

    // Being prepared, with residents and members deliberating online before the meeting.
    let t = NewTopic {
        kind: ConsultationKind::Grassroots,
        source: TopicSource::Public,
        title: "江滨社区停车位规划与收费".into(),
        topic: "江滨社区车多位少，夜间占道停车影响消防通道。拟利用闲置地块新建停车场，并就收费标准、内部道路划线和外来车辆管理听取居民意见。".into(),
        suggested_by: "江滨社区居民".into(),
        suggester_phone: String::new(),
        suggester_member_id: None,
        place_id: place_id(txn, committee_id, "江滨社区").await?,
    };
    let c = store::insert_topic(txn, committee_id, &t, staff, day(4, 1).and_hms_opt(1, 0, 0).expect("valid time").and_utc()).await?;
    let c = settle(txn, c, ConsultationState::Preparing, day(5, 12), None, "院坝协商会", staff).await?;
    let mut am = c.into_active_model();
    am.deliberation_open = Set(true);
    am.materials_sent_on = Set(None);
    let c = am.update(txn).await?;
    let unit = unit_id(txn, committee_id, "区城市管理和综合执法局").await?;
    store::insert_participants(txn, c.id, &ParticipantList { member_ids: members.iter().take(6).copied().collect(), unit_ids: vec![unit], citizens: vec!["居民代表甲".into(), "居民代表乙".into()] }).await?;
    Ok(c.id)
}
