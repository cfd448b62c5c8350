//! Browser entry point (built by Trunk for wasm32).

#[cfg(target_arch = "wasm32")]
fn main() {
    threadlab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("threadlab-web is the browser build: run `trunk serve` (see README.md).");
    std::process::exit(2);
}
