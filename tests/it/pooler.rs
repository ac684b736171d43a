//! PgBouncer (Debian's package, stock settings) in transaction pooling mode with a pool of
//! 4 server connections in front of the test server, and once in session mode (SPEC 12).

use std::time::{Duration, Instant};

use crate::support::cluster::Bouncer;
use crate::support::{cli, mac_org, TestDb};

pub(crate) fn server_port() -> u16 {
    let url = crate::support::db::server_url();
    url.rsplit_once(':')
        .and_then(|(_, rest)| rest.split('/').next()?.parse().ok())
        .unwrap_or(5432)
}

fn bouncer(mode: &str) -> Bouncer {
    Bouncer::start(server_port(), mode, 4)
}

#[test]
fn whole_flow_through_transaction_pooling() {
    let pool = bouncer("transaction");
    let db = TestDb::empty();
    crate::support::flow::whole_flow(&db.through(pool.url(&db.name)));
}

#[test]
fn whole_flow_through_session_pooling() {
    let pool = bouncer("session");
    let db = TestDb::empty();
    crate::support::flow::whole_flow(&db.through(pool.url(&db.name)));
}

#[test]
fn four_concurrent_migrations_through_the_pooler_apply_each_once() {
    let pool = bouncer("transaction");
    let db = TestDb::empty();
    let via = db.through(pool.url(&db.name));
    let runs = crate::support::parallel(4, |_| cli(&via).args(["migrate"]).run());
    for r in &runs {
        r.code(0);
    }
    let (rows, distinct): (i64, i64) = {
        let row = db
            .client()
            .query_one(
                "SELECT count(*), count(DISTINCT version) FROM lobu_migrations",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    let expected = lobu_admin::db::migrate::embedded_count();
    assert_eq!((rows, distinct), (expected, expected), "{}", pool.log());
    // no advisory lock is left on any pooled server connection of this database (other
    // tests' databases, and the test support's own lock on the server, are not ours)
    let locks: i64 = db.scalar(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database \
         WHERE l.locktype = 'advisory' AND d.datname = current_database()",
    );
    assert_eq!(locks, 0);
}

#[test]
fn races_hold_through_transaction_pooling() {
    let pool = bouncer("transaction");
    let on = |db: &TestDb| db.through(pool.url(&db.name));
    crate::trigger::trigger_storm(&on(&TestDb::new()));
    crate::provisioning::sixteen_provisions(&on(&TestDb::new()));
    crate::provisioning::sixteen_first_macs(&on(&TestDb::new()));
    crate::dispatch::four_dispatchers(&on(&TestDb::new()));
}

#[test]
fn eight_claimer_processes_through_the_pooler_share_no_run() {
    let pool = bouncer("transaction");
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    crate::support::pending_runs(&db, "acme", 200);
    let via = db.through(pool.url(&db.name));
    let claimed: Vec<Vec<i64>> = crate::support::parallel(8, |_| {
        let mut mine = Vec::new();
        loop {
            let batch = cli(&via)
                .args(["runs", "claim", "--limit", "5"])
                .token(&dev.token)
                .json();
            let ids: Vec<i64> = batch
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
            if ids.is_empty() {
                return mine;
            }
            mine.extend(ids);
        }
    });
    let mut all: Vec<i64> = claimed.concat();
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!((total, all.len()), (200, 200), "duplicates or losses");
    let running: i64 = db.scalar("SELECT count(*) FROM runs WHERE status = 'running'");
    assert_eq!(running, 200);
}

#[test]
fn a_held_lock_fails_within_the_lock_timeout_through_the_pooler() {
    let pool = bouncer("transaction");
    let db = TestDb::new();
    db.client()
        .batch_execute("INSERT INTO organizations (id, name) VALUES ('acme', 'Acme')")
        .unwrap();
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("SELECT 1 FROM organizations WHERE id = 'acme' FOR UPDATE")
        .unwrap();
    let start = Instant::now();
    let r = cli(&db.through(pool.url(&db.name)))
        .args(["provision-agent", "--org", "acme"])
        .run();
    let took = start.elapsed();
    r.code(5);
    assert!(r.stderr.contains("lock"), "{}", r.stderr);
    assert!(took < Duration::from_secs(15), "took {took:?}");
    tx.rollback().unwrap();
    // the lock timeout was transaction-local: no pooled server session keeps it
    let mut pooled = postgres::Client::connect(&pool.url(&db.name), postgres::NoTls).unwrap();
    for _ in 0..8 {
        let rows = pooled.simple_query("SHOW lock_timeout").unwrap();
        let value = rows.iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        });
        assert_eq!(value.as_deref(), Some("0"));
    }
}

/// Flights through transaction pooling: a token's principal and the timeouts are
/// transaction-local, so no pooled server session keeps them after a trigger or a claim
/// (`DateStyle`, which the settings query also sets for the transaction:
/// `flight_principal_attacks::session_date_style_and_time_zone_neither_skew_nor_leak`).
#[test]
fn flights_leave_nothing_in_pooled_sessions() {
    let pool = bouncer("transaction");
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let via = db.through(pool.url(&db.name));
    let w = dev.watcher.unwrap().to_string();
    for args in [
        &["watchers", "trigger", &w][..],
        &["runs", "claim"],
        &["watchers", "trigger", "--admin", &w],
    ] {
        cli(&via).token(&dev.token).args(args).run().code(0);
    }
    let mut pooled = postgres::Client::connect(&pool.url(&db.name), postgres::NoTls).unwrap();
    for _ in 0..8 {
        let rows = pooled
            .simple_query(
                "SELECT current_setting('lock_timeout'), \
                        coalesce(current_setting('lobu.device_id', true), '')",
            )
            .unwrap();
        let values = rows.iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => {
                Some((r.get(0).map(str::to_string), r.get(1).map(str::to_string)))
            }
            _ => None,
        });
        let none = Some(String::new());
        assert_eq!(values, Some((Some("0".into()), none)));
    }
}
