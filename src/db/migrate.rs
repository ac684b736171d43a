//! Embedded migrations and the runner that applies them online (SPEC 11 and 19).
//!
//! refinery embeds `migrations/` (names, versions, checksums); this module runs them,
//! because refinery's runner applies every migration inside a transaction, where `CREATE
//! INDEX CONCURRENTLY` cannot run, and knows nothing of compatibility.
//!
//! - **Marks.** A migration after V8 starts with a line `-- lobu: compatible` or `-- lobu:
//!   incompatible`, plus `online` when it runs statement by statement outside one
//!   transaction. V1 to V8 are released and frozen (their checksums), so their marks live in
//!   [`LEGACY_MARKS`].
//! - **Online.** Each statement of an online migration runs on its own: `CONCURRENTLY`
//!   ones alone (they cannot run in a transaction block), every other one in a transaction
//!   of its own with a short `lock_timeout` ([`LOCK_TIMEOUT`]), retried when the lock is not
//!   granted in time, so that nothing queues behind a DDL for longer than that. Each step is
//!   recorded in `lobu_migration_steps` as it finishes, so an interrupted migration
//!   resumes where it stopped; an index that an interrupted `CONCURRENTLY` build left
//!   invalid is dropped and built again.
//! - **One migrator.** The advisory lock is held by a transaction of a second connection
//!   (a transaction-scoped lock, so a transaction pooler keeps that transaction's server
//!   connection for it, and no session state is left behind), while the first connection
//!   runs the DDL outside any transaction. A migrator that finds the lock taken polls for it
//!   instead of blocking in `pg_advisory_xact_lock`: a blocked call holds a snapshot, which
//!   the running migrator's `CREATE INDEX CONCURRENTLY` waits for, a deadlock that
//!   PostgreSQL cannot see (docs/decisions.md).
//! - **Rolling upgrades.** `lobu_migrations` records every migration with its mark; a
//!   binary serves a schema where every migration it does not know is compatible.
//!   Binaries released before this runner read only refinery's `lobu_schema_history`,
//!   exactly; the runner writes V1 to V8 there, and every incompatible migration, so they
//!   stay served across compatible migrations and refuse the rest (exit 7).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::db::{Client, GenericClient};
use serde::Serialize;

use crate::db::typed::p;
use crate::error::{Error, Result};

mod embedded {
    #![allow(missing_docs)]
    refinery::embed_migrations!("migrations");
}

/// The history table this binary reads: every applied migration and its mark.
pub const HISTORY_TABLE: &str = "lobu_migrations";
/// refinery's history table, which binaries released before the online runner read.
pub const LEGACY_TABLE: &str = "lobu_schema_history";
/// The newest migration that binaries released before the online runner know.
pub const LEGACY_LAST: i32 = 8;
/// Compatibility of the released migrations V1 to V8, whose files cannot carry a mark
/// (their checksums are recorded). Each only added tables, columns, a trigger, a storage
/// parameter or indexes that no binary names, so each is compatible; V8 is compatible but
/// not online (it dropped and re-created indexes inside one transaction).
pub const LEGACY_MARKS: [(i32, bool); 8] = [
    (1, true),
    (2, true),
    (3, true),
    (4, true),
    (5, true),
    (6, true),
    (7, true),
    (8, true),
];
/// How long a DDL statement waits for its lock before it gives up and is retried: what
/// other sessions queue behind it, at most.
pub const LOCK_TIMEOUT: Duration = Duration::from_millis(500);
/// How often a statement is tried before the migration fails (with backoff: about two
/// minutes in all).
const ATTEMPTS: u32 = 60;
/// `pg_try_advisory_xact_lock` key held while migrating, so migrators take turns.
const LOCK_KEY: i64 = 0x6c6f_6275_6d69_6772; // "lobumigr"
/// How often a migrator that waits for another one asks for the lock again.
const LOCK_POLL: Duration = Duration::from_millis(100);

/// The embedded migrations' newest version and count, written by `build.rs` from the file
/// names (a unit test pins them to refinery's own reading).
mod embedded_schema {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

/// The newest embedded migration version.
#[must_use]
pub const fn latest_version() -> i32 {
    embedded_schema::LATEST_VERSION
}

/// How many migrations this binary embeds.
#[must_use]
pub const fn embedded_count() -> i64 {
    embedded_schema::MIGRATIONS
}

/// One embedded migration with its marks.
#[derive(Debug, Clone)]
pub struct Migration {
    /// Version number (the `V<n>` of the file name).
    pub version: i32,
    /// Name after the version.
    pub name: String,
    /// The SQL.
    pub sql: String,
    /// refinery's checksum of name, version and SQL (recorded when applied).
    pub checksum: u64,
    /// Binaries that do not know it keep working on the schema after it.
    pub compatible: bool,
    /// Runs statement by statement outside a transaction (else in one transaction).
    pub online: bool,
}

impl Migration {
    /// `V<n>__<name>`.
    #[must_use]
    pub fn label(&self) -> String {
        format!("V{}__{}", self.version, self.name)
    }

    /// Its statements, in order, comments left out.
    #[must_use]
    pub fn statements(&self) -> Vec<String> {
        statements(&self.sql)
    }
}

/// Every embedded migration, oldest first, with its marks.
///
/// # Errors
/// `internal` when a migration after V8 lacks its `-- lobu:` mark (a unit test keeps that
/// from being released).
pub fn embedded() -> Result<Vec<Migration>> {
    let mut all: Vec<Migration> = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| {
            let sql = m.sql().unwrap_or_default().to_string();
            let (compatible, online) = marks(m.version(), &sql).ok_or_else(|| {
                Error::Internal(format!(
                    "migration V{}__{} has no `-- lobu: compatible[, online]` or `-- lobu: \
                     incompatible` mark (an incompatible migration runs in one transaction)",
                    m.version(),
                    m.name()
                ))
            })?;
            Ok(Migration {
                version: m.version(),
                name: m.name().to_string(),
                sql,
                checksum: m.checksum(),
                compatible,
                online,
            })
        })
        .collect::<Result<_>>()?;
    all.sort_by_key(|m| m.version);
    Ok(all)
}

