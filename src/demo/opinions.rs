//! The demo's public-opinion reports (社情民意信息), November 2021 to April 2022: 书院路政协小组's
//! 23 reports between New Year and 19 April 2022 (the article's figure, counted from these
//! records by the group filter), about sixty more from the other street groups, and a few the
//! office wrote from citizens' demands converted into reports. Each goes as far as its plan
//! says: screened (adopted with an edited text, kept, returned, two sets combined), approved by
//! the chair, issued in numbered bulletins, a dozen sent up to 湘潭市政协 — which adopts some,
//! combines two, issues its own bulletins and sends three on to 湖南省政协 — with leaders'
//! instructions at district, city and province level and forwardings to departments. The
//! newest are still in the queue. Authors come from the generated roster; deterministic.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::app::audit::Who;
use crate::app::error::AppError;
use crate::opinions::bulletins::{self, NewBulletin};
use crate::opinions::model::{Category, Level, OutcomeInput, OutcomeKind, ReportAction, ReportActor, ReportInput, ReportText, SourceType, SubmitterKind};
use crate::opinions::moves::{self, By, Seat};
use crate::opinions::store::{self, Report};
use crate::org::members::{self, MemberFilter};
use crate::org::store as org;
use crate::org::structure;

/// A subject: (category, what it is about, what the member saw, the problem, two suggestions).
type Topic = (Category, &'static str, &'static str, &'static str, &'static str, &'static str);

const TOPICS: [Topic; 30] = {
    use Category::*;
    [
        (Urban, "老旧小区停车难", "老旧小区建成年代早，规划车位严重不足，夜间车辆占用消防通道现象普遍", "居民因停车发生纠纷时有发生，消防车辆难以通行，安全隐患突出", "利用周边闲置地块建设临时停车场，推行机关单位停车位错时共享", "由街道牵头，社区、物业和居民协商制定小区停车管理公约"),
        (Urban, "老旧小区加装电梯", "辖区内四层以上无电梯住宅居民中老年人占比高，加装电梯意愿强烈", "低层住户意见难统一，审批环节多、资金筹措难，已报名项目推进缓慢", "简化加装电梯审批流程，推行一站式联合审批", "完善财政补贴和公积金提取政策，引导低层住户合理补偿"),
        (Livelihood, "社区居家养老服务", "辖区60岁以上老年人占常住人口比例已超过两成，独居、空巢老人较多", "社区养老服务站点少、服务项目单一，助餐、助医需求难以满足", "利用社区闲置用房建设嵌入式养老服务站，引入专业机构运营", "推广老年助餐服务，对困难老人给予就餐补贴"),
        (Livelihood, "电动自行车充电难", "居民电动自行车保有量大，小区集中充电设施严重不足", "“飞线充电”、入户充电屡禁不止，火灾隐患突出", "将集中充电设施建设纳入老旧小区改造内容，加快补齐短板", "加强联合执法，对楼道停放充电行为持续整治"),
        (Culture, "中小学课后服务", "“双减”政策实施后，学校普遍开展课后服务，家长反映总体满意", "课后服务内容较单一，教师负担加重，部分学校场地和师资不足", "引入科技、体育、艺术等社会资源参与课后服务，丰富服务内容", "合理核定课后服务补助，保障参与教师的合法权益"),
        (Livelihood, "社区卫生服务能力", "社区卫生服务中心承担着辖区居民基本医疗和公共卫生服务任务", "全科医生数量不足，常用药品配备不全，居民“小病进大医院”现象仍较普遍", "加强全科医生培养和引进，落实基层医务人员待遇", "扩大基层医疗机构用药目录，与上级医院建立处方延伸机制"),
        (Ecology, "沿江风光带环境整治", "沿江风光带是市民休闲健身的重要场所，日均游客较多", "部分路段垃圾清运不及时，公厕数量不足，夜间照明存在盲区", "增设垃圾分类收集点和移动公厕，加密保洁频次", "补齐夜间照明设施，完善安全警示标识"),
        (Urban, "背街小巷环境卫生", "辖区背街小巷多，部分路段路面破损、下水道堵塞", "雨天积水严重，垃圾乱堆乱放，居民出行不便", "将背街小巷改造纳入年度城市更新计划，分批实施", "建立“街长制”，落实常态化管护责任"),
        (Economy, "中小微企业融资难", "辖区中小微企业数量多，受疫情影响经营压力加大", "企业普遍反映贷款门槛高、审批周期长、续贷难", "设立中小微企业应急转贷资金，降低企业续贷成本", "搭建政银企对接平台，推广信用贷款产品"),
        (Economy, "夜间经济发展", "辖区商业街区人气较旺，具备发展夜间经济的基础", "夜间消费业态单一，停车难、公厕少，配套管理跟不上", "规划建设特色夜市街区，完善停车、照明、公厕等配套", "在规范管理的前提下适度放宽外摆经营"),
        (Governance, "物业管理纠纷化解", "物业服务纠纷是群众投诉的热点，涉及收费、维修、公共收益等", "部分小区业委会组建难，物业服务质量不高，矛盾长期积累", "推动社区党组织领导下的业委会和物业服务企业协调机制", "建立物业服务质量评价和退出机制"),
        (Governance, "基层网格员队伍建设", "网格员承担着信息采集、矛盾排查、疫情防控等大量基层工作", "网格员待遇偏低、流动性大，事项准入不严导致负担过重", "建立网格员薪酬正常增长机制，拓宽职业发展通道", "严格网格事项准入，切实为网格员减负"),
        (Livelihood, "新就业形态劳动者权益保障", "外卖骑手、网约车司机等新就业形态劳动者人数快速增长", "工伤保障缺失、劳动时间长，缺少休息和就餐场所", "推动平台企业为新就业形态劳动者购买职业伤害保险", "在商圈、社区建设“暖心驿站”，提供歇脚、饮水、充电等服务"),
        (Rural, "农村人居环境整治", "农村人居环境整治开展以来，村容村貌明显改善", "部分村组生活污水直排，垃圾收运体系不健全，长效管护缺位", "因地制宜推进农村生活污水治理，优先解决集中居住点", "建立村庄保洁长效机制，落实管护经费"),
        (Rural, "乡村旅游与康养产业融合", "昭山一带山水资源丰富，乡村旅游发展势头良好", "旅游产品同质化，康养配套设施不足，游客停留时间短", "统筹规划乡村旅游与康养项目，打造特色精品线路", "完善道路、停车、民宿等配套设施建设"),
        (Culture, "社区文化活动阵地", "群众对文化生活需求日益增长，社区文艺团队活跃", "部分社区文化活动场地狭小，设施陈旧，开放时间有限", "盘活闲置公共用房，建设社区文化活动中心", "推行公共文化场馆错时延时开放"),
        (Urban, "城区内涝治理", "汛期短时强降雨后，部分路段和小区出现积水", "雨污管网老化、排水能力不足，低洼地段积水难退", "加快雨污分流改造和排水管网提标", "建立易涝点清单，汛前全面清淤疏浚"),
        (Livelihood, "困难群众医疗救助", "辖区低保、特困等困难群众患大病后医疗负担较重", "医疗救助申请手续繁琐，一站式结算覆盖面不够", "简化医疗救助申请程序，推行“一站式”即时结算", "建立因病致贫返贫预警机制，做到早发现早救助"),
        (Governance, "营商环境优化", "辖区持续推进“放管服”改革，企业办事效率有所提高", "部分审批事项仍需多头跑，线上办理与线下窗口衔接不畅", "推进政务服务“一件事一次办”，减少办事环节", "建立企业诉求快速响应机制，限时办结"),
        (Ecology, "生活垃圾分类", "生活垃圾分类工作在试点社区已全面铺开", "居民分类意识不强，“先分后混”现象存在，分类设施配置不足", "加强垃圾分类宣传引导，推行积分兑换激励措施", "完善分类收运体系，杜绝混装混运"),
        (Livelihood, "托育服务供给", "辖区三岁以下婴幼儿家庭托育需求较大", "普惠托位不足，收费偏高，专业保育人员缺乏", "利用社区闲置用房建设嵌入式托育点，给予运营补贴", "支持幼儿园开设托班，扩大普惠托育供给"),
        (Urban, "学校周边交通安全", "上下学高峰时段，学校周边接送车辆和人员集中", "道路拥堵，人车混行，存在交通安全隐患", "在学校周边设置临时停车区和接送通道", "高峰时段增派交警和志愿者疏导交通"),
        (Economy, "传统制造业数字化转型", "辖区传统制造企业占比较高，转型升级需求迫切", "企业数字化改造资金投入大、人才缺乏，不敢转、不会转", "设立数字化转型专项资金，对企业改造给予补助", "引进第三方服务机构，为企业提供诊断和解决方案"),
        (Livelihood, "社区食品安全监管", "社区周边小餐饮、小作坊数量多，群众关注度高", "部分经营场所卫生条件差，证照不全，监管力量不足", "开展小餐饮、小作坊专项整治，规范经营行为", "推行“明厨亮灶”，发动群众参与监督"),
        (Governance, "信访积案化解", "部分信访事项时间跨度长、涉及面广，化解难度大", "个别问题反复信访，群众诉求未得到有效回应", "落实领导包案制度，推动信访积案逐案化解", "发挥政协委员和社区工作者作用，做好群众思想疏导"),
        (Culture, "非遗保护与传承", "辖区拥有湘绣、皮影等非物质文化遗产项目", "传承人年龄偏大，后继乏人，展示和传播渠道有限", "支持非遗进校园、进社区，培养青年传承人", "建设非遗展示体验空间，推动非遗与文旅融合"),
        (Rural, "农产品销售渠道", "辖区农户种植的蔬菜水果品质较好", "销售渠道单一，受市场波动影响大，农户增收困难", "搭建农产品电商平台，推广直播带货", "推动农超对接、农校对接，稳定销售渠道"),
        (Urban, "公共厕所建设管理", "城区部分区域公共厕所数量不足、分布不均", "群众如厕难，现有公厕设施老化，保洁不到位", "按服务半径补建公共厕所，鼓励沿街单位厕所对外开放", "落实公厕保洁管理责任，提升服务水平"),
        (Livelihood, "残疾人就业帮扶", "辖区持证残疾人中有就业意愿的人数较多", "岗位供给不足，职业技能培训针对性不强", "落实按比例安排残疾人就业政策，开发公益性岗位", "开展订单式职业技能培训，提高就业能力"),
        (Ecology, "餐饮油烟扰民", "临街底商餐饮店铺较多，部分与居民楼相邻", "油烟、噪音扰民问题突出，居民投诉较多", "严格落实餐饮项目选址要求，督促安装油烟净化设施", "建立部门联动执法机制，及时回应群众诉求"),
    ]
};

const DISTRICT_LEADERS: [&str; 3] = ["区委主要负责同志", "区政府主要负责同志", "区政府分管副区长"];
const DEPARTMENTS: [&str; 5] = ["区住房和城乡建设局", "区民政局", "区城市管理和综合执法局", "区卫生健康局", "区教育局"];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// A China-time instant on `d`.
fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, 0, 0).expect("valid time").and_utc() - Duration::hours(8)
}

