//! The visitor's way through the screens, as plain Rust: a state machine that takes what
//! happened ([`Input`]: a tap, a scan, an answer from the worker, a timer) and changes what the
//! screen shows ([`Visit`]'s state, read through [`view`]) and asks for work ([`Effect`]: save a
//! check-in, check a card, start or stop a timer). It knows nothing of Slint, threads or
//! SQLite, so tests drive it directly; `super::adapter` is the thin Slint side.
//!
//! `flow.rs`: taps, scans and answers; `sessions.rs`: "Which session are you here for?";
//! `help.rs`: "I need to talk to someone now" (the help screen, the alert it raises and what
//! staff did about it); `idle.rs`: forgetting the visitor (idle countdown, the done screen's
//! return); `privacy.rs`: "How we use information"; `reconfigure.rs`: a configuration re-read
//! while running; `view.rs`: what the screen shows, in the visitor's language.

mod flow;
mod help;
mod idle;
mod privacy;
mod reconfigure;
mod sessions;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_sessions;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::config::Config;
use crate::domain::MemberId;
use crate::hub::{CheckInRequest, NoTicket};
use crate::scanner::Scanned;
use crate::scanner::wedge::Wedge;

/// Which screen is up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    Welcome,
    Needs,
    /// "Which session are you here for?"
    Sessions,
    Done,
    /// "How we use information": what is recorded, for how long, what leaves, whom to ask.
    Privacy,
    /// "Someone is coming to you now": the crisis numbers, and what staff did about the alert.
    Help,
}

/// Where the visitor's request for a person stands, as the help screen says it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HelpState {
    /// No request.
    #[default]
    None,
    /// The tap is being saved and the alert raised.
    Sending,
    /// The alert is up on the staff pages (request `id`).
    Alerted(i64),
    /// Nobody acknowledged request `id` in time, or it could not be raised (`None`): ask at
    /// reception.
    Escalated(Option<i64>),
    /// A member of staff acknowledged it and is on their way.
    Acknowledged,
}

/// A calm message on the way (the words are in the .slint files, translated).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Notice {
    #[default]
    None,
    CardExpired,
    CardRefused,
    /// The card checked in this many minutes ago.
    CardRepeat(i64),
    Failed,
}

/// A place in the drop-in queue, as the done screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub ticket: String,
    /// 1 = next.
    pub position: u32,
    pub low_minutes: u32,
    pub high_minutes: u32,
}

/// One of today's sessions, as a tile shows it (times are site-local).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The session's id (`domain::timetable::SessionId`).
    pub id: String,
    pub title: String,
    /// Where, or empty.
    pub room: String,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    /// In progress already.
    pub started: bool,
}

/// What is on now: sessions to offer, and cancelled ones a student may have come for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OnNow {
    pub open: Vec<Offer>,
    pub cancelled: Vec<Offer>,
}

impl OnNow {
    pub fn is_empty(&self) -> bool {
        self.open.is_empty() && self.cancelled.is_empty()
    }
}

/// The session a check-in was for, as the done screen says where to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtSession {
    pub title: String,
    pub room: String,
    pub starts: NaiveTime,
    pub started: bool,
    /// More students than places: the visitor is in, and told kindly.
    pub busy: bool,
}

/// A saved check-in, as the done screen needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub queued: Option<Queued>,
    /// The session they came for.
    pub session: Option<AtSession>,
    /// A drop-in need was chosen but no ticket was given: closed, too late today, or paused.
    pub no_ticket: Option<NoTicket>,
    /// When it opens again (site-local), and the site-local day it was answered.
    pub next_opening: Option<NaiveDateTime>,
    pub today: NaiveDate,
}

/// The worker's answer to a check-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    Yes(Checked),
    /// The member's card already checked in this many minutes ago.
    Repeat(i64),
    /// Not saved (logged with why).
    Failed(String),
}

/// The worker's answer to a card scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Card {
    Member(MemberId),
    Repeat(i64),
    Expired,
    Refused,
    /// The worker could not answer (it is stopping): nothing changes.
    Lost,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The Check in button.
    CheckIn,
    /// A need tapped on Welcome (starts the needs screen with it chosen).
    NeedOnWelcome(usize),
    /// A need tapped on the needs screen.
    Need(usize),
    Done,
    Back,
    Finish,
    /// "How we use information" on Welcome.
    Privacy,
    Language(String),
    LargeText,
    HighContrast,
    /// Any tap.
    Touched,
    StillHere,
    /// A key typed outside text fields (a keyboard-wedge scanner), at a steady `ms`.
    Key {
        text: String,
        ms: u64,
    },
    Scanned(Scanned),
    CheckInAnswered {
        generation: u64,
        saved: Saved,
    },
    CardAnswered {
        generation: u64,
        card: Card,
    },
    /// `idle_reset_seconds` without a tap.
    IdleElapsed,
    /// One second of the countdown.
    Tick,
    /// `done_seconds` on the done screen.
    DoneElapsed,
    /// Forget the visitor now.
    Reset,
    /// A session tile on "Which session are you here for?".
    Session(usize),
    /// "Something else" there.
    SomethingElse,
    /// A session tile on the done screen, for the next student.
    NextSession(usize),
    /// What is on now, as asked by [`Effect::FindSessions`].
    SessionsFound {
        generation: u64,
        on_now: OnNow,
    },
    /// "I would like an interpreter" on the needs screen.
    Interpreter,
    /// "I need to talk to someone now".
    Help,
    /// The worker raised the help request (its id), or could not.
    HelpAnswered {
        generation: u64,
        raised: Option<i64>,
    },
    /// Nobody acknowledged help request `id` in time.
    HelpEscalated(i64),
    /// A member of staff acknowledged help request `id`.
    HelpAcknowledged(i64),
}

