//! `watchers list` / `show` (SPEC 6) and watcher management (SPEC 9).

use crate::support::{cli, mac_org, s, until_a_session_waits_on_a_lock, TestDb};
use chrono::{DateTime, Duration, SecondsFormat, Timelike, Utc};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LastRun {
    id: i64,
    status: String,
    dispatch_source: String,
    queued_at: String,
    finished_at: Option<String>,
    attempt: i32,
    retry_of: Option<i64>,
}

/// The exact JSON shape of a `watchers list` row.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Listed {
    id: i64,
    slug: String,
    name: String,
    schedule: String,
    timezone: String,
    status: String,
    device_id: Option<String>,
    agent_id: String,
    next_run_at: Option<String>,
    next_run_local: Option<String>,
    last_fired_at: Option<String>,
    last_run: Option<LastRun>,
}

fn list(db: &TestDb, extra: &[&str]) -> Vec<Listed> {
    let v = cli(db)
        .args(["watchers", "list", "--org", "acme"])
        .args(extra)
        .json();
    serde_json::from_value(v).unwrap()
}

fn create(db: &TestDb, name: &str, extra: &[&str]) -> i64 {
    cli(db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            name,
            "--schedule",
            "*/15 * * * *",
        ])
        .args(["--agent", "owletto-default", "--prompt", "Look around"])
        .args(extra)
        .json()["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn list_shows_fields_last_run_and_last_fired() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let rows = list(&db, &[]);
    assert_eq!(rows.len(), 1);
    let w = &rows[0];
    assert_eq!(w.slug, "daily-checkin");
    assert_eq!(w.device_id.as_deref(), Some(dev.id.to_string().as_str()));
    assert!(w.next_run_at.as_deref().unwrap().ends_with('Z'));
    let local = w.next_run_local.as_deref().unwrap();
    assert!(local.contains("T09:00:00+0"), "{local}");
    assert!(w.last_run.is_none() && w.last_fired_at.is_none());
    let id = w.id.to_string();
    let run = cli(&db)
        .args(["watchers", "trigger", &id])
        .token(&dev.token)
        .json();
    cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    let done = cli(&db)
        .args([
            "runs",
            "complete",
            &s(&run, "run_id"),
            "--result",
            r#"{"summary":"fine"}"#,
        ])
        .token(&dev.token)
        .json();
    let rows = list(&db, &[]);
    let last = rows[0].last_run.as_ref().unwrap();
    assert_eq!(last.id, run["run_id"].as_i64().unwrap());
    assert_eq!(last.status, "completed");
    assert_eq!(last.dispatch_source, "manual");
    assert_eq!(
        rows[0].last_fired_at.as_deref(),
        done["finished_at"].as_str()
    );
    let table = cli(&db).args(["watchers", "list", "--org", "acme"]).run();
    table.code(0);
    let header: Vec<&str> = table
        .stdout
        .lines()
        .next()
        .unwrap()
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        header,
        [
            "ID",
            "SLUG",
            "NAME",
            "SCHEDULE",
            "TZ",
            "STATUS",
            "DEVICE",
            "AGENT",
            "NEXT RUN",
            "LAST FIRED",
            "LAST RUN"
        ]
    );
    assert!(table.stdout.contains("completed manual"));
    assert!(
        table.stdout.contains(" ago") || table.stdout.contains("  now  "),
        "{}",
        table.stdout
    );
}

#[test]
fn list_filters_by_device_and_status() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let a = create(&db, "Unpinned", &[]);
    let b = create(&db, "Paused one", &["--device", &dev.id.to_string()]);
    let c = create(&db, "Gone", &[]);
    cli(&db)
        .args(["watchers", "pause", &b.to_string(), "--reason", "holiday"])
        .run()
        .code(0);
    cli(&db)
        .args(["watchers", "archive", &c.to_string()])
        .run()
        .code(0);
    let ids = |rows: Vec<Listed>| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    let daily = dev.watcher.unwrap();
    assert_eq!(ids(list(&db, &[])), [daily, a, b]);
    assert_eq!(
        ids(list(&db, &["--device", &dev.id.to_string()])),
        [daily, b]
    );
    assert_eq!(ids(list(&db, &["--status", "paused"])), [b]);
    assert_eq!(ids(list(&db, &["--status", "archived"])), [c]);
    assert_eq!(ids(list(&db, &["--status", "all"])), [daily, a, b, c]);
    assert_eq!(
        ids(list(&db, &["--status", "active", "--limit", "1"])),
        [daily]
    );
    cli(&db)
        .args(["watchers", "list", "--org", "acme", "--status", "gone"])
        .run()
        .code(2);
    cli(&db)
        .args(["watchers", "list", "--org", "nope"])
        .run()
        .code(3);
    cli(&db)
        .args(["watchers", "list", "--org", "acme", "--limit", "0"])
        .run()
        .code(2);
}

