//! Proposals in the database: joint drafts and their signatures, and filing numbers that stay
//! unique and gap-free when many are filed at once (on both backends).
use std::collections::BTreeSet;

use xieshang::app::audit::Who;
use xieshang::app::error::AppError;
use xieshang::proposals::model::{ProposalAction, ProposalActor, ProposalKind, ProposalState};
use xieshang::proposals::store::{self, NewProposal, Proposal};

use crate::harness::TestApp;

struct Fixture {
    committee_id: i64,
    session_id: i64,
    members: Vec<i64>,
}

async fn fixture(app: &TestApp) -> Fixture {
    let db = &app.state.db;
    let c = xieshang::org::store::find_committee_by_code(db, "yuetang").await.unwrap().unwrap();
    let term = xieshang::org::terms::terms(db, c.id).await.unwrap().remove(0);
    // The first plenary: the demo's own proposals belong to the second.
    let session_id = xieshang::org::terms::plenaries(db, term.id).await.unwrap()[0].id;
    let members = xieshang::org::members::all(db, c.id, &Default::default()).await.unwrap().iter().take(20).map(|m| m.id).collect();
    Fixture { committee_id: c.id, session_id, members }
}

fn who(name: &str) -> Who {
    Who { committee_id: None, actor_id: None, actor_name: name.into(), ip: "-".into() }
}

async fn draft(app: &TestApp, f: &Fixture, lead: usize, cosigners: &[usize], title: &str) -> Proposal {
    let p = NewProposal {
        kind: ProposalKind::Plenary,
        session_id: Some(f.session_id),
        title: title.into(),
        body: "建议将老旧小区加装电梯纳入年度改造计划，并给予财政补贴。".into(),
        suggested_units: "区住房和城乡建设局".into(),
        lead_member_id: f.members[lead],
        cosigner_ids: cosigners.iter().map(|i| f.members[*i]).collect(),
    };
    store::create_draft(&app.state.db, f.committee_id, &p, &who("委员")).await.unwrap()
}

#[tokio::test]
async fn a_joint_proposal_waits_for_every_cosigner_and_only_the_lead_edits() {
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let db = &app.state.db;
    let p = draft(&app, &f, 0, &[1, 2], "关于加强老旧小区改造的建议").await;
    let cosigner = store::role_of(db, &p, f.members[1]).await.unwrap();
    assert_eq!(cosigner, Some(ProposalActor::CoSigner));
    let text = |title: &str, body: &str| store::NewText { kind: ProposalKind::Regular, title: title.into(), body: body.into(), suggested_units: "区住房和城乡建设局".into() };
    assert!(matches!(store::edit(db, &p, cosigner, &text("改标题", "改内容"), &who("x")).await, Err(AppError::Forbidden)), "a co-signer cannot edit");
    let p = store::edit(db, &p, Some(ProposalActor::Lead), &text("关于加快老旧小区改造的建议", &p.body), &who("lead")).await.unwrap();
    assert_eq!((p.title.as_str(), p.kind.as_str()), ("关于加快老旧小区改造的建议", "regular"));

    let p = store::transition(db, &p, ProposalAction::Submit { joint: true }, ProposalActor::Lead, "", &who("lead")).await.unwrap();
    assert_eq!(p.state(), ProposalState::CollectingSignatures);
    assert!(matches!(store::edit(db, &p, Some(ProposalActor::Lead), &text("再改", "再改"), &who("lead")).await, Err(AppError::Invalid(_))), "no edits once sent");
    assert!(matches!(store::cosign(db, &p, f.members[5], &who("stranger")).await, Err(AppError::Forbidden)));
    let p = store::cosign(db, &p, f.members[1], &who("c1")).await.unwrap();
    assert_eq!(p.state(), ProposalState::CollectingSignatures, "one co-signer still to confirm");
    assert!(store::cosign(db, &p, f.members[1], &who("c1")).await.is_err(), "confirming twice is refused");
    let p = store::cosign(db, &p, f.members[2], &who("c2")).await.unwrap();
    assert_eq!(p.state(), ProposalState::Submitted);
    assert!(p.submitted_at.is_some());

    // Returning needs a reason; the returned proposal is editable again.
    let refused = store::transition(db, &p, ProposalAction::Return, ProposalActor::Staff, " ", &who("staff")).await;
    assert!(matches!(refused, Err(AppError::Invalid(_))));
    let p = store::transition(db, &p, ProposalAction::Return, ProposalActor::Staff, "请补充具体改造数据", &who("staff")).await.unwrap();
    assert!(p.state().editable() && p.reason.as_deref() == Some("请补充具体改造数据"));
    let timeline = xieshang::tracking::store::timeline(db, "proposal", p.id).await.unwrap();
    let actions: Vec<&str> = timeline.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "edit", "submit", "cosign", "cosign", "return"]);
}

