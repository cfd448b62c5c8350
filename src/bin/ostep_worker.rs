//! The OSTEP mode's worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): see [`threadlab::workers::ostep_web`]. Only OSTEP's simulators
//! and the model they run on are linked, so the page's own module does not grow by them.

#[cfg(target_arch = "wasm32")]
fn main() {
    threadlab::workers::ostep_web::serve();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "ostep_worker is the page's OSTEP worker (wasm): run `trunk serve`, or `threadlab ostep` (see README.md)."
    );
    std::process::exit(2);
}
