//! A configuration reloaded while the real screen runs (driven headless): on an untouched
//! Welcome the new site name and needs show at once; a visitor choosing needs keeps the screen
//! they are using, and the next visitor gets the new one. The help line (whom to ask) is on
//! Welcome in every language, and a trust's new words reach the screen the same way.
//!
//! One test function: Slint's testing platform can be set once per process.

mod ui_support;

use hub_kiosk::config::Config;
use hub_kiosk::domain::Catalogue;
use hub_kiosk::ui::Screen;
use slint::Model;
use ui_support::{Kiosk, run, until};

/// The running configuration renamed, with only the needs in `keep`.
fn edited(k: &Kiosk, name: &str, keep: &[&str]) -> Config {
    let mut c = (*k.hub.config()).clone();
    c.site.name = name.into();
    let needs = c
        .catalogue
        .iter()
        .filter(|n| keep.contains(&n.id.as_str()))
        .cloned()
        .collect();
    c.catalogue = Catalogue::new(needs).unwrap();
    c
}

fn tile_ids(k: &Kiosk) -> Vec<String> {
    let api = k.ui.api();
    api.get_needs().iter().map(|t| t.id.to_string()).collect()
}

#[test]
fn a_reloaded_configuration_reaches_the_screen() {
    run(|| async {
        needs_and_name_follow_a_reload().await;
        the_help_line_shows_in_every_language_and_follows_a_reload().await;
    });
}

async fn needs_and_name_follow_a_reload() {
    {
        let k = Kiosk::new(|_| {});
        let api = k.ui.api();
        assert!(tile_ids(&k).len() > 2);

        k.hub
            .replace_config(edited(&k, "Walton Life Rooms", &["housing", "visiting"]));
        until("the new needs on Welcome", || {
            tile_ids(&k) == ["housing", "visiting"]
        })
        .await;
        assert_eq!(api.get_site_name(), "Walton Life Rooms");
        assert!(k.texts().contains("Walton Life Rooms"), "{}", k.texts());

        // A visitor in the middle of choosing is left alone.
        k.tap("check-in");
        k.tap("need-housing");
        k.hub
            .replace_config(edited(&k, "Bootle Life Rooms", &["visiting"]));
        for _ in 0..10 {
            ui_support::yield_now().await;
        }
        assert_eq!(api.get_screen(), Screen::Needs);
        assert_eq!(tile_ids(&k), ["housing", "visiting"]);
        assert_eq!(api.get_site_name(), "Walton Life Rooms");
        assert!(k.try_find("need-housing").is_some());

        // Once they are forgotten, the next visitor has the new screen.
        k.tap("back");
        until("the new needs after the visitor", || {
            tile_ids(&k) == ["visiting"]
        })
        .await;
        assert_eq!(api.get_screen(), Screen::Welcome);
        assert_eq!(api.get_site_name(), "Bootle Life Rooms");
    }
}

async fn the_help_line_shows_in_every_language_and_follows_a_reload() {
    let k = Kiosk::new(|_| {});
    let demo = k.hub.config().site.help.clone();
    for lang in ["en", "pl", "ar", "zh"] {
        k.tap(&format!("language-{lang}"));
        let texts = k.texts();
        assert!(texts.contains(demo[lang].as_str()), "{lang}: {texts}");
    }
    k.tap("language-en");
    let mut c = (*k.hub.config()).clone();
    c.site
        .help
        .insert("en".into(), "Ask anyone at the red desk.".into());
    k.hub.replace_config(c);
    until("the new help line", || {
        k.texts().contains("Ask anyone at the red desk.")
    })
    .await;
}
