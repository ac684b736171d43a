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

/// The ids of an organisation's devices and watchers, for [`rows_of`] to look for after
/// the organisation is gone.
fn ids_of(db: &TestDb, org: &str) -> (Vec<uuid::Uuid>, Vec<i64>) {
    let row = db
        .client()
        .query_one(
            "SELECT ARRAY(SELECT id FROM devices WHERE org_id = $1),
                    ARRAY(SELECT id FROM watchers WHERE org_id = $1)",
            &[&org],
        )
        .unwrap();
    (row.get(0), row.get(1))
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
    let (devices, watchers) = ids_of(&db, "acme");
    let expected = json!({"agents": 1, "devices": 2, "tokens": 3, "watchers": 4, "runs": 29});
    let dry = cli(&db).args(["org", "delete", "acme", "--dry-run"]).json();
    assert_eq!(
        dry,
        json!({"org_id": "acme", "deleted": expected, "dry_run": true, "deleting_at": null})
    );
    assert!(!rows_of(&db, "acme", &devices, &watchers).is_empty());
    // the line says "1 agent", not "1 agents"
    let line = cli(&db).args(["org", "delete", "acme", "--dry-run"]).run();
    assert_eq!(
        line.stdout.trim_end(),
        "would delete organization acme: 1 agent, 2 devices, 3 tokens, 4 watchers, 29 runs"
    );
    // batches of 7: several transactions, the same totals
    let done = cli(&db)
        .args([
            "--actor", "ada", "org", "delete", "acme", "--yes", "--batch", "7",
        ])
        .json();
    assert_eq!(
        (&done["org_id"], &done["deleted"], &done["dry_run"]),
        (&json!("acme"), &expected, &json!(false))
    );
    assert!(done["deleting_at"].is_string(), "{done}");
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
    // (by a deleter that crashed: its lease has run out)
    let crashed = lobu_admin::orgs::Lease::new(std::time::Duration::ZERO);
    lobu_admin::db::in_tx(&mut c, |tx, now| {
        lobu_admin::orgs::mark_deleting(tx, "acme", &crashed, now)?;
        lobu_admin::orgs::delete_runs_batch(tx, "acme", &crashed, now, 0, 10)
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

/// Marks `org` as being deleted by a deleter that crashed (its lease has run out).
fn crashed_delete(db: &TestDb, org: &str) {
    let crashed = lobu_admin::orgs::Lease::new(std::time::Duration::ZERO);
    lobu_admin::db::in_tx(&mut db.client(), |tx, now| {
        lobu_admin::orgs::mark_deleting(tx, org, &crashed, now)
    })
    .unwrap();
}

const REFUSAL: &str = "organization acme is being deleted; it accepts nothing new";

#[test]
fn an_organisation_being_deleted_accepts_no_insert_or_edit_from_any_command_or_binary() {
    let db = TestDb::new();
    let dev = populated(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let d = dev.id.to_string();
    let paused = cli(&db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "Later",
            "--schedule",
            "0 9 * * *",
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ])
        .json()["id"]
        .to_string();
    cli(&db).args(["watchers", "pause", &paused]).run().code(0);
    let token_id = cli(&db).args(["tokens", "list", "--device", &d]).json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let run_id = db.scalar::<i64>("SELECT max(id) FROM runs WHERE status = 'pending'");
    let before: i64 = db.scalar("SELECT count(*) FROM audit_events");
    crashed_delete(&db, "acme");
    let fixture = r#"{"organizations": [{"id": "acme", "name": "Acme Renamed",
        "devices": [{"user": "zed", "worker_id": "new-1", "platform": "linux"}]}]}"#;
    let renamed = r#"{"organizations": [{"id": "acme", "name": "Acme Renamed"}]}"#;
    let refused = |args: &[&str], stdin: Option<&str>, token: bool| {
        let mut cmd = cli(&db).args(args);
        if let Some(s) = stdin {
            cmd = cmd.stdin(s);
        }
        if token {
            cmd = cmd.token(&dev.token);
        }
        let r = cmd.run();
        assert_eq!(r.code, 5, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(REFUSAL), "{args:?}: {}", r.stderr);
    };
    // the refusals that run in the commands' own statements, and those of the schema's
    // triggers (migration V11): one message
    refused(&["watchers", "trigger", &w], None, true);
    refused(&["runs", "claim"], None, true);
    refused(&["seed", "-"], Some(fixture), false);
    refused(&["seed", "--update", "-"], Some(renamed), false);
    refused(
        &[
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "N",
            "--schedule",
            "0 9 * * *",
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ],
        None,
        false,
    );
    refused(&["watchers", "update", &w, "--name", "N"], None, false);
    refused(&["watchers", "resume", &paused], None, false);
    refused(
        &["agents", "create", "--org", "acme", "a2", "--name", "A"],
        None,
        false,
    );
    refused(
        &[
            "agents",
            "update",
            "--org",
            "acme",
            "owletto-default",
            "--name",
            "A",
        ],
        None,
        false,
    );
    refused(&["tokens", "create", "--device", &d], None, false);
    refused(&["tokens", "rotate", "--device", &d], None, false);
    refused(&["org", "update", "acme", "--name", "X"], None, false);
    refused(&["provision-agent", "--org", "acme"], None, false);
    // nothing of them was written, nor audited
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM audit_events"),
        before
    );
    assert_eq!(
        db.scalar::<String>("SELECT name FROM organizations WHERE id = 'acme'"),
        "acme"
    );
    // a binary that knows nothing of it (the previous release, a hand-written statement)
    // is refused by the schema, with the same SQLSTATE and words
    let e = db
        .client()
        .batch_execute("INSERT INTO agents (org_id, id, name) VALUES ('acme', 'raw', 'Raw')")
        .unwrap_err();
    let e = e.as_db_error().unwrap();
    assert_eq!((e.code().code(), e.message()), ("LB001", REFUSAL));
    // what stops or removes things is allowed: unpin (of an active watcher too), pause,
    // archive, revoke, cancel
    let pinned = "SELECT count(*) FROM watchers WHERE device_id IS NOT NULL AND status = 'active'";
    assert_eq!(db.scalar::<i64>(pinned), 1);
    cli(&db)
        .args(["watchers", "update", &w, "--unpin"])
        .run()
        .code(0);
    assert_eq!(db.scalar::<i64>(pinned), 0);
    cli(&db).args(["watchers", "pause", &w]).run().code(0);
    cli(&db)
        .args(["watchers", "archive", &paused])
        .run()
        .code(0);
    cli(&db).args(["tokens", "revoke", &token_id]).run().code(0);
    cli(&db)
        .args([
            "runs",
            "cancel",
            &run_id.to_string(),
            "--reason",
            "offboarding",
        ])
        .run()
        .code(0);
    // and everything that shows the organisation says it is being deleted, since when
    let since = db.scalar::<chrono::DateTime<chrono::Utc>>(
        "SELECT deleting_at FROM organizations WHERE id = 'acme'",
    );
    let since_json = json!(since);
    let show = cli(&db).args(["org", "show", "acme"]).json();
    assert_eq!(show["deleting_at"], since_json, "{show}");
    let list = cli(&db).args(["org", "list"]).json();
    assert_eq!(list[0]["deleting_at"], since_json, "{list}");
    let status = cli(&db).args(["status"]).json();
    assert_eq!(
        status["organizations_being_deleted"],
        json!([{"id": "acme", "deleting_at": since_json}]),
        "{status}"
    );
    let dry = cli(&db).args(["org", "delete", "acme", "--dry-run"]).json();
    assert_eq!(dry["deleting_at"], since_json, "{dry}");
    let table = cli(&db).args(["org", "delete", "acme", "--dry-run"]).run();
    assert!(
        table.stdout.contains("being deleted since"),
        "{}",
        table.stdout
    );
    let table = cli(&db).args(["org", "list"]).run();
    assert!(table.stdout.contains("DELETING"), "{}", table.stdout);
    // the delete finishes it
    cli(&db)
        .args(["org", "delete", "acme", "--yes"])
        .run()
        .code(0);
    let status = cli(&db).args(["status"]).json();
    assert_eq!(status["organizations_being_deleted"], json!([]));
}

