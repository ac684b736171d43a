//! The run life cycle (SPEC 8).

use lobu_admin::devices::Platform;

use crate::support::{bootstrapped_org, cli, mac_org, register, s, TestDb};

fn trigger(db: &TestDb, w: i64) -> String {
    s(
        &cli(db)
            .args(["watchers", "trigger", &w.to_string(), "--admin"])
            .json(),
        "run_id",
    )
}

#[test]
fn devices_claim_only_their_runs_and_unpinned_ones() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let mut c = db.client();
    let other = register(&mut c, "acme", "imac", Platform::Macos);
    bootstrapped_org(&mut c, "beta");
    let foreign = register(&mut c, "beta", "mbp", Platform::Macos);
    let pinned = trigger(&db, dev.watcher.unwrap());
    let free = cli(&db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "Free",
            "--schedule",
            "@daily",
        ])
        .args(["--agent", "owletto-default", "--prompt", "p"])
        .json()["id"]
        .as_i64()
        .unwrap();
    let unpinned = trigger(&db, free);
    assert_eq!(
        cli(&db)
            .args(["runs", "claim"])
            .token(&foreign.token)
            .json(),
        serde_json::json!([])
    );
    let o = cli(&db)
        .args(["runs", "claim", "--limit", "10"])
        .token(&other.token)
        .json();
    assert_eq!(o.as_array().unwrap().len(), 1);
    assert_eq!(s(&o[0], "id"), unpinned);
    assert_eq!(o[0]["status"], "running");
    assert_eq!(o[0]["claimed_by"], other.id.to_string());
    let m = cli(&db)
        .args(["runs", "claim", "--limit", "10"])
        .token(&dev.token)
        .json();
    assert_eq!(m.as_array().unwrap().len(), 1);
    assert_eq!(s(&m[0], "id"), pinned);
    // another device may not touch it; another org cannot see it
    let r = cli(&db)
        .args(["runs", "complete", &pinned])
        .token(&other.token)
        .run();
    r.code(4);
    assert_eq!(
        r.stderr,
        format!("error: run {pinned} belongs to another device\n")
    );
    cli(&db)
        .args(["runs", "heartbeat", &pinned])
        .token(&other.token)
        .run()
        .code(4);
    cli(&db)
        .args(["runs", "complete", &pinned])
        .token(&foreign.token)
        .run()
        .code(3);
    cli(&db)
        .args(["runs", "complete", "999999"])
        .token(&dev.token)
        .run()
        .code(3);
    cli(&db).args(["runs", "claim"]).run().code(2);
}

#[test]
fn heartbeat_complete_is_idempotent_and_sets_last_fired() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    let run = trigger(&db, w);
    cli(&db)
        .args(["runs", "heartbeat", &run])
        .token(&dev.token)
        .run()
        .code(5);
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let hb = cli(&db)
        .args(["runs", "heartbeat", &run])
        .token(&dev.token)
        .json();
    assert!(hb["heartbeat_at"].is_string());
    let done = cli(&db)
        .args(["runs", "complete", &run, "--result", r#"{"summary":"ok"}"#])
        .token(&dev.token)
        .json();
    assert_eq!(
        (done["status"].as_str(), done["changed"].as_bool()),
        (Some("completed"), Some(true))
    );
    assert_eq!(done["output"], serde_json::json!({"summary": "ok"}));
    let again = cli(&db)
        .args(["runs", "complete", &run])
        .token(&dev.token)
        .json();
    assert_eq!(again["changed"], false);
    assert_eq!(again["finished_at"], done["finished_at"]);
    assert_eq!(again["output"], done["output"]);
    let shown = cli(&db).args(["watchers", "show", &w.to_string()]).json();
    assert_eq!(shown["last_fired_at"], done["finished_at"]);
    cli(&db)
        .args(["runs", "fail", &run, "--error", "late"])
        .token(&dev.token)
        .run()
        .code(5);
    cli(&db)
        .args(["runs", "heartbeat", &run])
        .token(&dev.token)
        .run()
        .code(5);
    cli(&db)
        .args(["runs", "complete", &run, "--result", "{not json"])
        .token(&dev.token)
        .run()
        .code(2);
}

#[test]
fn fail_records_the_error() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let run = trigger(&db, dev.watcher.unwrap());
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let f = cli(&db)
        .args(["runs", "fail", &run, "--error", "disk full"])
        .token(&dev.token)
        .json();
    assert_eq!(
        (f["status"].as_str(), f["error"].as_str()),
        (Some("failed"), Some("disk full"))
    );
    let again = cli(&db)
        .args(["runs", "fail", &run, "--error", "disk full"])
        .token(&dev.token)
        .json();
    assert_eq!(again["changed"], false);
    cli(&db)
        .args(["runs", "complete", &run])
        .token(&dev.token)
        .run()
        .code(5);
}

#[test]
fn rescue_requeues_stale_runs_and_times_out_old_ones() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let run = trigger(&db, dev.watcher.unwrap());
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let r = cli(&db).args(["runs", "rescue"]).json();
    assert_eq!(r, serde_json::json!({"requeued": 0, "timed_out": 0}));
    db.client()
        .batch_execute("UPDATE runs SET heartbeat_at = now() - interval '6 minutes'")
        .unwrap();
    let r = cli(&db).args(["runs", "rescue"]).json();
    assert_eq!(r["requeued"], 1);
    let back = cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    assert_eq!(s(&back[0], "id"), run);
    let r = cli(&db).args([
        "runs",
        "rescue",
        "--stale-after",
        "1h",
        "--timeout-after",
        "1m",
    ]);
    let future = (chrono::Utc::now() + chrono::Duration::minutes(2)).to_rfc3339();
    let r = r.args(["--now", &future]).json();
    assert_eq!(r["timed_out"], 1);
    let status: String = db.scalar("SELECT status FROM runs");
    assert_eq!(status, "timeout");
    cli(&db)
        .args(["runs", "complete", &run])
        .token(&dev.token)
        .run()
        .code(5);
}

