//! Integration tests of consultations.
