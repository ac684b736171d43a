//! SPEC 13, the operator's view: the dispatcher's `/metrics` (checked by `promtool`, the
//! Prometheus project's own parser) and `/healthz`, and `status`.

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
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let service = Loop::dispatch(&db.url, &["--metrics-addr", &addr]);
    until(port, "/healthz", 200, Duration::from_secs(20));
    let tick = "lobu_dispatch_ticks_total{outcome=\"ok\"}";
    let start = Instant::now();
    let first = loop {
        let (_, m, _) = get(port, "/metrics").unwrap();
        if m.contains(tick) && sample(&m, tick) >= 1.0 {
            break m;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{m}");
        std::thread::sleep(Duration::from_millis(100));
    };
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
    assert!(sample(&b, tick) > sample(&first, tick), "{b}");
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

/// The health matrix: starting, ticking, a tick blocked on a lock (answers at once), the
/// database down for longer than the window (503 with a reason), back (200).
#[test]
fn healthz_follows_the_database_and_answers_while_a_tick_is_blocked() {
    let cluster = Cluster::init("health");
    cluster.start();
    cluster.migrated_db("lobu");
    let mut admin = cluster.admin("lobu");
    bootstrapped_org(&mut admin, "acme");
    due_watchers(&mut admin, "acme", 3, "* * * * *");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let service = Loop::dispatch(&cluster.url("postgres", "lobu"), &["--metrics-addr", &addr]);
    let starting = until(port, "/healthz", 200, Duration::from_secs(20));

    // a tick blocked on a row this test holds (the rescue waits up to the 5 s lock timeout)
    let stale: i64 = admin
        .query_one(
            "INSERT INTO runs (org_id, agent_id, dispatch_source, triggered_by, status,
                               queued_at, claimed_at, heartbeat_at)
             VALUES ('acme', 'owletto-default', 'manual', 'admin', 'running',
                     now() - interval '20 minutes', now() - interval '20 minutes',
                     now() - interval '20 minutes')
             RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let mut holder = cluster.admin("lobu");
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", &[&stale])
        .unwrap();
    crate::support::until_a_session_waits_on_a_lock(&mut cluster.admin("lobu"), "lobu");
    let (blocked, _, took) = get(port, "/healthz").unwrap();
    let (_, _, metrics_took) = get(port, "/metrics").unwrap();
    tx.rollback().unwrap();
    assert_eq!(blocked, 200);
    assert!(
        took < Duration::from_secs(1),
        "/healthz took {took:?} during a blocked tick"
    );
    assert!(
        metrics_took < Duration::from_secs(1),
        "/metrics took {metrics_took:?}"
    );

    // the database goes away: 503 once no tick has succeeded for max(3 x 1 s, 15 s)
    cluster.stop();
    let down = until(port, "/healthz", 503, Duration::from_secs(40));
    let (_, why, _) = get(port, "/healthz").unwrap();
    assert!(why.starts_with("no successful tick for"), "{why}");
    let (_, m, _) = get(port, "/metrics").unwrap();
    assert_eq!(sample(&m, "lobu_database_up"), 0.0);
    cluster.start();
    let back = until(port, "/healthz", 200, Duration::from_secs(30));
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    eprintln!(
        "healthz: 200 after {starting:?} at start; {took:?} while a tick waited on a lock; \
         503 {down:?} after the server stopped ({why}); 200 {back:?} after it restarted"
    );
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
