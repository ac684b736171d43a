-- lobu: compatible, online
-- SPEC 18, schedules for a fleet: spread, catch-up window, retries. Applied online (SPEC
-- 19): columns with constant defaults (no rewrite, a brief lock each), CHECKs added NOT
-- VALID and then validated (a scan that lets reads and writes go on). Compatible: a binary
-- that does not know these columns inserts rows that take their defaults (no spread, no
-- catch-up window, no retries, a first attempt).

ALTER TABLE watchers ADD COLUMN IF NOT EXISTS spread_seconds integer NOT NULL DEFAULT 0;
ALTER TABLE watchers ADD COLUMN IF NOT EXISTS catch_up_window_seconds integer;
ALTER TABLE watchers ADD COLUMN IF NOT EXISTS retries integer NOT NULL DEFAULT 0;
ALTER TABLE watchers ADD COLUMN IF NOT EXISTS retry_delay_seconds integer NOT NULL DEFAULT 0;
ALTER TABLE watchers
    ADD CONSTRAINT watchers_spread_within_a_day
        CHECK (spread_seconds BETWEEN 0 AND 86400) NOT VALID,
    ADD CONSTRAINT watchers_catch_up_window_a_minute_or_more
        CHECK (catch_up_window_seconds >= 60) NOT VALID,
    ADD CONSTRAINT watchers_retries_bounded CHECK (retries BETWEEN 0 AND 10) NOT VALID,
    ADD CONSTRAINT watchers_retry_delay_not_negative CHECK (retry_delay_seconds >= 0) NOT VALID;
ALTER TABLE watchers
    VALIDATE CONSTRAINT watchers_spread_within_a_day,
    VALIDATE CONSTRAINT watchers_catch_up_window_a_minute_or_more,
    VALIDATE CONSTRAINT watchers_retries_bounded,
    VALIDATE CONSTRAINT watchers_retry_delay_not_negative;

-- a retry is a new run: its attempt (1 for a first run) and the run it retries
ALTER TABLE runs ADD COLUMN IF NOT EXISTS attempt integer NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS retry_of bigint;
ALTER TABLE runs ADD CONSTRAINT runs_attempt_positive CHECK (attempt >= 1) NOT VALID;
ALTER TABLE runs VALIDATE CONSTRAINT runs_attempt_positive;
-- when a scheduled run was planned to fire (its slot plus the watcher's spread offset):
-- the lateness that `status` shows is its queued_at minus this (NULL: the slot itself,
-- e.g. a run queued by a release that knows no spread)
ALTER TABLE runs ADD COLUMN IF NOT EXISTS fire_at timestamptz;

-- when a run that ended failed or timeout is to be queued again: set by the trigger below
-- whatever ended it (a device's `runs fail` of any release, the HTTP endpoint, dispatch's
-- rescue), from the watcher's retries and delay; dispatch takes the due ones and clears it
ALTER TABLE runs ADD COLUMN IF NOT EXISTS retry_at timestamptz;
CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_retry_due ON runs (retry_at)
    WHERE retry_at IS NOT NULL;
-- `runs wait --follow-retries` finds a run's retry
CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_retry_of ON runs (retry_of)
    WHERE retry_of IS NOT NULL;

CREATE OR REPLACE FUNCTION lobu_run_retry_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- attempt k is retried after retry_delay x 2^(k-1), while k <= retries
    SELECT coalesce(NEW.finished_at, now())
               + make_interval(secs => w.retry_delay_seconds * 2.0 ^ (NEW.attempt - 1))
      INTO NEW.retry_at
      FROM watchers w
     WHERE w.id = NEW.watcher_id AND w.retries >= NEW.attempt;
    RETURN NEW;
END
$$;

CREATE TRIGGER runs_retry_at BEFORE UPDATE OF status ON runs
    FOR EACH ROW
    WHEN (NEW.status IN ('failed', 'timeout') AND OLD.status IN ('pending', 'claimed', 'running'))
    EXECUTE FUNCTION lobu_run_retry_at();
