//! The operator's view (SPEC 13): `lobu-admin status`, and the gauges the dispatcher
//! exports with its metrics. Each is one statement whose every part is an index look-up
//! or a count over the active runs only, so it costs the same with millions of finished
//! runs (the finished count is the planner's estimate once the table is large).

use crate::db::GenericClient;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::typed::p;
use crate::error::Result;

/// Active runs by status.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct ActiveRuns {
    /// Queued, waiting for a device.
    pub pending: i64,
    /// Reserved by a device.
    pub claimed: i64,
    /// Being worked on.
    pub running: i64,
}

/// What the dispatcher exports after every tick.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Gauges {
    /// Active watchers whose slot is due now.
    pub due_now: i64,
    /// Seconds the oldest due slot has waited (0 when none is due).
    pub dispatch_lag_seconds: f64,
    /// Active runs by status.
    pub active_runs: ActiveRuns,
    /// Seconds the oldest pending run has waited (0 when none).
    pub oldest_pending_seconds: f64,
}

const GAUGES: &str = "
    SELECT (SELECT count(*) FROM watchers WHERE status = 'active' AND next_run_at <= $1)
               AS due_now,
           coalesce(extract(epoch FROM $1 - (SELECT min(next_run_at) FROM watchers
                                             WHERE status = 'active' AND next_run_at <= $1)),
                    0)::float8 AS lag,
           (SELECT count(*) FROM runs WHERE status = 'pending') AS pending,
           (SELECT count(*) FROM runs WHERE status = 'claimed') AS claimed,
           (SELECT count(*) FROM runs WHERE status = 'running') AS running,
           coalesce(extract(epoch FROM $1 - (SELECT min(queued_at) FROM runs
                                             WHERE status = 'pending')), 0)::float8
               AS oldest_pending";

/// How long the oldest due slot has waited at `$1` (0 when none is due): read when a tick
/// starts, so a long `--interval` or a stuck tick shows (SPEC 16). One look-up of the
/// smallest `next_run_at` among active watchers.
const LAG: &str = "
    SELECT coalesce(extract(epoch FROM $1 - (SELECT min(next_run_at) FROM watchers
                                             WHERE status = 'active' AND next_run_at <= $1)),
                    0)::float8";

/// The dispatch lag at `now`, in seconds. Call in a `db::in_tx_by_key` transaction.
///
/// # Errors
/// Database failures.
pub fn lag(tx: &mut impl GenericClient, now: DateTime<Utc>) -> Result<f64> {
    Ok(tx.query_one(LAG, &[&now])?.get::<_, f64>(0).max(0.0))
}

fn gauges_from(r: &postgres::Row, at: usize) -> Gauges {
    Gauges {
        due_now: r.get(at),
        dispatch_lag_seconds: r.get::<_, f64>(at + 1).max(0.0),
        active_runs: ActiveRuns {
            pending: r.get(at + 2),
            claimed: r.get(at + 3),
            running: r.get(at + 4),
        },
        oldest_pending_seconds: r.get::<_, f64>(at + 5).max(0.0),
    }
}

/// The dispatcher's gauges at `now`. Call in a `db::in_tx_by_key` transaction.
///
/// # Errors
/// Database failures.
pub fn gauges(tx: &mut impl GenericClient, now: DateTime<Utc>) -> Result<Gauges> {
    let row = tx.query_one(GAUGES, &[&now])?;
    Ok(gauges_from(&row, 0))
}

/// Watchers by status.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Watchers {
    /// Dispatched on schedule.
    pub active: i64,
    /// Paused.
    pub paused: i64,
    /// Archived.
    pub archived: i64,
}

/// `lobu-admin status`.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Latest migration applied.
    pub schema_version: i64,
    /// Organisations.
    pub organizations: i64,
    /// Organisations being deleted (an `org delete` runs, or was interrupted: run it
    /// again), by id.
    pub organizations_being_deleted: Vec<BeingDeleted>,
    /// Devices.
    pub devices: i64,
    /// Watchers by status.
    pub watchers: Watchers,
    /// Due slots, lag, active runs, oldest pending run.
    #[serde(flatten)]
    pub gauges: Gauges,
    /// Queue time of the oldest pending run.
    pub oldest_pending_run: Option<DateTime<Utc>>,
    /// Claimed or running runs without a heartbeat for longer than the stale threshold.
    pub stale_runs: i64,
    /// Finished runs (the planner's estimate when `finished_runs_estimated`).
    pub finished_runs: i64,
    /// Whether `finished_runs` is an estimate (over 100,000 finished runs).
    pub finished_runs_estimated: bool,
    /// When the oldest finished run ended.
    pub oldest_finished_run: Option<DateTime<Utc>>,
    /// How late the latest slot queued in the last hour fired at worst, in seconds
    /// (`queued_at` minus the slot plus its spread offset); null when none was queued.
    pub worst_lateness_last_hour_seconds: Option<f64>,
    /// The database's clock.
    pub database_time: DateTime<Utc>,
}

/// An organisation being deleted, in `status`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BeingDeleted {
    /// The organisation.
    pub id: String,
    /// Since when.
    pub deleting_at: DateTime<Utc>,
}

