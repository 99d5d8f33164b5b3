//! The platform foundation: committees (the tenants), handling units, user accounts, sessions,
//! API tokens and the append-only audit log.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Committees {
    Table,
    Id,
    ParentId,
    Code,
    Name,
    Level,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    CommitteeId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    CommitteeId,
    Username,
    DisplayName,
    PasswordHash,
    Role,
    UnitId,
    Active,
    FailedLogins,
    LockedUntil,
    PasswordChangedAt,
    LastLoginAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    LastSeenAt,
    Ip,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    CommitteeId,
    ActorId,
    ActorName,
    Ip,
    Action,
    ObjectType,
    ObjectId,
    Summary,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Committees::Table)
                .col(big_pk_auto(Committees::Id))
                .col(big_integer_null(Committees::ParentId))
                .col(string_len_uniq(Committees::Code, 32))
                .col(string_len(Committees::Name, 100))
                .col(string_len(Committees::Level, 16))
                .col(timestamp_with_time_zone(Committees::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Committees::Table, Committees::ParentId)
                        .to(Committees::Table, Committees::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Units::Table)
                .col(big_pk_auto(Units::Id))
                .col(big_integer(Units::CommitteeId))
                .col(string_len(Units::Name, 100))
                .col(timestamp_with_time_zone(Units::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Units::Table, Units::CommitteeId)
                        .to(Committees::Table, Committees::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_units_committee_name")
                .table(Units::Table)
                .col(Units::CommitteeId)
                .col(Units::Name)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(big_integer(Users::CommitteeId))
                .col(string_len_uniq(Users::Username, 64))
                .col(string_len(Users::DisplayName, 64))
                .col(string_len(Users::PasswordHash, 200))
                .col(string_len(Users::Role, 32))
                .col(big_integer_null(Users::UnitId))
                .col(boolean(Users::Active).default(true))
                .col(integer(Users::FailedLogins).default(0))
                .col(timestamp_with_time_zone_null(Users::LockedUntil))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Users::Table, Users::CommitteeId)
                        .to(Committees::Table, Committees::Id),
                )
                .foreign_key(ForeignKey::create().from(Users::Table, Users::UnitId).to(Units::Table, Units::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_users_committee")
                .table(Users::Table)
                .col(Users::CommitteeId)
                .col(Users::Username)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::TokenHash, 64).primary_key())
                .col(big_integer(Sessions::UserId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(string_len(Sessions::Ip, 64))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(string_len(ApiTokens::TokenHash, 64).primary_key())
                .col(big_integer(ApiTokens::UserId))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiTokens::Table, ApiTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::CommitteeId))
                .col(big_integer_null(AuditLog::ActorId))
                .col(string_len(AuditLog::ActorName, 64))
                .col(string_len(AuditLog::Ip, 64))
                .col(string_len(AuditLog::Action, 32))
                .col(string_len(AuditLog::ObjectType, 32))
                .col(string_len(AuditLog::ObjectId, 64))
                .col(text(AuditLog::Summary))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_committee_at")
                .table(AuditLog::Table)
                .col(AuditLog::CommitteeId)
                .col(AuditLog::At)
                .to_owned(),
        )
        .await?;

        append_only_audit_log(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE").await?;
        }
        for t in ["audit_log", "api_tokens", "sessions", "users", "units", "committees"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// The audit log must not change once written: the database itself refuses UPDATE and DELETE,
/// so neither a bug nor a hand-written query can rewrite history.
async fn append_only_audit_log(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    match m.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log \
                 FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            )
            .await?;
        }
        _ => {
            for op in ["UPDATE", "DELETE"] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER audit_log_no_{op} BEFORE {op} ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}
