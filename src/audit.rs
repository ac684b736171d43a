//! The audit trail: one event per state-changing command, written in the change's own
//! transaction (so a command that fails or rolls back records none), listed newest first
//! and pruned by age. Events have no foreign key: an organisation's events outlive it.
//!
//! Details never hold a secret: token events name the token's id and prefix only.

use crate::db::GenericClient;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::typed::p;
use crate::error::{Error, Result};

/// Who made a change: `--actor`, `LOBU_ACTOR`, `<OS user>@<host>`, or `device:<uuid>` for
/// a token-authenticated trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

/// The longest actor name accepted, in characters.
pub const MAX_ACTOR_CHARS: usize = 200;

/// The prefix of a device's actor name, which no operator may take.
pub const DEVICE_PREFIX: &str = "device:";

impl Actor {
    /// An actor name as given (`--actor`, which `audit list` also takes as its filter, so
    /// `device:<uuid>` passes here: see [`Actor::operator`] for the name a change is
    /// recorded under).
    ///
    /// # Errors
    /// `invalid_input` when the name is blank, longer than [`MAX_ACTOR_CHARS`], holds a
    /// control, format or line-separating character (a log line or a terminal must show it
    /// as it is: no hidden text, no reordering), or holds a device token.
    pub fn new(name: &str) -> Result<Self> {
        if name.trim().is_empty() {
            return Err(Error::invalid("invalid actor: must not be blank"));
        }
        if name.chars().count() > MAX_ACTOR_CHARS {
            return Err(Error::invalid(format!(
                "invalid actor: at most {MAX_ACTOR_CHARS} characters"
            )));
        }
        crate::input::one_line("actor", name)?;
        crate::input::no_token("actor", name)?;
        Ok(Self(name.to_string()))
    }

    /// This actor as the operator a change is recorded under.
    ///
    /// # Errors
    /// `invalid_input` when it starts with `device:` (reserved for token-authenticated
    /// triggers, so that no operator can pass for a device).
    pub fn operator(self) -> Result<Self> {
        if self
            .0
            .trim_start()
            .get(..DEVICE_PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(DEVICE_PREFIX))
        {
            return Err(Error::invalid(format!(
                "invalid actor: the {DEVICE_PREFIX} prefix is reserved for token-authenticated \
                 triggers"
            )));
        }
        Ok(self)
    }

    /// `<OS user>@<host>` of this process (`unknown` for what the OS does not say; control
    /// characters dropped).
    #[must_use]
    pub fn of_process() -> Self {
        let clean = |s: Option<String>| {
            s.map(|s| {
                s.chars()
                    .filter(|c| !c.is_control() && !crate::input::invisible(*c))
                    .collect::<String>()
            })
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "unknown".into())
        };
        let user = clean(whoami::username().ok());
        let host = clean(whoami::hostname().ok());
        Self(crate::truncate(&format!("{user}@{host}"), MAX_ACTOR_CHARS))
    }

    /// The actor of a token-authenticated command: `device:<uuid>`.
    #[must_use]
    pub fn device(id: Uuid) -> Self {
        Self(format!("{DEVICE_PREFIX}{id}"))
    }

    /// The name as recorded.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// `organization`, `agent`, `device`, `token`, `watcher`, `run`, `fixture`, `audit`.
    pub kind: String,
    /// Its id.
    pub id: String,
}

