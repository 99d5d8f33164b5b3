//! Activities in the database: attendance through the rules (QR sign-in while the activity
//! runs, leave, closing the roll), and the demo's figures counted from its records.
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use xieshang::activities::model::{ActivityForm, ActivityChoices, Attendance, AttendanceAction};
use xieshang::activities::store::{self, ActivityFilter, activity, participant};
use xieshang::app::audit::Who;
use xieshang::app::error::AppError;

use crate::harness::TestApp;

fn who() -> Who {
    Who { committee_id: None, actor_id: None, actor_name: "staff".into(), ip: "-".into() }
}

fn d(m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, dd).unwrap()
}

async fn committee(app: &TestApp, code: &str) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, code).await.unwrap().unwrap().id
}

#[tokio::test]
async fn a_sign_in_code_marks_its_own_activity_only_while_it_runs() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let cid = committee(&app, "yuetang").await;
    let members: Vec<i64> = xieshang::org::members::all(db, cid, &Default::default()).await.unwrap().iter().take(3).map(|m| m.id).collect();
    let form = ActivityForm { kind: "training".into(), title: "委员履职培训".into(), on_date: "2022-05-10".into(), end_date: "2022-05-11".into(), participant_ids: vec![members[0].to_string()], ..Default::default() };
    let input = form.parse(&ActivityChoices { groups: &[], places: &[], members: &members }).unwrap();
    let a = store::create(db, cid, &input, &who()).await.unwrap();
    let other = store::create(db, cid, &input, &who()).await.unwrap();
    assert_ne!(a.sign_in_code, other.sign_in_code, "each activity has its own code");
    assert_eq!(store::find_by_code(db, cid, &a.sign_in_code).await.unwrap().map(|x| x.id), Some(a.id));
    let city = committee(&app, "xiangtan").await;
    assert!(store::find_by_code(db, city, &a.sign_in_code).await.unwrap().is_none(), "a code works in its committee only");

    let early = store::attend(db, &a, members[0], AttendanceAction::SignIn, "", d(5, 9), &who()).await;
    assert!(matches!(early, Err(AppError::Invalid(_))));
    assert_eq!(store::attend(db, &a, members[0], AttendanceAction::SignIn, "", d(5, 11), &who()).await.unwrap(), Attendance::Present, "the last day counts");
    assert_eq!(store::attend(db, &a, members[1], AttendanceAction::SignIn, "", d(5, 10), &who()).await.unwrap(), Attendance::Present, "a walk-in is added");
    let late = store::attend(db, &a, members[2], AttendanceAction::SignIn, "", d(5, 12), &who()).await;
    assert!(matches!(late, Err(AppError::Invalid(_))), "the code expires with the activity");
    let roll: std::collections::BTreeMap<i64, Attendance> = store::participants(db, a.id).await.unwrap().iter().map(|p| (p.member_id, p.attendance())).collect();
    assert_eq!(roll, [(members[0], Attendance::Present), (members[1], Attendance::Present)].into(), "only the members who scanned are marked");
    assert!(store::participants(db, other.id).await.unwrap().iter().all(|p| p.attendance() == Attendance::Invited), "the other activity is untouched");
}

#[tokio::test]
async fn leave_is_asked_before_and_decided_by_staff_and_the_roll_closes_after() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let cid = committee(&app, "yuetang").await;
    let members: Vec<i64> = xieshang::org::members::all(db, cid, &Default::default()).await.unwrap().iter().take(2).map(|m| m.id).collect();
    let ids: Vec<String> = members.iter().map(i64::to_string).collect();
    let form = ActivityForm { kind: "study".into(), title: "学习会".into(), on_date: "2022-06-01".into(), participant_ids: ids, ..Default::default() };
    let a = store::create(db, cid, &form.parse(&ActivityChoices { groups: &[], places: &[], members: &members }).unwrap(), &who()).await.unwrap();
    let no_reason = store::attend(db, &a, members[0], AttendanceAction::RequestLeave, " ", d(5, 30), &who()).await;
    assert!(matches!(no_reason, Err(AppError::Invalid(ref e)) if e[0].field == "leave_reason"));
    assert_eq!(store::attend(db, &a, members[0], AttendanceAction::RequestLeave, "外出开会", d(5, 30), &who()).await.unwrap(), Attendance::LeaveRequested);
    assert_eq!(store::attend(db, &a, members[0], AttendanceAction::ApproveLeave, "", d(5, 31), &who()).await.unwrap(), Attendance::OnLeave);
    let early_close = store::attend(db, &a, members[1], AttendanceAction::Close, "", d(6, 1), &who()).await;
    assert!(early_close.is_err(), "the roll closes after the activity");
    assert_eq!(store::attend(db, &a, members[1], AttendanceAction::Close, "", d(6, 2), &who()).await.unwrap(), Attendance::Absent);
    let roll = store::participants(db, a.id).await.unwrap();
    let p = roll.iter().find(|p| p.member_id == members[0]).unwrap();
    assert_eq!((p.leave_reason.as_str(), p.leave_status.as_str()), ("外出开会", "approved"));
}

