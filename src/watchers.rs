//! Watchers: create, patch, pause, resume, archive, reschedule, list (one query), show, next fire
//! times, and the manual trigger with at most one active run.

use crate::db::GenericClient;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use postgres::types::{ToSql, Type};
use postgres::Statement;
use serde::Serialize;
use uuid::Uuid;

use crate::audit::Actor;
use crate::db::typed::p;
use crate::error::{Error, Result};
use crate::orgs::{validate_id, validate_name};
use crate::runs::{run_from_row, Run, RUN_COLUMNS};
use crate::schedule::{parse_timezone, FireTime, Schedule, Slots, Spread};
use crate::tokens::Principal;

/// A watcher row.
#[derive(Debug, Clone, Serialize)]
pub struct Watcher {
    /// Watcher id.
    pub id: i64,
    /// Organisation.
    pub org_id: String,
    /// Slug, unique per organisation among non-archived watchers.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Prompt.
    pub prompt: String,
    /// Extraction schema.
    pub extraction_schema: Option<serde_json::Value>,
    /// Cron expression.
    pub schedule: String,
    /// IANA time zone.
    pub timezone: String,
    /// `active`, `paused` or `archived`.
    pub status: String,
    /// Why it is paused.
    pub paused_reason: Option<String>,
    /// Agent.
    pub agent_id: String,
    /// Pinned device.
    pub device_id: Option<Uuid>,
    /// Creator.
    pub created_by: String,
    /// Cool-down between runs, in seconds.
    pub min_cooldown_seconds: i32,
    /// Each slot fires at a fixed offset in `[0, spread)` after it (0: at the slot).
    pub spread_seconds: i32,
    /// A slot reached later than this after its fire instant is skipped (null: never).
    pub catch_up_window_seconds: Option<i32>,
    /// A run that ends `failed` or `timeout` is queued again up to this many times.
    pub retries: i32,
    /// The first retry's delay after the run ended; each next one doubles it.
    pub retry_delay_seconds: i32,
    /// Next scheduled firing (UTC): the slot plus the spread's offset.
    pub next_run_at: Option<DateTime<Utc>>,
    /// Last time a run of it finished.
    pub last_fired_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

const WATCHER_COLUMNS: &str = "id, org_id, slug, name, prompt, extraction_schema, schedule, \
    timezone, status, paused_reason, agent_id, device_id, created_by, min_cooldown_seconds, \
    next_run_at, last_fired_at, created_at, updated_at, spread_seconds, catch_up_window_seconds, \
    retries, retry_delay_seconds";

fn watcher_from_row(r: &postgres::Row) -> Watcher {
    Watcher {
        id: r.get(0),
        org_id: r.get(1),
        slug: r.get(2),
        name: r.get(3),
        prompt: r.get(4),
        extraction_schema: r.get(5),
        schedule: r.get(6),
        timezone: r.get(7),
        status: r.get(8),
        paused_reason: r.get(9),
        agent_id: r.get(10),
        device_id: r.get(11),
        created_by: r.get(12),
        min_cooldown_seconds: r.get(13),
        next_run_at: r.get(14),
        last_fired_at: r.get(15),
        created_at: r.get(16),
        updated_at: r.get(17),
        spread_seconds: r.get(18),
        catch_up_window_seconds: r.get(19),
        retries: r.get(20),
        retry_delay_seconds: r.get(21),
    }
}

/// The longest spread: a day.
pub const MAX_SPREAD_SECONDS: i32 = 86_400;
/// The shortest catch-up window: a minute (a dispatcher ticks every 30 s by default).
pub const MIN_CATCH_UP_WINDOW_SECONDS: i32 = 60;
/// The most retries of one run.
pub const MAX_RETRIES: i32 = 10;
/// The longest first retry delay: a week.
pub const MAX_RETRY_DELAY_SECONDS: i32 = 7 * 86_400;

/// How a watcher's slots fire (SPEC 18): spread, catch-up window, retries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timing {
    /// Spread in seconds (0 to a day).
    pub spread_seconds: i32,
    /// Catch-up window in seconds (a minute or more; `None`: coalesce however late).
    pub catch_up_window_seconds: Option<i32>,
    /// Retries (0 to 10).
    pub retries: i32,
    /// First retry delay in seconds (0 to a week).
    pub retry_delay_seconds: i32,
}

impl Timing {
    /// Checks the bounds, naming the setting.
    ///
    /// # Errors
    /// `invalid_input`.
    pub fn check(&self) -> Result<()> {
        if !(0..=MAX_SPREAD_SECONDS).contains(&self.spread_seconds) {
            return Err(Error::invalid("spread must be from 0 to 1d"));
        }
        if self
            .catch_up_window_seconds
            .is_some_and(|w| w < MIN_CATCH_UP_WINDOW_SECONDS)
        {
            return Err(Error::invalid("catch-up window must be at least 1m"));
        }
        if !(0..=MAX_RETRIES).contains(&self.retries) {
            return Err(Error::invalid(format!(
                "retries must be from 0 to {MAX_RETRIES}"
            )));
        }
        if !(0..=MAX_RETRY_DELAY_SECONDS).contains(&self.retry_delay_seconds) {
            return Err(Error::invalid("retry delay must be from 0s to 1w"));
        }
        Ok(())
    }
}

/// A watcher's first fire instant after `now`: its next slot plus its spread's offset
/// (the spread depends on its id, so this is computed once the id is known).
///
/// # Errors
/// `invalid_input` for a schedule that never fires.
pub fn first_fire(
    schedule: &Schedule,
    tz: Tz,
    id: i64,
    spread_seconds: i32,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    Ok(schedule
        .next_fire(tz, now, Spread::new(i64::from(spread_seconds), id))?
        .at)
}

