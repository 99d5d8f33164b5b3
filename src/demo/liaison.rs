//! The demo's liaison targets (联系点): the article's "联党建示范点、联重点项目、联重要信访案件" as
//! three party-building sites, three key projects and four petition cases (one resolved), each
//! with a leader and members assigned and a contact log from January to April 2022, most
//! entries being the leaders' liaison visits the visits demo logged.
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};

use crate::app::audit::Who;
use crate::app::pagination::PageRequest;
use crate::liaison::model::{ContactInput, TargetInput, TargetKind, TargetStatus};
use crate::liaison::store;
use crate::org::structure;
use crate::visits::model::VisitKind;
use crate::visits::store::{self as visits, VisitFilter, visit};

/// (kind, name, place, background, leader index, member indexes) — indexes into the demo's
/// members: 0 the chair, 1–4 vice-chairs, 5 the secretary-general, 7 and 8 the member accounts.
const TARGETS: [(TargetKind, &str, &str, &str, usize, [usize; 2]); 10] = [
    (TargetKind::PartySite, "葩金社区党建示范点", "葩金社区", "以党建引领社区治理，建设“15分钟便民服务圈”，推动解决文体设施不足等问题。", 0, [7, 12]),
    (TargetKind::PartySite, "江滨社区“红色物业”党建示范点", "江滨社区", "党组织领办物业服务，探索老旧小区“红色物业”管理模式。", 1, [20, 33]),
    (TargetKind::PartySite, "楠木村“党建+产业”示范点", "楠木村", "依托省政协植树基地，以党建带动村集体经济和特色种植产业。", 2, [45, 8]),
    (TargetKind::KeyProject, "昭山示范区“一谷四区”产业招商项目", "昭山镇", "围绕“一谷四区”战略实施，跟踪重点招商项目落地和要素保障。", 3, [60, 71]),
    (TargetKind::KeyProject, "岳塘经开区“五好园区”建设项目", "荷塘街道", "助推园区规划、产业、设施、服务、机制“五好”建设。", 4, [75, 7]),
    (TargetKind::KeyProject, "易家湾片区老旧小区改造项目", "易家湾社区", "涉及12栋住宅楼的雨污分流、管网和外立面改造。", 5, [90, 96]),
    (TargetKind::PetitionCase, "某小区房产证办理遗留问题信访案件", "建设路社区", "小区86户因开发商历史遗留问题长期未能办理不动产权证。", 0, [100, 104]),
    (TargetKind::PetitionCase, "某企业职工工资拖欠信访案件", "东坪社区", "某企业拖欠37名职工工资，职工多次集体信访。", 1, [110, 115]),
    (TargetKind::PetitionCase, "征地拆迁安置补偿信访案件", "双马社区", "被征地户对安置补偿标准和过渡费发放有异议。", 2, [120, 126]),
    (TargetKind::PetitionCase, "小区物业服务纠纷信访案件", "向阳社区", "业主与物业公司因收费和服务质量发生纠纷，多次到区信访。", 3, [130, 8]),
];

/// The petition case settled on 8 April.
const RESOLVED: usize = 6;

/// What was done on a contact, per kind, in turn.
const NOTES: [[&str; 3]; 3] = [
    [
        "实地查看示范点阵地建设，与社区党组织书记交流党建引领基层治理的做法。",
        "参加示范点主题党日活动，听取党员群众对社区服务的意见建议。",
        "协调有关部门解决示范点活动场地和经费问题，约定下月回访。",
    ],
    [
        "到项目现场了解建设进度，听取企业在用地、用工方面的困难。",
        "召开项目推进协调会，梳理审批和要素保障问题清单，转交区直部门办理。",
        "跟踪上次协调事项落实情况，企业反映审批提速明显。",
    ],
    [
        "与信访群众面对面座谈，听取诉求，讲解相关政策。",
        "会同区信访局和责任单位研究化解方案，明确办理时限。",
        "回访信访群众，通报办理进展，群众表示理解。",
    ],
];

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).expect("valid demo date")
}

