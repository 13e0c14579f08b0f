//! The screen's numbers in the visitor's grammar, on the real screen driven headless: gettext
//! plural forms for Polish (1 / 2–4 / 5+, 22 but 25) and Arabic (six forms) in the privacy
//! countdown, the repeat-card notice and the wait range; and the reopening time said as a day
//! and a time ("on Monday at 9:30", "w poniedziałek o 9:30"), never an ISO timestamp — both
//! from set answers and from the hub's real opening hours.
//!
//! One test function: Slint's testing platform can be set once per process.

mod ui_support;

use std::rc::Rc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime, Timelike};
use hub_kiosk::config::Config;
use hub_kiosk::domain::hours::DayHours;
use hub_kiosk::hub::Hub;
use hub_kiosk::ui::visit::{Checked, Effect, Input, Queued, Saved};
use hub_kiosk::ui::{Screen, Ui, build_ui_with};
use i_slint_backend_testing::mock_elapsed_time;
use slint::ComponentHandle;
use ui_support::{Kiosk, VALID_CARD, run, until};

#[test]
fn numbers_and_days_in_the_visitors_words() {
    run(|| async {
        countdown_seconds_in_polish_and_arabic();
        a_repeated_card_in_polish_and_arabic().await;
        wait_ranges_and_reopening_days_from_set_answers();
        the_real_opening_hours_are_said_as_a_day_and_a_time().await;
    });
}

fn label(k: &Kiosk, id: &str) -> String {
    k.find(id).accessible_label().unwrap().to_string()
}

/// Counts the countdown down from `from` in `lang`, returning the label at each second.
fn countdown(lang: &str, from: u32) -> Vec<(u32, String)> {
    let k = Kiosk::new(|c| c.display.countdown_seconds = from);
    k.tap(&format!("language-{lang}"));
    k.tap("need-money");
    mock_elapsed_time(Duration::from_secs(u64::from(
        k.hub.config().display.idle_reset_seconds,
    )));
    (1..=from)
        .rev()
        .map(|left| {
            let said = (left, label(&k, "countdown"));
            mock_elapsed_time(Duration::from_secs(1));
            said
        })
        .collect()
}

fn countdown_seconds_in_polish_and_arabic() {
    let pl = countdown("pl", 22);
    let at = |n: u32, said: &[(u32, String)]| said.iter().find(|(l, _)| *l == n).unwrap().1.clone();
    assert!(at(22, &pl).ends_with("za 22 sekundy."), "{pl:?}");
    assert!(at(21, &pl).ends_with("za 21 sekund."), "{pl:?}");
    assert!(at(12, &pl).ends_with("za 12 sekund."), "{pl:?}");
    assert!(at(4, &pl).ends_with("za 4 sekundy."), "{pl:?}");
    assert!(at(1, &pl).ends_with("za 1 sekundę."), "{pl:?}");
    let ar = countdown("ar", 11);
    assert!(at(11, &ar).ends_with("خلال 11 ثانية."), "{ar:?}");
    assert!(at(10, &ar).ends_with("خلال 10 ثوانٍ."), "{ar:?}");
    assert!(at(3, &ar).ends_with("خلال 3 ثوانٍ."), "{ar:?}");
    assert!(at(2, &ar).ends_with("خلال ثانيتين."), "{ar:?}");
    assert!(at(1, &ar).ends_with("خلال ثانية واحدة."), "{ar:?}");
}

async fn a_repeated_card_in_polish_and_arabic() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    k.type_line(VALID_CARD);
    until("the member's needs", || api.get_screen() == Screen::Needs).await;
    k.tap("need-money");
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    k.tap("finish");
    for (lang, words) in [
        ("pl", "zameldowano 0 minut temu"),
        ("ar", "قبل أقل من دقيقة"),
    ] {
        k.tap(&format!("language-{lang}"));
        k.type_line(VALID_CARD);
        until("the repeat notice", || k.try_find("notice").is_some()).await;
        let notice = label(&k, "notice");
        assert!(notice.contains(words), "{lang}: {notice}");
        k.ui.reset();
    }
}

