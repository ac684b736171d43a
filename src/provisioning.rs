//! Sticky default provisioning (SPEC section 3): the default agent of an organisation and
//! the daily check-in watcher of its first Mac. Sentinels in `organizations.metadata`
//! record that provisioning happened, so a deleted default is never re-created.
//!
//! Race-free: every decision is taken under the organisation's row lock (`FOR NO KEY UPDATE`).

use chrono::{DateTime, Utc};
use postgres::GenericClient;
use serde::Serialize;
use uuid::Uuid;

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

/// Provisions the default agent once (SPEC 3). Call inside a transaction.
///
/// # Errors
/// `not_found` for an unknown organisation.
pub fn provision_agent(
    tx: &mut impl GenericClient,
    org_id: &str,
    now: DateTime<Utc>,
) -> Result<AgentProvisioned> {
    let metadata = orgs::lock(tx, org_id)?;
    let row = tx.query_one(
        "SELECT EXISTS (SELECT 1 FROM agents WHERE org_id = $1 AND id = $2),
                EXISTS (SELECT 1 FROM agents WHERE org_id = $1)",
        &[&org_id, &DEFAULT_AGENT_ID],
    )?;
    let (default_exists, any_agent): (bool, bool) = (row.get(0), row.get(1));
    let outcome = if metadata.get(AGENT_SENTINEL).is_some() {
        if default_exists {
            AgentOutcome::Existing
        } else {
            AgentOutcome::Suppressed
        }
    } else if any_agent {
        AgentOutcome::SkippedHasAgents
    } else {
        tx.execute(
            "INSERT INTO agents (org_id, id, name, identity, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &org_id,
                &DEFAULT_AGENT_ID,
                &DEFAULT_AGENT_NAME,
                &DEFAULT_AGENT_IDENTITY,
                &now,
            ],
        )?;
        AgentOutcome::Created
    };
    orgs::stamp_sentinel(tx, org_id, AGENT_SENTINEL, now)?;
    Ok(AgentProvisioned {
        org_id: org_id.into(),
        agent_id: (default_exists || outcome == AgentOutcome::Created)
            .then(|| DEFAULT_AGENT_ID.to_string()),
        outcome,
    })
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
    let done = |outcome, watcher_id| {
        Ok(DefaultWatcher {
            outcome,
            watcher_id,
        })
    };
    if !reg.first {
        return done(WatcherOutcome::NotFirstRegistration, None);
    }
    if !reg.macos {
        return done(WatcherOutcome::NotEligible, None);
    }
    let metadata = orgs::lock(tx, reg.org_id)?;
    if metadata.get(AGENT_SENTINEL).is_none() {
        return done(WatcherOutcome::NotBootstrapped, None);
    }
    let row = tx.query_one(
        "SELECT (SELECT id FROM watchers
                 WHERE org_id = $1 AND slug = $2 AND status <> 'archived'),
                (SELECT id FROM agents WHERE org_id = $1
                 ORDER BY (id = $3) DESC, created_at, id LIMIT 1)",
        &[&reg.org_id, &DEFAULT_WATCHER_SLUG, &DEFAULT_AGENT_ID],
    )?;
    let (live_slug, agent): (Option<i64>, Option<String>) = (row.get(0), row.get(1));
    let outcome = if metadata.get(WATCHER_SENTINEL).is_some() {
        return match live_slug {
            Some(id) => done(WatcherOutcome::Existing, Some(id)),
            None => done(WatcherOutcome::Suppressed, None),
        };
    } else if live_slug.is_some() {
        (WatcherOutcome::SkippedSlugTaken, None)
    } else if let Some(agent) = agent {
        let schedule = Schedule::parse(DEFAULT_WATCHER_SCHEDULE)?;
        let next = schedule.next_after(reg.timezone, now)?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO watchers (org_id, slug, name, prompt, extraction_schema, schedule,
                                       timezone, agent_id, device_id, created_by,
                                       min_cooldown_seconds, next_run_at, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'provisioning', $10, $11, $12, $12)
                 RETURNING id",
                &[
                    &reg.org_id,
                    &DEFAULT_WATCHER_SLUG,
                    &DEFAULT_WATCHER_NAME,
                    &DEFAULT_WATCHER_PROMPT,
                    &default_extraction_schema(),
                    &DEFAULT_WATCHER_SCHEDULE,
                    &reg.timezone.name(),
                    &agent,
                    &reg.device_id,
                    &DEFAULT_WATCHER_COOLDOWN,
                    &next,
                    &now,
                ],
            )?
            .get(0);
        (WatcherOutcome::Created, Some(id))
    } else {
        (WatcherOutcome::SkippedNoAgent, None)
    };
    orgs::stamp_sentinel(tx, reg.org_id, WATCHER_SENTINEL, now)?;
    done(outcome.0, outcome.1)
}
