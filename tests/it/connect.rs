//! Connecting the way PostgreSQL's own tools do (SPEC 15), on a private cluster whose TCP
//! connections authenticate with SCRAM-SHA-256 passwords and which logs every connection
//! (user, database, `application_name`, TLS): every source of every setting (a URL, a
//! key=value string, the environment, the service files, the password files), libpq's
//! precedence between them, the password file's format and permission rule; and no
//! spelling of a secret that libpq accepts (or that a user might mistype) ever reaching
//! stdout, stderr, a loop event or the `/healthz` body.
//!
//! Every client runs with `HOME` (and so `~/.pgpass`, `~/.pg_service.conf`) in a
//! directory of its own, every `PG*` variable of the test's environment removed, and the
//! embedded database made impossible to start, so nothing here touches the real home.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::cli::Cli;
use crate::support::cluster::Cluster;
use crate::support::pki::Pki;
use crate::support::{bare, parallel};

/// Every variable libpq reads (and this tool's own), removed from each client's environment
/// before a case sets its own.
const CLEARED: &[&str] = &[
    "DATABASE_URL",
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGDATABASE",
    "PGUSER",
    "PGPASSWORD",
    "PGPASSFILE",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGSYSCONFDIR",
    "PGSSLMODE",
    "PGSSLROOTCERT",
    "PGSSLCERT",
    "PGSSLKEY",
    "PGAPPNAME",
    "PGCONNECT_TIMEOUT",
    "PGTARGETSESSIONATTRS",
    "PGOPTIONS",
    "PGCHANNELBINDING",
    "PGCLIENTENCODING",
    "PGSSLCRL",
    "PGSSLCRLDIR",
    "PGSSLSNI",
    "PGREQUIRESSL",
    "PGGSSENCMODE",
    "PGREQUIREAUTH",
    "PGLOADBALANCEHOSTS",
    "PGSSLNEGOTIATION",
    "PGSSLCERTMODE",
    "PGREQUIREPEER",
    "PGKRBSRVNAME",
    "PGGSSLIB",
    "PGSSLMINPROTOCOLVERSION",
    "PGSSLMAXPROTOCOLVERSION",
    "PGGSSDELEGATION",
    "PGTZ",
    "PGDATESTYLE",
    "PGGEQO",
    "LOBU_DEVICE_TOKEN",
    "CREDENTIALS_DIRECTORY",
];

/// The password of role `app`.
const PW: &str = "Scram-7Qx2";

/// The SCRAM cluster: role `app` (password [`PW`]) and role `certuser` (client certificate
/// only), database `lobu` migrated, database `ro` migrated and read-only by default; TLS on
/// with a certificate for localhost/127.0.0.1 from a CA whose file the clients get.
struct Server {
    cluster: Cluster,
    /// The CA's certificate, a CA that signed nothing here, a client certificate and key.
    ca: String,
    other_ca: String,
    client_crt: String,
    client_key: String,
    /// A port where nothing listens: 1, below the ephemeral range, so that no server or
    /// metrics endpoint of a test running alongside (which all take ports the kernel hands
    /// out) can be listening there by the time a client tries it.
    closed: u16,
}

impl Server {
    fn start(kind: &str) -> Self {
        let cluster = Cluster::init_scram(kind);
        let pki = Pki::new("lobu connect CA");
        let (crt, key) = pki.issue("localhost", &["localhost", "127.0.0.1"], false);
        cluster.put("server.crt", &crt);
        cluster.put("server.key", &key);
        cluster.put("root.crt", &pki.ca_pem);
        cluster.conf(
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
             ssl_ca_file = 'root.crt'\n",
        );
        cluster.hba(
            "local all all trust\n\
             hostssl all certuser 127.0.0.1/32 cert\n\
             host all all 127.0.0.1/32 scram-sha-256\n",
        );
        cluster.start();
        cluster.migrated_db("lobu");
        cluster.migrated_db("ro");
        cluster
            .admin("postgres")
            .batch_execute(&format!(
                "CREATE ROLE app LOGIN SUPERUSER PASSWORD '{PW}';
                 CREATE ROLE app2 LOGIN SUPERUSER PASSWORD 'a:b\\c';
                 CREATE ROLE certuser LOGIN;
                 GRANT pg_read_all_data, pg_write_all_data TO certuser;
                 ALTER DATABASE ro SET default_transaction_read_only = on;"
            ))
            .unwrap();
        let files = cluster.dir.join("client");
        std::fs::create_dir_all(&files).unwrap();
        let write = |name: &str, text: &str| {
            let path = files.join(name);
            std::fs::write(&path, text).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            path.display().to_string()
        };
        let (client_crt, client_key) = pki.issue("certuser", &[], false);
        Self {
            ca: write("ca.pem", &pki.ca_pem),
            other_ca: write("other-ca.pem", &Pki::new("someone else").ca_pem),
            client_crt: write("client.crt", &client_crt),
            client_key: write("client.key", &client_key),
            closed: 1,
            cluster,
        }
    }

    fn port(&self) -> u16 {
        self.cluster.port
    }

    /// The log lines of connections that arrived with `application_name=name`.
    fn connections_named(&self, name: &str) -> Vec<String> {
        let needle = format!("application_name={name}");
        self.cluster
            .log()
            .lines()
            .filter(|l| {
                l.contains("connection authorized") && l.split_whitespace().any(|w| w == needle)
            })
            .map(str::to_string)
            .collect()
    }
}

/// A private home directory for client runs (`HOME`, the embedded database's home), with
/// the files a case writes there; removed on drop.
struct Home {
    dir: PathBuf,
}

impl Home {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "lobu-it-home-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    /// Writes `rel` (creating its directory) with `mode`; its path.
    fn file(&self, rel: &str, text: &str, mode: u32) -> String {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path.display().to_string()
    }

    fn path(&self, rel: &str) -> String {
        self.dir.join(rel).display().to_string()
    }

    /// `lobu-admin` with this home, a clean environment, and no embedded database possible.
    fn cli(&self) -> Cli {
        let mut c = bare();
        for var in CLEARED {
            c = c.env_remove(var);
        }
        c.env("HOME", &self.path(""))
            .env("LOBU_ADMIN_HOME", &self.path("lobu-admin"))
            .env("LOBU_PG_BIN", &self.path("no-postgres-here"))
    }

    /// A `Command` for `lobu-admin` with the same environment as [`Home::cli`].
    fn command(&self) -> Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("lobu-admin"));
        for var in CLEARED {
            c.env_remove(var);
        }
        c.env("HOME", self.path(""))
            .env("LOBU_ADMIN_HOME", self.path("lobu-admin"))
            .env("LOBU_PG_BIN", self.path("no-postgres-here"))
            .env("NO_COLOR", "1");
        c
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a case expects.
#[derive(Clone, Debug)]
enum Expect {
    /// Exit 0.
    Ok,
    /// Exit 0, and the server logged a connection named `app`, with TLS or without.
    Named { app: String, tls: Option<bool> },
    /// This exit code, and this text in stderr.
    Fails(i32, String),
    /// Exit 0, this text in stderr (`-v`'s line), and no password there.
    Says(String),
}

