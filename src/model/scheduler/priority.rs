//! Priority scheduling: a free CPU runs the most urgent ready thread. Silberschatz, Galvin,
//! Gagne, *Operating System Concepts* (10th ed.), §5.3.4.
//!
//! - **Priority numbers** come from the thread's `priority` attribute. By default the lowest
//!   number is the most urgent (as in Silberschatz; UNIX nice values too); `most_urgent:
//!   "highest"` turns that round.
//! - **Pre-emption** (`preemptive`, default `true`, as in the kernels of Linux and Windows): a
//!   thread that becomes ready strictly more urgent than a running one takes its CPU. An equally
//!   urgent one waits. With `false` a thread keeps its CPU until it blocks, exits or (with a
//!   quantum) its slice ends.
//! - **Round robin among equals** (`quantum`, optional): a running thread goes back to the ready
//!   queue after `quantum` CPU ticks, behind the threads of its priority that wait (Silberschatz
//!   §5.3.4, "priority scheduling with round-robin"). A thread alone at the most urgent priority
//!   is picked again at once, with no context switch.
//! - **Aging** (`aging: {every, step}`, optional): a ready thread's effective priority improves
//!   by `step` for every `every` ticks it has waited in the ready queue since it last joined it
//!   (Silberschatz §5.3.4), without bound; the credit is lost when it is dispatched. A running
//!   thread competes with the effective priority it was dispatched with, so a thread that aged
//!   its way onto a CPU is not thrown off by the next most aged one. When pre-emptive, the policy
//!   sets a kernel timer ([`Ctx::set_timer`]) for the instant the first waiting thread ages past
//!   the least urgent running one, and pre-empts it then.
//!
//! Ties: equally urgent ready threads go first come, first served (Silberschatz §5.3.4), in the
//! order they joined the ready queue; threads joining at one instant (a slice that ends as
//! another thread arrives) go in the scenario's `tie` order, then by thread id. A newcomer
//! pre-empts only a strictly less urgent thread (Silberschatz's definition), the least urgent
//! one running, on the lowest-numbered CPU among equals.
//!
//! A ready queue of n threads costs O(log n) per decision without aging, O(n) with it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec, TieRule};
use super::{Ctx, LeaveReason, OnCpu, ReadyReason, Scheduler};
use crate::model::timers::TimerId;
use crate::model::{CpuId, ThreadId, Ticks};

/// Which end of the priority numbers is the most urgent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MostUrgent {
    /// Lower numbers are more urgent (0 before 1), as in Silberschatz §5.3.4.
    #[default]
    Lowest,
    /// Higher numbers are more urgent (Linux real-time priorities, Windows).
    Highest,
}

/// Aging in a scenario: `{"every": 10, "step": 1}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgingSpec {
    /// Ticks of waiting in the ready queue per improvement (≥ 1).
    pub every: Ticks,
    /// How much the priority number improves each time (≥ 1; default 1).
    #[serde(default = "one")]
    pub step: u64,
}

fn one() -> u64 {
    1
}

fn yes() -> bool {
    true
}

/// Priority scheduling's parameters in a scenario: `{"policy": "priority"}`, or e.g.
/// `{"policy": "priority", "preemptive": false, "most_urgent": "highest", "quantum": 2,
/// "aging": {"every": 10, "step": 1}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrioritySpec {
    /// Whether a newly ready, strictly more urgent thread takes a running thread's CPU (default
    /// `true`).
    #[serde(default = "yes")]
    pub preemptive: bool,
    /// Which priority numbers are the most urgent (default `lowest`).
    #[serde(default)]
    pub most_urgent: MostUrgent,
    /// Time slice in ticks (≥ 1) for round robin among equal priorities; none: run until block
    /// or exit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantum: Option<Ticks>,
    /// Aging of waiting threads; none: priorities never change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aging: Option<AgingSpec>,
    /// Order of threads joining the ready queue at the same instant (default: arrivals first).
    #[serde(default)]
    pub tie: TieRule,
}

impl Default for PrioritySpec {
    fn default() -> Self {
        PrioritySpec {
            preemptive: true,
            most_urgent: MostUrgent::default(),
            quantum: None,
            aging: None,
            tie: TieRule::default(),
        }
    }
}

