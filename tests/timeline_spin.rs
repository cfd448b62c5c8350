//! Spinning drawn apart on the timeline: the run bars of a thread retrying a taken spin lock
//! are split into [`SpanKind::Spin`] bars, whose ticks per thread are exactly the model's own
//! `spin_time` (counted by the spin locks, not by the trace), and nothing else changes.

use threadlab::model;
use threadlab::model::trace::Trace;
use threadlab::presets;
use threadlab::timeline::spans::spin_ticks;
use threadlab::timeline::{LaneSet, Lanes, SpanKind};

fn run(key: &str) -> (usize, usize, Trace, Vec<u64>) {
    let scenario = presets::find(key).unwrap().scenario().unwrap();
    let (sys, r) = model::run(&scenario).unwrap();
    let spin = r.metrics.threads.iter().map(|t| t.spin_time).collect();
    (sys.threads.len(), scenario.machine.cpus as usize, r.trace.unwrap(), spin)
}

#[test]
fn spinning_ticks_per_thread_are_the_models_spin_time() {
    let (threads, cpus, trace, spin) = run("spin-vs-block");
    assert!(spin.iter().any(|&s| s > 0), "spin-vs-block spins: {spin:?}");
    for set in [LaneSet::Cpus, LaneSet::Threads] {
        let plain = Lanes::new(set, &trace, cpus, threads);
        let split = plain.clone().with_spins(&trace, threads);
        let mut drawn = vec![0u64; threads];
        for (a, b) in plain.lanes.iter().zip(&split.lanes) {
            // The same ticks covered, in order, without overlap; only run bars are split.
            let len = |l: &[threadlab::timeline::Span]| l.iter().map(|s| s.end - s.start).sum::<u64>();
            assert_eq!(len(a), len(b));
            assert!(b.windows(2).all(|w| w[0].end <= w[1].start));
            for s in b.iter().filter(|s| s.kind == SpanKind::Spin) {
                drawn[s.tid] += s.end - s.start;
                assert!(
                    a.iter().any(|r| r.kind == SpanKind::Run && r.tid == s.tid && r.start <= s.start && s.end <= r.end)
                );
            }
        }
        assert_eq!(drawn, spin, "{set:?}");
    }
}

#[test]
fn a_run_without_spin_locks_draws_no_spinning() {
    let (threads, _, trace, spin) = run("race-mutex");
    assert!(spin.iter().all(|&s| s == 0));
    assert!(spin_ticks(&trace, threads).iter().all(Vec::is_empty));
}
