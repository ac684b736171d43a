//! Schedules for a fleet (SPEC 18): spread, catch-up window, retries, lateness.

use chrono::{DateTime, Utc};
use lobu_admin::schedule::{parse_timezone, Schedule, Spread};

use crate::support::{cli, mac_org, s, TestDb};

fn t(s: impl AsRef<str>) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s.as_ref())
        .unwrap()
        .with_timezone(&Utc)
}

fn create(db: &TestDb, extra: &[&str]) -> serde_json::Value {
    create_on(db, "0 9 * * *", "Europe/Berlin", extra)
}

fn create_on(db: &TestDb, schedule: &str, tz: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "watchers",
        "create",
        "--org",
        "acme",
        "--name",
        "Check-in",
        "--schedule",
        schedule,
        "--timezone",
        tz,
        "--agent",
        "owletto-default",
        "--prompt",
        "p",
    ];
    args.extend_from_slice(extra);
    cli(db).args(args).json()
}

fn dispatch(db: &TestDb, now: &str) -> serde_json::Value {
    cli(db).args(["dispatch", "--now", now]).json()
}

fn runs_of(db: &TestDb, w: &str) -> Vec<serde_json::Value> {
    let mut runs = cli(db)
        .args(["runs", "list", "--watcher", w])
        .json()
        .as_array()
        .unwrap()
        .clone();
    runs.reverse(); // oldest first
    runs
}

/// The spread instant of watcher `id`'s slot `slot` (09:00 daily: the gap is a day).
fn instant(id: i64, spread: i64, slot: &str) -> DateTime<Utc> {
    t(slot) + Spread::new(spread, id).offset(None)
}

#[test]
fn spread_watchers_fire_at_their_instant_for_their_slot() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = create(&db, &["--spread", "10m"]);
    assert_eq!(w["spread_seconds"], 600);
    assert_eq!(w["catch_up_window_seconds"], serde_json::Value::Null);
    assert_eq!(w["retries"], 0);
    let id = w["id"].as_i64().unwrap();
    let ids = id.to_string();
    // next_run_at is the slot plus the id's offset, and `watchers next` agrees
    let next = t(s(&w, "next_run_at"));
    let slot = Schedule::parse("0 9 * * *")
        .unwrap()
        .next_fire(
            parse_timezone("Europe/Berlin").unwrap(),
            Utc::now(),
            Spread::new(600, id),
        )
        .unwrap();
    assert_eq!(next, slot.at);
    let shown = cli(&db)
        .args(["watchers", "next", &ids, "--count", "2"])
        .json();
    assert_eq!(t(s(&shown[0], "at_utc")), next);
    let listed = cli(&db).args(["watchers", "list", "--org", "acme"]).json();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap();
    assert_eq!(t(s(row, "next_run_at")), next);
    // and the preview of its spread says the same
    let preview = cli(&db)
        .args([
            "schedule",
            "preview",
            "0 9 * * *",
            "--timezone",
            "Europe/Berlin",
            "--spread",
            "10m",
            "--seed",
            &ids,
            "--count",
            "2",
        ])
        .json();
    assert_eq!(preview, shown);

    // dispatched at its instant, not at the slot: scheduled_for stays the slot
    let at = instant(id, 600, "2026-06-01T07:00:00Z");
    cli(&db)
        .args(["watchers", "update", &ids, "--spread", "10m"])
        .run()
        .code(0);
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = $2 WHERE id = $1",
            &[&id, &at],
        )
        .unwrap();
    let early = (at - chrono::Duration::seconds(1)).to_rfc3339();
    assert_eq!(dispatch(&db, &early)["due"], 0);
    let tick = dispatch(&db, &at.to_rfc3339());
    assert_eq!(
        tick,
        serde_json::json!({"due": 1, "queued": 1, "skipped": 0})
    );
    let runs = runs_of(&db, &ids);
    assert_eq!(runs[0]["scheduled_for"], "2026-06-01T07:00:00Z");
    assert_eq!(runs[0]["attempt"], 1);
    assert_eq!(runs[0]["retry_of"], serde_json::Value::Null);
    let shown = cli(&db).args(["watchers", "show", &ids]).json();
    assert_eq!(
        t(s(&shown, "next_run_at")),
        instant(id, 600, "2026-06-02T07:00:00Z")
    );
    // removing the spread brings the next run back to the slot
    let w = cli(&db)
        .args(["watchers", "update", &ids, "--spread", "0s"])
        .json();
    assert_eq!(w["spread_seconds"], 0);
    assert_eq!(t(s(&w, "next_run_at")).format("%M:%S").to_string(), "00:00");
}

#[test]
fn a_tick_of_spread_watchers_queues_each_at_its_own_instant() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let mut c = db.client();
    // 200 watchers at 09:00 UTC with a 10 minute spread, due at their instants
    let ids: Vec<i64> = c
        .query(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id,
                                   spread_seconds)
             SELECT 'acme', 'w' || i, 'W', 'p', '0 9 * * *', 'owletto-default', 600
             FROM generate_series(1, 200) i RETURNING id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for id in &ids {
        let at = instant(*id, 600, "2026-06-01T09:00:00Z");
        c.execute(
            "UPDATE watchers SET next_run_at = $2 WHERE id = $1",
            &[id, &at],
        )
        .unwrap();
    }
    // every 30 s across 09:00-09:10: each tick queues exactly the watchers whose instant
    // it has reached
    let mut total = 0;
    for step in 0..=20 {
        let now = t("2026-06-01T09:00:00Z") + chrono::Duration::seconds(30 * step);
        let expected = ids
            .iter()
            .filter(|id| {
                let at = instant(**id, 600, "2026-06-01T09:00:00Z");
                at <= now && (step == 0 || at > now - chrono::Duration::seconds(30))
            })
            .count();
        let tick = dispatch(&db, &now.to_rfc3339());
        assert_eq!(tick["queued"].as_u64().unwrap() as usize, expected, "{now}");
        total += expected;
    }
    assert_eq!(total, 200);
    // every run is for the slot; queued no earlier than its instant
    let late: i64 = c
        .query_one(
            "SELECT count(*) FROM runs WHERE scheduled_for <> '2026-06-01T09:00:00Z'
                 OR fire_at < scheduled_for OR fire_at >= scheduled_for + interval '10 minutes'
                 OR queued_at < fire_at",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(late, 0);
    // next: tomorrow's instant, each its own
    for id in ids.iter().take(20) {
        let next: DateTime<Utc> = c
            .query_one("SELECT next_run_at FROM watchers WHERE id = $1", &[id])
            .unwrap()
            .get(0);
        assert_eq!(next, instant(*id, 600, "2026-06-02T09:00:00Z"));
    }
}

