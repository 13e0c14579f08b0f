//! "I need to talk to someone now", on every screen: one tap shows the help screen at once
//! (nothing to wait for: the numbers are configured) and raises the alert on the worker. The
//! screen then follows what happens to that alert: staff acknowledged it ("someone is on their
//! way"), or nobody did in time — or it could not be raised — and the visitor is asked to go to
//! reception. The help screen never counts down while nobody has answered: a person in distress
//! is not rushed; once staff acknowledged it, it forgets the visitor like any other screen.

use super::{Effect, HelpState, Page, Timer, Visit};

impl Visit {
    /// The help button: the help screen, and the alert raised on the worker (once).
    pub(super) fn ask_for_help(&mut self) -> Vec<Effect> {
        self.page = Page::Help;
        self.countdown = 0;
        let mut effects = vec![
            Effect::Stop(Timer::Idle),
            Effect::Stop(Timer::Countdown),
            Effect::Stop(Timer::Done),
        ];
        if self.help == HelpState::None {
            self.help = HelpState::Sending;
            effects.push(Effect::RequestHelp {
                generation: self.generation,
            });
        }
        effects
    }

    /// The worker raised the request, or could not: then reception is the way.
    pub(super) fn help_answered(&mut self, raised: Option<i64>) -> Vec<Effect> {
        if self.help != HelpState::Sending {
            return Vec::new();
        }
        self.help = match raised {
            Some(id) => HelpState::Alerted(id),
            None => HelpState::Escalated(None),
        };
        Vec::new()
    }

    /// Nobody acknowledged request `id` in time.
    pub(super) fn help_escalated(&mut self, id: i64) -> Vec<Effect> {
        if self.help == HelpState::Alerted(id) {
            self.help = HelpState::Escalated(Some(id));
        }
        Vec::new()
    }

    /// A member of staff is on their way; from now the screen forgets the visitor as usual.
    pub(super) fn help_acknowledged(&mut self, id: i64) -> Vec<Effect> {
        let mine =
            matches!(self.help, HelpState::Alerted(i) | HelpState::Escalated(Some(i)) if i == id);
        if !mine {
            return Vec::new();
        }
        self.help = HelpState::Acknowledged;
        self.touched()
    }

    /// Whether the screen may count down and forget the visitor now.
    pub(super) fn may_forget(&self) -> bool {
        self.page != Page::Help || self.help == HelpState::Acknowledged
    }

    pub fn help(&self) -> HelpState {
        self.help
    }
}
