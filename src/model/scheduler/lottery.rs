//! Lottery scheduling: each time a CPU needs a thread, a lottery among the ready threads picks
//! it, each holding its `tickets` (default 100), so over many quanta each thread gets CPU in
//! proportion to its tickets. OSTEP ch. 9 ("Scheduling: Proportional Share"), §9.1–9.3;
//! Waldspurger and Weihl, "Lottery Scheduling", OSDI 1994.
//!
//! The draw: the ready threads' tickets are numbered in thread-id order (the first thread holds
//! tickets 0 to t₀ − 1, the next t₀ to t₀ + t₁ − 1, …); a winning number in `0..total` is drawn
//! and its holder runs for one `quantum`. This is OSTEP's figure 9.1 list walk ("the first job
//! whose running ticket sum is greater than the winner") and `lottery.py`'s, which counts the
//! jobs in their index order. A draw happens at every pick, even with one thread ready, as
//! `lottery.py` draws once per quantum.
//!
//! Where the winning number comes from is a [`TicketDraw`]: by default [`UniformDraw`], a
//! uniform draw from the scheduler's seeded RNG ([`Ctx::rng`]); another source can be plugged
//! in with [`Lottery::with_draw`]. A scenario can choose [`PythonDraw`], OSTEP's lottery.py
//! draw (`int(random() * 1000001) % total` on Python's Mersenne Twister), with `"draw":
//! {"python_random": {"seed": S, "skip": K}}`, so a lottery.py run plays back exactly.
//!
//! lottery.py also charges a whole quantum to a winner that finishes before its quantum ends:
//! its clock advances a quantum per draw, so the next draw comes a quantum after the last.
//! `full_quantum` reproduces that: the CPU of a thread that exits mid-quantum stays idle until
//! the quantum's end (the default hands it to the next winner at once).
//!
//! With affinity masks, a CPU's draw is among the ready threads it may run, their tickets
//! numbered the same way.
//!
//! No pre-emption: a thread that becomes ready waits for the next draw (the end of a quantum,
//! or a thread blocking or exiting).

use std::fmt::Debug;

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::spec::{OwnSeed, ParamError, PolicySpec};
use super::{Ctx, LeaveReason, ReadyReason, SchedRng, Scheduler};
use crate::model::pyrandom::{PyRandom, PyStream};
use crate::model::{CpuId, ThreadId, Ticks};

/// Lottery's parameters in a scenario: `{"policy": "lottery", "quantum": 10}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotterySpec {
    /// The time slice a winner runs for, in ticks (≥ 1).
    pub quantum: Ticks,
    /// Where winning numbers come from (default `"uniform"`).
    #[serde(default, skip_serializing_if = "DrawSpec::is_uniform")]
    pub draw: DrawSpec,
    /// A winner that exits before its quantum ends holds its CPU, idle, to the quantum's end,
    /// as lottery.py's clock counts it (default `false`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub full_quantum: bool,
}

/// Where a lottery's winning numbers come from, in a scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrawSpec {
    /// Uniform over the tickets, from the scheduler's seeded RNG ([`UniformDraw`]).
    #[default]
    Uniform,
    /// OSTEP lottery.py's draw on Python's random numbers ([`PythonDraw`]).
    PythonRandom(PyStream),
}

impl DrawSpec {
    fn is_uniform(&self) -> bool {
        *self == DrawSpec::Uniform
    }

    /// The draw this names.
    pub fn build(&self) -> Box<dyn TicketDraw> {
        match self {
            DrawSpec::Uniform => Box::new(UniformDraw),
            DrawSpec::PythonRandom(stream) => Box::new(PythonDraw { rng: stream.rng() }),
        }
    }
}

