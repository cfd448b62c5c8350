//! `threadlab ostep scheduler`: OSTEP's cpu-sched/scheduler.py on the model. Every expected
//! number is worked by hand from the rules in `../shared/OSTEP.md` (FIFO in index order; SJF a
//! stable sort by length; RR from queue 0..n−1, min(q, left) per turn; response = first run,
//! turnaround = completion, wait = turnaround − length, all jobs arriving at 0).

use std::process::Command;

use threadlab::model::scenario::Scenario;
use threadlab::ostep::scheduler::{self, SchedulerOptions, SchedulerPolicy};

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn ostep(args: &[&str]) -> String {
    let mut all = vec!["ostep", "scheduler"];
    all.extend_from_slice(args);
    let (code, out, err) = threadlab(&all);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ostep(&all)).unwrap()
}

/// (response, turnaround, wait) per job in printing order, from the JSON.
fn stats(v: &serde_json::Value) -> Vec<(u64, f64, f64, f64)> {
    v["stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let f = |k: &str| s[k].as_f64().unwrap();
            (s["job"].as_u64().unwrap(), f("response"), f("turnaround"), f("wait"))
        })
        .collect()
}

/// RR, q = 2, jobs 3, 5, 1. Queue 0,1,2: job 0 runs 0–2 (1 left), job 1 2–4 (3 left), job 2 4–5
/// done, job 0 5–6 done, job 1 6–8 (1 left), job 1 8–9 done. Response 0, 2, 4; turnaround 6,
/// 9, 5; wait 6−3, 9−5, 5−1 = 3, 4, 4. Means: 6/3 = 2.00, 20/3 = 6.67, 11/3 = 3.67.
/// The whole text, line by line, in scheduler.py's layout.
#[test]
fn rr_text_line_by_line() {
    let expected = "\
ARG policy RR
ARG jlist 3,5,1

The jobs, each with the CPU time it needs:
  Job 0 ( length = 3.0 )
  Job 1 ( length = 5.0 )
  Job 2 ( length = 1.0 )


** Solutions **

Execution trace:
  [ time   0 ] Run job   0 for 2.00 secs
  [ time   2 ] Run job   1 for 2.00 secs
  [ time   4 ] Run job   2 for 1.00 secs ( DONE at 5.00 )
  [ time   5 ] Run job   0 for 1.00 secs ( DONE at 6.00 )
  [ time   6 ] Run job   1 for 2.00 secs
  [ time   8 ] Run job   1 for 1.00 secs ( DONE at 9.00 )

Final statistics:
  Job   0 -- Response: 0.00  Turnaround 6.00  Wait 3.00
  Job   1 -- Response: 2.00  Turnaround 9.00  Wait 4.00
  Job   2 -- Response: 4.00  Turnaround 5.00  Wait 4.00

  Average -- Response: 2.00  Turnaround 6.67  Wait 3.67

";
    let out = ostep(&["-p", "RR", "-q", "2", "-l", "3,5,1", "-c"]);
    for (i, (got, want)) in out.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", i + 1);
    }
    assert_eq!(out, expected);
}

/// FIFO, jobs 3, 5, 1: runs 0–3, 3–8, 8–9. Response = wait = start: 0, 3, 8 (mean 11/3);
/// turnaround 3, 8, 9 (mean 20/3).
#[test]
fn fifo_text_line_by_line() {
    let out = ostep(&["-l", "3,5,1", "-c"]);
    let trace: Vec<&str> = out.lines().skip_while(|l| *l != "Execution trace:").skip(1).take(3).collect();
    assert_eq!(
        trace,
        [
            "  [ time   0 ] Run job 0 for 3.00 secs ( DONE at 3.00 )",
            "  [ time   3 ] Run job 1 for 5.00 secs ( DONE at 8.00 )",
            "  [ time   8 ] Run job 2 for 1.00 secs ( DONE at 9.00 )",
        ]
    );
    assert!(out.contains("  Job   1 -- Response: 3.00  Turnaround 8.00  Wait 3.00\n"));
    assert!(out.ends_with("\n  Average -- Response: 3.67  Turnaround 6.67  Wait 3.67\n\n"));
}

