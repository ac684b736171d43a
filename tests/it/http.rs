//! SPEC 16: the dispatcher's HTTP endpoint faces hostile callers. Every attack runs against a
//! real `dispatch --loop --metrics-addr` on a real port while a polite client asks `GET
//! /healthz` every quarter second, as a liveness probe would: each polite request must be
//! answered within 1 s, the process must survive with its threads and memory bounded, and
//! the loop must keep ticking. The matrix is printed (`--nocapture`) with what was measured.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::support::cluster::free_port;
use crate::support::service::Loop;
use crate::support::TestDb;

/// How long an attack holds its sockets while the polite client asks.
const HOLD: Duration = Duration::from_secs(3);
/// How long a polite request may take (SPEC 16).
const POLITE: Duration = Duration::from_secs(1);

/// A request on a connection of its own, read to the end: the status code, the head
/// (status line and headers), the body and how long it took; `Err` with what went wrong.
pub fn request(port: u16, raw: &str, limit: Duration) -> Result<Answer, String> {
    let start = Instant::now();
    let mut s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), limit)
        .map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(limit)).map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(limit))
        .map_err(|e| e.to_string())?;
    s.write_all(raw.as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes)
        .map_err(|e| format!("read after {:?}: {e}", start.elapsed()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no complete answer: {text:?}"))?;
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status line: {head:?}"))?;
    Ok(Answer {
        code,
        head: head.to_string(),
        body: body.to_string(),
        took: start.elapsed(),
    })
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub code: u16,
    pub head: String,
    pub body: String,
    pub took: Duration,
}

impl Answer {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `GET path` as a liveness probe asks it (HTTP/1.1, `Connection: close`).
pub fn get(port: u16, path: &str) -> Result<Answer, String> {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        Duration::from_secs(5),
    )
}

/// The process's threads (`/proc/PID/task`), 0 once it is gone.
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, Iterator::count)
}

/// A `/proc/PID/status` figure in KiB (`VmRSS`, `VmHWM`), 0 once it is gone.
fn status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// What the polite client saw on one request, and the process then.
struct Sample {
    answer: Result<Duration, String>,
    threads: usize,
    rss_kib: u64,
}

/// `GET /healthz` every 250 ms until stopped, sampling the process each time.
struct Polite {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Vec<Sample>>,
}

impl Polite {
    fn start(port: u16, pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !flag.load(Ordering::SeqCst) {
                let asked = Instant::now();
                let answer = get(port, "/healthz").map(|a| a.took);
                samples.push(Sample {
                    answer,
                    threads: threads(pid),
                    rss_kib: status_kib(pid, "VmRSS"),
                });
                std::thread::sleep(Duration::from_millis(250).saturating_sub(asked.elapsed()));
            }
            samples
        });
        Self { stop, handle }
    }

    fn finish(self) -> Vec<Sample> {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.join().unwrap()
    }
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(1))).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    s
}

/// Opens `n` connections (fewer if the server refuses some).
fn connect_many(port: u16, n: usize) -> Vec<TcpStream> {
    (0..n)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .inspect(|s| {
            s.set_write_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            s.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
        })
        .collect()
}

/// How a held connection ended, for the matrix: what the server sent first, and whether it
/// closed the connection.
#[derive(Default)]
struct Seen {
    answered: usize,
    closed: usize,
    first: Option<String>,
}

