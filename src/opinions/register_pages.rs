//! The outcomes register (社情民意成果登记): every dated outcome of the committee's reports —
//! adoptions by level, forwardings, leaders' instructions — with its report and authors, under
//! filters, and the same list as .xlsx. For the office and the leaders.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::app::audit::{self, Who};
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, Lenient};
use crate::app::i18n::Lang;
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html};
use crate::opinions::model::{Level, OutcomeKind};
use crate::opinions::pages::{by_line, group_scope, levels, office_or_leader, outcome_label, viewer_of};
use crate::opinions::records::{self, RegisterFilter};
use crate::opinions::store::{self, Outcome, Report};
use crate::org::{members, structure};
use crate::proposals::downloads::{XLSX, file_response};

/// The register's filters as sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RegisterQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub member: String,
}

impl RegisterQuery {
    pub fn parse(&self, groups: &[(i64, Option<i64>)]) -> (RegisterFilter, Option<Vec<i64>>, Vec<FieldError>) {
        let mut l = Lenient::default();
        let (from, to) = l.period(&self.from, &self.to);
        let level = l.code("level", &self.level, Level::from_code);
        let kind = l.code("kind", &self.kind, OutcomeKind::from_code);
        let group = l.id("group", &self.group, Some(groups));
        let member_id = l.id("member", &self.member, None);
        let f = RegisterFilter { from, to, level, kind, member_id, group: None };
        (f, group.map(|g| structure::with_below(g, groups)), l.0)
    }

    fn query_string(&self) -> String {
        let pairs = [("from", &self.from), ("to", &self.to), ("level", &self.level), ("kind", &self.kind), ("group", &self.group), ("member", &self.member)];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

/// The register is the office's and the leaders'.
async fn allowed(state: &AppState, a: &Actor) -> AppResult<()> {
    authorize(a, Action::ViewOpinionReports, &Target::own(a))?;
    if office_or_leader(&viewer_of(state, a).await?) { Ok(()) } else { Err(AppError::Forbidden) }
}

async fn filter_of(state: &AppState, committee_id: i64, q: &RegisterQuery) -> AppResult<(RegisterFilter, Vec<FieldError>)> {
    let groups: Vec<(i64, Option<i64>)> = structure::groups(&state.db, committee_id).await?.into_iter().map(|g| (g.id, g.parent_id)).collect();
    let (mut f, group_ids, errors) = q.parse(&groups);
    if let Some(ids) = group_ids {
        f.group = Some(group_scope(state, committee_id, ids).await?);
    }
    Ok((f, errors))
}

/// One record as listed and exported.
pub struct Line {
    pub on_date: NaiveDate,
    pub label: String,
    pub level: &'static str,
    pub report_id: i64,
    pub title: String,
    pub by: String,
    pub by_whom: String,
    pub summary: String,
    pub combined: bool,
}

async fn lines(state: &AppState, shell: &Shell, committee_id: i64, rows: Vec<(Outcome, Report)>) -> AppResult<Vec<Line>> {
    let groups: HashMap<i64, String> = structure::groups(&state.db, committee_id).await?.into_iter().map(|g| (g.id, g.name)).collect();
    let ids: Vec<i64> = rows.iter().map(|(_, r)| r.id).collect();
    let authors = store::authors_of(&state.db, &ids).await?;
    let names = members::names(&state.db, &authors.values().flatten().copied().collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|(o, r)| {
            let who: Vec<String> = authors.get(&r.id).map(|a| a.iter().filter_map(|m| names.get(m).cloned()).collect()).unwrap_or_default();
            Line {
                on_date: o.on_date,
                label: outcome_label(shell, &o),
                level: o.level().map(|l| shell.t(&format!("opinion.level.{}", l.as_str()))).unwrap_or(""),
                report_id: r.id,
                title: r.current_title().to_string(),
                by: by_line(shell, &r, &who, r.group_id.and_then(|g| groups.get(&g))),
                by_whom: o.by_whom,
                summary: o.summary,
                combined: o.combined,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "opinions/register.html")]
struct RegisterPage {
    shell: Shell,
    lines: Vec<Line>,
    pager: Pager,
    q: RegisterQuery,
    query: String,
    groups: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
    levels: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

pub async fn page(State(state): State<AppState>, a: Authed, Query(q): Query<RegisterQuery>, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    allowed(&state, &a.actor).await?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (f, errors) = filter_of(&state, cid, &q).await?;
    let (rows, total) = records::register(&state.db, cid, &f, page).await?;
    let shell = a.ctx.shell;
    let choices = structure::filter_choices(&state.db, cid).await?;
    let query = q.query_string();
    let page = RegisterPage {
        lines: lines(&state, &shell, cid, rows).await?,
        pager: Pager::new(page, total, query.clone()),
        groups: choices.groups,
        members: choices.members,
        levels: levels(&shell),
        kinds: OutcomeKind::ALL.iter().map(|k| (k.as_str(), shell.t(&format!("opinion.outcome_kind.{}", k.as_str())))).collect(),
        errors: FormErrors::new(shell.lang, &errors),
        shell,
        q,
        query,
    };
    html(&page)
}

/// Most rows one export holds.
const EXPORT_CAP: u64 = 50_000;

const COLUMNS: [(&str, f64); 10] = [
    ("序号", 6.0),
    ("日期", 12.0),
    ("成果", 16.0),
    ("层级", 10.0),
    ("信息标题", 40.0),
    ("作者/报送单位", 28.0),
    ("批示领导/采用单位/转送部门", 24.0),
    ("批示要点/说明", 40.0),
    ("综合采用", 8.0),
    ("信息编号", 10.0),
];

fn write(lines: &[Line]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("社情民意成果登记")?;
    let bold = Format::new().set_bold();
    for (c, (title, width)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *title, &bold)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, l) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        let cells = [
            (i + 1).to_string(),
            l.on_date.to_string(),
            l.label.clone(),
            l.level.to_string(),
            l.title.clone(),
            l.by.clone(),
            l.by_whom.clone(),
            l.summary.clone(),
            if l.combined { "是".into() } else { String::new() },
            l.report_id.to_string(),
        ];
        for (c, v) in cells.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            sheet.write_string(row, c as u16, v)?;
        }
    }
    workbook.save_to_buffer()
}

/// The register as filtered, as .xlsx (in Chinese: it is filed with the office's records).
pub async fn xlsx(State(state): State<AppState>, a: Authed, Query(q): Query<RegisterQuery>) -> AppResult<Response> {
    allowed(&state, &a.actor).await?;
    let cid = a.actor.committee_id;
    let (f, _) = filter_of(&state, cid, &q).await?;
    let rows = records::register_all(&state.db, cid, &f, EXPORT_CAP).await?;
    let mut shell = a.ctx.shell;
    shell.lang = Lang::Zh;
    let lines = lines(&state, &shell, cid, rows).await?;
    let bytes = write(&lines).map_err(|e| AppError::Internal(e.into()))?;
    audit::record(&state.db, &Who::actor(&a.actor, &a.ctx.info.ip), "export", store::ITEM_TYPE, "-", format!("导出社情民意成果登记 {} 条", lines.len())).await?;
    Ok(file_response(bytes, XLSX, "opinion-outcomes.xlsx"))
}
