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

/// Creates an organisation; the name defaults to the id.
///
/// # Errors
/// `invalid_input` for a bad id or name; `conflict` when the id exists.
pub fn create(client: &mut impl GenericClient, id: &str, name: Option<&str>) -> Result<Org> {
    validate_id("organization id", id)?;
    let name = name.unwrap_or(id);
    validate_name("organization name", name)?;
    let row = client
        .query_one(INSERT_ORG, &[&id, &name])
        .map_err(|e| match Error::from(e) {
            Error::Conflict(_) => Error::Conflict(format!("organization {id} already exists")),
            other => other,
        })?;
    Ok(org_from_row(&row))
}

/// Lists organisations with their object counts, in one query.
///
/// # Errors
/// Database failures.
pub fn list(client: &mut impl GenericClient) -> Result<Vec<OrgSummary>> {
    let rows = client.query(
        "SELECT o.id, o.name, o.created_at,
                (SELECT count(*) FROM agents a WHERE a.org_id = o.id),
                (SELECT count(*) FROM devices d WHERE d.org_id = o.id),
                (SELECT count(*) FROM watchers w WHERE w.org_id = o.id AND w.status <> 'archived')
         FROM organizations o
         ORDER BY o.id",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| OrgSummary {
            id: r.get(0),
            name: r.get(1),
            created_at: r.get(2),
            agents: r.get(3),
            devices: r.get(4),
            watchers: r.get(5),
        })
        .collect())
}

/// Shows one organisation with its metadata.
///
/// # Errors
/// `not_found`.
pub fn show(client: &mut impl GenericClient, id: &str) -> Result<Org> {
    let row = client.query_typed_opt(SHOW, &[p(&id)])?;
    shown(id, row.as_ref())
}

const SHOW: &str = "SELECT id, name, metadata, created_at FROM organizations WHERE id = $1";

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
        .query_opt(
            "SELECT metadata FROM organizations WHERE id = $1 FOR NO KEY UPDATE",
            &[&id],
        )?
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
