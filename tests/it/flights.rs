//! One-shot commands send their whole transaction in one flight after connecting (the
//! settings, `BEGIN`, the statements, `COMMIT`): round trips counted by a proxy, and the
//! guarantees that still hold when nothing waits for an answer in between.

use std::time::{Duration, Instant};

use crate::support::db::TestDb;
use crate::support::proxy::Proxy;
use crate::support::{bare, cli, mac_org, pending_runs, Dev};

/// Connecting costs one round trip here (no TLS, trust authentication): the start-up
/// message, answered with the server's parameters and `ReadyForQuery`.
const CONNECT: usize = 1;

/// The round trips of one invocation through `proxy` (`LOBU_FLIGHTS_BIN` runs another build
/// of the tool, to measure it; then nothing is asserted).
fn flights(proxy: &Proxy, url: &str, dev: &Dev, args: &[&str], code: i32) -> usize {
    let before = proxy.flights();
    let c = match std::env::var_os("LOBU_FLIGHTS_BIN") {
        Some(bin) => crate::support::cli::Cli::with_program(std::path::Path::new(&bin), url),
        None => bare().env("DATABASE_URL", url),
    };
    let r = c.token(&dev.token).args(["-o", "json"]).args(args).run();
    r.code(code);
    // the proxy counts an answer as it passes; the process has exited by now
    std::thread::sleep(Duration::from_millis(20));
    proxy.flights() - before
}

#[test]
fn one_shot_commands_take_one_round_trip_after_connecting() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    pending_runs(&db, "acme", 2);
    let proxy = Proxy::start();
    let url = proxy.url(&db.name);
    let w = dev.watcher.unwrap().to_string();
    let claimed = |limit: &str| {
        let r = cli(&db)
            .token(&dev.token)
            .args(["-o", "json", "runs", "claim", "--limit", limit])
            .run();
        r.code(0);
        r.json()[0]["id"].to_string()
    };
    let mut table = Vec::new();
    let mut count = |name: &str, args: &[&str], code: i32| {
        let n = flights(&proxy, &url, &dev, args, code);
        table.push((name.to_string(), n));
    };
    count("org show", &["org", "show", "acme"], 0);
    count("org show (unknown: exit 3)", &["org", "show", "nope"], 3);
    count("watchers trigger (token)", &["watchers", "trigger", &w], 0);
    count(
        "watchers trigger (token, already queued)",
        &["watchers", "trigger", &w],
        0,
    );
    count(
        "watchers trigger --admin",
        &["watchers", "trigger", "--admin", &w],
        0,
    );
    count(
        "watchers trigger (unknown: exit 3)",
        &["watchers", "trigger", "999999"],
        3,
    );
    count("watchers show", &["watchers", "show", &w], 0);
    count(
        "watchers show (unknown: exit 3)",
        &["watchers", "show", "999999"],
        3,
    );
    let device = dev.id.to_string();
    count(
        "tokens create",
        &[
            "tokens",
            "create",
            "--device",
            &device,
            "--expires-in",
            "30d",
        ],
        0,
    );
    count(
        "tokens create (ORG:WORKER_ID)",
        &[
            "tokens",
            "create",
            "--device",
            "acme:mbp",
            "--expires-in",
            "30d",
        ],
        0,
    );
    count(
        "tokens create (unknown worker id: exit 3)",
        &["tokens", "create", "--device", "acme:nope"],
        3,
    );
    count(
        "tokens create (unknown device: exit 3)",
        &[
            "tokens",
            "create",
            "--device",
            &uuid::Uuid::nil().to_string(),
        ],
        3,
    );
    count("runs claim", &["runs", "claim", "--limit", "1"], 0);
    let run = claimed("1");
    count("runs heartbeat", &["runs", "heartbeat", &run], 0);
    count("runs complete", &["runs", "complete", &run], 0);
    count("runs complete (repeated)", &["runs", "complete", &run], 0);
    let other = claimed("1");
    count("runs fail", &["runs", "fail", &other, "--error", "boom"], 0);
    count(
        "runs heartbeat (ended: exit 5)",
        &["runs", "heartbeat", &other],
        5,
    );
    for (name, n) in &table {
        eprintln!("{name}: {n} round trips ({CONNECT} to connect)");
    }
    // the token's expiry is the database's clock plus its lifetime
    let days: f64 = db.scalar(
        "SELECT (extract(epoch FROM max(expires_at) - max(created_at)) / 86400)::float8 \
         FROM device_tokens",
    );
    assert!((days - 30.0).abs() < 0.001, "{days}");
    if std::env::var_os("LOBU_FLIGHTS_BIN").is_none() {
        for (name, n) in &table {
            assert_eq!(*n, CONNECT + 1, "{name}");
        }
    }
}

/// The token's last use, which authentication records in the same transaction.
fn last_used(db: &TestDb) -> Option<chrono::DateTime<chrono::Utc>> {
    db.scalar("SELECT max(last_used_at) FROM device_tokens")
}

fn runs(db: &TestDb) -> i64 {
    db.scalar("SELECT count(*) FROM runs")
}

#[test]
fn a_failed_statement_in_a_flight_writes_nothing() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    // the trigger's insert fails after the token's authentication has updated its row
    db.client()
        .batch_execute(
            "ALTER TABLE runs ADD CONSTRAINT no_manual_runs
             CHECK (dispatch_source <> 'manual') NOT VALID",
        )
        .unwrap();
    let r = cli(&db)
        .token(&dev.token)
        .args(["watchers", "trigger", &w])
        .run();
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no_manual_runs"), "{}", r.stderr);
    assert_eq!(
        (runs(&db), last_used(&db)),
        (0, None),
        "the pipelined COMMIT rolled back"
    );
    // a refused token writes nothing either, and says why
    db.client()
        .batch_execute("ALTER TABLE runs DROP CONSTRAINT no_manual_runs; UPDATE device_tokens SET revoked_at = now()")
        .unwrap();
    let r = cli(&db)
        .token(&dev.token)
        .args(["watchers", "trigger", &w])
        .run();
    r.code(4);
    assert_eq!(r.stderr, "error: device token has been revoked\n");
    assert_eq!((runs(&db), last_used(&db)), (0, None));
    let r = cli(&db)
        .token(&format!("lobu_dev_{}", "x".repeat(43)))
        .args(["runs", "claim"])
        .run();
    r.code(4);
    assert_eq!(r.stderr, "error: invalid device token\n");
}

/// A flight sent inside a transaction the library's caller left open fails, and its
/// `COMMIT` rolls the caller's work back instead of committing it.
#[test]
fn a_flight_inside_an_open_transaction_commits_nothing() {
    let db = TestDb::new();
    let mut c = db.client();
    lobu_admin::db::in_tx(&mut c, |tx, _| lobu_admin::orgs::create(tx, "acme", None)).unwrap();
    let r = lobu_admin::db::in_tx(&mut c, |tx, _| {
        lobu_admin::orgs::create(tx, "nested", None)?;
        lobu_admin::orgs::show_in_flight(tx, "acme")
    });
    let e = r.unwrap_err();
    assert_eq!(e.kind(), lobu_admin::ErrorKind::Internal, "{e}");
    assert!(e.to_string().contains("left open"), "{e}");
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations WHERE id = 'nested'");
    assert_eq!(orgs, 0, "the caller's insert was rolled back");
    // the connection is usable afterwards
    assert_eq!(
        lobu_admin::orgs::show_in_flight(&mut c, "acme").unwrap().id,
        "acme"
    );
    // without the serving mark too: the nesting is told before the schema's check fails
    db.drop_serving_mark();
    let r = lobu_admin::db::in_tx(&mut c, |tx, _| {
        lobu_admin::orgs::create(tx, "nested", None)?;
        lobu_admin::orgs::show_in_flight(tx, "acme")
    });
    let e = r.unwrap_err();
    assert!(e.to_string().contains("left open"), "{e}");
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations WHERE id = 'nested'");
    assert_eq!(orgs, 0, "the caller's insert was rolled back");
}

