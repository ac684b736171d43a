//! `seed` fixtures (SPEC 10).

use std::time::Instant;

use crate::support::{cli, s, TestDb};

const EXAMPLE: &str = include_str!("../../examples/fixture.json");

fn counts(db: &TestDb) -> [i64; 5] {
    let c = |t: &str| db.scalar::<i64>(&format!("SELECT count(*) FROM {t}"));
    [
        c("organizations"),
        c("agents"),
        c("devices"),
        c("device_tokens"),
        c("watchers"),
    ]
}

#[test]
fn example_fixture_applies_then_changes_nothing() {
    let db = TestDb::new();
    let first = cli(&db).args(["seed", "examples/fixture.json"]).json();
    assert_eq!(first["changed"], true);
    assert_eq!(
        first["organizations"],
        serde_json::json!({"created": 2, "existing": 0})
    );
    assert_eq!(
        first["agents"],
        serde_json::json!({"created": 3, "existing": 0})
    );
    assert_eq!(
        first["devices"],
        serde_json::json!({"created": 3, "existing": 0})
    );
    assert_eq!(
        first["tokens"],
        serde_json::json!({"created": 2, "existing": 0})
    );
    // acme: daily check-in of the first Mac + 2; globex: not bootstrapped, so only 1
    assert_eq!(
        first["watchers"],
        serde_json::json!({"created": 4, "existing": 0})
    );
    let before = counts(&db);
    let snapshot: String = db.scalar("SELECT string_agg(w::text, '|' ORDER BY id) FROM watchers w");
    let second = cli(&db).args(["seed", "-"]).stdin(EXAMPLE).json();
    assert_eq!(second["changed"], false);
    assert_eq!(
        second["organizations"],
        serde_json::json!({"created": 0, "existing": 2})
    );
    assert_eq!(second["watchers"]["created"], 0);
    assert_eq!(counts(&db), before);
    let after: String = db.scalar("SELECT string_agg(w::text, '|' ORDER BY id) FROM watchers w");
    assert_eq!(snapshot, after);
    let table = cli(&db).args(["seed", "examples/fixture.json"]).run();
    table.code(0);
    assert!(table.stdout.contains("nothing to do"), "{}", table.stdout);
}

#[test]
fn fixed_tokens_trigger_their_watchers() {
    let db = TestDb::new();
    cli(&db)
        .args(["seed", "examples/fixture.json"])
        .run()
        .code(0);
    let id: i64 = db.scalar("SELECT id FROM watchers WHERE slug = 'standup'");
    let r = cli(&db)
        .args(["watchers", "trigger", &id.to_string()])
        .token("lobu_dev_ci_globex_studio_00000000000000000000000")
        .json();
    assert_eq!(r["already_queued"], false);
    let weekly: i64 = db.scalar("SELECT id FROM watchers WHERE slug = 'weekly'");
    cli(&db)
        .args(["watchers", "trigger", &weekly.to_string()])
        .token("lobu_dev_ci_acme_mbp1_000000000000000000000000")
        .json();
    // the other org's token cannot see it
    cli(&db)
        .args(["watchers", "trigger", &weekly.to_string()])
        .token("lobu_dev_ci_globex_studio_00000000000000000000000")
        .run()
        .code(3);
}

#[test]
fn a_bad_last_entry_writes_nothing() {
    let db = TestDb::new();
    let mut v: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    v["organizations"][1]["watchers"][0]["schedule"] = "0 25 * * *".into();
    let r = cli(&db).args(["seed", "-"]).stdin(&v.to_string()).run();
    r.code(2);
    assert!(
        r.stderr.contains("organizations[1] (globex)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hour field"), "{}", r.stderr);
    assert_eq!(counts(&db), [0; 5]);
}

#[track_caller]
fn rejected(fixture: &str, needle: &str) {
    let db = TestDb::new();
    let r = cli(&db).args(["seed", "-"]).stdin(fixture).run();
    r.code(2);
    assert!(r.stderr.contains(needle), "{fixture}: {}", r.stderr);
}

