//! Devices: register (upsert on the worker key), list, show, delete (unpin, pause, cancel).

use std::fmt;
use std::str::FromStr;

use crate::db::GenericClient;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::audit::Actor;
use crate::db::typed::p;
use crate::error::{Error, Result};
use crate::provisioning::{self, DefaultWatcher, Registration};
use crate::tokens::{self, IssuedToken};

/// Known platforms; input is case-insensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
#[value(rename_all = "kebab-case")]
pub enum Platform {
    /// macOS (gets the daily check-in on first registration).
    Macos,
    /// iOS.
    Ios,
    /// Android.
    Android,
    /// Windows.
    Windows,
    /// Linux.
    Linux,
    /// The Chrome extension.
    ChromeExtension,
}

impl Platform {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Macos => "macos",
            Self::Ios => "ios",
            Self::Android => "android",
            Self::Windows => "windows",
            Self::Linux => "linux",
            Self::ChromeExtension => "chrome-extension",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        <Self as clap::ValueEnum>::from_str(s, true).map_err(|_| {
            Error::invalid(format!(
                "unknown platform {:?}: use macos, ios, android, windows, linux or chrome-extension",
                crate::truncate(s, 40)
            ))
        })
    }
}

/// Input of `register-device`.
#[derive(Debug, Clone)]
pub struct RegisterDevice {
    /// Organisation.
    pub org_id: String,
    /// The user owning the device.
    pub user_id: String,
    /// The stable id the client chose.
    pub worker_key: String,
    /// Platform (fixed at first registration).
    pub platform: Platform,
    /// Display name.
    pub name: Option<String>,
    /// Time zone; a new device without one is in UTC, a known one keeps its zone.
    pub timezone: Option<chrono_tz::Tz>,
    /// Client version.
    pub app_version: Option<String>,
    /// Issue a token in the same transaction.
    pub issue_token: bool,
    /// Token lifetime.
    pub token_expires_in: Option<Duration>,
    /// A fixed token value (fixtures only).
    pub token_value: Option<tokens::Token>,
}

/// Result of `register-device`.
#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    /// The device.
    pub device_id: Uuid,
    /// Whether this call created it.
    pub created: bool,
    /// Its platform.
    pub platform: Platform,
    /// What happened to the default watcher.
    pub default_watcher: DefaultWatcher,
    /// The issued token, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<IssuedToken>,
}

pub(crate) fn check_text(what: &str, value: &str, max: usize) -> Result<()> {
    crate::input::storable(what, value)?;
    crate::input::one_line(what, value)?;
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(Error::invalid(format!(
            "invalid {what}: must be 1 to {max} characters and not blank"
        )));
    }
    Ok(())
}

/// Inserts or refreshes the device, unless its organisation is unknown or being deleted
/// (then no device, and the next column says whether the organisation is being deleted:
/// `NULL` for unknown), and records the audit event in the same statement when `$9` (the
/// actor) is given, so that it costs no round trip of its own; at `$8`, or the database's
/// clock. A platform other than the first registration's raises `conflict` (nothing
/// written). For the statements after it in a flight, it stores the device in
/// `lobu.device_id` and, when this call inserted a Mac, in `lobu.first_mac`.
const UPSERT_DEVICE: &str = "
    WITH o AS (
        SELECT id FROM organizations WHERE id = $1 AND deleting_at IS NULL
    ), up AS (
        INSERT INTO devices (org_id, user_id, worker_key, platform, name, timezone,
                             app_version, first_seen_at, last_seen_at)
        SELECT o.id, $2, $3, $4, $5, coalesce($6, 'UTC'), $7, coalesce($8, now()),
               coalesce($8, now())
        FROM o
        ON CONFLICT (org_id, user_id, worker_key) DO UPDATE
        SET last_seen_at = EXCLUDED.last_seen_at,
            name = coalesce($5, devices.name),
            timezone = coalesce($6, devices.timezone),
            app_version = coalesce($7, devices.app_version)
        RETURNING id, (xmax = 0) AS inserted, platform, timezone
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT coalesce($8, now()), $9, 'register-device', $1, 'device', up.id::text,
               CASE WHEN up.inserted THEN 'registered' ELSE 'refreshed' END,
               jsonb_build_object('user', $2::text, 'worker_id', $3::text,
                                  'platform', $4::text)
        FROM up
        WHERE $9::text IS NOT NULL AND up.platform = $4
    )
    SELECT up.id, up.inserted, up.platform, up.timezone,
           (SELECT deleting_at IS NOT NULL FROM organizations WHERE id = $1),
           CASE WHEN up.platform <> $4 THEN
               ('lobu-abort:conflict:device ' || up.id || ' is registered as ' || up.platform
                || '; its platform cannot change to ' || $4)::int END,
           set_config('lobu.device_id', coalesce(up.id::text, ''), true),
           set_config('lobu.first_mac',
                      CASE WHEN up.inserted AND up.platform = 'macos' THEN up.id::text
                           ELSE '' END, true)
    FROM (SELECT) one LEFT JOIN up ON true";

