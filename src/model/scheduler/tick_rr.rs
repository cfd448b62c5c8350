//! Round robin on a global timer tick: every CPU is interrupted at each multiple of the
//! quantum, as a periodic timer interrupt drives the scheduler on every CPU at once (OSTEP
//! ch. 10's homework simulator multi.py schedules this way). A thread dispatched between two
//! interrupts runs only until the next one: its slice is what is left of the global one.
//!
//! The rules, as OSTEP's multi.py applies them (`../shared/OSTEP.md`):
//! - one FIFO ready queue (or, with per-CPU queues, one per CPU: [`super::per_cpu`]);
//! - at each multiple of `quantum`, every running thread leaves its CPU and joins the tail of
//!   the queue, in CPU order (CPU 0's thread first), which is why it is queued when it leaves
//!   its CPU rather than in the kernel's tie order;
//! - each idle CPU, in index order, takes the first thread in the queue it may run (its
//!   affinity mask), and runs it there: a thread does not go back to its last CPU by itself
//!   ([`Scheduler::binds_to_cpu`]), so with one queue it moves to whichever CPU asks first;
//! - a thread that exits or blocks frees its CPU at once; the next thread gets the rest of the
//!   slice.
//!
//! No pre-emption besides the timer; new and woken threads join the tail.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, LeaveReason, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// The policy's parameters in a scenario: `{"policy": "tick_rr", "quantum": 10}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TickRrSpec {
    /// Ticks between the global timer interrupts (≥ 1): multi.py's `-q`.
    pub quantum: Ticks,
}

impl PolicySpec for TickRrSpec {
    const KEY: &'static str = "tick_rr";
    const LABEL: &'static str = "Round Robin on a global timer (OSTEP multi.py)";
    fn with_defaults(quantum: Ticks) -> Self {
        TickRrSpec { quantum }
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.quantum == 0 {
            return Err(ParamError::new("quantum", "the timer needs a period of at least 1 µs"));
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(TickRr::new(self.quantum))
    }
    fn quantum(&self) -> Option<Ticks> {
        Some(self.quantum)
    }
    fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        self.quantum = quantum;
        Ok(())
    }
}

/// The FIFO queue and the global slice.
#[derive(Debug)]
pub struct TickRr {
    quantum: Ticks,
    queue: VecDeque<ThreadId>,
    /// Whether each thread (by tid) is in the queue.
    queued: Vec<bool>,
}

impl TickRr {
    /// Round robin with timer interrupts every `quantum` ticks (≥ 1).
    pub fn new(quantum: Ticks) -> Self {
        TickRr { quantum: quantum.max(1), queue: VecDeque::new(), queued: Vec::new() }
    }

    fn push(&mut self, tid: ThreadId) {
        if self.queued.len() <= tid {
            self.queued.resize(tid + 1, false);
        }
        if !self.queued[tid] {
            self.queued[tid] = true;
            self.queue.push_back(tid);
        }
    }
}

impl Scheduler for TickRr {
    /// New and woken threads join the tail; a thread whose slice ended is queued already.
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, _ctx: &mut Ctx<'_>) {
        self.push(tid);
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        let tid = ctx.take_first(&mut self.queue, cpu)?;
        self.queued[tid] = false;
        Some(tid)
    }
    fn binds_to_cpu(&self) -> bool {
        true
    }
    /// What is left of the global slice: until the next multiple of the quantum.
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<Ticks> {
        Some(self.quantum - ctx.now % self.quantum)
    }
    /// A thread interrupted by the timer joins the tail now, so the CPUs' threads queue in CPU
    /// order (the kernel reports the CPUs' events in that order).
    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, _ran: Ticks, why: LeaveReason, _ctx: &mut Ctx<'_>) {
        if why == LeaveReason::SliceExpired {
            self.push(tid);
        }
    }
    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        if !self.queued.get(tid).copied().unwrap_or(false) {
            return false;
        }
        self.queued[tid] = false;
        self.queue.retain(|&t| t != tid);
        true
    }
    fn len(&self) -> usize {
        self.queue.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.queue.iter().copied().take(max).collect()
    }
}