impl PolicySpec for LotterySpec {
    const KEY: &'static str = "lottery";
    const LABEL: &'static str = "Lottery";
    fn with_defaults(quantum: Ticks) -> Self {
        LotterySpec { quantum, draw: DrawSpec::Uniform, full_quantum: false }
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.quantum == 0 {
            return Err(ParamError::new("quantum", "lottery scheduling needs a quantum of at least 1 µs"));
        }
        if let DrawSpec::PythonRandom(stream) = &self.draw {
            stream.validate().map_err(|e| ParamError::new("draw.python_random.skip", e))?;
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        let mut lottery = Lottery::with_draw(self.quantum, self.draw.build());
        lottery.full_quantum = self.full_quantum;
        Box::new(lottery)
    }
    fn quantum(&self) -> Option<Ticks> {
        Some(self.quantum)
    }
    fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        self.quantum = quantum;
        Ok(())
    }
    /// With lottery.py's draws, their seed becomes `seed` and the outputs skipped stay: the jobs
    /// are the scenario's, so with `-l` jobs (nothing skipped) seed k draws exactly as
    /// `lottery.py -s k -l …`, and with random jobs (whose draws are skipped) `-s k` would also
    /// have drawn other jobs. A uniform draw comes from the scheduler's RNG, seeded from the
    /// run's seed already.
    fn reseed(&mut self, seed: u64) -> Option<OwnSeed> {
        let DrawSpec::PythonRandom(stream) = &mut self.draw else { return None };
        stream.seed = seed;
        Some(OwnSeed { field: "draw.python_random.seed", draws: "lottery.py's draws" })
    }
}

/// Where winning ticket numbers come from.
pub trait TicketDraw: Debug {
    /// A winning ticket number in `0..total` (`total` ≥ 1: the ready threads' tickets).
    /// `rng` is the scheduler's seeded RNG; a source with its own generator may ignore it.
    fn winner(&mut self, total: u64, rng: &mut SchedRng) -> u64;
}

/// Each ticket equally likely, from the scheduler's RNG.
#[derive(Clone, Copy, Debug, Default)]
pub struct UniformDraw;

impl TicketDraw for UniformDraw {
    fn winner(&mut self, total: u64, rng: &mut SchedRng) -> u64 {
        rng.random_range(0..total)
    }
}

/// OSTEP lottery.py's draw: `r = int(random() · 1,000,001)` on Python's generator, winner
/// `r mod total`.
#[derive(Clone, Debug)]
pub struct PythonDraw {
    /// The generator, where lottery.py's run starts drawing.
    pub rng: PyRandom,
}

impl TicketDraw for PythonDraw {
    fn winner(&mut self, total: u64, _rng: &mut SchedRng) -> u64 {
        self.rng.lottery_number() % total
    }
}

/// The lottery: ready threads' tickets in thread-id order, in a Fenwick tree (binary indexed
/// tree) so a draw finds its winner in O(log n) among many threads.
#[derive(Debug)]
pub struct Lottery {
    quantum: Ticks,
    draw: Box<dyn TicketDraw>,
    /// Hold a CPU to the end of the quantum of a thread that exits early ([`LotterySpec`]).
    pub full_quantum: bool,
    /// Per CPU: when its current quantum began (set when a winner starts executing).
    quantum_start: Vec<Ticks>,
    /// Per CPU: idle until this tick (`full_quantum`).
    hold_until: Vec<Ticks>,
    /// `tree[i]`: sum of the tickets of ready threads in a range ending at tid `i - 1`.
    tree: Vec<u64>,
    /// Tickets held in the draw, by tid (0: not ready).
    held: Vec<u64>,
    total: u64,
    ready: usize,
    /// Whether any thread has an affinity mask (found at the first draw).
    pinned: Option<bool>,
}

impl Lottery {
    /// A lottery with winners drawn uniformly from the scheduler's RNG; `quantum` ≥ 1 tick.
    pub fn new(quantum: Ticks) -> Self {
        Lottery::with_draw(quantum, Box::new(UniformDraw))
    }

    /// A lottery whose winning numbers come from `draw`.
    pub fn with_draw(quantum: Ticks, draw: Box<dyn TicketDraw>) -> Self {
        Lottery {
            quantum: quantum.max(1),
            draw,
            full_quantum: false,
            quantum_start: Vec::new(),
            hold_until: Vec::new(),
            tree: vec![0],
            held: Vec::new(),
            total: 0,
            ready: 0,
            pinned: None,
        }
    }

