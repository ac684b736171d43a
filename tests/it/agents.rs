//! Agents: create, update, and a delete guarded while watchers use the agent.

use crate::support::{cli, mac_org, until_sessions_wait_on_a_lock, TestDb};
use serde_json::json;

#[test]
fn agents_are_created_and_patched() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    let a = cli(&db)
        .args([
            "agents",
            "create",
            "--org",
            "acme",
            "researcher",
            "--name",
            "Researcher",
        ])
        .args(["--identity", "Find sources."])
        .json();
    assert_eq!(
        (a["id"].as_str(), a["name"].as_str(), a["identity"].as_str()),
        (
            Some("researcher"),
            Some("Researcher"),
            Some("Find sources.")
        )
    );
    let dir = std::env::temp_dir().join(format!("lobu-agents-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("identity.md");
    std::fs::write(&file, "You research.\nCite everything.\n").unwrap();
    let u = cli(&db)
        .args([
            "agents",
            "update",
            "--org",
            "acme",
            "researcher",
            "--identity-file",
        ])
        .args([&file])
        .json();
    assert_eq!(u["identity"], "You research.\nCite everything.\n");
    assert_eq!(u["name"], "Researcher", "a patch: the name stays");
    let u = cli(&db)
        .args([
            "agents",
            "update",
            "--org",
            "acme",
            "researcher",
            "--identity-file",
            "-",
        ])
        .stdin("from stdin")
        .json();
    assert_eq!(u["identity"], "from stdin");
    let u = cli(&db)
        .args([
            "agents",
            "update",
            "--org",
            "acme",
            "researcher",
            "--name",
            "R2",
        ])
        .json();
    assert_eq!(
        (u["name"].as_str(), u["identity"].as_str()),
        (Some("R2"), Some("from stdin"))
    );
    // errors
    let create = |args: &[&str]| cli(&db).args(["agents", "create"]).args(args).run();
    create(&["--org", "acme", "researcher", "--name", "X"]).code(5);
    create(&["--org", "nope", "x", "--name", "X"]).code(3);
    create(&["--org", "acme", "Bad Id", "--name", "X"]).code(2);
    create(&["--org", "acme", "x", "--name", " "]).code(2);
    create(&[
        "--org",
        "acme",
        "x",
        "--name",
        "X",
        "--identity",
        "a",
        "--identity-file",
        "-",
    ])
    .code(2);
    create(&[
        "--org",
        "acme",
        "x",
        "--name",
        "X",
        "--identity-file",
        "/nonexistent/file",
    ])
    .code(2);
    let update = |args: &[&str]| cli(&db).args(["agents", "update"]).args(args).run();
    update(&["--org", "acme", "researcher"]).code(2);
    update(&["--org", "acme", "ghost", "--name", "X"]).code(3);
    assert_eq!(
        audited(&db, &["--org", "acme"], "command"),
        [
            "agents update",
            "agents update",
            "agents update",
            "agents create",
            "org create"
        ]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The `field` of each event `audit list ARGS` lists, newest first.
fn audited(db: &TestDb, args: &[&str], field: &str) -> Vec<String> {
    let list = cli(db).args(["audit", "list"]).args(args).json();
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e[field].as_str().unwrap().to_string())
        .collect()
}

/// An `agents update` to the values the agent has rewrites no row (its `xmin` stays) and
/// says so: `changed: false`, a note, the audit outcome `unchanged` (as `org update`).
#[test]
fn a_no_op_agents_update_writes_nothing_and_is_audited_unchanged() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    let update = |args: &[&str]| {
        cli(&db)
            .args(["agents", "update", "--org", "acme", "r"])
            .args(args)
    };
    cli(&db)
        .args(["agents", "create", "--org", "acme", "r", "--name", "R"])
        .args(["--identity", "I"])
        .run()
        .code(0);
    let xmin = "SELECT xmin::text FROM agents WHERE id = 'r'";
    let before: String = db.scalar(xmin);
    for args in [
        &["--name", "R"][..],
        &["--identity", "I"],
        &["--name", "R", "--identity", "I"],
    ] {
        let u = update(args).json();
        assert_eq!(u["changed"], false, "{args:?}: {u}");
        assert_eq!(
            (u["name"].as_str(), u["identity"].as_str()),
            (Some("R"), Some("I"))
        );
    }
    let r = update(&["--name", "R"]).run();
    r.code(0);
    assert!(
        r.stderr
            .contains("unchanged: agent r already has that name"),
        "{}",
        r.stderr
    );
    assert_eq!(db.scalar::<String>(xmin), before, "no row was rewritten");
    let u = update(&["--identity", "J"]).json();
    assert_eq!(
        (u["changed"].as_bool(), u["identity"].as_str()),
        (Some(true), Some("J"))
    );
    assert_ne!(db.scalar::<String>(xmin), before);
    assert_eq!(
        audited(&db, &["--command", "agents update"], "outcome"),
        [
            "updated",
            "unchanged",
            "unchanged",
            "unchanged",
            "unchanged"
        ]
    );
}

/// Creates the watcher `slug` in acme with `agent`; returns its id.
fn watcher(db: &TestDb, slug: &str, agent: &str) -> i64 {
    cli(db)
        .args([
            "watchers", "create", "--org", "acme", "--name", slug, "--slug", slug,
        ])
        .args(["--schedule", "0 8 * * *", "--agent", agent, "--prompt", "p"])
        .json()["id"]
        .as_i64()
        .unwrap()
}

/// Creates the agent `spare` in acme.
fn spare(db: &TestDb) {
    cli(db)
        .args([
            "agents", "create", "--org", "acme", "spare", "--name", "Spare",
        ])
        .run()
        .code(0);
}

#[test]
fn deleting_an_agent_in_use_is_refused_naming_its_watchers_and_force_pauses_them() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    let mk = |slug: &str| watcher(&db, slug, "owletto-default");
    let (paused, archived) = (mk("paused-one"), mk("archived-one"));
    cli(&db)
        .args(["watchers", "pause", &paused.to_string()])
        .run()
        .code(0);
    cli(&db)
        .args(["watchers", "archive", &archived.to_string()])
        .run()
        .code(0);
    let r = cli(&db)
        .args(["agents", "delete", "--org", "acme", "owletto-default"])
        .run();
    r.code(5);
    assert!(
        r.stderr.contains(&format!("{w} (daily-checkin, active)"))
            && r.stderr.contains(&format!("{paused} (paused-one, paused)"))
            && !r.stderr.contains("archived-one")
            && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(db.scalar::<i64>("SELECT count(*) FROM agents"), 1);
    let d = cli(&db)
        .args([
            "agents",
            "delete",
            "--org",
            "acme",
            "owletto-default",
            "--force",
        ])
        .json();
    assert_eq!(
        d,
        json!({"org_id": "acme", "agent_id": "owletto-default", "watchers_paused": [w],
               "runs_cancelled": 0})
    );
    let reason: String = db.scalar(&format!(
        "SELECT paused_reason FROM watchers WHERE id = {w}"
    ));
    assert_eq!(reason, "agent owletto-default deleted");
    let still: Option<String> = db.scalar(&format!(
        "SELECT paused_reason FROM watchers WHERE id = {paused}"
    ));
    assert_eq!(still, None, "an already paused watcher keeps its reason");
    // an agent nothing uses goes without --force
    spare(&db);
    cli(&db)
        .args(["agents", "delete", "--org", "acme", "spare"])
        .run()
        .code(0);
    cli(&db)
        .args(["agents", "delete", "--org", "acme", "spare"])
        .run()
        .code(3);
}

/// `agents delete --force` cancels the agent's queued runs in its transaction (no device
/// can claim them after), says how many, and leaves a run a device already holds, and the
/// runs of other agents, alone; a watcher whose agent is gone cannot be resumed (exit 5,
/// naming the agent) until it points at another one.
#[test]
fn a_forced_delete_cancels_queued_runs_and_resume_refuses_a_gone_agent() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap();
    spare(&db);
    let (second, other) = (
        watcher(&db, "second", "owletto-default"),
        watcher(&db, "other", "spare"),
    );
    let trigger = |id: i64| {
        cli(&db)
            .args(["watchers", "trigger", &id.to_string(), "--admin"])
            .json()["run_id"]
            .as_i64()
            .unwrap()
    };
    let held = trigger(w);
    let claimed = cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    assert_eq!(claimed[0]["id"].as_i64(), Some(held), "{claimed}");
    let (queued, kept) = (trigger(second), trigger(other));
    let d = cli(&db)
        .args([
            "agents",
            "delete",
            "--org",
            "acme",
            "owletto-default",
            "--force",
        ])
        .json();
    assert_eq!(d["runs_cancelled"], 1, "{d}");
    assert_eq!(d["watchers_paused"], json!([w, second]));
    let state = |id: i64| -> String {
        db.scalar(&format!(
            "SELECT status || ' ' || coalesce(error, '-') FROM runs WHERE id = {id}"
        ))
    };
    assert_eq!(
        state(queued),
        "cancelled cancelled: agent owletto-default deleted"
    );
    assert_eq!(state(held), "running -");
    assert_eq!(state(kept), "pending -");
    let next = cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    assert_eq!(next[0]["id"].as_i64(), Some(kept), "{next}");
    let e = &cli(&db)
        .args([
            "audit",
            "list",
            "--command",
            "agents delete",
            "--limit",
            "1",
        ])
        .json()[0];
    assert_eq!(e["details"]["runs_cancelled"], 1);
    // the held run still finishes
    cli(&db)
        .args(["runs", "complete", &held.to_string()])
        .token(&dev.token)
        .run()
        .code(0);

    let r = cli(&db)
        .args(["watchers", "resume", &second.to_string()])
        .run();
    r.code(5);
    assert!(
        r.stderr.contains("agent owletto-default")
            && r.stderr.contains("no longer exists")
            && r.stderr.contains("--agent"),
        "{}",
        r.stderr
    );
    let status: String = db.scalar(&format!("SELECT status FROM watchers WHERE id = {second}"));
    assert_eq!(status, "paused");
    cli(&db)
        .args([
            "watchers",
            "update",
            &second.to_string(),
            "--agent",
            "spare",
        ])
        .run()
        .code(0);
    cli(&db)
        .args(["watchers", "resume", &second.to_string()])
        .run()
        .code(0);
}

