//! Runtime configuration: sensible defaults, overridden by flags or `XIESHANG_*` / `DATABASE_URL`.
use std::net::SocketAddr;
use std::time::Duration;

/// Default SQLite location, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/xieshang.db?mode=rwc";

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    /// A browser session ends after this long without a request.
    pub idle_timeout: Duration,
    /// Lifetime of an API bearer token.
    pub token_ttl: Duration,
    /// Force the `Secure` cookie flag even without `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    /// POSTs to the login and setup forms one client address may make per minute on one node.
    pub login_attempts_per_minute: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: ([127, 0, 0, 1], 8080).into(),
            database_url: DEFAULT_DATABASE_URL.to_string(),
            idle_timeout: Duration::from_secs(30 * 60),
            token_ttl: Duration::from_secs(24 * 3600),
            secure_cookies: false,
            trust_proxy: false,
            login_attempts_per_minute: 30,
        }
    }
}
