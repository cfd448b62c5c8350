#![warn(missing_docs)]
//! The simulation model: a pure, deterministic discrete-event simulation of processes and
//! threads on CPUs. No web crates: it runs the same natively (CLI, tests) and in wasm (the page).
//!
//! Data path: scenario JSON → [`scenario::Scenario`] → [`system::System`] (validated, programs
//! parsed) → [`simulation::Simulation`] (event loop, [`scheduler`], [`memory`], [`sync`]) →
//! [`simulation::RunResult`] ([`trace::Trace`] + [`metrics::Metrics`]).
//!
//! Time is an integer count of **ticks**; one tick is one simulated microsecond (µs). The model is
//! a pure function of (scenario, seed): same input, same trace.

pub mod events;
pub mod memory;
pub mod metrics;
pub mod program;
pub mod scenario;
pub mod scheduler;
pub mod simulation;
pub mod sync;
pub mod system;
pub mod trace;

pub use scenario::{Scenario, ScenarioError};
pub use simulation::{Outcome, Recording, RunResult, Simulation};
pub use system::System;

/// Simulated time, in ticks (1 tick = 1 simulated µs).
pub type Ticks = u64;
/// Index of a CPU, `0..machine.cpus`.
pub type CpuId = usize;
/// Index of a process in the scenario (its pid).
pub type ProcessId = usize;
/// Global index of a thread, over all processes in order (its tid).
pub type ThreadId = usize;

/// Loads and runs a scenario, recording the full trace. Errors: the scenario is invalid (the
/// error says where and why). A deadlock, runtime error or exhausted budget is not an error: it
/// is the run's [`Outcome`], with the trace up to that point.
pub fn run(scenario: &Scenario) -> Result<(System, RunResult), ScenarioError> {
    run_with(scenario, Recording::Full)
}

/// As [`run`], choosing whether to record the trace.
pub fn run_with(scenario: &Scenario, recording: Recording) -> Result<(System, RunResult), ScenarioError> {
    let sys = System::load(scenario)?;
    let result = Simulation::new(scenario, &sys, recording).run();
    Ok((sys, result))
}