/// Input of `watchers create`.
#[derive(Debug, Clone)]
pub struct NewWatcher {
    /// Organisation.
    pub org_id: String,
    /// Slug; derived from the name when absent.
    pub slug: Option<String>,
    /// Display name.
    pub name: String,
    /// Prompt.
    pub prompt: String,
    /// Cron expression.
    pub schedule: Schedule,
    /// Time zone (default UTC).
    pub timezone: Tz,
    /// Agent id (must exist).
    pub agent_id: String,
    /// Pin to a device of the same organisation.
    pub device_id: Option<Uuid>,
    /// Extraction schema (a JSON object).
    pub extraction_schema: Option<serde_json::Value>,
    /// Cool-down in seconds.
    pub min_cooldown_seconds: i32,
    /// Spread, catch-up window, retries.
    pub timing: Timing,
    /// Creator.
    pub created_by: String,
}

/// Turns a name into a slug: lowercase, runs of other characters become `-`.
#[must_use]
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars().take(63).collect()
}

pub(crate) fn check_prompt(prompt: &str) -> Result<()> {
    crate::input::storable("prompt", prompt)?;
    if prompt.trim().is_empty() || prompt.len() > 100_000 {
        return Err(Error::invalid(
            "invalid prompt: must be 1 to 100000 bytes and not blank",
        ));
    }
    Ok(())
}

fn check_schema(v: Option<&serde_json::Value>) -> Result<()> {
    if let Some(v) = v {
        crate::input::storable_json("extraction schema", v)?;
    }
    match v {
        Some(v) if !v.is_object() => Err(Error::invalid("extraction schema must be a JSON object")),
        _ => Ok(()),
    }
}

/// Creates a watcher with `next_run_at` set to its first fire time after `now`.
///
/// # Errors
/// `invalid_input`; `not_found` for an unknown organisation, agent or device (also a
/// device of another organisation); `conflict` for a live slug already in use.
pub fn create(tx: &mut impl GenericClient, w: &NewWatcher, now: DateTime<Utc>) -> Result<Watcher> {
    let slug = w.slug.clone().unwrap_or_else(|| slugify(&w.name));
    validate_id("slug", &slug)?;
    validate_name("watcher name", &w.name)?;
    check_prompt(&w.prompt)?;
    check_schema(w.extraction_schema.as_ref())?;
    if w.min_cooldown_seconds < 0 {
        return Err(Error::invalid("min cooldown must not be negative"));
    }
    crate::orgs::show(tx, &w.org_id)?;
    if !crate::agents::exists(tx, &w.org_id, &w.agent_id)? {
        return Err(Error::not_found(format!(
            "agent {} in organization {}",
            w.agent_id, w.org_id
        )));
    }
    w.timing.check()?;
    if let Some(d) = w.device_id {
        check_device(tx, &w.org_id, d)?;
    }
    // the spread's offset depends on the id: the first fire instant is set once it is known
    w.schedule.next_after(w.timezone, now)?;
    let t = &w.timing;
    let row = tx
        .query_one(
            "INSERT INTO watchers (org_id, slug, name, prompt, extraction_schema, schedule,
                                       timezone, agent_id, device_id, created_by,
                                       min_cooldown_seconds, next_run_at, created_at, updated_at,
                                       spread_seconds, catch_up_window_seconds, retries,
                                       retry_delay_seconds)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $12, $13, $14,
                         $15, $16)
                 RETURNING id",
            &[
                &w.org_id,
                &slug,
                &w.name,
                &w.prompt,
                &w.extraction_schema,
                &w.schedule.as_str(),
                &w.timezone.name(),
                &w.agent_id,
                &w.device_id,
                &w.created_by,
                &w.min_cooldown_seconds,
                &now,
                &t.spread_seconds,
                &t.catch_up_window_seconds,
                &t.retries,
                &t.retry_delay_seconds,
            ],
        )
        .map_err(|e| slug_conflict(e, &slug, &w.org_id))?;
    let id: i64 = row.get(0);
    let next = first_fire(&w.schedule, w.timezone, id, t.spread_seconds, now)?;
    let row = tx.query_one(
        &format!("UPDATE watchers SET next_run_at = $2 WHERE id = $1 RETURNING {WATCHER_COLUMNS}"),
        &[&id, &next],
    )?;
    Ok(watcher_from_row(&row))
}

fn slug_conflict(e: postgres::Error, slug: &str, org: &str) -> Error {
    crate::error::exists(e, || {
        format!("watcher slug {slug} is already used in organization {org}")
    })
}

fn check_device(tx: &mut impl GenericClient, org: &str, device: Uuid) -> Result<()> {
    let found = tx
        .query_opt(
            "SELECT 1 FROM devices WHERE id = $1 AND org_id = $2",
            &[&device, &org],
        )?
        .is_some();
    if found {
        Ok(())
    } else {
        Err(Error::not_found(format!(
            "device {device} in organization {org}"
        )))
    }
}

/// A patch: only the given fields change.
#[derive(Debug, Clone, Default)]
pub struct WatcherPatch {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New prompt.
    pub prompt: Option<String>,
    /// New schedule (recomputes `next_run_at`).
    pub schedule: Option<Schedule>,
    /// New time zone (recomputes `next_run_at`).
    pub timezone: Option<Tz>,
    /// New agent.
    pub agent_id: Option<String>,
    /// New pin: `Some(None)` unpins.
    pub device_id: Option<Option<Uuid>>,
    /// New cool-down.
    pub min_cooldown_seconds: Option<i32>,
    /// New extraction schema.
    pub extraction_schema: Option<serde_json::Value>,
    /// New spread (recomputes `next_run_at`).
    pub spread_seconds: Option<i32>,
    /// New catch-up window: `Some(None)` removes it.
    pub catch_up_window_seconds: Option<Option<i32>>,
    /// New retries.
    pub retries: Option<i32>,
    /// New first retry delay.
    pub retry_delay_seconds: Option<i32>,
}

fn lock_watcher(tx: &mut impl GenericClient, id: i64) -> Result<Watcher> {
    tx.query_opt(
        // NO KEY: the key never changes, and runs' foreign-key checks must not wait on us
        &format!("SELECT {WATCHER_COLUMNS} FROM watchers WHERE id = $1 FOR NO KEY UPDATE"),
        &[&id],
    )?
    .map(|r| watcher_from_row(&r))
    .ok_or_else(|| Error::not_found(format!("watcher {id}")))
}