/// SJF, jobs 3, 5, 1, 3, 2: stable sort by length gives 2 (1), 4 (2), 0 (3), 3 (3), 1 (5);
/// starts 0, 1, 3, 6, 9; ends 1, 3, 6, 9, 14. Stats in that order. Means: response = wait =
/// 19/5 = 3.80, turnaround 33/5 = 6.60.
#[test]
fn sjf_is_a_stable_sort_by_length() {
    let v = json(&["-p", "SJF", "-l", "3,5,1,3,2"]);
    assert_eq!(
        stats(&v),
        [(2, 0.0, 1.0, 0.0), (4, 1.0, 3.0, 1.0), (0, 3.0, 6.0, 3.0), (3, 6.0, 9.0, 6.0), (1, 9.0, 14.0, 9.0)]
    );
    assert_eq!(v["average"]["response"], 3.8);
    assert_eq!(v["average"]["turnaround"], 6.6);
    let out = ostep(&["-p", "SJF", "-l", "3,5,1,3,2", "-c"]);
    assert!(out.contains("  [ time   6 ] Run job 3 for 3.00 secs ( DONE at 9.00 )\n"));
}

/// Fractional lengths run in tenths, exactly. RR q = 1, jobs 2.5 and 1.5: job 0 0–1, job 1
/// 1–2, job 0 2–3, job 1 3–3.5 done, job 0 3.5–4 done. Response 0, 1; turnaround 4, 3.5; wait
/// 4 − 2.5 = 1.5 and 3.5 − 1.5 = 2. `[ time %3d ]` truncates 3.5 to 3.
#[test]
fn fractional_lengths_run_in_a_finer_unit() {
    let v = json(&["-p", "RR", "-q", "1", "-l", "2.5,1.5"]);
    assert_eq!(v["time_unit"], 0.1);
    assert_eq!(stats(&v), [(0, 0.0, 4.0, 1.5), (1, 1.0, 3.5, 2.0)]);
    assert_eq!(v["average"]["turnaround"], 3.75);
    let out = ostep(&["-p", "RR", "-q", "1", "-l", "2.5,1.5", "-c"]);
    assert!(out.contains("  Job 0 ( length = 2.5 )\n"));
    assert!(out.contains("  [ time   3 ] Run job   1 for 0.50 secs ( DONE at 3.50 )\n"));
    assert!(out.contains("  [ time   3 ] Run job   0 for 0.50 secs ( DONE at 4.00 )\n"));
    // The model's scenario counts tenths: lengths 25 and 15, quantum 10.
    let o = SchedulerOptions { policy: SchedulerPolicy::Rr, quantum: 1, jlist: "2.5,1.5".into(), ..Default::default() };
    let w = scheduler::workload(&o).unwrap();
    let s = w.scenario();
    assert_eq!(s.scheduler.quantum(), Some(10));
    assert_eq!(s.processes[0].threads[0].code.as_ref().unwrap().text(), "compute 25");
}

/// scheduler.py adds Python floats: 0.7 + 0.1 + 0.1 + 0.1 is 0.9999999999999999
/// (`python3 -c "print(0.7+0.1+0.1+0.1)"`), so it prints job 4's start as `[ time   0 ]`. The
/// text reproduces that; the JSON gives the exact start, 1.
#[test]
fn text_adds_floats_as_scheduler_py_does_json_is_exact() {
    let out = ostep(&["-l", "0.7,0.1,0.1,0.1,1", "-c"]);
    assert!(out.contains("  [ time   0 ] Run job 4 for 1.00 secs ( DONE at 2.00 )\n"), "{out}");
    let v = json(&["-l", "0.7,0.1,0.1,0.1,1"]);
    assert_eq!(v["trace"][4]["time"], 1.0);
}

