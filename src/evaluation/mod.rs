//! 履职评价: members' duty records scored under the committee's own rulebook, explainable line by
//! line down to the records, with inactive members found with their evidence.
pub mod api;
pub mod evaluate;
pub mod export;
pub mod forms;
pub mod ledger;
pub mod model;
pub mod pages;
pub mod rules;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// The evaluation pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/evaluation", get(pages::ranking_page))
        .route("/evaluation/export.xlsx", get(export::table))
        .route("/evaluation/evaluate", post(pages::evaluate))
        .route("/evaluation/freeze", post(pages::freeze))
        .route("/evaluation/rules", get(pages::rules).post(pages::update_rules))
        .route("/evaluation/rules.json", get(pages::export_rules))
        .route("/evaluation/rules/import", post(pages::import_rules))
        .route("/evaluation/members/{id}", get(pages::file))
        .route("/evaluation/members/{id}/file.docx", get(export::file_docx))
        .route("/evaluation/members/{id}/records", post(pages::add_manual))
        .route("/evaluation/members/{id}/actions", post(pages::add_action))
        .route("/evaluation/records/{id}/delete", post(pages::delete_manual))
}

/// This area's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.evaluation", "履职评价", "Evaluation"),
    ("eval.title", "委员履职评价", "Duty-performance evaluation"),
    ("eval.year", "年度", "Year"),
    ("eval.state.open", "未评价（按当前规则实时统计）", "Not evaluated (live, under the current rules)"),
    ("eval.state.evaluated", "已评价", "Evaluated"),
    ("eval.state.frozen", "已定档", "Final"),
    ("eval.evaluated_at", "评价时间", "Evaluated at"),
    ("eval.frozen_at", "定档时间", "Final since"),
    ("eval.as_of", "活跃情况截至", "Activity judged on"),
    ("eval.evaluate", "按当前规则重新评价", "Evaluate under the current rules"),
    ("eval.evaluate_first", "按当前规则评价", "Evaluate under the current rules"),
    ("eval.freeze", "年度定档", "Make the year final"),
    ("eval.freeze_confirm", "定档后该年度的规则和得分不能再修改。", "Once final, the year's rules and scores never change."),
    ("eval.rules", "评分规则", "Scoring rules"),
    ("eval.export", "导出评价表（Excel）", "Export the table (Excel)"),
    ("eval.rank", "名次", "Rank"),
    ("eval.name", "姓名", "Name"),
    ("eval.sector", "界别", "Sector"),
    ("eval.position", "职务", "Position"),
    ("eval.group", "小组", "Group"),
    ("eval.total", "得分", "Score"),
    ("eval.band", "等次", "Band"),
    ("eval.records", "记录", "Records"),
    ("eval.missed", "未达基本履职要求", "Minimum duties not met"),
    ("eval.inactive", "不活跃委员（挂牌）", "Inactive members"),
    ("eval.inactive_hint", "在规定期限内没有任何履职记录（缺席、请假不算履职）。证据为最近一次履职记录。", "No duty record within the span (absences and leave are not duties). The evidence is the latest duty done."),
    ("eval.last_duty", "最近履职", "Latest duty"),
    ("eval.no_duty", "无履职记录", "No duty record"),
    ("eval.called_for", "应采取措施", "Called for"),
    ("eval.bands", "等次分布", "Bands"),
    ("eval.none_failing", "全部委员均达到基本履职要求。", "Every member met the minimum duties."),
    ("eval.none_inactive", "没有不活跃的委员。", "No inactive member."),
    ("eval.hint", "得分 = 基础分 + 各计分项（按规则封顶、联名和综合采用折算）。点击姓名查看履职档案，每一分都能追溯到记录。", "Score = base + each item (capped, joint and combined shares applied). A name opens the duty file, each point traced to its record."),
    ("eval.file", "履职档案", "Duty file"),
    ("eval.member_page", "委员资料", "Member details"),
    ("eval.file_docx", "下载履职档案（.docx）", "Download the file (.docx)"),
    ("eval.base", "基础分", "Base"),
    ("eval.lines", "计分明细", "Points by item"),
    ("eval.item", "计分项", "Item"),
    ("eval.points", "得分", "Points"),
    ("eval.raw", "计算分", "Before cap"),
    ("eval.capped", "已封顶", "Capped"),
    ("eval.cap", "上限", "Cap"),
    ("eval.per_record", "每条", "Each"),
    ("eval.credit", "计分方式", "Credit"),
    ("eval.credit.full", "全额", "Full"),
    ("eval.credit.joint", "联名折算", "Joint share"),
    ("eval.credit.combined", "综合采用折算", "Combined share"),
    ("eval.minimums", "基本履职要求", "Minimum duties"),
    ("eval.met", "已达到", "Met"),
    ("eval.failing", "未达标（等次最低或未达基本要求）", "Falling short (lowest band or a minimum not met)"),
    ("eval.not_met", "未达到", "Not met"),
    ("eval.unscored", "未计分的记录", "Records not scored"),
    ("eval.activity", "履职活跃情况", "Activity"),
    ("eval.active", "活跃", "Active"),
    ("eval.inactive_one", "不活跃", "Inactive"),
    ("eval.history", "历年评价", "By year"),
    ("eval.live_changed", "评价后记录有变化，实时得分为", "Records changed since the evaluation; the live score is"),
    ("eval.live_changed_tail", "重新评价后生效。", "It counts once the year is evaluated again."),
    ("eval.manual", "补录履职记录", "Add a duty record"),
    ("eval.manual_hint", "用于系统外的履职（如大会发言、书面发言）。须写明事由，记入审计日志。", "For duties done outside the system (a speech at the plenary …). Give the reason; it goes to the audit log."),
    ("eval.reason", "事由", "Reason"),
    ("eval.date", "日期", "Date"),
    ("eval.kind", "类别", "Kind"),
    ("eval.remove", "撤销", "Take back"),
    ("eval.actions", "处理措施", "Actions taken"),
    ("eval.notes", "情况说明", "Notes"),
    ("eval.no_actions", "尚无处理记录。", "No action recorded."),
    ("eval.add_action", "记录处理措施", "Record an action"),
    ("eval.action.reminder_talk", "谈话提醒", "Reminder talk"),
    ("eval.action.interview", "约谈", "Interview"),
    ("eval.action.resign_recommendation", "建议辞去委员职务", "Recommended to resign"),
    ("eval.action.removal", "按程序撤销委员资格", "Removal by procedure"),
    ("eval.source.activity", "活动", "Activity"),
    ("eval.source.proposal", "提案", "Proposal"),
    ("eval.source.opinion_report", "社情民意", "Public-opinion report"),
    ("eval.source.research_report", "调研报告", "Research report"),
    ("eval.source.visit", "走访", "Visit"),
    ("eval.source.reception", "工作室接待", "Studio reception"),
    ("eval.source.consultation", "协商活动", "Consultation"),
    ("eval.source.manual", "补录", "Added by staff"),
    ("eval.rules_title", "履职评价规则", "Scoring rules"),
    ("eval.rules_hint", "规则按年度保存；修改后须“重新评价”才计入已评价的得分；已定档年度的规则不能修改。分值留空表示该项不计分。", "Rules are kept per year; an evaluated year takes an edit only when evaluated again; a final year's rules never change. Empty points: the item is not scored."),
    ("eval.rules_default", "本年度尚未保存规则，以下为沿用的规则（上一年度或默认规则），保存后生效。", "No rules saved for the year yet: below are the ones carried over (last year's or the default); saving makes them the year's."),
    ("eval.joint_share", "联名/合作者折算比例", "Joint share"),
    ("eval.combined_factor", "综合采用折算比例", "Combined share"),
    ("eval.inactive_months", "不活跃期限（月）", "Inactive after (months)"),
    ("eval.count", "次数", "Count"),
    ("eval.from", "最低分", "From"),
    ("eval.consequences", "处理办法（每行一条）", "Consequences (one a line)"),
    ("eval.save_rules", "保存规则", "Save the rules"),
    ("eval.export_rules", "导出规则文件", "Export the rules"),
    ("eval.import_rules", "导入规则文件", "Import rules"),
    ("eval.import", "导入", "Import"),
    ("eval.err.frozen", "该年度已定档，不能再修改", "The year is final and cannot change"),
    ("eval.err.not_evaluated", "请先评价该年度", "Evaluate the year first"),
    ("eval.err.year_not_over", "年度结束后才能定档", "A year can be made final only after it ends"),
    ("eval.err.date_outside_year", "日期须在该评价年度内", "The date must fall in the year"),
    ("eval.err.date_future", "日期不能晚于今天", "The date cannot be in the future"),
    ("eval.err.too_long", "内容过长", "Too long"),
    ("flash.evaluated", "已按当前规则完成评价", "Evaluated under the current rules"),
    ("flash.frozen", "该年度已定档", "The year is final"),
    ("obj.evaluation_rules", "履职评价规则", "Evaluation rules"),
    ("obj.evaluation", "履职评价", "Evaluation"),
    ("obj.duty_record", "履职记录", "Duty record"),
    ("obj.evaluation_action", "履职处理措施", "Evaluation action"),
];
