//! The touchscreen a visitor uses at the door (Slint, `ui/*.slint`).
//!
//! The screen's state lives in the Slint globals `Api` and `Theme` (`ui/api.slint`,
//! `ui/theme.slint`); this module feeds them from the hub and answers their callbacks:
//! - [`build_ui`] makes the window and wires it (tests and the screenshots reuse it);
//! - `flow`: check in, choose needs, done, card scans; the store is only touched on the
//!   [`worker`] thread, so a tap never waits on SQLite;
//! - `idle`: the privacy countdown and reset, the done screen's return;
//! - `feed`: "now calling", and the sync / door health indicator, from the event stream;
//! - [`languages`]: the bundled translations and switching at run time;
//! - [`screenshots`]: every screen in every language to PNG, no display needed;
//! - [`window`]: `hub-kiosk run` on a real screen (backend choice, systemd ready and watchdog).

pub mod check;
mod feed;
pub mod fit;
mod flow;
mod idle;
pub mod languages;
pub mod screenshots;
mod state;
pub mod window;
pub mod worker;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use slint::ComponentHandle;

use crate::hub::Hub;
use crate::scanner::Scanned;

slint::include_modules!();

pub use state::State;

/// The wired screen: the window and the state behind it.
pub struct Ui {
    pub window: AppWindow,
    state: Rc<RefCell<State>>,
}

/// Makes the window for `hub` and wires every callback. Nothing runs in the background until
/// [`Ui::start_feeds`].
pub fn build_ui(hub: Arc<Hub>) -> Result<Ui, slint::PlatformError> {
    let window = AppWindow::new()?;
    let state = Rc::new(RefCell::new(State::new(hub, &window)));
    state::reset(&state);
    flow::wire(&window, &state);
    Ok(Ui { window, state })
}

impl Ui {
    /// Follows the event stream ("now calling", health). Needs a running Slint event loop
    /// (or one about to run): it is a task on the UI thread.
    pub fn start_feeds(&self) -> Result<(), slint::EventLoopError> {
        feed::start(&self.state)
    }

    /// A sender for scans read on another thread (the serial scanner): they reach the screen
    /// as a task on the UI thread, like scans typed by a keyboard-wedge scanner.
    pub fn scan_sender(&self) -> Result<ScanSender, slint::EventLoopError> {
        feed::scan_channel(&self.state)
    }

    /// Handles a scan now (on the UI thread).
    pub fn scanned(&self, scan: Scanned) {
        flow::scanned(&self.state, scan);
    }

    /// Back to Welcome with every choice cleared and the site's default language.
    pub fn reset(&self) {
        state::reset(&self.state);
    }

    pub fn api(&self) -> Api<'_> {
        self.window.global::<Api>()
    }
}

/// Scans from another thread to the screen.
pub type ScanSender = tokio::sync::mpsc::UnboundedSender<Scanned>;
