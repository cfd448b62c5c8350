//! Many seeds: one scenario under consecutive seeds, and the histogram of final values.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, ProcessSpec, ScenarioEdit};
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
    let r = SeedReport { from: 0, count: 25, outcomes, variables: vec![h], also_seeds: Vec::new() };
    let text = seeds::text(&r);
    let rows: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("p/x")).collect();
    assert_eq!(rows[0], "p/x (a correct run ends with 3)");
    assert_eq!(rows.len(), 2 + 13);
    // Widest bar: 2 runs → 40 #; one run → 20.
    assert_eq!(rows[2], format!("  0..1     2          23  {}", "#".repeat(40)));
    assert_eq!(rows[14], format!("24..24     1           0  {}", "#".repeat(20)));
}

/// The scenario `threadlab ostep SIM FLAGS` prints with `--scenario` (an x86 program given as
/// text).
fn ostep_scenario(words: &str, program: Option<&str>) -> threadlab::model::Scenario {
    let mut args: Vec<String> = words.split_whitespace().map(String::from).collect();
    if let Some(text) = program {
        args.extend(["-p".into(), "c.s".into(), "--program-text".into(), text.into()]);
    }
    threadlab::ostep::run_args(&args).unwrap_or_else(|e| panic!("{words}: {e}")).scenario
}

/// Two threads adding 1 to the cell at 2000 three times each, without a lock
/// (tests/fixtures/x86/counter.s).
const COUNTER_S: &str = include_str!("fixtures/x86/counter.s");

/// x86.py's `-r -s k` on the counter: the cell's final value, as the model runs `-s k`'s own
/// scenario (which tests/ostep_x86.rs checks against x86.py's rules).
fn x86_final(seed: u64) -> i64 {
    let s = ostep_scenario(&format!("x86 -t 2 -i 5 -r -s {seed} -a bx=3 --scenario"), Some(COUNTER_S));
    var(&run(&s).1, 0, "2000")
}

/// Many seeds on a scenario from `ostep x86 -r -s 0` are x86.py's seeds: seed k runs as `-r
/// -s k`, so the runs end as ten x86.py runs with `-s 0` to `-s 9` do (they differ: the random
/// interrupts fall elsewhere), each value's first seed counted as those runs say. Before, every
/// run drew `-s 0`'s interrupts and ended the same.
#[test]
fn many_seeds_of_an_x86_scenario_are_x86_py_s_seeds() {
    let s0 = ostep_scenario("x86 -t 2 -i 5 -r -s 0 -a bx=3 --scenario", Some(COUNTER_S));
    assert_eq!(s0.seed, 0, "the scenario's own seed is -s");
    let report = seeds::run_seeds(&s0, 0, 10).unwrap();
    let mut want: std::collections::BTreeMap<i64, (u64, u64)> = Default::default();
    for k in 0..10 {
        want.entry(x86_final(k)).or_insert((0, k)).0 += 1;
    }
    assert!(want.len() > 1, "x86.py's seeds end differently: {want:?}");
    let got: std::collections::BTreeMap<i64, (u64, u64)> =
        report.variables[0].values.iter().map(|c| (c.value, (c.runs, c.first_seed))).collect();
    assert_eq!(got, want);
    assert_eq!(report.also_seeds, ["x86.py's random interrupts (-r)"]);
    assert!(seeds::text(&report).contains("seed k draws what the OSTEP simulator's `-s k` draws"));
    // The seed setting (`run --seed`, the page's Seed, each run above) makes `-s 0`'s scenario
    // exactly `-s 7`'s, and the scenario's own seed is its own run.
    let mut s7 = s0.clone();
    ScenarioEdit::Seed(7).apply(&mut s7).unwrap();
    assert_eq!(s7, ostep_scenario("x86 -t 2 -i 5 -r -s 7 -a bx=3 --scenario", Some(COUNTER_S)));
    let mut again = s0.clone();
    ScenarioEdit::Seed(0).apply(&mut again).unwrap();
    assert_eq!(again, s0);
    // Without -r nothing is random: every seed runs alike, and nothing else is seeded.
    let fixed = ostep_scenario("x86 -t 2 -i 5 -a bx=3 --scenario", Some(COUNTER_S));
    let report = seeds::run_seeds(&fixed, 0, 5).unwrap();
    assert_eq!(report.variables[0].values.len(), 1);
    assert!(report.also_seeds.is_empty());
}

/// Lottery with lottery.py's draws, and multi.py's stealing, follow the run's seed the same
/// way: seed k on `-s 0`'s scenario runs as `-s k`'s (jobs given with `-l`/`-L`, so the same
/// jobs), and different seeds draw differently.
#[test]
fn lottery_and_multi_draws_follow_the_run_s_seed_too() {
    let lottery = |k: u64| ostep_scenario(&format!("lottery -l 6:100,6:50,6:25 -q 1 -s {k} --scenario"), None);
    let completions = |s: &threadlab::model::Scenario| {
        let r = run(s).1;
        (0..3).map(|t| times(&r, t).0).collect::<Vec<_>>()
    };
    let s0 = lottery(0);
    assert_eq!(seeds::also_seeds(&s0.scheduler), ["lottery.py's draws"]);
    let mut seen = std::collections::BTreeSet::new();
    for k in 0..6 {
        let mut s = s0.clone();
        ScenarioEdit::Seed(k).apply(&mut s).unwrap();
        let want = lottery(k);
        assert_eq!((s.seed, &s.scheduler), (want.seed, &want.scheduler), "seed {k}");
        assert_eq!(completions(&s), completions(&want), "seed {k}");
        seen.insert(completions(&s));
    }
    assert!(seen.len() > 1, "lottery.py's seeds draw differently: {seen:?}");
    let multi = |k: u64| {
        ostep_scenario(&format!("multi -L a:30:10,b:30:10,c:30:10,d:30:10 -n 3 -p -P 5 -s {k} --scenario"), None)
    };
    let mut s = multi(0);
    assert_eq!(seeds::also_seeds(&s.scheduler), ["multi.py's choice of a queue to steal from"]);
    ScenarioEdit::Seed(4).apply(&mut s).unwrap();
    assert_eq!(s, multi(4));
}
