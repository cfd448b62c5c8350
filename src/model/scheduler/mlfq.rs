//! Multi-level feedback queue (MLFQ): OSTEP ch. 8 ("Scheduling: The Multi-Level Feedback Queue").
//!
//! The rules, as the chapter states them (§8.6 summary), and how they map onto the settings:
//! 1. If Priority(A) > Priority(B), A runs (B doesn't). A ready thread on a higher level takes
//!    the CPU of a running thread on a lower level at once.
//! 2. If Priority(A) = Priority(B), A and B run in round robin, each for its level's `quantum`.
//! 3. A thread that arrives is placed at the highest priority (the first level).
//! 4. Once a thread uses up its time allotment at a level (`allotment` quanta, however many
//!    times it gave up the CPU in between), it moves down one level. The ticks a thread used
//!    before blocking count towards its quantum when it comes back, which stops a thread from
//!    "gaming" the scheduler by blocking just before its quantum ends (§8.4). With
//!    `reset_on_block` a thread that blocks gets a fresh quantum and allotment instead: the
//!    first version's Rule 4b (§8.2), which can be gamed (figure 8.6) and is OSTEP's `mlfq.py
//!    -S`.
//! 5. Every `boost_period` ticks (0: never) all threads move to the top level with a fresh
//!    quantum and allotment (§8.3, figure 8.5), which ends starvation.
//!
//! Levels are listed highest priority first (`levels[0]` is the top), as OSTEP's `mlfq.py -Q`
//! and `-A` list them; `mlfq.py` numbers its queues the other way (queue `n-1` is the top).
//!
//! How each detail follows OSTEP's homework simulator `mlfq.py` (ostep-homework @6c6cfc7, as
//! recorded in `shared/OSTEP.md`), and which settings reproduce it:
//! - A quantum counts down while the thread runs; when it reaches 0 one slice of the allotment
//!   is used: with slices left the thread gets a fresh quantum, otherwise it moves down a level
//!   (the lowest level keeps it) with that level's fresh quantum and allotment. Either way it
//!   goes to the tail of its level's queue.
//! - A thread taken off its CPU by a higher-priority one stays at the head of its queue and keeps
//!   the ticks left of its quantum ([`Mlfq`] keeps running threads in their queues for this).
//! - A thread that blocks keeps its quantum and allotment (or, with `reset_on_block`, gets
//!   fresh ones); if its quantum ran out at the very instant it blocked, the slice still counts
//!   towards the allotment, after the reset (`mlfq.py` checks the quantum after the I/O rule).
//! - A woken thread joins the tail of its level's queue, or its head with `wake_to_front`
//!   (`mlfq.py -I`), where it takes the CPU from a running thread of the same level.
//! - A boost keeps the top level's threads in front, then appends the lower levels' ready
//!   threads (running ones included) in `boost_order`: `mlfq.py` appends them from the lowest
//!   level up (`lowest_first`). Blocked threads are boosted too and rejoin at the top. A running
//!   thread is taken off its CPU at the boost so the kernel asks for its fresh time slice; if it
//!   is still first in line it resumes at once, without a context switch.
//! - At one instant `mlfq.py` handles the end of a quantum (end of the previous tick), then the
//!   boost, then arrivals, then I/O completions. Here the kernel's tie rule orders the threads
//!   that became ready at one instant ([`TieRule`]): `preempted_first` gives `mlfq.py`'s order,
//!   and the boost at an instant applies after the threads pre-empted at it re-join their
//!   queues under `preempted_first`, before any other thread joins; `arrivals_before_wakeups`
//!   queues the instant's arrivals before its wake-ups (the kernel otherwise orders the two by
//!   thread id).
//! - `mlfq.py` also boosts jobs that have not arrived yet; they hold the top level's fresh
//!   quantum and allotment already, so this has no visible effect and needs no setting.
//!
//! So to follow `mlfq.py` exactly: `boost_order: lowest_first`, `tie: preempted_first`,
//! `arrivals_before_wakeups: true`, with `-S` as `reset_on_block` and `-I` as `wake_to_front`
//! (`tests/policy_mlfq.rs` reproduces runs of it). Quanta are in ticks.
//!
//! The boost runs on a kernel timer ([`Ctx::set_timer`]), kept only while a thread is ready or
//! running: boosts that fall while every thread is blocked are applied when one next becomes
//! ready (several change nothing more than one), and the run ends with its last thread.
//!
//! On several CPUs the order above (level, then place in the level's queue) ranks every ready
//! and running thread; a ready thread takes the CPU of the running thread ranked last that it
//! is ranked before and whose CPU its affinity mask allows. With per-CPU queues each CPU has its
//! own MLFQ; a thread moved to another CPU's queue (work stealing) joins the tail of the level
//! that queue last had it at (the top if never).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec, TieRule};
use super::{Ctx, LeaveReason, OnCpu, ReadyReason, Scheduler};
use crate::model::timers::TimerId;
use crate::model::{CpuId, ThreadId, Ticks};

