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
    // an agent removed by hand (`agents delete` refuses while a watcher uses it)
    db.client()
        .batch_execute("DELETE FROM agents WHERE org_id = 'acme' AND id = 'owletto-default'")
        .unwrap();
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
    let ids = crate::support::due_watchers(&mut db.client(), "acme", 8, "* * * * *");
    let start = chrono::Utc::now();
    let deadlocks = crate::support::parallel(5, |worker| {
        let mut c = db.client();
        let mut errors = Vec::new();
        for i in 0..60_i64 {
            // a tick a minute later each time (well within the 2 h rescue), or a trigger
            // of every watcher followed by a cancel
            let r = if worker == 0 {
                dispatch::tick(
                    &mut c,
                    ldb::Clock::At(start + chrono::Duration::minutes(i + 1)),
                    &dispatch::Options::default(),
                )
                .map(drop)
            } else {
                ids.iter().try_for_each(|w| {
                    ldb::in_tx(&mut c, |tx, _| {
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

/// The daily check-in on 2026-06-02 09:00 Berlin (07:00Z), after a manual run at 08:30
/// with `status`, and a cool-down of `cooldown` seconds: the tick at 09:00:30.
fn checkin_after_manual_run(cooldown: i32, status: &str) -> (TestDb, i64, serde_json::Value) {
    let db = TestDb::new();
    let w = mac_org(&db, "acme").watcher.unwrap();
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = '2026-06-02T07:00:00Z', min_cooldown_seconds = $2
             WHERE id = $1",
            &[&w, &cooldown],
        )
        .unwrap();
    db.client()
        .execute(
            "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, queued_at, finished_at)
             VALUES ('acme', $1, 'owletto-default', 'manual', 'admin', $2,
                     '2026-06-02T06:30:00Z', '2026-06-02T06:31:00Z')",
            &[&w, &status],
        )
        .unwrap();
    let tick = cli(&db)
        .args(["dispatch", "--now", "2026-06-02T07:00:30Z"])
        .json();
    (db, w, tick)
}

#[test]
fn a_manual_run_within_the_cooldown_absorbs_the_scheduled_slot() {
    let (db, w, tick) = checkin_after_manual_run(3600, "completed");
    let counts = |t: &serde_json::Value| (t["queued"].as_i64(), t["skipped"].as_i64());
    assert_eq!(counts(&tick), (Some(0), Some(1)), "{tick}");
    let error: String = db.scalar(&format!(
        "SELECT error FROM runs WHERE watcher_id = {w} AND status = 'skipped'"
    ));
    assert_eq!(error, "skipped: cooldown until 2026-06-02T07:30:00Z");
    let next: String = db.scalar(&format!(
        "SELECT to_char(next_run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM watchers WHERE id = {w}"
    ));
    assert_eq!(next, "2026-06-03 07:00");
    // a manual trigger ignores the cool-down
    let t = cli(&db)
        .args(["watchers", "trigger", &w.to_string(), "--admin"])
        .json();
    assert_eq!(t["already_queued"], false);
    let run = t["run_id"].to_string();
    cli(&db).args(["runs", "cancel", &run]).run().code(0);
    // the next day's slot queues (the cancelled run does not count)
    let next_day = cli(&db)
        .args(["dispatch", "--now", "2026-06-03T07:00:30Z"])
        .json();
    assert_eq!(counts(&next_day), (Some(1), Some(0)), "{next_day}");
}

#[test]
fn no_cooldown_or_a_cancelled_run_lets_the_slot_queue() {
    for (cooldown, status) in [(0, "completed"), (3600, "cancelled"), (3600, "skipped")] {
        let (_db, _w, tick) = checkin_after_manual_run(cooldown, status);
        assert_eq!(tick["queued"], 1, "{cooldown} {status}: {tick}");
        assert_eq!(tick["skipped"], 0, "{cooldown} {status}: {tick}");
    }
    // exactly at the end of the cool-down queues too (1800 s after 06:30 is 07:00)
    let (_db, _w, tick) = checkin_after_manual_run(1800, "completed");
    assert_eq!(tick["queued"], 1, "{tick}");
}

#[test]
fn cooldown_is_set_with_a_duration_and_shown() {
    let db = TestDb::new();
    let w = mac_org(&db, "acme").watcher.unwrap().to_string();
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    assert_eq!(shown["min_cooldown_seconds"], 3600);
    let updated = cli(&db)
        .args(["watchers", "update", &w, "--min-cooldown", "2h"])
        .json();
    assert_eq!(updated["min_cooldown_seconds"], 7200);
    let off = cli(&db)
        .args(["watchers", "update", &w, "--min-cooldown", "0s"])
        .json();
    assert_eq!(off["min_cooldown_seconds"], 0);
    let table = cli(&db).args(["watchers", "show", &w]).run();
    assert!(
        table.stdout.contains("min_cooldown_seconds"),
        "{}",
        table.stdout
    );
    cli(&db)
        .args(["watchers", "update", &w, "--min-cooldown", "soon"])
        .run()
        .code(2);
}

#[test]
fn dispatch_takes_the_rescue_thresholds_on_its_clock() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    db.client()
        .batch_execute(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, next_run_at)
             VALUES ('acme', 'a', 'A', 'p', '@daily', 'owletto-default', '2026-06-03T00:00:00Z'),
                    ('acme', 'b', 'B', 'p', '@daily', 'owletto-default', '2026-06-03T00:00:00Z');
             INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, queued_at, claimed_at, heartbeat_at)
             SELECT 'acme', id, 'owletto-default', 'manual', 'admin', 'running',
                    '2026-06-02T11:55:00Z', '2026-06-02T11:55:00Z', '2026-06-02T11:58:00Z'
             FROM watchers WHERE slug = 'a';
             INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               queued_at)
             SELECT 'acme', id, 'owletto-default', 'manual', 'admin', '2026-06-02T11:45:00Z'
             FROM watchers WHERE slug = 'b';",
        )
        .unwrap();
    // at 12:00 with the defaults (5m, 2h) nothing is rescued
    let tick = cli(&db)
        .args(["dispatch", "--now", "2026-06-02T12:00:00Z"])
        .json();
    assert!(tick.get("rescued").is_none(), "{tick}");
    let tick = cli(&db)
        .args(["dispatch", "--now", "2026-06-02T12:00:00Z"])
        .args(["--stale-after", "1m", "--timeout-after", "10m"])
        .json();
    assert_eq!(
        tick["rescued"],
        serde_json::json!({"requeued": 1, "timed_out": 1}),
        "{tick}"
    );
}

#[test]
fn sigterm_mid_tick_finishes_the_tick_then_exits_zero() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    crate::support::due_watchers(&mut db.client(), "acme", 10_000, "*/5 * * * *");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"))
        .args(["-o", "json", "dispatch", "--loop", "--interval", "1s"])
        .args(["--limit", "10000"])
        .env("DATABASE_URL", &db.url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // the tick over 10,000 watchers is under way when the signal comes
    let started = std::time::Instant::now();
    while db.scalar::<i64>(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lobu-admin' \
         AND state = 'active' AND datname = current_database() AND pid <> pg_backend_pid()",
    ) == 0
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no tick started"
        );
    }
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().all(|v| v["at"].is_string()), "{lines:?}");
    assert_eq!(lines.last().unwrap()["event"], "stopped");
    // the tick under way was finished, whole: 10,000 runs, 10,000 watchers advanced (plus
    // the daily check-in, which was not due)
    let runs: i64 = db.scalar("SELECT count(*) FROM runs");
    let advanced: i64 = db.scalar("SELECT count(*) FROM watchers WHERE next_run_at > now()");
    assert_eq!((runs, advanced), (10_000, 10_001));
    let queued: i64 = lines
        .iter()
        .filter(|v| v["event"] == "tick")
        .map(|v| v["queued"].as_i64().unwrap())
        .sum();
    assert_eq!(queued, runs, "{lines:?}");
}