/// The device of [`UPSERT_DEVICE`]'s row, whether this call inserted it, and its zone; or
/// why its organisation accepts no new object: unknown (`not_found`, exit 3) or being
/// deleted (`conflict`, exit 5).
fn upserted(org_id: &str, row: Option<&postgres::Row>) -> Result<(Uuid, bool, String)> {
    let row = row.ok_or_else(|| Error::Internal("the device's upsert returned no row".into()))?;
    match row.get::<_, Option<Uuid>>(0) {
        Some(id) => Ok((id, row.get(1), row.get(3))),
        None if row.get::<_, Option<bool>>(4) == Some(true) => {
            Err(crate::orgs::being_deleted(org_id))
        }
        None => Err(Error::not_found(format!("organization {org_id}"))),
    }
}

/// Checks the fields of a registration.
fn check_input(input: &RegisterDevice) -> Result<()> {
    check_text("user id", &input.user_id, 200)?;
    check_text("worker id", &input.worker_key, 200)?;
    if let Some(n) = &input.name {
        check_text("device name", n, 200)?;
    }
    if let Some(v) = &input.app_version {
        check_text("app version", v, 100)?;
    }
    Ok(())
}

/// [`UPSERT_DEVICE`]'s parameters.
fn upsert_params<'a>(
    input: &'a RegisterDevice,
    platform: &'a &'a str,
    tz_name: &'a Option<&'a str>,
    at: &'a Option<DateTime<Utc>>,
    actor: &'a Option<&'a str>,
) -> [(
    &'a (dyn postgres::types::ToSql + Sync),
    postgres::types::Type,
); 9] {
    [
        p(&input.org_id),
        p(&input.user_id),
        p(&input.worker_key),
        p(platform),
        p(&input.name),
        p(tz_name),
        p(&input.app_version),
        p(at),
        p(actor),
    ]
}

/// Registers a device, or refreshes a known one; on a first Mac in a bootstrapped
/// organisation, provisions the daily check-in watcher. One transaction: call it inside one.
///
/// # Errors
/// `invalid_input` for bad fields, `not_found` for an unknown organisation, `conflict`
/// when the platform differs from the first registration or the organisation is being
/// deleted.
pub fn register(
    tx: &mut impl GenericClient,
    input: &RegisterDevice,
    now: DateTime<Utc>,
) -> Result<Registered> {
    register_recorded(tx, input, None, now)
}

