//! `completions`, `man` and `demo`.

use chrono::{DateTime, Utc};
use postgres::Client;

use super::context::{Ctx, Schema};
use super::output::{kv_table, write_stdout, Format, Out};
use crate::db;
use crate::error::{Error, Result};
use crate::{devices, dispatch, provisioning, runs, tokens, watchers};

pub(super) fn completions(shell: clap_complete::Shell, mut command: clap::Command) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command, "lobu-admin", &mut buf);
    write_stdout(&String::from_utf8_lossy(&buf))
}

pub(super) fn man(command: clap::Command) -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut buf)
        .map_err(|e| Error::Internal(format!("cannot render the man page: {e}")))?;
    let mut page = String::from_utf8_lossy(&buf).into_owned();
    // the subcommands' examples, which clap_mangen leaves out of the top-level page
    page.push_str(".SH EXAMPLES\n");
    let mut stack: Vec<(String, &clap::Command)> = vec![(String::new(), &command)];
    while let Some((path, cmd)) = stack.pop() {
        if let Some(help) = cmd.get_after_help() {
            let text = help.to_string();
            let body = text.strip_prefix("Examples:\n").unwrap_or(&text);
            page.push_str(&format!(".TP\n\\fBlobu-admin{path}\\fR\n.nf\n"));
            for line in body.lines() {
                page.push_str(&line.trim_start().replace('\\', "\\\\"));
                page.push('\n');
            }
            page.push_str(".fi\n");
        }
        let mut subs: Vec<_> = cmd.get_subcommands().collect();
        subs.reverse();
        stack.extend(
            subs.into_iter()
                .map(|c| (format!("{path} {}", c.get_name()), c)),
        );
    }
    write_stdout(&page)
}

/// The quickstart: every step printed; rerunnable (each run uses a new organisation).
pub(super) fn demo(ctx: &Ctx) -> Result<()> {
    let out = ctx.out;
    let step = |n: u32, text: &str| -> Result<()> {
        if out.format == Format::Table {
            write_stdout(&format!("\n== {n}. {text}\n"))
        } else {
            Ok(())
        }
    };
    let show = |v: &serde_json::Value| -> Result<()> {
        match out.format {
            Format::Json => write_stdout(&format!("{v}\n")),
            Format::Table => write_stdout(&format!("{}\n", kv_table(v))),
        }
    };
    let mut c = ctx.connect(Schema::Checked)?;
    let now = db::clock(&mut c)?;
    let org = format!("demo-{}", now.format("%Y%m%d-%H%M%S-%3f"));

    step(1, &format!("create organization {org}"))?;
    let o = db::in_tx(&mut c, |tx, _| {
        crate::orgs::create(tx, &org, Some("Demo Org"))
    })?;
    show(&serde_json::json!({"id": o.id, "name": o.name}))?;

    step(
        2,
        "provision its default agent (sticky: never re-created once deleted)",
    )?;
    let p = db::in_tx(&mut c, |tx, now| {
        provisioning::provision_agent(tx, &org, now)
    })?;
    show(&serde_json::to_value(&p).unwrap_or_default())?;

    step(
        3,
        "register a Mac with a device token: the first Mac gets the daily check-in",
    )?;
    let reg = db::in_tx(&mut c, |tx, now| {
        devices::register(
            tx,
            &devices::RegisterDevice {
                org_id: org.clone(),
                user_id: "ada".into(),
                worker_key: "ada-macbook".into(),
                platform: devices::Platform::Macos,
                name: Some("Ada's MacBook".into()),
                timezone: Some(chrono_tz::Europe::Berlin),
                app_version: Some("1.0.0".into()),
                issue_token: true,
                token_expires_in: Some(chrono::Duration::days(1)),
                token_value: None,
            },
            now,
        )
    })?;
    show(&serde_json::json!({
        "device_id": reg.device_id,
        "created": reg.created,
        "default_watcher": reg.default_watcher,
        "token": reg.token.as_ref().map(|t| format!("{}… (shown once; hidden in the demo)", t.prefix)),
    }))?;
    let token = reg
        .token
        .map(|t| tokens::Token::new(t.token))
        .ok_or_else(|| Error::Internal("demo: no token issued".into()))?;
    let watcher_id = reg
        .default_watcher
        .watcher_id
        .ok_or_else(|| Error::Internal("demo: no default watcher".into()))?;

    step(4, "list the organization's watchers")?;
    list_watchers(&mut c, out, &org)?;

    // the story runs on a simulated clock: 08:30 in Berlin before the next 09:00 slot
    let slot = db::in_tx(&mut c, |tx, _| watchers::get(tx, watcher_id))?
        .next_run_at
        .unwrap_or(now);
    let morning = slot - chrono::Duration::minutes(30);
    step(
        5,
        "08:30 in Berlin: the Mac triggers its daily check-in with its device token",
    )?;
    let principal = db::in_tx(&mut c, |tx, _| tokens::authenticate(tx, &token, morning))?;
    let who = watchers::Trigger::Device(principal.clone());
    let first = db::in_tx(&mut c, |tx, _| {
        watchers::trigger(tx, watcher_id, &who, morning)
    })?;
    show(&serde_json::to_value(&first).unwrap_or_default())?;

    step(
        6,
        "trigger again: the active run is returned (already_queued: true)",
    )?;
    let second = db::in_tx(&mut c, |tx, _| {
        watchers::trigger(tx, watcher_id, &who, morning)
    })?;
    show(&serde_json::to_value(&second).unwrap_or_default())?;

    step(7, "the Mac claims the run and completes it")?;
    let done = claim_and_complete(&mut c, &principal, morning, "Yesterday was calm.")?;
    show(&done)?;

    step(
        8,
        "09:00: dispatch skips the scheduled slot, since the run at 08:30 is within the \
         watcher's one-hour cool-down",
    )?;
    let opts = dispatch::Options::default();
    let tick = dispatch::tick(&mut c, db::Clock::At(slot), &opts)?;
    let why = db::in_tx(&mut c, |tx, _| {
        runs::list(
            tx,
            &runs::RunFilter {
                org_id: None,
                watcher_id: Some(watcher_id),
                status: Some(runs::RunStatus::Skipped),
                limit: 1,
                before: None,
            },
        )
    })?;
    let mut v = serde_json::to_value(tick).unwrap_or_default();
    if let (Some(o), Some(r)) = (v.as_object_mut(), why.first()) {
        o.insert("reason".into(), serde_json::json!(r.error));
    }
    show(&v)?;

    step(
        9,
        "09:00 the next day: dispatch queues the scheduled run; the Mac claims and completes it",
    )?;
    let next_day = db::in_tx(&mut c, |tx, _| watchers::get(tx, watcher_id))?
        .next_run_at
        .unwrap_or(slot);
    let tick = dispatch::tick(&mut c, db::Clock::At(next_day), &opts)?;
    show(&serde_json::to_value(tick).unwrap_or_default())?;
    let done = claim_and_complete(&mut c, &principal, next_day, "A calm day ahead.")?;
    show(&done)?;

    step(10, "list again: last run and last fired are filled in")?;
    list_watchers(&mut c, out, &org)?;
    if out.format == Format::Table {
        write_stdout(&format!(
            "\ndone. try: lobu-admin watchers show {watcher_id}   lobu-admin runs list --org {org}\n"
        ))?;
    }
    Ok(())
}