#[test]
fn invalid_fixtures_are_rejected_before_writing() {
    rejected("{", "invalid fixture");
    rejected("[]", "invalid fixture");
    rejected(
        r#"{"organizations": [], "extra": 1}"#,
        "unknown field `extra`",
    );
    rejected(
        r#"{"organizations": [{"id": "a", "colour": "red"}]}"#,
        "unknown field `colour`",
    );
    rejected(
        r#"{"organizations": [{"id": "A"}]}"#,
        "invalid organization id",
    );
    rejected(
        r#"{"organizations": [{"id": "a"}, {"id": "a"}]}"#,
        "duplicate organization id",
    );
    rejected(
        r#"{"organizations": [{"id": "a", "devices": [{"user": "u", "worker_id": "w", "platform": "beos"}]}]}"#,
        "unknown platform",
    );
    rejected(
        r#"{"organizations": [{"id": "a", "devices": [{"user": "u", "worker_id": "w", "platform": "macos", "timezone": "Moon/Base"}]}]}"#,
        "unknown time zone",
    );
    rejected(
        r#"{"organizations": [{"id": "a", "devices": [{"user": "u", "worker_id": "w", "platform": "macos", "token": "abc"}]}]}"#,
        "invalid token format",
    );
    rejected(
        r#"{"organizations": [{"id": "a", "watchers": [{"slug": "s", "name": "n", "schedule": "@daily", "prompt": "p", "device": "ghost"}]}]}"#,
        "device ghost is not a worker_id",
    );
    rejected(
        r#"{"organizations": [{"id": "a", "provision_default_agent": false, "watchers": [{"slug": "s", "name": "n", "schedule": "@daily", "prompt": "p"}]}]}"#,
        "agent owletto-default is neither",
    );
    let db = TestDb::new();
    cli(&db).args(["seed", "/nonexistent.json"]).run().code(2);
}

#[test]
fn a_thousand_organizations_seed_in_one_run() {
    let db = TestDb::new();
    let orgs: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            serde_json::json!({
                "id": format!("org-{i:04}"),
                "devices": [{"user": "u", "worker_id": "mac", "platform": "macos",
                             "timezone": "Europe/Berlin",
                             "token": format!("lobu_dev_{i:040}")}],
            })
        })
        .collect();
    let fixture = serde_json::json!({"organizations": orgs}).to_string();
    let start = Instant::now();
    let r = cli(&db).args(["seed", "-"]).stdin(&fixture).json();
    let took = start.elapsed();
    eprintln!("seeded 1000 organizations (5000 rows) in {took:?}");
    assert_eq!(r["organizations"]["created"], 1000);
    assert_eq!(r["watchers"]["created"], 1000);
    assert_eq!(r["tokens"]["created"], 1000);
    assert_eq!(counts(&db), [1000, 1000, 1000, 1000, 1000]);
}

#[test]
fn progress_bar_on_a_terminal_only() {
    let db = TestDb::new();
    let orgs: Vec<serde_json::Value> = (0..400)
        .map(|i| serde_json::json!({"id": format!("o{i}"), "devices": [{"user": "u", "worker_id": "m", "platform": "macos"}]}))
        .collect();
    let dir = std::env::temp_dir().join(format!("lobu-seed-tty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("f.json");
    std::fs::write(
        &file,
        serde_json::json!({"organizations": orgs}).to_string(),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("lobu-admin");
    // `script` gives the command a pseudo-terminal
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} seed {}", bin.display(), file.display()),
            "/dev/null",
        ])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    let tty = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{tty}");
    assert!(
        tty.contains("seeding ["),
        "no progress bar on a terminal: {tty}"
    );
    assert!(tty.contains("organizations  400"), "{tty}");
    // piped: no bar at all
    let piped = cli(&db).args(["seed", file.to_str().unwrap()]).run();
    piped.code(0);
    assert!(!piped.stderr.contains("seeding") && !piped.stdout.contains("seeding"));
    let _ = std::fs::remove_dir_all(dir);
}

fn table_counts(db: &TestDb) -> Vec<i64> {
    [
        "organizations",
        "agents",
        "devices",
        "device_tokens",
        "watchers",
        "runs",
    ]
    .iter()
    .map(|t| db.scalar(&format!("SELECT count(*) FROM {t}")))
    .collect()
}

