//! Citizens' pages, without an account, under `/c/{committee}/`: the form with photos, the
//! status page (tracking code + the phone's last four digits) with the online-studio
//! conversation and the rating, the photos behind it, and the public list of resolved demands.
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::FormErrors;
use crate::app::pagination::{PageQuery, PageRequest, Pager};
use crate::app::shell::{Ctx, Shell, html, local_time};
use crate::demands::form::{self, Choices, DemandForm};
use crate::demands::model::{self, Channel, DemandAction, DemandActor, DemandState, Satisfaction};
use crate::demands::pages::{ConversationRow, PhotoView, TimelineRow, conversation, deadline_from_today, rating_choices, timeline_rows};
use crate::demands::store::{self, Author, Demand, DemandFilter, Payload};
use crate::org::store as org;
use crate::org::structure;
use crate::studios::store as studios;
use crate::tracking::attachments;

pub async fn committee_by_code(state: &AppState, code: &str) -> AppResult<org::Committee> {
    org::find_committee_by_code(&state.db, code).await?.ok_or(AppError::NotFound)
}

/// The committee's categories that are still offered.
pub async fn active_categories(state: &AppState, committee_id: i64) -> AppResult<Vec<String>> {
    Ok(structure::categories(&state.db, committee_id).await?.into_iter().filter(|c| !c.retired).map(|c| c.name).collect())
}

#[derive(Template)]
#[template(path = "demands/public_new.html")]
struct PublicNewPage {
    shell: Shell,
    committee: String,
    code: String,
    places: Vec<(i64, String)>,
    categories: Vec<String>,
    /// The studio whose page or poster the citizen came from, if any.
    studio: Option<(i64, String)>,
    f: DemandForm,
    errors: FormErrors,
    /// Citizens' own form (browser autofill on), not staff typing for someone else.
    public: bool,
    max_photos: usize,
}

async fn public_form_page(state: &AppState, ctx: Ctx, c: &org::Committee, f: DemandForm, errors: &[FieldError]) -> AppResult<Response> {
    let places = structure::places(&state.db, c.id).await?.into_iter().filter(|p| !p.retired).map(|p| (p.id, p.name)).collect();
    let studio = match f.studio_id.trim().parse::<i64>() {
        Ok(id) => studios::find(&state.db, c.id, id).await?.filter(|s| !s.retired).map(|s| (s.id, s.name)),
        Err(_) => None,
    };
    let mut res = html(&PublicNewPage {
        errors: FormErrors::new(ctx.shell.lang, errors),
        shell: ctx.shell,
        committee: c.name.clone(),
        code: c.code.clone(),
        places,
        categories: active_categories(state, c.id).await?,
        studio,
        f,
        public: true,
        max_photos: crate::tracking::photos::MAX_PHOTOS,
    })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    studio: String,
}

pub async fn public_new(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Query(q): Query<NewQuery>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    public_form_page(&state, ctx, &c, DemandForm { kind: "problem".into(), studio_id: q.studio, ..Default::default() }, &[]).await
}

#[derive(Template)]
#[template(path = "demands/public_thanks.html")]
struct ThanksPage {
    shell: Shell,
    committee: String,
    code: String,
    tracking_code: String,
}

pub async fn public_submit(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, mp: Multipart) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let (f, uploads) = form::read_multipart(mp).await?;
    if !f.website.is_empty() {
        return Err(AppError::BadRequest("honeypot".into()));
    }
    let places: Vec<i64> = structure::places(&state.db, c.id).await?.iter().map(|p| p.id).collect();
    let studio_ids: Vec<i64> = studios::list(&state.db, c.id).await?.iter().filter(|s| !s.retired).map(|s| s.id).collect();
    let categories = active_categories(&state, c.id).await?;
    let choices = Choices { places: &places, categories: &categories, studios: &studio_ids, receptions: &[] };
    let parsed = f.parse(&choices, Channel::Online);
    let photos = form::clean_photos(&uploads);
    let (new, photos) = match (parsed, photos) {
        (Ok(n), Ok(p)) => (n, p),
        (parsed, photos) => {
            let mut errors = parsed.err().unwrap_or_default();
            errors.extend(photos.err());
            return public_form_page(&state, ctx, &c, f, &errors).await;
        }
    };
    let who = Who::anonymous(Some(c.id), &format!("群众（{}）", new.citizen_name), &ctx.info.ip);
    let d = store::register(&state.db, c.id, new, &photos, &who).await?;
    html(&ThanksPage { shell: ctx.shell, committee: c.name, code: c.code, tracking_code: d.code })
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    tracking_code: String,
    #[serde(default)]
    last4: String,
    #[serde(default)]
    satisfaction: String,
    /// A message to the members (online-studio conversation).
    #[serde(default)]
    message: String,
}

