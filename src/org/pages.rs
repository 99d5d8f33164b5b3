//! Pages of the organization area: first-run setup, accounts, committees.
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult};
use crate::app::forms::FormErrors;
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Ctx, Shell, html, local_time, redirect_with_flash};
use crate::app::web::{self, SESSION_COOKIE};
use crate::org::accounts::{self, CommitteeInput, UserInput};
use crate::org::model::{CommitteeLevel, Role};
use crate::org::store;

/// Re-renders a form with its errors (422), or passes any other error on.
async fn with_form_errors<Fut>(
    result: AppResult<Response>,
    render: impl FnOnce(Vec<crate::app::error::FieldError>) -> Fut,
) -> AppResult<Response>
where
    Fut: std::future::Future<Output = AppResult<Response>>,
{
    match result {
        Err(AppError::Invalid(errors)) => {
            let mut res = render(errors).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        other => other,
    }
}

#[derive(Template)]
#[template(path = "org/setup.html")]
struct SetupPage {
    shell: Shell,
    f: SetupForm,
    levels: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(flatten)]
    committee: CommitteeInput,
    #[serde(default)]
    admin_username: String,
    #[serde(default)]
    admin_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn level_choices(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    CommitteeLevel::ALL.iter().map(|l| (l.as_str(), shell.t(l.label_key()))).collect()
}

pub async fn setup_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if store::committee_count(&state.db).await? > 0 {
        return Err(AppError::NotFound);
    }
    let f = SetupForm { committee: CommitteeInput { level: "county".into(), ..Default::default() }, ..Default::default() };
    html(&SetupPage { levels: level_choices(&ctx.shell), shell: ctx.shell, f, errors: FormErrors::default() })
}

pub async fn setup(State(state): State<AppState>, ctx: Ctx, Form(f): Form<SetupForm>) -> AppResult<Response> {
    let admin = UserInput {
        username: f.admin_username.clone(),
        display_name: f.admin_name.clone(),
        password: f.password.clone(),
        ..Default::default()
    };
    let result = async {
        let user = accounts::setup(&state.db, &f.committee, &admin, &f.confirm, &ctx.info.ip).await?;
        let token = auth::start_session(&state.db, user.id, &ctx.info.ip).await?;
        let who = Who::anonymous(Some(user.committee_id), &user.username, &ctx.info.ip);
        crate::app::audit::record(&state.db, &Who { actor_id: Some(user.id), ..who }, "login", "user", user.id, "初始化后自动登录").await?;
        let mut res = redirect_with_flash(&ctx.info, "/", "flash.setup_done");
        res.headers_mut().append(header::SET_COOKIE, web::set_cookie(SESSION_COOKIE, &token, None, ctx.info.secure));
        Ok(res)
    }
    .await;
    with_form_errors(result, |errors| async move {
        let errors = FormErrors::new(ctx.shell.lang, &errors);
        let f = SetupForm { password: String::new(), confirm: String::new(), ..f };
        html(&SetupPage { levels: level_choices(&ctx.shell), shell: ctx.shell, f, errors })
    })
    .await
}

#[derive(Template)]
#[template(path = "org/users.html")]
struct UsersPage {
    shell: Shell,
    rows: Vec<UserRow>,
    pager: Pager,
    can_manage: bool,
    can_unlock: bool,
    f: UserInput,
    roles: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    unit: String,
    active: bool,
    locked: bool,
    last_login: String,
    is_self: bool,
}

