//! What reaches the screen from elsewhere: calls from the advisors ("now calling"), the health
//! of sync and the door sensor, and scans read by the serial scanner's thread. Each is a task on
//! the UI thread awaiting its channel, so nothing polls and nothing redraws until something
//! happens.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, TimerMode};
use tokio::sync::broadcast::error::RecvError;

use super::state::{Called, State};
use super::{Api, ScanSender, flow};
use crate::events::Event;

type Shared = Rc<RefCell<State>>;

/// How long a call stays on the banner after the last one.
const CALL_SHOWN: Duration = Duration::from_secs(180);

pub(super) fn start(state: &Shared) -> Result<(), slint::EventLoopError> {
    show_health(state);
    let mut events = state.borrow().hub.events.subscribe();
    let weak = Rc::downgrade(state);
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
                    ticket, location, ..
                } => now_calling(&s, ticket, location),
                Event::SyncStatus { .. } | Event::DoorStatus { .. } => show_health(&s),
                _ => {}
            }
        }
    })?;
    Ok(())
}

fn now_calling(s: &Shared, ticket: String, location: crate::config::Texts) {
    let Some(w) = s.borrow().window.upgrade() else {
        return;
    };
    {
        let mut st = s.borrow_mut();
        let keep = st.hub.config.display.recent_calls as usize + 1;
        st.calls.retain(|c| c.ticket != ticket);
        st.calls.push_front(Called { ticket, location });
        st.calls.truncate(keep.max(1));
    }
    let st = s.borrow();
    st.show_calls(&w);
    // The banner goes back to the site's name a while after the last call.
    let weak = Rc::downgrade(s);
    st.call_expiry
        .start(TimerMode::SingleShot, CALL_SHOWN, move || {
            let Some(s) = weak.upgrade() else { return };
            s.borrow_mut().calls.clear();
            if let Some(w) = s.borrow().window.upgrade() {
                s.borrow().show_calls(&w);
            }
        });
}

/// The small indicator: not reaching the central service, or a door sensor fault.
fn show_health(s: &Shared) {
    let st = s.borrow();
    let Some(w) = st.window.upgrade() else { return };
    let sync = st.hub.status.sync();
    let api = w.global::<Api>();
    api.set_offline(!sync.state.is_well());
    api.set_door_fault(st.hub.status.door().fault.is_some());
}

pub(super) fn scan_channel(state: &Shared) -> Result<ScanSender, slint::EventLoopError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let weak = Rc::downgrade(state);
    slint::spawn_local(async move {
        while let Some(scan) = rx.recv().await {
            let Some(s) = weak.upgrade() else { break };
            flow::scanned(&s, scan);
        }
    })?;
    Ok(tx)
}
