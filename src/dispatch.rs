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
use crate::schedule::{parse_timezone, Fire, Schedule, Slots, Spread};

/// Result of `dispatch`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DispatchTick {
    /// Due watchers taken.
    pub due: i64,
    /// Runs queued.
    pub queued: i64,
    /// Slots recorded as `skipped` (a run already active, the agent gone, inside the
    /// cool-down, or missed by more than the catch-up window). An outage's slots past the
    /// window are one, so a watcher counts twice when a later slot of the same outage is
    /// still inside the window and queued.
    pub skipped: i64,
    /// Retries queued (runs that ended `failed` or `timeout`, queued again). A retry
    /// reached later than the watcher's catch-up window after its `retry_at` is not
    /// queued but counted in `skipped` (and `skipped_by.missed`).
    #[serde(skip_serializing_if = "is_zero_count")]
    pub retried: i64,
    /// Due retries taken (queued, skipped or dropped; for the loop: a batch of `limit`
    /// means more may be due). Not in the JSON.
    #[serde(skip)]
    pub retries_taken: i64,
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
    /// How late each queued slot was: its `queued_at` minus its fire instant (the slot
    /// plus the spread's offset; a retry's `retry_at`), in seconds (for the metrics; not
    /// in the JSON).
    #[serde(skip)]
    pub fire_delays: Vec<f64>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero_count(n: &i64) -> bool {
    *n == 0
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
    /// Reached later than the catch-up window after its fire instant (or after the moment
    /// a changed spread made it due: `due_since`).
    pub missed: i64,
}

fn is_zero(r: &Rescued) -> bool {
    *r == Rescued::default()
}

const TAKE_DUE: &str = "
    SELECT id, schedule, timezone, next_run_at, spread_seconds, catch_up_window_seconds,
           due_since
    FROM watchers
    WHERE status = 'active' AND next_run_at <= $1
      AND NOT EXISTS (SELECT 1 FROM organizations o
                      WHERE o.id = watchers.org_id AND o.deleting_at IS NOT NULL)
    ORDER BY next_run_at, id
    LIMIT $2
    FOR NO KEY UPDATE SKIP LOCKED";

