//! `completions`, `man` and `demo`.

use crate::db::Client;
use chrono::{DateTime, Utc};

use super::context::{Ctx, Schema};
use super::output::{kv_table, write_stdout, Format, Out};
use crate::db;
use crate::error::{Error, Result};
use crate::{devices, dispatch, provisioning, runs, tokens, watchers};

pub(super) fn completions(shell: clap_complete::Shell, mut command: clap::Command) -> Result<()> {
    command.set_bin_name("lobu-admin");
    command.build();
    let mut command = with_help_tree(command).mut_subcommands(own_options_first);
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command, "lobu-admin", &mut buf);
    write_stdout(&String::from_utf8_lossy(&buf))
}

/// A built subcommand (and those below it) with its options in the order of a tree built
/// all at once: its own, then the global ones, then `--help`. Deferred, it is given the
/// global options before its own (the completion scripts list them in this order).
fn own_options_first(command: clap::Command) -> clap::Command {
    let (global, own): (Vec<clap::Arg>, Vec<clap::Arg>) = command
        .get_arguments()
        .cloned()
        .partition(clap::Arg::is_global_set);
    let (help, own): (Vec<clap::Arg>, Vec<clap::Arg>) =
        own.into_iter().partition(|a| a.get_id() == "help");
    let mut order = own.into_iter().chain(global).chain(help);
    command
        .mut_args(|a| order.next().unwrap_or(a))
        .mut_subcommands(own_options_first)
}

/// The built tree, with clap's `help` subcommand given every command's subcommands (`help
/// org <TAB>` completes `create`, `list`, ...): clap copies the tree under `help` as it
/// builds the root, when the deferred subcommands (built only when chosen) are still
/// empty. The copies are made as clap makes them (name, description, hidden or not, no
/// flags), named as its build names them.
fn with_help_tree(command: clap::Command) -> clap::Command {
    fn copy(c: &clap::Command, bin: &str, display: &str) -> clap::Command {
        let bin = format!("{bin} {}", c.get_name());
        let display = format!("{display}-{}", c.get_name());
        // clap's names are `&'static str` (its `string` feature is off); this runs once per
        // completion script
        let name: &'static str = c.get_name().to_string().leak();
        let mut copy = clap::Command::new(name)
            .hide(c.is_hide_set())
            .disable_help_flag(true)
            .disable_version_flag(true)
            .bin_name(&bin)
            .display_name(&display)
            .subcommands(
                c.get_subcommands()
                    .filter(|s| s.get_name() != "help")
                    .map(|s| copy(s, &bin, &display)),
            );
        if let Some(about) = c.get_about() {
            copy = copy.about(about.clone());
        }
        copy
    }
    let commands: Vec<clap::Command> = command
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .cloned()
        .collect();
    command.mut_subcommands(|help| {
        if help.get_name() != "help" {
            return help;
        }
        let bin = help.get_bin_name().unwrap_or("lobu-admin help").to_string();
        let display = help
            .get_display_name()
            .unwrap_or("lobu-admin-help")
            .to_string();
        help.mut_subcommands(|entry| {
            match commands.iter().find(|c| c.get_name() == entry.get_name()) {
                Some(c) if entry.get_subcommands().next().is_none() => {
                    let (bin, display) = (
                        format!("{bin} {}", c.get_name()),
                        format!("{display}-{}", c.get_name()),
                    );
                    entry.subcommands(
                        c.get_subcommands()
                            .filter(|s| s.get_name() != "help")
                            .map(|s| copy(s, &bin, &display)),
                    )
                }
                _ => entry,
            }
        })
    })
}

pub(super) fn man(command: clap::Command) -> Result<()> {
    write_stdout(&man_page(command)?)
}

