//! Runs of watchers and their life cycle (SPEC section 8).
//!
//! States, what puts a run there and what moves it on:
//! - `pending`: queued by a trigger or by dispatch; `runs claim` moves it to `running`,
//!   `runs cancel` / device deletion / archiving to `cancelled`, rescue to `timeout`.
//! - `claimed`: reserved for clients that claim before starting (rescue treats it like
//!   `running`).
//! - `running`: claimed by a device; `complete`, `fail`; rescue sends it back to `pending`
//!   when heartbeats stop, or to `timeout` when it has been active too long.
//! - `completed`, `failed`, `cancelled`, `timeout`: final.
//! - `skipped`: final; recorded by dispatch when a slot could not run (run already active,
//!   agent gone).
//!
//! The first three are *active*; `runs_one_active_per_watcher` allows one per watcher.

use crate::db::GenericClient;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::db::typed::p;
use crate::error::{Error, Result};
use crate::tokens::{principal, InFlight, Principal, Token};

/// The token's organisation and device in a flight (see [`crate::tokens::InFlight`]).
const ORG: &str = principal!(org);
const DEVICE: &str = principal!(device);

/// Run states (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Queued, waiting for a device.
    Pending,
    /// Reserved by a device.
    Claimed,
    /// Being worked on.
    Running,
    /// Finished successfully.
    Completed,
    /// Finished with an error.
    Failed,
    /// Cancelled by an operator or a deletion.
    Cancelled,
    /// Active for too long.
    Timeout,
    /// A scheduled slot that did not run.
    Skipped,
}

impl RunStatus {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Claimed => "claimed",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Timeout => "timeout",
            Self::Skipped => "skipped",
        }
    }

    /// Active states, mirrored by the partial unique index `runs_one_active_per_watcher`.
    #[must_use]
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::Claimed | Self::Running)
    }
}

/// A run row.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Run id.
    pub id: i64,
    /// Organisation.
    pub org_id: String,
    /// Watcher (null once the watcher is deleted).
    pub watcher_id: Option<i64>,
    /// Agent at queue time.
    pub agent_id: Option<String>,
    /// The watcher's pin at queue time.
    pub device_id: Option<uuid::Uuid>,
    /// The device that claimed it.
    pub claimed_by: Option<uuid::Uuid>,
    /// `scheduled` or `manual`.
    pub dispatch_source: String,
    /// `schedule`, `device:<uuid>` or `admin`.
    pub triggered_by: String,
    /// State.
    pub status: String,
    /// The slot it was dispatched for.
    pub scheduled_for: Option<DateTime<Utc>>,
    /// Queue time.
    pub queued_at: DateTime<Utc>,
    /// Claim time.
    pub claimed_at: Option<DateTime<Utc>>,
    /// Last heartbeat.
    pub heartbeat_at: Option<DateTime<Utc>>,
    /// End time.
    pub finished_at: Option<DateTime<Utc>>,
    /// Error or skip reason.
    pub error: Option<String>,
    /// Result JSON.
    pub output: Option<serde_json::Value>,
    /// 1 for a first run, k + 1 for the retry of attempt k.
    pub attempt: i32,
    /// The run this one retries.
    pub retry_of: Option<i64>,
}

/// Column list matching [`run_from_row`].
pub(crate) const RUN_COLUMNS: &str = "id, org_id, watcher_id, agent_id, device_id, claimed_by, \
    dispatch_source, triggered_by, status, scheduled_for, queued_at, claimed_at, heartbeat_at, \
    finished_at, error, output, attempt, retry_of";

pub(crate) fn run_from_row(r: &postgres::Row) -> Run {
    Run {
        id: r.get(0),
        org_id: r.get(1),
        watcher_id: r.get(2),
        agent_id: r.get(3),
        device_id: r.get(4),
        claimed_by: r.get(5),
        dispatch_source: r.get(6),
        triggered_by: r.get(7),
        status: r.get(8),
        scheduled_for: r.get(9),
        queued_at: r.get(10),
        claimed_at: r.get(11),
        heartbeat_at: r.get(12),
        finished_at: r.get(13),
        error: r.get(14),
        output: r.get(15),
        attempt: r.get(16),
        retry_of: r.get(17),
    }
}

