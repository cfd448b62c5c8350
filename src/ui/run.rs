//! A loaded run: the scenario, the system the model built from it, and the finished result.
//! [`Run::load`] is the UI's only call into the simulation.

use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::model::program::VarId;
use crate::model::trace::{Snapshot, Trace, TraceEvent, What};
use crate::model::{self, ProcessId, RunResult, Scenario, System, ThreadId, Ticks};

/// Every run gets a fresh id, so comparing runs (for Yew props) is one integer compare.
static NEXT_RUN_ID: AtomicU32 = AtomicU32::new(1);

/// A scenario run to completion (or to a deadlock, error or budget), ready to play back.
#[derive(Debug)]
pub struct Run {
    /// Unique per loaded run; equality of runs is equality of ids.
    pub id: u32,
    pub scenario: Scenario,
    pub system: System,
    pub result: RunResult,
    /// The full trace (taken out of `result`).
    pub trace: Trace,
    /// Times (ticks, ascending, distinct) of the stores that lost updates.
    pub lost_times: Vec<Ticks>,
}

/// A write that a later store overwrote unseen (its effect is lost).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overwritten {
    /// Thread that made the write.
    pub tid: ThreadId,
    /// Value it wrote.
    pub value: i64,
    /// What the write changed: its value minus the value before it.
    pub delta: i64,
}

/// A store that overwrote writes it never saw (a lost update, the race made visible).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostUpdate {
    pub pid: ProcessId,
    pub var: VarId,
    /// Thread that stored.
    pub tid: ThreadId,
    /// Value it stored.
    pub value: i64,
    /// The writes it overwrote, oldest first (`lost` of them, or fewer if the trace is short).
    pub overwritten: Vec<Overwritten>,
}

/// Times (ticks) of the stores with `lost > 0` in `events`, ascending and distinct.
pub fn lost_update_times(events: &[TraceEvent]) -> Vec<Ticks> {
    let mut out: Vec<Ticks> = Vec::new();
    for e in events {
        if matches!(e.what, What::Mem { lost, .. } if lost > 0) && out.last() != Some(&e.time) {
            out.push(e.time);
        }
    }
    out
}

/// The lost updates of the stores at exactly `time` (ticks). Pure: reads the trace only.
///
/// A store with `lost = n` overwrote the `n` writes to its variable made since its thread loaded
/// the value (the model counts them), so they are the `n` previous `Mem` events of that variable.
/// Each write's delta is its value minus the value before it (`initial` if it was the first).
pub fn lost_updates_at(events: &[TraceEvent], initial: &[Vec<i64>], time: Ticks) -> Vec<LostUpdate> {
    let from = events.partition_point(|e| e.time < time);
    let upto = from + events[from..].iter().take_while(|e| e.time == time).count();
    let mut out = Vec::new();
    for (i, e) in events[..upto].iter().enumerate().skip(from) {
        let What::Mem { pid, var, value, tid, lost } = e.what else { continue };
        if lost == 0 {
            continue;
        }
        // Earlier writes of the same variable, newest first, with the value before each.
        let mut writes = events[..i].iter().rev().filter_map(|e| match e.what {
            What::Mem { pid: p, var: v, value, tid, .. } if p == pid && v == var => Some((tid, value)),
            _ => None,
        });
        let mut newest_first: Vec<(ThreadId, i64)> = Vec::new();
        let mut before = None;
        for w in writes.by_ref() {
            if newest_first.len() == lost as usize {
                before = Some(w.1);
                break;
            }
            newest_first.push(w);
        }
        let mut prev = before.unwrap_or_else(|| initial.get(pid).and_then(|v| v.get(var)).copied().unwrap_or(0));
        let overwritten = newest_first
            .into_iter()
            .rev()
            .map(|(tid, value)| {
                let delta = value.wrapping_sub(prev);
                prev = value;
                Overwritten { tid, value, delta }
            })
            .collect();
        out.push(LostUpdate { pid, var, tid, value, overwritten });
    }
    out
}

impl PartialEq for Run {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Run {
    /// Validates and runs `scenario` with the full trace recorded. Errors: the scenario's
    /// located error, as text (path, line, column, message).
    pub fn load(scenario: Scenario) -> Result<Rc<Run>, String> {
        let (system, mut result) = model::run(&scenario).map_err(|e| e.to_string())?;
        let trace = result.trace.take().unwrap_or_default();
        let id = NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed);
        let lost_times = lost_update_times(&trace.events);
        Ok(Rc::new(Run { id, scenario, system, result, trace, lost_times }))
    }

    /// Parses scenario JSON, then [`Run::load`]s it.
    pub fn from_json(text: &str) -> Result<Rc<Run>, String> {
        let scenario = Scenario::from_json(text).map_err(|e| e.to_string())?;
        Run::load(scenario)
    }

    /// Number of CPUs of the machine.
    pub fn cpus(&self) -> usize {
        self.scenario.machine.cpus as usize
    }

    /// The state of everything at `time` (ticks), folded from the trace.
    pub fn snapshot(&self, time: Ticks) -> Snapshot {
        self.trace.snapshot(&self.system, self.cpus(), time)
    }

    /// Variables stored at exactly `time` (ticks), with the writing thread: (pid, var, tid).
    pub fn writes_at(&self, time: Ticks) -> Vec<(ProcessId, VarId, ThreadId)> {
        let events = &self.trace.events;
        let from = events.partition_point(|e| e.time < time);
        events[from..]
            .iter()
            .take_while(|e| e.time == time)
            .filter_map(|e| match e.what {
                What::Mem { pid, var, tid, .. } => Some((pid, var, tid)),
                _ => None,
            })
            .collect()
    }

    /// The lost updates of the stores at exactly `time` (ticks); see [`lost_updates_at`].
    pub fn lost_updates_at(&self, time: Ticks) -> Vec<LostUpdate> {
        if self.lost_times.binary_search(&time).is_err() {
            return Vec::new();
        }
        let initial: Vec<Vec<i64>> = self.system.processes.iter().map(|p| p.space.initial.clone()).collect();
        lost_updates_at(&self.trace.events, &initial, time)
    }

    /// The instruction text at `pc` of thread `tid`, with its 1-based source line if it has one.
    pub fn instruction(&self, tid: ThreadId, pc: usize) -> (Option<u32>, &str) {
        let prog = self.system.program_of(tid);
        (prog.lines.get(pc).copied(), prog.text(pc))
    }
}