/// `acme` with `runs` finished runs on top of [`populated`]'s (29).
fn big(db: &TestDb, runs: i32) -> Dev {
    let dev = populated(db, "acme");
    db.client()
        .execute(
            "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, queued_at, finished_at)
             SELECT 'acme', $1, 'owletto-default', 'manual', 'admin', 'completed', now(), now()
             FROM generate_series(1, $2)",
            &[&dev.watcher.unwrap(), &runs],
        )
        .unwrap();
    dev
}

/// `org delete acme --yes --batch N` as a process of its own (JSON output).
fn delete_process(db: &TestDb, batch: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_lobu-admin"))
        .env("DATABASE_URL", &db.url)
        .env("NO_COLOR", "1")
        .args([
            "-o", "json", "org", "delete", "acme", "--yes", "--batch", batch,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until some of acme's runs are gone (the delete is in its batches).
fn wait_for_batches(db: &TestDb, total: i64) {
    let start = std::time::Instant::now();
    while db.scalar::<i64>("SELECT count(*) FROM runs WHERE org_id = 'acme'") == total {
        assert!(start.elapsed() < std::time::Duration::from_secs(60));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn concurrent_deletes_of_one_organisation_one_wins_with_the_right_counts_the_others_exit_5() {
    let db = TestDb::new();
    big(&db, 60_000);
    let (devices, watchers) = ids_of(&db, "acme");
    let expected = cli(&db).args(["org", "delete", "acme", "--dry-run"]).json()["deleted"].clone();
    assert_eq!(expected["runs"], 60_029);
    let deleters: Vec<_> = (0..4).map(|_| delete_process(&db, "500")).collect();
    let outs: Vec<_> = deleters
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let codes: Vec<i32> = outs.iter().map(|o| o.status.code().unwrap()).collect();
    let won: Vec<_> = outs.iter().filter(|o| o.status.success()).collect();
    assert_eq!(won.len(), 1, "{codes:?}");
    let done: serde_json::Value = serde_json::from_slice(&won[0].stdout).unwrap();
    assert_eq!(done["deleted"], expected, "{done}");
    for o in outs.iter().filter(|o| !o.status.success()) {
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("being deleted by another `org delete` since"),
            "{stderr}"
        );
    }
    let events = cli(&db)
        .args(["audit", "list", "--command", "org delete"])
        .json();
    assert_eq!(events.as_array().unwrap().len(), 1, "{events}");
    assert_eq!(events[0]["details"]["deleted"], expected);
    assert_eq!(events[0]["details"]["resumed"], false);
    assert_eq!(
        rows_of(&db, "acme", &devices, &watchers),
        ["audit_events.org_id: 3"]
    );
}

#[test]
fn an_interrupted_delete_says_how_far_it_got_and_a_rerun_finishes_it() {
    let db = TestDb::new();
    big(&db, 60_000);
    let total = 60_029;
    // SIGINT: the batch under way ends, the lease is handed back, one line, exit 130
    let deleter = delete_process(&db, "200");
    wait_for_batches(&db, total);
    std::process::Command::new("kill")
        .args(["-INT", &deleter.id().to_string()])
        .status()
        .unwrap();
    let out = deleter.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    let left: i64 = db.scalar("SELECT count(*) FROM runs WHERE org_id = 'acme'");
    assert!(left > 0, "the delete was interrupted before its end");
    let line = format!(
        "org delete acme stopped (interrupted) after deleting {} of {total} runs; run org \
         delete acme again to finish",
        total - left
    );
    assert!(stderr.contains(&line), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let free: Option<String> = db.scalar("SELECT deleting_by FROM organizations");
    assert_eq!(free, None, "the lease was handed back");
    // with one audit event, in the transaction that handed the lease back
    let interrupted = json!({ "runs_deleted": total - left, "of": total });
    let events = || {
        let list = cli(&db)
            .args(["audit", "list", "--command", "org delete"])
            .json();
        let list = list.as_array().unwrap().clone();
        list.into_iter()
            .map(|e| (e["outcome"].clone(), e["details"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(events(), [(json!("interrupted"), interrupted.clone())]);
    // its connection dropped: the same line with the failure (exit 6); the lease stays
    // until it runs out, and a rerun says so (exit 5)
    let deleter = delete_process(&db, "200");
    wait_for_batches(&db, left);
    let killed: i64 = db.scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    assert!(killed > 0);
    let out = deleter.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("org delete acme stopped (") && stderr.contains("again to finish"),
        "{stderr}"
    );
    assert_eq!(
        events().len(),
        1,
        "a lost connection records nothing: the rerun does"
    );
    let r = cli(&db).args(["org", "delete", "acme", "--yes"]).run();
    r.code(5);
    assert!(r.stderr.contains("its lease runs out at"), "{}", r.stderr);
    // (time passes: the lease runs out)
    db.client()
        .batch_execute("UPDATE organizations SET deleting_until = now() - interval '1 second'")
        .unwrap();
    let left: i64 = db.scalar("SELECT count(*) FROM runs WHERE org_id = 'acme'");
    let done = cli(&db).args(["org", "delete", "acme", "--yes"]).json();
    assert_eq!(done["deleted"]["runs"], left, "{done}");
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM organizations"), 0);
    let events = events();
    assert_eq!(events[0].0, "deleted");
    assert_eq!(events[0].1["resumed"], true);
    assert_eq!(events[1], (json!("interrupted"), interrupted));
}

/// The last step counts what a writer committed while it waited for the organisation's
/// row lock: an agent inserted before the mark (its foreign key holds `FOR KEY SHARE` on
/// the organisation, so `delete_rest`'s `FOR UPDATE` waits for it) and committed during
/// the wait is in the counts, not deleted unseen by the cascade.
#[test]
fn the_last_step_counts_a_row_committed_while_it_waited_for_the_lock() {
    let db = TestDb::new();
    populated(&db, "acme");
    let mut writer = db.client();
    writer
        .batch_execute(
            "BEGIN; INSERT INTO agents (org_id, id, name) VALUES ('acme', 'late', 'Late')",
        )
        .unwrap();
    let deleter = delete_process(&db, "200");
    let start = std::time::Instant::now();
    while db.scalar::<i64>(
        "SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'
           AND query LIKE '%FOR UPDATE%'",
    ) == 0
    {
        assert!(start.elapsed() < std::time::Duration::from_secs(60));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    writer.batch_execute("COMMIT").unwrap();
    let out = deleter.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["deleted"]["agents"], 2, "{done}");
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM agents"), 0);
}

/// `org delete` against token rotations of the same organisation, begun together: the last
/// step deletes tokens a rotation may hold locked while it waits for the organisation's
/// row, and PostgreSQL breaks that deadlock by failing one side. The delete tries its last
/// step again and succeeds every round; a rotation ends rotated, refused (exit 5: being
/// deleted, or the deadlock's victim, which says to retry) or too late (exit 3, the device
/// or organisation not found, never a constraint's name).
#[test]
fn a_delete_racing_token_rotations_always_finishes() {
    let db = TestDb::new();
    let fixture = serde_json::json!({"organizations": [{
        "id": "acme", "name": "Acme",
        "agents": [{"id": "a1", "name": "A1"}],
        "devices": [{"user": "u", "worker_id": "w", "platform": "macos"}],
        "watchers": [{"slug": "s1", "name": "S1", "schedule": "0 8 * * *",
                      "agent": "a1", "prompt": "p"}]}]})
    .to_string();
    for round in 0..12 {
        cli(&db).args(["seed", "-"]).stdin(&fixture).run().code(0);
        let rotations: Vec<_> = (0..3)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_lobu-admin"))
                    .env("DATABASE_URL", &db.url)
                    .env("NO_COLOR", "1")
                    .args(["tokens", "rotate", "--device", "acme:w"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let deleter = delete_process(&db, "500").wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&deleter.stderr);
        assert!(deleter.status.success(), "round {round}: {stderr}");
        for r in rotations {
            let out = r.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => {}
                Some(5) => assert!(
                    stderr.contains("being deleted") || stderr.contains("retry"),
                    "{stderr}"
                ),
                Some(3) => assert!(stderr.contains("not found"), "{stderr}"),
                other => panic!("round {round}: rotation exit {other:?}: {stderr}"),
            }
            assert!(!stderr.contains("fkey"), "{stderr}");
        }
        assert_eq!(
            cli(&db).args(["org", "show", "acme"]).run().code,
            3,
            "round {round}"
        );
    }
}

/// A delete that fails while its process lives (here its last step meets a token row held
/// locked past `lock_timeout`) hands its lease back: run again, it finishes at once rather
/// than waiting for the lease to run out.
#[test]
fn a_failed_delete_hands_its_lease_back() {
    let db = TestDb::new();
    let fixture = serde_json::json!({"organizations": [{
        "id": "acme", "name": "Acme",
        "devices": [{"user": "u", "worker_id": "w", "platform": "linux",
                     "token": "lobu_dev_ci_acme_00000000000000000000000000001"}]}]})
    .to_string();
    cli(&db).args(["seed", "-"]).stdin(&fixture).run().code(0);
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute(
        "SELECT 1 FROM device_tokens WHERE org_id = 'acme' FOR UPDATE",
        &[],
    )
    .unwrap();
    let failed = cli(&db).args(["org", "delete", "acme", "--yes"]).run();
    failed.code(5);
    assert!(failed.stderr.contains("lock_timeout"), "{}", failed.stderr);
    tx.rollback().unwrap();
    let again = cli(&db).args(["org", "delete", "acme", "--yes"]).run();
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.contains("acme"), "{}", again.stdout);
}

/// The delete's question on a terminal comes after the connection is up, when the
/// connection's runtime watches the signals and a signal alone no longer ends the process:
/// Ctrl-C there exits 130 at once (not after a grace) and deletes nothing. `script` gives
/// the command a terminal.
#[test]
fn ctrl_c_at_the_delete_question_exits_at_once_and_deletes_nothing() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let db = TestDb::new();
    populated(&db, "acme");
    let mut session = std::process::Command::new("script")
        .args([
            "-qefc",
            &format!("exec {} org delete acme", env!("CARGO_BIN_EXE_lobu-admin")),
        ])
        .arg("/dev/null")
        .env("DATABASE_URL", &db.url)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // the terminal's output, read on a thread: the question must come within 20 s
    let mut stdout = session.stdout.take().unwrap();
    let (lines, seen) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 || lines.send(chunk[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut shown = Vec::new();
    while !String::from_utf8_lossy(&shown).contains("type the organization id") {
        match seen.recv_timeout(Duration::from_secs(20)) {
            Ok(chunk) => shown.extend(chunk),
            Err(_) => {
                let _ = session.kill();
                panic!("no question: {}", String::from_utf8_lossy(&shown));
            }
        }
    }
    // `script` runs the command in a shell that `exec` replaced: its only child
    let children =
        std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", session.id())).unwrap();
    let command = children.split_whitespace().next().unwrap().to_string();
    let asked = Instant::now();
    std::process::Command::new("kill")
        .args(["-INT", &command])
        .status()
        .unwrap();
    let status = loop {
        if let Some(status) = session.try_wait().unwrap() {
            break status;
        }
        if asked.elapsed() > Duration::from_secs(10) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &command])
                .status();
            let _ = session.kill();
            panic!("Ctrl-C at the question did not end the command");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "it took {:?} to exit",
        asked.elapsed()
    );
    assert_eq!(status.code(), Some(130));
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations WHERE deleting_at IS NULL");
    assert_eq!(orgs, 1, "nothing deleted");
}
