//! Reliability and security: lock timeouts, a bad-input matrix, secrets never printed.

use std::time::{Duration, Instant};

use lobu_admin::devices::Platform;

use crate::support::{bootstrapped_org, cli, mac_org, register, TestDb};

#[test]
fn a_locked_row_fails_fast_with_a_clear_error() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM watchers WHERE id = $1 FOR UPDATE", &[&w])
        .unwrap();
    let start = Instant::now();
    let r = cli(&db).args(["watchers", "pause", &w.to_string()]).run();
    let took = start.elapsed();
    r.code(5);
    assert!(r.stderr.contains("lock_timeout"), "{}", r.stderr);
    assert!(took < Duration::from_secs(15), "{took:?}");
    // the URL can choose a shorter timeout
    let short = format!("{}?options=-c%20lock_timeout%3D200ms", db.url);
    let start = Instant::now();
    crate::support::bare()
        .env("DATABASE_URL", &short)
        .args(["watchers", "archive", &w.to_string()])
        .run()
        .code(5);
    assert!(start.elapsed() < Duration::from_secs(3));
    tx.rollback().unwrap();
    cli(&db)
        .args(["watchers", "pause", &w.to_string()])
        .run()
        .code(0);
}

struct Case {
    args: Vec<String>,
    token: Option<String>,
    stdin: Option<String>,
    code: i32,
}

fn case(code: i32, args: &[&str]) -> Case {
    Case {
        args: args.iter().map(|s| (*s).to_string()).collect(),
        token: None,
        stdin: None,
        code,
    }
}

impl Case {
    fn token(mut self, t: &str) -> Self {
        self.token = Some(t.to_string());
        self
    }
    fn stdin(mut self, s: &str) -> Self {
        self.stdin = Some(s.to_string());
        self
    }
}

