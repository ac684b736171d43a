//! One set-based dispatch tick, and the loop around it.
//!
//! A tick, in one transaction: rescue stale runs; lock the due active watchers with
//! `FOR NO KEY UPDATE SKIP LOCKED` (so dispatchers on several hosts never double-fire, and a
//! manual trigger's foreign-key check, a `KEY SHARE` lock, never waits on a tick that
//! waits on the trigger's run: that was a deadlock with `FOR UPDATE`); compute
//! each one's next fire time in Rust; then one statement queues the runs, records skipped
//! slots and advances `next_run_at` for all of them. The number of statements does not
//! depend on the number of watchers.

use std::collections::HashMap;

use crate::db::Client;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::db::Clock;
use crate::error::{Error, Result};
use crate::runs::{self, Rescued};
use crate::schedule::{parse_timezone, Schedule};

/// Result of `dispatch`.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct DispatchTick {
    /// Due watchers taken.
    pub due: i64,
    /// Runs queued.
    pub queued: i64,
    /// Slots recorded as `skipped` (a run already active, or the agent gone).
    pub skipped: i64,
    /// Rescued runs.
    #[serde(skip_serializing_if = "is_zero")]
    pub rescued: Rescued,
    /// `skipped`, by reason (for the metrics; not in the JSON).
    #[serde(skip)]
    pub skipped_by: SkippedBy,
    /// Watchers whose `next_run_at` this tick moved past the first fire time after the
    /// database's clock: only a simulated clock ahead of it (`dispatch --now T`) does
    /// that, and `watchers reschedule` undoes it. Not in the JSON (the CLI warns).
    #[serde(skip)]
    pub ahead_of_clock: i64,
    /// Runs queued at a simulated time past the database's clock: rescue does not time
    /// them out before that time plus `timeout_after`, and until they finish each holds
    /// its watcher's one active slot. Not in the JSON (the CLI warns).
    #[serde(skip)]
    pub queued_ahead: i64,
    /// Due watchers whose schedule gave no next fire time (it no longer parses, or never
    /// fires again): their `next_run_at` is now NULL, so they do not fire until
    /// `watchers update` or `watchers reschedule` gives them one. Not in the JSON (the CLI
    /// warns).
    #[serde(skip)]
    pub no_next_run: i64,
}

/// How far a simulated clock may lie from the database's, either way: 100 years. A
/// clock further out means nothing for a schedule, and past the cron calendar's end (the
/// year 5000) no fire time can be computed at all: a tick would set every due watcher's
/// `next_run_at` to NULL, disabling it.
pub const MAX_CLOCK_DISTANCE_YEARS: i64 = 100;

/// Refuses a simulated clock more than [`MAX_CLOCK_DISTANCE_YEARS`] from the database's.
fn check_simulated(at: DateTime<Utc>, database: DateTime<Utc>) -> Result<()> {
    let limit = Duration::days(MAX_CLOCK_DISTANCE_YEARS * 365 + MAX_CLOCK_DISTANCE_YEARS / 4);
    let distance = at.signed_duration_since(database);
    if distance.abs() <= limit {
        return Ok(());
    }
    let secs = chrono::SecondsFormat::Secs;
    Err(Error::invalid(format!(
        "--now {} is {} years {} the database's clock ({}): a simulated clock may be at most \
         {MAX_CLOCK_DISTANCE_YEARS} years either way, so that every next run stays computable",
        at.to_rfc3339_opts(secs, true),
        distance.num_days().abs() * 4 / 1461,
        if distance > Duration::zero() {
            "ahead of"
        } else {
            "behind"
        },
        database.to_rfc3339_opts(secs, true),
    )))
}

/// Skipped slots by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkippedBy {
    /// A run of the watcher was already active.
    pub active: i64,
    /// Inside the cool-down.
    pub cooldown: i64,
    /// The watcher's agent no longer exists.
    pub agent_gone: i64,
}

fn is_zero(r: &Rescued) -> bool {
    *r == Rescued::default()
}

const TAKE_DUE: &str = "
    SELECT id, schedule, timezone
    FROM watchers
    WHERE status = 'active' AND next_run_at <= $1
      AND NOT EXISTS (SELECT 1 FROM organizations o
                      WHERE o.id = watchers.org_id AND o.deleting_at IS NOT NULL)
    ORDER BY next_run_at, id
    LIMIT $2
    FOR NO KEY UPDATE SKIP LOCKED";

