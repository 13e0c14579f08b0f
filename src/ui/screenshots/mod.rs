//! `hub-kiosk screenshots --out DIR`: every screen in every language, and each screen in high
//! contrast, large text and portrait, drawn by Slint's software renderer into memory and saved
//! as PNG. Each screen is reached through the visitor's real flow (taps, a scan, an answer from
//! the worker), with a stand-in worker giving set answers, so nothing is saved. No display is
//! needed; the benchmark (`benches/ui_frames.rs`) times the same frames.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use slint::Rgb8Pixel;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize};

use super::visit::{Card, Effect, Input, OnNow, Saved};
use super::{Theme, Ui, build_ui_with};
use crate::config::Config;
use crate::domain::MemberId;
use crate::hub::Hub;
use answers::{at_session, on_now, room_texts, shot_day};

mod answers;
use crate::scanner::Scanned;

/// A screen as a visitor meets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scene {
    Welcome,
    Needs,
    Member,
    CardRefused,
    Done,
    /// The done screen when drop-in advice is closed: when it opens again.
    Closed,
    /// The done screen when nobody more can be seen today: when it opens again, reception.
    TooLate,
    /// The done screen while staff paused drop-ins.
    Paused,
    /// "I need to talk to someone now": the alert is up.
    Help,
    /// The help screen when nobody acknowledged the alert in time.
    HelpEscalated,
    Calling,
    Countdown,
    /// "Which session are you here for?", with a cancelled one.
    Sessions,
    /// The same after a member's card.
    MemberSessions,
    /// Done after a session that is over its places, offering the next student the sessions.
    SessionDone,
    /// "How we use information", opened from Welcome.
    Privacy,
}

impl Scene {
    pub const ALL: [Scene; 16] = [
        Scene::Welcome,
        Scene::Needs,
        Scene::Member,
        Scene::CardRefused,
        Scene::Done,
        Scene::Closed,
        Scene::TooLate,
        Scene::Paused,
        Scene::Help,
        Scene::HelpEscalated,
        Scene::Calling,
        Scene::Countdown,
        Scene::Sessions,
        Scene::MemberSessions,
        Scene::SessionDone,
        Scene::Privacy,
    ];

