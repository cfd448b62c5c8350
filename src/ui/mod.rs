//! The browser page (Yew, wasm only). It plays back a finished run; it never simulates.
//!
//! - [`run`]: a loaded scenario with its system, result and trace (re-exported from
//!   [`crate::page::run`]; the one call into the model).
//! - [`state`]: the two reducers for `use_reducer`: the playback ([`crate::playback`]) and the
//!   page's state ([`crate::page`]: scenario in use, run, draft, error, kept scenarios).
//! - [`wide_tables`]: marks tables that scroll sideways, so the page can say so.
//! - [`storage`]: what the browser keeps between visits (versioned localStorage keys) and the address bar.
//! - [`fetch`]: fetches a preset's text when one is opened (the presets are files beside the page).
//! - [`reader`]: the page's side of the reader worker (every scenario the page opens is read
//!   there, and the job table's rows of a draft).
//! - [`runner`]: the page's side of the simulation worker (runs, progress, cancel, crashes).
//! - [`nested_worker`]: the page's side of a worker with nested workers (a lab panel's:
//!   compare, sweep, exercise; the OSTEP mode's).
//! - [`app`]: the top component; it has the worker run the pending run and wires the views to
//!   the reducers.
//! - [`components`]: one view per file (header, scenario menu, settings, job table, JSON editor,
//!   controls, timeline, threads, memory, metrics…).
//! - [`frames`]: a callback on every frame the browser draws (playback).
//! - [`format`]: small display helpers shared by the views (colours, labels); [`markup`]: HTML
//!   built as text for mostly static views.

pub mod app;
pub mod components;
pub mod fetch;
pub mod format;
pub mod frames;
pub mod markup;
pub mod nested_worker;
pub use crate::page::run;
pub mod reader;
pub mod runner;
pub mod state;
pub mod storage;
pub mod wide_tables;

/// Renders the page into `<body>`. Called by `src/bin/web.rs`.
pub fn start() {
    // Through Yew: a hook set with std::panic::set_hook is replaced by Yew's own (console only)
    // when the app renders, and the banner would never show.
    yew::set_custom_panic_hook(Box::new(show_crash));
    yew::Renderer::<app::App>::new().render();
}

/// A bug must not leave a silently dead page: say so on screen (and in the console). The
/// editor's unapplied draft and the scenario in use are already in localStorage, so a reload
/// brings them back.
fn show_crash(info: &std::panic::PanicHookInfo<'_>) {
    let message = format!(
        "Threadlab stopped because of an internal error ({info}). Your unapplied scenario edits are kept in this \
         browser: reload the page to continue."
    );
    gloo::console::error!(message.clone());
    let document = gloo::utils::document();
    if let Ok(banner) = document.create_element("div") {
        banner.set_class_name("crash");
        let _ = banner.set_attribute("role", "alert");
        let _ = banner.set_attribute("data-testid", "crash");
        banner.set_text_content(Some(&message));
        if let Some(body) = document.body() {
            let _ = body.prepend_with_node_1(&banner);
        }
    }
}
