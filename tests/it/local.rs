//! The embedded default database (SPEC 11) on private clusters in temporary homes.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{bare, s};

/// A temporary LOBU_ADMIN_HOME; stops its server and removes it on drop.
pub struct Home(pub PathBuf);

impl Home {
    pub fn new(tag: &str) -> Self {
        let dir = PathBuf::from(format!("/tmp/lobu-it-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn cli(&self) -> crate::support::cli::Cli {
        bare().env("LOBU_ADMIN_HOME", self.0.to_str().unwrap())
    }

    /// Runs SQL on the cluster's database with psql; returns its unaligned output.
    pub fn psql(&self, sql: &str) -> String {
        let out = Command::new("psql")
            .arg("-h")
            .arg(self.0.join("run"))
            .args(["-U", "postgres", "-d", "lobu", "-qAtc", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The cluster's URL, for tests that must not auto-start it.
    pub fn url(&self) -> String {
        format!(
            "host={}/run port=5432 user=postgres dbname=lobu",
            self.0.display()
        )
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.cli().args(["db", "stop"]).run();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn first_use_initialises_then_reuses_and_restarts() {
    let home = Home::new("reuse");
    let st = home.cli().args(["db", "status"]).json();
    assert_eq!(
        (st["initialized"].as_bool(), st["running"].as_bool()),
        (Some(false), Some(false))
    );
    home.cli().args(["org", "create", "acme"]).run().code(0);
    let st = home.cli().args(["db", "status"]).json();
    assert_eq!(
        (st["initialized"].as_bool(), st["running"].as_bool()),
        (Some(true), Some(true))
    );
    // no TCP: the server listens on its socket directory only
    let conf = home.cli().args(["-o", "json", "org", "list"]).run();
    conf.code(0);
    assert_eq!(home.psql("SHOW listen_addresses"), "");
    home.cli().args(["db", "stop"]).run().code(0);
    assert_eq!(home.cli().args(["db", "status"]).json()["running"], false);
    // the next command starts it again; data is kept
    let orgs = home.cli().args(["org", "list"]).json();
    assert_eq!(orgs[0]["id"], "acme");
}

#[test]
fn missing_postgres_binaries_say_what_to_install() {
    let home = Home::new("missing");
    let r = home
        .cli()
        .env("LOBU_PG_BIN", "/nonexistent/bin")
        .args(["org", "list"])
        .run();
    r.code(6);
    assert!(r.stderr.contains("install PostgreSQL"), "{}", r.stderr);
    assert!(r.stderr.contains("DATABASE_URL"), "{}", r.stderr);
    assert!(!home.0.join("pgdata").exists());
}

#[test]
fn concurrent_first_uses_initialise_once() {
    let home = Home::new("race");
    let codes = crate::support::parallel(4, |i| {
        home.cli()
            .args(["org", "create", &format!("o{i}")])
            .run()
            .code
    });
    assert_eq!(codes, [0; 4]);
    assert_eq!(
        home.cli()
            .args(["org", "list"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn demo_runs_as_root_and_as_a_normal_user() {
    let home = Home::new("demo");
    let r = home.cli().args(["demo"]).run();
    r.code(0);
    assert!(r.stdout.contains("already_queued   true"), "{}", r.stdout);
    assert!(r.stdout.contains("completed"));
    // the story: the 08:30 run absorbs the 09:00 slot, the next day's run is queued, and
    // nothing times out; tables show no raw JSON
    assert!(
        r.stdout.contains("reason   skipped: cooldown until"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("#4 completed scheduled"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("timeout") && !r.stdout.contains("{\""),
        "{}",
        r.stdout
    );
    // rerunnable
    home.cli().args(["demo"]).run().code(0);
    let is_root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    if is_root {
        // a normal user with its own home directory
        let user_home = Home::new("demo-user");
        Command::new("chown")
            .args(["-R", "nobody"])
            .arg(&user_home.0)
            .status()
            .unwrap();
        // a copy the user can reach, wherever the checkout lives
        let bin = user_home.0.join("lobu-admin");
        std::fs::copy(assert_cmd::cargo::cargo_bin("lobu-admin"), &bin).unwrap();
        let out = Command::new("runuser")
            .args(["-u", "nobody", "--", "env", "-u", "DATABASE_URL"])
            .arg(format!("HOME={}", user_home.0.display()))
            .arg(format!("LOBU_ADMIN_HOME={}/data", user_home.0.display()))
            .arg(&bin)
            .arg("demo")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = Command::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(&bin)
            .args(["db", "stop"])
            .env("LOBU_ADMIN_HOME", user_home.0.join("data"))
            .output();
    }
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn dispatch_loop_and_triggers_survive_a_server_restart() {
    let home = Home::new("restart");
    let url = home.url();
    home.cli().args(["db", "start"]).run().code(0);
    let on = |args: &[&str]| home.cli().env("DATABASE_URL", &url).args(args).run();
    on(&["org", "create", "acme"]).code(0);
    on(&["provision-agent", "--org", "acme"]).code(0);
    let reg = home
        .cli()
        .env("DATABASE_URL", &url)
        .args([
            "register-device",
            "--org",
            "acme",
            "--user",
            "u",
            "--worker-id",
            "m",
        ])
        .args(["--platform", "macos", "--issue-token"])
        .json();
    let token = s(&reg["token"], "token");
    let w = reg["default_watcher"]["watcher_id"]
        .as_i64()
        .unwrap()
        .to_string();
    // a fast-firing watcher so the loop has work every tick
    on(&[
        "watchers",
        "create",
        "--org",
        "acme",
        "--name",
        "Fast",
        "--schedule",
        "* * * * *",
        "--agent",
        "owletto-default",
        "--prompt",
        "tick",
    ])
    .code(0);
    home.psql("UPDATE watchers SET next_run_at = now() - interval '1 minute'");

    let service =
        crate::support::service::Loop::spawn(&url, &["dispatch", "--loop", "--interval", "1s"]);
    wait_for("a first tick", || !service.lines().is_empty());

    // storm of triggers, then the server goes away in the middle of it
    let storm = |n: usize| {
        crate::support::parallel(n, |_| {
            home.cli()
                .env("DATABASE_URL", &url)
                .token(&token)
                .args(["watchers", "trigger", &w])
                .run()
                .code
        })
    };
    assert!(storm(8).iter().all(|c| *c == 0));
    home.cli().args(["db", "stop"]).run().code(0);
    let down = home
        .cli()
        .env("DATABASE_URL", &url)
        .token(&token)
        .args(["watchers", "trigger", &w])
        .run();
    down.code(6);
    assert!(down.stderr.contains("cannot connect"), "{}", down.stderr);
    let ticks_before = service.lines().len();
    std::thread::sleep(Duration::from_secs(3));
    home.cli().args(["db", "start"]).run().code(0);
    wait_for("ticks after the restart", || {
        service.lines().len() > ticks_before + 1
    });
    assert!(storm(8).iter().all(|c| *c == 0));

    let (status, stderr, _) = service.stop("INT");
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(stderr.contains("database is back"), "{stderr}");

    let q = |sql: &str| home.psql(sql);
    assert_eq!(
        q("SELECT count(*) FROM (SELECT watcher_id FROM runs WHERE status IN ('pending','claimed','running') GROUP BY 1 HAVING count(*) > 1) x"),
        "0"
    );
    assert_eq!(
        q("SELECT count(*) FROM watchers WHERE status = 'active' AND next_run_at IS NULL"),
        "0"
    );
    assert_eq!(
        q("SELECT count(*) FROM (SELECT watcher_id, scheduled_for FROM runs WHERE dispatch_source = 'scheduled' GROUP BY 1, 2 HAVING count(*) > 1) x"),
        "0"
    );
}
