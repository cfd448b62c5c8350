//! The lost-update count is exact for increments: a program made only of `load`, `add 1`,
//! `store` on one variable ends with `final + lost = increments`, whatever the interleaving
//! (`src/model/interpreter.rs`, lineage of a variable's value). Native only (proptest).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, SegmentSpec};
use threadlab::model::trace::What;

/// One thread's program: `n` unlocked increments of `x`, with other work of random length
/// between them so the threads drift against each other.
fn increments(n: u32, gap: u64) -> String {
    format!("loop {n}\nload r0, x\nadd r0, 1\nstore r0, x\ncompute 1..{}\nend", 1 + gap)
}

/// The mutual overwrite the issue saw, worked by hand on 2 CPUs, FCFS, no switch costs (1 tick
/// per `load`, `add`, `store`, `set`; `compute N` N ticks). Thread a: load 0–1 (reads 0),
/// compute 1–4, add 4–5, store 5–6 (x = 1). Thread b: load 0–1 (reads 0), add 1–2, store 2–3
/// (x = 1), load 3–4 (reads 1), compute 4–7, add 7–8, store 8–9 (x = 2). Three increments, x = 2:
/// one lost. a's store (t=6) overwrote b's first store unseen; b's second store (t=9) was
/// computed from that first store's value, so it overwrote a's store, which had lost nothing
/// new: only a's store is marked.
#[test]
fn a_mutual_overwrite_counts_one_lost_update() {
    let a = "load r0, x\ncompute 3\nadd r0, 1\nstore r0, x";
    let b = "load r0, x\nadd r0, 1\nstore r0, x\nload r0, x\ncompute 3\nadd r0, 1\nstore r0, x";
    let mut p = job("p", 0, a);
    p.variables.insert("x".into(), 0);
    p.threads.push(thread("b", b));
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    assert_eq!(r.outcome, Outcome::Completed);
    let x = &r.metrics.variables[0];
    assert_eq!((x.value, x.lost_updates), (2, 1));
    let marks: Vec<(u64, usize, u32)> = r
        .trace
        .unwrap()
        .events
        .iter()
        .filter_map(|e| match e.what {
            What::Mem { tid, lost, .. } => Some((e.time, tid, lost)),
            _ => None,
        })
        .collect();
    assert_eq!(marks, vec![(3, 1, 0), (6, 0, 1), (9, 1, 0)]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// In one process: N threads × n increments, any seed, CPU count, policy quantum.
    #[test]
    fn final_plus_lost_is_the_increments(
        seed in any::<u64>(),
        threads in 2usize..6,
        cpus in 1u32..4,
        n in 1u32..40,
        gap in 0u64..4,
        quantum in 1u64..5,
    ) {
        let code = increments(n, gap);
        let mut p = job("p", 0, &code);
        p.variables.insert("x".into(), 0);
        for t in 1..threads {
            p.threads.push(thread(&format!("t{t}"), &code));
        }
        let mut s = scenario(cpus, Policy::RoundRobin, Some(quantum), vec![p]);
        s.seed = seed;
        let (_, r) = run(&s);
        prop_assert_eq!(&r.outcome, &Outcome::Completed);
        let x = &r.metrics.variables[0];
        prop_assert_eq!(x.value + x.lost_updates as i64, threads as i64 * i64::from(n), "x = {}, {} lost", x.value, x.lost_updates);
    }

    /// Between processes: one thread per process, the variable in a shared segment; every
    /// process's view of it has the same value and count.
    #[test]
    fn final_plus_lost_is_the_increments_in_a_shared_segment(
        seed in any::<u64>(),
        procs in 2usize..5,
        cpus in 1u32..4,
        n in 1u32..40,
        gap in 0u64..4,
    ) {
        let code = increments(n, gap);
        let processes = (0..procs).map(|i| job(&format!("p{i}"), 0, &code)).collect();
        let mut s = scenario(cpus, Policy::RoundRobin, Some(2), processes);
        s.seed = seed;
        s.shared.insert(
            "seg".into(),
            SegmentSpec {
                variables: [("x".to_string(), 0)].into(),
                processes: (0..procs).map(|i| format!("p{i}")).collect(),
                ..Default::default()
            },
        );
        let (_, r) = run(&s);
        prop_assert_eq!(&r.outcome, &Outcome::Completed);
        prop_assert_eq!(r.metrics.variables.len(), procs);
        for x in &r.metrics.variables {
            prop_assert_eq!(x.value + x.lost_updates as i64, procs as i64 * i64::from(n), "{}: x = {}, {} lost", x.process, x.value, x.lost_updates);
        }
    }
}
