//! Agents of an organisation; default and oldest look-ups.

use crate::db::GenericClient;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::typed::p;
use crate::error::{Error, Result};

/// An agent row.
#[derive(Debug, Clone, Serialize)]
pub struct Agent {
    /// Organisation.
    pub org_id: String,
    /// Agent id, unique in the organisation.
    pub id: String,
    /// Display name.
    pub name: String,
    /// System prompt.
    pub identity: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Lists an organisation's agents, oldest first.
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn list(client: &mut impl GenericClient, org_id: &str) -> Result<Vec<Agent>> {
    list_via(&mut |s| crate::db::flight::in_order(client, s), org_id)
}

/// [`list`]'s statements sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// As [`list`].
pub fn list_via(send: &mut crate::db::flight::Send<'_>, org_id: &str) -> Result<Vec<Agent>> {
    let rows = send(&[
        (
            "SELECT org_id, id, name, identity, created_at FROM agents
             WHERE org_id = $1 ORDER BY created_at, id",
            &[p(&org_id)],
        ),
        (crate::orgs::SHOW, &[p(&org_id)]),
    ])?;
    Ok(
        crate::db::flight::listed(&rows, &[format!("organization {org_id}")])?
            .iter()
            .map(|r| Agent {
                org_id: r.get(0),
                id: r.get(1),
                name: r.get(2),
                identity: r.get(3),
                created_at: r.get(4),
            })
            .collect(),
    )
}

/// Result of `agents delete`.
#[derive(Debug, Clone, Serialize)]
pub struct AgentDeleted {
    /// Organisation.
    pub org_id: String,
    /// The deleted agent.
    pub agent_id: String,
    /// Watchers paused because they used it (`--force`).
    pub watchers_paused: Vec<i64>,
    /// Its queued (pending, unclaimed) runs, cancelled with the error
    /// `cancelled: agent <id> deleted`; runs a device already holds are left to finish.
    pub runs_cancelled: u64,
}

/// The longest identity (system prompt) accepted, in characters.
pub const MAX_IDENTITY_CHARS: usize = 100_000;

fn check_identity(identity: &str) -> Result<()> {
    crate::input::storable("identity", identity)?;
    if identity.chars().count() > MAX_IDENTITY_CHARS {
        return Err(Error::invalid(format!(
            "invalid identity: at most {MAX_IDENTITY_CHARS} characters"
        )));
    }
    Ok(())
}

const AGENT_COLUMNS: &str = "org_id, id, name, identity, created_at";

fn agent_from_row(r: &postgres::Row) -> Agent {
    Agent {
        org_id: r.get(0),
        id: r.get(1),
        name: r.get(2),
        identity: r.get(3),
        created_at: r.get(4),
    }
}

/// Creates an agent in an organisation (`agents create`).
///
/// # Errors
/// `invalid_input` for a bad id, name or identity; `not_found` for an unknown
/// organisation; `conflict` when the id is taken.
pub fn create(
    client: &mut impl GenericClient,
    org_id: &str,
    id: &str,
    name: &str,
    identity: &str,
    now: DateTime<Utc>,
) -> Result<Agent> {
    create_via(
        &mut |s| crate::db::flight::in_order(client, s),
        (org_id, id, name, identity),
        Some(now),
        None,
    )
}

/// [`create`]'s validation and statement, sent by `send` (in the caller's transaction, or
/// in one flight), at `at` (`None`: the database's clock) with the audit event by `actor`
/// when given.
fn create_via(
    send: &mut crate::db::flight::Send<'_>,
    (org_id, id, name, identity): (&str, &str, &str, &str),
    at: Option<DateTime<Utc>>,
    actor: Option<&str>,
) -> Result<Agent> {
    checked(id, name, identity)?;
    let rows = send(&[(
        &create_sql(),
        &[
            p(&org_id),
            p(&id),
            p(&name),
            p(&identity),
            p(&at),
            p(&actor),
        ],
    )])?;
    created(org_id, id, rows.first().and_then(|r| r.first()))
}

fn checked(id: &str, name: &str, identity: &str) -> Result<()> {
    crate::orgs::validate_id("agent id", id)?;
    crate::orgs::validate_name("agent name", name)?;
    check_identity(identity)
}

/// [`create`]'s statement: `$1` organisation, `$2` id, `$3` name, `$4` identity, `$5`
/// clock (`NULL`: `now()`), `$6` the actor of the audit event it records (`agents create`,
/// outcome `created`, with the name), none when `NULL`. A taken id inserts nothing
/// (`ON CONFLICT`, settled by the primary key, not by a look-up before) and records
/// nothing; the organisation's row says whether it exists.
fn create_sql() -> String {
    format!(
        "WITH o AS (SELECT id FROM organizations WHERE id = $1),
              a AS (INSERT INTO agents (org_id, id, name, identity, created_at)
                    SELECT o.id, $2, $3, $4, coalesce($5, now()) FROM o
                    ON CONFLICT (org_id, id) DO NOTHING
                    RETURNING {AGENT_COLUMNS}),
              audit AS (
                  INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                            outcome, details)
                  SELECT coalesce($5, now()), $6, 'agents create', a.org_id, 'agent', a.id,
                         'created', jsonb_build_object('name', a.name)
                  FROM a
                  WHERE $6::text IS NOT NULL
              )
         SELECT a.org_id, a.id, a.name, a.identity, a.created_at FROM o LEFT JOIN a ON true"
    )
}

