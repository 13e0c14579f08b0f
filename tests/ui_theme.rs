//! Contrast of every text colour on the background it is drawn on, read from the screen's own
//! `Theme`: at least 4.5:1 (WCAG AA), and at least 7:1 (AAA) in high contrast. Touch targets:
//! every button and tile is at least 15 mm on a 7" 1280×800 and 800×480 panel.

use hub_kiosk::config::Config;
use hub_kiosk::ui::{AppWindow, Theme};
use i_slint_backend_testing::ElementQuery;
use slint::{Color, ComponentHandle};

fn luminance(c: Color) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())
}

fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn pairs(t: &Theme) -> Vec<(&'static str, Color, Color)> {
    vec![
        ("text on background", t.get_text(), t.get_background()),
        ("muted on background", t.get_muted(), t.get_background()),
        ("text on surface", t.get_text(), t.get_surface()),
        ("muted on surface", t.get_muted(), t.get_surface()),
        ("header text", t.get_on_header(), t.get_header()),
        ("primary button", t.get_on_primary(), t.get_primary()),
        ("chosen tile", t.get_on_chosen(), t.get_chosen()),
        ("banner", t.get_on_banner(), t.get_banner()),
        ("notice", t.get_on_notice(), t.get_notice()),
        ("text on quiet button", t.get_text(), t.get_quiet_button()),
        ("help button", t.get_on_help(), t.get_help()),
    ]
}

#[test]
fn colours_are_readable_and_targets_are_large_enough() {
    i_slint_backend_testing::init_no_event_loop();
    let w = AppWindow::new().unwrap();
    let theme = w.global::<Theme>();
    for (high, least) in [(false, 4.5), (true, 7.0)] {
        theme.set_high_contrast(high);
        for (what, fg, bg) in pairs(&theme) {
            let c = contrast(fg, bg);
            assert!(
                c >= least,
                "{what}: {c:.2}:1 < {least}:1 (high contrast {high})"
            );
        }
    }

    // The real screen with the demo's needs, at 1280×800 (8.49 px/mm) and 800×480 (5.24 px/mm).
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::demo();
    config.kiosk.data_dir = dir.path().to_owned();
    let hub = hub_kiosk::hub::Hub::open(config).unwrap();
    let ui = hub_kiosk::ui::build_ui(hub).unwrap();
    ui.window.show().unwrap();
    for (width, height, px_per_mm) in [(1280, 800, 8.49), (800, 480, 5.24)] {
        ui.window
            .window()
            .set_size(slint::PhysicalSize::new(width, height));
        let t = ui.window.global::<Theme>();
        t.set_u(f32::min(width as f32 / 1280.0, height as f32 / 800.0));
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(10));
        let targets: Vec<_> = ElementQuery::from_root(&ui.window)
            .match_descendants()
            .match_predicate(|e| {
                e.accessible_id().is_some_and(|i| !i.is_empty()) && e.accessible_enabled().is_some()
                    || e.accessible_checkable() == Some(true)
            })
            .find_all();
        assert!(
            targets.len() >= 15,
            "buttons, tiles and languages found: {}",
            targets.len()
        );
        for e in targets {
            let size = e.size();
            let id = e.accessible_id().unwrap_or_default();
            let mm = f64::from(size.width.min(size.height)) / px_per_mm;
            assert!(
                mm >= 15.0,
                "`{id}` is {:.1} mm at {width}×{height} ({size:?})",
                mm
            );
        }
    }
}
