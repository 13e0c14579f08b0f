//! Taps, scans and the worker's answers: Check in → needs → Done, a card scan straight to the
//! needs greeting the member (or today's sessions, `sessions.rs`), "Just visiting" at once, one
//! check-in at a time.

use super::{Card, Checked, Effect, Notice, Page, Saved, Visit};
use crate::domain::timetable::SessionId;
use crate::domain::{Language, Source, Visitor};
use crate::hub::CheckInRequest;
use crate::scanner::Scanned;

impl Visit {
    /// The needs screen, with one need already chosen when it was tapped on Welcome. An
    /// instant need ("Just visiting") checks in at once.
    pub(super) fn start_needs(&mut self, first: Option<usize>) -> Vec<Effect> {
        if let Some(i) = first {
            if self.is_instant(i) {
                return self.choose(i);
            }
            if self.is_sessions_need(i) {
                return self.ask(super::sessions::Asked::Welcome(i));
            }
            if let Some(c) = self.chosen.get_mut(i) {
                *c = true;
            }
        }
        self.page = Page::Needs;
        self.touched()
    }

    fn is_instant(&self, i: usize) -> bool {
        self.config
            .catalogue
            .iter()
            .nth(i)
            .is_some_and(|n| n.instant)
    }

    /// A tile on the needs screen: toggles it; an instant need completes on its own.
    pub(super) fn choose(&mut self, i: usize) -> Vec<Effect> {
        if self.busy {
            return Vec::new();
        }
        if self.is_instant(i) {
            let id = self
                .config
                .catalogue
                .iter()
                .nth(i)
                .map(|n| n.id.as_str().to_owned());
            return id.map(|id| self.submit(vec![id], None)).unwrap_or_default();
        }
        if self.is_sessions_need(i) && !self.chosen.get(i).copied().unwrap_or(true) {
            return self.ask(super::sessions::Asked::Needs(i));
        }
        if let Some(c) = self.chosen.get_mut(i) {
            *c = !*c;
        }
        Vec::new()
    }

    pub(super) fn chosen_ids(&self) -> Vec<String> {
        self.config
            .catalogue
            .iter()
            .zip(&self.chosen)
            .filter(|(_, c)| **c)
            .map(|(n, _)| n.id.as_str().to_owned())
            .collect()
    }

    pub(super) fn choose_language(&mut self, code: &str) -> Vec<Effect> {
        if self
            .config
            .site
            .languages
            .iter()
            .any(|l| l.as_str() == code)
        {
            self.language = code.to_owned();
        }
        Vec::new()
    }

    /// Back to Welcome, keeping the language and reading aids the visitor chose.
    pub(super) fn back(&mut self) -> Vec<Effect> {
        let (language, large, contrast) =
            (self.language.clone(), self.large_text, self.high_contrast);
        let mut effects = self.reset();
        // Kept unless a reloaded configuration no longer offers it.
        if self
            .config
            .site
            .languages
            .iter()
            .any(|l| l.as_str() == language)
        {
            self.language = language;
        }
        self.large_text = large;
        self.high_contrast = contrast;
        effects.extend(self.touched());
        effects
    }

    /// Saves the check-in (for `session`, if they chose one) on the worker; one at a time, so
    /// a double tap makes one check-in.
    pub(super) fn submit(&mut self, needs: Vec<String>, session: Option<SessionId>) -> Vec<Effect> {
        if (needs.is_empty() && session.is_none()) || self.busy {
            return Vec::new();
        }
        self.busy = true;
        let member = self.member.clone();
        let request = CheckInRequest {
            source: if member.is_some() {
                Source::Card
            } else {
                Source::Touchscreen
            },
            visitor: member.map_or(Visitor::Anonymous, Visitor::Member),
            needs: needs.clone(),
            language: Language::new(&self.language).unwrap_or_else(|_| Language::english()),
            priority: false,
            session,
            interpreter: self.interpreter,
        };
        self.submitted = needs;
        vec![Effect::CheckIn {
            generation: self.generation,
            request,
        }]
    }

    /// The worker saved (or did not save) the check-in.
    pub(super) fn saved(&mut self, saved: Saved) -> Vec<Effect> {
        match saved {
            Saved::Yes(checked) => self.show_done(checked),
            Saved::Repeat(minutes) => {
                let effects = self.reset();
                self.notice = Notice::CardRepeat(minutes);
                effects
            }
            Saved::Failed(_) => {
                self.busy = false;
                self.notice = Notice::Failed;
                Vec::new()
            }
        }
    }

    fn show_done(&mut self, checked: Checked) -> Vec<Effect> {
        self.checked = Some(checked);
        self.notice = Notice::None;
        self.busy = false;
        self.page = Page::Done;
        self.done_shown()
    }

    /// A keyboard-wedge key: a line typed fast and ended with Enter is a scan.
    pub(super) fn key(&mut self, text: &str, ms: u64) -> Vec<Effect> {
        if !self.config.scanner.keyboard {
            return Vec::new();
        }
        match self.wedge.key(text, ms) {
            Some(scan) => self.scanned(scan),
            None => Vec::new(),
        }
    }

    /// A scan from either scanner: checked on the worker.
    pub(super) fn scanned(&mut self, scan: Scanned) -> Vec<Effect> {
        if self.busy {
            return Vec::new();
        }
        let mut effects = self.back();
        self.busy = true;
        effects.push(Effect::CheckCard {
            generation: self.generation,
            scan,
        });
        effects
    }

    /// A valid card goes to the needs screen greeting the member by number; anything else gets
    /// a calm word and the anonymous way on.
    pub(super) fn card(&mut self, card: Card) -> Vec<Effect> {
        self.busy = false;
        match card {
            Card::Member(member) => {
                self.member = Some(member);
                self.ask(super::sessions::Asked::Member)
            }
            Card::Repeat(minutes) => {
                self.notice = Notice::CardRepeat(minutes);
                self.touched()
            }
            Card::Expired | Card::Refused => {
                self.notice = if card == Card::Expired {
                    Notice::CardExpired
                } else {
                    Notice::CardRefused
                };
                self.start_needs(None)
            }
            Card::Lost => Vec::new(),
        }
    }
}
