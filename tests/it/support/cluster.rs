//! Private servers for production-like set-ups, started by the test on loopback ports it
//! picks free, run as the `postgres` OS user when we are root, and stopped on drop (also
//! when the test fails): PostgreSQL clusters (TLS, standbys) and PgBouncer.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a program as the `postgres` user when root, else as ourselves.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

#[track_caller]
fn ok(what: &str, o: &Output) {
    assert!(
        o.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A fresh directory under the temp dir that the server user owns.
fn server_dir(kind: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lobu-it-{kind}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    chown(&dir);
    dir
}

/// Hands a path (recursively) to the server user when root.
pub fn chown(path: &Path) {
    if is_root() {
        let o = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(path)
            .output()
            .unwrap();
        ok("chown", &o);
    }
}

/// The PostgreSQL server binaries.
pub fn bin_dir() -> PathBuf {
    lobu_admin::db::local::find_bin_dir().expect("PostgreSQL server binaries")
}

/// A private PostgreSQL cluster.
pub struct Cluster {
    /// Its directory (data in `data/`, socket and files beside it).
    pub dir: PathBuf,
    /// TCP port on 127.0.0.1.
    pub port: u16,
    bin: PathBuf,
    /// The network namespace the server runs in (`ip netns exec`), if any.
    netns: Option<String>,
}

impl Cluster {
    /// `initdb` with trust authentication, listening on 127.0.0.1 and a private socket.
    pub fn init(kind: &str) -> Self {
        let dir = server_dir(kind);
        let bin = bin_dir();
        let data = dir.join("data");
        let o = as_server_user(&bin.join("initdb"))
            .args([
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
            ])
            .args(["-E", "UTF8", "--no-instructions"])
            .output()
            .unwrap();
        ok("initdb", &o);
        let c = Self {
            dir,
            port: free_port(),
            bin,
            netns: None,
        };
        c.conf(&format!(
            "listen_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
             fsync = off\nlogging_collector = off\n",
            c.port,
            c.dir.display()
        ));
        c
    }

    /// As [`Cluster::init`], but TCP connections authenticate with SCRAM-SHA-256 passwords
    /// (the private socket stays `trust`, for the test's own [`Cluster::admin`]), and every
    /// connection is logged (`log_connections`): the server's log then says which user,
    /// database, `application_name` and TLS each client arrived with ([`Cluster::log`]).
    /// Not started.
    pub fn init_scram(kind: &str) -> Self {
        let c = Self::init(kind);
        c.conf("password_encryption = 'scram-sha-256'\nlog_connections = on\n");
        c.hba("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
        c
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// A standby of `primary` by `pg_basebackup -R` (streaming replication), not started.
    pub fn standby_of(primary: &Cluster) -> Self {
        let dir = server_dir("standby");
        let bin = bin_dir();
        let data = dir.join("data");
        let o = as_server_user(&bin.join("pg_basebackup"))
            .args([
                "-D",
                data.to_str().unwrap(),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ])
            .args(["-h", "127.0.0.1", "-U", "postgres", "-p"])
            .arg(primary.port.to_string())
            .output()
            .unwrap();
        ok("pg_basebackup", &o);
        let c = Self {
            dir,
            port: free_port(),
            bin,
            netns: None,
        };
        c.conf(&format!(
            "port = {}\nunix_socket_directories = '{}'\nhot_standby = on\n",
            c.port,
            c.dir.display(),
        ));
        // -R wrote primary_conninfo to postgresql.auto.conf, which wins: name us there
        let auto = c.data().join("postgresql.auto.conf");
        let mut text = std::fs::read_to_string(&auto).unwrap_or_default();
        text.push_str(&format!(
            "\nprimary_conninfo = 'host=127.0.0.1 port={} user=postgres application_name=standby1'\n",
            primary.port
        ));
        std::fs::write(&auto, text).unwrap();
        c
    }

    /// As [`Cluster::init`], but the server will run inside the network namespace `netns`
    /// (its TCP port is reachable only from there; the private socket from everywhere).
    pub fn init_in(kind: &str, netns: &str) -> Self {
        let mut c = Self::init(kind);
        c.netns = Some(netns.to_string());
        c
    }

    /// The data directory.
    pub fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Appends settings to `postgresql.conf` (later lines win).
    pub fn conf(&self, lines: &str) {
        let path = self.data().join("postgresql.conf");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push('\n');
        text.push_str(lines);
        std::fs::write(&path, text).unwrap();
    }

    /// Replaces `pg_hba.conf`.
    pub fn hba(&self, text: &str) {
        std::fs::write(self.data().join("pg_hba.conf"), text).unwrap();
    }

    /// Writes a file into the data directory, owned by the server user, mode 0600.
    pub fn put(&self, name: &str, contents: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.data().join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    fn pg_ctl(&self, args: &[&str]) -> Output {
        let pg_ctl = self.bin.join("pg_ctl");
        let mut cmd = match &self.netns {
            Some(ns) if is_root() => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, "runuser", "-u", "postgres", "--"])
                    .arg(&pg_ctl);
                c
            }
            _ => as_server_user(&pg_ctl),
        };
        cmd.args(["-D", self.data().to_str().unwrap()])
            .args(args)
            .output()
            .unwrap()
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) {
        chown(&self.dir);
        let log = self.dir.join("server.log");
        let o = self.pg_ctl(&["start", "-w", "-t", "60", "-l", log.to_str().unwrap()]);
        if !o.status.success() {
            panic!(
                "pg_ctl start failed: {}\n{}",
                String::from_utf8_lossy(&o.stderr),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
    }

    /// Stops the server (fast shutdown).
    pub fn stop(&self) {
        let _ = self.pg_ctl(&["stop", "-w", "-m", "fast"]);
    }

    /// Kills the server abruptly (immediate shutdown: no checkpoint, clients cut off).
    pub fn kill(&self) {
        let _ = self.pg_ctl(&["stop", "-w", "-m", "immediate"]);
    }

    /// Promotes a standby and waits until it accepts writes.
    pub fn promote(&self) {
        ok("pg_ctl promote", &self.pg_ctl(&["promote", "-w"]));
    }

    /// A superuser client over the private socket (no TLS, trust).
    pub fn admin(&self, dbname: &str) -> Client {
        Client::connect(&self.socket_url(dbname), NoTls).unwrap()
    }

    /// As [`Cluster::admin`], the library's client (for the library's functions).
    pub fn lib_admin(&self, dbname: &str) -> lobu_admin::db::Client {
        lobu_admin::db::connect(&lobu_admin::db::DatabaseUrl::new(self.socket_url(dbname))).unwrap()
    }

    /// Key=value connection string over the private socket.
    pub fn socket_url(&self, dbname: &str) -> String {
        format!(
            "host={} port={} user=postgres dbname={dbname}",
            self.dir.display(),
            self.port
        )
    }

    /// A URL over TCP on 127.0.0.1 (append `?sslmode=..` etc. as needed).
    pub fn url(&self, user: &str, dbname: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{dbname}", self.port)
    }

    /// Creates a database and migrates it with the library (over the socket).
    pub fn migrated_db(&self, name: &str) {
        self.admin("postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = lobu_admin::db::DatabaseUrl::new(self.socket_url(name));
        lobu_admin::db::migrate::migrate_url(&url).unwrap();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.kill();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!("kept {} for inspection", self.dir.display());
        }
    }
}

/// A private PgBouncer in front of a server, killed on drop.
pub struct Bouncer {
    /// Its port: TCP on 127.0.0.1, or the number of its Unix socket.
    pub port: u16,
    dir: PathBuf,
    child: Child,
    /// Listening on a Unix socket in `dir` only (no TCP).
    unix: bool,
}

impl Bouncer {
    /// PgBouncer with stock settings except the pool mode and a small pool, forwarding
    /// every database to `upstream_port` on 127.0.0.1 (trust, user `postgres`).
    pub fn start(upstream_port: u16, pool_mode: &str, pool_size: u32) -> Self {
        let upstream = format!("host=127.0.0.1 port={upstream_port}");
        Self::launch(&upstream, free_port(), false, pool_mode, pool_size)
    }

    /// As [`Bouncer::start`], but PgBouncer listens only on a Unix socket in its own
    /// directory, with the same port number as the server's, and reaches the server
    /// through the server's own Unix socket (`upstream_dir`): both ends a Unix socket, so
    /// neither side has an address that tells the pooler apart.
    pub fn start_on_socket(
        upstream_dir: &str,
        upstream_port: u16,
        pool_mode: &str,
        pool_size: u32,
    ) -> Self {
        let upstream = format!("host={upstream_dir} port={upstream_port}");
        Self::launch(&upstream, upstream_port, true, pool_mode, pool_size)
    }

    fn launch(upstream: &str, port: u16, unix: bool, pool_mode: &str, pool_size: u32) -> Self {
        let exe = which("pgbouncer").expect(
            "pgbouncer is not installed (`apt-get install pgbouncer`; .ci/run installs it)",
        );
        let dir = server_dir("pgbouncer");
        std::fs::write(dir.join("userlist.txt"), "\"postgres\" \"\"\n").unwrap();
        let ini = dir.join("pgbouncer.ini");
        let listen = if unix {
            format!(
                "listen_addr =\nlisten_port = {port}\nunix_socket_dir = {}\n",
                dir.display()
            )
        } else {
            format!("listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n")
        };
        std::fs::write(
            &ini,
            format!(
                "[databases]\n* = {upstream}\n\n[pgbouncer]\n{listen}\
                 auth_type = trust\nauth_file = {d}/userlist.txt\nadmin_users = postgres\n\
                 pool_mode = {pool_mode}\ndefault_pool_size = {pool_size}\n\
                 max_client_conn = 500\nlogfile = {d}/pgbouncer.log\n",
                d = dir.display()
            ),
        )
        .unwrap();
        chown(&dir);
        let child = as_server_user(&exe)
            .arg(&ini)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let b = Self {
            port,
            dir,
            child,
            unix,
        };
        let start = Instant::now();
        let socket = b.dir.join(format!(".s.PGSQL.{port}"));
        while if unix {
            std::os::unix::net::UnixStream::connect(&socket).is_err()
        } else {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
        } {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "pgbouncer did not start: {}",
                std::fs::read_to_string(b.dir.join("pgbouncer.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        b
    }

    /// A URL (key=value on a Unix socket) for `dbname` through the pooler.
    pub fn url(&self, dbname: &str) -> String {
        if self.unix {
            format!(
                "host={} port={} user=postgres dbname={dbname}",
                self.dir.display(),
                self.port
            )
        } else {
            format!("postgres://postgres@127.0.0.1:{}/{dbname}", self.port)
        }
    }

    /// Transactions PgBouncer has passed to the server for `dbname` so far (its admin
    /// console's `SHOW STATS`: exact, unlike the server's statistics, which backends
    /// flush late).
    pub fn transactions(&self, dbname: &str) -> i64 {
        let mut admin = Client::connect(&self.url("pgbouncer"), NoTls).unwrap();
        admin
            .simple_query("SHOW STATS")
            .unwrap()
            .iter()
            .find_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) if r.get("database") == Some(dbname) => {
                    r.get("total_xact_count")?.parse().ok()
                }
                _ => None,
            })
            .unwrap_or(0)
    }

    /// PgBouncer's log (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        // runuser forwards SIGTERM to pgbouncer
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
        let _ = Command::new("pkill")
            .args(["-f", &self.dir.join("pgbouncer.ini").display().to_string()])
            .status();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn which(program: &str) -> Option<PathBuf> {
    let candidates = ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"];
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(candidates.iter().map(PathBuf::from))
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}