/// One set-based statement: queue a run for every due watcher that is ready, record a
/// `skipped` run for the others (saying why: the agent is gone, a run is already active,
/// or the slot is inside the cool-down, in that order), and advance `next_run_at`. The
/// cool-down looks up the latest finished run that was not `skipped` or `cancelled` only
/// for watchers that have one, through the partial index `runs_watcher_counted` (V8),
/// whose predicate is the look-up's whole filter. An active run would be the latest
/// counted one, but with one the slot is skipped as `active` whatever the cool-down says,
/// so finished runs are all it needs (and the index holds no active run, so queueing
/// adds nothing to it).
const FIRE: &str = "
    WITH due AS (
        SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS d(id, next_at)
    ), w AS (
        SELECT w.id, w.org_id, w.agent_id, w.device_id, w.next_run_at, due.next_at,
               EXISTS (SELECT 1 FROM agents a WHERE a.org_id = w.org_id AND a.id = w.agent_id)
                   AS agent_exists,
               CASE WHEN w.min_cooldown_seconds > 0 THEN
                   (SELECT r.queued_at FROM runs r
                    WHERE r.watcher_id = w.id AND r.status IN ('completed', 'failed', 'timeout')
                    ORDER BY r.id DESC LIMIT 1)
                   + make_interval(secs => w.min_cooldown_seconds)
               END AS cooldown_until
        FROM watchers w JOIN due ON due.id = w.id
    ), queued AS (
        INSERT INTO runs (org_id, watcher_id, agent_id, device_id, dispatch_source,
                          triggered_by, scheduled_for, queued_at)
        SELECT org_id, id, agent_id, device_id, 'scheduled', 'schedule', next_run_at, $3
        FROM w
        WHERE agent_exists AND (cooldown_until IS NULL OR next_run_at >= cooldown_until)
        ORDER BY id
        ON CONFLICT (watcher_id) WHERE status IN ('pending', 'claimed', 'running') DO NOTHING
        RETURNING watcher_id
    ), skipped AS (
        INSERT INTO runs (org_id, watcher_id, agent_id, device_id, dispatch_source,
                          triggered_by, status, scheduled_for, queued_at, finished_at, error)
        SELECT org_id, id, agent_id, device_id, 'scheduled', 'schedule', 'skipped',
               next_run_at, $3, $3,
               CASE WHEN NOT agent_exists
                        THEN 'skipped: agent ' || agent_id || ' no longer exists'
                    WHEN next_run_at < cooldown_until AND NOT EXISTS (
                        SELECT 1 FROM runs r WHERE r.watcher_id = w.id
                        AND r.status IN ('pending', 'claimed', 'running'))
                        THEN 'skipped: cooldown until '
                             || to_char(cooldown_until AT TIME ZONE 'UTC',
                                        'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
                    ELSE 'skipped: a run of this watcher is already active' END
        FROM w
        LEFT JOIN queued ON queued.watcher_id = w.id
        WHERE queued.watcher_id IS NULL
        RETURNING error
    ), advanced AS (
        UPDATE watchers SET next_run_at = w.next_at, updated_at = $3
        FROM w WHERE watchers.id = w.id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM queued), (SELECT count(*) FROM skipped),
           (SELECT count(*) FROM advanced),
           (SELECT count(*) FROM skipped WHERE error LIKE 'skipped: a run%'),
           (SELECT count(*) FROM skipped WHERE error LIKE 'skipped: cooldown%'),
           (SELECT count(*) FROM skipped WHERE error LIKE 'skipped: agent%')";

/// A due watcher's next fire time on the tick's clock, and whether it lies past the one
/// on the database's clock, by (schedule, time zone).
type NextFire = (Option<DateTime<Utc>>, bool);

/// How a dispatch tick works: watchers per transaction, and the rescue thresholds
/// (SPEC 7 and 8), all on the tick's one clock.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Due watchers taken per tick (one transaction).
    pub limit: i64,
    /// Claimed or running without a heartbeat for this long: back to `pending`.
    pub stale_after: Duration,
    /// Active (pending included) for this long since queued: `timeout`.
    pub timeout_after: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            limit: 5000,
            stale_after: runs::STALE_AFTER,
            timeout_after: runs::TIMEOUT_AFTER,
        }
    }
}

