//! What every staff request can reach: the hub, the signed-in sessions, the sign-in throttle,
//! whether the pages are served over TLS, and the signal that the kiosk is stopping.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

use crate::hub::{Hub, HubError};
use crate::web::session::{IDLE_LIMIT, Sessions};
use crate::web::throttle::Throttle;

use super::error::ApiError;

/// Shared by all handlers.
pub struct StaffState {
    pub hub: Arc<Hub>,
    pub sessions: Sessions,
    pub throttle: Throttle,
    /// Served over HTTPS: cookies get `Secure`.
    pub tls: bool,
    /// Flips to true when the kiosk stops, ending event streams.
    pub stopping: watch::Receiver<bool>,
    pub started: Instant,
    /// A hash checked when someone signs in with an unknown name, so that takes as long as a
    /// wrong passcode and names cannot be told apart by timing.
    pub(super) decoy_hash: String,
}

/// The handle handlers get.
pub type AppState = Arc<StaffState>;

impl StaffState {
    pub fn new(hub: Arc<Hub>, tls: bool, stopping: watch::Receiver<bool>) -> AppState {
        Arc::new(StaffState {
            hub,
            sessions: Sessions::new(super::auth::COOKIE, IDLE_LIMIT),
            throttle: Throttle::default(),
            tls,
            stopping,
            started: Instant::now(),
            decoy_hash: crate::web::passcode::hash("not a passcode anyone has"),
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