#[test]
fn bad_input_matrix() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let mut c = db.client();
    let other = register(&mut c, "acme", "imac", Platform::Macos);
    bootstrapped_org(&mut c, "beta");
    let foreign = register(&mut c, "beta", "mbp", Platform::Macos);
    let revoked = register(&mut c, "acme", "old", Platform::Linux);
    let expired = register(&mut c, "acme", "older", Platform::Linux);
    c.execute(
        "UPDATE device_tokens SET revoked_at = now() WHERE device_id = $1",
        &[&revoked.id],
    )
    .unwrap();
    c.execute(
        "UPDATE device_tokens SET expires_at = now() - interval '1 day' WHERE device_id = $1",
        &[&expired.id],
    )
    .unwrap();
    let w = dev.watcher.unwrap().to_string();
    let dev_id = dev.id.to_string();
    let huge = "x".repeat(100_000);
    let inject = "acme'; DROP TABLE watchers; --";
    let cases = vec![
        // malformed ids
        case(2, &["watchers", "show", "abc"]),
        case(2, &["watchers", "show", "-5"]),
        case(2, &["watchers", "show", "99999999999999999999999"]),
        case(2, &["watchers", "trigger", "0", "--admin"]),
        case(2, &["devices", "show", "not-a-uuid"]),
        case(2, &["devices", "delete", ""]),
        case(2, &["runs", "cancel", "1e3"]),
        case(2, &["tokens", "revoke", "123"]),
        // unknown ids
        case(3, &["watchers", "show", "424242"]),
        case(3, &["watchers", "trigger", "424242", "--admin"]),
        case(
            3,
            &["devices", "show", "00000000-0000-4000-8000-000000000000"],
        ),
        case(3, &["org", "show", "ghost"]),
        case(3, &["agents", "list", "--org", "ghost"]),
        case(3, &["devices", "list", "--org", "ghost"]),
        case(
            3,
            &[
                "tokens",
                "list",
                "--device",
                "00000000-0000-4000-8000-000000000000",
            ],
        ),
        case(3, &["runs", "cancel", "424242"]),
        case(3, &["agents", "delete", "--org", "acme", "ghost"]),
        // wrong device, cross-org, bad tokens
        case(4, &["watchers", "trigger", &w]).token(&other.token),
        case(3, &["watchers", "trigger", &w]).token(&foreign.token),
        case(4, &["watchers", "trigger", &w]).token(&revoked.token),
        case(4, &["watchers", "trigger", &w]).token(&expired.token),
        case(4, &["watchers", "trigger", &w]).token("lobu_dev_guess"),
        case(4, &["watchers", "trigger", &w]).token(""),
        case(4, &["runs", "claim"]).token(&revoked.token),
        case(2, &["watchers", "trigger", &w]),
        case(2, &["runs", "claim"]),
        case(2, &["watchers", "trigger", &w, "--token-file", "-"]).stdin(""),
        // invalid cron and time zones
        case(2, &["schedule", "preview", "* * * *"]),
        case(2, &["schedule", "preview", "0 0 30 2 *"]),
        case(2, &["schedule", "preview", "@every", "--timezone", "UTC"]),
        case(
            2,
            &[
                "schedule",
                "preview",
                "@daily",
                "--timezone",
                "Europe/Atlantis",
            ],
        ),
        case(2, &["schedule", "preview", "@daily", "--from", "yesterday"]),
        case(
            2,
            &["watchers", "update", &w, "--schedule", "0 0 * * MON-XYZ"],
        ),
        case(2, &["watchers", "update", &w, "--timezone", ""]),
        case(
            2,
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
                "--timezone",
                "+02:00",
            ],
        ),
        // injection strings, huge strings, empty strings
        case(2, &["org", "create", inject]),
        // not an organisation id at all: a usage error, not "not found"
        case(2, &["org", "show", inject]),
        case(2, &["watchers", "list", "--org", inject]),
        case(3, &["watchers", "list", "--org", "no-such-org"]),
        case(2, &["org", "create", &huge]),
        case(2, &["watchers", "update", &w, "--name", &huge]),
        case(2, &["watchers", "update", &w, "--name", ""]),
        case(
            2,
            &[
                "register-device",
                "--org",
                "acme",
                "--user",
                &huge,
                "--worker-id",
                "w",
                "--platform",
                "macos",
            ],
        ),
        case(
            2,
            &[
                "register-device",
                "--org",
                "acme",
                "--user",
                "u",
                "--worker-id",
                "",
                "--platform",
                "macos",
            ],
        ),
        case(
            2,
            &[
                "watchers",
                "create",
                "--org",
                "acme",
                "--name",
                "N",
                "--schedule",
                "@daily",
                "--agent",
                "owletto-default",
                "--prompt",
                "",
            ],
        ),
        case(
            2,
            &[
                "watchers",
                "create",
                "--org",
                "acme",
                "--name",
                "N",
                "--schedule",
                "@daily",
                "--agent",
                "owletto-default",
                "--prompt",
                "p",
                "--slug",
                "Bad Slug",
            ],
        ),
        // invalid JSON fixtures and results
        case(2, &["seed", "-"]).stdin("not json"),
        case(2, &["seed", "-"]).stdin(""),
        case(2, &["seed", "-"]).stdin(r#"{"organizations": [{"id": "x", "metadata": []}]}"#),
        case(2, &["seed", "-"]).stdin(r#"{"organizations": {"id": "x"}}"#),
        case(2, &["runs", "complete", "1", "--result", "{"]).token(&dev.token),
        // durations
        case(
            2,
            &[
                "tokens",
                "create",
                "--device",
                &dev_id,
                "--expires-in",
                "soon",
            ],
        ),
        case(2, &["dispatch", "--loop", "--interval", "0s"]),
        case(2, &["runs", "rescue", "--stale-after", "-5m"]),
        // conflicts with state
        case(5, &["org", "create", "acme"]),
        case(
            5,
            &[
                "register-device",
                "--org",
                "acme",
                "--user",
                "u1",
                "--worker-id",
                "mbp",
                "--platform",
                "ios",
            ],
        ),
        // usage
        case(2, &["watchers"]),
        case(2, &["no-such-command"]),
        case(2, &["-o", "yaml", "org", "list"]),
    ];
    assert!(cases.len() >= 40, "{}", cases.len());
    for case in &cases {
        let mut cmd = cli(&db).args(&case.args);
        if let Some(t) = &case.token {
            cmd = cmd.token(t);
        }
        if let Some(s) = &case.stdin {
            cmd = cmd.stdin(s);
        }
        let r = cmd.run();
        assert_eq!(
            r.code,
            case.code,
            "{:?}: stdout {} stderr {}",
            case.args
                .iter()
                .map(|a| a.chars().take(60).collect::<String>())
                .collect::<Vec<_>>(),
            r.stdout,
            r.stderr
        );
        assert!(!r.stderr.contains("panicked") && !r.stderr.contains("backtrace"));
        assert!(r.stderr.lines().count() <= 4, "{}", r.stderr);
        if case.code != 0 {
            let first = r.stderr.lines().next().unwrap_or("");
            assert!(
                first.starts_with("error:"),
                "{:?}: {}",
                case.args.first(),
                r.stderr
            );
            assert!(
                first.len() < 600,
                "{:?}: error line too long",
                case.args.first()
            );
        }
    }
    // nothing was dropped or created by any of it
    let n: i64 = db.scalar("SELECT count(*) FROM watchers");
    assert_eq!(n, 2);
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations");
    assert_eq!(orgs, 2);
}

