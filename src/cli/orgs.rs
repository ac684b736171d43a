//! `org create|list|show` and `provision-agent`.

use clap::Subcommand;

use super::args::{parse_count, parse_org_id};
use super::context::{Ctx, Schema};
use super::output::{table, when};
use crate::audit::{self, Event, Target};
use crate::db;
use crate::error::{Error, Result};
use crate::{orgs, provisioning};
use serde_json::json;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum OrgAction {
    /// Create an organisation.
    Create {
        /// Organisation id: lowercase [a-z0-9][a-z0-9_-]{0,62}.
        #[arg(value_parser = parse_org_id)]
        id: String,
        /// Display name (default: the id).
        #[arg(long)]
        name: Option<String>,
    },
    /// List organisations.
    List,
    /// Show one organisation with its metadata (and `deleting_at` while it is being deleted).
    Show {
        /// Organisation id.
        #[arg(value_parser = parse_org_id)]
        id: String,
    },
    /// Rename an organisation.
    #[command(after_help = "Examples:\n  lobu-admin org update acme --name 'Acme Corp'")]
    Update {
        /// Organisation id.
        #[arg(value_parser = parse_org_id)]
        id: String,
        /// The new display name.
        #[arg(long)]
        name: String,
    },
    /// Delete an organisation and everything in it: agents, devices, tokens, watchers,
    /// runs, and its provisioning sentinels (an organisation created later under the same
    /// id is new). Its audit events stay.
    ///
    /// The organisation is first marked as being deleted, so it accepts nothing new
    /// (trigger, registration, claim, dispatch, any insert or edit: exit 5); its runs then
    /// go in batches, each a short transaction of its own. One delete of an organisation
    /// at a time (a second one: exit 5). Interrupted, it says how far it got (SIGINT,
    /// SIGTERM: exit 130) and finishes when run again.
    #[command(after_help = "Examples:\n  \
        lobu-admin org delete acme --dry-run      # the counts, nothing written\n  \
        lobu-admin org delete acme                # on a terminal: type the id to confirm\n  \
        lobu-admin --actor ada org delete acme --yes   # scripts: --yes is required")]
    Delete {
        /// Organisation id.
        #[arg(value_parser = parse_org_id)]
        id: String,
        /// Print what would be deleted; delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation (required without a terminal).
        #[arg(long)]
        yes: bool,
        /// Runs per batch (transaction).
        #[arg(
            long,
            default_value_t = orgs::DELETE_BATCH,
            value_parser = parse_count::<1, 1_000_000>,
            allow_negative_numbers = true
        )]
        batch: i64,
    },
}

/// `org ...`.
pub(super) fn run(ctx: &Ctx, action: &OrgAction) -> Result<()> {
    let out = ctx.out;
    if let OrgAction::Delete {
        id,
        dry_run,
        yes,
        batch,
    } = action
    {
        return delete(ctx, id, *dry_run, *yes, *batch);
    }
    let mut c = ctx.connect(Schema::Checked)?;
    match action {
        OrgAction::Create { id, name } => out.object(&orgs::create_in_flight(
            &mut c,
            id,
            name.as_deref(),
            &ctx.actor()?,
        )?),
        OrgAction::List => {
            let (list, now) = db::flight::read_in_flight(&mut c, orgs::list_via)?;
            out.show(&list, |l| {
                table(
                    &[
                        "ID", "NAME", "AGENTS", "DEVICES", "WATCHERS", "CREATED", "DELETING",
                    ],
                    l.iter().map(|o| {
                        vec![
                            o.id.clone(),
                            o.name.clone(),
                            o.agents.to_string(),
                            o.devices.to_string(),
                            o.watchers.to_string(),
                            when(Some(o.created_at), now),
                            when(o.deleting_at, now),
                        ]
                    }),
                )
            })
        }
        OrgAction::Show { id } => out.object(&orgs::show_in_flight(&mut c, id)?),
        OrgAction::Update { id, name } => {
            // the rename and its audit event in one statement, one flight
            let u = orgs::update_in_flight(&mut c, id, name, &ctx.actor()?)?;
            if !u.changed {
                out.note(&format!(
                    "unchanged: organization {id} is already named {name:?}"
                ));
            }
            out.object(&u)
        }
        OrgAction::Delete { .. } => Ok(()),
    }
}

/// `provision-agent`.
pub(super) fn provision_agent(ctx: &Ctx, org: &str) -> Result<()> {
    let out = ctx.out;
    // the id was checked by `--org`'s value parser
    let mut c = ctx.connect(Schema::Checked)?;
    let r = provisioning::provision_agent_in_flight(&mut c, org, &ctx.actor()?)?;
    out.object(&r)
}

