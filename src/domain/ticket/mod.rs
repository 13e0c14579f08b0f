//! A drop-in ticket and the moves it may make.
//!
//! ```text
//! waiting ──call──▶ called ──seen──▶ seen
//!    ▲  │             │ ▲ └─no-show─▶ no-show ─requeue─┐
//!    │  │             │ └──recall──┘                  │
//!    │  ├─left/come back─┴─left/come back─▶ left / come back
//!    │  └─close (the clock, waiting only)─▶ closed      │
//!    └───────────────────────────requeue───────────────┘
//! ```
//! Transfer moves a waiting or called ticket to another need, back to waiting, keeping its
//! place (its creation time). The waiting time is last call − created, as Qmatic counts it.
//! The clock closes only waiting tickets: someone already called is with an advisor, and only
//! staff finish that ticket. "Come back" is staff asking a waiting visitor to return another
//! day (at closing, when nobody else can be seen).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::checkin::{Language, MemberId};
use super::needs::NeedId;

/// A ticket number easy to say aloud: a letter and three digits, "A 014".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TicketNumber {
    pub prefix: char,
    pub number: u32,
}

impl TicketNumber {
    /// Parses "A 014", "A014" or "a-14".
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let mut chars = s.chars();
        let prefix = chars.next()?.to_ascii_uppercase();
        if !prefix.is_ascii_uppercase() {
            return None;
        }
        let digits = chars.as_str().trim_start_matches([' ', '-']);
        if digits.is_empty() || digits.len() > 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(TicketNumber {
            prefix,
            number: digits.parse().ok()?,
        })
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:03}", self.prefix, self.number)
    }
}

/// Where a ticket is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    Waiting,
    Called,
    Seen,
    NoShow,
    /// The visitor left, or staff removed the ticket.
    Left,
    /// Still waiting when the clock closed the queue (closing time plus the grace time).
    Closed,
    /// Staff asked the visitor to come back another day.
    ComeBack,
}

impl TicketState {
    pub const ALL: [TicketState; 7] = [
        TicketState::Waiting,
        TicketState::Called,
        TicketState::Seen,
        TicketState::NoShow,
        TicketState::Left,
        TicketState::Closed,
        TicketState::ComeBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Seen => "seen",
            TicketState::NoShow => "no_show",
            TicketState::Left => "left",
            TicketState::Closed => "closed",
            TicketState::ComeBack => "come_back",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Still in the queue (waiting or called).
    pub fn is_open(self) -> bool {
        matches!(self, TicketState::Waiting | TicketState::Called)
    }
}

/// What staff (or the closing clock) do to a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Call {
        desk: String,
    },
    Recall {
        desk: String,
    },
    Seen,
    NoShow,
    Left,
    Requeue,
    Transfer {
        need: NeedId,
    },
    /// Staff ask the visitor to come back another day.
    ComeBack,
    /// The clock closes a ticket still waiting past closing time and the grace time.
    Close,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Call { .. } => "call",
            Action::Recall { .. } => "recall",
            Action::Seen => "seen",
            Action::NoShow => "no_show",
            Action::Left => "left",
            Action::Requeue => "requeue",
            Action::Transfer { .. } => "transfer",
            Action::ComeBack => "come_back",
            Action::Close => "close",
        }
    }
}

/// Why a move was refused; the ticket is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("ticket {ticket} was already called by {by}")]
    AlreadyCalled { ticket: TicketNumber, by: String },
    #[error("ticket {ticket} has not been called yet: call it first")]
    NotCalled { ticket: TicketNumber },
    #[error("ticket {ticket} is {state} and cannot be {action}")]
    Finished {
        ticket: TicketNumber,
        state: &'static str,
        action: &'static str,
    },
    #[error("ticket {ticket} is already waiting for {need}")]
    SameNeed { ticket: TicketNumber, need: NeedId },
}

