//! Per-CPU ready queues: one instance of the policy per CPU, each with its own ready queue, as
//! Linux keeps a run queue per CPU and as OSTEP ch. 10 ("Multiprocessor Scheduling") describes
//! multi-queue scheduling (MQMS); OSTEP's multi.py `-p` simulates it.
//!
//! - A thread stays in the queue of the CPU it last ran on, so it keeps its cache warm and never
//!   migrates by itself (a CPU picks only from its own queue: [`Scheduler::binds_to_cpu`]).
//! - A new thread goes to the next CPU in round-robin order that its affinity mask allows
//!   (multi.py's initial assignment hands jobs to CPUs in turn).
//! - Work stealing (optional, `steal_every`): every that many ticks (multi.py's peek
//!   interval), each CPU whose queue is empty looks at one other CPU chosen at random and
//!   takes the first thread in that queue it may run; the thread migrates. This cures the load
//!   imbalance MQMS suffers from (OSTEP §10.5). Without stealing, an idle CPU stays idle while
//!   another CPU's queue is long.
//!
//! Which other CPU a thief looks at is a [`VictimChoice`]: by default [`UniformVictim`], from
//! the scheduler's seeded RNG; a scenario can choose multi.py's own `random.choice` on Python's
//! generator ([`PythonVictim`], `"steal_victim": {"python_random": {"seed": S, "skip": K}}`).
//!
//! Each inner policy sees its own CPU's threads only. Timers an inner policy sets are tagged
//! with its CPU + 1; the stealing timer carries tag 0.

use std::fmt::Debug;

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::{Ctx, LeaveReason, OnCpu, ReadyReason, SchedRng, Scheduler};
use crate::model::pyrandom::{PyRandom, PyStream};
use crate::model::{CpuId, ThreadId, Ticks};

/// How a CPU with nothing queued chooses the CPU it tries to steal from.
pub trait VictimChoice: Debug {
    /// One of the `cpus − 1` CPUs other than `thief` (`cpus` ≥ 2). `rng` is the scheduler's
    /// seeded RNG; a source with its own generator may ignore it.
    fn victim(&mut self, thief: CpuId, cpus: usize, rng: &mut SchedRng) -> CpuId;
}

/// Each other CPU equally likely, from the scheduler's RNG.
#[derive(Clone, Copy, Debug, Default)]
pub struct UniformVictim;

impl VictimChoice for UniformVictim {
    fn victim(&mut self, thief: CpuId, cpus: usize, rng: &mut SchedRng) -> CpuId {
        other(thief, rng.random_range(0..cpus - 1))
    }
}

/// OSTEP multi.py's choice: `random.choice` of the list of CPUs without the thief, in index
/// order, on Python's generator.
#[derive(Clone, Debug)]
pub struct PythonVictim {
    /// The generator, where multi.py's run starts drawing.
    pub rng: PyRandom,
}

impl VictimChoice for PythonVictim {
    fn victim(&mut self, thief: CpuId, cpus: usize, _rng: &mut SchedRng) -> CpuId {
        other(thief, self.rng.randbelow((cpus - 1) as u32) as usize)
    }
}

/// The `i`-th CPU of the list 0..n without `thief`.
fn other(thief: CpuId, i: usize) -> CpuId {
    if i >= thief { i + 1 } else { i }
}

/// The victim choice in a scenario (`"steal_victim"`, with per-CPU queues and stealing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VictimSpec {
    /// [`UniformVictim`].
    #[default]
    Uniform,
    /// [`PythonVictim`] on this stream.
    PythonRandom(PyStream),
}

impl VictimSpec {
    /// The choice this names.
    pub fn build(&self) -> Box<dyn VictimChoice> {
        match self {
            VictimSpec::Uniform => Box::new(UniformVictim),
            VictimSpec::PythonRandom(stream) => Box::new(PythonVictim { rng: stream.rng() }),
        }
    }
}

/// The stealing timer's token (tag 0).
const STEAL: u64 = 0;

/// One policy instance per CPU, with optional work stealing.
pub struct PerCpu {
    queues: Vec<Box<dyn Scheduler>>,
    /// The CPU whose queue each thread belongs to, by tid (`None`: not assigned yet).
    home: Vec<Option<CpuId>>,
    /// Where the next new thread goes first (round robin over the CPUs).
    next_new: CpuId,
    steal_every: Option<Ticks>,
    stealing_started: bool,
    victims: Box<dyn VictimChoice>,
}

impl PerCpu {
    /// One queue per CPU (`queues[cpu]`, at least one), stealing every `steal_every` ticks from
    /// a CPU chosen by [`UniformVictim`].
    pub fn new(queues: Vec<Box<dyn Scheduler>>, steal_every: Option<Ticks>) -> Self {
        assert!(!queues.is_empty(), "a machine has at least one CPU");
        PerCpu {
            queues,
            home: Vec::new(),
            next_new: 0,
            steal_every,
            stealing_started: false,
            victims: Box::new(UniformVictim),
        }
    }

    /// Each CPU's ready queue, CPU 0's first, each in the order it would be picked.
    pub fn queues(&self) -> Vec<Vec<ThreadId>> {
        self.queues.iter().map(|q| q.queue(q.len())).collect()
    }