/// Runs one tick on `clock` (the database's, or a simulated one) over at most
/// `opts.limit` due watchers, rescuing runs first.
///
/// # Errors
/// Database failures; the tick's transaction is then rolled back whole. `invalid_input`
/// for a simulated clock more than [`MAX_CLOCK_DISTANCE_YEARS`] from the database's,
/// before anything is written.
pub fn tick(client: &mut Client, clock: Clock, opts: &Options) -> Result<DispatchTick> {
    let (tick, _) = crate::db::in_tx_by_key(client, |tx, db_now| {
        let now = clock.at(db_now);
        if let Clock::At(at) = clock {
            check_simulated(at, db_now)?;
        }
        let rescued = runs::rescue(tx, now, opts.stale_after, opts.timeout_after)?;
        let due = tx.query(TAKE_DUE, &[&now, &opts.limit])?;
        let mut ids = Vec::with_capacity(due.len());
        let mut next = Vec::with_capacity(due.len());
        // The next fire time depends only on (schedule, zone, now): compute it once per
        // distinct pair, not once per watcher.
        // With a simulated clock ahead of the database's, also the next fire time on the
        // database's clock: a watcher moved past it is counted in `ahead_of_clock`.
        let simulated_ahead = now > db_now;
        let mut cache: HashMap<(String, String), NextFire> = HashMap::new();
        let (mut ahead_of_clock, mut no_next_run) = (0, 0);
        for row in &due {
            let (id, expr, tz): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
            let (at, ahead) = *cache.entry((expr, tz)).or_insert_with_key(|(expr, tz)| {
                // A schedule that no longer parses gets no next run, so it is not retried
                // every tick; `watchers update` fixes it.
                match (Schedule::parse(expr), parse_timezone(tz)) {
                    (Ok(s), Ok(tz)) => {
                        let at = s.next_after(tz, now).ok();
                        let real = simulated_ahead
                            .then(|| s.next_after(tz, db_now).ok())
                            .flatten();
                        (
                            at,
                            matches!((at, real), (Some(at), Some(real)) if at > real),
                        )
                    }
                    _ => (None, false),
                }
            });
            ids.push(id);
            next.push(at);
            ahead_of_clock += i64::from(ahead);
            no_next_run += i64::from(at.is_none());
        }
        let row = tx.query_one(FIRE, &[&ids, &next, &now])?;
        let queued: i64 = row.get(0);
        Ok(DispatchTick {
            due: i64::try_from(ids.len()).unwrap_or(i64::MAX),
            queued,
            skipped: row.get(1),
            rescued,
            skipped_by: SkippedBy {
                active: row.get(3),
                cooldown: row.get(4),
                agent_gone: row.get(5),
            },
            ahead_of_clock,
            queued_ahead: if simulated_ahead { queued } else { 0 },
            no_next_run,
        })
    })?;
    Ok(tick)
}

/// Runs ticks until fewer than `opts.limit` watchers are due; returns the sums.
///
/// # Errors
/// As [`tick`]; batches already committed stay committed.
pub fn run_once(client: &mut Client, clock: Clock, opts: &Options) -> Result<DispatchTick> {
    let mut total = DispatchTick::default();
    run_into(client, clock, opts, &mut total)?;
    Ok(total)
}

/// As [`run_once`], adding each committed transaction's figures into `total` as it
/// commits, so that a caller still counts what committed before a later one failed (the
/// loop's metrics).
///
/// # Errors
/// As [`tick`]; `total` then holds the transactions that committed.
pub fn run_into(
    client: &mut Client,
    clock: Clock,
    opts: &Options,
    total: &mut DispatchTick,
) -> Result<()> {
    loop {
        let t = tick(client, clock, opts)?;
        total.due += t.due;
        total.queued += t.queued;
        total.skipped += t.skipped;
        total.rescued.requeued += t.rescued.requeued;
        total.rescued.timed_out += t.rescued.timed_out;
        total.skipped_by.active += t.skipped_by.active;
        total.skipped_by.cooldown += t.skipped_by.cooldown;
        total.skipped_by.agent_gone += t.skipped_by.agent_gone;
        total.ahead_of_clock += t.ahead_of_clock;
        total.queued_ahead += t.queued_ahead;
        total.no_next_run += t.no_next_run;
        if t.due < opts.limit {
            return Ok(());
        }
    }
}