fn title(t: &Topic) -> String {
    format!("关于{}问题的情况反映", t.1)
}

fn body(place: &str, t: &Topic) -> String {
    format!("{place}{}。据委员走访了解，{}。建议：一是{}；二是{}。", t.2, t.3, t.4, t.5)
}

/// The office's edit: a proposal-style title, tighter wording, a third point.
fn edited(title: &str, original: &str) -> ReportText {
    let core = title.trim_start_matches("关于").trim_end_matches("的情况反映").trim_end_matches("的情况").trim_end_matches("问题");
    let body = original.replace("据委员走访了解，", "委员在走访中了解到，").replace("建议：", "为此建议：").trim_end_matches('。').to_string() + "；三是加强督促检查，确保措施落到实处。";
    ReportText { title: format!("关于解决{core}问题的建议"), body }
}

/// Where a report ends up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Still in the office's queue.
    Queue,
    Returned,
    Kept,
    /// Adopted, waiting for the chair.
    Adopted,
    /// Approved, waiting for a bulletin.
    Approved,
    Issued,
    /// Combined with the others of the same set.
    Merged(usize),
}

/// One report of the plan.
struct Plan {
    on: NaiveDate,
    topic: usize,
    place: String,
    group_id: Option<i64>,
    /// Member kind (authors, the first first) or a group's report.
    kind: SubmitterKind,
    authors: Vec<i64>,
    writer: Who,
    created_by: Option<i64>,
    fate: Fate,
    source: Option<(SourceType, i64)>,
    /// Its own title and text (else the topic's).
    text: Option<(String, String)>,
}

