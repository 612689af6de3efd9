//! The host's HTTP listener (`ops.listen`, off by default): `GET /healthz` for a service
//! manager or load balancer, `GET /metrics` for Prometheus.
//!
//! It serves no member data and accepts nothing: any other method is 405, any other path 404,
//! a malformed request is answered 400 by hyper and closed. A client that is slow to send its
//! headers is dropped after [`HEADER_TIMEOUT`], any connection after [`CONNECTION_TIMEOUT`],
//! and at most [`MAX_CONNECTIONS`] are served at once (more wait in the kernel's backlog), so
//! a misbehaving scraper cannot take the bot's memory or tasks. It stops when the bot stops,
//! and so does every connection it has open.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::clock::Clock;
use crate::store::Store;
use crate::telemetry::Telemetry;

/// A request's headers must arrive within this long.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// Any connection is closed after this long, keep-alive or not.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 16;
/// The largest request head read (hyper's minimum buffer); larger ones are refused.
const MAX_HEAD: usize = 16 * 1024;
/// How long a response being written when the bot stops may take to finish.
pub const CLOSING_GRACE: Duration = Duration::from_secs(1);
/// How long `/metrics` waits for the outbox counts before answering without refreshing them.
const COUNTS_DEADLINE: Duration = Duration::from_secs(2);

/// What the handlers read.
#[derive(Clone)]
pub struct Probe {
    pub telemetry: Arc<Telemetry>,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
}

/// Binds `address` now, so a port in use stops the start with a clear message.
pub async fn bind(address: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address).await.with_context(|| {
        format!("ops.listen: cannot listen on {address} (is another process using it?)")
    })
}

/// Serves `/healthz` and `/metrics` on `listener` until `shutdown` completes; then it stops
/// accepting, the port is closed, and every open connection ends: a response being written
/// is finished (for at most [`CLOSING_GRACE`]), an idle or half-sent one is closed at once.
pub async fn serve(listener: TcpListener, probe: Probe, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        // Finished connections are reaped as we go, so the set stays small.
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, say: wait a moment rather than spin.
                tracing::warn!(error = %error, "ops listener: cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let probe = probe.clone();
        let mut closed = closed.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let probe = probe.clone();
                async move { Ok::<_, Infallible>(answer(&probe, &request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEAD)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            let stop = async move {
                let _ = closed.wait_for(|closing| *closing).await;
            };
            let served = tokio::select! {
                served = tokio::time::timeout(CONNECTION_TIMEOUT, connection.as_mut()) => served,
                () = stop => {
                    connection.as_mut().graceful_shutdown();
                    tokio::time::timeout(CLOSING_GRACE, connection.as_mut()).await
                }
            };
            if let Ok(Err(error)) = served {
                tracing::debug!(error = %error, "ops listener: connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    closing.send_replace(true);
    // Each connection ends within its grace; the set is aborted if one does not.
    if tokio::time::timeout(CLOSING_GRACE * 2, async {
        while connections.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        connections.abort_all();
    }
    tracing::info!("ops listener stopped");
}

/// The response to one request.
async fn answer(probe: &Probe, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path();
    if path != "/healthz" && path != "/metrics" {
        return text(
            StatusCode::NOT_FOUND,
            "not found: try /healthz or /metrics\n",
        );
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    if path == "/healthz" {
        return match probe.telemetry.status.readiness(probe.clock.now()) {
            Ok(()) => text(StatusCode::OK, "ok\n"),
            Err(why) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("unavailable: {why}\n"),
            ),
        };
    }
    refresh(probe).await;
    let mut response = Response::new(Full::new(Bytes::from(probe.telemetry.metrics.encode())));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// Brings the gauges that are read rather than counted up to date.
async fn refresh(probe: &Probe) {
    let metrics = &probe.telemetry.metrics;
    let gateway = probe.telemetry.status.gateway();
    metrics.gateway(gateway.connected, gateway.latency);
    let now = probe.clock.now();
    match tokio::time::timeout(COUNTS_DEADLINE, probe.store.outbox_summary(now)).await {
        Ok(Ok(summary)) => metrics.outbox(summary.pending, summary.failed),
        Ok(Err(error)) => {
            tracing::warn!(
                error = format!("{error:#}"),
                "metrics: cannot count the outbox"
            );
        }
        Err(_) => tracing::warn!("metrics: the outbox count took too long; served the last one"),
    }
}

fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