async fn users_page_for(state: &AppState, a: Authed, pq: &PageQuery, f: UserInput, errors: FormErrors) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewUsers, &Target::own(&a.actor))?;
    let page = PageRequest::parse(pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (users, total) = store::list_users(&state.db, a.actor.committee_id, page).await?;
    let shell = a.ctx.shell;
    let now = Utc::now();
    let rows = users
        .into_iter()
        .map(|(u, unit)| UserRow {
            id: u.id,
            role: Role::parse(&u.role).map(|r| shell.t(r.label_key())).unwrap_or(""),
            unit: unit.unwrap_or_default(),
            active: u.active,
            locked: u.is_locked(now),
            last_login: u.last_login_at.as_ref().map(local_time).unwrap_or_else(|| shell.t("user.never").to_string()),
            is_self: u.id == a.actor.user_id,
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    let own = Target::own(&a.actor);
    let roles = Role::ALL.iter().map(|r| (r.as_str(), shell.t(r.label_key()))).collect();
    html(&UsersPage {
        can_manage: may(&a.actor, Action::ManageUsers, &own),
        can_unlock: may(&a.actor, Action::UnlockUser, &own),
        shell,
        rows,
        pager: Pager::new(page, total, String::new()),
        f,
        roles,
        errors,
    })
}

pub async fn users_page(State(state): State<AppState>, a: Authed, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    let f = UserInput { role: "staff".into(), ..Default::default() };
    users_page_for(&state, a, &pq, f, FormErrors::default()).await
}

pub async fn create_user(State(state): State<AppState>, a: Authed, Form(f): Form<UserInput>) -> AppResult<Response> {
    let result = accounts::create_user(&state.db, &a.actor, &f, &a.ctx.info.ip)
        .await
        .map(|_| redirect_with_flash(&a.ctx.info, "/users", "flash.user_created"));
    with_form_errors(result, |errors| async move {
        let errors = FormErrors::new(a.ctx.shell.lang, &errors);
        let f = UserInput { password: String::new(), ..f };
        users_page_for(&state, a, &PageQuery::default(), f, errors).await
    })
    .await
}

pub async fn unlock_user(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    accounts::unlock_user(&state.db, &a.actor, id, &a.ctx.info.ip).await?;
    Ok(redirect_with_flash(&a.ctx.info, "/users", "flash.user_updated"))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

pub async fn set_user_active(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<ActiveForm>) -> AppResult<Response> {
    accounts::set_user_active(&state.db, &a.actor, id, f.active == "true", &a.ctx.info.ip).await?;
    Ok(redirect_with_flash(&a.ctx.info, "/users", "flash.user_updated"))
}

#[derive(Template)]
#[template(path = "org/committees.html")]
struct CommitteesPage {
    shell: Shell,
    committee: store::Committee,
    level: &'static str,
    parent: Option<store::Committee>,
    children: Vec<store::Committee>,
    users: u64,
    read_only: bool,
    can_create: bool,
    f: SetupForm,
    levels: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

async fn committee_page_for(state: &AppState, a: Authed, id: i64, f: SetupForm, errors: FormErrors) -> AppResult<Response> {
    let committee = store::find_committee(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let ancestors = store::ancestors(&state.db, id).await?;
    let target = Target { committee_id: id, ancestors: &ancestors };
    // An unrelated committee is reported as missing, not forbidden, so ids reveal nothing.
    if !may(&a.actor, Action::ViewCommittee, &target) {
        return Err(AppError::NotFound);
    }
    let parent = match committee.parent_id {
        Some(p) => store::find_committee(&state.db, p).await?,
        None => None,
    };
    let shell = a.ctx.shell;
    let own_level = CommitteeLevel::parse(&committee.level).ok();
    let level = own_level.map(|l| shell.t(l.label_key())).unwrap_or("");
    let levels: Vec<_> =
        own_level.map(CommitteeLevel::child_levels).unwrap_or_default().into_iter().map(|l| (l.as_str(), shell.t(l.label_key()))).collect();
    let editable = may(&a.actor, Action::EditCommittee, &target);
    html(&CommitteesPage {
        read_only: !editable,
        can_create: editable && !levels.is_empty(),
        children: store::children(&state.db, id).await?,
        users: store::count_users(&state.db, id).await?,
        levels,
        level,
        parent: parent.filter(|p| p.id == a.actor.committee_id || ancestors.contains(&a.actor.committee_id)),
        shell,
        committee,
        f,
        errors,
    })
}

pub async fn own_committee(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let id = a.actor.committee_id;
    committee_page_for(&state, a, id, SetupForm::default(), FormErrors::default()).await
}

pub async fn committee(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    if id == a.actor.committee_id {
        return Ok(Redirect::to("/committees").into_response());
    }
    committee_page_for(&state, a, id, SetupForm::default(), FormErrors::default()).await
}

pub async fn create_committee(State(state): State<AppState>, a: Authed, Form(f): Form<SetupForm>) -> AppResult<Response> {
    let admin = UserInput { username: f.admin_username.clone(), display_name: f.admin_name.clone(), password: f.password.clone(), ..Default::default() };
    let result = accounts::create_child_committee(&state.db, &a.actor, &f.committee, &admin, &a.ctx.info.ip)
        .await
        .map(|_| redirect_with_flash(&a.ctx.info, "/committees", "flash.committee_created"));
    with_form_errors(result, |errors| async move {
        let errors = FormErrors::new(a.ctx.shell.lang, &errors);
        let id = a.actor.committee_id;
        let f = SetupForm { password: String::new(), confirm: String::new(), ..f };
        committee_page_for(&state, a, id, f, errors).await
    })
    .await
}
