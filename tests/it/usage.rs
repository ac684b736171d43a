//! Usage errors (SPEC 11): the `error:` line names the missing arguments, the flag a bad
//! value belongs to with the values allowed, and the flag another one needs; clap's usage
//! line is the `hint:`; the same message in the JSON error object; exit 2 before any
//! connection. The cases are derived from the clap tree, so a new command is covered
//! without a new line here.

use clap::Command;

use crate::support::{bare, Run};

/// An unreachable database: a usage error never connects, and anything that did would
/// fail with exit 6 rather than touch a real database (or start the embedded one).
const NOWHERE: &str = "postgres://nobody@127.0.0.1:1/nowhere?connect_timeout=1";

/// `lobu-admin <args>` with nothing to connect to, in table or JSON output.
fn usage_run(args: &[String], json: bool) -> Run {
    let home = std::env::temp_dir().join(format!("lobu-usage-{}", std::process::id()));
    let mut all: Vec<String> = Vec::new();
    if json {
        all.extend(["-o".to_string(), "json".to_string()]);
    }
    all.extend(args.iter().cloned());
    bare()
        .env("DATABASE_URL", NOWHERE)
        .env("LOBU_ADMIN_HOME", home.to_str().unwrap())
        .args(&all)
        .run()
}

/// Runs `args` in both formats: exit 2, one `error:` line plus a `hint: usage: lobu-admin
/// ...` line (table), or the `invalid_input` object with the same message (JSON); returns
/// the message.
#[track_caller]
fn usage_error(args: &[String]) -> String {
    let table = usage_run(args, false);
    table.code(2);
    let lines: Vec<&str> = table.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{args:?}: {}", table.stderr);
    let message = lines[0].strip_prefix("error: ").unwrap().to_string();
    assert!(
        lines[1].starts_with("hint: usage: lobu-admin"),
        "{args:?}: {}",
        table.stderr
    );
    assert!(table.stdout.is_empty(), "{args:?}: {}", table.stdout);
    if args.iter().any(|a| a == "-o" || a == "--output") {
        // the output format itself is what is wrong: no JSON to ask for
        return message;
    }
    let json = usage_run(args, true);
    json.code(2);
    assert_eq!(json.stderr.lines().count(), 1, "{args:?}: {}", json.stderr);
    let e = json.json_error();
    assert_eq!(e["kind"], "invalid_input", "{args:?}");
    assert_eq!(e["message"], message.as_str(), "{args:?}");
    message
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(ToString::to_string).collect()
}

/// Every command below the root, with its path: `(["watchers", "trigger"], cmd)`.
fn commands() -> Vec<(Vec<String>, Command)> {
    fn walk(path: &[String], cmd: &Command, out: &mut Vec<(Vec<String>, Command)>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            out.push((p.clone(), sub.clone()));
            walk(&p, sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&[], &lobu_admin::cli::command(), &mut out);
    out
}

/// How an argument is named on the command line and in messages: `--org` or `<ID>`.
fn name(a: &clap::Arg) -> String {
    match a.get_long() {
        Some(l) => format!("--{l}"),
        None => format!(
            "<{}>",
            a.get_value_names()
                .map(|v| v.join(" "))
                .unwrap_or_else(|| a.get_id().to_string().to_uppercase())
        ),
    }
}

/// Every command that needs an argument, run without any: its error names every required
/// argument, and one of each required group (`watchers reschedule`: IDs, `--org` or
/// `--all`). Every command that needs a subcommand names them all.
#[test]
fn every_missing_argument_and_subcommand_is_named() {
    let mut checked = 0;
    for (path, cmd) in commands() {
        let required: Vec<String> = cmd
            .get_arguments()
            .filter(|a| a.is_required_set() && !a.is_hide_set())
            .map(name)
            .chain(
                cmd.get_groups()
                    .filter(|g| g.is_required_set())
                    .flat_map(|g| g.get_args().cloned().collect::<Vec<_>>())
                    .filter_map(|id| cmd.get_arguments().find(|a| *a.get_id() == id))
                    .map(name),
            )
            .collect();
        if cmd.is_subcommand_required_set() {
            let message = usage_error(&path);
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                assert!(
                    message.contains(sub.get_name()),
                    "{path:?}: {message} does not name {}",
                    sub.get_name()
                );
            }
            checked += 1;
        } else if !required.is_empty() {
            let message = usage_error(&path);
            for r in &required {
                assert!(
                    message.contains(r.as_str()),
                    "{path:?}: {message} does not name {r}"
                );
            }
            checked += 1;
        }
    }
    // the tree has them (a walk that finds nothing checks nothing)
    assert!(checked >= 30, "only {checked} commands checked");
}

