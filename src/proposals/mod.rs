//! Proposals (提案): from the member's draft through review, filing, assignment to units, their
//! replies and the proposers' ratings to 办结, with the formal documents.
pub mod documents;
pub mod model;
pub mod similar;
pub mod store;
