//! What every command handler gets: the database to use and how to render.

use postgres::Client;

use super::output::Out;
use crate::db::{self, DatabaseUrl};
use crate::error::Result;

/// The invocation's settings that handlers need.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// `--database-url` / `DATABASE_URL`, if given and not empty (else the embedded one).
    pub database_url: Option<String>,
    /// Rendering.
    pub out: Out,
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

impl Ctx {
    /// The driver configuration of the database this invocation uses (the given URL, or
    /// the embedded database's socket).
    pub(crate) fn config(&self) -> Result<postgres::Config> {
        let url = match self.database_url.as_deref() {
            Some(u) => DatabaseUrl::new(u),
            None => db::local::Cluster::default_location()?.url(),
        };
        Ok(url.config()?.0)
    }

    /// Opens the invocation's one connection: the given URL, or the embedded database
    /// (started and migrated on first use).
    pub(crate) fn connect(&self, schema: Schema) -> Result<Client> {
        let out = self.out;
        let explicit = self.database_url.as_deref();
        let mut client = match explicit {
            Some(u) => {
                let url = DatabaseUrl::new(u);
                if out.verbose {
                    eprintln!("connecting to {url}");
                }
                db::connect(&url)?
            }
            None => {
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
                    Err(_) => db::connect(&db::local::ensure_running(&cluster)?)?,
                }
            }
        };
        // the embedded database migrates itself; an explicit one is the operator's, and the
        // command's own transactions refuse it when it does not match
        if schema == Schema::Checked && explicit.is_none() {
            match db::in_tx_unchecked(&mut client, |tx, _| db::migrate::state(tx))? {
                db::migrate::SchemaState::Behind { .. } => {
                    let mut lock = self.connect(Schema::Unchecked)?;
                    db::migrate::migrate(&mut client, &mut lock)?;
                }
                state => state.require_current()?,
            }
        }
        Ok(client)
    }
}
