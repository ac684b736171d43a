//! SIGINT, SIGTERM and SIGHUP: ctrlc allows one handler per process, so there is one, and
//! the command sets what it does.
//!
//! - A connected command cancels its connection's statement (a one-shot flight has sent its
//!   `COMMIT` with its statements: without the cancel the server would commit them after
//!   the client left) and marks the connection, so that it sends nothing more and rolls
//!   back what it holds. The command then ends on its own: a cancelled statement fails and
//!   it exits 130 with nothing printed; a change that had already committed is still
//!   printed and exits as it would have (its output is the truth of what happened: a new
//!   token's secret is not lost). Should it not end within 3 s, the handler exits 130.
//! - A command that stops in its own way (a wait, the dispatch loop, an organisation's
//!   delete) sets a flag it looks at between steps; a second signal exits 130 at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use crate::db::client::Canceller;
use crate::error::{Error, Result};

/// What a signal does now.
enum Action {
    /// Cancel this connection's statement ([`cancel_on_signal`]).
    Cancel(Canceller),
    /// Set this flag ([`stop_flag`]); the second signal exits when asked to.
    Flag(Arc<AtomicBool>),
}

static ACTION: Mutex<Option<Action>> = Mutex::new(None);

/// Whether a signal cancelled the command's statement: its failure is then no error of the
/// command's (exit 130, nothing printed).
static CANCELLED: AtomicBool = AtomicBool::new(false);

fn on_signal() {
    let action = ACTION.lock().unwrap_or_else(PoisonError::into_inner);
    match action.as_ref() {
        Some(Action::Cancel(connection)) => {
            let connection = connection.clone();
            drop(action);
            CANCELLED.store(true, Ordering::SeqCst);
            connection.cancel();
            std::thread::sleep(Duration::from_secs(3));
            std::process::exit(130);
        }
        Some(Action::Flag(flag)) => {
            if flag.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        }
        None => std::process::exit(130),
    }
}

/// Sets what a signal does (a command's own stop flag is not replaced by a connection's
/// cancel), installing the handler the first time.
fn set(action: Action) -> Result<()> {
    {
        let mut current = ACTION.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(action, Action::Flag(_)) || !matches!(*current, Some(Action::Flag(_))) {
            *current = Some(action);
        }
    }
    static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| ctrlc::set_handler(on_signal).map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| Error::Internal(format!("cannot install the signal handler: {e}")))
}

/// A signal cancels what `connection`'s server runs for it (the latest connection's, when
/// a command opens another), unless the command chose what a signal does ([`stop_flag`]).
pub(crate) fn cancel_on_signal(connection: Canceller) -> Result<()> {
    set(Action::Cancel(connection))
}

/// Whether a signal cancelled the command ([`cancel_on_signal`]).
pub(crate) fn cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}

/// A flag the signals set, for a command that stops in its own way; a second signal exits
/// 130 at once.
pub(crate) fn stop_flag() -> Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    set(Action::Flag(Arc::clone(&stop)))?;
    Ok(stop)
}
