//! The moves made from a report's page — sending in and withdrawing, screening (adopt with an
//! edited text, keep, return), a leader's approval, sending up — and the outcomes staff record;
//! the combining of several reports (综合采用). The API calls the same functions.
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors, ListForm};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash, today};
use crate::opinions::model::{self, Level, OutcomeForm, ReportAction, ReportState, TextForm};
use crate::opinions::moves::{self, By, Seat};
use crate::opinions::pages::{Forms, Row, Seen, detail_page, rows, viewer_of, visible};
use crate::opinions::store::{self, Report};

/// A move as the page's forms (and the API) send it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MoveForm {
    /// submit, withdraw, return, adopt, keep, approve, decline or send_up.
    #[serde(default)]
    pub action: String,
    /// Why it is returned or sent back.
    #[serde(default)]
    pub reason: String,
    /// The adopted text (adopt).
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// Makes one move for `a`; the rules decide in which capacity, the state machine whether.
pub async fn perform(state: &AppState, a: &Actor, ip: &str, id: i64, f: &MoveForm) -> AppResult<Report> {
    let Seen { r, authors, viewer } = visible(state, a, id).await?;
    let action = ReportAction::from_code(f.action.trim()).filter(|x| !matches!(x, ReportAction::Merge | ReportAction::Issue)).ok_or(AppError::invalid("action", "err.choice"))?;
    let actor = viewer.actor_for(action, &r.facts(&authors)).ok_or(AppError::Forbidden)?;
    let text = match action {
        ReportAction::Adopt => Some(TextForm { title: f.title.clone(), body: f.body.clone() }.parse().map_err(AppError::Invalid)?),
        _ => None,
    };
    let who = Who::actor(a, ip);
    let by = By::now(&who);
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let seat = Seat::load(&txn, a.committee_id).await?;
    let saved = match (action, text) {
        (ReportAction::Adopt, Some(text)) => moves::adopt(&txn, &seat, &r, &text, by).await?,
        (ReportAction::SendUp, _) => moves::send_up(&txn, &seat, &r, by).await?,
        _ => moves::transition(&txn, &seat, &r, action, actor, &f.reason, by).await?,
    };
    txn.commit().await?;
    Ok(saved)
}

fn flash_for(action: &str) -> &'static str {
    if matches!(action, "submit" | "send_up") { "flash.sent" } else { "flash.saved" }
}

pub async fn act(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<MoveForm>) -> AppResult<Response> {
    match perform(&state, &a.actor, &a.ctx.info.ip, id, &f).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/opinion-reports/{id}"), flash_for(f.action.trim()))),
        Err(AppError::Invalid(errors)) => {
            let forms = Forms { adopt: TextForm { title: f.title, body: f.body }, reason: f.reason, errors, ..Default::default() };
            detail_page(&state, a, id, forms).await
        }
        Err(e) => Err(e),
    }
}

/// Checks an outcome for `a` (staff) and records it on the report and every report it credits.
pub async fn record_outcome(state: &AppState, a: &Actor, ip: &str, id: i64, f: &OutcomeForm) -> AppResult<Report> {
    authorize(a, Action::ScreenOpinionReports, &Target::own(a))?;
    let Seen { r, .. } = visible(state, a, id).await?;
    if matches!(r.state(), ReportState::Draft | ReportState::Submitted | ReportState::Returned) {
        return Err(AppError::invalid("kind", "err.wrong_state"));
    }
    let adopted_at: Vec<Level> =
        store::outcomes_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default().iter().filter(|o| o.kind().is_some_and(|k| k.adoption())).filter_map(|o| o.level()).collect();
    let input = model::parse_outcome(f, r.submitted_on, today(), &adopted_at).map_err(AppError::Invalid)?;
    let who = Who::actor(a, ip);
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    moves::record_outcome(&txn, &r, &input, By::now(&who)).await?;
    txn.commit().await?;
    Ok(r)
}