impl PolicySpec for PrioritySpec {
    const KEY: &'static str = "priority";
    const LABEL: &'static str = "Priority";
    /// Plain priority: no round robin among equals (`quantum` stays unset).
    fn with_defaults(_quantum: Ticks) -> Self {
        PrioritySpec::default()
    }
    fn validate(&self) -> Result<(), ParamError> {
        if self.quantum == Some(0) {
            return Err(ParamError::new("quantum", "must be at least 1 µs (leave it out for no round robin)"));
        }
        if let Some(a) = &self.aging {
            if a.every == 0 {
                return Err(ParamError::new("aging.every", "must be at least 1 µs"));
            }
            if a.step == 0 {
                return Err(ParamError::new("aging.step", "must be at least 1 (leave `aging` out for no aging)"));
            }
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(Priority::new(self))
    }
    fn quantum(&self) -> Option<Ticks> {
        self.quantum
    }
    /// Turns on round robin among equal priorities with this slice.
    fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        self.quantum = Some(quantum);
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

/// A ready thread's place in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Queued {
    /// Its rank ([`Priority::rank`]) when it joined, before aging.
    rank: i128,
    /// Order of joining the ready queue.
    seq: u64,
    /// When it joined, in ticks.
    since: Ticks,
}

/// Per-thread state, by tid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Slot {
    /// A priority set by [`Scheduler::on_priority_change`], overriding the attribute.
    changed: Option<i64>,
    /// Its place while in the ready queue.
    queued: Option<Queued>,
    /// The effective rank it was dispatched with, while on a CPU.
    running: Option<i128>,
}

/// The priority ready queue; see the module documentation for the rules.
#[derive(Debug)]
pub struct Priority {
    preemptive: bool,
    most_urgent: MostUrgent,
    quantum: Option<Ticks>,
    /// (every, step) of aging.
    aging: Option<(Ticks, u64)>,
    /// Ready threads as (rank before aging, seq, tid): the first is the most urgent without aging.
    ready: BTreeSet<(i128, u64, ThreadId)>,
    slots: Vec<Slot>,
    seq: u64,
    /// The aging timer set, and when it fires.
    timer: Option<(TimerId, Ticks)>,
    /// The instant of the last call from the kernel (for [`Scheduler::queue`], which has no clock).
    now: Ticks,
}

impl Priority {
    /// The policy with `spec`'s parameters (assumed valid).
    pub fn new(spec: &PrioritySpec) -> Self {
        Priority {
            preemptive: spec.preemptive,
            most_urgent: spec.most_urgent,
            quantum: spec.quantum,
            aging: spec.aging.as_ref().map(|a| (a.every.max(1), a.step)),
            ready: BTreeSet::new(),
            slots: Vec::new(),
            seq: 0,
            timer: None,
            now: 0,
        }
    }

    fn slot(&mut self, tid: ThreadId) -> &mut Slot {
        if self.slots.len() <= tid {
            self.slots.resize(tid + 1, Slot::default());
        }
        &mut self.slots[tid]
    }

    /// A priority number as a rank: lower is more urgent, whichever way the numbers go.
    fn rank(&self, priority: i64) -> i128 {
        match self.most_urgent {
            MostUrgent::Lowest => i128::from(priority),
            MostUrgent::Highest => -i128::from(priority),
        }
    }

    /// `tid`'s current priority number: as last changed, else its attribute.
    fn priority(&self, tid: ThreadId, ctx: &Ctx<'_>) -> i64 {
        let changed = self.slots.get(tid).and_then(|s| s.changed);
        changed.unwrap_or_else(|| ctx.attrs.get(tid).map_or(0, |a| a.priority))
    }

    /// A ready thread's effective rank at `now`: its rank, improved by aging.
    fn effective(&self, q: &Queued, now: Ticks) -> i128 {
        match self.aging {
            None => q.rank,
            Some((every, step)) => {
                let steps = i128::from((now.saturating_sub(q.since)) / every);
                q.rank.saturating_sub(steps.saturating_mul(i128::from(step)))
            }
        }
    }

    fn queued(&self, tid: ThreadId) -> Queued {
        self.slots[tid].queued.expect("a ready thread has a place in the queue")
    }

    /// The ready thread to run next at `now` and its effective rank: the most urgent, the first
    /// to join among equals.
    fn best(&self, now: Ticks, allowed: impl Fn(ThreadId) -> bool) -> Option<(i128, ThreadId)> {
        if self.aging.is_none() {
            return self.ready.iter().find(|&&(_, _, tid)| allowed(tid)).map(|&(rank, _, tid)| (rank, tid));
        }
        let ((rank, _), tid) = (self.ready.iter())
            .filter(|&&(_, _, tid)| allowed(tid))
            .map(|&(_, seq, tid)| ((self.effective(&self.queued(tid), now), seq), tid))
            .min()?;
        Some((rank, tid))
    }