/// One level (queue) of the MLFQ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlfqLevel {
    /// Time slice at this level, in ticks (≥ 1).
    pub quantum: Ticks,
    /// Quanta a thread may use at this level before it moves down (≥ 1; default 1, OSTEP's
    /// `mlfq.py -a`). The lowest level's has no effect (a thread there stays) and may be 0.
    #[serde(default = "one")]
    pub allotment: u64,
}

fn one() -> u64 {
    1
}

/// Where a boost puts the lower levels' threads, behind the top level's own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoostOrder {
    /// Level 1's threads first, then level 2's, …: priority order is kept.
    #[default]
    HighestFirst,
    /// The lowest level's threads first, then the next one up: OSTEP's `mlfq.py`.
    LowestFirst,
}

/// MLFQ's parameters in a scenario:
/// `{"policy": "mlfq", "levels": [{"quantum": 10, "allotment": 1}, {"quantum": 20}], "boost_period": 100}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlfqSpec {
    /// The levels, highest priority first (at least one).
    pub levels: Vec<MlfqLevel>,
    /// Ticks between priority boosts (Rule 5), at t = period, 2 × period, …; 0: no boost.
    #[serde(default)]
    pub boost_period: Ticks,
    /// Order in which a boost appends the lower levels' threads (default `highest_first`;
    /// OSTEP's `mlfq.py`: `lowest_first`).
    #[serde(default)]
    pub boost_order: BoostOrder,
    /// A thread that blocks (I/O, a lock) gets a fresh quantum and allotment at its level:
    /// OSTEP's first Rule 4b and `mlfq.py -S` (default `false`: the used ticks carry over).
    #[serde(default)]
    pub reset_on_block: bool,
    /// A woken thread joins the head of its level's queue, not the tail (`mlfq.py -I`).
    #[serde(default)]
    pub wake_to_front: bool,
    /// At one instant, arrivals join their queue before wake-ups, as in `mlfq.py` (default
    /// `false`: the two go by thread id).
    #[serde(default)]
    pub arrivals_before_wakeups: bool,
    /// Order of threads joining the ready queues at the same instant (default: arrivals first;
    /// `mlfq.py`: `preempted_first`).
    #[serde(default)]
    pub tie: TieRule,
}

