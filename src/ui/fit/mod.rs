//! Does every word fit? The layout check behind `hub-kiosk screenshots --check`: each visible
//! text's box against the size the text asks for, against its parent and the window, and
//! against every other text and button. [`measure`] reads the laid-out screen (it needs Slint's
//! debug info, which debug and test builds carry: see `build.rs`); [`rules`] judges, as plain
//! Rust over plain data, so it is unit-tested without a screen. docs/screen.md explains it.

pub mod measure;
pub mod rules;

/// The layout check's own fixtures (`tests/fixtures/fit.slint`), in debug and test builds.
#[cfg(debug_assertions)]
#[doc(hidden)]
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fit_fixtures.rs"));
}

use std::fmt;

/// Every text of `window`, laid out at its current size, that does not fit.
pub fn check_window(window: &slint::Window) -> Result<Vec<Problem>, measure::Unmeasurable> {
    let size = window.size();
    let scale = window.scale_factor();
    let elements = measure::elements(window)?;
    let screen = Rect::new(
        0.0,
        0.0,
        size.width as f32 / scale,
        size.height as f32 / scale,
    );
    Ok(rules::problems(&elements, screen))
}

/// A box in window coordinates (logical pixels).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    /// Whether `inner` lies inside, allowing `slack` pixels of rounding.
    pub fn contains(&self, inner: &Rect, slack: f32) -> bool {
        inner.x >= self.x - slack
            && inner.y >= self.y - slack
            && inner.x + inner.w <= self.x + self.w + slack
            && inner.y + inner.h <= self.y + self.h + slack
    }

    /// Whether the two boxes share more than a `slack`-wide strip.
    pub fn overlaps(&self, other: &Rect, slack: f32) -> bool {
        let w = (self.x + self.w).min(other.x + other.w) - self.x.max(other.x);
        let h = (self.y + self.h).min(other.y + other.h) - self.y.max(other.y);
        w > slack && h > slack
    }
}

impl fmt::Display for Rect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.0}×{:.0} at ({:.0}, {:.0})",
            self.w, self.h, self.x, self.y
        )
    }
}

/// What a text asks for, from Slint's own text layout.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextSize {
    pub text: String,
    /// `wrap: word-wrap` (or char-wrap).
    pub wraps: bool,
    /// `overflow: elide`.
    pub elides: bool,
    /// The longest word (word-wrapped, clipping texts), else the width on one line.
    pub min_width: f32,
    /// The width on one line.
    pub preferred_width: f32,
    /// The height at the width the text was given.
    pub preferred_height: f32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Text(TextSize),
    /// A button, tile or choice (accessible role button or checkbox).
    Button,
}

/// A text or a button as laid out.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// The element's id (`NeedsPage::greeting`), or its type within the nearest named one.
    pub name: String,
    pub rect: Rect,
    pub parent: Option<Rect>,
    /// The button this element is part of (its label), if any.
    pub button: Option<Rect>,
    /// Inside an overlay drawn over the rest (an element whose id ends in `-layer`).
    pub layer: bool,
    pub kind: Kind,
}

/// One text that does not fit, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub element: String,
    pub text: String,
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text: String = self.text.chars().take(60).collect();
        if self.text.chars().count() > 60 {
            text.push('…');
        }
        write!(f, "{} “{text}”: {}", self.element, self.what)
    }
}
