//! `watchers list|show|next|create|update|pause|resume|archive|reschedule|trigger`.

use clap::Subcommand;

use super::args::*;
use super::context::{Ctx, Schema};
use super::output::{kv_table, show_times, table, watchers_table, when};
use crate::audit::{Event, Target};
use crate::db;
use crate::devices::{self, DeviceRef};
use crate::error::Result;
use crate::schedule::Schedule;
use crate::watchers::{
    self, NewWatcher, RescheduleScope, StatusFilter, Timing, Trigger, WatcherPatch,
};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum WatcherAction {
    /// List an organisation's watchers with next and last firing.
    #[command(after_help = "Examples:\n  \
        lobu-admin watchers list --org acme\n  \
        lobu-admin watchers list --org acme --status all --device acme:mbp-1\n  \
        lobu-admin -o json watchers list --org acme | jq '.[] | {id, next_run_at}'")]
    List {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
        /// Only watchers pinned to this device (its UUID, or ORG:WORKER_ID).
        #[arg(long, value_parser = parse_device, value_name = "DEVICE")]
        device: Option<DeviceRef>,
        /// Status filter (default: all but archived).
        #[arg(long, value_enum)]
        status: Option<ListStatus>,
        /// At most this many.
        #[arg(long, default_value_t = 1000, value_parser = parse_count::<1, { i64::MAX }>, allow_negative_numbers = true)]
        limit: i64,
    },
    /// Show a watcher with its recent runs.
    Show {
        /// Watcher id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
    },
    /// Queue a manual run (device token, or --admin); returns the active run if any.
    #[command(after_help = "Examples:\n  \
        lobu-admin watchers trigger 7 --token-file ada.token\n  \
        echo \"$TOKEN\" | lobu-admin -o json watchers trigger 7 --token-file -\n  \
        lobu-admin watchers trigger 7 --admin")]
    Trigger {
        /// Watcher id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
        /// Operator mode: no token, no pin check.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        token: TokenSource,
        /// Then wait until the run (or the active one, when already queued) is final: exit
        /// 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout, 130 interrupted.
        #[arg(long)]
        wait: bool,
        /// With --wait: give up after this long (exit 9), leaving the run as it is.
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR", requires = "wait")]
        timeout: Option<chrono::Duration>,
        /// With --wait: follow the run's retries to the last attempt.
        #[arg(long, requires = "wait")]
        follow_retries: bool,
    },
    /// Print the next fire times.
    Next {
        /// Watcher id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
        /// How many.
        #[arg(long, default_value_t = 5, value_parser = parse_count::<1, 1000>, allow_negative_numbers = true)]
        count: i64,
    },
    /// Create a watcher.
    Create {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
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
        /// Pin to a device (its UUID, or ORG:WORKER_ID).
        #[arg(long, value_parser = parse_device, value_name = "DEVICE")]
        device: Option<DeviceRef>,
        /// Prompt.
        #[arg(long)]
        prompt: String,
        /// Slug (default: from the name).
        #[arg(long)]
        slug: Option<String>,
        /// Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never).
        #[arg(long = "min-cooldown", value_parser = parse_cooldown, allow_hyphen_values = true, default_value = "0s", value_name = "DUR")]
        min_cooldown_seconds: i32,
        /// Fire each slot at a fixed offset in [0, DUR) derived from the watcher's id (at most 1d; 0s = at the slot).
        #[arg(long, value_parser = parse_spread, allow_hyphen_values = true, default_value = "0s", value_name = "DUR")]
        spread: i32,
        /// Skip a slot reached later than this after it is due (at least 1m; default: run it however late).
        #[arg(long, value_parser = parse_catch_up_window, allow_hyphen_values = true, value_name = "DUR")]
        catch_up_window: Option<CatchUpWindow>,
        /// Queue a run that ends failed or timeout again, up to N times (0-10).
        #[arg(long, value_parser = parse_retries, allow_hyphen_values = true, default_value_t = 0, value_name = "N")]
        retries: i32,
        /// Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w).
        #[arg(long, value_parser = parse_retry_delay, allow_hyphen_values = true, default_value = "0s", value_name = "DUR")]
        retry_delay: i32,
    },
    /// Change a watcher: only the given flags change.
    Update {
        /// Watcher id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
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
        /// Pin to a device (its UUID, or ORG:WORKER_ID).
        #[arg(long, value_parser = parse_device, value_name = "DEVICE", conflicts_with = "unpin")]
        device: Option<DeviceRef>,
        /// Remove the pin.
        #[arg(long)]
        unpin: bool,
        /// Prompt.
        #[arg(long)]
        prompt: Option<String>,
        /// Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never).
        #[arg(long = "min-cooldown", value_parser = parse_cooldown, allow_hyphen_values = true, value_name = "DUR")]
        min_cooldown_seconds: Option<i32>,
        /// Fire each slot at a fixed offset in [0, DUR) derived from the watcher's id (at most 1d; 0s = at the slot).
        #[arg(long, value_parser = parse_spread, allow_hyphen_values = true, value_name = "DUR")]
        spread: Option<i32>,
        /// Skip a slot reached later than this after it is due (at least 1m; none = run it however late).
        #[arg(long, value_parser = parse_catch_up_window, allow_hyphen_values = true, value_name = "DUR")]
        catch_up_window: Option<CatchUpWindow>,
        /// Queue a run that ends failed or timeout again, up to N times (0-10).
        #[arg(long, value_parser = parse_retries, allow_hyphen_values = true, value_name = "N")]
        retries: Option<i32>,
        /// Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w).
        #[arg(long, value_parser = parse_retry_delay, allow_hyphen_values = true, value_name = "DUR")]
        retry_delay: Option<i32>,
    },
    /// Pause a watcher.
    Pause {
        /// Watcher id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Resume a paused watcher (exit 5 when its agent no longer exists).
    Resume {
        /// Watcher id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
    },
    /// Archive a watcher (cancels its active run).
    Archive {
        /// Watcher id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
    },
    /// Recompute active watchers' next runs from the database's clock: the repair after
    /// `dispatch --now T` moved them past it. Due slots are kept for the next dispatch.
    #[command(
        group(clap::ArgGroup::new("which").required(true).args(["ids", "org", "all"])),
        after_help = "Examples:\n  \
        lobu-admin watchers reschedule 7 12\n  \
        lobu-admin watchers reschedule --org acme\n  \
        lobu-admin -o json watchers reschedule --all | jq .rescheduled"
    )]
    Reschedule {
        /// Watcher ids (each must exist and be active).
        #[arg(value_parser = parse_id, allow_negative_numbers = true, value_name = "ID")]
        ids: Vec<i64>,
        /// Every active watcher of this organisation.
        #[arg(long, value_parser = parse_org_id)]
        org: Option<String>,
        /// Every active watcher.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ListStatus {
    Active,
    Paused,
    Archived,
    All,
}

