//! Recovery College sessions: the day's sessions from the timetable in use (with places from
//! `[courses] capacity` where the calendar gives none), what the screen offers now, and the
//! registers tutors keep — a student added or taken off by staff, counted like a check-in.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::{Hub, HubError, HubResult};
use crate::domain::MemberId;
use crate::domain::timetable::{Offered, Session, SessionId, offered};
use crate::events::Event;
use crate::store::{Added, Kept, Register};

/// A session with its register, as the staff pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct SessionRegister {
    pub id: SessionId,
    pub title: String,
    pub room: Option<String>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub capacity: Option<u32>,
    pub cancelled: bool,
    /// Still in the timetable in use (a register outlives a session taken out of it).
    pub in_timetable: bool,
    #[serde(flatten)]
    pub register: Register,
    /// Everyone on the register.
    pub attendees: i64,
    pub over_capacity: bool,
}

impl SessionRegister {
    fn new(s: Session, in_timetable: bool, register: Register) -> SessionRegister {
        let attendees = register.total();
        SessionRegister {
            over_capacity: s.capacity.is_some_and(|c| attendees > i64::from(c)),
            id: s.id,
            title: s.title,
            room: s.room,
            starts: s.starts,
            ends: s.ends,
            capacity: s.capacity,
            cancelled: s.cancelled,
            in_timetable,
            register,
            attendees,
        }
    }
}

fn from_kept(k: Kept) -> Session {
    Session {
        id: k.id,
        title: k.title,
        room: k.room,
        starts: k.starts,
        ends: k.ends,
        capacity: k.capacity,
        cancelled: false,
        line: 0,
    }
}

impl Hub {
    /// The sessions of the site-local `day` in the timetable in use.
    pub fn sessions_on(&self, day: NaiveDate) -> Vec<Session> {
        let Some(loaded) = self.courses.current() else {
            return Vec::new();
        };
        let mut sessions = loaded.timetable.sessions_on(day);
        let config = self.config();
        for s in &mut sessions {
            if s.capacity.is_none() {
                s.capacity = config.courses.capacity.get(&s.title).copied();
            }
        }
        sessions
    }

    /// What the screen offers now: sessions in progress or starting within the window, and
    /// the cancelled ones in the same span.
    pub fn sessions_now(&self) -> Offered {
        let now = self.clock.now().utc;
        let window = Duration::minutes(i64::from(self.config().courses.window_minutes));
        offered(&self.sessions_on(self.local(now).date()), now, window)
    }

    /// The session `id` names, from the timetable or, when it was taken out, as its register
    /// kept it.
    pub fn session(&self, id: &SessionId) -> HubResult<Option<(Session, bool)>> {
        if let Some(s) = self.sessions_on(id.day()).into_iter().find(|s| s.id == *id) {
            return Ok(Some((s, true)));
        }
        Ok(self.store.register(id)?.map(|(k, _)| (from_kept(k), false)))
    }

    /// Every session of `day` with its register: the timetable's, then any kept register of a
    /// session no longer in it.
    pub fn registers_on(&self, day: NaiveDate) -> HubResult<Vec<SessionRegister>> {
        let mut kept = self.store.registers_on(day)?;
        let mut out = Vec::new();
        for s in self.sessions_on(day) {
            let register = match kept.iter().position(|(k, _)| k.id == s.id) {
                Some(i) => kept.remove(i).1,
                None => Register::default(),
            };
            out.push(SessionRegister::new(s, true, register));
        }
        for (k, register) in kept {
            out.push(SessionRegister::new(from_kept(k), false, register));
        }
        out.sort_by(|a, b| (a.starts, &a.title).cmp(&(b.starts, &b.title)));
        Ok(out)
    }

    /// One session's register.
    pub fn register(&self, id: &SessionId) -> HubResult<SessionRegister> {
        let (session, in_timetable) = self.session(id)?.ok_or_else(|| unknown(id))?;
        let register = self.store.register(id)?.map(|(_, r)| r).unwrap_or_default();
        Ok(SessionRegister::new(session, in_timetable, register))
    }

    /// A tutor adds a student who did not use the kiosk: by member number, or anonymous.
    pub fn add_attendee(
        &self,
        id: &SessionId,
        member: Option<MemberId>,
        by: &str,
    ) -> HubResult<SessionRegister> {
        let (session, _) = self.session(id)?.ok_or_else(|| unknown(id))?;
        let now = self.now_for_write();
        if session.cancelled {
            return Err(HubError::Register(format!(
                "{} on {} is cancelled: nobody can be added to it",
                session.title,
                id.day()
            )));
        }
        if self.local(session.starts).date() > self.local(now.utc).date() {
            return Err(HubError::Register(format!(
                "{} is on {}: add students on the day, once they come",
                session.title,
                id.day()
            )));
        }
        if self
            .store
            .add_attendee(&session, id.day(), member.as_ref(), by, now.utc)?
            == Added::AlreadyThere
        {
            let m = member.map(|m| m.to_string()).unwrap_or_default();
            return Err(HubError::Register(format!(
                "member {m} is on this register already"
            )));
        }
        self.register_changed(id)
    }

    /// Takes a student off a register: that member, or (with `None`) one anonymous student.
    pub fn remove_attendee(
        &self,
        id: &SessionId,
        member: Option<MemberId>,
    ) -> HubResult<SessionRegister> {
        let now = self.now();
        if !self.store.remove_attendee(id, member.as_ref(), now.utc)? {
            let who = member.map_or("no anonymous student".to_owned(), |m| {
                format!("member {m} is not")
            });
            if self.session(id)?.is_none() {
                return Err(unknown(id));
            }
            return Err(HubError::Register(format!(
                "{who} on this register: nothing changed"
            )));
        }
        self.register_changed(id)
    }

    /// Tells the pages, then answers with the register as it is now.
    pub(super) fn register_changed(&self, id: &SessionId) -> HubResult<SessionRegister> {
        let r = self.register(id)?;
        self.publish(Event::AttendanceChanged {
            session: id.clone(),
            attendees: r.attendees,
            capacity: r.capacity,
        });
        Ok(r)
    }

    /// The session a visitor at the screen chose: today's, in the timetable, not cancelled.
    pub(super) fn session_for_check_in(
        &self,
        id: &SessionId,
        today: NaiveDate,
    ) -> HubResult<Session> {
        let found = self.sessions_on(today).into_iter().find(|s| s.id == *id);
        match found {
            Some(s) if !s.cancelled => Ok(s),
            Some(s) => Err(HubError::Register(format!(
                "{} is cancelled today",
                s.title
            ))),
            None => Err(unknown(id)),
        }
    }
}

fn unknown(id: &SessionId) -> HubError {
    HubError::NoSession(format!(
        "there is no session {id} in the timetable or the registers: see GET /api/v1/sessions?date={}",
        id.day()
    ))
}