#[test]
fn list_issues_a_constant_number_of_queries() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let proxy = crate::support::proxy::Proxy::start();
    let url = proxy.url(&db.name);
    let count = || {
        let before = proxy.executed();
        crate::support::bare()
            .env("DATABASE_URL", &url)
            .args(["watchers", "list", "--org", "acme"])
            .run()
            .code(0);
        proxy.executed() - before
    };
    let one = count();
    for i in 0..40 {
        let id = create(&db, &format!("W {i}"), &[]);
        cli(&db)
            .args(["watchers", "trigger", &id.to_string(), "--admin"])
            .run()
            .code(0);
    }
    let _ = dev;
    let many = count();
    assert_eq!(list(&db, &[]).len(), 41);
    assert_eq!(
        one, many,
        "1 watcher: {one} statements, 41 watchers: {many}"
    );
}

#[test]
fn create_update_pause_resume_archive() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let id = create(&db, "Weekly Report!", &["--timezone", "Asia/Kolkata"]);
    let w = cli(&db).args(["watchers", "show", &id.to_string()]).json();
    assert_eq!(w["slug"], "weekly-report");
    assert_eq!(w["timezone"], "Asia/Kolkata");
    assert_eq!(w["status"], "active");
    let next = s(&w, "next_run_at");
    // duplicate slug among live watchers
    let dup = cli(&db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "Weekly report",
            "--schedule",
            "@daily",
        ])
        .args(["--agent", "owletto-default", "--prompt", "p"])
        .run();
    dup.code(5);
    assert!(dup.stderr.contains("weekly-report"), "{}", dup.stderr);
    // patch: only the given fields change; a new schedule moves next_run_at
    let u = cli(&db)
        .args(["watchers", "update", &id.to_string(), "--name", "Renamed"])
        .json();
    assert_eq!(u["name"], "Renamed");
    assert_eq!(u["schedule"], "*/15 * * * *");
    assert_eq!(s(&u, "next_run_at"), next);
    let u = cli(&db)
        .args([
            "watchers",
            "update",
            &id.to_string(),
            "--schedule",
            "0 7 1 1 *",
        ])
        .json();
    assert_ne!(s(&u, "next_run_at"), next);
    assert!(
        u["next_run_at"]
            .as_str()
            .unwrap()
            .contains("-01-01T01:30:00Z"),
        "{u}"
    );
    let p = cli(&db)
        .args(["watchers", "pause", &id.to_string(), "--reason", "quiet"])
        .json();
    assert_eq!(
        (p["status"].as_str(), p["paused_reason"].as_str()),
        (Some("paused"), Some("quiet"))
    );
    let r = cli(&db)
        .args(["watchers", "resume", &id.to_string()])
        .json();
    assert_eq!(r["status"], "active");
    assert_eq!(r["paused_reason"], serde_json::Value::Null);
    cli(&db)
        .args(["watchers", "trigger", &id.to_string(), "--admin"])
        .run()
        .code(0);
    let a = cli(&db)
        .args(["watchers", "archive", &id.to_string()])
        .json();
    assert_eq!(a["runs_cancelled"], 1);
    assert_eq!(a["watcher"]["status"], "archived");
    cli(&db)
        .args(["watchers", "resume", &id.to_string()])
        .run()
        .code(5);
    cli(&db)
        .args(["watchers", "update", &id.to_string(), "--name", "x"])
        .run()
        .code(5);
    // the slug is free again once archived
    create(&db, "Weekly report", &[]);
    // bad input
    cli(&db)
        .args([
            "watchers",
            "update",
            &id.to_string(),
            "--schedule",
            "0 0 * * 9",
        ])
        .run()
        .code(2);
    cli(&db)
        .args(["watchers", "update", "999", "--name", "x"])
        .run()
        .code(3);
    let bad_agent = cli(&db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "X",
            "--schedule",
            "@daily",
        ])
        .args(["--agent", "ghost", "--prompt", "p"])
        .run();
    bad_agent.code(3);
    cli(&db)
        .args([
            "watchers",
            "create",
            "--org",
            "acme",
            "--name",
            "X",
            "--schedule",
            "@daily",
        ])
        .args([
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
            "--timezone",
            "Nowhere",
        ])
        .run()
        .code(2);
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Fire {
    at_utc: String,
    at_local: String,
}

