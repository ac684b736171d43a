//! Run history retention (SPEC 13): `runs prune` and `dispatch --loop --prune-after`.
//!
//! Finished runs older than a cutoff are deleted in batches, each its own short
//! transaction (so triggers and claims never wait behind a long one, and a transaction
//! pooler is fine). Never deleted: active runs (they have no `finished_at`), and each
//! watcher's latest run that was not `skipped` or `cancelled` (the cool-down reads it) and
//! latest that was not `skipped` (`watchers list` shows it).
//!
//! Both are a [`Sweep`]: windows of ids in the heap's order, each watcher's latest runs
//! read once at the start, set-based (within 2x of one hand-written `DELETE`). `runs
//! prune` walks it to the end; the loop keeps one between ticks ([`Pruner`]) and deletes
//! one window per tick.

use std::time::Instant;

use crate::db::Client;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::db::typed::p;
use crate::error::Result;

/// Default rows per batch.
pub const BATCH: i64 = 10_000;

/// What a prune did (or, for a dry run, would do).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Pruned {
    /// Runs deleted (or that would be).
    pub deleted: i64,
    /// Batches (transactions) used (or that would be).
    pub batches: i64,
    /// Runs old enough but kept: a watcher's latest counted or shown run.
    pub kept_latest: i64,
    /// Whether nothing was written.
    pub dry_run: bool,
}

/// A candidate `r` (a finished run) that prune keeps: its watcher's latest finished run
/// that the cool-down counts or `watchers list` shows (found through the partial indexes
/// `runs_watcher_counted`, V8, and `runs_watcher_last_run`, V12). It is kept even while a newer run
/// is active: if that run is cancelled, the cool-down and the list fall back to it.
const KEPT: &str = "r.watcher_id IS NOT NULL AND (
    r.id = (SELECT x.id FROM runs x WHERE x.watcher_id = r.watcher_id
            AND x.status IN ('completed', 'failed', 'timeout') ORDER BY x.id DESC LIMIT 1)
    OR r.id = (SELECT x.id FROM runs x WHERE x.watcher_id = r.watcher_id
               AND x.status IN ('completed', 'failed', 'timeout', 'cancelled')
               ORDER BY x.id DESC LIMIT 1))";

/// Every watcher's latest finished run that the cool-down counts and latest that `watchers
/// list` shows ([`KEPT`]'s two look-ups), set-based: two index probes per watcher.
const LATEST: &str = "SELECT k.id FROM watchers w CROSS JOIN LATERAL (
      (SELECT x.id FROM runs x WHERE x.watcher_id = w.id
       AND x.status IN ('completed', 'failed', 'timeout') ORDER BY x.id DESC LIMIT 1)
      UNION ALL
      (SELECT x.id FROM runs x WHERE x.watcher_id = w.id
       AND x.status IN ('completed', 'failed', 'timeout', 'cancelled')
       ORDER BY x.id DESC LIMIT 1)) k";

/// How many of the runs kept as their watcher's latest (`$4`) are candidates. An
/// `id = ANY($4)` with an empty array (most windows) took the planner 5 ms.
const KEPT_NOW: &str = "(SELECT count(*) FROM runs r
     WHERE r.id IN (SELECT unnest($4::bigint[])) AND r.finished_at < $3)";

/// Where the window after the one starting past `after` starts: just before the next
/// candidate (so that the walk skips what earlier prunes emptied), `NULL` past the last.
/// Parameters as in [`Sweep::batch`]: `$2` the window's width, `$3` the cutoff, `$5` the
/// last candidate.
fn next_window(after: &str) -> String {
    format!(
        "(SELECT min(r.id) - 1 FROM runs r
          WHERE r.id > {after} + $2 AND r.id <= $5 AND r.finished_at < $3)"
    )
}

/// `runs prune`: a walk over the runs finished before a cutoff in windows of ids (the
/// primary key, so in the order the rows were written, which is the heap's), each window
/// deleted by one statement in a transaction of its own. Which runs are their watcher's
/// latest is read once, set-based, at the start ([`Sweep::start`]); a window then deletes
/// every candidate but those, with no look-up per row. A run that changed after the start
/// (its row's `xmin` is not older than the start's oldest running transaction) is not
/// covered by that reading and is decided by the two look-ups in the window's own
/// snapshot. The windows' deletes wait for rows another
/// prune holds (in the same order: no deadlock), never for a trigger or a claim, which
/// touch active runs only.
#[derive(Debug, Clone)]
pub struct Sweep {
    cutoff: DateTime<Utc>,
    /// The runs that were their watcher's latest at the start, ascending, up to `last`.
    kept: Vec<i64>,
    /// The start's oldest running transaction (`xid8`, as text).
    xmin: String,
    /// Where the next window starts (exclusive); `None` when the walk is done.
    next: Option<i64>,
    /// The last candidate (the highest id finished before the cutoff at the start).
    last: i64,
    /// Runs finished before the cutoff at the start (deleted or kept by the walk).
    pub candidates: i64,
}

