//! Real parallelism in Web Workers, measured in the learner's browser (the page
//! `parallel.html`, loaded only when the learner opens it, so the simulator's page stays small).
//!
//! Shared mode (like threads): N workers add to one counter in a `SharedArrayBuffer`, with plain
//! loads and stores (updates lost, counted), with `Atomics.add` (exact) and under a lock built on
//! `Atomics.wait`/`notify` (exact, slower).
//!
//! - [`counter`]: the experiment itself (the shared words, the three ways to add, the lock, the
//!   barrier), pure and tested natively on std threads.
//! - [`session`]: the page's side of one run (workers ready, variants done, results), pure.
//! - [`split`]: splitting blocks of work over workers and merging their answers (for the isolated
//!   mode and the speedup run, not on the page yet), pure.
//! - `web` (wasm only): the shared memory, the shared clock, worker addresses.
//! - `ui` (wasm only): the page's controls, progress and results (plain DOM, no Yew: this module
//!   is its own wasm, `src/bin/parallel_mode.rs`).
//!
//! The workers' side is [`crate::workers::parallel`] (binary `src/bin/par_worker.rs`); the
//! messages, [`crate::messaging::parallel`].

pub mod counter;
pub mod session;
pub mod split;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;
