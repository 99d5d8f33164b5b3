//! The online deliberation in the database: opinions, statements and votes (one per person per
//! statement), and the vote matrix the consensus is computed from.
//!
//! A participant is known by a key: `m:{member}` for a member, `u:{user}` for a staff or
//! leader account without a member record, `c:{hash}` for a citizen's browser. Hidden
//! statements leave the matrix, so they leave the results too.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait};

use crate::app::audit::{self, Who};
use crate::app::error::{AppError, AppResult, FieldError};
use crate::consultations::consensus::{self, Analysis, Vote};
use crate::consultations::model::ConsultationState;
use crate::consultations::store::{Consultation, ITEM_TYPE, consultation, opinion, statement, vote};

/// Statements are short, so that one can agree or disagree with all of one at a glance.
pub const STATEMENT_CHARS: std::ops::RangeInclusive<usize> = 5..=140;
pub const OPINION_CHARS: std::ops::RangeInclusive<usize> = 5..=2000;
/// A citizen may sign with a name of their choosing, or none.
pub const NAME_CHARS: usize = 20;

/// Who takes part, as votes and posts record them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    pub key: String,
    pub name: String,
}

impl Participant {
    pub fn member(member_id: i64, name: &str) -> Self {
        Participant { key: format!("m:{member_id}"), name: name.to_string() }
    }

    /// A staff, admin or leader account that is not a member.
    pub fn user(user_id: i64, name: &str) -> Self {
        Participant { key: format!("u:{user_id}"), name: name.to_string() }
    }

    /// A citizen's browser, by a digest of its random voter token (never the token itself,
    /// which would let anyone who reads the table vote in its name).
    pub fn citizen(digest: &str, name: &str) -> Self {
        Participant { key: format!("c:{digest}"), name: name.to_string() }
    }

    pub fn is_citizen(&self) -> bool {
        self.key.starts_with("c:")
    }
}

fn chars_in(s: &str, range: std::ops::RangeInclusive<usize>) -> bool {
    range.contains(&s.chars().count())
}

/// A statement as typed: one line (line breaks become spaces), 5 to 140 characters.
pub fn parse_statement(s: &str) -> Result<String, FieldError> {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if chars_in(&one_line, STATEMENT_CHARS) { Ok(one_line) } else { Err(FieldError::new("statement", "deliberation.err.statement")) }
}

/// An opinion as typed: 5 to 2,000 characters, paragraphs kept.
pub fn parse_opinion(s: &str) -> Result<String, FieldError> {
    let t = s.trim().replace("\r\n", "\n");
    if chars_in(&t, OPINION_CHARS) { Ok(t) } else { Err(FieldError::new("opinion", "deliberation.err.opinion")) }
}

/// A citizen's chosen name: optional, at most 20 characters, no line breaks.
pub fn parse_name(s: &str) -> Result<String, FieldError> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= NAME_CHARS { Ok(t) } else { Err(FieldError::new("name", "deliberation.err.name")) }
}

/// Whether staff may open the deliberation: before the meeting only.
pub fn may_open(state: ConsultationState) -> bool {
    matches!(state, ConsultationState::Proposed | ConsultationState::Planned | ConsultationState::Preparing)
}

/// Opens or closes the deliberation, with its audit record.
pub async fn set_open(db: &impl TransactionTrait, c: &Consultation, open: bool, who: &Who) -> AppResult<Consultation> {
    if open && !may_open(c.state()) {
        return Err(AppError::invalid("action", "err.wrong_state"));
    }
    let txn = db.begin().await?;
    let mut am = c.clone().into_active_model();
    am.deliberation_open = Set(open);
    am.updated_at = Set(Utc::now());
    let saved = am.update(&txn).await?;
    let (action, what) = if open { ("deliberation_open", "开启") } else { ("deliberation_close", "结束") };
    audit::record(&txn, who, action, ITEM_TYPE, c.id, format!("协商《{}》网上议事{what}", c.title)).await?;
    txn.commit().await?;
    Ok(saved)
}