/// One set-based statement: queue a run for every due watcher that is ready, record a
/// `skipped` run for the others (saying why: reached later than its catch-up window, the
/// agent is gone, a run is already active, or the slot's fire instant is inside the
/// cool-down, in that order), and advance `next_run_at`. `$1` ids, `$2` their next fire instants, `$3` the
/// clock, `$4` their slots (`scheduled_for`: `next_run_at` is the slot plus the spread's
/// offset), `$5` the `skipped` text of a missed slot (NULL: not missed), `$6` the slots'
/// fire instants, `$7` and `$8` the first slot of an outage's slots that are past the
/// catch-up window, when a later slot of it is still inside (NULL: none), and its
/// `skipped` text: it is recorded `skipped` in the same `INSERT` as the queued run, ahead
/// of it (a lower id, so that a retry of the queued run finds no later run). The cool-down
/// looks up the latest finished run that was not `skipped` or `cancelled` only for
/// watchers that have one, through the partial index `runs_watcher_counted` (V8), whose
/// predicate is the look-up's whole filter. An active run would be the latest counted
/// one, but with one the slot is skipped as `active` whatever the cool-down says, so
/// finished runs are all it needs (and the index holds no active run, so queueing adds
/// nothing to it). Returns the counts, and the ids of the watchers whose slot was skipped
/// (few: the others' lateness goes to the metrics).
const FIRE: &str = "
    WITH due AS (
        SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $4::timestamptz[], $5::text[],
                             $6::timestamptz[], $7::timestamptz[], $8::text[])
            AS d(id, next_at, slot, missed, fire, outage_slot, outage)
    ), w AS (
        SELECT w.id, w.org_id, w.agent_id, w.device_id, w.next_run_at, due.next_at, due.slot,
               due.missed, due.fire, due.outage_slot, due.outage,
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
                          triggered_by, status, scheduled_for, queued_at, finished_at, error,
                          fire_at)
        SELECT org_id, id, agent_id, device_id, 'scheduled', 'schedule', status, slot, $3,
               finished_at, error, fire
        FROM (SELECT org_id, id, agent_id, device_id, 'skipped' AS status,
                     outage_slot AS slot, $3::timestamptz AS finished_at, outage AS error,
                     next_run_at AS fire, 0 AS k
              FROM w
              WHERE outage IS NOT NULL
              UNION ALL
              SELECT org_id, id, agent_id, device_id, 'pending', slot, NULL, NULL, fire, 1
              FROM w
              WHERE missed IS NULL AND agent_exists
                AND (cooldown_until IS NULL OR fire >= cooldown_until)) r
        ORDER BY id, k
        ON CONFLICT (watcher_id) WHERE status IN ('pending', 'claimed', 'running') DO NOTHING
        RETURNING watcher_id, status
    ), skipped AS (
        INSERT INTO runs (org_id, watcher_id, agent_id, device_id, dispatch_source,
                          triggered_by, status, scheduled_for, queued_at, finished_at, error,
                          fire_at)
        SELECT org_id, id, agent_id, device_id, 'scheduled', 'schedule', 'skipped',
               slot, $3, $3,
               CASE WHEN missed IS NOT NULL THEN missed
                    WHEN NOT agent_exists
                        THEN 'skipped: agent ' || agent_id || ' no longer exists'
                    WHEN fire < cooldown_until AND NOT EXISTS (
                        SELECT 1 FROM runs r WHERE r.watcher_id = w.id
                        AND r.status IN ('pending', 'claimed', 'running'))
                        THEN 'skipped: cooldown until '
                             || to_char(cooldown_until AT TIME ZONE 'UTC',
                                        'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
                    ELSE 'skipped: a run of this watcher is already active' END,
               fire
        FROM w
        LEFT JOIN queued ON queued.watcher_id = w.id AND queued.status = 'pending'
        WHERE queued.watcher_id IS NULL
        RETURNING watcher_id, error
    ), advanced AS (
        UPDATE watchers SET next_run_at = w.next_at, due_since = NULL, updated_at = $3
        FROM w WHERE watchers.id = w.id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM queued WHERE status = 'pending'),
           (SELECT count(*) FROM skipped) + (SELECT count(*) FROM queued WHERE status = 'skipped'),
           (SELECT count(*) FROM advanced),
           (SELECT count(*) FROM skipped WHERE error LIKE 'skipped: a run%'),
           (SELECT count(*) FROM skipped WHERE error LIKE 'skipped: cooldown%'),
           (SELECT count(*) FROM skipped WHERE error LIKE 'skipped: agent%'),
           (SELECT count(*) FROM skipped WHERE error LIKE 'skipped: missed%')
               + (SELECT count(*) FROM queued WHERE status = 'skipped'),
           (SELECT coalesce(array_agg(watcher_id), '{}') FROM skipped)";

/// The `error` of a slot reached `late` after its fire instant (or its `due_since`), past
/// its catch-up `window`. The lateness is rounded up to a whole second: a window is whole
/// seconds and the slot was missed by strictly more, so the text always says more than the
/// window (60.5 s past a 1m window is `1m1s`, not `1m`).
#[must_use]
pub fn missed_text(late: Duration, window: Duration) -> String {
    format!(
        "skipped: missed by {} (catch-up window {})",
        compound(ceil_seconds(late)),
        compound(window)
    )
}

/// `d` rounded up to a whole second.
fn ceil_seconds(d: Duration) -> Duration {
    let whole = Duration::seconds(d.num_seconds());
    if d > whole {
        whole + Duration::seconds(1)
    } else {
        whole
    }
}

/// A duration in whole seconds as days, hours, minutes and seconds: `1d2h`, `18h3m20s`,
/// `45s` (the way durations are written on the command line).
#[must_use]
pub fn compound(d: Duration) -> String {
    let mut s = d.num_seconds().max(0);
    if s == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if s >= size {
            out.push_str(&format!("{}{unit}", s / size));
            s %= size;
        }
    }
    out
}

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
        let retries = queue_retries(tx, now, opts.limit)?;
        if opts.limit > 20_000 {
            // a batch this large spills its statements' arrays, CTEs and sorts to
            // temporary files at the default work_mem (4 MB): ~50 MB at 100,000
            tx.batch_execute(
                "SELECT CASE WHEN pg_size_bytes(current_setting('work_mem')) < 64 * 1024 * 1024
                        THEN set_config('work_mem', '64MB', true) END",
            )?;
        }
        let due = tx.query(TAKE_DUE, &[&now, &opts.limit])?;
        let n = due.len();
        let (mut ids, mut next, mut slot_of, mut missed, mut fired) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut fire, mut outage_slot, mut outage) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::<Option<String>>::with_capacity(n),
        );
        // The slots depend only on (schedule, zone): each is computed once per distinct
        // pair, not once per watcher; a spread only adds arithmetic per watcher.
        // With a simulated clock ahead of the database's, also the next fire time on the
        // database's clock: a watcher moved past it is counted in `ahead_of_clock`.
        let simulated_ahead = now > db_now;
        let mut cache: HashMap<(String, String), Option<Slots>> = HashMap::new();
        let (mut ahead_of_clock, mut no_next_run) = (0, 0);
        for row in &due {
            let (id, expr, tz): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
            let at: DateTime<Utc> = row.get(3);
            let spread = Spread::new(i64::from(row.get::<_, i32>(4)), id);
            let window: Option<i32> = row.get(5);
            // A schedule that no longer parses gets no next run, so it is not retried
            // every tick; `watchers update` fixes it.
            let slots = cache.entry((expr, tz)).or_insert_with_key(|(expr, tz)| {
                match (Schedule::parse(expr), parse_timezone(tz)) {
                    (Ok(s), Ok(tz)) => Some(Slots::new(s, tz)),
                    _ => None,
                }
            });
            let (slot, real) = match slots {
                Some(slots) => {
                    let real = simulated_ahead
                        .then(|| slots.next_fire(db_now, spread).ok().map(|f| f.at))
                        .flatten();
                    (slots.slot_of(at, spread), real)
                }
                None => (at, None),
            };
            // a slot a lowered spread made due is late from then, not from its new instant
            let due_since: Option<DateTime<Utc>> = row.get(6);
            let late = now - due_since.map_or(at, |d| d.max(at));
            // past the catch-up window: skipped, unless a later slot of the outage is
            // still inside it
            let missed_by = window
                .map(|w| Duration::seconds(i64::from(w)))
                .filter(|w| late > *w)
                .map(|w| {
                    (
                        missed_text(late, w),
                        slots.as_mut().and_then(|s| catch_up(s, now, w, spread)),
                    )
                });
            let (acted, skipped_as, before) = match missed_by {
                // the outage's slots past the window are recorded skipped, as one run, and
                // the first slot inside it is queued
                Some((text, Some(f))) => (f, None, Some((slot, text))),
                Some((text, None)) => (Fire { slot, at }, Some(text), None),
                None => (Fire { slot, at }, None, None),
            };
            // the first fire after the clock of a slot after the one acted on: a slot taken
            // before its instant (one a change kept due: `watchers update`) is not taken
            // again at its instant
            let following = slots
                .as_mut()
                .and_then(|s| s.next_unfired(now, spread, Some(acted.slot)).ok())
                .map(|f| f.at);
            let ahead = matches!((following, real), (Some(f), Some(r)) if f > r);
            outage_slot.push(before.as_ref().map(|b| b.0));
            outage.push(before.map(|b| b.1));
            missed.push(skipped_as);
            slot_of.push(acted.slot);
            fire.push(acted.at);
            fired.push(now - acted.at);
            ids.push(id);
            next.push(following);
            ahead_of_clock += i64::from(ahead);
            no_next_run += i64::from(following.is_none());
        }
        let row = tx.query_one(
            FIRE,
            &[
                &ids,
                &next,
                &now,
                &slot_of,
                &missed,
                &fire,
                &outage_slot,
                &outage,
            ],
        )?;
        let queued: i64 = row.get(0);
        let skipped_ids: std::collections::HashSet<i64> =
            row.get::<_, Vec<i64>>(7).into_iter().collect();
        let mut fire_delays: Vec<f64> = ids
            .iter()
            .zip(&fired)
            .filter(|(id, _)| !skipped_ids.contains(id))
            .map(|(_, late)| seconds(*late))
            .collect();
        fire_delays.extend(retries.delays.iter().map(|d| d.max(0.0)));
        Ok(DispatchTick {
            due: i64::try_from(ids.len()).unwrap_or(i64::MAX),
            queued,
            skipped: row.get::<_, i64>(1) + retries.missed,
            retried: retries.queued,
            retries_taken: retries.taken,
            rescued,
            skipped_by: SkippedBy {
                active: row.get(3),
                cooldown: row.get(4),
                agent_gone: row.get(5),
                missed: row.get::<_, i64>(6) + retries.missed,
            },
            ahead_of_clock,
            queued_ahead: if simulated_ahead { queued } else { 0 },
            no_next_run,
            fire_delays,
        })
    })?;
    Ok(tick)
}

