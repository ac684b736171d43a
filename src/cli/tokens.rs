//! `tokens create|list|revoke`.

use clap::Subcommand;
use uuid::Uuid;

use crate::devices::DeviceRef;

use super::args::*;
use super::context::{Ctx, Schema};
use super::output::{print_warning, table, when};
use crate::db;
use crate::error::Result;
use crate::tokens;
use serde_json::json;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum TokenAction {
    /// Issue a token for a device (shown once).
    Create {
        /// The device: its UUID, or ORG:WORKER_ID.
        #[arg(long, value_parser = parse_device, value_name = "DEVICE")]
        device: DeviceRef,
        /// Lifetime, e.g. 30d.
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR")]
        expires_in: Option<chrono::Duration>,
    },
    /// Issue a new token for a device (shown once) and retire its other live tokens:
    /// revoked now, or expiring after --grace (a token that expires sooner keeps its own
    /// expiry: the grace is clamped, and said). One transaction.
    #[command(after_help = "Examples:\n  \
        lobu-admin tokens rotate --device acme:mbp-1 --expires-in 90d --grace 1h\n  \
        lobu-admin -o json tokens rotate --device acme:mbp-1 | jq -r .token > mbp-1.token")]
    Rotate {
        /// The device: its UUID, or ORG:WORKER_ID.
        #[arg(long, value_parser = parse_device, value_name = "DEVICE")]
        device: DeviceRef,
        /// The new token's lifetime, e.g. 90d.
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR")]
        expires_in: Option<chrono::Duration>,
        /// Let the other live tokens work this much longer (default: revoked now).
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR")]
        grace: Option<chrono::Duration>,
    },
    /// List a device's tokens (never the secret).
    List {
        /// The device: its UUID, or ORG:WORKER_ID.
        #[arg(long, value_parser = parse_device, value_name = "DEVICE")]
        device: DeviceRef,
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
            // the device (by UUID or ORG:WORKER_ID), the token and its audit event in one
            // flight
            let (t, device) =
                tokens::create_in_flight(&mut c, device, *expires_in, None, &ctx.actor()?)?;
            out.show(&t, |t| {
                format!(
                    "token {} for device {device} (shown once, store it now):\n{}",
                    t.id, t.token
                )
            })
        }
        TokenAction::Rotate {
            device,
            expires_in,
            grace,
        } => {
            // the device's lock, then the rotation with its audit event: one flight
            let r = tokens::rotate_in_flight(&mut c, device, *expires_in, *grace, &ctx.actor()?)?;
            if r.grace_clamped > 0 {
                print_warning(
                    out.format,
                    "grace_clamped",
                    &format!(
                        "--grace is longer than the remaining life of {} token(s); they keep \
                         their earlier expiry",
                        r.grace_clamped
                    ),
                    json!({ "grace_clamped": r.grace_clamped }),
                );
            }
            out.show(&r, |r| {
                let retired = match (r.retired.len(), grace) {
                    (0, _) => "no other live token".to_string(),
                    (n, None) => format!("{n} other token(s) revoked"),
                    (n, Some(_)) => format!(
                        "{n} other token(s) expire by {}",
                        r.retired
                            .iter()
                            .filter_map(|t| t.expires_at)
                            .max()
                            .map_or_else(String::new, |t| t.to_rfc3339())
                    ),
                };
                format!(
                    "token {} for device {} (shown once, store it now); {retired}:\n{}",
                    r.token.id, r.device_id, r.token.token
                )
            })
        }
        TokenAction::List { device } => {
            // by UUID or ORG:WORKER_ID, in one flight
            let (list, now) = db::flight::read_in_flight(&mut c, |s| tokens::list_via(s, device))?;
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
        // the revoke and its audit event in one statement, one flight
        TokenAction::Revoke { token_id } => {
            out.object(&tokens::revoke_in_flight(&mut c, *token_id, &ctx.actor()?)?)
        }
    }
}