fn refuse_if_closed(c: &Consultation, field: &'static str) -> AppResult<()> {
    if c.deliberation_open { Ok(()) } else { Err(AppError::invalid(field, "deliberation.err.closed")) }
}

/// What participants write: statements to vote on, and opinions on the topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Post {
    Statement,
    Opinion,
}

impl Post {
    fn object_type(self) -> &'static str {
        match self {
            Post::Statement => "deliberation_statement",
            Post::Opinion => "deliberation_opinion",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Post::Statement => "议政观点",
            Post::Opinion => "议政意见",
        }
    }
}

/// Inserts a statement or an opinion (the demo passes past instants and hides some) and
/// returns its id.
pub async fn insert(db: &impl ConnectionTrait, post: Post, consultation_id: i64, body: &str, author: &Participant, hidden: bool, at: DateTime<Utc>) -> Result<i64, DbErr> {
    let name: String = author.name.chars().take(100).collect();
    let (key, body) = (author.key.clone(), body.to_string());
    let id = match post {
        Post::Statement => {
            let am = statement::ActiveModel { consultation_id: Set(consultation_id), body: Set(body), author_key: Set(key), author_name: Set(name), hidden: Set(hidden), created_at: Set(at), ..Default::default() };
            am.insert(db).await?.id
        }
        Post::Opinion => {
            let am = opinion::ActiveModel { consultation_id: Set(consultation_id), body: Set(body), author_key: Set(key), author_name: Set(name), hidden: Set(hidden), created_at: Set(at), ..Default::default() };
            am.insert(db).await?.id
        }
    };
    Ok(id)
}

/// Adds a statement or an opinion, `body` parsed already, while the deliberation is open;
/// staff may add statements at any time (the seed statements, before it opens).
pub async fn add(db: &impl TransactionTrait, c: &Consultation, post: Post, body: &str, author: &Participant, staff: bool, who: &Who) -> AppResult<i64> {
    if !(staff && post == Post::Statement) {
        refuse_if_closed(c, if post == Post::Statement { "statement" } else { "opinion" })?;
    }
    let txn = db.begin().await?;
    let id = insert(&txn, post, c.id, body, author, false, Utc::now()).await?;
    let short: String = body.chars().take(60).collect();
    audit::record(&txn, who, "create", post.object_type(), id, format!("协商《{}》{}：{short}", c.title, post.label())).await?;
    txn.commit().await?;
    Ok(id)
}

/// Hides a statement (from voting and the results) or an opinion, or shows it again. False
/// if the consultation has no such post.
pub async fn set_hidden(db: &impl TransactionTrait, c: &Consultation, post: Post, id: i64, hidden: bool, who: &Who) -> AppResult<bool> {
    let txn = db.begin().await?;
    let done = match post {
        Post::Statement => {
            let q = statement::Entity::update_many().col_expr(statement::Column::Hidden, Expr::value(hidden)).filter(statement::Column::ConsultationId.eq(c.id));
            q.filter(statement::Column::Id.eq(id)).exec(&txn).await?
        }
        Post::Opinion => {
            let q = opinion::Entity::update_many().col_expr(opinion::Column::Hidden, Expr::value(hidden)).filter(opinion::Column::ConsultationId.eq(c.id));
            q.filter(opinion::Column::Id.eq(id)).exec(&txn).await?
        }
    };
    let found = done.rows_affected > 0;
    if found {
        let action = if hidden { "deliberation_hide" } else { "deliberation_show" };
        audit::record(&txn, who, action, post.object_type(), id, format!("协商《{}》{}", c.title, post.label())).await?;
    }
    txn.commit().await?;
    Ok(found)
}

