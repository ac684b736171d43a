//! Sticky default provisioning (SPEC section 3): the default agent of an organisation and
//! the daily check-in watcher of its first Mac. Sentinels in `organizations.metadata`
//! record that provisioning happened, so a deleted default is never re-created.
//!
//! Race-free: every decision is taken under the organisation's row lock (`FOR NO KEY UPDATE`).

use crate::db::GenericClient;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::db::typed::p;
use crate::error::Result;
use crate::orgs;
use crate::schedule::Schedule;

/// Id of the default agent.
pub const DEFAULT_AGENT_ID: &str = "owletto-default";
/// Name of the default agent.
pub const DEFAULT_AGENT_NAME: &str = "Owletto Personal";
/// System prompt of the default agent.
pub const DEFAULT_AGENT_IDENTITY: &str = "You are Owletto, a personal assistant that lives on \
the user's Mac. You surface the context that matters right now: what they were working on, \
what is waiting for them, and short summaries of recent activity. Be brief and concrete. \
When you do not have enough history to answer well, say so plainly instead of guessing.";
/// Slug of the daily check-in watcher.
pub const DEFAULT_WATCHER_SLUG: &str = "daily-checkin";
/// Name of the daily check-in watcher.
pub const DEFAULT_WATCHER_NAME: &str = "Daily check-in";
/// Schedule of the daily check-in watcher (in the device's time zone).
pub const DEFAULT_WATCHER_SCHEDULE: &str = "0 9 * * *";
/// Cool-down of the daily check-in watcher.
pub const DEFAULT_WATCHER_COOLDOWN: i32 = 3600;
/// Prompt of the daily check-in watcher.
pub const DEFAULT_WATCHER_PROMPT: &str = "Good morning. In one or two sentences, summarise \
what I did yesterday. Then suggest one to three priorities for today, most important first. \
If there is no history from yesterday to go on, say so clearly rather than inventing it.";
/// Metadata key stamped when the default agent was provisioned (or skipped).
pub const AGENT_SENTINEL: &str = "default_agent_provisioned";
/// Metadata key stamped when the default watcher was provisioned (or skipped).
pub const WATCHER_SENTINEL: &str = "default_watcher_provisioned";

/// The extraction schema of the daily check-in watcher.
#[must_use]
pub fn default_extraction_schema() -> serde_json::Value {
    serde_json::json!({"type": "object", "properties": {"summary": {"type": "string"}}})
}

/// Outcome of `provision-agent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentOutcome {
    /// No sentinel, no agents: created the default agent and stamped the sentinel.
    Created,
    /// Sentinel set and the default agent exists.
    Existing,
    /// Sentinel set but the default agent was deleted: not re-created.
    Suppressed,
    /// No sentinel but the organisation already has agents: created nothing, stamped.
    SkippedHasAgents,
}

/// Result of `provision-agent`.
#[derive(Debug, Clone, Serialize)]
pub struct AgentProvisioned {
    /// Organisation.
    pub org_id: String,
    /// `owletto-default` when it exists after the call, else null.
    pub agent_id: Option<String>,
    /// What happened.
    pub outcome: AgentOutcome,
}

/// The SPEC 3 agent rules for a set of organisations (`$1`; `$2` the default agent's id):
/// what each one's outcome is. A read-only statement, so that its look-ups never walk rows
/// the writes add (a statement that reads a table while inserting into it can turn
/// quadratic). The caller holds the organisations' row locks, taken in an earlier statement
/// so that this one's snapshot sees what the lock waited for.
macro_rules! decide_agents {
    () => {
        "
    SELECT id,
           CASE WHEN sentinel AND has_default THEN 'existing'
                WHEN sentinel THEN 'suppressed'
                WHEN any_agent THEN 'skipped_has_agents'
                ELSE 'created' END,
           sentinel, has_default
    FROM (SELECT o.id,
                 o.metadata ? 'default_agent_provisioned' AS sentinel,
                 EXISTS (SELECT 1 FROM agents a WHERE a.org_id = o.id AND a.id = $2)
                     AS has_default,
                 EXISTS (SELECT 1 FROM agents a WHERE a.org_id = o.id) AS any_agent
          FROM unnest($1::text[]) AS u(id) JOIN organizations o ON o.id = u.id) o"
    };
}
const DECIDE_AGENTS: &str = decide_agents!();

