//! The visitor's way through the screens: Check in → needs → Done, a card scan straight to the
//! needs, "Just visiting" at once. Blocking work goes to the worker; the answer is applied on
//! the UI thread, and only if the same visitor is still there (`generation`).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use tokio::sync::oneshot::error::RecvError;

use super::state::{State, reset};
use super::{Api, AppWindow, Notice, Screen, Theme, idle};
use crate::domain::card::Rejection;
use crate::domain::{Language, Source, Visitor};
use crate::hub::{CheckInOutcome, CheckInRequest, HubError, ScanOutcome};
use crate::scanner::Scanned;

type Shared = Rc<RefCell<State>>;

/// Answers every callback of `Api`.
pub(super) fn wire(w: &AppWindow, state: &Shared) {
    let api = w.global::<Api>();
    let on = |f: fn(&Shared)| {
        let weak = Rc::downgrade(state);
        move || {
            if let Some(s) = weak.upgrade() {
                f(&s)
            }
        }
    };
    api.on_check_in(on(|s| start_needs(s, None)));
    api.on_back(on(reset_keep_language));
    api.on_done(on(|s| {
        let ids = s.borrow().chosen_ids();
        submit(s, ids)
    }));
    api.on_finish(on(reset));
    api.on_still_here(on(idle::still_here));
    api.on_touched(on(idle::touched));
    let weak = Rc::downgrade(state);
    api.on_choose_need(move |i| with(&weak, |s| choose(s, i as usize)));
    let weak = Rc::downgrade(state);
    api.on_need_from_welcome(move |i| with(&weak, |s| start_needs(s, Some(i as usize))));
    let weak = Rc::downgrade(state);
    api.on_choose_language(move |code| with(&weak, |s| choose_language(s, &code)));
    let weak = Rc::downgrade(state);
    api.on_key(move |text| {
        with(&weak, |s| {
            if !s.borrow().hub.config().scanner.keyboard {
                return;
            }
            let ms = s.borrow().started.elapsed().as_millis() as u64;
            let scan = s.borrow_mut().wedge.key(&text, ms);
            if let Some(scan) = scan {
                scanned(s, scan);
            }
        })
    });
}

fn with(weak: &Weak<RefCell<State>>, f: impl FnOnce(&Shared)) {
    if let Some(s) = weak.upgrade() {
        f(&s)
    }
}

fn window(s: &Shared) -> Option<AppWindow> {
    s.borrow().window.upgrade()
}

/// Back to Welcome, keeping the language and reading aids the visitor chose.
fn reset_keep_language(s: &Shared) {
    let Some(w) = window(s) else { return };
    let lang = s.borrow().language.clone();
    let theme = w.global::<Theme>();
    let (large, contrast) = (theme.get_large_text(), theme.get_high_contrast());
    reset(s);
    theme.set_large_text(large);
    theme.set_high_contrast(contrast);
    choose_language(s, &lang);
}

/// The needs screen, with one need already chosen when it was tapped on Welcome. An instant
/// need ("Just visiting") checks in at once.
fn start_needs(s: &Shared, first: Option<usize>) {
    let Some(w) = window(s) else { return };
    if let Some(i) = first {
        if is_instant(s, i) {
            return choose(s, i);
        }
        if let Some(c) = s.borrow_mut().chosen.get_mut(i) {
            *c = true;
        }
    }
    s.borrow().show_choices(&w);
    w.global::<Api>().set_screen(Screen::Needs);
    idle::touched(s);
}

fn is_instant(s: &Shared, i: usize) -> bool {
    s.borrow()
        .hub
        .config()
        .catalogue
        .iter()
        .nth(i)
        .is_some_and(|n| n.instant)
}

/// A tile tapped on the needs screen: toggles it; an instant need completes on its own.
fn choose(s: &Shared, i: usize) {
    let Some(w) = window(s) else { return };
    if s.borrow().busy {
        return;
    }
    if is_instant(s, i) {
        let id = s
            .borrow()
            .hub
            .config()
            .catalogue
            .iter()
            .nth(i)
            .map(|n| n.id.as_str().to_owned());
        if let Some(id) = id {
            submit(s, vec![id]);
        }
        return;
    }
    if let Some(c) = s.borrow_mut().chosen.get_mut(i) {
        *c = !*c;
    }
    s.borrow().show_choices(&w);
}

pub(super) fn choose_language(s: &Shared, code: &str) {
    let Some(w) = window(s) else { return };
    let known = s
        .borrow()
        .hub
        .config()
        .site
        .languages
        .iter()
        .any(|l| l.as_str() == code);
    if !known {
        return;
    }
    s.borrow_mut().language = code.to_owned();
    s.borrow().show_language(&w);
}