    /// The same, with victims chosen by `victims`.
    pub fn with_victims(mut self, victims: Box<dyn VictimChoice>) -> Self {
        self.victims = victims;
        self
    }

    fn home_of(&mut self, tid: ThreadId) -> &mut Option<CpuId> {
        if self.home.len() <= tid {
            self.home.resize(tid + 1, None);
        }
        &mut self.home[tid]
    }

    /// The queue a newly ready thread joins: its home if its mask allows, else the next CPU in
    /// round-robin order that does.
    fn place(&mut self, tid: ThreadId, ctx: &Ctx<'_>) -> CpuId {
        if let Some(cpu) = *self.home_of(tid)
            && ctx.allows(tid, cpu)
        {
            return cpu;
        }
        let n = self.queues.len();
        let cpu = (0..n).map(|i| (self.next_new + i) % n).find(|&c| ctx.allows(tid, c)).unwrap_or(self.next_new);
        self.next_new = (cpu + 1) % n;
        *self.home_of(tid) = Some(cpu);
        cpu
    }

    /// One stealing round: each CPU with an empty queue, in index order, tries one random other
    /// CPU and takes the first thread there it may run.
    fn steal(&mut self, ctx: &mut Ctx<'_>) {
        let n = self.queues.len();
        if n < 2 {
            return;
        }
        for thief in 0..n {
            if !self.queues[thief].is_empty() {
                continue;
            }
            let victim = self.victims.victim(thief, n, ctx.rng);
            let candidates = self.queues[victim].queue(self.queues[victim].len());
            let Some(tid) = candidates.into_iter().find(|&tid| ctx.allows(tid, thief)) else { continue };
            if self.queues[victim].withdraw(tid, &mut ctx.tagged(victim as u64 + 1)) {
                *self.home_of(tid) = Some(thief);
                self.queues[thief].on_ready(tid, ReadyReason::Preempted, &mut ctx.tagged(thief as u64 + 1));
            }
        }
    }

    fn arm_stealing(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(every) = self.steal_every
            && !self.stealing_started
        {
            self.stealing_started = true;
            // At the next multiple of the period after now (multi.py steals at t > 0, t % P == 0).
            ctx.set_timer((ctx.now / every + 1) * every, STEAL);
        }
    }
}

impl Scheduler for PerCpu {
    fn wants_bursts(&self) -> bool {
        self.queues[0].wants_bursts()
    }
    fn preempts(&self) -> bool {
        self.queues[0].preempts()
    }
    fn binds_to_cpu(&self) -> bool {
        true
    }
    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, ctx: &mut Ctx<'_>) {
        self.arm_stealing(ctx);
        let cpu = self.place(tid, ctx);
        self.queues[cpu].on_ready(tid, why, &mut ctx.tagged(cpu as u64 + 1));
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        self.queues[cpu].pick(cpu, &mut ctx.tagged(cpu as u64 + 1))
    }
    fn slice(&mut self, tid: ThreadId, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<Ticks> {
        self.queues[cpu].slice(tid, cpu, &mut ctx.tagged(cpu as u64 + 1))
    }
    fn on_leave(&mut self, tid: ThreadId, cpu: CpuId, ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        *self.home_of(tid) = Some(cpu);
        self.queues[cpu].on_leave(tid, cpu, ran, why, &mut ctx.tagged(cpu as u64 + 1));
    }
    /// Each CPU's policy decides for the thread on that CPU only.
    fn preempt(&mut self, running: &[OnCpu], ctx: &mut Ctx<'_>) -> Option<CpuId> {
        (0..self.queues.len()).find_map(|cpu| {
            let mine: Vec<OnCpu> = running.iter().filter(|r| r.cpu == cpu).copied().collect();
            self.queues[cpu].preempt(&mine, &mut ctx.tagged(cpu as u64 + 1))
        })
    }
    fn on_priority_change(&mut self, tid: ThreadId, priority: i64, ctx: &mut Ctx<'_>) {
        if let Some(cpu) = self.home.get(tid).copied().flatten() {
            self.queues[cpu].on_priority_change(tid, priority, &mut ctx.tagged(cpu as u64 + 1));
        }
    }
    fn on_timer(&mut self, token: u64, ctx: &mut Ctx<'_>) {
        match Ctx::timer_tag_of(token) {
            (0, STEAL) => {
                self.steal(ctx);
                if let Some(every) = self.steal_every {
                    ctx.set_timer(ctx.now + every, STEAL);
                }
            }
            (tag, inner) => {
                let cpu = (tag - 1) as usize;
                self.queues[cpu].on_timer(inner, &mut ctx.tagged(tag));
            }
        }
    }
    fn withdraw(&mut self, tid: ThreadId, ctx: &mut Ctx<'_>) -> bool {
        match self.home.get(tid).copied().flatten() {
            Some(cpu) => self.queues[cpu].withdraw(tid, &mut ctx.tagged(cpu as u64 + 1)),
            None => false,
        }
    }
    fn len(&self) -> usize {
        self.queues.iter().map(|q| q.len()).sum()
    }
    fn queue_lens(&self) -> Vec<usize> {
        self.queues.iter().map(|q| q.len()).collect()
    }
    /// The queues one after another, CPU 0's first.
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        let mut out = Vec::new();
        for q in &self.queues {
            if out.len() >= max {
                break;
            }
            out.extend(q.queue(max - out.len()));
        }
        out
    }
}
