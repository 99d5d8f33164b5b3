//! Every UI string goes through here: Chinese first, English on request. Keys are looked up in
//! one table so that a missing translation is caught by a unit test, not by a user.
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Chinese unless the user chose English with the switch (the `lang` cookie). The
    /// browser's Accept-Language is deliberately ignored: the product is Chinese first.
    pub fn from_cookie(cookie: Option<&str>) -> Lang {
        if cookie == Some("en") { Lang::En } else { Lang::Zh }
    }

    /// The translation of `key`, if there is one (for codes stored in data, such as audit
    /// actions, where an unknown code is shown as it is).
    pub fn try_t(self, key: &str) -> Option<&'static str> {
        TABLE.get(key).map(|(zh, en)| if self == Lang::Zh { *zh } else { *en })
    }

    /// The translation of `key`; an unknown key shows itself, which the tests forbid.
    pub fn t(self, key: &str) -> &'static str {
        match TABLE.get(key) {
            Some((zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => {
                tracing::warn!(key, "missing translation");
                Box::leak(key.to_string().into_boxed_str())
            }
        }
    }
}

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| MESSAGES.iter().map(|(k, zh, en)| (*k, (*zh, *en))).collect());

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "协商 · 政协履职平台", "Xieshang · CPPCC work platform"),
    ("app.short", "协商", "Xieshang"),
    ("nav.home", "首页", "Home"),
    ("nav.users", "账号管理", "Accounts"),
    ("nav.members", "委员", "Members"),
    ("nav.catalogs", "组织机构", "Organization"),
    ("nav.committees", "政协组织", "Committees"),
    ("nav.audit", "审计日志", "Audit log"),
    ("nav.password", "修改密码", "Change password"),
    ("nav.logout", "退出", "Log out"),
    ("nav.login", "登录", "Log in"),
    ("nav.api_docs", "接口文档", "API docs"),
    ("nav.menu", "菜单", "Menu"),
    ("lang.switch", "English", "中文"),
    ("level.national", "全国政协", "National committee"),
    ("level.province", "省级政协", "Provincial committee"),
    ("level.city", "市级政协", "City committee"),
    ("level.county", "区县政协", "County/district committee"),
    ("role.admin", "系统管理员", "System administrator"),
    ("role.security_admin", "安全管理员", "Security administrator"),
    ("role.auditor", "安全审计员", "Auditor"),
    ("role.staff", "机关干部", "Committee staff"),
    ("role.leader", "主席会议成员", "Leader"),
    ("role.member", "政协委员", "Member"),
    ("role.unit", "承办单位", "Handling unit"),
    ("err.required", "此项为必填项", "This field is required"),
    ("err.name", "名称过长或含有非法字符", "Too long or contains invalid characters"),
    ("err.username", "用户名须为3至32位字母、数字或 . _ -", "Username: 3–32 letters, digits or . _ -"),
    ("err.code", "代码须为2至32位小写字母、数字或 -，以字母开头", "Code: 2–32 lower-case letters, digits or -, starting with a letter"),
    ("err.level", "请选择有效的政协层级", "Choose a valid committee level"),
    ("err.level_below", "下级政协的层级须低于本级", "A child committee must be of a lower level"),
    ("err.role", "请选择有效的角色", "Choose a valid role"),
    ("err.unit_required", "承办单位账号须填写所属承办单位", "A handling-unit account needs its unit"),
    ("err.password_policy", "密码至少10位，且包含小写字母、大写字母、数字、符号中的至少三类", "Password: at least 10 characters from three of: lower-case, upper-case, digits, symbols"),
    ("err.password_mismatch", "两次输入的密码不一致", "The passwords do not match"),
    ("err.password_wrong", "当前密码不正确", "The current password is wrong"),
    ("err.username_taken", "该用户名已被使用", "This username is taken"),
    ("err.code_taken", "该代码已被使用", "This code is taken"),
    ("err.login_failed", "用户名或密码错误", "Wrong username or password"),
    ("err.locked", "连续登录失败次数过多，账号已锁定15分钟，请稍后再试", "Too many failed logins: the account is locked for 15 minutes"),
    ("err.disabled", "该账号已停用，请联系管理员", "This account is disabled; contact your administrator"),
    ("err.bad_request", "请求格式有误", "The request is malformed"),
    ("err.invalid_form", "提交的内容有误，请检查标红的项目", "Please correct the marked fields"),
    ("err.page", "页码须为正整数", "The page must be a positive whole number"),
    ("err.per_page", "每页条数须为1至200", "Items per page: 1 to 200"),
    ("err.committee_unknown", "找不到该代码的政协", "No committee has this code"),
    ("err.date", "日期格式应为 YYYY-MM-DD", "Dates are written YYYY-MM-DD"),
    ("err.csrf", "请求来源校验失败，请刷新页面后重试", "The request's origin could not be verified; reload the page and try again"),
    ("error.title", "出错了", "Something went wrong"),
    ("error.400", "请求有误", "Bad request"),
    ("error.401", "请先登录", "Please log in"),
    ("error.403", "您没有权限访问此页面", "You may not access this page"),
    ("error.404", "页面不存在", "Page not found"),
    ("error.405", "不支持的请求方式", "Method not allowed"),
    ("error.413", "提交的内容过大（上限10MB）", "The upload is too large (10 MB at most)"),
    ("error.422", "提交的内容有误", "The submitted data is invalid"),
    ("error.429", "请求过于频繁，请稍后再试", "Too many requests; try again later"),
    ("error.500", "服务器内部错误，已记录，请稍后再试", "Internal error; it has been logged"),
    ("error.503", "数据库暂时无法连接，请稍后再试", "The database cannot be reached; try again shortly"),
    ("error.back_home", "返回首页", "Back to the home page"),
    ("login.title", "登录", "Log in"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    ("login.expired", "您长时间未操作，已自动退出，请重新登录", "You were logged out after a period of inactivity"),
    ("login.required", "请先登录", "Please log in first"),
    ("flash.logged_out", "您已安全退出", "You have logged out"),
    ("flash.password_changed", "密码已修改，其他设备上的登录已失效", "Password changed; other sessions were ended"),
    ("flash.user_created", "账号已创建", "Account created"),
    ("flash.user_updated", "账号已更新", "Account updated"),
    ("flash.committee_created", "下级政协已创建", "Committee created"),
    ("flash.setup_done", "初始化完成，欢迎使用", "Setup complete: welcome"),
    ("password.title", "修改密码", "Change password"),
    ("password.current", "当前密码", "Current password"),
    ("password.new", "新密码", "New password"),
    ("password.confirm", "确认新密码", "Confirm new password"),
    ("password.hint", "至少10位，包含小写字母、大写字母、数字、符号中的至少三类", "At least 10 characters from three of: lower-case, upper-case, digits, symbols"),
    ("form.save", "保存", "Save"),
    ("form.filter", "筛选", "Filter"),
    ("form.reset", "重置", "Reset"),
    ("form.create", "新建", "Create"),
    ("form.cancel", "取消", "Cancel"),
    ("setup.title", "首次使用：初始化", "First run: setup"),
    ("setup.intro", "请创建本级政协和第一个系统管理员账号。此页面仅在系统为空时可用。", "Create your committee and its first administrator. This page is only available while the system is empty."),
    ("setup.committee", "本级政协", "Your committee"),
    ("setup.admin", "系统管理员", "Administrator"),
    ("setup.submit", "完成初始化", "Finish setup"),
    ("committee.name", "政协名称", "Committee name"),
    ("committee.code", "代码", "Code"),
    ("committee.name_example", "例如：湘潭市岳塘区政协", "e.g. 湘潭市岳塘区政协"),
    ("committee.level", "层级", "Level"),
    ("committee.parent", "上级政协", "Parent committee"),
    ("committee.children", "下级政协", "Child committees"),
    ("committee.users", "账号数", "Accounts"),
    ("committee.create_child", "新建下级政协", "Create a child committee"),
    ("committee.read_only", "上级政协管理员只读查看", "Read-only view for the parent committee's administrators"),
    ("committee.admin_username", "管理员用户名", "Administrator username"),
    ("committee.admin_password", "管理员初始密码", "Administrator's initial password"),
    ("committee.own", "本级", "This committee"),
    ("user.username", "用户名", "Username"),
    ("user.display_name", "姓名", "Name"),
    ("user.role", "角色", "Role"),
    ("user.unit", "所属承办单位", "Handling unit"),
    ("user.status", "状态", "Status"),
    ("user.active", "正常", "Active"),
    ("user.disabled", "已停用", "Disabled"),
    ("user.locked", "已锁定", "Locked"),
    ("user.last_login", "最近登录", "Last login"),
    ("user.never", "从未登录", "Never"),
    ("user.create", "新建账号", "New account"),
    ("user.initial_password", "初始密码", "Initial password"),
    ("user.unlock", "解锁", "Unlock"),
    ("user.disable", "停用", "Disable"),
    ("user.enable", "启用", "Enable"),
    ("user.actions", "操作", "Actions"),
    ("audit.title", "审计日志", "Audit log"),
    ("audit.at", "时间", "Time"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.ip", "IP地址", "IP address"),
    ("audit.action", "操作", "Action"),
    ("audit.object", "对象", "Object"),
    ("audit.summary", "内容摘要", "Summary"),
    ("audit.from", "起始日期", "From"),
    ("audit.to", "截止日期", "To"),
    ("audit.empty", "没有符合条件的记录", "No matching entries"),
    ("audit.total", "条记录", "entries"),
    ("act.login", "登录", "Login"),
    ("act.logout", "退出", "Logout"),
    ("act.login_failed", "登录失败", "Failed login"),
    ("act.login_refused", "拒绝登录", "Login refused"),
    ("act.lockout", "账号锁定", "Lockout"),
    ("act.unlock", "解锁", "Unlock"),
    ("act.create", "新建", "Create"),
    ("act.update", "修改", "Update"),
    ("act.enable", "启用", "Enable"),
    ("act.disable", "停用", "Disable"),
    ("act.password_change", "修改密码", "Password change"),
    ("obj.user", "账号", "Account"),
    ("obj.committee", "政协", "Committee"),
    ("act.import", "导入", "Import"),
    ("act.export", "导出", "Export"),
    ("obj.member", "委员", "Member"),
    ("obj.sectors", "界别", "Sector"),
    ("obj.places", "镇街社区", "Place"),
    ("obj.groups", "联组小组", "Group"),
    ("obj.units", "承办单位", "Handling unit"),
    ("flash.member_saved", "委员信息已保存", "Member saved"),
    ("flash.saved", "已保存", "Saved"),
    ("err.phone", "手机号码格式不正确，应为11位手机号", "Not a valid 11-digit mobile number"),
    ("err.year_month", "出生年月格式不正确，如 1975-03、1975.03 或 1975年3月", "Invalid year and month, e.g. 1975-03"),
    ("err.gender", "性别应为“男”或“女”", "Gender must be 男 or 女"),
    ("err.position", "职务应为委员、常委、主席、副主席或秘书长", "Position must be 委员, 常委, 主席, 副主席 or 秘书长"),
    ("err.member_status", "状态应为在职、辞职或罢免", "Status must be 在职, 辞职 or 罢免"),
    ("err.column_missing", "缺少必填列", "A required column is missing"),
    ("err.duplicate_in_file", "与文件中前面的行重复（姓名和手机号码相同）", "Repeats an earlier row of the file (same name and mobile)"),
    ("err.file_format", "无法读取该文件，请上传 xlsx 或 csv 文件", "Cannot read this file; upload an xlsx or csv file"),
    ("err.file_empty", "文件中没有数据", "The file has no data"),
    ("err.too_long", "内容过长", "Too long"),
    ("err.number", "届次须为1至99的整数", "A whole number from 1 to 99"),
    ("err.number_taken", "该届次已存在", "This number already exists"),
    ("err.end_before_start", "结束日期不能早于开始日期", "The end cannot be before the start"),
    ("catalog.terms", "届次会议", "Terms and sessions"),
    ("term.new", "新建一届", "New term"),
    ("term.new_plenary", "新建全体会议", "New plenary session"),
    ("term.term", "所属届", "Term"),
    ("term.number", "序号（第几届/第几次）", "Number"),
    ("term.start", "开始日期", "Start"),
    ("term.end", "结束日期", "End"),
    ("obj.term", "届", "Term"),
    ("obj.plenary", "全体会议", "Plenary session"),
    ("err.wrong_state", "当前状态下不能进行此操作", "Not possible in the current state"),
    ("err.wrong_actor", "您不能进行此操作", "You may not do this"),
    ("err.return_window", "已超过退回期限（交办后5个工作日内）", "The return period (5 working days after assignment) has passed"),
    ("demand.state.registered", "待分办", "Registered"),
    ("demand.state.assigned", "办理中", "With a unit"),
    ("demand.state.return_requested", "申请退回", "Return requested"),
    ("demand.state.answered", "已答复", "Answered"),
    ("demand.state.resolved", "已解决", "Resolved"),
    ("demand.state.followed_up", "已回访", "Followed up"),
    ("demand.state.converted", "已转化", "Converted"),
    ("demand.state.closed", "不予受理", "Rejected"),
    ("demand.state.archived", "已归档", "Archived"),
    ("demand.rating.satisfied", "满意", "Satisfied"),
    ("demand.rating.basically_satisfied", "基本满意", "Basically satisfied"),
    ("demand.rating.unsatisfied", "不满意", "Unsatisfied"),
    ("nav.demands", "群众诉求", "Citizen demands"),
    ("err.description", "请描述您的问题或建议（5至2000字）", "Describe the problem or suggestion (5–2000 characters)"),
    ("demand.public.title", "向政协委员反映问题", "Tell the committee members"),
    ("demand.public.intro", "您的问题将由委员工作室登记，交有关部门办理，并告诉您结果。", "Your concern is registered by the member studios, handed to the responsible department, and you are told the result."),
    ("demand.public.submit", "提交", "Submit"),
    ("demand.public.track_link", "查询办理进度", "Follow your request"),
    ("demand.public.thanks", "已收到您的反映", "Received"),
    ("demand.public.your_code", "您的查询码：", "Your tracking code:"),
    ("demand.public.keep_code", "请记下查询码。查询时需输入查询码和手机号码后四位。", "Keep this code; to follow your request enter it with the last four digits of your phone."),
    ("demand.public.track", "查询办理进度", "Follow a request"),
    ("demand.public.lookup", "查询", "Look up"),
    ("demand.public.not_found", "未找到：请核对查询码和手机号码后四位", "Not found: check the code and the last four digits"),
    ("demand.public.rate", "问题解决了吗？请评价", "Was it solved? Please rate"),
    ("demand.public.send_rating", "提交评价", "Send rating"),
    ("demand.public.link", "群众反映问题的公开页面：", "Public page for citizens:"),
    ("demand.name", "姓名", "Name"),
    ("demand.phone", "手机号码", "Mobile"),
    ("demand.phone_hint", "仅用于联系您和查询进度，不会公开。", "Only to contact you and to look up progress; never published."),
    ("demand.kind", "类型", "Type"),
    ("demand.kind.problem", "反映问题", "A problem"),
    ("demand.kind.suggestion", "意见建议", "A suggestion"),
    ("demand.category", "类别", "Category"),
    ("demand.place", "所在镇街社区", "Place"),
    ("demand.description", "具体内容", "Details"),
    ("demand.tracking_code", "查询码", "Tracking code"),
    ("demand.last4", "手机号码后四位", "Last four digits of the phone"),
    ("demand.state", "办理状态", "Status"),
    ("demand.answer", "答复", "Answer"),
    ("demand.timeline", "办理过程", "History"),
    ("demand.unit", "承办单位", "Handling unit"),
    ("demand.deadline", "办理期限", "Deadline"),
    ("demand.created", "登记时间", "Registered"),
    ("demand.overdue", "已超期", "Overdue"),
    ("demand.note", "备注", "Note"),
    ("demand.text", "说明", "Text"),
    ("demand.action.answer_on_spot", "当场答复解决", "Answer on the spot"),
    ("demand.action.assign", "交办承办单位", "Assign to a unit"),
    ("demand.action.reject", "不予受理", "Reject"),
    ("demand.action.convert", "转为提案或社情民意", "Convert"),
    ("demand.action.confirm_resolved", "确认已解决", "Confirm resolved"),
    ("demand.action.rate", "代为登记回访评价", "Record the citizen's rating"),
    ("demand.action.archive", "归档", "Archive"),
    ("demand.action.answer", "答复", "Answer"),
    ("demand.action.request_return", "申请退回", "Ask to return"),
    ("demand.event.register", "登记", "registered"),
    ("demand.event.answer_on_spot", "当场答复", "answered on the spot"),
    ("demand.event.assign", "交办", "assigned"),
    ("demand.event.request_return", "申请退回", "asked to return"),
    ("demand.event.answer", "承办单位答复", "unit answered"),
    ("demand.event.confirm_resolved", "确认解决", "confirmed resolved"),
    ("demand.event.rate", "回访评价", "rated"),
    ("demand.event.convert", "转化", "converted"),
    ("demand.event.reject", "不予受理", "rejected"),
    ("demand.event.archive", "归档", "archived"),
    ("act.register", "登记", "Register"),
    ("act.answer_on_spot", "当场答复", "Answer on the spot"),
    ("act.assign", "交办", "Assign"),
    ("act.request_return", "申请退回", "Return request"),
    ("act.answer", "答复", "Answer"),
    ("act.confirm_resolved", "确认解决", "Confirm"),
    ("act.rate", "评价", "Rating"),
    ("act.convert", "转化", "Convert"),
    ("act.reject", "不予受理", "Reject"),
    ("act.archive", "归档", "Archive"),
    ("obj.demand", "群众诉求", "Demand"),
    ("demand.on_spot", "当场解决", "Solved on the spot"),
    ("demand.public.resolved", "已解决的群众诉求", "Resolved concerns"),
    ("demand.public.resolved_intro", "为保护个人信息，仅公开类别、地点、承办单位、日期和评价。", "To protect personal data only the category, place, unit, dates and rating are shown."),
    ("demand.resolved_at", "解决日期", "Resolved"),
    ("demand.rating", "评价", "Rating"),
    ("demand.new", "登记群众诉求", "Register a concern"),
    ("demand.channel", "来源渠道", "Channel"),
    ("demand.channel.studio", "委员工作室接待", "Studio reception"),
    ("demand.channel.online", "网上工作室", "Online studio"),
    ("demand.channel.visit", "走访", "Visit"),
    ("demand.channel.reception_day", "接待日", "Reception day"),
    ("demand.channel.hotline", "电话", "Hotline"),
    ("err.choice", "请选择有效的选项", "Choose a valid option"),
    ("err.name_taken", "该名称已存在", "This name already exists"),
    ("err.unknown_sector", "界别不存在（可勾选“自动新建”）", "Unknown sector (tick \"create missing\")"),
    ("err.unknown_group", "小组不存在（可勾选“自动新建”）", "Unknown group (tick \"create missing\")"),
    ("err.unknown_place", "镇街不存在（可勾选“自动新建”）", "Unknown place (tick \"create missing\")"),
    ("member.people", "人", "people"),
    ("member.new", "新增委员", "New member"),
    ("member.edit", "编辑委员信息", "Edit member"),
    ("member.import", "导入名册", "Import roster"),
    ("member.export", "导出Excel", "Export to Excel"),
    ("member.search", "姓名/拼音首字母", "Name or initials"),
    ("member.search_hint", "如：张三 或 zs", "e.g. 张三 or zs"),
    ("member.none", "没有符合条件的委员", "No matching members"),
    ("member.name", "姓名", "Name"),
    ("member.gender", "性别", "Gender"),
    ("member.birth_month", "出生年月", "Born"),
    ("member.ethnicity", "民族", "Ethnicity"),
    ("member.party", "党派", "Party"),
    ("member.sector", "界别", "Sector"),
    ("member.position", "职务", "Position"),
    ("member.employer", "工作单位及职务", "Employer and title"),
    ("member.group", "所属小组", "Groups"),
    ("member.place", "所属镇街", "Place"),
    ("member.mobile", "手机号码", "Mobile"),
    ("member.status", "状态", "Status"),
    ("member.account", "关联账号", "Login account"),
    ("err.account_linked", "该账号已关联其他委员", "This account is linked to another member"),
    ("member.file", "履职档案", "Member file"),
    ("member.duties", "履职记录", "Duty record"),
    ("member.tab.visits", "走访", "Visits"),
    ("member.tab.proposals", "提案", "Proposals"),
    ("member.tab.reports", "社情民意", "Opinion reports"),
    ("member.tab.activities", "活动", "Activities"),
    ("member.tab.score", "履职评分", "Score"),
    ("member.no_duties", "暂无履职记录", "No duty records yet"),
    ("import.file", "名册文件（xlsx 或 csv，UTF-8 或 GBK）", "Roster file (xlsx or csv, UTF-8 or GBK)"),
    ("import.hint", "列：姓名*、性别、出生年月、民族、党派、界别*、职务、工作单位及职务、所属小组、所属镇街、手机号码、状态（*为必填）。", "Columns: 姓名*, 性别, 出生年月, 民族, 党派, 界别*, 职务, 工作单位及职务, 所属小组, 所属镇街, 手机号码, 状态 (* required)."),
    ("import.template", "下载模板", "Download the template"),
    ("import.create_missing", "自动新建名册中出现的新界别、小组、镇街", "Create sectors, groups and places the file names"),
    ("import.check", "上传并检查", "Upload and check"),
    ("import.preview", "检查通过，尚未写入。请确认后导入：", "All rows are valid; nothing written yet. Confirm to import:"),
    ("import.done", "导入完成", "Import complete"),
    ("import.rows", "行数", "Rows"),
    ("import.created", "新增委员", "New members"),
    ("import.updated", "更新已有委员", "Updated members"),
    ("import.existing", "以下行与已有委员（姓名和手机号码相同）对应，将更新其信息：", "These rows match existing members (same name and mobile) and update them:"),
    ("import.new_entries", "将新建：", "Will be created:"),
    ("import.confirm", "确认导入", "Import"),
    ("import.uploading", "正在上传并检查…", "Uploading and checking…"),
    ("import.working", "正在导入，请稍候…", "Importing…"),
    ("import.failed", "名册有误，未导入任何数据。请修改以下各行后重新上传：", "The roster has errors; nothing was imported. Fix these rows and upload again:"),
    ("import.line", "行号", "Row"),
    ("import.column", "列", "Column"),
    ("import.reason", "原因", "Reason"),
    ("catalog.sectors", "界别", "Sectors"),
    ("catalog.places", "镇街社区", "Places"),
    ("catalog.groups", "联组小组", "Groups"),
    ("catalog.units", "承办单位", "Handling units"),
    ("catalog.name", "名称", "Name"),
    ("catalog.detail", "说明", "Details"),
    ("catalog.kind", "类别", "Kind"),
    ("catalog.parent", "上级", "Parent"),
    ("catalog.contact", "联系人", "Contact person"),
    ("catalog.phone", "联系电话", "Phone"),
    ("catalog.edit", "编辑", "Edit"),
    ("catalog.retired", "已停用", "Retired"),
    ("catalog.retire", "停用", "Retire"),
    ("catalog.restore", "恢复", "Restore"),
    ("place.town", "镇", "Town"),
    ("place.street", "街道", "Street"),
    ("place.community", "社区", "Community"),
    ("place.village", "村", "Village"),
    ("unit.party_office", "党委部门", "Party office"),
    ("unit.government", "政府部门", "Government department"),
    ("unit.other", "其他", "Other"),
    ("page.prev", "上一页", "Previous"),
    ("page.next", "下一页", "Next"),
    ("home.welcome", "欢迎您", "Welcome"),
    ("home.your_role", "您的角色", "Your role"),
    ("home.committee", "所在政协", "Committee"),
    ("home.work", "群众诉求待办", "Concerns to handle"),
    ("home.tasks", "常用功能", "Shortcuts"),
    ("home.loop", "走访收集 → 协商议事 → 交办承办 → 答复反馈 → 群众回访 → 履职评价 → 公开发布", "Collect → consult → hand over → answer → check back → evaluate → publish"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_translated() {
        assert_eq!(TABLE.len(), MESSAGES.len(), "duplicate keys");
        for (k, zh, en) in MESSAGES {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
        assert_eq!(Lang::Zh.t("nav.home"), "首页");
        assert_eq!(Lang::En.t("nav.home"), "Home");
        assert_eq!(Lang::Zh.try_t("act.lockout"), Some("账号锁定"));
        assert_eq!(Lang::Zh.try_t(&format!("act.{}", "unknown")), None);
    }

    #[test]
    fn chinese_unless_english_was_chosen() {
        assert_eq!(Lang::from_cookie(None), Lang::Zh);
        assert_eq!(Lang::from_cookie(Some("en")), Lang::En);
        assert_eq!(Lang::from_cookie(Some("fr")), Lang::Zh);
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        // Scan the sources for t("…") and FieldError::new(_, "…") keys so a typo fails here.
        let mut missing = Vec::new();
        for dir in ["src", "templates"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for key in scan_keys(&root) {
                if !TABLE.contains_key(key.as_str()) {
                    missing.push(key);
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }

    fn scan_keys(dir: &std::path::Path) -> Vec<String> {
        let mut keys = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                keys.extend(scan_keys(&path));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for marker in ["t(\"", "\"err.", "\"flash.", "\"error."] {
                for (i, _) in text.match_indices(marker) {
                    let start = i + marker.len() - if marker.starts_with("t(") { 0 } else { marker.len() - 1 };
                    if let Some(end) = text[start..].find('"') {
                        let key = &text[start..start + end];
                        if key.contains('.') && !key.contains(' ') && !key.ends_with('.') && !key.ends_with(".html") {
                            keys.push(key.to_string());
                        }
                    }
                }
            }
        }
        keys
    }
}