impl Seen {
    /// Reads what is there without waiting long.
    fn poll(&mut self, s: &mut TcpStream, done: &mut bool) {
        if *done {
            return;
        }
        let mut buf = [0u8; 4096];
        match s.read(&mut buf) {
            Ok(0) => {
                self.closed += 1;
                *done = true;
            }
            Ok(n) => {
                let text = String::from_utf8_lossy(&buf[..n]);
                if text.starts_with("HTTP/") {
                    self.answered += 1;
                    if self.first.is_none() {
                        self.first = text.lines().next().map(str::to_string);
                    }
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                self.closed += 1;
                *done = true;
            }
        }
    }

    fn note(&self, of: usize) -> String {
        format!(
            "{}/{of} answered{}, {}/{of} closed by the server",
            self.answered,
            self.first
                .as_ref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default(),
            self.closed
        )
    }
}

/// Sends `first` on `n` connections, then every `every` calls `trickle` for each until
/// [`HOLD`] has passed, reading what the server says.
fn hold(
    port: u16,
    n: usize,
    first: &[u8],
    every: Duration,
    trickle: &dyn Fn(usize) -> Vec<u8>,
) -> String {
    let start = Instant::now();
    let mut socks = connect_many(port, n);
    let opened = socks.len();
    let mut done = vec![false; opened];
    let mut seen = Seen::default();
    for s in &mut socks {
        let _ = s.write_all(first);
    }
    let mut round = 0;
    while start.elapsed() < HOLD {
        let tick = Instant::now();
        round += 1;
        for (i, s) in socks.iter_mut().enumerate() {
            seen.poll(s, &mut done[i]);
            let more = trickle(round);
            if !done[i] && !more.is_empty() {
                let _ = s.write_all(&more);
            }
        }
        std::thread::sleep(every.saturating_sub(tick.elapsed()));
    }
    for (i, s) in socks.iter_mut().enumerate() {
        seen.poll(s, &mut done[i]);
    }
    format!("{opened} sockets: {}", seen.note(opened))
}

fn nothing(_: usize) -> Vec<u8> {
    Vec::new()
}

fn content_length(port: u16, value: &str) -> String {
    let req = format!("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: {value}\r\n\r\n");
    hold(
        port,
        4,
        req.as_bytes(),
        Duration::from_millis(100),
        &nothing,
    )
}

fn body_never_sent(port: u16) -> String {
    let req = "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc";
    let a = hold(
        port,
        25,
        req.as_bytes(),
        Duration::from_millis(100),
        &nothing,
    );
    a.replace("sockets", "GET sockets")
}

fn chunked_never_ends(port: u16) -> String {
    let req = "POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    hold(
        port,
        20,
        req.as_bytes(),
        Duration::from_millis(200),
        &|_| b"1\r\na\r\n".to_vec(),
    )
}

fn request_line_never_ends(port: u16) -> String {
    hold(port, 20, b"GET /", Duration::from_millis(200), &|_| {
        b"aaaaaaaaaa".to_vec()
    })
}

fn slowloris(port: u16) -> String {
    let req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    hold(
        port,
        300,
        req.as_bytes(),
        Duration::from_millis(500),
        &|round| format!("X-{round}: b\r\n").into_bytes(),
    )
}

fn idle_sockets(port: u16) -> String {
    hold(port, 1000, b"", Duration::from_millis(100), &nothing)
}

fn huge_header(port: u16) -> String {
    let start = Instant::now();
    let mut s = connect(port);
    let mut sent = 0usize;
    let mut ended = String::from("still open");
    let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    let chunk = vec![b'a'; 64 * 1024];
    while sent < 48 << 20 && start.elapsed() < HOLD {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => {
                ended = format!("write failed: {}", e.kind());
                break;
            }
        }
    }
    let took = start.elapsed();
    let mut seen = Seen::default();
    let mut done = false;
    seen.poll(&mut s, &mut done);
    std::thread::sleep(HOLD.saturating_sub(start.elapsed()));
    format!(
        "{:.1} MiB of one header sent in {took:.1?}, {ended}; {}",
        sent as f64 / f64::from(1 << 20),
        seen.note(1)
    )
}

