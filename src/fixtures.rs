//! Seed fixtures (SPEC section 10): the file format (unknown keys rejected), validation of
//! the whole file before any write, and an idempotent apply in the caller's transaction.

use std::collections::HashSet;

use crate::db::GenericClient;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::devices::Platform;
use crate::error::{Error, Result};
use crate::orgs::{validate_id, validate_name};
use crate::provisioning::{self, AgentOutcome, WatcherOutcome, DEFAULT_AGENT_ID};
use crate::schedule::{parse_timezone, Schedule, Slots, Spread};
use crate::tokens::Token;
use crate::watchers::Timing;
use uuid::Uuid;

/// A fixture file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Organisations to create.
    pub organizations: Vec<OrgFixture>,
}

/// One organisation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFixture {
    /// Id.
    pub id: String,
    /// Name (default: the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Run `provision-agent` (default true).
    #[serde(default = "yes")]
    pub provision_default_agent: bool,
    /// Extra agents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<AgentFixture>,
    /// Devices, registered as `register-device` does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceFixture>,
    /// Extra watchers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub watchers: Vec<WatcherFixture>,
}

fn yes() -> bool {
    true
}

/// An extra agent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgentFixture {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// System prompt.
    #[serde(default)]
    pub identity: String,
}

/// A device.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceFixture {
    /// Owner.
    pub user: String,
    /// Worker id (referenced by watchers' `device`).
    pub worker_id: String,
    /// Platform.
    pub platform: String,
    /// IANA time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Client version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// A fixed token value (for CI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// A watcher.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WatcherFixture {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Cron expression.
    pub schedule: String,
    /// IANA time zone (default UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Agent id (default `owletto-default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Worker id of a device of the same organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Prompt.
    pub prompt: String,
    /// Spread, a duration such as `10m` (default: none, each slot fires at the slot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<String>,
    /// Catch-up window, a duration of a minute or more (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catch_up_window: Option<String>,
    /// Retries of a failed or timed-out run, 0 to 10 (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<i32>,
    /// The first retry's delay, a duration (default 0s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delay: Option<String>,
    /// The cool-down between runs, a duration (default 0s: never skip), as
    /// `--min-cooldown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cooldown: Option<String>,
}

impl WatcherFixture {
    /// Its spread, catch-up window and retries, parsed and checked as the flags are.
    ///
    /// # Errors
    /// `invalid_input` naming the key.
    pub fn timing(&self) -> Result<Timing> {
        use crate::durations::{parse_catch_up_window, parse_retry_delay, parse_spread};
        fn key(k: &'static str) -> impl Fn(String) -> Error {
            move |e| Error::invalid(format!("{k}: {e}"))
        }
        let t = Timing {
            spread_seconds: self
                .spread
                .as_deref()
                .map(parse_spread)
                .transpose()
                .map_err(key("spread"))?
                .unwrap_or(0),
            catch_up_window_seconds: self
                .catch_up_window
                .as_deref()
                .map(parse_catch_up_window)
                .transpose()
                .map_err(key("catch_up_window"))?
                .and_then(|w| w.0),
            retries: self.retries.unwrap_or(0),
            retry_delay_seconds: self
                .retry_delay
                .as_deref()
                .map(parse_retry_delay)
                .transpose()
                .map_err(key("retry_delay"))?
                .unwrap_or(0),
        };
        t.check()?;
        Ok(t)
    }

    /// Its cool-down in seconds (0 when the file gives none), parsed as `--min-cooldown`.
    ///
    /// # Errors
    /// `invalid_input` naming the key.
    pub fn min_cooldown_seconds(&self) -> Result<i32> {
        self.min_cooldown
            .as_deref()
            .map(crate::durations::parse_cooldown)
            .transpose()
            .map(Option::unwrap_or_default)
            .map_err(|e| Error::invalid(format!("min_cooldown: {e}")))
    }
}

/// The largest fixture read: 64 MiB, far above a fleet's (10,000 watchers are ~3 MiB).
pub const MAX_FIXTURE_BYTES: u64 = 64 << 20;

/// Reads and parses a fixture from a path, or stdin for `-`, at most [`MAX_FIXTURE_BYTES`].
///
/// # Errors
/// `invalid_input` for unreadable files and JSON that does not match the format.
pub fn read(path: &str) -> Result<Fixture> {
    let text =
        crate::input::read_text(std::path::Path::new(path), MAX_FIXTURE_BYTES).map_err(|e| {
            match path {
                "-" => Error::invalid(format!("cannot read fixture from stdin: {e}")),
                _ => Error::invalid(format!("cannot read fixture {path}: {e}")),
            }
        })?;
    parse(&text)
}

/// Parses and validates a fixture.
///
/// # Errors
/// `invalid_input` naming the entry.
pub fn parse(text: &str) -> Result<Fixture> {
    let fixture: Fixture =
        serde_json::from_str(text).map_err(|e| Error::invalid(format!("invalid fixture: {e}")))?;
    fixture.validate()?;
    Ok(fixture)
}

