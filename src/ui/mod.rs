//! The browser page (Yew, wasm only). It plays back a finished run; it never simulates.
//!
//! - [`run`]: a loaded scenario with its system, result and trace (the one call into the model).
//! - [`state`]: the playback reducer ([`crate::playback::Playback`]) wrapped for `use_reducer`.
//! - [`app`]: the top component; it owns the run, the playback and the editor error.
//! - [`components`]: one view per file (header, controls, timeline, threads, memory, metrics…).
//! - [`format`]: small display helpers shared by the views (colours, labels).

pub mod app;
pub mod components;
pub mod format;
pub mod run;
pub mod state;

/// Renders the page into `<body>`. Called by `src/bin/web.rs`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