/// A timer the screen keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Fires [`Input::IdleElapsed`] once.
    Idle,
    /// Fires [`Input::Tick`] every second.
    Countdown,
    /// Fires [`Input::DoneElapsed`] once.
    Done,
}

/// Work the screen asks for.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Save on the worker; answer with [`Input::CheckInAnswered`].
    CheckIn {
        generation: u64,
        request: CheckInRequest,
    },
    /// Check on the worker; answer with [`Input::CardAnswered`].
    CheckCard {
        generation: u64,
        scan: Scanned,
    },
    /// Ask what is on now; answer with [`Input::SessionsFound`] (from memory: at once).
    FindSessions {
        generation: u64,
    },
    /// Raise a help request on the worker; answer with [`Input::HelpAnswered`].
    RequestHelp {
        generation: u64,
    },
    /// (Re)start a timer from now.
    Start(Timer, Duration),
    Stop(Timer),
}

/// The visitor in front of the screen — all of it forgotten on reset.
#[derive(Debug)]
pub struct Visit {
    config: Arc<Config>,
    page: Page,
    chosen: Vec<bool>,
    language: String,
    member: Option<MemberId>,
    notice: Notice,
    large_text: bool,
    high_contrast: bool,
    /// "I would like an interpreter" (kept on the ticket).
    interpreter: bool,
    help: HelpState,
    /// A check-in or card check is on the worker: Done and scans wait.
    busy: bool,
    /// Bumped by every reset, so an answer for a visitor who has gone is dropped.
    generation: u64,
    /// Seconds left before the reset; 0 when not counting down.
    countdown: u32,
    /// The needs of the check-in being saved or shown on the done screen.
    submitted: Vec<String>,
    checked: Option<Checked>,
    wedge: Wedge,
    /// What "Which session are you here for?" shows (and the done screen offers the next
    /// student).
    on_now: OnNow,
    /// Why sessions were asked for: where "Something else" and Back lead.
    asked: Option<sessions::Asked>,
    /// A configuration re-read meanwhile, taken when this visitor is forgotten.
    pending: Option<Arc<Config>>,
}

impl Visit {
    /// A fresh Welcome screen for `config`.
    pub fn new(config: Arc<Config>) -> Visit {
        Visit {
            chosen: vec![false; config.catalogue.len()],
            language: config.site.default_language.as_str().to_owned(),
            config,
            page: Page::Welcome,
            member: None,
            notice: Notice::None,
            large_text: false,
            high_contrast: false,
            interpreter: false,
            help: HelpState::None,
            busy: false,
            generation: 0,
            countdown: 0,
            submitted: Vec::new(),
            checked: None,
            wedge: Wedge::default(),
            on_now: OnNow::default(),
            asked: None,
            pending: None,
        }
    }

    /// Applies one input; returns the work it asks for, in order.
    pub fn step(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::CheckIn => self.start_needs(None),
            Input::NeedOnWelcome(i) => self.start_needs(Some(i)),
            Input::Need(i) => self.choose(i),
            Input::Done => self.submit(self.chosen_ids(), None),
            Input::Back => self.go_back(),
            Input::Privacy => self.show_privacy(),
            Input::Finish | Input::Reset | Input::DoneElapsed => self.reset(),
            Input::Language(code) => self.choose_language(&code),
            Input::LargeText => {
                self.large_text = !self.large_text;
                Vec::new()
            }
            Input::HighContrast => {
                self.high_contrast = !self.high_contrast;
                Vec::new()
            }
            Input::Touched | Input::StillHere => self.touched(),
            Input::Key { text, ms } => self.key(&text, ms),
            Input::Scanned(scan) => self.scanned(scan),
            Input::CheckInAnswered { generation, saved } if generation == self.generation => {
                self.saved(saved)
            }
            Input::CardAnswered { generation, card } if generation == self.generation => {
                self.card(card)
            }
            Input::CheckInAnswered { .. } | Input::CardAnswered { .. } => Vec::new(),
            Input::IdleElapsed => self.idle_elapsed(),
            Input::Tick => self.tick(),
            Input::Session(i) => self.pick_session(i),
            Input::SomethingElse => self.something_else(),
            Input::NextSession(i) => self.next_session(i),
            Input::SessionsFound { generation, on_now } if generation == self.generation => {
                self.found(on_now)
            }
            Input::SessionsFound { .. } => Vec::new(),
            Input::Interpreter => {
                self.interpreter = !self.interpreter;
                Vec::new()
            }
            Input::Help => self.ask_for_help(),
            Input::HelpAnswered { generation, raised } if generation == self.generation => {
                self.help_answered(raised)
            }
            Input::HelpAnswered { .. } => Vec::new(),
            Input::HelpEscalated(id) => self.help_escalated(id),
            Input::HelpAcknowledged(id) => self.help_acknowledged(id),
        }
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }
}
