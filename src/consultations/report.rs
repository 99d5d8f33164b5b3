//! The consultation report (协商专报) to the Party committee as .docx: what was consulted, by
//! whom, what was said and answered, and each agreed outcome with where it stands.
use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::AppState;
use crate::app::error::{AppError, AppResult};
use crate::app::i18n::Lang;
use crate::app::shell::{Authed, today};
use crate::consultations::model::ConsultationState;
use crate::consultations::pages::visible;
use crate::consultations::store::{self, Consultation};
use crate::org::model::Role;
use crate::proposals::documents::{FormalDoc, chinese_date, formal_docx};
use crate::proposals::downloads::{DOCX, file_response};

/// The report's sections from the consultation's records (Chinese: it goes to the Party committee).
pub async fn sections(state: &AppState, c: &Consultation) -> AppResult<Vec<(String, String)>> {
    let zh = Lang::Zh;
    let people = store::participants(&state.db, c.id).await?;
    let count = |kind: &str| people.iter().filter(|p| p.kind == kind && p.attendance == "present").count();
    let place = match c.place_id {
        Some(p) => crate::org::structure::places(&state.db, c.committee_id).await?.into_iter().find(|x| x.id == p).map(|x| x.name).unwrap_or_default(),
        None => String::new(),
    };
    let held = c.held_on.map(chinese_date).unwrap_or_default();
    let basics = format!(
        "{held}，在{place}{address}以{format}形式开展{kind}，议题为“{title}”。出席委员{m}名、职能部门{u}个、群众代表{z}名。",
        address = c.address,
        format = if c.format.is_empty() { "座谈会" } else { c.format.as_str() },
        kind = zh.t(&format!("consultation.kind.{}", c.kind)),
        title = c.title,
        m = count("member"),
        u = count("unit"),
        z = count("citizen"),
    );
    let units: std::collections::HashMap<i64, String> = crate::org::store::units(&state.db, c.committee_id).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let outcomes = store::outcomes(&state.db, c.id)
        .await?
        .iter()
        .enumerate()
        .map(|(i, o)| {
            format!(
                "{}. {}（承办：{}；时限：{}；{}）",
                i + 1,
                o.action,
                units.get(&o.unit_id).map(String::as_str).unwrap_or(""),
                chinese_date(o.deadline),
                zh.t(&format!("consultation.outcome.{}", o.state))
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(vec![
        ("一、协商基本情况".into(), basics),
        ("二、情况通报".into(), c.briefing.clone()),
        ("三、委员提问及部门答复".into(), [c.questions.as_str(), c.answers.as_str()].iter().filter(|s| !s.trim().is_empty()).copied().collect::<Vec<_>>().join("\n")),
        ("四、协商发言".into(), c.statements.clone()),
        ("五、协商成果及落实情况".into(), outcomes),
    ])
}

pub async fn download(State(state): State<AppState>, a: Authed, Path(id): Path<i64>) -> AppResult<Response> {
    let c = visible(&state, &a.actor, id).await?;
    if a.actor.role == Role::Unit || !matches!(c.state(), ConsultationState::MinutesIssued | ConsultationState::Closed) {
        return Err(AppError::NotFound);
    }
    let committee = crate::org::store::find_committee(&state.db, c.committee_id).await?.ok_or(AppError::NotFound)?;
    let doc = FormalDoc {
        heading: format!("{}协商专报", committee.name),
        title: format!("关于“{}”的协商情况报告", c.title),
        sections: sections(&state, &c).await?,
        issuer: committee.name,
        date: c.minutes_issued_on.unwrap_or_else(today),
    };
    Ok(file_response(formal_docx(&doc), DOCX, &format!("consultation-{}.docx", c.id)))
}
