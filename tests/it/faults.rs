//! SPEC 13, faults of the real world: dark network paths (a network namespace with an
//! nftables drop rule), skewed host clocks (libfaketime), transient errors in the loop.

use std::time::{Duration, Instant};

use crate::support::cluster::Cluster;
use crate::support::netns::Netns;
use crate::support::service::Loop;
use crate::support::{bootstrapped_org, cli, due_watchers, mac_org, s, TestDb};

const TICK: &str = "\"event\":\"tick\"";
const LOST: &str = "\"event\":\"database_lost\"";

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("lobu-admin")
}

/// A cluster inside `ns` with a migrated database `lobu` holding an org with 5 watchers
/// due every minute.
fn dark_able_cluster(ns: &Netns, extra_conf: &str) -> Cluster {
    let cluster = Cluster::init_in("dark", &ns.name);
    cluster.conf(extra_conf);
    cluster.start();
    cluster.migrated_db("lobu");
    let mut c = cluster.lib_admin("lobu");
    bootstrapped_org(&mut c, "acme");
    due_watchers(&mut c, "acme", 5, "* * * * *");
    cluster
}

/// No watcher has two active runs, and no slot was queued twice.
fn assert_nothing_doubled(cluster: &Cluster) {
    let doubled: i64 = cluster
        .admin("lobu")
        .query_one(
            "SELECT count(*) FROM (
                 SELECT watcher_id, scheduled_for FROM runs WHERE status <> 'skipped'
                 GROUP BY 1, 2 HAVING count(*) > 1) d",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(doubled, 0, "a slot was queued twice");
    let active: i64 = cluster
        .admin("lobu")
        .query_one(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM runs
             WHERE status IN ('pending', 'claimed', 'running') GROUP BY watcher_id) d",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(active <= 1, "a watcher has {active} active runs");
}

