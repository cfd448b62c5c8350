//! Barriers (`barrier b`, declared with a count): arriving threads wait until `count` have
//! arrived; the last opens it for all, and it serves the next round. `barrier` takes 1 tick;
//! timings worked by hand.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, ProcessSpec};

fn with_barrier(mut p: ProcessSpec, count: u32) -> ProcessSpec {
    p.barriers.insert("b".into(), count);
    p
}

/// Three CPUs; the threads compute 2, 4 and 6 ticks, so their `barrier` completes at 3, 5 and
/// 7. The third arrival opens it at 7: everyone computes 1 more and ends at 8. Waited at the
/// barrier: 7 − 3 = 4, 7 − 5 = 2, and 0.
#[test]
fn the_last_arrival_opens_the_barrier_for_everyone() {
    let mut p = with_barrier(job("p", 0, "compute 2\nbarrier b\ncompute 1"), 3);
    p.threads.push(thread("t1", "compute 4\nbarrier b\ncompute 1"));
    p.threads.push(thread("t2", "compute 6\nbarrier b\ncompute 1"));
    let (sys, r) = run(&scenario(3, Policy::Fcfs, None, vec![p]));
    assert_eq!(r.outcome, Outcome::Completed);
    let done: Vec<(Option<u64>, u64)> = r.metrics.threads.iter().map(|t| (t.completion, t.lock_wait)).collect();
    assert_eq!(done, vec![(Some(8), 4), (Some(8), 2), (Some(8), 0)]);
    let trace = r.trace.unwrap();
    assert_eq!(trace.snapshot(&sys, 3, 6).objects[0].barriers[0], vec![0, 1]);
    assert!(trace.snapshot(&sys, 3, 7).objects[0].barriers[0].is_empty());
}

/// A barrier serves round after round. Two CPUs, count 2. Round 1: main arrives at 2, `t1` at 4
/// and opens it. Round 2: main computes 4–5 and arrives at 6; `t1` computes 4–7 and arrives at
/// 8, opening it: both end at 8 (`end` takes no time).
#[test]
fn a_barrier_opens_again_each_round() {
    let mut p = with_barrier(job("p", 0, "loop 2\n  compute 1\n  barrier b\nend"), 2);
    p.threads.push(thread("t1", "loop 2\n  compute 3\n  barrier b\nend"));
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    let done: Vec<Option<u64>> = r.metrics.threads.iter().map(|t| t.completion).collect();
    assert_eq!(done, vec![Some(8), Some(8)]);
    // main waited 2–4 and 6–8.
    assert_eq!(r.metrics.threads[0].lock_wait, 4);
}

/// A barrier waiting for more threads than will come: the report names it and its count.
#[test]
fn a_barrier_that_never_fills_is_a_deadlock_that_says_why() {
    let mut p = with_barrier(job("p", 0, "barrier b"), 3);
    p.threads.push(thread("t1", "compute 2\nbarrier b"));
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    let Outcome::Deadlock { time, waits, message } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(*time, 3);
    assert_eq!(waits.len(), 2);
    assert_eq!(waits[1].waits_for["barrier"], "b");
    assert!(
        message.ends_with(
            "p/t1 waits for barrier `b` (a barrier has no holder: it opens when 3 threads have arrived, and no \
             thread left can run to arrive)"
        ),
        "{message}"
    );
}

/// A barrier must be declared, with its count.
#[test]
fn an_undeclared_barrier_is_a_located_error() {
    let e = threadlab::model::run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "compute 1\nbarrier b")]))
        .map(|_| ())
        .unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(9)));
    assert_eq!(
        e.message,
        "unknown barrier `b`: declare it in the process's `barriers`, like \"barriers\": { \"b\": 3 } (it declares none)"
    );
}