/// The rng's fate for a report sent in on `on`: the newest are still being handled.
fn fate_for(rng: &mut StdRng, on: NaiveDate) -> Fate {
    if on >= day(2022, 4, 13) {
        return Fate::Queue;
    }
    if on >= day(2022, 4, 6) {
        return [Fate::Adopted, Fate::Approved, Fate::Queue][rng.random_range(0..3)];
    }
    match rng.random_range(0..100) {
        0..5 => Fate::Returned,
        5..48 => Fate::Kept,
        _ => Fate::Issued,
    }
}

struct Ctx<'a> {
    txn: &'a DatabaseTransaction,
    seat: Seat,
    staff: &'a Who,
    leader: Who,
}

pub async fn load(txn: &DatabaseTransaction, committee_id: i64, city_id: i64, member_ids: &[i64], staff: &Who) -> Result<(), DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_0119);
    let leader = org::find_user_by_username(txn, "leader").await?.map(|u| Who { committee_id: Some(committee_id), actor_id: Some(u.id), actor_name: u.username, ip: "-".into() });
    let ctx = Ctx { txn, seat: Seat::load(txn, committee_id).await?, staff, leader: leader.unwrap_or_else(|| staff.clone()) };
    let plans = plan(txn, &mut rng, committee_id, member_ids, staff).await?;
    let mut issued = Vec::new();
    let mut sets: Vec<Vec<Report>> = vec![Vec::new(), Vec::new()];
    for p in &plans {
        let r = write(&ctx, p).await?;
        match p.fate {
            Fate::Merged(k) => sets[k].push(r),
            _ => {
                if let Some(r) = screen(&ctx, &mut rng, p, r).await? {
                    issued.push(r);
                }
            }
        }
    }
    for (k, parts) in sets.into_iter().enumerate().filter(|(_, parts)| parts.len() >= 2) {
        issued.push(combine(&ctx, k, parts).await?);
    }
    let issued = issue_in_bulletins(&ctx, issued, "区委、区人大常委会、区政府主要领导，区政协主席、副主席", "区委办公室、区政府办公室").await?;
    let sent = district_outcomes(&ctx, &mut rng, &issued, member_ids).await?;
    upward(txn, city_id, &mut rng, sent).await
}