/// A forced delete racing eight devices' claims over 200 queued runs: every run ends
/// either claimed (before the delete) or cancelled by it, never both and never left
/// pending, and `runs_cancelled` is exactly the number it cancelled.
#[test]
fn a_forced_delete_racing_claims_cancels_each_unclaimed_run_once() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    crate::support::pending_runs(&db, "acme", 200);
    let results = crate::support::parallel(9, |i| {
        if i == 8 {
            std::thread::sleep(std::time::Duration::from_millis(150));
            let d = cli(&db)
                .args([
                    "agents",
                    "delete",
                    "--org",
                    "acme",
                    "owletto-default",
                    "--force",
                ])
                .json();
            return d["runs_cancelled"].as_i64().unwrap();
        }
        let mut claimed = 0;
        for _ in 0..8 {
            let r = cli(&db)
                .args(["runs", "claim", "--limit", "3"])
                .token(&dev.token)
                .json();
            claimed += r.as_array().unwrap().len() as i64;
        }
        claimed
    });
    let (claimed, cancelled): (i64, i64) = (results[..8].iter().sum(), results[8]);
    let count =
        |filter: &str| db.scalar::<i64>(&format!("SELECT count(*) FROM runs WHERE {filter}"));
    assert_eq!(count("status = 'pending'"), 0);
    assert_eq!(count("status = 'running'"), claimed);
    assert_eq!(
        count("status = 'cancelled' AND error = 'cancelled: agent owletto-default deleted'"),
        cancelled
    );
    assert_eq!(claimed + cancelled, 200);
    assert!(
        cancelled > 0,
        "the delete came after every claim: {claimed} claimed"
    );
}

