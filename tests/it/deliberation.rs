//! Integration tests of the online deliberation (filled in by the deliberation part).
