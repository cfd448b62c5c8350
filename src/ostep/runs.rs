//! Reading a model trace the way OSTEP's simulators print: the runs of each thread on the CPU.

use crate::model::trace::{Cause, IntervalKind, ThreadState, Trace, What};
use crate::model::{ThreadId, Ticks};

/// One stay of a thread on a CPU: from its dispatch to when it left (pre-empted, blocked or
/// finished). A thread with nothing to do has a run of length 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    /// The thread.
    pub tid: ThreadId,
    /// Dispatch time, in ticks.
    pub start: Ticks,
    /// When it left, in ticks.
    pub end: Ticks,
    /// Whether it finished at `end`.
    pub finished: bool,
}

/// Every run in the trace, in dispatch order (on one CPU, also time order).
pub(crate) fn runs(trace: &Trace, threads: usize) -> Vec<Run> {
    let mut open: Vec<Option<(usize, Ticks)>> = vec![None; threads];
    let mut out: Vec<Run> = Vec::new();
    for e in &trace.events {
        let What::State { tid, state, cause } = e.what else { continue };
        if let Some((slot, start)) = open[tid].take() {
            out[slot] = Run { tid, start, end: e.time, finished: state == ThreadState::Terminated };
        }
        if let (ThreadState::Running, Cause::Dispatched { .. }) = (state, cause) {
            open[tid] = Some((out.len(), e.time));
            out.push(Run { tid, start: e.time, end: e.time, finished: false });
        }
    }
    out
}

/// What each CPU ran in each tick `0..end`: `ticks[cpu][t]` is the thread that executed in
/// `[t, t + 1)`, from the trace's run intervals (context switches and idle ticks are `None`).
pub(crate) fn per_tick(trace: &Trace, cpus: usize, end: Ticks) -> Vec<Vec<Option<ThreadId>>> {
    let mut ticks = vec![vec![None; end as usize]; cpus];
    for i in trace.intervals.iter().filter(|i| i.kind == IntervalKind::Run) {
        for t in i.start..i.end.min(end) {
            ticks[i.cpu][t as usize] = Some(i.tid);
        }
    }
    ticks
}
