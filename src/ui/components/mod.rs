//! The page's views, one function component per file.

pub mod code_view;
pub mod controls;
pub mod handout;
pub mod header;
pub mod job_table;
pub mod lab_panel;
pub mod language_reference;
pub mod memory_view;
pub mod metrics_table;
pub mod ostep_panel;
pub mod outcome_banner;
pub mod preset_picker;
pub mod run_progress;
pub mod scenario_editor;
pub mod settings;
pub mod thread_table;
pub mod timeline;
pub mod timeline_lanes;
pub mod timeline_legend;
pub mod timeline_marks;
pub mod wait_graph;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// A `<select>` whose value is `value` after every render. A browser ignores `selected` on an
/// option once the user has changed the box, so the box's value is set directly (a controlled
/// select). Returns the ref to put on the `<select>`.
#[hook]
pub fn use_select_value(value: String) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect(move || {
            if let Some(select) = node.cast::<HtmlSelectElement>()
                && select.value() != value
            {
                select.set_value(&value);
            }
        });
    }
    node
}
