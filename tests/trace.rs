//! The trace and the state rebuilt from it at any instant (what the page shows while scrubbing).

mod common;
use common::*;
use threadlab::model::scenario::Policy;
use threadlab::model::trace::{IntervalKind, Load, Overwritten, Place, ThreadState};

/// Two threads on two CPUs doing counter++ twice, in lock-step (1 tick per instruction).
fn lockstep() -> (threadlab::model::System, threadlab::model::RunResult) {
    let code = "loop 2\nload r0, counter\nadd r0, 1\nstore r0, counter\nend\nio 5";
    let mut p = job("counter", 0, code);
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("second", code));
    run(&scenario(2, Policy::Fcfs, None, vec![p]))
}

#[test]
fn snapshot_rebuilds_registers_memory_and_pc() {
    let (sys, r) = lockstep();
    let trace = r.trace.unwrap();
    // t=2: both loaded 0 (t=1) and added 1 (t=2); nothing stored yet.
    let s = trace.snapshot(&sys, 2, 2);
    assert_eq!(s.variables[0][0], 0);
    assert_eq!((s.threads[0].registers[0], s.threads[1].registers[0]), (1, 1));
    assert_eq!(s.threads[0].pc, 3); // at `store`
    assert_eq!(sys.programs[sys.threads[0].program].text(s.threads[0].pc), "store r0, counter");
    assert_eq!(s.threads[0].state, ThreadState::Running);
    assert_eq!(s.threads[0].cpu, Some(0));
    // t=3: both stored 1: one update lost, and the write is flagged as happening now.
    let s = trace.snapshot(&sys, 2, 3);
    assert_eq!(s.variables[0][0], 1);
    assert_eq!(s.just_written, vec![(0, 0, 0), (0, 0, 1)]);
    // t=6: second round stored 2; both then start I/O (free) and are blocked.
    let s = trace.snapshot(&sys, 2, 6);
    assert_eq!(s.variables[0][0], 2);
    assert_eq!(s.threads[1].state, ThreadState::Blocked);
    assert!(s.cpus.iter().all(Option::is_none));
    // t=11: I/O done at 11, both terminated.
    let s = trace.snapshot(&sys, 2, 11);
    assert!(s.threads.iter().all(|t| t.state == ThreadState::Terminated));
}

#[test]
fn snapshot_before_anything_is_the_initial_state() {
    let (sys, r) = lockstep();
    let trace = r.trace.unwrap();
    let s = trace.snapshot(&sys, 2, 0);
    // At t=0 both arrived and were dispatched; the free `loop` ran, so the PC is at `load`.
    assert_eq!(s.threads[0].state, ThreadState::Running);
    assert_eq!(s.threads[0].pc, 1);
    assert_eq!(s.variables[0][0], 0);
    assert_eq!(s.cpus[1].map(|i| (i.tid, i.kind)), Some((1, IntervalKind::Run)));
}

