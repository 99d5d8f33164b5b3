//! 群众出题: a citizen suggests a consultation topic without an account, on the committee's
//! public page. Rate-limited with every public form under `/c/` (app::ratelimit); a hidden
//! field catches form-filling robots. The phone is for staff to call back and is never shown.
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::audit::Who;
use crate::app::error::{AppError, AppResult, FieldError};
use crate::app::forms::{Check, FormErrors, choice};
use crate::app::shell::{Ctx, Shell, html};
use crate::consultations::model::{ConsultationKind, TopicSource};
use crate::consultations::store::{self, NewTopic};
use crate::demands::public_pages::committee_by_code;
use crate::org::structure;
use crate::org::values::{Phone, normalize_text};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SuggestForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub place_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub topic: String,
    /// The honeypot: people never see it, robots fill it in.
    #[serde(default)]
    pub website: String,
}

impl SuggestForm {
    /// A citizen's topic: a grassroots consultation raised by the public (staff may plan it
    /// as another kind).
    pub fn parse(&self, places: &[i64]) -> Result<NewTopic, Vec<FieldError>> {
        let mut c = Check::default();
        let clean = |s: &str| normalize_text(s).trim().to_string();
        let name = clean(&self.name);
        if name.chars().count() > 50 {
            c.add(FieldError::new("name", "err.too_long"));
        }
        let phone = c.take(Phone::parse("phone", &self.phone));
        let place_id = c.take(choice("place_id", &self.place_id, places)).flatten();
        let title = clean(&self.title);
        if title.chars().count() < 4 {
            c.add(FieldError::new("title", if title.is_empty() { "err.required" } else { "consultation.err.title_short" }));
        } else if title.chars().count() > 60 {
            c.add(FieldError::new("title", "err.too_long"));
        }
        let topic = clean(&self.topic);
        if topic.chars().count() < 10 {
            c.add(FieldError::new("topic", if topic.is_empty() { "err.required" } else { "consultation.err.topic_short" }));
        } else if topic.chars().count() > 2000 {
            c.add(FieldError::new("topic", "err.too_long"));
        }
        match phone {
            Some(p) if c.is_ok() => Ok(NewTopic {
                kind: ConsultationKind::Grassroots,
                source: TopicSource::Public,
                title,
                topic,
                suggested_by: if name.is_empty() { "群众".into() } else { name },
                suggester_phone: p.as_str().to_string(),
                suggester_member_id: None,
                place_id,
            }),
            _ => Err(c.0),
        }
    }
}

#[derive(Template)]
#[template(path = "consultations/public_suggest.html")]
struct SuggestPage {
    shell: Shell,
    committee: String,
    code: String,
    places: Vec<(i64, String)>,
    f: SuggestForm,
    /// The topic was received.
    thanks: bool,
    errors: FormErrors,
}

async fn page(state: &AppState, ctx: Ctx, code: &str, f: SuggestForm, thanks: bool, errors: &[FieldError]) -> AppResult<Response> {
    let c = committee_by_code(state, code).await?;
    let places = structure::filter_choices(&state.db, c.id).await?.places;
    let mut res = html(&SuggestPage { errors: FormErrors::new(ctx.shell.lang, errors), shell: ctx.shell, committee: c.name, code: c.code, places, f, thanks })?;
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn form(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    page(&state, ctx, &code, SuggestForm::default(), false, &[]).await
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, Form(f): Form<SuggestForm>) -> AppResult<Response> {
    if !f.website.is_empty() {
        return Err(AppError::BadRequest("honeypot".into()));
    }
    let c = committee_by_code(&state, &code).await?;
    let places: Vec<i64> = structure::places(&state.db, c.id).await?.into_iter().filter(|p| !p.retired).map(|p| p.id).collect();
    match f.parse(&places) {
        Ok(t) => {
            let who = Who::anonymous(Some(c.id), &format!("群众（{}）", t.suggested_by), &ctx.info.ip);
            store::propose(&state.db, c.id, &t, &who).await?;
            page(&state, ctx, &code, SuggestForm::default(), true, &[]).await
        }
        Err(errors) => page(&state, ctx, &code, f, false, &errors).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_citizens_topic_needs_a_phone_a_title_and_what_it_is_about() {
        let bad = SuggestForm { phone: "12345".into(), title: "路灯".into(), topic: "".into(), place_id: "9".into(), ..Default::default() };
        let fields: Vec<_> = bad.parse(&[1]).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["phone", "place_id", "title", "topic"]);
        let ok = SuggestForm { phone: "138 1234 5678".into(), title: "小区路灯不亮".into(), topic: "楼栋之间的路灯坏了两个月，晚上出行不便。".into(), ..Default::default() };
        let t = ok.parse(&[]).unwrap();
        assert_eq!((t.source, t.kind, t.suggester_phone.as_str(), t.suggested_by.as_str()), (TopicSource::Public, ConsultationKind::Grassroots, "13812345678", "群众"));
    }
}
