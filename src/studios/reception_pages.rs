//! Reception pages: the list with its totals (receptions, citizens received), the record form
//! for staff and members on duty, and a reception with the demands registered during it.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::org::scope::{ListScope, narrow};
use crate::stats::export::ListFormat;
use crate::app::shell::{Authed, Shell, html, local_time, redirect_with_flash, today};
use crate::demands::pages::member_studios;
use crate::demands::store::{self as demands, DemandFilter};
use crate::org::members::{self, MemberFilter};
use crate::org::model::Role;
use crate::org::structure;
use crate::org::values::MemberStatus;
use crate::studios::model::ReceptionInput;
use crate::studios::pages::{ReceptionRow, reception_rows};
use crate::studios::store::{self, ReceptionFilter};

/// The studios an actor may record receptions for and see: a member its own, others all.
async fn allowed_studios(state: &AppState, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    let all = store::list(&state.db, actor.committee_id).await?;
    let own = if actor.role == Role::Member { Some(member_studios(state, actor).await?) } else { None };
    Ok(all.into_iter().filter(|s| own.as_ref().is_none_or(|o| o.contains(&s.id))).map(|s| (s.id, s.name)).collect())
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    studio: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// Group id: receptions of the studios the group (or one below it) runs.
    #[serde(default)]
    group: String,
    /// Place id: receptions held there or at a place below it.
    #[serde(default)]
    place: String,
}

#[derive(Template)]
#[template(path = "receptions/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<ReceptionRow>,
    pager: Pager,
    studios: Vec<(i64, String)>,
    q: ListQuery,
    reception_count: u64,
    citizen_count: u64,
    can_record: bool,
    /// The filters as a query string (the export link).
    query: String,
    errors: FormErrors,
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<ListQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<ListFormat>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewStudios, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let studios = allowed_studios(&state, &a.actor).await?;
    let mut errors = Vec::new();
    let mut date = |field: &'static str, s: &str| crate::app::pages::parse_date(field, s).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let (from, to) = (date("from", &q.from), date("to", &q.to));
    // The dashboard's group and place scopes: a group's studios, a place and those below it.
    let (scope, scope_errors) = ListScope::parse(&state.db, cid, &q.group, "", &q.place, "").await?;
    errors.extend(scope_errors);
    let own = (a.actor.role == Role::Member).then(|| studios.iter().map(|s| s.0).collect());
    let filter = ReceptionFilter {
        studio_id: q.studio.trim().parse().ok(),
        studio_ids: narrow(own, scope.studios(&state.db, cid).await?),
        place_ids: scope.place_ids.clone(),
        from,
        to,
        ..Default::default()
    };
    let (reception_count, citizen_count) = store::reception_totals(&state.db, cid, &filter).await?;
    let shell = a.ctx.shell;
    if fmt.xlsx() {
        use crate::stats::export::{Cell, LIST_CAP, list_download};
        let (list, _) = store::receptions(&state.db, cid, &filter, PageRequest { page: 1, per_page: LIST_CAP }).await?;
        let rows: Vec<Vec<Cell>> = reception_rows(&state, cid, &list).await?.into_iter().map(|r| vec![r.held_on.to_string().into(), r.studio.into(), r.place.into(), r.members.into(), r.citizens.into()]).collect();
        let totals = [(shell.t("reception.count"), reception_count.into()), (shell.t("reception.citizens"), citizen_count.into())];
        let heads = ["reception.held_on", "demand.studio", "reception.place", "reception.members", "reception.citizens"].map(|k| shell.t(k));
        return list_download("receptions.xlsx", shell.t("nav.receptions"), &totals, &heads, &rows);
    }
    let (list, total) = store::receptions(&state.db, cid, &filter, page).await?;
    let rows = reception_rows(&state, cid, &list).await?;
    let query = serde_urlencoded::to_string([("studio", &q.studio), ("from", &q.from), ("to", &q.to), ("group", &q.group), ("place", &q.place)].iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default();
    let can_record = may(&a.actor, Action::RecordReceptions, &Target::own(&a.actor)) && !studios.is_empty();
    html(&ListPage { errors: FormErrors::new(shell.lang, &errors), shell, rows, pager: Pager::new(page, total, query.clone()), query, studios, q, reception_count, citizen_count, can_record })
}