impl Target {
    /// A target of `kind` with `id`.
    #[must_use]
    pub fn new(kind: &str, id: impl ToString) -> Self {
        Self {
            kind: kind.into(),
            id: id.to_string(),
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event {
    /// The command, as typed: `org delete`, `watchers trigger`.
    pub command: &'static str,
    /// The organisation, where the change is in one.
    pub org_id: Option<String>,
    /// What was changed.
    pub target: Option<Target>,
    /// What happened: `created`, `deleted`, `queued`, `already_queued`...
    pub outcome: String,
    /// More, as a JSON object; never a secret.
    pub details: serde_json::Value,
    /// Where `org_id` is not given: the device or token whose organisation it is.
    pub org_of: Option<OrgOf>,
}

/// An object whose organisation an event is recorded in, looked up in its statement.
#[derive(Debug, Clone, Copy)]
pub enum OrgOf {
    /// A device's.
    Device(Uuid),
    /// A token's.
    Token(Uuid),
}

const INSERT_EVENT: &str = "
    INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id, outcome,
                              details)
    VALUES ($1, $2, $3,
            coalesce($4, (SELECT org_id FROM devices WHERE id = $9),
                     (SELECT org_id FROM device_tokens WHERE id = $10)),
            $5, $6, $7, $8)";

impl Event {
    /// An event of `command` in `org_id` about `target` with `outcome` and no details.
    #[must_use]
    pub fn new(command: &'static str, org_id: Option<&str>, target: Target, outcome: &str) -> Self {
        Self {
            command,
            org_id: org_id.map(str::to_string),
            target: Some(target),
            outcome: outcome.into(),
            details: serde_json::json!({}),
            org_of: None,
        }
    }

    /// The same event, in the organisation of `of` (looked up as it is recorded).
    #[must_use]
    pub fn in_org_of(mut self, of: OrgOf) -> Self {
        self.org_of = Some(of);
        self
    }

    /// The same event with `details` (a JSON object; never a secret).
    #[must_use]
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Records `event` by `actor` at `now`: call it in the transaction of the change, so that
/// it commits or rolls back with it. One statement.
///
/// # Errors
/// Database failures; `invalid_input` when `details` is not a JSON object.
pub fn record(
    client: &mut impl GenericClient,
    actor: &Actor,
    now: DateTime<Utc>,
    event: &Event,
) -> Result<()> {
    if !event.details.is_object() {
        return Err(Error::Internal(
            "audit details must be a JSON object".into(),
        ));
    }
    let (kind, id) = match &event.target {
        Some(t) => (Some(t.kind.as_str()), Some(t.id.as_str())),
        None => (None, None),
    };
    client.query_typed(
        INSERT_EVENT,
        &[
            p(&now),
            p(&actor.as_str()),
            p(&event.command),
            p(&event.org_id),
            p(&kind),
            p(&id),
            p(&event.outcome),
            p(&event.details),
            p(&match event.org_of {
                Some(OrgOf::Device(d)) => Some(d),
                _ => None,
            }),
            p(&match event.org_of {
                Some(OrgOf::Token(t)) => Some(t),
                _ => None,
            }),
        ],
    )?;
    Ok(())
}

/// One recorded event, as `audit list` shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Increasing id (the keyset of `--before`).
    pub id: i64,
    /// The database's clock when the change was made.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// The command.
    pub command: String,
    /// The organisation, if any.
    pub org_id: Option<String>,
    /// What was changed, if one object.
    pub target: Option<Target>,
    /// What happened.
    pub outcome: String,
    /// More (JSON object).
    pub details: serde_json::Value,
}

/// Since when `audit list` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// This long before the database's clock.
    Ago(Duration),
    /// From this time.
    At(DateTime<Utc>),
}

/// `audit list`'s filters; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this organisation's events.
    pub org_id: Option<String>,
    /// Only this actor's.
    pub actor: Option<String>,
    /// Only this command's (`watchers trigger`).
    pub command: Option<String>,
    /// Only events at or after this.
    pub since: Option<Since>,
    /// Only events older than this id (the next page: the last id shown).
    pub before: Option<i64>,
}

/// `$4` since when, or `NULL` and `$7` how long before the database's clock, in
/// microseconds (flights).
const LIST_EVENTS: &str = "
    SELECT id, at, actor, command, org_id, target_kind, target_id, outcome, details
    FROM audit_events
    WHERE ($1::text IS NULL OR org_id = $1)
      AND ($2::text IS NULL OR actor = $2)
      AND ($3::text IS NULL OR command = $3)
      AND ($4::timestamptz IS NULL AND $7::bigint IS NULL
           OR at >= coalesce($4, now() - $7 * interval '1 microsecond'))
      AND ($5::bigint IS NULL OR id < $5)
    ORDER BY id DESC
    LIMIT $6";

/// Lists events newest first, at most `limit`; page on with `before` = the last id.
///
/// # Errors
/// Database failures.
pub fn list(
    client: &mut impl GenericClient,
    filter: &Filter,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEvent>> {
    list_via(
        &mut |s| crate::db::flight::in_order(client, s),
        filter,
        limit,
        Some(now),
    )
}

/// [`list`]'s statement sent by `send` (see [`crate::db::flight::Send`]), `since` counted
/// back from `now` (`None`: the database's clock of the statement).
///
/// # Errors
/// As [`list`].
pub fn list_via(
    send: &mut crate::db::flight::Send<'_>,
    filter: &Filter,
    limit: i64,
    now: Option<DateTime<Utc>>,
) -> Result<Vec<AuditEvent>> {
    let (since, ago) = match (filter.since, now) {
        (Some(Since::Ago(d)), Some(now)) => (Some(now - d), None),
        (Some(Since::Ago(d)), None) => (
            None,
            Some(
                d.num_microseconds()
                    .ok_or_else(|| Error::invalid("--since out of range"))?,
            ),
        ),
        (Some(Since::At(t)), _) => (Some(t), None),
        (None, _) => (None, None),
    };
    let rows = send(&[(
        LIST_EVENTS,
        &[
            p(&filter.org_id),
            p(&filter.actor),
            p(&filter.command),
            p(&since),
            p(&filter.before),
            p(&limit),
            p(&ago),
        ],
    )])?;
    Ok(crate::db::flight::listed(&rows, &[])?
        .iter()
        .map(|r| AuditEvent {
            id: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            command: r.get(3),
            org_id: r.get(4),
            target: match (r.get::<_, Option<String>>(5), r.get::<_, Option<String>>(6)) {
                (Some(kind), Some(id)) => Some(Target { kind, id }),
                _ => None,
            },
            outcome: r.get(7),
            details: r.get(8),
        })
        .collect())
}

/// Result of `audit prune`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pruned {
    /// Events deleted (or, in a dry run, that would be).
    pub deleted: i64,
    /// Events before this time were (or would be) deleted.
    pub cutoff: DateTime<Utc>,
    /// Nothing was written.
    pub dry_run: bool,
}

