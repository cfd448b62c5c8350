//! The synchronisation presets show what their descriptions claim (C8, C10, C12; OSTEP
//! ch. 28–31). Each test checks the claim's substance from the run, not its exact numbers
//! (those are pinned by the golden files).

mod common;
use common::run;
use threadlab::model::scenario::{RwLockSpec, RwPreference, Scenario};
use threadlab::model::trace::{Cause, What};
use threadlab::model::wait::WaitReason;
use threadlab::model::{Outcome, RunResult, System};
use threadlab::presets;

fn preset(key: &str) -> Scenario {
    presets::find(key).unwrap().scenario().unwrap()
}

/// Final value of `name` in process `process`.
fn value(r: &RunResult, process: &str, name: &str) -> i64 {
    r.metrics.variables.iter().find(|v| v.process == process && v.name == name).unwrap().value
}

/// Every value variable `name` of process `pid` took, in order.
fn history(sys: &System, r: &RunResult, pid: usize, name: &str) -> Vec<i64> {
    let var = sys.processes[pid].space.variables.iter().position(|v| v == name).unwrap();
    (r.trace.as_ref().unwrap().events.iter())
        .filter_map(|e| match e.what {
            What::Mem { pid: p, var: v, value, .. } if p == pid && v == var => Some(value),
            What::Atomic { pid: p, var: v, wrote: Some(value), .. } if p == pid && v == var => Some(value),
            _ => None,
        })
        .collect()
}

