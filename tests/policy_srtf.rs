//! SRTF (pre-emptive SJF) on the textbooks' examples, every number worked by hand.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, SchedulerSpec};
use threadlab::model::scheduler::SrtfSpec;

/// Silberschatz, Galvin, Gagne, *Operating System Concepts* (10th ed.), §5.3.2: P1 (arrives 0,
/// burst 8), P2 (1, 4), P3 (2, 9), P4 (3, 5). Gantt: P1 0–1, P2 1–5, P4 5–10, P1 10–17,
/// P3 17–26. Average waiting time 6.5.
#[test]
fn silberschatz_srtf_example() {
    let jobs = vec![
        job("P1", 0, "compute 8"),
        job("P2", 1, "compute 4"),
        job("P3", 2, "compute 9"),
        job("P4", 3, "compute 5"),
    ];
    let (_, r) = run(&scenario(1, Policy::Srtf, None, jobs));
    assert_eq!(r.outcome, Outcome::Completed);
    // completion, turnaround, response, waiting
    assert_eq!(times(&r, 0), (17, 17, 0, 9));
    assert_eq!(times(&r, 1), (5, 4, 0, 0));
    assert_eq!(times(&r, 2), (26, 24, 15, 15));
    assert_eq!(times(&r, 3), (10, 7, 2, 2));
    assert_eq!(r.metrics.averages.as_ref().unwrap().waiting, 6.5);
    // P2 pre-empts P1 at 1; P4 does not pre-empt P2 (5 > 3 left).
    assert_eq!(r.metrics.context_switches, 4);
}

/// OSTEP ch. 7, figure 7.5: A (100) at 0, B and C (10 each) at 10. STCF runs A 0–10, then B
/// 10–20 and C 20–30, then A to 120: average turnaround (120 + 10 + 20) / 3 = 50.
#[test]
fn ostep_stcf_example() {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 10, "compute 10"), job("C", 10, "compute 10")];
    let (_, r) = run(&scenario(1, Policy::Srtf, None, jobs));
    assert_eq!(r.metrics.averages.as_ref().unwrap().turnaround, 50.0);
    assert_eq!(r.metrics.threads[0].completion, Some(120));
}

/// A newcomer with exactly the running thread's remaining time: no pre-emption by default,
/// pre-emption with `preempt_on_equal`.
#[test]
fn an_equal_newcomer_preempts_only_when_asked() {
    let jobs = vec![job("A", 0, "compute 10"), job("B", 5, "compute 5")];
    let (_, r) = run(&scenario(1, Policy::Srtf, None, jobs.clone()));
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(10), Some(15)));
    let mut s = scenario(1, Policy::Srtf, None, jobs);
    s.scheduler = SchedulerSpec::from(SrtfSpec { preempt_on_equal: true, ..SrtfSpec::default() });
    let (_, r) = run(&s);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(15), Some(10)));
}

/// The burst is the CPU time up to the next I/O: a thread with a long total but a short first
/// burst goes first, and its draws of `compute A..B` are the ones the scheduler was told.
#[test]
fn bursts_end_at_io() {
    let jobs = vec![job("long", 0, "compute 20"), job("io-bound", 0, "compute 2\nio 10\ncompute 2\nio 10\ncompute 2")];
    let (_, r) = run(&scenario(1, Policy::Srtf, None, jobs));
    // io-bound 0–2 (burst 2 < 20), I/O 2–12; long 2–12; io-bound wakes at 12 and pre-empts
    // long (2 < 10 left): 12–14, I/O 14–24; long 14–24 (20 ticks in all); io-bound 24–26.
    assert_eq!(r.metrics.threads[0].completion, Some(24));
    assert_eq!(r.metrics.threads[1].completion, Some(26));
    assert_eq!(r.metrics.threads[1].response, Some(0));
}

/// On two CPUs the newcomer takes the CPU of the thread with the most time left.
#[test]
fn preempts_the_longest_running_thread() {
    let jobs = vec![job("A", 0, "compute 50"), job("B", 0, "compute 30"), job("C", 5, "compute 5")];
    let (_, r) = run(&scenario(2, Policy::Srtf, None, jobs));
    // B (30) on CPU 0 and A (50) on CPU 1? Picks go shortest first: B to CPU 0, A to CPU 1.
    // At 5 C pre-empts A (45 left > 25 left for B): C 5–10 on CPU 1, A resumes at 10 → 55.
    assert_eq!(r.metrics.threads[2].completion, Some(10));
    assert_eq!(r.metrics.threads[1].completion, Some(30));
    assert_eq!(r.metrics.threads[0].completion, Some(55));
}

/// With an `estimate` SRTF predicts instead of peeking. A runs a 10-tick burst, waits 5 for
/// I/O, then runs 10 more; B (6 ticks) arrives at 12. Predicting (α = 0.5, τ(0) = 20): A's first
/// burst updates its τ to 0.5·10 + 0.5·20 = 15. B starts at 12 predicted at 20; at 15 A wakes
/// with 15 predicted, B has 20 − 3 = 17 left by prediction, so A pre-empts it: A 15–25, B
/// 25–28. With the actual bursts B has 3 left against A's 10: B 12–18, A 18–28.
#[test]
fn predicted_bursts_decide_differently_from_actual_ones() {
    let jobs = vec![job("A", 0, "compute 10\nio 5\ncompute 10"), job("B", 12, "compute 6")];
    let mut s = scenario(1, Policy::Srtf, None, jobs.clone());
    s.scheduler = SchedulerSpec::from(SrtfSpec {
        estimate: Some(threadlab::model::scheduler::EstimateSpec { alpha: 0.5, initial: 20 }),
        ..SrtfSpec::default()
    });
    let (_, r) = run(&s);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(25), Some(28)));
    let (_, r) = run(&scenario(1, Policy::Srtf, None, jobs));
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(28), Some(18)));
}