/// The reports of the plan, oldest first: 书院路's (23 in the window, two before it), the
/// other groups', the two sets to combine, and the office's reports from converted demands.
async fn plan(txn: &DatabaseTransaction, rng: &mut StdRng, committee_id: i64, member_ids: &[i64], staff: &Who) -> Result<Vec<Plan>, DbErr> {
    let groups = structure::groups(txn, committee_id).await?;
    let places = structure::places(txn, committee_id).await?;
    let place_of = |g: &structure::Group| g.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default();
    let who = |name: &str| Who { committee_id: Some(committee_id), actor_id: None, actor_name: name.to_string(), ip: "-".into() };
    let member_user = org::find_user_by_username(txn, "member").await?;
    let names = members::names(txn, member_ids).await?;
    let mut out = Vec::new();
    let street: Vec<&structure::Group> = groups.iter().filter(|g| g.name.ends_with("政协小组")).collect();
    let shuyuan = street.iter().find(|g| g.name == "书院路政协小组").copied();
    let mut shuyuan_members = Vec::new();
    if let Some(g) = shuyuan {
        shuyuan_members = in_group(txn, committee_id, g.id).await?;
        // The chair and vice-chairs approve; the group's other members write.
        let writers: Vec<i64> = shuyuan_members.iter().copied().filter(|m| !member_ids[..6].contains(m)).collect();
        let ours = member_ids.get(7).copied().filter(|m| writers.contains(m));
        let dates: Vec<NaiveDate> = std::iter::once(day(2021, 12, 9)).chain(std::iter::once(day(2021, 12, 23))).chain((0..23).map(|i| day(2022, 1, 4) + Duration::days(i * 104 / 22))).collect();
        for (i, on) in dates.into_iter().enumerate() {
            let n = rng.random_range(1..=2);
            let mut authors: Vec<i64> = writers.choose_multiple(rng, n).copied().collect();
            // The demo account `member` leads five of them; `member2` signs one jointly.
            let mine = matches!(i, 2 | 6 | 11 | 18 | 24);
            if let Some(me) = ours.filter(|_| mine) {
                authors.retain(|m| *m != me);
                authors.insert(0, me);
                authors.truncate(if i == 6 { 2 } else { 1 });
                if i == 6 && let Some(co) = member_ids.get(8) {
                    authors = vec![me, *co];
                }
            }
            let fate = match i {
                6 => Fate::Issued,
                11 => Fate::Kept,
                18 => Fate::Returned,
                24 => Fate::Queue,
                _ => fate_for(rng, on),
            };
            let group_report = i % 9 == 4;
            out.push(Plan {
                on,
                topic: (i * 7 + 3) % TOPICS.len(),
                place: "书院路街道".into(),
                group_id: group_report.then_some(g.id),
                kind: if group_report { SubmitterKind::Group } else { SubmitterKind::Member },
                writer: if mine { member_user.as_ref().map(|u| Who { committee_id: Some(committee_id), actor_id: Some(u.id), actor_name: u.username.clone(), ip: "-".into() }).unwrap_or_else(|| who("member")) } else { who(authors.first().and_then(|m| names.get(m)).map(String::as_str).unwrap_or("委员")) },
                created_by: if mine { member_user.as_ref().map(|u| u.id) } else { None },
                authors,
                fate,
                source: None,
                text: None,
            });
        }
    }
    // The other street groups: three to six reports each over the six months.
    for (k, g) in street.iter().filter(|g| Some(g.id) != shuyuan.map(|s| s.id)).enumerate() {
        let writers: Vec<i64> = in_group(txn, committee_id, g.id).await?.into_iter().filter(|m| !shuyuan_members.contains(m)).collect();
        if writers.is_empty() {
            continue;
        }
        for j in 0..(3 + (k * 5 + 1) % 4) {
            let on = day(2021, 11, 1) + Duration::days(rng.random_range(0..175));
            let n = rng.random_range(1..=3);
            let authors: Vec<i64> = writers.choose_multiple(rng, n).copied().collect();
            out.push(Plan {
                on,
                topic: (k * 11 + j * 5 + 1) % TOPICS.len(),
                place: place_of(g),
                group_id: None,
                kind: SubmitterKind::Member,
                writer: who(authors.first().and_then(|m| names.get(m)).map(String::as_str).unwrap_or("委员")),
                created_by: None,
                authors,
                fate: fate_for(rng, on),
                source: None,
                text: None,
            });
        }
    }
    // Two sets on one subject from different streets, combined by the office: 电动自行车充电
    // in February, 托育服务 in March.
    let others: Vec<&structure::Group> = street.iter().copied().filter(|g| Some(g.id) != shuyuan.map(|s| s.id)).collect();
    for (n, (set, topic, first)) in [(0, 3, day(2022, 2, 8)), (0, 3, day(2022, 2, 11)), (0, 3, day(2022, 2, 15)), (1, 20, day(2022, 3, 7)), (1, 20, day(2022, 3, 10))].into_iter().enumerate() {
        let Some(g) = others.get((n * 3 + 1) % others.len().max(1)).copied() else { continue };
        let writers: Vec<i64> = in_group(txn, committee_id, g.id).await?.into_iter().filter(|m| !shuyuan_members.contains(m)).collect();
        let Some(first_author) = writers.first().copied() else { continue };
        out.push(Plan {
            on: first,
            topic,
            place: place_of(g),
            group_id: None,
            kind: SubmitterKind::Member,
            writer: who(names.get(&first_author).map(String::as_str).unwrap_or("委员")),
            created_by: None,
            authors: vec![first_author],
            fate: Fate::Merged(set),
            source: None,
            text: None,
        });
    }
    out.extend(from_demands(txn, committee_id, staff).await?);
    out.sort_by_key(|p| p.on);
    Ok(out)
}