/// As [`register`], and records the audit event (`register-device`, by `actor`) in the
/// device's own statement.
///
/// # Errors
/// As [`register`].
pub fn register_recorded(
    tx: &mut impl GenericClient,
    input: &RegisterDevice,
    actor: Option<&Actor>,
    now: DateTime<Utc>,
) -> Result<Registered> {
    check_input(input)?;
    let (platform, tz_name) = (input.platform.as_str(), input.timezone.map(|t| t.name()));
    let (at, actor) = (Some(now), actor.map(Actor::as_str));
    let params = upsert_params(input, &platform, &tz_name, &at, &actor);
    let row = tx.query_typed_opt(UPSERT_DEVICE, &params);
    let row = row.map_err(crate::db::flight::statement_error)?;
    let (device_id, first, zone) = upserted(&input.org_id, row.as_ref())?;
    let timezone = crate::schedule::parse_timezone(&zone)?;
    let default_watcher = provisioning::provision_watcher(
        tx,
        Registration {
            org_id: &input.org_id,
            device_id,
            first,
            macos: input.platform == Platform::Macos,
            timezone,
        },
        now,
    )?;
    let token = if input.issue_token || input.token_value.is_some() {
        Some(tokens::create(
            tx,
            device_id,
            input.token_expires_in,
            input.token_value.clone(),
            now,
        )?)
    } else {
        None
    };
    Ok(Registered {
        device_id,
        created: first,
        platform: input.platform,
        default_watcher,
        token,
    })
}

/// [`register_recorded`] in one flight (see [`mod@crate::db::flight`]) on the database's
/// clock, with its audit event by `actor` in the device's statement. A first Mac's daily
/// check-in is decided in the same flight, after the organisation's lock, its next 09:00
/// picked by the database's clock among the fire times around `estimate` (the host's clock,
/// see [`provisioning::fire_times_around`]); when the database's clock is more than a day
/// away from it, nothing is written and the registration runs again in a transaction that
/// reads the database's clock first ([`register_recorded`]).
///
/// # Errors
/// As [`register`].
pub fn register_in_flight(
    client: &mut crate::db::Client,
    input: &RegisterDevice,
    actor: &Actor,
    estimate: DateTime<Utc>,
) -> Result<Registered> {
    use provisioning::FirstMacInFlight;
    check_input(input)?;
    let macos = input.platform == Platform::Macos;
    let (platform, tz_name) = (input.platform.as_str(), input.timezone.map(|t| t.name()));
    let (at, by) = (None, Some(actor.as_str()));
    let upsert = upsert_params(input, &platform, &tz_name, &at, &by);
    let zone = input.timezone.unwrap_or(chrono_tz::UTC);
    let mac = macos
        .then(|| FirstMacInFlight::new(&input.org_id, zone, estimate, None))
        .transpose()?;
    let mac_params = mac.as_ref().map(|m| (m.lock_params(), m.params()));
    let token = (input.issue_token || input.token_value.is_some())
        .then(|| tokens::NewToken::new(input.token_value.clone(), input.token_expires_in))
        .transpose()?;
    let token_params = token.as_ref().map(tokens::NewToken::params);
    let mut statements: Vec<crate::db::client::Typed<'_>> = vec![(UPSERT_DEVICE, &upsert)];
    if let Some((lock, decide)) = &mac_params {
        statements.push((FirstMacInFlight::LOCK, lock));
        statements.push((FirstMacInFlight::SQL, decide));
    }
    if let Some(t) = &token_params {
        statements.push((tokens::NewToken::SQL, t));
    }
    let landed = match crate::db::flight(client, &statements) {
        Err(Error::Transient {
            kind: crate::db::flight::CLOCK,
            ..
        }) => {
            return crate::db::in_tx(client, |tx, now| {
                register_recorded(tx, input, Some(actor), now)
            })
        }
        landed => landed?,
    };
    let last = statements.len() - 1;
    drop(statements);
    let (device_id, first, _) = upserted(&input.org_id, landed.first(0))?;
    let default_watcher = match provisioning::not_applicable(first, macos) {
        Some(w) => w,
        None => FirstMacInFlight::outcome(landed.first(2))?
            .ok_or_else(|| Error::not_found(format!("organization {}", input.org_id)))?,
    };
    let token = match token {
        Some(t) => Some(t.issued(device_id, landed.first(last))?),
        None => None,
    };
    Ok(Registered {
        device_id,
        created: first,
        platform: input.platform,
        default_watcher,
        token,
    })
}

