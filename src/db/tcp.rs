//! Dead network paths (SPEC 13): TCP keepalives and `tcp_user_timeout`, with libpq's key
//! names and units, and defaults that bound how long a silent path can hold a connection.
//!
//! Without them a connection whose packets vanish (a partition, a dropped NAT entry, a
//! failed primary whose address went dark) waits for the kernel's retransmission limit,
//! about 15 minutes. With the defaults below:
//! - unacknowledged data (a statement sent into the dark) fails after `tcp_user_timeout`
//!   = 5 s (about five retransmissions at the kernel's back-off);
//! - an idle connection, or one waiting for an answer, is probed after `keepalives_idle`
//!   = 5 s of silence, every `keepalives_interval` = 2 s, and dropped after
//!   `keepalives_count` = 3 unanswered probes (the user timeout caps this: ~7 s);
//! - `connect_timeout` (5 s, per host) bounds a connection attempt.
//!
//! So a command fails with exit 6 within 15 s, and the dispatch loop notices a dark path
//! within about 6 s and, with a two-host URL whose first host went dark, is on the second
//! within about 12 s (SPEC 13 asks for 15). On a slow or lossy WAN link, raise
//! `tcp_user_timeout` in the URL.
//! Each key keeps libpq's meaning when the connection string sets it.

use std::time::Duration;

use tokio_postgres::Config;

/// Default `tcp_user_timeout` (libpq: milliseconds).
pub const USER_TIMEOUT: Duration = Duration::from_secs(5);
/// Default `keepalives_idle` (seconds).
pub const KEEPALIVES_IDLE: Duration = Duration::from_secs(5);
/// Default `keepalives_interval` (seconds).
pub const KEEPALIVES_INTERVAL: Duration = Duration::from_secs(2);
/// Default `keepalives_count`.
pub const KEEPALIVES_COUNT: u32 = 3;

/// The keys this module takes (libpq's names; [`super::config`] takes the Rust driver's
/// `keepalives_retries` as `keepalives_count`).
pub(crate) const TCP_KEYS: [&str; 5] = [
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
];

/// The TCP keys of a connection string, as libpq reads them. `None`: not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcpParams {
    /// `tcp_user_timeout`, milliseconds; 0 is the kernel's default.
    pub user_timeout_ms: Option<u64>,
    /// `keepalives`: 0 turns them off.
    pub keepalives: Option<bool>,
    /// `keepalives_idle`, seconds.
    pub idle_s: Option<u64>,
    /// `keepalives_interval`, seconds.
    pub interval_s: Option<u64>,
    /// `keepalives_count`.
    pub count: Option<u32>,
}

impl TcpParams {
    /// Takes `key` (one of [`TCP_KEYS`]); what is wrong with the value, if anything (never
    /// the value itself).
    pub(crate) fn set(&mut self, key: &str, value: &str) -> std::result::Result<(), &'static str> {
        let number = || {
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| "must be a whole number")
        };
        match key {
            "tcp_user_timeout" => self.user_timeout_ms = Some(number()?),
            "keepalives" => self.keepalives = Some(number()? != 0),
            "keepalives_idle" => self.idle_s = Some(number()?),
            "keepalives_interval" => self.interval_s = Some(number()?),
            _ => self.count = Some(u32::try_from(number()?).map_err(|_| "is too large")?),
        }
        Ok(())
    }

    /// Applies the given values, and this tool's defaults for the others.
    pub(crate) fn apply(&self, config: &mut Config) {
        match self.user_timeout_ms {
            Some(0) => {}
            Some(ms) => {
                config.tcp_user_timeout(Duration::from_millis(ms));
            }
            None => {
                config.tcp_user_timeout(USER_TIMEOUT);
            }
        }
        let on = self.keepalives.unwrap_or(true);
        config.keepalives(on);
        if on {
            config.keepalives_idle(seconds(self.idle_s, KEEPALIVES_IDLE));
            config.keepalives_interval(seconds(self.interval_s, KEEPALIVES_INTERVAL));
            config.keepalives_retries(self.count.filter(|c| *c > 0).unwrap_or(KEEPALIVES_COUNT));
        }
    }
}

/// libpq: 0 (or absent) means the default.
fn seconds(given: Option<u64>, default: Duration) -> Duration {
    given
        .filter(|s| *s > 0)
        .map_or(default, Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_libpq_units() {
        let mut c = Config::new();
        TcpParams::default().apply(&mut c);
        assert_eq!(c.get_tcp_user_timeout(), Some(&USER_TIMEOUT));
        assert!(c.get_keepalives());
        assert_eq!(c.get_keepalives_idle(), KEEPALIVES_IDLE);
        assert_eq!(c.get_keepalives_interval(), Some(KEEPALIVES_INTERVAL));
        assert_eq!(c.get_keepalives_retries(), Some(KEEPALIVES_COUNT));

        let mut p = TcpParams::default();
        p.set("tcp_user_timeout", "2500").unwrap();
        p.set("keepalives_idle", "30").unwrap();
        p.set("keepalives_count", "9").unwrap();
        let mut c = Config::new();
        p.apply(&mut c);
        assert_eq!(c.get_tcp_user_timeout(), Some(&Duration::from_millis(2500)));
        assert_eq!(c.get_keepalives_idle(), Duration::from_secs(30));
        assert_eq!(c.get_keepalives_retries(), Some(9));

        let mut off = TcpParams::default();
        off.set("keepalives", "0").unwrap();
        off.set("tcp_user_timeout", "0").unwrap();
        let mut c = Config::new();
        off.apply(&mut c);
        assert!(!c.get_keepalives());
        assert_eq!(c.get_tcp_user_timeout(), None);

        assert!(TcpParams::default().set("keepalives_idle", "soon").is_err());
    }
}