/// Claims up to `limit` of the oldest pending runs pinned to the token's device, or
/// queued unpinned in its organisation, and marks them `running`.
///
/// Race-free: `FOR UPDATE SKIP LOCKED`, so concurrent claimers never share a run.
///
/// # Errors
/// Database failures.
pub fn claim(
    client: &mut impl GenericClient,
    who: &Principal,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Run>> {
    let rows = client.query_typed(
        &claim_sql(),
        &[p(&who.org_id), p(&who.device_id), p(&limit), p(&now)],
    )?;
    Ok(claimed(&rows))
}

/// [`claim`]'s statement: `$1` organisation, `$2` device (each `NULL` for the flight's
/// principal), `$3` limit, `$4` clock (`NULL`: `now()`).
fn claim_sql() -> String {
    format!(
        "WITH picked AS (
             SELECT id FROM runs
             WHERE status = 'pending'
               AND org_id = coalesce($1, {ORG})
               AND (device_id = coalesce($2, {DEVICE}) OR device_id IS NULL)
             ORDER BY queued_at, id
             LIMIT $3
             FOR UPDATE SKIP LOCKED
         )
         UPDATE runs r
         SET status = 'running', claimed_at = coalesce($4, now()),
             heartbeat_at = coalesce($4, now()), claimed_by = coalesce($2, {DEVICE})
         FROM picked
         WHERE r.id = picked.id
         RETURNING {}",
        prefixed("r.")
    )
}

fn claimed(rows: &[postgres::Row]) -> Vec<Run> {
    let mut runs: Vec<Run> = rows.iter().map(run_from_row).collect();
    runs.sort_by_key(|r| (r.queued_at, r.id));
    runs
}

/// The parameters a flight sends for the principal and the clock: `NULL`s, which the
/// statements read as the authenticated token's and `now()`.
const FROM_FLIGHT: (Option<&str>, Option<uuid::Uuid>, Option<DateTime<Utc>>) = (None, None, None);

/// [`claim`] in one flight with the token's authentication (see [`mod@crate::db::flight`]);
/// returns the transaction's clock too.
///
/// # Errors
/// `forbidden` for a refused token; database failures.
pub fn claim_in_flight(
    client: &mut crate::db::Client,
    token: &Token,
    limit: i64,
) -> Result<(Vec<Run>, DateTime<Utc>)> {
    let (org, device, at) = FROM_FLIGHT;
    let auth = InFlight::new(token);
    let sql = claim_sql();
    let landed = crate::db::flight(
        client,
        &[
            (InFlight::SQL, &auth.params()),
            (&sql, &[p(&org), p(&device), p(&limit), p(&at)]),
        ],
    )?;
    Ok((claimed(&landed.rows[1]), landed.now))
}

