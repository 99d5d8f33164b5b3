//! The report form: writing a report (a member is its lead author by default; staff and leaders
//! name the authors), editing it (the lead author or staff), with an optional PDF or Word
//! document sent as multipart. The same checks serve the API.
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::auth::Actor;
use crate::app::authz::{Action, Target, authorize};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{FormErrors, ListForm, from_pairs};
use crate::app::shell::{Authed, Shell, html, redirect_with_flash, today};
use crate::org::members;
use crate::research::model::{Document, ReportChoices, ReportForm, Writer};
use crate::org::structure;
use crate::research::pages::{found, topics};
use crate::research::store::{self, Report};

/// The form's body: urlencoded, or multipart with a document in field `file`.
pub struct ReportBody {
    pub form: ReportForm,
    /// (file name, bytes) of a non-empty file part.
    pub file: Option<(String, Vec<u8>)>,
}

impl<S: Send + Sync> FromRequest<S> for ReportBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let ListForm(form) = ListForm::<ReportForm>::from_request(req, state).await?;
            return Ok(ReportBody { form, file: None });
        }
        let mut mp = Multipart::from_request(req, state).await.map_err(|r| AppError::Rejected(r.status(), r.body_text()))?;
        let bad = |e: axum::extract::multipart::MultipartError| AppError::Rejected(e.status(), e.body_text());
        let (mut pairs, mut file) = (Vec::new(), None);
        while let Some(part) = mp.next_field().await.map_err(bad)? {
            let name = part.name().unwrap_or_default().to_string();
            if name == "file" {
                let file_name = part.file_name().unwrap_or_default().to_string();
                let bytes = part.bytes().await.map_err(bad)?;
                // A file input left empty sends an empty part.
                if !bytes.is_empty() {
                    file = Some((file_name, bytes.to_vec()));
                }
            } else {
                pairs.push((name, part.text().await.map_err(bad)?));
            }
        }
        let encoded = serde_urlencoded::to_string(&pairs).map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(ReportBody { form: from_pairs(encoded.as_bytes())?, file })
    }
}

#[derive(Template)]
#[template(path = "research/form.html")]
struct FormPage {
    shell: Shell,
    /// The report being edited, if any.
    id: Option<i64>,
    f: ReportForm,
    /// The document already attached to an edited report.
    file_name: String,
    topics: Vec<(&'static str, &'static str)>,
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    /// Members who may be named, the viewer's own record first.
    members: Vec<(i64, String)>,
    errors: FormErrors,
}

/// What the form offers: active groups and places, members in office and those already on an
/// edited report (who may stay on it after leaving office).
struct Offer {
    groups: Vec<(i64, String)>,
    places: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
}

async fn offer(state: &AppState, committee_id: i64, listed: &[i64]) -> AppResult<Offer> {
    let c = structure::filter_choices(&state.db, committee_id).await?;
    let mut members = c.members;
    let missing: Vec<i64> = listed.iter().copied().filter(|m| !members.iter().any(|(id, _)| id == m)).collect();
    let names = members::names(&state.db, &missing).await?;
    members.extend(missing.iter().filter_map(|m| names.get(m).map(|n| (*m, n.clone()))));
    Ok(Offer { groups: c.groups, places: c.places, members })
}

