//! Round Robin: FCFS order, but each thread runs for at most one quantum (time slice) of CPU
//! before it goes to the back of the ready queue. OSTEP ch. 7, section 7.6.
//!
//! If the queue is empty when a quantum expires, the same thread is picked again at once and no
//! context switch happens.

use std::collections::VecDeque;

use super::{ReadyReason, Scheduler};
use crate::model::scenario::Policy;
use crate::model::{CpuId, ThreadId, Ticks};

/// Round Robin with a fixed quantum in ticks.
#[derive(Debug)]
pub struct RoundRobin {
    quantum: Ticks,
    ready: VecDeque<ThreadId>,
}

impl RoundRobin {
    /// `quantum` ≥ 1 tick.
    pub fn new(quantum: Ticks) -> Self {
        RoundRobin { quantum: quantum.max(1), ready: VecDeque::new() }
    }
}

impl Scheduler for RoundRobin {
    fn policy(&self) -> Policy {
        Policy::RoundRobin
    }
    fn enqueue(&mut self, tid: ThreadId, _why: ReadyReason, _now: Ticks) {
        self.ready.push_back(tid);
    }
    fn pick_next(&mut self, _cpu: CpuId, _now: Ticks) -> Option<ThreadId> {
        self.ready.pop_front()
    }
    fn time_slice(&self, _tid: ThreadId) -> Option<Ticks> {
        Some(self.quantum)
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    fn queue(&self) -> Vec<ThreadId> {
        self.ready.iter().copied().collect()
    }
}
