//! Forgetting the visitor: after `[display] idle_reset_seconds` without a tap the screen shows a
//! countdown of `countdown_seconds`, then starts again; the done screen returns by itself after
//! `done_seconds`. Single-shot timers, and a one-second one only while counting down: nothing
//! redraws while nobody is there.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, TimerMode};

use super::state::{State, reset};
use super::{Api, Notice, Screen, Theme};

type Shared = Rc<RefCell<State>>;

/// A tap: the idle time starts again (and any countdown stops).
pub(super) fn touched(s: &Shared) {
    let st = s.borrow();
    let Some(w) = st.window.upgrade() else { return };
    st.countdown.stop();
    w.global::<Api>().set_countdown(0);
    if w.global::<Api>().get_screen() == Screen::Done {
        return;
    }
    let weak = Rc::downgrade(s);
    let after = Duration::from_secs(u64::from(st.hub.config().display.idle_reset_seconds));
    st.idle.start(TimerMode::SingleShot, after, move || {
        if let Some(s) = weak.upgrade() {
            begin_countdown(&s);
        }
    });
}

pub(super) fn still_here(s: &Shared) {
    touched(s);
}

/// Whether there is anything to forget.
fn pristine(s: &State) -> bool {
    let Some(w) = s.window.upgrade() else {
        return true;
    };
    let api = w.global::<Api>();
    let theme = w.global::<Theme>();
    api.get_screen() == Screen::Welcome
        && s.member.is_none()
        && !s.chosen.iter().any(|c| *c)
        && s.language == s.hub.config().site.default_language.as_str()
        && api.get_notice_kind() == Notice::None
        && !theme.get_large_text()
        && !theme.get_high_contrast()
}

fn begin_countdown(s: &Shared) {
    let st = s.borrow();
    if pristine(&st) {
        return;
    }
    let Some(w) = st.window.upgrade() else { return };
    let seconds = st.hub.config().display.countdown_seconds.max(1);
    w.global::<Api>().set_countdown(seconds as i32);
    let weak = Rc::downgrade(s);
    st.countdown
        .start(TimerMode::Repeated, Duration::from_secs(1), move || {
            let Some(s) = weak.upgrade() else { return };
            let Some(w) = s.borrow().window.upgrade() else {
                return;
            };
            let api = w.global::<Api>();
            let left = api.get_countdown() - 1;
            if left <= 0 {
                reset(&s);
            } else {
                api.set_countdown(left);
            }
        });
}

/// The done screen is showing: back to Welcome by itself after `done_seconds`.
pub(super) fn done_shown(s: &Shared) {
    let st = s.borrow();
    st.idle.stop();
    st.countdown.stop();
    let weak = Rc::downgrade(s);
    let after = Duration::from_secs(u64::from(st.hub.config().display.done_seconds));
    st.done.start(TimerMode::SingleShot, after, move || {
        if let Some(s) = weak.upgrade() {
            reset(&s);
        }
    });
}