#[tokio::test]
async fn the_demo_reports_the_articles_activity_figures_from_its_records() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let cid = committee(&app, "yuetang").await;
    let f = ActivityFilter { from: Some(d(1, 1)), to: Some(d(4, 19)), ..Default::default() };
    let t = store::totals(db, cid, &f).await.unwrap();
    // The same figures counted straight from the rows of the period (the demo's year goes on
    // after the article: the evaluation's second half).
    let all = activity::Entity::find().filter(activity::Column::CommitteeId.eq(cid)).filter(activity::Column::OnDate.between(d(1, 1), d(4, 19))).all(db).await.unwrap();
    let of = |k: &'static str| all.iter().filter(move |a| a.kind == k);
    let interaction = all.iter().filter(|a| ["study", "training", "speech", "group_activity"].contains(&a.kind.as_str())).count() as u64;
    let households: i64 = of("assistance").map(|a| a.households as i64).sum();
    let fen: i64 = of("assistance").map(|a| a.funds_fen).sum();
    let volunteering: Vec<i64> = of("volunteering").map(|a| a.id).collect();
    let person_times = participant::Entity::find()
        .filter(participant::Column::ActivityId.is_in(volunteering))
        .filter(participant::Column::Attendance.eq("present"))
        .count(db)
        .await
        .unwrap();
    assert_eq!((t.interaction, t.households_assisted as i64, t.assistance_fen, t.volunteer_person_times), (interaction, households, fen, person_times));
    // The article: 30+ study and exchange activities, 80+ volunteer person-times, Spring
    // Festival assistance to 320+ households with 200,000+ yuan, 200+ volunteers, 500,000+ masks.
    assert!(t.interaction >= 30 && t.volunteer_person_times >= 80, "{t:?}");
    assert!(t.households_assisted >= 320 && t.assistance_fen >= 200_000 * 100, "{t:?}");
    assert!(t.volunteers >= 200 && t.items_count >= 500_000, "{t:?}");
    assert!(all.iter().any(|a| a.title.contains("闯新路、破险阻、凝共识，岳塘政协怎么干？") && a.kind == "speech"));
}

#[tokio::test]
async fn days_present_in_the_field_count_as_field_days_and_meetings_do_not() {
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let cid = committee(&app, "yuetang").await;
    let m = xieshang::org::members::all(db, cid, &Default::default()).await.unwrap()[0].id;
    let choices = ActivityChoices { groups: &[], places: &[], members: &[m] };
    let make = |kind: &str, on: &str, end: &str| ActivityForm { kind: kind.into(), title: "活动".into(), on_date: on.into(), end_date: end.into(), participant_ids: vec![m.to_string()], ..Default::default() };
    let research = store::create(db, cid, &make("research", "2023-03-06", "2023-03-07").parse(&choices).unwrap(), &who()).await.unwrap();
    let study = store::create(db, cid, &make("study", "2023-03-08", "").parse(&choices).unwrap(), &who()).await.unwrap();
    // Invited but never signed in: not a field day.
    let _missed = store::create(db, cid, &make("volunteering", "2023-03-09", "").parse(&choices).unwrap(), &who()).await.unwrap();
    for (a, on) in [(&research, "2023-03-06"), (&study, "2023-03-08")] {
        let day = NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
        store::attend(db, a, m, AttendanceAction::SignIn, "", day, &who()).await.unwrap();
    }
    let y = |mm, dd| NaiveDate::from_ymd_opt(2023, mm, dd).unwrap();
    let days = store::field_days(db, cid, &[m], y(3, 6), y(3, 12)).await.unwrap();
    assert_eq!(days.get(&m).cloned().unwrap_or_default(), vec![y(3, 6), y(3, 7)], "both days of the research trip; not the study session, not an activity missed");
    let clipped = store::field_days(db, cid, &[m], y(3, 7), y(3, 12)).await.unwrap();
    assert_eq!(clipped[&m], vec![y(3, 7)], "only days inside the period");
}
