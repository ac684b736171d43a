//! SPEC 19, upgrades without downtime: the previous release's binary (built from the
//! commit before this release's first migration, V9) keeps working, and never waits long, while this one
//! migrates; compatibility marks decide who is served; an interrupted migration finishes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::service::Loop;
use crate::support::{cli, previous, TestDb};

/// One organisation with 200 watchers due every 5 minutes and `runs` finished runs among
/// them, written by hand-written SQL that both schemas accept.
fn fill(db: &TestDb, runs: i32) {
    let per_watcher = runs / 200;
    db.client()
        .batch_execute(&format!(
            "INSERT INTO organizations (id, name) VALUES ('acme', 'Acme');
             INSERT INTO agents (org_id, id, name) VALUES ('acme', 'owletto-default', 'A');
             INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, next_run_at)
             SELECT 'acme', 'w' || i, 'W', 'p', '*/5 * * * *', 'owletto-default',
                    now() - interval '1 minute'
             FROM generate_series(1, 200) i;
             INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, queued_at, finished_at)
             SELECT 'acme', w.id, w.agent_id, 'scheduled', 'schedule', 'completed',
                    now() - interval '2 days', now() - interval '2 days'
             FROM watchers w, generate_series(1, {per_watcher})"
        ))
        .unwrap();
    db.client().batch_execute("VACUUM ANALYZE").unwrap();
}

/// A lane of the load: its name and the arguments of its i-th call.
type Lane<'a> = (&'static str, Box<dyn Fn(usize) -> Vec<String> + Sync + 'a>);

/// What one call of the load did.
#[derive(Debug)]
struct Call {
    what: &'static str,
    started: Instant,
    took: Duration,
    code: i32,
    stderr: String,
}