/// A migration's marks: (compatible, online), from [`LEGACY_MARKS`] or its first line.
fn marks(version: i32, sql: &str) -> Option<(bool, bool)> {
    if version <= LEGACY_LAST {
        return LEGACY_MARKS
            .iter()
            .find(|(v, _)| *v == version)
            .map(|&(_, compatible)| (compatible, false));
    }
    let words: Vec<&str> = sql
        .lines()
        .next()?
        .strip_prefix("-- lobu:")?
        .split([',', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let compatible = match (
        words.contains(&"compatible"),
        words.contains(&"incompatible"),
    ) {
        (true, false) => true,
        (false, true) => false,
        _ => return None,
    };
    let online = words.contains(&"online");
    // an incompatible migration stops older binaries only once it is recorded: its DDL and
    // that record must commit together, in one transaction
    if online && !compatible {
        return None;
    }
    Some((compatible, online))
}

/// Splits SQL into its statements at the semicolons outside quotes, dollar quotes and
/// comments; comments become a space, and blank statements are dropped.
#[must_use]
pub fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        // the length of what starts here: a comment, a quoted span, or one character
        let (len, comment) = if rest.starts_with("--") {
            (rest.find('\n').unwrap_or(rest.len()), true)
        } else if let Some(body) = rest.strip_prefix("/*") {
            (body.find("*/").map_or(rest.len(), |n| n + 4), true)
        } else if c == '\'' || c == '"' {
            // a quote ends at the next one that is not doubled
            let mut j = 1;
            let len = loop {
                match rest[j..].find(c) {
                    None => break rest.len(),
                    Some(n) if rest[j + n + 1..].starts_with(c) => j += n + 2,
                    Some(n) => break j + n + 1,
                }
            };
            (len, false)
        } else if c == '$' {
            // $tag$ ... $tag$
            let tag = rest[1..]
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .map(|n| n + 1)
                .filter(|&e| rest[e..].starts_with('$'))
                .map(|e| &rest[..=e]);
            let len = tag.map_or(1, |tag| {
                rest[tag.len()..]
                    .find(tag)
                    .map_or(rest.len(), |n| 2 * tag.len() + n)
            });
            (len, false)
        } else {
            (c.len_utf8(), false)
        };
        if comment {
            current.push(' ');
        } else if c == ';' {
            out.push(std::mem::take(&mut current));
        } else {
            current.push_str(&rest[..len]);
        }
        rest = &rest[len..];
    }
    out.push(current);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A table lock that a statement takes, as PostgreSQL names the modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LockMode {
    /// `SHARE UPDATE EXCLUSIVE`: reads and writes go on.
    ShareUpdateExclusive,
    /// `SHARE`: reads go on, writes wait until the statement ends.
    Share,
    /// `SHARE ROW EXCLUSIVE`: reads go on, writes wait until the statement ends.
    ShareRowExclusive,
    /// `ACCESS EXCLUSIVE`: reads and writes wait until the statement ends.
    AccessExclusive,
}

impl LockMode {
    /// PostgreSQL's name (`pg_locks.mode`).
    #[must_use]
    pub fn pg_name(self) -> &'static str {
        match self {
            Self::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            Self::Share => "ShareLock",
            Self::ShareRowExclusive => "ShareRowExclusiveLock",
            Self::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// The mode as the documentation spells it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            Self::Share => "SHARE",
            Self::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            Self::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// Whether the tool's writes (triggers, claims, dispatch) wait behind it.
    #[must_use]
    pub fn blocks_writes(self) -> bool {
        self != Self::ShareUpdateExclusive
    }
}

/// A lock one statement takes on a table that existed before its migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableLock {
    /// The table.
    pub table: String,
    /// The mode.
    pub mode: LockMode,
}

/// What each statement of the embedded migrations locks, worked out from its text: the
/// tables a migration creates are its own (no one else uses them yet), an index is on the
/// table its `CREATE INDEX` named. Pinned against `pg_locks` by a test.
#[derive(Debug, Default)]
struct LockReader {
    index_tables: HashMap<String, String>,
}

impl LockReader {
    fn read(&mut self, statement: &str, own: &mut HashSet<String>) -> Vec<TableLock> {
        let words: Vec<String> = statements_words(statement);
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let has = |w: &str| upper.iter().any(|u| u == w);
        let after = |w: &str| {
            upper
                .iter()
                .position(|u| u == w)
                .and_then(|i| words.get(i + 1))
                .map(|t| name(t))
        };
        let first_name_after = |start: usize| {
            upper[start..]
                .iter()
                .position(|u| !matches!(u.as_str(), "IF" | "NOT" | "EXISTS" | "ONLY"))
                .map(|i| name(&words[start + i]))
        };
        let lock = |table: String, mode: LockMode| TableLock { table, mode };
        let mut locks = Vec::new();
        let kind: Vec<&str> = upper.iter().take(4).map(String::as_str).collect();
        match kind.as_slice() {
            ["CREATE", "TABLE", ..] => {
                if let Some(t) = first_name_after(2) {
                    own.insert(t);
                }
                // a foreign key locks the table it references
                for (i, u) in upper.iter().enumerate() {
                    if u == "REFERENCES" {
                        match words.get(i + 1).map(|t| name(t)) {
                            Some(t) if !own.contains(&t) => {
                                locks.push(lock(t, LockMode::ShareRowExclusive));
                            }
                            _ => {}
                        }
                    }
                }
            }
            ["CREATE", "INDEX" | "UNIQUE", ..] => {
                let table = after("ON").unwrap_or_default();
                let at = upper.iter().position(|u| u == "INDEX").unwrap_or(1) + 1;
                if let Some(index) = first_name_after(at).filter(|i| *i != "ON") {
                    let index = if upper.get(at).is_some_and(|u| u == "CONCURRENTLY") {
                        first_name_after(at + 1).unwrap_or(index)
                    } else {
                        index
                    };
                    self.index_tables.insert(index, table.clone());
                }
                if !own.contains(&table) {
                    let mode = if has("CONCURRENTLY") {
                        LockMode::ShareUpdateExclusive
                    } else {
                        LockMode::Share
                    };
                    locks.push(lock(table, mode));
                }
            }
            ["DROP", "INDEX", ..] => {
                let at = if has("CONCURRENTLY") { 3 } else { 2 };
                let index = first_name_after(at).unwrap_or_default();
                let table = self
                    .index_tables
                    .get(&index)
                    .cloned()
                    .unwrap_or_else(|| format!("the table of index {index}"));
                let mode = if has("CONCURRENTLY") {
                    LockMode::ShareUpdateExclusive
                } else {
                    LockMode::AccessExclusive
                };
                locks.push(lock(table, mode));
            }
            ["ALTER", "TABLE", ..] => {
                let table = first_name_after(2).unwrap_or_default();
                if !own.contains(&table) {
                    let actions: Vec<&str> = upper
                        .iter()
                        .skip(3)
                        .map(String::as_str)
                        .filter(|w| matches!(*w, "ADD" | "VALIDATE" | "SET" | "DROP" | "ALTER"))
                        .collect();
                    let mode = if (!actions.is_empty() && actions.iter().all(|a| *a == "VALIDATE"))
                        || (actions == ["SET"] && has("(FILLFACTOR"))
                    {
                        LockMode::ShareUpdateExclusive
                    } else if (actions.iter().all(|a| *a == "ADD")
                        && has("FOREIGN")
                        && !has("COLUMN"))
                        || (actions.is_empty()
                            && (has("ENABLE") || has("DISABLE"))
                            && has("TRIGGER"))
                    {
                        LockMode::ShareRowExclusive
                    } else {
                        LockMode::AccessExclusive
                    };
                    locks.push(lock(table, mode));
                }
            }
            // a function locks no table (`CREATE OR REPLACE` of anything else is read as
            // what it creates, or not at all: the catch-all's strongest lock)
            ["CREATE", "FUNCTION", ..] | ["CREATE", "OR", "REPLACE", "FUNCTION", ..] => {}
            ["CREATE", "TRIGGER", ..] | ["CREATE", "OR", "REPLACE", "TRIGGER", ..] => {
                if let Some(t) = after("ON").filter(|t| !own.contains(t)) {
                    locks.push(lock(t, LockMode::ShareRowExclusive));
                }
            }
            _ => locks.push(lock(
                "(unrecognised statement: assume every table)".into(),
                LockMode::AccessExclusive,
            )),
        }
        locks
    }
}

/// A statement's words (its comments are gone: see [`statements`]).
fn statements_words(statement: &str) -> Vec<String> {
    statement.split_whitespace().map(str::to_string).collect()
}

/// A table or index name as written (`organizations (id)` -> `organizations`).
fn name(word: &str) -> String {
    word.split('(')
        .next()
        .unwrap_or(word)
        .trim_matches('"')
        .to_string()
}

/// One statement of a pending migration and what it locks.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedStep {
    /// The statement's first words.
    pub statement: String,
    /// The tables it locks that other sessions use, and how.
    pub locks: Vec<TableLock>,
}

