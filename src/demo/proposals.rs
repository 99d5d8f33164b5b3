//! The demo's 164 proposals submitted from 1 January to 19 April 2022 by the committee's
//! members, alone and jointly: most filed and handed to units, some merged or not filed, the
//! earlier ones answered (class A/B/C) and rated, the latest still in review. Generated with a
//! fixed seed; every figure is counted from these rows.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, EntityTrait, Set};

use crate::app::audit::Who;
use crate::proposals::model::{self, AnswerClass, NOT_FILING_GROUNDS, PartRole, PartState, ProposalKind, ProposalState, Satisfaction};
use crate::proposals::store::{ITEM_TYPE, part, proposal, rating, signer};
use crate::tracking::store::{self as tracking, NewEvent};

const COUNT: usize = 164;

/// (subject, suggested unit) — titles follow the 关于……的建议 form.
const SUBJECTS: [(&str, &str); 20] = [
    ("加快老旧小区加装电梯", "区住房和城乡建设局"),
    ("规范校外培训机构管理", "区教育局"),
    ("完善社区居家养老服务", "区民政局"),
    ("治理城区交通拥堵", "区交通运输局"),
    ("推进垃圾分类进小区", "区城市管理和综合执法局"),
    ("提升基层医疗服务能力", "区卫生健康局"),
    ("优化营商环境助企纾困", "区发展和改革局"),
    ("加强湘江沿岸生态保护", "区生态环境分局"),
    ("发展乡村休闲旅游", "区文化旅游广电体育局"),
    ("促进高校毕业生就业", "区人力资源和社会保障局"),
    ("增设社区公共停车位", "区住房和城乡建设局"),
    ("建设智慧社区平台", "区科学技术和工业信息化局"),
    ("保障农产品质量安全", "区农业农村局"),
    ("加强食品安全监管", "区市场监督管理局"),
    ("推动退役军人就业创业", "区退役军人事务局"),
    ("完善应急避难场所", "区应急管理局"),
    ("扩大医保异地结算范围", "区医疗保障局"),
    ("建设全民健身步道", "区文化旅游广电体育局"),
    ("改善农村人居环境", "区农业农村局"),
    ("提升中小学课后服务质量", "区教育局"),
];

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, 0, 0).expect("valid time").and_utc() - Duration::hours(8)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).expect("valid demo date")
}

/// What the rest of the demo gives this part.
pub struct Context<'a> {
    pub committee_id: i64,
    pub session_id: i64,
    pub members: &'a [i64],
    pub units: &'a [(i64, String)],
    pub staff: &'a Who,
}

/// Where one generated proposal ends up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    InReview,
    NotFiled,
    Merged,
    Assigned,
    Answered,
    Concluded,
}

fn fate(i: usize, submitted: NaiveDate) -> Fate {
    if submitted > day(4, 12) {
        return Fate::InReview;
    }
    match i % 25 {
        13 => Fate::NotFiled,
        5 | 17 => Fate::Merged,
        _ if submitted > day(3, 1) => Fate::Assigned,
        n if n % 3 == 0 => Fate::Answered,
        _ => Fate::Concluded,
    }
}

