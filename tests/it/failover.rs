//! High availability (SPEC 12): a primary with a synchronous streaming standby, both
//! private clusters; `dispatch --loop` and a trigger storm on the multi-host URL while the
//! primary dies and the standby is promoted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cluster::Cluster;
use crate::support::{bootstrapped_org, cli, TestDb};

fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn dispatch_loop_and_triggers_follow_a_failover() {
    let primary = Cluster::init("primary");
    primary.start();
    primary.migrated_db("app");
    let standby = Cluster::standby_of(&primary);
    standby.start();
    let mut admin = primary.admin("postgres");
    admin
        .batch_execute("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        .unwrap();
    admin.batch_execute("SELECT pg_reload_conf()").unwrap();
    wait_for("a synchronous standby", Duration::from_secs(30), || {
        admin
            .query_one(
                "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'",
                &[],
            )
            .unwrap()
            .get::<_, i64>(0)
            == 1
    });

    // the multi-host URL: the standby (read-only) first, so finding the primary is tested
    let url = format!(
        "host=127.0.0.1,127.0.0.1 port={},{} user=postgres dbname=app \
         target_session_attrs=read-write connect_timeout=2",
        standby.port, primary.port
    );
    let db = TestDb::external("app", url.clone(), primary.socket_url("app"));
    bootstrapped_org(&mut db.client(), "acme");
    let watchers = crate::support::due_watchers(&mut db.client(), "acme", 40, "* * * * *");

    let service = crate::support::service::Loop::dispatch(&url, &[]);
    let json = |(t, l): (Instant, String)| -> (Instant, Value) {
        (
            t,
            serde_json::from_str(&l).unwrap_or_else(|_| panic!("not JSON: {l}")),
        )
    };
    let lines = || -> Vec<(Instant, Value)> { service.lines().into_iter().map(json).collect() };
    let ticks = || lines().iter().filter(|(_, v)| v["event"] == "tick").count();
    wait_for("a first tick", Duration::from_secs(30), || ticks() > 0);

    // a storm: 4 workers trigger watchers (admin) and cancel the run, over and over;
    // every trigger that exits 0 is recorded
    let stop = AtomicBool::new(false);
    let acknowledged: Mutex<Vec<i64>> = Mutex::default();
    let (killed_at, promoted_at) = std::thread::scope(|s| {
        for worker in 0..4 {
            let (stop, acknowledged, watchers, db) = (&stop, &acknowledged, &watchers, &db);
            s.spawn(move || {
                let mut i = worker;
                while !stop.load(Ordering::SeqCst) {
                    let w = watchers[i % watchers.len()].to_string();
                    i += 4;
                    let r = cli(db)
                        .args(["-o", "json", "watchers", "trigger", &w, "--admin"])
                        .run();
                    if r.code == 0 {
                        let run = r.json()["run_id"].as_i64().unwrap();
                        acknowledged.lock().unwrap().push(run);
                        let _ = cli(db).args(["runs", "cancel", &run.to_string()]).run();
                    } else {
                        assert_eq!(r.code, 6, "{}", r.stderr);
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_secs(2));
        primary.kill();
        let killed_at = Instant::now();
        std::thread::sleep(Duration::from_secs(1));
        standby.promote();
        let promoted_at = Instant::now();
        std::thread::sleep(Duration::from_secs(4));
        stop.store(true, Ordering::SeqCst);
        (killed_at, promoted_at)
    });
    let first_after = {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = lines()
                .iter()
                .find(|(t, v)| *t > promoted_at && v["event"] == "tick")
                .map(|(t, _)| *t);
            if let Some(t) = found {
                break t;
            }
            assert!(Instant::now() < deadline, "no tick on the new primary");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let (status, stderr, all) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let events: Vec<Value> = all.into_iter().map(|l| json(l).1).collect();
    assert!(events.iter().all(|v| v["at"].is_string()), "{events:?}");
    let lost = events
        .iter()
        .filter(|v| v["event"] == "database_lost")
        .count();
    let back = events
        .iter()
        .filter(|v| v["event"] == "database_back")
        .count();
    assert_eq!(
        (lost, back),
        (1, 1),
        "the loss is reported once: {events:?}"
    );
    let to_first_tick = first_after.duration_since(killed_at);
    assert!(
        first_after.duration_since(promoted_at) <= Duration::from_secs(3),
        "resumed {:?} after promotion",
        first_after.duration_since(promoted_at)
    );

    // every acknowledged trigger has its run on the new primary; one active run at most
    // (a run whose cancel failed in the outage is acknowledged again, already_queued)
    let mut acknowledged = acknowledged.into_inner().unwrap();
    acknowledged.sort_unstable();
    acknowledged.dedup();
    assert!(
        acknowledged.len() > 10,
        "too few triggers: {}",
        acknowledged.len()
    );
    let mut new_primary = standby.admin("app");
    let found: i64 = new_primary
        .query_one(
            "SELECT count(*) FROM runs WHERE id = ANY($1)",
            &[&acknowledged],
        )
        .unwrap()
        .get(0);
    let doubled: i64 = new_primary
        .query_one(
            "SELECT count(*) FROM (SELECT watcher_id FROM runs \
             WHERE status IN ('pending','claimed','running') GROUP BY 1 HAVING count(*) > 1) x",
            &[],
        )
        .unwrap()
        .get(0);
    eprintln!(
        "failover: {} acknowledged triggers, {found} found on the new primary, first tick \
         {:.2}s after the primary stopped ({:.2}s after promotion)",
        acknowledged.len(),
        to_first_tick.as_secs_f64(),
        first_after.duration_since(promoted_at).as_secs_f64()
    );
    assert_eq!(
        usize::try_from(found).unwrap(),
        acknowledged.len(),
        "runs lost"
    );
    assert_eq!(doubled, 0);
}
