
use builtin;
use str;

set edit:completion:arg-completer[lobu-admin] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'lobu-admin'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'lobu-admin'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand migrate 'Apply the embedded migrations online (one migrator at a time), or list them'
            cand db 'Manage the embedded database (used when no DATABASE_URL is given)'
            cand org 'Organisations'
            cand provision-agent 'Give an organisation its default agent, once (sticky)'
            cand agents 'Agents'
            cand register-device 'Register a device (or refresh a known one); a first Mac gets the daily check-in'
            cand devices 'Devices'
            cand tokens 'Device tokens'
            cand watchers 'Watchers'
            cand schedule 'Cron tools'
            cand dispatch 'Queue runs of due watchers (and rescue stale runs)'
            cand runs 'Runs: device side (claim, heartbeat, complete, fail) and operator side'
            cand seed 'Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers'
            cand export 'Print the organisations as a fixture that `seed` accepts (all by default)'
            cand audit 'The audit trail: who changed what, and when'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand demo 'A guided tour on the embedded (or given) database'
            cand status 'One screen for an operator: schema, counts, due slots and lag, active, pending and stale runs, history, and the database''s clock with its skew from this host''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;migrate'= {
            cand --index-wait 'How long an index build may wait for older transactions to end (a pg_dump, a session idle in a transaction) before it is cancelled and tried again; three tries, then exit 5 naming those transactions'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --dry-run 'Print each pending migration''s statements, the locks they take and whether binaries of the previous release stay served; change nothing'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand status 'List migrations and whether each is applied'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;migrate;status'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;migrate;help'= {
            cand status 'List migrations and whether each is applied'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;migrate;help;status'= {
        }
        &'lobu-admin;migrate;help;help'= {
        }
        &'lobu-admin;db'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand status 'Show where the embedded database lives and whether it runs'
            cand start 'Start the embedded database (initialising it on first use)'
            cand stop 'Stop the embedded database'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;db;status'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;db;start'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;db;stop'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;db;help'= {
            cand status 'Show where the embedded database lives and whether it runs'
            cand start 'Start the embedded database (initialising it on first use)'
            cand stop 'Stop the embedded database'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;db;help;status'= {
        }
        &'lobu-admin;db;help;start'= {
        }
        &'lobu-admin;db;help;stop'= {
        }
        &'lobu-admin;db;help;help'= {
        }
        &'lobu-admin;org'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Create an organisation'
            cand list 'List organisations'
            cand show 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)'
            cand update 'Rename an organisation'
            cand delete 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;org;create'= {
            cand --name 'Display name (default: the id)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;org;list'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;org;show'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;org;update'= {
            cand --name 'The new display name'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;org;delete'= {
            cand --batch 'Runs per batch (transaction)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --dry-run 'Print what would be deleted; delete nothing'
            cand --yes 'Do not ask for confirmation (required without a terminal)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;org;help'= {
            cand create 'Create an organisation'
            cand list 'List organisations'
            cand show 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)'
            cand update 'Rename an organisation'
            cand delete 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;org;help;create'= {
        }
        &'lobu-admin;org;help;list'= {
        }
        &'lobu-admin;org;help;show'= {
        }
        &'lobu-admin;org;help;update'= {
        }
        &'lobu-admin;org;help;delete'= {
        }
        &'lobu-admin;org;help;help'= {
        }
        &'lobu-admin;provision-agent'= {
            cand --org 'Organisation id'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;agents'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List an organisation''s agents'
            cand create 'Create an agent'
            cand update 'Change an agent''s name or identity (only the given flags change)'
            cand delete 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;agents;list'= {
            cand --org 'Organisation id'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;agents;create'= {
            cand --org 'Organisation id'
            cand --name 'Display name'
            cand --identity 'The agent''s identity (system prompt)'
            cand --identity-file 'Read the identity from a file (`-` for stdin)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;agents;update'= {
            cand --org 'Organisation id'
            cand --name 'New display name'
            cand --identity 'The agent''s identity (system prompt)'
            cand --identity-file 'Read the identity from a file (`-` for stdin)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;agents;delete'= {
            cand --org 'Organisation id'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --force 'Pause the active watchers that use it (reason `agent <id> deleted`) instead of refusing'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;agents;help'= {
            cand list 'List an organisation''s agents'
            cand create 'Create an agent'
            cand update 'Change an agent''s name or identity (only the given flags change)'
            cand delete 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;agents;help;list'= {
        }
        &'lobu-admin;agents;help;create'= {
        }
        &'lobu-admin;agents;help;update'= {
        }
        &'lobu-admin;agents;help;delete'= {
        }
        &'lobu-admin;agents;help;help'= {
        }
        &'lobu-admin;register-device'= {
            cand --org 'Organisation id'
            cand --user 'The user owning the device'
            cand --worker-id 'The client''s stable worker id'
            cand --platform 'Platform (case-insensitive)'
            cand --name 'Display name'
            cand --timezone 'IANA time zone (a new device defaults to UTC)'
            cand --app-version 'Client version'
            cand --expires-in 'Token lifetime, e.g. 30d'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --issue-token 'Issue a device token (shown once)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;devices'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List an organisation''s devices'
            cand show 'Show a device'
            cand delete 'Delete a device: unpins and pauses its watchers, cancels their active runs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;devices;list'= {
            cand --org 'Organisation id'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;devices;show'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;devices;delete'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;devices;help'= {
            cand list 'List an organisation''s devices'
            cand show 'Show a device'
            cand delete 'Delete a device: unpins and pauses its watchers, cancels their active runs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;devices;help;list'= {
        }
        &'lobu-admin;devices;help;show'= {
        }
        &'lobu-admin;devices;help;delete'= {
        }
        &'lobu-admin;devices;help;help'= {
        }
        &'lobu-admin;tokens'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Issue a token for a device (shown once)'
            cand rotate 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction'
            cand list 'List a device''s tokens (never the secret)'
            cand revoke 'Revoke a token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;tokens;create'= {
            cand --device 'The device: its UUID, or ORG:WORKER_ID'
            cand --expires-in 'Lifetime, e.g. 30d'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;tokens;rotate'= {
            cand --device 'The device: its UUID, or ORG:WORKER_ID'
            cand --expires-in 'The new token''s lifetime, e.g. 90d'
            cand --grace 'Let the other live tokens work this much longer (default: revoked now)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;tokens;list'= {
            cand --device 'The device: its UUID, or ORG:WORKER_ID'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;tokens;revoke'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;tokens;help'= {
            cand create 'Issue a token for a device (shown once)'
            cand rotate 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction'
            cand list 'List a device''s tokens (never the secret)'
            cand revoke 'Revoke a token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;tokens;help;create'= {
        }
        &'lobu-admin;tokens;help;rotate'= {
        }
        &'lobu-admin;tokens;help;list'= {
        }
        &'lobu-admin;tokens;help;revoke'= {
        }
        &'lobu-admin;tokens;help;help'= {
        }
        &'lobu-admin;watchers'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List an organisation''s watchers with next and last firing'
            cand show 'Show a watcher with its recent runs'
            cand trigger 'Queue a manual run (device token, or --admin); returns the active run if any'
            cand next 'Print the next fire times'
            cand create 'Create a watcher'
            cand update 'Change a watcher: only the given flags change'
            cand pause 'Pause a watcher'
            cand resume 'Resume a paused watcher (exit 5 when its agent no longer exists)'
            cand archive 'Archive a watcher (cancels its active run)'
            cand reschedule 'Recompute active watchers'' next runs from the database''s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;watchers;list'= {
            cand --org 'Organisation id'
            cand --device 'Only watchers pinned to this device (its UUID, or ORG:WORKER_ID)'
            cand --status 'Status filter (default: all but archived)'
            cand --limit 'At most this many'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;show'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;trigger'= {
            cand --token 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)'
            cand --token-file 'Read the device token from a file, or from standard input with `-`'
            cand --timeout 'With --wait: give up after this long (exit 9), leaving the run as it is'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --admin 'Operator mode: no token, no pin check'
            cand --wait 'Then wait until the run (or the active one, when already queued) is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout, 130 interrupted'
            cand --follow-retries 'With --wait: follow the run''s retries to the last attempt'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;next'= {
            cand --count 'How many'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;create'= {
            cand --org 'Organisation id'
            cand --name 'Display name'
            cand --schedule 'Cron expression (5 fields or @daily etc.)'
            cand --timezone 'IANA time zone'
            cand --agent 'Agent id'
            cand --device 'Pin to a device (its UUID, or ORG:WORKER_ID)'
            cand --prompt 'Prompt'
            cand --slug 'Slug (default: from the name)'
            cand --min-cooldown 'Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never)'
            cand --spread 'Fire each slot at a fixed offset in [0, DUR) derived from the watcher''s id (at most 1d; 0s = at the slot)'
            cand --catch-up-window 'Skip a slot reached later than this after it is due (at least 1m; default: run it however late)'
            cand --retries 'Queue a run that ends failed or timeout again, up to N times (0-10)'
            cand --retry-delay 'Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;update'= {
            cand --name 'Display name'
            cand --slug 'Slug'
            cand --schedule 'Cron expression'
            cand --timezone 'IANA time zone'
            cand --agent 'Agent id'
            cand --device 'Pin to a device (its UUID, or ORG:WORKER_ID)'
            cand --prompt 'Prompt'
            cand --min-cooldown 'Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never)'
            cand --spread 'Fire each slot at a fixed offset in [0, DUR) derived from the watcher''s id (at most 1d; 0s = at the slot)'
            cand --catch-up-window 'Skip a slot reached later than this after it is due (at least 1m; none = run it however late)'
            cand --retries 'Queue a run that ends failed or timeout again, up to N times (0-10)'
            cand --retry-delay 'Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --unpin 'Remove the pin'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;pause'= {
            cand --reason 'Why'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;resume'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;archive'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;reschedule'= {
            cand --org 'Every active watcher of this organisation'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --all 'Every active watcher'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;watchers;help'= {
            cand list 'List an organisation''s watchers with next and last firing'
            cand show 'Show a watcher with its recent runs'
            cand trigger 'Queue a manual run (device token, or --admin); returns the active run if any'
            cand next 'Print the next fire times'
            cand create 'Create a watcher'
            cand update 'Change a watcher: only the given flags change'
            cand pause 'Pause a watcher'
            cand resume 'Resume a paused watcher (exit 5 when its agent no longer exists)'
            cand archive 'Archive a watcher (cancels its active run)'
            cand reschedule 'Recompute active watchers'' next runs from the database''s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;watchers;help;list'= {
        }
        &'lobu-admin;watchers;help;show'= {
        }
        &'lobu-admin;watchers;help;trigger'= {
        }
        &'lobu-admin;watchers;help;next'= {
        }
        &'lobu-admin;watchers;help;create'= {
        }
        &'lobu-admin;watchers;help;update'= {
        }
        &'lobu-admin;watchers;help;pause'= {
        }
        &'lobu-admin;watchers;help;resume'= {
        }
        &'lobu-admin;watchers;help;archive'= {
        }
        &'lobu-admin;watchers;help;reschedule'= {
        }
        &'lobu-admin;watchers;help;help'= {
        }
        &'lobu-admin;schedule'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand preview 'Print the fire times of an expression'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;schedule;preview'= {
            cand --timezone 'IANA time zone'
            cand --from 'Start (exclusive), RFC 3339; default now'
            cand --count 'How many'
            cand --spread 'Preview a watcher''s spread instants: its spread (at most 1d)...'
            cand --seed '...and its id, from which the offset is derived'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;schedule;help'= {
            cand preview 'Print the fire times of an expression'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;schedule;help;preview'= {
        }
        &'lobu-admin;schedule;help;help'= {
        }
        &'lobu-admin;dispatch'= {
            cand --now 'Run on a simulated clock (RFC 3339), at most 100 years from the database''s. What it decides is written: a time ahead of the database''s clock moves next runs past it and queues runs that hold their watcher''s slot (a warning says so; `watchers reschedule` and `runs cancel` undo it)'
            cand --limit 'Watchers per transaction'
            cand --interval 'With --loop: the pause between ticks'
            cand --stale-after 'Claimed or running without a heartbeat for this long: back to pending'
            cand --timeout-after 'Active (pending included) for this long since queued: timeout'
            cand --prune-after 'With --loop: also prune runs finished longer ago than this, at most one batch per tick (as `runs prune`), so the service keeps the table bounded without cron'
            cand --metrics-addr 'With --loop: serve Prometheus metrics (GET /metrics) and health (GET /healthz) on this address, e.g. 127.0.0.1:9187. Nothing is listened on without it'
            cand --prune-batch 'With --prune-after: runs per prune batch'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --loop 'Keep dispatching until interrupted (Ctrl-C)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand claim 'Claim the oldest pending runs of the token''s device'
            cand heartbeat 'Record a heartbeat'
            cand complete 'Complete a run'
            cand fail 'Fail a run'
            cand rescue 'Re-queue stale runs and time out old ones'
            cand list 'List runs, newest first'
            cand wait 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)'
            cand prune 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher''s latest run (for the cool-down and `watchers list`)'
            cand cancel 'Cancel an active run; its error says who cancelled it and why'
            cand show 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher''s slug'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;runs;claim'= {
            cand --token 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)'
            cand --token-file 'Read the device token from a file, or from standard input with `-`'
            cand --limit 'At most this many'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;heartbeat'= {
            cand --token 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)'
            cand --token-file 'Read the device token from a file, or from standard input with `-`'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;complete'= {
            cand --result 'Result JSON (any JSON value, a negative number included)'
            cand --token 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)'
            cand --token-file 'Read the device token from a file, or from standard input with `-`'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;fail'= {
            cand --error 'What went wrong'
            cand --token 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)'
            cand --token-file 'Read the device token from a file, or from standard input with `-`'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;rescue'= {
            cand --stale-after 'Claimed or running without a heartbeat for this long: back to pending'
            cand --timeout-after 'Active (pending included) for this long since queued: timeout'
            cand --now 'Pretend it is this time (RFC 3339)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;list'= {
            cand --org 'Organisation id'
            cand --watcher 'Watcher id'
            cand --status 'State'
            cand --limit 'At most this many'
            cand --before 'The next page: runs older than this run id (the last id of the previous page)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;wait'= {
            cand --timeout 'Give up after this long (exit 9); default: wait as long as it takes'
            cand --token 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)'
            cand --token-file 'Read the device token from a file, or from standard input with `-`'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --follow-retries 'When the run ends failed or timeout and its watcher retries it, wait for the retry, and so on to the last attempt (--timeout covers them all)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;prune'= {
            cand --older-than 'Finished longer ago than this (on the database''s clock)'
            cand --batch 'At most this many runs per batch (transaction): a window of this many ids'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --dry-run 'Report what would be deleted; delete nothing'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;cancel'= {
            cand --reason 'Why (recorded in the run''s error and the audit trail)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;show'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;runs;help'= {
            cand claim 'Claim the oldest pending runs of the token''s device'
            cand heartbeat 'Record a heartbeat'
            cand complete 'Complete a run'
            cand fail 'Fail a run'
            cand rescue 'Re-queue stale runs and time out old ones'
            cand list 'List runs, newest first'
            cand wait 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)'
            cand prune 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher''s latest run (for the cool-down and `watchers list`)'
            cand cancel 'Cancel an active run; its error says who cancelled it and why'
            cand show 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher''s slug'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;runs;help;claim'= {
        }
        &'lobu-admin;runs;help;heartbeat'= {
        }
        &'lobu-admin;runs;help;complete'= {
        }
        &'lobu-admin;runs;help;fail'= {
        }
        &'lobu-admin;runs;help;rescue'= {
        }
        &'lobu-admin;runs;help;list'= {
        }
        &'lobu-admin;runs;help;wait'= {
        }
        &'lobu-admin;runs;help;prune'= {
        }
        &'lobu-admin;runs;help;cancel'= {
        }
        &'lobu-admin;runs;help;show'= {
        }
        &'lobu-admin;runs;help;help'= {
        }
        &'lobu-admin;seed'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --dry-run 'Validate and report exactly what an apply would do, writing nothing'
            cand --update 'Write the file''s values over the drift (names, schedules, time zones, prompts, agents, device pins)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;export'= {
            cand --org 'Only this organisation (repeatable)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;audit'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List audit events, newest first (page on with --before the last id shown)'
            cand prune 'Delete events older than a duration (the prune itself is recorded)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;audit;list'= {
            cand --org 'Only this organisation''s events (also after its deletion)'
            cand --command 'Only this command''s events, e.g. ''watchers trigger'''
            cand --since 'Only events since then: a duration before now (7d) or an RFC 3339 time'
            cand --before 'The next page: events older than this event id'
            cand --limit 'At most this many'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;audit;prune'= {
            cand --older-than 'Recorded longer ago than this (on the database''s clock)'
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand --dry-run 'Count what would be deleted; delete nothing'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;audit;help'= {
            cand list 'List audit events, newest first (page on with --before the last id shown)'
            cand prune 'Delete events older than a duration (the prune itself is recorded)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;audit;help;list'= {
        }
        &'lobu-admin;audit;help;prune'= {
        }
        &'lobu-admin;audit;help;help'= {
        }
        &'lobu-admin;completions'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;man'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;demo'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;status'= {
            cand --database-url 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --actor 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)'
            cand -q 'No progress bars or notes'
            cand --quiet 'No progress bars or notes'
            cand -v 'More notes on stderr (connection, timings)'
            cand --verbose 'More notes on stderr (connection, timings)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'lobu-admin;help'= {
            cand migrate 'Apply the embedded migrations online (one migrator at a time), or list them'
            cand db 'Manage the embedded database (used when no DATABASE_URL is given)'
            cand org 'Organisations'
            cand provision-agent 'Give an organisation its default agent, once (sticky)'
            cand agents 'Agents'
            cand register-device 'Register a device (or refresh a known one); a first Mac gets the daily check-in'
            cand devices 'Devices'
            cand tokens 'Device tokens'
            cand watchers 'Watchers'
            cand schedule 'Cron tools'
            cand dispatch 'Queue runs of due watchers (and rescue stale runs)'
            cand runs 'Runs: device side (claim, heartbeat, complete, fail) and operator side'
            cand seed 'Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers'
            cand export 'Print the organisations as a fixture that `seed` accepts (all by default)'
            cand audit 'The audit trail: who changed what, and when'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand demo 'A guided tour on the embedded (or given) database'
            cand status 'One screen for an operator: schema, counts, due slots and lag, active, pending and stale runs, history, and the database''s clock with its skew from this host''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lobu-admin;help;migrate'= {
            cand status 'List migrations and whether each is applied'
        }
        &'lobu-admin;help;migrate;status'= {
        }
        &'lobu-admin;help;db'= {
            cand status 'Show where the embedded database lives and whether it runs'
            cand start 'Start the embedded database (initialising it on first use)'
            cand stop 'Stop the embedded database'
        }
        &'lobu-admin;help;db;status'= {
        }
        &'lobu-admin;help;db;start'= {
        }
        &'lobu-admin;help;db;stop'= {
        }
        &'lobu-admin;help;org'= {
            cand create 'Create an organisation'
            cand list 'List organisations'
            cand show 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)'
            cand update 'Rename an organisation'
            cand delete 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay'
        }
        &'lobu-admin;help;org;create'= {
        }
        &'lobu-admin;help;org;list'= {
        }
        &'lobu-admin;help;org;show'= {
        }
        &'lobu-admin;help;org;update'= {
        }
        &'lobu-admin;help;org;delete'= {
        }
        &'lobu-admin;help;provision-agent'= {
        }
        &'lobu-admin;help;agents'= {
            cand list 'List an organisation''s agents'
            cand create 'Create an agent'
            cand update 'Change an agent''s name or identity (only the given flags change)'
            cand delete 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish'
        }
        &'lobu-admin;help;agents;list'= {
        }
        &'lobu-admin;help;agents;create'= {
        }
        &'lobu-admin;help;agents;update'= {
        }
        &'lobu-admin;help;agents;delete'= {
        }
        &'lobu-admin;help;register-device'= {
        }
        &'lobu-admin;help;devices'= {
            cand list 'List an organisation''s devices'
            cand show 'Show a device'
            cand delete 'Delete a device: unpins and pauses its watchers, cancels their active runs'
        }
        &'lobu-admin;help;devices;list'= {
        }
        &'lobu-admin;help;devices;show'= {
        }
        &'lobu-admin;help;devices;delete'= {
        }
        &'lobu-admin;help;tokens'= {
            cand create 'Issue a token for a device (shown once)'
            cand rotate 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction'
            cand list 'List a device''s tokens (never the secret)'
            cand revoke 'Revoke a token'
        }
        &'lobu-admin;help;tokens;create'= {
        }
        &'lobu-admin;help;tokens;rotate'= {
        }
        &'lobu-admin;help;tokens;list'= {
        }
        &'lobu-admin;help;tokens;revoke'= {
        }
        &'lobu-admin;help;watchers'= {
            cand list 'List an organisation''s watchers with next and last firing'
            cand show 'Show a watcher with its recent runs'
            cand trigger 'Queue a manual run (device token, or --admin); returns the active run if any'
            cand next 'Print the next fire times'
            cand create 'Create a watcher'
            cand update 'Change a watcher: only the given flags change'
            cand pause 'Pause a watcher'
            cand resume 'Resume a paused watcher (exit 5 when its agent no longer exists)'
            cand archive 'Archive a watcher (cancels its active run)'
            cand reschedule 'Recompute active watchers'' next runs from the database''s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch'
        }
        &'lobu-admin;help;watchers;list'= {
        }
        &'lobu-admin;help;watchers;show'= {
        }
        &'lobu-admin;help;watchers;trigger'= {
        }
        &'lobu-admin;help;watchers;next'= {
        }
        &'lobu-admin;help;watchers;create'= {
        }
        &'lobu-admin;help;watchers;update'= {
        }
        &'lobu-admin;help;watchers;pause'= {
        }
        &'lobu-admin;help;watchers;resume'= {
        }
        &'lobu-admin;help;watchers;archive'= {
        }
        &'lobu-admin;help;watchers;reschedule'= {
        }
        &'lobu-admin;help;schedule'= {
            cand preview 'Print the fire times of an expression'
        }
        &'lobu-admin;help;schedule;preview'= {
        }
        &'lobu-admin;help;dispatch'= {
        }
        &'lobu-admin;help;runs'= {
            cand claim 'Claim the oldest pending runs of the token''s device'
            cand heartbeat 'Record a heartbeat'
            cand complete 'Complete a run'
            cand fail 'Fail a run'
            cand rescue 'Re-queue stale runs and time out old ones'
            cand list 'List runs, newest first'
            cand wait 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)'
            cand prune 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher''s latest run (for the cool-down and `watchers list`)'
            cand cancel 'Cancel an active run; its error says who cancelled it and why'
            cand show 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher''s slug'
        }
        &'lobu-admin;help;runs;claim'= {
        }
        &'lobu-admin;help;runs;heartbeat'= {
        }
        &'lobu-admin;help;runs;complete'= {
        }
        &'lobu-admin;help;runs;fail'= {
        }
        &'lobu-admin;help;runs;rescue'= {
        }
        &'lobu-admin;help;runs;list'= {
        }
        &'lobu-admin;help;runs;wait'= {
        }
        &'lobu-admin;help;runs;prune'= {
        }
        &'lobu-admin;help;runs;cancel'= {
        }
        &'lobu-admin;help;runs;show'= {
        }
        &'lobu-admin;help;seed'= {
        }
        &'lobu-admin;help;export'= {
        }
        &'lobu-admin;help;audit'= {
            cand list 'List audit events, newest first (page on with --before the last id shown)'
            cand prune 'Delete events older than a duration (the prune itself is recorded)'
        }
        &'lobu-admin;help;audit;list'= {
        }
        &'lobu-admin;help;audit;prune'= {
        }
        &'lobu-admin;help;completions'= {
        }
        &'lobu-admin;help;man'= {
        }
        &'lobu-admin;help;demo'= {
        }
        &'lobu-admin;help;status'= {
        }
        &'lobu-admin;help;help'= {
        }
    ]
    $completions[$command]
}