impl PolicySpec for MlfqSpec {
    const KEY: &'static str = "mlfq";
    const LABEL: &'static str = "Multi-level feedback queue (MLFQ)";
    /// Three levels with the same `quantum` and an allotment of one quantum each, no boost:
    /// OSTEP's `mlfq.py` defaults (`-n 3 -a 1 -B 0`).
    fn with_defaults(quantum: Ticks) -> Self {
        MlfqSpec {
            levels: vec![MlfqLevel { quantum, allotment: 1 }; 3],
            boost_period: 0,
            boost_order: BoostOrder::default(),
            reset_on_block: false,
            wake_to_front: false,
            arrivals_before_wakeups: false,
            tie: TieRule::default(),
        }
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.levels.is_empty() {
            return Err(ParamError::new("levels", "MLFQ needs at least one level"));
        }
        let lowest = self.levels.len() - 1;
        for (i, level) in self.levels.iter().enumerate() {
            if level.quantum == 0 {
                return Err(ParamError::new(&format!("levels[{i}].quantum"), "must be at least 1 µs"));
            }
            if level.allotment == 0 && i < lowest {
                return Err(ParamError::new(
                    &format!("levels[{i}].allotment"),
                    "must be at least 1 quantum (only the lowest level's allotment may be 0: it has no effect)",
                ));
            }
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(Mlfq::new(self))
    }
    /// The top level's quantum.
    fn quantum(&self) -> Option<Ticks> {
        self.levels.first().map(|l| l.quantum)
    }
    /// Sets every level's quantum (the page and the CLI have a single quantum control).
    fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        for level in &mut self.levels {
            level.quantum = quantum;
        }
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

/// Where a thread is, as MLFQ sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Not arrived, blocked or exited: in no queue.
    Away,
    /// In its level's queue, ready.
    Ready,
    /// In its level's queue, on a CPU (running or being switched in).
    Running,
    /// Off its CPU at the end of its quantum, about to re-join the tail of its queue.
    Requeue,
    /// Woken, waiting for the instant's arrivals to join first (`arrivals_before_wakeups`).
    Woken,
}

#[derive(Clone, Debug)]
struct MlfqThread {
    /// Level index, 0 = top.
    level: usize,
    /// Ticks left of the current quantum.
    ticks_left: Ticks,
    /// Quanta left at this level, counting the current one.
    allot_left: u64,
    place: Place,
    /// Sort key of its place in its level's queue, while in one.
    key: i64,
    /// When it last started executing on its CPU (its quantum counts from here), while running.
    since: Option<Ticks>,
    /// Boosted while executing: its CPU's time slice is out of date.
    stale: bool,
    exited: bool,
}

/// The MLFQ's queues and each thread's level and quantum.
#[derive(Debug)]
pub struct Mlfq {
    levels: Vec<MlfqLevel>,
    boost_period: Ticks,
    boost_order: BoostOrder,
    reset_on_block: bool,
    wake_to_front: bool,
    arrivals_before_wakeups: bool,
    preempted_first: bool,
    /// Every queued thread, ready or running, as (level, key, tid): the order of service.
    queues: BTreeSet<(usize, i64, ThreadId)>,
    /// Per thread, by tid (grown on demand).
    threads: Vec<MlfqThread>,
    /// Woken threads not yet queued (`arrivals_before_wakeups`), in wake order.
    woken: Vec<ThreadId>,
    /// Threads ready, running, and between leaving a CPU and re-joining a queue.
    ready: usize,
    running: usize,
    requeue: usize,
    /// Keys below every key given so far (for the head) and above (for the tail).
    head_key: i64,
    tail_key: i64,
    /// Time of the next boost not yet applied.
    next_boost: Ticks,
    timer: Option<TimerId>,
}

impl Mlfq {
    /// An MLFQ with the spec's levels and rules (the spec must be valid).
    pub fn new(spec: &MlfqSpec) -> Self {
        Mlfq {
            levels: spec.levels.clone(),
            boost_period: spec.boost_period,
            boost_order: spec.boost_order,
            reset_on_block: spec.reset_on_block,
            wake_to_front: spec.wake_to_front,
            arrivals_before_wakeups: spec.arrivals_before_wakeups,
            preempted_first: spec.tie == TieRule::PreemptedFirst,
            queues: BTreeSet::new(),
            threads: Vec::new(),
            woken: Vec::new(),
            ready: 0,
            running: 0,
            requeue: 0,
            head_key: 0,
            tail_key: 0,
            next_boost: spec.boost_period,
            timer: None,
        }
    }

    fn fresh(&self, level: usize) -> MlfqThread {
        let l = &self.levels[level];
        MlfqThread {
            level,
            ticks_left: l.quantum,
            allot_left: l.allotment,
            place: Place::Away,
            key: 0,
            since: None,
            stale: false,
            exited: false,
        }
    }

    fn thread(&mut self, tid: ThreadId) -> &mut MlfqThread {
        if self.threads.len() <= tid {
            let top = self.fresh(0);
            self.threads.resize(tid + 1, top);
        }
        &mut self.threads[tid]
    }

    /// Queues `tid` (ready) at the tail or the head of its level.
    fn enqueue(&mut self, tid: ThreadId, at_head: bool) {
        let key = if at_head {
            self.head_key -= 1;
            self.head_key
        } else {
            self.tail_key += 1;
            self.tail_key
        };
        let t = self.thread(tid);
        t.key = key;
        t.place = Place::Ready;
        let level = t.level;
        self.queues.insert((level, key, tid));
        self.ready += 1;
    }

    fn dequeue(&mut self, tid: ThreadId) {
        let t = &self.threads[tid];
        self.queues.remove(&(t.level, t.key, tid));
    }

    /// Queues the woken threads held back for the instant's arrivals.
    fn flush_woken(&mut self) {
        for tid in std::mem::take(&mut self.woken) {
            self.ready -= 1; // counted when it woke; `enqueue` counts it again
            self.enqueue(tid, false);
        }
    }

    /// One quantum is used up: a slice of the allotment goes, and with none left the thread
    /// moves down a level (the lowest level keeps it) with that level's allotment; either way
    /// with a fresh quantum.
    fn end_quantum(&mut self, tid: ThreadId) {
        let lowest = self.levels.len() - 1;
        let t = &mut self.threads[tid];
        t.allot_left = t.allot_left.saturating_sub(1);
        if t.allot_left == 0 {
            t.level = (t.level + 1).min(lowest);
            t.allot_left = self.levels[t.level].allotment;
        }
        t.ticks_left = self.levels[t.level].quantum;
    }