/// `watchers ...`.
pub(super) fn run(ctx: &Ctx, action: &WatcherAction) -> Result<()> {
    let out = ctx.out;
    if let WatcherAction::Trigger {
        id,
        admin,
        token,
        wait,
        timeout,
        follow_retries,
    } = action
    {
        let id = *id;
        let token = if *admin { None } else { Some(token.require()?) };
        // a token's trigger is recorded as its device, whatever LOBU_ACTOR says
        let operator = match token {
            Some(_) => crate::audit::Actor::of_process(),
            None => ctx.actor()?,
        };
        let mut c = ctx.connect(Schema::Checked)?;
        // authentication, trigger and its audit event in one flight: one round trip after
        // connecting
        let (r, who, now) = watchers::trigger_in_flight(&mut c, id, token.as_ref(), &operator)?;
        let text = |r: &watchers::TriggerOutcome| {
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
        };
        if !*wait {
            return out.show(&r, text);
        }
        // stdout carries only the final run; say what was queued on stderr
        if out.format == super::output::Format::Table && !out.quiet {
            eprintln!("{}", text(&r));
        }
        let device = match &who {
            Trigger::Device(p) => Some(p),
            Trigger::Admin => None,
        };
        return super::runs::wait_for(ctx, &mut c, r.run_id, device, *timeout, *follow_retries);
    }
    let mut c = ctx.connect(Schema::Checked)?;
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
            // by UUID (or none) in one flight; ORG:WORKER_ID is looked up first
            let (list, now) = match device {
                None | Some(DeviceRef::Id(_)) => {
                    let device = match device {
                        Some(DeviceRef::Id(id)) => Some(*id),
                        _ => None,
                    };
                    db::flight::read_in_flight(&mut c, |s| {
                        watchers::list_via(s, org, device, status, *limit)
                    })?
                }
                Some(worker) => db::in_tx_by_key(&mut c, |tx, _| {
                    let device = devices::resolve(tx, worker)?;
                    watchers::list(tx, org, Some(device), status, *limit)
                })?,
            };
            out.show(&list, |l| watchers_table(l, now))
        }
        WatcherAction::Show { id } => {
            let (d, now) = watchers::show_in_flight(&mut c, *id)?;
            out.show(&d, |d| {
                let mut v = serde_json::to_value(&d.watcher).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("next_run_local".into(), serde_json::json!(d.next_run_local));
                }
                let runs = table(
                    &[
                        "RUN",
                        "STATUS",
                        "ATTEMPT",
                        "RETRY OF",
                        "SOURCE",
                        "TRIGGERED BY",
                        "QUEUED",
                        "FINISHED",
                    ],
                    d.recent_runs.iter().map(|r| {
                        vec![
                            r.id.to_string(),
                            r.status.clone(),
                            r.attempt.to_string(),
                            r.retry_of.map_or_else(|| "-".into(), |id| id.to_string()),
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
            // the watcher in one flight; its times from the database's clock
            let (w, now) = db::flight::read_in_flight(&mut c, |s| watchers::get_via(s, *id))?;
            let times = watchers::upcoming(&w, now, usize::try_from(*count).unwrap_or(1))?;
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
            spread,
            catch_up_window,
            retries,
            retry_delay,
        } => {
            let w = NewWatcher {
                org_id: org.clone(),
                slug: slug.clone(),
                name: name.clone(),
                prompt: prompt.clone(),
                schedule: schedule.clone(),
                timezone: *timezone,
                agent_id: agent.clone(),
                device_id: None,
                extraction_schema: None,
                min_cooldown_seconds: *min_cooldown_seconds,
                timing: Timing {
                    spread_seconds: *spread,
                    catch_up_window_seconds: catch_up_window.and_then(|w| w.0),
                    retries: *retries,
                    retry_delay_seconds: *retry_delay,
                },
                created_by: "admin".into(),
            };
            // checks, insert, first fire instant and audit event in one flight
            let actor = ctx.actor()?;
            out.object(&watchers::create_in_flight(
                &mut c,
                &w,
                device.as_ref(),
                &actor,
                chrono::Utc::now(),
            )?)
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
            spread,
            catch_up_window,
            retries,
            retry_delay,
        } => {
            let patch = WatcherPatch {
                name: name.clone(),
                slug: slug.clone(),
                prompt: prompt.clone(),
                schedule: schedule.clone(),
                timezone: *timezone,
                agent_id: agent.clone(),
                device_id: unpin.then_some(None),
                min_cooldown_seconds: *min_cooldown_seconds,
                extraction_schema: None,
                spread_seconds: *spread,
                catch_up_window_seconds: catch_up_window.map(|w| w.0),
                retries: *retries,
                retry_delay_seconds: *retry_delay,
            };
            let changed: Vec<&str> = [
                ("name", name.is_some()),
                ("slug", slug.is_some()),
                ("prompt", prompt.is_some()),
                ("schedule", schedule.is_some()),
                ("timezone", timezone.is_some()),
                ("agent", agent.is_some()),
                ("device", device.is_some() || *unpin),
                ("min_cooldown_seconds", min_cooldown_seconds.is_some()),
            ]
            .into_iter()
            .filter_map(|(f, given)| given.then_some(f))
            .collect();
            let actor = ctx.actor()?;
            out.object(&watchers::update_in_flight(
                &mut c,
                *id,
                &patch,
                device.as_ref(),
                &changed,
                &actor,
                chrono::Utc::now(),
            )?)
        }
        WatcherAction::Pause { id, reason } => out.object(&watchers::pause_in_flight(
            &mut c,
            *id,
            reason.as_deref(),
            &ctx.actor()?,
        )?),
        WatcherAction::Resume { id } => out.object(&watchers::resume_in_flight(
            &mut c,
            *id,
            &ctx.actor()?,
            chrono::Utc::now(),
        )?),
        WatcherAction::Archive { id } => {
            out.object(&watchers::archive_in_flight(&mut c, *id, &ctx.actor()?)?)
        }
        WatcherAction::Reschedule { ids, org, all: _ } => {
            let scope = match (ids.is_empty(), org) {
                (false, _) => RescheduleScope::Ids(ids.clone()),
                (true, Some(org)) => RescheduleScope::Org(org.clone()),
                (true, None) => RescheduleScope::All,
            };
            let r = ctx.audited(
                &mut c,
                |tx, now| watchers::reschedule(tx, &scope, now),
                |r| {
                    let (org, target) = match &scope {
                        RescheduleScope::Ids(ids) => (
                            None,
                            Target::new(
                                "watchers",
                                ids.iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(","),
                            ),
                        ),
                        RescheduleScope::Org(org) => {
                            (Some(org.as_str()), Target::new("organization", org))
                        }
                        RescheduleScope::All => (None, Target::new("watchers", "all")),
                    };
                    Event::new("watchers reschedule", org, target, "rescheduled")
                        .details(serde_json::json!({ "rescheduled": r.rescheduled }))
                },
            )?;
            out.show(&r, |r| {
                format!(
                    "rescheduled {}",
                    super::output::counted(r.rescheduled, "watcher")
                )
            })
        }
    }
}
