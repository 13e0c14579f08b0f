//! What every long-running command shares with systemd, the shell and the network: the failure
//! that ends a command (its message and exit code), the async runtime, the HTTP client it calls
//! out with, telling systemd (`Type=notify`) the service is ready, the watchdog's pings and the
//! stop signal. The kiosk's start-up, the screen and the central service import it; it imports
//! none of them, so none of them import each other through it.

use std::time::Duration;

/// A failure: its message and exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn usage(message: impl std::fmt::Display) -> Self {
        Failure {
            message: message.to_string(),
            code: 2,
        }
    }

    pub fn runtime(message: impl std::fmt::Display) -> Self {
        Failure {
            message: message.to_string(),
            code: 1,
        }
    }
}

/// How long an idle thread of the blocking pool waits for more work before it ends: longer
/// than forwarding's interval, so a quiet kiosk reuses one thread rather than starting and
/// ending one every round (each start and end is a wake-up).
const BLOCKING_KEEP_ALIVE: Duration = Duration::from_secs(600);

/// At most two malloc heaps for the kiosk (`run`). glibc makes a new heap (an "arena") for each
/// thread that finds the others busy, up to eight per core (32 on a Pi 4), and every heap keeps
/// memory its thread freed. The kiosk's threads are mostly idle and allocate little, so more
/// heaps only hold memory. The central service, which serves many kiosks at once, keeps
/// glibc's default. Called before any thread starts.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a glibc tunable; no other thread is running yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// The async runtime of a long-running command: `workers` worker threads named `thread_name`.
pub fn runtime(thread_name: &str, workers: usize) -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_keep_alive(BLOCKING_KEEP_ALIVE)
        .thread_name(thread_name)
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))
}

/// How the kiosk calls out (forwarding, the timetable's address): its name, `timeout` for a
/// whole request, at most 10 s to connect, and no pool of idle connections. Calls are a minute
/// or more apart, so the far end has closed a kept connection by the next one anyway, and a
/// pool wakes the kiosk when it does, and every 90 s to sweep itself.
pub fn http_client(timeout: Duration) -> reqwest::ClientBuilder {
    // reqwest is built without a default crypto provider; installing one twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("hub-kiosk/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .pool_max_idle_per_host(0)
}

/// Tells systemd (Type=notify) that the kiosk is up.
pub fn notify_ready() {
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
}

/// Headless: ping systemd's watchdog from the runtime, at half the configured interval.
pub async fn watchdog_loop() {
    let Some(every) = watchdog_interval() else {
        return;
    };
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
    }
}

/// Half of `WatchdogSec`, when systemd set one for this process.
pub fn watchdog_interval() -> Option<Duration> {
    sd_notify::watchdog_enabled()
        .filter(|d| !d.is_zero())
        .map(|d| d / 2)
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called (inside a tokio runtime),
/// not when the future is first polled: a stop that arrives while the rest is still starting is
/// kept and ends the wait at once, instead of killing the process by the signal's default action.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let int = signal(SignalKind::interrupt());
    let term = signal(SignalKind::terminate());
    async move {
        match (int, term) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            (Ok(mut one), Err(_)) | (Err(_), Ok(mut one)) => {
                one.recv().await;
            }
            (Err(_), Err(_)) => std::future::pending().await,
        }
    }
}
