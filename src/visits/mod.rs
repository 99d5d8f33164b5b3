//! 走访: leaders', members' and staff's visits — whom they met, what they heard, the demands
//! raised — and the leaders' field days counted from them.
pub mod model;
pub mod store;
