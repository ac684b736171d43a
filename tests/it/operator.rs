//! SPEC 13 and 16, the operator's view: the dispatcher's `/metrics` (checked by `promtool`,
//! the Prometheus project's own parser) and `/healthz`, what each means (`starting`, a
//! committed tick whatever follows it, the lag when a tick starts, every series from the
//! start), the alerting rules of `docs/alerts/`, and `status`.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::cluster::{free_port, Cluster};
use crate::support::service::Loop;
use crate::support::{bootstrapped_org, cli, due_watchers, TestDb};

/// `GET path` on 127.0.0.1:port: the status code, the body and how long it took.
fn get(port: u16, path: &str) -> Option<(u16, String, Duration)> {
    let start = Instant::now();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let code = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((code, body, start.elapsed()))
}

/// Waits until `GET path` answers `code`; how long that took.
fn until(port: u16, path: &str, code: u16, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if get(port, path).is_some_and(|(c, _, _)| c == code) {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "{path} never answered {code}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The successful ticks' counter.
const TICK_OK: &str = "lobu_dispatch_ticks_total{outcome=\"ok\"}";

/// `dispatch --loop` with its metrics on a free port, once its first tick has succeeded:
/// the service, the port, the metrics then, and when it was first asked for them.
fn first_tick(url: &str) -> (Loop, u16, String, Instant) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let service = Loop::dispatch(url, &["--metrics-addr", &addr]);
    until(port, "/healthz", 200, Duration::from_secs(20));
    let start = Instant::now();
    let metrics = loop {
        let (_, m, _) = get(port, "/metrics").unwrap();
        if m.contains(TICK_OK) && sample(&m, TICK_OK) >= 1.0 {
            break m;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{m}");
        std::thread::sleep(Duration::from_millis(100));
    };
    (service, port, metrics, start)
}

/// A sample's value: `name{labels} value` (labels as written, or none).
fn sample(metrics: &str, name_and_labels: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.strip_prefix(' '))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no sample {name_and_labels} in:\n{metrics}"))
}

/// `promtool check metrics` on the exposition: its exit status and what it said.
fn promtool(metrics: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is not installed (`apt-get install prometheus`; .ci/run installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(metrics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

#[test]
fn metrics_scrape_is_valid_prometheus_and_counts_ticks_and_lag() {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    let ids = due_watchers(&mut db.client(), "acme", 5, "* * * * *");
    let (service, port, first, _) = first_tick(db.url.as_str());
    let (ok, said) = promtool(&first);
    assert!(ok, "promtool: {said}\n{first}");
    for name in [
        "lobu_dispatch_runs_queued_total",
        "lobu_dispatch_slots_skipped_total{reason=\"cooldown\"}",
        "lobu_runs_rescued_total{action=\"timed_out\"}",
        "lobu_dispatch_tick_duration_seconds_count",
        "lobu_dispatch_lag_seconds",
        "lobu_runs_active{status=\"pending\"}",
        "lobu_runs_oldest_pending_age_seconds",
        "lobu_database_up",
        "lobu_dispatch_last_success_timestamp_seconds",
    ] {
        sample(&first, name);
    }
    assert!(first.contains("lobu_build_info{version="), "{first}");
    assert_eq!(sample(&first, "lobu_dispatch_runs_queued_total"), 5.0);
    assert_eq!(sample(&first, "lobu_runs_active{status=\"pending\"}"), 5.0);
    assert_eq!(sample(&first, "lobu_database_up"), 1.0);

    // due slots left waiting: slots 2 s ahead, whose rows this test then holds, so every
    // tick skips them once they are due; the lag grows from tick to tick
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = now() + interval '2 seconds' WHERE id = ANY($1)",
            &[&ids],
        )
        .unwrap();
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute(
        "SELECT 1 FROM watchers WHERE id = ANY($1) FOR NO KEY UPDATE",
        &[&ids],
    )
    .unwrap();
    let lag_at = |m: &str| sample(m, "lobu_dispatch_lag_seconds");
    std::thread::sleep(Duration::from_secs(4));
    let (_, a, _) = get(port, "/metrics").unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let (_, b, _) = get(port, "/metrics").unwrap();
    tx.rollback().unwrap();
    assert!(sample(&b, TICK_OK) > sample(&first, TICK_OK), "{b}");
    assert!(
        lag_at(&a) > 0.0 && lag_at(&b) > lag_at(&a),
        "lag {} then {}",
        lag_at(&a),
        lag_at(&b)
    );
    let (ok, said) = promtool(&b);
    assert!(ok, "promtool: {said}");
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    assert_eq!(
        get(port, "/nothing"),
        None,
        "the listener ends with the process"
    );
}

/// A run claimed 20 minutes ago with no heartbeat since: the next tick's rescue locks it.
fn stale_run(c: &mut lobu_admin::db::Client) -> i64 {
    c.query_one(
        "INSERT INTO runs (org_id, agent_id, dispatch_source, triggered_by, status,
                           queued_at, claimed_at, heartbeat_at)
         VALUES ('acme', 'owletto-default', 'manual', 'admin', 'running',
                 now() - interval '20 minutes', now() - interval '20 minutes',
                 now() - interval '20 minutes')
         RETURNING id",
        &[],
    )
    .unwrap()
    .get(0)
}

/// `/healthz` now, as a row of the health matrix.
fn health_row(port: u16, state: &str, rows: &mut Vec<String>) -> (u16, String) {
    let (code, body, took) = get(port, "/healthz").unwrap();
    rows.push(format!(
        "| {state} | {code} | {} | {took:.0?} |",
        body.trim_end()
    ));
    (code, body)
}

/// The health matrix: `starting` while the first tick waits on a lock and after it fails;
/// ok; a tick blocked on a lock (answered at once); the database down for longer than the
/// window (503, saying since when, never naming the connection); back. Printed with
/// `--nocapture`.
#[test]
fn healthz_follows_the_database_and_answers_while_a_tick_is_blocked() {
    let cluster = Cluster::init("health");
    cluster.start();
    let dbname = "health_secret_db";
    cluster.migrated_db(dbname);
    let mut admin = cluster.lib_admin(dbname);
    bootstrapped_org(&mut admin, "acme");
    due_watchers(&mut admin, "acme", 3, "* * * * *");
    // the first tick's rescue waits on this row for the lock timeout (5 s), then fails
    let first = stale_run(&mut admin);
    let mut holder = cluster.admin(dbname);
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", &[&first])
        .unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let service = Loop::dispatch(&cluster.url("postgres", dbname), &["--metrics-addr", &addr]);
    let mut rows = Vec::new();
    crate::support::until_a_session_waits_on_a_lock(&mut cluster.lib_admin(dbname), dbname);
    let (code, why) = health_row(port, "starting: first tick waits on a lock", &mut rows);
    assert_eq!(code, 503);
    assert!(
        why.starts_with("starting: no successful tick yet (started "),
        "{why}"
    );
    assert!(service
        .wait_for(
            "\"event\":\"tick_failed\"",
            started,
            Duration::from_secs(20)
        )
        .is_some());
    let (code, why) = health_row(port, "starting: first tick failed", &mut rows);
    assert_eq!(code, 503);
    assert!(
        why.starts_with("starting: no successful tick yet")
            && why.ends_with("; last tick failed: lock_timeout)\n"),
        "{why}"
    );
    tx.rollback().unwrap();
    let first_ok = until(port, "/healthz", 200, Duration::from_secs(20));
    health_row(port, "ticking", &mut rows);

    // a tick blocked on a row this test holds (the rescue waits up to the 5 s lock timeout)
    let stale = stale_run(&mut admin);
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", &[&stale])
        .unwrap();
    crate::support::until_a_session_waits_on_a_lock(&mut cluster.lib_admin(dbname), dbname);
    let (blocked, _) = health_row(port, "a tick waits on a lock", &mut rows);
    let (_, _, metrics_took) = get(port, "/metrics").unwrap();
    tx.rollback().unwrap();
    assert_eq!(blocked, 200);
    assert!(
        metrics_took < Duration::from_secs(1),
        "/metrics took {metrics_took:?}"
    );

    // the database goes away: 503 once no tick has succeeded for max(3 x 1 s, 15 s)
    drop(holder);
    cluster.stop();
    let down = until(port, "/healthz", 503, Duration::from_secs(40));
    let (_, why) = health_row(port, "database stopped, past the window", &mut rows);
    assert!(
        why.starts_with("database unreachable since 20")
            && why.contains("Z; no successful tick for 1"),
        "{why}"
    );
    for secret in [dbname, "127.0.0.1", &cluster.port.to_string(), "postgres"] {
        assert!(!why.contains(secret), "{secret} in {why}");
    }
    let (_, m, _) = get(port, "/metrics").unwrap();
    assert_eq!(sample(&m, "lobu_database_up"), 0.0);
    cluster.start();
    let back = until(port, "/healthz", 200, Duration::from_secs(30));
    health_row(port, "database back", &mut rows);
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    eprintln!(
        "| state | code | body | answered in |\n|---|---|---|---|\n{}\n\
         200 {first_ok:?} after the lock was released; 503 {down:?} after the server \
         stopped; 200 {back:?} after it restarted",
        rows.join("\n")
    );
}

/// Before any tick has succeeded, `/healthz` says `starting` with the reason (never the
/// host, user or database of the connection), and `/metrics` already has every series:
/// each label value of each counter at 0, so an alert on one has a series from the start.
#[test]
fn at_start_up_healthz_is_starting_and_every_series_is_exported() {
    let port = free_port();
    let dead = free_port();
    let url = format!("postgres://secret_user_x:secret_pw_x@127.0.0.1:{dead}/secret_db_x");
    let service = Loop::spawn(
        &url,
        &[
            "-o",
            "json",
            "dispatch",
            "--loop",
            "--interval",
            "1s",
            "--metrics-addr",
            &format!("127.0.0.1:{port}"),
        ],
    );
    assert!(service
        .wait_for(
            "\"event\":\"database_lost\"",
            Instant::now() - Duration::from_secs(60),
            Duration::from_secs(20)
        )
        .is_some());
    let (code, why, _) = get(port, "/healthz").unwrap();
    assert_eq!(code, 503);
    assert!(
        why.starts_with("starting: database unreachable since 20") && why.ends_with("Z\n"),
        "{why}"
    );
    for secret in [
        "secret_user_x",
        "secret_pw_x",
        "secret_db_x",
        "127.0.0.1",
        &dead.to_string(),
    ] {
        assert!(!why.contains(secret), "{secret} in {why}");
    }
    let (_, m, _) = get(port, "/metrics").unwrap();
    let (ok, said) = promtool(&m);
    assert!(ok, "promtool: {said}\n{m}");
    for (series, value) in [
        ("lobu_dispatch_ticks_total{outcome=\"ok\"}", 0.0),
        ("lobu_dispatch_runs_queued_total", 0.0),
        ("lobu_dispatch_slots_skipped_total{reason=\"active\"}", 0.0),
        (
            "lobu_dispatch_slots_skipped_total{reason=\"cooldown\"}",
            0.0,
        ),
        (
            "lobu_dispatch_slots_skipped_total{reason=\"agent_gone\"}",
            0.0,
        ),
        ("lobu_runs_rescued_total{action=\"requeued\"}", 0.0),
        ("lobu_runs_rescued_total{action=\"timed_out\"}", 0.0),
        ("lobu_runs_pruned_total", 0.0),
        ("lobu_runs_prune_failures_total", 0.0),
        ("lobu_dispatch_snapshot_failures_total", 0.0),
        ("lobu_runs_active{status=\"pending\"}", 0.0),
        ("lobu_runs_active{status=\"claimed\"}", 0.0),
        ("lobu_runs_active{status=\"running\"}", 0.0),
        ("lobu_database_up", 0.0),
        ("lobu_dispatch_last_success_timestamp_seconds", 0.0),
        ("lobu_dispatch_tick_duration_seconds_count", 0.0),
    ] {
        assert_eq!(sample(&m, series), value, "{series}");
    }
    assert!(sample(&m, "lobu_dispatch_ticks_total{outcome=\"failed\"}") >= 1.0);
    for secret in ["secret_user_x", "secret_pw_x", "secret_db_x"] {
        assert!(!m.contains(secret), "{secret} in the metrics");
    }
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    eprintln!("/healthz: {code} {why}/metrics at start-up:\n{m}");
}

/// A reachable database: after the first tick, the failed-tick counter is there at 0.
#[test]
fn the_failed_tick_counter_exists_before_any_failure() {
    let db = TestDb::new();
    let port = free_port();
    let started = Instant::now();
    let service = Loop::dispatch(&db.url, &["--metrics-addr", &format!("127.0.0.1:{port}")]);
    // the tick's event comes after its metrics
    assert!(service
        .wait_for("\"event\":\"tick\"", started, Duration::from_secs(20))
        .is_some());
    let (_, m, _) = get(port, "/metrics").unwrap();
    assert!(sample(&m, "lobu_dispatch_ticks_total{outcome=\"ok\"}") >= 1.0);
    assert_eq!(
        sample(&m, "lobu_dispatch_ticks_total{outcome=\"failed\"}"),
        0.0
    );
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
}

/// The lag is read when a tick starts: a slot that waited is seen, although the tick then
/// drains it (read after the tick, it would say 0).
#[test]
fn dispatch_lag_is_read_when_the_tick_starts() {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    // due a minute ago, next due on 1 January: the first tick fires it once
    let ids = due_watchers(&mut db.client(), "acme", 1, "0 0 1 1 *");
    let port = free_port();
    let service = Loop::spawn(
        &db.url,
        &[
            "-o",
            "json",
            "dispatch",
            "--loop",
            "--interval",
            "5s",
            "--metrics-addr",
            &format!("127.0.0.1:{port}"),
        ],
    );
    let tick = "\"event\":\"tick\"";
    let since = Instant::now() - Duration::from_secs(60);
    assert!(service
        .wait_for(tick, since, Duration::from_secs(20))
        .is_some());
    let (_, m, _) = get(port, "/metrics").unwrap();
    let first = sample(&m, "lobu_dispatch_lag_seconds");
    assert!((59.0..120.0).contains(&first), "lag {first}");
    assert_eq!(sample(&m, "lobu_dispatch_runs_queued_total"), 1.0);

    // a slot that waited 90 s when the next tick starts (a long interval, a stuck tick)
    let moved = Instant::now();
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = now() - interval '90 seconds' WHERE id = $1",
            &[&ids[0]],
        )
        .unwrap();
    let next = service
        .wait_for(tick, moved, Duration::from_secs(20))
        .unwrap();
    let (_, m, _) = get(port, "/metrics").unwrap();
    let second = sample(&m, "lobu_dispatch_lag_seconds");
    assert!((89.0..150.0).contains(&second), "lag {second}");
    // that tick found a run of the watcher still active: the slot is skipped, not lost
    assert_eq!(
        sample(&m, "lobu_dispatch_slots_skipped_total{reason=\"active\"}"),
        1.0
    );
    // and nothing waits when the tick after starts
    service
        .wait_for(
            tick,
            next + Duration::from_millis(1),
            Duration::from_secs(20),
        )
        .unwrap();
    let (_, m, _) = get(port, "/metrics").unwrap();
    assert_eq!(sample(&m, "lobu_dispatch_lag_seconds"), 0.0);
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
}

/// A tick whose queueing committed is a success, whatever follows it: here its prune batch
/// waits on a row this test holds and times out, and its gauges wait on a table lock and
/// time out. Each says so in its own event and counter; the tick is counted `ok`, its runs
/// are counted queued, and `/healthz` stays 200.
#[test]
fn a_committed_tick_stays_a_success_when_its_prune_and_gauges_fail() {
    let db = TestDb::new();
    let mut c = db.client();
    bootstrapped_org(&mut c, "acme");
    due_watchers(&mut c, "acme", 2, "0 0 1 1 *");
    // a run finished 60 days ago, which the prune deletes: unless this test holds it
    let old: i64 = c
        .query_one(
            "INSERT INTO runs (org_id, agent_id, dispatch_source, triggered_by, status,
                               queued_at, finished_at)
             VALUES ('acme', 'owletto-default', 'manual', 'admin', 'completed',
                     now() - interval '60 days', now() - interval '60 days')
             RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let mut rows_holder = db.client();
    let mut rows = rows_holder.transaction().unwrap();
    rows.execute("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", &[&old])
        .unwrap();
    let port = free_port();
    let started = Instant::now();
    let service = Loop::spawn(
        &db.url,
        &[
            "-o",
            "json",
            "dispatch",
            "--loop",
            "--interval",
            "3s",
            "--prune-after",
            "30d",
            "--metrics-addr",
            &format!("127.0.0.1:{port}"),
        ],
    );
    // the prune waits on the row: then take the watchers table, which the gauges read
    crate::support::until_a_session_waits_on_a_lock(&mut db.client(), &db.name);
    let mut table_holder = db.client();
    let mut table = table_holder.transaction().unwrap();
    table
        .batch_execute("LOCK TABLE watchers IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let gauges_failed = service.wait_for(
        "\"event\":\"gauges_failed\"",
        started,
        Duration::from_secs(30),
    );
    table.rollback().unwrap();
    assert!(gauges_failed.is_some(), "{:?}", service.lines());
    let (code, why, _) = get(port, "/healthz").unwrap();
    let (_, m, _) = get(port, "/metrics").unwrap();
    assert_eq!(code, 200, "{why}");
    assert_eq!(sample(&m, "lobu_dispatch_ticks_total{outcome=\"ok\"}"), 1.0);
    assert_eq!(
        sample(&m, "lobu_dispatch_ticks_total{outcome=\"failed\"}"),
        0.0
    );
    assert_eq!(sample(&m, "lobu_dispatch_runs_queued_total"), 2.0);
    assert_eq!(sample(&m, "lobu_runs_prune_failures_total"), 1.0);
    assert_eq!(sample(&m, "lobu_dispatch_snapshot_failures_total"), 1.0);
    let events: Vec<serde_json::Value> = service
        .lines()
        .iter()
        .map(|(_, l)| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        names[..3],
        ["tick", "prune_failed", "gauges_failed"],
        "{events:?}"
    );
    assert_eq!(events[0]["queued"], 2);
    assert!(events[0].get("pruned").is_none());
    assert_eq!(events[1]["kind"], "lock_timeout");
    assert_eq!(events[2]["kind"], "lock_timeout");

    // the row released, the next tick's prune deletes it
    rows.rollback().unwrap();
    assert!(service
        .wait_for("\"pruned\":1", started, Duration::from_secs(30))
        .is_some());
    let (_, m, _) = get(port, "/metrics").unwrap();
    assert_eq!(sample(&m, "lobu_runs_pruned_total"), 1.0);
    assert_eq!(
        sample(&m, "lobu_dispatch_ticks_total{outcome=\"failed\"}"),
        0.0
    );
    let (status, stderr, lines) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    assert!(!lines.iter().any(|(_, l)| l.contains("tick_failed")));
    eprintln!(
        "| committed tick, then its prune and gauges failed (lock_timeout) | {code} | {} |",
        why.trim_end()
    );
}

/// The passes of a tick that committed count, even when a later pass fails: with
/// `--limit 2`, the first two due watchers commit and the second pass waits on a run this
/// test is inserting for the third, and times out.
#[test]
fn committed_passes_count_when_a_later_pass_of_the_tick_fails() {
    let db = TestDb::new();
    let mut c = db.client();
    bootstrapped_org(&mut c, "acme");
    let ids = due_watchers(&mut c, "acme", 3, "0 0 1 1 *");
    c.execute(
        "UPDATE watchers SET next_run_at = next_run_at + interval '1 second' WHERE id = $1",
        &[&ids[2]],
    )
    .unwrap();
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by)
         VALUES ('acme', $1, 'owletto-default', 'manual', 'admin')",
        &[&ids[2]],
    )
    .unwrap();
    let port = free_port();
    let started = Instant::now();
    let service = Loop::dispatch(
        &db.url,
        &[
            "--limit",
            "2",
            "--metrics-addr",
            &format!("127.0.0.1:{port}"),
        ],
    );
    let failed = service.wait_for(
        "\"event\":\"tick_failed\"",
        started,
        Duration::from_secs(30),
    );
    let (_, m, _) = get(port, "/metrics").unwrap();
    tx.rollback().unwrap();
    assert!(failed.is_some(), "{:?}", service.lines());
    assert_eq!(
        sample(&m, "lobu_dispatch_ticks_total{outcome=\"failed\"}"),
        1.0
    );
    assert_eq!(sample(&m, "lobu_dispatch_runs_queued_total"), 2.0);
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
}

