//! Checkpoints (src/model/replay.rs): the state at an instant resumed from the last checkpoint is
//! the state folded from the start, for every preset, at instants spread over each run and with
//! checkpoints every 1, 5, 97 and 4096 events. The oracle is the plain fold (Trace::snapshot,
//! listing::whereabouts, themselves checked against hand-worked runs in tests/trace.rs and
//! tests/listing.rs), with what each CPU does taken by scanning every interval, as it was before
//! the search was bounded by the longest interval.

use threadlab::model::listing::whereabouts;
use threadlab::model::replay::{Checkpoints, MIN_EVERY, spacing};
use threadlab::model::trace::{CpuInterval, Trace};
use threadlab::model::{self, Ticks};
use threadlab::presets::PRESETS;

/// What each CPU does at `time`: every interval covering it, by a scan of them all.
fn cpus_by_scan(trace: &Trace, cpus: usize, time: Ticks) -> Vec<Option<CpuInterval>> {
    let mut out = vec![None; cpus];
    for iv in &trace.intervals {
        if iv.start <= time && time < iv.end && iv.cpu < cpus {
            out[iv.cpu] = Some(*iv);
        }
    }
    out
}

/// Up to `n` instants spread over the run, each with the tick before it, plus 0 and past the end.
fn sample(trace: &Trace, n: usize) -> Vec<Ticks> {
    let instants = trace.instants();
    let step = instants.len().div_ceil(n).max(1);
    let mut out: Vec<Ticks> = instants.iter().step_by(step).flat_map(|&t| [t.saturating_sub(1), t]).collect();
    out.extend([0, trace.end_time(), trace.end_time() + 5]);
    out
}

#[test]
fn resumed_snapshots_and_loop_rounds_equal_the_plain_folds_on_every_preset() {
    for preset in PRESETS {
        let scenario = preset.scenario().unwrap();
        let (sys, result) = model::run(&scenario).unwrap();
        let trace = result.trace.unwrap();
        let cpus = scenario.machine.cpus as usize;
        let times = sample(&trace, 60);
        for every in [1, 5, 97, MIN_EVERY] {
            let checkpoints = Checkpoints::with_every(&trace, &sys, every);
            for &t in &times {
                let plain = trace.snapshot(&sys, cpus, t);
                assert_eq!(plain.cpus, cpus_by_scan(&trace, cpus, t), "{}: CPUs at t={t}", preset.key);
                let resumed = checkpoints.snapshot(&trace, &sys, cpus, t);
                assert_eq!(resumed, plain, "{}: snapshot at t={t}, a checkpoint every {every} events", preset.key);
                for tid in 0..sys.threads.len() {
                    assert_eq!(
                        checkpoints.whereabouts(&trace, &sys, tid, t),
                        whereabouts(&trace, &sys, tid, t),
                        "{}: thread {tid}'s loop rounds at t={t}, a checkpoint every {every} events",
                        preset.key
                    );
                }
            }
        }
    }
}

#[test]
fn checkpoints_are_spaced_so_that_there_are_at_most_256() {
    // Short traces: every 4,096 events. The page's benchmark run (about 200,000 events): 4,096,
    // so 49 checkpoints. The trace's cap, 2,000,000 events: ⌈2,000,000 / 256⌉ = 7,813 apart.
    assert_eq!(spacing(0), 4096);
    assert_eq!(spacing(200_000), 4096);
    assert_eq!(spacing(4096 * 256), 4096);
    assert_eq!(spacing(4096 * 256 + 1), 4097);
    assert_eq!(spacing(2_000_000), 7813);
    // And a run of a preset uses it.
    let s = threadlab::presets::find("race-unsafe").unwrap().scenario().unwrap();
    let (sys, r) = model::run(&s).unwrap();
    let trace = r.trace.unwrap();
    assert_eq!(Checkpoints::new(&trace, &sys).every(), 4096);
}

#[test]
fn checkpoints_folded_in_any_order_or_in_slices_answer_the_same() {
    // A preset long enough for several checkpoints at a spacing of 5 events.
    let scenario = threadlab::presets::find("race-unsafe").unwrap().scenario().unwrap();
    let (sys, result) = model::run(&scenario).unwrap();
    let trace = result.trace.unwrap();
    let cpus = scenario.machine.cpus as usize;
    let times = sample(&trace, 40);
    assert!(trace.events.len() > 100, "{} events", trace.events.len());
    // Asked for from the end backwards: each snapshot folds what it needs, no more.
    let lazy = Checkpoints::with_every(&trace, &sys, 5);
    assert!(!lazy.complete(&trace));
    for &t in times.iter().rev() {
        assert_eq!(lazy.snapshot(&trace, &sys, cpus, t), trace.snapshot(&sys, cpus, t), "t={t}");
    }
    assert!(lazy.complete(&trace), "the last instant needed every checkpoint");
    // Folded in slices of 12 events (2 checkpoints a slice) until complete, then asked.
    let sliced = Checkpoints::with_every(&trace, &sys, 5);
    let mut slices = 0;
    while !sliced.extend(&trace, &sys, 12) {
        slices += 1;
        assert!(slices <= trace.events.len(), "extend never completes");
    }
    // ⌊n / 5⌋ checkpoints after the start, two a slice: ⌈⌊n / 5⌋ / 2⌉ slices, the last reporting done.
    assert_eq!(slices + 1, (trace.events.len() / 5).div_ceil(2));
    assert_eq!(sliced, lazy, "the same checkpoints either way");
    for &t in &times {
        assert_eq!(sliced.snapshot(&trace, &sys, cpus, t), trace.snapshot(&sys, cpus, t), "t={t}");
    }
}
