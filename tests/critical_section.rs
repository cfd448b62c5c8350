//! Curriculum C12 and what it needs: a scenario's `params` (named constants a program reads as
//! `$name`), a sweep over one of them (`params.cs`), and a speedup relative to a baseline
//! series at the same value. The preset `critical-section` is worked by hand below.

use std::process::Command;

use threadlab::compare::{Metric, Part, Sweep, syntax};
use threadlab::model::Scenario;
use threadlab::model::scenario::{ScenarioEdit, Setting};
use threadlab::presets;

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// `threadlab sweep` of the preset's `$cs` over `values`, series `cpus=1,4`, metric speedup
/// over series `baseline`, then `extra` flags.
fn speedup_sweep(values: &str, baseline: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["sweep", "--preset", "critical-section", "--param", "params.cs", "--values", values];
    args.extend(["--series", "cpus=1,4", "--metric", "speedup", "--baseline", baseline]);
    args.extend(extra);
    threadlab(&args)
}

/// One process, one thread running `code`, with `params`.
fn with_params(params: &str, code: &str) -> String {
    format!(
        r#"{{"format": 2, "name": "p", "params": {params}, "processes": [{{"name": "p", "variables": {{"x": 0}},
            "threads": [{{"name": "t", "code": {code}}}]}}]}}"#
    )
}

fn makespan(json: &str) -> u64 {
    let s = Scenario::from_json(json).unwrap_or_else(|e| panic!("{e}"));
    threadlab::model::run(&s).unwrap_or_else(|e| panic!("{e}")).1.metrics.makespan
}

/// `compute $cs` with cs = 7, `loop $n` with n = 3 and `set r0, $n`, `add r0, $cs`: the loop runs
/// 3 × (7 + 1) = 24 ticks, then set and add (1 each) and the store (1): 27 ticks, x = 3 + 7.
#[test]
fn a_param_is_read_where_a_number_goes() {
    let json = with_params(
        r#"{"cs": 7, "n": 3}"#,
        r#"["loop $n", "  compute $cs", "  add r1, 1", "end", "set r0, $n", "add r0, $cs", "store r0, x"]"#,
    );
    assert_eq!(makespan(&json), 27);
    let s = Scenario::from_json(&json).unwrap();
    let (_, r) = threadlab::model::run(&s).unwrap();
    let x = r.metrics.variables.iter().find(|v| v.name == "x").map(|v| v.value);
    assert_eq!(x, Some(10), "{:?}", r.metrics.variables);
    // The same program with the numbers written out is the same run.
    let plain = with_params(
        "{}",
        r#"["loop 3", "  compute 7", "  add r1, 1", "end", "set r0, 3", "add r0, 7", "store r0, x"]"#,
    );
    assert_eq!(makespan(&plain), 27);
}

