//! Embedded refinery migrations: apply in one transaction under a transaction-scoped
//! advisory lock (safe behind a transaction pooler), list, and refuse to run on a schema
//! that is behind or ahead of this binary.

use postgres::{Client, GenericClient};
use refinery_core::traits::sync::{Migrate, Query, Transaction as RefineryTransaction};
use refinery_core::Migration;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{Error, Result};

mod embedded {
    #![allow(missing_docs)]
    refinery::embed_migrations!("migrations");
}
use embedded::migrations;

/// The history table (refinery's, under a name of our own).
pub const HISTORY_TABLE: &str = "lobu_schema_history";
/// `pg_advisory_xact_lock` key held while migrating, so concurrent `migrate` calls queue up.
const LOCK_KEY: i64 = 0x6c6f_6275_6d69_6772; // "lobumigr"

/// One migration and whether it is applied.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationState {
    /// Version number (the `V<n>` of the file name).
    pub version: i32,
    /// Name after the version.
    pub name: String,
    /// `applied` or `pending`.
    pub state: &'static str,
}

/// What `migrate` did.
#[derive(Debug, Clone, Serialize)]
pub struct MigrateReport {
    /// Migrations applied by this call, oldest first.
    pub applied: Vec<MigrationState>,
    /// The schema version afterwards.
    pub version: i32,
}

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

/// Applies the pending embedded migrations, all in one transaction that first takes a
/// transaction-scoped advisory lock: concurrent callers wait for each other and all
/// succeed, a failure applies nothing, and no session state is left behind (a session
/// lock would stay on a pooled server connection).
///
/// # Errors
/// `schema_mismatch` when applied migrations diverge from the embedded ones or are newer;
/// `database_unreachable` or `internal` for database failures.
pub fn migrate(client: &mut Client) -> Result<MigrateReport> {
    let report = crate::db::in_tx_unchecked(client, |tx, _| {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
        if applied_versions(tx)?
            .into_iter()
            .any(|(n, _)| n > latest_version())
        {
            return Err(newer_error());
        }
        let mut runner = migrations::runner()
            .set_abort_divergent(true)
            .set_abort_missing(true);
        runner.set_migration_table_name(HISTORY_TABLE);
        let mut inner = InTx { tx, failed: None };
        let result = runner.run(&mut inner);
        if let Some(e) = inner.failed {
            return Err(e.into());
        }
        result.map_err(|e| Error::SchemaMismatch(format!("migration failed: {e}")))
    })?;
    Ok(MigrateReport {
        applied: report
            .applied_migrations()
            .iter()
            .map(|m| MigrationState {
                version: m.version(),
                name: m.name().to_string(),
                state: "applied",
            })
            .collect(),
        version: latest_version(),
    })
}

/// refinery's runner inside our transaction: its statements join it instead of
/// committing on their own. The first database error is kept so that it maps to its
/// kind (a lost connection stays exit 6).
struct InTx<'a> {
    tx: &'a mut Client,
    failed: Option<postgres::Error>,
}

impl InTx<'_> {
    fn keep<T>(
        &mut self,
        r: std::result::Result<T, postgres::Error>,
    ) -> std::result::Result<T, MigrationError> {
        r.map_err(|e| {
            let text = MigrationError(e.to_string());
            self.failed.get_or_insert(e);
            text
        })
    }
}

/// A migration error as refinery needs it (`Send + Sync`).
#[derive(Debug)]
struct MigrationError(String);

impl std::fmt::Display for MigrationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MigrationError {}

impl RefineryTransaction for InTx<'_> {
    type Error = MigrationError;

    fn execute<'q, T: Iterator<Item = &'q str>>(
        &mut self,
        queries: T,
    ) -> std::result::Result<usize, Self::Error> {
        let mut count = 0;
        for query in queries {
            let r = self.tx.batch_execute(query);
            self.keep(r)?;
            count += 1;
        }
        Ok(count)
    }
}

