//! Reads the screen as Slint laid it out: every visible text with its box and the size it asks
//! for (the text item's own layout information: its longest word, its width on one line, its
//! height when wrapped at the width it was given), and every button and tile. The walk uses the
//! same item tree, geometry and element names (Slint's debug info) as the testing backend's
//! `ElementHandle`, and adds what that does not expose: the preferred sizes.

use std::ops::ControlFlow;

use i_slint_core::accessibility::AccessibleStringProperty;
use i_slint_core::item_rendering::RenderText;
use i_slint_core::item_tree::{ItemRc, ParentItemTraversalMode};
use i_slint_core::items::{
    AccessibleRole, ComplexText, ItemRef, SimpleText, TextOverflow, TextWrap,
};
use i_slint_core::layout::Orientation;
use i_slint_core::lengths::{LogicalPoint, LogicalRect};
use i_slint_core::window::{WindowAdapter, WindowInner};

use super::{Element, Kind, Rect, TextSize};

/// Why the screen cannot be measured.
#[derive(Debug, PartialEq, Eq)]
pub enum Unmeasurable {
    /// The build was made without Slint's debug info (element names and the element walk).
    NoDebugInfo,
}

/// Every visible text and button of `window`, in drawing order.
pub fn elements(window: &slint::Window) -> Result<Vec<Element>, Unmeasurable> {
    let inner = WindowInner::from_pub(window);
    let root = ItemRc::new_root(inner.component());
    if root.element_count().is_none() {
        return Err(Unmeasurable::NoDebugInfo);
    }
    let adapter = inner.window_adapter();
    let mut found = Vec::new();
    root.visit_descendants(|item| {
        if item.is_visible()
            && let Some(e) = element(item, &adapter)
        {
            found.push(e);
        }
        ControlFlow::<()>::Continue(())
    });
    Ok(found)
}

fn element(item: &ItemRc, adapter: &std::rc::Rc<dyn WindowAdapter>) -> Option<Element> {
    let kind = if let Some(text) = text_size(item, adapter) {
        if text.text.trim().is_empty() {
            return None;
        }
        Kind::Text(text)
    } else if is_button(item) {
        Kind::Button
    } else {
        return None;
    };
    let rect = absolute(item);
    if rect.w <= 0.0 || rect.h <= 0.0 || opacity(item) <= 0.0 {
        return None;
    }
    let parent = item.parent_item(ParentItemTraversalMode::StopAtPopups);
    Some(Element {
        name: name(item),
        rect,
        parent: parent.as_ref().map(absolute),
        button: ancestors(item).find(is_button).map(|b| absolute(&b)),
        layer: ancestors(item).any(|a| own_id(&a).ends_with("-layer")),
        kind,
    })
}

fn is_button(item: &ItemRc) -> bool {
    matches!(
        item.accessible_role(),
        AccessibleRole::Button | AccessibleRole::Checkbox
    )
}

fn ancestors(item: &ItemRc) -> impl Iterator<Item = ItemRc> {
    std::iter::successors(
        item.parent_item(ParentItemTraversalMode::StopAtPopups),
        |p| p.parent_item(ParentItemTraversalMode::StopAtPopups),
    )
}

/// The box in window coordinates.
fn absolute(item: &ItemRc) -> Rect {
    let g: LogicalRect = item.geometry();
    let p: LogicalPoint = item.map_to_window(g.origin);
    Rect {
        x: p.x,
        y: p.y,
        w: g.size.width,
        h: g.size.height,
    }
}

fn opacity(item: &ItemRc) -> f32 {
    let mut opacity = 1.0;
    let mut at = Some(item.clone());
    while let Some(i) = at {
        if let Some(o) = ItemRef::downcast_pin::<i_slint_core::items::Opacity>(i.borrow()) {
            opacity *= o.opacity();
        }
        at = i.parent_item(ParentItemTraversalMode::StopAtPopups);
    }
    opacity
}

/// The element's own id from the debug info ("NeedsPage::greeting"), or "".
fn own_id(item: &ItemRc) -> String {
    item.element_type_names_and_ids(0)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, id)| id.to_string())
        .find(|id| !id.is_empty())
        .unwrap_or_default()
}

/// A name for the report: the element's id, else its type inside the nearest named ancestor,
/// with its accessible id when it has one ("Text in NeedsPage::side").
fn name(item: &ItemRc) -> String {
    let own = own_id(item);
    if !own.is_empty() {
        return own;
    }
    let kind = item
        .element_type_names_and_ids(0)
        .unwrap_or_default()
        .first()
        .map(|(t, _)| t.to_string())
        .unwrap_or_else(|| "element".into());
    let ident = item
        .accessible_string_property(AccessibleStringProperty::Id)
        .filter(|i| !i.is_empty())
        .map(|i| format!(" `{i}`"))
        .unwrap_or_default();
    let within = ancestors(item)
        .map(|a| own_id(&a))
        .find(|id| !id.is_empty())
        .map(|id| format!(" in {id}"))
        .unwrap_or_default();
    format!("{kind}{ident}{within}")
}

/// A text item's words and the sizes it asks for; `None` for anything else.
fn text_size(item: &ItemRc, adapter: &std::rc::Rc<dyn WindowAdapter>) -> Option<TextSize> {
    let borrowed = item.borrow();
    let (text, wrap, overflow) = if let Some(t) = ItemRef::downcast_pin::<ComplexText>(borrowed) {
        (t.text(), RenderText::wrap(t), RenderText::overflow(t))
    } else if let Some(t) = ItemRef::downcast_pin::<SimpleText>(borrowed) {
        (t.text(), TextWrap::NoWrap, TextOverflow::Clip)
    } else {
        return None;
    };
    let width = item.geometry().size.width;
    let r = borrowed.as_ref();
    let across = r.layout_info(Orientation::Horizontal, -1.0, adapter, item);
    let down = r.layout_info(Orientation::Vertical, width, adapter, item);
    Some(TextSize {
        text: text.to_string(),
        wraps: wrap != TextWrap::NoWrap,
        elides: overflow == TextOverflow::Elide,
        min_width: across.min,
        preferred_width: across.preferred,
        preferred_height: down.preferred,
    })
}