/// Runs the previous release's commands every 100 ms each until `stop`: admin triggers
/// (cycling through the watchers), `watchers list`, `runs list` and a dispatch tick.
fn load(url: &str, watchers: &[i64], stop: &AtomicBool) -> Vec<Call> {
    let lanes: [Lane; 4] = [
        (
            "trigger",
            Box::new(|i| {
                vec![
                    "watchers".into(),
                    "trigger".into(),
                    watchers[i % watchers.len()].to_string(),
                    "--admin".into(),
                ]
            }),
        ),
        (
            "watchers list",
            Box::new(|_| {
                vec![
                    "watchers".into(),
                    "list".into(),
                    "--org".into(),
                    "acme".into(),
                ]
            }),
        ),
        (
            "runs list",
            Box::new(|_| {
                ["runs", "list", "--org", "acme", "--limit", "20"]
                    .map(String::from)
                    .to_vec()
            }),
        ),
        ("dispatch", Box::new(|_| vec!["dispatch".into()])),
    ];
    std::thread::scope(|s| {
        let handles: Vec<_> = lanes
            .iter()
            .map(|(what, args)| {
                s.spawn(move || {
                    let mut calls = Vec::new();
                    let mut i = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let started = Instant::now();
                        let r = previous::cli(url).args(args(i)).run();
                        calls.push(Call {
                            what,
                            started,
                            took: started.elapsed(),
                            code: r.code,
                            stderr: r.stderr,
                        });
                        i += 1;
                        std::thread::sleep(
                            Duration::from_millis(100).saturating_sub(started.elapsed()),
                        );
                    }
                    calls
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn the_previous_release_stays_served_and_unblocked_while_this_one_migrates_a_million_runs() {
    let db = TestDb::empty();
    previous::cli(&db.url).args(["migrate"]).run().code(0);
    fill(&db, 1_000_000);
    let watchers: Vec<i64> = db
        .client()
        .query("SELECT id FROM watchers ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();

    // what the operator reads first: every pending migration, its locks, who stays served
    let plan = cli(&db).args(["migrate", "--dry-run"]).run();
    plan.code(0);
    eprintln!("migrate --dry-run:\n{}", plan.stdout);
    let json = cli(&db).args(["migrate", "--dry-run"]).json();
    assert_eq!(json["older_binaries_served"], true, "{json}");
    assert!(
        !json["pending"].as_array().unwrap().is_empty(),
        "nothing pending between the previous release and this one: {json}"
    );
    let history: i64 =
        db.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'lobu_migration_steps'");
    assert_eq!(history, 0, "the dry run wrote nothing");

    let stop = AtomicBool::new(false);
    let (calls, migrated, window) = std::thread::scope(|s| {
        let load = s.spawn(|| load(&db.url, &watchers, &stop));
        std::thread::sleep(Duration::from_secs(1));
        let started = Instant::now();
        let r = cli(&db).args(["-o", "json", "migrate"]).run();
        let window = (started, started.elapsed());
        // the previous release goes on after the migration as before it
        std::thread::sleep(Duration::from_secs(1));
        stop.store(true, Ordering::SeqCst);
        (load.join().unwrap(), r, window)
    });
    migrated.code(0);
    let report = migrated.json();
    let (start, took) = window;
    let during: Vec<&Call> = calls
        .iter()
        .filter(|c| c.started + c.took >= start && c.started <= start + took)
        .collect();
    let after: Vec<&Call> = calls.iter().filter(|c| c.started > start + took).collect();
    let slowest = calls.iter().max_by_key(|c| c.took).unwrap();
    eprintln!(
        "migrate took {:.2} s ({report}); {} calls of the previous release in all, {} during \
         the migration, slowest {:?} ({}), failures {}",
        took.as_secs_f64(),
        calls.len(),
        during.len(),
        slowest.took,
        slowest.what,
        calls.iter().filter(|c| c.code != 0).count()
    );
    for what in ["trigger", "watchers list", "runs list", "dispatch"] {
        let of: Vec<&&Call> = during.iter().filter(|c| c.what == what).collect();
        assert!(!of.is_empty(), "no {what} ran during the migration");
    }
    for c in &calls {
        assert_eq!(c.code, 0, "{} failed: {}", c.what, c.stderr);
        assert!(
            c.took < Duration::from_secs(1),
            "{} took {:?} during the upgrade",
            c.what,
            c.took
        );
    }
    assert!(after.len() >= 4, "the previous release is still served");
    assert!(
        !report["applied"].as_array().unwrap().is_empty(),
        "{report}"
    );
    every_index_valid(&db);
}

fn every_index_valid(db: &TestDb) {
    let invalid: Vec<String> = db
        .client()
        .query(
            "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE NOT (i.indisvalid AND i.indisready)",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(invalid.is_empty(), "invalid indexes: {invalid:?}");
}

#[test]
fn compatibility_marks_decide_which_binaries_are_served() {
    let db = TestDb::empty();
    previous::cli(&db.url).args(["migrate"]).run().code(0);
    cli(&db).args(["migrate"]).run().code(0);
    // a history written by the previous release is marked for this binary (the marks
    // since V13)
    assert_eq!(
        db.serving_marks(),
        crate::support::db::serving_marks_vouched()
    );
    // after this release's compatible migrations, the previous release is served
    previous::cli(&db.url).args(["org", "list"]).run().code(0);
    cli(&db).args(["org", "list"]).run().code(0);
    db.newer_migration(900, true);
    cli(&db).args(["org", "list"]).run().code(0);
    previous::cli(&db.url).args(["org", "list"]).run().code(0);
    let status = cli(&db).args(["migrate", "status"]).json();
    let last = status.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["state"], "unknown (newer than this binary)",
        "{status}"
    );
    assert_eq!(last["compatible"], true, "{status}");
    cli(&db).args(["migrate"]).run().code(0);

    db.newer_migration(901, false);
    for r in [
        cli(&db).args(["org", "list"]).run(),
        previous::cli(&db.url).args(["org", "list"]).run(),
        cli(&db).args(["migrate"]).run(),
    ] {
        r.code(7);
        assert!(r.stderr.contains("newer than this binary"), "{}", r.stderr);
    }
}

#[test]
fn a_previous_release_loop_keeps_ticking_across_a_compatible_migration_and_stops_at_an_incompatible_one(
) {
    let db = TestDb::empty();
    previous::cli(&db.url).args(["migrate"]).run().code(0);
    let service = Loop::dispatch_with(std::process::Command::new(previous::binary()), &db.url, &[]);
    let tick =
        |since: Instant| service.wait_for("\"event\":\"tick\"", since, Duration::from_secs(30));
    assert!(tick(Instant::now()).is_some());
    cli(&db).args(["migrate"]).run().code(0);
    let after = Instant::now();
    assert!(tick(after).is_some(), "the loop ticks after the migration");
    assert!(service
        .wait_for("\"event\":\"fatal\"", after, Duration::from_millis(10))
        .is_none());
    db.newer_migration(902, false);
    let fatal = service.wait_for("\"event\":\"fatal\"", after, Duration::from_secs(30));
    let (status, stderr, _) = service.stop("TERM");
    assert!(fatal.is_some(), "{stderr}");
    assert_eq!(status.code(), Some(7), "{stderr}");
}

#[test]
fn an_interrupted_migrate_finishes_with_every_index_valid() {
    let db = TestDb::empty();
    previous::cli(&db.url).args(["migrate"]).run().code(0);
    fill(&db, 1_000_000);
    // with the check on, a backend notices within 100 ms that its client is gone and stops
    // the build (without it, the server finishes the build on its own)
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE {} SET client_connection_check_interval = '100ms'",
            db.name
        ))
        .unwrap();
    let mut watch = db.client();
    kill_migrate_while(
        &db,
        &mut watch,
        "SELECT count(*) FROM pg_stat_progress_create_index p
         JOIN pg_class c ON c.oid = p.index_relid
         WHERE c.relname = 'runs_watcher_fk'",
    );
    // the server notices and rolls the build back, leaving the index invalid
    let start = Instant::now();
    while watch
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1
             AND application_name = 'lobu-admin' AND pid <> pg_backend_pid()",
            &[&db.name],
        )
        .unwrap()
        .get::<_, i64>(0)
        > 0
    {
        assert!(start.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(20));
    }
    let invalid: i64 = db.scalar(
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname = 'runs_watcher_fk' AND NOT i.indisvalid",
    );
    assert_eq!(invalid, 1, "the interrupted build left its index invalid");
    let status = cli(&db).args(["migrate", "status"]).json();
    assert!(
        status
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["state"] == "in_progress"),
        "{status}"
    );
    let second = cli(&db).args(["migrate"]).json();
    assert_eq!(
        second["rebuilt_indexes"],
        serde_json::json!(["runs_watcher_fk"])
    );
    every_index_valid(&db);
    let present: i64 = db.scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname IN ('runs_watcher_fk', 'devices_org_worker')",
    );
    assert_eq!(present, 2);
    cli(&db).args(["org", "list"]).run().code(0);
}

#[test]
fn the_dry_run_names_the_locks_postgresql_takes() {
    // every statement of every migration, applied one at a time in a transaction where it
    // can be: the strongest lock it held on a table that others use is what the dry run
    // prints (CONCURRENTLY statements cannot run in a transaction; PostgreSQL documents
    // SHARE UPDATE EXCLUSIVE for them)
    // and, after them, statements no migration uses yet: `CREATE OR REPLACE` of a trigger
    // locks its table as `CREATE TRIGGER` does (it was read as locking nothing)
    let later = "
        CREATE OR REPLACE FUNCTION lobu_test_noop() RETURNS trigger LANGUAGE plpgsql
            AS $$ BEGIN RETURN NEW; END $$;
        CREATE OR REPLACE TRIGGER lobu_test_noop BEFORE UPDATE OF error ON runs
            FOR EACH ROW EXECUTE FUNCTION lobu_test_noop();
        CREATE OR REPLACE TRIGGER lobu_test_noop BEFORE UPDATE OF output ON runs
            FOR EACH ROW EXECUTE FUNCTION lobu_test_noop();";
    let db = TestDb::empty();
    let mut c = db.client();
    // the runner's history table, which it creates before any migration (V13 adds a
    // trigger to it)
    c.batch_execute(
        "CREATE TABLE lobu_migrations (version integer PRIMARY KEY, name text NOT NULL,
             checksum text NOT NULL, compatible boolean NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .unwrap();
    let mut own: Vec<String> = Vec::new();
    let mut version = 0;
    let reading = lobu_admin::db::migrate::lock_reading_with(&[(9999, later)]).unwrap();
    assert_eq!(reading.iter().filter(|r| r.0 == 9999).count(), 3);
    for (v, statement, expected) in reading {
        if v != version {
            version = v;
            own.clear();
        }
        if statement.to_ascii_uppercase().contains("CONCURRENTLY") {
            c.batch_execute(&statement).unwrap();
            continue;
        }
        let before: Vec<String> = c
            .query(
                "SELECT relname::text FROM pg_class WHERE relkind = 'r'
                 AND relnamespace = 'public'::regnamespace",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut tx = c.transaction().unwrap();
        tx.batch_execute(&statement).unwrap();
        let mut held: Vec<(String, String)> = tx
            .query(
                "SELECT c.relname::text, l.mode FROM pg_locks l
                 JOIN pg_class c ON c.oid = l.relation
                 WHERE l.pid = pg_backend_pid() AND c.relkind = 'r'
                   AND c.relnamespace = 'public'::regnamespace",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .filter(|(t, _): &(String, String)| before.contains(t) && !own.contains(t))
            .collect();
        tx.commit().unwrap();
        let created: Vec<String> = c
            .query(
                "SELECT relname::text FROM pg_class WHERE relkind = 'r'
                 AND relnamespace = 'public'::regnamespace",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .filter(|t| !before.contains(t))
            .collect();
        own.extend(created);
        // the strongest mode per table
        let rank = |m: &str| {
            [
                "AccessShareLock",
                "RowShareLock",
                "RowExclusiveLock",
                "ShareUpdateExclusiveLock",
                "ShareLock",
                "ShareRowExclusiveLock",
                "ExclusiveLock",
                "AccessExclusiveLock",
            ]
            .iter()
            .position(|x| *x == m)
            .unwrap()
        };
        held.sort_by(|a, b| a.0.cmp(&b.0).then(rank(&b.1).cmp(&rank(&a.1))));
        held.dedup_by(|a, b| a.0 == b.0);
        let mut printed: Vec<(String, String)> = expected
            .iter()
            .map(|l| (l.table.clone(), l.mode.pg_name().to_string()))
            .collect();
        printed.sort();
        assert_eq!(printed, held, "V{v}: {statement}");
    }
    // a view replaced is not known to lock nothing: the reading assumes the worst
    let view = lobu_admin::db::migrate::lock_reading_with(&[(
        9999,
        "CREATE OR REPLACE VIEW lobu_test_view AS SELECT id FROM runs",
    )])
    .unwrap();
    assert!(!view.last().unwrap().2.is_empty(), "{view:?}");
}

#[test]
fn a_concurrently_build_that_fails_is_dropped_and_built_again_never_recorded_invalid() {
    // a database whose own lock_timeout is short: CREATE INDEX CONCURRENTLY waits for the
    // writers of its table with it (SET LOCAL is impossible outside a transaction block),
    // fails while one holds on, and leaves its index invalid
    let db = TestDb::empty();
    previous::cli(&db.url).args(["migrate"]).run().code(0);
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE {} SET lock_timeout = '300ms'",
            db.name
        ))
        .unwrap();
    let mut writer = db.client();
    writer
        .batch_execute("BEGIN; LOCK TABLE devices IN ROW EXCLUSIVE MODE")
        .unwrap();
    // the writer commits once a build has failed (its session idle with the build as its
    // last statement, during migrate's backoff): a fixed delay raced migrate's three tries,
    // ~1.5 s on an idle machine
    let mut watch = db.client();
    let release = std::thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30)
            && watch
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND state <> 'active'
                       AND query LIKE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS devices_org_worker%'",
                    &[],
                )
                .unwrap()
                .get::<_, i64>(0)
                == 0
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        writer.batch_execute("COMMIT").unwrap();
    });
    let r = cli(&db).args(["migrate"]).json();
    release.join().unwrap();
    assert_eq!(
        r["rebuilt_indexes"],
        serde_json::json!(["devices_org_worker"]),
        "{r}"
    );
    let v9 = &r["applied"].as_array().unwrap()[0];
    assert!(v9["retries"].as_u64().unwrap() >= 1, "{r}");
    every_index_valid(&db);
    let status = cli(&db).args(["migrate", "status"]).json();
    assert!(
        status
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "applied"),
        "{status}"
    );
}

