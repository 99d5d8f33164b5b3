//! Pages every user meets: login, logout, password change, language switch, home, and the
//! auditor's log.
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::audit::{self, AuditFilter};
use crate::app::auth::{self, LoginError};
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppResult, FieldError};
use crate::app::forms::{Check, FormErrors};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Ctx, Shell, html, local_time, redirect_with_flash};
use crate::app::web::{self, LANG_COOKIE, SESSION_COOKIE};
use crate::app::AppState;
use crate::org::model::Password;
use crate::org::store as org;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    shell: Shell,
    next: String,
    username: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
}

pub async fn login_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<LoginQuery>) -> AppResult<Response> {
    if org::committee_count(&state.db).await? == 0 {
        return Ok(Redirect::to("/setup").into_response());
    }
    if ctx.info.actor.is_some() {
        return Ok(Redirect::to(&web::safe_next(q.next.as_deref())).into_response());
    }
    let notice = if q.expired.is_some() {
        Some("login.expired")
    } else if q.next.as_deref().is_some_and(|n| n != "/") {
        Some("login.required")
    } else {
        None
    };
    let shell = ctx.shell;
    let notice = notice.map(|k| shell.t(k));
    html(&LoginPage { shell, next: web::safe_next(q.next.as_deref()), username: String::new(), error: None, notice })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> AppResult<Response> {
    match auth::authenticate(&state.db, &f.username, &f.password, &ctx.info.ip).await? {
        Ok(user) => {
            let token = auth::start_session(&state.db, user.id, &ctx.info.ip).await?;
            let mut res = Redirect::to(&web::safe_next(Some(&f.next))).into_response();
            res.headers_mut().append(header::SET_COOKIE, web::set_cookie(SESSION_COOKIE, &token, None, ctx.info.secure));
            Ok(res)
        }
        Err(e) => {
            let shell = ctx.shell;
            let error = Some(shell.t(e.key()));
            let page = LoginPage { shell, next: web::safe_next(Some(&f.next)), username: f.username, error, notice: None };
            let mut res = html(&page)?;
            if e == LoginError::Locked {
                *res.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            }
            Ok(res)
        }
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let (Some(token), Some(actor)) = (&ctx.info.session_token, &ctx.info.actor) {
        let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
        auth::end_session(&txn, token).await?;
        audit::record(&txn, &audit::Who::actor(actor, &ctx.info.ip), "logout", "user", actor.user_id, "退出登录").await?;
        txn.commit().await?;
    }
    let mut res = redirect_with_flash(&ctx.info, "/login", "flash.logged_out");
    res.headers_mut().append(header::SET_COOKIE, web::set_cookie(SESSION_COOKIE, "", Some(0), ctx.info.secure));
    Ok(res)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    shell: Shell,
    errors: FormErrors,
}

pub async fn password_page(a: Authed) -> AppResult<Response> {
    html(&PasswordPage { shell: a.ctx.shell, errors: FormErrors::default() })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(State(state): State<AppState>, a: Authed, Form(f): Form<PasswordForm>) -> AppResult<Response> {
    let mut check = Check::default();
    if f.current.is_empty() {
        check.add(FieldError::new("current", "err.required"));
    }
    let new = check.take(Password::parse("new", &f.new));
    if f.new != f.confirm {
        check.add(FieldError::new("confirm", "err.password_mismatch"));
    }
    let result = match new {
        Some(new) if check.is_ok() => {
            auth::change_password(&state.db, &a.actor, &f.current, new, a.ctx.info.session_token.as_deref(), &a.ctx.info.ip).await
        }
        _ => Err(crate::app::error::AppError::Invalid(check.0)),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&a.ctx.info, "/", "flash.password_changed")),
        Err(crate::app::error::AppError::Invalid(errors)) => {
            let errors = FormErrors::new(a.ctx.shell.lang, &errors);
            let mut res = html(&PasswordPage { shell: a.ctx.shell, errors })?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct LangQuery {
    back: Option<String>,
}

/// Switches the interface language and returns to the page the user was on.
pub async fn switch_lang(ctx: Ctx, Path(code): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let value = if code == "en" { "en" } else { "zh" };
    let mut res = Redirect::to(&web::safe_next(q.back.as_deref())).into_response();
    res.headers_mut().append(header::SET_COOKIE, web::set_cookie(LANG_COOKIE, value, Some(365 * 86400), ctx.info.secure));
    res
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    committee_name: String,
    /// The demand work waiting for this user: (label, count, link).
    work: Vec<(&'static str, u64, String)>,
    overdue: u64,
    /// The proposal work waiting for this user: (label, count, link, needs attention).
    proposals: Vec<(&'static str, u64, String, bool)>,
    /// The 社情民意 work waiting for this user, the same way.
    opinions: Vec<(&'static str, u64, String, bool)>,
}

/// The demand counts a home page shows: staff see the committee's queue, a unit its own.
/// Members follow their studios' demands in the list instead: the committee's queue is not theirs.
async fn demand_work(state: &AppState, actor: &crate::app::auth::Actor, shell: &Shell) -> AppResult<(Vec<(&'static str, u64, String)>, u64)> {
    use crate::demands::model::DemandState as S;
    if !crate::app::authz::may(actor, Action::ViewDemands, &Target::own(actor)) || actor.role == crate::org::model::Role::Member {
        return Ok((vec![], 0));
    }
    let unit = (actor.role == crate::org::model::Role::Unit).then(|| actor.unit_id.unwrap_or(-1));
    let today = crate::app::shell::today();
    let (counts, overdue) = crate::demands::store::workload(&state.db, actor.committee_id, unit, today).await?;
    let shown: &[S] = if unit.is_some() { &[S::Assigned, S::ReturnRequested] } else { &[S::Registered, S::Assigned, S::ReturnRequested, S::Answered, S::Resolved] };
    let work = shown
        .iter()
        .map(|s| {
            let n = counts.iter().find(|(x, _)| x == s).map(|(_, n)| *n).unwrap_or(0);
            (shell.t(s.label_key()), n, format!("/demands?state={}", s.as_str()))
        })
        .collect();
    Ok((work, overdue))
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if org::committee_count(&state.db).await? == 0 {
        return Ok(Redirect::to("/setup").into_response());
    }
    let Some(actor) = ctx.info.actor.clone() else {
        return Err(crate::app::error::AppError::Unauthorized);
    };
    let committee = org::find_committee(&state.db, actor.committee_id).await?;
    let (work, overdue) = demand_work(&state, &actor, &ctx.shell).await?;
    let proposals = crate::proposals::list_pages::work(&state, &actor, &ctx.shell).await?;
    let opinions = crate::opinions::pages::work(&state, &actor, &ctx.shell).await?;
    html(&HomePage { shell: ctx.shell, committee_name: committee.map(|c| c.name).unwrap_or_default(), work, overdue, proposals, opinions })
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    shell: Shell,
    rows: Vec<AuditRow>,
    pager: Pager,
    /// (label, code)
    object_types: Vec<(String, String)>,
    q: AuditQuery,
    errors: FormErrors,
}

struct AuditRow {
    at: String,
    actor: String,
    ip: String,
    action: String,
    object: String,
    summary: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl AuditQuery {
    fn parse(&self, check: &mut Check) -> AuditFilter {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        AuditFilter {
            actor: text(&self.actor),
            object_type: text(&self.object),
            from: check.take(parse_date("from", &self.from)).flatten(),
            to: check.take(parse_date("to", &self.to)).flatten(),
        }
    }

    fn query_string(&self) -> String {
        [("actor", &self.actor), ("object", &self.object), ("from", &self.from), ("to", &self.to)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", web::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// An optional date field: empty is `None`, anything else must be YYYY-MM-DD.
pub fn parse_date(field: &'static str, s: &str) -> Result<Option<NaiveDate>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| FieldError::new(field, "err.date"))
}

pub async fn audit_log(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<AuditQuery>,
    Query(pq): Query<PageQuery>,
) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewAuditLog, &Target::own(&a.actor))?;
    let mut check = Check::default();
    let filter = q.parse(&mut check);
    let page = check.take(PageRequest::parse(&pq)).unwrap_or(PageRequest { page: 1, per_page: 50 });
    let page = if pq.per_page.is_none() { PageRequest { per_page: 50, ..page } } else { page };
    let (entries, total) = if check.is_ok() {
        audit::list(&state.db, a.actor.committee_id, &filter, page).await?
    } else {
        (vec![], 0)
    };
    let lang = a.ctx.shell.lang;
    let label = |prefix: &str, code: &str| lang.try_t(&format!("{prefix}.{code}")).map(str::to_string).unwrap_or_else(|| code.to_string());
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            at: local_time(&e.at),
            actor: e.actor_name,
            ip: e.ip,
            action: label("act", &e.action),
            object: format!("{} #{}", label("obj", &e.object_type), e.object_id),
            summary: e.summary,
        })
        .collect();
    let object_types = audit::object_types(&state.db, a.actor.committee_id)
        .await?
        .into_iter()
        .map(|code| (label("obj", &code), code))
        .collect();
    let errors = FormErrors::new(a.ctx.shell.lang, &check.0);
    let pager = Pager::new(page, total, q.query_string());
    html(&AuditPage { shell: a.ctx.shell, rows, pager, object_types, q, errors })
}