impl Fixture {
    /// Checks schema, cron, time zones, token formats and references, before any write.
    ///
    /// # Errors
    /// `invalid_input` naming the entry.
    pub fn validate(&self) -> Result<()> {
        let mut org_ids = HashSet::new();
        let mut tokens = HashSet::new();
        for (i, org) in self.organizations.iter().enumerate() {
            let at = |what: String| format!("organizations[{i}] ({}): {what}", org.id);
            let wrap = |e: Error, what: String| Error::invalid(at(format!("{what}: {e}")));
            validate_id("organization id", &org.id).map_err(|e| wrap(e, "id".into()))?;
            if let Some(n) = &org.name {
                validate_name("organization name", n).map_err(|e| wrap(e, "name".into()))?;
            }
            if !org_ids.insert(org.id.as_str()) {
                return Err(Error::invalid(at("duplicate organization id".into())));
            }
            let mut agents: HashSet<&str> = org.agents.iter().map(|a| a.id.as_str()).collect();
            for a in &org.agents {
                validate_id("agent id", &a.id).map_err(|e| wrap(e, "agents".into()))?;
                validate_name("agent name", &a.name).map_err(|e| wrap(e, "agents".into()))?;
                crate::input::storable("agent identity", &a.identity)
                    .map_err(|e| wrap(e, "agents".into()))?;
            }
            if org.provision_default_agent {
                agents.insert(DEFAULT_AGENT_ID);
            }
            let mut workers = HashSet::new();
            for (j, d) in org.devices.iter().enumerate() {
                let what = format!("devices[{j}]");
                check_device_texts(d).map_err(|e| wrap(e, what.clone()))?;
                d.platform
                    .parse::<Platform>()
                    .map_err(|e| wrap(e, what.clone()))?;
                if let Some(tz) = &d.timezone {
                    parse_timezone(tz).map_err(|e| wrap(e, what.clone()))?;
                }
                if let Some(t) = &d.token {
                    Token::new(t.clone())
                        .validate_format()
                        .map_err(|e| wrap(e, what.clone()))?;
                    if !tokens.insert(t.as_str()) {
                        return Err(Error::invalid(at(format!("{what}: duplicate token"))));
                    }
                }
                if !workers.insert((d.user.as_str(), d.worker_id.as_str())) {
                    return Err(Error::invalid(at(format!("{what}: duplicate worker_id"))));
                }
            }
            let mut slugs = HashSet::new();
            for (j, w) in org.watchers.iter().enumerate() {
                let what = format!("watchers[{j}] ({})", w.slug);
                validate_id("slug", &w.slug).map_err(|e| wrap(e, what.clone()))?;
                validate_name("watcher name", &w.name).map_err(|e| wrap(e, what.clone()))?;
                crate::watchers::check_prompt(&w.prompt).map_err(|e| wrap(e, what.clone()))?;
                Schedule::parse(&w.schedule).map_err(|e| wrap(e, what.clone()))?;
                w.timing().map_err(|e| wrap(e, what.clone()))?;
                w.min_cooldown_seconds()
                    .map_err(|e| wrap(e, what.clone()))?;
                if let Some(tz) = &w.timezone {
                    parse_timezone(tz).map_err(|e| wrap(e, what.clone()))?;
                }
                if !slugs.insert(w.slug.as_str()) {
                    return Err(Error::invalid(at(format!("{what}: duplicate slug"))));
                }
                let agent = w.agent.as_deref().unwrap_or(DEFAULT_AGENT_ID);
                if !agents.contains(agent) {
                    return Err(Error::invalid(at(format!(
                        "{what}: agent {agent} is neither in agents nor the provisioned default"
                    ))));
                }
                if let Some(dev) = &w.device {
                    if !org.devices.iter().any(|d| &d.worker_id == dev) {
                        return Err(Error::invalid(at(format!(
                            "{what}: device {dev} is not a worker_id of this organization"
                        ))));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The length rules `register-device` applies to a device's texts.
fn check_device_texts(d: &DeviceFixture) -> Result<()> {
    crate::devices::check_text("user id", &d.user, 200)?;
    crate::devices::check_text("worker id", &d.worker_id, 200)?;
    if let Some(n) = &d.name {
        crate::devices::check_text("device name", n, 200)?;
    }
    if let Some(v) = &d.app_version {
        crate::devices::check_text("app version", v, 100)?;
    }
    Ok(())
}

/// Created and existing counts of one kind of object.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    /// Created by this apply.
    pub created: u64,
    /// Already there.
    pub existing: u64,
}

impl Counts {
    /// `created` of `of` objects were created; the rest existed.
    fn tally(&mut self, created: u64, of: usize) {
        self.created += created;
        self.existing += (of as u64).saturating_sub(created);
    }
}

/// One field of an object of the file whose value in the database differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    /// The object: `organizations[acme]`, `organizations[acme].agents[researcher]`,
    /// `organizations[acme].devices[u1/mbp-1]`, `organizations[acme].watchers[weekly]`.
    pub path: String,
    /// The field, as the file names it (`name`, `timezone`, `schedule`, `device`, ...).
    pub field: String,
    /// The value in the database.
    pub database: serde_json::Value,
    /// The value in the file.
    pub file: serde_json::Value,
}

/// What `seed` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Organisations.
    pub organizations: Counts,
    /// Agents (default and extra).
    pub agents: Counts,
    /// Devices.
    pub devices: Counts,
    /// Fixed tokens.
    pub tokens: Counts,
    /// Watchers (extra and daily check-ins).
    pub watchers: Counts,
    /// True when anything was created (or, in a dry run, would be).
    pub changed: bool,
    /// True when nothing was written (`seed --dry-run`).
    pub dry_run: bool,
    /// Objects of the file that exist with other values (before `--update` wrote the
    /// file's values over them).
    pub drift: Vec<Drift>,
    /// True when `--update` wrote the file's values over the drift (or, in a dry run,
    /// would).
    pub updated: bool,
}

/// The write phases of [`apply`], in order (for progress bars).
pub const PHASES: [&str; 6] = [
    "organizations",
    "default agents",
    "agents",
    "devices and tokens",
    "daily check-ins",
    "watchers",
];

/// Applies a validated fixture in the caller's transaction, set-based: a fixed number of
/// statements per file (about a dozen), whatever its size; `progress` is called with the
/// index of each phase of [`PHASES`] as it starts. The provisioning rules are
/// [`provisioning::provision_agents`] and [`provisioning::provision_watchers`], the same
/// SQL as `provision-agent` and `register-device`. Idempotent: a second apply creates
/// nothing. A device that already exists is left as it is.
///
/// # Errors
/// `not_found` for references to agents absent from the database, `conflict` for a fixed
/// token already used by another device, database failures.
pub fn apply(
    tx: &mut impl GenericClient,
    fixture: &Fixture,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize),
) -> Result<Summary> {
    apply_updating(tx, fixture, false, now, progress)
}

/// As [`apply`], and reports the drift (objects of the file that exist with other
/// values); with `update`, writes the file's values over them in the same transaction
/// (set-based: one statement per kind of object). Nothing the file lacks is changed.
///
/// # Errors
/// As [`apply`].
pub fn apply_updating(
    tx: &mut impl GenericClient,
    fixture: &Fixture,
    update: bool,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize),
) -> Result<Summary> {
    let mut s = Summary::default();
    let orgs = &fixture.organizations;

    progress(0);
    let ids: Vec<&str> = orgs.iter().map(|o| o.id.as_str()).collect();
    let names: Vec<&str> = orgs
        .iter()
        .map(|o| o.name.as_deref().unwrap_or(&o.id))
        .collect();
    let created = tx.execute(
        "INSERT INTO organizations (id, name)
         SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (id) DO NOTHING",
        &[&ids, &names],
    )?;
    s.organizations.tally(created, orgs.len());
    let owned: Vec<String> = ids.iter().map(|i| (*i).to_string()).collect();
    crate::orgs::lock_many(tx, &owned)?;
    refresh_statistics(tx, orgs.len(), "organizations, agents")?;

    // the defaults first: extra agents would make provisioning skip them
    progress(1);
    let provision: Vec<String> = orgs
        .iter()
        .filter(|o| o.provision_default_agent)
        .map(|o| o.id.clone())
        .collect();
    for r in provisioning::provision_agents(tx, &provision, now)? {
        match r.outcome {
            AgentOutcome::Created => s.agents.created += 1,
            AgentOutcome::Existing => s.agents.existing += 1,
            _ => {}
        }
    }

    progress(2);
    let extra: Vec<(&str, &AgentFixture)> = orgs
        .iter()
        .flat_map(|o| o.agents.iter().map(move |a| (o.id.as_str(), a)))
        .collect();
    let created = tx.execute(
        "INSERT INTO agents (org_id, id, name, identity, created_at)
         SELECT o, i, n, d, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                                    AS t(o, i, n, d)
         ON CONFLICT DO NOTHING",
        &[
            &extra.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            &extra.iter().map(|(_, a)| a.id.as_str()).collect::<Vec<_>>(),
            &extra
                .iter()
                .map(|(_, a)| a.name.as_str())
                .collect::<Vec<_>>(),
            &extra
                .iter()
                .map(|(_, a)| a.identity.as_str())
                .collect::<Vec<_>>(),
            &now,
        ],
    )?;
    s.agents.tally(created, extra.len());

    progress(3);
    let devices = apply_devices(tx, orgs, now, &mut s)?;

    refresh_statistics(tx, orgs.len(), "agents, devices, device_tokens, watchers")?;
    progress(4);
    let macs: Vec<provisioning::FirstMac> = devices
        .iter()
        .filter(|d| d.first && d.macos)
        .map(|d| provisioning::FirstMac {
            org_id: d.org_id.to_string(),
            device_id: d.id,
            timezone: d.timezone,
        })
        .collect();
    for (_, w) in provisioning::provision_watchers(tx, &macs, now)? {
        if w.outcome == WatcherOutcome::Created {
            s.watchers.created += 1;
        }
    }

    progress(5);
    apply_watchers(tx, orgs, &devices, now, &mut s)?;
    s.drift = drift(tx, orgs, &devices, now, update)?;
    s.updated = update && !s.drift.is_empty();
    s.changed = s.updated
        || [s.organizations, s.agents, s.devices, s.tokens, s.watchers]
            .iter()
            .any(|c| c.created > 0);
    Ok(s)
}

/// A drifted watcher to write over: its id, the file's watcher, the file's time zone (if
/// given), the file's pin (if given), its settings as the file gives them (absent keys
/// keep the database's), and its next fire time on the file's schedule and spread.
struct WatcherFix<'a> {
    id: i64,
    file: &'a WatcherFixture,
    timezone: Option<String>,
    pin: Option<Option<Uuid>>,
    settings: Settings,
    next: DateTime<Utc>,
    /// The next run `next` was computed from, when only the spread changes (its slot
    /// stays the next one); read again once the watcher is locked.
    kept: Option<DateTime<Utc>>,
    /// The schedule, zone and spread of a watcher whose slots move (any of them changes):
    /// `next` is recomputed from them once it is locked, from the kept next run or else
    /// as the first fire after the latest slot that has a run.
    moved: Option<(Schedule, chrono_tz::Tz, i32)>,
}

