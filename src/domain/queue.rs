//! The drop-in queue of one day: who is called next, each ticket's place, and an in-memory
//! queue that is the reference model the store is checked against.
//!
//! Fairness: first come, first served, unless a need (or a visitor marked as a priority) weighs
//! time waited more — then the score is minutes waited × weight, as Novo SGA settled on. With
//! equal weights the order is exactly the order of arrival.
//!
//! A caller may serve only some needs (its remit: a housing partner at Desk 3); "call next"
//! then calls the first ticket in that order whose need is within it.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};

use super::checkin::{Language, MemberId};
use super::needs::{Catalogue, NeedId};
use super::ticket::{Action, Ticket, TicketNumber, TicketState, TransitionError};

/// How to weigh time waited when choosing whom to call.
#[derive(Clone, Debug, PartialEq)]
pub struct CallPolicy {
    /// Weight per need (missing needs weigh 1.0).
    pub weights: Vec<(NeedId, f64)>,
    /// Extra factor for tickets marked as a priority.
    pub priority_factor: f64,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy {
            weights: Vec::new(),
            priority_factor: 2.0,
        }
    }
}

impl CallPolicy {
    pub fn from_catalogue(catalogue: &Catalogue, priority_factor: f64) -> Self {
        CallPolicy {
            weights: catalogue.iter().map(|n| (n.id.clone(), n.weight)).collect(),
            priority_factor,
        }
    }

    fn weight(&self, t: &Ticket) -> f64 {
        let need = self
            .weights
            .iter()
            .find(|(id, _)| *id == t.need)
            .map_or(1.0, |(_, w)| *w);
        need * if t.priority {
            self.priority_factor
        } else {
            1.0
        }
    }

    /// Minutes waited × weight.
    pub fn score(&self, t: &Ticket, now: DateTime<Utc>) -> f64 {
        let waited = (now - t.created).num_milliseconds().max(0) as f64 / 60_000.0;
        waited * self.weight(t)
    }

    /// Waiting tickets in the order they will be called: highest score, then oldest, then lowest number.
    pub fn order<'a>(
        &self,
        tickets: impl IntoIterator<Item = &'a Ticket>,
        now: DateTime<Utc>,
    ) -> Vec<&'a Ticket> {
        let mut waiting: Vec<&Ticket> = tickets
            .into_iter()
            .filter(|t| t.state == TicketState::Waiting)
            .collect();
        waiting.sort_by(|a, b| {
            self.score(b, now)
                .partial_cmp(&self.score(a, now))
                .unwrap_or(Ordering::Equal)
                .then(a.created.cmp(&b.created))
                .then(a.number.cmp(&b.number))
        });
        waiting
    }
}

/// The needs a caller serves: every one, or a list (`needs = [...]` on a login).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Remit {
    #[default]
    All,
    Needs(Vec<NeedId>),
}

impl Remit {
    /// A login's list: empty means every need.
    pub fn of(needs: &[NeedId]) -> Remit {
        if needs.is_empty() {
            Remit::All
        } else {
            Remit::Needs(needs.to_vec())
        }
    }

    pub fn serves(&self, need: &NeedId) -> bool {
        match self {
            Remit::All => true,
            Remit::Needs(list) => list.contains(need),
        }
    }

    /// The first ticket in `policy`'s call order within this remit.
    pub fn next<'a>(
        &self,
        policy: &CallPolicy,
        tickets: impl IntoIterator<Item = &'a Ticket>,
        now: DateTime<Utc>,
    ) -> Result<&'a Ticket, QueueError> {
        let order = policy.order(tickets, now);
        if order.is_empty() {
            return Err(QueueError::Empty);
        }
        order
            .into_iter()
            .find(|t| self.serves(&t.need))
            .ok_or_else(|| match self {
                Remit::All => QueueError::Empty,
                Remit::Needs(list) => QueueError::NoneInRemit(
                    list.iter()
                        .map(NeedId::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            })
    }
}

/// Why a queue operation was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    #[error("nobody is waiting")]
    Empty,
    #[error("nobody is waiting for {0}: call someone from the list, or show all")]
    NoneInRemit(String),
    #[error("there is no ticket {0} today")]
    UnknownTicket(String),
    #[error("`{0}` is not a drop-in need: choose one of {1}")]
    NotDropIn(String, String),
    #[error(transparent)]
    Transition(#[from] TransitionError),
}

/// One day's tickets held in memory: the reference model of the queue.
#[derive(Clone, Debug, Default)]
pub struct Queue {
    pub day: Option<NaiveDate>,
    pub tickets: Vec<Ticket>,
    pub prefix: char,
}

/// What joining the queue needs to know.
#[derive(Clone, Debug)]
pub struct Join {
    pub need: NeedId,
    pub needs: Vec<NeedId>,
    pub member: Option<MemberId>,
    pub priority: bool,
}

impl Queue {
    pub fn new(day: NaiveDate, prefix: char) -> Self {
        Queue {
            day: Some(day),
            tickets: Vec::new(),
            prefix,
        }
    }

