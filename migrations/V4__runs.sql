-- SPEC sections 2, 5, 7 and 8: runs of watchers, and the one-active-run rule.
CREATE TABLE runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    watcher_id      bigint REFERENCES watchers (id) ON DELETE SET NULL,
    agent_id        text,
    -- the watcher's pin when queued; no FK, history outlives the device
    device_id       uuid,
    -- the device that claimed the run (differs from device_id for unpinned runs)
    claimed_by      uuid,
    dispatch_source text NOT NULL
                    CONSTRAINT runs_dispatch_source_known CHECK (dispatch_source IN ('scheduled', 'manual')),
    triggered_by    text NOT NULL
                    CONSTRAINT runs_triggered_by_known
                    CHECK (triggered_by IN ('schedule', 'admin')
                           OR triggered_by ~ '^device:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
    status          text NOT NULL DEFAULT 'pending'
                    CONSTRAINT runs_status_known
                    CHECK (status IN ('pending', 'claimed', 'running', 'completed', 'failed',
                                      'cancelled', 'timeout', 'skipped')),
    scheduled_for   timestamptz,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    heartbeat_at    timestamptz,
    finished_at     timestamptz,
    error           text,
    output          jsonb,
    -- a run has finished exactly when it is in a final state
    CONSTRAINT runs_finished_iff_final
        CHECK ((finished_at IS NOT NULL) = (status NOT IN ('pending', 'claimed', 'running')))
);

-- At most one active run per watcher. Trigger and dispatch insert ON CONFLICT DO NOTHING
-- against this index; nothing checks before inserting.
CREATE UNIQUE INDEX runs_one_active_per_watcher ON runs (watcher_id)
    WHERE status IN ('pending', 'claimed', 'running');
-- claim: oldest pending first
CREATE INDEX runs_pending_queue ON runs (queued_at, id) WHERE status = 'pending';
-- rescue: active runs by heartbeat
CREATE INDEX runs_active_heartbeat ON runs (coalesce(heartbeat_at, claimed_at))
    WHERE status IN ('claimed', 'running');
-- last and recent runs of a watcher
CREATE INDEX runs_watcher_recent ON runs (watcher_id, id DESC);
CREATE INDEX runs_org_recent ON runs (org_id, id DESC);
