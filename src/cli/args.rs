//! Shared argument parsers and groups: durations, times, ids, time zones, token sources.
//! Every value is checked here, so bad input exits 2 before any connection.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Args;

use crate::error::{Error, Result};
use crate::tokens::Token;

pub use crate::durations::{
    parse_catch_up_window, parse_cooldown, parse_duration, parse_retry_delay, parse_spread,
    CatchUpWindow, DURATION_UNITS, MAX_COOLDOWN,
};

/// Parses `--retries`: 0 to 10.
///
/// # Errors
/// A message giving the range.
pub fn parse_retries(s: &str) -> std::result::Result<i32, String> {
    parse_count::<0, { crate::watchers::MAX_RETRIES as i64 }>(s)
        .map(|n| i32::try_from(n).unwrap_or(0))
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

// The doc is written as `concat!` so that clap's derive does not read it: the subcommands
// are deferred (built only when chosen), and a flattened struct's doc comment would then
// replace the subcommand's own description (`about`) in its help.
#[doc = concat!(
    "Where a device command finds its token: `--token`, `--token-file` or ",
    "`LOBU_DEVICE_TOKEN`."
)]
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

// (its doc: see `TokenSource`)
#[doc = concat!("The rescue thresholds, ", "on `runs rescue` and `dispatch` alike.")]
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
    use super::{parse_count, parse_id};

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
