//! `dispatch [--loop]`: one pass, or the service loop with its JSON events.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use crate::db::Client;
use chrono::{DateTime, Utc};
use clap::Args;

use super::args::*;
use super::context::{Ctx, Schema};
use super::output::{write_stdout, Format, Out};
use crate::db::Clock;
use crate::dispatch;
use crate::error::{Error, ErrorKind, Result};
use crate::metrics::{Health, Metrics};

#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// Run on a simulated clock (RFC 3339), at most 100 years from the database's. What it
    /// decides is written: a time ahead of the database's clock moves next runs past it
    /// and queues runs that hold their watcher's slot (a warning says so; `watchers
    /// reschedule` and `runs cancel` undo it).
    #[arg(long, value_name = "T", value_parser = parse_time, conflicts_with = "run_loop")]
    now: Option<DateTime<Utc>>,
    /// Watchers per transaction.
    #[arg(long, default_value_t = 5000, value_parser = parse_count::<1, { i64::MAX }>, allow_negative_numbers = true)]
    limit: i64,
    /// Keep dispatching until interrupted (Ctrl-C).
    #[arg(long = "loop")]
    run_loop: bool,
    /// With --loop: the pause between ticks.
    #[arg(
        long,
        value_parser = parse_duration, allow_hyphen_values = true,
        default_value = "30s",
        value_name = "DUR",
        requires = "run_loop"
    )]
    interval: chrono::Duration,
    #[command(flatten)]
    rescue: RescueArgs,
    /// With --loop: also prune runs finished longer ago than this, at most one batch per
    /// tick (as `runs prune`), so the service keeps the table bounded without cron.
    #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR", requires = "run_loop")]
    prune_after: Option<chrono::Duration>,
    /// With --loop: serve Prometheus metrics (GET /metrics) and health (GET /healthz) on
    /// this address, e.g. 127.0.0.1:9187. Nothing is listened on without it.
    #[arg(long, value_name = "HOST:PORT", requires = "run_loop")]
    metrics_addr: Option<String>,
    /// With --prune-after: runs per prune batch.
    #[arg(
        long,
        default_value_t = crate::prune::BATCH,
        value_parser = parse_count::<1, 1_000_000>, allow_negative_numbers = true,
        requires = "prune_after"
    )]
    prune_batch: i64,
}

/// `dispatch`.
pub(super) fn run(ctx: &Ctx, a: &DispatchArgs) -> Result<()> {
    let opts = crate::dispatch::Options {
        limit: a.limit,
        stale_after: a.rescue.stale_after,
        timeout_after: a.rescue.timeout_after,
    };
    let service = Service {
        prune: a.prune_after.map(|d| (d, a.prune_batch)),
        metrics_addr: a.metrics_addr.clone(),
    };
    run_loop(ctx, a.now, &opts, a.run_loop, a.interval, &service)
}

