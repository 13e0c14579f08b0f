//! What the screen remembers about the visitor in front of it — and forgets on reset.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use slint::{ComponentHandle, Model, ModelRc, SharedString, Timer, VecModel};

use super::worker::Worker;
use super::{Api, AppWindow, LanguageChoice, NeedTile, Notice, Screen, Theme, languages};
use crate::config::Texts;
use crate::domain::MemberId;
use crate::domain::needs::pick;
use crate::hub::Hub;
use crate::scanner::wedge::Wedge;

/// A ticket called by an advisor, as the banner shows it.
#[derive(Clone, Debug)]
pub(super) struct Called {
    pub ticket: String,
    pub location: Texts,
}

/// The screen's memory.
pub struct State {
    pub(super) hub: Arc<Hub>,
    pub(super) window: slint::Weak<AppWindow>,
    pub(super) needs: Rc<VecModel<NeedTile>>,
    pub(super) chosen: Vec<bool>,
    pub(super) language: String,
    pub(super) member: Option<MemberId>,
    /// A card check or a check-in is on the worker: further taps on Done and scans wait.
    pub(super) busy: bool,
    /// Bumped by every reset, so an answer for a visitor who has gone is dropped.
    pub(super) generation: u64,
    pub(super) wedge: Wedge,
    pub(super) started: Instant,
    /// Newest first.
    pub(super) calls: VecDeque<Called>,
    pub(super) idle: Timer,
    pub(super) countdown: Timer,
    pub(super) done: Timer,
    pub(super) call_expiry: Timer,
    pub(super) worker: Option<Worker>,
}

impl State {
    pub(super) fn new(hub: Arc<Hub>, window: &AppWindow) -> State {
        let worker = Worker::start()
            .map_err(|e| tracing::error!("cannot start the screen's worker thread: {e}"))
            .ok();
        let language = hub.config().site.default_language.as_str().to_owned();
        State {
            needs: Rc::new(VecModel::default()),
            chosen: vec![false; hub.config().catalogue.len()],
            language,
            member: None,
            busy: false,
            generation: 0,
            wedge: Wedge::default(),
            started: Instant::now(),
            calls: VecDeque::new(),
            idle: Timer::default(),
            countdown: Timer::default(),
            done: Timer::default(),
            call_expiry: Timer::default(),
            worker,
            window: window.as_weak(),
            hub,
        }
    }

    /// Puts every text that depends on the language into the window.
    pub(super) fn show_language(&self, w: &AppWindow) {
        let api = w.global::<Api>();
        let config = self.hub.config();
        let lang = self.language.as_str();
        languages::select(lang);
        api.set_language(lang.into());
        api.set_rtl(languages::is_rtl(lang));
        api.set_welcome_line(pick(&config.site.welcome, lang).unwrap_or_default().into());
        api.set_help_line(pick(&config.site.help, lang).unwrap_or_default().into());
        let tiles: Vec<NeedTile> = config
            .catalogue
            .iter()
            .zip(&self.chosen)
            .map(|(n, chosen)| NeedTile {
                id: n.id.as_str().into(),
                label: n.label(lang).into(),
                icon: n.icon.as_str().into(),
                drop_in: n.drop_in,
                chosen: *chosen,
            })
            .collect();
        self.needs.set_vec(tiles);
        self.show_calls(w);
    }

    pub(super) fn show_choices(&self, w: &AppWindow) {
        for (i, chosen) in self.chosen.iter().enumerate() {
            if let Some(mut tile) = self.needs.row_data(i)
                && tile.chosen != *chosen
            {
                tile.chosen = *chosen;
                self.needs.set_row_data(i, tile);
            }
        }
        let count = self.chosen.iter().filter(|c| **c).count();
        w.global::<Api>().set_chosen_count(count as i32);
    }

    /// The "now calling" banner and the few calls before it, in the current language.
    pub(super) fn show_calls(&self, w: &AppWindow) {
        let lang = self.language.as_str();
        let as_call = |c: &Called| super::Call {
            ticket: c.ticket.as_str().into(),
            place: pick(&c.location, lang).unwrap_or_default().into(),
        };
        let api = w.global::<Api>();
        api.set_calling(self.calls.front().map(as_call).unwrap_or_default());
        let recent: Vec<super::Call> = self.calls.iter().skip(1).map(as_call).collect();
        api.set_recent(ModelRc::new(VecModel::from(recent)));
    }

    pub(super) fn chosen_ids(&self) -> Vec<String> {
        self.hub
            .config()
            .catalogue
            .iter()
            .zip(&self.chosen)
            .filter(|(_, c)| **c)
            .map(|(n, _)| n.id.as_str().to_owned())
            .collect()
    }
}

/// Forgets the visitor: Welcome, nothing chosen, no member, default language, no reading aids.
pub(super) fn reset(state: &Rc<RefCell<State>>) {
    let mut s = state.borrow_mut();
    let Some(w) = s.window.upgrade() else { return };
    s.generation += 1;
    s.busy = false;
    s.member = None;
    s.chosen.iter_mut().for_each(|c| *c = false);
    s.language = s.hub.config().site.default_language.as_str().to_owned();
    s.wedge = Wedge::default();
    s.idle.stop();
    s.countdown.stop();
    s.done.stop();
    let config = s.hub.config();
    let api = w.global::<Api>();
    api.set_site_name(config.site.name.as_str().into());
    api.set_idle_seconds(config.display.idle_reset_seconds as i32);
    let langs: Vec<LanguageChoice> = config
        .site
        .languages
        .iter()
        .map(|l| LanguageChoice {
            code: l.as_str().into(),
            name: languages::name(l.as_str()).into(),
        })
        .collect();
    api.set_languages(ModelRc::new(VecModel::from(langs)));
    api.set_needs(ModelRc::from(s.needs.clone()));
    s.show_language(&w);
    s.show_choices(&w);
    api.set_member(SharedString::new());
    api.set_notice_kind(Notice::None);
    api.set_busy(false);
    api.set_countdown(0);
    api.set_ticket(SharedString::new());
    api.set_drop_in_closed(false);
    api.set_directions(ModelRc::default());
    api.set_screen(Screen::Welcome);
    let theme = w.global::<Theme>();
    theme.set_large_text(false);
    theme.set_high_contrast(false);
}
