//! What every staff request can reach: the hub, the signed-in sessions, the sign-in gate,
//! whether the pages are served over TLS, and the signal that the kiosk is stopping.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

use crate::hub::{Hub, HubError};
use crate::web::session::{IDLE_LIMIT, Sessions};
use crate::web::sign_in::SignInGate;

use super::error::ApiError;

/// Shared by all handlers.
pub struct StaffState {
    pub hub: Arc<Hub>,
    pub sessions: Sessions,
    /// Every passcode check goes through it: throttle, bound on checks at once, decoy hash.
    pub sign_in: SignInGate,
    /// Served over HTTPS: cookies get `Secure`.
    pub tls: bool,
    /// Flips to true when the kiosk stops, ending event streams.
    pub stopping: watch::Receiver<bool>,
    pub started: Instant,
}

/// The handle handlers get.
pub type AppState = Arc<StaffState>;

impl StaffState {
    pub fn new(hub: Arc<Hub>, tls: bool, stopping: watch::Receiver<bool>) -> AppState {
        Arc::new(StaffState {
            hub,
            sessions: Sessions::new(super::auth::COOKIE, IDLE_LIMIT),
            sign_in: SignInGate::new(),
            tls,
            stopping,
            started: Instant::now(),
        })
    }

    /// Runs a blocking hub call on tokio's blocking pool.
    pub async fn hub<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
    {
        let hub = self.hub.clone();
        match tokio::task::spawn_blocking(move || f(&hub)).await {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => {
                tracing::error!("a staff request failed inside the kiosk: {e}");
                Err(ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "the kiosk failed while doing this: check the queue before trying again, and tell the site manager if it keeps happening",
                ))
            }
        }
    }
}
