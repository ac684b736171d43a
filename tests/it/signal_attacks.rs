//! Signals without a thread (`docs/decisions.md`): a signal the handler saw but no wait took
//! yet, at the moments a hostile timing finds (between two waits, before a stop flag,
//! during a later connection attempt).

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::support::db::TestDb;

/// `child`'s exit within `limit` of now, else `None` (and it is killed).
fn exit_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the ignored test `name` of this module in a process of its own (the signal
/// handlers are the process's), with `env`; fails unless it passed.
fn in_a_process_of_its_own(name: &str, env: &[(&str, &std::ffi::OsStr)]) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", &format!("signal_attacks::{name}")])
        .args(["--ignored", "--test-threads=1"])
        .env_remove("DATABASE_URL")
        .env_remove("PGHOST")
        .env_remove("PGSERVICE");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("1 passed"), "{text}");
}

/// Runs `migrate` on `url`, whose server lets its second connection hang, and sends it
/// SIGINT 1.5 s in, after `at_signal`: its exit code within 10 s.
fn migrate_then_ctrl_c(url: &str, at_signal: impl FnOnce()) -> Option<i32> {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"))
        .env("DATABASE_URL", url)
        .args(["migrate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    if let Some(status) = child.try_wait().unwrap() {
        panic!("migrate ended on its own: {status}");
    }
    at_signal();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    exit_within(&mut child, Duration::from_secs(10)).and_then(|s| s.code())
}

/// A signal after one wait ended and before the next began: the next one sends nothing
/// (its `INSERT` would commit before a cancel could reach it). The handlers are the
/// process's, so this runs in a process of its own: the test binary again, with only
/// [`a_signal_between_waits_in_a_process_of_its_own`].
#[test]
fn a_signal_between_waits_is_taken_before_the_next_wait_sends() {
    let db = TestDb::new();
    in_a_process_of_its_own(
        "a_signal_between_waits_in_a_process_of_its_own",
        &[("LOBU_SIGNAL_TEST_URL", db.url.as_ref())],
    );
    let rows: i64 = db.scalar("SELECT count(*) FROM between_waits");
    assert_eq!(rows, 0, "the INSERT after the signal was sent");
}

#[test]
#[ignore = "run by a_signal_between_waits_is_taken_before_the_next_wait_sends"]
fn a_signal_between_waits_in_a_process_of_its_own() {
    let url = std::env::var("LOBU_SIGNAL_TEST_URL").unwrap();
    let mut c = lobu_admin::db::connect(&lobu_admin::db::DatabaseUrl::new(url)).unwrap();
    c.batch_execute("CREATE TABLE between_waits (x int)")
        .unwrap();
    lobu_admin::db::client::cancel_on_signals(|| true).unwrap();
    c.batch_execute("SELECT 1").unwrap();
    signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
    let insert = c.batch_execute("INSERT INTO between_waits VALUES (1)");
    // a library caller learns it was interrupted (not a timeout of the driver's)
    let error = lobu_admin::error::Error::from(insert.expect_err("the INSERT went through"));
    assert!(
        matches!(error, lobu_admin::error::Error::Interrupted),
        "{error:?}"
    );
    assert!(c.cancel_requested());
    // nothing more is sent on it
    assert!(c.batch_execute("SELECT 1").is_err());
}

/// `watchers trigger --wait`: the trigger committed and the command says on stderr what it
/// queued before it starts waiting; stderr is stalled (a full pipe, or Ctrl-S on a
/// terminal) when Ctrl-C comes, so the signal lands before the wait's stop flag exists.
/// The stop flag starts set: exit 130 once stderr flows.
#[test]
fn a_ctrl_c_before_the_stop_flag_exists_stops_the_wait() {
    use std::io::{Read, Write};
    let db = TestDb::new();
    let dev = crate::support::mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    let (mut reader, mut writer) = std::io::pipe().unwrap();
    // a full pipe: the command's first write to stderr blocks
    writer.write_all(&vec![b'.'; 65536]).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"))
        .env("DATABASE_URL", &db.url)
        .env_remove("LOBU_DEVICE_TOKEN")
        .args(["watchers", "trigger", "--admin", &w.to_string()])
        .args(["--wait", "--timeout", "20s"])
        .stdout(Stdio::piped())
        .stderr(writer.try_clone().unwrap())
        .spawn()
        .unwrap();
    drop(writer);
    let start = Instant::now();
    while db.scalar::<i64>("SELECT count(*) FROM runs") == 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "no run queued");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
    });
    let status = exit_within(&mut child, Duration::from_secs(10));
    assert_eq!(status.and_then(|s| s.code()), Some(130), "Ctrl-C was lost");
}

/// `migrate` opens its lock's connection after the first one watches the signals; a server
/// (a pooler, a firewall) that accepts it and never answers, with no connect timeout:
/// Ctrl-C ends the attempt (exit 130) instead of being ignored for ever.
#[test]
fn ctrl_c_during_a_later_connection_attempt_ends_it() {
    use std::net::{TcpListener, TcpStream};
    let db = TestDb::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for (n, client) in listener.incoming().enumerate() {
            let Ok(client) = client else { return };
            if n == 0 {
                // the first connection reaches the server
                let Ok(server) = TcpStream::connect("127.0.0.1:5432") else {
                    return;
                };
                let (mut c1, mut s1) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (mut c2, mut s2) = (client, server);
                std::thread::spawn(move || std::io::copy(&mut c1, &mut s1));
                std::thread::spawn(move || std::io::copy(&mut s2, &mut c2));
            } else {
                held.push(client);
            }
        }
    });
    let url = format!(
        "postgres://postgres@127.0.0.1:{port}/{}?sslmode=disable&connect_timeout=0",
        db.name
    );
    assert_eq!(
        migrate_then_ctrl_c(&url, || ()),
        Some(130),
        "Ctrl-C during the attempt did not end it"
    );
}

