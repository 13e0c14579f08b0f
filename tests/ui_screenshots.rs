//! `hub-kiosk screenshots --out DIR` with no display: a PNG for every screen in every language
//! (`needs-ar.png`), plus high contrast, large text and portrait; each one a real picture, and
//! the Arabic welcome screen mirrored relative to the English one.

use std::path::Path;
use std::process::Command;

const SCREENS: [&str; 8] = [
    "welcome",
    "needs",
    "member",
    "card-refused",
    "done",
    "calling",
    "countdown",
    "privacy",
];

fn read(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![
        0;
        reader
            .output_buffer_size()
            .expect("a frame that fits in memory")
    ];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Mean brightness of the left and the right third of an RGB image.
fn thirds(w: u32, rgb: &[u8]) -> (f64, f64) {
    let (mut left, mut right, mut n) = (0u64, 0u64, 0u64);
    for (i, px) in rgb.chunks(3).enumerate() {
        let x = i as u32 % w;
        let v = u64::from(px[0]) + u64::from(px[1]) + u64::from(px[2]);
        if x < w / 3 {
            left += v;
            n += 1;
        } else if x >= 2 * w / 3 {
            right += v;
        }
    }
    (left as f64 / n as f64, right as f64 / n as f64)
}

#[test]
fn every_screen_in_every_language_is_drawn_without_a_display() {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["screenshots", "--out"])
        .arg(out.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HUB_KIOSK_DEMO_DIR", out.path().join("demo"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for screen in SCREENS {
        for lang in ["en", "pl", "ar", "zh"] {
            let (w, h, rgb) = read(&out.path().join(format!("{screen}-{lang}.png")));
            assert_eq!((w, h), (1280, 800));
            let first = &rgb[..3];
            assert!(
                rgb.chunks(3).any(|p| p != first),
                "{screen}-{lang} is blank"
            );
        }
        for extra in ["high-contrast", "large-text"] {
            let (w, h, _) = read(&out.path().join(format!("{screen}-en-{extra}.png")));
            assert_eq!((w, h), (1280, 800));
        }
        let (w, h, _) = read(&out.path().join(format!("{screen}-en-portrait.png")));
        assert_eq!((w, h), (800, 1280));
    }
    // The welcome screen's dark check-in button is on the left in English, on the right in Arabic.
    let (w, _, en) = read(&out.path().join("welcome-en.png"));
    let (_, _, ar) = read(&out.path().join("welcome-ar.png"));
    let (en_l, en_r) = thirds(w, &en);
    let (ar_l, ar_r) = thirds(w, &ar);
    assert!(
        en_l < en_r && ar_l > ar_r,
        "mirrored: en {en_l:.0}/{en_r:.0}, ar {ar_l:.0}/{ar_r:.0}"
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["screenshots", "--size", "12x7", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("200 to 8000"));
}