/// 16 rounds of a guarded delete racing a watcher created on the agent: never a watcher
/// left active on a deleted agent.
#[test]
fn a_guarded_delete_and_a_watcher_create_never_leave_an_orphan() {
    let db = TestDb::new();
    cli(&db).args(["org", "create", "acme"]).run().code(0);
    for i in 0..16 {
        let agent = format!("a{i}");
        cli(&db)
            .args(["agents", "create", "--org", "acme", &agent, "--name", "A"])
            .run()
            .code(0);
        crate::support::parallel(2, |k| {
            if k == 0 {
                cli(&db)
                    .args(["agents", "delete", "--org", "acme", &agent])
                    .run()
                    .code
            } else {
                cli(&db)
                    .args(["watchers", "create", "--org", "acme", "--name", &agent])
                    .args(["--schedule", "@daily", "--agent", &agent, "--prompt", "p"])
                    .run()
                    .code
            }
        });
    }
    let orphans: i64 = db.scalar(
        "SELECT count(*) FROM watchers w WHERE status = 'active'
         AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.org_id = w.org_id AND a.id = w.agent_id)",
    );
    assert_eq!(orphans, 0);
}

/// Runs of agents that are gone and that a device could still claim.
fn claimable_runs_of_gone_agents(db: &TestDb) -> i64 {
    db.scalar(
        "SELECT count(*) FROM runs r WHERE r.status = 'pending'
         AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.org_id = r.org_id AND a.id = r.agent_id)",
    )
}

