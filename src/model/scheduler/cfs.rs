//! A CFS-like fair scheduler, after Linux's Completely Fair Scheduler (2.6.23 to 6.5) as OSTEP
//! ch. 9, §9.7 describes it. Each thread has a virtual runtime (vruntime) that grows, while it
//! runs, by `ran × 1024 / weight`: a thread's weight comes from its `nice` value through Linux's
//! `sched_prio_to_weight` table ([`NICE_TO_WEIGHT`]), and nice 0 weighs 1024, so its vruntime
//! advances at the speed of real time. The ready thread with the least vruntime runs.
//!
//! Its time slice, in ticks: `max(target_latency × weight / total weight, min_granularity)`,
//! where the total weight is that of the threads ready or running, itself included (OSTEP's
//! `sched_latency` divided among the runnable processes, in proportion to weight, never below
//! `min_granularity`). The defaults are OSTEP's 48 ms and 6 ms, as 48,000 and 6,000 ticks
//! (1 tick = 1 µs). Linux instead stretches the period to `n × min_granularity` once more than
//! `latency / min_granularity` threads run (`__sched_period`); with equal weights the two agree.
//! The slice is fixed when the thread starts running: a thread that wakes meanwhile does not
//! shorten it (Linux re-checks at each timer tick).
//!
//! Placement, after Linux's `place_entity` (kernel/sched/fair.c, before EEVDF) against
//! `min_vruntime`: the least vruntime among the threads ready or running, never lowered
//! (`update_min_vruntime`):
//! - a thread that arrives starts at `min_vruntime`, plus with `start_debit` (default, Linux's
//!   `START_DEBIT`) the virtual length of the slice it would get, so a newcomer waits for the
//!   threads already promised this period;
//! - a thread that wakes gets `max(its vruntime, min_vruntime − sleeper_credit)`: a sleeper
//!   keeps its lead but gains at most `sleeper_credit` ticks of virtual time for sleeping
//!   (default half the target latency, Linux's `GENTLE_FAIR_SLEEPERS`; OSTEP: "CFS sets the
//!   vruntime of that job to the minimum value found in the tree", which is `sleeper_credit` 0).
//!
//! Wake-up pre-emption, after Linux's `check_preempt_wakeup` / `wakeup_preempt_entity`: a thread
//! that arrives or wakes takes the CPU of the running thread with the most vruntime if that
//! thread's vruntime exceeds its own by more than `wakeup_granularity` ticks converted to the
//! woken thread's virtual time (`× 1024 / its weight`). Default 1,000 ticks (1 ms, Linux's
//! `sysctl_sched_wakeup_granularity` before its scaling by CPU count).
//!
//! A thread moved here from another CPU's queue (per-CPU queues, work stealing) joins at this
//! queue's `min_vruntime` (Linux keeps its lag behind the old queue's; this keeps none).
//!
//! Equal vruntimes go first in, first out: Linux's red-black tree places an entity after those
//! with an equal key (`entity_before` is a strict comparison), and so does the BTreeSet here.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, LeaveReason, OnCpu, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// Linux's `sched_prio_to_weight` (kernel/sched/core.c): the weight of nice −20 to 19, each
/// step about 1.25 times the next, so one nice level is about 10% of CPU; nice 0 weighs 1024.
pub const NICE_TO_WEIGHT: [u64; 40] = [
    /* -20 */ 88761, 71755, 56483, 46273, 36291, //
    /* -15 */ 29154, 23254, 18705, 14949, 11916, //
    /* -10 */ 9548, 7620, 6100, 4904, 3906, //
    /*  -5 */ 3121, 2501, 1991, 1586, 1277, //
    /*   0 */ 1024, 820, 655, 526, 423, //
    /*   5 */ 335, 272, 215, 172, 137, //
    /*  10 */ 110, 87, 70, 56, 45, //
    /*  15 */ 36, 29, 23, 18, 15,
];

/// Weight of nice 0: vruntime advances at the speed of real time.
pub const NICE_0_WEIGHT: u64 = 1024;

/// The weight of a nice value (clamped to −20..=19).
pub fn weight_of_nice(nice: i32) -> u64 {
    NICE_TO_WEIGHT[(nice.clamp(-20, 19) + 20) as usize]
}

/// OSTEP's `sched_latency`, 48 ms, in ticks.
pub const DEFAULT_TARGET_LATENCY: Ticks = 48_000;
/// OSTEP's `min_granularity`, 6 ms, in ticks.
pub const DEFAULT_MIN_GRANULARITY: Ticks = 6_000;
/// Linux's base `sysctl_sched_wakeup_granularity`, 1 ms, in ticks.
pub const DEFAULT_WAKEUP_GRANULARITY: Ticks = 1_000;

/// Virtual time is kept in units of 1/65,536 tick, so `× 1024 / weight` loses almost nothing.
const VSCALE: u128 = 1 << 16;

