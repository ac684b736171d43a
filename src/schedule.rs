//! Cron schedules in IANA time zones and the DST rule of SPEC section 7. No I/O.
//!
//! croner parses the expression and finds matching *wall-clock* times (on naive local
//! times, so it never sees a DST transition). This module maps each wall-clock match to
//! real instants with Vixie cron's rule:
//! - *fixed-time* schedules (neither minute nor hour starts with `*`): a local time in a
//!   spring-forward gap fires once, at the first valid instant after the gap; a local time
//!   that occurs twice fires once, at its first occurrence;
//! - *interval* schedules: every matching wall-clock time that exists fires, both
//!   occurrences of a repeated time included, so real-time spacing is kept.
//!
//! Instants are strictly increasing and never repeat.

use std::str::FromStr;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;
use serde::Serialize;

use crate::error::{Error, Result};

const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 0, 7),
];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/// No DST shift in tzdata is larger than this; used to bound the search near transitions.
const MAX_SHIFT_HOURS: i64 = 3;

/// Parses an IANA time zone name.
///
/// # Errors
/// `invalid_input` naming the zone.
pub fn parse_timezone(name: &str) -> Result<Tz> {
    Tz::from_str(name).map_err(|_| {
        Error::invalid(format!(
            "unknown time zone {:?}: use an IANA name such as Europe/Berlin or UTC",
            crate::truncate(name, 60)
        ))
    })
}

/// A validated cron expression.
#[derive(Debug, Clone)]
pub struct Schedule {
    expr: String,
    cron: Cron,
    fixed_time: bool,
}

impl Schedule {
    /// Parses a 5-field expression or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`
    /// (`@annually`, `@midnight`).
    ///
    /// # Errors
    /// `invalid_input` naming the bad field.
    pub fn parse(expr: &str) -> Result<Self> {
        let trimmed = expr.trim();
        let expanded = match trimmed.to_ascii_lowercase().as_str() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            _ if trimmed.starts_with('@') => {
                return Err(bad(
                    expr,
                    "unknown nickname; use @hourly, @daily, @weekly, @monthly or @yearly",
                ))
            }
            _ => trimmed,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(bad(
                expr,
                &format!(
                    "expected 5 fields (minute hour day-of-month month day-of-week), got {}",
                    fields.len()
                ),
            ));
        }
        for (i, field) in fields.iter().enumerate() {
            check_field(i, field)
                .map_err(|why| bad(expr, &format!("{} field {field:?}: {why}", FIELDS[i].0)))?;
        }
        // Vixie: when either day field starts with `*` (even `*/2`), a day must match both
        // fields; otherwise either. croner only treats a bare `*` that way.
        let day_and = fields[2].starts_with('*') || fields[4].starts_with('*');
        let cron = parser(day_and)
            .parse(&fields.join(" "))
            .map_err(|e| bad(expr, &e.to_string()))?;
        Ok(Self {
            expr: trimmed.to_string(),
            cron,
            fixed_time: !fields[0].starts_with('*') && !fields[1].starts_with('*'),
        })
    }

    /// The expression as given (trimmed).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.expr
    }

    /// True for fixed-time schedules (neither minute nor hour starts with `*`).
    #[must_use]
    pub fn is_fixed_time(&self) -> bool {
        self.fixed_time
    }

    /// The first fire time strictly after `after`, in zone `tz`.
    ///
    /// # Errors
    /// `invalid_input` when the expression never matches (e.g. `0 0 31 2 *`).
    pub fn next_after(&self, tz: Tz, after: DateTime<Utc>) -> Result<DateTime<Utc>> {
        let local_after = after.with_timezone(&tz).naive_local();
        // A wall-clock time before local(after) can only map to a later instant across a
        // backward shift; look back only when the offset drops soon after `after`.
        let shift = Duration::hours(MAX_SHIFT_HOURS);
        let drop = offset(tz, after) - offset(tz, after + shift);
        let start = if drop > Duration::zero() {
            local_after - drop
        } else {
            local_after
        };
        let first_naive = self.next_naive(start)?;
        let mut best = self
            .instants(tz, first_naive)
            .into_iter()
            .filter(|t| *t > after)
            .min();
        // Near a transition the order of wall-clock and real times can differ: scan a
        // bounded window of wall-clock matches and keep the earliest instant after `after`.
        let horizon = best.unwrap_or(after + shift);
        if offset(tz, after - shift) != offset(tz, horizon + shift) || best.is_none() {
            let end = horizon.with_timezone(&tz).naive_local() + shift + shift;
            let mut cursor = start;
            for _ in 0..100_000 {
                let naive = self.next_naive(cursor)?;
                if naive > end && best.is_some() {
                    break;
                }
                for t in self.instants(tz, naive) {
                    if t > after && best.is_none_or(|b| t < b) {
                        best = Some(t);
                    }
                }
                cursor = naive;
            }
        }
        best.ok_or_else(|| Error::invalid(format!("schedule {:?} never fires", self.expr)))
    }

    /// The slots from the first one strictly after `start` to the first one strictly after
    /// `until`: the candidates a statement picks a fire instant from on the database's
    /// clock (see [`crate::provisioning::fire_times_around`]).
    ///
    /// # Errors
    /// As [`Schedule::next_after`].
    pub fn slots_between(
        &self,
        tz: Tz,
        start: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>> {
        let mut slots = vec![self.next_after(tz, start)?];
        while let Some(&last) = slots.last().filter(|t| **t <= until) {
            slots.push(self.next_after(tz, last)?);
        }
        Ok(slots)
    }

    /// The next `count` fire times strictly after `after`.
    ///
    /// # Errors
    /// As [`Schedule::next_after`].
    pub fn upcoming(&self, tz: Tz, after: DateTime<Utc>, count: usize) -> Result<Vec<FireTime>> {
        let mut out = Vec::with_capacity(count);
        let mut cursor = after;
        for _ in 0..count {
            cursor = self.next_after(tz, cursor)?;
            out.push(FireTime::new(cursor, tz));
        }
        Ok(out)
    }

    fn next_naive(&self, after: NaiveDateTime) -> Result<NaiveDateTime> {
        self.cron
            .find_next_occurrence(&after, false)
            .map_err(|_| Error::invalid(format!("schedule {:?} never fires", self.expr)))
    }

    /// The instants at which the wall-clock time `naive` fires, by the Vixie rule.
    fn instants(&self, tz: Tz, naive: NaiveDateTime) -> Vec<DateTime<Utc>> {
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => vec![t.with_timezone(&Utc)],
            LocalResult::Ambiguous(first, second) => {
                if self.fixed_time {
                    vec![first.with_timezone(&Utc)]
                } else {
                    vec![first.with_timezone(&Utc), second.with_timezone(&Utc)]
                }
            }
            LocalResult::None if self.fixed_time => vec![gap_end(tz, naive)],
            LocalResult::None => vec![],
        }
    }
}

