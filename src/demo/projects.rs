//! The demo's projects (项目): the article's "一亩田脱贫" at 昭山镇楠木村 (合作社+脱贫户+公司,
//! 竹荪 and 黑花生, output 120,000 yuan and net income 72,000 yuan in 2022) and "共享小院田园康养"
//! at 双马街道新华村 (2,600-odd villagers benefiting through land transfer), with three others.
//! Introducers are generated members, never the article's people.
use chrono::{Duration, NaiveDate};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::app::audit::Who;
use crate::org::structure;
use crate::projects::model::{PartnerRole, ProjectInput, ProjectKind, ProjectStatus, YearInput};
use crate::projects::store;

/// One demo project; introducers are indexes into the demo's members, figures by year are
/// (year, output value in yuan, net income in yuan, beneficiaries, households).
struct Demo {
    name: &'static str,
    kind: ProjectKind,
    place: &'static str,
    introducers: &'static [usize],
    model: &'static str,
    partners: &'static [(PartnerRole, &'static str)],
    started: (i32, u32, u32),
    shared: bool,
    description: &'static str,
    years: &'static [(i32, i64, i64, i32, Option<i32>)],
}

/// Members 150–165 are 昭山镇's group, 135–149 双马's, 120–134 荷塘's; 7 is the demo's
/// `member` account.
const PROJECTS: [Demo; 5] = [
    Demo {
        name: "一亩田脱贫",
        kind: ProjectKind::Assistance,
        place: "楠木村",
        introducers: &[152],
        model: "合作社+脱贫户+公司",
        partners: &[
            (PartnerRole::Cooperative, "楠木村竹荪种植专业合作社"),
            (PartnerRole::Households, "楠木村脱贫户（12户）"),
            (PartnerRole::Company, "湘潭某农业科技有限公司"),
            (PartnerRole::Base, "昭山镇楠木村省政协植树基地"),
        ],
        started: (2021, 11, 20),
        shared: true,
        description: "为助力乡村振兴，与农户协商，依托昭山镇楠木村省政协植树基地，邀请市政协委员、种植专家指导，引进“一亩田脱贫”产业项目，种植竹荪和黑花生。",
        years: &[(2022, 120_000, 72_000, 38, Some(12))],
    },
    Demo {
        name: "共享小院田园康养",
        kind: ProjectKind::Assistance,
        place: "新华村",
        introducers: &[138],
        model: "家庭农场+共享体验基地+土地流转",
        partners: &[
            (PartnerRole::Base, "新华村家庭农场"),
            (PartnerRole::Base, "休闲烧烤共享体验基地"),
            (PartnerRole::Households, "新华村全村农户（土地流转）"),
        ],
        started: (2021, 12, 10),
        shared: true,
        description: "通过与全村农户多次协商引进，建立家庭农场和休闲烧烤共享体验基地，解决了部分村民的就业问题，全村2600多村民通过土地流转得到收益。",
        years: &[(2022, 680_000, 230_000, 2_630, Some(760))],
    },
    Demo {
        name: "七星村生态民宿",
        kind: ProjectKind::Development,
        place: "七星村",
        introducers: &[155, 158],
        model: "村集体+农户+运营公司",
        partners: &[(PartnerRole::Company, "湘潭某文旅运营有限公司"), (PartnerRole::Households, "七星村闲置农房户（9户）")],
        started: (2020, 5, 1),
        shared: false,
        description: "盘活闲置农房改建生态民宿，带动周边农家乐和农产品销售。",
        years: &[(2021, 350_000, 120_000, 45, Some(9)), (2022, 420_000, 150_000, 52, Some(11))],
    },
    Demo {
        name: "和平村蔬菜直供基地",
        kind: ProjectKind::Assistance,
        place: "和平村",
        introducers: &[125],
        model: "合作社+农户+商超",
        partners: &[
            (PartnerRole::Cooperative, "和平村蔬菜种植专业合作社"),
            (PartnerRole::Households, "和平村种植户"),
            (PartnerRole::Company, "湘潭某连锁超市"),
        ],
        started: (2020, 9, 1),
        shared: true,
        description: "蔬菜基地与城区商超签订直供协议，稳定销路，带动困难户务工增收。",
        years: &[(2021, 260_000, 90_000, 64, Some(21)), (2022, 300_000, 105_000, 70, Some(23))],
    },
    Demo {
        name: "书院路社区长者食堂",
        kind: ProjectKind::Development,
        place: "书院路社区",
        introducers: &[7],
        model: "社区+爱心企业+志愿者",
        partners: &[(PartnerRole::Company, "湘潭某餐饮管理有限公司"), (PartnerRole::Other, "书院路社区志愿服务队")],
        started: (2021, 10, 8),
        shared: false,
        description: "为辖区60岁以上老人提供助餐服务，困难老人减免餐费。",
        years: &[(2022, 180_000, 12_000, 260, None)],
    },
];

pub async fn load(txn: &DatabaseTransaction, committee_id: i64, member_ids: &[i64], staff: &Who) -> Result<(), DbErr> {
    let places = structure::places(txn, committee_id).await?;
    for d in &PROJECTS {
        let started = NaiveDate::from_ymd_opt(d.started.0, d.started.1, d.started.2).expect("valid demo date");
        let input = ProjectInput {
            name: d.name.into(),
            kind: d.kind,
            place_id: places.iter().find(|p| p.name == d.place).map(|p| p.id),
            introducer_ids: d.introducers.iter().filter_map(|i| member_ids.get(*i).copied()).collect(),
            partners: d.partners.iter().map(|(r, n)| (*r, n.to_string())).collect(),
            model: d.model.into(),
            started_on: Some(started),
            status: ProjectStatus::Running,
            shared: d.shared,
            description: d.description.into(),
        };
        let recorded = started.and_hms_opt(10, 0, 0).expect("valid time").and_utc() + Duration::days(30);
        let p = store::insert(txn, committee_id, &input, staff, recorded).await?;
        for (year, output, net, people, households) in d.years {
            let y = YearInput { year: *year, output_value_fen: output * 100, net_income_fen: net * 100, beneficiaries: *people, households: *households, note: String::new() };
            store::put_year(txn, p.id, None, &y).await?;
        }
    }
    Ok(())
}