/// Applies a patch under the watcher's row lock.
///
/// # Errors
/// `not_found`, `invalid_input`, `conflict` (archived watcher, slug taken).
pub fn update(
    tx: &mut impl GenericClient,
    id: i64,
    p: &WatcherPatch,
    now: DateTime<Utc>,
) -> Result<Watcher> {
    let mut w = lock_watcher(tx, id)?;
    if w.status == "archived" {
        return Err(Error::Conflict(format!("watcher {id} is archived")));
    }
    if let Some(n) = &p.name {
        validate_name("watcher name", n)?;
        w.name.clone_from(n);
    }
    if let Some(s) = &p.slug {
        validate_id("slug", s)?;
        w.slug.clone_from(s);
    }
    if let Some(pr) = &p.prompt {
        check_prompt(pr)?;
        w.prompt.clone_from(pr);
    }
    if let Some(a) = &p.agent_id {
        if !crate::agents::exists(tx, &w.org_id, a)? {
            return Err(Error::not_found(format!(
                "agent {a} in organization {}",
                w.org_id
            )));
        }
        w.agent_id.clone_from(a);
    }
    if let Some(d) = p.device_id {
        if let Some(d) = d {
            check_device(tx, &w.org_id, d)?;
        }
        w.device_id = d;
    }
    if let Some(c) = p.min_cooldown_seconds {
        if c < 0 {
            return Err(Error::invalid("min cooldown must not be negative"));
        }
        w.min_cooldown_seconds = c;
    }
    if let Some(s) = &p.extraction_schema {
        check_schema(Some(s))?;
        w.extraction_schema = Some(s.clone());
    }
    if let Some(v) = p.spread_seconds {
        w.spread_seconds = v;
    }
    if let Some(v) = p.catch_up_window_seconds {
        w.catch_up_window_seconds = v;
    }
    if let Some(v) = p.retries {
        w.retries = v;
    }
    if let Some(v) = p.retry_delay_seconds {
        w.retry_delay_seconds = v;
    }
    timing(&w).check()?;
    let reschedule = p.schedule.is_some() || p.timezone.is_some() || p.spread_seconds.is_some();
    if let Some(s) = &p.schedule {
        w.schedule = s.as_str().to_string();
    }
    if let Some(tz) = p.timezone {
        w.timezone = tz.name().to_string();
    }
    if reschedule && w.status == "active" {
        w.next_run_at = Some(next_fire(&w, now)?);
    }
    let row = tx
        .query_one(
            &format!(
                "UPDATE watchers SET name = $2, slug = $3, prompt = $4, agent_id = $5,
                        device_id = $6, min_cooldown_seconds = $7, extraction_schema = $8,
                        schedule = $9, timezone = $10, next_run_at = $11, updated_at = $12,
                        spread_seconds = $13, catch_up_window_seconds = $14, retries = $15,
                        retry_delay_seconds = $16
                 WHERE id = $1 RETURNING {WATCHER_COLUMNS}"
            ),
            &[
                &id,
                &w.name,
                &w.slug,
                &w.prompt,
                &w.agent_id,
                &w.device_id,
                &w.min_cooldown_seconds,
                &w.extraction_schema,
                &w.schedule,
                &w.timezone,
                &w.next_run_at,
                &now,
                &w.spread_seconds,
                &w.catch_up_window_seconds,
                &w.retries,
                &w.retry_delay_seconds,
            ],
        )
        .map_err(|e| slug_conflict(e, &w.slug, &w.org_id))?;
    Ok(watcher_from_row(&row))
}

fn timing(w: &Watcher) -> Timing {
    Timing {
        spread_seconds: w.spread_seconds,
        catch_up_window_seconds: w.catch_up_window_seconds,
        retries: w.retries,
        retry_delay_seconds: w.retry_delay_seconds,
    }
}

fn next_fire(w: &Watcher, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    first_fire(
        &Schedule::parse(&w.schedule)?,
        parse_timezone(&w.timezone)?,
        w.id,
        w.spread_seconds,
        now,
    )
}

/// Pauses a watcher (dispatch skips it); pausing again updates the reason.
///
/// # Errors
/// `not_found`; `conflict` when archived.
pub fn pause(
    tx: &mut impl GenericClient,
    id: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Watcher> {
    if let Some(r) = reason {
        crate::input::storable("pause reason", r)?;
    }
    let w = lock_watcher(tx, id)?;
    if w.status == "archived" {
        return Err(Error::Conflict(format!("watcher {id} is archived")));
    }
    set_status(tx, id, "paused", reason, w.next_run_at, now)
}

/// Resumes a paused watcher, with `next_run_at` = the first fire time after `now`.
///
/// # Errors
/// `not_found`; `conflict` when archived, or when its agent no longer exists.
pub fn resume(tx: &mut impl GenericClient, id: i64, now: DateTime<Utc>) -> Result<Watcher> {
    let w = lock_watcher(tx, id)?;
    if w.status == "archived" {
        return Err(Error::Conflict(format!(
            "watcher {id} is archived and cannot be resumed"
        )));
    }
    // locks the agent FOR KEY SHARE: a guarded delete cannot remove it until we commit
    if !crate::agents::exists(tx, &w.org_id, &w.agent_id)? {
        return Err(Error::Conflict(format!(
            "watcher {id} uses agent {}, which no longer exists in organization {}; point it \
             at another agent first (watchers update {id} --agent ID)",
            w.agent_id, w.org_id
        )));
    }
    let next = if w.status == "active" {
        w.next_run_at
    } else {
        Some(next_fire(&w, now)?)
    };
    set_status(tx, id, "active", None, next, now)
}

/// Which watchers `watchers reschedule` recomputes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RescheduleScope {
    /// These watchers; each must exist and be active.
    Ids(Vec<i64>),
    /// The active watchers of an organisation (which must exist).
    Org(String),
    /// Every active watcher.
    All,
}

/// Result of `watchers reschedule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rescheduled {
    /// Watchers whose `next_run_at` changed.
    pub rescheduled: i64,
}

