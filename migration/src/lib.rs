//! One migration set for SQLite and PostgreSQL. Backend-specific SQL is kept to the few places
//! that need it (append-only triggers) and each sits behind a `match` on the backend.
pub use sea_orm_migration::prelude::*;
/// The tables kept statistics follow (read by the statistics tests).
pub use m20261127_000021_stats_figures::{STATS_COUNTED, stats_committee_of};

mod m20261126_000001_foundation;
mod m20261126_000002_org;
mod m20261126_000003_demands;
mod m20261126_000004_studios;
mod m20261126_000005_proposals;
mod m20261126_000006_list_indexes;
mod m20261126_000007_studio_list_index;
mod m20261127_000008_proposal_follow_up;
mod m20261127_000009_visits;
mod m20261127_000010_activities;
mod m20261127_000011_research_reports;
mod m20261127_000012_liaison;
mod m20261127_000013_projects;
mod m20261127_000014_consultations;
mod m20261127_000015_opinion_reports;
mod m20261127_000016_evaluation;
mod m20261127_000017_stats_indexes;
mod m20261127_000018_evaluation_indexes;
mod m20261127_000019_evaluation_standing;
mod m20261127_000020_rollup_indexes;
mod m20261127_000021_stats_figures;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_foundation::Migration),
            Box::new(m20261126_000002_org::Migration),
            Box::new(m20261126_000003_demands::Migration),
            Box::new(m20261126_000004_studios::Migration),
            Box::new(m20261126_000005_proposals::Migration),
            Box::new(m20261126_000006_list_indexes::Migration),
            Box::new(m20261126_000007_studio_list_index::Migration),
            Box::new(m20261127_000008_proposal_follow_up::Migration),
            Box::new(m20261127_000009_visits::Migration),
            Box::new(m20261127_000010_activities::Migration),
            Box::new(m20261127_000011_research_reports::Migration),
            Box::new(m20261127_000012_liaison::Migration),
            Box::new(m20261127_000013_projects::Migration),
            Box::new(m20261127_000014_consultations::Migration),
            Box::new(m20261127_000015_opinion_reports::Migration),
            Box::new(m20261127_000016_evaluation::Migration),
            Box::new(m20261127_000017_stats_indexes::Migration),
            Box::new(m20261127_000018_evaluation_indexes::Migration),
            Box::new(m20261127_000019_evaluation_standing::Migration),
            Box::new(m20261127_000020_rollup_indexes::Migration),
            Box::new(m20261127_000021_stats_figures::Migration),
        ]
    }
}
