//! Pages to list, create, retire and restore the committee's catalogues: sectors, places,
//! groups, handling units and demand categories.
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
    /// The entry being edited, if any.
    editing: Option<i64>,
}

fn catalog(slug: &str) -> AppResult<Catalog> {
    Catalog::parse(slug).ok_or(AppError::NotFound)
}

async fn page(state: &AppState, a: Authed, cat: Catalog, editing: Option<i64>, f: EntryInput, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let shell = a.ctx.shell;
    let places = structure::places(&state.db, cid).await?;
    let place_name = |id: Option<i64>| id.and_then(|i| places.iter().find(|p| p.id == i)).map(|p| p.name.clone()).unwrap_or_default();
    // (rows, kind choices, parent choices)
    type Parts = (Vec<Entry>, Vec<(&'static str, &'static str)>, Vec<(i64, String)>);
    let (entries, kinds, parents): Parts = match cat {
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
        Catalog::Category => {
            let list = structure::categories(&state.db, cid).await?;
            (list.into_iter().map(|c| Entry { id: c.id, name: c.name, detail: String::new(), retired: c.retired }).collect(), vec![], vec![])
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
    let parents = parents.into_iter().filter(|(id, _)| Some(*id) != editing).collect();
    let mut res = html(&CatalogPage { errors: FormErrors::new(shell.lang, errors), shell, slug: cat.slug(), title, entries, kinds, parents, places: tops, f, editing })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show(State(state): State<AppState>, a: Authed, Path(slug): Path<String>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    let cat = catalog(&slug)?;
    page(&state, a, cat, None, EntryInput::default(), &[]).await
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
    match save(&state, &a, cat, None, &f).await {
        Ok(()) => Ok(redirect_with_flash(&a.ctx.info, &format!("/org/{}", cat.slug()), "flash.saved")),
        Err(AppError::Invalid(errors)) => page(&state, a, cat, None, f, &errors).await,
        Err(e) => Err(e),
    }
}

/// The edit form of one entry: the list with the form filled in.
pub async fn edit(State(state): State<AppState>, a: Authed, Path((slug, id)): Path<(String, i64)>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    let cat = catalog(&slug)?;
    let f = current(&state, cat, a.actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    page(&state, a, cat, Some(id), f, &[]).await
}

pub async fn update(State(state): State<AppState>, a: Authed, Path((slug, id)): Path<(String, i64)>, Form(f): Form<EntryInput>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    let cat = catalog(&slug)?;
    current(&state, cat, a.actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    match save(&state, &a, cat, Some(id), &f).await {
        Ok(()) => Ok(redirect_with_flash(&a.ctx.info, &format!("/org/{}", cat.slug()), "flash.saved")),
        Err(AppError::Invalid(errors)) => page(&state, a, cat, Some(id), f, &errors).await,
        Err(e) => Err(e),
    }
}

/// An entry's stored values as the form shows them, if it is the committee's.
async fn current(state: &AppState, cat: Catalog, cid: i64, id: i64) -> AppResult<Option<EntryInput>> {
    let id_text = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    Ok(match cat {
        Catalog::Sector => structure::sectors(&state.db, cid).await?.into_iter().find(|x| x.id == id).map(|x| EntryInput { name: x.name, ..Default::default() }),
        Catalog::Place => structure::places(&state.db, cid).await?.into_iter().find(|x| x.id == id).map(|x| EntryInput {
            name: x.name,
            kind: x.kind,
            parent_id: id_text(x.parent_id),
            ..Default::default()
        }),
        Catalog::Group => structure::groups(&state.db, cid).await?.into_iter().find(|x| x.id == id).map(|x| EntryInput {
            name: x.name,
            parent_id: id_text(x.parent_id),
            place_id: id_text(x.place_id),
            ..Default::default()
        }),
        Catalog::Category => structure::categories(&state.db, cid).await?.into_iter().find(|x| x.id == id).map(|x| EntryInput { name: x.name, ..Default::default() }),
        Catalog::Unit => store::units(&state.db, cid).await?.into_iter().find(|x| x.id == id).map(|x| EntryInput {
            name: x.name,
            kind: x.kind,
            contact: x.contact.unwrap_or_default(),
            phone: x.phone.unwrap_or_default(),
            ..Default::default()
        }),
    })
}

/// A validated entry of any catalogue.
struct ValidEntry {
    name: String,
    parent: Option<i64>,
    place: Option<i64>,
    place_kind: Option<PlaceKind>,
    unit_kind: Option<UnitKind>,
    contact: Option<String>,
    phone: Option<String>,
}

async fn validate(state: &AppState, cid: i64, cat: Catalog, id: Option<i64>, f: &EntryInput) -> AppResult<ValidEntry> {
    let mut check = Check::default();
    let name = check.take(parse_name("name", &normalize_text(&f.name), 64));
    let parent = check.take(optional_id("parent_id", &f.parent_id)).flatten();
    let place = check.take(optional_id("place_id", &f.place_id)).flatten();
    // Parents and places must be the committee's own, and nothing is its own parent.
    let places = structure::places(&state.db, cid).await?;
    let groups = structure::groups(&state.db, cid).await?;
    let bad_parent = parent.is_some_and(|p| {
        Some(p) == id
            || match cat {
                Catalog::Place => !places.iter().any(|x| x.id == p),
                Catalog::Group => !groups.iter().any(|x| x.id == p),
                _ => false,
            }
    });
    if bad_parent {
        check.add(FieldError::new("parent_id", "err.choice"));
    }
    if place.is_some_and(|p| !places.iter().any(|x| x.id == p)) {
        check.add(FieldError::new("place_id", "err.choice"));
    }
    let place_kind = PlaceKind::from_code(f.kind.trim());
    let unit_kind = UnitKind::from_code(f.kind.trim());
    if (cat == Catalog::Place && place_kind.is_none()) || (cat == Catalog::Unit && unit_kind.is_none()) {
        check.add(FieldError::new("kind", "err.choice"));
    }
    let text = |s: &str| Some(normalize_text(s)).filter(|s| !s.is_empty());
    match (name, check.is_ok()) {
        (Some(name), true) => Ok(ValidEntry { name, parent, place, place_kind, unit_kind, contact: text(&f.contact), phone: text(&f.phone) }),
        _ => Err(AppError::Invalid(check.0)),
    }
}

/// Creates (`id` None) or updates an entry, with its audit record, in one transaction.
async fn save(state: &AppState, a: &Authed, cat: Catalog, id: Option<i64>, f: &EntryInput) -> AppResult<()> {
    let cid = a.actor.committee_id;
    let v = validate(state, cid, cat, id, f).await?;
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let result = match id {
        None => match cat {
            Catalog::Sector => structure::insert_sector(&txn, cid, &v.name).await.map(|s| s.id),
            Catalog::Place => structure::insert_place(&txn, cid, &v.name, v.place_kind.expect("checked"), v.parent).await.map(|p| p.id),
            Catalog::Group => structure::insert_group(&txn, cid, &v.name, v.parent, v.place).await.map(|g| g.id),
            Catalog::Unit => insert_unit(&txn, cid, &v).await,
            Catalog::Category => {
                let next = structure::categories(&txn, cid).await?.iter().map(|c| c.sort + 1).max().unwrap_or(0);
                structure::insert_category(&txn, cid, &v.name, next).await.map(|c| c.id)
            }
        },
        Some(id) => update_entry(&txn, cat, cid, id, &v).await.map(|()| id),
    };
    let saved = result.map_err(|e| if is_unique(&e) { AppError::invalid("name", "err.name_taken") } else { e.into() })?;
    let (action, word) = if id.is_some() { ("update", "修改") } else { ("create", "新建") };
    audit::record(&txn, &Who::actor(&a.actor, &a.ctx.info.ip), action, cat.table(), saved, format!("{word} {}", v.name)).await?;
    txn.commit().await?;
    Ok(())
}

async fn update_entry(db: &impl sea_orm::ConnectionTrait, cat: Catalog, cid: i64, id: i64, v: &ValidEntry) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    match cat {
        Catalog::Sector => {
            use structure::sector::{Column as C, Entity};
            Entity::update_many().col_expr(C::Name, Expr::value(v.name.clone())).filter(C::Id.eq(id)).filter(C::CommitteeId.eq(cid)).exec(db).await?;
        }
        Catalog::Place => {
            use structure::place::{Column as C, Entity};
            Entity::update_many()
                .col_expr(C::Name, Expr::value(v.name.clone()))
                .col_expr(C::Kind, Expr::value(v.place_kind.map(PlaceKind::as_str).unwrap_or("street")))
                .col_expr(C::ParentId, Expr::value(v.parent))
                .filter(C::Id.eq(id))
                .filter(C::CommitteeId.eq(cid))
                .exec(db)
                .await?;
        }
        Catalog::Group => {
            use structure::group::{Column as C, Entity};
            Entity::update_many()
                .col_expr(C::Name, Expr::value(v.name.clone()))
                .col_expr(C::ParentId, Expr::value(v.parent))
                .col_expr(C::PlaceId, Expr::value(v.place))
                .filter(C::Id.eq(id))
                .filter(C::CommitteeId.eq(cid))
                .exec(db)
                .await?;
        }
        Catalog::Category => {
            use structure::category::{Column as C, Entity};
            Entity::update_many().col_expr(C::Name, Expr::value(v.name.clone())).filter(C::Id.eq(id)).filter(C::CommitteeId.eq(cid)).exec(db).await?;
        }
        Catalog::Unit => {
            use store::unit::{Column as C, Entity};
            Entity::update_many()
                .col_expr(C::Name, Expr::value(v.name.clone()))
                .col_expr(C::Kind, Expr::value(v.unit_kind.map(UnitKind::as_str).unwrap_or("government")))
                .col_expr(C::Contact, Expr::value(v.contact.clone()))
                .col_expr(C::Phone, Expr::value(v.phone.clone()))
                .filter(C::Id.eq(id))
                .filter(C::CommitteeId.eq(cid))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

async fn insert_unit(db: &impl sea_orm::ConnectionTrait, cid: i64, v: &ValidEntry) -> Result<i64, DbErr> {
    let u = store::unit::ActiveModel {
        committee_id: Set(cid),
        name: Set(v.name.clone()),
        created_at: Set(chrono::Utc::now()),
        kind: Set(v.unit_kind.map(UnitKind::as_str).unwrap_or("government").to_string()),
        contact: Set(v.contact.clone()),
        phone: Set(v.phone.clone()),
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
