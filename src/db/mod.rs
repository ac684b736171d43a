//! Connections: one client per CLI invocation, an r2d2 pool for in-process concurrency,
//! session settings (application name, timeouts) and URL redaction.

pub mod local;
pub mod migrate;

use std::fmt;
use std::time::Duration;

use postgres::{Client, Config, NoTls, Transaction};

use crate::error::{Error, Result};

/// Default `lock_timeout` of every session: a row held by someone else fails fast.
pub const LOCK_TIMEOUT: &str = "5s";
/// Default `statement_timeout` of every session.
pub const STATEMENT_TIMEOUT: &str = "60s";
/// Default connect timeout, unless the URL sets `connect_timeout`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A database URL (or key=value string) whose `Debug` and `Display` hide the password.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL.
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The secret, for the driver only.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Parses the URL into a driver configuration with this tool's session settings.
    ///
    /// # Errors
    /// `invalid_input` when the URL does not parse.
    pub fn config(&self) -> Result<Config> {
        let mut config: Config = self.0.parse().map_err(|_| {
            Error::invalid(format!("invalid database URL {self}: cannot be parsed"))
        })?;
        if config.get_application_name().is_none() {
            config.application_name("lobu-admin");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let mut options = config.get_options().unwrap_or("").to_string();
        for (key, value) in [
            ("lock_timeout", LOCK_TIMEOUT),
            ("statement_timeout", STATEMENT_TIMEOUT),
        ] {
            if !options.contains(key) {
                options.push_str(&format!(" -c {key}={value}"));
            }
        }
        config.options(options.trim());
        Ok(config)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Hides the password of a `postgres://user:pass@host` URL or a `password=...` pair.
#[must_use]
pub fn redact(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            let userinfo = &rest[..at];
            if let Some(colon) = userinfo.find(':') {
                return format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &rest[at..]
                );
            }
        }
        let mut out = url.to_string();
        if let Some(q) = out.find("password=") {
            let end = out[q..].find('&').map_or(out.len(), |e| q + e);
            out.replace_range(q + 9..end, "***");
        }
        return out;
    }
    url.split_whitespace()
        .map(|pair| {
            if pair.starts_with("password=") {
                "password=***".to_string()
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Opens exactly one connection (what a CLI invocation uses).
///
/// # Errors
/// `database_unreachable` (exit 6) when the server cannot be reached; the message carries
/// the redacted URL only.
pub fn connect(url: &DatabaseUrl) -> Result<Client> {
    url.config()?
        .connect(NoTls)
        .map_err(|e| unreachable_error(url, &e))
}

fn unreachable_error(url: &DatabaseUrl, e: &postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        // 28xxx: authentication; 3D000: database does not exist.
        if code.starts_with("28") || code == "3D000" {
            return Error::DatabaseUnreachable(format!(
                "cannot connect to {url}: {}",
                db.message()
            ));
        }
    }
    let mut reason = e.to_string();
    if let Some(source) = std::error::Error::source(e) {
        reason = format!("{reason}: {source}");
    }
    Error::DatabaseUnreachable(format!("cannot connect to {url}: {}", redact(&reason)))
}

/// An r2d2 pool of clients, for in-process concurrency (benchmarks, tests, long loops).
pub type Pool = r2d2::Pool<r2d2_postgres::PostgresConnectionManager<NoTls>>;

/// Builds a pool of at most `max_size` connections that opens them lazily.
///
/// # Errors
/// `invalid_input` for a bad URL, `database_unreachable` when the first connection fails.
pub fn pool(url: &DatabaseUrl, max_size: u32) -> Result<Pool> {
    let manager = r2d2_postgres::PostgresConnectionManager::new(url.config()?, NoTls);
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(30))
        .build(manager)
        .map_err(|e| Error::DatabaseUnreachable(format!("cannot connect to {url}: {e}")))?;
    drop(
        pool.get()
            .map_err(|e| Error::DatabaseUnreachable(format!("cannot connect to {url}: {e}")))?,
    );
    Ok(pool)
}

/// Runs `f` in one transaction, committing on success and rolling back on error.
///
/// # Errors
/// Whatever `f` returns, or the commit's failure.
pub fn in_tx<T>(
    client: &mut Client,
    f: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let mut tx = client.transaction()?;
    let value = f(&mut tx)?;
    tx.commit()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[track_caller]
    fn case(input: &str, expected: &str) {
        assert_eq!(redact(input), expected, "redact({input:?})");
    }

    #[test]
    fn passwords_are_redacted() {
        case(
            "postgres://bob:s3cret@db:5432/app",
            "postgres://bob:***@db:5432/app",
        );
        case("postgres://bob@db/app", "postgres://bob@db/app");
        case(
            "postgres://db/app?password=s3cret&sslmode=disable",
            "postgres://db/app?password=***&sslmode=disable",
        );
        case(
            "host=db password=s3cret user=bob",
            "host=db password=*** user=bob",
        );
        case("postgresql://a:p@ss@h/d", "postgresql://a:***@h/d");
    }
}
