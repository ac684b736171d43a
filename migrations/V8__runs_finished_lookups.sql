-- SPEC 13, costs flat in history: the per-watcher look-ups of V7 also indexed active runs,
-- so every run a trigger or a dispatch tick queued, and every claim (an update of an
-- indexed column, never HOT), added an entry to two history-sized indexes, at a random
-- leaf page per watcher: with 5 million finished runs a tick of 20,000 watchers read tens
-- of thousands of leaf pages that no longer fit in shared_buffers. A watcher's active run
-- is found through runs_one_active_per_watcher (at most one, and newer than every finished
-- run that counts), so these indexes hold finished runs only: an entry is added once, when
-- the run finishes.

-- cool-down: a watcher's latest finished run that was not skipped or cancelled (while a
-- run is active, the slot is skipped for that reason first, so only finished runs count)
DROP INDEX runs_watcher_counted;
CREATE INDEX runs_watcher_counted ON runs (watcher_id, id DESC)
    WHERE status IN ('completed', 'failed', 'timeout');
-- watchers list's last run, when no run is active: the latest finished that was not
-- skipped, with the columns the list shows, so that it is read from the index alone (a
-- watcher's last run otherwise sits on a heap page of its own among millions of rows)
DROP INDEX runs_watcher_shown;
CREATE INDEX runs_watcher_shown ON runs (watcher_id, id DESC)
    INCLUDE (status, dispatch_source, queued_at, finished_at)
    WHERE status IN ('completed', 'failed', 'timeout', 'cancelled');

-- runs list and watchers show, newest first: the same split. Finished runs by watcher and
-- by organisation (an entry once, when a run finishes), and the active ones, a few at
-- most per watcher, in small indexes of their own (by watcher: runs_one_active_per_watcher).
-- Nothing in the product deletes a watcher or an organisation; a hand-written DELETE that
-- cascades to runs now scans it.
DROP INDEX runs_watcher_recent;
CREATE INDEX runs_watcher_recent ON runs (watcher_id, id DESC) WHERE finished_at IS NOT NULL;
DROP INDEX runs_org_recent;
CREATE INDEX runs_org_recent ON runs (org_id, id DESC) WHERE finished_at IS NOT NULL;

-- The active runs by organisation (runs list), and (replacing V7's runs_active_queued) by
-- age for the rescue. Each active-only index has a predicate that only its own queries
-- imply, so that no look-up can pick another one's whole-index scan: with statistics
-- taken while few runs were active (autovacuum re-analyses a table of millions only after
-- 10% of it changes) the planner thinks such an index empty, and scanned it whole, once
-- per watcher (watchers list on 5 million runs: 190 ms instead of 20). The CHECK
-- runs_finished_iff_final makes `finished_at IS NULL` the same rows as `status IN
-- ('pending', 'claimed', 'running')`, but the planner cannot derive one from the other:
-- a watcher's active run (trigger, dispatch, watchers list and show) names the statuses,
-- so only runs_one_active_per_watcher serves it; runs list says `finished_at IS NULL AND
-- id > 0`; and only the rescue's `queued_at <= $2` implies `queued_at IS NOT NULL`.
CREATE INDEX runs_active_org ON runs (org_id, id DESC) WHERE finished_at IS NULL AND id > 0;
DROP INDEX runs_active_queued;
CREATE INDEX runs_active_queued ON runs (queued_at)
    WHERE finished_at IS NULL AND queued_at IS NOT NULL;
