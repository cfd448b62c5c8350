//! The OS scheduler: which ready thread a free CPU runs next, for how long, and whether a newly
//! ready thread takes a CPU from a running one.
//!
//! Each policy is one file implementing [`Scheduler`]; policies know nothing of the UI or of
//! each other. The kernel ([`super::simulation`]) owns the clock, the CPUs, the event queue and
//! the tie rule ([`super::scenario::TieRule`]). At each instant it:
//! 1. tells the policy of every thread that became ready ([`Scheduler::on_ready`]), in tie order;
//! 2. asks it, for each idle CPU in index order, which thread to run ([`Scheduler::pick`]) and
//!    for how long ([`Scheduler::slice`]);
//! 3. if the policy pre-empts ([`Scheduler::preempts`]) and something became ready or one of its
//!    timers fired, asks whether a running thread should give way ([`Scheduler::preempt`]),
//!    until it says no.
//!
//! It tells the policy when a thread leaves a CPU, how long it ran and why
//! ([`Scheduler::on_leave`]). A policy reads the clock and draws from the scheduler's own seeded
//! RNG through [`Ctx`], and may ask the kernel for timers ([`Ctx::set_timer`]).

pub mod cfs;
pub mod fcfs;
pub mod lottery;
pub mod mlfq;
pub mod per_cpu;
pub mod priority;
pub mod process_run;
pub mod round_robin;
pub mod scripted;
pub mod sjf;
pub mod spec;
pub mod srtf;
pub mod stride;
pub mod tick_rr;
pub mod x86;

pub use cfs::{Cfs, CfsSpec};
pub use fcfs::{Fcfs, FcfsSpec};
pub use lottery::{DrawSpec, Lottery, LotterySpec, PythonDraw, TicketDraw, UniformDraw};
pub use mlfq::{BoostOrder, Mlfq, MlfqLevel, MlfqSpec};
pub use per_cpu::{PythonVictim, UniformVictim, VictimChoice, VictimSpec};
pub use priority::{AgingSpec, MostUrgent, Priority, PrioritySpec};
pub use process_run::{IoDone, ProcessRun, ProcessRunSpec, SwitchOn};
pub use round_robin::{RoundRobin, RoundRobinSpec};
pub use scripted::{Scripted, ScriptedSpec};
pub use sjf::{EstimateSpec, ExpAverage, Sjf, SjfSpec};
pub use spec::{
    DEFAULT_QUANTUM_TICKS, OwnSeed, ParamError, Policy, PolicyParams, PolicySpec, Queues, SchedulerSpec, TieRule,
};
pub use srtf::{Srtf, SrtfSpec};
pub use stride::{PassTie, Stride, StrideSpec};
pub use tick_rr::{TickRr, TickRrSpec};
pub use x86::{X86, X86Spec};

use rand_pcg::Pcg64Mcg;

use super::timers::{TimerId, TimerOwner, Timers};
use super::{CpuId, ThreadId, Ticks};

/// The scheduler's random number generator: seeded from the scenario's seed, apart from the
/// stream that draws `compute A..B` lengths, so a randomised policy does not shift those draws.
pub type SchedRng = Pcg64Mcg;

/// Why a thread joins the ready queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadyReason {
    /// First arrival.
    Arrived,
    /// Its wait ended: I/O finished, or a mutex was handed to it.
    Woken,
    /// Its time slice ran out, or a more urgent thread took its CPU.
    Preempted,
}

/// Why a thread leaves its CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// It blocked (I/O, a lock).
    Blocked,
    /// It terminated.
    Exited,
    /// Its time slice ([`Scheduler::slice`]) ran out.
    SliceExpired,
    /// The policy gave its CPU to another thread ([`Scheduler::preempt`]).
    Preempted,
}

/// A thread on a CPU, as a policy sees it when deciding whether to pre-empt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OnCpu {
    /// The CPU.
    pub cpu: CpuId,
    /// The thread on it (running, or being switched in).
    pub tid: ThreadId,
    /// CPU ticks it has executed since it was dispatched this time.
    pub ran: Ticks,
}

/// Default lottery and stride tickets of a thread.
pub const DEFAULT_TICKETS: u64 = 100;

