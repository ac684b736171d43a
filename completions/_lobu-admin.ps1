
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'lobu-admin' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'lobu-admin'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'lobu-admin' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the embedded migrations online (one migrator at a time), or list them')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Manage the embedded database (used when no DATABASE_URL is given)')
            [CompletionResult]::new('org', 'org', [CompletionResultType]::ParameterValue, 'Organisations')
            [CompletionResult]::new('provision-agent', 'provision-agent', [CompletionResultType]::ParameterValue, 'Give an organisation its default agent, once (sticky)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'Agents')
            [CompletionResult]::new('register-device', 'register-device', [CompletionResultType]::ParameterValue, 'Register a device (or refresh a known one); a first Mac gets the daily check-in')
            [CompletionResult]::new('devices', 'devices', [CompletionResultType]::ParameterValue, 'Devices')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Device tokens')
            [CompletionResult]::new('watchers', 'watchers', [CompletionResultType]::ParameterValue, 'Watchers')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Cron tools')
            [CompletionResult]::new('dispatch', 'dispatch', [CompletionResultType]::ParameterValue, 'Queue runs of due watchers (and rescue stale runs)')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'Runs: device side (claim, heartbeat, complete, fail) and operator side')
            [CompletionResult]::new('seed', 'seed', [CompletionResultType]::ParameterValue, 'Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the organisations as a fixture that `seed` accepts (all by default)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The audit trail: who changed what, and when')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A guided tour on the embedded (or given) database')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One screen for an operator: schema, counts, due slots and lag, active, pending and stale runs, history, and the database''s clock with its skew from this host''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;migrate' {
            [CompletionResult]::new('--index-wait', '--index-wait', [CompletionResultType]::ParameterName, 'How long an index build may wait for older transactions to end (a pg_dump, a session idle in a transaction) before it is cancelled and tried again; three tries, then exit 5 naming those transactions')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each pending migration''s statements, the locks they take and whether binaries of the previous release stay served; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List migrations and whether each is applied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;migrate;status' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;migrate;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List migrations and whether each is applied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;migrate;help;status' {
            break
        }
        'lobu-admin;migrate;help;help' {
            break
        }
        'lobu-admin;db' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show where the embedded database lives and whether it runs')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the embedded database (initialising it on first use)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the embedded database')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;db;status' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;db;start' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;db;stop' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;db;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show where the embedded database lives and whether it runs')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the embedded database (initialising it on first use)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the embedded database')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;db;help;status' {
            break
        }
        'lobu-admin;db;help;start' {
            break
        }
        'lobu-admin;db;help;stop' {
            break
        }
        'lobu-admin;db;help;help' {
            break
        }
        'lobu-admin;org' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an organisation')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List organisations')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Rename an organisation')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;org;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name (default: the id)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;org;list' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;org;show' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;org;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The new display name')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;org;delete' {
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Runs per batch (transaction)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be deleted; delete nothing')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;org;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an organisation')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List organisations')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Rename an organisation')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;org;help;create' {
            break
        }
        'lobu-admin;org;help;list' {
            break
        }
        'lobu-admin;org;help;show' {
            break
        }
        'lobu-admin;org;help;update' {
            break
        }
        'lobu-admin;org;help;delete' {
            break
        }
        'lobu-admin;org;help;help' {
            break
        }
        'lobu-admin;provision-agent' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;agents' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s agents')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an agent')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change an agent''s name or identity (only the given flags change)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;agents;list' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;agents;create' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The agent''s identity (system prompt)')
            [CompletionResult]::new('--identity-file', '--identity-file', [CompletionResultType]::ParameterName, 'Read the identity from a file (`-` for stdin)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;agents;update' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New display name')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The agent''s identity (system prompt)')
            [CompletionResult]::new('--identity-file', '--identity-file', [CompletionResultType]::ParameterName, 'Read the identity from a file (`-` for stdin)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;agents;delete' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Pause the active watchers that use it (reason `agent <id> deleted`) instead of refusing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;agents;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s agents')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an agent')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change an agent''s name or identity (only the given flags change)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;agents;help;list' {
            break
        }
        'lobu-admin;agents;help;create' {
            break
        }
        'lobu-admin;agents;help;update' {
            break
        }
        'lobu-admin;agents;help;delete' {
            break
        }
        'lobu-admin;agents;help;help' {
            break
        }
        'lobu-admin;register-device' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user owning the device')
            [CompletionResult]::new('--worker-id', '--worker-id', [CompletionResultType]::ParameterName, 'The client''s stable worker id')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform (case-insensitive)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'IANA time zone (a new device defaults to UTC)')
            [CompletionResult]::new('--app-version', '--app-version', [CompletionResultType]::ParameterName, 'Client version')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Token lifetime, e.g. 30d')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--issue-token', '--issue-token', [CompletionResultType]::ParameterName, 'Issue a device token (shown once)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;devices' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s devices')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a device')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a device: unpins and pauses its watchers, cancels their active runs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;devices;list' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;devices;show' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;devices;delete' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;devices;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s devices')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a device')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a device: unpins and pauses its watchers, cancels their active runs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;devices;help;list' {
            break
        }
        'lobu-admin;devices;help;show' {
            break
        }
        'lobu-admin;devices;help;delete' {
            break
        }
        'lobu-admin;devices;help;help' {
            break
        }
        'lobu-admin;tokens' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Issue a token for a device (shown once)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a device''s tokens (never the secret)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;tokens;create' {
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'The device: its UUID, or ORG:WORKER_ID')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime, e.g. 30d')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;tokens;rotate' {
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'The device: its UUID, or ORG:WORKER_ID')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'The new token''s lifetime, e.g. 90d')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Let the other live tokens work this much longer (default: revoked now)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;tokens;list' {
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'The device: its UUID, or ORG:WORKER_ID')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;tokens;revoke' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;tokens;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Issue a token for a device (shown once)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a device''s tokens (never the secret)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;tokens;help;create' {
            break
        }
        'lobu-admin;tokens;help;rotate' {
            break
        }
        'lobu-admin;tokens;help;list' {
            break
        }
        'lobu-admin;tokens;help;revoke' {
            break
        }
        'lobu-admin;tokens;help;help' {
            break
        }
        'lobu-admin;watchers' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s watchers with next and last firing')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a watcher with its recent runs')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Queue a manual run (device token, or --admin); returns the active run if any')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next fire times')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a watcher')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a watcher: only the given flags change')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a watcher')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused watcher (exit 5 when its agent no longer exists)')
            [CompletionResult]::new('archive', 'archive', [CompletionResultType]::ParameterValue, 'Archive a watcher (cancels its active run)')
            [CompletionResult]::new('reschedule', 'reschedule', [CompletionResultType]::ParameterValue, 'Recompute active watchers'' next runs from the database''s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;watchers;list' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'Only watchers pinned to this device (its UUID, or ORG:WORKER_ID)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status filter (default: all but archived)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;show' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;trigger' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the device token from a file, or from standard input with `-`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --wait: give up after this long (exit 9), leaving the run as it is')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'Operator mode: no token, no pin check')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Then wait until the run (or the active one, when already queued) is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout, 130 interrupted')
            [CompletionResult]::new('--follow-retries', '--follow-retries', [CompletionResultType]::ParameterName, 'With --wait: follow the run''s retries to the last attempt')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;next' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;create' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Cron expression (5 fields or @daily etc.)')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'IANA time zone')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent id')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'Pin to a device (its UUID, or ORG:WORKER_ID)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Prompt')
            [CompletionResult]::new('--slug', '--slug', [CompletionResultType]::ParameterName, 'Slug (default: from the name)')
            [CompletionResult]::new('--min-cooldown', '--min-cooldown', [CompletionResultType]::ParameterName, 'Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never)')
            [CompletionResult]::new('--spread', '--spread', [CompletionResultType]::ParameterName, 'Fire each slot at a fixed offset in [0, DUR) derived from the watcher''s id (at most 1d; 0s = at the slot)')
            [CompletionResult]::new('--catch-up-window', '--catch-up-window', [CompletionResultType]::ParameterName, 'Skip a slot reached later than this after it is due (at least 1m; default: run it however late)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Queue a run that ends failed or timeout again, up to N times (0-10)')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--slug', '--slug', [CompletionResultType]::ParameterName, 'Slug')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Cron expression')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'IANA time zone')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent id')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'Pin to a device (its UUID, or ORG:WORKER_ID)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Prompt')
            [CompletionResult]::new('--min-cooldown', '--min-cooldown', [CompletionResultType]::ParameterName, 'Skip a scheduled slot this soon after the last run (e.g. 1h; 0s = never)')
            [CompletionResult]::new('--spread', '--spread', [CompletionResultType]::ParameterName, 'Fire each slot at a fixed offset in [0, DUR) derived from the watcher''s id (at most 1d; 0s = at the slot)')
            [CompletionResult]::new('--catch-up-window', '--catch-up-window', [CompletionResultType]::ParameterName, 'Skip a slot reached later than this after it is due (at least 1m; none = run it however late)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Queue a run that ends failed or timeout again, up to N times (0-10)')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Wait this long after a failure before the first retry; each next retry waits twice as long (0s-1w)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--unpin', '--unpin', [CompletionResultType]::ParameterName, 'Remove the pin')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;pause' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;resume' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;archive' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;reschedule' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Every active watcher of this organisation')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every active watcher')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;watchers;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s watchers with next and last firing')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a watcher with its recent runs')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Queue a manual run (device token, or --admin); returns the active run if any')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next fire times')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a watcher')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a watcher: only the given flags change')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a watcher')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused watcher (exit 5 when its agent no longer exists)')
            [CompletionResult]::new('archive', 'archive', [CompletionResultType]::ParameterValue, 'Archive a watcher (cancels its active run)')
            [CompletionResult]::new('reschedule', 'reschedule', [CompletionResultType]::ParameterValue, 'Recompute active watchers'' next runs from the database''s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;watchers;help;list' {
            break
        }
        'lobu-admin;watchers;help;show' {
            break
        }
        'lobu-admin;watchers;help;trigger' {
            break
        }
        'lobu-admin;watchers;help;next' {
            break
        }
        'lobu-admin;watchers;help;create' {
            break
        }
        'lobu-admin;watchers;help;update' {
            break
        }
        'lobu-admin;watchers;help;pause' {
            break
        }
        'lobu-admin;watchers;help;resume' {
            break
        }
        'lobu-admin;watchers;help;archive' {
            break
        }
        'lobu-admin;watchers;help;reschedule' {
            break
        }
        'lobu-admin;watchers;help;help' {
            break
        }
        'lobu-admin;schedule' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Print the fire times of an expression')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;schedule;preview' {
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'IANA time zone')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start (exclusive), RFC 3339; default now')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many')
            [CompletionResult]::new('--spread', '--spread', [CompletionResultType]::ParameterName, 'Preview a watcher''s spread instants: its spread (at most 1d)...')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, '...and its id, from which the offset is derived')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;schedule;help' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Print the fire times of an expression')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;schedule;help;preview' {
            break
        }
        'lobu-admin;schedule;help;help' {
            break
        }
        'lobu-admin;dispatch' {
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Run on a simulated clock (RFC 3339), at most 100 years from the database''s. What it decides is written: a time ahead of the database''s clock moves next runs past it and queues runs that hold their watcher''s slot (a warning says so; `watchers reschedule` and `runs cancel` undo it)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Watchers per transaction')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'With --loop: the pause between ticks')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, 'Claimed or running without a heartbeat for this long: back to pending')
            [CompletionResult]::new('--timeout-after', '--timeout-after', [CompletionResultType]::ParameterName, 'Active (pending included) for this long since queued: timeout')
            [CompletionResult]::new('--prune-after', '--prune-after', [CompletionResultType]::ParameterName, 'With --loop: also prune runs finished longer ago than this, at most one batch per tick (as `runs prune`), so the service keeps the table bounded without cron')
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'With --loop: serve Prometheus metrics (GET /metrics) and health (GET /healthz) on this address, e.g. 127.0.0.1:9187. Nothing is listened on without it')
            [CompletionResult]::new('--prune-batch', '--prune-batch', [CompletionResultType]::ParameterName, 'With --prune-after: runs per prune batch')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--loop', '--loop', [CompletionResultType]::ParameterName, 'Keep dispatching until interrupted (Ctrl-C)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('claim', 'claim', [CompletionResultType]::ParameterValue, 'Claim the oldest pending runs of the token''s device')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Record a heartbeat')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Complete a run')
            [CompletionResult]::new('fail', 'fail', [CompletionResultType]::ParameterValue, 'Fail a run')
            [CompletionResult]::new('rescue', 'rescue', [CompletionResultType]::ParameterValue, 'Re-queue stale runs and time out old ones')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List runs, newest first')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher''s latest run (for the cool-down and `watchers list`)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an active run; its error says who cancelled it and why')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher''s slug')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;runs;claim' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the device token from a file, or from standard input with `-`')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;heartbeat' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the device token from a file, or from standard input with `-`')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;complete' {
            [CompletionResult]::new('--result', '--result', [CompletionResultType]::ParameterName, 'Result JSON (any JSON value, a negative number included)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the device token from a file, or from standard input with `-`')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;fail' {
            [CompletionResult]::new('--error', '--error', [CompletionResultType]::ParameterName, 'What went wrong')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the device token from a file, or from standard input with `-`')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;rescue' {
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, 'Claimed or running without a heartbeat for this long: back to pending')
            [CompletionResult]::new('--timeout-after', '--timeout-after', [CompletionResultType]::ParameterName, 'Active (pending included) for this long since queued: timeout')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pretend it is this time (RFC 3339)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;list' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organisation id')
            [CompletionResult]::new('--watcher', '--watcher', [CompletionResultType]::ParameterName, 'Watcher id')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'State')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'The next page: runs older than this run id (the last id of the previous page)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;wait' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (exit 9); default: wait as long as it takes')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to other users in the process list)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the device token from a file, or from standard input with `-`')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--follow-retries', '--follow-retries', [CompletionResultType]::ParameterName, 'When the run ends failed or timeout and its watcher retries it, wait for the retry, and so on to the last attempt (--timeout covers them all)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Finished longer ago than this (on the database''s clock)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'At most this many runs per batch (transaction): a window of this many ids')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would be deleted; delete nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;cancel' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (recorded in the run''s error and the audit trail)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;show' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;runs;help' {
            [CompletionResult]::new('claim', 'claim', [CompletionResultType]::ParameterValue, 'Claim the oldest pending runs of the token''s device')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Record a heartbeat')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Complete a run')
            [CompletionResult]::new('fail', 'fail', [CompletionResultType]::ParameterValue, 'Fail a run')
            [CompletionResult]::new('rescue', 'rescue', [CompletionResultType]::ParameterValue, 'Re-queue stale runs and time out old ones')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List runs, newest first')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher''s latest run (for the cool-down and `watchers list`)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an active run; its error says who cancelled it and why')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher''s slug')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;runs;help;claim' {
            break
        }
        'lobu-admin;runs;help;heartbeat' {
            break
        }
        'lobu-admin;runs;help;complete' {
            break
        }
        'lobu-admin;runs;help;fail' {
            break
        }
        'lobu-admin;runs;help;rescue' {
            break
        }
        'lobu-admin;runs;help;list' {
            break
        }
        'lobu-admin;runs;help;wait' {
            break
        }
        'lobu-admin;runs;help;prune' {
            break
        }
        'lobu-admin;runs;help;cancel' {
            break
        }
        'lobu-admin;runs;help;show' {
            break
        }
        'lobu-admin;runs;help;help' {
            break
        }
        'lobu-admin;seed' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Validate and report exactly what an apply would do, writing nothing')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Write the file''s values over the drift (names, schedules, time zones, prompts, agents, device pins)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;export' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Only this organisation (repeatable)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;audit' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit events, newest first (page on with --before the last id shown)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete events older than a duration (the prune itself is recorded)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;audit;list' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Only this organisation''s events (also after its deletion)')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Only this command''s events, e.g. ''watchers trigger''')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events since then: a duration before now (7d) or an RFC 3339 time')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'The next page: events older than this event id')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;audit;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Recorded longer ago than this (on the database''s clock)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count what would be deleted; delete nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;audit;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit events, newest first (page on with --before the last id shown)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete events older than a duration (the prune itself is recorded)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;audit;help;list' {
            break
        }
        'lobu-admin;audit;help;prune' {
            break
        }
        'lobu-admin;audit;help;help' {
            break
        }
        'lobu-admin;completions' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;man' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;demo' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;status' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL connection string: a URL (postgres://...) or key=value pairs, completed as libpq does from the PG* variables, the service file and the password file (keep the password there, not here). Without it, DATABASE_URL, PGHOST, PGHOSTADDR and PGSERVICE, the embedded database is used')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Who is making the change, for the audit trail (default: env LOBU_ACTOR, read only by commands that record a change; else OS user@host)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More notes on stderr (connection, timings)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'lobu-admin;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the embedded migrations online (one migrator at a time), or list them')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Manage the embedded database (used when no DATABASE_URL is given)')
            [CompletionResult]::new('org', 'org', [CompletionResultType]::ParameterValue, 'Organisations')
            [CompletionResult]::new('provision-agent', 'provision-agent', [CompletionResultType]::ParameterValue, 'Give an organisation its default agent, once (sticky)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'Agents')
            [CompletionResult]::new('register-device', 'register-device', [CompletionResultType]::ParameterValue, 'Register a device (or refresh a known one); a first Mac gets the daily check-in')
            [CompletionResult]::new('devices', 'devices', [CompletionResultType]::ParameterValue, 'Devices')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Device tokens')
            [CompletionResult]::new('watchers', 'watchers', [CompletionResultType]::ParameterValue, 'Watchers')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Cron tools')
            [CompletionResult]::new('dispatch', 'dispatch', [CompletionResultType]::ParameterValue, 'Queue runs of due watchers (and rescue stale runs)')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'Runs: device side (claim, heartbeat, complete, fail) and operator side')
            [CompletionResult]::new('seed', 'seed', [CompletionResultType]::ParameterValue, 'Apply a JSON fixture file (`-` for stdin): orgs, agents, devices, tokens, watchers')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the organisations as a fixture that `seed` accepts (all by default)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'The audit trail: who changed what, and when')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A guided tour on the embedded (or given) database')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'One screen for an operator: schema, counts, due slots and lag, active, pending and stale runs, history, and the database''s clock with its skew from this host''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lobu-admin;help;migrate' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List migrations and whether each is applied')
            break
        }
        'lobu-admin;help;migrate;status' {
            break
        }
        'lobu-admin;help;db' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show where the embedded database lives and whether it runs')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the embedded database (initialising it on first use)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the embedded database')
            break
        }
        'lobu-admin;help;db;status' {
            break
        }
        'lobu-admin;help;db;start' {
            break
        }
        'lobu-admin;help;db;stop' {
            break
        }
        'lobu-admin;help;org' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an organisation')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List organisations')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one organisation with its metadata (and `deleting_at` while it is being deleted)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Rename an organisation')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an organisation and everything in it: agents, devices, tokens, watchers, runs, and its provisioning sentinels (an organisation created later under the same id is new). Its audit events stay')
            break
        }
        'lobu-admin;help;org;create' {
            break
        }
        'lobu-admin;help;org;list' {
            break
        }
        'lobu-admin;help;org;show' {
            break
        }
        'lobu-admin;help;org;update' {
            break
        }
        'lobu-admin;help;org;delete' {
            break
        }
        'lobu-admin;help;provision-agent' {
            break
        }
        'lobu-admin;help;agents' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s agents')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an agent')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change an agent''s name or identity (only the given flags change)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an agent (the provisioning sentinel stays: it is not re-created). Refused (exit 5, naming them) while non-archived watchers use it; --force pauses them. Its queued runs are cancelled; runs a device holds finish')
            break
        }
        'lobu-admin;help;agents;list' {
            break
        }
        'lobu-admin;help;agents;create' {
            break
        }
        'lobu-admin;help;agents;update' {
            break
        }
        'lobu-admin;help;agents;delete' {
            break
        }
        'lobu-admin;help;register-device' {
            break
        }
        'lobu-admin;help;devices' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s devices')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a device')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a device: unpins and pauses its watchers, cancels their active runs')
            break
        }
        'lobu-admin;help;devices;list' {
            break
        }
        'lobu-admin;help;devices;show' {
            break
        }
        'lobu-admin;help;devices;delete' {
            break
        }
        'lobu-admin;help;tokens' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Issue a token for a device (shown once)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Issue a new token for a device (shown once) and retire its other live tokens: revoked now, or expiring after --grace (a token that expires sooner keeps its own expiry: the grace is clamped, and said). One transaction')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a device''s tokens (never the secret)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token')
            break
        }
        'lobu-admin;help;tokens;create' {
            break
        }
        'lobu-admin;help;tokens;rotate' {
            break
        }
        'lobu-admin;help;tokens;list' {
            break
        }
        'lobu-admin;help;tokens;revoke' {
            break
        }
        'lobu-admin;help;watchers' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List an organisation''s watchers with next and last firing')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a watcher with its recent runs')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Queue a manual run (device token, or --admin); returns the active run if any')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next fire times')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a watcher')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a watcher: only the given flags change')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a watcher')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused watcher (exit 5 when its agent no longer exists)')
            [CompletionResult]::new('archive', 'archive', [CompletionResultType]::ParameterValue, 'Archive a watcher (cancels its active run)')
            [CompletionResult]::new('reschedule', 'reschedule', [CompletionResultType]::ParameterValue, 'Recompute active watchers'' next runs from the database''s clock: the repair after `dispatch --now T` moved them past it. Due slots are kept for the next dispatch')
            break
        }
        'lobu-admin;help;watchers;list' {
            break
        }
        'lobu-admin;help;watchers;show' {
            break
        }
        'lobu-admin;help;watchers;trigger' {
            break
        }
        'lobu-admin;help;watchers;next' {
            break
        }
        'lobu-admin;help;watchers;create' {
            break
        }
        'lobu-admin;help;watchers;update' {
            break
        }
        'lobu-admin;help;watchers;pause' {
            break
        }
        'lobu-admin;help;watchers;resume' {
            break
        }
        'lobu-admin;help;watchers;archive' {
            break
        }
        'lobu-admin;help;watchers;reschedule' {
            break
        }
        'lobu-admin;help;schedule' {
            [CompletionResult]::new('preview', 'preview', [CompletionResultType]::ParameterValue, 'Print the fire times of an expression')
            break
        }
        'lobu-admin;help;schedule;preview' {
            break
        }
        'lobu-admin;help;dispatch' {
            break
        }
        'lobu-admin;help;runs' {
            [CompletionResult]::new('claim', 'claim', [CompletionResultType]::ParameterValue, 'Claim the oldest pending runs of the token''s device')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Record a heartbeat')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Complete a run')
            [CompletionResult]::new('fail', 'fail', [CompletionResultType]::ParameterValue, 'Fail a run')
            [CompletionResult]::new('rescue', 'rescue', [CompletionResultType]::ParameterValue, 'Re-queue stale runs and time out old ones')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List runs, newest first')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a run is final: exit 0 completed, 8 failed/timeout/cancelled/skipped, 9 --timeout passed, 130 interrupted (the run is left as it is)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete finished runs older than DUR, in batches (each its own transaction), keeping active runs and each watcher''s latest run (for the cool-down and `watchers list`)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an active run; its error says who cancelled it and why')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one run: the `runs list` object with its output, error, heartbeat and the watcher''s slug')
            break
        }
        'lobu-admin;help;runs;claim' {
            break
        }
        'lobu-admin;help;runs;heartbeat' {
            break
        }
        'lobu-admin;help;runs;complete' {
            break
        }
        'lobu-admin;help;runs;fail' {
            break
        }
        'lobu-admin;help;runs;rescue' {
            break
        }
        'lobu-admin;help;runs;list' {
            break
        }
        'lobu-admin;help;runs;wait' {
            break
        }
        'lobu-admin;help;runs;prune' {
            break
        }
        'lobu-admin;help;runs;cancel' {
            break
        }
        'lobu-admin;help;runs;show' {
            break
        }
        'lobu-admin;help;seed' {
            break
        }
        'lobu-admin;help;export' {
            break
        }
        'lobu-admin;help;audit' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit events, newest first (page on with --before the last id shown)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete events older than a duration (the prune itself is recorded)')
            break
        }
        'lobu-admin;help;audit;list' {
            break
        }
        'lobu-admin;help;audit;prune' {
            break
        }
        'lobu-admin;help;completions' {
            break
        }
        'lobu-admin;help;man' {
            break
        }
        'lobu-admin;help;demo' {
            break
        }
        'lobu-admin;help;status' {
            break
        }
        'lobu-admin;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
