//! Checkpoints over a trace: the state at any instant in a bounded number of steps, for playback.
//!
//! [`Trace::snapshot`] and [`super::listing::whereabouts`] fold every event from the start, so a cursor near the
//! end of a long run costs a pass over the whole trace (about 200,000 events for the page's
//! benchmark scenario, on every frame while playing). [`Checkpoints`] keeps the folded state every
//! [`Checkpoints::every`] events and resumes from the last one at or before the instant asked for:
//! at most that many events are folded, whatever the instant. The answers are the same as the
//! plain folds' (a property test checks every instant of the presets).

use super::listing::{PcFold, Whereabouts};
use super::system::System;
use super::trace::{Fold, Snapshot, Trace, What};
use super::{ThreadId, Ticks};

/// Fewest events between two checkpoints.
pub const MIN_EVERY: usize = 4096;

/// Most checkpoints kept (a longer trace spaces them further apart), which bounds the memory:
/// each holds every thread's registers and loop rounds, every variable and every synchronisation
/// object's state and queue.
pub const MAX_CHECKPOINTS: usize = 256;

/// Events between two checkpoints for a trace of `events` events: [`MIN_EVERY`], or more so that
/// there are at most [`MAX_CHECKPOINTS`].
pub fn spacing(events: usize) -> usize {
    MIN_EVERY.max(events.div_ceil(MAX_CHECKPOINTS))
}

/// The folded state every [`Checkpoints::every`] events of one trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoints {
    /// Events between two checkpoints.
    every: usize,
    /// `folds[k]`: the state after the first `k × every` events.
    folds: Vec<Fold>,
    /// `places[k][tid]`: thread `tid`'s PC fold after the first `k × every` events.
    places: Vec<Vec<PcFold>>,
    /// The longest CPU interval, in ticks (bounds the search for the intervals at an instant).
    longest: Ticks,
}

impl Checkpoints {
    /// Folds `trace` (of a run of `sys`) once, keeping the state every [`spacing`] events.
    pub fn new(trace: &Trace, sys: &System) -> Checkpoints {
        Checkpoints::with_every(trace, sys, spacing(trace.events.len()))
    }

    /// As [`Checkpoints::new`], one checkpoint every `every` events (at least 1): for tests.
    pub fn with_every(trace: &Trace, sys: &System, every: usize) -> Checkpoints {
        let (n, every) = (trace.events.len(), every.max(1));
        let mut fold = Fold::start(sys);
        let mut place = vec![PcFold::default(); sys.threads.len()];
        let (mut folds, mut places) = (vec![fold.clone()], vec![place.clone()]);
        let mut at = 0;
        while at + every <= n {
            fold.advance(trace, sys, at + every);
            for e in &trace.events[at..at + every] {
                if let What::Pc { tid, pc } = e.what {
                    place[tid].step(sys.program_of(tid), e.time, pc);
                }
            }
            at += every;
            folds.push(fold.clone());
            places.push(place.clone());
        }
        let longest = trace.intervals.iter().map(|iv| iv.end - iv.start).max().unwrap_or(0);
        Checkpoints { every, folds, places, longest }
    }

    /// Events between two checkpoints.
    pub fn every(&self) -> usize {
        self.every
    }

    /// The last checkpoint at or before event index `upto`.
    fn before(&self, upto: usize) -> usize {
        (upto / self.every).min(self.folds.len() - 1)
    }

    /// [`Trace::snapshot`] at `time` (ticks) for a machine of `cpus` CPUs, from the last
    /// checkpoint before it.
    pub fn snapshot(&self, trace: &Trace, sys: &System, cpus: usize, time: Ticks) -> Snapshot {
        let upto = trace.events.partition_point(|e| e.time <= time);
        let k = self.before(upto);
        trace.snapshot_from(self.folds[k].clone(), sys, cpus, time, self.longest)
    }

    /// [`super::listing::whereabouts`] of thread `tid` at `time` (ticks), from the last
    /// checkpoint before it.
    pub fn whereabouts(&self, trace: &Trace, sys: &System, tid: ThreadId, time: Ticks) -> Whereabouts {
        let upto = trace.events.partition_point(|e| e.time <= time);
        let k = self.before(upto);
        let mut fold = self.places[k][tid].clone();
        fold.advance(trace, sys, tid, k * self.every, upto);
        fold.place
    }
}
