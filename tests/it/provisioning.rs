//! Sticky default provisioning: every row of both outcome tables of SPEC 3, stickiness,
//! and races.

use serde_json::Value;

use crate::support::{cli, TestDb};

fn provision(db: &TestDb, org: &str) -> Value {
    cli(db).args(["provision-agent", "--org", org]).json()
}

fn metadata(db: &TestDb, org: &str) -> Value {
    cli(db).args(["org", "show", org]).json()["metadata"].clone()
}

fn agents(db: &TestDb, org: &str) -> Vec<String> {
    cli(db)
        .args(["agents", "list", "--org", org])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

fn register(db: &TestDb, org: &str, worker: &str, platform: &str) -> Value {
    cli(db)
        .args([
            "register-device",
            "--org",
            org,
            "--user",
            "u1",
            "--worker-id",
            worker,
        ])
        .args(["--platform", platform, "--timezone", "America/New_York"])
        .json()
}

fn watchers(db: &TestDb, org: &str) -> Vec<Value> {
    cli(db)
        .args(["watchers", "list", "--org", org, "--status", "all"])
        .json()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn provision_agent_created_then_existing() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    let r = provision(&db, "acme");
    assert_eq!(
        r,
        serde_json::json!({"org_id": "acme", "agent_id": "owletto-default", "outcome": "created"})
    );
    assert_eq!(agents(&db, "acme"), ["owletto-default"]);
    let stamp = metadata(&db, "acme")["default_agent_provisioned"].clone();
    assert!(stamp.as_str().unwrap().starts_with("20"), "{stamp}");
    let again = provision(&db, "acme");
    assert_eq!(again["outcome"], "existing");
    assert_eq!(agents(&db, "acme"), ["owletto-default"]);
    assert_eq!(metadata(&db, "acme")["default_agent_provisioned"], stamp);
}

#[test]
fn deleted_default_agent_stays_deleted() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    let stamp = metadata(&db, "acme")["default_agent_provisioned"].clone();
    cli(&db)
        .args(["agents", "delete", "--org", "acme", "owletto-default"])
        .run()
        .code(0);
    let r = provision(&db, "acme");
    assert_eq!(r["outcome"], "suppressed");
    assert_eq!(r["agent_id"], Value::Null);
    assert!(agents(&db, "acme").is_empty());
    assert_eq!(metadata(&db, "acme")["default_agent_provisioned"], stamp);
}

#[test]
fn org_with_other_agents_is_skipped_and_stamped() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    db.client()
        .batch_execute("INSERT INTO agents (org_id, id, name) VALUES ('acme', 'mine', 'Mine')")
        .unwrap();
    let r = provision(&db, "acme");
    assert_eq!(r["outcome"], "skipped_has_agents");
    assert_eq!(agents(&db, "acme"), ["mine"]);
    assert!(metadata(&db, "acme")["default_agent_provisioned"].is_string());
    // stamped: later calls never create it, even once the other agent is gone
    cli(&db)
        .args(["agents", "delete", "--org", "acme", "mine"])
        .run()
        .code(0);
    assert_eq!(provision(&db, "acme")["outcome"], "suppressed");
    assert!(agents(&db, "acme").is_empty());
}

#[test]
fn unknown_org_is_not_found_and_bad_org_is_invalid() {
    let db = TestDb::new();
    cli(&db)
        .args(["provision-agent", "--org", "nope"])
        .run()
        .code(3);
    cli(&db)
        .args(["provision-agent", "--org", "No Pe"])
        .run()
        .code(2);
}

#[test]
fn other_metadata_keys_survive_provisioning() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    db.client()
        .batch_execute(r#"UPDATE organizations SET metadata = '{"plan": "pro", "n": 3}'"#)
        .unwrap();
    provision(&db, "acme");
    register(&db, "acme", "mbp", "macos");
    let m = metadata(&db, "acme");
    assert_eq!(m["plan"], "pro");
    assert_eq!(m["n"], 3);
    assert!(m["default_agent_provisioned"].is_string());
    assert!(m["default_watcher_provisioned"].is_string());
}