/// The watchers in scope, locked as a dispatch tick locks them: explicit ids whatever
/// their status (to say why one cannot be rescheduled), else the active ones whose next
/// run is in the future (a due one keeps its slot, and a tick at the same moment must not
/// skip it as locked).
const LOCK_FOR_RESCHEDULE: &str = "
    SELECT id, status, schedule, timezone, next_run_at, spread_seconds
    FROM watchers
    WHERE ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
      AND ($2::text IS NULL OR org_id = $2::text)
      AND ($1::bigint[] IS NOT NULL OR (status = 'active' AND next_run_at > $3))
    ORDER BY id
    FOR NO KEY UPDATE";

/// One statement for all of them, however many.
const RESCHEDULE: &str = "
    UPDATE watchers SET next_run_at = u.next_at, updated_at = $3
    FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, next_at)
    WHERE watchers.id = u.id AND watchers.next_run_at IS DISTINCT FROM u.next_at";

/// Recomputes `next_run_at` of active watchers from `now` (pass the database's clock), the
/// repair after `dispatch --now T` moved next runs past the real clock (SPEC 7): a
/// watcher whose next run is in the future gets the first fire time after `now`, the
/// value create and resume give it; a due one (`next_run_at <= now`) keeps its slot for
/// the next dispatch. Running it twice changes nothing the second time. Set-based: one
/// statement locks the watchers, one updates them all.
///
/// # Errors
/// `not_found` for an unknown watcher id or organisation; `conflict` for an id that is
/// paused (resuming recomputes its next run) or archived.
pub fn reschedule(
    tx: &mut impl GenericClient,
    scope: &RescheduleScope,
    now: DateTime<Utc>,
) -> Result<Rescheduled> {
    let (ids, org) = match scope {
        RescheduleScope::Ids(ids) => (Some(ids.clone()), None),
        RescheduleScope::Org(org) => (None, Some(org.as_str())),
        RescheduleScope::All => (None, None),
    };
    let rows = tx.query(LOCK_FOR_RESCHEDULE, &[&ids, &org, &now])?;
    if let Some(ids) = &ids {
        let found: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        if let Some(missing) = ids.iter().find(|id| !found.contains(id)) {
            return Err(Error::not_found(format!("watcher {missing}")));
        }
        if let Some(r) = rows.iter().find(|r| r.get::<_, &str>(1) != "active") {
            let (id, status): (i64, &str) = (r.get(0), r.get(1));
            return Err(Error::Conflict(if status == "paused" {
                format!(
                    "watcher {id} is paused: `lobu-admin watchers resume {id}` recomputes its \
                     next run"
                )
            } else {
                format!("watcher {id} is {status}")
            }));
        }
    }
    if let (Some(org), true) = (org, rows.is_empty()) {
        crate::orgs::show(tx, org)?;
    }
    let mut cache: std::collections::HashMap<(String, String), Option<Slots>> =
        std::collections::HashMap::new();
    let (mut update_ids, mut update_at) = (Vec::new(), Vec::new());
    for r in &rows {
        let current: Option<DateTime<Utc>> = r.get(4);
        if current.is_some_and(|c| c <= now) {
            continue;
        }
        let key = (r.get::<_, String>(2), r.get::<_, String>(3));
        let spread = Spread::new(i64::from(r.get::<_, i32>(5)), r.get(0));
        let next = cache
            .entry(key)
            .or_insert_with_key(
                |(expr, tz)| match (Schedule::parse(expr), parse_timezone(tz)) {
                    (Ok(s), Ok(tz)) => Some(Slots::new(s, tz)),
                    _ => None,
                },
            )
            .as_mut()
            .and_then(|slots| slots.next_fire(now, spread).ok())
            .map(|f| f.at);
        if let Some(next) = next.filter(|n| current != Some(*n)) {
            update_ids.push(r.get::<_, i64>(0));
            update_at.push(next);
        }
    }
    if update_ids.is_empty() {
        return Ok(Rescheduled { rescheduled: 0 });
    }
    let n = tx.execute(RESCHEDULE, &[&update_ids, &update_at, &now])?;
    Ok(Rescheduled {
        rescheduled: i64::try_from(n).unwrap_or(i64::MAX),
    })
}

/// Result of `watchers archive`.
#[derive(Debug, Clone, Serialize)]
pub struct Archived {
    /// The watcher afterwards.
    pub watcher: Watcher,
    /// Active runs cancelled (0 or 1).
    pub runs_cancelled: i64,
}

/// Archives a watcher and cancels its active run; archiving twice is a no-op.
///
/// # Errors
/// `not_found`.
pub fn archive(tx: &mut impl GenericClient, id: i64, now: DateTime<Utc>) -> Result<Archived> {
    lock_watcher(tx, id)?;
    let cancelled = tx.execute(
        "UPDATE runs SET status = 'cancelled', finished_at = $2, error = 'watcher archived'
         WHERE watcher_id = $1 AND status IN ('pending', 'claimed', 'running')",
        &[&id, &now],
    )?;
    let watcher = set_status(tx, id, "archived", None, None, now)?;
    Ok(Archived {
        watcher,
        runs_cancelled: i64::try_from(cancelled).unwrap_or(i64::MAX),
    })
}

fn set_status(
    tx: &mut impl GenericClient,
    id: i64,
    status: &str,
    reason: Option<&str>,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Watcher> {
    let row = tx.query_one(
        &format!(
            "UPDATE watchers SET status = $2, paused_reason = $3, next_run_at = $4, updated_at = $5
             WHERE id = $1 RETURNING {WATCHER_COLUMNS}"
        ),
        &[&id, &status, &reason, &next, &now],
    )?;
    Ok(watcher_from_row(&row))
}

/// Status filter of `watchers list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StatusFilter {
    /// Active and paused (the default).
    #[default]
    Live,
    /// Active only.
    Active,
    /// Paused only.
    Paused,
    /// Archived only.
    Archived,
    /// Everything.
    All,
}

/// The last run of a watcher, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct LastRun {
    /// Run id.
    pub id: i64,
    /// State.
    pub status: String,
    /// `scheduled` or `manual`.
    pub dispatch_source: String,
    /// Queue time.
    pub queued_at: DateTime<Utc>,
    /// End time.
    pub finished_at: Option<DateTime<Utc>>,
    /// 1 for a first run, k + 1 for the retry of attempt k.
    pub attempt: i32,
    /// The run this one retries.
    pub retry_of: Option<i64>,
}

