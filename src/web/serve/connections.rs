//! The open connections of one server, so their number stays under a cap without letting
//! idle ones crowd out real requests. A connection is idle while no request of it is being
//! answered: before its first request header is complete (a half-open connection, or one
//! still in its TLS handshake) and between requests. Over the cap, the connection idle the
//! longest is closed to make room; when none is idle the newcomer is turned away. Idle for
//! longer than the idle timeout, a connection is closed in any case.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

#[derive(Debug)]
struct Entry {
    /// Requests being answered (an answer still streaming counts).
    busy: usize,
    /// When it last became idle (or opened).
    idle_since: Instant,
    close: Arc<Notify>,
}

/// Every open connection of one server.
#[derive(Debug)]
pub struct Connections {
    cap: usize,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Entry>>,
}

impl Connections {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Connections {
            cap: cap.max(1),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        })
    }

    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn len(&self) -> usize {
        self.open().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Registers a new connection, closing the longest idle one when over the cap; `None`
    /// when every other connection is answering a request (turn the newcomer away).
    pub fn admit(self: &Arc<Self>) -> Option<Connection> {
        let mut open = self.open();
        if open.len() >= self.cap && !Self::close_longest_idle(&mut open) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let close = Arc::new(Notify::new());
        open.insert(
            id,
            Entry {
                busy: 0,
                idle_since: Instant::now(),
                close: close.clone(),
            },
        );
        Some(Connection {
            id,
            all: self.clone(),
            close,
        })
    }

    /// Closes the connection idle the longest (when the process runs out of file descriptors).
    pub fn shed_one(&self) -> bool {
        Self::close_longest_idle(&mut self.open())
    }

    fn close_longest_idle(open: &mut HashMap<u64, Entry>) -> bool {
        let victim = open
            .iter()
            .filter(|(_, e)| e.busy == 0)
            .min_by_key(|(id, e)| (e.idle_since, **id))
            .map(|(id, _)| *id);
        match victim.and_then(|id| open.remove(&id)) {
            Some(e) => {
                e.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// One open connection's place; dropping it gives the place back.
#[derive(Debug)]
pub struct Connection {
    id: u64,
    all: Arc<Connections>,
    close: Arc<Notify>,
}

impl Connection {
    /// Resolves when the connection should be closed to make room.
    pub async fn closed(&self) {
        self.close.notified().await
    }

    /// How long it has been idle; `None` while it answers a request.
    pub fn idle_for(&self) -> Option<Duration> {
        let open = self.all.open();
        match open.get(&self.id) {
            Some(e) if e.busy == 0 => Some(e.idle_since.elapsed()),
            Some(_) => None,
            None => Some(Duration::MAX),
        }
    }

    /// Marks a request being answered until the guard is dropped.
    pub fn busy(&self) -> Busy {
        if let Some(e) = self.all.open().get_mut(&self.id) {
            e.busy += 1;
        }
        Busy {
            id: self.id,
            all: self.all.clone(),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.all.open().remove(&self.id);
    }
}

/// A request being answered.
#[derive(Debug)]
pub struct Busy {
    id: u64,
    all: Arc<Connections>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(e) = self.all.open().get_mut(&self.id) {
            e.busy = e.busy.saturating_sub(1);
            if e.busy == 0 {
                e.idle_since = Instant::now();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn over_the_cap_the_longest_idle_connection_makes_room() {
        let all = Connections::new(2);
        let first = all.admit().unwrap();
        let second = all.admit().unwrap();
        let _answering = second.busy();
        let third = all.admit().expect("the idle first one makes room");
        tokio::time::timeout(Duration::from_secs(1), first.closed())
            .await
            .expect("the first connection is told to close");
        assert_eq!(all.len(), 2);
        // Both remaining connections busy: a newcomer is turned away.
        let _also = third.busy();
        assert!(all.admit().is_none());
        drop(_also);
        assert!(third.idle_for().is_some() && second.idle_for().is_none());
        drop((first, second, third));
        assert!(all.is_empty());
    }
}
