//! Devices named by ORG:WORKER_ID, token rotation with grace, runs show and cancel --reason.

use crate::support::{cli, mac_org, TestDb};

#[test]
fn a_device_is_named_by_uuid_or_org_and_worker_id() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let id = dev.id.to_string();
    let by_key = cli(&db).args(["devices", "show", "acme:mbp"]).json();
    assert_eq!(by_key["id"], id.as_str());
    let tokens = cli(&db)
        .args(["tokens", "list", "--device", "acme:mbp"])
        .json();
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    let listed = cli(&db)
        .args(["watchers", "list", "--org", "acme", "--device", "acme:mbp"])
        .json();
    assert_eq!(listed[0]["id"], dev.watcher.unwrap());
    let w = cli(&db)
        .args([
            "watchers", "create", "--org", "acme", "--name", "Weekly", "--device", "acme:mbp",
        ])
        .args([
            "--schedule",
            "0 8 * * 1",
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ])
        .json();
    assert_eq!(w["device_id"], id.as_str());
    let u = cli(&db)
        .args(["watchers", "update", &w["id"].to_string(), "--unpin"])
        .json();
    assert!(u["device_id"].is_null());
    let u = cli(&db)
        .args([
            "watchers",
            "update",
            &w["id"].to_string(),
            "--device",
            "acme:mbp",
        ])
        .json();
    assert_eq!(u["device_id"], id.as_str());
    cli(&db)
        .args(["tokens", "create", "--device", "acme:mbp"])
        .run()
        .code(0);
    // unknown: exit 3; malformed: exit 2 before connecting
    cli(&db)
        .args(["devices", "show", "acme:nope"])
        .run()
        .code(3);
    cli(&db)
        .args(["devices", "show", "ghost:mbp"])
        .run()
        .code(3);
    for bad in ["mbp", "Acme:mbp", "acme:", ":mbp"] {
        let r = cli(&db).args(["devices", "show", bad]).run();
        r.code(2);
        assert!(r.stderr.contains("invalid"), "{bad}: {}", r.stderr);
    }
    // two users' devices share a worker id: exit 5 listing both
    let mut c = db.client();
    let other = lobu_admin::db::in_tx(&mut c, |tx, now| {
        lobu_admin::devices::register(
            tx,
            &lobu_admin::devices::RegisterDevice {
                org_id: "acme".into(),
                user_id: "u2".into(),
                worker_key: "mbp".into(),
                platform: lobu_admin::devices::Platform::Linux,
                name: None,
                timezone: None,
                app_version: None,
                issue_token: false,
                token_expires_in: None,
                token_value: None,
            },
            now,
        )
    })
    .unwrap();
    for args in [
        &["devices", "show", "acme:mbp"][..],
        &["devices", "delete", "acme:mbp"],
        &["tokens", "list", "--device", "acme:mbp"],
        &["tokens", "create", "--device", "acme:mbp"],
    ] {
        let r = cli(&db).args(args).run();
        r.code(5);
        assert!(
            r.stderr.contains("ambiguous")
                && r.stderr.contains(&id)
                && r.stderr.contains(&other.device_id.to_string()),
            "{}",
            r.stderr
        );
    }
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM devices"), 2);
    let tokens = db.scalar::<i64>("SELECT count(*) FROM device_tokens");
    let audited = db.scalar::<i64>("SELECT count(*) FROM audit_events");
    let r = cli(&db)
        .args(["tokens", "create", "--device", "acme:mbp"])
        .run();
    r.code(5);
    assert_eq!(
        (
            db.scalar::<i64>("SELECT count(*) FROM device_tokens"),
            db.scalar::<i64>("SELECT count(*) FROM audit_events")
        ),
        (tokens, audited),
        "an ambiguous device gets no token and no event"
    );
    let d = cli(&db).args(["devices", "delete", &id]).json();
    assert_eq!(d["device_id"], id.as_str());
    let d = cli(&db).args(["devices", "delete", "acme:mbp"]).json();
    assert_eq!(d["device_id"], other.device_id.to_string());
}

