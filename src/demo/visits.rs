//! The demo's visits (走访) from the last days of 2021 to 19 April 2022: every leader in the field
//! on three days of every week, 书院路政协小组's members at 30-odd households, 五里堆's 19 home
//! visits in 江滨 and 向阳. What the article reports (560+ people visited since 1 January, 30+
//! home visits by one group, leaders' three field days a week) is counted from these records.
use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::app::audit::Who;
use crate::org::members::{self, MemberFilter};
use crate::org::structure;
use crate::org::values::{MemberStatus, Position};
use crate::visits::model::{VisitInput, VisitKind, WhomKind};
use crate::visits::store;

/// What leaders heard on site visits, in turn.
const HEARD: [&str; 8] = [
    "企业反映用工紧张，希望加强技能培训和岗位对接。",
    "社区反映老旧小区雨污分流改造进度慢，雨天积水。",
    "村民希望加快农村公路提质改造，方便农产品外运。",
    "项目负责人反映审批环节多，希望推行并联审批。",
    "群众关心社区养老服务站的运营经费和服务内容。",
    "商户反映夜市摊位管理不规范，影响周边居民休息。",
    "学校周边上下学时段交通拥堵，希望增设护学岗。",
    "合作社希望拓宽农产品销售渠道，对接商超和电商平台。",
];

/// What households said on home visits, in turn.
const HOME_HEARD: [&str; 5] = [
    "独居老人反映就医不便，希望社区医生定期上门。",
    "困难家庭询问临时救助的申请条件和办理流程。",
    "居民反映楼道照明损坏，晚上出行不安全。",
    "退役军人家庭希望了解就业创业扶持政策。",
    "住户反映小区停车难，希望规划更多停车位。",
];

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).expect("valid demo date")
}

fn visit(on: NaiveDate, kind: VisitKind, whom: WhomKind, people: i32, place_id: Option<i64>, visitors: Vec<i64>, heard: &str) -> VisitInput {
    VisitInput {
        on_date: on,
        kind,
        whom_kind: whom,
        people,
        names: String::new(),
        place_id,
        visitor_ids: visitors,
        staff_names: String::new(),
        heard: heard.into(),
        follow_up: "已将情况整理转有关部门，并约定回访。".into(),
        demands: vec![],
        demand_category: String::new(),
    }
}

pub async fn load(txn: &DatabaseTransaction, committee_id: i64, staff: &Who) -> Result<(), DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_0101);
    let in_office = MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() };
    let leaders: Vec<i64> = members::all(txn, committee_id, &in_office)
        .await?
        .into_iter()
        .filter(|m| Position::from_code(&m.position).is_some_and(Position::is_leader))
        .map(|m| m.id)
        .collect();
    let places = structure::places(txn, committee_id).await?;
    let place_ids: Vec<i64> = places.iter().map(|p| p.id).collect();
    let place = |name: &str| places.iter().find(|p| p.name == name).map(|p| p.id);
    let now = |d: NaiveDate| d.and_hms_opt(18, 0, 0).expect("valid time").and_utc() - Duration::hours(8);
    let mut n = 0usize;
    // Leaders: three distinct days of every week from the week of New Year's Day, one to three
    // people met each time.
    let mut monday = day(1, 1) - Duration::days(day(1, 1).weekday().num_days_from_monday() as i64);
    while monday <= day(4, 19) {
        for leader in &leaders {
            let mut days: Vec<i64> = (0..6).collect();
            days.shuffle(&mut rng);
            for offset in days.into_iter().take(3) {
                let on = monday + Duration::days(offset);
                if on > day(4, 19) {
                    continue;
                }
                let kind = [VisitKind::Field, VisitKind::Enterprise, VisitKind::Field, VisitKind::Liaison][n % 4];
                let whom = if kind == VisitKind::Enterprise { WhomKind::Enterprises } else { WhomKind::Masses };
                let v = visit(on, kind, whom, rng.random_range(1..=3), place_ids.get(n % place_ids.len().max(1)).copied(), vec![*leader], HEARD[n % HEARD.len()]);
                store::insert(txn, committee_id, &v, staff, now(on)).await?;
                n += 1;
            }
        }
        monday += Duration::days(7);
    }
    // Two street groups at households: 书院路 31 times, 五里堆 19 times in 江滨 and 向阳.
    let groups = structure::groups(txn, committee_id).await?;
    for (group, visits, communities) in [("书院路政协小组", 31, vec![]), ("五里堆街道政协小组", 19, vec!["江滨社区", "向阳社区"])] {
        let Some(g) = groups.iter().find(|g| g.name == group) else { continue };
        let ids: Vec<i64> = members::all(txn, committee_id, &MemberFilter { group_ids: Some(vec![g.id]), ..in_office.clone() }).await?.into_iter().map(|m| m.id).collect();
        if ids.is_empty() {
            continue;
        }
        for k in 0..visits {
            let on = day(1, 5) + Duration::days((k * 100 / visits) as i64);
            let pair = vec![ids[k % ids.len()], ids[(k + 5) % ids.len()]];
            let at = communities.get(k % communities.len().max(1)).and_then(|c| place(c)).or(g.place_id);
            // One household member met each time: the article counts these visits in 人次.
            let v = visit(on, VisitKind::Home, WhomKind::Households, 1, at, pair.into_iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect(), HOME_HEARD[k % HOME_HEARD.len()]);
            store::insert(txn, committee_id, &v, staff, now(on)).await?;
        }
    }
    Ok(())
}
