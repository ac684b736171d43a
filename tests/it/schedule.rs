//! schedule.rs against an independent simulation of Vixie cron (tests/vectors/vixie.py),
//! and property tests of fire times.

use chrono::{DateTime, Timelike, Utc};
use lobu_admin::schedule::{parse_timezone, Schedule};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
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

/// Spread schedules over many watcher ids: the DST nights of Europe/Berlin and
/// America/New_York, and `*/5` schedules whose next slot bounds the offset.
const SPREAD_EXPRS: [&str; 7] = [
    "*/5 * * * *",
    "0 9 * * *",
    "30 2 * * *",
    "0 * * * *",
    "*/30 * * * *",
    "20 0-1 * * *",
    "0,30 1-3 * * *",
];
const SPREAD_ZONES: [&str; 2] = ["Europe/Berlin", "America/New_York"];
/// Around the 2026 DST nights of both zones (a day before each, up to two days into it).
const DST_NIGHTS: [i64; 4] = [
    1_774_656_000, // 2026-03-28T00:00Z (Berlin springs forward on the 29th)
    1_792_800_000, // 2026-10-24T00:00Z (Berlin falls back on the 25th)
    1_772_928_000, // 2026-03-08T00:00Z (New York springs forward that night)
    1_793_404_800, // 2026-10-31T00:00Z (New York falls back on 1 November)
];
const SPREADS: [i64; 6] = [1, 60, 299, 600, 3600, 86_400];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn spread_instants_are_stable_bounded_and_before_the_next_slot(
        e in 0..SPREAD_EXPRS.len(),
        z in 0..SPREAD_ZONES.len(),
        night in 0..DST_NIGHTS.len(),
        within in 0_i64..2 * 86_400,
        sp in 0..SPREADS.len(),
        id in 1_i64..i64::MAX,
    ) {
        let from = DateTime::from_timestamp(DST_NIGHTS[night] + within, 0).unwrap();
        spread_case(SPREAD_EXPRS[e], SPREAD_ZONES[z], from, SPREADS[sp], id)?;
    }
}

/// The spread's properties for `expr` in `zone` from `from`: ten instants, each in
/// `[slot, next slot)` at the offset the id gives, one per slot, consecutive, and stable
/// however reached.
fn spread_case(
    expr: &str,
    zone: &str,
    from: DateTime<Utc>,
    spread_secs: i64,
    id: i64,
) -> Result<(), TestCaseError> {
    use lobu_admin::schedule::{Slots, Spread};
    let schedule = Schedule::parse(expr).unwrap();
    let tz = parse_timezone(zone).unwrap();
    let spread = Spread::new(spread_secs, id);
    let fires = schedule.upcoming_spread(tz, from, 10, spread).unwrap();
    // the slots, by the schedule the Vixie vectors check, from well before `from`
    let oracle: Vec<DateTime<Utc>> = schedule
        // (every 5 minutes for two days is 576 slots; 700 reach well past the 10 fires)
        .upcoming(tz, from - chrono::Duration::days(2), 700)
        .unwrap()
        .iter()
        .map(|f| t(&f.at_utc))
        .collect();
    let mut slots = Slots::new(schedule.clone(), tz);
    let mut prev: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    for f in &fires {
        let at = t(&f.at_utc);
        prop_assert!(at > from);
        let slot = slots.slot_of(at, spread);
        let i = oracle.iter().position(|s| *s == slot);
        prop_assert!(
            i.is_some(),
            "{} is not a slot ({} fires at {})",
            slot,
            expr,
            at
        );
        let i = i.unwrap();
        let next_slot = oracle[i + 1];
        let offset = at - slot;
        // in [0, spread), strictly before the next slot, and the offset the id gives
        prop_assert!(offset >= chrono::Duration::zero());
        prop_assert!(offset < chrono::Duration::seconds(spread_secs));
        prop_assert!(at < next_slot, "{} reaches the next slot {}", at, next_slot);
        prop_assert_eq!(offset, spread.offset(Some(next_slot - slot)));
        // a slot whose gap exceeds the spread keeps the fixed offset
        if next_slot - slot >= chrono::Duration::seconds(spread_secs) {
            prop_assert_eq!(offset, spread.offset(None));
        }
        // one instant per slot, slots consecutive, instants increasing
        if let Some((p_at, p_slot)) = prev {
            prop_assert!(at > p_at);
            prop_assert_eq!(oracle.iter().position(|s| *s == p_slot).unwrap() + 1, i);
        } else {
            // no slot whose instant lies after `from` is passed over
            let before = oracle[i - 1];
            prop_assert!(before + spread.offset(Some(slot - before)) <= from);
        }
        prev = Some((at, slot));
        // stable: the same instant however it is reached (another dispatcher, a
        // restart, a fresh computation from just before it)
        let again = schedule
            .next_fire(tz, at - chrono::Duration::seconds(1), spread)
            .unwrap();
        prop_assert_eq!(again.at, at);
        prop_assert_eq!(again.slot, slot);
        prop_assert_eq!(Slots::new(schedule.clone(), tz).slot_of(at, spread), slot);
    }
    Ok(())
}

/// The 2026 transitions of both zones, as UTC instants: Berlin springs forward at
/// 2026-03-29T01:00Z and falls back at 2026-10-25T01:00Z, New York at 2026-03-08T07:00Z
/// and 2026-11-01T06:00Z.
const TRANSITIONS: [(&str, &str); 4] = [
    ("Europe/Berlin", "2026-03-29T01:00:00Z"),
    ("Europe/Berlin", "2026-10-25T01:00:00Z"),
    ("America/New_York", "2026-03-08T07:00:00Z"),
    ("America/New_York", "2026-11-01T06:00:00Z"),
];

/// The property test above rarely starts right at a transition hour (one draw in
/// ~50 for `*/5`): here every expression and spread is checked from instants around each
/// zone's spring and autumn transition, for several ids.
#[test]
fn spread_instants_hold_at_each_dst_transition() {
    let around = [-420, 1];
    for (zone, at) in TRANSITIONS {
        for expr in SPREAD_EXPRS {
            for spread in SPREADS {
                for id in [42, i64::MAX / 3] {
                    for d in around {
                        let from = t(at) + chrono::Duration::seconds(d);
                        if let Err(e) = spread_case(expr, zone, from, spread, id) {
                            panic!("{expr} in {zone} from {from}, spread {spread}s, id {id}: {e}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn spread_offsets_cover_the_spread_evenly() {
    use lobu_admin::schedule::Spread;
    // 10,000 consecutive ids over 10 minutes: every minute gets 8-12% of them
    let mut per_minute = [0_u32; 10];
    for id in 1..=10_000 {
        let off = Spread::new(600, id).offset(None).num_seconds();
        assert!((0..600).contains(&off));
        per_minute[usize::try_from(off / 60).unwrap()] += 1;
    }
    for n in per_minute {
        assert!((800..=1200).contains(&n), "{per_minute:?}");
    }
    // the same id, the same offset: a pure function of (id, spread)
    assert_eq!(
        Spread::new(600, 42).offset(None),
        Spread::new(600, 42).offset(None)
    );
    assert_eq!(Spread::new(0, 42).offset(None), chrono::Duration::zero());
}