#[test]
fn dry_run_reports_the_real_counts_and_writes_nothing() {
    let db = TestDb::new();
    let before = table_counts(&db);
    let dry = cli(&db)
        .args(["seed", "--dry-run", "examples/fixture.json"])
        .json();
    assert_eq!(table_counts(&db), before, "a dry run wrote");
    assert_eq!(dry["dry_run"], true);
    let real = cli(&db).args(["seed", "examples/fixture.json"]).json();
    assert_eq!(real["dry_run"], false);
    for k in [
        "organizations",
        "agents",
        "devices",
        "tokens",
        "watchers",
        "changed",
    ] {
        assert_eq!(dry[k], real[k], "{k}");
    }
    // and on the seeded database, a dry run predicts "nothing to do"
    let again = cli(&db)
        .args(["seed", "--dry-run", "examples/fixture.json"])
        .run();
    again.code(0);
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);
    // invalid input is still exit 2, before anything
    cli(&db)
        .args(["seed", "--dry-run", "-"])
        .stdin(r#"{"organizations": [{"id": "Bad Id"}]}"#)
        .run()
        .code(2);
}

#[test]
fn export_round_trips_through_seed() {
    let a = TestDb::new();
    cli(&a)
        .args(["seed", "examples/fixture.json"])
        .run()
        .code(0);
    let first = cli(&a).args(["export"]).run();
    first.code(0);
    let b = TestDb::new();
    cli(&b)
        .args(["seed", "-"])
        .stdin(&first.stdout)
        .run()
        .code(0);
    let second = cli(&b).args(["export"]).run();
    second.code(0);
    assert_eq!(first.stdout, second.stdout);
    // the same rows on both sides (ids, times and token hashes aside)
    let shape = |db: &TestDb| -> Vec<String> {
        db.client()
            .query(
                "SELECT format('%s %s %s %s %s %s', w.org_id, w.slug, w.schedule, w.timezone,
                               w.agent_id, d.worker_key)
                 FROM watchers w LEFT JOIN devices d ON d.id = w.device_id ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(shape(&a), shape(&b));
    assert!(
        !first.stdout.contains("\"token\""),
        "tokens are not exportable"
    );
    let one = cli(&a)
        .args(["-o", "json", "export", "--org", "acme"])
        .json();
    assert_eq!(one["organizations"].as_array().map(Vec::len), Some(1));
    cli(&a).args(["export", "--org", "nope"]).run().code(3);
}

#[test]
fn seed_and_single_commands_give_the_same_rows() {
    let fixture = r#"{"organizations": [
        {"id": "acme", "name": "Acme",
         "devices": [
            {"user": "ada", "worker_id": "mbp", "platform": "macos", "timezone": "Europe/Berlin", "name": "Ada's Mac"},
            {"user": "bob", "worker_id": "mbp2", "platform": "macos", "timezone": "America/New_York"},
            {"user": "bob", "worker_id": "phone", "platform": "ios"}],
         "watchers": [{"slug": "weekly", "name": "Weekly", "schedule": "0 8 * * 1",
                       "timezone": "Europe/Berlin", "device": "mbp", "prompt": "Plan the week"}]},
        {"id": "globex", "provision_default_agent": false,
         "devices": [{"user": "c", "worker_id": "m", "platform": "macos"}]}]}"#;
    let seeded = TestDb::new();
    cli(&seeded)
        .args(["seed", "-"])
        .stdin(fixture)
        .run()
        .code(0);

    let by_hand = TestDb::new();
    let run = |args: &[&str]| cli(&by_hand).args(args).json();
    run(&["org", "create", "acme", "--name", "Acme"]);
    run(&["provision-agent", "--org", "acme"]);
    let ada = run(&[
        "register-device",
        "--org",
        "acme",
        "--user",
        "ada",
        "--worker-id",
        "mbp",
        "--platform",
        "macos",
        "--timezone",
        "Europe/Berlin",
        "--name",
        "Ada's Mac",
    ]);
    run(&[
        "register-device",
        "--org",
        "acme",
        "--user",
        "bob",
        "--worker-id",
        "mbp2",
        "--platform",
        "macos",
        "--timezone",
        "America/New_York",
    ]);
    run(&[
        "register-device",
        "--org",
        "acme",
        "--user",
        "bob",
        "--worker-id",
        "phone",
        "--platform",
        "ios",
    ]);
    run(&[
        "watchers",
        "create",
        "--org",
        "acme",
        "--slug",
        "weekly",
        "--name",
        "Weekly",
        "--schedule",
        "0 8 * * 1",
        "--timezone",
        "Europe/Berlin",
        "--agent",
        "owletto-default",
        "--device",
        &s(&ada, "device_id"),
        "--prompt",
        "Plan the week",
    ]);
    run(&["org", "create", "globex"]);
    run(&[
        "register-device",
        "--org",
        "globex",
        "--user",
        "c",
        "--worker-id",
        "m",
        "--platform",
        "macos",
    ]);

    let rows = |db: &TestDb| -> Vec<String> {
        let q = |sql: &str| -> Vec<String> {
            db.client()
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect()
        };
        [
            q("SELECT format('org %s %s %s', id, name,
                      (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(metadata) k))
               FROM organizations ORDER BY 1"),
            q(
                "SELECT format('agent %s %s %s %s', org_id, id, name, md5(identity))
               FROM agents ORDER BY 1",
            ),
            q(
                "SELECT format('device %s %s %s %s %s %s %s', org_id, user_id, worker_key,
                      platform, name, timezone, app_version) FROM devices ORDER BY 1",
            ),
            q(
                "SELECT format('watcher %s %s %s %s %s %s %s %s %s %s %s', w.org_id, w.slug,
                      w.name, md5(w.prompt), w.schedule, w.timezone, w.agent_id, d.worker_key,
                      w.min_cooldown_seconds, w.status, w.next_run_at)
               FROM watchers w LEFT JOIN devices d ON d.id = w.device_id ORDER BY 1",
            ),
        ]
        .concat()
    };
    assert_eq!(rows(&seeded), rows(&by_hand));
}

