//! 项目: development and assistance projects members introduced, who introduced them, their
//! partners (cooperative, households, company…) and their figures by year.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{Committees, Members, Places, Users, index};

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    CommitteeId,
    Name,
    Kind,
    PlaceId,
    Model,
    StartedOn,
    Status,
    Shared,
    Description,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProjectIntroducers {
    Table,
    ProjectId,
    MemberId,
}

#[derive(DeriveIden)]
enum ProjectPartners {
    Table,
    Id,
    ProjectId,
    Role,
    Name,
}

#[derive(DeriveIden)]
enum ProjectYears {
    Table,
    Id,
    ProjectId,
    Year,
    OutputValueFen,
    NetIncomeFen,
    Beneficiaries,
    Households,
    Note,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Projects::Table)
                .col(big_pk_auto(Projects::Id))
                .col(big_integer(Projects::CommitteeId))
                .col(string_len(Projects::Name, 200))
                .col(string_len(Projects::Kind, 16))
                .col(big_integer_null(Projects::PlaceId))
                // 模式, e.g. 合作社+脱贫户+公司.
                .col(string_len(Projects::Model, 200).default(""))
                .col(date_null(Projects::StartedOn))
                .col(string_len(Projects::Status, 16))
                .col(boolean(Projects::Shared).default(false))
                .col(text(Projects::Description).default(""))
                .col(big_integer_null(Projects::CreatedBy))
                .col(timestamp_with_time_zone(Projects::CreatedAt))
                .col(timestamp_with_time_zone(Projects::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Projects::Table, Projects::CommitteeId).to(Committees::Table, Committees::Id))
                .foreign_key(ForeignKey::create().from(Projects::Table, Projects::PlaceId).to(Places::Table, Places::Id))
                .foreign_key(ForeignKey::create().from(Projects::Table, Projects::CreatedBy).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProjectIntroducers::Table)
                .col(big_integer(ProjectIntroducers::ProjectId))
                .col(big_integer(ProjectIntroducers::MemberId))
                .primary_key(Index::create().col(ProjectIntroducers::ProjectId).col(ProjectIntroducers::MemberId))
                .foreign_key(ForeignKey::create().from(ProjectIntroducers::Table, ProjectIntroducers::ProjectId).to(Projects::Table, Projects::Id))
                .foreign_key(ForeignKey::create().from(ProjectIntroducers::Table, ProjectIntroducers::MemberId).to(Members::Table, Members::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProjectPartners::Table)
                .col(big_pk_auto(ProjectPartners::Id))
                .col(big_integer(ProjectPartners::ProjectId))
                .col(string_len(ProjectPartners::Role, 16))
                .col(string_len(ProjectPartners::Name, 200))
                .foreign_key(ForeignKey::create().from(ProjectPartners::Table, ProjectPartners::ProjectId).to(Projects::Table, Projects::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProjectYears::Table)
                .col(big_pk_auto(ProjectYears::Id))
                .col(big_integer(ProjectYears::ProjectId))
                .col(integer(ProjectYears::Year))
                // Money as whole fen, so sums are exact.
                .col(big_integer(ProjectYears::OutputValueFen).default(0))
                .col(big_integer(ProjectYears::NetIncomeFen).default(0))
                .col(integer(ProjectYears::Beneficiaries).default(0))
                .col(integer_null(ProjectYears::Households))
                .col(string_len(ProjectYears::Note, 500).default(""))
                .foreign_key(ForeignKey::create().from(ProjectYears::Table, ProjectYears::ProjectId).to(Projects::Table, Projects::Id))
                .to_owned(),
        )
        .await?;
        index(m, "ix_projects_committee", Projects::Table, &["committee_id", "kind", "id"], false).await?;
        index(m, "ix_projects_committee_place", Projects::Table, &["committee_id", "place_id"], false).await?;
        // The exchange feed reads shared projects across committees.
        index(m, "ix_projects_shared", Projects::Table, &["shared", "committee_id"], false).await?;
        index(m, "ix_project_introducers_member", ProjectIntroducers::Table, &["member_id", "project_id"], false).await?;
        index(m, "ix_project_partners_project", ProjectPartners::Table, &["project_id", "id"], false).await?;
        // One row of figures per project and year; it also finds a project's latest year.
        index(m, "ux_project_years", ProjectYears::Table, &["project_id", "year"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProjectYears::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ProjectPartners::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ProjectIntroducers::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Projects::Table).to_owned()).await
    }
}
