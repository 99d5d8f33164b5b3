//! The deliberation's pages: members and citizens post opinions and vote on statements; staff
//! moderate; everyone sees which statements have broad agreement and which divide.
//!
//! Members and staff use `/consultations/{id}/deliberation`; citizens use the same page under
//! `/c/{code}/…` without an account. A citizen is one browser: a random voter token in an
//! HttpOnly cookie, stored only as a digest (like the session tokens), so it needs no secret
//! shared by the nodes. Citizens' posts and votes are POSTs under `/c/`, which the per-address
//! limit of `app::ratelimit` counts.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::FormErrors;
use crate::app::shell::{Authed, Ctx, Shell, html, local_time, redirect_with_flash};
use crate::app::web::{self, RequestInfo};
use crate::consultations::consensus::{Analysis, Verdict, Vote};
use crate::consultations::deliberation::{self as store, Matrix, Participant, Post};
use crate::consultations::store::{Consultation, find};
use crate::demands::public_pages::committee_by_code;
use crate::proposals::pages::own_member;

use chart::Chart;

/// This part's UI strings (key, 中文, English).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("deliberation.title", "网上议事", "Online deliberation"),
    ("deliberation.intro", "会前网上议事：对每条观点表明赞同、反对或跳过，也可以发表意见、提出新的观点。每条观点每人一票，可以随时更改。", "Before the meeting: agree, disagree or pass on each statement, post your opinion or propose a statement. One vote per person per statement; you may change it at any time."),
    ("deliberation.public_intro", "无需登录。本设备的表态会被记住，每条观点每台设备一票。", "No account needed. This device's votes are remembered: one vote per statement per device."),
    ("deliberation.state.open", "议政进行中", "Open"),
    ("deliberation.state.closed", "未开放", "Not open"),
    ("deliberation.closed", "本次网上议事未开放或已结束，暂不能表态和发表意见。", "This deliberation is not open (or has ended): voting and posting are closed."),
    ("deliberation.open", "开启网上议事", "Open the deliberation"),
    ("deliberation.close", "结束网上议事", "Close the deliberation"),
    ("deliberation.to_vote", "请表态", "Your votes"),
    ("deliberation.progress", "已表态", "Voted on"),
    ("deliberation.all_voted", "您已对全部观点表态，谢谢参与！下面可以查看结果。", "You have voted on every statement: thank you. The results are below."),
    ("deliberation.my_votes", "我已表态的观点（可更改）", "Statements I voted on (you may change your vote)"),
    ("deliberation.none_yet", "还没有可表态的观点。", "No statements to vote on yet."),
    ("deliberation.vote.agree", "赞同", "Agree"),
    ("deliberation.vote.disagree", "反对", "Disagree"),
    ("deliberation.vote.pass", "跳过", "Pass"),
    ("deliberation.hide", "隐藏", "Hide"),
    ("deliberation.show", "恢复显示", "Show again"),
    ("deliberation.statement_no", "第{}条", "No. {}"),
    ("deliberation.propose", "提出新观点", "Propose a statement"),
    ("deliberation.propose_hint", "一句话写明一个看法（5至140字），供大家表态。", "One view in one sentence (5–140 characters) for everyone to vote on."),
    ("deliberation.add_seed", "添加观点", "Add a statement"),
    ("deliberation.statement", "观点", "Statement"),
    ("deliberation.opinions", "意见留言", "Opinions"),
    ("deliberation.opinion", "我的意见", "My opinion"),
    ("deliberation.post", "发表", "Post"),
    ("deliberation.no_opinions", "还没有人发表意见。", "No opinions yet."),
    ("deliberation.opinions_total", "条意见", "opinions"),
    ("deliberation.name", "称呼（选填）", "Name (optional)"),
    ("deliberation.citizen", "群众", "Citizen"),
    ("deliberation.results", "议政结果", "Results"),
    ("deliberation.participants", "参与人数", "Participants"),
    ("deliberation.of_which", "其中群众", "of whom citizens"),
    ("deliberation.votes", "表态次数", "Votes"),
    ("deliberation.groups_hint", "按表态的相近程度，参与者分为以下观点组；“共识”指每个组的多数都赞同，“分歧”指有的组多数赞同、有的组多数反对。", "Participants fall into opinion groups by how alike they voted. Agreement: most of every group agrees. Divisive: most of one group agrees and most of another disagrees."),
    ("deliberation.one_group", "参与者的表态没有明显分成不同的组，结论按全体多数判断。", "The votes show no separate groups: the verdicts follow the majority of all."),
    ("deliberation.group", "组", "group"),
    ("deliberation.people", "人", "people"),
    ("deliberation.group_agree", "赞同率", "agree"),
    ("deliberation.verdict", "结论", "Verdict"),
    ("deliberation.verdict.agreement", "共识", "Agreement"),
    ("deliberation.verdict.divisive", "分歧", "Divisive"),
    ("deliberation.verdict.rejection", "共同反对", "Rejected by all"),
    ("deliberation.verdict.unclear", "尚无定论", "Unclear"),
    ("deliberation.no_results", "还没有表态，暂无结果。", "No votes yet: no results."),
    ("deliberation.chart_title", "各条观点的赞同、跳过、反对比例，圆点为各观点组的赞同率", "Agree, pass and disagree shares of each statement; dots mark each opinion group's agreement"),
    ("deliberation.chart_legend", "圆点：该组赞同率", "dot: the group's agreement"),
    ("deliberation.moderation", "管理观点与意见", "Moderation"),
    ("deliberation.hidden", "已隐藏", "Hidden"),
    ("deliberation.by", "提出者", "By"),
    ("deliberation.back", "返回协商详情", "Back to the consultation"),
    ("deliberation.public_link", "群众参与地址（无需登录，可转发或制成二维码）", "Citizens' page (no account needed; share it or print it as a QR code)"),
    ("deliberation.err.statement", "请用一句话写明观点（5至140字）", "Write the statement in one sentence (5–140 characters)"),
    ("deliberation.err.opinion", "请填写意见（5至2000字）", "Write your opinion (5–2000 characters)"),
    ("deliberation.err.name", "称呼不超过20个字", "The name may have at most 20 characters"),
    ("deliberation.err.closed", "网上议事未开放或已结束", "The deliberation is not open"),
    ("act.deliberation_open", "开启网上议事", "Open deliberation"),
    ("act.deliberation_close", "结束网上议事", "Close deliberation"),
    ("act.deliberation_hide", "隐藏", "Hide"),
    ("act.deliberation_show", "恢复显示", "Show again"),
    ("obj.deliberation_statement", "议政观点", "Deliberation statement"),
    ("obj.deliberation_opinion", "议政意见", "Deliberation opinion"),
];