/// Every argument with a fixed set of values (`-o`, `--status`, `--platform`, `<SHELL>`,
/// ...), given a value outside it: the error names the argument and lists every value.
#[test]
fn every_value_enum_lists_its_values() {
    let root = lobu_admin::cli::command();
    let mut cases: Vec<(Vec<String>, clap::Arg)> =
        root.get_arguments().map(|a| (vec![], a.clone())).collect();
    for (path, cmd) in commands() {
        cases.extend(cmd.get_arguments().map(|a| (path.clone(), a.clone())));
    }
    let mut checked = 0;
    for (path, arg) in cases {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if values.is_empty() || !arg.get_action().takes_values() || arg.is_hide_set() {
            continue;
        }
        let mut args = path.clone();
        if arg.is_positional() {
            args.push("no-such-value".into());
        } else {
            args.extend([name(&arg), "no-such-value".into()]);
        }
        if path.is_empty() {
            args.push("status".into());
        }
        let message = usage_error(&args);
        assert!(
            message.contains(&format!("'no-such-value' for '{}", name(&arg)))
                || message.contains(&format!("'no-such-value' for '{}", arg)),
            "{args:?}: {message}"
        );
        for v in &values {
            assert!(
                message.contains(v.as_str()),
                "{args:?}: {message} does not list {v}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} value enums checked");
}

/// A flag that only means something with another one names that one.
#[test]
fn a_flag_that_needs_another_names_it() {
    for (args, expected) in [
        (
            &["dispatch", "--metrics-addr", "127.0.0.1:9187"][..],
            "--metrics-addr requires --loop",
        ),
        (
            &["dispatch", "--interval", "5s"],
            "--interval requires --loop",
        ),
        (
            &["dispatch", "--prune-after", "90d"],
            "--prune-after requires --loop",
        ),
        (
            &["dispatch", "--loop", "--prune-batch", "10"],
            "--prune-batch requires --prune-after <DUR>",
        ),
        (
            &["watchers", "trigger", "12", "--admin", "--timeout", "5s"],
            "--timeout requires --wait",
        ),
        (
            &[
                "register-device",
                "--org",
                "acme",
                "--user",
                "u",
                "--worker-id",
                "w",
                "--platform",
                "macos",
                "--expires-in",
                "30d",
            ],
            "--expires-in requires --issue-token",
        ),
    ] {
        assert_eq!(usage_error(&strings(args)), expected, "{args:?}");
    }
    // both at once: the missing arguments, then what the flag needs
    assert_eq!(
        usage_error(&strings(&[
            "register-device",
            "--org",
            "acme",
            "--expires-in",
            "1d"
        ])),
        "missing required arguments --user <USER>, --worker-id <WORKER_ID>, --platform \
         <PLATFORM>; --expires-in requires --issue-token"
    );
}

/// The messages the issue quoted, whole.
#[test]
fn usage_errors_read_whole() {
    for (args, expected) in [
        (
            &["org", "create"][..],
            "missing required argument <ID> (organisation id: lowercase [a-z0-9][a-z0-9_-]{0,62})",
        ),
        (&["runs", "wait"], "missing required argument <ID> (run id)"),
        (
            &["provision-agent"],
            "missing required argument --org <ORG>",
        ),
        (
            &["watchers", "reschedule"],
            "missing one of <ID>..., --org <ORG>, --all",
        ),
        (
            &["runs", "list", "--status", "done"],
            "invalid value 'done' for '--status <STATUS>'; possible values: pending, claimed, \
             running, completed, failed, cancelled, timeout, skipped",
        ),
        (
            &["-o", "yaml", "status"],
            "invalid value 'yaml' for '--output <OUTPUT>'; possible values: table, json",
        ),
        (
            &["runs", "list", "--limit", "0"],
            "invalid value '0' for '--limit <LIMIT>': must be a whole number, at least 1",
        ),
        (
            &["runs", "claim", "--limit", "5000"],
            "invalid value '5000' for '--limit <LIMIT>': must be a whole number from 1 to 1000",
        ),
        (
            &["org"],
            "`lobu-admin org` needs a subcommand: create, list, show",
        ),
    ] {
        assert_eq!(usage_error(&strings(args)), expected, "{args:?}");
    }
    let table = usage_run(&strings(&["register-device", "--org", "acme"]), false);
    assert_eq!(
        table.stderr,
        "error: missing required arguments --user <USER>, --worker-id <WORKER_ID>, --platform \
         <PLATFORM>\nhint: usage: lobu-admin register-device --org <ORG> --user <USER> \
         --worker-id <WORKER_ID> --platform <PLATFORM>\n"
    );
}

/// A malformed organisation id is a usage error (exit 2) wherever one is taken, before any
/// connection; it was exit 3 (`org show 'Bad Id!'`: not found) or an empty list.
#[test]
fn a_malformed_organisation_id_is_exit_2_everywhere() {
    let mut checked = 0;
    for (path, cmd) in commands() {
        for arg in cmd.get_arguments() {
            let is_org = arg.get_long() == Some("org")
                || (path.first().map(String::as_str) == Some("org") && arg.is_positional());
            if !is_org {
                continue;
            }
            let mut args = path.clone();
            if arg.is_positional() {
                args.push("Bad Id!".into());
            } else {
                args.extend(["--org".into(), "Bad Id!".into()]);
            }
            let message = usage_error(&args);
            assert!(
                message.starts_with(&format!("invalid value 'Bad Id!' for '{}", name(arg)))
                    && message.contains("invalid organization id"),
                "{args:?}: {message}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "only {checked} organisation arguments checked"
    );
}

/// Durations (SPEC 11): `s`, `m`, `h`, `d`, `w` and compounds; a bad one names the units.
#[test]
fn a_bad_duration_names_the_units() {
    let units = "units: s (seconds), m (minutes), h (hours), d (days), w (weeks)";
    for (value, why) in [
        ("1.5h", "use whole numbers (1h30m, not 1.5h)"),
        ("30min", "unknown unit \"min\""),
        ("5", "5 needs a unit"),
        ("-5m", "no sign (-) is allowed"),
    ] {
        let message = usage_error(&[
            "runs".into(),
            "prune".into(),
            format!("--older-than={value}"),
        ]);
        assert!(
            message.starts_with(&format!(
                "invalid value '{value}' for '--older-than <DUR>': invalid duration \"{value}\": \
                 {why}; {units}"
            )),
            "{message}"
        );
    }
}

/// The good ones parse (checked on a real database: `runs prune --dry-run`).
#[test]
fn weeks_and_compound_durations_are_accepted() {
    let db = crate::support::TestDb::new();
    for value in ["1w", "1w2d", "1h30m", "90s", "2d12h"] {
        let r = crate::support::cli(&db)
            .args(["runs", "prune", "--older-than", value, "--dry-run"])
            .run();
        r.code(0);
    }
}
