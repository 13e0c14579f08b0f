//! Starting the kiosk: open the store and build the hub, then, with a screen, show it first and
//! start the rest (the async runtime, the staff pages, forwarding, housekeeping, the door) on a
//! thread of their own while the first frame is drawn; headless, start them and wait for a stop
//! signal.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::events::Event;
use crate::hardware::Door;
use crate::hub::Hub;
use crate::service::{Failure, notify_ready, shutdown_signal, watchdog_loop};

/// How `hub-kiosk run` was asked to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub headless: bool,
    pub listen: Option<SocketAddr>,
}

pub fn run(mut config: Config, opts: RunOptions) -> Result<(), Failure> {
    crate::logging::init();
    if !opts.headless {
        crate::ui::window::prepare_rotation(config.display.rotation);
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    if let Some(listen) = opts.listen {
        config.staff.listen = listen;
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
    let hub = Hub::open(config).map_err(Failure::runtime)?;
    if opts.headless {
        let services = Services::start(&hub)?;
        notify_ready();
        services.runtime.spawn(watchdog_loop());
        services.runtime.block_on(shutdown_signal());
        tracing::info!("stopping");
        services.stop();
        return Ok(());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let starting = hub.clone();
    let shown = crate::ui::window::run(hub, move || {
        // The window exists: the services start beside its first frame, not before it.
        let spawned = std::thread::Builder::new()
            .name("start".into())
            .spawn(move || {
                let started = Services::start(&starting);
                match &started {
                    // Ctrl-C or SIGTERM end the screen's event loop; the rest stops after it.
                    Ok(s) => drop(s.runtime.spawn(async {
                        shutdown_signal().await;
                        quit_screen();
                    })),
                    Err(_) => quit_screen(),
                }
                let _ = tx.send(started);
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the kiosk's services: {e}");
            quit_screen();
        }
    });
    tracing::info!("stopping");
    match rx.recv() {
        Ok(Ok(services)) => {
            services.stop();
            shown
        }
        Ok(Err(failure)) => Err(failure),
        Err(_) => shown,
    }
}

fn quit_screen() {
    let _ = slint::invoke_from_event_loop(|| {
        let _ = slint::quit_event_loop();
    });
}

/// What runs beside the screen, or alone when headless.
struct Services {
    runtime: tokio::runtime::Runtime,
    staff: crate::staff::Running,
    _door: Option<Door>,
}

impl Services {
    fn start(hub: &Arc<Hub>) -> Result<Services, Failure> {
        let runtime = crate::service::runtime("hub-kiosk-worker")?;
        runtime.spawn(housekeeping_loop(hub.clone()));
        runtime.spawn(crate::logging::status_loop(hub.clone()));
        let staff = runtime
            .block_on(crate::staff::start(hub.clone()))
            .map_err(Failure::runtime)?;
        tracing::info!("staff pages on {}", staff.url);
        let _in_runtime = runtime.enter();
        crate::sync::start(hub);
        // The door sensor and status LED run on their own thread until this is dropped.
        let door = crate::hardware::start(hub.clone());
        drop(_in_runtime);
        Ok(Services {
            runtime,
            staff,
            _door: door,
        })
    }

    fn stop(self) {
        self.runtime.block_on(self.staff.stop());
    }
}

/// Housekeeping (closing the queue, help requests nobody acknowledged, re-dating, retention):
/// a round at start, then each round when it is next due (`Hub::housekeeping_due`), sleeping
/// in between; a new help request wakes it to reckon when that one escalates.
pub async fn housekeeping_loop(hub: Arc<Hub>) {
    let mut events = hub.subscribe();
    loop {
        crate::wakeups::turned(crate::wakeups::Loop::Housekeeping);
        let h = hub.clone();
        match tokio::task::spawn_blocking(move || (h.housekeeping(), h.housekeeping_due())).await {
            Ok((Err(e), due)) => {
                tracing::warn!("housekeeping: {e}");
                sleep_or_help(&mut events, due).await;
            }
            Ok((Ok(_), due)) => sleep_or_help(&mut events, due).await,
            Err(e) => {
                tracing::error!("housekeeping task failed: {e}");
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            }
        }
    }
}

/// Sleeps for `due`, or until a help request is raised.
async fn sleep_or_help(events: &mut tokio::sync::broadcast::Receiver<Event>, due: Duration) {
    use tokio::sync::broadcast::error::RecvError;
    let help = async {
        loop {
            match events.recv().await {
                Ok(Event::HelpRequested { .. }) | Err(RecvError::Lagged(_)) => return,
                Ok(_) => {}
                Err(RecvError::Closed) => std::future::pending().await,
            }
        }
    };
    tokio::select! {
        () = tokio::time::sleep(due) => {}
        () = help => {}
    }
}
