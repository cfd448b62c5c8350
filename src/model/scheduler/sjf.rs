//! Shortest job first (SJF), non-pre-emptive: a free CPU runs the ready thread with the shortest
//! next CPU burst, until it blocks or exits. Silberschatz, Galvin, Gagne, *Operating System
//! Concepts* (10th ed.), §5.3.2; OSTEP ch. 7, section 7.4. Its pre-emptive form is SRTF
//! ([`super::srtf`]).
//!
//! By default the burst is the thread's actual next CPU burst (see [`crate::model::burst`]), as
//! the textbooks' exercises assume. With an `estimate`, the policy does not peek: it predicts
//! each burst by exponential averaging of the thread's past bursts (Silberschatz §5.3.2),
//! τ(n+1) = α·t(n) + (1 − α)·τ(n), where t(n) is the length of the thread's last complete CPU
//! burst: the CPU ticks it ran from becoming ready until it next blocked or exited. τ(0) is the
//! thread's `expected_burst` attribute, or the estimate's `initial` value.
//!
//! Ties (equal bursts or equal predictions) go to whoever joined the ready queue first, the FCFS
//! tie-break Silberschatz §5.3.2 gives; threads that became ready at the same instant join in
//! the kernel's tie order (by thread id). The books agree on this, so it is not a setting.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, LeaveReason, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// τ(0), in ticks, when neither the thread's `expected_burst` nor the estimate's `initial` is
/// given: 10, the τ(0) of Silberschatz's figure of exponential averaging (§5.3.2).
pub const DEFAULT_INITIAL_ESTIMATE: Ticks = 10;

/// SJF's parameters in a scenario: `{"policy": "sjf"}` (actual bursts), or
/// `{"policy": "sjf", "estimate": {"alpha": 0.5, "initial": 10}}` (predicted bursts).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SjfSpec {
    /// Predict bursts by exponential averaging instead of using the actual next burst.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateSpec>,
}

/// Exponential averaging of CPU bursts: `{"alpha": 0.5, "initial": 10}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateSpec {
    /// Weight α of the last burst, 0 to 1: 0 never learns (τ stays τ(0)), 1 predicts the last
    /// burst again.
    pub alpha: f64,
    /// τ(0) in ticks (≥ 1) for a thread without an `expected_burst` attribute (default
    /// [`DEFAULT_INITIAL_ESTIMATE`]).
    #[serde(default = "default_initial")]
    pub initial: Ticks,
}

fn default_initial() -> Ticks {
    DEFAULT_INITIAL_ESTIMATE
}

impl PolicySpec for SjfSpec {
    const KEY: &'static str = "sjf";
    const LABEL: &'static str = "Shortest job first (SJF)";
    fn with_defaults(_quantum: Ticks) -> Self {
        SjfSpec::default()
    }
    fn validate(&self) -> Result<(), ParamError> {
        let Some(e) = &self.estimate else { return Ok(()) };
        if !(0.0..=1.0).contains(&e.alpha) {
            // Written by serde_json (as `got` values are elsewhere), not `{}`: core's float
            // formatting would be linked into the reader worker for this message alone.
            let got = serde_json::Value::from(e.alpha).to_string();
            let got = got.strip_suffix(".0").unwrap_or(&got);
            return Err(ParamError::new("estimate.alpha", format!("must be from 0 to 1, got {got}")));
        }
        if e.initial == 0 {
            return Err(ParamError::new("estimate.initial", "must be at least 1 µs"));
        }
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(match &self.estimate {
            None => Sjf::default(),
            Some(e) => Sjf::estimating(ExpAverage::new(e.alpha), e.initial),
        })
    }
}

/// Exponential averaging of a thread's CPU bursts (Silberschatz §5.3.2):
/// τ(n+1) = α·t(n) + (1 − α)·τ(n).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpAverage {
    alpha: f64,
}

impl ExpAverage {
    /// Weight `alpha` (0 to 1) of the most recent burst.
    pub fn new(alpha: f64) -> Self {
        ExpAverage { alpha }
    }

    /// The next prediction τ(n+1), in ticks, after a burst of `burst` ticks predicted as `tau`.
    pub fn next(self, tau: f64, burst: Ticks) -> f64 {
        self.alpha * burst as f64 + (1.0 - self.alpha) * tau
    }
}

/// A burst length, actual or predicted, in ticks, ordered as a number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Length(pub f64);

