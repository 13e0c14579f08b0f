//! The layout check catches what it is for: on its fixtures (tests/fixtures/fit.slint) a text
//! two lines high in a box one line high is "clipped vertically", a line wider than its box is
//! "clipped horizontally", and a text that fits is not listed; and `hub-kiosk screenshots
//! --check` exits 1 naming a need whose one long word is wider than its tile.

use std::process::Command;
use std::rc::Rc;

use hub_kiosk::ui::fit::{check_window, fixtures::ClippedTexts};
use slint::ComponentHandle;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};

struct OneWindow(Rc<MinimalSoftwareWindow>);

impl Platform for OneWindow {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.0.clone())
    }
}

#[test]
fn the_check_finds_a_text_clipped_vertically_and_one_clipped_horizontally() {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(OneWindow(window.clone()))).unwrap();
    let fixture = ClippedTexts::new().unwrap();
    fixture.show().unwrap();
    window.set_size(slint::PhysicalSize::new(600, 400));
    let found: Vec<String> = check_window(fixture.window())
        .expect("test builds carry Slint's debug info")
        .iter()
        .map(|p| p.to_string())
        .collect();
    let about = |id: &str| {
        found
            .iter()
            .filter(|p| p.starts_with(id))
            .collect::<Vec<_>>()
    };
    let tall = about("ClippedTexts::tall ");
    assert!(
        tall.iter().any(|p| p.contains("clipped vertically")),
        "{found:#?}"
    );
    let wide = about("ClippedTexts::wide ");
    assert!(
        wide.iter()
            .any(|p| p.contains("clipped horizontally: one line needs")),
        "{found:#?}"
    );
    assert!(about("ClippedTexts::fits ").is_empty(), "{found:#?}");
}

#[test]
fn screenshots_check_exits_non_zero_naming_a_word_too_wide_for_its_tile() {
    let dir = tempfile::tempdir().unwrap();
    let example = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["config", "example"])
        .output()
        .unwrap();
    let long = "Volunteeringandemploymentopportunities";
    let config = String::from_utf8(example.stdout)
        .unwrap()
        .replace(
            "languages = [\"en\", \"pl\", \"ar\", \"zh\"]",
            "languages = [\"en\"]",
        )
        .replace(
            "en = \"Work and volunteering\"",
            &format!("en = \"{long}\""),
        )
        // The staff pages are not served here: no certificate needed.
        .replace("listen = \"0.0.0.0:8080\"", "listen = \"127.0.0.1:8080\"")
        .replace("\ntls = {", "\n# tls = {");
    assert!(config.contains(long));
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, config).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["screenshots", "--check", "--out"])
        .arg(dir.path().join("shots"))
        .arg("--config")
        .arg(&path)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{out}\n{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("welcome en normal 1280x800: ") && l.contains(long))
        .unwrap_or_else(|| panic!("the long word on the welcome screen is listed:\n{out}"));
    assert!(
        line.contains("clipped horizontally: its longest word needs"),
        "{line}"
    );
    assert!(err.contains("texts do not fit"), "{err}");
    assert!(
        dir.path()
            .join("shots/check-welcome-en-normal-1280x800.png")
            .exists(),
        "a picture of the screen with the problem"
    );
}
