//! TLS (SPEC 12) against a private cluster with `ssl=on`, a certificate for
//! localhost/127.0.0.1 signed by a CA generated here, and a pg_hba.conf that rejects
//! plain-text TCP and demands a client certificate from one role.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::support::cluster::Cluster;
use crate::support::pki::Pki;
use crate::support::{bare, Run, TestDb};

/// The TLS server and the client-side files.
struct TlsServer {
    cluster: Cluster,
    pki: Pki,
    files: PathBuf,
}

impl TlsServer {
    fn start() -> Self {
        let cluster = Cluster::init("tls");
        let pki = Pki::new("lobu test CA");
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
             hostssl all all 127.0.0.1/32 trust\n\
             hostnossl all all 127.0.0.1/32 reject\n",
        );
        cluster.start();
        cluster.migrated_db("app");
        cluster
            .admin("postgres")
            .batch_execute(
                "CREATE ROLE certuser LOGIN; GRANT pg_write_all_data, pg_read_all_data TO certuser",
            )
            .unwrap();
        let files = cluster.dir.join("client");
        std::fs::create_dir_all(&files).unwrap();
        let s = Self {
            cluster,
            pki,
            files,
        };
        s.file("ca.pem", &s.pki.ca_pem.clone());
        s.file("other-ca.pem", &Pki::new("someone else").ca_pem);
        let (crt, key) = s.pki.issue("certuser", &[], false);
        s.file("client.crt", &crt);
        s.file("client.key", &key);
        s
    }

    /// Writes a client-side file (mode 0600) and returns its path.
    fn file(&self, name: &str, contents: &str) -> String {
        let path = self.files.join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path.display().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.files.join(name).display().to_string()
    }

    /// A URL to database `app` as `user` with the given query string.
    fn url(&self, user: &str, query: &str) -> String {
        format!("{}?{query}", self.cluster.url(user, "app"))
    }

    /// A verified URL to `app` as postgres.
    fn verified(&self) -> String {
        self.url(
            "postgres",
            &format!("sslmode=verify-full&sslrootcert={}", self.path("ca.pem")),
        )
    }

    /// `org list` at `url`, with the time it took.
    fn org_list(&self, url: &str) -> (Run, Duration) {
        let start = Instant::now();
        let r = bare()
            .env("DATABASE_URL", url)
            .env("HOME", self.files.to_str().unwrap())
            .args(["org", "list"])
            .run();
        (r, start.elapsed())
    }
}

#[track_caller]
fn expect(r: &Run, code: i32, needle: &str) {
    r.code(code);
    assert!(
        r.stderr.contains(needle),
        "expected {needle:?} in: {}",
        r.stderr
    );
}

