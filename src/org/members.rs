//! Members (委员): the entity, the typed input of the member form, and the queries behind the
//! member list, the member file and the roster import.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::app::error::FieldError;
use crate::app::forms::Check;
use crate::app::pagination::PageRequest;
use crate::org::model::parse_name;
use crate::org::values::{Gender, MemberStatus, Phone, Position, YearMonth, normalize_text, pinyin_initials};

pub mod member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "members")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub name: String,
        /// Pinyin initials of the name, so "zs" finds 张三.
        pub initials: String,
        pub gender: Option<String>,
        /// YYYY-MM
        pub birth_month: Option<String>,
        pub ethnicity: Option<String>,
        pub party: Option<String>,
        pub sector_id: i64,
        pub place_id: Option<i64>,
        pub position: String,
        pub employer: Option<String>,
        pub mobile: Option<String>,
        pub status: String,
        pub status_since: Option<Date>,
        pub user_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod member_group {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "member_groups")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub group_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use member::Model as Member;

/// A member as the database will hold it: every value typed and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberData {
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_month: Option<YearMonth>,
    pub ethnicity: Option<String>,
    pub party: Option<String>,
    pub sector_id: i64,
    pub place_id: Option<i64>,
    pub group_ids: Vec<i64>,
    pub position: Position,
    pub employer: Option<String>,
    pub mobile: Option<Phone>,
    pub status: MemberStatus,
    /// The member's own account (a member or leader login), if linked.
    pub user_id: Option<i64>,
}

/// The member form and the API body, as typed: text everywhere, so a bad value is named
/// instead of rejected wholesale.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct MemberInput {
    #[serde(default)]
    pub name: String,
    /// 男 / 女 (or male / female)
    #[serde(default)]
    pub gender: String,
    /// 1975-03, 1975.03, 1975年3月 …
    #[serde(default)]
    pub birth_month: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub party: String,
    /// The sector's id.
    #[serde(default)]
    pub sector_id: String,
    /// The place's id, or empty.
    #[serde(default)]
    pub place_id: String,
    /// Group ids.
    #[serde(default)]
    pub group_ids: Vec<String>,
    /// 委员 / 常委 / 主席 / 副主席 / 秘书长 (or their codes)
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub mobile: String,
    /// 在职 / 辞职 / 罢免 (or their codes)
    #[serde(default)]
    pub status: String,
    /// The id of the member's own account, or empty.
    #[serde(default)]
    pub user_id: String,
}

fn optional_text(field: &'static str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
    let s = normalize_text(s);
    if s.is_empty() {
        Ok(None)
    } else if s.chars().count() > max {
        Err(FieldError::new(field, "err.name"))
    } else {
        Ok(Some(s))
    }
}

fn id_field(field: &'static str, s: &str) -> Result<Option<i64>, FieldError> {
    let s = s.trim();
    if s.is_empty() { Ok(None) } else { s.parse().map(Some).map_err(|_| FieldError::new(field, "err.choice")) }
}

impl MemberInput {
    /// Parses every field; ids are checked against the committee's catalogues by the caller.
    pub fn parse(&self, check: &mut Check) -> Option<MemberData> {
        let name = check.take(parse_name("name", &normalize_text(&self.name), 32));
        let gender = match normalize_text(&self.gender).as_str() {
            "" => None,
            g => check.take(Gender::from_code(g).map(Ok).unwrap_or_else(|| Gender::parse("gender", g))),
        };
        let birth_month = match normalize_text(&self.birth_month).as_str() {
            "" => None,
            b => check.take(YearMonth::parse("birth_month", b)),
        };
        let ethnicity = check.take(optional_text("ethnicity", &self.ethnicity, 16)).flatten();
        let party = check.take(optional_text("party", &self.party, 32)).flatten();
        let sector_id = check.take(id_field("sector_id", &self.sector_id).and_then(|s| s.ok_or(FieldError::new("sector_id", "err.required"))));
        let place_id = check.take(id_field("place_id", &self.place_id)).flatten();
        let group_ids: Vec<i64> = self.group_ids.iter().filter_map(|g| check.take(id_field("group_ids", g)).flatten()).collect();
        let position = Position::from_code(self.position.trim()).map(Ok).unwrap_or_else(|| Position::parse("position", &self.position));
        let position = check.take(position);
        let employer = check.take(optional_text("employer", &self.employer, 200)).flatten();
        let mobile = match normalize_text(&self.mobile).as_str() {
            "" => None,
            m => check.take(Phone::parse("mobile", m)),
        };
        let status = MemberStatus::from_code(self.status.trim()).map(Ok).unwrap_or_else(|| MemberStatus::parse("status", &self.status));
        let status = check.take(status);
        let user_id = check.take(id_field("user_id", &self.user_id)).flatten();
        Some(MemberData {
            name: name?,
            gender,
            birth_month,
            ethnicity,
            party,
            sector_id: sector_id?,
            place_id,
            group_ids,
            position: position?,
            employer,
            mobile,
            status: status?,
            user_id,
        })
    }

