//! SJF (non-pre-emptive shortest job first) on the textbooks' examples, every number worked by
//! hand; its exponential-average estimate; ties; and its parameters' errors.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, ProcessSpec, SchedulerSpec};
use threadlab::model::scheduler::{
    Ctx, EstimateSpec, ExpAverage, LeaveReason, ReadyReason, SchedAttrs, SchedRng, Scheduler, Sjf, SjfSpec,
};
use threadlab::model::timers::Timers;
use threadlab::model::{Outcome, Scenario};

fn estimating(alpha: f64, initial: u64) -> SchedulerSpec {
    SchedulerSpec::from(SjfSpec { estimate: Some(EstimateSpec { alpha, initial }) })
}

fn with_expected_burst(mut p: ProcessSpec, ticks: u64) -> ProcessSpec {
    p.expected_burst = Some(ticks);
    p
}

/// Silberschatz, Galvin, Gagne, *Operating System Concepts* (10th ed.), §5.3.2: P1 (burst 6),
/// P2 (8), P3 (7), P4 (3), all at 0. Shortest first: P4 0–3, P1 3–9, P3 9–16, P2 16–24.
/// Waiting 3, 16, 9, 0: average 28 / 4 = 7.
#[test]
fn silberschatz_sjf_example() {
    let jobs = vec![
        job("P1", 0, "compute 6"),
        job("P2", 0, "compute 8"),
        job("P3", 0, "compute 7"),
        job("P4", 0, "compute 3"),
    ];
    let (_, r) = run(&scenario(1, Policy::Sjf, None, jobs));
    assert_eq!(r.outcome, Outcome::Completed);
    // completion, turnaround, response, waiting
    assert_eq!(times(&r, 0), (9, 9, 3, 3));
    assert_eq!(times(&r, 1), (24, 24, 16, 16));
    assert_eq!(times(&r, 2), (16, 16, 9, 9));
    assert_eq!(times(&r, 3), (3, 3, 0, 0));
    assert_eq!(r.metrics.averages.as_ref().unwrap().waiting, 7.0);
    assert_eq!(r.metrics.context_switches, 3);
}

/// OSTEP ch. 7, section 7.4 (figure 7.3): A (100), B (10), C (10), all at 0. SJF runs B 0–10,
/// C 10–20, A 20–120: average turnaround (10 + 20 + 120) / 3 = 50.
#[test]
fn ostep_sjf_example() {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")];
    let (_, r) = run(&scenario(1, Policy::Sjf, None, jobs));
    assert_eq!(r.metrics.averages.as_ref().unwrap().turnaround, 50.0);
    assert_eq!(r.metrics.threads[0].completion, Some(120));
}

/// OSTEP ch. 7, figure 7.4: A (100) at 0, B and C (10 each) at 10. Non-pre-emptive SJF cannot
/// take the CPU back from A: A 0–100, B 100–110, C 110–120; turnarounds 100, 100, 110,
/// average 310 / 3 ≈ 103.33 (the convoy OSTEP shows; STCF, in `policy_srtf.rs`, gets 50).
#[test]
fn ostep_sjf_convoy() {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 10, "compute 10"), job("C", 10, "compute 10")];
    let (_, r) = run(&scenario(1, Policy::Sjf, None, jobs));
    assert_eq!(times(&r, 0).1, 100);
    assert_eq!(times(&r, 1).1, 100);
    assert_eq!(times(&r, 2).1, 110);
    assert_eq!(r.metrics.averages.as_ref().unwrap().turnaround, 310.0 / 3.0);
}

/// The burst ends at the next I/O, and SJF does not pre-empt: io-bound (first burst 2) runs
/// first 0–2, does I/O 2–12; long runs 2–22 although io-bound is ready again at 12;
/// io-bound 22–24, I/O 24–34, 34–36.
#[test]
fn bursts_end_at_io_and_nothing_is_preempted() {
    let jobs = vec![job("long", 0, "compute 20"), job("io-bound", 0, "compute 2\nio 10\ncompute 2\nio 10\ncompute 2")];
    let (_, r) = run(&scenario(1, Policy::Sjf, None, jobs));
    assert_eq!(r.metrics.threads[0].completion, Some(22));
    assert_eq!(r.metrics.threads[1].completion, Some(36));
    assert_eq!(r.metrics.threads[1].waiting, 10, "ready 12–22");
}

