//! Tables wider than their box scroll sideways inside it (`.table-scroll`, never the page). A
//! box that does is marked `data-wide`, and `styles/app.css` then shows a hint in words at its
//! top-left ("scroll sideways for more columns").

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// Marks every `.table-scroll` box whose content is wider than it (after each render of the
/// calling component, and when the window is resized).
#[hook]
pub fn use_wide_table_hints() {
    use_effect(mark_wide_tables);
    use_effect_with((), |_| {
        let listener = EventListener::new(&gloo::utils::window(), "resize", |_| mark_wide_tables());
        move || drop(listener)
    });
}

fn mark_wide_tables() {
    let Ok(boxes) = gloo::utils::document().query_selector_all(".table-scroll") else { return };
    for i in 0..boxes.length() {
        let Some(el) = boxes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
        let _ = if el.scroll_width() > el.client_width() + 1 {
            el.set_attribute("data-wide", "")
        } else {
            el.remove_attribute("data-wide")
        };
    }
}