/// A thread's scheduling attributes, resolved from its spec and its process's
/// ([`super::scenario::ThreadSpec`]); policies read the ones they use.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchedAttrs {
    /// Priority; lower is more urgent unless the policy says otherwise (default 0).
    pub priority: i64,
    /// Nice value, −20 to 19 (default 0).
    pub nice: i32,
    /// Lottery or stride tickets, ≥ 1 (default [`DEFAULT_TICKETS`]).
    pub tickets: u64,
    /// Expected CPU burst in ticks, if the scenario gives one.
    pub expected_burst: Option<Ticks>,
    /// CPUs it may run on, as a bit mask (bit `c` = CPU `c`); `None`: any.
    pub affinity: Option<u64>,
}

impl Default for SchedAttrs {
    fn default() -> Self {
        SchedAttrs { priority: 0, nice: 0, tickets: DEFAULT_TICKETS, expected_burst: None, affinity: None }
    }
}

impl SchedAttrs {
    /// Whether the thread may run on `cpu`.
    pub fn allows(&self, cpu: CpuId) -> bool {
        self.affinity.is_none_or(|mask| cpu < 64 && mask & (1 << cpu) != 0)
    }
}

/// What the kernel lends a policy for one decision: the clock, the scheduler's RNG, timers
/// and the threads' attributes.
pub struct Ctx<'a> {
    /// The current instant, in ticks.
    pub now: Ticks,
    /// The scheduler's seeded RNG ([`SchedRng`]).
    pub rng: &'a mut SchedRng,
    timers: &'a mut Timers,
    /// Scheduling attributes, indexed by thread id.
    pub attrs: &'a [SchedAttrs],
    bursts: &'a [Ticks],
    /// Whether any thread has an affinity mask (if not, every thread may run anywhere).
    pinned: bool,
    /// Put in the top 16 bits of timer tokens (see [`Ctx::tagged`]).
    timer_tag: u64,
}

/// Timer tokens a policy sets must be below this (the top 16 bits route timers of nested
/// policies, see [`Ctx::tagged`]).
pub const TIMER_TOKEN_LIMIT: u64 = 1 << 48;

impl<'a> Ctx<'a> {
    /// Lends the clock, the RNG, the timer service, the attributes and the next bursts (indexed
    /// by thread id; may be empty if the policy reads none). For tests and experiments; the
    /// kernel uses a cheaper constructor.
    pub fn new(
        now: Ticks,
        rng: &'a mut SchedRng,
        timers: &'a mut Timers,
        attrs: &'a [SchedAttrs],
        bursts: &'a [Ticks],
    ) -> Self {
        let pinned = attrs.iter().any(|a| a.affinity.is_some());
        Ctx { now, rng, timers, attrs, bursts, pinned, timer_tag: 0 }
    }

    /// As [`Ctx::new`], told whether any thread has an affinity mask.
    pub(crate) fn for_kernel(
        now: Ticks,
        rng: &'a mut SchedRng,
        timers: &'a mut Timers,
        attrs: &'a [SchedAttrs],
        bursts: &'a [Ticks],
        pinned: bool,
    ) -> Self {
        Ctx { now, rng, timers, attrs, bursts, pinned, timer_tag: 0 }
    }