/// A statement whose parameters cannot be encoded is never sent, so the server cannot
/// fail it: the flight ends with `ROLLBACK`, not with a `COMMIT` of the statements before it.
#[test]
fn a_statement_that_cannot_be_encoded_writes_nothing() {
    use postgres::types::{ToSql, Type};
    let db = TestDb::new();
    let mut c = db.client();
    let insert: &[(&(dyn ToSql + Sync), Type)] = &[(&"acme", Type::TEXT)];
    let wrong: &[(&(dyn ToSql + Sync), Type)] = &[(&"not a number", Type::INT4)];
    let e = lobu_admin::db::flight(
        &mut c,
        &[
            (
                "INSERT INTO organizations (id, name) VALUES ($1, $1)",
                insert,
            ),
            ("SELECT $1::int", wrong),
        ],
    )
    .unwrap_err();
    assert!(e.to_string().contains("serializing parameter"), "{e}");
    let orgs: i64 = db.scalar("SELECT count(*) FROM organizations");
    assert_eq!(orgs, 0, "the statement before it was rolled back");
    lobu_admin::db::flight(&mut c, &[("SELECT 1", &[])]).unwrap();
}

#[test]
fn a_schema_that_does_not_match_refuses_the_flight_before_anything_is_written() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    pending_runs(&db, "acme", 2);
    let w = dev.watcher.unwrap().to_string();
    let claimed = cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let run = claimed[0]["id"].as_i64().unwrap().to_string();
    let device = dev.id.to_string();
    let untouched = |db: &TestDb| {
        let pending: i64 = db.scalar("SELECT count(*) FROM runs WHERE status = 'pending'");
        let written: i64 = db.scalar(
            "SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM devices)
                    + (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM watchers)
                    + (SELECT count(*) FROM device_tokens)",
        );
        let beat: Option<chrono::DateTime<chrono::Utc>> =
            db.scalar("SELECT max(heartbeat_at) FROM runs");
        (runs(db), pending, last_used(db), written, beat)
    };
    let before = untouched(&db);
    // behind: the newest migration is not recorded
    db.client()
        .batch_execute(
            "CREATE TABLE newest AS SELECT * FROM lobu_migrations
              WHERE version = (SELECT max(version) FROM lobu_migrations);
             DELETE FROM lobu_migrations WHERE version = (SELECT version FROM newest)",
        )
        .unwrap();
    let write_flights = [
        &["watchers", "trigger", &w][..],
        &["watchers", "trigger", "--admin", &w],
        &["runs", "claim"],
        &["runs", "heartbeat", &run],
        &["runs", "complete", &run],
        &["runs", "fail", &run, "--error", "boom"],
        &["tokens", "create", "--device", &device],
        &["org", "show", "acme"],
        &["org", "create", "newco"],
        &["provision-agent", "--org", "acme"],
        &[
            "register-device",
            "--org",
            "acme",
            "--user",
            "u2",
            "--worker-id",
            "mbp-2",
            "--platform",
            "macos",
        ],
    ];
    for args in write_flights {
        let r = cli(&db).token(&dev.token).args(args).run();
        r.code(7);
        assert!(
            r.stderr.contains("behind this binary"),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(untouched(&db), before, "{args:?}");
    }
    // ahead, with a migration this binary does not know to be compatible: the same refusal
    db.client()
        .batch_execute("INSERT INTO lobu_migrations SELECT * FROM newest")
        .unwrap();
    let before = untouched(&db);
    db.newer_migration(99, false);
    for args in write_flights {
        let r = cli(&db).token(&dev.token).args(args).run();
        r.code(7);
        assert!(
            r.stderr.contains("newer than this binary"),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(untouched(&db), before, "{args:?}");
    }
}

/// The serving marks (migration V13) follow the history, whoever writes it: a mark exists
/// only where the history table's own check serves this binary. A database without the
/// mark costs one more round trip (the history is read instead) and nothing is written
/// twice; `migrate` marks it again.
#[test]
fn the_serving_mark_follows_the_history_and_its_absence_costs_one_round_trip() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    pending_runs(&db, "acme", 1);
    let proxy = Proxy::start();
    let url = proxy.url(&db.name);
    let served = || {
        let mut c = db.client();
        lobu_admin::db::migrate::state(&mut c)
            .unwrap()
            .require_current()
            .is_ok()
    };
    assert_eq!(
        db.serving_marks(),
        crate::support::db::serving_marks_vouched()
    );
    let show = |code: i32| flights(&proxy, &url, &dev, &["org", "show", "acme"], code);
    assert_eq!(show(0), CONNECT + 1);

    db.drop_serving_mark();
    assert_eq!(show(0), CONNECT + 2);
    let create = flights(&proxy, &url, &dev, &["org", "create", "newco"], 0);
    let claim = flights(&proxy, &url, &dev, &["runs", "claim"], 0);
    assert_eq!((create, claim), (CONNECT + 2, CONNECT + 2));
    let written: (i64, i64, i64) = (
        db.scalar("SELECT count(*) FROM organizations WHERE id = 'newco'"),
        db.scalar("SELECT count(*) FROM audit_events WHERE org_id = 'newco'"),
        db.scalar("SELECT count(*) FROM runs WHERE status = 'running'"),
    );
    assert_eq!(written, (1, 1, 1), "written once");
    cli(&db).args(["migrate"]).run().code(0);
    assert_eq!(
        db.serving_marks(),
        crate::support::db::serving_marks_vouched()
    );
    assert_eq!(show(0), CONNECT + 1);

    // every change of the history, by any statement, moves the marks with it; where a
    // mark exists, the history table's check serves this binary
    let states: [(&str, bool); 9] = [
        (
            "INSERT INTO lobu_migrations VALUES (900, 'n', '0', true)",
            true,
        ),
        (
            "INSERT INTO lobu_migrations VALUES (901, 'n', '0', false)",
            false,
        ),
        (
            "UPDATE lobu_migrations SET compatible = true WHERE version = 901",
            true,
        ),
        ("DELETE FROM lobu_migrations WHERE version >= 900", true),
        // a version 0 (or below) does not stand in for a missing one
        (
            "INSERT INTO lobu_migrations VALUES (0, 'n', '0', true)",
            true,
        ),
        ("DELETE FROM lobu_migrations WHERE version = 5", false),
        (
            "INSERT INTO lobu_migrations VALUES (5, 'n', '0', true)",
            true,
        ),
        ("DELETE FROM lobu_migrations WHERE version = 0", true),
        ("TRUNCATE lobu_migrations", false),
    ];
    for (change, marked) in states {
        db.client().batch_execute(change).unwrap();
        let expected = if marked {
            crate::support::db::serving_marks_vouched()
        } else {
            Vec::new()
        };
        assert_eq!(db.serving_marks(), expected, "{change}");
        assert_eq!(served(), marked, "{change}");
        let (code, trips) = if marked { (0, 1) } else { (7, 2) };
        assert_eq!(show(code), CONNECT + trips, "{change}");
    }
}