async fn in_group(txn: &DatabaseTransaction, committee_id: i64, group_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(members::all(txn, committee_id, &MemberFilter { group_ids: Some(vec![group_id]), ..Default::default() }).await?.into_iter().map(|m| m.id).collect())
}

/// What residents told members on visits in spring 2022 that the office converted into opinion
/// reports (the demands area records the conversion): it takes up two, the other two wait in
/// its queue's list of conversions.
const HEARD: [(u32, u32, &str, &str, &str); 4] = [
    (3, 14, "共享单车占用人行道", "小区门口人行道被共享单车长期占用，老人和孩子只能走机动车道，存在安全隐患。", "划定共享单车停放区域，督促运营企业及时清理调度"),
    (3, 24, "农贸市场周边占道经营", "农贸市场周边早晚高峰占道经营严重，垃圾清运不及时，气味很大。", "规划临时疏导摊区，加密市场周边垃圾清运"),
    (4, 2, "社区公共充电桩不足", "社区附近没有公共充电桩，新能源汽车车主只能到几公里外充电。", "将公共充电桩纳入社区配套建设，鼓励社会资本参与"),
    (4, 11, "老旧小区屋顶漏水", "老旧小区屋顶防水层老化，每逢下雨顶楼住户家中漏水，维修资金申请难。", "简化住宅专项维修资金使用程序，将屋面防水纳入老旧小区改造"),
];

async fn from_demands(txn: &DatabaseTransaction, committee_id: i64, staff: &Who) -> Result<Vec<Plan>, DbErr> {
    use crate::demands::model::{Channel, DemandAction, DemandActor, DemandKind};
    use crate::demands::store::{self as demands, NewDemand, Payload};
    let category = structure::categories(txn, committee_id).await?.into_iter().next().map(|c| c.name).unwrap_or_default();
    let mut out = Vec::new();
    for (i, (m, d, subject, text, suggestion)) in HEARD.into_iter().enumerate() {
        let heard = day(2022, m, d);
        let new = NewDemand {
            kind: DemandKind::Problem,
            channel: Channel::Visit,
            category: category.clone(),
            place_id: None,
            description: text.into(),
            citizen_name: "居民".into(),
            citizen_phone: String::new(),
            studio_id: None,
            reception_id: None,
        };
        let saved = demands::insert(txn, committee_id, new, staff, at(heard, 10)).await?;
        let convert = Payload { text: "反映的问题具有普遍性，转为社情民意信息报送".into(), converted_kind: Some("opinion_report"), ..Default::default() };
        demands::transition_at(txn, &saved, DemandAction::Convert, DemandActor::Staff, convert, staff, at(heard + Duration::days(2), 15)).await.map_err(db)?;
        if i % 2 == 0 {
            out.push(Plan {
                on: heard + Duration::days(4),
                topic: (i * 13 + 5) % TOPICS.len(),
                place: String::new(),
                group_id: None,
                kind: SubmitterKind::Staff,
                authors: vec![],
                writer: staff.clone(),
                created_by: staff.actor_id,
                fate: if i == 0 { Fate::Issued } else { Fate::Queue },
                source: Some((SourceType::Demand, saved.id)),
                text: Some((format!("关于群众反映{subject}问题的情况"), format!("委员在走访中听到居民反映：{text}此类问题在辖区多个社区普遍存在。建议：{suggestion}。"))),
            });
        }
    }
    Ok(out)
}

