//! Work pages for demands: registration by staff or a member on duty, the list (scoped to what
//! the viewer may see), the detail with photos, conversation, timeline and the actions the state
//! machine allows, and the pieces the citizens' pages share.
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize, may};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::FormErrors;
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Authed, Shell, html, local_date, local_time, redirect_with_flash, today};
use crate::demands::form::{self, Choices, DemandForm};
use crate::demands::model::{self, Channel, DemandAction, DemandActor, DemandState, Satisfaction};
use crate::demands::public_pages::{active_categories, parse_message, photo_response};
use crate::demands::store::{self, Author, CONVERSION_KINDS, Demand, DemandFilter, Payload};
use crate::org::members;
use crate::org::scope::ListScope;
use crate::stats::export::ListFormat;
use crate::org::model::Role;
use crate::org::store as org;
use crate::org::structure;
use crate::org::values::Phone;
use crate::studios::store as studios;
use crate::tracking::store as tracking;
use crate::tracking::{DeadlineStatus, WorkCalendar, attachments};

/// Which demands a signed-in viewer may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemandScope {
    /// Staff, admins and leaders.
    All,
    /// A unit account: the demands assigned to its unit.
    Unit(i64),
    /// A member: the demands that came through the studios it serves or were raised on the
    /// visits it went on.
    Member { studios: Vec<i64>, visits: Vec<i64> },
}

impl DemandScope {
    /// The scope of `actor` (a member's studios are read from its member record).
    pub async fn of(state: &AppState, actor: &Actor) -> AppResult<DemandScope> {
        Ok(match actor.role {
            Role::Unit => DemandScope::Unit(actor.unit_id.unwrap_or(-1)),
            Role::Member => DemandScope::Member { studios: member_studios(state, actor).await?, visits: member_visits(state, actor).await? },
            _ => DemandScope::All,
        })
    }

    pub fn allows(&self, d: &Demand) -> bool {
        match self {
            DemandScope::All => true,
            DemandScope::Unit(u) => d.unit_id == Some(*u),
            DemandScope::Member { studios, visits } => d.studio_id.is_some_and(|s| studios.contains(&s)) || d.visit_id.is_some_and(|v| visits.contains(&v)),
        }
    }

    /// Narrows a list filter to the scope.
    pub fn apply(&self, f: &mut DemandFilter) {
        match self {
            DemandScope::All => {}
            DemandScope::Unit(u) => f.unit_id = Some(*u),
            DemandScope::Member { studios, visits } => {
                f.studio_ids = Some(studios.clone());
                f.visit_ids = Some(visits.clone());
            }
        }
    }
}

/// The studios the member behind `actor` is assigned to (none for an account without a member record).
pub async fn member_studios(state: &AppState, actor: &Actor) -> AppResult<Vec<i64>> {
    Ok(match members::linked_to(&state.db, actor.user_id).await? {
        Some(m) if m.committee_id == actor.committee_id => studios::studios_of_member(&state.db, m.id).await?,
        _ => vec![],
    })
}

/// The visits the member behind `actor` went on (none for an account without a member record).
async fn member_visits(state: &AppState, actor: &Actor) -> AppResult<Vec<i64>> {
    use crate::visits::store::visitor;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    Ok(match members::linked_to(&state.db, actor.user_id).await? {
        Some(m) if m.committee_id == actor.committee_id => {
            visitor::Entity::find().filter(visitor::Column::MemberId.eq(m.id)).select_only().column(visitor::Column::VisitId).into_tuple().all(&state.db).await?
        }
        _ => vec![],
    })
}

/// One line of a timeline as shown to people.
pub struct TimelineRow {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub comment: String,
}

pub async fn timeline_rows(state: &AppState, shell: &Shell, d: &Demand, public: bool) -> AppResult<Vec<TimelineRow>> {
    let events = tracking::timeline(&state.db, store::ITEM_TYPE, d.id).await?;
    Ok(events
        .into_iter()
        .map(|e| TimelineRow {
            at: local_time(&e.at),
            // The public sees roles, not the names of staff.
            who: if public { String::new() } else { e.actor_name },
            what: shell.lang.try_t(&format!("demand.event.{}", e.action)).unwrap_or(""),
            comment: if e.action == "rate" {
                Satisfaction::from_code(&e.comment).map(|s| shell.t(s.label_key()).to_string()).unwrap_or_default()
            } else {
                e.comment
            },
        })
        .collect())
}

