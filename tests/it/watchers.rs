//! `watchers list` / `show` (SPEC 6) and watcher management (SPEC 9).

use crate::support::{cli, mac_org, s, TestDb};
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
