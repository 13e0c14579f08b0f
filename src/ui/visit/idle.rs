//! Forgetting the visitor: after `[display] idle_reset_seconds` without a tap the screen counts
//! down `countdown_seconds`, then starts again; the done screen returns by itself after
//! `done_seconds`. An untouched Welcome never counts down, nor does the help screen before a
//! member of staff has answered.

use std::time::Duration;

use super::{Effect, HelpState, Notice, Page, Timer, Visit};
use crate::scanner::wedge::Wedge;

impl Visit {
    /// A tap: the idle time starts again (and any countdown stops).
    pub(super) fn touched(&mut self) -> Vec<Effect> {
        let mut effects = vec![Effect::Stop(Timer::Countdown)];
        self.countdown = 0;
        if self.page != Page::Done && self.may_forget() {
            let after = Duration::from_secs(u64::from(self.config.display.idle_reset_seconds));
            effects.push(Effect::Start(Timer::Idle, after));
        }
        effects
    }

    /// Whether there is anything to forget.
    pub fn pristine(&self) -> bool {
        self.page == Page::Welcome
            && self.member.is_none()
            && !self.chosen.iter().any(|c| *c)
            && self.language == self.config.site.default_language.as_str()
            && self.notice == Notice::None
            && !self.large_text
            && !self.high_contrast
            && !self.interpreter
            && self.help == HelpState::None
    }

    pub(super) fn idle_elapsed(&mut self) -> Vec<Effect> {
        if self.pristine() || self.page == Page::Done || !self.may_forget() {
            return Vec::new();
        }
        self.countdown = self.config.display.countdown_seconds.max(1);
        vec![Effect::Start(Timer::Countdown, Duration::from_secs(1))]
    }

    pub(super) fn tick(&mut self) -> Vec<Effect> {
        if self.countdown == 0 {
            return vec![Effect::Stop(Timer::Countdown)];
        }
        self.countdown -= 1;
        if self.countdown == 0 {
            return self.reset();
        }
        Vec::new()
    }

    /// The done screen is showing: back to Welcome by itself after `done_seconds`.
    pub(super) fn done_shown(&mut self) -> Vec<Effect> {
        self.countdown = 0;
        let after = Duration::from_secs(u64::from(self.config.display.done_seconds));
        vec![
            Effect::Stop(Timer::Idle),
            Effect::Stop(Timer::Countdown),
            Effect::Start(Timer::Done, after),
        ]
    }

    /// Forgets the visitor: Welcome, nothing chosen, no member, the site's default language,
    /// no reading aids, a configuration re-read meanwhile in place; an answer still on its way
    /// is dropped.
    pub(super) fn reset(&mut self) -> Vec<Effect> {
        self.apply_pending();
        self.generation += 1;
        self.page = Page::Welcome;
        self.busy = false;
        self.member = None;
        self.notice = Notice::None;
        self.chosen.iter_mut().for_each(|c| *c = false);
        self.language = self.config.site.default_language.as_str().to_owned();
        self.large_text = false;
        self.high_contrast = false;
        self.interpreter = false;
        self.help = HelpState::None;
        self.countdown = 0;
        self.submitted.clear();
        self.checked = None;
        self.wedge = Wedge::default();
        self.on_now = super::OnNow::default();
        self.asked = None;
        vec![
            Effect::Stop(Timer::Idle),
            Effect::Stop(Timer::Countdown),
            Effect::Stop(Timer::Done),
        ]
    }
}