fn prefixed(prefix: &str) -> String {
    RUN_COLUMNS
        .split(", ")
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a device-side update did.
#[derive(Debug, Clone, Serialize)]
pub struct RunUpdate {
    /// The run afterwards.
    #[serde(flatten)]
    pub run: Run,
    /// False when the call repeated an earlier one and changed nothing.
    pub changed: bool,
}

impl RunUpdate {
    fn new(run: Run, changed: bool) -> Self {
        Self { run, changed }
    }
}

/// How a device finishes a run.
#[derive(Debug, Clone)]
pub enum Finish {
    /// Success, with an optional result object.
    Complete(Option<serde_json::Value>),
    /// Failure, with a message.
    Fail(String),
}

/// Records a heartbeat on a running run of the token's device.
///
/// # Errors
/// `not_found` (also for another organisation's run), `forbidden` for another device's
/// run, `conflict` when the run is no longer active.
pub fn heartbeat(
    client: &mut impl GenericClient,
    who: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> Result<RunUpdate> {
    let row = client.query_typed_opt(&heartbeat_sql(), &[p(&id), p(&who.device_id), p(&now)])?;
    match row {
        Some(row) => Ok(RunUpdate::new(run_from_row(&row), true)),
        None => Err(not_running(id, &owned_run(client, who, id)?)),
    }
}

/// [`heartbeat`]'s statement: `$1` run, `$2` device (`NULL`: the flight's principal), `$3`
/// clock (`NULL`: `now()`).
fn heartbeat_sql() -> String {
    format!(
        "UPDATE runs SET heartbeat_at = coalesce($3, now())
         WHERE id = $1 AND claimed_by = coalesce($2, {DEVICE}) AND {CLAIMED_OR_RUNNING}
         RETURNING {RUN_COLUMNS}"
    )
}

fn not_running(id: i64, run: &Run) -> Error {
    Error::Conflict(format!("run {id} is {}, not running", run.status))
}

/// [`heartbeat`] in one flight with the token's authentication (and the read that explains
/// a refusal); returns the transaction's clock too.
///
/// # Errors
/// As [`heartbeat`], and `forbidden` for a refused token.
pub fn heartbeat_in_flight(
    client: &mut crate::db::Client,
    token: &Token,
    id: i64,
) -> Result<(RunUpdate, DateTime<Utc>)> {
    let (org, device, at) = FROM_FLIGHT;
    let auth = InFlight::new(token);
    let (sql, owned_sql) = (heartbeat_sql(), owned_sql());
    let landed = crate::db::flight(
        client,
        &[
            (InFlight::SQL, &auth.params()),
            (&sql, &[p(&id), p(&device), p(&at)]),
            (&owned_sql, &[p(&id), p(&org)]),
        ],
    )?;
    let who = InFlight::principal(landed.first(0))?;
    match landed.first(1) {
        Some(row) => Ok((RunUpdate::new(run_from_row(row), true), landed.now)),
        None => Err(not_running(id, &owned(&who, id, landed.first(2))?)),
    }
}

/// Completes or fails a run of the token's device, and sets the watcher's
/// `last_fired_at`. Repeating the same end is a no-op (`changed: false`).
///
/// # Errors
/// `not_found`, `forbidden` for another device's run, `conflict` when the run ended
/// differently or was never claimed.
pub fn finish(
    client: &mut impl GenericClient,
    who: &Principal,
    id: i64,
    how: &Finish,
    now: DateTime<Utc>,
) -> Result<RunUpdate> {
    let (status, output, error) = ending(how)?;
    let row = client.query_typed_opt(
        &finish_sql(),
        &[
            p(&id),
            p(&who.device_id),
            p(&status),
            p(&now),
            p(&output),
            p(&error),
        ],
    )?;
    match row {
        Some(row) => Ok(RunUpdate::new(run_from_row(&row), true)),
        None => unchanged(id, status, owned_run(client, who, id)?),
    }
}

/// What a finish that changed nothing means: a repeat (`changed: false`), or a conflict.
fn unchanged(id: i64, status: &str, run: Run) -> Result<RunUpdate> {
    if run.status == status {
        return Ok(RunUpdate::new(run, false));
    }
    Err(Error::Conflict(format!(
        "run {id} is {}; it cannot become {status}",
        run.status
    )))
}

/// The final state, output and error a finish writes, once validated.
fn ending(how: &Finish) -> Result<(&'static str, Option<serde_json::Value>, Option<String>)> {
    match how {
        Finish::Complete(Some(out)) => crate::input::storable_json("result", out)?,
        Finish::Complete(None) => {}
        Finish::Fail(msg) => crate::input::storable("error message", msg)?,
    }
    Ok(match how {
        Finish::Complete(out) => ("completed", out.clone(), None),
        Finish::Fail(msg) => ("failed", None, Some(msg.clone())),
    })
}

/// [`finish`]'s statement: `$1` run, `$2` device (`NULL`: the flight's principal), `$3`
/// state, `$4` clock (`NULL`: `now()`), `$5` output, `$6` error.
fn finish_sql() -> String {
    format!(
        "WITH done AS (
             UPDATE runs SET status = $3, finished_at = coalesce($4, now()), output = $5,
                             error = $6
             WHERE id = $1 AND claimed_by = coalesce($2, {DEVICE}) AND {CLAIMED_OR_RUNNING}
             RETURNING {RUN_COLUMNS}
         ), fired AS (
             UPDATE watchers w SET last_fired_at = done.finished_at
             FROM done WHERE w.id = done.watcher_id
         )
         SELECT * FROM done"
    )
}

/// [`finish`] in one flight with the token's authentication (and the read that explains a
/// refusal or a repeat); returns the transaction's clock too.
///
/// # Errors
/// As [`finish`], and `forbidden` for a refused token.
pub fn finish_in_flight(
    client: &mut crate::db::Client,
    token: &Token,
    id: i64,
    how: &Finish,
) -> Result<(RunUpdate, DateTime<Utc>)> {
    let (status, output, error) = ending(how)?;
    let (org, device, at) = FROM_FLIGHT;
    let auth = InFlight::new(token);
    let (sql, owned_sql) = (finish_sql(), owned_sql());
    let landed = crate::db::flight(
        client,
        &[
            (InFlight::SQL, &auth.params()),
            (
                &sql,
                &[
                    p(&id),
                    p(&device),
                    p(&status),
                    p(&at),
                    p(&output),
                    p(&error),
                ],
            ),
            (&owned_sql, &[p(&id), p(&org)]),
        ],
    )?;
    let who = InFlight::principal(landed.first(0))?;
    match landed.first(1) {
        Some(row) => Ok((RunUpdate::new(run_from_row(row), true), landed.now)),
        None => Ok((
            unchanged(id, status, owned(&who, id, landed.first(2))?)?,
            landed.now,
        )),
    }
}

/// Loads a run for a device and explains why it cannot act on it.
fn owned_run(client: &mut impl GenericClient, who: &Principal, id: i64) -> Result<Run> {
    let row = client.query_typed_opt(&owned_sql(), &[p(&id), p(&who.org_id)])?;
    owned(who, id, row.as_ref())
}

/// [`owned_run`]'s statement: `$1` run, `$2` organisation (`NULL`: the flight's principal).
fn owned_sql() -> String {
    format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1 AND org_id = coalesce($2, {ORG})")
}

/// [`owned_run`] from its statement's row.
fn owned(who: &Principal, id: i64, row: Option<&postgres::Row>) -> Result<Run> {
    let run = row
        .map(run_from_row)
        .ok_or_else(|| Error::not_found(format!("run {id}")))?;
    let mine = run.claimed_by == Some(who.device_id)
        || (run.claimed_by.is_none() && run.device_id == Some(who.device_id));
    if !mine {
        return Err(Error::Forbidden(format!(
            "run {id} belongs to another device"
        )));
    }
    Ok(run)
}

/// Result of a rescue pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Rescued {
    /// Runs sent back to `pending` because their heartbeat stopped.
    pub requeued: i64,
    /// Runs that became `timeout`.
    pub timed_out: i64,
}