#[tokio::test]
async fn concurrent_filing_gives_unique_gap_free_numbers() {
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let db = app.state.db.clone();
    let mut ready = Vec::new();
    for i in 0..12 {
        let p = draft(&app, &f, i, &[], &format!("关于第{i}件事的建议")).await;
        let p = store::transition(&db, &p, ProposalAction::Submit { joint: false }, ProposalActor::Lead, "", &who("lead")).await.unwrap();
        ready.push(store::transition(&db, &p, ProposalAction::Accept, ProposalActor::Staff, "", &who("staff")).await.unwrap());
    }
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|p| {
            let db = db.clone();
            tokio::spawn(async move { store::file(&db, &p, "第{seq}号", &who("staff")).await })
        })
        .collect();
    let mut numbers = BTreeSet::new();
    for t in tasks {
        let filed = t.await.unwrap().expect("every filing succeeds");
        assert_eq!(filed.state(), ProposalState::Filed);
        numbers.insert(filed.number.unwrap());
    }
    let expected: BTreeSet<String> = (1..=12).map(|n| format!("第{n:03}号")).collect();
    assert_eq!(numbers, expected, "twelve distinct numbers, none skipped");

    // A proposal that is not in review cannot be filed.
    let p = draft(&app, &f, 13, &[], "关于草稿的建议").await;
    assert!(matches!(store::file(&db, &p, "第{seq}号", &who("staff")).await, Err(AppError::Invalid(_))));
}