/// One message of the online-studio conversation as shown.
pub struct ConversationRow {
    pub at: String,
    /// "citizen", "member" or "staff", for the bubble's side and colour.
    pub kind: String,
    pub who: String,
    pub body: String,
}

/// The conversation; the public sees "委员" or "工作人员", not account names.
pub async fn conversation(state: &AppState, shell: &Shell, d: &Demand, public: bool) -> AppResult<Vec<ConversationRow>> {
    let rows = store::messages(&state.db, d.id).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let role = shell.t(&format!("demand.author.{}", m.author_kind)).to_string();
            let who = if public || m.author_kind == "citizen" { role } else { format!("{role} {}", m.author_name) };
            ConversationRow { at: local_time(&m.created_at), kind: m.author_kind, who, body: m.body }
        })
        .collect())
}

/// A photo as a page shows it.
pub struct PhotoView {
    pub url: String,
    /// EXIF orientation, applied by a CSS class since the metadata itself was stripped.
    pub orientation: i16,
}

pub fn rating_choices(shell: &Shell) -> Vec<(&'static str, &'static str)> {
    Satisfaction::ALL.iter().map(|s| (s.as_str(), shell.t(s.label_key()))).collect()
}

async fn calendar(state: &AppState, committee_id: i64) -> AppResult<WorkCalendar> {
    Ok(tracking::calendar(&state.db, committee_id).await?)
}

/// The default deadline of something handed over today.
pub async fn deadline_from_today(state: &AppState, committee_id: i64) -> AppResult<chrono::NaiveDate> {
    Ok(calendar(state, committee_id).await?.add_working_days(today(), model::DEFAULT_DEADLINE_DAYS))
}

#[derive(Template)]
#[template(path = "demands/new.html")]
struct EntryPage {
    shell: Shell,
    places: Vec<(i64, String)>,
    categories: Vec<String>,
    channels: Vec<(&'static str, &'static str)>,
    studios: Vec<(i64, String)>,
    /// The reception the concern is registered at (fixed when the form was opened from it).
    reception: Option<(i64, String)>,
    f: DemandForm,
    errors: FormErrors,
    public: bool,
    max_photos: usize,
}

/// What an actor may register against: the committee's places and categories, the studios
/// (a member only its own) and receptions of those studios.
struct EntryChoices {
    places: Vec<(i64, String)>,
    categories: Vec<String>,
    studios: Vec<(i64, String)>,
}

async fn entry_choices(state: &AppState, actor: &Actor) -> AppResult<EntryChoices> {
    let cid = actor.committee_id;
    let places = structure::places(&state.db, cid).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.name)).collect();
    let all = studios::list(&state.db, cid).await?;
    let own = if actor.role == Role::Member { Some(member_studios(state, actor).await?) } else { None };
    let studios = all.into_iter().filter(|s| !s.retired && own.as_ref().is_none_or(|o| o.contains(&s.id))).map(|s| (s.id, s.name)).collect();
    Ok(EntryChoices { places, categories: active_categories(state, cid).await?, studios })
}

