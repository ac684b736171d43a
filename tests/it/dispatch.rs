//! Dispatch (SPEC 7): queueing, skipped slots, coalescing, concurrency, the loop.

use crate::support::{cli, mac_org, s, TestDb};

/// Makes every active watcher due at `at`.
fn make_due(db: &TestDb, at: &str) {
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = $1::text::timestamptz",
            &[&at],
        )
        .unwrap();
}

fn dispatch(db: &TestDb, now: &str) -> serde_json::Value {
    cli(db).args(["dispatch", "--now", now]).json()
}

#[test]
fn due_watcher_is_queued_once_with_its_slot() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    make_due(&db, "2026-06-01T07:00:00Z");
    let tick = dispatch(&db, "2026-06-01T07:00:30Z");
    assert_eq!(
        tick,
        serde_json::json!({"due": 1, "queued": 1, "skipped": 0})
    );
    let runs = cli(&db).args(["runs", "list", "--watcher", &w]).json();
    assert_eq!(runs.as_array().unwrap().len(), 1);
    assert_eq!(runs[0]["dispatch_source"], "scheduled");
    assert_eq!(runs[0]["triggered_by"], "schedule");
    assert_eq!(runs[0]["scheduled_for"], "2026-06-01T07:00:00Z");
    assert_eq!(runs[0]["device_id"], dev.id.to_string());
    // 09:00 Berlin (CEST) the next day
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    assert_eq!(shown["next_run_at"], "2026-06-02T07:00:00Z");
    // nothing is due any more
    assert_eq!(dispatch(&db, "2026-06-01T07:00:30Z")["due"], 0);
}

#[test]
fn overlap_is_recorded_as_skipped_with_one_active_run() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let manual = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .json();
    make_due(&db, "2026-06-01T07:00:00Z");
    let tick = dispatch(&db, "2026-06-01T07:00:00Z");
    assert_eq!(
        tick,
        serde_json::json!({"due": 1, "queued": 0, "skipped": 1})
    );
    let runs = cli(&db).args(["runs", "list", "--watcher", &w]).json();
    let statuses: Vec<&str> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["skipped", "pending"]);
    assert!(s(&runs[0], "error").contains("already active"));
    assert_eq!(runs[1]["id"], manual["run_id"]);
}

#[test]
fn paused_watchers_are_not_dispatched_and_missing_agents_are_skipped() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    make_due(&db, "2026-06-01T07:00:00Z");
    cli(&db).args(["watchers", "pause", &w]).run().code(0);
    assert_eq!(dispatch(&db, "2026-06-01T08:00:00Z")["due"], 0);
    cli(&db).args(["watchers", "resume", &w]).run().code(0);
    cli(&db)
        .args(["agents", "delete", "--org", "acme", "owletto-default"])
        .run()
        .code(0);
    make_due(&db, "2026-06-01T07:00:00Z");
    let tick = dispatch(&db, "2026-06-01T08:00:00Z");
    assert_eq!(
        tick,
        serde_json::json!({"due": 1, "queued": 0, "skipped": 1})
    );
    let runs = cli(&db).args(["runs", "list", "--watcher", &w]).json();
    assert!(s(&runs[0], "error").contains("agent owletto-default no longer exists"));
}

#[test]
fn missed_slots_are_coalesced_into_one_run() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    make_due(&db, "2026-06-01T07:00:00Z");
    // ten days late: one run, next slot after now
    let tick = dispatch(&db, "2026-06-11T12:00:00Z");
    assert_eq!(tick["queued"], 1);
    let runs = cli(&db).args(["runs", "list", "--watcher", &w]).json();
    assert_eq!(runs.as_array().unwrap().len(), 1);
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    assert_eq!(shown["next_run_at"], "2026-06-12T07:00:00Z");
}