#[test]
fn operators_list_and_cancel_runs() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let run = trigger(&db, dev.watcher.unwrap());
    let c = cli(&db).args(["runs", "cancel", &run]).json();
    assert_eq!(
        (c["status"].as_str(), c["changed"].as_bool()),
        (Some("cancelled"), Some(true))
    );
    assert_eq!(
        cli(&db).args(["runs", "cancel", &run]).json()["changed"],
        false
    );
    let list = cli(&db)
        .args(["runs", "list", "--org", "acme", "--status", "cancelled"])
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    cli(&db).args(["runs", "cancel", "424242"]).run().code(3);
    let run2 = trigger(&db, dev.watcher.unwrap());
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    cli(&db)
        .args(["runs", "complete", &run2])
        .token(&dev.token)
        .json();
    cli(&db).args(["runs", "cancel", &run2]).run().code(5);
}

#[test]
fn eight_concurrent_claimers_never_share_a_run() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    crate::support::pending_runs(&db, "acme", 200);
    let url = lobu_admin::db::DatabaseUrl::new(db.url.clone());
    let claimed: Vec<i64> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..8)
            .map(|_| {
                let (url, token) = (&url, &dev.token);
                sc.spawn(move || {
                    let mut c = lobu_admin::db::connect(url).unwrap();
                    let now = chrono::Utc::now();
                    let who = lobu_admin::tokens::authenticate(
                        &mut c,
                        &lobu_admin::tokens::Token::new(token.clone()),
                        now,
                    )
                    .unwrap();
                    let mut mine = Vec::new();
                    loop {
                        let batch = lobu_admin::runs::claim(&mut c, &who, 3, now).unwrap();
                        if batch.is_empty() {
                            return mine;
                        }
                        mine.extend(batch.iter().map(|r| r.id));
                    }
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut unique = claimed.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(claimed.len(), 200);
    assert_eq!(unique.len(), 200);
}

/// Heartbeat, complete and cancel find their run by its key whatever the statistics say:
/// with the runs table analysed while no run was active, then 200 runs claimed, they
/// scanned `runs_one_active_per_watcher` (every active run) for one row; `runs.rs` spells
/// their status tests so that no partial index's predicate follows from them.
#[test]
fn heartbeat_complete_and_cancel_use_the_key_whatever_the_statistics_say() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let mut c = db.client();
    crate::support::due_watchers(&mut c, "acme", 200, "@daily");
    let running: Vec<i64> = {
        c.batch_execute(
            "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, queued_at, finished_at)
             SELECT 'acme', w.id, w.agent_id, 'scheduled', 'schedule', 'completed',
                    now() - make_interval(days => g), now() - make_interval(days => g)
             FROM watchers w, generate_series(1, 50) g;
             ANALYZE runs;",
        )
        .unwrap();
        c.query(
            "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, queued_at, claimed_at, heartbeat_at, claimed_by)
             SELECT org_id, id, agent_id, 'manual', 'admin', 'running', now(), now(), now(), $1
             FROM watchers ORDER BY id
             RETURNING id",
            &[&dev.id],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
    };
    let before = crate::support::runs_index_scans(&mut c);
    let [a, b, x] = [running[0], running[1], running[2]].map(|id| id.to_string());
    cli(&db)
        .args(["runs", "heartbeat", &a])
        .token(&dev.token)
        .json();
    cli(&db)
        .args(["runs", "complete", &b])
        .token(&dev.token)
        .json();
    cli(&db).args(["runs", "cancel", &x]).json();
    let after = crate::support::runs_index_scans_after(&mut c, &before, "runs_pkey", 3);
    assert!(after["runs_pkey"] >= before["runs_pkey"] + 3, "{after:?}");
    for whole_set in ["runs_one_active_per_watcher", "runs_active_heartbeat"] {
        assert_eq!(
            after[whole_set], before[whole_set],
            "{whole_set} was scanned"
        );
    }
}

/// `runs list --org X` and `--watcher N` name an unknown one (exit 3), as every other
/// command does, instead of printing an empty list; an existing one with no runs, or a
/// page past the last, is an empty list.
#[test]
fn runs_list_names_an_unknown_organisation_or_watcher() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let r = cli(&db).args(["runs", "list", "--org", "acm"]).run();
    r.code(3);
    assert_eq!(r.stderr, "error: organization acm not found\n");
    let r = cli(&db).args(["runs", "list", "--watcher", "999"]).run();
    r.code(3);
    assert_eq!(r.stderr, "error: watcher 999 not found\n");
    let r = cli(&db)
        .args([
            "-o",
            "json",
            "runs",
            "list",
            "--org",
            "acme",
            "--watcher",
            "999",
        ])
        .run();
    r.code(3);
    assert_eq!(r.json_error()["kind"], "not_found");
    // known, without runs: an empty list
    assert_eq!(
        cli(&db).args(["runs", "list", "--org", "acme"]).json(),
        serde_json::json!([])
    );
    assert_eq!(
        cli(&db).args(["runs", "list", "--watcher", &w]).json(),
        serde_json::json!([])
    );
    let run = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json()["run_id"].clone();
    assert_eq!(
        cli(&db)
            .args([
                "runs",
                "list",
                "--org",
                "acme",
                "--before",
                &run.to_string()
            ])
            .json(),
        serde_json::json!([])
    );
}