#[test]
fn bad_fleet_settings_exit_2_naming_the_flag() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    for (flag, value, needle) in [
        ("--spread", "2d", "at most 1d"),
        ("--spread", "-5m", "sign"),
        ("--catch-up-window", "30s", "at least 1m"),
        ("--catch-up-window", "0s", "more than zero"),
        ("--retries", "11", "from 0 to 10"),
        ("--retries", "-1", "from 0 to 10"),
        ("--retry-delay", "2w", "at most 1w"),
        ("--retry-delay", "-1m", "sign"),
    ] {
        let r = cli(&db)
            .args([
                "watchers",
                "create",
                "--org",
                "acme",
                "--name",
                "X",
                "--schedule",
                "@daily",
                "--agent",
                "owletto-default",
                "--prompt",
                "p",
                flag,
                value,
            ])
            .run();
        r.code(2);
        let err = &r.stderr;
        assert!(
            err.contains(flag) && err.contains(needle),
            "{flag} {value}: {err}"
        );
        let r = cli(&db)
            .args(["watchers", "update", "1", flag, value])
            .run();
        r.code(2);
        assert!(r.stderr.contains(flag), "{flag} {value}");
    }
    let r = cli(&db)
        .args(["schedule", "preview", "@daily", "--spread", "10m"])
        .run();
    r.code(2);
    assert!(r.stderr.contains("--seed"));
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM watchers WHERE slug = 'x'"),
        0
    );
}

#[test]
fn an_outage_inside_the_catch_up_window_queues_and_one_outside_skips() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let windowed = create(&db, &["--slug", "windowed", "--catch-up-window", "1h"]);
    assert_eq!(windowed["catch_up_window_seconds"], 3600);
    let plain = create(&db, &["--slug", "plain"]);
    let (w, p) = (windowed["id"].to_string(), plain["id"].to_string());
    let due = |at: &str| {
        db.client()
            .execute(
                "UPDATE watchers SET next_run_at = $1::text::timestamptz
                 WHERE slug IN ('windowed', 'plain')",
                &[&at],
            )
            .unwrap();
    };
    // 09:00 Berlin; the dispatcher is back 59 minutes late: inside the window
    due("2026-06-01T07:00:00Z");
    let tick = dispatch(&db, "2026-06-01T07:59:00Z");
    assert_eq!(
        tick,
        serde_json::json!({"due": 2, "queued": 2, "skipped": 0})
    );
    for id in [&w, &p] {
        cli(&db)
            .args(["runs", "cancel", &runs_of(&db, id)[0]["id"].to_string()])
            .run()
            .code(0);
    }
    // the dispatcher was down all night and is back at 03:00 the day after: 18 hours late
    due("2026-06-01T07:00:00Z");
    let tick = dispatch(&db, "2026-06-02T01:00:00Z");
    assert_eq!(
        tick,
        serde_json::json!({"due": 2, "queued": 1, "skipped": 1})
    );
    let runs = runs_of(&db, &w);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["status"], "skipped");
    assert_eq!(runs[1]["scheduled_for"], "2026-06-01T07:00:00Z");
    assert_eq!(
        runs[1]["error"],
        "skipped: missed by 18h (catch-up window 1h)"
    );
    // the slot without a window is coalesced into one run, however late (as before)
    let runs = runs_of(&db, &p);
    assert_eq!(runs[1]["status"], "pending");
    // both move on to 09:00 that day
    for id in [&w, &p] {
        let shown = cli(&db).args(["watchers", "show", id]).json();
        assert_eq!(shown["next_run_at"], "2026-06-02T07:00:00Z");
    }
    // the window can be removed again
    let updated = cli(&db)
        .args(["watchers", "update", &w, "--catch-up-window", "none"])
        .json();
    assert_eq!(updated["catch_up_window_seconds"], serde_json::Value::Null);
    // one second past the window is missed; a mixed lateness prints in compound units
    let updated = cli(&db)
        .args(["watchers", "update", &w, "--catch-up-window", "90s"])
        .json();
    assert_eq!(updated["catch_up_window_seconds"], 90);
    cli(&db)
        .args(["runs", "cancel", &runs_of(&db, &p)[1]["id"].to_string()])
        .run()
        .code(0);
    due("2026-06-02T07:00:00Z");
    let tick = dispatch(&db, "2026-06-02T07:01:31Z");
    assert_eq!(tick["skipped"], 1);
    assert_eq!(
        runs_of(&db, &w)[2]["error"],
        "skipped: missed by 1m31s (catch-up window 1m30s)"
    );
}

/// A watcher on a yearly schedule (its next slot never interferes), with retries; due now
/// on the database's clock.
fn retrying(db: &TestDb, schedule: &str, retries: &str, delay: &str) -> String {
    let w = create_on(
        db,
        schedule,
        "UTC",
        &[
            "--slug",
            "retrying",
            "--retries",
            retries,
            "--retry-delay",
            delay,
        ],
    );
    assert_eq!(w["retries"].to_string(), retries);
    let id = w["id"].to_string();
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = now() - interval '1 second' WHERE id = $1",
            &[&w["id"].as_i64().unwrap()],
        )
        .unwrap();
    // the Mac's daily check-in (09:00 Berlin) out of the way: a simulated clock an hour
    // ahead would otherwise reach it when the tests run between 08:00 and 09:00 in Berlin
    db.client()
        .batch_execute("UPDATE watchers SET status = 'paused' WHERE slug = 'daily-checkin'")
        .unwrap();
    id
}

/// Claims the one pending run and fails it (on the database's clock); its run.
fn claim_and_fail(db: &TestDb, token: &str) -> serde_json::Value {
    let claimed = cli(db).args(["runs", "claim"]).token(token).json();
    assert_eq!(claimed.as_array().unwrap().len(), 1, "{claimed}");
    let id = claimed[0]["id"].to_string();
    cli(db)
        .args(["runs", "fail", &id, "--error", "model overloaded"])
        .token(token)
        .run()
        .code(0);
    cli(db)
        .args(["runs", "list", "--org", "acme", "--limit", "1"])
        .json()[0]
        .clone()
}

fn retry_at(db: &TestDb, run: &serde_json::Value) -> Option<DateTime<Utc>> {
    db.client()
        .query_one(
            "SELECT retry_at FROM runs WHERE id = $1",
            &[&run["id"].as_i64().unwrap()],
        )
        .unwrap()
        .get(0)
}