/// The variables the tool reads, for the man page's ENVIRONMENT section (a test checks
/// that every variable the sources read is here).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "DATABASE_URL",
        "The database: a postgres:// URL or a libpq key=value string (as --database-url). \
         Unset, the embedded database is used; set but empty is an error (exit 2).",
    ),
    (
        "PGHOST, PGHOSTADDR, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGPASSFILE, PGSERVICE, \
         PGSERVICEFILE, PGSYSCONFDIR, PGSSLMODE, PGSSLROOTCERT, PGSSLCERT, PGSSLKEY, \
         PGAPPNAME, PGCONNECT_TIMEOUT, PGTARGETSESSIONATTRS",
        "libpq's connection variables, with libpq's meaning: what the URL (or key=value \
         string) leaves out is taken from them, the password file and the connection \
         service file included.",
    ),
    (
        "PGOPTIONS, PGCLIENTENCODING, PGSSLSNI, PGSSLCERTMODE, PGSSLMINPROTOCOLVERSION, \
         PGSSLMAXPROTOCOLVERSION, PGSSLNEGOTIATION, PGSSLCOMPRESSION, PGLOADBALANCEHOSTS, \
         PGCHANNELBINDING, PGGSSENCMODE, PGGSSLIB, PGGSSDELEGATION, PGKRBSRVNAME, \
         PGREQUIREAUTH, PGREQUIREPEER, PGREQUIRESSL, PGSSLCRL, PGSSLCRLDIR, \
         PGMINPROTOCOLVERSION, PGMAXPROTOCOLVERSION",
        "The rest of libpq's variables, read as libpq reads them: each stands for its \
         connection key, and a key this tool cannot honour (a certificate revocation list, \
         GSSAPI, require_auth, requirepeer, ...) is refused with exit 2 rather than ignored.",
    ),
    (
        "CREDENTIALS_DIRECTORY",
        "Set by systemd for a service with credentials (LoadCredential=): a password file \
         in that directory (passfile=%d/pgpass) is read although systemd 254 and newer show \
         its mode as 0440 (the group bits are an ACL's mask), as long as others cannot read \
         it; everywhere else, libpq's rule (nothing for group or others).",
    ),
    (
        "LOBU_DEVICE_TOKEN",
        "The device token of device-side commands (runs claim, heartbeat, complete, fail, \
         wait; watchers trigger), when neither --token-file nor --token is given.",
    ),
    (
        "LOBU_ACTOR",
        "Who is acting: the name the audit trail records for the changes this invocation \
         makes (--actor wins). Read only by commands that record a change; set but blank or \
         invalid, those are exit 2.",
    ),
    (
        "LOBU_ADMIN_HOME",
        "The directory of the embedded database (default: $XDG_DATA_HOME/lobu-admin, \
         else ~/.local/share/lobu-admin; /var/lib/lobu-admin as root on Linux; \
         ~/Library/Application Support/lobu-admin on macOS).",
    ),
    (
        "XDG_DATA_HOME, HOME",
        "Where the default LOBU_ADMIN_HOME is; HOME also locates ~/.postgresql/ (the \
         client certificate and root certificate files libpq would use).",
    ),
    (
        "LOBU_PG_BIN",
        "The directory of the PostgreSQL server programs (initdb, pg_ctl, postgres) the \
         embedded database runs; default: pg_config --bindir, the newest \
         /usr/lib/postgresql/*/bin, then PATH.",
    ),
    ("PATH", "Searched for pg_config and the server programs."),
    (
        "NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM",
        "Whether help and usage errors are coloured (the usual conventions).",
    ),
];

/// The exit codes (SPEC 11 and 14), for the man page's EXIT STATUS section.
const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Success (also a trigger that returned the already active run).",
    ),
    (
        "1",
        "Internal error (a bug, or an unexpected database error).",
    ),
    ("2", "Usage error or invalid input."),
    (
        "3",
        "Not found (or another organisation's, for a device token).",
    ),
    ("4", "Unauthenticated or forbidden."),
    (
        "5",
        "Conflict with the current state (or a lock held too long).",
    ),
    (
        "6",
        "Database unreachable (also TLS failures and read-only servers).",
    ),
    ("7", "Schema not migrated, or newer than this binary."),
    (
        "8",
        "--wait, runs wait: the run ended failed, timeout, cancelled or skipped.",
    ),
    (
        "9",
        "--wait, runs wait: --timeout passed first; the run is left as it is.",
    ),
    (
        "130",
        "--wait, runs wait, dispatch --loop (a second signal): interrupted.",
    ),
];

