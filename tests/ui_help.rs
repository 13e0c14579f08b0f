//! "I need to talk to someone now" and the day's limits on the real screen, driven headless:
//! the help button on every visitor screen in every language (its words from that language's
//! .po file); one tap shows the configured crisis numbers and raises the request in SQLite;
//! the screen follows the hub when nobody acknowledges in time and when staff do; the paused
//! and "too late today" messages with reception and the next opening; the interpreter flag
//! saved on the ticket.
//!
//! One test function: Slint's testing platform can be set once per process.

mod ui_support;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hub_kiosk::clock::ManualClock;
use hub_kiosk::config::CrisisNumber;
use hub_kiosk::domain::OpeningHours;
use hub_kiosk::ui::{HelpState, NoTicket, Screen};
use ui_support::{Kiosk, run, until};

#[test]
fn help_pause_closing_and_interpreter_on_the_screen() {
    run(|| async {
        the_help_button_is_on_every_screen_in_every_language().await;
        one_tap_shows_the_numbers_and_the_screen_follows_the_alert().await;
        paused_and_too_late_say_so_kindly().await;
        the_interpreter_wish_is_saved_on_the_ticket().await;
    });
}

/// `msgstr` of `msgid` in `lang`'s .po file ("en": the msgid itself).
fn translated(lang: &str, msgid: &str) -> String {
    if lang == "en" {
        return msgid.to_owned();
    }
    let po = std::fs::read_to_string(format!(
        "{}/ui/translations/{lang}/LC_MESSAGES/hub-kiosk.po",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let wanted = format!("msgid \"{msgid}\"");
    let mut lines = po.lines().skip_while(|l| *l != wanted).skip(1);
    let line = lines
        .next()
        .unwrap_or_else(|| panic!("{msgid} not in {lang}"));
    line.trim_start_matches("msgstr \"")
        .trim_end_matches('"')
        .to_owned()
}

const HELP: &str = "I need to talk to someone now";

async fn the_help_button_is_on_every_screen_in_every_language() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    for lang in ["en", "pl", "ar", "zh"] {
        let words = translated(lang, HELP);
        let check = |screen: &str| {
            let label = k.find("help").accessible_label().unwrap().to_string();
            assert_eq!(label, words, "{lang} on {screen}");
        };
        k.tap(&format!("language-{lang}"));
        check("welcome");
        k.tap("check-in");
        assert_eq!(api.get_screen(), Screen::Needs);
        check("needs");
        k.tap("need-visiting");
        until("the done screen", || api.get_screen() == Screen::Done).await;
        check("done");
        // The language is forgotten after a visit: choose it again for a call on the banner.
        k.tap("finish");
        k.tap(&format!("language-{lang}"));
        k.ui.now_calling("A 001".into(), Default::default(), "en");
        until("the banner", || k.try_find("now-calling").is_some()).await;
        check("the calls banner");
        k.ui.calls_expired();
        k.ui.reset();
    }
}

fn monday(time: &str) -> DateTime<Utc> {
    format!("2026-11-23T{time}:00Z").parse().unwrap()
}

async fn one_tap_shows_the_numbers_and_the_screen_follows_the_alert() {
    let clock = Arc::new(ManualClock::new(monday("11:00")));
    let k = Kiosk::with_clock(
        |c| {
            c.help.escalation_seconds = 60;
            c.help.crisis_numbers = vec![CrisisNumber {
                label: [
                    ("en".into(), "Night line".into()),
                    ("pl".into(), "Linia nocna".into()),
                ]
                .into(),
                number: [("en".into(), "0800 123 456".into())].into(),
                detail: Default::default(),
            }];
        },
        clock.clone(),
    );
    let api = k.ui.api();
    k.tap("language-pl");
    k.tap("help");
    assert_eq!(api.get_screen(), Screen::Help);
    assert!(
        k.try_find("help").is_none(),
        "no help button on the help screen"
    );
    assert_eq!(
        k.find("help-title").accessible_label().unwrap(),
        translated(
            "pl",
            "Someone is coming to you now. You are in the right place."
        )
    );
    assert_eq!(
        k.find("crisis-0").accessible_label().unwrap(),
        "Linia nocna: 0800 123 456",
        "the configured number, in the visitor's language"
    );
    assert!(k.try_find("crisis-1").is_none());
    until("the alert", || api.get_help_state() == HelpState::Alerted).await;
    assert_eq!(
        k.count("SELECT count(*) FROM help_request WHERE acknowledged_ms IS NULL"),
        1
    );
    assert_eq!(k.count("SELECT help_requests FROM footfall_hour"), 1);

    // Nobody answers in time: the screen asks the visitor to go to reception.
    clock.advance(Duration::seconds(60));
    assert_eq!(k.hub.escalate_due_help().unwrap().len(), 1);
    until("escalated", || api.get_help_state() == HelpState::Escalated).await;
    let status = k.find("help-status").accessible_label().unwrap();
    assert_eq!(
        status,
        translated(
            "pl",
            "Please go to reception now, or ask any member of staff, and show them this screen."
        )
    );
    // Nor does the screen count down on them meanwhile.
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(600));
    assert_eq!((api.get_screen(), api.get_countdown()), (Screen::Help, 0));

    // A member of staff acknowledges it: the screen says they are on their way.
    let id = k.hub.open_help().unwrap()[0].id;
    k.hub.acknowledge_help(id, "Desk 1").unwrap();
    until("acknowledged", || {
        api.get_help_state() == HelpState::Acknowledged
    })
    .await;
    assert_eq!(
        k.count("SELECT count(*) FROM help_request WHERE acknowledged_by = 'Desk 1'"),
        1
    );
    k.tap("help-back");
    assert_eq!(api.get_screen(), Screen::Welcome);
}

