//! The dispatcher's Prometheus metrics and health (SPEC 13, 16), with the official
//! `prometheus-client` crate. The loop records into [`Metrics`] and [`Health`]; the binary
//! serves them over HTTP from a thread that only reads these atomics and one short-held
//! mutex, never the database, so both answer while a tick is stuck on a dead path.
//!
//! What they mean (SPEC 16): a tick whose queueing committed is a successful tick, whatever
//! the prune window or the gauges after it do (those count their own failures); the lag is
//! read when a tick starts; every label value of every counter is exported from the start,
//! at 0; `/healthz` is `starting` until the first tick succeeds, and its reasons name the
//! error's kind and times, never a connection's host, user or database.

use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

use crate::dispatch::DispatchTick;
use crate::status::Gauges;

/// A label set of one key.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    /// `ok` or `failed`.
    pub outcome: String,
}

/// Why a slot was skipped.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Reason {
    /// `active`, `cooldown`, `agent_gone` or `missed`.
    pub reason: String,
}

/// What a rescue did.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Action {
    /// `requeued` or `timed_out`.
    pub action: String,
}

/// A run status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RunState {
    /// `pending`, `claimed` or `running`.
    pub status: String,
}

/// The build.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Build {
    /// Crate version.
    pub version: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Tick outcomes, skip reasons, rescue actions and active statuses: every label value, so
/// each series exists (at 0) from the start and an alert on it has a series to fire on.
const OUTCOMES: [&str; 2] = ["ok", "failed"];
const REASONS: [&str; 4] = ["active", "cooldown", "agent_gone", "missed"];
const ACTIONS: [&str; 2] = ["requeued", "timed_out"];
const STATUSES: [&str; 3] = ["pending", "claimed", "running"];

