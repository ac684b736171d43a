//! The audit trail: who did what, recorded with the change, listed and pruned.

use crate::support::{cli, mac_org, TestDb};
use serde::Deserialize;
use serde_json::Value;

/// The exact JSON shape of an audit event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Event {
    id: i64,
    at: String,
    actor: String,
    command: String,
    org_id: Option<String>,
    target: Option<Target>,
    outcome: String,
    details: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Target {
    kind: String,
    id: String,
}

fn events(db: &TestDb, args: &[&str]) -> Vec<Event> {
    serde_json::from_value(cli(db).args(["audit", "list"]).args(args).json()).unwrap()
}

#[test]
fn actor_comes_from_the_flag_the_environment_or_the_os_user() {
    let db = TestDb::new();
    cli(&db)
        .args(["--actor", "ada", "org", "create", "a1"])
        .run()
        .code(0);
    cli(&db)
        .env("LOBU_ACTOR", "bob")
        .args(["org", "create", "a2"])
        .run()
        .code(0);
    cli(&db)
        .env("LOBU_ACTOR", "bob")
        .args(["--actor", "carol", "org", "create", "a3"])
        .run()
        .code(0);
    cli(&db).args(["org", "create", "a4"]).run().code(0);
    let list = events(&db, &[]);
    let actors: Vec<&str> = list.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(&actors[1..], ["carol", "bob", "ada"]);
    let os = &actors[0];
    let user = whoami_user();
    assert!(
        os.starts_with(&format!("{user}@")) && os.len() > user.len() + 1,
        "{os}"
    );
    let e = &list[3];
    assert_eq!(
        (e.command.as_str(), e.outcome.as_str()),
        ("org create", "created")
    );
    assert_eq!(e.org_id.as_deref(), Some("a1"));
    let t = e.target.as_ref().unwrap();
    assert_eq!((t.kind.as_str(), t.id.as_str()), ("organization", "a1"));
}

fn whoami_user() -> String {
    String::from_utf8(
        std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string()
}

#[test]
fn an_actor_with_control_characters_is_a_usage_error() {
    let db = TestDb::new();
    for bad in ["ada\nroot", "ada\u{1b}[31m", "a\tb", " "] {
        let r = cli(&db).args(["--actor", bad, "org", "create", "x"]).run();
        r.code(2);
        assert!(r.stderr.contains("invalid actor"), "{}", r.stderr);
        cli(&db)
            .env("LOBU_ACTOR", bad)
            .args(["org", "create", "x"])
            .run()
            .code(2);
    }
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM organizations"), 0);
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM audit_events"), 0);
}

/// A device token pasted into an actor or a cancel reason is refused (exit 2) and never
/// shown: the audit trail and runs' errors outlive it and every operator reads them.
#[test]
fn a_token_in_an_actor_or_a_reason_is_refused_unseen() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let secret = &dev.token[lobu_admin::tokens::TOKEN_PREFIX.len()..];
    let r = cli(&db)
        .args([
            "--actor",
            &format!("ada {}", dev.token),
            "org",
            "create",
            "x",
        ])
        .run();
    r.code(2);
    // the usage error hides the value (and so the parser's reason, which would name it)
    assert!(r.stderr.contains("not shown"), "{}", r.stderr);
    assert!(!r.stderr.contains(secret), "{}", r.stderr);
    cli(&db)
        .env("LOBU_ACTOR", &dev.token)
        .args(["org", "create", "x"])
        .run()
        .code(2);
    let r = cli(&db)
        .args([
            "runs",
            "cancel",
            "1",
            "--reason",
            &format!("oops {}", dev.token),
        ])
        .run();
    r.code(2);
    assert!(!r.stderr.contains(secret), "{}", r.stderr);
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM organizations WHERE id = 'x'"),
        0
    );
    assert_eq!(
        db.scalar::<i64>(
            "SELECT count(*) FROM audit_events WHERE command = 'org create' AND org_id = 'x'"
        ),
        0
    );
}

#[test]
fn a_failed_command_records_nothing() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    cli(&db)
        .args(["watchers", "trigger", "999999", "--admin"])
        .run()
        .code(3);
    cli(&db).args(["org", "create", "acme"]).run().code(5);
    cli(&db)
        .args(["watchers", "pause", &dev.watcher.unwrap().to_string()])
        .run()
        .code(0);
    // paused: the trigger's statement ran (and wrote its event) but the check failed, and
    // the transaction rolled back with it
    cli(&db)
        .args(["watchers", "trigger", &dev.watcher.unwrap().to_string()])
        .token(&dev.token)
        .run()
        .code(5);
    let list = events(&db, &[]);
    let commands: Vec<&str> = list.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(commands, ["watchers pause"]);
}