/// One organisation's default agent (`$1` the organisation as a one-element array): the
/// rules of [`DECIDE_AGENTS`], the agent's insert, the sentinel (`$7`) and, when `$6` (the
/// actor) is given, the audit event, in one statement, at `$5` or the database's clock. The
/// organisation's row lock ([`orgs::LOCK`]) is the statement before it: a flight sends both
/// at once (the decision is read-only, the writes read nothing they add).
const PROVISION_AGENT: &str = concat!(
    "WITH d (id, outcome, sentinel, has_default) AS (",
    decide_agents!(),
    "
    ), created AS (
        INSERT INTO agents (org_id, id, name, identity, created_at)
        SELECT d.id, $2, $3, $4, coalesce($5, now()) FROM d WHERE d.outcome = 'created'
    ), stamped AS (
        UPDATE organizations o
        SET metadata = o.metadata
                       || jsonb_build_object($7::text, to_jsonb(coalesce($5, now())))
        FROM d
        WHERE o.id = d.id AND NOT d.sentinel
    ), audit AS (
        INSERT INTO audit_events (at, actor, command, org_id, target_kind, target_id,
                                  outcome, details)
        SELECT coalesce($5, now()), $6, 'provision-agent', d.id, 'agent', $2, d.outcome, '{}'
        FROM d
        WHERE $6::text IS NOT NULL
    )
    SELECT id, outcome, sentinel, has_default FROM d"
);

/// What a [`DECIDE_AGENTS`] row says.
fn agent_provisioned(r: &postgres::Row) -> Result<AgentProvisioned> {
    let (id, has_default): (String, bool) = (r.get(0), r.get(3));
    let outcome: AgentOutcome = outcome(r.get(1))?;
    Ok(AgentProvisioned {
        agent_id: (has_default || outcome == AgentOutcome::Created)
            .then(|| DEFAULT_AGENT_ID.to_string()),
        org_id: id,
        outcome,
    })
}

/// Provisions the default agent of every organisation in `org_ids` (SPEC 3): the one
/// implementation of the agent rules, used by `provision-agent` and `seed` alike, in at
/// most three statements whatever the number of organisations. Call inside a transaction
/// that holds the organisations' row locks ([`orgs::lock`], [`orgs::lock_many`]).
///
/// # Errors
/// Database failures.
pub fn provision_agents(
    tx: &mut impl GenericClient,
    org_ids: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<AgentProvisioned>> {
    let mut out = Vec::with_capacity(org_ids.len());
    let (mut create, mut stamp) = (Vec::new(), Vec::new());
    for r in tx.query_typed(
        DECIDE_AGENTS,
        &[
            (&org_ids, postgres::types::Type::TEXT_ARRAY),
            p(&DEFAULT_AGENT_ID),
        ],
    )? {
        let provisioned = agent_provisioned(&r)?;
        if provisioned.outcome == AgentOutcome::Created {
            create.push(provisioned.org_id.clone());
        }
        if !r.get::<_, bool>(2) {
            stamp.push(provisioned.org_id.clone());
        }
        out.push(provisioned);
    }
    if !create.is_empty() {
        tx.execute(
            "INSERT INTO agents (org_id, id, name, identity, created_at)
             SELECT o, $2, $3, $4, $5 FROM unnest($1::text[]) AS t(o)",
            &[
                &create,
                &DEFAULT_AGENT_ID,
                &DEFAULT_AGENT_NAME,
                &DEFAULT_AGENT_IDENTITY,
                &now,
            ],
        )?;
    }
    orgs::stamp_sentinels(tx, &stamp, AGENT_SENTINEL, now)?;
    Ok(out)
}

/// Parses an outcome word the SQL above produced.
fn outcome<T: serde::de::DeserializeOwned>(word: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::from(word))
        .map_err(|_| crate::Error::Internal(format!("unknown provisioning outcome {word}")))
}

/// Provisions the default agent once (SPEC 3). Call inside a transaction.
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn provision_agent(
    tx: &mut impl GenericClient,
    org_id: &str,
    now: DateTime<Utc>,
) -> Result<AgentProvisioned> {
    let ids = vec![org_id.to_string()];
    let (at, actor) = (Some(now), None);
    let rows = crate::db::flight::in_order(
        tx,
        &[
            (orgs::LOCK, &[p(&org_id)]),
            (PROVISION_AGENT, &agent_params(&ids, &at, &actor)),
        ],
    )?;
    agent_found(org_id, rows.get(1).and_then(|r| r.first()))
}