/// A forced delete of acme's default agent held open (its locks, pause and cancel done,
/// not committed) while `contend` queues a run of the agent's watcher on another
/// connection; the delete commits once the contender is done or waits on a lock. Returns
/// what the contender saw.
fn forced_delete_held_open_against<T: Send>(
    db: &TestDb,
    contend: impl FnOnce(&mut lobu_admin::db::Client) -> T + Send,
) -> T {
    let mut d = db.client();
    d.batch_execute("BEGIN").unwrap();
    let deleted = lobu_admin::agents::delete_guarded(
        &mut d,
        "acme",
        "owletto-default",
        true,
        chrono::Utc::now(),
    )
    .unwrap();
    assert_eq!(deleted.watchers_paused.len(), 1);
    let seen = std::thread::scope(|s| {
        let h = s.spawn(|| contend(&mut db.client()));
        until_sessions_wait_on_a_lock(&mut db.client(), &db.name, 1, || h.is_finished());
        d.batch_execute("COMMIT").unwrap();
        h.join().unwrap()
    });
    assert_eq!(claimable_runs_of_gone_agents(db), 0);
    seen
}

/// A trigger whose snapshot predates a forced delete's commit (it read the watcher active
/// and the agent present) does not queue a run after the delete cancelled the agent's
/// queued ones: it waits on the agent row and finds it gone (exit 5's `conflict`).
#[test]
fn a_trigger_during_a_forced_delete_queues_no_run_of_the_gone_agent() {
    let db = TestDb::new();
    let w = mac_org(&db, "acme").watcher.unwrap();
    let seen = forced_delete_held_open_against(&db, |c| {
        lobu_admin::watchers::trigger(
            c,
            w,
            &lobu_admin::watchers::Trigger::Admin,
            chrono::Utc::now(),
        )
    });
    assert!(
        matches!(seen, Err(lobu_admin::Error::Conflict(_))),
        "{seen:?}"
    );
}

/// The same for a retry that comes due while the delete is under way.
#[test]
fn a_retry_during_a_forced_delete_queues_no_run_of_the_gone_agent() {
    let db = TestDb::new();
    let w = mac_org(&db, "acme").watcher.unwrap();
    db.client()
        .batch_execute(&format!(
            "UPDATE watchers SET retries = 2, next_run_at = now() + interval '1 day' WHERE id = {w};
             INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, finished_at, retry_at)
             VALUES ('acme', {w}, 'owletto-default', 'manual', 'admin', 'failed', now(),
                     now() - interval '1 second')"
        ))
        .unwrap();
    let tick = forced_delete_held_open_against(&db, |c| {
        lobu_admin::dispatch::run_once(
            c,
            lobu_admin::db::Clock::Database,
            &lobu_admin::dispatch::Options::default(),
        )
        .unwrap()
    });
    assert_eq!(tick.retried, 0);
}

