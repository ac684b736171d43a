//! Device tokens: minted from the OS RNG, shown once, stored as SHA-256, verified with
//! their scope, revocable.

use std::fmt;

use crate::db::GenericClient;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use postgres::types::Type;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db::typed::p;
use crate::devices::DeviceRef;
use crate::error::{Error, Result};

/// Every token starts with this.
pub const TOKEN_PREFIX: &str = "lobu_dev_";
/// The scope needed to trigger watchers and work on runs.
pub const SCOPE_RUN: &str = "device_worker:run";
/// Characters of the token kept for display.
const DISPLAY_PREFIX_LEN: usize = 16;

/// A plaintext token; `Debug` and `Display` show only its prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a plaintext token.
    #[must_use]
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// Mints a new token: the prefix and 32 bytes from the OS RNG, base64url (43 chars).
    ///
    /// # Errors
    /// `internal` when the OS RNG fails.
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("OS RNG failed: {e}")))?;
        Ok(Self(format!(
            "{TOKEN_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )))
    }

    /// Checks the format of a token chosen by a fixture: the prefix and at least 32
    /// URL-safe characters.
    ///
    /// # Errors
    /// `invalid_input`.
    pub fn validate_format(&self) -> Result<()> {
        let body = self.0.strip_prefix(TOKEN_PREFIX).unwrap_or("");
        if body.len() >= 32
            && body.len() <= 200
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "invalid token format: must be {TOKEN_PREFIX} followed by at least 32 URL-safe \
                 characters (A-Z a-z 0-9 - _)"
            )))
        }
    }

    /// The plaintext, for showing once.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Hex SHA-256, what the database stores.
    #[must_use]
    pub fn hash(&self) -> String {
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The displayable prefix.
    #[must_use]
    pub fn display_prefix(&self) -> String {
        self.0.chars().take(DISPLAY_PREFIX_LEN).collect()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({}…)", self.display_prefix())
    }
}

/// A freshly issued token, the only time the plaintext is shown.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedToken {
    /// Token id (for `tokens revoke`).
    pub id: Uuid,
    /// The plaintext, shown once.
    pub token: String,
    /// Display prefix.
    pub prefix: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Expiry, if any.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token as `tokens list` shows it: never the secret.
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    /// Token id.
    pub id: Uuid,
    /// Device id.
    pub device_id: Uuid,
    /// Display prefix.
    pub prefix: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Expiry, if any.
    pub expires_at: Option<DateTime<Utc>>,
    /// Revocation time, if revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last successful use.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The device a valid token belongs to.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Token id.
    pub token_id: Uuid,
    /// Device id.
    pub device_id: Uuid,
    /// The device's organisation.
    pub org_id: String,
}

/// The principal that [`AUTHENTICATE_IN_FLIGHT`] stored in a transaction-local setting (its
/// device; the organisation is that device's, read by key), as SQL: `principal!(org)`
/// (text), `principal!(device)` (uuid); `NULL` when no token was authenticated in the
/// transaction. Statements that also serve flights take the device and organisation as
/// `coalesce($n, principal!(..))`, and read it only in a flight whose statement before
/// them set it: the token's authentication (it sets it, or fails the flight) or a
/// registration's upsert (the device). A flight that sets none reads none
/// (`tokens create --device ORG:WORKER_ID`, an administrator's trigger: the statement
/// tests a parameter first), since a value the session, role or database holds is not a
/// principal. Clearing both settings at the start of every transaction did the same at
/// 1.2M instructions a fresh backend (each new custom setting re-sorts PostgreSQL 15's
/// table of settings).
macro_rules! principal {
    (org) => {
        "(SELECT pd.org_id FROM devices pd \
          WHERE pd.id = nullif(current_setting('lobu.device_id', true), '')::uuid)"
    };
    (device) => {
        "nullif(current_setting('lobu.device_id', true), '')::uuid"
    };
}
pub(crate) use principal;

