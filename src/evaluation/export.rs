//! The year's evaluation table as Excel (the ranking, then every line of every member) and a
//! member's duty file as a Word document (履职档案).
use axum::extract::{Path, Query, State};
use axum::response::Response;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::app::AppState;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult};
use crate::app::shell::{Authed, today};
use crate::evaluation::pages::{FileLine, FileQuery, RankRow, RankingQuery, file_lines, item_name, member_result, ranking};
use crate::proposals::documents::{FormalDoc, formal_docx};
use crate::proposals::downloads::{DOCX, XLSX, file_response};

/// The ranking sheet and a sheet of every member's lines.
pub fn table_xlsx(title: &str, rows: &[RankRow], lines: &[(String, Vec<FileLine>)]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("排名")?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    let heads = ["名次", "姓名", "界别", "职务", "所在小组", "得分", "等次", "未达基本要求", "不活跃", "最近履职", "记录数", "应采取措施"];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, *h, &bold)?;
        sheet.set_column_width(c as u16, if c == 7 || c == 9 { 30 } else { 12 })?;
    }
    sheet.set_freeze_panes(2, 2)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 2;
        sheet.write_number(row, 0, r.rank as f64)?;
        sheet.write_string(row, 1, &r.name)?;
        sheet.write_string(row, 2, &r.sector)?;
        sheet.write_string(row, 3, &r.position)?;
        sheet.write_string(row, 4, &r.groups)?;
        sheet.write_number(row, 5, r.total)?;
        sheet.write_string(row, 6, &r.band)?;
        sheet.write_string(row, 7, r.missed.join("；"))?;
        sheet.write_string(row, 8, if r.inactive { "是" } else { "" })?;
        sheet.write_string(row, 9, &r.last_duty)?;
        sheet.write_number(row, 10, r.records as f64)?;
        sheet.write_string(row, 11, r.called_for.join("；"))?;
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name("计分明细")?;
    for (c, h) in ["姓名", "计分项", "记录数", "计算分", "得分", "封顶"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        sheet.set_column_width(c as u16, if c == 1 { 28 } else { 12 })?;
    }
    let mut row = 1;
    for (name, ls) in lines {
        for l in ls {
            sheet.write_string(row, 0, name)?;
            sheet.write_string(row, 1, &l.name)?;
            sheet.write_number(row, 2, l.records.len() as f64)?;
            sheet.write_number(row, 3, l.raw)?;
            sheet.write_number(row, 4, l.points)?;
            sheet.write_string(row, 5, if l.capped { "是" } else { "" })?;
            row += 1;
        }
    }
    workbook.save_to_buffer()
}

pub async fn table(State(state): State<AppState>, a: Authed, Query(q): Query<RankingQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewEvaluation, &Target::own(&a.actor))?;
    let (view, rows, _) = ranking(&state, &a.actor, a.ctx.shell.lang, &q).await?;
    let names: std::collections::HashMap<i64, &str> = rows.iter().map(|r| (r.member_id, r.name.as_str())).collect();
    let lines: Vec<(String, Vec<FileLine>)> = rows
        .iter()
        .filter_map(|row| view.results.iter().find(|r| r.member_id == row.member_id))
        .map(|r| (names.get(&r.member_id).copied().unwrap_or_default().to_string(), file_lines(a.ctx.shell.lang, &view.rules, r)))
        .collect();
    let title = format!("{}年度委员履职评价表（截至{}）", view.year, view.as_of);
    let bytes = table_xlsx(&title, &rows, &lines).map_err(|e| AppError::Internal(e.into()))?;
    Ok(file_response(bytes, XLSX, &format!("evaluation-{}.xlsx", view.year)))
}

/// The member's file of the year as a formal document: the total and band, each line with its
/// records, the minimum duties and whether the member was active.
pub async fn file_docx(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Query(q): Query<FileQuery>) -> AppResult<Response> {
    let (m, view, r) = member_result(&state, &a.actor, id, &q.year).await?;
    let committee = crate::org::store::find_committee(&state.db, a.actor.committee_id).await?.ok_or(AppError::NotFound)?;
    let lines = file_lines(a.ctx.shell.lang, &view.rules, &r);
    let mut sections = vec![(
        "一、年度得分".to_string(),
        format!(
            "基础分{}分，计分{}分，合计{}分，等次：{}。{}",
            view.rules.base,
            ((r.score.total - view.rules.base) * 100.0).round() / 100.0,
            r.score.total,
            r.score.band.clone().unwrap_or_default(),
            if view.evaluated_at.is_some() { format!("评价日期：{}。", view.evaluated_at.clone().unwrap_or_default()) } else { "（实时统计，尚未评价）".into() }
        ),
    )];
    let detail: Vec<String> = lines
        .iter()
        .map(|l| {
            let recs: Vec<String> = l.records.iter().map(|x| format!("{} {}（{}，{}分）", x.on, x.title, x.credit, x.points)).collect();
            format!("{}：{}条，得{}分{}。{}", l.name, l.records.len(), l.points, if l.capped { "（已达上限）" } else { "" }, recs.join("；"))
        })
        .collect();
    sections.push(("二、计分明细".into(), if detail.is_empty() { "本年度暂无履职记录。".into() } else { detail.join("\n") }));
    let minimums: Vec<String> = r.score.minimums.iter().map(|(n, got, need, ok)| format!("{n}：{got}/{need}，{}", if *ok { "已达到" } else { "未达到" })).collect();
    sections.push(("三、基本履职要求".into(), minimums.join("\n")));
    let active = match (&r.last_duty, r.inactive) {
        (Some(e), false) => format!("最近一次履职：{} {}。", e.record.on, item_name(&view.rules, &e.record.kind)),
        (Some(e), true) => format!("截至{}已连续{}个月以上无履职记录（最近一次：{} {}）。", view.as_of, view.rules.inactive_months, e.record.on, item_name(&view.rules, &e.record.kind)),
        (None, _) => format!("截至{}无履职记录。", view.as_of),
    };
    sections.push(("四、履职活跃情况".into(), active));
    let doc = FormalDoc {
        heading: committee.name.clone(),
        title: format!("{}委员{}年度履职档案", m.name, view.year),
        sections,
        issuer: committee.name,
        date: today(),
    };
    Ok(file_response(formal_docx(&doc), DOCX, &format!("duty-file-{}-{}.docx", m.id, view.year)))
}