pub async fn load(txn: &DatabaseTransaction, ctx: Context<'_>) -> Result<(), DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_0419);
    let leaders = leaders(txn, ctx.committee_id).await?;
    let names = crate::org::members::names(txn, ctx.members).await?;
    let mut seq = 0;
    let mut hosts: Vec<i64> = Vec::new();
    for i in 0..COUNT {
        // Most are 大会提案 sent in before the second plenary closed on 7 January.
        let plenary = i < 120;
        let submitted = if plenary { day(1, 1 + (i % 7) as u32) } else { day(1, 10) + Duration::days(((i - 120) * 99 / 44) as i64) };
        let (subject, unit) = SUBJECTS[i % SUBJECTS.len()];
        let lead = ctx.members[(i * 7) % ctx.members.len()];
        let cosigners: Vec<i64> = if i % 3 == 0 { (1..=rng.random_range(1..=3)).map(|k| ctx.members[(i * 7 + k * 11) % ctx.members.len()]).filter(|m| *m != lead).collect() } else { vec![] };
        let f = fate(i, submitted);
        let submitted_at = at(submitted, 10);
        let mut row = proposal::ActiveModel {
            committee_id: Set(ctx.committee_id),
            session_id: Set(Some(ctx.session_id)),
            kind: Set(if plenary { ProposalKind::Plenary } else { ProposalKind::Regular }.as_str().into()),
            title: Set(format!("关于{subject}的建议")),
            body: Set(format!("当前{subject}方面仍有不少群众反映的问题。\n建议有关部门深入调研，制定具体方案，明确责任和时限，加大投入，并定期向社会公开进展。")),
            submitter_kind: Set("member".into()),
            submitter_name: Set(String::new()),
            suggested_units: Set(unit.into()),
            state: Set(ProposalState::InReview.as_str().into()),
            key_proposal: Set(false),
            disclose: Set(false),
            excellent: Set(false),
            rehandled: Set(0),
            created_by: Set(None),
            submitted_at: Set(Some(submitted_at)),
            created_at: Set(submitted_at - Duration::days(2)),
            updated_at: Set(submitted_at),
            ..Default::default()
        };
        let filed_on = if plenary { day(1, 14) } else { submitted + Duration::days(5) };
        let assigned_on = filed_on + Duration::days(6);
        match f {
            Fate::InReview => {}
            Fate::NotFiled => {
                row.state = Set(ProposalState::NotFiled.as_str().into());
                row.reason = Set(Some(NOT_FILING_GROUNDS[[3, 6, 7][i % 3]].into()));
            }
            Fate::Merged => {
                row.state = Set(ProposalState::Merged.as_str().into());
                row.host_id = Set(hosts.last().copied());
                row.reason = Set(Some("与同类提案合并办理".into()));
            }
            _ => {
                seq += 1;
                row.seq = Set(Some(seq));
                row.number = Set(Some(model::format_number(model::DEFAULT_NUMBER_FORMAT, 2022, seq as u32)));
                row.filed_at = Set(Some(at(filed_on, 15)));
                row.mode = Set(Some(if i % 5 == 0 { "joint" } else { "single" }.into()));
                row.assigned_at = Set(Some(assigned_on));
                row.deadline = Set(Some(model::answer_deadline(assigned_on)));
                row.state = Set(match f {
                    Fate::Assigned => ProposalState::Assigned,
                    Fate::Answered => ProposalState::Answered,
                    _ => ProposalState::Concluded,
                }
                .as_str()
                .into());
                // Flags are set once filed: one in twelve is a key proposal under a leader,
                // most proposers consent to publishing, a few concluded ones are excellent.
                if i % 12 == 1 && !leaders.is_empty() {
                    row.key_proposal = Set(true);
                    row.supervisor_id = Set(Some(leaders[i % leaders.len()]));
                }
                row.disclose = Set(i % 3 != 2);
                row.excellent = Set(f == Fate::Concluded && i % 23 == 0);
            }
        }
        let saved = row.insert(txn).await?;
        if f == Fate::Concluded && hosts.len() < 20 {
            hosts.push(saved.id);
        }
        let signers = std::iter::once(lead).chain(cosigners.iter().copied()).enumerate().map(|(k, m)| signer::ActiveModel {
            proposal_id: Set(saved.id),
            member_id: Set(m),
            position: Set(k as i32),
            confirmed_at: Set(Some(submitted_at)),
        });
        signer::Entity::insert_many(signers).exec(txn).await?;
        let lead_name = names.get(&lead).cloned().unwrap_or_default();
        history(txn, &ctx, &saved, f, filed_on, assigned_on, (unit, &lead_name), i, &mut rng).await?;
    }
    Ok(())
}