/// Inserts a token for the device `$1` (a UUID), else the device a registration's flight
/// upserted before it (`lobu.device_id`), else the one device of organisation `$6` with
/// worker id `$7`; `$2` prefix, `$3` hash, `$4` expiry or `NULL` and `$5` a lifetime in
/// microseconds after the database's clock (flights). One row, always: the token's id,
/// scopes, expiry and device (null when nothing was inserted) and the candidate devices'
/// ids and users, so that an unknown or ambiguous device costs no second look-up.
const INSERT_TOKEN: &str = concat!(
    "
    WITH cand AS (
        SELECT id, org_id, user_id, first_seen_at FROM devices
        WHERE id = coalesce($1, CASE WHEN $6::text IS NULL THEN ",
    principal!(device),
    " END)
        UNION ALL
        (SELECT id, org_id, user_id, first_seen_at FROM devices
         WHERE $1::uuid IS NULL AND org_id = $6 AND worker_key = $7
         ORDER BY first_seen_at, id LIMIT 20)
    ), ins AS (
        INSERT INTO device_tokens (device_id, org_id, prefix, token_hash, expires_at)
        SELECT id, org_id, $2, $3, coalesce($4, now() + $5 * interval '1 microsecond')
        FROM cand WHERE (SELECT count(*) FROM cand) = 1
        RETURNING id, scopes, expires_at, device_id
    )
    SELECT i.id, i.scopes, i.expires_at, i.device_id,
           ARRAY(SELECT id FROM cand ORDER BY first_seen_at, id),
           ARRAY(SELECT user_id FROM cand ORDER BY first_seen_at, id)
    FROM (VALUES (1)) AS one (x) LEFT JOIN ins i ON true"
);

/// The parameters of [`INSERT_TOKEN`] that name the device.
fn device_params(device: &DeviceRef) -> (Option<Uuid>, Option<&str>, Option<&str>) {
    match device {
        DeviceRef::Id(id) => (Some(*id), None, None),
        DeviceRef::Worker { org_id, worker_key } => {
            (None, Some(org_id.as_str()), Some(worker_key.as_str()))
        }
    }
}

/// Issues a token for a device; `value` lets fixtures choose it, else it is random.
///
/// # Errors
/// `not_found` for an unknown device; `conflict` when a chosen value is already in use.
pub fn create(
    client: &mut impl GenericClient,
    device_id: Uuid,
    expires_in: Option<Duration>,
    value: Option<Token>,
    now: DateTime<Utc>,
) -> Result<IssuedToken> {
    let token = chosen_or_new(value)?;
    let expires_at = expires_in.map(|d| now + d);
    let lifetime: Option<i64> = None;
    let device = DeviceRef::Id(device_id);
    let (id, org, worker) = device_params(&device);
    let row = client.query_typed_one(
        INSERT_TOKEN,
        &[
            p(&id),
            p(&token.display_prefix()),
            p(&token.hash()),
            p(&expires_at),
            p(&lifetime),
            p(&org),
            p(&worker),
        ],
    )?;
    issued(&device, token, &row).map(|(t, _)| t)
}

fn chosen_or_new(value: Option<Token>) -> Result<Token> {
    match value {
        Some(t) => {
            t.validate_format()?;
            Ok(t)
        }
        None => Token::generate(),
    }
}

/// The token [`INSERT_TOKEN`] inserted, and its device; else `not_found`, or `conflict`
/// listing the devices that share the worker id.
fn issued(device: &DeviceRef, token: Token, row: &postgres::Row) -> Result<(IssuedToken, Uuid)> {
    let Some(id) = row.get::<_, Option<Uuid>>(0) else {
        let (ids, users): (Vec<Uuid>, Vec<String>) = (row.get(4), row.get(5));
        return Err(crate::devices::unresolved(device, &ids, &users));
    };
    Ok((
        IssuedToken {
            id,
            prefix: token.display_prefix(),
            token: token.0,
            scopes: row.get(1),
            expires_at: row.get(2),
        },
        row.get(3),
    ))
}

/// The audit event of a token [`create_in_flight`] inserted (`$1` the actor, `$2` the
/// token's hash): `tokens create`, in the device's organisation, naming the token's id and
/// prefix only; `expires_at` written as the other path's (serde) RFC 3339 in UTC.
const RECORD_CREATED: &str = "
    INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id, outcome,
                              details)
    SELECT now(), $1, 'tokens create', t.org_id, 'token', t.id::text, 'created',
           jsonb_build_object('device_id', t.device_id, 'prefix', t.prefix,
                              'expires_at', to_char(t.expires_at AT TIME ZONE 'UTC',
                                                    'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))
    FROM device_tokens t
    WHERE t.token_hash = $2";

/// [`create`] in one flight (see [`mod@crate::db::flight`]) for a device named by UUID or
/// `ORG:WORKER_ID` (resolved in the same statement), expiring `expires_in` after the
/// database's clock, with its audit event by `actor` in the same flight. Returns the token
/// and its device.
///
/// # Errors
/// As [`create`]; `conflict` (exit 5) listing the devices when several users' devices
/// share the worker id.
pub fn create_in_flight(
    client: &mut crate::db::Client,
    device: &DeviceRef,
    expires_in: Option<Duration>,
    value: Option<Token>,
    actor: &crate::audit::Actor,
) -> Result<(IssuedToken, Uuid)> {
    let token = chosen_or_new(value)?;
    let expires_at: Option<DateTime<Utc>> = None;
    let lifetime = match expires_in.map(|d| d.num_microseconds()) {
        Some(None) => return Err(Error::invalid("token lifetime out of range")),
        Some(Some(us)) => Some(us),
        None => None,
    };
    let (prefix, hash) = (token.display_prefix(), token.hash());
    let (id, org, worker) = device_params(device);
    let landed = crate::db::flight(
        client,
        &[
            (
                INSERT_TOKEN,
                &[
                    p(&id),
                    p(&prefix),
                    p(&hash),
                    p(&expires_at),
                    p(&lifetime),
                    p(&org),
                    p(&worker),
                ],
            ),
            (RECORD_CREATED, &[p(&actor.as_str()), p(&hash)]),
        ],
    )?;
    let row = landed
        .first(0)
        .ok_or_else(|| Error::Internal("the token's statement returned no row".into()))?;
    issued(device, token, row)
}

/// A token to insert in a registration's flight, for the device the flight upserted before
/// it, expiring its lifetime after the database's clock.
pub(crate) struct NewToken {
    token: Token,
    prefix: String,
    hash: String,
    expires_at: Option<DateTime<Utc>>,
    lifetime: Option<i64>,
    none: (Option<Uuid>, Option<String>),
}

impl NewToken {
    /// `value`, or a new random token, living `expires_in`.
    ///
    /// # Errors
    /// `invalid_input` for a chosen value of the wrong format or a lifetime out of range.
    pub(crate) fn new(value: Option<Token>, expires_in: Option<Duration>) -> Result<Self> {
        let token = chosen_or_new(value)?;
        let lifetime = match expires_in.map(|d| d.num_microseconds()) {
            Some(None) => return Err(Error::invalid("token lifetime out of range")),
            Some(Some(us)) => Some(us),
            None => None,
        };
        Ok(Self {
            prefix: token.display_prefix(),
            hash: token.hash(),
            token,
            expires_at: None,
            lifetime,
            none: (None, None),
        })
    }

    /// The insert.
    pub(crate) const SQL: &'static str = INSERT_TOKEN;

    /// Its parameters: the device is the one the flight registered before it.
    pub(crate) fn params(&self) -> [(&(dyn postgres::types::ToSql + Sync), Type); 7] {
        [
            p(&self.none.0),
            p(&self.prefix),
            p(&self.hash),
            p(&self.expires_at),
            p(&self.lifetime),
            p(&self.none.1),
            p(&self.none.1),
        ]
    }

    /// The token issued to `device_id`, from the insert's row.
    ///
    /// # Errors
    /// `not_found` when the device was not there.
    pub(crate) fn issued(
        self,
        device_id: Uuid,
        row: Option<&postgres::Row>,
    ) -> Result<IssuedToken> {
        let row =
            row.ok_or_else(|| Error::Internal("the token's statement returned no row".into()))?;
        issued(&DeviceRef::Id(device_id), self.token, row).map(|(t, _)| t)
    }
}

/// Lists a device's tokens (never the secret).
///
/// # Errors
/// `not_found` for an unknown device.
pub fn list(client: &mut impl GenericClient, device_id: Uuid) -> Result<Vec<TokenInfo>> {
    list_via(
        &mut |s| crate::db::flight::in_order(client, s),
        &DeviceRef::Id(device_id),
    )
}

/// [`list`]'s statements sent by `send` (see [`crate::db::flight::Send`]), for a device
/// named by UUID or `ORG:WORKER_ID` (looked up in a statement sent with the listing, as
/// [`crate::devices::resolve`] does).
///
/// # Errors
/// As [`list`]; `conflict` listing the devices when several users' devices share the
/// worker id.
pub fn list_via(
    send: &mut crate::db::flight::Send<'_>,
    device: &DeviceRef,
) -> Result<Vec<TokenInfo>> {
    const COLUMNS: &str = "SELECT id, device_id, prefix, scopes, created_at, expires_at,
                                  revoked_at, last_used_at
                           FROM device_tokens";
    let (rows, owner) = match device {
        DeviceRef::Id(id) => {
            let rows = send(&[
                (
                    &format!("{COLUMNS} WHERE device_id = $1 ORDER BY created_at, id"),
                    &[p(id)],
                ),
                ("SELECT 1 FROM devices WHERE id = $1", &[p(id)]),
            ])?;
            (rows, Some(format!("device {id}")))
        }
        DeviceRef::Worker { org_id, worker_key } => {
            // the tokens of the one device with that worker id; the devices that have it
            let by_worker = send(&[
                (
                    &format!(
                        "{COLUMNS} WHERE device_id IN (SELECT id FROM devices
                                                     WHERE org_id = $1 AND worker_key = $2)
                           AND (SELECT count(*) FROM devices
                                WHERE org_id = $1 AND worker_key = $2) = 1
                         ORDER BY created_at, id"
                    ),
                    &[p(org_id), p(worker_key)],
                ),
                (
                    "SELECT id, user_id FROM devices WHERE org_id = $1 AND worker_key = $2
                     ORDER BY first_seen_at, id LIMIT 20",
                    &[p(org_id), p(worker_key)],
                ),
            ])?;
            let devices = by_worker.get(1).map_or(&[][..], Vec::as_slice);
            if devices.len() != 1 {
                return Err(crate::devices::unresolved(
                    device,
                    &devices.iter().map(|r| r.get(0)).collect::<Vec<_>>(),
                    &devices.iter().map(|r| r.get(1)).collect::<Vec<_>>(),
                ));
            }
            (by_worker, None)
        }
    };
    let list = match owner {
        Some(o) => crate::db::flight::listed(&rows, &[o])?,
        None => rows.first().map_or(&[][..], Vec::as_slice),
    };
    Ok(list
        .iter()
        .map(|r| TokenInfo {
            id: r.get(0),
            device_id: r.get(1),
            prefix: r.get(2),
            scopes: r.get(3),
            created_at: r.get(4),
            expires_at: r.get(5),
            revoked_at: r.get(6),
            last_used_at: r.get(7),
        })
        .collect())
}

/// Result of `tokens revoke`.
#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    /// Token id.
    pub id: Uuid,
    /// When it was revoked (the first time, if revoked twice).
    pub revoked_at: DateTime<Utc>,
}