/// The settings of SPEC 17 and 18 that a fixture may give, `None` where it does not.
#[derive(Clone, Copy)]
struct Settings {
    spread: Option<i32>,
    catch_up_window: Option<Option<i32>>,
    retries: Option<i32>,
    retry_delay: Option<i32>,
    min_cooldown: Option<i32>,
}

impl Settings {
    /// The keys the file gives, parsed.
    fn of(w: &WatcherFixture) -> Result<Self> {
        let t = w.timing()?;
        Ok(Self {
            spread: w.spread.as_ref().map(|_| t.spread_seconds),
            catch_up_window: w
                .catch_up_window
                .as_ref()
                .map(|_| t.catch_up_window_seconds),
            retries: w.retries.map(|_| t.retries),
            retry_delay: w.retry_delay.as_ref().map(|_| t.retry_delay_seconds),
            min_cooldown: w
                .min_cooldown
                .as_ref()
                .map(|_| w.min_cooldown_seconds())
                .transpose()?,
        })
    }
}

/// A duration as drift shows it, `0s` included (`10m`, `1h30m`).
fn shown_duration(seconds: i32) -> serde_json::Value {
    crate::dispatch::compound(chrono::Duration::seconds(i64::from(seconds))).into()
}

/// A catch-up window as drift shows it: a duration, or `none`.
fn shown_window(seconds: Option<i32>) -> serde_json::Value {
    seconds.map_or_else(|| "none".into(), shown_duration)
}

