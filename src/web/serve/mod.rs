//! Serving one application on one listening socket, for the staff server and the central
//! service alike: HTTP/1.1 and HTTP/2, HTTPS when given a TLS configuration, and the limits
//! that keep a hostile client from using the process up.
//!
//! - A request header must arrive within `HEADER_READ_TIMEOUT` of the server starting to wait
//!   for it (on a kept-alive HTTP/1.1 connection: from the previous answer); a TLS handshake
//!   within the same time.
//! - A connection with no request being answered for `IDLE_TIMEOUT` is closed (HTTP/2 and
//!   connections that never sent a byte included).
//! - At most `Limits::max_connections` are open; over that, the one idle the longest is closed
//!   to make room (`connections`), so half-open connections cannot keep real requests out.
//!   When the process runs out of file descriptors, the longest idle is closed too.
//! - `shutdown` resolving stops accepting, asks every connection to finish its answers, and
//!   closes whatever is still open after `Limits::grace`.

pub mod connections;
mod tracked;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::rt::{Read, Write};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::Service;

use connections::{Connection, Connections};
use tracked::Tracked;

/// How long a client may take to send a request header (or finish a TLS handshake).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may stay open with no request being answered.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long open answers may take to finish when the service stops.
pub const GRACE: Duration = Duration::from_secs(5);

/// The limits of one server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub grace: Duration,
}

impl Limits {
    /// The usual timeouts with a cap of `max_connections`.
    pub const fn with_cap(max_connections: usize) -> Limits {
        Limits {
            max_connections,
            header_read_timeout: HEADER_READ_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            grace: GRACE,
        }
    }
}

/// A TLS configuration from a PEM certificate chain and key, offering HTTP/2 and HTTP/1.1.
pub fn load_tls(certificate: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let chain = CertificateDer::pem_slice_iter(&read(certificate)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: not a PEM certificate ({e})", certificate.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate in it", certificate.display()));
    }
    let key = PrivateKeyDer::from_pem_slice(&read(key)?)
        .map_err(|e| format!("{}: not a PEM private key ({e})", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the certificate and key do not go together: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What every connection task shares.
#[derive(Clone)]
struct Shared {
    app: Router,
    builder: Arc<Builder<TokioExecutor>>,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    stopping: watch::Receiver<bool>,
}

/// Serves `app` on `listener` (HTTPS with `tls`) until `shutdown` resolves.
pub async fn serve(
    listener: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    app: Router,
    shutdown: impl Future<Output = ()> + Send,
    limits: Limits,
) -> Result<(), String> {
    let listener = listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::TcpListener::from_std(listener))
        .map_err(|e| format!("cannot use the listening socket: {e}"))?;
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let (stop, stopping) = watch::channel(false);
    let shared = Shared {
        app,
        builder: Arc::new(builder),
        tls: tls.map(TlsAcceptor::from),
        limits,
        stopping,
    };
    let connections = Connections::new(limits.max_connections);
    let mut tasks = JoinSet::new();
    let mut warned: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(&e, &connections, &mut warned).await;
                    continue;
                }
            },
        };
        while tasks.try_join_next().is_some() {}
        // Every other connection is answering a request: this one is turned away.
        let Some(place) = connections.admit() else {
            continue;
        };
        tasks.spawn(connection(stream, peer, place, shared.clone()));
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = async { while tasks.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(limits.grace, drained).await;
    tasks.shutdown().await;
    Ok(())
}

/// Accepting failed: out of file descriptors makes room by closing the longest idle connection.
async fn accept_failed(
    e: &std::io::Error,
    connections: &Connections,
    warned: &mut Option<Instant>,
) {
    let shed =
        matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) && connections.shed_one();
    if warned.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
        tracing::warn!(
            open = connections.len(),
            "cannot accept a connection: {e} (the longest idle connection is closed to make room)"
        );
        *warned = Some(Instant::now());
    }
    if shed {
        // The closed connection's task lets its descriptor go as soon as it runs: try again
        // then, so a queue of newcomers behind a flood is reached in milliseconds, not 10 ms each.
        tokio::task::yield_now().await;
    } else {
        // Nothing to close (every connection is answering): do not spin on a failing accept.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn connection(stream: TcpStream, peer: SocketAddr, place: Connection, shared: Shared) {
    let place = Arc::new(place);
    let Some(acceptor) = shared.tls.clone() else {
        return answer(TokioIo::new(stream), peer, place, shared).await;
    };
    let handshake =
        tokio::time::timeout(shared.limits.header_read_timeout, acceptor.accept(stream));
    let stream = tokio::select! {
        done = handshake => match done {
            Ok(Ok(s)) => s,
            _ => return,
        },
        () = place.closed() => return,
    };
    answer(TokioIo::new(stream), peer, place, shared).await;
}

/// Answers requests on one connection until it ends, is closed to make room, stays idle too
/// long, or the server stops.
async fn answer<I>(io: I, peer: SocketAddr, place: Arc<Connection>, shared: Shared)
where
    I: Read + Write + Unpin + Send + 'static,
{
    let service = {
        let (place, app) = (place.clone(), shared.app.clone());
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let busy = place.busy();
            let answering = app.clone().call(req);
            async move {
                let res = answering
                    .await
                    .unwrap_or_else(|never: Infallible| match never {});
                Ok::<_, Infallible>(res.map(|inner| Tracked { inner, _busy: busy }))
            }
        })
    };
    let served = shared.builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(served);
    let mut stopping = shared.stopping.clone();
    let mut finishing = false;
    let idle_timeout = shared.limits.idle_timeout;
    loop {
        let check_in = match place.idle_for() {
            Some(idle) if idle >= idle_timeout => return,
            Some(idle) => idle_timeout - idle,
            None => idle_timeout,
        };
        tokio::select! {
            _ = served.as_mut() => return,
            () = place.closed() => return,
            changed = stopping.changed(), if !finishing => {
                finishing = true;
                if changed.is_ok() {
                    served.as_mut().graceful_shutdown();
                }
            }
            () = tokio::time::sleep(check_in) => {}
        }
    }
}