/// The flight's statements run under this tool's timeouts, set for the transaction only:
/// the session (a pooled server connection) keeps its own afterwards.
#[test]
fn a_flight_s_statements_run_under_its_timeouts_and_leave_the_session_s() {
    let db = TestDb::new();
    let mut c = db.client();
    let timeouts = "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'),
                           current_setting('idle_in_transaction_session_timeout')";
    let landed = lobu_admin::db::flight(&mut c, &[(timeouts, &[])]).unwrap();
    let row = landed.first(0).unwrap();
    let got: (String, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(got, ("1min".into(), "5s".into(), "1min".into()));
    let session = c.query_one(timeouts, &[]).unwrap();
    let after: (String, String) = (session.get(0), session.get(1));
    assert_eq!(after, ("0".into(), "0".into()));
    // a statement that runs longer than the statement timeout is cancelled
    c.batch_execute("SET statement_timeout = '300ms'").unwrap();
    let start = Instant::now();
    let e = lobu_admin::db::flight(&mut c, &[("SELECT pg_sleep(5)", &[])]).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(3), "{e}");
    assert!(e.to_string().contains("statement_timeout"), "{e}");
}

#[test]
fn the_lock_timeout_still_bounds_a_flight() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    // an uncommitted active run of the watcher: the trigger's insert waits on its key
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by)
         SELECT org_id, id, agent_id, 'manual', 'admin' FROM watchers WHERE id = $1",
        &[&w],
    )
    .unwrap();
    let start = Instant::now();
    let r = cli(&db)
        .token(&dev.token)
        .args(["watchers", "trigger", &w.to_string()])
        .run();
    let took = start.elapsed();
    r.code(5);
    // the wait names the relation it waited on
    assert!(r.stderr.contains("lock on runs held"), "{}", r.stderr);
    assert!(took < Duration::from_secs(15), "took {took:?}");
    tx.rollback().unwrap();
    assert_eq!((runs(&db), last_used(&db)), (0, None));
}

/// The organisation, device and watcher commands, each of their outcomes: one round trip
/// after connecting (before the flights: `org create` 5, `provision-agent` 7 to 13,
/// `register-device` 3 to 10, the first Mac the most).
#[test]
fn provisioning_commands_take_one_round_trip_after_connecting() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let proxy = Proxy::start();
    let url = proxy.url(&db.name);
    let mut table = Vec::new();
    let mut count = |name: &str, args: &[&str], code: i32| {
        let n = flights(&proxy, &url, &dev, args, code);
        table.push((name.to_string(), n));
    };
    let register = |worker: &'static str, platform: &'static str| {
        [
            "register-device",
            "--org",
            "beta",
            "--user",
            "u1",
            "--worker-id",
            worker,
            "--platform",
            platform,
            "--timezone",
            "Europe/Berlin",
        ]
    };
    count("org create", &["org", "create", "beta"], 0);
    count("org create (taken: exit 5)", &["org", "create", "beta"], 5);
    count(
        "register-device (not bootstrapped)",
        &register("m0", "macos"),
        0,
    );
    count("provision-agent", &["provision-agent", "--org", "beta"], 0);
    count(
        "provision-agent (existing)",
        &["provision-agent", "--org", "beta"],
        0,
    );
    count(
        "provision-agent (unknown: exit 3)",
        &["provision-agent", "--org", "nope"],
        3,
    );
    count("register-device (first Mac)", &register("m1", "macos"), 0);
    count(
        "register-device (second Mac, token)",
        &[
            &register("m2", "macos")[..],
            &["--issue-token", "--expires-in", "30d"],
        ]
        .concat(),
        0,
    );
    count("register-device (known)", &register("m1", "macos"), 0);
    count("register-device (Linux)", &register("l1", "linux"), 0);
    count(
        "register-device (platform changed: exit 5)",
        &register("l1", "windows"),
        5,
    );
    count(
        "register-device (unknown organisation: exit 3)",
        &[
            "register-device",
            "--org",
            "nope",
            "--user",
            "u",
            "--worker-id",
            "x",
            "--platform",
            "macos",
        ],
        3,
    );
    db.client()
        .batch_execute("UPDATE organizations SET deleting_at = now() WHERE id = 'acme'")
        .unwrap();
    count(
        "register-device (organisation being deleted: exit 5)",
        &[
            "register-device",
            "--org",
            "acme",
            "--user",
            "u",
            "--worker-id",
            "x",
            "--platform",
            "macos",
        ],
        5,
    );
    for (name, n) in &table {
        eprintln!("{name}: {n} round trips ({CONNECT} to connect)");
    }
    // what the flights wrote: one watcher, pinned to the first Mac, due at the next 09:00 in
    // Berlin after the database's clock; an audit event per change
    let watchers: Vec<(String, String)> = db
        .client()
        .query(
            "SELECT d.worker_key, w.slug FROM watchers w JOIN devices d ON d.id = w.device_id
             WHERE w.org_id = 'beta'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(watchers, [("m1".to_string(), "daily-checkin".to_string())]);
    assert_next_checkin(&db, "beta", chrono_tz::Europe::Berlin);
    let events: Vec<String> = db
        .client()
        .query(
            "SELECT command || ' ' || outcome FROM audit_events WHERE org_id = 'beta' ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        events,
        [
            "org create created",
            "register-device registered",
            "provision-agent created",
            "provision-agent existing",
            "register-device registered",
            "register-device registered",
            "register-device refreshed",
            "register-device registered",
        ]
    );
    let tokens: i64 = db.scalar("SELECT count(*) FROM device_tokens WHERE org_id = 'beta'");
    assert_eq!(tokens, 1);
    if std::env::var_os("LOBU_FLIGHTS_BIN").is_none() {
        for (name, n) in &table {
            assert_eq!(*n, CONNECT + 1, "{name}");
        }
    }
}

/// The organisation's daily check-in is due at the first 09:00 in `tz` after the clock of
/// the transaction that created it (its `created_at`).
fn assert_next_checkin(db: &TestDb, org: &str, tz: chrono_tz::Tz) {
    let row = db
        .client()
        .query_one(
            "SELECT created_at, next_run_at FROM watchers WHERE org_id = $1 AND slug = 'daily-checkin'",
            &[&org],
        )
        .unwrap();
    let (created, next): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        (row.get(0), row.get(1));
    let expected = lobu_admin::schedule::Schedule::parse("0 9 * * *")
        .unwrap()
        .next_after(tz, created)
        .unwrap();
    assert_eq!(next, expected, "{org}: created at {created}");
}

/// A first Mac's next 09:00 is the database's even when the host's clock is off: within a
/// day the flight picks it among the fire times the host sent (one round trip); further off,
/// the flight writes nothing and the registration runs again on the database's clock.
#[test]
fn a_first_mac_on_a_host_with_a_wrong_clock_gets_the_database_s_next_checkin() {
    use lobu_admin::devices::{register_in_flight, Platform, RegisterDevice};
    let db = TestDb::new();
    let proxy = Proxy::start();
    let url = lobu_admin::db::DatabaseUrl::new(proxy.url(&db.name));
    let tz = chrono_tz::Asia::Tokyo;
    for (org, off_hours, round_trips) in [
        ("early", -20, Some(1)),
        ("late", 23, Some(1)),
        ("far-behind", -75, None),
        ("far-ahead", 49, None),
    ] {
        let mut c = db.client();
        crate::support::bootstrapped_org(&mut c, org);
        let mut c = lobu_admin::db::connect(&url).unwrap();
        let before = proxy.flights();
        let input = RegisterDevice {
            org_id: org.into(),
            user_id: "u1".into(),
            worker_key: "mbp".into(),
            platform: Platform::Macos,
            name: None,
            timezone: Some(tz),
            app_version: None,
            issue_token: true,
            token_expires_in: Some(chrono::Duration::days(1)),
            token_value: None,
        };
        let estimate = chrono::Utc::now() + chrono::Duration::hours(off_hours);
        let actor = lobu_admin::audit::Actor::new("ada").unwrap();
        let r = register_in_flight(&mut c, &input, &actor, estimate).unwrap();
        let n = proxy.flights() - before;
        assert_eq!(
            serde_json::to_value(r.default_watcher.outcome).unwrap(),
            "created",
            "{org}"
        );
        assert!(r.token.is_some(), "{org}");
        assert_next_checkin(&db, org, tz);
        match round_trips {
            Some(k) => assert_eq!(n, k, "{org}"),
            None => assert!(n > 1, "{org}: the registration ran again ({n} round trips)"),
        }
        // one device, one event, one token: the refused flight wrote nothing
        let counts: (i64, i64, i64) = {
            let row = db
                .client()
                .query_one(
                    "SELECT (SELECT count(*) FROM devices WHERE org_id = $1),
                            (SELECT count(*) FROM audit_events
                             WHERE org_id = $1 AND command = 'register-device'),
                            (SELECT count(*) FROM device_tokens WHERE org_id = $1)",
                    &[&org],
                )
                .unwrap();
            (row.get(0), row.get(1), row.get(2))
        };
        assert_eq!(counts, (1, 1, 1), "{org}");
    }
}

