//! Projects in the database: a project with its introducers and partners, and its figures by
//! year (one row per year: saving a year again replaces it), each change in one transaction
//! with its audit record; lists with the latest year's figures and their totals in SQL; the
//! shared projects the exchange feed reads.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Set, TransactionSession, TransactionTrait, TryIntoModel,
};

use crate::app::audit::{self, Who};
use crate::app::pagination::PageRequest;
use crate::projects::model::{PartnerRole, ProjectInput, ProjectKind, YearInput};

pub mod project {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "projects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub name: String,
        /// development or assistance.
        pub kind: String,
        pub place_id: Option<i64>,
        /// 模式, e.g. 合作社+脱贫户+公司.
        pub model: String,
        pub started_on: Option<Date>,
        /// planned, running or ended.
        pub status: String,
        /// Shown to the committees of the tree (信息互通).
        pub shared: bool,
        pub description: String,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod introducer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "project_introducers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub project_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod partner {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "project_partners")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        /// cooperative, households, company, base or other.
        pub role: String,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod year {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "project_years")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub year: i32,
        pub output_value_fen: i64,
        pub net_income_fen: i64,
        /// People who benefit (受益人数).
        pub beneficiaries: i32,
        pub households: Option<i32>,
        pub note: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use partner::Model as Partner;
pub use project::Model as Project;
pub use year::Model as Year;

pub const ITEM_TYPE: &str = "project";

/// Saves a new project with its introducers and partners.
pub async fn create(db: &impl TransactionTrait, committee_id: i64, p: &ProjectInput, who: &Who) -> Result<Project, DbErr> {
    let txn = db.begin().await?;
    let saved = insert(&txn, committee_id, p, who, Utc::now()).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("登记项目“{}”", saved.name)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a project at `now` (the demo passes past instants).
pub async fn insert(txn: &impl ConnectionTrait, committee_id: i64, p: &ProjectInput, who: &Who, now: DateTime<Utc>) -> Result<Project, DbErr> {
    let row = project::ActiveModel { committee_id: Set(committee_id), created_by: Set(who.actor_id), created_at: Set(now), ..Default::default() };
    let saved = fill(row, p, now).insert(txn).await?;
    link(txn, saved.id, p).await?;
    Ok(saved)
}

fn fill(mut row: project::ActiveModel, p: &ProjectInput, now: DateTime<Utc>) -> project::ActiveModel {
    row.name = Set(p.name.clone());
    row.kind = Set(p.kind.as_str().into());
    row.place_id = Set(p.place_id);
    row.model = Set(p.model.clone());
    row.started_on = Set(p.started_on);
    row.status = Set(p.status.as_str().into());
    row.shared = Set(p.shared);
    row.description = Set(p.description.clone());
    row.updated_at = Set(now);
    row
}

/// Writes a project's introducers and partners (after the old ones are gone).
async fn link(txn: &impl ConnectionTrait, project_id: i64, p: &ProjectInput) -> Result<(), DbErr> {
    let introducers = p.introducer_ids.iter().map(|m| introducer::ActiveModel { project_id: Set(project_id), member_id: Set(*m) });
    introducer::Entity::insert_many(introducers).exec(txn).await?;
    if !p.partners.is_empty() {
        let partners = p.partners.iter().map(|(role, name)| partner::ActiveModel { project_id: Set(project_id), role: Set(role.as_str().into()), name: Set(name.clone()), ..Default::default() });
        partner::Entity::insert_many(partners).exec(txn).await?;
    }
    Ok(())
}

/// Saves an edited project; its introducers and partners are replaced by the form's.
pub async fn update(db: &impl TransactionTrait, before: &Project, p: &ProjectInput, who: &Who) -> Result<Project, DbErr> {
    let txn = db.begin().await?;
    let saved = fill(before.clone().into_active_model(), p, Utc::now()).update(&txn).await?;
    introducer::Entity::delete_many().filter(introducer::Column::ProjectId.eq(before.id)).exec(&txn).await?;
    partner::Entity::delete_many().filter(partner::Column::ProjectId.eq(before.id)).exec(&txn).await?;
    link(&txn, before.id, p).await?;
    audit::record(&txn, who, "update", ITEM_TYPE, saved.id, format!("修改项目“{}”", saved.name)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Saves one year's figures: a year already recorded is replaced, so there is one row a year.
pub async fn save_year(db: &impl TransactionTrait, p: &Project, y: &YearInput, who: &Who) -> Result<Year, DbErr> {
    let txn = db.begin().await?;
    let before = year::Entity::find().filter(year::Column::ProjectId.eq(p.id)).filter(year::Column::Year.eq(y.year)).one(&txn).await?;
    let replaced = before.is_some();
    let saved = put_year(&txn, p.id, before, y).await?;
    let what = if replaced { "更新" } else { "登记" };
    audit::record(&txn, who, if replaced { "update" } else { "create" }, ITEM_TYPE, p.id, format!("{what}项目“{}”{}年数据", p.name, y.year)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts a year's figures, or overwrites `before`.
pub async fn put_year(txn: &impl ConnectionTrait, project_id: i64, before: Option<Year>, y: &YearInput) -> Result<Year, DbErr> {
    let mut row = match before {
        Some(b) => b.into_active_model(),
        None => year::ActiveModel { project_id: Set(project_id), year: Set(y.year), ..Default::default() },
    };
    row.output_value_fen = Set(y.output_value_fen);
    row.net_income_fen = Set(y.net_income_fen);
    row.beneficiaries = Set(y.beneficiaries);
    row.households = Set(y.households);
    row.note = Set(y.note.clone());
    row.save(txn).await?.try_into_model()
}

/// Which projects a list or a total takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectFilter {
    pub kind: Option<ProjectKind>,
    /// Projects at one of these places (a place and those below it).
    pub place_ids: Option<Vec<i64>>,
    /// Projects one of these members introduced.
    pub member_ids: Option<Vec<i64>>,
    /// Projects with figures for this year; the figures shown are that year's.
    pub year: Option<i32>,
}

fn filtered(committee_id: i64, f: &ProjectFilter) -> sea_orm::Select<project::Entity> {
    let mut q = project::Entity::find().filter(project::Column::CommitteeId.eq(committee_id));
    if let Some(k) = f.kind {
        q = q.filter(project::Column::Kind.eq(k.as_str()));
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(project::Column::PlaceId.is_in(p.clone()));
    }
    if let Some(m) = &f.member_ids {
        let introduced = Query::select().column(introducer::Column::ProjectId).from(introducer::Entity).and_where(introducer::Column::MemberId.is_in(m.clone())).to_owned();
        q = q.filter(project::Column::Id.in_subquery(introduced));
    }
    if let Some(y) = f.year {
        let with_year = Query::select().column(year::Column::ProjectId).from(year::Entity).and_where(year::Column::Year.eq(y)).to_owned();
        q = q.filter(project::Column::Id.in_subquery(with_year));
    }
    q
}

/// One page of projects, newest first, with the total.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &ProjectFilter, page: PageRequest) -> Result<(Vec<Project>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(project::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Project>, DbErr> {
    project::Entity::find_by_id(id).filter(project::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The year rows shown for projects: the given year's, or else each project's latest.
fn shown_years(project_ids: SelectStatement, year: Option<i32>) -> Condition {
    let which = match year {
        Some(y) => Expr::col((year::Entity, year::Column::Year)).eq(y),
        // One correlated MAX per project, answered from the unique (project_id, year) index.
        None => Expr::cust("project_years.year = (SELECT MAX(latest.year) FROM project_years latest WHERE latest.project_id = project_years.project_id)"),
    };
    Condition::all().add(year::Column::ProjectId.in_subquery(project_ids)).add(which)
}

/// The figures each given project shows: the year asked for, or its latest.
pub async fn figures(db: &impl ConnectionTrait, project_ids: &[i64], year: Option<i32>) -> Result<HashMap<i64, Year>, DbErr> {
    let ids = Query::select().column(project::Column::Id).from(project::Entity).and_where(project::Column::Id.is_in(project_ids.to_vec())).to_owned();
    Ok(year::Entity::find().filter(shown_years(ids, year)).all(db).await?.into_iter().map(|y| (y.project_id, y)).collect())
}

/// The sums of the figures a list shows (each project's latest year, or the year asked for).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ProjectTotals {
    pub projects: u64,
    pub output_value_fen: i64,
    pub net_income_fen: i64,
    pub beneficiaries: i64,
}

pub async fn totals(db: &impl ConnectionTrait, committee_id: i64, f: &ProjectFilter) -> Result<ProjectTotals, DbErr> {
    let projects = filtered(committee_id, f).count(db).await?;
    let ids = filtered(committee_id, f).select_only().column(project::Column::Id).into_query();
    let sum = |c: year::Column| Expr::expr(Func::coalesce([Expr::expr(Func::sum(Expr::col(c))), Expr::val(0)])).cast_as(Alias::new("BIGINT"));
    let (output_value_fen, net_income_fen, beneficiaries): (i64, i64, i64) = year::Entity::find()
        .filter(shown_years(ids, f.year))
        .select_only()
        .column_as(sum(year::Column::OutputValueFen), "o")
        .column_as(sum(year::Column::NetIncomeFen), "n")
        .column_as(sum(year::Column::Beneficiaries), "b")
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    Ok(ProjectTotals { projects, output_value_fen, net_income_fen, beneficiaries })
}

/// The years the committee's projects have figures for, latest first.
pub async fn years_recorded(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<i32>, DbErr> {
    let ours = Query::select().column(project::Column::Id).from(project::Entity).and_where(project::Column::CommitteeId.eq(committee_id)).to_owned();
    year::Entity::find().filter(year::Column::ProjectId.in_subquery(ours)).select_only().column(year::Column::Year).distinct().order_by_desc(year::Column::Year).into_tuple().all(db).await
}

/// Every year of a project, latest first.
pub async fn years_of(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<Year>, DbErr> {
    year::Entity::find().filter(year::Column::ProjectId.eq(project_id)).order_by_desc(year::Column::Year).all(db).await
}

/// The introducers of each given project.
pub async fn introducers_of(db: &impl ConnectionTrait, project_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for i in introducer::Entity::find().filter(introducer::Column::ProjectId.is_in(project_ids.to_vec())).order_by_asc(introducer::Column::MemberId).all(db).await? {
        out.entry(i.project_id).or_default().push(i.member_id);
    }
    Ok(out)
}

/// A project's partners in the order entered.
pub async fn partners_of(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<(PartnerRole, String)>, DbErr> {
    let rows = partner::Entity::find().filter(partner::Column::ProjectId.eq(project_id)).order_by_asc(partner::Column::Id).all(db).await?;
    Ok(rows.into_iter().map(|p| (PartnerRole::from_code(&p.role).unwrap_or(PartnerRole::Other), p.name)).collect())
}

/// The day a project stands for in a feed: its start, else the day it was recorded.
pub fn on_date(p: &Project) -> NaiveDate {
    p.started_on.unwrap_or_else(|| crate::app::shell::local_date(&p.created_at))
}

/// A plain summary for other committees: the model and the latest year's figures.
fn summary(p: &Project, y: Option<&Year>) -> String {
    let yuan = crate::activities::pages::yuan;
    let figures = y.map(|y| format!("{}年产值{}元，纯收入{}元，受益{}人", y.year, yuan(y.output_value_fen), yuan(y.net_income_fen), y.beneficiaries));
    let text: Vec<String> = [p.model.clone(), figures.unwrap_or_default()].into_iter().filter(|s| !s.is_empty()).collect();
    if text.is_empty() { p.description.chars().take(120).collect() } else { text.join("；") }
}

/// The shared projects of these committees, newest first, for the exchange feed.
pub async fn shared(db: &impl ConnectionTrait, committee_ids: &[i64], limit: u64) -> Result<Vec<crate::exchange::SharedItem>, DbErr> {
    let rows = project::Entity::find()
        .filter(project::Column::CommitteeId.is_in(committee_ids.to_vec()))
        .filter(project::Column::Shared.eq(true))
        .order_by_desc(project::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let latest = figures(db, &rows.iter().map(|p| p.id).collect::<Vec<_>>(), None).await?;
    Ok(rows
        .into_iter()
        .map(|p| crate::exchange::SharedItem {
            committee_id: p.committee_id,
            kind_key: "nav.projects",
            summary: summary(&p, latest.get(&p.id)),
            on_date: on_date(&p),
            href: format!("/projects/{}", p.id),
            title: p.name,
        })
        .collect())
}
