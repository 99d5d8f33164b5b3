//! Terms (届, five years) and their plenary sessions (次会议), with dates.
use askama::Template;
use axum::extract::{Form, State};
use axum::response::Response;
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::{self, Who};
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors};
use crate::app::pages::parse_date;
use crate::app::shell::{Authed, Shell, html, redirect_with_flash};

pub mod term {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "terms")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub number: i32,
        pub start_date: Date,
        pub end_date: Option<Date>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod plenary {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plenaries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub term_id: i64,
        pub number: i32,
        pub start_date: Date,
        pub end_date: Date,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub async fn terms(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<term::Model>, DbErr> {
    term::Entity::find().filter(term::Column::CommitteeId.eq(committee_id)).order_by_desc(term::Column::Number).all(db).await
}

/// A term's plenary sessions in order.
pub async fn plenaries(db: &impl ConnectionTrait, term_id: i64) -> Result<Vec<plenary::Model>, DbErr> {
    plenary::Entity::find().filter(plenary::Column::TermId.eq(term_id)).order_by_asc(plenary::Column::Number).all(db).await
}

pub async fn insert_term(db: &impl ConnectionTrait, committee_id: i64, number: i32, start: NaiveDate, end: Option<NaiveDate>) -> Result<term::Model, DbErr> {
    term::ActiveModel { committee_id: Set(committee_id), number: Set(number), start_date: Set(start), end_date: Set(end), ..Default::default() }.insert(db).await
}

pub async fn insert_plenary(db: &impl ConnectionTrait, term_id: i64, number: i32, start: NaiveDate, end: NaiveDate) -> Result<plenary::Model, DbErr> {
    plenary::ActiveModel { term_id: Set(term_id), number: Set(number), start_date: Set(start), end_date: Set(end), ..Default::default() }.insert(db).await
}

/// 第十届, 第二次会议: the ordinal in Chinese numerals, as committees write it.
pub fn ordinal(n: i32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let n = n.clamp(1, 99) as usize;
    match (n / 10, n % 10) {
        (0, u) => DIGITS[u].to_string(),
        (1, 0) => "十".into(),
        (1, u) => format!("十{}", DIGITS[u]),
        (t, 0) => format!("{}十", DIGITS[t]),
        (t, u) => format!("{}十{}", DIGITS[t], DIGITS[u]),
    }
}

struct TermView {
    title: String,
    dates: String,
    plenaries: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct TermForm {
    #[serde(default)]
    term_id: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
}

#[derive(Template)]
#[template(path = "org/terms.html")]
struct TermsPage {
    shell: Shell,
    terms: Vec<TermView>,
    choices: Vec<(i64, String)>,
    f: TermForm,
    errors: FormErrors,
}

async fn page(state: &AppState, a: Authed, f: TermForm, errors: &[FieldError]) -> AppResult<Response> {
    let list = terms(&state.db, a.actor.committee_id).await?;
    let ids: Vec<i64> = list.iter().map(|t| t.id).collect();
    let plenaries = plenary::Entity::find().filter(plenary::Column::TermId.is_in(ids)).order_by_asc(plenary::Column::Number).all(&state.db).await?;
    let views = list
        .iter()
        .map(|t| TermView {
            title: format!("第{}届", ordinal(t.number)),
            dates: format!("{} — {}", t.start_date, t.end_date.map(|d| d.to_string()).unwrap_or_default()),
            plenaries: plenaries.iter().filter(|p| p.term_id == t.id).map(|p| (format!("第{}次会议", ordinal(p.number)), format!("{} — {}", p.start_date, p.end_date))).collect(),
        })
        .collect();
    let choices = list.iter().map(|t| (t.id, format!("第{}届", ordinal(t.number)))).collect();
    let mut res = html(&TermsPage { errors: FormErrors::new(a.ctx.shell.lang, errors), shell: a.ctx.shell, terms: views, choices, f })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    page(&state, a, TermForm::default(), &[]).await
}

/// Creates a term (no `term_id`) or a plenary session of a term.
pub async fn create(State(state): State<AppState>, a: Authed, Form(f): Form<TermForm>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageCatalogs, &Target::own(&a.actor))?;
    match insert(&state, &a, &f).await {
        Ok(()) => Ok(redirect_with_flash(&a.ctx.info, "/org/terms", "flash.saved")),
        Err(AppError::Invalid(errors)) => page(&state, a, f, &errors).await,
        Err(e) => Err(e),
    }
}

async fn insert(state: &AppState, a: &Authed, f: &TermForm) -> AppResult<()> {
    let mut check = Check::default();
    let number = check.take(f.number.trim().parse::<i32>().ok().filter(|n| (1..=99).contains(n)).ok_or(FieldError::new("number", "err.number")));
    let start = check.take(parse_date("start", &f.start).and_then(|d| d.ok_or(FieldError::new("start", "err.required"))));
    let end = check.take(parse_date("end", &f.end)).flatten();
    if let (Some(s), Some(e)) = (start, end)
        && e < s {
            check.add(FieldError::new("end", "err.end_before_start"));
        }
    let term_id = match f.term_id.trim() {
        "" => None,
        t => {
            let own = terms(&state.db, a.actor.committee_id).await?;
            let id = t.parse::<i64>().ok().filter(|id| own.iter().any(|x| x.id == *id));
            check.take(id.ok_or(FieldError::new("term_id", "err.choice")).map(Some)).flatten()
        }
    };
    if term_id.is_some() && end.is_none() {
        check.add(FieldError::new("end", "err.required"));
    }
    let (Some(number), Some(start), true) = (number, start, check.is_ok()) else {
        return Err(AppError::Invalid(check.0));
    };
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let who = Who::actor(&a.actor, &a.ctx.info.ip);
    let taken = |e: DbErr| if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) { AppError::invalid("number", "err.number_taken") } else { e.into() };
    match term_id {
        None => {
            let t = insert_term(&txn, a.actor.committee_id, number, start, end).await.map_err(taken)?;
            audit::record(&txn, &who, "create", "term", t.id, format!("新建第{}届", ordinal(number))).await?;
        }
        Some(tid) => {
            let p = insert_plenary(&txn, tid, number, start, end.expect("checked")).await.map_err(taken)?;
            audit::record(&txn, &who, "create", "plenary", p.id, format!("新建第{}次会议", ordinal(number))).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ordinal;

    #[test]
    fn chinese_ordinals() {
        for (n, s) in [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五")] {
            assert_eq!(ordinal(n), s);
        }
    }
}
