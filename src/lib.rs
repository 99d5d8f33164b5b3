//! Xieshang (协商): the working platform of a local political consultative committee.
//!
//! One folder per business area; `app` is the small shared core (configuration, database,
//! sessions, authorization, audit log, errors and the page shell).
pub mod activities;
pub mod app;
pub mod consultations;
pub mod demands;
pub mod demo;
pub mod evaluation;
pub mod exchange;
pub mod liaison;
pub mod opinions;
pub mod org;
pub mod projects;
pub mod proposals;
pub mod research;
pub mod stats;
pub mod studios;
pub mod tracking;
pub mod visits;
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
