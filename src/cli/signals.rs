//! SIGINT, SIGTERM and SIGHUP, without a thread of their own: a one-shot command would pay
//! for one at its start and again at its exit (the exit waits for the thread to be woken
//! and to end), about 0.4-0.5 ms of `org show`'s 7.9 ms here (docs/decisions.md and
//! docs/benchmarks.md, "Signals without a thread").
//!
//! - Before a connection, a signal ends the process as the system does by default.
//! - A connected command: a signal that arrives while the connection waits for the server
//!   cancels the statement (a one-shot flight has sent its `COMMIT` with its statements:
//!   without the cancel the server would commit them after the client left), and nothing
//!   more is sent; the connections' own runtimes watch the signals
//!   ([`crate::db::client::cancel_on_signals`]), also while a later connection is being
//!   opened (a signal ends the attempt). The command then ends on its own: a
//!   cancelled statement fails and it exits 130 with nothing printed; a change that had
//!   already committed is still printed and exits as it would have (its output is the
//!   truth of what happened: a new token's secret is not lost). Should the server not
//!   answer within 3 s, the wait gives up (exit 130). A signal between two waits is taken
//!   by the next one before it sends anything; after the last one, the command finishes
//!   what it was printing.
//! - A command that stops in its own way (a wait, the dispatch loop, an organisation's
//!   delete) sets a flag it looks at between steps ([`stop_flag`]), set already when a
//!   signal came since the last wait; a second signal exits 130 at once. Its connections
//!   do not cancel.
//! - A question on the terminal ([`exiting_on_signal`]): a signal exits 130 at once.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::flag;

use crate::db::client::SIGNALS;
use crate::error::{Error, Result};

/// Whether a command set its own stop flag: its connections do not cancel.
static STOPS_ON_FLAG: AtomicBool = AtomicBool::new(false);

/// What a connection asks as a signal arrives while it waits: whether it cancels.
fn cancels() -> bool {
    !STOPS_ON_FLAG.load(Ordering::SeqCst)
}

fn installed<T>(result: io::Result<T>) -> Result<T> {
    result.map_err(|e| Error::Internal(format!("cannot install the signal handler: {e}")))
}

/// From now on a signal cancels what the server runs for the process's connections while
/// they wait, unless the command chose what a signal does ([`stop_flag`]).
pub(crate) fn cancel_on_signal() -> Result<()> {
    installed(crate::db::client::cancel_on_signals(cancels))
}

/// Whether a signal cancelled the command ([`cancel_on_signal`]): its failure is then no
/// error of the command's (exit 130, nothing printed).
pub(crate) fn cancelled() -> bool {
    crate::db::client::interrupted()
}

/// A flag the signals set, for a command that stops in its own way; a second signal exits
/// 130 at once.
pub(crate) fn stop_flag() -> Result<Arc<AtomicBool>> {
    STOPS_ON_FLAG.store(true, Ordering::SeqCst);
    let stop = Arc::new(AtomicBool::new(false));
    for signal in SIGNALS {
        // the exit first: it finds the flag clear on the first signal, set on the second
        installed(flag::register_conditional_shutdown(
            signal,
            130,
            Arc::clone(&stop),
        ))?;
        installed(flag::register(signal, Arc::clone(&stop)))?;
    }
    // a signal that came since the last wait and that no connection took: the first
    if crate::db::client::take_signal() {
        stop.store(true, Ordering::SeqCst);
    }
    Ok(stop)
}

/// Runs `f` (a question on the terminal, which nothing else would interrupt once a
/// connection watches the signals) with a signal exiting 130 at once.
pub(crate) fn exiting_on_signal<T>(f: impl FnOnce() -> T) -> Result<T> {
    let always = Arc::new(AtomicBool::new(true));
    let ids = SIGNALS
        .into_iter()
        .map(|signal| flag::register_conditional_shutdown(signal, 130, Arc::clone(&always)))
        .collect::<io::Result<Vec<_>>>();
    let ids = installed(ids)?;
    let value = f();
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    Ok(value)
}
