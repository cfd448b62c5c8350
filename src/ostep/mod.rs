//! OSTEP's homework simulators (remzi-arpacidusseau/ostep-homework), run on Threadlab's model.
//!
//! A teacher gives the flags an OSTEP simulator takes and gets the numbers its `-c` prints, in
//! its layout, so the two can be compared line by line. Each simulator is one file here that:
//! 1. turns the flags into a workload (seeded workloads draw from Python's RNG,
//!    [`crate::model::pyrandom`], so `-s N` makes the same jobs);
//! 2. turns the workload into a model [`Scenario`](crate::model::Scenario) whose policy
//!    reproduces the simulator's rules (the page can open it and play it);
//! 3. runs the model and prints from its result and trace: the text OSTEP prints, or JSON.
//!
//! The rules each simulator follows are recorded in `../shared/OSTEP.md`. Pure: no web crates.
//!
//! - [`scheduler`]: `cpu-sched/scheduler.py` (FIFO, SJF, RR);
//! - [`process_run`]: `cpu-intro/process-run.py` (process states and I/O).

pub mod process_run;
mod runs;
pub mod scheduler;
pub mod values;

use std::fmt;

/// A bad flag or parameter: which flag (as typed on the command line, `-l`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OstepError {
    /// The flag, e.g. `-q`.
    pub flag: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl OstepError {
    /// An error about `flag`.
    pub fn new(flag: &str, message: impl Into<String>) -> Self {
        OstepError { flag: flag.into(), message: message.into() }
    }
}

impl fmt::Display for OstepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.flag, self.message)
    }
}

impl std::error::Error for OstepError {}
