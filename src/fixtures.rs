//! Seed fixtures (SPEC section 10): the file format (unknown keys rejected), validation of
//! the whole file before any write, and an idempotent apply in the caller's transaction.

use std::collections::HashSet;
use std::io::Read;

use chrono::{DateTime, Utc};
use postgres::GenericClient;
use serde::{Deserialize, Serialize};

use crate::devices::{self, Platform, RegisterDevice};
use crate::error::{Error, Result};
use crate::orgs::{validate_id, validate_name};
use crate::provisioning::{self, AgentOutcome, WatcherOutcome, DEFAULT_AGENT_ID};
use crate::schedule::{parse_timezone, Schedule};
use crate::tokens::Token;
use crate::watchers::{self, NewWatcher};

/// A fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Organisations to create.
    pub organizations: Vec<OrgFixture>,
}

/// One organisation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFixture {
    /// Id.
    pub id: String,
    /// Name (default: the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Run `provision-agent` (default true).
    #[serde(default = "yes")]
    pub provision_default_agent: bool,
    /// Extra agents.
    #[serde(default)]
    pub agents: Vec<AgentFixture>,
    /// Devices, registered as `register-device` does.
    #[serde(default)]
    pub devices: Vec<DeviceFixture>,
    /// Extra watchers.
    #[serde(default)]
    pub watchers: Vec<WatcherFixture>,
}

fn yes() -> bool {
    true
}

/// An extra agent.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceFixture {
    /// Owner.
    pub user: String,
    /// Worker id (referenced by watchers' `device`).
    pub worker_id: String,
    /// Platform.
    pub platform: String,
    /// IANA time zone.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Client version.
    #[serde(default)]
    pub app_version: Option<String>,
    /// A fixed token value (for CI).
    #[serde(default)]
    pub token: Option<String>,
}

/// A watcher.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatcherFixture {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Cron expression.
    pub schedule: String,
    /// IANA time zone (default UTC).
    #[serde(default)]
    pub timezone: Option<String>,
    /// Agent id (default `owletto-default`).
    #[serde(default)]
    pub agent: Option<String>,
    /// Worker id of a device of the same organisation.
    #[serde(default)]
    pub device: Option<String>,
    /// Prompt.
    pub prompt: String,
}

/// Reads and parses a fixture from a path, or stdin for `-`.
///
/// # Errors
/// `invalid_input` for unreadable files and JSON that does not match the format.
pub fn read(path: &str) -> Result<Fixture> {
    let mut text = String::new();
    if path == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::invalid(format!("cannot read fixture from stdin: {e}")))?;
    } else {
        text = std::fs::read_to_string(path)
            .map_err(|e| Error::invalid(format!("cannot read fixture {path}: {e}")))?;
    }
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
            }
            if org.provision_default_agent {
                agents.insert(DEFAULT_AGENT_ID);
            }
            let mut workers = HashSet::new();
            for (j, d) in org.devices.iter().enumerate() {
                let what = format!("devices[{j}]");
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
                Schedule::parse(&w.schedule).map_err(|e| wrap(e, what.clone()))?;
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

    /// Number of top-level steps (organisations), for progress bars.
    #[must_use]
    pub fn len(&self) -> usize {
        self.organizations.len()
    }

    /// Whether there is nothing to apply.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.organizations.is_empty()
    }
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
    fn add(&mut self, created: bool) {
        if created {
            self.created += 1;
        } else {
            self.existing += 1;
        }
    }
}

/// What `seed` did.
#[derive(Debug, Clone, Copy, Default, Serialize)]
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
    /// True when anything was created.
    pub changed: bool,
}

impl Summary {
    /// A table for people.
    #[must_use]
    pub fn render(&self) -> String {
        let rows = [
            ("organizations", self.organizations),
            ("agents", self.agents),
            ("devices", self.devices),
            ("tokens", self.tokens),
            ("watchers", self.watchers),
        ];
        let mut s = crate::output::table(
            &["OBJECT", "CREATED", "EXISTING"],
            rows.iter().map(|(n, c)| {
                vec![
                    (*n).to_string(),
                    c.created.to_string(),
                    c.existing.to_string(),
                ]
            }),
        );
        s.push_str(if self.changed {
            "\nfixture applied"
        } else {
            "\nnothing to do: everything already exists"
        });
        s
    }
}

