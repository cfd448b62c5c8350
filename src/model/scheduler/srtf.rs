//! Shortest remaining time first (SRTF), the pre-emptive shortest job first: the ready thread
//! whose current CPU burst has the least time left runs; a thread that becomes ready with less
//! left than a running one takes its CPU. OSTEP ch. 7 calls it STCF (shortest time-to-completion
//! first); Silberschatz et al., *Operating System Concepts*, §5.3.2, "shortest-remaining-time-first".
//!
//! The burst is the thread's actual next CPU burst (see [`crate::model::burst`]), as the
//! textbooks' exercises assume; with an `estimate` (as SJF's, [`super::sjf`]) the policy does
//! not peek: it predicts each burst by exponential averaging of the thread's past bursts, and
//! what remains is the prediction less what the thread has run of it. Ties in the ready queue go
//! to whoever became ready first.
//! Whether a newcomer with exactly as much time left as a running thread pre-empts it is the
//! `preempt_on_equal` parameter: `false` by default (strictly less is needed, as in both books'
//! examples).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::sjf::{Estimator, ExpAverage, Length};
use super::spec::{ParamError, PolicySpec};
use super::{Ctx, EstimateSpec, LeaveReason, OnCpu, ReadyReason, Scheduler, SjfSpec};
use crate::model::{CpuId, ThreadId, Ticks};

/// SRTF's parameters in a scenario: `{"policy": "srtf", "preempt_on_equal": false}`, and
/// optionally `"estimate": {"alpha": 0.5, "initial": 10}` to predict bursts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrtfSpec {
    /// Whether a newly ready thread whose remaining burst equals a running thread's pre-empts it
    /// (default `false`: only a strictly shorter one does).
    #[serde(default)]
    pub preempt_on_equal: bool,
    /// Predict bursts by exponential averaging instead of using the actual next burst.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateSpec>,
}

impl PolicySpec for SrtfSpec {
    const KEY: &'static str = "srtf";
    const LABEL: &'static str = "Shortest remaining time first (SRTF)";
    fn with_defaults(_quantum: Ticks) -> Self {
        SrtfSpec::default()
    }
    fn validate(&self) -> Result<(), ParamError> {
        SjfSpec { estimate: self.estimate.clone() }.validate()
    }
    fn build(&self) -> Box<dyn Scheduler> {
        let estimate = self.estimate.as_ref().map(|e| Estimator::new(ExpAverage::new(e.alpha), e.initial));
        Box::new(Srtf { preempt_on_equal: self.preempt_on_equal, estimate, ..Srtf::default() })
    }
}

/// The SRTF ready queue and what it knows of the running threads.
#[derive(Debug, Default)]
pub struct Srtf {
    preempt_on_equal: bool,
    /// Predicted bursts, if the policy predicts instead of peeking.
    estimate: Option<Estimator>,
    /// Ready threads as (remaining burst in ticks, arrival order in the queue, tid).
    ready: BTreeSet<(Length, u64, ThreadId)>,
    /// Each thread's remaining burst when it was picked, by tid (grown on demand).
    picked_with: Vec<f64>,
    seq: u64,
}

impl Srtf {
    /// What remains of `tid`'s burst as it becomes ready or is picked, in ticks.
    fn remaining(&self, tid: ThreadId, ctx: &Ctx<'_>) -> f64 {
        match &self.estimate {
            Some(e) => e.remaining(tid, ctx),
            None => ctx.next_burst(tid) as f64,
        }
    }
}

impl Scheduler for Srtf {
    fn wants_bursts(&self) -> bool {
        self.estimate.is_none()
    }
    fn preempts(&self) -> bool {
        true
    }
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, ctx: &mut Ctx<'_>) {
        self.seq += 1;
        self.ready.insert((Length(self.remaining(tid, ctx)), self.seq, tid));
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        let (_, _, tid) = ctx.take_first_in(&mut self.ready, cpu, |&(_, _, tid)| tid)?;
        if self.picked_with.len() <= tid {
            self.picked_with.resize(tid + 1, 0.0);
        }
        self.picked_with[tid] = self.remaining(tid, ctx);
        Some(tid)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        None
    }
    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        if let Some(e) = &mut self.estimate {
            e.left(tid, ran, why, ctx);
        }
    }
    /// The running thread with the most time left (the lowest CPU at a tie) gives way if the
    /// shortest ready thread allowed on its CPU has less left (or as much, with
    /// `preempt_on_equal`).
    fn preempt(&mut self, running: &[OnCpu], ctx: &mut Ctx<'_>) -> Option<CpuId> {
        let left = |r: &OnCpu| Length((self.picked_with.get(r.tid).copied().unwrap_or(0.0) - r.ran as f64).max(0.0));
        // Most time left first (the lowest CPU at a tie); only a ready thread allowed on that CPU
        // may take it.
        let mut victims: Vec<&OnCpu> = running.iter().collect();
        victims.sort_by_key(|r| (std::cmp::Reverse(left(r)), r.cpu));
        victims.into_iter().find_map(|r| {
            let &(shortest, _, _) = self.ready.iter().find(|&&(_, _, tid)| ctx.allows(tid, r.cpu))?;
            let beats = if self.preempt_on_equal { shortest <= left(r) } else { shortest < left(r) };
            beats.then_some(r.cpu)
        })
    }
    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        let Some(&entry) = self.ready.iter().find(|&&(_, _, t)| t == tid) else { return false };
        self.ready.remove(&entry)
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.ready.iter().take(max).map(|&(_, _, tid)| tid).collect()
    }
}
