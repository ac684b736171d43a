//! SIGINT, SIGTERM and SIGHUP: ctrlc allows one handler per process, so there is one, and
//! the command sets what it does. A command that connected cancels its connection's
//! statement and exits 130 (a one-shot flight has sent its `COMMIT` with its statements:
//! without the cancel the server would commit them after the client left); a command that
//! stops in its own way (a wait, the dispatch loop, an organisation's delete) sets a flag
//! it looks at between steps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::db::client::Canceller;
use crate::error::{Error, Result};

type Action = Box<dyn FnMut() + Send>;

/// What a signal does now; `None` until a command says.
static ACTION: Mutex<Option<Action>> = Mutex::new(None);

fn set(action: Action, replace: bool) -> Result<()> {
    {
        let mut current = ACTION.lock().unwrap_or_else(PoisonError::into_inner);
        if replace || current.is_none() {
            *current = Some(action);
        }
    }
    static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            ctrlc::set_handler(|| {
                if let Some(action) = ACTION
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .as_mut()
                {
                    action();
                }
            })
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| Error::Internal(format!("cannot install the signal handler: {e}")))
}

/// Whether a signal cancelled the command's statement ([`cancel_on_signal`]): its error
/// is then that, exit 130, not the cancelled statement's.
static CANCELLED: AtomicBool = AtomicBool::new(false);

/// A signal cancels what `connection`'s server runs for it, then exits 130; unless the
/// command already chose what a signal does ([`stop_flag`]).
pub(crate) fn cancel_on_signal(connection: Canceller) -> Result<()> {
    set(
        Box::new(move || {
            CANCELLED.store(true, Ordering::SeqCst);
            connection.cancel();
            // the server takes a cancel request in a process of its own, which then stops
            // the statement: a moment for that before this connection closes
            std::thread::sleep(std::time::Duration::from_millis(200));
            std::process::exit(130);
        }),
        false,
    )
}

/// Whether a signal cancelled the command ([`cancel_on_signal`]).
pub(crate) fn cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}

/// A flag the signals set, for a command that stops in its own way; a second signal,
/// when `second_exits`, exits 130 at once.
pub(crate) fn stop_flag(second_exits: bool) -> Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    set(
        Box::new(move || {
            if flag.swap(true, Ordering::SeqCst) && second_exits {
                std::process::exit(130);
            }
        }),
        true,
    )?;
    Ok(stop)
}