async fn entry_page(state: &AppState, a: Authed, f: DemandForm, errors: &[FieldError]) -> AppResult<Response> {
    let c = entry_choices(state, &a.actor).await?;
    let reception = match f.reception_id.trim().parse::<i64>() {
        Ok(id) => studios::find_reception(&state.db, a.actor.committee_id, id).await?.map(|r| (r.id, r.held_on.to_string())),
        Err(_) => None,
    };
    let shell = a.ctx.shell;
    let channels = Channel::ALL.iter().map(|c| (c.as_str(), shell.t(&format!("demand.channel.{}", c.as_str())))).collect();
    let page = EntryPage {
        errors: FormErrors::new(shell.lang, errors),
        shell,
        places: c.places,
        categories: c.categories,
        channels,
        studios: c.studios,
        reception,
        f,
        public: false,
        max_photos: crate::tracking::photos::MAX_PHOTOS,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    reception: String,
    #[serde(default)]
    studio: String,
}

/// Staff, or a member on duty, register a concern received at a studio, on a visit, on a
/// reception day or by phone; opened from a reception it is tied to that session.
pub async fn staff_new(State(state): State<AppState>, a: Authed, Query(q): Query<EntryQuery>) -> AppResult<Response> {
    authorize(&a.actor, Action::RegisterDemands, &Target::own(&a.actor))?;
    let mut f = DemandForm { kind: "problem".into(), channel: "studio".into(), studio_id: q.studio, reception_id: q.reception, ..Default::default() };
    if let Ok(id) = f.reception_id.parse::<i64>()
        && let Some(r) = studios::find_reception(&state.db, a.actor.committee_id, id).await?
    {
        f.studio_id = r.studio_id.to_string();
    }
    entry_page(&state, a, f, &[]).await
}

pub async fn staff_create(State(state): State<AppState>, a: Authed, mp: Multipart) -> AppResult<Response> {
    authorize(&a.actor, Action::RegisterDemands, &Target::own(&a.actor))?;
    let (f, uploads) = form::read_multipart(mp).await?;
    let c = entry_choices(&state, &a.actor).await?;
    let place_ids: Vec<i64> = c.places.iter().map(|p| p.0).collect();
    let studio_ids: Vec<i64> = c.studios.iter().map(|s| s.0).collect();
    // A reception may be named only with its own studio, which the sender may use.
    let receptions: Vec<i64> = match (f.reception_id.trim().parse::<i64>(), f.studio_id.trim().parse::<i64>()) {
        (Ok(r), Ok(s)) if studio_ids.contains(&s) => {
            studios::find_reception(&state.db, a.actor.committee_id, r).await?.filter(|x| x.studio_id == s).map(|x| vec![x.id]).unwrap_or_default()
        }
        _ => vec![],
    };
    let choices = Choices { places: &place_ids, categories: &c.categories, studios: &studio_ids, receptions: &receptions };
    let mut parsed = match Channel::from_code(f.channel.trim()) {
        Some(channel) => f.parse(&choices, channel),
        None => Err(vec![FieldError::new("channel", "err.choice")]),
    };
    // A member registers only at a studio it serves.
    if a.actor.role == Role::Member && f.studio_id.trim().is_empty() {
        parsed = Err(parsed.err().unwrap_or_default().into_iter().chain([FieldError::new("studio_id", "err.required")]).collect());
    }
    let photos = form::clean_photos(&uploads);
    match (parsed, photos) {
        (Ok(new), Ok(photos)) => {
            let d = store::register(&state.db, a.actor.committee_id, new, &photos, &Who::actor(&a.actor, &a.ctx.info.ip)).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/demands/{}", d.id), "flash.saved"))
        }
        (parsed, photos) => {
            let mut errors = parsed.err().unwrap_or_default();
            errors.extend(photos.err());
            entry_page(&state, a, f, &errors).await
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    studio: String,
    /// Registered on or after (YYYY-MM-DD, China time)…
    #[serde(default)]
    from: String,
    /// …and on or before.
    #[serde(default)]
    to: String,
    /// `1`: `from`/`to` apply to the day resolved (the statistics' 解决问题数).
    #[serde(default)]
    resolved: String,
    /// Group id: demands that came through the studios the group (or one below it) runs.
    #[serde(default)]
    group: String,
    /// Place id: demands at it or at a place below it.
    #[serde(default)]
    place: String,
}

impl ListQuery {
    fn query_string(&self) -> String {
        let pairs = [("state", &self.state), ("studio", &self.studio), ("from", &self.from), ("to", &self.to), ("resolved", &self.resolved), ("group", &self.group), ("place", &self.place)];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim())).collect::<Vec<_>>()).unwrap_or_default()
    }

    /// The store's filter, narrowed to what `scope` may see; `errors` name the bad filters.
    async fn filter(&self, state: &AppState, committee_id: i64, scope: &DemandScope) -> AppResult<(DemandFilter, Vec<FieldError>)> {
        let mut l = crate::app::forms::Lenient::default();
        let studio_id = l.id("studio", &self.studio, None);
        let (from, to) = l.period(&self.from, &self.to);
        let (places, mut errors) = ListScope::parse(&state.db, committee_id, &self.group, "", &self.place, "").await?;
        errors.extend(l.0);
        let (start, end) = (from.map(crate::app::shell::day_start), to.and_then(|d| d.succ_opt()).map(crate::app::shell::day_start));
        let resolved = self.resolved.trim() == "1";
        let mut f = DemandFilter {
            state: DemandState::from_code(self.state.trim()),
            studio_id,
            through_studios: places.studios(&state.db, committee_id).await?,
            place_ids: places.place_ids,
            ..Default::default()
        };
        if resolved {
            (f.resolved_from, f.resolved_to) = (start, end);
        } else {
            (f.from, f.to) = (start, end);
        }
        scope.apply(&mut f);
        Ok((f, errors))
    }
}

