//! `schedule preview`.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::args::*;
use super::context::Ctx;
use super::output::show_times;
use crate::error::Result;
use crate::schedule::Schedule;

#[derive(Debug, Subcommand)]
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
    } = action;
    {
        let times = expr.upcoming(
            *timezone,
            from.unwrap_or_else(Utc::now),
            usize::try_from(*count).unwrap_or(1),
        )?;
        show_times(out, &times)
    }
}
