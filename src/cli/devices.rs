//! `register-device` and `devices list|show|delete`.

use clap::{Args, Subcommand};

use super::args::*;
use super::context::{Ctx, Schema};
use super::output::{cell, table, when};
use crate::db;
use crate::devices::DeviceRef;
use crate::devices::{self, Platform, RegisterDevice};
use crate::error::Result;

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Organisation id.
    #[arg(long, value_parser = parse_org_id)]
    org: String,
    /// The user owning the device.
    #[arg(long)]
    user: String,
    /// The client's stable worker id.
    #[arg(long)]
    worker_id: String,
    /// Platform (case-insensitive).
    #[arg(long, value_enum, ignore_case = true)]
    platform: Platform,
    /// Display name.
    #[arg(long)]
    name: Option<String>,
    /// IANA time zone (a new device defaults to UTC).
    #[arg(long, value_parser = parse_tz)]
    timezone: Option<chrono_tz::Tz>,
    /// Client version.
    #[arg(long)]
    app_version: Option<String>,
    /// Issue a device token (shown once).
    #[arg(long)]
    issue_token: bool,
    /// Token lifetime, e.g. 30d.
    #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, requires = "issue_token", value_name = "DUR")]
    expires_in: Option<chrono::Duration>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum DeviceAction {
    /// List an organisation's devices.
    List {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
    },
    /// Show a device.
    #[command(after_help = "Examples:\n  lobu-admin devices show acme:mbp-1\n  \
        lobu-admin devices show 0b6c2f1e-8d2a-4c7e-9a51-3f0e6d7c1b24")]
    Show {
        /// The device: its UUID, or ORG:WORKER_ID.
        #[arg(value_parser = parse_device, value_name = "DEVICE")]
        id: DeviceRef,
    },
    /// Delete a device: unpins and pauses its watchers, cancels their active runs.
    #[command(after_help = "Examples:\n  lobu-admin devices delete acme:mbp-1")]
    Delete {
        /// The device: its UUID, or ORG:WORKER_ID.
        #[arg(value_parser = parse_device, value_name = "DEVICE")]
        id: DeviceRef,
    },
}

/// `register-device`.
pub(super) fn register(ctx: &Ctx, a: &RegisterArgs) -> Result<()> {
    let out = ctx.out;
    let input = RegisterDevice {
        org_id: a.org.clone(),
        user_id: a.user.clone(),
        worker_key: a.worker_id.clone(),
        platform: a.platform,
        name: a.name.clone(),
        timezone: a.timezone,
        app_version: a.app_version.clone(),
        issue_token: a.issue_token,
        token_expires_in: a.expires_in,
        token_value: None,
    };
    let mut c = ctx.connect(Schema::Checked)?;
    let r = devices::register_in_flight(&mut c, &input, &ctx.actor()?, chrono::Utc::now())?;
    out.show(&r, |r| {
        let dw = &r.default_watcher;
        let outcome = serde_json::to_value(dw.outcome)
            .map(|v| cell(&v))
            .unwrap_or_default();
        let mut s = table(
            &["FIELD", "VALUE"],
            [
                vec!["device_id".into(), r.device_id.to_string()],
                vec!["created".into(), r.created.to_string()],
                vec!["platform".into(), r.platform.to_string()],
                vec![
                    "default_watcher".into(),
                    match dw.watcher_id {
                        Some(id) => format!("{outcome} (watcher {id})"),
                        None => outcome,
                    },
                ],
            ],
        );
        if let Some(t) = &r.token {
            s.push_str(&format!(
                "\n\ntoken {} (shown once, store it now):\n{}",
                t.id, t.token
            ));
        }
        s
    })
}

/// `devices ...`.
pub(super) fn run(ctx: &Ctx, action: &DeviceAction) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Checked)?;
    match action {
        DeviceAction::List { org } => {
            let (list, now) = db::flight::read_in_flight(&mut c, |s| devices::list_via(s, org))?;
            out.show(&list, |l| {
                table(
                    &[
                        "ID",
                        "USER",
                        "WORKER",
                        "PLATFORM",
                        "NAME",
                        "TZ",
                        "WATCHERS",
                        "LAST SEEN",
                    ],
                    l.iter().map(|d| {
                        vec![
                            d.id.to_string(),
                            d.user_id.clone(),
                            d.worker_key.clone(),
                            d.platform.clone(),
                            d.name.clone().unwrap_or_else(|| "-".into()),
                            d.timezone.clone(),
                            d.pinned_watchers.to_string(),
                            when(Some(d.last_seen_at), now),
                        ]
                    }),
                )
            })
        }
        // by UUID or ORG:WORKER_ID, in one flight
        DeviceAction::Show { id } => {
            out.object(&db::flight::read_in_flight(&mut c, |s| devices::show_via(s, id))?.0)
        }
        // the locks, then the delete with its audit event: one flight
        DeviceAction::Delete { id } => {
            out.object(&devices::delete_in_flight(&mut c, id, &ctx.actor()?)?)
        }
    }
}
