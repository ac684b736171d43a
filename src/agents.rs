//! Agents of an organisation; default and oldest look-ups.

use crate::db::GenericClient;
use chrono::{DateTime, Utc};
use serde::Serialize;

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
    let rows = client.query(
        "SELECT org_id, id, name, identity, created_at FROM agents
         WHERE org_id = $1 ORDER BY created_at, id",
        &[&org_id],
    )?;
    if rows.is_empty() {
        crate::orgs::show(client, org_id)?;
    }
    Ok(rows
        .iter()
        .map(|r| Agent {
            org_id: r.get(0),
            id: r.get(1),
            name: r.get(2),
            identity: r.get(3),
            created_at: r.get(4),
        })
        .collect())
}

/// Result of `agents delete`.
#[derive(Debug, Clone, Serialize)]
pub struct AgentDeleted {
    /// Organisation.
    pub org_id: String,
    /// The deleted agent.
    pub agent_id: String,
}

/// Deletes an agent. Provisioning sentinels stay, so a deleted default is not re-created;
/// watchers using the agent stop firing (their runs are recorded as skipped).
///
/// # Errors
/// `not_found`.
pub fn delete(client: &mut impl GenericClient, org_id: &str, id: &str) -> Result<AgentDeleted> {
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
    })
}

/// Whether an agent exists.
///
/// # Errors
/// Database failures.
pub fn exists(client: &mut impl GenericClient, org_id: &str, id: &str) -> Result<bool> {
    Ok(client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM agents WHERE org_id = $1 AND id = $2)",
            &[&org_id, &id],
        )?
        .get(0))
}
