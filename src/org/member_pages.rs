//! Member pages: the list with filters and search, the member file (履职档案), the member
//! form, and roster import, export and template.
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::{self, Who};
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors, ListForm};
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash};
use crate::app::web;
use crate::org::import::{self, Catalogues, ImportOptions, ImportReport};
use crate::org::members::{self, Member, MemberData, MemberFilter, MemberInput};
use crate::org::roster::{self, RowError};
use crate::org::structure::{self, Group, Place, Sector};
use crate::org::values::{Gender, MemberStatus, Phone, Position};

/// Shows a stored mobile number in full or as 138****1234.
pub fn shown_mobile(mobile: Option<&str>, full: bool) -> String {
    match mobile {
        None => String::new(),
        Some(m) if full => m.to_string(),
        Some(m) => Phone::parse("mobile", m).map(|p| p.masked()).unwrap_or_else(|_| "****".into()),
    }
}

/// The committee's catalogues as choices for filters and forms (retired entries left out).
pub struct Choices {
    pub sectors: Vec<Sector>,
    pub groups: Vec<Group>,
    pub places: Vec<Place>,
    /// Member and leader accounts a member record may be linked to: (id, "username（name）").
    pub accounts: Vec<(i64, String)>,
}

impl Choices {
    pub async fn load(state: &AppState, committee_id: i64) -> AppResult<Self> {
        let active = |r: &bool| !*r;
        Ok(Choices {
            sectors: structure::sectors(&state.db, committee_id).await?.into_iter().filter(|s| active(&s.retired)).collect(),
            groups: structure::groups(&state.db, committee_id).await?.into_iter().filter(|g| active(&g.retired)).collect(),
            places: structure::places(&state.db, committee_id).await?.into_iter().filter(|p| active(&p.retired)).collect(),
            accounts: crate::org::store::member_accounts(&state.db, committee_id)
                .await?
                .into_iter()
                .map(|u| (u.id, format!("{}（{}）", u.username, u.display_name)))
                .collect(),
        })
    }

    /// Checks that the member's sector, place and groups belong to this committee.
    fn check(&self, d: &MemberData, check: &mut Check) {
        if !self.sectors.iter().any(|s| s.id == d.sector_id) {
            check.add(FieldError::new("sector_id", "err.choice"));
        }
        if d.place_id.is_some_and(|p| !self.places.iter().any(|x| x.id == p)) {
            check.add(FieldError::new("place_id", "err.choice"));
        }
        if d.group_ids.iter().any(|g| !self.groups.iter().any(|x| x.id == *g)) {
            check.add(FieldError::new("group_ids", "err.choice"));
        }
        if d.user_id.is_some_and(|u| !self.accounts.iter().any(|(id, _)| *id == u)) {
            check.add(FieldError::new("user_id", "err.choice"));
        }
    }
}

/// Filters of the member list (pages and API); ids as decimal text.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub q: String,
    /// In office on this day (YYYY-MM-DD): 委员数 at a period's end.
    #[serde(default)]
    pub at: String,
    /// Studio id: the members assigned to it.
    #[serde(default)]
    pub studio: String,
}

impl MemberQuery {
    /// [`MemberQuery::filter`] with the studio's members (an unknown studio names its field).
    pub async fn checked_filter(&self, state: &AppState, committee_id: i64, choices: &Choices) -> AppResult<Result<MemberFilter, FieldError>> {
        let mut f = match self.filter(choices) {
            Ok(f) => f,
            Err(e) => return Ok(Err(e)),
        };
        let (scope, errors) = crate::org::scope::ListScope::parse(&state.db, committee_id, "", &self.studio, "", "").await?;
        if let Some(e) = errors.into_iter().next() {
            return Ok(Err(e));
        }
        f.ids = scope.members(&state.db, committee_id).await?;
        Ok(Ok(f))
    }

