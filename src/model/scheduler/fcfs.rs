//! First come, first served (FIFO): one ready queue in arrival order, no pre-emption.
//! Definitions as in OSTEP ch. 7 ("Scheduling: Introduction").

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// FCFS's parameters in a scenario: none (`{"policy": "fcfs"}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FcfsSpec {}

impl PolicySpec for FcfsSpec {
    const KEY: &'static str = "fcfs";
    const LABEL: &'static str = "First come, first served (FCFS)";
    fn with_defaults(_quantum: Ticks) -> Self {
        FcfsSpec {}
    }
    fn validate(&self) -> Result<(), ParamError> {
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(Fcfs::default())
    }
}

/// FCFS: threads run in the order they became ready, each until it blocks or exits.
#[derive(Debug, Default)]
pub struct Fcfs {
    ready: VecDeque<ThreadId>,
}

impl Scheduler for Fcfs {
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, _ctx: &mut Ctx<'_>) {
        self.ready.push_back(tid);
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        ctx.take_first(&mut self.ready, cpu)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        None
    }
    fn fixed_slice(&self) -> Option<Option<Ticks>> {
        Some(None)
    }
    fn take_fifo(&mut self) -> Option<Fcfs> {
        Some(std::mem::take(self))
    }
    fn wants_leave(&self) -> bool {
        false
    }
    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        match self.ready.iter().position(|&t| t == tid) {
            Some(i) => self.ready.remove(i).is_some(),
            None => false,
        }
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.ready.iter().take(max).copied().collect()
    }
}
