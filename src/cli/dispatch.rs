//! `dispatch [--loop]`: one pass, or the service loop with its JSON events.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Utc};
use clap::Args;
use postgres::Client;

use super::args::*;
use super::context::{Ctx, Schema};
use super::output::{write_stdout, Format, Out};
use crate::db::Clock;
use crate::dispatch;
use crate::error::{Error, ErrorKind, Result};

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

/// `dispatch`.
pub(super) fn run(ctx: &Ctx, a: &DispatchArgs) -> Result<()> {
    {
        let opts = crate::dispatch::Options {
            limit: a.limit,
            stale_after: a.rescue.stale_after,
            timeout_after: a.rescue.timeout_after,
        };
        run_loop(ctx, a.now, &opts, a.run_loop, a.interval)
    }
}

/// One pass, or with `--loop` the service: ticks until SIGTERM/SIGINT, reconnecting.
fn run_loop(
    ctx: &Ctx,
    now: Option<DateTime<Utc>>,
    opts: &dispatch::Options,
    run_loop: bool,
    interval: chrono::Duration,
) -> Result<()> {
    let out = ctx.out;
    if !run_loop {
        let mut c = ctx.connect(Schema::Checked)?;
        let tick = dispatch::run_once(&mut c, now.map_or(Clock::Database, Clock::At), opts)?;
        return out.object(&tick);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // SIGINT or SIGTERM: finish the current tick, then exit 0; a second one exits at once
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    })
    .map_err(|e| Error::Internal(format!("cannot install the signal handler: {e}")))?;
    let interval = interval.to_std().unwrap_or(StdDuration::from_secs(30));
    let mut client: Option<Client> = None;
    let mut down_since: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        let result = match client.as_mut() {
            Some(c) => dispatch::run_once(c, Clock::Database, opts),
            None => ctx.connect(Schema::Checked).and_then(|mut c| {
                let r = dispatch::run_once(&mut c, Clock::Database, opts);
                client = Some(c);
                r
            }),
        };
        match result {
            Ok(tick) => {
                if let Some(since) = down_since.take() {
                    let secs = since.elapsed().as_secs_f64();
                    event(
                        out,
                        &serde_json::json!({"event": "database_back", "down_seconds": secs}),
                        &format!("dispatch: database is back after {secs:.1}s"),
                    )?;
                }
                let mut v = serde_json::to_value(tick).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("event".into(), "tick".into());
                }
                let text = format!(
                    "tick due={} queued={} skipped={}",
                    tick.due, tick.queued, tick.skipped
                );
                if out.format == Format::Json {
                    event(out, &v, &text)?;
                } else if !out.quiet {
                    write_stdout(&format!("{} {text}\n", stamp()))?;
                }
            }
            // a lost, unreachable or read-only server (a failover): reconnect next tick
            Err(e) if e.kind() == ErrorKind::DatabaseUnreachable || is_connection_lost(&client) => {
                client = None;
                if down_since.is_none() {
                    down_since = Some(Instant::now());
                    event(
                        out,
                        &serde_json::json!({"event": "database_lost", "error": e.to_string()}),
                        &format!("dispatch: {e}; retrying every {}s", interval.as_secs()),
                    )?;
                }
            }
            Err(e) => return Err(e),
        }
        sleep_unless_stopped(interval, &stop);
    }
    event(
        out,
        &serde_json::json!({"event": "stopped"}),
        "dispatch: stopped",
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
        eprintln!("{} {text}", stamp());
        Ok(())
    }
}

fn is_connection_lost(client: &Option<Client>) -> bool {
    client.as_ref().is_some_and(Client::is_closed)
}

fn sleep_unless_stopped(total: StdDuration, stop: &AtomicBool) {
    let start = Instant::now();
    while start.elapsed() < total && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(StdDuration::from_millis(100).min(total));
    }
}
