//! The floor a Slint kiosk cannot go below: the welcome screen's elements drawn once and left
//! alone. The same window (`ui/app.slint`, built with the same Slint, renderer and the Noto
//! fonts it imports), the same size, the demo's site name, lines, languages and needs set once
//! as plain values — no database, no configuration, no async runtime, no other thread.
//! `benches/run-all` measures it beside `hub-kiosk run` (first frame, memory, wake-ups, CPU).
//!
//!   cargo build --release --example slint_floor && target/release/examples/slint_floor

// No function over 80 lines (clippy.toml).
#![warn(clippy::too_many_lines)]

use hub_kiosk::domain::needs::default_needs;
use hub_kiosk::ui::{Api, AppWindow, LanguageChoice, NeedTile};
use slint::{ComponentHandle, ModelRc, VecModel};

/// The demo's site (src/config/demo.toml), so both draw the same words.
const SITE: &str = "The Life Rooms (demo)";
const WELCOME: &str = "Welcome – it's good to see you. Come in, take your time.";
const HELP: &str = "Need a hand? Anyone wearing a green lanyard can help.";
const LANGUAGES: [(&str, &str); 4] = [
    ("en", "English"),
    ("pl", "Polski"),
    ("ar", "العربية"),
    ("zh", "中文"),
];

fn main() -> Result<(), slint::PlatformError> {
    let window = AppWindow::new()?;
    let api = window.global::<Api>();
    api.set_site_name(SITE.into());
    api.set_welcome_line(WELCOME.into());
    api.set_help_line(HELP.into());
    api.set_language("en".into());
    let languages: Vec<LanguageChoice> = LANGUAGES
        .iter()
        .map(|(code, name)| LanguageChoice {
            code: (*code).into(),
            name: (*name).into(),
        })
        .collect();
    api.set_languages(ModelRc::new(VecModel::from(languages)));
    let tiles: Vec<NeedTile> = default_needs()
        .iter()
        .map(|n| NeedTile {
            id: n.id.as_str().into(),
            label: n.label("en").into(),
            icon: n.icon.as_str().into(),
            drop_in: n.drop_in,
            chosen: false,
        })
        .collect();
    api.set_needs(ModelRc::new(VecModel::from(tiles)));
    window.run()
}
