//! Compare mode: one workload under k variants, every number worked by hand.

mod common;
use common::*;
use threadlab::compare::{CompareTable, Comparison, Measured, Metric, Part, Variant, run_one};
use threadlab::model::Scenario;
use threadlab::model::scenario::{Policy, ScenarioEdit};

/// OSTEP ch. 7 (figures 7.2–7.3 and 7.7): A runs 100 ticks, B and C 10, all arriving at 0.
fn ostep_abc() -> Scenario {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")];
    scenario(1, Policy::Fcfs, None, jobs)
}

fn metrics() -> Vec<Metric> {
    vec![Metric::AvgTurnaround, Metric::AvgWaiting, Metric::AvgResponse, Metric::Makespan, Metric::ContextSwitches]
}

/// FCFS, SJF and RR (quantum 1, given once for every run that has a quantum) on A=100, B=C=10:
/// - FCFS runs A 0–100, B –110, C –120: turnaround (100+110+120)/3 = 110, waiting and response
///   (0+100+110)/3 = 70, 2 switches;
/// - SJF runs B 0–10, C –20, A –120: turnaround (10+20+120)/3 = 50, waiting and response
///   (0+10+20)/3 = 10, 2 switches;
/// - RR 1 takes A, B, C in turn from 0 (A at 3k, B at 3k+1, C at 3k+2): B's 10th tick ends at 29,
///   C's at 30, then A alone to 120: turnaround (120+29+30)/3 = 59.67, waiting
///   (20+19+20)/3 = 19.67, response (0+1+2)/3 = 1; 30 switches (each of the 30 slices to 30
///   after the first, and C→A at 30; A alone then keeps the CPU without one).
#[test]
fn fcfs_sjf_and_rr_on_ostep_abc() {
    let c = Comparison {
        base: ostep_abc(),
        common: vec![ScenarioEdit::Quantum(1)],
        variants: Variant::for_policies(&[Policy::Fcfs, Policy::Sjf, Policy::RoundRobin]),
        metrics: metrics(),
    };
    let t = c.run().unwrap();
    let values = |row: usize| -> Vec<f64> { t.rows[row].cells.iter().map(|c| c.value.unwrap()).collect() };
    assert_eq!(values(0), [110.0, 70.0, 70.0, 120.0, 2.0]);
    assert_eq!(values(1), [50.0, 10.0, 10.0, 120.0, 2.0]);
    let rr = values(2);
    assert!((rr[0] - 179.0 / 3.0).abs() < 1e-9 && (rr[1] - 59.0 / 3.0).abs() < 1e-9, "{rr:?}");
    assert_eq!(rr[2..], [1.0, 120.0, 30.0]);
    assert_eq!(t.rows[2].settings.scheduler.quantum(), Some(1), "the common quantum reached RR");
    assert_eq!(t.rows[0].settings.scheduler.quantum(), None, "and left FCFS alone");

    // Best per column: SJF's turnaround and waiting, RR's response; every makespan is 120, so
    // none; FCFS and SJF tie on switches.
    let best = |col: usize| -> Vec<bool> { t.rows.iter().map(|r| r.cells[col].best).collect() };
    assert_eq!(best(0), [false, true, false]);
    assert_eq!(best(1), [false, true, false]);
    assert_eq!(best(2), [false, false, true]);
    assert_eq!(best(3), [false, false, false]);
    assert_eq!(best(4), [true, true, false]);
    assert!(t.rows.iter().all(|r| r.outcome == "completed"));
}

/// Runs planned and measured one by one (as the page's worker will) give the same table.
#[test]
fn one_by_one_is_the_same_as_all_at_once() {
    let c = Comparison {
        base: ostep_abc(),
        common: vec![],
        variants: vec![Variant::new("", vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(10)])],
        metrics: vec![Metric::AvgResponse],
    };
    let scenarios = c.plan().unwrap();
    let measured: Vec<Measured> = scenarios.iter().map(|s| run_one(s, &c.metrics).unwrap()).collect();
    // RR 10 runs A 0–10, B 10–20, C 20–30: response (0+10+20)/3 = 10.
    assert_eq!(measured[0].values, [Some(10.0)]);
    assert_eq!(c.table(&scenarios, &measured), c.run().unwrap());
    assert_eq!(c.variants[0].name, "policy=rr quantum=10");
}

