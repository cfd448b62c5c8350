//! Per-CPU ready queues (OSTEP ch. 10's multi-queue scheduling) and work stealing.

mod common;
use common::*;
use threadlab::model::Scenario;
use threadlab::model::scenario::{Policy, Queues, SchedulerSpec};

/// Two short and two long jobs on 2 CPUs under RR (q = 10): A 100, B 10, C 100, D 10, all at 0.
fn jobs() -> Vec<threadlab::model::scenario::ProcessSpec> {
    vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 100"), job("D", 0, "compute 10")]
}

fn per_cpu(steal_every: Option<u64>) -> SchedulerSpec {
    SchedulerSpec { queues: Queues::PerCpu { steal_every }, ..SchedulerSpec::of(Policy::RoundRobin, Some(10)) }
}

/// New threads go to the CPUs in turn: A and C to CPU 0, B and D to CPU 1. CPU 1 runs B 0–10
/// and D 10–20, then idles with an empty queue while CPU 0 alternates A and C until 200: the
/// load imbalance of per-CPU queues (OSTEP §10.5). Nobody migrates.
#[test]
fn without_stealing_a_cpu_idles_beside_a_long_queue() {
    let mut s = scenario(2, Policy::RoundRobin, Some(10), jobs());
    s.scheduler = per_cpu(None);
    let (_, r) = run(&s);
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    // CPU 0: A 0–10, C 10–20, A 20–30 … each gets every other slice; A finishes at 190, C 200.
    assert_eq!(done, vec![190, 10, 200, 20]);
    assert_eq!((r.metrics.cpus[0].busy, r.metrics.cpus[1].busy), (200, 20));
    assert_eq!(r.metrics.migrations, 0);
    // The global queue for comparison: every CPU takes from one queue; the makespan drops.
    let (_, g) = run(&scenario(2, Policy::RoundRobin, Some(10), jobs()));
    assert!(g.metrics.makespan < 130, "{}", g.metrics.makespan);
}

/// Stealing every 30 ticks: at 30, CPU 1's queue is empty, so it takes the first thread in
/// CPU 0's queue. At that instant A's slice has just ended on CPU 0 but A joins the queue only
/// after the instant's events, so CPU 0's queue holds C alone: C migrates to CPU 1. A (20 done,
/// 80 left) runs 30–110 on CPU 0; C (10 done, 90 left) runs 30–120 on CPU 1.
#[test]
fn stealing_moves_a_waiting_thread_to_the_idle_cpu() {
    let mut s = scenario(2, Policy::RoundRobin, Some(10), jobs());
    s.scheduler = per_cpu(Some(30));
    let (_, r) = run(&s);
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, vec![110, 10, 120, 20]);
    assert_eq!(r.metrics.threads[2].migrations, 1);
    assert_eq!(r.metrics.migrations, 1);
    let c_cpus: Vec<usize> = r.trace.as_ref().unwrap().intervals.iter().filter(|i| i.tid == 2).map(|i| i.cpu).collect();
    assert_eq!(c_cpus.first(), Some(&0));
    assert_eq!(c_cpus.last(), Some(&1));
}

/// A thread pinned to its CPU is never stolen.
#[test]
fn stealing_respects_affinity() {
    let mut jobs = jobs();
    jobs[2].affinity = Some(vec![0]);
    let mut s = scenario(2, Policy::RoundRobin, Some(10), jobs);
    s.scheduler = per_cpu(Some(30));
    let (sys, r) = run(&s);
    for iv in &r.trace.as_ref().unwrap().intervals {
        assert!(sys.threads[iv.tid].attrs.allows(iv.cpu));
    }
    assert_eq!(r.metrics.threads[2].migrations, 0);
}

/// The run ends when the threads do, although the stealing timer would go on for ever.
#[test]
fn a_periodic_timer_does_not_keep_a_finished_run_alive() {
    let mut s = scenario(2, Policy::RoundRobin, Some(10), vec![job("A", 0, "compute 5")]);
    s.scheduler = per_cpu(Some(3));
    let (_, r) = run(&s);
    assert_eq!(r.metrics.makespan, 5);
}

/// The JSON form: `"queues": "per_cpu"` and `"steal_every"`, checked where they are.
#[test]
fn queues_in_the_scenario_file() {
    let with = |sched: &str| {
        Scenario::from_json(&format!(
            r#"{{"format":2,"name":"x","machine":{{"cpus":2}},"scheduler":{sched},"processes":[{{"name":"p","threads":[{{"name":"m","code":"compute 1"}}]}}]}}"#
        ))
    };
    let s = with(r#"{"policy":"rr","quantum":3,"queues":"per_cpu","steal_every":30}"#).unwrap();
    assert_eq!(s.scheduler.queues, Queues::PerCpu { steal_every: Some(30) });
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    assert!(s.to_json().contains("\"steal_every\": 30"));
    let e = with(r#"{"policy":"rr","quantum":3,"steal_every":30}"#).unwrap_err();
    assert_eq!(e.path, "scheduler.steal_every");
    let e = with(r#"{"policy":"fcfs","queues":"many"}"#).unwrap_err();
    assert_eq!(e.path, "scheduler.queues");
    let e = threadlab::model::System::load(&with(r#"{"policy":"fcfs","queues":"per_cpu","steal_every":0}"#).unwrap())
        .unwrap_err();
    assert_eq!(e.path, "scheduler.steal_every");
}

/// The trace's ready-queue samples keep each CPU's queue apart (the page lists one line per CPU).
/// New threads go to the CPUs in turn (tids 0–3 = A, B, C, D): A and C to CPU 0, B and D to
/// CPU 1. At 0, after dispatching, CPU 0 runs A and CPU 1 runs B: queues [C] and [D]. At 10 B
/// has finished (CPU 1 takes D, its queue is empty) and A's slice ends (CPU 0 takes C, A waits).
#[test]
fn queue_samples_keep_each_cpus_queue() {
    let mut s = scenario(2, Policy::RoundRobin, Some(10), jobs());
    s.scheduler = per_cpu(None);
    let (_, r) = run(&s);
    let samples = &r.trace.as_ref().unwrap().ready_queue;
    let at = |t: u64| samples.iter().rfind(|q| q.time <= t).unwrap();
    assert_eq!(at(0).per_cpu, [1, 1]);
    assert_eq!(at(0).queues(), [(&[2][..], 1), (&[3][..], 1)]);
    assert_eq!(at(10).queues(), [(&[0][..], 1), (&[][..], 0)]);
    // One shared queue: one list, no per-CPU lengths (A, B run; C then D wait).
    let (_, g) = run(&scenario(2, Policy::RoundRobin, Some(10), jobs()));
    let first = &g.trace.as_ref().unwrap().ready_queue[0];
    assert!(first.per_cpu.is_empty());
    assert_eq!(first.queues(), [(&[2, 3][..], 2)]);
}