/// [`provision_agent`] in one flight (see [`mod@crate::db::flight`]) on the database's
/// clock, with its audit event by `actor` in the same statement.
///
/// # Errors
/// As [`provision_agent`].
pub fn provision_agent_in_flight(
    client: &mut crate::db::Client,
    org_id: &str,
    actor: &crate::audit::Actor,
) -> Result<AgentProvisioned> {
    let ids = vec![org_id.to_string()];
    let (at, actor) = (None, Some(actor.as_str()));
    let landed = crate::db::flight(
        client,
        &[
            (orgs::LOCK, &[p(&org_id)]),
            (PROVISION_AGENT, &agent_params(&ids, &at, &actor)),
        ],
    )?;
    agent_found(org_id, landed.first(1))
}

/// [`PROVISION_AGENT`]'s parameters.
fn agent_params<'a>(
    ids: &'a Vec<String>,
    at: &'a Option<DateTime<Utc>>,
    actor: &'a Option<&'a str>,
) -> [(
    &'a (dyn postgres::types::ToSql + Sync),
    postgres::types::Type,
); 7] {
    [
        p(ids),
        p(&DEFAULT_AGENT_ID),
        p(&DEFAULT_AGENT_NAME),
        p(&DEFAULT_AGENT_IDENTITY),
        p(at),
        p(actor),
        p(&AGENT_SENTINEL),
    ]
}

/// The outcome from [`PROVISION_AGENT`]'s row; none: the organisation is unknown.
fn agent_found(org_id: &str, row: Option<&postgres::Row>) -> Result<AgentProvisioned> {
    row.map(agent_provisioned)
        .transpose()?
        .ok_or_else(|| crate::Error::not_found(format!("organization {org_id}")))
}

/// Outcome of the default-watcher step of `register-device`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WatcherOutcome {
    /// Created, pinned to this device.
    Created,
    /// Sentinel set and the default watcher still exists.
    Existing,
    /// Sentinel set, watcher deleted or archived: not re-created.
    Suppressed,
    /// A non-archived `daily-checkin` watcher already exists.
    SkippedSlugTaken,
    /// The organisation has no agent.
    SkippedNoAgent,
    /// The platform is not `macos`.
    NotEligible,
    /// The organisation's agent sentinel is not set.
    NotBootstrapped,
    /// The device already existed.
    NotFirstRegistration,
}

/// The `default_watcher` object of `register-device`.
#[derive(Debug, Clone, Serialize)]
pub struct DefaultWatcher {
    /// What happened.
    pub outcome: WatcherOutcome,
    /// The watcher, for `created` and `existing`.
    pub watcher_id: Option<i64>,
}

/// The facts about a registration that decide the default watcher.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    /// Organisation.
    pub org_id: &'a str,
    /// The device.
    pub device_id: Uuid,
    /// Whether this call inserted the device.
    pub first: bool,
    /// Whether the device is a Mac.
    pub macos: bool,
    /// The device's time zone.
    pub timezone: chrono_tz::Tz,
}

/// The SPEC 3 watcher rules for first Macs: each organisation's outcome, decided by its
/// first candidate (a later one finds the sentinel set). Read-only, as
/// [`DECIDE_AGENTS`]; the caller holds the organisations' row locks. `$source` is the
/// candidates, `c(org_id, device_id, tz, next_at, n)`; `$5` the watcher's slug, `$6` the
/// default agent's id.
macro_rules! decide_watchers {
    ($source:literal) => {
        concat!(
            "
    SELECT device_id, org_id, tz, next_at, agent,
           CASE WHEN NOT bootstrapped THEN 'not_bootstrapped'
                WHEN sentinel AND live IS NOT NULL THEN 'existing'
                WHEN sentinel THEN 'suppressed'
                WHEN live IS NOT NULL THEN 'skipped_slug_taken'
                WHEN agent IS NULL THEN 'skipped_no_agent'
                ELSE 'created' END,
           CASE WHEN sentinel THEN live END,
           bootstrapped AND NOT sentinel
    FROM (SELECT f.*,
                 org.metadata ? 'default_agent_provisioned' AS bootstrapped,
                 org.metadata ? 'default_watcher_provisioned' AS sentinel,
                 (SELECT w.id FROM watchers w
                  WHERE w.org_id = f.org_id AND w.slug = $5 AND w.status <> 'archived') AS live,
                 (SELECT a.id FROM agents a WHERE a.org_id = f.org_id
                  ORDER BY (a.id = $6) DESC, a.created_at, a.id LIMIT 1) AS agent
          FROM (SELECT DISTINCT ON (org_id) * FROM ",
            $source,
            "
                ORDER BY org_id, n) f
          JOIN organizations org ON org.id = f.org_id) o"
        )
    };
}
/// [`decide_watchers!`] of many first Macs: `$1` their organisations, `$2` the devices, `$3`
/// their zones, `$4` the next fire time in each zone.
const DECIDE_WATCHERS: &str = decide_watchers!(
    "unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[])
     WITH ORDINALITY AS c(org_id, device_id, tz, next_at, n)"
);

