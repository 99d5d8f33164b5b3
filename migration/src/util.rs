//! Helpers shared by the migrations.
use sea_orm_migration::prelude::*;

/// Creates an index `name` on `cols` of `table`.
pub async fn index(m: &SchemaManager<'_>, name: &str, table: impl IntoIden + 'static, cols: &[&'static str], unique: bool) -> Result<(), DbErr> {
    let mut i = Index::create().name(name).table(table).to_owned();
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    m.create_index(i).await
}

/// A migration of plain indexes: (name, table, columns) each.
pub type Indexes = [(&'static str, &'static str, &'static [&'static str])];

/// Creates each of the indexes (a migration's `up`).
pub async fn create_indexes(m: &SchemaManager<'_>, indexes: &Indexes) -> Result<(), DbErr> {
    for (name, table, cols) in indexes {
        index(m, name, Alias::new(*table), cols, false).await?;
    }
    Ok(())
}

/// Drops each of the indexes (the same migration's `down`).
pub async fn drop_indexes(m: &SchemaManager<'_>, indexes: &Indexes) -> Result<(), DbErr> {
    for (name, table, _) in indexes {
        m.drop_index(Index::drop().name(*name).table(Alias::new(*table)).to_owned()).await?;
    }
    Ok(())
}

/// Tables later migrations point foreign keys at.
#[derive(DeriveIden)]
pub enum Committees {
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum Members {
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum Places {
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum Groups {
    Table,
    Id,
}

#[derive(DeriveIden)]
pub enum Plenaries {
    Table,
    Id,
}