    /// The file name's first part: `needs-ar.png`.
    pub fn name(self) -> &'static str {
        match self {
            Scene::Welcome => "welcome",
            Scene::Needs => "needs",
            Scene::Member => "member",
            Scene::CardRefused => "card-refused",
            Scene::Done => "done",
            Scene::Closed => "closed",
            Scene::TooLate => "too-late",
            Scene::Paused => "paused",
            Scene::Help => "help",
            Scene::HelpEscalated => "help-escalated",
            Scene::Calling => "calling",
            Scene::Countdown => "countdown",
            Scene::Sessions => "sessions",
            Scene::MemberSessions => "member-sessions",
            Scene::SessionDone => "session-done",
            Scene::Privacy => "privacy",
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

/// The answers the stand-in worker gives.
#[derive(Clone, Debug)]
struct Answers {
    saved: Saved,
    card: Card,
    on_now: OnNow,
}

/// The screen on an in-memory window. Only one per process (it installs Slint's platform).
pub struct Shooter {
    pub ui: Ui,
    window: Rc<MinimalSoftwareWindow>,
    answers: Rc<RefCell<Answers>>,
    dir: PathBuf,
}

impl Drop for Shooter {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The help request the stand-in worker says it raised.
const HELP_ID: i64 = 7;

impl Shooter {
    /// The screen for `config`, with an empty database in a temporary directory.
    pub fn new(mut config: Config) -> Result<Shooter, String> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        slint::platform::set_platform(Box::new(OneWindow(window.clone())))
            .map_err(|e| format!("cannot draw off screen: {e}"))?;
        let dir = std::env::temp_dir().join(format!("hub-kiosk-screens-{}", std::process::id()));
        config.kiosk.data_dir = dir.clone();
        let hub = Hub::open(config).map_err(|e| e.to_string())?;
        let answers = Rc::new(RefCell::new(Answers {
            saved: Saved::Failed("no answer set".into()),
            card: Card::Refused,
            on_now: on_now(),
        }));
        let given = answers.clone();
        let stand = Rc::new(move |job: &Effect| {
            let a = given.borrow();
            match job {
                Effect::CheckIn { generation, .. } => Some(Input::CheckInAnswered {
                    generation: *generation,
                    saved: a.saved.clone(),
                }),
                Effect::CheckCard { generation, .. } => Some(Input::CardAnswered {
                    generation: *generation,
                    card: a.card.clone(),
                }),
                Effect::FindSessions { generation } => Some(Input::SessionsFound {
                    generation: *generation,
                    on_now: a.on_now.clone(),
                }),
                Effect::RequestHelp { generation } => Some(Input::HelpAnswered {
                    generation: *generation,
                    raised: Some(HELP_ID),
                }),
                _ => None,
            }
        });
        let ui = build_ui_with(hub, stand).map_err(|e| e.to_string())?;
        ui.window.show().map_err(|e| e.to_string())?;
        Ok(Shooter {
            ui,
            window,
            answers,
            dir,
        })
    }

    /// The configured languages, and the default one.
    pub fn languages(&self) -> (Vec<String>, String) {
        let visit = self.ui.visit();
        let site = &visit.config().site;
        let langs = site
            .languages
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect();
        (langs, site.default_language.as_str().to_owned())
    }

    /// The positions of the first of `ids` the catalogue has (else its first needs).
    fn needs(&self, ids: &[&str]) -> Vec<usize> {
        let visit = self.ui.visit();
        let catalogue = &visit.config().catalogue;
        let found: Vec<usize> = ids
            .iter()
            .filter_map(|id| catalogue.iter().position(|n| n.id.as_str() == *id))
            .collect();
        if found.is_empty() {
            (0..catalogue.len().min(ids.len())).collect()
        } else {
            found
        }
    }

    /// Sets the screen up as `scene` in `lang` with `look`, the way a visitor gets there.
    pub fn stage(&self, scene: Scene, lang: &str, look: Look) {
        let ui = &self.ui;
        ui.reset();
        ui.calls_expired();
        ui.input(Input::Language(lang.to_owned()));
        if look.large_text {
            ui.input(Input::LargeText);
        }
        if look.high_contrast {
            ui.input(Input::HighContrast);
        }
        // Sessions are on only for the scenes about them; elsewhere Courses is a plain need.
        let sessions = matches!(
            scene,
            Scene::Sessions | Scene::MemberSessions | Scene::SessionDone
        );
        self.answers.borrow_mut().on_now = if sessions { on_now() } else { OnNow::default() };
        let tap_needs = |ids: &[&str]| {
            ui.input(Input::CheckIn);
            for i in self.needs(ids) {
                ui.input(Input::Need(i));
            }
        };
        let scan = |card: Card| {
            self.answers.borrow_mut().card = card;
            ui.input(Input::Scanned(Scanned::Line(b"HK1:a card".to_vec())));
        };
        match scene {
            Scene::Welcome => {}
            Scene::Privacy => ui.input(Input::Privacy),
            Scene::Needs => tap_needs(&["advisor", "courses"]),
            Scene::Countdown => {
                tap_needs(&["advisor", "courses"]);
                ui.input(Input::IdleElapsed);
            }
            Scene::Member => {
                scan(Card::Member(
                    MemberId::new("M-1001").expect("a valid number"),
                ));
                for i in self.needs(&["housing"]) {
                    ui.input(Input::Need(i));
                }
            }
            Scene::CardRefused => scan(Card::Expired),
            Scene::Done | Scene::Closed | Scene::TooLate | Scene::Paused => self.check_in(scene),
            Scene::Sessions | Scene::SessionDone => {
                for i in self.needs(&["courses"]) {
                    ui.input(Input::NeedOnWelcome(i));
                }
                if scene == Scene::SessionDone {
                    self.answers.borrow_mut().saved = Saved::Yes(at_session(shot_day()));
                    ui.input(Input::Session(0));
                }
            }
            Scene::MemberSessions => scan(Card::Member(
                MemberId::new("M-1001").expect("a valid number"),
            )),
            Scene::Help => ui.input(Input::Help),
            Scene::HelpEscalated => {
                ui.input(Input::Help);
                ui.input(Input::HelpEscalated(HELP_ID));
            }
            Scene::Calling => {
                // The latest call is for a visitor who checked in in Polish.
                for (ticket, room, lang) in [
                    ("A 012", "2", "en"),
                    ("A 013", "1", "en"),
                    ("A 014", "2", "pl"),
                ] {
                    ui.now_calling(ticket.into(), room_texts(room), lang);
                }
            }
        }
    }

    /// Done: a ticket with two sets of directions; Closed and TooLate: no ticket, open again on
    /// Monday; Paused: no ticket while staff paused drop-ins.
    fn check_in(&self, scene: Scene) {
        let no_ticket = match scene {
            Scene::Done => None,
            Scene::TooLate => Some(crate::hub::NoTicket::TooLate),
            Scene::Paused => Some(crate::hub::NoTicket::Paused),
            _ => Some(crate::hub::NoTicket::Closed),
        };
        self.answers.borrow_mut().saved = Saved::Yes(answers::checked(no_ticket));
        let ids: &[&str] = if scene == Scene::Done {
            &["advisor", "courses", "peer"]
        } else {
            &["housing"]
        };
        self.ui.input(Input::CheckIn);
        for i in self.needs(ids) {
            self.ui.input(Input::Need(i));
        }
        self.ui.input(Input::Done);
    }

    /// Lays the screen out at `width`×`height` without drawing it.
    pub fn resize(&self, width: u32, height: u32) {
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
    }

    /// Draws the whole screen at `width`×`height` and returns its RGB bytes.
    pub fn render(&self, width: u32, height: u32) -> Vec<u8> {
        self.resize(width, height);
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