#[test]
fn a_retry_chain_runs_to_exhaustion_with_the_delays_doubling() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = retrying(&db, "0 0 1 1 *", "3", "1m");
    assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
    let mut timeline = Vec::new();
    let mut previous: Option<serde_json::Value> = None;
    for attempt in 1..=4 {
        let failed = claim_and_fail(&db, &dev.token);
        assert_eq!(failed["attempt"], attempt);
        assert_eq!(failed["status"], "failed");
        match &previous {
            None => assert_eq!(failed["retry_of"], serde_json::Value::Null),
            Some(p) => {
                assert_eq!(failed["retry_of"], p["id"]);
                assert_eq!(failed["scheduled_for"], p["scheduled_for"]);
            }
        }
        let finished = t(s(&failed, "finished_at"));
        timeline.push(format!(
            "attempt {attempt}: run {} queued {} failed {}",
            failed["id"],
            s(&failed, "queued_at"),
            s(&failed, "finished_at")
        ));
        if attempt == 4 {
            // three retries spent: no more
            assert_eq!(retry_at(&db, &failed), None);
            let tick = cli(&db)
                .args([
                    "dispatch",
                    "--now",
                    &(finished + chrono::Duration::hours(1)).to_rfc3339(),
                ])
                .json();
            assert_eq!(tick["queued"], 0);
            assert!(tick.get("retried").is_none(), "{tick}");
            break;
        }
        // attempt k waits 1m x 2^(k-1): 1m, 2m, 4m
        let delay = chrono::Duration::minutes(1 << (attempt - 1));
        assert_eq!(retry_at(&db, &failed), Some(finished + delay));
        let early = finished + delay - chrono::Duration::seconds(1);
        let tick = cli(&db)
            .args(["dispatch", "--now", &early.to_rfc3339()])
            .json();
        assert!(tick.get("retried").is_none(), "{tick}");
        let tick = cli(&db)
            .args(["dispatch", "--now", &(finished + delay).to_rfc3339()])
            .json();
        assert_eq!(tick["retried"], 1, "{tick}");
        let retry = cli(&db)
            .args(["runs", "list", "--watcher", &w, "--limit", "1"])
            .json()[0]
            .clone();
        assert_eq!(retry["attempt"], attempt + 1);
        assert_eq!(retry["retry_of"], failed["id"]);
        assert_eq!(retry["status"], "pending");
        assert_eq!(t(s(&retry, "queued_at")), finished + delay);
        timeline.push(format!(
            "  retry after {}: attempt {} queued {}",
            lobu_admin::dispatch::compound(delay),
            attempt + 1,
            s(&retry, "queued_at")
        ));
        previous = Some(failed);
    }
    println!(
        "retry chain (retries 3, retry delay 1m):\n{}",
        timeline.join("\n")
    );
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM runs WHERE watcher_id IS NOT NULL AND attempt > 1"),
        3
    );
}

#[test]
fn a_retry_that_meets_the_next_slot_gives_way_to_it() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    // hourly, a retry an hour after the failure: the next slot comes first
    let w = retrying(&db, "0 * * * *", "2", "1h");
    assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
    let failed = claim_and_fail(&db, &dev.token);
    let finished = t(s(&failed, "finished_at"));
    let ready = retry_at(&db, &failed).unwrap();
    assert_eq!(ready, finished + chrono::Duration::hours(1));
    let tick = cli(&db)
        .args(["dispatch", "--now", &ready.to_rfc3339()])
        .json();
    assert!(tick.get("retried").is_none(), "{tick}");
    assert_eq!(tick["queued"], 1, "the slot is queued: {tick}");
    let runs = runs_of(&db, &w);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["attempt"], 1);
    assert_eq!(runs[1]["retry_of"], serde_json::Value::Null);
    assert_ne!(runs[1]["scheduled_for"], runs[0]["scheduled_for"]);
    // and the retry is not queued later either
    assert_eq!(retry_at(&db, &failed), None);
}

#[test]
fn timeouts_are_retried_and_cancelled_runs_are_not() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = retrying(&db, "0 0 1 1 *", "1", "0s");
    assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
    // three hours on, the pending run times out, and is retried in the same tick
    let later = (Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
    let tick = cli(&db).args(["dispatch", "--now", &later]).json();
    assert_eq!(tick["retried"], 1, "{tick}");
    let runs = runs_of(&db, &w);
    assert_eq!(runs[0]["status"], "timeout");
    assert_eq!(runs[1]["attempt"], 2);
    assert_eq!(runs[1]["retry_of"], runs[0]["id"]);
    // a cancelled run is not retried (and neither is attempt 2 of 1 retry)
    cli(&db)
        .args(["runs", "cancel", &runs[1]["id"].to_string()])
        .run()
        .code(0);
    assert_eq!(retry_at(&db, &runs[1]), None);
    let even_later = (Utc::now() + chrono::Duration::hours(4)).to_rfc3339();
    let tick = cli(&db).args(["dispatch", "--now", &even_later]).json();
    assert!(tick.get("retried").is_none(), "{tick}");
    assert_eq!(runs_of(&db, &w).len(), 2);
}

#[test]
fn eight_dispatchers_at_once_queue_each_retry_once() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    // 500 watchers with retries, each with a run that just failed
    db.client()
        .batch_execute(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, next_run_at,
                                   retries, retry_delay_seconds)
             SELECT 'acme', 'w' || i, 'W', 'p', '0 0 1 1 *', 'owletto-default',
                    now() + interval '30 days', 3, 0
             FROM generate_series(1, 500) i;
             INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               queued_at)
             SELECT org_id, id, agent_id, 'scheduled', 'schedule', now()
             FROM watchers WHERE slug LIKE 'w%';
             UPDATE runs SET status = 'failed', finished_at = now(), error = 'boom';",
        )
        .unwrap();
    let ticks =
        crate::support::parallel(8, |_| cli(&db).args(["dispatch", "--limit", "40"]).json());
    let retried: i64 = ticks
        .iter()
        .map(|t| t["retried"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(retried, 500, "{ticks:?}");
    assert_eq!(
        db.scalar::<i64>(
            "SELECT count(*) FROM (SELECT retry_of FROM runs WHERE retry_of IS NOT NULL
             GROUP BY retry_of HAVING count(*) > 1) x"
        ),
        0
    );
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM runs WHERE attempt = 2"),
        500
    );
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM runs WHERE retry_at IS NOT NULL"),
        0
    );
}

