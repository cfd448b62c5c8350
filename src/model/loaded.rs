//! A run, loaded: everything [`Simulation::new`](super::Simulation::new) needs and nothing of
//! the scenario file. The scenario is read, validated and loaded in one place
//! ([`LoadedRun::load`]); the simulation worker gets this (as bytes,
//! `crate::messaging::loaded`) and never reads a scenario.

use super::scenario::{Limits, MachineSpec, Scenario, ScenarioError, SchedulerSpec};
use super::scheduler::Scheduler;
use super::system::System;

/// A scenario turned into what a run needs: the loaded [`System`] (processes, threads, parsed
/// programs, address spaces, mutexes) and the run's settings, as the scenario gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedRun {
    /// Processes, threads and parsed programs, with numeric ids.
    pub system: System,
    /// CPU count, context-switch costs in ticks, and the cache model.
    pub machine: MachineSpec,
    /// The policy with its parameters, the queues and the tie rule.
    pub scheduler: SchedulerSpec,
    /// Bounds on the run: instructions, and time in ticks.
    pub limits: Limits,
    /// Seed of the `compute A..B` / `io A..B` draws (and, offset, of the scheduler's own RNG).
    pub seed: u64,
}

impl LoadedRun {
    /// Validates and loads `scenario` ([`System::load`]) and takes its settings. Errors: the
    /// first problem found, with its path (and, for a program, its line and column).
    pub fn load(scenario: &Scenario) -> Result<LoadedRun, ScenarioError> {
        Ok(LoadedRun {
            system: System::load(scenario)?,
            machine: scenario.machine.clone(),
            scheduler: scenario.scheduler.clone(),
            limits: scenario.limits.clone(),
            seed: scenario.seed,
        })
    }

    /// Number of CPUs of the machine.
    pub fn cpus(&self) -> usize {
        self.machine.cpus as usize
    }

    /// Builds the scenario's scheduler for this machine.
    pub fn build_scheduler(&self) -> Box<dyn Scheduler> {
        self.scheduler.build(self.cpus())
    }
}
