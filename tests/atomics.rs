//! Atomic read-modify-write instructions (`faa`, `xchg`, `cas`): one indivisible step of 1 tick
//! each, so no other thread's write can come between their read and their write. Timings are
//! worked by hand: every instruction other than `compute N` takes 1 tick, and at one instant
//! CPU 0's instruction applies before CPU 1's (the event order, `src/model/events.rs`).

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::program::Flags;
use threadlab::model::scenario::{Policy, ProcessSpec};
use threadlab::model::trace::What;

/// Two threads running `code` in process "p" with variables `counter` and `lock` at 0.
fn two(code: &str) -> ProcessSpec {
    let mut p = job("p", 0, code);
    p.variables.insert("counter".into(), 0);
    p.variables.insert("lock".into(), 0);
    p.threads.push(thread("second", code));
    p
}

/// The race of `tests/races_and_locks.rs` (lock-step load/add/store loses 3 of 6 updates) with
/// `faa`: at t=1, 2, 3 CPU 0's `faa` then CPU 1's each add 1: 6, nothing lost, in 3 ticks.
#[test]
fn fetch_and_add_loses_no_update() {
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![two("loop 3\n  faa r0, counter, 1\nend")]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(var(&r, 0, "counter"), 6);
    assert_eq!(r.metrics.variables[0].lost_updates, 0);
    assert_eq!(r.metrics.makespan, 3);
    // Each `faa` returns the value before its add: thread 0 gets 0, 2, 4; thread 1 gets 1, 3, 5.
    let trace = r.trace.unwrap();
    let reads: Vec<(usize, i64)> = (trace.events.iter())
        .filter_map(|e| match e.what {
            What::Atomic { tid, read, wrote, .. } => {
                assert_eq!(wrote, Some(read + 1));
                Some((tid, read))
            }
            _ => None,
        })
        .collect();
    assert_eq!(reads, vec![(0, 0), (1, 1), (0, 2), (1, 3), (0, 4), (1, 5)]);
    let end = trace.snapshot(&sys, 2, 3);
    assert_eq!((end.threads[0].registers[0], end.threads[1].registers[0]), (4, 5));
    assert_eq!(end.variables[0][0], 6);
    assert_eq!(end.just_written, vec![(0, 0, 0), (0, 0, 1)]);
}

/// `faa` adds a register too, and a negative number.
#[test]
fn fetch_and_add_takes_a_register_or_a_negative_number() {
    let mut p = job("p", 0, "set r1, 5\nfaa r0, counter, r1\nfaa r2, counter, -2");
    p.variables.insert("counter".into(), 10);
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![p]));
    assert_eq!(var(&r, 0, "counter"), 13);
}

/// A test-and-set spin lock from `xchg`. Lock-step on two CPUs: both `set` at t=1; at t=2 CPU 0's
/// `xchg` finds 0 (thread 0 has the lock), CPU 1's finds 1; at t=3 thread 0 falls through
/// `jne`, thread 1 jumps back. Thread 0: load 4, add 5, store 6, set 7, releases at 8. Thread
/// 1 tries again at 5 (finds 1) and at 8, where thread 0's release (CPU 0) applies first, so it
/// finds 0: `jne` 9, load 10, add 11, store 12, set 13, release 14.
#[test]
fn exchange_builds_a_spin_lock() {
    let code = "spin:\n  set r1, 1\n  xchg r1, lock\n  jne r1, 0, spin\n  load r0, counter\n  add r0, 1\n  \
                store r0, counter\n  set r1, 0\n  store r1, lock";
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![two(code)]));
    assert_eq!(var(&r, 0, "counter"), 2);
    assert_eq!(var(&r, 0, "lock"), 0);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(8), Some(14)));
    let xchg_times: Vec<u64> = (r.trace.unwrap().events.iter())
        .filter_map(|e| matches!(e.what, What::Atomic { tid: 1, .. }).then_some(e.time))
        .collect();
    assert_eq!(xchg_times, vec![2, 5, 8]);
}

/// A lock-free increment with `cas`, lock-step on two CPUs. Both load 0 (t=1), set (2), add
/// (3: r1 = 1); at t=4 CPU 0's `cas` swaps (counter 1, flags equal), CPU 1's finds 1 ≠ 0:
/// no write, r0 ← 1, flags "greater" (1 > 0). At 5 thread 0's `jne` falls through: it ends at 5;
/// thread 1 jumps back: load 6 (1), set 7, add 8 (r1 = 2), `cas` 9 swaps, `jne` 10: ends at 10.
#[test]
fn compare_and_swap_retries_until_it_swaps() {
    let code = "retry:\n  load r0, counter\n  set r1, 1\n  add r1, r0\n  cas counter, r0, r1\n  jne retry";
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![two(code)]));
    assert_eq!(var(&r, 0, "counter"), 2);
    assert_eq!(r.metrics.variables[0].lost_updates, 0);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(5), Some(10)));
    let trace = r.trace.unwrap();
    let at4 = trace.snapshot(&sys, 2, 4);
    assert_eq!((at4.threads[0].flags, at4.threads[1].flags), (Flags::Equal, Flags::Greater));
    assert_eq!(at4.threads[1].registers[0], 1, "a failed cas puts the value found in its first register");
    assert_eq!(at4.variables[0][0], 1);
    let failed: Vec<(u64, Option<i64>)> = (trace.events.iter())
        .filter_map(|e| match e.what {
            What::Atomic { tid: 1, wrote, .. } => Some((e.time, wrote)),
            _ => None,
        })
        .collect();
    assert_eq!(failed, vec![(4, None), (9, Some(2))]);
}

/// A plain store that overwrites an atomic's write loses it, and the explanation names it.
/// Thread 0 loads 0 at t=1, computes to 6, adds (7), stores 1 at 8; thread 1's `faa` wrote 10 at
/// t=2 in between: one lost update, the write of 10 (delta +10, at t=2).
#[test]
fn a_store_over_an_atomic_write_is_a_lost_update() {
    let mut p = job("p", 0, "load r0, counter\ncompute 5\nadd r0, 1\nstore r0, counter");
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("adder", "compute 1\nfaa r1, counter, 10"));
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    assert_eq!(var(&r, 0, "counter"), 1);
    assert_eq!(r.metrics.variables[0].lost_updates, 1);
    let lost = r.trace.unwrap().lost_updates_at(&sys, 8);
    assert_eq!(lost.len(), 1);
    let w = &lost[0].overwritten;
    assert_eq!((w.len(), w[0].tid, w[0].value, w[0].delta, w[0].time), (1, 1, 10, 10, 2));
    assert_eq!(lost[0].load.map(|l| (l.time, l.value)), Some((1, 0)));
}
