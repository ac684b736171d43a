//! `migrate`, `migrate status` and `db status|start|stop`.

use clap::Subcommand;

use super::context::{Ctx, Schema};
use super::output::{table, Out};
use crate::db::{self, local::Cluster, migrate};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Show where the embedded database lives and whether it runs.
    Status,
    /// Start the embedded database (initialising it on first use).
    Start,
    /// Stop the embedded database.
    Stop,
}

/// `migrate [status]`.
pub(super) fn migrate(ctx: &Ctx, action: Option<&MigrateAction>) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Unchecked)?;
    match action {
        None => {
            let r = migrate::migrate(&mut c)?;
            out.show(&r, |r| {
                if r.applied.is_empty() {
                    format!("schema is up to date (version {})", r.version)
                } else {
                    r.applied
                        .iter()
                        .map(|m| format!("applied V{}__{}", m.version, m.name))
                        .chain([format!("schema is at version {}", r.version)])
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            })
        }
        Some(MigrateAction::Status) => {
            let s = db::in_tx_unchecked(&mut c, |tx, _| migrate::status(tx))?;
            out.show(&s, |s| {
                table(
                    &["VERSION", "NAME", "STATE"],
                    s.iter()
                        .map(|m| vec![m.version.to_string(), m.name.clone(), m.state.to_string()]),
                )
            })
        }
    }
}

pub(super) fn db(action: &DbAction, out: Out) -> Result<()> {
    let cluster = Cluster::default_location()?;
    match action {
        DbAction::Status => out.object(&cluster.status()),
        DbAction::Start => {
            cluster.start()?;
            db::migrate::migrate(&mut db::connect(&cluster.url())?)?;
            out.object(&cluster.status())
        }
        DbAction::Stop => {
            let stopped = cluster.stop()?;
            out.note(if stopped {
                "embedded database stopped"
            } else {
                "embedded database was not running"
            });
            out.object(&cluster.status())
        }
    }
}
