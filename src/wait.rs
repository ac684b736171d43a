//! Waiting for a run's outcome (SPEC 14): `runs wait` and `watchers trigger --wait`.
//!
//! A waiter holds one connection and reads the run by its primary key, each read a
//! transaction of [`db::in_tx`]: the schema check (exit 7 on a schema newer than the
//! binary), this tool's timeouts, `SET LOCAL` only. How it learns of changes depends on
//! the path, and `LISTEN` is used only on a connection **proven direct** (see
//! [`Mode`] and docs/decisions.md, "Waiting: LISTEN or poll"):
//! - **direct**: `LISTEN lobu_run_<id>`; migration V6's trigger notifies every status
//!   change, so the outcome is seen within milliseconds, and the run is re-read only on a
//!   notification or every [`SAFETY_POLL`] as a safety net;
//! - **anything else** (PgBouncer in either mode, another proxy, a NAT, a path this side
//!   cannot prove): a transaction pooler hands each transaction to any server connection,
//!   where a `LISTEN` would be lost and would leak into other clients' sessions, so the
//!   waiter polls: every [`FAST_POLL`] for the first [`FAST_FOR`], then once every
//!   [`POLL`] (one second from the start of one read to the start of the next: at most
//!   one transaction a second, and the outcome read within a second of the run ending).

use std::net::{IpAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::db::Client;
use postgres::config::Host;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use serde::Serialize;
use tokio_postgres::Config;

use crate::db;
use crate::error::{Error, Result};
use crate::runs::{run_from_row, Run, RunStatus, RUN_COLUMNS};
use crate::tokens::Principal;

/// Polling interval for the first [`FAST_FOR`] of a wait behind a pooler.
pub const FAST_POLL: Duration = Duration::from_millis(250);
/// How long a waiter polls at [`FAST_POLL`].
pub const FAST_FOR: Duration = Duration::from_secs(3);
/// Polling interval after that, from the start of one read to the start of the next: at
/// most one transaction a second (SPEC 14), and a run that ended is read within it.
pub const POLL: Duration = Duration::from_secs(1);
/// With `LISTEN`, the run is re-read this often even without a notification.
pub const SAFETY_POLL: Duration = Duration::from_secs(5);
/// How long the self-`NOTIFY` of the proof may take to come back (on a direct connection
/// it is already there when the `COMMIT` returns).
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// How often a stop request (SIGINT) is looked at while blocked.
const STOP_CHECK: Duration = Duration::from_millis(100);

/// How a waiter learns of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `LISTEN`/`NOTIFY`: only on a connection proven direct, by three checks. The server
    /// sees the connection at the address and port dialed (a Unix socket: the port dialed,
    /// in a directory of its `unix_socket_directories`, which a role needs
    /// `pg_read_all_settings` to read); a `NOTIFY` sent in a later transaction comes back
    /// (behind a transaction pooler the `LISTEN` stays on a server connection the next
    /// transaction need not get); and every later read runs in the backend that listens
    /// (else the wait falls back to polling at once). The second check alone is fooled by
    /// a pooler that hands the idle client the same server connection again, as
    /// PgBouncer does when nobody else is using it: hence the first and third.
    Listen,
    /// Polling (poolers, proxies, anything not proven direct).
    Poll,
}

