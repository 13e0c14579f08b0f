//! The printed card: an ID-1 (credit-card, 85.6 × 54 mm) face as SVG with the hub's name, the
//! member number, the card's serial and expiry, and the card's QR code.
//!
//! The SVG's units are the dots of a 300 dpi printer (1011 × 638), so the PNG made from it
//! (`raster.rs`) puts every QR module on whole pixels. The QR code is made by the `qrcode` crate
//! at error correction M, and nothing is drawn in its four-module quiet zone.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode, Version};

use crate::domain::card::Card;
use crate::report::escape;

/// Width and height in 300 dpi dots.
pub const WIDTH: u32 = 1011;
pub const HEIGHT: u32 = 638;
/// The print resolution the layout is drawn for.
pub const DPI: u32 = 300;
/// Light modules a QR code needs around it to be read (ISO/IEC 18004).
pub const QUIET_ZONE: u32 = 4;
/// The largest QR version a card may need: small enough for any kiosk scanner.
pub const MAX_QR_VERSION: i16 = 6;

const HEADER: u32 = 150;
const MARGIN: u32 = 44;
/// ID-1 corner radius, 3.18 mm.
const CORNER: f32 = 37.6;
const NAVY: &str = "#24406b";
const GREY: &str = "#545c6a";
const SANS: &str = "DejaVu Sans, Liberation Sans, Noto Sans, Arial, Helvetica, sans-serif";
const MONO: &str = "DejaVu Sans Mono, Liberation Mono, Noto Sans Mono, Menlo, Consolas, monospace";

/// What goes on a card.
#[derive(Clone, Debug)]
pub struct Face<'a> {
    /// The hub (or organisation) whose card it is.
    pub hub: &'a str,
    pub card: &'a Card,
    /// The card's signed text, as `Card::sign` made it.
    pub text: &'a str,
}

/// The card's QR code: error correction M, at most version 6.
pub fn qr_code(text: &str) -> Result<QrCode, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot make a QR code of the card: {e}"))?;
    match code.version() {
        Version::Normal(v) if v <= MAX_QR_VERSION => Ok(code),
        v => Err(format!(
            "the card needs QR {v:?}, larger than version {MAX_QR_VERSION}: use a shorter member number"
        )),
    }
}

/// A line of text; squeezed into `width` dots when it would run over (`per_char` is the
/// font's average advance in ems, used to pick the size).
fn text_line(
    out: &mut String,
    (x, y): (u32, u32),
    text: &str,
    (size, min_size, per_char): (f32, f32, f32),
    width: u32,
    style: &str,
) {
    let chars = text.chars().count().max(1) as f32;
    let size = (width as f32 / (per_char * chars)).clamp(min_size, size);
    let squeeze = if per_char * chars * size > width as f32 {
        format!(" textLength=\"{width}\" lengthAdjust=\"spacingAndGlyphs\"")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  <text x=\"{x}\" y=\"{y}\" font-size=\"{size:.1}\"{squeeze} {style}>{}</text>",
        escape(text)
    );
}

/// The card face as a standalone SVG document.
pub fn svg(face: &Face) -> Result<String, String> {
    let code = qr_code(face.text)?;
    let n = code.width() as u32;
    let total = n + 2 * QUIET_ZONE;
    let module = ((HEIGHT - HEADER - 40) / total).min(12);
    let size = total * module;
    let (qx, qy) = (28, HEADER + (HEIGHT - HEADER - size) / 2);
    let mut out = String::new();
    header(&mut out, face);
    qr(&mut out, &code, (qx, qy), module);
    details(&mut out, face, qx + size + 16);
    out.push_str("</svg>\n");
    Ok(out)
}

fn sans(weight: &str, fill: &str) -> String {
    format!("font-family=\"{SANS}\" font-weight=\"{weight}\" fill=\"{fill}\"")
}

/// The document's opening, the card's edge and the navy band with the hub's name.
fn header(out: &mut String, face: &Face) {
    let member = face.card.member.as_str();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"85.6mm\" height=\"54mm\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" preserveAspectRatio=\"none\">\n  \
         <title>{} membership card {member}</title>\n  \
         <clipPath id=\"edge\"><rect width=\"{WIDTH}\" height=\"{HEIGHT}\" rx=\"{CORNER}\"/></clipPath>\n  \
         <g clip-path=\"url(#edge)\">\n  \
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>\n  \
         <rect width=\"{WIDTH}\" height=\"{HEADER}\" fill=\"{NAVY}\"/>\n  </g>\n  \
         <rect x=\"1\" y=\"1\" width=\"{}\" height=\"{}\" rx=\"{CORNER}\" fill=\"none\" \
         stroke=\"#b8bfcc\" stroke-width=\"2\"/>",
        escape(face.hub),
        WIDTH - 2,
        HEIGHT - 2
    );
    let header_width = WIDTH - 2 * MARGIN;
    text_line(
        out,
        (MARGIN, 82),
        face.hub,
        (52.0, 26.0, 0.62),
        header_width,
        &sans("bold", "#ffffff"),
    );
    text_line(
        out,
        (MARGIN, 126),
        "Membership card",
        (30.0, 30.0, 0.55),
        header_width,
        &sans("normal", "#dde4ef"),
    );
}