struct DemandRow {
    id: i64,
    code: String,
    category: String,
    summary: String,
    state: &'static str,
    unit: String,
    deadline: String,
    overdue: bool,
    due_soon: bool,
    created: String,
}

#[derive(Template)]
#[template(path = "demands/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<DemandRow>,
    pager: Pager,
    states: Vec<(&'static str, &'static str)>,
    studios: Vec<(i64, String)>,
    q: ListQuery,
    public_link: String,
    can_register: bool,
    /// The filters as a query string (the export link).
    query: String,
    errors: FormErrors,
}

pub async fn list(State(state): State<AppState>, a: Authed, Query(q): Query<ListQuery>, Query(pq): Query<PageQuery>, Query(fmt): Query<ListFormat>) -> AppResult<Response> {
    authorize(&a.actor, Action::ViewDemands, &Target::own(&a.actor))?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let cid = a.actor.committee_id;
    let scope = DemandScope::of(&state, &a.actor).await?;
    let (filter, errors) = q.filter(&state, cid, &scope).await?;
    if fmt.xlsx() {
        return export(&state, &a, &filter).await;
    }
    let (list, total) = store::list(&state.db, cid, &filter, page).await?;
    let cal = calendar(&state, cid).await?;
    let today = today();
    let units = org::units(&state.db, cid).await?;
    let shell = a.ctx.shell;
    let rows = list
        .iter()
        .map(|d| {
            let status = d.deadline.filter(|_| d.state().with_unit()).map(|dl| DeadlineStatus::of(&cal, dl, today));
            DemandRow {
                id: d.id,
                code: d.code.clone(),
                category: d.category.clone(),
                summary: d.description.chars().take(40).collect(),
                state: shell.t(d.state().label_key()),
                unit: d.unit_id.and_then(|u| units.iter().find(|x| x.id == u)).map(|u| u.name.clone()).unwrap_or_default(),
                deadline: d.deadline.map(|x| x.to_string()).unwrap_or_default(),
                overdue: status == Some(DeadlineStatus::Overdue),
                due_soon: status == Some(DeadlineStatus::DueSoon),
                created: local_time(&d.created_at),
            }
        })
        .collect();
    let committee = org::find_committee(&state.db, cid).await?.map(|c| c.code).unwrap_or_default();
    let states = DemandState::ALL.iter().map(|s| (s.as_str(), shell.t(s.label_key()))).collect();
    let studios = studios::list(&state.db, cid).await?.into_iter().filter(|s| scope == DemandScope::All || matches!(&scope, DemandScope::Member { studios, .. } if studios.contains(&s.id))).map(|s| (s.id, s.name)).collect();
    let query = q.query_string();
    let can_register = may(&a.actor, Action::RegisterDemands, &Target::own(&a.actor));
    let errors = FormErrors::new(shell.lang, &errors);
    html(&ListPage { shell, rows, pager: Pager::new(page, total, query.clone()), query, states, studios, q, public_link: format!("/c/{committee}/demands/new"), can_register, errors })
}

