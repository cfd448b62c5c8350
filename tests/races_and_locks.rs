//! Shared memory, lost updates, mutexes and deadlock, with hand-worked timings.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, ProcessSpec};

fn two_threads(code: &str) -> ProcessSpec {
    let mut p = job("counter", 0, code);
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("second", code));
    p
}

/// In lock-step on two CPUs both threads load the same value each iteration, so every one of the
/// second thread's updates is lost: 3 instead of 6.
#[test]
fn lockstep_counter_loses_every_other_update() {
    let code = "loop 3\nload r0, counter\nadd r0, 1\nstore r0, counter\nend";
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![two_threads(code)]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(var(&r, 0, "counter"), 3);
    // Each thread: 3 × 3 one-tick instructions.
    assert_eq!(r.metrics.makespan, 9);
    // At t=3, 6, 9 CPU 0's store lands first; CPU 1's store overwrites it unseen: 3 lost updates.
    assert_eq!(r.metrics.variables[0].lost_updates, 3);
    let lost_at: Vec<(u64, usize, u32)> = r
        .trace
        .unwrap()
        .events
        .iter()
        .filter_map(|e| match e.what {
            threadlab::model::trace::What::Mem { tid, lost, .. } => Some((e.time, tid, lost)),
            _ => None,
        })
        .collect();
    assert_eq!(lost_at, vec![(3, 0, 0), (3, 1, 1), (6, 0, 0), (6, 1, 1), (9, 0, 0), (9, 1, 1)]);
}

/// With one CPU and FCFS the threads run one after the other: no interleaving, no loss.
#[test]
fn one_cpu_without_preemption_does_not_race() {
    let code = "loop 3\nload r0, counter\nadd r0, 1\nstore r0, counter\nend";
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![two_threads(code)]));
    assert_eq!(var(&r, 0, "counter"), 6);
    assert_eq!(r.metrics.variables[0].lost_updates, 0);
}

/// Round Robin with quantum 2 on one CPU pre-empts between load and store: the classic race
/// on a single core. A: load,add | B: load,add | A: store(1) | B: store(1) → …
#[test]
fn preemption_on_one_cpu_also_races() {
    let code = "load r0, counter\nadd r0, 1\nstore r0, counter";
    let (_, r) = run(&scenario(1, Policy::RoundRobin, Some(2), vec![two_threads(code)]));
    assert_eq!(var(&r, 0, "counter"), 1);
}

/// The mutex fix, timed by hand. Critical section = lock, load, add, store, unlock (1 tick each).
/// A holds m over 1–5, 9–13, 17–21; B over 5–9, 13–17, 21–25.
#[test]
fn mutex_makes_the_counter_exact() {
    let code = "loop 3\nlock m\nload r0, counter\nadd r0, 1\nstore r0, counter\nunlock m\nend";
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![two_threads(code)]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(var(&r, 0, "counter"), 6);
    assert_eq!(r.metrics.variables[0].lost_updates, 0);
    let (a, b) = (&r.metrics.threads[0], &r.metrics.threads[1]);
    assert_eq!((a.completion, b.completion), (Some(21), Some(25)));
    // A waits 6–9 and 14–17; B waits 1–5, 10–13, 18–21.
    assert_eq!((a.lock_wait, b.lock_wait), (6, 10));
}

/// A thread storing twice from one load loses nothing of its own: only other threads' writes
/// in between count as lost.
#[test]
fn own_writes_are_not_lost_updates() {
    let code = "load r0, counter\nadd r0, 1\nstore r0, counter\nadd r0, 1\nstore r0, counter";
    let mut p = job("p", 0, code);
    p.variables.insert("counter".into(), 0);
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![p]));
    assert_eq!((var(&r, 0, "counter"), r.metrics.variables[0].lost_updates), (2, 0));
}

/// Unlock hands the mutex to the first waiter in FIFO order.
#[test]
fn waiters_get_the_mutex_in_arrival_order() {
    let mut p = job("p", 0, "lock m\ncompute 10\nunlock m");
    p.threads.push(thread("w1", "compute 1\nlock m\nunlock m"));
    p.threads.push(thread("w2", "compute 2\nlock m\nunlock m"));
    let (_, r) = run(&scenario(3, Policy::Fcfs, None, vec![p]));
    // main holds m 0–12 (lock done at 1, compute to 11, unlock at 12). w1 blocks at 2, w2 at 3.
    // w1 gets m at 12, unlocks at 13 → w2, which unlocks at 14.
    assert_eq!(r.metrics.threads[1].completion, Some(13));
    assert_eq!(r.metrics.threads[2].completion, Some(14));
}

