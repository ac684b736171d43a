-- SPEC sections 2, 7 and 9: scheduled watchers.
CREATE TABLE watchers (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id               text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug                 text NOT NULL
                         CONSTRAINT watchers_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name                 text NOT NULL
                         CONSTRAINT watchers_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    prompt               text NOT NULL,
    extraction_schema    jsonb
                         CONSTRAINT watchers_extraction_schema_is_object
                         CHECK (extraction_schema IS NULL OR jsonb_typeof(extraction_schema) = 'object'),
    -- 5-field cron or @nickname, validated by the library
    schedule             text NOT NULL,
    -- IANA name, validated by the library
    timezone             text NOT NULL DEFAULT 'UTC',
    status               text NOT NULL DEFAULT 'active'
                         CONSTRAINT watchers_status_known CHECK (status IN ('active', 'paused', 'archived')),
    paused_reason        text,
    -- no FK: the agent may be deleted later, the watcher then stops firing
    agent_id             text NOT NULL,
    -- the pin
    device_id            uuid REFERENCES devices (id) ON DELETE SET NULL,
    created_by           text NOT NULL DEFAULT 'admin',
    min_cooldown_seconds integer NOT NULL DEFAULT 0
                         CONSTRAINT watchers_cooldown_non_negative CHECK (min_cooldown_seconds >= 0),
    next_run_at          timestamptz,
    last_fired_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- a slug is unique per organisation among non-archived watchers
CREATE UNIQUE INDEX watchers_slug_live_unique ON watchers (org_id, slug) WHERE status <> 'archived';
-- dispatch: due active watchers
CREATE INDEX watchers_due ON watchers (next_run_at, id) WHERE status = 'active';
CREATE INDEX watchers_device ON watchers (device_id) WHERE device_id IS NOT NULL;
CREATE INDEX watchers_org ON watchers (org_id, id);