impl Sweep {
    /// Reads, in one statement: every watcher's latest runs, the snapshot's oldest running
    /// transaction, and the first, last and number of candidates (an index-only scan of
    /// `runs_finished` up to the cutoff).
    ///
    /// # Errors
    /// Database failures.
    pub fn start(tx: &mut Client, cutoff: DateTime<Utc>) -> Result<Self> {
        let row = tx.query_typed_one(
            &format!(
                "SELECT ARRAY(SELECT DISTINCT l.id FROM ({LATEST}) l ORDER BY l.id),
                        pg_snapshot_xmin(pg_current_snapshot())::text,
                        min(r.id), max(r.id), count(*)
                 FROM runs r WHERE r.finished_at IS NOT NULL AND r.finished_at < $1"
            ),
            &[p(&cutoff)],
        )?;
        let first: Option<i64> = row.get(2);
        let last: i64 = row.get::<_, Option<i64>>(3).unwrap_or(0);
        let mut kept: Vec<i64> = row.get(0);
        kept.retain(|id| *id <= last);
        Ok(Self {
            cutoff,
            kept,
            xmin: row.get(1),
            next: first.map(|id| id - 1),
            last,
            candidates: row.get(4),
        })
    }

    /// [`Sweep::start`] in a transaction of its own, for runs finished more than
    /// `older_than` ago on the database's clock.
    ///
    /// # Errors
    /// Database failures.
    pub fn begin(client: &mut Client, older_than: Duration) -> Result<Self> {
        crate::db::in_tx_by_key(client, |tx, now| Self::start(tx, cutoff(now, older_than)))
            .map(|(sweep, _)| sweep)
    }

    /// [`Sweep::batch`] in a transaction of its own: the next window.
    ///
    /// # Errors
    /// Database failures; the same window is tried again by the next call.
    pub fn advance(&mut self, client: &mut Client, width: i64) -> Result<Pruned> {
        crate::db::in_tx_by_key(client, |tx, _| self.batch(tx, width)).map(|(window, _)| window)
    }

    /// Whether every window has been deleted.
    #[must_use]
    pub fn done(&self) -> bool {
        self.next.is_none()
    }

    /// Deletes the next window: the candidates among the next `width` ids after the last
    /// window, but those kept. Call inside a transaction of its own
    /// (`db::in_tx_by_key`); on error, call again to retry the same window. The
    /// transaction commits without waiting for its WAL to reach disk
    /// (`synchronous_commit = off`, for it alone): a crash can lose the last windows'
    /// deletes, never half of one, and the next prune deletes them again; a prune of a
    /// million runs is 100 commits, each of which would otherwise wait for a flush.
    ///
    /// # Errors
    /// Database failures.
    pub fn batch(&mut self, tx: &mut Client, width: i64) -> Result<Pruned> {
        let Some(from) = self.next else {
            return Ok(Pruned::default());
        };
        let lo = self.kept.partition_point(|id| *id <= from);
        let hi = self
            .kept
            .partition_point(|id| *id <= from.saturating_add(width));
        let kept = self.kept[lo..hi].to_vec();
        let row = tx.query_typed_one(
            &format!(
                "WITH gone AS (
                     DELETE FROM runs r
                     WHERE r.id > $1 AND r.id <= $1 + $2 AND r.finished_at < $3
                       AND NOT (r.id = ANY($4))
                       AND (age(r.xmin) > age($6::xid8::xid) OR NOT ({KEPT}))
                     RETURNING 1
                 )
                 SELECT (SELECT count(*) FROM gone),
                        {KEPT_NOW},
                        {},
                        set_config('synchronous_commit', 'off', true)",
                next_window("$1")
            ),
            &[
                p(&from),
                p(&width),
                p(&self.cutoff),
                p(&kept),
                p(&self.last),
                p(&self.xmin),
            ],
        )?;
        self.next = row.get(2);
        Ok(Pruned {
            deleted: row.get(0),
            batches: 1,
            kept_latest: row.get(1),
            dry_run: false,
        })
    }
}