/// One visitor's place in the drop-in queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: i64,
    /// The site-local day the number belongs to.
    pub day: NaiveDate,
    pub number: TicketNumber,
    /// The need whose queue it is in (the first drop-in need chosen, or a transfer's target).
    pub need: NeedId,
    /// Every need chosen at check-in, for the advisor.
    pub needs: Vec<NeedId>,
    pub member: Option<MemberId>,
    /// Staff marked this visitor as a priority (time waited counts more).
    pub priority: bool,
    /// The language the visitor used at the kiosk: calls are shown in it too.
    pub language: Language,
    /// The visitor asked for an interpreter.
    pub interpreter: bool,
    pub state: TicketState,
    pub created: DateTime<Utc>,
    /// The last call, if any.
    pub called: Option<DateTime<Utc>>,
    /// Who made the last call (advisor or desk display name).
    pub called_by: Option<String>,
    pub calls: u32,
    /// When it reached seen, no-show, left or closed.
    pub finished: Option<DateTime<Utc>>,
}

impl Ticket {
    /// The ticket after `action` at `now`, or why not.
    pub fn apply(&self, action: &Action, now: DateTime<Utc>) -> Result<Ticket, TransitionError> {
        use TicketState::*;
        let mut t = self.clone();
        let refuse = || TransitionError::Finished {
            ticket: self.number,
            state: self.state.as_str(),
            action: match action {
                Action::Call { .. } => "called",
                Action::Recall { .. } => "recalled",
                Action::Seen => "marked seen",
                Action::NoShow => "marked no-show",
                Action::Left => "marked as left",
                Action::Requeue => "requeued",
                Action::Transfer { .. } => "transferred",
                Action::ComeBack => "asked to come back",
                Action::Close => "closed",
            },
        };
        match (action, self.state) {
            (Action::Call { desk }, Waiting) | (Action::Recall { desk }, Called) => {
                t.state = Called;
                t.called = Some(now);
                t.called_by = Some(desk.clone());
                t.calls += 1;
            }
            (Action::Call { .. }, Called) => {
                return Err(TransitionError::AlreadyCalled {
                    ticket: self.number,
                    by: self.called_by.clone().unwrap_or_default(),
                });
            }
            (Action::Recall { .. } | Action::Seen | Action::NoShow, Waiting) => {
                return Err(TransitionError::NotCalled {
                    ticket: self.number,
                });
            }
            (Action::Seen, Called) => t.finish(Seen, now),
            (Action::NoShow, Called) => t.finish(NoShow, now),
            (Action::Left, Waiting | Called) => t.finish(Left, now),
            (Action::ComeBack, Waiting | Called) => t.finish(ComeBack, now),
            (Action::Close, Waiting) => t.finish(Closed, now),
            (Action::Requeue, NoShow | Called) => {
                t.state = Waiting;
                t.called_by = None;
                t.finished = None;
            }
            (Action::Transfer { need }, Waiting | Called) => {
                if *need == self.need && self.state == Waiting {
                    return Err(TransitionError::SameNeed {
                        ticket: self.number,
                        need: need.clone(),
                    });
                }
                t.need = need.clone();
                if !t.needs.contains(need) {
                    t.needs.push(need.clone());
                }
                t.state = Waiting;
                t.called_by = None;
            }
            _ => return Err(refuse()),
        }
        Ok(t)
    }

    fn finish(&mut self, state: TicketState, now: DateTime<Utc>) {
        self.state = state;
        self.finished = Some(now);
    }

    /// Time from joining to the last call: the waiting time reported in footfall.
    pub fn waited(&self) -> Option<chrono::Duration> {
        self.called
            .map(|c| (c - self.created).max(chrono::Duration::zero()))
    }

    /// Time from the last call to seen: one sample of service time.
    pub fn service_time(&self) -> Option<chrono::Duration> {
        match (self.state, self.called, self.finished) {
            (TicketState::Seen, Some(c), Some(f)) => Some((f - c).max(chrono::Duration::zero())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
