//! Every shipped preset loads, and shows what its description claims.

mod common;
use common::run;
use threadlab::model::Outcome;
use threadlab::presets::{self, PRESETS};

fn preset(key: &str) -> threadlab::model::RunResult {
    run(&presets::find(key).unwrap().scenario().unwrap()).1
}

#[test]
fn every_preset_parses_validates_and_round_trips() {
    for p in PRESETS {
        let s = p.scenario().unwrap_or_else(|e| panic!("{}: {e}", p.key));
        assert!(!s.description.is_empty(), "{} has no description", p.key);
        let again = threadlab::model::Scenario::from_json(&s.to_json()).unwrap();
        assert_eq!(s, again, "{} does not survive export/import", p.key);
        let (_, r) = run(&s);
        let want_deadlock = p.key == "deadlock";
        assert_eq!(matches!(r.outcome, Outcome::Deadlock { .. }), want_deadlock, "{}: {:?}", p.key, r.outcome);
        if !want_deadlock {
            assert_eq!(r.outcome, Outcome::Completed, "{}", p.key);
        }
    }
}

/// C9: Round Robin answers the interactive editor sooner than FCFS (it no longer waits behind
/// the 30-tick render job), and pays with more context switches.
#[test]
fn round_robin_improves_response_time() {
    let (fcfs, rr) = (preset("mixed-fcfs-1cpu"), preset("mixed-rr-1cpu"));
    let editor = |r: &threadlab::model::RunResult| {
        r.metrics.threads.iter().find(|t| t.process == "editor").unwrap().response.unwrap()
    };
    assert!(editor(&rr) < editor(&fcfs), "rr {} vs fcfs {}", editor(&rr), editor(&fcfs));
    assert!(rr.metrics.averages.as_ref().unwrap().response < fcfs.metrics.averages.as_ref().unwrap().response);
    assert!(rr.metrics.context_switches > fcfs.metrics.context_switches);
}

/// C3: two CPUs run two threads at once, so the same workload finishes sooner.
#[test]
fn two_cpus_shorten_the_makespan() {
    for policy in ["fcfs", "rr"] {
        let one = preset(&format!("mixed-{policy}-1cpu"));
        let two = preset(&format!("mixed-{policy}-2cpu"));
        assert!(two.metrics.makespan < one.metrics.makespan, "{policy}");
    }
}

/// The scenario example in README.md stays valid and shows what it says: a race.
#[test]
fn readme_example_runs_and_races() {
    let readme = include_str!("../README.md");
    let start = readme.find("```json\n").expect("README has a JSON example") + "```json\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let scenario =
        threadlab::model::Scenario::from_json(&readme[start..end]).unwrap_or_else(|e| panic!("README example: {e}"));
    let (_, r) = run(&scenario);
    assert_eq!(r.outcome, Outcome::Completed);
    let counter = &r.metrics.variables[0];
    assert!(counter.value < 200 && counter.lost_updates > 0, "{counter:?}");
}