/// One pending migration as `migrate --dry-run` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedMigration {
    /// Version.
    pub version: i32,
    /// Name.
    pub name: String,
    /// Binaries that do not know it keep working.
    pub compatible: bool,
    /// Statement by statement, outside a transaction.
    pub online: bool,
    /// Its statements.
    pub steps: Vec<PlannedStep>,
}

/// What `migrate --dry-run` reports: the pending migrations and who stays served.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The schema's version now (0 when nothing is applied).
    pub version: i32,
    /// The migrations `migrate` would apply, oldest first.
    pub pending: Vec<PlannedMigration>,
    /// Binaries that know the current version stay served after the migration.
    pub older_binaries_served: bool,
    /// The oldest version a binary may know and still be served afterwards: every
    /// migration after it is compatible (and, for binaries released before the online
    /// runner, which know up to V8 and read refinery's table, it is at least V8).
    pub served_from: i32,
    /// How long a statement that is not `CONCURRENTLY` waits for a lock before it is
    /// retried, in milliseconds: what other sessions may queue behind it.
    pub lock_timeout_ms: u64,
}

/// One migration and whether it is applied.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationState {
    /// Version number (the `V<n>` of the file name).
    pub version: i32,
    /// Name after the version.
    pub name: String,
    /// `applied`, `pending`, `in_progress` (an online migration that was interrupted) or
    /// `unknown (newer than this binary)`.
    pub state: &'static str,
    /// Binaries that do not know it keep working on the schema after it.
    pub compatible: bool,
    /// Applied statement by statement outside a transaction; `None` for a newer
    /// migration this binary does not know.
    pub online: Option<bool>,
}

/// A migration `migrate` applied.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// Version.
    pub version: i32,
    /// Name.
    pub name: String,
    /// Always `applied` (the field `migrate` printed before the online runner).
    pub state: &'static str,
    /// Its mark.
    pub compatible: bool,
    /// Applied statement by statement.
    pub online: bool,
    /// Statements this call ran (an interrupted migration's finished ones are skipped).
    pub statements: usize,
    /// Attempts that ran into the lock timeout and were retried.
    pub retries: u32,
    /// Wall time, in seconds.
    pub seconds: f64,
}

/// What `migrate` did.
#[derive(Debug, Clone, Serialize)]
pub struct MigrateReport {
    /// Migrations applied by this call, oldest first.
    pub applied: Vec<Applied>,
    /// Indexes that an interrupted build had left invalid, dropped and built again.
    pub rebuilt_indexes: Vec<String>,
    /// The schema version afterwards (the newest applied).
    pub version: i32,
}

/// How `migrate` behaves where it has to wait.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How long a `CONCURRENTLY` statement may wait for older transactions to end (a
    /// snapshot held by `pg_dump`, a long report, a session idle in a transaction) before
    /// it is cancelled and tried again (three tries in all, then `conflict`).
    pub index_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            index_wait: INDEX_WAIT,
        }
    }
}

/// The default [`Options::index_wait`].
pub const INDEX_WAIT: Duration = Duration::from_secs(60);
/// Tries of a `CONCURRENTLY` statement that waited [`Options::index_wait`] in vain.
const CONCURRENT_ATTEMPTS: u32 = 3;

/// What `migrate` waits for, as it starts waiting (for notes to people).
#[derive(Debug, Clone)]
pub enum Waiting {
    /// Another migrator holds the lock: its backend pid, where visible.
    ForMigrator(Option<i32>),
    /// A `CONCURRENTLY` statement waits for older transactions to end.
    ForTransactions {
        /// The index being built or dropped.
        index: String,
        /// The transactions it waits for.
        blockers: Vec<Blocker>,
    },
    /// A `CONCURRENTLY` statement of an earlier, interrupted `migrate` is still running on
    /// the server (its client is gone; the server has not noticed yet).
    ForEarlierBuild {
        /// The index.
        index: String,
    },
}

/// A transaction that a `CONCURRENTLY` statement waits for.
#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    /// Its backend.
    pub pid: i32,
    /// Its `application_name`.
    pub application_name: String,
    /// `active`, `idle in transaction`, ...
    pub state: String,
    /// When its transaction started.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {}", self.pid)?;
        if !self.application_name.is_empty() {
            write!(f, " ({})", self.application_name)?;
        }
        if !self.state.is_empty() {
            write!(f, ", {}", self.state)?;
        }
        if let Some(since) = self.since {
            write!(
                f,
                ", in a transaction since {}",
                since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )?;
        }
        Ok(())
    }
}

/// A row of the history table.
#[derive(Debug, Clone)]
struct Recorded {
    version: i32,
    name: String,
    checksum: String,
    compatible: bool,
}