#[derive(Template)]
#[template(path = "demands/public_track.html")]
struct TrackPage {
    shell: Shell,
    committee: String,
    code: String,
    f: TrackForm,
    found: Option<PublicView>,
    not_found: bool,
    ratings: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

struct PublicView {
    state: &'static str,
    category: String,
    description: String,
    answer: String,
    can_rate: bool,
    can_write: bool,
    timeline: Vec<TimelineRow>,
    messages: Vec<ConversationRow>,
    photos: Vec<PhotoView>,
}

pub async fn public_track(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let ratings = rating_choices(&ctx.shell);
    let errors = FormErrors::new(ctx.shell.lang, &[]);
    html(&TrackPage { shell: ctx.shell, committee: c.name, code: c.code, f: TrackForm::default(), found: None, not_found: false, ratings, errors })
}

/// Whether the conversation is still open: not once the demand is closed or archived.
fn can_write(d: &Demand) -> bool {
    !matches!(d.state(), DemandState::Closed | DemandState::Archived)
}

/// The unguessable address part of a citizen's photo: only someone holding the tracking code
/// and the phone (which the status page already required) can form it, and no key is shared
/// between app nodes.
fn photo_token(d: &Demand, photo_id: i64) -> String {
    let digest = Sha256::digest(format!("photo:{}:{}:{photo_id}", d.code, d.citizen_phone));
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Looks a demand up by code and the phone's last four digits; with `satisfaction`, rates it;
/// with `message`, adds the citizen's message to the conversation.
pub async fn public_lookup(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Form(f): Form<TrackForm>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let mut found = store::find_for_citizen(&state.db, c.id, &f.tracking_code, &f.last4).await?;
    let mut errors = Vec::new();
    if let Some(d) = &found {
        let who = Who::anonymous(Some(c.id), &format!("群众（{}）", d.citizen_name), &ctx.info.ip);
        if let Some(s) = Satisfaction::from_code(f.satisfaction.trim()) {
            let deadline = Some(deadline_from_today(&state, c.id).await?);
            let action = DemandAction::Rate { satisfaction: s, rehandled: d.rehandled as u32, max_rehandle: model::MAX_REHANDLE };
            found = Some(store::transition(&state.db, d, action, DemandActor::Citizen, Payload { deadline, ..Default::default() }, &who).await?);
        } else if !f.message.trim().is_empty() {
            match parse_message(&f.message) {
                Ok(body) if can_write(d) => {
                    store::add_message(&state.db, d, Author::Citizen, &body, &who).await?;
                }
                Ok(_) => errors.push(FieldError::new("message", "err.wrong_state")),
                Err(e) => errors.push(e),
            }
        }
    }
    let view = match &found {
        Some(d) => Some(public_view(&state, &ctx.shell, &c, d).await?),
        None => None,
    };
    let ratings = rating_choices(&ctx.shell);
    let not_found = view.is_none();
    let keep_message = if errors.is_empty() { String::new() } else { f.message.clone() };
    let form_errors = FormErrors::new(ctx.shell.lang, &errors);
    let mut res = html(&TrackPage {
        shell: ctx.shell,
        committee: c.name,
        code: c.code,
        f: TrackForm { satisfaction: String::new(), message: keep_message, ..f },
        found: view,
        not_found,
        ratings,
        errors: form_errors,
    })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// A conversation message: 1 to `MAX_MESSAGE_CHARS` characters.
pub fn parse_message(s: &str) -> Result<String, FieldError> {
    let body = s.trim();
    if body.is_empty() || body.chars().count() > store::MAX_MESSAGE_CHARS { Err(FieldError::new("message", "err.message")) } else { Ok(body.to_string()) }
}

async fn public_view(state: &AppState, shell: &Shell, c: &org::Committee, d: &Demand) -> AppResult<PublicView> {
    let photos = attachments::list(&state.db, store::ITEM_TYPE, d.id)
        .await?
        .into_iter()
        .map(|p| PhotoView { url: format!("/c/{}/photos/{}/{}", c.code, p.id, photo_token(d, p.id)), orientation: p.orientation })
        .collect();
    Ok(PublicView {
        state: shell.t(d.state().label_key()),
        category: d.category.clone(),
        description: d.description.clone(),
        answer: d.answer.clone().unwrap_or_default(),
        can_rate: d.state() == DemandState::Resolved,
        can_write: can_write(d),
        timeline: timeline_rows(state, shell, d, true).await?,
        messages: conversation(state, shell, d, true).await?,
        photos,
    })
}

/// A citizen's photo, for the status page that holds its token.
pub async fn public_photo(State(state): State<AppState>, Path((code, id, token)): Path<(String, i64, String)>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let a = attachments::attachment_by_id(&state.db, id).await?.filter(|a| a.committee_id == c.id && a.item_type == store::ITEM_TYPE).ok_or(AppError::NotFound)?;
    let d = store::find(&state.db, c.id, a.item_id).await?.ok_or(AppError::NotFound)?;
    if photo_token(&d, a.id) != token {
        return Err(AppError::NotFound);
    }
    Ok(photo_response(a))
}

/// An image response that browsers may keep privately (the bytes never change).
pub fn photo_response(a: attachments::Attachment) -> Response {
    ([(header::CONTENT_TYPE, a.mime), (header::CACHE_CONTROL, "private, max-age=86400".to_string())], a.bytes).into_response()
}

struct ResolvedRow {
    category: String,
    place: String,
    unit: String,
    registered: String,
    resolved: String,
    rating: &'static str,
}

#[derive(Template)]
#[template(path = "demands/public_resolved.html")]
struct ResolvedPage {
    shell: Shell,
    committee: String,
    code: String,
    rows: Vec<ResolvedRow>,
    pager: Pager,
}

/// Resolved demands, for transparency: category, place, unit, dates and rating only — no
/// names, phones or texts, which citizens did not write for publication.
pub async fn public_resolved(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Query(pq): Query<PageQuery>) -> AppResult<Response> {
    let c = committee_by_code(&state, &code).await?;
    let page = PageRequest::parse(&pq).map_err(|e| AppError::Invalid(vec![e]))?;
    let (list, total) = store::list(&state.db, c.id, &DemandFilter { resolved_only: true, ..Default::default() }, page).await?;
    let places = structure::places(&state.db, c.id).await?;
    let units = org::units(&state.db, c.id).await?;
    let shell = ctx.shell;
    let rows = list
        .iter()
        .map(|d| ResolvedRow {
            category: d.category.clone(),
            place: d.place_id.and_then(|p| places.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default(),
            unit: d.unit_id.and_then(|u| units.iter().find(|x| x.id == u)).map(|u| u.name.clone()).unwrap_or_else(|| shell.t("demand.on_spot").to_string()),
            registered: local_time(&d.created_at).chars().take(10).collect(),
            resolved: d.resolved_at.as_ref().map(|t| local_time(t).chars().take(10).collect()).unwrap_or_default(),
            rating: store::satisfaction(d).map(|s| shell.t(s.label_key())).unwrap_or(""),
        })
        .collect();
    html(&ResolvedPage { shell, committee: c.name, code: c.code, rows, pager: Pager::new(page, total, String::new()) })
}
