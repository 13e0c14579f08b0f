//! "I need to talk to someone now": a visitor's request for a person, raised by one tap on the
//! screen. It records nothing about who asked — only when, whether it escalated (nobody
//! acknowledged it in time) and which signed-in member of staff acknowledged it, and when.
//!
//! ```text
//! raised ──(escalation time, nobody acknowledged)──▶ escalated
//!    │                                                  │
//!    └────────────acknowledge (who, when)───────────────┴──▶ acknowledged
//! ```

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Who acknowledged a help request, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Acknowledged {
    /// The signed-in login's display name.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One help request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HelpRequest {
    pub id: i64,
    pub raised: DateTime<Utc>,
    /// When it escalated, if nobody acknowledged it within the escalation time.
    pub escalated: Option<DateTime<Utc>>,
    pub acknowledged: Option<Acknowledged>,
}

/// Why an acknowledgement was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelpError {
    #[error("there is no help request {0}")]
    Unknown(i64),
    #[error("this help request was already acknowledged by {by}: they are on their way")]
    AlreadyAcknowledged { by: String },
}

impl HelpRequest {
    /// Nobody has acknowledged it yet.
    pub fn is_open(&self) -> bool {
        self.acknowledged.is_none()
    }

    /// Open, not yet escalated, and raised at least `after` ago.
    pub fn due_to_escalate(&self, now: DateTime<Utc>, after: Duration) -> bool {
        self.is_open() && self.escalated.is_none() && now - self.raised >= after
    }

    /// The request acknowledged by `by` at `now`, or why not.
    pub fn acknowledge(&self, by: &str, now: DateTime<Utc>) -> Result<HelpRequest, HelpError> {
        if let Some(a) = &self.acknowledged {
            return Err(HelpError::AlreadyAcknowledged { by: a.by.clone() });
        }
        Ok(HelpRequest {
            acknowledged: Some(Acknowledged {
                by: by.to_owned(),
                at: now,
            }),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u32) -> DateTime<Utc> {
        "2026-11-23T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(s.into())
    }

    #[test]
    fn a_request_escalates_once_unless_acknowledged_and_is_acknowledged_once() {
        let r = HelpRequest {
            id: 1,
            raised: at(0),
            escalated: None,
            acknowledged: None,
        };
        let after = Duration::seconds(90);
        assert!(!r.due_to_escalate(at(89), after));
        assert!(r.due_to_escalate(at(90), after));
        let escalated = HelpRequest {
            escalated: Some(at(90)),
            ..r.clone()
        };
        assert!(!escalated.due_to_escalate(at(200), after), "only once");
        let done = escalated.acknowledge("Desk 1", at(120)).unwrap();
        assert!(!done.is_open());
        assert_eq!(done.acknowledged.as_ref().unwrap().by, "Desk 1");
        assert!(!done.due_to_escalate(at(500), after));
        assert_eq!(
            done.acknowledge("Desk 2", at(121)).unwrap_err().to_string(),
            "this help request was already acknowledged by Desk 1: they are on their way"
        );
    }
}
