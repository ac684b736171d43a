//! `TestDb`: a fresh database per test, cloned from a template migrated once per run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use lobu_admin::db::{self, DatabaseUrl};
use postgres::{Client, NoTls};

/// The server tests run against.
pub fn server_url() -> String {
    std::env::var("LOBU_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn admin() -> Client {
    Client::connect(&server_url(), NoTls).expect("connect to the test server")
}

/// Replaces the database name of a URL.
pub fn url_for(dbname: &str) -> String {
    let base = server_url();
    match base.rfind('/') {
        Some(i) if base[..i].contains("://") => {
            let query = base[i..].find('?').map(|q| &base[i + q..]).unwrap_or("");
            format!("{}/{dbname}{query}", &base[..i])
        }
        _ => format!("{base} dbname={dbname}"),
    }
}

const LOCK: i64 = 0x6c6f_6275_7465_7374;

fn template() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        // the template's name changes with the migrations, so stale templates are never used
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut files: Vec<_> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
        files.sort();
        for f in files {
            for b in std::fs::read(f).unwrap() {
                hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        let name = format!("lobu_tpl_{:012x}", hash & 0xffff_ffff_ffff);
        let mut c = admin();
        c.execute("SELECT pg_advisory_lock($1)", &[&LOCK]).unwrap();
        let exists: bool = c
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
                &[&name],
            )
            .unwrap()
            .get(0);
        if !exists {
            let tmp = format!("{name}_build");
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {tmp}"))
                .unwrap();
            c.batch_execute(&format!("CREATE DATABASE {tmp}")).unwrap();
            db::migrate::migrate_url(&DatabaseUrl::new(url_for(&tmp))).unwrap();
            c.batch_execute(&format!("ALTER DATABASE {tmp} RENAME TO {name}"))
                .unwrap();
        }
        c.execute("SELECT pg_advisory_unlock($1)", &[&LOCK])
            .unwrap();
        name
    })
}

/// A private database, dropped at the end of the test (kept if the test panicked).
pub struct TestDb {
    /// Database name.
    pub name: String,
    /// The URL the CLI uses (direct, or through TLS or a pooler).
    pub url: String,
    /// A direct URL for set-up and checks ([`TestDb::client`]).
    pub direct: String,
    /// Whether dropping this drops the database on the test server.
    owned: bool,
}

impl TestDb {
    /// A fresh, migrated database.
    pub fn new() -> Self {
        Self::create(true)
    }

    /// A fresh, empty (unmigrated) database.
    pub fn empty() -> Self {
        Self::create(false)
    }

    fn create(migrated: bool) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "lobu_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut c = admin();
        if migrated {
            let tpl = template();
            c.execute("SELECT pg_advisory_lock($1)", &[&LOCK]).unwrap();
            let r = c.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {tpl}"));
            c.execute("SELECT pg_advisory_unlock($1)", &[&LOCK])
                .unwrap();
            r.unwrap();
        } else {
            c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        }
        eprintln!("test database: {name}");
        let url = url_for(&name);
        Self {
            name,
            direct: url.clone(),
            url,
            owned: true,
        }
    }

    /// The same database, reached by the CLI through `url` (a pooler, say); set-up and
    /// checks stay direct. Dropping the view leaves the database alone.
    pub fn through(&self, url: String) -> Self {
        Self {
            name: self.name.clone(),
            url,
            direct: self.direct.clone(),
            owned: false,
        }
    }

    /// A database on a private server (which removes it with itself).
    pub fn external(name: &str, url: String, direct: String) -> Self {
        Self {
            name: name.into(),
            url,
            direct,
            owned: false,
        }
    }

    /// A new client on this database (direct).
    pub fn client(&self) -> db::Client {
        db::connect(&DatabaseUrl::new(self.direct.clone())).unwrap()
    }

    /// One value of a query.
    pub fn scalar<T: for<'a> postgres::types::FromSql<'a>>(&self, sql: &str) -> T {
        self.client().query_one(sql, &[]).unwrap().get(0)
    }

    /// The serving marks in the database (migration V13), by name.
    pub fn serving_marks(&self) -> Vec<String> {
        self.marks("proname::text")
    }

    /// [`TestDb::serving_marks`], each as `schema.name`.
    pub fn serving_marks_qualified(&self) -> Vec<String> {
        self.marks("pronamespace::regnamespace::text || '.' || proname")
    }

    fn marks(&self, column: &str) -> Vec<String> {
        self.client()
            .query(
                &format!(
                    "SELECT {column} FROM pg_proc
                      WHERE proname ~ '^lobu_serves_[0-9]+$' ORDER BY 1"
                ),
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// Drops this binary's serving mark, as a database never marked lacks it.
    pub fn drop_serving_mark(&self) {
        self.client()
            .batch_execute(&format!(
                "DROP FUNCTION {}(lobu_migrations)",
                serving_mark()
            ))
            .unwrap();
    }

    /// Records migration `version` as a newer binary's runner would: in `lobu_migrations`
    /// with its mark, and, when incompatible, in refinery's table too (which binaries
    /// released before the online runner read).
    pub fn newer_migration(&self, version: i32, compatible: bool) {
        let mut c = self.client();
        c.execute(
            "INSERT INTO lobu_migrations (version, name, checksum, compatible)
             VALUES ($1, 'from_a_newer_binary', '0', $2)",
            &[&version, &compatible],
        )
        .unwrap();
        if !compatible {
            c.execute(
                "INSERT INTO lobu_schema_history (version, name, applied_on, checksum)
                 VALUES ($1, 'from_a_newer_binary', '2030-01-01T00:00:00Z', '0')",
                &[&version],
            )
            .unwrap();
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        if std::thread::panicking() {
            eprintln!("kept test database {} for inspection", self.name);
            return;
        }
        if let Ok(mut c) = Client::connect(&server_url(), NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// This binary's serving mark (migration V13): the function of the history table's row
/// that a one-shot command calls to check the schema.
pub fn serving_mark() -> String {
    format!("lobu_serves_{}", lobu_admin::db::migrate::latest_version())
}

/// The serving marks a history of every embedded migration vouches for, by name: this
/// binary's and those of the releases since V13 that it still serves (every migration
/// after V13 so far is compatible).
pub fn serving_marks_vouched() -> Vec<String> {
    (13..=lobu_admin::db::migrate::latest_version())
        .map(|v| format!("lobu_serves_{v}"))
        .collect()
}