#[test]
fn schedule_preview_prints_local_and_utc() {
    let db = TestDb::new();
    let v = cli(&db)
        .args([
            "schedule",
            "preview",
            "30 2 * * *",
            "--timezone",
            "Europe/Berlin",
        ])
        .args(["--from", "2026-03-28T12:00:00Z", "--count", "2"])
        .json();
    let fires: Vec<Fire> = serde_json::from_value(v).unwrap();
    assert_eq!(
        fires,
        [
            Fire {
                at_utc: "2026-03-29T01:00:00Z".into(),
                at_local: "2026-03-29T03:00:00+02:00".into()
            },
            Fire {
                at_utc: "2026-03-30T00:30:00Z".into(),
                at_local: "2026-03-30T02:30:00+02:00".into()
            },
        ]
    );
    let table = cli(&db)
        .args([
            "schedule",
            "preview",
            "@daily",
            "--timezone",
            "Asia/Kolkata",
        ])
        .args(["--from", "2026-01-01T00:00:00Z", "--count", "1"])
        .run();
    table.code(0);
    assert_eq!(
        table.stdout,
        "LOCAL                      UTC\n2026-01-02T00:00:00+05:30  2026-01-01T18:30:00Z\n"
    );
    let r = cli(&db).args(["schedule", "preview", "0 9 * * 8"]).run();
    r.code(2);
    assert!(r.stderr.contains("day-of-week field"), "{}", r.stderr);
}

#[test]
fn watchers_next_lists_upcoming_fire_times() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let fires: Vec<Fire> = serde_json::from_value(
        cli(&db)
            .args(["watchers", "next", &w, "--count", "5"])
            .json(),
    )
    .unwrap();
    assert_eq!(fires.len(), 5);
    for pair in fires.windows(2) {
        assert!(pair[0].at_utc < pair[1].at_utc);
    }
    for f in &fires {
        assert!(f.at_local.contains("T09:00:00+0"), "{f:?}");
    }
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    assert_eq!(shown["next_run_at"].as_str().unwrap(), fires[0].at_utc);
    cli(&db).args(["watchers", "next", "999"]).run().code(3);
    cli(&db)
        .args(["watchers", "next", &w, "--count", "0"])
        .run()
        .code(2);
}