/// `org delete`: the counts first (all of a dry run); then, confirmed, the delete in
/// batches with a progress line on a terminal, and the audit event in its last transaction.
fn delete(ctx: &Ctx, id: &str, dry_run: bool, yes: bool, batch: i64) -> Result<()> {
    use std::io::IsTerminal;
    let out = ctx.out;
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !dry_run && !yes && !terminal {
        return Err(Error::InvalidInput(format!(
            "org delete {id} needs --yes when no terminal can confirm it (or see what it \
             would delete with --dry-run)"
        )));
    }
    let actor = ctx.actor()?;
    let mut c = ctx.connect(Schema::Checked)?;
    let (counts, deleting_at) = db::in_tx(&mut c, |tx, _| orgs::contents(tx, id))?;
    let render = |d: &orgs::OrgDeleted| {
        let n = &d.deleted;
        let since = match (d.dry_run, d.deleting_at) {
            (true, Some(t)) => format!(
                " (being deleted since {}: run org delete to finish)",
                t.format("%Y-%m-%d %H:%M:%SZ")
            ),
            _ => String::new(),
        };
        let c = super::output::counted;
        format!(
            "{} organization {}: {}, {}, {}, {}, {}{since}",
            if d.dry_run { "would delete" } else { "deleted" },
            d.org_id,
            c(n.agents, "agent"),
            c(n.devices, "device"),
            c(n.tokens, "token"),
            c(n.watchers, "watcher"),
            c(n.runs, "run")
        )
    };
    let would = orgs::OrgDeleted {
        org_id: id.to_string(),
        deleted: counts,
        dry_run: true,
        deleting_at,
    };
    if dry_run {
        return out.show(&would, render);
    }
    if !yes {
        eprintln!("{}", render(&would));
        eprint!("type the organization id to delete it: ");
        let mut typed = String::new();
        super::signals::exiting_on_signal(|| std::io::stdin().read_line(&mut typed))?
            .map_err(|e| Error::InvalidInput(format!("cannot read the confirmation: {e}")))?;
        if typed.trim() != id {
            return Err(Error::InvalidInput(format!(
                "confirmation did not match {id}; nothing deleted"
            )));
        }
    }
    // SIGINT/SIGTERM: stop after the batch under way, hand the lease back, say how far it got
    let stop = super::signals::stop_flag()?;
    let bar = out.bar(
        u64::try_from(counts.runs).unwrap_or(0),
        "{spinner} deleting runs [{bar:30}] {pos}/{len} {elapsed}",
    );
    let mut deleted = 0;
    let result = orgs::delete(
        &mut c,
        id,
        batch,
        &orgs::Lease::new(orgs::DELETE_LEASE),
        &stop,
        &mut |runs| {
            deleted = runs;
            if let Some(b) = &bar {
                b.set_position(u64::try_from(runs).unwrap_or(0));
            }
        },
        &mut |tx, ending, now| {
            let (outcome, details) = match ending {
                orgs::Ending::Deleted { done, resumed } => (
                    "deleted",
                    json!({ "deleted": done.deleted, "resumed": resumed, "batch": batch }),
                ),
                orgs::Ending::Interrupted { runs_deleted } => (
                    "interrupted",
                    json!({ "runs_deleted": runs_deleted, "of": counts.runs }),
                ),
            };
            let target = Target::new("organization", id);
            let event = Event::new("org delete", Some(id), target, outcome).details(details);
            audit::record(tx, &actor, now, &event)
        },
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out.show(
        &result.map_err(|e| unfinished(id, deleted, counts.runs, e))?,
        render,
    )
}

/// An `org delete` that stopped after it marked the organisation: one line saying how far
/// it got and that running it again finishes it, with the failure's kind (exit code).
fn unfinished(id: &str, deleted: i64, runs: i64, e: Error) -> Error {
    let far = |why: &str| {
        format!(
            "org delete {id} stopped ({why}) after deleting {deleted} of {}; run org \
             delete {id} again to finish",
            super::output::counted(runs, "run")
        )
    };
    match e {
        Error::Interrupted => Error::Stopped(far("interrupted")),
        Error::DatabaseUnreachable(m) => Error::DatabaseUnreachable(far(&m)),
        Error::Transient { kind, message } => Error::Transient {
            kind,
            message: far(&message),
        },
        Error::Internal(m) => Error::Internal(far(&m)),
        other => other,
    }
}
