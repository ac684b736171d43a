//! `agents list|create|update|delete`.

use clap::Subcommand;

use super::args::parse_org_id;
use super::context::{Ctx, Schema};
use super::output::{table, when};
use crate::agents;
use crate::error::{Error, Result};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AgentAction {
    /// List an organisation's agents.
    List {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
    },
    /// Create an agent.
    #[command(after_help = "Examples:\n  \
        lobu-admin agents create --org acme researcher --name Researcher \\\n      \
        --identity-file prompts/researcher.md\n  \
        lobu-admin agents create --org acme triage --name Triage --identity 'Sort the inbox.'")]
    Create {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
        /// Agent id: lowercase [a-z0-9][a-z0-9_-]{0,62}.
        #[arg(value_parser = parse_agent_id)]
        id: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        identity: IdentitySource,
    },
    /// Change an agent's name or identity (only the given flags change).
    #[command(after_help = "Examples:\n  \
        lobu-admin agents update --org acme researcher --identity-file prompts/researcher.md")]
    Update {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
        /// Agent id.
        id: String,
        /// New display name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        identity: IdentitySource,
    },
    /// Delete an agent (the provisioning sentinel stays: it is not re-created). Refused
    /// (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its
    /// queued runs are cancelled; runs a device holds finish.
    #[command(after_help = "Examples:\n  \
        lobu-admin agents delete --org acme researcher\n  \
        lobu-admin agents delete --org acme researcher --force   # pause its watchers")]
    Delete {
        /// Organisation id.
        #[arg(long, value_parser = parse_org_id)]
        org: String,
        /// Agent id.
        id: String,
        /// Pause the active watchers that use it (reason `agent <id> deleted`) instead of
        /// refusing.
        #[arg(long)]
        force: bool,
    },
}

// The doc is written as `concat!` so that clap's derive does not read it: the subcommands
// are deferred (built only when chosen), and a flattened struct's doc comment would then
// replace the subcommand's own description (`about`) in its help.
#[doc = concat!("`--identity TEXT` or `--identity-file PATH` ", "(`-` for stdin).")]
#[derive(Debug, clap::Args)]
#[group(multiple = false)]
pub struct IdentitySource {
    /// The agent's identity (system prompt).
    #[arg(long, value_name = "TEXT")]
    identity: Option<String>,
    /// Read the identity from a file (`-` for stdin).
    #[arg(long, value_name = "PATH")]
    identity_file: Option<std::path::PathBuf>,
}

impl IdentitySource {
    /// The identity given, if any, read before connecting.
    fn read(&self) -> Result<Option<String>> {
        match (&self.identity, &self.identity_file) {
            (Some(t), _) => Ok(Some(t.clone())),
            (None, Some(path)) => {
                // an identity is at most 100,000 characters of up to 4 bytes each
                let text = crate::input::read_text(path, 400_000).map_err(|e| {
                    Error::InvalidInput(format!(
                        "cannot read --identity-file {}: {e}",
                        super::output::escaped(&path.display().to_string())
                    ))
                })?;
                Ok(Some(text))
            }
            (None, None) => Ok(None),
        }
    }
}

/// Parses an agent id (the organisation id rule).
fn parse_agent_id(s: &str) -> std::result::Result<String, String> {
    crate::orgs::validate_id("agent id", s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}

/// `agents ...`.
pub(super) fn run(ctx: &Ctx, action: &AgentAction) -> Result<()> {
    let out = ctx.out;
    // files are read before connecting: a missing one is exit 2 with nothing opened
    let identity = match action {
        AgentAction::Create { identity, .. } | AgentAction::Update { identity, .. } => {
            identity.read()?
        }
        _ => None,
    };
    if let AgentAction::Update { name: None, .. } = action {
        if identity.is_none() {
            return Err(Error::InvalidInput(
                "agents update needs --name, --identity or --identity-file".into(),
            ));
        }
    }
    let mut c = ctx.connect(Schema::Checked)?;
    match action {
        AgentAction::List { org } => {
            let (list, now) =
                crate::db::flight::read_in_flight(&mut c, |s| agents::list_via(s, org))?;
            out.show(&list, |l| {
                table(
                    &["ID", "NAME", "CREATED"],
                    l.iter()
                        .map(|a| vec![a.id.clone(), a.name.clone(), when(Some(a.created_at), now)]),
                )
            })
        }
        AgentAction::Create { org, id, name, .. } => {
            let text = identity.unwrap_or_default();
            // the insert and its audit event in one statement, one flight
            out.object(&agents::create_in_flight(
                &mut c,
                org,
                id,
                name,
                &text,
                &ctx.actor()?,
            )?)
        }
        AgentAction::Update { org, id, name, .. } => {
            let fields: Vec<&str> = [("name", name.is_some()), ("identity", identity.is_some())]
                .into_iter()
                .filter_map(|(f, given)| given.then_some(f))
                .collect();
            // the update and its audit event in one statement, one flight
            let u = agents::update_in_flight(
                &mut c,
                org,
                id,
                name.as_deref(),
                identity.as_deref(),
                &ctx.actor()?,
                &fields,
            )?;
            if !u.changed {
                out.note(&format!(
                    "unchanged: agent {id} already has that {}",
                    fields.join(" and ")
                ));
            }
            out.object(&u)
        }
        // the locks, the refusal and the delete with its audit event: one flight
        AgentAction::Delete { org, id, force } => out.object(&agents::delete_guarded_in_flight(
            &mut c,
            org,
            id,
            *force,
            &ctx.actor()?,
        )?),
    }
}
