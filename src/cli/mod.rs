//! The command-line interface: clap tree, global flags, one handler per command, error
//! printing. Handlers parse, call one library function and render; nothing else.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod agents;
pub mod args;
mod audit;
mod context;
mod db;
mod devices;
mod dispatch;
mod fixtures;
mod meta;
mod orgs;
pub(crate) mod output;
mod runs;
mod schedule;
mod serve;
mod signals;
mod tokens;
mod usage;
mod watchers;

use std::ffi::OsString;
use std::process::ExitCode;

use crate::error::{Error, Result};
use clap::Subcommand;
use clap::{CommandFactory, Parser};

use context::Ctx;
use output::{print_error, Format, Out};

/// `lobu-admin`: bootstrap organisations, register devices, fire watchers.
#[derive(Debug, Parser)]
#[command(name = "lobu-admin", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// The options of every command.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The root command without its subcommands, to which [`parse`] adds the one the words
/// name: the same settings as [`Cli`]'s, and those its required subcommand gives it
/// (`usage::tests::the_root_alone_parses_as_the_whole_tree` compares the two).
#[derive(Parser)]
#[command(name = "lobu-admin", version, about, long_about = None, max_term_width = 100)]
#[command(subcommand_required = true, arg_required_else_help = true)]
struct Root {
    #[command(flatten)]
    global: Global,
}

// the doc as `concat!`, which clap's derive does not read: a flattened struct's doc
// comment would replace the root's description (decisions.md, "Building only the chosen
// subcommand")
#[derive(Debug, clap::Args)]
#[doc = concat!("The options every command takes, before or after its name.")]
pub struct Global {
    /// PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed
    /// as libpq does from the PG* variables, the service file and the password file (keep
    /// the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and
    /// PGSERVICE, the embedded database is used.
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
    /// Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only
    /// by commands that record a change; else OS user@host).
    #[arg(long, global = true, value_name = "NAME", value_parser = args::parse_actor)]
    pub actor: Option<crate::audit::Actor>,
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
    let cli = match parse(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            if !e.use_stderr() {
                // --help, --version
                let _ = e.print();
            } else {
                print_usage_error(&e, &argv);
            }
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    let out = Out {
        format: cli.global.output,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
    };
    // an empty value is refused, naming the flag or the variable it came from
    let flag = argv
        .iter()
        .any(|a| a == "--database-url" || a.to_string_lossy().starts_with("--database-url="));
    match dispatch(&cli, out, flag) {
        Ok(()) => ExitCode::SUCCESS,
        // a signal cancelled the statement: its failure is no error of the command's
        Err(_) if signals::cancelled() => ExitCode::from(130),
        Err(e) => {
            print_error(out.format, &e);
            ExitCode::from(e.kind().exit_code())
        }
    }
}

/// `Cli::try_parse_from`, with the root command holding only the subcommand the words
/// name when they name one (see [`usage::root_subcommand`]), and without freeing clap's
/// command tree and matches.
///
/// - Building a command copies its global options into each of its subcommands: for the
///   root's nineteen, 100 KB of heap for eighteen subcommands the command line does not
///   name (`org show`: 1.15M -> 1.04M instructions, 229 -> 211 page faults, callgrind and
///   `perf stat`). A command line that names none (`--help`, `--version`, `help ...`,
///   nothing, a mistake) is parsed with the whole tree, so that what clap prints lists
///   them all.
/// - Freeing the tree and the matches took a seventh of a one-shot command's
///   instructions (callgrind, `org show`), and the process ends soon after; what is
///   leaked is one tree per invocation.
fn parse(argv: &[OsString]) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let root = <Root as CommandFactory>::command();
    // the subcommands' shells, to find the named one in (not freed, as below)
    let shells = std::mem::ManuallyDrop::new(Command::augment_subcommands(clap::Command::new(
        "lobu-admin",
    )));
    let command = match usage::root_subcommand(&root, &shells, argv) {
        Some(sub) => root.subcommand(sub.clone()),
        None => Cli::command(),
    };
    let mut command = std::mem::ManuallyDrop::new(command);
    let matches = std::mem::ManuallyDrop::new(command.try_get_matches_from_mut(argv)?);
    Cli::from_arg_matches(&matches)
}