    /// The form pre-filled from a stored member.
    pub fn from_member(m: &Member, group_ids: &[i64]) -> Self {
        MemberInput {
            name: m.name.clone(),
            gender: m.gender.clone().unwrap_or_default(),
            birth_month: m.birth_month.clone().unwrap_or_default(),
            ethnicity: m.ethnicity.clone().unwrap_or_default(),
            party: m.party.clone().unwrap_or_default(),
            sector_id: m.sector_id.to_string(),
            place_id: m.place_id.map(|p| p.to_string()).unwrap_or_default(),
            group_ids: group_ids.iter().map(i64::to_string).collect(),
            position: m.position.clone(),
            employer: m.employer.clone().unwrap_or_default(),
            mobile: m.mobile.clone().unwrap_or_default(),
            status: m.status.clone(),
            user_id: m.user_id.map(|u| u.to_string()).unwrap_or_default(),
        }
    }
}

/// The list's filters; all optional.
#[derive(Clone, Debug, Default)]
pub struct MemberFilter {
    pub sector_id: Option<i64>,
    /// A group and, for a 联组, its 小组.
    pub group_ids: Option<Vec<i64>>,
    /// A place and the places below it.
    pub place_ids: Option<Vec<i64>>,
    pub position: Option<Position>,
    pub status: Option<MemberStatus>,
    /// A name fragment, or pinyin initials ("zs").
    pub q: Option<String>,
    /// In office on this day ([`in_office_on`]).
    pub in_office_on: Option<chrono::NaiveDate>,
    /// Only these members (a studio's).
    pub ids: Option<Vec<i64>>,
}

/// In office on `day`: in office now, or left after it (委员数 counts the members in office at a
/// period's end).
pub fn in_office_on(day: chrono::NaiveDate) -> sea_orm::Condition {
    use member::Column as C;
    let left_later = sea_orm::Condition::all().add(C::Status.ne(MemberStatus::InOffice.as_str())).add(C::StatusSince.gt(day));
    sea_orm::Condition::any().add(C::Status.eq(MemberStatus::InOffice.as_str())).add(left_later)
}