#[tokio::test]
async fn a_member_drafts_and_submits_and_staff_review_and_file_through_the_pages() {
    use axum::http::StatusCode;
    let app = TestApp::demo().await;
    let member = app.login("member").await;
    let body = "我区老旧小区数量多、设施陈旧，居民出行不便。建议将加装电梯纳入年度改造计划，由财政给予补贴，并简化审批流程。";
    let bad = member.post_form("/proposals", &[("kind", "regular"), ("title", "短"), ("body", "太短")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("标题须为5至100字") && bad.text.contains("50至10000字"));
    let res = member.post_form("/proposals", &[("kind", "plenary"), ("title", "关于加快老旧小区加装电梯的建议"), ("body", body), ("suggested_units", "区住房和城乡建设局")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let path = res.location().to_string();
    let id = path.rsplit('/').next().unwrap();

    // Staff do not see a draft; a 大会提案 outside its session's window cannot be sent in.
    let staff = app.login("staff").await;
    assert_eq!(staff.get(&path).await.status, StatusCode::NOT_FOUND);
    let refused = member.post_form(&format!("{path}/act"), &[("action", "submit")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("不在大会提案征集期内"), "{}", refused.text);

    // As a 平时提案 it goes in; staff review it and file it with the session's first number.
    let f = fixture(&app).await;
    let p = store::find(&app.state.db, f.committee_id, id.parse().unwrap()).await.unwrap().unwrap();
    let mut am: xieshang::proposals::store::proposal::ActiveModel = p.into();
    am.kind = sea_orm::Set("regular".into());
    sea_orm::ActiveModelTrait::update(am, &app.state.db).await.unwrap();
    assert_eq!(member.post_form(&format!("{path}/act"), &[("action", "submit")]).await.status, StatusCode::SEE_OTHER);
    assert!(staff.get("/proposals").await.text.contains("关于加快老旧小区加装电梯的建议"));
    let page = staff.get(&path).await.text;
    assert!(page.contains("初审通过") && page.contains("退回修改") && !page.contains("立案</button>"));
    let no_reason = staff.post_form(&format!("{path}/act"), &[("action", "return"), ("reason", "")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(member.post_form(&format!("{path}/act"), &[("action", "accept")]).await.status, StatusCode::FORBIDDEN, "members do not review");
    staff.post_form(&format!("{path}/act"), &[("action", "accept")]).await;
    // Numbered after the demo's proposals of the same session.
    let numbered = {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        use xieshang::proposals::store::proposal;
        let p = store::find(&app.state.db, f.committee_id, id.parse().unwrap()).await.unwrap().unwrap();
        proposal::Entity::find().filter(proposal::Column::SessionId.eq(p.session_id)).filter(proposal::Column::Seq.is_not_null()).count(&app.state.db).await.unwrap()
    };
    let expected = format!("第{:03}号", numbered + 1);
    let filed = staff.post_form(&format!("{path}/act"), &[("action", "file")]).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER);
    let page = member.get(&path).await.text;
    assert!(page.contains(&expected) && page.contains("已立案"), "{page}");

    // Assigned to the housing bureau alone; only that unit sees it and answers; staff approve;
    // the proposer rates and staff conclude.
    let unit = app.login("unit").await;
    assert_eq!(unit.get(&path).await.status, StatusCode::NOT_FOUND, "not handed to the unit yet");
    let unit_id = xieshang::org::store::find_user_by_username(&app.state.db, "unit").await.unwrap().unwrap().unit_id.unwrap().to_string();
    let wrong = staff.post_form(&format!("{path}/assign"), &[("mode", "split"), ("unit_ids", &unit_id)]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "分办 needs two units");
    let ok = staff.post_form(&format!("{path}/assign"), &[("mode", "single"), ("lead_unit", &unit_id)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert!(unit.get("/proposals").await.text.contains("关于加快老旧小区加装电梯的建议"));
    let page = unit.get(&path).await.text;
    let part = page.split(&format!("{path}/parts/")).nth(1).unwrap().split('"').next().unwrap().to_string();
    let reply = unit.post_form(&format!("{path}/parts/{part}"), &[("action", "reply"), ("class", "B"), ("text", "已列入明年老旧小区改造计划")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    assert_eq!(unit.post_form(&format!("{path}/parts/{part}"), &[("action", "approve")]).await.status, StatusCode::FORBIDDEN);
    staff.post_form(&format!("{path}/parts/{part}"), &[("action", "approve")]).await;
    let page = member.get(&path).await.text;
    assert!(page.contains("已答复") && page.contains("评价答复"), "{page}");
    member.post_form(&format!("{path}/rate"), &[("satisfaction", "satisfied"), ("contacted", "yes")]).await;
    assert!(staff.get(&path).await.text.contains("已评价"));
    staff.post_form(&format!("{path}/act"), &[("action", "conclude")]).await;
    assert!(member.get(&path).await.text.contains("已办结"));

    // The API, with its filters and scopes.
    let c = app.client();
    let t = app.token("staff").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let all = c.get_bearer(&format!("/api/v1/proposals?status=concluded&from={today}"), &t).await.json();
    assert_eq!(all["total"], 1, "today's, not the demo's of 2022");
    assert_eq!(all["items"][0]["number"], expected.as_str());
    let lead = all["items"][0]["member_ids"][0].as_i64().unwrap();
    assert_eq!(c.get_bearer(&format!("/api/v1/proposals?member={lead}&unit={unit_id}&from={today}"), &t).await.json()["total"], 1);
    assert_eq!(c.get_bearer(&format!("/api/v1/proposals?key=true&from={today}"), &t).await.json()["total"], 0);
    assert_eq!(c.get_bearer("/api/v1/proposals?status=lost", &t).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.get_bearer(&format!("/api/v1/proposals/{id}"), &app.token("unit").await).await.json()["state"], "concluded");
    let leader = c.get_bearer("/api/v1/proposals?from=2000-01-01&to=2000-12-31", &app.token("leader").await).await.json();
    assert_eq!(leader["total"], 0);
}

#[tokio::test]
async fn a_joint_assignment_is_answered_rated_rehandled_and_concluded() {
    use xieshang::proposals::model::{AnswerClass, AssignMode, PartAction, PartActor, PartRole, PartState, Satisfaction};
    use xieshang::proposals::store::PartInput;
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let db = &app.state.db;
    let units = xieshang::org::store::units(db, f.committee_id).await.unwrap();
    let (lead_unit, co_unit) = (units[0].id, units[1].id);
    let p = draft(&app, &f, 0, &[1], "关于推进老旧小区加装电梯的建议").await;
    let p = store::transition(db, &p, ProposalAction::Submit { joint: true }, ProposalActor::Lead, "", &who("lead")).await.unwrap();
    let p = store::cosign(db, &p, f.members[1], &who("c")).await.unwrap();
    let p = store::transition(db, &p, ProposalAction::Accept, ProposalActor::Staff, "", &who("staff")).await.unwrap();
    let p = store::file(db, &p, "{year}-{seq}", &who("staff")).await.unwrap();

    let day = chrono::NaiveDate::from_ymd_opt(2022, 1, 20).unwrap();
    let bad = store::assign(db, &p, AssignMode::Joint, Some(lead_unit), &[], day, &who("staff")).await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "会办 needs a co-unit");
    let p = store::assign(db, &p, AssignMode::Joint, Some(lead_unit), &[co_unit], day, &who("staff")).await.unwrap();
    assert_eq!((p.state(), p.deadline), (ProposalState::Assigned, chrono::NaiveDate::from_ymd_opt(2022, 4, 20)));
    let parts = store::parts(db, p.id).await.unwrap();
    let (lead_part, co_part) = (parts.iter().find(|x| x.unit_id == lead_unit).unwrap().id, parts.iter().find(|x| x.unit_id == co_unit).unwrap().id);
    assert_eq!(parts.iter().find(|x| x.id == co_part).unwrap().role(), PartRole::CoUnit);

    let unit = |text: &str, class: Option<AnswerClass>| PartInput { class, text: text.into() };
    let refused = store::move_part(db, &p, co_part, PartAction::Reply, PartActor::Unit, &unit("答复", Some(AnswerClass::A)), &who("co")).await;
    assert!(refused.is_err(), "a co-unit sends an opinion, it does not answer");
    store::move_part(db, &p, co_part, PartAction::SendOpinion, PartActor::Unit, &unit("同意主办单位意见，财政予以支持", None), &who("co")).await.unwrap();
    let early = store::move_part(db, &p, co_part, PartAction::CoSign, PartActor::Unit, &unit("", None), &who("co")).await;
    assert!(matches!(early, Err(AppError::Invalid(_))), "nothing to co-sign before the lead's reply");
    let p = store::move_part(db, &p, lead_part, PartAction::Reply, PartActor::Unit, &unit("已列入明年改造计划", Some(AnswerClass::B)), &who("lead unit")).await.unwrap();
    assert_eq!(p.state(), ProposalState::Assigned, "not answered before the supervisor approves");
    let uncosigned = store::move_part(db, &p, lead_part, PartAction::Approve, PartActor::Staff, &unit("", None), &who("staff")).await;
    assert!(matches!(uncosigned, Err(AppError::Invalid(_))), "会办: the co-unit co-signs the reply first");
    store::move_part(db, &p, co_part, PartAction::CoSign, PartActor::Unit, &unit("", None), &who("co")).await.unwrap();
    let p = store::move_part(db, &p, lead_part, PartAction::Approve, PartActor::Staff, &unit("", None), &who("staff")).await.unwrap();
    assert_eq!(p.state(), ProposalState::Answered);

    // The lead proposer is unsatisfied: the lead unit answers again.
    assert!(matches!(store::rate(db, &p, f.members[5], Satisfaction::Satisfied, true, &who("x")).await, Err(AppError::Forbidden)), "only proposers rate");
    let p = store::rate(db, &p, f.members[0], Satisfaction::Unsatisfied, false, &who("lead")).await.unwrap();
    assert_eq!((p.state(), p.rehandled), (ProposalState::Rehandling, 1));
    assert_eq!(store::parts(db, p.id).await.unwrap().iter().find(|x| x.id == lead_part).unwrap().state(), PartState::Assigned);
    assert_eq!(store::parts(db, p.id).await.unwrap().iter().find(|x| x.id == co_part).unwrap().state(), PartState::OpinionSent, "the co-unit co-signs the new reply");
    let p = store::move_part(db, &p, lead_part, PartAction::Reply, PartActor::Unit, &unit("已安排专项资金，年内完成加装", Some(AnswerClass::A)), &who("lead unit")).await.unwrap();
    store::move_part(db, &p, co_part, PartAction::CoSign, PartActor::Unit, &unit("", None), &who("co")).await.unwrap();
    let p = store::move_part(db, &p, lead_part, PartAction::Approve, PartActor::Staff, &unit("", None), &who("staff")).await.unwrap();
    assert_eq!(p.state(), ProposalState::Answered);
    let p = store::rate(db, &p, f.members[0], Satisfaction::Satisfied, true, &who("lead")).await.unwrap();
    assert_eq!(p.state(), ProposalState::Answered, "the co-signer has not rated yet");
    assert!(store::rate(db, &p, f.members[0], Satisfaction::Satisfied, true, &who("lead")).await.is_err(), "one rating per round");
    let p = store::rate(db, &p, f.members[1], Satisfaction::BasicallySatisfied, true, &who("co")).await.unwrap();
    assert_eq!(p.state(), ProposalState::Evaluated);
    let p = store::conclude(db, &p, false, &who("staff")).await.unwrap();
    assert!(p.state() == ProposalState::Concluded && p.concluded_at.is_some());
}

#[tokio::test]
async fn a_unit_objects_within_ten_days_and_staff_reassign() {
    use xieshang::proposals::model::{AssignMode, PartAction, PartActor, PartState};
    use xieshang::proposals::store::PartInput;
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let db = &app.state.db;
    let units = xieshang::org::store::units(db, f.committee_id).await.unwrap();
    let p = draft(&app, &f, 0, &[], "关于规范校外培训机构的建议").await;
    let p = store::transition(db, &p, ProposalAction::Submit { joint: false }, ProposalActor::Lead, "", &who("lead")).await.unwrap();
    let p = store::transition(db, &p, ProposalAction::Accept, ProposalActor::Staff, "", &who("staff")).await.unwrap();
    let p = store::file(db, &p, "第{seq}号", &who("staff")).await.unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2022, 2, 10).unwrap();
    let p = store::assign(db, &p, AssignMode::Single, Some(units[2].id), &[], day, &who("staff")).await.unwrap();
    let part = store::parts(db, p.id).await.unwrap().remove(0);
    let reason = PartInput { class: None, text: "不属本单位职责".into() };
    let late = store::move_part(db, &p, part.id, PartAction::Object { within_window: false }, PartActor::Unit, &reason, &who("unit")).await;
    assert!(late.is_err(), "after ten days a unit can no longer object");
    let p = store::move_part(db, &p, part.id, PartAction::Object { within_window: true }, PartActor::Unit, &reason, &who("unit")).await.unwrap();
    assert_eq!(p.state(), ProposalState::Objected);
    let p = store::assign(db, &p, AssignMode::Split, None, &[units[3].id, units[4].id], day, &who("staff")).await.unwrap();
    let parts = store::parts(db, p.id).await.unwrap();
    assert_eq!(p.state(), ProposalState::Assigned);
    assert_eq!(parts.iter().map(|x| x.state()).collect::<Vec<_>>(), [PartState::Withdrawn, PartState::Assigned, PartState::Assigned]);
}

#[tokio::test]
async fn the_demo_holds_164_proposals_submitted_since_new_year() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use xieshang::proposals::store::proposal;
    let app = TestApp::demo().await;
    let db = &app.state.db;
    let from = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2021, 12, 31, 16, 0, 0).unwrap();
    let to = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2022, 4, 19, 16, 0, 0).unwrap();
    let sent = proposal::Entity::find().filter(proposal::Column::SubmittedAt.gte(from)).filter(proposal::Column::SubmittedAt.lt(to)).count(db).await.unwrap();
    assert_eq!(sent, 164);
    let in_state = |states: &'static [&'static str]| proposal::Entity::find().filter(proposal::Column::State.is_in(states.iter().copied())).count(db);
    let filed = in_state(&["filed", "assigned", "answered", "evaluated", "concluded", "rehandling", "objected"]).await.unwrap();
    assert!(filed * 10 >= sent * 8, "most are filed: {filed}");
    assert!(in_state(&["merged"]).await.unwrap() > 0 && in_state(&["not_filed"]).await.unwrap() > 0);
    assert!(in_state(&["concluded"]).await.unwrap() > 0 && in_state(&["in_review"]).await.unwrap() > 0);
    // Numbers are the session's 1..n without gaps.
    let numbers: Vec<Option<i32>> = proposal::Entity::find().filter(proposal::Column::Seq.is_not_null()).all(db).await.unwrap().into_iter().map(|p| p.seq).collect();
    assert_eq!(numbers.len() as u64, filed);
    assert!((1..=filed as i32).all(|n| numbers.contains(&Some(n))));
}
