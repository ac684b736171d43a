//! A TCP proxy in front of the test server that counts the statements clients execute
//! (protocol messages `Bind` and simple `Query`) and the round trips they cost (`Sync` and
//! simple `Query`: each makes the client wait for the server), to prove a command's count.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A running proxy.
pub struct Proxy {
    /// Port on 127.0.0.1.
    pub port: u16,
    executed: Arc<AtomicUsize>,
    round_trips: Arc<AtomicUsize>,
}

impl Proxy {
    /// Starts a proxy to the test server's host and port.
    pub fn start() -> Self {
        let target = upstream();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let executed = Arc::new(AtomicUsize::new(0));
        let round_trips = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&executed);
        let trips = Arc::clone(&round_trips);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let count = Arc::clone(&count);
                let trips = Arc::clone(&trips);
                std::thread::spawn(move || pipe_counting(client, server, &count, &trips));
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut { s2 }, &mut { c2 });
                });
            }
        });
        Self {
            port,
            executed,
            round_trips,
        }
    }

    /// Round trips (client messages that wait for the server) so far, startup excluded.
    pub fn round_trips(&self) -> usize {
        self.round_trips.load(Ordering::SeqCst)
    }

    /// Statements executed through the proxy so far.
    pub fn executed(&self) -> usize {
        self.executed.load(Ordering::SeqCst)
    }

    /// A URL for `dbname` through the proxy (plain text, so that the proxy can read it).
    pub fn url(&self, dbname: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{dbname}?sslmode=disable",
            self.port
        )
    }
}

fn upstream() -> String {
    let url = super::db::server_url();
    let after = url.split("://").nth(1).unwrap_or("127.0.0.1:5432");
    let host_port = after.split('/').next().unwrap_or("127.0.0.1:5432");
    let host_port = host_port.rsplit('@').next().unwrap_or(host_port);
    if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    }
}

/// Copies client to server, parsing frontend messages to count Bind ('B') and Query ('Q').
fn pipe_counting(
    mut from: TcpStream,
    mut to: TcpStream,
    count: &AtomicUsize,
    round_trips: &AtomicUsize,
) {
    let mut read_exact = |buf: &mut [u8]| -> bool { from.read_exact(buf).is_ok() };
    let mut startup_done = false;
    loop {
        if !startup_done {
            // untyped messages: SSLRequest / startup
            let mut len = [0u8; 4];
            if !read_exact(&mut len) {
                return;
            }
            let n = u32::from_be_bytes(len) as usize;
            let mut body = vec![0u8; n.saturating_sub(4)];
            if !read_exact(&mut body) {
                return;
            }
            let code = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
            startup_done = code == 196_608;
            if to
                .write_all(&len)
                .and_then(|()| to.write_all(&body))
                .is_err()
            {
                return;
            }
            continue;
        }
        let mut head = [0u8; 5];
        if !read_exact(&mut head) {
            return;
        }
        if head[0] == b'B' || head[0] == b'Q' {
            count.fetch_add(1, Ordering::SeqCst);
        }
        if head[0] == b'S' || head[0] == b'Q' {
            round_trips.fetch_add(1, Ordering::SeqCst);
        }
        let n = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; n.saturating_sub(4)];
        if !read_exact(&mut body) {
            return;
        }
        if to
            .write_all(&head)
            .and_then(|()| to.write_all(&body))
            .is_err()
        {
            return;
        }
    }
}
