//! `hub-kiosk run` on a real screen: Slint picks the backend that works (winit on a desktop or
//! under X, linuxkms on the Pi when built with `--features kms`; `SLINT_BACKEND` overrides),
//! systemd hears "ready" after the first frame and watchdog pings from a timer on the UI thread,
//! so a hung screen gets the kiosk restarted.

use std::sync::Arc;
use std::time::Duration;

use slint::{ComponentHandle, Timer, TimerMode};

use super::{Ui, build_ui};
use crate::hub::Hub;
use crate::scanner::serial::SerialScanner;
use crate::service::Failure;

/// Sets the rotation for the Pi's linuxkms backend from `[display] rotation`, unless the
/// environment already says. Call before any thread starts.
pub fn prepare_rotation(rotation: u32) {
    if rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // SAFETY: called at start-up before the runtime or any other thread exists.
        unsafe { std::env::set_var("SLINT_KMS_ROTATION", rotation.to_string()) };
    }
}

/// What to say when there is no screen to show.
pub fn no_display_message(e: &slint::PlatformError) -> String {
    let mut why = e.to_string().replace('\n', "; ");
    if why.chars().count() > 240 {
        why = why.chars().take(240).collect::<String>() + "…";
    }
    format!(
        "no display to show the screen on ({}). On a desktop run it inside X11 or Wayland; on \
         the Pi use a build with `--features kms` and give the user the video, render and input \
         groups. To run without a screen (staff pages, door counting, forwarding): \
         `hub-kiosk run --headless`",
        why
    )
}

/// The screen, built and not yet shown (`open`, then `run`).
pub struct Screen {
    ui: Ui,
    hub: Arc<Hub>,
}

/// Builds the screen: Slint's platform (for X11, the window system's connection and input
/// method), the fonts and the welcome screen. `app::run` calls it before the kiosk starts any
/// thread of its own: glibc takes a lock on every `getc` and `malloc` once a process has a
/// second thread, and opening an X input method reads the locale's Compose file (about 6,000
/// lines) one `getc` at a time, a few milliseconds slower with the locks (docs/benchmarks.md).
pub fn open(hub: Arc<Hub>) -> Result<Screen, Failure> {
    let ui = build_ui(hub.clone()).map_err(|e| Failure::runtime(no_display_message(&e)))?;
    if matches!(hub.config().display.rotation, 90 | 270)
        && std::env::var_os("SLINT_KMS_ROTATION").is_none()
    {
        // A desktop window in portrait, as the rotated panel would be.
        ui.window
            .window()
            .set_size(slint::LogicalSize::new(800.0, 1280.0));
    }
    Ok(Screen { ui, hub })
}

impl Screen {
    /// Shows the screen and runs the UI until the window closes or `quit_event_loop`.
    /// `first_frame` runs on the UI thread once the first frame is on the screen (see
    /// `after_first_frame`), so what it starts does not compete with drawing it; a screen
    /// closed before that never runs it.
    pub fn run(self, first_frame: impl FnOnce() + 'static) -> Result<(), Failure> {
        let Screen { ui, hub } = self;
        ui.start_feeds().map_err(Failure::runtime)?;
        let _serial = start_serial(&ui, &hub.config().scanner);
        after_first_frame(&ui, first_frame);
        let _watchdog = watchdog_timer();
        ui.window
            .show()
            .map_err(|e| Failure::runtime(no_display_message(&e)))?;
        slint::run_event_loop_until_quit()
            .map_err(|e| Failure::runtime(format!("the screen stopped: {e}")))?;
        let _ = ui.window.hide();
        Ok(())
    }
}

/// The serial scanner from `[scanner] serial`, feeding the screen; keep it while the screen runs.
pub fn start_serial(ui: &Ui, scanner: &crate::config::Scanner) -> Option<SerialScanner> {
    let path = scanner.serial.clone()?;
    let tx = ui.scan_sender().ok()?;
    match SerialScanner::spawn(&path, scanner.baud, move |scan| {
        let _ = tx.send(scan);
    }) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::error!("cannot start the serial scanner's thread: {e}");
            None
        }
    }
}

/// How long after `show` a renderer that does not say when it has drawn (the software renderer)
/// is taken to have drawn the first frame: it takes tens of milliseconds on a desktop.
const FIRST_FRAME_GRACE: Duration = Duration::from_millis(250);

/// The longest `then` waits for a renderer that does say (femtovg on the Pi) but has not drawn:
/// the door, the staff pages and forwarding do not depend on the screen.
const FIRST_FRAME_LIMIT: Duration = Duration::from_secs(2);

/// Once a frame is on the screen, systemd (Type=notify) hears "ready" and `then` runs: when the
/// renderer says so (femtovg on the Pi), else `FIRST_FRAME_GRACE` after `show`. `then` runs by
/// `FIRST_FRAME_LIMIT` even if no frame comes; "ready" waits for the frame.
fn after_first_frame(ui: &Ui, then: impl FnOnce() + 'static) {
    let then = std::rc::Rc::new(std::cell::Cell::new(Some(then)));
    let run_once = move || {
        if let Some(then) = then.take() {
            then();
        }
    };
    let on_frame = run_once.clone();
    let mut told = false;
    let notifier = ui.window.window().set_rendering_notifier(move |state, _| {
        if matches!(state, slint::RenderingState::AfterRendering) && !told {
            told = true;
            crate::service::notify_ready();
            tracing::info!("first frame shown");
            on_frame();
        }
    });
    let wait = if notifier.is_ok() {
        FIRST_FRAME_LIMIT
    } else {
        FIRST_FRAME_GRACE
    };
    Timer::single_shot(wait, move || {
        // Without a notifier no frame is reported, so this is the only "ready".
        if notifier.is_err() {
            crate::service::notify_ready();
            tracing::info!("screen shown");
        }
        run_once();
    });
}

/// Pings systemd's watchdog from the UI thread at `watchdog_interval()`; `None` without one.
fn watchdog_timer() -> Option<Timer> {
    let every = crate::service::watchdog_interval()?;
    let timer = Timer::default();
    timer.start(TimerMode::Repeated, every, || {
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
    });
    Some(timer)
}
