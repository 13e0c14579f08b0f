//! `hub-kiosk screenshots --out DIR`: every screen in every language, and each screen in high
//! contrast, large text and portrait, drawn by Slint's software renderer into memory and saved
//! as PNG. No display is needed; the benchmark (`benches/ui_frames.rs`) times the same frames.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::Rgb8Pixel;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, ModelRc, PhysicalSize, SharedString, VecModel};

use super::state::{Called, reset};
use super::{Api, Notice, Screen, Theme, Ui, build_ui, flow};
use crate::config::Config;
use crate::domain::MemberId;
use crate::hub::Hub;

/// A screen as a visitor meets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scene {
    Welcome,
    Needs,
    Member,
    CardRefused,
    Done,
    Calling,
    Countdown,
}

impl Scene {
    pub const ALL: [Scene; 7] = [
        Scene::Welcome,
        Scene::Needs,
        Scene::Member,
        Scene::CardRefused,
        Scene::Done,
        Scene::Calling,
        Scene::Countdown,
    ];

    /// The file name's first part: `needs-ar.png`.
    pub fn name(self) -> &'static str {
        match self {
            Scene::Welcome => "welcome",
            Scene::Needs => "needs",
            Scene::Member => "member",
            Scene::CardRefused => "card-refused",
            Scene::Done => "done",
            Scene::Calling => "calling",
            Scene::Countdown => "countdown",
        }
    }
}

/// High contrast, large text, both off.
#[derive(Clone, Copy, Debug, Default)]
pub struct Look {
    pub high_contrast: bool,
    pub large_text: bool,
}

struct OneWindow(Rc<MinimalSoftwareWindow>);

impl Platform for OneWindow {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.0.clone())
    }
}

/// The screen on an in-memory window. Only one per process (it installs Slint's platform).
pub struct Shooter {
    pub ui: Ui,
    window: Rc<MinimalSoftwareWindow>,
    dir: PathBuf,
}

impl Drop for Shooter {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Shooter {
    /// The screen for `config`, with an empty database in a temporary directory.
    pub fn new(mut config: Config) -> Result<Shooter, String> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        slint::platform::set_platform(Box::new(OneWindow(window.clone())))
            .map_err(|e| format!("cannot draw off screen: {e}"))?;
        let dir = std::env::temp_dir().join(format!("hub-kiosk-screens-{}", std::process::id()));
        config.kiosk.data_dir = dir.clone();
        let hub = Hub::open(config).map_err(|e| e.to_string())?;
        let ui = build_ui(hub).map_err(|e| e.to_string())?;
        ui.window.show().map_err(|e| e.to_string())?;
        Ok(Shooter { ui, window, dir })
    }

    /// The configured languages, and the default one.
    pub fn languages(&self) -> (Vec<String>, String) {
        let st = self.ui.state.borrow();
        let site = &st.hub.config.site;
        let langs = site.languages.iter().map(|l| l.as_str().to_owned()).collect();
        (langs, site.default_language.as_str().to_owned())
    }