/// Applies the pending embedded migrations online (see the module's documentation) on
/// connections from `connect`: one runs the DDL, one holds the migrator lock in a
/// transaction of its own, and while a `CONCURRENTLY` statement runs a third watches it.
/// Concurrent migrators take turns and all succeed; an interrupted one is finished by the
/// next call. `on_wait` is told (from any thread) when this call starts to wait: for
/// another migrator (as long as it takes), or for older transactions to end before an
/// index can be built (at most `options.index_wait` a try).
///
/// # Errors
/// `schema_mismatch` when applied migrations diverge from the embedded ones, or when a
/// newer incompatible migration is applied; `conflict` (a lock timeout) when a statement
/// did not get its lock in 60 tries (about two minutes); `database_unreachable` or `internal` for
/// database failures.
pub fn migrate(
    connect: &dyn Fn() -> Result<Client>,
    options: Options,
    on_wait: &(dyn Fn(&Waiting) + Sync),
) -> Result<MigrateReport> {
    let embedded = embedded()?;
    let mut client = connect()?;
    let mut lock = connect()?;
    let client = &mut client;
    let mut held = MigratorLock::take(&mut lock, |holder| {
        on_wait(&Waiting::ForMigrator(holder));
    })?;
    // the check inside the transaction that copies refinery's rows: a refusal copies
    // nothing, as the dry run (which writes nothing) says
    let (recorded, _) = retried(|| {
        in_own_tx(client, |tx| {
            tx.batch_execute(BOOKKEEPING)?;
            copy_legacy(tx)?;
            let recorded = recorded(tx)?;
            check_recorded(&embedded, &recorded)?;
            Ok(recorded)
        })
    })?;
    let mut watch = Watch {
        connect,
        client: None,
        options,
        on_wait,
    };
    let mut report = MigrateReport {
        applied: Vec::new(),
        rebuilt_indexes: Vec::new(),
        version: 0,
    };
    let applied: HashSet<i32> = recorded.iter().map(|r| r.version).collect();
    for m in embedded.iter().filter(|m| !applied.contains(&m.version)) {
        held.still_held()?;
        let started = Instant::now();
        let (statements, retries) = if m.online {
            apply_online(
                client,
                &mut held,
                &mut watch,
                m,
                &mut report.rebuilt_indexes,
            )?
        } else {
            let ((), retries) = retried(|| {
                in_own_tx(client, |tx| {
                    tx.batch_execute(&m.sql)?;
                    record_applied(tx, m)
                })
            })?;
            (m.statements().len(), retries)
        };
        report.applied.push(Applied {
            version: m.version,
            name: m.name.clone(),
            state: "applied",
            compatible: m.compatible,
            online: m.online,
            statements,
            retries,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    held.release()?;
    report.version = recorded
        .iter()
        .map(|r| r.version)
        .chain(report.applied.iter().map(|a| a.version))
        .max()
        .unwrap_or(0);
    Ok(report)
}

/// [`migrate`] on new connections to `url`, with the default options and no notes.
///
/// # Errors
/// As [`migrate`], and `database_unreachable` when `url` cannot be reached.
pub fn migrate_url(url: &crate::db::DatabaseUrl) -> Result<MigrateReport> {
    migrate(&|| crate::db::connect(url), Options::default(), &|_| {})
}

/// The migrator lock, held by an open transaction of its own connection.
struct MigratorLock<'a> {
    client: &'a mut Client,
    open: bool,
}

impl<'a> MigratorLock<'a> {
    fn take(client: &'a mut Client, waiting: impl FnOnce(Option<i32>)) -> Result<Self> {
        // READ COMMITTED, so that between its statements the transaction holds no snapshot
        // that a CONCURRENTLY build would wait for; no idle timeout: it idles on purpose.
        // The simple protocol: an extended-protocol portal would stay open in the
        // transaction, and with it the snapshot. A try that fails ends its transaction, so
        // that a waiting migrator does not keep a pooled server connection from the
        // running one's DDL.
        let ask = format!(
            "BEGIN ISOLATION LEVEL READ COMMITTED; \
             SET LOCAL idle_in_transaction_session_timeout = 0; \
             SET LOCAL statement_timeout = '60s'; \
             SELECT pg_try_advisory_xact_lock({LOCK_KEY})"
        );
        let held = Self { client, open: true };
        let mut waiting = Some(waiting);
        loop {
            let got = held.client.simple_query(&ask)?.iter().any(
                |m| matches!(m, postgres::SimpleQueryMessage::Row(r) if r.get(0) == Some("t")),
            );
            if got {
                return Ok(held);
            }
            held.client.batch_execute("ROLLBACK")?;
            if let Some(say) = waiting.take() {
                // who holds it in this database (advisory locks are per database; another
                // database's migrator is not in the way), for the note (the key is split in
                // two 32-bit halves)
                let holder = held
                    .client
                    .query_typed(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted \
                         AND database = (SELECT oid FROM pg_database \
                                         WHERE datname = current_database()) \
                         AND ((classid::bigint << 32) | objid::bigint) = $1 LIMIT 1",
                        &[crate::db::typed::p(&LOCK_KEY)],
                    )?
                    .first()
                    .map(|r| r.get(0));
                say(holder);
            }
            std::thread::sleep(LOCK_POLL);
        }
    }

    /// Fails when the lock's connection is gone (its transaction, and the lock, with it).
    fn still_held(&mut self) -> Result<()> {
        self.client.batch_execute("SELECT 1").map_err(|e| {
            Error::DatabaseUnreachable(format!("lost the migrator lock's connection: {e}"))
        })
    }

    fn release(mut self) -> Result<()> {
        self.open = false;
        self.client.batch_execute("COMMIT")?;
        Ok(())
    }
}

impl Drop for MigratorLock<'_> {
    fn drop(&mut self) {
        if self.open {
            // a broken connection has nothing to roll back; its error is reported
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

/// The history tables: refinery's (for binaries released before this runner), this
/// runner's, and the finished steps of online migrations in progress.
const BOOKKEEPING: &str = "\
    CREATE TABLE IF NOT EXISTS lobu_schema_history (
        version int4 PRIMARY KEY, name varchar(255), applied_on varchar(255),
        checksum varchar(255));
    CREATE TABLE IF NOT EXISTS lobu_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        compatible boolean NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS lobu_migration_steps (
        version integer NOT NULL,
        step integer NOT NULL,
        done_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (version, step));";

/// Copies what refinery recorded into `lobu_migrations` (once): V1 to V8 with their marks;
/// any later version there came from elsewhere and is taken as incompatible.
fn copy_legacy(client: &mut impl GenericClient) -> Result<()> {
    let (versions, marks) = legacy_marks();
    client.execute(
        "INSERT INTO lobu_migrations (version, name, checksum, compatible)
         SELECT h.version, coalesce(h.name, ''), coalesce(h.checksum, ''),
                coalesce(m.compatible, false)
         FROM lobu_schema_history h
         LEFT JOIN unnest($1::int4[], $2::bool[]) AS m (version, compatible)
                ON m.version = h.version
         ON CONFLICT (version) DO NOTHING",
        &[&versions, &marks],
    )?;
    Ok(())
}

fn recorded(client: &mut impl GenericClient) -> Result<Vec<Recorded>> {
    let tables: (bool, bool) = {
        let row = client.query_one(
            "SELECT to_regclass('lobu_migrations') IS NOT NULL,
                    to_regclass('lobu_schema_history') IS NOT NULL",
            &[],
        )?;
        (row.get(0), row.get(1))
    };
    // refinery's rows that `migrate` has not copied yet count as `migrate` would copy them,
    // so that the dry run and `migrate status` see what `migrate` sees
    let legacy = "SELECT h.version, coalesce(h.name, ''), coalesce(h.checksum, ''),
                         coalesce(m.compatible, false)
                  FROM lobu_schema_history h
                  LEFT JOIN unnest($1::int4[], $2::bool[]) AS m (version, compatible)
                         ON m.version = h.version";
    let sql = match tables {
        (true, true) => format!(
            "SELECT version, name, checksum, compatible FROM lobu_migrations
             UNION ALL
             {legacy} WHERE h.version NOT IN (SELECT version FROM lobu_migrations)
             ORDER BY 1"
        ),
        (true, false) => {
            "SELECT version, name, checksum, compatible FROM lobu_migrations ORDER BY 1".into()
        }
        (false, true) => format!("{legacy} ORDER BY 1"),
        (false, false) => return Ok(Vec::new()),
    };
    let (versions, marks) = legacy_marks();
    let with_legacy: [&(dyn postgres::types::ToSql + Sync); 2] = [&versions, &marks];
    let params: &[&(dyn postgres::types::ToSql + Sync)] = if tables.1 { &with_legacy } else { &[] };
    Ok(client
        .query(&sql, params)?
        .iter()
        .map(|r| Recorded {
            version: r.get(0),
            name: r.get(1),
            checksum: r.get(2),
            compatible: r.get(3),
        })
        .collect())
}

/// [`LEGACY_MARKS`] as two arrays, for SQL.
fn legacy_marks() -> (Vec<i32>, Vec<bool>) {
    LEGACY_MARKS.iter().copied().unzip()
}

/// refinery's rules (divergent and missing migrations abort), and this runner's: a newer
/// migration this binary does not know must be compatible.
fn check_recorded(embedded: &[Migration], recorded: &[Recorded]) -> Result<()> {
    for r in recorded {
        match embedded.iter().find(|m| m.version == r.version) {
            Some(m) if m.checksum.to_string() != r.checksum => {
                return Err(Error::SchemaMismatch(format!(
                    "applied migration V{}__{} differs from this binary's {}; \
                     a released migration was edited",
                    r.version,
                    r.name,
                    m.label()
                )));
            }
            Some(_) => {}
            None if r.version <= latest_version() => {
                return Err(Error::SchemaMismatch(format!(
                    "applied migration V{}__{} is not one of this binary's",
                    r.version, r.name
                )));
            }
            None if !r.compatible => return Err(newer_error()),
            None => {}
        }
    }
    Ok(())
}

/// Runs `f` in a transaction of its own under [`LOCK_TIMEOUT`] (no statement timeout: a
/// migration may scan a big table). Every statement of `migrate` outside the DDL that
/// cannot run in a transaction goes through here, so the driver's named statements never
/// outlive a transaction (a transaction pooler hands the next one another connection).
fn in_own_tx<T>(
    client: &mut Client,
    f: impl FnOnce(&mut crate::db::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let mut tx = client.transaction()?;
    // READ COMMITTED whatever the database's default: the history's trigger (V13) derives
    // the serving marks from what is committed when it runs
    tx.batch_execute(&format!(
        "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; \
         SET LOCAL lock_timeout = '{}ms'; SET LOCAL statement_timeout = 0",
        LOCK_TIMEOUT.as_millis()
    ))?;
    let value = f(&mut tx)?;
    tx.commit()?;
    Ok(value)
}

/// Tries `f` until it does not fail on a lock timeout or a deadlock, with backoff (100 ms
/// doubling to 2 s), at most [`ATTEMPTS`] times; returns its value and how many tries
/// failed.
fn retried<T>(f: impl FnMut() -> Result<T>) -> Result<(T, u32)> {
    retried_up_to(ATTEMPTS, f)
}

/// [`retried`], at most `attempts` times.
fn retried_up_to<T>(attempts: u32, mut f: impl FnMut() -> Result<T>) -> Result<(T, u32)> {
    let mut failed = 0;
    loop {
        match f() {
            Err(Error::Transient { kind, message })
                if matches!(kind, "lock_timeout" | "deadlock") =>
            {
                failed += 1;
                if failed >= attempts {
                    return Err(Error::Transient {
                        kind,
                        message: format!(
                            "{message}: gave up after {attempts} tries (a long transaction \
                             holds a lock the migration needs, or an old snapshot; end it, \
                             then run migrate again)"
                        ),
                    });
                }
                let backoff = 100u64 << failed.min(5);
                std::thread::sleep(Duration::from_millis(backoff.min(2000)));
            }
            other => return other.map(|value| (value, failed)),
        }
    }
}

/// Records an applied migration: always in `lobu_migrations`; in refinery's table too for
/// V1 to V8 and for an incompatible one, so that binaries before this runner refuse it.
fn record_applied(tx: &mut impl GenericClient, m: &Migration) -> Result<()> {
    let checksum = m.checksum.to_string();
    tx.execute(
        "INSERT INTO lobu_migrations (version, name, checksum, compatible)
         VALUES ($1, $2, $3, $4)",
        &[&m.version, &m.name, &checksum, &m.compatible],
    )?;
    if m.version <= LEGACY_LAST || !m.compatible {
        tx.execute(
            "INSERT INTO lobu_schema_history (version, name, applied_on, checksum)
             VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), $3)
             ON CONFLICT (version) DO NOTHING",
            &[&m.version, &m.name, &checksum],
        )?;
    }
    tx.execute(
        "DELETE FROM lobu_migration_steps WHERE version = $1",
        &[&m.version],
    )?;
    Ok(())
}

/// An online migration: each statement on its own, the finished ones skipped. Returns the
/// statements run and the retries.
fn apply_online(
    client: &mut Client,
    held: &mut MigratorLock<'_>,
    watch: &mut Watch<'_>,
    m: &Migration,
    rebuilt: &mut Vec<String>,
) -> Result<(usize, u32)> {
    let (done, mut retries) = retried(|| {
        in_own_tx(client, |tx| {
            Ok(tx
                .query(
                    "SELECT step FROM lobu_migration_steps WHERE version = $1",
                    &[&m.version],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect::<BTreeSet<i32>>())
        })
    })?;
    let record_step = |tx: &mut crate::db::Transaction<'_>, step: i32| -> Result<()> {
        tx.execute(
            "INSERT INTO lobu_migration_steps (version, step) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            &[&m.version, &step],
        )?;
        Ok(())
    };
    let mut ran = 0;
    for (step, statement) in (1..).zip(m.statements()) {
        if done.contains(&step) {
            continue;
        }
        held.still_held()?;
        let ((), failed) = if let Some(index) = concurrent_index(&statement) {
            // no transaction block, so no SET LOCAL: it takes SHARE UPDATE EXCLUSIVE, which
            // no statement of this tool waits for, and a watcher cancels it when it waits
            // too long for older transactions. A build that fails (that cancel, a lock
            // timeout of the role's, a deadlock, a lost connection) leaves its index
            // invalid, and `IF NOT EXISTS` would then keep it: every try drops such an index
            // first, and the step is recorded only once the index is valid.
            let ((), failed) = retried_up_to(CONCURRENT_ATTEMPTS, || {
                // an earlier migrate's build that the server still runs leaves the index
                // invalid until it ends: wait for it before judging the index (dropping
                // it then failed with "tuple concurrently updated", or threw the build away)
                watch.wait_for_earlier(&statement, &index)?;
                if let Some(drop) = invalid_index_drop(client, &index)? {
                    watch.run(client, &drop, &index)?;
                    if !rebuilt.contains(&index) {
                        rebuilt.push(index.clone());
                    }
                }
                watch.run(client, &statement, &index)?;
                if invalid_index_drop(client, &index)?.is_some() {
                    return Err(Error::Internal(format!(
                        "index {index} is invalid after its build; run migrate again"
                    )));
                }
                Ok(())
            })?;
            let ((), more) = retried(|| in_own_tx(client, |tx| record_step(tx, step)))?;
            ((), failed + more)
        } else {
            retried(|| {
                in_own_tx(client, |tx| {
                    tx.batch_execute(&statement)?;
                    record_step(tx, step)
                })
            })?
        };
        retries += failed;
        ran += 1;
    }
    let ((), failed) = retried(|| in_own_tx(client, |tx| record_applied(tx, m)))?;
    retries += failed;
    Ok((ran, retries))
}

/// The index a `CREATE|DROP INDEX CONCURRENTLY` statement names, if it is one.
fn concurrent_index(statement: &str) -> Option<String> {
    let words = statements_words(statement);
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let at = upper.iter().position(|u| u == "CONCURRENTLY")?;
    if !matches!(upper.first().map(String::as_str), Some("CREATE" | "DROP")) {
        return None;
    }
    upper[at + 1..]
        .iter()
        .position(|u| !matches!(u.as_str(), "IF" | "NOT" | "EXISTS"))
        .map(|i| name(&words[at + 1 + i]))
}

/// How often the watcher of a `CONCURRENTLY` statement looks at it.
const WATCH_EVERY: Duration = Duration::from_millis(250);
/// How long a `CONCURRENTLY` statement waits before `migrate` says what it waits for.
const NOTE_AFTER: Duration = Duration::from_secs(2);

/// Runs `CONCURRENTLY` statements, which cannot carry `SET LOCAL lock_timeout` (they run
/// outside any transaction block), under the eye of a watcher on a connection of its own.
struct Watch<'a> {
    connect: &'a dyn Fn() -> Result<Client>,
    client: Option<Client>,
    options: Options,
    on_wait: &'a (dyn Fn(&Waiting) + Sync),
}

impl Watch<'_> {
    /// Runs `statement` (a `CONCURRENTLY` one, about `index`) on `client`. First waits for
    /// an earlier `migrate`'s run of the same statement that the server still carries out
    /// (a killed client's backend goes on until the server notices). While it runs, the
    /// watcher (outside any transaction, so that it is never one the statement waits for)
    /// cancels it once it has waited [`Options::index_wait`] for older transactions to end:
    /// a `lock_timeout` that names them, which the caller retries.
    fn run(&mut self, client: &mut Client, statement: &str, index: &str) -> Result<()> {
        self.wait_for_earlier(statement, index)?;
        let (options, on_wait) = (self.options, self.on_wait);
        let watcher = self.watcher()?;
        let stop = AtomicBool::new(false);
        let (result, cancelled) = std::thread::scope(|s| {
            let watching =
                s.spawn(|| watch_statement(watcher, statement, index, options, on_wait, &stop));
            let result = client.batch_execute(statement);
            stop.store(true, Ordering::SeqCst);
            // a watcher that failed only stops watching
            (result, watching.join().ok().and_then(Result::ok).flatten())
        });
        match (result, cancelled) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(blockers)) => Err(Error::Transient {
                kind: "lock_timeout",
                message: format!(
                    "index {index}: `{}` waited {} s for older transactions to end ({})",
                    summary(statement),
                    options.index_wait.as_secs(),
                    if blockers.is_empty() {
                        "gone by now".to_string()
                    } else {
                        blockers
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; ")
                    }
                ),
            }),
            (Err(e), None) => Err(match Error::from(e) {
                Error::Transient {
                    kind: "statement_timeout",
                    ..
                } => Error::Transient {
                    kind: "statement_timeout",
                    message: format!(
                        "index {index}: `{}` was cancelled by the statement_timeout of the \
                         role or the database; an index build may take longer: run migrate \
                         as a role without one",
                        summary(statement)
                    ),
                },
                other => other,
            }),
        }
    }

    /// The watcher's connection, opened on first use.
    fn watcher(&mut self) -> Result<&mut Client> {
        if self.client.is_none() {
            self.client = Some((self.connect)()?);
        }
        self.client
            .as_mut()
            .ok_or_else(|| Error::Internal("the watcher's connection is gone".into()))
    }

    /// Waits (up to [`Options::index_wait`]) while another backend runs `statement`, about
    /// `index`: an earlier `migrate`'s, killed, that the server still carries out.
    fn wait_for_earlier(&mut self, statement: &str, index: &str) -> Result<()> {
        let (options, on_wait) = (self.options, self.on_wait);
        let watcher = self.watcher()?;
        let start = Instant::now();
        let mut said = false;
        while running_elsewhere(watcher, statement)?.is_some() {
            if !std::mem::replace(&mut said, true) {
                on_wait(&Waiting::ForEarlierBuild {
                    index: index.into(),
                });
            }
            if start.elapsed() > options.index_wait {
                return Err(Error::Transient {
                    kind: "lock_timeout",
                    message: format!(
                        "index {index}: an earlier migrate's `{}` still runs on the server",
                        summary(statement)
                    ),
                });
            }
            std::thread::sleep(WATCH_EVERY);
        }
        Ok(())
    }
}