/// A watcher's spread (SPEC 18): every slot fires at the slot plus a fixed offset derived
/// from a seed (the watcher's id), the same on every dispatcher, host and restart.
///
/// The seed gives a fraction `u` in `[0, 1)` (SplitMix64 of the seed, read as a 64-bit
/// fixed-point number); a slot fires `floor(u x w)` seconds after it, where `w` is the
/// spread, or the time to the next slot when that is shorter (a `*/5` schedule with a
/// spread of 10m): so the offset lies in `[0, spread)`, the instant always comes before
/// the next slot, and the fire instants stay strictly increasing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    /// The spread in seconds (0: fire at the slot).
    pub seconds: i64,
    /// The seed: the watcher's id.
    pub seed: i64,
}

impl Spread {
    /// A spread of `seconds` for the watcher `seed`.
    #[must_use]
    pub fn new(seconds: i64, seed: i64) -> Self {
        Self { seconds, seed }
    }

    /// The fraction of the spread, in 1/2^64 (SplitMix64's finaliser of the seed).
    #[must_use]
    pub fn fraction(&self) -> u64 {
        #[allow(clippy::cast_sign_loss)]
        let mut z = (self.seed as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The offset of a slot whose next slot comes `gap` later (`None`: no next slot).
    #[must_use]
    pub fn offset(&self, gap: Option<Duration>) -> Duration {
        let window = gap.map_or(self.seconds, |g| self.seconds.min(g.num_seconds()));
        let Ok(window) = u64::try_from(window) else {
            return Duration::zero();
        };
        let off = (u128::from(self.fraction()) * u128::from(window)) >> 64;
        Duration::seconds(i64::try_from(off).unwrap_or(0))
    }
}

/// A slot and the instant it fires at (the slot plus the spread's offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fire {
    /// The slot the DST rule gives (a run's `scheduled_for`).
    pub slot: DateTime<Utc>,
    /// When it fires: the slot plus the spread's offset (`next_run_at`).
    pub at: DateTime<Utc>,
}

/// A schedule in a zone with the slots found so far, so that a dispatch tick computes
/// each slot once for all the watchers that share the schedule and zone.
#[derive(Debug, Clone)]
pub struct Slots {
    schedule: Schedule,
    tz: Tz,
    /// Known intervals `[slot, next slot)`; `None`: no next slot.
    known: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// Known first slots strictly after an instant.
    firsts: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Instants and windows known to hold no slot (a `next_run_at` that is no spread
    /// instant, e.g. one written by an older release or by hand, shared by many watchers).
    empty: Vec<(DateTime<Utc>, Duration)>,
}

/// Memo entries kept per schedule and zone; beyond that the memo starts over.
const SLOTS_MEMO: usize = 64;

impl Slots {
    /// The slots of `schedule` in `tz`.
    #[must_use]
    pub fn new(schedule: Schedule, tz: Tz) -> Self {
        Self {
            schedule,
            tz,
            known: Vec::new(),
            firsts: Vec::new(),
            empty: Vec::new(),
        }
    }

