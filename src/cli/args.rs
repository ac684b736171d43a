//! Shared argument parsers and groups: durations, times, ids, time zones, token sources.
//! Every value is checked here, so bad input exits 2 before any connection.

use std::io::Read;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Args;

use crate::error::{Error, Result};
use crate::tokens::Token;

/// Parses `90s`, `5m`, `2h`, `30d` (or a sum like `1h30m`) into a duration.
///
/// # Errors
/// A message naming the expected format.
pub fn parse_duration(s: &str) -> std::result::Result<chrono::Duration, String> {
    let bad = || format!("invalid duration {s:?}: use a number and a unit: 90s, 5m, 2h, 30d");
    if s.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: i64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= 100 * 365 * 86_400)
            .ok_or_else(|| format!("duration {s:?} is too long (at most 100 years)"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    if total == 0 {
        return Err(format!("duration {s:?} must be positive"));
    }
    Ok(chrono::Duration::seconds(total))
}

/// Parses a cool-down: a duration (`0s` allowed) in whole seconds that fits the column.
///
/// # Errors
/// A message with an example.
pub fn parse_cooldown(s: &str) -> std::result::Result<i32, String> {
    if s.trim_end_matches(['s', 'm', 'h', 'd']) == "0" {
        return Ok(0);
    }
    let d = parse_duration(s)?;
    i32::try_from(d.num_seconds()).map_err(|_| format!("cool-down {s:?} is too long"))
}

/// Parses an RFC 3339 time.
///
/// # Errors
/// A message with an example.
pub fn parse_time(s: &str) -> std::result::Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("invalid time {s:?}: use RFC 3339, e.g. 2026-03-29T00:30:00Z"))
}

/// Parses a positive integer id.
///
/// # Errors
/// A message saying what an id looks like.
pub fn parse_id(s: &str) -> std::result::Result<i64, String> {
    match s.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "invalid id {:?}: must be a positive integer",
            crate::truncate(s, 40)
        )),
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
            let mut s = String::new();
            if path.as_os_str() == "-" {
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| Error::invalid(format!("cannot read token from stdin: {e}")))?;
            } else {
                s = std::fs::read_to_string(path).map_err(|e| {
                    Error::invalid(format!("cannot read token file {}: {e}", path.display()))
                })?;
            }
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
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DUR")]
    pub stale_after: chrono::Duration,
    /// Active (pending included) for this long since queued: timeout.
    #[arg(long, value_parser = parse_duration, default_value = "2h", value_name = "DUR")]
    pub timeout_after: chrono::Duration,
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[track_caller]
    fn ok(s: &str, secs: i64) {
        assert_eq!(parse_duration(s).map(|d| d.num_seconds()), Ok(secs), "{s}");
    }

    #[track_caller]
    fn bad(s: &str) {
        assert!(parse_duration(s).is_err(), "{s} should be rejected");
    }

    #[test]
    fn durations() {
        ok("90s", 90);
        ok("5m", 300);
        ok("2h", 7200);
        ok("30d", 2_592_000);
        ok("1h30m", 5400);
        bad("");
        bad("5");
        bad("m");
        bad("5x");
        bad("-5m");
        bad("0s");
        bad("99999999999999999d");
    }
}
