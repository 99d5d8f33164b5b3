//! The demo's research reports (调研报告) of the term: 书院路政协小组's three reports between New
//! Year and 19 April 2022 (the article's figure, counted from these records), and a dozen more by
//! the members of other street groups, some adopted by the district, one adopted by the city,
//! one with a city leader's instruction, a few forwarded to departments, two shared with the
//! committees of the tree. Authors come from the generated roster.
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::app::audit::Who;
use crate::org::members::{self, MemberFilter};
use crate::org::structure;
use crate::research::model::{Level, OutcomeInput, OutcomeKind, ReportInput, Topic};
use crate::research::store;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// What came of a report: (kind, level, by whom, days after submission, summary).
type Outcome = (OutcomeKind, Level, &'static str, i64, &'static str);

/// A report of the plan: (street group, title, topic, submitted, recipients, shared, outcomes).
type Plan = (&'static str, &'static str, Topic, NaiveDate, &'static str, bool, Vec<Outcome>);

const ADOPTED_DISTRICT: Outcome = (OutcomeKind::Adopted, Level::District, "区委办公室", 12, "报告提出的建议被区委、区政府采纳，纳入年度重点工作。");

fn plans() -> Vec<Plan> {
    use OutcomeKind::*;
    use Topic::*;
    let district = "区委、区政府";
    vec![
        ("书院路政协小组", "关于老旧小区加装电梯工作的调研报告", Urban, day(2022, 1, 24), district, false, vec![ADOPTED_DISTRICT]),
        (
            "书院路政协小组",
            "关于书院路街道社区居家养老服务的调研报告",
            Livelihood,
            day(2022, 3, 8),
            district,
            true,
            vec![ADOPTED_DISTRICT, (Instructed, Level::District, "区委主要负责同志", 16, "请区民政局会同书院路街道研究落实，年内建成社区嵌入式养老服务站。")],
        ),
        ("书院路政协小组", "关于背街小巷环境综合整治的调研报告", Urban, day(2022, 4, 12), "区政府", false, vec![(Forwarded, Level::District, "区城市管理和综合执法局", 3, "转请区城管执法局研究办理。")]),
        ("五里堆街道政协小组", "关于推进沿江风光带提质改造的调研报告", Ecology, day(2021, 12, 14), district, false, vec![(Forwarded, Level::District, "区生态环境分局", 6, "")]),
        ("建设路街道政协小组", "关于中小学课后服务开展情况的调研报告", Culture, day(2022, 1, 11), district, false, vec![ADOPTED_DISTRICT]),
        (
            "岳塘街道政协小组",
            "关于推进园区产业链招商的调研报告",
            Economy,
            day(2022, 1, 18),
            "区委、区政府，市政协",
            false,
            vec![ADOPTED_DISTRICT, (Adopted, Level::City, "湘潭市政协", 30, "被市政协《社情民意》采用，报送市委、市政府。")],
        ),
        ("东坪街道政协小组", "关于社区卫生服务中心能力建设的调研报告", Livelihood, day(2022, 2, 15), "区政府", false, vec![]),
        ("下摄司街道政协小组", "关于传统制造业数字化转型的调研报告", Economy, day(2022, 2, 22), district, false, vec![ADOPTED_DISTRICT]),
        ("宝塔街道政协小组", "关于加强新就业形态劳动者权益保障的调研报告", Livelihood, day(2022, 3, 1), district, false, vec![]),
        ("霞城街道政协小组", "关于优化营商环境、提升政务服务效能的调研报告", Governance, day(2022, 3, 15), district, true, vec![ADOPTED_DISTRICT]),
        (
            "昭山镇政协小组",
            "关于加快乡村旅游与康养产业融合发展的调研报告",
            Rural,
            day(2022, 3, 22),
            "区委、区政府，市政协",
            true,
            vec![(Instructed, Level::City, "市政府分管副市长", 20, "调研扎实、建议可行，请市文旅广体局、市农业农村局会同岳塘区研究支持。")],
        ),
        ("荷塘街道政协小组", "关于农村人居环境整治的调研报告", Rural, day(2022, 3, 29), district, false, vec![]),
        ("双马街道政协小组", "关于推进生活垃圾分类工作的调研报告", Urban, day(2022, 4, 6), "区政府", false, vec![(Forwarded, Level::District, "区城市管理和综合执法局", 5, "")]),
        ("易家湾街道政协小组", "关于加强基层应急管理能力建设的调研报告", Governance, day(2021, 11, 30), district, false, vec![]),
    ]
}

/// A report's text in the usual three parts, from its subject.
fn body(title: &str, group: &str) -> String {
    let subject = title.trim_start_matches("关于").trim_end_matches("的调研报告");
    format!(
        "一、基本情况\n{group}组织委员围绕“{subject}”开展专题调研，深入社区、企业和群众家中走访座谈，听取有关部门情况介绍，收集意见建议。\n\n\
         二、存在的问题\n一是统筹协调机制不够健全，部门之间信息共享不足；二是资金和人员保障不够到位；三是群众知晓率和参与度有待提高。\n\n\
         三、对策建议\n一是建立联席会议制度，明确牵头单位和责任分工；二是加大财政投入，积极争取上级政策和项目支持；三是加强宣传引导，\
         畅通群众参与渠道，形成共建共治共享的工作格局。"
    )
}

pub async fn load(txn: &DatabaseTransaction, committee_id: i64, member_ids: &[i64], staff: &Who) -> Result<(), DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_0419);
    let groups = structure::groups(txn, committee_id).await?;
    for (group_name, title, topic, on_date, recipients, shared, outcomes) in plans() {
        let Some(g) = groups.iter().find(|g| g.name == group_name) else { continue };
        let mut authors: Vec<i64> = members::all(txn, committee_id, &MemberFilter { group_ids: Some(vec![g.id]), ..Default::default() }).await?.into_iter().map(|m| m.id).collect();
        if authors.is_empty() {
            continue;
        }
        let in_group = authors.clone();
        authors.shuffle(&mut rng);
        authors.truncate(rng.random_range(1..=3));
        // 书院路's first report is written by the demo accounts `member` (lead) and `member2`, the
        // eighth and ninth of the roster, both of 书院路: one may edit it, the other may not.
        if title.contains("加装电梯") {
            let ours: Vec<i64> = member_ids.iter().skip(7).take(2).copied().filter(|m| in_group.contains(m)).collect();
            authors.retain(|m| !ours.contains(m));
            authors.splice(0..0, ours);
        }
        let r = ReportInput {
            title: title.into(),
            topic,
            group_id: Some(g.id),
            place_id: g.place_id,
            on_date,
            summary: String::new(),
            body: body(title, group_name),
            recipients: recipients.into(),
            author_ids: authors,
            shared,
        };
        let at = |d: NaiveDate| d.and_hms_opt(10, 0, 0).expect("valid time").and_utc() - Duration::hours(8);
        let saved = store::insert(txn, committee_id, &r, None, staff, at(on_date)).await?;
        for (kind, level, by_whom, after, summary) in outcomes {
            let o = OutcomeInput { kind, level, by_whom: by_whom.into(), on_date: on_date + Duration::days(after), summary: summary.into() };
            store::insert_outcome(txn, saved.id, &o, staff, at(o.on_date)).await?;
        }
    }
    Ok(())
}
