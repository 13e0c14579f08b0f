//! Helpers shared by the card tests: running the binary and reading a printed card back.
#![allow(dead_code, reason = "each test file uses some of these")]

use std::path::Path;
use std::process::{Command, Output};

pub fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .env("HUB_KIOSK_DEMO_DIR", std::env::temp_dir())
        .output()
        .unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A card PNG: its size in pixels, its pixels per metre, and the text of every QR code in it.
pub struct Printed {
    pub size: (u32, u32),
    pub pixels_per_metre: Option<u32>,
    pub codes: Vec<String>,
}

pub fn read_png(path: &Path) -> Printed {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![
        0;
        reader
            .output_buffer_size()
            .expect("a frame that fits in memory")
    ];
    let frame = reader.next_frame(&mut buf).unwrap();
    let ppm = reader
        .info()
        .pixel_dims
        .filter(|d| d.unit == png::Unit::Meter && d.xppu == d.yppu)
        .map(|d| d.xppu);
    let channels = frame.color_type.samples();
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let (w, h) = (frame.width as usize, frame.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let p = &buf[(y * w + x) * channels..];
        if channels >= 3 {
            ((u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) / 3) as u8
        } else {
            p[0]
        }
    });
    let codes = img
        .detect_grids()
        .into_iter()
        .map(|g| g.decode().unwrap().1)
        .collect();
    Printed {
        size: (frame.width, frame.height),
        pixels_per_metre: ppm,
        codes,
    }
}
