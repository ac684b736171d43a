//! SPEC 13, run history retention: `runs prune`, `dispatch --loop --prune-after`, and
//! `runs list --before` keyset paging.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cluster::Bouncer;
use crate::support::service::Loop;
use crate::support::{
    bootstrapped_org, cli, due_watchers, runs_index_scans, runs_index_scans_after, TestDb,
};

/// Inserts a finished (or active) run of `watcher` (`None`: its watcher was deleted),
/// `days` old; its id.
fn run(db: &TestDb, watcher: Option<i64>, status: &str, days: i32) -> i64 {
    db.client()
        .query_one(
            "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, queued_at, finished_at)
             VALUES ('acme', $1, 'owletto-default', 'manual', 'admin', $2,
                     now() - make_interval(days => $3),
                     CASE WHEN $2 IN ('pending', 'claimed', 'running') THEN NULL
                          ELSE now() - make_interval(days => $3) END)
             RETURNING id",
            &[&watcher, &status, &days],
        )
        .unwrap()
        .get(0)
}

/// A database with one due watcher in `acme` and `n` of its runs completed 40 days ago.
fn old_runs_of_one_watcher(n: usize) -> (TestDb, i64) {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    let w = due_watchers(&mut db.client(), "acme", 1, "@daily")[0];
    for _ in 0..n {
        run(&db, Some(w), "completed", 40);
    }
    (db, w)
}

