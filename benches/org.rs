//! Province-scale benchmark of the organization area (not a test): 150 committees with 400
//! members each (60,000 members) on SQLite, then
//! - the member list page (filters, search, pagination) rendered through the full router,
//!   p50/p99 over 500 requests;
//! - a 10,000-row roster import (read, validate, write), best of 3.
//!
//! Run: `cargo bench --bench org`.
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{EntityTrait, Set};
use tower::ServiceExt;
use xieshang::app::audit::Who;
use xieshang::app::config::Config;
use xieshang::app::{self, auth};
use xieshang::org::import::{self, ImportOptions};
use xieshang::org::members::member;
use xieshang::org::model::{CommitteeCode, CommitteeLevel, Password, Role, Username};
use xieshang::org::roster::{self, RosterRow};
use xieshang::org::store::{self, NewCommittee, NewUser};
use xieshang::org::structure;
use xieshang::org::values::{Gender, MemberStatus, Phone, Position, YearMonth};

const COMMITTEES: usize = 150;
const MEMBERS_PER: usize = 400;

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("xieshang-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config { database_url: format!("sqlite://{}/bench.db?mode=rwc", dir.display()), ..Config::default() };
    let state = app::prepare(config).await.unwrap();
    let db = &state.db;
    let mut rng = StdRng::seed_from_u64(7);
    let started = Instant::now();
    let mut first = None;
    for c in 0..COMMITTEES {
        let code = CommitteeCode::parse(&format!("c{c:03}")).unwrap();
        let com = store::insert_committee(db, NewCommittee { code, name: format!("第{c}区政协"), level: CommitteeLevel::County, parent_id: None }).await.unwrap();
        let mut sectors = Vec::new();
        for s in 0..20 {
            sectors.push(structure::insert_sector(db, com.id, &format!("界别{s}")).await.unwrap().id);
        }
        let mut places = Vec::new();
        for p in 0..12 {
            places.push(structure::insert_place(db, com.id, &format!("街道{p}"), structure::PlaceKind::Street, None).await.unwrap().id);
        }
        let batch: Vec<member::ActiveModel> = (0..MEMBERS_PER)
            .map(|i| member::ActiveModel {
                committee_id: Set(com.id),
                name: Set(format!("委员{c}_{i}")),
                initials: Set(format!("wy{i}")),
                gender: Set(Some("male".into())),
                birth_month: Set(Some("1975-03".into())),
                ethnicity: Set(None),
                party: Set(None),
                sector_id: Set(sectors[rng.random_range(0..20)]),
                place_id: Set(Some(places[rng.random_range(0..12)])),
                position: Set("member".into()),
                employer: Set(None),
                mobile: Set(Some(format!("139{:08}", c * MEMBERS_PER + i))),
                status: Set(if i % 20 == 0 { "resigned" } else { "in_office" }.into()),
                status_since: Set(None),
                user_id: Set(None),
                created_at: Set(chrono::Utc::now()),
                updated_at: Set(chrono::Utc::now()),
                ..Default::default()
            })
            .collect();
        for chunk in batch.chunks(200) {
            member::Entity::insert_many(chunk.to_vec()).exec(db).await.unwrap();
        }
        first.get_or_insert((com.id, sectors, places));
    }
    println!("seeded {} members in {:.1?}", COMMITTEES * MEMBERS_PER, started.elapsed());

    let (committee_id, sectors, places) = first.unwrap();
    let hash = auth::hash_password(&Password::generate());
    let user = store::insert_user(db, NewUser { committee_id, username: Username::parse("bench").unwrap(), display_name: "bench".into(), password_hash: hash, role: Role::Staff, unit_id: None }).await.unwrap();
    let token = auth::start_session(db, user.id, "-").await.unwrap();
    let router = app::build(state.clone());
    let queries = [
        String::from("/members"),
        format!("/members?sector={}", sectors[3]),
        format!("/members?place={}&status=in_office", places[5]),
        String::from("/members?q=wy1"),
        String::from("/members?q=委员0_3"),
        String::from("/members?page=10"),
    ];
    for q in &queries {
        let mut times = Vec::new();
        for _ in 0..500 {
            let req = Request::get(q.as_str()).header(header::COOKIE, format!("xs_session={token}")).body(Body::empty()).unwrap();
            let t = Instant::now();
            let res = router.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), 200);
            res.into_body().collect().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        println!("list page {q:<32} p50 {:>7.2?}  p99 {:>7.2?}", times[250], times[494]);
    }

    let rows: Vec<RosterRow> = (0..10_000)
        .map(|i| RosterRow {
            line: i + 2,
            name: format!("导入委员{i}"),
            gender: Some(if i % 3 == 0 { Gender::Female } else { Gender::Male }),
            birth_month: YearMonth::new(1960 + (i % 30) as u16, 1 + (i % 12) as u8),
            ethnicity: Some("汉族".into()),
            party: None,
            sector: format!("界别{}", i % 20),
            position: Position::Member,
            employer: Some("某单位 职员".into()),
            groups: vec![format!("小组{}", i % 12)],
            place: Some(format!("街道{}", i % 12)),
            mobile: Phone::parse("m", &format!("137{:08}", i)).ok(),
            status: MemberStatus::InOffice,
        })
        .collect();
    let file = roster::write_xlsx(&rows).unwrap();
    let mut best = Duration::MAX;
    for round in 0..3 {
        let code = CommitteeCode::parse(&format!("imp{round}")).unwrap();
        let com = store::insert_committee(db, NewCommittee { code, name: format!("导入{round}"), level: CommitteeLevel::County, parent_id: None }).await.unwrap();
        let t = Instant::now();
        let table = roster::read_table("roster.xlsx", &file).unwrap();
        let parsed = roster::parse_rows(&table).unwrap();
        let who = Who::anonymous(Some(com.id), "bench", "-");
        let report = import::import_members(db, com.id, &who, &parsed, ImportOptions { create_missing: true, dry_run: false }).await.unwrap().unwrap();
        let took = t.elapsed();
        assert_eq!(report.created, 10_000);
        best = best.min(took);
        println!("import 10,000-row xlsx: {took:.2?}");
    }
    println!("import 10,000-row xlsx, best of 3: {best:.2?}");
    let _ = std::fs::remove_dir_all(&dir);
}
