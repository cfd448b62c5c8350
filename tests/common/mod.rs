//! Helpers to build small scenarios in tests.
#![allow(dead_code)]

pub mod nested;

use threadlab::model::scenario::{FORMAT, MachineSpec, Policy, ProcessSpec, Scenario, SchedulerSpec, ThreadSpec};
use threadlab::model::{self, RunResult, System};

/// A process with one thread (named "main") running `code`.
pub fn job(name: &str, arrival: u64, code: &str) -> ProcessSpec {
    ProcessSpec { name: name.into(), arrival, threads: vec![thread("main", code)], ..Default::default() }
}

pub fn thread(name: &str, code: &str) -> ThreadSpec {
    ThreadSpec { name: name.into(), code: Some(code.into()), ..Default::default() }
}

/// A scenario on `cpus` CPUs with the given policy; switch costs zero unless set later.
pub fn scenario(cpus: u32, policy: Policy, quantum: Option<u64>, processes: Vec<ProcessSpec>) -> Scenario {
    Scenario {
        format: FORMAT,
        name: "test".into(),
        description: String::new(),
        machine: MachineSpec { cpus, ..Default::default() },
        scheduler: SchedulerSpec::of(policy, quantum),
        seed: 0,
        limits: Default::default(),
        channels: Default::default(),
        shared: Default::default(),
        mutex_protocol: Default::default(),
        params: Default::default(),
        processes,
    }
}

pub fn run(s: &Scenario) -> (System, RunResult) {
    model::run(s).expect("scenario is valid")
}

/// (completion, turnaround, response, waiting) of thread `tid`.
pub fn times(r: &RunResult, tid: usize) -> (u64, u64, u64, u64) {
    let t = &r.metrics.threads[tid];
    (t.completion.unwrap(), t.turnaround.unwrap(), t.response.unwrap(), t.waiting)
}

/// Final value of variable `name` in process `pid`.
pub fn var(r: &RunResult, pid: usize, name: &str) -> i64 {
    r.metrics.variables.iter().find(|v| v.pid == pid && v.name == name).expect("variable").value
}