#[test]
fn triggers_are_recorded_by_who_triggered_them() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let first = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .json();
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .json();
    cli(&db)
        .args(["--actor", "ops", "watchers", "trigger", &w, "--admin"])
        .json();
    let list = events(&db, &["--command", "watchers trigger"]);
    let seen: Vec<(String, String)> = list
        .iter()
        .map(|e| (e.actor.clone(), e.outcome.clone()))
        .collect();
    let device = format!("device:{}", dev.id);
    assert_eq!(
        seen,
        [
            ("ops".to_string(), "already_queued".to_string()),
            (device.clone(), "already_queued".to_string()),
            (device.clone(), "queued".to_string()),
        ]
    );
    assert_eq!(list[2].details["run_id"], first["run_id"]);
    assert_eq!(list[2].org_id.as_deref(), Some("acme"));
    assert_eq!(list[2].target.as_ref().unwrap().id, w);
    // `--actor device:<uuid>` filters by it (only a writing command refuses the prefix)
    let by_device: Vec<Event> =
        serde_json::from_value(cli(&db).args(["--actor", &device, "audit", "list"]).json())
            .unwrap();
    let ids: Vec<i64> = by_device.iter().map(|e| e.id).collect();
    assert_eq!(ids, [list[1].id, list[2].id]);
}

#[test]
fn audit_events_never_hold_a_secret() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    let reg = register_mbp_1(&db, &["--issue-token"]);
    let device = reg["device_id"].as_str().unwrap().to_string();
    let created = cli(&db)
        .args(["tokens", "create", "--device", &device])
        .json();
    let fixed = format!("lobu_dev_{}", "s".repeat(40));
    let fixture = serde_json::json!({"organizations": [{"id": "globex", "devices": [
        {"user": "u1", "worker_id": "w1", "platform": "linux", "token": fixed}]}]});
    cli(&db)
        .args(["seed", "-"])
        .stdin(&fixture.to_string())
        .run()
        .code(0);
    cli(&db)
        .args(["tokens", "revoke", created["id"].as_str().unwrap()])
        .run()
        .code(0);
    let all: String = db.scalar("SELECT string_agg(row_to_json(a)::text, ' ') FROM audit_events a");
    for secret in [
        reg["token"]["token"].as_str().unwrap(),
        created["token"].as_str().unwrap(),
        &fixed,
    ] {
        assert!(!all.contains(secret), "a token in the audit trail: {all}");
        assert!(
            !all.contains(&secret[9..20]),
            "part of a token in the audit trail: {all}"
        );
    }
    let list = events(&db, &[]);
    let commands: Vec<&str> = list.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "tokens revoke",
            "seed",
            "tokens create",
            "register-device",
            "org create"
        ]
    );
    // a token's events are in its device's organisation
    assert_eq!(list[0].org_id.as_deref(), Some("acme"));
    assert_eq!(list[2].org_id.as_deref(), Some("acme"));
    assert_eq!(list[2].details["prefix"], created["prefix"]);
    assert_eq!(list[3].outcome, "registered");
}

#[test]
fn audit_list_filters_and_pages_newest_first() {
    let db = TestDb::new();
    for (actor, org) in [
        ("ada", "o1"),
        ("bob", "o2"),
        ("ada", "o3"),
        ("bob", "o4"),
        ("ada", "o5"),
    ] {
        cli(&db)
            .args(["--actor", actor, "org", "create", org])
            .run()
            .code(0);
    }
    cli(&db)
        .args(["--actor", "ada", "provision-agent", "--org", "o1"])
        .run()
        .code(0);
    let all = events(&db, &[]);
    assert_eq!(all.len(), 6);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id));
    // keyset: pages of two, each after the last id shown, add up to the whole list
    let mut paged = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut args = vec!["--limit".to_string(), "2".to_string()];
        if let Some(b) = before {
            args.extend(["--before".to_string(), b.to_string()]);
        }
        let page = events(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
        if page.is_empty() {
            break;
        }
        before = page.last().map(|e| e.id);
        paged.extend(page.into_iter().map(|e| e.id));
    }
    assert_eq!(paged, all.iter().map(|e| e.id).collect::<Vec<_>>());
    let ada = events(&db, &["--actor", "ada"]);
    assert_eq!(ada.len(), 4);
    // LOBU_ACTOR says who makes changes; it does not filter a listing
    let listed = cli(&db)
        .env("LOBU_ACTOR", "ada")
        .args(["audit", "list"])
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 6);
    let o1 = events(&db, &["--org", "o1"]);
    assert_eq!(
        o1.iter().map(|e| e.command.as_str()).collect::<Vec<_>>(),
        ["provision-agent", "org create"]
    );
    assert_eq!(o1[0].outcome, "created");
    let both = events(
        &db,
        &["--actor", "ada", "--command", "org create", "--org", "o3"],
    );
    assert_eq!(both.len(), 1);
    assert_eq!(events(&db, &["--since", "1h"]).len(), 6);
    assert_eq!(events(&db, &["--since", "2999-01-01T00:00:00Z"]).len(), 0);
    db.client()
        .batch_execute("UPDATE audit_events SET at = at - interval '2 days' WHERE id <= 3")
        .unwrap();
    assert_eq!(events(&db, &["--since", "1d"]).len(), 3);
    let table = cli(&db).args(["audit", "list", "--org", "o1"]).run();
    table.code(0);
    assert!(table.stdout.contains("provision-agent") && table.stdout.contains("ACTOR"));
    for bad in [
        &["--since", "yesterday"][..],
        &["--before", "0"],
        &["--limit", "0"],
    ] {
        cli(&db).args(["audit", "list"]).args(bad).run().code(2);
    }
}

