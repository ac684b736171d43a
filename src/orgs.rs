//! Organisations: ids, names, and `metadata` updates with jsonb operators under a row lock.

use crate::db::GenericClient;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::typed::p;
use crate::error::{Error, Result};

/// An organisation row.
#[derive(Debug, Clone, Serialize)]
pub struct Org {
    /// Lowercase id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free-form JSON object; holds the provisioning sentinels.
    pub metadata: serde_json::Value,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// An organisation with counts, as `org list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OrgSummary {
    /// Lowercase id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Number of agents.
    pub agents: i64,
    /// Number of devices.
    pub devices: i64,
    /// Number of non-archived watchers.
    pub watchers: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Checks an id against `[a-z0-9][a-z0-9_-]{0,62}` (organisations, agents, slugs).
///
/// # Errors
/// `invalid_input` naming `what` and the rule.
pub fn validate_id(what: &str, id: &str) -> Result<()> {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if first_ok && rest_ok && id.len() <= 63 {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid {what} {:?}: use 1 to 63 characters of a-z, 0-9, '_' and '-', \
             starting with a letter or digit",
            crate::truncate(id, 80)
        )))
    }
}

/// Checks a display name: not blank, at most 200 characters.
///
/// # Errors
/// `invalid_input`.
pub fn validate_name(what: &str, name: &str) -> Result<()> {
    crate::input::storable(what, name)?;
    if name.trim().is_empty() || name.chars().count() > 200 {
        return Err(Error::invalid(format!(
            "invalid {what}: must be 1 to 200 characters and not blank"
        )));
    }
    Ok(())
}

const INSERT_ORG: &str = "
    INSERT INTO organizations (id, name)
    VALUES ($1, $2)
    RETURNING id, name, metadata, created_at";

/// [`INSERT_ORG`] with its audit event (`$3` the actor) in the same statement.
const INSERT_ORG_RECORDED: &str = "
    WITH o AS (
        INSERT INTO organizations (id, name)
        VALUES ($1, $2)
        RETURNING id, name, metadata, created_at
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT now(), $3, 'org create', o.id, 'organization', o.id, 'created',
               jsonb_build_object('name', o.name)
        FROM o
    )
    SELECT id, name, metadata, created_at FROM o";

/// The checked id and name of a new organisation (the name defaults to the id).
fn checked<'a>(id: &'a str, name: Option<&'a str>) -> Result<&'a str> {
    validate_id("organization id", id)?;
    let name = name.unwrap_or(id);
    validate_name("organization name", name)?;
    Ok(name)
}

/// The error of an insert whose id is taken, in this tool's words.
fn taken(id: &str, e: Error) -> Error {
    match e {
        Error::Conflict(_) => Error::Conflict(format!("organization {id} already exists")),
        other => other,
    }
}

/// Creates an organisation; the name defaults to the id.
///
/// # Errors
/// `invalid_input` for a bad id or name; `conflict` when the id exists.
pub fn create(client: &mut impl GenericClient, id: &str, name: Option<&str>) -> Result<Org> {
    let name = checked(id, name)?;
    let row = client
        .query_one(INSERT_ORG, &[&id, &name])
        .map_err(|e| taken(id, e.into()))?;
    Ok(org_from_row(&row))
}

/// [`create`] in one flight (see [`mod@crate::db::flight`]), with its audit event by
/// `actor` in the same statement.
///
/// # Errors
/// As [`create`].
pub fn create_in_flight(
    client: &mut crate::db::Client,
    id: &str,
    name: Option<&str>,
    actor: &crate::audit::Actor,
) -> Result<Org> {
    let name = checked(id, name)?;
    let landed = crate::db::flight(
        client,
        &[(INSERT_ORG_RECORDED, &[p(&id), p(&name), p(&actor.as_str())])],
    )
    .map_err(|e| taken(id, e))?;
    landed
        .first(0)
        .map(org_from_row)
        .ok_or_else(|| Error::Internal("the organisation's insert returned no row".into()))
}

/// Lists organisations with their object counts, in one query.
///
/// # Errors
/// Database failures.
pub fn list(client: &mut impl GenericClient) -> Result<Vec<OrgSummary>> {
    list_via(&mut |s| crate::db::flight::in_order(client, s))
}