/// One pass, or with `--loop` the service: ticks until SIGTERM/SIGINT, reconnecting.
fn run_loop(
    ctx: &Ctx,
    now: Option<DateTime<Utc>>,
    opts: &dispatch::Options,
    run_loop: bool,
    interval: chrono::Duration,
    service: &Service,
) -> Result<()> {
    let prune = service.prune;
    let out = ctx.out;
    if !run_loop {
        let mut c = ctx.connect(Schema::Checked)?;
        let tick = dispatch::run_once(&mut c, now.map_or(Clock::Database, Clock::At), opts)?;
        out.object(&tick)?;
        if let Some(at) = now.filter(|_| tick.ahead_of_clock > 0 || tick.queued_ahead > 0) {
            warn_ahead(out, at, tick.ahead_of_clock, tick.queued_ahead);
        }
        warn_no_next_run(out, tick.no_next_run);
        return Ok(());
    }
    // SIGINT or SIGTERM: finish the current tick, then exit 0; a second one exits at once
    let stop = super::signals::stop_flag()?;
    let interval = interval.to_std().unwrap_or(StdDuration::from_secs(30));
    let observed = match &service.metrics_addr {
        Some(addr) => {
            let metrics = Arc::new(Metrics::new());
            let health = Arc::new(Health::new(interval));
            super::serve::start(addr, Arc::clone(&metrics), Arc::clone(&health))?;
            Some(Observed { metrics, health })
        }
        None => None,
    };
    let observed = observed.as_ref();
    let mut client: Option<Client> = None;
    let mut down_since: Option<Instant> = None;
    let mut pruner = prune.map(|(older_than, batch)| crate::prune::Pruner::new(older_than, batch));
    while !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        // what the tick's transactions committed, even when a later one fails
        let mut committed = dispatch::DispatchTick::default();
        let result = dispatch_tick(ctx, &mut client, opts, observed, &mut committed, out);
        let took = started.elapsed();
        if let Some(o) = observed {
            o.metrics.committed(&committed);
        }
        // A tick whose queueing committed is a successful tick, whatever follows it
        // (SPEC 16): the prune window and the gauges report their own failures, after the
        // tick's event.
        let mut after: Vec<(&str, Error)> = Vec::new();
        let result = result.map(|()| {
            let committed_at = std::time::SystemTime::now();
            if let Some(o) = observed {
                o.health.ok();
            }
            // then at most one prune batch, in a transaction of its own
            let pruned = match (pruner.as_mut(), client.as_mut()) {
                (Some(p), Some(c)) => match p.tick(c) {
                    Ok(n) => {
                        observed.inspect(|o| o.metrics.pruned(n));
                        Some(n)
                    }
                    Err(e) => {
                        observed.inspect(|o| o.metrics.prune_failed());
                        after.push(("prune_failed", e));
                        None
                    }
                },
                _ => None,
            };
            // then, for the metrics, the gauges (one by-key statement)
            if let (Some(o), Some(c)) = (observed, client.as_mut()) {
                if !c.is_closed() {
                    match crate::db::in_tx_by_key(c, crate::status::gauges) {
                        Ok((g, _)) => o.metrics.gauges(&g),
                        Err(e) => {
                            o.metrics.gauges_failed();
                            after.push(("gauges_failed", e));
                        }
                    }
                }
            }
            // counted once the gauges it leaves are in place, so that a scrape that sees
            // the tick sees them too
            if let Some(o) = observed {
                o.metrics.tick_ok(took, committed_at);
            }
            (committed, pruned)
        });
        if let (Err(e), Some(o)) = (&result, observed) {
            o.metrics.tick_failed();
            if !is_lost(e, &client) {
                o.health.failed(failure_kind(e));
            }
        }
        match result {
            Ok((tick, pruned)) => {
                if let Some(since) = down_since.take() {
                    let secs = since.elapsed().as_secs_f64();
                    event(
                        out,
                        &serde_json::json!({"event": "database_back", "down_seconds": secs}),
                        &format!("dispatch: database is back after {secs:.1}s"),
                    )?;
                }
                let mut v = serde_json::to_value(&tick).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("event".into(), "tick".into());
                    if let Some(n) = pruned {
                        o.insert("pruned".into(), n.into());
                    }
                }
                let text = tick_line(&tick, pruned);
                if out.format == Format::Json {
                    event(out, &v, &text)?;
                } else if !out.quiet {
                    write_stdout(&format!("{} {text}\n", stamp()))?;
                }
                warn_no_next_run(out, tick.no_next_run);
            }
            // what a retry cannot fix: say so, then exit with the error's code
            Err(e) if is_fatal(&e) => return fatal(out, e),
            Err(e) => {
                let had_connection = client.is_some();
                // a lost, unreachable or read-only server (a failover, a dark path, a
                // terminated backend): reconnect next tick, trying every host of the URL
                if is_lost(&e, &client) {
                    client = None;
                    if had_connection {
                        tick_failed(out, "connection_lost", &e)?;
                    }
                    lost(out, &mut down_since, &e, interval, observed)?;
                } else {
                    // a statement or lock timeout, a deadlock, a serialization failure,
                    // anything else: the transaction rolled back whole; the next tick retries
                    tick_failed(out, failure_kind(&e), &e)?;
                }
            }
        }
        // what failed after a committed tick: its own event; the loop stops only on what a
        // retry cannot fix, and reconnects next tick when the connection was lost
        for (name, e) in after {
            if is_fatal(&e) {
                return fatal(out, e);
            }
            let kind = if is_lost(&e, &client) {
                "connection_lost"
            } else {
                failure_kind(&e)
            };
            let what = name.replace('_', " ");
            event(
                out,
                &serde_json::json!({"event": name, "kind": kind, "message": e.to_string()}),
                &format!("dispatch: {what} ({kind}): {e}; retrying next tick"),
            )?;
            if is_lost(&e, &client) {
                client = None;
                lost(out, &mut down_since, &e, interval, observed)?;
            }
        }
        if !wait_for_next_tick(interval, &stop, &mut client) {
            let e = Error::DatabaseUnreachable(
                "lost the database connection: no answer to a liveness check".into(),
            );
            lost(out, &mut down_since, &e, interval, observed)?;
        }
    }
    event(
        out,
        &serde_json::json!({"event": "stopped"}),
        "dispatch: stopped",
    )
}

/// The metrics and health the loop records, with `--metrics-addr`.
struct Observed {
    metrics: Arc<Metrics>,
    health: Arc<Health>,
}

