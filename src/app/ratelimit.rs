//! A per-node, per-client limit on public forms (login, first-run setup, citizens' forms). Guessing one
//! account's password is stopped by the lockout, which lives in the database; this limit stops
//! one address from trying many accounts. Each node counts for itself, which is enough to
//! make spraying slow; it needs no shared state.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::app::web::RequestInfo;

/// Paths whose POSTs are limited; every public citizen form lives under `/c/`.
const LIMITED: [&str; 3] = ["/login", "/setup", "/api/v1/auth/login"];

fn limited(path: &str) -> bool {
    LIMITED.contains(&path) || path.starts_with("/c/")
}

/// A deliberation asks for a vote on each of its thirty-odd statements: votes are counted apart
/// from the other public forms, with this many for each form post allowed.
pub const VOTES_PER_FORM: u32 = 10;

fn is_vote(path: &str) -> bool {
    path.starts_with("/c/") && path.ends_with("/deliberation/votes")
}

/// A fixed-window counter per client address.
pub struct RateLimiter {
    per_window: u32,
    window: Duration,
    hits: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(per_window: u32, window: Duration) -> Self {
        RateLimiter { per_window, window, hits: Mutex::new(HashMap::new()) }
    }

    /// Counts one request from `client` at `now`; false once the window's allowance is spent.
    pub fn allow(&self, client: &str, now: Instant) -> bool {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        // Forget finished windows now and then so the map cannot grow without bound.
        if hits.len() > 10_000 {
            hits.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = hits.entry(client.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_window
    }
}

pub async fn limit_public_forms(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == Method::POST && limited(req.uri().path()) {
        let client = req.extensions().get::<RequestInfo>().map(|i| i.ip.clone()).unwrap_or_default();
        let limiter = if is_vote(req.uri().path()) { &state.vote_limiter } else { &state.limiter };
        if !limiter.allow(&client, Instant::now()) {
            tracing::warn!(%client, path = %req.uri().path(), "rate limit reached");
            return StatusCode::TOO_MANY_REQUESTS.into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_are_counted_apart_from_the_other_public_forms() {
        assert!(is_vote("/c/yuetang/consultations/43/deliberation/votes"));
        assert!(!is_vote("/c/yuetang/consultations/43/deliberation/posts"));
        assert!(!is_vote("/consultations/43/deliberation/votes"), "members' votes are not public forms");
        assert!(limited("/c/yuetang/consultations/suggest") && !limited("/consultations"));
    }

    #[test]
    fn a_window_allows_its_quota_per_client() {
        let l = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!((0..3).all(|_| l.allow("1.2.3.4", t0)));
        assert!(!l.allow("1.2.3.4", t0 + Duration::from_secs(59)));
        assert!(l.allow("5.6.7.8", t0), "other clients are not affected");
        assert!(l.allow("1.2.3.4", t0 + Duration::from_secs(60)), "a new window starts");
    }
}