/// SPEC 7: `dispatch --now T` with `T` ahead of the database's clock moves next runs past
/// it, so a normal dispatch finds nothing due for years: it says so on a `warning:` line
/// naming how many watchers moved and the repair, `watchers reschedule`. In JSON mode
/// stdout keeps its `{due, queued, skipped}` and the warning is a JSON object on stderr.
#[test]
fn a_clock_ahead_warns_and_reschedule_repairs_it() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let natural = |db: &TestDb| {
        cli(db)
            .args(["watchers", "next", &w, "--count", "1"])
            .json()[0]["at_utc"]
            .clone()
    };
    let before = natural(&db);
    let shown = cli(&db).args(["watchers", "show", &w]).json()["next_run_at"].clone();
    assert!(shown == before || shown == natural(&db), "{shown}");

    let r = cli(&db)
        .args(["dispatch", "--now", "2099-01-07T12:00:00Z"])
        .run();
    r.code(0);
    assert_eq!(
        r.stderr,
        "warning: --now 2099-01-07T12:00:00Z is ahead of the database's clock: the next run \
         of 1 watcher moved past the time the real clock gives, so it does not fire until \
         after 2099-01-07T12:00:00Z; undo with `lobu-admin watchers reschedule --all`; the \
         run it queued is queued at 2099-01-07T12:00:00Z, so rescue does not time it out \
         before 2099-01-07T12:00:00Z plus --timeout-after, and it holds its watcher's one \
         active slot (later slots are skipped) until a device finishes it; clear it with \
         `lobu-admin runs cancel ID` (`lobu-admin runs list --status pending` lists them), \
         before `watchers reschedule`, which does not give back a slot that has a run\n"
    );
    assert!(r.stdout.contains("queued   1"), "{}", r.stdout);
    // the second trap, as the warning says: the run holds the slot, and rescue on the
    // real clock does not time it out; `runs cancel` frees it
    let held = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    assert_eq!(held["already_queued"], true, "{held}");
    let rescued = cli(&db)
        .args(["runs", "rescue", "--timeout-after", "1s"])
        .json();
    assert_eq!(rescued["timed_out"], 0, "{rescued}");
    let run = held["run_id"].to_string();
    cli(&db).args(["runs", "cancel", &run]).json();
    let t = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    assert_eq!(t["already_queued"], false, "{t}");
    cli(&db)
        .args(["runs", "cancel", &t["run_id"].to_string()])
        .json();
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    assert_eq!(shown["next_run_at"], "2099-01-08T08:00:00Z");
    // the trap: nothing is due on the real clock
    assert_eq!(cli(&db).args(["dispatch"]).json()["due"], 0);

    let r = cli(&db)
        .args(["-o", "json", "dispatch", "--now", "2099-01-09T12:00:00Z"])
        .run();
    r.code(0);
    let tick = r.json();
    assert_eq!(tick["due"], 1, "{tick}");
    let mut keys: Vec<&String> = tick.as_object().unwrap().keys().collect();
    keys.retain(|k| *k != "rescued");
    assert_eq!(keys, ["due", "queued", "skipped"], "{tick}");
    let warning: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(warning["warning"]["kind"], "clock_ahead");
    assert_eq!(warning["warning"]["watchers"], 1);
    assert_eq!(warning["warning"]["runs"], tick["queued"]);
    assert!(warning["warning"]["message"]
        .as_str()
        .unwrap()
        .contains("watchers reschedule --all"));

    // the repair: next run back to what the real clock gives (read before and after: a
    // slot may pass meanwhile); a second one changes nothing
    let before = natural(&db);
    let repaired = cli(&db).args(["watchers", "reschedule", "--all"]).json();
    assert_eq!(repaired, serde_json::json!({"rescheduled": 1}));
    let got = cli(&db).args(["watchers", "show", &w]).json()["next_run_at"].clone();
    assert!(got == before || got == natural(&db), "{got}");
    assert_eq!(
        cli(&db).args(["watchers", "reschedule", "--all"]).json(),
        serde_json::json!({"rescheduled": 0})
    );
    let r = cli(&db).args(["watchers", "reschedule", "--all"]).run();
    assert_eq!(r.stdout, "rescheduled 0 watchers\n");

    // a clock behind the database's, or the database's own, warns of nothing
    make_due(&db, "2020-01-01T07:00:00Z");
    let r = cli(&db)
        .args(["dispatch", "--now", "2020-01-01T08:00:00Z"])
        .run();
    r.code(0);
    assert_eq!(r.stderr, "");
    let r = cli(&db).args(["dispatch"]).run();
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

