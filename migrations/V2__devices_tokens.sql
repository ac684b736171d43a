-- SPEC sections 2 and 4: users' devices and their bearer tokens.
CREATE TABLE devices (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id       text NOT NULL
                  CONSTRAINT devices_user_present CHECK (length(user_id) BETWEEN 1 AND 200),
    -- the stable id the client chose
    worker_key    text NOT NULL
                  CONSTRAINT devices_worker_key_present CHECK (length(worker_key) BETWEEN 1 AND 200),
    -- fixed at first registration
    platform      text NOT NULL
                  CONSTRAINT devices_platform_known
                  CHECK (platform IN ('macos', 'ios', 'android', 'windows', 'linux', 'chrome-extension')),
    name          text,
    timezone      text NOT NULL DEFAULT 'UTC',
    app_version   text,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT devices_worker_key_unique UNIQUE (org_id, user_id, worker_key)
);

CREATE TABLE device_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    device_id    uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    org_id       text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- first characters of the token, for display only
    prefix       text NOT NULL,
    -- hex SHA-256 of the token; the plaintext is never stored
    token_hash   text NOT NULL
                 CONSTRAINT device_tokens_hash_is_sha256 CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    scopes       text[] NOT NULL DEFAULT '{device_worker:run}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    CONSTRAINT device_tokens_hash_unique UNIQUE (token_hash)
);

CREATE INDEX device_tokens_device ON device_tokens (device_id);