/// Listings send their statement and the look-up of what they list in (to tell an empty
/// list from an unknown organisation or device) in one flight (before: 3 or 4 round trips
/// after connecting, 5 with ORG:WORKER_ID, which is still looked up first).
#[test]
fn listings_take_one_round_trip_after_connecting() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    pending_runs(&db, "acme", 1);
    cli(&db).args(["org", "create", "other"]).run().code(0);
    let proxy = Proxy::start();
    let url = proxy.url(&db.name);
    let w = dev.watcher.unwrap().to_string();
    let device = dev.id.to_string();
    let mut table = Vec::new();
    let mut count = |name: &str, args: &[&str], code: i32| {
        let n = flights(&proxy, &url, &dev, args, code);
        table.push((name.to_string(), n));
    };
    count("org list", &["org", "list"], 0);
    count("agents list", &["agents", "list", "--org", "acme"], 0);
    count(
        "agents list (unknown: exit 3)",
        &["agents", "list", "--org", "nope"],
        3,
    );
    count("devices list", &["devices", "list", "--org", "acme"], 0);
    count(
        "devices list (unknown: exit 3)",
        &["devices", "list", "--org", "nope"],
        3,
    );
    count("tokens list", &["tokens", "list", "--device", &device], 0);
    let nil = uuid::Uuid::nil().to_string();
    count(
        "tokens list (unknown: exit 3)",
        &["tokens", "list", "--device", &nil],
        3,
    );
    count("watchers list", &["watchers", "list", "--org", "acme"], 0);
    count(
        "watchers list --device",
        &["watchers", "list", "--org", "acme", "--device", &device],
        0,
    );
    count(
        "watchers list (unknown: exit 3)",
        &["watchers", "list", "--org", "nope"],
        3,
    );
    count("runs list --org", &["runs", "list", "--org", "acme"], 0);
    count("runs list --watcher", &["runs", "list", "--watcher", &w], 0);
    count(
        "runs list (unknown watcher: exit 3)",
        &["runs", "list", "--watcher", "999999"],
        3,
    );
    count("audit list", &["audit", "list"], 0);
    count("audit list --since", &["audit", "list", "--since", "1h"], 0);
    for (name, n) in &table {
        eprintln!("{name}: {n} round trips ({CONNECT} to connect)");
    }
    // what they list
    let r = cli(&db)
        .args(["-o", "json", "runs", "list", "--org", "acme"])
        .run();
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    let r = cli(&db)
        .args(["-o", "json", "audit", "list", "--since", "1h"])
        .run();
    assert!(!r.json().as_array().unwrap().is_empty(), "{}", r.stdout);
    let r = cli(&db)
        .args([
            "-o",
            "json",
            "audit",
            "list",
            "--since",
            "2099-01-01T00:00:00Z",
        ])
        .run();
    assert_eq!(r.json().as_array().map(Vec::len), Some(0));
    if std::env::var_os("LOBU_FLIGHTS_BIN").is_none() {
        for (name, n) in &table {
            assert_eq!(*n, CONNECT + 1, "{name}");
        }
    }
}

/// The watcher's next run as the library computes it from its row: the first fire instant
/// after its creation or last change (the transaction's clock), with its spread.
fn expected_next(db: &TestDb, id: i64) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let row = db
        .client()
        .query_one(
            "SELECT schedule, timezone, spread_seconds, updated_at, next_run_at, status
             FROM watchers WHERE id = $1",
            &[&id],
        )
        .unwrap();
    let (schedule, zone, spread, at): (String, String, i32, DateTime<Utc>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let expected = lobu_admin::watchers::first_fire(
        &lobu_admin::schedule::Schedule::parse(&schedule).unwrap(),
        lobu_admin::schedule::parse_timezone(&zone).unwrap(),
        id,
        spread,
        at,
        db.client()
            .query_one(lobu_admin::watchers::FIRED_SLOTS, &[&vec![id]])
            .unwrap()
            .get(1),
    )
    .unwrap();
    (row.get(4), Some(expected))
}

use chrono::{DateTime, Utc};

/// The slot guard is one rule whether SQL (`watchers resume`, `update`) or Rust
/// (`watchers reschedule`, `seed --update`, [`expected_next`]'s `first_fire`) applies it:
/// a five-minute schedule whose ten-minute spread exceeds its gap, resumed with the latest
/// slot that has a run before the first fire, on it, an hour ahead, around a day ahead
/// (the last candidate and past it) and years ahead.
#[test]
fn the_slot_guard_is_the_same_in_sql_and_in_rust() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = cli(&db)
        .args(["watchers", "create", "--org", "acme", "--name", "Five"])
        .args(["--schedule", "*/5 * * * *", "--spread", "10m"])
        .args(["--agent", "owletto-default", "--prompt", "p"])
        .json()["id"]
        .as_i64()
        .unwrap();
    let ws = w.to_string();
    for minutes in [-5, 0, 5, 60, 24 * 60, 24 * 60 + 5, 24 * 60 + 10, 5_000_000] {
        db.client()
            .batch_execute(&format!(
                "DELETE FROM runs WHERE watcher_id = {w};
                 INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                                   status, finished_at, scheduled_for)
                 VALUES ('acme', {w}, 'owletto-default', 'scheduled', 'schedule', 'completed',
                         now(), date_trunc('hour', now())
                                + floor(extract(minute FROM now()) / 5) * interval '5 minutes'
                                + {minutes} * interval '1 minute')"
            ))
            .unwrap();
        cli(&db).args(["watchers", "pause", &ws]).run().code(0);
        cli(&db).args(["watchers", "resume", &ws]).run().code(0);
        let (got, want) = expected_next(&db, w);
        assert_eq!(got, want, "fired {minutes} minutes after the current slot");
    }
}

