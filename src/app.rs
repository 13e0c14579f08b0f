//! Starting the kiosk: open the store, build the hub, build the screen while this is the only
//! thread, then the async runtime (listening for a stop signal from then on); with a screen,
//! show it first and start the rest (the staff pages, SIGHUP reloads (`crate::reload`),
//! forwarding, housekeeping, the timetable's refresh, the door) on a thread of their own once
//! the first frame is drawn; headless, start them and wait for a stop signal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;

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
    /// The configuration file, re-read on SIGHUP; `None` for the built-in demo.
    pub config_file: Option<PathBuf>,
}

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
    // The database opens with the services (`Services::start`), after the first frame.
    let hub = Hub::open_later(config);
    // The screen is built while this is the only thread (see `ui::window::open`).
    let screen = if opts.headless {
        None
    } else {
        Some(crate::ui::window::open(hub.clone())?)
    };
    // One worker: the kiosk's async work is waiting on sockets and timers (its store calls go
    // to the blocking pool), and on one thread a forwarding round or a staff request does not
    // hand its parts from worker to worker, each hand-off a wake-up.
    let runtime = crate::service::runtime("hub-kiosk-worker", 1)?;
    // Listening for a stop from here on: a SIGTERM while the parts below start ends the run
    // cleanly once they have, instead of killing the process half-started.
    let stop = {
        let _inside = runtime.enter();
        shutdown_signal()
    };
    let Some(screen) = screen else {
        let services = Services::start(&hub, runtime.handle(), &opts)?;
        notify_ready();
        runtime.spawn(watchdog_loop());
        runtime.block_on(stop);
        tracing::info!("stopping");
        runtime.block_on(services.staff.stop());
        return Ok(());
    };
    // Ctrl-C or SIGTERM end the screen's event loop; the rest stops after it.
    runtime.spawn(async {
        stop.await;
        quit_screen();
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let (starting, handle) = (hub.clone(), runtime.handle().clone());
    let started = std::rc::Rc::new(std::cell::Cell::new(false));
    let starts = started.clone();
    let shown = screen.run(move || {
        // The first frame is drawn: the services start now, not on its path.
        starts.set(true);
        let spawned = std::thread::Builder::new()
            .name("start".into())
            .spawn(move || {
                let started = Services::start(&starting, &handle, &opts);
                if started.is_err() {
                    quit_screen();
                }
                let _ = tx.send(started);
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the kiosk's services: {e}");
            quit_screen();
        }
    });
    tracing::info!("stopping");
    if !started.get() {
        // Stopped before the first frame: nothing else was started, and nothing will send.
        return shown;
    }
    match rx.recv() {
        Ok(Ok(services)) => {
            runtime.block_on(services.staff.stop());
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

/// What runs beside the screen, or alone when headless, on the runtime `rt`.
struct Services {
    staff: crate::staff::Running,
    _door: Option<Door>,
}

impl Services {
    fn start(hub: &Arc<Hub>, rt: &Handle, opts: &RunOptions) -> Result<Services, Failure> {
        // Creating, checking and migrating the file is not on the first frame's path. The
        // screen's worker waits for it if a visitor taps before it is done.
        hub.open_store().map_err(Failure::runtime)?;
        rt.spawn(housekeeping_loop(hub.clone()));
        rt.spawn(crate::logging::status_loop(hub.clone()));
        {
            let _in_runtime = rt.enter();
            crate::courses::start(hub.timetable_refresher());
        }
        let staff = rt
            .block_on(crate::staff::start(hub.clone()))
            .map_err(Failure::runtime)?;
        tracing::info!("staff pages on {}", staff.url);
        let _inside = rt.enter();
        let source = crate::reload::Source {
            file: opts.config_file.clone(),
            listen: opts.listen,
        };
        if let Err(e) = crate::reload::start(hub.clone(), staff.state.clone(), source) {
            tracing::error!("cannot listen for SIGHUP, so `systemctl reload` will not work: {e}");
        }
        crate::sync::start(hub);
        // The door sensor and status LED run on their own thread until this is dropped.
        let door = crate::hardware::start(hub.clone());
        Ok(Services { staff, _door: door })
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