/// Equal bursts go to whoever became ready first: A 0–5; B (ready at 1) and C (at 2) both need
/// 3, so B 5–8, then C 8–11 (C has the lower thread id, but became ready later). At one
/// instant, the lower thread id: D and E both need 4 at 0, so D (tid 0) 0–4, E 4–8.
#[test]
fn ties_go_to_the_first_ready() {
    let jobs = vec![job("A", 0, "compute 5"), job("C", 2, "compute 3"), job("B", 1, "compute 3")];
    let (_, r) = run(&scenario(1, Policy::Sjf, None, jobs));
    assert_eq!(r.metrics.threads[2].completion, Some(8), "B");
    assert_eq!(r.metrics.threads[1].completion, Some(11), "C");
    let (_, r) = run(&scenario(1, Policy::Sjf, None, vec![job("D", 0, "compute 4"), job("E", 0, "compute 4")]));
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(4), Some(8)));
}

/// Silberschatz §5.3.2, the figure of exponential averaging: α = 1/2, τ0 = 10, bursts
/// 6 4 6 4 13 13 13. τ(n+1) = t(n)/2 + τ(n)/2: 10, (6+10)/2 = 8, (4+8)/2 = 6, (6+6)/2 = 6,
/// (4+6)/2 = 5, (13+5)/2 = 9, (13+9)/2 = 11, (13+11)/2 = 12.
#[test]
fn silberschatz_exponential_average_figure() {
    let avg = ExpAverage::new(0.5);
    let mut tau = 10.0;
    let mut predictions = vec![tau];
    for burst in [6, 4, 6, 4, 13, 13, 13] {
        tau = avg.next(tau, burst);
        predictions.push(tau);
    }
    assert_eq!(predictions, [10.0, 8.0, 6.0, 6.0, 5.0, 9.0, 11.0, 12.0]);
}

/// The same figure through the policy: the kernel reports each burst as the CPU ticks of the
/// `on_leave` calls up to the one where the thread blocks (or exits). The first burst arrives
/// in two pieces (2 ticks, pre-empted; then 4, blocked): 6 in all.
#[test]
fn the_policy_learns_each_burst_from_on_leave() {
    let mut rng = SchedRng::new(1);
    let mut timers = Timers::default();
    let attrs = vec![SchedAttrs::default()];
    let mut ctx = Ctx::new(0, &mut rng, &mut timers, &attrs, &[]);
    let mut sjf = Sjf::estimating(ExpAverage::new(0.5), 10);
    assert_eq!(sjf.prediction(0, &ctx), Some(10.0));
    sjf.on_leave(0, 0, 2, LeaveReason::Preempted, &mut ctx);
    assert_eq!(sjf.prediction(0, &ctx), Some(10.0), "a burst is not over until the thread blocks");
    sjf.on_leave(0, 0, 4, LeaveReason::Blocked, &mut ctx);
    let mut seen = vec![sjf.prediction(0, &ctx).unwrap()];
    for burst in [4, 6, 4, 13, 13, 13] {
        sjf.on_leave(0, 0, burst, LeaveReason::Blocked, &mut ctx);
        seen.push(sjf.prediction(0, &ctx).unwrap());
    }
    assert_eq!(seen, [8.0, 6.0, 6.0, 5.0, 9.0, 11.0, 12.0]);
    // Without an estimate there is no prediction (the actual burst is used).
    assert_eq!(Sjf::default().prediction(0, &ctx), None);
}

/// τ(0) is the thread's `expected_burst`, else the spec's `initial`: with α = 0 the predictions
/// never change, so the order is the one they set whatever the actual bursts. A (actual 8,
/// expected 2) runs before B (actual 3, no expectation: initial 5): A 0–8, B 8–11. With the
/// actual bursts B goes first: B 0–3, A 3–11.
#[test]
fn the_initial_guess_comes_from_the_thread_or_the_spec() {
    let jobs = vec![with_expected_burst(job("A", 0, "compute 8"), 2), job("B", 0, "compute 3")];
    let mut s = scenario(1, Policy::Sjf, None, jobs);
    s.scheduler = estimating(0.0, 5);
    let (_, r) = run(&s);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(8), Some(11)));
    // B's guess above A's actual burst does not matter; above A's guess does: initial 1 < 2.
    s.scheduler = estimating(0.0, 1);
    let (_, r) = run(&s);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(11), Some(3)));
    s.scheduler = SchedulerSpec::of(Policy::Sjf, None);
    let (_, r) = run(&s);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(11), Some(3)));
}

