//! `lobu_admin`: bootstrap organisations with a sticky default agent, register devices
//! (the first Mac gets a daily check-in watcher), trigger and dispatch watchers with at
//! most one active run each, and track runs, all on PostgreSQL.
//!
//! The library never prints and never exits: every operation takes a client (or a
//! transaction), typed inputs, and returns a serialisable result or an [`Error`] whose
//! [`ErrorKind`] carries the CLI's exit code. Rendering and the command tree live in the
//! binary's `cli` module, which is not part of this API.
//!
//! ```no_run
//! use lobu_admin::db::{self, DatabaseUrl};
//! use lobu_admin::{orgs, provisioning, watchers};
//!
//! # fn main() -> lobu_admin::Result<()> {
//! let mut client = db::connect(&DatabaseUrl::new("postgres://app@db/lobu?sslmode=verify-full"))?;
//! // one transaction per state change; in_tx also sets the lock and statement timeouts,
//! // refuses a schema that is behind or ahead of this crate (`schema_mismatch`, exit 7)
//! // and hands over the database's clock, all in its first round trip: every `now`
//! // argument of the library takes it, so hosts with skewed clocks agree (SPEC 13)
//! let agent = db::in_tx(&mut client, |tx, now| {
//!     orgs::create(tx, "acme", Some("Acme"))?;
//!     provisioning::provision_agent(tx, "acme", now)
//! })?;
//! println!("{:?}", agent.outcome); // Created, then Existing on every later call
//! let listed = db::in_tx(&mut client, |tx, _| {
//!     watchers::list(tx, "acme", None, watchers::StatusFilter::Live, 100)
//! })?;
//! assert!(listed.is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! `examples/provision.rs` goes on to register a Mac and trigger its daily check-in.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod agents;
pub mod audit;
#[doc(hidden)]
pub mod cli;
pub mod db;
pub mod devices;
pub mod dispatch;
pub mod durations;
pub mod error;
pub mod fixtures;
pub mod input;
pub mod metrics;
pub mod orgs;
pub mod provisioning;
pub mod prune;
pub mod runs;
pub mod schedule;
pub mod status;
pub mod tokens;
pub mod wait;
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
