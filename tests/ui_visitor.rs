//! The screen tapped through headless, as a visitor would: an anonymous check-in with a drop-in
//! need shows the ticket and the row is in SQLite; "Just visiting" completes at once; a double
//! tap on Done makes one check-in; the language switch changes the visible text (and mirrors
//! Arabic); idle time (mocked) counts down and forgets every choice; an advisor's call shows
//! the "now calling" banner.
//!
//! One test function: Slint's testing platform can be set once per process.

mod ui_support;

use std::time::Duration;

use hub_kiosk::ui::{Screen, Theme};
use i_slint_backend_testing::mock_elapsed_time;
use slint::ComponentHandle;
use ui_support::{Kiosk, run, until};

#[test]
fn a_visitor_taps_through_the_screen() {
    run(|| async {
        anonymous_drop_in_gets_a_ticket_saved_in_sqlite().await;
        just_visiting_completes_at_once().await;
        a_double_tap_on_done_makes_one_check_in().await;
        the_language_switch_changes_the_visible_text().await;
        idle_time_counts_down_then_forgets_every_choice().await;
        an_advisors_call_shows_the_banner().await;
        a_closed_queue_says_so_without_a_ticket().await;
    });
}

async fn anonymous_drop_in_gets_a_ticket_saved_in_sqlite() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    assert_eq!(api.get_screen(), Screen::Welcome);
    k.tap("check-in");
    assert_eq!(api.get_screen(), Screen::Needs);
    assert_eq!(
        k.find("done").accessible_enabled(),
        Some(false),
        "nothing chosen yet"
    );
    k.tap("need-housing");
    assert_eq!(k.find("need-housing").accessible_checked(), Some(true));
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(api.get_ticket(), "A 001");
    assert_eq!(k.find("ticket").accessible_label().unwrap(), "A 001");
    assert_eq!(api.get_position(), 1);
    assert!(
        k.find("wait")
            .accessible_label()
            .unwrap()
            .contains("minutes")
    );
    assert_eq!(
        k.count("SELECT count(*) FROM checkin WHERE member_id IS NULL AND source = 'touchscreen'"),
        1
    );
    assert_eq!(
        k.count("SELECT count(*) FROM checkin_need WHERE need = 'housing'"),
        1
    );
    assert_eq!(
        k.count("SELECT count(*) FROM ticket WHERE number = 1 AND state = 'waiting'"),
        1
    );
    // Finish goes back to Welcome with nothing chosen.
    k.tap("finish");
    assert_eq!(api.get_screen(), Screen::Welcome);
    assert_eq!(api.get_chosen_count(), 0);
}

async fn just_visiting_completes_at_once() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    // Straight from the welcome screen's tiles: one tap.
    k.tap("need-visiting");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(api.get_ticket(), "", "no ticket for just visiting");
    assert_eq!(
        k.count("SELECT count(*) FROM checkin_need WHERE need = 'visiting'"),
        1
    );
    assert_eq!(k.count("SELECT count(*) FROM ticket"), 0);
    // The done screen returns to Welcome by itself after done_seconds.
    let done_seconds = k.hub.config().display.done_seconds;
    mock_elapsed_time(Duration::from_secs(u64::from(done_seconds) - 1));
    assert_eq!(api.get_screen(), Screen::Done);
    mock_elapsed_time(Duration::from_secs(2));
    assert_eq!(api.get_screen(), Screen::Welcome);
}

async fn a_double_tap_on_done_makes_one_check_in() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    k.tap("need-courses");
    k.tap("done");
    k.tap("done");
    assert!(api.get_busy() || api.get_screen() == Screen::Done);
    until("the done screen", || api.get_screen() == Screen::Done).await;
    // A tap arriving after the answer lands on the done screen, not on a second check-in.
    for _ in 0..20 {
        ui_support::yield_now().await;
    }
    assert_eq!(k.count("SELECT count(*) FROM checkin"), 1);
    let directions = api.get_directions();
    use slint::Model;
    let lines: Vec<String> = directions.iter().map(|s| s.to_string()).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Courses: ") && l.contains("first floor")),
        "{lines:?}"
    );
}