/// Saves the check-in on the worker; one at a time, so a double tap makes one check-in.
fn submit(s: &Shared, needs: Vec<String>) {
    let Some(w) = window(s) else { return };
    if needs.is_empty() || s.borrow().busy {
        return;
    }
    let (hub, request) = {
        let mut st = s.borrow_mut();
        st.busy = true;
        let member = st.member.clone();
        let request = CheckInRequest {
            source: if member.is_some() {
                Source::Card
            } else {
                Source::Touchscreen
            },
            visitor: member.map_or(Visitor::Anonymous, Visitor::Member),
            needs: needs.clone(),
            language: Language::new(&st.language).unwrap_or_else(|_| Language::english()),
            priority: false,
        };
        (st.hub.clone(), request)
    };
    w.global::<Api>().set_busy(true);
    let done = on_worker(
        s,
        move || hub.check_in(request),
        move |s, w, result| match result {
            Ok(Ok(outcome)) => show_done(s, w, &needs, outcome),
            Ok(Err(HubError::RepeatScan { minutes })) => {
                reset(s);
                let api = w.global::<Api>();
                api.set_notice_minutes(minutes as i32);
                api.set_notice_kind(Notice::CardRepeat);
            }
            Ok(Err(e)) => failed(s, w, &e.to_string()),
            Err(_) => failed(s, w, "the worker stopped"),
        },
    );
    if let Err(e) = done {
        failed(s, &w, &e);
    }
}

/// Runs `job` on the screen's worker, then `then` on the UI thread with its answer (an error
/// when the worker stopped) — unless the screen has been reset since, or is gone.
fn on_worker<T: Send + 'static>(
    s: &Shared,
    job: impl FnOnce() -> T + Send + 'static,
    then: impl FnOnce(&Shared, &AppWindow, Result<T, RecvError>) + 'static,
) -> Result<(), String> {
    let generation = s.borrow().generation;
    let answer = {
        let st = s.borrow();
        let worker = st
            .worker
            .as_ref()
            .ok_or("the screen's worker is not running")?;
        worker.run(job)
    };
    let weak = Rc::downgrade(s);
    slint::spawn_local(async move {
        let result = answer.await;
        let Some(s) = weak.upgrade() else { return };
        let Some(w) = window(&s) else { return };
        if s.borrow().generation != generation {
            return;
        }
        then(&s, &w, result);
    })
    .map(drop)
    .map_err(|e| e.to_string())
}

fn failed(s: &Shared, w: &AppWindow, why: &str) {
    tracing::error!("check-in from the screen failed: {why}");
    s.borrow_mut().busy = false;
    let api = w.global::<Api>();
    api.set_busy(false);
    api.set_notice_kind(Notice::Failed);
}

fn show_done(s: &Shared, w: &AppWindow, needs: &[String], outcome: CheckInOutcome) {
    let st = s.borrow();
    let lang = st.language.as_str();
    let config = st.hub.config();
    let catalogue = &config.catalogue;
    let directions: Vec<SharedString> = needs
        .iter()
        .filter_map(|id| catalogue.get(id))
        .filter(|n| !n.drop_in)
        .filter_map(|n| {
            n.directions(lang)
                .map(|d| format!("{}: {d}", n.label(lang)).into())
        })
        .collect();
    let api = w.global::<Api>();
    match &outcome.ticket {
        Some(t) => {
            api.set_ticket(t.ticket.number.to_string().into());
            api.set_position(t.position as i32);
            api.set_wait_low(t.estimate.low_minutes as i32);
            api.set_wait_high(t.estimate.high_minutes as i32);
        }
        None => api.set_ticket(SharedString::new()),
    }
    api.set_drop_in_closed(outcome.drop_in_closed);
    let opening = outcome.next_opening.map(|at| {
        if at.date() == st.hub.today() {
            at.format("%H:%M").to_string()
        } else {
            at.format("%Y-%m-%d %H:%M").to_string()
        }
    });
    api.set_next_opening(opening.unwrap_or_default().into());
    api.set_directions(ModelRc::new(VecModel::from(directions)));
    api.set_notice_kind(Notice::None);
    api.set_busy(false);
    api.set_screen(Screen::Done);
    drop(st);
    s.borrow_mut().busy = false;
    idle::done_shown(s);
}

/// A scan from the keyboard wedge or the serial scanner: checked on the worker, then a valid
/// card goes to the needs screen greeting the member by number; anything else gets a calm word
/// and the anonymous way on.
pub(super) fn scanned(s: &Shared, scan: Scanned) {
    if s.borrow().busy || window(s).is_none() {
        return;
    }
    reset_keep_language(s);
    s.borrow_mut().busy = true;
    let hub = s.borrow().hub.clone();
    let done = on_worker(
        s,
        move || hub.scan(&scan),
        |s, w, result| {
            s.borrow_mut().busy = false;
            let api = w.global::<Api>();
            match result {
                Ok(Ok(ScanOutcome::Member(member))) => {
                    api.set_member(member.as_str().into());
                    s.borrow_mut().member = Some(member);
                    start_needs(s, None);
                }
                Ok(Ok(ScanOutcome::AlreadyCheckedIn { minutes, .. })) => {
                    api.set_notice_minutes(minutes as i32);
                    api.set_notice_kind(Notice::CardRepeat);
                    idle::touched(s);
                }
                Ok(Ok(ScanOutcome::Refused(reason))) => {
                    api.set_notice_kind(if reason == Rejection::Expired {
                        Notice::CardExpired
                    } else {
                        Notice::CardRefused
                    });
                    start_needs(s, None);
                }
                Ok(Err(e)) => {
                    tracing::warn!("card scan: {e}");
                    api.set_notice_kind(Notice::CardRefused);
                    start_needs(s, None);
                }
                Err(_) => {}
            }
        },
    );
    if let Err(e) = done {
        tracing::error!("cannot check the card: {e}");
        s.borrow_mut().busy = false;
    }
}
