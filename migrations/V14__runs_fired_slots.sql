-- lobu: compatible, online
-- The slot guard (a slot that has a run is not fired again: watchers update, resume,
-- reschedule and seed --update) reads a watcher's latest slot that has a run (not one
-- cancelled before a device claimed it: that slot never ran, and may be given back). No index
-- held it: every (watcher_id, id DESC) index on runs is partial since V8, none by
-- `scheduled_for`, so the look-up walked runs_pkey backwards over the whole history for a
-- watcher with few runs (421 ms with 2 million runs; `watchers reschedule --all` over 500
-- watchers 5.7 s). Costs flat in history, as V8's: finished runs only (an entry when a run
-- finishes); a watcher's active run, at most one, is read through
-- runs_one_active_per_watcher. Applied online (SPEC 19): built CONCURRENTLY. Compatible: a
-- binary that does not know it plans as before.
CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_watcher_fired ON runs (watcher_id, scheduled_for)
    WHERE scheduled_for IS NOT NULL
      AND (status IN ('completed', 'failed', 'timeout', 'skipped')
           OR status = 'cancelled' AND claimed_at IS NOT NULL);
