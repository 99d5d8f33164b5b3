//! The proposal lists, one set of views per role: a member's own, drafts, co-sign requests and
//! answers to rate; staff's review queue, proposals to assign, those being handled, the overdue
//! ones and the whole register; a unit's inbox; a leader's key proposals. Every view takes the
//! same filters, and the register (汇总表) downloads the list as it is filtered.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::app::audit::{self, Who};
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, local_time, today};
use crate::org::model::Role;
use crate::proposals::metrics::MetricScope;
use crate::proposals::model::ProposalState;
use crate::proposals::pages::{Session, own_member, proposer_label, sessions};
use crate::proposals::store::{self, ApiFilter, ListScope, Proposal};

/// A named list: what it shows is decided here, per role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Everything the viewer may see.
    All,
    // A member's.
    Drafts,
    CoSign,
    ToRate,
    // Staff's.
    Review,
    ToAssign,
    Handling,
    Overdue,
    // A unit's open parts.
    Inbox,
    // Leaders and staff.
    Key,
    Excellent,
}

impl View {
    const ALL: [View; 11] =
        [Self::All, Self::Drafts, Self::CoSign, Self::ToRate, Self::Review, Self::ToAssign, Self::Handling, Self::Overdue, Self::Inbox, Self::Key, Self::Excellent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Drafts => "drafts",
            Self::CoSign => "cosign",
            Self::ToRate => "rate",
            Self::Review => "review",
            Self::ToAssign => "assign",
            Self::Handling => "handling",
            Self::Overdue => "overdue",
            Self::Inbox => "inbox",
            Self::Key => "key",
            Self::Excellent => "excellent",
        }
    }

    fn from_code(s: &str) -> Option<View> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The views a role has, the first being its default. A leader who is also a member (the
    /// chair co-signs proposals too) gets the co-sign requests and the answers to rate besides.
    pub fn for_role(role: Role, staff: bool, is_member: bool) -> &'static [View] {
        use View::*;
        if staff {
            return &[Review, ToAssign, Handling, Overdue, Key, Excellent, All];
        }
        match role {
            Role::Member => &[All, Drafts, CoSign, ToRate],
            Role::Unit => &[Inbox, All],
            Role::Leader if is_member => &[All, Key, Excellent, CoSign, ToRate],
            _ => &[All, Key, Excellent],
        }
    }

    /// A member's own views look at what the viewer signs, whatever the role.
    fn own(self) -> bool {
        matches!(self, Self::Drafts | Self::CoSign | Self::ToRate)
    }
}

/// The list's query string.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(default)]
    pub view: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub session: String,
    #[serde(default)]
    pub q: String,
    /// Submitted on or after (YYYY-MM-DD, China time); with `to`, the statistics' cohort.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Signed by a member of this group (or of one below it), studio or sector, or by a member
    /// at this place (the dashboard's scopes).
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub studio: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub sector: String,
    /// `1`: only those given a filing number (立案).
    #[serde(default)]
    pub filed: String,
}

impl ListQuery {
    /// The query without the page, for the pager and the register link.
    fn query_string(&self) -> String {
        let pairs = [
            ("view", &self.view),
            ("state", &self.state),
            ("session", &self.session),
            ("q", &self.q),
            ("from", &self.from),
            ("to", &self.to),
            ("group", &self.group),
            ("studio", &self.studio),
            ("place", &self.place),
            ("sector", &self.sector),
            ("filed", &self.filed),
        ];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }
}

/// Who is looking, as the lists need it.
pub struct Viewer {
    pub staff: bool,
    pub role: Role,
    pub member: Option<i64>,
    pub unit: Option<i64>,
}

impl Viewer {
    pub async fn of(state: &AppState, a: &Actor) -> AppResult<Viewer> {
        Ok(Viewer { staff: may(a, Action::ManageProposals, &Target::own(a)), role: a.role, member: own_member(state, a).await?, unit: a.unit_id })
    }

