//! Sectors (界别), places (镇街 → 社区/村), groups (联组 → 小组) and handling units (承办单位):
//! the committee's catalogues that members and later items refer to.
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

macro_rules! catalog_entity {
    ($module:ident, $table:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i64,
                pub committee_id: i64,
                pub name: String,
                $(pub $field: $ty,)*
                pub retired: bool,
                pub created_at: DateTimeUtc,
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

catalog_entity!(sector, "sectors" { sort: i32 });
catalog_entity!(place, "places" { parent_id: Option<i64>, kind: String });
catalog_entity!(group, "groups" { parent_id: Option<i64>, place_id: Option<i64> });
// Demand categories (诉求分类) are a committee setting like the others, so they share the pages.
catalog_entity!(category, "demand_categories" { sort: i32 });

pub use category::Model as Category;
pub use group::Model as Group;
pub use place::Model as Place;
pub use sector::Model as Sector;

/// The kinds of place, from the town level down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Town,
    Street,
    Community,
    Village,
}

impl PlaceKind {
    pub const ALL: [PlaceKind; 4] = [Self::Town, Self::Street, Self::Community, Self::Village];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Town => "town",
            Self::Street => "street",
            Self::Community => "community",
            Self::Village => "village",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Guesses the kind from a Chinese place name, for places created by an import.
    pub fn from_name(name: &str) -> Self {
        if name.ends_with('村') {
            Self::Village
        } else if name.ends_with("社区") {
            Self::Community
        } else if name.ends_with('镇') || name.ends_with('乡') {
            Self::Town
        } else {
            Self::Street
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Town => "place.town",
            Self::Street => "place.street",
            Self::Community => "place.community",
            Self::Village => "place.village",
        }
    }

    /// Towns and streets sit at the top; communities and villages below them.
    pub fn is_top(self) -> bool {
        matches!(self, Self::Town | Self::Street)
    }
}

/// All of a committee's sectors (retired ones too, flagged), in display order.
pub async fn sectors(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<Sector>, DbErr> {
    sector::Entity::find()
        .filter(sector::Column::CommitteeId.eq(committee_id))
        .order_by_asc(sector::Column::Sort)
        .order_by_asc(sector::Column::Id)
        .all(db)
        .await
}

pub async fn places(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<Place>, DbErr> {
    place::Entity::find()
        .filter(place::Column::CommitteeId.eq(committee_id))
        .order_by_asc(place::Column::Id)
        .all(db)
        .await
}

pub async fn groups(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<Group>, DbErr> {
    group::Entity::find()
        .filter(group::Column::CommitteeId.eq(committee_id))
        .order_by_asc(group::Column::Id)
        .all(db)
        .await
}

/// The committee's demand categories in their order (retired ones included, flagged).
pub async fn categories(db: &impl ConnectionTrait, committee_id: i64) -> Result<Vec<Category>, DbErr> {
    category::Entity::find()
        .filter(category::Column::CommitteeId.eq(committee_id))
        .order_by_asc(category::Column::Sort)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await
}

/// The categories a new committee starts with; staff edit the list afterwards.
pub const DEFAULT_CATEGORIES: [&str; 8] = ["城市管理", "教育", "医疗卫生", "社会保障", "交通出行", "环境保护", "社区服务", "其他"];

pub async fn insert_category(db: &impl ConnectionTrait, committee_id: i64, name: &str, sort: i32) -> Result<Category, DbErr> {
    category::ActiveModel {
        committee_id: Set(committee_id),
        name: Set(name.to_string()),
        sort: Set(sort),
        retired: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Gives a new committee the default demand categories.
pub async fn seed_categories(db: &impl ConnectionTrait, committee_id: i64) -> Result<(), DbErr> {
    for (i, name) in DEFAULT_CATEGORIES.iter().enumerate() {
        insert_category(db, committee_id, name, i as i32).await?;
    }
    Ok(())
}

pub async fn insert_sector(db: &impl ConnectionTrait, committee_id: i64, name: &str) -> Result<Sector, DbErr> {
    sector::ActiveModel {
        committee_id: Set(committee_id),
        name: Set(name.to_string()),
        sort: Set(0),
        retired: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn insert_place(db: &impl ConnectionTrait, committee_id: i64, name: &str, kind: PlaceKind, parent_id: Option<i64>) -> Result<Place, DbErr> {
    place::ActiveModel {
        committee_id: Set(committee_id),
        name: Set(name.to_string()),
        parent_id: Set(parent_id),
        kind: Set(kind.as_str().to_string()),
        retired: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn insert_group(
    db: &impl ConnectionTrait,
    committee_id: i64,
    name: &str,
    parent_id: Option<i64>,
    place_id: Option<i64>,
) -> Result<Group, DbErr> {
    group::ActiveModel {
        committee_id: Set(committee_id),
        name: Set(name.to_string()),
        parent_id: Set(parent_id),
        place_id: Set(place_id),
        retired: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Which catalogue an operation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Catalog {
    Sector,
    Place,
    Group,
    Unit,
    Category,
}

impl Catalog {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sectors" => Some(Self::Sector),
            "places" => Some(Self::Place),
            "groups" => Some(Self::Group),
            "units" => Some(Self::Unit),
            "categories" => Some(Self::Category),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Sector => "sectors",
            Self::Place => "places",
            Self::Group => "groups",
            Self::Unit => "units",
            Self::Category => "categories",
        }
    }

    pub fn table(self) -> &'static str {
        match self {
            Self::Category => "demand_categories",
            other => other.slug(),
        }
    }
}

/// Retires (hides from choices, keeps history) or restores an entry of a catalogue; false when
/// the entry does not belong to the committee.
pub async fn set_retired(db: &impl ConnectionTrait, catalog: Catalog, committee_id: i64, id: i64, retired: bool) -> Result<bool, DbErr> {
    let rows = match catalog {
        Catalog::Sector => update_retired::<sector::Entity>(db, sector::Column::Id, sector::Column::CommitteeId, sector::Column::Retired, committee_id, id, retired).await?,
        Catalog::Place => update_retired::<place::Entity>(db, place::Column::Id, place::Column::CommitteeId, place::Column::Retired, committee_id, id, retired).await?,
        Catalog::Group => update_retired::<group::Entity>(db, group::Column::Id, group::Column::CommitteeId, group::Column::Retired, committee_id, id, retired).await?,
        Catalog::Category => {
            update_retired::<category::Entity>(db, category::Column::Id, category::Column::CommitteeId, category::Column::Retired, committee_id, id, retired).await?
        }
        Catalog::Unit => {
            use crate::org::store::unit;
            update_retired::<unit::Entity>(db, unit::Column::Id, unit::Column::CommitteeId, unit::Column::Retired, committee_id, id, retired).await?
        }
    };
    Ok(rows == 1)
}

async fn update_retired<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id_col: E::Column,
    committee_col: E::Column,
    retired_col: E::Column,
    committee_id: i64,
    id: i64,
    retired: bool,
) -> Result<u64, DbErr> {
    let res = E::update_many()
        .col_expr(retired_col, Expr::value(retired))
        .filter(id_col.eq(id))
        .filter(committee_col.eq(committee_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// `id` and every entry below it in a tree given as (id, parent) pairs.
pub fn with_below(id: i64, tree: &[(i64, Option<i64>)]) -> Vec<i64> {
    let mut out = vec![id];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(tree.iter().filter(|(c, p)| *p == Some(parent) && !out.contains(c)).map(|(c, _)| *c).collect::<Vec<_>>());
        i += 1;
    }
    out
}

/// Choices as an indented list: each top entry followed by the entries below it.
pub fn indented(entries: impl IntoIterator<Item = (i64, Option<i64>, String)>) -> Vec<(i64, String)> {
    let all: Vec<(i64, Option<i64>, String)> = entries.into_iter().collect();
    let mut out = Vec::new();
    for (id, parent, name) in &all {
        if parent.is_some_and(|p| all.iter().any(|(x, _, _)| *x == p)) {
            continue;
        }
        out.push((*id, name.clone()));
        out.extend(all.iter().filter(|(_, p, _)| *p == Some(*id)).map(|(c, _, n)| (*c, format!("　{n}"))));
    }
    out
}

/// What a list page's filters offer: active groups and places (indented under their parents)
/// and the members in office, each as (id, label).
pub struct FilterChoices {
    pub groups: Vec<(i64, String)>,
    pub places: Vec<(i64, String)>,
    pub members: Vec<(i64, String)>,
}

pub async fn filter_choices(db: &impl ConnectionTrait, committee_id: i64) -> Result<FilterChoices, DbErr> {
    let groups = indented(groups(db, committee_id).await?.into_iter().filter(|g| !g.retired).map(|g| (g.id, g.parent_id, g.name)));
    let places = indented(places(db, committee_id).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.parent_id, p.name)));
    let f = crate::org::members::MemberFilter { status: Some(crate::org::values::MemberStatus::InOffice), ..Default::default() };
    let members = crate::org::members::all(db, committee_id, &f).await?.into_iter().map(|m| (m.id, m.name)).collect();
    Ok(FilterChoices { groups, places, members })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_groups_are_listed_with_what_lies_below() {
        let list = indented([(2, Some(1), "向阳社区".to_string()), (1, None, "书院路街道".into()), (3, None, "荷塘街道".into())]);
        assert_eq!(list, vec![(1, "书院路街道".to_string()), (2, "　向阳社区".into()), (3, "荷塘街道".into())]);
    }

    #[test]
    fn place_kinds_from_names() {
        assert_eq!(PlaceKind::from_name("楠木村"), PlaceKind::Village);
        assert_eq!(PlaceKind::from_name("江滨社区"), PlaceKind::Community);
        assert_eq!(PlaceKind::from_name("昭山镇"), PlaceKind::Town);
        assert_eq!(PlaceKind::from_name("书院路街道"), PlaceKind::Street);
        assert!(PlaceKind::Town.is_top() && !PlaceKind::Village.is_top());
        assert_eq!(Catalog::parse("groups").map(Catalog::slug), Some("groups"));
        assert_eq!(Catalog::parse("members"), None);
    }
}