#[test]
fn status_shows_the_figures_and_the_clock_skew() {
    let db = TestDb::new();
    let dev = crate::support::mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    let s = cli(&db).args(["status"]).json();
    for key in [
        "schema_version",
        "organizations",
        "devices",
        "watchers",
        "due_now",
        "dispatch_lag_seconds",
        "active_runs",
        "oldest_pending_run",
        "oldest_pending_seconds",
        "stale_runs",
        "finished_runs",
        "finished_runs_estimated",
        "oldest_finished_run",
        "database_time",
        "host_time",
        "clock_skew_seconds",
    ] {
        assert!(s.get(key).is_some(), "{key} missing: {s}");
    }
    assert_eq!(
        s["schema_version"],
        lobu_admin::db::migrate::latest_version()
    );
    assert_eq!(s["organizations"], 1);
    assert_eq!(s["watchers"]["active"], 1);
    assert_eq!(s["active_runs"]["pending"], 1);
    assert_eq!(s["finished_runs_estimated"], false);
    assert!(s["clock_skew_seconds"].as_f64().unwrap().abs() < 1.0, "{s}");
    let table = cli(&db).args(["status"]).run();
    table.code(0);
    assert!(
        table.stdout.contains("clock_skew_seconds"),
        "{}",
        table.stdout
    );

    // a host 5 minutes fast sees the database 300 s behind it
    let fast = cli(&db).skewed("+5m").args(["status"]).json();
    let skew = fast["clock_skew_seconds"].as_f64().unwrap();
    assert!((skew + 300.0).abs() < 2.0, "skew {skew}");
}