/// The backend (other than the asker's) that runs `statement` now, and whether it waits
/// on a lock (for other transactions to end).
fn running_elsewhere(c: &mut Client, statement: &str) -> Result<Option<(i32, bool)>> {
    Ok(c.query_typed_opt(
        "SELECT pid, wait_event_type IS NOT DISTINCT FROM 'Lock' FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active' AND query = $1
           AND pid <> pg_backend_pid()
         LIMIT 1",
        &[p(&statement)],
    )?
    .map(|r| (r.get(0), r.get(1))))
}

/// Watches `statement` until `stop`: says what it waits for after [`NOTE_AFTER`], and
/// cancels it after [`Options::index_wait`] of waiting, returning what it waited for.
fn watch_statement(
    c: &mut Client,
    statement: &str,
    index: &str,
    options: Options,
    on_wait: &(dyn Fn(&Waiting) + Sync),
    stop: &AtomicBool,
) -> Result<Option<Vec<Blocker>>> {
    let mut waiting_since: Option<Instant> = None;
    let mut said = false;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(WATCH_EVERY);
        let Some((pid, true)) = running_elsewhere(c, statement)? else {
            waiting_since = None;
            continue;
        };
        let waited = waiting_since.get_or_insert_with(Instant::now).elapsed();
        if waited >= NOTE_AFTER.min(options.index_wait / 2) && !std::mem::replace(&mut said, true) {
            on_wait(&Waiting::ForTransactions {
                index: index.into(),
                blockers: blockers(c, pid)?,
            });
        }
        if waited >= options.index_wait {
            let blockers = blockers(c, pid)?;
            c.query_typed("SELECT pg_cancel_backend($1)", &[p(&pid)])?;
            return Ok(Some(blockers));
        }
    }
    Ok(None)
}

