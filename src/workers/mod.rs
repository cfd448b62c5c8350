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

pub mod parallel;
pub mod reader;
pub mod simulation;
