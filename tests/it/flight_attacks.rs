//! Attacks on one-shot commands' flights (issue 31): what a careless operator, a hostile
//! caller or a bad network can make of a transaction whose `COMMIT` is sent before any
//! answer came back. Each `#[ignore = "finding: ..."]` test fails on the code it was
//! written against and says what should hold.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::db::TestDb;
use crate::support::{cli, mac_org, parallel, until_a_session_waits_on_a_lock};

fn runs(db: &TestDb) -> i64 {
    db.scalar("SELECT count(*) FROM runs")
}

fn audit_events(db: &TestDb) -> i64 {
    db.scalar("SELECT count(*) FROM audit_events")
}

/// Waits until no session of the tool is left on `db` (its server backend ended).
fn until_the_tool_has_left(db: &TestDb) {
    let start = Instant::now();
    loop {
        let left: i64 = db.scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND application_name LIKE 'lobu%'",
        );
        if left == 0 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the tool's session stayed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `watchers trigger --admin` waits on the watcher's active-run key (an uncommitted run of
/// another session); the operator presses Ctrl-C (exit 130, nothing printed). Once the
/// other session rolls back, the interrupted command must not queue a run behind the
/// operator's back. The flight sent `COMMIT` with the statement, so the server, which has
/// not noticed the client is gone, runs the insert and commits it (run and audit event).
#[test]
#[ignore = "finding: an interrupted one-shot command still commits (pipelined COMMIT)"]
fn an_interrupted_trigger_waiting_on_a_lock_writes_nothing() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    let events = audit_events(&db);
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by)
         SELECT org_id, id, agent_id, 'manual', 'admin' FROM watchers WHERE id = $1",
        &[&w],
    )
    .unwrap();
    let child = Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"))
        .env("DATABASE_URL", &db.url)
        .env_remove("LOBU_DEVICE_TOKEN")
        .args(["watchers", "trigger", "--admin", &w.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    until_a_session_waits_on_a_lock(&mut db.client(), &db.name);
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(0), "the command was interrupted");
    assert!(out.stdout.is_empty(), "it reported no run");
    tx.rollback().unwrap();
    drop(holder);
    until_the_tool_has_left(&db);
    assert_eq!(
        (runs(&db), audit_events(&db)),
        (0, events),
        "an interrupted trigger queued a run after it exited"
    );
}

/// SPEC 5 and 12: concurrent triggers make one run, the others `already_queued` (exit 0).
/// A database whose default isolation is `repeatable read` (a common operator setting) must
/// not turn the race into `conflict` (exit 5) for most of them: the flight's `BEGIN` does
/// not pin the isolation level the statements were written for (the migrator's does).
#[test]
#[ignore = "finding: default_transaction_isolation turns concurrent triggers into exit 5"]
fn concurrent_triggers_hold_under_a_repeatable_read_default() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" SET default_transaction_isolation = 'repeatable read'",
            db.name
        ))
        .unwrap();
    let results = parallel(16, |_| {
        cli(&db)
            .token(&dev.token)
            .args(["-o", "json", "watchers", "trigger", &w])
            .run()
    });
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.code != 0)
        .map(|r| (r.code, r.stderr.clone()))
        .collect();
    assert_eq!(runs(&db), 1);
    assert!(
        failed.is_empty(),
        "{} of 16 failed: {:?}",
        failed.len(),
        failed.first()
    );
}