    /// The same context for a policy nested in another (per-CPU queues): timers it sets carry
    /// `tag` (1 to 65,535) in their token's top 16 bits, so the outer policy's
    /// [`Scheduler::on_timer`] can tell whose they are ([`Ctx::timer_tag_of`]) and pass on the
    /// rest of the token.
    pub fn tagged(&mut self, tag: u64) -> Ctx<'_> {
        Ctx {
            now: self.now,
            rng: self.rng,
            timers: self.timers,
            attrs: self.attrs,
            bursts: self.bursts,
            pinned: self.pinned,
            timer_tag: tag,
        }
    }

    /// Splits a fired token into the tag it was set under (0: none) and the policy's own token.
    pub fn timer_tag_of(token: u64) -> (u64, u64) {
        (token / TIMER_TOKEN_LIMIT, token % TIMER_TOKEN_LIMIT)
    }

    /// Whether `tid` may run on `cpu` (its affinity mask, [`SchedAttrs::affinity`]).
    #[inline]
    pub fn allows(&self, tid: ThreadId, cpu: CpuId) -> bool {
        !self.pinned || self.attrs[tid].allows(cpu)
    }

    /// Removes and returns the first thread of `queue` that may run on `cpu`.
    #[inline]
    pub fn take_first(&self, queue: &mut std::collections::VecDeque<ThreadId>, cpu: CpuId) -> Option<ThreadId> {
        if !self.pinned {
            return queue.pop_front();
        }
        self.take_first_allowed(queue, cpu)
    }

    /// [`Ctx::take_first`] when some thread has an affinity mask. Out of line, so the common
    /// case (a `pop_front`) inlines into the policy's `pick` without the search's register
    /// saves (callgrind: FCFS's `pick` took 35 instructions a call with both paths together).
    #[inline(never)]
    fn take_first_allowed(&self, queue: &mut std::collections::VecDeque<ThreadId>, cpu: CpuId) -> Option<ThreadId> {
        let i = queue.iter().position(|&tid| self.allows(tid, cpu))?;
        queue.remove(i)
    }

    /// Removes and returns the first entry of `set` (ordered by key) whose thread, `tid_of` it,
    /// may run on `cpu`.
    #[inline]
    pub fn take_first_in<K: Ord + Copy>(
        &self,
        set: &mut std::collections::BTreeSet<K>,
        cpu: CpuId,
        tid_of: impl Fn(&K) -> ThreadId,
    ) -> Option<K> {
        if !self.pinned {
            return set.pop_first();
        }
        let key = *set.iter().find(|k| self.allows(tid_of(k), cpu))?;
        set.remove(&key);
        Some(key)
    }

    /// `tid`'s next CPU burst in ticks, as found when it last became ready (see
    /// [`super::burst`]); 0 unless the policy [`Scheduler::wants_bursts`]. For a thread that
    /// has since run `ran` ticks, `next_burst - ran` remain.
    pub fn next_burst(&self, tid: ThreadId) -> Ticks {
        self.bursts.get(tid).copied().unwrap_or(0)
    }

    /// Asks for [`Scheduler::on_timer`] to be called with `token` (below
    /// [`TIMER_TOKEN_LIMIT`]) at `at` (ticks, ≥ now).
    pub fn set_timer(&mut self, at: Ticks, token: u64) -> TimerId {
        assert!(token < TIMER_TOKEN_LIMIT, "timer token {token} is too large");
        self.timers.set(at.max(self.now), TimerOwner::Scheduler, self.timer_tag * TIMER_TOKEN_LIMIT + token)
    }

    /// Cancels a timer set with [`Ctx::set_timer`].
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.timers.cancel(id);
    }
}