/// Six connections triggering the agent's watchers over and over while `agents delete
/// --force` runs, for eight agents: once the delete has committed, no run of the gone
/// agent is left for a device to claim.
#[test]
fn forced_deletes_racing_triggers_leave_no_claimable_run_of_a_gone_agent() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    for i in 0..8 {
        let agent = format!("a{i}");
        let watchers: Vec<i64> = db
            .client()
            .query(
                "WITH a AS (INSERT INTO agents (org_id, id, name) VALUES ('acme', $1, 'A'))
                 INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id)
                 SELECT 'acme', $1 || '-' || k, 'W', 'p', '@daily', $1
                 FROM generate_series(1, 6) k
                 RETURNING id",
                &[&agent],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        crate::support::parallel(7, |k| {
            if k == 6 {
                std::thread::sleep(std::time::Duration::from_millis(30));
                cli(&db)
                    .args(["agents", "delete", "--org", "acme", &agent, "--force"])
                    .run()
                    .code(0);
                return;
            }
            let mut c = db.client();
            let admin = lobu_admin::watchers::Trigger::Admin;
            for _ in 0..5000 {
                if lobu_admin::watchers::trigger(&mut c, watchers[k], &admin, chrono::Utc::now())
                    .is_err()
                {
                    break;
                }
            }
        });
        assert_eq!(claimable_runs_of_gone_agents(&db), 0, "round {i}");
    }
}

/// A forced `agents delete` of `agent` queued behind a third session that holds the
/// agent, then `contend` on another connection, queued too; the holder lets go. Returns
/// the delete's outcome and the contender's: the interleaving in which a contender that
/// holds a watcher while it waits for the agent deadlocks with the delete (which locks
/// the agent, then its watchers).
fn against_a_queued_forced_delete<T: Send>(
    db: &TestDb,
    agent: &str,
    contend: impl FnOnce() -> T + Send,
) -> (lobu_admin::Result<lobu_admin::agents::AgentDeleted>, T) {
    let held = format!("SELECT 1 FROM agents WHERE org_id = 'acme' AND id = '{agent}'");
    behind_a_holder(db, &held, agent, contend)
}

/// [`against_a_queued_forced_delete`] with the third session holding the rows `held`
/// selects (`FOR UPDATE`).
fn behind_a_holder<T: Send>(
    db: &TestDb,
    held: &str,
    agent: &str,
    contend: impl FnOnce() -> T + Send,
) -> (lobu_admin::Result<lobu_admin::agents::AgentDeleted>, T) {
    let waiting = |n| until_sessions_wait_on_a_lock(&mut db.client(), &db.name, n, || false);
    let mut holder = db.client();
    holder
        .batch_execute(&format!("BEGIN; {held} FOR UPDATE"))
        .unwrap();
    std::thread::scope(|s| {
        let delete = s.spawn(|| {
            lobu_admin::db::in_tx(&mut db.client(), |tx, now| {
                lobu_admin::agents::delete_guarded(tx, "acme", agent, true, now)
            })
        });
        waiting(1);
        let contender = s.spawn(contend);
        waiting(2);
        holder.batch_execute("COMMIT").unwrap();
        (delete.join().unwrap(), contender.join().unwrap())
    })
}

/// `watchers resume`, and `watchers update --agent` naming the agent the watcher uses,
/// against a forced `agents delete` of that agent: the delete locks the agent, then its
/// watchers; neither may hold the watcher while it waits for the agent (a deadlock, exit 5
/// after a second). Made certain: a third session holds the agent while the delete queues
/// on it, then the contender comes; the holder lets go.
#[test]
fn resume_and_update_against_a_forced_delete_of_their_agent_do_not_deadlock() {
    type Contender = fn(&mut lobu_admin::db::Client, i64) -> lobu_admin::Result<()>;
    let resume: Contender = |c, w| {
        lobu_admin::db::in_tx(c, |tx, now| lobu_admin::watchers::resume(tx, w, now)).map(drop)
    };
    let update: Contender = |c, w| {
        let patch = lobu_admin::watchers::WatcherPatch {
            agent_id: Some("owletto-default".into()),
            ..Default::default()
        };
        lobu_admin::db::in_tx(c, |tx, now| {
            lobu_admin::watchers::update(tx, w, &patch, now)
        })
        .map(drop)
    };
    for (what, contend) in [("resume", resume), ("update --agent", update)] {
        let db = TestDb::new();
        let w = mac_org(&db, "acme").watcher.unwrap();
        db.client()
            .batch_execute(&format!(
                "UPDATE watchers SET status = 'paused' WHERE id = {w}"
            ))
            .unwrap();
        let (deleted, contended) =
            against_a_queued_forced_delete(&db, "owletto-default", || contend(&mut db.client(), w));
        assert!(deleted.is_ok(), "{what}: {deleted:?}");
        // the agent is gone: the contender says so, and is no deadlock's victim
        assert!(
            matches!(
                &contended,
                Err(lobu_admin::Error::Conflict(_)) | Err(lobu_admin::Error::NotFound(_))
            ),
            "{what}: {contended:?}"
        );
    }
}