/// A device row.
#[derive(Debug, Clone, Serialize)]
pub struct Device {
    /// Device id.
    pub id: Uuid,
    /// Organisation.
    pub org_id: String,
    /// Owner.
    pub user_id: String,
    /// The client's stable id.
    pub worker_key: String,
    /// Platform.
    pub platform: String,
    /// Display name.
    pub name: Option<String>,
    /// IANA time zone.
    pub timezone: String,
    /// Client version.
    pub app_version: Option<String>,
    /// First registration.
    pub first_seen_at: DateTime<Utc>,
    /// Last registration.
    pub last_seen_at: DateTime<Utc>,
    /// Watchers pinned to it.
    pub pinned_watchers: i64,
    /// Tokens neither revoked nor expired.
    pub active_tokens: i64,
}

const SELECT_DEVICES: &str = "
    SELECT d.id, d.org_id, d.user_id, d.worker_key, d.platform, d.name, d.timezone,
           d.app_version, d.first_seen_at, d.last_seen_at,
           (SELECT count(*) FROM watchers w WHERE w.device_id = d.id),
           (SELECT count(*) FROM device_tokens t WHERE t.device_id = d.id
              AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()))
    FROM devices d";

fn device_from_row(r: &postgres::Row) -> Device {
    Device {
        id: r.get(0),
        org_id: r.get(1),
        user_id: r.get(2),
        worker_key: r.get(3),
        platform: r.get(4),
        name: r.get(5),
        timezone: r.get(6),
        app_version: r.get(7),
        first_seen_at: r.get(8),
        last_seen_at: r.get(9),
        pinned_watchers: r.get(10),
        active_tokens: r.get(11),
    }
}

/// Lists an organisation's devices.
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn list(client: &mut impl GenericClient, org_id: &str) -> Result<Vec<Device>> {
    list_via(&mut |s| crate::db::flight::in_order(client, s), org_id)
}

/// [`list`]'s statements sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// As [`list`].
pub fn list_via(send: &mut crate::db::flight::Send<'_>, org_id: &str) -> Result<Vec<Device>> {
    let list = format!("{SELECT_DEVICES} WHERE d.org_id = $1 ORDER BY d.first_seen_at, d.id");
    let rows = send(&[(&list, &[p(&org_id)]), (crate::orgs::SHOW, &[p(&org_id)])])?;
    Ok(
        crate::db::flight::listed(&rows, &[format!("organization {org_id}")])?
            .iter()
            .map(device_from_row)
            .collect(),
    )
}

/// Shows one device.
///
/// # Errors
/// `not_found`.
pub fn show(client: &mut impl GenericClient, id: Uuid) -> Result<Device> {
    show_via(
        &mut |s| crate::db::flight::in_order(client, s),
        &DeviceRef::Id(id),
    )
}

/// [`show`] of a device named by UUID or `ORG:WORKER_ID` (resolved in the same statement,
/// as [`resolve`] does), its statement sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// `not_found`; `conflict` listing the devices when several users' devices share the
/// worker id.
pub fn show_via(send: &mut crate::db::flight::Send<'_>, r: &DeviceRef) -> Result<Device> {
    let rows = match r {
        DeviceRef::Id(id) => send(&[(&format!("{SELECT_DEVICES} WHERE d.id = $1"), &[p(id)])])?,
        DeviceRef::Worker { org_id, worker_key } => send(&[(
            &format!(
                "{SELECT_DEVICES} WHERE d.org_id = $1 AND d.worker_key = $2
                 ORDER BY d.first_seen_at, d.id LIMIT 20"
            ),
            &[p(org_id), p(worker_key)],
        )])?,
    };
    let devices: Vec<Device> = rows
        .first()
        .map(|rows| rows.iter().map(device_from_row).collect())
        .unwrap_or_default();
    match <[Device; 1]>::try_from(devices) {
        Ok([one]) => Ok(one),
        Err(many) => Err(unresolved(
            r,
            &many.iter().map(|d| d.id).collect::<Vec<_>>(),
            &many.iter().map(|d| d.user_id.clone()).collect::<Vec<_>>(),
        )),
    }
}

