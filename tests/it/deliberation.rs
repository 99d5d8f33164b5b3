//! The online deliberation (网上议事): one vote per person per statement under concurrent votes,
//! members' and citizens' votes, the public page closed and rate-limited, moderation, the
//! results of a hand-made vote matrix, and the demo's deliberation.
use std::collections::HashSet;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xieshang::app::audit::Who;
use xieshang::app::config::Config;
use xieshang::consultations::consensus::{Verdict, Vote};
use xieshang::consultations::deliberation::{self, Participant, Post};
use xieshang::consultations::model::{ConsultationKind, TopicSource};
use xieshang::consultations::store::{self, Consultation, NewTopic, vote};

use crate::harness::{Client, PASSWORD, TestApp};

const TITLE: &str = "葩金社区文体设施建设";

async fn committee_id(app: &TestApp) -> i64 {
    xieshang::org::store::find_committee_by_code(&app.state.db, "yuetang").await.unwrap().unwrap().id
}

/// A topic of the demo committee with `statements` and its deliberation open or not.
async fn topic(app: &TestApp, statements: &[&str], open: bool) -> (Consultation, Vec<i64>) {
    let cid = committee_id(app).await;
    let t = NewTopic {
        kind: ConsultationKind::Grassroots,
        source: TopicSource::Public,
        title: TITLE.into(),
        topic: "社区缺少健身场地，友谊小学门前车速过快。".into(),
        suggested_by: "社区居民".into(),
        suggester_phone: String::new(),
        suggester_member_id: None,
        place_id: None,
    };
    let who = Who::anonymous(Some(cid), "test", "-");
    let c = store::insert_topic(&app.state.db, cid, &t, &who, Utc::now()).await.unwrap();
    let staff = Participant::user(0, "区政协机关");
    let mut ids = Vec::new();
    for s in statements {
        ids.push(deliberation::insert(&app.state.db, Post::Statement, c.id, s, &staff, false, Utc::now()).await.unwrap());
    }
    if open {
        deliberation::open_quietly(&app.state.db, c.id).await.unwrap();
    }
    (store::find(&app.state.db, cid, c.id).await.unwrap().unwrap(), ids)
}

/// Every vote row of a consultation as (statement, voter, vote).
async fn rows(app: &TestApp, consultation_id: i64) -> Vec<(i64, String, String)> {
    let list = vote::Entity::find().filter(vote::Column::ConsultationId.eq(consultation_id)).all(&app.state.db).await.unwrap();
    list.into_iter().map(|v| (v.statement_id, v.voter_key, v.vote)).collect()
}

fn member_path(c: &Consultation) -> String {
    format!("/consultations/{}/deliberation", c.id)
}

fn public_path(c: &Consultation) -> String {
    format!("/c/yuetang/consultations/{}/deliberation", c.id)
}

async fn cast(client: &Client, base: &str, statement: i64, v: &str) -> StatusCode {
    client.post_form(&format!("{base}/votes"), &[("statement_id", &statement.to_string()), ("vote", v)]).await.status
}

