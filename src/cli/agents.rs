//! `agents list|delete`.

use clap::Subcommand;

use super::args::parse_org_id;
use super::context::{Ctx, Schema};
use super::output::{table, when};
use crate::agents;
use crate::audit::{Event, Target};
use crate::db;
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum AgentAction {
    /// List an organisation's agents.
    List {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
    },
    /// Delete an agent (the provisioning sentinel stays: it is not re-created).
    Delete {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
        /// Agent id.
        id: String,
    },
}

/// `agents ...`.
pub(super) fn run(ctx: &Ctx, action: &AgentAction) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Checked)?;
    match action {
        AgentAction::List { org } => {
            let (list, now) = db::in_tx_at(&mut c, |tx, _| agents::list(tx, org))?;
            out.show(&list, |l| {
                table(
                    &["ID", "NAME", "CREATED"],
                    l.iter()
                        .map(|a| vec![a.id.clone(), a.name.clone(), when(Some(a.created_at), now)]),
                )
            })
        }
        AgentAction::Delete { org, id } => out.object(&ctx.audited(
            &mut c,
            |tx, _| agents::delete(tx, org, id),
            |_| {
                Event::new(
                    "agents delete",
                    Some(org),
                    Target::new("agent", id),
                    "deleted",
                )
            },
        )?),
    }
}