/// Revokes a token; revoking twice keeps the first time.
///
/// # Errors
/// `not_found`.
pub fn revoke(client: &mut impl GenericClient, id: Uuid, now: DateTime<Utc>) -> Result<Revoked> {
    let actor: Option<&str> = None;
    let row = client.query_typed_opt(REVOKE, &[p(&id), p(&Some(now)), p(&actor)])?;
    revoked(id, row.as_ref())
}

/// [`revoke`]'s statement: `$1` token, `$2` clock (`NULL`: `now()`), `$3` the actor of the
/// audit event it records (`tokens revoke`, outcome `revoked`, in the token's organisation),
/// none when `NULL`; an unknown token records nothing.
const REVOKE: &str = "
    WITH t AS (
        UPDATE device_tokens SET revoked_at = coalesce(revoked_at, $2, now())
        WHERE id = $1
        RETURNING id, org_id, revoked_at
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT coalesce($2, now()), $3, 'tokens revoke', t.org_id, 'token', t.id::text,
               'revoked', '{}'::jsonb
        FROM t
        WHERE $3::text IS NOT NULL
    )
    SELECT revoked_at FROM t";

/// What [`REVOKE`]'s row says; no row: `not_found`.
fn revoked(id: Uuid, row: Option<&postgres::Row>) -> Result<Revoked> {
    let row = row.ok_or_else(|| Error::not_found(format!("token {id}")))?;
    Ok(Revoked {
        id,
        revoked_at: row.get(0),
    })
}

