//! The online deliberation in the database: opinions, statements and votes (one per person per
//! statement), and the vote matrix the consensus is computed from.
