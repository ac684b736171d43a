//! Run history retention (SPEC 13): `runs prune` and `dispatch --loop --prune-after`.
//!
//! Finished runs older than a cutoff are deleted in batches, each its own short
//! transaction (so triggers and claims never wait behind a long one, and a transaction
//! pooler is fine), walking `runs_finished` (finished_at, id) by keyset so that no batch
//! re-reads what an earlier one deleted. Never deleted: active runs (they have no
//! `finished_at`), and each watcher's latest run that was not `skipped` or `cancelled`
//! (the cool-down reads it) and latest that was not `skipped` (`watchers list` shows it).

use chrono::{DateTime, Duration, Utc};
use postgres::GenericClient;
use serde::Serialize;

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

/// Where a prune has got to: past (`finished_at`, `id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position(pub DateTime<Utc>, pub i64);

impl Position {
    /// Before every finished run (0001-01-01, well inside PostgreSQL's range).
    #[must_use]
    pub fn start() -> Self {
        Self(
            DateTime::from_timestamp(-62_135_596_800, 0).unwrap_or(DateTime::UNIX_EPOCH),
            0,
        )
    }
}

/// A candidate `r` (a finished run) that prune keeps: its watcher's latest finished run
/// that the cool-down counts or `watchers list` shows (found through the partial indexes
/// `runs_watcher_counted` and `runs_watcher_shown`, V8). It is kept even while a newer run
/// is active: if that run is cancelled, the cool-down and the list fall back to it.
const KEPT: &str = "r.watcher_id IS NOT NULL AND (
    r.id = (SELECT x.id FROM runs x WHERE x.watcher_id = r.watcher_id
            AND x.status IN ('completed', 'failed', 'timeout') ORDER BY x.id DESC LIMIT 1)
    OR r.id = (SELECT x.id FROM runs x WHERE x.watcher_id = r.watcher_id
               AND x.status IN ('completed', 'failed', 'timeout', 'cancelled')
               ORDER BY x.id DESC LIMIT 1))";

/// The outcome of one batch.
#[derive(Debug, Clone, Copy)]
pub struct Batch {
    /// Runs deleted.
    pub deleted: i64,
    /// Candidates kept as their watcher's latest.
    pub kept: i64,
    /// Where the next batch starts; `None` when this batch reached the end.
    pub next: Option<Position>,
}

/// Deletes one batch: up to `limit` finished runs older than `cutoff`, after `from`. Call
/// inside a transaction of its own (`db::in_tx_by_key`). Rows another transaction holds are
/// skipped, not waited for.
///
/// # Errors
/// Database failures.
pub fn batch(
    tx: &mut impl GenericClient,
    cutoff: DateTime<Utc>,
    from: Position,
    limit: i64,
) -> Result<Batch> {
    let row = tx.query_one(
        &format!(
            "WITH candidates AS (
                 SELECT r.id, r.finished_at, {KEPT} AS kept
                 FROM runs r
                 WHERE r.finished_at IS NOT NULL AND r.finished_at < $1
                   AND (r.finished_at, r.id) > ($2, $3)
                 ORDER BY r.finished_at, r.id
                 LIMIT $4
                 FOR UPDATE OF r SKIP LOCKED
             ), gone AS (
                 DELETE FROM runs WHERE id IN (SELECT id FROM candidates WHERE NOT kept)
                 RETURNING 1
             ), last AS (
                 SELECT finished_at, id FROM candidates ORDER BY finished_at DESC, id DESC LIMIT 1
             )
             SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM candidates WHERE kept),
                    (SELECT count(*) FROM candidates), (SELECT finished_at FROM last),
                    (SELECT id FROM last)"
        ),
        &[&cutoff, &from.0, &from.1, &limit],
    )?;
    let taken: i64 = row.get(2);
    let next = match (
        row.get::<_, Option<DateTime<Utc>>>(3),
        row.get::<_, Option<i64>>(4),
    ) {
        (Some(at), Some(id)) if taken >= limit => Some(Position(at, id)),
        _ => None,
    };
    Ok(Batch {
        deleted: row.get(0),
        kept: row.get(1),
        next,
    })
}

/// What a prune of everything finished before `cutoff` would do, in one read-only
/// statement (`runs prune --dry-run`).
///
/// # Errors
/// Database failures.
pub fn predict(tx: &mut impl GenericClient, cutoff: DateTime<Utc>, limit: i64) -> Result<Pruned> {
    let row = tx.query_one(
        &format!(
            "SELECT count(*) FILTER (WHERE NOT kept), count(*) FILTER (WHERE kept), count(*)
             FROM (SELECT {KEPT} AS kept FROM runs r
                   WHERE r.finished_at IS NOT NULL AND r.finished_at < $1) c"
        ),
        &[&cutoff],
    )?;
    let candidates: i64 = row.get(2);
    Ok(Pruned {
        deleted: row.get(0),
        kept_latest: row.get(1),
        // as `prune` walks them: full batches, then one that comes up short
        batches: candidates / limit.max(1) + 1,
        dry_run: true,
    })
}

/// The cutoff for runs older than `older_than` on the database's clock `now`.
#[must_use]
pub fn cutoff(now: DateTime<Utc>, older_than: Duration) -> DateTime<Utc> {
    now - older_than
}

/// Prunes everything finished more than `older_than` ago (on the database's clock, read
/// once at the start), `limit` runs per transaction, calling `on_batch` with the running
/// totals after each. A second run right after deletes nothing.
///
/// # Errors
/// Database failures; batches already committed stay committed.
pub fn run(
    client: &mut postgres::Client,
    older_than: Duration,
    limit: i64,
    on_batch: &mut dyn FnMut(&Pruned),
) -> Result<Pruned> {
    let mut total = Pruned::default();
    let mut from = Position::start();
    let mut cut = None;
    loop {
        let (b, _) = crate::db::in_tx_by_key(client, |tx, now| {
            let at = *cut.get_or_insert(cutoff(now, older_than));
            batch(tx, at, from, limit)
        })?;
        total.deleted += b.deleted;
        total.kept_latest += b.kept;
        total.batches += 1;
        on_batch(&total);
        match b.next {
            Some(p) => from = p,
            None => return Ok(total),
        }
    }
}

/// [`predict`] in a transaction of its own: `runs prune --dry-run`.
///
/// # Errors
/// Database failures.
pub fn dry_run(client: &mut postgres::Client, older_than: Duration, limit: i64) -> Result<Pruned> {
    crate::db::in_tx_by_key(client, |tx, now| {
        predict(tx, cutoff(now, older_than), limit)
    })
    .map(|(p, _)| p)
}