/// The QR code at `(qx, qy)`: a white square including the quiet zone, then one path of dark runs.
fn qr(out: &mut String, code: &QrCode, (qx, qy): (u32, u32), module: u32) {
    let n = code.width();
    let size = (n as u32 + 2 * QUIET_ZONE) * module;
    let _ = writeln!(
        out,
        "  <g shape-rendering=\"crispEdges\">\n    <rect x=\"{qx}\" y=\"{qy}\" width=\"{size}\" height=\"{size}\" fill=\"#ffffff\"/>"
    );
    let mut d = String::new();
    let colors = code.to_colors();
    for (y, row) in colors.chunks(n).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row[x] == Color::Dark {
                let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
                let px = qx + (QUIET_ZONE + x as u32) * module;
                let py = qy + (QUIET_ZONE + y as u32) * module;
                let _ = write!(
                    d,
                    "M{px} {py}h{}v{module}h-{}z",
                    run as u32 * module,
                    run as u32 * module
                );
                x += run;
            } else {
                x += 1;
            }
        }
    }
    let _ = writeln!(out, "    <path fill=\"#000000\" d=\"{d}\"/>\n  </g>");
}

/// The column right of the QR code, from `rx`: member number, serial, expiry and two notes.
fn details(out: &mut String, face: &Face, rx: u32) {
    let card = face.card;
    let column = WIDTH - MARGIN - rx;
    text_line(
        out,
        (rx, 226),
        "Member number",
        (26.0, 26.0, 0.55),
        column,
        &sans("normal", GREY),
    );
    text_line(
        out,
        (rx, 296),
        card.member.as_str(),
        (58.0, 20.0, 0.602),
        column,
        &format!("font-family=\"{MONO}\" font-weight=\"bold\" fill=\"#111111\""),
    );
    let expires = card.expires.format("%-d %b %Y").to_string();
    let details = [
        (366, format!("Card {}", card.serial)),
        (404, format!("Valid until {expires}")),
    ];
    for (y, line) in details {
        text_line(
            out,
            (rx, y),
            &line,
            (28.0, 20.0, 0.55),
            column,
            &sans("normal", "#111111"),
        );
    }
    for (y, line) in [
        (548, "Scan it at the kiosk when you arrive."),
        (580, "Your name is not on this card."),
    ] {
        text_line(
            out,
            (rx, y),
            line,
            (22.0, 16.0, 0.55),
            column,
            &sans("normal", GREY),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MemberId;

    fn card(member: &str) -> Card {
        Card {
            key_id: "K1".into(),
            member: MemberId::new(member).unwrap(),
            serial: 3,
            expires: "2028-11-23".parse().unwrap(),
        }
    }

    #[test]
    fn the_longest_card_fits_version_6_at_error_correction_m() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let text = card(&"9".repeat(24)).sign(&key);
        let code = qr_code(&text).unwrap();
        assert_eq!(code.error_correction_level(), EcLevel::M);
        assert!(matches!(code.version(), Version::Normal(v) if v <= 6));
        assert!(
            qr_code(&"HK1:".repeat(60)).is_err(),
            "too long for version 6"
        );
    }

    #[test]
    fn the_face_is_credit_card_sized_and_escapes_the_hub_name() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let c = card("M-1001");
        let text = c.sign(&key);
        let svg = svg(&Face {
            hub: "Bootle <Hub> & \"Café\"",
            card: &c,
            text: &text,
        })
        .unwrap();
        assert!(svg.contains("width=\"85.6mm\" height=\"54mm\""));
        assert!(svg.contains("Bootle &lt;Hub&gt; &amp; &quot;Café&quot;"));
        assert!(svg.contains(">M-1001</text>"));
        assert!(svg.contains(">Card 3</text>"));
        assert!(svg.contains(">Valid until 23 Nov 2028</text>"));
        assert!(!svg.contains(&text), "the card text is only in the QR code");
    }
}
