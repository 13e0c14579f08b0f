//! A day's sessions: each series expanded in its own zone's wall-clock time (so a 10:00 class
//! stays at 10:00 when the clocks change), without its EXDATEs, with its RDATEs, and with each
//! changed instance (RECURRENCE-ID) in place of the one it changes.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

use super::{Series, Session, SessionId, Timetable};

impl Series {
    /// Wall-clock starts of this series between `lo` and `hi` (wall time in its zone).
    fn starts(&self, lo: NaiveDateTime, hi: NaiveDateTime) -> Vec<NaiveDateTime> {
        match &self.rule {
            None => vec![self.start],
            Some(rule) => rule.starts(lo, hi),
        }
    }
}

impl Timetable {
    fn instance(
        &self,
        s: &Series,
        original: DateTime<Utc>,
        starts: DateTime<Utc>,
        cancelled: bool,
    ) -> Session {
        let day = starts.with_timezone(&self.site).date_naive();
        Session {
            id: SessionId::of(day, &s.uid, original),
            title: s.title.clone(),
            room: s.room.clone(),
            starts,
            ends: starts + s.length,
            capacity: s.capacity,
            cancelled,
            line: s.line,
        }
    }

    /// Every session starting in `[from, to)`, by start then title.
    pub fn sessions_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Session> {
        let mut out = Vec::new();
        for s in &self.series {
            let lo = s.zone.to_local(from) - Duration::days(1);
            let hi = s.zone.to_local(to) + Duration::days(1);
            for wall in s.starts(lo, hi) {
                let original = s.zone.to_utc(wall);
                if original < from
                    || original >= to
                    || self.changed.contains_key(&(s.uid.clone(), original))
                {
                    continue;
                }
                out.push(self.instance(s, original, original, s.cancelled));
            }
        }
        for ((uid, original), c) in &self.changed {
            let starts = c.zone.to_utc(c.start);
            if starts < from || starts >= to {
                continue;
            }
            let master_cancelled = self.series.iter().any(|m| m.uid == *uid && m.cancelled);
            out.push(self.instance(c, *original, starts, c.cancelled || master_cancelled));
        }
        out.sort_by(|a, b| (a.starts, &a.title).cmp(&(b.starts, &b.title)));
        out
    }

    /// Every session on the site-local `day`.
    pub fn sessions_on(&self, day: NaiveDate) -> Vec<Session> {
        let midnight = |d: NaiveDate| {
            super::Zone::Named(self.site).to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default())
        };
        self.sessions_between(midnight(day), midnight(day + Duration::days(1)))
    }

    /// The session with this id, if the timetable has it on its day.
    pub fn session(&self, id: &SessionId) -> Option<Session> {
        self.sessions_on(id.day()).into_iter().find(|s| s.id == *id)
    }
}
