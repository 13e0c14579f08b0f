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
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post, put};

pub use config::CentralConfig;
pub use store::CentralStore;

use crate::clock::Clock;
use crate::web::session::Sessions;
use crate::web::throttle::Throttle;

/// Everything a request handler needs.
pub struct Central {
    pub config: CentralConfig,
    pub store: Arc<CentralStore>,
    pub metrics: metrics::CentralMetrics,
    pub sessions: Sessions,
    pub throttle: Throttle,
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
            throttle: Throttle::default(),
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

/// Every route of the service; `docs/central-openapi.json` lists the same ones.
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
        .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(60),
        ))
        .with_state(central)
}

/// Serves until `shutdown` resolves, on `listener` (HTTPS when the config has `[service.tls]`).
pub async fn serve(
    central: Arc<Central>,
    listener: std::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot use the listening socket: {e}"))?;
    let handle = axum_server::Handle::<SocketAddr>::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(5)));
    });
    let app = router(central.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let served = match &central.config.service.tls {
        Some(tls) => {
            let rustls =
                axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.certificate, &tls.key)
                    .await
                    .map_err(|e| {
                        format!(
                            "cannot load the TLS certificate or key ({}, {}): {e}",
                            tls.certificate.display(),
                            tls.key.display()
                        )
                    })?;
            axum_server::from_tcp_rustls(listener, rustls)
                .map_err(|e| e.to_string())?
                .handle(handle)
                .serve(app)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .map_err(|e| e.to_string())?
                .handle(handle)
                .serve(app)
                .await
        }
    };
    served.map_err(|e| format!("the web server stopped: {e}"))
}