#[derive(Template)]
#[template(path = "receptions/form.html")]
struct FormPage {
    shell: Shell,
    f: ReceptionInput,
    studios: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    /// Members to tick as on duty: the chosen studio's first, then every member in office.
    members: Vec<(i64, String)>,
    errors: FormErrors,
}

async fn form_page(state: &AppState, a: Authed, f: ReceptionInput, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let studios = allowed_studios(state, &a.actor).await?;
    let places = structure::places(&state.db, cid).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.name)).collect();
    let members = duty_choices(state, cid, f.studio_id.trim().parse().ok()).await?;
    let shell = a.ctx.shell;
    let mut res = html(&FormPage { errors: FormErrors::new(shell.lang, errors), shell, f, studios, places, members })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// Members in office, those assigned to `studio` first (a neighbour may stand in on duty).
async fn duty_choices(state: &AppState, cid: i64, studio: Option<i64>) -> AppResult<Vec<(i64, String)>> {
    let assigned = match studio {
        Some(s) => store::members_of(&state.db, &[s]).await?.remove(&s).unwrap_or_default(),
        None => vec![],
    };
    let mut all: Vec<(i64, String)> =
        members::all(&state.db, cid, &MemberFilter { status: Some(MemberStatus::InOffice), ..Default::default() }).await?.into_iter().map(|m| (m.id, m.name)).collect();
    all.sort_by_key(|(id, _)| !assigned.contains(id));
    Ok(all)
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    studio: String,
}

pub async fn new(State(state): State<AppState>, a: Authed, Query(q): Query<NewQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::RecordReceptions, &Target::own(&a.actor))?;
    let f = ReceptionInput { studio_id: q.studio, held_on: today().to_string(), ..Default::default() };
    form_page(&state, a, f, &[]).await
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<ReceptionInput>) -> AppResult<Response> {
    authorize(&a.actor, Action::RecordReceptions, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let studios: Vec<i64> = allowed_studios(&state, &a.actor).await?.iter().map(|s| s.0).collect();
    let places: Vec<i64> = structure::places(&state.db, cid).await?.iter().map(|p| p.id).collect();
    let members: Vec<i64> = duty_choices(&state, cid, None).await?.iter().map(|m| m.0).collect();
    match f.parse(&studios, &places, &members, today()) {
        Ok(r) => {
            let saved = store::record_reception(&state.db, cid, &r, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/receptions/{}", saved.id), "flash.saved"))
        }
        Err(errors) => form_page(&state, a, f, &errors).await,
    }
}

struct DemandLine {
    id: i64,
    code: String,
    category: String,
    summary: String,
    state: &'static str,
    created: String,
}

#[derive(Template)]
#[template(path = "receptions/detail.html")]
struct DetailPage {
    shell: Shell,
    r: ReceptionRow,
    notes: String,
    demands: Vec<DemandLine>,
    can_register: bool,
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewStudios, &Target::own(&a.actor))?;
    let cid = a.actor.committee_id;
    let r = store::find_reception(&state.db, cid, id).await?.ok_or(AppError::NotFound)?;
    let studios = allowed_studios(&state, &a.actor).await?;
    if !studios.iter().any(|s| s.0 == r.studio_id) {
        return Err(AppError::NotFound);
    }
    let f = DemandFilter { reception_id: Some(r.id), ..Default::default() };
    let (list, _) = demands::list(&state.db, cid, &f, PageRequest { page: 1, per_page: 200 }).await?;
    let shell = a.ctx.shell;
    let demands = list
        .into_iter()
        .map(|d| DemandLine {
            id: d.id,
            state: shell.t(d.state().label_key()),
            summary: d.description.chars().take(40).collect(),
            created: local_time(&d.created_at),
            code: d.code,
            category: d.category,
        })
        .collect();
    let row = reception_rows(&state, cid, std::slice::from_ref(&r)).await?.remove(0);
    let can_register = may(&a.actor, Action::RegisterDemands, &Target::own(&a.actor));
    html(&DetailPage { shell, r: row, notes: r.notes, demands, can_register })
}
