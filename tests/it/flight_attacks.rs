//! Attacks on one-shot commands' flights (issue 31): what a careless operator, a hostile
//! caller or a bad network can make of a transaction whose `COMMIT` is sent before any
//! answer came back. Each finding's test failed on the code it was written against and
//! says what should hold.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lobu_admin::devices;

use crate::support::db::TestDb;
use crate::support::proxy::Proxy;
use crate::support::{
    bare, cli, mac_org, parallel, pending_runs, register, until_a_session_waits_on_a_lock,
};

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
fn an_interrupted_trigger_waiting_on_a_lock_writes_nothing() {
    interrupted_trigger("-INT", false);
}

/// Killed (SIGKILL: no handler runs, no cancel is sent), the command leaves a server that
/// notices its client gone within `client_connection_check_interval` (1 s) and rolls back,
/// long before the lock wait would end: the holder here lets go only once the tool's
/// session has ended.
#[test]
fn a_killed_trigger_waiting_on_a_lock_writes_nothing() {
    interrupted_trigger("-KILL", true);
}

fn interrupted_trigger(signal: &str, holder_waits: bool) {
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
        // the lock timeout (5 s) would end the wait anyway: not in this test's time
        .env("PGOPTIONS", "-c lock_timeout=60s")
        .args(["watchers", "trigger", "--admin", &w.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    until_a_session_waits_on_a_lock(&mut db.client(), &db.name);
    let waiting: i32 = db.scalar(
        "SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    // the connection's runtime watches the signals: no thread besides the main one
    // (asserted once the command is gone)
    let threads = std::fs::read_dir(format!("/proc/{}/task", child.id()))
        .unwrap()
        .count();
    Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    // SIGINT: exit 130, the shell's code for it; SIGKILL: no code at all
    let expected = if signal == "-INT" { Some(130) } else { None };
    assert_eq!(out.status.code(), expected, "the command was interrupted");
    assert_eq!(threads, 1, "a thread of its own for the signals");
    assert!(out.stdout.is_empty(), "it reported no run");
    if holder_waits {
        // the server ends the killed client's session on its own
        let start = Instant::now();
        while db.scalar::<i64>(&format!(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = {waiting}"
        )) > 0
        {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the session stayed"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
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
    // the migrator writes the history under READ COMMITTED whatever the default (the
    // serving marks' trigger refuses a fixed snapshot), and marks it
    db.drop_serving_mark();
    cli(&db).args(["migrate"]).run().code(0);
    assert_eq!(
        db.serving_marks(),
        crate::support::db::serving_marks_vouched(),
        "marked again"
    );
}

/// The round trips of one invocation through `proxy` with `dev`'s token.
fn flights(proxy: &Proxy, db: &TestDb, token: &str, args: &[&str], code: i32) -> usize {
    let before = proxy.flights();
    let r = bare()
        .env("DATABASE_URL", &proxy.url(&db.name))
        .token(token)
        .args(["-o", "json"])
        .args(args)
        .run();
    assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
    // the proxy counts an answer as it passes; the process has exited by now
    std::thread::sleep(Duration::from_millis(20));
    proxy.flights() - before
}

/// What one refusal cost and wrote: its name, its round trips, and the change it made
/// (before, after) if any.
type Refusal = (String, usize, Option<((i64, String), (i64, String))>);

/// The refusals of one-shot commands (a revoked or expired token, another device's run, an
/// unknown run, a paused watcher, an organisation being deleted, a platform change, a schema
/// behind), each through a counting proxy.
fn refusals() -> Vec<Refusal> {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let other = register(&mut db.client(), "acme", "pc", devices::Platform::Linux);
    pending_runs(&db, "acme", 1);
    let run = cli(&db)
        .token(&other.token)
        .args(["-o", "json", "runs", "claim"])
        .run()
        .json()[0]["id"]
        .to_string();
    let w = dev.watcher.unwrap().to_string();
    let proxy = Proxy::start();
    let written = |db: &TestDb| -> (i64, String) {
        db.scalar::<String>(
            "SELECT concat_ws(' ', (SELECT count(*) FROM runs),
                    (SELECT count(*) FROM audit_events), (SELECT count(*) FROM devices),
                    (SELECT count(*) FROM device_tokens),
                    (SELECT string_agg(revoked_at::text, ',' ORDER BY id) FROM device_tokens),
                    (SELECT string_agg(status || heartbeat_at, ',' ORDER BY id) FROM runs))",
        )
        .split_once(' ')
        .map(|(a, b)| (a.parse().unwrap(), b.to_string()))
        .unwrap()
    };
    let mut table = Vec::new();
    let mut count = |name: &str, token: &str, args: &[&str], code: i32| {
        let before = written(&db);
        let n = flights(&proxy, &db, token, args, code);
        let after = written(&db);
        table.push((
            name.to_string(),
            n,
            (after != before).then_some((before, after)),
        ));
    };
    count(
        "runs heartbeat (another device's run: exit 4)",
        &dev.token,
        &["runs", "heartbeat", &run],
        4,
    );
    count(
        "runs complete (another device's run: exit 4)",
        &dev.token,
        &["runs", "complete", &run],
        4,
    );
    count(
        "runs fail (unknown run: exit 3)",
        &dev.token,
        &["runs", "fail", "999999", "--error", "x"],
        3,
    );
    count(
        "register-device (platform change: exit 5)",
        &dev.token,
        &[
            "register-device",
            "--org",
            "acme",
            "--user",
            "u1",
            "--worker-id",
            "mbp",
            "--platform",
            "linux",
        ],
        5,
    );
    db.client()
        .batch_execute("UPDATE watchers SET status = 'paused'")
        .unwrap();
    count(
        "watchers trigger (paused: exit 5)",
        &dev.token,
        &["watchers", "trigger", &w],
        5,
    );
    count(
        "watchers trigger --admin (paused: exit 5)",
        &dev.token,
        &["watchers", "trigger", "--admin", &w],
        5,
    );
    db.client()
        .batch_execute(
            "UPDATE watchers SET status = 'active';
             UPDATE organizations SET deleting_at = now()",
        )
        .unwrap();
    for (name, args) in [
        ("watchers trigger", &["watchers", "trigger", &w][..]),
        ("runs claim", &["runs", "claim"]),
        (
            "tokens create",
            &["tokens", "create", "--device", "acme:mbp"],
        ),
        ("provision-agent", &["provision-agent", "--org", "acme"]),
        (
            "register-device",
            &[
                "register-device",
                "--org",
                "acme",
                "--user",
                "u9",
                "--worker-id",
                "m9",
                "--platform",
                "macos",
            ],
        ),
    ] {
        count(
            &format!("{name} (org being deleted: exit 5)"),
            &dev.token,
            args,
            5,
        );
    }
    db.client()
        .batch_execute(
            "UPDATE organizations SET deleting_at = NULL;
             UPDATE device_tokens SET revoked_at = now()",
        )
        .unwrap();
    count(
        "runs claim (revoked: exit 4)",
        &dev.token,
        &["runs", "claim"],
        4,
    );
    count(
        "runs heartbeat (revoked: exit 4)",
        &other.token,
        &["runs", "heartbeat", &run],
        4,
    );
    db.client()
        .batch_execute(
            "UPDATE device_tokens SET revoked_at = NULL, expires_at = now() - interval '1s'",
        )
        .unwrap();
    count(
        "watchers trigger (expired: exit 4)",
        &dev.token,
        &["watchers", "trigger", &w],
        4,
    );
    db.client()
        .batch_execute(
            "UPDATE device_tokens SET expires_at = NULL;
             DELETE FROM lobu_migrations WHERE version = (SELECT max(version) FROM lobu_migrations)",
        )
        .unwrap();
    count(
        "runs complete (schema behind: exit 7)",
        &other.token,
        &["runs", "complete", &run],
        7,
    );
    count(
        "tokens create (schema behind: exit 7)",
        &dev.token,
        &["tokens", "create", "--device", "acme:mbp"],
        7,
    );
    for (name, n, wrote) in &table {
        eprintln!("{name}: {n} round trips (1 to connect), wrote: {wrote:?}");
    }
    table
}

/// Every refusal costs one round trip after connecting, as a success does; a schema that
/// this binary's serving mark does not vouch for costs two: the flight fails for want of
/// the mark, and the second reads the history table to say why (behind or newer).
#[test]
fn refusals_take_one_round_trip_after_connecting() {
    let table = refusals();
    let expected = |name: &str| if name.contains("schema behind") { 3 } else { 2 };
    let more: Vec<_> = table
        .iter()
        .filter(|(name, n, _)| *n != expected(name))
        .collect();
    assert!(more.is_empty(), "other round trips than expected: {more:?}");
}

/// A refused command writes nothing (before the flights, authentication and statement
/// shared a transaction that the refusal rolled back). A refusal decided in Rust after the
/// flight landed (another device's run: exit 4, an unknown run: exit 3, a paused watcher:
/// exit 5) finds the pipelined `COMMIT` already sent: the token's `last_used_at` (and its
/// device's `last_seen_at`) written by the authentication are committed.
#[test]
/// A refusal writes nothing but, for a token that authenticated, its use (`last_used_at`,
/// docs/decisions.md: the token was used; an invalid one writes nothing at all).
fn refusals_write_nothing() {
    let table = refusals();
    let wrote: Vec<_> = table.iter().filter(|(_, _, w)| w.is_some()).collect();
    assert!(wrote.is_empty(), "a refused command wrote: {wrote:#?}");
}

/// A device's `runs claim` waits on its token's row (another session holds it); the
/// device's supervisor interrupts it (SIGINT, exit 130, no run printed). Through anything
/// between client and server (a network, a proxy: here the counting proxy), the server
/// learns of the closed connection only when it writes, after it has run the claim and the
/// pipelined `COMMIT` that were already in its buffer: the run is `running`, held by a
/// device that never saw it, until the stale-run rescue. Before the flights the client had
/// not sent `COMMIT`, and the server rolled back.
#[test]
fn an_interrupted_claim_through_a_proxy_claims_nothing() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    pending_runs(&db, "acme", 1);
    let proxy = Proxy::start();
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM device_tokens FOR UPDATE", &[])
        .unwrap();
    let child = Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"))
        .env("DATABASE_URL", proxy.url(&db.name))
        .env("LOBU_DEVICE_TOKEN", &dev.token)
        .args(["-o", "json", "runs", "claim"])
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
    assert_eq!(out.status.code(), Some(130), "the claim was interrupted");
    assert!(out.stdout.is_empty(), "it printed no run");
    tx.rollback().unwrap();
    drop(holder);
    until_the_tool_has_left(&db);
    let running: i64 = db.scalar("SELECT count(*) FROM runs WHERE status = 'running'");
    assert_eq!(
        running, 0,
        "an interrupted claim holds a run its device never saw"
    );
}

/// The lock timeout bounds every statement of a flight (reference: "a row locked by someone
/// else fails with exit 5 after 5 s instead of hanging") but not the settings query that
/// sets it: its schema check read `lobu_migrations`, whose lock is taken when the query is
/// planned, before its `set_config` runs. A session holding (or queued for) an exclusive
/// lock on the history table (an `ALTER TABLE`, a `VACUUM FULL`, an operator's open
/// transaction) made every one-shot command wait without bound. Now the flight names the
/// serving mark and reads no history, so it does not wait at all; without the mark it
/// reads the history table under the lock timeout (exit 5).
#[test]
fn the_lock_timeout_bounds_the_settings_query_too() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let show_while_locked = || {
        let mut holder = db.client();
        let mut tx = holder.transaction().unwrap();
        tx.batch_execute("LOCK TABLE lobu_migrations IN ACCESS EXCLUSIVE MODE")
            .unwrap();
        std::thread::scope(|s| {
            let command = s.spawn(|| {
                let start = Instant::now();
                let r = cli(&db).args(["org", "show", "acme"]).run();
                (start.elapsed(), r)
            });
            // the holder lets go after 20 s, so that a command that waits returns
            let release = Instant::now();
            while !command.is_finished() && release.elapsed() < Duration::from_secs(20) {
                std::thread::sleep(Duration::from_millis(50));
            }
            tx.rollback().unwrap();
            command.join().unwrap()
        })
    };
    let (took, r) = show_while_locked();
    assert!(took < Duration::from_secs(2), "took {took:?}: {}", r.stderr);
    r.code(0);
    db.drop_serving_mark();
    let (took, r) = show_while_locked();
    assert!(
        took < Duration::from_secs(15),
        "took {took:?}: {}",
        r.stderr
    );
    r.code(5);
}

/// A table missing under a complete history (dropped or renamed by hand) is not a schema
/// behind the binary: `migrate` says it is up to date, so "0 of N migrations applied; run
/// `lobu-admin migrate`" sends the operator in a circle. `flight::refused` reads any
/// `undefined_table` of any statement as "nothing migrated".
#[test]
fn a_missing_table_under_a_complete_history_is_not_called_unmigrated() {
    let db = TestDb::new();
    db.client()
        .batch_execute("ALTER TABLE audit_events RENAME TO audit_events_old")
        .unwrap();
    let r = cli(&db).args(["org", "create", "zed"]).run();
    assert_ne!(r.code, 0);
    let up_to_date = cli(&db).args(["migrate"]).run();
    up_to_date.code(0);
    assert!(
        !r.stderr.contains("0 of") && !r.stderr.contains("run `lobu-admin migrate`"),
        "{}",
        r.stderr
    );
}

/// The principal a flight's statements read (`lobu.device_id`, and the organisation of that
/// device; `lobu.org_id` before 2e5b2fb, still preset here) is meant to be the one the
/// token's authentication set in the same transaction. A flight without
/// authentication (`tokens create`, `watchers trigger --admin`) reads whatever the session
/// holds: a role's or database's setting, `PGOPTIONS`, or a plain `SET` another client left
/// on a server connection of a transaction pooler (SPEC 12: nothing may rely on session
/// state). Then `tokens create --device acme:nobody` (an unknown device: exit 3) mints a
/// token for another organisation's device and prints its secret, and an administrator's
/// trigger is refused as not found (or audited as a device).
#[test]
fn session_settings_are_not_a_principal() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let victim = mac_org(&db, "victim");
    let w = dev.watcher.unwrap().to_string();
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" SET lobu.device_id = '{}';
             ALTER DATABASE \"{}\" SET lobu.org_id = 'victim'",
            db.name, victim.id, db.name
        ))
        .unwrap();
    let tokens = |db: &TestDb| -> i64 { db.scalar("SELECT count(*) FROM device_tokens") };
    let before = tokens(&db);
    let r = cli(&db)
        .args(["-o", "json", "tokens", "create", "--device", "acme:nobody"])
        .run();
    let minted = tokens(&db) - before;
    let admin = cli(&db)
        .args(["-o", "json", "watchers", "trigger", "--admin", &w])
        .run();
    assert_eq!(
        (r.code, minted),
        (3, 0),
        "tokens create for an unknown device: {}{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(admin.code, 0, "{}", admin.stderr);
    assert_eq!(runs(&db), 1);
}