/// Result of `devices delete`.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceDeleted {
    /// The deleted device.
    pub device_id: Uuid,
    /// Its organisation (for the audit trail; not part of the JSON).
    #[serde(skip)]
    pub org_id: String,
    /// Watchers that were pinned to it (now unpinned and paused).
    pub watchers_unpinned: i64,
    /// Active runs cancelled.
    pub runs_cancelled: i64,
}

/// Deletes a device. Never fails on pinned watchers: unpins them, pauses them with reason
/// `device <uuid> deleted`, cancels their active runs and the device's, all in the caller's
/// transaction.
///
/// # Errors
/// `not_found`.
pub fn delete(tx: &mut impl GenericClient, id: Uuid, now: DateTime<Utc>) -> Result<DeviceDeleted> {
    let device = DeviceRef::Id(id);
    let (id, org, worker) = named(&device);
    let (at, actor) = (Some(now), None::<&str>);
    let rows = crate::db::flight::in_order(
        tx,
        &[
            (LOCK_DEVICES, &[p(&id), p(&org), p(&worker)]),
            (LOCK_PINNED, &[p(&id), p(&org), p(&worker)]),
            (DELETE, &[p(&id), p(&org), p(&worker), p(&at), p(&actor)]),
        ],
    )?;
    deleted(&device, rows.get(2).and_then(|r| r.first()))
}

/// The device a command names: `$1` its UUID, else `$2` its organisation and `$3` its
/// worker id.
fn named(device: &DeviceRef) -> (Option<Uuid>, Option<&str>, Option<&str>) {
    match device {
        DeviceRef::Id(id) => (Some(*id), None, None),
        DeviceRef::Worker { org_id, worker_key } => {
            (None, Some(org_id.as_str()), Some(worker_key.as_str()))
        }
    }
}

/// The rows of the devices a command names (see [`named`]), locked `FOR UPDATE` in id
/// order: a statement of its own, so that the statements after it see what a transaction
/// they waited for committed, and no watcher can be pinned to the device meanwhile (the
/// pin's foreign key takes `KEY SHARE` on it).
const LOCK_DEVICES: &str = "
    SELECT 1 FROM devices
    WHERE id = $1 OR ($1::uuid IS NULL AND org_id = $2 AND worker_key = $3)
    ORDER BY id FOR UPDATE";

/// The watchers pinned to the devices [`LOCK_DEVICES`] locked, locked `FOR UPDATE`, which
/// waits for the triggers that hold `KEY SHARE` on them: the runs they queued are committed
/// before [`DELETE`]'s snapshot, which then cancels them; a later trigger reads the watcher
/// paused and unpinned.
const LOCK_PINNED: &str = "
    SELECT 1 FROM watchers
    WHERE device_id IN (SELECT id FROM devices
                        WHERE id = $1 OR ($1::uuid IS NULL AND org_id = $2 AND worker_key = $3))
    ORDER BY id FOR UPDATE";

/// The candidate devices of a reference `$a` (UUID), else `$b`:`$c` (organisation, worker
/// id), as [`crate::devices::resolve`] finds them.
macro_rules! device_candidates {
    ($a:literal, $b:literal, $c:literal) => {
        concat!(
            "SELECT id, org_id, user_id, first_seen_at FROM devices WHERE id = ",
            $a,
            "
             UNION ALL
             (SELECT id, org_id, user_id, first_seen_at FROM devices
              WHERE ",
            $a,
            "::uuid IS NULL AND ",
            $c,
            "::text IS NOT NULL AND org_id = ",
            $b,
            " AND worker_key = ",
            $c,
            "
              ORDER BY first_seen_at, id LIMIT 20)"
        )
    };
}

pub(crate) use device_candidates;

