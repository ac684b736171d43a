//! `runs claim|heartbeat|complete|fail` (device token) and `runs rescue|list|cancel`.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::args::*;
use super::context::{Ctx, Schema};
use super::output::{table, when};
use crate::audit::{self, Event, Target};
use crate::db;
use crate::error::{Error, Result};
use crate::runs::{self, Finish, RunFilter, RunStatus};
use crate::tokens::{self, Token};
use crate::wait;
use serde_json::json;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RunAction {
    /// Claim the oldest pending runs of the token's device.
    #[command(after_help = "Examples:\n  \
        LOBU_DEVICE_TOKEN=$(cat ada.token) lobu-admin -o json runs claim --limit 1\n  \
        lobu-admin runs complete 42 --token-file ada.token --result '{\"summary\":\"ok\"}'")]
    Claim {
        #[command(flatten)]
        token: TokenSource,
        /// At most this many.
        #[arg(long, default_value_t = 1, value_parser = parse_count::<1, 1000>, allow_negative_numbers = true)]
        limit: i64,
    },
    /// Record a heartbeat.
    Heartbeat {
        /// Run id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
        #[command(flatten)]
        token: TokenSource,
    },
    /// Complete a run.
    Complete {
        /// Run id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
        /// Result JSON (any JSON value, a negative number included).
        #[arg(long, value_parser = parse_json, allow_hyphen_values = true)]
        result: Option<serde_json::Value>,
        #[command(flatten)]
        token: TokenSource,
    },
    /// Fail a run.
    Fail {
        /// Run id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
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
        #[arg(long, value_parser = parse_org_id)]
        org: Option<String>,
        /// Watcher id.
        #[arg(long, value_parser = parse_id, allow_negative_numbers = true)]
        watcher: Option<i64>,
        /// State.
        #[arg(long, value_enum)]
        status: Option<RunStatus>,
        /// At most this many.
        #[arg(long, default_value_t = 50, value_parser = parse_count::<1, { i64::MAX }>, allow_negative_numbers = true)]
        limit: i64,
        /// The next page: runs older than this run id (the last id of the previous page).
        #[arg(long, value_parser = parse_id, allow_negative_numbers = true, value_name = "RUN_ID")]
        before: Option<i64>,
    },
    /// Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped,
    /// 9 --timeout passed, 130 interrupted (the run is left as it is).
    #[command(after_help = "Examples:\n  \
        lobu-admin runs wait 42 --timeout 10m && echo done\n  \
        lobu-admin -o json runs wait 42 --token-file ada.token | jq .output")]
    Wait {
        /// Run id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
        /// Give up after this long (exit 9); default: wait as long as it takes.
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR")]
        timeout: Option<chrono::Duration>,
        /// When the run ends failed or timeout and its watcher retries it, wait for the
        /// retry, and so on to the last attempt (--timeout covers them all).
        #[arg(long)]
        follow_retries: bool,
        /// A device token limits the wait to that device's runs (operator mode without).
        #[command(flatten)]
        token: TokenSource,
    },
    /// Delete finished runs older than DUR, in batches (each its own transaction), keeping
    /// active runs and each watcher's latest run (for the cool-down and `watchers list`).
    #[command(after_help = "Examples:\n  \
        lobu-admin runs prune --older-than 90d --dry-run\n  \
        lobu-admin -o json runs prune --older-than 90d --batch 5000")]
    Prune {
        /// Finished longer ago than this (on the database's clock).
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR")]
        older_than: chrono::Duration,
        /// Report what would be deleted; delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// At most this many runs per batch (transaction): a window of this many ids.
        #[arg(
            long,
            default_value_t = crate::prune::BATCH,
            value_parser = parse_count::<1, 1_000_000>,
            allow_negative_numbers = true
        )]
        batch: i64,
    },
    /// Cancel an active run; its error says who cancelled it and why.
    #[command(after_help = "Examples:\n  \
        lobu-admin runs cancel 42 --reason 'wrong prompt, re-queued by hand'\n  \
        lobu-admin audit list --command 'runs cancel'")]
    Cancel {
        /// Run id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
        /// Why (recorded in the run's error and the audit trail).
        #[arg(long, value_parser = parse_reason)]
        reason: Option<String>,
    },
    /// Show one run: the `runs list` object with its output, error, heartbeat and the
    /// watcher's slug.
    #[command(after_help = "Examples:\n  \
        lobu-admin runs show 42\n  \
        lobu-admin -o json runs show 42 | jq .output")]
    Show {
        /// Run id.
        #[arg(value_parser = parse_id, allow_negative_numbers = true)]
        id: i64,
    },
}