/// One row of `watchers list`.
#[derive(Debug, Clone, Serialize)]
pub struct WatcherListItem {
    /// Watcher id.
    pub id: i64,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Cron expression.
    pub schedule: String,
    /// Time zone.
    pub timezone: String,
    /// Status.
    pub status: String,
    /// Pinned device.
    pub device_id: Option<Uuid>,
    /// Agent.
    pub agent_id: String,
    /// Next firing, UTC.
    pub next_run_at: Option<DateTime<Utc>>,
    /// Next firing in the watcher's zone (RFC 3339 with offset).
    pub next_run_local: Option<String>,
    /// Last finished run.
    pub last_fired_at: Option<DateTime<Utc>>,
    /// Most recent run (skipped slots excluded).
    pub last_run: Option<LastRun>,
}

/// The statement of `watchers list` (public for the test of its plan).
#[doc(hidden)]
pub const LIST_WATCHERS: &str = "
    SELECT w.id, w.slug, w.name, w.schedule, w.timezone, w.status, w.device_id, w.agent_id,
           w.next_run_at, w.last_fired_at,
           r.id, r.status, r.dispatch_source, r.queued_at, r.finished_at, r.attempt, r.retry_of
    FROM watchers w
    LEFT JOIN LATERAL (
        -- the active run (newer than every run that is not skipped), else the latest
        -- finished that was not skipped: runs_one_active_per_watcher, runs_watcher_last_run
        -- (V12), which covers every column read here, so the list never visits the heap
        (SELECT id, status, dispatch_source, queued_at, finished_at, attempt, retry_of
         FROM runs
         WHERE runs.watcher_id = w.id AND runs.status IN ('pending', 'claimed', 'running'))
        UNION ALL
        (SELECT id, status, dispatch_source, queued_at, finished_at, attempt, retry_of
         FROM runs
         WHERE runs.watcher_id = w.id
           AND runs.status IN ('completed', 'failed', 'timeout', 'cancelled')
         ORDER BY id DESC
         LIMIT 1)
        ORDER BY id DESC
        LIMIT 1
    ) r ON true
    WHERE w.org_id = $1
      AND ($2::uuid IS NULL OR w.device_id = $2)
      AND CASE $3::text
            WHEN 'live' THEN w.status <> 'archived'
            WHEN 'all' THEN true
            ELSE w.status = $3::text
          END
    ORDER BY w.id
    LIMIT $4";

/// Lists an organisation's watchers with their last run, in one query (no N+1); the
/// organisation is looked up in a statement sent with it, to tell an empty list from an
/// unknown organisation.
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn list(
    client: &mut impl GenericClient,
    org_id: &str,
    device: Option<Uuid>,
    status: StatusFilter,
    limit: i64,
) -> Result<Vec<WatcherListItem>> {
    list_via(
        &mut |s| crate::db::flight::in_order(client, s),
        org_id,
        device,
        status,
        limit,
    )
}

/// [`list`]'s statements sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// As [`list`].
pub fn list_via(
    send: &mut crate::db::flight::Send<'_>,
    org_id: &str,
    device: Option<Uuid>,
    status: StatusFilter,
    limit: i64,
) -> Result<Vec<WatcherListItem>> {
    let filter = match status {
        StatusFilter::Live => "live",
        StatusFilter::Active => "active",
        StatusFilter::Paused => "paused",
        StatusFilter::Archived => "archived",
        StatusFilter::All => "all",
    };
    let rows = send(&[
        (
            LIST_WATCHERS,
            &[p(&org_id), p(&device), p(&filter), p(&limit)],
        ),
        (crate::orgs::SHOW, &[p(&org_id)]),
    ])?;
    Ok(
        crate::db::flight::listed(&rows, &[format!("organization {org_id}")])?
            .iter()
            .map(|r| {
                let timezone: String = r.get(4);
                let next: Option<DateTime<Utc>> = r.get(8);
                let next_local = match (next, parse_timezone(&timezone)) {
                    (Some(n), Ok(tz)) => Some(FireTime::new(n, tz).at_local),
                    _ => None,
                };
                let run_id: Option<i64> = r.get(10);
                WatcherListItem {
                    id: r.get(0),
                    slug: r.get(1),
                    name: r.get(2),
                    schedule: r.get(3),
                    timezone,
                    status: r.get(5),
                    device_id: r.get(6),
                    agent_id: r.get(7),
                    next_run_at: next,
                    next_run_local: next_local,
                    last_fired_at: r.get(9),
                    last_run: run_id.map(|id| LastRun {
                        id,
                        status: r.get(11),
                        dispatch_source: r.get(12),
                        queued_at: r.get(13),
                        finished_at: r.get(14),
                        attempt: r.get(15),
                        retry_of: r.get(16),
                    }),
                }
            })
            .collect(),
    )
}

/// `watchers show`: a watcher and its recent runs.
#[derive(Debug, Clone, Serialize)]
pub struct WatcherDetail {
    /// The watcher.
    #[serde(flatten)]
    pub watcher: Watcher,
    /// Next firing in its zone.
    pub next_run_local: Option<String>,
    /// Up to 10 most recent runs, newest first.
    pub recent_runs: Vec<Run>,
}

/// Shows a watcher with its 10 most recent runs.
///
/// # Errors
/// `not_found`.
pub fn show(client: &mut impl GenericClient, id: i64) -> Result<WatcherDetail> {
    let watcher = get(client, id)?;
    let runs = client.query_typed(&recent_runs_sql(), &[(&id, Type::INT8)])?;
    Ok(detail(watcher, &runs))
}

/// The 10 most recent runs of watcher `$1`.
fn recent_runs_sql() -> String {
    format!(
        "SELECT {RUN_COLUMNS} FROM (
             (SELECT * FROM runs
              WHERE watcher_id = $1 AND status IN ('pending', 'claimed', 'running'))
             UNION ALL
             (SELECT * FROM runs WHERE watcher_id = $1 AND finished_at IS NOT NULL
              ORDER BY id DESC LIMIT 10)
         ) runs
         ORDER BY id DESC LIMIT 10"
    )
}