fn filtered(committee_id: i64, f: &MemberFilter) -> sea_orm::Select<member::Entity> {
    use member::Column as C;
    let mut q = member::Entity::find().filter(C::CommitteeId.eq(committee_id));
    if let Some(s) = f.sector_id {
        q = q.filter(C::SectorId.eq(s));
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(C::PlaceId.is_in(p.clone()));
    }
    if let Some(p) = f.position {
        q = q.filter(C::Position.eq(p.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(day) = f.in_office_on {
        q = q.filter(in_office_on(day));
    }
    if let Some(ids) = &f.ids {
        q = q.filter(C::Id.is_in(ids.clone()));
    }
    if let Some(groups) = &f.group_ids {
        let sub = Query::select()
            .column(member_group::Column::MemberId)
            .from(member_group::Entity)
            .and_where(Expr::col(member_group::Column::GroupId).is_in(groups.clone()))
            .to_owned();
        q = q.filter(C::Id.in_subquery(sub));
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let mut any = Condition::any().add(C::Name.contains(text));
        if text.chars().all(|c| c.is_ascii_alphabetic()) {
            any = any.add(C::Initials.starts_with(text.to_ascii_lowercase()));
        }
        if text.chars().all(|c| c.is_ascii_digit()) && text.len() >= 4 {
            any = any.add(C::Mobile.ends_with(text));
        }
        q = q.filter(any);
    }
    q
}

/// One page of members: in office first, then in pinyin order (initials, then name).
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &MemberFilter, page: PageRequest) -> Result<(Vec<Member>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(member::Column::Status)
        .order_by_asc(member::Column::Initials)
        .order_by_asc(member::Column::Name)
        .order_by_asc(member::Column::Id)
        .offset(page.offset())
        .limit(page.limit())
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Every member matching the filters (for the export), in list order.
pub async fn all(db: &impl ConnectionTrait, committee_id: i64, f: &MemberFilter) -> Result<Vec<Member>, DbErr> {
    filtered(committee_id, f)
        .order_by_asc(member::Column::Status)
        .order_by_asc(member::Column::Initials)
        .order_by_asc(member::Column::Name)
        .order_by_asc(member::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Member>, DbErr> {
    member::Entity::find_by_id(id).filter(member::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The groups of each member given, as (member id → group ids).
pub async fn groups_of(db: &impl ConnectionTrait, member_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let links = member_group::Entity::find()
        .filter(member_group::Column::MemberId.is_in(member_ids.to_vec()))
        .order_by_asc(member_group::Column::GroupId)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for l in links {
        out.entry(l.member_id).or_default().push(l.group_id);
    }
    Ok(out)
}

fn active_model(committee_id: i64, d: &MemberData) -> member::ActiveModel {
    member::ActiveModel {
        committee_id: Set(committee_id),
        name: Set(d.name.clone()),
        initials: Set(pinyin_initials(&d.name)),
        gender: Set(d.gender.map(|g| g.as_str().to_string())),
        birth_month: Set(d.birth_month.map(|b| b.to_string())),
        ethnicity: Set(d.ethnicity.clone()),
        party: Set(d.party.clone()),
        sector_id: Set(d.sector_id),
        place_id: Set(d.place_id),
        position: Set(d.position.as_str().to_string()),
        employer: Set(d.employer.clone()),
        mobile: Set(d.mobile.as_ref().map(|m| m.as_str().to_string())),
        status: Set(d.status.as_str().to_string()),
        user_id: Set(d.user_id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
}

pub async fn insert(db: &impl ConnectionTrait, committee_id: i64, d: &MemberData) -> Result<Member, DbErr> {
    let mut am = active_model(committee_id, d);
    am.created_at = Set(Utc::now());
    am.status_since = Set(Some(Utc::now().date_naive()));
    let m = am.insert(db).await?;
    set_groups(db, m.id, &d.group_ids).await?;
    Ok(m)
}

/// Replaces a member's data; the status date moves only when the status changes.
pub async fn update(db: &impl ConnectionTrait, before: &Member, d: &MemberData) -> Result<Member, DbErr> {
    let mut am = active_model(before.committee_id, d);
    am.id = Set(before.id);
    if before.status != d.status.as_str() {
        am.status_since = Set(Some(Utc::now().date_naive()));
    }
    let m = am.update(db).await?;
    set_groups(db, m.id, &d.group_ids).await?;
    Ok(m)
}

async fn set_groups(db: &impl ConnectionTrait, member_id: i64, group_ids: &[i64]) -> Result<(), DbErr> {
    member_group::Entity::delete_many().filter(member_group::Column::MemberId.eq(member_id)).exec(db).await?;
    let mut ids = group_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let links = ids.into_iter().map(|group_id| member_group::ActiveModel { member_id: Set(member_id), group_id: Set(group_id) });
    member_group::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

/// (name, mobile) → id of the committee's members, to recognise a roster row as an update.
pub async fn identities(db: &impl ConnectionTrait, committee_id: i64) -> Result<HashMap<(String, Option<String>), i64>, DbErr> {
    let rows: Vec<(i64, String, Option<String>)> = member::Entity::find()
        .select_only()
        .columns([member::Column::Id, member::Column::Name, member::Column::Mobile])
        .filter(member::Column::CommitteeId.eq(committee_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, name, mobile)| ((name, mobile), id)).collect())
}

/// The member already linked to account `user_id`, if any.
pub async fn linked_to(db: &impl ConnectionTrait, user_id: i64) -> Result<Option<Member>, DbErr> {
    member::Entity::find().filter(member::Column::UserId.eq(user_id)).one(db).await
}

pub async fn count(db: &impl ConnectionTrait, committee_id: i64, status: Option<MemberStatus>) -> Result<u64, DbErr> {
    let mut q = member::Entity::find().filter(member::Column::CommitteeId.eq(committee_id));
    if let Some(s) = status {
        q = q.filter(member::Column::Status.eq(s.as_str()));
    }
    q.count(db).await
}

/// Names of the given members (any committee's ids are simply not found).
pub async fn names(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> =
        member::Entity::find().filter(member::Column::Id.is_in(ids.to_vec())).select_only().column(member::Column::Id).column(member::Column::Name).into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}

impl crate::app::forms::ListFields for MemberInput {
    const LISTS: &'static [&'static str] = &["group_ids"];
}
