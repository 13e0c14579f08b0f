//! The audit log's entry point: every staff action reaches `Hub::audit` once it is done — the
//! staff server's routes through one hook (`crate::staff::audit`), signing in from its form.
//! The hub stamps the time; a row that cannot be written is logged, and the action stands.

use super::{Hub, HubResult};
use crate::store::{AuditEntry, AuditFilter, AuditRow, AuditVia};

/// A staff action to record: who, how they were recognised, what, on what, from where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffAction {
    pub actor: String,
    pub via: AuditVia,
    pub action: String,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub client: Option<String>,
}

/// Longest text kept in a column: what a person typed is cut, never refused.
const MAX_TEXT: usize = 200;

fn cut(s: String) -> String {
    if s.chars().count() <= MAX_TEXT {
        s
    } else {
        s.chars().take(MAX_TEXT).collect()
    }
}

impl Hub {
    /// Records one staff action now.
    pub fn audit(&self, a: StaffAction) -> HubResult<()> {
        let now = self.now();
        let entry = AuditEntry {
            at: now.utc,
            actor: cut(a.actor),
            via: a.via,
            action: cut(a.action),
            subject: a.subject.map(cut),
            detail: a.detail.map(cut),
            client: a.client.map(cut),
        };
        if let Err(e) = self.store.append_audit(&entry) {
            tracing::error!(
                actor = %entry.actor,
                action = %entry.action,
                "the audit log could not record a staff action: {e}"
            );
            return Err(e.into());
        }
        Ok(())
    }

    /// The people and actions the log has rows for, each sorted: the filter's choices.
    pub fn audit_choices(&self) -> HubResult<(Vec<String>, Vec<String>)> {
        Ok(self.store.audit_choices()?)
    }

    /// The newest `limit` rows of the audit log that match `filter`.
    pub fn audit_rows(&self, filter: &AuditFilter, limit: usize) -> HubResult<Vec<AuditRow>> {
        Ok(self.store.audit_rows(filter, limit)?)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Duration;

    use super::*;
    use crate::clock::{Clock, ManualClock};
    use crate::config::Config;
    use crate::events::EventBus;
    use crate::store::Store;

    fn action(what: &str) -> StaffAction {
        StaffAction {
            actor: "Sam Patel".into(),
            via: AuditVia::Session,
            action: what.into(),
            subject: Some("ticket A 001".into()),
            detail: Some("x".repeat(500)),
            client: Some("10.0.0.7".into()),
        }
    }

    #[test]
    fn rows_are_kept_audit_days_then_purged_by_housekeeping() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[site]\nid = \"t\"\nname = \"T\"\n[kiosk]\naudit_days = 60\n";
        let config = Config::parse(text, "test").unwrap();
        let store = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
        let hub = Hub::new(
            Arc::new(config),
            Arc::new(store),
            clock.clone(),
            EventBus::new(),
        );
        hub.audit(action("call")).unwrap();
        let rows = hub.audit_rows(&AuditFilter::default(), 10).unwrap();
        assert_eq!(rows[0].entry.at, clock.now().utc);
        assert_eq!(
            rows[0].entry.detail.as_ref().unwrap().len(),
            MAX_TEXT,
            "cut, not refused"
        );

        clock.advance(Duration::days(59));
        hub.audit(action("seen")).unwrap();
        hub.housekeeping().unwrap();
        assert_eq!(
            hub.audit_rows(&AuditFilter::default(), 10).unwrap().len(),
            2
        );
        clock.advance(Duration::days(2));
        let done = hub.housekeeping().unwrap();
        assert_eq!(done.purged_rows, 1, "{done:?}");
        let left = hub.audit_rows(&AuditFilter::default(), 10).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].entry.action, "seen");
    }
}
