//! Spin locks (OSTEP ch. 28.7): a waiter stays on its CPU and tries again, 1 tick per attempt,
//! so waiting costs CPU time (`spin_time`, inside `cpu_time`) instead of blocked time
//! (`lock_wait`). Timings worked by hand; at one instant CPU 0's instruction applies first.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, ProcessSpec};

fn holder_and_waiter(lock: &str, unlock: &str, holder_work: u64) -> ProcessSpec {
    let mut p = job("p", 0, &format!("{lock} s\ncompute {holder_work}\n{unlock} s"));
    p.threads.push(thread("waiter", &format!("{lock} s\ncompute 1\n{unlock} s")));
    p
}

/// Two CPUs. The holder takes `s` at 1, computes 1–6 and releases at 7. The waiter's attempts
/// at 1, 2, …, 6 find it taken; the one at 7 comes after the release (CPU 0 first) and takes
/// it: 6 ticks spinning. `compute 1` 8, release 9. With a mutex it ends at 9 too, but blocked
/// for those 6 ticks instead of burning them: 3 ticks of CPU against 9.
#[test]
fn a_spinning_waiter_burns_cpu_where_a_blocked_one_sleeps() {
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![holder_and_waiter("spin_lock", "spin_unlock", 5)]));
    assert_eq!(r.outcome, Outcome::Completed);
    let w = &r.metrics.threads[1];
    assert_eq!((w.completion, w.cpu_time, w.spin_time, w.lock_wait), (Some(9), 9, 6, 0));
    assert_eq!(r.metrics.threads[0].completion, Some(7));
    // At t=3 the waiter is on CPU 1, spinning on `s`, which the holder owns.
    let s = r.trace.unwrap().snapshot(&sys, 2, 3);
    let view = &s.objects[0].spinlocks[0];
    assert_eq!((view.owner, view.spinning.clone()), (Some(0), vec![1]));
    assert_eq!(s.threads[1].pc, 0);

    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![holder_and_waiter("lock", "unlock", 5)]));
    let w = &r.metrics.threads[1];
    assert_eq!((w.completion, w.cpu_time, w.spin_time, w.lock_wait), (Some(9), 3, 0, 6));
}

/// One CPU, Round Robin with quantum 2: a spinner wastes its whole slice while the holder is
/// off the CPU. Holder: `spin_lock` 0–1, `compute 6` from 1, cut at 2 (5 left). Waiter: attempts
/// at 3 and 4 fail, cut at 4. Holder 4–6 (3 left); waiter fails at 7, 8; holder 8–10 (1 left);
/// waiter fails at 11, 12; holder finishes the compute at 13 and releases at 14, its last line.
/// Waiter: takes `s` at 15, computes to 16 (slice spent, queue empty: it goes on), releases at 17.
#[test]
fn on_one_cpu_a_spinner_wastes_its_slices_while_the_holder_waits() {
    let (_, r) = run(&scenario(1, Policy::RoundRobin, Some(2), vec![holder_and_waiter("spin_lock", "spin_unlock", 6)]));
    let (h, w) = (&r.metrics.threads[0], &r.metrics.threads[1]);
    assert_eq!((h.completion, w.completion), (Some(14), Some(17)));
    assert_eq!((w.spin_time, w.cpu_time), (6, 9));
}

/// A thread that exits holding a spin lock leaves its spinner spinning for ever: it never
/// blocks, so this is no deadlock; the step budget stops the run.
#[test]
fn a_spinner_whose_holder_exited_spins_until_the_budget() {
    let mut p = job("p", 0, "spin_lock s");
    p.threads.push(thread("waiter", "spin_lock s"));
    let mut s = scenario(2, Policy::Fcfs, None, vec![p]);
    s.limits.max_steps = 100;
    let (_, r) = run(&s);
    assert!(matches!(r.outcome, Outcome::BudgetExceeded { steps: 101, .. }), "{:?}", r.outcome);
    // 101 steps: the holder's one, then the waiter's 100 attempts, 1 tick each from t=0.
    assert_eq!(r.metrics.threads[1].spin_time, 100);
}

#[test]
fn misusing_a_spin_lock_is_a_runtime_error() {
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "compute 1\nspin_unlock s")]));
    let Outcome::RuntimeError { line, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(*line, 2);
    assert_eq!(message, "spin_unlock of spin lock `s`, which this thread does not hold (it is not locked)");
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "spin_lock s\nspin_lock s")]));
    let Outcome::RuntimeError { line, message, time, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((*line, *time), (2, 2));
    assert_eq!(message, "spin_lock of spin lock `s`, which this thread already holds: it would spin for ever");
}

/// `spin_time` appears in the JSON only when a thread spun, so runs without spin locks print
/// exactly what they printed before.
#[test]
fn spin_time_is_left_out_of_the_json_when_zero() {
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![holder_and_waiter("spin_lock", "spin_unlock", 5)]));
    let json = serde_json::to_value(&r.metrics).unwrap();
    assert_eq!(json["threads"][1]["spin_time"], 6);
    assert!(json["threads"][0].get("spin_time").is_none());
}