/// One tick: connects first when there is no connection; with metrics, reads the lag as
/// the tick starts (SPEC 16: a long interval or a stuck tick shows); then dispatches every
/// due slot, adding each committed transaction into `committed`.
fn dispatch_tick(
    ctx: &Ctx,
    client: &mut Option<Client>,
    opts: &dispatch::Options,
    observed: Option<&Observed>,
    committed: &mut dispatch::DispatchTick,
    out: Out,
) -> Result<()> {
    let c = match client {
        Some(c) => c,
        None => client.insert(ctx.connect(Schema::Checked)?),
    };
    if let Some(o) = observed {
        match crate::db::in_tx_by_key(c, crate::status::lag) {
            Ok((lag, _)) => o.metrics.lag(lag),
            // the tick would meet these too: they are its failure
            Err(e)
                if is_fatal(&e) || e.kind() == ErrorKind::DatabaseUnreachable || c.is_closed() =>
            {
                return Err(e)
            }
            Err(e) => {
                o.metrics.gauges_failed();
                let kind = failure_kind(&e);
                event(
                    out,
                    &serde_json::json!({"event": "gauges_failed", "kind": kind, "message": e.to_string()}),
                    &format!("dispatch: gauges failed ({kind}): {e}; dispatching anyway"),
                )?;
            }
        }
    }
    dispatch::run_into(c, Clock::Database, opts, committed)
}

/// What a retry cannot fix: said as a `fatal` event, then the loop ends with the error's
/// exit code.
fn fatal(out: Out, e: Error) -> Result<()> {
    event(
        out,
        &serde_json::json!({"event": "fatal", "kind": e.kind(), "message": e.to_string()}),
        &format!("dispatch: stopping: {e}"),
    )?;
    Err(e)
}

/// The kind a failure event names: the transient error's own (`lock_timeout`, ...) or the
/// error's kind.
fn failure_kind(e: &Error) -> &'static str {
    match e {
        Error::Transient { kind, .. } => kind,
        other => other.kind().as_str(),
    }
}

/// Whether `e` means the database is out of reach: unreachable, or the connection closed.
fn is_lost(e: &Error, client: &Option<Client>) -> bool {
    e.kind() == ErrorKind::DatabaseUnreachable || is_connection_lost(client)
}

/// `dispatch --now T` with `T` ahead of the database's clock wrote next runs past it
/// (SPEC 7), and queued runs whose `queued_at` is `T`: say how many of each, what it means
/// and how to undo it.
fn warn_ahead(out: Out, at: DateTime<Utc>, watchers: i64, runs: i64) {
    let at = at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let mut parts = Vec::new();
    if watchers > 0 {
        let whose = super::output::counted(watchers, "watcher");
        let verb = if watchers == 1 { "it does" } else { "they do" };
        parts.push(format!(
            "the next run of {whose} moved past the time the real clock gives, so {verb} not \
             fire until after {at}; undo with `lobu-admin watchers reschedule --all`"
        ));
    }
    if runs > 0 {
        let (which, them, holds) = if runs == 1 {
            (
                "the run it queued is".to_string(),
                "it",
                "it holds its watcher's",
            )
        } else {
            (
                format!("the {runs} runs it queued are"),
                "them",
                "each holds its watcher's",
            )
        };
        parts.push(format!(
            "{which} queued at {at}, so rescue does not time {them} out before {at} plus \
             --timeout-after, and {holds} one active slot (later slots are skipped) until a \
             device finishes {them}; clear {them} with `lobu-admin runs cancel ID` (`lobu-admin \
             runs list --status pending` lists them), before `watchers reschedule`, which \
             does not give back a slot that has a run"
        ));
    }
    super::output::print_warning(
        out.format,
        "clock_ahead",
        &format!(
            "--now {at} is ahead of the database's clock: {}",
            parts.join("; ")
        ),
        serde_json::json!({ "watchers": watchers, "runs": runs }),
    );
}

/// Due watchers that got no next run (a schedule that no longer parses, or no fire time
/// left): they are disabled in effect, so say so, whatever `-q` says.
fn warn_no_next_run(out: Out, watchers: i64) {
    if watchers < 1 {
        return;
    }
    let whose = super::output::counted(watchers, "watcher");
    let verb = if watchers == 1 { "it does" } else { "they do" };
    super::output::print_warning(
        out.format,
        "no_next_run",
        &format!(
            "{whose} got no next run (a schedule or time zone that no longer parses, or no \
             fire time left): {verb} not fire again until `lobu-admin watchers update ID \
             --schedule EXPR` gives one (or, once the schedule parses, `lobu-admin watchers \
             reschedule --all`); `lobu-admin watchers list` shows their NEXT RUN as '-'"
        ),
        serde_json::json!({ "watchers": watchers }),
    );
}