#[test]
fn fixtures_carry_the_fleet_settings_and_export_them_back() {
    let db = TestDb::new();
    let fixture = serde_json::json!({"organizations": [{
    "id": "fleet", "name": "Fleet",
    "watchers": [
        {"slug": "spread", "name": "Spread", "schedule": "0 9 * * *",
         "timezone": "Europe/Berlin", "agent": "owletto-default", "prompt": "p",
         "spread": "10m", "catch_up_window": "1h", "retries": 3, "retry_delay": "5m"},
        {"slug": "plain", "name": "Plain", "schedule": "@daily", "timezone": "UTC",
         "agent": "owletto-default", "prompt": "p"}
    ]}]});
    let text = fixture.to_string();
    cli(&db).args(["seed", "-"]).stdin(&text).run().code(0);
    let c = &mut db.client();
    let row = c
        .query_one(
            "SELECT id, spread_seconds, catch_up_window_seconds, retries, retry_delay_seconds,
                    next_run_at
             FROM watchers WHERE slug = 'spread'",
            &[],
        )
        .unwrap();
    let id: i64 = row.get(0);
    assert_eq!(
        (
            row.get::<_, i32>(1),
            row.get::<_, Option<i32>>(2),
            row.get::<_, i32>(3),
            row.get::<_, i32>(4)
        ),
        (600, Some(3600), 3, 300)
    );
    let next: DateTime<Utc> = row.get(5);
    let fire = Schedule::parse("0 9 * * *")
        .unwrap()
        .next_fire(
            parse_timezone("Europe/Berlin").unwrap(),
            Utc::now(),
            Spread::new(600, id),
        )
        .unwrap();
    assert_eq!(next, fire.at);
    // export gives the same document, with every setting written (the defaults too, so
    // that `seed --update` of it resets another database's); a second seed changes nothing
    let exported = cli(&db).args(["export"]).json();
    let mut expected = fixture["organizations"][0]["watchers"].clone();
    expected[0]["min_cooldown"] = "0s".into();
    for (key, default) in [
        ("spread", "0s".into()),
        ("catch_up_window", "none".into()),
        ("retries", 0.into()),
        ("retry_delay", "0s".into()),
        ("min_cooldown", "0s".into()),
    ] {
        expected[1][key] = default;
    }
    assert_eq!(exported["organizations"][0]["watchers"], expected);
    cli(&db).args(["seed", "-"]).stdin(&text).run().code(0);
    assert_eq!(cli(&db).args(["export"]).json(), exported);
    // a bad value is exit 2 naming the entry and the key, before anything is written
    for (key, value, needle) in [
        ("spread", serde_json::json!("2d"), "spread"),
        (
            "catch_up_window",
            serde_json::json!("10s"),
            "catch_up_window",
        ),
        ("retries", serde_json::json!(11), "retries"),
        ("retry_delay", serde_json::json!("1x"), "retry_delay"),
    ] {
        let mut bad = fixture.clone();
        bad["organizations"][0]["id"] = "other".into();
        bad["organizations"][0]["watchers"][1][key] = value;
        let r = cli(&db).args(["seed", "-"]).stdin(&bad.to_string()).run();
        r.code(2);
        assert!(
            r.stderr.contains("watchers[1] (plain)") && r.stderr.contains(needle),
            "{key}: {}",
            r.stderr
        );
    }
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM organizations WHERE id = 'other'"),
        0
    );
}

#[test]
fn status_shows_the_worst_lateness_of_the_last_hour() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let status = cli(&db).args(["status"]).json();
    assert_eq!(
        status["worst_lateness_last_hour_seconds"],
        serde_json::Value::Null
    );
    let table = cli(&db).args(["status"]).run().stdout;
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().eq(["worst_lateness_last_hour", "-"])),
        "{table}"
    );
    let w = create_on(
        &db,
        "0 0 1 1 *",
        "UTC",
        &["--slug", "late", "--spread", "10m"],
    );
    // due 90 seconds ago (its fire instant), dispatched now on the database's clock
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = now() - interval '90 seconds' WHERE id = $1",
            &[&w["id"].as_i64().unwrap()],
        )
        .unwrap();
    assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
    let late = cli(&db).args(["status"]).json()["worst_lateness_last_hour_seconds"]
        .as_f64()
        .unwrap();
    assert!((90.0..100.0).contains(&late), "{late}");
    // the table writes it as a duration, as the tool writes durations (not `93.52...`)
    let table = cli(&db).args(["status"]).run();
    table.code(0);
    let row = table
        .stdout
        .lines()
        .find(|l| l.starts_with("worst_lateness_last_hour"))
        .unwrap_or_else(|| panic!("{}", table.stdout));
    let shown = row.split_whitespace().collect::<Vec<_>>();
    assert_eq!(shown[0], "worst_lateness_last_hour", "{row}");
    assert_eq!(
        shown[1],
        lobu_admin::dispatch::compound(chrono::Duration::seconds(late as i64)),
        "{row}"
    );
    assert!(
        shown[1].starts_with("1m3") && !shown[1].contains('.'),
        "{row}"
    );
}

/// The retry chain's timeline on one simulated clock (printed with --nocapture): a slot
/// at 09:00 whose every attempt fails 30 seconds after it is queued, retries 3, delay 1m.
#[test]
fn a_retry_chain_on_one_clock_doubles_its_delays() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = create_on(
        &db,
        "0 9 * * *",
        "UTC",
        &["--slug", "chain", "--retries", "3", "--retry-delay", "1m"],
    );
    let id = w["id"].as_i64().unwrap();
    let nine = (Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    let c = &mut db.client();
    c.execute(
        "UPDATE watchers SET next_run_at = $2 WHERE id = $1",
        &[&id, &nine],
    )
    .unwrap();
    let mut now = nine;
    let mut timeline = vec![];
    let mut queued_at = vec![];
    loop {
        let tick = cli(&db)
            .args(["dispatch", "--now", &now.to_rfc3339()])
            .json();
        let run: Option<(i64, i32, DateTime<Utc>)> = c
            .query_opt(
                "SELECT id, attempt, queued_at FROM runs WHERE watcher_id = $1
                 AND status = 'pending'",
                &[&id],
            )
            .unwrap()
            .map(|r| (r.get(0), r.get(1), r.get(2)));
        if let Some((run, attempt, at)) = run {
            timeline.push(format!(
                "{} queued attempt {attempt} (run {run}; {tick})",
                at.format("%H:%M:%S")
            ));
            queued_at.push(at);
            let failed = at + chrono::Duration::seconds(30);
            c.execute(
                "UPDATE runs SET status = 'failed', finished_at = $2, error = 'overloaded'
                 WHERE id = $1",
                &[&run, &failed],
            )
            .unwrap();
            let retry: Option<DateTime<Utc>> = c
                .query_one("SELECT retry_at FROM runs WHERE id = $1", &[&run])
                .unwrap()
                .get(0);
            timeline.push(format!(
                "{} attempt {attempt} failed; retry at {}",
                failed.format("%H:%M:%S"),
                retry.map_or("none (retries spent)".into(), |r| r
                    .format("%H:%M:%S")
                    .to_string())
            ));
        }
        now += chrono::Duration::seconds(15);
        if now > nine + chrono::Duration::minutes(20) {
            break;
        }
    }
    println!(
        "retry chain, retries 3, retry delay 1m, ticks every 15 s:\n{}",
        timeline.join("\n")
    );
    let gaps: Vec<i64> = queued_at
        .windows(2)
        .map(|p| (p[1] - p[0]).num_seconds() - 30)
        .collect();
    assert_eq!(gaps, [60, 120, 240]);
}

