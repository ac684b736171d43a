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
    /// Since when the organisation is being deleted (an `org delete` runs, or was
    /// interrupted: run it again); `None` otherwise.
    pub deleting_at: Option<DateTime<Utc>>,
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
    /// Since when the organisation is being deleted; `None` otherwise.
    pub deleting_at: Option<DateTime<Utc>>,
}

/// The one refusal of a write into an organisation being deleted (`conflict`, exit 5). The
/// schema raises the same words (migration V11's `lobu_refuse_deleting_org`, SQLSTATE
/// [`crate::error::ORG_DELETING`]) for every insert or change that is not a removal.
pub(crate) fn being_deleted(id: &str) -> Error {
    Error::Conflict(format!("organization {id}{DELETING}"))
}

/// The words of [`being_deleted`] after the organisation's id, for statements that build the
/// refusal in SQL.
macro_rules! deleting_words {
    () => {
        " is being deleted; it accepts nothing new"
    };
}
pub(crate) use deleting_words;
const DELETING: &str = deleting_words!();

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

/// Checks a display name: not blank, at most 200 characters, one visible line.
///
/// # Errors
/// `invalid_input`.
pub fn validate_name(what: &str, name: &str) -> Result<()> {
    crate::input::storable(what, name)?;
    crate::input::one_line(what, name)?;
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
    RETURNING id, name, metadata, created_at, deleting_at";

/// [`INSERT_ORG`] with its audit event (`$3` the actor) in the same statement.
const INSERT_ORG_RECORDED: &str = "
    WITH o AS (
        INSERT INTO organizations (id, name)
        VALUES ($1, $2)
        RETURNING id, name, metadata, created_at, deleting_at
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT now(), $3, 'org create', o.id, 'organization', o.id, 'created',
               jsonb_build_object('name', o.name)
        FROM o
    )
    SELECT id, name, metadata, created_at, deleting_at FROM o";

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
    SELECT o.id, o.name, o.created_at, o.deleting_at,
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
            deleting_at: r.get(3),
            agents: r.get(4),
            devices: r.get(5),
            watchers: r.get(6),
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
    "SELECT id, name, metadata, created_at, deleting_at FROM organizations WHERE id = $1";

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
pub(crate) const LOCK: &str = concat!(
    "SELECT metadata,
            CASE WHEN deleting_at IS NOT NULL THEN
                ('lobu-abort:conflict:organization ' || id || '",
    deleting_words!(),
    "')::int END
     FROM organizations WHERE id = $1 FOR NO KEY UPDATE"
);

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
/// An organisation being deleted provisions nothing (the lock orders this after `org
/// delete` marked it).
///
/// # Errors
/// `not_found`; `conflict` when the organisation is being deleted.
pub fn lock(client: &mut impl GenericClient, id: &str) -> Result<serde_json::Value> {
    client
        .query_typed_opt(LOCK, &[p(&id)])
        .map_err(crate::db::flight::statement_error)?
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
        deleting_at: r.get(4),
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
    /// Since when the organisation was being deleted (in a dry run: `None` unless an `org
    /// delete` runs or was interrupted).
    #[serde(default)]
    pub deleting_at: Option<DateTime<Utc>>,
}

/// Default runs per batch of `org delete`.
pub const DELETE_BATCH: i64 = 10_000;

/// How long an `org delete` holds the organisation without renewing its lease (each batch
/// renews it): a second `org delete` is refused meanwhile, and a deleter that crashed is
/// taken over by a rerun once it runs out. One that is stopped (SIGINT, SIGTERM) hands it
/// back at once.
pub const DELETE_LEASE: std::time::Duration = std::time::Duration::from_secs(30);

const COUNT_CONTENTS: &str = "
    SELECT (SELECT count(*) FROM agents WHERE org_id = o.id),
           (SELECT count(*) FROM devices WHERE org_id = o.id),
           (SELECT count(*) FROM device_tokens WHERE org_id = o.id),
           (SELECT count(*) FROM watchers WHERE org_id = o.id),
           (SELECT count(*) FROM runs WHERE org_id = o.id),
           o.deleting_at
    FROM organizations o
    WHERE o.id = $1";

/// What `org delete` would remove, without writing (one statement, by index), and since
/// when the organisation is being deleted, if it is.
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn contents(
    client: &mut impl GenericClient,
    id: &str,
) -> Result<(Contents, Option<DateTime<Utc>>)> {
    let row = client
        .query_typed_opt(COUNT_CONTENTS, &[p(&id)])?
        .ok_or_else(|| Error::not_found(format!("organization {id}")))?;
    Ok((contents_from_row(&row), row.get(5)))
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

/// One `org delete` at a time: `owner` names this deleter (a fresh id per run), `until` is
/// when its lease runs out unless renewed.
#[derive(Debug, Clone)]
pub struct Lease {
    /// This deleter's id (`organizations.deleting_by`).
    pub owner: String,
    /// How long each renewal lasts.
    pub length: std::time::Duration,
}

impl Lease {
    /// A lease for a new deleter.
    #[must_use]
    pub fn new(length: std::time::Duration) -> Self {
        Self {
            owner: uuid::Uuid::new_v4().to_string(),
            length,
        }
    }

    fn until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + chrono::Duration::from_std(self.length).unwrap_or(chrono::Duration::MAX)
    }
}

/// Why a deleter holds no lease: the organisation is gone (`not_found`), or another `org
/// delete` holds it (`conflict`, naming since when and until when).
fn not_leased(client: &mut impl GenericClient, id: &str) -> Error {
    match client.query_typed_opt(
        "SELECT deleting_at, deleting_until FROM organizations WHERE id = $1",
        &[p(&id)],
    ) {
        Ok(Some(row)) => {
            let (since, until): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
                (row.get(0), row.get(1));
            let at = |t: Option<DateTime<Utc>>| {
                t.map_or_else(
                    || "?".into(),
                    |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                )
            };
            Error::Conflict(format!(
                "organization {id} is being deleted by another `org delete` since {}; run it \
                 again after that one ends (if it stopped, its lease runs out at {})",
                at(since),
                at(until)
            ))
        }
        Ok(None) => Error::not_found(format!("organization {id}")),
        Err(e) => e.into(),
    }
}

/// Marks an organisation as being deleted (from now on it accepts nothing new: no
/// trigger, registration, claim, dispatch, nor any insert or edit) unless it already is,
/// and takes the delete's lease; returns since when it is being deleted and whether it
/// already was (an interrupted delete, resumed).
///
/// # Errors
/// `not_found` for an unknown organisation; `conflict` while another `org delete` holds
/// the lease.
pub fn mark_deleting(
    client: &mut impl GenericClient,
    id: &str,
    lease: &Lease,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, bool)> {
    let row = client.query_typed_opt(
        "UPDATE organizations o
         SET deleting_at = coalesce(o.deleting_at, $2), deleting_by = $3, deleting_until = $4
         FROM organizations old
         WHERE o.id = $1 AND old.id = o.id
           AND (o.deleting_by IS NULL OR o.deleting_by = $3 OR o.deleting_until < $2)
         RETURNING o.deleting_at, old.deleting_at IS NOT NULL",
        &[p(&id), p(&now), p(&lease.owner), p(&lease.until(now))],
    )?;
    match row {
        Some(r) => Ok((r.get(0), r.get(1))),
        None => Err(not_leased(client, id)),
    }
}

/// Hands the lease back (an `org delete` that was stopped), so that a rerun need not wait
/// for it to run out; the organisation stays marked.
///
/// # Errors
/// Database failures.
pub fn release(client: &mut impl GenericClient, id: &str, lease: &Lease) -> Result<()> {
    client.execute(
        "UPDATE organizations SET deleting_by = NULL, deleting_until = NULL
         WHERE id = $1 AND deleting_by = $2",
        &[&id, &lease.owner],
    )?;
    Ok(())
}

/// One batch of `org delete`: renews the lease and deletes the organisation's next `batch`
/// runs after run id `after`, by one statement; returns how many and the highest id
/// deleted (`None`: nothing was left). The batch's upper id is read from the index
/// `runs_org_fk` (an index-only walk), and the rows are deleted as one range of it, in the
/// heap's order (ids grow with it): deleting them by id, one primary-key probe each, took
/// three times as long as one hand-written `DELETE`.
///
/// # Errors
/// `conflict` when the lease was lost (another deleter took over after it ran out),
/// `not_found` when the organisation is gone; database failures.
pub fn delete_runs_batch(
    client: &mut impl GenericClient,
    id: &str,
    lease: &Lease,
    now: DateTime<Utc>,
    after: i64,
    batch: i64,
) -> Result<(i64, Option<i64>)> {
    let row = client.query_typed_one(
        "WITH lease AS (
             UPDATE organizations SET deleting_until = $5
             WHERE id = $1 AND deleting_by = $4
             RETURNING id
         ), bound AS (
             SELECT coalesce((SELECT id FROM runs WHERE org_id = $1 AND id > $2
                              ORDER BY id OFFSET $3 - 1 LIMIT 1),
                             9223372036854775807) AS hi
         ), gone AS (
             DELETE FROM runs r USING bound, lease
             WHERE r.org_id = $1 AND r.id > $2 AND r.id <= bound.hi
             RETURNING r.id
         )
         SELECT count(*), max(id), (SELECT count(*) FROM lease) FROM gone",
        &[
            p(&id),
            p(&after),
            p(&batch),
            p(&lease.owner),
            p(&lease.until(now)),
        ],
    )?;
    if row.get::<_, i64>(2) == 0 {
        return Err(not_leased(client, id));
    }
    Ok((row.get(0), row.get(1)))
}

/// The last step of `org delete`, in the caller's transaction, while it holds the lease:
/// everything left in the organisation (runs that arrived during the batches, tokens,
/// watchers, devices, agents) and the organisation itself (its metadata, so its sentinels,
/// with it); returns what it deleted. The organisation's row lock is its own statement, so
/// the delete after it takes a fresh snapshot (READ COMMITTED): a writer that held the row
/// (an insert's foreign key) and committed while the lock waited is counted, not deleted
/// unseen by the cascade.
///
/// # Errors
/// `not_found` when the organisation is gone; `conflict` when the lease was lost.
pub fn delete_rest(client: &mut impl GenericClient, id: &str, lease: &Lease) -> Result<Contents> {
    let held = client.query_typed_opt(
        "SELECT 1 FROM organizations WHERE id = $1 AND deleting_by = $2 FOR UPDATE",
        &[p(&id), p(&lease.owner)],
    )?;
    if held.is_none() {
        return Err(not_leased(client, id));
    }
    let row = client.query_typed_one(
        "WITH r AS (
             DELETE FROM runs WHERE org_id = $1 RETURNING 1
         ), t AS (
             DELETE FROM device_tokens WHERE org_id = $1 RETURNING 1
         ), w AS (
             DELETE FROM watchers WHERE org_id = $1 RETURNING 1
         ), d AS (
             DELETE FROM devices WHERE org_id = $1 RETURNING 1
         ), a AS (
             DELETE FROM agents WHERE org_id = $1 RETURNING 1
         ), gone AS (
             DELETE FROM organizations WHERE id = $1 RETURNING 1
         )
         SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM d), (SELECT count(*) FROM t),
                (SELECT count(*) FROM w), (SELECT count(*) FROM r), (SELECT count(*) FROM gone)",
        &[p(&id)],
    )?;
    Ok(contents_from_row(&row))
}

