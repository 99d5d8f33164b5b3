//! 协商: consultations from topic to agreed outcomes tracked until done, with the online
//! deliberation before the meeting.
pub mod consensus;
pub mod model;

/// This area's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("consultation.err.plan_not_approved", "本年度协商计划尚未经领导审定，请你来协商和专题协商须列入已审定的计划", "The year's plan is not approved: 请你来协商 and thematic consultations need an approved plan"),
    ("consultation.err.minutes_incomplete", "纪要须写明情况通报、提问、答复和发言四部分", "The minutes need all four parts: briefing, questions, answers and statements"),
    ("consultation.err.outcomes_open", "尚有协商成果未办结，不能结束本次协商", "Some outcomes are still open: the consultation cannot close yet"),
];
