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
use crate::devices::DeviceRef;
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

/// The columns of [`WATCHER_COLUMNS`], for statements built with `concat!`.
macro_rules! watcher_columns {
    () => {
        "id, org_id, slug, name, prompt, extraction_schema, schedule, timezone, status, \
         paused_reason, agent_id, device_id, created_by, min_cooldown_seconds, next_run_at, \
         last_fired_at, created_at, updated_at, spread_seconds, catch_up_window_seconds, \
         retries, retry_delay_seconds"
    };
}

const WATCHER_COLUMNS: &str = watcher_columns!();

fn watcher_from_row(r: &postgres::Row) -> Watcher {
    watcher_at(r, 0)
}

/// The watcher in the columns of `r` from `o` on.
fn watcher_at(r: &postgres::Row, o: usize) -> Watcher {
    Watcher {
        id: r.get(o),
        org_id: r.get(o + 1),
        slug: r.get(o + 2),
        name: r.get(o + 3),
        prompt: r.get(o + 4),
        extraction_schema: r.get(o + 5),
        schedule: r.get(o + 6),
        timezone: r.get(o + 7),
        status: r.get(o + 8),
        paused_reason: r.get(o + 9),
        agent_id: r.get(o + 10),
        device_id: r.get(o + 11),
        created_by: r.get(o + 12),
        min_cooldown_seconds: r.get(o + 13),
        next_run_at: r.get(o + 14),
        last_fired_at: r.get(o + 15),
        created_at: r.get(o + 16),
        updated_at: r.get(o + 17),
        spread_seconds: r.get(o + 18),
        catch_up_window_seconds: r.get(o + 19),
        retries: r.get(o + 20),
        retry_delay_seconds: r.get(o + 21),
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
/// (the spread depends on its id, so this is computed once the id is known), skipping a
/// slot up to `fired`, the latest slot that has a run ([`Slots::next_unfired`]).
///
/// # Errors
/// `invalid_input` for a schedule that never fires.
pub fn first_fire(
    schedule: &Schedule,
    tz: Tz,
    id: i64,
    spread_seconds: i32,
    now: DateTime<Utc>,
    fired: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>> {
    Ok(Slots::new(schedule.clone(), tz)
        .next_unfired(now, Spread::new(i64::from(spread_seconds), id), fired)?
        .at)
}

/// The latest slot that has a run of watcher `$w` (an SQL expression), `NULL` when none:
/// the slot guard's `fired` ([`Slots::next_unfired`], `next_fire_sql!`). The latest of
/// its finished runs' slots (`runs_watcher_fired`, V14) and its active run's
/// (`runs_one_active_per_watcher`): a retry of an older slot queued after a newer one ran
/// is no reason to fire the newer one again. A run cancelled before a device claimed it
/// does not count: that slot never ran (an operator's cancel, the way out `dispatch --now`
/// ahead of the clock names, or a forced `agents delete`), and may be given back; one
/// cancelled after a claim may have run, and counts.
macro_rules! fired_slot_sql {
    ($w:literal) => {
        concat!(
            "(SELECT max(f.s) FROM (SELECT max(r.scheduled_for) AS s FROM runs r \
             WHERE r.watcher_id = ",
            $w,
            " AND r.scheduled_for IS NOT NULL \
             AND (r.status IN ('completed', 'failed', 'timeout', 'skipped') \
                  OR r.status = 'cancelled' AND r.claimed_at IS NOT NULL) \
             UNION ALL SELECT r.scheduled_for FROM runs r WHERE r.watcher_id = ",
            $w,
            " AND r.status IN ('pending', 'claimed', 'running')) f)"
        )
    };
}

/// The fire instant of a watcher whose spread changes from `old_spread` to `new_spread`
/// (schedule and zone unchanged) and whose next run was `old`: the slot `old` belongs to
/// stays the next slot, fired at that slot plus the new offset, even when that instant has
/// passed (then it is due at the next tick). What `watchers update` computes in SQL
/// (`kept_fire_sql!`), for `seed --update`.
pub fn kept_fire(
    schedule: &Schedule,
    tz: Tz,
    id: i64,
    old: DateTime<Utc>,
    old_spread: i32,
    new_spread: i32,
) -> DateTime<Utc> {
    let mut slots = Slots::new(schedule.clone(), tz);
    let slot = slots.slot_of(old, Spread::new(i64::from(old_spread), id));
    slots.fire_of(slot, Spread::new(i64::from(new_spread), id))
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

/// [`Spread::fraction`] of the watcher id `$id` (an SQL expression) in SQL, as a numeric
/// in `[0, 2^64)`: SplitMix64's finaliser over `bit(64)` (xor, shifts) and numeric
/// (products modulo 2^64), so that a statement that learns the id as it inserts the row
/// can place the slot's spread offset itself.
macro_rules! spread_fraction {
    ($id:literal) => {
        concat!(
            "(SELECT b3::bigint::numeric+CASE WHEN b3::bigint<0 THEN 18446744073709551616 ELSE 0 END \
             FROM (SELECT b2#(b2>>31) b3 FROM (SELECT (CASE WHEN z2>=9223372036854775808 \
             THEN z2-18446744073709551616 ELSE z2 END)::bigint::bit(64) b2 FROM \
             (SELECT mod((x2::bigint::numeric+CASE WHEN x2::bigint<0 THEN 18446744073709551616 \
             ELSE 0 END)*10723151780598845931,18446744073709551616) z2 FROM \
             (SELECT b1#(b1>>27) x2 FROM (SELECT (CASE WHEN z1>=9223372036854775808 \
             THEN z1-18446744073709551616 ELSE z1 END)::bigint::bit(64) b1 FROM \
             (SELECT mod((x1::bigint::numeric+CASE WHEN x1::bigint<0 THEN 18446744073709551616 \
             ELSE 0 END)*13787848793156543929,18446744073709551616) z1 FROM \
             (SELECT b0#(b0>>30) x1 FROM (SELECT (CASE WHEN z0>=9223372036854775808 \
             THEN z0-18446744073709551616 ELSE z0 END)::bigint::bit(64) b0 FROM \
             (SELECT mod(mod(",
            $id,
            "::numeric+11400714819323198485,18446744073709551616)+18446744073709551616,\
             18446744073709551616) z0) s0) s1) s2) s3) s4) s5) s6) s7) s8)"
        )
    };
}

/// The first fire instant of watcher `$id` with spread `$spread` (SQL expressions) after
/// the clock `$clock` (a parameter; `NULL`: the database's `now()`): among the slots
/// `$slots` that the host computed around its own clock ([`Fires::around`], with one more
/// slot at the end for the last one's gap), each slot plus its spread's offset
/// ([`Spread::offset`]: at most the time to the next slot), the first after the clock. The mechanism of a first Mac's daily
/// check-in ([`crate::provisioning::fire_times_around`]) with a spread: when the clock is
/// not inside the window (`$from`, the last slot but one), the host's clock is more than a day off
/// and the statement raises `clock` (see [`crate::db::flight::CLOCK`]).
macro_rules! next_fire_sql {
    ($id:literal, $spread:literal, $clock:literal, $from:literal, $slots:literal) => {
        next_fire_sql!([spread_fraction!($id)] $id, $spread, $clock, $from, $slots, "NULL")
    };
    // `[fraction]`: the id's fraction computed already (an SQL expression); `$fired`: the
    // latest slot that has a run (`NULL`: none), which is not fired again unless no other
    // candidate is left
    ([$($frac:tt)*] $id:literal, $spread:literal, $clock:literal, $from:literal,
     $slots:literal, $fired:expr) => {
        concat!(
            "CASE WHEN ",
            $from,
            "<=coalesce(",
            $clock,
            ",now()) AND (SELECT s FROM unnest(",
            $slots,
            "::timestamptz[]) s ORDER BY s DESC OFFSET 1 LIMIT 1)>coalesce(",
            $clock,
            ",now()) THEN (SELECT coalesce(min(f.at) FILTER (WHERE f.s>coalesce((",
            $fired,
            ")::timestamptz,'-infinity'::timestamptz)),min(f.at)) FROM (SELECT c.s,c.s+CASE WHEN ",
            $spread,
            ">0 THEN floor(",
            $($frac)*,
            "*greatest(least((",
            $spread,
            ")::numeric,extract(epoch FROM c.next-c.s)),0)/18446744073709551616)::float8 \
             ELSE 0 END*interval '1 second' AS at FROM (SELECT s, lead(s) OVER (ORDER BY s) AS next \
             FROM unnest(",
            $slots,
            "::timestamptz[]) s) c WHERE c.next IS NOT NULL) f WHERE f.at>coalesce(",
            $clock,
            ",now())) ELSE to_timestamp(('lobu-abort:clock:'||",
            $id,
            ")::int) END"
        )
    };
}

/// The fire instant of a watcher (its id's [`spread_fraction!`] `$frac`) when only its
/// spread changes (to `$spread`, from
/// `$old_spread`, SQL expressions): the slot of its next run `$old` stays the next slot
/// (the latest candidate slot in `(old - old_spread, old]`, or `old` itself, as
/// [`crate::schedule::Slots::slot_of`] reads it), fired at that slot plus the new offset,
/// even when that instant has passed (a lowered spread: due at the next tick, which derives
/// the same slot from it). `NULL` when the candidates `$slots`
/// (see [`next_fire_sql!`]) do not hold the slot and the next one: the caller then takes
/// the first fire instant after the clock.
macro_rules! kept_fire_sql {
    ($frac:literal, $spread:literal, $old:literal, $old_spread:literal, $from:literal,
     $slots:literal) => {
        concat!(
            "(SELECT x.s+CASE WHEN ",
            $spread,
            ">0 THEN floor(",
            $frac,
            "*greatest(least((",
            $spread,
            ")::numeric,extract(epoch FROM x.n-x.s)),0)/18446744073709551616)::float8 \
             ELSE 0 END*interval '1 second' FROM (SELECT sl.s,(SELECT min(c) FROM unnest(",
            $slots,
            "::timestamptz[]) c WHERE c>sl.s) AS n FROM (SELECT coalesce((SELECT max(c) \
             FROM unnest(",
            $slots,
            "::timestamptz[]) c WHERE c<=",
            $old,
            " AND c>",
            $old,
            "-(",
            $old_spread,
            ")*interval '1 second'),",
            $old,
            ") AS s) sl) x WHERE x.n IS NOT NULL AND ",
            $old,
            "-(",
            $old_spread,
            ")*interval '1 second'>=",
            $from,
            "-interval '1 day')"
        )
    };
}

/// `due_since` of a watcher whose next slot is kept at the new instant `$kept` (SQL
/// expressions; `NULL` when the slot is not kept): the moment the slot fell due when that
/// is later than `$kept` (migration V15), else `NULL`. The slot fell due at its old instant
/// `$next` (or the `due_since` `$due` an earlier change gave it) if that has passed at
/// `$clock`, else now, when `$kept` has passed. Written by `watchers update` and
/// `seed --update`.
macro_rules! fell_due_sql {
    ($next:literal, $due:literal, $kept:literal, $clock:literal) => {
        concat!(
            "CASE WHEN ",
            $kept,
            " < least(greatest(",
            $next,
            ", ",
            $due,
            "), ",
            $clock,
            ") THEN least(greatest(",
            $next,
            ", ",
            $due,
            "), ",
            $clock,
            ") END"
        )
    };
}
pub(crate) use fell_due_sql;

/// The new `next_run_at` of a watcher whose next slot is kept at the new instant `$kept`
/// (as [`fell_due_sql!`]; `NULL` when not kept): that instant, unless the slot is due
/// already at `$clock`, since its old instant `$next` or its `due_since` `$due`: then no
/// later than that moment, so that a raised spread does not make a slot that an outage
/// missed look punctual (it stays the same slot: the new offset is larger).
macro_rules! kept_at_sql {
    ($next:literal, $due:literal, $kept:literal, $clock:literal) => {
        concat!(
            "CASE WHEN ",
            $kept,
            " IS NOT NULL AND greatest(",
            $next,
            ", ",
            $due,
            ") <= ",
            $clock,
            " THEN least(",
            $kept,
            ", greatest(",
            $next,
            ", ",
            $due,
            ")) ELSE ",
            $kept,
            " END"
        )
    };
}
pub(crate) use kept_at_sql;

/// The candidate slots of a schedule in a zone around a clock, for [`next_fire_sql!`]:
/// every slot from a day (plus the longest spread) before the clock to the first more than
/// a day after it. `NULL`s (no candidates) when the schedule is not known yet.
#[derive(Debug, Default)]
struct Fires {
    schedule: Option<String>,
    zone: Option<String>,
    from: Option<DateTime<Utc>>,
    slots: Vec<DateTime<Utc>>,
}

impl Fires {
    fn around(schedule: &Schedule, tz: Tz, estimate: DateTime<Utc>) -> Result<Self> {
        let window = chrono::Duration::days(1);
        let from = estimate - window;
        let start = from - chrono::Duration::seconds(i64::from(MAX_SPREAD_SECONDS));
        let mut slots = schedule.slots_between(tz, start, estimate + window)?;
        // the slot after the last: its gap bounds the last one's offset
        if let Some(next) = slots.last().and_then(|l| schedule.next_after(tz, *l).ok()) {
            slots.push(next);
        }
        Ok(Self {
            schedule: Some(schedule.as_str().to_string()),
            zone: Some(tz.name().to_string()),
            from: Some(from),
            slots,
        })
    }

    /// For the schedule and zone names a row holds.
    fn of(schedule: &str, zone: &str, estimate: DateTime<Utc>) -> Result<Self> {
        Self::around(&Schedule::parse(schedule)?, parse_timezone(zone)?, estimate)
    }
}

/// The parameters of a device reference (`$id`, `$org`, `$worker`), as
/// [`crate::tokens`]'s statements take them.
fn device_params(device: Option<&DeviceRef>) -> (Option<Uuid>, Option<&str>, Option<&str>) {
    match device {
        None => (None, None, None),
        Some(DeviceRef::Id(id)) => (Some(*id), None, None),
        Some(DeviceRef::Worker { org_id, worker_key }) => {
            (None, Some(org_id.as_str()), Some(worker_key.as_str()))
        }
    }
}

/// The pinned device of a statement's row (`ids` and `users` at `i`, `i + 1`): the
/// reference's error when it matched no device or several (before anything else, as
/// resolving it first did).
fn resolved(device: Option<&DeviceRef>, row: &postgres::Row, i: usize) -> Result<Option<Uuid>> {
    let Some(r) = device else { return Ok(None) };
    let (ids, users): (Vec<Uuid>, Vec<String>) = (row.get(i), row.get(i + 1));
    match (r, ids.as_slice()) {
        (DeviceRef::Id(id), _) => Ok(Some(*id)),
        (_, [one]) => Ok(Some(*one)),
        _ => Err(crate::devices::unresolved(r, &ids, &users)),
    }
}

fn device_elsewhere(device: Option<Uuid>, org: &str) -> Error {
    Error::not_found(format!(
        "device {} in organization {org}",
        device.map(|d| d.to_string()).unwrap_or_default()
    ))
}

/// The audit event of a change, in the statement that makes it (`$actor` `NULL`: none).
macro_rules! record_change {
    ($source:literal, $clock:literal, $actor:literal, $command:literal, $outcome:literal, $details:literal) => {
        concat!(
            "INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                       outcome, details)
             SELECT coalesce(",
            $clock,
            ", now()), ",
            $actor,
            ", '",
            $command,
            "', x.org_id, 'watcher', x.id::text, '",
            $outcome,
            "', ",
            $details,
            "
             FROM ",
            $source,
            " x WHERE ",
            $actor,
            "::text IS NOT NULL"
        )
    };
}

/// `watchers create` in one statement: `$1` organisation, `$2` slug, `$3` name, `$4` prompt,
/// `$5` extraction schema, `$6` schedule, `$7` zone, `$8` agent, `$9`/`$10`/`$11` the device
/// ([`crate::devices::device_candidates!`]), `$12` creator, `$13` cool-down, `$14`-`$17` timing, `$18` the
/// clock (`NULL`: `now()`), `$19` the actor to record or `NULL`, `$20`/`$21` the candidate
/// fire instants ([`next_fire_sql!`]). The checks and the insert together: the organisation,
/// the agent (`FOR KEY SHARE`, as [`crate::agents::exists`]) and the device are looked up and
/// the row is inserted only when all are there; the id is drawn then, so that the first fire
/// instant (its spread's offset depends on the id) is written with the row; a live slug is
/// `ON CONFLICT DO NOTHING` (no row: conflict); an organisation being deleted refuses the
/// insert (V11). One row: the checks, the candidate devices and the watcher (or `NULL`s).
const CREATE: &str = concat!(
    "WITH dev AS (",
    crate::devices::device_candidates!("$9", "$10", "$11"),
    "), chk AS (
        SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1) AS org_ok,
               EXISTS (SELECT 1 FROM agents WHERE org_id = $1 AND id = $8 FOR KEY SHARE)
                   AS agent_ok,
               ($9::uuid IS NULL AND $11::text IS NULL)
               OR ((SELECT count(*) FROM dev) = 1
                   AND (SELECT org_id FROM dev LIMIT 1) = $1) AS device_ok
    ), new AS (
        SELECT nextval(pg_get_serial_sequence('watchers', 'id')) AS id
        FROM chk WHERE chk.org_ok AND chk.agent_ok AND chk.device_ok
    ), ins AS (
        INSERT INTO watchers (id, org_id, slug, name, prompt, extraction_schema, schedule,
                              timezone, agent_id, device_id, created_by, min_cooldown_seconds,
                              next_run_at, created_at, updated_at, spread_seconds,
                              catch_up_window_seconds, retries, retry_delay_seconds)
        OVERRIDING SYSTEM VALUE
        SELECT new.id, $1, $2, $3, $4, $5, $6, $7, $8, (SELECT id FROM dev LIMIT 1), $12, $13, ",
    next_fire_sql!("new.id", "$14", "$18", "$20", "$21"),
    ", coalesce($18, now()), coalesce($18, now()), $14, $15, $16, $17
        FROM new
        ON CONFLICT (org_id, slug) WHERE status <> 'archived' DO NOTHING
        RETURNING ",
    watcher_columns!(),
    "
    ), audit AS (",
    record_change!(
        "ins",
        "$18",
        "$19",
        "watchers create",
        "created",
        "'{}'::jsonb"
    ),
    ")
    SELECT chk.org_ok, chk.agent_ok, chk.device_ok,
           ARRAY(SELECT id FROM dev ORDER BY first_seen_at, id),
           ARRAY(SELECT user_id FROM dev ORDER BY first_seen_at, id), x.*
    FROM chk LEFT JOIN ins x ON true"
);

/// The slug of a new watcher, after checking its fields.
fn checked_new(w: &NewWatcher) -> Result<String> {
    let slug = w.slug.clone().unwrap_or_else(|| slugify(&w.name));
    validate_id("slug", &slug)?;
    validate_name("watcher name", &w.name)?;
    check_prompt(&w.prompt)?;
    check_schema(w.extraction_schema.as_ref())?;
    if w.min_cooldown_seconds < 0 {
        return Err(Error::invalid("min cooldown must not be negative"));
    }
    w.timing.check()?;
    Ok(slug)
}

/// Creates a watcher with `next_run_at` set to its first fire time after `now`.
///
/// # Errors
/// `invalid_input`; `not_found` for an unknown organisation, agent or device (also a
/// device of another organisation); `conflict` for a live slug already in use.
pub fn create(tx: &mut impl GenericClient, w: &NewWatcher, now: DateTime<Utc>) -> Result<Watcher> {
    let device = w.device_id.map(DeviceRef::Id);
    create_via(
        &mut |s| crate::db::flight::in_order(tx, s),
        w,
        device.as_ref(),
        None,
        Some(now),
        now,
    )
}

/// [`create`] with the device by reference, its statement sent by `send`, recorded by
/// `actor` when given, at `clock` (`None`: the database's), the first fire instant picked
/// among those around `estimate`.
fn create_via(
    send: &mut crate::db::flight::Send<'_>,
    w: &NewWatcher,
    device: Option<&DeviceRef>,
    actor: Option<&str>,
    clock: Option<DateTime<Utc>>,
    estimate: DateTime<Utc>,
) -> Result<Watcher> {
    let slug = checked_new(w)?;
    let fires = Fires::around(&w.schedule, w.timezone, estimate)?;
    let (dev_id, dev_org, dev_worker) = device_params(device);
    let t = &w.timing;
    let rows = send(&[(
        CREATE,
        &[
            p(&w.org_id),
            p(&slug),
            p(&w.name),
            p(&w.prompt),
            p(&w.extraction_schema),
            p(&w.schedule.as_str()),
            p(&w.timezone.name()),
            p(&w.agent_id),
            p(&dev_id),
            p(&dev_org),
            p(&dev_worker),
            p(&w.created_by),
            p(&w.min_cooldown_seconds),
            p(&t.spread_seconds),
            p(&t.catch_up_window_seconds),
            p(&t.retries),
            p(&t.retry_delay_seconds),
            p(&clock),
            p(&actor),
            p(&fires.from),
            p(&fires.slots),
        ],
    )])?;
    let row = first_row(&rows)?;
    let pinned = resolved(device, row, 3)?;
    if !row.get::<_, bool>(0) {
        return Err(Error::not_found(format!("organization {}", w.org_id)));
    }
    if !row.get::<_, bool>(1) {
        return Err(Error::not_found(format!(
            "agent {} in organization {}",
            w.agent_id, w.org_id
        )));
    }
    if !row.get::<_, bool>(2) {
        return Err(device_elsewhere(pinned, &w.org_id));
    }
    if row.get::<_, Option<i64>>(5).is_none() {
        return Err(slug_taken(&slug, &w.org_id));
    }
    Ok(watcher_at(row, 5))
}

/// [`create`] in one flight (see [`mod@crate::db::flight`]) on the database's clock, the
/// device by UUID or `ORG:WORKER_ID` (resolved in the statement), with its audit event by
/// `actor` in the same statement.
///
/// # Errors
/// As [`create`]; `conflict` listing the devices several users' devices share the worker
/// id.
pub fn create_in_flight(
    client: &mut crate::db::Client,
    w: &NewWatcher,
    device: Option<&DeviceRef>,
    actor: &Actor,
    estimate: DateTime<Utc>,
) -> Result<Watcher> {
    in_flight(client, estimate, |send, clock, estimate| {
        create_via(send, w, device, Some(actor.as_str()), clock, estimate)
    })
}

/// Runs a change in one flight on the database's clock, with the fire instants computed
/// around `estimate` (the host's clock); when the host's clock is more than a day off (the statement raised
/// `clock`, nothing was written), again in a transaction that reads the database's clock
/// first.
fn in_flight<T>(
    client: &mut crate::db::Client,
    estimate: DateTime<Utc>,
    mut change: impl FnMut(
        &mut crate::db::flight::Send<'_>,
        Option<DateTime<Utc>>,
        DateTime<Utc>,
    ) -> Result<T>,
) -> Result<T> {
    let flown = change(
        &mut |s| Ok(crate::db::flight(client, s)?.rows),
        None,
        estimate,
    );
    match flown {
        Err(Error::Transient {
            kind: crate::db::flight::CLOCK,
            ..
        }) => crate::db::in_tx(client, |tx, now| {
            change(&mut |s| crate::db::flight::in_order(tx, s), Some(now), now)
        }),
        other => other,
    }
}

/// The one row of a change's statement.
fn first_row(rows: &[Vec<postgres::Row>]) -> Result<&postgres::Row> {
    rows.first()
        .and_then(|r| r.first())
        .ok_or_else(|| Error::Internal("a watcher's statement returned no row".into()))
}

fn slug_taken(slug: &str, org: &str) -> Error {
    Error::Conflict(format!(
        "watcher slug {slug} is already used in organization {org}"
    ))
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

/// `watchers update` in one statement, under the watcher's row lock: `$1` watcher, `$2`
/// name, `$3` slug, `$4` prompt, `$5` agent, `$6`/`$7`/`$8` the device to pin
/// ([`crate::devices::device_candidates!`]), `$9` unpin, `$10` cool-down, `$11` extraction schema, `$12`
/// schedule, `$13` zone, `$14` spread, `$15` whether `$16` (catch-up window) is given, `$17`
/// retries, `$18` retry delay (each `NULL`: unchanged), `$19` the clock, `$20` the actor or
/// `NULL`, `$21` the fields named in the audit event, `$22` whether the next run is
/// recomputed (of an active watcher, or of a paused one whose schedule and zone stay:
/// `watchers list` and `show` then show the new spread's instant), `$23`/`$24` the
/// schedule and zone the candidates
/// `$25`/`$26` ([`next_fire_sql!`]) were computed for. Nothing changes unless every check
/// passes; when the schedule and zone stay, the next slot stays ([`kept_fire_sql!`]: a
/// new spread never fires a slot twice nor skips one; [`kept_at_sql!`] and
/// [`fell_due_sql!`]: the moment it fell due counts for the catch-up window, migration
/// V15); when the candidates are not the row's (`fresh` false: the host did not know its
/// schedule or zone) nothing changes either and the row says what they are. One row: the
/// watcher's status (`NULL`: unknown), the checks, its organisation, schedule and zone, the
/// candidate devices and the watcher afterwards.
const UPDATE: &str = concat!(
    "WITH w AS (
        SELECT id AS wid, org_id AS worg, status AS wstatus, schedule AS wschedule,
               timezone AS wzone, next_run_at AS wnext, spread_seconds AS wspread,
               due_since AS wdue, ",
    spread_fraction!("id"),
    " AS wfrac
        FROM watchers WHERE id = $1
        FOR NO KEY UPDATE
    ), same AS (
        SELECT coalesce($12, w.wschedule) = w.wschedule AND coalesce($13, w.wzone) = w.wzone
               AS slots_kept
        FROM w
    ), dev AS (",
    crate::devices::device_candidates!("$6", "$7", "$8"),
    "), chk AS (
        SELECT w.*,
               ($5::text IS NULL OR EXISTS (SELECT 1 FROM agents a
                                            WHERE a.org_id = w.worg AND a.id = $5
                                            FOR KEY SHARE)) AS agent_ok,
               (($6::uuid IS NULL AND $8::text IS NULL)
                OR ((SELECT count(*) FROM dev) = 1
                    AND (SELECT org_id FROM dev LIMIT 1) = w.worg)) AS device_ok,
               ($3::text IS NOT NULL
                AND EXISTS (SELECT 1 FROM watchers o
                            WHERE o.org_id = w.worg AND o.slug = $3
                              AND o.status <> 'archived' AND o.id <> w.wid)) AS slug_used,
               ($22 AND (w.wstatus = 'active'
                         OR (w.wstatus = 'paused' AND (SELECT slots_kept FROM same)))) AS due,
               coalesce(coalesce($12, w.wschedule) = $23
                        AND coalesce($13, w.wzone) = $24, false) AS fresh,
               ",
    kept_at_sql!("w.wnext", "w.wdue", "k.next", "coalesce($19, now())"),
    " AS kept_at, ",
    fell_due_sql!("w.wnext", "w.wdue", "k.next", "coalesce($19, now())"),
    " AS fell_due
        FROM w, LATERAL (SELECT CASE WHEN (SELECT slots_kept FROM same) THEN ",
    kept_fire_sql!(
        "w.wfrac",
        "coalesce($14, w.wspread)",
        "w.wnext",
        "w.wspread",
        "$25",
        "$26"
    ),
    " END AS next) k
    ), up AS (
        UPDATE watchers t
        SET name = coalesce($2, t.name), slug = coalesce($3, t.slug),
            prompt = coalesce($4, t.prompt), agent_id = coalesce($5, t.agent_id),
            device_id = CASE WHEN $6::uuid IS NOT NULL OR $8::text IS NOT NULL
                             THEN (SELECT id FROM dev LIMIT 1)
                             WHEN $9 THEN NULL ELSE t.device_id END,
            min_cooldown_seconds = coalesce($10, t.min_cooldown_seconds),
            extraction_schema = coalesce($11, t.extraction_schema),
            schedule = coalesce($12, t.schedule), timezone = coalesce($13, t.timezone),
            next_run_at = CASE WHEN chk.due THEN coalesce(chk.kept_at, ",
    next_fire_sql!(
        ["chk.wfrac"] "t.id",
        "coalesce($14, t.spread_seconds)",
        "$19",
        "$25",
        "$26",
        fired_slot_sql!("t.id")
    ),
    ") ELSE t.next_run_at END,
            due_since = CASE WHEN chk.due THEN chk.fell_due ELSE t.due_since END,
            updated_at = coalesce($19, now()),
            spread_seconds = coalesce($14, t.spread_seconds),
            catch_up_window_seconds = CASE WHEN $15 THEN $16 ELSE t.catch_up_window_seconds END,
            retries = coalesce($17, t.retries),
            retry_delay_seconds = coalesce($18, t.retry_delay_seconds)
        FROM chk
        WHERE t.id = chk.wid AND chk.wstatus <> 'archived' AND chk.agent_ok AND chk.device_ok
          AND NOT chk.slug_used AND (NOT chk.due OR chk.fresh)
        RETURNING ",
    watcher_columns!(),
    "
    ), audit AS (",
    record_change!(
        "up",
        "$19",
        "$20",
        "watchers update",
        "updated",
        "jsonb_build_object('fields', $21::text[])"
    ),
    ")
    SELECT c.wstatus, c.agent_ok, c.device_ok, c.slug_used, c.due, c.fresh, c.worg,
           c.wschedule, c.wzone,
           ARRAY(SELECT id FROM dev ORDER BY first_seen_at, id),
           ARRAY(SELECT user_id FROM dev ORDER BY first_seen_at, id), x.*
    FROM (SELECT) one LEFT JOIN chk c ON true LEFT JOIN up x ON true"
);

/// Checks a patch's fields (those that need no row).
fn check_patch(p: &WatcherPatch) -> Result<()> {
    if let Some(n) = &p.name {
        validate_name("watcher name", n)?;
    }
    if let Some(s) = &p.slug {
        validate_id("slug", s)?;
    }
    if let Some(pr) = &p.prompt {
        check_prompt(pr)?;
    }
    if p.min_cooldown_seconds.is_some_and(|c| c < 0) {
        return Err(Error::invalid("min cooldown must not be negative"));
    }
    if let Some(s) = &p.extraction_schema {
        check_schema(Some(s))?;
    }
    Timing {
        spread_seconds: p.spread_seconds.unwrap_or(0),
        catch_up_window_seconds: p.catch_up_window_seconds.flatten(),
        retries: p.retries.unwrap_or(0),
        retry_delay_seconds: p.retry_delay_seconds.unwrap_or(0),
    }
    .check()
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
    let pin = match p.device_id {
        Some(Some(d)) => Some(DeviceRef::Id(d)),
        _ => None,
    };
    update_via(
        &mut |s| crate::db::flight::in_order(tx, s),
        &Change {
            id,
            actor: None,
            clock: Some(now),
            estimate: now,
        },
        p,
        pin.as_ref(),
        &[],
    )
}

/// Who changes which watcher, when.
struct Change<'a> {
    id: i64,
    /// Recorded in the audit trail when given.
    actor: Option<&'a str>,
    /// `None`: the database's.
    clock: Option<DateTime<Utc>>,
    /// The clock the candidate fire instants are computed around.
    estimate: DateTime<Utc>,
}

/// [`update`], pinning `pin` (by reference) when given, its statement sent by `send`. When
/// the next run is recomputed and the schedule and zone are not both in the patch, the
/// first statement learns them from the row (changing nothing) and a second one makes the
/// change (a second flight).
fn update_via(
    send: &mut crate::db::flight::Send<'_>,
    c: &Change<'_>,
    patch: &WatcherPatch,
    pin: Option<&DeviceRef>,
    fields: &[&str],
) -> Result<Watcher> {
    check_patch(patch)?;
    let id = c.id;
    let mut reschedule =
        patch.schedule.is_some() || patch.timezone.is_some() || patch.spread_seconds.is_some();
    // the host knows the schedule and zone only when the patch gives both; a schedule that
    // never fires is refused only for an active watcher (its next run is computed)
    let mut fires = match (reschedule, &patch.schedule, patch.timezone) {
        (true, Some(s), Some(tz)) => Fires::around(s, tz, c.estimate).unwrap_or_default(),
        _ => Fires::default(),
    };
    let (dev_id, dev_org, dev_worker) = device_params(pin);
    let unpin = patch.device_id == Some(None);
    let schedule = patch.schedule.as_ref().map(Schedule::as_str);
    let zone = patch.timezone.map(|t| t.name());
    let catch_up = patch.catch_up_window_seconds.flatten();
    let fields: Vec<&str> = fields.to_vec();
    for _ in 0..5 {
        let rows = send(&[
            (LOCK_NAMED_AGENT, &[p(&id), p(&patch.agent_id)]),
            (LOCK_WATCHER, &[p(&id)]),
            (
                UPDATE,
                &[
                    p(&id),
                    p(&patch.name),
                    p(&patch.slug),
                    p(&patch.prompt),
                    p(&patch.agent_id),
                    p(&dev_id),
                    p(&dev_org),
                    p(&dev_worker),
                    p(&unpin),
                    p(&patch.min_cooldown_seconds),
                    p(&patch.extraction_schema),
                    p(&schedule),
                    p(&zone),
                    p(&patch.spread_seconds),
                    p(&patch.catch_up_window_seconds.is_some()),
                    p(&catch_up),
                    p(&patch.retries),
                    p(&patch.retry_delay_seconds),
                    p(&c.clock),
                    p(&c.actor),
                    p(&fields),
                    p(&reschedule),
                    p(&fires.schedule),
                    p(&fires.zone),
                    p(&fires.from),
                    p(&fires.slots),
                ],
            ),
        ])?;
        let row = first_row(rows.get(2..).unwrap_or_default())?;
        let pinned = resolved(pin, row, 9)?;
        let Some(status) = row.get::<_, Option<String>>(0) else {
            return Err(Error::not_found(format!("watcher {id}")));
        };
        let org: String = row.get(6);
        if status == "archived" {
            return Err(Error::Conflict(format!("watcher {id} is archived")));
        }
        if !row.get::<_, bool>(1) {
            return Err(Error::not_found(format!(
                "agent {} in organization {org}",
                patch.agent_id.as_deref().unwrap_or_default()
            )));
        }
        if !row.get::<_, bool>(2) {
            return Err(device_elsewhere(pinned, &org));
        }
        if row.get::<_, bool>(4) && !row.get::<_, bool>(5) {
            // the next run's candidates for the row's schedule and zone, then again
            let (s, z): (String, String) = (row.get(7), row.get(8));
            match Fires::of(schedule.unwrap_or(&s), zone.unwrap_or(&z), c.estimate) {
                Ok(f) => fires = f,
                // a paused watcher's next run is only shown (its resume computes it): one
                // whose schedule never fires keeps it, as before
                Err(_) if status == "paused" => reschedule = false,
                Err(e) => return Err(e),
            }
            continue;
        }
        if row.get::<_, bool>(3) {
            return Err(slug_taken(patch.slug.as_deref().unwrap_or_default(), &org));
        }
        return Ok(watcher_at(row, 11));
    }
    Err(Error::Conflict(format!(
        "watcher {id} changed its schedule while this ran; retry"
    )))
}

/// [`update`] in one flight (two when the next run is recomputed and the patch does not
/// give both the schedule and the zone) on the database's clock, pinning a device by UUID or
/// `ORG:WORKER_ID` (resolved in the statement), with its audit event (`fields`: what the
/// command was given) by `actor` in the same statement.
///
/// # Errors
/// As [`update`].
pub fn update_in_flight(
    client: &mut crate::db::Client,
    id: i64,
    patch: &WatcherPatch,
    pin: Option<&DeviceRef>,
    fields: &[&str],
    actor: &Actor,
    estimate: DateTime<Utc>,
) -> Result<Watcher> {
    in_flight(client, estimate, |send, clock, estimate| {
        let c = Change {
            id,
            actor: Some(actor.as_str()),
            clock,
            estimate,
        };
        update_via(send, &c, patch, pin, fields)
    })
}

/// `watchers pause` in one statement: `$1` watcher, `$2` reason, `$3` clock, `$4` actor or
/// `NULL`. One row (none: unknown): the status before, the watcher afterwards (`NULL`s when
/// archived: nothing changed).
const PAUSE: &str = concat!(
    "WITH w AS (
        SELECT id AS wid, status AS wstatus FROM watchers WHERE id = $1 FOR NO KEY UPDATE
    ), up AS (
        UPDATE watchers t
        SET status = 'paused', paused_reason = $2, updated_at = coalesce($3, now())
        FROM w WHERE t.id = w.wid AND w.wstatus <> 'archived'
        RETURNING ",
    watcher_columns!(),
    "
    ), audit AS (",
    record_change!(
        "up",
        "$3",
        "$4",
        "watchers pause",
        "paused",
        "jsonb_build_object('reason', $2::text)"
    ),
    ")
    SELECT w.wstatus, x.* FROM w LEFT JOIN up x ON true"
);

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
    pause_via(
        &mut |s| crate::db::flight::in_order(tx, s),
        id,
        reason,
        None,
        Some(now),
    )
}

fn pause_via(
    send: &mut crate::db::flight::Send<'_>,
    id: i64,
    reason: Option<&str>,
    actor: Option<&str>,
    clock: Option<DateTime<Utc>>,
) -> Result<Watcher> {
    if let Some(r) = reason {
        crate::input::storable("pause reason", r)?;
    }
    let rows = send(&[(PAUSE, &[p(&id), p(&reason), p(&clock), p(&actor)])])?;
    let row = rows
        .first()
        .and_then(|r| r.first())
        .ok_or_else(|| Error::not_found(format!("watcher {id}")))?;
    if row.get::<_, Option<i64>>(1).is_none() {
        return Err(Error::Conflict(format!("watcher {id} is archived")));
    }
    Ok(watcher_at(row, 1))
}

/// [`pause`] in one flight, with its audit event by `actor` in the same statement.
///
/// # Errors
/// As [`pause`].
pub fn pause_in_flight(
    client: &mut crate::db::Client,
    id: i64,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<Watcher> {
    pause_via(
        &mut |s| Ok(crate::db::flight(client, s)?.rows),
        id,
        reason,
        Some(actor.as_str()),
        None,
    )
}

/// `watchers resume` in one statement, under its agent's `KEY SHARE` lock (taken first,
/// [`LOCK_AGENT_OF_WATCHER`]: a guarded `agents delete` cannot remove it until this
/// commits) and the watcher's row lock: `$1`
/// watcher, `$2` clock, `$3` actor or `NULL`, `$4`/`$5` the schedule and zone the candidates
/// `$6`/`$7` were computed for ([`next_fire_sql!`]). A paused watcher gets its next run when
/// the candidates are the row's (else nothing changes and the row says what they are). One
/// row (none: unknown): the status before, whether the agent exists, whether the candidates
/// were needed and fit, the organisation, agent, schedule and zone, the watcher afterwards.
const RESUME: &str = concat!(
    "WITH w AS (
        SELECT id AS wid, org_id AS worg, status AS wstatus, agent_id AS wagent,
               schedule AS wschedule, timezone AS wzone
        FROM watchers WHERE id = $1
        FOR NO KEY UPDATE
    ), chk AS (
        SELECT w.*,
               w.wstatus <> 'archived'
               AND EXISTS (SELECT 1 FROM agents a WHERE a.org_id = w.worg AND a.id = w.wagent
                           FOR KEY SHARE) AS agent_ok,
               w.wstatus <> 'active' AS due,
               coalesce(w.wschedule = $4 AND w.wzone = $5, false) AS fresh
        FROM w
    ), up AS (
        UPDATE watchers t
        SET status = 'active', paused_reason = NULL, updated_at = coalesce($2, now()),
            next_run_at = CASE WHEN chk.due THEN ",
    next_fire_sql!(
        [spread_fraction!("t.id")] "t.id",
        "t.spread_seconds",
        "$2",
        "$6",
        "$7",
        fired_slot_sql!("t.id")
    ),
    " ELSE t.next_run_at END,
            -- a slot taken from the resume's clock is late from its own instant
            due_since = CASE WHEN chk.due THEN NULL ELSE t.due_since END
        FROM chk
        WHERE t.id = chk.wid AND chk.wstatus <> 'archived' AND chk.agent_ok
          AND (NOT chk.due OR chk.fresh)
        RETURNING ",
    watcher_columns!(),
    "
    ), audit AS (",
    record_change!(
        "up",
        "$2",
        "$3",
        "watchers resume",
        "resumed",
        "'{}'::jsonb"
    ),
    ")
    SELECT c.wstatus, c.agent_ok, c.due, c.fresh, c.worg, c.wagent, c.wschedule, c.wzone, x.*
    FROM chk c LEFT JOIN up x ON true"
);

/// Resumes a paused watcher, with `next_run_at` = the first fire time after `now`.
///
/// # Errors
/// `not_found`; `conflict` when archived, or when its agent no longer exists.
pub fn resume(tx: &mut impl GenericClient, id: i64, now: DateTime<Utc>) -> Result<Watcher> {
    resume_via(
        &mut |s| crate::db::flight::in_order(tx, s),
        &Change {
            id,
            actor: None,
            clock: Some(now),
            estimate: now,
        },
    )
}

/// [`resume`], its statement sent by `send`: the first statement learns the schedule and
/// zone of a paused watcher (changing nothing), a second one resumes it.
fn resume_via(send: &mut crate::db::flight::Send<'_>, c: &Change<'_>) -> Result<Watcher> {
    let id = c.id;
    let mut fires = Fires::default();
    for _ in 0..5 {
        let rows = send(&[
            (LOCK_AGENT_OF_WATCHER, &[p(&id)]),
            (LOCK_WATCHER, &[p(&id)]),
            (
                RESUME,
                &[
                    p(&id),
                    p(&c.clock),
                    p(&c.actor),
                    p(&fires.schedule),
                    p(&fires.zone),
                    p(&fires.from),
                    p(&fires.slots),
                ],
            ),
        ])?;
        let row = rows
            .get(2)
            .and_then(|r| r.first())
            .ok_or_else(|| Error::not_found(format!("watcher {id}")))?;
        let (status, org, agent): (String, String, String) = (row.get(0), row.get(4), row.get(5));
        if status == "archived" {
            return Err(Error::Conflict(format!(
                "watcher {id} is archived and cannot be resumed"
            )));
        }
        if !row.get::<_, bool>(1) {
            return Err(Error::Conflict(format!(
                "watcher {id} uses agent {agent}, which no longer exists in organization {org}; \
                 point it at another agent first (watchers update {id} --agent ID)"
            )));
        }
        if row.get::<_, bool>(2) && !row.get::<_, bool>(3) {
            let (s, z): (String, String) = (row.get(6), row.get(7));
            fires = Fires::of(&s, &z, c.estimate)?;
            continue;
        }
        return Ok(watcher_at(row, 8));
    }
    Err(Error::Conflict(format!(
        "watcher {id} changed its schedule while this ran; retry"
    )))
}

/// [`resume`] in one flight for an active watcher, two for a paused one (the first learns
/// its schedule and zone), on the database's clock, with its audit event by `actor` in the
/// same statement.
///
/// # Errors
/// As [`resume`].
pub fn resume_in_flight(
    client: &mut crate::db::Client,
    id: i64,
    actor: &Actor,
    estimate: DateTime<Utc>,
) -> Result<Watcher> {
    in_flight(client, estimate, |send, clock, estimate| {
        let c = Change {
            id,
            actor: Some(actor.as_str()),
            clock,
            estimate,
        };
        resume_via(send, &c)
    })
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

/// The latest slot that has a run ([`fired_slot_sql!`]) of each watcher `$1`, read once
/// they are locked: in a statement of its own, since a statement that waited for a lock
/// reads the runs as they were when it started (a tick that queued a slot and committed
/// meanwhile would not be seen).
#[doc(hidden)]
pub const FIRED_SLOTS: &str = concat!(
    "SELECT u.id, ",
    fired_slot_sql!("u.id"),
    " FROM unnest($1::bigint[]) AS u(id)"
);

/// The latest slot that has a run of each of the watchers `ids` ([`FIRED_SLOTS`]), which
/// the caller has locked; none for an empty list (no round trip).
///
/// # Errors
/// The database's.
pub(crate) fn fired_slots(
    tx: &mut impl GenericClient,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Option<DateTime<Utc>>>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(tx
        .query(FIRED_SLOTS, &[&ids])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// One statement for all of them, however many.
const RESCHEDULE: &str = "
    UPDATE watchers SET next_run_at = u.next_at, due_since = NULL, updated_at = $3
    FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, next_at)
    WHERE watchers.id = u.id AND watchers.next_run_at IS DISTINCT FROM u.next_at";

/// Recomputes `next_run_at` of active watchers from `now` (pass the database's clock), the
/// repair after `dispatch --now T` moved next runs past the real clock (SPEC 7): a
/// watcher whose next run is in the future gets the first fire time after `now`, the
/// value create and resume give it; a due one (`next_run_at <= now`) keeps its slot for
/// the next dispatch. Running it twice changes nothing the second time. Set-based: one
/// statement locks the watchers, one reads their latest slots that have a run, one updates
/// them all.
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
    // a due one keeps its slot for the next dispatch
    let ahead: Vec<&postgres::Row> = rows
        .iter()
        .filter(|r| r.get::<_, Option<DateTime<Utc>>>(4).is_none_or(|c| c > now))
        .collect();
    let ids: Vec<i64> = ahead.iter().map(|r| r.get(0)).collect();
    let fired = fired_slots(tx, &ids)?;
    let mut cache: std::collections::HashMap<(String, String), Option<Slots>> =
        std::collections::HashMap::new();
    let (mut update_ids, mut update_at) = (Vec::new(), Vec::new());
    for r in ahead {
        let current: Option<DateTime<Utc>> = r.get(4);
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
            .and_then(|slots| {
                let fired = fired.get(&r.get::<_, i64>(0)).copied().flatten();
                slots.next_unfired(now, spread, fired).ok()
            })
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

/// The first statement of `watchers archive`: the watcher's row `FOR UPDATE`, which waits
/// for a trigger or a retry that read it `FOR KEY SHARE` and is queueing a run (and makes
/// a later one wait, then find it archived). A statement of its own: under `READ
/// COMMITTED` a statement that waited for a row lock re-reads that row only, so the
/// [`ARCHIVE`] after it, with a new snapshot, sees the run the other one queued and
/// cancels it.
/// The watcher's row lock, a statement of its own before a change that reads its runs
/// (`UPDATE`, `RESUME`): under `READ COMMITTED` a statement that waited for the lock (a
/// dispatch tick's) re-reads only the locked row, so the slot the tick just queued would be
/// missed; the next statement's snapshot sees it.
const LOCK_WATCHER: &str = "SELECT id FROM watchers WHERE id = $1 FOR NO KEY UPDATE";

/// The first statement of `watchers update`: the agent it names (`$2`, `NULL`: none) in
/// the watcher's organisation `FOR KEY SHARE`, before the watcher's row, as
/// [`LOCK_AGENT_OF_WATCHER`] for resume: naming the agent the watcher already uses, it
/// deadlocked against a forced `agents delete` of that agent.
const LOCK_NAMED_AGENT: &str = "SELECT 1 FROM agents a
    WHERE a.org_id = (SELECT org_id FROM watchers WHERE id = $1) AND a.id = $2::text
    FOR KEY SHARE";

/// The first statement of `watchers resume`: the watcher's agent `FOR KEY SHARE` (the
/// watcher read, not locked), before the watcher's row. A forced `agents delete` locks the
/// agent, then its watchers: holding the watcher while waiting for the agent was a
/// deadlock (exit 5). Should the watcher move to another agent in between, [`RESUME`]
/// locks that one after the watcher, as before.
const LOCK_AGENT_OF_WATCHER: &str = "SELECT 1 FROM agents a
    WHERE (a.org_id, a.id) = (SELECT org_id, agent_id FROM watchers WHERE id = $1)
    FOR KEY SHARE";

const LOCK_FOR_ARCHIVE: &str = "SELECT id FROM watchers WHERE id = $1 FOR UPDATE";

/// `watchers archive` in one statement after [`LOCK_FOR_ARCHIVE`]: the watcher's row lock
/// first (the runs' update looks it up), its active run cancelled, the watcher archived,
/// the audit event with the count; `$1` watcher, `$2` clock, `$3` actor or `NULL`. One row
/// (none: unknown).
const ARCHIVE: &str = concat!(
    "WITH w AS (
        SELECT id AS wid FROM watchers WHERE id = $1 FOR NO KEY UPDATE
    ), cancelled AS (
        UPDATE runs SET status = 'cancelled', finished_at = coalesce($2, now()),
                        error = 'watcher archived'
        WHERE watcher_id = (SELECT wid FROM w)
          AND status IN ('pending', 'claimed', 'running')
        RETURNING id
    ), up AS (
        UPDATE watchers t
        SET status = 'archived', paused_reason = NULL, next_run_at = NULL, due_since = NULL,
            updated_at = coalesce($2, now())
        FROM w WHERE t.id = w.wid
        RETURNING ",
    watcher_columns!(),
    "
    ), audit AS (",
    record_change!(
        "up",
        "$2",
        "$3",
        "watchers archive",
        "archived",
        "jsonb_build_object('runs_cancelled', (SELECT count(*) FROM cancelled))"
    ),
    ")
    SELECT (SELECT count(*) FROM cancelled), x.* FROM up x"
);

/// Archives a watcher and cancels its active run; archiving twice is a no-op.
///
/// # Errors
/// `not_found`.
pub fn archive(tx: &mut impl GenericClient, id: i64, now: DateTime<Utc>) -> Result<Archived> {
    archive_via(
        &mut |s| crate::db::flight::in_order(tx, s),
        id,
        None,
        Some(now),
    )
}

fn archive_via(
    send: &mut crate::db::flight::Send<'_>,
    id: i64,
    actor: Option<&str>,
    clock: Option<DateTime<Utc>>,
) -> Result<Archived> {
    let rows = send(&[
        (LOCK_FOR_ARCHIVE, &[p(&id)]),
        (ARCHIVE, &[p(&id), p(&clock), p(&actor)]),
    ])?;
    let row = rows
        .get(1)
        .and_then(|r| r.first())
        .ok_or_else(|| Error::not_found(format!("watcher {id}")))?;
    Ok(Archived {
        watcher: watcher_at(row, 1),
        runs_cancelled: row.get(0),
    })
}

/// [`archive`] in one flight, with its audit event by `actor` in the same statement.
///
/// # Errors
/// As [`archive`].
pub fn archive_in_flight(
    client: &mut crate::db::Client,
    id: i64,
    actor: &Actor,
) -> Result<Archived> {
    archive_via(
        &mut |s| Ok(crate::db::flight(client, s)?.rows),
        id,
        Some(actor.as_str()),
        None,
    )
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
/// the token authenticated before it ([`crate::tokens::principal!`]; never when
/// `triggered_by` is given: an administrator's trigger reads no principal), a NULL clock is
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
        SELECT coalesce($2, CASE WHEN $4::text IS NULL THEN ",
    crate::tokens::principal!(org),
    " END) AS org, coalesce($3, CASE WHEN $4::text IS NULL THEN ",
    crate::tokens::principal!(device),
    " END) AS device, coalesce($4, 'device:' || ",
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