/// Flags that change only what is printed or recorded (`-v`, `-q`, `--actor`) cost no
/// round trip of their own.
#[test]
fn output_flags_cost_no_round_trip() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let proxy = Proxy::start();
    let mut table = Vec::new();
    for args in [
        &["-v", "org", "show", "acme"][..],
        &["-q", "org", "show", "acme"],
        &["-v", "watchers", "show", &w],
        &["-v", "watchers", "trigger", &w],
        &[
            "--actor",
            "ops@example",
            "watchers",
            "trigger",
            "--admin",
            &w,
        ],
        &["-v", "runs", "claim"],
    ] {
        table.push((args.join(" "), flights(&proxy, &db, &dev.token, args, 0)));
    }
    let more: Vec<_> = table.iter().filter(|(_, n)| *n != 2).collect();
    assert!(more.is_empty(), "more than one round trip: {more:?}");
}

/// `connect_timeout` (5 s here, libpq's meaning: the whole connection attempt) bounds a
/// host that accepts the TCP connection and then says nothing (a hung server or pooler, a
/// load balancer with no backend): the driver's timeout covers the socket's connect only,
/// so the command waits as long as the host holds the socket (here 20 s), and a multi-host
/// URL never gets to its next host.
#[test]
fn connect_timeout_bounds_a_host_that_accepts_and_says_nothing() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        let start = Instant::now();
        listener.set_nonblocking(true).unwrap();
        while start.elapsed() < Duration::from_secs(20) {
            if let Ok((socket, _)) = listener.accept() {
                held.push(socket);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let start = Instant::now();
    let r = bare()
        .env(
            "DATABASE_URL",
            &format!("postgres://postgres@127.0.0.1:{port}/x?sslmode=disable"),
        )
        .args(["org", "show", "acme"])
        .run();
    let took = start.elapsed();
    r.code(6);
    assert!(
        took < Duration::from_secs(12),
        "took {took:?}: {}",
        r.stderr
    );
}

/// The settings query reads the clock as `now()` printed in the
/// session's time zone. A zone given in hours or as an interval (`timezone = '0.891111'`,
/// `SET TIME ZONE INTERVAL '00:53:28'`, a role's or database's default, `PGTZ`) prints an
/// offset with seconds (`+00:53:27`); a parser of `+HH[:MM]` only (2e5b2fb) failed every
/// command with "the database did not return its clock" (exit 1).
#[test]
fn a_session_time_zone_with_seconds_still_reads_the_clock() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" SET timezone = '0.891111'",
            db.name
        ))
        .unwrap();
    let r = cli(&db).args(["-o", "json", "org", "show", "acme"]).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = cli(&db)
        .args(["-o", "json", "watchers", "trigger", "--admin", &w])
        .run();
    assert_eq!(t.code, 0, "{}", t.stderr);
}

/// A session whose `DateStyle` is not ISO and whose zone is not UTC
/// still reads the database's clock right (the settings query sets `DateStyle` before the
/// row is printed); the run's `queued_at` is the transaction's `now()`.
#[test]
fn a_non_iso_datestyle_and_zone_still_read_the_clock() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE \"{0}\" SET DateStyle = 'German, DMY';
             ALTER DATABASE \"{0}\" SET timezone = 'Pacific/Chatham'",
            db.name
        ))
        .unwrap();
    let t = cli(&db)
        .args(["-o", "json", "watchers", "trigger", "--admin", &w])
        .run();
    assert_eq!(t.code, 0, "{}", t.stderr);
    let skew: f64 =
        db.scalar("SELECT abs(extract(epoch FROM now() - max(queued_at)))::float8 FROM runs");
    assert!(skew < 30.0, "queued_at is {skew} s from now");
}