#[test]
fn dark_path_one_shot_and_loop() {
    let ns = Netns::new("dark-path");
    let cluster = dark_able_cluster(&ns, "");
    let url = cluster.url("postgres", "lobu");
    let service = Loop::dispatch_with(ns.command(bin()), &url, &[]);
    let started = Instant::now();
    service
        .wait_for(TICK, started, Duration::from_secs(30))
        .expect("a first tick");

    ns.go_dark(cluster.port, None);
    let dark = Instant::now();
    // a one-shot command on the dark path: exit 6, quickly
    let one_shot = ns
        .command(bin())
        .args(["org", "list"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let one_shot_secs = dark.elapsed().as_secs_f64();
    assert_eq!(
        one_shot.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&one_shot.stderr)
    );
    assert!(one_shot_secs < 15.0, "one-shot took {one_shot_secs:.1}s");
    let lost = service
        .wait_for(LOST, dark, Duration::from_secs(30))
        .expect("database_lost");
    let lost_secs = (lost - dark).as_secs_f64();
    // stay dark a while longer: the loop keeps trying (every host, every interval)
    std::thread::sleep(Duration::from_secs(8));

    ns.heal();
    let healed = Instant::now();
    let back = service
        .wait_for(TICK, healed, Duration::from_secs(30))
        .expect("a tick after healing");
    let back_secs = (back - healed).as_secs_f64();
    let (status, stderr, lines) = service.stop("TERM");
    eprintln!(
        "dark path: one-shot exit 6 after {one_shot_secs:.2}s; database_lost after \
         {lost_secs:.2}s; first tick {back_secs:.2}s after healing"
    );
    assert!(status.success(), "{stderr}");
    assert!(lost_secs < 15.0, "database_lost after {lost_secs:.1}s");
    assert!(
        back_secs < 6.0,
        "first tick {back_secs:.1}s after healing (interval 1s + 5s)"
    );
    let losses = lines.iter().filter(|(_, l)| l.contains(LOST)).count();
    assert_eq!(losses, 1, "{lines:?}");
    assert_nothing_doubled(&cluster);
}

#[test]
fn dark_first_host_moves_to_the_second() {
    let ns = Netns::new("dark-host");
    // one server on two addresses: the first goes dark, the second stays a healthy primary
    let cluster = dark_able_cluster(&ns, "listen_addresses = '127.0.0.1,127.0.0.2'\n");
    let url = format!(
        "postgres://postgres@127.0.0.1:{p},127.0.0.2:{p}/lobu?target_session_attrs=read-write",
        p = cluster.port
    );
    let service = Loop::dispatch_with(ns.command(bin()), &url, &[]);
    service
        .wait_for(TICK, Instant::now(), Duration::from_secs(30))
        .expect("a first tick");
    ns.go_dark(cluster.port, Some("127.0.0.1"));
    let dark = Instant::now();
    let lost = service
        .wait_for(LOST, dark, Duration::from_secs(30))
        .expect("database_lost");
    let moved = service
        .wait_for(TICK, lost, Duration::from_secs(30))
        .expect("a tick on the second host");
    let (status, stderr, _) = service.stop("TERM");
    let moved_secs = (moved - dark).as_secs_f64();
    eprintln!(
        "multi-host: database_lost after {:.2}s, ticking on the second host after {moved_secs:.2}s",
        (lost - dark).as_secs_f64()
    );
    assert!(status.success(), "{stderr}");
    assert!(moved_secs < 15.0, "moved over after {moved_secs:.1}s");
    assert_nothing_doubled(&cluster);
}

/// `lobu-admin` on a host whose clock is `offset` away.
fn skewed(db: &TestDb, offset: &str) -> crate::support::cli::Cli {
    cli(db).skewed(offset)
}

/// Seconds between the database's clock and a timestamp expression (absolute).
fn off_db_clock(db: &TestDb, expr: &str) -> f64 {
    db.scalar(&format!(
        "SELECT abs(extract(epoch FROM now() - ({expr})))::float8"
    ))
}

#[test]
fn skewed_host_clocks_decide_on_the_database_clock() {
    for (offset, secs) in [
        ("+5m", 300.0),
        ("-5m", -300.0),
        ("+2h", 7200.0),
        ("-2h", -7200.0),
    ] {
        let db = TestDb::new();
        let dev = mac_org(&db, "acme");
        let w = dev.watcher.unwrap();
        // the skew is real: `schedule preview` (no database) runs on the host's clock
        let preview = skewed(&db, offset)
            .args([
                "schedule",
                "preview",
                "* * * * *",
                "--timezone",
                "UTC",
                "--count",
                "1",
            ])
            .json();
        let host_ahead: f64 = db.scalar(&format!(
            "SELECT extract(epoch FROM '{}'::timestamptz - now())::float8",
            preview[0]["at_utc"].as_str().unwrap()
        ));
        assert!(
            (host_ahead - secs).abs() < 90.0,
            "{offset}: host is {host_ahead}s ahead"
        );

        // a slot 2 minutes ahead of the database's clock is not due, however fast the host
        db.client()
            .execute(
                "UPDATE watchers SET next_run_at = now() + interval '2 minutes'",
                &[],
            )
            .unwrap();
        let tick = skewed(&db, offset).args(["dispatch"]).json();
        assert_eq!(tick["queued"], 0, "{offset}: fired early: {tick}");
        // a slot a minute behind it is due, however slow the host
        db.client()
            .execute(
                "UPDATE watchers SET next_run_at = now() - interval '1 minute'",
                &[],
            )
            .unwrap();
        let tick = skewed(&db, offset).args(["dispatch"]).json();
        assert_eq!(tick["queued"], 1, "{offset}: did not fire: {tick}");
        let q = format!("(SELECT queued_at FROM runs WHERE watcher_id = {w})");
        assert!(off_db_clock(&db, &q) < 10.0, "{offset}: queued_at");
        let next: f64 = db.scalar(&format!(
            "SELECT extract(epoch FROM next_run_at - now())::float8 FROM watchers WHERE id = {w}"
        ));
        assert!(
            next > 0.0 && next <= 86_400.0,
            "{offset}: next_run_at {next}s away"
        );

        // the device claims on the skewed host: claimed_at is the database's time, so a
        // dispatcher on a correct host neither requeues nor times it out
        let claimed = skewed(&db, offset)
            .args(["runs", "claim"])
            .token(&dev.token)
            .json();
        let run = claimed[0]["id"].as_i64().unwrap();
        let r = |col: &str| format!("(SELECT {col} FROM runs WHERE id = {run})");
        assert!(
            off_db_clock(&db, &r("claimed_at")) < 10.0,
            "{offset}: claimed_at"
        );
        let tick = cli(&db).args(["dispatch"]).json();
        assert!(tick.get("rescued").is_none(), "{offset}: rescued: {tick}");
        skewed(&db, offset)
            .args(["runs", "heartbeat", &run.to_string()])
            .token(&dev.token)
            .json();
        assert!(
            off_db_clock(&db, &r("heartbeat_at")) < 10.0,
            "{offset}: heartbeat_at"
        );
        skewed(&db, offset)
            .args(["runs", "complete", &run.to_string()])
            .token(&dev.token)
            .json();
        assert!(
            off_db_clock(&db, &r("finished_at")) < 10.0,
            "{offset}: finished_at"
        );
        let fired = format!("(SELECT last_fired_at FROM watchers WHERE id = {w})");
        assert!(off_db_clock(&db, &fired) < 10.0, "{offset}: last_fired_at");

        // a token made on the skewed host expires an hour after the database's now, and the
        // skewed host can use it (a fast host used to see it expired)
        let t = skewed(&db, offset)
            .args([
                "tokens",
                "create",
                "--device",
                &dev.id.to_string(),
                "--expires-in",
                "1h",
            ])
            .json();
        let exp = format!(
            "(SELECT expires_at - interval '1 hour' FROM device_tokens WHERE id = '{}')",
            s(&t, "id")
        );
        assert!(off_db_clock(&db, &exp) < 10.0, "{offset}: expires_at");
        let trig = skewed(&db, offset)
            .args(["watchers", "trigger", &w.to_string()])
            .token(&s(&t, "token"))
            .json();
        assert!(off_db_clock(&db, &format!("'{}'::timestamptz", s(&trig, "queued_at"))) < 10.0);
        let reg = skewed(&db, offset)
            .args([
                "register-device",
                "--org",
                "acme",
                "--user",
                "u1",
                "--worker-id",
                "mbp",
            ])
            .args(["--platform", "macos"])
            .json();
        assert_eq!(reg["created"], false);
        let seen = "(SELECT max(last_seen_at) FROM devices)";
        assert!(off_db_clock(&db, seen) < 10.0, "{offset}: last_seen_at");
    }
}

/// Stale running runs (no heartbeat for 40, 30, 20 minutes) that a tick's rescue updates in
/// that order; their ids.
fn stale_runs(db: &TestDb) -> Vec<i64> {
    db.client()
        .query(
            "INSERT INTO runs (org_id, agent_id, dispatch_source, triggered_by, status,
                               queued_at, claimed_at, heartbeat_at)
             SELECT 'acme', 'owletto-default', 'manual', 'admin', 'running',
                    now() - make_interval(mins => m), now() - make_interval(mins => m),
                    now() - make_interval(mins => m)
             FROM unnest(ARRAY[40, 30, 20]) m
             RETURNING id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Waits for a `tick_failed` event of `kind` after `since`.
fn failed(service: &Loop, kind: &str, since: Instant) -> Instant {
    service
        .wait_for(
            &format!("\"kind\":\"{kind}\""),
            since,
            Duration::from_secs(30),
        )
        .unwrap_or_else(|| panic!("no tick_failed {kind}: {:?}", service.lines()))
}

fn next_tick(service: &Loop, since: Instant) {
    service
        .wait_for(TICK, since, Duration::from_secs(30))
        .unwrap_or_else(|| panic!("no tick since: {:?}", service.lines()));
}

#[test]
fn transient_errors_keep_the_loop_ticking() {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    // this test's locks, on a session with the server's default timeouts
    let mut holder = db.client();
    let set = |sql: &str| {
        db.client()
            .batch_execute(&sql.replace("DB", &db.name))
            .unwrap();
    };
    // the database's own timeouts win over this tool's: a lock wait ends in statement_timeout
    set(
        "ALTER DATABASE DB SET lock_timeout = '1h'; ALTER DATABASE DB SET statement_timeout = '2s'",
    );
    let service = Loop::dispatch(&db.url, &[]);
    next_tick(&service, Instant::now());

    // statement timeout: the tick's rescue waits on a run row this test holds
    let ids = stale_runs(&db);
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", &[&ids[2]])
        .unwrap();
    let at = failed(&service, "statement_timeout", Instant::now());
    tx.rollback().unwrap();
    next_tick(&service, at);

    // a terminated backend: reported, reconnected, ticking on a session with this tool's
    // timeouts again
    set(
        "ALTER DATABASE DB RESET lock_timeout; ALTER DATABASE DB RESET statement_timeout; \
         ALTER DATABASE DB SET deadlock_timeout = '3s'",
    );
    let since = Instant::now();
    // (this test's own clients say application_name lobu-admin too)
    let holder_pid: i32 = holder
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let killed: i64 = db.scalar(&format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = '{}' AND application_name = 'lobu-admin'
           AND pid NOT IN (pg_backend_pid(), {holder_pid})",
        db.name
    ));
    assert_eq!(killed, 1);
    let at = failed(&service, "connection_lost", since);
    service
        .wait_for("\"event\":\"database_back\"", at, Duration::from_secs(30))
        .expect("database_back");

    // lock timeout (this tool's 5 s)
    let ids = stale_runs(&db);
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", &[&ids[2]])
        .unwrap();
    let at = failed(&service, "lock_timeout", Instant::now());
    tx.rollback().unwrap();
    next_tick(&service, at);

    // a deadlock: the tick holds the older stale runs and waits for the newest, which this
    // test holds; the test then asks for one the tick holds. The tick's deadlock check
    // (3 s) runs first, so the tick is the one aborted.
    let ids = stale_runs(&db);
    let since = Instant::now();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("SET LOCAL deadlock_timeout = '60s'")
        .unwrap();
    tx.execute("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", &[&ids[2]])
        .unwrap();
    crate::support::until_a_session_waits_on_a_lock(&mut db.client(), &db.name);
    let free: Vec<i64> = tx
        .query(
            "SELECT id FROM runs WHERE id = ANY($1) FOR UPDATE SKIP LOCKED",
            &[&ids[..2].to_vec()],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let held_by_tick = ids[..2].iter().find(|id| !free.contains(id)).copied();
    let held_by_tick = held_by_tick.expect("the tick holds an older stale run");
    tx.execute(
        "SELECT 1 FROM runs WHERE id = $1 FOR UPDATE",
        &[&held_by_tick],
    )
    .unwrap();
    let at = failed(&service, "deadlock", since);
    tx.rollback().unwrap();
    next_tick(&service, at);

    let (status, stderr, lines) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    assert!(
        lines
            .last()
            .is_some_and(|(_, l)| l.contains("\"event\":\"stopped\"")),
        "{lines:?}"
    );
}

#[test]
fn the_loop_stops_on_what_a_retry_cannot_fix() {
    // an unmigrated database: schema mismatch, said as an event, then exit 7
    let db = TestDb::empty();
    let service = Loop::dispatch(&db.url, &[]);
    stops_with_exit_7_saying(service, "schema_mismatch");
}

/// Waits for the loop's `fatal` event, stops it, and checks it exited 7 with an event
/// line containing `said`.
fn stops_with_exit_7_saying(service: Loop, said: &str) {
    let fatal = service.wait_for(
        "\"event\":\"fatal\"",
        Instant::now(),
        Duration::from_secs(30),
    );
    let (status, stderr, lines) = service.stop("TERM");
    assert!(fatal.is_some(), "{lines:?} {stderr}");
    assert_eq!(status.code(), Some(7), "{stderr}");
    assert!(lines.iter().any(|(_, l)| l.contains(said)), "{lines:?}");
}

#[test]
fn a_loop_whose_schema_moves_past_it_stops_at_its_next_tick() {
    // every transaction checks the schema in its first statement: a newer binary's
    // migration under a running loop is seen at the next tick, said, and exit 7
    let db = TestDb::new();
    let service = Loop::dispatch(&db.url, &[]);
    let first = service.wait_for(
        "\"event\":\"tick\"",
        Instant::now(),
        Duration::from_secs(30),
    );
    assert!(first.is_some());
    db.newer_migration(999, false);
    stops_with_exit_7_saying(service, "newer than this binary");
}

/// `register-device` on a host whose clock is off: a bootstrapped organisation's first Mac
/// gets its daily check-in at the next 09:00 after the database's clock, in the device's
/// zone, whether the flight picked it among the fire times the host sent (within a day)
/// or the registration ran again on the database's clock (further off).
#[test]
fn a_first_mac_on_a_skewed_host_is_due_at_the_database_s_next_nine() {
    let db = TestDb::new();
    for (i, offset) in ["+20h", "-20h", "+3d", "-3d"].iter().enumerate() {
        let org = format!("o{i}");
        bootstrapped_org(&mut db.client(), &org);
        let r = skewed(&db, offset)
            .args([
                "-o",
                "json",
                "register-device",
                "--org",
                &org,
                "--user",
                "u1",
                "--worker-id",
                "mbp",
                "--platform",
                "macos",
                "--timezone",
                "Pacific/Auckland",
            ])
            .json();
        assert_eq!(r["default_watcher"]["outcome"], "created", "{offset}: {r}");
        let row = db
            .client()
            .query_one(
                "SELECT created_at, next_run_at FROM watchers WHERE org_id = $1",
                &[&org],
            )
            .unwrap();
        let (created, next): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
            (row.get(0), row.get(1));
        assert!(
            off_db_clock(&db, &format!("'{created}'::timestamptz")) < 60.0,
            "{offset}"
        );
        let expected = lobu_admin::schedule::Schedule::parse("0 9 * * *")
            .unwrap()
            .next_after(chrono_tz::Pacific::Auckland, created)
            .unwrap();
        assert_eq!(next, expected, "{offset}: created at {created}");
    }
}
