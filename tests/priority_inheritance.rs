//! Priority inheritance (`"mutex_protocol": "inherit"`, POSIX `PTHREAD_PRIO_INHERIT`): a mutex's
//! holder runs at the most urgent priority of the threads waiting for it. Worked by hand on the
//! two presets (one CPU, pre-emptive priorities, lower number more urgent; `lock`, `unlock` 1
//! tick each; instruction completions are handled before arrivals at the same instant).

use threadlab::model::scenario::{MutexProtocol, Policy};
use threadlab::model::{self, Outcome, RunResult, Scenario};

fn preset(key: &str) -> Scenario {
    threadlab::presets::find(key).unwrap().scenario().unwrap()
}

fn run(s: &Scenario) -> RunResult {
    model::run(s).unwrap().1
}

/// (completion, sync wait) of low, high, medium.
fn times(r: &RunResult) -> Vec<(Option<u64>, u64)> {
    r.metrics.threads.iter().map(|t| (t.completion, t.lock_wait)).collect()
}

/// Without inheritance. `low` locks `m` over 0–1 and computes from 1. `high` arrives at 2,
/// pre-empts it (1 tick of its 10 done), and its `lock m` (2–3) blocks at 3. `medium` arrives
/// at 3 and outranks `low`: it computes 3–43. `low` computes its last 9 over 43–52, unlocks
/// 52–53 (handing `m` to `high`) and ends at 53. `high` computes 53–58, unlocks 58–59: it waited
/// 53 − 3 = 50 ticks, behind `medium`, a less urgent thread.
#[test]
fn without_inheritance_medium_delays_high() {
    let r = run(&preset("priority-inversion"));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(times(&r), vec![(Some(53), 0), (Some(59), 50), (Some(43), 0)]);
}

/// With inheritance. As above up to t=3, when `high` blocks on `m`: `low` now runs at priority
/// 1, so `medium` (2), arriving at 3, waits. `low` computes its last 9 over 3–12, unlocks 12–13,
/// drops back to 3 and ends at 13. `high` computes 13–18 and unlocks 18–19, having waited
/// 13 − 3 = 10 ticks; `medium` runs 19–59.
#[test]
fn with_inheritance_the_holder_finishes_first() {
    let s = preset("priority-inheritance");
    assert_eq!(s.mutex_protocol, MutexProtocol::Inherit);
    let r = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(times(&r), vec![(Some(13), 0), (Some(19), 10), (Some(59), 0)]);
    // The two presets differ only in the protocol.
    let mut without = s.clone();
    without.mutex_protocol = MutexProtocol::None;
    assert_eq!(times(&run(&without)), times(&run(&preset("priority-inversion"))));
}

/// Inheritance follows a chain: `high` waits for `m2`, held by `mid_holder`, which waits for
/// `m1`, held by `low`; `low` inherits `high`'s priority through `mid_holder`. Priorities: low
/// 5, mid_holder 4, high 1, hog 2 (no lock). low locks m1 over 0–1; mid_holder arrives at 1,
/// pre-empts, locks m2 (1–2) and blocks on m1 (2–3), lifting low to 4. high arrives at 3, locks
/// m2 (3–4) and blocks, lifting mid_holder, and through it low, to 1. hog arrives at 4 but low
/// (1) keeps the CPU: compute 4–14, unlock m1 14–15 (to mid_holder; low drops to 5, ends at 15).
/// mid_holder (1, for high) computes 15–17, unlocks m1 17–18 and m2 18–19 (to high), ending at
/// 19; high computes 19–20, unlocks 20–21. Without inheritance hog's 30 ticks come first.
#[test]
fn inheritance_follows_a_chain_of_waits() {
    let json = r#"{"format": 2, "name": "chain", "scheduler": {"policy": "priority", "preemptive": true},
      "mutex_protocol": "inherit",
      "processes": [{"name": "p", "threads": [
        {"name": "low", "priority": 5, "code": ["lock m1", "compute 10", "unlock m1"]},
        {"name": "mid_holder", "priority": 4, "arrival": 1,
         "code": ["lock m2", "lock m1", "compute 2", "unlock m1", "unlock m2"]},
        {"name": "high", "priority": 1, "arrival": 3, "code": ["lock m2", "compute 1", "unlock m2"]},
        {"name": "hog", "priority": 2, "arrival": 4, "code": ["compute 30"]}]}]}"#;
    let s = Scenario::from_json(json).unwrap();
    let r = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    let done: Vec<Option<u64>> = r.metrics.threads.iter().map(|t| t.completion).collect();
    assert_eq!(done, vec![Some(15), Some(19), Some(21), Some(51)]);
    let mut without = s.clone();
    without.mutex_protocol = MutexProtocol::None;
    let r = run(&without);
    assert!(r.metrics.threads[2].completion > r.metrics.threads[3].completion, "hog first without inheritance");
}

/// Under a policy without priorities, inheritance changes nothing.
#[test]
fn without_a_priority_policy_nothing_changes() {
    let mut s = preset("priority-inheritance");
    s.scheduler = threadlab::model::scenario::SchedulerSpec::of(Policy::RoundRobin, Some(4));
    let with = times(&run(&s));
    s.mutex_protocol = MutexProtocol::None;
    assert_eq!(with, times(&run(&s)));
}