/// A scheduling policy.
pub trait Scheduler {
    /// `tid` became ready now, for `why`; place it in the ready queue.
    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, ctx: &mut Ctx<'_>);
    /// Removes and returns the thread idle CPU `cpu` should run next, if any is ready. It must
    /// be a thread that may run on `cpu` ([`Ctx::allows`]; [`Ctx::take_first`] and
    /// [`Ctx::take_first_in`] do this for the usual queues). The kernel runs it on `cpu`, or on
    /// the idle CPU it last ran on if its mask allows that (unless
    /// [`Scheduler::binds_to_cpu`]).
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId>;
    /// Takes ready thread `tid` out of the ready queue without running it (work stealing moves
    /// it to another CPU's queue). Returns whether it was there. Policies that cannot do this
    /// return `false` (the default), and then nothing is stolen from them.
    fn withdraw(&mut self, _tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        false
    }
    /// Whether a thread picked for a CPU must run on that very CPU (per-CPU ready queues);
    /// otherwise the kernel prefers the thread's last CPU when it is idle too.
    fn binds_to_cpu(&self) -> bool {
        false
    }
    /// CPU ticks `tid`, dispatched on `cpu`, may run before it is pre-empted; `None` means until
    /// it blocks or exits. Asked when it starts executing (after any context switch).
    fn slice(&mut self, tid: ThreadId, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<Ticks>;
    /// The slice [`Scheduler::slice`] always answers, if it answers the same for every thread,
    /// CPU and time and does nothing else: the kernel then asks once per run instead of at every
    /// dispatch (FCFS: `Some(None)`, Round Robin: `Some(Some(quantum))`). The default, `None`
    /// (ask every time), is always correct.
    fn fixed_slice(&self) -> Option<Option<Ticks>> {
        None
    }
    /// If everything this policy does besides its [`Scheduler::fixed_slice`] is one first-in
    /// first-out ready queue (FCFS, Round Robin), that queue, moved out (the policy is left
    /// empty): the kernel then holds the queue itself and its calls inline instead of going
    /// through `dyn Scheduler` at every ready thread and dispatch. Asked once per run, before
    /// any thread is ready, and only of a policy with a fixed slice whose `on_leave` is not
    /// wanted ([`Scheduler::wants_leave`]) and which never pre-empts. The default, `None`,
    /// is always correct.
    fn take_fifo(&mut self) -> Option<Fcfs> {
        None
    }
    /// `tid` left `cpu` after executing `ran` CPU ticks since it was dispatched, for `why`.
    fn on_leave(&mut self, _tid: ThreadId, _cpu: CpuId, _ran: Ticks, _why: LeaveReason, _ctx: &mut Ctx<'_>) {}
    /// Whether the kernel must call [`Scheduler::on_leave`]; asked once per run. A policy whose
    /// `on_leave` does nothing may answer `false` and save the call at every block, exit and
    /// expired slice (FCFS, Round Robin). The default, `true`, is always correct.
    fn wants_leave(&self) -> bool {
        true
    }
    /// Whether the policy reads [`Ctx::next_burst`]: the kernel then walks a thread's program
    /// ahead each time it becomes ready (SJF, SRTF).
    fn wants_bursts(&self) -> bool {
        false
    }
    /// Whether [`Scheduler::preempt`] can ever answer `Some` (the kernel skips asking if not).
    fn preempts(&self) -> bool {
        false
    }
    /// Asked after the idle CPUs were given threads, at an instant when threads became ready
    /// (they are in the ready queue now) or a timer of the policy fired: the CPU whose thread
    /// should give way to a ready one now, if any. The kernel then takes that thread off its CPU
    /// ([`LeaveReason::Preempted`], then [`ReadyReason::Preempted`]), lets the CPU pick again and
    /// asks once more, until the answer is `None`.
    fn preempt(&mut self, _running: &[OnCpu], _ctx: &mut Ctx<'_>) -> Option<CpuId> {
        None
    }
    /// `tid`'s priority is now `priority` (e.g. inherited from a thread it blocks).
    fn on_priority_change(&mut self, _tid: ThreadId, _priority: i64, _ctx: &mut Ctx<'_>) {}
    /// A timer set with [`Ctx::set_timer`] fired.
    fn on_timer(&mut self, _token: u64, _ctx: &mut Ctx<'_>) {}
    /// Number of ready threads waiting.
    fn len(&self) -> usize;
    /// Whether no thread is waiting.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The first `max` threads of the ready queue, in the order they would be picked.
    fn queue(&self, max: usize) -> Vec<ThreadId>;
    /// With one ready queue per CPU: each queue's length, CPU 0's first ([`Scheduler::queue`]
    /// lists the queues one after another); empty for one shared queue.
    fn queue_lens(&self) -> Vec<usize> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scenario::{Policy, SchedulerSpec};
    use rand::SeedableRng;

    /// A policy that says its slice is fixed answers that slice whoever asks, on any CPU, at any
    /// time (the kernel then no longer asks), with global and with per-CPU queues.
    #[test]
    fn a_fixed_slice_is_what_slice_answers() {
        let attrs = vec![SchedAttrs::default(); 4];
        let bursts = vec![5; 4];
        let mut fixed = 0;
        for &policy in Policy::ALL {
            for quantum in [1, 3, 10] {
                let mut spec = SchedulerSpec::of(policy, Some(quantum));
                for per_cpu in [false, true] {
                    if per_cpu {
                        spec.queues = spec::Queues::PerCpu { steal_every: None };
                    }
                    let mut sched = spec.build(2);
                    let Some(slice) = sched.fixed_slice() else { continue };
                    fixed += 1;
                    let (mut rng, mut timers) = (SchedRng::seed_from_u64(1), Timers::default());
                    for (tid, cpu, now) in [(0, 0, 0), (3, 1, 7), (2, 0, 1_000)] {
                        let mut ctx = Ctx::new(now, &mut rng, &mut timers, &attrs, &bursts);
                        assert_eq!(sched.slice(tid, cpu, &mut ctx), slice, "{policy:?}, quantum {quantum}");
                    }
                }
            }
        }
        // FCFS and Round Robin, each at three quanta, with global queues.
        assert_eq!(fixed, 6);
    }
}