    /// Applies the boost due at or before `now` (`inclusive`) or before it, if any. Boosts
    /// missed while no thread was ready or running change nothing more than one boost does.
    fn catch_up(&mut self, now: Ticks, inclusive: bool) {
        let p = self.boost_period;
        if p == 0 || self.next_boost > now || (!inclusive && self.next_boost == now) {
            return;
        }
        self.boost(now);
        let last = if inclusive { now } else { now - 1 };
        self.next_boost = (last / p + 1) * p;
    }

    /// Rule 5: every thread to the top level with a fresh quantum and allotment; the queued
    /// threads keep the top level's in front, then the lower levels' in `boost_order`.
    fn boost(&mut self, now: Ticks) {
        debug_assert!(self.woken.is_empty(), "held-back wake-ups are queued before a boost applies");
        let n = self.levels.len();
        let mut by_level: Vec<Vec<ThreadId>> = vec![Vec::new(); n];
        for &(level, _, tid) in &self.queues {
            by_level[level].push(tid);
        }
        let mut order: Vec<ThreadId> = std::mem::take(&mut by_level[0]);
        match self.boost_order {
            BoostOrder::HighestFirst => by_level.iter().skip(1).for_each(|q| order.extend(q)),
            BoostOrder::LowestFirst => by_level.iter().skip(1).rev().for_each(|q| order.extend(q)),
        }
        self.queues.clear();
        let top = self.fresh(0);
        for t in self.threads.iter_mut().filter(|t| !t.exited) {
            t.level = 0;
            t.ticks_left = top.ticks_left;
            t.allot_left = top.allot_left;
            if t.place == Place::Running && t.since.is_some() {
                t.since = Some(now);
                t.stale = true;
            }
        }
        for tid in order {
            self.tail_key += 1;
            let key = self.tail_key;
            self.threads[tid].key = key;
            self.queues.insert((0, key, tid));
        }
    }

    /// Keeps one boost timer pending while a thread is ready or running; cancels it otherwise
    /// (boosts missed meanwhile are applied when a thread next becomes ready).
    fn sync_timer(&mut self, ctx: &mut Ctx<'_>) {
        if self.boost_period == 0 {
            return;
        }
        let busy = self.ready + self.running + self.requeue > 0;
        match self.timer {
            Some(id) if !busy => {
                ctx.cancel_timer(id);
                self.timer = None;
            }
            None if busy && self.next_boost > ctx.now => {
                self.timer = Some(ctx.set_timer(self.next_boost, 0));
            }
            _ => {}
        }
    }

    /// The first ready (not running) thread in order of service that may run on `cpu`.
    fn first_ready(&self, cpu: CpuId, ctx: &Ctx<'_>) -> Option<(usize, i64, ThreadId)> {
        (self.queues.iter())
            .find(|&&(_, _, tid)| self.threads[tid].place == Place::Ready && ctx.allows(tid, cpu))
            .copied()
    }