#[test]
fn dispatch_rescues_stale_runs() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .json();
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    db.client()
        .batch_execute("UPDATE runs SET heartbeat_at = now() - interval '10 minutes'")
        .unwrap();
    let tick = cli(&db).args(["dispatch"]).json();
    assert_eq!(tick["rescued"]["requeued"], 1);
    let status: String = db.scalar("SELECT status FROM runs");
    assert_eq!(status, "pending");
}

#[test]
fn four_concurrent_dispatchers_fire_each_of_1000_watchers_once() {
    four_dispatchers(&TestDb::new());
}

/// 4 concurrent dispatchers fire each of 1,000 watchers once (also run over TLS and through PgBouncer).
pub(crate) fn four_dispatchers(db: &TestDb) {
    mac_org(db, "acme");
    db.client()
        .batch_execute(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, timezone, agent_id,
                                   next_run_at)
             SELECT 'acme', 'w' || i, 'W ' || i, 'p', '*/5 * * * *', 'Europe/Berlin',
                    'owletto-default', '2026-06-01T07:00:00Z'
             FROM generate_series(1, 1000) i;
             UPDATE watchers SET next_run_at = '2026-06-01T07:00:00Z'",
        )
        .unwrap();
    let ticks = crate::support::parallel(4, |_| {
        cli(db)
            .args(["dispatch", "--now", "2026-06-01T07:01:00Z", "--limit", "50"])
            .json()
    });
    let queued: i64 = ticks.iter().map(|t| t["queued"].as_i64().unwrap()).sum();
    let skipped: i64 = ticks.iter().map(|t| t["skipped"].as_i64().unwrap()).sum();
    assert_eq!((queued, skipped), (1001, 0), "{ticks:?}");
    let per_watcher: i64 = db.scalar(
        "SELECT count(*) FROM (SELECT watcher_id FROM runs GROUP BY watcher_id HAVING count(*) <> 1) x",
    );
    assert_eq!(per_watcher, 0);
    let runs: i64 = db.scalar("SELECT count(*) FROM runs");
    assert_eq!(runs, 1001);
    let next_ok: i64 =
        db.scalar("SELECT count(*) FROM watchers WHERE next_run_at > '2026-06-01T07:01:00Z'");
    assert_eq!(next_ok, 1001);
}

#[test]
fn dispatch_loop_stops_cleanly_on_ctrl_c() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"))
        .args(["dispatch", "--loop", "--interval", "1s"])
        .env("DATABASE_URL", &db.url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.contains("due=0 queued=0 skipped=0"), "{line}");
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("dispatch: stopped"));
}

#[test]
fn triggers_racing_dispatch_ticks_never_deadlock() {
    use lobu_admin::{db as ldb, dispatch, runs, watchers};
    let db = TestDb::new();
    mac_org(&db, "acme");
    db.client()
        .batch_execute(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, next_run_at)
             SELECT 'acme', 'w' || i, 'W', 'p', '* * * * *', 'owletto-default', now()
             FROM generate_series(1, 8) i",
        )
        .unwrap();
    let ids: Vec<i64> = db
        .client()
        .query(
            "SELECT id FROM watchers WHERE slug LIKE 'w%' ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let start = chrono::Utc::now();
    let deadlocks = crate::support::parallel(5, |worker| {
        let mut c = db.client();
        let mut errors = Vec::new();
        for i in 0..60_i64 {
            // a tick a minute later each time (well within the 2 h rescue), or a trigger
            // of every watcher followed by a cancel
            let r = if worker == 0 {
                dispatch::tick(&mut c, start + chrono::Duration::minutes(i + 1), 100).map(drop)
            } else {
                ids.iter().try_for_each(|w| {
                    ldb::in_tx(&mut c, |tx| {
                        let t = watchers::trigger(tx, *w, &watchers::Trigger::Admin, start)?;
                        runs::cancel(tx, t.run_id, start).map(drop)
                    })
                })
            };
            if let Err(e) = r {
                errors.push(e.to_string());
            }
        }
        errors
    });
    let all: Vec<String> = deadlocks.concat();
    assert!(all.iter().all(|e| !e.contains("deadlock")), "{all:?}");
}
