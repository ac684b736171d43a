//! What every command handler gets: the database to use and how to render.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use crate::db::Client;

use super::output::Out;
use crate::audit::Actor;
use crate::db::{self, ConnInfo, DatabaseUrl};
use crate::error::{Error, Result};

/// The invocation's settings that handlers need.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The database: given, refused, or the embedded one.
    pub database: Database,
    /// Rendering.
    pub out: Out,
    /// `--actor`, checked by its parser.
    pub actor: Option<Actor>,
    /// The settings [`Ctx::connect`] connected with (a given database), for
    /// [`Ctx::config`]: one resolution per invocation, so both see the same settings.
    pub connected: OnceLock<ConnInfo>,
}

/// Which database an invocation uses (SPEC 11 and 15).
#[derive(Debug, Clone)]
pub(crate) enum Database {
    /// `--database-url` / `DATABASE_URL`; or, when neither is given but `PGHOST`,
    /// `PGHOSTADDR` or `PGSERVICE` is set (even empty), the empty string, which libpq
    /// completes from the environment.
    Given(DatabaseUrl),
    /// `--database-url ''` or `DATABASE_URL=` (or blanks): refused (exit 2) when a command
    /// needs a connection, never taken for "use the embedded database".
    Empty(&'static str),
    /// Nothing given: the embedded database.
    Embedded,
}

impl Database {
    /// Chooses from the flag's (or variable's) value; `flag` says whether it came from the
    /// command line.
    pub(crate) fn choose(given: Option<&str>, flag: bool) -> Self {
        match given {
            Some(s) if s.trim().is_empty() => Self::Empty(if flag {
                "--database-url"
            } else {
                "DATABASE_URL"
            }),
            Some(s) => Self::Given(DatabaseUrl::new(s)),
            None => {
                // read raw: a value that is not UTF-8 still counts, and resolving it says so;
                // so does an empty one (libpq: PGHOST= is the default socket directory)
                if ["PGHOST", "PGHOSTADDR", "PGSERVICE"]
                    .iter()
                    .any(|v| std::env::var_os(v).is_some())
                {
                    Self::Given(DatabaseUrl::new(""))
                } else {
                    Self::Embedded
                }
            }
        }
    }
}

/// How a command wants its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schema {
    /// Refuse a schema that is behind or ahead (exit 7). Every transaction of `db::in_tx`
    /// checks it in its first statement, so an explicit database costs no check here; the
    /// embedded one is checked (and migrated when behind) on connecting.
    Checked,
    /// `migrate`: no check.
    Unchecked,
}

fn empty(what: &str) -> Error {
    let instead = if what.starts_with('-') {
        "leave the flag out"
    } else {
        "unset it"
    };
    Error::InvalidInput(format!(
        "{what} is set but empty ({instead} to use the embedded database, or give a connection \
         string)"
    ))
}

/// Resolves the given settings, printing what libpq would print to stderr (a password file
/// ignored for its permissions) once per invocation, however often the loop reconnects.
fn resolve(url: &DatabaseUrl) -> Result<ConnInfo> {
    static SAID: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let info = url.resolve()?;
    for w in info.warnings() {
        let first = SAID
            .get_or_init(Mutex::default)
            .lock()
            .map_or(true, |mut said| said.insert(w.clone()));
        if first {
            eprintln!("warning: {}", super::output::escaped(w));
        }
    }
    Ok(info)
}

impl Ctx {
    /// Who this invocation's changes are recorded as: `--actor`, `LOBU_ACTOR`, else
    /// `<OS user>@<host>`. Only commands that record a change ask, so a `LOBU_ACTOR` that
    /// is set but blank or invalid fails those (exit 2, as `DATABASE_URL=` does) and never
    /// a read-only command.
    ///
    /// # Errors
    /// `invalid_input` for a `LOBU_ACTOR` that is not a valid actor, or an actor (either)
    /// starting with `device:`.
    pub(crate) fn actor(&self) -> Result<Actor> {
        if let Some(a) = &self.actor {
            return a.clone().operator();
        }
        let Some(v) = std::env::var_os("LOBU_ACTOR") else {
            return Ok(Actor::of_process());
        };
        let named = |e: Error| Error::InvalidInput(format!("LOBU_ACTOR: {e}"));
        let v = v
            .into_string()
            .map_err(|_| named(Error::invalid("invalid actor: not UTF-8")))?;
        if v.trim().is_empty() {
            return Err(Error::InvalidInput(
                "LOBU_ACTOR is set but blank (unset it to record the OS user@host, or name \
                 who is acting)"
                    .into(),
            ));
        }
        Actor::new(&v).and_then(Actor::operator).map_err(named)
    }

