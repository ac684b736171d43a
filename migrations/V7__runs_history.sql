-- SPEC 13, costs flat in history: every hot path reaches runs by a key whose index holds
-- only the rows it wants, so no look-up walks past history, and no plan depends on how
-- fresh the table's statistics are (the transactions that use them also plan with
-- enable_seqscan off; see docs/decisions.md).

-- cool-down: a watcher's latest run that was not skipped or cancelled (also kept by prune).
-- Its own index, whose predicate is the look-up's whole filter: with one index for both
-- look-ups, the planner, misled by statistics taken when every run was cancelled, walked
-- the history (a 20,000-watcher dispatch took 24 s instead of 1.7 s).
CREATE INDEX runs_watcher_counted ON runs (watcher_id, id DESC)
    WHERE status NOT IN ('skipped', 'cancelled');
-- watchers list's last run: the latest that was not skipped (also kept by prune)
CREATE INDEX runs_watcher_shown ON runs (watcher_id, id DESC)
    WHERE status <> 'skipped';
-- rescue's timeout: active runs by age, however long the history
CREATE INDEX runs_active_queued ON runs (queued_at)
    WHERE status IN ('pending', 'claimed', 'running');
-- prune: finished runs by age
CREATE INDEX runs_finished ON runs (finished_at, id)
    WHERE finished_at IS NOT NULL;
