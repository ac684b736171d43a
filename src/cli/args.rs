//! Shared argument parsers and groups: durations, times, ids, time zones, token sources.
//! Every value is checked here, so bad input exits 2 before any connection.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Args;

use crate::error::{Error, Result};
use crate::tokens::Token;

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

/// Parses `--spread`: a duration from 0 (none) to a day, in whole seconds.
///
/// # Errors
/// A message naming what is wrong and the units, or the limit.
pub fn parse_spread(s: &str) -> std::result::Result<i32, String> {
    let d = parse_duration_or_zero(s)?.num_seconds();
    i32::try_from(d)
        .ok()
        .filter(|d| *d <= crate::watchers::MAX_SPREAD_SECONDS)
        .ok_or_else(|| {
            format!(
                "spread {:?} is too long: at most 1d",
                crate::truncate(s, 40)
            )
        })
}

/// Parses `--catch-up-window`: a duration of a minute or more, or `none` (coalesce missed
/// slots however late).
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
    i32::try_from(d)
        .map(|d| CatchUpWindow(Some(d)))
        .map_err(|_| format!("catch-up window {shown:?} is too long: at most {MAX_COOLDOWN}"))
}

/// A catch-up window in seconds, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUpWindow(pub Option<i32>);

/// Parses `--retries`: 0 to 10.
///
/// # Errors
/// A message giving the range.
pub fn parse_retries(s: &str) -> std::result::Result<i32, String> {
    parse_count::<0, { crate::watchers::MAX_RETRIES as i64 }>(s)
        .map(|n| i32::try_from(n).unwrap_or(0))
}

/// Parses `--retry-delay`: a duration from 0 (retry at the next tick) to a week.
///
/// # Errors
/// A message naming what is wrong and the units, or the limit.
pub fn parse_retry_delay(s: &str) -> std::result::Result<i32, String> {
    let d = parse_duration_or_zero(s)?.num_seconds();
    i32::try_from(d)
        .ok()
        .filter(|d| *d <= crate::watchers::MAX_RETRY_DELAY_SECONDS)
        .ok_or_else(|| {
            format!(
                "retry delay {:?} is too long: at most 1w",
                crate::truncate(s, 40)
            )
        })
}

/// Parses a count between `MIN` and `MAX` (`--limit`, `--count`, `--batch`).
///
/// # Errors
/// A message giving the range in words.
pub fn parse_count<const MIN: i64, const MAX: i64>(s: &str) -> std::result::Result<i64, String> {
    let range = if MAX == i64::MAX {
        format!("a whole number, at least {MIN}")
    } else {
        format!("a whole number from {MIN} to {MAX}")
    };
    match s.parse::<i64>() {
        Ok(n) if (MIN..=MAX).contains(&n) => Ok(n),
        Ok(_) => Err(format!("must be {range}")),
        Err(_) if MAX == i64::MAX && is_digits(s) => Err(format!("too large: at most {MAX}")),
        Err(_) if is_digits(s) => Err(format!("too large: must be {range}")),
        Err(_) => Err(format!("not a number: must be {range}")),
    }
}

/// Whether `s` is a whole number without a sign (one too large for `i64` fails to parse).
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses an organisation id (`[a-z0-9][a-z0-9_-]{0,62}`), so that a malformed one is a
/// usage error (exit 2) before any connection, not an unknown organisation (exit 3).
///
/// # Errors
/// The id rule.
pub fn parse_org_id(s: &str) -> std::result::Result<String, String> {
    crate::orgs::validate_id("organization id", s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}

/// Parses `--actor` (see [`crate::audit::Actor::new`]: not blank, no control or invisible
/// characters; `device:...` is refused only where a change is recorded, as `audit list`
/// filters by it).
///
/// # Errors
/// What is wrong with it.
pub fn parse_actor(s: &str) -> std::result::Result<crate::audit::Actor, String> {
    crate::audit::Actor::new(s).map_err(|e| e.to_string())
}

/// Parses a free-text reason: storable (no NUL), at most 500 characters, not blank, no
/// device token.
///
/// # Errors
/// What is wrong with it.
pub fn parse_reason(s: &str) -> std::result::Result<String, String> {
    if s.contains('\0') {
        return Err("invalid reason: contains a NUL character".into());
    }
    if s.trim().is_empty() || s.chars().count() > 500 {
        return Err("invalid reason: must be 1 to 500 characters and not blank".into());
    }
    crate::input::no_token("reason", s).map_err(|e| e.to_string())?;
    Ok(s.to_string())
}

/// Parses `--since`: a duration before now (`7d`) or an RFC 3339 time.
///
/// # Errors
/// A message naming both forms.
pub fn parse_since(s: &str) -> std::result::Result<crate::audit::Since, String> {
    // a year and a dash: meant as a time (no duration has a dash after its digits)
    let b = s.as_bytes();
    if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return parse_time(s)
            .map(crate::audit::Since::At)
            .map_err(|e| format!("{e}; or a duration before now, e.g. 7d"));
    }
    parse_duration(s)
        .map(crate::audit::Since::Ago)
        .map_err(|e| format!("{e}; or an RFC 3339 time, e.g. 2026-03-29T00:30:00Z"))
}

/// Parses an RFC 3339 time.
///
/// # Errors
/// A message with an example.
pub fn parse_time(s: &str) -> std::result::Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!(
                "invalid time {:?} ({e}): use RFC 3339, e.g. 2026-03-29T00:30:00Z",
                crate::truncate(s, 40)
            )
        })
}

