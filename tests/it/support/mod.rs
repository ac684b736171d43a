//! Test support: databases, CLI runs and common set-ups.
#![allow(dead_code)]

pub mod cli;
pub mod cluster;
pub mod db;
pub mod flow;
pub mod netns;
pub mod pki;
pub mod previous;
pub mod proxy;
pub mod service;

use chrono::{DateTime, Utc};
use lobu_admin::db::Client;
use lobu_admin::{db as ldb, devices, provisioning};
use serde_json::Value;

pub use cli::{bare, cli, Run};
pub use db::TestDb;

/// A fixed "now" for library calls.
pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Creates an org with its default agent.
pub fn bootstrapped_org(c: &mut Client, id: &str) {
    lobu_admin::orgs::create(c, id, None).unwrap();
    ldb::in_tx(c, |tx, now| provisioning::provision_agent(tx, id, now)).unwrap();
}

/// A registered device with a token.
pub struct Dev {
    /// Device id.
    pub id: uuid::Uuid,
    /// Plain token.
    pub token: String,
    /// Default watcher, if created.
    pub watcher: Option<i64>,
}

/// Registers a device with a token through the library.
pub fn register(c: &mut Client, org: &str, worker: &str, platform: devices::Platform) -> Dev {
    let r = ldb::in_tx(c, |tx, now| {
        devices::register(
            tx,
            &devices::RegisterDevice {
                org_id: org.into(),
                user_id: "u1".into(),
                worker_key: worker.into(),
                platform,
                name: None,
                timezone: Some(chrono_tz::Europe::Berlin),
                app_version: None,
                issue_token: true,
                token_expires_in: None,
                token_value: None,
            },
            now,
        )
    })
    .unwrap();
    Dev {
        id: r.device_id,
        token: r.token.unwrap().token,
        watcher: r.default_watcher.watcher_id,
    }
}

/// An org with its default agent and one Mac (with the daily check-in).
pub fn mac_org(db: &TestDb, org: &str) -> Dev {
    let mut c = db.client();
    bootstrapped_org(&mut c, org);
    register(&mut c, org, "mbp", devices::Platform::Macos)
}

/// `n` active watchers `w1`..`wn` in `org` on `schedule`, due a minute ago; their ids.
pub fn due_watchers(c: &mut Client, org: &str, n: i32, schedule: &str) -> Vec<i64> {
    c.query(
        "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, next_run_at)
         SELECT $1, 'w' || i, 'W', 'p', $3, 'owletto-default', now() - interval '1 minute'
         FROM generate_series(1, $2) i
         RETURNING id",
        &[&org, &n, &schedule],
    )
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// `n` watchers in `org`, each with a pending manual run (for claim races).
pub fn pending_runs(db: &TestDb, org: &str, n: i32) {
    db.client()
        .execute(
            "WITH w AS (
                 INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id,
                                       next_run_at)
                 SELECT $1, 'w' || i, 'W', 'p', '@daily', 'owletto-default', now()
                 FROM generate_series(1, $2) i
                 RETURNING org_id, id, agent_id)
             INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by)
             SELECT org_id, id, agent_id, 'manual', 'admin' FROM w",
            &[&org, &n],
        )
        .unwrap();
}

/// A field of a JSON object as a string.
pub fn s(v: &Value, k: &str) -> String {
    v[k].as_str()
        .map_or_else(|| v[k].to_string(), str::to_string)
}

/// Runs `f(0..n)` on `n` threads at once and returns the results in order.
pub fn parallel<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let f = &f;
                s.spawn(move || f(i))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Waits (up to 20 s) until a session of database `dbname` waits on a lock, asking through
/// `client`: the moment a race test has its contender where it wants it.
pub fn until_a_session_waits_on_a_lock(client: &mut Client, dbname: &str) {
    until_sessions_wait_on_a_lock(client, dbname, 1, || false);
}

/// Waits (up to 20 s) until `n` sessions of database `dbname` wait on a lock, or until
/// `done()` (a contender that finished without waiting), asking through `client`.
pub fn until_sessions_wait_on_a_lock(
    client: &mut Client,
    dbname: &str,
    n: i64,
    done: impl Fn() -> bool,
) {
    let start = std::time::Instant::now();
    while !done()
        && client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = $1 AND wait_event_type = 'Lock'",
                &[&dbname],
            )
            .unwrap()
            .get::<_, i64>(0)
            < n
    {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "fewer than {n} sessions of {dbname} waited on a lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// How often each index of `runs` has been scanned (`pg_stat_user_indexes`), read afresh.
pub fn runs_index_scans(c: &mut Client) -> std::collections::HashMap<String, i64> {
    c.batch_execute("SELECT pg_stat_clear_snapshot()").unwrap();
    c.query(
        "SELECT indexrelname::text, idx_scan FROM pg_stat_user_indexes WHERE relname = 'runs'",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// [`runs_index_scans`] once `index` has been scanned at least `n` times more than in
/// `before`, or after 10 s: a CLI's statistics reach the server when its backend exits.
pub fn runs_index_scans_after(
    c: &mut Client,
    before: &std::collections::HashMap<String, i64>,
    index: &str,
    n: i64,
) -> std::collections::HashMap<String, i64> {
    let start = std::time::Instant::now();
    let mut after = runs_index_scans(c);
    while after[index] < before[index] + n && start.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        after = runs_index_scans(c);
    }
    after
}
