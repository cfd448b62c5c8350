//! The parallel mode's page (wasm, built by Trunk from `index.html`'s `data-type="worker"` link
//! as a no-modules script plus its wasm, and started on the main thread by `parallel.html`, so
//! none of it is loaded with the simulator's page). See [`threadlab::parallel`].

#[cfg(target_arch = "wasm32")]
fn main() {
    threadlab::parallel::ui::start();
    threadlab::parallel::ui_isolated::start();
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        threadlab::parallel::web::watch_wide_tables(&document);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("parallel_mode is the parallel mode's page (wasm): run `trunk serve` and open parallel.html.");
    std::process::exit(2);
}
