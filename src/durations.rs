//! Durations as the command line and fixtures write them (`90s`, `1h30m`, `2w`), and the
//! per-watcher settings made of them (cool-down, spread, catch-up window, retry delay):
//! parsed and checked here, in the library, so that a flag and a fixture's key accept and
//! refuse the same values with the same message.

/// The units a duration (`DUR`) may use, for messages and help.
pub const DURATION_UNITS: &str =
    "s (seconds), m (minutes), h (hours), d (days), w (weeks), e.g. 90s, 5m, 1h30m, 2w";

/// The longest duration accepted: 100 years.
const MAX_DURATION_SECS: i64 = 100 * 365 * 86_400;

/// Parses a duration: whole numbers each followed by a unit, `s`, `m`, `h`, `d` or `w`,
/// summed (`90s`, `5m`, `2h`, `30d`, `2w`, `1h30m`, `1w2d`). Zero is refused.
///
/// # Errors
/// A message naming what is wrong and the units.
pub fn parse_duration(s: &str) -> std::result::Result<chrono::Duration, String> {
    let d = parse_duration_or_zero(s)?;
    if d.is_zero() {
        return Err(format!("invalid duration {s:?}: must be more than zero"));
    }
    Ok(d)
}

/// As [`parse_duration`], zero included (`0s`, `0m`, `0`... all mean zero).
fn parse_duration_or_zero(s: &str) -> std::result::Result<chrono::Duration, String> {
    let shown = crate::truncate(s, 40);
    let bad = |why: &str| format!("invalid duration {shown:?}: {why}; units: {DURATION_UNITS}");
    if s.is_empty() {
        return Err(bad("empty"));
    }
    if s == "0" {
        return Ok(chrono::Duration::zero());
    }
    let mut total: i64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (number, after) = rest.split_at(digits);
        let letters = after.len()
            - after
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let (unit, after) = after.split_at(letters);
        if number.is_empty() {
            // a flag where the value belongs (`--interval --loop`: durations take values
            // that start with `-`, so that `-5m` reaches this parser)
            if rest.len() == s.len()
                && s.starts_with('-')
                && !s[1..].starts_with(|c: char| c.is_ascii_digit())
            {
                return Err(bad("a duration is needed here, not a flag"));
            }
            return Err(match after.chars().next() {
                Some(c @ ('-' | '+')) => bad(&format!("no sign ({c}) is allowed")),
                _ if unit.is_empty() => bad(&format!("unexpected {:?}", first_char(after))),
                _ => bad(&format!("a number must come before {unit:?}")),
            });
        }
        if unit.is_empty() && after.starts_with(['.', ',']) {
            return Err(bad("use whole numbers (1h30m, not 1.5h)"));
        }
        let seconds = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            "" if after.is_empty() => return Err(bad(&format!("{number} needs a unit"))),
            "" => return Err(bad(&format!("unexpected {:?}", first_char(after)))),
            other => return Err(bad(&format!("unknown unit {other:?}"))),
        };
        let too_long = || format!("duration {shown:?} is too long (at most 100 years)");
        let n: i64 = number.parse().map_err(|_| too_long())?;
        total = n
            .checked_mul(seconds)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= MAX_DURATION_SECS)
            .ok_or_else(too_long)?;
        rest = after;
    }
    Ok(chrono::Duration::seconds(total))
}

fn first_char(s: &str) -> String {
    s.chars().next().map(String::from).unwrap_or_default()
}

/// The longest cool-down, `i32::MAX` seconds (the column's type), as a duration.
pub const MAX_COOLDOWN: &str = "3550w5d3h14m7s";

/// Parses a cool-down: a duration (zero allowed: never skip) in whole seconds that fits
/// the column.
///
/// # Errors
/// A message naming what is wrong and the units, or the limit.
pub fn parse_cooldown(s: &str) -> std::result::Result<i32, String> {
    let d = parse_duration_or_zero(s)?;
    i32::try_from(d.num_seconds()).map_err(|_| {
        format!(
            "cool-down {:?} is too long (at most {MAX_COOLDOWN}, {} seconds, about 68 years)",
            crate::truncate(s, 40),
            i32::MAX
        )
    })
}

/// Parses a duration from 0 to `max_seconds` (written `max` in the message) in whole
/// seconds: `what` names the setting in the message (`spread "2d" is too long: at most
/// 1d`).
fn parse_up_to(
    s: &str,
    what: &str,
    max_seconds: i32,
    max: &str,
) -> std::result::Result<i32, String> {
    let d = parse_duration_or_zero(s)?.num_seconds();
    i32::try_from(d)
        .ok()
        .filter(|d| *d <= max_seconds)
        .ok_or_else(|| {
            format!(
                "{what} {:?} is too long: at most {max}",
                crate::truncate(s, 40)
            )
        })
}

/// Parses `--spread`: a duration from 0 (none) to a day, in whole seconds.
///
/// # Errors
/// A message naming what is wrong and the units, or the limit.
pub fn parse_spread(s: &str) -> std::result::Result<i32, String> {
    parse_up_to(s, "spread", crate::watchers::MAX_SPREAD_SECONDS, "1d")
}

/// Parses `--retry-delay`: a duration from 0 (retry at the next tick) to a week.
///
/// # Errors
/// A message naming what is wrong and the units, or the limit.
pub fn parse_retry_delay(s: &str) -> std::result::Result<i32, String> {
    parse_up_to(
        s,
        "retry delay",
        crate::watchers::MAX_RETRY_DELAY_SECONDS,
        "1w",
    )
}