/// The daily check-in of the device a registration's flight inserted (the setting
/// `lobu.first_mac`, which [`crate::devices`]'s upsert sets for a new Mac; nothing when it
/// is empty): the rules of [`decide_watchers!`], the watcher's insert and the sentinel
/// (`$13`) in one statement, after the organisation's lock in a statement of its own. `$1`
/// the organisation, `$3` the zone, `$12` the clock (`NULL`: the database's).
///
/// The next 09:00 is the database's: from the fire times `$4` that the host computed
/// around its own clock (every one after `$2`, see [`fire_times_around`]), the first after
/// the database's clock. When that clock is not inside the window (the host's clock is off
/// by more than a day) the statement raises `clock`, nothing is written, and the caller
/// registers again with the database's clock read first.
const PROVISION_FIRST_MAC: &str = concat!(
    "WITH d (device_id, org_id, tz, next_at, agent, outcome, live, stamp) AS (",
    decide_watchers!(
        "(SELECT $1::text, m.id, $3::text,
                CASE WHEN $2 <= coalesce($12, now())
                          AND (SELECT max(x) FROM unnest($4::timestamptz[]) x)
                              > coalesce($12, now())
                     THEN (SELECT min(x) FROM unnest($4::timestamptz[]) x
                           WHERE x > coalesce($12, now()))
                     ELSE to_timestamp(('lobu-abort:clock:' || m.id)::int) END,
                1::bigint
         FROM (SELECT nullif(current_setting('lobu.first_mac', true), '')::uuid) m(id)
         WHERE m.id IS NOT NULL) AS c(org_id, device_id, tz, next_at, n)"
    ),
    "
    ), created AS (
        INSERT INTO watchers (org_id, slug, name, prompt, extraction_schema, schedule,
                              timezone, agent_id, device_id, created_by,
                              min_cooldown_seconds, next_run_at, created_at, updated_at)
        SELECT d.org_id, $5, $7, $8, $9, $10, d.tz, d.agent, d.device_id, 'provisioning', $11,
               d.next_at, coalesce($12, now()), coalesce($12, now())
        FROM d
        WHERE d.outcome = 'created'
        ON CONFLICT (org_id, slug) WHERE status <> 'archived' DO NOTHING
        RETURNING id
    ), stamped AS (
        UPDATE organizations o
        SET metadata = o.metadata
                       || jsonb_build_object($13::text, to_jsonb(coalesce($12, now())))
        FROM d
        WHERE o.id = d.org_id AND d.stamp
    )
    SELECT CASE WHEN d.outcome = 'created' AND NOT EXISTS (SELECT FROM created)
                THEN 'skipped_slug_taken' ELSE d.outcome END,
           coalesce((SELECT id FROM created), d.live)
    FROM d"
);

/// The check-in's fire times in `tz` around `estimate` (the host's clock, a guess at the
/// database's): where they start (a day before it) and every one from there to the first
/// more than a day after it.
///
/// # Errors
/// Never for the check-in's schedule.
pub fn fire_times_around(
    tz: chrono_tz::Tz,
    estimate: DateTime<Utc>,
) -> Result<(DateTime<Utc>, Vec<DateTime<Utc>>)> {
    let schedule = Schedule::parse(DEFAULT_WATCHER_SCHEDULE)?;
    let window = chrono::Duration::days(1);
    let from = estimate - window;
    let times = schedule.slots_between(tz, from, estimate + window)?;
    Ok((from, times))
}

