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
