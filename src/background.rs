//! A named thread that runs until told to stop: the door sensor and the serial scanner each run
//! one. The thread gets a `Stop` to wait on: its waits end at once when a stop is asked for
//! (a condition variable, nothing polled), and a thread blocked on something else (a channel)
//! registers a waker that unblocks it. Stopping (or dropping the handle) asks it to end and
//! waits for it.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::wakeups::{self, Loop};

type Waker = Box<dyn Fn() + Send>;

#[derive(Default)]
struct Shared {
    stopped: Mutex<bool>,
    changed: Condvar,
    wakers: Mutex<Vec<Waker>>,
}

/// What the thread waits on to know when to end.
#[derive(Clone, Default)]
pub struct Stop(Arc<Shared>);

impl fmt::Debug for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Stop").field(&self.requested()).finish()
    }
}

impl Stop {
    pub fn requested(&self) -> bool {
        *self
            .0
            .stopped
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `total`, waking early when a stop is requested. Returns false if it was.
    pub fn sleep(&self, total: Duration) -> bool {
        let until = Instant::now().checked_add(total);
        let mut stopped = self
            .0
            .stopped
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while !*stopped {
            let left = match until {
                Some(t) => t.saturating_duration_since(Instant::now()),
                None => Duration::from_secs(u64::from(u32::MAX)),
            };
            if left.is_zero() {
                break;
            }
            stopped = match self.0.changed.wait_timeout(stopped, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
            wakeups::turned(Loop::Background);
        }
        !*stopped
    }

    /// Calls `wake` when a stop is requested (at once if it already was): for a thread that
    /// blocks on something else, such as a channel it can be sent a message on.
    pub fn on_request(&self, wake: impl Fn() + Send + 'static) {
        if self.requested() {
            wake();
            return;
        }
        self.0
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Box::new(wake));
        // A stop asked for meanwhile has run the wakers before this one was added.
        if self.requested() {
            self.wake_all();
        }
    }

    fn request(&self) {
        *self
            .0
            .stopped
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = true;
        self.0.changed.notify_all();
        self.wake_all();
    }

    fn wake_all(&self) {
        let wakers =
            std::mem::take(&mut *self.0.wakers.lock().unwrap_or_else(PoisonError::into_inner));
        wakers.iter().for_each(|w| w());
    }
}

/// A running background thread; dropping it (or calling `stop`) ends it.
#[derive(Debug)]
pub struct Background {
    stop: Stop,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    pub fn spawn(name: &str, f: impl FnOnce(Stop) + Send + 'static) -> std::io::Result<Background> {
        let stop = Stop::default();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || f(flag))?;
        Ok(Background {
            stop,
            thread: Some(thread),
        })
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.request();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.halt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopping_ends_the_thread_even_while_it_sleeps() {
        let (tx, rx) = std::sync::mpsc::channel();
        let bg = Background::spawn("test", move |stop| {
            let finished = stop.sleep(Duration::from_secs(600));
            tx.send(finished).unwrap();
        })
        .unwrap();
        let t = std::time::Instant::now();
        bg.stop();
        assert!(!rx.recv().unwrap());
        assert!(t.elapsed() < Duration::from_secs(60));
    }

    #[test]
    fn a_thread_blocked_on_a_channel_is_woken_by_its_waker() {
        let bg = Background::spawn("test", move |stop| {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            stop.on_request(move || {
                let _ = tx.send(());
            });
            while !stop.requested() {
                let _ = rx.recv();
            }
        })
        .unwrap();
        bg.stop();
    }

    #[test]
    fn a_short_sleep_runs_its_course() {
        let stop = Stop::default();
        let t = Instant::now();
        assert!(stop.sleep(Duration::from_millis(30)));
        assert!(t.elapsed() >= Duration::from_millis(30));
    }
}
