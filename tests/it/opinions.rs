//! Integration tests of public-opinion reports (filled in by the area).