    /// Members see what they sign (drafts included), units what was handed to them, everyone
    /// else everything sent in; a member's own views are the signer's in every role.
    pub fn scope(&self, view: View) -> ListScope {
        if view.own() {
            return ListScope::SignedBy(self.member.unwrap_or(-1));
        }
        match self.role {
            Role::Member if !self.staff => ListScope::SignedBy(self.member.unwrap_or(-1)),
            Role::Unit => ListScope::Unit(self.unit.unwrap_or(-1)),
            _ => ListScope::SentIn,
        }
    }
}

/// The view and filters of a query, checked against what the viewer may use.
pub fn filter_of(v: &Viewer, q: &ListQuery, on: NaiveDate, session_ids: &[i64]) -> (View, ApiFilter) {
    let views = View::for_role(v.role, v.staff, v.member.is_some());
    let view = View::from_code(q.view.trim()).filter(|x| views.contains(x)).unwrap_or(views[0]);
    let mut f = ApiFilter {
        state: ProposalState::from_code(q.state.trim()),
        session_id: q.session.trim().parse().ok().filter(|s| session_ids.contains(s)),
        text: Some(q.q.trim().to_string()).filter(|t| !t.is_empty()),
        ..Default::default()
    };
    let me = v.member.unwrap_or(-1);
    match view {
        View::All => {}
        View::Drafts => f.states = vec![ProposalState::Draft, ProposalState::Returned],
        View::CoSign => f.cosign_pending = Some(me),
        View::ToRate => f.to_rate = Some(me),
        View::Review => f.states = vec![ProposalState::Submitted, ProposalState::InReview],
        View::ToAssign => f.states = vec![ProposalState::Filed, ProposalState::Objected],
        View::Handling => f.states = ProposalState::ALL.into_iter().filter(|s| s.with_units()).collect(),
        View::Overdue => f.overdue_on = Some(on),
        View::Inbox => f.unit_open = Some(v.unit.unwrap_or(-1)),
        View::Key => f.key = Some(true),
        View::Excellent => f.excellent = Some(true),
    }
    (view, f)
}

/// Narrows `f` to the period and scope of a query (the statistics' cohort of proposals:
/// submitted in the period, signed by a member of the scope); `errors` name the bad filters.
async fn with_cohort(state: &AppState, committee_id: i64, q: &ListQuery, f: &mut ApiFilter) -> AppResult<Vec<crate::app::error::FieldError>> {
    let mut l = crate::app::forms::Lenient::default();
    let (from, to) = l.period(&q.from, &q.to);
    let (scope, scope_errors) = crate::org::scope::ListScope::parse(&state.db, committee_id, &q.group, &q.studio, &q.place, &q.sector).await?;
    let mut errors = l.0;
    errors.extend(scope_errors);
    let members = scope.members_with_place(&state.db, committee_id).await?;
    if from.is_some() || to.is_some() || members.is_some() {
        let scope = members.map(MetricScope::Members).unwrap_or_default();
        // Open ends as far dates (the China day's start is computed from them).
        let far = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        f.cohort = Some((from.unwrap_or(far(1900, 1, 1)), to.unwrap_or(far(9999, 12, 30)), scope));
    }
    f.filed = (q.filed.trim() == "1").then_some(true);
    Ok(errors)
}

struct Row {
    id: i64,
    number: String,
    title: String,
    key: bool,
    excellent: bool,
    proposer: String,
    state: &'static str,
    deadline: String,
    overdue: bool,
    due_soon: bool,
    updated: String,
}

#[derive(Template)]
#[template(path = "proposals/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<Row>,
    pager: Pager,
    views: Vec<(&'static str, &'static str)>,
    view: &'static str,
    states: Vec<(&'static str, &'static str)>,
    sessions: Vec<Session>,
    q: ListQuery,
    query: String,
    can_draft: bool,
    can_register: bool,
    staff: bool,
    errors: crate::app::forms::FormErrors,
}

/// Days before the deadline from which a handled proposal is shown as due soon.
const DUE_SOON_DAYS: i64 = 14;

