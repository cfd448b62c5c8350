//! Checkpoints (src/model/replay.rs): the state at an instant resumed from the last checkpoint is
//! the state folded from the start, for every preset, at instants spread over each run and with
//! checkpoints every 1, 5, 97 and 4096 events. The oracle is the plain fold (Trace::snapshot,
//! listing::whereabouts, themselves checked against hand-worked runs in tests/trace.rs and
//! tests/listing.rs), with what each CPU does taken by scanning every interval, as it was before
//! the search was bounded by the longest interval. The synchronisation objects (semaphores,
//! condition variables, barriers, spin locks, read-write locks) and the threads' flags are part
//! of the state compared: a test checks that the instants compared do show each of them busy.

mod common;
use common::*;
use threadlab::model::listing::whereabouts;
use threadlab::model::program::Flags;
use threadlab::model::replay::{Checkpoints, MIN_EVERY, spacing};
use threadlab::model::scenario::Policy;
use threadlab::model::trace::{CpuInterval, Snapshot, Trace};
use threadlab::model::{self, System, Ticks};
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

/// Checks, at each of `times`, the snapshot and every thread's loop rounds resumed from
/// checkpoints every `everys` events against the plain folds (and the CPUs against a scan of
/// every interval); returns the plain snapshots compared.
fn check(label: &str, trace: &Trace, sys: &System, cpus: usize, times: &[Ticks], everys: &[usize]) -> Vec<Snapshot> {
    let plain: Vec<Snapshot> = times.iter().map(|&t| trace.snapshot(sys, cpus, t)).collect();
    for (s, &t) in plain.iter().zip(times) {
        assert_eq!(s.cpus, cpus_by_scan(trace, cpus, t), "{label}: CPUs at t={t}");
    }
    for &every in everys {
        let checkpoints = Checkpoints::with_every(trace, sys, every);
        for (s, &t) in plain.iter().zip(times) {
            let resumed = checkpoints.snapshot(trace, sys, cpus, t);
            assert_eq!(&resumed, s, "{label}: snapshot at t={t}, a checkpoint every {every} events");
            for tid in 0..sys.threads.len() {
                assert_eq!(
                    checkpoints.whereabouts(trace, sys, tid, t),
                    whereabouts(trace, sys, tid, t),
                    "{label}: thread {tid}'s loop rounds at t={t}, a checkpoint every {every} events"
                );
            }
        }
    }
    plain
}

#[test]
fn resumed_snapshots_and_loop_rounds_equal_the_plain_folds_on_every_preset() {
    for preset in PRESETS {
        let scenario = preset.scenario().unwrap();
        let (sys, result) = model::run(&scenario).unwrap();
        let trace = result.trace.unwrap();
        let cpus = scenario.machine.cpus as usize;
        check(preset.key, &trace, &sys, cpus, &sample(&trace, 60), &[1, 5, 97, MIN_EVERY]);
    }
}

/// The synchronisation objects and the flags, folded from a checkpoint, at every instant (and
/// the tick before it) of the synchronisation presets and of small runs that use what no preset
/// does (a barrier over rounds, `cmp`, `cas` and `xchg`, a spin lock on one CPU). So that the
/// comparison cannot pass with those parts always empty, the snapshots compared must show each
/// of them busy at some instant.
#[test]
fn resumed_snapshots_carry_the_synchronisation_objects_and_the_flags() {
    let mut runs: Vec<(String, model::Scenario)> =
        ["bounded-buffer", "condvar-if-while", "readers-writers", "spin-vs-block"]
            .iter()
            .map(|k| (k.to_string(), threadlab::presets::find(k).unwrap().scenario().unwrap()))
            .collect();
    // Three threads meet at a barrier of 3 twice, on 2 CPUs taking turns every 2 ticks.
    let mut p = job("barrier", 0, "loop 2\n  compute 1\n  barrier b\nend");
    p.barriers.insert("b".into(), 3);
    p.threads.push(thread("t1", "loop 2\n  compute 3\n  barrier b\nend"));
    p.threads.push(thread("t2", "loop 2\n  compute 2\n  barrier b\nend"));
    runs.push(("barrier".into(), scenario(2, Policy::RoundRobin, Some(2), vec![p])));
    // Two threads in lock-step: a `cas` retry loop (one fails), `cmp` (5 > the value found),
    // an `xchg`.
    let code = "retry:\n  load r0, counter\n  set r1, 1\n  add r1, r0\n  cas counter, r0, r1\n  jne retry\n  \
                set r2, 5\n  cmp r2, r0\n  set r3, 1\n  xchg r3, flag";
    let mut p = job("atomics", 0, code);
    p.variables.insert("counter".into(), 0);
    p.variables.insert("flag".into(), 0);
    p.threads.push(thread("second", code));
    runs.push(("atomics".into(), scenario(2, Policy::Fcfs, None, vec![p])));
    // One CPU, slices of 2: the spinner spins while the holder is off the CPU.
    let mut p = job("spin", 0, "spin_lock s\ncompute 6\nspin_unlock s");
    p.threads.push(thread("waiter", "spin_lock s\ncompute 1\nspin_unlock s"));
    runs.push(("spin on one CPU".into(), scenario(1, Policy::RoundRobin, Some(2), vec![p])));

    let (mut seen, mut posted_or_taken): (Vec<Snapshot>, bool) = (Vec::new(), false);
    for (label, s) in &runs {
        let (sys, result) = model::run(s).unwrap();
        let trace = result.trace.unwrap();
        let times: Vec<Ticks> = trace.instants().iter().flat_map(|&t| [t.saturating_sub(1), t]).collect();
        let plain = check(label, &trace, &sys, s.machine.cpus as usize, &times, &[1, 2, 3, 7]);
        // A semaphore's value away from its value at the run's start (`plain[0]`, t=0).
        let values = |s: &Snapshot| -> Vec<u64> {
            s.objects.iter().flat_map(|o| o.semaphores.iter().map(|x| x.value)).collect()
        };
        posted_or_taken |= plain.iter().any(|s| values(s) != values(&plain[0]));
        seen.extend(plain);
    }
    let objects = || seen.iter().flat_map(|s| &s.objects);
    let busy = [
        ("a semaphore's waiters", objects().any(|o| o.semaphores.iter().any(|x| !x.waiters.is_empty()))),
        ("a semaphore's value changed", posted_or_taken),
        ("a condition variable's sleepers", objects().any(|o| o.condvars.iter().any(|x| !x.is_empty()))),
        ("a barrier's waiters", objects().any(|o| o.barriers.iter().any(|x| x.len() == 2))),
        ("a spin lock's owner", objects().any(|o| o.spinlocks.iter().any(|x| x.owner.is_some()))),
        ("a spinner", objects().any(|o| o.spinlocks.iter().any(|x| !x.spinning.is_empty()))),
        ("a read-write lock's readers", objects().any(|o| o.rwlocks.iter().any(|x| x.readers > 0))),
        ("a read-write lock's writer", objects().any(|o| o.rwlocks.iter().any(|x| x.writer.is_some()))),
        ("a read-write lock's waiters", objects().any(|o| o.rwlocks.iter().any(|x| !x.waiters.is_empty()))),
        ("flags other than equal", seen.iter().any(|s| s.threads.iter().any(|t| t.flags != Flags::Equal))),
    ];
    for (what, shown) in busy {
        assert!(shown, "no snapshot compared shows {what}");
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
