//! The command-line interface: clap tree, global flags, one handler per command, error
//! printing. Handlers parse, call one library function and render; nothing else.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
mod commands;
mod meta;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use postgres::Client;

use crate::db::{self, DatabaseUrl};
use crate::error::{Error, Result};
use crate::output::{print_error, Format, Out};

pub use commands::Command;

/// `lobu-admin`: bootstrap organisations, register devices, fire watchers.
#[derive(Debug, Parser)]
#[command(name = "lobu-admin", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// PostgreSQL URL; without it (and without DATABASE_URL) the embedded database is used.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database_url: Option<String>,
    /// Output format.
    #[arg(short, long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// No progress bars or notes.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More notes on stderr (connection, timings).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The clap command tree (for completions and the man page).
#[must_use]
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses `argv`, runs the command and returns the process exit code. Never panics on
/// user input.
pub fn run(argv: impl IntoIterator<Item = OsString>) -> ExitCode {
    let argv: Vec<OsString> = argv.into_iter().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            if !e.use_stderr() {
                // --help, --version
                let _ = e.print();
            } else {
                print_usage_error(&e, wants_json(&argv));
            }
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    let out = Out {
        format: cli.output,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match commands::dispatch(&cli, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            print_error(out.format, &e);
            ExitCode::from(e.kind().exit_code())
        }
    }
}

/// Condenses a clap usage error to SPEC 11's form: one `error:` line and one `hint:` line.
fn print_usage_error(e: &clap::Error, json: bool) {
    let text = e.render().to_string();
    let (message, hint) =
        if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            let usage = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("Usage: "))
                .unwrap_or("lobu-admin <COMMAND>");
            (
                format!("a subcommand is required: {usage}"),
                "add --help to list the subcommands".to_string(),
            )
        } else {
            let message = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid usage")
                .trim_start_matches("error: ")
                .to_string();
            let hint = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("tip: "))
                .map_or_else(
                    || "run `lobu-admin --help` (or `<command> --help`) for usage".to_string(),
                    str::to_string,
                );
            (message, hint)
        };
    if json {
        print_error(Format::Json, &Error::InvalidInput(message));
    } else {
        eprintln!("error: {message}\nhint: {hint}");
    }
}

fn wants_json(argv: &[OsString]) -> bool {
    argv.windows(2)
        .any(|w| (w[0] == "-o" || w[0] == "--output") && w[1] == "json")
        || argv.iter().any(|a| a == "--output=json" || a == "-ojson")
}

/// How a command wants its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schema {
    /// Refuse a schema that is behind or ahead (exit 7).
    Checked,
    /// `migrate`: no check.
    Unchecked,
}

/// Opens the invocation's one connection: the given URL, or the embedded database
/// (started and migrated on first use).
pub(crate) fn connect(cli: &Cli, out: Out, schema: Schema) -> Result<Client> {
    let explicit = cli.database_url.as_deref().filter(|u| !u.is_empty());
    let mut client = match explicit {
        Some(u) => {
            let url = DatabaseUrl::new(u);
            if out.verbose {
                eprintln!("connecting to {url}");
            }
            db::connect(&url)?
        }
        None => {
            // the embedded database is usually up: try it first (one connection), and only
            // when that fails, initialise or start it
            let cluster = db::local::Cluster::default_location()?;
            if out.verbose {
                eprintln!(
                    "connecting to the embedded database in {}",
                    cluster.home.display()
                );
            }
            match db::connect(&cluster.url()) {
                Ok(c) => c,
                Err(_) => db::connect(&db::local::ensure_running(&cluster)?)?,
            }
        }
    };
    let embedded = explicit.is_none();
    if schema == Schema::Checked {
        match db::in_tx(&mut client, |tx| db::migrate::state(tx))? {
            // the embedded database migrates itself; an explicit one is the operator's
            db::migrate::SchemaState::Behind { .. } if embedded => {
                db::migrate::migrate(&mut client)?;
            }
            state => state.require_current()?,
        }
    }
    Ok(client)
}