/// `watchers create|update|pause|resume|archive` send the checks, the change and its audit
/// event in one statement of one flight (before: 8 to 11 round trips with connecting). A
/// next run is picked by the database's clock among the fire instants the host computed
/// around its own, with the spread's offset placed in SQL once the id is drawn. A paused
/// watcher's resume, and an update that recomputes the next run without both the schedule
/// and the zone, need the row's schedule first: two flights. (A schedule that fires every
/// few minutes has hundreds of candidate instants in the two days around the clock: its
/// flight goes out in several writes, still without waiting, but the server may answer
/// the first before the next arrives, which the proxy counts as a round trip.)
#[test]
fn watcher_changes_take_one_round_trip_after_connecting() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let proxy = Proxy::start();
    let url = proxy.url(&db.name);
    let mut table = Vec::new();
    let mut count = |name: &str, args: &[&str], code: i32, expected: usize| {
        let n = flights(&proxy, &url, &dev, args, code);
        table.push((name.to_string(), n, expected));
    };
    let create = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = vec![
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "Daily brief",
            "--schedule",
            "30 7 * * 1-5",
            "--timezone",
            "America/New_York",
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ];
        a.extend_from_slice(extra);
        a
    };
    count("watchers create", &create(&[]), 0, CONNECT + 1);
    count(
        "watchers create (slug taken: exit 5)",
        &create(&[]),
        5,
        CONNECT + 1,
    );
    count(
        "watchers create --spread --device ORG:WORKER_ID",
        &create(&["--slug", "spread", "--spread", "6h", "--device", "acme:mbp"]),
        0,
        CONNECT + 1,
    );
    count(
        "watchers create (unknown agent: exit 3)",
        &[
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "X",
            "--schedule",
            "@daily",
            "--agent",
            "nope",
            "--prompt",
            "p",
        ],
        3,
        CONNECT + 1,
    );
    count(
        "watchers create (unknown worker id: exit 3)",
        &create(&["--slug", "x", "--device", "acme:nope"]),
        3,
        CONNECT + 1,
    );
    let id = |slug: &str| -> i64 {
        db.client()
            .query_one("SELECT id FROM watchers WHERE slug = $1", &[&slug])
            .unwrap()
            .get(0)
    };
    let (w, s) = (id("daily-brief").to_string(), id("spread").to_string());
    for slug in ["daily-brief", "spread"] {
        let (got, want) = expected_next(&db, id(slug));
        assert_eq!(got, want, "{slug}: the next run is the library's");
    }
    count(
        "watchers update --name",
        &["watchers", "update", &w, "--name", "Brief"],
        0,
        CONNECT + 1,
    );
    count(
        "watchers update --schedule --timezone",
        &[
            "watchers",
            "update",
            &s,
            "--schedule",
            "10 */2 * * *",
            "--timezone",
            "Asia/Kolkata",
        ],
        0,
        CONNECT + 1,
    );
    let (got, want) = expected_next(&db, id("spread"));
    assert_eq!(got, want, "rescheduled by the database's clock");
    count(
        "watchers update --timezone (the row's schedule first)",
        &["watchers", "update", &s, "--timezone", "Europe/Paris"],
        0,
        CONNECT + 2,
    );
    let (got, want) = expected_next(&db, id("spread"));
    assert_eq!(got, want, "rescheduled with the row's schedule");
    count(
        "watchers update --unpin",
        &["watchers", "update", &s, "--unpin"],
        0,
        CONNECT + 1,
    );
    let pinned: bool =
        db.scalar("SELECT device_id IS NOT NULL FROM watchers WHERE slug = 'spread'");
    assert!(!pinned, "unpinned");
    count(
        "watchers update (slug taken: exit 5)",
        &["watchers", "update", &s, "--slug", "daily-brief"],
        5,
        CONNECT + 1,
    );
    count(
        "watchers update (unknown: exit 3)",
        &["watchers", "update", "999999", "--name", "x"],
        3,
        CONNECT + 1,
    );
    count(
        "watchers pause",
        &["watchers", "pause", &w, "--reason", "holidays"],
        0,
        CONNECT + 1,
    );
    count(
        "watchers pause (unknown: exit 3)",
        &["watchers", "pause", "999999"],
        3,
        CONNECT + 1,
    );
    count(
        "watchers resume (paused: the row's schedule first)",
        &["watchers", "resume", &w],
        0,
        CONNECT + 2,
    );
    let (got, want) = expected_next(&db, id("daily-brief"));
    assert_eq!(got, want, "resumed by the database's clock");
    count(
        "watchers resume (active)",
        &["watchers", "resume", &w],
        0,
        CONNECT + 1,
    );
    count(
        "watchers resume (unknown: exit 3)",
        &["watchers", "resume", "999999"],
        3,
        CONNECT + 1,
    );
    count(
        "watchers archive",
        &["watchers", "archive", &s],
        0,
        CONNECT + 1,
    );
    count(
        "watchers archive (unknown: exit 3)",
        &["watchers", "archive", "999999"],
        3,
        CONNECT + 1,
    );
    count(
        "watchers pause (archived: exit 5)",
        &["watchers", "pause", &s],
        5,
        CONNECT + 1,
    );
    for (name, n, _) in &table {
        eprintln!("{name}: {n} round trips ({CONNECT} to connect)");
    }
    if std::env::var_os("LOBU_FLIGHTS_BIN").is_none() {
        for (name, n, expected) in &table {
            assert_eq!(n, expected, "{name}");
        }
    }
    // each change recorded once, in its own transaction
    let events: Vec<(String, String)> = db
        .client()
        .query(
            "SELECT command, outcome FROM audit_events WHERE command LIKE 'watchers %'
             ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let named: Vec<(&str, &str)> = events
        .iter()
        .map(|(c, o)| (c.as_str(), o.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            ("watchers create", "created"),
            ("watchers create", "created"),
            ("watchers update", "updated"),
            ("watchers update", "updated"),
            ("watchers update", "updated"),
            ("watchers update", "updated"),
            ("watchers pause", "paused"),
            ("watchers resume", "resumed"),
            ("watchers resume", "resumed"),
            ("watchers archive", "archived"),
        ]
    );
    // with the details the in_tx path recorded
    let details: Vec<String> = db
        .client()
        .query(
            "SELECT details::text FROM audit_events WHERE command LIKE 'watchers %'
             ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        details,
        [
            "{}",
            "{}",
            r#"{"fields": ["name"]}"#,
            r#"{"fields": ["schedule", "timezone"]}"#,
            r#"{"fields": ["timezone"]}"#,
            r#"{"fields": ["device"]}"#,
            r#"{"reason": "holidays"}"#,
            "{}",
            "{}",
            r#"{"runs_cancelled": 0}"#,
        ]
    );
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A refused change writes nothing: no watcher change and no audit event, whichever check
/// refuses it (in the statement, after the row lock) and however it is reported.
#[test]
fn a_refused_watcher_change_writes_nothing() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let snapshot = || -> (String, i64, i64) {
        let row = db
            .client()
            .query_one(
                "SELECT (SELECT string_agg(to_jsonb(w)::text, ',' ORDER BY id) FROM watchers w),
                        (SELECT count(*) FROM watchers),
                        (SELECT count(*) FROM audit_events)",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1), row.get(2))
    };
    let refused = |args: &[&str], code: i32, message: &str| {
        let before = snapshot();
        let r = cli(&db).args(args).run();
        r.code(code);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        assert_eq!(snapshot(), before, "{args:?} wrote something");
    };
    let slug: String = db.scalar("SELECT slug FROM watchers");
    let create = |slug: &str, agent: &str, device: &str| -> Vec<String> {
        let mut a: Vec<String> = [
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "W",
            "--schedule",
            "0 9 * * *",
            "--agent",
            agent,
            "--prompt",
            "p",
            "--slug",
            slug,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        if !device.is_empty() {
            a.extend(["--device".to_string(), device.to_string()]);
        }
        a
    };
    refused(
        &strs(&create(&slug, "owletto-default", "")),
        5,
        &format!("watcher slug {slug} is already used in organization acme"),
    );
    refused(
        &strs(&create("x", "nope", "")),
        3,
        "agent nope in organization acme not found",
    );
    let nil = uuid::Uuid::nil().to_string();
    refused(
        &strs(&create("x", "owletto-default", &nil)),
        3,
        &format!("device {nil} in organization acme not found"),
    );
    refused(
        &[
            "watchers",
            "create",
            "--org",
            "nope",
            "--name",
            "W",
            "--schedule",
            "0 9 * * *",
            "--agent",
            "a",
            "--prompt",
            "p",
        ],
        3,
        "organization nope not found",
    );
    cli(&db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "Other",
            "--schedule",
            "0 9 * * *",
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ])
        .run()
        .code(0);
    refused(
        &["watchers", "update", &w, "--slug", "other", "--name", "N"],
        5,
        "watcher slug other is already used in organization acme",
    );
    refused(
        &["watchers", "update", &w, "--agent", "nope"],
        3,
        "agent nope in organization acme not found",
    );
    refused(
        &["watchers", "update", "999999", "--name", "N"],
        3,
        "watcher 999999 not found",
    );
    refused(
        &["watchers", "pause", "999999"],
        3,
        "watcher 999999 not found",
    );
    refused(
        &["watchers", "archive", "999999"],
        3,
        "watcher 999999 not found",
    );
    // an organisation being deleted: V11 refuses the new or edited watcher
    db.client()
        .batch_execute("UPDATE organizations SET deleting_at = now()")
        .unwrap();
    refused(
        &strs(&create("late", "owletto-default", "")),
        5,
        "organization acme is being deleted",
    );
    refused(
        &["watchers", "update", &w, "--name", "Renamed"],
        5,
        "organization acme is being deleted",
    );
    db.client()
        .batch_execute("UPDATE organizations SET deleting_at = NULL")
        .unwrap();
    // the agent gone: resume refuses (after pausing)
    cli(&db).args(["watchers", "pause", &w]).run().code(0);
    db.client().batch_execute("DELETE FROM agents").unwrap();
    refused(
        &["watchers", "resume", &w],
        5,
        "which no longer exists in organization acme",
    );
    // archived: nothing changes
    cli(&db).args(["watchers", "archive", &w]).run().code(0);
    refused(&["watchers", "pause", &w], 5, "is archived");
    refused(
        &["watchers", "resume", &w],
        5,
        "is archived and cannot be resumed",
    );
    refused(&["watchers", "update", &w, "--name", "N"], 5, "is archived");
}

/// On a host whose clock is more than a day off, a watcher's first run is still the
/// database's: the refused flight writes nothing and the change runs again with the
/// database's clock read first (one event, one watcher).
#[test]
fn a_watcher_created_on_a_host_with_a_wrong_clock_gets_the_database_s_next_run() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let proxy = Proxy::start();
    let url = lobu_admin::db::DatabaseUrl::new(proxy.url(&db.name));
    let actor = lobu_admin::audit::Actor::new("ada").unwrap();
    for (slug, off_hours, one_flight) in [
        ("early", -20, true),
        ("late", 23, true),
        ("behind", -75, false),
        ("ahead", 49, false),
    ] {
        let mut c = lobu_admin::db::connect(&url).unwrap();
        // the proxy counts an answer as it passes it on
        std::thread::sleep(Duration::from_millis(20));
        let before = proxy.flights();
        let w = lobu_admin::watchers::NewWatcher {
            org_id: "acme".into(),
            slug: Some(slug.into()),
            name: "W".into(),
            prompt: "p".into(),
            schedule: lobu_admin::schedule::Schedule::parse("*/30 * * * *").unwrap(),
            timezone: chrono_tz::Asia::Tokyo,
            agent_id: "owletto-default".into(),
            device_id: None,
            extraction_schema: None,
            min_cooldown_seconds: 0,
            timing: lobu_admin::watchers::Timing {
                // longer than the slots are apart: the offset is bounded by the gap
                spread_seconds: 3600,
                ..Default::default()
            },
            created_by: "admin".into(),
        };
        let estimate = Utc::now() + chrono::Duration::hours(off_hours);
        let created =
            lobu_admin::watchers::create_in_flight(&mut c, &w, None, &actor, estimate).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let n = proxy.flights() - before;
        assert_eq!(n == 1, one_flight, "{slug}: {n} round trips");
        let (got, want) = expected_next(&db, created.id);
        assert_eq!(got, want, "{slug}");
        assert_eq!(created.next_run_at, want, "{slug}");
        let events: i64 = db.scalar(&format!(
            "SELECT count(*) FROM audit_events WHERE target_id = '{}'",
            created.id
        ));
        assert_eq!(events, 1, "{slug}");
    }
}