/// SPEC 18: runs gain `attempt` and `retry_of` in every JSON that shows a run: the run
/// objects (`runs list`, `show`, `claim`, `heartbeat`, `complete`, `wait`, `watchers show`),
/// `watchers list`'s `last_run` (active and finished) and `watchers trigger`'s result (a
/// new run and the active one).
#[test]
fn every_json_that_shows_a_run_carries_attempt_and_retry_of() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = retrying(&db, "0 0 1 1 *", "1", "0s");
    assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
    let first = claim_and_fail(&db, &dev.token);
    assert_eq!(cli(&db).args(["dispatch"]).json()["retried"], 1);
    let retry = cli(&db)
        .args(["runs", "list", "--watcher", &w, "--limit", "1"])
        .json()[0]
        .clone();
    let id = retry["id"].to_string();
    let is_the_retry = |what: &str, run: &serde_json::Value| {
        assert_eq!(run["attempt"], 2, "{what}: {run}");
        assert_eq!(run["retry_of"], first["id"], "{what}: {run}");
    };
    is_the_retry("runs list", &retry);
    is_the_retry("runs show", &cli(&db).args(["runs", "show", &id]).json());
    let shown = cli(&db).args(["watchers", "show", &w]).json();
    is_the_retry("watchers show", &shown["recent_runs"][0]);
    assert_eq!(shown["recent_runs"][1]["attempt"], 1);
    assert_eq!(shown["recent_runs"][1]["retry_of"], serde_json::Value::Null);
    let last_run = |db: &TestDb| {
        let list = cli(db).args(["watchers", "list", "--org", "acme"]).json();
        let row = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == first["watcher_id"]);
        row.unwrap()["last_run"].clone()
    };
    is_the_retry("watchers list, active", &last_run(&db));
    let triggered = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    assert_eq!(triggered["already_queued"], true);
    is_the_retry("watchers trigger, already queued", &triggered);
    let claimed = cli(&db).args(["runs", "claim"]).token(&dev.token).json();
    is_the_retry("runs claim", &claimed[0]);
    let beat = cli(&db)
        .args(["runs", "heartbeat", &id])
        .token(&dev.token)
        .json();
    is_the_retry("runs heartbeat", &beat);
    let done = cli(&db)
        .args(["runs", "complete", &id])
        .token(&dev.token)
        .json();
    is_the_retry("runs complete", &done);
    is_the_retry("runs wait", &cli(&db).args(["runs", "wait", &id]).json());
    is_the_retry("watchers list, finished", &last_run(&db));
    // a new manual run is a first attempt
    let manual = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    assert_eq!(manual["already_queued"], false);
    assert_eq!(manual["attempt"], 1);
    assert_eq!(manual["retry_of"], serde_json::Value::Null);
    assert!(manual.as_object().unwrap().contains_key("retry_of"));
    let listed = last_run(&db);
    assert_eq!(listed["attempt"], 1, "{listed}");
    assert!(listed.as_object().unwrap().contains_key("retry_of"));
}

/// A watcher's runs as `(status, scheduled_for, error)`, oldest first; then deletes them
/// (so that the next outage starts clean).
fn outage_runs(db: &TestDb, w: &str) -> Vec<(String, String, Option<String>)> {
    let runs = runs_of(db, w);
    db.client()
        .execute(
            "DELETE FROM runs WHERE watcher_id = $1",
            &[&w.parse::<i64>().unwrap()],
        )
        .unwrap();
    runs.iter()
        .map(|r| {
            let error = r["error"].as_str().map(String::from);
            (
                s(r, "status").to_string(),
                s(r, "scheduled_for").to_string(),
                error,
            )
        })
        .collect()
}

/// The watcher `w` was last due at `at` (the dispatcher has been down since); it is back
/// at `now`: the tick, and where `next_run_at` moved.
fn back_after_outage(
    db: &TestDb,
    w: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (serde_json::Value, String) {
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = $2 WHERE id = $1",
            &[&w.parse::<i64>().unwrap(), &at],
        )
        .unwrap();
    let tick = dispatch(db, &now.to_rfc3339());
    let shown = cli(db).args(["watchers", "show", w]).json();
    (tick, s(&shown, "next_run_at").to_string())
}

fn tick_of(due: i64, queued: i64, skipped: i64) -> serde_json::Value {
    serde_json::json!({"due": due, "queued": queued, "skipped": skipped})
}

fn run_of(status: &str, slot: &str, error: Option<&str>) -> (String, String, Option<String>) {
    (status.into(), slot.into(), error.map(String::from))
}

/// Daily 09:00 Berlin, catch-up window 10m, the dispatcher down three days: back at 09:03
/// on the fourth, that day's 09:00 is queued and the missed slots before it are recorded
/// skipped, as one run, ahead of it; back at 03:00, nothing is queued and 09:00 is next.
#[test]
fn an_outage_of_days_queues_the_slot_inside_the_window_and_skips_the_missed_ones() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = create(&db, &["--catch-up-window", "10m"])["id"].to_string();
    // November: 09:00 Berlin is 08:00Z
    let first = t("2026-11-02T08:00:00Z");
    let (tick, next) = back_after_outage(&db, &w, first, t("2026-11-05T08:03:00Z"));
    assert_eq!(tick, tick_of(1, 1, 1));
    assert_eq!(next, "2026-11-06T08:00:00Z");
    assert_eq!(
        outage_runs(&db, &w),
        [
            run_of(
                "skipped",
                "2026-11-02T08:00:00Z",
                Some("skipped: missed by 3d3m (catch-up window 10m)")
            ),
            run_of("pending", "2026-11-05T08:00:00Z", None),
        ]
    );
    // back at 03:00 on the fourth day: today's 09:00 has not come yet
    let (tick, next) = back_after_outage(&db, &w, first, t("2026-11-05T02:00:00Z"));
    assert_eq!(tick, tick_of(1, 0, 1));
    assert_eq!(next, "2026-11-05T08:00:00Z");
    assert_eq!(
        outage_runs(&db, &w),
        [run_of(
            "skipped",
            "2026-11-02T08:00:00Z",
            Some("skipped: missed by 2d18h (catch-up window 10m)")
        )]
    );
    // back 11 minutes after 09:00: every slot of the outage is past the window
    let (tick, next) = back_after_outage(&db, &w, first, t("2026-11-05T08:11:00Z"));
    assert_eq!(tick, tick_of(1, 0, 1));
    assert_eq!(next, "2026-11-06T08:00:00Z");
    assert_eq!(outage_runs(&db, &w).len(), 1);
    // the run queued for today's slot is retried like any other: no later run is in its way
    let retried = create(
        &db,
        &[
            "--slug",
            "retried",
            "--catch-up-window",
            "10m",
            "--retries",
            "1",
            "--retry-delay",
            "0s",
        ],
    )["id"]
        .to_string();
    let (tick, _) = back_after_outage(&db, &retried, first, t("2026-11-05T08:03:00Z"));
    assert_eq!(tick, tick_of(1, 1, 1));
    let queued = &runs_of(&db, &retried)[1];
    db.client()
        .execute(
            "UPDATE runs SET status = 'failed', finished_at = '2026-11-05T08:04:00Z' WHERE id = $1",
            &[&queued["id"].as_i64().unwrap()],
        )
        .unwrap();
    assert_eq!(dispatch(&db, "2026-11-05T08:05:00Z")["retried"], 1);
}