#[test]
fn a_second_migrate_says_whom_it_waits_for() {
    let db = TestDb::empty();
    // a migrator that holds the lock (its key, in a transaction that stays open)
    let mut first = db.client();
    first
        .batch_execute("BEGIN; SELECT pg_advisory_xact_lock(7813572134997419890)")
        .unwrap();
    let pid: i32 = first
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_lobu-admin"))
        .env("DATABASE_URL", &db.url)
        .arg("migrate")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // the second one was refused the lock and has looked up who holds it: its last query,
    // finished (the text shows as the query starts, before it reads the locks), reads
    // pg_locks, or (a poll of 100 ms later) it is asking again after a ROLLBACK seen
    // before, since it looks up the holder once, after its first refusal
    let mut watch = db.client();
    let start = Instant::now();
    let mut rolled_back = false;
    loop {
        let queries: Vec<String> = watch
            .query(
                "SELECT query FROM pg_stat_activity WHERE datname = $1
                 AND pid <> pg_backend_pid() AND pid <> $2",
                &[&db.name, &pid],
            )
            .unwrap()
            .iter()
            .map(|r| r.get::<_, Option<String>>(0).unwrap_or_default())
            .collect();
        let looked_up: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1
                 AND pid <> pg_backend_pid() AND pid <> $2
                 AND query LIKE '%FROM pg_locks%' AND state <> 'active'",
                &[&db.name, &pid],
            )
            .unwrap()
            .get(0);
        if looked_up > 0
            || (rolled_back
                && queries
                    .iter()
                    .any(|q| q.contains("pg_try_advisory_xact_lock")))
        {
            break;
        }
        rolled_back |= queries.iter().any(|q| q.trim() == "ROLLBACK");
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no second migrator"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    first.batch_execute("COMMIT").unwrap();
    let out = second.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.lines().next(),
        Some(format!("waiting for another migrate (backend pid {pid}) to finish").as_str()),
        "{stderr}"
    );
}