async fn the_language_switch_changes_the_visible_text() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    let english = k.find("check-in").accessible_label().unwrap();
    assert_eq!(english, "Check in");
    k.tap("language-pl");
    assert_eq!(api.get_language(), "pl");
    assert_eq!(k.find("language-pl").accessible_checked(), Some(true));
    let polish = k.find("check-in").accessible_label().unwrap();
    assert_ne!(polish, english, "the button's text is translated");
    assert_eq!(
        k.find("need-housing").accessible_label().unwrap(),
        "Mieszkanie"
    );
    assert!(!api.get_rtl());
    k.tap("language-ar");
    assert!(api.get_rtl(), "Arabic mirrors the layout");
    assert_eq!(k.find("need-housing").accessible_label().unwrap(), "السكن");
    // Mirrored: the first tile of a row is now on the right.
    let first = k.find("need-advisor").absolute_position();
    let second = k.find("need-housing").absolute_position();
    assert!(
        first.x > second.x,
        "right to left: {first:?} should be right of {second:?}"
    );
    k.tap("language-zh");
    assert!(!api.get_rtl());
    assert_eq!(k.find("need-housing").accessible_label().unwrap(), "住房");
    k.tap("language-en");
    assert_eq!(k.find("check-in").accessible_label().unwrap(), "Check in");
}

async fn idle_time_counts_down_then_forgets_every_choice() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    let theme = k.ui.window.global::<Theme>();
    let display = k.hub.config().display.clone();
    k.tap("language-pl");
    k.tap("large-text");
    assert!(theme.get_large_text());
    k.tap("need-money");
    assert_eq!(api.get_screen(), Screen::Needs);
    assert_eq!(api.get_chosen_count(), 1);
    // Just before the idle time nothing shows; then the countdown.
    mock_elapsed_time(Duration::from_secs(
        u64::from(display.idle_reset_seconds) - 1,
    ));
    assert_eq!(api.get_countdown(), 0);
    mock_elapsed_time(Duration::from_secs(1));
    assert_eq!(api.get_countdown() as u32, display.countdown_seconds);
    assert!(
        k.try_find("countdown").is_some(),
        "the countdown is visible"
    );
    // "I am still here" keeps everything.
    k.tap("still-here");
    assert_eq!(api.get_countdown(), 0);
    assert_eq!(api.get_chosen_count(), 1);
    // Left alone: the countdown runs out and the screen forgets them.
    mock_elapsed_time(Duration::from_secs(u64::from(display.idle_reset_seconds)));
    for _ in 0..display.countdown_seconds {
        assert_eq!(api.get_screen(), Screen::Needs);
        mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(api.get_screen(), Screen::Welcome);
    assert_eq!(api.get_chosen_count(), 0);
    assert_eq!(
        api.get_language(),
        "en",
        "back to the site's default language"
    );
    assert!(!theme.get_large_text());
    assert_eq!(k.find("check-in").accessible_label().unwrap(), "Check in");
    assert_eq!(
        k.count("SELECT count(*) FROM checkin"),
        0,
        "nothing was saved"
    );
    // A pristine welcome screen does not count down.
    mock_elapsed_time(Duration::from_secs(600));
    assert_eq!(api.get_countdown(), 0);
}

async fn an_advisors_call_shows_the_banner() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    assert!(k.try_find("now-calling").is_none());
    k.tap("need-advisor");
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    let hub = k.hub.clone();
    let called = std::thread::spawn(move || hub.call_next("Desk 2").unwrap())
        .join()
        .unwrap();
    assert_eq!(called.number.to_string(), "A 001");
    until("the banner", || k.try_find("now-calling").is_some()).await;
    let banner = k.find("now-calling").accessible_label().unwrap();
    assert!(
        banner.contains("A 001") && banner.contains("Room 2"),
        "{banner}"
    );
    // In Polish the place is Polish too.
    k.tap("finish");
    k.tap("language-pl");
    let banner = k.find("now-calling").accessible_label().unwrap();
    assert!(banner.contains("Pokój 2"), "{banner}");
}

async fn a_closed_queue_says_so_without_a_ticket() {
    use hub_kiosk::domain::OpeningHours;
    use hub_kiosk::domain::hours::DayHours;
    let k = Kiosk::new(|c| {
        c.hours = OpeningHours {
            days: [DayHours(None); 7],
        }
    });
    let api = k.ui.api();
    k.tap("need-housing");
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(api.get_ticket(), "");
    assert_eq!(api.get_no_ticket(), hub_kiosk::ui::NoTicket::Closed);
    assert_eq!(
        k.count("SELECT count(*) FROM checkin"),
        1,
        "the visit still counts"
    );
    assert_eq!(k.count("SELECT count(*) FROM ticket"), 0);
}
