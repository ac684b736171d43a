//! schedule.rs against an independent simulation of Vixie cron (tests/vectors/vixie.py),
//! and property tests of fire times.

use chrono::{DateTime, Timelike, Utc};
use lobu_admin::schedule::{parse_timezone, Schedule};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    expr: String,
    tz: String,
    from: String,
    to: String,
    fires: Vec<String>,
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn fire_times_match_vixie_cron_around_every_2026_transition() {
    let vectors: Vec<Vector> = serde_json::from_str(include_str!("../vectors/vixie.json")).unwrap();
    assert!(vectors.len() > 250);
    let mut failures = Vec::new();
    for v in &vectors {
        let schedule = Schedule::parse(&v.expr).unwrap();
        let tz = parse_timezone(&v.tz).unwrap();
        let (mut at, end) = (t(&v.from), t(&v.to));
        let mut got = Vec::new();
        loop {
            at = schedule.next_after(tz, at).unwrap();
            if at > end {
                break;
            }
            got.push(at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        if got != v.fires {
            failures.push(format!(
                "{:?} in {} from {}:\n  vixie: {:?}\n  ours:  {:?}",
                v.expr, v.tz, v.from, v.fires, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

const EXPRS: [&str; 10] = [
    "*/30 * * * *",
    "0 * * * *",
    "15 */2 * * *",
    "30 2 * * *",
    "0,30 1-3 * * *",
    "20 0-1 * * *",
    "0 9 * * 1-5",
    "*/7 1-3 * * *",
    "45 1 1,15 * 0",
    "@daily",
];
const ZONES: [&str; 6] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Europe/Dublin",
    "Pacific/Chatham",
    "Asia/Kolkata",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fire_times_increase_match_and_avoid_gaps(
        e in 0..EXPRS.len(),
        z in 0..ZONES.len(),
        start in 1_735_689_600_i64..1_830_297_600_i64,
    ) {
        let schedule = Schedule::parse(EXPRS[e]).unwrap();
        let tz = parse_timezone(ZONES[z]).unwrap();
        let from = DateTime::from_timestamp(start, 0).unwrap();
        let times = schedule.upcoming(tz, from, 12).unwrap();
        let mut prev = from;
        for f in &times {
            let at = t(&f.at_utc);
            prop_assert!(at > prev, "{} not after {}", at, prev);
            prev = at;
            // the local rendering is the same instant
            prop_assert_eq!(t(&f.at_local), at);
            let local = at.with_timezone(&tz);
            prop_assert_eq!(local.second(), 0);
            // an instant that is exactly a matching wall-clock time, or a gap's end
            let wall = local.naive_local();
            let gap_end = (at - chrono::Duration::minutes(1)).with_timezone(&tz).naive_local()
                + chrono::Duration::minutes(1) != wall;
            let matches = cron_matches(EXPRS[e], wall);
            prop_assert!(matches || (gap_end && schedule.is_fixed_time()),
                "{} at {} ({}) does not match", EXPRS[e], at, wall);
        }
    }
}

/// A matcher independent of croner: every field as a set.
fn cron_matches(expr: &str, t: chrono::NaiveDateTime) -> bool {
    use chrono::Datelike;
    let expr = if expr == "@daily" { "0 0 * * *" } else { expr };
    let f: Vec<&str> = expr.split_whitespace().collect();
    let set = |s: &str, lo: u32, hi: u32| -> Vec<u32> {
        s.split(',')
            .flat_map(|part| {
                let (r, step) = part
                    .split_once('/')
                    .map_or((part, 1), |(r, s)| (r, s.parse().unwrap()));
                let (a, b) = if r == "*" {
                    (lo, hi)
                } else if let Some((a, b)) = r.split_once('-') {
                    (a.parse().unwrap(), b.parse().unwrap())
                } else {
                    let a = r.parse().unwrap();
                    (a, if part.contains('/') { hi } else { a })
                };
                (a..=b).step_by(step)
            })
            .collect()
    };
    let dom_ok = set(f[2], 1, 31).contains(&t.day());
    let dow_ok = set(f[4], 0, 7)
        .iter()
        .any(|d| d % 7 == t.weekday().num_days_from_sunday());
    let star = f[2].starts_with('*') || f[4].starts_with('*');
    set(f[0], 0, 59).contains(&t.minute())
        && set(f[1], 0, 23).contains(&t.hour())
        && set(f[3], 1, 12).contains(&t.month())
        && if star {
            dom_ok && dow_ok
        } else {
            dom_ok || dow_ok
        }
}
