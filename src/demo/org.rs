//! The demo committee's organization: realistic sectors, the district's 12 towns and streets
//! with communities and villages, groups per street (书院路政协小组 with exactly 14 members),
//! about 25 handling units and 181 members in office with generated names.
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DbErr};

use crate::org::members::{self, MemberData};
use crate::org::store;
use crate::org::structure::{self, PlaceKind};
use crate::org::terms;
use crate::org::values::{Gender, MemberStatus, Phone, Position, YearMonth};

const SECTORS: [&str; 20] = [
    "中国共产党", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "无党派人士", "共青团",
    "工商联", "总工会", "妇联", "经济界", "科技界", "教育界", "文化艺术界", "医药卫生界", "农业界", "社会福利和社会保障界",
];

/// (town or street, its communities and villages)
const PLACES: [(&str, &[&str]); 12] = [
    ("书院路街道", &["葩金社区", "书院路社区", "友谊社区"]),
    ("五里堆街道", &["江滨社区", "向阳社区", "五里堆社区"]),
    ("建设路街道", &["建设路社区", "湖湘社区"]),
    ("岳塘街道", &["岳塘社区", "滴水湖社区"]),
    ("东坪街道", &["东坪社区", "红旗社区"]),
    ("下摄司街道", &["下摄司社区", "先锋社区"]),
    ("宝塔街道", &["宝塔社区", "杉山社区"]),
    ("霞城街道", &["霞城社区", "湘潭县界社区"]),
    ("荷塘街道", &["荷塘社区", "和平村"]),
    ("双马街道", &["新华村", "双马社区"]),
    ("昭山镇", &["楠木村", "昭山村", "七星村"]),
    ("易家湾街道", &["易家湾社区", "杨柳社区"]),
];

const UNITS: [&str; 25] = [
    "区委办公室", "区政府办公室", "区发展和改革局", "区教育局", "区科学技术和工业信息化局", "区公安分局", "区民政局",
    "区司法局", "区财政局", "区人力资源和社会保障局", "区自然资源分局", "区住房和城乡建设局", "区交通运输局",
    "区农业农村局", "区商务局", "区文化旅游广电体育局", "区卫生健康局", "区应急管理局", "区市场监督管理局",
    "区城市管理和综合执法局", "区医疗保障局", "区信访局", "区退役军人事务局", "区生态环境分局", "区统计局",
];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹熊";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红亮建文辉力斌宇浩凯鹏波琳晨欣怡雪梅兰志新海峰云飞宏博健立诚湘岳潭韵";
const EMPLOYERS: [&str; 10] = [
    "湘潭某机电有限公司 总经理", "岳塘区某中学 副校长", "湘潭市某医院 主任医师", "某律师事务所 合伙人", "某社区卫生服务中心 主任",
    "某农业专业合作社 理事长", "湘潭某科技有限公司 董事长", "某会计师事务所 所长", "岳塘区某小学 教师", "某建设集团 工程师",
];

/// Members per street group; 书院路 has exactly 14 (the article's figure), 181 in all.
const GROUP_SIZES: [usize; 12] = [14, 16, 15, 15, 15, 15, 15, 15, 15, 15, 16, 15];

/// The ids a later part of the demo needs.
pub struct DemoOrg {
    pub member_ids: Vec<i64>,
}

pub async fn load(db: &impl ConnectionTrait, committee_id: i64) -> Result<DemoOrg, DbErr> {
    let mut rng = StdRng::seed_from_u64(20220419);
    let mut sector_ids = Vec::new();
    for name in SECTORS {
        sector_ids.push(structure::insert_sector(db, committee_id, name).await?.id);
    }
    for unit in UNITS {
        store::unit_id_for(db, committee_id, unit).await?;
    }
    let mut street_ids = Vec::new();
    for (street, below) in PLACES {
        let kind = PlaceKind::from_name(street);
        let id = structure::insert_place(db, committee_id, street, kind, None).await?.id;
        for name in below {
            structure::insert_place(db, committee_id, name, PlaceKind::from_name(name), Some(id)).await?;
        }
        street_ids.push(id);
    }
    let mut joint_ids = Vec::new();
    for name in ["第一联组", "第二联组", "第三联组", "第四联组"] {
        joint_ids.push(structure::insert_group(db, committee_id, name, None, None).await?.id);
    }
    // The current term began with the change of term in October 2021 (the article's 换届).
    let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date");
    let term = terms::insert_term(db, committee_id, 10, date(2021, 10, 20), None).await?;
    terms::insert_plenary(db, term.id, 1, date(2021, 10, 20), date(2021, 10, 22)).await?;
    terms::insert_plenary(db, term.id, 2, date(2022, 1, 5), date(2022, 1, 7)).await?;
    let mut names = NameMaker::default();
    let mut member_ids = Vec::new();
    for (i, (street, _)) in PLACES.iter().enumerate() {
        let group_name = match *street {
            "书院路街道" => "书院路政协小组".to_string(),
            other => format!("{other}政协小组"),
        };
        let group = structure::insert_group(db, committee_id, &group_name, Some(joint_ids[i % 4]), Some(street_ids[i])).await?;
        for _ in 0..GROUP_SIZES[i] {
            let n = member_ids.len();
            let data = MemberData {
                name: names.next(&mut rng),
                gender: Some(if rng.random_bool(0.38) { Gender::Female } else { Gender::Male }),
                birth_month: Some(YearMonth { year: rng.random_range(1958..=1990), month: rng.random_range(1..=12) }),
                ethnicity: Some(if rng.random_bool(0.93) { "汉族" } else { "土家族" }.to_string()),
                party: Some(party_for(SECTORS[n % SECTORS.len()]).to_string()),
                sector_id: sector_ids[n % SECTORS.len()],
                place_id: Some(street_ids[i]),
                group_ids: vec![group.id],
                position: position_for(n),
                employer: Some(EMPLOYERS[rng.random_range(0..EMPLOYERS.len())].to_string()),
                mobile: Phone::parse("mobile", &format!("1{}{:09}", rng.random_range(3..=9), 100_000_000 + n * 4_999_111 % 899_999_999)).ok(),
                status: MemberStatus::InOffice,
                user_id: None,
            };
            member_ids.push(members::insert(db, committee_id, &data).await?.id);
        }
    }
    Ok(DemoOrg { member_ids })
}

/// 1 chair, 4 vice-chairs, 1 secretary-general, then every seventh member a standing member.
fn position_for(n: usize) -> Position {
    match n {
        0 => Position::Chair,
        1..=4 => Position::ViceChair,
        5 => Position::SecretaryGeneral,
        n if n % 7 == 0 => Position::StandingMember,
        _ => Position::Member,
    }
}

fn party_for(sector: &str) -> &'static str {
    match sector {
        "中国共产党" | "共青团" | "总工会" | "妇联" => "中共党员",
        "民革" | "民盟" | "民建" | "民进" | "农工党" | "致公党" | "九三学社" => "民主党派成员",
        _ => "群众",
    }
}

/// Generated names, never repeated, never taken from the source article.
#[derive(Default)]
struct NameMaker {
    used: std::collections::HashSet<String>,
}

impl NameMaker {
    fn next(&mut self, rng: &mut StdRng) -> String {
        let surnames: Vec<char> = SURNAMES.chars().collect();
        let given: Vec<char> = GIVEN.chars().collect();
        loop {
            let mut name = surnames[rng.random_range(0..surnames.len())].to_string();
            for _ in 0..rng.random_range(1..=2) {
                name.push(given[rng.random_range(0..given.len())]);
            }
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}