/// `watchers reschedule (ID... | --org ORG | --all)` (SPEC 7): an active watcher whose next
/// run lies past what the database's clock gives gets the first fire time after it; a due
/// one keeps its slot for the next dispatch; paused and archived ones are left alone (an
/// id naming one is exit 5, an unknown id or organisation exit 3); a second run changes
/// nothing. Set-based: the same statements for 1 watcher as for 500.
#[test]
fn reschedule_repairs_next_runs_past_the_clock() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    crate::support::bootstrapped_org(&mut db.client(), "globex");
    let checkin = dev.watcher.unwrap().to_string();
    let ahead = create(&db, "Ahead", &[]).to_string();
    let due = create(&db, "Due", &[]).to_string();
    let paused = create(&db, "Paused", &[]).to_string();
    let next = |id: &str| cli(&db).args(["watchers", "show", id]).json()["next_run_at"].clone();
    let natural = |id: &str| {
        cli(&db)
            .args(["watchers", "next", id, "--count", "1"])
            .json()[0]["at_utc"]
            .clone()
    };
    let c = |sql: &str| db.client().batch_execute(sql).unwrap();
    c(&format!(
        "UPDATE watchers SET next_run_at = '2099-01-01T00:00:00Z' WHERE id IN ({checkin}, {ahead}, {paused});
         UPDATE watchers SET next_run_at = '2020-01-01T00:00:00Z' WHERE id = {due};
         INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, next_run_at)
         VALUES ('globex', 'g', 'G', 'p', '@hourly', 'owletto-default', '2099-01-01T00:00:00Z');"
    ));
    cli(&db).args(["watchers", "pause", &paused]).run().code(0);

    // the first fire time after now, read before and after (a slot may pass meanwhile)
    let naturals = [natural(&checkin), natural(&ahead)];
    let r = cli(&db)
        .args(["watchers", "reschedule", "--org", "acme"])
        .json();
    assert_eq!(r, serde_json::json!({"rescheduled": 2}));
    for (id, before) in [&checkin, &ahead].into_iter().zip(naturals) {
        let got = next(id);
        assert!(got == before || got == natural(id), "{id}: {got}");
    }
    assert_eq!(next(&due), "2020-01-01T00:00:00Z");
    assert_eq!(next(&paused), "2099-01-01T00:00:00Z");
    let globex: String =
        db.scalar("SELECT next_run_at::text FROM watchers WHERE org_id = 'globex' AND slug = 'g'");
    assert!(globex.starts_with("2099-01-01"), "{globex}");

    // ids: an unknown one, a paused one, then the right one
    let r = cli(&db)
        .args(["watchers", "reschedule", &ahead, "999"])
        .run();
    r.code(3);
    assert_eq!(r.stderr, "error: watcher 999 not found\n");
    let r = cli(&db).args(["watchers", "reschedule", &paused]).run();
    r.code(5);
    assert!(
        r.stderr
            .contains(&format!("`lobu-admin watchers resume {paused}` recomputes")),
        "{}",
        r.stderr
    );
    cli(&db)
        .args(["watchers", "reschedule", "--org", "nope"])
        .run()
        .code(3);
    let g: String = db.scalar("SELECT id::text FROM watchers WHERE org_id = 'globex'");
    assert_eq!(
        cli(&db).args(["watchers", "reschedule", &g, &ahead]).json(),
        serde_json::json!({"rescheduled": 1})
    );
    assert_eq!(
        cli(&db).args(["watchers", "reschedule", "--all"]).json(),
        serde_json::json!({"rescheduled": 0})
    );
    cli(&db)
        .args(["watchers", "reschedule", &ahead, "--all"])
        .run()
        .code(2);

    // set-based: as many statements for 500 watchers as for 1
    let proxy = crate::support::proxy::Proxy::start();
    let url = proxy.url(&db.name);
    let count = || {
        c("UPDATE watchers SET next_run_at = '2099-01-01T00:00:00Z' WHERE status = 'active'");
        let before = proxy.executed();
        let r = crate::support::bare()
            .env("DATABASE_URL", &url)
            .args(["-o", "json", "watchers", "reschedule", "--all"])
            .run();
        r.code(0);
        (
            proxy.executed() - before,
            r.json()["rescheduled"].as_i64().unwrap(),
        )
    };
    let (few, n_few) = count();
    c(
        "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id)
       SELECT 'globex', 'm' || i, 'M', 'p', (i % 60) || ' * * * *', 'owletto-default'
       FROM generate_series(1, 500) i",
    );
    let (many, n_many) = count();
    assert_eq!((n_few, n_many), (4, 504));
    assert_eq!(
        few, many,
        "{n_few} watchers: {few} statements, {n_many}: {many}"
    );
}