#[test]
fn instants_are_distinct_and_ascending() {
    let (_, r) = lockstep();
    let trace = r.trace.unwrap();
    let instants = trace.instants();
    assert_eq!(instants.first(), Some(&0));
    assert_eq!(instants.last(), Some(&11));
    assert!(instants.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(trace.end_time(), 11);
    // One run interval per CPU: 0–6 with the PC going from 0 to the `io` line (5).
    let runs: Vec<_> = trace.intervals.iter().map(|i| (i.cpu, i.start, i.end, i.first_pc, i.last_pc)).collect();
    assert_eq!(runs, vec![(0, 0, 6, 0, 5), (1, 0, 6, 0, 5)]);
}

/// Round Robin, quantum 10, A=100, B=10, C=10: the ready queue after each instant's dispatch.
#[test]
fn ready_queue_is_sampled_when_it_changes() {
    let s = scenario(
        1,
        Policy::RoundRobin,
        Some(10),
        vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")],
    );
    let (sys, r) = run(&s);
    let trace = r.trace.unwrap();
    let samples: Vec<(u64, Vec<usize>)> = trace.ready_queue.iter().map(|q| (q.time, q.threads.clone())).collect();
    assert_eq!(samples, vec![(0, vec![1, 2]), (10, vec![2, 0]), (20, vec![0]), (30, vec![])]);
    assert_eq!(trace.snapshot(&sys, 1, 15).ready_queue.threads, vec![2, 0]);
    assert_eq!(trace.snapshot(&sys, 1, 25).ready_queue.len, 1);
}

/// Who lost what: in lock-step, CPU 1's store at t=3 overwrites CPU 0's +1 it never saw.
#[test]
fn lost_updates_name_the_overwritten_write() {
    let (sys, r) = lockstep();
    let trace = r.trace.unwrap();
    assert_eq!(trace.lost_update_times(), vec![3, 6]);
    let lost = trace.lost_updates_at(&sys, 6);
    assert_eq!(lost.len(), 1);
    let l = &lost[0];
    assert_eq!((l.pid, l.place, l.tid, l.value), (0, Place::Var(0), 1, 2));
    // Thread 0 wrote 2 over the 1 that thread 1 had stored at t=3: a +1. Both loaded 1 at t=4
    // (the second round's load runs [3, 4)), and both stores land at t=6, CPU 0's first.
    let load = |time, value| Some(Load { time, value });
    assert_eq!(l.overwritten, vec![Overwritten { tid: 0, value: 2, delta: 1, time: 6, load: load(4, 1) }]);
    assert_eq!(l.load, load(4, 1));
    // Each ran on the CPU it was dispatched to at t=0: thread 0 on CPU 0, thread 1 on CPU 1.
    assert_eq!((trace.dispatched_cpu(0, 6), trace.dispatched_cpu(1, 6)), (Some(0), Some(1)));
    assert!(trace.lost_updates_at(&sys, 5).is_empty());
    // The first lost update overwrote the very first write: its delta starts from the initial 0;
    // both threads loaded that 0 at t=1.
    let first = trace.lost_updates_at(&sys, 3);
    assert_eq!(first[0].overwritten, vec![Overwritten { tid: 0, value: 1, delta: 1, time: 3, load: load(1, 0) }]);
    assert_eq!(first[0].load, load(1, 0));
}

/// A store whose thread was switched out between its load and its store: the load found is the
/// one in its earlier time slice.
#[test]
fn a_lost_update_remembers_a_load_from_an_earlier_slice() {
    // One CPU, Round Robin with quantum 2, no switch cost. A: load [0,1) reads 0, add [1,2),
    // pre-empted at 2; B: load [2,3) reads 0, add [3,4), pre-empted at 4; A: store [4,5) writes
    // 1 and exits at 5; B: store [5,6) writes 1 over A's 1, having loaded 0 at t=3.
    let code = "load r0, counter\nadd r0, 1\nstore r0, counter";
    let mut p = job("counter", 0, code);
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("b", code));
    let (sys, r) = run(&scenario(1, Policy::RoundRobin, Some(2), vec![p]));
    let trace = r.trace.unwrap();
    assert_eq!(trace.lost_update_times(), vec![6]);
    let l = &trace.lost_updates_at(&sys, 6)[0];
    assert_eq!((l.tid, l.value, l.load), (1, 1, Some(Load { time: 3, value: 0 })));
    // B was dispatched to the one CPU at t=2 and again at t=5; A at t=0 and t=4.
    assert_eq!((trace.dispatched_cpu(1, 6), trace.dispatched_cpu(1, 1)), (Some(0), None));
    assert_eq!(l.overwritten[0].load, Some(Load { time: 1, value: 0 }));
    assert_eq!(l.overwritten[0].time, 5);
}

/// Three threads on three CPUs contend for `m`; the queue is first come, first served, not by
/// thread id. T0 locks [0,1) and holds `m` until its unlock [11,12); T2 computes 1 then blocks
/// at t=2; T1 computes 3 then blocks at t=4. Unlocks hand `m` to the head of the queue.
#[test]
fn snapshot_rebuilds_each_mutex_wait_queue_in_fifo_order() {
    let mut p = job("p", 0, "lock m\ncompute 10\nunlock m");
    p.threads.push(thread("t1", "compute 3\nlock m\nunlock m"));
    p.threads.push(thread("t2", "compute 1\nlock m\nunlock m"));
    let (sys, r) = run(&scenario(3, Policy::Fcfs, None, vec![p]));
    let trace = r.trace.unwrap();
    let at = |t| {
        let s = trace.snapshot(&sys, 3, t);
        (s.mutex_owners[0][0], s.mutex_waiters[0][0].clone())
    };
    assert_eq!(at(1), (Some(0), vec![]));
    assert_eq!(at(2), (Some(0), vec![2]));
    assert_eq!(at(5), (Some(0), vec![2, 1]));
    // t=12: T0's unlock hands `m` to T2, which leaves the queue (ready, holding it).
    assert_eq!(at(12), (Some(2), vec![1]));
    // t=13: T2's unlock [12,13) hands it to T1.
    assert_eq!(at(13), (Some(1), vec![]));
}

/// A write not computed from a load (`set` then `store`) has no load to show; the store that
/// overwrote it does. Two CPUs: T0 `set` [0,1), `store` [1,2) writes 7 at t=2; T1 `load` [0,1)
/// reads 0 at t=1, computes 5 ticks, `add` [6,7), `store` [7,8) writes 1 at t=8 over the 7.
#[test]
fn a_write_without_a_load_has_none() {
    let mut p = job("p", 0, "set r0, 7\nstore r0, counter");
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("t1", "load r0, counter\ncompute 5\nadd r0, 1\nstore r0, counter"));
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    let trace = r.trace.unwrap();
    assert_eq!(trace.lost_update_times(), vec![8]);
    let l = &trace.lost_updates_at(&sys, 8)[0];
    assert_eq!((l.tid, l.value, l.load), (1, 1, Some(Load { time: 1, value: 0 })));
    assert_eq!(l.overwritten, vec![Overwritten { tid: 0, value: 7, delta: 7, time: 2, load: None }]);
}
