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

/// The whole command tree, built: its subcommands are deferred (built only when chosen), so
/// unbuilt they have no arguments or subcommands to walk.
fn built() -> Command {
    let mut root = lobu_admin::cli::command();
    root.build();
    root
}

/// Every command below the root, with its path: `(["watchers", "trigger"], cmd)`.
fn commands() -> Vec<(Vec<String>, Command)> {
    fn walk(path: &[String], cmd: &Command, out: &mut Vec<(Vec<String>, Command)>) {
        // clap's own `help` subcommands (added by the build) are not the tool's
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            out.push((p.clone(), sub.clone()));
            walk(&p, sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&[], &built(), &mut out);
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
            for sub in cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            {
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
    let root = built();
    let mut cases: Vec<(Vec<String>, clap::Arg)> =
        root.get_arguments().map(|a| (vec![], a.clone())).collect();
    for (path, cmd) in commands() {
        // the global options are checked once, at the root (the build copies them into
        // every command)
        cases.extend(
            cmd.get_arguments()
                .filter(|a| !a.is_global_set())
                .map(|a| (path.clone(), a.clone())),
        );
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
            "`lobu-admin org` needs a subcommand: create, list, show, update, delete",
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

/// The characters of `s` that could split a line or drive a terminal (controls other
/// than the newlines that end its lines, and the bidirectional overrides).
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(c)
                || ('\u{2066}'..='\u{2069}').contains(c)
        })
        .collect()
}

/// A value with a newline or a terminal escape, echoed in a usage error: the line stays
/// one line and shows the controls escaped (`\n`, `\u{1b}`), in table and JSON output
/// alike. A newline split the `error:` line in two (or cut it, for an unknown argument:
/// `error: unexpected argument '--x`), and ESC sequences reached the terminal raw.
#[test]
fn control_characters_in_values_are_escaped_on_one_line() {
    for (args, expected) in [
        (
            &["watchers", "list", "--org", "ab\ncd"][..],
            "invalid value 'ab\\ncd' for '--org <ORG>': invalid organization id \"ab\\ncd\"",
        ),
        (
            &["watchers", "list", "--org", "\x1b[31mred\x1b[0m"],
            "invalid value '\\u{1b}[31mred\\u{1b}[0m' for '--org <ORG>'",
        ),
        (
            &["dispatch", "--stale-after", "\x1b[2J5x"],
            "invalid value '\\u{1b}[2J5x' for '--stale-after <DUR>': invalid duration \
             \"\\u{1b}[2J5x\"",
        ),
        (
            &["org", "list", "--x\nerror: fake"],
            "unexpected argument '--x\\nerror: fake' found",
        ),
        (
            &["org", "li\x1b]0;t\x07st"],
            "unrecognized subcommand 'li\\u{1b}]0;t\\u{7}st'",
        ),
        (
            &["org", "show", "a\u{202e}b\tc"],
            "invalid value 'a\\u{202e}b\\tc' for '<ID>'",
        ),
    ] {
        let message = usage_error(&strings(args));
        assert!(message.starts_with(expected), "{args:?}: {message}");
        assert_eq!(raw_controls(&message), [], "{args:?}: {message}");
    }
}

/// The CLI refuses a name holding a control or invisible character (exit 2, nothing
/// written); names stored so by other means (SQL, an older release) show escaped in every
/// table, each on its own row; JSON keeps the exact text (serde escapes it).
#[test]
fn stored_control_characters_are_escaped_in_tables() {
    let db = crate::support::TestDb::new();
    let evil = "Evil\x1b]0;title\x07\nrow \u{202e}x";
    let shown = "Evil\\u{1b}]0;title\\u{7}\\nrow \\u{202e}x";
    let dev = crate::support::mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let cli = || crate::support::cli(&db);
    for (args, named) in [
        (
            vec!["org", "create", "globex", "--name", evil],
            "organization name",
        ),
        (
            vec!["watchers", "update", &w, "--name", evil],
            "watcher name",
        ),
        (
            vec!["agents", "create", "--org", "acme", "--name", evil, "b"],
            "agent name",
        ),
        (
            vec!["org", "update", "acme", "--name", "a\u{202e}b"],
            "organization name",
        ),
    ] {
        let r = cli().args(&args).run();
        r.code(2);
        assert!(
            r.stderr
                .starts_with(&format!("error: invalid {named}: contains the ")),
            "{}",
            r.stderr
        );
    }
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM organizations"), 1);
    let mut c = db.client();
    c.execute(
        "INSERT INTO organizations (id, name) VALUES ('globex', $1)",
        &[&evil],
    )
    .unwrap();
    c.execute(
        "UPDATE watchers SET name = $1 WHERE id = $2",
        &[&evil, &dev.watcher.unwrap()],
    )
    .unwrap();
    for (args, rows) in [
        (cli().args(["org", "show", "globex"]).run(), 0),
        (cli().args(["org", "list"]).run(), 3),
        (cli().args(["watchers", "list", "--org", "acme"]).run(), 2),
        (cli().args(["watchers", "show", &w]).run(), 0),
    ] {
        args.code(0);
        assert!(args.stdout.contains(shown), "{}", args.stdout);
        assert_eq!(raw_controls(&args.stdout), [], "{}", args.stdout);
        if rows > 0 {
            assert_eq!(args.stdout.lines().count(), rows, "{}", args.stdout);
        }
    }
    let json = cli().args(["org", "show", "globex"]).json();
    assert_eq!(json["name"], evil);
    // an error that quotes such a value (not a usage error: the library's) is one line
    let agent = [
        "watchers",
        "create",
        "--org",
        "acme",
        "--name",
        "n",
        "--schedule",
    ];
    let r = cli()
        .args(agent)
        .args(["0 9 * * *", "--prompt", "p", "--agent", evil])
        .run();
    r.code(3);
    assert_eq!(
        r.stderr,
        format!("error: agent {shown} in organization acme not found\n")
    );
    let r = cli()
        .args(["-o", "json"])
        .args(agent)
        .args(["0 9 * * *", "--prompt", "p", "--agent", evil])
        .run();
    assert_eq!(
        r.json_error()["message"],
        format!("agent {evil} in organization acme not found")
    );
}

/// JSON error mode follows clap's reading of `--output`: short clusters (`-qojson`,
/// `-vo json`), `=` forms and the last occurrence. `-qojson` and `-vo json` printed
/// text errors, and `--output json --output table` a JSON one.
#[test]
fn json_errors_follow_clap_for_the_output_flag() {
    for (args, json) in [
        (&["-qojson", "watchers", "list"][..], true),
        (&["-vo", "json", "watchers", "list"], true),
        (&["-qo=json", "watchers", "list"], true),
        (&["watchers", "list", "-vqojson"], true),
        (
            &["--output", "json", "--output", "table", "watchers", "list"],
            false,
        ),
        (&["-o", "table", "watchers", "list", "--output=json"], true),
        (
            &[
                "watchers", "list", "--org", "acme", "--limit", "x", "-ojson",
            ],
            true,
        ),
    ] {
        let r = usage_run(&strings(args), false);
        r.code(2);
        if json {
            assert_eq!(r.json_error()["kind"], "invalid_input", "{args:?}");
        } else {
            assert!(r.stderr.starts_with("error: "), "{args:?}: {}", r.stderr);
        }
    }
}

/// A negative count, id or duration reaches its value parser, which says what is wrong;
/// clap said "unexpected argument '-1' found" (only the `=` forms got the real message).
#[test]
fn negative_values_get_the_value_parsers_message() {
    let units = "units: s (seconds), m (minutes), h (hours), d (days), w (weeks)";
    for (args, expected) in [
        (
            &["runs", "list", "--limit", "-1"][..],
            "invalid value '-1' for '--limit <LIMIT>': must be a whole number, at least 1"
                .to_string(),
        ),
        (
            &["dispatch", "--stale-after", "-5m"],
            format!(
                "invalid value '-5m' for '--stale-after <DUR>': invalid duration \"-5m\": no \
                 sign (-) is allowed; {units}"
            ),
        ),
        (
            &["runs", "wait", "-1"],
            "invalid value '-1' for '<ID>': invalid id \"-1\": must be a positive integer"
                .to_string(),
        ),
        (
            &["watchers", "create", "--min-cooldown", "-1h"],
            format!(
                "invalid value '-1h' for '--min-cooldown <DUR>': invalid duration \"-1h\": no \
                 sign (-) is allowed; {units}"
            ),
        ),
        // a flag where a duration belongs is named as such
        (
            &["dispatch", "--interval", "--loop"],
            format!(
                "invalid value '--loop' for '--interval <DUR>': invalid duration \"--loop\": a \
                 duration is needed here, not a flag; {units}"
            ),
        ),
    ] {
        let message = usage_error(&strings(args));
        assert!(message.starts_with(&expected), "{args:?}: {message}");
    }
    // flags still parse around them
    assert_eq!(
        usage_error(&strings(&["runs", "list", "--limit", "5", "--status", "x"])),
        "invalid value 'x' for '--status <STATUS>'; possible values: pending, claimed, \
         running, completed, failed, cancelled, timeout, skipped"
    );
}

/// Every value an error line echoes is cut to 60 characters (an unknown argument was
/// echoed up to 300), and a value too long for its column says the limit (a cool-down of
/// "1w" x 3551 printed a 7.3 KB line that only said "too long").
#[test]
fn echoed_values_are_capped_and_limits_named() {
    let long = format!("--{}", "x".repeat(400));
    let message = usage_error(&strings(&["org", "list", &long]));
    assert_eq!(
        message,
        format!("unexpected argument '--{}…' found", "x".repeat(58))
    );
    let cooldown = "1w".repeat(3551);
    let message = usage_error(&strings(&[
        "watchers",
        "create",
        "--min-cooldown",
        &cooldown,
    ]));
    assert!(message.len() < 250, "{} bytes: {message}", message.len());
    assert!(
        message.starts_with(&format!(
            "invalid value '{}…' for '--min-cooldown <DUR>': cool-down \"{}…\" is too long \
             (at most 3550w5d3h14m7s, 2147483647 seconds, about 68 years)",
            "1w".repeat(30),
            "1w".repeat(20)
        )),
        "{message}"
    );
    let time = "9".repeat(5000);
    let message = usage_error(&strings(&["dispatch", "--now", &time]));
    assert!(message.len() < 250, "{} bytes: {message}", message.len());
    assert!(
        message.contains(&format!("'{}…'", "9".repeat(60))),
        "{message}"
    );
}

/// An argument that is not UTF-8 is named by its position and the flag it is the value
/// of, its bad bytes as `\xNN`; clap said only "invalid UTF-8 was detected in one or more
/// arguments".
#[test]
fn invalid_utf8_names_the_argument() {
    use std::os::unix::ffi::OsStringExt;
    let bad = |bytes: &[u8]| std::ffi::OsString::from_vec(bytes.to_vec());
    for (args, expected) in [
        (
            vec![
                "watchers".into(),
                "list".into(),
                "--org".into(),
                bad(b"a\xffb"),
            ],
            "invalid UTF-8 in argument 4 ('a\\xFFb', the value of '--org'); arguments must \
             be UTF-8 text",
        ),
        (
            vec!["watchers".into(), "list".into(), bad(b"--org=\xfe")],
            "invalid UTF-8 in argument 3 ('--org=\\xFE', the value of '--org'); arguments \
             must be UTF-8 text",
        ),
        (
            vec!["org".into(), "create".into(), bad(b"\xff\x1b")],
            "invalid UTF-8 in argument 3 ('\\xFF\\u{1b}'); arguments must be UTF-8 text",
        ),
        // a path may be any bytes: the one clap could not take is named
        (
            vec![
                "runs".into(),
                "claim".into(),
                "--token-file".into(),
                bad(b"\xff"),
                "--limit".into(),
                bad(b"\xfe"),
            ],
            "invalid UTF-8 in argument 6 ('\\xFE', the value of '--limit'); arguments must \
             be UTF-8 text",
        ),
    ] {
        let r = bare().env("DATABASE_URL", NOWHERE).args(&args).run();
        r.code(2);
        let first = r.stderr.lines().next().unwrap();
        assert_eq!(first, format!("error: {expected}"), "{args:?}");
        assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
    }
}

/// An id past the largest the column holds says it is too large, and the limit.
#[test]
fn an_id_too_large_says_so() {
    assert_eq!(
        usage_error(&strings(&["watchers", "reschedule", "9223372036854775808"])),
        "invalid value '9223372036854775808' for '[ID]...': invalid id \
         \"9223372036854775808\": too large (at most 9223372036854775807)"
    );
}

/// An argument that may hold a secret (a connection string given where clap expects none,
/// a URL split by an unquoted blank, user-info, `password`, a key=value pair) is not echoed
/// by a usage error, in table or JSON output; clap echoed it whole.
#[test]
fn an_argument_that_may_hold_a_secret_is_not_echoed() {
    let said = "'…' (an argument that looks like a connection string or a secret: not shown)";
    for args in [
        &["org", "list", "postgres://app:Zq9pw@127.0.0.1:5452/lobu"][..],
        &[
            "--database-url",
            "postgres://app:my",
            "Zq9pw@host/db",
            "org",
            "list",
        ],
        &["org", "list", "host=h password=Zq9pw"],
        &["org", "list", "my-Zq9pw-Secret"],
        &["org", "list", "Zq9pw@host"],
        &["dispatch", "--now", "Zq9pw-passwd"],
        &["dispatch", "--now", "postgres://app:Zq9pw@h/db"],
    ] {
        let message = usage_error(&strings(args));
        assert!(!message.contains("Zq9"), "{args:?}: {message}");
        assert!(message.contains(said), "{args:?}: {message}");
    }
    // what holds none is still echoed
    let message = usage_error(&strings(&["org", "list", "stray"]));
    assert_eq!(message, "unexpected argument 'stray' found");
}

/// The short help of a command, as `lobu-admin <path> -h` prints it, rendered in-process:
/// clap builds only the commands on the path, as a run does.
fn help_of(path: &[String]) -> String {
    let mut argv = vec!["lobu-admin".to_string()];
    argv.extend(path.iter().cloned());
    argv.push("-h".into());
    let e = lobu_admin::cli::command()
        .try_get_matches_from(argv)
        .expect_err("-h stops the parse");
    assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp, "{path:?}");
    e.render().to_string()
}

/// Every command describes itself as its parent's list does: the subcommands are deferred
/// (built only when chosen), and a doc comment on a flattened struct then replaced the
/// description in the command's own help (`agents create --help` said "`--identity TEXT`
/// or ..." while `agents --help` said "Create an agent").
#[test]
fn every_command_describes_itself_as_its_parent_lists_it() {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut checked = 0;
    for (path, _) in commands() {
        let own = help_of(&path);
        // the first paragraph: the short description
        let about = words(own.split("\n\n").next().unwrap_or_default());
        let listing = words(&help_of(&path[..path.len() - 1]));
        let name = path.last().unwrap();
        assert!(
            listing.contains(&format!("{name} {about}")),
            "{path:?}: its help begins {about:?}; its parent lists: {listing}"
        );
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} commands checked");
}