/// A fixture edited after it was applied: `seed` reports the drift (exit 0) and changes
/// nothing; `seed --update --dry-run` reports exactly what `--update` then changes; a
/// second `--update` finds no drift; what the file lacks is left alone.
#[test]
fn an_edited_fixture_reports_drift_and_update_converges() {
    let db = TestDb::new();
    let original = serde_json::json!({"organizations": [{
        "id": "acme", "name": "Acme",
        "agents": [{"id": "helper", "name": "Helper"}],
        "devices": [{"user": "u1", "worker_id": "mbp-1", "platform": "macos",
                     "timezone": "Europe/Berlin", "name": "MacBook"},
                    {"user": "u1", "worker_id": "mini", "platform": "macos"}],
        "watchers": [{"slug": "weekly", "name": "Weekly", "schedule": "0 8 * * 1",
                      "device": "mbp-1", "prompt": "Summarise the week."}]}]});
    let seed = |doc: &serde_json::Value, extra: &[&str]| {
        cli(&db)
            .args(["seed"])
            .args(extra)
            .args(["-"])
            .stdin(&doc.to_string())
    };
    seed(&original, &[]).json();
    // someone added a watcher by hand: not in the file, never touched
    cli(&db)
        .args([
            "watchers", "create", "--org", "acme", "--name", "Mine", "--slug", "mine",
        ])
        .args(["--schedule", "@daily", "--agent", "helper", "--prompt", "p"])
        .run()
        .code(0);
    let mut edited = original.clone();
    let o = &mut edited["organizations"][0];
    o["name"] = "Acme Corp".into();
    o["agents"][0]["name"] = "Helper 2".into();
    o["devices"][0]["timezone"] = "America/New_York".into();
    o["watchers"][0]["schedule"] = "0 9 * * 1-5".into();
    o["watchers"][0]["timezone"] = "America/New_York".into();
    o["watchers"][0]["agent"] = "helper".into();
    o["watchers"][0]["device"] = "mini".into();
    let before =
        db.scalar::<String>("SELECT row_to_json(w)::text FROM watchers w WHERE slug = 'weekly'");
    let report = seed(&edited, &[]).json();
    let drift = report["drift"].as_array().unwrap().clone();
    let fields: Vec<(String, String)> = drift
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("organizations[acme]", "name"),
            ("organizations[acme].agents[helper]", "name"),
            ("organizations[acme].devices[u1/mbp-1]", "timezone"),
            ("organizations[acme].watchers[weekly]", "schedule"),
            ("organizations[acme].watchers[weekly]", "timezone"),
            ("organizations[acme].watchers[weekly]", "agent"),
            ("organizations[acme].watchers[weekly]", "device"),
        ]
        .map(|(p, f)| (p.to_string(), f.to_string()))
    );
    assert_eq!(drift[6]["database"], "mbp-1");
    assert_eq!(drift[6]["file"], "mini");
    assert_eq!(drift[3]["database"], "0 8 * * 1");
    assert_eq!(report["updated"], false);
    assert_eq!(report["changed"], false);
    let after =
        db.scalar::<String>("SELECT row_to_json(w)::text FROM watchers w WHERE slug = 'weekly'");
    assert_eq!(before, after, "a report writes nothing");
    // the table lists it too
    let table = seed(&edited, &[]).run();
    table.code(0);
    assert!(
        table.stdout.contains("drift") && table.stdout.contains("Helper 2"),
        "{}",
        table.stdout
    );
    // the dry run reports exactly what the update does
    let dry = seed(&edited, &["--update", "--dry-run"]).json();
    assert_eq!(dry["drift"], report["drift"]);
    assert_eq!(
        (dry["updated"].as_bool(), dry["dry_run"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        before,
        db.scalar::<String>("SELECT row_to_json(w)::text FROM watchers w WHERE slug = 'weekly'")
    );
    let done = seed(&edited, &["--update"]).json();
    assert_eq!(done["drift"], report["drift"]);
    assert_eq!(done["updated"], true);
    let w = cli(&db).args(["watchers", "list", "--org", "acme"]).json();
    let weekly = w
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["slug"] == "weekly")
        .unwrap();
    assert_eq!(weekly["schedule"], "0 9 * * 1-5");
    assert_eq!(weekly["timezone"], "America/New_York");
    assert_eq!(weekly["agent_id"], "helper");
    assert!(
        weekly["next_run_local"]
            .as_str()
            .unwrap()
            .contains("T09:00:00-0"),
        "{weekly}"
    );
    let mini: String = db.scalar("SELECT id::text FROM devices WHERE worker_key = 'mini'");
    assert_eq!(weekly["device_id"], mini.as_str());
    assert!(
        w.as_array().unwrap().iter().any(|w| w["slug"] == "mine"),
        "left alone"
    );
    let again = seed(&edited, &["--update"]).json();
    assert_eq!(again["drift"], serde_json::json!([]));
    assert_eq!(again["changed"], false);
    let e = &cli(&db)
        .args(["audit", "list", "--command", "seed", "--limit", "1"])
        .json()[0];
    assert_eq!(e["details"]["updated"], true);
}

