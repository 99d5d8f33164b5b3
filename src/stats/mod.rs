//! Statistics: every figure of the source article computed from records, the dashboards and
//! exports built on them, and the work summary in the article's style.
pub mod api;
pub mod charts;
pub mod export;
pub mod grouped;
pub mod kept;
pub mod metrics;
pub mod pages;
pub mod rollup;
pub mod summary;

/// This area's UI strings (key, 中文, English).
use axum::Router;
use axum::routing::get;

use crate::app::AppState;

/// The dashboard page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stats", get(pages::dashboard))
        .route("/stats/export.xlsx", get(pages::export))
        .route("/stats/summary", get(pages::summary))
        .route("/stats/summary.docx", get(pages::summary_docx))
        .route("/c/{code}/stats", get(pages::public))
}

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.stats", "统计", "Statistics"),
    ("stats.this_year", "今年", "This year"),
    ("stats.summary", "工作总结", "Work summary"),
    ("stats.export", "导出 Excel", "Export to Excel"),
    ("stats.public_title", "履职工作数据公开", "Our work in figures"),
    ("stats.public_hint", "以下为全年汇总数字，均由工作记录实时统计，不含个人信息。", "The year's totals, counted from the work records; no personal data."),
    ("stats.summary_hint", "以下文字由所选期间的记录自动生成：件、条、场等按实数，人次、户数和金额取前两位数并写作“多”（仅在实际数字更大时）。", "Generated from the period's records: items exactly, people, households and money rounded down to two figures with 多 (only where the true figure is larger)."),
    ("stats.summary_empty", "所选期间尚无记录。", "Nothing was recorded in this period."),
    ("stats.summary_docx", "下载工作总结（.docx）", "Download the summary (.docx)"),
    ("stats.this_quarter", "本季度", "This quarter"),
    ("stats.this_month", "本月", "This month"),
    ("stats.group", "政协小组", "Group"),
    ("stats.place", "镇街社区", "Place"),
    ("stats.studio", "委员工作室", "Studio"),
    ("stats.sector", "界别", "Sector"),
    ("stats.hint", "数字均由记录实时统计；带链接的数字可查看对应的记录清单。上级政协不选范围时为本级及下级政协合计。", "Every figure is counted from the records; linked figures open the list of those records. A parent committee without a scope sees the sum over the committees below."),
    ("stats.section.going_out", "走动：走访与下基层", "Going out: visits and field days"),
    ("stats.section.consulting", "协商、提案与调研", "Consultations, proposals and research"),
    ("stats.section.studios", "委员工作室", "Member studios"),
    ("stats.section.activities", "活动与帮扶", "Activities and assistance"),
    ("stats.members", "委员数", "Members"),
    ("stats.visits", "走访次数", "Visits"),
    ("stats.people_visited", "走访人次", "People visited"),
    ("stats.home_visits", "入户走访人次", "Home visits (people)"),
    ("stats.duty_days_per_week", "领导每周下基层天数", "Leaders' field days a week"),
    ("stats.consultations", "协商活动场次", "Consultations held"),
    ("stats.proposals", "提案数", "Proposals"),
    ("stats.proposals_filed", "立案数", "Filed"),
    ("stats.filing_rate", "立案率", "Filing rate"),
    ("stats.answer_rate", "办复率", "Answer rate"),
    ("stats.on_time_answer_rate", "按期办复率", "On-time answer rate"),
    ("stats.satisfaction_rate", "满意率", "Satisfaction rate"),
    ("stats.research_reports", "调研报告数", "Research reports"),
    ("stats.opinion_reports", "社情民意数", "Public-opinion reports"),
    ("stats.adoption_rate", "采用率", "Adoption rate"),
    ("stats.instructions", "领导批示数", "Leaders' instructions"),
    ("stats.receptions", "接待次数", "Receptions"),
    ("stats.citizens_received", "接待群众人次", "Citizens received"),
    ("stats.demands", "收集意见诉求数", "Concerns collected"),
    ("stats.demands_resolved", "解决问题数", "Problems solved"),
    ("stats.activities", "活动次数", "Activities"),
    ("stats.volunteer_person_times", "志愿服务人次", "Volunteer person-times"),
    ("stats.households_assisted", "慰问户数", "Households assisted"),
    ("stats.assistance_yuan", "慰问金（元）", "Assistance (yuan)"),
    ("stats.trends", "月度趋势", "Monthly trends"),
    ("stats.by_group", "各小组情况", "By group"),
    ("stats.by_studio", "各委员工作室情况", "By studio"),
    ("stats.by_place", "各镇街情况", "By street or town"),
    ("stats.by_committee", "各下级政协情况", "Committees below"),
    ("stats.listed", "列出条数", "Listed"),
    ("stats.period_on", "日期按", "Dates are"),
    ("stats.instructions_opinions", "社情民意批示", "on public-opinion reports"),
    ("stats.instructions_research", "调研报告批示", "on research reports"),
    ("stats.err.one_scope", "只能选择一个范围（小组、工作室、镇街或界别）", "Choose one scope at most (group, studio, place or sector)"),
];