/// [`delete`]'s statement, after the locks: the device (see [`named`]; nothing is written
/// unless exactly one matches), its watchers unpinned and paused (reason `device <uuid>
/// deleted`; archived ones stay archived), the active runs of those watchers and of the
/// device cancelled, the device deleted (its tokens with it), at the clock `$4` (`NULL`:
/// `now()`), and the audit event by `$5` (none when `NULL`). One row: the device deleted
/// and its organisation (null when none was), the counts, the candidates' ids and users.
const DELETE: &str = concat!(
    "WITH cand AS (",
    device_candidates!("$1", "$2", "$3"),
    "), dev AS (
        SELECT id, org_id, coalesce($4::timestamptz, now()) AS now,
               'device ' || id || ' deleted' AS reason
        FROM cand WHERE (SELECT count(*) FROM cand) = 1
    ), unpin AS (
        UPDATE watchers w
        SET device_id = NULL,
            status = CASE WHEN w.status = 'archived' THEN w.status ELSE 'paused' END,
            paused_reason = CASE WHEN w.status = 'archived' THEN w.paused_reason
                                 ELSE dev.reason END,
            updated_at = dev.now
        FROM dev
        WHERE w.device_id = dev.id
        RETURNING w.id
    ), cancel AS (
        UPDATE runs r SET status = 'cancelled', finished_at = dev.now, error = dev.reason
        FROM dev
        WHERE r.status IN ('pending', 'claimed', 'running')
          AND (r.watcher_id IN (SELECT id FROM unpin) OR r.device_id = dev.id
               OR r.claimed_by = dev.id)
        RETURNING r.id
    ), del AS (
        DELETE FROM devices d USING dev WHERE d.id = dev.id RETURNING d.id, d.org_id
    ), counts AS (
        SELECT (SELECT count(*) FROM unpin) AS unpinned, (SELECT count(*) FROM cancel) AS runs
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT dev.now, $5, 'devices delete', del.org_id, 'device', del.id::text, 'deleted',
               jsonb_build_object('watchers_unpinned', counts.unpinned,
                                  'runs_cancelled', counts.runs)
        FROM del, dev, counts
        WHERE $5::text IS NOT NULL
    )
    SELECT del.id, del.org_id, counts.unpinned, counts.runs,
           ARRAY(SELECT id FROM cand ORDER BY first_seen_at, id),
           ARRAY(SELECT user_id FROM cand ORDER BY first_seen_at, id)
    FROM counts LEFT JOIN del ON true"
);

/// What [`DELETE`]'s row says: the deletion, else `not_found` or `conflict` (several
/// devices with the worker id, listed).
fn deleted(device: &DeviceRef, row: Option<&postgres::Row>) -> Result<DeviceDeleted> {
    let row = row.ok_or_else(|| Error::Internal("the delete returned no row".into()))?;
    let Some(device_id) = row.get::<_, Option<Uuid>>(0) else {
        let (ids, users): (Vec<Uuid>, Vec<String>) = (row.get(4), row.get(5));
        return Err(unresolved(device, &ids, &users));
    };
    Ok(DeviceDeleted {
        device_id,
        org_id: row.get(1),
        watchers_unpinned: row.get(2),
        runs_cancelled: row.get(3),
    })
}

/// [`delete`] in one flight (see [`mod@crate::db::flight`]) for a device named by UUID or
/// `ORG:WORKER_ID`, on the database's clock, with its audit event by `actor` in the same
/// statement.
///
/// # Errors
/// As [`delete`]; `conflict` (exit 5) listing the devices when several users' devices
/// share the worker id.
pub fn delete_in_flight(
    client: &mut crate::db::Client,
    device: &DeviceRef,
    actor: &crate::audit::Actor,
) -> Result<DeviceDeleted> {
    let (id, org, worker) = named(device);
    let (at, actor) = (None::<DateTime<Utc>>, Some(actor.as_str()));
    let landed = crate::db::flight(
        client,
        &[
            (LOCK_DEVICES, &[p(&id), p(&org), p(&worker)]),
            (LOCK_PINNED, &[p(&id), p(&org), p(&worker)]),
            (DELETE, &[p(&id), p(&org), p(&worker), p(&at), p(&actor)]),
        ],
    )?;
    deleted(device, landed.first(2))
}

