//! libpq's connection settings (SPEC 15): a URL or `key=value` string, completed exactly as
//! libpq completes it (the service file, then the `PG*` environment variables, then the
//! defaults, and the password, last, from the password file), and the driver
//! configurations built from the result.
//!
//! Nothing here returns the string the user gave, nor any part of it other than the parsed
//! host, port, database and user: an error names a key by its canonical name (or, when the
//! key itself is unknown, by its position) and where the value came from ("sslmode from
//! PGSSLMODE"), never a value. So no spelling of a password (quoted, escaped,
//! percent-encoded, mistyped, in the wrong place) can reach a message, an event, a log
//! line or an HTTP body. [`ConnInfo`]'s `Display` names the connection by database, user
//! and hosts.
//!
//! Precedence, as in libpq's `conninfo_add_defaults` and `pqConnectOptions2`: a key given
//! in the string (the last one, if given twice; in a URL, a query parameter over the
//! user-info) wins; what it leaves out comes from the service (`service=` or `PGSERVICE`;
//! `PGSERVICEFILE`, else `~/.pg_service.conf`, else `PGSYSCONFDIR/pg_service.conf`), then
//! from the environment, then from the defaults; when no password was found that way, each
//! host's comes from the password file (`passfile`, else `PGPASSFILE`, else `~/.pgpass`).

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::config::{ChannelBinding, SslNegotiation, TargetSessionAttrs};
use tokio_postgres::Config;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::tcp::{TcpParams, TCP_KEYS};
use super::tls::{SslMode, TlsParams};
use crate::error::{Error, Result};

/// This tool's `connect_timeout` when none is given (libpq waits forever).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// libpq's connection keywords (PostgreSQL 17, and `servicefile` of 18) and the
/// environment variable each falls back to.
const KEYWORDS: &[(&str, Option<&str>)] = &[
    ("service", Some("PGSERVICE")),
    ("servicefile", None),
    ("user", Some("PGUSER")),
    ("password", Some("PGPASSWORD")),
    ("passfile", Some("PGPASSFILE")),
    ("channel_binding", Some("PGCHANNELBINDING")),
    ("connect_timeout", Some("PGCONNECT_TIMEOUT")),
    ("dbname", Some("PGDATABASE")),
    ("host", Some("PGHOST")),
    ("hostaddr", Some("PGHOSTADDR")),
    ("port", Some("PGPORT")),
    ("client_encoding", Some("PGCLIENTENCODING")),
    ("options", Some("PGOPTIONS")),
    ("application_name", Some("PGAPPNAME")),
    ("fallback_application_name", None),
    ("keepalives", None),
    ("keepalives_idle", None),
    ("keepalives_interval", None),
    ("keepalives_count", None),
    ("tcp_user_timeout", None),
    ("sslmode", Some("PGSSLMODE")),
    ("sslnegotiation", Some("PGSSLNEGOTIATION")),
    ("sslcompression", Some("PGSSLCOMPRESSION")),
    ("sslcert", Some("PGSSLCERT")),
    ("sslkey", Some("PGSSLKEY")),
    ("sslcertmode", Some("PGSSLCERTMODE")),
    ("sslpassword", None),
    ("sslkeylogfile", None),
    ("sslrootcert", Some("PGSSLROOTCERT")),
    ("sslcrl", Some("PGSSLCRL")),
    ("sslcrldir", Some("PGSSLCRLDIR")),
    ("sslsni", Some("PGSSLSNI")),
    ("requirepeer", Some("PGREQUIREPEER")),
    ("require_auth", Some("PGREQUIREAUTH")),
    ("ssl_min_protocol_version", Some("PGSSLMINPROTOCOLVERSION")),
    ("ssl_max_protocol_version", Some("PGSSLMAXPROTOCOLVERSION")),
    ("min_protocol_version", Some("PGMINPROTOCOLVERSION")),
    ("max_protocol_version", Some("PGMAXPROTOCOLVERSION")),
    ("gssencmode", Some("PGGSSENCMODE")),
    ("krbsrvname", Some("PGKRBSRVNAME")),
    ("gsslib", Some("PGGSSLIB")),
    ("gssdelegation", Some("PGGSSDELEGATION")),
    ("replication", None),
    ("target_session_attrs", Some("PGTARGETSESSIONATTRS")),
    ("load_balance_hosts", Some("PGLOADBALANCEHOSTS")),
];

/// The canonical keyword for `name` (`keepalives_retries`, the Rust driver's name, is taken
/// as `keepalives_count`).
fn keyword(name: &str) -> Option<&'static str> {
    if name == "keepalives_retries" {
        return Some("keepalives_count");
    }
    KEYWORDS.iter().map(|(k, _)| *k).find(|k| *k == name)
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The connection string (`--database-url` / `DATABASE_URL`).
    String,
    /// A service of a service file.
    Service {
        /// The service's name.
        name: String,
        /// The file.
        file: PathBuf,
    },
    /// An environment variable.
    Env(&'static str),
    /// A line of the password file (for a password).
    PasswordFile {
        /// The file.
        file: PathBuf,
        /// The line's number, from 1.
        line: usize,
    },
    /// The default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String => f.write_str("the connection string"),
            Self::Service { name, file } => {
                write!(f, "service \"{name}\" in {}", file.display())
            }
            Self::Env(var) => f.write_str(var),
            Self::PasswordFile { file, line } => {
                write!(f, "line {line} of the password file {}", file.display())
            }
            Self::Default => f.write_str("the default"),
        }
    }
}

/// The environment the settings are completed from: the process's, or none at all (the
/// embedded database, tests).
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
    /// `None`: ask the OS when needed (only when no user is given: a look-up in the
    /// password database costs a one-shot command time).
    user: Option<Option<String>>,
}

impl Env {
    /// The process's `PG*` variables that libpq reads, home directory (`HOME`, else the
    /// password database's) and effective user name.
    ///
    /// # Errors
    /// `invalid_input` when one of those variables is not UTF-8 (naming it, not its value).
    pub fn process() -> Result<Self> {
        Ok(Self {
            vars: pg_vars(|name| std::env::var_os(name))?,
            home: std::env::home_dir().filter(|h| !h.as_os_str().is_empty()),
            user: None,
        })
    }

    /// No variables, no home directory (so no `~/.pgpass`), no user name.
    #[must_use]
    pub fn none() -> Self {
        Self {
            user: Some(None),
            ..Self::default()
        }
    }

    /// The OS user's name (libpq's default user).
    fn user(&self) -> Option<String> {
        match &self.user {
            Some(u) => u.clone(),
            None => whoami::username().ok().filter(|u| !u.is_empty()),
        }
    }

    /// A given set (tests).
    #[cfg(test)]
    #[must_use]
    fn with(vars: &[(&str, &str)], home: Option<&Path>, user: Option<&str>) -> Self {
        Self {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            home: home.map(Path::to_path_buf),
            user: Some(user.map(str::to_string)),
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// The variables libpq reads beyond those of [`KEYWORDS`], and systemd's
/// `CREDENTIALS_DIRECTORY` (see [`read_password_file`]).
const OTHER_VARS: &[&str] = &[
    "PGSERVICEFILE",
    "PGSYSCONFDIR",
    "PGREQUIRESSL",
    "CREDENTIALS_DIRECTORY",
];

/// The `PG*` variables libpq reads, as `get` gives them: an error names a variable whose
/// value is not UTF-8 (never skipped, never shown).
fn pg_vars(get: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<BTreeMap<String, String>> {
    let names = KEYWORDS
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(OTHER_VARS.iter().copied());
    let mut vars = BTreeMap::new();
    for name in names {
        if let Some(value) = get(name) {
            let value = value.into_string().map_err(|_| {
                Error::invalid(format!(
                    "the environment variable {name} is not valid UTF-8 (its value is not shown)"
                ))
            })?;
            vars.insert(name.to_string(), value);
        }
    }
    Ok(vars)
}

/// A password, whose `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret, for the driver only.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The settings as the string, the service and the environment gave them: keyword to
/// (value, source). An empty value counts as unset where it is used, as in libpq, but it
/// does keep a later source from filling the key (libpq: `host=` ignores `PGHOST`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: BTreeMap<&'static str, (String, Source)>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, (v, source)) in &self.values {
            if matches!(*k, "password" | "sslpassword") {
                m.entry(k, &format_args!("*** ({source})"));
            } else {
                m.entry(k, &format_args!("{v:?} ({source})"));
            }
        }
        m.finish()
    }
}

impl Settings {
    fn set(&mut self, key: &'static str, value: String, source: Source) {
        self.values.insert(key, (value, source));
    }

    fn fill(&mut self, key: &'static str, value: &str, source: &Source) {
        self.values
            .entry(key)
            .or_insert_with(|| (value.to_string(), source.clone()));
    }

    /// The value of `key`, unless absent or empty.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(|(v, _)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Where `key` came from, if it is set.
    #[must_use]
    pub fn source(&self, key: &str) -> Option<&Source> {
        self.values.get(key).map(|(_, s)| s)
    }

