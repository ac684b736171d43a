//! Connections: one client per CLI invocation, an r2d2 pool for in-process concurrency,
//! session settings (application name, timeouts) and URL redaction.

pub mod local;
pub mod migrate;
pub mod tcp;
pub mod tls;
pub mod typed;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::{Client, Config, SimpleQueryMessage};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};

// `latest_version!()`: the newest embedded migration's version, a literal (build.rs)
include!(concat!(env!("OUT_DIR"), "/schema_macros.rs"));
/// The settings query of [`TX_SETTINGS`]: `checked` adds the schema's columns after the
/// clock (read from one sub-select of the history table: how many of this binary's
/// migrations are applied, and whether every newer one is compatible), `unchecked` does
/// not; `$extra` columns come last. Spelled for a fresh backend, where planning it is most of its
/// cost: the timeouts as three `CASE`s (0.10 ms, against 0.24 ms for a `VALUES` list
/// filtered and counted) and the history table read once (0.36 ms, against 0.44 ms for
/// two scalar sub-selects; `EXPLAIN ANALYZE` on new connections, mean of 80).
macro_rules! settings_query {
    (checked, $extra:literal) => {
        concat!(
            settings_query!(@ ", s.n, s.c"),
            $extra,
            " FROM (SELECT count(*) FILTER (WHERE version <= ",
            latest_version!(),
            ") AS n, coalesce(bool_and(compatible) FILTER (WHERE version > ",
            latest_version!(),
            "), true) AS c FROM lobu_migrations) s"
        )
    };
    (unchecked, $extra:literal) => {
        concat!(settings_query!(@ ""), $extra)
    };
    (@ $schema:literal) => {
        concat!(
            "BEGIN; SELECT ARRAY[",
            settings_query!(# "lock_timeout", "5s"),
            ", ",
            settings_query!(# "statement_timeout", "60s"),
            ", ",
            settings_query!(# "idle_in_transaction_session_timeout", "60s"),
            "], (extract(epoch FROM now()) * 1000000)::bigint, now() = statement_timestamp()",
            $schema
        )
    };
    (# $name:literal, $value:literal) => {
        concat!(
            "CASE WHEN current_setting('", $name, "') = '0' THEN set_config('", $name,
            "', '", $value, "', true) END"
        )
    };
}

/// Run first in every transaction, in one round trip: this tool's lock timeout (5 s: a row
/// held by someone else fails fast), statement timeout (60 s) and idle-in-transaction
/// timeout (60 s: a client whose path went dark mid-transaction does not hold its row locks
/// on the server for the kernel's 15 minutes), transaction-local
/// (`set_config(.., true)`, i.e. `SET LOCAL`), so that nothing leaks into another client's
/// session behind a transaction pooler, and only where the role, the database or the URL's
/// `options` set none; the database's clock (`now()`, the transaction's start, in
/// microseconds since the epoch), which is the one clock of every decision (SPEC 13); and
/// the schema's version and number of migrations, so that no transaction of this binary
/// works on a schema that is behind or ahead of it (exit 7), at no round trip of its own.
/// A constant simple query: no named statement.
const TX_SETTINGS: Settings = Settings::checked(settings_query!(checked, ""));
/// [`TX_SETTINGS`] for [`in_tx_by_key`]: also `enable_seqscan = off` for the transaction,
/// and `jit = off`: a disabled scan's cost (10^10) would otherwise push any plan that
/// still needs one over `jit_above_cost`, and compiling it takes longer (~0.4 s) than the
/// key look-ups it would speed up.
const TX_SETTINGS_BY_KEY: Settings = Settings::checked(settings_query!(
    checked,
    ", set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
));
/// [`TX_SETTINGS`] without the schema check, for `migrate` and `migrate status`.
const TX_SETTINGS_UNCHECKED: Settings = Settings {
    sql: settings_query!(unchecked, ""),
    checked: false,
};

/// A transaction's first statement, and whether it returns the schema's columns.
#[derive(Clone, Copy)]
struct Settings {
    sql: &'static str,
    checked: bool,
}

impl Settings {
    const fn checked(sql: &'static str) -> Self {
        Self { sql, checked: true }
    }
}
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

    /// Parses the URL into a driver configuration (application name, connect timeout,
    /// keepalives and `tcp_user_timeout` unless the URL sets them, see [`tcp`]) and the TLS connector that its `ssl*` keys ask for. No
    /// startup parameter beyond what poolers accept is added: the session settings are
    /// applied per transaction by [`in_tx`].
    ///
    /// # Errors
    /// `invalid_input` when the URL does not parse or its TLS files are unusable.
    pub fn config(&self) -> Result<(Config, MakeRustlsConnect)> {
        let (rest, tls, tcp) = tls::split(&self.0)
            .map_err(|e| Error::invalid(format!("invalid database URL {self}: {e}")))?;
        let mut config: Config = rest.parse().map_err(|_| {
            Error::invalid(format!("invalid database URL {self}: cannot be parsed"))
        })?;
        if config.get_application_name().is_none() {
            config.application_name("lobu-admin");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        tcp.apply(&mut config);
        let (mode, connector) = tls.connector()?;
        config.ssl_mode(mode);
        Ok((config, connector))
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
    let (config, tls) = url.config()?;
    config.connect(tls).map_err(|e| unreachable_error(url, &e))
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
    if let Some(cause) = tls::tls_cause(e) {
        let what = match cause {
            rustls::Error::InvalidCertificate(_) => {
                "the server's TLS certificate failed verification"
            }
            _ => "the TLS handshake failed",
        };
        return Error::Tls(format!("cannot connect to {url}: {what}: {cause}"));
    }
    let mut reason = e.to_string();
    if let Some(source) = std::error::Error::source(e) {
        reason = format!("{reason}: {source}");
    }
    if reason.contains("does not allow writes") {
        return Error::ReadOnly(format!(
            "cannot connect to {url}: no server in the list accepts writes"
        ));
    }
    Error::DatabaseUnreachable(format!("cannot connect to {url}: {}", redact(&reason)))
}

/// An r2d2 pool of clients, for in-process concurrency (benchmarks, tests, long loops).
pub type Pool = r2d2::Pool<r2d2_postgres::PostgresConnectionManager<MakeRustlsConnect>>;

/// Builds a pool of at most `max_size` connections that opens them lazily.
///
/// # Errors
/// `invalid_input` for a bad URL, `database_unreachable` when the first connection fails.
pub fn pool(url: &DatabaseUrl, max_size: u32) -> Result<Pool> {
    let (config, tls) = url.config()?;
    let manager = r2d2_postgres::PostgresConnectionManager::new(config, tls);
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

/// Runs `f` in one transaction with this tool's lock and statement timeouts, committing on
/// success and rolling back on error. Every statement the CLI sends runs in one, so that
/// the timeouts bound it and named statements never outlive it (transaction poolers).
/// `BEGIN`, the settings, the clock and the schema check share one
/// round trip, so a transaction costs its statements plus one round trip for them and one
/// for `COMMIT`. `f` gets the client inside the transaction; opening another `in_tx` there
/// is refused (`internal`) and rolls the outer one back.
///
/// `f` gets the database's clock: `now()` of this transaction, read in the same round trip
/// as the settings. Every library function that takes a `now` argument makes its time-based
/// decisions and writes its timestamps with that value only, so passing this one makes
/// hosts with skewed clocks agree; pass another only to simulate a clock (`dispatch --now`).
///
/// # Errors
/// `schema_mismatch` when the schema is behind or ahead of this binary; whatever `f`
/// returns; or the commit's failure.
pub fn in_tx<T>(
    client: &mut Client,
    f: impl FnOnce(&mut Client, DateTime<Utc>) -> Result<T>,
) -> Result<T> {
    run_tx(client, f, Commit::Yes, TX_SETTINGS).map(|(value, _)| value)
}

/// As [`in_tx`] for transactions whose every access is meant to be by key (a dispatch
/// tick, `watchers list`, `runs list`, a prune batch): they plan with `enable_seqscan =
/// off`, so that statistics gathered when the runs table was tiny (or empty, or before
/// millions of rows of history arrived) can never turn a per-watcher index look-up into a
/// scan of the table. A scan is still used where no index serves, at no extra round trip.
///
/// # Errors
/// As [`in_tx`].
pub fn in_tx_by_key<T>(
    client: &mut Client,
    f: impl FnOnce(&mut Client, DateTime<Utc>) -> Result<T>,
) -> Result<(T, DateTime<Utc>)> {
    run_tx(client, f, Commit::Yes, TX_SETTINGS_BY_KEY)
}

/// As [`in_tx`], and also returns the transaction's clock (for rendering relative times).
///
/// # Errors
/// As [`in_tx`].
pub fn in_tx_at<T>(
    client: &mut Client,
    f: impl FnOnce(&mut Client, DateTime<Utc>) -> Result<T>,
) -> Result<(T, DateTime<Utc>)> {
    run_tx(client, f, Commit::Yes, TX_SETTINGS)
}

/// As [`in_tx`], on a schema that may be behind or ahead of this binary (`migrate`,
/// `migrate status`, the embedded database's check before it migrates itself).
///
/// # Errors
/// As [`in_tx`].
pub fn in_tx_unchecked<T>(
    client: &mut Client,
    f: impl FnOnce(&mut Client, DateTime<Utc>) -> Result<T>,
) -> Result<T> {
    run_tx(client, f, Commit::Yes, TX_SETTINGS_UNCHECKED).map(|(value, _)| value)
}

/// As [`in_tx`], but always rolls back: what `f` did is seen by `f` only (dry runs).
///
/// # Errors
/// Whatever `f` returns.
pub fn rolled_back<T>(
    client: &mut Client,
    f: impl FnOnce(&mut Client, DateTime<Utc>) -> Result<T>,
) -> Result<T> {
    run_tx(client, f, Commit::No, TX_SETTINGS).map(|(value, _)| value)
}

/// Which clock a time-based operation runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The database's `now()`, read in the operation's own transaction (SPEC 13).
    #[default]
    Database,
    /// A simulated clock (`dispatch --now T`).
    At(DateTime<Utc>),
}

impl Clock {
    /// The time to use, given the transaction's database clock.
    #[must_use]
    pub fn at(self, database: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Self::Database => database,
            Self::At(t) => t,
        }
    }
}

/// The database's clock, in a transaction of its own (for callers outside [`in_tx`]).
///
/// # Errors
/// Database failures.
pub fn clock(client: &mut Client) -> Result<DateTime<Utc>> {
    in_tx(client, |_, now| Ok(now))
}

#[derive(PartialEq, Eq)]
enum Commit {
    Yes,
    No,
}

fn run_tx<T>(
    client: &mut Client,
    f: impl FnOnce(&mut Client, DateTime<Utc>) -> Result<T>,
    commit: Commit,
    settings: Settings,
) -> Result<(T, DateTime<Utc>)> {
    let mut open = Open { client, open: true };
    let now = settings_and_clock(open.client, settings)?;
    let value = f(open.client, now)?;
    open.open = false;
    open.client.batch_execute(if commit == Commit::Yes {
        "COMMIT"
    } else {
        "ROLLBACK"
    })?;
    Ok((value, now))
}

/// A transaction that `BEGIN` opened in the settings query's round trip (the driver's own
/// `Transaction` sends `BEGIN` as a round trip of its own); rolled back when dropped open
/// (an error, or a panic in `f`).
struct Open<'a> {
    client: &'a mut Client,
    open: bool,
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if self.open {
            // a broken connection has nothing to roll back; the error it gave is reported
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

/// Sends the settings query, refuses a schema that does not match this binary (when the
/// query checks it), and parses the clock it returns.
fn settings_and_clock(client: &mut Client, settings: Settings) -> Result<DateTime<Utc>> {
    let checked = settings.checked;
    let messages = match client.simple_query(settings.sql) {
        Ok(m) => m,
        // no history table: nothing is migrated yet
        Err(e) if checked && e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => {
            return Err(migrate::SchemaState::of(0, true)
                .require_current()
                .err()
                .unwrap_or_else(|| e.into()));
        }
        Err(e) => return Err(e.into()),
    };
    let row = messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => Some(row),
        _ => None,
    });
    let int = |i: usize| {
        row.and_then(|r| r.get(i))
            .and_then(|v| v.parse::<i64>().ok())
    };
    // the transaction began with this query (else `BEGIN` was a no-op inside one that the
    // caller had left open, and our `COMMIT` would end theirs)
    if row.and_then(|r| r.get(2)) != Some("t") {
        return Err(Error::Internal(
            "a transaction was opened inside another one on the same connection".into(),
        ));
    }
    if checked {
        let newer_compatible = row.and_then(|r| r.get(4)) != Some("f");
        migrate::SchemaState::of(int(3).unwrap_or(0), newer_compatible).require_current()?;
    }
    int(1)
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| Error::Internal("the database did not return its clock".into()))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[track_caller]
    fn case(input: &str, expected: &str) {
        assert_eq!(redact(input), expected, "redact({input:?})");
    }

    #[test]
    fn the_settings_query_reads_the_history_table_by_its_name() {
        let table = super::migrate::HISTORY_TABLE;
        for settings in [super::TX_SETTINGS, super::TX_SETTINGS_BY_KEY] {
            assert_eq!(settings.sql.matches(table).count(), 1, "{}", settings.sql);
        }
        assert!(!super::TX_SETTINGS_UNCHECKED.sql.contains(table));
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