/// CFS's parameters in a scenario: `{"policy": "cfs", "target_latency": 48000}`; all optional.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CfsSpec {
    /// Period, in ticks, in which every runnable thread should run once (≥ 1; default 48,000).
    #[serde(default = "default_target_latency")]
    pub target_latency: Ticks,
    /// Shortest time slice, in ticks (≥ 1; default 6,000).
    #[serde(default = "default_min_granularity")]
    pub min_granularity: Ticks,
    /// How far, in ticks of the woken thread's virtual time, a running thread's vruntime must
    /// exceed a woken thread's for it to be pre-empted (default 1,000).
    #[serde(default = "default_wakeup_granularity")]
    pub wakeup_granularity: Ticks,
    /// A new thread starts one virtual slice after `min_vruntime` (default `true`).
    #[serde(default = "yes")]
    pub start_debit: bool,
    /// Most virtual time, in ticks, a woken thread is placed below `min_vruntime` (default:
    /// half of `target_latency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sleeper_credit: Option<Ticks>,
}

fn default_target_latency() -> Ticks {
    DEFAULT_TARGET_LATENCY
}
fn default_min_granularity() -> Ticks {
    DEFAULT_MIN_GRANULARITY
}
fn default_wakeup_granularity() -> Ticks {
    DEFAULT_WAKEUP_GRANULARITY
}
fn yes() -> bool {
    true
}

impl Default for CfsSpec {
    fn default() -> Self {
        CfsSpec {
            target_latency: DEFAULT_TARGET_LATENCY,
            min_granularity: DEFAULT_MIN_GRANULARITY,
            wakeup_granularity: DEFAULT_WAKEUP_GRANULARITY,
            start_debit: true,
            sleeper_credit: None,
        }
    }
}

impl PolicySpec for CfsSpec {
    const KEY: &'static str = "cfs";
    const LABEL: &'static str = "Completely fair scheduler (CFS)";
    fn with_defaults(_quantum: Ticks) -> Self {
        CfsSpec::default()
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.target_latency == 0 {
            return Err(ParamError::new("target_latency", "must be at least 1 µs"));
        }
        if self.min_granularity == 0 {
            return Err(ParamError::new("min_granularity", "must be at least 1 µs"));
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(Cfs::new(self))
    }
}

#[derive(Clone, Debug, Default)]
struct CfsThread {
    /// Virtual runtime, in 1/[`VSCALE`] ticks.
    vruntime: u64,
    weight: u64,
    /// In the ready set.
    queued: bool,
    /// Sequence number of its place in the ready set.
    seq: u64,
    /// When it started executing, while it does.
    since: Option<Ticks>,
}

/// The CFS ready set (ordered by vruntime) and each thread's vruntime.
#[derive(Debug)]
pub struct Cfs {
    target_latency: Ticks,
    min_granularity: Ticks,
    wakeup_granularity: Ticks,
    start_debit: bool,
    sleeper_credit: Ticks,
    /// Ready threads as (vruntime, sequence, tid).
    ready: BTreeSet<(u64, u64, ThreadId)>,
    threads: Vec<CfsThread>,
    /// Threads on a CPU.
    running: Vec<ThreadId>,
    /// Threads off a CPU about to re-join the ready set.
    requeue: Vec<ThreadId>,
    /// Total weight of the threads ready, running or re-joining.
    load: u64,
    min_vruntime: u64,
    seq: u64,
    /// Threads that arrived or woke at `woken_at`: candidates for wake-up pre-emption.
    woken: Vec<ThreadId>,
    woken_at: Ticks,
}

impl Cfs {
    /// A CFS scheduler with the spec's parameters (the spec must be valid).
    pub fn new(spec: &CfsSpec) -> Self {
        Cfs {
            target_latency: spec.target_latency.max(1),
            min_granularity: spec.min_granularity.max(1),
            wakeup_granularity: spec.wakeup_granularity,
            start_debit: spec.start_debit,
            sleeper_credit: spec.sleeper_credit.unwrap_or(spec.target_latency / 2),
            ready: BTreeSet::new(),
            threads: Vec::new(),
            running: Vec::new(),
            requeue: Vec::new(),
            load: 0,
            min_vruntime: 0,
            seq: 0,
            woken: Vec::new(),
            woken_at: 0,
        }
    }

    /// `ticks` of real time as virtual time for a thread of `weight`.
    fn virtual_time(ticks: Ticks, weight: u64) -> u64 {
        (ticks as u128 * NICE_0_WEIGHT as u128 * VSCALE / weight as u128) as u64
    }

    /// The time slice, in ticks, of a thread of `weight` when the runnable threads weigh `load`.
    fn slice_for(&self, weight: u64, load: u64) -> Ticks {
        let share = self.target_latency as u128 * weight as u128 / load.max(1) as u128;
        (share as Ticks).max(self.min_granularity)
    }

    /// `tid`'s vruntime now, counting the run in progress.
    fn current_vruntime(&self, tid: ThreadId, now: Ticks) -> u64 {
        let t = &self.threads[tid];
        t.vruntime + t.since.map_or(0, |s| Cfs::virtual_time(now - s, t.weight))
    }