    /// The next slot after `slot` (memoised; `None` when the schedule never fires again).
    fn next_of(&mut self, slot: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if let Some((_, n)) = self.known.iter().find(|(s, _)| *s == slot) {
            return *n;
        }
        let n = self.schedule.next_after(self.tz, slot).ok();
        if self.known.len() >= SLOTS_MEMO {
            self.known.clear();
        }
        self.known.push((slot, n));
        n
    }

    /// The first slot strictly after `t`.
    fn first_after(&mut self, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
        if let Some((_, s)) = self.firsts.iter().find(|(a, _)| *a == t) {
            return Ok(*s);
        }
        if let Some((_, Some(n))) = self
            .known
            .iter()
            .find(|(s, n)| *s <= t && n.is_some_and(|n| t < n))
        {
            return Ok(*n);
        }
        let s = self.schedule.next_after(self.tz, t)?;
        if self.firsts.len() >= SLOTS_MEMO {
            self.firsts.clear();
        }
        self.firsts.push((t, s));
        Ok(s)
    }

    /// The latest slot in `(t - window, t]`.
    fn latest_within(
        &mut self,
        t: DateTime<Utc>,
        window: Duration,
    ) -> Result<Option<DateTime<Utc>>> {
        if window <= Duration::zero() {
            return Ok(None);
        }
        if let Some((s, _)) = self
            .known
            .iter()
            .find(|(s, n)| *s <= t && n.is_none_or(|n| t < n))
        {
            return Ok((t - *s < window).then_some(*s));
        }
        if self.empty.contains(&(t, window)) {
            return Ok(None);
        }
        // look back a minute, then twice as far each time, up to the window
        let mut back = Duration::minutes(1).min(window);
        loop {
            let mut s = self.schedule.next_after(self.tz, t - back)?;
            if s <= t {
                while let Some(n) = self.next_of(s).filter(|n| *n <= t) {
                    s = n;
                }
                return Ok(Some(s));
            }
            if back >= window {
                if self.empty.len() >= SLOTS_MEMO {
                    self.empty.clear();
                }
                self.empty.push((t, window));
                return Ok(None);
            }
            back = (back * 2).min(window);
        }
    }

    /// When `slot` fires under `spread`.
    pub fn fire_of(&mut self, slot: DateTime<Utc>, spread: Spread) -> DateTime<Utc> {
        if spread.seconds <= 0 {
            return slot;
        }
        let gap = self.next_of(slot).map(|n| n - slot);
        slot + spread.offset(gap)
    }

    /// The first fire instant strictly after `after` under `spread`: the slot before
    /// `after` when its offset carries it past `after`, else the next slot's.
    ///
    /// # Errors
    /// `invalid_input` when the schedule never fires again.
    pub fn next_fire(&mut self, after: DateTime<Utc>, spread: Spread) -> Result<Fire> {
        if let Some(slot) = self.latest_within(after, Duration::seconds(spread.seconds))? {
            let at = self.fire_of(slot, spread);
            if at > after {
                return Ok(Fire { slot, at });
            }
        }
        let slot = self.first_after(after)?;
        Ok(Fire {
            slot,
            at: self.fire_of(slot, spread),
        })
    }