/// How long the loop rests between the end of one sweep and the start of the next: a
/// start reads every watcher's latest runs (two index probes each), which a service need
/// not pay every tick when nothing is old enough, and runs that became old meanwhile can
/// wait that long.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// The loop's pruning (`dispatch --loop --prune-after`): a [`Sweep`] kept between ticks,
/// one window per tick; the next sweep starts [`SWEEP_EVERY`] after one ends. A window
/// that fails is tried again at the next tick (on a new connection, if need be).
#[derive(Debug)]
pub struct Pruner {
    older_than: Duration,
    width: i64,
    rest: std::time::Duration,
    sweep: Option<Sweep>,
    rest_until: Option<Instant>,
}

impl Pruner {
    /// Prunes runs finished more than `older_than` ago, windows of `width` ids.
    #[must_use]
    pub fn new(older_than: Duration, width: i64) -> Self {
        Self {
            older_than,
            width,
            rest: SWEEP_EVERY,
            sweep: None,
            rest_until: None,
        }
    }

    /// The same, resting `rest` between sweeps instead of [`SWEEP_EVERY`].
    #[must_use]
    pub fn resting(self, rest: std::time::Duration) -> Self {
        Self { rest, ..self }
    }

    /// At most one window (starting a sweep first when it is time); the runs deleted.
    ///
    /// # Errors
    /// Database failures.
    pub fn tick(&mut self, client: &mut Client) -> Result<i64> {
        let sweep = match self.sweep.as_mut() {
            Some(sweep) => sweep,
            None if self.rest_until.is_some_and(|t| Instant::now() < t) => return Ok(0),
            None => self.sweep.insert(Sweep::begin(client, self.older_than)?),
        };
        let window = sweep.advance(client, self.width)?;
        if sweep.done() {
            self.sweep = None;
            self.rest_until = Some(Instant::now() + self.rest);
        }
        Ok(window.deleted)
    }
}

/// What a prune of everything finished before `cutoff` would do, read-only: the sweep's
/// start, then its windows counted by walking their starts (one look-up each) and its kept
/// runs counted (`runs prune --dry-run`).
///
/// # Errors
/// Database failures.
pub fn predict(tx: &mut Client, cutoff: DateTime<Utc>, limit: i64) -> Result<Pruned> {
    let sweep = Sweep::start(tx, cutoff)?;
    let row = tx.query_typed_one(
        &format!(
            "WITH RECURSIVE w(a) AS (
                 SELECT $1::bigint
                 UNION ALL
                 SELECT {} FROM w WHERE w.a IS NOT NULL
             )
             SELECT (SELECT count(a) FROM w),
                    {KEPT_NOW}",
            next_window("w.a")
        ),
        &[
            p(&sweep.next),
            p(&limit),
            p(&cutoff),
            p(&sweep.kept),
            p(&sweep.last),
        ],
    )?;
    let (batches, kept): (i64, i64) = (row.get(0), row.get(1));
    Ok(Pruned {
        deleted: sweep.candidates - kept,
        batches,
        kept_latest: kept,
        dry_run: true,
    })
}

/// The cutoff for runs older than `older_than` on the database's clock `now`.
#[must_use]
pub fn cutoff(now: DateTime<Utc>, older_than: Duration) -> DateTime<Utc> {
    now - older_than
}

/// Prunes everything finished more than `older_than` ago (on the database's clock, read
/// once at the start): a [`Sweep`], each window its own transaction, calling `on_batch`
/// with the running totals and the number of candidates after each. A second run right
/// after deletes nothing.
///
/// # Errors
/// Database failures; batches already committed stay committed.
pub fn run(
    client: &mut crate::db::Client,
    older_than: Duration,
    limit: i64,
    on_batch: &mut dyn FnMut(&Pruned, i64),
) -> Result<Pruned> {
    let mut sweep = Sweep::begin(client, older_than)?;
    let mut total = Pruned::default();
    while !sweep.done() {
        let b = sweep.advance(client, limit)?;
        total.deleted += b.deleted;
        total.kept_latest += b.kept_latest;
        total.batches += b.batches;
        on_batch(&total, sweep.candidates);
    }
    Ok(total)
}

/// [`predict`] in a transaction of its own: `runs prune --dry-run`.
///
/// # Errors
/// Database failures.
pub fn dry_run(client: &mut crate::db::Client, older_than: Duration, limit: i64) -> Result<Pruned> {
    crate::db::in_tx_by_key(client, |tx, now| {
        predict(tx, cutoff(now, older_than), limit)
    })
    .map(|(p, _)| p)
}
