//! Checkpoints over a trace: the state at any instant in a bounded number of steps, for playback.
//!
//! [`Trace::snapshot`] and [`super::listing::whereabouts`] fold every event from the start, so a cursor near the
//! end of a long run costs a pass over the whole trace (about 200,000 events for the page's
//! benchmark scenario, on every frame while playing). [`Checkpoints`] keeps the folded state every
//! [`Checkpoints::every`] events and resumes from the last one at or before the instant asked for:
//! at most that many events are folded, whatever the instant. The answers are the same as the
//! plain folds' (a property test checks every instant of the presets). The checkpoints are folded
//! as far as they are asked for ([`Checkpoints::extend`] folds more in slices), so a long trace
//! costs nothing before its first snapshot.

use std::cell::RefCell;

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

/// The folded state every [`Checkpoints::every`] events of one trace, folded as far as asked
/// for: a snapshot folds the checkpoints up to its instant the first time one is needed, and
/// [`Checkpoints::extend`] folds further in slices (the page does so while idle, so a run of
/// millions of events shows at once instead of after a pass over all of them).
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoints {
    /// Events between two checkpoints.
    every: usize,
    /// The checkpoints folded so far.
    built: RefCell<Built>,
    /// The longest CPU interval, in ticks (bounds the search for the intervals at an instant).
    longest: Ticks,
}

/// Checkpoints folded so far, and the fold that goes on from the last one.
#[derive(Clone, Debug, PartialEq)]
struct Built {
    /// `folds[k]`: the state after the first `k × every` events.
    folds: Vec<Fold>,
    /// `places[k][tid]`: thread `tid`'s PC fold after the first `k × every` events.
    places: Vec<Vec<PcFold>>,
}

impl Checkpoints {
    /// Checkpoints over `trace` (of a run of `sys`), one every [`spacing`] events, none folded
    /// yet but the start.
    pub fn new(trace: &Trace, sys: &System) -> Checkpoints {
        Checkpoints::with_every(trace, sys, spacing(trace.events.len()))
    }

    /// As [`Checkpoints::new`], one checkpoint every `every` events (at least 1): for tests.
    pub fn with_every(trace: &Trace, sys: &System, every: usize) -> Checkpoints {
        let built = Built { folds: vec![Fold::start(sys)], places: vec![vec![PcFold::default(); sys.threads.len()]] };
        let longest = trace.intervals.iter().map(|iv| iv.end - iv.start).max().unwrap_or(0);
        Checkpoints { every: every.max(1), built: RefCell::new(built), longest }
    }

    /// The number of checkpoints the whole trace has, the start's included.
    fn total(&self, trace: &Trace) -> usize {
        trace.events.len() / self.every + 1
    }

    /// Whether every checkpoint is folded.
    pub fn complete(&self, trace: &Trace) -> bool {
        self.built.borrow().folds.len() == self.total(trace)
    }

    /// Folds up to `slice` more events' worth of checkpoints (at least one checkpoint if any is
    /// left); returns whether every checkpoint is folded now. The answers do not depend on how
    /// far the checkpoints are folded, only how long the next snapshot takes.
    pub fn extend(&self, trace: &Trace, sys: &System, slice: usize) -> bool {
        let have = self.built.borrow().folds.len();
        let want = (have + slice / self.every).max(have + 1).min(self.total(trace));
        self.fold_to(trace, sys, want - 1);
        self.complete(trace)
    }

    /// Folds checkpoints until checkpoint `k` exists (`k` < [`Checkpoints::total`]).
    fn fold_to(&self, trace: &Trace, sys: &System, k: usize) {
        let mut built = self.built.borrow_mut();
        let Built { folds, places } = &mut *built;
        while folds.len() <= k {
            let at = (folds.len() - 1) * self.every;
            let mut fold = folds.last().expect("the start is always there").clone();
            let mut place = places.last().expect("the start is always there").clone();
            fold.advance(trace, sys, at + self.every);
            for e in &trace.events[at..at + self.every] {
                if let What::Pc { tid, pc } = e.what {
                    place[tid].step(sys.program_of(tid), e.time, pc);
                }
            }
            folds.push(fold);
            places.push(place);
        }
    }

    /// Events between two checkpoints.
    pub fn every(&self) -> usize {
        self.every
    }

    /// The last checkpoint at or before event index `upto`, folded if it was not yet.
    fn before(&self, trace: &Trace, sys: &System, upto: usize) -> usize {
        let k = (upto / self.every).min(self.total(trace) - 1);
        self.fold_to(trace, sys, k);
        k
    }

    /// [`Trace::snapshot`] at `time` (ticks) for a machine of `cpus` CPUs, from the last
    /// checkpoint before it.
    pub fn snapshot(&self, trace: &Trace, sys: &System, cpus: usize, time: Ticks) -> Snapshot {
        let upto = trace.events.partition_point(|e| e.time <= time);
        let k = self.before(trace, sys, upto);
        let fold = self.built.borrow().folds[k].clone();
        trace.snapshot_from(fold, sys, cpus, time, self.longest)
    }

    /// [`super::listing::whereabouts`] of thread `tid` at `time` (ticks), from the last
    /// checkpoint before it.
    pub fn whereabouts(&self, trace: &Trace, sys: &System, tid: ThreadId, time: Ticks) -> Whereabouts {
        let upto = trace.events.partition_point(|e| e.time <= time);
        let k = self.before(trace, sys, upto);
        let mut fold = self.built.borrow().places[k][tid].clone();
        fold.advance(trace, sys, tid, k * self.every, upto);
        fold.place
    }
}