fn detail(watcher: Watcher, runs: &[postgres::Row]) -> WatcherDetail {
    let next_run_local = match (watcher.next_run_at, parse_timezone(&watcher.timezone)) {
        (Some(n), Ok(tz)) => Some(FireTime::new(n, tz).at_local),
        _ => None,
    };
    WatcherDetail {
        watcher,
        next_run_local,
        recent_runs: runs.iter().map(run_from_row).collect(),
    }
}

/// [`show`] in one flight (see [`mod@crate::db::flight`]); returns the transaction's clock
/// too.
///
/// # Errors
/// As [`show`].
pub fn show_in_flight(
    client: &mut crate::db::Client,
    id: i64,
) -> Result<(WatcherDetail, DateTime<Utc>)> {
    let (watcher_sql, runs_sql) = (
        format!("SELECT {WATCHER_COLUMNS} FROM watchers WHERE id = $1"),
        recent_runs_sql(),
    );
    let key: [(&(dyn ToSql + Sync), Type); 1] = [(&id, Type::INT8)];
    let landed = crate::db::flight(client, &[(&watcher_sql, &key), (&runs_sql, &key)])?;
    let watcher = landed
        .first(0)
        .map(watcher_from_row)
        .ok_or_else(|| Error::not_found(format!("watcher {id}")))?;
    Ok((detail(watcher, &landed.rows[1]), landed.now))
}

/// Loads one watcher.
///
/// # Errors
/// `not_found`.
pub fn get(client: &mut impl GenericClient, id: i64) -> Result<Watcher> {
    get_via(&mut |s| crate::db::flight::in_order(client, s), id)
}

/// [`get`]'s statement sent by `send` (see [`crate::db::flight::Send`]).
///
/// # Errors
/// As [`get`].
pub fn get_via(send: &mut crate::db::flight::Send<'_>, id: i64) -> Result<Watcher> {
    let rows = send(&[(
        &format!("SELECT {WATCHER_COLUMNS} FROM watchers WHERE id = $1"),
        &[crate::db::typed::p(&id)],
    )])?;
    rows.first()
        .and_then(|r| r.first())
        .map(watcher_from_row)
        .ok_or_else(|| Error::not_found(format!("watcher {id}")))
}

/// The next `count` fire times of a watcher after `from`.
///
/// # Errors
/// `not_found`.
pub fn next_times(
    client: &mut impl GenericClient,
    id: i64,
    from: DateTime<Utc>,
    count: usize,
) -> Result<Vec<FireTime>> {
    upcoming(&get(client, id)?, from, count)
}

/// The next `count` fire times of watcher `w` after `from`.
///
/// # Errors
/// `invalid_input` for a schedule or time zone this build cannot read.
pub fn upcoming(w: &Watcher, from: DateTime<Utc>, count: usize) -> Result<Vec<FireTime>> {
    Schedule::parse(&w.schedule)?.upcoming_spread(
        parse_timezone(&w.timezone)?,
        from,
        count,
        Spread::new(i64::from(w.spread_seconds), w.id),
    )
}

/// Who triggers: a device token's principal, or an operator.
#[derive(Debug, Clone)]
pub enum Trigger {
    /// A device: the watcher must be in its organisation and pinned to it.
    Device(Principal),
    /// An operator: no pin check.
    Admin,
}

/// Result of `watchers trigger`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TriggerOutcome {
    /// The new run, or the active one.
    pub run_id: i64,
    /// The watcher.
    pub watcher_id: i64,
    /// The run's state.
    pub status: String,
    /// True when a run was already active and nothing was inserted.
    pub already_queued: bool,
    /// `manual` for a new run; the active run's source otherwise.
    pub dispatch_source: String,
    /// Who queued the returned run.
    pub triggered_by: String,
    /// When the returned run was queued.
    pub queued_at: DateTime<Utc>,
    /// The returned run's attempt: 1 for a first run, k + 1 for the retry of attempt k.
    pub attempt: i32,
    /// The run the returned one retries.
    pub retry_of: Option<i64>,
}