    /// Adds `delta` tickets (wrapping: a negative change as its two's complement) to `tid`.
    fn add(&mut self, tid: ThreadId, delta: u64) {
        if self.held.len() <= tid {
            self.grow(tid + 1);
        }
        let mut i = tid + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// Room for `n` threads (the tree is rebuilt, doubling, so growth is amortised).
    fn grow(&mut self, n: usize) {
        let n = n.max(self.held.len() * 2);
        self.held.resize(n, 0);
        self.tree = vec![0; n + 1];
        for (tid, &t) in self.held.iter().enumerate() {
            let i = tid + 1;
            self.tree[i] = self.tree[i].wrapping_add(t);
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                self.tree[parent] = self.tree[parent].wrapping_add(self.tree[i]);
            }
        }
    }

    /// Takes ready thread `tid`'s tickets out of the draw.
    fn remove(&mut self, tid: ThreadId) {
        let tickets = std::mem::take(&mut self.held[tid]);
        self.add(tid, tickets.wrapping_neg());
        self.total -= tickets;
        self.ready -= 1;
    }

    /// The tid holding ticket `winner` (< total): the first whose running sum exceeds it.
    fn holder(&self, mut winner: u64) -> ThreadId {
        let mut pos = 0;
        let mut step = (self.tree.len() - 1).next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next < self.tree.len() && self.tree[next] <= winner {
                pos = next;
                winner -= self.tree[next];
            }
            step /= 2;
        }
        pos // tree index pos + 1 holds it, i.e. tid pos
    }
}

impl Scheduler for Lottery {
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, ctx: &mut Ctx<'_>) {
        let tickets = ctx.attrs.get(tid).map_or(super::DEFAULT_TICKETS, |a| a.tickets).max(1);
        self.add(tid, tickets);
        self.held[tid] = tickets;
        self.total += tickets;
        self.ready += 1;
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        if self.ready == 0 || self.hold_until.get(cpu).is_some_and(|&t| t > ctx.now) {
            return None;
        }
        let pinned = *self.pinned.get_or_insert_with(|| ctx.attrs.iter().any(|a| a.affinity.is_some()));
        let tid = if pinned {
            // Only the threads this CPU may run take part, in thread-id order.
            let allowed: Vec<(ThreadId, u64)> = (self.held.iter().enumerate())
                .filter(|&(tid, &t)| t > 0 && ctx.allows(tid, cpu))
                .map(|(tid, &t)| (tid, t))
                .collect();
            let total: u64 = allowed.iter().map(|&(_, t)| t).sum();
            if total == 0 {
                return None;
            }
            let winner = self.draw.winner(total, ctx.rng);
            assert!(winner < total, "a ticket draw gave {winner}, not below the {total} tickets");
            let mut sum = 0;
            allowed
                .into_iter()
                .find(|&(_, t)| {
                    sum += t;
                    sum > winner
                })?
                .0
        } else {
            let winner = self.draw.winner(self.total, ctx.rng);
            assert!(winner < self.total, "a ticket draw gave {winner}, not below the {} tickets", self.total);
            self.holder(winner)
        };
        self.remove(tid);
        Some(tid)
    }
    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        let held = self.held.get(tid).is_some_and(|&t| t > 0);
        if held {
            self.remove(tid);
        }
        held
    }
    fn slice(&mut self, _tid: ThreadId, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<Ticks> {
        if self.full_quantum {
            if self.quantum_start.len() <= cpu {
                self.quantum_start.resize(cpu + 1, 0);
            }
            self.quantum_start[cpu] = ctx.now;
        }
        Some(self.quantum)
    }
    /// With `full_quantum`, a thread that exits mid-quantum leaves its CPU idle to the
    /// quantum's end (a timer then lets it draw again).
    fn on_leave(&mut self, _tid: ThreadId, cpu: CpuId, _ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        if !self.full_quantum || why != LeaveReason::Exited {
            return;
        }
        let end = self.quantum_start.get(cpu).map_or(ctx.now, |&s| s + self.quantum);
        if end > ctx.now {
            if self.hold_until.len() <= cpu {
                self.hold_until.resize(cpu + 1, 0);
            }
            self.hold_until[cpu] = end;
            ctx.set_timer(end, cpu as u64);
        }
    }
    fn len(&self) -> usize {
        self.ready
    }
    /// The ready threads in thread-id order (the order their tickets are counted in; a lottery
    /// has no order of service).
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.held.iter().enumerate().filter(|&(_, &t)| t > 0).map(|(tid, _)| tid).take(max).collect()
    }
}
