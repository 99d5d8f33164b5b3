//! The bulletins' pages: the list of issued 《社情民意》 (everyone who reads reports), the
//! office's form that issues approved reports in the next number, one bulletin as it reads, and
//! its Word document.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash};
use crate::opinions::bulletins::{self, BulletinForm};
use crate::opinions::model::{ReportState, bulletin_name};
use crate::opinions::moves::Seat;
use crate::opinions::pages::{Row, rows, viewer_of};
use crate::opinions::store::{self, Bulletin, Report};
use crate::proposals::documents::{FormalDoc, formal_docx};
use crate::proposals::downloads::{DOCX, file_response};

/// A bulletin in the list.
struct Line {
    id: i64,
    name: String,
    issued_on: chrono::NaiveDate,
    reports: usize,
}

#[derive(Template)]
#[template(path = "opinions/bulletins.html")]
struct ListPage {
    shell: Shell,
    lines: Vec<Line>,
    pager: Pager,
    /// The office: approved reports to issue, and the committee's units.
    staff: bool,
    approved: Vec<Row>,
    units: Vec<(i64, String)>,
    f: BulletinForm,
    errors: FormErrors,
}

async fn units(state: &AppState, committee_id: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(crate::org::store::units(&state.db, committee_id).await?.into_iter().filter(|u| !u.retired).map(|u| (u.id, u.name)).collect())
}

async fn list_page(state: &AppState, a: Authed, page: PageRequest, f: Option<BulletinForm>, errors: &[FieldError]) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewOpinionReports, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let staff = viewer_of(state, &a.actor).await?.staff;
    let (list, total) = store::bulletins(&state.db, cid, page).await?;
    let sizes = store::bulletin_sizes(&state.db, &list.iter().map(|b| b.id).collect::<Vec<_>>()).await?;
    let shell = a.ctx.shell;
    let approved = if staff { store::in_state(&state.db, cid, ReportState::Approved, 200).await? } else { vec![] };
    let f = f.unwrap_or_else(|| BulletinForm { leaders: shell.t("opinion.leaders_default").to_string(), ..Default::default() });
    let page = ListPage {
        lines: list.iter().map(|b| Line { id: b.id, name: bulletin_name(b.year, b.seq), issued_on: b.issued_on, reports: sizes.get(&b.id).copied().unwrap_or(0) }).collect(),
        pager: Pager::new(page, total, String::new()),
        approved: rows(state, &shell, cid, &approved).await?,
        units: if staff { units(state, cid).await? } else { vec![] },
        errors: FormErrors::new(shell.lang, errors),
        staff,
        shell,
        f,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    list_page(&state, a, page, None, &[]).await
}

/// Issues the next bulletin for `a` (staff), with the approved reports ticked.
pub async fn issue_as(state: &AppState, a: &Actor, ip: &str, f: &BulletinForm) -> AppResult<Bulletin> {
    authorize(a, Action::ScreenOpinionReports, &Target::own(a))?;
    let approved: Vec<i64> = store::in_state(&state.db, a.committee_id, ReportState::Approved, 200).await?.iter().map(|r| r.id).collect();
    let b = f.parse(&approved, &units(state, a.committee_id).await?).map_err(AppError::Invalid)?;
    let seat = Seat::load(&state.db, a.committee_id).await?;
    bulletins::issue(&state.db, &seat, &b, &Who::actor(a, ip)).await
}

pub async fn issue(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<BulletinForm>) -> AppResult<Response> {
    match issue_as(&state, &a.actor, &a.ctx.info.ip, &f).await {
        Ok(b) => Ok(redirect_with_flash(&a.ctx.info, &format!("/opinion-reports/bulletins/{}", b.id), "flash.saved")),
        Err(AppError::Invalid(errors)) => list_page(&state, a, PageRequest { page: 1, per_page: 20 }, Some(f), &errors).await,
        Err(e) => Err(e),
    }
}

/// A report as the bulletin prints it: its adopted text and who wrote it.
struct Piece {
    id: i64,
    title: String,
    body: String,
    by: String,
}

#[derive(Template)]
#[template(path = "opinions/bulletin.html")]
struct BulletinPage {
    shell: Shell,
    b: Bulletin,
    name: String,
    committee: String,
    pieces: Vec<Piece>,
}

/// The bulletin `id` of the actor's committee with its reports as printed.
async fn found(state: &AppState, a: &Actor, id: i64) -> AppResult<(Bulletin, String, Vec<Piece>)> {
    authorize(a, Action::ViewOpinionReports, &Target::own(a))?;
    let b = store::find_bulletin(&state.db, a.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let committee = crate::org::store::find_committee(&state.db, a.committee_id).await?.map(|c| c.name).unwrap_or_default();
    let reports: Vec<Report> = store::of_bulletin(&state.db, b.id).await?;
    let mut pieces = Vec::with_capacity(reports.len());
    for r in &reports {
        let authors = store::credited_authors(&state.db, r).await?;
        let names = crate::org::members::names(&state.db, &authors).await?;
        let who: Vec<String> = authors.iter().filter_map(|m| names.get(m).cloned()).collect();
        let by = if r.from_committee_id.is_some() || who.is_empty() { r.submitter_name.clone() } else { format!("{}委员", who.join("、")) };
        pieces.push(Piece { id: r.id, title: r.current_title().to_string(), body: r.current_body().to_string(), by });
    }
    Ok((b, committee, pieces))
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let (b, committee, pieces) = found(&state, &a.actor, id).await?;
    html(&BulletinPage { shell: a.ctx.shell, name: bulletin_name(b.year, b.seq), b, committee, pieces })
}

/// The bulletin as a Word document: masthead, number, each report with its authors, and the
/// recipients.
pub async fn docx(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let (b, committee, pieces) = found(&state, &a.actor, id).await?;
    let mut sections: Vec<(String, String)> = pieces.into_iter().map(|p| (p.title, format!("{}\n（反映人：{}）", p.body, p.by))).collect();
    let recipients = [("报：", &b.leaders), ("送：", &b.units)].iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}{v}")).collect::<Vec<_>>().join("\n");
    sections.push(("报送范围".into(), recipients));
    let doc = FormalDoc {
        heading: "社情民意".into(),
        title: format!("{}年第{}期", b.year, b.seq),
        sections,
        issuer: format!("{committee}办公室"),
        date: b.issued_on,
    };
    Ok(file_response(formal_docx(&doc), DOCX, &format!("bulletin-{}-{}.docx", b.year, b.seq)))
}
