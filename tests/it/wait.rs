//! SPEC 14: scripts that wait for a run's outcome (`runs wait`, `watchers trigger --wait`).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cluster::{Bouncer, Cluster};
use crate::support::{cli, mac_org, register, s, Dev, TestDb};

/// `lobu-admin <args>` in the background on `url`, with a device token if given.
fn spawn(url: &str, token: Option<&str>, args: &[&str]) -> Child {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"));
    c.args(args)
        .env("DATABASE_URL", url)
        .env_remove("LOBU_DEVICE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(t) = token {
        c.env("LOBU_DEVICE_TOKEN", t);
    }
    c.spawn().unwrap()
}

/// Exit code, stdout as JSON (null when empty, a string when it is a table), stderr.
fn finish(child: Child) -> (i32, Value, String) {
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).unwrap_or_else(|_| Value::from(stdout.as_ref()))
    };
    (out.status.code().unwrap_or(-1), v, stderr)
}

/// A Mac whose daily check-in has a pending run; the run id.
fn pending(db: &TestDb) -> (Dev, String) {
    let dev = mac_org(db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let r = cli(db).args(["watchers", "trigger", &w, "--admin"]).json();
    (dev, s(&r, "run_id"))
}

fn status(db: &TestDb, run: &str) -> String {
    db.scalar(&format!("SELECT status FROM runs WHERE id = {run}"))
}

/// Waits until the waiter process has its connection (it is then reading the run).
fn settle() {
    std::thread::sleep(Duration::from_millis(600));
}

#[test]
fn completed_is_exit_0_and_the_waiter_may_start_before_the_claim() {
    let db = TestDb::new();
    let (dev, run) = pending(&db);
    let waiter = spawn(&db.url, None, &["-o", "json", "-v", "runs", "wait", &run]);
    settle();
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    cli(&db)
        .args(["runs", "complete", &run, "--result", "{\"summary\":\"ok\"}"])
        .token(&dev.token)
        .json();
    let (code, v, stderr) = finish(waiter);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(v["status"], "completed");
    assert_eq!(s(&v, "id"), run);
    assert_eq!(v["output"]["summary"], "ok");
    assert!(v["waited_seconds"].as_f64().unwrap() > 0.0);
    // the runs list object plus waited_seconds
    let listed = cli(&db).args(["runs", "list", "--org", "acme"]).json();
    let keys = |o: &Value| {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.retain(|k| k != "waited_seconds");
        k.sort();
        k
    };
    assert_eq!(keys(&v), keys(&listed[0]));
    assert!(stderr.contains("by LISTEN"), "{stderr}");
}

#[test]
fn unsuccessful_ends_are_exit_8_naming_the_status() {
    let db = TestDb::new();
    let (dev, run) = pending(&db);
    // failed
    let waiter = spawn(
        &db.url,
        Some(&dev.token),
        &["-o", "json", "runs", "wait", &run],
    );
    settle();
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    cli(&db)
        .args(["runs", "fail", &run, "--error", "disk full"])
        .token(&dev.token)
        .json();
    let (code, v, stderr) = finish(waiter);
    assert_eq!(code, 8, "{stderr}");
    assert_eq!(v["status"], "failed");
    assert!(stderr.contains("run_unsuccessful") && stderr.contains("failed: disk full"));

    // cancelled
    let w = dev.watcher.unwrap().to_string();
    let run = s(
        &cli(&db).args(["watchers", "trigger", &w, "--admin"]).json(),
        "run_id",
    );
    let waiter = spawn(&db.url, None, &["runs", "wait", &run]);
    settle();
    cli(&db).args(["runs", "cancel", &run]).json();
    let (code, _, stderr) = finish(waiter);
    assert_eq!(code, 8, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("cancelled"),
        "{stderr}"
    );

    // timed out by the rescue (active for longer than 2 h)
    let run = s(
        &cli(&db).args(["watchers", "trigger", &w, "--admin"]).json(),
        "run_id",
    );
    db.client()
        .execute(
            &format!("UPDATE runs SET queued_at = now() - interval '3 hours' WHERE id = {run}"),
            &[],
        )
        .unwrap();
    let waiter = spawn(&db.url, None, &["-o", "json", "runs", "wait", &run]);
    settle();
    cli(&db).args(["runs", "rescue"]).json();
    let (code, v, stderr) = finish(waiter);
    assert_eq!(code, 8, "{stderr}");
    assert_eq!(v["status"], "timeout");

    // an already final run answers at once
    let (code, v, _) = finish(spawn(&db.url, None, &["-o", "json", "runs", "wait", &run]));
    assert_eq!((code, v["status"].as_str()), (8, Some("timeout")));
}

#[test]
fn timeout_is_exit_9_and_sigint_130_leaving_the_run_untouched() {
    let db = TestDb::new();
    let (_, run) = pending(&db);
    let start = Instant::now();
    let (code, v, stderr) = finish(spawn(
        &db.url,
        None,
        &["-o", "json", "runs", "wait", &run, "--timeout", "2s"],
    ));
    let took = start.elapsed();
    assert_eq!(code, 9, "{stderr}");
    assert!(stderr.contains("wait_timeout"), "{stderr}");
    assert_eq!(v["status"], "pending");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(6),
        "{took:?}"
    );
    assert_eq!(status(&db, &run), "pending");

    let waiter = spawn(&db.url, None, &["runs", "wait", &run]);
    settle();
    Command::new("kill")
        .args(["-INT", &waiter.id().to_string()])
        .status()
        .unwrap();
    let (code, _, stderr) = finish(waiter);
    assert_eq!(code, 130, "{stderr}");
    assert_eq!(status(&db, &run), "pending");
}

