//! Attacks on 2e5b2fb (flights no longer clear the principal's settings at the start of
//! each transaction; the clock is `now()` printed in ISO text under a transaction-local
//! `DateStyle`): settings preset outside the tool, and unusual session time settings.

use chrono::{DateTime, Utc};

use lobu_admin::devices;

use crate::support::cluster::Bouncer;
use crate::support::db::TestDb;
use crate::support::{cli, mac_org, register};

/// PostgreSQL takes a number of hours as a time zone (`SET TIME ZONE 5.51`, or
/// `TimeZone = 5.51` in a role's, a database's or the URL's settings): 5.51 h is
/// +05:30:36, which ISO output prints with its seconds (`2026-12-04 12:41:40.2+05:30:36`).
/// A parser of `+HH[:MM]` offsets only (2e5b2fb) failed every command with `internal: the
/// database did not return its clock` (exit 1), and `dispatch --loop` never ticked.
#[test]
fn a_time_zone_of_fractional_hours_keeps_the_clock() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    let mut failed = Vec::new();
    for (args, token) in [
        (&["org", "show", "acme"][..], None),
        (&["status"], None),
        (&["watchers", "list", "--org", "acme"], None),
        (&["watchers", "trigger", "--admin", &w], None),
        (&["runs", "claim"], Some(dev.token.as_str())),
        (&["dispatch"], None),
    ] {
        let mut c = cli(&db).env("PGOPTIONS", "-c TimeZone=5.51");
        if let Some(t) = token {
            c = c.token(t);
        }
        let r = c.args(args).run();
        if r.code != 0 {
            failed.push(format!(
                "{}: exit {}: {}",
                args.join(" "),
                r.code,
                r.stderr.trim()
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

/// The principal's settings preset for another organisation's device (the URL's
/// `options`, as a role's or database's settings, or a session left behind on a pooled
/// server connection would) act for nobody: no token for it, no run of it claimed or
/// finished, no run of its watcher queued by another device.
#[test]
fn preset_principal_settings_act_for_nobody() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let victim = mac_org(&db, "victim");
    let vw = victim.watcher.unwrap().to_string();
    let mut c = db.client();
    // a pending run of the victim's pinned watcher, and one of an unpinned watcher
    c.batch_execute(
        "INSERT INTO runs (org_id, watcher_id, agent_id, device_id, dispatch_source, triggered_by)
         SELECT org_id, id, agent_id, device_id, 'manual', 'admin' FROM watchers
         WHERE org_id = 'victim';
         WITH w AS (INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id)
                    VALUES ('victim', 'loose', 'L', 'p', '@daily', 'owletto-default')
                    RETURNING org_id, id, agent_id)
         INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by)
         SELECT org_id, id, agent_id, 'manual', 'admin' FROM w",
    )
    .unwrap();
    let other = register(&mut c, "victim", "mbp-2", devices::Platform::Linux);
    let options = format!(
        "-c lobu.device_id={v} -c lobu.org_id=victim -c lobu.first_mac={v}",
        v = victim.id
    );
    let victim_tokens = |db: &TestDb| -> i64 {
        db.scalar("SELECT count(*) FROM device_tokens WHERE org_id = 'victim'")
    };
    let victim_runs = |db: &TestDb| -> String {
        db.scalar(
            "SELECT string_agg(id || ':' || status || ':' || coalesce(claimed_by::text, '-'),
                               ',' ORDER BY id)
             FROM runs WHERE org_id = 'victim'",
        )
    };
    let (tokens_before, runs_before) = (victim_tokens(&db), victim_runs(&db));
    let run = |args: &[&str], token: Option<&str>| {
        let mut c = cli(&db).env("PGOPTIONS", &options);
        if let Some(t) = token {
            c = c.token(t);
        }
        let r = c.args(args).run();
        (args.join(" "), r.code)
    };
    let got = [
        run(&["tokens", "create", "--device", "acme:nobody"], None),
        run(&["tokens", "create", "--device", "victim:nobody"], None),
        run(
            &[
                "register-device",
                "--org",
                "nosuch",
                "--user",
                "u",
                "--worker-id",
                "x",
                "--platform",
                "macos",
                "--issue-token",
            ],
            None,
        ),
        run(&["watchers", "trigger", &vw], Some(&dev.token)),
        run(&["runs", "claim", "--limit", "10"], Some(&dev.token)),
        run(&["runs", "heartbeat", "1"], Some(&dev.token)),
        run(&["runs", "complete", "1"], Some(&dev.token)),
        run(&["runs", "fail", "2", "--error", "x"], Some(&dev.token)),
        // the victim's other device: its own organisation, never the preset device
        run(&["runs", "claim", "--limit", "10"], Some(&other.token)),
    ];
    let trigger = format!("watchers trigger {vw}");
    let want = [
        ("tokens create --device acme:nobody", 3),
        ("tokens create --device victim:nobody", 3),
        (
            "register-device --org nosuch --user u --worker-id x --platform macos --issue-token",
            3,
        ),
        (trigger.as_str(), 3),
        ("runs claim --limit 10", 0),
        ("runs heartbeat 1", 3),
        ("runs complete 1", 3),
        ("runs fail 2 --error x", 3),
        ("runs claim --limit 10", 0),
    ];
    let got: Vec<(&str, i32)> = got.iter().map(|(a, c)| (a.as_str(), *c)).collect();
    assert_eq!(got, want);
    assert_eq!(
        victim_tokens(&db),
        tokens_before,
        "a token was minted for the victim"
    );
    // the other device claimed only the unpinned run (run 2), never the preset device's
    let after = victim_runs(&db);
    assert!(
        after.starts_with("1:pending:-,2:running:"),
        "{runs_before} -> {after}"
    );
    assert!(after.ends_with(&other.id.to_string()), "{after}");
}