/// Every metric of SPEC 13, registered with the `lobu_` prefix and units in the names.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    ticks: Family<Outcome, Counter>,
    queued: Counter,
    retries: Counter,
    fire_delay: Histogram,
    skipped: Family<Reason, Counter>,
    rescued: Family<Action, Counter>,
    pruned: Counter,
    prune_failures: Counter,
    gauge_failures: Counter,
    tick_duration: Histogram,
    lag: FloatGauge,
    active: Family<RunState, Gauge>,
    oldest_pending: FloatGauge,
    up: Gauge,
    last_success: FloatGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric, each label value of each family at 0.
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("lobu");
        let m = Self {
            registry: Registry::default(),
            ticks: Family::default(),
            queued: Counter::default(),
            retries: Counter::default(),
            // 1 s to about 18 h: a healthy dispatcher fires within its interval, an outage
            // shows in hours
            fire_delay: Histogram::new(exponential_buckets(1.0, 2.0, 17)),
            skipped: Family::default(),
            rescued: Family::default(),
            pruned: Counter::default(),
            prune_failures: Counter::default(),
            gauge_failures: Counter::default(),
            tick_duration: Histogram::new(exponential_buckets(0.005, 2.0, 14)),
            lag: FloatGauge::default(),
            active: Family::default(),
            oldest_pending: FloatGauge::default(),
            up: Gauge::default(),
            last_success: FloatGauge::default(),
        };
        for o in OUTCOMES {
            m.ticks.get_or_create(&outcome(o)).inc_by(0);
        }
        for r in REASONS {
            m.skipped.get_or_create(&reason(r)).inc_by(0);
        }
        for a in ACTIONS {
            m.rescued.get_or_create(&action(a)).inc_by(0);
        }
        for s in STATUSES {
            m.active.get_or_create(&run_state(s)).set(0);
        }
        registry.register(
            "dispatch_ticks",
            "Dispatch ticks by outcome (ok: its queueing committed)",
            m.ticks.clone(),
        );
        registry.register(
            "dispatch_runs_queued",
            "Runs queued by dispatch",
            m.queued.clone(),
        );
        registry.register(
            "dispatch_retries_queued",
            "Runs that ended failed or timeout, queued again by dispatch",
            m.retries.clone(),
        );
        registry.register_with_unit(
            "dispatch_fire_delay",
            "How late each queued slot was: queued_at minus the slot plus its spread offset (a retry: minus its retry_at)",
            Unit::Seconds,
            m.fire_delay.clone(),
        );
        registry.register(
            "dispatch_slots_skipped",
            "Due slots recorded as skipped, by reason",
            m.skipped.clone(),
        );
        registry.register("runs_rescued", "Runs rescued, by action", m.rescued.clone());
        registry.register(
            "runs_pruned",
            "Finished runs deleted by pruning",
            m.pruned.clone(),
        );
        registry.register(
            "runs_prune_failures",
            "Prune batches that failed after their tick had committed",
            m.prune_failures.clone(),
        );
        registry.register(
            "dispatch_snapshot_failures",
            "Reads of the gauges (lag, active runs, oldest pending) that failed",
            m.gauge_failures.clone(),
        );
        registry.register_with_unit(
            "dispatch_tick_duration",
            "Duration of a successful tick (connecting if need be, the lag, its transactions)",
            Unit::Seconds,
            m.tick_duration.clone(),
        );
        registry.register_with_unit(
            "dispatch_lag",
            "How long the oldest due slot had waited when the last tick started (0: none due)",
            Unit::Seconds,
            m.lag.clone(),
        );
        registry.register("runs_active", "Active runs by status", m.active.clone());
        registry.register_with_unit(
            "runs_oldest_pending_age",
            "How long the oldest pending run has waited (0 when none)",
            Unit::Seconds,
            m.oldest_pending.clone(),
        );
        registry.register(
            "database_up",
            "Whether the database answered the last statement (0 until it first does)",
            m.up.clone(),
        );
        registry.register_with_unit(
            "dispatch_last_success_timestamp",
            "Unix time of the last successful tick (0 until the first)",
            Unit::Seconds,
            m.last_success.clone(),
        );
        let build: Family<Build, Gauge> = Family::default();
        build
            .get_or_create(&Build {
                version: env!("CARGO_PKG_VERSION").into(),
            })
            .set(1);
        registry.register("build_info", "Build information (always 1)", build);
        Self { registry, ..m }
    }

    /// The lag read when a tick starts: how long the oldest due slot has waited.
    pub fn lag(&self, seconds: f64) {
        self.lag.set(seconds.max(0.0));
        self.up.set(1);
    }

    /// Counts what a tick's committed transactions did: runs queued, slots skipped, runs
    /// rescued. Called for a successful tick, and for the passes that committed before a
    /// later pass of the same tick failed (they stay committed, so they count).
    pub fn committed(&self, tick: &DispatchTick) {
        self.queued.inc_by(count(tick.queued));
        self.retries.inc_by(count(tick.retried));
        for d in &tick.fire_delays {
            self.fire_delay.observe(*d);
        }
        for (r, n) in REASONS.into_iter().zip([
            tick.skipped_by.active,
            tick.skipped_by.cooldown,
            tick.skipped_by.agent_gone,
            tick.skipped_by.missed,
        ]) {
            self.skipped.get_or_create(&reason(r)).inc_by(count(n));
        }
        for (a, n) in ACTIONS
            .into_iter()
            .zip([tick.rescued.requeued, tick.rescued.timed_out])
        {
            self.rescued.get_or_create(&action(a)).inc_by(count(n));
        }
    }

    /// A tick succeeded: its queueing committed at `at`, after `took`.
    pub fn tick_ok(&self, took: Duration, at: std::time::SystemTime) {
        self.ticks.get_or_create(&outcome("ok")).inc();
        self.tick_duration.observe(took.as_secs_f64());
        self.up.set(1);
        let unix = at
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.last_success.set(unix);
    }

    /// A tick failed.
    pub fn tick_failed(&self) {
        self.ticks.get_or_create(&outcome("failed")).inc();
    }

    /// The database could not be reached (or the connection was lost).
    pub fn database_down(&self) {
        self.up.set(0);
    }

    /// A prune batch after a committed tick deleted `n` runs.
    pub fn pruned(&self, n: i64) {
        self.pruned.inc_by(count(n));
    }

    /// A prune batch after a committed tick failed.
    pub fn prune_failed(&self) {
        self.prune_failures.inc();
    }

    /// The gauges read after a committed tick (their lag is not used: the lag is the one
    /// read when the tick started).
    pub fn gauges(&self, gauges: &Gauges) {
        for (s, n) in STATUSES.into_iter().zip([
            gauges.active_runs.pending,
            gauges.active_runs.claimed,
            gauges.active_runs.running,
        ]) {
            self.active.get_or_create(&run_state(s)).set(n);
        }
        self.oldest_pending.set(gauges.oldest_pending_seconds);
    }

    /// A read of the gauges failed.
    pub fn gauges_failed(&self) {
        self.gauge_failures.inc();
    }

    /// The exposition in OpenMetrics text (what Prometheus asks for first).
    #[must_use]
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // writing to a String cannot fail
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// The exposition in the classic Prometheus text format (0.0.4), for scrapers and
    /// tools that do not ask for OpenMetrics (`curl`, `promtool check metrics`): the same
    /// samples; counters' `HELP`/`TYPE` name the `_total` series, and `# UNIT` and `# EOF`
    /// are left out.
    #[must_use]
    pub fn encode_text(&self) -> String {
        let open = self.encode();
        let counters: Vec<&str> = open
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
            .collect();
        let mut out = String::with_capacity(open.len());
        for line in open.lines() {
            if line.starts_with("# UNIT ") || line == "# EOF" {
                continue;
            }
            let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
                let rest = line.strip_prefix(prefix)?;
                let (name, tail) = rest.split_once(' ')?;
                counters
                    .contains(&name)
                    .then(|| format!("{prefix}{name}_total {tail}"))
            });
            out.push_str(renamed.as_deref().unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn outcome(o: &str) -> Outcome {
    Outcome { outcome: o.into() }
}

fn reason(r: &str) -> Reason {
    Reason { reason: r.into() }
}

fn action(a: &str) -> Action {
    Action { action: a.into() }
}

fn run_state(s: &str) -> RunState {
    RunState { status: s.into() }
}

/// The loop's health for `/healthz` (SPEC 13, 16):
///
/// - `starting` (unhealthy) until the first tick succeeds;
/// - healthy while the last successful tick is at most max(3 x interval, 15 s) old;
/// - else unhealthy, with the reason: `database unreachable since T` while the database
///   cannot be reached, and `no successful tick for DUR` with the last failure's kind.
///
/// Reasons carry error kinds and times only, never a message (a connection error names
/// the host, user and database).
#[derive(Debug)]
pub struct Health {
    window: Duration,
    started: Instant,
    state: Mutex<HealthState>,
}

#[derive(Debug, Default)]
struct HealthState {
    last_ok: Option<Instant>,
    unreachable_since: Option<DateTime<Utc>>,
    last_failure: Option<&'static str>,
}

impl Health {
    /// A loop ticking every `interval`, starting now.
    #[must_use]
    pub fn new(interval: Duration) -> Self {
        Self {
            window: (interval * 3).max(Duration::from_secs(15)),
            started: Instant::now(),
            state: Mutex::new(HealthState::default()),
        }
    }

    fn update(&self, f: impl FnOnce(&mut HealthState)) {
        // a panic while the lock was held cannot leave this plain data half-written
        let mut s = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut s);
    }

    /// A tick succeeded: its queueing committed.
    pub fn ok(&self) {
        self.update(|s| {
            *s = HealthState {
                last_ok: Some(Instant::now()),
                ..HealthState::default()
            }
        });
    }

    /// A tick failed with an error of this kind (`lock_timeout`, `internal`, ...), the
    /// database having answered.
    pub fn failed(&self, kind: &'static str) {
        self.update(|s| s.last_failure = Some(kind));
    }

    /// The database could not be reached (or the connection was lost); the outage's start
    /// is kept until a tick succeeds.
    pub fn unreachable(&self) {
        self.update(|s| {
            s.unreachable_since.get_or_insert_with(Utc::now);
            s.last_failure = Some("database_unreachable");
        });
    }

    /// `Ok(())` when healthy, else the one-line reason (`starting: ...`, `database
    /// unreachable since ...`, `no successful tick for ...`).
    ///
    /// # Errors
    /// The reason, when unhealthy.
    pub fn check(&self) -> std::result::Result<(), String> {
        let (last_ok, since, failure) = {
            let s = self
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (s.last_ok, s.unreachable_since, s.last_failure)
        };
        let down = since.map(|t| {
            format!(
                "database unreachable since {}",
                t.to_rfc3339_opts(SecondsFormat::Secs, true)
            )
        });
        let failed = failure
            .filter(|k| *k != "database_unreachable")
            .map(|k| format!("; last tick failed: {k}"))
            .unwrap_or_default();
        let Some(last_ok) = last_ok else {
            return Err(match down {
                Some(down) => format!("starting: {down}"),
                None => format!(
                    "starting: no successful tick yet (started {}s ago{failed})",
                    self.started.elapsed().as_secs()
                ),
            });
        };
        let age = last_ok.elapsed();
        if age <= self.window {
            return Ok(());
        }
        let stale = format!(
            "no successful tick for {}s (allowed {}s{failed})",
            age.as_secs(),
            self.window.as_secs()
        );
        Err(match down {
            Some(down) => format!("{down}; {stale}"),
            None => stale,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_value_is_exported_at_zero_from_the_start() {
        let text = Metrics::new().encode_text();
        for series in [
            "lobu_dispatch_ticks_total{outcome=\"ok\"} 0",
            "lobu_dispatch_ticks_total{outcome=\"failed\"} 0",
            "lobu_dispatch_runs_queued_total 0",
            "lobu_dispatch_slots_skipped_total{reason=\"active\"} 0",
            "lobu_dispatch_slots_skipped_total{reason=\"cooldown\"} 0",
            "lobu_dispatch_slots_skipped_total{reason=\"agent_gone\"} 0",
            "lobu_dispatch_slots_skipped_total{reason=\"missed\"} 0",
            "lobu_dispatch_retries_queued_total 0",
            "lobu_dispatch_fire_delay_seconds_count 0",
            "lobu_runs_rescued_total{action=\"requeued\"} 0",
            "lobu_runs_rescued_total{action=\"timed_out\"} 0",
            "lobu_runs_pruned_total 0",
            "lobu_runs_prune_failures_total 0",
            "lobu_dispatch_snapshot_failures_total 0",
            "lobu_runs_active{status=\"pending\"} 0",
            "lobu_runs_active{status=\"claimed\"} 0",
            "lobu_runs_active{status=\"running\"} 0",
            "lobu_database_up 0",
            "lobu_dispatch_last_success_timestamp_seconds 0.0",
            "lobu_dispatch_lag_seconds 0.0",
            "lobu_runs_oldest_pending_age_seconds 0.0",
            "lobu_dispatch_tick_duration_seconds_count 0",
        ] {
            assert!(
                text.lines().any(|l| l == series),
                "{series} missing:\n{text}"
            );
        }
    }

    #[test]
    fn health_is_starting_until_the_first_success() {
        let h = Health::new(Duration::from_secs(1));
        let why = h.check().unwrap_err();
        assert!(
            why.starts_with("starting: no successful tick yet (started 0s ago)"),
            "{why}"
        );
        h.failed("lock_timeout");
        let why = h.check().unwrap_err();
        assert!(why.ends_with("; last tick failed: lock_timeout)"), "{why}");
        h.unreachable();
        let why = h.check().unwrap_err();
        assert!(
            why.starts_with("starting: database unreachable since 20"),
            "{why}"
        );
        assert!(why.ends_with('Z'), "{why}");
        h.ok();
        assert_eq!(h.check(), Ok(()));
        // a loss after a success is tolerated within the window
        h.unreachable();
        assert_eq!(h.check(), Ok(()));
    }

    #[test]
    fn health_past_the_window_says_why() {
        let h = Health {
            window: Duration::ZERO,
            ..Health::new(Duration::from_secs(1))
        };
        h.ok();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(
            h.check().unwrap_err(),
            "no successful tick for 0s (allowed 0s)"
        );
        h.failed("statement_timeout");
        assert_eq!(
            h.check().unwrap_err(),
            "no successful tick for 0s (allowed 0s; last tick failed: statement_timeout)"
        );
        h.unreachable();
        let why = h.check().unwrap_err();
        assert!(why.starts_with("database unreachable since 20"), "{why}");
        assert!(
            why.ends_with("Z; no successful tick for 0s (allowed 0s)"),
            "{why}"
        );
    }
}
