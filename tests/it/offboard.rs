//! The life cycle's end: org update and org delete (dry run, confirmation, batches, the
//! organisation marked first, resumable, nothing left but the audit trail).

use crate::support::{cli, mac_org, Dev, TestDb};
use serde_json::json;

/// An organisation with a Mac (daily check-in), a Linux device, a second watcher, finished
/// runs, an active run, and a second token.
fn populated(db: &TestDb, org: &str) -> Dev {
    let dev = mac_org(db, org);
    let mut c = db.client();
    crate::support::register(&mut c, org, "linux-1", lobu_admin::devices::Platform::Linux);
    c.execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by, status,
                           queued_at, finished_at)
         SELECT $1, $2, 'owletto-default', 'manual', 'admin', 'completed', now(), now()
         FROM generate_series(1, 25)",
        &[&org, &dev.watcher.unwrap()],
    )
    .unwrap();
    cli(db)
        .args([
            "watchers",
            "trigger",
            &dev.watcher.unwrap().to_string(),
            "--admin",
        ])
        .run()
        .code(0);
    cli(db)
        .args(["tokens", "create", "--device", &dev.id.to_string()])
        .run()
        .code(0);
    crate::support::pending_runs(db, org, 3);
    dev
}

/// Every row of `org` left in any table: each column named `org_id`, `organizations.id`,
/// and the columns naming its devices and watchers, found through information_schema.
fn rows_of(db: &TestDb, org: &str, devices: &[uuid::Uuid], watchers: &[i64]) -> Vec<String> {
    let mut c = db.client();
    let columns: Vec<(String, String, String)> = c
        .query(
            "SELECT c.table_name, c.column_name, c.data_type
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let mut found = Vec::new();
    for (table, column, ty) in &columns {
        let sql = |cond: &str| format!("SELECT count(*) FROM \"{table}\" WHERE {cond}");
        let n: i64 = match (table.as_str(), column.as_str(), ty.as_str()) {
            (_, "org_id", _) | ("organizations", "id", _) => c
                .query_one(&sql(&format!("\"{column}\" = $1")), &[&org])
                .unwrap()
                .get(0),
            (_, "id" | "device_id" | "claimed_by", "uuid") => c
                .query_one(&sql(&format!("\"{column}\" = ANY($1)")), &[&devices])
                .unwrap()
                .get(0),
            ("watchers", "id", _) | (_, "watcher_id", _) => c
                .query_one(&sql(&format!("\"{column}\" = ANY($1)")), &[&watchers])
                .unwrap()
                .get(0),
            _ => 0,
        };
        if n > 0 {
            found.push(format!("{table}.{column}: {n}"));
        }
    }
    assert!(
        columns
            .iter()
            .any(|(t, c, _)| t == "audit_events" && c == "org_id"),
        "the sweep sees the audit table"
    );
    found
}

#[test]
fn org_delete_leaves_no_row_of_the_organisation_but_its_audit_events() {
    let db = TestDb::new();
    populated(&db, "acme");
    let other = populated(&db, "globex");
    let before_other: i64 = db.scalar("SELECT count(*) FROM runs WHERE org_id = 'globex'");
    let devices: Vec<uuid::Uuid> = db
        .client()
        .query("SELECT id FROM devices WHERE org_id = 'acme'", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let watchers: Vec<i64> = db
        .client()
        .query("SELECT id FROM watchers WHERE org_id = 'acme'", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected = json!({"agents": 1, "devices": 2, "tokens": 3, "watchers": 4, "runs": 29});
    let dry = cli(&db).args(["org", "delete", "acme", "--dry-run"]).json();
    assert_eq!(
        dry,
        json!({"org_id": "acme", "deleted": expected, "dry_run": true})
    );
    assert!(!rows_of(&db, "acme", &devices, &watchers).is_empty());
    // batches of 7: several transactions, the same totals
    let done = cli(&db)
        .args([
            "--actor", "ada", "org", "delete", "acme", "--yes", "--batch", "7",
        ])
        .json();
    assert_eq!(
        done,
        json!({"org_id": "acme", "deleted": expected, "dry_run": false})
    );
    assert_eq!(
        rows_of(&db, "acme", &devices, &watchers),
        ["audit_events.org_id: 3"],
        "only the audit trail (the trigger, the token, the delete) remains"
    );
    // the other organisation is untouched
    let after_other: i64 = db.scalar("SELECT count(*) FROM runs WHERE org_id = 'globex'");
    assert_eq!(after_other, before_other);
    cli(&db)
        .args(["watchers", "trigger", &other.watcher.unwrap().to_string()])
        .token(&other.token)
        .run()
        .code(0);
    // the audit trail outlives the organisation and says who deleted it and what went
    let events = cli(&db)
        .args(["audit", "list", "--org", "acme", "--limit", "1"])
        .json();
    let e = &events[0];
    assert_eq!(
        (e["command"].as_str(), e["actor"].as_str()),
        (Some("org delete"), Some("ada"))
    );
    assert_eq!(e["details"]["deleted"], expected);
    assert_eq!(e["details"]["resumed"], false);
    // gone: exit 3, dry run or not
    cli(&db)
        .args(["org", "delete", "acme", "--yes"])
        .run()
        .code(3);
    cli(&db)
        .args(["org", "delete", "acme", "--dry-run"])
        .run()
        .code(3);
    cli(&db).args(["org", "show", "acme"]).run().code(3);
}

#[test]
fn an_organisation_created_again_under_a_deleted_id_is_new() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    cli(&db)
        .args([
            "agents",
            "delete",
            "--org",
            "acme",
            "owletto-default",
            "--force",
        ])
        .run()
        .code(0);
    let suppressed = cli(&db).args(["provision-agent", "--org", "acme"]).json();
    assert_eq!(suppressed["outcome"], "suppressed");
    cli(&db)
        .args(["org", "delete", "acme", "--yes"])
        .run()
        .code(0);
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    let again = cli(&db).args(["provision-agent", "--org", "acme"]).json();
    assert_eq!(
        again["outcome"], "created",
        "the sentinels went with the organisation"
    );
}

#[test]
fn org_delete_needs_yes_without_a_terminal_and_unknown_is_exit_3() {
    let db = TestDb::new();
    populated(&db, "acme");
    let r = cli(&db).args(["org", "delete", "acme"]).run();
    r.code(2);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    // refused before anything was written: not even marked
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM organizations WHERE deleting_at IS NULL"),
        1
    );
    cli(&db)
        .args(["org", "delete", "nope", "--yes"])
        .run()
        .code(3);
    cli(&db)
        .args(["org", "delete", "nope", "--dry-run"])
        .run()
        .code(3);
    cli(&db)
        .args(["org", "delete", "Bad!", "--yes"])
        .run()
        .code(2);
    cli(&db)
        .args(["org", "delete", "acme", "--yes", "--batch", "0"])
        .run()
        .code(2);
    let n: i64 = db.scalar("SELECT count(*) FROM audit_events WHERE command = 'org delete'");
    assert_eq!(n, 0);
}

#[test]
fn an_organisation_being_deleted_starts_nothing_and_its_delete_resumes() {
    let db = TestDb::new();
    let dev = populated(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    // an interrupted delete: marked, and one batch of its runs gone
    let mut c = db.client();
    lobu_admin::db::in_tx(&mut c, |tx, now| {
        lobu_admin::orgs::mark_deleting(tx, "acme", now)?;
        lobu_admin::orgs::delete_runs_batch(tx, "acme", 0, 10)
    })
    .unwrap();
    c.batch_execute("UPDATE watchers SET next_run_at = now() - interval '1 minute'")
        .unwrap();
    let refused = |args: &[&str], token: bool| {
        let mut cmd = cli(&db).args(args);
        if token {
            cmd = cmd.token(&dev.token);
        }
        let r = cmd.run();
        r.code(5);
        assert!(r.stderr.contains("being deleted"), "{args:?}: {}", r.stderr);
    };
    refused(&["watchers", "trigger", &w], true);
    refused(&["watchers", "trigger", &w, "--admin"], false);
    refused(&["runs", "claim"], true);
    refused(
        &[
            "register-device",
            "--org",
            "acme",
            "--user",
            "u9",
            "--worker-id",
            "n",
            "--platform",
            "linux",
        ],
        false,
    );
    let tick = cli(&db).args(["dispatch"]).json();
    assert_eq!(tick["queued"], 0, "{tick}");
    let runs_left: i64 = db.scalar("SELECT count(*) FROM runs WHERE org_id = 'acme'");
    assert_eq!(runs_left, 19);
    let done = cli(&db).args(["org", "delete", "acme", "--yes"]).json();
    assert_eq!(done["deleted"]["runs"], 19, "the rest of the runs");
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM organizations"), 0);
    let e = &cli(&db)
        .args(["audit", "list", "--command", "org delete"])
        .json()[0];
    assert_eq!(e["details"]["resumed"], true);
}

#[test]
fn org_update_renames_and_is_audited() {
    let db = TestDb::new();
    cli(&db)
        .args(["org", "create", "acme", "--name", "Acme"])
        .run()
        .code(0);
    let o = cli(&db)
        .args(["org", "update", "acme", "--name", "Acme Corp"])
        .json();
    assert_eq!(o["name"], "Acme Corp");
    assert_eq!(o["id"], "acme");
    let e = &cli(&db).args(["audit", "list", "--limit", "1"]).json()[0];
    assert_eq!(e["command"], "org update");
    assert_eq!(
        e["details"]["name"],
        json!({"before": "Acme", "after": "Acme Corp"})
    );
    // the same name again writes nothing, says so, and is audited as unchanged
    let row = || db.scalar::<String>("SELECT xmin::text FROM organizations WHERE id = 'acme'");
    let before = row();
    let same = cli(&db)
        .args(["org", "update", "acme", "--name", "Acme Corp"])
        .json();
    assert_eq!(
        (&same["name"], &same["changed"]),
        (&json!("Acme Corp"), &json!(false))
    );
    assert_eq!(o["changed"], true);
    assert_eq!(row(), before, "the row was not rewritten");
    let e = &cli(&db).args(["audit", "list", "--limit", "1"]).json()[0];
    assert_eq!(e["outcome"], "unchanged");
    let table = cli(&db)
        .args(["org", "update", "acme", "--name", "Acme Corp"])
        .run();
    table.code(0);
    assert!(table.stderr.contains("unchanged"), "{}", table.stderr);
    cli(&db)
        .args(["org", "update", "nope", "--name", "X"])
        .run()
        .code(3);
    cli(&db)
        .args(["org", "update", "acme", "--name", "  "])
        .run()
        .code(2);
    cli(&db).args(["org", "update", "acme"]).run().code(2);
}
