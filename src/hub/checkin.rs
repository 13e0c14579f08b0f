//! Checking a visitor in: validate, save (with a ticket when they need a drop-in and the queue is
//! open, not paused, and a new visitor could still be seen before closing), then tell everyone.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::{Hub, HubError, HubResult};
use crate::domain::timetable::{Session, SessionId};
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
    /// The session (today's) they came for: they go on its register.
    pub session: Option<SessionId>,
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

/// The session a check-in was for, as the visitor is told.
#[derive(Clone, Debug, Serialize)]
pub struct AtSession {
    pub session: Session,
    /// On its register now, this visitor included.
    pub attendees: i64,
    /// More than its places: the visitor is in, and told it is a busy one.
    pub over_capacity: bool,
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
    pub session: Option<AtSession>,
}

impl Hub {
    /// Checks a visitor in. When this returns Ok the check-in is on disk.
    pub fn check_in(&self, req: CheckInRequest) -> HubResult<CheckInOutcome> {
        let at = self.now_for_write();
        let config = self.config();
        self.refuse_repeat_card(&req, at.utc)?;
        let local = self.local(at.utc);
        let mut needs = req.needs;
        let session = match &req.session {
            None => None,
            Some(id) => {
                if let Some((_, n)) = config.catalogue.sessions_need() {
                    needs.push(n.id.as_str().to_owned());
                }
                Some(self.session_for_check_in(id, local.date())?)
            }
        };
        let check_in = CheckIn::new(
            &config.catalogue,
            req.visitor,
            &needs,
            req.language,
            req.source,
            at,
        )?;
        let drop_ins = check_in.drop_in_needs(&config.catalogue);
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
        let receipt = self.store.record_visit(
            &check_in,
            new_ticket,
            session.as_ref().map(|s| (s, local.date())),
        )?;
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
        let session = session.map(|s| self.at_session(s)).transpose()?;
        Ok(CheckInOutcome {
            check_in_id: receipt.check_in_id,
            next_opening: match refused {
                Some(NoTicket::Closed | NoTicket::TooLate) => config.hours.next_opening(local),
                _ => None,
            },
            no_ticket: refused,
            ticket,
            session,
        })
    }
}

impl Hub {
    /// The same card again within `repeat_scan_minutes` checks in once.
    fn refuse_repeat_card(
        &self,
        req: &CheckInRequest,
        at: chrono::DateTime<chrono::Utc>,
    ) -> HubResult<()> {
        let Some(member) = req.visitor.member().filter(|_| req.source == Source::Card) else {
            return Ok(());
        };
        let window = Duration::minutes(i64::from(self.config().cards.repeat_scan_minutes));
        match self
            .store
            .last_member_check_in_ms(member.as_str(), at - window)?
        {
            Some(last) => Err(HubError::RepeatScan {
                minutes: (at.timestamp_millis() - last).max(0) / 60_000,
            }),
            None => Ok(()),
        }
    }

    /// A check-in for `s` is saved: the pages hear of it, the visitor hears where to go.
    fn at_session(&self, s: Session) -> HubResult<AtSession> {
        let r = self.register_changed(&s.id)?;
        Ok(AtSession {
            session: s,
            attendees: r.attendees,
            over_capacity: r.over_capacity,
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
