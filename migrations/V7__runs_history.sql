-- SPEC 13, costs flat in history: every hot path reaches runs by a key whose index holds
-- only the rows it wants, so no look-up walks past history, and no plan depends on how
-- fresh the table's statistics are (the transactions that use them also plan with
-- enable_seqscan off; see docs/decisions.md).

-- a watcher's latest runs that were not skipped: watchers list's last run, and (past the
-- rare cancelled one) the cool-down's anchor; prune keeps both. One index serves both, as
-- every index on runs is paid for by every insert and every status change.
CREATE INDEX runs_watcher_shown ON runs (watcher_id, id DESC)
    WHERE status <> 'skipped';
-- rescue's timeout: active runs by age, however long the history
CREATE INDEX runs_active_queued ON runs (queued_at)
    WHERE status IN ('pending', 'claimed', 'running');
-- prune: finished runs by age
CREATE INDEX runs_finished ON runs (finished_at, id)
    WHERE finished_at IS NOT NULL;
