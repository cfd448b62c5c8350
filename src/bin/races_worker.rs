//! The Races panel's worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): see `threadlab::workers::nested_web` (wasm only) and [`threadlab::workers::races`]. Only the Races panel's code
//! is linked, so the module stays within a worker's size budget.

#[cfg(target_arch = "wasm32")]
fn main() {
    use threadlab::workers::{nested_web, races::RacesForm};
    // Posted to the page at once, while the exploration goes on (the page stays free).
    fn report(message: threadlab::messaging::lab::FromLab) {
        nested_web::to_page::<RacesForm>(&message);
    }
    nested_web::serve::<RacesForm>(RacesForm { report: Some(report) });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("races_worker is the Races panel's worker (wasm): run `trunk serve` (see README.md).");
    std::process::exit(2);
}