#[test]
fn trigger_wait_follows_an_already_queued_run_and_tokens_see_only_their_runs() {
    let db = TestDb::new();
    let (dev, run) = pending(&db);
    let w = dev.watcher.unwrap().to_string();
    // already queued: the waiter follows the active run
    let waiter = spawn(
        &db.url,
        Some(&dev.token),
        &[
            "-o",
            "json",
            "watchers",
            "trigger",
            &w,
            "--wait",
            "--timeout",
            "30s",
        ],
    );
    settle();
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    cli(&db)
        .args(["runs", "complete", &run])
        .token(&dev.token)
        .json();
    let (code, v, stderr) = finish(waiter);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(s(&v, "id"), run);

    // another device's token: exit 4; another organisation's: exit 3 (not revealed)
    let mut c = db.client();
    let other = register(
        &mut c,
        "acme",
        "linux-box",
        lobu_admin::devices::Platform::Linux,
    );
    let r = cli(&db)
        .args(["runs", "wait", &run])
        .token(&other.token)
        .run();
    r.code(4);
    crate::support::bootstrapped_org(&mut c, "globex");
    let stranger = register(
        &mut c,
        "globex",
        "mbp",
        lobu_admin::devices::Platform::Macos,
    );
    cli(&db)
        .args(["runs", "wait", &run])
        .token(&stranger.token)
        .run()
        .code(3);
    cli(&db).args(["runs", "wait", "999999"]).run().code(3);
    // its own device may wait; --timeout needs --wait on trigger
    let (code, _, _) = finish(spawn(&db.url, Some(&dev.token), &["runs", "wait", &run]));
    assert_eq!(code, 0);
    cli(&db)
        .args(["watchers", "trigger", &w, "--admin", "--timeout", "1s"])
        .run()
        .code(2);
}

