//! `org create|list|show` and `provision-agent`.

use clap::Subcommand;

use super::args::parse_org_id;
use super::context::{Ctx, Schema};
use super::output::{table, when};
use crate::db;
use crate::error::Result;
use crate::{orgs, provisioning};

#[derive(Debug, Subcommand)]
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
    /// Show one organisation with its metadata.
    Show {
        /// Organisation id.
        #[arg(value_parser = parse_org_id)]
        id: String,
    },
}

/// `org ...`.
pub(super) fn run(ctx: &Ctx, action: &OrgAction) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Checked)?;
    match action {
        OrgAction::Create { id, name } => out.object(&db::in_tx(&mut c, |tx, _| {
            orgs::create(tx, id, name.as_deref())
        })?),
        OrgAction::List => {
            let (list, now) = db::in_tx_at(&mut c, |tx, _| orgs::list(tx))?;
            out.show(&list, |l| {
                table(
                    &["ID", "NAME", "AGENTS", "DEVICES", "WATCHERS", "CREATED"],
                    l.iter().map(|o| {
                        vec![
                            o.id.clone(),
                            o.name.clone(),
                            o.agents.to_string(),
                            o.devices.to_string(),
                            o.watchers.to_string(),
                            when(Some(o.created_at), now),
                        ]
                    }),
                )
            })
        }
        OrgAction::Show { id } => out.object(&orgs::show_in_flight(&mut c, id)?),
    }
}

/// `provision-agent`.
pub(super) fn provision_agent(ctx: &Ctx, org: &str) -> Result<()> {
    let out = ctx.out;
    // the id was checked by `--org`'s value parser
    let mut c = ctx.connect(Schema::Checked)?;
    let r = db::in_tx(&mut c, |tx, now| {
        provisioning::provision_agent(tx, org, now)
    })?;
    out.object(&r)
}
