//! Activities in the database: an activity with its participants and a sign-in code, attendance
//! moved through `model::attend` (each change audited), and the figures the statistics read.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
    TransactionSession, TransactionTrait,
};

use crate::activities::model::{self, ActivityInput, ActivityKind, Attendance, AttendanceAction};
use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::PageRequest;

pub mod activity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activities")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub committee_id: i64,
        pub kind: String,
        pub title: String,
        pub organiser: String,
        pub group_id: Option<i64>,
        pub on_date: Date,
        pub end_date: Date,
        pub place_id: Option<i64>,
        pub address: String,
        pub description: String,
        pub people_served: i32,
        pub volunteers: i32,
        pub households: i32,
        /// Funds given, in fen.
        pub funds_fen: i64,
        pub items_given: String,
        pub items_count: i64,
        /// What the activity's QR code carries; unique across committees.
        pub sign_in_code: String,
        /// 信息互通: committees of the same tree see it in their feed.
        pub shared: bool,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod participant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity_participants")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub activity_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub member_id: i64,
        pub attendance: String,
        pub leave_reason: String,
        /// Kept for the record once decided: "", "approved" or "refused".
        pub leave_status: String,
        pub signed_in_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use activity::Model as Activity;
pub use participant::Model as Participant;

pub const ITEM_TYPE: &str = "activity";

impl Participant {
    pub fn attendance(&self) -> Attendance {
        Attendance::from_code(&self.attendance).unwrap_or(Attendance::Invited)
    }
}

