//! A named thread that runs until told to stop: the door sensor and the serial scanner each run
//! one. The thread gets a `Stop` to check between waits; stopping (or dropping the handle)
//! asks it to end and waits for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the thread checks to know when to end.
#[derive(Clone, Debug, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Sleeps for `total`, waking early when a stop is requested. Returns false if it was.
    pub fn sleep(&self, total: Duration) -> bool {
        let step = Duration::from_millis(50);
        let mut waited = Duration::ZERO;
        while waited < total {
            if self.requested() {
                return false;
            }
            std::thread::sleep(step.min(total - waited));
            waited += step;
        }
        !self.requested()
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
        self.stop.0.store(true, Ordering::Release);
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
}