/// The threads (by name) that ever blocked on a wait matching `on`.
fn blocked_on(sys: &System, r: &RunResult, on: impl Fn(WaitReason) -> bool) -> Vec<String> {
    let mut names: Vec<String> = (r.trace.as_ref().unwrap().events.iter())
        .filter_map(|e| match e.what {
            What::State { tid, cause: Cause::Wait { on: w }, .. } if on(w) => Some(sys.threads[tid].name.clone()),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The id of object `name` in `table`.
fn id(table: &[String], name: &str) -> usize {
    table.iter().position(|n| n == name).unwrap()
}

/// Bounded buffer: `count` stays within 0..=3, consumers wait on `full` and producers on
/// `empty`, and every item made is taken.
#[test]
fn bounded_buffer_keeps_the_count_within_its_slots() {
    let (sys, r) = run(&preset("bounded-buffer"));
    assert_eq!(r.outcome, Outcome::Completed);
    let counts = history(&sys, &r, 0, "count");
    assert!(counts.iter().all(|c| (0..=3).contains(c)), "{counts:?}");
    assert!(counts.contains(&3), "the buffer fills up at some point");
    let sems = &sys.processes[0].objects.semaphores;
    let (empty, full) = (id(sems, "empty"), id(sems, "full"));
    assert_eq!(blocked_on(&sys, &r, |w| w == WaitReason::Semaphore { sem: full }), ["consumer1", "consumer2"]);
    assert_eq!(blocked_on(&sys, &r, |w| w == WaitReason::Semaphore { sem: empty }), ["producer1", "producer2"]);
    assert_eq!((value(&r, "buffer", "produced"), value(&r, "buffer", "consumed")), (12, 12));
}

fn with_preference(prefer: RwPreference) -> Scenario {
    let mut s = preset("readers-writers");
    s.processes[0].rwlocks.insert("table".into(), RwLockSpec { prefer });
    s
}

/// Readers and writers: readers hold the lock together; preferring readers the writer waits
/// longer than preferring writers, and then the readers wait longer instead.
#[test]
fn readers_share_and_the_preference_decides_who_waits() {
    let (_, readers_first) = run(&with_preference(RwPreference::Readers));
    assert_eq!(readers_first, run(&preset("readers-writers")).1, "the preset prefers readers");
    let most_readers = (readers_first.trace.as_ref().unwrap().events.iter())
        .filter_map(|e| match e.what {
            What::RwLock { readers, writer, .. } => {
                assert!(writer.is_none() || readers == 0, "a writer is alone");
                Some(readers)
            }
            _ => None,
        })
        .max();
    assert_eq!(most_readers, Some(3));
    let (_, writers_first) = run(&with_preference(RwPreference::Writers));
    let lock_wait = |r: &RunResult, readers: bool| -> u64 {
        r.metrics.threads.iter().filter(|t| t.name.starts_with("reader") == readers).map(|t| t.lock_wait).sum()
    };
    assert!(lock_wait(&readers_first, false) > lock_wait(&writers_first, false));
    assert!(lock_wait(&readers_first, true) < lock_wait(&writers_first, true));
    for r in [&readers_first, &writers_first] {
        assert_eq!(value(r, "library", "data"), 3);
    }
}

/// Dining philosophers: each holds its left fork and waits for the right one, held by its
/// neighbour: the report names the whole cycle.
#[test]
fn philosophers_deadlock_in_a_cycle() {
    let (_, r) = run(&preset("philosophers"));
    let Outcome::Deadlock { waits, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    let cycle: Vec<(String, String, String)> =
        (waits.iter()).map(|w| (w.thread.clone(), w.waits_for["mutex"].clone(), w.holder.clone().unwrap())).collect();
    let want: Vec<(String, String, String)> = (0..5)
        .map(|i| (format!("table/p{i}"), format!("f{}", (i + 1) % 5), format!("table/p{}", (i + 1) % 5)))
        .collect();
    assert_eq!(cycle, want);
    assert_eq!(value(&r, "table", "meals"), 0);
}

/// Both fixes end with everyone fed; the seats fix makes someone wait for a seat.
#[test]
fn ordered_forks_or_four_seats_end_the_deadlock() {
    for key in ["philosophers-ordered", "philosophers-seats"] {
        let (_, r) = run(&preset(key));
        assert_eq!(r.outcome, Outcome::Completed, "{key}");
        assert_eq!(value(&r, "table", "meals"), 10, "{key}");
        assert!(r.metrics.threads.iter().any(|t| t.lock_wait > 0), "{key}: the fix costs some waiting");
    }
    let (sys, r) = run(&preset("philosophers-seats"));
    let seats = id(&sys.processes[0].objects.semaphores, "seats");
    assert!(!blocked_on(&sys, &r, |w| w == WaitReason::Semaphore { sem: seats }).is_empty());
}

/// Check-then-act: with atomic steps and no lost update, both withdrawals pass the check and
/// the balance goes negative; holding a mutex over check and act refuses the second.
#[test]
fn check_then_act_needs_the_check_and_the_act_together() {
    let (sys, r) = run(&preset("check-then-act"));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!((value(&r, "unsafe", "balance"), value(&r, "unsafe", "paid")), (-60, 160));
    assert!(r.metrics.variables.iter().all(|v| v.lost_updates == 0), "no update is lost: the race is elsewhere");
    assert_eq!((value(&r, "locked", "balance"), value(&r, "locked", "paid")), (20, 80));
    assert!(history(&sys, &r, 1, "balance").iter().all(|&b| b >= 0));
}

/// Spin versus block: the spinning process burns CPU waiting and finishes later; the blocking
/// one sleeps instead. Both count to 12.
#[test]
fn spinning_burns_cpu_that_blocking_leaves_to_the_holder() {
    let (_, r) = run(&preset("spin-vs-block"));
    assert_eq!(r.outcome, Outcome::Completed);
    let of = |process: &'static str| r.metrics.threads.iter().filter(move |t| t.process == process);
    assert!(of("spinning").all(|t| t.spin_time > 0 && t.lock_wait == 0));
    assert!(of("blocking").all(|t| t.spin_time == 0 && t.lock_wait > 0));
    let cpu = |p| of(p).map(|t| t.cpu_time).sum::<u64>();
    let last = |p| of(p).map(|t| t.completion.unwrap()).max().unwrap();
    assert!(cpu("spinning") > cpu("blocking"));
    assert!(last("spinning") > last("blocking"));
    // The blocking threads used exactly their work: 4 rounds × (1 + 1 + 4 + 1 + 1 + 1 + 2) ticks.
    assert!(of("blocking").all(|t| t.cpu_time == 4 * 11));
    assert_eq!((value(&r, "spinning", "counter"), value(&r, "blocking", "counter")), (12, 12));
}

/// Condition variable: behind an `if`, a woken consumer takes from an empty buffer; behind a
/// `while`, it never does.
#[test]
fn condvar_if_goes_wrong_and_while_does_not() {
    let (sys, r) = run(&preset("condvar-if-while"));
    assert_eq!(r.outcome, Outcome::Completed);
    assert!(value(&r, "with_if", "underflows") > 0);
    assert!(history(&sys, &r, 0, "items").iter().any(|&i| i < 0));
    assert_eq!(value(&r, "with_while", "underflows"), 0);
    assert!(history(&sys, &r, 1, "items").iter().all(|&i| i >= 0));
    // The description's story: `with_if`'s consumer1 sleeps, is made ready by the signal at 10,
    // then waits for `m` before going on.
    let consumer1: Vec<(u64, Option<WaitReason>)> = (r.trace.as_ref().unwrap().events.iter())
        .filter_map(|e| match e.what {
            What::State { tid: 0, cause, .. } if e.time <= 18 => {
                Some((e.time, if let Cause::Wait { on } = cause { Some(on) } else { None }))
            }
            _ => None,
        })
        .collect();
    assert!(consumer1.contains(&(4, Some(WaitReason::Condvar { cond: 0 }))), "{consumer1:?}");
    assert!(consumer1.iter().any(|&(t, w)| t == 10 && w.is_none()), "{consumer1:?}");
    assert!(consumer1.iter().any(|&(t, w)| t > 10 && matches!(w, Some(WaitReason::Mutex { .. }))), "{consumer1:?}");
}