/// [`revoke`] in one flight (see [`mod@crate::db::flight`]) on the database's clock, with
/// its audit event by `actor` in the same statement.
///
/// # Errors
/// As [`revoke`].
pub fn revoke_in_flight(
    client: &mut crate::db::Client,
    id: Uuid,
    actor: &crate::audit::Actor,
) -> Result<Revoked> {
    let at: Option<DateTime<Utc>> = None;
    let landed = crate::db::flight(client, &[(REVOKE, &[p(&id), p(&at), p(&actor.as_str())])])?;
    revoked(id, landed.first(0))
}

/// [`AUTHENTICATE`] for a flight (see [`mod@crate::db::flight`]): an unknown, revoked or expired
/// token or a missing scope raises `forbidden`, a token whose organisation is being deleted
/// `conflict` (as [`authenticate`]), so that nothing after it in the transaction is written;
/// a good token moves its device's `last_seen_at` (at most once a minute) and stores the
/// principal for the statements after it ([`principal!`]).
/// Parameters: the token's hash, the scope.
/// The start of both authentications: the token's row, its use recorded (`last_used_at`),
/// and its device's `last_seen_at` moved when the token is good and the last move is more
/// than a minute old (at most one write of the device row a minute), as CTEs `a` and
/// `seen`; `$now` and `$scope` are SQL (a parameter, or `now()`).
macro_rules! authenticated {
    ($now:literal, $scope:literal) => {
        concat!(
            "
    WITH a AS (
        UPDATE device_tokens t
        SET last_used_at = ",
            $now,
            "
        FROM devices d
        JOIN organizations o ON o.id = d.org_id
        WHERE t.token_hash = $1
          AND d.id = t.device_id
        RETURNING t.id, t.device_id, d.org_id,
                  t.revoked_at IS NOT NULL AS revoked,
                  t.expires_at IS NOT NULL AND t.expires_at <= ",
            $now,
            " AS expired,
                  ",
            $scope,
            " = ANY (t.scopes) AS scoped,
                  o.deleting_at IS NOT NULL AS deleting
    ), seen AS (
        UPDATE devices d
        SET last_seen_at = ",
            $now,
            "
        FROM a
        WHERE d.id = a.device_id
          AND NOT a.revoked AND NOT a.expired AND a.scoped AND NOT a.deleting
          AND d.last_seen_at < ",
            $now,
            " - interval '1 minute'
    )"
        )
    };
}

