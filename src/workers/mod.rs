//! Work done off the page's thread, in Web Workers.
//!
//! - [`simulation`]: the simulation worker's jobs (a scenario run, reported in slices); its
//!   binary is `src/bin/sim_worker.rs`, the page's side `src/ui/runner.rs`, and what they say to
//!   each other [`crate::messaging`].

pub mod simulation;
