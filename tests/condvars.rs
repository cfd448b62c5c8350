//! Condition variables with Mesa semantics (OSTEP ch. 30): `cond_wait c, m` releases `m` and
//! sleeps in one step (1 tick); a signal only makes the sleeper ready; when it runs, its
//! `cond_wait` runs again (1 tick) to re-take `m`, waiting for it if need be. Timings worked by
//! hand; at one instant CPU 0's instruction applies before CPU 1's.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, ProcessSpec};
use threadlab::model::trace::{Cause, ThreadState, What};
use threadlab::model::wait::WaitReason;

/// Two CPUs. The waiter: `lock m` at 1; `cond_wait` at 2 frees `m` and sleeps. The signaller
/// computes 0–5, locks at 6, signals at 7: the waiter is ready at 7 and back on CPU 0 at once.
/// Its `cond_wait` runs again and completes at 8, when `m` is still the signaller's (CPU 0's
/// step applies before CPU 1's `unlock` at 8), so it waits for `m`; the `unlock` at 8 hands it
/// over, and `cond_wait` returns at 8. `unlock` 9, `compute 1` 10.
#[test]
fn a_signal_makes_the_waiter_ready_and_it_re_takes_the_mutex() {
    let mut p = job("p", 0, "lock m\ncond_wait c, m\nunlock m\ncompute 1");
    p.threads[0].name = "waiter".into();
    p.threads.push(thread("signaller", "compute 5\nlock m\ncond_signal c\nunlock m"));
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.metrics.threads[0].completion, Some(10));
    // Asleep 2–7, then waiting for the mutex 8–8.
    assert_eq!(r.metrics.threads[0].lock_wait, 5);
    assert_eq!(r.metrics.threads[1].completion, Some(8));
    let trace = r.trace.unwrap();
    let waiter: Vec<(u64, ThreadState, Option<WaitReason>)> = (trace.events.iter())
        .filter_map(|e| match e.what {
            What::State { tid: 0, state, cause } => {
                let on = match cause {
                    Cause::Wait { on } => Some(on),
                    _ => None,
                };
                Some((e.time, state, on))
            }
            _ => None,
        })
        .collect();
    use ThreadState::*;
    assert_eq!(
        waiter,
        vec![
            (0, Ready, None),
            (0, Running, None),
            (2, Blocked, Some(WaitReason::Condvar { cond: 0 })),
            (7, Ready, None),
            (7, Running, None),
            (8, Blocked, Some(WaitReason::Mutex { mutex: 0 })),
            (8, Ready, None),
            (8, Running, None),
            (10, Terminated, None),
        ]
    );
    // At t=5 the waiter sleeps on `c` and `m` is free.
    let s = trace.snapshot(&sys, 2, 5);
    assert_eq!((s.objects[0].condvars[0].clone(), s.mutex_owners[0][0]), (vec![0], None));
    // The PC stays on `cond_wait` (index 1) until it returns at 8.
    assert_eq!(trace.snapshot(&sys, 2, 7).threads[0].pc, 1);
    assert_eq!(trace.snapshot(&sys, 2, 8).threads[0].pc, 2);
}

/// A signal nobody waits for is lost (a semaphore's post would be remembered). One CPU, FCFS:
/// main signals at 2 and unlocks at 3; `late` locks at 4 and sleeps at 5, for ever.
#[test]
fn a_signal_before_the_wait_is_lost() {
    let mut p = job("p", 0, "lock m\ncond_signal c\nunlock m");
    p.threads.push(thread("late", "lock m\ncond_wait c, m\nunlock m"));
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![p]));
    let Outcome::Deadlock { time, waits, message } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(*time, 5);
    assert_eq!((waits[0].thread.as_str(), waits[0].waits_for["condition variable"].as_str()), ("p/late", "c"));
    assert_eq!(waits[0].holder, None);
    assert_eq!(
        message,
        "deadlock at t=5: p/late waits for condition variable `c` (a condition variable has no holder: any thread \
         may signal it, and no thread left can run to signal; a signal sent before the wait is not remembered)"
    );
}

fn sleepers_and_broadcaster(wake: &str) -> ProcessSpec {
    let mut p = job("p", 0, &format!("compute 10\nlock m\n{wake} c\nunlock m"));
    for name in ["w1", "w2", "w3"] {
        p.threads.push(thread(name, "lock m\ncond_wait c, m\nunlock m"));
    }
    p
}

/// Four CPUs; main (CPU 0) computes 0–10. At t=1 w1 (CPU 1) takes `m`, w2 and w3 queue for it.
/// w1's `cond_wait` at 2 hands `m` to w2 and sleeps; w2's at 3 hands it to w3; w3's at 4 frees
/// it. main locks at 11 and broadcasts at 12: all three are ready at 12, back on their CPUs.
/// At 13 main's `unlock` (CPU 0) applies first, so w1 re-takes `m` and returns, w2 and w3 queue:
/// w1 unlocks at 14 (handing `m` to w2), w2 at 15, w3 at 16.
#[test]
fn a_broadcast_wakes_every_sleeper_and_they_take_the_mutex_in_turn() {
    let (_, r) = run(&scenario(4, Policy::Fcfs, None, vec![sleepers_and_broadcaster("cond_broadcast")]));
    assert_eq!(r.outcome, Outcome::Completed);
    let done: Vec<Option<u64>> = r.metrics.threads.iter().map(|t| t.completion).collect();
    assert_eq!(done, vec![Some(13), Some(14), Some(15), Some(16)]);
}

/// The same with `cond_signal`: only w1 wakes; w2 and w3 sleep on, and the report says so.
#[test]
fn a_signal_wakes_one_sleeper() {
    let (_, r) = run(&scenario(4, Policy::Fcfs, None, vec![sleepers_and_broadcaster("cond_signal")]));
    let Outcome::Deadlock { waits, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    let stuck: Vec<&str> = waits.iter().map(|w| w.thread.as_str()).collect();
    assert_eq!(stuck, vec!["p/w2", "p/w3"]);
    assert_eq!(r.metrics.threads[1].completion, Some(14));
}

/// Waiting without holding the mutex is a runtime error at its line.
#[test]
fn cond_wait_without_the_mutex_is_a_runtime_error() {
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "compute 1\ncond_wait c, m")]));
    let Outcome::RuntimeError { line, time, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((*line, *time), (2, 2));
    assert_eq!(
        message,
        "cond_wait on condition variable `c` with mutex `m`, which this thread does not hold (it is not locked): take \
         it first with `lock m`"
    );
}

/// A condition variable and a mutex cannot share a name.
#[test]
fn a_condition_variable_is_not_a_mutex() {
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "lock c\ncond_wait c, c")]);
    let e = threadlab::model::run(&s).map(|_| ()).unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(11)));
    assert_eq!(
        e.message,
        "`c` is a mutex in this process, not a condition variable: give the condition variable a name of its own"
    );
}