/// Records `voter`'s vote on a statement, replacing an earlier one. One statement: however
/// many requests race, the primary key and ON CONFLICT leave one row, the last one written.
pub async fn upsert_vote(db: &impl ConnectionTrait, consultation_id: i64, statement_id: i64, voter_key: &str, v: Vote, at: DateTime<Utc>) -> Result<(), DbErr> {
    vote::Entity::insert(vote_row(consultation_id, statement_id, voter_key, v, at))
        .on_conflict(OnConflict::columns([vote::Column::StatementId, vote::Column::VoterKey]).update_columns([vote::Column::Vote, vote::Column::VotedAt]).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A vote as a row (the demo inserts many at once).
pub fn vote_row(consultation_id: i64, statement_id: i64, voter_key: &str, v: Vote, at: DateTime<Utc>) -> vote::ActiveModel {
    vote::ActiveModel {
        statement_id: Set(statement_id),
        voter_key: Set(voter_key.to_string()),
        consultation_id: Set(consultation_id),
        vote: Set(v.as_str().to_string()),
        voted_at: Set(at),
    }
}

/// Casts or changes a vote while the deliberation is open, on a statement that is shown.
pub async fn cast(db: &impl ConnectionTrait, c: &Consultation, statement_id: i64, voter: &Participant, v: Vote) -> AppResult<statement::Model> {
    refuse_if_closed(c, "vote")?;
    let s = find_statement(db, c.id, statement_id).await?.filter(|s| !s.hidden).ok_or(AppError::NotFound)?;
    upsert_vote(db, c.id, s.id, &voter.key, v, Utc::now()).await?;
    Ok(s)
}

pub async fn find_statement(db: &impl ConnectionTrait, consultation_id: i64, id: i64) -> Result<Option<statement::Model>, DbErr> {
    statement::Entity::find_by_id(id).filter(statement::Column::ConsultationId.eq(consultation_id)).one(db).await
}

/// Every statement of the consultation, hidden ones too, in the order they were added.
pub async fn statements(db: &impl ConnectionTrait, consultation_id: i64) -> Result<Vec<statement::Model>, DbErr> {
    statement::Entity::find().filter(statement::Column::ConsultationId.eq(consultation_id)).order_by_asc(statement::Column::Id).all(db).await
}

/// The newest opinions (hidden ones only for staff) and how many there are in all.
pub async fn opinions(db: &impl ConnectionTrait, consultation_id: i64, with_hidden: bool, limit: u64) -> Result<(Vec<opinion::Model>, u64), DbErr> {
    let mut q = opinion::Entity::find().filter(opinion::Column::ConsultationId.eq(consultation_id));
    if !with_hidden {
        q = q.filter(opinion::Column::Hidden.eq(false));
    }
    let total = q.clone().count(db).await?;
    let rows = q.order_by_desc(opinion::Column::Id).limit(limit).all(db).await?;
    Ok((rows, total))
}

/// One participant's votes in the consultation, by statement.
pub async fn votes_of(db: &impl ConnectionTrait, consultation_id: i64, voter_key: &str) -> Result<HashMap<i64, Vote>, DbErr> {
    let rows: Vec<(i64, String)> = vote::Entity::find()
        .select_only()
        .columns([vote::Column::StatementId, vote::Column::Vote])
        .filter(vote::Column::ConsultationId.eq(consultation_id))
        .filter(vote::Column::VoterKey.eq(voter_key))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(s, v)| Vote::from_code(&v).map(|v| (s, v))).collect())
}

/// The votes of a consultation as `votes[participant][statement]`, over the statements shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// The statements shown, in the order they were added: the matrix's columns.
    pub statements: Vec<statement::Model>,
    /// The participants' keys: the matrix's rows, in key order.
    pub voters: Vec<String>,
    pub votes: Vec<Vec<Option<Vote>>>,
}

impl Matrix {
    pub fn citizens(&self) -> usize {
        self.voters.iter().filter(|k| k.starts_with("c:")).count()
    }
}