pub async fn list(State(state): State<AppState>, a: Authed, Query(mut q): Query<ListQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<crate::stats::export::ListFormat>) -> AppResult<Response> {
    if fmt.xlsx() {
        // The register (staff and leaders), under the same view and filters.
        return register(State(state), a, Query(q)).await;
    }
    authorize(&a.actor, Action::ViewProposals, &Target::own(&a.actor))?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let cid = a.actor.committee_id;
    let viewer = Viewer::of(&state, &a.actor).await?;
    let sessions = sessions(&state, cid).await?;
    let today = today();
    let (view, mut f) = filter_of(&viewer, &q, today, &sessions.iter().map(|s| s.id).collect::<Vec<_>>());
    let errors = with_cohort(&state, cid, &q, &mut f).await?;
    q.view = view.as_str().into();
    let (list, total) = store::search(&state.db, cid, viewer.scope(view), &f, page).await?;
    let labels = proposer_label(&state, &list).await?;
    let shell = a.ctx.shell;
    let rows = list.iter().map(|p| row(&shell, p, labels.get(&p.id).cloned().unwrap_or_default(), today)).collect();
    let views = View::for_role(viewer.role, viewer.staff, viewer.member.is_some()).iter().map(|v| (v.as_str(), shell.t(&format!("proposal.view.{}", v.as_str())))).collect();
    let states = ProposalState::ALL.iter().map(|s| (s.as_str(), shell.t(s.label_key()))).collect();
    let query = q.query_string();
    let page = ListPage {
        rows,
        pager: Pager::new(page, total, query.clone()),
        views,
        view: view.as_str(),
        states,
        sessions,
        q,
        query,
        can_draft: may(&a.actor, Action::DraftProposals, &Target::own(&a.actor)),
        can_register: may_register(&a.actor),
        staff: viewer.staff,
        errors: crate::app::forms::FormErrors::new(shell.lang, &errors),
        shell,
    };
    html(&page)
}

fn row(shell: &Shell, p: &Proposal, proposer: String, today: NaiveDate) -> Row {
    let held = p.state().with_units();
    let left = p.deadline.filter(|_| held).map(|d| (d - today).num_days());
    Row {
        id: p.id,
        number: p.number.clone().unwrap_or_default(),
        title: p.title.clone(),
        key: p.key_proposal,
        excellent: p.excellent,
        proposer,
        state: shell.t(p.state().label_key()),
        deadline: p.deadline.filter(|_| held).map(|d| d.to_string()).unwrap_or_default(),
        overdue: left.is_some_and(|d| d < 0),
        due_soon: left.is_some_and(|d| (0..=DUE_SOON_DAYS).contains(&d)),
        updated: local_time(&p.updated_at),
    }
}

/// The proposal work a home page shows: the counts of the viewer's views that ask for action
/// (review, assignment, overdue; an inbox; co-sign requests, answers to rate, returned drafts;
/// a leader's key proposals). Overdue and returned counts are marked for attention.
pub async fn work(state: &AppState, a: &Actor, shell: &Shell) -> AppResult<Vec<(&'static str, u64, String, bool)>> {
    if !may(a, Action::ViewProposals, &Target::own(a)) {
        return Ok(vec![]);
    }
    let viewer = Viewer::of(state, a).await?;
    let today = today();
    let mut out = Vec::new();
    for view in View::for_role(viewer.role, viewer.staff, viewer.member.is_some()) {
        if matches!(view, View::All | View::Excellent | View::Handling) || (*view == View::Key && viewer.staff) {
            continue;
        }
        let q = ListQuery { view: view.as_str().into(), ..Default::default() };
        let (_, f) = filter_of(&viewer, &q, today, &[]);
        let n = store::count(&state.db, a.committee_id, viewer.scope(*view), &f).await?;
        out.push((shell.t(&format!("proposal.view.{}", view.as_str())), n, format!("/proposals?view={}", view.as_str()), matches!(view, View::Overdue | View::Drafts)));
    }
    Ok(out)
}

/// The register is for staff and leaders: it names every proposer of every proposal.
fn may_register(a: &Actor) -> bool {
    may(a, Action::ManageProposals, &Target::own(a)) || a.role == Role::Leader
}

/// Most rows one register download holds.
const REGISTER_CAP: u64 = 50_000;