/// `watchers list` reads each watcher's last finished run from an index alone (V12's
/// `runs_watcher_last_run` covers every column it shows, `attempt` and `retry_of`
/// included): no heap page of the runs table per watcher.
#[test]
fn list_reads_the_last_runs_from_the_index_alone() {
    let db = TestDb::new();
    let mut c = db.client();
    crate::support::bootstrapped_org(&mut c, "acme");
    crate::support::due_watchers(&mut c, "acme", 40, "@daily");
    // committed durably, so that VACUUM can mark the pages all-visible at once (it needs
    // the tuples' commit hint bits, which wait for the commit's WAL to be flushed)
    c.batch_execute("SET synchronous_commit = on").unwrap();
    c.batch_execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by, status,
                           finished_at, attempt)
         SELECT org_id, id, agent_id, 'scheduled', 'schedule', s, now(), k
         FROM watchers, generate_series(1, 3) k,
              unnest('{completed,failed,cancelled}'::text[]) s",
    )
    .unwrap();
    // the visibility map, as autovacuum keeps it on a table of history: VACUUM marks the
    // pages all-visible once no snapshot of another test (the horizon is the server's)
    // still predates the insert
    let start = std::time::Instant::now();
    let all_visible = loop {
        db.client().batch_execute("VACUUM ANALYZE runs").unwrap();
        let visible: bool = c
            .query_one(
                "SELECT relallvisible = relpages FROM pg_class WHERE relname = 'runs'",
                &[],
            )
            .unwrap()
            .get(0);
        if visible || start.elapsed() > std::time::Duration::from_secs(20) {
            break visible;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let mut tx = c.transaction().unwrap();
    tx.batch_execute("SET LOCAL enable_seqscan = off").unwrap();
    let plan: Vec<String> = tx
        .query(
            &format!(
                "EXPLAIN (ANALYZE, COSTS OFF) {}",
                lobu_admin::watchers::LIST_WATCHERS
            ),
            &[&"acme", &None::<uuid::Uuid>, &"live", &1000_i64],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("Index Only Scan using runs_watcher_last_run on runs"),
        "{plan}"
    );
    assert!(!plan.contains("Index Scan using runs_watcher"), "{plan}");
    let fetches: Vec<&str> = plan
        .lines()
        .filter(|l| l.contains("Heap Fetches:"))
        .collect();
    assert!(!fetches.is_empty(), "{plan}");
    assert!(
        all_visible,
        "VACUUM left runs' pages not all-visible for 20 s: heap fetches cannot be checked"
    );
    assert!(
        fetches
            .iter()
            .all(|l| l.trim_end().ends_with("Heap Fetches: 0")),
        "{plan}"
    );
}

/// A daily slot half an hour ahead on the database's clock, to the minute, with its cron
/// expression in UTC.
fn daily_slot_half_an_hour_ahead(db: &TestDb) -> (DateTime<Utc>, String) {
    let slot: DateTime<Utc> =
        db.scalar("SELECT date_trunc('minute', now() + interval '30 minutes')");
    (slot, format!("{} {} * * *", slot.minute(), slot.hour()))
}

/// An instant as `watchers show` prints it.
fn shown(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A slot that has a run is not fired again (SPEC 7: never twice for one instant) by the
/// paths that recompute a next run in Rust, as `watchers update` and `resume` do not in
/// SQL: `dispatch --now` a minute past a daily slot half an hour ahead queues that slot and
/// moves the next run to tomorrow's; then `watchers reschedule` on the real clock, and
/// `seed --update` with the schedule spelt another way (same slots), keep tomorrow's
/// instead of giving back the slot that already has a run; once that run is cancelled,
/// the slot never ran, and `watchers reschedule` gives it back (not when a device had
/// claimed it).
#[test]
fn reschedule_and_seed_update_do_not_fire_a_fired_slot_again() {
    let db = TestDb::new();
    let (slot, expr) = daily_slot_half_an_hour_ahead(&db);
    let fixture = |schedule: &str| {
        serde_json::json!({"organizations": [{
            "id": "acme", "name": "Acme", "provision_default_agent": true,
            "watchers": [{"slug": "daily", "name": "Daily", "schedule": schedule,
                          "timezone": "UTC", "agent": "owletto-default", "prompt": "p"}]
        }]})
        .to_string()
    };
    cli(&db).args(["seed", "-"]).stdin(&fixture(&expr)).json();
    let w: String = db.scalar("SELECT id::text FROM watchers WHERE slug = 'daily'");
    let next = || cli(&db).args(["watchers", "show", &w]).json()["next_run_at"].clone();
    assert_eq!(next(), shown(slot));
    let past = shown(slot + Duration::minutes(1));
    let tick = cli(&db)
        .args(["-o", "json", "dispatch", "--now", &past])
        .run();
    tick.code(0);
    assert_eq!(tick.json()["queued"], 1, "{}", tick.stdout);
    let tomorrow = shown(slot + Duration::days(1));
    assert_eq!(next(), tomorrow);

    let repaired = cli(&db).args(["watchers", "reschedule", &w]).json();
    assert_eq!(repaired, serde_json::json!({"rescheduled": 0}));
    assert_eq!(next(), tomorrow, "reschedule gave back the fired slot");

    // the same slots, another text: the schedule "changed"
    let respelt = format!("{} {} * * 0-6", slot.minute(), slot.hour());
    let updated = cli(&db)
        .args(["seed", "--update", "-"])
        .stdin(&fixture(&respelt))
        .json();
    assert_eq!(updated["updated"], true, "{updated}");
    assert_eq!(
        db.scalar::<String>(&format!("SELECT schedule FROM watchers WHERE id = {w}")),
        respelt
    );
    assert_eq!(next(), tomorrow, "seed --update gave back the fired slot");
    let run: String = db.scalar(&format!("SELECT id::text FROM runs WHERE watcher_id = {w}"));

    // the way out the warning of `dispatch --now` names: the run cancelled, the slot never
    // ran, and the repair gives it back
    cli(&db).args(["runs", "cancel", &run]).run().code(0);
    let repaired = cli(&db).args(["watchers", "reschedule", &w]).json();
    assert_eq!(repaired, serde_json::json!({"rescheduled": 1}));
    assert_eq!(
        next(),
        shown(slot),
        "a cancelled run's slot was not given back"
    );
    // cancelled after a device claimed it, the run may have run: its slot counts
    db.client()
        .batch_execute(&format!(
            "UPDATE runs SET claimed_at = now() WHERE id = {run}"
        ))
        .unwrap();
    let repaired = cli(&db).args(["watchers", "reschedule", &w]).json();
    assert_eq!(repaired, serde_json::json!({"rescheduled": 1}));
    assert_eq!(next(), tomorrow, "a claimed run's slot was given back");
}

/// The same guard under a race: a tick that queues the slot and moves the next run while
/// `watchers reschedule` waits for the watcher's lock is seen (the latest slot that has a
/// run is read once the lock is held, by a statement of its own).
#[test]
fn reschedule_sees_a_slot_queued_while_it_waited() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let (slot, expr) = daily_slot_half_an_hour_ahead(&db);
    let w = cli(&db)
        .args(["watchers", "create", "--org", "acme", "--name", "Daily"])
        .args([
            "--schedule",
            &expr,
            "--agent",
            "owletto-default",
            "--prompt",
            "p",
        ])
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        db.scalar::<DateTime<Utc>>(&format!("SELECT next_run_at FROM watchers WHERE id = {w}")),
        slot
    );
    let mut tick = db.client();
    tick.batch_execute(&format!(
        "BEGIN;
         UPDATE watchers SET next_run_at = next_run_at + interval '1 day' WHERE id = {w};
         INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                           scheduled_for)
         VALUES ('acme', {w}, 'owletto-default', 'scheduled', 'schedule', '{}');",
        shown(slot)
    ))
    .unwrap();
    let rescheduled = std::thread::scope(|s| {
        let r = s.spawn(|| {
            lobu_admin::db::in_tx(&mut db.client(), |tx, now| {
                lobu_admin::watchers::reschedule(
                    tx,
                    &lobu_admin::watchers::RescheduleScope::Ids(vec![w]),
                    now,
                )
            })
        });
        until_a_session_waits_on_a_lock(&mut db.client(), &db.name);
        tick.batch_execute("COMMIT").unwrap();
        r.join().unwrap()
    });
    assert_eq!(rescheduled.unwrap().rescheduled, 0);
    assert_eq!(
        db.scalar::<DateTime<Utc>>(&format!("SELECT next_run_at FROM watchers WHERE id = {w}")),
        slot + Duration::days(1),
        "reschedule gave back the slot the tick queued"
    );
}

