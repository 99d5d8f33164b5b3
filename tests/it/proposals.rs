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
    let session_id = xieshang::org::terms::plenaries(db, term.id).await.unwrap()[1].id;
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
    assert!(matches!(store::edit(db, &p, cosigner, "改标题", "改内容", &who("x")).await, Err(AppError::Forbidden)), "a co-signer cannot edit");
    let p = store::edit(db, &p, Some(ProposalActor::Lead), "关于加快老旧小区改造的建议", &p.body, &who("lead")).await.unwrap();
    assert_eq!(p.title, "关于加快老旧小区改造的建议");

    let p = store::transition(db, &p, ProposalAction::Submit { joint: true }, ProposalActor::Lead, "", &who("lead")).await.unwrap();
    assert_eq!(p.state(), ProposalState::CollectingSignatures);
    assert!(matches!(store::edit(db, &p, Some(ProposalActor::Lead), "再改", "再改", &who("lead")).await, Err(AppError::Invalid(_))), "no edits once sent");
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
    assert_eq!(actions, ["create", "submit", "cosign", "cosign", "return"]);
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