const AUTHENTICATE_IN_FLIGHT: &str = concat!(
    authenticated!("now()", "$2"),
    "
    SELECT a.id, a.device_id, a.org_id,
           CASE WHEN a.id IS NULL OR a.revoked OR a.expired OR NOT a.scoped THEN
               ('lobu-abort:forbidden:' || CASE
                   WHEN a.id IS NULL THEN 'invalid device token'
                   WHEN a.revoked THEN 'device token has been revoked'
                   WHEN a.expired THEN 'device token has expired'
                   ELSE 'device token lacks the ' || $2 || ' scope' END)::int
           WHEN a.deleting THEN
               ('lobu-abort:conflict:organization ' || a.org_id
                || '",
    crate::orgs::deleting_words!(),
    "')::int
           END,
           set_config('lobu.device_id', coalesce(a.device_id::text, ''), true)
    FROM (SELECT) one LEFT JOIN a ON true"
);

/// A token's authentication as the first statement of a flight: the hash (kept by the
/// caller, who lends it) and the statement's parameters.
pub(crate) struct InFlight {
    hash: String,
}

impl InFlight {
    /// The token's authentication, to send first in a flight.
    pub(crate) fn new(token: &Token) -> Self {
        Self { hash: token.hash() }
    }

    /// The parameters of [`AUTHENTICATE_IN_FLIGHT`].
    pub(crate) fn params(&self) -> [(&(dyn postgres::types::ToSql + Sync), Type); 2] {
        [p(&self.hash), p(&SCOPE_RUN)]
    }

    /// The statement.
    pub(crate) const SQL: &'static str = AUTHENTICATE_IN_FLIGHT;

    /// The principal, from the statement's row (a refused token failed the flight).
    ///
    /// # Errors
    /// `internal` when the row is missing.
    pub(crate) fn principal(row: Option<&postgres::Row>) -> Result<Principal> {
        let row = row
            .ok_or_else(|| Error::Internal("the token's authentication returned no row".into()))?;
        Ok(Principal {
            token_id: row.get(0),
            device_id: row.get(1),
            org_id: row.get(2),
        })
    }
}

/// Looks the token up and records its use; in the same statement, moves its device's
/// `last_seen_at` when the token is good and the last move is more than a minute old (at
/// most one write of the device row a minute, however often it claims or heartbeats).
const AUTHENTICATE: &str = concat!(
    authenticated!("$2", "$3"),
    "
    SELECT id, device_id, org_id, revoked, expired, scoped, deleting FROM a"
);

/// Verifies a token and its `device_worker:run` scope, recording its use and moving its
/// device's `last_seen_at` (at most once a minute), in one statement.
///
/// # Errors
/// `forbidden` (exit 4) for an unknown, revoked or expired token or a missing scope; the
/// message never contains the token. `conflict` (exit 5) when the token's organisation is
/// being deleted (it starts nothing new).
pub fn authenticate(
    client: &mut impl GenericClient,
    token: &Token,
    now: DateTime<Utc>,
) -> Result<Principal> {
    let row = client
        .query_typed_opt(
            AUTHENTICATE,
            &[
                (&token.hash(), Type::TEXT),
                (&now, Type::TIMESTAMPTZ),
                (&SCOPE_RUN, Type::TEXT),
            ],
        )?
        .ok_or_else(|| Error::Forbidden("invalid device token".into()))?;
    let (revoked, expired, scoped): (bool, bool, bool) = (row.get(3), row.get(4), row.get(5));
    if revoked {
        return Err(Error::Forbidden("device token has been revoked".into()));
    }
    if expired {
        return Err(Error::Forbidden("device token has expired".into()));
    }
    if !scoped {
        return Err(Error::Forbidden(format!(
            "device token lacks the {SCOPE_RUN} scope"
        )));
    }
    if row.get::<_, bool>(6) {
        return Err(crate::orgs::being_deleted(&row.get::<_, String>(2)));
    }
    Ok(Principal {
        token_id: row.get(0),
        device_id: row.get(1),
        org_id: row.get(2),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_random_and_valid() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_ne!(a, b);
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        assert_eq!(a.expose().len(), TOKEN_PREFIX.len() + 43);
        a.validate_format().unwrap();
        assert_eq!(a.hash().len(), 64);
        assert!(!format!("{a:?}").contains(&a.expose()[20..]));
    }

    #[test]
    fn chosen_token_format_is_checked() {
        assert!(Token::new("lobu_dev_short").validate_format().is_err());
        assert!(Token::new(format!("nope_{}", "a".repeat(40)))
            .validate_format()
            .is_err());
        assert!(Token::new(format!("lobu_dev_{}!", "a".repeat(40)))
            .validate_format()
            .is_err());
        Token::new(format!("lobu_dev_{}", "a".repeat(32)))
            .validate_format()
            .unwrap();
    }
}

/// A token that `tokens rotate` retired: revoked now, or expiring at the end of the grace.
#[derive(Debug, Clone, Serialize)]
pub struct Retired {
    /// Token id.
    pub id: Uuid,
    /// Display prefix.
    pub prefix: String,
    /// When it expires (the end of the grace, or its own earlier expiry).
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked (no grace).
    pub revoked_at: Option<DateTime<Utc>>,
    /// Its own expiry came before the end of the grace, and was kept.
    pub grace_clamped: bool,
}

/// Result of `tokens rotate`: the new token (shown once) and the device's other live
/// tokens, retired.
#[derive(Debug, Clone, Serialize)]
pub struct Rotated {
    /// The new token.
    #[serde(flatten)]
    pub token: IssuedToken,
    /// The device.
    pub device_id: Uuid,
    /// The device's tokens that were live, retired.
    pub retired: Vec<Retired>,
    /// How many of them kept their own, earlier expiry (`--grace` longer than their
    /// remaining life).
    pub grace_clamped: i64,
}

/// Issues a new token for a device and retires its other live tokens: revoked now without
/// `grace`, else expiring after `grace` (a token whose own expiry comes first keeps it: the
/// grace is clamped, and said in `grace_clamped`). One transaction; rotations of a device
/// are serialised by a lock on its row.
///
/// # Errors
/// `not_found` for an unknown device.
pub fn rotate(
    client: &mut impl GenericClient,
    device_id: Uuid,
    expires_in: Option<Duration>,
    grace: Option<Duration>,
    now: DateTime<Utc>,
) -> Result<Rotated> {
    let token = Token::generate()?;
    let device = DeviceRef::Id(device_id);
    let expires_at = expires_in.map(|d| now + d);
    let until = grace.map(|g| now + g);
    let rotation = Rotation::new(&device, &token, grace)?;
    let (lock, lock_params) = rotation.lock();
    let actor: Option<&str> = None;
    let (none_us, clock) = (None::<i64>, Some(now));
    crate::db::flight::in_order(client, &[(lock, &lock_params)])?;
    let rows = crate::db::flight::in_order(
        client,
        &[(
            ROTATE,
            &rotation.params(&clock, &expires_at, &none_us, &until, &none_us, &actor),
        )],
    )?;
    rotated(&device, token, rows.first().and_then(|r| r.first()))
}

/// The parameters of a rotation that do not depend on the path.
struct Rotation<'a> {
    id: Option<Uuid>,
    org: Option<&'a str>,
    worker: Option<&'a str>,
    prefix: String,
    hash: String,
    grace_seconds: Option<i64>,
}

impl<'a> Rotation<'a> {
    fn new(device: &'a DeviceRef, token: &Token, grace: Option<Duration>) -> Result<Self> {
        let (id, org, worker) = device_params(device);
        Ok(Self {
            id,
            org,
            worker,
            prefix: token.display_prefix(),
            hash: token.hash(),
            grace_seconds: grace.map(|g| g.num_seconds()),
        })
    }

    /// The statement that locks the device's row (the candidates' rows for a worker id),
    /// and its parameters.
    fn lock(
        &self,
    ) -> (
        &'static str,
        [(&(dyn postgres::types::ToSql + Sync), postgres::types::Type); 3],
    ) {
        (
            "SELECT 1 FROM devices
             WHERE id = $1 OR ($1::uuid IS NULL AND org_id = $2 AND worker_key = $3)
             ORDER BY id FOR NO KEY UPDATE",
            [p(&self.id), p(&self.org), p(&self.worker)],
        )
    }

    fn params<'p>(
        &'p self,
        clock: &'p Option<DateTime<Utc>>,
        expires_at: &'p Option<DateTime<Utc>>,
        lifetime: &'p Option<i64>,
        until: &'p Option<DateTime<Utc>>,
        grace_us: &'p Option<i64>,
        actor: &'p Option<&'p str>,
    ) -> [(
        &'p (dyn postgres::types::ToSql + Sync),
        postgres::types::Type,
    ); 12] {
        [
            p(&self.id),
            p(&self.org),
            p(&self.worker),
            p(&self.prefix),
            p(&self.hash),
            p(clock),
            p(expires_at),
            p(lifetime),
            p(until),
            p(grace_us),
            p(actor),
            p(&self.grace_seconds),
        ]
    }
}

