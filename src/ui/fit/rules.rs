//! The rules of fit, over measured elements: a text is clipped when its box is narrower than
//! its longest word (or its one line) or lower than its wrapped height; elided when that
//! happens to a text that elides; it overflows when its box leaves its parent's or the
//! window's; and no text box may overlap another text's box or a button it is not part of.

use super::{Element, Kind, Problem, Rect, TextSize};

/// Rounding allowed, in logical pixels.
const SLACK: f32 = 1.0;

/// Every problem on a screen of `window` size.
pub fn problems(elements: &[Element], window: Rect) -> Vec<Problem> {
    let mut found = Vec::new();
    for (i, e) in elements.iter().enumerate() {
        let Kind::Text(size) = &e.kind else { continue };
        let mut say = |what: String| {
            found.push(Problem {
                element: e.name.clone(),
                text: size.text.clone(),
                what,
            })
        };
        for what in fit(size, &e.rect) {
            say(what);
        }
        if let Some(parent) = e.parent
            && !parent.contains(&e.rect, SLACK)
        {
            say(format!(
                "overflows its parent (box {}, parent {parent})",
                e.rect
            ));
        }
        if !window.contains(&e.rect, SLACK) {
            say(format!("overflows the window (box {})", e.rect));
        }
        for (j, other) in elements.iter().enumerate() {
            if let Some(what) = overlap(i, e, j, other) {
                say(what);
            }
        }
    }
    found
}

/// Clipping and elision of one text in its own box.
fn fit(size: &TextSize, rect: &Rect) -> Vec<String> {
    let mut out = Vec::new();
    let (cut, trimmed) = if size.elides {
        ("elided", "elided")
    } else {
        ("clipped horizontally", "clipped vertically")
    };
    let need_width = if size.wraps && !size.elides {
        size.min_width
    } else if size.wraps {
        0.0
    } else {
        size.preferred_width
    };
    if need_width > rect.w + SLACK {
        let what = if size.wraps {
            "its longest word"
        } else {
            "one line"
        };
        out.push(format!(
            "{cut}: {what} needs {need_width:.0} px, the box is {:.0} px wide",
            rect.w
        ));
    }
    if size.preferred_height > rect.h + SLACK {
        out.push(format!(
            "{trimmed}: it needs {:.0} px, the box is {:.0} px high",
            size.preferred_height, rect.h
        ));
    }
    out
}

/// A text's box over another text's (each pair said once) or over a button it is not part of,
/// in the same layer.
fn overlap(i: usize, text: &Element, j: usize, other: &Element) -> Option<String> {
    if i == j || text.layer != other.layer || !text.rect.overlaps(&other.rect, SLACK) {
        return None;
    }
    match &other.kind {
        Kind::Text(o) if j > i && text.button.is_none_or(|b| Some(b) != other.button) => Some(
            format!("overlaps the text {} “{}”", other.name, short(&o.text)),
        ),
        Kind::Button if text.button != Some(other.rect) => {
            Some(format!("overlaps the button {}", other.name))
        }
        _ => None,
    }
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(30).collect();
    if text.chars().count() > 30 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 1280.0,
        h: 800.0,
    };

    fn text(name: &str, rect: Rect, size: TextSize) -> Element {
        Element {
            name: name.into(),
            rect,
            parent: Some(WINDOW),
            button: None,
            layer: false,
            kind: Kind::Text(size),
        }
    }

    fn words(min: f32, one_line: f32, high: f32, wraps: bool, elides: bool) -> TextSize {
        TextSize {
            text: "Welcome back".into(),
            wraps,
            elides,
            min_width: min,
            preferred_width: one_line,
            preferred_height: high,
        }
    }

    #[test]
    fn a_text_that_fits_its_box_passes() {
        let e = text(
            "ok",
            Rect::new(10.0, 10.0, 300.0, 40.0),
            words(80.0, 280.0, 40.0, true, false),
        );
        assert_eq!(problems(&[e], WINDOW), vec![]);
    }

    #[test]
    fn two_lines_in_a_box_for_one_are_clipped_vertically() {
        let e = text(
            "NeedsPage::greeting",
            Rect::new(32.0, 16.0, 600.0, 58.0),
            words(120.0, 900.0, 92.0, true, false),
        );
        let found = problems(&[e], WINDOW);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].what.starts_with("clipped vertically"), "{found:?}");
        assert!(found[0].what.contains("92 px"), "{found:?}");
    }

    #[test]
    fn a_word_wider_than_its_box_is_clipped_horizontally() {
        let wrapped = text(
            "tile",
            Rect::new(0.0, 0.0, 100.0, 200.0),
            words(140.0, 300.0, 90.0, true, false),
        );
        let one_line = text(
            "title",
            Rect::new(0.0, 300.0, 100.0, 40.0),
            words(300.0, 300.0, 30.0, false, false),
        );
        let found = problems(&[wrapped, one_line], WINDOW);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .all(|p| p.what.starts_with("clipped horizontally"))
        );
    }

    #[test]
    fn an_eliding_text_that_does_not_fit_is_elided() {
        let e = text(
            "Header::welcome",
            Rect::new(0.0, 0.0, 100.0, 30.0),
            words(10.0, 300.0, 30.0, false, true),
        );
        let found = problems(&[e], WINDOW);
        assert_eq!(found.len(), 1);
        assert!(found[0].what.starts_with("elided"), "{found:?}");
    }

    #[test]
    fn leaving_the_parent_or_the_window_is_an_overflow() {
        let mut e = text(
            "direction",
            Rect::new(10.0, 760.0, 300.0, 60.0),
            words(10.0, 200.0, 60.0, true, false),
        );
        e.parent = Some(Rect::new(0.0, 0.0, 400.0, 700.0));
        let found: Vec<String> = problems(&[e], WINDOW).into_iter().map(|p| p.what).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("overflows its parent"));
        assert!(found[1].starts_with("overflows the window"));
    }

    #[test]
    fn overlapping_boxes_are_reported_once_and_a_buttons_own_label_is_not() {
        let fits = words(10.0, 50.0, 30.0, true, false);
        let a = text("a", Rect::new(0.0, 0.0, 100.0, 40.0), fits.clone());
        let b = text("b", Rect::new(50.0, 20.0, 100.0, 40.0), fits.clone());
        let button = Element {
            name: "KioskButton `done`".into(),
            rect: Rect::new(400.0, 0.0, 200.0, 100.0),
            parent: Some(WINDOW),
            button: None,
            layer: false,
            kind: Kind::Button,
        };
        let mut label = text("label", Rect::new(410.0, 10.0, 180.0, 80.0), fits.clone());
        label.button = Some(button.rect);
        let stray = text("stray", Rect::new(580.0, 50.0, 100.0, 40.0), fits.clone());
        let mut covered = text("under", Rect::new(0.0, 0.0, 100.0, 40.0), fits);
        covered.layer = true;
        covered.name = "countdown".into();
        let found = problems(&[a, b, button, label, stray, covered], WINDOW);
        let said: Vec<String> = found
            .iter()
            .map(|p| format!("{}: {}", p.element, p.what))
            .collect();
        assert_eq!(
            said,
            [
                "a: overlaps the text b “Welcome back”",
                "label: overlaps the text stray “Welcome back”",
                "stray: overlaps the button KioskButton `done`",
            ],
        );
    }
}