fn ids(db: &TestDb) -> Vec<i64> {
    db.client()
        .query("SELECT id FROM runs ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// `watchers list` as JSON, and each watcher's cool-down anchor.
fn observed(db: &TestDb) -> (Value, Vec<Option<chrono::DateTime<chrono::Utc>>>) {
    let list = cli(db).args(["watchers", "list", "--org", "acme"]).json();
    let anchors = db
        .client()
        .query(
            "SELECT (SELECT r.queued_at FROM runs r WHERE r.watcher_id = w.id
                     AND r.status NOT IN ('skipped', 'cancelled') ORDER BY r.id DESC LIMIT 1)
             FROM watchers w ORDER BY w.id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    (list, anchors)
}

#[test]
fn prune_keeps_active_latest_and_young_runs_and_a_dry_run_predicts_it() {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    let w = due_watchers(&mut db.client(), "acme", 3, "@daily");
    let r1 = run(&db, Some(w[0]), "completed", 40);
    let r2 = run(&db, Some(w[0]), "completed", 39); // w1's latest counted: kept
    let r3 = run(&db, Some(w[0]), "cancelled", 38); // w1's latest shown: kept
    let r4 = run(&db, Some(w[0]), "skipped", 37);
    let r6 = run(&db, Some(w[1]), "failed", 40);
    let r7 = run(&db, Some(w[1]), "completed", 1); // young
                                                   // w3's latest finished counted run, kept while a newer one is active: if that one is
                                                   // cancelled, the cool-down falls back to it
    let r8 = run(&db, Some(w[2]), "completed", 40);
    let r9 = run(&db, Some(w[2]), "pending", 40); // active, however old
    let orphan = run(&db, None, "completed", 40);
    let before = observed(&db);
    let all = ids(&db);

    let dry = cli(&db)
        .args(["runs", "prune", "--older-than", "30d", "--dry-run"])
        .json();
    assert_eq!(dry["deleted"], 4, "{dry}");
    assert_eq!(dry["kept_latest"], 3);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(ids(&db), all, "a dry run writes nothing");

    let done = cli(&db)
        .args(["runs", "prune", "--older-than", "30d"])
        .json();
    assert_eq!(
        (
            done["deleted"].clone(),
            done["kept_latest"].clone(),
            done["dry_run"].clone()
        ),
        (
            dry["deleted"].clone(),
            dry["kept_latest"].clone(),
            Value::from(false)
        ),
        "{done}"
    );
    assert_eq!(ids(&db), [r2, r3, r7, r8, r9]);
    let _ = (r1, r4, r6, orphan);
    assert_eq!(
        observed(&db),
        before,
        "watchers list and the cool-down see the same runs"
    );

    let again = cli(&db)
        .args(["runs", "prune", "--older-than", "30d"])
        .json();
    assert_eq!(
        (again["deleted"].clone(), again["batches"].clone()),
        (0.into(), 1.into())
    );
    cli(&db)
        .args(["runs", "prune", "--older-than", "soon"])
        .run()
        .code(2);
}

/// A prune reads each watcher's latest runs once, at its start; a run that finished after
/// that (here one stamped before the cutoff, as a transaction that began long ago would
/// stamp it) is decided in its window's own snapshot, so a watcher's new latest run is
/// kept. Without that rule it would be deleted: it was not among the latest at the start.
#[test]
fn a_run_finished_after_the_prune_started_is_decided_in_its_window() {
    use lobu_admin::prune::Sweep;
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    let w = due_watchers(&mut db.client(), "acme", 2, "@daily");
    let old = run(&db, Some(w[0]), "completed", 40);
    let latest_at_start = run(&db, Some(w[0]), "completed", 39);
    let active = run(&db, Some(w[0]), "running", 39);
    let other = run(&db, Some(w[1]), "completed", 38); // puts `active` inside a window
    let mut c = db.client();
    let mut sweep = Sweep::begin(&mut c, chrono::Duration::days(30)).unwrap();
    assert_eq!(sweep.candidates, 3);
    db.client()
        .execute(
            "UPDATE runs SET status = 'completed', finished_at = now() - interval '35 days'
             WHERE id = $1",
            &[&active],
        )
        .unwrap();
    let mut deleted = 0;
    while !sweep.done() {
        deleted += sweep.advance(&mut c, 10_000).unwrap().deleted;
    }
    assert_eq!(deleted, 1);
    assert_eq!(ids(&db), [latest_at_start, active, other], "{old} went");
}

#[test]
fn prune_works_in_batches_and_through_transaction_pooling() {
    let pool = Bouncer::start(crate::pooler::server_port(), "transaction", 4);
    let (db, _) = old_runs_of_one_watcher(25);
    let via = db.through(pool.url(&db.name));
    let dry = cli(&via)
        .args([
            "runs",
            "prune",
            "--older-than",
            "30d",
            "--batch",
            "10",
            "--dry-run",
        ])
        .json();
    let done = cli(&via)
        .args(["runs", "prune", "--older-than", "30d", "--batch", "10"])
        .json();
    assert_eq!(done["deleted"], 24, "{done}");
    assert_eq!(done["kept_latest"], 1);
    assert_eq!(done["batches"], 3);
    assert_eq!(
        (dry["deleted"].clone(), dry["batches"].clone()),
        (24.into(), 3.into())
    );
    assert_eq!(ids(&db).len(), 1);
}

#[test]
fn the_loop_prunes_at_most_one_batch_per_tick() {
    let (db, _) = old_runs_of_one_watcher(12);
    let service = Loop::dispatch(&db.url, &["--prune-after", "30d", "--prune-batch", "5"]);
    let start = Instant::now();
    while ids(&db).len() > 2 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, stderr, lines) = service.stop("TERM");
    assert!(status.success(), "{stderr}");
    let pruned: Vec<i64> = lines
        .iter()
        .filter_map(|(_, l)| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["event"] == "tick")
        .map(|v| v["pruned"].as_i64().unwrap())
        .collect();
    assert!(pruned.iter().all(|n| *n <= 5), "{pruned:?}");
    // the tick queued a run, which is now the watcher's latest; the newest of the 12 stays
    // as the finished run the cool-down falls back to if that one is cancelled
    assert_eq!(pruned.iter().sum::<i64>(), 11, "{pruned:?}");
    assert_eq!(ids(&db).len(), 2);
}

/// The loop's pruner deletes one window per tick of a sweep it keeps between ticks, and
/// after a sweep ends it rests before reading every watcher's latest runs again: runs
/// that grow old meanwhile wait for the next sweep.
#[test]
fn the_pruner_rests_between_sweeps() {
    use lobu_admin::prune::Pruner;
    let (db, w) = old_runs_of_one_watcher(7);
    let mut c = db.client();
    let tick = |p: &mut Pruner, c: &mut lobu_admin::db::Client| p.tick(c).unwrap();
    let mut resting = Pruner::new(chrono::Duration::days(30), 3);
    assert_eq!([3, 3, 0].map(|_| tick(&mut resting, &mut c)), [3, 3, 0]);
    assert_eq!(ids(&db).len(), 1, "the latest stays");
    // a newer old run: the watcher's latest is now deletable, but the pruner rests
    run(&db, Some(w), "completed", 35);
    assert_eq!(tick(&mut resting, &mut c), 0);
    assert_eq!(ids(&db).len(), 2);
    let mut eager = Pruner::new(chrono::Duration::days(30), 3).resting(Duration::ZERO);
    assert_eq!(
        tick(&mut eager, &mut c),
        1,
        "a new sweep deletes the old latest"
    );
    assert_eq!(ids(&db).len(), 1);
}

#[test]
fn keyset_pages_have_no_gaps_or_overlaps_while_runs_arrive() {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    let w = due_watchers(&mut db.client(), "acme", 1, "@daily")[0];
    let original: Vec<i64> = (0..30)
        .map(|i| run(&db, Some(w), "completed", 30 - i))
        .collect();
    let mut seen = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut args = vec![
            "runs".to_string(),
            "list".into(),
            "--org".into(),
            "acme".into(),
        ];
        args.extend(["--limit".into(), "7".into()]);
        if let Some(b) = before {
            args.extend(["--before".into(), b.to_string()]);
        }
        let page = cli(&db).args(&args).json();
        let page: Vec<i64> = page
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        // new runs arrive between pages
        run(&db, Some(w), "completed", 0);
        match page.last() {
            Some(last) => before = Some(*last),
            None => break,
        }
        if before.is_some() && seen.is_empty() {
            // the first page also saw nothing newer than the originals
            assert!(page.iter().all(|id| original.contains(id)));
        }
        seen.extend(page);
    }
    let mut expected = original.clone();
    expected.reverse();
    assert_eq!(seen, expected, "every run once, newest first");
}

