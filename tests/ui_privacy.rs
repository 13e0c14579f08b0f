//! "How we use information" on the real screen driven headless: the link on Welcome (in the
//! header in landscape, beside the reading aids in portrait) opens the page in every language,
//! with the days records are kept in the language's own grammar; Back returns to Welcome with
//! the visitor's language kept; idle time forgets the page like any other; a trust's own
//! contact and words replace the built-in ones.
//!
//! One test function: Slint's testing platform can be set once per process.

mod ui_support;

use std::time::Duration;

use hub_kiosk::ui::Screen;
use i_slint_backend_testing::mock_elapsed_time;
use slint::ComponentHandle;
use ui_support::{Kiosk, run};

#[test]
fn the_privacy_page_in_every_language() {
    run(|| async {
        opens_in_every_language_and_back_keeps_it();
        opens_in_portrait_and_idle_time_forgets_it();
        a_trusts_own_contact_and_words();
    });
}

fn opens_in_every_language_and_back_keeps_it() {
    let k = Kiosk::new(|c| c.kiosk.retention_days = 22);
    let api = k.ui.api();
    let said = [
        (
            "en",
            "How we use information",
            "22 days. After that only totals",
        ),
        (
            "pl",
            "Jak korzystamy z informacji",
            "22 dni. Potem zostają tylko sumy",
        ),
        ("ar", "كيف نستخدم المعلومات", "22 يومًا. بعد ذلك"),
        ("zh", "我们如何使用信息", "22 天。之后只保留每小时的总数"),
    ];
    for (lang, title, kept) in said {
        k.tap(&format!("language-{lang}"));
        assert_eq!(api.get_screen(), Screen::Welcome);
        k.tap("privacy");
        assert_eq!(api.get_screen(), Screen::Privacy, "{lang}");
        let label = k.find("privacy-title").accessible_label().unwrap();
        assert_eq!(label, title, "{lang}");
        let texts = k.texts();
        assert!(texts.contains(kept), "{lang}: {texts}");
        assert!(
            !texts.contains("Never your name") || lang == "en",
            "{lang}: translated"
        );
        k.tap("privacy-back");
        assert_eq!(api.get_screen(), Screen::Welcome);
        assert_eq!(
            api.get_language(),
            lang,
            "Back keeps the visitor's language"
        );
    }
    // Nothing was recorded by reading it.
    assert_eq!(k.count("SELECT count(*) FROM checkin"), 0);
}

fn opens_in_portrait_and_idle_time_forgets_it() {
    let k = Kiosk::new(|_| {});
    let api = k.ui.api();
    k.ui.window
        .window()
        .set_size(slint::PhysicalSize::new(800, 1280));
    k.tap("language-pl");
    k.tap("privacy");
    assert_eq!(api.get_screen(), Screen::Privacy);
    let idle = u64::from(k.hub.config().display.idle_reset_seconds);
    mock_elapsed_time(Duration::from_secs(idle));
    assert!(
        api.get_countdown() > 0,
        "the page counts down like any other"
    );
    let countdown = u64::from(k.hub.config().display.countdown_seconds);
    for _ in 0..countdown {
        mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(api.get_screen(), Screen::Welcome);
    assert_eq!(api.get_language(), "en", "the visitor is forgotten");
}

fn a_trusts_own_contact_and_words() {
    let k = Kiosk::new(|c| {
        c.privacy.contact = [(
            "en".to_owned(),
            "Write to the Data Protection Officer, Mersey Care, or ask at reception.".to_owned(),
        )]
        .into();
        c.privacy.notice = [("pl".to_owned(), "Własne słowa fundacji.".to_owned())].into();
    });
    k.tap("privacy");
    let texts = k.texts();
    assert!(
        texts.contains("Write to the Data Protection Officer, Mersey Care"),
        "{texts}"
    );
    assert!(
        texts.contains("What we keep"),
        "English has no notice of its own: built-in words"
    );
    k.tap("privacy-back");
    k.tap("language-pl");
    k.tap("privacy");
    let texts = k.texts();
    assert!(texts.contains("Własne słowa fundacji."), "{texts}");
    assert!(
        !texts.contains("Co zapisujemy"),
        "the trust's words replace the built-in ones"
    );
    assert!(texts.contains("Kogo zapytać"), "{texts}");
    // The contact falls back to English where the trust gave no Polish.
    assert!(
        texts.contains("Write to the Data Protection Officer"),
        "{texts}"
    );
}