/// One page for the whole tool: the global options, then every command with its synopsis,
/// options and examples (clap_mangen would refer to a page per subcommand, which is not
/// shipped), the exit status and the environment.
pub(crate) fn man_page(mut command: clap::Command) -> Result<String> {
    use clap_mangen::roff::{bold, roman, Roff};
    let io = |e: std::io::Error| Error::Internal(format!("cannot render the man page: {e}"));
    // the tree's subcommands are deferred (built only when chosen): build it all to walk it
    // (which also adds clap's `help` subcommands and copies the global options into every
    // command; each subsection leaves both out, as the global options have their own)
    command.build();
    let root = clap_mangen::Man::new(command.clone());
    let mut buf = Vec::new();
    root.render_title(&mut buf).map_err(io)?;
    root.render_name_section(&mut buf).map_err(io)?;
    root.render_synopsis_section(&mut buf).map_err(io)?;
    root.render_description_section(&mut buf).map_err(io)?;
    root.render_options_section(&mut buf).map_err(io)?;
    let mut page = String::from_utf8_lossy(&buf).into_owned();

    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    page.push_str(&commands.to_roff());
    let children = |path: &str, cmd: &clap::Command| {
        let mut c: Vec<(String, clap::Command)> = cmd
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .map(|c| {
                (
                    format!("{path} {}", c.get_name()).trim().to_string(),
                    c.clone(),
                )
            })
            .collect();
        c.reverse();
        c
    };
    let mut stack = children("", &command);
    while let Some((path, cmd)) = stack.pop() {
        stack.extend(children(&path, &cmd));
        if cmd.is_subcommand_required_set() || cmd.is_hide_set() {
            continue;
        }
        let mut head = Roff::new();
        head.control("SS", [format!("lobu-admin {path}").as_str()]);
        if let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) {
            for para in about.to_string().split("\n\n") {
                head.control("PP", [])
                    .text([roman(para.replace('\n', " "))]);
            }
        }
        head.control("PP", []);
        page.push_str(&head.to_roff());
        let sub =
            clap_mangen::Man::new(cmd.clone().bin_name(format!("lobu-admin {path}")).mut_args(
                |a| {
                    if a.is_global_set() || a.get_id() == "help" {
                        a.hide(true)
                    } else {
                        a
                    }
                },
            ));
        for part in [
            clap_mangen::Man::render_synopsis_section,
            clap_mangen::Man::render_options_section,
        ] {
            let mut b = Vec::new();
            part(&sub, &mut b).map_err(io)?;
            let text = String::from_utf8_lossy(&b);
            // the section heading (SYNOPSIS, OPTIONS) is this subsection's
            for line in text.lines().filter(|l| !l.starts_with(".SH")) {
                page.push_str(line);
                page.push('\n');
            }
        }
        if let Some(help) = cmd.get_after_help() {
            let text = help.to_string();
            let mut ex = Roff::new();
            ex.control("PP", [])
                .text([bold("Examples:")])
                .control("nf", []);
            for line in text.strip_prefix("Examples:\n").unwrap_or(&text).lines() {
                ex.text([roman(line.trim_start())]);
            }
            ex.control("fi", []);
            page.push_str(&ex.to_roff());
        }
    }

    let mut tail = Roff::new();
    tail.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        tail.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }
    tail.control("PP", []).text([roman(
        "Errors are one line on standard error, error: ..., sometimes followed by hint: \
         ...; with -o json, the object {\"error\":{\"kind\":...,\"message\":...}} on \
         standard error, whose kind names the status: internal, invalid_input, not_found, \
         forbidden, conflict, database_unreachable, schema_mismatch, run_unsuccessful, \
         wait_timeout, interrupted.",
    )]);
    tail.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in ENVIRONMENT {
        tail.control("TP", [])
            .text([bold(*name)])
            .text([roman(*meaning)]);
    }
    tail.control("SH", ["FILES"]);
    tail.control("TP", [])
        .text([bold("$LOBU_ADMIN_HOME/pgdata/")])
        .text([roman(
            "The embedded database: a PostgreSQL cluster created on first use \
         (lobu-admin db status|start|stop).",
        )]);
    tail.control("TP", [])
        .text([bold("$LOBU_ADMIN_HOME/run/")])
        .text([roman(
            "Its Unix socket, the only place it listens (no TCP).",
        )]);
    tail.control("SH", ["VERSION"]);
    tail.text([roman(format!("v{}", env!("CARGO_PKG_VERSION")))]);
    page.push_str(&tail.to_roff());
    // every render starts with roff's apostrophe definition: keep the first
    let prelude = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let body = page.split(prelude).collect::<Vec<_>>().concat();
    Ok(format!("{prelude}{body}"))
}