/// Compares the file's objects with the database's (one statement per kind) and, with
/// `update`, writes the file's values over the ones that differ (one more per kind).
/// Only the fields the file states are compared: an organisation's name when given; an
/// agent's name; a device's name and time zone when given; a watcher's name, schedule and
/// prompt, and its time zone, agent, device, spread, catch-up window, retries, retry delay
/// and cool-down when given.
#[allow(clippy::too_many_lines)]
fn drift(
    tx: &mut impl GenericClient,
    orgs: &[OrgFixture],
    devices: &[Placed<'_>],
    now: DateTime<Utc>,
    update: bool,
) -> Result<Vec<Drift>> {
    use serde_json::{json, Value};
    let mut out = Vec::new();
    let push = |out: &mut Vec<Drift>, path: String, field: &str, database: Value, file: Value| {
        if database != file {
            out.push(Drift {
                path,
                field: field.into(),
                database,
                file,
            });
        }
    };

    // organisations: the name, when given
    let named: Vec<(&str, &str)> = orgs
        .iter()
        .filter_map(|o| o.name.as_deref().map(|n| (o.id.as_str(), n)))
        .collect();
    let col = |v: &[(&str, &str)], i: usize| -> Vec<String> {
        v.iter()
            .map(|t| if i == 0 { t.0 } else { t.1 }.to_string())
            .collect()
    };
    let rows = tx.query(
        "SELECT t.o, o.name FROM unnest($1::text[]) WITH ORDINALITY AS t(o, n)
         JOIN organizations o ON o.id = t.o ORDER BY t.n",
        &[&col(&named, 0)],
    )?;
    let mut org_fix = Vec::new();
    for (row, (id, name)) in rows.iter().zip(&named) {
        let db: String = row.get(1);
        if db != *name {
            org_fix.push((*id, *name));
        }
        push(
            &mut out,
            format!("organizations[{id}]"),
            "name",
            json!(db),
            json!(name),
        );
    }

    // agents: the name
    let agents: Vec<(&str, &AgentFixture)> = orgs
        .iter()
        .flat_map(|o| o.agents.iter().map(move |a| (o.id.as_str(), a)))
        .collect();
    let rows = tx.query(
        "SELECT a.name FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(o, i, n)
         JOIN agents a ON (a.org_id, a.id) = (t.o, t.i) ORDER BY t.n",
        &[
            &agents.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            &agents
                .iter()
                .map(|(_, a)| a.id.as_str())
                .collect::<Vec<_>>(),
        ],
    )?;
    let mut agent_fix = Vec::new();
    for (row, (org, a)) in rows.iter().zip(&agents) {
        let db: String = row.get(0);
        if db != a.name {
            agent_fix.push((*org, a));
        }
        push(
            &mut out,
            format!("organizations[{org}].agents[{}]", a.id),
            "name",
            json!(db),
            json!(a.name),
        );
    }

    // devices: name and time zone, when given
    let all: Vec<(&str, &DeviceFixture)> = orgs
        .iter()
        .flat_map(|o| o.devices.iter().map(move |d| (o.id.as_str(), d)))
        .collect();
    let ids: Vec<Uuid> = devices.iter().map(|d| d.id).collect();
    let rows = tx.query(
        "SELECT d.name, d.timezone FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)
         JOIN devices d ON d.id = t.id ORDER BY t.n",
        &[&ids],
    )?;
    let mut device_fix = Vec::new();
    for ((row, (org, d)), placed) in rows.iter().zip(&all).zip(devices) {
        let path = format!("organizations[{org}].devices[{}/{}]", d.user, d.worker_id);
        let (name, tz): (Option<String>, String) = (row.get(0), row.get(1));
        let file_tz = d
            .timezone
            .as_deref()
            .map(|z| parse_timezone(z).map(|z| z.name().to_string()))
            .transpose()?;
        let mut differs = false;
        if let Some(n) = &d.name {
            differs |= name.as_deref() != Some(n.as_str());
            push(&mut out, path.clone(), "name", json!(name), json!(n));
        }
        if let Some(z) = &file_tz {
            differs |= &tz != z;
            push(&mut out, path, "timezone", json!(tz), json!(z));
        }
        if differs {
            device_fix.push((placed.id, d.name.clone(), file_tz));
        }
    }

    // watchers: by slug among the non-archived
    let by_worker: std::collections::HashMap<(&str, &str), Uuid> = devices
        .iter()
        .map(|d| ((d.org_id, d.worker), d.id))
        .collect();
    let worker_of: std::collections::HashMap<Uuid, &str> =
        devices.iter().map(|d| (d.id, d.worker)).collect();
    let ws: Vec<(&str, &WatcherFixture)> = orgs
        .iter()
        .flat_map(|o| o.watchers.iter().map(move |w| (o.id.as_str(), w)))
        .collect();
    let rows = tx.query(
        "SELECT w.id, w.name, w.schedule, w.timezone, w.prompt, w.agent_id, w.device_id,
                (SELECT d.worker_key FROM devices d WHERE d.id = w.device_id),
                w.spread_seconds, w.catch_up_window_seconds, w.retries, w.retry_delay_seconds,
                w.min_cooldown_seconds, w.next_run_at
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(o, g, n)
         JOIN watchers w ON w.org_id = t.o AND w.slug = t.g AND w.status <> 'archived'
         ORDER BY t.n",
        &[
            &ws.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            &ws.iter().map(|(_, w)| w.slug.as_str()).collect::<Vec<_>>(),
        ],
    )?;
    let mut watcher_fix: Vec<WatcherFix<'_>> = Vec::new();
    for (row, (org, w)) in rows.iter().zip(&ws) {
        let path = format!("organizations[{org}].watchers[{}]", w.slug);
        let id: i64 = row.get(0);
        let (name, schedule, tz, prompt, agent): (String, String, String, String, String) =
            (row.get(1), row.get(2), row.get(3), row.get(4), row.get(5));
        let (pin, pin_worker): (Option<Uuid>, Option<String>) = (row.get(6), row.get(7));
        let (spread, window, retries, delay, cooldown): (i32, Option<i32>, i32, i32, i32) = (
            row.get(8),
            row.get(9),
            row.get(10),
            row.get(11),
            row.get(12),
        );
        let before = out.len();
        push(&mut out, path.clone(), "name", json!(name), json!(w.name));
        push(
            &mut out,
            path.clone(),
            "schedule",
            json!(schedule),
            json!(w.schedule),
        );
        let file_tz = w
            .timezone
            .as_deref()
            .map(|z| parse_timezone(z).map(|z| z.name().to_string()))
            .transpose()?;
        if let Some(z) = &file_tz {
            push(&mut out, path.clone(), "timezone", json!(tz), json!(z));
        }
        push(
            &mut out,
            path.clone(),
            "prompt",
            json!(prompt),
            json!(w.prompt),
        );
        if let Some(a) = &w.agent {
            push(&mut out, path.clone(), "agent", json!(agent), json!(a));
        }
        let file_pin = w
            .device
            .as_deref()
            .map(|d| by_worker.get(&(*org, d)).copied());
        if let (Some(worker), Some(target)) = (&w.device, file_pin) {
            if target != pin {
                let shown = pin.map(|p| {
                    worker_of.get(&p).map_or_else(
                        || pin_worker.clone().unwrap_or_default(),
                        |w| (*w).to_string(),
                    )
                });
                out.push(Drift {
                    path: path.clone(),
                    field: "device".into(),
                    database: json!(shown),
                    file: json!(worker),
                });
            }
        }
        let settings = Settings::of(w)?;
        let mut setting = |field: &str, database: Value, file: Option<Value>| {
            if let Some(file) = file {
                push(&mut out, path.clone(), field, database, file);
            }
        };
        setting(
            "spread",
            shown_duration(spread),
            settings.spread.map(shown_duration),
        );
        setting(
            "catch_up_window",
            shown_window(window),
            settings.catch_up_window.map(shown_window),
        );
        setting(
            "retries",
            json!(retries),
            settings.retries.map(|r| json!(r)),
        );
        setting(
            "retry_delay",
            shown_duration(delay),
            settings.retry_delay.map(shown_duration),
        );
        setting(
            "min_cooldown",
            shown_duration(cooldown),
            settings.min_cooldown.map(shown_duration),
        );
        if out.len() > before {
            let zone = parse_timezone(file_tz.as_deref().unwrap_or(&tz))?;
            let parsed = Schedule::parse(&w.schedule)?;
            let new_spread = settings.spread.unwrap_or(spread);
            // only the spread changes: the next slot stays the slot (never fired twice,
            // never skipped), at its new offset
            let old: Option<DateTime<Utc>> = row.get(13);
            let kept =
                old.filter(|_| w.schedule == schedule && zone.name() == tz && new_spread != spread);
            let next = match kept {
                Some(o) => crate::watchers::kept_fire(&parsed, zone, id, o, spread, new_spread),
                // (again below with the slot guard, for the update; here for what a
                // schedule that never fires says, in a report too)
                None => crate::watchers::first_fire(&parsed, zone, id, new_spread, now, None)?,
            };
            // computed again below, once the watcher is locked: a slot that has a run is
            // not fired again, and a command may have moved the next run meanwhile
            let moved = (w.schedule != schedule || zone.name() != tz || new_spread != spread)
                .then_some((parsed, zone, new_spread));
            watcher_fix.push(WatcherFix {
                id,
                file: w,
                timezone: file_tz,
                pin: file_pin,
                settings,
                next,
                kept,
                moved,
            });
        }
    }
    if !update || out.is_empty() {
        return Ok(out);
    }
    tx.execute(
        "UPDATE organizations o SET name = t.n FROM unnest($1::text[], $2::text[]) AS t(i, n)
         WHERE o.id = t.i",
        &[
            &org_fix.iter().map(|t| t.0).collect::<Vec<_>>(),
            &org_fix.iter().map(|t| t.1).collect::<Vec<_>>(),
        ],
    )?;
    tx.execute(
        "UPDATE agents a SET name = t.n
         FROM unnest($1::text[], $2::text[], $3::text[]) AS t(o, i, n)
         WHERE (a.org_id, a.id) = (t.o, t.i)",
        &[
            &agent_fix.iter().map(|t| t.0).collect::<Vec<_>>(),
            &agent_fix
                .iter()
                .map(|t| t.1.id.as_str())
                .collect::<Vec<_>>(),
            &agent_fix
                .iter()
                .map(|t| t.1.name.as_str())
                .collect::<Vec<_>>(),
        ],
    )?;
    tx.execute(
        "UPDATE devices d SET name = coalesce(t.n, d.name), timezone = coalesce(t.z, d.timezone)
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(i, n, z)
         WHERE d.id = t.i",
        &[
            &device_fix.iter().map(|t| t.0).collect::<Vec<_>>(),
            &device_fix
                .iter()
                .map(|t| t.1.as_deref())
                .collect::<Vec<_>>(),
            &device_fix
                .iter()
                .map(|t| t.2.as_deref())
                .collect::<Vec<_>>(),
        ],
    )?;
    // every watcher the update writes, locked in id order (as `agents delete` and `devices
    // delete` lock theirs: the update alone locked them in the fixture's order, and
    // deadlocked with them) after the organisations, agents and devices (the order those
    // take), and read again: the next run, spread, schedule and zone a `watchers update`
    // or a tick may have changed since the read above (a kept slot computed from an old
    // pair fired twice); then the latest slot that has a run (in a statement of its own: a
    // statement that waited for a lock reads the runs as they were when it started)
    let ids: Vec<i64> = watcher_fix.iter().map(|f| f.id).collect();
    let mut locked = std::collections::HashMap::new();
    let rows = if ids.is_empty() {
        Vec::new()
    } else {
        tx.query(
            "SELECT id, next_run_at, spread_seconds, schedule, timezone FROM watchers
             WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE",
            &[&ids],
        )?
    };
    for r in rows {
        let row: (Option<DateTime<Utc>>, i32, String, String) =
            (r.get(1), r.get(2), r.get(3), r.get(4));
        locked.insert(r.get::<_, i64>(0), row);
    }
    let moved: Vec<i64> = watcher_fix
        .iter()
        .filter(|f| f.moved.is_some())
        .map(|f| f.id)
        .collect();
    let fired = crate::watchers::fired_slots(tx, &moved)?;
    for f in &mut watcher_fix {
        let Some((schedule, zone, spread)) = &f.moved else {
            continue;
        };
        // only the spread still changes: the slot of the next run as it is now stays
        f.kept = match locked.get(&f.id) {
            Some((Some(next), old_spread, s, z))
                if f.kept.is_some() && *s == f.file.schedule && z == zone.name() =>
            {
                let (next, old) = (*next, *old_spread);
                f.next = crate::watchers::kept_fire(schedule, *zone, f.id, next, old, *spread);
                Some(next)
            }
            _ => None,
        };
        if f.kept.is_none() {
            let fired = fired.get(&f.id).copied().flatten();
            f.next = crate::watchers::first_fire(schedule, *zone, f.id, *spread, now, fired)?;
        }
    }
    let fix = |f: fn(&WatcherFix<'_>) -> Option<i32>| -> Vec<Option<i32>> {
        watcher_fix.iter().map(f).collect()
    };
    tx.execute(
        concat!(
            "UPDATE watchers w
         SET name = t.n, schedule = t.c, timezone = coalesce(t.z, w.timezone), prompt = t.p,
             agent_id = coalesce(t.a, w.agent_id),
             device_id = CASE WHEN t.pg THEN t.d ELSE w.device_id END,
             next_run_at = CASE WHEN w.schedule <> t.c OR w.timezone <> coalesce(t.z, w.timezone)
                                     OR w.spread_seconds <> coalesce(t.sp, w.spread_seconds)
                                THEN coalesce(",
            crate::watchers::kept_at_sql!("w.next_run_at", "w.due_since", "t2.kept", "$10"),
            ", t.x) ELSE w.next_run_at END,
             -- as `watchers update`: a kept slot moved before the moment it fell due is
             -- due from that moment (migration V15)
             due_since = CASE WHEN w.schedule <> t.c OR w.timezone <> coalesce(t.z, w.timezone)
                                   OR w.spread_seconds <> coalesce(t.sp, w.spread_seconds)
                              THEN ",
            crate::watchers::fell_due_sql!("w.next_run_at", "w.due_since", "t2.kept", "$10"),
            " ELSE w.due_since END,
             spread_seconds = coalesce(t.sp, w.spread_seconds),
             catch_up_window_seconds = CASE WHEN t.cwg THEN t.cw
                                            ELSE w.catch_up_window_seconds END,
             retries = coalesce(t.rt, w.retries),
             retry_delay_seconds = coalesce(t.rd, w.retry_delay_seconds),
             min_cooldown_seconds = coalesce(t.cd, w.min_cooldown_seconds),
             updated_at = $10
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::bool[], $8::uuid[], $9::timestamptz[], $11::int[], $12::bool[],
                     $13::int[], $14::int[], $15::int[], $16::int[], $17::timestamptz[])
              AS t(i, n, c, z, p, a, pg, d, x, sp, cwg, cw, rt, rd, cd, k),
              LATERAL (SELECT CASE WHEN t.k IS NOT NULL THEN t.x END AS kept) t2
         WHERE w.id = t.i"
        ),
        &[
            &watcher_fix.iter().map(|t| t.id).collect::<Vec<_>>(),
            &watcher_fix
                .iter()
                .map(|t| t.file.name.as_str())
                .collect::<Vec<_>>(),
            &watcher_fix
                .iter()
                .map(|t| t.file.schedule.as_str())
                .collect::<Vec<_>>(),
            &watcher_fix
                .iter()
                .map(|t| t.timezone.as_deref())
                .collect::<Vec<_>>(),
            &watcher_fix
                .iter()
                .map(|t| t.file.prompt.as_str())
                .collect::<Vec<_>>(),
            &watcher_fix
                .iter()
                .map(|t| t.file.agent.as_deref())
                .collect::<Vec<_>>(),
            &watcher_fix
                .iter()
                .map(|t| t.pin.is_some())
                .collect::<Vec<_>>(),
            &watcher_fix
                .iter()
                .map(|t| t.pin.flatten())
                .collect::<Vec<_>>(),
            &watcher_fix.iter().map(|t| t.next).collect::<Vec<_>>(),
            &now,
            &fix(|t| t.settings.spread),
            &watcher_fix
                .iter()
                .map(|t| t.settings.catch_up_window.is_some())
                .collect::<Vec<_>>(),
            &fix(|t| t.settings.catch_up_window.flatten()),
            &fix(|t| t.settings.retries),
            &fix(|t| t.settings.retry_delay),
            &fix(|t| t.settings.min_cooldown),
            &watcher_fix.iter().map(|t| t.kept).collect::<Vec<_>>(),
        ],
    )?;
    Ok(out)
}

/// Fixtures at least this large refresh the planner's statistics of the tables they
/// just filled (inside the transaction, where ANALYZE counts its own rows): planned with
/// the statistics of an empty table, the rule statements' look-ups turn quadratic.
const ANALYZE_FROM: usize = 10_000;

fn refresh_statistics(tx: &mut impl GenericClient, orgs: usize, tables: &str) -> Result<()> {
    if orgs >= ANALYZE_FROM {
        // a role that does not own the tables gets a warning, not an error
        tx.batch_execute(&format!("ANALYZE {tables}"))?;
    }
    Ok(())
}

/// A fixture device after the write: its id and whether this apply inserted it.
struct Placed<'a> {
    org_id: &'a str,
    worker: &'a str,
    id: Uuid,
    first: bool,
    macos: bool,
    timezone: chrono_tz::Tz,
}

