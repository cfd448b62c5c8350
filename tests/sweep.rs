//! Sweeps: one metric against a swept setting, points worked by hand.

mod common;
use common::*;
use threadlab::compare::{Measured, Metric, Part, Sweep, Variant, run_one};
use threadlab::model::Scenario;
use threadlab::model::scenario::{Policy, ScenarioEdit, Setting};

/// OSTEP ch. 7: A runs 100 ticks, B and C 10, all arriving at 0, on one CPU.
fn ostep_abc() -> Scenario {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")];
    scenario(1, Policy::Fcfs, None, jobs)
}

fn ys(s: &threadlab::compare::SweepSeries) -> Vec<f64> {
    s.points.iter().map(|p| p.y.unwrap()).collect()
}

/// RR's quantum against FCFS on A=100, B=C=10. RR with quantum q takes A, B, C in turn:
/// - q=1: B ends at 29, C at 30, A at 120: turnaround (120+29+30)/3 = 59.67; response
///   (0+1+2)/3 = 1;
/// - q=4: A 0–4, B –8, C –12, A –16, B –20, C –24, A –28, B –30 (done), C –32 (done), A to 120:
///   turnaround (120+30+32)/3 = 60.67; response (0+4+8)/3 = 4;
/// - q=10: A 0–10, B –20, C –30, A to 120: turnaround (120+20+30)/3 = 56.67; response 10;
/// - q=100: FCFS's order: turnaround (100+110+120)/3 = 110; response (0+100+110)/3 = 70.
///
/// FCFS has no quantum: its series is flat at 110, and says so.
#[test]
fn the_quantum_of_rr_against_fcfs() {
    let sweep = |metric| Sweep {
        base: ostep_abc(),
        common: vec![],
        param: Setting::Quantum,
        values: vec![1, 4, 10, 100],
        series: Variant::for_policies(&[Policy::Fcfs, Policy::RoundRobin]),
        metric,
        baseline: None,
    };
    let chart = sweep(Metric::AvgTurnaround).run().unwrap();
    assert_eq!(chart.series[0].name, "fcfs");
    assert_eq!(ys(&chart.series[0]), [110.0; 4]);
    assert!(chart.series[0].points.iter().all(|p| !p.applied));
    let rr = ys(&chart.series[1]);
    let expected = [179.0 / 3.0, 182.0 / 3.0, 170.0 / 3.0, 110.0];
    for (got, want) in rr.iter().zip(expected) {
        assert!((got - want).abs() < 1e-9, "{rr:?}");
    }
    assert!(chart.series[1].points.iter().all(|p| p.applied));
    let xs: Vec<u64> = chart.series[1].points.iter().map(|p| p.x).collect();
    assert_eq!(xs, [1, 4, 10, 100]);

    let response = sweep(Metric::AvgResponse).run().unwrap();
    assert_eq!(ys(&response.series[1]), [1.0, 4.0, 10.0, 70.0]);
}

/// Speedup against the CPU count, FCFS on A=100, B=C=10: 120 ticks on one CPU; on two, A on
/// CPU 0 (0–100) and B then C on CPU 1 (0–20): 100 ticks; on three, A, B and C at once: still
/// 100 (A alone takes that long). Speedups 1, 1.2, 1.2.
#[test]
fn speedup_against_cpus_is_relative_to_the_first_point() {
    let s = Sweep {
        base: ostep_abc(),
        common: vec![],
        param: Setting::Cpus,
        values: vec![1, 2, 3],
        series: vec![],
        metric: Metric::Speedup,
        baseline: None,
    };
    let chart = s.run().unwrap();
    assert_eq!(chart.series.len(), 1);
    assert_eq!(chart.series[0].name, "base");
    assert_eq!(ys(&chart.series[0]), [1.0, 1.2, 1.2]);
    assert_eq!(chart.param.unit.as_deref(), Some("CPUs"));
}

/// A switch cost swept under RR 10 on A=100, B=C=10 (the threads are separate processes, so
/// each switch costs process_switch_ticks = s): A 0–10, switch, B, switch, C, switch, A: the
/// three switches before A's second slice delay B by s, C by 2s and A's return by 3s; A then
/// keeps the CPU (no one else is left). Makespan 120 + 3s.
#[test]
fn makespan_against_the_switch_cost() {
    let s = Sweep {
        base: ostep_abc(),
        common: vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(10)],
        param: Setting::ProcessSwitchTicks,
        values: vec![0, 1, 5],
        series: vec![],
        metric: Metric::Makespan,
        baseline: None,
    };
    let runs = s.plan().unwrap();
    // Run one by one, as the page's worker will.
    let measured: Vec<Measured> =
        runs.iter().map(|r| run_one(&r.scenario, std::slice::from_ref(&s.metric)).unwrap()).collect();
    let chart = s.chart(&runs, &measured);
    assert_eq!(ys(&chart.series[0]), [120.0, 123.0, 135.0]);
    assert_eq!(chart, s.run().unwrap());
}

#[test]
fn errors_name_the_value_or_the_series() {
    let sweep = |param, values: Vec<u64>, series: Vec<Variant>| Sweep {
        base: ostep_abc(),
        common: vec![ScenarioEdit::Policy(Policy::RoundRobin)],
        param,
        values,
        series,
        metric: Metric::Makespan,
        baseline: None,
    };
    let e = sweep(Setting::Quantum, vec![2, 0], vec![]).plan().unwrap_err();
    assert_eq!((e.part, e.name.as_str(), e.error.path.as_str()), (Part::Value { index: 1 }, "0", "scheduler.quantum"));
    let e = sweep(Setting::Cpus, vec![1, 65], vec![]).plan().unwrap_err();
    assert_eq!(e.to_string(), "value 65: machine.cpus: `cpus` must be a whole number from 1 to 64, got 65");
    let e = sweep(Setting::Quantum, vec![1, 2, 1], vec![]).plan().unwrap_err();
    assert_eq!(e.part, Part::Value { index: 2 });
    let e = sweep(Setting::Policy, vec![1], vec![]).plan().unwrap_err();
    assert!(e.to_string().contains("cannot be swept"), "{e}");
    let e = sweep(Setting::Quantum, vec![], vec![]).plan().unwrap_err();
    assert_eq!(e.part, Part::Size);
    let both = Variant::new("q", vec![ScenarioEdit::Quantum(3)]);
    let e = sweep(Setting::Quantum, vec![1], vec![both]).plan().unwrap_err();
    assert_eq!(e.to_string(), "`q`: sets `quantum`, the setting the sweep varies");
    let e = sweep(Setting::Seed, (0..1001).collect(), vec![]).plan().unwrap_err();
    assert_eq!(e.part, Part::Size);
}

/// The JSON the page sends: the documented shape parses and runs.
#[test]
fn a_sweep_request_in_json() {
    let request = serde_json::json!({
        "base": serde_json::to_value(ostep_abc()).unwrap(),
        "param": "quantum",
        "values": [1, 10],
        "series": [{"name": "rr", "edits": [{"policy": "rr"}]}],
        "metric": "avg_response"
    });
    let s: Sweep = serde_json::from_value(request).unwrap();
    let chart = serde_json::to_value(s.run().unwrap()).unwrap();
    assert_eq!(chart["param"]["key"], "quantum");
    assert_eq!(chart["metric"]["key"], "avg_response");
    let p = &chart["series"][0]["points"][1];
    assert_eq!(*p, serde_json::json!({"x": 10, "y": 10.0, "applied": true, "outcome": "completed"}));
}
