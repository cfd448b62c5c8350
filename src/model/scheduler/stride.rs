//! Stride scheduling: the deterministic cousin of lottery scheduling. Each thread has a stride,
//! `stride1 / tickets` (integer division, at least 1), and a pass that starts at 0; the ready
//! thread with the lowest pass runs for one `quantum`, and its pass then grows by its stride.
//! OSTEP ch. 9, §9.6 (stride scheduling), figure 9.3; Waldspurger and Weihl, "Stride
//! Scheduling: Deterministic Proportional-Share Resource Management", MIT TM-528, 1995.
//!
//! Choices the chapter leaves open, each a documented rule here:
//! - `stride1`, OSTEP's "large number", is 10,000 by default, as in the chapter's example.
//! - A partial quantum counts in proportion: a thread that ran `r` of its `quantum` ticks (it
//!   blocked, or exited) advances by `stride × r / quantum`, as Waldspurger and Weihl charge
//!   nonuniform quanta. Passes are kept exactly, in units of 1/`quantum`.
//! - A thread that arrives or wakes would monopolise the CPU with a pass far below the others'
//!   (OSTEP: "Should it be set to 0? If so, it will monopolize the CPU"). Its pass is raised to
//!   the floor if below it. The floor is the least pass among the threads ready or running (a
//!   thread leaving its CPU counted with its new pass), taken each time a thread joins or leaves
//!   a CPU, and never lowered; while no thread is ready or running it keeps its last value. So a
//!   newcomer joins level with the thread due to run next and a sleeper keeps no credit for the
//!   time it was away: the rule CFS applies to vruntime with its `min_vruntime` (OSTEP §9.7);
//!   Waldspurger and Weihl join a client at the global pass.
//! - Equal passes go by `pass_tie`: the lower thread id first (default; it gives figure 9.3's
//!   order, A before B before C), or the thread that became ready first (`fifo`).
//!
//! A thread moved here from another CPU's queue (work stealing) joins as a newcomer does.
//!
//! No pre-emption: a thread that becomes ready waits for the next pick.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, LeaveReason, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// OSTEP's "large number" in its stride example (ch. 9, §9.6).
pub const DEFAULT_STRIDE1: u64 = 10_000;

/// How threads with equal passes are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassTie {
    /// The lower thread id first.
    #[default]
    ThreadId,
    /// The thread that joined the ready queue first.
    Fifo,
}

/// Stride's parameters in a scenario: `{"policy": "stride", "quantum": 10, "stride1": 10000}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrideSpec {
    /// The time slice, in ticks (≥ 1).
    pub quantum: Ticks,
    /// The number divided by a thread's tickets to give its stride (≥ 1; default 10,000).
    #[serde(default = "default_stride1")]
    pub stride1: u64,
    /// Order of threads with equal passes (default `thread_id`).
    #[serde(default)]
    pub pass_tie: PassTie,
}

fn default_stride1() -> u64 {
    DEFAULT_STRIDE1
}

impl PolicySpec for StrideSpec {
    const KEY: &'static str = "stride";
    const LABEL: &'static str = "Stride";
    fn with_defaults(quantum: Ticks) -> Self {
        StrideSpec { quantum, stride1: DEFAULT_STRIDE1, pass_tie: PassTie::default() }
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.quantum == 0 {
            return Err(ParamError::new("quantum", "stride scheduling needs a quantum of at least 1 µs"));
        }
        if self.stride1 == 0 {
            return Err(ParamError::new("stride1", "must be at least 1"));
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(Stride::new(self))
    }
    fn quantum(&self) -> Option<Ticks> {
        Some(self.quantum)
    }
    fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        self.quantum = quantum;
        Ok(())
    }
}

/// The stride scheduler's passes and ready queue.
#[derive(Debug)]
pub struct Stride {
    quantum: Ticks,
    stride1: u64,
    pass_tie: PassTie,
    /// Ready threads as (pass × quantum, tie key, tid).
    ready: BTreeSet<(u128, u64, ThreadId)>,
    /// Each thread's pass × quantum, by tid (grown on demand).
    pass: Vec<u128>,
    /// Threads on a CPU.
    running: Vec<ThreadId>,
    /// Threads that left a CPU here and re-join at once (pre-empted), by tid.
    requeue: Vec<bool>,
    /// The floor a joining thread's pass is raised to (× quantum).
    floor: u128,
    seq: u64,
}

impl Stride {
    /// A stride scheduler with the spec's parameters (the spec must be valid).
    pub fn new(spec: &StrideSpec) -> Self {
        Stride {
            quantum: spec.quantum.max(1),
            stride1: spec.stride1.max(1),
            pass_tie: spec.pass_tie,
            ready: BTreeSet::new(),
            pass: Vec::new(),
            running: Vec::new(),
            requeue: Vec::new(),
            floor: 0,
            seq: 0,
        }
    }

    /// `tid`'s stride: `stride1 / tickets`, at least 1.
    fn stride(&self, tid: ThreadId, ctx: &Ctx<'_>) -> u64 {
        let tickets = ctx.attrs.get(tid).map_or(super::DEFAULT_TICKETS, |a| a.tickets).max(1);
        (self.stride1 / tickets).max(1)
    }

    /// `tid`'s pass in whole strides (as figure 9.3 shows it): rounded down.
    pub fn pass_of(&self, tid: ThreadId) -> u128 {
        self.pass.get(tid).copied().unwrap_or(0) / self.quantum as u128
    }

    /// Raises the floor to the least pass among the threads ready or running and `also`.
    fn raise_floor(&mut self, also: Option<u128>) {
        let ready = self.ready.first().map(|&(p, _, _)| p);
        let running = self.running.iter().map(|&tid| self.pass[tid]).min();
        if let Some(least) = [ready, running, also].into_iter().flatten().min() {
            self.floor = self.floor.max(least);
        }
    }
}

impl Scheduler for Stride {
    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, _ctx: &mut Ctx<'_>) {
        if self.pass.len() <= tid {
            self.pass.resize(tid + 1, 0);
            self.requeue.resize(tid + 1, false);
        }
        let rejoins = why == ReadyReason::Preempted && std::mem::take(&mut self.requeue[tid]);
        if !rejoins {
            self.raise_floor(None);
            self.pass[tid] = self.pass[tid].max(self.floor);
        }
        self.seq += 1;
        let tie = match self.pass_tie {
            PassTie::ThreadId => 0,
            PassTie::Fifo => self.seq,
        };
        self.ready.insert((self.pass[tid], tie, tid));
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        let (_, _, tid) = ctx.take_first_in(&mut self.ready, cpu, |&(_, _, tid)| tid)?;
        self.running.push(tid);
        Some(tid)
    }
    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        let Some(&entry) = self.ready.iter().find(|&&(_, _, t)| t == tid) else { return false };
        self.ready.remove(&entry)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        Some(self.quantum)
    }
    /// The pass grows by `stride × ran / quantum` (kept × quantum, so exactly `stride × ran`).
    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        self.running.retain(|&t| t != tid);
        self.requeue[tid] = matches!(why, LeaveReason::SliceExpired | LeaveReason::Preempted);
        let stride = self.stride(tid, ctx) as u128;
        self.pass[tid] += stride * ran as u128;
        self.raise_floor(Some(self.pass[tid]));
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.ready.iter().take(max).map(|&(_, _, tid)| tid).collect()
    }
}