/// A learns that its bursts are long. A (τ0 1; bursts 6, 6), B (τ0 4; bursts 4, 4), C (τ0 5;
/// one burst of 10); I/O of 1 tick between bursts.
/// α = 1 (predict the last burst): A 0–6 (τ_A → 6), B 6–10 (4 < 5; τ_B → 4), at 10 C (5)
/// beats A (6): C 10–20, then B (4) beats A (6): B 20–24, A 24–30.
/// α = 0 (never learn): A 0–6, B 6–10, at 10 A (1) beats C (5): A 10–16, B 16–20, C 20–30.
#[test]
fn an_estimate_learns_from_the_last_burst() {
    let jobs = vec![
        with_expected_burst(job("A", 0, "compute 6\nio 1\ncompute 6"), 1),
        with_expected_burst(job("B", 0, "compute 4\nio 1\ncompute 4"), 4),
        with_expected_burst(job("C", 0, "compute 10"), 5),
    ];
    let completions = |s: &Scenario| {
        let (_, r) = run(s);
        r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect::<Vec<_>>()
    };
    let mut s = scenario(1, Policy::Sjf, None, jobs);
    s.scheduler = estimating(1.0, 10);
    assert_eq!(completions(&s), [30, 24, 20]);
    s.scheduler = estimating(0.0, 10);
    assert_eq!(completions(&s), [16, 20, 30]);
}

/// The policy is on the menu with its key, and its spec survives a round trip through JSON.
#[test]
fn the_spec_reads_and_writes_naturally() {
    assert_eq!(Policy::from_key("sjf"), Some(Policy::Sjf));
    let s = Scenario::from_json(
        r#"{"format":2,"name":"x","scheduler":{"policy":"sjf","estimate":{"alpha":0.5}},"processes":[{"name":"p","threads":[{"name":"m","code":"compute 1"}]}]}"#,
    )
    .unwrap();
    assert_eq!(s.scheduler, estimating(0.5, 10), "initial defaults to 10 ticks");
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    assert!(!Policy::Sjf.uses_quantum());
}

fn error(scheduler: &str) -> threadlab::model::ScenarioError {
    let json = format!(
        r#"{{"format":2,"name":"x","scheduler":{scheduler},"processes":[{{"name":"p","threads":[{{"name":"m","code":"compute 1"}}]}}]}}"#
    );
    match Scenario::from_json(&json) {
        Err(e) => e,
        Ok(s) => threadlab::model::run(&s).map(|_| ()).expect_err("expected an error"),
    }
}

#[test]
fn every_parameter_error_says_where() {
    let e = error(r#"{"policy":"sjf","estimate":{"alpha":1.5}}"#);
    assert_eq!(e.to_string(), "scheduler.estimate.alpha: must be from 0 to 1, got 1.5");
    let e = error(r#"{"policy":"sjf","estimate":{"alpha":-0.1}}"#);
    assert_eq!(e.to_string(), "scheduler.estimate.alpha: must be from 0 to 1, got -0.1");
    // A whole number as written (`2`, not serde_json's `2.0`), and a tiny one not in 300 zeros.
    let e = error(r#"{"policy":"sjf","estimate":{"alpha":2}}"#);
    assert_eq!(e.to_string(), "scheduler.estimate.alpha: must be from 0 to 1, got 2");
    let e = error(r#"{"policy":"sjf","estimate":{"alpha":-1e-300}}"#);
    assert_eq!(e.to_string(), "scheduler.estimate.alpha: must be from 0 to 1, got -1e-300");
    let e = error(r#"{"policy":"sjf","estimate":{"alpha":0.5,"initial":0}}"#);
    assert_eq!(e.to_string(), "scheduler.estimate.initial: must be at least 1 µs");
    let e = error(r#"{"policy":"sjf","estimate":{"alpha":"half"}}"#);
    assert_eq!(e.path, "scheduler.estimate.alpha");
    let e = error(r#"{"policy":"sjf","estimate":{"initial":4}}"#);
    assert_eq!(e.path, "scheduler.estimate.alpha");
    assert!(e.message.contains("`alpha` is missing from `scheduler.estimate`"), "{}", e.message);
    let e = error(r#"{"policy":"sjf","estimate":{"alpha":0.5,"beta":1}}"#);
    assert_eq!(e.path, "scheduler.estimate.beta");
    let e = error(r#"{"policy":"sjf","quantum":4}"#);
    assert_eq!(e.path, "scheduler.quantum");
    assert!(e.message.contains("unknown field `quantum`"), "{}", e.message);
}

/// The ready queue shows who is picked next, and `on_ready` places a thread by its burst.
#[test]
fn the_queue_is_in_pick_order() {
    let mut rng = SchedRng::new(1);
    let mut timers = Timers::default();
    let attrs = vec![SchedAttrs::default(); 3];
    let bursts = [9, 2, 5];
    let mut ctx = Ctx::new(0, &mut rng, &mut timers, &attrs, &bursts);
    let mut sjf = Sjf::default();
    assert!(sjf.wants_bursts());
    for tid in 0..3 {
        sjf.on_ready(tid, ReadyReason::Arrived, &mut ctx);
    }
    assert_eq!(sjf.queue(10), [1, 2, 0]);
    assert_eq!(sjf.pick(0, &mut ctx), Some(1));
    assert_eq!(sjf.len(), 2);
}
