//! The Slint side of the screen, kept thin: it feeds [`Input`]s to the [`Visit`], draws the
//! result (`render.rs`) and carries out the [`Effect`]s — timers on the UI thread, check-ins and
//! card checks on the worker (or, for screenshots, answered at once by a stand-in). The state
//! is split by concern: the visitor (`visit`), the calls banner (`calls`), the timers, the jobs.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use slint::{TimerMode, VecModel};

use super::calls::Calls;
use super::visit::{Card, Checked, Effect, Input, Queued, Saved, Timer, Visit};
use super::worker::Worker;
use super::{AppWindow, NeedTile};
use crate::domain::card::Rejection;
use crate::hub::{CheckInOutcome, Hub, HubError, ScanOutcome};

/// Answers a job at once instead of the worker (screenshots): the effect in, its answer out.
pub type Stand = Rc<dyn Fn(&Effect) -> Option<Input>>;

/// A worker's answer on its way.
type Answer = std::pin::Pin<Box<dyn std::future::Future<Output = Option<Input>>>>;

/// Where check-ins and card checks run.
pub(super) enum Jobs {
    Worker(Option<Worker>),
    Stand(Stand),
}

#[derive(Default)]
struct Timers {
    idle: slint::Timer,
    countdown: slint::Timer,
    done: slint::Timer,
    /// The banner goes back to the site's name a while after the last call.
    calls: slint::Timer,
}

/// The screen: one per window.
pub(super) struct Shell {
    pub(super) hub: Arc<Hub>,
    pub(super) window: slint::Weak<AppWindow>,
    pub(super) visit: RefCell<Visit>,
    pub(super) calls: RefCell<Calls>,
    pub(super) needs: Rc<VecModel<NeedTile>>,
    /// The language the texts were last drawn in ("" before the first drawing).
    pub(super) drawn_language: RefCell<String>,
    /// The configuration last drawn (a reload swaps the visit's).
    pub(super) drawn_config: RefCell<Arc<crate::config::Config>>,
    timers: Timers,
    jobs: Jobs,
    started: Instant,
    queue: RefCell<VecDeque<Input>>,
    stepping: Cell<bool>,
}

impl Shell {
    pub(super) fn new(hub: Arc<Hub>, window: &AppWindow, jobs: Jobs) -> Rc<Shell> {
        use slint::ComponentHandle;
        let config = hub.config();
        Rc::new(Shell {
            visit: RefCell::new(Visit::new(config.clone())),
            calls: RefCell::new(Calls::new(config.display.recent_calls)),
            needs: Rc::new(VecModel::default()),
            drawn_language: RefCell::new(String::new()),
            drawn_config: RefCell::new(config.clone()),
            timers: Timers::default(),
            jobs,
            started: Instant::now(),
            queue: RefCell::new(VecDeque::new()),
            stepping: Cell::new(false),
            window: window.as_weak(),
            hub,
        })
    }

    /// The worker, or `None` when its thread could not start (check-ins then fail calmly).
    pub(super) fn worker() -> Jobs {
        Jobs::Worker(
            Worker::start()
                .map_err(|e| tracing::error!("cannot start the screen's worker thread: {e}"))
                .ok(),
        )
    }

    pub(super) fn calls_timer(&self) -> &slint::Timer {
        &self.timers.calls
    }

    /// Milliseconds since the screen started (a steady clock for the wedge scanner).
    pub(super) fn ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Feeds one input, then draws and carries out its effects. An input that arrives while
    /// one is being handled (an answer given at once) waits its turn.
    pub(super) fn input(self: &Rc<Self>, input: Input) {
        self.queue.borrow_mut().push_back(input);
        if self.stepping.replace(true) {
            return;
        }
        loop {
            let next = self.queue.borrow_mut().pop_front();
            let Some(input) = next else { break };
            let effects = self.visit.borrow_mut().step(input);
            self.render();
            for effect in effects {
                self.apply(effect);
            }
        }
        self.stepping.set(false);
    }