/// The session's `DateStyle` and `TimeZone` (the database's settings here) change neither
/// the clock nor what a pooled server connection keeps: the transaction-local `DateStyle`
/// ends with the transaction, behind PgBouncer in transaction pooling mode too.
#[test]
fn session_date_style_and_time_zone_neither_skew_nor_leak() {
    let pool = Bouncer::start(crate::pooler::server_port(), "transaction", 1);
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = dev.watcher.unwrap().to_string();
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE \"{n}\" SET DateStyle = 'SQL, DMY';
             ALTER DATABASE \"{n}\" SET TimeZone = 'Pacific/Chatham';
             ALTER DATABASE \"{n}\" SET IntervalStyle = 'sql_standard'",
            n = db.name
        ))
        .unwrap();
    let via = db.through(pool.url(&db.name));
    for (args, token) in [
        (&["watchers", "trigger", &w][..], Some(dev.token.as_str())),
        (&["runs", "claim"], Some(dev.token.as_str())),
        (&["watchers", "trigger", "--admin", &w], None),
        (&["org", "show", "acme"], None),
        (&["watchers", "show", &w], None),
    ] {
        let mut c = cli(&via);
        if let Some(t) = token {
            c = c.token(t);
        }
        let r = c.args(args).run();
        assert_eq!(r.code, 0, "{}: {}", args.join(" "), r.stderr);
    }
    let status = cli(&via).args(["status"]).json();
    let at: DateTime<Utc> = status["database_time"].as_str().unwrap().parse().unwrap();
    let skew = (Utc::now() - at).num_seconds().abs();
    assert!(skew < 30, "database_time {at} is {skew} s off");
    let mut pooled = postgres::Client::connect(&pool.url(&db.name), postgres::NoTls).unwrap();
    let style = pooled
        .simple_query("SHOW DateStyle")
        .unwrap()
        .iter()
        .find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        });
    assert_eq!(style.as_deref(), Some("SQL, DMY"));
}