    /// The next number of the day.
    pub fn next_number(&self) -> TicketNumber {
        TicketNumber {
            prefix: self.prefix,
            number: self
                .tickets
                .iter()
                .map(|t| t.number.number)
                .max()
                .unwrap_or(0)
                + 1,
        }
    }

    pub fn join(&mut self, join: Join, now: DateTime<Utc>) -> &Ticket {
        let number = self.next_number();
        self.tickets.push(Ticket {
            id: self.tickets.len() as i64 + 1,
            day: self.day.unwrap_or_else(|| now.date_naive()),
            number,
            need: join.need,
            needs: join.needs,
            member: join.member,
            priority: join.priority,
            language: Language::english(),
            interpreter: false,
            state: TicketState::Waiting,
            created: now,
            called: None,
            called_by: None,
            calls: 0,
            finished: None,
        });
        self.tickets.last().expect("just pushed")
    }

    /// Calls whoever is next under `policy` within `remit`.
    pub fn call_next(
        &mut self,
        desk: &str,
        remit: &Remit,
        policy: &CallPolicy,
        now: DateTime<Utc>,
    ) -> Result<&Ticket, QueueError> {
        let id = remit.next(policy, &self.tickets, now)?.id;
        self.act(id, &Action::Call { desk: desk.into() }, now)
    }

    pub fn act(
        &mut self,
        id: i64,
        action: &Action,
        now: DateTime<Utc>,
    ) -> Result<&Ticket, QueueError> {
        let slot = self
            .tickets
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| QueueError::UnknownTicket(format!("#{id}")))?;
        *slot = slot.apply(action, now)?;
        Ok(slot)
    }

    /// 1-based place of a waiting ticket in call order.
    pub fn position(&self, id: i64, policy: &CallPolicy, now: DateTime<Utc>) -> Option<usize> {
        policy
            .order(&self.tickets, now)
            .iter()
            .position(|t| t.id == id)
            .map(|p| p + 1)
    }

    pub fn count(&self, state: TicketState) -> usize {
        self.tickets.iter().filter(|t| t.state == state).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap()
    }

    fn join(q: &mut Queue, need: &str, priority: bool, at_min: i64) -> i64 {
        let need = NeedId::new(need).unwrap();
        q.join(
            Join {
                need: need.clone(),
                needs: vec![need],
                member: None,
                priority,
            },
            start() + Duration::minutes(at_min),
        )
        .id
    }

    #[test]
    fn equal_weights_call_in_order_of_arrival() {
        let mut q = Queue::new(start().date_naive(), 'A');
        let a = join(&mut q, "advisor", false, 0);
        let b = join(&mut q, "housing", false, 1);
        let policy = CallPolicy::default();
        let now = start() + Duration::minutes(10);
        assert_eq!(q.position(b, &policy, now), Some(2));
        let all = Remit::All;
        assert_eq!(q.call_next("Desk 1", &all, &policy, now).unwrap().id, a);
        assert_eq!(q.call_next("Desk 1", &all, &policy, now).unwrap().id, b);
        assert_eq!(
            q.call_next("Desk 1", &all, &policy, now),
            Err(QueueError::Empty)
        );
        assert_eq!(q.next_number().to_string(), "A 003");
    }

    #[test]
    fn a_priority_overtakes_once_its_weighted_wait_is_longer() {
        let mut q = Queue::new(start().date_naive(), 'A');
        let early = join(&mut q, "advisor", false, 0);
        let urgent = join(&mut q, "advisor", true, 4);
        let policy = CallPolicy::default();
        // At 6 min: early waited 6, urgent 2×2=4 → early first.
        assert_eq!(
            q.position(early, &policy, start() + Duration::minutes(6)),
            Some(1)
        );
        // At 10 min: early 10, urgent 2×6=12 → urgent first.
        assert_eq!(
            q.position(urgent, &policy, start() + Duration::minutes(10)),
            Some(1)
        );
    }

    #[test]
    fn call_next_within_a_remit_skips_other_needs_but_keeps_their_order() {
        let mut q = Queue::new(start().date_naive(), 'A');
        let money = join(&mut q, "money", false, 0);
        let housing = join(&mut q, "housing", false, 1);
        let later_housing = join(&mut q, "housing", false, 2);
        let policy = CallPolicy::default();
        let now = start() + Duration::minutes(10);
        let desk3 = Remit::of(&[NeedId::new("housing").unwrap()]);
        assert_eq!(
            q.call_next("Desk 3", &desk3, &policy, now).unwrap().id,
            housing
        );
        assert_eq!(
            q.call_next("Desk 3", &desk3, &policy, now).unwrap().id,
            later_housing
        );
        assert_eq!(
            q.call_next("Desk 3", &desk3, &policy, now)
                .unwrap_err()
                .to_string(),
            "nobody is waiting for housing: call someone from the list, or show all"
        );
        assert_eq!(Remit::of(&[]), Remit::All);
        assert_eq!(
            q.call_next("Desk 1", &Remit::All, &policy, now).unwrap().id,
            money
        );
    }
}