/// Inserts the new devices (as `register-device` would: platform, time zone default
/// UTC), then their fixed tokens; four statements.
fn apply_devices<'a>(
    tx: &mut impl GenericClient,
    orgs: &'a [OrgFixture],
    now: DateTime<Utc>,
    s: &mut Summary,
) -> Result<Vec<Placed<'a>>> {
    let all: Vec<(&str, &DeviceFixture)> = orgs
        .iter()
        .flat_map(|o| o.devices.iter().map(move |d| (o.id.as_str(), d)))
        .collect();
    let col = |f: fn(&DeviceFixture) -> Option<&str>| -> Vec<Option<&str>> {
        all.iter().map(|(_, d)| f(d)).collect()
    };
    let platforms: Vec<Platform> = all
        .iter()
        .map(|(_, d)| d.platform.parse())
        .collect::<Result<_>>()?;
    let inserted = tx.query(
        "INSERT INTO devices (org_id, user_id, worker_key, platform, name, timezone,
                              app_version, first_seen_at, last_seen_at)
         SELECT o, u, w, p, n, coalesce(z, 'UTC'), v, $8, $8
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[]) AS t(o, u, w, p, n, z, v)
         ON CONFLICT (org_id, user_id, worker_key) DO NOTHING
         RETURNING org_id, user_id, worker_key",
        &[
            &all.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            &col(|d| Some(d.user.as_str())),
            &col(|d| Some(d.worker_id.as_str())),
            &platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            &col(|d| d.name.as_deref()),
            &col(|d| d.timezone.as_deref()),
            &col(|d| d.app_version.as_deref()),
            &now,
        ],
    )?;
    let fresh: std::collections::HashSet<(String, String, String)> = inserted
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    s.devices.tally(fresh.len() as u64, all.len());
    let rows = tx.query(
        "SELECT d.id, d.timezone FROM unnest($1::text[], $2::text[], $3::text[])
                WITH ORDINALITY AS t(o, u, w, n)
         JOIN devices d ON (d.org_id, d.user_id, d.worker_key) = (t.o, t.u, t.w)
         ORDER BY t.n",
        &[
            &all.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            &col(|d| Some(d.user.as_str())),
            &col(|d| Some(d.worker_id.as_str())),
        ],
    )?;
    let mut placed = Vec::with_capacity(all.len());
    for ((org_id, d), (row, platform)) in all.iter().zip(rows.iter().zip(&platforms)) {
        placed.push(Placed {
            org_id,
            worker: &d.worker_id,
            id: row.get(0),
            first: fresh.contains(&((*org_id).to_string(), d.user.clone(), d.worker_id.clone())),
            macos: *platform == Platform::Macos,
            timezone: parse_timezone(&row.get::<_, String>(1))?,
        });
    }

    // fixed tokens: one of another device is a conflict; ours are kept; the rest inserted
    let with_token: Vec<(&Placed<'_>, Token)> = placed
        .iter()
        .zip(&all)
        .filter_map(|(p, (_, d))| d.token.clone().map(|t| (p, Token::new(t))))
        .collect();
    let hashes: Vec<String> = with_token.iter().map(|(_, t)| t.hash()).collect();
    let owners: std::collections::HashMap<String, Uuid> = tx
        .query(
            "SELECT token_hash, device_id FROM device_tokens WHERE token_hash = ANY($1)",
            &[&hashes],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut new_tokens = Vec::new();
    for ((p, t), hash) in with_token.iter().zip(&hashes) {
        match owners.get(hash) {
            Some(owner) if *owner == p.id => s.tokens.existing += 1,
            Some(_) => {
                return Err(Error::Conflict(format!(
                    "organization {}: the token of device {} belongs to another device",
                    p.org_id, p.worker
                )))
            }
            None => new_tokens.push((p, t, hash)),
        }
    }
    let created = tx.execute(
        "INSERT INTO device_tokens (device_id, org_id, prefix, token_hash)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])",
        &[
            &new_tokens.iter().map(|(p, _, _)| p.id).collect::<Vec<_>>(),
            &new_tokens
                .iter()
                .map(|(p, _, _)| p.org_id)
                .collect::<Vec<_>>(),
            &new_tokens
                .iter()
                .map(|(_, t, _)| t.display_prefix())
                .collect::<Vec<_>>(),
            &new_tokens
                .iter()
                .map(|(_, _, h)| h.as_str())
                .collect::<Vec<_>>(),
        ],
    )?;
    s.tokens.created += created;
    Ok(placed)
}

/// Creates the extra watchers whose slug is free; an agent that does not exist is
/// `not_found` before anything is inserted. Two statements.
fn apply_watchers(
    tx: &mut impl GenericClient,
    orgs: &[OrgFixture],
    devices: &[Placed<'_>],
    now: DateTime<Utc>,
    s: &mut Summary,
) -> Result<()> {
    let all: Vec<(&OrgFixture, &WatcherFixture)> = orgs
        .iter()
        .flat_map(|o| o.watchers.iter().map(move |w| (o, w)))
        .collect();
    let agents: Vec<&str> = all
        .iter()
        .map(|(_, w)| w.agent.as_deref().unwrap_or(DEFAULT_AGENT_ID))
        .collect();
    let org_ids: Vec<&str> = all.iter().map(|(o, _)| o.id.as_str()).collect();
    if let Some(r) = tx.query_opt(
        "SELECT t.o, t.a FROM unnest($1::text[], $2::text[]) AS t(o, a)
         WHERE NOT EXISTS (SELECT 1 FROM agents g WHERE g.org_id = t.o AND g.id = t.a)
         LIMIT 1",
        &[&org_ids, &agents],
    )? {
        return Err(Error::not_found(format!(
            "agent {} in organization {}",
            r.get::<_, String>(1),
            r.get::<_, String>(0)
        )));
    }
    // a watcher's device: the last device of its organisation with that worker_id
    let by_worker: std::collections::HashMap<(&str, &str), Uuid> = devices
        .iter()
        .map(|d| ((d.org_id, d.worker), d.id))
        .collect();
    let device_of = |org: &str, worker: &str| by_worker.get(&(org, worker)).copied();
    let mut next = std::collections::HashMap::new();
    let mut next_at = Vec::with_capacity(all.len());
    let mut zones = Vec::with_capacity(all.len());
    for (_, w) in &all {
        let tz = parse_timezone(w.timezone.as_deref().unwrap_or("UTC"))?;
        let key = (w.schedule.as_str(), tz);
        let at = match next.get(&key) {
            Some(at) => *at,
            None => {
                let at = Schedule::parse(&w.schedule)?.next_after(tz, now)?;
                next.insert(key, at);
                at
            }
        };
        next_at.push(at);
        zones.push(tz.name());
    }
    let text =
        |f: fn(&WatcherFixture) -> &str| -> Vec<&str> { all.iter().map(|(_, w)| f(w)).collect() };
    let timings = all
        .iter()
        .map(|(_, w)| w.timing())
        .collect::<Result<Vec<_>>>()?;
    let timing = |f: fn(&Timing) -> i32| -> Vec<i32> { timings.iter().map(f).collect() };
    let windows: Vec<Option<i32>> = timings.iter().map(|t| t.catch_up_window_seconds).collect();
    let cooldowns = all
        .iter()
        .map(|(_, w)| w.min_cooldown_seconds())
        .collect::<Result<Vec<_>>>()?;
    // a watcher with a spread fires at an offset its id gives: set once the ids are known
    let row = tx.query_one(
        "WITH ins AS (
             INSERT INTO watchers (org_id, slug, name, prompt, schedule, timezone, agent_id,
                                   device_id, created_by, min_cooldown_seconds, next_run_at,
                                   created_at, updated_at, spread_seconds,
                                   catch_up_window_seconds, retries, retry_delay_seconds)
             SELECT o, g, n, p, c, z, a, d, 'seed', cd, x, $10, $10, sp, cw, rt, rd
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::text[], $7::text[], $8::uuid[], $9::timestamptz[], $11::int[],
                         $12::int[], $13::int[], $14::int[], $15::int[])
                 AS t(o, g, n, p, c, z, a, d, x, sp, cw, rt, rd, cd)
             ON CONFLICT (org_id, slug) WHERE status <> 'archived' DO NOTHING
             RETURNING id, schedule, timezone, spread_seconds
         )
         SELECT count(*),
                coalesce(array_agg(id) FILTER (WHERE spread_seconds > 0), '{}'),
                coalesce(array_agg(schedule) FILTER (WHERE spread_seconds > 0), '{}'),
                coalesce(array_agg(timezone) FILTER (WHERE spread_seconds > 0), '{}'),
                coalesce(array_agg(spread_seconds) FILTER (WHERE spread_seconds > 0), '{}')
         FROM ins",
        &[
            &org_ids,
            &text(|w| w.slug.as_str()),
            &text(|w| w.name.as_str()),
            &text(|w| w.prompt.as_str()),
            &text(|w| w.schedule.as_str()),
            &zones,
            &agents,
            &all.iter()
                .map(|(o, w)| w.device.as_deref().and_then(|d| device_of(&o.id, d)))
                .collect::<Vec<_>>(),
            &next_at,
            &now,
            &timing(|t| t.spread_seconds),
            &windows,
            &timing(|t| t.retries),
            &timing(|t| t.retry_delay_seconds),
            &cooldowns,
        ],
    )?;
    let created = u64::try_from(row.get::<_, i64>(0)).unwrap_or(0);
    let (ids, schedules, zones, spreads): (Vec<i64>, Vec<String>, Vec<String>, Vec<i32>) =
        (row.get(1), row.get(2), row.get(3), row.get(4));
    if !ids.is_empty() {
        let mut slots: std::collections::HashMap<(&str, &str), Slots> = Default::default();
        let mut at = Vec::with_capacity(ids.len());
        for (((id, expr), tz), spread) in ids.iter().zip(&schedules).zip(&zones).zip(&spreads) {
            let slots = match slots.entry((expr.as_str(), tz.as_str())) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(Slots::new(Schedule::parse(expr)?, parse_timezone(tz)?))
                }
            };
            at.push(
                slots
                    .next_fire(now, Spread::new(i64::from(*spread), *id))?
                    .at,
            );
        }
        tx.execute(
            "UPDATE watchers SET next_run_at = u.at
             FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, at)
             WHERE watchers.id = u.id",
            &[&ids, &at],
        )?;
    }
    s.watchers.tally(created, all.len());
    Ok(())
}

