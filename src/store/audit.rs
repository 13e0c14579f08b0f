//! The audit log: one row per staff action — who (a named login or token), what, on which
//! ticket or course session, when and from which device. Rows are only added, and deleted
//! after `audit_days`; a trigger refuses any change to one. Managers read it on the status
//! page, filtered by person, action and dates, or as CSV for an investigation.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use super::rows::{from_ms, ms};
use super::{Result, Store};

/// How the person was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditVia {
    /// A signed-in browser session.
    Session,
    /// An API token.
    Token,
    /// The sign-in form itself (signing in, or failing to).
    SignIn,
    /// A configuration reload (`systemctl reload`): who may sign in changed.
    Reload,
}

impl AuditVia {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditVia::Session => "session",
            AuditVia::Token => "token",
            AuditVia::SignIn => "sign-in",
            AuditVia::Reload => "reload",
        }
    }

    fn parse(s: &str) -> AuditVia {
        match s {
            "token" => AuditVia::Token,
            "sign-in" => AuditVia::SignIn,
            "reload" => AuditVia::Reload,
            _ => AuditVia::Session,
        }
    }
}

/// One staff action, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The login's or token's name.
    pub actor: String,
    pub via: AuditVia,
    /// `sign-in`, `call`, `seen`, `walk-in`, `duty`…
    pub action: String,
    /// The ticket ("ticket A 014") or course session it was about.
    pub subject: Option<String>,
    /// What else tells the story: "to housing", "on duty".
    pub detail: Option<String>,
    /// The device's IP address.
    pub client: Option<String>,
}

/// A stored row: its number and the entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub id: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// Which rows to read; `None` is "any".
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// From this instant (inclusive) up to `until` (exclusive).
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, at_ms, actor, via, action, subject, detail, client";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    let via: String = r.get(3)?;
    Ok(AuditRow {
        id: r.get(0)?,
        entry: AuditEntry {
            at: from_ms(r.get(1)?),
            actor: r.get(2)?,
            via: AuditVia::parse(&via),
            action: r.get(4)?,
            subject: r.get(5)?,
            detail: r.get(6)?,
            client: r.get(7)?,
        },
    })
}

impl Store {
    /// Adds one row; its id.
    pub fn append_audit(&self, e: &AuditEntry) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO audit (at_ms, actor, via, action, subject, detail, client)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    ms(e.at),
                    e.actor,
                    e.via.as_str(),
                    e.action,
                    e.subject,
                    e.detail,
                    e.client
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// The newest `limit` rows that match, newest first.
    pub fn audit_rows(&self, f: &AuditFilter, limit: usize) -> Result<Vec<AuditRow>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit
             WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2)
               AND (?3 IS NULL OR at_ms >= ?3) AND (?4 IS NULL OR at_ms < ?4)
             ORDER BY at_ms DESC, id DESC LIMIT ?5"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    f.actor,
                    f.action,
                    f.since.map(ms),
                    f.until.map(ms),
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The people and the actions in the log, for the filter's choices.
    pub fn audit_choices(&self) -> Result<(Vec<String>, Vec<String>)> {
        let conn = self.conn()?;
        let list = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = conn.prepare_cached(sql)?;
            let out = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(out)
        };
        Ok((
            list("SELECT DISTINCT actor FROM audit ORDER BY actor")?,
            list("SELECT DISTINCT action FROM audit ORDER BY action")?,
        ))
    }

    /// Deletes rows from before `cutoff`; how many.
    pub fn purge_audit_before(&self, cutoff: DateTime<Utc>) -> Result<usize> {
        self.write(|tx| Ok(tx.execute("DELETE FROM audit WHERE at_ms < ?1", [ms(cutoff)])?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn entry(actor: &str, action: &str, at: DateTime<Utc>) -> AuditEntry {
        AuditEntry {
            at,
            actor: actor.into(),
            via: AuditVia::Session,
            action: action.into(),
            subject: Some("ticket A 001".into()),
            detail: None,
            client: Some("10.0.0.7".into()),
        }
    }

    #[test]
    fn rows_are_filtered_purged_and_never_changed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let now = Utc::now();
        let old = now - Duration::days(500);
        store
            .append_audit(&entry("Sam Patel", "call", old))
            .unwrap();
        store
            .append_audit(&entry("Sam Patel", "seen", now))
            .unwrap();
        let id = store
            .append_audit(&entry("Ola Nowak", "call", now))
            .unwrap();
        let all = store.audit_rows(&AuditFilter::default(), 10).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, id, "newest first");
        let sam = AuditFilter {
            actor: Some("Sam Patel".into()),
            ..Default::default()
        };
        assert_eq!(store.audit_rows(&sam, 10).unwrap().len(), 2);
        let calls_today = AuditFilter {
            action: Some("call".into()),
            since: Some(now - Duration::days(1)),
            ..Default::default()
        };
        let rows = store.audit_rows(&calls_today, 10).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].entry.actor, "Ola Nowak");
        let (people, actions) = store.audit_choices().unwrap();
        assert_eq!(people, ["Ola Nowak", "Sam Patel"]);
        assert_eq!(actions, ["call", "seen"]);

        let e = store
            .pragma_for_tests("UPDATE audit SET actor = 'someone else'")
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");

        assert_eq!(
            store.purge_audit_before(now - Duration::days(400)).unwrap(),
            1
        );
        assert_eq!(
            store.audit_rows(&AuditFilter::default(), 10).unwrap().len(),
            2
        );
    }
}