#[test]
fn an_index_build_that_waits_for_an_old_snapshot_gives_up_naming_it() {
    // a transaction holding a snapshot (a pg_dump, a long report): CREATE INDEX
    // CONCURRENTLY waits for it to end, and cannot carry a lock_timeout; the watcher
    // cancels it after --index-wait, three tries, then exit 5 naming the transaction
    let db = TestDb::empty();
    previous::cli(&db.url).args(["migrate"]).run().code(0);
    let mut holder = db.client();
    holder
        .batch_execute(
            // a snapshot, and no lock on any table (those are the ALTERs' business)
            "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1",
        )
        .unwrap();
    let pid: i32 = holder
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let start = Instant::now();
    let r = cli(&db).args(["migrate", "--index-wait", "2s"]).run();
    // notes while it waited, then the one error line
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("waiting for older transactions to end (pid {pid}")),
        "{}",
        r.stderr
    );
    let error = r.stderr.lines().last().unwrap();
    assert!(error.starts_with("error: "), "{}", r.stderr);
    assert!(
        error.contains("devices_org_worker") && error.contains(&format!("pid {pid}")),
        "{error}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    // once it ends, migrate finishes (the cancelled build's index dropped and rebuilt)
    holder.batch_execute("COMMIT").unwrap();
    let second = cli(&db).args(["migrate"]).json();
    assert_eq!(
        second["rebuilt_indexes"],
        serde_json::json!(["devices_org_worker"]),
        "{second}"
    );
    every_index_valid(&db);
}