/// Applies a validated fixture in the caller's transaction; `progress` is called after
/// each organisation. Idempotent: a second apply creates nothing.
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
    let mut s = Summary::default();
    for (i, org) in fixture.organizations.iter().enumerate() {
        let inserted = tx.execute(
            "INSERT INTO organizations (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            &[&org.id, &org.name.as_deref().unwrap_or(&org.id)],
        )?;
        s.organizations.add(inserted == 1);
        // the default first: extra agents would make provisioning skip it
        if org.provision_default_agent {
            let r = provisioning::provision_agent(tx, &org.id, now)?;
            if matches!(r.outcome, AgentOutcome::Created | AgentOutcome::Existing) {
                s.agents.add(r.outcome == AgentOutcome::Created);
            }
        }
        for a in &org.agents {
            let n = tx.execute(
                "INSERT INTO agents (org_id, id, name, identity, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[&org.id, &a.id, &a.name, &a.identity, &now],
            )?;
            s.agents.add(n == 1);
        }
        let mut device_ids = std::collections::HashMap::new();
        for d in &org.devices {
            let known: Option<uuid::Uuid> = tx
                .query_opt(
                    "SELECT id FROM devices WHERE org_id = $1 AND user_id = $2 AND worker_key = $3",
                    &[&org.id, &d.user, &d.worker_id],
                )?
                .map(|r| r.get(0));
            let token = d.token.clone().map(Token::new);
            let id = if let Some(id) = known {
                s.devices.add(false);
                if let Some(t) = &token {
                    let mine: Option<bool> = tx
                        .query_opt(
                            "SELECT device_id = $2 FROM device_tokens WHERE token_hash = $1",
                            &[&t.hash(), &id],
                        )?
                        .map(|r| r.get(0));
                    match mine {
                        Some(true) => s.tokens.add(false),
                        Some(false) => {
                            return Err(Error::Conflict(format!(
                                "organization {}: the token of device {} belongs to another device",
                                org.id, d.worker_id
                            )))
                        }
                        None => {
                            crate::tokens::create(tx, id, None, Some(t.clone()), now)?;
                            s.tokens.add(true);
                        }
                    }
                }
                id
            } else {
                let r = devices::register(
                    tx,
                    &RegisterDevice {
                        org_id: org.id.clone(),
                        user_id: d.user.clone(),
                        worker_key: d.worker_id.clone(),
                        platform: d.platform.parse()?,
                        name: d.name.clone(),
                        timezone: d.timezone.as_deref().map(parse_timezone).transpose()?,
                        app_version: d.app_version.clone(),
                        issue_token: false,
                        token_expires_in: None,
                        token_value: token,
                    },
                    now,
                )?;
                s.devices.add(true);
                if r.token.is_some() {
                    s.tokens.add(true);
                }
                if r.default_watcher.outcome == WatcherOutcome::Created {
                    s.watchers.add(true);
                }
                r.device_id
            };
            device_ids.insert(d.worker_id.as_str(), id);
        }
        for w in &org.watchers {
            let exists = tx
                .query_opt(
                    "SELECT 1 FROM watchers WHERE org_id = $1 AND slug = $2 AND status <> 'archived'",
                    &[&org.id, &w.slug],
                )?
                .is_some();
            if exists {
                s.watchers.add(false);
                continue;
            }
            watchers::create(
                tx,
                &NewWatcher {
                    org_id: org.id.clone(),
                    slug: Some(w.slug.clone()),
                    name: w.name.clone(),
                    prompt: w.prompt.clone(),
                    schedule: Schedule::parse(&w.schedule)?,
                    timezone: parse_timezone(w.timezone.as_deref().unwrap_or("UTC"))?,
                    agent_id: w.agent.clone().unwrap_or_else(|| DEFAULT_AGENT_ID.into()),
                    device_id: w.device.as_deref().and_then(|d| device_ids.get(d).copied()),
                    extraction_schema: None,
                    min_cooldown_seconds: 0,
                    created_by: "seed".into(),
                },
                now,
            )?;
            s.watchers.add(true);
        }
        progress(i + 1);
    }
    s.changed = [s.organizations, s.agents, s.devices, s.tokens, s.watchers]
        .iter()
        .any(|c| c.created > 0);
    Ok(s)
}
