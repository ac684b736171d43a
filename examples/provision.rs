//! The library without the CLI: an organisation with its default agent, a Mac (which gets
//! the daily check-in), a manual trigger with the Mac's token, and the watcher list.
//!
//! `DATABASE_URL=postgres://... cargo run --example provision` (a migrated database:
//! `lobu-admin migrate` first).
use lobu_admin::db::{self, DatabaseUrl};
use lobu_admin::devices::{self, Platform, RegisterDevice};
use lobu_admin::watchers::{self, StatusFilter, Trigger};
use lobu_admin::{orgs, provisioning, tokens};

fn main() -> Result<(), lobu_admin::Error> {
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| lobu_admin::Error::InvalidInput("set DATABASE_URL".into()))?;
    let mut client = db::connect(&DatabaseUrl::new(url))?;
    db::migrate::check(&mut client)?;
    let now = db::clock(&mut client)?;
    let org = format!("example-{}", now.format("%Y%m%d%H%M%S%3f"));

    // every state change is one transaction; in_tx also bounds it with lock and statement
    // timeouts
    let agent = db::in_tx(&mut client, |tx, now| {
        orgs::create(tx, &org, Some("Example Org"))?;
        provisioning::provision_agent(tx, &org, now)
    })?;
    println!("default agent: {:?}", agent.outcome);

    let mac = db::in_tx(&mut client, |tx, now| {
        devices::register(
            tx,
            &RegisterDevice {
                org_id: org.clone(),
                user_id: "ada".into(),
                worker_key: "ada-mbp".into(),
                platform: Platform::Macos,
                name: Some("Ada's MacBook".into()),
                timezone: Some(chrono_tz::Europe::Berlin),
                app_version: None,
                issue_token: true,
                token_expires_in: None,
                token_value: None,
            },
            now,
        )
    })?;
    println!("daily check-in: {:?}", mac.default_watcher.outcome);

    let (watcher, token) = match (mac.default_watcher.watcher_id, mac.token) {
        (Some(w), Some(t)) => (w, tokens::Token::new(t.token)),
        _ => return Err(lobu_admin::Error::Internal("no watcher or token".into())),
    };
    let run = db::in_tx(&mut client, |tx, now| {
        let device = tokens::authenticate(tx, &token, now)?;
        watchers::trigger(tx, watcher, &Trigger::Device(device), now)
    })?;
    println!(
        "run {} ({}), already queued: {}",
        run.run_id, run.status, run.already_queued
    );

    let list = db::in_tx(&mut client, |tx, _| {
        watchers::list(tx, &org, None, StatusFilter::Live, 100)
    })?;
    for w in list {
        println!("watcher {} {} next {:?}", w.id, w.slug, w.next_run_local);
    }
    Ok(())
}
