//! One thread that does the screen's blocking work (card checks, check-ins: SQLite writes with
//! `synchronous=FULL`), so the UI thread never waits on the store. Jobs run one after another;
//! the answer comes back as a future the UI thread awaits on its own event loop.

use std::sync::mpsc;

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// The worker; dropping it ends the thread once its queue is done.
#[derive(Debug)]
pub struct Worker {
    tx: mpsc::Sender<Job>,
}

impl Worker {
    pub fn start() -> std::io::Result<Worker> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("screen-worker".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            })?;
        Ok(Worker { tx })
    }

    /// Runs `job` on the worker; await the receiver for its result (an error means the worker
    /// has gone, which only happens while stopping).
    pub fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> oneshot::Receiver<T> {
        let (tx, rx) = oneshot::channel();
        let _ = self.tx.send(Box::new(move || {
            let _ = tx.send(job());
        }));
        rx
    }
}