/// The alerting rules shipped in `docs/alerts/` pass `promtool check rules` and their own
/// unit tests (`promtool test rules`), and every `lobu_` metric they use is one the
/// dispatcher exports (a renamed metric would leave an alert that can never fire).
#[test]
fn alerting_rules_pass_promtool_and_use_exported_metrics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/alerts");
    for args in [
        ["check", "rules", "lobu.rules.yml"],
        ["test", "rules", "lobu.rules.test.yml"],
    ] {
        let out = Command::new("promtool")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("promtool is not installed (`apt-get install prometheus`; .ci/run does)");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "promtool {}: {said}", args.join(" "));
        eprintln!("$ promtool {}\n{said}", args.join(" "));
    }
    let rules = std::fs::read_to_string(format!("{dir}/lobu.rules.yml")).unwrap();
    let used: std::collections::BTreeSet<&str> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| t.starts_with("lobu_"))
        .collect();
    let exported = lobu_admin::metrics::Metrics::new().encode_text();
    let names: std::collections::BTreeSet<&str> = exported
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(['{', ' ']).next())
        .collect();
    assert!(used.len() >= 7, "{used:?}");
    for name in &used {
        assert!(names.contains(name), "{name} is not exported: {names:?}");
    }
}

/// SPEC 18's lateness metrics, by value: after one tick over a slot 100 s late, a
/// retry 10 seconds late, a slot and a retry past their catch-up window, the fire-delay
/// histogram holds the two queued (count, sum, buckets), `slots_skipped{reason="missed"}`
/// the two skipped, and the retries-queued counter the one retry.
#[test]
fn lateness_metrics_count_slots_and_retries_by_value() {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    let ids = due_watchers(&mut db.client(), "acme", 4, "0 0 1 1 *");
    let (late, missed, retry, missed_retry) = (ids[0], ids[1], ids[2], ids[3]);
    let c = &mut db.client();
    c.execute(
        "UPDATE watchers SET next_run_at = now() - interval '100 seconds' WHERE id = $1",
        &[&late],
    )
    .unwrap();
    c.execute(
        "UPDATE watchers SET catch_up_window_seconds = 60, next_run_at = now() - interval '1 hour'
         WHERE id = $1",
        &[&missed],
    )
    .unwrap();
    c.execute(
        "UPDATE watchers SET retries = 1, next_run_at = now() + interval '1 year',
                             catch_up_window_seconds = CASE WHEN id = $2 THEN 60 END
         WHERE id = ANY($1)",
        &[&vec![retry, missed_retry], &missed_retry],
    )
    .unwrap();
    c.execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by, status,
                           scheduled_for, queued_at, finished_at, error, retry_at)
         SELECT org_id, id, agent_id, 'scheduled', 'schedule', 'failed',
                now() - interval '2 hours', now() - interval '2 hours',
                now() - interval '90 minutes', 'overloaded',
                now() - CASE WHEN id = $2 THEN interval '1 hour' ELSE interval '10 seconds' END
         FROM watchers WHERE id = ANY($1)",
        &[&vec![retry, missed_retry], &missed_retry],
    )
    .unwrap();
    let (service, _, m, start) = first_tick(db.url.as_str());
    let elapsed = start.elapsed().as_secs_f64() + 5.0;
    drop(service);
    let runs: Vec<(i64, String, i32)> = c
        .query(
            "SELECT watcher_id, status, attempt FROM runs WHERE watcher_id = ANY($1)
             ORDER BY id",
            &[&ids],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert!(runs.contains(&(late, "pending".into(), 1)), "{runs:?}");
    assert!(runs.contains(&(missed, "skipped".into(), 1)), "{runs:?}");
    assert!(runs.contains(&(retry, "pending".into(), 2)), "{runs:?}");
    assert!(
        runs.contains(&(missed_retry, "skipped".into(), 2)),
        "{runs:?}"
    );
    assert_eq!(sample(&m, "lobu_dispatch_runs_queued_total"), 1.0, "{m}");
    assert_eq!(sample(&m, "lobu_dispatch_retries_queued_total"), 1.0, "{m}");
    assert_eq!(
        sample(&m, "lobu_dispatch_slots_skipped_total{reason=\"missed\"}"),
        2.0,
        "{m}"
    );
    let h = "lobu_dispatch_fire_delay_seconds";
    assert_eq!(sample(&m, &format!("{h}_count")), 2.0, "{m}");
    let sum = sample(&m, &format!("{h}_sum"));
    assert!(
        (110.0..110.0 + 2.0 * elapsed).contains(&sum),
        "sum {sum} (elapsed {elapsed})"
    );
    // the retry (10 s late) is in the 64 s bucket, the slot (100 s) only from 128 s
    assert_eq!(sample(&m, &format!("{h}_bucket{{le=\"8.0\"}}")), 0.0, "{m}");
    assert_eq!(
        sample(&m, &format!("{h}_bucket{{le=\"64.0\"}}")),
        1.0,
        "{m}"
    );
    assert_eq!(
        sample(&m, &format!("{h}_bucket{{le=\"128.0\"}}")),
        2.0,
        "{m}"
    );
}