/// [`list`]'s statement sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// As [`list`].
pub fn list_via(send: &mut crate::db::flight::Send<'_>) -> Result<Vec<OrgSummary>> {
    let rows = send(&[(LIST, &[])])?;
    Ok(summaries(crate::db::flight::listed(&rows, &[])?))
}

const LIST: &str = "
    SELECT o.id, o.name, o.created_at,
           (SELECT count(*) FROM agents a WHERE a.org_id = o.id),
           (SELECT count(*) FROM devices d WHERE d.org_id = o.id),
           (SELECT count(*) FROM watchers w WHERE w.org_id = o.id AND w.status <> 'archived')
    FROM organizations o
    ORDER BY o.id";

fn summaries(rows: &[postgres::Row]) -> Vec<OrgSummary> {
    rows.iter()
        .map(|r| OrgSummary {
            id: r.get(0),
            name: r.get(1),
            created_at: r.get(2),
            agents: r.get(3),
            devices: r.get(4),
            watchers: r.get(5),
        })
        .collect()
}

/// Shows one organisation with its metadata.
///
/// # Errors
/// `not_found`.
pub fn show(client: &mut impl GenericClient, id: &str) -> Result<Org> {
    let row = client.query_typed_opt(SHOW, &[p(&id)])?;
    shown(id, row.as_ref())
}

/// [`show`]'s statement (`$1` the organisation).
pub(crate) const SHOW: &str =
    "SELECT id, name, metadata, created_at FROM organizations WHERE id = $1";

fn shown(id: &str, row: Option<&postgres::Row>) -> Result<Org> {
    row.map(org_from_row)
        .ok_or_else(|| Error::not_found(format!("organization {id}")))
}

/// [`show`] in one flight (see [`mod@crate::db::flight`]).
///
/// # Errors
/// As [`show`].
pub fn show_in_flight(client: &mut crate::db::Client, id: &str) -> Result<Org> {
    let landed = crate::db::flight(client, &[(SHOW, &[p(&id)])])?;
    shown(id, landed.first(0))
}

/// [`lock`]'s statement (`$1` the organisation).
pub(crate) const LOCK: &str = "SELECT metadata FROM organizations WHERE id = $1 FOR NO KEY UPDATE";

/// [`LOCK`] when the statement before it in the transaction registered a new Mac (the
/// setting `lobu.first_mac`, see [`crate::devices`]); else nothing.
pub(crate) const LOCK_IF_FIRST_MAC: &str = "
    SELECT metadata FROM organizations
    WHERE id = $1 AND current_setting('lobu.first_mac', true) <> ''
    FOR NO KEY UPDATE";

/// Locks the organisation row for the rest of the transaction and returns its metadata.
/// Every provisioning decision is taken under this lock.
///
/// `FOR NO KEY UPDATE` serialises provisioning like `FOR UPDATE` would, but does not
/// conflict with the `KEY SHARE` locks that inserting a device or agent takes on the row
/// (through the foreign key), which would otherwise deadlock concurrent registrations.
///
/// # Errors
/// `not_found`.
pub fn lock(client: &mut impl GenericClient, id: &str) -> Result<serde_json::Value> {
    client
        .query_typed_opt(LOCK, &[p(&id)])?
        .map(|r| r.get(0))
        .ok_or_else(|| Error::not_found(format!("organization {id}")))
}