/// A code no one can guess from another: 20 characters without look-alikes (about 98 bits).
pub fn new_sign_in_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Saves an activity with its invited participants.
pub async fn create(db: &impl TransactionTrait, committee_id: i64, a: &ActivityInput, who: &Who) -> Result<Activity, DbErr> {
    let txn = db.begin().await?;
    let saved = insert(&txn, committee_id, a, who, Utc::now()).await?;
    audit::record(&txn, who, "create", ITEM_TYPE, saved.id, format!("登记活动《{}》", saved.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Inserts an activity at `now` (the demo passes past instants); everyone listed is invited.
pub async fn insert(txn: &impl ConnectionTrait, committee_id: i64, a: &ActivityInput, who: &Who, now: DateTime<Utc>) -> Result<Activity, DbErr> {
    let saved = activity::ActiveModel {
        committee_id: Set(committee_id),
        kind: Set(a.kind.as_str().into()),
        title: Set(a.title.clone()),
        organiser: Set(a.organiser.clone()),
        group_id: Set(a.group_id),
        on_date: Set(a.on_date),
        end_date: Set(a.end_date),
        place_id: Set(a.place_id),
        address: Set(a.address.clone()),
        description: Set(a.description.clone()),
        people_served: Set(a.people_served),
        volunteers: Set(a.volunteers),
        households: Set(a.households),
        funds_fen: Set(a.funds_fen),
        items_given: Set(a.items_given.clone()),
        items_count: Set(a.items_count),
        sign_in_code: Set(new_sign_in_code()),
        shared: Set(a.shared),
        created_by: Set(who.actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if !a.participant_ids.is_empty() {
        let rows = a.participant_ids.iter().map(|m| participant::ActiveModel {
            activity_id: Set(saved.id),
            member_id: Set(*m),
            attendance: Set(Attendance::Invited.as_str().into()),
            leave_reason: Set(String::new()),
            leave_status: Set(String::new()),
            signed_in_at: Set(None),
        });
        participant::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(saved)
}

/// Saves an edited activity; its code stays. Members taken off the list leave it unless they
/// have already signed in, asked for leave or been decided on; members added are invited.
pub async fn update(db: &impl TransactionTrait, before: &Activity, a: &ActivityInput, who: &Who) -> Result<Activity, DbErr> {
    let txn = db.begin().await?;
    let mut row = before.clone().into_active_model();
    row.kind = Set(a.kind.as_str().into());
    row.title = Set(a.title.clone());
    row.organiser = Set(a.organiser.clone());
    row.group_id = Set(a.group_id);
    row.on_date = Set(a.on_date);
    row.end_date = Set(a.end_date);
    row.place_id = Set(a.place_id);
    row.address = Set(a.address.clone());
    row.description = Set(a.description.clone());
    row.people_served = Set(a.people_served);
    row.volunteers = Set(a.volunteers);
    row.households = Set(a.households);
    row.funds_fen = Set(a.funds_fen);
    row.items_given = Set(a.items_given.clone());
    row.items_count = Set(a.items_count);
    row.shared = Set(a.shared);
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    let current = participants(&txn, before.id).await?;
    let dropped: Vec<i64> = current.iter().filter(|p| !a.participant_ids.contains(&p.member_id) && p.attendance() == Attendance::Invited).map(|p| p.member_id).collect();
    if !dropped.is_empty() {
        participant::Entity::delete_many()
            .filter(participant::Column::ActivityId.eq(before.id))
            .filter(participant::Column::MemberId.is_in(dropped))
            .exec(&txn)
            .await?;
    }
    let added: Vec<i64> = a.participant_ids.iter().copied().filter(|m| !current.iter().any(|p| p.member_id == *m)).collect();
    if !added.is_empty() {
        let rows = added.iter().map(|m| participant::ActiveModel {
            activity_id: Set(before.id),
            member_id: Set(*m),
            attendance: Set(Attendance::Invited.as_str().into()),
            leave_reason: Set(String::new()),
            leave_status: Set(String::new()),
            signed_in_at: Set(None),
        });
        participant::Entity::insert_many(rows).exec(&txn).await?;
    }
    audit::record(&txn, who, "update", ITEM_TYPE, saved.id, format!("修改活动《{}》", saved.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn find(db: &impl ConnectionTrait, committee_id: i64, id: i64) -> Result<Option<Activity>, DbErr> {
    activity::Entity::find_by_id(id).filter(activity::Column::CommitteeId.eq(committee_id)).one(db).await
}

/// The activity a scanned code names, in the scanning member's committee only.
pub async fn find_by_code(db: &impl ConnectionTrait, committee_id: i64, code: &str) -> Result<Option<Activity>, DbErr> {
    activity::Entity::find().filter(activity::Column::CommitteeId.eq(committee_id)).filter(activity::Column::SignInCode.eq(code.trim())).one(db).await
}

pub async fn participants(db: &impl ConnectionTrait, activity_id: i64) -> Result<Vec<Participant>, DbErr> {
    participant::Entity::find().filter(participant::Column::ActivityId.eq(activity_id)).order_by_asc(participant::Column::MemberId).all(db).await
}

/// Moves one member's attendance on `today` (China date) through the rules, recording the
/// leave reason or the sign-in instant. Signing in adds a member not on the list.
pub async fn attend(db: &impl TransactionTrait, a: &Activity, member_id: i64, action: AttendanceAction, reason: &str, today: NaiveDate, who: &Who) -> AppResult<Attendance> {
    let txn = db.begin().await?;
    let current = participant::Entity::find_by_id((a.id, member_id)).one(&txn).await?;
    let when = model::timing(a.on_date, a.end_date, today);
    let to = model::attend(current.as_ref().map(Participant::attendance), action, when).map_err(|key| AppError::invalid("action", key))?;
    let reasoned = (2..=200).contains(&reason.trim().chars().count());
    match action {
        AttendanceAction::RequestLeave if !reasoned => return Err(AppError::invalid("leave_reason", "err.leave_reason")),
        AttendanceAction::Correct(_) if !reasoned => return Err(AppError::invalid("reason", "err.correct_reason")),
        _ => {}
    }
    let now = Utc::now();
    let existed = current.is_some();
    let mut row = match current {
        Some(p) => p.into_active_model(),
        None => participant::ActiveModel {
            activity_id: Set(a.id),
            member_id: Set(member_id),
            leave_reason: Set(String::new()),
            leave_status: Set(String::new()),
            signed_in_at: Set(None),
            attendance: Set(to.as_str().into()),
        },
    };
    row.attendance = Set(to.as_str().into());
    match action {
        AttendanceAction::SignIn => row.signed_in_at = Set(Some(now)),
        AttendanceAction::RequestLeave => row.leave_reason = Set(reason.trim().into()),
        AttendanceAction::ApproveLeave => row.leave_status = Set("approved".into()),
        AttendanceAction::RefuseLeave => row.leave_status = Set("refused".into()),
        AttendanceAction::Close => {}
        AttendanceAction::Correct(Attendance::OnLeave) => {
            row.leave_reason = Set(reason.trim().into());
            row.leave_status = Set("approved".into());
        }
        AttendanceAction::Correct(_) => {}
    }
    if existed {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    let note = if matches!(action, AttendanceAction::Correct(_)) { format!("（更正：{}）", reason.trim()) } else { String::new() };
    audit::record(&txn, who, "attend", ITEM_TYPE, a.id, format!("活动《{}》委员 {member_id}：{}{note}", a.title, to.as_str())).await?;
    txn.commit().await?;
    Ok(to)
}

/// Which activities a list or a total takes.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<ActivityKind>,
    /// Activities one of these members took part in (present).
    pub member_ids: Option<Vec<i64>>,
    pub group_ids: Option<Vec<i64>>,
    pub place_ids: Option<Vec<i64>>,
}

fn filtered(committee_id: i64, f: &ActivityFilter) -> sea_orm::Select<activity::Entity> {
    let mut q = activity::Entity::find().filter(activity::Column::CommitteeId.eq(committee_id));
    if let Some(d) = f.from {
        q = q.filter(activity::Column::OnDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(activity::Column::OnDate.lte(d));
    }
    if let Some(k) = f.kind {
        q = q.filter(activity::Column::Kind.eq(k.as_str()));
    }
    if let Some(m) = &f.member_ids {
        let took_part = Query::select()
            .column(participant::Column::ActivityId)
            .from(participant::Entity)
            .and_where(participant::Column::MemberId.is_in(m.clone()))
            .and_where(participant::Column::Attendance.eq(Attendance::Present.as_str()))
            .to_owned();
        q = q.filter(activity::Column::Id.in_subquery(took_part));
    }
    if let Some(g) = &f.group_ids {
        q = q.filter(activity::Column::GroupId.is_in(g.clone()));
    }
    if let Some(p) = &f.place_ids {
        q = q.filter(activity::Column::PlaceId.is_in(p.clone()));
    }
    q
}

/// One page of activities, latest first, with the total.
pub async fn list(db: &impl ConnectionTrait, committee_id: i64, f: &ActivityFilter, page: PageRequest) -> Result<(Vec<Activity>, u64), DbErr> {
    let q = filtered(committee_id, f);
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(activity::Column::OnDate).order_by_desc(activity::Column::Id).offset(page.offset()).limit(page.limit()).all(db).await?;
    Ok((rows, total))
}

/// The figures of the activities under a filter (see DOMAIN.md's metrics).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ActivityTotals {
    /// Activities by kind.
    pub by_kind: Vec<(String, u64)>,
    pub activities: u64,
    /// Study, training and exchange activities (学习培训和互动交流).
    pub interaction: u64,
    /// Members present at volunteering activities, each time (志愿服务人次).
    pub volunteer_person_times: u64,
    /// Volunteers mobilised beyond the members.
    pub volunteers: u64,
    /// Households reached by assistance activities (慰问户数).
    pub households_assisted: u64,
    /// Funds given by assistance activities, in fen (慰问金).
    pub assistance_fen: i64,
    pub people_served: u64,
    pub items_count: i64,
}

pub async fn totals(db: &impl ConnectionTrait, committee_id: i64, f: &ActivityFilter) -> Result<ActivityTotals, DbErr> {
    let big = |e: Expr| e.cast_as(Alias::new("BIGINT"));
    let rows: Vec<(String, i64, i64, i64, i64, i64, i64)> = filtered(committee_id, f)
        .select_only()
        .column(activity::Column::Kind)
        .column_as(big(Expr::expr(Func::count(Expr::col(activity::Column::Id)))), "n")
        .column_as(big(Expr::expr(Func::sum(Expr::col(activity::Column::Households)))), "households")
        .column_as(big(Expr::expr(Func::sum(Expr::col(activity::Column::FundsFen)))), "funds")
        .column_as(big(Expr::expr(Func::sum(Expr::col(activity::Column::PeopleServed)))), "people")
        .column_as(big(Expr::expr(Func::sum(Expr::col(activity::Column::Volunteers)))), "volunteers")
        .column_as(big(Expr::expr(Func::sum(Expr::col(activity::Column::ItemsCount)))), "items")
        .group_by(activity::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut t = ActivityTotals::default();
    for (kind, n, households, funds, people, volunteers, items) in rows {
        let k = ActivityKind::from_code(&kind);
        t.activities += n as u64;
        t.interaction += if k.is_some_and(ActivityKind::interaction) { n as u64 } else { 0 };
        if k == Some(ActivityKind::Assistance) {
            t.households_assisted += households as u64;
            t.assistance_fen += funds;
        }
        t.people_served += people as u64;
        t.volunteers += volunteers as u64;
        t.items_count += items;
        t.by_kind.push((kind, n as u64));
    }
    t.by_kind.sort();
    let volunteering = filtered(committee_id, &ActivityFilter { kind: Some(ActivityKind::Volunteering), ..f.clone() }).select_only().column(activity::Column::Id).into_query();
    t.volunteer_person_times = participant::Entity::find()
        .filter(participant::Column::ActivityId.in_subquery(volunteering))
        .filter(participant::Column::Attendance.eq(Attendance::Present.as_str()))
        .count(db)
        .await?;
    Ok(t)
}

/// The days each given member was present at an activity in the field, from `from` to `to`
/// (every day of a multi-day activity counts).
pub async fn field_days(db: &impl ConnectionTrait, committee_id: i64, member_ids: &[i64], from: NaiveDate, to: NaiveDate) -> Result<HashMap<i64, Vec<NaiveDate>>, DbErr> {
    let kinds = ActivityKind::ALL.into_iter().filter(|k| k.in_the_field()).map(ActivityKind::as_str);
    let present = participant::Entity::find()
        .filter(participant::Column::MemberId.is_in(member_ids.to_vec()))
        .filter(participant::Column::Attendance.eq(Attendance::Present.as_str()))
        .all(db)
        .await?;
    let activities: HashMap<i64, Activity> = activity::Entity::find()
        .filter(activity::Column::CommitteeId.eq(committee_id))
        .filter(activity::Column::Kind.is_in(kinds))
        .filter(activity::Column::Id.is_in(present.iter().map(|p| p.activity_id).collect::<Vec<_>>()))
        .filter(activity::Column::EndDate.gte(from))
        .filter(activity::Column::OnDate.lte(to))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut out: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for p in present {
        let Some(a) = activities.get(&p.activity_id) else { continue };
        let days = a.on_date.iter_days().take_while(|d| *d <= a.end_date).filter(|d| (from..=to).contains(d));
        out.entry(p.member_id).or_default().extend(days);
    }
    Ok(out)
}

/// Each member's attendance at the given activities.
pub async fn attendance_of(db: &impl ConnectionTrait, activity_ids: &[i64]) -> Result<HashMap<i64, Vec<Participant>>, DbErr> {
    let mut out: HashMap<i64, Vec<Participant>> = HashMap::new();
    for chunk in activity_ids.chunks(5_000) {
        for p in participant::Entity::find().filter(participant::Column::ActivityId.is_in(chunk.to_vec())).all(db).await? {
            out.entry(p.activity_id).or_default().push(p);
        }
    }
    Ok(out)
}

/// A member's activities (invited or present) from `from` to `to`, oldest first, with the
/// member's attendance: the file page and the calendar feed.
pub async fn of_member(db: &impl ConnectionTrait, committee_id: i64, member_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<(Activity, Attendance)>, DbErr> {
    let mine: HashMap<i64, Attendance> =
        participant::Entity::find().filter(participant::Column::MemberId.eq(member_id)).all(db).await?.into_iter().map(|p| (p.activity_id, p.attendance())).collect();
    let list = activity::Entity::find()
        .filter(activity::Column::CommitteeId.eq(committee_id))
        .filter(activity::Column::Id.is_in(mine.keys().copied().collect::<Vec<_>>()))
        .filter(activity::Column::OnDate.gte(from))
        .filter(activity::Column::OnDate.lte(to))
        .order_by_asc(activity::Column::OnDate)
        .all(db)
        .await?;
    Ok(list.into_iter().map(|a| (a.clone(), mine[&a.id])).collect())
}

/// The shared activities of these committees, newest first, for the exchange feed.
pub async fn shared(db: &impl ConnectionTrait, committee_ids: &[i64], limit: u64) -> Result<Vec<crate::exchange::SharedItem>, DbErr> {
    let rows = activity::Entity::find()
        .filter(activity::Column::CommitteeId.is_in(committee_ids.to_vec()))
        .filter(activity::Column::Shared.eq(true))
        .order_by_desc(activity::Column::OnDate)
        .order_by_desc(activity::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| crate::exchange::SharedItem {
            committee_id: a.committee_id,
            kind_key: "nav.activities",
            summary: crate::exchange::summary_of(&a.description, &a.title),
            title: a.title,
            on_date: a.on_date,
            href: format!("/activities/{}", a.id),
        })
        .collect())
}