/// The loop's table lines show what a tick rescued and pruned, as its JSON events do.
#[test]
fn a_table_loop_line_shows_rescues_and_prunes() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    // two runs that finished 100 days ago (the older one is prunable, the newer is the
    // watcher's latest), then a running run whose heartbeat stopped 10 minutes ago
    for _ in 0..2 {
        let run = s(
            &cli(&db).args(["watchers", "trigger", &w, "--admin"]).json(),
            "run_id",
        );
        cli(&db).args(["runs", "claim"]).token(&dev.token).json();
        cli(&db)
            .args(["runs", "complete", &run])
            .token(&dev.token)
            .json();
    }
    db.client()
        .batch_execute(
            "UPDATE runs SET queued_at = now() - interval '100 days',
                             finished_at = now() - interval '100 days'",
        )
        .unwrap();
    cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    db.client()
        .batch_execute(
            "UPDATE runs SET heartbeat_at = now() - interval '10 minutes' WHERE status = 'running'",
        )
        .unwrap();
    let since = std::time::Instant::now();
    let service = crate::support::service::Loop::spawn(
        &db.url,
        &[
            "dispatch",
            "--loop",
            "--interval",
            "1s",
            "--prune-after",
            "30d",
        ],
    );
    let first = service.wait_for("tick ", since, std::time::Duration::from_secs(30));
    let (status, stderr, lines) = service.stop("TERM");
    assert!(first.is_some() && status.success(), "{stderr}");
    assert!(
        lines[0]
            .1
            .ends_with(" tick due=0 queued=0 skipped=0 requeued=1 timed_out=0 pruned=1"),
        "{lines:?}"
    );
}