/// What [`create_sql`]'s row says: the agent, or `conflict` (its id is taken); no row:
/// `not_found` (the organisation).
fn created(org_id: &str, id: &str, row: Option<&postgres::Row>) -> Result<Agent> {
    let row = row.ok_or_else(|| Error::not_found(format!("organization {org_id}")))?;
    if row.get::<_, Option<String>>(1).is_none() {
        return Err(Error::Conflict(format!(
            "agent {id} already exists in organization {org_id}"
        )));
    }
    Ok(agent_from_row(row))
}

/// [`create`] in one flight (see [`mod@crate::db::flight`]) on the database's clock, with
/// its audit event by `actor` in the same statement.
///
/// # Errors
/// As [`create`].
pub fn create_in_flight(
    client: &mut crate::db::Client,
    org_id: &str,
    id: &str,
    name: &str,
    identity: &str,
    actor: &crate::audit::Actor,
) -> Result<Agent> {
    create_via(
        &mut |s| Ok(crate::db::flight(client, s)?.rows),
        (org_id, id, name, identity),
        None,
        Some(actor.as_str()),
    )
}

/// An agent after `agents update`, and whether the update changed it.
#[derive(Debug, Clone, Serialize)]
pub struct AgentUpdated {
    /// The agent afterwards.
    #[serde(flatten)]
    pub agent: Agent,
    /// False when it already had that name and identity (nothing was written).
    pub changed: bool,
}

/// Changes an agent's name and/or identity (`agents update`, a patch) under its row lock;
/// values it already has write nothing (`changed: false`).
///
/// # Errors
/// `invalid_input` for a bad name or identity; `not_found`.
pub fn update(
    client: &mut impl GenericClient,
    org_id: &str,
    id: &str,
    name: Option<&str>,
    identity: Option<&str>,
) -> Result<AgentUpdated> {
    update_via(
        &mut |s| crate::db::flight::in_order(client, s),
        (org_id, id),
        (name, identity),
        None,
        &[],
    )
}

/// [`update`]'s validation and statement, sent by `send` (in the caller's transaction, or
/// in one flight), with the audit event by `actor` naming `fields` when given.
fn update_via(
    send: &mut crate::db::flight::Send<'_>,
    (org_id, id): (&str, &str),
    (name, identity): (Option<&str>, Option<&str>),
    actor: Option<&str>,
    fields: &[&str],
) -> Result<AgentUpdated> {
    if let Some(n) = name {
        crate::orgs::validate_name("agent name", n)?;
    }
    if let Some(i) = identity {
        check_identity(i)?;
    }
    let fields = fields.to_vec();
    let rows = send(&[(
        UPDATE,
        &[
            p(&org_id),
            p(&id),
            p(&name),
            p(&identity),
            p(&actor),
            p(&fields),
        ],
    )])?;
    updated(org_id, id, rows.first().and_then(|r| r.first()))
}

