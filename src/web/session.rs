//! Signed-in people: a random session id in an `HttpOnly; SameSite=Strict` cookie (`Secure`
//! under TLS), mapped in memory to the login's name. Sessions end at sign-out, after the idle
//! limit without use, when their login is removed from the configuration, or when the service
//! restarts (people then sign in again).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use rand::RngCore;

use axum::http::HeaderMap;

/// The staff pages' idle limit: a working day.
pub const IDLE_LIMIT: Duration = Duration::from_secs(12 * 60 * 60);
/// Sessions kept at most; the least recently used go first.
const MAX_SESSIONS: usize = 1024;

#[derive(Clone, Debug)]
struct Session {
    name: String,
    last_used: Instant,
}

/// The sessions of one service, under one cookie name.
#[derive(Debug)]
pub struct Sessions {
    cookie: &'static str,
    idle_limit: Duration,
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    pub fn new(cookie: &'static str, idle_limit: Duration) -> Self {
        Sessions {
            cookie,
            idle_limit,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a session for `name`; returns its id for the cookie.
    pub fn start(&self, name: &str, now: Instant) -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let mut map = self.map();
        map.retain(|_, s| now.duration_since(s.last_used) < self.idle_limit);
        if map.len() >= MAX_SESSIONS
            && let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(
            id.clone(),
            Session {
                name: name.to_owned(),
                last_used: now,
            },
        );
        id
    }

    /// The display name of a live session, marking it used.
    pub fn touch(&self, id: &str, now: Instant) -> Option<String> {
        let mut map = self.map();
        let live = map
            .get(id)
            .is_some_and(|s| now.duration_since(s.last_used) < self.idle_limit);
        if !live {
            map.remove(id);
            return None;
        }
        let s = map.get_mut(id)?;
        s.last_used = now;
        Some(s.name.clone())
    }

    pub fn end(&self, id: &str) {
        self.map().remove(id);
    }

    /// Ends every session whose name `keep` refuses (a login removed from the configuration);
    /// returns how many ended.
    pub fn end_unless(&self, keep: impl Fn(&str) -> bool) -> usize {
        let mut map = self.map();
        let before = map.len();
        map.retain(|_, s| keep(&s.name));
        before - map.len()
    }

    pub fn count(&self) -> usize {
        self.map().len()
    }

    /// The session id the request carries, if any.
    pub fn id_in<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        super::cookie(headers, self.cookie)
    }

    /// The `Set-Cookie` value that starts a session.
    pub fn set_cookie(&self, id: &str, secure: bool) -> String {
        format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
            self.cookie,
            self.idle_limit.as_secs(),
            if secure { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes it.
    pub fn clear_cookie(&self, secure: bool) -> String {
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            self.cookie,
            if secure { "; Secure" } else { "" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_live_while_used_and_end_when_idle() {
        let s = Sessions::new("hub_session", IDLE_LIMIT);
        let t0 = Instant::now();
        let id = s.start("Desk 1", t0);
        assert_eq!(id.len(), 43);
        assert_eq!(s.touch(&id, t0 + IDLE_LIMIT / 2).as_deref(), Some("Desk 1"));
        assert_eq!(s.touch(&id, t0 + IDLE_LIMIT).as_deref(), Some("Desk 1"));
        assert_eq!(s.touch(&id, t0 + IDLE_LIMIT * 3), None);
        assert_eq!(s.count(), 0);
        let id = s.start("Desk 2", t0);
        s.end(&id);
        assert_eq!(s.touch(&id, t0), None);
    }

    #[test]
    fn cookies_are_strict_and_named_per_service() {
        let s = Sessions::new("hub_session", IDLE_LIMIT);
        assert_eq!(
            s.set_cookie("abc", true),
            "hub_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure"
        );
        assert!(!s.set_cookie("abc", false).contains("Secure"));
        assert!(s.clear_cookie(false).starts_with("hub_session=; "));
        let mut h = HeaderMap::new();
        h.insert("cookie", "theme=dark; hub_session=xyz".parse().unwrap());
        assert_eq!(s.id_in(&h), Some("xyz"));
        assert_eq!(Sessions::new("other", IDLE_LIMIT).id_in(&h), None);
    }
}