/// Locks many organisation rows (`FOR NO KEY UPDATE`, in id order, so that concurrent
/// callers cannot deadlock) and returns the ids that exist.
///
/// # Errors
/// Database failures.
pub fn lock_many(client: &mut impl GenericClient, ids: &[String]) -> Result<Vec<String>> {
    Ok(client
        .query(
            "SELECT id FROM organizations WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE",
            &[&ids],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// Sets `metadata[key]` to `at` in every organisation of `ids` where it is not set yet;
/// other keys are never touched. Uses jsonb operators in SQL, never a read-modify-write
/// of the whole object. Returns how many were stamped.
///
/// # Errors
/// Database failures.
pub fn stamp_sentinels(
    client: &mut impl GenericClient,
    ids: &[String],
    key: &str,
    at: DateTime<Utc>,
) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(client.execute(
        "UPDATE organizations
         SET metadata = metadata || jsonb_build_object($2::text, to_jsonb($3::timestamptz))
         WHERE id = ANY($1) AND NOT metadata ? $2::text",
        &[&ids, &key, &at],
    )?)
}

fn org_from_row(r: &postgres::Row) -> Org {
    Org {
        id: r.get(0),
        name: r.get(1),
        metadata: r.get(2),
        created_at: r.get(3),
    }
}

/// How many objects of each kind an organisation holds (`org delete`: deleted, or in a
/// dry run, that would be).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Contents {
    /// Agents.
    pub agents: i64,
    /// Devices.
    pub devices: i64,
    /// Device tokens.
    pub tokens: i64,
    /// Watchers (archived included).
    pub watchers: i64,
    /// Runs.
    pub runs: i64,
}

impl Contents {
    fn add(&mut self, other: Self) {
        self.agents += other.agents;
        self.devices += other.devices;
        self.tokens += other.tokens;
        self.watchers += other.watchers;
        self.runs += other.runs;
    }
}

/// Result of `org delete`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct OrgDeleted {
    /// The organisation.
    pub org_id: String,
    /// What was deleted (or, in a dry run, would be).
    pub deleted: Contents,
    /// Nothing was written.
    pub dry_run: bool,
}

/// Default runs per batch of `org delete`.
pub const DELETE_BATCH: i64 = 10_000;

const COUNT_CONTENTS: &str = "
    SELECT (SELECT count(*) FROM agents WHERE org_id = o.id),
           (SELECT count(*) FROM devices WHERE org_id = o.id),
           (SELECT count(*) FROM device_tokens WHERE org_id = o.id),
           (SELECT count(*) FROM watchers WHERE org_id = o.id),
           (SELECT count(*) FROM runs WHERE org_id = o.id)
    FROM organizations o
    WHERE o.id = $1";

/// What `org delete` would remove, without writing (one statement, by index).
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn contents(client: &mut impl GenericClient, id: &str) -> Result<Contents> {
    let row = client
        .query_typed_opt(COUNT_CONTENTS, &[p(&id)])?
        .ok_or_else(|| Error::not_found(format!("organization {id}")))?;
    Ok(contents_from_row(&row))
}

fn contents_from_row(r: &postgres::Row) -> Contents {
    Contents {
        agents: r.get(0),
        devices: r.get(1),
        tokens: r.get(2),
        watchers: r.get(3),
        runs: r.get(4),
    }
}

/// Marks an organisation as being deleted (from now on it accepts no trigger,
/// registration, claim or dispatch) unless it already is; returns whether it already was
/// (an interrupted delete, resumed).
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn mark_deleting(
    client: &mut impl GenericClient,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    client
        .query_typed_opt(
            "UPDATE organizations o SET deleting_at = coalesce(o.deleting_at, $2)
             FROM organizations old
             WHERE o.id = $1 AND old.id = o.id
             RETURNING old.deleting_at IS NOT NULL",
            &[p(&id), p(&now)],
        )?
        .map(|r| r.get(0))
        .ok_or_else(|| Error::not_found(format!("organization {id}")))
}

/// One batch of `org delete`: the organisation's next `batch` runs after run id `after`,
/// deleted by one statement; returns how many and the highest id deleted (`None`: nothing
/// was left). The batch's upper id is read from the index `runs_org_fk` (an index-only
/// walk), and the rows are deleted as one range of it, in the heap's order (ids grow with
/// it): deleting them by id, one primary-key probe each, took three times as long as one
/// hand-written `DELETE`.
///
/// # Errors
/// Database failures.
pub fn delete_runs_batch(
    client: &mut impl GenericClient,
    id: &str,
    after: i64,
    batch: i64,
) -> Result<(i64, Option<i64>)> {
    let row = client.query_typed_one(
        "WITH bound AS (
             SELECT coalesce((SELECT id FROM runs WHERE org_id = $1 AND id > $2
                              ORDER BY id OFFSET $3 - 1 LIMIT 1),
                             9223372036854775807) AS hi
         ), gone AS (
             DELETE FROM runs r USING bound
             WHERE r.org_id = $1 AND r.id > $2 AND r.id <= bound.hi
             RETURNING r.id
         )
         SELECT count(*), max(id) FROM gone",
        &[p(&id), p(&after), p(&batch)],
    )?;
    Ok((row.get(0), row.get(1)))
}

