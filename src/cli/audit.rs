//! `audit list|prune`.

use clap::Subcommand;

use super::args::{parse_count, parse_duration, parse_id, parse_org_id, parse_since};
use super::context::{Ctx, Schema};
use super::output::{shown, table, when};
use crate::audit::{self, Filter, Since};
use crate::db;
use crate::error::Result;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AuditAction {
    /// List audit events, newest first (page on with --before the last id shown).
    ///
    /// The global --actor NAME, given on the command line, lists only that actor's events
    /// (exactly as recorded, e.g. ada@build-1 or `device:<uuid>`); LOBU_ACTOR does not filter.
    #[command(after_help = "Examples:\n  \
        lobu-admin audit list --org acme --since 7d\n  \
        lobu-admin --actor ada audit list --command 'org delete'\n  \
        lobu-admin -o json audit list --limit 100 --before 5120 | jq -r '.[].id'")]
    List {
        /// Only this organisation's events (also after its deletion).
        #[arg(long, value_parser = parse_org_id)]
        org: Option<String>,
        /// Only this command's events, e.g. 'watchers trigger'.
        #[arg(long)]
        command: Option<String>,
        /// Only events since then: a duration before now (7d) or an RFC 3339 time.
        #[arg(long, value_name = "DUR|T", value_parser = parse_since)]
        since: Option<Since>,
        /// The next page: events older than this event id.
        #[arg(long, value_name = "ID", value_parser = parse_id, allow_negative_numbers = true)]
        before: Option<i64>,
        /// At most this many.
        #[arg(long, default_value_t = 50, value_parser = parse_count::<1, 100_000>, allow_negative_numbers = true)]
        limit: i64,
    },
    /// Delete events older than a duration (the prune itself is recorded).
    #[command(after_help = "Examples:\n  \
        lobu-admin audit prune --older-than 400d --dry-run\n  \
        lobu-admin audit prune --older-than 400d")]
    Prune {
        /// Recorded longer ago than this (on the database's clock).
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, value_name = "DUR")]
        older_than: chrono::Duration,
        /// Count what would be deleted; delete nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `audit ...`.
pub(super) fn run(ctx: &Ctx, action: &AuditAction) -> Result<()> {
    let out = ctx.out;
    match action {
        AuditAction::List {
            org,
            command,
            since,
            before,
            limit,
        } => {
            let filter = Filter {
                org_id: org.clone(),
                actor: ctx.actor.as_ref().map(|a| a.as_str().to_string()),
                command: command.clone(),
                since: *since,
                before: *before,
            };
            let mut c = ctx.connect(Schema::Checked)?;
            let (events, now) =
                db::flight::read_in_flight(&mut c, |s| audit::list_via(s, &filter, *limit, None))?;
            out.show(&events, |events| {
                table(
                    &["ID", "AT", "ACTOR", "COMMAND", "ORG", "TARGET", "OUTCOME"],
                    events.iter().map(|e| {
                        vec![
                            e.id.to_string(),
                            when(Some(e.at), now),
                            shown(&e.actor, 60),
                            e.command.clone(),
                            e.org_id.clone().unwrap_or_default(),
                            e.target
                                .as_ref()
                                .map(|t| shown(&format!("{} {}", t.kind, t.id), 60))
                                .unwrap_or_default(),
                            e.outcome.clone(),
                        ]
                    }),
                )
            })
        }
        AuditAction::Prune {
            older_than,
            dry_run,
        } => {
            let actor = ctx.actor()?;
            let mut c = ctx.connect(Schema::Checked)?;
            // the prune and its audit event in one statement, one flight
            let pruned = audit::prune_in_flight(&mut c, *older_than, *dry_run, &actor)?;
            out.show(&pruned, |p| {
                format!(
                    "{} {} recorded before {}{}",
                    if p.dry_run { "would delete" } else { "deleted" },
                    super::output::counted(p.deleted, "audit event"),
                    p.cutoff.format("%Y-%m-%d %H:%M:%SZ"),
                    if p.dry_run { " (dry run)" } else { "" }
                )
            })
        }
    }
}