#[test]
fn an_unknown_param_is_located_and_names_the_declared_ones() {
    let json = with_params(r#"{"cs": 4, "work": 20}"#, r#"["compute 1", "  compute $cz"]"#);
    let e = Scenario::from_json(&json).and_then(|s| threadlab::model::run(&s).map(|_| ())).unwrap_err();
    assert_eq!(e.path, "processes[0].threads[0].code");
    let text = e.to_string();
    assert!(text.contains("line 2, column 11"), "{text}");
    assert!(text.contains("unknown param `$cz` (the scenario's params: cs, work)"), "{text}");
    // No params at all: the error says how to declare one.
    let json = with_params("{}", r#"["compute $cs"]"#);
    let e = Scenario::from_json(&json).and_then(|s| threadlab::model::run(&s).map(|_| ())).unwrap_err();
    assert!(e.to_string().contains("unknown param `$cs` (the scenario declares no `params`)"), "{e}");
    // `$` and no name.
    let json = with_params(r#"{"cs": 4}"#, r#"["compute $4"]"#);
    let e = Scenario::from_json(&json).and_then(|s| threadlab::model::run(&s).map(|_| ())).unwrap_err();
    assert!(e.to_string().contains("unknown param `$4` (the scenario's params: cs)"), "{e}");
}

/// A value the operand cannot take (`compute` needs at least 1 tick) is refused at the operand,
/// and the message says the value came from the param.
#[test]
fn a_param_out_of_range_for_its_operand_is_located() {
    let json = with_params(r#"{"cs": 0}"#, r#"["compute $cs"]"#);
    let e = Scenario::from_json(&json).and_then(|s| threadlab::model::run(&s).map(|_| ())).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("line 1, column 9"), "{text}");
    assert!(text.contains("`0` is not a duration"), "{text}");
    assert!(text.contains("(`$cs` is 0, from the scenario's `params`)"), "{text}");
    // A loop count must fit 32 bits.
    let json = with_params(r#"{"n": 5000000000}"#, r#"["loop $n", "end"]"#);
    let e = Scenario::from_json(&json).and_then(|s| threadlab::model::run(&s).map(|_| ())).unwrap_err();
    assert!(e.to_string().contains("(`$n` is 5000000000"), "{e}");
}

#[test]
fn param_names_and_values_are_checked_where_declared() {
    for bad in [r#"{"CS": 1}"#, r#"{"1x": 1}"#, r#"{"a_name_far_too_long": 1}"#] {
        let e = Scenario::from_json(&with_params(bad, r#"["compute 1"]"#)).and_then(|s| s.validate()).unwrap_err();
        assert_eq!(e.path, "params", "{bad}: {e}");
        assert!(e.to_string().contains("is not a param name"), "{e}");
    }
    let e = Scenario::from_json(&with_params(r#"{"cs": -1}"#, r#"["compute 1"]"#)).unwrap_err();
    assert!(e.path.starts_with("params"), "{e}");
    // A file without `params` loads as before and writes none.
    let s = Scenario::from_json(&with_params("{}", r#"["compute 1"]"#)).unwrap();
    assert!(s.params.is_empty() && !s.to_json().contains("params"));
}

#[test]
fn a_param_edit_changes_one_value_in_the_text() {
    let preset = presets::find("critical-section").unwrap();
    let edit = ScenarioEdit::parse("params.cs=9").unwrap();
    assert_eq!(edit.setting(), Setting::from_key("params.cs").unwrap());
    assert_eq!(edit.to_string(), "params.cs=9");
    assert_eq!(serde_json::to_string(&edit).unwrap(), r#"{"params.cs":9}"#);
    assert_eq!(serde_json::from_str::<ScenarioEdit>(r#"{"params.cs":9}"#).unwrap(), edit);
    let (text, s) = edit.apply_to_text(preset.json).unwrap();
    assert_eq!(text, preset.json.replace("\"cs\": 4,", "\"cs\": 9,"));
    assert_eq!(s.params["cs"], 9);
    let e = ScenarioEdit::parse("params.cz=9").unwrap().apply_to_text(preset.json).unwrap_err();
    assert_eq!(e.to_string(), "params.cz: the scenario has no param `cz` (its params: cs, work)");
    assert!(ScenarioEdit::parse("params.Cs=1").unwrap_err().contains("is not a param name"));
}

/// The preset by hand, from the model's rules (`lock`, `load`, `add`, `store`, `unlock` 1 tick
/// each; `loop`/`end` none; a thread switch within the process 1 tick; a mutex held at `lock`
/// blocks the thread in FIFO order and `unlock` hands it to the first waiter, which goes on on
/// its own, idle, CPU at once). Each of 4 threads does 5 iterations of: `compute $work` (20),
/// `lock m`, `compute $cs`, then 4 ticks still holding `m` (load, add, store, unlock).
///
/// - 1 CPU, FCFS: no thread is ever preempted, so none finds `m` held: each iteration is
///   20 + 1 + cs + 4 = cs + 25 ticks, 20 iterations, and 3 switches between threads:
///   M1 = 20 × (cs + 25) + 3 (cs = 5: 603; 40: 1,303).
/// - 4 CPUs: all four compute 0–20 and `lock` at 20–21; t1 gets `m`. From then on `m` passes
///   from thread to thread and is never free as long as a thread that leaves the critical
///   section is back at `lock` before the other three have had their turns: 20 + 1 ≤ 3 × (cs +
///   4), i.e. cs ≥ 3. Then the 20 critical sections of cs + 4 ticks follow each other from 21:
///   M4 = 21 + 20 × (cs + 4) (cs = 5: 201; 40: 901).
///
/// Speedup M1 / M4: 603 / 201 = 3.00 at cs = 5, 903 / 501 = 1.80 at 20, 2,103 / 1,701 = 1.24 at
/// 80, and → 1 as cs grows (Amdahl with the lock as the serial part: (work + cs) / cs).
#[test]
fn the_preset_worked_by_hand() {
    let preset = presets::find("critical-section").unwrap();
    let base = preset.scenario().unwrap();
    assert_eq!(base.params["work"], 20);
    let m1 = |cs: u64| 20 * (cs + 25) + 3;
    let m4 = |cs: u64| 21 + 20 * (cs + 4);
    let values = vec![3, 5, 10, 20, 40, 80];
    let sweep = |metric, baseline: Option<&str>| Sweep {
        base: base.clone(),
        common: vec![],
        param: Setting::from_key("params.cs").unwrap(),
        values: values.clone(),
        series: syntax::series("cpus=1,4").unwrap(),
        metric,
        baseline: baseline.map(String::from),
    };
    let makespans = sweep(Metric::Makespan, None).run().unwrap();
    let ys = |i: usize, c: &threadlab::compare::SweepChart| -> Vec<f64> {
        c.series[i].points.iter().map(|p| p.y.unwrap()).collect()
    };
    assert_eq!(ys(0, &makespans), values.iter().map(|&cs| m1(cs) as f64).collect::<Vec<_>>());
    assert_eq!(ys(1, &makespans), values.iter().map(|&cs| m4(cs) as f64).collect::<Vec<_>>());
    let speedup = sweep(Metric::Speedup, Some("1")).run().unwrap();
    assert_eq!(speedup.baseline.as_deref(), Some("1"));
    assert_eq!(ys(0, &speedup), [1.0; 6], "the baseline over itself");
    let want: Vec<f64> = values.iter().map(|&cs| m1(cs) as f64 / m4(cs) as f64).collect();
    assert_eq!(ys(1, &speedup), want);
    assert_eq!(format!("{:.2}", want[1]), "3.00");
    assert_eq!(format!("{:.2}", want[5]), "1.24");
    assert!(want.windows(2).all(|w| w[1] < w[0]), "the gain shrinks as the critical section grows: {want:?}");
    // The preset as shipped (cs = 4) is the M4 of cs = 4.
    assert_eq!(makespan(preset.json), m4(4));
}

#[test]
fn a_baseline_must_be_a_series_and_the_metric_speedup() {
    let base = presets::find("critical-section").unwrap().scenario().unwrap();
    let sweep = |metric, baseline: &str| Sweep {
        base: base.clone(),
        common: vec![],
        param: Setting::from_key("params.cs").unwrap(),
        values: vec![5],
        series: syntax::series("cpus=1,4").unwrap(),
        metric,
        baseline: Some(baseline.into()),
    };
    let e = sweep(Metric::Speedup, "2").plan().unwrap_err();
    assert_eq!(e.part, Part::Baseline);
    assert_eq!(e.to_string(), "baseline `2`: no series has this name (the series: 1, 4)");
    let e = sweep(Metric::Makespan, "1").plan().unwrap_err();
    assert!(e.to_string().contains("is for the metric `speedup`"), "{e}");
    // Sweeping a param the scenario lacks names it, at the value.
    let mut s = sweep(Metric::Speedup, "1");
    s.param = Setting::from_key("params.size").unwrap();
    let e = s.plan().unwrap_err();
    assert!(e.to_string().contains("no param `size` (its params: cs, work)"), "{e}");
}

/// The teacher's command: the same points as [`the_preset_worked_by_hand`], as JSON.
#[test]
fn cli_sweeps_a_param_with_a_baseline() {
    let (code, out, err) = speedup_sweep("5,20", "1", &["--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["param"]["key"], "params.cs");
    assert_eq!(v["param"]["label"], "$cs");
    assert_eq!(v["baseline"], "1");
    let ys: Vec<f64> = v["series"][1]["points"].as_array().unwrap().iter().map(|p| p["y"].as_f64().unwrap()).collect();
    assert_eq!(ys, [603.0 / 201.0, 903.0 / 501.0]);
    // Text form: a row per value.
    let (code, out, _) = speedup_sweep("5", "1", &[]);
    assert_eq!(code, 0);
    assert!(out.starts_with("speedup (×) over series 1 against params.cs: Critical section"), "{out}");
    assert!(out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["5", "1.00", "3.00"]), "{out}");
    // Errors name their flag.
    let (code, _, err) = speedup_sweep("5", "one", &[]);
    assert_ne!(code, 0);
    assert!(err.contains("--baseline `one`: no series has this name"), "{err}");
    let (code, _, err) =
        threadlab(&["sweep", "--preset", "critical-section", "--param", "params.cs", "--values", "0,5"]);
    assert_ne!(code, 0);
    assert!(err.contains("`$cs` is 0"), "{err}");
    // A variant may set a param too.
    let (code, out, err) = threadlab(&[
        "compare",
        "--preset",
        "critical-section",
        "--variant",
        "small:params.cs=1",
        "--variant",
        "big:params.cs=40",
        "--metric",
        "makespan",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = |i: usize| v["rows"][i]["cells"][0]["value"].as_f64().unwrap();
    assert_eq!(row(1), 901.0, "{out}");
    assert!(row(0) < row(1));
}
