//! Connecting to SQLite or PostgreSQL with one code path, and migrating on start.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Opens the database named by `url`. For SQLite the folder of the file is created, and the
/// connection uses WAL, foreign keys and a busy timeout so that concurrent writers wait
/// instead of failing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = std::path::Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(5))
        .max_connections(if url.starts_with("sqlite") { 8 } else { 16 })
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    Database::connect(opts).await
}

/// Brings the schema up to date; safe to run on every start and from several nodes, because
/// sea-orm-migration records what has run.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// The file path of a `sqlite://` URL, if it names a file.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn sqlite_paths_are_found() {
        assert_eq!(sqlite_file("sqlite://data/x.db?mode=rwc").as_deref(), Some("data/x.db"));
        assert_eq!(sqlite_file("sqlite:/tmp/a.db").as_deref(), Some("/tmp/a.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/x"), None);
    }
}

/// Rows selected for the given items (in chunks, under SQLite's limit of bound values), grouped
/// by item in the order selected: `select` reads one chunk of ids, `split` gives each row's item
/// id and the value kept.
pub async fn per_item<E: sea_orm::EntityTrait, T>(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
    select: impl Fn(Vec<i64>) -> sea_orm::Select<E>,
    split: impl Fn(E::Model) -> (i64, T),
) -> Result<std::collections::HashMap<i64, Vec<T>>, DbErr> {
    let mut out: std::collections::HashMap<i64, Vec<T>> = std::collections::HashMap::new();
    for chunk in ids.chunks(5_000) {
        for row in select(chunk.to_vec()).all(db).await? {
            let (id, value) = split(row);
            out.entry(id).or_default().push(value);
        }
    }
    Ok(out)
}