/// Default: no heartbeat for this long sends a run back to `pending`.
pub const STALE_AFTER: Duration = Duration::minutes(5);
/// Default: active for this long (since queued) becomes `timeout`.
pub const TIMEOUT_AFTER: Duration = Duration::hours(2);

/// Times out runs active for longer than `timeout_after`, then re-queues claimed or
/// running runs without a heartbeat for `stale_after`. Set-based, two statements.
///
/// # Errors
/// Database failures.
pub fn rescue(
    client: &mut impl GenericClient,
    now: DateTime<Utc>,
    stale_after: Duration,
    timeout_after: Duration,
) -> Result<Rescued> {
    let timed_out = client.execute(
        "UPDATE runs SET status = 'timeout', finished_at = $1,
                error = 'timed out: active for longer than ' || $3
         WHERE finished_at IS NULL AND queued_at <= $2",
        &[&now, &(now - timeout_after), &human(timeout_after)],
    )?;
    let requeued = client.execute(
        "UPDATE runs SET status = 'pending', claimed_at = NULL, heartbeat_at = NULL,
                claimed_by = NULL
         WHERE status IN ('claimed', 'running')
           AND coalesce(heartbeat_at, claimed_at) <= $1",
        &[&(now - stale_after)],
    )?;
    Ok(Rescued {
        requeued: i64::try_from(requeued).unwrap_or(i64::MAX),
        timed_out: i64::try_from(timed_out).unwrap_or(i64::MAX),
    })
}

fn human(d: Duration) -> String {
    let s = d.num_seconds();
    if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Filters of `runs list`.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Organisation.
    pub org_id: Option<String>,
    /// Watcher.
    pub watcher_id: Option<i64>,
    /// State.
    pub status: Option<RunStatus>,
    /// At most this many, newest first.
    pub limit: i64,
    /// Keyset paging: only runs with a smaller id (the last id of the previous page).
    pub before: Option<i64>,
}

/// Lists runs, newest first: the newest active ones and the newest finished ones, each
/// from indexes that hold only their kind (V8), merged. A status filter leaves out the
/// other kind's branch before it runs (a constant false once the parameters are bound).
/// `id > 0` is always true; it is what lets the active branch, and only it, use
/// `runs_active_org` (see migration V8). The organisation and the watcher filtered on are
/// looked up in statements sent with it, to tell an empty page from an unknown one.
///
/// # Errors
/// `not_found` for an unknown organisation or watcher; database failures.
pub fn list(client: &mut impl GenericClient, f: &RunFilter) -> Result<Vec<Run>> {
    list_via(&mut |s| crate::db::flight::in_order(client, s), f)
}