#[tokio::test]
async fn concurrent_votes_of_one_person_on_one_statement_leave_one_row() {
    let app = TestApp::demo().await;
    let (c, ids) = topic(&app, &["在葩金社区广场增设篮球架", "友谊小学门前应设置减速带"], true).await;
    // Straight to the store: twenty racing upserts of one citizen.
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (db, cid, sid) = (app.state.db.clone(), c.id, ids[0]);
            let v = if i % 2 == 0 { Vote::Agree } else { Vote::Disagree };
            tokio::spawn(async move { deliberation::upsert_vote(&db, cid, sid, "c:racer", v, Utc::now()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // Through the page: a member's twenty racing clicks on the other statement.
    let member = Arc::new(app.login("member").await);
    let base = member_path(&c);
    let clicks: Vec<_> = (0..20)
        .map(|i| {
            let (member, base, id) = (member.clone(), base.clone(), ids[1]);
            tokio::spawn(async move { cast(&member, &base, id, if i % 2 == 0 { "agree" } else { "disagree" }).await })
        })
        .collect();
    for t in clicks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let all = rows(&app, c.id).await;
    assert_eq!(all.len(), 2, "one row per person and statement: {all:?}");
    for (statement, voter, v) in &all {
        assert!(["agree", "disagree"].contains(&v.as_str()), "{v} is one of the votes cast");
        assert_eq!(voter.starts_with("m:"), *statement == ids[1], "the member voted on the second");
    }
}

#[tokio::test]
async fn a_changed_vote_replaces_the_old_one() {
    let app = TestApp::demo().await;
    let (c, ids) = topic(&app, &["在葩金社区广场增设篮球架"], true).await;
    let member = app.login("member").await;
    let base = member_path(&c);
    assert_eq!(cast(&member, &base, ids[0], "agree").await, StatusCode::SEE_OTHER);
    assert_eq!(cast(&member, &base, ids[0], "disagree").await, StatusCode::SEE_OTHER);
    let all = rows(&app, c.id).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].2, "disagree");
    let page = member.get(&base).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(r#"value="disagree" class="vote disagree" aria-pressed="true""#), "the member sees its vote");
    assert!(page.text.contains(r#"value="agree" class="vote agree" aria-pressed="false""#));
    assert!(page.text.contains(&format!(r#"href="http://xieshang.test/c/yuetang/consultations/{}/deliberation""#, c.id)), "the citizens' address to pass on");
    assert_eq!(cast(&member, &base, ids[0], "maybe").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rows(&app, c.id).await[0].2, "disagree", "a bad vote changes nothing");
}

#[tokio::test]
async fn htmx_gets_the_statement_back_with_the_vote_marked() {
    let app = TestApp::demo().await;
    let (c, ids) = topic(&app, &["在葩金社区广场增设篮球架", "友谊小学门前应设置减速带"], true).await;
    let member = app.login("member").await;
    let req = axum::http::Request::post(format!("{}/votes", member_path(&c)))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("hx-request", "true");
    let res = member.send(req, axum::body::Body::from(format!("statement_id={}&vote=pass", ids[1]))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.starts_with(&format!(r#"<article class="stmt voted" id="s{}">"#, ids[1])), "{}", res.text);
    assert!(res.text.contains("第2条") && res.text.contains(r#"value="pass" class="vote pass" aria-pressed="true""#));
    assert!(!res.text.contains("<html"), "a fragment, not a page");
    assert!(res.text.contains(r#"id="delib-progress" hx-swap-oob="true">已表态 1 / 2</small>"#), "and the counter, out of band");
}

#[tokio::test]
async fn members_and_citizens_votes_both_count() {
    let app = TestApp::demo().await;
    let (c, ids) = topic(&app, &["在葩金社区广场增设篮球架"], true).await;
    let member = app.login("member").await;
    assert_eq!(cast(&member, &member_path(&c), ids[0], "agree").await, StatusCode::SEE_OTHER);
    let staff = app.login("staff").await;
    assert_eq!(cast(&staff, &member_path(&c), ids[0], "agree").await, StatusCode::SEE_OTHER);
    let mut tokens = Vec::new();
    for v in ["agree", "disagree"] {
        let citizen = app.client();
        let page = citizen.get(&public_path(&c)).await;
        assert_eq!(page.status, StatusCode::OK);
        let set = page.headers.get("set-cookie").and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();
        assert!(set.starts_with("xs_voter=") && set.contains("HttpOnly"), "a citizen gets a voter cookie: {set}");
        assert!(page.text.contains("在葩金社区广场增设篮球架") && page.text.contains(TITLE));
        assert_eq!(cast(&citizen, &public_path(&c), ids[0], v).await, StatusCode::SEE_OTHER);
        // The same browser again: its vote changes, it is not counted twice.
        assert_eq!(cast(&citizen, &public_path(&c), ids[0], v).await, StatusCode::SEE_OTHER);
        tokens.push(citizen.cookie("xs_voter").unwrap());
    }
    let all = rows(&app, c.id).await;
    let voters: HashSet<&str> = all.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(voters.len(), 4, "{all:?}");
    assert_eq!(voters.iter().filter(|k| k.starts_with("c:")).count(), 2);
    assert!(voters.iter().any(|k| k.starts_with("m:")) && voters.iter().any(|k| k.starts_with("u:")), "the member as its record, staff as its account");
    assert!(all.iter().all(|r| tokens.iter().all(|t| !r.1.contains(t.as_str()))), "a citizen's key is a digest, not the cookie");
    let (statements, analysis, participants) = deliberation::analysis(&app.state.db, c.id).await.unwrap();
    assert_eq!((statements.len(), participants), (1, 4));
    assert_eq!((analysis.statements[0].total.agree, analysis.statements[0].total.disagree), (3, 1));
    // A member on the public page keeps its own vote.
    let page = member.get(&public_path(&c)).await;
    assert!(page.text.contains(r#"value="agree" class="vote agree" aria-pressed="true""#));
}

#[tokio::test]
async fn the_public_cannot_vote_or_post_while_the_deliberation_is_closed() {
    let app = TestApp::demo().await;
    let (c, ids) = topic(&app, &["在葩金社区广场增设篮球架"], false).await;
    let citizen = app.client();
    let page = citizen.get(&public_path(&c)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("本次网上议事未开放或已结束"), "a clear closed message");
    assert!(!page.text.contains(TITLE), "a topic never put to the public stays unnamed");
    assert!(!page.text.contains(r#"name="vote""#), "no vote buttons");
    assert_eq!(cast(&citizen, &public_path(&c), ids[0], "agree").await, StatusCode::UNPROCESSABLE_ENTITY);
    let post = citizen.post_form(&format!("{}/posts", public_path(&c)), &[("kind", "opinion"), ("text", "建议在广场增设健身器材")]).await;
    assert_eq!(post.status, StatusCode::UNPROCESSABLE_ENTITY);
    let member = app.login("member").await;
    assert_eq!(cast(&member, &member_path(&c), ids[0], "agree").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(member.post_form(&format!("{}/open", member_path(&c)), &[]).await.status, StatusCode::FORBIDDEN, "only staff open it");
    assert!(rows(&app, c.id).await.is_empty());
    assert_eq!(deliberation::opinions(&app.state.db, c.id, true, 10).await.unwrap().1, 0);

    let staff = app.login("staff").await;
    assert_eq!(staff.post_form(&format!("{}/open", member_path(&c)), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(cast(&citizen, &public_path(&c), ids[0], "agree").await, StatusCode::SEE_OTHER);
    assert_eq!(staff.post_form(&format!("{}/close", member_path(&c)), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(cast(&citizen, &public_path(&c), ids[0], "disagree").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rows(&app, c.id).await.iter().map(|r| r.2.as_str()).collect::<Vec<_>>(), ["agree"]);
    let closed = citizen.get(&public_path(&c)).await;
    assert!(closed.text.contains("本次网上议事未开放或已结束") && closed.text.contains(r#"class="tag verdict"#), "closed, with its results");
}

#[tokio::test]
async fn the_public_forms_are_rate_limited() {
    let app = TestApp::with_config(Config { login_attempts_per_minute: 5, ..Config::default() }).await;
    xieshang::demo::load(&app.state.db, Some(PASSWORD.into())).await.unwrap().expect("loaded");
    let (c, ids) = topic(&app, &["在葩金社区广场增设篮球架"], true).await;
    let citizen = app.client();
    citizen.get(&public_path(&c)).await;
    // Votes have their own, tenfold allowance: a deliberation asks for one on every statement.
    for v in ["agree", "disagree", "pass", "agree", "disagree"].iter().cycle().take(50) {
        assert_eq!(cast(&citizen, &public_path(&c), ids[0], v).await, StatusCode::SEE_OTHER);
    }
    assert_eq!(cast(&citizen, &public_path(&c), ids[0], "agree").await, StatusCode::TOO_MANY_REQUESTS);
    // The other public forms keep theirs, untouched by the votes.
    for _ in 0..5 {
        let post = citizen.post_form(&format!("{}/posts", public_path(&c)), &[("kind", "opinion"), ("text", "建议在广场增设健身器材")]).await;
        assert_ne!(post.status, StatusCode::TOO_MANY_REQUESTS);
    }
    let post = citizen.post_form(&format!("{}/posts", public_path(&c)), &[("kind", "opinion"), ("text", "建议在广场增设健身器材")]).await;
    assert_eq!(post.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(rows(&app, c.id).await[0].2, "disagree", "the refused vote changed nothing");
}

#[tokio::test]
async fn citizens_post_opinions_and_statements_and_bad_ones_are_named() {
    let app = TestApp::demo().await;
    let (c, _) = topic(&app, &["在葩金社区广场增设篮球架"], true).await;
    let citizen = app.client();
    citizen.get(&public_path(&c)).await;
    let posts = format!("{}/posts", public_path(&c));
    let short = citizen.post_form(&posts, &[("kind", "opinion"), ("text", "好"), ("name", "王阿姨")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text.contains("请填写意见（5至2000字）") && short.text.contains(r#"value="王阿姨""#), "the message, and what was typed is kept");
    let bot = citizen.post_form(&posts, &[("kind", "opinion"), ("text", "广告广告广告广告"), ("website", "http://spam")]).await;
    assert_eq!(bot.status, StatusCode::BAD_REQUEST);
    let ok = citizen.post_form(&posts, &[("kind", "opinion"), ("text", "希望篮球场晚上九点后关灯，不要影响休息。"), ("name", "王阿姨")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let long = "长".repeat(141);
    assert_eq!(citizen.post_form(&posts, &[("kind", "statement"), ("text", &long)]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let proposed = citizen.post_form(&posts, &[("kind", "statement"), ("text", "篮球场应在晚上九点后关闭照明")]).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER);
    let page = citizen.get(&public_path(&c)).await;
    assert!(page.text.contains("希望篮球场晚上九点后关灯") && page.text.contains("<strong>王阿姨</strong>"));
    assert!(page.text.contains("篮球场应在晚上九点后关闭照明") && page.text.contains("第2条"), "the proposal is there to vote on");
    assert_eq!(deliberation::opinions(&app.state.db, c.id, true, 10).await.unwrap().1, 1, "the short one and the bot's were not saved");
}

#[tokio::test]
async fn hidden_statements_and_opinions_leave_the_results() {
    let app = TestApp::demo().await;
    let (c, ids) = topic(&app, &["在葩金社区广场增设篮球架", "友谊小学门前应设置减速带", "物业经理收了好处大家别交费"], true).await;
    for (i, voter) in ["c:1", "c:2", "c:3"].iter().enumerate() {
        for id in &ids {
            deliberation::upsert_vote(&app.state.db, c.id, *id, voter, if i == 2 { Vote::Disagree } else { Vote::Agree }, Utc::now()).await.unwrap();
        }
    }
    let opinion = deliberation::insert(&app.state.db, Post::Opinion, c.id, "某某是骗子，大家不要信", &Participant::citizen("x", ""), false, Utc::now()).await.unwrap();
    let member = app.login("member").await;
    assert_eq!(member.post_form(&format!("{}/statements/{}/visibility", member_path(&c), ids[2]), &[("hidden", "true")]).await.status, StatusCode::FORBIDDEN);
    let staff = app.login("staff").await;
    assert_eq!(staff.post_form(&format!("{}/statements/{}/visibility", member_path(&c), ids[2]), &[("hidden", "true")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(staff.post_form(&format!("{}/opinions/{opinion}/visibility", member_path(&c)), &[("hidden", "true")]).await.status, StatusCode::SEE_OTHER);
    let (statements, analysis, participants) = deliberation::analysis(&app.state.db, c.id).await.unwrap();
    assert_eq!(statements.iter().map(|s| s.id).collect::<Vec<_>>(), ids[..2]);
    assert_eq!((analysis.statements.len(), participants), (2, 3));
    for page in [member.get(&member_path(&c)).await, app.client().get(&public_path(&c)).await] {
        assert!(!page.text.contains("物业经理收了好处") && !page.text.contains("某某是骗子"), "gone from the page");
        assert!(page.text.contains("友谊小学门前应设置减速带"));
    }
    assert_eq!(cast(&member, &member_path(&c), ids[2], "agree").await, StatusCode::NOT_FOUND, "no vote on a hidden statement");
    let moderation = staff.get(&member_path(&c)).await;
    assert!(moderation.text.contains("物业经理收了好处") && moderation.text.contains("恢复显示"), "staff see it and may show it again");
    assert_eq!(staff.post_form(&format!("{}/statements/{}/visibility", member_path(&c), ids[2]), &[("hidden", "false")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(deliberation::analysis(&app.state.db, c.id).await.unwrap().0.len(), 3, "shown again, with its votes");
}

/// The rows of the results table as (verdict, statement, shares per group), in page order.
fn result_rows(page: &str) -> Vec<(String, String, Vec<String>)> {
    let table = &page[page.find("delib-results").expect("results table")..];
    table
        .split(r#"<tr class="verdict-"#)
        .skip(1)
        .map(|row| {
            let verdict = row[..row.find('"').unwrap()].to_string();
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    let mut text = String::new();
                    let mut tag = false;
                    for ch in inner.chars() {
                        match ch {
                            '<' => tag = true,
                            '>' => tag = false,
                            _ if !tag => text.push(ch),
                            _ => {}
                        }
                    }
                    text.trim().to_string()
                })
                .collect();
            let shares = cells[4..cells.len() - 1].to_vec();
            (verdict, cells[0].clone(), shares)
        })
        .collect()
}

#[tokio::test]
async fn the_results_page_shows_the_verdicts_of_a_hand_made_matrix() {
    let app = TestApp::demo().await;
    let statements = ["社区应增设健身器材", "闲置地块建篮球场", "取消所有健身设施", "闲置地块建停车场", "引入第三方运营"];
    let (c, ids) = topic(&app, &statements, true).await;
    // consensus.rs's first matrix: camp A (6) and camp B (5); a agree, d disagree, p pass.
    let matrix = ["aadd.", "aadda", "aaddp", "aadd.", "apddp", "aadd.", "adda.", "adda.", "addap", "adda.", "adpa."];
    for (p, row) in matrix.iter().enumerate() {
        for (s, ch) in row.chars().enumerate() {
            let v = match ch {
                'a' => Vote::Agree,
                'd' => Vote::Disagree,
                'p' => Vote::Pass,
                _ => continue,
            };
            deliberation::upsert_vote(&app.state.db, c.id, ids[s], &format!("c:{p:02}"), v, Utc::now()).await.unwrap();
        }
    }
    let (_, analysis, _) = deliberation::analysis(&app.state.db, c.id).await.unwrap();
    assert_eq!(analysis.statements.iter().map(|s| s.verdict).collect::<Vec<_>>(), [Verdict::Agreement, Verdict::Divisive, Verdict::Rejection, Verdict::Divisive, Verdict::Unclear]);

    let page = app.login("leader").await.get(&member_path(&c)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("A组（6人）") && page.text.contains("B组（5人）"), "the two camps");
    let got = result_rows(&page.text);
    let want = [
        ("agreement", "第1条社区应增设健身器材", vec!["100%", "100%"]),
        ("divisive", "第4条闲置地块建停车场", vec!["0%", "100%"]),
        ("divisive", "第2条闲置地块建篮球场", vec!["83%", "0%"]),
        ("rejection", "第3条取消所有健身设施", vec!["0%", "0%"]),
        ("unclear", "第5条引入第三方运营", vec!["33%", "0%"]),
    ];
    let got_ref: Vec<(&str, &str, Vec<&str>)> = got.iter().map(|(v, s, g)| (v.as_str(), s.as_str(), g.iter().map(String::as_str).collect())).collect();
    let want_ref: Vec<(&str, &str, Vec<&str>)> = want.iter().map(|(v, s, g)| (*v, *s, g.clone())).collect();
    assert_eq!(got_ref, want_ref, "agreement first, then divisive (clearest first), rejection, unclear");
    for label in ["共识", "分歧", "共同反对", "尚无定论"] {
        assert!(page.text.contains(&format!("\">{label}</span></td>")), "{label} in the verdict column");
    }
    // The chart: a heading per verdict with its count, a bar per statement in each drawing.
    assert!(page.text.contains("<svg class=\"delib-chart narrow\"") && page.text.contains("<svg class=\"delib-chart wide\""));
    assert!(page.text.contains("共识（1）") && page.text.contains("分歧（2）") && page.text.contains("共同反对（1）"));
    assert_eq!(page.text.matches(r##"fill="#2e7d32""##).count(), 2 * 4 + 2, "in both drawings: an agree segment in the four bars with any agreement, and the legend");
}

#[tokio::test]
async fn the_demo_deliberation_is_of_realistic_size() {
    let app = TestApp::demo().await;
    let cid = committee_id(&app).await;
    let open: Vec<Consultation> = store::consultation::Entity::find()
        .filter(store::consultation::Column::CommitteeId.eq(cid))
        .filter(store::consultation::Column::DeliberationOpen.eq(true))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "one consultation deliberates online");
    let c = &open[0];
    let (statements, analysis, participants) = deliberation::analysis(&app.state.db, c.id).await.unwrap();
    assert!(statements.len() >= 30, "{} statements", statements.len());
    assert!(participants >= 200, "{participants} participants");
    let all = deliberation::statements(&app.state.db, c.id).await.unwrap();
    assert!(all.iter().any(|s| s.hidden), "one was moderated away");
    let m = deliberation::matrix(&app.state.db, c.id).await.unwrap();
    assert!(m.citizens() >= 150 && m.voters.len() - m.citizens() >= 50, "members and residents: {} of {}", m.citizens(), m.voters.len());
    assert!(analysis.groups.len() >= 2, "the camps are found: {:?}", analysis.groups.iter().map(Vec::len).collect::<Vec<_>>());
    for v in [Verdict::Agreement, Verdict::Divisive, Verdict::Rejection] {
        assert!(!analysis.with_verdict(v).is_empty(), "{v:?} among the verdicts");
    }
    let page = app.client().get(&format!("/c/yuetang/consultations/{}/deliberation", c.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&format!("<strong>{participants}</strong>")), "the participants are counted on the page");
}