/// A job of length 0 runs for 0 and is done where it starts (RR q = 2, jobs 0, 4: job 0 at 0
/// done at 0; job 1 0–2, 2–4).
#[test]
fn zero_length_job() {
    let v = json(&["-p", "RR", "-q", "2", "-l", "0,4"]);
    assert_eq!(v["trace"][0]["done_at"], 0.0);
    assert_eq!(v["trace"].as_array().unwrap().len(), 3);
    assert_eq!(stats(&v), [(0, 0.0, 0.0, 0.0), (1, 0.0, 4.0, 0.0)]);
}

/// Seeded jobs are CPython's: `python3 -c "import random; random.seed(3);
/// print([int(10*random.random())+1 for _ in range(4)])"` gives [3, 6, 4, 7], and seed 0 with
/// `-m 100 -j 5` gives [85, 76, 43, 26, 52]. SJF on 3, 6, 4, 7: order 0, 2, 1, 3, ends 3, 7,
/// 13, 20; mean response 23/4 = 5.75, mean turnaround 43/4 = 10.75.
#[test]
fn seeded_jobs_are_cpythons() {
    let lengths = |v: &serde_json::Value| -> Vec<f64> {
        v["jobs"].as_array().unwrap().iter().map(|j| j["length"].as_f64().unwrap()).collect()
    };
    let v = json(&["-p", "SJF", "-s", "3", "-j", "4"]);
    assert_eq!(lengths(&v), [3.0, 6.0, 4.0, 7.0]);
    assert_eq!(v["average"]["response"], 5.75);
    assert_eq!(v["average"]["turnaround"], 10.75);
    let v = json(&["-s", "0", "-j", "5", "-m", "100"]);
    assert_eq!(lengths(&v), [85.0, 76.0, 43.0, 26.0, 52.0]);
    // optparse reads `010` as octal 8, and a negative seed as its absolute value.
    assert_eq!(lengths(&json(&["-s", "010"])), lengths(&json(&["-s", "8"])));
    assert_eq!(lengths(&json(&["-s", "-8"])), lengths(&json(&["-s", "8"])));
}

/// Without -c: the arguments and the jobs (random ones printed as integers), then the question.
#[test]
fn without_c_prints_the_question_only() {
    let out = ostep(&["-s", "3", "-j", "4"]);
    let head: Vec<&str> = out.lines().take(10).collect();
    assert_eq!(
        head,
        [
            "ARG policy FIFO",
            "ARG jobs 4",
            "ARG maxlen 10",
            "ARG seed 3",
            "",
            "The jobs, each with the CPU time it needs:",
            "  Job 0 ( length = 3 )",
            "  Job 1 ( length = 6 )",
            "  Job 2 ( length = 4 )",
            "  Job 3 ( length = 7 )",
        ]
    );
    assert!(!out.contains("Solutions"));
}

/// The scenario printed with --scenario is a valid model scenario that reproduces the run.
#[test]
fn scenario_reloads_and_runs() {
    let (code, out, _) = threadlab(&["ostep", "scheduler", "-p", "RR", "-q", "2", "-l", "3,5,1", "--scenario"]);
    assert_eq!(code, 0);
    let s = Scenario::from_json(&out).unwrap();
    assert_eq!(
        (s.scheduler.policy(), s.scheduler.quantum()),
        (threadlab::model::scenario::Policy::RoundRobin, Some(2))
    );
    let (_, r) = threadlab::model::run(&s).unwrap();
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, [6, 9, 5]);
}

/// Bad flags and parameters: exit 1, nothing on stdout, and an error naming the flag.
#[test]
fn bad_flags_name_the_flag() {
    let cases: [(&[&str], &str); 7] = [
        (&["-p", "RR", "-q", "0", "-l", "1"], "-q"),
        (&["-l", "3,x"], "-l"),
        (&["-l", "3,-1"], "-l"),
        (&["-j", "0"], "-j"),
        (&["-m", "-4"], "-m"),
        (&["-p", "LIFO"], "-p: `LIFO` is not a policy"),
        (&["-q", "two"], "-q: `two` is not an integer"),
    ];
    for (args, flag) in cases {
        let mut all = vec!["ostep", "scheduler"];
        all.extend_from_slice(args);
        let (code, out, err) = threadlab(&all);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}
