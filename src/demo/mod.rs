//! The demo committee: 湘潭市岳塘区政协 (code `yuetang`) under its city and province committees,
//! with one account per role. Later areas extend it with generated records; names of people
//! are never taken from the source article.
mod activities;
mod consultations;
mod deliberation;
mod evaluation;
mod liaison;
mod opinions;
mod org;
mod projects;
mod proposals;
mod research;
mod studios;
mod visits;

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::app::audit::{self, Who};
use crate::app::auth;
use crate::app::error::{AppError, AppResult};
use crate::org::model::{CommitteeCode, CommitteeLevel, Password, Role, Username};
use crate::org::store::{self, NewCommittee, NewUser};

pub const DEMO_CODE: &str = "yuetang";

/// An account printed after loading.
pub struct DemoAccount {
    pub username: String,
    pub role: String,
    pub password: String,
}

/// (code, name, level) from the province down to the district.
const COMMITTEES: [(&str, &str, CommitteeLevel); 3] = [
    ("hunan", "湖南省政协", CommitteeLevel::Province),
    ("xiangtan", "湘潭市政协", CommitteeLevel::City),
    (DEMO_CODE, "湘潭市岳塘区政协", CommitteeLevel::County),
];

/// (committee code, username, display name, role, unit)
const ACCOUNTS: [(&str, &str, &str, Role, Option<&str>); 10] = [
    (DEMO_CODE, "admin", "系统管理员", Role::Admin, None),
    (DEMO_CODE, "security", "安全管理员", Role::SecurityAdmin, None),
    (DEMO_CODE, "auditor", "安全审计员", Role::Auditor, None),
    (DEMO_CODE, "staff", "提案委干部", Role::Staff, None),
    (DEMO_CODE, "leader", "主席会议成员", Role::Leader, None),
    (DEMO_CODE, "member", "政协委员", Role::Member, None),
    (DEMO_CODE, "member2", "政协委员（联名）", Role::Member, None),
    (DEMO_CODE, "unit", "区住建局联络员", Role::Unit, Some("区住房和城乡建设局")),
    (DEMO_CODE, "unit2", "区财政局联络员", Role::Unit, Some("区财政局")),
    ("xiangtan", "xiangtan-admin", "湘潭市政协管理员", Role::Admin, None),
];

