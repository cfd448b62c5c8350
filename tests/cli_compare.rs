//! `threadlab compare`, `sweep` and `exercise`, run as a teacher would.

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;
use threadlab::model::scenario::Policy;

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// OSTEP ch. 7's A=100, B=C=10 (all at 0, one CPU, FCFS) in a file of its own (tests run in
/// parallel).
fn ostep_abc_file() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("threadlab-cli-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("abc-{n}.json"));
    let jobs = vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")];
    std::fs::write(&path, serde_json::to_string(&scenario(1, Policy::Fcfs, None, jobs)).unwrap()).unwrap();
    path
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// FCFS, SJF and RR 1 on A=100, B=C=10 (worked in tests/compare.rs): average turnaround 110,
/// 50 and 59.67; response 70, 10 and 1.
#[test]
fn compare_prints_an_aligned_table_with_the_best_marked() {
    let file = ostep_abc_file();
    let args = ["compare", file.to_str().unwrap(), "--policies", "fcfs,sjf,rr", "--quantum", "1"];
    let (code, out, err) = threadlab(&[&args[..], &["--metric", "avg_turnaround,avg_response"]].concat());
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    // Names left-aligned under `variant`, values right-aligned under their key; a column with a
    // best value keeps one place for its `*`.
    let row = |name: &str, turnaround: &str, response: &str| format!("{name:<7}  {turnaround:>14}  {response:>12}");
    assert_eq!(lines[2], "variant  avg_turnaround  avg_response");
    assert_eq!(lines[3], row("fcfs", "110.00 ", "70.00 ").trim_end());
    assert_eq!(lines[4], row("sjf", "50.00*", "10.00 ").trim_end());
    assert_eq!(lines[5], row("rr", "59.67 ", "1.00*"));
    assert!(out.contains("* best of the completed runs; lower is better for avg_turnaround, avg_response"), "{out}");

    let (code, out, _) = threadlab(&[&args[..], &["--json"]].concat());
    assert_eq!(code, 0);
    let t = json(&out);
    let keys: Vec<&str> = t["metrics"].as_array().unwrap().iter().map(|m| m["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["avg_turnaround", "avg_waiting", "avg_response", "makespan", "context_switches"]);
    assert_eq!(t["rows"][1]["name"], "sjf");
    assert_eq!(t["rows"][1]["cells"][0], serde_json::json!({"value": 50.0, "best": true}));
    assert_eq!(
        t["rows"][2]["settings"]["scheduler"],
        serde_json::json!({"policy": "rr", "quantum": 1, "tie": "arrivals_first"})
    );
}

#[test]
fn compare_named_variants_and_presets() {
    let (code, out, err) = threadlab(&[
        "compare",
        "--preset",
        "race-unsafe",
        "--variant",
        "one:cpus=1",
        "--variant",
        "cpus=2",
        "--metric",
        "lost_updates",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let t = json(&out);
    assert_eq!(t["rows"][0]["name"], "one");
    assert_eq!(t["rows"][1]["name"], "cpus=2");
    assert_eq!(t["rows"][1]["settings"]["machine"]["cpus"], 2);
}

/// RR's quantum against FCFS (worked in tests/sweep.rs): average response 1, 4, 10, 70 for
/// q = 1, 4, 10, 100; FCFS flat at 70.
#[test]
fn sweep_prints_a_row_per_value_and_a_column_per_series() {
    let file = ostep_abc_file();
    let f = file.to_str().unwrap();
    let args = [
        "sweep",
        f,
        "--param",
        "quantum",
        "--values",
        "1,4,10,100",
        "--series",
        "policy=fcfs,rr",
        "--metric",
        "avg_response",
    ];
    let (code, out, err) = threadlab(&args);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("avg_response (µs) against quantum (µs)"), "{out}");
    assert_eq!(lines[2], "quantum   fcfs     rr");
    assert_eq!(lines[3], "1        70.00   1.00");
    assert_eq!(lines[6], "100      70.00  70.00");
    assert!(out.contains("fcfs: its policy has no `quantum`: the runs ignore it"), "{out}");

    let (code, out, _) = threadlab(&[&args[..], &["--json"]].concat());
    assert_eq!(code, 0);
    let c = json(&out);
    let ys: Vec<f64> = c["series"][1]["points"].as_array().unwrap().iter().map(|p| p["y"].as_f64().unwrap()).collect();
    assert_eq!(ys, [1.0, 4.0, 10.0, 70.0]);
    assert_eq!(c["series"][0]["points"][0]["applied"], false);

    // A range, on the base's own policy after --policy: the same points for 1..4:3 = 1, 4.
    let (code, out, _) = threadlab(&[
        "sweep",
        f,
        "--policy",
        "rr",
        "--param",
        "quantum",
        "--range",
        "1..4:3",
        "--metric",
        "avg_response",
        "--json",
    ]);
    assert_eq!(code, 0);
    let ys: Vec<f64> =
        json(&out)["series"][0]["points"].as_array().unwrap().iter().map(|p| p["y"].as_f64().unwrap()).collect();
    assert_eq!(ys, [1.0, 4.0]);
}

#[test]
fn exercise_prints_a_problem_then_its_answers() {
    let (code, problem, err) = threadlab(&["exercise", "--policy", "rr", "--quantum", "2", "--seed", "7"]);
    assert_eq!(code, 0, "{err}");
    assert!(problem.starts_with("Exercise (seed 7): Round Robin (RR), quantum 2, on 1 CPU"), "{problem}");
    assert!(problem.contains("Rules: Round Robin, quantum 2:"), "{problem}");
    assert!(problem.contains("job  arrival  burst"), "{problem}");
    assert!(!problem.contains("completion  turnaround"), "no answers without --answers");
    let (_, again, _) = threadlab(&["exercise", "--policy", "rr", "--quantum", "2", "--seed", "7"]);
    assert_eq!(problem, again, "the same seed, the same exercise");

    let (code, answers, _) = threadlab(&["exercise", "--policy", "rr", "--quantum", "2", "--seed", "7", "--answers"]);
    assert_eq!(code, 0);
    assert!(answers.contains("completion  turnaround  waiting  response"), "{answers}");
    assert!(answers.contains("CPU 0 runs: A 0–"), "{answers}");

    // The JSON's answers agree with its jobs: turnaround = completion − arrival, and with one
    // CPU the jobs' CPU time fits between the first arrival and the last completion.
    let (code, out, _) =
        threadlab(&["exercise", "--policy", "sjf", "--seed", "3", "--jobs", "4", "--io", "--answers", "--json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    let jobs = v["exercise"]["jobs"].as_array().unwrap();
    let answers = v["answers"]["jobs"].as_array().unwrap();
    assert_eq!((jobs.len(), answers.len()), (4, 4));
    for (j, a) in jobs.iter().zip(answers) {
        assert_eq!(
            a["turnaround"].as_u64().unwrap(),
            a["completion"].as_u64().unwrap() - j["arrival"].as_u64().unwrap()
        );
    }
    assert!(v["rules"].as_str().unwrap().starts_with("SJF, not pre-emptive"));
    let (_, no_answers, _) = threadlab(&["exercise", "--policy", "sjf", "--seed", "3", "--json"]);
    assert!(json(&no_answers).get("answers").is_none());
}

/// Each bad flag or value exits with 1 and an error naming the flag.
#[test]
fn bad_flags_name_the_flag() {
    let file = ostep_abc_file();
    let f = file.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["compare", f], "--policies"),
        (&["compare", f, "--policies", "fcfs,nope"], "'--policies <LIST>'"),
        (&["compare", f, "--variant", "x:quantum=four"], "'--variant <SPEC>'"),
        (&["compare", f, "--variant", "x:policy=fcfs,quantum=4"], "--variant `x`: scheduler.quantum"),
        (&["compare", f, "--policies", "fcfs,sjf", "--quantum", "4"], "--quantum: no run's policy has a `quantum`"),
        (
            &["compare", f, "--policies", "fcfs", "--cpus", "65"],
            "--cpus: machine.cpus: `cpus` must be a whole number from 1 to 64, got 65",
        ),
        (&["compare", f, "--policies", "fcfs", "--metric", "speed"], "'--metric <M>'"),
        (&["compare", f, "--policies", "fcfs", "--metric", "var:nope"], "--metric: var:nope"),
        (&["compare", "--preset", "nope", "--policies", "fcfs"], "no preset `nope`"),
        (&["sweep", f, "--param", "policy", "--values", "1"], "'--param <KEY>'"),
        (&["sweep", f, "--param", "quantum", "--values", "1..x"], "'--values <LIST>'"),
        (&["sweep", f, "--param", "quantum", "--values", "0,1", "--policy", "rr"], "--values `0`: scheduler.quantum"),
        (&["sweep", f, "--param", "cpus", "--range", "1..65"], "--range `65`: machine.cpus"),
        (&["sweep", f, "--param", "quantum", "--values", "1", "--series", "x:quantum=2"], "--series `x`"),
        (&["sweep", f, "--param", "quantum", "--values", "1", "--series", "policy=rr,nope"], "'--series <SPEC>'"),
        (&["exercise", "--policy", "fcfs", "--seed", "1", "--quantum", "2"], "--quantum: First come"),
        (&["exercise", "--policy", "rr", "--seed", "1", "--jobs", "30"], "--jobs: give 1 to 26 jobs, got 30"),
        (&["exercise", "--policy", "rr", "--seed", "1", "--cpus", "0"], "--cpus: must be 1 to 64"),
        (&["exercise", "--policy", "rr"], "--seed"),
        (&["exercise", "--policy", "nope", "--seed", "1"], "'--policy <KEY>'"),
        // x86.py's policy counts assembly instructions: no exercise, and the ones that work.
        (
            &["exercise", "--policy", "x86", "--seed", "1"],
            "--policy: x86 (OSTEP x86.py) switches threads of assembly every N instructions, and an exercise's jobs are CPU bursts and I/O: it makes no exercise. Choose one of fcfs, rr,",
        ),
    ];
    for (args, flag) in cases {
        let (code, out, err) = threadlab(args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: nothing on stdout");
        assert!(err.contains(flag), "{args:?}: `{flag}` not in: {err}");
    }
}

/// A run that does not complete still prints, and exits with 3 as `run` does.
#[test]
fn an_unfinished_run_exits_3() {
    let (code, out, _) = threadlab(&["compare", "--preset", "deadlock", "--variant", "base:", "--metric", "makespan"]);
    assert_eq!(code, 3);
    assert!(out.contains("deadlock"), "{out}");
}