#[test]
fn a_migrate_run_right_after_a_kill_waits_for_the_build_the_server_still_runs() {
    // without client_connection_check_interval the server goes on with a killed client's
    // CREATE INDEX CONCURRENTLY until it has to talk to it; the next migrate waits for
    // that build instead of dropping an index in progress
    let db = TestDb::empty();
    previous::cli(&db.url).args(["migrate"]).run().code(0);
    fill(&db, 400_000);
    kill_migrate_while(
        &db,
        &mut db.client(),
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
         AND query LIKE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_watcher_fk%'",
    );
    let r = cli(&db).args(["-o", "json", "migrate"]).run();
    r.code(0);
    assert!(
        r.stderr.is_empty() || r.stderr.contains("runs_watcher_fk"),
        "{}",
        r.stderr
    );
    // the build the server still ran is kept, not dropped as invalid and built again (it
    // was, or the drop failed with "tuple concurrently updated", until the wait came
    // before the index was judged)
    let report = r.json();
    assert_eq!(report["rebuilt_indexes"], serde_json::json!([]), "{report}");
    every_index_valid(&db);
    let present: i64 = db.scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname IN ('runs_watcher_fk', 'devices_org_worker')",
    );
    assert_eq!(present, 2);
}

#[test]
fn a_refusal_copies_nothing_and_the_dry_run_refuses_alike() {
    // a newer version found only in refinery's table: migrate refuses it (exit 7) and
    // writes nothing, so this release's commands go on being served; the dry run says the
    // same as migrate, having written nothing either
    let db = TestDb::new();
    db.client()
        .batch_execute(
            "INSERT INTO lobu_schema_history (version, name, applied_on, checksum)
             VALUES (1000, 'future', '2030-01-01T00:00:00Z', '42')",
        )
        .unwrap();
    for args in [&["migrate", "--dry-run"][..], &["migrate"][..]] {
        let r = cli(&db).args(args).run();
        r.code(7);
        assert!(r.stderr.contains("newer than this binary"), "{}", r.stderr);
    }
    let copied: i64 = db.scalar("SELECT count(*) FROM lobu_migrations WHERE version = 1000");
    assert_eq!(copied, 0);
    cli(&db).args(["org", "list"]).run().code(0);
}