/// The one-shot commands not counted above: reads, and the writes that record an audit
/// event (each with a refusal that costs no round trip of its own).
#[test]
fn the_other_one_shot_commands_take_one_round_trip_after_connecting() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    pending_runs(&db, "acme", 2);
    let proxy = Proxy::start();
    let url = proxy.url(&db.name);
    let w = dev.watcher.unwrap().to_string();
    let device = dev.id.to_string();
    let run: i64 = db.scalar("SELECT min(id) FROM runs");
    let run = run.to_string();
    let ended: i64 = db.scalar(
        "UPDATE runs SET status = 'completed', finished_at = now()
         WHERE id = (SELECT max(id) FROM runs) RETURNING id",
    );
    let ended = ended.to_string();
    let token: uuid::Uuid = db.scalar("SELECT id FROM device_tokens LIMIT 1");
    let token = token.to_string();
    let nil = uuid::Uuid::nil().to_string();
    let mut table = Vec::new();
    let mut count = |name: &str, args: &[&str], code: i32| {
        let n = flights(&proxy, &url, &dev, args, code);
        table.push((name.to_string(), n));
    };
    count("status", &["status"], 0);
    count("org list", &["org", "list"], 0);
    count(
        "org update",
        &["org", "update", "acme", "--name", "Acme"],
        0,
    );
    count(
        "org update (unknown: exit 3)",
        &["org", "update", "nope", "--name", "X"],
        3,
    );
    count("devices show", &["devices", "show", &device], 0);
    count(
        "devices show (ORG:WORKER_ID)",
        &["devices", "show", "acme:mbp"],
        0,
    );
    count(
        "devices show (unknown: exit 3)",
        &["devices", "show", &nil],
        3,
    );
    count(
        "devices show (unknown worker id: exit 3)",
        &["devices", "show", "acme:nope"],
        3,
    );
    count("watchers next", &["watchers", "next", &w], 0);
    count(
        "watchers next (unknown: exit 3)",
        &["watchers", "next", "999999"],
        3,
    );
    count("runs show", &["runs", "show", &run], 0);
    count(
        "runs show (unknown: exit 3)",
        &["runs", "show", "999999"],
        3,
    );
    count("runs cancel", &["runs", "cancel", &run], 0);
    count("runs cancel (repeated)", &["runs", "cancel", &run], 0);
    count(
        "runs cancel (unknown: exit 3)",
        &["runs", "cancel", "999999"],
        3,
    );
    count(
        "runs cancel (ended otherwise: exit 5)",
        &["runs", "cancel", &ended],
        5,
    );
    count("audit list", &["audit", "list"], 0);
    count(
        "agents create",
        &["agents", "create", "--org", "acme", "a2", "--name", "A"],
        0,
    );
    count(
        "agents create (taken: exit 5)",
        &["agents", "create", "--org", "acme", "a2", "--name", "A"],
        5,
    );
    count(
        "agents create (unknown organisation: exit 3)",
        &["agents", "create", "--org", "nope", "a2", "--name", "A"],
        3,
    );
    count(
        "agents update",
        &["agents", "update", "--org", "acme", "a2", "--name", "B"],
        0,
    );
    count(
        "agents update (unknown: exit 3)",
        &["agents", "update", "--org", "acme", "nope", "--name", "B"],
        3,
    );
    count(
        "audit prune --dry-run",
        &["audit", "prune", "--older-than", "30d", "--dry-run"],
        0,
    );
    count("audit prune", &["audit", "prune", "--older-than", "30d"], 0);
    count(
        "tokens list (ORG:WORKER_ID)",
        &["tokens", "list", "--device", "acme:mbp"],
        0,
    );
    count(
        "tokens list (unknown worker id: exit 3)",
        &["tokens", "list", "--device", "acme:nope"],
        3,
    );
    count(
        "tokens rotate",
        &["tokens", "rotate", "--device", &device],
        0,
    );
    count(
        "tokens rotate (ORG:WORKER_ID, grace)",
        &["tokens", "rotate", "--device", "acme:mbp", "--grace", "1h"],
        0,
    );
    count(
        "tokens rotate (unknown: exit 3)",
        &["tokens", "rotate", "--device", &nil],
        3,
    );
    count(
        "devices delete (unknown: exit 3)",
        &["devices", "delete", &nil],
        3,
    );
    count(
        "devices delete (unknown worker id: exit 3)",
        &["devices", "delete", "acme:nope"],
        3,
    );
    count(
        "agents delete (used: exit 5)",
        &["agents", "delete", "--org", "acme", "owletto-default"],
        5,
    );
    count(
        "agents delete (unknown: exit 3)",
        &["agents", "delete", "--org", "acme", "nope"],
        3,
    );
    count(
        "agents delete",
        &["agents", "delete", "--org", "acme", "a2"],
        0,
    );
    count("tokens revoke", &["tokens", "revoke", &token], 0);
    count("tokens revoke (repeated)", &["tokens", "revoke", &token], 0);
    count(
        "tokens revoke (unknown: exit 3)",
        &["tokens", "revoke", &nil],
        3,
    );
    count("devices delete", &["devices", "delete", &device], 0);
    for (name, n) in &table {
        eprintln!("{name}: {n} round trips ({CONNECT} to connect)");
    }
    if std::env::var_os("LOBU_FLIGHTS_BIN").is_none() {
        for (name, n) in &table {
            assert_eq!(*n, CONNECT + 1, "{name}");
        }
    }
}