    fn apply(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Start(timer, after) => self.start(timer, after),
            Effect::Stop(timer) => self.timer(timer).stop(),
            job => self.run(job),
        }
    }

    fn timer(&self, timer: Timer) -> &slint::Timer {
        match timer {
            Timer::Idle => &self.timers.idle,
            Timer::Countdown => &self.timers.countdown,
            Timer::Done => &self.timers.done,
        }
    }

    fn start(self: &Rc<Self>, timer: Timer, after: Duration) {
        let (mode, input) = match timer {
            Timer::Idle => (TimerMode::SingleShot, Input::IdleElapsed),
            Timer::Countdown => (TimerMode::Repeated, Input::Tick),
            Timer::Done => (TimerMode::SingleShot, Input::DoneElapsed),
        };
        let weak = Rc::downgrade(self);
        self.timer(timer).start(mode, after, move || {
            if let Some(s) = weak.upgrade() {
                s.input(input.clone());
            }
        });
    }

    /// A check-in or a card check: on the worker, answered through the UI thread's event loop.
    fn run(self: &Rc<Self>, job: Effect) {
        let worker = match &self.jobs {
            Jobs::Stand(stand) => {
                if let Some(answer) = stand(&job) {
                    self.queue.borrow_mut().push_back(answer);
                }
                return;
            }
            Jobs::Worker(w) => w,
        };
        if let Effect::FindSessions { generation } = job {
            // The timetable is in memory: no worker, no waiting.
            let on_now = super::offers::on_now(&self.hub);
            return self.queue_answer(Input::SessionsFound { generation, on_now });
        }
        let (answer, lost) = match on_worker(self.hub.clone(), worker.as_ref(), job) {
            Some(Ok(pair)) => pair,
            Some(Err(now)) => return self.queue_answer(now),
            None => return,
        };
        let weak = Rc::downgrade(self);
        let spawned = slint::spawn_local(async move {
            let input = answer.await.unwrap_or(lost);
            if let Some(s) = weak.upgrade() {
                s.input(input);
            }
        });
        if let Err(e) = spawned {
            tracing::error!("cannot wait for the screen's worker: {e}");
        }
    }

    fn queue_answer(&self, input: Input) {
        self.queue.borrow_mut().push_back(input);
    }
}

/// Starts `job` on the screen's worker: the answer to wait for and the input if it is lost;
/// `Err` when the answer is known at once (no worker); `None` for work that is not the worker's.
fn on_worker(
    hub: Arc<Hub>,
    worker: Option<&Worker>,
    job: Effect,
) -> Option<Result<(Answer, Input), Input>> {
    let pair = match job {
        Effect::CheckIn {
            generation,
            request,
        } => {
            let Some(w) = worker else {
                return Some(Err(failed(generation, "the worker is not running")));
            };
            let rx = w.run(move || {
                let outcome = hub.check_in(request);
                saved(outcome, &hub)
            });
            let lost = failed(generation, "the worker stopped");
            (
                Box::pin(await_answer(rx, move |saved| Input::CheckInAnswered {
                    generation,
                    saved,
                })) as Answer,
                lost,
            )
        }
        Effect::RequestHelp { generation } => {
            let lost = Input::HelpAnswered {
                generation,
                raised: None,
            };
            let Some(w) = worker else {
                return Some(Err(lost));
            };
            let rx = w.run(move || match hub.request_help() {
                Ok(help) => Some(help.id),
                Err(e) => {
                    tracing::error!("a help request from the screen was not raised: {e}");
                    None
                }
            });
            (
                Box::pin(await_answer(rx, move |raised| Input::HelpAnswered {
                    generation,
                    raised,
                })) as Answer,
                lost,
            )
        }
        Effect::CheckCard { generation, scan } => {
            let lost = Input::CardAnswered {
                generation,
                card: Card::Lost,
            };
            let Some(w) = worker else {
                return Some(Err(lost));
            };
            let rx = w.run(move || card(hub.scan(&scan)));
            (
                Box::pin(await_answer(rx, move |card| Input::CardAnswered {
                    generation,
                    card,
                })) as Answer,
                lost,
            )
        }
        _ => return None,
    };
    Some(Ok(pair))
}

fn failed(generation: u64, why: &str) -> Input {
    Input::CheckInAnswered {
        generation,
        saved: Saved::Failed(why.into()),
    }
}

/// The worker's answer as an input, or `None` when the worker went away.
async fn await_answer<T>(
    rx: tokio::sync::oneshot::Receiver<T>,
    to_input: impl FnOnce(T) -> Input,
) -> Option<Input> {
    rx.await.ok().map(to_input)
}

/// What the hub said about a check-in, as the screen needs it.
pub fn saved(outcome: Result<CheckInOutcome, HubError>, hub: &Hub) -> Saved {
    let today = hub.today();
    match outcome {
        Ok(o) => Saved::Yes(Checked {
            session: o.session.map(|s| super::offers::at_session(hub, &s)),
            queued: o.ticket.map(|t| Queued {
                ticket: t.ticket.number.to_string(),
                position: t.position as u32,
                low_minutes: t.estimate.low_minutes,
                high_minutes: t.estimate.high_minutes,
            }),
            no_ticket: o.no_ticket,
            next_opening: o.next_opening,
            today,
        }),
        Err(HubError::RepeatScan { minutes }) => Saved::Repeat(minutes),
        Err(e) => {
            tracing::error!("check-in from the screen failed: {e}");
            Saved::Failed(e.to_string())
        }
    }
}

/// What the hub said about a card.
pub fn card(outcome: Result<ScanOutcome, HubError>) -> Card {
    match outcome {
        Ok(ScanOutcome::Member(member)) => Card::Member(member),
        Ok(ScanOutcome::AlreadyCheckedIn { minutes, .. }) => Card::Repeat(minutes),
        Ok(ScanOutcome::Refused(Rejection::Expired)) => Card::Expired,
        Ok(ScanOutcome::Refused(_)) => Card::Refused,
        Err(e) => {
            tracing::warn!("card scan: {e}");
            Card::Refused
        }
    }
}
