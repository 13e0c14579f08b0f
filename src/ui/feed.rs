//! What reaches the screen from elsewhere: calls from the advisors ("now calling"), what staff
//! did about a help request (acknowledged, or nobody in time), the health of sync and the door
//! sensor, a reloaded configuration, and scans read by the serial scanner's thread. Each is a
//! task on
//! the UI thread awaiting its channel, so nothing polls and nothing redraws until something
//! happens.

use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, TimerMode};
use tokio::sync::broadcast::error::RecvError;

use super::adapter::Shell;
use super::visit::Input;
use super::{Api, ScanSender};
use crate::config::Texts;
use crate::events::Event;

/// How long a call stays on the banner after the last one.
const CALL_SHOWN: Duration = Duration::from_secs(180);

pub(super) fn start(shell: &Rc<Shell>) -> Result<(), slint::EventLoopError> {
    show_health(shell);
    let mut events = shell.hub.subscribe();
    let weak = Rc::downgrade(shell);
    slint::spawn_local(async move {
        loop {
            let event = match events.recv().await {
                Ok(e) => e,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            let Some(s) = weak.upgrade() else { break };
            match event {
                Event::NowCalling {
                    ticket,
                    location,
                    language,
                    ..
                } => now_calling(&s, ticket, location, language.as_str()),
                Event::HelpEscalated { help } => s.input(Input::HelpEscalated(help.id)),
                Event::HelpAcknowledged { help } => s.input(Input::HelpAcknowledged(help.id)),
                Event::SyncStatus { .. } | Event::DoorStatus { .. } => show_health(&s),
                Event::ConfigReloaded { ok: true } => {
                    s.visit.borrow_mut().reconfigure(s.hub.config());
                    s.render();
                }
                _ => {}
            }
        }
    })?;
    Ok(())
}

pub(super) fn now_calling(shell: &Rc<Shell>, ticket: String, location: Texts, language: &str) {
    shell
        .calls
        .borrow_mut()
        .called(ticket, location, language.to_owned());
    shell.render_calls();
    let weak = Rc::downgrade(shell);
    shell
        .calls_timer()
        .start(TimerMode::SingleShot, CALL_SHOWN, move || {
            if let Some(s) = weak.upgrade() {
                s.calls.borrow_mut().clear();
                s.render_calls();
            }
        });
}

/// The small indicator: not reaching the central service, or a door sensor fault.
fn show_health(shell: &Shell) {
    let Some(w) = shell.window.upgrade() else {
        return;
    };
    let sync = shell.hub.sync_status();
    let api = w.global::<Api>();
    api.set_offline(!sync.state.is_well());
    api.set_door_fault(shell.hub.door_status().fault.is_some());
}

pub(super) fn scan_channel(shell: &Rc<Shell>) -> Result<ScanSender, slint::EventLoopError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let weak = Rc::downgrade(shell);
    slint::spawn_local(async move {
        while let Some(scan) = rx.recv().await {
            let Some(s) = weak.upgrade() else { break };
            s.input(Input::Scanned(scan));
        }
    })?;
    Ok(tx)
}
