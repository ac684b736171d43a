//! `tokens create|list|revoke`.

use clap::Subcommand;
use uuid::Uuid;

use super::args::*;
use super::context::{Ctx, Schema};
use super::output::{table, when};
use crate::audit::{Event, OrgOf, Target};
use crate::db;
use crate::error::Result;
use crate::tokens;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Issue a token for a device (shown once).
    Create {
        /// Device id.
        #[arg(long, value_parser = parse_uuid)]
        device: Uuid,
        /// Lifetime, e.g. 30d.
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR")]
        expires_in: Option<chrono::Duration>,
    },
    /// List a device's tokens (never the secret).
    List {
        /// Device id.
        #[arg(long, value_parser = parse_uuid)]
        device: Uuid,
    },
    /// Revoke a token.
    Revoke {
        /// Token id.
        #[arg(value_parser = parse_uuid)]
        token_id: Uuid,
    },
}

/// `tokens ...`.
pub(super) fn run(ctx: &Ctx, action: &TokenAction) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Checked)?;
    match action {
        TokenAction::Create { device, expires_in } => {
            let t = ctx.audited(
                &mut c,
                |tx, now| tokens::create(tx, *device, *expires_in, None, now),
                |t| {
                    Event::new("tokens create", None, Target::new("token", t.id), "created")
                        .details(json!({"device_id": device, "prefix": t.prefix,
                                        "expires_at": t.expires_at}))
                        .in_org_of(OrgOf::Device(*device))
                },
            )?;
            out.show(&t, |t| {
                format!(
                    "token {} for device {device} (shown once, store it now):\n{}",
                    t.id, t.token
                )
            })
        }
        TokenAction::List { device } => {
            let (list, now) = db::in_tx_at(&mut c, |tx, _| tokens::list(tx, *device))?;
            out.show(&list, |l| {
                table(
                    &[
                        "ID",
                        "PREFIX",
                        "SCOPES",
                        "CREATED",
                        "EXPIRES",
                        "REVOKED",
                        "LAST USED",
                    ],
                    l.iter().map(|t| {
                        vec![
                            t.id.to_string(),
                            format!("{}…", t.prefix),
                            t.scopes.join(","),
                            when(Some(t.created_at), now),
                            when(t.expires_at, now),
                            when(t.revoked_at, now),
                            when(t.last_used_at, now),
                        ]
                    }),
                )
            })
        }
        TokenAction::Revoke { token_id } => out.object(&ctx.audited(
            &mut c,
            |tx, now| tokens::revoke(tx, *token_id, now),
            |_| {
                Event::new(
                    "tokens revoke",
                    None,
                    Target::new("token", token_id),
                    "revoked",
                )
                .in_org_of(OrgOf::Token(*token_id))
            },
        )?),
    }
}
