//! The command tree and its handlers.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use uuid::Uuid;

use super::args::{
    parse_cooldown, parse_duration, parse_id, parse_time, parse_tz, parse_uuid, TokenSource,
};
use super::{connect, Cli, Schema};
use crate::db::{self, migrate};
use crate::devices::{self, Platform, RegisterDevice};
use crate::error::{Error, Result};
use crate::output::{cell, kv_table, table, when, Out};
use crate::runs::{self, Finish, RunFilter, RunStatus};
use crate::schedule::{FireTime, Schedule};
use crate::tokens::{self, Token};
use crate::watchers::{self, NewWatcher, StatusFilter, Trigger, WatcherPatch};
use crate::{agents, fixtures, orgs, provisioning};

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the embedded migrations (under an advisory lock), or list them.
    Migrate {
        /// `status`: list applied and pending migrations.
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Manage the embedded database (used when no DATABASE_URL is given).
    Db {
        /// What to do.
        #[command(subcommand)]
        action: DbAction,
    },
    /// Organisations.
    Org {
        /// What to do.
        #[command(subcommand)]
        action: OrgAction,
    },
    /// Give an organisation its default agent, once (sticky).
    #[command(after_help = "Examples:\n  \
        lobu-admin org create acme --name 'Acme Inc'\n  \
        lobu-admin provision-agent --org acme\n  \
        lobu-admin -o json provision-agent --org acme | jq -r .outcome")]
    ProvisionAgent {
        /// Organisation id.
        #[arg(long)]
        org: String,
    },
    /// Agents.
    Agents {
        /// What to do.
        #[command(subcommand)]
        action: AgentAction,
    },
    /// Register a device (or refresh a known one); a first Mac gets the daily check-in.
    #[command(after_help = "Examples:\n  \
        lobu-admin register-device --org acme --user ada --worker-id mbp-1 --platform macos \\\n      \
        --timezone Europe/Berlin --issue-token --expires-in 30d\n  \
        lobu-admin -o json register-device --org acme --user ada --worker-id mbp-1 \\\n      \
        --platform macos --issue-token | jq -r .token.token > ada.token")]
    RegisterDevice(RegisterArgs),
    /// Devices.
    Devices {
        /// What to do.
        #[command(subcommand)]
        action: DeviceAction,
    },
    /// Device tokens.
    Tokens {
        /// What to do.
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Watchers.
    Watchers {
        /// What to do.
        #[command(subcommand)]
        action: WatcherAction,
    },
    /// Cron tools.
    Schedule {
        /// What to do.
        #[command(subcommand)]
        action: ScheduleAction,
    },
    /// Queue runs of due watchers (and rescue stale runs).
    #[command(after_help = "Examples:\n  \
        lobu-admin dispatch                                  # one pass, now\n  \
        lobu-admin dispatch --now 2026-06-01T07:00:00Z       # a simulated clock\n  \
        lobu-admin -o json dispatch --loop --interval 30s    # a service: JSON lines, SIGTERM stops")]
    Dispatch(DispatchArgs),
    /// Runs: device side (claim, heartbeat, complete, fail) and operator side.
    Runs {
        /// What to do.
        #[command(subcommand)]
        action: RunAction,
    },
    /// Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers.
    #[command(after_help = "Examples:\n  \
        lobu-admin seed examples/fixture.json\n  \
        cat fixture.json | lobu-admin -q -o json seed -")]
    Seed {
        /// The fixture file, or `-`.
        file: String,
        /// Validate and report exactly what an apply would do, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the organisations as a fixture that `seed` accepts (all by default).
    ///
    /// Token values cannot be exported (only their hashes are stored), so devices come out
    /// without `token`; the daily check-ins are left out too, since registering the first
    /// Mac re-creates them.
    #[command(after_help = "Examples:\n  \
        lobu-admin export > fixture.json\n  \
        lobu-admin export --org acme --org globex | lobu-admin --database-url \"$OTHER\" seed -")]
    Export {
        /// Only this organisation (repeatable).
        #[arg(long = "org", value_name = "ID")]
        orgs: Vec<String>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// A guided tour on the embedded (or given) database.
    Demo,
}

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

#[derive(Debug, Subcommand)]
pub enum OrgAction {
    /// Create an organisation.
    Create {
        /// Lowercase id: [a-z0-9][a-z0-9_-]{0,62}.
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
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgentAction {
    /// List an organisation's agents.
    List {
        /// Organisation id.
        #[arg(long)]
        org: String,
    },
    /// Delete an agent (the provisioning sentinel stays: it is not re-created).
    Delete {
        /// Organisation id.
        #[arg(long)]
        org: String,
        /// Agent id.
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Organisation id.
    #[arg(long)]
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
    #[arg(long, value_parser = parse_duration, requires = "issue_token", value_name = "DUR")]
    expires_in: Option<chrono::Duration>,
}

#[derive(Debug, Subcommand)]
pub enum DeviceAction {
    /// List an organisation's devices.
    List {
        /// Organisation id.
        #[arg(long)]
        org: String,
    },
    /// Show a device.
    Show {
        /// Device id.
        #[arg(value_parser = parse_uuid)]
        id: Uuid,
    },
    /// Delete a device: unpins and pauses its watchers, cancels their active runs.
    Delete {
        /// Device id.
        #[arg(value_parser = parse_uuid)]
        id: Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Issue a token for a device (shown once).
    Create {
        /// Device id.
        #[arg(long, value_parser = parse_uuid)]
        device: Uuid,
        /// Lifetime, e.g. 30d.
        #[arg(long, value_parser = parse_duration, value_name = "DUR")]
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

#[derive(Debug, Subcommand)]
pub enum WatcherAction {
    /// List an organisation's watchers with next and last firing.
    #[command(after_help = "Examples:\n  \
        lobu-admin watchers list --org acme\n  \
        lobu-admin watchers list --org acme --status all --device 0b6c…\n  \
        lobu-admin -o json watchers list --org acme | jq '.[] | {id, next_run_at}'")]
    List {
        /// Organisation id.
        #[arg(long)]
        org: String,
        /// Only watchers pinned to this device.
        #[arg(long, value_parser = parse_uuid)]
        device: Option<Uuid>,
        /// Status filter (default: all but archived).
        #[arg(long, value_enum)]
        status: Option<ListStatus>,
        /// At most this many.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..))]
        limit: i64,
    },
    /// Show a watcher with its recent runs.
    Show {
        /// Watcher id.
        #[arg(value_parser = parse_id)]
        id: i64,
    },
    /// Queue a manual run (device token, or --admin); returns the active run if any.
    #[command(after_help = "Examples:\n  \
        lobu-admin watchers trigger 7 --token-file ada.token\n  \
        echo \"$TOKEN\" | lobu-admin -o json watchers trigger 7 --token-file -\n  \
        lobu-admin watchers trigger 7 --admin")]
    Trigger {
        /// Watcher id.
        #[arg(value_parser = parse_id)]
        id: i64,
        /// Operator mode: no token, no pin check.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        token: TokenSource,
    },
    /// Print the next fire times.
    Next {
        /// Watcher id.
        #[arg(value_parser = parse_id)]
        id: i64,
        /// How many.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
        count: u16,
    },
    /// Create a watcher.
    Create {
        /// Organisation id.
        #[arg(long)]
        org: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Cron expression (5 fields or @daily etc.).
        #[arg(long, value_parser = parse_schedule)]
        schedule: Schedule,
        /// IANA time zone.
        #[arg(long, value_parser = parse_tz, default_value = "UTC")]
        timezone: chrono_tz::Tz,
        /// Agent id.
        #[arg(long)]
        agent: String,
        /// Pin to a device.
        #[arg(long, value_parser = parse_uuid)]
        device: Option<Uuid>,
        /// Prompt.
        #[arg(long)]
        prompt: String,
        /// Slug (default: from the name).
        #[arg(long)]
        slug: Option<String>,
        /// Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never).
        #[arg(long = "min-cooldown", value_parser = parse_cooldown, default_value = "0s", value_name = "DUR")]
        min_cooldown_seconds: i32,
    },
    /// Change a watcher: only the given flags change.
    Update {
        /// Watcher id.
        #[arg(value_parser = parse_id)]
        id: i64,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Slug.
        #[arg(long)]
        slug: Option<String>,
        /// Cron expression.
        #[arg(long, value_parser = parse_schedule)]
        schedule: Option<Schedule>,
        /// IANA time zone.
        #[arg(long, value_parser = parse_tz)]
        timezone: Option<chrono_tz::Tz>,
        /// Agent id.
        #[arg(long)]
        agent: Option<String>,
        /// Pin to a device.
        #[arg(long, value_parser = parse_uuid, conflicts_with = "unpin")]
        device: Option<Uuid>,
        /// Remove the pin.
        #[arg(long)]
        unpin: bool,
        /// Prompt.
        #[arg(long)]
        prompt: Option<String>,
        /// Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never).
        #[arg(long = "min-cooldown", value_parser = parse_cooldown, value_name = "DUR")]
        min_cooldown_seconds: Option<i32>,
    },
    /// Pause a watcher.
    Pause {
        /// Watcher id.
        #[arg(value_parser = parse_id)]
        id: i64,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Resume a paused watcher.
    Resume {
        /// Watcher id.
        #[arg(value_parser = parse_id)]
        id: i64,
    },
    /// Archive a watcher (cancels its active run).
    Archive {
        /// Watcher id.
        #[arg(value_parser = parse_id)]
        id: i64,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ListStatus {
    Active,
    Paused,
    Archived,
    All,
}

fn parse_schedule(s: &str) -> std::result::Result<Schedule, String> {
    Schedule::parse(s).map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum ScheduleAction {
    /// Print the fire times of an expression.
    Preview {
        /// Cron expression.
        #[arg(value_parser = parse_schedule)]
        expr: Schedule,
        /// IANA time zone.
        #[arg(long, value_parser = parse_tz, default_value = "UTC")]
        timezone: chrono_tz::Tz,
        /// Start (exclusive), RFC 3339; default now.
        #[arg(long, value_parser = parse_time)]
        from: Option<DateTime<Utc>>,
        /// How many.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
        count: u16,
    },
}

/// The rescue thresholds, on `runs rescue` and `dispatch` alike.
#[derive(Debug, Clone, Copy, Args)]
pub struct RescueArgs {
    /// Claimed or running without a heartbeat for this long: back to pending.
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DUR")]
    stale_after: chrono::Duration,
    /// Active (pending included) for this long since queued: timeout.
    #[arg(long, value_parser = parse_duration, default_value = "2h", value_name = "DUR")]
    timeout_after: chrono::Duration,
}

#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// Pretend it is this time (RFC 3339).
    #[arg(long, value_parser = parse_time, conflicts_with = "run_loop")]
    now: Option<DateTime<Utc>>,
    /// Watchers per transaction.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(i64).range(1..))]
    limit: i64,
    /// Keep dispatching until interrupted (Ctrl-C).
    #[arg(long = "loop")]
    run_loop: bool,
    /// Pause between ticks of --loop.
    #[arg(long, value_parser = parse_duration, default_value = "30s", value_name = "DUR")]
    interval: chrono::Duration,
    #[command(flatten)]
    rescue: RescueArgs,
}

#[derive(Debug, Subcommand)]
pub enum RunAction {
    /// Claim the oldest pending runs of the token's device.
    #[command(after_help = "Examples:\n  \
        LOBU_DEVICE_TOKEN=$(cat ada.token) lobu-admin -o json runs claim --limit 1\n  \
        lobu-admin runs complete 42 --token-file ada.token --result '{\"summary\":\"ok\"}'")]
    Claim {
        #[command(flatten)]
        token: TokenSource,
        /// At most this many.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(i64).range(1..=1000))]
        limit: i64,
    },
    /// Record a heartbeat.
    Heartbeat {
        /// Run id.
        #[arg(value_parser = parse_id)]
        id: i64,
        #[command(flatten)]
        token: TokenSource,
    },
    /// Complete a run.
    Complete {
        /// Run id.
        #[arg(value_parser = parse_id)]
        id: i64,
        /// Result JSON.
        #[arg(long, value_parser = parse_json)]
        result: Option<serde_json::Value>,
        #[command(flatten)]
        token: TokenSource,
    },
    /// Fail a run.
    Fail {
        /// Run id.
        #[arg(value_parser = parse_id)]
        id: i64,
        /// What went wrong.
        #[arg(long)]
        error: String,
        #[command(flatten)]
        token: TokenSource,
    },
    /// Re-queue stale runs and time out old ones.
    Rescue {
        #[command(flatten)]
        rescue: RescueArgs,
        /// Pretend it is this time (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        now: Option<DateTime<Utc>>,
    },
    /// List runs, newest first.
    List {
        /// Organisation id.
        #[arg(long)]
        org: Option<String>,
        /// Watcher id.
        #[arg(long, value_parser = parse_id)]
        watcher: Option<i64>,
        /// State.
        #[arg(long, value_enum)]
        status: Option<RunStatus>,
        /// At most this many.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..))]
        limit: i64,
    },
    /// Cancel an active run.
    Cancel {
        /// Run id.
        #[arg(value_parser = parse_id)]
        id: i64,
    },
}

fn parse_json(s: &str) -> std::result::Result<serde_json::Value, String> {
    serde_json::from_str(s).map_err(|e| format!("invalid JSON: {e}"))
}

/// Runs the parsed command.
pub(super) fn dispatch(cli: &Cli, out: Out) -> Result<()> {
    let now = Utc::now();
    match &cli.command {
        Command::Migrate { action } => {
            let mut c = connect(cli, out, Schema::Unchecked)?;
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
                    let s = db::in_tx(&mut c, |tx| migrate::status(tx))?;
                    out.show(&s, |s| {
                        table(
                            &["VERSION", "NAME", "STATE"],
                            s.iter().map(|m| {
                                vec![m.version.to_string(), m.name.clone(), m.state.to_string()]
                            }),
                        )
                    })
                }
            }
        }
        Command::Db { action } => super::meta::db(action, out),
        Command::Org { action } => {
            let mut c = connect(cli, out, Schema::Checked)?;
            match action {
                OrgAction::Create { id, name } => out.object(&db::in_tx(&mut c, |tx| {
                    orgs::create(tx, id, name.as_deref())
                })?),
                OrgAction::List => {
                    let list = db::in_tx(&mut c, |tx| orgs::list(tx))?;
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
                OrgAction::Show { id } => out.object(&db::in_tx(&mut c, |tx| orgs::show(tx, id))?),
            }
        }
        Command::ProvisionAgent { org } => {
            orgs::validate_id("organization id", org)?;
            let mut c = connect(cli, out, Schema::Checked)?;
            let r = db::in_tx(&mut c, |tx| provisioning::provision_agent(tx, org, now))?;
            out.object(&r)
        }
        Command::Agents { action } => {
            let mut c = connect(cli, out, Schema::Checked)?;
            match action {
                AgentAction::List { org } => {
                    let list = db::in_tx(&mut c, |tx| agents::list(tx, org))?;
                    out.show(&list, |l| {
                        table(
                            &["ID", "NAME", "CREATED"],
                            l.iter().map(|a| {
                                vec![a.id.clone(), a.name.clone(), when(Some(a.created_at), now)]
                            }),
                        )
                    })
                }
                AgentAction::Delete { org, id } => {
                    out.object(&db::in_tx(&mut c, |tx| agents::delete(tx, org, id))?)
                }
            }
        }
        Command::RegisterDevice(a) => {
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
            let mut c = connect(cli, out, Schema::Checked)?;
            let r = db::in_tx(&mut c, |tx| devices::register(tx, &input, now))?;
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
        Command::Devices { action } => {
            let mut c = connect(cli, out, Schema::Checked)?;
            match action {
                DeviceAction::List { org } => {
                    let list = db::in_tx(&mut c, |tx| devices::list(tx, org))?;
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
                DeviceAction::Show { id } => {
                    out.object(&db::in_tx(&mut c, |tx| devices::show(tx, *id))?)
                }
                DeviceAction::Delete { id } => {
                    out.object(&db::in_tx(&mut c, |tx| devices::delete(tx, *id, now))?)
                }
            }
        }
        Command::Tokens { action } => {
            let mut c = connect(cli, out, Schema::Checked)?;
            match action {
                TokenAction::Create { device, expires_in } => {
                    let t = db::in_tx(&mut c, |tx| {
                        tokens::create(tx, *device, *expires_in, None, now)
                    })?;
                    out.show(&t, |t| {
                        format!(
                            "token {} for device {device} (shown once, store it now):\n{}",
                            t.id, t.token
                        )
                    })
                }
                TokenAction::List { device } => {
                    let list = db::in_tx(&mut c, |tx| tokens::list(tx, *device))?;
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
                TokenAction::Revoke { token_id } => {
                    out.object(&db::in_tx(&mut c, |tx| tokens::revoke(tx, *token_id, now))?)
                }
            }
        }
        Command::Watchers { action } => watcher_command(cli, out, action, now),
        Command::Schedule {
            action:
                ScheduleAction::Preview {
                    expr,
                    timezone,
                    from,
                    count,
                },
        } => {
            let times = expr.upcoming(*timezone, from.unwrap_or(now), usize::from(*count))?;
            show_times(out, &times)
        }
        Command::Dispatch(a) => {
            let opts = crate::dispatch::Options {
                limit: a.limit,
                stale_after: a.rescue.stale_after,
                timeout_after: a.rescue.timeout_after,
            };
            super::meta::dispatch(cli, out, a.now, &opts, a.run_loop, a.interval)
        }
        Command::Runs { action } => run_command(cli, out, action, now),
        Command::Seed { file, dry_run } => {
            let summary = super::meta::seed(cli, out, file, *dry_run, now)?;
            out.show(&summary, fixtures::Summary::render)
        }
        Command::Export { orgs } => {
            for id in orgs {
                orgs::validate_id("organization id", id)?;
            }
            let mut c = connect(cli, out, Schema::Checked)?;
            let fixture = db::in_tx(&mut c, |tx| fixtures::export(tx, orgs))?;
            let text = serde_json::to_string_pretty(&fixture)
                .map_err(|e| Error::Internal(format!("cannot render the fixture: {e}")))?;
            crate::output::write_stdout(&format!("{text}\n"))
        }
        Command::Completions { shell } => super::meta::completions(*shell),
        Command::Man => super::meta::man(),
        Command::Demo => super::meta::demo(cli, out),
    }
}

/// The `watchers list` table (also used by `demo`).
pub(super) fn watchers_table(l: &[watchers::WatcherListItem], now: DateTime<Utc>) -> String {
    table(
        &[
            "ID",
            "SLUG",
            "NAME",
            "SCHEDULE",
            "TZ",
            "STATUS",
            "DEVICE",
            "AGENT",
            "NEXT RUN",
            "LAST FIRED",
            "LAST RUN",
        ],
        l.iter().map(|w| {
            vec![
                w.id.to_string(),
                w.slug.clone(),
                w.name.clone(),
                w.schedule.clone(),
                w.timezone.clone(),
                w.status.clone(),
                w.device_id
                    .map_or_else(|| "-".into(), |d| d.to_string()[..8].to_string()),
                w.agent_id.clone(),
                match (&w.next_run_local, w.next_run_at) {
                    (Some(l), Some(n)) => format!(
                        "{} ({})",
                        l.get(..16).unwrap_or(l).replace('T', " "),
                        crate::output::relative(n, now)
                    ),
                    _ => "-".into(),
                },
                w.last_fired_at
                    .map_or_else(|| "-".into(), |t| crate::output::relative(t, now)),
                w.last_run.as_ref().map_or_else(
                    || "-".into(),
                    |r| format!("#{} {} {}", r.id, r.status, r.dispatch_source),
                ),
            ]
        }),
    )
}

fn show_times(out: Out, times: &[FireTime]) -> Result<()> {
    out.show(&times, |t| {
        table(
            &["LOCAL", "UTC"],
            t.iter().map(|f| vec![f.at_local.clone(), f.at_utc.clone()]),
        )
    })
}

fn watcher_command(cli: &Cli, out: Out, action: &WatcherAction, now: DateTime<Utc>) -> Result<()> {
    if let WatcherAction::Trigger { id, admin, token } = action {
        let id = *id;
        let token = if *admin { None } else { Some(token.require()?) };
        let mut c = connect(cli, out, Schema::Checked)?;
        let r = db::in_tx(&mut c, |tx| {
            let who = match token {
                Some(t) => Trigger::Device(tokens::authenticate(tx, &t, now)?),
                None => Trigger::Admin,
            };
            watchers::trigger(tx, id, &who, now)
        })?;
        return out.show(&r, |r| {
            if r.already_queued {
                format!(
                    "run {} of watcher {} is already {} (queued {}); nothing new queued",
                    r.run_id,
                    r.watcher_id,
                    r.status,
                    when(Some(r.queued_at), now)
                )
            } else {
                format!("queued run {} of watcher {}", r.run_id, r.watcher_id)
            }
        });
    }
    let mut c = connect(cli, out, Schema::Checked)?;
    match action {
        WatcherAction::Trigger { .. } => Ok(()),
        WatcherAction::List {
            org,
            device,
            status,
            limit,
        } => {
            let status = match status {
                None => StatusFilter::Live,
                Some(ListStatus::Active) => StatusFilter::Active,
                Some(ListStatus::Paused) => StatusFilter::Paused,
                Some(ListStatus::Archived) => StatusFilter::Archived,
                Some(ListStatus::All) => StatusFilter::All,
            };
            let list = db::in_tx(&mut c, |tx| {
                watchers::list(tx, org, *device, status, *limit)
            })?;
            out.show(&list, |l| watchers_table(l, now))
        }
        WatcherAction::Show { id } => {
            let d = db::in_tx(&mut c, |tx| watchers::show(tx, *id))?;
            out.show(&d, |d| {
                let mut v = serde_json::to_value(&d.watcher).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("next_run_local".into(), serde_json::json!(d.next_run_local));
                }
                let runs = table(
                    &[
                        "RUN",
                        "STATUS",
                        "SOURCE",
                        "TRIGGERED BY",
                        "QUEUED",
                        "FINISHED",
                    ],
                    d.recent_runs.iter().map(|r| {
                        vec![
                            r.id.to_string(),
                            r.status.clone(),
                            r.dispatch_source.clone(),
                            r.triggered_by.clone(),
                            when(Some(r.queued_at), now),
                            when(r.finished_at, now),
                        ]
                    }),
                );
                format!("{}\n\nrecent runs:\n{runs}", kv_table(&v))
            })
        }
        WatcherAction::Next { id, count } => {
            let times = db::in_tx(&mut c, |tx| {
                watchers::next_times(tx, *id, now, usize::from(*count))
            })?;
            show_times(out, &times)
        }
        WatcherAction::Create {
            org,
            name,
            schedule,
            timezone,
            agent,
            device,
            prompt,
            slug,
            min_cooldown_seconds,
        } => {
            let w = NewWatcher {
                org_id: org.clone(),
                slug: slug.clone(),
                name: name.clone(),
                prompt: prompt.clone(),
                schedule: schedule.clone(),
                timezone: *timezone,
                agent_id: agent.clone(),
                device_id: *device,
                extraction_schema: None,
                min_cooldown_seconds: *min_cooldown_seconds,
                created_by: "admin".into(),
            };
            out.object(&db::in_tx(&mut c, |tx| watchers::create(tx, &w, now))?)
        }
        WatcherAction::Update {
            id,
            name,
            slug,
            schedule,
            timezone,
            agent,
            device,
            unpin,
            prompt,
            min_cooldown_seconds,
        } => {
            let patch = WatcherPatch {
                name: name.clone(),
                slug: slug.clone(),
                prompt: prompt.clone(),
                schedule: schedule.clone(),
                timezone: *timezone,
                agent_id: agent.clone(),
                device_id: if *unpin { Some(None) } else { device.map(Some) },
                min_cooldown_seconds: *min_cooldown_seconds,
                extraction_schema: None,
            };
            out.object(&db::in_tx(&mut c, |tx| {
                watchers::update(tx, *id, &patch, now)
            })?)
        }
        WatcherAction::Pause { id, reason } => out.object(&db::in_tx(&mut c, |tx| {
            watchers::pause(tx, *id, reason.as_deref(), now)
        })?),
        WatcherAction::Resume { id } => {
            out.object(&db::in_tx(&mut c, |tx| watchers::resume(tx, *id, now))?)
        }
        WatcherAction::Archive { id } => {
            out.object(&db::in_tx(&mut c, |tx| watchers::archive(tx, *id, now))?)
        }
    }
}

fn run_command(cli: &Cli, out: Out, action: &RunAction, now: DateTime<Utc>) -> Result<()> {
    let token: Option<Token> = match action {
        RunAction::Claim { token, .. }
        | RunAction::Heartbeat { token, .. }
        | RunAction::Complete { token, .. }
        | RunAction::Fail { token, .. } => Some(token.require()?),
        _ => None,
    };
    let mut c = connect(cli, out, Schema::Checked)?;
    // authenticate and act in one transaction; render only after it committed
    let done =
        db::in_tx(&mut c, |tx| {
            let who = match &token {
                Some(t) => Some(tokens::authenticate(tx, t, now)?),
                None => None,
            };
            Ok(match (action, who) {
                (RunAction::Claim { limit, .. }, Some(who)) => {
                    RunsDone::List(runs::claim(tx, &who, *limit, now)?)
                }
                (RunAction::Heartbeat { id, .. }, Some(who)) => {
                    RunsDone::object(&runs::heartbeat(tx, &who, *id, now)?)
                }
                (RunAction::Complete { id, result, .. }, Some(who)) => RunsDone::object(
                    &runs::finish(tx, &who, *id, &Finish::Complete(result.clone()), now)?,
                ),
                (RunAction::Fail { id, error, .. }, Some(who)) => RunsDone::object(&runs::finish(
                    tx,
                    &who,
                    *id,
                    &Finish::Fail(error.clone()),
                    now,
                )?),
                (RunAction::Rescue { rescue, now: at }, _) => RunsDone::object(&runs::rescue(
                    tx,
                    at.unwrap_or(now),
                    rescue.stale_after,
                    rescue.timeout_after,
                )?),
                (
                    RunAction::List {
                        org,
                        watcher,
                        status,
                        limit,
                    },
                    _,
                ) => RunsDone::List(runs::list(
                    tx,
                    &RunFilter {
                        org_id: org.clone(),
                        watcher_id: *watcher,
                        status: *status,
                        limit: *limit,
                    },
                )?),
                (RunAction::Cancel { id }, _) => RunsDone::object(&runs::cancel(tx, *id, now)?),
                _ => return Err(Error::Internal("unreachable run command".into())),
            })
        })?;
    match done {
        RunsDone::List(list) => out.show(&list, |l| {
            table(
                &[
                    "RUN",
                    "WATCHER",
                    "STATUS",
                    "SOURCE",
                    "TRIGGERED BY",
                    "QUEUED",
                    "FINISHED",
                ],
                l.iter().map(|r| {
                    vec![
                        r.id.to_string(),
                        r.watcher_id.map_or_else(|| "-".into(), |w| w.to_string()),
                        r.status.clone(),
                        r.dispatch_source.clone(),
                        r.triggered_by.clone(),
                        when(Some(r.queued_at), now),
                        when(r.finished_at, now),
                    ]
                }),
            )
        }),
        RunsDone::Object(v) => out.object(&v),
    }
}

/// What a `runs` command produced, rendered after its transaction committed.
enum RunsDone {
    List(Vec<runs::Run>),
    Object(serde_json::Value),
}

impl RunsDone {
    fn object<T: serde::Serialize>(value: &T) -> Self {
        Self::Object(serde_json::to_value(value).unwrap_or_default())
    }
}
