//! Work done off the page's thread, in Web Workers.
//!
//! - [`simulation`]: the simulation worker's jobs (a scenario run, reported in slices); its
//!   binary is `src/bin/sim_worker.rs`, the page's side `src/ui/runner.rs`, and what they say to
//!   each other [`crate::messaging`].
//! - [`parallel`]: the parallel mode's worker jobs (real parallelism on the learner's cores); its
//!   binary is `src/bin/par_worker.rs`, the page's side `src/parallel/ui.rs`, and what they say
//!   to each other [`crate::messaging::parallel`].

pub mod parallel;
pub mod simulation;
