//! A TCP proxy in front of the test server that counts the statements clients execute
//! (protocol messages `Bind` and simple `Query`), the requests that make a client wait
//! (`Sync` and simple `Query`), and the round trips they cost: flights, i.e. what the client
//! sends until the server answers (whatever the messages, TLS included), to prove a
//! command's count.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// A running proxy.
pub struct Proxy {
    /// Port on 127.0.0.1.
    pub port: u16,
    executed: Arc<AtomicUsize>,
    round_trips: Arc<AtomicUsize>,
    flights: Arc<AtomicUsize>,
}

impl Proxy {
    /// Starts a proxy to the test server's host and port.
    pub fn start() -> Self {
        Self::to(upstream())
    }

    /// Starts a proxy to `target` (`host:port`).
    pub fn to(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let executed = Arc::new(AtomicUsize::new(0));
        let round_trips = Arc::new(AtomicUsize::new(0));
        let flights = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&executed);
        let trips = Arc::clone(&round_trips);
        let flown = Arc::clone(&flights);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let _ = (client.set_nodelay(true), server.set_nodelay(true));
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let count = Arc::clone(&count);
                let trips = Arc::clone(&trips);
                let flown = Arc::clone(&flown);
                let state = Arc::new(Exchange {
                    waiting: AtomicBool::new(false),
                    answered: AtomicBool::new(false),
                    flights: Arc::clone(&flown),
                    outstanding: std::sync::atomic::AtomicI64::new(0),
                    framed: AtomicBool::new(false),
                    ready: AtomicBool::new(false),
                });
                let answered = Arc::clone(&state);
                // a side that ends ends the other (as a real proxy does): a client that died
                // without saying goodbye leaves no session open on the server
                std::thread::spawn(move || {
                    pipe_counting(client, server.try_clone().unwrap(), &count, &trips, &state);
                    let _ = server.shutdown(std::net::Shutdown::Both);
                });
                std::thread::spawn(move || {
                    answers(s2, c2.try_clone().unwrap(), &answered);
                    let _ = c2.shutdown(std::net::Shutdown::Both);
                });
            }
        });
        Self {
            port,
            executed,
            round_trips,
            flights,
        }
    }

    /// Round trips so far: flights from client to server that the server answered before the
    /// client went on (the connection's start-up included: `SSLRequest`, start-up,
    /// authentication, TLS; the goodbye not).
    pub fn flights(&self) -> usize {
        self.flights.load(Ordering::SeqCst)
    }

    /// Client messages that wait for the server (`Sync`, simple `Query`) so far, startup
    /// excluded; as many as round trips only when each waited for its answer.
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

/// Whether a client's chunk is one of TLS 1.3's records that a client sends without
/// waiting for anything, so no flight of its own: the middlebox-compatibility
/// ChangeCipherSpec (RFC 8446, D.4), sent as soon as the server's hello arrives, before the
/// rest of the server's flight; and an encrypted alert (3 bytes of plaintext and a 16-byte
/// tag: no protocol message is that short), the close_notify after `Terminate`, which the
/// server may answer with its own.
pub fn tls_waits_for_nothing(chunk: &[u8]) -> bool {
    chunk == [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
        || (chunk.len() == 24 && chunk.starts_with(&[0x17, 0x03, 0x03, 0x00, 0x13]))
}

/// Where a connection is in its exchange: a flight counts as a round trip when the server
/// answered it and the client then sent again (so the goodbye, `Terminate` and over TLS the
/// server's close_notify that nobody waits for, is not one).
struct Exchange {
    /// The client sent something the server has not answered yet.
    waiting: AtomicBool,
    /// The server answered; the client has not sent since.
    answered: AtomicBool,
    flights: Arc<AtomicUsize>,
    /// On a plain connection past its start-up: the requests the client sent (`Sync`,
    /// `Query`) that the server has not answered with `ReadyForQuery` yet. A client that
    /// sends while some are unanswered did not wait: it is still sending one flight (a
    /// flight over 8 KiB leaves in several writes, and the server may answer the first
    /// before the rest arrives).
    outstanding: std::sync::atomic::AtomicI64,
    /// The server's messages are plain and framed (a plain start-up): `answers` reads them.
    framed: AtomicBool,
    /// The server sent its first `ReadyForQuery` (start-up and authentication are over).
    ready: AtomicBool,
}

/// Copies server to client, noting answers.
fn answers(mut from: TcpStream, mut to: TcpStream, state: &Exchange) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        // before the client can see it: each `ReadyForQuery` answers one request
        if state.framed.load(Ordering::SeqCst) {
            pending.extend_from_slice(&buf[..n]);
            while pending.len() >= 5 {
                let len = u32::from_be_bytes([pending[1], pending[2], pending[3], pending[4]]);
                let total = 1 + len as usize;
                if pending.len() < total {
                    break;
                }
                if pending[0] == b'Z' {
                    state.outstanding.fetch_sub(1, Ordering::SeqCst);
                    state.ready.store(true, Ordering::SeqCst);
                }
                pending.drain(..total);
            }
        }
        if state.waiting.swap(false, Ordering::SeqCst) {
            state.answered.store(true, Ordering::SeqCst);
        }
        if to.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}