/// Finished runs are counted exactly up to this many (reading at most this many index
/// entries), and estimated from the planner's statistics above.
pub const EXACT_UP_TO: i64 = 100_000;

/// The worst lateness of the last hour (SPEC 18): the largest `queued_at` minus fire
/// instant (`fire_at`: the slot plus the spread's offset for a first attempt, the
/// `retry_at` it was queued for for a retry; the slot for runs queued by a release
/// without spreads) of the scheduled runs queued since `$1 - 1 hour`, retries included.
/// Those runs are still active (`runs_active_queued`) or finished since then
/// (`runs_finished`): two index ranges over the last hour, whatever the history.
const WORST_LATENESS: &str = "
    SELECT extract(epoch FROM max(queued_at - coalesce(fire_at, scheduled_for)))::float8
    FROM (
        SELECT queued_at, fire_at, scheduled_for FROM runs
        WHERE finished_at IS NULL AND queued_at IS NOT NULL
          AND queued_at > $1 - interval '1 hour' AND dispatch_source = 'scheduled'
        UNION ALL
        SELECT queued_at, fire_at, scheduled_for FROM runs
        WHERE finished_at > $1 - interval '1 hour' AND queued_at > $1 - interval '1 hour'
          AND dispatch_source = 'scheduled' AND status <> 'skipped'
    ) last_hour";

/// The figures of `status` at `now` (the database's clock); `stale_after` as for rescue.
/// Call in a `db::in_tx_by_key` transaction.
///
/// # Errors
/// Database failures.
pub fn status(
    tx: &mut impl GenericClient,
    now: DateTime<Utc>,
    stale_after: chrono::Duration,
) -> Result<Status> {
    status_via(
        &mut |s| crate::db::flight::in_order(tx, s),
        Some(now),
        stale_after,
    )
}

/// [`status`]'s statement sent by `send` (see [`crate::db::flight::Send`]), at `now` or,
/// when `None`, at the database's `now()` (a flight's clock).
///
/// # Errors
/// As [`status`].
pub fn status_via(
    send: &mut crate::db::flight::Send<'_>,
    now: Option<DateTime<Utc>>,
    stale_after: chrono::Duration,
) -> Result<Status> {
    let stale_us = stale_after.num_microseconds().unwrap_or(i64::MAX);
    // `$1` is the clock wherever the statements read it
    let gauges = GAUGES.replace("$1", CLOCK);
    let lateness = WORST_LATENESS.replace("$1", CLOCK);
    let sql = format!(
        "WITH g AS ({gauges}), finished AS (
             SELECT count(*) AS n FROM (
                 SELECT 1 FROM runs WHERE finished_at IS NOT NULL LIMIT {EXACT_UP_TO} + 1
             ) f
         ), est AS (
             SELECT greatest(reltuples, 0)::bigint AS n FROM pg_class
             WHERE oid = 'runs'::regclass
         )
         SELECT g.*,
                (SELECT coalesce(max(version), 0)::bigint FROM lobu_migrations),
                (SELECT count(*) FROM organizations), (SELECT count(*) FROM devices),
                (SELECT count(*) FROM watchers WHERE status = 'active'),
                (SELECT count(*) FROM watchers WHERE status = 'paused'),
                (SELECT count(*) FROM watchers WHERE status = 'archived'),
                (SELECT min(queued_at) FROM runs WHERE status = 'pending'),
                (SELECT count(*) FROM runs WHERE status IN ('claimed', 'running')
                 AND coalesce(heartbeat_at, claimed_at)
                     <= {CLOCK} - $2 * interval '1 microsecond'),
                CASE WHEN finished.n > {EXACT_UP_TO}
                     THEN greatest(est.n - g.pending - g.claimed - g.running, finished.n)
                     ELSE finished.n END,
                finished.n > {EXACT_UP_TO},
                (SELECT min(finished_at) FROM runs WHERE finished_at IS NOT NULL),
                ({lateness}),
                (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id,
                                                              'deleting_at', deleting_at)
                                           ORDER BY id), '[]')
                 FROM organizations WHERE deleting_at IS NOT NULL),
                {CLOCK}
         FROM g, finished, est"
    );
    let rows = send(&[(&sql, &[p(&now), p(&stale_us)])])?;
    let row = rows
        .first()
        .and_then(|r| r.first())
        .ok_or_else(|| crate::error::Error::Internal("status returned no row".into()))?;
    Ok(Status {
        gauges: gauges_from(row, 0),
        schema_version: row.get(6),
        organizations: row.get(7),
        devices: row.get(8),
        watchers: Watchers {
            active: row.get(9),
            paused: row.get(10),
            archived: row.get(11),
        },
        oldest_pending_run: row.get(12),
        stale_runs: row.get(13),
        finished_runs: row.get::<_, i64>(14).max(0),
        finished_runs_estimated: row.get(15),
        oldest_finished_run: row.get(16),
        worst_lateness_last_hour_seconds: row.get(17),
        organizations_being_deleted: serde_json::from_value(row.get(18))?,
        database_time: row.get(19),
    })
}

/// The clock of [`status_via`]'s statement: the time given, else the database's.
const CLOCK: &str = "coalesce($1::timestamptz, now())";