/// The longest catch-up window: a week. A window is how late a slot (or a retry) may
/// still start; a week-old check-in is no longer the work it was, and a weekly schedule's
/// slots are all caught up with a week.
pub const MAX_CATCH_UP_WINDOW_SECONDS: i32 = 7 * 86_400;

/// Parses `--catch-up-window`: a duration from a minute to a week, or `none` (coalesce
/// missed slots however late).
///
/// # Errors
/// A message naming what is wrong and the units, or the limits.
pub fn parse_catch_up_window(s: &str) -> std::result::Result<CatchUpWindow, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(CatchUpWindow(None));
    }
    let d = parse_duration(s)?.num_seconds();
    let shown = crate::truncate(s, 40);
    if d < i64::from(crate::watchers::MIN_CATCH_UP_WINDOW_SECONDS) {
        return Err(format!(
            "catch-up window {shown:?} is too short: at least 1m (or none)"
        ));
    }
    parse_up_to(
        s,
        "catch-up window",
        MAX_CATCH_UP_WINDOW_SECONDS,
        "1w (or none)",
    )
    .map(|d| CatchUpWindow(Some(d)))
}

/// A catch-up window in seconds, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUpWindow(pub Option<i32>);

#[cfg(test)]
mod tests {
    use super::{
        parse_catch_up_window, parse_cooldown, parse_duration, parse_retry_delay, parse_spread,
        CatchUpWindow, DURATION_UNITS, MAX_COOLDOWN,
    };

    #[track_caller]
    fn ok(s: &str, secs: i64) {
        assert_eq!(parse_duration(s).map(|d| d.num_seconds()), Ok(secs), "{s}");
    }

    /// Rejected with a message that says `why` and, unless too long, lists the units.
    #[track_caller]
    fn bad(s: &str, why: &str) {
        let e = parse_duration(s).expect_err(s);
        assert!(e.contains(why), "{s}: {e}");
        assert!(
            e.contains(DURATION_UNITS) || why == "too long" || why == "more than zero",
            "{s}: {e}"
        );
    }

    #[test]
    fn durations() {
        ok("90s", 90);
        ok("5m", 300);
        ok("2h", 7200);
        ok("30d", 2_592_000);
        ok("1w", 604_800);
        ok("1h30m", 5400);
        ok("1w2d", 777_600);
        ok("1d1h1m1s", 90_061);
        ok("0h5m", 300);
        ok("100s", 100);
        bad("", "empty");
        bad("5", "5 needs a unit");
        bad("m", "a number must come before \"m\"");
        bad("5x", "unknown unit \"x\"");
        bad("30min", "unknown unit \"min\"");
        bad("1.5h", "use whole numbers");
        bad("-5m", "no sign");
        bad("--loop", "a duration is needed here, not a flag");
        bad("-q", "a duration is needed here, not a flag");
        bad("0s", "more than zero");
        bad("0", "more than zero");
        bad("1h 30m", "unexpected \" \"");
        bad("99999999999999999d", "too long");
        bad("99999999999999999999999s", "too long");
        bad("5300w", "too long");
    }

    #[test]
    fn cooldowns_may_be_zero() {
        assert_eq!(parse_cooldown("0s"), Ok(0));
        assert_eq!(parse_cooldown("0"), Ok(0));
        assert_eq!(parse_cooldown("0h0m"), Ok(0));
        assert_eq!(parse_cooldown("1w"), Ok(604_800));
        assert!(parse_cooldown("1.5h").is_err());
    }

    /// The longest cool-down is the column's limit, and past it the message says so,
    /// echoing at most 40 characters of the value (it echoed all 7 KB of "1w" x 3551).
    #[test]
    fn a_cooldown_too_long_says_the_limit() {
        assert_eq!(parse_cooldown(MAX_COOLDOWN), Ok(i32::MAX));
        let e = parse_cooldown("3550w5d3h14m8s").unwrap_err();
        assert!(
            e.contains("at most 3550w5d3h14m7s, 2147483647 seconds"),
            "{e}"
        );
        let e = parse_cooldown(&"1w".repeat(3551)).unwrap_err();
        assert!(e.len() < 150 && e.contains("at most 3550w5d3h14m7s"), "{e}");
    }

    /// The fleet settings' bounds, each message naming its own setting and limit (the
    /// catch-up window borrowed the cool-down's "at most 3550w5d3h14m7s").
    #[test]
    fn fleet_settings_say_their_own_limits() {
        assert_eq!(parse_spread("1d"), Ok(86_400));
        assert_eq!(parse_spread("0"), Ok(0));
        let e = parse_spread("1d1s").unwrap_err();
        assert_eq!(e, "spread \"1d1s\" is too long: at most 1d");
        assert_eq!(parse_retry_delay("1w"), Ok(604_800));
        let e = parse_retry_delay("8d").unwrap_err();
        assert_eq!(e, "retry delay \"8d\" is too long: at most 1w");
        assert_eq!(
            parse_catch_up_window("1w"),
            Ok(CatchUpWindow(Some(604_800)))
        );
        assert_eq!(parse_catch_up_window("none"), Ok(CatchUpWindow(None)));
        let e = parse_catch_up_window("1w1s").unwrap_err();
        assert_eq!(
            e,
            "catch-up window \"1w1s\" is too long: at most 1w (or none)"
        );
        let e = parse_catch_up_window("100w").unwrap_err();
        assert!(!e.contains("3550w"), "{e}");
        assert!(parse_catch_up_window("59s")
            .unwrap_err()
            .contains("at least 1m"));
    }
}
