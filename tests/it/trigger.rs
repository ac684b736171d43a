//! The device-bound manual trigger (SPEC 5).

use crate::support::{cli, mac_org, register, TestDb};
use lobu_admin::devices::Platform;
use serde::Deserialize;

/// The exact JSON shape of a trigger result.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Triggered {
    run_id: i64,
    watcher_id: i64,
    status: String,
    already_queued: bool,
    dispatch_source: String,
    triggered_by: String,
    queued_at: String,
    attempt: i32,
    retry_of: Option<i64>,
}

fn trigger(db: &TestDb, id: i64, token: &str) -> Triggered {
    let v = cli(db)
        .args(["watchers", "trigger", &id.to_string()])
        .token(token)
        .json();
    serde_json::from_value(v).unwrap()
}

fn run_count(db: &TestDb) -> i64 {
    db.scalar("SELECT count(*) FROM runs")
}

#[test]
fn second_trigger_returns_active_run() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    let first = trigger(&db, w, &dev.token);
    assert!(!first.already_queued);
    assert_eq!(first.status, "pending");
    assert_eq!((first.attempt, first.retry_of), (1, None));
    assert_eq!(first.dispatch_source, "manual");
    assert_eq!(first.triggered_by, format!("device:{}", dev.id));
    assert_eq!(first.watcher_id, w);
    let second = trigger(&db, w, &dev.token);
    assert!(second.already_queued);
    assert_eq!(second.run_id, first.run_id);
    assert_eq!(second.queued_at, first.queued_at);
    assert_eq!(run_count(&db), 1);
    // also while claimed / running
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let third = trigger(&db, w, &dev.token);
    assert!(third.already_queued);
    assert_eq!(
        (third.run_id, third.status.as_str()),
        (first.run_id, "running")
    );
    db.client()
        .batch_execute("UPDATE runs SET status = 'claimed'")
        .unwrap();
    assert_eq!(trigger(&db, w, &dev.token).status, "claimed");
    db.client()
        .batch_execute("UPDATE runs SET status = 'running'")
        .unwrap();
    // completed: a new run
    cli(&db)
        .args(["runs", "complete", &first.run_id.to_string()])
        .token(&dev.token)
        .json();
    let fourth = trigger(&db, w, &dev.token);
    assert!(!fourth.already_queued);
    assert_ne!(fourth.run_id, first.run_id);
    assert_eq!(run_count(&db), 2);
}

#[test]
fn token_from_file_stdin_and_flag() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("lobu-tok-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    std::fs::write(&file, format!("{}\n", dev.token)).unwrap();
    let f = cli(&db)
        .args([
            "watchers",
            "trigger",
            &w,
            "--token-file",
            file.to_str().unwrap(),
        ])
        .json();
    let i = cli(&db)
        .args(["watchers", "trigger", &w, "--token-file", "-"])
        .stdin(&dev.token)
        .json();
    let t = cli(&db)
        .args(["watchers", "trigger", &w, "--token", &dev.token])
        .json();
    assert_eq!(f["run_id"], i["run_id"]);
    assert_eq!(i["run_id"], t["run_id"]);
    cli(&db)
        .args(["watchers", "trigger", &w, "--token-file", "/nonexistent/x"])
        .run()
        .code(2);
}

#[test]
fn admin_trigger_needs_no_token() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let r = cli(&db)
        .args([
            "watchers",
            "trigger",
            &dev.watcher.unwrap().to_string(),
            "--admin",
        ])
        .json();
    assert_eq!(r["triggered_by"], "admin");
    assert_eq!(r["already_queued"], false);
}

#[test]
fn trigger_errors_follow_the_spec_order() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let mut c = db.client();
    let other_dev = register(&mut c, "acme", "imac", Platform::Macos);
    crate::support::bootstrapped_org(&mut c, "beta");
    let foreign = register(&mut c, "beta", "mbp", Platform::Macos);

    let r = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&other_dev.token)
        .run();
    r.code(4);
    assert_eq!(
        r.stderr,
        format!("error: watcher {w} is not pinned to this device\n")
    );
    let r = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&foreign.token)
        .run();
    r.code(3);
    assert_eq!(r.stderr, format!("error: watcher {w} not found\n"));
    cli(&db)
        .args(["watchers", "trigger", "999999"])
        .token(&dev.token)
        .run()
        .code(3);
    for bad in ["abc", "0", "-1", "1.5", "", "1; DROP TABLE runs"] {
        cli(&db)
            .args(["watchers", "trigger", bad])
            .token(&dev.token)
            .run()
            .code(2);
    }
    cli(&db).args(["watchers", "trigger", &w]).run().code(2);
    // a bad token is checked before the watcher's existence
    cli(&db)
        .args(["watchers", "trigger", "999999"])
        .token("lobu_dev_nope")
        .run()
        .code(4);
    assert_eq!(run_count(&db), 0);

    cli(&db).args(["watchers", "pause", &w]).run().code(0);
    let r = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run();
    r.code(5);
    assert_eq!(r.stderr, format!("error: watcher {w} is paused\n"));
    cli(&db).args(["watchers", "resume", &w]).run().code(0);
    // an agent removed by hand (`agents delete` refuses while a watcher uses it)
    db.client()
        .batch_execute("DELETE FROM agents WHERE org_id = 'acme' AND id = 'owletto-default'")
        .unwrap();
    let r = cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run();
    r.code(5);
    assert!(r.stderr.contains("agent no longer exists"), "{}", r.stderr);
    cli(&db).args(["watchers", "archive", &w]).run().code(0);
    cli(&db)
        .args(["watchers", "trigger", &w])
        .token(&dev.token)
        .run()
        .code(5);
    assert_eq!(run_count(&db), 0);
}

