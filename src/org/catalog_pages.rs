//! Pages to list, create, retire and restore the committee's catalogues: sectors, places,
//! groups and handling units.
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use sea_orm::{ActiveModelTrait, DbErr, Set, SqlErr};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::{self, Who};
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash};
use crate::org::model::parse_name;
use crate::org::store::{self, UnitKind};
use crate::org::structure::{self, Catalog, PlaceKind};
use crate::org::values::normalize_text;

/// One line of a catalogue's list.
struct Entry {
    id: i64,
    name: String,
    detail: String,
    retired: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EntryInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    place_id: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template)]
#[template(path = "org/catalog.html")]
struct CatalogPage {
    shell: Shell,
    slug: &'static str,
    title: &'static str,
    entries: Vec<Entry>,
    /// (value, label) choices of the form's selects.
    kinds: Vec<(&'static str, &'static str)>,
    parents: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    f: EntryInput,
    errors: FormErrors,
}

fn catalog(slug: &str) -> AppResult<Catalog> {
    Catalog::parse(slug).ok_or(AppError::NotFound)
}

async fn page(state: &AppState, a: Authed, cat: Catalog, f: EntryInput, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let shell = a.ctx.shell;
    let places = structure::places(&state.db, cid).await?;
    let place_name = |id: Option<i64>| id.and_then(|i| places.iter().find(|p| p.id == i)).map(|p| p.name.clone()).unwrap_or_default();
    let (entries, kinds, parents): (Vec<Entry>, Vec<(&str, &str)>, Vec<(i64, String)>) = match cat {
        Catalog::Sector => {
            let list = structure::sectors(&state.db, cid).await?;
            (list.into_iter().map(|s| Entry { id: s.id, name: s.name, detail: String::new(), retired: s.retired }).collect(), vec![], vec![])
        }
        Catalog::Place => {
            let entries = places
                .iter()
                .map(|p| {
                    let kind = PlaceKind::from_code(&p.kind).map(|k| shell.t(k.label_key())).unwrap_or("");
                    let parent = place_name(p.parent_id);
                    Entry { id: p.id, name: p.name.clone(), detail: [kind, parent.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · "), retired: p.retired }
                })
                .collect();
            let kinds = PlaceKind::ALL.iter().map(|k| (k.as_str(), shell.t(k.label_key()))).collect();
            let tops = places.iter().filter(|p| !p.retired && PlaceKind::from_code(&p.kind).is_some_and(PlaceKind::is_top)).map(|p| (p.id, p.name.clone())).collect();
            (entries, kinds, tops)
        }
        Catalog::Group => {
            let list = structure::groups(&state.db, cid).await?;
            let parents = list.iter().filter(|g| g.parent_id.is_none() && !g.retired).map(|g| (g.id, g.name.clone())).collect();
            let name_of = |id: Option<i64>| id.and_then(|i| list.iter().find(|g| g.id == i)).map(|g| g.name.clone()).unwrap_or_default();
            let entries = list
                .iter()
                .map(|g| {
                    let detail = [name_of(g.parent_id), place_name(g.place_id)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
                    Entry { id: g.id, name: g.name.clone(), detail, retired: g.retired }
                })
                .collect();
            (entries, vec![], parents)
        }
        Catalog::Unit => {
            let list = store::units(&state.db, cid).await?;
            let entries = list
                .into_iter()
                .map(|u| {
                    let kind = UnitKind::from_code(&u.kind).map(|k| shell.t(k.label_key())).unwrap_or("");
                    let detail = [kind.to_string(), u.contact.unwrap_or_default(), u.phone.unwrap_or_default()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
                    Entry { id: u.id, name: u.name, detail, retired: u.retired }
                })
                .collect();
            (entries, UnitKind::ALL.iter().map(|k| (k.as_str(), shell.t(k.label_key()))).collect(), vec![])
        }
    };
    let title = shell.t(&format!("catalog.{}", cat.slug()));
    let tops = places.iter().filter(|p| !p.retired).map(|p| (p.id, p.name.clone())).collect();
    let mut res = html(&CatalogPage { errors: FormErrors::new(shell.lang, errors), shell, slug: cat.slug(), title, entries, kinds, parents, places: tops, f })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show(State(state): State<AppState>, a: Authed, Path(slug): Path<String>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    let cat = catalog(&slug)?;
    page(&state, a, cat, EntryInput::default(), &[]).await
}

fn optional_id(field: &'static str, s: &str) -> Result<Option<i64>, FieldError> {
    match s.trim() {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| FieldError::new(field, "err.choice")),
    }
}

pub async fn create(State(state): State<AppState>, a: Authed, Path(slug): Path<String>, Form(f): Form<EntryInput>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    let cat = catalog(&slug)?;
    match insert(&state, &a, cat, &f).await {
        Ok(()) => Ok(redirect_with_flash(&a.ctx.info, &format!("/org/{}", cat.slug()), "flash.saved")),
        Err(AppError::Invalid(errors)) => page(&state, a, cat, f, &errors).await,
        Err(e) => Err(e),
    }
}

async fn insert(state: &AppState, a: &Authed, cat: Catalog, f: &EntryInput) -> AppResult<()> {
    let cid = a.actor.committee_id;
    let mut check = Check::default();
    let name = check.take(parse_name("name", &normalize_text(&f.name), 64));
    let parent = check.take(optional_id("parent_id", &f.parent_id)).flatten();
    let place = check.take(optional_id("place_id", &f.place_id)).flatten();
    // Parents and places must be the committee's own.
    let places = structure::places(&state.db, cid).await?;
    let groups = structure::groups(&state.db, cid).await?;
    match cat {
        Catalog::Place if parent.is_some_and(|p| !places.iter().any(|x| x.id == p)) => check.add(FieldError::new("parent_id", "err.choice")),
        Catalog::Group if parent.is_some_and(|p| !groups.iter().any(|x| x.id == p)) => check.add(FieldError::new("parent_id", "err.choice")),
        _ => {}
    }
    if place.is_some_and(|p| !places.iter().any(|x| x.id == p)) {
        check.add(FieldError::new("place_id", "err.choice"));
    }
    let place_kind = PlaceKind::from_code(f.kind.trim());
    if cat == Catalog::Place && place_kind.is_none() {
        check.add(FieldError::new("kind", "err.choice"));
    }
    let unit_kind = UnitKind::from_code(f.kind.trim());
    if cat == Catalog::Unit && unit_kind.is_none() {
        check.add(FieldError::new("kind", "err.choice"));
    }
    let (Some(name), true) = (name, check.is_ok()) else {
        return Err(AppError::Invalid(check.0));
    };
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let id = match cat {
        Catalog::Sector => structure::insert_sector(&txn, cid, &name).await.map(|s| s.id),
        Catalog::Place => structure::insert_place(&txn, cid, &name, place_kind.expect("checked"), parent).await.map(|p| p.id),
        Catalog::Group => structure::insert_group(&txn, cid, &name, parent, place).await.map(|g| g.id),
        Catalog::Unit => insert_unit(&txn, cid, &name, unit_kind.expect("checked"), f).await,
    }
    .map_err(|e| if is_unique(&e) { AppError::invalid("name", "err.name_taken") } else { e.into() })?;
    audit::record(&txn, &Who::actor(&a.actor, &a.ctx.info.ip), "create", cat.table(), id, format!("新建 {name}")).await?;
    txn.commit().await?;
    Ok(())
}

async fn insert_unit(db: &impl sea_orm::ConnectionTrait, cid: i64, name: &str, kind: UnitKind, f: &EntryInput) -> Result<i64, DbErr> {
    let text = |s: &str| Some(normalize_text(s)).filter(|s| !s.is_empty());
    let u = store::unit::ActiveModel {
        committee_id: Set(cid),
        name: Set(name.to_string()),
        created_at: Set(chrono::Utc::now()),
        kind: Set(kind.as_str().to_string()),
        contact: Set(text(&f.contact)),
        phone: Set(text(&f.phone)),
        retired: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(u.id)
}

fn is_unique(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[derive(Deserialize)]
pub struct RetiredForm {
    #[serde(default)]
    retired: String,
}

pub async fn set_retired(State(state): State<AppState>, a: Authed, Path((slug, id)): Path<(String, i64)>, Form(f): Form<RetiredForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    let cat = catalog(&slug)?;
    let retired = f.retired == "true";
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !structure::set_retired(&txn, cat, a.actor.committee_id, id, retired).await? {
        return Err(AppError::NotFound);
    }
    let word = if retired { "停用" } else { "恢复" };
    audit::record(&txn, &Who::actor(&a.actor, &a.ctx.info.ip), if retired { "disable" } else { "enable" }, cat.table(), id, format!("{word}目录项")).await?;
    txn.commit().await?;
    Ok(redirect_with_flash(&a.ctx.info, &format!("/org/{}", cat.slug()), "flash.saved"))
}
