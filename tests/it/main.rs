//! The one integration-test binary. Every test builds the application on a fresh database:
//! a new SQLite file by default, or a new PostgreSQL database when `TEST_DATABASE_URL` names a
//! server (`postgres://postgres@127.0.0.1:5432`). Requests go through the real router and
//! middleware stack.
mod harness;

mod activities;
mod activity_pages;
mod api;
mod auth;
mod consultations;
mod deliberation;
mod evaluation;
mod demands;
mod exchange;
mod foundation;
mod liaison;
mod members;
mod opinions;
mod org;
mod projects;
mod proposal_metrics;
mod proposal_pages;
mod proposals;
mod research_reports;
mod stats;
mod stats_drilldown;
mod stats_fixtures;
mod studios;
mod visits;
