//! Format version 1 (files without `"format"`): the first release's page, presets and exports.
//! Frozen: only the types whose shape changed since are here; the rest read as today's.

use serde::Deserialize;

use super::{Limits, MachineSpec, ProcessSpec, Scenario, ScenarioError};
use crate::model::Ticks;
use crate::model::scheduler::spec::{Policy, SchedulerSpec, TieRule};

/// A version-1 scenario.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScenarioV1 {
    #[serde(default)]
    #[allow(dead_code)] // read only to accept an explicit `"format": 1`
    format: Option<u32>,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    machine: MachineSpec,
    #[serde(default)]
    scheduler: SchedulerV1,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    limits: Limits,
    processes: Vec<ProcessSpec>,
}

/// Version 1's scheduler: the same three fields whatever the policy.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct SchedulerV1 {
    policy: PolicyV1,
    quantum: Option<Ticks>,
    tie: TieRule,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum PolicyV1 {
    #[default]
    Fcfs,
    #[serde(rename = "rr")]
    RoundRobin,
}

impl ScenarioV1 {
    /// To the current format. FCFS drops the quantum and tie rule it never used; Round Robin
    /// keeps both and must have a quantum, as version 1 required.
    pub(super) fn migrate(self) -> Result<Scenario, ScenarioError> {
        let s = self.scheduler;
        let scheduler = match s.policy {
            PolicyV1::Fcfs => SchedulerSpec::of(Policy::Fcfs, None),
            PolicyV1::RoundRobin => {
                let Some(quantum) = s.quantum else {
                    return Err(ScenarioError::at(
                        "scheduler.quantum",
                        "Round Robin needs a quantum of at least 1 tick",
                    ));
                };
                let mut spec = SchedulerSpec::of(Policy::RoundRobin, Some(quantum));
                spec.set_tie(s.tie).expect("Round Robin has a tie rule");
                spec
            }
        };
        Ok(Scenario {
            format: super::FORMAT,
            name: self.name,
            description: self.description,
            machine: self.machine,
            scheduler,
            seed: self.seed,
            limits: self.limits,
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
            params: Default::default(),
            processes: self.processes,
        })
    }
}