/// With a spread, the window counts from the watcher's fire instant, and so does the
/// outage: back nine minutes after today's instant, today's slot is queued; back before
/// it, the outage is skipped and today's instant is next.
#[test]
fn an_outage_with_a_spread_is_caught_up_from_the_fire_instants() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = create(&db, &["--spread", "10m", "--catch-up-window", "10m"])["id"].to_string();
    let id: i64 = w.parse().unwrap();
    let first = instant(id, 600, "2026-11-02T08:00:00Z");
    let today = instant(id, 600, "2026-11-05T08:00:00Z");
    let tomorrow =
        instant(id, 600, "2026-11-06T08:00:00Z").to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (tick, next) = back_after_outage(&db, &w, first, today + chrono::Duration::minutes(9));
    assert_eq!(tick, tick_of(1, 1, 1));
    assert_eq!(next, tomorrow);
    let runs = outage_runs(&db, &w);
    assert_eq!(
        (runs[0].0.as_str(), runs[0].1.as_str()),
        ("skipped", "2026-11-02T08:00:00Z")
    );
    assert_eq!(runs[1], run_of("pending", "2026-11-05T08:00:00Z", None));
    // a second before today's instant: the outage is past the window, today is next
    let (tick, next) = back_after_outage(&db, &w, first, today - chrono::Duration::seconds(1));
    assert_eq!(tick, tick_of(1, 0, 1));
    assert_eq!(t(next), today);
    // eleven minutes after it: all of it is past the window
    let (tick, next) = back_after_outage(&db, &w, first, today + chrono::Duration::minutes(11));
    assert_eq!(tick, tick_of(1, 0, 1));
    assert_eq!(next, tomorrow);
}

/// `*/5` with a catch-up window of 10m: after a long outage the first slot inside the window
/// is queued (the later ones are coalesced into it, as always); a short outage inside the
/// window is coalesced into its first slot, as without a window.
#[test]
fn an_outage_of_a_five_minute_schedule_queues_the_first_slot_inside_the_window() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = create_on(&db, "*/5 * * * *", "UTC", &["--catch-up-window", "10m"])["id"].to_string();
    let (tick, next) = back_after_outage(
        &db,
        &w,
        t("2026-11-02T09:00:00Z"),
        t("2026-11-05T09:03:00Z"),
    );
    assert_eq!(tick, tick_of(1, 1, 1));
    assert_eq!(next, "2026-11-05T09:05:00Z");
    assert_eq!(
        outage_runs(&db, &w),
        [
            run_of(
                "skipped",
                "2026-11-02T09:00:00Z",
                Some("skipped: missed by 3d3m (catch-up window 10m)")
            ),
            run_of("pending", "2026-11-05T08:55:00Z", None),
        ]
    );
    let (tick, next) = back_after_outage(
        &db,
        &w,
        t("2026-11-05T09:05:00Z"),
        t("2026-11-05T09:12:00Z"),
    );
    assert_eq!(tick, tick_of(1, 1, 0));
    assert_eq!(next, "2026-11-05T09:15:00Z");
    assert_eq!(
        outage_runs(&db, &w),
        [run_of("pending", "2026-11-05T09:05:00Z", None)]
    );
}

/// A daily 09:00 UTC watcher with `extra` settings whose next slot is tomorrow's 09:00,
/// the org's other watchers never due: its id and that slot.
fn daily_at_nine(db: &TestDb, extra: &[&str]) -> (i64, DateTime<Utc>) {
    let mut args = vec!["--slug", "nine"];
    args.extend_from_slice(extra);
    let w = create_on(db, "0 9 * * *", "UTC", &args);
    let id = w["id"].as_i64().unwrap();
    let nine = (Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = CASE WHEN id = $1 THEN $2::timestamptz END",
            &[&id, &nine],
        )
        .unwrap();
    (id, nine)
}

/// Ends run `run` with `status` at `at` (as a device would, on a simulated clock).
fn end_run(db: &TestDb, run: i64, status: &str, at: DateTime<Utc>) {
    db.client()
        .execute(
            "UPDATE runs SET status = $2, finished_at = $3,
                             error = CASE WHEN $2 = 'completed' THEN NULL ELSE 'overloaded' END
             WHERE id = $1",
            &[&run, &status, &at],
        )
        .unwrap();
}