#[test]
fn deadlock_is_reported_with_threads_and_locks() {
    let p = threadlab::presets::find("deadlock").unwrap();
    let (_, r) = run(&p.scenario().unwrap());
    let Outcome::Deadlock { time, waits, message } = &r.outcome else {
        panic!("expected a deadlock, got {:?}", r.outcome)
    };
    // a: lock x (1), compute 3 (4), lock y at 5 → blocked; b likewise on x.
    assert_eq!(*time, 5);
    let pairs: Vec<(&str, &str, Option<&str>)> =
        waits.iter().map(|w| (w.thread.as_str(), w.waits_for["mutex"].as_str(), w.holder.as_deref())).collect();
    assert_eq!(pairs, vec![("bank/a", "y", Some("bank/b")), ("bank/b", "x", Some("bank/a"))]);
    assert!(message.contains("bank/a waits for mutex `y`"), "{message}");
    // Nobody finished: no turnaround to report.
    assert!(r.metrics.threads.iter().all(|t| t.completion.is_none()));
}

#[test]
fn a_forgotten_unlock_is_named_in_the_report() {
    let mut p = job("p", 0, "lock m\ncompute 2");
    p.threads.push(thread("late", "compute 5\nlock m\nunlock m"));
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    let Outcome::Deadlock { waits, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert!(waits[0].holder_terminated);
    assert!(message.contains("exited without unlocking"), "{message}");
}

#[test]
fn unlocking_a_mutex_not_held_is_a_runtime_error() {
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "compute 1\nunlock m")]));
    let Outcome::RuntimeError { line, thread, message, time, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((*line, thread.as_str(), *time), (2, "p/main", 2));
    assert!(message.contains("does not hold"), "{message}");
}

#[test]
fn step_budget_stops_a_runaway_loop() {
    let mut s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "loop 4000000000\ncompute 1\nend")]);
    s.limits.max_steps = 1000;
    let (_, r) = run(&s);
    let Outcome::BudgetExceeded { steps, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(*steps, 1001);
    assert!(message.contains("limits.max_steps"), "{message}");
    // The thread was still on the CPU when the run stopped: the timeline still shows that run.
    // 1001 steps = loop + 500 × (compute 1, end): the 500th `end`, at t=500, crosses the budget.
    let iv: Vec<(u64, u64)> = r.trace.unwrap().intervals.iter().map(|i| (i.start, i.end)).collect();
    assert_eq!(iv, vec![(0, 500)]);
}

#[test]
fn time_budget_stops_a_long_run() {
    let mut s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "compute 10\ncompute 10\ncompute 10")]);
    s.limits.max_time = 15;
    let (_, r) = run(&s);
    let Outcome::BudgetExceeded { time, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(*time, 10);
    assert!(message.contains("limits.max_time"), "{message}");
}

/// Processes are isolated: the same variable name in two processes is two cells.
#[test]
fn processes_do_not_share_variables() {
    let code = "loop 4\nload r0, counter\nadd r0, 1\nstore r0, counter\nend";
    let mut a = job("a", 0, code);
    a.variables.insert("counter".into(), 0);
    let mut b = job("b", 0, code);
    b.variables.insert("counter".into(), 100);
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![a, b]));
    assert_eq!((var(&r, 0, "counter"), var(&r, 1, "counter")), (4, 104));
}

/// Footprint: code + data + heap once, a stack per thread. 2 threads vs 2 processes.
#[test]
fn threads_cost_less_memory_than_processes() {
    let mut threads = job("t", 0, "compute 1");
    threads.threads.push(thread("t2", "compute 1"));
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![threads]));
    // defaults: code 4096 + data 4096 + heap 0 + 2 × 8192 stack
    assert_eq!(r.metrics.total_memory_bytes, 24_576);
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![job("p1", 0, "compute 1"), job("p2", 0, "compute 1")]));
    assert_eq!(r.metrics.total_memory_bytes, 32_768);
}

/// The shipped race presets show what they claim.
#[test]
fn race_presets_lose_updates_and_the_mutex_fixes_them() {
    let run_preset = |key| run(&threadlab::presets::find(key).unwrap().scenario().unwrap()).1;
    let unsafe_run = run_preset("race-unsafe");
    let safe_run = run_preset("race-mutex");
    let lost = var(&unsafe_run, 0, "counter");
    assert!((500..1000).contains(&lost), "unsafe counter {lost}");
    assert_eq!(var(&safe_run, 0, "counter"), 1000);
    // With two threads each lost update costs exactly one increment.
    assert_eq!(unsafe_run.metrics.variables[0].lost_updates as i64, 1000 - lost);
    assert_eq!(safe_run.metrics.variables[0].lost_updates, 0);
    assert!(safe_run.metrics.threads.iter().any(|t| t.lock_wait > 0));
}

/// A huge step budget cannot make the recorded trace grow without bound (it would crash a
/// browser tab): the run stops with a clear message instead.
#[test]
fn trace_size_is_bounded() {
    let mut s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "loop 4000000000\ncompute 1\nend")]);
    s.limits.max_steps = u64::MAX;
    let (_, r) = run(&s);
    let Outcome::BudgetExceeded { message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert!(message.contains("the trace reached"), "{message}");
    let events = r.trace.unwrap().events.len();
    assert!(
        (threadlab::model::trace::MAX_TRACE_EVENTS..threadlab::model::trace::MAX_TRACE_EVENTS + 10).contains(&events),
        "{events}"
    );
}
