//! Files to download: the proposal register (提案汇总表) as .xlsx, the printed proposal and the
//! units' reply letters as .docx (see `documents` for the layout).
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::app::AppState;
use crate::app::error::{AppError, AppResult};
use crate::app::i18n::Lang;
use crate::app::shell::{Authed, local_date};
use crate::org::members;
use crate::org::structure;
use crate::proposals::documents::{self, ProposalDoc, ReplyDoc};
use crate::proposals::model::{PartRole, PartState};
use crate::proposals::pages::{Session, sessions, visible};
use crate::proposals::store::{self, Proposal};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A download with an ASCII file name (the Chinese title is inside the file).
pub fn file_response(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).expect("ascii name"));
    res
}

const COLUMNS: [(&str, f64); 17] = [
    ("序号", 6.0),
    ("案号", 10.0),
    ("提案标题", 40.0),
    ("类别", 10.0),
    ("提案者", 24.0),
    ("界别", 14.0),
    ("会议", 14.0),
    ("提交日期", 12.0),
    ("状态", 10.0),
    ("重点提案", 8.0),
    ("办理方式", 8.0),
    ("主办/分办单位", 30.0),
    ("会办单位", 24.0),
    ("办理期限", 12.0),
    ("答复类别", 8.0),
    ("答复日期", 12.0),
    ("满意度", 20.0),
];

/// The register of `list` in one sheet: a bold frozen header, one row per proposal, the
/// proposers named in order (lead first) without any contact detail.
pub async fn register_xlsx(state: &AppState, committee_id: i64, list: &[Proposal], sessions: &[Session]) -> AppResult<Vec<u8>> {
    let ids: Vec<i64> = list.iter().map(|p| p.id).collect();
    let signers = store::signers_of(&state.db, &ids).await?;
    let parts = store::parts_of(&state.db, &ids).await?;
    let ratings = store::latest_ratings(&state.db, &ids).await?;
    let member_ids: Vec<i64> = signers.values().flatten().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let names = members::names(&state.db, &member_ids).await?;
    let sector_of = sectors_of(state, committee_id).await?;
    let units: HashMap<i64, String> = crate::org::store::units(&state.db, committee_id).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let lang = Lang::Zh;
    let rows: Vec<[String; 17]> = list
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let own = signers.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
            let proposer = if p.submitter_kind == "member" { own.iter().filter_map(|m| names.get(m).cloned()).collect::<Vec<_>>().join("、") } else { p.submitter_name.clone() };
            let open: Vec<&store::Part> = parts.get(&p.id).map(|v| v.iter().filter(|x| x.state() != PartState::Withdrawn).collect()).unwrap_or_default();
            let unit_names = |role: PartRole| open.iter().filter(|x| x.role() == role).filter_map(|x| units.get(&x.unit_id).cloned()).collect::<Vec<_>>().join("、");
            let classes = open.iter().filter(|x| x.role() == PartRole::Answering).filter_map(|x| x.class.clone()).collect::<Vec<_>>().join("/");
            [
                (i + 1).to_string(),
                p.number.clone().unwrap_or_default(),
                p.title.clone(),
                lang.t(&format!("proposal.kind.{}", p.kind)).to_string(),
                proposer,
                own.first().and_then(|m| sector_of.get(m)).cloned().unwrap_or_default(),
                sessions.iter().find(|s| Some(s.id) == p.session_id).map(|s| s.name.clone()).unwrap_or_default(),
                p.submitted_at.as_ref().map(|t| local_date(t).to_string()).unwrap_or_default(),
                lang.t(p.state().label_key()).to_string(),
                if p.key_proposal { "是" } else { "" }.to_string(),
                p.mode.as_deref().map(|m| lang.t(&format!("proposal.mode.{m}")).to_string()).unwrap_or_default(),
                unit_names(PartRole::Answering),
                unit_names(PartRole::CoUnit),
                p.deadline.map(|d| d.to_string()).unwrap_or_default(),
                classes,
                p.answered_at.as_ref().map(|t| local_date(t).to_string()).unwrap_or_default(),
                ratings.get(&p.id).map(|r| r.iter().map(|s| lang.t(s.label_key())).collect::<Vec<_>>().join("、")).unwrap_or_default(),
            ]
        })
        .collect();
    write_register(&rows).map_err(|e| AppError::Internal(e.into()))
}

fn write_register(rows: &[[String; 17]]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("提案汇总表")?;
    let bold = Format::new().set_bold();
    for (c, (title, width)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *title, &bold)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, value)?;
            }
        }
    }
    workbook.save_to_buffer()
}