/// 提案汇总表: the list as filtered, as .xlsx.
pub async fn register(State(state): State<AppState>, a: Authed, Query(q): Query<ListQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewProposals, &Target::own(&a.actor))?;
    if !may_register(&a.actor) {
        return Err(AppError::Forbidden);
    }
    let cid = a.actor.committee_id;
    let viewer = Viewer::of(&state, &a.actor).await?;
    let sessions = sessions(&state, cid).await?;
    let (view, mut f) = filter_of(&viewer, &q, today(), &sessions.iter().map(|s| s.id).collect::<Vec<_>>());
    let errors = with_cohort(&state, cid, &q, &mut f).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let list = store::register(&state.db, cid, viewer.scope(view), &f, REGISTER_CAP).await?;
    let bytes = crate::proposals::downloads::register_xlsx(&state, cid, &list, &sessions).await?;
    audit::record(&state.db, &Who::actor(&a.actor, &a.ctx.info.ip), "export", store::ITEM_TYPE, "-", format!("导出提案汇总表 {} 件", list.len())).await?;
    Ok(crate::proposals::downloads::file_response(bytes, crate::proposals::downloads::XLSX, "proposals.xlsx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, staff: bool) -> Viewer {
        Viewer { staff, role, member: Some(7), unit: Some(3) }
    }

    #[test]
    fn each_role_gets_its_views_and_cannot_borrow_others() {
        let d = NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
        let q = |view: &str| ListQuery { view: view.into(), ..Default::default() };
        let (v, f) = filter_of(&viewer(Role::Member, false), &q("rate"), d, &[]);
        assert_eq!((v, f.to_rate), (View::ToRate, Some(7)));
        let (v, f) = filter_of(&viewer(Role::Member, false), &q("overdue"), d, &[]);
        assert_eq!((v, f.overdue_on), (View::All, None), "a member has no overdue view: the default instead");
        let (v, f) = filter_of(&viewer(Role::Unit, false), &q(""), d, &[]);
        assert_eq!((v, f.unit_open), (View::Inbox, Some(3)), "a unit starts in its inbox");
        let (v, f) = filter_of(&viewer(Role::Staff, true), &q("overdue"), d, &[]);
        assert_eq!((v, f.overdue_on), (View::Overdue, Some(d)));
        let (v, f) = filter_of(&viewer(Role::Staff, true), &q(""), d, &[]);
        assert_eq!((v, f.states), (View::Review, vec![ProposalState::Submitted, ProposalState::InReview]), "staff start with the review queue");
        assert_eq!(viewer(Role::Member, false).scope(View::All), ListScope::SignedBy(7));
        assert_eq!(viewer(Role::Unit, false).scope(View::Inbox), ListScope::Unit(3));
        assert_eq!(viewer(Role::Leader, false).scope(View::Key), ListScope::SentIn);
        let (v, f) = filter_of(&viewer(Role::Leader, false), &q("rate"), d, &[]);
        assert_eq!((v, f.to_rate, viewer(Role::Leader, false).scope(v)), (View::ToRate, Some(7), ListScope::SignedBy(7)), "the chair rates own proposals too");
        let no_member = Viewer { staff: false, role: Role::Leader, member: None, unit: None };
        assert_eq!(filter_of(&no_member, &q("rate"), d, &[]).0, View::All, "a leader without a member record has no own views");
    }

    #[test]
    fn filters_keep_only_known_values() {
        let v = viewer(Role::Leader, false);
        let q = ListQuery { view: "key".into(), state: "answered".into(), session: "9".into(), q: "  老旧小区 ".into(), ..Default::default() };
        let (_, f) = filter_of(&v, &q, NaiveDate::from_ymd_opt(2022, 5, 1).unwrap(), &[1, 2]);
        assert_eq!((f.key, f.state, f.session_id, f.text.as_deref()), (Some(true), Some(ProposalState::Answered), None, Some("老旧小区")), "session 9 is not the committee's");
        assert_eq!(q.query_string(), "view=key&state=answered&session=9&q=%E8%80%81%E6%97%A7%E5%B0%8F%E5%8C%BA");
    }
}