/// SPEC 13, plans independent of statistics: with the runs table analysed while no run was
/// active (autovacuum re-analyses a table of millions only after a tenth of it changed),
/// then a run queued for every watcher, `watchers list` still finds each watcher's active
/// run through its key (`runs_one_active_per_watcher`), never by scanning an index of all
/// active runs that the planner thinks is empty (V8 spells those indexes' predicate so
/// that it cannot).
#[test]
fn active_runs_are_found_by_watcher_whatever_the_statistics_say() {
    let db = TestDb::new();
    bootstrapped_org(&mut db.client(), "acme");
    due_watchers(&mut db.client(), "acme", 200, "@daily");
    let mut c = db.client();
    c.batch_execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                           status, queued_at, finished_at)
         SELECT 'acme', w.id, w.agent_id, 'scheduled', 'schedule', 'completed',
                now() - make_interval(days => g), now() - make_interval(days => g)
         FROM watchers w, generate_series(1, 100) g;
         ANALYZE runs;
         INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by)
         SELECT org_id, id, agent_id, 'manual', 'admin' FROM watchers;",
    )
    .unwrap();
    let before = runs_index_scans(&mut c);
    let listed = cli(&db)
        .args([
            "-o", "json", "watchers", "list", "--org", "acme", "--limit", "1000",
        ])
        .json();
    let active = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["last_run"]["status"] == "pending")
        .count();
    assert_eq!(active, 200, "every watcher's last run is its active one");
    let after = runs_index_scans_after(&mut c, &before, "runs_one_active_per_watcher", 200);
    assert!(
        after["runs_one_active_per_watcher"] - before["runs_one_active_per_watcher"] >= 200,
        "{before:?} {after:?}"
    );
    for whole_set in ["runs_active_org", "runs_active_queued"] {
        assert_eq!(
            after[whole_set], before[whole_set],
            "{whole_set} was scanned"
        );
    }
    // runs list --org walks the organisation's active runs by key, not the rescue's index
    let before = after;
    let page = cli(&db)
        .args([
            "-o", "json", "runs", "list", "--org", "acme", "--limit", "50",
        ])
        .json();
    assert_eq!(page.as_array().unwrap().len(), 50);
    let after = runs_index_scans_after(&mut c, &before, "runs_active_org", 1);
    assert!(
        after["runs_active_org"] > before["runs_active_org"],
        "{after:?}"
    );
    assert_eq!(after["runs_active_queued"], before["runs_active_queued"]);
}