/// [`update`]'s statement: `$1` organisation, `$2` agent, `$3` name and `$4` identity
/// (`NULL`: unchanged), `$5` the actor of the audit event it records (`agents update`,
/// outcome `updated` or `unchanged`, `$6` the fields given), none when `NULL`; an unknown
/// agent records nothing. The final SELECT sees the row as it was before `upd`: the new
/// values are `new`'s.
const UPDATE: &str = "
    WITH old AS (SELECT name, identity FROM agents
                 WHERE org_id = $1 AND id = $2 FOR NO KEY UPDATE),
         new AS (SELECT coalesce($3, name) AS name, coalesce($4, identity) AS identity
                 FROM old),
         upd AS (UPDATE agents a SET name = new.name, identity = new.identity
                 FROM old, new
                 WHERE a.org_id = $1 AND a.id = $2
                   AND (new.name, new.identity) IS DISTINCT FROM (old.name, old.identity)
                 RETURNING a.id),
         audit AS (
             INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                       outcome, details)
             SELECT now(), $5, 'agents update', $1, 'agent', $2,
                    CASE WHEN EXISTS (SELECT 1 FROM upd) THEN 'updated' ELSE 'unchanged' END,
                    jsonb_build_object('fields', to_jsonb($6::text[]))
             FROM old
             WHERE $5::text IS NOT NULL
         )
    SELECT a.org_id, a.id, new.name, new.identity, a.created_at, EXISTS (SELECT 1 FROM upd)
    FROM agents a, new WHERE a.org_id = $1 AND a.id = $2";

/// What [`UPDATE`]'s row says; no row: `not_found`.
fn updated(org_id: &str, id: &str, row: Option<&postgres::Row>) -> Result<AgentUpdated> {
    let row =
        row.ok_or_else(|| Error::not_found(format!("agent {id} in organization {org_id}")))?;
    Ok(AgentUpdated {
        agent: agent_from_row(row),
        changed: row.get(5),
    })
}

/// [`update`] in one flight (see [`mod@crate::db::flight`]), with its audit event by
/// `actor` (naming the `fields` given) in the same statement.
///
/// # Errors
/// As [`update`].
pub fn update_in_flight(
    client: &mut crate::db::Client,
    org_id: &str,
    id: &str,
    name: Option<&str>,
    identity: Option<&str>,
    actor: &crate::audit::Actor,
    fields: &[&str],
) -> Result<AgentUpdated> {
    update_via(
        &mut |s| Ok(crate::db::flight(client, s)?.rows),
        (org_id, id),
        (name, identity),
        Some(actor.as_str()),
        fields,
    )
}

/// Deletes an agent, unless non-archived watchers use it: then `conflict` naming them, or,
/// with `force`, pauses the active ones (reason `agent <id> deleted`) in the same
/// transaction. Provisioning sentinels stay, so a deleted default is not re-created.
///
/// Race-free: the agent row is locked first (`FOR UPDATE`), and watchers create and
/// update take `FOR KEY SHARE` on it when they check it exists, so no watcher can start
/// using it between the check and the delete. Its watchers are then locked `FOR UPDATE`,
/// which conflicts with the `FOR KEY SHARE` a trigger and a retry take on the watcher
/// (the lock the run's foreign key takes anyway; the pause alone, a `NO KEY UPDATE`, does
/// not conflict with it): one that locked it first has committed its run before the pause
/// and the cancel, later statements whose snapshots see that run; one that comes after
/// waits for the delete and then reads the watcher paused, whatever its snapshot said.
///
/// # Errors
/// `not_found`; `conflict` while watchers use it and `force` is false.
pub fn delete_guarded(
    client: &mut impl GenericClient,
    org_id: &str,
    id: &str,
    force: bool,
    now: DateTime<Utc>,
) -> Result<AgentDeleted> {
    delete_via(
        &mut |s| crate::db::flight::in_order(client, s),
        (org_id, id, force),
        Some(now),
        None,
    )
}