/// Speedup is relative to the first variant: A=100, B=C=10 under FCFS take 120 ticks on one
/// CPU; on two, A runs 0–100 on CPU 0 while B and C run 0–20 on CPU 1: 100 ticks, 1.2 times as
/// fast. Utilisation: 120 busy ticks over 1×120, then over 2×100 = 0.6.
#[test]
fn speedup_and_utilisation_against_the_first_variant() {
    let c = Comparison {
        base: ostep_abc(),
        common: vec![],
        variants: vec![Variant::new("1", vec![ScenarioEdit::Cpus(1)]), Variant::new("2", vec![ScenarioEdit::Cpus(2)])],
        metrics: vec![Metric::Speedup, Metric::CpuUtilisation],
    };
    let t = c.run().unwrap();
    let cell = |r: usize, m: usize| t.rows[r].cells[m].value.unwrap();
    assert_eq!((cell(0, 0), cell(1, 0)), (1.0, 1.2));
    assert_eq!((cell(0, 1), cell(1, 1)), (1.0, 0.6));
    assert!(t.rows[1].cells[0].best && t.rows[0].cells[1].best);
}

/// Two threads each add 1 to `c` three times (load, add, store: 1 tick each). On one CPU under
/// FCFS the first finishes before the second starts: c = 6, nothing lost. On two CPUs they run
/// in lock step: both load the same value, both store it plus one at the same instant, so
/// each round the second store overwrites the first unseen: c = 3, 3 lost updates.
#[test]
fn a_variable_and_lost_updates_per_variant() {
    let code = "loop 3\nload r0, c\nadd r0, 1\nstore r0, c\nend";
    let mut p = job("counter", 0, code);
    p.threads.push(thread("second", code));
    p.variables.insert("c".into(), 0);
    let c = Comparison {
        base: scenario(1, Policy::Fcfs, None, vec![p]),
        common: vec![],
        variants: vec![Variant::new("1", vec![]), Variant::new("2", vec![ScenarioEdit::Cpus(2)])],
        metrics: vec!["var:c".parse().unwrap(), "var:counter/c".parse().unwrap(), Metric::LostUpdates],
    };
    let t = c.run().unwrap();
    let row = |r: usize| -> Vec<Option<f64>> { t.rows[r].cells.iter().map(|c| c.value).collect() };
    assert_eq!(row(0), [Some(6.0), Some(6.0), Some(0.0)]);
    assert_eq!(row(1), [Some(3.0), Some(3.0), Some(3.0)]);
    assert!(!t.rows[0].cells[0].best, "a variable's value has no better direction");
    assert!(t.rows[0].cells[2].best);
}

/// A deadlocked run has no averages and cannot be best, and says how it ended.
#[test]
fn a_deadlocked_variant_is_reported_not_ranked() {
    let base = threadlab::presets::find("deadlock").unwrap().scenario().unwrap();
    let c = Comparison {
        base,
        common: vec![],
        variants: vec![Variant::new("1", vec![ScenarioEdit::Cpus(1)]), Variant::new("2", vec![ScenarioEdit::Cpus(2)])],
        metrics: vec![Metric::Makespan],
    };
    let t = c.run().unwrap();
    assert!(t.rows.iter().any(|r| r.outcome == "deadlock"), "{t:?}");
    for r in t.rows.iter().filter(|r| r.outcome != "completed") {
        assert!(!r.cells[0].best);
        assert!(!r.message.is_empty());
    }
}