/// What a wait reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The mode chosen (at the start, and when a `LISTEN` wait falls back to polling),
    /// and why.
    Mode(Mode, &'a str),
    /// The run as first read, and after every change of its status.
    Run(&'a Run),
}

/// The run as `runs list` prints it, plus how long the wait took.
#[derive(Debug, Clone, Serialize)]
pub struct Waited {
    /// The run.
    #[serde(flatten)]
    pub run: Run,
    /// Seconds from the start of the wait to its end.
    pub waited_seconds: f64,
}

/// How a wait ended.
#[derive(Debug, Clone)]
pub enum Ended {
    /// The run is final (any final status; the caller decides what counts as success).
    Final(Waited),
    /// The timeout passed first; the run as last read.
    TimedOut(Waited),
    /// `stop` was set (SIGINT); the run is untouched.
    Interrupted,
}

impl Ended {
    /// The CLI's reading: `completed` is success; another final status is
    /// `run_unsuccessful` (naming the status and the run's error); a timeout is
    /// `wait_timeout`; an interruption is `interrupted`.
    ///
    /// # Errors
    /// As described.
    pub fn into_result(self) -> (Option<Waited>, Result<()>) {
        match self {
            Self::Final(w) if w.run.status == RunStatus::Completed.as_str() => (Some(w), Ok(())),
            Self::Final(w) => {
                let why = w
                    .run
                    .error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                let msg = format!("run {} ended {}{why}", w.run.id, w.run.status);
                (
                    Some(w),
                    Err(Error::RunUnsuccessful(crate::truncate(&msg, 500))),
                )
            }
            Self::TimedOut(w) => {
                let msg = format!(
                    "run {} is still {} after {:.0}s (--timeout); it was left as it is",
                    w.run.id, w.run.status, w.waited_seconds
                );
                (Some(w), Err(Error::WaitTimeout(msg)))
            }
            Self::Interrupted => (None, Err(Error::Interrupted)),
        }
    }
}

/// Decides how to wait for run `id` on `client` (dialed with `config`): [`Mode::Listen`]
/// only when the connection is proven direct (see [`Mode`]), then with `LISTEN
/// lobu_run_<id>` committed on it; the backend that listens is returned with it.
/// Two transactions when the address looks direct, one otherwise.
///
/// # Errors
/// Database failures (`schema_mismatch` included).
fn choose(
    client: &mut Client,
    config: &Config,
    id: i64,
) -> Result<(Mode, Option<i32>, &'static str)> {
    let listening = db::in_tx(client, |tx, _| {
        if let Some(why) = not_addressed_directly(tx, config)? {
            return Ok(Err(why));
        }
        tx.batch_execute(&format!("LISTEN lobu_run_{id}"))?;
        Ok(Ok(backend(tx)?))
    })?;
    let pid = match listening {
        Ok(pid) => pid,
        Err(why) => return Ok((Mode::Poll, None, why)),
    };
    // a NOTIFY from a later transaction: on a direct connection it is delivered to this
    // session before its COMMIT is answered
    let payload = format!("probe {}", uuid::Uuid::new_v4().simple());
    let notified_by = db::in_tx(client, |tx, _| {
        tx.query_typed(
            "SELECT pg_notify($1, $2)",
            &[
                (&format!("lobu_run_{id}"), Type::TEXT),
                (&payload, Type::TEXT),
            ],
        )?;
        backend(tx)
    })?;
    let deadline = Instant::now() + PROBE_TIMEOUT;
    let mut heard = false;
    while !heard {
        let left = deadline.saturating_duration_since(Instant::now());
        match client.notifications().timeout_iter(left).next()? {
            Some(n) => heard = n.payload() == payload,
            None => break,
        }
    }
    if !heard || notified_by != pid {
        // best effort: behind a pooler this may reach another server connection
        let _ = db::in_tx(client, |tx, _| {
            tx.batch_execute(&format!("UNLISTEN lobu_run_{id}"))
                .map_err(Error::from)
        });
        return Ok((
            Mode::Poll,
            None,
            "a NOTIFY sent in a later transaction did not come back to this connection",
        ));
    }
    Ok((Mode::Listen, Some(pid), "a direct connection"))
}

fn backend(tx: &mut Client) -> Result<i32> {
    Ok(tx.query_typed_one("SELECT pg_backend_pid()", &[])?.get(0))
}

/// Why the server does not see this connection at an address and port that `config`
/// dials (or a Unix socket in a directory and port it dials), if it does not. One
/// statement.
fn not_addressed_directly(tx: &mut Client, config: &Config) -> Result<Option<&'static str>> {
    let row = tx.query_typed_one(
        "SELECT host(inet_server_addr()), inet_server_port(), current_setting('port'), \
                (SELECT setting FROM pg_settings WHERE name = 'unix_socket_directories')",
        &[],
    )?;
    let (addr, port, server_port, dirs): (Option<String>, Option<i32>, String, Option<String>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let ports = config.get_ports();
    let port_of = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
    let hosts = config.get_hosts();
    match (addr.and_then(|a| a.parse::<IpAddr>().ok()), port) {
        // a Unix socket: ours must be the server's own, at its port, in one of its
        // directories (which only a role with pg_read_all_settings may read)
        (None, _) => {
            let Some(dirs) = dirs.filter(|d| !d.is_empty()) else {
                return Ok(Some(
                    "the server does not say where its sockets are (the role lacks \
                     pg_read_all_settings)",
                ));
            };
            let served: Vec<&str> = dirs
                .split(',')
                .map(|d| d.trim().trim_matches('"'))
                .collect();
            let direct = hosts.iter().enumerate().any(|(i, h)| match h {
                Host::Unix(dir) => {
                    server_port == port_of(i).to_string()
                        && served.iter().any(|s| same_dir(Path::new(s), dir))
                }
                Host::Tcp(_) => false,
            });
            Ok((!direct).then_some(
                "the Unix socket dialed is not the server's own (a pooler's, or a proxy's)",
            ))
        }
        (Some(ip), Some(p)) => {
            let direct = hosts.iter().enumerate().any(|(i, h)| match h {
                Host::Tcp(name) => {
                    i32::from(port_of(i)) == p
                        && (name.as_str(), port_of(i))
                            .to_socket_addrs()
                            .is_ok_and(|mut a| a.any(|a| a.ip() == ip))
                }
                Host::Unix(_) => false,
            }) || (config.get_hostaddrs().contains(&ip)
                && ports.iter().any(|&port| i32::from(port) == p));
            Ok((!direct).then_some(
                "the server sees another address or port than the one dialed (a pooler, a \
                 proxy or a NAT)",
            ))
        }
        (Some(_), None) => Ok(Some("the server does not say its port")),
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    a == b || canonical(a) == canonical(b)
}

/// Reads the run (and the backend that read it), checking that `who` (a device) may see
/// it: another organisation's run is `not_found` (its existence is not revealed), another
/// device's is `forbidden`. A device may wait for runs pinned to it, claimed by it, or
/// unpinned in its organisation (it could claim those). One transaction of
/// [`db::in_tx`].
fn read(client: &mut Client, id: i64, who: Option<&Principal>) -> Result<(Run, i32)> {
    db::in_tx(client, |tx, _| {
        let row = tx
            .query_typed_opt(
                &format!(
                    "SELECT {RUN_COLUMNS}, pg_backend_pid() AS backend_pid FROM runs WHERE id = $1"
                ),
                &[(&id, Type::INT8)],
            )?
            .ok_or_else(|| Error::not_found(format!("run {id}")))?;
        let (run, pid) = (run_from_row(&row), row.get::<_, i32>("backend_pid"));
        if let Some(who) = who {
            if run.org_id != who.org_id {
                return Err(Error::not_found(format!("run {id}")));
            }
            let mine = |d: Option<uuid::Uuid>| d == Some(who.device_id);
            if !(mine(run.device_id) || mine(run.claimed_by) || run.device_id.is_none()) {
                return Err(Error::Forbidden(format!(
                    "run {id} belongs to another device than the token's"
                )));
            }
        }
        Ok((run, pid))
    })
}

fn is_final(run: &Run) -> bool {
    !matches!(run.status.as_str(), "pending" | "claimed" | "running")
}

/// Blocks until run `id` is final, `timeout` passes or `stop` is set, on one connection,
/// `client`, dialed with `config` (which the proof of a direct connection compares with
/// what the server sees). `report` sees the mode chosen and the run as first read and
/// after every change of its status. With [`Mode::Listen`] it leaves a `LISTEN` on the
/// connection.
///
/// # Errors
/// `not_found` (also for another organisation's run), `forbidden` (another device's run),
/// `schema_mismatch`, database failures.
pub fn wait(
    client: &mut Client,
    config: &Config,
    id: i64,
    who: Option<&Principal>,
    timeout: Option<Duration>,
    stop: &AtomicBool,
    report: &mut dyn FnMut(Event<'_>),
) -> Result<Ended> {
    let start = Instant::now();
    let waited = |run: Run| Waited {
        run,
        waited_seconds: (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    };
    // the first read answers a run that is already final (or not visible) at once
    let (mut run, _) = read(client, id, who)?;
    report(Event::Run(&run));
    if is_final(&run) {
        return Ok(Ended::Final(waited(run)));
    }
    let (mut mode, mut listener, why) = choose(client, config, id)?;
    report(Event::Mode(mode, why));
    // read again: a change before the LISTEN took effect has no notification
    let mut last_read = Instant::now();
    let mut due_now = true;
    loop {
        if due_now {
            last_read = Instant::now();
            let (now, pid) = read(client, id, who)?;
            if listener.is_some_and(|l| l != pid) {
                mode = Mode::Poll;
                listener = None;
                report(Event::Mode(
                    mode,
                    "a later transaction ran in another backend than the one listening (a \
                     pooler)",
                ));
            }
            if now.status != run.status {
                report(Event::Run(&now));
            }
            run = now;
        }
        if is_final(&run) {
            return Ok(Ended::Final(waited(run)));
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(Ended::Interrupted);
        }
        if timeout.is_some_and(|t| start.elapsed() >= t) {
            return Ok(Ended::TimedOut(waited(run)));
        }
        let every = match mode {
            Mode::Listen => SAFETY_POLL,
            Mode::Poll if start.elapsed() < FAST_FOR => FAST_POLL,
            Mode::Poll => POLL,
        };
        let mut slice = every.saturating_sub(last_read.elapsed()).min(STOP_CHECK);
        if let Some(t) = timeout {
            slice = slice.min(t.saturating_sub(start.elapsed()));
        }
        let woken = match mode {
            Mode::Listen => client.notifications().timeout_iter(slice).next()?.is_some(),
            Mode::Poll => {
                std::thread::sleep(slice);
                false
            }
        };
        if woken {
            // drain what else arrived: one read answers them all
            while client.notifications().iter().next()?.is_some() {}
        }
        due_now = woken || last_read.elapsed() >= every;
    }
}

/// What comes after a run that ended `failed` or `timeout`.
enum Next {
    /// Its retry, queued (or recorded `skipped`, past the catch-up window).
    Retry(i64),
    /// A retry is due later (dispatch queues it at its time, or after the run of the
    /// watcher then active ends).
    Expected,
    /// No retry will come: none is due, or its `retry_at` is at or after the watcher's
    /// next fire instant (the slot wins: dispatch drops it then), or a later run of the
    /// watcher ended `completed` (that supersedes it).
    None,
}

fn next_attempt(client: &mut Client, id: i64) -> Result<Next> {
    db::in_tx(client, |tx, _| {
        let row = tx.query_typed_one(
            "SELECT (SELECT min(id) FROM runs WHERE retry_of = $1),
                    (SELECT r.retry_at IS NOT NULL
                            AND NOT EXISTS (SELECT 1 FROM watchers w
                                            WHERE w.id = r.watcher_id
                                              AND r.retry_at >= w.next_run_at)
                            AND NOT EXISTS (SELECT 1 FROM runs l
                                            WHERE l.watcher_id = r.watcher_id AND l.id > r.id
                                              AND l.status = 'completed')
                     FROM runs r WHERE r.id = $1)",
            &[(&id, Type::INT8)],
        )?;
        Ok(
            match (row.get::<_, Option<i64>>(0), row.get::<_, Option<bool>>(1)) {
                (Some(retry), _) => Next::Retry(retry),
                (None, Some(true)) => Next::Expected,
                _ => Next::None,
            },
        )
    })
}

/// As [`wait`], following retries (`runs wait --follow-retries`): when the run ends
/// `failed` or `timeout` and a retry is queued or still due, waits for the retry instead,
/// and so on to the last attempt. While a retry is due but not yet queued, it reads once
/// every [`POLL`]. `timeout` covers the whole chain, and `waited_seconds` too.
///
/// # Errors
/// As [`wait`]; `forbidden`, naming the failed attempt and its retry, when `who` may not
/// read a retry (the watcher was re-pinned to another device between attempts).
pub fn wait_following(
    client: &mut Client,
    config: &Config,
    id: i64,
    who: Option<&Principal>,
    timeout: Option<Duration>,
    stop: &AtomicBool,
    report: &mut dyn FnMut(Event<'_>),
) -> Result<Ended> {
    let start = Instant::now();
    let total = |mut w: Waited| {
        w.waited_seconds = (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
        w
    };
    let (mut id, mut previous) = (id, None);
    loop {
        let left = timeout.map(|t| t.saturating_sub(start.elapsed()));
        let ended = match (wait(client, config, id, who, left, stop, report), previous) {
            // the watcher was re-pinned between attempts: the retry is another device's,
            // which a token may not read, so the chain cannot be followed further
            (Err(Error::Forbidden(_)), Some((failed, status))) => {
                return Err(Error::Forbidden(format!(
                    "run {failed} ended {status}; its retry, run {id}, went to another device \
                     than the token's (the watcher was re-pinned): wait for it without a token"
                )))
            }
            (ended, _) => ended?,
        };
        let run = match ended {
            Ended::Final(w) if matches!(w.run.status.as_str(), "failed" | "timeout") => w,
            Ended::Final(w) => return Ok(Ended::Final(total(w))),
            Ended::TimedOut(w) => return Ok(Ended::TimedOut(total(w))),
            Ended::Interrupted => return Ok(Ended::Interrupted),
        };
        loop {
            match next_attempt(client, id)? {
                Next::Retry(retry) => {
                    previous = Some((id, run.run.status.clone()));
                    id = retry;
                    break;
                }
                Next::None => return Ok(Ended::Final(total(run))),
                Next::Expected => {}
            }
            let read_at = Instant::now();
            while read_at.elapsed() < POLL {
                if stop.load(Ordering::SeqCst) {
                    return Ok(Ended::Interrupted);
                }
                if timeout.is_some_and(|t| start.elapsed() >= t) {
                    return Ok(Ended::TimedOut(total(run)));
                }
                std::thread::sleep(STOP_CHECK);
            }
        }
    }
}
