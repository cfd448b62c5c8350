//! Round Robin: FCFS order, but each thread runs for at most one quantum (time slice) of CPU
//! before it goes to the back of the ready queue. OSTEP ch. 7, section 7.6.
//!
//! If the queue is empty when a quantum expires, the same thread is picked again at once and no
//! context switch happens.

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec, TieRule};
use super::{Ctx, Fcfs, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// Round Robin's parameters in a scenario: `{"policy": "rr", "quantum": 4}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRobinSpec {
    /// The time slice, in ticks (≥ 1).
    pub quantum: Ticks,
    /// Order of threads joining the ready queue at the same instant (default: arrivals first).
    #[serde(default)]
    pub tie: TieRule,
}

impl PolicySpec for RoundRobinSpec {
    const KEY: &'static str = "rr";
    const LABEL: &'static str = "Round Robin (RR)";
    fn with_defaults(quantum: Ticks) -> Self {
        RoundRobinSpec { quantum, tie: TieRule::default() }
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.quantum == 0 {
            return Err(ParamError::new("quantum", "Round Robin needs a quantum of at least 1 µs"));
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(RoundRobin::new(self.quantum))
    }
    fn quantum(&self) -> Option<Ticks> {
        Some(self.quantum)
    }
    fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        self.quantum = quantum;
        Ok(())
    }
    fn tie(&self) -> TieRule {
        self.tie
    }
    fn set_tie(&mut self, tie: TieRule) -> Result<(), ParamError> {
        self.tie = tie;
        Ok(())
    }
}

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
    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, ctx: &mut Ctx<'_>) {
        self.fifo.on_ready(tid, why, ctx);
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        self.fifo.pick(cpu, ctx)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        Some(self.quantum)
    }
    fn fixed_slice(&self) -> Option<Option<Ticks>> {
        Some(Some(self.quantum))
    }
    fn take_fifo(&mut self) -> Option<Fcfs> {
        Some(std::mem::take(&mut self.fifo))
    }
    fn wants_leave(&self) -> bool {
        false
    }
    fn withdraw(&mut self, tid: ThreadId, ctx: &mut Ctx<'_>) -> bool {
        self.fifo.withdraw(tid, ctx)
    }
    fn len(&self) -> usize {
        self.fifo.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.fifo.queue(max)
    }
}
