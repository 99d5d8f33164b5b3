//! Every move of a report, written with its timeline event and audit record in the caller's
//! transaction: writing and sending in, screening (adopt with an edited text, keep, return,
//! merge into a combined report), a leader's approval, sending up to the parent committee, and
//! outcomes — which travel from where they happen to every report they credit: from a combined
//! report to its parts, and from a copy above back to the report it was sent up from.
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult};
use crate::app::i18n::Lang;
use crate::app::shell::local_date;
use crate::opinions::model::{self, Level, OutcomeInput, OutcomeKind, ReportAction, ReportActor, ReportInput, ReportState, ReportText, SourceType, SubmitterKind};
use crate::opinions::store::{self, ITEM_TYPE, Report, author, outcome, report};
use crate::org::store::{self as org, Committee};
use crate::tracking::store::{self as tracking, NewEvent};

/// Who moves, and when (the demo replays past instants).
#[derive(Clone, Copy)]
pub struct By<'a> {
    pub who: &'a Who,
    pub at: DateTime<Utc>,
}

impl<'a> By<'a> {
    pub fn now(who: &'a Who) -> By<'a> {
        By { who, at: Utc::now() }
    }
}

/// The committee a move happens in: its decisions are recorded at its level, in its name.
#[derive(Clone, Debug)]
pub struct Seat {
    pub id: i64,
    pub name: String,
    pub level: Level,
    pub parent_id: Option<i64>,
}

impl Seat {
    pub fn of(c: &Committee) -> Seat {
        let level = crate::org::model::CommitteeLevel::parse(&c.level).map(model::level_of).unwrap_or(Level::District);
        Seat { id: c.id, name: c.name.clone(), level, parent_id: c.parent_id }
    }