fn audit_events(db: &TestDb) -> i64 {
    db.scalar("SELECT count(*) FROM audit_events")
}

/// The writes made one flight refuse in their statement: an unknown object, a conflict or
/// an organisation being deleted writes nothing, no audit event either; what they do
/// write, they record with the same details as before.
#[test]
fn refused_one_flight_writes_write_nothing() {
    let db = TestDb::new();
    let _dev = mac_org(&db, "acme");
    pending_runs(&db, "acme", 2);
    let ended: i64 = db.scalar(
        "UPDATE runs SET status = 'failed', finished_at = now()
         WHERE id = (SELECT max(id) FROM runs) RETURNING id",
    );
    let active: i64 = db.scalar("SELECT min(id) FROM runs");
    let nil = uuid::Uuid::nil().to_string();
    let before = audit_events(&db);
    let refused = |args: &[&str], code: i32, stderr: &str| {
        let r = cli(&db).args(args).run();
        r.code(code);
        assert_eq!(r.stderr, stderr, "{args:?}");
    };
    refused(
        &["runs", "cancel", "999999"],
        3,
        "error: run 999999 not found\n",
    );
    refused(
        &["runs", "cancel", &ended.to_string()],
        5,
        &format!("error: run {ended} already ended as failed\n"),
    );
    refused(
        &["tokens", "revoke", &nil],
        3,
        &format!("error: token {nil} not found\n"),
    );
    refused(
        &["tokens", "rotate", "--device", &nil],
        3,
        &format!("error: device {nil} not found\n"),
    );
    refused(
        &["tokens", "rotate", "--device", "acme:nope"],
        3,
        "error: device acme:nope not found\n",
    );
    refused(
        &["devices", "delete", &nil],
        3,
        &format!("error: device {nil} not found\n"),
    );
    refused(
        &["devices", "delete", "acme:nope"],
        3,
        "error: device acme:nope not found\n",
    );
    refused(
        &["agents", "delete", "--org", "acme", "nope"],
        3,
        "error: agent nope in organization acme not found\n",
    );
    let r = cli(&db)
        .args(["agents", "delete", "--org", "acme", "owletto-default"])
        .run();
    r.code(5);
    assert!(
        r.stderr
            .starts_with("error: agent owletto-default is used by 3 watcher(s): "),
        "{}",
        r.stderr
    );
    refused(
        &["org", "update", "nope", "--name", "X"],
        3,
        "error: organization nope not found\n",
    );
    refused(
        &[
            "agents",
            "create",
            "--org",
            "acme",
            "owletto-default",
            "--name",
            "A",
        ],
        5,
        "error: agent owletto-default already exists in organization acme\n",
    );
    refused(
        &["agents", "create", "--org", "nope", "a", "--name", "A"],
        3,
        "error: organization nope not found\n",
    );
    refused(
        &["agents", "update", "--org", "acme", "nope", "--name", "A"],
        3,
        "error: agent nope in organization acme not found\n",
    );
    db.client()
        .batch_execute("UPDATE organizations SET deleting_at = now() WHERE id = 'acme'")
        .unwrap();
    let r = cli(&db)
        .args(["agents", "create", "--org", "acme", "a", "--name", "A"])
        .run();
    r.code(5);
    assert!(r.stderr.contains("is being deleted"), "{}", r.stderr);
    let r = cli(&db)
        .args(["org", "update", "acme", "--name", "X"])
        .run();
    r.code(5);
    assert!(r.stderr.contains("is being deleted"), "{}", r.stderr);
    assert_eq!(audit_events(&db), before, "a refusal recorded an event");
    let status: String = db.scalar(&format!("SELECT status FROM runs WHERE id = {ended}"));
    assert_eq!(status, "failed");
    let name: String = db.scalar("SELECT name FROM organizations WHERE id = 'acme'");
    assert_ne!(name, "X");
    // what is written is recorded once, in the same transaction, on the database's clock
    let r = cli(&db)
        .args([
            "--actor",
            "ada",
            "runs",
            "cancel",
            &active.to_string(),
            "--reason",
            "why",
        ])
        .run();
    r.code(0);
    let r = cli(&db)
        .args([
            "--actor",
            "ada",
            "-o",
            "json",
            "runs",
            "cancel",
            &active.to_string(),
        ])
        .run();
    r.code(0);
    assert_eq!(r.json()["changed"], false);
    let events: Vec<(String, String, Option<String>, serde_json::Value, bool)> = db
        .client()
        .query(
            "SELECT e.outcome, e.actor, e.org_id, e.details, e.at = r.finished_at
             FROM audit_events e JOIN runs r ON r.id::text = e.target_id
             WHERE e.command = 'runs cancel' ORDER BY e.id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let watcher: i64 = db.scalar(&format!("SELECT watcher_id FROM runs WHERE id = {active}"));
    assert_eq!(
        events,
        vec![
            (
                "cancelled".to_string(),
                "ada".to_string(),
                Some("acme".to_string()),
                serde_json::json!({"watcher_id": watcher, "reason": "why"}),
                true
            ),
            (
                "already_cancelled".to_string(),
                "ada".to_string(),
                Some("acme".to_string()),
                serde_json::json!({"watcher_id": watcher, "reason": null}),
                false
            ),
        ]
    );
    let error: String = db.scalar(&format!("SELECT error FROM runs WHERE id = {active}"));
    assert_eq!(error, "cancelled by ada: why");
}

/// `audit prune` records its cutoff in its own statement, written as the command's JSON
/// writes it, and the event it records is not among those it deletes.
#[test]
fn audit_prune_in_one_flight_records_what_it_did() {
    let db = TestDb::new();
    db.client()
        .batch_execute(
            "INSERT INTO audit_events (at, actor, command, target_kind, target_id, outcome)
             VALUES (now() - interval '40 days', 'x', 'org create', 'organization', 'o',
                     'created'),
                    (now() - interval '1 day', 'x', 'org create', 'organization', 'p',
                     'created')",
        )
        .unwrap();
    let r = cli(&db)
        .args([
            "--actor",
            "ada",
            "-o",
            "json",
            "audit",
            "prune",
            "--older-than",
            "30d",
        ])
        .run();
    r.code(0);
    let out = r.json();
    assert_eq!(out["deleted"], 1);
    let (details, at): (serde_json::Value, chrono::DateTime<chrono::Utc>) = {
        let row = db
            .client()
            .query_one(
                "SELECT details, at FROM audit_events WHERE command = 'audit prune'",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(
        details,
        serde_json::json!({"deleted": 1, "cutoff": out["cutoff"]})
    );
    let cutoff: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(out["cutoff"].clone()).unwrap();
    assert_eq!(at - cutoff, chrono::Duration::days(30));
}

/// `tokens rotate` in one flight records what it did in its own statement, as the event
/// the library's callers composed before (the new token's id and prefix, the retired ids in
/// order, the grace and how many kept their own expiry), never the value; the library's
/// `rotate` runs the same statement in its caller's transaction and records nothing.
#[test]
fn tokens_rotate_in_one_flight_records_what_it_did() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    for expires in ["10m", "30d"] {
        cli(&db)
            .args([
                "tokens",
                "create",
                "--device",
                "acme:mbp",
                "--expires-in",
                expires,
            ])
            .run()
            .code(0);
    }
    let r = cli(&db)
        .args([
            "--actor", "ada", "-o", "json", "tokens", "rotate", "--device", "acme:mbp",
        ])
        .args(["--grace", "1h"])
        .run();
    r.code(0);
    let v = r.json();
    let mut retired: Vec<String> = v["retired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(retired.len(), 3);
    let listed = retired.clone();
    retired.sort();
    assert_eq!(listed, retired, "ordered by id");
    let row = db
        .client()
        .query_one(
            "SELECT details, org_id, target_kind, target_id, actor, outcome
             FROM audit_events WHERE command = 'tokens rotate'",
            &[],
        )
        .unwrap();
    let details: serde_json::Value = row.get(0);
    assert_eq!(
        details,
        serde_json::json!({
            "token_id": v["id"],
            "prefix": v["prefix"],
            "retired": retired,
            "grace_seconds": 3600,
            "grace_clamped": 1,
        })
    );
    let rest: (String, String, String, String, String) =
        (row.get(1), row.get(2), row.get(3), row.get(4), row.get(5));
    assert_eq!(
        rest,
        (
            "acme".into(),
            "device".into(),
            dev.id.to_string(),
            "ada".into(),
            "rotated".into()
        )
    );
    let mut c = db.client();
    let lib = lobu_admin::db::in_tx(&mut c, |tx, now| {
        lobu_admin::tokens::rotate(tx, dev.id, None, None, now)
    })
    .unwrap();
    assert_eq!(lib.retired.len(), 4, "the three above and the rotated one");
    assert!(lib.retired.iter().all(|t| t.revoked_at.is_some()));
    let events: i64 =
        db.scalar("SELECT count(*) FROM audit_events WHERE command = 'tokens rotate'");
    assert_eq!(events, 1);
}

/// `devices delete` in one flight records its event (in the device's organisation, with
/// the counts) in the delete's own statement; the library's `delete` runs the same
/// statements in its caller's transaction and records nothing.
#[test]
fn devices_delete_in_one_flight_records_what_it_did() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run()
        .code(0);
    let r = cli(&db)
        .args([
            "--actor", "ada", "-o", "json", "devices", "delete", "acme:mbp",
        ])
        .run();
    r.code(0);
    let row = db
        .client()
        .query_one(
            "SELECT details, org_id, target_kind, target_id, actor, outcome, at
             FROM audit_events WHERE command = 'devices delete'",
            &[],
        )
        .unwrap();
    let details: serde_json::Value = row.get(0);
    assert_eq!(
        details,
        serde_json::json!({"watchers_unpinned": 1, "runs_cancelled": 1})
    );
    let rest: (String, String, String, String, String) =
        (row.get(1), row.get(2), row.get(3), row.get(4), row.get(5));
    assert_eq!(
        rest,
        (
            "acme".into(),
            "device".into(),
            dev.id.to_string(),
            "ada".into(),
            "deleted".into()
        )
    );
    let at: chrono::DateTime<chrono::Utc> = row.get(6);
    let finished: chrono::DateTime<chrono::Utc> = db.scalar("SELECT finished_at FROM runs");
    assert_eq!(at, finished, "one clock");
    let other = crate::support::register(
        &mut db.client(),
        "acme",
        "mbp2",
        lobu_admin::devices::Platform::Macos,
    );
    let mut c = db.client();
    let d = lobu_admin::db::in_tx(&mut c, |tx, now| {
        lobu_admin::devices::delete(tx, other.id, now)
    })
    .unwrap();
    assert_eq!(d.device_id, other.id);
    assert_eq!(d.org_id, "acme");
    let events: i64 =
        db.scalar("SELECT count(*) FROM audit_events WHERE command = 'devices delete'");
    assert_eq!(events, 1);
    let left: i64 = db.scalar("SELECT count(*) FROM devices");
    assert_eq!(left, 0);
}

/// `agents delete`'s refusal, raised in its flight by the watchers' lock, names the first
/// ten watchers in id order and counts the rest, and writes nothing.
#[test]
fn agents_delete_refused_in_its_flight_names_ten_and_counts_the_rest() {
    let db = TestDb::new();
    let _dev = mac_org(&db, "acme");
    cli(&db)
        .args(["agents", "create", "--org", "acme", "r", "--name", "R"])
        .run()
        .code(0);
    let ids: Vec<i64> = db
        .client()
        .query(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, status,
                                   paused_reason)
             SELECT 'acme', 'u' || i, 'U', 'p', '@daily', 'r',
                    CASE WHEN i = 3 THEN 'paused' ELSE 'active' END,
                    CASE WHEN i = 3 THEN 'x' END
             FROM generate_series(1, 12) i ORDER BY i RETURNING id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let before = audit_events(&db);
    let r = cli(&db)
        .args(["agents", "delete", "--org", "acme", "r"])
        .run();
    r.code(5);
    let named: Vec<String> = ids
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, w)| {
            let status = if i == 2 { "paused" } else { "active" };
            format!("{w} (u{}, {status})", i + 1)
        })
        .collect();
    assert_eq!(
        r.stderr,
        format!(
            "error: agent r is used by 12 watcher(s): {} and 2 more; archive them or point \
             them at another agent (watchers update --agent), or delete with --force to \
             pause them\n",
            named.join(", ")
        )
    );
    assert_eq!(audit_events(&db), before);
    let agents: i64 = db.scalar("SELECT count(*) FROM agents WHERE id = 'r'");
    assert_eq!(agents, 1);
    // --force pauses the active ones (11), in the same flight, and records them
    let d = cli(&db)
        .args([
            "-o", "json", "agents", "delete", "--org", "acme", "r", "--force",
        ])
        .run();
    d.code(0);
    let paused: Vec<i64> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, w)| *w)
        .collect();
    assert_eq!(d.json()["watchers_paused"], serde_json::json!(paused));
    let details: serde_json::Value =
        db.scalar("SELECT details FROM audit_events WHERE command = 'agents delete'");
    assert_eq!(
        details,
        serde_json::json!({"watchers_paused": paused, "runs_cancelled": 0, "force": true})
    );
}
