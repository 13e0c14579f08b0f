//! Checking a visitor in: validate, save (with a ticket when they need a drop-in and the queue is
//! open, not paused, and a new visitor could still be seen before closing), then tell everyone.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::{Hub, HubError, HubResult};
use crate::domain::{CheckIn, Language, Source, Ticket, Visitor, WaitEstimate};
use crate::events::Event;
use crate::store::NewTicket;

/// What the screen, a card scan or a member of staff asks for.
#[derive(Clone, Debug)]
pub struct CheckInRequest {
    pub visitor: Visitor,
    /// Need ids as chosen; unknown ones refuse the whole check-in.
    pub needs: Vec<String>,
    pub language: Language,
    pub source: Source,
    /// Staff marked this visitor as a priority.
    pub priority: bool,
    /// The visitor asked for an interpreter (kept on the ticket).
    pub interpreter: bool,
}

/// Why a visitor who chose a drop-in need got no ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoTicket {
    /// Outside opening hours.
    Closed,
    /// Open, but even the shortest wait would end after closing.
    TooLate,
    /// Staff paused drop-ins.
    Paused,
}

/// A ticket with the visitor's place and wait.
#[derive(Clone, Debug, Serialize)]
pub struct TicketInfo {
    pub ticket: Ticket,
    /// 1 = next to be called.
    pub position: usize,
    pub estimate: WaitEstimate,
}

/// What happened.
#[derive(Clone, Debug, Serialize)]
pub struct CheckInOutcome {
    pub check_in_id: i64,
    pub ticket: Option<TicketInfo>,
    /// A drop-in need was chosen but no ticket was given, and why.
    pub no_ticket: Option<NoTicket>,
    /// When the hub opens next (site-local), for "come back at…".
    pub next_opening: Option<NaiveDateTime>,
}

impl Hub {
    /// Checks a visitor in. When this returns Ok the check-in is on disk.
    pub fn check_in(&self, req: CheckInRequest) -> HubResult<CheckInOutcome> {
        let at = self.now_for_write();
        let config = self.config();
        if req.source == Source::Card
            && let Some(member) = req.visitor.member()
        {
            let window = Duration::minutes(i64::from(config.cards.repeat_scan_minutes));
            if let Some(last) = self
                .store
                .last_member_check_in_ms(member.as_str(), at.utc - window)?
            {
                let minutes = (at.utc.timestamp_millis() - last).max(0) / 60_000;
                return Err(HubError::RepeatScan { minutes });
            }
        }
        let check_in = CheckIn::new(
            &config.catalogue,
            req.visitor,
            &req.needs,
            req.language,
            req.source,
            at,
        )?;
        let drop_ins = check_in.drop_in_needs(&config.catalogue);
        let local = self.local(check_in.at.utc);
        // Staff adding a walk-in by hand decide for themselves whether the queue is open.
        let refused = match drop_ins.first() {
            Some(_) if req.source != Source::StaffWalkIn => self.no_ticket_now(local)?,
            _ => None,
        };
        let new_ticket = match drop_ins.first() {
            Some(need) if refused.is_none() => Some(NewTicket {
                need: need.clone(),
                needs: check_in.needs.clone(),
                priority: req.priority,
                interpreter: req.interpreter,
                day: local.date(),
                prefix: config.queue.ticket_prefix,
            }),
            _ => None,
        };
        let receipt = self.store.record_check_in(&check_in, new_ticket)?;
        self.metrics.check_ins.inc(check_in.source.as_str());
        self.publish(Event::CheckedIn {
            check_in_id: receipt.check_in_id,
            member: check_in.visitor.member().is_some(),
            needs: check_in.needs.clone(),
            ticket: receipt.ticket.clone(),
        });
        let ticket = match receipt.ticket {
            Some(t) => Some(self.ticket_info(t)?),
            None => None,
        };
        Ok(CheckInOutcome {
            check_in_id: receipt.check_in_id,
            next_opening: match refused {
                Some(NoTicket::Closed | NoTicket::TooLate) => config.hours.next_opening(local),
                _ => None,
            },
            no_ticket: refused,
            ticket,
        })
    }

    /// Why a visitor at the screen would get no drop-in ticket now, if they would not.
    fn no_ticket_now(&self, local: NaiveDateTime) -> HubResult<Option<NoTicket>> {
        let config = self.config();
        if !config.hours.is_open(local) {
            return Ok(Some(NoTicket::Closed));
        }
        if self.store.pause()?.is_some() {
            return Ok(Some(NoTicket::Paused));
        }
        let next = self.queue_estimate()?;
        Ok(crate::domain::day::too_late(&config.hours, local, &next).then_some(NoTicket::TooLate))
    }
}