    /// [`Slots::next_fire`] that does not fire a slot again: `fired` is the latest slot
    /// that has a run (a run's `scheduled_for`), and the first slot after it fires, at
    /// its instant, when that slot comes at the latest with the first slot more than a day
    /// after `after`; otherwise (a `fired` that far ahead, written by `dispatch --now` in
    /// the future, is no reason to wait for it), or when `fired` is before the first fire
    /// after `after`, that first fire. The guard `watchers update` and `resume` apply in
    /// SQL (`next_fire_sql!`'s `$fired`, over the same candidate slots), for the paths
    /// that compute in Rust.
    ///
    /// # Errors
    /// As [`Slots::next_fire`].
    pub fn next_unfired(
        &mut self,
        after: DateTime<Utc>,
        spread: Spread,
        fired: Option<DateTime<Utc>>,
    ) -> Result<Fire> {
        let first = self.next_fire(after, spread)?;
        let Some(fired) = fired.filter(|f| first.slot <= *f) else {
            return Ok(first);
        };
        // the last candidate: the first slot more than a day after `after`
        let last = self.first_after(after + Duration::days(1)).ok();
        // fire instants rise with their slots: the slot after `fired` fires after `first`
        match self.first_after(fired) {
            Ok(slot) if last.is_none_or(|last| fired < last) => Ok(Fire {
                slot,
                at: self.fire_of(slot, spread),
            }),
            _ => Ok(first),
        }
    }

    /// The slot a fire instant `at` belongs to: the latest slot in `(at - spread, at]`,
    /// or `at` itself when there is none (no spread, or a `next_run_at` written by an
    /// older release or by hand).
    pub fn slot_of(&mut self, at: DateTime<Utc>, spread: Spread) -> DateTime<Utc> {
        self.latest_within(at, Duration::seconds(spread.seconds))
            .ok()
            .flatten()
            .unwrap_or(at)
    }
}

impl Schedule {
    /// The first fire instant strictly after `after` with a spread.
    ///
    /// # Errors
    /// As [`Schedule::next_after`].
    pub fn next_fire(&self, tz: Tz, after: DateTime<Utc>, spread: Spread) -> Result<Fire> {
        Slots::new(self.clone(), tz).next_fire(after, spread)
    }

    /// The next `count` fire instants strictly after `after`, with a spread.
    ///
    /// # Errors
    /// As [`Schedule::next_after`].
    pub fn upcoming_spread(
        &self,
        tz: Tz,
        after: DateTime<Utc>,
        count: usize,
        spread: Spread,
    ) -> Result<Vec<FireTime>> {
        let mut slots = Slots::new(self.clone(), tz);
        let mut out = Vec::with_capacity(count);
        let mut cursor = after;
        for _ in 0..count {
            cursor = slots.next_fire(cursor, spread)?.at;
            out.push(FireTime::new(cursor, tz));
        }
        Ok(out)
    }
}

/// One fire time, in UTC and in the watcher's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FireTime {
    /// RFC 3339 in UTC (`...Z`).
    pub at_utc: String,
    /// RFC 3339 with the local offset (`...+hh:mm`).
    pub at_local: String,
}

impl FireTime {
    /// Formats an instant for a zone.
    #[must_use]
    pub fn new(t: DateTime<Utc>, tz: Tz) -> Self {
        Self {
            at_utc: t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            at_local: t
                .with_timezone(&tz)
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
        }
    }
}

fn parser(dom_and_dow: bool) -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .dom_and_dow(dom_and_dow)
        .build()
}

fn bad(expr: &str, why: &str) -> Error {
    Error::invalid(format!(
        "invalid cron expression {:?}: {why}",
        crate::truncate(expr, 80)
    ))
}

fn offset(tz: Tz, t: DateTime<Utc>) -> Duration {
    Duration::seconds(i64::from(
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc(),
    ))
}

