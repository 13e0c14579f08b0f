//! Signed-in sessions of the central pages, kept in memory (a restart signs everyone out), and
//! the sign-in throttle: after 5 failures from a client (20 overall) each further try waits
//! twice as long as the last, from 1 s up to 15 minutes; a success clears it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FREE_TRIES: u32 = 5;
const LONGEST_LOCK: Duration = Duration::from_secs(15 * 60);

/// Signed-in sessions (in memory: a restart signs everyone out) and the sign-in throttle.
#[derive(Debug)]
pub struct Sessions {
    pub(super) lifetime: Duration,
    open: Mutex<HashMap<String, (usize, Instant)>>,
    throttle: Mutex<HashMap<Option<IpAddr>, (u32, Instant)>>,
}

impl Sessions {
    pub fn new(lifetime: Duration) -> Self {
        Sessions {
            lifetime,
            open: Mutex::new(HashMap::new()),
            throttle: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn start(&self, reader: usize) -> String {
        let id = format!("{:032x}", rand::random::<u128>());
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        open.retain(|_, (_, until)| *until > now);
        open.insert(id.clone(), (reader, now + self.lifetime));
        id
    }

    pub(super) fn reader(&self, id: &str) -> Option<usize> {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.get(id)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(r, _)| *r)
    }

    pub(super) fn end(&self, id: &str) {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }

    /// How long `client` (and everyone: the `None` entry) must still wait before trying again.
    pub(super) fn locked_for(&self, client: IpAddr) -> Option<Duration> {
        let t = self.throttle.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        [Some(client), None]
            .iter()
            .filter_map(|k| t.get(k))
            .filter(|(_, until)| *until > now)
            .map(|(_, until)| *until - now)
            .max()
    }

    pub(super) fn failed(&self, client: IpAddr) {
        let mut t = self.throttle.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        for (key, free) in [(Some(client), FREE_TRIES), (None, FREE_TRIES * 4)] {
            let e = t.entry(key).or_insert((0, now));
            e.0 += 1;
            if e.0 >= free {
                let lock = Duration::from_secs(1 << (e.0 - free).min(10)).min(LONGEST_LOCK);
                e.1 = now + lock;
            }
        }
    }

    pub(super) fn succeeded(&self, client: IpAddr) {
        let mut t = self.throttle.lock().unwrap_or_else(|p| p.into_inner());
        t.remove(&Some(client));
        t.remove(&None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_lock_a_client_out_for_doubling_times() {
        let s = Sessions::new(Duration::from_secs(60));
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        for _ in 0..FREE_TRIES - 1 {
            s.failed(ip);
        }
        assert_eq!(s.locked_for(ip), None);
        s.failed(ip);
        let first = s.locked_for(ip).unwrap();
        s.failed(ip);
        assert!(s.locked_for(ip).unwrap() > first);
        s.succeeded(ip);
        assert_eq!(s.locked_for(ip), None);
    }
}