#[test]
fn errors_name_the_part() {
    let base = ostep_abc();
    let cmp = |common: Vec<ScenarioEdit>, variants: Vec<Variant>, metrics: Vec<Metric>| Comparison {
        base: base.clone(),
        common,
        variants,
        metrics,
    };
    // A quantum for FCFS, asked by the variant itself: refused, at the variant.
    let e = cmp(vec![], vec![Variant::new("f", vec![ScenarioEdit::Quantum(2)])], metrics()).plan().unwrap_err();
    assert_eq!(e.part, Part::Variant { index: 0 });
    assert_eq!(e.error.path, "scheduler.quantum");
    assert_eq!(e.to_string(), "`f`: scheduler.quantum: First come, first served (FCFS) has no `quantum` setting");
    // A common quantum no variant's policy has.
    let e = cmp(vec![ScenarioEdit::Quantum(2)], Variant::for_policies(&[Policy::Fcfs, Policy::Sjf]), metrics())
        .plan()
        .unwrap_err();
    assert_eq!(e.part, Part::Common { index: 0 });
    // A common value out of range.
    let e = cmp(vec![ScenarioEdit::Cpus(0)], Variant::for_policies(&[Policy::Fcfs]), metrics()).plan().unwrap_err();
    assert_eq!((e.part, e.error.path.as_str()), (Part::Common { index: 0 }, "machine.cpus"));
    // A variable the scenario lacks.
    let e = cmp(vec![], Variant::for_policies(&[Policy::Fcfs]), vec!["var:x".parse().unwrap()]).plan().unwrap_err();
    assert_eq!(e.part, Part::Metric { index: 0 });
    // Two variants with one name; none at all.
    let v = Variant::new("same", vec![]);
    assert_eq!(cmp(vec![], vec![v.clone(), v], metrics()).plan().unwrap_err().part, Part::Variant { index: 1 });
    assert_eq!(cmp(vec![], vec![], metrics()).plan().unwrap_err().part, Part::Size);
    // A setting given twice in one variant.
    let twice = Variant::new("t", vec![ScenarioEdit::Cpus(1), ScenarioEdit::Cpus(2)]);
    let e = cmp(vec![], vec![twice], metrics()).plan().unwrap_err();
    assert_eq!(e.error.to_string(), "machine.cpus: `cpus` is given twice");
}

/// The JSON the page sends and gets back: a request in the documented shape parses, and a
/// table survives a round trip.
#[test]
fn requests_and_tables_in_json() {
    let base = serde_json::to_value(ostep_abc()).unwrap();
    let request = serde_json::json!({
        "base": base,
        "common": [{"quantum": 1}],
        "variants": [{"name": "fcfs", "edits": [{"policy": "fcfs"}]}, {"name": "rr", "edits": [{"policy": "rr"}]}],
        "metrics": ["avg_response", "speedup"]
    });
    let c: Comparison = serde_json::from_value(request).unwrap();
    assert_eq!(c.variants[1].edits, [ScenarioEdit::Policy(Policy::RoundRobin)]);
    let t = c.run().unwrap();
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["metrics"][0]["key"], "avg_response");
    assert_eq!(json["metrics"][0]["better"], "lower");
    assert_eq!(json["rows"][1]["edits"][0]["policy"], "rr");
    assert_eq!(json["rows"][1]["settings"]["scheduler"]["quantum"], 1);
    // RR 1's response: (0+1+2)/3 = 1; FCFS's (0+100+110)/3 = 70.
    assert_eq!(json["rows"][1]["cells"][0], serde_json::json!({"value": 1.0, "best": true}));
    assert_eq!(json["rows"][0]["cells"][0]["value"], 70.0);
    let back: CompareTable = serde_json::from_value(json).unwrap();
    assert_eq!(back, t);
    // A bad edit in a request says which.
    let bad = serde_json::json!({"base": base, "variants": [{"name": "x", "edits": [{"quantum": "four"}]}]});
    let e = serde_json::from_value::<Comparison>(bad).unwrap_err().to_string();
    assert!(e.contains("quantum: `four` is not a whole number of µs"), "{e}");
}
