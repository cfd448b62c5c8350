#![warn(missing_docs)]
//! The simulation model: a pure, deterministic discrete-event simulation of processes and
//! threads on CPUs. No web crates: it runs the same natively (CLI, tests) and in wasm (the page).
//!
//! Data path: scenario JSON → [`scenario::Scenario`] → [`loaded::LoadedRun`] (validated, programs
//! parsed into a [`system::System`], with the run's settings) → [`simulation::Simulation`] (the
//! event loop) → [`simulation::RunResult`] ([`trace::Trace`] + [`metrics::Metrics`]).
//!
//! Where things are:
//! - the event loop and its event queue: [`simulation`], [`events`]; kernel timers: [`timers`];
//! - executing one instruction, as an effect: [`interpreter`]; the language: [`program`];
//! - why a thread waits (I/O, a mutex, …): [`wait`]; the primitives: [`sync`]; the runtime
//!   errors a program can make: [`fault`];
//! - scheduling policies, one file each behind one trait: [`scheduler`]; a schedule the learner
//!   writes (which thread runs each tick): [`schedule`]; every interleaving of a small program
//!   and the final states they reach: [`explore`]; one scenario under many seeds: [`seeds`];
//! - address spaces and variables: [`memory`]; the same in pages, shared copy-on-write after a
//!   `fork`, with each process's RSS and PSS: [`pages`]; processes created at run time (`fork`,
//!   `spawn`, `wait`) and the process table: [`procs`];
//! - how a run ended (deadlock report): [`outcome`]; who holds and waits for what, and the
//!   cycles of waits, at an instant: [`waitgraph`];
//! - a thread's program as written and where it is at an instant (the code view): [`listing`];
//! - the state at any instant in a bounded number of steps (playback): [`replay`].
//!
//! Time is an integer count of **ticks**; one tick is one simulated microsecond (µs). The model is
//! a pure function of (scenario, seed): same input, same trace.

pub mod burst;
pub mod cache;
mod cpu;
pub mod events;
pub mod explore;
pub mod fault;
mod ids;
pub mod interpreter;
pub mod ipc;
pub mod listing;
pub mod loaded;
pub mod memory;
pub mod metrics;
pub mod outcome;
pub mod pages;
pub mod procs;
pub mod program;
pub mod pyrandom;
pub mod replay;
pub mod scenario;
pub mod schedule;
pub mod scheduler;
pub mod seeds;
pub mod simulation;
pub mod sync;
pub mod system;
mod thread;
pub mod timers;
pub mod trace;
pub mod wait;
pub mod waitgraph;
pub mod x86;

pub use ids::{CpuId, ProcessId, ThreadId, Ticks, unit_word};
pub use loaded::LoadedRun;
pub use scenario::{Scenario, ScenarioError};
pub use simulation::{Outcome, Progress, Recording, RunResult, Simulation};
pub use system::System;

/// Loads and runs a scenario, recording the full trace. Errors: the scenario is invalid (the
/// error says where and why). A deadlock, runtime error or exhausted budget is not an error: it
/// is the run's [`Outcome`], with the trace up to that point.
pub fn run(scenario: &Scenario) -> Result<(System, RunResult), ScenarioError> {
    run_with(scenario, Recording::Full)
}

/// As [`run`], choosing whether to record the trace.
pub fn run_with(scenario: &Scenario, recording: Recording) -> Result<(System, RunResult), ScenarioError> {
    Ok(Simulation::new(LoadedRun::load(scenario)?, recording).finish())
}
