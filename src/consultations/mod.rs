//! 协商: consultations from topic to agreed outcomes tracked until done, with the online
//! deliberation before the meeting.
pub mod api;
pub mod consensus;
pub mod deliberation;
pub mod deliberation_pages;
pub mod forms;
pub mod model;
pub mod pages;
pub mod public;
pub mod report;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// The consultation pages, the deliberation's pages (members' and the public's).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/consultations", get(pages::list).post(pages::create))
        .route("/consultations/new", get(pages::new))
        .route("/consultations/plan", get(pages::plan).post(pages::plan_move))
        .route("/consultations/{id}", get(pages::detail))
        .route("/consultations/{id}/step", post(pages::step))
        .route("/consultations/{id}/participants", post(pages::participants))
        .route("/consultations/{id}/notices", post(pages::notice))
        .route("/consultations/{id}/attendance", post(pages::attendance))
        .route("/consultations/{id}/minutes", post(pages::minutes))
        .route("/consultations/{id}/outcomes", post(pages::add_outcome))
        .route("/consultations/{id}/outcomes/{oid}", post(pages::move_outcome))
        .route("/consultations/{id}/instructions", post(pages::instruction))
        .route("/consultations/{id}/links", post(pages::link))
        .route("/consultations/{id}/report.docx", get(report::download))
        .route("/c/{code}/consultations/suggest", get(public::form).post(public::submit))
        .merge(deliberation_pages::router())
}