/// 200 waiters through PgBouncer in transaction mode poll (LISTEN cannot work there): all
/// are released within about a second of their runs completing, each costing at most one
/// server transaction a second.
#[test]
fn two_hundred_waiters_through_transaction_pooling() {
    let pool = Bouncer::start(crate::pooler::server_port(), "transaction", 10);
    let db = TestDb::new();
    crate::support::bootstrapped_org(&mut db.client(), "acme");
    crate::support::pending_runs(&db, "acme", 200);
    let ids: Vec<i64> = db
        .client()
        .query("SELECT id FROM runs ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let url = pool.url(&db.name);
    let probe = spawn(
        &url,
        None,
        &["-v", "runs", "wait", &ids[0].to_string(), "--timeout", "1s"],
    );
    let (_, _, stderr) = finish(probe);
    assert!(stderr.contains("by polling"), "{stderr}");

    let waiters: Vec<Child> = ids
        .iter()
        .map(|id| spawn(&url, None, &["-o", "json", "runs", "wait", &id.to_string()]))
        .collect();
    // steady state: every waiter past its first seconds of faster polling. On 2 cores the
    // last of the 200 processes starts polling seconds after the first: measured from 8 s
    // the window still caught some fast polls (1.18 a second each), from 14 s it does not
    std::thread::sleep(Duration::from_secs(14));
    let (c0, t0) = (pool.transactions(&db.name), Instant::now());
    std::thread::sleep(Duration::from_secs(15));
    let n = (pool.transactions(&db.name) - c0) as f64;
    let window = t0.elapsed().as_secs_f64();
    let per_waiter = n / window / 200.0;
    // a waiter whose reads start at least a second apart completes at most `window + 1` of
    // them in the window (one more at its edge), whatever its phase: so this is at most
    // 1.0, exactly, and a waiter reading every 0.9 s (the code before) makes it 1.04
    let beyond_the_edge = (n - 200.0) / window / 200.0;
    let done = Instant::now();
    db.client()
        .execute(
            "UPDATE runs SET status = 'completed', finished_at = now() WHERE status = 'pending'",
            &[],
        )
        .unwrap();
    let released: Vec<(i32, Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> = waiters
            .into_iter()
            .map(|w| {
                s.spawn(move || {
                    let out = w.wait_with_output().unwrap();
                    (out.status.code().unwrap_or(-1), done.elapsed())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let worst = released.iter().map(|(_, d)| *d).max().unwrap();
    eprintln!(
        "200 waiters through PgBouncer (transaction mode, pool 10): {per_waiter:.3} server \
         transactions per second per waiter ({beyond_the_edge:.3} beyond the window's edge); \
         all released {worst:?} after the completion"
    );
    assert!(released.iter().all(|(code, _)| *code == 0), "{released:?}");
    // SPEC 14: at most one query a second: a read starts a second after the previous one
    // started, never sooner
    assert!(
        beyond_the_edge <= 1.0,
        "{beyond_the_edge} transactions/s per waiter beyond the window's edge ({per_waiter} in all)"
    );
    // each waiter reads the run within a second of its completion; the rest is that
    // read's round trips through a pool of 10 and 200 processes exiting on 2 cores
    assert!(
        worst < Duration::from_millis(1600),
        "released after {worst:?}"
    );
}

/// `LISTEN` only on a connection proven direct (SPEC 14). PgBouncer in transaction mode
/// listening on a Unix socket with the server's own port number, and reaching the server
/// through the server's Unix socket: the server sees a Unix-socket connection at the port
/// dialed, as from a direct client, so neither end has an address that gives the pooler
/// away; the socket's directory does. The waiter polls, and still sees the outcome within
/// about a second. The server's own socket, dialed directly, is proven direct. (A private
/// cluster: its socket trusts every local user, which a packaged server's peer
/// authentication would not.)
#[test]
fn behind_a_pooler_on_a_unix_socket_the_waiter_polls() {
    let cluster = Cluster::init("wait-socket");
    cluster.start();
    cluster.migrated_db("app");
    let direct = cluster.socket_url("app");
    let db = TestDb::external("app", direct.clone(), direct.clone());
    let pool = Bouncer::start_on_socket(
        cluster.dir.to_str().unwrap(),
        cluster.port,
        "transaction",
        2,
    );
    let (dev, run) = pending(&db);
    let (_, _, stderr) = finish(spawn(
        &direct,
        None,
        &["-v", "runs", "wait", &run, "--timeout", "1s"],
    ));
    assert!(
        stderr.contains("by LISTEN (a direct connection)"),
        "{stderr}"
    );

    let waiter = spawn(
        &pool.url("app"),
        None,
        &["-v", "-o", "json", "runs", "wait", &run, "--timeout", "60s"],
    );
    // past the first seconds of faster polling
    std::thread::sleep(Duration::from_secs(4));
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let done = Instant::now();
    cli(&db)
        .args(["runs", "complete", &run])
        .token(&dev.token)
        .json();
    let (code, v, stderr) = finish(waiter);
    let took = done.elapsed();
    assert_eq!(code, 0, "{stderr}\n{}", pool.log());
    assert_eq!(v["status"], "completed");
    assert!(
        stderr.contains("by polling (the Unix socket dialed is not the server's own"),
        "{stderr}"
    );
    assert!(
        took < Duration::from_millis(2500),
        "released after {took:?}"
    );
}

/// `runs wait` reads inside the tool's transactions: a schema newer than the binary is
/// exit 7 (it was 3 for an unknown run, and a wait on a known one never looked).
#[test]
fn runs_wait_refuses_a_newer_schema_with_exit_7() {
    let db = TestDb::new();
    let (_, run) = pending(&db);
    db.newer_migration(99, false);
    for id in [run.as_str(), "999999"] {
        let r = cli(&db).args(["runs", "wait", id, "--timeout", "5s"]).run();
        r.code(7);
        assert!(r.stderr.contains("newer than this binary"), "{}", r.stderr);
    }
}

/// On a terminal, table output shows each status as it changes; piped, only the run.
#[test]
fn a_terminal_sees_the_progress() {
    let db = TestDb::new();
    let (dev, run) = pending(&db);
    let bin = assert_cmd::cargo::cargo_bin("lobu-admin");
    // `script` gives the waiter a pseudo-terminal
    let waiter = Command::new("script")
        .args([
            "-qec",
            &format!("{} runs wait {run}", bin.display()),
            "/dev/null",
        ])
        .env("DATABASE_URL", &db.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    settle();
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    std::thread::sleep(Duration::from_millis(300));
    cli(&db)
        .args(["runs", "complete", &run])
        .token(&dev.token)
        .json();
    let out = waiter.wait_with_output().unwrap();
    let tty = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{tty}");
    for step in ["pending", "running", "completed"] {
        assert!(
            tty.contains(&format!("run {run}: {step}")),
            "no {step} in: {tty}"
        );
    }
    let piped = cli(&db).args(["runs", "wait", &run]).run();
    piped.code(0);
    assert!(
        !piped.stderr.contains(&format!("run {run}: ")),
        "{}",
        piped.stderr
    );
}

/// A token may follow a retry chain only through the attempts it may read: when the
/// watcher is re-pinned to another device between attempts, the retry is that device's
/// run, and the wait stops with exit 4 naming the failed attempt and its retry and saying
/// what to do (before, exit 4 said only "run N belongs to another device than the
/// token's", about a run the user never named). Reading it instead would hand device A's
/// token device B's output, which `runs wait N` with that token refuses.
#[test]
fn following_retries_with_a_token_stops_clearly_at_a_retry_on_another_device() {
    let db = TestDb::new();
    let (a, run) = pending(&db);
    let b = register(
        &mut db.client(),
        "acme",
        "mbp2",
        lobu_admin::devices::Platform::Macos,
    );
    let w = a.watcher.unwrap().to_string();
    retries(&db, &w, "1", "0s");
    let args = follow_retries(&run, "60s");
    let follower = spawn(&db.url, Some(&a.token), &args);
    settle();
    claim_and(&db, &a, "fail");
    cli(&db)
        .args(["watchers", "update", &w, "--device", &b.id.to_string()])
        .run()
        .code(0);
    assert_eq!(cli(&db).args(["dispatch"]).json()["retried"], 1);
    let retry: i64 = db.scalar(&format!("SELECT id FROM runs WHERE retry_of = {run}"));
    assert_eq!(
        db.scalar::<uuid::Uuid>(&format!("SELECT device_id FROM runs WHERE id = {retry}")),
        b.id
    );
    let (code, v, stderr) = finish(follower);
    assert_eq!((code, &v), (4, &Value::Null), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "run {run} ended failed; its retry, run {retry}, went to another device than the \
             token's (the watcher was re-pinned): wait for it without a token"
        )),
        "{stderr}"
    );
    // as the message says: the operator's wait follows it
    let done = claim_and(&db, &b, "complete");
    assert_eq!(done, retry.to_string());
    let (code, v, _) = finish(spawn(&db.url, None, &args));
    assert_eq!((code, v["id"].as_i64()), (0, Some(retry)), "{v}");
}

/// `runs wait RUN --follow-retries --timeout TIMEOUT`, in JSON (its first five words: the
/// same wait without following retries).
fn follow_retries<'a>(run: &'a str, timeout: &'a str) -> [&'a str; 8] {
    [
        "-o",
        "json",
        "runs",
        "wait",
        run,
        "--follow-retries",
        "--timeout",
        timeout,
    ]
}

/// Gives watcher `w` `n` retries `delay` apart.
fn retries(db: &TestDb, w: &str, n: &str, delay: &str) {
    cli(db)
        .args([
            "watchers",
            "update",
            w,
            "--retries",
            n,
            "--retry-delay",
            delay,
        ])
        .run()
        .code(0);
}

/// Claims the pending run of the device and ends it with `verb` (`complete` or `fail`).
fn claim_and(db: &TestDb, dev: &Dev, verb: &str) -> String {
    let claimed = cli(db).args(["runs", "claim"]).token(&dev.token).json();
    let id = claimed[0]["id"].to_string();
    let mut args = vec!["runs", verb, id.as_str()];
    if verb == "fail" {
        args.extend(["--error", "overloaded"]);
    }
    cli(db).args(args).token(&dev.token).run().code(0);
    id
}

#[test]
fn follow_retries_waits_for_the_last_attempt() {
    let db = TestDb::new();
    let (dev, run) = pending(&db);
    let w = dev.watcher.unwrap().to_string();
    retries(&db, &w, "2", "0s");
    let args = follow_retries(&run, "60s");
    let follower = spawn(&db.url, None, &args);
    let plain = spawn(&db.url, None, &args[..5]);
    settle();
    claim_and(&db, &dev, "fail");
    // without --follow-retries the wait ends with the first attempt
    let (code, v, _) = finish(plain);
    assert_eq!((code, v["attempt"].as_i64()), (8, Some(1)), "{v}");
    // dispatch queues the retry; the follower waits for it, which then completes
    assert_eq!(cli(&db).args(["dispatch"]).json()["retried"], 1);
    let retry = claim_and(&db, &dev, "complete");
    let (code, v, stderr) = finish(follower);
    assert_eq!(code, 0, "{v} {stderr}");
    assert_eq!(v["id"].to_string(), retry);
    assert_eq!(v["attempt"], 2);
    assert_eq!(v["retry_of"].to_string(), run);
    // to exhaustion: the last attempt's failure is the outcome
    let r = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    let run = s(&r, "run_id");
    let follower = spawn(
        &db.url,
        None,
        &["-o", "json", "runs", "wait", &run, "--follow-retries"],
    );
    settle();
    for _ in 0..2 {
        claim_and(&db, &dev, "fail");
        assert_eq!(cli(&db).args(["dispatch"]).json()["retried"], 1);
    }
    claim_and(&db, &dev, "fail");
    let (code, v, _) = finish(follower);
    assert_eq!((code, v["attempt"].as_i64()), (8, Some(3)), "{v}");
}

/// `--follow-retries` ends with the run's own outcome when no retry is coming though its
/// `retry_at` is set: a `retry_at` at or after the watcher's next fire instant (the slot
/// wins, and dispatch then drops it), or a later run of the watcher that `completed` (it
/// supersedes the retry). It polled until its timeout.
#[test]
fn follow_retries_ends_when_no_retry_is_coming() {
    let db = TestDb::new();
    let (dev, run) = pending(&db);
    let w = dev.watcher.unwrap().to_string();
    // a retry a week on: the daily check-in's next slot comes first
    retries(&db, &w, "1", "1w");
    let args = follow_retries(&run, "30s");
    let follower = spawn(&db.url, None, &args);
    settle();
    claim_and(&db, &dev, "fail");
    assert!(db.scalar::<bool>(&format!(
        "SELECT r.retry_at >= w.next_run_at FROM runs r JOIN watchers w ON w.id = r.watcher_id
         WHERE r.id = {run}"
    )));
    let (code, v, stderr) = finish(follower);
    assert_eq!(
        (code, v["id"].to_string()),
        (8, run.clone()),
        "{v} {stderr}"
    );

    // a retry a day on, the next slot next year; a later manual run completes
    cli(&db)
        .args([
            "watchers",
            "update",
            &w,
            "--schedule",
            "0 0 1 1 *",
            "--retry-delay",
            "1d",
        ])
        .run()
        .code(0);
    let r = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    let run = s(&r, "run_id");
    let args = follow_retries(&run, "30s");
    let follower = spawn(&db.url, None, &args);
    settle();
    claim_and(&db, &dev, "fail");
    cli(&db)
        .args(["watchers", "trigger", &w, "--admin"])
        .run()
        .code(0);
    claim_and(&db, &dev, "complete");
    let (code, v, stderr) = finish(follower);
    assert_eq!((code, v["id"].to_string()), (8, run), "{v} {stderr}");
    assert!(v["waited_seconds"].as_f64().unwrap() < 25.0, "{v}");
}