/// A screen whose check-ins are answered with `checked` (nothing is saved).
fn answered(checked: Checked) -> (Ui, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::demo();
    config.kiosk.data_dir = dir.path().to_owned();
    let hub = Hub::open(config).unwrap();
    let stand = Rc::new(move |job: &Effect| match job {
        Effect::CheckIn { generation, .. } => Some(Input::CheckInAnswered {
            generation: *generation,
            saved: Saved::Yes(checked.clone()),
        }),
        _ => None,
    });
    let ui = build_ui_with(hub, stand).unwrap();
    ui.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    ui.window.show().unwrap();
    (ui, dir)
}

fn done_in(ui: &Ui, lang: &str) {
    ui.reset();
    ui.input(Input::Language(lang.into()));
    ui.input(Input::NeedOnWelcome(2));
    ui.input(Input::Done);
    assert_eq!(ui.api().get_screen(), Screen::Done);
}

fn said(ui: &Ui, id: &str) -> String {
    i_slint_backend_testing::ElementQuery::from_root(&ui.window)
        .match_descendants()
        .match_predicate({
            let id = id.to_owned();
            move |e| e.accessible_id().is_some_and(|i| i == id.as_str())
        })
        .find_first()
        .and_then(|e| e.accessible_label())
        .unwrap_or_else(|| panic!("no `{id}` on the done screen"))
        .to_string()
}

fn wait_ranges_and_reopening_days_from_set_answers() {
    let saturday = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    for (high, lang, words) in [
        (22, "pl", "około 15–22 minuty."),
        (25, "pl", "około 15–25 minut."),
        (22, "ar", "حوالي 15 إلى 22 دقيقة."),
        (10, "ar", "حوالي 15 إلى 10 دقائق."),
        (30, "en", "about 15 to 30 minutes."),
    ] {
        let (ui, _dir) = answered(Checked {
            session: None,
            queued: Some(Queued {
                ticket: "A 014".into(),
                position: 3,
                low_minutes: 15,
                high_minutes: high,
            }),
            no_ticket: None,
            next_opening: None,
            today: saturday,
        });
        done_in(&ui, lang);
        let wait = said(&ui, "wait");
        assert!(wait.ends_with(words), "{lang} {high}: {wait}");
    }
    let monday = saturday + chrono::Duration::days(2);
    for (today, lang, words) in [
        (saturday, "en", "It opens again on Monday at 9:30."),
        (saturday, "pl", "Otwieramy ponownie w poniedziałek o 9:30."),
        (saturday, "ar", "تفتح مجدداً يوم الاثنين الساعة 9:30."),
        (saturday, "zh", "星期一 9:30 再次开放。"),
        (
            monday - chrono::Duration::days(1),
            "pl",
            "Otwieramy ponownie jutro o 9:30.",
        ),
        (monday, "en", "It opens again today at 9:30."),
    ] {
        let (ui, _dir) = answered(Checked {
            session: None,
            queued: None,
            no_ticket: Some(hub_kiosk::hub::NoTicket::Closed),
            next_opening: monday.and_hms_opt(9, 30, 0),
            today,
        });
        done_in(&ui, lang);
        let closed = said(&ui, "closed");
        assert!(closed.ends_with(words), "{lang} {today}: {closed}");
        assert!(!closed.contains("2026"), "no ISO date: {closed}");
    }
}

/// Opening hours every day at a minute two hours from now: closed now, open again "today" or
/// "tomorrow" at that minute, as the hub works it out.
async fn the_real_opening_hours_are_said_as_a_day_and_a_time() {
    let now = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .time();
    let open = NaiveTime::from_hms_opt((now.hour() + 2) % 24, 30, 0).unwrap();
    let close = open + chrono::Duration::minutes(1);
    let k = Kiosk::new(|c| c.hours.days = [DayHours(Some((open, close))); 7]);
    let api = k.ui.api();
    k.tap("language-pl");
    k.tap("need-housing");
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(api.get_no_ticket(), hub_kiosk::ui::NoTicket::Closed);
    let day = if open > now { "dziś" } else { "jutro" };
    let expected = format!("Otwieramy ponownie {day} o {}:30.", open.hour());
    let closed = label(&k, "closed");
    assert!(
        closed.ends_with(&expected),
        "{closed} (expected {expected})"
    );
}
