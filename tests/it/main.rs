//! The single integration-test binary: every test gets its own database on a real
//! PostgreSQL server (LOBU_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod agents;
mod audit;
mod completions;
mod connect;
mod devices;
mod dispatch;
mod failover;
mod faults;
mod fleet;
mod fleet_attack;
mod flight_attacks;
mod flight_principal_attacks;
mod flights;
mod foundation;
mod fuzz;
mod http;
mod lifecycle;
mod local;
mod offboard;
mod operator;
mod pooler;
mod privileges;
mod provisioning;
mod prune;
mod reliability;
mod runs;
mod schedule;
mod seed;
mod serving_mark_attacks;
mod signal_attacks;
mod support;
mod tls;
mod trigger;
mod upgrade;
mod usage;
mod wait;
mod watchers;
