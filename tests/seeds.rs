//! Many seeds: one scenario under consecutive seeds, and the histogram of final values.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, ProcessSpec};
use threadlab::model::seeds::{self, SeedsError};

const INCREMENT: &str = "load r0, counter\nadd r0, 1\nstore r0, counter";

/// Two threads, each `compute 1..5` (its own draw) then one increment, on two CPUs.
fn racy() -> ProcessSpec {
    let code = format!("compute 1..5\n{INCREMENT}");
    let mut p = job("p", 0, &code);
    p.variables.insert("counter".into(), 0);
    p.expected.insert("counter".into(), 2);
    p.threads.push(thread("b", &code));
    p
}

/// Whether the increments overlap depends on the two draws a and b (thread A's load completes
/// at a + 1 and its store at a + 3): equal draws make both load 0 at the same tick (1); draws
/// 1 and 5 make B load at 6, after A's store at 4 (2). Nothing else can happen (two increments
/// from 0 end at 1 or 2), and among 200 seeds both do. Each value's first seed, run alone, ends
/// with it, and no earlier seed does.
#[test]
fn a_racy_scenario_ends_differently_under_different_seeds() {
    let s = scenario(2, Policy::Fcfs, None, vec![racy()]);
    let report = seeds::run_seeds(&s, 10, 200).unwrap();
    assert_eq!((report.from, report.count), (10, 200));
    assert_eq!(report.outcomes.len(), 1);
    assert_eq!((report.outcomes[0].value.as_str(), report.outcomes[0].runs), ("completed", 200));
    let h = &report.variables[0];
    assert_eq!((h.process.as_str(), h.name.as_str(), h.expected), ("p", "counter", Some(2)));
    let found: Vec<i64> = h.values.iter().map(|c| c.value).collect();
    assert_eq!(found, vec![1, 2]);
    assert_eq!(h.values.iter().map(|c| c.runs).sum::<u64>(), 200);
    for c in &h.values {
        assert!((10..210).contains(&c.first_seed));
        let mut one = s.clone();
        one.seed = c.first_seed;
        assert_eq!(var(&run(&one).1, 0, "counter"), c.value, "seed {}", c.first_seed);
        let before = seeds::run_seeds(&s, 10, c.first_seed - 10).ok();
        let seen_before = before.is_some_and(|r| r.variables[0].values.iter().any(|v| v.value == c.value));
        assert!(!seen_before, "seed {} is the first with {}", c.first_seed, c.value);
    }
}

/// Nothing random: every seed runs the same (on one CPU under FCFS the threads run one after
/// the other, 2).
#[test]
fn a_scenario_without_chance_ends_the_same_under_every_seed() {
    let mut p = job("p", 0, INCREMENT);
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("b", INCREMENT));
    let report = seeds::run_seeds(&scenario(1, Policy::Fcfs, None, vec![p]), 0, 25).unwrap();
    let h = &report.variables[0];
    assert_eq!(h.values.len(), 1);
    assert_eq!((h.values[0].value, h.values[0].runs, h.values[0].first_seed), (2, 25, 0));
}

/// Deadlocks are counted as outcomes: the deadlock preset deadlocks under every seed.
#[test]
fn outcomes_are_counted() {
    let s = threadlab::presets::find("deadlock").unwrap().scenario().unwrap();
    let report = seeds::run_seeds(&s, 0, 5).unwrap();
    assert_eq!(report.outcomes.len(), 1);
    assert_eq!((report.outcomes[0].value.as_str(), report.outcomes[0].runs), ("deadlock", 5));
}

#[test]
fn the_count_is_bounded() {
    let s = scenario(1, Policy::Fcfs, None, vec![racy()]);
    let Err(SeedsError::Count(m)) = seeds::run_seeds(&s, 0, 0) else { panic!() };
    assert_eq!(m, "the number of runs must be 1 to 100000, got 0");
    assert!(matches!(seeds::run_seeds(&s, 0, seeds::MAX_SEEDS + 1), Err(SeedsError::Count(_))));
    let Err(SeedsError::Count(m)) = seeds::run_seeds(&s, u64::MAX, 2) else { panic!() };
    assert!(m.contains("pass the largest seed"), "{m}");
}

/// The text lists each value, or past 20 distinct values, ranges of equal width: 25 values
/// 0..24 (one run each, first seen at seeds 0..24) make ranges of ⌈25 / 20⌉ = 2 values, 13 of
/// them (the last only 24); each range's runs add up and its first seed is the smallest.
#[test]
fn the_text_groups_many_values_into_ranges() {
    use threadlab::model::seeds::{Count, Histogram, SeedReport};
    let values = (0..25).map(|v| Count { value: v, runs: 1, first_seed: 24 - v as u64 }).collect();
    let h = Histogram { process: "p".into(), name: "x".into(), expected: Some(3), values };
    let outcomes = vec![Count { value: "completed".to_string(), runs: 25, first_seed: 0 }];
    let r = SeedReport { from: 0, count: 25, outcomes, variables: vec![h] };
    let text = seeds::text(&r);
    let rows: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("p/x")).collect();
    assert_eq!(rows[0], "p/x (a correct run ends with 3)");
    assert_eq!(rows.len(), 2 + 13);
    // Widest bar: 2 runs → 40 #; one run → 20.
    assert_eq!(rows[2], format!("  0..1     2          23  {}", "#".repeat(40)));
    assert_eq!(rows[14], format!("24..24     1           0  {}", "#".repeat(20)));
}