/// The first Mac of a registration's flight ([`PROVISION_FIRST_MAC`], after
/// [`orgs::LOCK`]): its zone, the fire times around the clock `estimate` and the clock the
/// statement decides with (`None`: the database's).
#[derive(Debug)]
pub(crate) struct FirstMacInFlight {
    org_id: String,
    zone: &'static str,
    from: DateTime<Utc>,
    times: Vec<DateTime<Utc>>,
    at: Option<DateTime<Utc>>,
    schema: serde_json::Value,
}

impl FirstMacInFlight {
    pub(crate) fn new(
        org_id: &str,
        tz: chrono_tz::Tz,
        estimate: DateTime<Utc>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Self> {
        let (from, times) = fire_times_around(tz, estimate)?;
        Ok(Self {
            org_id: org_id.to_string(),
            zone: tz.name(),
            from,
            times,
            at,
            schema: default_extraction_schema(),
        })
    }

    /// The lock's parameters.
    pub(crate) fn lock_params(
        &self,
    ) -> [(&(dyn postgres::types::ToSql + Sync), postgres::types::Type); 1] {
        [p(&self.org_id)]
    }

    /// [`PROVISION_FIRST_MAC`]'s parameters.
    pub(crate) fn params(
        &self,
    ) -> [(&(dyn postgres::types::ToSql + Sync), postgres::types::Type); 13] {
        [
            p(&self.org_id),
            p(&self.from),
            p(&self.zone),
            p(&self.times),
            p(&DEFAULT_WATCHER_SLUG),
            p(&DEFAULT_AGENT_ID),
            p(&DEFAULT_WATCHER_NAME),
            p(&DEFAULT_WATCHER_PROMPT),
            p(&self.schema),
            p(&DEFAULT_WATCHER_SCHEDULE),
            p(&DEFAULT_WATCHER_COOLDOWN),
            p(&self.at),
            p(&WATCHER_SENTINEL),
        ]
    }

    /// The lock, then the watcher.
    pub(crate) const LOCK: &'static str = orgs::LOCK_IF_FIRST_MAC;
    pub(crate) const SQL: &'static str = PROVISION_FIRST_MAC;

    /// The outcome from the statement's row (none: no first Mac, or no organisation).
    ///
    /// # Errors
    /// `internal` for an outcome this binary does not know.
    pub(crate) fn outcome(row: Option<&postgres::Row>) -> Result<Option<DefaultWatcher>> {
        row.map(|r| {
            Ok(DefaultWatcher {
                outcome: outcome(r.get(0))?,
                watcher_id: r.get(1),
            })
        })
        .transpose()
    }
}

/// A first Mac's registration, as the watcher rules need it.
#[derive(Debug, Clone)]
pub struct FirstMac {
    /// Organisation.
    pub org_id: String,
    /// The device.
    pub device_id: Uuid,
    /// The device's time zone (the watcher's).
    pub timezone: chrono_tz::Tz,
}

/// Provisions the daily check-in for first Macs (SPEC 3) in at most three statements
/// whatever their number: the one implementation of the watcher rules, used by
/// `register-device` and `seed` alike.
/// Returns the deciding device of each organisation with its outcome. Call inside a
/// transaction that holds the organisations' row locks.
///
/// # Errors
/// Database failures.
pub fn provision_watchers(
    tx: &mut impl GenericClient,
    macs: &[FirstMac],
    now: DateTime<Utc>,
) -> Result<Vec<(Uuid, DefaultWatcher)>> {
    let schedule = Schedule::parse(DEFAULT_WATCHER_SCHEDULE)?;
    // the next 09:00 depends only on the zone: computed once per zone
    let mut next = std::collections::HashMap::new();
    let mut next_at = Vec::with_capacity(macs.len());
    for m in macs {
        let at = match next.entry(m.timezone) {
            std::collections::hash_map::Entry::Occupied(e) => *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                *e.insert(schedule.next_after(m.timezone, now)?)
            }
        };
        next_at.push(at);
    }
    let orgs: Vec<&str> = macs.iter().map(|m| m.org_id.as_str()).collect();
    let devices: Vec<Uuid> = macs.iter().map(|m| m.device_id).collect();
    let zones: Vec<&str> = macs.iter().map(|m| m.timezone.name()).collect();
    let decided = tx.query_typed(
        DECIDE_WATCHERS,
        &[
            p(&orgs),
            p(&devices),
            p(&zones),
            p(&next_at),
            p(&DEFAULT_WATCHER_SLUG),
            p(&DEFAULT_AGENT_ID),
        ],
    )?;
    let mut out = Vec::with_capacity(decided.len());
    let mut stamp = Vec::new();
    let mut create: Vec<&postgres::Row> = Vec::new();
    for r in &decided {
        let outcome: WatcherOutcome = outcome(r.get(5))?;
        if outcome == WatcherOutcome::Created {
            create.push(r);
        }
        if r.get::<_, bool>(7) {
            stamp.push(r.get::<_, String>(1));
        }
        out.push((
            r.get::<_, Uuid>(0),
            DefaultWatcher {
                outcome,
                watcher_id: r.get(6),
            },
        ));
    }
    if !create.is_empty() {
        let created: std::collections::HashMap<Uuid, i64> = tx
            .query_typed(
                "INSERT INTO watchers (org_id, slug, name, prompt, extraction_schema, schedule,
                                       timezone, agent_id, device_id, created_by,
                                       min_cooldown_seconds, next_run_at, created_at,
                                       updated_at)
                 SELECT o, $6, $7, $8, $9, $10, z, a, d, 'provisioning', $11, x, $12, $12
                 FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
                      AS t(o, d, z, a, x)
                 ON CONFLICT (org_id, slug) WHERE status <> 'archived' DO NOTHING
                 RETURNING device_id, id",
                &[
                    p(&create
                        .iter()
                        .map(|r| r.get::<_, String>(1))
                        .collect::<Vec<_>>()),
                    p(&create
                        .iter()
                        .map(|r| r.get::<_, Uuid>(0))
                        .collect::<Vec<_>>()),
                    p(&create
                        .iter()
                        .map(|r| r.get::<_, String>(2))
                        .collect::<Vec<_>>()),
                    p(&create
                        .iter()
                        .map(|r| r.get::<_, String>(4))
                        .collect::<Vec<_>>()),
                    p(&create
                        .iter()
                        .map(|r| r.get::<_, DateTime<Utc>>(3))
                        .collect::<Vec<_>>()),
                    p(&DEFAULT_WATCHER_SLUG),
                    p(&DEFAULT_WATCHER_NAME),
                    p(&DEFAULT_WATCHER_PROMPT),
                    p(&default_extraction_schema()),
                    p(&DEFAULT_WATCHER_SCHEDULE),
                    p(&DEFAULT_WATCHER_COOLDOWN),
                    p(&now),
                ],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        // a `watchers create` of the same slug that committed between the decision and
        // this insert (it does not lock the organisation) takes the slug: the documented
        // outcome for a taken slug, never a conflict error
        for (device, w) in &mut out {
            if w.outcome == WatcherOutcome::Created {
                w.watcher_id = created.get(device).copied();
                if w.watcher_id.is_none() {
                    w.outcome = WatcherOutcome::SkippedSlugTaken;
                }
            }
        }
    }
    orgs::stamp_sentinels(tx, &stamp, WATCHER_SENTINEL, now)?;
    Ok(out)
}