fn kind_index(k: TargetKind) -> usize {
    TargetKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

/// The liaison visits a leader went on from January to mid-April, oldest first.
async fn leader_visits(txn: &DatabaseTransaction, committee_id: i64, leader: i64) -> Result<Vec<(i64, NaiveDate)>, DbErr> {
    let f = VisitFilter { from: Some(day(1, 4)), to: Some(day(4, 15)), kind: Some(VisitKind::Liaison), member_ids: Some(vec![leader]), place_ids: None };
    let (list, _) = visits::list(txn, committee_id, &f, PageRequest { page: 1, per_page: 200 }).await?;
    Ok(list.into_iter().rev().map(|v| (v.id, v.on_date)).collect())
}

pub async fn load(txn: &DatabaseTransaction, committee_id: i64, member_ids: &[i64], staff: &Who) -> Result<(), DbErr> {
    let places = structure::places(txn, committee_id).await?;
    let place = |name: &str| places.iter().find(|p| p.name == name).map(|p| p.id);
    let at = |d: NaiveDate| d.and_hms_opt(20, 0, 0).expect("valid time").and_utc() - Duration::hours(8);
    for (n, (kind, name, place_name, background, leader, members)) in TARGETS.into_iter().enumerate() {
        let leader_id = member_ids[leader];
        let started_on = if kind == TargetKind::PetitionCase { day(1, 10) + Duration::days(n as i64) } else { NaiveDate::from_ymd_opt(2021, 11, 15).expect("valid demo date") };
        let input = TargetInput {
            kind,
            name: name.into(),
            place_id: place(place_name),
            description: background.into(),
            started_on,
            assignee_ids: std::iter::once(leader_id).chain(members.iter().map(|i| member_ids[*i])).collect(),
        };
        let t = store::insert(txn, committee_id, &input, staff, at(started_on.max(day(1, 4)))).await?;
        // A leader with two targets takes turns: each of its liaison visits serves one of them.
        let shared_with = TARGETS.iter().filter(|x| x.4 == leader).count();
        let turn = TARGETS[..n].iter().filter(|x| x.4 == leader).count();
        let pool: Vec<(i64, NaiveDate)> = leader_visits(txn, committee_id, leader_id).await?.into_iter().skip(turn).step_by(shared_with).collect();
        let mine: Vec<(i64, NaiveDate)> = if pool.len() <= 3 { pool } else { [pool.len() / 6, pool.len() / 2, pool.len() * 5 / 6].map(|i| pool[i]).to_vec() };
        let notes = NOTES[kind_index(kind)];
        for (k, (visit_id, on)) in mine.iter().enumerate() {
            let went = if k == 1 { vec![leader_id, member_ids[members[0]]] } else { vec![leader_id] };
            let c = ContactInput { on_date: *on, member_ids: went, note: notes[k % notes.len()].into(), visit_id: Some(*visit_id) };
            store::insert_contact(txn, t.id, &c, staff, at(*on)).await?;
        }
        // The visits the visits demo logged at random places happened at the target.
        let linked: Vec<i64> = mine.iter().map(|v| v.0).collect();
        visit::Entity::update_many().col_expr(visit::Column::PlaceId, Expr::value(input.place_id)).filter(visit::Column::Id.is_in(linked)).exec(txn).await?;
        // The members also go on their own, without a visit logged.
        let own = day(2, 20) + Duration::days(3 * n as i64);
        let c = ContactInput { on_date: own, member_ids: members.iter().map(|i| member_ids[*i]).collect(), note: notes[1].into(), visit_id: None };
        store::insert_contact(txn, t.id, &c, staff, at(own)).await?;
        if n == RESOLVED {
            store::set_status(txn, &t, TargetStatus::Resolved, day(4, 8), staff).await?;
        }
    }
    Ok(())
}