/// `export` then `seed --update` converges a target to the source exactly, settings at
/// their default included: `export` writes `spread: "0s"`, `retries: 0` and the others
/// (drift compares only the keys a file gives), so a target whose watcher was given a
/// spread and retries by hand reports them as drift and `--update` resets them. Before,
/// export left the defaults out and the target kept 5400 and 4 with no drift reported.
#[test]
fn an_export_resets_the_settings_a_target_has_away_from_their_default() {
    let fixture = serde_json::json!({"organizations": [{
        "id": "acme", "name": "Acme",
        "watchers": [{"slug": "weekly", "name": "Weekly", "schedule": "0 8 * * 1",
                      "prompt": "p"}]}]});
    let (source, target) = (TestDb::new(), TestDb::new());
    for db in [&source, &target] {
        cli(db)
            .args(["seed", "-"])
            .stdin(&fixture.to_string())
            .run()
            .code(0);
    }
    let id = target.scalar::<i64>("SELECT id FROM watchers WHERE slug = 'weekly'");
    cli(&target)
        .args(["watchers", "update", &id.to_string()])
        .args(["--spread", "1h30m", "--retries", "4", "--retry-delay", "1m"])
        .args(["--catch-up-window", "1h", "--min-cooldown", "2h"])
        .run()
        .code(0);
    let settings = || {
        target.scalar::<String>(
            "SELECT format('%s %s %s %s %s', spread_seconds, catch_up_window_seconds, retries,
                           retry_delay_seconds, min_cooldown_seconds)
             FROM watchers WHERE slug = 'weekly'",
        )
    };
    assert_eq!(settings(), "5400 3600 4 60 7200");
    let exported = cli(&source).args(["-o", "json", "export"]).json();
    let path = "organizations[acme].watchers[weekly]";
    let done = cli(&target)
        .args(["seed", "--update", "-"])
        .stdin(&exported.to_string())
        .json();
    assert_eq!(
        done["drift"],
        serde_json::json!([
            {"path": path, "field": "spread", "database": "1h30m", "file": "0s"},
            {"path": path, "field": "catch_up_window", "database": "1h", "file": "none"},
            {"path": path, "field": "retries", "database": 4, "file": 0},
            {"path": path, "field": "retry_delay", "database": "1m", "file": "0s"},
            {"path": path, "field": "min_cooldown", "database": "2h", "file": "0s"},
        ])
    );
    assert_eq!(settings(), "0  0 0 0");
    assert_eq!(cli(&target).args(["-o", "json", "export"]).json(), exported);
    // the spread's offset is gone: the next run is the bare slot again
    assert!(target
        .scalar::<bool>("SELECT extract(epoch FROM next_run_at)::bigint % 3600 = 0 FROM watchers"));
}

