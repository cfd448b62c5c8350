//! The exercise panel's worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): see `threadlab::workers::nested_web` (wasm only) and [`threadlab::workers::lab`]. Only the exercise panel's code
//! is linked, so the module stays within a worker's size budget.

#[cfg(target_arch = "wasm32")]
fn main() {
    threadlab::workers::nested_web::serve::<threadlab::workers::lab::ReadForm>(threadlab::lab::exercise_task);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("exercise_worker is one of the page's lab workers (wasm): run `trunk serve` (see README.md).");
    std::process::exit(2);
}