/// Reads the matrix: the shown statements, then every vote on them in one query.
pub async fn matrix(db: &impl ConnectionTrait, consultation_id: i64) -> Result<Matrix, DbErr> {
    let statements: Vec<statement::Model> = statements(db, consultation_id).await?.into_iter().filter(|s| !s.hidden).collect();
    let shown = Query::select()
        .column(statement::Column::Id)
        .from(statement::Entity)
        .and_where(statement::Column::ConsultationId.eq(consultation_id))
        .and_where(statement::Column::Hidden.eq(false))
        .to_owned();
    let rows: Vec<(i64, String, String)> = vote::Entity::find()
        .select_only()
        .columns([vote::Column::StatementId, vote::Column::VoterKey, vote::Column::Vote])
        .filter(vote::Column::ConsultationId.eq(consultation_id))
        .filter(vote::Column::StatementId.in_subquery(shown))
        .order_by_asc(vote::Column::VoterKey)
        .into_tuple()
        .all(db)
        .await?;
    let column: HashMap<i64, usize> = statements.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let mut voters: Vec<String> = Vec::new();
    let mut votes: Vec<Vec<Option<Vote>>> = Vec::new();
    for (statement_id, voter, v) in rows {
        let (Some(&col), Some(v)) = (column.get(&statement_id), Vote::from_code(&v)) else { continue };
        if voters.last() != Some(&voter) {
            voters.push(voter);
            votes.push(vec![None; statements.len()]);
        }
        votes.last_mut().expect("a row was pushed")[col] = Some(v);
    }
    Ok(Matrix { statements, voters, votes })
}

/// The shown statements, the consensus analysis of their votes, and how many took part.
pub async fn analysis(db: &impl ConnectionTrait, consultation_id: i64) -> Result<(Vec<statement::Model>, Analysis, usize), DbErr> {
    let m = matrix(db, consultation_id).await?;
    let a = consensus::analyse(&m.votes, m.statements.len());
    Ok((m.statements, a, m.voters.len()))
}

/// Opens the deliberation without an audit record (the demo).
pub async fn open_quietly(db: &impl ConnectionTrait, consultation_id: i64) -> Result<(), DbErr> {
    consultation::Entity::update_many()
        .col_expr(consultation::Column::DeliberationOpen, Expr::value(true))
        .filter(consultation::Column::Id.eq(consultation_id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_one_short_line() {
        assert_eq!(parse_statement("  友谊小学门前\n应设置减速带  ").as_deref(), Ok("友谊小学门前 应设置减速带"));
        assert_eq!(parse_statement("太短").unwrap_err().key, "deliberation.err.statement");
        assert!(parse_statement(&"长".repeat(140)).is_ok());
        assert!(parse_statement(&"长".repeat(141)).is_err());
    }

    #[test]
    fn opinions_keep_paragraphs_and_names_are_optional() {
        assert_eq!(parse_opinion(" 第一段意见。\r\n第二段意见。 ").as_deref(), Ok("第一段意见。\n第二段意见。"));
        assert_eq!(parse_opinion("好").unwrap_err().field, "opinion");
        assert_eq!(parse_name("  ").as_deref(), Ok(""));
        assert_eq!(parse_name("葩金社区 王阿姨").as_deref(), Ok("葩金社区 王阿姨"));
        assert!(parse_name(&"名".repeat(21)).is_err());
    }

    #[test]
    fn participants_have_one_key_each() {
        assert_eq!(Participant::member(7, "张三").key, "m:7");
        assert_eq!(Participant::user(3, "机关").key, "u:3");
        let c = Participant::citizen("ab12", "");
        assert_eq!(c.key, "c:ab12");
        assert!(c.is_citizen() && !Participant::member(7, "").is_citizen());
    }

    #[test]
    fn the_deliberation_opens_only_before_the_meeting() {
        use ConsultationState::*;
        let open: Vec<_> = ConsultationState::ALL.iter().copied().filter(|s| may_open(*s)).collect();
        assert_eq!(open, [Proposed, Planned, Preparing]);
    }
}
