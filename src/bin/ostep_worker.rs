//! The OSTEP mode's worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): see `threadlab::workers::nested_web` (wasm only) and [`threadlab::workers::ostep`]. OSTEP's flags, workloads
//! and printers are linked, not the model's kernel or the scenario reader: its own reader and
//! simulation workers (the page's binaries) read and run each line's scenario.

#[cfg(target_arch = "wasm32")]
fn main() {
    threadlab::workers::nested_web::serve(threadlab::workers::ostep::Lines);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "ostep_worker is the page's OSTEP worker (wasm): run `trunk serve`, or `threadlab ostep` (see README.md)."
    );
    std::process::exit(2);
}