#[test]
fn first_mac_gets_the_daily_checkin() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    let r = register(&db, "acme", "mbp", "MACOS");
    assert_eq!(r["created"], true);
    assert_eq!(r["platform"], "macos");
    assert_eq!(r["default_watcher"]["outcome"], "created");
    let id = r["default_watcher"]["watcher_id"].as_i64().unwrap();
    let w = cli(&db).args(["watchers", "show", &id.to_string()]).json();
    assert_eq!(w["slug"], "daily-checkin");
    assert_eq!(w["name"], "Daily check-in");
    assert_eq!(w["schedule"], "0 9 * * *");
    assert_eq!(w["timezone"], "America/New_York");
    assert_eq!(w["min_cooldown_seconds"], 3600);
    assert_eq!(w["agent_id"], "owletto-default");
    assert_eq!(w["device_id"], r["device_id"]);
    assert_eq!(
        w["extraction_schema"],
        serde_json::json!({"type":"object","properties":{"summary":{"type":"string"}}})
    );
    // next run: 09:00 New York time
    assert!(
        w["next_run_local"]
            .as_str()
            .unwrap()
            .contains("T09:00:00-0"),
        "{w}"
    );
    assert!(metadata(&db, "acme")["default_watcher_provisioned"].is_string());
}

#[test]
fn second_mac_sees_existing_and_re_registration_is_not_first() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    let first = register(&db, "acme", "mbp", "macos");
    let id = first["default_watcher"]["watcher_id"].clone();
    let second = register(&db, "acme", "imac", "macos");
    assert_eq!(
        second["default_watcher"],
        serde_json::json!({"outcome": "existing", "watcher_id": id})
    );
    let again = register(&db, "acme", "mbp", "macos");
    assert_eq!(again["created"], false);
    assert_eq!(again["device_id"], first["device_id"]);
    assert_eq!(
        again["default_watcher"]["outcome"],
        "not_first_registration"
    );
    assert_eq!(watchers(&db, "acme").len(), 1);
}

#[test]
fn deleted_or_archived_default_watcher_is_suppressed() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    let first = register(&db, "acme", "mbp", "macos");
    let id = first["default_watcher"]["watcher_id"]
        .as_i64()
        .unwrap()
        .to_string();
    cli(&db).args(["watchers", "archive", &id]).run().code(0);
    let r = register(&db, "acme", "imac", "macos");
    assert_eq!(
        r["default_watcher"],
        serde_json::json!({"outcome": "suppressed", "watcher_id": null})
    );
    db.client().batch_execute("DELETE FROM watchers").unwrap();
    let r = register(&db, "acme", "mini", "macos");
    assert_eq!(r["default_watcher"]["outcome"], "suppressed");
    assert!(watchers(&db, "acme").is_empty());
}

#[test]
fn taken_slug_is_skipped_and_stamped() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    cli(&db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "Mine",
            "--slug",
            "daily-checkin",
        ])
        .args([
            "--schedule",
            "@hourly",
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ])
        .run()
        .code(0);
    let r = register(&db, "acme", "mbp", "macos");
    assert_eq!(
        r["default_watcher"],
        serde_json::json!({"outcome": "skipped_slug_taken", "watcher_id": null})
    );
    assert_eq!(watchers(&db, "acme").len(), 1);
    assert!(metadata(&db, "acme")["default_watcher_provisioned"].is_string());
}

#[test]
fn org_without_agents_is_skipped_no_agent_and_stamped() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    cli(&db)
        .args(["agents", "delete", "--org", "acme", "owletto-default"])
        .run()
        .code(0);
    let r = register(&db, "acme", "mbp", "macos");
    assert_eq!(r["default_watcher"]["outcome"], "skipped_no_agent");
    assert!(watchers(&db, "acme").is_empty());
    assert!(metadata(&db, "acme")["default_watcher_provisioned"].is_string());
}

#[test]
fn oldest_agent_is_used_when_the_default_is_gone() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    db.client()
        .batch_execute(
            "INSERT INTO agents (org_id, id, name, created_at) VALUES
               ('acme', 'young', 'Young', now()),
               ('acme', 'old', 'Old', now() - interval '1 day');
             DELETE FROM agents WHERE id = 'owletto-default'",
        )
        .unwrap();
    let r = register(&db, "acme", "mbp", "macos");
    let id = r["default_watcher"]["watcher_id"]
        .as_i64()
        .unwrap()
        .to_string();
    assert_eq!(
        cli(&db).args(["watchers", "show", &id]).json()["agent_id"],
        "old"
    );
}

#[test]
fn non_mac_is_not_eligible_and_leaves_the_sentinel_alone() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    provision(&db, "acme");
    for p in ["ios", "android", "windows", "linux", "Chrome-Extension"] {
        let r = register(&db, "acme", &format!("w-{p}"), p);
        assert_eq!(r["default_watcher"]["outcome"], "not_eligible", "{p}");
    }
    assert!(metadata(&db, "acme")
        .get("default_watcher_provisioned")
        .is_none());
    // a Mac afterwards still gets it
    assert_eq!(
        register(&db, "acme", "mbp", "macos")["default_watcher"]["outcome"],
        "created"
    );
}