/// Loads the demo into an empty database. Returns `None` (and changes nothing) when the
/// database already holds a committee. All accounts share one password: `password`, or a
/// freshly generated one.
pub async fn load(db: &DatabaseConnection, password: Option<String>) -> AppResult<Option<Vec<DemoAccount>>> {
    if store::committee_count(db).await? > 0 {
        return Ok(None);
    }
    let password = match password {
        Some(p) => Password::parse("XIESHANG_DEMO_PASSWORD", &p).map_err(|e| AppError::Invalid(vec![e]))?,
        None => Password::generate(),
    };
    let plain = password.expose().to_string();
    let hash = auth::hash_password_blocking(password).await;
    let txn = db.begin().await?;
    let mut parent = None;
    let mut ids = Vec::new();
    for (code, name, level) in COMMITTEES {
        let code = CommitteeCode::parse(code).expect("demo codes are valid");
        let c = store::insert_committee(&txn, NewCommittee { code, name: name.into(), level, parent_id: parent }).await?;
        parent = Some(c.id);
        ids.push((c.code.clone(), c.id));
    }
    // A neighbouring district under the same city, with no accounts: it shares items with the
    // tree (信息互通) and shows the city committee more than one child.
    let city = ids.iter().find(|(c, _)| c == "xiangtan").map(|(_, id)| *id);
    let shaoshan = CommitteeCode::parse("shaoshan").expect("demo codes are valid");
    let c = store::insert_committee(&txn, NewCommittee { code: shaoshan, name: "韶山市政协".into(), level: CommitteeLevel::County, parent_id: city }).await?;
    ids.push((c.code.clone(), c.id));
    let id_of = |code: &str| ids.iter().find(|(c, _)| c == code).map(|(_, id)| *id).expect("demo committee exists");
    let mut printed = Vec::new();
    for (code, username, display_name, role, unit) in ACCOUNTS {
        let committee_id = id_of(code);
        let unit_id = match unit {
            Some(u) => Some(store::unit_id_for(&txn, committee_id, u).await?),
            None => None,
        };
        let username = Username::parse(username).expect("demo usernames are valid");
        let user = store::insert_user(
            &txn,
            NewUser { committee_id, username, display_name: display_name.into(), password_hash: hash.clone(), role, unit_id },
        )
        .await?;
        printed.push(DemoAccount { username: user.username, role: user.role, password: plain.clone() });
    }
    let demo_org = org::load(&txn, id_of(DEMO_CODE)).await?;
    crate::tracking::store::save_calendar(&txn, id_of(DEMO_CODE), &crate::tracking::WorkCalendar::china_2022()).await?;
    link_accounts(&txn, &demo_org).await?;
    let staff_user = store::find_user_by_username(&txn, "staff").await?.expect("demo staff account exists");
    let staff = Who { committee_id: Some(id_of(DEMO_CODE)), actor_id: Some(staff_user.id), actor_name: staff_user.username.clone(), ip: "-".into() };
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    studios::load(&txn, studios::Context { committee_id: id_of(DEMO_CODE), staff: &staff, today }).await?;
    let session = crate::org::terms::terms(&txn, id_of(DEMO_CODE)).await?.into_iter().next().expect("demo term");
    let session_id = crate::org::terms::plenaries(&txn, session.id).await?.iter().map(|p| p.id).max().expect("demo plenary");
    let units: Vec<(i64, String)> = store::units(&txn, id_of(DEMO_CODE)).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let ctx = proposals::Context { committee_id: id_of(DEMO_CODE), session_id, members: &demo_org.member_ids, units: &units, staff: &staff };
    proposals::load(&txn, ctx).await?;
    visits::load(&txn, id_of(DEMO_CODE), &staff).await?;
    activities::load(&txn, id_of(DEMO_CODE), &demo_org.member_ids, &staff).await?;
    activities::load_neighbours(&txn, id_of).await?;
    research::load(&txn, id_of(DEMO_CODE), &demo_org.member_ids, &staff).await?;
    liaison::load(&txn, id_of(DEMO_CODE), &demo_org.member_ids, &staff).await?;
    projects::load(&txn, id_of(DEMO_CODE), &demo_org.member_ids, &staff).await?;
    let deliberating = consultations::load(&txn, id_of(DEMO_CODE), &demo_org.member_ids, &staff).await?;
    deliberation::load(&txn, deliberating, &demo_org.member_ids).await?;
    opinions::load(&txn, id_of(DEMO_CODE), id_of("xiangtan"), &demo_org.member_ids, &staff).await?;
    evaluation::load(&txn, id_of(DEMO_CODE), &demo_org.member_ids, &staff).await?;
    let who = Who::anonymous(Some(id_of(DEMO_CODE)), "demo", "-");
    audit::record(&txn, &who, "create", "committee", id_of(DEMO_CODE), "载入演示数据").await?;
    txn.commit().await?;
    Ok(Some(printed))
}

/// The demo's leader account is the chair's, its member accounts the eighth and ninth members'
/// (two, so that a joint proposal can be signed by both).
async fn link_accounts(db: &impl sea_orm::ConnectionTrait, demo: &org::DemoOrg) -> Result<(), sea_orm::DbErr> {
    use crate::org::members::member;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    for (username, member_id) in [("leader", demo.member_ids[0]), ("member", demo.member_ids[7]), ("member2", demo.member_ids[8])] {
        let user = store::find_user_by_username(db, username).await?.expect("demo account exists");
        member::Entity::update_many()
            .col_expr(member::Column::UserId, Expr::value(user.id))
            .filter(member::Column::Id.eq(member_id))
            .exec(db)
            .await?;
    }
    Ok(())
}