    /// Sets the screen up as `scene` in `lang` with `look`.
    pub fn stage(&self, scene: Scene, lang: &str, look: Look) {
        let s = &self.ui.state;
        reset(s);
        flow::choose_language(s, lang);
        let w = &self.ui.window;
        let api = w.global::<Api>();
        let theme = w.global::<Theme>();
        theme.set_high_contrast(look.high_contrast);
        theme.set_large_text(look.large_text);
        let choose = |ids: &[&str]| {
            let mut st = s.borrow_mut();
            let ids_in: Vec<bool> = st
                .hub
                .config
                .catalogue
                .iter()
                .map(|n| ids.contains(&n.id.as_str()))
                .collect();
            st.chosen = ids_in;
            st.show_choices(w);
        };
        match scene {
            Scene::Welcome => {}
            Scene::Needs | Scene::Countdown => {
                choose(&["advisor", "courses"]);
                api.set_screen(Screen::Needs);
                if scene == Scene::Countdown {
                    api.set_countdown(7);
                }
            }
            Scene::Member => {
                s.borrow_mut().member = MemberId::new("M-1001").ok();
                api.set_member("M-1001".into());
                choose(&["housing"]);
                api.set_screen(Screen::Needs);
            }
            Scene::CardRefused => {
                api.set_notice_kind(Notice::CardExpired);
                api.set_screen(Screen::Needs);
            }
            Scene::Done => {
                api.set_ticket("A 014".into());
                api.set_position(3);
                api.set_wait_low(15);
                api.set_wait_high(30);
                let st = s.borrow();
                let lines: Vec<SharedString> = st
                    .hub
                    .config
                    .catalogue
                    .get("courses")
                    .and_then(|n| {
                        n.directions(lang)
                            .map(|d| format!("{}: {d}", n.label(lang)).into())
                    })
                    .into_iter()
                    .collect();
                api.set_directions(ModelRc::new(VecModel::from(lines)));
                api.set_screen(Screen::Done);
            }
            Scene::Calling => {
                let loc = |n: &str| {
                    crate::config::Texts::from([
                        ("en".into(), format!("Room {n}")),
                        ("pl".into(), format!("Pokój {n}")),
                        ("ar".into(), format!("الغرفة {n}")),
                        ("zh".into(), format!("{n}号房间")),
                    ])
                };
                let mut st = s.borrow_mut();
                st.calls = [("A 014", "2"), ("A 013", "1"), ("A 012", "2")]
                    .into_iter()
                    .map(|(t, r)| Called {
                        ticket: t.into(),
                        location: loc(r),
                    })
                    .collect();
                st.show_calls(w);
            }
        }
    }

    /// Draws the whole screen at `width`×`height` and returns its RGB bytes.
    pub fn render(&self, width: u32, height: u32) -> Vec<u8> {
        self.window.set_size(PhysicalSize::new(width, height));
        let theme = self.ui.window.global::<Theme>();
        let (w, h) = (width as f32, height as f32);
        theme.set_u(if height > width {
            f32::min(w / 800.0, h / 1280.0)
        } else {
            f32::min(w / 1280.0, h / 800.0)
        });
        theme.set_portrait(height > width);
        slint::platform::update_timers_and_animations();
        self.window.request_redraw();
        let mut pixels = vec![Rgb8Pixel::default(); (width * height) as usize];
        self.window.draw_if_needed(|r| {
            r.render(&mut pixels, width as usize);
        });
        pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect()
    }
}

/// Writes an RGB image as PNG.
pub fn write_png(path: &Path, width: u32, height: u32, rgb: &[u8]) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()
        .and_then(|mut w| w.write_image_data(rgb))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Every scene in every configured language at `width`×`height`, then each scene in high
/// contrast, large text and portrait in the default language. Returns the files written.
pub fn write_all(
    shooter: &Shooter,
    out: &Path,
    width: u32,
    height: u32,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let (langs, default) = shooter.languages();
    let mut written = Vec::new();
    let mut shot = |scene: Scene, lang: &str, look: Look, suffix: &str, (w, h): (u32, u32)| {
        shooter.stage(scene, lang, look);
        let rgb = shooter.render(w, h);
        let path = out.join(format!("{}-{lang}{suffix}.png", scene.name()));
        write_png(&path, w, h, &rgb)?;
        written.push(path);
        Ok::<(), String>(())
    };
    let size = (width, height);
    for scene in Scene::ALL {
        for lang in &langs {
            shot(scene, lang, Look::default(), "", size)?;
        }
        let contrast = Look {
            high_contrast: true,
            ..Look::default()
        };
        shot(scene, &default, contrast, "-high-contrast", size)?;
        let large = Look {
            large_text: true,
            ..Look::default()
        };
        shot(scene, &default, large, "-large-text", size)?;
        shot(
            scene,
            &default,
            Look::default(),
            "-portrait",
            (height, width),
        )?;
    }
    Ok(written)
}
