//! Every shipped preset loads, and shows what its description claims.

mod common;
use common::run;
use threadlab::model::scenario::Policy;
use threadlab::model::{self, Outcome};
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
        let want_deadlock = ["deadlock", "philosophers", "fork-held-lock"].contains(&p.key);
        assert_eq!(matches!(r.outcome, Outcome::Deadlock { .. }), want_deadlock, "{}: {:?}", p.key, r.outcome);
        if !want_deadlock {
            assert_eq!(r.outcome, Outcome::Completed, "{}", p.key);
        }
    }
}

/// Every description speaks µs, as the page does (a field name like `warm_ticks` may be quoted;
/// the descriptions said "30 ticks of CPU", "a 4-tick quantum").
#[test]
fn every_description_says_us() {
    for p in PRESETS {
        let s = p.scenario().unwrap();
        let mut words = s.description.split(|c: char| !(c.is_alphanumeric() || c == '_'));
        assert!(
            !words.any(|w| w.eq_ignore_ascii_case("tick") || w.eq_ignore_ascii_case("ticks")),
            "{}: {}",
            p.key,
            s.description
        );
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

/// C9: the compare-policies preset shows what its description says under each policy the
/// page's menu offers (the RR quantum is the menu's default).
#[test]
fn each_policy_shows_its_trade_off_on_one_workload() {
    use threadlab::model::scenario::{Policy, ScenarioEdit};
    let base = presets::find("compare-policies").unwrap().scenario().unwrap();
    let runs: Vec<(Policy, threadlab::model::RunResult)> =
        [Policy::Fcfs, Policy::Sjf, Policy::Srtf, Policy::RoundRobin, Policy::Priority]
            .into_iter()
            .map(|p| {
                let mut s = base.clone();
                ScenarioEdit::Policy(p).apply(&mut s).unwrap();
                (p, run(&s).1)
            })
            .collect();
    let avg = |p: Policy| runs.iter().find(|(q, _)| *q == p).unwrap().1.metrics.averages.clone().unwrap();
    let metrics = |p: Policy| &runs.iter().find(|(q, _)| *q == p).unwrap().1.metrics;
    let job = |p: Policy, name: &str| metrics(p).threads.iter().find(|t| t.process == name).unwrap().clone();
    let others = |p: Policy| runs.iter().map(|(q, _)| *q).filter(move |q| *q != p);
    for q in others(Policy::Fcfs) {
        assert!(avg(Policy::Fcfs).turnaround > avg(q).turnaround, "FCFS vs {q:?}");
        assert!(avg(Policy::Fcfs).response > avg(q).response, "FCFS vs {q:?}");
    }
    for q in others(Policy::Srtf) {
        assert!(avg(Policy::Srtf).turnaround < avg(q).turnaround, "SRTF vs {q:?}");
    }
    for q in others(Policy::RoundRobin) {
        assert!(avg(Policy::RoundRobin).response < avg(q).response, "RR vs {q:?}");
        assert!(metrics(Policy::RoundRobin).context_switches > metrics(q).context_switches, "RR vs {q:?}");
    }
    // SJF: render, once running, keeps the CPU while editor is ready again.
    let sjf_editor = job(Policy::Sjf, "editor");
    assert!(sjf_editor.waiting >= 20, "{sjf_editor:?}");
    // Priority: editor and backup start at once; checksum waits longer than under any other.
    assert!(job(Policy::Priority, "editor").response.unwrap() <= 1);
    assert!(job(Policy::Priority, "backup").response.unwrap() <= 3);
    for q in others(Policy::Priority) {
        assert!(job(Policy::Priority, "checksum").waiting > job(q, "checksum").waiting, "priority vs {q:?}");
    }
    // Five clearly different pictures: no two policies within a tick on both averages.
    for (i, (p, a)) in runs.iter().enumerate() {
        for (q, b) in &runs[i + 1..] {
            let (a, b) = (a.metrics.averages.as_ref().unwrap(), b.metrics.averages.as_ref().unwrap());
            let apart = (a.turnaround - b.turnaround).abs() >= 1.0 || (a.response - b.response).abs() >= 1.0;
            assert!(apart, "{p:?} and {q:?} look alike");
        }
    }
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

/// C3 / OSTEP ch. 10: per-CPU queues keep caches warm; one global queue makes threads migrate
/// and run cold; without stealing two CPUs idle while work waits elsewhere (the description's
/// numbers: about 70 migrations globally, idle from 210 without stealing).
#[test]
fn multicore_queues_shows_affinity_and_imbalance() {
    use threadlab::model::scenario::Queues;
    let per_cpu = presets::find("multicore-queues").unwrap().scenario().unwrap();
    let run = |s: &threadlab::model::Scenario| model::run(s).unwrap().1.metrics;
    let mut global = per_cpu.clone();
    global.scheduler.queues = Queues::Global;
    let mut no_steal = per_cpu.clone();
    no_steal.scheduler.queues = Queues::PerCpu { steal_every: None };
    let (p, g, n) = (run(&per_cpu), run(&global), run(&no_steal));
    assert!(g.migrations >= 60 && p.migrations <= 10, "migrations: global {}, per-CPU {}", g.migrations, p.migrations);
    assert!(p.warm_ticks.unwrap() > g.warm_ticks.unwrap());
    let avg = |m: &threadlab::model::metrics::Metrics| m.averages.as_ref().unwrap().turnaround;
    assert!(avg(&p) < avg(&g), "turnaround: per-CPU {} vs global {}", avg(&p), avg(&g));
    assert_eq!(n.migrations, 0);
    let finished: Vec<u64> = n.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(finished.iter().filter(|&&c| c == 210).count(), 2, "two programs end at 210 without stealing");
    assert!(n.makespan > p.makespan);
}

/// C9 / OSTEP ch. 8: under MLFQ the interactive editor waits 28 ticks in all; 94 under Round
/// Robin (quantum 10) and 324 under FCFS, as the description says.
#[test]
fn mlfq_interactive_keeps_the_editor_responsive() {
    let s = presets::find("mlfq-interactive").unwrap().scenario().unwrap();
    let waiting = |s: &threadlab::model::Scenario| {
        let (_, r) = model::run(s).unwrap();
        r.metrics.threads.iter().find(|t| t.process == "editor").unwrap().waiting
    };
    let mut rr = s.clone();
    rr.scheduler = threadlab::model::scenario::SchedulerSpec::of(Policy::RoundRobin, Some(10));
    let mut fcfs = s.clone();
    fcfs.scheduler = threadlab::model::scenario::SchedulerSpec::of(Policy::Fcfs, None);
    assert_eq!((waiting(&s), waiting(&rr), waiting(&fcfs)), (28, 94, 324));
}