/// A device as a command names it: its UUID, or `ORG:WORKER_ID` (the organisation and the
/// stable id its client chose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceRef {
    /// By id.
    Id(Uuid),
    /// By organisation and worker id.
    Worker {
        /// Organisation.
        org_id: String,
        /// The client's stable id.
        worker_key: String,
    },
}

impl FromStr for DeviceRef {
    type Err = Error;

    /// A UUID, else `ORG:WORKER_ID` (split at the first `:`; the worker id may hold more).
    fn from_str(s: &str) -> Result<Self> {
        if let Ok(id) = Uuid::parse_str(s) {
            return Ok(Self::Id(id));
        }
        let Some((org, worker)) = s.split_once(':') else {
            return Err(Error::invalid(format!(
                "invalid device {:?}: a UUID or ORG:WORKER_ID (e.g. acme:mbp-1)",
                crate::truncate(s, 60)
            )));
        };
        crate::orgs::validate_id("organization id", org)?;
        check_text("worker id", worker, 200)?;
        Ok(Self::Worker {
            org_id: org.into(),
            worker_key: worker.into(),
        })
    }
}

impl fmt::Display for DeviceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Worker { org_id, worker_key } => write!(f, "{org_id}:{worker_key}"),
        }
    }
}

impl From<Uuid> for DeviceRef {
    fn from(id: Uuid) -> Self {
        Self::Id(id)
    }
}

/// The id of the device `r` names. A UUID is returned as it is (the command that uses it
/// says whether it exists); `ORG:WORKER_ID` is looked up (index `devices_org_worker`).
///
/// # Errors
/// `not_found` when no device of the organisation has that worker id; `conflict` (exit 5)
/// when several users' devices share it, listing their ids (name one by UUID).
pub fn resolve(client: &mut impl GenericClient, r: &DeviceRef) -> Result<Uuid> {
    let (org, worker) = match r {
        DeviceRef::Id(id) => return Ok(*id),
        DeviceRef::Worker { org_id, worker_key } => (org_id, worker_key),
    };
    let rows = client.query_typed(
        "SELECT id, user_id FROM devices WHERE org_id = $1 AND worker_key = $2
         ORDER BY first_seen_at, id LIMIT 20",
        &[p(org), p(worker)],
    )?;
    match rows.as_slice() {
        [one] => Ok(one.get(0)),
        many => Err(unresolved(
            r,
            &many.iter().map(|row| row.get(0)).collect::<Vec<_>>(),
            &many.iter().map(|row| row.get(1)).collect::<Vec<_>>(),
        )),
    }
}

/// The error for a device reference that matched no device (`not_found`) or the devices
/// `ids` of `users` (`conflict`, exit 5, listing them: name one by UUID).
#[must_use]
pub fn unresolved(r: &DeviceRef, ids: &[Uuid], users: &[String]) -> Error {
    if ids.is_empty() {
        return Error::not_found(format!("device {}", crate::truncate(&r.to_string(), 120)));
    }
    let worker = match r {
        DeviceRef::Worker { worker_key, .. } => worker_key.as_str(),
        DeviceRef::Id(_) => "",
    };
    Error::Conflict(format!(
        "device {} is ambiguous: {} users' devices have worker id {:?}: {}; name one by id",
        crate::truncate(&r.to_string(), 120),
        ids.len(),
        crate::truncate(worker, 60),
        ids.iter()
            .zip(users)
            .map(|(id, user)| format!("{id} (user {})", crate::truncate(user, 40)))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// [`resolve`] of an optional reference.
///
/// # Errors
/// As [`resolve`].
pub fn resolve_opt(client: &mut impl GenericClient, r: Option<&DeviceRef>) -> Result<Option<Uuid>> {
    r.map(|r| resolve(client, r)).transpose()
}