/// Deletes the events older than `older_than` before `now` (in a dry run, counts them).
/// The prune itself is then recorded by the caller, so the trail says who cut it.
///
/// # Errors
/// Database failures.
pub fn prune(
    client: &mut impl GenericClient,
    older_than: Duration,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Pruned> {
    let (cutoff, actor): (Option<DateTime<Utc>>, Option<&str>) = (Some(now - older_than), None);
    let row = client.query_typed_one(
        prune_sql(dry_run),
        &[p(&cutoff), p(&microseconds(older_than)?), p(&actor)],
    )?;
    Ok(pruned(&row, dry_run))
}

/// `--older-than` in microseconds, as [`prune_sql`] takes it.
fn microseconds(d: Duration) -> Result<i64> {
    d.num_microseconds()
        .ok_or_else(|| Error::invalid("--older-than is out of range"))
}

/// [`prune`]'s statement: `$1` the cutoff, or (`NULL`) `$2` microseconds before the
/// database's clock; `$3` the actor of the audit event a prune records after it
/// (`audit prune`, with the count and the cutoff written as the event's JSON writes times),
/// none when `NULL`. A dry run only counts. The event is not among the deleted: the delete
/// sees the statement's snapshot. Returns the count and the cutoff.
fn prune_sql(dry_run: bool) -> &'static str {
    if dry_run {
        "WITH c AS (SELECT coalesce($1, now() - $2 * interval '1 microsecond') AS cutoff)
         SELECT (SELECT count(*) FROM audit_events, c WHERE at < c.cutoff), c.cutoff
         FROM c"
    } else {
        "WITH c AS (SELECT coalesce($1, now() - $2 * interval '1 microsecond') AS cutoff),
              d AS (DELETE FROM audit_events USING c WHERE at < c.cutoff RETURNING 1),
              n AS (SELECT count(*) AS deleted FROM d),
              audit AS (
                  INSERT INTO audit_events (at, actor, command, org_id, target_kind,
                                            target_id, outcome, details)
                  SELECT now(), $3, 'audit prune', NULL, 'audit', 'events', 'pruned',
                         jsonb_build_object('deleted', n.deleted, 'cutoff', ts.text)
                  FROM n, c,
                       LATERAL (SELECT extract(microseconds FROM c.cutoff)::bigint % 1000000
                                    AS us) f,
                       LATERAL (SELECT to_char(c.cutoff AT TIME ZONE 'UTC',
                                               'YYYY-MM-DD\"T\"HH24:MI:SS')
                                       || CASE WHEN f.us = 0 THEN ''
                                               WHEN f.us % 1000 = 0
                                               THEN '.' || lpad((f.us / 1000)::text, 3, '0')
                                               ELSE '.' || lpad(f.us::text, 6, '0') END
                                       || 'Z' AS text) ts
                  WHERE $3::text IS NOT NULL
              )
         SELECT n.deleted, c.cutoff FROM n, c"
    }
}

fn pruned(row: &postgres::Row, dry_run: bool) -> Pruned {
    Pruned {
        deleted: row.get(0),
        cutoff: row.get(1),
        dry_run,
    }
}

/// [`prune`] in one flight (see [`mod@crate::db::flight`]) on the database's clock, with
/// its audit event by `actor` (none for a dry run) in the same statement.
///
/// # Errors
/// As [`prune`].
pub fn prune_in_flight(
    client: &mut crate::db::Client,
    older_than: Duration,
    dry_run: bool,
    actor: &Actor,
) -> Result<Pruned> {
    let cutoff: Option<DateTime<Utc>> = None;
    let landed = crate::db::flight(
        client,
        &[(
            prune_sql(dry_run),
            &[
                p(&cutoff),
                p(&microseconds(older_than)?),
                p(&actor.as_str()),
            ],
        )],
    )?;
    let row = landed
        .first(0)
        .ok_or_else(|| Error::Internal("the prune returned no row".into()))?;
    Ok(pruned(row, dry_run))
}
