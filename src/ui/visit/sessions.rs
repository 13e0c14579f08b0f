//! "Which session are you here for?": choosing the need that has sessions (on Welcome or the
//! needs screen), or scanning a card, asks what is on now. With nothing on, the screen goes on
//! as before. Otherwise it shows today's sessions in progress or starting soon; one tap on one
//! checks the visitor in for it (with any needs already chosen), "Something else" goes on as
//! before. After a session check-in the done screen shows the same sessions, so the next
//! student in a crowd is done in one tap.

use super::{Effect, Page, Visit};
use crate::domain::timetable::SessionId;

/// What led to the question, and so where "Something else" and Back go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Asked {
    /// The need's tile (at this position) on Welcome.
    Welcome(usize),
    /// The need's tile on the needs screen.
    Needs(usize),
    /// A member's card.
    Member,
}

impl Visit {
    /// Whether the need at `i` is the one with sessions ("courses").
    pub(super) fn is_sessions_need(&self, i: usize) -> bool {
        self.config
            .catalogue
            .iter()
            .nth(i)
            .is_some_and(|n| n.sessions)
    }

    pub(super) fn ask(&mut self, asked: Asked) -> Vec<Effect> {
        if self.busy {
            return Vec::new();
        }
        self.asked = Some(asked);
        vec![Effect::FindSessions {
            generation: self.generation,
        }]
    }

    /// What is on now came back: show it, or carry on as if there were no timetable.
    pub(super) fn found(&mut self, on_now: super::OnNow) -> Vec<Effect> {
        let Some(asked) = self.asked else {
            return Vec::new();
        };
        let nothing = on_now.is_empty();
        self.on_now = on_now;
        if nothing {
            return self.carry_on(asked);
        }
        self.page = Page::Sessions;
        self.touched()
    }

    /// The way without a session: the needs screen, with the need chosen if it was tapped.
    fn carry_on(&mut self, asked: Asked) -> Vec<Effect> {
        self.asked = None;
        if let Asked::Welcome(i) | Asked::Needs(i) = asked
            && let Some(c) = self.chosen.get_mut(i)
        {
            *c = true;
        }
        self.page = Page::Needs;
        self.touched()
    }

    /// A session tile: check in for it, with whatever else was chosen.
    pub(super) fn pick_session(&mut self, i: usize) -> Vec<Effect> {
        if self.page != Page::Sessions {
            return Vec::new();
        }
        let Some(id) = self
            .on_now
            .open
            .get(i)
            .and_then(|o| SessionId::parse(&o.id))
        else {
            return Vec::new();
        };
        let needs = self.chosen_ids();
        self.submit(needs, Some(id))
    }

    pub(super) fn something_else(&mut self) -> Vec<Effect> {
        match (self.page, self.asked) {
            (Page::Sessions, Some(asked)) if !self.busy => self.carry_on(asked),
            _ => Vec::new(),
        }
    }

    /// Back from the sessions: to the needs screen if that is where they came from, else to
    /// Welcome.
    pub(super) fn go_back(&mut self) -> Vec<Effect> {
        if self.page == Page::Sessions && matches!(self.asked, Some(Asked::Needs(_))) {
            self.asked = None;
            self.page = Page::Needs;
            return self.touched();
        }
        self.back()
    }

    /// A session tile on the done screen: the next student, checked in for it at once.
    pub(super) fn next_session(&mut self, i: usize) -> Vec<Effect> {
        if self.busy {
            return Vec::new();
        }
        let Some(id) = self
            .next_sessions()
            .get(i)
            .and_then(|o| SessionId::parse(&o.id))
        else {
            return Vec::new();
        };
        let on_now = self.on_now.clone();
        let mut effects = self.reset();
        self.on_now = on_now;
        effects.extend(self.submit(Vec::new(), Some(id)));
        effects
    }
}
