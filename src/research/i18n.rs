//! This area's UI strings (key, 中文, English), joined into the one table in `app::i18n`.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("research.new", "提交调研报告", "Submit a research report"),
    ("research.edit", "修改调研报告", "Edit the report"),
    ("research.submit", "提交", "Submit"),
    ("research.none", "暂无调研报告", "No research reports yet"),
    ("research.all", "全部调研报告", "All research reports"),
    ("research.count", "调研报告", "Reports"),
    ("research.adopted_count", "被采纳", "Adopted"),
    ("research.instructions", "领导批示", "Leader instructions"),
    ("research.on_date", "报送日期", "Submitted"),
    ("research.report_title", "报告标题", "Title"),
    ("research.title_hint", "如：关于……的调研报告", "e.g. A study of …"),
    ("research.topic", "调研领域", "Subject area"),
    ("research.topic.economy", "经济发展", "Economy"),
    ("research.topic.livelihood", "社会民生", "Livelihood"),
    ("research.topic.urban", "城市建设与管理", "Urban development"),
    ("research.topic.ecology", "生态环境", "Environment"),
    ("research.topic.culture", "科教文卫", "Education, culture, health"),
    ("research.topic.rural", "乡村振兴", "Rural revitalisation"),
    ("research.topic.governance", "社会治理", "Governance"),
    ("research.topic.other", "其他", "Other"),
    ("research.group", "政协小组", "Group"),
    ("research.place", "调研地点", "Place"),
    ("research.author", "作者", "Author"),
    ("research.authors", "作者", "Authors"),
    ("research.lead", "执笔", "lead"),
    ("research.lead_author", "执笔人", "Lead author"),
    ("research.co_authors_hint", "勾选共同参与调研、撰写的委员", "Tick the members who researched and wrote it with the lead author"),
    ("research.summary", "内容摘要（选填）", "Summary (optional)"),
    ("research.body", "报告正文", "Text"),
    ("research.body_hint", "填写正文（50字以上），或上传报告文件后正文可简写", "Write the text (50 characters or more), or attach the report as a file"),
    ("research.file", "报告文件（PDF 或 Word，8MB 以内）", "Report file (PDF or Word, up to 8 MB)"),
    ("research.file_current", "已上传：", "Attached: "),
    ("research.file_replace", "重新选择文件将替换原文件", "choosing a file replaces it"),
    ("research.with_file", "附文件", "file"),
    ("research.recipients", "报送对象", "Sent to"),
    ("research.recipients_hint", "如：区委、区政府，或市政协", "e.g. the district Party committee and government, or the city committee"),
    ("research.shared", "信息互通：共享给本系统各级政协", "Shared: show it to the committees of this tree"),
    ("research.shared_tag", "信息互通", "Shared"),
    ("research.shared_yes", "已共享", "Shared"),
    ("research.recorded", "录入时间", "Recorded"),
    ("research.outcomes", "成果转化", "Outcomes"),
    ("research.outcome_filter", "成果转化", "Outcome"),
    ("research.no_outcomes", "尚无采纳、批示或转送记录", "Not adopted, instructed or forwarded yet"),
    ("research.outcome.adopted", "采纳", "adopted"),
    ("research.outcome.instructed", "领导批示", "leader instruction"),
    ("research.outcome.forwarded", "转送", "forwarded"),
    ("research.level.district", "区级", "District"),
    ("research.level.city", "市级", "City"),
    ("research.level.province", "省级", "Province"),
    ("research.level.national", "全国", "National"),
    ("research.record_outcome", "记录成果转化", "Record an outcome"),
    ("research.outcome_kind", "成果类型", "Kind"),
    ("research.outcome_level", "层级", "Level"),
    ("research.by_whom", "采纳单位 / 批示领导 / 转送单位", "Adopted by / instructing leader / sent to"),
    ("research.by_whom_hint", "领导批示须填写批示领导的职务或姓名，转送须填写转送单位", "An instruction names the leader (title or name); a forwarding names where it went"),
    ("research.outcome_date", "日期", "Date"),
    ("research.outcome_summary", "内容（批示原文、采纳情况等）", "Content (the instruction's words, what was adopted…)"),
    ("research.member_all", "查看全部", "See all"),
    ("research.err.title", "报告标题须为5至100字", "The title needs 5 to 100 characters"),
    ("research.err.body", "请填写报告正文（50至50000字），或上传报告文件", "Write the text (50 to 50,000 characters) or attach the report as a file"),
    ("research.err.recipients", "请填写报送对象（2至200字）", "Say where it was sent (2 to 200 characters)"),
    ("research.err.lead_author", "请选择执笔人", "Choose the lead author"),
    ("research.err.authors", "作者最多30位", "30 authors at most"),
    ("research.err.author_self", "委员只能提交本人参与撰写的调研报告", "A member submits only reports it wrote"),
    ("research.err.leader", "请填写批示领导的职务或姓名", "Name the leader who wrote the instruction"),
    ("research.err.by_whom", "请填写转送单位（2至100字）", "Say where it was sent (2 to 100 characters)"),
    ("research.err.outcome_date", "日期不能早于报告报送日期", "The date cannot be before the report was submitted"),
    ("research.err.instruction", "请填写批示内容（1000字以内）", "Give the instruction's words (up to 1,000 characters)"),
    ("research.err.already_adopted", "该报告已记录过此层级的采纳", "Adoption at this level is already recorded"),
    ("research.err.file_type", "只能上传 PDF 或 Word 文件", "Only PDF or Word files"),
    ("research.err.file_size", "文件不能超过8MB", "The file must be 8 MB or less"),
];

#[cfg(test)]
mod tests {
    /// The core's scan finds the keys of `t(…)` calls and of err-prefixed errors; this area's
    /// error keys start with `research.`, so every such literal in its code and templates is
    /// checked here.
    #[test]
    fn every_research_key_in_code_and_templates_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = |d: &str| std::fs::read_dir(root.join(d)).into_iter().flatten().flatten().map(|e| e.path()).collect::<Vec<_>>();
        let member_file = ["src/org/member_pages.rs", "templates/members/file.html"].map(|f| root.join(f));
        let (mut missing, mut seen) = (Vec::new(), 0);
        for path in dir("src/research").into_iter().chain(dir("templates/research")).chain(member_file) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (i, _) in text.match_indices("\"research.") {
                let key = &text[i + 1..i + 1 + text[i + 1..].find('"').unwrap()];
                seen += 1;
                if !key.ends_with('.') && !key.contains('{') && !super::MESSAGES.iter().any(|(k, _, _)| *k == key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(seen > 10, "the scan found the area's keys");
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }
}