/// [`delete_guarded`]'s statements, sent by `send` (one by one in the caller's transaction,
/// or in one flight), at `at` (`None`: the database's clock) with the audit event by `actor`
/// when given.
fn delete_via(
    send: &mut crate::db::flight::Send<'_>,
    (org_id, id, force): (&str, &str, bool),
    at: Option<DateTime<Utc>>,
    actor: Option<&str>,
) -> Result<AgentDeleted> {
    let rows = send(&[
        (LOCK_AGENT, &[p(&org_id), p(&id)]),
        (LOCK_USERS, &[p(&org_id), p(&id), p(&force)]),
        (
            DELETE_GUARDED,
            &[p(&org_id), p(&id), p(&at), p(&actor), p(&force)],
        ),
    ])?;
    guarded(org_id, id, rows.get(2).and_then(|r| r.first()))
}

/// The agent's row, locked first (`FOR UPDATE`: watchers create and update take `FOR KEY
/// SHARE` on it when they check it exists).
const LOCK_AGENT: &str = "SELECT 1 FROM agents WHERE org_id = $1 AND id = $2 FOR UPDATE";

/// The agent's non-archived watchers, locked `FOR UPDATE` (which waits for the triggers
/// holding `KEY SHARE` on them); without `$3` (`--force`), when there are any and the agent
/// exists, the statement refuses (`conflict`, naming the first ten) and the transaction
/// writes nothing.
const LOCK_USERS: &str = "
    WITH u AS (
        SELECT id, slug, status FROM watchers
        WHERE org_id = $1 AND agent_id = $2 AND status <> 'archived'
        ORDER BY id
        FOR UPDATE
    ), named AS (
        SELECT count(*) AS n,
               string_agg(format('%s (%s, %s)', id, slug, status), ', ' ORDER BY id)
                   FILTER (WHERE rn <= 10) AS first
        FROM (SELECT *, row_number() OVER (ORDER BY id) AS rn FROM u) numbered
    )
    SELECT n,
           CASE WHEN n > 0 AND NOT $3
                     AND EXISTS (SELECT 1 FROM agents WHERE org_id = $1 AND id = $2) THEN
               ('lobu-abort:conflict:agent ' || $2 || ' is used by ' || n || ' watcher(s): '
                || first || CASE WHEN n > 10 THEN ' and ' || (n - 10) || ' more' ELSE '' END
                || '; archive them or point them at another agent (watchers update --agent), '
                || 'or delete with --force to pause them')::int
           END
    FROM named";

/// [`delete_guarded`]'s statement, after the locks: the agent deleted, its active
/// watchers paused (reason `agent <id> deleted`; only `--force` gets here with any), its
/// queued runs cancelled, at the clock `$3` (`NULL`: `now()`), and the audit event by `$4`
/// (none when `NULL`; `$5` `--force`). Nothing is written when the agent does not exist.
/// One row: whether it was deleted, the paused watchers in id order, the runs cancelled.
const DELETE_GUARDED: &str = "
    WITH clock AS (
        SELECT coalesce($3::timestamptz, now()) AS now
    ), del AS (
        DELETE FROM agents WHERE org_id = $1 AND id = $2 RETURNING id
    ), paused AS (
        UPDATE watchers SET status = 'paused', paused_reason = 'agent ' || $2 || ' deleted',
                            updated_at = clock.now
        FROM clock
        WHERE org_id = $1 AND agent_id = $2 AND status = 'active'
          AND EXISTS (SELECT 1 FROM del)
        RETURNING id
    ), cancel AS (
        -- `finished_at IS NULL AND id > 0`: the organisation's active runs (runs_active_org)
        UPDATE runs SET status = 'cancelled', finished_at = clock.now,
                        error = 'cancelled: agent ' || $2 || ' deleted'
        FROM clock
        WHERE org_id = $1 AND agent_id = $2 AND status = 'pending'
          AND finished_at IS NULL AND id > 0
          AND EXISTS (SELECT 1 FROM del)
        RETURNING 1
    ), done AS (
        SELECT ARRAY(SELECT id FROM paused ORDER BY id) AS paused,
               (SELECT count(*) FROM cancel) AS cancelled
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT clock.now, $4, 'agents delete', $1, 'agent', $2, 'deleted',
               jsonb_build_object('watchers_paused', to_jsonb(done.paused),
                                  'runs_cancelled', done.cancelled, 'force', $5::bool)
        FROM clock, done
        WHERE $4::text IS NOT NULL AND EXISTS (SELECT 1 FROM del)
    )
    SELECT EXISTS (SELECT 1 FROM del), done.paused, done.cancelled FROM done";

