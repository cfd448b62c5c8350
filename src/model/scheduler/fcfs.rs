//! First come, first served (FIFO): one ready queue in arrival order, no pre-emption.
//! Definitions as in OSTEP ch. 7 ("Scheduling: Introduction").

use std::collections::VecDeque;

use super::{Ctx, ReadyReason, Scheduler};
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
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, _ctx: &mut Ctx<'_>) {
        self.ready.push_back(tid);
    }
    fn pick(&mut self, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        self.ready.pop_front()
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        None
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.ready.iter().take(max).copied().collect()
    }
}