    /// The driver configuration of the database this invocation uses (the given one, every
    /// host named, or the embedded database's socket).
    pub(crate) fn config(&self) -> Result<tokio_postgres::Config> {
        match &self.database {
            Database::Given(url) => match self.connected.get() {
                Some(info) => info.config(),
                None => resolve(url)?.config(),
            },
            Database::Empty(what) => Err(empty(what)),
            Database::Embedded => db::local::Cluster::default_location()?.url().config(),
        }
    }

    /// `migrate` on this invocation's database, saying on stderr what it waits for.
    pub(crate) fn migrate(
        &self,
        options: db::migrate::Options,
    ) -> Result<db::migrate::MigrateReport> {
        let out = self.out;
        db::migrate::migrate(&|| self.connect(Schema::Unchecked), options, &|waiting| {
            out.note(&waiting_note(waiting))
        })
    }

    /// Runs `f` in one transaction and, in the same one, records the audit event that
    /// `event` makes of its result (by [`Ctx::actor`]): both commit, or neither.
    pub(crate) fn audited<T>(
        &self,
        client: &mut Client,
        f: impl FnOnce(&mut Client, chrono::DateTime<chrono::Utc>) -> Result<T>,
        event: impl FnOnce(&T) -> crate::audit::Event,
    ) -> Result<T> {
        let actor = self.actor()?;
        db::in_tx(client, |tx, now| {
            let value = f(tx, now)?;
            crate::audit::record(tx, &actor, now, &event(&value))?;
            Ok(value)
        })
    }

    /// Opens the invocation's one connection: the given database, or the embedded one
    /// (started and migrated on first use).
    pub(crate) fn connect(&self, schema: Schema) -> Result<Client> {
        let out = self.out;
        let mut client = match &self.database {
            Database::Given(url) => {
                let info = resolve(url)?;
                if out.verbose {
                    let line = info.scrub(&format!("connecting to {info} ({})", info.details()));
                    eprintln!("{}", super::output::escaped(&line));
                }
                let client = db::connect_to(&info)?;
                let _ = self.connected.set(info);
                client
            }
            Database::Empty(what) => return Err(empty(what)),
            Database::Embedded => {
                // the embedded database is usually up: try it first (one connection), and only
                // when that fails, initialise or start it
                let cluster = db::local::Cluster::default_location()?;
                if out.verbose {
                    eprintln!(
                        "connecting to the embedded database in {}",
                        cluster.home.display()
                    );
                }
                match db::connect(&cluster.url()) {
                    Ok(c) => c,
                    Err(e @ Error::Interrupted) => return Err(e),
                    Err(_) => db::connect(&db::local::ensure_running(&cluster)?)?,
                }
            }
        };
        super::signals::cancel_on_signal()?;
        // the embedded database migrates itself; an explicit one is the operator's, and the
        // command's own transactions refuse it when it does not match
        if schema == Schema::Checked && matches!(self.database, Database::Embedded) {
            match db::in_tx_unchecked(&mut client, |tx, _| db::migrate::state(tx))? {
                db::migrate::SchemaState::Behind { .. } => {
                    self.migrate(db::migrate::Options::default())?;
                }
                state => state.require_current()?,
            }
        }
        Ok(client)
    }
}

/// What `migrate` says, as it starts waiting, to the person who runs it.
fn waiting_note(waiting: &db::migrate::Waiting) -> String {
    use db::migrate::Waiting;
    match waiting {
        Waiting::ForMigrator(holder) => format!(
            "waiting for another migrate{} to finish",
            holder
                .map(|pid| format!(" (backend pid {pid})"))
                .unwrap_or_default()
        ),
        Waiting::ForTransactions { index, blockers } => format!(
            "index {index}: waiting for older transactions to end ({})",
            blockers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Waiting::ForEarlierBuild { index } => format!(
            "index {index}: waiting for an interrupted migrate's statement, still running on \
             the server, to end"
        ),
    }
}
