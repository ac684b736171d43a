//! `dispatch --loop --metrics-addr`: `GET`/`HEAD` on `/metrics` and `/healthz` (SPEC 13,
//! 16), served by hyper on a current-thread tokio runtime in a thread of its own. That thread
//! reads only the metrics' atomics and the health state (never the database), so both
//! answer while a tick is stuck.
//!
//! The address may be reachable by anyone (SPEC 16), so every connection is bounded:
//!
//! - request heads are at most [`MAX_HEAD`] bytes and [`MAX_HEADERS`] fields (else 431, or
//!   400 for anything that does not parse), and must arrive within [`HEAD_TIMEOUT`];
//! - request bodies are never read, whatever `Content-Length` or `Transfer-Encoding` say;
//! - one request per connection (`Connection: close`), and the whole connection, writing
//!   the answer included, within [`CONNECTION_DEADLINE`];
//! - at most [`MAX_CONNECTIONS`] at once, as tasks of the one thread (no thread per
//!   connection): a connection beyond them closes the oldest one, so that holding sockets
//!   open (idle, or trickling a head) cannot lock a liveness probe out.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ACCEPT, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket};

use crate::error::{Error, Result};
use crate::metrics::{Health, Metrics};

/// Request line and headers, in bytes: far more than a scraper or a probe sends (a few
/// hundred), and the least hyper's read buffer takes.
pub const MAX_HEAD: usize = 8192;
/// Header fields per request.
pub const MAX_HEADERS: usize = 32;
/// How long a client has to send its request head, from the moment it connects.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection may last in all, its answer written included.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(10);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 256;
/// Connections the kernel queues until they are accepted.
const BACKLOG: u32 = 1024;

/// Listens on `addr` and serves, from a thread of its own, until the process ends.
///
/// # Errors
/// `invalid_input` when `addr` cannot be listened on (in use, not an address of this host,
/// not `HOST:PORT`); `internal` when the thread or its runtime cannot start.
pub(super) fn start(addr: &str, metrics: Arc<Metrics>, health: Arc<Health>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the metrics runtime: {e}")))?;
    let listener = {
        // the listener registers with this runtime's reactor
        let _entered = runtime.enter();
        listen(addr)
            .map_err(|e| Error::invalid(format!("cannot listen on --metrics-addr {addr}: {e}")))?
    };
    let endpoint = Arc::new(Endpoint { metrics, health });
    std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || runtime.block_on(serve(listener, endpoint)))
        .map_err(|e| Error::Internal(format!("cannot start the metrics thread: {e}")))?;
    Ok(())
}

/// Binds the first of `addr`'s addresses that can be bound, with a deep accept queue.
fn listen(addr: &str) -> std::io::Result<TcpListener> {
    let mut last = None;
    for a in addr.to_socket_addrs()? {
        match bind(a) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("the name has no address")))
}

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    // a restarted loop binds again while the last one's connections are in TIME_WAIT
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Accepts connections for ever, each a task on this thread.
async fn serve(listener: TcpListener, endpoint: Arc<Endpoint>) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .max_header_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        .keep_alive(false);
    // the open connections, oldest first
    let mut open: VecDeque<tokio::task::AbortHandle> = VecDeque::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // out of file descriptors, or the like: make room, and breathe
                if let Some(oldest) = open.pop_front() {
                    oldest.abort();
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        open.retain(|task| !task.is_finished());
        if open.len() >= MAX_CONNECTIONS {
            if let Some(oldest) = open.pop_front() {
                oldest.abort();
            }
        }
        let _ = stream.set_nodelay(true);
        let endpoint = Arc::clone(&endpoint);
        let connection = http.serve_connection(
            TokioIo::new(stream),
            service_fn(move |request: Request<Incoming>| {
                let response = endpoint.answer(&request);
                async move { Ok::<_, Infallible>(response) }
            }),
        );
        let task = tokio::spawn(async move {
            // a failed or timed-out connection is the client's problem: it is closed
            let _ = tokio::time::timeout(CONNECTION_DEADLINE, connection).await;
        });
        open.push_back(task.abort_handle());
    }
}

/// What is served.
struct Endpoint {
    metrics: Arc<Metrics>,
    health: Arc<Health>,
}

const TEXT: &str = "text/plain; charset=utf-8";
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const PROMETHEUS: &str = "text/plain; version=0.0.4; charset=utf-8";

impl Endpoint {
    /// The answer to a request, from its method, path and `Accept` only (its body is never
    /// read). `HEAD` gets `GET`'s status and headers; hyper leaves the body out.
    fn answer(&self, request: &Request<Incoming>) -> Response<Full<Bytes>> {
        let path = request.uri().path();
        if path != "/metrics" && path != "/healthz" {
            return response(StatusCode::NOT_FOUND, TEXT, "not found\n".into());
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            let mut r = response(
                StatusCode::METHOD_NOT_ALLOWED,
                TEXT,
                "method not allowed\n".into(),
            );
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        if path == "/healthz" {
            return match self.health.check() {
                Ok(()) => response(StatusCode::OK, TEXT, "ok\n".into()),
                Err(why) => response(StatusCode::SERVICE_UNAVAILABLE, TEXT, format!("{why}\n")),
            };
        }
        // OpenMetrics for a scraper that asks for it (Prometheus does), else the classic
        // text format
        let open = request.headers().get_all(ACCEPT).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.contains("application/openmetrics-text"))
        });
        if open {
            response(StatusCode::OK, OPENMETRICS, self.metrics.encode())
        } else {
            response(StatusCode::OK, PROMETHEUS, self.metrics.encode_text())
        }
    }
}

fn response(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    let headers = r.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