/// The list under its filters as .xlsx (what the viewer may see, as on the page).
async fn export(state: &AppState, a: &Authed, filter: &DemandFilter) -> AppResult<Response> {
    use crate::stats::export::{Cell, LIST_CAP, list_download};
    let cid = a.actor.committee_id;
    let (list, total) = store::list(&state.db, cid, filter, PageRequest { page: 1, per_page: LIST_CAP }).await?;
    let units = org::units(&state.db, cid).await?;
    let shell = &a.ctx.shell;
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|d| {
            let unit = d.unit_id.and_then(|u| units.iter().find(|x| x.id == u)).map(|u| u.name.clone()).unwrap_or_default();
            let resolved = d.resolved_at.as_ref().map(local_time).unwrap_or_default();
            vec![d.code.clone().into(), d.category.clone().into(), d.description.clone().into(), shell.t(d.state().label_key()).into(), unit.into(), d.deadline.map(|x| x.to_string()).unwrap_or_default().into(), local_time(&d.created_at).into(), resolved.into()]
        })
        .collect();
    let heads = ["demand.tracking_code", "demand.category", "demand.description", "demand.state", "demand.unit", "demand.deadline", "demand.created", "demand.resolved_at"].map(|k| shell.t(k));
    list_download("demands.xlsx", shell.t("nav.demands"), &[(shell.t("stats.listed"), total.into())], &heads, &rows)
}

#[derive(Template)]
#[template(path = "demands/detail.html")]
struct DetailPage {
    shell: Shell,
    d: Demand,
    state: &'static str,
    unit: String,
    place: String,
    studio: String,
    /// The visit the demand was raised on (id, date), for those who may see visits.
    visit: Option<(i64, String)>,
    reception: Option<(i64, String)>,
    channel: &'static str,
    phone: String,
    converted: &'static str,
    timeline: Vec<TimelineRow>,
    messages: Vec<ConversationRow>,
    photos: Vec<PhotoView>,
    can_message: bool,
    /// The action forms this actor may use now.
    actions: Vec<&'static str>,
    units: Vec<(i64, String)>,
    conversions: Vec<(&'static str, &'static str)>,
    default_deadline: String,
    ratings: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

/// The action forms shown to `actor` for a demand in `state` (the state machine decides again
/// when a form is sent).
fn actions_for(actor: &Actor, state: DemandState) -> Vec<&'static str> {
    let staff = may(actor, Action::ManageDemands, &Target::own(actor));
    let unit = actor.role == Role::Unit;
    let candidates: [(&str, DemandAction, DemandActor); 9] = [
        ("answer_on_spot", DemandAction::AnswerOnSpot, DemandActor::Staff),
        ("assign", DemandAction::Assign, DemandActor::Staff),
        ("reject", DemandAction::Reject, DemandActor::Staff),
        ("convert", DemandAction::Convert, DemandActor::Staff),
        ("confirm_resolved", DemandAction::ConfirmResolved, DemandActor::Staff),
        ("rate", DemandAction::Rate { satisfaction: Satisfaction::Satisfied, rehandled: 0, max_rehandle: 1 }, DemandActor::Staff),
        ("archive", DemandAction::Archive, DemandActor::Staff),
        ("answer", DemandAction::Answer, DemandActor::AssignedUnit),
        ("request_return", DemandAction::RequestReturn { within_window: true }, DemandActor::AssignedUnit),
    ];
    candidates
        .into_iter()
        .filter(|(_, _, who)| (*who == DemandActor::Staff && staff) || (*who == DemandActor::AssignedUnit && unit))
        .filter(|(_, action, who)| model::apply(state, *action, *who).is_ok())
        .map(|(name, _, _)| name)
        .collect()
}