/// [`rotate`]'s statement, after the device's lock: the device (`$1` a UUID, else the one
/// device of organisation `$2` with worker id `$3`: nothing is written unless exactly one
/// matches), its live tokens retired (revoked at the clock `$6` (`NULL`: `now()`), or, with
/// a grace, expiring at `$9` or `$10` microseconds after the clock, never later than their
/// own expiry), the new token (`$4` prefix, `$5` hash, expiring at `$7` or `$8`
/// microseconds after the clock), and the audit event by `$11` (none when `NULL`; `$12` the
/// grace in seconds). The new token is not among the retired: the update sees the
/// statement's snapshot. One row: the token as [`INSERT_TOKEN`]'s, then the retired
/// tokens' ids, prefixes, expiries, revocations and clamps, ordered by id.
const ROTATE: &str = concat!(
    "WITH cand AS (",
    crate::devices::device_candidates!("$1", "$2", "$3"),
    "), dev AS (
        SELECT id, org_id FROM cand WHERE (SELECT count(*) FROM cand) = 1
    ), clock AS (
        SELECT coalesce($6::timestamptz, now()) AS now,
               coalesce($9::timestamptz,
                        coalesce($6::timestamptz, now()) + $10 * interval '1 microsecond')
                   AS until
    ), ret AS (
        UPDATE device_tokens t
        SET revoked_at = CASE WHEN clock.until IS NULL THEN clock.now END,
            expires_at = CASE WHEN clock.until IS NULL THEN t.expires_at
                              ELSE least(t.expires_at, clock.until) END
        FROM dev, clock
        WHERE t.device_id = dev.id AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > clock.now)
        RETURNING t.id, t.prefix, t.expires_at, t.revoked_at,
                  clock.until IS NOT NULL AND t.expires_at < clock.until AS clamped
    ), ins AS (
        INSERT INTO device_tokens (device_id, org_id, prefix, token_hash, expires_at)
        SELECT dev.id, dev.org_id, $4, $5,
               coalesce($7, clock.now + $8 * interval '1 microsecond')
        FROM dev, clock
        RETURNING id, scopes, expires_at, device_id, org_id, prefix
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT clock.now, $11, 'tokens rotate', ins.org_id, 'device', ins.device_id::text,
               'rotated',
               jsonb_build_object(
                   'token_id', ins.id, 'prefix', ins.prefix,
                   'retired', (SELECT coalesce(jsonb_agg(id ORDER BY id), '[]') FROM ret),
                   'grace_seconds', $12::bigint,
                   'grace_clamped', (SELECT count(*) FROM ret WHERE clamped))
        FROM ins, clock
        WHERE $11::text IS NOT NULL
    )
    SELECT i.id, i.scopes, i.expires_at, i.device_id,
           ARRAY(SELECT id FROM cand ORDER BY first_seen_at, id),
           ARRAY(SELECT user_id FROM cand ORDER BY first_seen_at, id),
           ARRAY(SELECT id FROM ret ORDER BY id),
           ARRAY(SELECT prefix FROM ret ORDER BY id),
           ARRAY(SELECT expires_at FROM ret ORDER BY id),
           ARRAY(SELECT revoked_at FROM ret ORDER BY id),
           ARRAY(SELECT clamped FROM ret ORDER BY id)
    FROM (VALUES (1)) AS one (x) LEFT JOIN ins i ON true"
);

