//! The Races panel's worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): see `threadlab::workers::nested_web` (wasm only) and [`threadlab::workers::races`]. Only the Races panel's code
//! is linked, so the module stays within a worker's size budget.

#[cfg(target_arch = "wasm32")]
fn main() {
    threadlab::workers::nested_web::serve::<threadlab::workers::races::RacesForm>(threadlab::workers::races::RacesForm);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("races_worker is the Races panel's worker (wasm): run `trunk serve` (see README.md).");
    std::process::exit(2);
}