    /// With pre-emption and aging: keeps one timer set for the first instant a waiting thread
    /// ages to strictly more urgent than the least urgent running thread.
    fn rearm(&mut self, ctx: &mut Ctx<'_>) {
        let (Some((every, step)), true) = (self.aging, self.preemptive) else { return };
        let worst_running = self.slots.iter().filter_map(|s| s.running).max();
        let due = worst_running.and_then(|w| {
            (self.ready.iter())
                .filter_map(|&(rank, _, tid)| {
                    // Aged k steps, its rank is rank − step·k: below w once k > (rank − w)/step.
                    let k = if rank < w { 0 } else { (rank - w) / i128::from(step) + 1 };
                    let wait = u64::try_from(k).ok()?.checked_mul(every)?;
                    self.queued(tid).since.checked_add(wait)
                })
                .min()
        });
        // A crossing due now is the pre-emption this instant's `preempt` call makes; a timer is
        // for later instants only (never one at `now`, which could fire again and again).
        let due = due.map(|t| t.max(ctx.now + 1));
        if self.timer.map(|(_, at)| at) == due {
            return;
        }
        if let Some((id, _)) = self.timer.take() {
            ctx.cancel_timer(id);
        }
        self.timer = due.map(|at| (ctx.set_timer(at, 0), at));
    }
}

impl Scheduler for Priority {
    fn preempts(&self) -> bool {
        self.preemptive
    }
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, ctx: &mut Ctx<'_>) {
        self.now = ctx.now;
        self.seq += 1;
        let q = Queued { rank: self.rank(self.priority(tid, ctx)), seq: self.seq, since: ctx.now };
        self.slot(tid).queued = Some(q);
        self.ready.insert((q.rank, q.seq, tid));
        self.rearm(ctx);
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        self.now = ctx.now;
        let (rank, tid) = self.best(ctx.now, |tid| ctx.allows(tid, cpu))?;
        let q = self.queued(tid);
        self.ready.remove(&(q.rank, q.seq, tid));
        let slot = self.slot(tid);
        slot.queued = None;
        slot.running = Some(rank);
        self.rearm(ctx);
        Some(tid)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        self.quantum
    }
    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, _ran: Ticks, _why: LeaveReason, ctx: &mut Ctx<'_>) {
        self.now = ctx.now;
        self.slot(tid).running = None;
        self.rearm(ctx);
    }
    /// The least urgent running thread (the lowest CPU among equals) gives way to the most
    /// urgent ready thread allowed on its CPU if that one is strictly more urgent.
    fn preempt(&mut self, running: &[OnCpu], ctx: &mut Ctx<'_>) -> Option<CpuId> {
        self.now = ctx.now;
        self.rearm(ctx);
        let rank_of = |r: &OnCpu| {
            let running = self.slots.get(r.tid).and_then(|s| s.running);
            running.unwrap_or_else(|| self.rank(self.priority(r.tid, ctx)))
        };
        // Least urgent first (the lowest CPU among equals); a ready thread may only take a CPU
        // its affinity mask allows.
        let mut victims: Vec<&OnCpu> = running.iter().collect();
        victims.sort_by_key(|r| (std::cmp::Reverse(rank_of(r)), r.cpu));
        victims.into_iter().find_map(|r| {
            let (best, _) = self.best(ctx.now, |tid| ctx.allows(tid, r.cpu))?;
            (best < rank_of(r)).then_some(r.cpu)
        })
    }
    /// A ready thread keeps its place among equals and its aging credit; a running thread
    /// competes with the new priority from now on.
    fn on_priority_change(&mut self, tid: ThreadId, priority: i64, ctx: &mut Ctx<'_>) {
        self.now = ctx.now;
        let rank = self.rank(priority);
        let slot = self.slot(tid);
        slot.changed = Some(priority);
        if slot.running.is_some() {
            slot.running = Some(rank);
        }
        if let Some(q) = slot.queued {
            slot.queued = Some(Queued { rank, ..q });
            self.ready.remove(&(q.rank, q.seq, tid));
            self.ready.insert((rank, q.seq, tid));
        }
        self.rearm(ctx);
    }
    fn on_timer(&mut self, _token: u64, ctx: &mut Ctx<'_>) {
        self.now = ctx.now;
        self.timer = None;
    }
    fn withdraw(&mut self, tid: ThreadId, ctx: &mut Ctx<'_>) -> bool {
        let Some(q) = self.slots.get(tid).and_then(|s| s.queued) else { return false };
        self.ready.remove(&(q.rank, q.seq, tid));
        self.slot(tid).queued = None;
        self.rearm(ctx);
        true
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    /// In pick order at the instant of the last scheduling call (aging may reorder the queue
    /// between calls).
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        if self.aging.is_none() {
            return self.ready.iter().take(max).map(|&(_, _, tid)| tid).collect();
        }
        let mut all: Vec<(i128, u64, ThreadId)> =
            self.ready.iter().map(|&(_, seq, tid)| (self.effective(&self.queued(tid), self.now), seq, tid)).collect();
        all.sort_unstable();
        all.into_iter().take(max).map(|(_, _, tid)| tid).collect()
    }
}
