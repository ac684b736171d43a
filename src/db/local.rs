//! The embedded default database: a private PostgreSQL cluster under the data directory,
//! created with the installed server binaries on first use, listening on a Unix socket in
//! that directory only (no TCP port). As root, the server runs as the `postgres` OS user.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Serialize;

use crate::db::DatabaseUrl;
use crate::error::{Error, Result};

/// Database created inside the cluster.
const DB_NAME: &str = "lobu";
/// Port number (only names the socket file; no TCP).
const PORT: u16 = 5432;

/// Where the embedded cluster lives.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The home directory (`LOBU_ADMIN_HOME`).
    pub home: PathBuf,
}

/// `db status`.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterStatus {
    /// Home directory.
    pub home: String,
    /// Data directory.
    pub data_dir: String,
    /// Socket directory.
    pub socket_dir: String,
    /// Whether `initdb` has run.
    pub initialized: bool,
    /// Whether the server is up.
    pub running: bool,
    /// The connection string (no password: trust over a private socket).
    pub url: String,
    /// PostgreSQL binaries used, if found.
    pub bin_dir: Option<String>,
}

impl Cluster {
    /// `LOBU_ADMIN_HOME`, else the platform data directory (`$XDG_DATA_HOME/lobu-admin`,
    /// `~/.local/share/lobu-admin`, macOS `~/Library/Application Support/lobu-admin`); as
    /// root on Linux, `/var/lib/lobu-admin` (the `postgres` user must be able to reach it).
    ///
    /// # Errors
    /// `internal` when no home directory can be determined.
    pub fn default_location() -> Result<Self> {
        if let Some(h) = std::env::var_os("LOBU_ADMIN_HOME").filter(|h| !h.is_empty()) {
            return Ok(Self { home: h.into() });
        }
        if cfg!(target_os = "linux") && is_root() {
            return Ok(Self {
                home: "/var/lib/lobu-admin".into(),
            });
        }
        let base = if cfg!(target_os = "macos") {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
        } else {
            std::env::var_os("XDG_DATA_HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        };
        base.map(|b| Self {
            home: b.join("lobu-admin"),
        })
        .ok_or_else(|| Error::Internal("cannot find a data directory: set LOBU_ADMIN_HOME".into()))
    }

    fn data_dir(&self) -> PathBuf {
        self.home.join("pgdata")
    }

    fn socket_dir(&self) -> PathBuf {
        self.home.join("run")
    }

    fn log_dir(&self) -> PathBuf {
        self.home.join("log")
    }

    fn log_file(&self) -> PathBuf {
        self.log_dir().join("postgres.log")
    }

    /// The connection string of the embedded database.
    #[must_use]
    pub fn url(&self) -> DatabaseUrl {
        DatabaseUrl::exact(format!(
            "host={} port={PORT} user=postgres dbname={DB_NAME}",
            self.socket_dir().display()
        ))
    }

    fn initialized(&self) -> bool {
        self.data_dir().join("PG_VERSION").exists()
    }

    /// Reports where the cluster is and whether it runs.
    #[must_use]
    pub fn status(&self) -> ClusterStatus {
        let bin = find_bin_dir().ok();
        let running = bin.as_ref().is_some_and(|b| self.running(b));
        ClusterStatus {
            home: self.home.display().to_string(),
            data_dir: self.data_dir().display().to_string(),
            socket_dir: self.socket_dir().display().to_string(),
            initialized: self.initialized(),
            running,
            url: self.url().expose().to_string(),
            bin_dir: bin.map(|b| b.display().to_string()),
        }
    }

    fn running(&self, bin: &Path) -> bool {
        self.initialized()
            && self
                .pg(
                    bin,
                    "pg_ctl",
                    &["status", "-D", &self.data_dir().display().to_string()],
                )
                .is_ok_and(|o| o.status.success())
    }

    /// Initialises (first use) and starts the cluster, creating its database. Safe to call
    /// concurrently: a lock file serialises first uses.
    ///
    /// # Errors
    /// `database_unreachable` naming what to install when PostgreSQL is missing, or what
    /// failed.
    pub fn start(&self) -> Result<()> {
        let bin = find_bin_dir()?;
        fs::create_dir_all(&self.home).map_err(|e| io_err(&self.home, &e))?;
        let lock = File::create(self.home.join(".lock")).map_err(|e| io_err(&self.home, &e))?;
        lock.lock().map_err(|e| io_err(&self.home, &e))?;
        if !self.initialized() {
            self.initdb(&bin)?;
        }
        if !self.running(&bin) {
            fs::create_dir_all(self.socket_dir()).map_err(|e| io_err(&self.home, &e))?;
            fs::create_dir_all(self.log_dir()).map_err(|e| io_err(&self.home, &e))?;
            self.chown_for_server()?;
            let options = format!(
                "-c listen_addresses='' -c unix_socket_directories='{}' -p {PORT}",
                self.socket_dir().display()
            );
            let log = self.log_file().display().to_string();
            let data = self.data_dir().display().to_string();
            let o = self.pg(
                &bin,
                "pg_ctl",
                &[
                    "start", "-w", "-t", "60", "-D", &data, "-l", &log, "-o", &options,
                ],
            )?;
            if !o.status.success() {
                return Err(Error::DatabaseUnreachable(format!(
                    "cannot start the embedded database in {}: {} (see {log})",
                    self.home.display(),
                    first_line(&o)
                )));
            }
        }
        self.create_database()
    }

    /// Stops the cluster if it runs.
    ///
    /// # Errors
    /// `database_unreachable` when `pg_ctl stop` fails.
    pub fn stop(&self) -> Result<bool> {
        let bin = find_bin_dir()?;
        if !self.running(&bin) {
            return Ok(false);
        }
        let data = self.data_dir().display().to_string();
        let o = self.pg(&bin, "pg_ctl", &["stop", "-w", "-m", "fast", "-D", &data])?;
        if !o.status.success() {
            return Err(Error::DatabaseUnreachable(format!(
                "cannot stop the embedded database: {}",
                first_line(&o)
            )));
        }
        Ok(true)
    }

    fn initdb(&self, bin: &Path) -> Result<()> {
        fs::create_dir_all(self.data_dir()).map_err(|e| io_err(&self.home, &e))?;
        self.chown_for_server()?;
        let data = self.data_dir().display().to_string();
        let o = self.pg(
            bin,
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        )?;
        if !o.status.success() {
            // leave no half-initialised directory behind
            let _ = fs::remove_dir_all(self.data_dir());
            return Err(Error::DatabaseUnreachable(format!(
                "initdb failed in {}: {}",
                self.home.display(),
                first_line(&o)
            )));
        }
        Ok(())
    }

    fn create_database(&self) -> Result<()> {
        let admin = DatabaseUrl::exact(format!(
            "host={} port={PORT} user=postgres dbname=postgres",
            self.socket_dir().display()
        ));
        let mut c = crate::db::connect(&admin)?;
        let exists: bool = c
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
                &[&DB_NAME],
            )?
            .get(0);
        if !exists {
            c.batch_execute(&format!("CREATE DATABASE {DB_NAME}"))?;
        }
        Ok(())
    }

    /// As root, hand the cluster's directories to the `postgres` user.
    fn chown_for_server(&self) -> Result<()> {
        if !is_root() {
            return Ok(());
        }
        for dir in [self.data_dir(), self.socket_dir(), self.log_dir()] {
            if dir.exists() {
                let o = Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&dir)
                    .output()
                    .map_err(|e| io_err(&dir, &e))?;
                if !o.status.success() {
                    return Err(Error::DatabaseUnreachable(format!(
                        "cannot hand {} to the postgres user: {}",
                        dir.display(),
                        first_line(&o)
                    )));
                }
            }
        }
        Ok(())
    }

