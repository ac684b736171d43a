//! `lobu_admin`: bootstrap organisations with a sticky default agent, register devices
//! (the first Mac gets a daily check-in watcher), trigger and dispatch watchers with at
//! most one active run each, and track runs, all on PostgreSQL.
//!
//! The library never prints and never exits: every operation takes a client (or a
//! transaction), typed inputs, and returns a serialisable result or an [`Error`] whose
//! [`ErrorKind`] carries the CLI's exit code. The `cli` module is the only place that
//! renders.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod agents;
pub mod cli;
pub mod db;
pub mod devices;
pub mod dispatch;
pub mod error;
pub mod fixtures;
pub mod orgs;
mod output;
pub mod provisioning;
pub mod runs;
pub mod schedule;
pub mod tokens;
pub mod watchers;

pub use error::{Error, ErrorKind, Result};

/// Shortens user input for error messages (at a char boundary).
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}