/// Timeline events, units' parts and ratings matching the proposal's fate.
#[allow(clippy::too_many_arguments)]
async fn history(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    p: &proposal::Model,
    f: Fate,
    filed_on: NaiveDate,
    assigned_on: NaiveDate,
    (unit, lead): (&str, &str),
    i: usize,
    rng: &mut StdRng,
) -> Result<(), DbErr> {
    let submitted = p.submitted_at.expect("demo proposals are sent in");
    // Staff's moves carry the staff account; a proposer's or a unit's moves their names.
    let by = |action: &'static str, to: ProposalState, comment: String, when: DateTime<Utc>, who: Option<&str>| {
        let p = p.clone();
        let name = who.unwrap_or(&ctx.staff.actor_name).to_string();
        let actor_id = if who.is_some() { None } else { ctx.staff.actor_id };
        async move {
            let e = NewEvent {
                committee_id: p.committee_id,
                item_type: ITEM_TYPE,
                item_id: p.id,
                actor_id,
                actor_name: &name,
                action,
                from_state: None,
                to_state: Some(to.as_str()),
                comment: &comment,
            };
            tracking::record_at(txn, e, when).await
        }
    };
    let step = |action: &'static str, to: ProposalState, comment: String, when: DateTime<Utc>| by(action, to, comment, when, None);
    by("submit", ProposalState::Submitted, String::new(), submitted, Some(lead)).await?;
    step("accept", ProposalState::InReview, String::new(), submitted + Duration::days(2)).await?;
    match f {
        Fate::InReview => return Ok(()),
        Fate::NotFiled => return step("reject", ProposalState::NotFiled, p.reason.clone().unwrap_or_default(), at(filed_on, 15)).await,
        Fate::Merged => return step("merge", ProposalState::Merged, p.reason.clone().unwrap_or_default(), at(filed_on, 15)).await,
        _ => {}
    }
    step("file", ProposalState::Filed, p.number.clone().unwrap_or_default(), at(filed_on, 15)).await?;
    let mode = p.mode.as_deref().and_then(model::AssignMode::from_code).map(model::AssignMode::name_zh).unwrap_or_default();
    step("assign", ProposalState::Assigned, mode.to_string(), at(assigned_on, 10)).await?;
    let unit_id = ctx.units.iter().find(|(_, n)| n == unit).or(ctx.units.first()).map(|u| u.0).unwrap_or_default();
    let answered = f != Fate::Assigned;
    // Most units answer within the three months; about one in eleven is late.
    let late = i % 11 == 7;
    let replied_on = assigned_on + Duration::days(if late { rng.random_range(95..115) } else { rng.random_range(30..75) });
    let class = [AnswerClass::A, AnswerClass::B, AnswerClass::B, AnswerClass::C][i % 4];
    let mut parts = vec![(unit_id, PartRole::Answering)];
    if p.mode.as_deref() == Some("joint") {
        parts.push((ctx.units[(i + 3) % ctx.units.len()].0, PartRole::CoUnit));
    }
    for (u, role) in parts {
        let co = role == PartRole::CoUnit;
        part::ActiveModel {
            proposal_id: Set(p.id),
            unit_id: Set(u),
            role: Set(if co { "co_unit" } else { "answering" }.into()),
            state: Set(match (answered, co) {
                (true, true) => PartState::CoSigned,
                (false, true) => PartState::OpinionSent,
                (true, false) => PartState::Approved,
                (false, false) => PartState::Assigned,
            }
            .as_str()
            .into()),
            class: Set((answered && !co).then(|| class.as_str().into())),
            reply: Set(answered.then(|| if co { "同意主办单位的办理意见。" } else { "您提出的建议收悉，我单位高度重视，已研究落实，现答复如下：相关工作已列入年度计划，将按期推进。" }.into())),
            deadline: Set(model::answer_deadline(assigned_on)),
            replied_at: Set(answered.then(|| at(replied_on, 16))),
            approved_at: Set((answered && !co).then(|| at(replied_on + Duration::days(2), 10))),
            created_at: Set(at(assigned_on, 10)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    if !answered {
        return Ok(());
    }
    by("part_reply", ProposalState::Assigned, "您提出的建议收悉，我单位高度重视，已研究落实，现答复如下：相关工作已列入年度计划，将按期推进。".into(), at(replied_on, 16), Some(unit)).await?;
    step("part_approve", ProposalState::Answered, format!("{}类", class.as_str()), at(replied_on + Duration::days(2), 10)).await?;
    if f == Fate::Concluded {
        let signers: Vec<i64> = signer_ids(txn, p.id).await?;
        for m in signers {
            let satisfaction = if i % 9 == 4 { Satisfaction::BasicallySatisfied } else { Satisfaction::Satisfied };
            rating::ActiveModel {
                proposal_id: Set(p.id),
                member_id: Set(m),
                round: Set(0),
                satisfaction: Set(satisfaction.as_str().into()),
                contacted: Set(i % 6 != 5),
                at: Set(at(replied_on + Duration::days(7), 11)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        let label = if i % 9 == 4 { "基本满意" } else { "满意" };
        by("rate", ProposalState::Evaluated, label.into(), at(replied_on + Duration::days(7), 11), Some(lead)).await?;
        step("conclude", ProposalState::Concluded, String::new(), at(replied_on + Duration::days(9), 10)).await?;
        if class != AnswerClass::A && i % 7 == 1 {
            follow_up(txn, ctx, p, replied_on + Duration::days(120)).await?;
        }
        let mut am: proposal::ActiveModel = p.clone().into();
        am.answered_at = Set(Some(at(replied_on + Duration::days(2), 10)));
        am.concluded_at = Set(Some(at(replied_on + Duration::days(9), 10)));
        am.updated_at = Set(at(replied_on + Duration::days(9), 10));
        am.update(txn).await?;
    } else {
        let mut am: proposal::ActiveModel = p.clone().into();
        am.answered_at = Set(Some(at(replied_on + Duration::days(2), 10)));
        am.updated_at = Set(at(replied_on + Duration::days(2), 10));
        am.update(txn).await?;
    }
    Ok(())
}

/// A 回头看 record some months after a B or C answer.
async fn follow_up(txn: &DatabaseTransaction, ctx: &Context<'_>, p: &proposal::Model, on: NaiveDate) -> Result<(), DbErr> {
    let text = "承办单位已落实部分措施，其余事项列入下年度计划，提案者表示认可。";
    crate::proposals::followup::follow_up::ActiveModel { proposal_id: Set(p.id), on_date: Set(on), text: Set(text.into()), author_id: Set(ctx.staff.actor_id), created_at: Set(at(on, 16)), ..Default::default() }
        .insert(txn)
        .await?;
    let e = NewEvent {
        committee_id: p.committee_id,
        item_type: ITEM_TYPE,
        item_id: p.id,
        actor_id: ctx.staff.actor_id,
        actor_name: &ctx.staff.actor_name,
        action: "follow_up",
        from_state: None,
        to_state: Some(ProposalState::Concluded.as_str()),
        comment: text,
    };
    tracking::record_at(txn, e, at(on, 16)).await
}

/// The leaders in office (主席会议成员), who supervise key proposals.
async fn leaders(txn: &DatabaseTransaction, committee_id: i64) -> Result<Vec<i64>, DbErr> {
    use crate::org::values::{MemberStatus, Position};
    let f = crate::org::members::MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    Ok(crate::org::members::all(txn, committee_id, &f)
        .await?
        .into_iter()
        .filter(|m| Position::ALL.into_iter().any(|p| p.as_str() == m.position && p.is_leader()))
        .map(|m| m.id)
        .collect())
}

async fn signer_ids(txn: &DatabaseTransaction, proposal_id: i64) -> Result<Vec<i64>, DbErr> {
    crate::proposals::store::signers(txn, proposal_id).await.map(|v| v.into_iter().map(|(m, _)| m).collect())
}