/// The first valid instant after the spring-forward gap that contains `naive`.
fn gap_end(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    // The transition lies between `naive` read with the largest plausible offset and
    // `naive` read as UTC minus the smallest; bisect for the first instant whose local
    // time is at or after `naive`.
    let mut lo = naive.and_utc() - Duration::hours(16);
    let mut hi = naive.and_utc() + Duration::hours(16);
    while hi - lo > Duration::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if mid.with_timezone(&tz).naive_local() >= naive {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Checks one field's syntax and ranges (croner accepts extensions we do not promise).
fn check_field(index: usize, field: &str) -> std::result::Result<(), String> {
    let (_, min, max) = FIELDS[index];
    let names: &[&str] = match index {
        3 => &MONTHS,
        4 => &DAYS,
        _ => &[],
    };
    let value = |s: &str| -> std::result::Result<u32, String> {
        if let Some(pos) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            let base = if index == 3 { 1 } else { 0 };
            return Ok(u32::try_from(pos).unwrap_or(0) + base);
        }
        let n: u32 = s
            .parse()
            .map_err(|_| format!("{s:?} is not a number{}", name_hint(index)))?;
        if n < min || n > max {
            return Err(format!("{n} is out of range {min}-{max}"));
        }
        Ok(n)
    };
    for part in field.split(',') {
        let (base, step) = match part.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (part, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(n) if n >= 1 && n <= max.max(1) => {}
                _ => return Err(format!("step {step:?} must be a number from 1 to {max}")),
            }
        }
        if base == "*" {
            continue;
        }
        if let Some((a, b)) = base.split_once('-') {
            let (a, b) = (value(a)?, value(b)?);
            if a > b {
                return Err(format!("range {base} runs backwards"));
            }
        } else {
            value(base)?;
        }
    }
    Ok(())
}

