//! `schedule preview`.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::args::*;
use super::context::Ctx;
use super::output::show_times;
use crate::error::Result;
use crate::schedule::{Schedule, Spread};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ScheduleAction {
    /// Print the fire times of an expression.
    Preview {
        /// Cron expression.
        #[arg(value_parser = parse_schedule)]
        expr: Schedule,
        /// IANA time zone.
        #[arg(long, value_parser = parse_tz, default_value = "UTC")]
        timezone: chrono_tz::Tz,
        /// Start (exclusive), RFC 3339; default now.
        #[arg(long, value_parser = parse_time)]
        from: Option<DateTime<Utc>>,
        /// How many.
        #[arg(long, default_value_t = 5, value_parser = parse_count::<1, 1000>, allow_negative_numbers = true)]
        count: i64,
        /// Preview a watcher's spread instants: its spread (at most 1d)...
        #[arg(long, value_parser = parse_spread, allow_hyphen_values = true, value_name = "DUR", requires = "seed")]
        spread: Option<i32>,
        /// ...and its id, from which the offset is derived.
        #[arg(long, value_parser = parse_id, allow_negative_numbers = true, value_name = "ID", requires = "spread")]
        seed: Option<i64>,
    },
}

/// `schedule ...`.
pub(super) fn run(ctx: &Ctx, action: &ScheduleAction) -> Result<()> {
    let out = ctx.out;
    let ScheduleAction::Preview {
        expr,
        timezone,
        from,
        count,
        spread,
        seed,
    } = action;
    let spread = Spread::new(i64::from(spread.unwrap_or(0)), seed.unwrap_or(0));
    let times = expr.upcoming_spread(
        *timezone,
        from.unwrap_or_else(Utc::now),
        usize::try_from(*count).unwrap_or(1),
        spread,
    )?;
    show_times(out, &times)
}