async fn paused_and_too_late_say_so_kindly() {
    let clock = Arc::new(ManualClock::new(monday("11:00")));
    let k = Kiosk::with_clock(|c| c.hours = OpeningHours::default(), clock.clone());
    let api = k.ui.api();
    k.hub.pause_dropins("Desk 1", Some("room full")).unwrap();
    k.tap("need-housing");
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(api.get_no_ticket(), NoTicket::Paused);
    assert_eq!(api.get_ticket(), "");
    assert_eq!(
        k.find("closed").accessible_label().unwrap(),
        "Drop-in advice is paused just now, so there is no ticket."
    );
    assert!(
        !k.texts().contains("room full"),
        "staff's own words stay on the staff pages"
    );
    assert_eq!(
        k.find("ask-reception").accessible_label().unwrap(),
        "Please ask at reception: someone will help you."
    );
    k.tap("finish");
    k.hub.resume_dropins("Desk 1").unwrap();

    // 16:20 with someone waiting: the shortest wait ends at closing, so no ticket.
    clock.set(monday("16:20"));
    let hub = k.hub.clone();
    std::thread::spawn(move || {
        hub.check_in(hub_kiosk::hub::CheckInRequest {
            visitor: hub_kiosk::domain::Visitor::Anonymous,
            needs: vec!["advisor".into()],
            language: hub_kiosk::domain::Language::english(),
            source: hub_kiosk::domain::Source::StaffWalkIn,
            priority: false,
            interpreter: false,
            session: None,
        })
        .unwrap()
    })
    .join()
    .unwrap();
    k.tap("language-pl");
    k.tap("need-money");
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(api.get_no_ticket(), NoTicket::TooLate);
    let said = k.find("closed").accessible_label().unwrap();
    assert!(
        said.starts_with(&translated(
            "pl",
            "Drop-in advice cannot see anyone else today: the wait would go past closing time."
        )) && said.ends_with("Otwieramy ponownie jutro o 9:30."),
        "{said}"
    );
    assert_eq!(
        k.find("ask-reception").accessible_label().unwrap(),
        translated("pl", "Please ask at reception: someone will help you.")
    );
    assert_eq!(
        k.count("SELECT count(*) FROM ticket"),
        1,
        "only the walk-in"
    );
}

async fn the_interpreter_wish_is_saved_on_the_ticket() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    k.tap("language-ar");
    k.tap("need-advisor");
    assert_eq!(k.find("interpreter").accessible_checked(), Some(false));
    k.tap("interpreter");
    assert_eq!(k.find("interpreter").accessible_checked(), Some(true));
    assert_eq!(
        k.find("interpreter").accessible_label().unwrap(),
        translated("ar", "I would like an interpreter")
    );
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(
        k.count("SELECT count(*) FROM ticket WHERE interpreter = 1 AND language = 'ar'"),
        1
    );
    k.tap("finish");
    k.tap("check-in");
    assert_eq!(
        k.find("interpreter").accessible_checked(),
        Some(false),
        "forgotten with the visitor"
    );
}
