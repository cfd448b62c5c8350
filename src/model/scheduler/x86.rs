//! OSTEP's x86.py scheduler (`threads-intro/` and `threads-locks/`): threads on one CPU,
//! switched by a countdown of instructions. Each instruction is one tick, so the countdown is
//! in ticks.
//!
//! The rules (`../shared/OSTEP.md`, x86.py's `run` loop):
//! - the countdown starts at the interval `-i` (with `-r`: `int(random() × i) + 1`, Python's
//!   generator seeded with `-s`, redrawn at each switch it starts);
//! - every instruction run takes one from it; at 0 the running thread is interrupted and the
//!   next live thread runs, in turn after it (by tid, wrapping; the same thread if it is the only
//!   one left), with a new countdown;
//! - a thread that yields (leaves the CPU by itself, x86.py's `yield`) switches the same way;
//! - a thread that exits (`halt`) hands the CPU to the next live thread **without** a new
//!   countdown: what is left of it is that thread's; if it was used up by the `halt`, that
//!   thread is interrupted at once (a run of no tick) and the one after it runs;
//! - with a schedule (`-P 0011`, the locks version) the countdown is always 1 and "the next"
//!   is the next entry of the schedule, cycling, skipping the entries of finished threads.
//!
//! One CPU, as x86.py has: on a machine of several, one thread runs at a time (the first CPU
//! to ask takes it, CPU 0 unless an affinity mask says otherwise) and the others stay idle, as
//! under process-run. Nothing pre-empts besides the countdown.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{OwnSeed, ParamError, PolicySpec};
use super::{Ctx, LeaveReason, ReadyReason, Scheduler};
use crate::model::pyrandom::PyRandom;
use crate::model::schedule::Schedule;
use crate::model::{CpuId, ThreadId, Ticks};

/// The policy's parameters in a scenario: `{"policy": "x86", "quantum": 3}`, with
/// `"random_seed": 0` for `-r -s 0` and `"schedule": "0011"` for `-P 0011`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct X86Spec {
    /// Instructions (ticks) between interrupts, ≥ 1: x86.py's `-i` (`"quantum"` in the JSON,
    /// as every policy's time slice, so the page's quantum box edits it).
    #[serde(rename = "quantum")]
    pub interval: Ticks,
    /// Random countdowns (`-r`), drawn from Python's generator seeded with this (`-s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_seed: Option<u64>,
    /// Which thread runs after each instruction (`-P`); empty: every thread in turn.
    #[serde(default, skip_serializing_if = "Schedule::is_empty")]
    pub schedule: Schedule,
}

impl PolicySpec for X86Spec {
    const KEY: &'static str = "x86";
    const LABEL: &'static str = "OSTEP x86.py: switch every \"quantum\" instructions, in turn (one CPU)";
    fn with_defaults(quantum: Ticks) -> Self {
        X86Spec { interval: quantum.max(1), random_seed: None, schedule: Schedule::default() }
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.interval == 0 {
            return Err(ParamError::new("quantum", "must be at least 1 instruction (tick)"));
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(X86::new(self))
    }
    fn quantum(&self) -> Option<Ticks> {
        Some(self.interval)
    }
    fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        self.interval = quantum;
        self.validate()
    }
    /// `random_seed` becomes `seed` (x86.py's `-s`), if the countdowns are random; a schedule
    /// (`-P`) draws none.
    fn reseed(&mut self, seed: u64) -> Option<OwnSeed> {
        let s = self.random_seed.as_mut().filter(|_| self.schedule.is_empty())?;
        *s = seed;
        Some(OwnSeed { field: "random_seed", draws: "x86.py's random interrupts (-r)" })
    }
}

/// The countdown, the turn and the ready threads.
#[derive(Debug)]
pub struct X86 {
    interval: Ticks,
    rng: Option<PyRandom>,
    /// The schedule's entries; empty: threads by tid.
    order: Vec<ThreadId>,
    /// Position in `order` (or the tid, without a schedule) of the thread whose turn it is.
    curr: usize,
    /// Whether each thread (by tid) has exited.
    done: Vec<bool>,
    ready: BTreeSet<ThreadId>,
    /// Ticks left before the next interrupt.
    left: Ticks,
    /// The thread that last left the CPU by blocking (x86.py's `yield` is `io 0`), and when.
    yielder: Option<(ThreadId, Ticks)>,
    /// Whether a thread picked is on a CPU (or being switched in): no other CPU takes one.
    on_cpu: bool,
}

