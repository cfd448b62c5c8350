//! A table wider than its box scrolls sideways inside it (`.table-scroll`, never the page), on
//! both pages: the simulator's (`src/ui/wide_tables.rs`) and the parallel mode's
//! (`src/parallel/web.rs`). A box that is wider than it shows is marked `data-wide`, and
//! `styles/table-scroll.css`, which both pages link, then shows a hint in words at its top-left
//! ("scroll this table sideways for more columns") and a shadow at the edge that has more
//! (wasm only).

use web_sys::{Element, ResizeObserver};

/// The class of a box that scrolls its table sideways.
pub const BOX_SELECTOR: &str = ".table-scroll";

/// Marks `el` `data-wide` when its content is wider than it (by more than a pixel of rounding),
/// and unmarks it when not. `focusable` also gives a wide box `tabindex="0"`, so the keyboard can
/// scroll it, and takes it away when it fits (for boxes whose markup has no `tabindex` of its
/// own). Only a change is written: an attribute set to the same value still restyles.
pub fn mark_wide(el: &Element, focusable: bool) {
    let wide = el.scroll_width() > el.client_width() + 1;
    if wide == el.has_attribute("data-wide") {
        return;
    }
    let _ = if wide { el.set_attribute("data-wide", "") } else { el.remove_attribute("data-wide") };
    if focusable {
        let _ = if wide { el.set_attribute("tabindex", "0") } else { el.remove_attribute("tabindex") };
    }
}

/// Has `observer` watch box `el` and its table (its first child), so a box shown, filled or
/// resized is measured again. Observing one already observed does nothing.
pub fn observe(observer: &ResizeObserver, el: &Element) {
    observer.observe(el);
    if let Some(table) = el.first_element_child() {
        observer.observe(&table);
    }
}
