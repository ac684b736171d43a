//! `dispatch --loop --metrics-addr`: `GET /metrics` and `GET /healthz` from a thread of
//! their own, which reads only the metrics' atomics and the health state (never the
//! database), so both answer while a tick is stuck.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::metrics::{Health, Metrics};

/// Listens on `addr` and serves until the process ends.
///
/// # Errors
/// `invalid_input` when `addr` cannot be listened on (in use, not an address of this host).
pub(super) fn start(addr: &str, metrics: Arc<Metrics>, health: Arc<Health>) -> Result<()> {
    let server = tiny_http::Server::http(addr)
        .map_err(|e| Error::invalid(format!("cannot listen on --metrics-addr {addr}: {e}")))?;
    std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || {
            for request in server.incoming_requests() {
                // OpenMetrics for a scraper that asks for it (Prometheus does), else the
                // classic text format
                let open = request.headers().iter().any(|h| {
                    h.field.equiv("Accept")
                        && h.value.as_str().contains("application/openmetrics-text")
                });
                let (code, content_type, body) = match (request.method(), request.url()) {
                    (tiny_http::Method::Get, "/metrics") if open => (
                        200,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        metrics.encode(),
                    ),
                    (tiny_http::Method::Get, "/metrics") => (
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        metrics.encode_text(),
                    ),
                    (tiny_http::Method::Get, "/healthz") => match health.check() {
                        Ok(()) => (200, "text/plain; charset=utf-8", "ok\n".to_string()),
                        Err(why) => (503, "text/plain; charset=utf-8", format!("{why}\n")),
                    },
                    _ => (404, "text/plain; charset=utf-8", "not found\n".to_string()),
                };
                let mut response = tiny_http::Response::from_string(body).with_status_code(code);
                // a constant ASCII header always parses
                if let Ok(h) = tiny_http::Header::from_bytes(&b"Content-Type"[..], content_type) {
                    response.add_header(h);
                }
                // a client that went away is its own problem
                let _ = request.respond(response);
            }
        })
        .map_err(|e| Error::Internal(format!("cannot start the metrics thread: {e}")))?;
    Ok(())
}