impl X86 {
    /// The policy of `spec` (which must be valid).
    pub fn new(spec: &X86Spec) -> Self {
        let manual = !spec.schedule.is_empty();
        let mut s = X86 {
            interval: if manual { 1 } else { spec.interval.max(1) },
            rng: spec.random_seed.filter(|_| !manual).map(|seed| PyRandom::seed(i128::from(seed))),
            order: spec.schedule.entries.clone(),
            curr: 0,
            done: Vec::new(),
            ready: BTreeSet::new(),
            left: 0,
            yielder: None,
            on_cpu: false,
        };
        s.left = s.countdown();
        s
    }

    /// A new countdown: the interval, or with `-r` `int(random() × interval) + 1`.
    fn countdown(&mut self) -> Ticks {
        match &mut self.rng {
            None => self.interval,
            Some(rng) => (rng.random() * self.interval as f64) as Ticks + 1,
        }
    }

    /// The thread whose turn it is.
    fn turn(&self) -> ThreadId {
        if self.order.is_empty() { self.curr } else { self.order[self.curr] }
    }

    fn is_done(&self, tid: ThreadId) -> bool {
        self.done.get(tid).copied().unwrap_or(false)
    }

    /// Positions in the turn order (`order`, or tids `0..threads`).
    fn positions(&self, threads: usize) -> usize {
        if self.order.is_empty() { threads } else { self.order.len() }
    }

    /// The thread at position `i` of the turn order.
    fn at(&self, i: usize) -> ThreadId {
        if self.order.is_empty() { i } else { self.order[i] }
    }

    /// Moves the turn to the next thread that has not exited (x86.py's `next`); it stays if
    /// every thread in the order has.
    fn advance(&mut self, threads: usize) {
        let len = self.positions(threads);
        if let Some(k) = (1..=len).find(|k| !self.is_done(self.at((self.curr + k) % len))) {
            self.curr = (self.curr + k) % len;
        }
    }
}

impl Scheduler for X86 {
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, _ctx: &mut Ctx<'_>) {
        self.ready.insert(tid);
    }
    /// The thread whose turn it is. In an x86.py run every live thread is ready but the one
    /// that just yielded (ready again at once), so the turn's thread is the one picked, or none
    /// until the yielder is back. In other scenarios (threads blocked, arriving later, masks, one
    /// queue per CPU) the first ready thread in turn order from there runs, and the turn moves
    /// to it.
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        // One CPU: none other runs a thread while one does.
        if self.on_cpu {
            return None;
        }
        // Under a schedule, a thread that yielded now and whose entry is next is back at this
        // same instant (x86.py's yield does not block): wait for it. (Without one, the turn
        // comes back to a yielder only when it is the last live thread.)
        if let Some((y, at)) = self.yielder
            && !self.order.is_empty()
            && at == ctx.now
            && y == self.turn()
            && !self.ready.contains(&y)
        {
            return None;
        }
        let len = self.positions(ctx.attrs.len());
        let k = (0..len).find(|k| {
            let tid = self.at((self.curr + k) % len);
            self.ready.contains(&tid) && ctx.allows(tid, cpu)
        })?;
        self.curr = (self.curr + k) % len;
        let tid = self.turn();
        self.ready.remove(&tid);
        self.on_cpu = true;
        Some(tid)
    }
    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        self.ready.remove(&tid)
    }
    /// What is left of the countdown.
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        Some(self.left)
    }
    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        self.on_cpu = false;
        self.left = self.left.saturating_sub(ran);
        let threads = ctx.attrs.len();
        match why {
            LeaveReason::Exited => {
                if self.done.len() <= tid {
                    self.done.resize(threads.max(tid + 1), false);
                }
                self.done[tid] = true;
                // No new countdown: the next thread gets what is left (0: it is interrupted
                // before its first instruction).
                self.advance(threads);
            }
            LeaveReason::SliceExpired | LeaveReason::Blocked | LeaveReason::Preempted => {
                if why == LeaveReason::Blocked {
                    self.yielder = Some((tid, ctx.now));
                }
                self.left = self.countdown();
                self.advance(threads);
            }
        }
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    /// The ready threads in turn order from the current turn.
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        let mut order: Vec<ThreadId> = self.ready.iter().copied().collect();
        let turn = self.turn();
        order.sort_by_key(|&t| (t < turn, t));
        order.truncate(max);
        order
    }
}
