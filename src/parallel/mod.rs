//! Real parallelism in Web Workers, measured in the learner's browser (the page
//! `parallel.html`, loaded only when the learner opens it, so the simulator's page stays small).
//!
//! Shared mode (like threads): N workers add to one counter in a `SharedArrayBuffer`, with plain
//! loads and stores (updates lost, counted), with `Atomics.add` (exact) and under a lock built on
//! `Atomics.wait`/`notify` (exact, slower).
//!
//! Isolated mode (like processes): the data is split and each worker is sent its part with
//! `postMessage`, copied or moved (transferred); each hashes its part, the page merges the
//! answers and checks them against one computation of the whole. No shared memory, so it runs on
//! a page without cross-origin isolation too. The speedup run does the same CPU-bound work on 1
//! to N workers and plots the measured speedup beside a model's prediction.
//!
//! - [`counter`]: the experiment itself (the shared words, the three ways to add, the lock, the
//!   barrier), pure and tested natively on std threads.
//! - [`session`]: the page's side of one run (workers ready, variants done, results), pure.
//! - [`split`]: splitting blocks of work over workers and merging their answers, pure.
//! - [`isolated`]: the page's side of one isolated run (parts sent, answers, the run measured),
//!   pure.
//! - [`speedup`]: the speedup run over 1..N workers and the model that predicts it, pure.
//! - [`plot`]: the speedup plot as SVG markup, pure.
//! - [`lessons`]: what a run measured teaches, in words (the rules that pick the sentences), pure.
//! - `web` (wasm only): the shared memory, the shared clock, worker addresses.
//! - `ui` (wasm only): the shared mode's controls, progress and results (plain DOM, no Yew: this
//!   module is its own wasm, `src/bin/parallel_mode.rs`).
//! - `ui_isolated` (wasm only): the isolated mode's and the speedup run's controls and results.
//!
//! The workers' side is [`crate::workers::parallel`] (binary `src/bin/par_worker.rs`); the
//! messages, [`crate::messaging::parallel`].

pub mod counter;
pub mod isolated;
pub mod lessons;
pub mod plot;
pub mod session;
pub mod speedup;
pub mod split;
#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub mod ui_isolated;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// "1 worker", "2 workers": a count of workers as the page says it.
pub fn workers(n: u32) -> String {
    if n == 1 { "1 worker".to_string() } else { format!("{n} workers") }
}

pub use crate::markup::grouped;

#[cfg(test)]
mod tests {
    #[test]
    fn one_worker_is_singular() {
        assert_eq!(super::workers(1), "1 worker");
        assert_eq!(super::workers(4), "4 workers");
    }
}