pub fn router() -> Router<AppState> {
    let staff = "/consultations/{id}/deliberation";
    let public = "/c/{code}/consultations/{id}/deliberation";
    Router::new()
        .route(staff, get(member_page))
        .route(&format!("{staff}/votes"), post(member_vote))
        .route(&format!("{staff}/posts"), post(member_post))
        .route(&format!("{staff}/open"), post(open))
        .route(&format!("{staff}/close"), post(close))
        .route(&format!("{staff}/statements/{{post_id}}/visibility"), post(statement_visibility))
        .route(&format!("{staff}/opinions/{{post_id}}/visibility"), post(opinion_visibility))
        .route(public, get(public_page))
        .route(&format!("{public}/votes"), post(public_vote))
        .route(&format!("{public}/posts"), post(public_post))
}

/// The cookie that identifies a citizen's browser.
const VOTER_COOKIE: &str = "xs_voter";
/// How long a browser keeps its voter token: longer than any deliberation runs.
const VOTER_COOKIE_DAYS: i64 = 180;

/// The voter token the browser sent, if it has the right form.
fn voter_token(headers: &HeaderMap) -> Option<String> {
    web::cookie(headers, VOTER_COOKIE).filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What the database stores for a token.
fn voter_digest(token: &str) -> String {
    let d = Sha256::digest(format!("deliberation-voter:{token}"));
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Where and as whom a page is used: an account of the committee, or a citizen's browser.
struct Seat {
    c: Consultation,
    /// Where the page lives; its forms post below it.
    base: String,
    me: Participant,
    staff: bool,
    public: bool,
    who: Who,
    /// A voter token minted for this request, to be set as the cookie.
    minted: Option<String>,
}

impl Seat {
    fn finish(&self, info: &RequestInfo, mut res: Response) -> Response {
        if let Some(token) = &self.minted {
            let age = VOTER_COOKIE_DAYS * 86_400;
            res.headers_mut().append(header::SET_COOKIE, web::set_cookie(VOTER_COOKIE, token, Some(age), info.secure));
        }
        res
    }
}

/// A member votes as its member record (the same person on every page), other accounts as
/// themselves.
async fn account_participant(state: &AppState, a: &crate::app::auth::Actor) -> AppResult<Participant> {
    Ok(match own_member(state, a).await? {
        Some(m) => {
            let names = crate::org::members::names(&state.db, &[m]).await?;
            Participant::member(m, names.get(&m).map_or(a.display_name.as_str(), String::as_str))
        }
        None => Participant::user(a.user_id, &a.display_name),
    })
}

async fn member_seat(state: &AppState, a: &Authed, id: i64) -> AppResult<Seat> {
    authorize(&a.actor, Action::Deliberate, &Target::own(&a.actor))?;
    let c = find(&state.db, a.actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(Seat {
        base: format!("/consultations/{}/deliberation", c.id),
        me: account_participant(state, &a.actor).await?,
        staff: may(&a.actor, Action::ManageConsultations, &Target::own(&a.actor)),
        public: false,
        who: Who::actor(&a.actor, &a.ctx.info.ip),
        minted: None,
        c,
    })
}

/// A citizen's seat; a logged-in member of the committee who opens the public page keeps
/// their own vote.
async fn citizen_seat(state: &AppState, ctx: &Ctx, headers: &HeaderMap, code: &str, id: i64, name: &str) -> AppResult<Seat> {
    let committee = committee_by_code(state, code).await?;
    let c = find(&state.db, committee.id, id).await?.ok_or(AppError::NotFound)?;
    let base = format!("/c/{}/consultations/{}/deliberation", committee.code, c.id);
    let account = ctx.info.actor.as_ref().filter(|a| may(a, Action::Deliberate, &Target { committee_id: committee.id, ancestors: &[] }));
    if let Some(a) = account {
        let me = account_participant(state, a).await?;
        return Ok(Seat { c, base, me, staff: false, public: true, who: Who::actor(a, &ctx.info.ip), minted: None });
    }
    let (token, minted) = match voter_token(headers) {
        Some(t) => (t, None),
        None => {
            let t = format!("{:032x}", rand::random::<u128>());
            (t.clone(), Some(t))
        }
    };
    let shown = if name.is_empty() { ctx.shell.t("deliberation.citizen").to_string() } else { name.to_string() };
    let who = Who::anonymous(Some(committee.id), &format!("群众（{shown}）"), &ctx.info.ip);
    Ok(Seat { me: Participant::citizen(&voter_digest(&token), &shown), c, base, staff: false, public: true, who, minted })
}

/// A statement as the voting list shows it.
pub struct Card {
    pub id: i64,
    /// Its number among the statements shown (the results and chart use the same).
    pub number: String,
    pub body: String,
    /// The viewer's vote: agree, disagree, pass or empty.
    pub mine: &'static str,
}

/// One statement of the results table.
pub struct ResultRow {
    pub number: String,
    pub body: String,
    pub agree: u32,
    pub disagree: u32,
    pub pass: u32,
    /// Each opinion group's agreement, as "83%" ("—" where the group did not see it).
    pub shares: Vec<String>,
    pub verdict: &'static str,
    pub verdict_code: &'static str,
}

/// The results as every page shows them.
pub struct Results {
    pub participants: usize,
    pub citizens: usize,
    pub votes: usize,
    /// Per opinion group: "A组（86人）" for the headings, "A组赞同率" for the phone's labels.
    pub groups: Vec<(String, String)>,
    pub rows: Vec<ResultRow>,
    pub narrow: Chart,
    pub wide: Chart,
}

/// Statements in the order the results read: agreement, divisive, rejection, unclear; the
/// clearest first in each.
const ORDER: [Verdict; 4] = [Verdict::Agreement, Verdict::Divisive, Verdict::Rejection, Verdict::Unclear];

fn verdict_code(v: Verdict) -> &'static str {
    match v {
        Verdict::Agreement => "agreement",
        Verdict::Divisive => "divisive",
        Verdict::Rejection => "rejection",
        Verdict::Unclear => "unclear",
    }
}

fn numbered(shell: &Shell, i: usize) -> String {
    shell.t("deliberation.statement_no").replace("{}", &(i + 1).to_string())
}

fn group_letter(g: usize) -> char {
    (b'A' + g as u8) as char
}

fn results(shell: &Shell, m: &Matrix, a: &Analysis) -> Results {
    let group_word = shell.t("deliberation.group");
    let people = shell.t("deliberation.people");
    // One group says nothing the totals do not: its columns and dots are left out.
    let split = a.groups.len() > 1;
    let agree = shell.t("deliberation.group_agree");
    let groups = a
        .groups
        .iter()
        .enumerate()
        .filter(|_| split)
        .map(|(g, members)| (format!("{}{group_word}（{}{people}）", group_letter(g), members.len()), format!("{}{group_word}{agree}", group_letter(g))))
        .collect();
    let rows: Vec<ResultRow> = ORDER
        .iter()
        .flat_map(|v| a.with_verdict(*v))
        .map(|r| ResultRow {
            number: numbered(shell, r.statement),
            body: m.statements[r.statement].body.clone(),
            agree: r.total.agree,
            disagree: r.total.disagree,
            pass: r.total.pass,
            shares: r.groups.iter().filter(|_| split).map(|t| if t.seen() == 0 { "—".into() } else { format!("{}%", (100.0 * t.agree as f64 / t.seen() as f64).round()) }).collect(),
            verdict: shell.t(&format!("deliberation.verdict.{}", verdict_code(r.verdict))),
            verdict_code: verdict_code(r.verdict),
        })
        .collect();
    let votes = m.votes.iter().map(|row| row.iter().flatten().count()).sum();
    Results {
        participants: m.voters.len(),
        citizens: m.citizens(),
        votes,
        groups,
        narrow: Chart::build(shell, m, a, chart::Layout::NARROW),
        wide: Chart::build(shell, m, a, chart::Layout::WIDE),
        rows,
    }
}

/// An opinion as the list shows it.
pub struct OpinionRow {
    pub id: i64,
    pub name: String,
    pub at: String,
    pub body: String,
    pub hidden: bool,
}

/// A statement in staff's moderation list.
pub struct ModRow {
    pub id: i64,
    pub body: String,
    pub by: String,
    pub hidden: bool,
}

/// What the forms were sent with, kept when they come back with errors.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PostForm {
    /// `statement` or `opinion`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    name: String,
    /// The honeypot: people leave it empty.
    #[serde(default)]
    website: String,
}

#[derive(Template)]
#[template(path = "consultations/deliberation.html")]
struct Page {
    shell: Shell,
    /// Show the topic (on the public page only once it has been put to the public).
    reveal: bool,
    c: Consultation,
    base: String,
    /// Votes may be cast (the statement partial's switch).
    open: bool,
    /// Only the htmx answer refreshes the counter.
    progress: Option<(&'static str, usize, usize)>,
    vote_labels: [(&'static str, &'static str); 3],
    public: bool,
    staff: bool,
    /// Statements still to vote on, then those voted on.
    to_vote: Vec<Card>,
    voted: Vec<Card>,
    results: Option<Results>,
    opinions: Vec<OpinionRow>,
    opinions_total: u64,
    moderation: Vec<ModRow>,
    /// The citizens' page, shown to members and staff to pass on.
    public_link: Option<String>,
    /// Its QR code (SVG), for posters in the community.
    qr: String,
    f: PostForm,
    errors: FormErrors,
}

/// How many opinions a page lists (the newest).
const OPINIONS_SHOWN: u64 = 50;

/// The consensus of a matrix, worked out off the async workers: k-means and silhouettes grow
/// with the square of the participants.
async fn analyse(m: Matrix) -> AppResult<(Matrix, Analysis)> {
    tokio::task::spawn_blocking(move || {
        let a = crate::consultations::consensus::analyse(&m.votes, m.statements.len());
        (m, a)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// The citizens' address of the deliberation for members and staff to pass on, absolute and
/// with its QR code when the request's host is known.
async fn share(state: &AppState, seat: &Seat, host: Option<(&str, bool)>) -> AppResult<(Option<String>, String)> {
    if seat.public {
        return Ok((None, String::new()));
    }
    let committee = crate::org::store::find_committee(&state.db, seat.c.committee_id).await?;
    let Some(path) = committee.map(|k| format!("/c/{}/consultations/{}/deliberation", k.code, seat.c.id)) else { return Ok((None, String::new())) };
    Ok(match host {
        Some((host, secure)) => {
            let url = format!("{}://{host}{path}", if secure { "https" } else { "http" });
            let qr = crate::studios::qr::svg(&url, 200);
            (Some(url), qr)
        }
        None => (Some(path), String::new()),
    })
}

/// Every statement with its author and whether it is hidden, for staff.
async fn moderation(state: &AppState, seat: &Seat) -> AppResult<Vec<ModRow>> {
    if !seat.staff {
        return Ok(vec![]);
    }
    let all = store::statements(&state.db, seat.c.id).await?;
    Ok(all.into_iter().map(|s| ModRow { id: s.id, body: s.body, by: s.author_name, hidden: s.hidden }).collect())
}

/// The page; `host` (the request's Host) makes the citizens' address absolute, with its QR code.
async fn page(state: &AppState, shell: Shell, seat: &Seat, f: PostForm, errors: &[FieldError], host: Option<(&str, bool)>) -> AppResult<Response> {
    let mine = store::votes_of(&state.db, seat.c.id, &seat.me.key).await?;
    let (m, analysis) = analyse(store::matrix(&state.db, seat.c.id).await?).await?;
    let (to_vote, voted): (Vec<Card>, Vec<Card>) = m
        .statements
        .iter()
        .enumerate()
        .map(|(i, s)| Card { id: s.id, number: numbered(&shell, i), body: s.body.clone(), mine: mine.get(&s.id).map_or("", |v| v.as_str()) })
        .partition(|card| card.mine.is_empty());
    let results = (!m.voters.is_empty()).then(|| results(&shell, &m, &analysis));
    let (list, opinions_total) = store::opinions(&state.db, seat.c.id, seat.staff, OPINIONS_SHOWN).await?;
    let opinions = list
        .into_iter()
        .map(|o| OpinionRow { id: o.id, name: o.author_name, at: local_time(&o.created_at), body: o.body, hidden: o.hidden })
        .collect();
    let (public_link, qr) = share(state, seat, host).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let labels = vote_labels(&shell);
    let p = Page {
        errors: FormErrors::new(shell.lang, errors),
        shell,
        // A topic that never went before the public stays off the public page.
        reveal: !seat.public || seat.c.deliberation_open || results.is_some(),
        c: seat.c.clone(),
        base: seat.base.clone(),
        open: seat.c.deliberation_open,
        progress: None,
        vote_labels: labels,
        public: seat.public,
        staff: seat.staff,
        to_vote,
        voted,
        results,
        opinions,
        opinions_total,
        moderation: moderation(state, seat).await?,
        public_link,
        qr,
        f,
    };
    let mut res = html(&p)?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn member_page(State(state): State<AppState>, a: Authed, headers: HeaderMap, Path(id): Path<i64>) -> AppResult<Response> {
    let seat = member_seat(&state, &a, id).await?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(|h| (h, a.ctx.info.secure));
    page(&state, a.ctx.shell, &seat, PostForm::default(), &[], host).await
}

pub async fn public_page(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path((code, id)): Path<(String, i64)>) -> AppResult<Response> {
    let seat = citizen_seat(&state, &ctx, &headers, &code, id, "").await?;
    let res = page(&state, ctx.shell, &seat, PostForm::default(), &[], None).await?;
    Ok(seat.finish(&ctx.info, res))
}

#[derive(Clone, Debug, Deserialize)]
pub struct VoteForm {
    statement_id: i64,
    vote: String,
}

#[derive(Template)]
#[template(path = "consultations/deliberation_statement_partial.html")]
struct CardPartial {
    s: Card,
    /// The counter's label, votes cast and statements shown, to refresh it out of band.
    progress: Option<(&'static str, usize, usize)>,
    base: String,
    open: bool,
    vote_labels: [(&'static str, &'static str); 3],
}

/// The vote buttons: code and label.
fn vote_labels(shell: &Shell) -> [(&'static str, &'static str); 3] {
    Vote::ALL.map(|v| (v.as_str(), shell.t(&format!("deliberation.vote.{}", v.as_str()))))
}

/// Casts a vote; htmx gets the statement back with the vote marked, a plain form goes back to
/// the list of statements still to vote on.
async fn vote(state: &AppState, ctx: Ctx, seat: &Seat, f: VoteForm) -> AppResult<Response> {
    let v = Vote::from_code(f.vote.trim()).ok_or(AppError::invalid("vote", "err.choice"))?;
    let s = store::cast(&state.db, &seat.c, f.statement_id, &seat.me, v).await?;
    let res = if ctx.info.htmx {
        let shown: Vec<i64> = store::statements(&state.db, seat.c.id).await?.into_iter().filter(|x| !x.hidden).map(|x| x.id).collect();
        let mine = store::votes_of(&state.db, seat.c.id, &seat.me.key).await?;
        let progress = Some((ctx.shell.t("deliberation.progress"), shown.iter().filter(|id| mine.contains_key(id)).count(), shown.len()));
        let number = shown.iter().position(|id| *id == s.id).map_or_else(String::new, |i| numbered(&ctx.shell, i));
        let card = Card { id: s.id, number, body: s.body, mine: v.as_str() };
        html(&CardPartial { vote_labels: vote_labels(&ctx.shell), s: card, progress, base: seat.base.clone(), open: true })?
    } else {
        Redirect::to(&format!("{}#vote", seat.base)).into_response()
    };
    Ok(seat.finish(&ctx.info, res))
}

pub async fn member_vote(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<VoteForm>) -> AppResult<Response> {
    let seat = member_seat(&state, &a, id).await?;
    vote(&state, a.ctx, &seat, f).await
}

pub async fn public_vote(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path((code, id)): Path<(String, i64)>, Form(f): Form<VoteForm>) -> AppResult<Response> {
    let seat = citizen_seat(&state, &ctx, &headers, &code, id, "").await?;
    vote(&state, ctx, &seat, f).await
}

/// Posts a statement or an opinion; a bad text comes back on the page with its message.
async fn add_post(state: &AppState, ctx: Ctx, seat: &Seat, f: PostForm) -> AppResult<Response> {
    if !f.website.is_empty() {
        return Err(AppError::BadRequest("honeypot".into()));
    }
    let (post, parsed) = match f.kind.as_str() {
        "statement" => (Post::Statement, store::parse_statement(&f.text)),
        "opinion" => (Post::Opinion, store::parse_opinion(&f.text)),
        _ => return Err(AppError::invalid("kind", "err.choice")),
    };
    let body = match parsed {
        Ok(b) => b,
        Err(e) => return page(state, ctx.shell, seat, f, &[e], None).await.map(|r| seat.finish(&ctx.info, r)),
    };
    store::add(&state.db, &seat.c, post, &body, &seat.me, seat.staff, &seat.who).await?;
    let anchor = if post == Post::Statement { "vote" } else { "opinions" };
    let res = redirect_with_flash(&ctx.info, &format!("{}#{anchor}", seat.base), "flash.sent");
    Ok(seat.finish(&ctx.info, res))
}

pub async fn member_post(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<PostForm>) -> AppResult<Response> {
    let seat = member_seat(&state, &a, id).await?;
    add_post(&state, a.ctx, &seat, f).await
}

pub async fn public_post(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path((code, id)): Path<(String, i64)>, Form(f): Form<PostForm>) -> AppResult<Response> {
    let name = store::parse_name(&f.name).map_err(|e| AppError::Invalid(vec![e]))?;
    let seat = citizen_seat(&state, &ctx, &headers, &code, id, &name).await?;
    add_post(&state, ctx, &seat, f).await
}

async fn staff_seat(state: &AppState, a: &Authed, id: i64) -> AppResult<Seat> {
    authorize(&a.actor, Action::ManageConsultations, &Target::own(&a.actor))?;
    member_seat(state, a, id).await
}

async fn set_open(state: AppState, a: Authed, id: i64, open: bool) -> AppResult<Response> {
    let seat = staff_seat(&state, &a, id).await?;
    store::set_open(&state.db, &seat.c, open, &seat.who).await?;
    Ok(redirect_with_flash(&a.ctx.info, &seat.base, "flash.saved"))
}

pub async fn open(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    set_open(state, a, id, true).await
}

pub async fn close(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    set_open(state, a, id, false).await
}

#[derive(Clone, Debug, Deserialize)]
pub struct VisibilityForm {
    /// true hides, false shows again.
    hidden: bool,
}

async fn visibility(state: AppState, a: Authed, id: i64, post: Post, post_id: i64, hidden: bool) -> AppResult<Response> {
    let seat = staff_seat(&state, &a, id).await?;
    if !store::set_hidden(&state.db, &seat.c, post, post_id, hidden, &seat.who).await? {
        return Err(AppError::NotFound);
    }
    let anchor = if post == Post::Statement { "moderation" } else { "opinions" };
    Ok(redirect_with_flash(&a.ctx.info, &format!("{}#{anchor}", seat.base), "flash.saved"))
}

pub async fn statement_visibility(State(state): State<AppState>, a: Authed, Path((id, post_id)): Path<(i64, i64)>, Form(f): Form<VisibilityForm>) -> AppResult<Response> {
    visibility(state, a, id, Post::Statement, post_id, f.hidden).await
}

pub async fn opinion_visibility(State(state): State<AppState>, a: Authed, Path((id, post_id)): Path<(i64, i64)>, Form(f): Form<VisibilityForm>) -> AppResult<Response> {
    visibility(state, a, id, Post::Opinion, post_id, f.hidden).await
}

/// The results chart: one stacked bar per statement (agree green, pass grey, disagree red) in
/// the order of the table, under a heading per verdict, with a dot per opinion group at that
/// group's agreement. Server-drawn SVG with colours as attributes, so it prints and needs no
/// script; the narrow drawing puts each label above its bar for phones, the wide one beside it.
mod chart {
    use super::{ORDER, Shell, group_letter, numbered, verdict_code};
    use crate::consultations::consensus::{Analysis, StatementResult, Verdict};
    use crate::consultations::deliberation::Matrix;

    #[derive(Clone, Copy, Debug)]
    pub struct Layout {
        class: &'static str,
        width: i32,
        bar_x: i32,
        bar_w: i32,
        /// The label stands above the bar (phones) rather than to its left.
        label_above: bool,
        /// Label size in the drawing's units, and how many CJK characters' width a label may take.
        font: i32,
        label_em: f64,
    }

    impl Layout {
        pub const NARROW: Layout = Layout { class: "narrow", width: 360, bar_x: 8, bar_w: 344, label_above: true, font: 13, label_em: 26.0 };
        pub const WIDE: Layout = Layout { class: "wide", width: 740, bar_x: 330, bar_w: 400, label_above: false, font: 12, label_em: 26.0 };
    }

    pub const AGREE: &str = "#2e7d32";
    pub const PASS: &str = "#bdbdbd";
    pub const DISAGREE: &str = "#c62828";
    pub const GROUP: &str = "#37474f";
    const BAR_H: i32 = 14;
    /// A group's dot and the lane below the bar it sits in.
    const DOT_R: i32 = 6;
    const LANE: i32 = 13;

    pub struct Seg {
        pub x: i32,
        pub w: i32,
        pub fill: &'static str,
        /// The share written inside, when there is room.
        pub text: String,
        pub text_x: i32,
        pub text_fill: &'static str,
    }

    pub struct Dot {
        pub x: i32,
        pub y: i32,
        pub letter: char,
        pub title: String,
    }

    pub struct Row {
        pub label: String,
        pub full: String,
        pub label_y: i32,
        pub bar_y: i32,
        pub segs: Vec<Seg>,
        pub dots: Vec<Dot>,
    }

    pub struct Heading {
        pub y: i32,
        pub text: String,
        pub fill: &'static str,
    }

    pub struct Key {
        pub x: i32,
        pub fill: &'static str,
        pub round: bool,
        pub text: &'static str,
    }

    pub struct Chart {
        pub class: &'static str,
        pub width: i32,
        pub height: i32,
        pub bar_x: i32,
        pub bar_h: i32,
        pub font: i32,
        pub mid_x: i32,
        pub title: &'static str,
        pub keys: Vec<Key>,
        pub headings: Vec<Heading>,
        pub rows: Vec<Row>,
    }

    /// Width of `s` in ems: CJK and full-width characters one, the rest about half.
    fn ems(s: &str) -> f64 {
        s.chars().map(|c| if c.is_ascii() { 0.55 } else { 1.0 }).sum()
    }

    /// `s` cut to `max` ems, with an ellipsis when cut.
    pub fn fit(s: &str, max: f64) -> String {
        if ems(s) <= max {
            return s.to_string();
        }
        let mut out = String::new();
        let mut used = 1.0;
        for c in s.chars() {
            used += ems(&c.to_string());
            if used > max {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    }

    fn verdict_fill(v: Verdict) -> &'static str {
        match v {
            Verdict::Agreement => "#1e6b35",
            Verdict::Divisive => "#a15c00",
            Verdict::Rejection => "#a1231b",
            Verdict::Unclear => "#6b6560",
        }
    }

    fn pct(n: u32, of: u32) -> String {
        format!("{}%", (100.0 * n as f64 / of as f64).round())
    }

    /// The three segments of a bar, edges rounded from the running total so they meet exactly.
    fn segs(r: &StatementResult, l: Layout) -> Vec<Seg> {
        let t = r.total;
        let seen = t.seen();
        if seen == 0 {
            return vec![Seg { x: l.bar_x, w: l.bar_w, fill: "#eeeeee", text: String::new(), text_x: 0, text_fill: PASS }];
        }
        let edge = |n: u32| l.bar_x + (l.bar_w as f64 * n as f64 / seen as f64).round() as i32;
        let parts = [(0, t.agree, AGREE, "#fff"), (t.agree, t.agree + t.pass, PASS, "#1d1b1a"), (t.agree + t.pass, seen, DISAGREE, "#fff")];
        parts
            .into_iter()
            .filter(|(from, to, _, _)| to > from)
            .map(|(from, to, fill, text_fill)| {
                let (x, w) = (edge(from), edge(to) - edge(from));
                let text = if w >= 28 { pct(to - from, seen) } else { String::new() };
                Seg { x, w, fill, text, text_x: x + w / 2, text_fill }
            })
            .collect()
    }

    /// The groups' dots below the bar; a dot too close to one already placed moves a lane down.
    fn dots(r: &StatementResult, l: Layout, top: i32) -> (Vec<Dot>, i32) {
        let mut placed: Vec<(i32, i32)> = Vec::new();
        let mut out = Vec::new();
        let mut order: Vec<(usize, i32)> = r
            .groups
            .iter()
            .enumerate()
            .filter(|(_, t)| t.seen() > 0 && r.groups.len() > 1)
            .map(|(g, t)| (g, l.bar_x + (l.bar_w as f64 * t.agree as f64 / t.seen() as f64).round() as i32))
            .collect();
        order.sort_by_key(|(_, x)| *x);
        for (g, x) in order {
            let lane = (0..).find(|lane| placed.iter().all(|(px, pl)| pl != lane || x - px > 2 * DOT_R + 1)).unwrap_or(0);
            placed.push((x, lane));
            let t = r.groups[g];
            out.push(Dot { x, y: top + DOT_R + 2 + lane * LANE, letter: group_letter(g), title: format!("{}: {}", group_letter(g), pct(t.agree, t.seen())) });
        }
        let lanes = placed.iter().map(|(_, lane)| lane + 1).max().unwrap_or(0);
        (out, lanes * LANE)
    }

    /// One statement's row from `y`, and the height it takes.
    fn row(shell: &Shell, m: &Matrix, r: &StatementResult, l: Layout, y: i32) -> (Row, i32) {
        let full = format!("{} {}", numbered(shell, r.statement), m.statements[r.statement].body);
        let (label_y, bar_y) = if l.label_above { (y + l.font + 1, y + l.font + 6) } else { (y + 14, y + 3) };
        let (dots, lanes_h) = dots(r, l, bar_y + BAR_H);
        let height = bar_y - y + BAR_H + lanes_h.max(4) + 6;
        (Row { label: fit(&full, l.label_em), full, label_y, bar_y, segs: segs(r, l), dots }, height)
    }

    fn keys(shell: &Shell, font: i32) -> Vec<Key> {
        let items = [
            (AGREE, false, shell.t("deliberation.vote.agree")),
            (PASS, false, shell.t("deliberation.vote.pass")),
            (DISAGREE, false, shell.t("deliberation.vote.disagree")),
            (GROUP, true, shell.t("deliberation.chart_legend")),
        ];
        let mut x = 8;
        items
            .into_iter()
            .map(|(fill, round, text)| {
                let k = Key { x, fill, round, text };
                x += 16 + (ems(text) * font as f64) as i32 + 12;
                k
            })
            .collect()
    }

    impl Chart {
        pub fn build(shell: &Shell, m: &Matrix, a: &Analysis, l: Layout) -> Chart {
            let mut y = 26;
            let (mut headings, mut rows) = (Vec::new(), Vec::new());
            for v in ORDER {
                let list = a.with_verdict(v);
                if list.is_empty() {
                    continue;
                }
                let name = shell.t(&format!("deliberation.verdict.{}", verdict_code(v)));
                headings.push(Heading { y: y + 16, text: format!("{name}（{}）", list.len()), fill: verdict_fill(v) });
                y += 24;
                for r in list {
                    let (row, h) = row(shell, m, r, l, y);
                    rows.push(row);
                    y += h;
                }
                y += 4;
            }
            Chart {
                class: l.class,
                width: l.width,
                height: y,
                bar_x: l.bar_x,
                bar_h: BAR_H,
                mid_x: l.bar_x + l.bar_w / 2,
                title: shell.t("deliberation.chart_title"),
                keys: keys(shell, l.font),
                font: l.font,
                headings,
                rows,
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn labels_are_cut_to_their_width() {
            assert_eq!(fit("第1条 增设减速带", 28.0), "第1条 增设减速带");
            let cut = fit(&"长".repeat(40), 10.0);
            assert_eq!(cut.chars().count(), 10);
            assert!(cut.ends_with('…'));
            assert!(ems(&cut) <= 10.0);
        }
    }
}
