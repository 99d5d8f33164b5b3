//! The demo's 2022 evaluation: the rest of the year's duties (the plenary in January, the
//! standing committee's meetings, two group activities a group in the second half, training,
//! volunteering and the year-end assistance), speeches at the plenary added by staff, the
//! committee's own 2022 rules, and the year evaluated under them. Three members stop taking part
//! after the spring (the inactive ones, absent from everything since); a few more miss the
//! plenary (three without leave, two with it) or write neither proposal nor report — so the ranking has a top, a middle, members
//! failing minimums and inactive members, all from records.
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::activities::model::{ActivityInput, ActivityKind, Attendance};
use crate::activities::store;
use crate::app::audit::Who;
use crate::demo::activities::settle;
use crate::evaluation::evaluate::{compute, members_in_office};
use crate::evaluation::model::{ConsequenceKind, as_of};
use crate::evaluation::rules::{Band, Minimum, Rulebook, default_rulebook};
use crate::evaluation::store::{self as evaluation, NewAction, NewManual};
use crate::org::members;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, d).expect("valid demo date")
}

/// The committee's 2022 rules: the default, except that one proposal *or* one report meets
/// the writing duty (as many district rules say) and excellence starts at 90.
pub fn rules_2022() -> Rulebook {
    let mut r = default_rulebook(2022);
    r.minimums.retain(|m| !m.kinds.iter().any(|k| k == "proposal_filed" || k == "opinion_submitted"));
    r.minimums.insert(1, Minimum { name: "提交提案或社情民意信息至少1件".into(), kinds: vec!["proposal_filed".into(), "opinion_submitted".into()], count: 1 });
    r.bands = vec![Band { name: "优秀".into(), from: 90.0 }, Band { name: "称职".into(), from: 60.0 }, Band { name: "不称职".into(), from: f64::MIN }];
    r
}

struct Meeting {
    kind: ActivityKind,
    title: String,
    on: NaiveDate,
    invited: Vec<i64>,
    households: i32,
    yuan: i64,
}