/// [`list`]'s statements sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// As [`list`].
pub fn list_via(send: &mut crate::db::flight::Send<'_>, f: &RunFilter) -> Result<Vec<Run>> {
    let status = f.status.map(RunStatus::as_str);
    let filters = "($1::text IS NULL OR org_id = $1)
               AND ($2::bigint IS NULL OR watcher_id = $2)
               AND ($3::text IS NULL OR status = $3)
               AND ($5::bigint IS NULL OR id < $5)";
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM (
             (SELECT * FROM runs
              WHERE finished_at IS NULL AND id > 0 AND {filters}
                AND ($3::text IS NULL OR $3 IN ('pending', 'claimed', 'running'))
              ORDER BY id DESC LIMIT $4)
             UNION ALL
             (SELECT * FROM runs
              WHERE finished_at IS NOT NULL AND {filters}
                AND ($3::text IS NULL OR $3 NOT IN ('pending', 'claimed', 'running'))
              ORDER BY id DESC LIMIT $4)
         ) runs
         ORDER BY id DESC
         LIMIT $4"
    );
    let params = [
        p(&f.org_id),
        p(&f.watcher_id),
        p(&status),
        p(&f.limit),
        p(&f.before),
    ];
    let mut statements: Vec<crate::db::client::Typed<'_>> = vec![(&sql, &params)];
    let mut owners = Vec::new();
    let (org, watcher);
    if let Some(o) = &f.org_id {
        org = [p(o)];
        statements.push((crate::orgs::SHOW, &org));
        owners.push(format!("organization {o}"));
    }
    if let Some(w) = &f.watcher_id {
        watcher = [p(w)];
        statements.push(("SELECT 1 FROM watchers WHERE id = $1", &watcher));
        owners.push(format!("watcher {w}"));
    }
    let rows = send(&statements)?;
    Ok(crate::db::flight::listed(&rows, &owners)?
        .iter()
        .map(run_from_row)
        .collect())
}

/// `status IN ('claimed', 'running')` for a look-up by id, spelled so that no partial
/// index's predicate follows from it. With the runs table analysed while no run was
/// active (autovacuum re-analyses a big table only after a tenth of it changed), the
/// planner took `runs_one_active_per_watcher` (all active runs) for an empty index and
/// scanned it whole for every heartbeat and completion instead of using the primary key
/// (`EXPLAIN`, 300 running runs); a `CASE` is a filter the planner proves nothing from.
const CLAIMED_OR_RUNNING: &str =
    "CASE status WHEN 'claimed' THEN true WHEN 'running' THEN true ELSE false END";
/// `status IN ('pending', 'claimed', 'running')` by id, spelled as [`CLAIMED_OR_RUNNING`]
/// is, for the same reason.
const ACTIVE_BY_ID: &str =
    "CASE status WHEN 'pending' THEN true WHEN 'claimed' THEN true WHEN 'running' THEN true \
     ELSE false END";

/// One run as `runs show` prints it: the `runs list` object (output, error and heartbeat
/// included) and its watcher's slug.
#[derive(Debug, Clone, Serialize)]
pub struct RunDetail {
    /// The run.
    #[serde(flatten)]
    pub run: Run,
    /// Its watcher's slug (null once the watcher is deleted).
    pub watcher_slug: Option<String>,
}

/// Shows one run with its watcher's slug, in one statement.
///
/// # Errors
/// `not_found`.
pub fn show(client: &mut impl GenericClient, id: i64) -> Result<RunDetail> {
    show_via(&mut |s| crate::db::flight::in_order(client, s), id)
}

/// [`show`]'s statement sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// As [`show`].
pub fn show_via(send: &mut crate::db::flight::Send<'_>, id: i64) -> Result<RunDetail> {
    let sql = format!(
        "SELECT {}, w.slug FROM runs r LEFT JOIN watchers w ON w.id = r.watcher_id
         WHERE r.id = $1",
        prefixed("r.")
    );
    let rows = send(&[(&sql, &[p(&id)])])?;
    let row = rows
        .first()
        .and_then(|r| r.first())
        .ok_or_else(|| Error::not_found(format!("run {id}")))?;
    Ok(RunDetail {
        run: run_from_row(row),
        // the last column, after the run's
        watcher_slug: row.get(row.len() - 1),
    })
}

/// Cancels an active run (operator). Cancelling a cancelled run is a no-op.
///
/// # Errors
/// `not_found`; `conflict` when the run already ended otherwise.
pub fn cancel(client: &mut impl GenericClient, id: i64, now: DateTime<Utc>) -> Result<RunUpdate> {
    cancel_with(client, id, "cancelled by operator", now)
}