    /// The typed filter; unknown values name their field.
    pub fn filter(&self, choices: &Choices) -> Result<MemberFilter, FieldError> {
        let id = |field: &'static str, s: &str| -> Result<Option<i64>, FieldError> {
            if s.trim().is_empty() { Ok(None) } else { s.trim().parse().map(Some).map_err(|_| FieldError::new(field, "err.choice")) }
        };
        Ok(MemberFilter {
            sector_id: id("sector", &self.sector)?,
            group_ids: id("group", &self.group)?.map(|g| structure::with_below(g, &choices.groups.iter().map(|x| (x.id, x.parent_id)).collect::<Vec<_>>())),
            place_ids: id("place", &self.place)?.map(|p| structure::with_below(p, &choices.places.iter().map(|x| (x.id, x.parent_id)).collect::<Vec<_>>())),
            position: match self.position.trim() {
                "" => None,
                p => Some(Position::from_code(p).ok_or(FieldError::new("position", "err.choice"))?),
            },
            status: match self.status.trim() {
                "" => None,
                s => Some(MemberStatus::from_code(s).ok_or(FieldError::new("status", "err.choice"))?),
            },
            q: Some(self.q.trim().to_string()).filter(|q| !q.is_empty()),
            in_office_on: crate::app::pages::parse_date("at", &self.at)?,
            ids: None,
        })
    }

    pub fn query_string(&self) -> String {
        [
            ("sector", &self.sector),
            ("group", &self.group),
            ("place", &self.place),
            ("position", &self.position),
            ("status", &self.status),
            ("q", &self.q),
            ("at", &self.at),
            ("studio", &self.studio),
        ]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", web::urlencode(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub gender: &'static str,
    pub sector: String,
    pub position: &'static str,
    pub groups: String,
    pub place: String,
    pub mobile: String,
    pub status: &'static str,
    pub in_office: bool,
}

fn member_row(m: &Member, cats: &Catalogues, group_ids: &[i64], full_phone: bool) -> MemberRow {
    MemberRow {
        id: m.id,
        name: m.name.clone(),
        gender: m.gender.as_deref().and_then(Gender::from_code).map(Gender::label).unwrap_or(""),
        sector: cats.sectors.get(&m.sector_id).cloned().unwrap_or_default(),
        position: Position::from_code(&m.position).map(Position::label).unwrap_or(""),
        groups: group_ids.iter().filter_map(|g| cats.groups.get(g).cloned()).collect::<Vec<_>>().join("、"),
        place: m.place_id.and_then(|p| cats.places.get(&p).cloned()).unwrap_or_default(),
        mobile: shown_mobile(m.mobile.as_deref(), full_phone),
        status: MemberStatus::from_code(&m.status).map(MemberStatus::label).unwrap_or(""),
        in_office: m.status == MemberStatus::InOffice.as_str(),
    }
}

#[derive(Template)]
#[template(path = "members/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<MemberRow>,
    pager: Pager,
    q: MemberQuery,
    query: String,
    choices: Choices,
    positions: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    can_manage: bool,
    errors: FormErrors,
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<MemberQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<crate::stats::export::ListFormat>) -> AppResult<Response> {
    if fmt.xlsx() {
        // The roster export (staff only), under the same filters.
        return export(State(state), a, Query(q)).await;
    }
    let own = Target::own(&a.actor);
    authorize(&a.actor, Action::ViewMembers, &own)?;
    let choices = Choices::load(&state, a.actor.committee_id).await?;
    let mut check = Check::default();
    let filter = check.take(q.checked_filter(&state, a.actor.committee_id, &choices).await?);
    let page = check.take(PageRequest::parse(&pq)).unwrap_or(PageRequest { page: 1, per_page: 20 });
    let (list, total) = match filter {
        Some(f) => members::list(&state.db, a.actor.committee_id, &f, page).await?,
        None => (vec![], 0),
    };
    let cats = Catalogues::load(&state.db, a.actor.committee_id).await?;
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    let groups = members::groups_of(&state.db, &ids).await?;
    let full = may(&a.actor, Action::ViewMemberPhones, &own);
    let rows = list.iter().map(|m| member_row(m, &cats, groups.get(&m.id).map(Vec::as_slice).unwrap_or(&[]), full)).collect();
    let query = q.query_string();
    html(&ListPage {
        errors: FormErrors::new(a.ctx.shell.lang, &check.0),
        shell: a.ctx.shell,
        rows,
        pager: Pager::new(page, total, query.clone()),
        query,
        q,
        choices,
        positions: Position::ALL.iter().map(|p| (p.as_str(), p.label())).collect(),
        statuses: MemberStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        can_manage: may(&a.actor, Action::ManageMembers, &own),
    })
}