/// A number of seconds as a fixture's duration (`10m`, `0s`).
fn duration(seconds: i32) -> Option<String> {
    Some(crate::dispatch::compound(chrono::Duration::seconds(
        i64::from(seconds),
    )))
}

/// The fixture that re-creates organisations (all when `org_ids` is empty), for
/// `export`: what `seed` reads, in a stable order (organisations by id; agents, devices
/// and watchers by creation) so that it diffs well. Left out, since the format cannot
/// say them or the database does not keep them: token values (only hashes are stored),
/// the daily check-ins (registering the first Mac re-creates them), archived watchers,
/// and watcher settings beyond the format (status, extraction schema). The settings of
/// SPEC 17 and 18 are written always, at their default too (`0s`, `none`, `0`): drift
/// compares only the keys a file gives, so an export that left a default out would not
/// reset a target whose watcher has another value, and `export` then `seed --update`
/// would not converge the target to the source.
///
/// # Errors
/// `not_found` for a named organisation that does not exist; database failures.
pub fn export(client: &mut impl GenericClient, org_ids: &[String]) -> Result<Fixture> {
    let orgs = client.query(
        "SELECT id, name FROM organizations
         WHERE cardinality($1::text[]) = 0 OR id = ANY($1) ORDER BY id",
        &[&org_ids],
    )?;
    if let Some(missing) = org_ids
        .iter()
        .find(|id| !orgs.iter().any(|r| r.get::<_, &str>(0) == id.as_str()))
    {
        return Err(Error::not_found(format!("organization {missing}")));
    }
    let ids: Vec<String> = orgs.iter().map(|r| r.get(0)).collect();
    let agents = client.query(
        "SELECT org_id, id, name, identity FROM agents WHERE org_id = ANY($1)
         ORDER BY org_id, created_at, id",
        &[&ids],
    )?;
    // the Mac that holds the provisioned daily check-in comes first, so that a re-seed
    // gives it the daily check-in again
    let devices = client.query(
        "SELECT d.org_id, d.user_id, d.worker_key, d.platform, d.timezone, d.name,
                d.app_version
         FROM devices d WHERE d.org_id = ANY($1)
         ORDER BY d.org_id,
                  NOT EXISTS (SELECT 1 FROM watchers w WHERE w.device_id = d.id
                              AND w.created_by = 'provisioning' AND w.status <> 'archived'),
                  d.first_seen_at, d.user_id, d.worker_key",
        &[&ids],
    )?;
    let watchers = client.query(
        "SELECT w.org_id, w.slug, w.name, w.schedule, w.timezone, w.agent_id, d.worker_key,
                w.prompt, w.spread_seconds, w.catch_up_window_seconds, w.retries,
                w.retry_delay_seconds, w.min_cooldown_seconds
         FROM watchers w LEFT JOIN devices d ON d.id = w.device_id
         WHERE w.org_id = ANY($1) AND w.status <> 'archived' AND w.created_by <> 'provisioning'
         ORDER BY w.org_id, w.id",
        &[&ids],
    )?;
    // rows by organisation, once (each query is ordered by org_id first)
    let group = |rows: &'_ [postgres::Row]| {
        let mut by: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, r) in rows.iter().enumerate() {
            by.entry(r.get(0)).or_default().push(i);
        }
        by
    };
    let (by_agent, by_device, by_watcher) = (group(&agents), group(&devices), group(&watchers));
    let none = Vec::new();
    let organizations = orgs
        .iter()
        .map(|o| {
            let id: String = o.get(0);
            let mine = |by: &std::collections::HashMap<String, Vec<usize>>| {
                by.get(&id).unwrap_or(&none).clone()
            };
            let has_default = mine(&by_agent)
                .iter()
                .any(|i| agents[*i].get::<_, &str>(1) == DEFAULT_AGENT_ID);
            OrgFixture {
                name: Some(o.get(1)),
                provision_default_agent: has_default,
                agents: mine(&by_agent)
                    .into_iter()
                    .map(|i| &agents[i])
                    .filter(|a| a.get::<_, &str>(1) != DEFAULT_AGENT_ID)
                    .map(|a| AgentFixture {
                        id: a.get(1),
                        name: a.get(2),
                        identity: a.get(3),
                    })
                    .collect(),
                devices: mine(&by_device)
                    .into_iter()
                    .map(|i| &devices[i])
                    .map(|d| DeviceFixture {
                        user: d.get(1),
                        worker_id: d.get(2),
                        platform: d.get(3),
                        timezone: Some(d.get(4)),
                        name: d.get(5),
                        app_version: d.get(6),
                        token: None,
                    })
                    .collect(),
                watchers: mine(&by_watcher)
                    .into_iter()
                    .map(|i| &watchers[i])
                    .map(|w| WatcherFixture {
                        slug: w.get(1),
                        name: w.get(2),
                        schedule: w.get(3),
                        timezone: Some(w.get(4)),
                        agent: Some(w.get(5)),
                        device: w.get(6),
                        prompt: w.get(7),
                        spread: duration(w.get(8)),
                        catch_up_window: Some(
                            w.get::<_, Option<i32>>(9)
                                .and_then(duration)
                                .unwrap_or_else(|| "none".into()),
                        ),
                        retries: Some(w.get(10)),
                        retry_delay: duration(w.get(11)),
                        min_cooldown: duration(w.get(12)),
                    })
                    .collect(),
                id,
            }
        })
        .collect();
    Ok(Fixture { organizations })
}