async fn form_page(state: &AppState, a: Authed, id: Option<i64>, f: ReportForm, errors: &[FieldError]) -> AppResult<Response> {
    let cid = a.actor.committee_id;
    let (report, listed) = match id {
        Some(id) => {
            let r = found(state, &a.actor, id).await?;
            let listed = store::authors_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default();
            (Some(r), listed)
        }
        None => (None, vec![]),
    };
    let me = Writer::of(state, &a.actor).await?.member;
    let Offer { groups, places, mut members } = offer(state, cid, &listed).await?;
    members.sort_by_key(|(id, _)| Some(*id) != me);
    let shell = a.ctx.shell;
    let page = FormPage {
        errors: FormErrors::new(shell.lang, errors),
        topics: topics(&shell),
        file_name: report.map(|r| r.file_name).unwrap_or_default(),
        shell,
        id,
        f,
        groups,
        places,
        members,
    };
    let mut res = html(&page)?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The form opens with today, the viewer as lead author, and the viewer's group and place.
pub async fn new(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    authorize(&a.actor, Action::WriteResearchReports, &Target::own(&a.actor))?;
    let me = match Writer::of(&state, &a.actor).await?.member {
        Some(id) => members::find(&state.db, a.actor.committee_id, id).await?,
        None => None,
    };
    let group = match &me {
        Some(m) => members::groups_of(&state.db, &[m.id]).await?.remove(&m.id).and_then(|g| g.into_iter().next()),
        None => None,
    };
    let f = ReportForm {
        on_date: today().to_string(),
        recipients: "区委、区政府".into(),
        lead_author_id: me.as_ref().map(|m| m.id.to_string()).unwrap_or_default(),
        group_id: group.map(|g| g.to_string()).unwrap_or_default(),
        place_id: me.and_then(|m| m.place_id).map(|p| p.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    form_page(&state, a, None, f, &[]).await
}

/// Checks a report for `actor` and saves it, new (`id` None) or edited, with its document
/// (the page and the API). Nothing is saved on an error.
pub async fn save(state: &AppState, actor: &Actor, ip: &str, id: Option<i64>, f: &ReportForm, file: Option<(String, Vec<u8>)>) -> AppResult<Report> {
    authorize(actor, Action::WriteResearchReports, &Target::own(actor))?;
    let cid = actor.committee_id;
    let writer = Writer::of(state, actor).await?;
    let before = match id {
        Some(id) => {
            let r = found(state, actor, id).await?;
            let authors = store::authors_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default();
            if !writer.may_edit(&authors) {
                return Err(AppError::Forbidden);
            }
            Some((r, authors))
        }
        None => None,
    };
    let mut errors = Vec::new();
    let doc: Option<Document> = file.and_then(|(name, bytes)| Document::from_upload(&name, bytes).map_err(|e| errors.push(e)).ok());
    let listed = before.as_ref().map(|b| b.1.clone()).unwrap_or_default();
    let o = offer(state, cid, &listed).await?;
    // An edited report keeps its group and place even if they have since been retired.
    let kept = |list: Vec<(i64, String)>, current: Option<i64>| list.into_iter().map(|x| x.0).chain(current).collect::<Vec<_>>();
    let groups = kept(o.groups, before.as_ref().and_then(|b| b.0.group_id));
    let places = kept(o.places, before.as_ref().and_then(|b| b.0.place_id));
    let members: Vec<i64> = o.members.into_iter().map(|m| m.0).collect();
    let had_file = before.as_ref().is_some_and(|b| !b.0.file_name.is_empty());
    let choices = ReportChoices { groups: &groups, places: &places, members: &members, today: today(), has_file: doc.is_some() || had_file };
    let parsed = f.parse(&choices);
    errors.extend(parsed.as_ref().err().cloned().unwrap_or_default());
    if let Ok(r) = &parsed
        && let Err(e) = writer.check_authors(&r.author_ids)
    {
        errors.push(e);
    }
    let who = Who::actor(actor, ip);
    match (parsed, before) {
        (Ok(r), None) if errors.is_empty() => Ok(store::create(&state.db, cid, &r, doc.as_ref(), &who).await?),
        (Ok(r), Some((b, _))) if errors.is_empty() => Ok(store::update(&state.db, &b, &r, doc.as_ref(), &who).await?),
        _ => Err(AppError::Invalid(errors)),
    }
}

pub async fn create(State(state): State<AppState>, a: Authed, body: ReportBody) -> AppResult<Response> {
    match save(&state, &a.actor, &a.ctx.info.ip, None, &body.form, body.file).await {
        Ok(r) => Ok(redirect_with_flash(&a.ctx.info, &format!("/research-reports/{}", r.id), "flash.saved")),
        Err(AppError::Invalid(errors)) => form_page(&state, a, None, body.form, &errors).await,
        Err(e) => Err(e),
    }
}

/// The form filled in from a saved report.
fn form_of(r: &Report, authors: &[i64]) -> ReportForm {
    ReportForm {
        title: r.title.clone(),
        topic: r.topic.clone(),
        group_id: r.group_id.map(|g| g.to_string()).unwrap_or_default(),
        place_id: r.place_id.map(|p| p.to_string()).unwrap_or_default(),
        on_date: r.on_date.to_string(),
        summary: r.summary.clone(),
        body: r.body.clone(),
        recipients: r.recipients.clone(),
        lead_author_id: authors.first().map(i64::to_string).unwrap_or_default(),
        author_ids: authors.iter().skip(1).map(i64::to_string).collect(),
        shared: if r.shared { "yes".into() } else { String::new() },
    }
}

pub async fn edit(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    authorize(&a.actor, Action::WriteResearchReports, &Target::own(&a.actor))?;
    let r = found(&state, &a.actor, id).await?;
    let authors = store::authors_of(&state.db, &[r.id]).await?.remove(&r.id).unwrap_or_default();
    if !Writer::of(&state, &a.actor).await?.may_edit(&authors) {
        return Err(AppError::Forbidden);
    }
    form_page(&state, a, Some(id), form_of(&r, &authors), &[]).await
}

pub async fn update(State(state): State<AppState>, a: Authed, Path(id): Path<i64>, body: ReportBody) -> AppResult<Response> {
    match save(&state, &a.actor, &a.ctx.info.ip, Some(id), &body.form, body.file).await {
        Ok(_) => Ok(redirect_with_flash(&a.ctx.info, &format!("/research-reports/{id}"), "flash.saved")),
        Err(AppError::Invalid(errors)) => form_page(&state, a, Some(id), body.form, &errors).await,
        Err(e) => Err(e),
    }
}