/// A `--now` so far from the database's clock that fire times cannot be computed (the cron
/// calendar ends in the year 5000) left every due watcher with `next_run_at` NULL, exit 0
/// and no warning: they never fired again. A simulated clock more than 100 years either
/// way is refused (exit 2, naming --now) before anything is written.
#[test]
fn a_clock_too_far_is_refused_before_anything_is_written() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    make_due(&db, "2026-06-01T07:00:00Z");
    let next = |db: &TestDb| -> Option<chrono::DateTime<chrono::Utc>> {
        db.scalar("SELECT max(next_run_at) FROM watchers")
    };
    let before = next(&db);
    assert!(before.is_some());
    let db_year: i32 = db.scalar("SELECT extract(year FROM now())::int");
    let too_far = format!("{}-01-01T00:00:00Z", db_year + 101);
    let too_early = format!("{}-01-01T00:00:00Z", db_year - 101);
    for now in [
        "5000-06-01T00:00:00Z",
        "8000-06-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        &too_far,
        &too_early,
    ] {
        for json in [false, true] {
            let mut c = cli(&db);
            if json {
                c = c.args(["-o", "json"]);
            }
            let r = c.args(["dispatch", "--now", now]).run();
            r.code(2);
            let message = if json {
                r.json_error()["message"].as_str().unwrap().to_string()
            } else {
                assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
                r.stderr
                    .trim_end()
                    .strip_prefix("error: ")
                    .unwrap()
                    .to_string()
            };
            assert!(
                message.starts_with(&format!("--now {now} is "))
                    && message.contains("a simulated clock may be at most 100 years either way"),
                "{message}"
            );
            assert!(r.stdout.is_empty(), "{}", r.stdout);
        }
    }
    assert_eq!(next(&db), before);
    let runs: i64 = db.scalar("SELECT count(*) FROM runs");
    assert_eq!(runs, 0);
    // 100 years is still a clock: taken, warned about, and repaired
    let near = format!("{}-01-01T00:00:00Z", db_year + 99);
    let r = cli(&db).args(["dispatch", "--now", &near]).run();
    r.code(0);
    assert!(
        r.stderr
            .starts_with(&format!("warning: --now {near} is ahead")),
        "{}",
        r.stderr
    );
    assert!(next(&db).is_some());
    cli(&db).args(["watchers", "reschedule", "--all"]).json();
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    assert!(shown["next_run_at"].is_string(), "{shown}");
}