fn db(e: AppError) -> DbErr {
    DbErr::Custom(format!("demo opinion reports: {e:?}"))
}

/// Writes and sends in a report of the plan.
async fn write(ctx: &Ctx<'_>, p: &Plan) -> Result<Report, DbErr> {
    let t = &TOPICS[p.topic];
    let (title, body) = p.text.clone().unwrap_or_else(|| (title(t), body(&p.place, t)));
    let input = ReportInput {
        title,
        body,
        category: t.0,
        kind: p.kind,
        group_id: p.group_id,
        submitter_name: if p.kind == SubmitterKind::Staff { "区政协办公室信息科".into() } else { String::new() },
        author_ids: p.authors.clone(),
        source: p.source,
        submit: true,
    };
    let r = moves::create(ctx.txn, ctx.seat.id, &input, By { who: &p.writer, at: at(p.on, 10) }).await?;
    if p.created_by.is_some() {
        return Ok(r);
    }
    // The generated members have no accounts: the report is theirs by authorship alone.
    let mut am: store::report::ActiveModel = r.clone().into();
    am.created_by = sea_orm::Set(p.created_by);
    sea_orm::ActiveModelTrait::update(am, ctx.txn).await
}

/// Screens a report as its plan says; returns it when approved for a bulletin.
async fn screen(ctx: &Ctx<'_>, rng: &mut StdRng, p: &Plan, r: Report) -> Result<Option<Report>, DbErr> {
    let screened = p.on + Duration::days(rng.random_range(2..=5));
    let by = By { who: ctx.staff, at: at(screened, 15) };
    match p.fate {
        Fate::Queue | Fate::Merged(_) => Ok(None),
        Fate::Returned => {
            moves::transition(ctx.txn, &ctx.seat, &r, ReportAction::Return, ReportActor::Staff, "反映的问题已在本年度区政府民生实事中安排解决，请补充新情况后再报", by).await.map_err(db)?;
            Ok(None)
        }
        Fate::Kept => {
            moves::transition(ctx.txn, &ctx.seat, &r, ReportAction::Keep, ReportActor::Staff, "", by).await.map_err(db)?;
            Ok(None)
        }
        Fate::Adopted | Fate::Approved | Fate::Issued => {
            let text = edited(&r.title, &r.body);
            let r = moves::adopt(ctx.txn, &ctx.seat, &r, &text, by).await.map_err(db)?;
            if p.fate == Fate::Adopted {
                return Ok(None);
            }
            let approved = By { who: &ctx.leader, at: at(screened + Duration::days(rng.random_range(1..=2)), 9) };
            let r = moves::transition(ctx.txn, &ctx.seat, &r, ReportAction::Approve, ReportActor::Leader, "", approved).await.map_err(db)?;
            Ok((p.fate == Fate::Issued).then_some(r))
        }
    }
}

/// 综合采用 of a set: the office writes one report from its parts; the chair approves it.
async fn combine(ctx: &Ctx<'_>, k: usize, parts: Vec<Report>) -> Result<Report, DbErr> {
    let last = parts.iter().map(|p| p.submitted_on).max().unwrap_or(day(2022, 3, 1));
    let t = &TOPICS[if k == 0 { 3 } else { 20 }];
    let text = ReportText {
        title: format!("关于多措并举解决{}问题的建议（综合）", t.1),
        body: format!("近期，多个街道的政协委员反映：{}，{}。综合委员意见，建议：一是{}；二是{}；三是建立部门协同机制，定期通报进展。", t.2, t.3, t.4, t.5),
    };
    let by = By { who: ctx.staff, at: at(last + Duration::days(3), 16) };
    let c = moves::merge(ctx.txn, &ctx.seat, &parts, &text, by).await.map_err(db)?;
    let approved = By { who: &ctx.leader, at: at(last + Duration::days(4), 9) };
    moves::transition(ctx.txn, &ctx.seat, &c, ReportAction::Approve, ReportActor::Leader, "", approved).await.map_err(db)
}

