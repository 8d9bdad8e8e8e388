//! The connections of `scholia serve`: a small accept loop over hyper's HTTP/1.1.
//!
//! 1. Accept a connection while fewer than [`MAX_CONNECTIONS`] are open; over that,
//!    answer 503 and close it at once.
//! 2. Serve it with a bounded request head ([`MAX_HEADER_BYTES`], else 431) that must
//!    arrive within [`HEADER_READ_TIMEOUT`]: a half-open connection, or an idle
//!    keep-alive one, is dropped then.
//! 3. When told to stop: accept no more, ask each connection to close after its current
//!    response (the reload streams end on the same signal), and wait for them at most
//!    [`SHUTDOWN_GRACE`].
//!
//! Why not `axum::serve`: it gives hyper no timer, so hyper's header-read timeout never
//! runs and a half-open connection is held forever; it has no connection limit; and its
//! graceful shutdown waits for every response to end, which a reload stream never does
//! (Ctrl-C did not stop the server while a page was open).

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// How many connections are served at once; more are turned away (503). A browser
/// opens at most six to one host, plus one reload stream for each open page.
pub const MAX_CONNECTIONS: usize = 64;
/// The largest request head (request line and headers) read; larger is 431.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// How long a client has to send a whole request head, and how long an idle
/// keep-alive connection is kept.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a stop waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Serves `app` on `listener` until `stop` turns true (or its sender goes).
pub async fn run(listener: TcpListener, app: Router, stop: watch::Receiver<bool>) {
    let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut stopping = stop.clone();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it was taken:
                // pause rather than spin, and go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopping.wait_for(|stop| *stop) => break,
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            turn_away(&stream);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stopping = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_header_size(MAX_HEADER_BYTES);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopping.wait_for(|stop| *stop) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
        });
    }
    drop(listener);
    // Every permit back means every connection closed.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, open.acquire_many(MAX_CONNECTIONS as u32)).await;
}

/// Tells a connection over the limit why it is closed. One small write into a fresh
/// socket's empty buffer: it does not block, and if it fails the close says enough.
fn turn_away(stream: &TcpStream) {
    const BODY: &str =
        "503: too many open connections to scholia serve; close some pages and reload\n";
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = stream.try_write(response.as_bytes());
}
