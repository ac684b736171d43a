//! `org create|list|show` and `provision-agent`.

use clap::Subcommand;

use super::args::parse_org_id;
use super::context::{Ctx, Schema};
use super::output::{table, when};
use crate::audit::{Event, Target};
use crate::db;
use crate::error::Result;
use crate::{orgs, provisioning};
use serde_json::json;

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
        OrgAction::Create { id, name } => out.object(&ctx.audited(
            &mut c,
            |tx, _| orgs::create(tx, id, name.as_deref()),
            |o| {
                Event::new(
                    "org create",
                    Some(id),
                    Target::new("organization", id),
                    "created",
                )
                .details(json!({ "name": o.name }))
            },
        )?),
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
        OrgAction::Show { id } => out.object(&db::in_tx(&mut c, |tx, _| orgs::show(tx, id))?),
    }
}

/// `provision-agent`.
pub(super) fn provision_agent(ctx: &Ctx, org: &str) -> Result<()> {
    let out = ctx.out;
    // the id was checked by `--org`'s value parser
    let mut c = ctx.connect(Schema::Checked)?;
    let r = ctx.audited(
        &mut c,
        |tx, now| provisioning::provision_agent(tx, org, now),
        |r| {
            let outcome = serde_json::to_value(r.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            Event::new(
                "provision-agent",
                Some(org),
                Target::new(
                    "agent",
                    r.agent_id
                        .as_deref()
                        .unwrap_or(provisioning::DEFAULT_AGENT_ID),
                ),
                &outcome,
            )
        },
    )?;
    out.object(&r)
}
