//! A CPU at run time: what it is doing for which thread, and its totals.

use super::metrics::CpuMetrics;
use super::trace::IntervalKind;
use super::{CpuId, ThreadId, Ticks};

/// What a CPU is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// No thread.
    Idle,
    /// Switching to its thread (saving and restoring contexts, maybe the address space).
    Switching,
    /// Executing its thread's instructions.
    Running,
}

/// Runtime state of one CPU.
#[derive(Clone, Debug)]
pub(crate) struct Cpu {
    pub phase: Phase,
    pub thread: Option<ThreadId>,
    /// Thread it ran last (decides whether a switch costs anything).
    pub last: Option<ThreadId>,
    /// Bumped whenever the CPU stops its thread, so its stale events are ignored.
    pub epoch: u32,
    /// Start of the current run or switch interval.
    pub since: Ticks,
    /// End of the switch in progress.
    pub switch_end: Ticks,
    pub switch_kind: IntervalKind,
    /// The thread's PC when the current run interval began.
    pub first_pc: usize,
    /// Ticks left of the time slice, if the policy gave one.
    pub slice_left: Option<Ticks>,
    /// When the step in flight started.
    pub step_start: Ticks,
    /// Whether the step in flight runs warm (cache model).
    pub step_warm: bool,
    /// CPU ticks its thread has executed since this dispatch.
    pub ran: Ticks,
    pub busy: Ticks,
    pub switching: Ticks,
}

impl Cpu {
    /// An idle CPU that has run nothing yet.
    pub fn new() -> Self {
        Cpu {
            phase: Phase::Idle,
            thread: None,
            last: None,
            epoch: 0,
            since: 0,
            switch_end: 0,
            switch_kind: IntervalKind::ThreadSwitch,
            first_pc: 0,
            slice_left: None,
            step_start: 0,
            step_warm: false,
            ran: 0,
            busy: 0,
            switching: 0,
        }
    }

    /// Its measures over a run of `makespan` ticks.
    pub fn metrics(&self, cpu: CpuId, makespan: Ticks) -> CpuMetrics {
        CpuMetrics {
            cpu,
            busy: self.busy,
            switching: self.switching,
            idle: makespan.saturating_sub(self.busy + self.switching),
            utilisation: if makespan == 0 { 0.0 } else { self.busy as f64 / makespan as f64 },
        }
    }
}