/// A tick as one line for people: what it queued and skipped, what its rescue requeued
/// and timed out, and (with `--prune-after`) how many runs it pruned; the JSON event
/// carries the same figures.
fn tick_line(tick: &dispatch::DispatchTick, pruned: Option<i64>) -> String {
    format!(
        "tick due={} queued={} skipped={} requeued={} timed_out={}{}",
        tick.due,
        tick.queued,
        tick.skipped,
        tick.rescued.requeued,
        tick.rescued.timed_out,
        pruned.map(|n| format!(" pruned={n}")).unwrap_or_default()
    )
}

/// What the service does besides ticking.
pub(super) struct Service {
    /// `--prune-after` and `--prune-batch`.
    prune: Option<(chrono::Duration, i64)>,
    /// `--metrics-addr`.
    metrics_addr: Option<String>,
}

/// Errors that the next tick would meet again: the loop stops on them.
fn is_fatal(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::SchemaMismatch | ErrorKind::Forbidden | ErrorKind::InvalidInput
    )
}

fn tick_failed(out: Out, kind: &str, e: &Error) -> Result<()> {
    event(
        out,
        &serde_json::json!({"event": "tick_failed", "kind": kind, "message": e.to_string()}),
        &format!("dispatch: tick failed ({kind}): {e}; retrying next tick"),
    )
}

/// Reports `database_lost` once per outage (and, with metrics, `lobu_database_up` 0 and the
/// outage's start for `/healthz`).
fn lost(
    out: Out,
    down_since: &mut Option<Instant>,
    e: &Error,
    interval: StdDuration,
    observed: Option<&Observed>,
) -> Result<()> {
    if let Some(o) = observed {
        o.metrics.database_down();
        o.health.unreachable();
    }
    if down_since.is_some() {
        return Ok(());
    }
    *down_since = Some(Instant::now());
    event(
        out,
        &serde_json::json!({"event": "database_lost", "error": e.to_string()}),
        &format!("dispatch: {e}; retrying every {}s", interval.as_secs()),
    )
}

fn stamp() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One event of the loop: a JSON line with `at` on stdout, or a timed line on stderr.
fn event(out: Out, json: &serde_json::Value, text: &str) -> Result<()> {
    if out.format == Format::Json {
        let mut v = json.clone();
        if let Some(o) = v.as_object_mut() {
            o.insert("at".into(), stamp().into());
        }
        write_stdout(&format!("{v}\n"))
    } else {
        // the text may quote the server's message
        eprintln!("{} {}", stamp(), super::output::escaped(text));
        Ok(())
    }
}

fn is_connection_lost(client: &Option<Client>) -> bool {
    client.as_ref().is_some_and(Client::is_closed)
}

/// How often an idle connection is checked while the loop waits for its next tick, when the
/// interval is longer: a path that went dark between ticks is noticed within this plus
/// [`LIVENESS_TIMEOUT`], well inside the 15 s of SPEC 13.
const LIVENESS_EVERY: StdDuration = StdDuration::from_secs(5);
const LIVENESS_TIMEOUT: StdDuration = StdDuration::from_secs(5);

/// Waits `total` (or until a stop signal), checking the idle connection every
/// [`LIVENESS_EVERY`] (an empty query, no transaction). Returns false when the check failed:
/// the connection is then dropped.
fn wait_for_next_tick(total: StdDuration, stop: &AtomicBool, client: &mut Option<Client>) -> bool {
    let start = Instant::now();
    let mut checked = start;
    while start.elapsed() < total && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(StdDuration::from_millis(100).min(total));
        if checked.elapsed() >= LIVENESS_EVERY
            && total.saturating_sub(start.elapsed()) > LIVENESS_EVERY
        {
            checked = Instant::now();
            if let Some(c) = client.as_mut() {
                if c.is_valid(LIVENESS_TIMEOUT).is_err() {
                    *client = None;
                    return false;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::tick_line;
    use crate::dispatch::DispatchTick;
    use crate::runs::Rescued;

    #[test]
    fn a_table_tick_line_shows_rescues_and_prunes() {
        let tick = DispatchTick {
            due: 3,
            queued: 2,
            skipped: 1,
            rescued: Rescued {
                requeued: 4,
                timed_out: 5,
            },
            ..DispatchTick::default()
        };
        assert_eq!(
            tick_line(&tick, Some(6)),
            "tick due=3 queued=2 skipped=1 requeued=4 timed_out=5 pruned=6"
        );
        assert_eq!(
            tick_line(&DispatchTick::default(), None),
            "tick due=0 queued=0 skipped=0 requeued=0 timed_out=0"
        );
    }
}
