-- lobu: compatible, online
-- watchers list shows each watcher's last run with its attempt and the run it retries
-- (SPEC 18), which runs_watcher_shown (V8) did not include: the list's index-only read of
-- a watcher's last finished run became a heap fetch per watcher again, a random heap page
-- each among millions of rows (docs/benchmarks.md: 1.41-1.50x before V8 covered the
-- columns). Its replacement covers them too. Applied online (SPEC 19): the new index is
-- built CONCURRENTLY under a new name first, then the old one dropped CONCURRENTLY, so
-- the list always has one to read. Compatible: the index holds the same rows, and a
-- binary that does not know it plans its list on it alike.
CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_watcher_last_run ON runs (watcher_id, id DESC)
    INCLUDE (status, dispatch_source, queued_at, finished_at, attempt, retry_of)
    WHERE status IN ('completed', 'failed', 'timeout', 'cancelled');
DROP INDEX CONCURRENTLY IF EXISTS runs_watcher_shown;