/// The watcher's runs, oldest first: (id, status, attempt, retry_of, scheduled_for, error).
#[allow(clippy::type_complexity)]
fn retry_rows(
    db: &TestDb,
    watcher: i64,
) -> Vec<(
    i64,
    String,
    i32,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<String>,
)> {
    db.client()
        .query(
            "SELECT id, status, attempt, retry_of, scheduled_for, error FROM runs
             WHERE watcher_id = $1 ORDER BY id",
            &[&watcher],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
        .collect()
}

fn retry_at_of(db: &TestDb, run: i64) -> Option<DateTime<Utc>> {
    db.client()
        .query_one("SELECT retry_at FROM runs WHERE id = $1", &[&run])
        .unwrap()
        .get(0)
}

/// A retry the dispatcher reaches later than the catch-up window after its `retry_at` is
/// not queued: it is recorded as a missed slot is, a `skipped` run (attempt 2, `retry_of`
/// the failed run, the same slot) saying by how much; the 09:00 check-in does not start
/// at 03:00 the next day.
#[test]
fn a_retry_past_the_catch_up_window_is_skipped_as_missed() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let (id, nine) = daily_at_nine(
        &db,
        &[
            "--retries",
            "1",
            "--retry-delay",
            "5m",
            "--catch-up-window",
            "1h",
        ],
    );
    let tick = dispatch(&db, &nine.to_rfc3339());
    assert_eq!(tick["queued"], 1, "{tick} {:?}", retry_rows(&db, id));
    let first = retry_rows(&db, id)[0].0;
    end_run(&db, first, "failed", nine + chrono::Duration::minutes(1));
    assert_eq!(
        retry_at_of(&db, first),
        Some(nine + chrono::Duration::minutes(6))
    );
    let next_night = nine + chrono::Duration::hours(18);
    let tick = dispatch(&db, &next_night.to_rfc3339());
    assert!(tick.get("retried").is_none(), "{tick}");
    assert_eq!(tick["skipped"], 1, "{tick}");
    let rows = retry_rows(&db, id);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let (_, status, attempt, retry_of, slot, error) = &rows[1];
    assert_eq!(status, "skipped");
    assert_eq!(*attempt, 2);
    assert_eq!(*retry_of, Some(first));
    assert_eq!(*slot, Some(nine));
    assert_eq!(
        error.as_deref(),
        Some("skipped: missed by 17h54m (catch-up window 1h)")
    );
    assert_eq!(retry_at_of(&db, first), None);
    // inside the window it is queued as before
    let (id2, nine2) = {
        let w = create_on(
            &db,
            "0 9 * * *",
            "UTC",
            &[
                "--slug",
                "inside",
                "--retries",
                "1",
                "--retry-delay",
                "5m",
                "--catch-up-window",
                "1h",
            ],
        );
        let id = w["id"].as_i64().unwrap();
        db.client()
            .execute(
                "UPDATE watchers SET next_run_at = $2 WHERE id = $1",
                &[&id, &nine],
            )
            .unwrap();
        (id, nine)
    };
    let _ = dispatch(&db, &nine2.to_rfc3339());
    let run = retry_rows(&db, id2)[0].0;
    end_run(&db, run, "failed", nine2 + chrono::Duration::minutes(1));
    let tick = dispatch(&db, &(nine2 + chrono::Duration::minutes(66)).to_rfc3339());
    assert_eq!(tick["retried"], 1, "{tick}");
    assert_eq!(retry_rows(&db, id2)[1].1, "pending");
}

/// A retry falling due while another run of the watcher (a manual one) is active is not
/// queued beside it, nor dropped: it waits, and the first tick after that run ends
/// `cancelled` or `failed` queues it (the next slot has not come).
#[test]
fn a_retry_waits_for_an_active_run_and_is_queued_after_it() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    for end in ["cancelled", "failed"] {
        let w = retrying(&db, "0 0 1 1 *", "1", "1m");
        let id: i64 = w.parse().unwrap();
        assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
        let failed = claim_and_fail(&db, &dev.token);
        let ready = retry_at(&db, &failed).unwrap();
        let manual = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
        let manual_id = manual["run_id"].as_i64().unwrap();
        let tick = dispatch(&db, &ready.to_rfc3339());
        assert!(tick.get("retried").is_none(), "{end}: {tick}");
        assert_eq!(retry_at(&db, &failed), Some(ready), "{end}: still due");
        let after = ready + chrono::Duration::seconds(30);
        end_run(&db, manual_id, end, after);
        let tick = dispatch(&db, &(after + chrono::Duration::seconds(1)).to_rfc3339());
        assert_eq!(tick["retried"], 1, "{end}: {tick}");
        let rows = retry_rows(&db, id);
        let last = rows.last().unwrap();
        assert_eq!((last.1.as_str(), last.2), ("pending", 2), "{end}: {rows:?}");
        assert_eq!(last.3, failed["id"].as_i64(), "{end}");
        // the next round of the loop uses another watcher
        cli(&db)
            .args(["runs", "cancel", &last.0.to_string()])
            .run()
            .code(0);
        db.client()
            .execute(
                "UPDATE watchers SET slug = 'r-' || id WHERE id = $1",
                &[&id],
            )
            .unwrap();
    }
}

/// A later run that ended `completed` supersedes a due retry (the job has since
/// succeeded): it is never queued and its `retry_at` is cleared.
#[test]
fn a_later_completed_run_supersedes_a_due_retry() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = retrying(&db, "0 0 1 1 *", "1", "1m");
    let id: i64 = w.parse().unwrap();
    assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
    let failed = claim_and_fail(&db, &dev.token);
    let ready = retry_at(&db, &failed).unwrap();
    let manual = cli(&db).args(["watchers", "trigger", &w, "--admin"]).json();
    end_run(
        &db,
        manual["run_id"].as_i64().unwrap(),
        "completed",
        ready - chrono::Duration::seconds(5),
    );
    let tick = dispatch(&db, &ready.to_rfc3339());
    assert!(tick.get("retried").is_none(), "{tick}");
    assert_eq!(retry_at(&db, &failed), None);
    assert_eq!(retry_rows(&db, id).len(), 2);
}

/// "Not once the next slot has come" reads the next slot's fire instant (`next_run_at`,
/// the slot plus the spread's offset): a retry falling due between the next slot and its
/// instant is still queued (decisions.md, "The fire instant is what is late").
#[test]
fn a_retry_due_between_the_next_slot_and_its_spread_instant_is_queued() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let (id, nine) = daily_at_nine(
        &db,
        &["--retries", "1", "--retry-delay", "1h", "--spread", "1h"],
    );
    let offset = Spread::new(3600, id).offset(None);
    assert!(
        offset > chrono::Duration::minutes(2),
        "watcher {id}'s offset {offset} leaves no room"
    );
    let instant = nine + offset;
    assert_eq!(dispatch(&db, &instant.to_rfc3339())["queued"], 1);
    let first = retry_rows(&db, id)[0].0;
    // fails so that its retry falls due a minute after the next day's 09:00, before that
    // slot's instant
    let tomorrow = nine + chrono::Duration::days(1);
    let due = tomorrow + chrono::Duration::minutes(1);
    end_run(&db, first, "failed", due - chrono::Duration::hours(1));
    assert_eq!(retry_at_of(&db, first), Some(due));
    let tick = dispatch(&db, &due.to_rfc3339());
    assert_eq!(tick["retried"], 1, "{tick}");
    assert_eq!(tick["due"], 0, "{tick}");
    let rows = retry_rows(&db, id);
    assert_eq!((rows[1].2, rows[1].4), (2, Some(nine)), "{rows:?}");
}