/// `seed --update` renaming an agent and giving one of its watchers a new schedule, against
/// a forced `agents delete` of that agent: seed locks the watchers it recomputes after the
/// organisations, agents and devices, as the delete locks the agent before its watchers
/// (it locked them first, and deadlocked). A third session holds the agent while the
/// delete queues on it, then seed comes; the holder lets go.
#[test]
fn seed_update_against_a_forced_delete_of_an_agent_does_not_deadlock() {
    let db = TestDb::new();
    let fixture = |agent_name: &str, schedule: &str| {
        serde_json::json!({"organizations": [{
            "id": "acme", "name": "Acme",
            "agents": [{"id": "bot", "name": agent_name}],
            "watchers": [{"slug": "daily", "name": "Daily", "schedule": schedule,
                          "timezone": "UTC", "agent": "bot", "prompt": "p"}]
        }]})
        .to_string()
    };
    cli(&db)
        .args(["seed", "-"])
        .stdin(&fixture("Bot", "0 9 * * *"))
        .json();
    let (deleted, seeded) = against_a_queued_forced_delete(&db, "bot", || {
        cli(&db)
            .args(["seed", "--update", "-"])
            .stdin(&fixture("Bot 2", "0 10 * * *"))
            .run()
    });
    assert!(deleted.is_ok(), "{deleted:?}");
    seeded.code(0);
}

/// `seed --update` renaming one watcher of an agent and giving another a new spread,
/// against a forced `agents delete` of that agent: both lock the agent's watchers in id
/// order. Seed locked the moved watcher first and the renamed one in its final update,
/// holding one while it waited for the other, which the delete held while it waited for the
/// first: a deadlock (exit 5). Made certain: a third session holds the first watcher, the
/// delete queues on it, then seed; the holder lets go.
#[test]
fn seed_update_locks_an_agents_watchers_in_the_order_a_forced_delete_does() {
    let db = TestDb::new();
    let fixture = |name: &str, spread: &str| {
        let watcher = |slug: &str, name: &str, spread: &str| {
            json!({"slug": slug, "name": name, "schedule": "0 9 * * *", "timezone": "UTC",
                   "agent": "bot", "prompt": "p", "spread": spread})
        };
        json!({"organizations": [{
            "id": "acme", "name": "Acme",
            "agents": [{"id": "bot", "name": "Bot"}],
            "watchers": [watcher("first", name, "0s"), watcher("second", "Second", spread)]
        }]})
        .to_string()
    };
    cli(&db)
        .args(["seed", "-"])
        .stdin(&fixture("First", "0s"))
        .run()
        .code(0);
    let first: i64 = db.scalar("SELECT id FROM watchers WHERE slug = 'first'");
    let second: i64 = db.scalar("SELECT id FROM watchers WHERE slug = 'second'");
    assert!(first < second);
    let held = format!("SELECT 1 FROM watchers WHERE id = {first}");
    let (deleted, seeded) = behind_a_holder(&db, &held, "bot", || {
        cli(&db)
            .args(["seed", "--update", "-"])
            .stdin(&fixture("First 2", "1h"))
            .run()
    });
    assert!(deleted.is_ok(), "{deleted:?}");
    assert!(!seeded.stderr.contains("deadlock"), "{}", seeded.stderr);
}