/// Prints a clap usage error in SPEC 11's form: one `error:` line saying exactly what is
/// wrong, and clap's usage line as the `hint:` (see [`usage`]); with `-o json`, the JSON
/// error object (`invalid_input`), whose message is the same line.
fn print_usage_error(e: &clap::Error, argv: &[OsString]) {
    let (message, hint) = usage::describe(e, argv);
    if usage::wants_json(argv) {
        print_error(Format::Json, &Error::InvalidInput(message));
    } else {
        match hint {
            Some(hint) => eprintln!("error: {message}\nhint: {hint}"),
            None => eprintln!("error: {message}"),
        }
    }
}

/// Every command.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Apply the embedded migrations online (one migrator at a time), or list them.
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:\n  lobu-admin migrate --dry-run   # what each pending migration locks, \
                      who stays served\n  lobu-admin migrate\n  lobu-admin migrate status"
    )]
    Migrate {
        /// Print each pending migration's statements, the locks they take and whether
        /// binaries of the previous release stay served; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// How long an index build may wait for older transactions to end (a pg_dump, a
        /// session idle in a transaction) before it is cancelled and tried again; three
        /// tries, then exit 5 naming those transactions.
        #[arg(long, value_name = "DUR", default_value = "60s", value_parser = args::parse_duration, allow_hyphen_values = true)]
        index_wait: chrono::Duration,
        /// `status`: list applied and pending migrations with their marks.
        #[command(subcommand)]
        action: Option<db::MigrateAction>,
    },
    /// Manage the embedded database (used when no DATABASE_URL is given).
    Db {
        /// What to do.
        #[command(subcommand)]
        action: db::DbAction,
    },
    /// Organisations.
    Org {
        /// What to do.
        #[command(subcommand)]
        action: orgs::OrgAction,
    },
    /// Give an organisation its default agent, once (sticky).
    #[command(after_help = "Examples:\n  \
        lobu-admin org create acme --name 'Acme Inc'\n  \
        lobu-admin provision-agent --org acme\n  \
        lobu-admin -o json provision-agent --org acme | jq -r .outcome")]
    ProvisionAgent {
        /// Organisation id.
        #[arg(long, value_parser = args::parse_org_id)]
        org: String,
    },
    /// Agents.
    Agents {
        /// What to do.
        #[command(subcommand)]
        action: agents::AgentAction,
    },
    /// Register a device (or refresh a known one); a first Mac gets the daily check-in.
    #[command(after_help = "Examples:\n  \
        lobu-admin register-device --org acme --user ada --worker-id mbp-1 --platform macos \\\n      \
        --timezone Europe/Berlin --issue-token --expires-in 30d\n  \
        lobu-admin -o json register-device --org acme --user ada --worker-id mbp-1 \\\n      \
        --platform macos --issue-token | jq -r .token.token > ada.token")]
    RegisterDevice(devices::RegisterArgs),
    /// Devices.
    Devices {
        /// What to do.
        #[command(subcommand)]
        action: devices::DeviceAction,
    },
    /// Device tokens.
    Tokens {
        /// What to do.
        #[command(subcommand)]
        action: tokens::TokenAction,
    },
    /// Watchers.
    Watchers {
        /// What to do.
        #[command(subcommand)]
        action: watchers::WatcherAction,
    },
    /// Cron tools.
    Schedule {
        /// What to do.
        #[command(subcommand)]
        action: schedule::ScheduleAction,
    },
    /// Queue runs of due watchers (and rescue stale runs).
    #[command(after_help = "Examples:\n  \
        lobu-admin dispatch                                  # one pass, now\n  \
        lobu-admin dispatch --now 2026-06-01T07:00:00Z       # a simulated clock\n  \
        lobu-admin -o json dispatch --loop --interval 30s    # a service: JSON lines, SIGTERM stops")]
    Dispatch(dispatch::DispatchArgs),
    /// Runs: device side (claim, heartbeat, complete, fail) and operator side.
    Runs {
        /// What to do.
        #[command(subcommand)]
        action: runs::RunAction,
    },
    /// Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers.
    ///
    /// Objects of the file that exist with other values are reported as drift (exit 0);
    /// --update writes the file's values over them in the same transaction. Nothing the
    /// file lacks is deleted.
    #[command(after_help = "Examples:\n  \
        lobu-admin seed examples/fixture.json\n  \
        cat fixture.json | lobu-admin -q -o json seed -\n  \
        lobu-admin seed --update --dry-run fixture.json   # exactly what --update would change\n  \
        lobu-admin seed --update fixture.json")]
    Seed {
        /// The fixture file, or `-`.
        file: String,
        /// Validate and report exactly what an apply would do, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the file's values over the drift (names, schedules, time zones, prompts,
        /// agents, device pins).
        #[arg(long)]
        update: bool,
    },
    /// Print the organisations as a fixture that `seed` accepts (all by default).
    ///
    /// Token values cannot be exported (only their hashes are stored), so devices come out
    /// without `token`; the daily check-ins are left out too, since registering the first
    /// Mac re-creates them.
    #[command(after_help = "Examples:\n  \
        lobu-admin export > fixture.json\n  \
        lobu-admin export --org acme --org globex | lobu-admin --database-url \"$OTHER\" seed -")]
    Export {
        /// Only this organisation (repeatable).
        #[arg(long = "org", value_name = "ID", value_parser = args::parse_org_id)]
        orgs: Vec<String>,
    },
    /// The audit trail: who changed what, and when.
    Audit {
        /// What to do.
        #[command(subcommand)]
        action: audit::AuditAction,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// A guided tour on the embedded (or given) database.
    Demo,
    /// One screen for an operator: schema, counts, due slots and lag, active, pending and
    /// stale runs, history, and the database's clock with its skew from this host's.
    #[command(after_help = "Examples:\n  \
        lobu-admin status\n  \
        lobu-admin -o json status | jq '.dispatch_lag_seconds, .clock_skew_seconds'")]
    Status,
}

