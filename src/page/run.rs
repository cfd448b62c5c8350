//! A finished run as the page shows it: what the page knows of the scenario ([`Summary`]), the
//! system the model loaded from it, and the result with its trace. The page gets its runs from
//! the simulation worker ([`Run::from_worker`]); [`Run::load`] reads and simulates here (native
//! tests and tools), so the page never links the scenario reader or the simulation itself.

use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::messaging::wire::RunBytes;
use crate::model::listing::Whereabouts;
use crate::model::replay::Checkpoints;
use crate::model::trace::{LostUpdate, Snapshot, Trace, What};
use crate::model::{self, ProcessId, RunResult, Scenario, ScenarioError, System, ThreadId, Ticks};
use crate::page::summary::Summary;

/// Events [`Run::next_pc`] looks through at most (a frame's budget: about a millisecond).
pub const NEXT_PC_SCAN: usize = 200_000;

/// Every run gets a fresh id, so comparing runs (for Yew props) is one integer compare.
static NEXT_RUN_ID: AtomicU32 = AtomicU32::new(1);

/// A scenario run to completion (or to a deadlock, error or budget), ready to play back.
#[derive(Debug)]
pub struct Run {
    /// Unique per loaded run; equality of runs is equality of ids.
    pub id: u32,
    /// What the page shows of the scenario (name, settings, program sources).
    pub summary: Rc<Summary>,
    /// The loaded system: processes, threads, parsed programs.
    pub system: System,
    pub result: RunResult,
    /// The full trace (taken out of `result`).
    pub trace: Trace,
    /// Times (ticks, ascending, distinct) of the stores that lost updates.
    pub lost_times: Vec<Ticks>,
    /// The trace's last instant ([`Trace::end_time`], ticks), kept: the views read it on every
    /// frame and it scans every CPU interval.
    pub end: Ticks,
    /// The trace's state every few thousand events, so a snapshot costs the same at any instant.
    pub checkpoints: Checkpoints,
}

impl PartialEq for Run {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Run {
    /// Validates and runs `scenario` with the full trace recorded. Errors: what is wrong with
    /// the scenario, and where.
    pub fn load(scenario: Scenario) -> Result<Rc<Run>, ScenarioError> {
        let (system, mut result) = model::run(&scenario)?;
        let trace = result.trace.take().unwrap_or_default();
        let summary = Rc::new(Summary::of(&scenario, &system));
        Ok(Run::assemble(summary, system, result, trace))
    }

    /// The run that the simulation worker computed and sent as `bytes`, of the scenario the
    /// reader worker summarised as `summary` and loaded as `system` (which gains the processes
    /// the run created: `fork`, `spawn`).
    pub fn from_worker(summary: Rc<Summary>, mut system: System, bytes: RunBytes) -> Rc<Run> {
        let RunBytes { outcome, metrics, events_handled, trace } = bytes;
        system.grow_from_trace(&trace);
        let result = RunResult { outcome, metrics, events_handled, trace: None };
        Run::assemble(summary, system, result, trace)
    }

    fn assemble(summary: Rc<Summary>, system: System, result: RunResult, trace: Trace) -> Rc<Run> {
        let id = NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed);
        let lost_times = trace.lost_update_times();
        let end = trace.end_time();
        let checkpoints = Checkpoints::new(&trace, &system);
        Rc::new(Run { id, summary, system, result, trace, lost_times, end, checkpoints })
    }

    /// Parses scenario JSON, then [`Run::load`]s it; errors are located in `text`.
    pub fn from_json(text: &str) -> Result<Rc<Run>, ScenarioError> {
        Run::load(Scenario::from_json(text)?).map_err(|e| e.locate_in(text))
    }

    /// Number of CPUs of the machine.
    pub fn cpus(&self) -> usize {
        self.summary.cpus as usize
    }

    /// The state of everything at `time` (ticks), folded from the trace's last checkpoint before it.
    pub fn snapshot(&self, time: Ticks) -> Snapshot {
        self.checkpoints.snapshot(&self.trace, &self.system, self.cpus(), time)
    }

    /// Folds up to `slice` more events of the checkpoints (see [`Checkpoints::extend`]);
    /// returns whether they are all folded. Snapshots are the same either way: this only moves
    /// work to when the page is idle.
    pub fn fold_ahead(&self, slice: usize) -> bool {
        self.checkpoints.extend(&self.trace, &self.system, slice)
    }

    /// Where thread `tid` is in its program at `time` (ticks): its loops' rounds, since when its PC
    /// is where it is ([`crate::model::listing::whereabouts`], from the last checkpoint).
    pub fn whereabouts(&self, tid: ThreadId, time: Ticks) -> Whereabouts {
        self.checkpoints.whereabouts(&self.trace, &self.system, tid, time)
    }

    /// The lost updates of the stores at exactly `time` (ticks); see [`Trace::lost_updates_at`].
    pub fn lost_updates_at(&self, time: Ticks) -> Vec<LostUpdate> {
        if self.lost_times.binary_search(&time).is_err() {
            return Vec::new();
        }
        self.trace.lost_updates_at(&self.system, time)
    }

    /// Whether thread `tid` exists at `time` (ticks): false for the thread of a process that a
    /// `fork` or `spawn` creates later (its row appears when its creation completes).
    pub fn exists_at(&self, tid: ThreadId, time: Ticks) -> bool {
        self.process_exists_at(self.system.threads[tid].pid, time)
    }

    /// Whether process `pid` exists at `time` (ticks): a declared one always, one a `fork` or
    /// `spawn` creates once its creation has completed.
    pub fn process_exists_at(&self, pid: ProcessId, time: Ticks) -> bool {
        (self.result.metrics.memory.get(pid))
            .is_none_or(|m| m.origin == crate::model::procs::Origin::Declared || m.created <= time)
    }

    /// The runtime error that stopped the run, if thread `tid` made it at or before `time`
    /// (ticks): its message. The trace leaves the failing thread as it was when its instruction
    /// failed (running, its PC at that instruction), so the views ask this to show it as failed.
    pub fn fault_of(&self, tid: ThreadId, time: Ticks) -> Option<&str> {
        match &self.result.outcome {
            model::Outcome::RuntimeError { tid: t, time: at, message, .. } if *t == tid && *at <= time => Some(message),
            _ => None,
        }
    }

    /// The instruction thread `tid` runs after the one it is in at `time` (ticks), from the
    /// trace: where its PC is once that instruction completes and the bookkeeping of the same
    /// instant is done (an `end` going back to its loop's first line, a `loop`, a jump), so
    /// the last PC it records at the first later instant it records one. `None` if it records
    /// none (it exits, fails or the run stops), or if that is more than
    /// [`NEXT_PC_SCAN`] events ahead (the code view then marks no next line).
    pub fn next_pc(&self, tid: ThreadId, time: Ticks) -> Option<usize> {
        let events = &self.trace.events;
        let from = events.partition_point(|e| e.time <= time);
        let mut found: Option<(Ticks, usize)> = None;
        for e in events[from..].iter().take(NEXT_PC_SCAN) {
            if found.is_some_and(|(at, _)| e.time > at) {
                break;
            }
            if let What::Pc { tid: t, pc } = e.what
                && t == tid
            {
                found = Some((e.time, pc));
            }
        }
        found.map(|(_, pc)| pc)
    }

    /// The instruction text at `pc` of thread `tid`, with its 1-based source line if it has one.
    pub fn instruction(&self, tid: ThreadId, pc: usize) -> (Option<u32>, &str) {
        let prog = self.system.program_of(tid);
        (prog.lines.get(pc).copied(), prog.text(pc))
    }
}