    fn rank(&self, tid: ThreadId) -> (usize, i64) {
        let t = &self.threads[tid];
        (t.level, t.key)
    }
}

impl Scheduler for Mlfq {
    fn preempts(&self) -> bool {
        true
    }

    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, ctx: &mut Ctx<'_>) {
        let preempted = why == ReadyReason::Preempted;
        // Under `preempted_first` the instant's boost waits for its pre-empted threads.
        self.catch_up(ctx.now, !(preempted && self.preempted_first));
        match why {
            ReadyReason::Arrived => {
                let top = self.fresh(0);
                *self.thread(tid) = top;
                self.enqueue(tid, false);
            }
            ReadyReason::Woken if self.wake_to_front => self.enqueue(tid, true),
            ReadyReason::Woken if self.arrivals_before_wakeups => {
                self.thread(tid).place = Place::Woken;
                self.woken.push(tid);
                self.ready += 1;
            }
            ReadyReason::Woken => self.enqueue(tid, false),
            ReadyReason::Preempted => {
                self.flush_woken();
                match self.thread(tid).place {
                    Place::Requeue => {
                        self.requeue -= 1;
                        self.enqueue(tid, false);
                    }
                    // Moved here from another CPU's queue (work stealing): the tail of the level
                    // this queue last had it at (the top if never).
                    Place::Away => self.enqueue(tid, false),
                    // Pre-empted mid-quantum: it kept its place.
                    Place::Ready | Place::Running | Place::Woken => {}
                }
            }
        }
        self.sync_timer(ctx);
    }

    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        self.catch_up(ctx.now, true);
        self.flush_woken();
        let picked = self.first_ready(cpu, ctx).map(|(_, _, tid)| tid);
        if let Some(tid) = picked {
            let t = &mut self.threads[tid];
            t.place = Place::Running;
            t.since = None;
            self.ready -= 1;
            self.running += 1;
        }
        self.sync_timer(ctx);
        picked
    }

    /// What is left of the thread's quantum.
    fn slice(&mut self, tid: ThreadId, _cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<Ticks> {
        // A boost due now waits for the instant's pre-empted threads; if it comes, this thread
        // is re-sliced.
        self.catch_up(ctx.now, false);
        let t = self.thread(tid);
        t.since = Some(ctx.now);
        t.stale = false;
        Some(t.ticks_left.max(1))
    }

    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        self.catch_up(ctx.now, false);
        self.flush_woken();
        self.running -= 1;
        let t = self.thread(tid);
        // Ticks used of the quantum: since it started executing, or since a boost renewed it.
        let used = t.since.map_or(0, |s| ctx.now - s);
        debug_assert!(used <= ran, "used {used} > ran {ran}");
        t.ticks_left = t.ticks_left.saturating_sub(used);
        t.since = None;
        t.stale = false;
        let expired = t.ticks_left == 0;
        match why {
            LeaveReason::Exited => {
                self.dequeue(tid);
                let t = &mut self.threads[tid];
                t.exited = true;
                t.place = Place::Away;
            }
            LeaveReason::Blocked => {
                self.dequeue(tid);
                let t = &mut self.threads[tid];
                t.place = Place::Away;
                if self.reset_on_block {
                    let l = &self.levels[t.level];
                    t.ticks_left = l.quantum;
                    t.allot_left = l.allotment;
                }
                // `mlfq.py` checks the quantum after the I/O rule, with the ticks before a reset.
                if expired {
                    self.end_quantum(tid);
                }
            }
            LeaveReason::SliceExpired | LeaveReason::Preempted if expired => {
                self.dequeue(tid);
                self.threads[tid].place = Place::Requeue;
                self.requeue += 1;
                self.end_quantum(tid);
            }
            LeaveReason::SliceExpired | LeaveReason::Preempted => {
                // Pre-empted mid-quantum: it keeps its place and the ticks left.
                self.threads[tid].place = Place::Ready;
                self.ready += 1;
            }
        }
        self.sync_timer(ctx);
    }

    /// A boosted running thread first (its time slice is out of date); else the running thread
    /// ranked last that a ready thread allowed on its CPU is ranked before.
    fn preempt(&mut self, running: &[OnCpu], ctx: &mut Ctx<'_>) -> Option<CpuId> {
        self.catch_up(ctx.now, true);
        self.flush_woken();
        let cpu = if let Some(r) = running.iter().find(|r| self.threads.get(r.tid).is_some_and(|t| t.stale)) {
            Some(r.cpu)
        } else {
            let mut victims: Vec<&OnCpu> = running.iter().collect();
            victims.sort_by_key(|r| std::cmp::Reverse(self.rank(r.tid)));
            victims.into_iter().find_map(|r| {
                let (level, key, _) = self.first_ready(r.cpu, ctx)?;
                ((level, key) < self.rank(r.tid)).then_some(r.cpu)
            })
        };
        self.sync_timer(ctx);
        cpu
    }

    fn withdraw(&mut self, tid: ThreadId, ctx: &mut Ctx<'_>) -> bool {
        let Some(t) = self.threads.get(tid) else { return false };
        match t.place {
            Place::Ready => self.dequeue(tid),
            Place::Woken => self.woken.retain(|&w| w != tid),
            Place::Away | Place::Running | Place::Requeue => return false,
        }
        self.threads[tid].place = Place::Away;
        self.ready -= 1;
        self.sync_timer(ctx);
        true
    }

    fn on_timer(&mut self, _token: u64, ctx: &mut Ctx<'_>) {
        // The boost itself applies when the instant's threads are queued (see `catch_up`).
        self.timer = None;
        self.sync_timer(ctx);
    }

    fn len(&self) -> usize {
        self.ready
    }

    fn queue(&self, max: usize) -> Vec<ThreadId> {
        let mut out = Vec::new();
        let woken_at = |level: usize| self.woken.iter().copied().filter(move |&w| self.threads[w].level == level);
        for level in 0..self.levels.len() {
            let queued = self.queues.range((level, i64::MIN, 0)..=(level, i64::MAX, ThreadId::MAX));
            let ready = queued.map(|&(_, _, tid)| tid).filter(|&tid| self.threads[tid].place == Place::Ready);
            out.extend(ready.chain(woken_at(level)).take(max - out.len()));
            if out.len() == max {
                break;
            }
        }
        out
    }
}
