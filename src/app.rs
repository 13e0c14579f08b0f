//! Starting the kiosk: open the store, build the hub, start the background parts on a tokio
//! runtime, then give the main thread to the screen (`crate::ui::window`), or wait for a stop
//! signal when headless. SIGHUP re-reads the configuration meanwhile (`crate::reload`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::hub::Hub;
use crate::service::{Failure, notify_ready, shutdown_signal, watchdog_loop};

/// How `hub-kiosk run` was asked to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub headless: bool,
    pub listen: Option<SocketAddr>,
    /// The configuration file, re-read on SIGHUP; `None` for the built-in demo.
    pub config_file: Option<PathBuf>,
}

/// Seconds between housekeeping rounds (closing the queue, re-dating, retention).
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15);

pub fn run(mut config: Config, opts: RunOptions) -> Result<(), Failure> {
    crate::logging::init();
    if !opts.headless {
        crate::ui::window::prepare_rotation(config.display.rotation);
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    if let Some(listen) = opts.listen {
        config.set_listen(listen).map_err(Failure::usage)?;
    }
    for w in &config.warnings {
        tracing::warn!("{w}");
    }
    if config.demo {
        tracing::info!(
            "running the built-in demo: data in {}; staff pages on http://{} (passcode {}, API token {})",
            config.kiosk.data_dir.display(),
            config.staff.listen,
            crate::config::DEMO_PASSCODE,
            crate::config::DEMO_API_TOKEN
        );
    }
    if let Err(e) = crate::courses::use_demo_timetable(&mut config) {
        tracing::warn!("{e}");
    }
    let hub = Hub::open(config).map_err(Failure::runtime)?;
    if let Err(e) = hub.housekeeping() {
        tracing::warn!("housekeeping at start: {e}");
    }

    let runtime = crate::service::runtime("hub-kiosk-worker")?;
    // Listening for a stop from here on: a SIGTERM while the parts below start ends the run
    // cleanly once they have, instead of killing the process half-started.
    let stop = {
        let _inside = runtime.enter();
        shutdown_signal()
    };
    runtime.spawn(housekeeping_loop(hub.clone()));
    runtime.spawn(crate::logging::status_loop(hub.clone()));
    {
        let _in_runtime = runtime.enter();
        crate::courses::start(hub.timetable_refresher());
    }
    let staff = runtime
        .block_on(crate::staff::start(hub.clone()))
        .map_err(Failure::runtime)?;
    tracing::info!("staff pages on {}", staff.url);
    let source = crate::reload::Source {
        file: opts.config_file.clone(),
        listen: opts.listen,
    };
    let reloads = {
        let _inside = runtime.enter();
        crate::reload::start(hub.clone(), staff.state.clone(), source)
    };
    if let Err(e) = reloads {
        tracing::error!("cannot listen for SIGHUP, so `systemctl reload` will not work: {e}");
    }
    runtime.block_on(async { crate::sync::start(&hub) });
    // The door sensor and status LED run on their own thread until this is dropped.
    let _door = crate::hardware::start(hub.clone());

    if opts.headless {
        notify_ready();
        runtime.spawn(watchdog_loop());
        runtime.block_on(stop);
        tracing::info!("stopping");
        runtime.block_on(staff.stop());
        Ok(())
    } else {
        // Ctrl-C or SIGTERM end the screen's event loop; the rest stops after it.
        runtime.spawn(async {
            stop.await;
            let _ = slint::invoke_from_event_loop(|| {
                let _ = slint::quit_event_loop();
            });
        });
        let shown = crate::ui::window::run(hub);
        tracing::info!("stopping");
        runtime.block_on(staff.stop());
        shown
    }
}

async fn housekeeping_loop(hub: Arc<Hub>) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        every.tick().await;
        let h = hub.clone();
        match tokio::task::spawn_blocking(move || h.housekeeping()).await {
            Ok(Err(e)) => tracing::warn!("housekeeping: {e}"),
            Err(e) => tracing::error!("housekeeping task failed: {e}"),
            Ok(Ok(_)) => {}
        }
    }
}