#[test]
fn mac_in_unbootstrapped_org_is_not_bootstrapped() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run();
    let r = register(&db, "acme", "mbp", "macos");
    assert_eq!(r["default_watcher"]["outcome"], "not_bootstrapped");
    assert!(metadata(&db, "acme")
        .get("default_watcher_provisioned")
        .is_none());
    assert!(watchers(&db, "acme").is_empty());
}

fn parallel(n: usize, f: impl Fn(usize) -> crate::support::cli::Run + Sync) -> Vec<Value> {
    crate::support::parallel(n, f)
        .into_iter()
        .map(|r| {
            r.code(0);
            r.json()
        })
        .collect()
}

#[test]
fn sixteen_concurrent_provisions_create_one_agent() {
    sixteen_provisions(&TestDb::new());
}

/// 16 concurrent provision-agent processes create one agent (also run over TLS and through PgBouncer).
pub(crate) fn sixteen_provisions(db: &TestDb) {
    cli(db).args(["org", "create", "acme"]).run();
    let results = parallel(16, |_| {
        cli(db)
            .args(["-o", "json", "provision-agent", "--org", "acme"])
            .run()
    });
    let created = results.iter().filter(|r| r["outcome"] == "created").count();
    let existing = results
        .iter()
        .filter(|r| r["outcome"] == "existing")
        .count();
    assert_eq!((created, existing), (1, 15));
    assert_eq!(agents(db, "acme"), ["owletto-default"]);
}

#[test]
fn sixteen_concurrent_first_macs_create_one_watcher() {
    sixteen_first_macs(&TestDb::new());
}

/// 16 concurrent first Macs create one watcher (also run over TLS and through PgBouncer).
pub(crate) fn sixteen_first_macs(db: &TestDb) {
    cli(db).args(["org", "create", "acme"]).run();
    provision(db, "acme");
    let results = parallel(16, |i| {
        cli(db)
            .args([
                "-o",
                "json",
                "register-device",
                "--org",
                "acme",
                "--user",
                "u",
            ])
            .args(["--worker-id", &format!("mac-{i}"), "--platform", "macos"])
            .run()
    });
    let outcomes: Vec<&str> = results
        .iter()
        .map(|r| r["default_watcher"]["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "created").count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes.iter().filter(|o| **o == "existing").count(),
        15,
        "{outcomes:?}"
    );
    assert_eq!(watchers(db, "acme").len(), 1);
}

/// `watchers create --slug daily-checkin` in flight while a first Mac registers: the
/// registration decides `created`, then its insert meets the other's uncommitted slug. When
/// that commits, the registration's outcome is `skipped_slug_taken`; when it rolls back,
/// `created`. Never a conflict error (deterministic: the test holds the create open until
/// the registration waits on it).
#[test]
fn watchers_create_racing_a_first_mac_leaves_a_documented_outcome() {
    let db = TestDb::new();
    for (i, commit) in [true, false].into_iter().enumerate() {
        let org = format!("race{i}");
        cli(&db).args(["org", "create", &org]).run().code(0);
        provision(&db, &org);
        let mut holder = db.client();
        let mut tx = holder.transaction().unwrap();
        tx.execute(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, created_by)
             VALUES ($1, 'daily-checkin', 'Mine', 'p', '@daily', 'owletto-default', 'admin')",
            &[&org],
        )
        .unwrap();
        let reg = std::thread::scope(|s| {
            let reg = s.spawn(|| {
                cli(&db)
                    .args([
                        "-o",
                        "json",
                        "register-device",
                        "--org",
                        &org,
                        "--user",
                        "u",
                    ])
                    .args(["--worker-id", "mac", "--platform", "macos"])
                    .run()
            });
            crate::support::until_a_session_waits_on_a_lock(&mut db.client(), &db.name);
            if commit {
                tx.commit().unwrap();
            } else {
                tx.rollback().unwrap();
            }
            reg.join().unwrap()
        });
        reg.code(0);
        let v = reg.json();
        let expected = if commit {
            "skipped_slug_taken"
        } else {
            "created"
        };
        assert_eq!(v["default_watcher"]["outcome"], expected, "{v}");
        let live = watchers(&db, &org);
        assert_eq!(live.len(), 1, "{live:?}");
        assert_eq!(
            live[0]["name"],
            if commit { "Mine" } else { "Daily check-in" }
        );
        assert!(metadata(&db, &org)["default_watcher_provisioned"].is_string());
    }
}