/// Text output: `watchers list` (NEXT RUN) prints a spread instant to the second when it
/// is off the minute (00:05:39 printed 00:05), and `watchers show`'s recent runs say each
/// run's attempt and the run it retries.
#[test]
fn tables_show_spread_seconds_and_each_runs_attempt() {
    let db = TestDb::new();
    let dev = mac_org(&db, "acme");
    let w = create_on(
        &db,
        "0 9 * * *",
        "UTC",
        &["--slug", "spread", "--spread", "1h"],
    );
    let next = t(s(&w, "next_run_at"));
    let shown = if next.format("%S").to_string() == "00" {
        next.format("%Y-%m-%d %H:%M (").to_string()
    } else {
        next.format("%Y-%m-%d %H:%M:%S (").to_string()
    };
    let table = cli(&db).args(["watchers", "list", "--org", "acme"]).run();
    table.code(0);
    assert!(table.stdout.contains(&shown), "{shown}\n{}", table.stdout);

    let r = retrying(&db, "0 0 1 1 *", "1", "0s");
    let dev_token = dev.token;
    assert_eq!(cli(&db).args(["dispatch"]).json()["queued"], 1);
    let failed = claim_and_fail(&db, &dev_token);
    assert_eq!(cli(&db).args(["dispatch"]).json()["retried"], 1);
    let retry = runs_of(&db, &r).last().unwrap()["id"].to_string();
    let show = cli(&db).args(["watchers", "show", &r]).run();
    show.code(0);
    let lines: Vec<&str> = show.stdout.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("RUN "))
        .unwrap_or_else(|| panic!("{}", show.stdout));
    let cells = |l: &str| -> Vec<String> {
        l.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    assert_eq!(
        cells(lines[header])[..4],
        ["RUN", "STATUS", "ATTEMPT", "RETRY OF"]
    );
    let row = lines[header + 1..]
        .iter()
        .find(|l| l.starts_with(&format!("{retry} ")))
        .unwrap_or_else(|| panic!("{}", show.stdout));
    assert_eq!(
        cells(row)[..4],
        [
            retry,
            "pending".into(),
            "2".into(),
            failed["id"].to_string()
        ]
    );
}

/// On a DST night, through the CLI: a Berlin `30 2 * * *` watcher with a 10m spread, on
/// the spring-forward night of 2027-03-28 (02:30 does not exist: the slot is 03:00 CEST,
/// 01:00Z, the first valid instant after the gap), fires at that slot plus its offset,
/// not before, with `scheduled_for` the slot, and moves on to the next night's 02:30 CEST
/// (00:30Z) plus the same offset. The instants are derived here by hand, not by the
/// library's schedule code.
#[test]
fn a_spread_watcher_fires_right_on_a_spring_forward_night() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let w = create_on(
        &db,
        "30 2 * * *",
        "Europe/Berlin",
        &["--slug", "dst", "--spread", "10m"],
    );
    let id = w["id"].as_i64().unwrap();
    let offset = Spread::new(600, id).offset(None);
    // the night before: 02:30 CET is 01:30Z
    let before = t("2027-03-27T01:30:00Z") + offset;
    db.client()
        .execute(
            "UPDATE watchers SET next_run_at = CASE WHEN id = $1 THEN $2::timestamptz END",
            &[&id, &before],
        )
        .unwrap();
    let next_run = |db: &TestDb| -> DateTime<Utc> {
        db.client()
            .query_one("SELECT next_run_at FROM watchers WHERE id = $1", &[&id])
            .unwrap()
            .get(0)
    };
    assert_eq!(dispatch(&db, &before.to_rfc3339())["queued"], 1);
    let slot = t("2027-03-28T01:00:00Z");
    assert_eq!(next_run(&db), slot + offset);
    // finish the run so that the next slot is not skipped as active
    db.client()
        .execute(
            "UPDATE runs SET status = 'completed', finished_at = $2 WHERE watcher_id = $1",
            &[&id, &(before + chrono::Duration::minutes(1))],
        )
        .unwrap();
    let early = slot + offset - chrono::Duration::seconds(1);
    assert_eq!(dispatch(&db, &early.to_rfc3339())["due"], 0);
    let tick = dispatch(&db, &(slot + offset).to_rfc3339());
    assert_eq!(tick["queued"], 1, "{tick}");
    let runs = runs_of(&db, &id.to_string());
    assert_eq!(t(s(&runs[1], "scheduled_for")), slot);
    assert_eq!(t(s(&runs[1], "queued_at")), slot + offset);
    assert_eq!(next_run(&db), t("2027-03-29T00:30:00Z") + offset);
}

/// Two watchers with a failed run each, due for retry (the first a minute earlier, its
/// watcher paused, the second 300 s late): their ids.
fn two_due_retries(db: &TestDb) -> (i64, i64) {
    let ids: Vec<i64> = db
        .client()
        .query(
            "INSERT INTO watchers (org_id, slug, name, prompt, schedule, agent_id, next_run_at,
                                   retries, status)
             SELECT 'acme', 'r' || i, 'R', 'p', '0 0 1 1 *', 'owletto-default',
                    now() + interval '1 year', 1,
                    CASE WHEN i = 1 THEN 'paused' ELSE 'active' END
             FROM generate_series(1, 2) i ORDER BY i RETURNING id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    db.client()
        .execute(
            "INSERT INTO runs (org_id, watcher_id, agent_id, dispatch_source, triggered_by,
                               status, scheduled_for, queued_at, finished_at, error, retry_at)
             SELECT org_id, id, agent_id, 'scheduled', 'schedule', 'failed',
                    now() - interval '1 hour', now() - interval '1 hour',
                    now() - interval '30 minutes', 'overloaded',
                    now() - CASE WHEN id = $1 THEN interval '360 seconds'
                                 ELSE interval '300 seconds' END
             FROM watchers WHERE id = ANY($2)",
            &[&ids[0], &ids],
        )
        .unwrap();
    (ids[0], ids[1])
}

/// `dispatch` goes on while a batch of retries is full of retries taken, not queued: with
/// `--limit 1`, a first batch whose one retry is dropped (its watcher paused) no longer
/// ends the loop before the second retry is queued. And a queued retry's lateness
/// (`queued_at` minus `retry_at`) is `status`'s worst lateness of the last hour.
#[test]
fn dispatch_goes_on_while_retries_are_taken_and_status_sees_their_lateness() {
    let db = TestDb::new();
    mac_org(&db, "acme");
    let (_, active) = two_due_retries(&db);
    let tick = cli(&db).args(["dispatch", "--limit", "1"]).json();
    assert_eq!(tick["retried"], 1, "{tick}");
    assert_eq!(
        db.scalar::<i64>(&format!(
            "SELECT count(*) FROM runs WHERE watcher_id = {active} AND attempt = 2"
        )),
        1
    );
    let late = cli(&db).args(["status"]).json()["worst_lateness_last_hour_seconds"]
        .as_f64()
        .unwrap();
    assert!((300.0..330.0).contains(&late), "{late}");
}