/// The last step of `org delete`, in the caller's transaction: everything left in the
/// organisation (runs that arrived during the batches, tokens, watchers, devices, agents)
/// and the organisation itself (its metadata, so its sentinels, with it), by one
/// statement; returns what it deleted.
///
/// # Errors
/// `not_found` when the organisation is gone (deleted meanwhile).
pub fn delete_rest(client: &mut impl GenericClient, id: &str) -> Result<Contents> {
    let row = client.query_typed_one(
        "WITH o AS (
             SELECT id FROM organizations WHERE id = $1 FOR UPDATE
         ), r AS (
             DELETE FROM runs WHERE org_id IN (SELECT id FROM o) RETURNING 1
         ), t AS (
             DELETE FROM device_tokens WHERE org_id IN (SELECT id FROM o) RETURNING 1
         ), w AS (
             DELETE FROM watchers WHERE org_id IN (SELECT id FROM o) RETURNING 1
         ), d AS (
             DELETE FROM devices WHERE org_id IN (SELECT id FROM o) RETURNING 1
         ), a AS (
             DELETE FROM agents WHERE org_id IN (SELECT id FROM o) RETURNING 1
         ), gone AS (
             DELETE FROM organizations WHERE id IN (SELECT id FROM o) RETURNING 1
         )
         SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM d), (SELECT count(*) FROM t),
                (SELECT count(*) FROM w), (SELECT count(*) FROM r), (SELECT count(*) FROM gone)",
        &[p(&id)],
    )?;
    if row.get::<_, i64>(5) == 0 {
        return Err(Error::not_found(format!("organization {id}")));
    }
    Ok(contents_from_row(&row))
}

/// What [`delete`] runs in its last transaction: given the transaction, the result, whether
/// the delete was resumed, and the transaction's clock.
pub type Finish<'a> =
    dyn FnMut(&mut crate::db::Client, &OrgDeleted, bool, DateTime<Utc>) -> Result<()> + 'a;

/// Deletes an organisation and everything in it, resumably: marks it as being deleted
/// (its own short transaction), deletes its runs in batches of `batch` (each a short
/// transaction of its own, so triggers, claims and dispatch of other organisations never
/// wait behind it), then the rest and the organisation in a last transaction, where
/// `finish` also runs (the caller records the audit event there, with the totals).
/// `progress` is called with the runs deleted so far after each batch. Run again after an
/// interruption, it finishes the work.
///
/// # Errors
/// `not_found` for an unknown organisation; database failures (what committed stays
/// committed, and the organisation stays marked: run it again).
pub fn delete(
    client: &mut crate::db::Client,
    id: &str,
    batch: i64,
    progress: &mut dyn FnMut(i64),
    finish: &mut Finish<'_>,
) -> Result<OrgDeleted> {
    let resumed = crate::db::in_tx(client, |tx, now| mark_deleting(tx, id, now))?;
    let mut total = Contents::default();
    let mut after = 0;
    loop {
        let ((n, last), _) =
            crate::db::in_tx_by_key(client, |tx, _| delete_runs_batch(tx, id, after, batch))?;
        total.runs += n;
        progress(total.runs);
        match last {
            Some(last) if n == batch => after = last,
            _ => break,
        }
    }
    crate::db::in_tx(client, |tx, now| {
        let mut all = total;
        all.add(delete_rest(tx, id)?);
        let done = OrgDeleted {
            org_id: id.to_string(),
            deleted: all,
            dry_run: false,
        };
        finish(tx, &done, resumed, now)?;
        Ok(done)
    })
}

/// Renames an organisation (`org update`); returns it afterwards and its name before.
///
/// # Errors
/// `invalid_input` for a bad name; `not_found`.
pub fn update(client: &mut impl GenericClient, id: &str, name: &str) -> Result<(Org, String)> {
    validate_name("organization name", name)?;
    let row = client
        .query_typed_opt(
            "UPDATE organizations o SET name = $2
             FROM organizations old
             WHERE o.id = $1 AND old.id = o.id
             RETURNING o.id, o.name, o.metadata, o.created_at, old.name",
            &[p(&id), p(&name)],
        )?
        .ok_or_else(|| Error::not_found(format!("organization {id}")))?;
    Ok((org_from_row(&row), row.get(4)))
}