pub async fn outcome(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<OutcomeForm>) -> AppResult<Response> {
    match record_outcome(&state, &a.actor, &a.ctx.info.ip, id, &f).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/opinion-reports/{id}#outcomes"), "flash.saved")),
        Err(AppError::Invalid(errors)) => detail_page(&state, a, id, Forms { outcome: f, errors, ..Default::default() }).await,
        Err(e) => Err(e),
    }
}

/// The merge form as sent: the reports ticked and the combined text.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    pub report_ids: Vec<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

impl crate::app::forms::ListFields for MergeForm {
    const LISTS: &'static [&'static str] = &["report_ids"];
}

/// Most reports the merge form offers.
const QUEUE_CAP: u64 = 200;

/// 综合采用 for `a` (staff): the ticked reports of the queue become parts of one combined
/// report with the text given.
pub async fn combine(state: &AppState, a: &Actor, ip: &str, f: &MergeForm) -> AppResult<Report> {
    authorize(a, Action::ScreenOpinionReports, &Target::own(a))?;
    let queue = store::in_state(&state.db, a.committee_id, ReportState::Submitted, QUEUE_CAP).await?;
    let mut k = Check::default();
    let ids: Vec<i64> = f.report_ids.iter().filter_map(|s| s.trim().parse().ok()).collect();
    let queued: Vec<i64> = queue.iter().map(|r| r.id).collect();
    let picked = k.take(model::check_merge(&ids, &queued).map_err(|e| if f.report_ids.len() != ids.len() { FieldError::new("report_ids", "err.choice") } else { e }));
    let text = TextForm { title: f.title.clone(), body: f.body.clone() }.parse();
    let text = match text {
        Ok(t) => Some(t),
        Err(errors) => {
            errors.into_iter().for_each(|e| k.add(e));
            None
        }
    };
    let (Some(picked), Some(text), true) = (picked, text, k.is_ok()) else { return Err(AppError::Invalid(k.0)) };
    let parts: Vec<Report> = queue.into_iter().filter(|r| picked.contains(&r.id)).collect();
    let who = Who::actor(a, ip);
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let seat = Seat::load(&txn, a.committee_id).await?;
    let combined = moves::merge(&txn, &seat, &parts, &text, By::now(&who)).await?;
    txn.commit().await?;
    Ok(combined)
}

#[derive(Template)]
#[template(path = "opinions/merge.html")]
struct MergePage {
    shell: Shell,
    queue: Vec<(Row, String)>,
    f: MergeForm,
    errors: FormErrors,
}

/// The first `n` characters of a text, with "…" when it goes on.
fn snippet(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

async fn merge_page(state: &AppState, a: Authed, f: MergeForm, errors: &[FieldError]) -> AppResult<Response> {
    let v = viewer_of(state, &a.actor).await?;
    if !v.staff {
        return Err(AppError::Forbidden);
    }
    let queue = store::in_state(&state.db, a.actor.committee_id, ReportState::Submitted, QUEUE_CAP).await?;
    let shell = a.ctx.shell;
    let listed = rows(state, &shell, a.actor.committee_id, &queue).await?;
    let page = MergePage {
        queue: listed.into_iter().zip(queue.iter().map(|r| snippet(&r.body, 120))).collect(),
        errors: FormErrors::new(shell.lang, errors),
        shell,
        f,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn merge_form(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ScreenOpinionReports, &Target::own(&a.actor))?;
    merge_page(&state, a, MergeForm::default(), &[]).await
}

pub async fn merge(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<MergeForm>) -> AppResult<Response> {
    match combine(&state, &a.actor, &a.ctx.info.ip, &f).await {
        Ok(c) => Ok(redirect_with_flash(&a.ctx.info, &format!("/opinion-reports/{}", c.id), "flash.saved")),
        Err(AppError::Invalid(errors)) => merge_page(&state, a, f, &errors).await,
        Err(e) => Err(e),
    }
}