/// Issues approved reports in bulletins of two to four, oldest first, a few days after the last
/// approval of each; returns them as issued, with the day of issue.
async fn issue_in_bulletins(ctx: &Ctx<'_>, mut approved: Vec<Report>, leaders: &str, units: &str) -> Result<Vec<(Report, NaiveDate)>, DbErr> {
    let approved_on = |r: &Report| r.approved_at.map(|t| (t + Duration::hours(8)).date_naive()).unwrap_or(r.submitted_on);
    approved.sort_by_key(|r| (approved_on(r), r.id));
    let mut out = Vec::new();
    for (n, batch) in approved.chunks(3).enumerate() {
        let batch: Vec<Report> = if n % 3 == 1 && batch.len() == 3 { batch[..2].to_vec() } else { batch.to_vec() };
        let day_of = batch.iter().map(approved_on).max().unwrap_or(day(2022, 1, 1)) + Duration::days(2);
        let b = NewBulletin { report_ids: batch.iter().map(|r| r.id).collect(), leaders: leaders.into(), units: units.into() };
        bulletins::issue_once(ctx.txn, &ctx.seat, &b, By { who: ctx.staff, at: at(day_of, 11) }).await?;
        for r in batch {
            out.push((store::find(ctx.txn, ctx.seat.id, r.id).await?.unwrap_or(r), day_of));
        }
    }
    // A batch cut short above leaves its third report for the next bulletin.
    let left: Vec<Report> = {
        let ids: Vec<i64> = out.iter().map(|(r, _)| r.id).collect();
        approved.into_iter().filter(|r| !ids.contains(&r.id)).collect()
    };
    for r in left {
        let day_of = approved_on(&r) + Duration::days(6);
        let b = NewBulletin { report_ids: vec![r.id], leaders: leaders.into(), units: units.into() };
        bulletins::issue_once(ctx.txn, &ctx.seat, &b, By { who: ctx.staff, at: at(day_of, 11) }).await?;
        out.push((store::find(ctx.txn, ctx.seat.id, r.id).await?.unwrap_or(r), day_of));
    }
    Ok(out)
}

/// What came of the issued reports in the district (instructions, forwardings), and which go up
/// to the city: every third, and the demo member's first issued report.
async fn district_outcomes(ctx: &Ctx<'_>, rng: &mut StdRng, issued: &[(Report, NaiveDate)], member_ids: &[i64]) -> Result<Vec<(Report, NaiveDate)>, DbErr> {
    let ours = member_ids.get(7).copied();
    let mut sent = Vec::new();
    for (n, (r, on)) in issued.iter().enumerate() {
        let authors = store::authors_of(ctx.txn, &[r.id]).await?.remove(&r.id).unwrap_or_default();
        let our_report = ours.is_some_and(|m| authors.first() == Some(&m));
        if n % 4 == 1 || our_report {
            let leader = DISTRICT_LEADERS[n % DISTRICT_LEADERS.len()];
            let o = OutcomeInput { kind: OutcomeKind::Instructed, level: Level::District, by_whom: leader.into(), on_date: *on + Duration::days(rng.random_range(3..=9)), summary: "请相关部门认真研究，提出具体措施，抓好落实。".into() };
            moves::record_outcome(ctx.txn, r, &o, By { who: ctx.staff, at: at(o.on_date, 17) }).await?;
        }
        if n % 5 == 2 {
            let unit = DEPARTMENTS[n % DEPARTMENTS.len()];
            let o = OutcomeInput { kind: OutcomeKind::Forwarded, level: Level::District, by_whom: unit.into(), on_date: *on + Duration::days(1), summary: "转请研究办理，并将办理情况反馈区政协。".into() };
            moves::record_outcome(ctx.txn, r, &o, By { who: ctx.staff, at: at(o.on_date, 16) }).await?;
        }
        if n % 3 == 0 || our_report {
            let when = *on + Duration::days(1);
            moves::send_up(ctx.txn, &ctx.seat, r, By { who: ctx.staff, at: at(when, 10) }).await.map_err(db)?;
            let r = store::find(ctx.txn, ctx.seat.id, r.id).await?.expect("just sent up");
            sent.push((r, when));
        }
    }
    Ok(sent)
}

