//! The touchscreen a visitor uses at the door (Slint, `ui/*.slint`).
//!
//! - [`visit`]: the visitor's way through the screens as plain Rust — inputs in, state and
//!   work out — tested without Slint;
//! - `adapter` + `render`: the thin Slint side: callbacks become inputs, the state is drawn
//!   into the globals `Api` and `Theme` (`ui/api.slint`, `ui/theme.slint`), check-ins and card
//!   checks run on the [`worker`] thread so a tap never waits on SQLite, timers on the UI thread;
//! - [`calls`] + `feed`: "now calling" and the sync / door health, from the event stream;
//! - [`languages`]: the bundled translations and switching at run time; [`offers`]: today's
//!   sessions as tiles;
//! - [`screenshots`]: every screen in every language to PNG, driven through the same flow, and
//!   [`check`] + [`fit`]: does every word fit (`hub-kiosk screenshots --check`);
//! - [`window`]: `hub-kiosk run` on a real screen (backend choice, systemd ready and watchdog).

mod adapter;
pub mod calls;
pub mod check;
mod feed;
pub mod fit;
pub mod languages;
pub mod offers;
mod render;
pub mod screenshots;
pub mod visit;
pub mod window;
pub mod worker;

use std::rc::Rc;
use std::sync::Arc;

use slint::ComponentHandle;

use crate::hub::Hub;
use crate::scanner::Scanned;
pub use adapter::Stand;
use adapter::{Jobs, Shell};
use visit::Input;

slint::include_modules!();

/// The wired screen: the window and the state behind it.
pub struct Ui {
    pub window: AppWindow,
    shell: Rc<Shell>,
}

/// Makes the window for `hub` and wires every callback, check-ins and card checks going to the
/// worker thread. Nothing runs in the background until [`Ui::start_feeds`].
pub fn build_ui(hub: Arc<Hub>) -> Result<Ui, slint::PlatformError> {
    // The window before the worker's thread: see `window::open`.
    let window = AppWindow::new()?;
    Ok(build(hub, window, Shell::worker()))
}

/// The same screen with check-ins and card checks answered at once by `stand` (screenshots:
/// nothing is saved, the flow is the real one).
pub fn build_ui_with(hub: Arc<Hub>, stand: Stand) -> Result<Ui, slint::PlatformError> {
    Ok(build(hub, AppWindow::new()?, Jobs::Stand(stand)))
}

fn build(hub: Arc<Hub>, window: AppWindow, jobs: Jobs) -> Ui {
    let shell = Shell::new(hub, &window, jobs);
    shell.render_site(&window);
    shell.render();
    wire(&window, &shell);
    Ui { window, shell }
}

/// Every callback of `Api` becomes an input.
fn wire(w: &AppWindow, shell: &Rc<Shell>) {
    let api = w.global::<Api>();
    let feed = |input: Input| {
        let weak = Rc::downgrade(shell);
        move || {
            if let Some(s) = weak.upgrade() {
                s.input(input.clone())
            }
        }
    };
    api.on_check_in(feed(Input::CheckIn));
    api.on_show_privacy(feed(Input::Privacy));
    api.on_back(feed(Input::Back));
    api.on_done(feed(Input::Done));
    api.on_finish(feed(Input::Finish));
    api.on_still_here(feed(Input::StillHere));
    api.on_touched(feed(Input::Touched));
    api.on_toggle_large_text(feed(Input::LargeText));
    api.on_toggle_high_contrast(feed(Input::HighContrast));
    api.on_something_else(feed(Input::SomethingElse));
    api.on_toggle_interpreter(feed(Input::Interpreter));
    api.on_help(feed(Input::Help));
    let weak = Rc::downgrade(shell);
    let with = move |f: &dyn Fn(&Rc<Shell>)| {
        if let Some(s) = weak.upgrade() {
            f(&s)
        }
    };
    let on = with.clone();
    api.on_choose_need(move |i| on(&|s| s.input(Input::Need(i as usize))));
    let on = with.clone();
    api.on_need_from_welcome(move |i| on(&|s| s.input(Input::NeedOnWelcome(i as usize))));
    let on = with.clone();
    api.on_choose_session(move |i| on(&|s| s.input(Input::Session(i as usize))));
    let on = with.clone();
    api.on_next_session(move |i| on(&|s| s.input(Input::NextSession(i as usize))));
    let on = with.clone();
    api.on_choose_language(move |code| on(&|s| s.input(Input::Language(code.to_string()))));
    api.on_key(move |text| {
        with(&|s| {
            let ms = s.ms();
            s.input(Input::Key {
                text: text.to_string(),
                ms,
            })
        })
    });
}

impl Ui {
    /// Follows the event stream ("now calling", health). Needs a running Slint event loop
    /// (or one about to run): it is a task on the UI thread.
    pub fn start_feeds(&self) -> Result<(), slint::EventLoopError> {
        feed::start(&self.shell)
    }

    /// A sender for scans read on another thread (the serial scanner): they reach the screen
    /// as a task on the UI thread, like scans typed by a keyboard-wedge scanner.
    pub fn scan_sender(&self) -> Result<ScanSender, slint::EventLoopError> {
        feed::scan_channel(&self.shell)
    }

    /// Handles a scan now (on the UI thread).
    pub fn scanned(&self, scan: Scanned) {
        self.shell.input(Input::Scanned(scan));
    }

    /// Feeds one input to the visitor's flow, as a tap, a scan or a timer would.
    pub fn input(&self, input: Input) {
        self.shell.input(input);
    }

    /// An advisor's call, as the event stream brings it (`language`: the ticket holder's).
    pub fn now_calling(&self, ticket: String, location: crate::config::Texts, language: &str) {
        feed::now_calling(&self.shell, ticket, location, language);
    }

    /// The calls banner's time is up: back to the site's name.
    pub fn calls_expired(&self) {
        self.shell.calls.borrow_mut().clear();
        self.shell.render_calls();
    }

    /// Back to Welcome with every choice cleared and the site's default language.
    pub fn reset(&self) {
        self.shell.input(Input::Reset);
    }

    /// The visitor's state, as the screen shows it.
    pub fn visit(&self) -> std::cell::Ref<'_, visit::Visit> {
        self.shell.visit.borrow()
    }

    pub fn api(&self) -> Api<'_> {
        self.window.global::<Api>()
    }
}

/// Scans from another thread to the screen.
pub type ScanSender = tokio::sync::mpsc::UnboundedSender<Scanned>;