/// What [`DELETE_GUARDED`]'s row says; nothing deleted: `not_found`.
fn guarded(org_id: &str, id: &str, row: Option<&postgres::Row>) -> Result<AgentDeleted> {
    let row = row.ok_or_else(|| Error::Internal("the delete returned no row".into()))?;
    if !row.get::<_, bool>(0) {
        return Err(Error::not_found(format!(
            "agent {id} in organization {org_id}"
        )));
    }
    Ok(AgentDeleted {
        org_id: org_id.into(),
        agent_id: id.into(),
        watchers_paused: row.get(1),
        runs_cancelled: u64::try_from(row.get::<_, i64>(2)).unwrap_or(0),
    })
}

/// [`delete_guarded`] in one flight (see [`mod@crate::db::flight`]) on the database's
/// clock, with its audit event by `actor` in the same statement: the locks, the refusal
/// (raised by the watchers' lock, so nothing is written), the delete.
///
/// # Errors
/// As [`delete_guarded`].
pub fn delete_guarded_in_flight(
    client: &mut crate::db::Client,
    org_id: &str,
    id: &str,
    force: bool,
    actor: &crate::audit::Actor,
) -> Result<AgentDeleted> {
    delete_via(
        &mut |s| Ok(crate::db::flight(client, s)?.rows),
        (org_id, id, force),
        None,
        Some(actor.as_str()),
    )
}

/// Cancels the queued runs of a deleted agent (pending: no device holds them), so that
/// no device claims a run of an agent that is gone; their `error` says why. Runs already
/// claimed or running are left to their device (it has what it needs to finish).
fn cancel_queued(
    client: &mut impl GenericClient,
    org_id: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    // `finished_at IS NULL AND id > 0`: the organisation's active runs (runs_active_org)
    Ok(client.execute(
        "UPDATE runs SET status = 'cancelled', finished_at = $3, error = $4
         WHERE org_id = $1 AND agent_id = $2 AND status = 'pending'
           AND finished_at IS NULL AND id > 0",
        &[
            &org_id,
            &id,
            &now,
            &format!("cancelled: agent {id} deleted"),
        ],
    )?)
}

/// Deletes an agent whatever uses it (the library's unguarded delete; `agents delete`
/// uses [`delete_guarded`]). Watchers using it stop firing (their slots are recorded as
/// skipped); its queued runs are cancelled as with [`delete_guarded`].
///
/// # Errors
/// `not_found`.
pub fn delete(
    client: &mut impl GenericClient,
    org_id: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AgentDeleted> {
    let n = client.execute(
        "DELETE FROM agents WHERE org_id = $1 AND id = $2",
        &[&org_id, &id],
    )?;
    if n == 0 {
        return Err(Error::not_found(format!(
            "agent {id} in organization {org_id}"
        )));
    }
    Ok(AgentDeleted {
        org_id: org_id.into(),
        agent_id: id.into(),
        watchers_paused: Vec::new(),
        runs_cancelled: cancel_queued(client, org_id, id, now)?,
    })
}

/// Whether an agent exists; the row, if any, stays locked `FOR KEY SHARE` for the rest of
/// the transaction (so that a guarded delete cannot remove it under a watcher being
/// created or updated to use it).
///
/// # Errors
/// Database failures.
pub fn exists(client: &mut impl GenericClient, org_id: &str, id: &str) -> Result<bool> {
    Ok(client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM agents WHERE org_id = $1 AND id = $2 FOR KEY SHARE)",
            &[&org_id, &id],
        )?
        .get(0))
}
