//! Connections: one client per CLI invocation (libpq's settings, see [`config`]), an r2d2
//! pool for in-process concurrency, and the session settings (timeouts, clock, schema check)
//! every transaction starts with.

pub mod client;
pub mod config;
pub mod flight;
pub mod local;
pub mod migrate;
pub mod tcp;
pub mod tls;
pub mod typed;

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::SimpleQueryMessage;
use tokio_postgres::Config;

use crate::error::{Error, Result};

// `latest_version!()`: the newest embedded migration's version, a literal (build.rs)
include!(concat!(env!("OUT_DIR"), "/schema_macros.rs"));
/// The schema check as a sub-select `s`: `s.n`, how many of this binary's migrations are
/// applied, and `s.c`, whether every newer one is compatible (SPEC 19); the history table's
/// own rows (`ONLY`: not a child table's), as the serving marks (V13) are derived.
macro_rules! schema_check {
    () => {
        concat!(
            "(SELECT count(*) FILTER (WHERE version BETWEEN 1 AND ",
            latest_version!(),
            ") AS n, coalesce(bool_and(compatible) FILTER (WHERE version > ",
            latest_version!(),
            "), true) AS c FROM ONLY lobu_migrations) s"
        )
    };
}
/// [`schema_check`] on its own, for [`migrate::state`].
pub(crate) const SCHEMA_CHECK: &str = concat!("SELECT s.n, s.c FROM ", schema_check!());
/// The settings query of [`TX_SETTINGS`]: `checked` adds the schema's columns after the
/// clock (read from one sub-select of the history table: how many of this binary's
/// migrations are applied, and whether every newer one is compatible), `unchecked` does
/// not; `$extra` columns come last. Spelled for a fresh backend, where planning it is most of its
/// cost: the timeouts as three `CASE`s (0.10 ms, against 0.24 ms for a `VALUES` list
/// filtered and counted) and the history table read once (0.36 ms, against 0.44 ms for
/// two scalar sub-selects; `EXPLAIN ANALYZE` on new connections, mean of 80).
macro_rules! settings_query {
    (checked, $($extra:tt)*) => {
        concat!(
            settings_query!(@),
            "; SELECT s.n, s.c",
            $($extra)*,
            " FROM ",
            schema_check!()
        )
    };
    // the schema by this binary's serving mark (migration V13): the function
    // `lobu_serves_<newest version>(lobu_migrations)` of the history table that
    // search_path finds exists only while every migration up to this binary's newest is
    // applied there and every later one is compatible, so calling it checks the schema by
    // a look-up (STRICT: the call on NULL is folded away when planned, never run), at no
    // read of the history table; without it the statement fails (nothing after it runs)
    // and `flight` checks the history table
    (flight) => {
        concat!(
            settings_query!(nested),
            "; SELECT lobu_serves_",
            latest_version!(),
            "(NULL::lobu_migrations), ",
            settings_query!(by_key)
        )
    };
    // the history table's check, for a database without the mark
    (flight_checked) => {
        concat!(
            settings_query!(nested),
            "; SELECT s.n, s.c, CASE WHEN s.n < ",
            migrations_count!(),
            " OR NOT s.c THEN concat('lobu-abort:schema:', s.n, ':', s.c)::int END, ",
            settings_query!(by_key),
            " FROM ",
            schema_check!()
        )
    };
    // for statements that reach their rows by key (see `TX_SETTINGS_BY_KEY`)
    (by_key) => {
        "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
    };
    // a flight's first `SELECT`: `BEGIN` was a no-op inside a transaction the caller left
    // open, fail it, so that the flight's `COMMIT` rolls the caller's work back instead of
    // ending it; before the schema's check, whose failure must not hide this one (the `=`
    // of the clock's column, looked up once; `concat` is not folded when planned)
    (nested) => {
        concat!(
            settings_query!(@),
            ", CASE WHEN NOT now() = statement_timestamp() ",
            "THEN concat('lobu-abort:nested:', 0)::int END"
        )
    };
    (unchecked, $extra:literal) => {
        concat!(settings_query!(@), $extra)
    };
    // the first SELECT sets the timeouts before the second one (the schema check) is
    // planned: planning takes its lock on the history table, which must wait no longer
    // than the lock timeout either
    (@) => {
        concat!(
            "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT ARRAY[",
            settings_query!(# "lock_timeout", "5s"),
            ", ",
            settings_query!(# "statement_timeout", "60s"),
            ", ",
            settings_query!(# "idle_in_transaction_session_timeout", "60s"),
            ", ",
            // PostgreSQL 14+ on Linux only (13 has no such setting, and a platform that
            // cannot see a closed socket refuses any value but 0)
            "CASE WHEN current_setting('client_connection_check_interval', true) = '0' ",
            "AND version() LIKE '%linux%' ",
            "THEN set_config('client_connection_check_interval', '1s', true) END, ",
            // the clock in ISO text (the row is printed after this is set): 0.2M
            // instructions on a fresh backend, against 1.0M for `extract(epoch ..)`'s
            // numeric arithmetic (callgrind, PostgreSQL 15)
            "set_config('DateStyle', 'ISO', true)",
            "], now(), now() = statement_timestamp()"
        )
    };
    (# $name:literal, $value:literal) => {
        concat!(
            "CASE WHEN current_setting('", $name, "') = '0' THEN set_config('", $name,
            "', '", $value, "', true) END"
        )
    };
}

/// The columns of the settings query's rows, in order: its first `SELECT` (the timeouts,
/// with `DateStyle` among them, the clock, whether `BEGIN` opened the transaction)
/// and, when it checks the schema, its second (the schema's columns, then the extra ones).
pub(crate) fn settings_columns(messages: &[SimpleQueryMessage]) -> Vec<Option<&str>> {
    messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(row),
            _ => None,
        })
        .flat_map(|row| (0..row.len()).map(move |i| row.get(i)))
        .collect()
}

/// The first `SELECT`'s columns in [`settings_columns`]: the schema's come after them.
const SCHEMA_COLUMN: usize = 3;

/// The clock of the settings query's columns, after the check that `BEGIN` opened the
/// transaction (else it was a no-op inside one the caller had left open, and our `COMMIT`
/// would end theirs).
///
/// # Errors
/// `internal` for a transaction left open, or no clock.
pub(crate) fn clock_of(columns: &[Option<&str>]) -> Result<DateTime<Utc>> {
    if columns.get(2).copied().flatten() != Some("t") {
        return Err(flight::nested());
    }
    columns
        .get(1)
        .copied()
        .flatten()
        .and_then(parse_clock)
        .ok_or_else(|| Error::Internal("the database did not return its clock".into()))
}

/// `now()` as the settings query prints it: ISO (`DateStyle` is set for the transaction)
/// in the session's time zone, whose offset is hours, and minutes and seconds when they are
/// not zero (`+00`, `+05:30`, `+05:30:36` for `TimeZone = 5.51`).
fn parse_clock(text: &str) -> Option<DateTime<Utc>> {
    // the offset's sign comes after the time (the date's dashes come before it)
    let at = text.rfind(['+', '-']).filter(|&i| i > 10)?;
    let (local, offset) = text.split_at(at);
    let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M:%S%.f").ok()?;
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let mut seconds = 0;
    let mut parts = 0;
    for (part, unit) in offset[1..].split(':').zip([3600, 60, 1]) {
        if part.len() != 2 {
            return None;
        }
        seconds += part.parse::<i32>().ok()? * unit;
        parts += 1;
    }
    if parts != offset[1..].split(':').count() {
        return None;
    }
    let offset = chrono::FixedOffset::east_opt(sign * seconds)?;
    local
        .and_local_timezone(offset)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Run first in every transaction, in one round trip: this tool's lock timeout (5 s: a row
/// held by someone else fails fast), statement timeout (60 s) and idle-in-transaction
/// timeout (60 s: a client whose path went dark mid-transaction does not hold its row locks
/// on the server for the kernel's 15 minutes), transaction-local
/// (`set_config(.., true)`, i.e. `SET LOCAL`), so that nothing leaks into another client's
/// session behind a transaction pooler, and only where the role, the database or the URL's
/// `options` set none; the database's clock (`now()`, the transaction's start, printed in
/// ISO under a transaction-local `DateStyle`), which is the one clock of every decision
/// (SPEC 13); and
/// the schema's version and number of migrations, so that no transaction of this binary
/// works on a schema that is behind or ahead of it (exit 7), at no round trip of its own.
/// A constant simple query: no named statement.
const TX_SETTINGS: Settings = Settings::checked(settings_query!(checked, ""));
/// [`TX_SETTINGS`] for [`in_tx_by_key`]: also `enable_seqscan = off` for the transaction,
/// and `jit = off`: a disabled scan's cost (10^10) would otherwise push any plan that
/// still needs one over `jit_above_cost`, and compiling it takes longer (~0.4 s) than the
/// key look-ups it would speed up.
const TX_SETTINGS_BY_KEY: Settings =
    Settings::checked(settings_query!(checked, ", ", settings_query!(by_key)));
/// [`TX_SETTINGS_BY_KEY`] for a [`flight`] (one-shot commands reach their rows by key): the
/// schema check names this binary's serving mark, and fails without it, so that the
/// statements sent after it in the same flight fail (nothing written).
pub(crate) const FLIGHT_SETTINGS: &str = settings_query!(flight);
/// [`FLIGHT_SETTINGS`] that reads the history table instead of the mark, for a database
/// without the mark: the check raises an error when the schema does not match.
pub(crate) const FLIGHT_SETTINGS_CHECKED: &str = settings_query!(flight_checked);
/// The serving mark [`FLIGHT_SETTINGS`] calls (a function of the history table's row).
pub(crate) const SERVING_MARK: &str = concat!("lobu_serves_", latest_version!());
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
pub use client::{Client, GenericClient, Transaction};
pub use config::{ConnInfo, Env, CONNECT_TIMEOUT};
pub use flight::{flight, Landed};

/// A connection string as the user gave it (a URL or key=value pairs). Its `Debug` and
/// `Display` never show it: they name the connection it stands for, as parsed, by database,
/// user and hosts (see [`ConnInfo`]).
#[derive(Clone)]
pub struct DatabaseUrl {
    conn: String,
    hermetic: bool,
}

impl DatabaseUrl {
    /// A connection string completed as libpq completes it, from the service file, the
    /// process's `PG*` variables and the password file.
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            conn: url.into(),
            hermetic: false,
        }
    }

    /// A connection string used exactly as given, with no environment, service or password
    /// file (the embedded database's, which must not pick up an operator's `PGSSLMODE`).
    #[must_use]
    pub fn exact(url: impl Into<String>) -> Self {
        Self {
            conn: url.into(),
            hermetic: true,
        }
    }

    /// The string, for whoever needs it verbatim (never for a message).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.conn
    }

    /// The settings the string stands for, completed from the environment and the files.
    ///
    /// # Errors
    /// `invalid_input` when the string, a service file or a value is invalid (the message
    /// names the key and where it came from, never a value).
    pub fn resolve(&self) -> Result<ConnInfo> {
        let env = if self.hermetic {
            Env::none()
        } else {
            Env::process()?
        };
        ConnInfo::from_string(&self.conn, &env)
    }

    /// One driver configuration naming every host (application name, connect timeout,
    /// keepalives and `tcp_user_timeout` unless the string sets them, see [`tcp`]), for
    /// looking at the hosts and ports; connections are opened by [`connect`]. No startup
    /// parameter beyond what poolers accept is added: the session settings are applied
    /// per transaction by [`in_tx`].
    ///
    /// # Errors
    /// As [`DatabaseUrl::resolve`].
    pub fn config(&self) -> Result<Config> {
        self.resolve()?.config()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.resolve() {
            Ok(info) => write!(f, "{info}"),
            Err(_) => f.write_str("an invalid connection string"),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Opens exactly one connection (what a CLI invocation uses): each host in turn, as libpq.
///
/// # Errors
/// `invalid_input` for a bad connection string; `database_unreachable` (exit 6) when no
/// host can be reached, naming the connection by database, user and hosts only.
pub fn connect(url: &DatabaseUrl) -> Result<Client> {
    connect_to(&url.resolve()?)
}

/// [`connect`] on settings already resolved.
///
/// # Errors
/// As [`connect`].
pub fn connect_to(info: &ConnInfo) -> Result<Client> {
    let (attempts, tls) = info.attempts().map_err(|e| scrubbed(info, e))?;
    let mut failures = Vec::new();
    for (target, config) in attempts {
        match Client::connect(client::runtime()?, &config, tls.clone()) {
            Ok(client) => return Ok(client),
            // a signal ended the attempt: no other host is tried
            Err(_) if client::interrupted() => return Err(Error::Interrupted),
            Err(e) => failures.push((target, e)),
        }
    }
    Err(scrubbed(info, unreachable_error(info, &failures)))
}

/// `e` with every secret of `info` taken out of its message ([`ConnInfo::scrub`]).
fn scrubbed(info: &ConnInfo, e: Error) -> Error {
    match e {
        Error::InvalidInput(m) => Error::InvalidInput(info.scrub(&m)),
        Error::DatabaseUnreachable(m) => Error::DatabaseUnreachable(info.scrub(&m)),
        Error::Tls(m) => Error::Tls(info.scrub(&m)),
        Error::ReadOnly(m) => Error::ReadOnly(info.scrub(&m)),
        e => e,
    }
}

/// Why one host failed, in words of our own (the driver never saw the user's string, so
/// its messages cannot contain it), and what kind of failure it was.
fn reason(info: &ConnInfo, target: usize, e: &postgres::Error) -> (Error, String) {
    let unreachable = |m: String| (Error::DatabaseUnreachable(String::new()), m);
    if let Some(db) = e.as_db_error() {
        let mut message = db.message().to_string();
        // 28P01: the password was wrong; say where it came from, as libpq does
        if db.code().code() == "28P01" {
            if let Some(source) = info.password_source(target) {
                message = format!("{message} (the password came from {source})");
            }
        }
        return unreachable(message);
    }
    if let Some(cause) = tls::tls_cause(e) {
        let what = match cause {
            rustls::Error::InvalidCertificate(_) => {
                "the server's TLS certificate failed verification"
            }
            _ => "the TLS handshake failed",
        };
        return (Error::Tls(String::new()), format!("{what}: {cause}"));
    }
    // the driver's text is its kind ("error connecting to server"); the cause says why
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    if text.contains("does not allow writes") {
        return (
            Error::ReadOnly(String::new()),
            "the server does not accept writes".into(),
        );
    }
    if text.contains("password missing") {
        if let Some(line) = info.empty_password_line(target) {
            return unreachable(format!(
                "the server asks for a password, and {line}, the first that matches this \
                 host, has an empty one (libpq then sends none and reads no further line)"
            ));
        }
        return unreachable(
            "the server asks for a password, and no password was given or found (set \
             PGPASSWORD, or add a line for this host to the password file: ~/.pgpass, \
             PGPASSFILE or passfile=)"
                .into(),
        );
    }
    unreachable(text)
}

/// The error for a connection that no host accepted: one clause per host, and the kind of
/// the most telling failure (TLS verification, then authentication and the rest, then a
/// read-only server: exit 6 in every case).
fn unreachable_error(info: &ConnInfo, failures: &[(usize, postgres::Error)]) -> Error {
    let reasons: Vec<(Error, String)> = failures.iter().map(|(t, e)| reason(info, *t, e)).collect();
    let text = match failures {
        [(_, _)] => reasons[0].1.clone(),
        _ => failures
            .iter()
            .zip(&reasons)
            .map(|((t, _), (_, r))| format!("{}: {r}", info.targets()[*t]))
            .collect::<Vec<_>>()
            .join("; "),
    };
    if reasons.iter().all(|(k, _)| matches!(k, Error::ReadOnly(_))) && !reasons.is_empty() {
        return Error::ReadOnly(format!(
            "cannot connect to {info}: no server in the list accepts writes"
        ));
    }
    let message = format!("cannot connect to {info}: {text}");
    if reasons.iter().any(|(k, _)| matches!(k, Error::Tls(_))) {
        Error::Tls(message)
    } else {
        Error::DatabaseUnreachable(message)
    }
}

/// An r2d2 pool of clients, for in-process concurrency (benchmarks, tests, long loops).
pub type Pool = r2d2::Pool<Manager>;

/// Opens the pool's connections as [`connect`] does (each host in turn, each with its own
/// password).
#[derive(Debug)]
pub struct Manager {
    info: ConnInfo,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Client;
    type Error = Error;

    fn connect(&self) -> Result<Client> {
        connect_to(&self.info)
    }

    fn is_valid(&self, client: &mut Client) -> Result<()> {
        client.simple_query("")?;
        Ok(())
    }

    fn has_broken(&self, client: &mut Client) -> bool {
        client.is_closed()
    }
}

/// Builds a pool of at most `max_size` connections that opens them lazily.
///
/// # Errors
/// `invalid_input` for a bad URL, `database_unreachable` when the first connection fails.
pub fn pool(url: &DatabaseUrl, max_size: u32) -> Result<Pool> {
    let info = url.resolve()?;
    // the first connection says what is wrong, in connect's words
    drop(connect_to(&info)?);
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(30))
        .build(Manager { info })
        .map_err(|e| Error::DatabaseUnreachable(format!("cannot open a connection pool: {e}")))
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
/// `DateStyle` is `ISO` for the transaction (the clock is read as text): dates that `f`'s
/// statements print as text are ISO, whatever the session's style.
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
    if client.cancel_requested() {
        return Err(Error::Interrupted);
    }
    let mut open = Open { client, open: true };
    let now = settings_and_clock(open.client, settings)?;
    let value = f(open.client, now)?;
    // a signal asked to cancel: what `f` did is rolled back (`Open`'s drop)
    if open.client.cancel_requested() {
        return Err(Error::Interrupted);
    }
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
    let columns = settings_columns(&messages);
    let now = clock_of(&columns)?;
    if checked {
        let column = |i: usize| columns.get(SCHEMA_COLUMN + i).copied().flatten();
        let applied = column(0).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        migrate::SchemaState::of(applied, column(1) != Some("f")).require_current()?;
    }
    Ok(now)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_clock_is_read_in_any_session_time_zone() {
        let at = |s: &str| super::parse_clock(s).map(|t| t.to_rfc3339());
        let utc = Some("2026-12-04T06:41:29.763412+00:00".to_string());
        assert_eq!(at("2026-12-04 06:41:29.763412+00"), utc);
        assert_eq!(at("2026-12-04 12:11:29.763412+05:30"), utc);
        assert_eq!(at("2026-12-04 03:41:29.763412-03"), utc);
        assert_eq!(
            at("2026-12-04 06:41:29+00"),
            Some("2026-12-04T06:41:29+00:00".to_string())
        );
        // `TimeZone = 5.51`: +05:30:36
        assert_eq!(
            at("2026-12-04 12:12:05.763412+05:30:36"),
            Some("2026-12-04T06:41:29.763412+00:00".to_string())
        );
        assert_eq!(at("1796458889763412"), None);
        assert_eq!(at("2026-12-04 06:41:29+5"), None);
        assert_eq!(at("2026-12-04 06:41:29+05:30:36:01"), None);
        assert_eq!(at("infinity"), None);
        // `timezone = '0.891111'` or `INTERVAL '00:53:28'`
        assert_eq!(at("2026-12-04 07:35:17.763412+00:53:48"), utc);
    }

    #[test]
    fn the_settings_query_reads_the_history_table_by_its_name() {
        let table = super::migrate::HISTORY_TABLE;
        for settings in [super::TX_SETTINGS, super::TX_SETTINGS_BY_KEY] {
            assert_eq!(settings.sql.matches(table).count(), 1, "{}", settings.sql);
        }
        assert!(!super::TX_SETTINGS_UNCHECKED.sql.contains(table));
    }
}