fn pipelined_flood(port: u16) -> String {
    let start = Instant::now();
    let one = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    let flood = one.repeat(20_000);
    let mut socks = connect_many(port, 4);
    let mut sent = 0;
    for s in &mut socks {
        let mut rest = flood.as_bytes();
        while !rest.is_empty() && start.elapsed() < HOLD {
            match s.write(rest) {
                Ok(n) => {
                    sent += n;
                    rest = &rest[n..];
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
        }
    }
    std::thread::sleep(HOLD.saturating_sub(start.elapsed()));
    format!(
        "{} sockets, {} of {} requests written, none read",
        socks.len(),
        sent / one.len(),
        20_000 * socks.len()
    )
}

fn random_bytes(port: u16) -> String {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut noise = vec![0u8; 64 * 1024];
    for b in &mut noise {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x.to_le_bytes()[0];
    }
    hold(port, 50, &noise, Duration::from_millis(100), &nothing)
}

fn client_hello() -> Vec<u8> {
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let mut hello = Vec::new();
    conn.write_tls(&mut hello).unwrap();
    hello
}

fn tls_hello(port: u16) -> String {
    hold(
        port,
        20,
        &client_hello(),
        Duration::from_millis(100),
        &nothing,
    )
}

/// A loop serving on a free port, answering `/healthz` 200.
struct Endpoint {
    service: Loop,
    port: u16,
}

impl Endpoint {
    fn start(db: &TestDb) -> Self {
        let port = free_port();
        let service = Loop::dispatch(&db.url, &["--metrics-addr", &format!("127.0.0.1:{port}")]);
        let start = Instant::now();
        while !get(port, "/healthz").is_ok_and(|a| a.code == 200) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the loop never became healthy"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { service, port }
    }

    fn pid(&self) -> u32 {
        self.service.pid()
    }
}

/// One row of the matrix.
struct Row {
    attack: &'static str,
    survived: bool,
    asked: usize,
    failed: Vec<String>,
    slowest: Duration,
    threads: usize,
    rss_mib: f64,
    ticks: usize,
    note: String,
}

type Attack = (&'static str, fn(u16) -> String);

const ATTACKS: [Attack; 12] = [
    ("Content-Length 9e18", |p| {
        content_length(p, "9000000000000000000")
    }),
    ("Content-Length 2^64-1", |p| {
        content_length(p, "18446744073709551615")
    }),
    ("Content-Length -1", |p| content_length(p, "-1")),
    ("body never sent", body_never_sent),
    ("chunked body never ends", chunked_never_ends),
    ("request line never ends", request_line_never_ends),
    ("slowloris, 300 sockets", slowloris),
    ("1000 idle sockets", idle_sockets),
    ("48 MiB header", huge_header),
    ("pipelined flood, unread", pipelined_flood),
    ("random bytes", random_bytes),
    ("TLS ClientHello", tls_hello),
];

#[test]
fn attacks_never_stop_the_loop_nor_delay_a_polite_probe() {
    raise_open_files();
    let db = TestDb::new();
    crate::support::bootstrapped_org(&mut db.client(), "acme");
    crate::support::due_watchers(&mut db.client(), "acme", 3, "* * * * *");
    let mut ep = Endpoint::start(&db);
    let calm = Polite::start(ep.port, ep.pid());
    std::thread::sleep(Duration::from_secs(2));
    let calm = calm.finish();
    let base_threads = calm.iter().map(|s| s.threads).max().unwrap();
    let base_rss = calm.iter().map(|s| s.rss_kib).max().unwrap();
    let mut rows = Vec::new();
    for (attack, run) in ATTACKS {
        let began = Instant::now();
        let polite = Polite::start(ep.port, ep.pid());
        let note = run(ep.port);
        let samples = polite.finish();
        let ended = Instant::now();
        let alive = ep.service.exited().is_none();
        let answers = alive && get(ep.port, "/healthz").is_ok();
        let ticks = ep
            .service
            .lines()
            .iter()
            .filter(|(at, l)| *at >= began && *at <= ended && l.contains("\"event\":\"tick\""))
            .count();
        let mut row = Row {
            attack,
            survived: alive && answers,
            asked: samples.len(),
            failed: samples
                .iter()
                .filter_map(|s| match &s.answer {
                    Ok(t) if *t <= POLITE => None,
                    Ok(t) => Some(format!("answered in {t:?}")),
                    Err(e) => Some(e.clone()),
                })
                .collect(),
            slowest: samples
                .iter()
                .filter_map(|s| s.answer.as_ref().ok())
                .max()
                .copied()
                .unwrap_or_default(),
            threads: samples.iter().map(|s| s.threads).max().unwrap_or(0),
            rss_mib: samples.iter().map(|s| s.rss_kib).max().unwrap_or(0) as f64 / 1024.0,
            ticks,
            note,
        };
        if !row.survived {
            // the next attack gets a fresh loop; this row says how the last one ended
            let old = std::mem::replace(&mut ep, Endpoint::start(&db));
            let (status, stderr, _) = old.service.stop("KILL");
            let said = stderr
                .lines()
                .find(|l| l.contains("memory allocation") || l.contains("panicked"))
                .unwrap_or("")
                .to_string();
            row.note = format!(
                "{}; {} {said}",
                row.note,
                if alive {
                    "process alive, endpoint gone:".to_string()
                } else {
                    format!("process died ({status})")
                }
            );
        }
        rows.push(row);
    }
    eprintln!(
        "\nbaseline: {base_threads} threads, {:.1} MiB RSS\n\
         | attack | survived | polite answered | slowest polite | max threads | max RSS MiB | ticks | what the attacker saw |\n\
         |---|---|---|---|---|---|---|---|",
        base_rss as f64 / 1024.0
    );
    for r in &rows {
        eprintln!(
            "| {} | {} | {}/{} | {:.0?} | {} | {:.1} | {} | {} |",
            r.attack,
            if r.survived { "yes" } else { "NO" },
            r.asked - r.failed.len(),
            r.asked,
            r.slowest,
            r.threads,
            r.rss_mib,
            r.ticks,
            r.note
        );
    }
    let peak = status_kib(ep.pid(), "VmHWM");
    eprintln!(
        "peak RSS of the last process (VmHWM): {:.1} MiB",
        peak as f64 / 1024.0
    );
    for r in &rows {
        assert!(r.survived, "{}: the endpoint did not survive", r.attack);
        assert!(
            r.failed.is_empty(),
            "{}: polite requests failed: {:?}",
            r.attack,
            r.failed
        );
        assert!(
            r.asked >= 8,
            "{}: only {} polite requests",
            r.attack,
            r.asked
        );
        assert!(
            r.threads <= base_threads,
            "{}: {} threads (calm: {base_threads})",
            r.attack,
            r.threads
        );
        assert!(
            r.rss_mib <= base_rss as f64 / 1024.0 + 16.0,
            "{}: RSS {:.1} MiB (calm: {:.1} MiB)",
            r.attack,
            r.rss_mib,
            base_rss as f64 / 1024.0
        );
        assert!(r.ticks >= 1, "{}: the loop did not tick", r.attack);
    }
    let (status, stderr, _) = ep.service.stop("TERM");
    assert!(status.success(), "{stderr}");
}

/// The attacks hold over a thousand sockets: raise this process's soft open-file limit
/// towards its hard limit first (an unprivileged change; the loop it starts inherits it and
/// never needs it: it caps its connections well below).
fn raise_open_files() {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let (soft, hard) = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let n = |s: &str| s.parse::<u64>().unwrap_or(u64::MAX);
            (n(f[3]), n(f[4]))
        })
        .unwrap();
    let want = hard.min(65_536);
    if soft < 4096 && want > soft {
        let hard = if hard == u64::MAX {
            "unlimited".to_string()
        } else {
            hard.to_string()
        };
        let ok = std::process::Command::new("prlimit")
            .args([
                "--pid",
                &std::process::id().to_string(),
                &format!("--nofile={want}:{hard}"),
            ])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cannot raise the open-file limit from {soft} to {want}");
    }
    assert!(
        soft.max(want) >= 2048,
        "the attacks need 2,048 open files; the hard limit is {hard}"
    );
}

/// `GET` and `HEAD` on the two paths; 405 (with `Allow`) for other methods there, 404
/// elsewhere; one request per connection; the content types scrapers expect.
#[test]
fn methods_paths_and_answers() {
    let db = TestDb::new();
    let ep = Endpoint::start(&db);
    let ask = |method: &str, path: &str, extra: &str| {
        request(
            ep.port,
            &format!("{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}\r\n"),
            Duration::from_secs(5),
        )
        .unwrap()
    };
    let health = ask("GET", "/healthz", "");
    assert_eq!((health.code, health.body.as_str()), (200, "ok\n"));
    assert_eq!(
        health.header("connection"),
        Some("close"),
        "{}",
        health.head
    );
    assert_eq!(
        health.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let head = ask("HEAD", "/healthz", "");
    assert_eq!((head.code, head.body.as_str()), (200, ""));
    assert_eq!(head.header("content-length"), Some("3"), "{}", head.head);

    let metrics = ask("GET", "/metrics", "");
    assert_eq!(metrics.code, 200);
    assert_eq!(
        metrics.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(metrics
        .body
        .contains("lobu_dispatch_ticks_total{outcome=\"ok\"}"));
    let open = ask(
        "GET",
        "/metrics",
        "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n",
    );
    assert!(
        open.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "{}",
        open.head
    );
    assert!(open.body.ends_with("# EOF\n"));
    let head = ask("HEAD", "/metrics", "");
    assert_eq!((head.code, head.body.as_str()), (200, ""));
    assert!(
        head.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 1000
    );

    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"] {
        for path in ["/metrics", "/healthz"] {
            let a = ask(method, path, "Content-Length: 0\r\n");
            assert_eq!(a.code, 405, "{method} {path}");
            assert_eq!(a.header("allow"), Some("GET, HEAD"), "{method} {path}");
        }
    }
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/metrics/"),
        ("GET", "/healthz/x"),
        ("HEAD", "/nothing"),
        ("POST", "/nothing"),
        ("GET", "/../etc/passwd"),
    ] {
        assert_eq!(ask(method, path, "").code, 404, "{method} {path}");
    }
    // a query string does not change the path; HTTP/1.0 is answered and closed too
    assert_eq!(ask("GET", "/healthz?verbose=1", "").code, 200);
    let old = request(
        ep.port,
        "GET /healthz HTTP/1.0\r\n\r\n",
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(old.code, 200);
    // two requests on one connection: the first is answered, then the connection closes
    let two = request(
        ep.port,
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(two.code, 200);
    assert_eq!(two.body, "ok\n", "one answer only");
}

/// The limits, each at its edge: a head over 8 KiB is refused at once; a client that sends
/// nothing, or trickles a head for ever, is closed after the head timeout; connections past
/// the cap close the oldest ones.
#[test]
fn heads_are_bounded_in_size_and_time_and_connections_in_number() {
    raise_open_files();
    let db = TestDb::new();
    let ep = Endpoint::start(&db);
    let long = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: {}\r\n\r\n",
        "a".repeat(9000)
    );
    let refused = request(ep.port, &long, Duration::from_secs(5)).unwrap();
    assert_eq!(refused.code, 431, "{}", refused.head);
    let fields: String = (0..40).map(|i| format!("X-{i}: a\r\n")).collect();
    let many = request(
        ep.port,
        &format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{fields}\r\n"),
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(many.code, 431, "{}", many.head);

    // an idle client and a slow one, each closed by the server after the head timeout (5 s)
    let start = Instant::now();
    let mut idle = connect(ep.port);
    let mut slow = connect(ep.port);
    let _ = slow.write_all(b"GET /healthz HTTP/1.1\r\n");
    let closed_at = |s: &mut TcpStream| -> Option<Duration> {
        let mut buf = [0u8; 256];
        match s.read(&mut buf) {
            Ok(0) => Some(start.elapsed()),
            Ok(_) => None,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
            Err(_) => Some(start.elapsed()),
        }
    };
    let (mut idle_closed, mut slow_closed) = (None, None);
    while (idle_closed.is_none() || slow_closed.is_none())
        && start.elapsed() < Duration::from_secs(15)
    {
        idle_closed = idle_closed.or_else(|| closed_at(&mut idle));
        if slow_closed.is_none() {
            let _ = slow.write_all(b"X-a: b\r\n");
            slow_closed = closed_at(&mut slow);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let (idle_closed, slow_closed) = (idle_closed.unwrap(), slow_closed.unwrap());
    for (who, at) in [("idle", idle_closed), ("slow", slow_closed)] {
        assert!(
            at >= Duration::from_secs(4) && at <= Duration::from_secs(8),
            "{who} client closed after {at:?}"
        );
    }

    // past the cap (256), each new connection closes the oldest
    let mut first = connect_many(ep.port, 100);
    let _rest = connect_many(ep.port, 200);
    std::thread::sleep(Duration::from_millis(500));
    let mut closed = 0;
    for s in &mut first {
        let mut done = false;
        Seen::default().poll(s, &mut done);
        closed += usize::from(done);
    }
    assert!(
        (44..=100).contains(&closed),
        "{closed} of the 100 oldest connections closed"
    );
    assert_eq!(get(ep.port, "/healthz").unwrap().code, 200);
    eprintln!(
        "idle client closed after {idle_closed:?}, slow one after {slow_closed:?}; \
         {closed} of the 100 oldest closed by 200 newer"
    );
}

/// An address that cannot be listened on is a usage error, said before anything else
/// happens (no tick runs); a host name is resolved.
#[test]
fn an_address_that_cannot_be_listened_on_is_exit_2() {
    let db = TestDb::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    for (addr, says) in [
        (
            format!("127.0.0.1:{port}"),
            "Address already in use (os error 98)",
        ),
        ("nonsense".to_string(), "invalid socket address"),
        (
            "192.0.2.1:9187".to_string(),
            "Cannot assign requested address (os error 99)",
        ),
    ] {
        let run = crate::support::cli(&db)
            .args(["dispatch", "--loop", "--metrics-addr", &addr])
            .run();
        run.code(2);
        assert_eq!(
            run.stderr.lines().next().unwrap(),
            format!("error: cannot listen on --metrics-addr {addr}: {says}"),
            "{}",
            run.stderr
        );
    }
    let mut c = db.client();
    let runs: i64 = c
        .query_one("SELECT count(*) FROM runs", &[])
        .unwrap()
        .get(0);
    assert_eq!(runs, 0);
    let free = free_port();
    let service = Loop::dispatch(&db.url, &["--metrics-addr", &format!("localhost:{free}")]);
    let start = Instant::now();
    while !get(free, "/healthz").is_ok_and(|a| a.code == 200) {
        assert!(start.elapsed() < Duration::from_secs(20), "never healthy");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, stderr, _) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
}