/// Copies client to server as it comes (counting the flight before it if it was answered),
/// parsing frontend messages to count Bind ('B') and Query ('Q'), and Sync ('S') and Query.
fn pipe_counting(
    mut from: TcpStream,
    mut to: TcpStream,
    count: &AtomicUsize,
    round_trips: &AtomicUsize,
    state: &Exchange,
) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    let mut startup_done = false;
    let mut plain = true;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        // the client sends again after an answer: that flight was a round trip, unless
        // (plain, past the start-up) it had requests still unanswered: then it is sending
        // the rest of the same flight
        if !tls_waits_for_nothing(&buf[..n]) {
            let continued =
                state.ready.load(Ordering::SeqCst) && state.outstanding.load(Ordering::SeqCst) > 0;
            if state.answered.swap(false, Ordering::SeqCst) && !continued {
                state.flights.fetch_add(1, Ordering::SeqCst);
            }
            state.waiting.store(true, Ordering::SeqCst);
        }
        // a plain start-up: the server's answers are framed messages from the first byte
        if !startup_done && plain && n >= 8 && buf[4..8] == 196_608_u32.to_be_bytes() {
            state.outstanding.fetch_add(1, Ordering::SeqCst);
            state.framed.store(true, Ordering::SeqCst);
        }
        // the requests are counted before the server can see them, so that an answer never
        // comes before the request it answers was counted as outstanding
        if plain {
            read_requests(
                &buf[..n],
                &mut pending,
                (&mut startup_done, &mut plain),
                |tag| {
                    if tag == b'B' || tag == b'Q' {
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    if tag == b'S' || tag == b'Q' {
                        round_trips.fetch_add(1, Ordering::SeqCst);
                        state.outstanding.fetch_add(1, Ordering::SeqCst);
                    }
                },
            );
        }
        if to.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}

/// Frames a plain client's bytes: calls `request` with the tag of each message after the
/// start-up, and notes the start-up's end (or an `SSLRequest`: then nothing more is
/// readable).
fn read_requests(
    chunk: &[u8],
    pending: &mut Vec<u8>,
    (startup_done, plain): (&mut bool, &mut bool),
    mut request: impl FnMut(u8),
) {
    pending.extend_from_slice(chunk);
    loop {
        let head = if *startup_done { 5 } else { 4 };
        if pending.len() < head {
            break;
        }
        let len_at = head - 4;
        let len = u32::from_be_bytes([
            pending[len_at],
            pending[len_at + 1],
            pending[len_at + 2],
            pending[len_at + 3],
        ]) as usize;
        let total = len_at + len;
        if pending.len() < total {
            break;
        }
        if *startup_done {
            request(pending[0]);
        } else if pending.len() >= 8 {
            let code = u32::from_be_bytes([pending[4], pending[5], pending[6], pending[7]]);
            // an SSLRequest the server may accept: what follows is not readable
            *plain = code != 80_877_103;
            *startup_done = code == 196_608;
        }
        pending.drain(..total);
    }
}