/// With a catch-up window, the slots of an outage that are past the window are skipped;
/// the first one the dispatcher still reaches inside it (its fire instant at most `window`
/// before `now`), if any, is the one queued: the outage's later slots are coalesced into
/// it, as all of them are without a window.
fn catch_up(
    slots: &mut Slots,
    now: DateTime<Utc>,
    window: Duration,
    spread: Spread,
) -> Option<Fire> {
    let f = slots
        .next_fire(now - window - Duration::nanoseconds(1), spread)
        .ok()?;
    (f.at <= now).then_some(f)
}

fn seconds(d: Duration) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let ms = d.num_milliseconds().max(0) as f64;
    ms / 1000.0
}

/// SQL for [`compound`] of `s`, a whole number of seconds above zero: `1d2h`, `17h54m`.
macro_rules! compound_sql {
    () => {
        "concat(CASE WHEN s >= 86400 THEN (s / 86400) || 'd' END,
                CASE WHEN s % 86400 >= 3600 THEN (s % 86400 / 3600) || 'h' END,
                CASE WHEN s % 3600 >= 60 THEN (s % 3600 / 60) || 'm' END,
                CASE WHEN s % 60 > 0 THEN (s % 60) || 's' END)"
    };
}

/// Queues the retries that are due (SPEC 18), in one statement: the runs whose
/// `retry_at` (set by the trigger `runs_retry_at` when a run ends `failed` or `timeout`
/// with retries left) has come and whose watcher has no active run, locked `FOR UPDATE
/// SKIP LOCKED` so that several dispatchers never take one twice. A retry whose watcher
/// has a run active is not taken: it waits, due, for a later tick after that run ends.
/// Each one taken is, in this order:
/// - dropped (its `retry_at` cleared) when its watcher is not active or has no retries
///   left for it, its agent is gone, its organisation is being deleted, its watcher's
///   next slot has come (`next_run_at`, the next fire instant, is at or before the clock:
///   the slot wins), or a later run of the watcher ended `completed` (the job has since
///   succeeded); later `failed`, `timeout`, `cancelled` or `skipped` runs do not cancel it;
/// - recorded as a missed slot is, when the clock is later than the watcher's catch-up
///   window after its `retry_at`: a `skipped` run with attempt k + 1, `retry_of`, the same
///   slot and the spec's `skipped: missed by <DUR> (catch-up window <DUR>)` (durations as
///   [`compound`] writes them), its `retry_at` cleared;
/// - otherwise queued again as attempt k + 1 for the same slot, `fire_at` its `retry_at`
///   (so that its lateness is `queued_at` minus `retry_at`), its `retry_at` cleared. The
///   one-active-run index turns a run made active since the snapshot into DO NOTHING, and
///   that retry stays due.
///
/// The watcher's row is read `FOR KEY SHARE`, as a trigger reads it, so that a retry
/// racing `agents delete` never queues after the delete's cancel. Returns the retries
/// taken, queued and skipped, and the queued ones' lateness in seconds.
const RETRY: &str = concat!(
    "
    WITH due AS (
        SELECT r.id, r.org_id, r.watcher_id, r.dispatch_source, r.triggered_by,
               r.scheduled_for, r.retry_at, r.attempt
        FROM runs r
        WHERE r.retry_at <= $1
          AND NOT EXISTS (SELECT 1 FROM runs a
                          WHERE a.watcher_id = r.watcher_id
                            AND a.status IN ('pending', 'claimed', 'running'))
        ORDER BY r.retry_at, r.id
        LIMIT $2
        FOR UPDATE OF r SKIP LOCKED
    ), wanted AS (
        SELECT due.*, w.agent_id, w.device_id,
               CASE WHEN $1 - due.retry_at > make_interval(secs => w.catch_up_window_seconds)
                   THEN ceil(extract(epoch FROM $1 - due.retry_at))::bigint
               END AS late,
               w.catch_up_window_seconds::bigint AS win
        FROM due JOIN watchers w ON w.id = due.watcher_id
        WHERE w.status = 'active' AND due.attempt <= w.retries
          AND (w.next_run_at IS NULL OR w.next_run_at > $1)
          AND EXISTS (SELECT 1 FROM agents a WHERE a.org_id = w.org_id AND a.id = w.agent_id)
          AND NOT EXISTS (SELECT 1 FROM organizations o
                          WHERE o.id = w.org_id AND o.deleting_at IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM runs l
                          WHERE l.watcher_id = due.watcher_id AND l.id > due.id
                            AND l.status = 'completed')
        FOR KEY SHARE OF w
    ), missed AS (
        INSERT INTO runs (org_id, watcher_id, agent_id, device_id, dispatch_source,
                          triggered_by, status, scheduled_for, queued_at, finished_at, error,
                          fire_at, attempt, retry_of)
        SELECT org_id, watcher_id, agent_id, device_id, dispatch_source, triggered_by,
               'skipped', scheduled_for, $1, $1,
               'skipped: missed by ' || (SELECT ",
    compound_sql!(),
    " FROM (SELECT late AS s) d)
               || ' (catch-up window ' || (SELECT ",
    compound_sql!(),
    " FROM (SELECT win AS s) d)
               || ')',
               retry_at, attempt + 1, id
        FROM wanted
        WHERE late IS NOT NULL
        RETURNING retry_of
    ), queued AS (
        INSERT INTO runs (org_id, watcher_id, agent_id, device_id, dispatch_source,
                          triggered_by, scheduled_for, queued_at, fire_at, attempt, retry_of)
        SELECT org_id, watcher_id, agent_id, device_id, dispatch_source, triggered_by,
               scheduled_for, $1, retry_at, attempt + 1, id
        FROM wanted
        WHERE late IS NULL
        ORDER BY id
        ON CONFLICT (watcher_id) WHERE status IN ('pending', 'claimed', 'running') DO NOTHING
        RETURNING retry_of, fire_at
    ), cleared AS (
        -- not referenced: PostgreSQL runs a data-modifying WITH once whatever reads it
        UPDATE runs SET retry_at = NULL FROM due
        WHERE runs.id = due.id
          AND (due.id IN (SELECT retry_of FROM queued)
               OR due.id IN (SELECT retry_of FROM missed)
               OR due.id NOT IN (SELECT id FROM wanted))
    )
    SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM queued),
           (SELECT count(*) FROM missed),
           (SELECT coalesce(array_agg(extract(epoch FROM $1 - fire_at)::float8), '{}')
            FROM queued)"
);

/// What one pass of [`RETRY`] did.
struct Retried {
    /// Due retries taken (settled this pass, unless a run became active meanwhile).
    taken: i64,
    /// Queued.
    queued: i64,
    /// Recorded `skipped`: past the catch-up window after their `retry_at`.
    missed: i64,
    /// The queued ones' lateness (`queued_at` minus `retry_at`), in seconds.
    delays: Vec<f64>,
}

/// Queues the retries that are due.
fn queue_retries(tx: &mut Client, now: DateTime<Utc>, limit: i64) -> Result<Retried> {
    let row = tx.query_one(RETRY, &[&now, &limit])?;
    Ok(Retried {
        taken: row.get(0),
        queued: row.get(1),
        missed: row.get(2),
        delays: row.get(3),
    })
}

/// Runs ticks until a tick takes fewer than `opts.limit` due watchers and fewer than
/// `opts.limit` due retries; returns the sums.
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
        let more = t.due >= opts.limit || t.retries_taken >= opts.limit;
        *total += t;
        if !more {
            return Ok(());
        }
    }
}