/// One source of one setting.
struct Case {
    source: &'static str,
    setting: &'static str,
    /// The connection string (`DATABASE_URL`), if any.
    conn: Option<String>,
    env: Vec<(&'static str, String)>,
    /// Files written into the case's home: (path under it, text, mode).
    files: Vec<(&'static str, String, u32)>,
    expect: Expect,
}

fn case(source: &'static str, setting: &'static str, conn: Option<String>, expect: Expect) -> Case {
    Case {
        source,
        setting,
        conn,
        env: Vec::new(),
        files: Vec::new(),
        expect,
    }
}

impl Case {
    fn env(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.env.push((k, v.into()));
        self
    }

    fn file(mut self, rel: &'static str, text: impl Into<String>, mode: u32) -> Self {
        self.files.push((rel, text.into(), mode));
        self
    }

    /// The `PG*` variables of a complete TCP connection as `app` to `lobu`.
    fn env_all(self, port: u16) -> Self {
        self.env("PGHOST", "127.0.0.1")
            .env("PGPORT", port.to_string())
            .env("PGUSER", "app")
            .env("PGDATABASE", "lobu")
            .env("PGPASSWORD", PW)
    }
}

fn named(app: &str, tls: Option<bool>) -> Expect {
    Expect::Named {
        app: app.to_string(),
        tls,
    }
}

fn says(needle: &str) -> Expect {
    Expect::Says(needle.to_string())
}

fn fails(code: i32, needle: &str) -> Expect {
    Expect::Fails(code, needle.to_string())
}

/// Runs `org list` for the case (in a home of its own) and says what went wrong, if
/// anything.
fn check(s: &Server, c: &Case) -> std::result::Result<(), String> {
    let home = Home::new();
    let mut cli = home.cli();
    for (rel, text, mode) in &c.files {
        home.file(rel, &text.replace("$HOME", &home.path("")), *mode);
    }
    for (k, v) in &c.env {
        cli = cli.env(k, &v.replace("$HOME", &home.path("")));
    }
    if let Some(conn) = &c.conn {
        cli = cli.env("DATABASE_URL", &conn.replace("$HOME", &home.path("")));
    }
    let r = cli.args(["-v", "org", "list"]).run();
    let said = || format!("exit {}: {}", r.code, r.stderr.trim());
    match &c.expect {
        Expect::Ok if r.code == 0 => Ok(()),
        Expect::Named { app, tls } if r.code == 0 => {
            let lines = s.connections_named(app);
            match (lines.last(), tls) {
                (None, _) => Err(format!("no connection named {app} in the server's log")),
                (Some(l), Some(t)) if l.contains("SSL enabled") != *t => {
                    Err(format!("expected TLS {t}: {l}"))
                }
                _ => Ok(()),
            }
        }
        Expect::Fails(code, needle)
            if r.code == *code
                && r.stderr.contains(needle.as_str())
                && !format!("{}{}", r.stdout, r.stderr).contains(PW) =>
        {
            Ok(())
        }
        Expect::Says(needle)
            if r.code == 0 && r.stderr.contains(needle.as_str()) && !r.stderr.contains(PW) =>
        {
            Ok(())
        }
        Expect::Says(needle) => Err(format!("expected exit 0 saying {needle:?}; got {}", said())),
        Expect::Fails(code, needle) => Err(format!(
            "expected exit {code} with {needle:?}; got {}",
            said()
        )),
        _ => Err(format!("expected exit 0; got {}", said())),
    }
}

#[allow(clippy::too_many_lines)]
fn sources(s: &Server) -> Vec<Case> {
    let p = s.port();
    let closed = s.closed;
    let (ca, other) = (&s.ca, &s.other_ca);
    let url = format!("postgres://app:{PW}@127.0.0.1:{p}/lobu");
    let kv = format!("host=127.0.0.1 port={p} user=app password={PW} dbname=lobu");
    let exact = format!("127.0.0.1:{p}:lobu:app:{PW}\n");
    let service = |extra: &str| {
        format!("# a comment\n[other]\nhost=nowhere.invalid\n\n[lobu]\nhost=127.0.0.1\nport={p}\nuser=app\npassword={PW}\ndbname=lobu\n{extra}")
    };
    let ok = || Expect::Ok;
    vec![
        // a URL
        case("URL", "host, port, user, password, dbname", Some(url.clone()), ok()),
        case("URL", "application_name", Some(format!("{url}?application_name=u-app")), named("u-app", None)),
        case("URL", "sslmode=require", Some(format!("{url}?sslmode=require&application_name=u-tls")), named("u-tls", Some(true))),
        case("URL", "sslmode=disable", Some(format!("{url}?sslmode=disable&application_name=u-plain")), named("u-plain", Some(false))),
        case("URL", "sslrootcert", Some(format!("postgres://app:{PW}@localhost:{p}/lobu?sslmode=verify-full&sslrootcert={ca}")), ok()),
        case("URL", "sslrootcert", Some(format!("postgres://app:{PW}@localhost:{p}/lobu?sslmode=verify-full&sslrootcert={other}")), fails(6, "failed verification")),
        case("URL", "sslcert, sslkey", Some(format!("postgres://certuser@localhost:{p}/lobu?sslmode=verify-full&sslrootcert={ca}&sslcert={}&sslkey={}", s.client_crt, s.client_key)), ok()),
        case("URL", "sslcert missing: no client certificate, as libpq", Some(format!("{url}?sslmode=require&sslcert=$HOME/missing.crt&sslkey=$HOME/missing.key&application_name=u-nocert")), named("u-nocert", Some(true))),
        case("URL", "hostaddr", Some(format!("postgres://app:{PW}@db.invalid:{p}/lobu?hostaddr=127.0.0.1")), ok()),
        case("URL", "target_session_attrs", Some(format!("postgres://app:{PW}@127.0.0.1:{p}/ro?target_session_attrs=read-write")), fails(6, "accepts writes")),
        case("URL", "multi-host", Some(format!("postgres://app:{PW}@127.0.0.1:{closed},127.0.0.1:{p}/lobu")), ok()),
        case("URL", "service", Some("postgres://?service=lobu".into()), ok()).file(".pg_service.conf", service(""), 0o600),
        case("URL", "passfile", Some(format!("postgres://app@127.0.0.1:{p}/lobu?passfile=$HOME/pw.txt")), ok()).file("pw.txt", exact.clone(), 0o600),
        case("URL", "connect_timeout", Some(format!("{url}?connect_timeout=soon")), fails(2, "connect_timeout")),
        case("URL", "password (query beats user-info)", Some(format!("postgres://app:wrong@127.0.0.1:{p}/lobu?password={PW}")), ok()),
        // a key=value string
        case("key=value", "host, port, user, password, dbname", Some(kv.clone()), ok()),
        case("key=value", "application_name", Some(format!("{kv} application_name = 'k app'")), named("k", None)),
        case("key=value", "sslmode=require", Some(format!("{kv} sslmode=require application_name=k-tls")), named("k-tls", Some(true))),
        case("key=value", "sslmode=disable", Some(format!("{kv} sslmode=disable application_name=k-plain")), named("k-plain", Some(false))),
        case("key=value", "sslrootcert", Some(format!("host=localhost port={p} user=app password={PW} dbname=lobu sslmode=verify-full sslrootcert='{ca}'")), ok()),
        case("key=value", "hostaddr", Some(format!("host=db.invalid hostaddr=127.0.0.1 port={p} user=app password={PW} dbname=lobu")), ok()),
        case("key=value", "hostaddr with a socket directory for host: TCP, with TLS", Some(format!("host=/tmp hostaddr=127.0.0.1 port={p} user=app password={PW} dbname=lobu sslmode=require application_name=k-sock-tls")), named("k-sock-tls", Some(true))),
        case("key=value", "target_session_attrs", Some(format!("host=127.0.0.1 port={p} user=app password={PW} dbname=ro target_session_attrs=read-write")), fails(6, "accepts writes")),
        case("key=value", "multi-host", Some(format!("host=127.0.0.1,127.0.0.1 port={closed},{p} user=app password={PW} dbname=lobu")), ok()),
        case("key=value", "service", Some("service=lobu".into()), ok()).file(".pg_service.conf", service(""), 0o600),
        case("key=value", "passfile", Some(format!("host=127.0.0.1 port={p} user=app dbname=lobu passfile='$HOME/pw file'")), ok()).file("pw file", exact.clone(), 0o600),
        case("key=value", "passfile: a systemd credential (0400, spaces in the path)", Some(format!("host=127.0.0.1,127.0.0.1 port={closed},{p} dbname=lobu user=app target_session_attrs=read-write passfile='$HOME/credentials dir/pgpass'")), ok()).file("credentials dir/pgpass", format!("*:{p}:lobu:app:{PW}\n"), 0o400),
        case("key=value", "passfile: a systemd 254+ credential (0440, ACL mask) in CREDENTIALS_DIRECTORY", Some(format!("host=127.0.0.1 port={p} dbname=lobu user=app passfile='$HOME/run/credentials/lobu.service/pgpass'")), ok()).env("CREDENTIALS_DIRECTORY", "$HOME/run/credentials/lobu.service").file("run/credentials/lobu.service/pgpass", exact.clone(), 0o440),
        case("key=value", "passfile: 0440 outside CREDENTIALS_DIRECTORY is ignored", Some(format!("host=127.0.0.1 port={p} dbname=lobu user=app passfile='$HOME/pgpass'")), fails(6, "(mode 0440)")).env("CREDENTIALS_DIRECTORY", "$HOME/run/credentials/lobu.service").file("pgpass", exact.clone(), 0o440),
        case("key=value", "passfile: 0640 in CREDENTIALS_DIRECTORY is ignored", Some(format!("host=127.0.0.1 port={p} dbname=lobu user=app passfile='$HOME/creds/pgpass'")), fails(6, "(mode 0640)")).env("CREDENTIALS_DIRECTORY", "$HOME/creds").file("creds/pgpass", exact.clone(), 0o640),
        case("key=value", "passfile: 0444 in CREDENTIALS_DIRECTORY is ignored", Some(format!("host=127.0.0.1 port={p} dbname=lobu user=app passfile='$HOME/creds/pgpass'")), fails(6, "(mode 0444)")).env("CREDENTIALS_DIRECTORY", "$HOME/creds").file("creds/pgpass", exact.clone(), 0o444),
        case("key=value", "password (the last one wins)", Some(format!("{kv} password=wrong password={PW}")), ok()),
        // the environment, with no connection string
        case("environment", "PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE", None, ok()).env_all(p),
        case("environment", "PGHOSTADDR", None, ok()).env_all(p).env("PGHOST", "").env("PGHOSTADDR", "127.0.0.1"),
        case("environment", "PGAPPNAME", None, named("e-app", None)).env_all(p).env("PGAPPNAME", "e-app"),
        case("environment", "PGSSLMODE=require", None, named("e-tls", Some(true))).env_all(p).env("PGAPPNAME", "e-tls").env("PGSSLMODE", "require"),
        case("environment", "PGSSLMODE=disable", None, named("e-plain", Some(false))).env_all(p).env("PGAPPNAME", "e-plain").env("PGSSLMODE", "disable"),
        case("environment", "PGSSLROOTCERT", None, ok()).env_all(p).env("PGHOST", "localhost").env("PGSSLMODE", "verify-full").env("PGSSLROOTCERT", ca.clone()),
        case("environment", "PGSSLROOTCERT", None, fails(6, "failed verification")).env_all(p).env("PGHOST", "localhost").env("PGSSLMODE", "verify-full").env("PGSSLROOTCERT", other.clone()),
        case("environment", "PGSSLCERT PGSSLKEY", None, ok()).env_all(p).env("PGHOST", "localhost").env("PGUSER", "certuser").env("PGSSLMODE", "verify-full").env("PGSSLROOTCERT", ca.clone()).env("PGSSLCERT", s.client_crt.clone()).env("PGSSLKEY", s.client_key.clone()),
        case("environment", "PGTARGETSESSIONATTRS", None, fails(6, "accepts writes")).env_all(p).env("PGDATABASE", "ro").env("PGTARGETSESSIONATTRS", "read-write"),
        case("environment", "PGCONNECT_TIMEOUT", None, fails(2, "PGCONNECT_TIMEOUT")).env_all(p).env("PGCONNECT_TIMEOUT", "soon"),
        case("environment", "PGDATABASE that is a connection string: refused", None, fails(2, "dbname (from PGDATABASE) looks like a connection string")).env_all(p).env("PGDATABASE", format!("host=127.0.0.1 password={PW}")),
        case("environment", "PGHOST that is a connection string: refused", None, fails(2, "host (from PGHOST) looks like a connection string")).env_all(p).env("PGHOST", url.clone()),
        case("environment", "PGUSER that is a connection string (dbname defaults to it): refused", None, fails(2, "user (from PGUSER) looks like a connection string")).env_all(p).env("PGUSER", url.clone()).env("PGDATABASE", ""),
        case("environment", "PGHOST set but empty: libpq's default socket, not the embedded database", None, fails(6, &format!("/.s.PGSQL.{p}"))).env_all(p).env("PGHOST", ""),
        case("environment", "PGSERVICE set but empty: looked for, as libpq", None, fails(2, "definition of service \"\" not found")).env_all(p).env("PGSERVICE", ""),
        case("environment", "-v: PGPASSWORD", None, says("password from PGPASSWORD, sslmode prefer")).env_all(p),
        case("environment", "PGSERVICE", None, ok()).env("PGSERVICE", "lobu").file(".pg_service.conf", service(""), 0o600),
        case("environment", "PGSERVICEFILE", None, ok()).env("PGSERVICE", "lobu").env("PGSERVICEFILE", "$HOME/conf/services").file("conf/services", service(""), 0o600),
        case("environment", "PGSYSCONFDIR", None, ok()).env("PGSERVICE", "lobu").env("PGSYSCONFDIR", "$HOME/etc").file("etc/pg_service.conf", service(""), 0o644),
        case("environment", "PGPASSFILE", None, ok()).env_all(p).env("PGPASSWORD", "").env("PGPASSFILE", "$HOME/alt.pgpass").file("alt.pgpass", exact.clone(), 0o600),
        case("environment", "postgres:///lobu completed by PG*", Some("postgres:///lobu".into()), ok()).env_all(p).env("PGDATABASE", "nope"),
        case("environment", "postgres:// completed by PG*", Some("postgres://".into()), ok()).env_all(p),
        case("environment", "embedded only without PGHOST/PGHOSTADDR/PGSERVICE", None, fails(6, "LOBU_PG_BIN")).env("PGUSER", "app").env("PGDATABASE", "lobu"),
        // the service file
        case("service file", "host port user password dbname", Some("service=lobu".into()), ok()).file(".pg_service.conf", service(""), 0o600),
        case("service file", "-v: the service", Some("service=lobu".into()), says("password from service \"lobu\" in ")).file(".pg_service.conf", service(""), 0o600),
        case("service file", "application_name, sslmode", Some("service=lobu".into()), named("s-tls", Some(true))).file(".pg_service.conf", service("application_name=s-tls\nsslmode=require\n"), 0o600),
        case("service file", "hostaddr", Some("service=lobu".into()), ok()).file(".pg_service.conf", service("host=db.invalid\nhostaddr=127.0.0.1\n").replace("host=127.0.0.1\n", ""), 0o600),
        case("service file", "sslrootcert", Some("service=lobu".into()), ok()).file(".pg_service.conf", service(&format!("sslmode=verify-full\nsslrootcert={ca}\n")).replace("host=127.0.0.1", "host=localhost"), 0o600),
        case("service file", "target_session_attrs", Some("service=lobu dbname=ro".into()), fails(6, "accepts writes")).file(".pg_service.conf", service("target_session_attrs=read-write\n"), 0o600),
        case("service file", "passfile", Some("service=lobu".into()), ok()).file(".pg_service.conf", service("passfile=$HOME/svc.pgpass\n").replace(&format!("password={PW}\n"), ""), 0o600).file("svc.pgpass", exact.clone(), 0o600),
        case("service file", "two pairs on a host line: refused", Some("service=lobu".into()), fails(2, "host (from service \"lobu\"")).file(".pg_service.conf", service("").replace("host=127.0.0.1\n", &format!("host=127.0.0.1 password={PW}\n")), 0o600),
        case("service file", "two pairs on a user line: refused", Some("service=lobu".into()), fails(2, "user (from service \"lobu\"")).file(".pg_service.conf", service("").replace("user=app\n", &format!("user=app password={PW}\n")), 0o600),
        case("service file", "two pairs on an application_name line: refused", Some("service=lobu".into()), fails(2, "the value of application_name (from service \"lobu\"")).file(".pg_service.conf", service(&format!("application_name=x password={PW}\n")), 0o600),
        case("service file", "unknown service", Some("service=nope".into()), fails(2, "definition of service \"nope\" not found")).file(".pg_service.conf", service(""), 0o600),
        case("service file", "syntax error", Some("service=lobu".into()), fails(2, "line 11")).file(".pg_service.conf", service("sslmode\n"), 0o600),
        case("service file", "nested service", Some("service=lobu".into()), fails(2, "nested")).file(".pg_service.conf", service("service=other\n"), 0o600),
        // the password file
        case("password file", "~/.pgpass exact line", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).file(".pgpass", exact.clone(), 0o600),
        case("password file", "wildcard line", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).file(".pgpass", format!("*:*:*:app:{PW}\n"), 0o600),
        case("password file", "wildcard host and port", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).file(".pgpass", format!("*:*:lobu:app:{PW}\n"), 0o600),
        case("password file", "escapes (\\: and \\\\)", Some(format!("postgres://app2@127.0.0.1:{p}/lobu")), ok()).file(".pgpass", format!("127.0.0.1:{p}:lobu:app2:a\\:b\\\\c\n"), 0o600),
        case("password file", "comments, blank lines, CRLF", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).file(".pgpass", format!("# {p}:*:*:*:no\r\n\r\n127.0.0.1:{p}:lobu:app:{PW}\r\n"), 0o600),
        case("password file", "first matching line wins", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).file(".pgpass", format!("127.0.0.1:1:lobu:app:no\n127.0.0.1:{p}:lobu:app:{PW}\n*:*:*:*:wrong\n"), 0o600),
        case("password file", "first matching line wins", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), fails(6, "password authentication failed for user \"app\" (the password came from line 1 of the password file")).file(".pgpass", format!("*:*:*:*:wrong\n127.0.0.1:{p}:lobu:app:{PW}\n"), 0o600),
        case("password file", "an empty password on the first matching line: none sent, as libpq", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), fails(6, "line 1 of the password file")).file(".pgpass", format!("127.0.0.1:{p}:lobu:app:\n*:*:*:*:{PW}\n"), 0o600),
        case("password file", "-v: each host's line", Some(format!("postgres://app@127.0.0.1:{closed},127.0.0.1:{p}/lobu")), says(&format!("for 127.0.0.1:{closed} password from line 1 of the password file"))).file(".pgpass", format!("127.0.0.1:{closed}:*:*:other\n127.0.0.1:{p}:lobu:app:{PW}\n"), 0o600),
        case("password file", "-v: each host's line", Some(format!("postgres://app@127.0.0.1:{closed},127.0.0.1:{p}/lobu")), says(&format!("for 127.0.0.1:{p} password from line 2 of the password file"))).file(".pgpass", format!("127.0.0.1:{closed}:*:*:other\n127.0.0.1:{p}:lobu:app:{PW}\n"), 0o600),
        case("password file", "-v: an empty line", Some(format!("postgres://app@127.0.0.1:{closed},127.0.0.1:{p}/lobu")), says(&format!("for 127.0.0.1:{closed} no password (line 1 of the password file"))).file(".pgpass", format!("127.0.0.1:{closed}:*:*:\n127.0.0.1:{p}:lobu:app:{PW}\n"), 0o600),
        case("password file", "host name localhost", Some(format!("host=localhost port={p} user=app dbname=lobu")), ok()).file(".pgpass", format!("localhost:{p}:lobu:app:{PW}\n"), 0o600),
        case("password file", "hostaddr when no host", Some(format!("hostaddr=127.0.0.1 port={p} user=app dbname=lobu")), ok()).file(".pgpass", exact.clone(), 0o600),
        case("password file", "looked up per host", Some(format!("postgres://app@127.0.0.1:{closed},127.0.0.1:{p}/lobu")), ok()).file(".pgpass", exact.clone(), 0o600),
        case("password file", "ignored when group-readable (0640)", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), fails(6, "0640")).file(".pgpass", exact.clone(), 0o640),
        case("password file", "ignored when world-readable (0644)", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), fails(6, "0644")).file(".pgpass", exact.clone(), 0o644),
        case("password file", "a directory is not a password file", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), fails(6, "not a plain file")).env("PGPASSFILE", "$HOME/etc").file("etc/x", "", 0o600),
        // precedence
        case("precedence", "string password > PGPASSWORD", Some(url.clone()), ok()).env("PGPASSWORD", "wrong"),
        case("precedence", "string password > PGPASSWORD", Some(format!("postgres://app:wrong@127.0.0.1:{p}/lobu")), fails(6, "password authentication failed for user \"app\" (the password came from the connection string)")).env("PGPASSWORD", PW),
        case("precedence", "PGPASSWORD > password file", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).env("PGPASSWORD", PW).file(".pgpass", "*:*:*:*:wrong\n", 0o600),
        case("precedence", "PGPASSWORD > password file", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), fails(6, "password authentication failed")).env("PGPASSWORD", "wrong").file(".pgpass", exact.clone(), 0o600),
        case("precedence", "empty PGPASSWORD: password file", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).env("PGPASSWORD", "").file(".pgpass", exact.clone(), 0o600),
        case("precedence", "string > service file", Some("service=lobu application_name=str-wins".into()), named("str-wins", None)).file(".pg_service.conf", service("application_name=svc-loses\n"), 0o600),
        case("precedence", "service file > environment", Some("service=lobu".into()), named("svc-wins", None)).env("PGAPPNAME", "env-loses").env("PGPASSWORD", "wrong").env("PGPORT", "1").file(".pg_service.conf", service("application_name=svc-wins\n"), 0o600),
        case("precedence", "environment fills what the service leaves", Some("service=lobu".into()), named("env-fills", None)).env("PGAPPNAME", "env-fills").file(".pg_service.conf", service(""), 0o600),
        case("precedence", "~/.pg_service.conf > PGSYSCONFDIR", Some("service=lobu".into()), named("user-svc", None)).env("PGSYSCONFDIR", "$HOME/etc").file(".pg_service.conf", service("application_name=user-svc\n"), 0o600).file("etc/pg_service.conf", service("application_name=sys-svc\n"), 0o644),
        case("precedence", "PGSYSCONFDIR when ~/.pg_service.conf lacks it", Some("service=lobu".into()), named("sys-svc", None)).env("PGSYSCONFDIR", "$HOME/etc").file(".pg_service.conf", "[other]\nhost=x\n", 0o600).file("etc/pg_service.conf", service("application_name=sys-svc\n"), 0o644),
        case("precedence", "PGSERVICEFILE replaces ~/.pg_service.conf", Some("service=lobu".into()), named("file-svc", None)).env("PGSERVICEFILE", "$HOME/s.conf").file(".pg_service.conf", service("application_name=home-svc\n"), 0o600).file("s.conf", service("application_name=file-svc\n"), 0o600),
        case("precedence", "passfile= > PGPASSFILE > ~/.pgpass", Some(format!("postgres://app@127.0.0.1:{p}/lobu?passfile=$HOME/key.pgpass")), ok()).env("PGPASSFILE", "$HOME/env.pgpass").file("key.pgpass", exact.clone(), 0o600).file("env.pgpass", "*:*:*:*:wrong\n", 0o600).file(".pgpass", "*:*:*:*:wrong\n", 0o600),
        case("precedence", "PGPASSFILE > ~/.pgpass", Some(format!("postgres://app@127.0.0.1:{p}/lobu")), ok()).env("PGPASSFILE", "$HOME/env.pgpass").file("env.pgpass", exact.clone(), 0o600).file(".pgpass", "*:*:*:*:wrong\n", 0o600),
        // explicit but empty
        case("empty", "DATABASE_URL=", Some(String::new()), fails(2, "DATABASE_URL is set but empty")).env_all(p),
        case("empty", "DATABASE_URL of blanks", Some("  ".into()), fails(2, "DATABASE_URL is set but empty")),
    ]
}

