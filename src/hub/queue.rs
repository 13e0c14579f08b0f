//! The drop-in queue as staff and visitors see it: places, waits, and the moves advisors make.

use chrono::Duration;
use serde::Serialize;

use super::{Hub, HubResult};
use crate::config::Texts;
use crate::domain::day::Pause;
use crate::domain::day::{ClosingRules, Phase};
use crate::domain::estimate::estimate_wait;
use crate::domain::{
    Action, HelpRequest, NeedId, QueueError, Remit, Ticket, TicketState, WaitEstimate,
};
use crate::events::Event;

/// How far back service times count for the estimate.
const SERVICE_HISTORY_DAYS: i64 = 14;

/// One open ticket on the advisors' page.
#[derive(Clone, Debug, Serialize)]
pub struct QueueEntry {
    pub ticket: Ticket,
    /// Place in call order (waiting tickets only).
    pub position: Option<usize>,
    /// Minutes since joining.
    pub waited_minutes: i64,
}

/// The whole queue now.
#[derive(Clone, Debug, Serialize)]
pub struct QueueView {
    /// Waiting tickets in call order, then called ones.
    pub entries: Vec<QueueEntry>,
    pub waiting: usize,
    pub called: usize,
    pub advisors_on_duty: u32,
    /// What a visitor joining now would be told.
    pub estimate_for_next: WaitEstimate,
    pub open: bool,
    /// Where the day stands: open, closing soon, in the grace time after closing, closed.
    pub day: Phase,
    /// Drop-ins paused by staff, if they are.
    pub pause: Option<Pause>,
    /// Help requests nobody has acknowledged yet.
    pub help: Vec<HelpRequest>,
}

impl Hub {
    /// Advisors on duty, or the configured default when nobody has said.
    pub fn advisors_on_duty(&self) -> HubResult<u32> {
        let on = self.store.duty()?.iter().filter(|(_, on, _)| *on).count() as u32;
        Ok(if on == 0 {
            self.config().queue.advisors_default
        } else {
            on
        })
    }

    fn estimate_after(&self, ahead: &[NeedId]) -> HubResult<WaitEstimate> {
        let since = self.clock.now().utc - Duration::days(SERVICE_HISTORY_DAYS);
        let queue = &self.config().queue;
        let medians = self.store.service_medians(queue.service_samples, since)?;
        Ok(estimate_wait(
            ahead,
            &medians,
            i64::from(queue.default_service_minutes) * 60,
            self.advisors_on_duty()?,
        ))
    }

    /// What a visitor joining now would be told.
    pub(super) fn queue_estimate(&self) -> HubResult<WaitEstimate> {
        let now = self.clock.now().utc;
        let open = self.store.open_tickets()?;
        let ahead: Vec<NeedId> = self
            .settings()
            .policy
            .order(&open, now)
            .iter()
            .map(|t| t.need.clone())
            .collect();
        self.estimate_after(&ahead)
    }

    /// The times around closing, as configured.
    pub fn closing_rules(&self) -> ClosingRules {
        let config = self.config();
        let q = &config.queue;
        ClosingRules {
            warning: Duration::minutes(i64::from(q.closing_warning_minutes)),
            grace: Duration::minutes(i64::from(q.closing_grace_minutes)),
        }
    }

    /// A ticket's place and wait estimate now.
    pub fn ticket_info(&self, ticket: Ticket) -> HubResult<super::TicketInfo> {
        let now = self.clock.now().utc;
        let open = self.store.open_tickets()?;
        let order = self.settings().policy.order(&open, now);
        let index = order
            .iter()
            .position(|t| t.id == ticket.id)
            .unwrap_or(order.len());
        let ahead: Vec<NeedId> = order[..index].iter().map(|t| t.need.clone()).collect();
        Ok(super::TicketInfo {
            position: index + 1,
            estimate: self.estimate_after(&ahead)?,
            ticket,
        })
    }