async fn detail_page(state: &AppState, a: Authed, d: Demand, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let units = org::units(&state.db, cid).await?;
    let places = structure::places(&state.db, cid).await?;
    let studio = match d.studio_id {
        Some(s) => studios::find(&state.db, cid, s).await?.map(|s| s.name).unwrap_or_default(),
        None => String::new(),
    };
    let reception = match d.reception_id {
        Some(r) => studios::find_reception(&state.db, cid, r).await?.map(|r| (r.id, r.held_on.to_string())),
        None => None,
    };
    let visit = match d.visit_id {
        Some(v) if may(&a.actor, Action::ViewVisits, &Target::own(&a.actor)) => crate::visits::store::find(&state.db, cid, v).await?.map(|v| (v.id, v.on_date.to_string())),
        _ => None,
    };
    let shell = a.ctx.shell;
    let photos = attachments::list(&state.db, store::ITEM_TYPE, d.id)
        .await?
        .into_iter()
        .map(|p| PhotoView { url: format!("/demands/{}/photos/{}", d.id, p.id), orientation: p.orientation })
        .collect();
    let staff = may(&a.actor, Action::ManageDemands, &Target::own(&a.actor));
    let page = DetailPage {
        errors: FormErrors::new(shell.lang, errors),
        state: shell.t(d.state().label_key()),
        unit: d.unit_id.and_then(|u| units.iter().find(|x| x.id == u)).map(|u| u.name.clone()).unwrap_or_default(),
        place: d.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default(),
        studio,
        reception,
        visit,
        channel: shell.t(&format!("demand.channel.{}", d.channel)),
        // Citizens' phones: staff and the assigned unit only (leaders and members see them masked).
        phone: if staff || a.actor.role == Role::Unit {
            d.citizen_phone.clone()
        } else {
            Phone::parse("phone", &d.citizen_phone).map(|p| p.masked()).unwrap_or_default()
        },
        converted: d.converted_kind.as_deref().map(|k| shell.t(&format!("demand.convert.{k}"))).unwrap_or(""),
        timeline: timeline_rows(state, &shell, &d, false).await?,
        messages: conversation(state, &shell, &d, false).await?,
        photos,
        can_message: may(&a.actor, Action::MessageCitizens, &Target::own(&a.actor)) && !matches!(d.state(), DemandState::Closed | DemandState::Archived),
        actions: actions_for(&a.actor, d.state()),
        units: units.iter().filter(|u| !u.retired).map(|u| (u.id, u.name.clone())).collect(),
        conversions: CONVERSION_KINDS.iter().map(|k| (*k, shell.t(&format!("demand.convert.{k}")))).collect(),
        default_deadline: deadline_from_today(state, cid).await?.to_string(),
        ratings: rating_choices(&shell),
        shell,
        d,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The demand, if `actor` may see it; otherwise "not found", so ids reveal nothing.
async fn visible(state: &AppState, actor: &Actor, id: i64) -> AppResult<Demand> {
    authorize(actor, Action::ViewDemands, &Target::own(actor))?;
    let d = store::find(&state.db, actor.committee_id, id).await?.ok_or(AppError::NotFound)?;
    if DemandScope::of(state, actor).await?.allows(&d) { Ok(d) } else { Err(AppError::NotFound) }
}

pub async fn detail(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let d = visible(&state, &a.actor, id).await?;
    detail_page(&state, a, d, &[]).await
}

pub async fn photo(State(state): State<AppState>, a: Authed, Path((id, photo_id)): Path<(i64, i64)>) -> AppResult<Response> {
    let d = visible(&state, &a.actor, id).await?;
    let p = attachments::find(&state.db, store::ITEM_TYPE, d.id, photo_id).await?.ok_or(AppError::NotFound)?;
    Ok(photo_response(p))
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    message: String,
}

/// Staff or a member serving the studio write to the citizen in the conversation.
pub async fn post_message(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<MessageForm>) -> AppResult<Response> {
    let d = visible(&state, &a.actor, id).await?;
    authorize(&a.actor, Action::MessageCitizens, &Target::own(&a.actor))?;
    if matches!(d.state(), DemandState::Closed | DemandState::Archived) {
        return detail_page(&state, a, d, &[FieldError::new("message", "err.wrong_state")]).await;
    }
    match parse_message(&f.message) {
        Ok(body) => {
            let author = if a.actor.role == Role::Member { Author::Member } else { Author::Staff };
            let who = Who { actor_name: a.actor.display_name.clone(), ..Who::actor(&a.actor, &a.ctx.info.ip) };
            store::add_message(&state.db, &d, author, &body, &who).await?;
            Ok(redirect_with_flash(&a.ctx.info, &format!("/demands/{id}#conversation"), "flash.sent"))
        }
        Err(e) => detail_page(&state, a, d, &[e]).await,
    }
}

/// An action as the detail page's forms (and the API) send it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub satisfaction: String,
    #[serde(default)]
    pub converted_kind: String,
}

/// Parses and applies an action of `actor` to `d`.
pub async fn perform(state: &AppState, actor: &Actor, d: &Demand, f: &ActForm, who: &Who) -> AppResult<Demand> {
    let (action, as_actor, payload) = parse_act(state, actor, d, f).await?;
    store::transition(&state.db, d, action, as_actor, payload, who).await
}

/// Turns an action form into a typed action and its payload.
async fn parse_act(state: &AppState, actor: &Actor, d: &Demand, f: &ActForm) -> AppResult<(DemandAction, DemandActor, Payload)> {
    let text = f.text.trim().to_string();
    let needs_text = matches!(f.action.as_str(), "answer_on_spot" | "answer" | "reject" | "convert" | "request_return");
    if needs_text && text.is_empty() {
        return Err(AppError::invalid("text", "err.required"));
    }
    let staff = DemandActor::Staff;
    let unit_actor = if actor.role == Role::Unit && d.unit_id.is_some() && d.unit_id == actor.unit_id { DemandActor::AssignedUnit } else { DemandActor::Citizen };
    let mut p = Payload { text, ..Default::default() };
    let (action, who) = match f.action.as_str() {
        "answer_on_spot" => (DemandAction::AnswerOnSpot, staff),
        "assign" => {
            let units = org::units(&state.db, actor.committee_id).await?;
            p.unit_id = Some(f.unit_id.trim().parse::<i64>().ok().filter(|u| units.iter().any(|x| x.id == *u && !x.retired)).ok_or(AppError::invalid("unit_id", "err.choice"))?);
            p.deadline = Some(crate::app::pages::parse_date("deadline", &f.deadline).map_err(|e| AppError::Invalid(vec![e]))?.unwrap_or(deadline_from_today(state, actor.committee_id).await?));
            (DemandAction::Assign, staff)
        }
        "reject" => (DemandAction::Reject, staff),
        "convert" => {
            p.converted_kind = Some(CONVERSION_KINDS.into_iter().find(|k| *k == f.converted_kind.trim()).ok_or(AppError::invalid("converted_kind", "err.choice"))?);
            (DemandAction::Convert, staff)
        }
        "confirm_resolved" => (DemandAction::ConfirmResolved, staff),
        "archive" => (DemandAction::Archive, staff),
        "rate" => {
            let s = Satisfaction::from_code(f.satisfaction.trim()).ok_or(AppError::invalid("satisfaction", "err.choice"))?;
            p.deadline = Some(deadline_from_today(state, actor.committee_id).await?);
            (DemandAction::Rate { satisfaction: s, rehandled: d.rehandled as u32, max_rehandle: model::MAX_REHANDLE }, staff)
        }
        "answer" => (DemandAction::Answer, unit_actor),
        "request_return" => {
            let cal = calendar(state, actor.committee_id).await?;
            let today = today();
            let assigned = d.assigned_at.as_ref().map(local_date).unwrap_or(today);
            let within_window = cal.working_days_between(assigned, today) <= model::RETURN_WINDOW_DAYS;
            (DemandAction::RequestReturn { within_window }, unit_actor)
        }
        _ => return Err(AppError::invalid("action", "err.choice")),
    };
    // Staff actions need the staff permission; the state machine checks the rest.
    if who == staff && !may(actor, Action::ManageDemands, &Target::own(actor)) {
        return Err(AppError::Forbidden);
    }
    Ok((action, who, p))
}

pub async fn act(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, Form(f): Form<ActForm>) -> AppResult<Response> {
    let d = visible(&state, &a.actor, id).await?;
    let who = Who::actor(&a.actor, &a.ctx.info.ip);
    match perform(&state, &a.actor, &d, &f, &who).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/demands/{id}"), "flash.saved")),
        Err(AppError::Invalid(errors)) => detail_page(&state, a, d, &errors).await,
        Err(e) => Err(e),
    }
}