/// `runs ...`.
pub(super) fn run(ctx: &Ctx, action: &RunAction) -> Result<()> {
    let out = ctx.out;
    if let RunAction::Prune {
        older_than,
        dry_run,
        batch,
    } = action
    {
        return prune(ctx, *older_than, *dry_run, *batch);
    }
    if let RunAction::Wait {
        id,
        timeout,
        follow_retries,
        token,
    } = action
    {
        let token = token.read()?;
        let mut c = ctx.connect(Schema::Checked)?;
        let who = match token {
            Some(t) => Some(db::in_tx(&mut c, |tx, now| {
                tokens::authenticate(tx, &t, now)
            })?),
            None => None,
        };
        return wait_for(ctx, &mut c, *id, who.as_ref(), *timeout, *follow_retries);
    }
    let token: Option<Token> = match action {
        RunAction::Claim { token, .. }
        | RunAction::Heartbeat { token, .. }
        | RunAction::Complete { token, .. }
        | RunAction::Fail { token, .. } => Some(token.require()?),
        _ => None,
    };
    // asked only by the commands that record a change (rescue, cancel)
    let actor = || ctx.actor();
    let mut c = ctx.connect(Schema::Checked)?;
    // a device's command: its authentication and its statement in one flight (one round
    // trip after connecting); render only after it committed
    let flown = match (action, &token) {
        (RunAction::Claim { limit, .. }, Some(t)) => {
            let (list, now) = runs::claim_in_flight(&mut c, t, *limit)?;
            Some((RunsDone::List(list), now))
        }
        (RunAction::Heartbeat { id, .. }, Some(t)) => {
            let (update, now) = runs::heartbeat_in_flight(&mut c, t, *id)?;
            Some((RunsDone::object(&update), now))
        }
        (RunAction::Complete { id, result, .. }, Some(t)) => {
            let how = Finish::Complete(result.clone());
            let (update, now) = runs::finish_in_flight(&mut c, t, *id, &how)?;
            Some((RunsDone::object(&update), now))
        }
        (RunAction::Fail { id, error, .. }, Some(t)) => {
            let how = Finish::Fail(error.clone());
            let (update, now) = runs::finish_in_flight(&mut c, t, *id, &how)?;
            Some((RunsDone::object(&update), now))
        }
        (
            RunAction::List {
                org,
                watcher,
                status,
                limit,
                before,
            },
            None,
        ) => {
            let filter = RunFilter {
                org_id: org.clone(),
                watcher_id: *watcher,
                status: *status,
                limit: *limit,
                before: *before,
            };
            let (list, now) = db::flight::read_in_flight(&mut c, |s| runs::list_via(s, &filter))?;
            Some((RunsDone::List(list), now))
        }
        (RunAction::Show { id }, None) => {
            let (run, now) = db::flight::read_in_flight(&mut c, |s| runs::show_via(s, *id))?;
            Some((RunsDone::object(&run), now))
        }
        // the cancel and its audit event in one statement, one flight
        (RunAction::Cancel { id, reason }, None) => {
            let actor = actor()?;
            let text = runs::cancel_text(&actor, reason.as_deref());
            let (r, now) = runs::cancel_in_flight(&mut c, *id, &text, &actor, reason.as_deref())?;
            Some((RunsDone::object(&r), now))
        }
        _ => None,
    };
    // every other runs command reaches rows by key: planned so whatever the statistics say
    let (done, now) = match flown {
        Some(done) => done,
        None => db::in_tx_by_key(&mut c, |tx, now| {
            Ok(match action {
                RunAction::Rescue { rescue, now: at } => {
                    let r = runs::rescue(
                        tx,
                        at.unwrap_or(now),
                        rescue.stale_after,
                        rescue.timeout_after,
                    )?;
                    let event = Event {
                        command: "runs rescue",
                        org_id: None,
                        target: None,
                        outcome: "rescued".into(),
                        details: json!({"requeued": r.requeued, "timed_out": r.timed_out}),
                        org_of: None,
                    };
                    audit::record(tx, &actor()?, now, &event)?;
                    RunsDone::object(&r)
                }
                _ => return Err(Error::Internal("unreachable run command".into())),
            })
        })?,
    };
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

/// Waits for run `id` on `c` (SPEC 14) and renders it: progress lines on a terminal, the
/// final run (with `waited_seconds`) on stdout, then the outcome's error (exit 8, 9, 130).
pub(super) fn wait_for(
    ctx: &Ctx,
    c: &mut crate::db::Client,
    id: i64,
    who: Option<&tokens::Principal>,
    timeout: Option<chrono::Duration>,
    follow_retries: bool,
) -> Result<()> {
    let out = ctx.out;
    // SIGINT/SIGTERM: stop waiting, leave the run as it is, exit 130
    let stop = super::signals::stop_flag()?;
    let progress = out.progress();
    let timeout = timeout.map(|t| t.to_std().unwrap_or_default());
    let config = ctx.config()?;
    let how = if follow_retries {
        wait::wait_following
    } else {
        wait::wait
    };
    let ended = how(
        c,
        &config,
        id,
        who,
        timeout,
        &stop,
        &mut |event| match event {
            wait::Event::Mode(mode, why) if out.verbose => {
                let how = match mode {
                    wait::Mode::Listen => "LISTEN",
                    wait::Mode::Poll => "polling",
                };
                eprintln!("waiting for run {id} by {how} ({why})");
            }
            wait::Event::Run(r) if progress => eprintln!("run {}: {}", r.id, r.status),
            _ => {}
        },
    )?;
    let (waited, result) = ended.into_result();
    if let Some(w) = waited {
        out.show(&w, |w| {
            let v = serde_json::to_value(w).unwrap_or_default();
            super::output::kv_table(&v)
        })?;
    }
    result
}

/// `runs prune`: a progress bar over the runs finished before the cutoff on a terminal,
/// then the totals.
fn prune(ctx: &Ctx, older_than: chrono::Duration, dry_run: bool, batch: i64) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Checked)?;
    let pruned = if dry_run {
        crate::prune::dry_run(&mut c, older_than, batch)?
    } else {
        let bar = out.bar(
            0,
            "{spinner} pruning [{bar:30}] {pos}/{len} runs {msg} {elapsed}",
        );
        let pruned = crate::prune::run(&mut c, older_than, batch, &mut |p, candidates| {
            if let Some(b) = &bar {
                let n = |v: i64| u64::try_from(v).unwrap_or(0);
                b.set_length(n(candidates));
                b.set_position(n(p.deleted + p.kept_latest));
                b.set_message(format!("({} deleted, {} batches)", p.deleted, p.batches));
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let pruned = pruned?;
        // the batches committed one by one; the event with their totals follows them
        let event = Event::new(
            "runs prune",
            None,
            Target::new("runs", "finished"),
            "pruned",
        )
        .details(json!({
            "older_than_seconds": older_than.num_seconds(),
            "deleted": pruned.deleted,
            "batches": pruned.batches,
        }));
        let actor = ctx.actor()?;
        db::in_tx(&mut c, |tx, now| audit::record(tx, &actor, now, &event))?;
        pruned
    };
    out.show(&pruned, |p| {
        format!(
            "{} {} finished runs in {} batch(es); kept {} as their watcher's latest",
            if p.dry_run { "would delete" } else { "deleted" },
            p.deleted,
            p.batches,
            p.kept_latest
        )
    })
}