    pub fn queue_view(&self) -> HubResult<QueueView> {
        let now = self.clock.now().utc;
        let open = self.store.open_tickets()?;
        let settings = self.settings();
        let order = settings.policy.order(&open, now);
        let waited = |t: &Ticket| (now - t.created).num_minutes().max(0);
        let mut entries: Vec<QueueEntry> = order
            .iter()
            .enumerate()
            .map(|(i, t)| QueueEntry {
                ticket: (*t).clone(),
                position: Some(i + 1),
                waited_minutes: waited(t),
            })
            .collect();
        entries.extend(
            open.iter()
                .filter(|t| t.state == TicketState::Called)
                .map(|t| QueueEntry {
                    ticket: t.clone(),
                    position: None,
                    waited_minutes: waited(t),
                }),
        );
        let ahead: Vec<NeedId> = order.iter().map(|t| t.need.clone()).collect();
        Ok(QueueView {
            waiting: order.len(),
            called: open.len() - order.len(),
            advisors_on_duty: self.advisors_on_duty()?,
            estimate_for_next: self.estimate_after(&ahead)?,
            open: self.is_open(),
            day: Phase::at(&self.config().hours, self.closing_rules(), self.local(now)),
            pause: self.store.pause()?,
            help: self.store.open_help()?,
            entries,
        })
    }

    /// The needs `desk` serves: its login's `needs`, or every need (tokens, logins without a list).
    pub fn remit_of(&self, desk: &str) -> Remit {
        self.config()
            .staff
            .logins
            .iter()
            .find(|l| l.name == desk)
            .map_or(Remit::All, |l| Remit::of(&l.needs))
    }

    /// Calls whoever is next within `desk`'s remit. `desk` is the caller's display name.
    pub fn call_next(&self, desk: &str) -> HubResult<Ticket> {
        let now = self.now_for_write();
        let remit = self.remit_of(desk);
        let t = self
            .store
            .call_next(desk, &remit, &self.settings().policy, now.utc)?;
        self.announce(&t, "call");
        Ok(t)
    }

    /// Applies an advisor's action to a ticket.
    pub fn act(&self, ticket_id: i64, action: Action) -> HubResult<Ticket> {
        let config = self.config();
        if let Action::Transfer { need } = &action
            && !config.catalogue.is_drop_in(need)
        {
            let drop_ins: Vec<_> = config
                .catalogue
                .iter()
                .filter(|n| n.drop_in)
                .map(|n| n.id.to_string())
                .collect();
            return Err(QueueError::NotDropIn(need.to_string(), drop_ins.join(", ")).into());
        }
        let now = self.now_for_write();
        let t = self.store.act(ticket_id, &action, now.utc)?;
        self.announce(&t, action.name());
        Ok(t)
    }

    /// Tells everyone a ticket moved; a call or recall also goes up on the screen.
    fn announce(&self, t: &Ticket, action: &str) {
        if matches!(action, "call" | "recall") {
            let desk = t.called_by.clone().unwrap_or_default();
            self.publish(Event::NowCalling {
                ticket: t.number.to_string(),
                location: self.location_of(&desk),
                language: t.language.clone(),
                desk,
            });
        }
        self.publish(Event::TicketChanged {
            ticket: t.clone(),
            action: action.into(),
        });
    }

    /// Today's most recent calls, newest first (the display page on opening).
    pub fn recent_calls(&self, limit: u32) -> HubResult<Vec<Ticket>> {
        Ok(self.store.recent_calls(self.today(), limit)?)
    }

    /// Where visitors go when `desk` calls them.
    pub fn location_of(&self, desk: &str) -> Texts {
        let config = self.config();
        config
            .staff
            .logins
            .iter()
            .find(|l| l.name == desk && !l.location.is_empty())
            .map(|l| l.location.clone())
            .unwrap_or_else(|| config.queue.default_location.clone())
    }

    /// Marks a staff member on duty or away; the count feeds the visitors' wait estimate.
    pub fn set_duty(&self, name: &str, on_duty: bool) -> HubResult<u32> {
        let now = self.now_for_write();
        self.store.set_duty(name, on_duty, now.utc)?;
        let n = self.advisors_on_duty()?;
        self.publish(Event::DutyChanged { on_duty: n });
        Ok(n)
    }
}