fn name_hint(index: usize) -> &'static str {
    match index {
        3 => " or a month name (JAN-DEC)",
        4 => " or a day name (SUN-SAT)",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[track_caller]
    fn fires(expr: &str, tz: &str, from: &str, expected: &[&str]) {
        let tz = parse_timezone(tz).unwrap();
        let got: Vec<String> = Schedule::parse(expr)
            .unwrap()
            .upcoming(tz, t(from), expected.len())
            .unwrap()
            .into_iter()
            .map(|f| f.at_utc)
            .collect();
        assert_eq!(got, expected, "{expr} in {tz} from {from}");
    }

    #[track_caller]
    fn rejected(expr: &str, needle: &str) {
        let err = Schedule::parse(expr).unwrap_err().to_string();
        assert!(
            err.contains(needle),
            "{expr}: {err} should mention {needle}"
        );
    }

    /// The slot guard: a slot that has a run is not fired again, up to the first slot more
    /// than a day after the clock; beyond that the first fire after the clock.
    #[test]
    fn next_unfired_skips_the_slots_up_to_the_fired_one() {
        let daily = || Slots::new(Schedule::parse("0 9 * * *").unwrap(), chrono_tz::UTC);
        let at = |fired: Option<&str>| {
            daily()
                .next_unfired(t("2026-01-01T08:00:00Z"), Spread::new(0, 1), fired.map(t))
                .unwrap()
                .at
        };
        assert_eq!(at(None), t("2026-01-01T09:00:00Z"));
        assert_eq!(at(Some("2025-12-31T09:00:00Z")), t("2026-01-01T09:00:00Z"));
        assert_eq!(at(Some("2026-01-01T09:00:00Z")), t("2026-01-02T09:00:00Z"));
        // the first slot more than a day ahead is the last candidate: once it fired, the
        // first fire after the clock, as in the SQL
        assert_eq!(at(Some("2026-01-02T08:59:59Z")), t("2026-01-02T09:00:00Z"));
        assert_eq!(at(Some("2026-01-02T09:00:00Z")), t("2026-01-01T09:00:00Z"));
        assert_eq!(at(Some("2026-01-03T09:00:00Z")), t("2026-01-01T09:00:00Z"));
        assert_eq!(at(Some("2099-01-01T09:00:00Z")), t("2026-01-01T09:00:00Z"));
        // a spread that carries the slot before the clock past it: that slot fired, so
        // the next one
        let after = t("2026-01-01T10:05:00Z");
        let mut hourly = Slots::new(Schedule::parse("0 * * * *").unwrap(), chrono_tz::UTC);
        let spread = (1..1000)
            .map(|id| Spread::new(1800, id))
            .find(|s| hourly.next_fire(after, *s).unwrap().slot < after)
            .unwrap();
        let carried = hourly.next_fire(after, spread).unwrap();
        let next = hourly
            .next_unfired(after, spread, Some(carried.slot))
            .unwrap();
        assert_eq!(next.slot, t("2026-01-01T11:00:00Z"));
        assert_eq!(next, hourly.next_fire(carried.at, spread).unwrap());
    }

    #[test]
    fn invalid_expressions_name_the_field() {
        rejected("61 * * * *", "minute field");
        rejected("0 24 * * *", "hour field");
        rejected("0 0 0 * *", "day-of-month field");
        rejected("0 0 * 13 *", "month field");
        rejected("0 0 * * 8", "day-of-week field");
        rejected("0 0 * FOO *", "month field");
        rejected("0 0 * * MON-FOO", "day-of-week field");
        rejected("*/0 * * * *", "minute field");
        rejected("5-1 * * * *", "runs backwards");
        rejected("0 0 L * *", "day-of-month field");
        rejected("0 0 * *", "expected 5 fields");
        rejected("0 0 0 * * *", "expected 5 fields");
        rejected("@often", "unknown nickname");
        rejected("", "expected 5 fields");
    }

    #[test]
    fn fixed_and_interval_are_told_apart() {
        for (expr, fixed) in [
            ("0 9 * * *", true),
            ("20 0-1 * * *", true),
            ("*/30 * * * *", false),
            ("0 * * * *", false),
            ("15 */2 * * *", false),
            ("@hourly", false),
            ("@daily", true),
        ] {
            assert_eq!(
                Schedule::parse(expr).unwrap().is_fixed_time(),
                fixed,
                "{expr}"
            );
        }
    }

    #[test]
    fn nicknames_sunday_and_names() {
        fires(
            "@daily",
            "UTC",
            "2026-01-01T00:00:00Z",
            &["2026-01-02T00:00:00Z"],
        );
        fires(
            "@hourly",
            "UTC",
            "2026-01-01T00:30:00Z",
            &["2026-01-01T01:00:00Z"],
        );
        fires(
            "@weekly",
            "UTC",
            "2026-01-01T00:00:00Z",
            &["2026-01-04T00:00:00Z"],
        );
        fires(
            "@monthly",
            "UTC",
            "2026-01-15T00:00:00Z",
            &["2026-02-01T00:00:00Z"],
        );
        fires(
            "@yearly",
            "UTC",
            "2026-01-15T00:00:00Z",
            &["2027-01-01T00:00:00Z"],
        );
        fires(
            "0 9 * * 0",
            "UTC",
            "2026-01-01T00:00:00Z",
            &["2026-01-04T09:00:00Z"],
        );
        fires(
            "0 9 * * 7",
            "UTC",
            "2026-01-01T00:00:00Z",
            &["2026-01-04T09:00:00Z"],
        );
        fires(
            "0 9 * * sun",
            "UTC",
            "2026-01-01T00:00:00Z",
            &["2026-01-04T09:00:00Z"],
        );
        fires(
            "0 9 * feb mon",
            "UTC",
            "2026-01-01T00:00:00Z",
            &["2026-02-02T09:00:00Z"],
        );
    }

    #[test]
    fn day_of_month_or_day_of_week_like_vixie() {
        // 2026-01-02 is a Friday; the 13th is a Tuesday: either matches.
        fires(
            "0 9 13 * 5",
            "UTC",
            "2026-01-01T00:00:00Z",
            &[
                "2026-01-02T09:00:00Z",
                "2026-01-09T09:00:00Z",
                "2026-01-13T09:00:00Z",
            ],
        );
        // only day-of-month restricted: the weekday does not widen it
        fires(
            "0 9 13 * *",
            "UTC",
            "2026-01-01T00:00:00Z",
            &["2026-01-13T09:00:00Z"],
        );
    }

    #[test]
    fn spring_forward_gap_fires_once_after_gap() {
        // Berlin 2026-03-29: 02:00 CET -> 03:00 CEST (01:00Z).
        fires(
            "30 2 * * *",
            "Europe/Berlin",
            "2026-03-28T12:00:00Z",
            &["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
        );
        // New York 2026-03-08: 02:00 EST -> 03:00 EDT (07:00Z).
        fires(
            "30 2 * * *",
            "America/New_York",
            "2026-03-07T12:00:00Z",
            &["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"],
        );
        // Lord Howe 2026-10-04: 02:00 +10:30 -> 02:30 +11 (15:30Z on the 3rd).
        fires(
            "15 2 * * *",
            "Australia/Lord_Howe",
            "2026-10-03T00:00:00Z",
            &["2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"],
        );
        // 02:00 and 02:30 (in the gap) and 03:00 are one instant: one firing only
        fires(
            "0,30 2,3 * * *",
            "Europe/Berlin",
            "2026-03-28T12:00:00Z",
            &[
                "2026-03-29T01:00:00Z",
                "2026-03-29T01:30:00Z",
                "2026-03-30T00:00:00Z",
            ],
        );
        // issue case: croner alone skips this one
        fires(
            "35 1,3,23 * * *",
            "Europe/Dublin",
            "2026-03-28T22:00:00Z",
            &[
                "2026-03-28T23:35:00Z",
                "2026-03-29T01:00:00Z",
                "2026-03-29T02:35:00Z",
            ],
        );
    }

    #[test]
    fn repeated_hour_fires_once_for_fixed_times() {
        // Berlin 2026-10-25: 03:00 CEST -> 02:00 CET (01:00Z); 02:30 happens twice.
        fires(
            "30 2 * * *",
            "Europe/Berlin",
            "2026-10-24T12:00:00Z",
            &["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
        );
        fires(
            "30 1 * * *",
            "America/New_York",
            "2026-10-31T12:00:00Z",
            &["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
        );
        // issue case: croner alone fires at 00:20Z and 01:20Z
        fires(
            "20 0-1 * * *",
            "Europe/Dublin",
            "2026-10-24T12:00:00Z",
            &[
                "2026-10-24T23:20:00Z",
                "2026-10-25T00:20:00Z",
                "2026-10-26T00:20:00Z",
            ],
        );
        // Lord Howe 2026-04-05: 02:00 +11 -> 01:30 +10:30; 01:45 happens twice.
        fires(
            "45 1 * * *",
            "Australia/Lord_Howe",
            "2026-04-04T00:00:00Z",
            &["2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"],
        );
    }

    #[test]
    fn interval_schedules_keep_real_time_spacing() {
        fires(
            "*/30 * * * *",
            "Europe/Berlin",
            "2026-03-29T00:00:00Z",
            &[
                "2026-03-29T00:30:00Z",
                "2026-03-29T01:00:00Z",
                "2026-03-29T01:30:00Z",
            ],
        );
        fires(
            "*/30 * * * *",
            "Europe/Berlin",
            "2026-10-25T00:00:00Z",
            &[
                "2026-10-25T00:30:00Z",
                "2026-10-25T01:00:00Z",
                "2026-10-25T01:30:00Z",
                "2026-10-25T02:00:00Z",
            ],
        );
        fires(
            "0 * * * *",
            "America/New_York",
            "2026-11-01T04:30:00Z",
            &[
                "2026-11-01T05:00:00Z",
                "2026-11-01T06:00:00Z",
                "2026-11-01T07:00:00Z",
            ],
        );
        fires(
            "0 * * * *",
            "America/New_York",
            "2026-03-08T05:30:00Z",
            &[
                "2026-03-08T06:00:00Z",
                "2026-03-08T07:00:00Z",
                "2026-03-08T08:00:00Z",
            ],
        );
        // Lord Howe back-shift of 30 minutes: 01:30-02:00 local happens twice
        fires(
            "*/30 * * * *",
            "Australia/Lord_Howe",
            "2026-04-04T14:00:00Z",
            &[
                "2026-04-04T14:30:00Z",
                "2026-04-04T15:00:00Z",
                "2026-04-04T15:30:00Z",
                "2026-04-04T16:00:00Z",
            ],
        );
        fires(
            "15 */2 * * *",
            "Europe/Berlin",
            "2026-03-28T22:00:00Z",
            &["2026-03-28T23:15:00Z", "2026-03-29T02:15:00Z"],
        );
    }

    #[test]
    fn never_matching_schedule_is_an_error() {
        let s = Schedule::parse("0 0 31 2 *").unwrap();
        assert!(s.next_after(Tz::UTC, t("2026-01-01T00:00:00Z")).is_err());
    }
}
