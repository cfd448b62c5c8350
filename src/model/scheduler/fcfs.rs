//! First come, first served (FIFO): one ready queue in arrival order, no pre-emption.
//! Definitions as in OSTEP ch. 7 ("Scheduling: Introduction").

use std::collections::VecDeque;

use super::{ReadyReason, Scheduler};
use crate::model::scenario::Policy;
use crate::model::{CpuId, ThreadId, Ticks};

/// FCFS: threads run in the order they became ready, each until it blocks or exits.
#[derive(Debug, Default)]
pub struct Fcfs {
    ready: VecDeque<ThreadId>,
}

impl Scheduler for Fcfs {
    fn policy(&self) -> Policy {
        Policy::Fcfs
    }
    fn enqueue(&mut self, tid: ThreadId, _why: ReadyReason, _now: Ticks) {
        self.ready.push_back(tid);
    }
    fn pick_next(&mut self, _cpu: CpuId, _now: Ticks) -> Option<ThreadId> {
        self.ready.pop_front()
    }
    fn time_slice(&self, _tid: ThreadId) -> Option<Ticks> {
        None
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.ready.iter().take(max).copied().collect()
    }
}
