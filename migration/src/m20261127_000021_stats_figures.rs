//! Kept statistics: each committee's whole-committee figures for a period, kept once computed
//! (`stats_figures`) and valid while the committee's mark (`stats_marks.generation`) is the one
//! they were computed under. The database moves the mark itself: a trigger on every table the
//! figures count bumps the mark of the committee the changed row belongs to, so no write path —
//! a page, an import, the demo, a hand-written query — can leave kept figures stale.
//!
//! `STATS_COUNTED` must name every table `stats::rollup` reads; the statistics tests walk it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date, text, timestamp_with_time_zone};
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::Committees;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatsMarks {
    Table,
    CommitteeId,
    Generation,
}

#[derive(DeriveIden)]
enum StatsFigures {
    Table,
    CommitteeId,
    DateFrom,
    DateTo,
    Generation,
    Figures,
    ComputedAt,
}

/// Each counted table, the column that names a row's committee, and the table that column
/// points into when the row belongs to its committee through a parent (`None`: the column is
/// the committee's id itself).
pub const STATS_COUNTED: &[(&str, &str, Option<&str>)] = &[
    ("members", "committee_id", None),
    ("visits", "committee_id", None),
    ("visit_visitors", "visit_id", Some("visits")),
    ("consultations", "committee_id", None),
    ("research_reports", "committee_id", None),
    ("research_report_outcomes", "report_id", Some("research_reports")),
    ("opinion_reports", "committee_id", None),
    ("opinion_report_outcomes", "report_id", Some("opinion_reports")),
    ("receptions", "committee_id", None),
    ("demands", "committee_id", None),
    ("activities", "committee_id", None),
    ("activity_participants", "activity_id", Some("activities")),
    ("proposals", "committee_id", None),
    ("proposal_ratings", "proposal_id", Some("proposals")),
    // A committee's level decides which adoptions count as its own.
    ("committees", "id", None),
];

/// The committee of a counted table's `row` (a table name, NEW or OLD), as SQL.
pub fn stats_committee_of(row: &str, column: &str, parent: Option<&str>) -> String {
    match parent {
        None => format!("{row}.{column}"),
        Some(p) => format!("(SELECT committee_id FROM {p} WHERE id = {row}.{column})"),
    }
}

fn bump(row: &str, column: &str, parent: Option<&str>) -> String {
    format!("UPDATE stats_marks SET generation = generation + 1 WHERE committee_id = {}", stats_committee_of(row, column, parent))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let cascade = |from| ForeignKey::create().from(from, Alias::new("committee_id")).to(Committees::Table, Committees::Id).on_delete(ForeignKeyAction::Cascade).to_owned();
        m.create_table(
            Table::create()
                .table(StatsMarks::Table)
                .col(big_integer(StatsMarks::CommitteeId).primary_key())
                .col(big_integer(StatsMarks::Generation).default(0))
                .foreign_key(&mut cascade(StatsMarks::Table.into_iden()))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StatsFigures::Table)
                .col(big_integer(StatsFigures::CommitteeId))
                .col(date(StatsFigures::DateFrom))
                .col(date(StatsFigures::DateTo))
                .col(big_integer(StatsFigures::Generation))
                .col(text(StatsFigures::Figures))
                .col(timestamp_with_time_zone(StatsFigures::ComputedAt))
                .primary_key(Index::create().col(StatsFigures::CommitteeId).col(StatsFigures::DateFrom).col(StatsFigures::DateTo))
                .foreign_key(&mut cascade(StatsFigures::Table.into_iden()))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("INSERT INTO stats_marks (committee_id, generation) SELECT id, 0 FROM committees").await?;
        // A new committee starts with a mark of its own.
        let new_committee = "INSERT INTO stats_marks (committee_id, generation) VALUES (NEW.id, 0)";
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!("CREATE FUNCTION stats_mark_new_committee() RETURNS trigger AS $$ BEGIN {new_committee}; RETURN NULL; END; $$ LANGUAGE plpgsql")).await?;
                db.execute_unprepared("CREATE TRIGGER stats_mark_new_committee AFTER INSERT ON committees FOR EACH ROW EXECUTE FUNCTION stats_mark_new_committee()").await?;
                // Once a transaction: a mark this transaction has moved already (its row version is
                // this transaction's) is not moved again. Readers see the mark change once, at commit,
                // with every write; updating one row thousands of times in one transaction (the demo,
                // an import) would pile up row versions PostgreSQL must walk on each update.
                let once = " AND xmin <> pg_current_xact_id()::xid";
                for &(table, column, parent) in STATS_COUNTED {
                    db.execute_unprepared(&format!(
                        "CREATE FUNCTION stats_mark_{table}() RETURNS trigger AS $$ BEGIN \
                         IF TG_OP <> 'DELETE' THEN {}{once}; END IF; \
                         IF TG_OP <> 'INSERT' THEN {}{once}; END IF; \
                         RETURN NULL; END; $$ LANGUAGE plpgsql",
                        bump("NEW", column, parent),
                        bump("OLD", column, parent)
                    ))
                    .await?;
                    db.execute_unprepared(&format!("CREATE TRIGGER stats_mark_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION stats_mark_{table}()")).await?;
                }
            }
            _ => {
                db.execute_unprepared(&format!("CREATE TRIGGER stats_mark_new_committee AFTER INSERT ON committees BEGIN {new_committee}; END")).await?;
                for &(table, column, parent) in STATS_COUNTED {
                    for (op, rows) in [("INSERT", &["NEW"][..]), ("UPDATE", &["NEW", "OLD"][..]), ("DELETE", &["OLD"][..])] {
                        let body: Vec<String> = rows.iter().map(|r| format!("{};", bump(r, column, parent))).collect();
                        db.execute_unprepared(&format!("CREATE TRIGGER stats_mark_{table}_{op} AFTER {op} ON {table} BEGIN {} END", body.join(" "))).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                for table in STATS_COUNTED.iter().map(|c| c.0).chain(["new_committee"]) {
                    db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS stats_mark_{table}() CASCADE")).await?;
                }
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS stats_mark_new_committee").await?;
                for (table, _, _) in STATS_COUNTED {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS stats_mark_{table}_{op}")).await?;
                    }
                }
            }
        }
        m.drop_table(Table::drop().table(StatsFigures::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(StatsMarks::Table).to_owned()).await
    }
}
