//! The whole CLI flow on one database, for every production set-up (TLS, poolers,
//! least-privilege roles): each step through the CLI at `db.url`, checks direct.

use serde_json::Value;

use super::{cli, s, TestDb};

/// migrate (unless `migrated`), provision, register, list, trigger twice, dispatch,
/// claim/heartbeat/complete, seed, delete a device.
pub fn whole_flow(db: &TestDb) {
    cli(db).args(["migrate"]).run().code(0);
    rest_of_flow(db);
}

/// The flow on a migrated database.
pub fn rest_of_flow(db: &TestDb) {
    cli(db).args(["org", "create", "flow"]).run().code(0);
    let p = cli(db).args(["provision-agent", "--org", "flow"]).json();
    assert_eq!(p["outcome"], "created");
    let reg = cli(db)
        .args(["register-device", "--org", "flow", "--user", "ada"])
        .args(["--worker-id", "mbp", "--platform", "macOS", "--issue-token"])
        .args(["--timezone", "Europe/Berlin"])
        .json();
    assert_eq!(reg["default_watcher"]["outcome"], "created");
    let token = s(&reg["token"], "token");
    let w = reg["default_watcher"]["watcher_id"].to_string();
    let list = cli(db).args(["watchers", "list", "--org", "flow"]).json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    let first = cli(db)
        .args(["watchers", "trigger", &w])
        .token(&token)
        .json();
    let again = cli(db)
        .args(["watchers", "trigger", &w])
        .token(&token)
        .json();
    assert_eq!(
        (&first["already_queued"], &again["already_queued"]),
        (&Value::Bool(false), &Value::Bool(true))
    );
    assert_eq!(first["run_id"], again["run_id"]);

    let claimed = cli(db).args(["runs", "claim"]).token(&token).json();
    let run = claimed[0]["id"].to_string();
    assert_eq!(run, first["run_id"].to_string());
    cli(db)
        .args(["runs", "heartbeat", &run])
        .token(&token)
        .json();
    let done = cli(db)
        .args(["runs", "complete", &run, "--result", r#"{"summary":"ok"}"#])
        .token(&token)
        .json();
    assert_eq!(s(&done, "status"), "completed", "{done}");

    // the next 09:00 Berlin slot is queued by dispatch; without a cool-down, which would
    // skip it when the tests run within the hour before it (08:00-09:00 in Berlin), since
    // the manual run above was queued less than an hour before it
    db.client()
        .execute(
            "UPDATE watchers SET min_cooldown_seconds = 0 WHERE id = $1",
            &[&w.parse::<i64>().unwrap()],
        )
        .unwrap();
    let tick = cli(db)
        .args(["dispatch", "--now", "2099-01-02T08:30:00Z"])
        .json();
    assert_eq!(tick["queued"], 1, "{tick}");
    let scheduled: i64 = db.scalar("SELECT count(*) FROM runs WHERE dispatch_source = 'scheduled'");
    assert_eq!(scheduled, 1);

    let seeded = cli(db)
        .args([
            "seed",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/fixture.json"),
        ])
        .json();
    assert_eq!(seeded["changed"], true, "{seeded}");
    let again = cli(db)
        .args([
            "seed",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/fixture.json"),
        ])
        .json();
    assert_eq!(again["changed"], false, "{again}");

    let device = s(&reg, "device_id");
    let deleted = cli(db).args(["devices", "delete", &device]).json();
    assert_eq!(deleted["watchers_unpinned"], 1, "{deleted}");
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations");
    assert_eq!(orgs, 3);
}