/// The transactions backend `pid` waits for, oldest first.
fn blockers(c: &mut Client, pid: i32) -> Result<Vec<Blocker>> {
    Ok(c.query_typed(
        "SELECT b.pid, coalesce(b.application_name, ''), coalesce(b.state, ''), b.xact_start
             FROM unnest(pg_blocking_pids($1)) AS x (pid)
             JOIN pg_stat_activity b ON b.pid = x.pid
             ORDER BY b.xact_start NULLS LAST",
        &[p(&pid)],
    )?
    .iter()
    .map(|r| Blocker {
        pid: r.get(0),
        application_name: r.get(1),
        state: r.get(2),
        since: r.get(3),
    })
    .collect())
}

/// `DROP INDEX CONCURRENTLY` of `index` when a failed `CONCURRENTLY` build left it invalid.
fn invalid_index_drop(client: &mut Client, index: &str) -> Result<Option<String>> {
    Ok(retried(|| {
        in_own_tx(client, |tx| {
            Ok(tx
                .query_opt(
                    "SELECT format('DROP INDEX CONCURRENTLY IF EXISTS %I.%I', n.nspname, c.relname)
                     FROM pg_index i
                     JOIN pg_class c ON c.oid = i.indexrelid
                     JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE i.indexrelid = to_regclass($1) AND NOT i.indisvalid",
                    &[&index],
                )?
                .map(|r| r.get::<_, String>(0)))
        })
    })?
    .0)
}