#[derive(Template)]
#[template(path = "members/file.html")]
struct FilePage {
    shell: Shell,
    m: MemberRow,
    birth_month: String,
    ethnicity: String,
    party: String,
    employer: String,
    status_since: String,
    account: String,
    can_manage: bool,
    /// The 走访 tab: the member's latest visits, if the viewer may see visits, and how many.
    visit_rows: Option<Vec<crate::visits::pages::VisitRow>>,
    visit_total: u64,
    /// The 活动 rows: the member's activities with its attendance, if the viewer may see them.
    activity_rows: Option<Vec<crate::activities::pages::ActivityRow>>,
    /// The member's activity calendar, for the member itself.
    activity_feed: Option<String>,
    /// The 调研报告 rows: the member's latest research reports, if the viewer may see them, and how many.
    research_rows: Option<Vec<crate::research::pages::ReportRow>>,
    research_total: u64,
    /// The liaison targets the member is assigned to: (link, name, kind and status).
    liaison: Option<Vec<(String, String, String)>>,
    /// The projects the member introduced: (link, name, kind).
    projects: Option<Vec<(String, String, String)>>,
    /// The member's public-opinion reports of the last five years, newest first: (link, title,
    /// date and state), for the member itself, staff and leaders.
    opinions: Option<Vec<(String, String, String)>>,
}

/// A member's 社情民意 for its file: only the member, staff and leaders see them (drafts are
/// never listed: `reports_of_member` leaves them out).
async fn opinions_of(state: &AppState, actor: &crate::app::auth::Actor, shell: &crate::app::shell::Shell, m: &members::Member) -> AppResult<Option<Vec<(String, String, String)>>> {
    let own = Target::own(actor);
    let sees = may(actor, Action::ScreenOpinionReports, &own) || actor.role == crate::org::model::Role::Leader || (m.user_id == Some(actor.user_id) && may(actor, Action::ViewOpinionReports, &own));
    if !sees {
        return Ok(None);
    }
    let year = chrono::Datelike::year(&crate::app::shell::today());
    let mut out = Vec::new();
    for y in (year - 4..=year).rev() {
        let mut rows = crate::opinions::records::reports_of_member(&state.db, m.id, y).await?;
        rows.reverse();
        out.extend(rows.into_iter().filter(|r| r.committee_id == actor.committee_id).map(|r| {
            (format!("/opinion-reports/{}", r.report_id), r.title, format!("{} · {}", r.submitted_on, shell.t(&r.state.label_key())))
        }));
    }
    out.truncate(20);
    Ok(Some(out))
}

/// The member's liaison targets and projects, for viewers who may see them.
async fn links_of(state: &AppState, actor: &crate::app::auth::Actor, shell: &crate::app::shell::Shell, member_id: i64) -> AppResult<(Option<Vec<(String, String, String)>>, Option<Vec<(String, String, String)>>)> {
    let own = Target::own(actor);
    let page = crate::app::pagination::PageRequest { page: 1, per_page: 50 };
    let liaison = if may(actor, Action::ViewLiaison, &own) {
        let f = crate::liaison::store::TargetFilter { member_ids: Some(vec![member_id]), ..Default::default() };
        let (rows, _) = crate::liaison::store::list(&state.db, actor.committee_id, &f, page).await?;
        Some(
            rows.into_iter()
                .map(|t| {
                    let label = format!("{} · {}", shell.t(&format!("liaison.kind.{}", t.kind)), shell.t(&format!("liaison.status.{}", t.status)));
                    (format!("/liaison/{}", t.id), t.name, label)
                })
                .collect(),
        )
    } else {
        None
    };
    let projects = if may(actor, Action::ViewProjects, &own) {
        let f = crate::projects::store::ProjectFilter { member_ids: Some(vec![member_id]), ..Default::default() };
        let (rows, _) = crate::projects::store::list(&state.db, actor.committee_id, &f, page).await?;
        Some(rows.into_iter().map(|p| (format!("/projects/{}", p.id), p.name, shell.t(&format!("project.kind.{}", p.kind)).to_string())).collect())
    } else {
        None
    };
    Ok((liaison, projects))
}