/// The quickstart: every step printed; rerunnable (each run uses a new organisation).
pub(super) fn demo(ctx: &Ctx) -> Result<()> {
    let out = ctx.out;
    let step = |n: u32, text: &str| -> Result<()> {
        if out.format == Format::Table {
            write_stdout(&format!("\n== {n}. {text}\n"))
        } else {
            Ok(())
        }
    };
    let show = |v: &serde_json::Value| -> Result<()> {
        match out.format {
            Format::Json => write_stdout(&format!("{v}\n")),
            Format::Table => write_stdout(&format!("{}\n", kv_table(v))),
        }
    };
    let mut c = ctx.connect(Schema::Checked)?;
    let now = db::clock(&mut c)?;
    let org = format!("demo-{}", now.format("%Y%m%d-%H%M%S-%3f"));

    step(1, &format!("create organization {org}"))?;
    let o = db::in_tx(&mut c, |tx, _| {
        crate::orgs::create(tx, &org, Some("Demo Org"))
    })?;
    show(&serde_json::json!({"id": o.id, "name": o.name}))?;

    step(
        2,
        "provision its default agent (sticky: never re-created once deleted)",
    )?;
    let p = db::in_tx(&mut c, |tx, now| {
        provisioning::provision_agent(tx, &org, now)
    })?;
    show(&serde_json::to_value(&p).unwrap_or_default())?;

    step(
        3,
        "register a Mac with a device token: the first Mac gets the daily check-in",
    )?;
    let reg = db::in_tx(&mut c, |tx, now| {
        devices::register(
            tx,
            &devices::RegisterDevice {
                org_id: org.clone(),
                user_id: "ada".into(),
                worker_key: "ada-macbook".into(),
                platform: devices::Platform::Macos,
                name: Some("Ada's MacBook".into()),
                timezone: Some(chrono_tz::Europe::Berlin),
                app_version: Some("1.0.0".into()),
                issue_token: true,
                token_expires_in: Some(chrono::Duration::days(1)),
                token_value: None,
            },
            now,
        )
    })?;
    show(&serde_json::json!({
        "device_id": reg.device_id,
        "created": reg.created,
        "default_watcher": reg.default_watcher,
        "token": reg.token.as_ref().map(|t| format!("{}… (shown once; hidden in the demo)", t.prefix)),
    }))?;
    let token = reg
        .token
        .map(|t| tokens::Token::new(t.token))
        .ok_or_else(|| Error::Internal("demo: no token issued".into()))?;
    let watcher_id = reg
        .default_watcher
        .watcher_id
        .ok_or_else(|| Error::Internal("demo: no default watcher".into()))?;

    step(4, "list the organization's watchers")?;
    list_watchers(&mut c, out, &org)?;

    // the story runs on a simulated clock: 08:30 in Berlin before the next 09:00 slot
    let slot = db::in_tx(&mut c, |tx, _| watchers::get(tx, watcher_id))?
        .next_run_at
        .unwrap_or(now);
    let morning = slot - chrono::Duration::minutes(30);
    step(
        5,
        "08:30 in Berlin: the Mac triggers its daily check-in with its device token",
    )?;
    let principal = db::in_tx(&mut c, |tx, _| tokens::authenticate(tx, &token, morning))?;
    let who = watchers::Trigger::Device(principal.clone());
    let first = db::in_tx(&mut c, |tx, _| {
        watchers::trigger(tx, watcher_id, &who, morning)
    })?;
    show(&serde_json::to_value(&first).unwrap_or_default())?;

    step(
        6,
        "trigger again: the active run is returned (already_queued: true)",
    )?;
    let second = db::in_tx(&mut c, |tx, _| {
        watchers::trigger(tx, watcher_id, &who, morning)
    })?;
    show(&serde_json::to_value(&second).unwrap_or_default())?;

    step(7, "the Mac claims the run and completes it")?;
    let done = claim_and_complete(&mut c, &principal, morning, "Yesterday was calm.")?;
    show(&done)?;

    step(
        8,
        "09:00: dispatch skips the scheduled slot, since the run at 08:30 is within the \
         watcher's one-hour cool-down",
    )?;
    let opts = dispatch::Options::default();
    let tick = dispatch::tick(&mut c, db::Clock::At(slot), &opts)?;
    let why = db::in_tx(&mut c, |tx, _| {
        runs::list(
            tx,
            &runs::RunFilter {
                org_id: None,
                watcher_id: Some(watcher_id),
                status: Some(runs::RunStatus::Skipped),
                limit: 1,
                before: None,
            },
        )
    })?;
    let mut v = serde_json::to_value(tick).unwrap_or_default();
    if let (Some(o), Some(r)) = (v.as_object_mut(), why.first()) {
        o.insert("reason".into(), serde_json::json!(r.error));
    }
    show(&v)?;

    step(
        9,
        "09:00 the next day: dispatch queues the scheduled run; the Mac claims and completes it",
    )?;
    let next_day = db::in_tx(&mut c, |tx, _| watchers::get(tx, watcher_id))?
        .next_run_at
        .unwrap_or(slot);
    let tick = dispatch::tick(&mut c, db::Clock::At(next_day), &opts)?;
    show(&serde_json::to_value(tick).unwrap_or_default())?;
    let done = claim_and_complete(&mut c, &principal, next_day, "A calm day ahead.")?;
    show(&done)?;

    step(10, "list again: last run and last fired are filled in")?;
    list_watchers(&mut c, out, &org)?;
    if out.format == Format::Table {
        write_stdout(&format!(
            "\ndone. try: lobu-admin watchers show {watcher_id}   lobu-admin runs list --org {org}\n"
        ))?;
    }
    Ok(())
}

