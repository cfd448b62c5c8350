//! Tables wider than their box scroll sideways inside it (`.table-scroll`, never the page). A
//! box that does is marked `data-wide` ([`crate::wide_table`]), and `styles/table-scroll.css`
//! then shows a hint in words at its top-left ("scroll sideways for more columns").

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, ResizeObserver};
use yew::prelude::*;

use crate::wide_table::{self, BOX_SELECTOR};

/// Marks every `.table-scroll` box whose content is wider than it: when a box or its table
/// changes size (a `ResizeObserver`, told of the boxes after each render of the calling
/// component), and when the window is resized. Observers run after the browser's own layout, so
/// a render that changes no size costs no layout here.
#[hook]
pub fn use_wide_table_hints() {
    let observer = use_memo((), |_| {
        let callback = Closure::<dyn FnMut()>::new(mark_wide_tables);
        let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
        (observer, callback)
    });
    use_effect(move || {
        if let (Some(observer), Ok(boxes)) = (&observer.0, gloo::utils::document().query_selector_all(BOX_SELECTOR)) {
            for i in 0..boxes.length() {
                if let Some(el) = boxes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    wide_table::observe(observer, &el);
                }
            }
        }
    });
    use_effect_with((), |_| {
        let listener = EventListener::new(&gloo::utils::window(), "resize", |_| mark_wide_tables());
        move || drop(listener)
    });
}

/// Marks each box (its markup gives it a `tabindex` when it needs one).
fn mark_wide_tables() {
    let Ok(boxes) = gloo::utils::document().query_selector_all(BOX_SELECTOR) else { return };
    for i in 0..boxes.length() {
        if let Some(el) = boxes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            wide_table::mark_wide(&el, false);
        }
    }
}
