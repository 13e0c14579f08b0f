//! Signed-in staff: a random session id in an `HttpOnly; SameSite=Strict` cookie (`Secure`
//! under TLS), mapped in memory to the login's display name. Sessions end at sign-out, after a
//! working day without use, or when the kiosk restarts (staff then sign in again).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use rand::RngCore;

/// The cookie's name.
pub const COOKIE: &str = "hub_session";
/// A session unused for this long ends.
pub const IDLE_LIMIT: Duration = Duration::from_secs(12 * 60 * 60);
/// Sessions kept at most; the least recently used go first.
const MAX_SESSIONS: usize = 1024;

#[derive(Clone, Debug)]
struct Session {
    name: String,
    last_used: Instant,
}

/// The sessions of signed-in staff.
#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a session for `name`; returns its id for the cookie.
    pub fn start(&self, name: &str, now: Instant) -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let mut map = self.map();
        map.retain(|_, s| now.duration_since(s.last_used) < IDLE_LIMIT);
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
            .is_some_and(|s| now.duration_since(s.last_used) < IDLE_LIMIT);
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

    pub fn count(&self) -> usize {
        self.map().len()
    }
}

/// The `Set-Cookie` value that starts a session.
pub fn set_cookie(id: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        IDLE_LIMIT.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes it.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session id in a `Cookie` header, if any.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_live_while_used_and_end_when_idle() {
        let s = Sessions::default();
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
    fn cookies_are_strict_and_found_among_others() {
        assert_eq!(
            set_cookie("abc", true),
            "hub_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure"
        );
        assert!(!set_cookie("abc", false).contains("Secure"));
        assert_eq!(
            from_cookie_header("theme=dark; hub_session=xyz ; a=b"),
            Some("xyz")
        );
        assert_eq!(from_cookie_header("hub_session="), None);
        assert_eq!(from_cookie_header("other=1"), None);
    }
}
