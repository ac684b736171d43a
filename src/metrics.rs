//! The dispatcher's Prometheus metrics and health (SPEC 13), with the official
//! `prometheus-client` crate. The loop records into [`Metrics`] and [`Health`]; the binary
//! serves them over HTTP from a thread that only reads these atomics and one short-held
//! mutex, never the database, so both answer while a tick is stuck on a dead path.

use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    /// `active`, `cooldown` or `agent_gone`.
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

/// Every metric of SPEC 13, registered with the `lobu_` prefix and units in the names.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    ticks: Family<Outcome, Counter>,
    queued: Counter,
    skipped: Family<Reason, Counter>,
    rescued: Family<Action, Counter>,
    pruned: Counter,
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
    /// Registers every metric.
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("lobu");
        let m = Self {
            registry: Registry::default(),
            ticks: Family::default(),
            queued: Counter::default(),
            skipped: Family::default(),
            rescued: Family::default(),
            pruned: Counter::default(),
            tick_duration: Histogram::new(exponential_buckets(0.005, 2.0, 14)),
            lag: FloatGauge::default(),
            active: Family::default(),
            oldest_pending: FloatGauge::default(),
            up: Gauge::default(),
            last_success: FloatGauge::default(),
        };
        registry.register(
            "dispatch_ticks",
            "Dispatch ticks by outcome",
            m.ticks.clone(),
        );
        registry.register(
            "dispatch_runs_queued",
            "Runs queued by dispatch",
            m.queued.clone(),
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
        registry.register_with_unit(
            "dispatch_tick_duration",
            "Duration of a dispatch tick",
            Unit::Seconds,
            m.tick_duration.clone(),
        );
        registry.register_with_unit(
            "dispatch_lag",
            "How long the oldest due slot has waited (0 when none is due)",
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
            "Whether the last tick reached the database",
            m.up.clone(),
        );
        registry.register_with_unit(
            "dispatch_last_success_timestamp",
            "Unix time of the last successful tick",
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

    /// Records a successful tick that took `took`, and the gauges read after it.
    pub fn tick_ok(&self, tick: &DispatchTick, gauges: &Gauges, pruned: i64, took: Duration) {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        self.ticks.get_or_create(&outcome("ok")).inc();
        self.queued.inc_by(count(tick.queued));
        for (reason, n) in [
            ("active", tick.skipped_by.active),
            ("cooldown", tick.skipped_by.cooldown),
            ("agent_gone", tick.skipped_by.agent_gone),
        ] {
            self.skipped
                .get_or_create(&Reason {
                    reason: reason.into(),
                })
                .inc_by(count(n));
        }
        for (action, n) in [
            ("requeued", tick.rescued.requeued),
            ("timed_out", tick.rescued.timed_out),
        ] {
            self.rescued
                .get_or_create(&Action {
                    action: action.into(),
                })
                .inc_by(count(n));
        }
        self.pruned.inc_by(count(pruned));
        self.tick_duration.observe(took.as_secs_f64());
        self.lag.set(gauges.dispatch_lag_seconds);
        for (status, n) in [
            ("pending", gauges.active_runs.pending),
            ("claimed", gauges.active_runs.claimed),
            ("running", gauges.active_runs.running),
        ] {
            self.active
                .get_or_create(&RunState {
                    status: status.into(),
                })
                .set(n);
        }
        self.oldest_pending.set(gauges.oldest_pending_seconds);
        self.up.set(1);
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.last_success.set(unix);
    }

    /// Records a failed tick; `reachable` is false when the database could not be reached.
    pub fn tick_failed(&self, reachable: bool) {
        self.ticks.get_or_create(&outcome("failed")).inc();
        if !reachable {
            self.up.set(0);
        }
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

fn outcome(o: &str) -> Outcome {
    Outcome { outcome: o.into() }
}

/// The loop's health for `/healthz`: healthy while the last tick succeeded within
/// max(3 x interval, 15 s) (counted from the start until the first tick).
#[derive(Debug)]
pub struct Health {
    window: Duration,
    state: Mutex<(Instant, Option<String>)>,
}

impl Health {
    /// A loop ticking every `interval`, starting now.
    #[must_use]
    pub fn new(interval: Duration) -> Self {
        Self {
            window: (interval * 3).max(Duration::from_secs(15)),
            state: Mutex::new((Instant::now(), None)),
        }
    }

    /// A tick succeeded.
    pub fn ok(&self) {
        if let Ok(mut s) = self.state.lock() {
            *s = (Instant::now(), None);
        }
    }

    /// A tick failed, saying why.
    pub fn failed(&self, why: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = Some(why.to_string());
        }
    }

    /// `Ok(())` when healthy, else the one-line reason.
    ///
    /// # Errors
    /// The reason, when unhealthy.
    pub fn check(&self) -> std::result::Result<(), String> {
        let (last, why) = match self.state.lock() {
            Ok(s) => (s.0, s.1.clone()),
            Err(_) => return Err("health state poisoned".into()),
        };
        let age = last.elapsed();
        if age <= self.window {
            return Ok(());
        }
        Err(format!(
            "no successful tick for {:.0}s (allowed {:.0}s){}",
            age.as_secs_f64(),
            self.window.as_secs_f64(),
            why.map(|w| format!(": {w}")).unwrap_or_default()
        ))
    }
}