    /// Runs a server binary, as the `postgres` user when we are root.
    fn pg(&self, bin: &Path, program: &str, args: &[&str]) -> Result<Output> {
        let exe = bin.join(program);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args)
            .current_dir(&self.home)
            .output()
            .map_err(|e| Error::DatabaseUnreachable(format!("cannot run {}: {e}", exe.display())))
    }
}

/// Makes sure the embedded cluster runs and returns its URL.
///
/// # Errors
/// As [`Cluster::start`].
pub fn ensure_running(cluster: &Cluster) -> Result<DatabaseUrl> {
    cluster.start()?;
    Ok(cluster.url())
}

/// Finds the PostgreSQL server binaries: `LOBU_PG_BIN`, `pg_config --bindir`,
/// `/usr/lib/postgresql/<newest>/bin`, then `PATH`.
///
/// # Errors
/// `database_unreachable` saying what to install and that `DATABASE_URL` is the
/// alternative.
pub fn find_bin_dir() -> Result<PathBuf> {
    let has_initdb = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("LOBU_PG_BIN").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return if has_initdb(&dir) {
            Ok(dir)
        } else {
            Err(missing(&format!(
                "LOBU_PG_BIN={} has no initdb and pg_ctl",
                dir.display()
            )))
        };
    }
    if let Ok(o) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        if o.status.success() && has_initdb(&dir) {
            return Ok(dir);
        }
    }
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                Some((v, e.path().join("bin")))
            })
            .filter(|(_, d)| has_initdb(d))
            .collect();
        versions.sort();
        if let Some((_, d)) = versions.pop() {
            return Ok(d);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(d) = std::env::split_paths(&path).find(|d| has_initdb(d)) {
            return Ok(d);
        }
    }
    Err(missing("no initdb/pg_ctl found"))
}

fn missing(why: &str) -> Error {
    Error::DatabaseUnreachable(format!(
        "the embedded database needs the PostgreSQL server binaries ({why}): install \
         PostgreSQL (e.g. `apt-get install postgresql` or `brew install postgresql`), set \
         LOBU_PG_BIN to their directory, or use an existing server with DATABASE_URL"
    ))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn io_err(path: &Path, e: &std::io::Error) -> Error {
    Error::DatabaseUnreachable(format!("embedded database at {}: {e}", path.display()))
}

fn first_line(o: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("unknown error")
        .trim()
        .to_string()
}