/// The default watcher's outcome when its rules do not apply: the device was known, or is
/// not a Mac.
pub(crate) fn not_applicable(first: bool, macos: bool) -> Option<DefaultWatcher> {
    let outcome = if !first {
        WatcherOutcome::NotFirstRegistration
    } else if !macos {
        WatcherOutcome::NotEligible
    } else {
        return None;
    };
    Some(DefaultWatcher {
        outcome,
        watcher_id: None,
    })
}

/// Provisions the daily check-in watcher for a first Mac (SPEC 3). Call inside the
/// registration's transaction.
///
/// # Errors
/// Database failures.
pub fn provision_watcher(
    tx: &mut impl GenericClient,
    reg: Registration<'_>,
    now: DateTime<Utc>,
) -> Result<DefaultWatcher> {
    if let Some(w) = not_applicable(reg.first, reg.macos) {
        return Ok(w);
    }
    orgs::lock(tx, reg.org_id)?;
    let mac = FirstMac {
        org_id: reg.org_id.to_string(),
        device_id: reg.device_id,
        timezone: reg.timezone,
    };
    provision_watchers(tx, &[mac], now)?
        .pop()
        .map(|(_, w)| w)
        .ok_or_else(|| crate::Error::not_found(format!("organization {}", reg.org_id)))
}