/// What `migrate` would do, writing nothing: each pending migration's statements and
/// locks, and which binaries stay served.
///
/// # Errors
/// As [`status`]; `schema_mismatch` as [`migrate`] would refuse.
pub fn plan(client: &mut impl GenericClient) -> Result<Plan> {
    let embedded = embedded()?;
    let recorded = recorded(client)?;
    check_recorded(&embedded, &recorded)?;
    let applied: HashSet<i32> = recorded.iter().map(|r| r.version).collect();
    let mut reader = LockReader::default();
    let mut pending = Vec::new();
    for m in &embedded {
        let mut own = HashSet::new();
        let steps: Vec<PlannedStep> = m
            .statements()
            .into_iter()
            .map(|s| PlannedStep {
                statement: summary(&s),
                locks: reader.read(&s, &mut own),
            })
            .collect();
        if !applied.contains(&m.version) {
            pending.push(PlannedMigration {
                version: m.version,
                name: m.name.clone(),
                compatible: m.compatible,
                online: m.online,
                steps,
            });
        }
    }
    // the marks of everything the schema will have, newest last
    let mut marks: Vec<(i32, bool)> = recorded
        .iter()
        .map(|r| (r.version, r.compatible))
        .chain(pending.iter().map(|m| (m.version, m.compatible)))
        .collect();
    marks.sort_unstable();
    // a binary that knows version k is served when every later migration is compatible;
    // a binary released before this runner (k <= V8) reads refinery's table, which holds
    // V1 to V8 and the incompatible migrations, and wants its newest version there
    let newest = marks.last().map_or(0, |(v, _)| *v);
    let served_from = marks
        .iter()
        .rev()
        .find(|(_, compatible)| !compatible)
        .map_or(0, |(v, _)| *v)
        .max(newest.min(LEGACY_LAST));
    let version = recorded.iter().map(|r| r.version).max().unwrap_or(0);
    Ok(Plan {
        version,
        older_binaries_served: version >= served_from,
        served_from,
        pending,
        lock_timeout_ms: u64::try_from(LOCK_TIMEOUT.as_millis()).unwrap_or(u64::MAX),
    })
}

/// The statement's first words on one line.
fn summary(statement: &str) -> String {
    crate::truncate(&statements_words(statement).join(" "), 72)
}

/// What each statement of every embedded migration locks, in order (for tests: the
/// reading that `migrate --dry-run` prints, to compare with `pg_locks`).
///
/// # Errors
/// As [`embedded`].
pub fn lock_reading() -> Result<Vec<(i32, String, Vec<TableLock>)>> {
    lock_reading_with(&[])
}

/// As [`lock_reading`], followed by the reading of `extra` migrations (version, SQL) as if
/// they came after the embedded ones: for tests of statements no migration uses yet.
///
/// # Errors
/// As [`embedded`].
#[doc(hidden)]
pub fn lock_reading_with(extra: &[(i32, &str)]) -> Result<Vec<(i32, String, Vec<TableLock>)>> {
    let mut reader = LockReader::default();
    let mut out = Vec::new();
    let embedded: Vec<(i32, Vec<String>)> = embedded()?
        .iter()
        .map(|m| (m.version, m.statements()))
        .collect();
    let extra = extra.iter().map(|(v, sql)| (*v, statements(sql)));
    for (version, statements) in embedded.into_iter().chain(extra) {
        let mut own = HashSet::new();
        for s in statements {
            let locks = reader.read(&s, &mut own);
            out.push((version, s, locks));
        }
    }
    Ok(out)
}

