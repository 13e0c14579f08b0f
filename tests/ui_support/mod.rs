//! The real screen driven headless: Slint's testing backend with mocked time (timers move only
//! when a test says so), the demo configuration on a fresh SQLite file, and helpers to find
//! elements by their stable `accessible-id`, tap them, type like a keyboard-wedge scanner and
//! wait for the worker's answer.
#![allow(dead_code, reason = "each test file uses some of these")]

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use hub_kiosk::config::Config;
use hub_kiosk::hub::Hub;
use hub_kiosk::ui::{Ui, build_ui};
use i_slint_backend_testing::{ElementHandle, ElementQuery};
use slint::ComponentHandle;
use slint::platform::{PointerEventButton, WindowEvent};

/// Demo membership cards (docs/demo-cards): M-1001 valid, M-1002 expired.
pub const VALID_CARD: &str = "HK1:970+862Y9$96746100T1I1*7SYVGEF82PE1TMVC71I IDV$LS5M74QL:S.91ZL15C8B V1PG8L90-H RK3XJA7GMN4E*NL%B$ZSZOLO.JT6RUAR4U4JES";
pub const EXPIRED_CARD: &str = "HK1:970+862Y9$96846100.Q4ZJQ1KU2-PRS1OA6YYOG4N653TJFV*CM.7BU2XSUTP3L8C.HJX+6IM6$0C /NEDGW%AO/863BV2V5HIDQ6I.22486R5N2AD*L";

pub struct Kiosk {
    pub hub: Arc<Hub>,
    pub ui: Ui,
    pub dir: tempfile::TempDir,
}

impl Kiosk {
    /// The demo kiosk on a fresh database, its screen shown at 1280×800.
    pub fn new(change: impl FnOnce(&mut Config)) -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::demo();
        config.kiosk.data_dir = dir.path().join("data");
        change(&mut config);
        let hub = Hub::open(config).unwrap();
        let ui = build_ui(hub.clone()).unwrap();
        ui.window
            .window()
            .set_size(slint::PhysicalSize::new(1280, 800));
        ui.window.show().unwrap();
        ui.start_feeds().unwrap();
        Kiosk { hub, ui, dir }
    }

    /// The demo kiosk on a fresh database with its clock in the test's hands (`ManualClock`).
    pub fn with_clock(
        change: impl FnOnce(&mut Config),
        clock: Arc<hub_kiosk::clock::ManualClock>,
    ) -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::demo();
        config.kiosk.data_dir = dir.path().join("data");
        change(&mut config);
        std::fs::create_dir_all(&config.kiosk.data_dir).unwrap();
        let store = hub_kiosk::store::Store::open(&config.database_path()).unwrap();
        let hub = Hub::new(
            Arc::new(config),
            Arc::new(store),
            clock,
            hub_kiosk::events::EventBus::new(),
        );
        let ui = build_ui(hub.clone()).unwrap();
        ui.window
            .window()
            .set_size(slint::PhysicalSize::new(1280, 800));
        ui.window.show().unwrap();
        ui.start_feeds().unwrap();
        Kiosk { hub, ui, dir }
    }

    /// The element with this `accessible-id`.
    pub fn find(&self, id: &str) -> ElementHandle {
        self.try_find(id)
            .unwrap_or_else(|| panic!("no element with accessible-id `{id}` on the screen"))
    }

    pub fn try_find(&self, id: &str) -> Option<ElementHandle> {
        let id = id.to_owned();
        ElementQuery::from_root(&self.ui.window)
            .match_descendants()
            .match_predicate(move |e| e.accessible_id().is_some_and(|i| i == id.as_str()))
            .find_first()
    }

    /// A tap in the middle of the element (press, 50 ms of mocked time, release).
    pub fn tap(&self, id: &str) {
        self.find(id).mock_single_click(PointerEventButton::Left);
    }

    /// Types `text` and Enter, as a keyboard-wedge scanner does.
    pub fn type_line(&self, text: &str) {
        let w = self.ui.window.window();
        for c in text.chars().chain(['\n']) {
            let t: slint::SharedString = c.to_string().into();
            w.dispatch_event(WindowEvent::KeyPressed { text: t.clone() });
            w.dispatch_event(WindowEvent::KeyReleased { text: t });
        }
    }

    /// Rows in a table of the kiosk's SQLite file, read through a separate connection.
    pub fn count(&self, sql: &str) -> i64 {
        let db = rusqlite::Connection::open(self.hub.config().database_path()).unwrap();
        db.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Every visible text on the screen, joined (for "the text changed" checks).
    pub fn texts(&self) -> String {
        ElementQuery::from_root(&self.ui.window)
            .match_descendants()
            .find_all()
            .into_iter()
            .filter_map(|e| e.accessible_label())
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// Lets the UI thread's event loop run once (the worker's answer arrives through it).
pub async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            let waker = cx.waker().clone();
            slint::invoke_from_event_loop(move || waker.wake()).unwrap();
            Poll::Pending
        }
    })
    .await
}

/// Waits (at most 20 s of real time) until `cond` holds.
pub async fn until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        yield_now().await;
    }
}

/// Runs `body` on the UI thread with an event loop and mocked time, then stops the loop.
/// One per test binary: Slint's platform can be set once per process.
pub fn run<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F) {
    i_slint_backend_testing::init_integration_test_with_mock_time();
    let fut = body();
    slint::spawn_local(async move {
        fut.await;
        slint::quit_event_loop().unwrap();
    })
    .unwrap();
    slint::run_event_loop_until_quit().unwrap();
}