/// The demo Mac claims its oldest run and completes it with a summary.
fn claim_and_complete(
    c: &mut Client,
    principal: &tokens::Principal,
    at: DateTime<Utc>,
    summary: &str,
) -> Result<serde_json::Value> {
    let done = db::in_tx(c, |tx, _| {
        let claimed = runs::claim(tx, principal, 1, at)?;
        let run = claimed
            .first()
            .ok_or_else(|| Error::Internal("demo: nothing to claim".into()))?;
        runs::finish(
            tx,
            principal,
            run.id,
            &runs::Finish::Complete(Some(serde_json::json!({ "summary": summary }))),
            at + chrono::Duration::minutes(1),
        )
    })?;
    Ok(serde_json::json!({
        "run_id": done.run.id, "status": done.run.status, "output": done.run.output
    }))
}

fn list_watchers(c: &mut Client, out: Out, org: &str) -> Result<()> {
    let (list, now) = db::in_tx_at(c, |tx, _| {
        watchers::list(tx, org, None, watchers::StatusFilter::Live, 100)
    })?;
    match out.format {
        Format::Json => write_stdout(&format!(
            "{}\n",
            serde_json::to_string(&list).unwrap_or_default()
        )),
        Format::Table => write_stdout(&format!("{}\n", super::output::watchers_table(&list, now))),
    }
}

/// `status`: the figures, and the skew between the database's clock and this host's
/// (measured against the midpoint of the transaction, so within half its duration).
pub(super) fn status(ctx: &Ctx) -> Result<()> {
    let out = ctx.out;
    let mut c = ctx.connect(Schema::Checked)?;
    let before = Utc::now();
    let (s, _) = db::in_tx_by_key(&mut c, |tx, now| {
        crate::status::status(tx, now, crate::runs::STALE_AFTER)
    })?;
    let after = Utc::now();
    let host = before + (after - before) / 2;
    let skew = (s.database_time - host).num_microseconds().unwrap_or(0) as f64 / 1e6;
    let mut v = serde_json::to_value(&s).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("host_time".into(), serde_json::json!(host));
        o.insert(
            "clock_skew_seconds".into(),
            serde_json::json!((skew * 1000.0).round() / 1000.0),
        );
    }
    out.show(&v, kv_table)
}