#[test]
fn manual_trigger_leaves_schedule_fields_alone() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let before = cli(&db).args(["watchers", "show", &w]).json();
    trigger(&db, dev.watcher.unwrap(), &dev.token);
    trigger(&db, dev.watcher.unwrap(), &dev.token);
    let after = cli(&db).args(["watchers", "show", &w]).json();
    assert_eq!(before["next_run_at"], after["next_run_at"]);
    assert_eq!(before["last_fired_at"], after["last_fired_at"]);
    assert_eq!(before["updated_at"], after["updated_at"]);
}

#[test]
fn sixty_four_concurrent_triggers_create_one_run() {
    trigger_storm(&TestDb::new());
}

/// 64 concurrent trigger processes create one run (also run over TLS and through PgBouncer).
pub(crate) fn trigger_storm(db: &TestDb) {
    let dev = mac_org(db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let results: Vec<Triggered> = crate::support::parallel(64, |_| {
        let r = cli(db)
            .args(["-o", "json", "watchers", "trigger", &w])
            .token(&dev.token)
            .run();
        r.code(0);
        serde_json::from_value::<Triggered>(r.json()).unwrap()
    });
    assert_eq!(results.iter().filter(|r| !r.already_queued).count(), 1);
    assert_eq!(results.iter().filter(|r| r.already_queued).count(), 63);
    assert!(results.iter().all(|r| r.run_id == results[0].run_id));
    assert_eq!(run_count(db), 1);
}

#[test]
fn prepared_trigger_behaves_like_trigger() {
    use lobu_admin::watchers::{self, PreparedTrigger, Trigger};
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    let mut c = db.client();
    let p = PreparedTrigger::new(&mut c).unwrap();
    let now = chrono::Utc::now();
    let first = p.trigger(&mut c, w, &Trigger::Admin, now).unwrap();
    let again = p.trigger(&mut c, w, &Trigger::Admin, now).unwrap();
    let plain = watchers::trigger(&mut c, w, &Trigger::Admin, now).unwrap();
    assert!(!first.already_queued && again.already_queued && plain.already_queued);
    assert_eq!((again.run_id, plain.run_id), (first.run_id, first.run_id));
    let err = p
        .trigger(&mut c, 999_999, &Trigger::Admin, now)
        .unwrap_err();
    assert_eq!(err.kind(), lobu_admin::ErrorKind::NotFound);
    let mut other = db.client();
    let token = register(&mut other, "acme", "x", Platform::Macos).token;
    let who =
        lobu_admin::tokens::authenticate(&mut other, &lobu_admin::tokens::Token::new(token), now)
            .unwrap();
    let err = p
        .trigger(&mut c, w, &Trigger::Device(who), now)
        .unwrap_err();
    assert_eq!(err.kind(), lobu_admin::ErrorKind::Forbidden);
    assert_eq!(run_count(&db), 1);
}

/// The audit event of a trigger rides in the trigger's own statement: an admin trigger is
/// the settings' query, the trigger and `COMMIT` (3 round trips, as before the audit
/// trail), and a device trigger adds only the authentication; each records its event.
#[test]
fn a_triggers_audit_event_costs_no_round_trip() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let proxy = crate::support::proxy::Proxy::start();
    let url = proxy.url(&db.name);
    let w = dev.watcher.unwrap().to_string();
    let count = |args: &[&str], token: Option<&str>| {
        let (before, trips) = (proxy.executed(), proxy.round_trips());
        let mut c = crate::support::bare().env("DATABASE_URL", &url);
        if let Some(t) = token {
            c = c.token(t);
        }
        c.args(["-o", "json"]).args(args).run().code(0);
        (proxy.executed() - before, proxy.round_trips() - trips)
    };
    assert_eq!(count(&["watchers", "trigger", &w, "--admin"], None), (3, 3));
    assert_eq!(
        count(&["watchers", "trigger", &w], Some(&dev.token)),
        (4, 4)
    );
    let recorded: Vec<(String, String)> = db
        .client()
        .query("SELECT actor, outcome FROM audit_events ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].1, "queued");
    assert_eq!(
        recorded[1],
        (format!("device:{}", dev.id), "already_queued".to_string())
    );
}
