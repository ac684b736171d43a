//! `migrate`, `migrate status` and `db status|start|stop`.

use clap::Subcommand;

use super::context::{Ctx, Schema};
use super::output::{table, Out};
use crate::db::{self, local::Cluster, migrate};
use crate::error::Result;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum MigrateAction {
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum DbAction {
    /// Show where the embedded database lives and whether it runs.
    Status,
    /// Start the embedded database (initialising it on first use).
    Start,
    /// Stop the embedded database.
    Stop,
}

/// `migrate [--dry-run | status]`.
pub(super) fn migrate(
    ctx: &Ctx,
    dry_run: bool,
    index_wait: chrono::Duration,
    action: Option<&MigrateAction>,
) -> Result<()> {
    let out = ctx.out;
    match action {
        None if dry_run => {
            let mut c = ctx.connect(Schema::Unchecked)?;
            let plan = db::in_tx_unchecked(&mut c, |tx, _| migrate::plan(tx))?;
            out.show(&plan, show_plan)
        }
        None => {
            // connections of its own: one runs the DDL outside any transaction, one holds
            // the migrator lock in a transaction, one watches index builds
            let r = ctx.migrate(migrate::Options {
                index_wait: index_wait.to_std().unwrap_or(migrate::INDEX_WAIT),
            })?;
            out.show(&r, |r| {
                let mut lines: Vec<String> = r
                    .rebuilt_indexes
                    .iter()
                    .map(|i| format!("dropped index {i}, left invalid by an interrupted build"))
                    .collect();
                lines.extend(r.applied.iter().map(|m| {
                    format!(
                        "applied V{}__{} in {:.2} s ({}, {}, statements: {}, retries: {})",
                        m.version,
                        m.name,
                        m.seconds,
                        mode(m.online),
                        compatibility(m.compatible),
                        m.statements,
                        m.retries
                    )
                }));
                lines.push(if r.applied.is_empty() {
                    format!("schema is up to date (version {})", r.version)
                } else {
                    format!("schema is at version {}", r.version)
                });
                lines.join("\n")
            })
        }
        Some(MigrateAction::Status) => {
            let mut c = ctx.connect(Schema::Unchecked)?;
            let s = db::in_tx_unchecked(&mut c, |tx, _| migrate::status(tx))?;
            out.show(&s, |s| {
                table(
                    &["VERSION", "NAME", "STATE", "COMPATIBLE", "MODE"],
                    s.iter().map(|m| {
                        vec![
                            m.version.to_string(),
                            m.name.clone(),
                            m.state.to_string(),
                            if m.compatible { "yes" } else { "no" }.to_string(),
                            m.online.map_or("-", mode).to_string(),
                        ]
                    }),
                )
            })
        }
    }
}

fn mode(online: bool) -> &'static str {
    if online {
        "online"
    } else {
        "one transaction"
    }
}

fn compatibility(compatible: bool) -> &'static str {
    if compatible {
        "compatible"
    } else {
        "incompatible"
    }
}

/// `migrate --dry-run` for people: each pending migration, its statements and their locks.
fn show_plan(plan: &migrate::Plan) -> String {
    let mut lines = vec![format!(
        "schema is at version {}; {} pending migration{}",
        plan.version,
        plan.pending.len(),
        if plan.pending.len() == 1 { "" } else { "s" }
    )];
    for m in &plan.pending {
        lines.push(format!(
            "V{}__{} ({}, {})",
            m.version,
            m.name,
            compatibility(m.compatible),
            if m.online {
                "online: each statement on its own"
            } else {
                "in one transaction: every lock is held until it commits"
            }
        ));
        for step in &m.steps {
            let locks = if step.locks.is_empty() {
                "locks nothing others use".to_string()
            } else {
                step.locks
                    .iter()
                    .map(|l| {
                        let effect = if !l.mode.blocks_writes() {
                            "reads and writes go on".to_string()
                        } else if m.online {
                            format!("others wait at most {} ms a try", plan.lock_timeout_ms)
                        } else {
                            "others wait until the migration commits".to_string()
                        };
                        format!("{} on {} ({effect})", l.mode.label(), l.table)
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            lines.push(format!("  {}\n      {locks}", step.statement));
        }
    }
    lines.push(if plan.pending.is_empty() {
        "nothing to apply".to_string()
    } else if plan.older_binaries_served {
        format!(
            "binaries that know version {} or newer stay served (binaries that know version \
             {} now: yes)",
            plan.served_from, plan.version
        )
    } else {
        format!(
            "binaries that know a version before {} stop with exit 7 once it is applied \
             (binaries that know version {} now: they stop)",
            plan.served_from, plan.version
        )
    });
    lines.join("\n")
}

pub(super) fn db(action: &DbAction, out: Out) -> Result<()> {
    let cluster = Cluster::default_location()?;
    match action {
        DbAction::Status => out.object(&cluster.status()),
        DbAction::Start => {
            cluster.start()?;
            db::migrate::migrate_url(&cluster.url())?;
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
