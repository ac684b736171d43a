//! The leanest Rust one-shot client of the driver this tool uses, for the one-shot
//! benchmark (`cargo bench --bench queue -- oneshot`): connect with the `postgres` crate,
//! send one SQL text as one simple query, print the rows, exit. No argument parsing, no
//! connection-string rules beyond the driver's, no timeouts, no clock, no schema check, no
//! signal handling: what a Rust binary of this stack costs before any of this tool's
//! guarantees, measured against the same floor as the tool.
//!
//! `cargo run --release --example bare_client -- 'host=127.0.0.1 user=postgres' 'SELECT 1'`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(conninfo), Some(sql)) = (args.next(), args.next()) else {
        eprintln!("usage: bare_client CONNINFO SQL");
        return ExitCode::from(2);
    };
    let rows = postgres::Client::connect(&conninfo, postgres::NoTls)
        .and_then(|mut client| client.simple_query(&sql));
    match rows {
        Ok(messages) => {
            for message in messages {
                if let postgres::SimpleQueryMessage::Row(row) = message {
                    let values: Vec<&str> =
                        (0..row.len()).map(|i| row.get(i).unwrap_or("")).collect();
                    println!("{}", values.join("|"));
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
