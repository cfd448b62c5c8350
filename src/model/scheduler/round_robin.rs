//! Round Robin: FCFS order, but each thread runs for at most one quantum (time slice) of CPU
//! before it goes to the back of the ready queue. OSTEP ch. 7, section 7.6.
//!
//! If the queue is empty when a quantum expires, the same thread is picked again at once and no
//! context switch happens.

use super::{Ctx, Fcfs, ReadyReason, Scheduler};
use crate::model::scenario::Policy;
use crate::model::{CpuId, ThreadId, Ticks};

/// Round Robin with a fixed quantum in ticks: the FCFS queue plus a time slice.
#[derive(Debug)]
pub struct RoundRobin {
    quantum: Ticks,
    fifo: Fcfs,
}

impl RoundRobin {
    /// `quantum` ≥ 1 tick.
    pub fn new(quantum: Ticks) -> Self {
        RoundRobin { quantum: quantum.max(1), fifo: Fcfs::default() }
    }
}

impl Scheduler for RoundRobin {
    fn policy(&self) -> Policy {
        Policy::RoundRobin
    }
    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, ctx: &mut Ctx<'_>) {
        self.fifo.on_ready(tid, why, ctx);
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        self.fifo.pick(cpu, ctx)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        Some(self.quantum)
    }
    fn len(&self) -> usize {
        self.fifo.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.fifo.queue(max)
    }
}
