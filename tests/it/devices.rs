//! Devices and tokens (SPEC 4).

use crate::support::{cli, mac_org, s, TestDb};

fn reg(db: &TestDb) -> crate::support::cli::Cli {
    cli(db).args([
        "register-device",
        "--org",
        "acme",
        "--user",
        "u1",
        "--worker-id",
        "w1",
    ])
}

#[test]
fn re_registration_updates_details_but_not_platform() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    let first = reg(&db)
        .args(["--platform", "linux", "--name", "Box"])
        .json();
    assert_eq!(first["created"], true);
    let id = s(&first, "device_id");
    let shown = cli(&db).args(["devices", "show", &id]).json();
    assert_eq!(shown["timezone"], "UTC");
    let again = reg(&db)
        .args([
            "--platform",
            "LINUX",
            "--name",
            "Box 2",
            "--timezone",
            "Asia/Tokyo",
        ])
        .args(["--app-version", "2.0"])
        .json();
    assert_eq!(again["created"], false);
    assert_eq!(s(&again, "device_id"), id);
    let shown2 = cli(&db).args(["devices", "show", &id]).json();
    assert_eq!(shown2["name"], "Box 2");
    assert_eq!(shown2["timezone"], "Asia/Tokyo");
    assert_eq!(shown2["app_version"], "2.0");
    assert!(s(&shown2, "last_seen_at") > s(&shown, "last_seen_at"));
    let r = reg(&db)
        .args(["--platform", "windows", "--name", "Evil"])
        .run();
    r.code(5);
    assert!(
        r.stderr.contains("cannot change to windows"),
        "{}",
        r.stderr
    );
    assert_eq!(
        cli(&db).args(["devices", "show", &id]).json()["name"],
        "Box 2"
    );
}

#[test]
fn invalid_registration_input_exits_2() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    reg(&db).args(["--platform", "beos"]).run().code(2);
    reg(&db)
        .args(["--platform", "macos", "--timezone", "Mars/Olympus"])
        .run()
        .code(2);
    reg(&db)
        .args(["--platform", "macos", "--name", "   "])
        .run()
        .code(2);
    cli(&db)
        .args([
            "register-device",
            "--org",
            "acme",
            "--user",
            "",
            "--worker-id",
            "w",
        ])
        .args(["--platform", "macos"])
        .run()
        .code(2);
    cli(&db)
        .args([
            "register-device",
            "--org",
            "nope",
            "--user",
            "u",
            "--worker-id",
            "w",
        ])
        .args(["--platform", "macos"])
        .run()
        .code(3);
    let n: i64 = db.scalar("SELECT count(*) FROM devices");
    assert_eq!(n, 0);
}

#[test]
fn tokens_are_shown_once_and_stored_hashed() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    let r = reg(&db)
        .args([
            "--platform",
            "macos",
            "--issue-token",
            "--expires-in",
            "30d",
        ])
        .json();
    let token = s(&r["token"], "token");
    assert!(
        token.starts_with("lobu_dev_") && token.len() >= 9 + 32,
        "{token}"
    );
    assert_eq!(
        r["token"]["scopes"],
        serde_json::json!(["device_worker:run"])
    );
    assert!(r["token"]["expires_at"].is_string());
    let id = s(&r, "device_id");
    let extra = cli(&db).args(["tokens", "create", "--device", &id]).json();
    assert_ne!(s(&extra, "token"), token);
    // the plaintext is nowhere in the database
    let dump: String = db.scalar("SELECT string_agg(t::text, ' ') FROM device_tokens t");
    assert!(!dump.contains(&token) && !dump.contains(&s(&extra, "token")));
    assert!(!dump.contains(&token[20..]));
    let list = cli(&db).args(["tokens", "list", "--device", &id]);
    let out = list.args(["-o", "json"]).run();
    out.code(0);
    assert!(!out.stdout.contains(&token) && !out.stdout.contains(&token[20..]));
    assert_eq!(out.json().as_array().unwrap().len(), 2);
    let table = cli(&db).args(["tokens", "list", "--device", &id]).run();
    assert!(!table.stdout.contains(&token[20..]));
}

#[test]
fn revoked_and_expired_tokens_are_rejected() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run()
        .code(0);
    let token_id: String = db.scalar("SELECT id::text FROM device_tokens");
    cli(&db).args(["tokens", "revoke", &token_id]).run().code(0);
    let r = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run();
    r.code(4);
    assert_eq!(r.stderr, "error: device token has been revoked\n");
    let t2 = cli(&db)
        .args(["tokens", "create", "--device", &dev.id.to_string()])
        .json();
    db.client()
        .batch_execute("UPDATE device_tokens SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL")
        .unwrap();
    let r = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&s(&t2, "token"))
        .run();
    r.code(4);
    assert_eq!(r.stderr, "error: device token has expired\n");
    db.client()
        .batch_execute("UPDATE device_tokens SET expires_at = NULL, scopes = '{other}' WHERE revoked_at IS NULL")
        .unwrap();
    let r = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&s(&t2, "token"))
        .run();
    r.code(4);
    assert!(r.stderr.contains("scope"));
    cli(&db)
        .args(["tokens", "revoke", "00000000-0000-0000-0000-000000000000"])
        .run()
        .code(3);
    cli(&db).args(["tokens", "revoke", "abc"]).run().code(2);
}

#[test]
fn deleting_a_device_unpins_pauses_and_cancels() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let run = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .json();
    let r = cli(&db)
        .args(["devices", "delete", &dev.id.to_string()])
        .json();
    assert_eq!(
        r,
        serde_json::json!({"device_id": dev.id, "watchers_unpinned": 1, "runs_cancelled": 1})
    );
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    assert_eq!(shown["status"], "paused");
    assert_eq!(shown["device_id"], serde_json::Value::Null);
    assert_eq!(shown["paused_reason"], format!("device {} deleted", dev.id));
    assert_eq!(shown["recent_runs"][0]["id"], run["run_id"]);
    assert_eq!(shown["recent_runs"][0]["status"], "cancelled");
    cli(&db)
        .args(["devices", "show", &dev.id.to_string()])
        .run()
        .code(3);
    cli(&db)
        .args(["devices", "delete", &dev.id.to_string()])
        .run()
        .code(3);
    let tokens: i64 = db.scalar("SELECT count(*) FROM device_tokens");
    assert_eq!(tokens, 0);
    let list = cli(&db).args(["devices", "list", "--org", "acme"]).json();
    assert_eq!(list, serde_json::json!([]));
}