/// Prints the matrix: per source, each setting with its cases passed.
fn print_matrix(results: &[(&'static str, &'static str, bool)]) {
    /// A setting, its cases passed, its cases.
    type Cell<'a> = (&'a str, usize, usize);
    let mut rows: Vec<(&str, Vec<Cell>)> = Vec::new();
    for (source, setting, pass) in results {
        if rows.last().is_none_or(|(s, _)| s != source) {
            rows.push((source, Vec::new()));
        }
        let cells = &mut rows.last_mut().unwrap().1;
        match cells.iter_mut().find(|(s, _, _)| s == setting) {
            Some(cell) => {
                cell.1 += usize::from(*pass);
                cell.2 += 1;
            }
            None => cells.push((setting, usize::from(*pass), 1)),
        }
    }
    eprintln!("\nsources matrix (source: setting passed/cases):");
    for (source, cells) in rows {
        eprintln!("  {source}");
        for (setting, p, n) in cells {
            let mark = if p == n { "pass" } else { "FAIL" };
            eprintln!("    {setting:<52} {p}/{n} {mark}");
        }
    }
}

#[test]
fn every_source_of_every_setting_as_libpq() {
    let s = Server::start("connect");
    let cases = sources(&s);
    // four clients at a time
    let mut outcomes: Vec<(usize, std::result::Result<(), String>)> = parallel(4, |t| {
        (t..cases.len())
            .step_by(4)
            .map(|i| (i, check(&s, &cases[i])))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    outcomes.sort_by_key(|(i, _)| *i);
    let mut results = Vec::new();
    let mut failed = Vec::new();
    for (c, (_, outcome)) in cases.iter().zip(&outcomes) {
        results.push((c.source, c.setting, outcome.is_ok()));
        if let Err(why) = outcome {
            failed.push(format!("{} / {}: {why}", c.source, c.setting));
        }
    }
    print_matrix(&results);
    assert!(
        failed.is_empty(),
        "{} of {} failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

#[test]
fn an_empty_flag_is_a_usage_error_too() {
    let home = Home::new();
    let r = home
        .cli()
        .env("PGHOST", "127.0.0.1")
        .args(["--database-url", "", "org", "list"])
        .run();
    r.code(2);
    assert!(
        r.stderr.contains("--database-url is set but empty"),
        "{}",
        r.stderr
    );
    let r = home
        .cli()
        .env("DATABASE_URL", "")
        .args(["-o", "json", "org", "list"])
        .run();
    assert_eq!(r.code, 2);
    assert_eq!(r.json_error()["kind"], "invalid_input");
    assert!(
        r.stderr.contains("DATABASE_URL is set but empty"),
        "{}",
        r.stderr
    );
}

/// A `PG*` variable libpq reads whose value is not UTF-8 is exit 2 naming the variable,
/// never its value; never skipped (a `PGHOST` so spelled would have meant the embedded
/// database), never a panic.
#[test]
fn a_pg_variable_that_is_not_utf8_is_named_never_skipped() {
    use std::os::unix::ffi::OsStrExt;
    let home = Home::new();
    for (var, conn) in [
        ("PGHOST", None),
        ("PGPASSWORD", Some("host=127.0.0.1 port=1 user=u")),
        ("PGSSLMODE", Some("postgres://u@127.0.0.1:1/d")),
    ] {
        for json in [false, true] {
            let mut c = home.command();
            c.env(var, std::ffi::OsStr::from_bytes(b"Nu8\xffSecret"));
            if let Some(conn) = conn {
                c.env("DATABASE_URL", conn);
            }
            if json {
                c.args(["-o", "json"]);
            }
            let out = c.args(["-v", "org", "list"]).output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(2), "{var}: {text}");
            assert!(
                text.contains(&format!(
                    "the environment variable {var} is not valid UTF-8 (its value is not shown)"
                )),
                "{var}: {text}"
            );
            assert!(
                !text.contains("Secret") && !text.contains("Nu8"),
                "{var}: {text}"
            );
            assert!(!text.contains("panicked"), "{var}: {text}");
        }
    }
}

/// A password file that group or others may read is ignored, with a warning that names
/// the file and its mode, exactly once per invocation; the same file at 0600 is used.
#[test]
fn a_readable_password_file_is_ignored_with_a_warning() {
    let s = Server::start("pgpass-mode");
    let home = Home::new();
    let url = format!("postgres://app@127.0.0.1:{}/lobu", s.port());
    let line = format!("127.0.0.1:{}:lobu:app:{PW}\n", s.port());
    for mode in [0o604, 0o640, 0o644, 0o660, 0o666] {
        let path = home.file(".pgpass", &line, mode);
        let r = home
            .cli()
            .env("DATABASE_URL", &url)
            .args(["org", "list"])
            .run();
        // the warning, then the error (libpq prints its warning the same way)
        assert_eq!(r.code, 6, "{}", r.stderr);
        let warning = format!(
            "warning: password file \"{path}\" has group or world access (mode {mode:04o}); \
             permissions should be u=rw (0600) or less: ignored"
        );
        assert_eq!(r.stderr.matches(&warning).count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains("no password"), "{}", r.stderr);
    }
    home.file(".pgpass", &line, 0o600);
    let r = home
        .cli()
        .env("DATABASE_URL", &url)
        .args(["org", "list"])
        .run();
    r.code(0);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

/// A running `dispatch --loop`, killed on drop (also when the test fails).
struct LoopGuard {
    child: Option<Child>,
    metrics: Option<u16>,
}

impl LoopGuard {
    /// `metrics`: the port of `--metrics-addr`, for a JSON loop.
    fn spawn(home: &Home, conn: &str, metrics: Option<u16>) -> Self {
        let mut cmd = home.command();
        let json = metrics.is_some();
        if json {
            cmd.args(["-o", "json"]);
        }
        cmd.args(["-v", "dispatch", "--loop", "--interval", "1s"]);
        if let Some(port) = metrics {
            cmd.args(["--metrics-addr", &format!("127.0.0.1:{port}")]);
        }
        let child = cmd
            .env("DATABASE_URL", conn)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Self {
            child: Some(child),
            metrics,
        }
    }

    fn exited(&mut self) -> bool {
        self.child
            .as_mut()
            .is_none_or(|c| c.try_wait().ok().flatten().is_some())
    }

    /// SIGTERM, then everything it printed.
    fn stop(&mut self) -> String {
        let Some(child) = self.child.take() else {
            return String::new();
        };
        let _ = Command::new("kill")
            .arg(child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let out = child.wait_with_output().unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

impl Drop for LoopGuard {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `n` loopback ports that were free a moment ago, all different: held together while
/// picked (one `free_port` after another may hand out the same port twice, and a loop
/// whose `--metrics-addr` is taken exits 2).
fn free_ports(n: usize) -> Vec<u16> {
    let held: Vec<std::net::TcpListener> = (0..n)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    held.iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

/// `GET path` over plain HTTP/1.0: (status, body).
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let code = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((code, text.split_once("\r\n\r\n")?.1.to_string()))
}

/// One spelling of a connection string with secrets in it.
struct Spelling {
    name: &'static str,
    /// The string, for a server at `port` (`{user}` is the row's own role).
    conn: fn(u16, &str) -> String,
    /// The role's password, when the spelling is one libpq accepts (then it connects).
    password: Option<&'static str>,
    /// Everything that must never show, as the user wrote it and as decoded.
    secrets: &'static [&'static str],
}

fn spellings() -> Vec<Spelling> {
    vec![
        Spelling {
            name: "URL, plain",
            conn: |p, u| format!("postgres://{u}:Bq7Plain@127.0.0.1:{p}/lobu"),
            password: Some("Bq7Plain"),
            secrets: &["Bq7Plain"],
        },
        Spelling {
            name: "key=value, spaces around =",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password = Kv9Spaced")
            },
            password: Some("Kv9Spaced"),
            secrets: &["Kv9Spaced"],
        },
        Spelling {
            name: "key=value, quoted with a space",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password='Qt4Zx Vw2Jk'")
            },
            password: Some("Qt4Zx Vw2Jk"),
            secrets: &["Qt4Zx", "Vw2Jk"],
        },
        Spelling {
            name: "key=value, quoted with escapes",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password='Es\\'Cq\\\\Ap7'")
            },
            password: Some("Es'Cq\\Ap7"),
            secrets: &["Es'Cq\\Ap7", "Es\\'Cq"],
        },
        Spelling {
            name: "key=value, unquoted with escapes",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password=Un\\ Esq8\\'x")
            },
            password: Some("Un Esq8'x"),
            secrets: &["Un Esq8'x", "Esq8"],
        },
        Spelling {
            name: "key=value, tabs and newlines",
            conn: |p, u| format!("host=127.0.0.1\tport={p}\ndbname=lobu user={u}\tpassword=Tb5Nwl"),
            password: Some("Tb5Nwl"),
            secrets: &["Tb5Nwl"],
        },
        Spelling {
            name: "key=value, sslpassword",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password=Kp2Word sslpassword=Ks3Lpw")
            },
            password: Some("Kp2Word"),
            secrets: &["Kp2Word", "Ks3Lpw"],
        },
        Spelling {
            name: "URL, raw / in the password",
            conn: |p, u| format!("postgres://{u}:Sl/Ash9x@127.0.0.1:{p}/lobu"),
            password: None,
            secrets: &["Sl/Ash9x", "Ash9x"],
        },
        Spelling {
            name: "URL, raw / after digits in the password",
            conn: |p, u| format!("postgres://{u}:4321/Dg8x@127.0.0.1:{p}/lobu"),
            password: None,
            secrets: &["4321/Dg8x", "Dg8x"],
        },
        Spelling {
            name: "URL, raw ? in the password",
            conn: |p, u| format!("postgres://{u}:Qm?Ark3x@127.0.0.1:{p}/lobu"),
            password: Some("Qm?Ark3x"),
            secrets: &["Qm?Ark3x", "Ark3x"],
        },
        Spelling {
            name: "URL, raw # in the password",
            conn: |p, u| format!("postgres://{u}:Ha#Sh7x@127.0.0.1:{p}/lobu"),
            password: Some("Ha#Sh7x"),
            secrets: &["Ha#Sh7x", "Sh7x"],
        },
        Spelling {
            name: "URL, raw @ in the password",
            conn: |p, u| format!("postgres://{u}:At@Sgn5@127.0.0.1:{p}/lobu"),
            password: Some("At@Sgn5"),
            secrets: &["At@Sgn5", "Sgn5"],
        },
        Spelling {
            name: "URL, raw % in the password",
            conn: |p, u| format!("postgres://{u}:Pe%zz9T@127.0.0.1:{p}/lobu"),
            password: None,
            secrets: &["Pe%zz9T", "zz9T"],
        },
        Spelling {
            name: "URL, percent-encoded / ? # @ % and space",
            conn: |p, u| format!("postgres://{u}:Pc%2F1%3F2%23%403%25x%20Yq@127.0.0.1:{p}/lobu"),
            password: Some("Pc/1?2#@3%x Yq"),
            secrets: &["Pc/1?2#@3%x Yq", "Pc%2F1%3F2%23%403%25x%20Yq", "3%x Yq"],
        },
        Spelling {
            name: "URL, sslpassword before password in the query",
            conn: |p, u| {
                format!("postgres://{u}@127.0.0.1:{p}/lobu?sslpassword=Ss5Lpa&password=Qr6Ypa")
            },
            password: Some("Qr6Ypa"),
            secrets: &["Ss5Lpa", "Qr6Ypa"],
        },
        Spelling {
            name: "URL, password first in the query",
            conn: |p, u| {
                format!("postgres://{u}@127.0.0.1:{p}/lobu?password=Qf1Rst&sslmode=disable")
            },
            password: Some("Qf1Rst"),
            secrets: &["Qf1Rst"],
        },
        Spelling {
            name: "URL, password in user-info and query",
            conn: |p, u| format!("postgres://{u}:Du1Pa@127.0.0.1:{p}/lobu?password=Du2Pb"),
            password: Some("Du2Pb"),
            secrets: &["Du1Pa", "Du2Pb"],
        },
        Spelling {
            name: "URL, raw @ / ? # in a query password",
            conn: |p, u| format!("postgres://{u}@127.0.0.1:{p}/lobu?password=Qa@Rw/5?x#"),
            password: Some("Qa@Rw/5?x#"),
            secrets: &["Qa@Rw/5?x#", "Rw/5"],
        },
        Spelling {
            name: "URL, raw @ in sslpassword",
            conn: |p, u| format!("postgres://{u}:Sa1Pw@127.0.0.1:{p}/lobu?sslpassword=Ss@Lq8x"),
            password: Some("Sa1Pw"),
            secrets: &["Sa1Pw", "Ss@Lq8x", "Lq8x"],
        },
        Spelling {
            name: "URL without a path, raw @ in a query password",
            conn: |p, u| format!("postgres://127.0.0.1:{p}?user={u}&password=Np@Th4x"),
            password: None,
            secrets: &["Np@Th4x", "Th4x"],
        },
        Spelling {
            name: "URL without a host, raw @ in a query sslpassword",
            conn: |p, u| {
                format!("postgres://?host=127.0.0.1&port={p}&user={u}&sslpassword=Nh@Sz6x")
            },
            password: None,
            secrets: &["Nh@Sz6x", "Sz6x"],
        },
        Spelling {
            name: "URL, raw ? and = in the user-info password",
            conn: |p, u| format!("postgres://{u}:Qe?k=Vz3@127.0.0.1:{p}/lobu"),
            password: None,
            secrets: &["Qe?k=Vz3", "k=Vz3"],
        },
        Spelling {
            name: "URL, raw & in a query password",
            conn: |p, u| format!("postgres://{u}@127.0.0.1:{p}/lobu?password=Am&Pq3x"),
            password: None,
            secrets: &["Am&Pq3x", "Pq3x"],
        },
        Spelling {
            name: "URL, raw = in a query password",
            conn: |p, u| format!("postgres://{u}@127.0.0.1:{p}/lobu?password=Eq=Ls6x"),
            password: None,
            secrets: &["Eq=Ls6x", "Ls6x"],
        },
        Spelling {
            name: "URL, raw % in a query password",
            conn: |p, u| format!("postgres://{u}@127.0.0.1:{p}/lobu?password=Pq%zz7x"),
            password: None,
            secrets: &["Pq%zz7x", "zz7x"],
        },
        Spelling {
            name: "URL, percent-encoded @ & = % in a query password",
            conn: |p, u| format!("postgres://{u}@127.0.0.1:{p}/lobu?password=Pe%40%26%3D%25Kx"),
            password: Some("Pe@&=%Kx"),
            secrets: &["Pe@&=%Kx", "Pe%40%26%3D%25Kx", "=%Kx"],
        },
        Spelling {
            name: "key=value, a connection string as dbname",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} user={u} dbname='dbname=lobu password=Db7Cs'")
            },
            password: None,
            secrets: &["Db7Cs"],
        },
        Spelling {
            name: "URL, a URL as dbname",
            conn: |p, u| {
                format!("postgres://{u}@127.0.0.1:{p}/?dbname=postgres://{u}:Du8Rl@h/lobu")
            },
            password: None,
            secrets: &["Du8Rl"],
        },
        Spelling {
            name: "mistyped scheme",
            conn: |p, u| format!("postgress://{u}:Ty4Popw@127.0.0.1:{p}/lobu"),
            password: None,
            secrets: &["Ty4Popw"],
        },
        Spelling {
            name: "scheme in capitals",
            conn: |p, u| format!("POSTGRES://{u}:Up7Caps@127.0.0.1:{p}/lobu"),
            password: None,
            secrets: &["Up7Caps"],
        },
        Spelling {
            name: "key=value, unknown key",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password=Uk4Own bogus=1")
            },
            password: None,
            secrets: &["Uk4Own"],
        },
        Spelling {
            name: "URL, unknown query key",
            conn: |p, u| format!("postgres://{u}:Uq5Key@127.0.0.1:{p}/lobu?bogus=1"),
            password: None,
            secrets: &["Uq5Key"],
        },
        Spelling {
            name: "key=value, unterminated quote",
            conn: |p, u| format!("host=127.0.0.1 port={p} dbname=lobu user={u} password='Ut8Rmq"),
            password: None,
            secrets: &["Ut8Rmq"],
        },
        Spelling {
            name: "key=value, unquoted space in the password",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password=Hf1One Hf2Two")
            },
            password: None,
            secrets: &["Hf1One", "Hf2Two"],
        },
        Spelling {
            name: "key=value, empty host before the password",
            conn: |p, u| format!("host= password=Em1Hst port={p} user={u} dbname=lobu"),
            password: None,
            secrets: &["Em1Hst"],
        },
        Spelling {
            name: "key=value, empty service before the password",
            conn: |p, u| {
                format!("service= password=Em2Svc host=127.0.0.1 port={p} user={u} dbname=lobu")
            },
            password: None,
            secrets: &["Em2Svc"],
        },
        Spelling {
            name: "key=value, empty user before the password",
            conn: |p, _| format!("host=127.0.0.1 port={p} dbname=lobu user= password=Em3Usr"),
            password: None,
            secrets: &["Em3Usr"],
        },
        Spelling {
            name: "key=value, empty application_name before the password",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} application_name= password=Em4App")
            },
            password: None,
            secrets: &["Em4App"],
        },
        Spelling {
            name: "key=value, empty sslrootcert before the password",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} sslrootcert= password=Em5Crt")
            },
            password: None,
            secrets: &["Em5Crt"],
        },
        Spelling {
            name: "key=value, empty options before the password",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} options= password=Em6Opt")
            },
            password: None,
            secrets: &["Em6Opt"],
        },
        Spelling {
            name: "key=value, a URL as host",
            conn: |p, u| {
                format!(
                    "host=postgres://{u}:Ho7Url@127.0.0.1:{p}/lobu port={p} dbname=lobu user={u}"
                )
            },
            password: None,
            secrets: &["Ho7Url"],
        },
        Spelling {
            name: "key=value, a URL as user, no dbname",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} user=postgres://{u}:Us8Url@127.0.0.1/lobu")
            },
            password: None,
            secrets: &["Us8Url"],
        },
        Spelling {
            name: "key=value, a secret that looks like a key",
            conn: |p, u| {
                format!("host=127.0.0.1 port={p} dbname=lobu user={u} password=Lk3a Lk4b=c")
            },
            password: None,
            secrets: &["Lk3a", "Lk4b"],
        },
    ]
}