pub async fn file(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let own = Target::own(&a.actor);
    authorize(&a.actor, Action::ViewMembers, &own)?;
    let m = members::find(&state.db, a.actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let cats = Catalogues::load(&state.db, a.actor.committee_id).await?;
    let groups = members::groups_of(&state.db, &[m.id]).await?;
    let row = member_row(&m, &cats, groups.get(&m.id).map(Vec::as_slice).unwrap_or(&[]), may(&a.actor, Action::ViewMemberPhones, &own));
    let visits = crate::visits::pages::member_tab(&state, &a.actor, &a.ctx.shell, m.id).await?;
    let activity_rows = crate::activities::pages::member_tab(&state, &a.actor, &a.ctx.shell, m.id).await?;
    let research = crate::research::pages::member_tab(&state, &a.actor, &a.ctx.shell, m.id).await?;
    let (liaison, projects) = links_of(&state, &a.actor, &a.ctx.shell, m.id).await?;
    let opinions = opinions_of(&state, &a.actor, &a.ctx.shell, &m).await?;
    let activity_feed = match m.user_id == Some(a.actor.user_id) {
        true => crate::org::store::find_committee(&state.db, a.actor.committee_id).await?.map(|c| format!("/c/{}/members/{}/activities.ics", c.code, m.id)),
        false => None,
    };
    html(&FilePage {
        activity_rows,
        activity_feed,
        research_total: research.as_ref().map(|r| r.1).unwrap_or(0),
        research_rows: research.map(|r| r.0),
        liaison,
        projects,
        opinions,
        visit_total: visits.as_ref().map(|v| v.1).unwrap_or(0),
        visit_rows: visits.map(|v| v.0),
        shell: a.ctx.shell,
        m: row,
        birth_month: m.birth_month.unwrap_or_default(),
        ethnicity: m.ethnicity.unwrap_or_default(),
        party: m.party.unwrap_or_default(),
        employer: m.employer.unwrap_or_default(),
        status_since: m.status_since.map(|d| d.to_string()).unwrap_or_default(),
        account: match m.user_id {
            Some(uid) => crate::org::store::find_user(&state.db, uid).await?.map(|u| u.username).unwrap_or_default(),
            None => String::new(),
        },
        can_manage: may(&a.actor, Action::ManageMembers, &own),
    })
}

#[derive(Template)]
#[template(path = "members/form.html")]
struct FormPage {
    shell: Shell,
    id: Option<i64>,
    f: MemberInput,
    choices: Choices,
    positions: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

async fn form_page(state: &AppState, a: Authed, id: Option<i64>, f: MemberInput, errors: &[FieldError]) -> AppResult<Response> {
    let choices = Choices::load(state, a.actor.committee_id).await?;
    let mut res = html(&FormPage {
        errors: FormErrors::new(a.ctx.shell.lang, errors),
        shell: a.ctx.shell,
        id,
        f,
        choices,
        positions: Position::ALL.iter().map(|p| (p.as_str(), p.label())).collect(),
        statuses: MemberStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
    })?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn new_form(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageMembers, &Target::own(&a.actor))?;
    let f = MemberInput { position: Position::Member.as_str().into(), status: MemberStatus::InOffice.as_str().into(), ..Default::default() };
    form_page(&state, a, None, f, &[]).await
}

pub async fn edit_form(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageMembers, &Target::own(&a.actor))?;
    let m = members::find(&state.db, a.actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    let groups = members::groups_of(&state.db, &[id]).await?;
    let f = MemberInput::from_member(&m, groups.get(&id).map(Vec::as_slice).unwrap_or(&[]));
    form_page(&state, a, Some(id), f, &[]).await
}

/// Validates a member against the committee, then creates (`id` None) or updates it, with an
/// audit entry in the same transaction.
pub async fn save_member(state: &AppState, actor: &Actor, ip: &str, id: Option<i64>, f: &MemberInput) -> AppResult<Member> {
    authorize(actor, Action::ManageMembers, &Target::own(actor))?;
    let mut check = Check::default();
    let data = f.parse(&mut check);
    let choices = Choices::load(state, actor.committee_id).await?;
    if let Some(d) = &data {
        choices.check(d, &mut check);
        // One account belongs to one member.
        if let Some(uid) = d.user_id
            && members::linked_to(&state.db, uid).await?.is_some_and(|m| Some(m.id) != id) {
                check.add(FieldError::new("user_id", "err.account_linked"));
            }
    }
    let (Some(d), true) = (data, check.is_ok()) else {
        return Err(AppError::Invalid(check.0));
    };
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    let who = Who::actor(actor, ip);
    let saved = match id {
        None => {
            let m = members::insert(&txn, actor.committee_id, &d).await?;
            audit::record(&txn, &who, "create", "member", m.id, format!("新增委员 {}", m.name)).await?;
            m
        }
        Some(id) => {
            let before = members::find(&txn, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
            let m = members::update(&txn, &before, &d).await?;
            audit::record(&txn, &who, "update", "member", m.id, change_summary(&before, &m)).await?;
            m
        }
    };
    txn.commit().await?;
    Ok(saved)
}

/// "修改委员 张三：手机号码、状态" — which fields changed, never their (personal) values.
fn change_summary(before: &Member, after: &Member) -> String {
    let fields = [
        ("姓名", before.name != after.name),
        ("性别", before.gender != after.gender),
        ("出生年月", before.birth_month != after.birth_month),
        ("民族", before.ethnicity != after.ethnicity),
        ("党派", before.party != after.party),
        ("界别", before.sector_id != after.sector_id),
        ("所属镇街", before.place_id != after.place_id),
        ("职务", before.position != after.position),
        ("工作单位及职务", before.employer != after.employer),
        ("手机号码", before.mobile != after.mobile),
        ("状态", before.status != after.status),
    ];
    let changed: Vec<&str> = fields.iter().filter(|(_, c)| *c).map(|(n, _)| *n).collect();
    format!("修改委员 {}：{}", after.name, if changed.is_empty() { "所属小组或未改动".to_string() } else { changed.join("、") })
}

pub async fn create(State(state): State<AppState>, a: Authed, ListForm(f): ListForm<MemberInput>) -> AppResult<Response> {
    match save_member(&state, &a.actor, &a.ctx.info.ip, None, &f).await {
        Ok(m) => Ok(redirect_with_flash(&a.ctx.info, &format!("/members/{}", m.id), "flash.member_saved")),
        Err(AppError::Invalid(errors)) => form_page(&state, a, None, f, &errors).await,
        Err(e) => Err(e),
    }
}

pub async fn update(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, ListForm(f): ListForm<MemberInput>) -> AppResult<Response> {
    match save_member(&state, &a.actor, &a.ctx.info.ip, Some(id), &f).await {
        Ok(m) => Ok(redirect_with_flash(&a.ctx.info, &format!("/members/{}", m.id), "flash.member_saved")),
        Err(AppError::Invalid(errors)) => form_page(&state, a, Some(id), f, &errors).await,
        Err(e) => Err(e),
    }
}


pub async fn export(State(state): State<AppState>, a: Authed, Query(q): Query<MemberQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageMembers, &Target::own(&a.actor))?;
    let choices = Choices::load(&state, a.actor.committee_id).await?;
    let filter = q.checked_filter(&state, a.actor.committee_id, &choices).await?.map_err(|e| AppError::Invalid(vec![e]))?;
    let rows = import::export_rows(&state.db, a.actor.committee_id, &filter).await?;
    let bytes = roster::write_xlsx(&rows).map_err(|e| AppError::Internal(e.into()))?;
    audit::record(&state.db, &Who::actor(&a.actor, &a.ctx.info.ip), "export", "member", "-", format!("导出委员名册 {} 人", rows.len())).await?;
    Ok(xlsx_download(bytes, "members.xlsx"))
}

pub async fn template(a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageMembers, &Target::own(&a.actor))?;
    let bytes = roster::template().map_err(|e| AppError::Internal(e.into()))?;
    Ok(xlsx_download(bytes, "roster-template.xlsx"))
}

fn xlsx_download(bytes: Vec<u8>, name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).expect("ascii name"));
    res
}