    pub async fn load(db: &impl ConnectionTrait, committee_id: i64) -> Result<Seat, DbErr> {
        let c = org::find_committee(db, committee_id).await?.ok_or_else(|| DbErr::RecordNotFound(format!("committee {committee_id}")))?;
        Ok(Seat::of(&c))
    }
}

fn refused(e: model::TransitionError) -> AppError {
    AppError::invalid("action", e.key())
}

async fn event(txn: &impl ConnectionTrait, r: &Report, by: By<'_>, action: &str, to: Option<ReportState>, comment: &str) -> Result<(), DbErr> {
    let e = NewEvent {
        committee_id: r.committee_id,
        item_type: ITEM_TYPE,
        item_id: r.id,
        actor_id: by.who.actor_id,
        actor_name: &by.who.actor_name,
        action,
        from_state: Some(r.state().as_str()),
        to_state: to.map(ReportState::as_str),
        comment,
    };
    tracking::record_at(txn, e, by.at).await
}

async fn set_authors(txn: &impl ConnectionTrait, report_id: i64, author_ids: &[i64]) -> Result<(), DbErr> {
    author::Entity::delete_many().filter(author::Column::ReportId.eq(report_id)).exec(txn).await?;
    if !author_ids.is_empty() {
        let rows = author_ids.iter().enumerate().map(|(i, m)| author::ActiveModel { report_id: Set(report_id), member_id: Set(*m), position: Set(i as i32) });
        author::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

/// A new row with what every report has; the callers set the rest.
fn new_row(committee_id: i64, title: &str, body: &str, category: &str, state: ReportState, kind: SubmitterKind, by: By<'_>) -> report::ActiveModel {
    report::ActiveModel {
        committee_id: Set(committee_id),
        title: Set(title.to_string()),
        body: Set(body.to_string()),
        category: Set(category.to_string()),
        state: Set(state.as_str().into()),
        submitter_kind: Set(kind.as_str().into()),
        submitter_name: Set(String::new()),
        submitted_on: Set(local_date(&by.at)),
        submitted_at: Set((state != ReportState::Draft).then_some(by.at)),
        created_at: Set(by.at),
        updated_at: Set(by.at),
        ..Default::default()
    }
}

/// The first events of a new report: it comes from no state (recorded as a draft's).
async fn first_event(txn: &impl ConnectionTrait, r: &Report, by: By<'_>, action: &str, to: ReportState, comment: &str) -> Result<(), DbErr> {
    let fresh = Report { state: ReportState::Draft.as_str().into(), ..r.clone() };
    event(txn, &fresh, by, action, Some(to), comment).await
}

/// Writes a report (sent in at once when the writer asked to) with its authors; a demand
/// converted into an opinion report points at it from now on.
pub async fn create(txn: &impl ConnectionTrait, committee_id: i64, r: &ReportInput, by: By<'_>) -> Result<Report, DbErr> {
    let state = if r.submit { ReportState::Submitted } else { ReportState::Draft };
    let mut am = new_row(committee_id, &r.title, &r.body, r.category.as_str(), state, r.kind, by);
    am.submitter_name = Set(r.submitter_name.clone());
    am.group_id = Set(r.group_id);
    am.source_type = Set(r.source.map(|(k, _)| k.as_str().to_string()));
    am.source_id = Set(r.source.map(|(_, id)| id));
    am.created_by = Set(by.who.actor_id);
    let saved = am.insert(txn).await?;
    set_authors(txn, saved.id, &r.author_ids).await?;
    first_event(txn, &saved, by, "create", ReportState::Draft, "").await?;
    if r.submit {
        first_event(txn, &saved, by, "submit", state, "").await?;
    }
    if let Some((SourceType::Demand, id)) = r.source {
        link_demand(txn, committee_id, id, saved.id).await?;
    }
    audit::record(txn, by.who, "create", ITEM_TYPE, saved.id, format!("撰写社情民意信息《{}》", saved.title)).await?;
    Ok(saved)
}

/// The demands area records what a demand became and leaves the id to the area that takes it
/// up (`demands.converted_id`).
async fn link_demand(txn: &impl ConnectionTrait, committee_id: i64, demand_id: i64, report_id: i64) -> Result<(), DbErr> {
    use crate::demands::store::demand;
    demand::Entity::update_many()
        .col_expr(demand::Column::ConvertedId, Expr::value(report_id))
        .filter(demand::Column::Id.eq(demand_id))
        .filter(demand::Column::CommitteeId.eq(committee_id))
        .filter(demand::Column::ConvertedKind.eq("opinion_report"))
        .filter(demand::Column::ConvertedId.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// Saves an edited draft (or returned report), and sends it in when asked.
pub async fn update(txn: &impl ConnectionTrait, before: &Report, r: &ReportInput, by: By<'_>) -> AppResult<Report> {
    if !before.state().editable() {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let mut am = before.clone().into_active_model();
    am.title = Set(r.title.clone());
    am.body = Set(r.body.clone());
    am.category = Set(r.category.as_str().into());
    am.submitter_kind = Set(r.kind.as_str().into());
    am.submitter_name = Set(r.submitter_name.clone());
    am.group_id = Set(r.group_id);
    am.source_type = Set(r.source.map(|(k, _)| k.as_str().to_string()));
    am.source_id = Set(r.source.map(|(_, id)| id));
    am.updated_at = Set(by.at);
    let saved = am.update(txn).await?;
    set_authors(txn, saved.id, &r.author_ids).await?;
    event(txn, &saved, by, "edit", None, "").await?;
    audit::record(txn, by.who, "update", ITEM_TYPE, saved.id, format!("修改社情民意信息《{}》", saved.title)).await?;
    if r.submit {
        return transition(txn, &Seat::load(txn, saved.committee_id).await?, &saved, ReportAction::Submit, ReportActor::Writer, "", by).await;
    }
    Ok(saved)
}

/// The simple moves: send in, withdraw, return, keep, approve, decline. A copy from below that
/// is returned or kept tells the report it came from.
pub async fn transition(txn: &impl ConnectionTrait, seat: &Seat, r: &Report, action: ReportAction, actor: ReportActor, reason: &str, by: By<'_>) -> AppResult<Report> {
    use ReportAction as A;
    if matches!(action, A::Adopt | A::Merge | A::Issue | A::SendUp) {
        return Err(AppError::invalid("action", "err.choice"));
    }
    let to = model::apply(r.state(), action, actor).map_err(refused)?;
    let reason = reason.trim();
    if action.needs_reason() && reason.is_empty() {
        return Err(AppError::invalid("reason", "err.required"));
    }
    let mut am = r.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(by.at);
    match action {
        A::Submit => {
            am.submitted_at = Set(Some(by.at));
            am.submitted_on = Set(local_date(&by.at));
            am.reason = Set(String::new());
        }
        A::Return | A::Decline => am.reason = Set(reason.to_string()),
        A::Keep => am.screened_at = Set(Some(by.at)),
        A::Approve => am.approved_at = Set(Some(by.at)),
        _ => {}
    }
    let saved = am.update(txn).await?;
    event(txn, r, by, action.as_str(), Some(to), reason).await?;
    if action == A::Decline {
        retract_adoption(txn, r, seat.level).await?;
    }
    if matches!(action, A::Return | A::Keep) {
        let what = Lang::Zh.t(&format!("opinion.event.{}", action.as_str()));
        let comment = if reason.is_empty() { format!("{}：{what}", seat.name) } else { format!("{}：{what}（{reason}）", seat.name) };
        tell_origins(txn, r, by, &format!("upper_{}", action.as_str()), &comment).await?;
    }
    audit::record(txn, by.who, action.as_str(), ITEM_TYPE, r.id, format!("社情民意信息《{}》：{} → {}", r.title, r.state().as_str(), to.as_str())).await?;
    Ok(saved)
}

/// A note on the timeline of the reports a copy came from, up the chain of sendings.
async fn tell_origins(txn: &impl ConnectionTrait, r: &Report, by: By<'_>, action: &str, comment: &str) -> Result<(), DbErr> {
    let mut next = r.from_report_id;
    let mut seen = HashSet::new();
    while let Some(id) = next.filter(|id| seen.insert(*id)) {
        let Some(origin) = report::Entity::find_by_id(id).one(txn).await? else { break };
        event(txn, &origin, by, action, None, comment).await?;
        next = origin.from_report_id;
    }
    Ok(())
}

/// 采用: the edited text is kept beside the original, and the adoption is recorded at the
/// committee's level on the report and every report it credits.
pub async fn adopt(txn: &impl ConnectionTrait, seat: &Seat, r: &Report, text: &ReportText, by: By<'_>) -> AppResult<Report> {
    let to = model::apply(r.state(), ReportAction::Adopt, ReportActor::Staff).map_err(refused)?;
    let mut am = r.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.edited_title = Set(Some(text.title.clone()));
    am.edited_body = Set(Some(text.body.clone()));
    am.screened_at = Set(Some(by.at));
    am.reason = Set(String::new());
    am.updated_at = Set(by.at);
    let saved = am.update(txn).await?;
    let edited = if text.title != r.title || text.body != r.body { "opinion.event.adopt_edited" } else { "opinion.event.adopt_as_is" };
    event(txn, r, by, "adopt", Some(to), Lang::Zh.t(edited)).await?;
    let o = OutcomeInput { kind: OutcomeKind::Adopted, level: seat.level, by_whom: seat.name.clone(), on_date: local_date(&by.at), summary: String::new() };
    spread(txn, &saved, &o, by, false).await?;
    audit::record(txn, by.who, "adopt", ITEM_TYPE, r.id, format!("采用社情民意信息《{}》", r.title)).await?;
    Ok(saved)
}

/// 综合采用: the reports become parts of one combined report (adopted), each part keeping its
/// authors, who are credited with the combined adoption.
pub async fn merge(txn: &impl ConnectionTrait, seat: &Seat, parts: &[Report], text: &ReportText, by: By<'_>) -> AppResult<Report> {
    for p in parts {
        model::apply(p.state(), ReportAction::Merge, ReportActor::Staff).map_err(refused)?;
        if p.committee_id != seat.id {
            return Err(AppError::NotFound);
        }
    }
    let first = parts.first().ok_or(AppError::invalid("report_ids", "opinion.err.merge_two"))?;
    let mut am = new_row(seat.id, &text.title, &text.body, &first.category, ReportState::Adopted, SubmitterKind::Staff, by);
    am.combined = Set(true);
    am.screened_at = Set(Some(by.at));
    am.created_by = Set(by.who.actor_id);
    let combined = am.insert(txn).await?;
    let titles = parts.iter().map(|p| format!("《{}》", p.title)).collect::<Vec<_>>().join("、");
    first_event(txn, &combined, by, "combine", ReportState::Adopted, &titles).await?;
    for p in parts {
        let mut am = p.clone().into_active_model();
        am.state = Set(ReportState::Merged.as_str().into());
        am.combined_into_id = Set(Some(combined.id));
        am.screened_at = Set(Some(by.at));
        am.updated_at = Set(by.at);
        am.update(txn).await?;
        event(txn, p, by, "merge", Some(ReportState::Merged), &format!("《{}》", combined.title)).await?;
    }
    let o = OutcomeInput { kind: OutcomeKind::Adopted, level: seat.level, by_whom: seat.name.clone(), on_date: local_date(&by.at), summary: String::new() };
    spread(txn, &combined, &o, by, false).await?;
    audit::record(txn, by.who, "merge", ITEM_TYPE, combined.id, format!("综合采用{} 篇：{titles}", parts.len())).await?;
    Ok(combined)
}

/// Records an outcome staff entered (an adoption above, a forwarding, a leader's instruction).
pub async fn record_outcome(txn: &impl ConnectionTrait, r: &Report, o: &OutcomeInput, by: By<'_>) -> Result<(), DbErr> {
    spread(txn, r, o, by, true).await?;
    audit::record(txn, by.who, "outcome", ITEM_TYPE, r.id, format!("社情民意信息《{}》：{} {}", r.title, o.level.as_str(), o.kind.as_str())).await
}

/// Writes an outcome on `start` and on every report it credits: the parts of a combined report
/// (an adoption becoming 综合采用 for them) and, for a copy sent up, the report it came from —
/// and so on down, so a district member sees "市政协采用" on its own report. Each report further
/// down also gets a line on its timeline (`start` too when `note_start`: screening writes its own).
async fn spread(txn: &impl ConnectionTrait, start: &Report, o: &OutcomeInput, by: By<'_>, note_start: bool) -> Result<(), DbErr> {
    let mut todo = vec![(start.clone(), o.kind, false)];
    let mut seen = HashSet::new();
    while let Some((r, kind, combined)) = todo.pop() {
        if !seen.insert(r.id) {
            continue;
        }
        let via = (r.id != start.id).then_some(start.id);
        outcome::ActiveModel {
            report_id: Set(r.id),
            kind: Set(kind.as_str().into()),
            level: Set(o.level.as_str().into()),
            by_whom: Set(o.by_whom.clone()),
            on_date: Set(o.on_date),
            summary: Set(o.summary.clone()),
            combined: Set(combined),
            via_report_id: Set(via),
            created_by: Set(by.who.actor_id),
            created_at: Set(by.at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let label = Lang::Zh.t(&kind.label_key(o.level));
        let comment = [label, o.by_whom.as_str(), o.summary.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("：");
        if via.is_some() || note_start {
            event(txn, &r, by, "outcome", None, &comment).await?;
        }
        for part in store::parts_of(txn, r.id).await? {
            todo.push((part, kind.for_parts(), true));
        }
        if let Some(origin) = r.from_report_id {
            if let Some(origin) = report::Entity::find_by_id(origin).one(txn).await? {
                todo.push((origin, kind, combined));
            }
        }
    }
    Ok(())
}

/// A leader sent the adopted text back: the adoption it carried no longer stands.
async fn retract_adoption(txn: &impl ConnectionTrait, r: &Report, level: Level) -> Result<(), DbErr> {
    use sea_orm::Condition;
    outcome::Entity::delete_many()
        .filter(outcome::Column::Level.eq(level.as_str()))
        .filter(outcome::Column::Kind.is_in([OutcomeKind::Adopted.as_str(), OutcomeKind::Combined.as_str()]))
        .filter(Condition::any().add(outcome::Column::ReportId.eq(r.id)).add(outcome::Column::ViaReportId.eq(r.id)))
        .exec(txn)
        .await?;
    Ok(())
}

/// The names a copy above shows for its authors: "湘潭市岳塘区政协（张三、李四）".
async fn sender_label(txn: &impl ConnectionTrait, seat: &Seat, r: &Report) -> Result<String, DbErr> {
    if r.kind() == SubmitterKind::Committee {
        return Ok(r.submitter_name.clone());
    }
    let authors = store::credited_authors(txn, r).await?;
    let names = crate::org::members::names(txn, &authors).await?;
    let mut who: Vec<String> = authors.iter().filter_map(|m| names.get(m).cloned()).collect();
    if who.is_empty() && !r.submitter_name.is_empty() {
        who.push(r.submitter_name.clone());
    }
    Ok(if who.is_empty() { seat.name.clone() } else { format!("{}（{}）", seat.name, who.join("、")) })
}

/// 报送上级: an issued report goes up to the parent committee as a copy in its screening queue,
/// carrying the adopted text; the original remembers its copy.
pub async fn send_up(txn: &impl ConnectionTrait, seat: &Seat, r: &Report, by: By<'_>) -> AppResult<Report> {
    model::apply(r.state(), ReportAction::SendUp, ReportActor::Staff).map_err(refused)?;
    if r.sent_up_id.is_some() {
        return Err(AppError::invalid("action", "opinion.err.already_sent"));
    }
    let parent = match seat.parent_id {
        Some(p) => Seat::load(txn, p).await?,
        None => return Err(AppError::invalid("action", "opinion.err.no_parent")),
    };
    let mut am = new_row(parent.id, r.current_title(), r.current_body(), &r.category, ReportState::Submitted, SubmitterKind::Committee, by);
    am.submitter_name = Set(sender_label(txn, seat, r).await?);
    am.from_committee_id = Set(Some(seat.id));
    am.from_report_id = Set(Some(r.id));
    let copy = am.insert(txn).await?;
    let mut am = r.clone().into_active_model();
    am.sent_up_id = Set(Some(copy.id));
    am.sent_up_at = Set(Some(by.at));
    am.updated_at = Set(by.at);
    let saved = am.update(txn).await?;
    event(txn, r, by, "send_up", None, &parent.name).await?;
    first_event(txn, &copy, by, "received", ReportState::Submitted, &seat.name).await?;
    audit::record(txn, by.who, "send_up", ITEM_TYPE, r.id, format!("社情民意信息《{}》报送{}", r.title, parent.name)).await?;
    Ok(saved)
}
