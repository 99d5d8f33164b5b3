//! Staff's forms beside the main line of a proposal: merge into a host (并案), the key and
//! publishing flags, a deadline extension, 回头看 follow-ups, the 优秀提案 mark; and the
//! committee's proposal settings (filing number format, not-filing grounds).
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors, choice};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash, today};
use crate::proposals::followup::{self, Flags};
use crate::proposals::model;
use crate::proposals::pages::{done, leaders, visible};
use crate::proposals::settings::{self, ProposalSettings};
use crate::app::auth::Actor;
use crate::proposals::store::{self, Proposal};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    pub host_id: String,
}

/// 并案 into the chosen host.
pub async fn merge(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<MergeForm>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let result = merge_as(&state, &a.actor, &a.ctx.info.ip, &p, &f).await;
    done(&state, a, p, result).await
}

pub(crate) async fn merge_as(state: &AppState, a: &Actor, ip: &str, p: &Proposal, f: &MergeForm) -> AppResult<Proposal> {
    authorize(a, Action::ManageProposals, &Target::own(a))?;
    let hosts: Vec<i64> = store::hosts_for(&state.db, p).await?.iter().map(|h| h.id).collect();
    match choice("host_id", &f.host_id, &hosts) {
        Ok(Some(h)) => {
            let host = store::find(&state.db, a.committee_id, h).await?.ok_or(AppError::NotFound)?;
            followup::merge(&state.db, p, &host, &Who::actor(a, ip)).await
        }
        Ok(None) => Err(AppError::invalid("host_id", "err.required")),
        Err(e) => Err(AppError::Invalid(vec![e])),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FlagsForm {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub supervisor_id: String,
    #[serde(default)]
    pub disclose: String,
}

/// Checks the flags: a key proposal names its supervising leader.
fn parse_flags(f: &FlagsForm, leaders: &[i64]) -> Result<Flags, FieldError> {
    let supervisor = choice("supervisor_id", &f.supervisor_id, leaders)?;
    match (f.key == "yes", supervisor) {
        (true, None) => Err(FieldError::new("supervisor_id", "err.supervisor_required")),
        (true, s) => Ok(Flags { supervisor: s, disclose: f.disclose == "yes" }),
        (false, _) => Ok(Flags { supervisor: None, disclose: f.disclose == "yes" }),
    }
}

pub async fn flags(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<FlagsForm>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let result = flags_as(&state, &a.actor, &a.ctx.info.ip, &p, &f).await;
    done(&state, a, p, result).await
}

pub(crate) async fn flags_as(state: &AppState, a: &Actor, ip: &str, p: &Proposal, f: &FlagsForm) -> AppResult<Proposal> {
    authorize(a, Action::ManageProposals, &Target::own(a))?;
    let leaders: Vec<i64> = leaders(state, a.committee_id).await?.iter().map(|l| l.0).collect();
    match parse_flags(f, &leaders) {
        Ok(flags) => followup::set_flags(&state.db, p, flags, &leaders, &Who::actor(a, ip)).await,
        Err(e) => Err(AppError::Invalid(vec![e])),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub reason: String,
}

/// An approved extension of the answer deadline.
pub async fn extend(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<ExtendForm>) -> AppResult<Response> {
    let p = visible(&state, &a.actor, id).await?;
    let result = extend_as(&state, &a.actor, &a.ctx.info.ip, &p, &f).await;
    done(&state, a, p, result).await
}

pub(crate) async fn extend_as(state: &AppState, a: &Actor, ip: &str, p: &Proposal, f: &ExtendForm) -> AppResult<Proposal> {
    authorize(a, Action::ManageProposals, &Target::own(a))?;
    match NaiveDate::parse_from_str(f.deadline.trim(), "%Y-%m-%d") {
        Ok(d) => followup::extend(&state.db, p, d, &f.reason, &Who::actor(a, ip)).await,
        Err(_) => Err(AppError::invalid("deadline", "err.date")),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    on_date: String,
    #[serde(default)]
    text: String,
}

/// A 回头看 record.
pub async fn follow_up(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<FollowUpForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageProposals, &Target::own(&a.actor))?;
    let p = visible(&state, &a.actor, id).await?;
    let result = match NaiveDate::parse_from_str(f.on_date.trim(), "%Y-%m-%d") {
        Ok(d) => followup::add_follow_up(&state.db, &p, d, &f.text, today(), &Who::actor(&a.actor, &a.ctx.info.ip)).await.map(|_| p.clone()),
        Err(_) => Err(AppError::invalid("on_date", "err.date")),
    };
    done(&state, a, p, result).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExcellentForm {
    #[serde(default)]
    excellent: String,
}

/// Marks or unmarks 优秀提案.
pub async fn excellent(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<ExcellentForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageProposals, &Target::own(&a.actor))?;
    let p = visible(&state, &a.actor, id).await?;
    let result = followup::set_excellent(&state.db, &p, f.excellent == "yes", &Who::actor(&a.actor, &a.ctx.info.ip)).await;
    done(&state, a, p, result).await
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    number_format: String,
    #[serde(default)]
    grounds: String,
}

#[derive(Template)]
#[template(path = "proposals/settings.html")]
struct SettingsPage {
    shell: Shell,
    f: SettingsForm,
    example: String,
    errors: FormErrors,
}

fn parse_settings(f: &SettingsForm) -> Result<ProposalSettings, Vec<FieldError>> {
    let mut c = Check::default();
    let format = f.number_format.trim().to_string();
    if let Err(key) = model::check_number_format(&format) {
        c.add(FieldError::new("number_format", key));
    }
    let grounds = c.take(model::parse_grounds(&f.grounds).map_err(|key| FieldError::new("grounds", key)));
    match grounds {
        Some(grounds) if c.is_ok() => Ok(ProposalSettings { number_format: format, grounds }),
        _ => Err(c.0),
    }
}

fn settings_page(a: Authed, f: SettingsForm, errors: &[FieldError]) -> AppResult<Response> {
    let example = if model::check_number_format(f.number_format.trim()).is_ok() { model::format_number(f.number_format.trim(), model::year_of(today()), 1) } else { String::new() };
    let shell = a.ctx.shell;
    let mut res = html(&SettingsPage { errors: FormErrors::new(shell.lang, errors), shell, f, example })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn settings_form(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageProposals, &Target::own(&a.actor))?;
    let s = settings::load(&state.db, a.actor.committee_id).await?;
    settings_page(a, SettingsForm { number_format: s.number_format, grounds: s.grounds.join("\n") }, &[])
}

pub async fn save_settings(State(state): State<AppState>, a: Authed, Form(f): Form<SettingsForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageProposals, &Target::own(&a.actor))?;
    match parse_settings(&f) {
        Ok(s) => {
            settings::save(&state.db, a.actor.committee_id, &s, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, "/proposals/settings", "flash.saved"))
        }
        Err(errors) => settings_page(a, f, &errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_proposal_needs_a_supervising_leader() {
        let f = |key: &str, sup: &str, disclose: &str| FlagsForm { key: key.into(), supervisor_id: sup.into(), disclose: disclose.into() };
        assert_eq!(parse_flags(&f("yes", "4", "yes"), &[4, 5]), Ok(Flags { supervisor: Some(4), disclose: true }));
        assert_eq!(parse_flags(&f("yes", "", ""), &[4, 5]).unwrap_err().field, "supervisor_id");
        assert_eq!(parse_flags(&f("yes", "9", ""), &[4, 5]).unwrap_err().field, "supervisor_id", "not a leader");
        assert_eq!(parse_flags(&f("", "4", ""), &[4, 5]), Ok(Flags { supervisor: None, disclose: false }), "unticked key drops the supervisor");
    }

    #[test]
    fn settings_name_the_field_at_fault() {
        let ok = parse_settings(&SettingsForm { number_format: " {year}-{seq} ".into(), grounds: "甲\n乙".into() }).unwrap();
        assert_eq!((ok.number_format.as_str(), ok.grounds.len()), ("{year}-{seq}", 2));
        let bad = parse_settings(&SettingsForm { number_format: "第号".into(), grounds: "".into() }).unwrap_err();
        assert_eq!(bad.iter().map(|e| e.field).collect::<Vec<_>>(), ["number_format", "grounds"]);
    }
}
