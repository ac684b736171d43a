-- lobu: compatible, online
-- SPEC 17, the whole life cycle and who did what; applied online (SPEC 19): each statement
-- on its own, under a short lock_timeout and retried, indexes of existing tables built
-- CONCURRENTLY. Compatible: a new table, a nullable column and indexes, none of which a
-- binary that does not know them names; binaries of the previous release stay served.

-- the audit trail: one event per state change, written in the change's own transaction.
-- org_id has no foreign key: an organisation's events outlive it (they are the record of
-- its deletion).
CREATE TABLE IF NOT EXISTS audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    command text NOT NULL,
    org_id text,
    target_kind text,
    target_id text,
    outcome text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT audit_events_details_is_object CHECK (jsonb_typeof(details) = 'object')
);
-- audit list --org, newest first (keyset on id); audit prune by age
CREATE INDEX IF NOT EXISTS audit_events_org ON audit_events (org_id, id DESC);
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at);

-- an organisation being deleted accepts nothing new (no trigger, registration, claim or
-- dispatch); set first, so that an interrupted delete is finished by running it again
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS deleting_at timestamptz;

-- a device named ORG:WORKER_ID
CREATE INDEX CONCURRENTLY IF NOT EXISTS devices_org_worker ON devices (org_id, worker_key);

-- runs.watcher_id references watchers ON DELETE SET NULL: deleting a watcher makes
-- PostgreSQL look up its runs by watcher_id alone, which no partial index of V8 serves, so
-- every deleted watcher scanned the whole runs table. With deduplication an entry per run
-- costs a few bytes.
CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_watcher_fk ON runs (watcher_id);

-- org delete: runs.org_id and device_tokens.org_id reference organizations ON DELETE
-- CASCADE, and since V8 no full index serves a look-up by org_id alone, so deleting an
-- organisation scanned both tables whole. (org_id, id) also lets org delete walk an
-- organisation's runs in batches by keyset.
CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_org_fk ON runs (org_id, id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS device_tokens_org ON device_tokens (org_id);