/// Every 4-character window of every secret that `text` contains.
fn leaks(text: &str, secrets: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        for w in chars.windows(4.min(chars.len())) {
            let w: String = w.iter().collect();
            if text.contains(&w) && !found.contains(&w) {
                found.push(w);
            }
        }
    }
    found
}

/// The commands each spelling goes through, table and JSON.
const COMMANDS: &[&[&str]] = &[
    &["org", "list"],
    &["-o", "json", "org", "list"],
    &["-v", "status"],
    &["-o", "json", "-v", "dispatch"],
];

#[test]
#[allow(clippy::too_many_lines)]
fn no_spelling_of_a_secret_leaks() {
    let s = Server::start("spellings");
    let rows = spellings();
    let mut admin = s.cluster.admin("postgres");
    for (i, row) in rows.iter().enumerate() {
        let password = row.password.unwrap_or("unused-Zz9").replace('\'', "''");
        admin
            .batch_execute(&format!(
                "CREATE ROLE spell{i} LOGIN SUPERUSER PASSWORD '{password}'"
            ))
            .unwrap();
    }
    let started = Instant::now();
    // the loops first (they need 15 s before /healthz reports a failure): every spelling,
    // against a port where nothing listens, in JSON (events on stdout, metrics) and table
    let homes: Vec<Home> = rows.iter().map(|_| Home::new()).collect();
    let metrics_ports = free_ports(rows.len());
    let mut loops: Vec<(usize, &str, LoopGuard)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let conn = (row.conn)(s.closed, &format!("spell{i}"));
        loops.push((
            i,
            "loop json",
            LoopGuard::spawn(&homes[i], &conn, Some(metrics_ports[i])),
        ));
        loops.push((i, "loop table", LoopGuard::spawn(&homes[i], &conn, None)));
    }
    // the one-shot commands, on the server (accepted spellings connect) and on the closed
    // port; four rows at a time
    let targets = [("server", s.port()), ("closed", s.closed)];
    let outputs = parallel(4, |t| {
        let mut out = Vec::new();
        for (i, row) in rows.iter().enumerate().filter(|(i, _)| i % 4 == t) {
            for (target, port) in targets {
                let conn = (row.conn)(port, &format!("spell{i}"));
                for args in COMMANDS {
                    let r = homes[i].cli().env("DATABASE_URL", &conn).args(*args).run();
                    out.push((i, format!("{target}: {}", args.join(" ")), r));
                }
            }
        }
        out
    });
    // then /healthz of each JSON loop still running, once it reports the failure
    let mut bodies: Vec<(usize, String)> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    for (i, _, l) in &mut loops {
        let Some(port) = l.metrics else { continue };
        loop {
            if l.exited() {
                break;
            }
            match http_get(port, "/healthz") {
                Some((503, body)) => {
                    // the metrics too: no label or help text may carry the error
                    let metrics = http_get(port, "/metrics")
                        .map(|(_, m)| m)
                        .unwrap_or_default();
                    bodies.push((*i, format!("{body}\n{metrics}")));
                    break;
                }
                _ if Instant::now() > deadline => {
                    bodies.push((*i, "(no 503 from /healthz)".into()));
                    break;
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }
    let mut loop_outputs: Vec<(usize, String, String)> = Vec::new();
    for (i, what, l) in &mut loops {
        loop_outputs.push((*i, (*what).to_string(), l.stop()));
    }

    // the matrix: one line per spelling, one cell per place a secret could show
    let mut leaked = Vec::new();
    let mut wrong_exit = Vec::new();
    eprintln!("\nsecret spellings (ok = nothing leaked; LEAK = a fragment of the secret showed):");
    for (i, row) in rows.iter().enumerate() {
        let mut cells = Vec::new();
        for (_, what, r) in outputs.iter().flatten().filter(|(j, _, _)| *j == i) {
            let found = leaks(&format!("{}{}", r.stdout, r.stderr), row.secrets);
            cells.push(format!(
                "{what} [{}] {}",
                r.code,
                if found.is_empty() { "ok" } else { "LEAK" }
            ));
            if !found.is_empty() {
                leaked.push(format!(
                    "{} / {what}: {found:?}\n{}{}",
                    row.name, r.stdout, r.stderr
                ));
            }
            let expected = match (row.password, what.starts_with("server")) {
                (Some(_), true) => 0,
                (Some(_), false) => 6,
                (None, _) => 2,
            };
            if r.code != expected {
                wrong_exit.push(format!(
                    "{} / {what}: exit {} (expected {expected}): {}",
                    row.name,
                    r.code,
                    r.stderr.trim()
                ));
            }
        }
        for (_, what, text) in loop_outputs.iter().filter(|(j, _, _)| *j == i) {
            let found = leaks(text, row.secrets);
            cells.push(format!(
                "{what} {}",
                if found.is_empty() { "ok" } else { "LEAK" }
            ));
            if !found.is_empty() {
                leaked.push(format!("{} / {what}: {found:?}\n{text}", row.name));
            }
            let expected = if row.password.is_some() {
                "database_lost"
            } else {
                "fatal"
            };
            if what == "loop json" && !text.contains(expected) {
                wrong_exit.push(format!(
                    "{} / {what}: no {expected} event: {text}",
                    row.name
                ));
            }
        }
        for (_, body) in bodies.iter().filter(|(j, _)| *j == i) {
            let found = leaks(body, row.secrets);
            cells.push(format!(
                "/healthz+metrics {}",
                if found.is_empty() { "ok" } else { "LEAK" }
            ));
            // the body does say why, without naming the connection at all (SPEC 16)
            let said = "database unreachable since";
            if !body.contains(said) || body.contains(&format!("spell{i}")) {
                wrong_exit.push(format!("{} / healthz: not just {said:?}: {body}", row.name));
            }
            if !found.is_empty() {
                leaked.push(format!("{} / healthz: {found:?}\n{body}", row.name));
            }
        }
        eprintln!("  {:<45} {}", row.name, cells.join(" | "));
    }
    eprintln!("({} rows in {:?})", rows.len(), started.elapsed());
    assert!(
        leaked.is_empty(),
        "{} leaks:\n{}",
        leaked.len(),
        leaked.join("\n---\n")
    );
    assert!(wrong_exit.is_empty(), "{}", wrong_exit.join("\n"));
}
