//! 履职评价: members' duty records scored under the committee's own rulebook, explainable line by
//! line down to the records, with inactive members found with their evidence.
pub mod rules;
