//! The card face as a PNG for printing: the SVG of `face.rs` drawn by resvg at 300 dpi, with
//! the resolution written into the file so it prints at 85.6 × 54 mm.
//!
//! resvg draws text with fonts it is given, so this module finds common fonts on the machine
//! (DejaVu, Liberation, Noto, FreeFont) or takes the files named with `--font`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use resvg::{tiny_skia, usvg};

use super::face::{DPI, HEIGHT, WIDTH};

/// Font files tried first, in order: the families the card's SVG names.
const PREFERRED: &[&str] = &[
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationMono-Regular.ttf",
    "LiberationMono-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansMono-Regular.ttf",
    "NotoSansMono-Bold.ttf",
    "FreeSans.ttf",
    "FreeSansBold.ttf",
    "FreeMono.ttf",
    "FreeMonoBold.ttf",
];
/// Without any preferred font, load at most this many others.
const ANY_FONTS: usize = 8;

/// Where fonts usually are on Linux.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![
        PathBuf::from("/usr/share/fonts"),
        PathBuf::from("/usr/local/share/fonts"),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
        dirs.push(Path::new(&home).join(".fonts"));
    }
    dirs
}

/// Font files under `dir`, by file name (the first found wins), a few levels deep.
fn collect(dir: &Path, depth: u8, found: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth > 0 {
                collect(&path, depth - 1, found);
            }
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str())
            && (name.ends_with(".ttf") || name.ends_with(".otf"))
        {
            found.entry(name.to_owned()).or_insert(path);
        }
    }
}

/// A font database for the card: `extra` files first, then the usual fonts of the machine.
pub fn fonts(extra: &[PathBuf]) -> Result<usvg::fontdb::Database, String> {
    let mut db = usvg::fontdb::Database::new();
    for f in extra {
        let data =
            std::fs::read(f).map_err(|e| format!("cannot read the font {}: {e}", f.display()))?;
        let before = db.len();
        db.load_font_data(data);
        if db.len() == before {
            return Err(format!(
                "{} is not a TrueType or OpenType font",
                f.display()
            ));
        }
    }
    let mut found = BTreeMap::new();
    for dir in font_dirs() {
        collect(&dir, 4, &mut found);
    }
    let mut paths: Vec<&PathBuf> = PREFERRED.iter().filter_map(|n| found.get(*n)).collect();
    if paths.is_empty() {
        paths = found.values().take(ANY_FONTS).collect();
    }
    for p in paths {
        if let Ok(data) = std::fs::read(p) {
            db.load_font_data(data);
        }
    }
    let family = |mono: bool| {
        db.faces()
            .find(|f| f.monospaced == mono)
            .or_else(|| db.faces().next())
            .and_then(|f| f.families.first())
            .map(|(name, _)| name.clone())
    };
    let (Some(sans), Some(mono)) = (family(false), family(true)) else {
        return Err(
            "no font found to print the card's text: install one (on Debian and Raspberry Pi OS: \
                    `apt install fonts-dejavu-core`) or pass --font FILE.ttf"
                .into(),
        );
    };
    db.set_sans_serif_family(sans);
    db.set_monospace_family(mono);
    Ok(db)
}

/// Draws an SVG made by `face::svg` as an opaque RGB image of `WIDTH` × `HEIGHT` pixels.
pub fn rgb(svg: &str, fonts: usvg::fontdb::Database) -> Result<Vec<u8>, String> {
    let mut opt = usvg::Options {
        dpi: DPI as f32,
        ..Default::default()
    };
    *opt.fontdb_mut() = fonts;
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("cannot draw the card: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the image")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let fit = tiny_skia::Transform::from_scale(
        WIDTH as f32 / size.width(),
        HEIGHT as f32 / size.height(),
    );
    resvg::render(&tree, fit, &mut pixmap.as_mut());
    // Opaque on white, so the premultiplied colour is the colour.
    Ok(pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect())
}

/// Encodes RGB pixels as a PNG that says it is 300 dpi.
pub fn png(rgb: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    // The strongest DEFLATE level with a filter chosen per row: cards are few and kept.
    enc.set_compression(png::Compression::High);
    // Pixels per metre: 300 per inch.
    let ppm = (f64::from(DPI) / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: ppm,
        yppu: ppm,
        unit: png::Unit::Meter,
    }));
    let mut w = enc
        .write_header()
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    w.write_image_data(rgb)
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    w.finish()
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    Ok(out)
}

/// The card face SVG as a printable PNG.
pub fn svg_to_png(svg: &str, extra_fonts: &[PathBuf]) -> Result<Vec<u8>, String> {
    png(&rgb(svg, fonts(extra_fonts)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_font_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("notes.ttf");
        std::fs::write(&bad, "not a font").unwrap();
        let e = fonts(&[bad]).unwrap_err();
        assert!(
            e.contains("notes.ttf is not a TrueType or OpenType font"),
            "{e}"
        );
        let missing = dir.path().join("missing.ttf");
        assert!(
            fonts(&[missing])
                .unwrap_err()
                .contains("cannot read the font")
        );
    }

    #[test]
    fn text_is_drawn_with_the_machine_fonts() {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
             width=\"85.6mm\" height=\"54mm\" preserveAspectRatio=\"none\">\
             <text x=\"10\" y=\"300\" font-size=\"200\" font-family=\"sans-serif\">MMMM</text></svg>"
        );
        let pixels = rgb(&svg, fonts(&[]).unwrap()).unwrap();
        assert_eq!(pixels.len(), (WIDTH * HEIGHT * 3) as usize);
        let dark = pixels.chunks(3).filter(|p| p[0] < 128).count();
        assert!(dark > 10_000, "{dark} dark pixels: the text was not drawn");
    }
}
