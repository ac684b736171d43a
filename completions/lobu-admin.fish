# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_lobu_admin_global_optspecs
    string join \n database-url= o/output= q/quiet v/verbose actor= h/help V/version
end

function __fish_lobu_admin_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_lobu_admin_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_lobu_admin_using_subcommand
    set -l cmd (__fish_lobu_admin_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -s V -l version -d 'Print version'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "migrate" -d 'Apply the embedded migrations online (one migrator at a time), or list them'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "db" -d 'Manage the embedded database (used when no DATABASE_URL is given)'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "org" -d 'Organisations'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "provision-agent" -d 'Give an organisation its default agent, once (sticky)'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "agents" -d 'Agents'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "register-device" -d 'Register a device (or refresh a known one); a first Mac gets the daily check-in'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "devices" -d 'Devices'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "tokens" -d 'Device tokens'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "watchers" -d 'Watchers'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "schedule" -d 'Cron tools'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "dispatch" -d 'Queue runs of due watchers (and rescue stale runs)'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "runs" -d 'Runs: device side (claim, heartbeat, complete, fail) and operator side'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "seed" -d 'Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "export" -d 'Print the organisations as a fixture that `seed` accepts (all by default)'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "audit" -d 'The audit trail: who changed what, and when'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "demo" -d 'A guided tour on the embedded (or given) database'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "status" -d 'One screen for an operator: schema, counts, due slots and lag, active, pending and stale runs, history, and the database\'s clock with its skew from this host\'s'
complete -c lobu-admin -n "__fish_lobu_admin_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l index-wait -d 'How long an index build may wait for older transactions to end (a pg_dump, a session idle in a transaction) before it is cancelled and tried again; three tries, then exit 5 naming those transactions' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l dry-run -d 'Print each pending migration\'s statements, the locks they take and whether binaries of the previous release stay served; change nothing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'List migrations and whether each is applied'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from status" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from status" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from status" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "status" -d 'List migrations and whether each is applied'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -f -a "status" -d 'Show where the embedded database lives and whether it runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -f -a "start" -d 'Start the embedded database (initialising it on first use)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -f -a "stop" -d 'Stop the embedded database'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and not __fish_seen_subcommand_from status start stop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from status" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from status" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from status" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from start" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from start" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from start" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from start" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from start" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from stop" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from stop" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from stop" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show where the embedded database lives and whether it runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start the embedded database (initialising it on first use)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the embedded database'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -f -a "create" -d 'Create an organisation'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -f -a "list" -d 'List organisations'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -f -a "show" -d 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -f -a "update" -d 'Rename an organisation'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -f -a "delete" -d 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and not __fish_seen_subcommand_from create list show update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from create" -l name -d 'Display name (default: the id)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from create" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from create" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from create" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from list" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from show" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from show" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from update" -l name -d 'The new display name' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from update" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from update" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from update" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from update" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -l batch -d 'Runs per batch (transaction)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -l dry-run -d 'Print what would be deleted; delete nothing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an organisation'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from help" -f -a "list" -d 'List organisations'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from help" -f -a "update" -d 'Rename an organisation'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand org; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand provision-agent" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand provision-agent" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand provision-agent" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand provision-agent" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand provision-agent" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand provision-agent" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand provision-agent" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -f -a "list" -d 'List an organisation\'s agents'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -f -a "create" -d 'Create an agent'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -f -a "update" -d 'Change an agent\'s name or identity (only the given flags change)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -f -a "delete" -d 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and not __fish_seen_subcommand_from list create update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from list" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from list" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -l name -d 'Display name' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -l identity -d 'The agent\'s identity (system prompt)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -l identity-file -d 'Read the identity from a file (`-` for stdin)' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -l name -d 'New display name' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -l identity -d 'The agent\'s identity (system prompt)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -l identity-file -d 'Read the identity from a file (`-` for stdin)' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -l force -d 'Pause the active watchers that use it (reason `agent <id> deleted`) instead of refusing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "list" -d 'List an organisation\'s agents'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an agent'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change an agent\'s name or identity (only the given flags change)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l user -d 'The user owning the device' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l worker-id -d 'The client\'s stable worker id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l platform -d 'Platform (case-insensitive)' -r -f -a "macos\t'macOS (gets the daily check-in on first registration)'
ios\t'iOS'
android\t'Android'
windows\t'Windows'
linux\t'Linux'
chrome-extension\t'The Chrome extension'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l name -d 'Display name' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l timezone -d 'IANA time zone (a new device defaults to UTC)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l app-version -d 'Client version' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l expires-in -d 'Token lifetime, e.g. 30d' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -l issue-token -d 'Issue a device token (shown once)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand register-device" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -f -a "list" -d 'List an organisation\'s devices'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -f -a "show" -d 'Show a device'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -f -a "delete" -d 'Delete a device: unpins and pauses its watchers, cancels their active runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and not __fish_seen_subcommand_from list show delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from list" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from list" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from show" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from show" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from delete" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from delete" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from help" -f -a "list" -d 'List an organisation\'s devices'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a device'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a device: unpins and pauses its watchers, cancels their active runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand devices; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -f -a "create" -d 'Issue a token for a device (shown once)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -f -a "rotate" -d 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -f -a "list" -d 'List a device\'s tokens (never the secret)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -f -a "revoke" -d 'Revoke a token'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and not __fish_seen_subcommand_from create rotate list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -l device -d 'The device: its UUID, or ORG:WORKER_ID' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -l expires-in -d 'Lifetime, e.g. 30d' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -l device -d 'The device: its UUID, or ORG:WORKER_ID' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -l expires-in -d 'The new token\'s lifetime, e.g. 90d' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -l grace -d 'Let the other live tokens work this much longer (default: revoked now)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from list" -l device -d 'The device: its UUID, or ORG:WORKER_ID' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from list" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "create" -d 'Issue a token for a device (shown once)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "list" -d 'List a device\'s tokens (never the secret)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a token'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "list" -d 'List an organisation\'s watchers with next and last firing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "show" -d 'Show a watcher with its recent runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "trigger" -d 'Queue a manual run (device token, or --admin); returns the active run if any'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "next" -d 'Print the next fire times'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "create" -d 'Create a watcher'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "update" -d 'Change a watcher: only the given flags change'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "pause" -d 'Pause a watcher'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "resume" -d 'Resume a paused watcher (exit 5 when its agent no longer exists)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "archive" -d 'Archive a watcher (cancels its active run)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "reschedule" -d 'Recompute active watchers\' next runs from the database\'s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and not __fish_seen_subcommand_from list show trigger next create update pause resume archive reschedule help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -l device -d 'Only watchers pinned to this device (its UUID, or ORG:WORKER_ID)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -l status -d 'Status filter (default: all but archived)' -r -f -a "active\t''
paused\t''
archived\t''
all\t''"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -l limit -d 'At most this many' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from show" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from show" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l token -d 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l token-file -d 'Read the device token from a file, or from standard input with `-`' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l timeout -d 'With --wait: give up after this long (exit 9), leaving the run as it is' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l admin -d 'Operator mode: no token, no pin check'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l wait -d 'Then wait until the run (or the active one, when already queued) is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout, 130 interrupted'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -l follow-retries -d 'With --wait: follow the run\'s retries to the last attempt'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from trigger" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from next" -l count -d 'How many' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from next" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from next" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from next" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from next" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from next" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from next" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l name -d 'Display name' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l schedule -d 'Cron expression (5 fields or @daily etc.)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l timezone -d 'IANA time zone' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l agent -d 'Agent id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l device -d 'Pin to a device (its UUID, or ORG:WORKER_ID)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l prompt -d 'Prompt' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l slug -d 'Slug (default: from the name)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l min-cooldown -d 'Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l spread -d 'Fire each slot at a fixed offset in [0, DUR) derived from the watcher\'s id (at most 1d; 0s = at the slot)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l catch-up-window -d 'Skip a slot reached later than this after it is due (at least 1m; default: run it however late)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l retries -d 'Queue a run that ends failed or timeout again, up to N times (0-10)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l retry-delay -d 'Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l name -d 'Display name' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l slug -d 'Slug' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l schedule -d 'Cron expression' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l timezone -d 'IANA time zone' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l agent -d 'Agent id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l device -d 'Pin to a device (its UUID, or ORG:WORKER_ID)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l prompt -d 'Prompt' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l min-cooldown -d 'Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l spread -d 'Fire each slot at a fixed offset in [0, DUR) derived from the watcher\'s id (at most 1d; 0s = at the slot)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l catch-up-window -d 'Skip a slot reached later than this after it is due (at least 1m; none = run it however late)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l retries -d 'Queue a run that ends failed or timeout again, up to N times (0-10)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l retry-delay -d 'Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -l unpin -d 'Remove the pin'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from pause" -l reason -d 'Why' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from pause" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from pause" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from pause" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from pause" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from resume" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from resume" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from resume" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from archive" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from archive" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from archive" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from archive" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from archive" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from archive" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -l org -d 'Every active watcher of this organisation' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -l all -d 'Every active watcher'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from reschedule" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "list" -d 'List an organisation\'s watchers with next and last firing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a watcher with its recent runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "trigger" -d 'Queue a manual run (device token, or --admin); returns the active run if any'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "next" -d 'Print the next fire times'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a watcher'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a watcher: only the given flags change'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause a watcher'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Resume a paused watcher (exit 5 when its agent no longer exists)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "archive" -d 'Archive a watcher (cancels its active run)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "reschedule" -d 'Recompute active watchers\' next runs from the database\'s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand watchers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -f -a "preview" -d 'Print the fire times of an expression'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and not __fish_seen_subcommand_from preview help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -l timezone -d 'IANA time zone' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -l from -d 'Start (exclusive), RFC 3339; default now' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -l count -d 'How many' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -l spread -d 'Preview a watcher\'s spread instants: its spread (at most 1d)...' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -l seed -d '...and its id, from which the offset is derived' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from preview" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "preview" -d 'Print the fire times of an expression'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l now -d 'Run on a simulated clock (RFC 3339), at most 100 years from the database\'s. What it decides is written: a time ahead of the database\'s clock moves next runs past it and queues runs that hold their watcher\'s slot (a warning says so; `watchers reschedule` and `runs cancel` undo it)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l limit -d 'Watchers per transaction' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l interval -d 'With --loop: the pause between ticks' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l stale-after -d 'Claimed or running without a heartbeat for this long: back to pending' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l timeout-after -d 'Active (pending included) for this long since queued: timeout' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l prune-after -d 'With --loop: also prune runs finished longer ago than this, at most one batch per tick (as `runs prune`), so the service keeps the table bounded without cron' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l metrics-addr -d 'With --loop: serve Prometheus metrics (GET /metrics) and health (GET /healthz) on this address, e.g. 127.0.0.1:9187. Nothing is listened on without it' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l prune-batch -d 'With --prune-after: runs per prune batch' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -l loop -d 'Keep dispatching until interrupted (Ctrl-C)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand dispatch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "claim" -d 'Claim the oldest pending runs of the token\'s device'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "heartbeat" -d 'Record a heartbeat'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "complete" -d 'Complete a run'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "fail" -d 'Fail a run'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "rescue" -d 'Re-queue stale runs and time out old ones'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "list" -d 'List runs, newest first'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "wait" -d 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "prune" -d 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher\'s latest run (for the cool-down and `watchers list`)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "cancel" -d 'Cancel an active run; its error says who cancelled it and why'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "show" -d 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher\'s slug'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and not __fish_seen_subcommand_from claim heartbeat complete fail rescue list wait prune cancel show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -l token -d 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -l token-file -d 'Read the device token from a file, or from standard input with `-`' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -l limit -d 'At most this many' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from claim" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -l token -d 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -l token-file -d 'Read the device token from a file, or from standard input with `-`' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from heartbeat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -l result -d 'Result JSON (any JSON value, a negative number included)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -l token -d 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -l token-file -d 'Read the device token from a file, or from standard input with `-`' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from complete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -l error -d 'What went wrong' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -l token -d 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -l token-file -d 'Read the device token from a file, or from standard input with `-`' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from fail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -l stale-after -d 'Claimed or running without a heartbeat for this long: back to pending' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -l timeout-after -d 'Active (pending included) for this long since queued: timeout' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -l now -d 'Pretend it is this time (RFC 3339)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from rescue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -l org -d 'Organisation id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -l watcher -d 'Watcher id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -l status -d 'State' -r -f -a "pending\t'Queued, waiting for a device'
claimed\t'Reserved by a device'
running\t'Being worked on'
completed\t'Finished successfully'
failed\t'Finished with an error'
cancelled\t'Cancelled by an operator or a deletion'
timeout\t'Active for too long'
skipped\t'A scheduled slot that did not run'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -l limit -d 'At most this many' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -l before -d 'The next page: runs older than this run id (the last id of the previous page)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -l timeout -d 'Give up after this long (exit 9); default: wait as long as it takes' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -l token -d 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -l token-file -d 'Read the device token from a file, or from standard input with `-`' -r -F
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -l follow-retries -d 'When the run ends failed or timeout and its watcher retries it, wait for the retry, and so on to the last attempt (--timeout covers them all)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -l older-than -d 'Finished longer ago than this (on the database\'s clock)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -l batch -d 'At most this many runs per batch (transaction): a window of this many ids' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -l dry-run -d 'Report what would be deleted; delete nothing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from cancel" -l reason -d 'Why (recorded in the run\'s error and the audit trail)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from cancel" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from cancel" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from cancel" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from show" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from show" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "claim" -d 'Claim the oldest pending runs of the token\'s device'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "heartbeat" -d 'Record a heartbeat'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "complete" -d 'Complete a run'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "fail" -d 'Fail a run'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "rescue" -d 'Re-queue stale runs and time out old ones'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List runs, newest first'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher\'s latest run (for the cool-down and `watchers list`)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel an active run; its error says who cancelled it and why'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher\'s slug'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -l dry-run -d 'Validate and report exactly what an apply would do, writing nothing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -l update -d 'Write the file\'s values over the drift (names, schedules, time zones, prompts, agents, device pins)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand seed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand export" -l org -d 'Only this organisation (repeatable)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand export" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand export" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand export" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand export" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand export" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -f -a "list" -d 'List audit events, newest first (page on with --before the last id shown)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -f -a "prune" -d 'Delete events older than a duration (the prune itself is recorded)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and not __fish_seen_subcommand_from list prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -l org -d 'Only this organisation\'s events (also after its deletion)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -l command -d 'Only this command\'s events, e.g. \'watchers trigger\'' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only events since then: a duration before now (7d) or an RFC 3339 time' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -l before -d 'The next page: events older than this event id' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -l limit -d 'At most this many' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -l older-than -d 'Recorded longer ago than this (on the database\'s clock)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -l dry-run -d 'Count what would be deleted; delete nothing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit events, newest first (page on with --before the last id shown)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Delete events older than a duration (the prune itself is recorded)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand completions" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand completions" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand completions" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand completions" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand man" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand man" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand man" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand man" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand man" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand demo" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand demo" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand demo" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand demo" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand demo" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand status" -l database-url -d 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'A stable JSON schema for scripts'"
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand status" -l actor -d 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)' -r
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand status" -s q -l quiet -d 'No progress bars or notes'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand status" -s v -l verbose -d 'More notes on stderr (connection, timings)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "migrate" -d 'Apply the embedded migrations online (one migrator at a time), or list them'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "db" -d 'Manage the embedded database (used when no DATABASE_URL is given)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "org" -d 'Organisations'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "provision-agent" -d 'Give an organisation its default agent, once (sticky)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "agents" -d 'Agents'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "register-device" -d 'Register a device (or refresh a known one); a first Mac gets the daily check-in'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "devices" -d 'Devices'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "tokens" -d 'Device tokens'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "watchers" -d 'Watchers'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "schedule" -d 'Cron tools'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "dispatch" -d 'Queue runs of due watchers (and rescue stale runs)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "runs" -d 'Runs: device side (claim, heartbeat, complete, fail) and operator side'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "seed" -d 'Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "export" -d 'Print the organisations as a fixture that `seed` accepts (all by default)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "audit" -d 'The audit trail: who changed what, and when'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "completions" -d 'Print a shell completion script'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "man" -d 'Print the man page (roff)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "demo" -d 'A guided tour on the embedded (or given) database'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "status" -d 'One screen for an operator: schema, counts, due slots and lag, active, pending and stale runs, history, and the database\'s clock with its skew from this host\'s'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and not __fish_seen_subcommand_from migrate db org provision-agent agents register-device devices tokens watchers schedule dispatch runs seed export audit completions man demo status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "status" -d 'List migrations and whether each is applied'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show where the embedded database lives and whether it runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "start" -d 'Start the embedded database (initialising it on first use)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "stop" -d 'Stop the embedded database'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from org" -f -a "create" -d 'Create an organisation'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from org" -f -a "list" -d 'List organisations'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from org" -f -a "show" -d 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from org" -f -a "update" -d 'Rename an organisation'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from org" -f -a "delete" -d 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "list" -d 'List an organisation\'s agents'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "create" -d 'Create an agent'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "update" -d 'Change an agent\'s name or identity (only the given flags change)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "delete" -d 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from devices" -f -a "list" -d 'List an organisation\'s devices'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from devices" -f -a "show" -d 'Show a device'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from devices" -f -a "delete" -d 'Delete a device: unpins and pauses its watchers, cancels their active runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "create" -d 'Issue a token for a device (shown once)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "rotate" -d 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "list" -d 'List a device\'s tokens (never the secret)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "revoke" -d 'Revoke a token'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "list" -d 'List an organisation\'s watchers with next and last firing'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "show" -d 'Show a watcher with its recent runs'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "trigger" -d 'Queue a manual run (device token, or --admin); returns the active run if any'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "next" -d 'Print the next fire times'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "create" -d 'Create a watcher'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "update" -d 'Change a watcher: only the given flags change'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "pause" -d 'Pause a watcher'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "resume" -d 'Resume a paused watcher (exit 5 when its agent no longer exists)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "archive" -d 'Archive a watcher (cancels its active run)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from watchers" -f -a "reschedule" -d 'Recompute active watchers\' next runs from the database\'s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "preview" -d 'Print the fire times of an expression'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "claim" -d 'Claim the oldest pending runs of the token\'s device'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "heartbeat" -d 'Record a heartbeat'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "complete" -d 'Complete a run'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "fail" -d 'Fail a run'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "rescue" -d 'Re-queue stale runs and time out old ones'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "list" -d 'List runs, newest first'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "wait" -d 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "prune" -d 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher\'s latest run (for the cool-down and `watchers list`)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "cancel" -d 'Cancel an active run; its error says who cancelled it and why'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "show" -d 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher\'s slug'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit events, newest first (page on with --before the last id shown)'
complete -c lobu-admin -n "__fish_lobu_admin_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "prune" -d 'Delete events older than a duration (the prune itself is recorded)'