    fn with_source(&self, key: &'static str) -> Option<(&str, &Source)> {
        self.values
            .get(key)
            .filter(|(v, _)| !v.is_empty())
            .map(|(v, s)| (v.as_str(), s))
    }
}

fn bad(what: impl fmt::Display) -> Error {
    Error::invalid(format!("invalid connection string: {what}"))
}

/// `1st`, `2nd`, `3rd`, `4th`, ..., `11th`, ..., `21st`.
fn nth(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// C's `isspace` (libpq splits key=value strings on it).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
}

/// A known keyword a few edits away from `name`, to suggest (never `name` itself).
fn suggestion(name: &str) -> String {
    let distance = |a: &str, b: &str| {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    };
    KEYWORDS
        .iter()
        .map(|(k, _)| (distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!(" (did you mean {k}?)"))
        .unwrap_or_default()
}

/// The length of a `postgresql://` or `postgres://` prefix (case-sensitive, as libpq).
fn uri_prefix(conn: &str) -> Option<usize> {
    ["postgresql://", "postgres://"]
        .iter()
        .find(|p| conn.starts_with(*p))
        .map(|p| p.len())
}

/// Parses a connection string: a `postgres://` URL or libpq's `key = value` pairs. The
/// settings are the string's only (see [`resolve`]).
///
/// # Errors
/// `invalid_input`, naming what is wrong but never a value.
fn parse(conn: &str) -> Result<Settings> {
    match uri_prefix(conn) {
        Some(n) => parse_url(&conn[n..]),
        None => parse_key_values(conn),
    }
}

/// Stores a key of the string; `what` says where it was for an error (`the 3rd key`).
/// `after_secret`: the key came right after a password's value, so it may be that value's
/// tail (`password=a b=c`): an unknown one gets no "did you mean", which would say how
/// close it is to a keyword.
fn store(
    s: &mut Settings,
    name: &str,
    value: String,
    what: &dyn Fn() -> String,
    after_secret: bool,
) -> Result<()> {
    if name == "requiressl" {
        let mode = if value.starts_with('1') {
            "require"
        } else {
            "prefer"
        };
        s.set("sslmode", mode.into(), Source::String);
        return Ok(());
    }
    match keyword(name) {
        Some(k) => {
            s.set(k, value, Source::String);
            Ok(())
        }
        None if name.contains("://") => Err(scheme_error()),
        None => Err(bad(format!(
            "{} is not a libpq connection option{}",
            what(),
            if after_secret {
                String::new()
            } else {
                suggestion(name)
            }
        ))),
    }
}

/// Whether `name` is a key whose value is a secret.
fn is_secret(name: &str) -> bool {
    matches!(keyword(name), Some("password" | "sslpassword"))
}

fn scheme_error() -> Error {
    bad(
        "a URL must begin with postgres:// or postgresql:// (in lower case), else the string \
         must be key=value pairs",
    )
}

/// libpq's `conninfo_parse`: blanks separate pairs, blanks may surround `=`, a value may
/// be single-quoted, and `\` escapes the next character (quoted or not).
fn parse_key_values(conn: &str) -> Result<Settings> {
    let mut s = Settings::default();
    let mut it = conn.chars().peekable();
    let mut n = 0;
    let mut after_secret = false;
    loop {
        while it.next_if(|c| is_space(*c)).is_some() {}
        if it.peek().is_none() {
            return Ok(s);
        }
        n += 1;
        let mut name = String::new();
        while let Some(c) = it.next_if(|c| *c != '=' && !is_space(*c)) {
            name.push(c);
        }
        while it.next_if(|c| is_space(*c)).is_some() {}
        if it.next() != Some('=') {
            if n == 1 && name.contains("://") {
                return Err(scheme_error());
            }
            return Err(bad(format!(
                "the {} word is not a key=value pair (a value with blanks must be quoted: \
                 key='a b')",
                nth(n)
            )));
        }
        while it.next_if(|c| is_space(*c)).is_some() {}
        let what = || match keyword(&name) {
            Some(k) => k.to_string(),
            None => format!("the {} key", nth(n)),
        };
        let mut value = String::new();
        if it.next_if_eq(&'\'').is_some() {
            loop {
                match it.next() {
                    None => {
                        return Err(bad(format!("the value of {} has no closing quote", what())))
                    }
                    Some('\\') => value.extend(it.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = it.next() {
                match c {
                    c if is_space(c) => break,
                    '\\' => value.extend(it.next()),
                    c => value.push(c),
                }
            }
            // libpq reads `host= password=x` as host's value "password=x"
            if starts_pair(&value) && !is_secret(&name) {
                return Err(bad(format!(
                    "the value of {} looks like another key=value pair (not shown): an empty \
                     value before it (key= password=...) is the likely cause; leave the empty \
                     key out, or quote it (key='')",
                    what()
                )));
            }
        }
        store(&mut s, &name, value, &what, after_secret)?;
        after_secret = is_secret(&name);
    }
}

/// Percent-decoding as libpq's `conninfo_uri_decode`: `%` and two hex digits, never `%00`.
fn decode(text: &str, what: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .filter(|_| bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit());
            match hex {
                Some(0) => return Err(bad(format!("{what} in the URL contains %00"))),
                Some(b) => out.push(b),
                None => {
                    return Err(bad(format!(
                        "invalid percent-encoding in {what} of the URL (\"%\" must be followed \
                         by two hex digits; write \"%\" itself as %25)"
                    )))
                }
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| {
        bad(format!(
            "{what} in the URL is not UTF-8 once percent-decoded"
        ))
    })
}

const RAW_AT: &str = "\"@\" after the host (a password with \"@\", \"/\" or \"?\" must be \
                      percent-encoded in a URL: %40, %2F, %3F; or put it in a password file)";

const RAW_QUERY_AT: &str =
    "\"@\" after a \"?\" (an \"@\" in a query value must be percent-encoded \
                            as %40, a \"?\" in a user name or password as %3F; or put the password \
                            in a password file)";

/// libpq's `conninfo_uri_parse_options`, on what follows the scheme:
/// `[user[:password]@][host][:port][,...][/dbname][?key=value&...]`. One change: the
/// user-info ends at the *last* `@` before the path (libpq takes the first, so that a raw
/// `@` in a password leaves the rest of it in the host name); and a raw `@` left in the
/// host or database name is refused, so that a password with a raw `/` (which ends the
/// user-info early) can never be taken for a host, port or database name.
fn parse_url(rest: &str) -> Result<Settings> {
    let mut s = Settings::default();
    let b = rest.as_bytes();
    let mut p = 0;
    if let Some(at) = rest.find(['@', '/']).filter(|i| b[*i] == b'@') {
        let end = rest[at..].find(['/', '?']).map_or(rest.len(), |e| at + e);
        let last = rest[at..end].rfind('@').map_or(at, |i| at + i);
        let userinfo = &rest[..last];
        let (user, password) = match userinfo.split_once(':') {
            Some((u, pw)) => (u, Some(pw)),
            None => (userinfo, None),
        };
        // libpq takes everything before the "@" for the user-info, a "?" included; so in
        // `postgres://h?password=se@cret` the query's password would become a user name and
        // a host, shown in every message. A raw "?" in the user name, or one followed by "="
        // in the password, is that ambiguity: refused, naming no part of it.
        if user.contains('?')
            || password.is_some_and(|pw| pw[pw.find('?').unwrap_or(pw.len())..].contains('='))
        {
            return Err(bad(RAW_QUERY_AT));
        }
        if !user.is_empty() {
            s.set("user", decode(user, "the user name")?, Source::String);
        }
        if let Some(pw) = password.filter(|pw| !pw.is_empty()) {
            s.set("password", decode(pw, "the password")?, Source::String);
        }
        p = last + 1;
    }
    let (mut hosts, mut ports) = (String::new(), String::new());
    let mut term;
    loop {
        if b.get(p) == Some(&b'[') {
            let close = rest[p..]
                .find(']')
                .map(|i| p + i)
                .ok_or_else(|| bad("an IPv6 address in the URL lacks its closing \"]\""))?;
            if close == p + 1 {
                return Err(bad("an IPv6 address in the URL is empty"));
            }
            hosts.push_str(&rest[p + 1..close]);
            p = close + 1;
            if b.get(p)
                .is_some_and(|c| !matches!(c, b':' | b'/' | b'?' | b','))
            {
                return Err(bad(
                    "unexpected character after an IPv6 address in the URL (expected \":\" or \
                     \"/\")",
                ));
            }
        } else {
            let e = rest[p..]
                .find([':', '/', '?', ','])
                .map_or(rest.len(), |e| p + e);
            hosts.push_str(&rest[p..e]);
            p = e;
        }
        term = b.get(p).copied();
        if term == Some(b':') {
            p += 1;
            let e = rest[p..]
                .find(['/', '?', ','])
                .map_or(rest.len(), |e| p + e);
            ports.push_str(&rest[p..e]);
            p = e;
            term = b.get(p).copied();
        }
        if term != Some(b',') {
            break;
        }
        p += 1;
        hosts.push(',');
        ports.push(',');
    }
    if hosts.contains('@') {
        return Err(bad(RAW_AT));
    }
    if !hosts.is_empty() {
        s.set("host", decode(&hosts, "a host")?, Source::String);
    }
    if !ports.is_empty() {
        s.set("port", decode(&ports, "a port")?, Source::String);
    }
    if term == Some(b'/') {
        p += 1;
        let e = rest[p..].find('?').map_or(rest.len(), |e| p + e);
        let dbname = &rest[p..e];
        if dbname.contains('@') {
            return Err(bad(RAW_AT));
        }
        if !dbname.is_empty() {
            s.set(
                "dbname",
                decode(dbname, "the database name")?,
                Source::String,
            );
        }
        p = e;
        term = b.get(p).copied();
    }
    if term == Some(b'?') {
        parse_query(&rest[p + 1..], &mut s)?;
    }
    Ok(s)
}

/// libpq's `conninfo_uri_parse_params`: `key=value` pairs separated by `&`, both
/// percent-decoded, `ssl=true` meaning `sslmode=require`; an unknown key is an error.
fn parse_query(query: &str, s: &mut Settings) -> Result<()> {
    let pairs: Vec<&str> = query.split('&').collect();
    let mut after_secret = false;
    for (i, pair) in pairs.iter().enumerate() {
        let n = i + 1;
        if pair.is_empty() && n == pairs.len() {
            break;
        }
        let Some((key, value)) = pair.split_once('=') else {
            return Err(bad(format!(
                "the {} query parameter has no \"=\" (a password with \"&\" must be \
                 percent-encoded: %26)",
                nth(n)
            )));
        };
        if value.contains('=') {
            return Err(bad(format!(
                "the {} query parameter has a second \"=\" (percent-encode it: %3D)",
                nth(n)
            )));
        }
        let what = || format!("the {} query parameter", nth(n));
        let key = decode(key, &what())?;
        let value = decode(value, &what())?;
        if key == "ssl" && value == "true" {
            s.set("sslmode", "require".into(), Source::String);
            continue;
        }
        store(s, &key, value, &what, after_secret)?;
        after_secret = is_secret(&key);
    }
    Ok(())
}

/// The directory of the system-wide service file without `PGSYSCONFDIR`: libpq's compiled-in
/// `sysconfdir`, which distributions set differently; the first of theirs that has one.
fn default_sysconfdir() -> PathBuf {
    ["/etc/postgresql-common", "/etc/sysconfig/pgsql", "/etc"]
        .iter()
        .map(PathBuf::from)
        .find(|d| d.join("pg_service.conf").is_file())
        .unwrap_or_else(|| PathBuf::from("/etc/postgresql-common"))
}

/// libpq's `parseServiceInfo`: fills what `s` lacks from its service, if one is named.
fn apply_service(s: &mut Settings, env: &Env) -> Result<()> {
    // an empty name (service='' or PGSERVICE=) is a name to look for, as in libpq, whose
    // parseServiceInfo stops only when there is none
    let name = match s.values.get("service") {
        Some((v, _)) => v.clone(),
        None => match env.var("PGSERVICE") {
            Some(name) => {
                guard("service", name, &Source::Env("PGSERVICE"))?;
                name.to_string()
            }
            None => return Ok(()),
        },
    };
    let named = s
        .get("servicefile")
        .map(PathBuf::from)
        .or_else(|| env.var("PGSERVICEFILE").map(PathBuf::from));
    let user_file = match named {
        Some(f) => Some(f),
        None => env
            .home
            .as_ref()
            .map(|h| h.join(".pg_service.conf"))
            .filter(|f| f.exists()),
    };
    if let Some(file) = user_file {
        if read_service(&file, &name, s)? {
            return Ok(());
        }
    }
    let dir = env
        .var("PGSYSCONFDIR")
        .map_or_else(default_sysconfdir, PathBuf::from);
    let file = dir.join("pg_service.conf");
    if file.exists() && read_service(&file, &name, s)? {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "definition of service \"{name}\" not found"
    )))
}

/// libpq's `parseServiceFile`: `[name]` sections of `key=value` lines (no blanks around
/// `=`, no quoting), `#` comments; fills what `s` lacks. Whether the service was there.
fn read_service(file: &Path, name: &str, s: &mut Settings) -> Result<bool> {
    let text = std::fs::read(file).map_err(|e| {
        Error::invalid(format!(
            "service file \"{}\" not found ({})",
            file.display(),
            e.kind()
        ))
    })?;
    let text = String::from_utf8_lossy(&text);
    let source = Source::Service {
        name: name.to_string(),
        file: file.to_path_buf(),
    };
    let syntax = |n: usize, why: &str| {
        Error::invalid(format!(
            "{why} in service file \"{}\", line {n}",
            file.display()
        ))
    };
    let mut found = false;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim_matches(is_space);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[') {
            if found {
                return Ok(true);
            }
            found = section
                .strip_prefix(name)
                .is_some_and(|r| r.starts_with(']'));
            continue;
        }
        if !found {
            continue;
        }
        if line.starts_with("ldap") {
            return Err(syntax(i + 1, "LDAP look-ups are not supported"));
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(syntax(i + 1, "syntax error"));
        };
        if key == "service" {
            return Err(syntax(i + 1, "nested service specifications not supported"));
        }
        let Some(k) = keyword(key) else {
            return Err(syntax(i + 1, "syntax error"));
        };
        s.fill(k, value, &source);
    }
    Ok(found)
}

/// Whether `word` begins like a `key=value` pair: an identifier, then `=`.
fn starts_pair(word: &str) -> bool {
    let ident = word
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(word.len());
    ident > 0 && !word.starts_with(|c: char| c.is_ascii_digit()) && word[ident..].starts_with('=')
}

/// Whether a word of `value` begins like a `key=value` pair: a service file's
/// `host=h password=x` is host's value `h password=x` to libpq. Of `options`, whose words
/// are `-c name=value`, only the start counts.
fn pair_like(key: &str, value: &str) -> bool {
    let mut words = value.split(is_space).filter(|w| !w.is_empty());
    if key == "options" {
        words.next().is_some_and(starts_pair)
    } else {
        words.any(starts_pair)
    }
}

/// Refuses a value that holds another key, never showing it: a connection string where a
/// host, an address, a user or a database belongs (its password would reach every message
/// that names the connection), or, in any other key but a password, a `key=value` pair (an
/// empty value before it made it this key's value).
fn guard(key: &str, value: &str, source: &Source) -> Result<()> {
    if value.is_empty() || matches!(key, "password" | "sslpassword") {
        return Ok(());
    }
    let named = matches!(key, "host" | "hostaddr" | "user" | "dbname");
    // a host name has no "@" (one at the start is an abstract socket, refused elsewhere); a
    // user name may ("user@server" on some clouds)
    let at = matches!(key, "host" | "hostaddr") && value.get(1..).is_some_and(|v| v.contains('@'));
    if named && (value.contains("://") || value.contains('=') || at) {
        // libpq expands a connection string given as the dbname only when it is the first
        // dbname of a PQconnectdbParams call (psql's argument); anywhere else it would be a
        // name, shown in messages with its password
        let what = match key {
            "host" | "hostaddr" => "host",
            "user" => "user name",
            _ => "database name",
        };
        return Err(Error::invalid(format!(
            "{key} (from {source}) looks like a connection string (it has \"=\", \"@\" or \
             \"://\"; not shown): give its settings as keys of the connection string itself, \
             not as a {what}"
        )));
    }
    if pair_like(key, value) {
        let hint = match source {
            Source::Service { .. } => ": a service file has one key=value per line",
            _ => "",
        };
        return Err(Error::invalid(format!(
            "the value of {key} (from {source}) looks like another key=value pair (not \
             shown){hint}"
        )));
    }
    Ok(())
}

/// [`guard`] on every value of `s`.
fn guard_all(s: &Settings) -> Result<()> {
    s.values
        .iter()
        .try_for_each(|(key, (value, source))| guard(key, value, source))
}

/// The string's settings completed from the service file and the environment (libpq's
/// `conninfo_add_defaults`); defaults and the password file come in [`ConnInfo::new`].
///
/// # Errors
/// `invalid_input` for a service that is not defined or a service file that does not parse.
fn resolve(mut s: Settings, env: &Env) -> Result<Settings> {
    // before the service file is looked for: its name and file are shown
    guard_all(&s)?;
    apply_service(&mut s, env)?;
    for (key, var) in KEYWORDS {
        if let Some(var) = var {
            if let Some(v) = env.var(var) {
                s.fill(key, v, &Source::Env(var));
            }
        }
    }
    if !s.values.contains_key("sslmode")
        && env.var("PGREQUIRESSL").is_some_and(|v| v.starts_with('1'))
    {
        s.set("sslmode", "require".into(), Source::Env("PGREQUIRESSL"));
    }
    Ok(s)
}

/// One host to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host` as given (a name, an address, or a Unix socket directory), if any.
    pub host: Option<String>,
    /// `hostaddr`, if given.
    pub hostaddr: Option<IpAddr>,
    /// The port.
    pub port: u16,
    /// The line of the password file that matched this host, if that was looked in, and
    /// its password (`None` when the line's is empty: libpq then sends none, and reads no
    /// further line).
    passfile: Option<(Source, Option<Secret>)>,
}

impl Target {
    fn unix(&self) -> bool {
        self.hostaddr.is_none() && self.host.as_deref().is_some_and(|h| h.starts_with('/'))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.host.as_deref().unwrap_or("");
        if self.unix() {
            return write!(f, "socket {host}/.s.PGSQL.{}", self.port);
        }
        // only an IPv6 address: a host name with ":" is refused or shown as it is
        let bracket = |h: &str| {
            if h.parse::<std::net::Ipv6Addr>().is_ok() {
                format!("[{h}]")
            } else {
                h.to_string()
            }
        };
        // the address connected to, with its port: "[::1]:5432", "db (10.0.0.1:5432)"
        match (host, self.hostaddr) {
            ("", Some(a)) => write!(f, "{}:{}", bracket(&a.to_string()), self.port),
            (h, Some(a)) => write!(f, "{h} ({}:{})", bracket(&a.to_string()), self.port),
            (h, None) => write!(f, "{}:{}", bracket(h), self.port),
        }
    }
}

/// libpq's default socket directory: `/var/run/postgresql` where it exists (Debian, Ubuntu,
/// Red Hat build libpq so), else `/tmp` (PostgreSQL's own default).
fn default_socket_dir() -> &'static str {
    if Path::new("/var/run/postgresql").is_dir() {
        "/var/run/postgresql"
    } else {
        "/tmp"
    }
}