#[test]
fn tls_modes_follow_libpq() {
    let s = TlsServer::start();
    let ca = s.path("ca.pem");
    let other = s.path("other-ca.pem");
    let port = s.cluster.port;
    // (connection string, exit code, text in stderr)
    let cases: Vec<(String, i32, &str)> = vec![
        (s.verified(), 0, ""),
        (format!("host=localhost port={port} user=postgres dbname=app sslmode=verify-full sslrootcert={ca}"), 0, ""),
        (s.url("postgres", &format!("sslmode=verify-ca&sslrootcert={ca}")), 0, ""),
        (s.url("postgres", "sslmode=require"), 0, ""),
        (s.url("postgres", "sslmode=prefer"), 0, ""),
        (s.url("postgres", ""), 0, ""),
        // wrong CA: verification fails, for require too once a root certificate is given
        (s.url("postgres", &format!("sslmode=verify-full&sslrootcert={other}")), 6, "failed verification"),
        (s.url("postgres", &format!("sslmode=verify-ca&sslrootcert={other}")), 6, "failed verification"),
        (s.url("postgres", &format!("sslmode=require&sslrootcert={other}")), 6, "failed verification"),
        // the name in the certificate does not match: verify-full refuses, verify-ca accepts
        (format!("host=db.invalid hostaddr=127.0.0.1 port={port} user=postgres dbname=app sslmode=verify-full sslrootcert={ca}"), 6, "failed verification"),
        (format!("host=db.invalid hostaddr=127.0.0.1 port={port} user=postgres dbname=app sslmode=verify-ca sslrootcert={ca}"), 0, ""),
        // the OS trust store does not know this private CA
        (s.url("postgres", "sslrootcert=system"), 6, "failed verification"),
        (s.url("postgres", "sslmode=require&sslrootcert=system"), 2, "verify-full"),
        // plain text is refused by the server
        (s.url("postgres", "sslmode=disable"), 6, "no encryption"),
        // verify-* with no root certificate anywhere
        (s.url("postgres", "sslmode=verify-full"), 2, "root.crt"),
        (s.url("postgres", "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"), 2, "/nonexistent/ca.pem"),
        (s.url("postgres", "sslmode=sometimes"), 2, "invalid sslmode"),
        // client certificates
        (s.url("certuser", &format!("sslmode=verify-full&sslrootcert={ca}&sslcert={}&sslkey={}", s.path("client.crt"), s.path("client.key"))), 0, ""),
        (s.url("certuser", &format!("sslmode=verify-full&sslrootcert={ca}")), 6, "certuser"),
    ];
    for (url, code, needle) in &cases {
        let (r, took) = s.org_list(url);
        assert_eq!(
            r.code, *code,
            "{url}\nstdout: {}\nstderr: {}",
            r.stdout, r.stderr
        );
        assert!(
            r.stderr.contains(needle),
            "{url}: expected {needle:?} in {}",
            r.stderr
        );
        assert!(took < Duration::from_secs(15), "{url} took {took:?}");
        eprintln!(
            "{code} {url}\n    {}",
            r.stderr.trim().replace('\n', "\n    ")
        );
    }

    // a world-readable key is refused, as libpq does
    let loose = s.file(
        "loose.key",
        &std::fs::read_to_string(s.path("client.key")).unwrap(),
    );
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (r, _) = s.org_list(&s.url(
        "certuser",
        &format!(
            "sslmode=verify-full&sslrootcert={ca}&sslcert={}&sslkey={loose}",
            s.path("client.crt")
        ),
    ));
    expect(&r, 2, "group or world access");

    // libpq's default files: ~/.postgresql/root.crt makes verify-full work without sslrootcert
    std::fs::create_dir_all(s.files.join(".postgresql")).unwrap();
    s.file(".postgresql/root.crt", &s.pki.ca_pem);
    let (r, _) = s.org_list(&s.url("postgres", "sslmode=verify-full"));
    r.code(0);

    // the password never shows, even in a TLS failure
    let (r, _) = s.org_list(&format!(
        "postgres://postgres:s3cret-pw@127.0.0.1:{port}/app?sslmode=verify-full&sslrootcert={other}"
    ));
    r.code(6);
    assert!(
        !r.stderr.contains("s3cret-pw")
            && r.stderr.contains(&format!(
                "database app as user postgres on 127.0.0.1:{port}"
            )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: "), "{}", r.stderr);

    // TLS is really in use under prefer (the library's connection)
    let mut c =
        lobu_admin::db::connect(&lobu_admin::db::DatabaseUrl::new(s.url("postgres", ""))).unwrap();
    let ssl: bool = c
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(ssl);

    // an expired server certificate
    let (crt, key) = s.pki.issue("localhost", &["localhost", "127.0.0.1"], true);
    s.cluster.put("server.crt", &crt);
    s.cluster.put("server.key", &key);
    crate::support::cluster::chown(&s.cluster.dir);
    s.cluster
        .admin("postgres")
        .batch_execute("SELECT pg_reload_conf()")
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let (r, _) = s.org_list(&s.verified());
    expect(&r, 6, "xpired");
}

#[test]
fn whole_flow_and_races_over_verified_tls() {
    let s = TlsServer::start();
    s.cluster
        .admin("postgres")
        .batch_execute("CREATE DATABASE fresh")
        .unwrap();
    let fresh = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        s.cluster.url("postgres", "fresh"),
        s.path("ca.pem")
    );
    let db = TestDb::external("fresh", fresh, s.cluster.socket_url("fresh"));
    crate::support::flow::whole_flow(&db);

    for name in ["storm", "prov", "macs"] {
        s.cluster.migrated_db(name);
    }
    let on = |name: &str| {
        TestDb::external(
            name,
            format!(
                "{}?sslmode=verify-full&sslrootcert={}",
                s.cluster.url("postgres", name),
                s.path("ca.pem")
            ),
            s.cluster.socket_url(name),
        )
    };
    crate::trigger::trigger_storm(&on("storm"));
    crate::provisioning::sixteen_provisions(&on("prov"));
    crate::provisioning::sixteen_first_macs(&on("macs"));
}

/// Over verified TLS a one-shot command costs four round trips: `SSLRequest`, the TLS
/// handshake (the client hello's key share is P-256, which PostgreSQL's default
/// `ssl_ecdh_curve` accepts without a HelloRetryRequest), the client's `Finished` with the
/// start-up message, and the command's one flight.
#[test]
fn a_command_over_verified_tls_takes_four_round_trips() {
    let s = TlsServer::start();
    let proxy = crate::support::proxy::Proxy::to(format!("127.0.0.1:{}", s.cluster.port));
    let url = format!(
        "postgres://postgres@127.0.0.1:{}/app?sslmode=verify-full&sslrootcert={}",
        proxy.port,
        s.path("ca.pem")
    );
    let db = TestDb::external("app", url.clone(), s.cluster.socket_url("app"));
    let dev = crate::support::mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    for (args, code) in [
        (&["org", "show", "nope"][..], 3),
        (&["watchers", "trigger", &w], 0),
        (&["runs", "claim"], 0),
        (&["watchers", "trigger", "--admin", &w], 0),
    ] {
        let before = proxy.flights();
        let r = bare()
            .env("DATABASE_URL", &url)
            .token(&dev.token)
            .args(args)
            .run();
        r.code(code);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(proxy.flights() - before, 4, "{args:?}");
    }
}