    /// Raises `min_vruntime` to the least vruntime among the threads ready, running or
    /// re-joining (Linux's `update_min_vruntime`).
    fn update_min_vruntime(&mut self, now: Ticks) {
        let ready = self.ready.first().map(|&(v, _, _)| v);
        let running = self.running.iter().map(|&tid| self.current_vruntime(tid, now)).min();
        let requeue = self.requeue.iter().map(|&tid| self.threads[tid].vruntime).min();
        if let Some(least) = [ready, running, requeue].into_iter().flatten().min() {
            self.min_vruntime = self.min_vruntime.max(least);
        }
    }

    fn enqueue(&mut self, tid: ThreadId) {
        self.seq += 1;
        let t = &mut self.threads[tid];
        t.seq = self.seq;
        t.queued = true;
        self.ready.insert((t.vruntime, t.seq, tid));
    }

    /// `tid`'s vruntime as a public read-out, in ticks (rounded down).
    pub fn vruntime_of(&self, tid: ThreadId) -> Ticks {
        self.threads.get(tid).map_or(0, |t| (t.vruntime as u128 / VSCALE) as Ticks)
    }
}

impl Scheduler for Cfs {
    fn preempts(&self) -> bool {
        true
    }

    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, ctx: &mut Ctx<'_>) {
        if self.threads.len() <= tid {
            self.threads.resize(tid + 1, CfsThread::default());
        }
        if why == ReadyReason::Preempted && self.requeue.contains(&tid) {
            self.requeue.retain(|&t| t != tid);
            self.enqueue(tid);
            return;
        }
        let weight = weight_of_nice(ctx.attrs.get(tid).map_or(0, |a| a.nice));
        self.update_min_vruntime(ctx.now);
        let vruntime = if why == ReadyReason::Preempted {
            self.min_vruntime // moved here from another CPU's queue
        } else if why == ReadyReason::Arrived {
            let debit = if self.start_debit {
                Cfs::virtual_time(self.slice_for(weight, self.load + weight), weight)
            } else {
                0
            };
            self.min_vruntime + debit
        } else {
            let credit = Cfs::virtual_time(self.sleeper_credit, NICE_0_WEIGHT);
            self.threads[tid].vruntime.max(self.min_vruntime.saturating_sub(credit))
        };
        let t = &mut self.threads[tid];
        t.weight = weight;
        t.vruntime = vruntime;
        self.load += weight;
        self.enqueue(tid);
        if self.woken_at != ctx.now {
            self.woken.clear();
            self.woken_at = ctx.now;
        }
        self.woken.push(tid);
    }

    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        let (_, _, tid) = ctx.take_first_in(&mut self.ready, cpu, |&(_, _, tid)| tid)?;
        self.threads[tid].queued = false;
        self.running.push(tid);
        Some(tid)
    }

    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        let Some(t) = self.threads.get_mut(tid).filter(|t| t.queued) else { return false };
        t.queued = false;
        self.load -= t.weight;
        self.ready.remove(&(t.vruntime, t.seq, tid))
    }

    /// `max(target_latency × weight / total weight, min_granularity)`.
    fn slice(&mut self, tid: ThreadId, _cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<Ticks> {
        let t = &mut self.threads[tid];
        t.since = Some(ctx.now);
        let weight = t.weight;
        Some(self.slice_for(weight, self.load))
    }

    /// Its vruntime grows by `ran × 1024 / weight`.
    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, ran: Ticks, why: LeaveReason, _ctx: &mut Ctx<'_>) {
        self.running.retain(|&t| t != tid);
        let t = &mut self.threads[tid];
        t.vruntime += Cfs::virtual_time(ran, t.weight);
        t.since = None;
        match why {
            LeaveReason::Blocked | LeaveReason::Exited => self.load -= t.weight,
            LeaveReason::SliceExpired | LeaveReason::Preempted => self.requeue.push(tid),
        }
    }

    /// A thread that arrived or woke now takes the CPU (one its mask allows) of the running
    /// thread with the most vruntime if that one is ahead of it by more than the wake-up
    /// granularity; the woken threads are tried least vruntime first.
    fn preempt(&mut self, running: &[OnCpu], ctx: &mut Ctx<'_>) -> Option<CpuId> {
        if self.woken_at != ctx.now {
            self.woken.clear();
        }
        let threads = &self.threads;
        self.woken.retain(|&tid| threads[tid].queued);
        self.woken.sort_by_key(|&tid| (threads[tid].vruntime, threads[tid].seq));
        let now = ctx.now;
        let victim = self.woken.iter().find_map(|&w| {
            let curr = (running.iter().filter(|r| ctx.allows(w, r.cpu)))
                .max_by_key(|r| (self.current_vruntime(r.tid, now), std::cmp::Reverse(r.cpu)))?;
            let woken = &self.threads[w];
            let gran = Cfs::virtual_time(self.wakeup_granularity, woken.weight);
            let ahead = self.current_vruntime(curr.tid, now).saturating_sub(woken.vruntime);
            (ahead > gran).then_some(curr.cpu)
        });
        if victim.is_none() {
            self.woken.clear();
        }
        victim
    }

    fn len(&self) -> usize {
        self.ready.len()
    }

    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.ready.iter().take(max).map(|&(_, _, tid)| tid).collect()
    }
}