impl std::ops::AddAssign for DispatchTick {
    /// Sums two ticks' figures (the transactions of one `dispatch`).
    fn add_assign(&mut self, t: Self) {
        self.due += t.due;
        self.queued += t.queued;
        self.skipped += t.skipped;
        self.retried += t.retried;
        self.retries_taken += t.retries_taken;
        self.rescued.requeued += t.rescued.requeued;
        self.rescued.timed_out += t.rescued.timed_out;
        self.skipped_by.active += t.skipped_by.active;
        self.skipped_by.cooldown += t.skipped_by.cooldown;
        self.skipped_by.agent_gone += t.skipped_by.agent_gone;
        self.skipped_by.missed += t.skipped_by.missed;
        self.ahead_of_clock += t.ahead_of_clock;
        self.queued_ahead += t.queued_ahead;
        self.no_next_run += t.no_next_run;
        self.fire_delays.extend(t.fire_delays);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missed_text_is_always_more_than_the_window() {
        let window = Duration::minutes(1);
        for (late_ms, text) in [
            (60_001, "1m1s"),
            (60_500, "1m1s"),
            (60_999, "1m1s"),
            (61_000, "1m1s"),
            (61_001, "1m2s"),
            (64_800_000, "18h"),
        ] {
            assert_eq!(
                missed_text(Duration::milliseconds(late_ms), window),
                format!("skipped: missed by {text} (catch-up window 1m)"),
                "{late_ms} ms"
            );
        }
        assert_eq!(
            missed_text(Duration::nanoseconds(60_000_000_001), window),
            "skipped: missed by 1m1s (catch-up window 1m)"
        );
    }
}
