//! Waiting for a run's outcome (SPEC 14): `runs wait` and `watchers trigger --wait`.
//!
//! A waiter holds one connection and reads the run by its primary key (one statement, one
//! round trip, no transaction to hold). How it learns of changes depends on the path:
//! - **direct** (the server sees the connection at the address and port this side
//!   dialed): `LISTEN lobu_run_<id>`; migration V6's trigger notifies every status change,
//!   so the outcome is seen within milliseconds, and the run is re-read only on a
//!   notification or every [`SAFETY_POLL`] as a safety net;
//! - **anything in between** (PgBouncer in either mode, another proxy, a NAT): a
//!   transaction pooler hands each transaction to any server connection, where a `LISTEN`
//!   would be lost and would leak into other clients' sessions, so the waiter polls:
//!   every [`FAST_POLL`] for the first [`FAST_FOR`], then every [`POLL`]: about one
//!   statement (one server transaction) a second, and the outcome seen within a second,
//!   the poll's round trip included.

use std::net::{IpAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use postgres::config::Host;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use postgres::{Client, Config};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::runs::{run_from_row, Run, RunStatus, RUN_COLUMNS};
use crate::tokens::Principal;

/// Polling interval for the first [`FAST_FOR`] of a wait behind a pooler.
pub const FAST_POLL: Duration = Duration::from_millis(250);
/// How long a waiter polls at [`FAST_POLL`].
pub const FAST_FOR: Duration = Duration::from_secs(3);
/// Polling interval after that: a little under a second, so that a poll's round trip
/// still lands within the second SPEC 14 allows (about 1.1 statements a second).
pub const POLL: Duration = Duration::from_millis(900);
/// With `LISTEN`, the run is re-read this often even without a notification.
pub const SAFETY_POLL: Duration = Duration::from_secs(5);
/// How often a stop request (SIGINT) is looked at while blocked.
const STOP_CHECK: Duration = Duration::from_millis(100);

/// How a waiter learns of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `LISTEN`/`NOTIFY` (direct connections).
    Listen,
    /// Polling (poolers, proxies).
    Poll,
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

/// Decides the mode: [`Mode::Listen`] only when the server sees this connection at an
/// address and port that `config` dials (or both ends are a Unix socket), that is, with
/// nothing in between that could pool it. One statement.
///
/// # Errors
/// Database failures.
pub fn mode(client: &mut Client, config: &Config) -> Result<Mode> {
    let row = client.query_typed("SELECT host(inet_server_addr()), inet_server_port()", &[])?;
    let row = row
        .first()
        .ok_or_else(|| Error::Internal("no answer about the server's address".into()))?;
    let (addr, port): (Option<String>, Option<i32>) = (row.get(0), row.get(1));
    let ports = config.get_ports();
    let port_of = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
    let direct = match (addr.and_then(|a| a.parse::<IpAddr>().ok()), port) {
        (None, _) => config
            .get_hosts()
            .iter()
            .any(|h| matches!(h, Host::Unix(_))),
        (Some(ip), Some(p)) => {
            config.get_hosts().iter().enumerate().any(|(i, h)| match h {
                Host::Tcp(name) => {
                    i32::from(port_of(i)) == p
                        && (name.as_str(), port_of(i))
                            .to_socket_addrs()
                            .is_ok_and(|mut a| a.any(|a| a.ip() == ip))
                }
                Host::Unix(_) => false,
            }) || config.get_hostaddrs().contains(&ip)
        }
        (Some(_), None) => false,
    };
    Ok(if direct { Mode::Listen } else { Mode::Poll })
}

/// Reads the run, checking that `who` (a device) may see it: another organisation's run is
/// `not_found` (its existence is not revealed), another device's is `forbidden`. A device
/// may wait for runs pinned to it, claimed by it, or unpinned in its organisation (it
/// could claim those).
fn read(client: &mut Client, id: i64, who: Option<&Principal>) -> Result<Run> {
    let rows = client.query_typed(
        &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1"),
        &[(&id, Type::INT8)],
    )?;
    let run = rows
        .first()
        .map(run_from_row)
        .ok_or_else(|| Error::not_found(format!("run {id}")))?;
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
    Ok(run)
}

fn is_final(run: &Run) -> bool {
    !matches!(run.status.as_str(), "pending" | "claimed" | "running")
}

/// Blocks until run `id` is final, `timeout` passes or `stop` is set. `on_change` sees the
/// run as first read and after every change of its status. Uses one connection,
/// `client`; with [`Mode::Listen`] it leaves a `LISTEN` on it.
///
/// # Errors
/// `not_found` (also for another organisation's run), `forbidden` (another device's run), database failures.
pub fn wait(
    client: &mut Client,
    id: i64,
    who: Option<&Principal>,
    mode: Mode,
    timeout: Option<Duration>,
    stop: &AtomicBool,
    on_change: &mut dyn FnMut(&Run),
) -> Result<Ended> {
    let start = Instant::now();
    let waited = |run: Run| Waited {
        run,
        waited_seconds: (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    };
    let mut run = read(client, id, who)?;
    on_change(&run);
    if mode == Mode::Listen && !is_final(&run) {
        client.batch_execute(&format!("LISTEN lobu_run_{id}"))?;
        // a change between the first read and the LISTEN would have no notification
        run = read(client, id, who)?;
    }
    let mut last_read = Instant::now();
    loop {
        if is_final(&run) {
            return Ok(Ended::Final(waited(run)));
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(Ended::Interrupted);
        }
        if timeout.is_some_and(|t| start.elapsed() >= t) {
            return Ok(Ended::TimedOut(waited(run)));
        }
        let due = match mode {
            Mode::Listen => SAFETY_POLL,
            Mode::Poll if start.elapsed() < FAST_FOR => FAST_POLL,
            Mode::Poll => POLL,
        };
        let mut slice = due.saturating_sub(last_read.elapsed()).min(STOP_CHECK);
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
        if woken || last_read.elapsed() >= due {
            // drain what else arrived: one read answers them all
            while client.notifications().iter().next()?.is_some() {}
            let now = read(client, id, who)?;
            last_read = Instant::now();
            if now.status != run.status {
                on_change(&now);
            }
            run = now;
        }
    }
}