impl Eq for Length {}
impl PartialOrd for Length {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Length {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Predicted CPU bursts by exponential averaging, per thread: what a predicting SJF or SRTF
/// knows. τ(0) is the thread's `expected_burst` attribute, else `initial`.
#[derive(Clone, Debug)]
pub(crate) struct Estimator {
    avg: ExpAverage,
    initial: Ticks,
    history: Vec<Option<History>>,
}

impl Estimator {
    /// Averaging `avg`, τ(0) = `initial` ticks.
    pub fn new(avg: ExpAverage, initial: Ticks) -> Self {
        Estimator { avg, initial, history: Vec::new() }
    }

    fn tau0(&self, tid: ThreadId, ctx: &Ctx<'_>) -> Ticks {
        ctx.attrs.get(tid).and_then(|a| a.expected_burst).unwrap_or(self.initial)
    }

    /// τ: the predicted length of `tid`'s current (or next) burst, in ticks.
    pub fn tau(&self, tid: ThreadId, ctx: &Ctx<'_>) -> f64 {
        match self.history.get(tid).copied().flatten() {
            Some(h) => h.tau,
            None => self.tau0(tid, ctx) as f64,
        }
    }

    /// What is predicted to remain of `tid`'s current burst: τ less what it ran of it (at least 0).
    pub fn remaining(&self, tid: ThreadId, ctx: &Ctx<'_>) -> f64 {
        let ran = self.history.get(tid).copied().flatten().map_or(0, |h| h.ran);
        (self.tau(tid, ctx) - ran as f64).max(0.0)
    }

    /// `tid` left its CPU after `ran` ticks: a burst ends when it blocks or exits, and its
    /// length updates τ.
    pub fn left(&mut self, tid: ThreadId, ran: Ticks, why: LeaveReason, ctx: &Ctx<'_>) {
        if self.history.len() <= tid {
            self.history.resize(tid + 1, None);
        }
        let tau0 = self.tau0(tid, ctx) as f64;
        let h = self.history[tid].get_or_insert(History { tau: tau0, ran: 0 });
        h.ran += ran;
        if matches!(why, LeaveReason::Blocked | LeaveReason::Exited) {
            h.tau = self.avg.next(h.tau, h.ran);
            h.ran = 0;
        }
    }
}

/// What a predicting SJF or SRTF knows of one thread.
#[derive(Clone, Copy, Debug, PartialEq)]
struct History {
    /// τ for the thread's current (or next) burst, in ticks.
    tau: f64,
    /// CPU ticks run so far in the current burst.
    ran: Ticks,
}

/// The SJF ready queue, and the burst predictions if it predicts.
#[derive(Debug, Default)]
pub struct Sjf {
    /// Ready threads as (burst length, order of joining the queue, tid).
    ready: BTreeSet<(Length, u64, ThreadId)>,
    seq: u64,
    /// Predicted bursts, to predict instead of reading the actual ones.
    estimate: Option<Estimator>,
}

impl Sjf {
    /// SJF by predicted bursts: exponential averaging `avg`, τ(0) = `initial` ticks for a thread
    /// without an `expected_burst` attribute.
    pub fn estimating(avg: ExpAverage, initial: Ticks) -> Self {
        Sjf { estimate: Some(Estimator::new(avg, initial)), ..Sjf::default() }
    }

    /// The burst `tid` is predicted to need next, in ticks; `None` when not predicting.
    pub fn prediction(&self, tid: ThreadId, ctx: &Ctx<'_>) -> Option<f64> {
        self.estimate.as_ref().map(|e| e.tau(tid, ctx))
    }
}

impl Scheduler for Sjf {
    fn wants_bursts(&self) -> bool {
        self.estimate.is_none()
    }
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, ctx: &mut Ctx<'_>) {
        let length = match self.prediction(tid, ctx) {
            Some(tau) => tau,
            None => ctx.next_burst(tid) as f64,
        };
        self.seq += 1;
        self.ready.insert((Length(length), self.seq, tid));
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        ctx.take_first_in(&mut self.ready, cpu, |&(_, _, tid)| tid).map(|(_, _, tid)| tid)
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        None
    }
    /// When predicting: adds `ran` to the current burst; a burst ends when the thread blocks or
    /// exits, and its length updates τ.
    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        if let Some(e) = &mut self.estimate {
            e.left(tid, ran, why, ctx);
        }
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