impl Query<Vec<Migration>> for InTx<'_> {
    fn query(&mut self, query: &str) -> std::result::Result<Vec<Migration>, Self::Error> {
        let r = self.tx.query(query, &[]);
        let rows = self.keep(r)?;
        rows.iter()
            .map(|row| {
                let applied_on: String = row.get(2);
                let checksum: String = row.get(3);
                let bad = |what: &str| MigrationError(format!("history table: bad {what}"));
                Ok(Migration::applied(
                    row.get(0),
                    row.get(1),
                    OffsetDateTime::parse(&applied_on, &Rfc3339).map_err(|_| bad("applied_on"))?,
                    checksum.parse().map_err(|_| bad("checksum"))?,
                ))
            })
            .collect()
    }
}

impl Migrate for InTx<'_> {}

/// Lists every embedded migration with its state, plus applied ones this binary lacks.
///
/// # Errors
/// Database failures.
pub fn status(client: &mut impl GenericClient) -> Result<Vec<MigrationState>> {
    let applied = applied_versions(client)?;
    let mut states: Vec<MigrationState> = migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| MigrationState {
            version: m.version(),
            name: m.name().to_string(),
            state: if applied.iter().any(|(v, _)| *v == m.version()) {
                "applied"
            } else {
                "pending"
            },
        })
        .collect();
    for (version, name) in applied {
        if version > latest_version() {
            states.push(MigrationState {
                version,
                name,
                state: "unknown (newer than this binary)",
            });
        }
    }
    states.sort_by_key(|s| s.version);
    Ok(states)
}

/// How the database schema compares with this binary's migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// Every embedded migration is applied, nothing newer.
    Current,
    /// Some embedded migrations are not applied yet.
    Behind {
        /// Migrations applied.
        applied: i64,
        /// Migrations this binary has.
        expected: i64,
    },
    /// The database has migrations newer than this binary.
    Ahead,
}

impl SchemaState {
    /// The state of a history table whose newest version is `current`, with `applied` rows.
    #[must_use]
    pub const fn of(current: i32, applied: i64) -> Self {
        if current > latest_version() {
            Self::Ahead
        } else if current < latest_version() || applied < embedded_schema::MIGRATIONS {
            Self::Behind {
                applied,
                expected: embedded_schema::MIGRATIONS,
            }
        } else {
            Self::Current
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
/// history table means nothing is applied).
///
/// # Errors
/// Database failures.
pub fn state(client: &mut impl GenericClient) -> Result<SchemaState> {
    match client.query_typed(
        &format!("SELECT coalesce(max(version), 0), count(*) FROM {HISTORY_TABLE}"),
        &[],
    ) {
        Ok(rows) if rows.len() == 1 => Ok(SchemaState::of(rows[0].get(0), rows[0].get(1))),
        Ok(_) => Ok(SchemaState::of(0, 0)),
        Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => {
            Ok(SchemaState::of(0, 0))
        }
        Err(e) => Err(e.into()),
    }
}

/// Refuses to work on a schema that is behind or ahead of this binary.
///
/// # Errors
/// `schema_mismatch` (exit 7) naming `lobu-admin migrate`.
pub fn check(client: &mut impl GenericClient) -> Result<()> {
    state(client)?.require_current()
}

fn newer_error() -> Error {
    Error::SchemaMismatch(format!(
        "database schema is newer than this binary (which knows up to version {}); \
         upgrade lobu-admin before `lobu-admin migrate`",
        latest_version()
    ))
}

fn applied_versions(client: &mut impl GenericClient) -> Result<Vec<(i32, String)>> {
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&HISTORY_TABLE])?
        .get(0);
    if !exists {
        return Ok(Vec::new());
    }
    let rows = client.query(
        &format!("SELECT version, name FROM {HISTORY_TABLE} ORDER BY version"),
        &[],
    )?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

#[cfg(test)]
mod tests {
    use super::{embedded_schema, latest_version, migrations};

    #[test]
    fn build_constants_match_refinerys_reading() {
        let all = migrations::runner().get_migrations().clone();
        let newest = all.iter().map(refinery::Migration::version).max();
        assert_eq!(Some(latest_version()), newest);
        assert_eq!(
            usize::try_from(embedded_schema::MIGRATIONS).ok(),
            Some(all.len())
        );
    }
}