/// The slot guard's look-up (the latest slot that has a run) reads `runs_watcher_fired`
/// (V14) and the active run's index, not the runs' history: before V14 it walked the
/// primary key backwards over every run (421 ms per watcher with 2 million runs).
#[test]
fn the_latest_fired_slot_is_read_through_indexes() {
    let db = TestDb::new();
    let w = mac_org(&db, "acme").watcher.unwrap();
    db.client()
        .batch_execute(&format!(
            "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, finished_at, scheduled_for)
             SELECT 'acme', {w}, 'owletto-default', 'scheduled', 'schedule', 'completed',
                    now(), timestamptz '2026-01-01 00:00+00' - i * interval '1 hour'
             FROM generate_series(1, 20000) i;
             ANALYZE runs"
        ))
        .unwrap();
    let mut c = db.client();
    let plan: Vec<String> = c
        .query(
            &format!("EXPLAIN {}", lobu_admin::watchers::FIRED_SLOTS),
            &[&vec![w]],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(plan.contains("runs_watcher_fired"), "{plan}");
    assert!(plan.contains("runs_one_active_per_watcher"), "{plan}");
    assert!(!plan.contains("Seq Scan on runs"), "{plan}");
    let latest: DateTime<Utc> = c
        .query_one(lobu_admin::watchers::FIRED_SLOTS, &[&vec![w]])
        .unwrap()
        .get(1);
    assert_eq!(shown(latest), "2025-12-31T23:00:00Z");
}