/// A due watcher whose schedule gives no next fire time (here one that no longer parses)
/// gets `next_run_at` NULL so it is not retried every tick, but never silently: the tick
/// warns, naming how many and the repair, in both formats.
#[test]
fn a_watcher_left_without_a_next_run_is_warned_about() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    make_due(&db, "2026-06-01T07:00:00Z");
    db.client()
        .batch_execute("UPDATE watchers SET schedule = 'not a schedule'")
        .unwrap();
    let r = cli(&db).args(["dispatch"]).run();
    r.code(0);
    assert_eq!(
        r.stderr,
        "warning: 1 watcher got no next run (a schedule or time zone that no longer parses, \
         or no fire time left): it does not fire again until `lobu-admin watchers update ID \
         --schedule EXPR` gives one (or, once the schedule parses, `lobu-admin watchers \
         reschedule --all`); `lobu-admin watchers list` shows their NEXT RUN as '-'\n"
    );
    let null: i64 = db.scalar("SELECT count(*) FROM watchers WHERE next_run_at IS NULL");
    assert_eq!(null, 1);
    make_due(&db, "2026-06-01T07:00:00Z");
    let r = cli(&db).args(["-o", "json", "-q", "dispatch"]).run();
    r.code(0);
    assert_eq!(r.json()["due"], 1);
    let warning: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(warning["warning"]["kind"], "no_next_run");
    assert_eq!(warning["warning"]["watchers"], 1);
}

/// A batch of more than 20,000 due watchers raises `work_mem` for its transaction only, so
/// that the statement does not spill to temporary files (with the session's set to the
/// minimum, every one of its nodes would).
#[test]
fn a_large_batch_raises_work_mem_for_its_transaction_only() {
    use lobu_admin::{db as ldb, dispatch};
    let db = TestDb::new();
    mac_org(&db, "acme");
    let mut c = db.client();
    crate::support::due_watchers(&mut c, "acme", 20_001, "0 9 * * *");
    let opts = dispatch::Options {
        limit: 30_000,
        ..dispatch::Options::default()
    };
    // this backend's temporary files so far, its pending statistics flushed first
    // (`pg_stat_force_next_flush`, PostgreSQL 15 and later: an older server fails the test
    // rather than passing it unchecked)
    let version: String = c.query_one("SHOW server_version_num", &[]).unwrap().get(0);
    assert!(
        version.parse::<i32>().unwrap() >= 150_000,
        "this test reads temporary files through pg_stat_force_next_flush (PostgreSQL 15+)"
    );
    let temp_files = |c: &mut ldb::Client| -> i64 {
        c.batch_execute("SELECT pg_stat_force_next_flush()")
            .unwrap();
        c.batch_execute("SELECT 1").unwrap();
        c.query_one(
            "SELECT temp_files FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .unwrap()
        .get(0)
    };
    c.batch_execute("SET work_mem = '64kB'").unwrap();
    let before = temp_files(&mut c);
    let t = dispatch::tick(&mut c, ldb::Clock::Database, &opts).unwrap();
    assert_eq!(t.queued, 20_001);
    assert_eq!(temp_files(&mut c), before, "the tick wrote temporary files");
    let after: String = c.query_one("SHOW work_mem", &[]).unwrap().get(0);
    assert_eq!(after, "64kB");
}