/// What [`ROTATE`]'s row says: the rotation, else `not_found` or `conflict` (as
/// [`issued`]).
fn rotated(device: &DeviceRef, token: Token, row: Option<&postgres::Row>) -> Result<Rotated> {
    let row = row.ok_or_else(|| Error::Internal("the rotation returned no row".into()))?;
    let (token, device_id) = issued(device, token, row)?;
    let (ids, prefixes): (Vec<Uuid>, Vec<String>) = (row.get(6), row.get(7));
    let expires: Vec<Option<DateTime<Utc>>> = row.get(8);
    let revoked: Vec<Option<DateTime<Utc>>> = row.get(9);
    let clamped: Vec<bool> = row.get(10);
    let retired: Vec<Retired> = ids
        .into_iter()
        .zip(prefixes)
        .zip(expires.into_iter().zip(revoked).zip(clamped))
        .map(
            |((id, prefix), ((expires_at, revoked_at), grace_clamped))| Retired {
                id,
                prefix,
                expires_at,
                revoked_at,
                grace_clamped,
            },
        )
        .collect();
    let grace_clamped = retired.iter().filter(|r| r.grace_clamped).count();
    Ok(Rotated {
        token,
        device_id,
        retired,
        grace_clamped: i64::try_from(grace_clamped).unwrap_or(i64::MAX),
    })
}