/// Parses a positive integer id.
///
/// # Errors
/// A message saying what an id looks like, or the largest one.
pub fn parse_id(s: &str) -> std::result::Result<i64, String> {
    let shown = crate::truncate(s, 40);
    match s.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        Err(_) if is_digits(s) => Err(format!(
            "invalid id {shown:?}: too large (at most {})",
            i64::MAX
        )),
        _ => Err(format!("invalid id {shown:?}: must be a positive integer")),
    }
}

/// Parses a device id (UUID).
///
/// # Errors
/// A message saying what a device id looks like.
pub fn parse_uuid(s: &str) -> std::result::Result<uuid::Uuid, String> {
    uuid::Uuid::parse_str(s).map_err(|_| {
        format!(
            "invalid device id {:?}: must be a UUID",
            crate::truncate(s, 40)
        )
    })
}

/// Parses a device reference: a UUID or `ORG:WORKER_ID`.
///
/// # Errors
/// A message naming both forms.
pub fn parse_device(s: &str) -> std::result::Result<crate::devices::DeviceRef, String> {
    s.parse().map_err(|e: crate::Error| e.to_string())
}

/// Parses an IANA time zone name.
///
/// # Errors
/// A message naming the zone.
pub fn parse_tz(s: &str) -> std::result::Result<chrono_tz::Tz, String> {
    crate::schedule::parse_timezone(s).map_err(|e| e.to_string())
}

/// Where a device command finds its token: `--token`, `--token-file` or `LOBU_DEVICE_TOKEN`.
#[derive(Debug, Clone, Args)]
pub struct TokenSource {
    /// Device token (prefer --token-file or LOBU_DEVICE_TOKEN: arguments are visible to
    /// other users in the process list).
    #[arg(
        long,
        env = "LOBU_DEVICE_TOKEN",
        hide_env_values = true,
        value_name = "T"
    )]
    pub token: Option<String>,
    /// Read the device token from a file, or from standard input with `-`.
    #[arg(long, value_name = "PATH", conflicts_with = "token")]
    pub token_file: Option<PathBuf>,
}

impl TokenSource {
    /// The token, if one was given.
    ///
    /// # Errors
    /// `invalid_input` when the file cannot be read or is empty.
    pub fn read(&self) -> Result<Option<Token>> {
        if let Some(path) = &self.token_file {
            // a token is under a hundred bytes; a file of more is not a token file
            let s = crate::input::read_text(path, 4096).map_err(|e| {
                if path.as_os_str() == "-" {
                    Error::invalid(format!("cannot read token from stdin: {e}"))
                } else {
                    Error::invalid(format!("cannot read token file {}: {e}", path.display()))
                }
            })?;
            let s = s.trim();
            if s.is_empty() {
                return Err(Error::invalid("the token file is empty"));
            }
            return Ok(Some(Token::new(s)));
        }
        Ok(self.token.as_deref().map(Token::new))
    }

    /// The token, required.
    ///
    /// # Errors
    /// `invalid_input` (exit 2) when none was given.
    pub fn require(&self) -> Result<Token> {
        self.read()?.ok_or_else(|| {
            Error::invalid(
                "a device token is required: use --token-file PATH|-, LOBU_DEVICE_TOKEN or --token",
            )
        })
    }
}

/// Parses a cron expression.
///
/// # Errors
/// The parser's message.
pub fn parse_schedule(s: &str) -> std::result::Result<crate::schedule::Schedule, String> {
    crate::schedule::Schedule::parse(s).map_err(|e| e.to_string())
}

/// Parses JSON.
///
/// # Errors
/// The parser's message.
pub fn parse_json(s: &str) -> std::result::Result<serde_json::Value, String> {
    serde_json::from_str(s).map_err(|e| format!("invalid JSON: {e}"))
}

/// The rescue thresholds, on `runs rescue` and `dispatch` alike.
#[derive(Debug, Clone, Copy, Args)]
pub struct RescueArgs {
    /// Claimed or running without a heartbeat for this long: back to pending.
    #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, default_value = "5m", value_name = "DUR")]
    pub stale_after: chrono::Duration,
    /// Active (pending included) for this long since queued: timeout.
    #[arg(long, value_parser = parse_duration, allow_hyphen_values = true, default_value = "2h", value_name = "DUR")]
    pub timeout_after: chrono::Duration,
}

#[cfg(test)]
mod tests {
    use super::{
        parse_cooldown, parse_count, parse_duration, parse_id, DURATION_UNITS, MAX_COOLDOWN,
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

    /// An id too large for the column says so and gives the largest, not "must be a
    /// positive integer" (it is one).
    #[test]
    fn an_id_too_large_says_the_limit() {
        assert_eq!(parse_id("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(
            parse_id("9223372036854775808"),
            Err(
                "invalid id \"9223372036854775808\": too large (at most 9223372036854775807)"
                    .into()
            )
        );
        assert!(parse_id("-5")
            .unwrap_err()
            .ends_with("must be a positive integer"));
        assert!(parse_id("0")
            .unwrap_err()
            .ends_with("must be a positive integer"));
        assert_eq!(
            parse_count::<1, { i64::MAX }>("9223372036854775808"),
            Err("too large: at most 9223372036854775807".into())
        );
    }

    #[test]
    fn counts_say_the_range_in_words() {
        assert_eq!(parse_count::<1, 1000>("1000"), Ok(1000));
        assert_eq!(
            parse_count::<1, 1000>("0"),
            Err("must be a whole number from 1 to 1000".into())
        );
        assert_eq!(
            parse_count::<1, { i64::MAX }>("0"),
            Err("must be a whole number, at least 1".into())
        );
        assert!(parse_count::<1, 10>("ten")
            .unwrap_err()
            .starts_with("not a number"));
        assert!(parse_count::<1, 10>("99999999999999999999")
            .unwrap_err()
            .starts_with("too large"));
    }
}