/// Runs the parsed command: each noun's module parses nothing more, calls the library
/// and renders.
fn dispatch(cli: &Cli, out: Out, flag: bool) -> Result<()> {
    let ctx = Ctx {
        database: context::Database::choose(cli.global.database_url.as_deref(), flag),
        out,
        actor: cli.global.actor.clone(),
        connected: std::sync::OnceLock::new(),
    };
    match &cli.command {
        Command::Migrate {
            dry_run,
            index_wait,
            action,
        } => db::migrate(&ctx, *dry_run, *index_wait, action.as_ref()),
        Command::Db { action } => db::db(action, out),
        Command::Org { action } => orgs::run(&ctx, action),
        Command::ProvisionAgent { org } => orgs::provision_agent(&ctx, org),
        Command::Agents { action } => agents::run(&ctx, action),
        Command::RegisterDevice(a) => devices::register(&ctx, a),
        Command::Devices { action } => devices::run(&ctx, action),
        Command::Tokens { action } => tokens::run(&ctx, action),
        Command::Watchers { action } => watchers::run(&ctx, action),
        Command::Schedule { action } => schedule::run(&ctx, action),
        Command::Dispatch(a) => dispatch::run(&ctx, a),
        Command::Runs { action } => runs::run(&ctx, action),
        Command::Seed {
            file,
            dry_run,
            update,
        } => fixtures::run_seed(&ctx, file, *dry_run, *update),
        Command::Export { orgs } => fixtures::export(&ctx, orgs),
        Command::Audit { action } => audit::run(&ctx, action),
        Command::Completions { shell } => meta::completions(*shell, command()),
        Command::Man => meta::man(command()),
        Command::Demo => meta::demo(&ctx),
        Command::Status => meta::status(&ctx),
    }
}