/// A fixture of one organisation with one watcher, `daily`, at `hour`:00 UTC every day,
/// with the watcher `settings` (`spread`, `catch_up_window`, ...).
fn daily(hour: u32, settings: serde_json::Value) -> String {
    let mut watcher = serde_json::json!({"slug": "daily", "name": "Daily",
                                         "schedule": format!("0 {hour} * * *"), "prompt": "p"});
    for (k, v) in settings.as_object().unwrap() {
        watcher[k] = v.clone();
    }
    serde_json::json!({"organizations": [{"id": "acme", "name": "Acme", "watchers": [watcher]}]})
        .to_string()
}

/// The id and `next_run_at` of [`daily`]'s watcher.
fn daily_next_run(db: &TestDb) -> (i64, chrono::DateTime<chrono::Utc>) {
    let row = db
        .client()
        .query_one(
            "SELECT id, next_run_at FROM watchers WHERE slug = 'daily'",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

/// `seed --update` with only a new spread keeps the next slot, as `watchers update
/// --spread` does: a daily slot that fired this hour is not fired again at its new offset
/// (it moved `next_run_at` to the first instant after now, today's slot's).
#[test]
fn a_seeded_spread_does_not_fire_a_slot_twice() {
    use chrono::{DurationRound, Timelike};
    let db = TestDb::new();
    let now = chrono::Utc::now();
    let fixture = |spread: &str| daily(now.hour(), serde_json::json!({"spread": spread}));
    cli(&db)
        .args(["seed", "-"])
        .stdin(&fixture("0s"))
        .run()
        .code(0);
    let id = db.scalar::<i64>("SELECT id FROM watchers WHERE slug = 'daily'");
    let offset =
        lobu_admin::schedule::Spread::new(86_400, id).offset(Some(chrono::Duration::days(1)));
    assert!(
        offset > chrono::Duration::hours(2),
        "pick another id: {offset}"
    );
    let slot = now.duration_trunc(chrono::Duration::hours(1)).unwrap();
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = $2 WHERE id = $1",
            &[&id, &slot],
        )
        .unwrap();
    let tick = cli(&db).args(["dispatch"]).json();
    assert_eq!(tick["queued"], 1, "{tick}");
    cli(&db)
        .args(["seed", "--update", "-"])
        .stdin(&fixture("1d"))
        .run()
        .code(0);
    let next = db.scalar::<chrono::DateTime<chrono::Utc>>(
        "SELECT next_run_at FROM watchers WHERE slug = 'daily'",
    );
    assert_eq!(next, slot + chrono::Duration::days(1) + offset);
}

/// `seed --update` lowering a spread under a short catch-up window, as `watchers update
/// --spread`: the kept slot, whose new instant passed hours ago, fell due at the seed and
/// is queued, not recorded as missed.
#[test]
fn a_seeded_lower_spread_under_a_short_catch_up_window_queues_the_kept_slot() {
    use chrono::Timelike;
    let db = TestDb::new();
    let now = chrono::Utc::now();
    let fixture = |spread: &str| {
        let settings = serde_json::json!({"spread": spread, "catch_up_window": "1h"});
        daily((now.hour() + 22) % 24, settings)
    };
    cli(&db)
        .args(["seed", "-"])
        .stdin(&fixture("1d"))
        .run()
        .code(0);
    let (id, next) = daily_next_run(&db);
    let offset =
        lobu_admin::schedule::Spread::new(86_400, id).offset(Some(chrono::Duration::days(1)));
    let kept = next - offset;
    assert!(kept < now - chrono::Duration::hours(2), "{kept} {now}");
    cli(&db)
        .args(["seed", "--update", "-"])
        .stdin(&fixture("0s"))
        .run()
        .code(0);
    let tick = cli(&db).args(["dispatch"]).json();
    assert_eq!(tick["queued"], 1, "{tick}");
    let slot = db.scalar::<chrono::DateTime<chrono::Utc>>(&format!(
        "SELECT scheduled_for FROM runs WHERE watcher_id = {id} AND status = 'pending'"
    ));
    assert_eq!(slot, kept);
}

/// `seed --update` with a new spread, while a `watchers update --spread` moves the next
/// run between seed's read of the watcher and its write (seed waits on the agent it
/// renames, held by a third session): seed computes the kept slot's instant from the
/// next run and spread as they are once it holds the watcher. It kept the update's
/// `next_run_at` and wrote its own spread under it, a pair that named no slot (a 12h
/// offset under a 6h spread: `scheduled_for` would have been the instant itself).
#[test]
fn a_seeded_spread_is_computed_from_the_next_run_a_concurrent_update_left() {
    use chrono::Timelike;
    let db = TestDb::new();
    let now = chrono::Utc::now();
    let fixture = |agent: &str, spread: &str| {
        let mut f: serde_json::Value = serde_json::from_str(&daily(
            (now.hour() + 22) % 24,
            serde_json::json!({"spread": spread, "agent": "helper"}),
        ))
        .unwrap();
        f["organizations"][0]["agents"] = serde_json::json!([{"id": "helper", "name": agent}]);
        f.to_string()
    };
    cli(&db)
        .args(["seed", "-"])
        .stdin(&fixture("H1", "1d"))
        .run()
        .code(0);
    let (id, next) = daily_next_run(&db);
    let offset = |hours: i64| {
        lobu_admin::schedule::Spread::new(hours * 3600, id).offset(Some(chrono::Duration::days(1)))
    };
    let slot = next - offset(24);
    assert!(offset(12) > chrono::Duration::hours(6), "pick another id");
    let mut holder = db.client();
    holder
        .batch_execute("BEGIN; SELECT 1 FROM agents WHERE id = 'helper' FOR NO KEY UPDATE")
        .unwrap();
    let seeding = std::thread::scope(|scope| {
        let seeding = scope.spawn(|| {
            cli(&db)
                .args(["seed", "--update", "-"])
                .stdin(&fixture("H2", "6h"))
                .run()
        });
        crate::support::until_sessions_wait_on_a_lock(&mut db.client(), &db.name, 1, || {
            seeding.is_finished()
        });
        cli(&db)
            .args(["watchers", "update", &id.to_string(), "--spread", "12h"])
            .run()
            .code(0);
        holder.batch_execute("COMMIT").unwrap();
        seeding.join().unwrap()
    });
    seeding.code(0);
    let next = db.scalar::<chrono::DateTime<chrono::Utc>>(&format!(
        "SELECT next_run_at FROM watchers WHERE id = {id}"
    ));
    assert_eq!(next, slot + offset(6), "the slot at its 6h offset");
}

/// The watcher settings of SPEC 17 and 18 are in the format: `seed` creates them, reports
/// each edited one as drift (durations shown as `export` writes them), `--update
/// --dry-run` reports exactly what `--update` writes, a second run is clean, a changed
/// spread moves `next_run_at` to the new offset, and `export` writes them so that seeding
/// the export reports no drift.
#[test]
fn watcher_settings_are_created_reported_converged_and_exported() {
    let db = TestDb::new();
    let original = serde_json::json!({"organizations": [{
        "id": "acme", "name": "Acme",
        "watchers": [{"slug": "weekly", "name": "Weekly", "schedule": "0 8 * * 1",
                      "prompt": "Summarise the week.", "spread": "10m",
                      "catch_up_window": "1h", "retries": 2, "retry_delay": "5m",
                      "min_cooldown": "30m"}]}]});
    let seed = |doc: &serde_json::Value, extra: &[&str]| {
        cli(&db)
            .args(["seed"])
            .args(extra)
            .args(["-"])
            .stdin(&doc.to_string())
            .json()
    };
    let settings = || {
        db.scalar::<String>(
            "SELECT format('%s %s %s %s %s', spread_seconds, catch_up_window_seconds, retries,
                           retry_delay_seconds, min_cooldown_seconds)
             FROM watchers WHERE slug = 'weekly'",
        )
    };
    seed(&original, &[]);
    assert_eq!(settings(), "600 3600 2 300 1800");
    assert_eq!(seed(&original, &[])["drift"], serde_json::json!([]));

    let mut edited = original.clone();
    let w = &mut edited["organizations"][0]["watchers"][0];
    w["spread"] = "1200s".into();
    w["catch_up_window"] = "none".into();
    w["retries"] = 0.into();
    w["retry_delay"] = "1h30m".into();
    w["min_cooldown"] = "0s".into();
    let report = seed(&edited, &[]);
    let path = "organizations[acme].watchers[weekly]";
    assert_eq!(
        report["drift"],
        serde_json::json!([
            {"path": path, "field": "spread", "database": "10m", "file": "20m"},
            {"path": path, "field": "catch_up_window", "database": "1h", "file": "none"},
            {"path": path, "field": "retries", "database": 2, "file": 0},
            {"path": path, "field": "retry_delay", "database": "5m", "file": "1h30m"},
            {"path": path, "field": "min_cooldown", "database": "30m", "file": "0s"},
        ])
    );
    assert_eq!(settings(), "600 3600 2 300 1800", "a report writes nothing");
    let dry = seed(&edited, &["--update", "--dry-run"]);
    assert_eq!(dry["drift"], report["drift"]);
    assert_eq!(
        settings(),
        "600 3600 2 300 1800",
        "a dry run writes nothing"
    );
    let done = seed(&edited, &["--update"]);
    assert_eq!(
        (done["drift"].clone(), done["updated"].clone()),
        (report["drift"].clone(), true.into())
    );
    assert_eq!(settings(), "1200  0 5400 0");
    // the spread moved the next fire instant to the watcher's offset in the new spread
    let shown = cli(&db).args(["watchers", "list", "--org", "acme"]).json();
    let id = shown[0]["id"].as_i64().unwrap();
    let next = cli(&db)
        .args(["schedule", "preview", "0 8 * * 1", "--timezone", "UTC"])
        .args(["--spread", "20m", "--seed", &id.to_string(), "--count", "1"])
        .json();
    let at = next[0]["at_utc"].as_str().unwrap();
    assert!(
        db.scalar::<bool>(&format!(
            "SELECT next_run_at = '{at}'::timestamptz FROM watchers WHERE slug = 'weekly'"
        )),
        "{next}"
    );
    let again = seed(&edited, &["--update"]);
    assert_eq!(again["drift"], serde_json::json!([]));
    assert_eq!(again["changed"], false);

    // export writes them back; re-seeding the export finds nothing to change, here and on
    // an empty database
    seed(&original, &["--update"]);
    let exported = cli(&db).args(["-o", "json", "export"]).json();
    let w = &exported["organizations"][0]["watchers"][0];
    assert_eq!(
        (
            &w["spread"],
            &w["catch_up_window"],
            &w["retries"],
            &w["retry_delay"],
            &w["min_cooldown"]
        ),
        (
            &"10m".into(),
            &"1h".into(),
            &2.into(),
            &"5m".into(),
            &"30m".into()
        )
    );
    assert_eq!(seed(&exported, &[])["drift"], serde_json::json!([]));
    let other = TestDb::new();
    cli(&other)
        .args(["seed", "-"])
        .stdin(&exported.to_string())
        .run()
        .code(0);
    assert_eq!(cli(&other).args(["-o", "json", "export"]).json(), exported);
    // a bad value names the entry and the key
    let mut bad = original.clone();
    bad["organizations"][0]["watchers"][0]["min_cooldown"] = "5x".into();
    let out = cli(&db).args(["seed", "-"]).stdin(&bad.to_string()).run();
    out.code(2);
    assert!(
        out.stderr.contains("watchers[0] (weekly)") && out.stderr.contains("min_cooldown"),
        "{}",
        out.stderr
    );
}
