//! Draws the state into the Slint globals `Api` and `Theme`: after every input, only what it
//! changed is set (Slint redraws nothing for a value set again unchanged; the tile and
//! direction models are rebuilt only when their words change), and everything once a reloaded
//! configuration reaches the visit.

use std::sync::Arc;

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use super::adapter::Shell;
use super::visit::{self, HelpState, Offer, Page, Visit};
use super::{
    Api, AppWindow, Call, CrisisNumber, LanguageChoice, NeedTile, NoTicket, Notice, Screen,
    SessionTile, Theme, languages,
};
use crate::hub;

impl Shell {
    /// What changes only with the configuration: the site's name, the languages, the timings.
    pub(super) fn render_site(&self, w: &AppWindow) {
        let config = self.visit.borrow().config().clone();
        let api = w.global::<Api>();
        api.set_site_name(config.site.name.as_str().into());
        api.set_idle_seconds(config.display.idle_reset_seconds as i32);
        api.set_retention_days(config.kiosk.retention_days as i32);
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
        api.set_needs(ModelRc::from(self.needs.clone()));
    }

    /// The visitor's screen as the state says.
    pub(super) fn render(&self) {
        let Some(w) = self.window.upgrade() else {
            return;
        };
        let visit = self.visit.borrow();
        let api = w.global::<Api>();
        if !Arc::ptr_eq(&self.drawn_config.borrow(), visit.config()) {
            *self.drawn_config.borrow_mut() = visit.config().clone();
            self.render_site(&w);
            self.drawn_language.borrow_mut().clear();
        }
        let language_changed = *self.drawn_language.borrow() != visit.language();
        if language_changed {
            self.render_language(&w, &visit);
        }
        self.render_tiles(&visit, language_changed);
        api.set_chosen_count(visit.chosen().iter().filter(|c| **c).count() as i32);
        api.set_member(
            visit
                .member()
                .map(|m| m.as_str())
                .unwrap_or_default()
                .into(),
        );
        let (kind, minutes) = match visit.notice() {
            visit::Notice::None => (Notice::None, 0),
            visit::Notice::CardExpired => (Notice::CardExpired, 0),
            visit::Notice::CardRefused => (Notice::CardRefused, 0),
            visit::Notice::CardRepeat(m) => (Notice::CardRepeat, m),
            visit::Notice::Failed => (Notice::Failed, 0),
        };
        api.set_notice_minutes(minutes as i32);
        api.set_notice_kind(kind);
        api.set_busy(visit.busy());
        api.set_countdown(visit.countdown() as i32);
        api.set_interpreter(visit.interpreter());
        render_done(&api, &visit);
        render_sessions(&api, &visit);
        api.set_help_state(match visit.help() {
            HelpState::None => super::HelpState::None,
            HelpState::Sending => super::HelpState::Sending,
            HelpState::Alerted(_) => super::HelpState::Alerted,
            HelpState::Escalated(_) => super::HelpState::Escalated,
            HelpState::Acknowledged => super::HelpState::Acknowledged,
        });
        api.set_screen(match visit.page() {
            Page::Welcome => Screen::Welcome,
            Page::Needs => Screen::Needs,
            Page::Sessions => Screen::Sessions,
            Page::Done => Screen::Done,
            Page::Privacy => Screen::Privacy,
            Page::Help => Screen::Help,
        });
        let theme = w.global::<Theme>();
        theme.set_large_text(visit.large_text());
        theme.set_high_contrast(visit.high_contrast());
    }

    fn render_language(&self, w: &AppWindow, visit: &Visit) {
        let lang = visit.language();
        languages::select(lang);
        let api = w.global::<Api>();
        api.set_language(lang.into());
        api.set_rtl(languages::is_rtl(lang));
        let (welcome, help) = visit.site_lines();
        api.set_welcome_line(welcome.into());
        api.set_help_line(help.into());
        api.set_cancelled_help(visit.cancelled_help().into());
        let privacy = visit.privacy_words();
        api.set_privacy_notice(privacy.notice.into());
        api.set_privacy_contact(privacy.contact.into());
        let numbers: Vec<CrisisNumber> = visit
            .crisis_numbers()
            .into_iter()
            .map(|(label, number, detail)| CrisisNumber {
                label: label.into(),
                number: number.into(),
                detail: detail.into(),
            })
            .collect();
        api.set_crisis_numbers(ModelRc::new(VecModel::from(numbers)));
        *self.drawn_language.borrow_mut() = lang.to_owned();
        self.render_calls_in(w, lang);
    }

    fn render_tiles(&self, visit: &Visit, relabel: bool) {
        let tiles = visit.tiles();
        if relabel || self.needs.row_count() != tiles.len() {
            let tiles = tiles.into_iter().map(tile).collect::<Vec<_>>();
            self.needs.set_vec(tiles);
            return;
        }
        for (i, t) in tiles.into_iter().enumerate() {
            if self
                .needs
                .row_data(i)
                .is_some_and(|old| old.chosen != t.chosen)
            {
                self.needs.set_row_data(i, tile(t));
            }
        }
    }