#[test]
fn no_secret_reaches_any_output() {
    let db = TestDb::new();
    let password = "S3cretPw-do-not-print";
    let url = db
        .url
        .replacen("postgres@", &format!("postgres:{password}@"), 1);
    assert!(
        url.contains(password),
        "test server URL must have a user: {url}"
    );
    let run = |args: &[&str], token: Option<&str>| {
        let mut c = crate::support::bare()
            .env("DATABASE_URL", &url)
            .args(["-v"])
            .args(args);
        if let Some(t) = token {
            c = c.token(t);
        }
        c.run()
    };
    run(&["org", "create", "acme"], None).code(0);
    run(&["provision-agent", "--org", "acme"], None).code(0);
    let reg = run(
        &[
            "-o",
            "json",
            "register-device",
            "--org",
            "acme",
            "--user",
            "u",
            "--worker-id",
            "m",
        ],
        None,
    );
    // (platform missing: usage error)
    reg.code(2);
    let reg = run(
        &[
            "-o",
            "json",
            "register-device",
            "--org",
            "acme",
            "--user",
            "u",
            "--worker-id",
            "m",
            "--platform",
            "macos",
            "--issue-token",
        ],
        None,
    );
    reg.code(0);
    let token = reg.json()["token"]["token"].as_str().unwrap().to_string();
    let body = &token[16..];
    let w = reg.json()["default_watcher"]["watcher_id"]
        .as_i64()
        .unwrap()
        .to_string();
    let device = reg.json()["device_id"].as_str().unwrap().to_string();
    let mut outputs = vec![reg.stderr.clone()];
    for (args, tok) in [
        (vec!["watchers", "trigger", &w], Some(token.as_str())),
        (
            vec!["-o", "json", "watchers", "trigger", &w],
            Some(token.as_str()),
        ),
        (
            vec![
                "watchers",
                "trigger",
                &w,
                "--token",
                "lobu_dev_wrong_but_secret_value_123456789",
            ],
            None,
        ),
        (
            vec!["-o", "json", "watchers", "trigger", "999"],
            Some(token.as_str()),
        ),
        (vec!["tokens", "list", "--device", &device], None),
        (
            vec!["-o", "json", "tokens", "list", "--device", &device],
            None,
        ),
        (vec!["devices", "show", &device], None),
        (vec!["watchers", "list", "--org", "acme"], None),
        (vec!["runs", "claim"], Some(token.as_str())),
        (vec!["runs", "list"], None),
        (vec!["org", "show", "acme"], None),
        (vec!["org", "create", "acme"], None),
        (vec!["-o", "json", "org", "create", "acme"], None),
    ] {
        let r = run(&args, tok);
        outputs.push(format!("{}{}", r.stdout, r.stderr));
    }
    let bad_url = format!("postgres://postgres:{password}@127.0.0.1:1/x");
    for format in ["table", "json"] {
        let r = crate::support::bare()
            .args([
                "-v",
                "-o",
                format,
                "--database-url",
                &bad_url,
                "org",
                "list",
            ])
            .run();
        assert_eq!(r.code, 6);
        outputs.push(format!("{}{}", r.stdout, r.stderr));
    }
    for out in &outputs {
        assert!(!out.contains(password), "password leaked: {out}");
        assert!(!out.contains(body), "token leaked: {out}");
        assert!(!out.contains("wrong_but_secret"), "token leaked: {out}");
    }
    assert!(
        outputs
            .iter()
            .any(|o| o.contains("connecting to database x as user postgres on 127.0.0.1:1")),
        "verbose output names the connection (never the string given)"
    );
}