/// How an `org delete` ended, as [`delete`] hands it to the caller in its last transaction.
#[derive(Debug, Clone, Copy)]
pub enum Ending<'a> {
    /// Everything deleted; `resumed`: the organisation was already being deleted (an
    /// interrupted delete, finished).
    Deleted {
        /// What was deleted.
        done: &'a OrgDeleted,
        /// Whether an interrupted delete was resumed.
        resumed: bool,
    },
    /// Stopped (SIGINT, SIGTERM) after deleting `runs_deleted` runs, in the transaction
    /// that hands the lease back.
    Interrupted {
        /// The runs this delete deleted before it stopped.
        runs_deleted: i64,
    },
}

/// What [`delete`] runs in its last transaction: given the transaction, how the delete
/// ended, and the transaction's clock.
pub type Finish<'a> =
    dyn FnMut(&mut crate::db::Client, Ending<'_>, DateTime<Utc>) -> Result<()> + 'a;

/// Deletes an organisation and everything in it, resumably and one deleter at a time:
/// marks it as being deleted and takes the lease (its own short transaction), deletes its
/// runs in batches of `batch` (each a short transaction of its own that renews the lease,
/// so triggers, claims and dispatch of other organisations never wait behind it), then the
/// rest and the organisation in a last transaction, where `finish` also runs (the caller
/// records the audit event there, with the totals). `progress` is called with the runs
/// deleted so far after each batch. `stop` (SIGINT, SIGTERM) is looked at before each
/// batch: set, the lease is handed back (with `finish` told how far it got, in the same
/// transaction) and the delete ends with `interrupted`. A crash or a lost connection runs
/// no `finish`: the rerun's records it. Run again after an interruption, it finishes the
/// work.
///
/// # Errors
/// `not_found` for an unknown organisation; `conflict` while another `org delete` holds
/// it; `interrupted`; database failures (what committed stays committed, and the
/// organisation stays marked: run it again).
pub fn delete(
    client: &mut crate::db::Client,
    id: &str,
    batch: i64,
    lease: &Lease,
    stop: &std::sync::atomic::AtomicBool,
    progress: &mut dyn FnMut(i64),
    finish: &mut Finish<'_>,
) -> Result<OrgDeleted> {
    let (since, resumed) = crate::db::in_tx(client, |tx, now| mark_deleting(tx, id, lease, now))?;
    let deleted = delete_marked(
        client, id, batch, lease, stop, progress, finish, since, resumed,
    );
    if deleted.is_err() {
        // a delete that fails while its process lives hands the lease back, so that running
        // it again goes on at once (a crash leaves the lease to run out); the first error is
        // the one reported
        let _ = crate::db::in_tx(client, |tx, _| release(tx, id, lease));
    }
    deleted
}

/// The part of [`delete`] after the organisation was marked: the batches and the last step.
#[allow(clippy::too_many_arguments)]
fn delete_marked(
    client: &mut crate::db::Client,
    id: &str,
    batch: i64,
    lease: &Lease,
    stop: &std::sync::atomic::AtomicBool,
    progress: &mut dyn FnMut(i64),
    finish: &mut Finish<'_>,
    since: DateTime<Utc>,
    resumed: bool,
) -> Result<OrgDeleted> {
    let mut total = Contents::default();
    let mut after = 0;
    // asked to stop: the lease handed back, the interruption recorded (also before the
    // last step, which is work of its own)
    let mut stopped = |client: &mut crate::db::Client, runs_deleted| -> Result<OrgDeleted> {
        crate::db::in_tx(client, |tx, now| {
            release(tx, id, lease)?;
            finish(tx, Ending::Interrupted { runs_deleted }, now)
        })?;
        Err(Error::Interrupted)
    };
    loop {
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            return stopped(client, total.runs);
        }
        let ((n, last), _) = crate::db::in_tx_by_key(client, |tx, now| {
            delete_runs_batch(tx, id, lease, now, after, batch)
        })?;
        total.runs += n;
        progress(total.runs);
        match last {
            Some(last) if n == batch => after = last,
            _ => break,
        }
    }
    if stop.load(std::sync::atomic::Ordering::SeqCst) {
        return stopped(client, total.runs);
    }
    // the last step deletes rows that a command begun before the mark may hold locked while
    // it waits for the organisation's row (a rotation's tokens, say): PostgreSQL breaks such
    // a deadlock by failing one side, and when it is this side, the step is tried again
    let mut tries = 0;
    loop {
        tries += 1;
        let last = crate::db::in_tx(client, |tx, now| {
            let mut all = total;
            all.add(delete_rest(tx, id, lease)?);
            let done = OrgDeleted {
                org_id: id.to_string(),
                deleted: all,
                dry_run: false,
                deleting_at: Some(since),
            };
            finish(
                tx,
                Ending::Deleted {
                    done: &done,
                    resumed,
                },
                now,
            )?;
            Ok(done)
        });
        match last {
            Err(Error::Transient { kind, .. })
                if tries < 5 && (kind == "deadlock" || kind == "serialization_failure") => {}
            last => return last,
        }
    }
}