    /// The "now calling" banner and the few calls before it, in the current language.
    pub(super) fn render_calls(&self) {
        let Some(w) = self.window.upgrade() else {
            return;
        };
        let lang = self.drawn_language.borrow().clone();
        self.render_calls_in(&w, &lang);
    }

    fn render_calls_in(&self, w: &AppWindow, lang: &str) {
        let (latest, recent) = self.calls.borrow().shown(lang);
        let call = |s: super::calls::Shown| Call {
            ticket: s.ticket.into(),
            place: s.place.into(),
            other: s.other.into(),
        };
        let api = w.global::<Api>();
        api.set_calling(latest.map(call).unwrap_or_default());
        // A ticket number is never split over two lines in the "also called" list.
        let recent: Vec<Call> = recent
            .into_iter()
            .map(|mut s| {
                s.ticket = s.ticket.replace(' ', "\u{a0}");
                call(s)
            })
            .collect();
        api.set_recent(ModelRc::new(VecModel::from(recent)));
    }
}

fn tile(t: visit::view::Tile) -> NeedTile {
    NeedTile {
        id: t.id.into(),
        label: t.label.into(),
        icon: t.icon.into(),
        drop_in: t.drop_in,
        chosen: t.chosen,
    }
}

/// The done screen: the ticket, place and wait; the reopening time; where to go.
fn render_done(api: &Api<'_>, visit: &Visit) {
    let checked = visit.checked();
    let queued = checked.and_then(|c| c.queued.as_ref());
    api.set_ticket(queued.map(|q| q.ticket.as_str()).unwrap_or_default().into());
    api.set_position(queued.map_or(0, |q| q.position as i32));
    api.set_wait_low(queued.map_or(0, |q| q.low_minutes as i32));
    api.set_wait_high(queued.map_or(0, |q| q.high_minutes as i32));
    api.set_no_ticket(match checked.and_then(|c| c.no_ticket) {
        None => NoTicket::None,
        Some(hub::NoTicket::Closed) => NoTicket::Closed,
        Some(hub::NoTicket::TooLate) => NoTicket::TooLate,
        Some(hub::NoTicket::Paused) => NoTicket::Paused,
    });
    let opening = visit.opening();
    api.set_opening_day(opening.as_ref().map_or(-1, |o| o.in_days.min(7) as i32));
    api.set_opening_weekday(opening.as_ref().map_or(0, |o| o.weekday as i32));
    api.set_opening_time(opening.map(|o| o.time).unwrap_or_default().into());
    let lines: Vec<SharedString> = visit.directions().into_iter().map(Into::into).collect();
    let current = api.get_directions();
    if current.iter().ne(lines.iter().cloned()) {
        api.set_directions(ModelRc::new(VecModel::from(lines)));
    }
}

/// "9:30": hours without a leading zero, as the screen writes times.
pub(super) fn clock_time(t: chrono::NaiveTime) -> String {
    use chrono::Timelike;
    format!("{}:{:02}", t.hour(), t.minute())
}

fn session_tile(o: &Offer) -> SessionTile {
    SessionTile {
        id: o.id.as_str().into(),
        title: o.title.as_str().into(),
        room: o.room.as_str().into(),
        starts: clock_time(o.starts).into(),
        ends: clock_time(o.ends).into(),
        started: o.started,
    }
}

/// Sets a list of tiles only when it changed (a new model redraws the whole list).
fn set_tiles(
    current: ModelRc<SessionTile>,
    set: impl FnOnce(ModelRc<SessionTile>),
    offers: &[Offer],
) {
    let tiles: Vec<SessionTile> = offers.iter().map(session_tile).collect();
    if current.iter().ne(tiles.iter().cloned()) {
        set(ModelRc::new(VecModel::from(tiles)));
    }
}

/// "Which session are you here for?", and the next student's tiles on the done screen.
fn render_sessions(api: &Api<'_>, visit: &Visit) {
    let on_now = visit.on_now();
    set_tiles(api.get_sessions(), |m| api.set_sessions(m), &on_now.open);
    set_tiles(
        api.get_cancelled(),
        |m| api.set_cancelled(m),
        &on_now.cancelled,
    );
    set_tiles(
        api.get_next_sessions(),
        |m| api.set_next_sessions(m),
        visit.next_sessions(),
    );
    let at = visit.checked().and_then(|c| c.session.as_ref());
    api.set_session_title(at.map(|s| s.title.as_str()).unwrap_or_default().into());
    api.set_session_room(at.map(|s| s.room.as_str()).unwrap_or_default().into());
    api.set_session_time(at.map(|s| clock_time(s.starts)).unwrap_or_default().into());
    api.set_session_started(at.is_some_and(|s| s.started));
    api.set_session_busy(at.is_some_and(|s| s.busy));
}