pub async fn load(txn: &DatabaseTransaction, committee_id: i64, member_ids: &[i64], staff: &Who) -> Result<(), DbErr> {
    let mut rng = StdRng::seed_from_u64(2022_1231);
    // The last three members stop after the spring; two more stay away from the plenary.
    let inactive: Vec<i64> = member_ids.iter().rev().take(3).copied().collect();
    let plenary_absent = [member_ids[40], member_ids[95], inactive[0]];
    let plenary_leave = [member_ids[60], member_ids[130]];
    let all = members_in_office(txn, committee_id, day(12, 31)).await?;
    let standing: Vec<i64> = all.iter().filter(|m| m.position != "member").map(|m| m.id).collect();
    let groups = members::groups_of(txn, member_ids).await?;
    let mut by_group: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
    for (m, gs) in &groups {
        for g in gs {
            by_group.entry(*g).or_default().push(*m);
        }
    }
    let group_names: std::collections::HashMap<i64, String> = crate::org::structure::groups(txn, committee_id).await?.into_iter().map(|g| (g.id, g.name)).collect();
    let mut meetings = vec![Meeting { kind: ActivityKind::Plenary, title: "政协岳塘区第十届委员会第二次会议".into(), on: day(1, 8), invited: member_ids.to_vec(), households: 0, yuan: 0 }];
    for (k, on) in [day(6, 28), day(9, 27), day(12, 20)].into_iter().enumerate() {
        meetings.push(Meeting { kind: ActivityKind::StandingCommittee, title: format!("十届常委会第{}次会议", k + 4), on, invited: standing.clone(), households: 0, yuan: 0 });
    }
    for (i, (g, ms)) in by_group.iter().enumerate() {
        let name = group_names.get(g).cloned().unwrap_or_default();
        meetings.push(Meeting { kind: ActivityKind::GroupActivity, title: format!("{name}学习交流"), on: day(7, 5) + Duration::days(i as i64 % 20), invited: ms.clone(), households: 0, yuan: 0 });
        meetings.push(Meeting { kind: ActivityKind::Inspection, title: format!("{name}视察民生实事项目"), on: day(10, 11) + Duration::days(i as i64 % 20), invited: ms.clone(), households: 0, yuan: 0 });
    }
    let pick = |rng: &mut StdRng, n: usize| -> Vec<i64> { member_ids.iter().copied().filter(|_| rng.random_range(0..member_ids.len()) < n).collect() };
    let trained = pick(&mut rng, 70);
    meetings.push(Meeting { kind: ActivityKind::Training, title: "委员履职能力提升培训（下半年）".into(), on: day(9, 15), invited: trained, households: 0, yuan: 0 });
    let volunteers = pick(&mut rng, 25);
    meetings.push(Meeting { kind: ActivityKind::Volunteering, title: "重阳节敬老志愿服务".into(), on: day(10, 4), invited: volunteers, households: 0, yuan: 0 });
    let assisting = pick(&mut rng, 12);
    meetings.push(Meeting { kind: ActivityKind::Assistance, title: "年终走访慰问困难群众".into(), on: day(12, 28), invited: assisting, households: 40, yuan: 24_000 });
    for m in meetings {
        let input = ActivityInput {
            kind: m.kind,
            title: m.title,
            organiser: "区政协办公室".into(),
            group_id: None,
            on_date: m.on,
            end_date: m.on,
            place_id: None,
            address: String::new(),
            description: if m.households > 0 { format!("走访慰问困难群众{}户，发放慰问金{}元。", m.households, m.yuan) } else { String::new() },
            people_served: m.households,
            volunteers: 0,
            households: m.households,
            funds_fen: m.yuan * 100,
            items_given: String::new(),
            items_count: 0,
            participant_ids: m.invited,
            shared: false,
        };
        let at = m.on.and_hms_opt(9, 0, 0).expect("valid time").and_utc() - Duration::hours(8);
        let a = store::insert(txn, committee_id, &input, staff, at).await?;
        let plenary = m.kind == ActivityKind::Plenary;
        for p in store::participants(txn, a.id).await? {
            // The plenary's roll is settled by name: three absent without leave, two on leave.
            let attendance = if plenary && plenary_absent.contains(&p.member_id) {
                Attendance::Absent
            } else if plenary && plenary_leave.contains(&p.member_id) {
                Attendance::OnLeave
            } else if plenary {
                Attendance::Present
            } else if inactive.contains(&p.member_id) {
                Attendance::Absent
            } else {
                match rng.random_range(0..25) {
                    0 => Attendance::Absent,
                    1..=3 => Attendance::OnLeave,
                    _ => Attendance::Present,
                }
            };
            settle(txn, p, attendance, at + Duration::minutes(rng.random_range(0..30))).await?;
        }
    }
    // Speeches at the plenary: staff add them by hand (the plenary's programme is not a record).
    for m in member_ids.iter().skip(3).step_by(29).take(6) {
        let speech = NewManual { member_id: *m, kind: "speech".into(), on_date: day(1, 8), reason: "在区政协十届二次会议上作大会发言".into() };
        evaluation::add_manual(txn, committee_id, &speech, staff).await?;
    }
    let rules = rules_2022();
    evaluation::save_rules(txn, committee_id, &rules, staff, "2022年度履职评价规则").await?;
    let judged = as_of(2022, crate::app::shell::today());
    let ids: Vec<i64> = members_in_office(txn, committee_id, judged).await?.iter().map(|m| m.id).collect();
    let results = compute(txn, committee_id, &rules, judged, &ids).await?;
    evaluation::save_evaluation(txn, committee_id, &rules, judged, &results, staff).await?;
    // The first inactive member has had its reminder talk.
    let talk = NewAction { member_id: inactive[0], year: 2022, kind: ConsequenceKind::ReminderTalk, on_date: NaiveDate::from_ymd_opt(2023, 1, 10).expect("valid date"), notes: "主席会议成员与其谈话，提醒按时参加活动、履行委员职责。".into() };
    evaluation::add_action(txn, committee_id, &talk, staff).await?;
    Ok(())
}