/// This area's UI strings (key, 中文, English). The deliberation keeps its own in
/// `deliberation_pages::MESSAGES`.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.consultations", "协商", "Consultations"),
    ("consultation.new", "提出协商议题", "Put forward a topic"),
    ("consultation.public.title", "我为协商出题", "Suggest a consultation topic"),
    ("consultation.public.intro", "您身边有需要政府、部门和居民坐下来商量解决的事吗？请告诉我们。政协机关会研究并联系您，选题将通过基层协商解决。", "Is there something near you that the government, departments and residents should sit down and settle together? Tell us: the committee will consider it and call you back."),
    ("consultation.public.topic_title", "议题（一句话）", "Topic (one line)"),
    ("consultation.public.topic_body", "具体情况", "What it is about"),
    ("consultation.public.name", "您的称呼（选填）", "Your name (optional)"),
    ("consultation.public.phone", "手机号码（仅供工作人员联系您）", "Mobile number (only for the staff to call you)"),
    ("consultation.public.send", "提交议题", "Send the topic"),
    ("consultation.public.thanks", "感谢您的建议！政协机关将研究您提出的议题，并通过您留下的电话联系您。", "Thank you: the committee will consider your topic and call you back."),
    ("consultation.err.title_short", "议题至少4个字", "At least 4 characters"),
    ("consultation.err.topic_short", "请至少写10个字说明情况", "Please write at least 10 characters"),
    ("consultation.plan", "年度协商计划", "Year's consultation plan"),
    ("consultation.kind", "协商形式", "Kind"),
    ("consultation.kind.invited", "请你来协商", "“Please come and consult”"),
    ("consultation.kind.grassroots", "基层协商", "Grassroots consultation"),
    ("consultation.kind.thematic", "专题协商", "Thematic consultation"),
    ("consultation.kind.micro", "微协商", "Micro consultation"),
    ("consultation.source", "议题来源", "Topic source"),
    ("consultation.source.party_government", "党政点题", "Set by the Party committee or government"),
    ("consultation.source.committee", "政协找题", "Found by the committee"),
    ("consultation.source.member", "委员荐题", "Recommended by a member"),
    ("consultation.source.public", "群众出题", "Raised by the public"),
    ("consultation.status", "状态", "Status"),
    ("consultation.state.proposed", "议题征集", "Topic proposed"),
    ("consultation.state.declined", "未采纳", "Not taken up"),
    ("consultation.state.planned", "已列入计划", "In the plan"),
    ("consultation.state.preparing", "筹备中", "Preparing"),
    ("consultation.state.held", "已召开", "Held"),
    ("consultation.state.minutes_issued", "纪要已印发", "Minutes issued"),
    ("consultation.state.closed", "成果已办结", "Closed"),
    ("consultation.place", "地点", "Place"),
    ("consultation.address", "具体地址", "Address"),
    ("consultation.format", "协商方式", "Format"),
    ("consultation.format_hint", "如：座谈会、现场协商、网络议政", "e.g. round table, on-site, online"),
    ("consultation.total", "共", "Total"),
    ("consultation.none", "暂无协商", "No consultations"),
    ("consultation.title", "议题", "Topic"),
    ("consultation.topic", "议题说明", "What it is about"),
    ("consultation.suggested_by", "提出者", "Suggested by"),
    ("consultation.member_hint", "以委员荐题提出，由政协机关研究是否列入协商计划。", "Put forward as a member's recommendation; the committee decides whether to plan it."),
    ("consultation.meeting_on", "协商日期", "Meeting date"),
    ("consultation.held_on", "召开日期", "Held on"),
    ("consultation.outcomes_settled", "成果办结", "Outcomes settled"),
    ("consultation.decline_reason", "未采纳理由", "Reason for not taking it up"),
    ("consultation.deliberation", "网上议事", "Online deliberation"),
    ("consultation.deadlines", "时限", "Deadlines"),
    ("consultation.step", "环节", "Step"),
    ("consultation.due", "应于", "Due"),
    ("consultation.done_on", "完成日期", "Done on"),
    ("consultation.notice", "通知参加人员（提前15个工作日）", "Participants notified (15 working days before)"),
    ("consultation.materials", "送达协商材料（提前10天）", "Materials sent (10 days before)"),
    ("consultation.minutes_due", "印发协商纪要（会后7个工作日内）", "Minutes issued (within 7 working days)"),
    ("consultation.timing.on_time", "按时", "On time"),
    ("consultation.timing.late", "逾期完成", "Late"),
    ("consultation.timing.pending", "待完成", "Pending"),
    ("consultation.timing.overdue", "已逾期", "Overdue"),
    ("consultation.notice_which", "事项", "What"),
    ("consultation.sent_on", "发出日期", "Sent on"),
    ("consultation.record_notice", "登记", "Record"),
    ("consultation.next_step", "下一步", "Next step"),
    ("consultation.plan_year", "计划年度", "Plan year"),
    ("consultation.step.plan", "列入年度计划", "Put in the plan"),
    ("consultation.step.decline", "不予采纳", "Do not take up"),
    ("consultation.step.prepare", "开始筹备", "Start preparing"),
    ("consultation.step.hold", "登记已召开", "Record as held"),
    ("consultation.step.issue_minutes", "印发纪要", "Issue the minutes"),
    ("consultation.step.close", "结束本次协商", "Close the consultation"),
    ("consultation.participants", "参加人员", "Participants"),
    ("consultation.present", "到会", "Present"),
    ("consultation.participant", "姓名", "Name"),
    ("consultation.participant_kind", "身份", "As"),
    ("consultation.participant.member", "政协委员", "Member"),
    ("consultation.participant.unit", "职能部门", "Unit"),
    ("consultation.participant.citizen", "群众代表", "Citizen representative"),
    ("consultation.attendance", "出席情况", "Attendance"),
    ("consultation.att.invited", "已邀请", "Invited"),
    ("consultation.att.present", "出席", "Present"),
    ("consultation.att.on_leave", "请假", "On leave"),
    ("consultation.att.absent", "缺席", "Absent"),
    ("consultation.save_attendance", "保存考勤", "Save attendance"),
    ("consultation.edit_participants", "确定参加人员", "Choose participants"),
    ("consultation.units", "职能部门负责人", "Heads of units"),
    ("consultation.citizens", "群众代表（每行一位）", "Citizen representatives (one per line)"),
    ("consultation.research", "前期调研", "Preparatory research"),
    ("consultation.link_kind", "类别", "Kind"),
    ("consultation.visit_no", "编号", "Number"),
    ("consultation.link_visit", "关联前期调研", "Link"),
    ("consultation.minutes", "协商纪要", "Minutes"),
    ("consultation.minutes_issued_on", "印发于", "Issued on"),
    ("consultation.briefing", "情况通报", "Briefing"),
    ("consultation.questions", "委员提问", "Questions"),
    ("consultation.answers", "部门答复", "Answers"),
    ("consultation.statements", "协商发言", "Statements"),
    ("consultation.save_minutes", "保存纪要", "Save the minutes"),
    ("consultation.outcomes", "协商成果", "Agreed outcomes"),
    ("consultation.deadline", "办理时限", "Deadline"),
    ("consultation.progress", "办理进展", "Progress"),
    ("consultation.not_done_reason", "未办理原因", "Why not done"),
    ("consultation.op_text", "说明（进展、原因）", "Note (progress, reason)"),
    ("consultation.satisfaction", "参加人员满意度", "Participants' satisfaction"),
    ("consultation.op.start", "开始办理", "Start"),
    ("consultation.op.complete", "已办结", "Done"),
    ("consultation.op.fail", "无法办理", "Cannot be done"),
    ("consultation.op.reopen", "退回重办", "Send back"),
    ("consultation.op.check", "登记满意度并办结", "Record satisfaction and settle"),
    ("consultation.outcome.assigned", "已交办", "Assigned"),
    ("consultation.outcome.in_progress", "办理中", "In progress"),
    ("consultation.outcome.done", "已完成", "Done"),
    ("consultation.outcome.not_done", "未能办理", "Not done"),
    ("consultation.outcome.closed", "已办结", "Settled"),
    ("consultation.add_outcome", "交办协商成果", "Hand over an outcome"),
    ("consultation.outcome_action", "商定事项", "Agreed action"),
    ("consultation.unit", "承办单位", "Unit"),
    ("consultation.assign_outcome", "交办", "Assign"),
    ("consultation.report", "协商专报", "Consultation report"),
    ("consultation.report_download", "下载协商专报（.docx）", "Download the report (.docx)"),
    ("consultation.add_instruction", "登记领导批示", "Record a leader's instruction"),
    ("consultation.level", "层级", "Level"),
    ("consultation.level.district", "区级", "District"),
    ("consultation.level.city", "市级", "City"),
    ("consultation.level.province", "省级", "Province"),
    ("consultation.level.national", "国家级", "National"),
    ("consultation.by_whom", "批示领导", "By"),
    ("consultation.on_date", "日期", "Date"),
    ("consultation.summary", "批示内容", "Summary"),
    ("consultation.timeline", "办理过程", "History"),
    ("consultation.plan_empty", "本年度尚无列入计划的议题", "No topics in this year's plan yet"),
    ("consultation.plan_note", "意见", "Note"),
    ("consultation.plan_submit", "报送领导审定", "Send to a leader for approval"),
    ("consultation.plan_approve", "审定通过", "Approve"),
    ("consultation.plan_return", "退回修改", "Return"),
    ("consultation.plan.draft", "编制中", "Draft"),
    ("consultation.plan.submitted", "待审定", "Awaiting approval"),
    ("consultation.plan.approved", "已审定", "Approved"),
    ("consultation.err.future", "日期不能晚于今天", "The date cannot be later than today"),
    ("consultation.err.past", "时限不能早于今天", "The deadline cannot be before today"),
    ("consultation.event.propose", "提出议题", "put the topic forward"),
    ("consultation.event.plan", "列入年度计划", "put it in the plan"),
    ("consultation.event.decline", "不予采纳", "did not take it up"),
    ("consultation.event.prepare", "开始筹备，协商日期", "started preparing, meeting on"),
    ("consultation.event.notify", "通知参加人员", "notified the participants"),
    ("consultation.event.send_materials", "送达协商材料", "sent the materials"),
    ("consultation.event.hold", "召开协商会", "held the meeting"),
    ("consultation.event.issue_minutes", "印发协商纪要", "issued the minutes"),
    ("consultation.event.close", "协商成果全部办结", "closed: every outcome settled"),
    ("consultation.err.plan_not_approved", "本年度协商计划尚未经领导审定，请你来协商和专题协商须列入已审定的计划", "The year's plan is not approved: 请你来协商 and thematic consultations need an approved plan"),
    ("consultation.err.minutes_incomplete", "纪要须写明情况通报、提问、答复和发言四部分", "The minutes need all four parts: briefing, questions, answers and statements"),
    ("consultation.err.outcomes_open", "尚有协商成果未办结，不能结束本次协商", "Some outcomes are still open: the consultation cannot close yet"),
];