/// An organisation after `org update`, and whether the update changed it.
#[derive(Debug, Clone, Serialize)]
pub struct OrgUpdated {
    /// The organisation afterwards.
    #[serde(flatten)]
    pub org: Org,
    /// False when it already had that name (nothing was written).
    pub changed: bool,
    /// Its name before.
    #[serde(skip)]
    pub before: String,
}

/// Renames an organisation (`org update`) under its row lock; the same name writes
/// nothing (`changed: false`).
///
/// # Errors
/// `invalid_input` for a bad name; `not_found`.
pub fn update(client: &mut impl GenericClient, id: &str, name: &str) -> Result<OrgUpdated> {
    validate_name("organization name", name)?;
    let actor: Option<&str> = None;
    let row = client.query_typed_opt(UPDATE, &[p(&id), p(&name), p(&actor)])?;
    updated(id, row.as_ref())
}

/// [`update`]'s statement: `$1` the organisation, `$2` its new name, `$3` the actor of the
/// audit event it records (`org update`, outcome `updated` or `unchanged`, the name before
/// and after), none when `NULL`; an unknown organisation records nothing. The final SELECT
/// sees the row as it was before `upd`: the new name is `$2`.
const UPDATE: &str = "
    WITH old AS (SELECT name FROM organizations WHERE id = $1 FOR NO KEY UPDATE),
         upd AS (UPDATE organizations o SET name = $2 FROM old
                 WHERE o.id = $1 AND old.name <> $2 RETURNING o.id),
         audit AS (
             INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                       outcome, details)
             SELECT now(), $3, 'org update', $1, 'organization', $1,
                    CASE WHEN EXISTS (SELECT 1 FROM upd) THEN 'updated' ELSE 'unchanged' END,
                    jsonb_build_object('name', jsonb_build_object('before', old.name,
                                                                  'after', $2::text))
             FROM old
             WHERE $3::text IS NOT NULL
         )
    SELECT o.id, $2, o.metadata, o.created_at, o.deleting_at, old.name,
           EXISTS (SELECT 1 FROM upd)
    FROM organizations o, old WHERE o.id = $1";

/// What [`UPDATE`]'s row says; no row: `not_found`.
fn updated(id: &str, row: Option<&postgres::Row>) -> Result<OrgUpdated> {
    let row = row.ok_or_else(|| Error::not_found(format!("organization {id}")))?;
    Ok(OrgUpdated {
        org: org_from_row(row),
        before: row.get(5),
        changed: row.get(6),
    })
}

/// [`update`] in one flight (see [`mod@crate::db::flight`]), with its audit event by
/// `actor` in the same statement.
///
/// # Errors
/// As [`update`].
pub fn update_in_flight(
    client: &mut crate::db::Client,
    id: &str,
    name: &str,
    actor: &crate::audit::Actor,
) -> Result<OrgUpdated> {
    validate_name("organization name", name)?;
    let landed = crate::db::flight(client, &[(UPDATE, &[p(&id), p(&name), p(&actor.as_str())])])?;
    updated(id, landed.first(0))
}