/// A URL with two hosts: the first refuses `migrate`'s first connection (on to the second,
/// the server) and then accepts and never answers; Ctrl-C during the lock connection's
/// attempt on it ends the command (exit 130) instead of being taken for that host's
/// failure, after which the second host would run the migrations.
#[test]
fn ctrl_c_during_an_attempt_on_a_url_of_two_hosts_tries_no_other() {
    let db = TestDb::empty();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for (n, client) in listener.incoming().enumerate() {
            let Ok(client) = client else { return };
            if n > 0 {
                held.push(client);
            }
        }
    });
    let url = format!(
        "postgres://postgres@127.0.0.1:{port},127.0.0.1:5432/{}?sslmode=disable&connect_timeout=0",
        db.name
    );
    let history =
        || db.scalar::<i64>("SELECT count(*) FROM pg_tables WHERE tablename = 'lobu_migrations'");
    let mut before = None;
    let code = migrate_then_ctrl_c(&url, || before = Some(history()));
    assert_eq!(code, Some(130), "Ctrl-C was lost");
    assert_eq!(Some(history()), before, "migrate went on after Ctrl-C");
}

/// Two connections of one process waiting at once (`migrate`'s index build and its
/// watcher; a pool): a signal that one of them takes cancels the other's statement too.
#[test]
fn a_signal_cancels_every_connection_of_the_process() {
    let db = TestDb::new();
    in_a_process_of_its_own(
        "two_connections_in_a_process_of_their_own",
        &[("LOBU_SIGNAL_TEST_URL", db.url.as_ref())],
    );
    let rows: i64 = db.scalar("SELECT count(*) FROM two_clients");
    assert_eq!(rows, 0, "the long INSERT committed after the signal");
}

#[test]
#[ignore = "run by a_signal_cancels_every_connection_of_the_process"]
fn two_connections_in_a_process_of_their_own() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let url = lobu_admin::db::DatabaseUrl::new(std::env::var("LOBU_SIGNAL_TEST_URL").unwrap());
    let mut long = lobu_admin::db::connect(&url).unwrap();
    let mut busy = lobu_admin::db::connect(&url).unwrap();
    long.batch_execute("CREATE TABLE two_clients (x int)")
        .unwrap();
    lobu_admin::db::client::cancel_on_signals(|| true).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let poller = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) && busy.batch_execute("SELECT 1").is_ok() {}
            busy.cancel_requested()
        })
    };
    let insert = std::thread::spawn(move || {
        let r = long.batch_execute("INSERT INTO two_clients SELECT 1 FROM pg_sleep(3)");
        // the server's answer to the cancel request is the interruption, not a retry
        let interrupted = r
            .map_err(lobu_admin::error::Error::from)
            .map_err(|e| matches!(e, lobu_admin::error::Error::Interrupted));
        (interrupted, long.cancel_requested())
    });
    std::thread::sleep(Duration::from_millis(500));
    signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
    let (inserted, long_cancelled) = insert.join().unwrap();
    done.store(true, Ordering::SeqCst);
    let busy_cancelled = poller.join().unwrap();
    assert_eq!(
        inserted,
        Err(true),
        "the long statement was not cancelled, or its error is no interruption"
    );
    assert!(
        long_cancelled,
        "the long statement's connection was not cancelled"
    );
    assert!(
        busy_cancelled,
        "the busy connection sent on after the signal"
    );
}

/// The embedded database answers a failed first attempt by starting the cluster and
/// connecting again: an attempt a signal ended is no such failure (exit 130, nothing
/// written), whichever connection took the signal.
#[test]
fn a_signal_during_an_embedded_connection_attempt_is_not_retried() {
    let home = crate::local::Home::new("signal");
    in_a_process_of_its_own(
        "embedded_in_a_process_of_its_own",
        &[("LOBU_ADMIN_HOME", home.0.as_os_str())],
    );
    let written = home.psql("SELECT count(*) FROM organizations WHERE id = 'sigorg'");
    assert_eq!(
        written, "0",
        "the embedded database was written after the signal"
    );
}

#[test]
#[ignore = "run by a_signal_during_an_embedded_connection_attempt_is_not_retried"]
fn embedded_in_a_process_of_its_own() {
    let run = |args: &[&str]| {
        let argv = std::iter::once("lobu-admin").chain(args.iter().copied());
        lobu_admin::cli::run(argv.map(std::ffi::OsString::from))
    };
    // first use: initialises, starts and migrates the cluster; the process now watches
    assert_eq!(run(&["status"]), std::process::ExitCode::SUCCESS);
    signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
    assert_eq!(
        run(&["org", "create", "sigorg"]),
        std::process::ExitCode::from(130)
    );
}
