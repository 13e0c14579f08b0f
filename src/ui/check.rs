//! `hub-kiosk screenshots --check`: every screen × every language × {normal, large text, high
//! contrast} × {1280×800, 800×480 and both in portrait}, laid out off screen and measured
//! ([`super::fit`]). Each text that does not fit is listed by screen, language, mode, size and
//! element; a PNG of each screen with a problem is written beside the screenshots.

use std::path::Path;

use slint::ComponentHandle;

use super::fit::{self, measure::Unmeasurable};
use super::screenshots::{Look, Scene, Shooter, write_png};

/// The sizes checked: landscape, then portrait.
pub const SIZES: [(u32, u32); 4] = [(1280, 800), (800, 480), (800, 1280), (480, 800)];

/// The reading modes checked, with their names in the report.
pub const MODES: [(&str, Look); 3] = [
    (
        "normal",
        Look {
            high_contrast: false,
            large_text: false,
        },
    ),
    (
        "large-text",
        Look {
            high_contrast: false,
            large_text: true,
        },
    ),
    (
        "high-contrast",
        Look {
            high_contrast: true,
            large_text: false,
        },
    ),
];

/// What the check says when the build cannot measure.
pub const NO_DEBUG_INFO: &str = "this build of hub-kiosk has no Slint debug info, so the layout \
    check cannot name or measure the screen's elements. Run it from a debug or test build \
    (`cargo build`, which `.ci/run` makes), or build with SLINT_EMIT_DEBUG_INFO=1";

/// Checks every combination; returns one line per problem (empty when every word fits).
pub fn check_all(shooter: &Shooter, out: &Path) -> Result<Vec<String>, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let (langs, _) = shooter.languages();
    let mut lines = Vec::new();
    for scene in Scene::ALL {
        for lang in &langs {
            for (mode, look) in MODES {
                for (w, h) in SIZES {
                    shooter.stage(scene, lang, look);
                    shooter.resize(w, h);
                    let found = fit::check_window(shooter.ui.window.window())
                        .map_err(|Unmeasurable::NoDebugInfo| NO_DEBUG_INFO.to_owned())?;
                    if found.is_empty() {
                        continue;
                    }
                    let at = format!("{} {lang} {mode} {w}x{h}", scene.name());
                    let png = out.join(format!("check-{}.png", at.replace(' ', "-")));
                    write_png(&png, w, h, &shooter.render(w, h))?;
                    lines.extend(found.into_iter().map(|p| format!("{at}: {p}")));
                }
            }
        }
    }
    Ok(lines)
}
