//! Listening: bind the configured address (or `--listen`), with TLS when `[staff] tls` names a
//! certificate and key, serve on the current tokio runtime, and stop cleanly — event streams end
//! first, then open requests get a few seconds to finish.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::state::StaffState;
use crate::hub::Hub;
use crate::web::serve::{Limits, load_tls, serve};

/// Connections open at once, at most: a hub's advisors need a few dozen (each browser keeps up
/// to six, plus the event stream). The unit's `LimitNOFILE=` leaves room above it.
pub const MAX_CONNECTIONS: usize = 256;

/// The staff server, running.
pub struct Running {
    /// The address actually bound (the real port when 0 was asked for).
    pub addr: SocketAddr,
    /// Where staff open the pages.
    pub url: String,
    pub state: super::AppState,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    /// Ends event streams, lets open requests finish, and waits for the server to stop.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
fn bind_error(addr: SocketAddr, e: &std::io::Error) -> String {
    let hint = match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            "the port is in use — is another hub-kiosk running? Choose another with `[staff] listen` or `--listen`"
        }
        std::io::ErrorKind::PermissionDenied => {
            "ports below 1024 need privileges: use a port such as 8080"
        }
        std::io::ErrorKind::AddrNotAvailable => {
            "this machine has no such address: use 0.0.0.0 to listen on all of them"
        }
        _ => "check `[staff] listen` in the configuration",
    };
    format!("the staff pages cannot listen on {addr}: {e} ({hint})")
}

/// Binds `[staff] listen` and starts serving on the current tokio runtime.
pub async fn start(hub: Arc<Hub>) -> Result<Running, String> {
    let config = hub.config();
    let listen = config.staff.listen;
    let tls = match &config.staff.tls {
        Some(t) => Some(load_tls(&t.certificate, &t.key).map_err(|e| {
            format!(
                "cannot use the TLS certificate {} and key {}: {e}. Give PEM files readable by the kiosk's user",
                t.certificate.display(),
                t.key.display()
            )
        })?),
        None => None,
    };
    let listener = std::net::TcpListener::bind(listen).map_err(|e| bind_error(listen, &e))?;
    let addr = listener.local_addr().map_err(|e| bind_error(listen, &e))?;
    let (stop, stopping) = watch::channel(false);
    let state = StaffState::new(hub.clone(), tls.is_some(), stopping.clone());
    let scheme = if tls.is_some() { "https" } else { "http" };
    let app = super::router(state.clone());
    let mut stopped = stopping;
    let shutdown = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let task = tokio::spawn(async move {
        let limits = Limits::with_cap(MAX_CONNECTIONS);
        if let Err(e) = serve(listener, tls, app, shutdown, limits).await {
            tracing::error!("the staff pages stopped: {e}");
        }
    });
    let url = format!("{scheme}://{addr}/");
    if config.staff.logins.is_empty() {
        tracing::warn!(
            "no staff logins are configured: nobody can sign in to the staff pages until [staff] logins lists some"
        );
    }
    Ok(Running {
        addr,
        url,
        state,
        stop,
        task,
    })
}
