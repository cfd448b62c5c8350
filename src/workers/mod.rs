//! Work done off the page's thread, in Web Workers.
//!
//! - [`simulation`]: the simulation worker's jobs (a scenario run, reported in slices); its
//!   binary is `src/bin/sim_worker.rs`, the page's side `src/ui/runner.rs`, and what they say to
//!   each other [`crate::messaging`].
//! - [`parallel`]: the parallel mode's worker jobs (real parallelism on the learner's cores); its
//!   binary is `src/bin/par_worker.rs`, the page's side `src/parallel/ui.rs`, and what they say
//!   to each other [`crate::messaging::parallel`].
//! - [`reader`]: the reader worker's requests (read a scenario's text: its summary for the page
//!   and its loaded run for the simulation worker; the job table's rows of a draft); its binary
//!   is `src/bin/reader_worker.rs`, the page's side `src/ui/reader.rs`, and what they say to each
//!   other [`crate::messaging::reader`].
//! - [`nested`]: a worker with a reader worker and a simulation worker of its own, which read
//!   and run the runs its jobs need; `nested_web` (wasm) is its glue, the page's side
//!   `src/ui/nested_worker.rs`, and what it says to the page [`crate::messaging::nested`]. Its
//!   kinds: [`lab`], a lab panel's worker's jobs (compare, sweep, exercise: [`crate::lab`];
//!   binaries `src/bin/{compare,sweep,exercise}_worker.rs`, messages
//!   [`crate::messaging::lab`]), and [`ostep`], the OSTEP mode's worker's job (a command line for
//!   one of OSTEP's simulators, [`crate::ostep`]; binary `src/bin/ostep_worker.rs`, messages
//!   [`crate::messaging::ostep`]), and [`races`], the Races panel's worker (binary
//!   `src/bin/races_worker.rs`; it speaks [`crate::messaging::lab`] and runs the model itself).

pub mod lab;
pub mod nested;
#[cfg(target_arch = "wasm32")]
pub mod nested_web;
pub mod ostep;
pub mod parallel;
pub mod races;
pub mod reader;
pub mod simulation;
