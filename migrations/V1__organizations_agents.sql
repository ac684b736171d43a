-- SPEC section 2: organisations and their agents.
-- organizations.metadata holds the sticky provisioning sentinels (SPEC section 3).
CREATE TABLE organizations (
    id         text PRIMARY KEY
               CONSTRAINT organizations_id_format CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name       text NOT NULL
               CONSTRAINT organizations_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    metadata   jsonb NOT NULL DEFAULT '{}'
               CONSTRAINT organizations_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
    org_id     text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id         text NOT NULL
               CONSTRAINT agents_id_format CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name       text NOT NULL
               CONSTRAINT agents_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- the agent's system prompt
    identity   text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, id)
);

-- "the org's oldest agent" look-up
CREATE INDEX agents_org_oldest ON agents (org_id, created_at, id);