/// The demo Mac claims its oldest run and completes it with a summary.
fn claim_and_complete(
    c: &mut Client,
    principal: &tokens::Principal,
    at: DateTime<Utc>,
    summary: &str,
) -> Result<serde_json::Value> {
    let done = db::in_tx(c, |tx, _| {
        let claimed = runs::claim(tx, principal, 1, at)?;
        let run = claimed
            .first()
            .ok_or_else(|| Error::Internal("demo: nothing to claim".into()))?;
        runs::finish(
            tx,
            principal,
            run.id,
            &runs::Finish::Complete(Some(serde_json::json!({ "summary": summary }))),
            at + chrono::Duration::minutes(1),
        )
    })?;
    Ok(serde_json::json!({
        "run_id": done.run.id, "status": done.run.status, "output": done.run.output
    }))
}

fn list_watchers(c: &mut Client, out: Out, org: &str) -> Result<()> {
    let (list, now) = db::in_tx_at(c, |tx, _| {
        watchers::list(tx, org, None, watchers::StatusFilter::Live, 100)
    })?;
    match out.format {
        Format::Json => write_stdout(&format!(
            "{}\n",
            serde_json::to_string(&list).unwrap_or_default()
        )),
        Format::Table => write_stdout(&format!("{}\n", super::output::watchers_table(&list, now))),
    }
}

/// `status`: the figures, and the skew between the database's clock and this host's
/// (measured against the midpoint of the transaction, so within half its duration).
pub(super) fn status(ctx: &Ctx) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Checked)?;
    let before = Utc::now();
    // one statement, one flight, on the database's clock
    let (s, _) = db::flight::read_in_flight(&mut c, |send| {
        crate::status::status_via(send, None, crate::runs::STALE_AFTER)
    })?;
    let after = Utc::now();
    let host = before + (after - before) / 2;
    let skew = (s.database_time - host).num_microseconds().unwrap_or(0) as f64 / 1e6;
    let mut v = serde_json::to_value(&s).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("host_time".into(), serde_json::json!(host));
        o.insert(
            "clock_skew_seconds".into(),
            serde_json::json!((skew * 1000.0).round() / 1000.0),
        );
    }
    out.show(&v, status_table)
}

/// The `status` table: the JSON's fields, with the worst lateness written as a duration
/// the way the rest of the tool writes them (`8m43s`, under a second `<1s`), in a row
/// named without the JSON's `_seconds` (the JSON keeps the number of seconds).
fn status_table(v: &serde_json::Value) -> String {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        if let Some(late) = o.remove("worst_lateness_last_hour_seconds") {
            o.insert(
                "worst_lateness_last_hour".into(),
                late.as_f64()
                    .map_or(serde_json::Value::Null, |s| lateness(s).into()),
            );
        }
    }
    kv_table(&v)
}

/// A lateness in seconds as a duration, whole seconds (`8m43s`); `<1s` under a second.
fn lateness(seconds: f64) -> String {
    if seconds > 0.0 && seconds < 1.0 {
        return "<1s".into();
    }
    #[allow(clippy::cast_possible_truncation)]
    let whole = seconds.clamp(0.0, 1e12) as i64;
    dispatch::compound(chrono::Duration::seconds(whole))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_lateness_reads_as_a_duration() {
        for (seconds, text) in [
            (523.311_731, "8m43s"),
            (0.0, "0s"),
            (0.4, "<1s"),
            (1.0, "1s"),
            (90.9, "1m30s"),
            (90_061.0, "1d1h1m1s"),
        ] {
            assert_eq!(super::lateness(seconds), text, "{seconds}");
        }
    }
}