/// The `error` text of a run cancelled by `actor`, with the operator's reason if given:
/// `cancelled by ada@host: wrong prompt`.
#[must_use]
pub fn cancel_text(actor: &crate::audit::Actor, reason: Option<&str>) -> String {
    match reason {
        Some(r) => format!("cancelled by {actor}: {r}"),
        None => format!("cancelled by {actor}"),
    }
}

/// As [`cancel`], recording `error` (see [`cancel_text`]) as the run's `error`.
///
/// # Errors
/// As [`cancel`]; `invalid_input` for an error text PostgreSQL cannot store.
pub fn cancel_with(
    client: &mut impl GenericClient,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> Result<RunUpdate> {
    crate::input::storable("reason", error)?;
    let (actor, reason): (Option<&str>, Option<&str>) = (None, None);
    let row = client
        .query_typed_opt(
            &cancel_sql(),
            &[p(&id), p(&Some(now)), p(&error), p(&actor), p(&reason)],
        )
        .map_err(crate::db::flight::statement_error)?;
    cancelled(id, row.as_ref())
}

/// [`cancel_with`]'s statement: `$1` run, `$2` clock (`NULL`: `now()`), `$3` the run's
/// error text, `$4` the actor of the audit event it records (`runs cancel`, outcome
/// `cancelled` or `already_cancelled`, with the watcher and `$5` the reason), none when
/// `NULL`. The run's row is locked before it is read (`cur`), so that a run a concurrent
/// transaction ended is read as it ended; when `upd` changed the row first, `cur` skips it
/// (a row this statement updated), and the update is the answer. A run that ended otherwise
/// (a conflict) or none (not found) records nothing. The last column says whether the run
/// changed.
fn cancel_sql() -> String {
    format!(
        "WITH cur AS (
             SELECT {RUN_COLUMNS} FROM runs WHERE id = $1 FOR NO KEY UPDATE
         ), upd AS (
             UPDATE runs SET status = 'cancelled', finished_at = coalesce($2, now()), error = $3
             WHERE id = $1 AND {ACTIVE_BY_ID}
             RETURNING {RUN_COLUMNS}
         ), run AS (
             SELECT *, true AS changed FROM upd
             UNION ALL
             SELECT *, false FROM cur WHERE NOT EXISTS (SELECT 1 FROM upd)
         ), audit AS (
             INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                       outcome, details)
             SELECT coalesce($2, now()), $4, 'runs cancel', run.org_id, 'run', run.id::text,
                    CASE WHEN run.changed THEN 'cancelled' ELSE 'already_cancelled' END,
                    jsonb_build_object('watcher_id', run.watcher_id, 'reason', $5::text)
             FROM run
             WHERE $4::text IS NOT NULL AND (run.changed OR run.status = 'cancelled')
         )
         SELECT {RUN_COLUMNS}, changed FROM run"
    )
}

/// What [`cancel_sql`]'s row says: the run cancelled, already cancelled, or ended
/// otherwise (`conflict`); no row: `not_found`.
fn cancelled(id: i64, row: Option<&postgres::Row>) -> Result<RunUpdate> {
    let row = row.ok_or_else(|| Error::not_found(format!("run {id}")))?;
    let (run, changed) = (run_from_row(row), row.get::<_, bool>(18));
    if changed || run.status == "cancelled" {
        return Ok(RunUpdate::new(run, changed));
    }
    Err(Error::Conflict(format!(
        "run {id} already ended as {}",
        run.status
    )))
}

/// [`cancel_with`] in one flight (see [`mod@crate::db::flight`]) on the database's clock,
/// with its audit event by `actor` (and `reason`) in the same statement; returns the
/// transaction's clock too.
///
/// # Errors
/// As [`cancel_with`].
pub fn cancel_in_flight(
    client: &mut crate::db::Client,
    id: i64,
    error: &str,
    actor: &crate::audit::Actor,
    reason: Option<&str>,
) -> Result<(RunUpdate, DateTime<Utc>)> {
    crate::input::storable("reason", error)?;
    let at: Option<DateTime<Utc>> = None;
    let landed = crate::db::flight(
        client,
        &[(
            &cancel_sql(),
            &[p(&id), p(&at), p(&error), p(&actor.as_str()), p(&reason)],
        )],
    )?;
    Ok((cancelled(id, landed.first(0))?, landed.now))
}