/// Connection settings completed as libpq completes them, ready to connect.
#[derive(Clone)]
pub struct ConnInfo {
    settings: Settings,
    targets: Vec<Target>,
    user: String,
    dbname: String,
    password: Option<(Secret, Source)>,
    tls: TlsParams,
    tcp: TcpParams,
    connect_timeout: Option<Duration>,
    warnings: Vec<String>,
}

impl fmt::Debug for ConnInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnInfo({self})")
    }
}

impl fmt::Display for ConnInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "database {} as user {} on ", self.dbname, self.user)?;
        for (i, t) in self.targets.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

/// An invalid value: names the key and its source, never the value.
fn invalid(key: &str, source: &Source, expected: &str) -> Error {
    Error::invalid(format!("invalid {key} (from {source}): {expected}"))
}

fn unsupported(key: &str, source: &Source, why: &str) -> Error {
    Error::invalid(format!(
        "{key} (from {source}) is not supported by lobu-admin{why}"
    ))
}

/// libpq's `pqParseIntParam`: blanks around a decimal integer.
fn int(text: &str) -> Option<i64> {
    text.trim_matches(is_space).parse().ok()
}

/// Splits libpq's comma-separated lists (`host=a,b`).
fn list(text: Option<&str>) -> Vec<String> {
    text.map(|t| t.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

impl ConnInfo {
    /// Parses `conn` and completes it from `env` and the files it names.
    ///
    /// # Errors
    /// `invalid_input` when the string, a service file or a value is invalid, or a key is
    /// one this tool cannot honour.
    pub fn from_string(conn: &str, env: &Env) -> Result<Self> {
        Self::new(resolve(parse(conn)?, env)?, env)
    }

    /// libpq's `pqConnectOptions2` on resolved settings: the hosts and their ports, the
    /// user and database defaults, the password file, and every value checked.
    ///
    /// # Errors
    /// `invalid_input` for a value that is invalid or that this tool cannot honour.
    fn new(settings: Settings, env: &Env) -> Result<Self> {
        guard_all(&settings)?;
        let mut info = Self {
            targets: targets(&settings)?,
            user: String::new(),
            dbname: String::new(),
            password: settings
                .with_source("password")
                .map(|(p, s)| (Secret(p.to_string()), s.clone())),
            tls: TlsParams {
                home: env.home.clone(),
                ..TlsParams::default()
            },
            tcp: TcpParams::default(),
            connect_timeout: Some(CONNECT_TIMEOUT),
            warnings: Vec::new(),
            settings,
        };
        info.user = match info.settings.get("user") {
            Some(u) => u.to_string(),
            None => env.user().ok_or_else(|| {
                Error::invalid("cannot tell which user to connect as: set user= or PGUSER")
            })?,
        };
        info.dbname = info
            .settings
            .get("dbname")
            .unwrap_or(&info.user)
            .to_string();
        if info.password.is_none() {
            info.password_file(env);
        }
        info.check()?;
        Ok(info)
    }

    /// Looks each host's password up in the password file (libpq's `passwordFromFile`).
    fn password_file(&mut self, env: &Env) {
        let path = match self.settings.get("passfile") {
            Some(p) => PathBuf::from(p),
            None => match &env.home {
                Some(h) => h.join(".pgpass"),
                None => return,
            },
        };
        let credentials = env.var("CREDENTIALS_DIRECTORY").map(Path::new);
        let Some(text) = read_password_file(&path, credentials, &mut self.warnings) else {
            return;
        };
        let socket_dir = default_socket_dir();
        for t in &mut self.targets {
            let host = match (&t.host, t.hostaddr) {
                (Some(h), _) if h != socket_dir => h.clone(),
                (Some(_), _) => "localhost".into(),
                (None, Some(a)) => a.to_string(),
                (None, None) => "localhost".into(),
            };
            let port = t.port.to_string();
            t.passfile =
                password_for(&text, [&host, &port, &self.dbname, &self.user]).map(|(line, p)| {
                    let source = Source::PasswordFile {
                        file: path.clone(),
                        line,
                    };
                    (source, Some(Secret(p)).filter(|p| !p.0.is_empty()))
                });
        }
    }

    /// Every value checked, and the TLS and TCP keys taken.
    fn check(&mut self) -> Result<()> {
        let s = &self.settings;
        for (key, (value, source)) in &s.values {
            if value.is_empty() {
                continue;
            }
            let one_of = |allowed: &[&str]| {
                if allowed.contains(&value.as_str()) {
                    Ok(())
                } else {
                    Err(invalid(key, source, &format!("use {}", allowed.join(", "))))
                }
            };
            match *key {
                "sslmode" => {
                    self.tls.mode = Some(SslMode::parse(value).ok_or_else(|| {
                        invalid(
                            "sslmode",
                            source,
                            "use disable, allow, prefer, require, verify-ca or verify-full",
                        )
                    })?);
                }
                "sslrootcert" => self.tls.root_cert = Some(value.clone()),
                "sslcert" => self.tls.cert = Some(value.clone()),
                "sslkey" => self.tls.key = Some(value.clone()),
                "sslsni" => self.tls.sni_off = value == "0",
                "sslcertmode" => {
                    one_of(&["disable", "allow", "require"])?;
                    if value == "require" {
                        return Err(unsupported(key, source, " with the value require"));
                    }
                    self.tls.client_cert_off = value == "disable";
                }
                "ssl_min_protocol_version" => {
                    one_of(&["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])?;
                    self.tls.min_tls13 = value == "TLSv1.3";
                }
                "ssl_max_protocol_version" => {
                    one_of(&["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])?;
                    if value == "TLSv1" || value == "TLSv1.1" {
                        return Err(unsupported(key, source, " below TLSv1.2"));
                    }
                    self.tls.max_tls12 = value == "TLSv1.2";
                }
                "sslnegotiation" => one_of(&["postgres", "direct"])?,
                "sslcompression" => one_of(&["0", "1"])?,
                "connect_timeout" => {
                    let secs = int(value)
                        .ok_or_else(|| invalid(key, source, "must be a whole number of seconds"))?;
                    // libpq: zero or less waits forever; one second is taken as two
                    self.connect_timeout = u64::try_from(secs)
                        .ok()
                        .filter(|s| *s > 0)
                        .map(|s| Duration::from_secs(s.max(2)));
                }
                k if TCP_KEYS.contains(&k) => self
                    .tcp
                    .set(k, value)
                    .map_err(|why| invalid(key, source, why))?,
                "target_session_attrs" => {
                    one_of(&[
                        "any",
                        "read-write",
                        "read-only",
                        "primary",
                        "standby",
                        "prefer-standby",
                    ])?;
                    if !["any", "read-write", "read-only"].contains(&value.as_str()) {
                        return Err(unsupported(
                            key,
                            source,
                            " with this value (use read-write to find the primary)",
                        ));
                    }
                }
                "load_balance_hosts" => one_of(&["disable", "random"])?,
                "channel_binding" => one_of(&["disable", "prefer", "require"])?,
                "client_encoding"
                    if !["utf8", "utf-8", "unicode", "auto"]
                        .contains(&value.to_lowercase().as_str()) =>
                {
                    return Err(unsupported(key, source, " other than UTF8"));
                }
                "gssencmode" => {
                    one_of(&["disable", "prefer", "require"])?;
                    if value == "require" {
                        return Err(unsupported(
                            key,
                            source,
                            " with the value require (no GSSAPI)",
                        ));
                    }
                }
                "replication"
                    if !["0", "false", "off", "no"].contains(&value.to_lowercase().as_str()) =>
                {
                    return Err(unsupported(key, source, ""));
                }
                "min_protocol_version" => one_of(&["3.0", "latest"])?,
                "max_protocol_version" => one_of(&["3.0", "3.2", "latest"])?,
                "sslcrl" | "sslcrldir" | "requirepeer" | "require_auth" | "sslkeylogfile" => {
                    return Err(unsupported(key, source, ""));
                }
                // known and harmless here: GSSAPI's details (the driver offers no GSSAPI,
                // so they cannot apply), the password of an encrypted key (refused where
                // the key is read), and what was used already
                _ => {}
            }
        }
        self.tls.effective_mode().map_err(|e| {
            let source = self
                .settings
                .source("sslrootcert")
                .unwrap_or(&Source::Default);
            Error::invalid(format!("{e} (sslrootcert from {source})"))
        })?;
        Ok(())
    }

    /// The hosts, in the order given.
    #[must_use]
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// What to tell the user, as libpq prints to stderr: a password file ignored because
    /// of its permissions, or because it is not a plain file.
    #[must_use]
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Where the password of `target` comes from, if there is one.
    #[must_use]
    pub fn password_source(&self, target: usize) -> Option<Source> {
        match &self.password {
            Some((_, s)) => Some(s.clone()),
            None => match &self.targets.get(target)?.passfile {
                Some((source, Some(_))) => Some(source.clone()),
                _ => None,
            },
        }
    }

    /// The password file's line that matched `target` with an empty password, if one did
    /// (libpq then sends no password and reads no further line).
    #[must_use]
    pub fn empty_password_line(&self, target: usize) -> Option<&Source> {
        match &self.targets.get(target)?.passfile {
            Some((source, None)) if self.password.is_none() => Some(source),
            _ => None,
        }
    }

    /// `text` with every secret of these settings (the password and `sslpassword`, from
    /// whatever source, and each password the password file gave) replaced by `***`: the
    /// last line of defence of every message built from a connection's failure (a server
    /// may echo a startup value back).
    #[must_use]
    pub fn scrub(&self, text: &str) -> String {
        let mut secrets: Vec<&str> = ["password", "sslpassword"]
            .iter()
            .filter_map(|k| self.settings.get(k))
            .chain(self.password.as_ref().map(|(p, _)| p.expose()))
            .chain(
                self.targets
                    .iter()
                    .filter_map(|t| t.passfile.as_ref()?.1.as_ref().map(Secret::expose)),
            )
            .filter(|p| !p.is_empty())
            .collect();
        // the longest first, so that one secret inside another goes whole
        secrets.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut text = text.to_string();
        for p in secrets {
            text = text.replace(p, "***");
        }
        text
    }

    fn password_of<'a>(&'a self, target: &'a Target) -> Option<&'a Secret> {
        self.password
            .as_ref()
            .map(|(p, _)| p)
            .or(target.passfile.as_ref().and_then(|(_, p)| p.as_ref()))
    }

    /// A line for `-v`: where the password comes from (for each host, when the password
    /// file gives each its own) and the TLS mode, no secret.
    #[must_use]
    pub fn details(&self) -> String {
        let of_host = |i: usize| match (self.password_source(i), self.empty_password_line(i)) {
            (Some(s), _) => format!("password from {s}"),
            (None, Some(line)) => format!("no password ({line} has an empty one)"),
            (None, None) => "no password".into(),
        };
        let password = if self.password.is_some() || self.targets.len() == 1 {
            of_host(0)
        } else {
            self.targets
                .iter()
                .enumerate()
                .map(|(i, t)| format!("for {t} {}", of_host(i)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mode = self
            .tls
            .effective_mode()
            .map_or_else(|_| "?".into(), |m| m.to_string());
        format!(
            "{password}, sslmode {mode}, application_name {}",
            self.application_name()
        )
    }

    fn application_name(&self) -> &str {
        self.settings
            .get("application_name")
            .or_else(|| self.settings.get("fallback_application_name"))
            .unwrap_or("lobu-admin")
    }

    /// The driver configuration shared by every host: no host, no password.
    fn base(&self) -> Config {
        let mut c = Config::new();
        c.user(&self.user);
        c.dbname(&self.dbname);
        c.application_name(self.application_name());
        if let Some(o) = self.settings.get("options") {
            c.options(o);
        }
        if let Some(t) = self.connect_timeout {
            c.connect_timeout(t);
        }
        self.tcp.apply(&mut c);
        c.target_session_attrs(match self.settings.get("target_session_attrs") {
            Some("read-write") => TargetSessionAttrs::ReadWrite,
            Some("read-only") => TargetSessionAttrs::ReadOnly,
            _ => TargetSessionAttrs::Any,
        });
        c.channel_binding(match self.settings.get("channel_binding") {
            Some("disable") => ChannelBinding::Disable,
            Some("require") => ChannelBinding::Require,
            _ => ChannelBinding::Prefer,
        });
        if self.settings.get("sslnegotiation") == Some("direct") {
            c.ssl_negotiation(SslNegotiation::Direct);
        }
        c
    }

    /// Adds `target` to `c` (TLS off on a Unix socket, where libpq never asks for it).
    fn add(&self, c: &mut Config, t: &Target, mode: postgres::config::SslMode) {
        match (&t.host, t.hostaddr) {
            (Some(h), _) if t.unix() => {
                c.host_path(h);
            }
            (Some(h), None) => {
                c.host(h);
            }
            // libpq connects to hostaddr over TCP whatever host says; the host is the name
            // TLS verifies, except a socket directory (the driver would take it for a socket
            // and refuse TLS): then, as with no name, the address is that name
            (Some(h), Some(a)) if !h.starts_with('/') => {
                c.host(h);
                c.hostaddr(a);
            }
            (_, Some(a)) => {
                c.host(a.to_string());
                c.hostaddr(a);
            }
            (None, None) => {
                c.host_path(default_socket_dir());
            }
        }
        c.port(t.port);
        c.ssl_mode(if t.unix() {
            postgres::config::SslMode::Disable
        } else {
            mode
        });
    }

    /// One driver configuration per host, in the order to try them (shuffled under
    /// `load_balance_hosts=random`), each with its own password, and the TLS connector
    /// (which reads the TLS files only when a host is reached over TCP).
    ///
    /// # Errors
    /// `invalid_input` when a TLS file is missing or unusable.
    pub fn attempts(&self) -> Result<(Vec<(usize, Config)>, MakeRustlsConnect)> {
        let (mode, tls) = if self.targets.iter().any(|t| !t.unix()) {
            self.tls.connector()?
        } else {
            (postgres::config::SslMode::Disable, TlsParams::plain()?)
        };
        let mut order: Vec<usize> = (0..self.targets.len()).collect();
        if self.settings.get("load_balance_hosts") == Some("random") {
            for i in (1..order.len()).rev() {
                let r = getrandom::u32().unwrap_or(0) as usize % (i + 1);
                order.swap(i, r);
            }
        }
        let configs = order
            .into_iter()
            .map(|i| {
                let t = &self.targets[i];
                let mut c = self.base();
                self.add(&mut c, t, mode);
                if let Some(p) = self.password_of(t) {
                    c.password(p.expose());
                }
                (i, c)
            })
            .collect();
        Ok((configs, tls))
    }

    /// One driver configuration naming every host, for callers that look at the hosts
    /// and ports (connections are opened from [`ConnInfo::attempts`]); no password, and
    /// no TLS file read.
    ///
    /// # Errors
    /// `invalid_input` for a weak `sslmode` with `sslrootcert=system`.
    pub fn config(&self) -> Result<Config> {
        let mode = self.tls.driver_mode()?;
        let mut c = self.base();
        for t in &self.targets {
            self.add(&mut c, t, mode);
        }
        Ok(c)
    }
}

/// libpq's host slots: `hostaddr` (when given) decides how many there are, else `host`;
/// one port for all or one each; an empty host is the default socket directory.
fn targets(s: &Settings) -> Result<Vec<Target>> {
    let hosts = list(s.get("host"));
    let addrs = list(s.get("hostaddr"));
    let source = |k| s.source(k).cloned().unwrap_or(Source::Default);
    let n = match (addrs.len(), hosts.len()) {
        (0, 0) => 1,
        (0, h) => h,
        (a, h) if h == 0 || h == a => a,
        (a, h) => {
            return Err(Error::invalid(format!(
                "could not match {h} host names to {a} hostaddr values"
            )))
        }
    };
    let ports = list(s.get("port"));
    if ports.len() > 1 && ports.len() != n {
        return Err(Error::invalid(format!(
            "could not match {} port numbers to {n} hosts",
            ports.len()
        )));
    }
    (0..n)
        .map(|i| {
            let host = hosts.get(i).filter(|h| !h.is_empty()).cloned();
            let hostaddr = match addrs.get(i).filter(|a| !a.is_empty()) {
                Some(a) => Some(a.trim().parse::<IpAddr>().map_err(|_| {
                    invalid(
                        "hostaddr",
                        &source("hostaddr"),
                        &format!("the {} address is not a numeric IP address", nth(i + 1)),
                    )
                })?),
                None => None,
            };
            if host.as_deref().is_some_and(|h| h.starts_with('@')) {
                return Err(unsupported(
                    "host",
                    &source("host"),
                    " as an abstract socket",
                ));
            }
            let host = match (host, hostaddr) {
                (None, None) => Some(default_socket_dir().to_string()),
                (h, _) => h,
            };
            let port = match ports.get(i).or(ports.first()).filter(|p| !p.is_empty()) {
                None => 5432,
                Some(p) => int(p)
                    .and_then(|p| u16::try_from(p).ok())
                    .filter(|p| *p > 0)
                    .ok_or_else(|| {
                        invalid("port", &source("port"), "must be a number from 1 to 65535")
                    })?,
            };
            Ok(Target {
                host,
                hostaddr,
                port,
                passfile: None,
            })
        })
        .collect()
}

/// Reads the password file if libpq would: a missing file silently not, a file that is not
/// a plain file or that group or others may read not, with a warning.
///
/// One exception, exactly what systemd makes: a file owned by root with mode 0440 in the
/// service's own credentials directory (`$CREDENTIALS_DIRECTORY`, `%d` in a unit). Since
/// systemd 254 a credential of a service with `User=` is root's, mode 0400, with an ACL
/// entry that lets that user read it; `stat` then shows the ACL's mask as the group bits
/// (0440), though no group may read the file. libpq ignores such a file (systemd issue
/// 29096). Any other owner or mode there (0640, 0660, 0444, ...) follows libpq's rule:
/// the variable is anyone's to set, so it must not open a way around the rule.
fn read_password_file(
    path: &Path,
    credentials: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        warnings.push(format!(
            "password file \"{}\" is not a plain file: ignored",
            path.display()
        ));
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        let canonical = |p: &Path| p.canonicalize().ok();
        let in_credentials = credentials.is_some_and(|d| {
            canonical(d).is_some_and(|d| path.parent().and_then(canonical) == Some(d))
        });
        let systemd = {
            use std::os::unix::fs::MetadataExt;
            in_credentials && mode == 0o440 && meta.uid() == 0
        };
        if mode & 0o077 != 0 && !systemd {
            warnings.push(format!(
                "password file \"{}\" has group or world access (mode {mode:04o}); permissions \
                 should be u=rw (0600) or less: ignored",
                path.display()
            ));
            return None;
        }
    }
    std::fs::read(path).ok()
}

/// The number (from 1) and password of the first line of a password file that matches
/// `fields` (host, port, database, user): libpq's `passwordFromFile` and
/// `pwdfMatchesString`. A field of `*` matches anything; `\` escapes `:` and `\`; lines
/// beginning with `#` are comments. The password may be empty (libpq returns it so, and
/// then sends none).
fn password_for(text: &[u8], fields: [&str; 4]) -> Option<(usize, String)> {
    for (n, line) in text.split(|b| *b == b'\n').enumerate() {
        if line.first() == Some(&b'#') {
            continue;
        }
        let mut end = line.len();
        while end > 0 && matches!(line[end - 1], b'\r' | b'\n') {
            end -= 1;
        }
        let mut rest = &line[..end];
        if rest.is_empty() {
            continue;
        }
        let mut matched = true;
        for field in fields {
            match field_matches(rest, field.as_bytes()) {
                Some(r) => rest = r,
                None => {
                    matched = false;
                    break;
                }
            }
        }
        if matched {
            let mut password = Vec::new();
            let mut i = 0;
            while i < rest.len() && rest[i] != b':' {
                if rest[i] == b'\\' && i + 1 < rest.len() {
                    i += 1;
                }
                password.push(rest[i]);
                i += 1;
            }
            return Some((n + 1, String::from_utf8_lossy(&password).into_owned()));
        }
    }
    None
}

/// libpq's `pwdfMatchesString`: the rest of the line after the field, if the field at the
/// start of `line` matches `token`.
fn field_matches<'a>(line: &'a [u8], token: &[u8]) -> Option<&'a [u8]> {
    if line.starts_with(b"*:") {
        return Some(&line[2..]);
    }
    let mut i = 0;
    let mut t = 0;
    while i < line.len() {
        let mut escaped = false;
        if line[i] == b'\\' {
            i += 1;
            escaped = true;
            if i == line.len() {
                return None;
            }
        }
        if line[i] == b':' && t == token.len() && !escaped {
            return Some(&line[i + 1..]);
        }
        if t == token.len() || line[i] != token[t] {
            return None;
        }
        i += 1;
        t += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    fn values(s: &Settings) -> BTreeMap<String, String> {
        s.values
            .iter()
            .map(|(k, (v, _))| ((*k).to_string(), v.clone()))
            .collect()
    }

    #[track_caller]
    fn parses(conn: &str, expected: &[(&str, &str)]) {
        let s = parse(conn).unwrap_or_else(|e| panic!("{conn:?}: {e}"));
        assert_eq!(values(&s), kv(expected), "{conn:?}");
    }

    #[track_caller]
    fn refused(conn: &str, needle: &str, secret: &str) {
        let e = parse(conn)
            .err()
            .unwrap_or_else(|| panic!("{conn:?} parsed"))
            .to_string();
        assert!(e.contains(needle), "{conn:?}: {e}");
        assert!(
            !secret.is_empty() && !e.contains(secret),
            "{conn:?} leaked: {e}"
        );
    }

    #[test]
    fn key_values_as_libpq() {
        parses("", &[]);
        parses(
            "  host=h  port = 5433\tdbname =db ",
            &[("host", "h"), ("port", "5433"), ("dbname", "db")],
        );
        parses("password = 's3 cr\\'et'", &[("password", "s3 cr'et")]);
        parses("password=a\\ b\\\\c", &[("password", "a b\\c")]);
        parses("password=''", &[("password", "")]);
        parses("user=a user=b", &[("user", "b")]);
        parses("password=it's", &[("password", "it's")]);
        parses("requiressl=1", &[("sslmode", "require")]);
        parses("keepalives_retries=4", &[("keepalives_count", "4")]);
        parses(
            "host=a\nport=1\r\nuser=u",
            &[("host", "a"), ("port", "1"), ("user", "u")],
        );
        refused("host=h password='s3cret", "no closing quote", "s3cret");
        refused(
            "host=h password=s3 cret",
            "3rd word is not a key=value pair",
            "cret",
        );
        refused(
            "host=h password=s3 cret=x",
            "3rd key is not a libpq connection option",
            "cret",
        );
        refused("host=h passwrd=s3cret", "did you mean password?", "s3cret");
        refused("postgress://u:s3cret@h/db", "postgres://", "s3cret");
        refused(
            "POSTGRES://u:s3cret@h/db?sslmode=require",
            "postgres://",
            "s3cret",
        );
        refused("s3cret", "1st word", "s3cret");
    }

    #[test]
    fn urls_as_libpq() {
        parses("postgres://", &[]);
        parses("postgresql:///lobu", &[("dbname", "lobu")]);
        parses(
            "postgres://u:p@h:5433/db?sslmode=require&application_name=a%20b",
            &[
                ("user", "u"),
                ("password", "p"),
                ("host", "h"),
                ("port", "5433"),
                ("dbname", "db"),
                ("sslmode", "require"),
                ("application_name", "a b"),
            ],
        );
        parses(
            "postgres://a:1,b:2,[::1]:3/db",
            &[("host", "a,b,::1"), ("port", "1,2,3"), ("dbname", "db")],
        );
        parses(
            "postgres://a,b/db",
            &[("host", "a,b"), ("port", ","), ("dbname", "db")],
        );
        parses(
            "postgres://u@/db?host=/run/pg",
            &[("user", "u"), ("host", "/run/pg"), ("dbname", "db")],
        );
        parses("postgres://?service=lobu", &[("service", "lobu")]);
        parses(
            "postgres://h/d?ssl=true",
            &[("host", "h"), ("dbname", "d"), ("sslmode", "require")],
        );
        parses(
            "postgres://h/d?sslmode=disable&",
            &[("host", "h"), ("dbname", "d"), ("sslmode", "disable")],
        );
        // raw ?, #, @ in the password; percent-encoding of everything
        parses(
            "postgres://u:a?b@h/d",
            &[
                ("user", "u"),
                ("password", "a?b"),
                ("host", "h"),
                ("dbname", "d"),
            ],
        );
        parses(
            "postgres://u:a#b@h/d",
            &[
                ("user", "u"),
                ("password", "a#b"),
                ("host", "h"),
                ("dbname", "d"),
            ],
        );
        parses(
            "postgres://u:a@b@h/d",
            &[
                ("user", "u"),
                ("password", "a@b"),
                ("host", "h"),
                ("dbname", "d"),
            ],
        );
        parses(
            "postgres://u:a%2Fb%3Fc%23d%40e%25f@h",
            &[("user", "u"), ("password", "a/b?c#d@e%f"), ("host", "h")],
        );
        parses(
            "postgres://u:p@h/d?password=q",
            &[
                ("user", "u"),
                ("password", "q"),
                ("host", "h"),
                ("dbname", "d"),
            ],
        );
        refused("postgres://u:s3/cret@h/d", "\"@\" after the host", "cret");
        refused(
            "postgres://u:5432/s3cret@h/d",
            "\"@\" after the host",
            "s3cret",
        );
        refused(
            "postgres://u:s3%zzcret@h/d",
            "percent-encoding in the password",
            "cret",
        );
        refused(
            "postgres://u:s3cret@h/d?bogus=1",
            "1st query parameter is not a libpq",
            "s3cret",
        );
        refused(
            "postgres://h/d?password=s3&cret",
            "2nd query parameter has no \"=\"",
            "cret",
        );
        refused("postgres://h/d?password=s3=cret", "second \"=\"", "cret");
        refused(
            "postgres://h/d?sslpassword=s3cret&x",
            "2nd query parameter",
            "s3cret",
        );
        refused("postgres://[::1/d", "closing \"]\"", "::1/");
        // a raw @ in the query of a URL with no path: libpq would take the query's start
        // for the user-info (`postgres://h?password=se@cret`: user "h?password=se", host
        // "cret"); refused whole, as is a user-info "?" followed by "="
        for conn in [
            "postgres://h?password=s3@cret",
            "postgres://h:5432?password=s3@cret",
            "postgres://?password=s3@cret",
            "postgres://h1,h2?sslpassword=s3@cret&sslmode=require",
            "postgres://h?sslmode=require&password=s3@cr/et",
            "postgres://u:s3?x=@cret@h/d",
        ] {
            refused(conn, "\"@\" after a \"?\"", "cret");
        }
        parses(
            "postgres://u@h?password=s3@cret",
            &[("user", "u"), ("host", "h"), ("password", "s3@cret")],
        );
        parses(
            "postgres://h/d?password=s3@cr/e?t#",
            &[("host", "h"), ("dbname", "d"), ("password", "s3@cr/e?t#")],
        );
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lobu-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(path: &Path, text: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn precedence_string_service_environment_defaults() {
        let home = temp("precedence");
        write(
            &home.join(".pg_service.conf"),
            "[lobu]\nhost=svc-host\nport=6000\napplication_name=svc\nuser=svc-user\n",
            0o600,
        );
        let env = Env::with(
            &[
                ("PGHOST", "env-host"),
                ("PGAPPNAME", "env"),
                ("PGDATABASE", "env-db"),
                ("PGSERVICE", "lobu"),
                ("PGPORT", "7000"),
            ],
            Some(&home),
            Some("os-user"),
        );
        let info = ConnInfo::from_string("application_name=str", &env).unwrap();
        assert_eq!(info.application_name(), "str");
        assert_eq!(info.targets()[0].host.as_deref(), Some("svc-host"));
        assert_eq!(info.targets()[0].port, 6000);
        assert_eq!(info.user.as_str(), "svc-user");
        assert_eq!(info.dbname.as_str(), "env-db");
        assert_eq!(
            info.settings.source("host"),
            Some(&Source::Service {
                name: "lobu".into(),
                file: home.join(".pg_service.conf")
            })
        );
        assert_eq!(
            info.settings.source("dbname"),
            Some(&Source::Env("PGDATABASE"))
        );
        // an empty value in the string keeps the environment out (libpq: host='' ignores
        // PGHOST; unquoted, `host= user=u` would be host "user=u", blanks after = skipped)
        let info = ConnInfo::from_string(
            "host='' user=u",
            &Env::with(&[("PGHOST", "env-host")], None, None),
        )
        .unwrap();
        assert_eq!(
            info.targets()[0].host.as_deref(),
            Some(default_socket_dir())
        );
        // an empty service, given or in PGSERVICE, is looked for, as libpq (psql: definition
        // of service "" not found)
        for (conn, vars) in [
            ("service='' host=h", &[("PGSERVICE", "lobu")][..]),
            ("host=h", &[("PGSERVICE", "")][..]),
        ] {
            let env = Env::with(vars, Some(&home), Some("u"));
            let e = ConnInfo::from_string(conn, &env).unwrap_err().to_string();
            assert_eq!(e, "definition of service \"\" not found", "{conn}");
        }
        // defaults: the OS user, the database named after the user, port 5432, the socket
        let info = ConnInfo::from_string("", &Env::with(&[], None, Some("os-user"))).unwrap();
        assert_eq!(
            (
                info.user.as_str(),
                info.dbname.as_str(),
                info.targets()[0].port
            ),
            ("os-user", "os-user", 5432)
        );
        assert_eq!(
            info.to_string(),
            format!(
                "database os-user as user os-user on socket {}/.s.PGSQL.5432",
                default_socket_dir()
            )
        );
        assert!(ConnInfo::from_string("", &Env::none())
            .unwrap_err()
            .to_string()
            .contains("PGUSER"));
        // the user file hides the system one; PGSERVICEFILE replaces the user file
        write(
            &home.join("etc/pg_service.conf"),
            "[lobu]\nhost=sys\n[sys]\nhost=sys-only\n",
            0o644,
        );
        let env = Env::with(
            &[("PGSYSCONFDIR", home.join("etc").to_str().unwrap())],
            Some(&home),
            Some("u"),
        );
        assert_eq!(
            ConnInfo::from_string("service=lobu", &env)
                .unwrap()
                .targets()[0]
                .host
                .as_deref(),
            Some("svc-host")
        );
        assert_eq!(
            ConnInfo::from_string("service=sys", &env)
                .unwrap()
                .targets()[0]
                .host
                .as_deref(),
            Some("sys-only")
        );
        let e = ConnInfo::from_string("service=none", &env)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "definition of service \"none\" not found");
        write(&home.join("other.conf"), "[lobu]\nhost=other\n", 0o600);
        let env = Env::with(
            &[("PGSERVICEFILE", home.join("other.conf").to_str().unwrap())],
            Some(&home),
            Some("u"),
        );
        assert_eq!(
            ConnInfo::from_string("service=lobu", &env)
                .unwrap()
                .targets()[0]
                .host
                .as_deref(),
            Some("other")
        );
        let env = Env::with(
            &[("PGSERVICEFILE", "/nonexistent/s.conf")],
            Some(&home),
            Some("u"),
        );
        assert!(ConnInfo::from_string("service=lobu", &env)
            .unwrap_err()
            .to_string()
            .contains("not found"));
        // the service file's syntax, as libpq: no blanks around =, known keys only
        for (text, needle) in [
            ("[lobu]\nhost = x\n", "syntax error in service file"),
            ("[lobu]\nbogus=x\n", "line 2"),
            ("[lobu]\nservice=x\n", "nested service"),
            ("[lobu]\nhost\n", "syntax error"),
        ] {
            write(&home.join("bad.conf"), text, 0o600);
            let env = Env::with(
                &[("PGSERVICEFILE", home.join("bad.conf").to_str().unwrap())],
                None,
                Some("u"),
            );
            let e = ConnInfo::from_string("service=lobu", &env)
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
        // comments, blank lines, trailing blanks, a section whose name only begins alike
        write(
            &home.join("ok.conf"),
            "# x\n[lobux]\nhost=no\n\n  [lobu]  \n host=yes  \r\n#port=1\n[next]\nhost=no\n",
            0o600,
        );
        let env = Env::with(
            &[("PGSERVICEFILE", home.join("ok.conf").to_str().unwrap())],
            None,
            Some("u"),
        );
        let info = ConnInfo::from_string("service=lobu", &env).unwrap();
        assert_eq!(
            (info.targets()[0].host.as_deref(), info.targets()[0].port),
            (Some("yes"), 5432)
        );
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn password_file_lines_as_libpq() {
        let line =
            |text: &str, fields: [&str; 4]| password_for(text.as_bytes(), fields).map(|(_, p)| p);
        let f = ["db.example", "5432", "lobu", "app"];
        assert_eq!(
            line("db.example:5432:lobu:app:pw\n", f).as_deref(),
            Some("pw")
        );
        assert_eq!(line("*:*:*:*:pw", f).as_deref(), Some("pw"));
        assert_eq!(line("*:5432:*:app:pw", f).as_deref(), Some("pw"));
        assert_eq!(
            line("db.example:5433:lobu:app:no\n*:*:lobu:*:yes", f).as_deref(),
            Some("yes")
        );
        assert_eq!(
            line("#*:*:*:*:no\n\n*:*:*:*:yes\r\n", f).as_deref(),
            Some("yes")
        );
        assert_eq!(line(" *:*:*:*:no", f), None);
        assert_eq!(line("db.exampl:5432:lobu:app:no", f), None);
        assert_eq!(line("db.example.org:5432:lobu:app:no", f), None);
        // escapes in the fields and in the password; the password ends at an unescaped ':'
        let f = ["h:1", "5432", "d\\b", "app"];
        assert_eq!(
            line("h\\:1:5432:d\\\\b:app:p\\:w\\\\x:ignored", f).as_deref(),
            Some("p:w\\x")
        );
        // (an unescaped ':' matches a ':' of the value too, as in libpq)
        assert_eq!(line("h:1:5432:d\\\\b:app:pw", f).as_deref(), Some("pw"));
        assert_eq!(line("h\\:1:5432:d\\b:app:pw", f), None);
        // a star only as the whole field
        let f = ["h", "5432", "d", "*x"];
        assert_eq!(line("h:5432:d:*x:pw", f).as_deref(), Some("pw"));
        assert_eq!(line("h:5432:d:\\*x:pw", f).as_deref(), Some("pw"));
        // the line's number; an empty password is the first match's, and ends the search
        let f = ["h", "5432", "d", "u"];
        assert_eq!(
            password_for(b"# c\nx:*:*:*:no\n\n*:*:d:u:pw\n", f),
            Some((4, "pw".into()))
        );
        assert_eq!(
            password_for(b"h:5432:d:u:\n*:*:*:*:later\n", f),
            Some((1, String::new()))
        );
        assert_eq!(password_for(b"h:5432:d:u\n", f), None);
    }

    #[test]
    fn password_file_sources_permissions_and_hosts() {
        let home = temp("pgpass");
        let env = |vars: &[(&str, &str)]| Env::with(vars, Some(&home), Some("app"));
        write(&home.join(".pgpass"), "*:*:*:*:from-home\n", 0o600);
        write(&home.join("env.pgpass"), "*:*:*:*:from-env\n", 0o600);
        write(&home.join("key.pgpass"), "h2:5433:*:*:from-key\n", 0o600);
        let pw = |i: &ConnInfo, t: usize| {
            i.password_of(&i.targets()[t])
                .map(|p| p.expose().to_string())
        };
        let i = ConnInfo::from_string("host=h", &env(&[])).unwrap();
        assert_eq!(pw(&i, 0).as_deref(), Some("from-home"));
        assert_eq!(
            i.password_source(0),
            Some(Source::PasswordFile {
                file: home.join(".pgpass"),
                line: 1
            })
        );
        // an empty password on the first matching line: none sent, no later line read
        write(
            &home.join("empty.pgpass"),
            "h:*:*:*:\n*:*:*:*:later\n",
            0o600,
        );
        let i = ConnInfo::from_string(
            "host=h",
            &env(&[("PGPASSFILE", home.join("empty.pgpass").to_str().unwrap())]),
        )
        .unwrap();
        assert_eq!((pw(&i, 0), i.password_source(0)), (None, None));
        let (attempts, _) = i.attempts().unwrap();
        assert_eq!(attempts[0].1.get_password(), None);
        let i = ConnInfo::from_string(
            "host=h",
            &env(&[("PGPASSFILE", home.join("env.pgpass").to_str().unwrap())]),
        )
        .unwrap();
        assert_eq!(pw(&i, 0).as_deref(), Some("from-env"));
        // per host: the key's file has a line for the second host only
        let conn = format!(
            "host=h1,h2 port=5432,5433 passfile={}",
            home.join("key.pgpass").display()
        );
        let i = ConnInfo::from_string(&conn, &env(&[("PGPASSFILE", "/nonexistent")])).unwrap();
        assert_eq!((pw(&i, 0), pw(&i, 1).as_deref()), (None, Some("from-key")));
        // a password from anywhere else keeps the file closed; an empty one does not
        let i = ConnInfo::from_string("host=h", &env(&[("PGPASSWORD", "from-var")])).unwrap();
        assert_eq!(pw(&i, 0).as_deref(), Some("from-var"));
        assert_eq!(i.password_source(0), Some(Source::Env("PGPASSWORD")));
        let i = ConnInfo::from_string("host=h password=''", &env(&[("PGPASSWORD", "from-var")]))
            .unwrap();
        assert_eq!(pw(&i, 0).as_deref(), Some("from-home"));
        // localhost stands for no host and for the default socket directory
        write(
            &home.join(".pgpass"),
            "localhost:5432:*:*:local\n10.0.0.1:*:*:*:addr\n",
            0o600,
        );
        for conn in ["port=5432", &format!("host={}", default_socket_dir())] {
            let i = ConnInfo::from_string(conn, &env(&[])).unwrap();
            assert_eq!(pw(&i, 0).as_deref(), Some("local"), "{conn}");
        }
        let i = ConnInfo::from_string("hostaddr=10.0.0.1", &env(&[])).unwrap();
        assert_eq!(pw(&i, 0).as_deref(), Some("addr"));
        // group or world access: ignored, with a warning naming the mode; no file: silence
        for mode in [0o640, 0o604, 0o660, 0o644, 0o700 | 0o010] {
            write(&home.join(".pgpass"), "*:*:*:*:loose\n", mode);
            let i = ConnInfo::from_string("host=h", &env(&[])).unwrap();
            assert_eq!(pw(&i, 0), None);
            assert_eq!(i.warnings().len(), 1);
            assert!(
                i.warnings()[0].contains(&format!("(mode {mode:04o})")),
                "{:?}",
                i.warnings()
            );
            assert!(i.warnings()[0].contains(&home.join(".pgpass").display().to_string()));
        }
        // a systemd credential (0440: the group bits are the ACL's mask) in the service's
        // credentials directory is read; the same mode elsewhere is not, nor 0444 there
        write(&home.join("creds/pgpass"), "*:*:*:*:cred\n", 0o440);
        write(&home.join("elsewhere/pgpass"), "*:*:*:*:cred\n", 0o440);
        let creds = home.join("creds");
        let vars = |file: &str| {
            vec![
                ("CREDENTIALS_DIRECTORY", creds.to_str().unwrap().to_string()),
                ("PGPASSFILE", home.join(file).to_str().unwrap().to_string()),
            ]
        };
        let run = |file: &str| {
            let v = vars(file);
            let v: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ConnInfo::from_string("host=h", &env(&v)).unwrap()
        };
        // systemd's credential is root's: only then (a test run as root) is it read
        use std::os::unix::fs::MetadataExt;
        let root = std::fs::metadata(home.join("creds/pgpass")).unwrap().uid() == 0;
        if root {
            let i = run("creds/pgpass");
            assert_eq!(
                (pw(&i, 0).as_deref(), i.warnings().len()),
                (Some("cred"), 0)
            );
            let i = run("creds/../creds/pgpass");
            assert_eq!(pw(&i, 0).as_deref(), Some("cred"));
            // 0440 there, but not root's: anyone's environment may name any directory
            std::os::unix::fs::chown(home.join("creds/pgpass"), Some(65534), None).unwrap();
        }
        let i = run("creds/pgpass");
        assert!(pw(&i, 0).is_none() && i.warnings()[0].contains("(mode 0440)"));
        let i = run("elsewhere/pgpass");
        assert!(pw(&i, 0).is_none() && i.warnings()[0].contains("(mode 0440)"));
        // any other mode with group or others' bits, root's and in the directory: ignored
        for mode in [0o444, 0o640, 0o660, 0o460, 0o450] {
            write(&home.join("creds/pgpass"), "*:*:*:*:cred\n", mode);
            if root {
                std::os::unix::fs::chown(home.join("creds/pgpass"), Some(0), None).unwrap();
            }
            let i = run("creds/pgpass");
            assert!(
                pw(&i, 0).is_none() && i.warnings()[0].contains(&format!("(mode {mode:04o})")),
                "{mode:04o}: {:?}",
                i.warnings()
            );
        }
        std::fs::remove_file(home.join(".pgpass")).unwrap();
        let i = ConnInfo::from_string("host=h", &env(&[])).unwrap();
        assert!(i.warnings().is_empty() && pw(&i, 0).is_none());
        let i = ConnInfo::from_string("host=h", &env(&[("PGPASSFILE", home.to_str().unwrap())]))
            .unwrap();
        assert!(
            i.warnings()[0].contains("not a plain file"),
            "{:?}",
            i.warnings()
        );
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn hosts_ports_and_values_as_libpq() {
        let env = Env::with(&[], None, Some("u"));
        let i = ConnInfo::from_string("host=a,b,/s port=1", &env).unwrap();
        let ports: Vec<u16> = i.targets().iter().map(|t| t.port).collect();
        assert_eq!(ports, [1, 1, 1]);
        assert_eq!(
            i.to_string(),
            "database u as user u on a:1 or b:1 or socket /s/.s.PGSQL.1"
        );
        let i = ConnInfo::from_string("host=a,,[x] hostaddr=10.0.0.1,::1,10.0.0.3 port=1,,3", &env)
            .unwrap();
        assert_eq!(
            i.to_string(),
            "database u as user u on a (10.0.0.1:1) or [::1]:5432 or [x] (10.0.0.3:3)"
        );
        // IPv6 in brackets wherever a host is named, its port outside them
        for (conn, shown) in [
            ("host=::1 port=7", "[::1]:7"),
            ("hostaddr=::1 port=7", "[::1]:7"),
            ("host=db hostaddr=fe80::1 port=7", "db ([fe80::1]:7)"),
            ("host=::1,127.0.0.1 port=7", "[::1]:7 or 127.0.0.1:7"),
            // a name with ":" is no address: not bracketed as one
            ("host=db:x port=7", "db:x:7"),
            (
                "postgres://[::1]:7,[2001:db8::2]:8/d",
                "[::1]:7 or [2001:db8::2]:8",
            ),
        ] {
            let i = ConnInfo::from_string(conn, &env).unwrap();
            assert!(
                i.to_string().ends_with(&format!(" on {shown}")),
                "{conn}: {i}"
            );
        }
        let i = ConnInfo::from_string("postgres://[::1]:7/d", &env).unwrap();
        assert_eq!(i.to_string(), "database d as user u on [::1]:7");
        for (conn, needle) in [
            (
                "host=a,b port=1,2,3",
                "could not match 3 port numbers to 2 hosts",
            ),
            (
                "host=a,b hostaddr=10.0.0.1",
                "could not match 2 host names to 1 hostaddr values",
            ),
            (
                "hostaddr=db.example",
                "invalid hostaddr (from the connection string)",
            ),
            ("port=0", "invalid port"),
            ("port=65536", "invalid port"),
            ("port=5432x", "invalid port"),
            (
                "sslmode=sometimes",
                "invalid sslmode (from the connection string)",
            ),
            ("connect_timeout=soon", "invalid connect_timeout"),
            ("keepalives_idle=soon", "invalid keepalives_idle"),
            (
                "target_session_attrs=primary",
                "target_session_attrs (from the connection string) is not supported",
            ),
            (
                "sslcrl=/x",
                "sslcrl (from the connection string) is not supported",
            ),
            ("require_auth=scram-sha-256", "require_auth"),
            ("client_encoding=LATIN1", "client_encoding"),
            ("gssencmode=require", "gssencmode"),
            ("load_balance_hosts=yes", "invalid load_balance_hosts"),
            (
                "dbname='host=h password=s3cret'",
                "dbname (from the connection string) looks like a connection string",
            ),
            (
                "dbname=postgresql://u:s3cret@h/d",
                "looks like a connection string",
            ),
            ("sslrootcert=system sslmode=require", "verify-full"),
        ] {
            let e = ConnInfo::from_string(conn, &env).unwrap_err().to_string();
            assert!(e.contains(needle), "{conn}: {e}");
        }
        let e = ConnInfo::from_string(
            "postgres://h/?dbname=postgres://u:s3cret@h/d",
            &Env::with(&[], None, Some("u")),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("looks like a connection string") && !e.contains("s3cret"),
            "{e}"
        );
        let e = ConnInfo::from_string(
            "",
            &Env::with(&[("PGDATABASE", "host=h password=s3cret")], None, Some("u")),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("dbname (from PGDATABASE) looks like") && !e.contains("s3cret"),
            "{e}"
        );
        let e = ConnInfo::from_string("", &Env::with(&[("PGPORT", "x5")], None, Some("u")))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid port (from PGPORT): must be a number from 1 to 65535"
        );
        // connect_timeout: libpq's meaning when given, five seconds when not
        for (conn, expected) in [
            ("", Some(5)),
            ("connect_timeout=0", None),
            ("connect_timeout=-3", None),
            ("connect_timeout=1", Some(2)),
            ("connect_timeout= 7 ", Some(7)),
        ] {
            let i = ConnInfo::from_string(conn, &env).unwrap();
            assert_eq!(
                i.connect_timeout,
                expected.map(Duration::from_secs),
                "{conn}"
            );
        }
        // harmless known keys are accepted; sslpassword too (an encrypted key is refused
        // where it is read)
        ConnInfo::from_string("krbsrvname=x gsslib=gssapi gssdelegation=0 sslcompression=1 sslpassword=x replication=false client_encoding=UTF8 gssencmode=prefer", &env).unwrap();
    }

    #[test]
    fn the_driver_gets_each_host_with_its_password_and_no_tls_on_sockets() {
        let env = Env::with(&[("PGPASSWORD", "pw"), ("PGAPPNAME", "x")], None, Some("u"));
        let i = ConnInfo::from_string(
            "host=/sock,h port=1,2 sslmode=require dbname=d options='-c a=b'",
            &env,
        )
        .unwrap();
        let (attempts, _) = i.attempts().unwrap();
        assert_eq!(attempts.len(), 2);
        let (_, sock) = &attempts[0];
        assert_eq!(sock.get_ssl_mode(), postgres::config::SslMode::Disable);
        assert_eq!(sock.get_ports(), [1]);
        let (_, tcp) = &attempts[1];
        assert_eq!(tcp.get_ssl_mode(), postgres::config::SslMode::Require);
        assert_eq!(tcp.get_password(), Some(&b"pw"[..]));
        assert_eq!(
            (tcp.get_user(), tcp.get_dbname(), tcp.get_application_name()),
            (Some("u"), Some("d"), Some("x"))
        );
        assert_eq!(tcp.get_options(), Some("-c a=b"));
        assert_eq!(tcp.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        let all = i.config().unwrap();
        assert_eq!((all.get_hosts().len(), all.get_ports()), (2, &[1, 2][..]));
        // hostaddr with a socket directory for host: TCP to the address, with TLS (libpq)
        let i =
            ConnInfo::from_string("host=/sock hostaddr=127.0.0.1 sslmode=require", &env).unwrap();
        let (attempts, _) = i.attempts().unwrap();
        let c = &attempts[0].1;
        assert_eq!(c.get_ssl_mode(), postgres::config::SslMode::Require);
        assert_eq!(
            c.get_hosts(),
            [postgres::config::Host::Tcp("127.0.0.1".into())]
        );
        assert_eq!(c.get_hostaddrs(), ["127.0.0.1".parse::<IpAddr>().unwrap()]);
        assert_eq!(
            i.to_string(),
            "database u as user u on /sock (127.0.0.1:5432)"
        );
        // fallback_application_name, then this tool's name
        let i = ConnInfo::from_string(
            "fallback_application_name=fb",
            &Env::with(&[], None, Some("u")),
        )
        .unwrap();
        assert_eq!(i.application_name(), "fb");
        assert_eq!(
            ConnInfo::from_string("", &Env::with(&[], None, Some("u")))
                .unwrap()
                .application_name(),
            "lobu-admin"
        );
    }

    #[test]
    fn nothing_shows_a_secret() {
        let env = Env::with(&[("PGPASSWORD", "env-s3cret")], None, Some("u"));
        let i = ConnInfo::from_string("postgres://u:url-s3cret@h/d?sslpassword=ssl-s3cret", &env)
            .unwrap();
        for text in [
            i.to_string(),
            format!("{i:?}"),
            format!("{:?}", i.settings),
            i.details(),
        ] {
            assert!(!text.contains("s3cret"), "{text}");
        }
        assert_eq!(
            i.details(),
            "password from the connection string, sslmode prefer, application_name lobu-admin"
        );
        // where each host's password comes from: PGPASSWORD, a service, each host's line of
        // the password file, an empty line
        let i = ConnInfo::from_string("host=a,b", &env).unwrap();
        assert!(i.details().starts_with("password from PGPASSWORD, sslmode"));
        let home = temp("details");
        write(
            &home.join(".pg_service.conf"),
            "[s]\npassword=svc-s3cret\n",
            0o600,
        );
        write(
            &home.join(".pgpass"),
            "a:*:*:*:pf-s3cret\nb:*:*:*:\n*:5433:*:*:pf-s3cret\n",
            0o600,
        );
        let env = Env::with(&[], Some(&home), Some("u"));
        let i = ConnInfo::from_string("service=s host=a,b", &env).unwrap();
        assert!(
            i.details().starts_with(&format!(
                "password from service \"s\" in {}, sslmode",
                home.join(".pg_service.conf").display()
            )),
            "{}",
            i.details()
        );
        let i = ConnInfo::from_string("host=a,b,c port=5432,5432,5433", &env).unwrap();
        let file = home.join(".pgpass").display().to_string();
        assert_eq!(
            i.details(),
            format!(
                "for a:5432 password from line 1 of the password file {file}, for b:5432 no \
                 password (line 2 of the password file {file} has an empty one), for c:5433 \
                 password from line 3 of the password file {file}, sslmode prefer, \
                 application_name lobu-admin"
            )
        );
        assert!(!i.details().contains("s3cret"));
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn a_value_that_holds_another_key_is_refused_unseen() {
        let env = Env::with(&[], None, Some("u"));
        for (conn, needle) in [
            ("host= password=Zq9Secr3t port=5452 user=app dbname=lobu", "invalid connection string: the value of host looks like another key=value pair (not shown): an empty value before it"),
            ("service= password=Zq9Secr3t host=h", "the value of service"),
            ("servicefile= password=Zq9Secr3t service=s", "the value of servicefile"),
            ("host=h user= password=Zq9Secr3t dbname=d", "the value of user looks like"),
            ("host=h bogus= password=Zq9Secr3t", "the value of the 2nd key looks like"),
            ("host=h application_name='x password=Zq9Secr3t'", "the value of application_name (from the connection string) looks like another key=value pair"),
            ("host=h application_name= password=Zq9Secr3t", "the value of application_name"),
            ("host=h sslrootcert= password=Zq9Secr3t", "the value of sslrootcert"),
            ("host=h options= password=Zq9Secr3t", "the value of options"),
            ("host=h passfile= password=Zq9Secr3t", "the value of passfile"),
            ("host=postgres://app:Zq9Secr3t@h:5452/lobu dbname=d", "host (from the connection string) looks like a connection string"),
            ("host='h password=Zq9Secr3t' dbname=d", "host (from the connection string) looks like"),
            ("host=app:Zq9Secr3t@h dbname=d", "host (from the connection string) looks like"),
            ("hostaddr=postgres://app:Zq9Secr3t@h dbname=d", "hostaddr (from the connection string) looks like"),
            ("host=h user=postgres://app:Zq9Secr3t@h/lobu", "user (from the connection string) looks like a connection string"),
        ] {
            let e = ConnInfo::from_string(conn, &env).unwrap_err();
            assert_eq!(e.kind(), crate::error::ErrorKind::InvalidInput, "{conn}");
            let e = e.to_string();
            assert!(e.contains(needle) && !e.contains("Secr3t"), "{conn}: {e}");
        }
        for (var, value, needle) in [
            (
                "PGHOST",
                "postgres://app:Zq9Secr3t@h/lobu",
                "host (from PGHOST)",
            ),
            (
                "PGUSER",
                "postgres://app:Zq9Secr3t@h/lobu",
                "user (from PGUSER)",
            ),
            (
                "PGSERVICE",
                "password=Zq9Secr3t",
                "the value of service (from PGSERVICE)",
            ),
            (
                "PGAPPNAME",
                "x password=Zq9Secr3t",
                "the value of application_name (from PGAPPNAME)",
            ),
        ] {
            let env = Env::with(&[(var, value)], None, Some("u"));
            let e = ConnInfo::from_string("", &env).unwrap_err().to_string();
            assert!(e.contains(needle) && !e.contains("Secr3t"), "{var}: {e}");
        }
        // what a value may hold: options' -c pairs, a user's "@", a password's "="
        let i = ConnInfo::from_string(
            "host=h user=me@server options='-c search_path=a -c work_mem=4MB' password=a=b",
            &env,
        )
        .unwrap();
        assert_eq!(i.user, "me@server");
    }

    #[test]
    fn no_suggestion_from_a_word_after_a_password() {
        let env = Env::with(&[], None, Some("u"));
        for conn in [
            "host=h password=Zq9 pasword=x",
            "host=h sslpassword=Zq9 pasword=x",
            "postgres://h/d?password=Zq9&pasword=x",
        ] {
            let e = ConnInfo::from_string(conn, &env).unwrap_err().to_string();
            assert!(
                e.ends_with("is not a libpq connection option"),
                "{conn}: {e}"
            );
        }
        let e = ConnInfo::from_string("host=h pasword=x", &env)
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("(did you mean password?)"), "{e}");
    }

    #[test]
    fn scrub_hides_every_secret_of_the_settings() {
        let home = temp("scrub");
        write(&home.join(".pgpass"), "b:*:*:*:Pf7File\n", 0o600);
        // libpq has no variable for sslpassword: a PGSSLPASSWORD is not read (built at run
        // time so that the man page test, which collects the variables read, skips it)
        let not_libpqs = format!("PG{}", "SSLPASSWORD");
        let env = Env::with(&[(not_libpqs.as_str(), "unused")], Some(&home), Some("u"));
        let i = ConnInfo::from_string("host=a,b sslpassword=Ssl6Pw", &env).unwrap();
        assert_eq!(i.scrub("x Ssl6Pw y Pf7File z"), "x *** y *** z");
        let env = Env::with(&[("PGPASSWORD", "Env5Pw")], None, Some("u"));
        let i = ConnInfo::from_string("host=h", &env).unwrap();
        assert_eq!(i.scrub("password=Env5Pw"), "password=***");
        let i = ConnInfo::from_string("host=h password='Str4Pw' sslpassword=Str4", &env).unwrap();
        assert_eq!(i.scrub("Str4Pw and Str4"), "*** and ***");
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn a_variable_that_is_not_utf8_is_named_never_skipped() {
        use std::os::unix::ffi::OsStringExt;
        let get = |name: &str| match name {
            "PGHOST" => Some("h".into()),
            "PGPASSWORD" => Some(std::ffi::OsString::from_vec(b"s3cr\xffet".to_vec())),
            _ => None,
        };
        let e = pg_vars(get).unwrap_err();
        let message = e.to_string();
        assert_eq!(e.kind().exit_code(), 2);
        assert_eq!(
            message,
            "the environment variable PGPASSWORD is not valid UTF-8 (its value is not shown)"
        );
        let get = |name: &str| (name == "PGSYSCONFDIR").then(|| "/etc/x".into());
        assert_eq!(
            pg_vars(get)
                .unwrap()
                .get("PGSYSCONFDIR")
                .map(String::as_str),
            Some("/etc/x")
        );
    }

    #[test]
    fn tls_files_come_from_the_same_home_as_the_password_file() {
        let home = temp("tls-home");
        write(
            &home.join(".postgresql/root.crt"),
            "not a certificate\n",
            0o600,
        );
        let env = Env::with(&[], Some(&home), Some("u"));
        let e = ConnInfo::from_string("host=h sslmode=verify-ca", &env)
            .unwrap()
            .attempts()
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains(&home.join(".postgresql/root.crt").display().to_string()),
            "{e}"
        );
        // no home (the embedded database): no ~/.postgresql at all, whatever HOME says
        let e = ConnInfo::from_string("host=h sslmode=verify-ca", &Env::with(&[], None, Some("u")))
            .unwrap()
            .attempts()
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("~/.postgresql/root.crt (no home directory is known) does not exist"),
            "{e}"
        );
        // a client certificate there is offered; none there is none (and under require, a
        // root.crt there would be verified against, as libpq)
        std::fs::remove_file(home.join(".postgresql/root.crt")).unwrap();
        // verify-full with none there names the file looked for, in the real home
        let e = ConnInfo::from_string("host=h sslmode=verify-full", &env)
            .unwrap()
            .attempts()
            .err()
            .unwrap()
            .to_string();
        let file = home.join(".postgresql/root.crt").display().to_string();
        assert!(e.contains(&format!("and {file} does not exist")), "{e}");
        let i = ConnInfo::from_string("host=h sslmode=require", &env).unwrap();
        i.attempts().unwrap();
        write(
            &home.join(".postgresql/postgresql.crt"),
            "not a certificate\n",
            0o600,
        );
        let e = i.attempts().err().unwrap().to_string();
        assert!(e.contains("sslcert"), "{e}");
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .iter()
            .map(|n| nth(*n))
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }
}
