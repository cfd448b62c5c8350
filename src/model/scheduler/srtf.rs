//! Shortest remaining time first (SRTF), the pre-emptive shortest job first: the ready thread
//! whose current CPU burst has the least time left runs; a thread that becomes ready with less
//! left than a running one takes its CPU. OSTEP ch. 7 calls it STCF (shortest time-to-completion
//! first); Silberschatz et al., *Operating System Concepts*, §5.3.2, "shortest-remaining-time-first".
//!
//! The burst is the thread's actual next CPU burst (see [`crate::model::burst`]), as the
//! textbooks' exercises assume. Ties in the ready queue go to whoever became ready first.
//! Whether a newcomer with exactly as much time left as a running thread pre-empts it is the
//! `preempt_on_equal` parameter: `false` by default (strictly less is needed, as in both books'
//! examples).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, OnCpu, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// SRTF's parameters in a scenario: `{"policy": "srtf", "preempt_on_equal": false}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrtfSpec {
    /// Whether a newly ready thread whose remaining burst equals a running thread's pre-empts it
    /// (default `false`: only a strictly shorter one does).
    #[serde(default)]
    pub preempt_on_equal: bool,
}

impl PolicySpec for SrtfSpec {
    const KEY: &'static str = "srtf";
    const LABEL: &'static str = "Shortest remaining time first (SRTF)";
    fn with_defaults(_quantum: Ticks) -> Self {
        SrtfSpec::default()
    }
    fn validate(&self) -> Result<(), ParamError> {
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(Srtf { preempt_on_equal: self.preempt_on_equal, ..Srtf::default() })
    }
}

/// The SRTF ready queue and what it knows of the running threads.
#[derive(Debug, Default)]
pub struct Srtf {
    preempt_on_equal: bool,
    /// Ready threads as (remaining burst in ticks, arrival order in the queue, tid).
    ready: BTreeSet<(Ticks, u64, ThreadId)>,
    /// Each thread's burst when it was picked, by tid (grown on demand).
    picked_with: Vec<Ticks>,
    seq: u64,
}

impl Scheduler for Srtf {
    fn wants_bursts(&self) -> bool {
        true
    }
    fn preempts(&self) -> bool {
        true
    }
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, ctx: &mut Ctx<'_>) {
        self.seq += 1;
        self.ready.insert((ctx.next_burst(tid), self.seq, tid));
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        let (_, _, tid) = ctx.take_first_in(&mut self.ready, cpu, |&(_, _, tid)| tid)?;
        if self.picked_with.len() <= tid {
            self.picked_with.resize(tid + 1, 0);
        }
        self.picked_with[tid] = ctx.next_burst(tid);
        Some(tid)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        None
    }
    /// The running thread with the most time left (the lowest CPU at a tie) gives way if the
    /// shortest ready thread allowed on its CPU has less left (or as much, with
    /// `preempt_on_equal`).
    fn preempt(&mut self, running: &[OnCpu], ctx: &mut Ctx<'_>) -> Option<CpuId> {
        let left = |r: &OnCpu| self.picked_with.get(r.tid).copied().unwrap_or(0).saturating_sub(r.ran);
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