/// [`rotate`] in one flight (see [`mod@crate::db::flight`]) for a device named by UUID or
/// `ORG:WORKER_ID`, on the database's clock: the device's lock (a statement of its own, so
/// that the rotation's snapshot sees what a rotation it waited for committed), then the
/// rotation with its audit event by `actor`.
///
/// # Errors
/// As [`rotate`]; `conflict` (exit 5) listing the devices when several users' devices
/// share the worker id; `invalid_input` for a lifetime or grace out of range.
pub fn rotate_in_flight(
    client: &mut crate::db::Client,
    device: &DeviceRef,
    expires_in: Option<Duration>,
    grace: Option<Duration>,
    actor: &crate::audit::Actor,
) -> Result<Rotated> {
    let token = Token::generate()?;
    let micros = |d: Option<Duration>, what: &str| match d.map(|d| d.num_microseconds()) {
        Some(None) => Err(Error::invalid(format!("{what} out of range"))),
        Some(Some(us)) => Ok(Some(us)),
        None => Ok(None),
    };
    let lifetime = micros(expires_in, "token lifetime")?;
    let grace_us = micros(grace, "grace")?;
    let rotation = Rotation::new(device, &token, grace)?;
    let (lock, lock_params) = rotation.lock();
    let none_at: Option<DateTime<Utc>> = None;
    let actor = Some(actor.as_str());
    let landed = crate::db::flight(
        client,
        &[
            (lock, &lock_params),
            (
                ROTATE,
                &rotation.params(&none_at, &none_at, &lifetime, &none_at, &grace_us, &actor),
            ),
        ],
    )?;
    rotated(device, token, landed.first(1))
}