#[test]
fn tokens_rotate_revokes_or_grants_grace_clamped_and_said() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    // a second live token that expires in 10 minutes, and a revoked one
    let short = cli(&db)
        .args([
            "tokens",
            "create",
            "--device",
            "acme:mbp",
            "--expires-in",
            "10m",
        ])
        .json();
    let gone = cli(&db)
        .args(["tokens", "create", "--device", "acme:mbp"])
        .json();
    cli(&db)
        .args(["tokens", "revoke", gone["id"].as_str().unwrap()])
        .run()
        .code(0);
    let r = cli(&db)
        .args(["-o", "json", "tokens", "rotate", "--device", "acme:mbp"])
        .args(["--grace", "1h", "--expires-in", "90d"])
        .run();
    r.code(0);
    let v = r.json();
    assert_eq!(v["retired"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["grace_clamped"], 1,
        "the 10-minute token keeps its expiry"
    );
    assert!(
        r.stderr.contains("grace_clamped"),
        "said on stderr: {}",
        r.stderr
    );
    let new = v["token"].as_str().unwrap().to_string();
    assert!(new.starts_with("lobu_dev_") && v["expires_at"].is_string());
    // during the grace both the old and the new token work
    let w = dev.watcher.unwrap().to_string();
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run()
        .code(0);
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&new)
        .run()
        .code(0);
    let short_exp: String = db.scalar(&format!(
        "SELECT expires_at::text FROM device_tokens WHERE id = '{}'",
        short["id"].as_str().unwrap()
    ));
    let old_exp: String = db.scalar(&format!(
        "SELECT expires_at::text FROM device_tokens WHERE token_hash = encode(sha256('{}'::bytea), 'hex')",
        dev.token
    ));
    assert!(short_exp < old_exp, "{short_exp} < {old_exp}");
    // without --grace the others are revoked at once
    let table = cli(&db)
        .args(["tokens", "rotate", "--device", &dev.id.to_string()])
        .run();
    table.code(0);
    assert!(
        table.stdout.contains("3 other token(s) revoked"),
        "{}",
        table.stdout
    );
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&new)
        .run()
        .code(4);
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run()
        .code(4);
    // the audit trail names the tokens by id and prefix, never the value
    let e = &cli(&db)
        .args(["audit", "list", "--command", "tokens rotate"])
        .json()[1];
    assert_eq!(e["org_id"], "acme");
    assert_eq!(e["details"]["grace_clamped"], 1);
    assert!(!e.to_string().contains(&new[9..]));
    cli(&db)
        .args(["tokens", "rotate", "--device", "acme:ghost"])
        .run()
        .code(3);
    cli(&db)
        .args(["tokens", "rotate", "--device", "acme:mbp", "--grace", "0s"])
        .run()
        .code(2);
}

#[test]
fn runs_show_prints_output_error_heartbeat_and_slug_and_cancel_records_why() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let t = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .json();
    let run = t["run_id"].to_string();
    let shown = cli(&db).args(["runs", "show", &run]).json();
    assert_eq!(shown["watcher_slug"], "daily-checkin");
    for field in ["output", "error", "heartbeat_at", "status", "queued_at"] {
        assert!(shown.get(field).is_some(), "{field}: {shown}");
    }
    let c = cli(&db)
        .args([
            "--actor",
            "ada",
            "runs",
            "cancel",
            &run,
            "--reason",
            "wrong prompt",
        ])
        .json();
    assert_eq!(c["error"], "cancelled by ada: wrong prompt");
    let shown = cli(&db).args(["runs", "show", &run]).json();
    assert_eq!(shown["status"], "cancelled");
    assert_eq!(shown["error"], "cancelled by ada: wrong prompt");
    let e = &cli(&db).args(["audit", "list", "--limit", "1"]).json()[0];
    assert_eq!(e["command"], "runs cancel");
    assert_eq!(e["details"]["reason"], "wrong prompt");
    cli(&db).args(["runs", "show", "999999"]).run().code(3);
    cli(&db)
        .args(["runs", "cancel", &run, "--reason", ""])
        .run()
        .code(2);
    let table = cli(&db).args(["runs", "show", &run]).run();
    table.code(0);
    assert!(table.stdout.contains("daily-checkin"), "{}", table.stdout);
}

/// `last_seen_at` moves with every command a device's token authenticates, at most once a
/// minute, in the authentication's own statement (no round trip of its own: the counts of
/// `one_shot_commands_cost_one_round_trip_per_statement` stand).
#[test]
fn last_seen_moves_with_token_commands_at_most_once_a_minute() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let age = |db: &TestDb| -> f64 {
        db.scalar(&format!(
            "SELECT extract(epoch FROM now() - last_seen_at)::float8 FROM devices WHERE id = '{}'",
            dev.id
        ))
    };
    let back = |secs: i64| {
        db.client()
            .batch_execute(&format!(
                "UPDATE devices SET last_seen_at = now() - interval '{secs} seconds'"
            ))
            .unwrap();
    };
    let steps: [(&[&str], i32); 5] = [
        (&["watchers", "trigger", &w], 0),
        (&["runs", "claim"], 0),
        (&["runs", "heartbeat", "RUN"], 0),
        (&["runs", "complete", "RUN"], 0),
        (&["runs", "fail", "RUN", "--error", "x"], 5),
    ];
    let mut run_id = String::new();
    for (args, code) in steps {
        back(600);
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "RUN" {
                    run_id.clone()
                } else {
                    (*a).to_string()
                }
            })
            .collect();
        let r = cli(&db)
            .args(&args)
            .args(["-o", "json"])
            .token(&dev.token)
            .run();
        r.code(code);
        if args[0] == "watchers" {
            run_id = r.json()["run_id"].to_string();
        }
        if code == 0 {
            assert!(age(&db) < 60.0, "{args:?} moved last_seen_at");
        }
    }
    // within the minute: not moved again
    back(30);
    cli(&db)
        .args(["runs", "claim"])
        .token(&dev.token)
        .run()
        .code(0);
    assert!(age(&db) >= 30.0, "rate-limited to once a minute");
    // a revoked token moves nothing
    back(600);
    let t = cli(&db)
        .args(["tokens", "list", "--device", "acme:mbp"])
        .json();
    cli(&db)
        .args(["tokens", "revoke", t[0]["id"].as_str().unwrap()])
        .run()
        .code(0);
    cli(&db)
        .args(["runs", "claim"])
        .token(&dev.token)
        .run()
        .code(4);
    assert!(age(&db) >= 600.0);
    let listed = cli(&db).args(["devices", "list", "--org", "acme"]).run();
    assert!(listed.stdout.contains("10m ago"), "{}", listed.stdout);
}