/// Starts `migrate`, SIGKILLs it as soon as `building` (a count) is above zero, and fails
/// if it ends first or takes over a minute to get there.
fn kill_migrate_while(db: &TestDb, watch: &mut lobu_admin::db::Client, building: &str) {
    let mut migrate = std::process::Command::new(env!("CARGO_BIN_EXE_lobu-admin"))
        .env("DATABASE_URL", &db.url)
        .arg("migrate")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while watch.query_one(building, &[]).unwrap().get::<_, i64>(0) == 0 {
        assert!(
            migrate.try_wait().unwrap().is_none(),
            "migrate ended before the build"
        );
        assert!(start.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(5));
    }
    migrate.kill().unwrap();
    migrate.wait().unwrap();
}

#[test]
fn the_previous_release_cannot_write_into_an_organisation_being_deleted() {
    // V11's triggers refuse what a binary that knows nothing of `deleting_at` writes
    let db = TestDb::empty();
    cli(&db).args(["migrate"]).run().code(0);
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    cli(&db)
        .args(["provision-agent", "--org", "acme"])
        .run()
        .code(0);
    let crashed = lobu_admin::orgs::Lease::new(Duration::ZERO);
    lobu_admin::db::in_tx(&mut db.client(), |tx, now| {
        lobu_admin::orgs::mark_deleting(tx, "acme", &crashed, now)
    })
    .unwrap();
    let r = previous::cli(&db.url)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "Daily",
            "--schedule",
            "0 9 * * *",
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ])
        .run();
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("organization acme is being deleted; it accepts nothing new"),
        "{}",
        r.stderr
    );
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM watchers"), 0);
}
