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

//! - [`lab`]: a lab panel's worker's jobs (compare, sweep, exercise: [`crate::lab`]), which have
//!   a reader worker and a simulation worker of their own read and run each run; `lab_web` (wasm)
//!   is their glue, their binaries `src/bin/{compare,sweep,exercise}_worker.rs`, the page's side
//!   `src/ui/lab_worker.rs`, and what they say to the page [`crate::messaging::lab`].
//! - [`ostep`]: the OSTEP mode's worker's job (a command line for one of OSTEP's simulators,
//!   [`crate::ostep`], whose scenario a reader worker and a simulation worker of its own read and
//!   run); `ostep_web` (wasm) is its glue, its binary `src/bin/ostep_worker.rs`,
//!   the page's side `src/ui/ostep_worker.rs`, and what they say to each other
//!   [`crate::messaging::ostep`].

pub mod lab;
#[cfg(target_arch = "wasm32")]
pub mod lab_web;
pub mod ostep;
#[cfg(target_arch = "wasm32")]
pub mod ostep_web;
pub mod parallel;
pub mod reader;
pub mod simulation;