/// One statement: look the watcher up, and insert a manual run when every check passes;
/// the partial unique index turns a second trigger into DO NOTHING. Returns the watcher
/// facts, and the inserted run or the active one visible to this statement.
/// The statement of a trigger (`$1` watcher id, `$2` the token's organisation or NULL, `$3`
/// its device or NULL, `$4` `triggered_by`, `$5` the clock, `$6` the actor to record in
/// the audit trail or NULL); public for the benchmarks, which run it as the floor of
/// `watchers trigger`. In a flight, NULL organisation, device and `triggered_by` come from
/// the token authenticated before it ([`crate::tokens::principal!`]), a NULL clock is
/// `now()`. The audit event rides in the same statement (no round trip of its own), written
/// only when `$6` is given and a run is returned, by `device:<uuid>` for a device's trigger
/// and `$6` for an administrator's, and rolled back with the trigger when a check fails.
/// The watcher's row is read `FOR KEY SHARE` (the lock the run's foreign key takes on it
/// anyway), so that a trigger racing `agents delete` either queues before the delete
/// cancels the agent's runs or finds the watcher paused ([`crate::agents::delete_guarded`]).
#[doc(hidden)]
pub const TRIGGER: &str = concat!(
    "
    WITH w AS (
        SELECT w.id, w.org_id, w.status, w.agent_id, w.device_id,
               EXISTS (SELECT 1 FROM agents a WHERE a.org_id = w.org_id AND a.id = w.agent_id)
                   AS agent_exists,
               EXISTS (SELECT 1 FROM organizations o
                       WHERE o.id = w.org_id AND o.deleting_at IS NOT NULL) AS org_deleting
        FROM watchers w
        WHERE w.id = $1
        FOR KEY SHARE OF w
    ), caller AS (
        SELECT coalesce($2, ",
    crate::tokens::principal!(org),
    ") AS org, coalesce($3, ",
    crate::tokens::principal!(device),
    ") AS device, coalesce($4, 'device:' || ",
    crate::tokens::principal!(device),
    ") AS who
    ), ins AS (
        INSERT INTO runs (org_id, watcher_id, agent_id, device_id, dispatch_source,
                          triggered_by, queued_at)
        SELECT w.org_id, w.id, w.agent_id, w.device_id, 'manual', caller.who, coalesce($5, now())
        FROM w, caller
        WHERE (caller.org IS NULL OR w.org_id = caller.org)
          AND (caller.device IS NULL OR w.device_id = caller.device)
          AND w.status = 'active'
          AND w.agent_exists
          AND NOT w.org_deleting
        ON CONFLICT (watcher_id) WHERE status IN ('pending', 'claimed', 'running') DO NOTHING
        RETURNING id, status, dispatch_source, triggered_by, queued_at, attempt, retry_of
    ), active AS (
        SELECT r.id, r.status, r.dispatch_source, r.triggered_by, r.queued_at, r.attempt,
               r.retry_of
        FROM runs r
        WHERE r.watcher_id = $1 AND r.status IN ('pending', 'claimed', 'running')
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT coalesce($5, now()),
               CASE WHEN caller.device IS NULL THEN $6 ELSE 'device:' || caller.device END,
               'watchers trigger', w.org_id, 'watcher', w.id::text,
               CASE WHEN ins.id IS NOT NULL THEN 'queued' ELSE 'already_queued' END,
               jsonb_build_object('run_id', coalesce(ins.id, active.id))
        FROM w
        CROSS JOIN caller
        LEFT JOIN ins ON true
        LEFT JOIN active ON ins.id IS NULL
        WHERE $6::text IS NOT NULL
          AND coalesce(ins.id, active.id) IS NOT NULL
          AND (caller.org IS NULL OR w.org_id = caller.org)
          AND (caller.device IS NULL OR w.device_id = caller.device)
          AND w.status = 'active'
          AND w.agent_exists
          AND NOT w.org_deleting
    )
    SELECT w.org_id, w.status, w.agent_exists, w.device_id,
           coalesce(ins.id, active.id), coalesce(ins.status, active.status),
           coalesce(ins.dispatch_source, active.dispatch_source),
           coalesce(ins.triggered_by, active.triggered_by),
           coalesce(ins.queued_at, active.queued_at),
           ins.id IS NOT NULL, w.org_deleting,
           coalesce(ins.attempt, active.attempt), coalesce(ins.retry_of, active.retry_of)
    FROM w
    LEFT JOIN ins ON true
    LEFT JOIN active ON ins.id IS NULL"
);

const ACTIVE_RUN: &str = "
    SELECT id, status, dispatch_source, triggered_by, queued_at, attempt, retry_of
    FROM runs
    WHERE watcher_id = $1 AND status IN ('pending', 'claimed', 'running')";

/// Queues a manual run of a watcher, or returns its active run with `already_queued`.
/// Never changes `next_run_at` or `last_fired_at`.
///
/// Race-free: the insert is `ON CONFLICT DO NOTHING` against `runs_one_active_per_watcher`;
/// nothing is checked before inserting. Usually one statement, sent with typed parameters
/// (one round trip). Long-lived connections should use [`PreparedTrigger`].
///
/// # Errors
/// In SPEC 5's order: `not_found` (absent, or another organisation's), `forbidden` (not
/// pinned to the token's device), `conflict` (organisation being deleted, paused, archived,
/// agent gone).
pub fn trigger(
    client: &mut impl GenericClient,
    id: i64,
    who: &Trigger,
    now: DateTime<Utc>,
) -> Result<TriggerOutcome> {
    trigger_with(client, None, id, who, None, now)
}

/// As [`trigger`], and records the audit event (`watchers trigger`, outcome `queued` or
/// `already_queued`) in the trigger's own statement: by `device:<uuid>` for a device, by
/// `operator` for `--admin`.
///
/// # Errors
/// As [`trigger`].
pub fn trigger_recorded(
    client: &mut impl GenericClient,
    id: i64,
    who: &Trigger,
    operator: &Actor,
    now: DateTime<Utc>,
) -> Result<TriggerOutcome> {
    trigger_with(client, None, id, who, Some(operator), now)
}

/// The trigger statements prepared on one connection, so the server plans them once:
/// about four times the throughput of [`trigger`] for a worker that triggers repeatedly.
#[derive(Debug, Clone)]
pub struct PreparedTrigger {
    trigger: Statement,
    active: Statement,
}

impl PreparedTrigger {
    /// Prepares the statements on `client`; use them only on that connection.
    ///
    /// # Errors
    /// Database failures.
    pub fn new(client: &mut impl GenericClient) -> Result<Self> {
        Ok(Self {
            trigger: client.prepare_typed(TRIGGER, &TRIGGER_TYPES)?,
            active: client.prepare_typed(ACTIVE_RUN, &[Type::INT8])?,
        })
    }

    /// As [`trigger`], with the prepared statements.
    ///
    /// # Errors
    /// As [`trigger`].
    pub fn trigger(
        &self,
        client: &mut impl GenericClient,
        id: i64,
        who: &Trigger,
        now: DateTime<Utc>,
    ) -> Result<TriggerOutcome> {
        trigger_with(client, Some(self), id, who, None, now)
    }
}

const TRIGGER_TYPES: [Type; 6] = [
    Type::INT8,
    Type::TEXT,
    Type::UUID,
    Type::TEXT,
    Type::TIMESTAMPTZ,
    Type::TEXT,
];

fn trigger_with(
    client: &mut impl GenericClient,
    prepared: Option<&PreparedTrigger>,
    id: i64,
    who: &Trigger,
    operator: Option<&Actor>,
    now: DateTime<Utc>,
) -> Result<TriggerOutcome> {
    let (org, device) = caller(who);
    let by = match who {
        Trigger::Device(p) => format!("device:{}", p.device_id),
        Trigger::Admin => "admin".to_string(),
    };
    let actor = operator.map(|op| match who {
        Trigger::Device(p) => Actor::device(p.device_id),
        Trigger::Admin => op.clone(),
    });
    let actor_name = actor.as_ref().map(Actor::as_str);
    let params: [&(dyn ToSql + Sync); 6] = [&id, &org, &device, &by, &now, &actor_name];
    let typed: Vec<(&(dyn ToSql + Sync), Type)> = params
        .iter()
        .copied()
        .zip(TRIGGER_TYPES.iter().cloned())
        .collect();
    for _ in 0..10 {
        let row = match prepared {
            Some(p) => client.query_opt(&p.trigger, &params)?,
            None => client.query_typed_opt(TRIGGER, &typed)?,
        };
        let run = match triggered(id, who, row.as_ref())? {
            Triggered::Run(outcome) => return Ok(outcome),
            // A concurrent trigger committed after this statement's snapshot: read it now.
            Triggered::Concurrent { org } => match prepared {
                Some(p) => client.query_opt(&p.active, &[&id])?,
                None => client.query_typed_opt(ACTIVE_RUN, &[(&id, Type::INT8)])?,
            }
            .map(|r| (r, org)),
        };
        if let Some((r, w_org)) = run {
            let run_id: i64 = r.get(0);
            if let Some(actor) = &actor {
                // the active run was found by the second look-up: the statement recorded
                // nothing, so record it here (a rare race, one more round trip)
                crate::audit::record(
                    client,
                    actor,
                    now,
                    &crate::audit::Event::new(
                        "watchers trigger",
                        Some(&w_org),
                        crate::audit::Target::new("watcher", id),
                        "already_queued",
                    )
                    .details(serde_json::json!({ "run_id": run_id })),
                )?;
            }
            return Ok(TriggerOutcome {
                run_id,
                watcher_id: id,
                status: r.get(1),
                already_queued: true,
                dispatch_source: r.get(2),
                triggered_by: r.get(3),
                queued_at: r.get(4),
                attempt: r.get(5),
                retry_of: r.get(6),
            });
        }
        // The active run ended in between: try again.
    }
    Err(Error::Conflict(format!(
        "watcher {id}: could not queue a run under contention; retry"
    )))
}

/// The organisation and device a trigger is limited to (none for an administrator).
fn caller(who: &Trigger) -> (Option<&str>, Option<Uuid>) {
    match who {
        Trigger::Device(p) => (Some(p.org_id.as_str()), Some(p.device_id)),
        Trigger::Admin => (None, None),
    }
}

/// What a [`TRIGGER`] statement's row says.
enum Triggered {
    /// The run queued, or the active one.
    Run(TriggerOutcome),
    /// Neither: a concurrent trigger's run is not visible to the statement's snapshot.
    Concurrent {
        /// The watcher's organisation.
        org: String,
    },
}

/// Reads a [`TRIGGER`] statement's row, in SPEC 5's order of refusals.
fn triggered(id: i64, who: &Trigger, row: Option<&postgres::Row>) -> Result<Triggered> {
    let (org, device) = caller(who);
    let row = row.ok_or_else(|| Error::not_found(format!("watcher {id}")))?;
    let w_org: String = row.get(0);
    let status: String = row.get(1);
    let agent_exists: bool = row.get(2);
    let pin: Option<Uuid> = row.get(3);
    if org.is_some_and(|o| o != w_org) {
        return Err(Error::not_found(format!("watcher {id}")));
    }
    if device.is_some() && pin != device {
        return Err(Error::Forbidden(format!(
            "watcher {id} is not pinned to this device"
        )));
    }
    if row.get::<_, bool>(10) {
        return Err(crate::orgs::being_deleted(&w_org));
    }
    if status != "active" {
        return Err(Error::Conflict(format!("watcher {id} is {status}")));
    }
    if !agent_exists {
        return Err(Error::Conflict(format!(
            "watcher {id} cannot run: its agent no longer exists"
        )));
    }
    Ok(match row.get::<_, Option<i64>>(4) {
        Some(run_id) => Triggered::Run(TriggerOutcome {
            run_id,
            watcher_id: id,
            status: row.get(5),
            already_queued: !row.get::<_, bool>(9),
            dispatch_source: row.get(6),
            triggered_by: row.get(7),
            queued_at: row.get(8),
            attempt: row.get(11),
            retry_of: row.get(12),
        }),
        None => Triggered::Concurrent { org: w_org },
    })
}

/// `watchers trigger` in one flight (see [`mod@crate::db::flight`]): with a token, its
/// authentication and the trigger; without, the trigger as an administrator. Returns who
/// triggered, and the transaction's clock. The audit event (as [`trigger_recorded`], by
/// `operator` for an administrator) rides in the trigger's statement. Under contention (the
/// active run a concurrent trigger queued is not visible to the statement) it retries in
/// transactions of its own.
///
/// # Errors
/// As [`trigger`], and `forbidden` for a refused token, `conflict` for a token whose
/// organisation is being deleted.
pub fn trigger_in_flight(
    client: &mut crate::db::Client,
    id: i64,
    token: Option<&crate::tokens::Token>,
    operator: &Actor,
) -> Result<(TriggerOutcome, Trigger, DateTime<Utc>)> {
    let auth = token.map(crate::tokens::InFlight::new);
    let auth_params = auth.as_ref().map(crate::tokens::InFlight::params);
    let by: Option<&str> = if token.is_none() { Some("admin") } else { None };
    let (org, device, at): (Option<&str>, Option<Uuid>, Option<DateTime<Utc>>) = (None, None, None);
    use crate::db::typed::p;
    let actor = Some(operator.as_str());
    let params = [p(&id), p(&org), p(&device), p(&by), p(&at), p(&actor)];
    let mut statements = Vec::with_capacity(2);
    if let Some(a) = &auth_params {
        statements.push((crate::tokens::InFlight::SQL, &a[..]));
    }
    statements.push((TRIGGER, &params[..]));
    let landed = crate::db::flight(client, &statements)?;
    let who = match auth {
        Some(_) => Trigger::Device(crate::tokens::InFlight::principal(landed.first(0))?),
        None => Trigger::Admin,
    };
    match triggered(id, &who, landed.first(statements.len() - 1))? {
        Triggered::Run(outcome) => Ok((outcome, who, landed.now)),
        Triggered::Concurrent { .. } => {
            let (outcome, now) = crate::db::in_tx_at(client, |tx, now| {
                trigger_recorded(tx, id, &who, operator, now)
            })?;
            Ok((outcome, who, now))
        }
    }
}
