//! The central service (`hub-kiosk central`): receives every kiosk's hourly footfall and shows
//! every site's daily footfall to the central team and site managers.
//!
//! Kiosks `PUT /api/v1/footfall` with their bearer token (`ingest`); each (site, kiosk, hour)
//! is replaced by the newest totals, so resending never counts twice (`store`). Readers sign in
//! to the pages or use a token (`auth`); the pages (`pages`) and the API (`api`) reuse
//! `crate::report` for tables, charts and CSV. It holds aggregate counts only: nothing in it
//! identifies a visitor. `docs/central-openapi.json` describes every route.

pub mod api;
pub mod auth;
pub mod backup;
mod check;
pub mod cli;
pub mod config;
pub mod ingest;
pub mod metrics;
pub mod pages;
mod schema;
pub mod store;
mod stream;
pub mod validate;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post, put};

pub use config::CentralConfig;
pub use store::CentralStore;

use crate::clock::Clock;
use crate::web::serve::{Limits, load_tls};
use crate::web::session::Sessions;
use crate::web::sign_in::SignInGate;

/// Connections open at once, at most: readers' browsers, scripts and every kiosk's hourly
/// upload. The unit's `LimitNOFILE=` leaves room above it.
pub const MAX_CONNECTIONS: usize = 1024;

/// Everything a request handler needs.
pub struct Central {
    pub config: CentralConfig,
    pub store: Arc<CentralStore>,
    pub metrics: metrics::CentralMetrics,
    pub sessions: Sessions,
    /// Every passcode check goes through it: throttle, bound on checks at once, decoy hash.
    pub sign_in: SignInGate,
    /// Served under HTTPS: cookies get `Secure`.
    pub tls: bool,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Central {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Central")
            .field("origin", &self.config.origin)
            .finish()
    }
}

impl Central {
    /// Opens the database named by `config`; `clock` judges "far in the future".
    pub fn open(config: CentralConfig, clock: Arc<dyn Clock>) -> Result<Arc<Central>, String> {
        let store = CentralStore::open(&config.database_path()).map_err(|e| e.to_string())?;
        Ok(Arc::new(Central {
            tls: config.service.tls.is_some(),
            sessions: Sessions::new(
                auth::COOKIE,
                Duration::from_secs(u64::from(config.service.session_hours) * 3600),
            ),
            sign_in: SignInGate::new(),
            metrics: metrics::CentralMetrics::default(),
            store: Arc::new(store),
            config,
            clock,
        }))
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now().utc
    }
}

/// A request taking longer than this is answered 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Every route of the service; `docs/central-openapi.json` lists the same ones. Every answer
/// carries `crate::web::headers`.
pub fn router(central: Arc<Central>) -> Router {
    Router::new()
        .route("/", get(pages::overview))
        .route("/sites/{site}", get(pages::site))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/footfall", put(ingest::put_footfall))
        .route("/api/v1/footfall/daily", get(api::daily))
        .route("/api/v1/kiosks", get(api::kiosks))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(validate::BODY_LIMIT))
        .layer(axum::middleware::from_fn(|req, next| {
            crate::web::error::within(REQUEST_TIMEOUT, req, next)
        }))
        .layer(axum::middleware::from_fn(crate::web::headers::security))
        .with_state(central)
}

/// Serves until `shutdown` resolves, on `listener` (HTTPS when the config has `[service.tls]`).
pub async fn serve(
    central: Arc<Central>,
    listener: std::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let tls = match &central.config.service.tls {
        Some(tls) => Some(load_tls(&tls.certificate, &tls.key).map_err(|e| {
            format!(
                "cannot load the TLS certificate or key ({}, {}): {e}",
                tls.certificate.display(),
                tls.key.display()
            )
        })?),
        None => None,
    };
    let app = router(central);
    crate::web::serve::serve(
        listener,
        tls,
        app,
        shutdown,
        Limits::with_cap(MAX_CONNECTIONS),
    )
    .await
    .map_err(|e| format!("the web server stopped: {e}"))
}
