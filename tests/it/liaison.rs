//! Integration tests of this area (filled in by the area).