#[derive(Template)]
#[template(path = "members/import.html")]
struct ImportPage {
    shell: Shell,
    /// (line, column, message)
    row_errors: Vec<(usize, &'static str, &'static str)>,
    file_error: Option<&'static str>,
    report: Option<ImportReport>,
    done: bool,
    /// The previewed file, carried to the confirmation.
    file_name: String,
    content: String,
    create_missing: bool,
}

pub async fn import_form(a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageMembers, &Target::own(&a.actor))?;
    html(&ImportPage {
        shell: a.ctx.shell,
        row_errors: vec![],
        file_error: None,
        report: None,
        done: false,
        file_name: String::new(),
        content: String::new(),
        create_missing: false,
    })
}

/// Upload (preview) or confirmation (import): the same checks run both times.
pub async fn import_upload(State(state): State<AppState>, a: Authed, mut mp: Multipart) -> AppResult<Response> {
    authorize(&a.actor, Action::ManageMembers, &Target::own(&a.actor))?;
    let (mut file_name, mut bytes, mut create_missing, mut confirm) = (String::new(), Vec::new(), false, false);
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::Rejected(StatusCode::BAD_REQUEST, e.body_text()))? {
        match field.name().unwrap_or_default() {
            "file" => {
                file_name = field.file_name().unwrap_or_default().to_string();
                bytes = field.bytes().await.map_err(|e| AppError::Rejected(StatusCode::BAD_REQUEST, e.body_text()))?.to_vec();
            }
            "file_name" => file_name = field.text().await.unwrap_or_default(),
            "content" => {
                let text = field.text().await.unwrap_or_default();
                bytes = base64::engine::general_purpose::STANDARD.decode(text.trim()).unwrap_or_default();
            }
            "create_missing" => create_missing = true,
            "confirm" => confirm = true,
            _ => {}
        }
    }
    let opts = ImportOptions { create_missing, dry_run: !confirm };
    let who = Who::actor(&a.actor, &a.ctx.info.ip);
    let outcome = run_import(&state, a.actor.committee_id, &who, &file_name, &bytes, opts).await?;
    let lang = a.ctx.shell.lang;
    let mut page = ImportPage {
        shell: a.ctx.shell,
        row_errors: vec![],
        file_error: None,
        report: None,
        done: confirm,
        content: String::new(),
        file_name: file_name.clone(),
        create_missing,
    };
    let status = match outcome {
        ImportOutcome::File(e) => {
            page.file_error = Some(lang.t(e.key));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ImportOutcome::Rows(errors) => {
            page.row_errors = errors.iter().map(|e| (e.line, e.column, lang.t(e.key))).collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ImportOutcome::Done(report) => {
            if !confirm {
                page.content = base64::engine::general_purpose::STANDARD.encode(&bytes);
            }
            page.report = Some(report);
            StatusCode::OK
        }
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

/// The three ways an import ends.
pub enum ImportOutcome {
    /// The file itself is unreadable.
    File(FieldError),
    /// Rows are wrong; nothing was written.
    Rows(Vec<RowError>),
    Done(ImportReport),
}

/// Reads, validates and (unless a dry run) imports a roster file. Shared by the page, the API
/// and the command line.
pub async fn run_import(state: &AppState, committee_id: i64, who: &Who, file_name: &str, bytes: &[u8], opts: ImportOptions) -> AppResult<ImportOutcome> {
    let table = match roster::read_table(file_name, bytes) {
        Ok(t) => t,
        Err(e) => return Ok(ImportOutcome::File(e)),
    };
    let rows = match roster::parse_rows(&table) {
        Ok(r) => r,
        Err(errors) => return Ok(ImportOutcome::Rows(errors)),
    };
    Ok(match import::import_members(&state.db, committee_id, who, &rows, opts).await? {
        Ok(report) => ImportOutcome::Done(report),
        Err(errors) => ImportOutcome::Rows(errors),
    })
}
