//! `seed [--dry-run]` and `export`.

use super::context::{Ctx, Schema};
use super::output::table;
use crate::audit;
use crate::db;
use crate::error::{Error, Result};
use crate::fixtures;

/// `seed`, rendered.
pub(super) fn run_seed(ctx: &Ctx, file: &str, dry_run: bool, update: bool) -> Result<()> {
    let summary = seed(ctx, file, dry_run, update)?;
    ctx.out.show(&summary, render)
}

/// `seed`: validate, then write (or roll back for `--dry-run`) in one transaction, with a
/// progress bar that follows the phases on a terminal.
pub(super) fn seed(
    ctx: &Ctx,
    file: &str,
    dry_run: bool,
    update: bool,
) -> Result<fixtures::Summary> {
    let steps = 1 + fixtures::PHASES.len();
    let out = ctx.out;
    let bar = out.bar(
        u64::try_from(steps).unwrap_or(0),
        "{spinner} seeding [{bar:30}] {pos}/{len} {msg} {elapsed}",
    );
    if let Some(b) = &bar {
        b.set_message("validate");
    }
    let result = fixtures::read(file).and_then(|fixture| {
        let actor = ctx.actor()?;
        let mut c = ctx.connect(Schema::Checked)?;
        let apply = |tx: &mut crate::db::Client, now| {
            let summary = fixtures::apply_updating(tx, &fixture, update, now, &mut |phase| {
                if let Some(b) = &bar {
                    b.set_position(u64::try_from(phase + 1).unwrap_or(0));
                    b.set_message(fixtures::PHASES.get(phase).copied().unwrap_or(""));
                }
            })?;
            if summary.changed {
                // one event for the file: its counts, never a token value
                let event = audit::Event {
                    command: "seed",
                    org_id: None,
                    target: Some(audit::Target::new("fixture", fixture_name(file))),
                    outcome: "applied".into(),
                    details: serde_json::to_value(&summary)?,
                    org_of: None,
                };
                audit::record(tx, &actor, now, &event)?;
            }
            Ok(summary)
        };
        if dry_run {
            let mut s = db::rolled_back(&mut c, apply)?;
            s.dry_run = true;
            Ok(s)
        } else {
            db::in_tx(&mut c, apply)
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

/// How a fixture is named in the audit trail: its file name, or `stdin`.
fn fixture_name(file: &str) -> String {
    if file == "-" {
        return "stdin".into();
    }
    std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// `export`.
pub(super) fn export(ctx: &Ctx, orgs: &[String]) -> Result<()> {
    // the ids were checked by `--org`'s value parser
    let mut c = ctx.connect(Schema::Checked)?;
    let fixture = db::in_tx(&mut c, |tx, _| fixtures::export(tx, orgs))?;
    let text = serde_json::to_string_pretty(&fixture)
        .map_err(|e| Error::Internal(format!("cannot render the fixture: {e}")))?;
    super::output::write_stdout(&format!("{text}\n"))
}

/// The `seed` summary as a table for people.
pub(super) fn render(s: &fixtures::Summary) -> String {
    let this = s;
    let rows = [
        ("organizations", this.organizations),
        ("agents", this.agents),
        ("devices", this.devices),
        ("tokens", this.tokens),
        ("watchers", this.watchers),
    ];
    let mut s = table(
        &["OBJECT", "CREATED", "EXISTING"],
        rows.iter().map(|(n, c)| {
            vec![
                (*n).to_string(),
                c.created.to_string(),
                c.existing.to_string(),
            ]
        }),
    );
    if !this.drift.is_empty() {
        s.push_str(&format!(
            "\n{}:\n{}",
            match (this.updated, this.dry_run) {
                (true, false) => "drift written over with the file's values",
                (true, true) => "drift that --update would write over (dry run)",
                (false, _) => "drift: these objects exist with other values (seed --update writes the file's)",
            },
            table(
                &["OBJECT", "FIELD", "DATABASE", "FILE"],
                this.drift.iter().map(|d| {
                    vec![
                        d.path.clone(),
                        d.field.clone(),
                        super::output::shown(&super::output::cell(&d.database), 60),
                        super::output::shown(&super::output::cell(&d.file), 60),
                    ]
                }),
            )
        ));
    }
    s.push_str(match (this.changed, this.dry_run) {
        (true, false) => "\nfixture applied",
        (true, true) => "\ndry run: this is what an apply would do; nothing was written",
        (false, _) if !this.drift.is_empty() => {
            "\nnothing created; the drift above was left as it is"
        }
        (false, _) => "\nnothing to do: everything already exists",
    });
    s
}