/// The city screens what came up: adopts about half (with edits), combines two, keeps the rest;
/// issues its bulletins, sends three on to the province, where two are adopted; city and
/// province leaders instruct on some. Every outcome flows back to the district's reports.
async fn upward(txn: &DatabaseTransaction, city_id: i64, rng: &mut StdRng, sent: Vec<(Report, NaiveDate)>) -> Result<(), DbErr> {
    let Some(admin) = org::find_user_by_username(txn, "xiangtan-admin").await? else { return Ok(()) };
    let city_staff = Who { committee_id: Some(city_id), actor_id: Some(admin.id), actor_name: admin.username, ip: "-".into() };
    let city = Ctx { txn, seat: Seat::load(txn, city_id).await?, staff: &city_staff, leader: Who::anonymous(Some(city_id), "市政协秘书长", "-") };
    let mut approved = Vec::new();
    let mut pair = Vec::new();
    for (n, (r, when)) in sent.iter().enumerate() {
        let Some(copy) = r.sent_up_id else { continue };
        let copy = store::find(txn, city_id, copy).await?.expect("the copy exists");
        let screened = *when + Duration::days(rng.random_range(4..=9));
        let by = By { who: city.staff, at: at(screened, 15) };
        // The demo member's report is always adopted by the city (the journey's "市政协采用").
        let ours = r.created_by.is_some() && r.submitter_kind == "member";
        match if ours { 0 } else { n % 5 } {
            0 | 2 | 4 => {
                let text = ReportText { title: copy.title.replace("关于解决", "关于加快解决"), body: format!("岳塘区政协反映：{}", copy.body) };
                let a = moves::adopt(txn, &city.seat, &copy, &text, by).await.map_err(db)?;
                let ok = By { who: &city.leader, at: at(screened + Duration::days(2), 9) };
                approved.push(moves::transition(txn, &city.seat, &a, ReportAction::Approve, ReportActor::Leader, "", ok).await.map_err(db)?);
            }
            1 if pair.len() < 2 => pair.push(copy),
            _ => {
                moves::transition(txn, &city.seat, &copy, ReportAction::Keep, ReportActor::Staff, "", by).await.map_err(db)?;
            }
        }
    }
    if pair.len() == 2 {
        let last = pair.iter().map(|p| p.submitted_on).max().unwrap_or(day(2022, 3, 1));
        let text = ReportText { title: "关于岳塘区基层民生问题的综合反映".into(), body: format!("岳塘区政协近期报送的信息反映了基层群众关心的几个问题：《{}》《{}》。综合建议：加大市级统筹力度，完善政策支持，推动问题解决。", pair[0].title, pair[1].title) };
        let c = moves::merge(txn, &city.seat, &pair, &text, By { who: city.staff, at: at(last + Duration::days(6), 15) }).await.map_err(db)?;
        let ok = By { who: &city.leader, at: at(last + Duration::days(7), 9) };
        approved.push(moves::transition(txn, &city.seat, &c, ReportAction::Approve, ReportActor::Leader, "", ok).await.map_err(db)?);
    }
    let issued = issue_in_bulletins(&city, approved, "市委、市人大常委会、市政府主要领导，市政协主席、副主席", "市委办公室、市政府办公室").await?;
    let province = org::find_committee_by_code(txn, "hunan").await?;
    for (n, (r, on)) in issued.iter().enumerate() {
        if n % 3 == 0 {
            let o = OutcomeInput { kind: OutcomeKind::Instructed, level: Level::City, by_whom: "市政府分管副市长".into(), on_date: *on + Duration::days(6), summary: "所提建议很有针对性，请市直有关部门会同岳塘区研究落实。".into() };
            moves::record_outcome(txn, r, &o, By { who: city.staff, at: at(o.on_date, 17) }).await?;
        }
        if n % 2 == 0 && n / 2 < 3 && province.is_some() {
            moves::send_up(txn, &city.seat, r, By { who: city.staff, at: at(*on + Duration::days(2), 10) }).await.map_err(db)?;
        }
    }
    if let Some(province) = province {
        provincial(txn, &province, rng).await?;
    }
    Ok(())
}

/// 湖南省政协 screens what the city sent: adopts two (one with a provincial leader's
/// instruction) and keeps the third.
async fn provincial(txn: &DatabaseTransaction, province: &org::Committee, rng: &mut StdRng) -> Result<(), DbErr> {
    let office = Who::anonymous(Some(province.id), "湖南省政协信息处", "-");
    let seat = Seat::of(province);
    let queue = store::in_state(txn, province.id, crate::opinions::model::ReportState::Submitted, 10).await?;
    for (n, copy) in queue.iter().enumerate() {
        let screened = copy.submitted_on + Duration::days(rng.random_range(7..=12));
        let by = By { who: &office, at: at(screened, 15) };
        if n == 2 {
            moves::transition(txn, &seat, copy, ReportAction::Keep, ReportActor::Staff, "", by).await.map_err(db)?;
            continue;
        }
        moves::adopt(txn, &seat, copy, &ReportText { title: copy.title.clone(), body: copy.body.clone() }, by).await.map_err(db)?;
        if n == 0 {
            let on = screened + Duration::days(10);
            let o = OutcomeInput { kind: OutcomeKind::Instructed, level: Level::Province, by_whom: "省政府分管副省长".into(), on_date: on, summary: "请省直有关部门结合全省工作统筹研究。".into() };
            moves::record_outcome(txn, copy, &o, By { who: &office, at: at(on, 17) }).await?;
        }
    }
    Ok(())
}