/// Each member's sector name.
async fn sectors_of(state: &AppState, committee_id: i64) -> AppResult<HashMap<i64, String>> {
    let sectors: HashMap<i64, String> = structure::sectors(&state.db, committee_id).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let all = members::all(&state.db, committee_id, &Default::default()).await?;
    Ok(all.into_iter().filter_map(|m| sectors.get(&m.sector_id).map(|s| (m.id, s.clone()))).collect())
}

/// The printed proposal.
pub async fn proposal_docx(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let cid = a.actor.committee_id;
    let committee = crate::org::store::find_committee(&state.db, cid).await?.ok_or(AppError::NotFound)?;
    let signers: Vec<i64> = store::signers(&state.db, p.id).await?.into_iter().map(|(m, _)| m).collect();
    let names = members::names(&state.db, &signers).await?;
    let sector_of = sectors_of(&state, cid).await?;
    let units: HashMap<i64, String> = crate::org::store::units(&state.db, cid).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let assigned = store::parts(&state.db, p.id).await?.into_iter().filter(|x| x.state() != PartState::Withdrawn).filter_map(|x| units.get(&x.unit_id).cloned()).collect();
    let member_kind = p.submitter_kind == "member";
    let doc = ProposalDoc {
        committee: committee.name,
        session: session_name(&sessions(&state, cid).await?, p.session_id),
        number: p.number.clone(),
        kind: Lang::Zh.t(&format!("proposal.kind.{}", p.kind)).to_string(),
        title: p.title.clone(),
        proposers: if member_kind { signers.iter().filter_map(|m| names.get(m).cloned()).collect() } else { vec![p.submitter_name.clone()] },
        sector_or_group: signers.first().filter(|_| member_kind).and_then(|m| sector_of.get(m)).cloned().unwrap_or_default(),
        submitted_on: p.submitted_at.as_ref().map(local_date).unwrap_or_else(|| local_date(&p.created_at)),
        body: p.body.clone(),
        suggested_units: p.suggested_units.split(['、', '，', ',', ';', '；']).map(str::trim).filter(|u| !u.is_empty()).map(String::from).collect(),
        assigned_units: assigned,
        key: p.key_proposal,
    };
    Ok(file_response(documents::proposal_docx(&doc), DOCX, &format!("proposal-{}.docx", p.id)))
}

/// The session's name, e.g. "十届一次会议".
fn session_name(list: &[Session], id: Option<i64>) -> String {
    list.iter().find(|s| Some(s.id) == id).map(|s| s.name.clone()).unwrap_or_default()
}

/// A unit's approved reply as its letter (答复函).
pub async fn reply_docx(State(state): State<AppState>, a: Authed, Path((id, part_id)): Path<(i64, i64)>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let cid = a.actor.committee_id;
    let all = store::parts(&state.db, p.id).await?;
    let x = all.iter().find(|x| x.id == part_id && x.role() == PartRole::Answering && x.state() == PartState::Approved).ok_or(AppError::NotFound)?;
    let units = crate::org::store::units(&state.db, cid).await?;
    let unit = units.iter().find(|u| u.id == x.unit_id).ok_or(AppError::NotFound)?;
    let name_of = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
    let lead = store::leads(&state.db, &[p.id]).await?.get(&p.id).copied();
    let lead_name = match lead {
        Some(m) if p.submitter_kind == "member" => members::names(&state.db, &[m]).await?.remove(&m).unwrap_or_default(),
        _ => p.submitter_name.clone(),
    };
    let contact = [unit.contact.clone().unwrap_or_default(), unit.phone.clone().unwrap_or_default()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    let doc = ReplyDoc {
        unit: unit.name.clone(),
        reference: String::new(),
        session: session_name(&sessions(&state, cid).await?, p.session_id),
        number: p.number.clone().unwrap_or_default(),
        title: p.title.clone(),
        lead_proposer: lead_name,
        class: x.class.clone().unwrap_or_default(),
        body: x.reply.clone().unwrap_or_default(),
        signer: String::new(),
        contact,
        replied_on: x.replied_at.as_ref().map(local_date).unwrap_or_else(crate::app::shell::today),
        co_units: all.iter().filter(|y| y.role() == PartRole::CoUnit && y.state() != PartState::Withdrawn).map(|y| name_of(y.unit_id)).collect(),
    };
    Ok(file_response(documents::reply_docx(&doc), DOCX, &format!("reply-{}-{}.docx", p.id, x.id)))
}