/// Lists every embedded migration with its state and marks, plus applied ones this binary
/// does not know.
///
/// # Errors
/// Database failures.
pub fn status(client: &mut impl GenericClient) -> Result<Vec<MigrationState>> {
    let recorded = recorded(client)?;
    let in_progress: HashSet<i32> = match client
        .query_one(
            "SELECT to_regclass('lobu_migration_steps') IS NOT NULL",
            &[],
        )?
        .get(0)
    {
        true => client
            .query("SELECT DISTINCT version FROM lobu_migration_steps", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect(),
        false => HashSet::new(),
    };
    let mut states: Vec<MigrationState> = embedded()?
        .into_iter()
        .map(|m| MigrationState {
            state: if recorded.iter().any(|r| r.version == m.version) {
                "applied"
            } else if in_progress.contains(&m.version) {
                "in_progress"
            } else {
                "pending"
            },
            version: m.version,
            name: m.name,
            compatible: m.compatible,
            online: Some(m.online),
        })
        .collect();
    for r in recorded {
        if r.version > latest_version() {
            states.push(MigrationState {
                version: r.version,
                name: r.name,
                state: "unknown (newer than this binary)",
                compatible: r.compatible,
                online: None,
            });
        }
    }
    states.sort_by_key(|s| s.version);
    Ok(states)
}

/// How the database schema compares with this binary's migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// Every embedded migration is applied, and any newer one is compatible.
    Current,
    /// Some embedded migrations are not applied yet.
    Behind {
        /// This binary's migrations applied.
        applied: i64,
        /// Migrations this binary has.
        expected: i64,
    },
    /// The database has a newer migration that is not compatible with this binary.
    Ahead,
}

impl SchemaState {
    /// The state of a history table with `known` of this binary's migrations applied, and
    /// whether every newer one is compatible.
    #[must_use]
    pub const fn of(known: i64, newer_compatible: bool) -> Self {
        if known < embedded_schema::MIGRATIONS {
            Self::Behind {
                applied: known,
                expected: embedded_schema::MIGRATIONS,
            }
        } else if newer_compatible {
            Self::Current
        } else {
            Self::Ahead
        }
    }

    /// `Ok` only when current.
    ///
    /// # Errors
    /// `schema_mismatch` (exit 7) naming `lobu-admin migrate`.
    pub fn require_current(self) -> Result<()> {
        match self {
            Self::Current => Ok(()),
            Self::Ahead => Err(newer_error()),
            Self::Behind { applied, expected } => Err(Error::SchemaMismatch(format!(
                "database schema is behind this binary ({applied} of {expected} migrations \
                 applied); run `lobu-admin migrate`"
            ))),
        }
    }
}

/// Compares the applied migrations with the embedded ones, in one round trip (a missing
/// history table means nothing of this runner is applied).
///
/// # Errors
/// Database failures.
pub fn state(client: &mut impl GenericClient) -> Result<SchemaState> {
    match client.query_typed(crate::db::SCHEMA_CHECK, &[]) {
        Ok(rows) if rows.len() == 1 => Ok(SchemaState::of(rows[0].get(0), rows[0].get(1))),
        Ok(_) => Ok(SchemaState::of(0, true)),
        Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => {
            Ok(SchemaState::of(0, true))
        }
        Err(e) => Err(e.into()),
    }
}

/// Refuses to work on a schema that is behind this binary or has a newer incompatible
/// migration.
///
/// # Errors
/// `schema_mismatch` (exit 7) naming `lobu-admin migrate`.
pub fn check(client: &mut impl GenericClient) -> Result<()> {
    state(client)?.require_current()
}

pub(crate) fn newer_error() -> Error {
    Error::SchemaMismatch(format!(
        "database schema is newer than this binary and not compatible with it (it knows up \
         to version {}); upgrade lobu-admin",
        latest_version()
    ))
}

#[cfg(test)]
mod tests {
    use super::{concurrent_index, embedded, embedded_schema, latest_version, statements};

    #[test]
    fn build_constants_match_refinerys_reading() {
        let all = embedded().unwrap();
        let newest = all.iter().map(|m| m.version).max();
        assert_eq!(Some(latest_version()), newest);
        assert_eq!(
            usize::try_from(embedded_schema::MIGRATIONS).ok(),
            Some(all.len())
        );
    }

    #[test]
    fn every_migration_after_v8_is_marked_and_online_ones_are_resumable() {
        for m in embedded().unwrap() {
            if m.version <= super::LEGACY_LAST {
                assert!(!m.online, "{}", m.label());
                continue;
            }
            assert_eq!(
                m.online,
                m.compatible,
                "{}: a compatible migration runs online, an incompatible one in one \
                 transaction (its DDL and its record commit together)",
                m.label()
            );
            for s in m.statements() {
                let upper = s.to_ascii_uppercase();
                // a CONCURRENTLY build is not recorded with its step: run again after an
                // interruption it must find its index there (or dropped when invalid)
                if upper.contains("CONCURRENTLY") {
                    assert!(
                        upper.contains("IF NOT EXISTS") || upper.contains("IF EXISTS"),
                        "{}: {s}",
                        m.label()
                    );
                    assert!(concurrent_index(&s).is_some(), "{s}");
                }
                // a non-concurrent index on an existing table would block writes
                if upper.starts_with("CREATE INDEX") || upper.starts_with("CREATE UNIQUE") {
                    let table = s.split_whitespace().skip_while(|w| *w != "ON").nth(1);
                    assert!(
                        upper.contains("CONCURRENTLY")
                            || table.is_some_and(|t| m
                                .sql
                                .contains(&format!("CREATE TABLE IF NOT EXISTS {t} "))),
                        "{}: {s}",
                        m.label()
                    );
                }
            }
        }
    }

    #[track_caller]
    fn split(sql: &str, expected: &[&str]) {
        assert_eq!(statements(sql), expected, "{sql:?}");
    }

    #[test]
    fn statements_split_at_semicolons_outside_quotes_and_comments() {
        split("SELECT 1; SELECT 2;", &["SELECT 1", "SELECT 2"]);
        split("SELECT 1", &["SELECT 1"]);
        split("-- a; comment\nSELECT 1;\n\n", &["SELECT 1"]);
        split("SELECT ';', \"a;b\";", &["SELECT ';', \"a;b\""]);
        split("SELECT 'it''s; fine';", &["SELECT 'it''s; fine'"]);
        split(
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 2;",
            &[
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
                "SELECT 2",
            ],
        );
        split(
            "DO $x$ BEGIN PERFORM 1; END $x$; /* a; */ SELECT $1;",
            &["DO $x$ BEGIN PERFORM 1; END $x$", "SELECT $1"],
        );
        split("SELECT 1 -- trailing; comment\n;", &["SELECT 1"]);
        split(
            "SELECT '--not a comment', /* gone */ 2;",
            &["SELECT '--not a comment',   2"],
        );
    }

    #[test]
    fn concurrent_statements_name_their_index() {
        for (s, index) in [
            (
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)",
                Some("a"),
            ),
            ("CREATE UNIQUE INDEX CONCURRENTLY b ON t (x)", Some("b")),
            ("DROP INDEX CONCURRENTLY IF EXISTS c", Some("c")),
            ("CREATE INDEX d ON t (x)", None),
        ] {
            assert_eq!(concurrent_index(s).as_deref(), index, "{s}");
        }
    }
}