#[test]
fn audit_prune_deletes_old_events_and_records_itself() {
    let db = TestDb::new();
    for org in ["o1", "o2", "o3"] {
        cli(&db).args(["org", "create", org]).run().code(0);
    }
    db.client()
        .batch_execute("UPDATE audit_events SET at = at - interval '40 days' WHERE org_id <> 'o3'")
        .unwrap();
    let dry = cli(&db)
        .args(["audit", "prune", "--older-than", "30d", "--dry-run"])
        .json();
    assert_eq!(
        (dry["deleted"].as_i64(), dry["dry_run"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM audit_events"), 3);
    // the line writes the cutoff as tables write times (whole seconds, Z)
    let line = cli(&db)
        .args(["audit", "prune", "--older-than", "30d", "--dry-run"])
        .run();
    let cutoff = chrono::DateTime::parse_from_rfc3339(dry["cutoff"].as_str().unwrap()).unwrap();
    let (head, tail) = line.stdout.split_once(" recorded before ").unwrap();
    assert_eq!(head, "would delete 2 audit events", "{}", line.stdout);
    let shown = chrono::NaiveDateTime::parse_from_str(tail, "%Y-%m-%d %H:%M:%SZ (dry run)\n")
        .unwrap_or_else(|e| panic!("{e}: {}", line.stdout));
    assert!(
        (shown - cutoff.naive_utc()).num_seconds().abs() < 60,
        "{}",
        line.stdout
    );
    let done = cli(&db)
        .args(["--actor", "ada", "audit", "prune", "--older-than", "30d"])
        .json();
    assert_eq!(done["deleted"], 2);
    let list = events(&db, &[]);
    assert_eq!(
        list.iter()
            .map(|e| (e.command.as_str(), e.actor.as_str()))
            .collect::<Vec<_>>(),
        [
            ("audit prune", "ada"),
            ("org create", list[1].actor.as_str())
        ]
    );
    assert_eq!(list[0].details["deleted"], 2);
    let again = cli(&db)
        .args(["audit", "prune", "--older-than", "30d"])
        .json();
    assert_eq!(again["deleted"], 0);
    cli(&db).args(["audit", "prune"]).run().code(2);
}

/// `tokens create` records the same event whether the device is named by UUID (the token
/// and its event in one flight) or by ORG:WORKER_ID (looked up first).
#[test]
fn tokens_create_records_the_same_event_by_uuid_or_worker_id() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    let reg = register_mbp_1(&db, &[]);
    let device = reg["device_id"].as_str().unwrap().to_string();
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    for named in [device.as_str(), "acme:mbp-1"] {
        let created = cli(&db)
            .args(["--actor", "ada", "tokens", "create", "--device", named])
            .args(["--expires-in", "30d"])
            .json();
        let e = &events(&db, &["--limit", "1"])[0];
        assert_eq!(
            (e.command.as_str(), e.actor.as_str(), e.outcome.as_str()),
            ("tokens create", "ada", "created"),
            "{named}"
        );
        assert_eq!(e.org_id.as_deref(), Some("acme"), "{named}");
        let target = e.target.as_ref().unwrap();
        assert_eq!(
            (target.kind.as_str(), &target.id),
            ("token", &created["id"].as_str().unwrap().to_string())
        );
        assert_eq!(e.details["device_id"].as_str(), Some(device.as_str()));
        assert_eq!(e.details["prefix"], created["prefix"]);
        assert_eq!(
            at(&e.details["expires_at"]),
            at(&created["expires_at"]),
            "{named}"
        );
        assert!(e.details["expires_at"].as_str().unwrap().ends_with('Z'));
    }
}

/// `register-device` of u1's Mac `mbp-1` in `acme` through the CLI (so that it records its
/// audit event), with `extra` arguments; its JSON.
fn register_mbp_1(db: &TestDb, extra: &[&str]) -> Value {
    cli(db)
        .args([
            "register-device",
            "--org",
            "acme",
            "--user",
            "u1",
            "--worker-id",
            "mbp-1",
            "--platform",
            "macos",
        ])
        .args(extra)
        .json()
}

/// An operator cannot pass for a device (`device:` is reserved for token-authenticated
/// triggers) nor hide text in an actor with format characters (U+202E reverses what a
/// terminal shows after it, U+200B and U+FEFF are invisible): exit 2 from `--actor` and
/// `LOBU_ACTOR`, nothing written.
#[test]
fn an_actor_cannot_forge_a_device_or_hide_characters() {
    let db = TestDb::new();
    let forged = "device:00000000-0000-4000-8000-000000000000";
    for bad in [
        forged,
        " DEVICE:ops",
        "ada\u{202e}toor",
        "a\u{200b}da",
        "\u{feff}ada",
        "ada\u{2028}root",
    ] {
        let r = cli(&db).args(["--actor", bad, "org", "create", "x"]).run();
        r.code(2);
        assert!(r.stderr.contains("invalid actor"), "{}", r.stderr);
        let r = cli(&db)
            .env("LOBU_ACTOR", bad)
            .args(["org", "create", "x"])
            .run();
        r.code(2);
        assert!(r.stderr.contains("LOBU_ACTOR"), "{}", r.stderr);
    }
    let r = cli(&db)
        .args(["--actor", forged, "org", "create", "x"])
        .run();
    assert!(r.stderr.contains("reserved"), "{}", r.stderr);
    let r = cli(&db)
        .args(["--actor", "a\u{200b}da", "org", "create", "x"])
        .run();
    assert!(r.stderr.contains("U+200B"), "{}", r.stderr);
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM organizations"), 0);
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM audit_events"), 0);
    // a name that merely mentions a device is fine
    cli(&db)
        .args(["--actor", "ada (device: mbp-1)", "org", "create", "x"])
        .run()
        .code(0);
}

/// `LOBU_ACTOR=` (set but blank, or invalid) fails the commands that record a change,
/// naming the variable, as `DATABASE_URL=` does; read-only commands never read it.
#[test]
fn a_blank_lobu_actor_fails_only_commands_that_record_a_change() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    for blank in ["", "  ", "a\u{1b}b"] {
        for read in [
            &["org", "list"][..],
            &["audit", "list"],
            &["runs", "list"],
            &["watchers", "list", "--org", "acme"],
        ] {
            cli(&db).env("LOBU_ACTOR", blank).args(read).run().code(0);
        }
        let r = cli(&db)
            .env("LOBU_ACTOR", blank)
            .args(["org", "update", "acme", "--name", "Acme"])
            .run();
        r.code(2);
        assert!(r.stderr.contains("LOBU_ACTOR"), "{}", r.stderr);
    }
    let r = cli(&db)
        .env("LOBU_ACTOR", "")
        .args(["org", "create", "x"])
        .run();
    assert!(
        r.stderr.contains("LOBU_ACTOR is set but blank"),
        "{}",
        r.stderr
    );
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM organizations"), 1);
    // --actor wins over a blank variable
    cli(&db)
        .env("LOBU_ACTOR", "")
        .args(["--actor", "ada", "org", "create", "x"])
        .run()
        .code(0);
}

/// `--since` that looks like a time is judged as one: the message says which part is
/// wrong and the forms accepted, never "invalid duration".
#[test]
fn a_since_that_looks_like_a_time_is_a_bad_time() {
    let db = TestDb::new();
    for bad in ["2026-13-01T00:00:00Z", "2026-13-01", "2026-02-30T00:00:00Z"] {
        let r = cli(&db).args(["audit", "list", "--since", bad]).run();
        r.code(2);
        assert!(
            r.stderr.contains("invalid time")
                && r.stderr.contains("RFC 3339")
                && r.stderr.contains("7d")
                && !r.stderr.contains("invalid duration"),
            "{}",
            r.stderr
        );
    }
    let r = cli(&db).args(["audit", "list", "--since", "7x"]).run();
    r.code(2);
    assert!(r.stderr.contains("invalid duration"), "{}", r.stderr);
    cli(&db)
        .args(["audit", "list", "--since", "2026-01-01T00:00:00Z"])
        .run()
        .code(0);
}
