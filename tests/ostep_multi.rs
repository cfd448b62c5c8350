//! `threadlab ostep multi`: OSTEP's cpu-sched-multi/multi.py on the model. Expected numbers are
//! worked by hand, tick by tick, from the rules in `../shared/OSTEP.md` (multi.py section): at
//! each t > 0 with t % q = 0 every running job goes back to its queue, CPU 0's first; with -p,
//! every -P ticks each CPU with an empty queue steals the first job of `random.choice(other
//! CPUs)`; each idle CPU, 0 first, takes the first job in its queue it may run; a job runs at
//! the warm rate if it is in that CPU's cache, which it joins after running -w ticks there (the
//! tick that completes the warm-up is still cold); joining evicts from the back while the
//! working sets exceed -M.

use std::process::Command;

use threadlab::model::scenario::Scenario;

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn multi(args: &[&str]) -> String {
    let mut all = vec!["ostep", "multi"];
    all.extend_from_slice(args);
    let (code, out, err) = threadlab(&all);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// What follows the header (the ARG and Job lines and the queue line).
fn after_queues(out: &str) -> &str {
    let q = out.find("Scheduler ").expect("the queue line");
    let blank = out[q..].find("\n\n").expect("a blank line after the queues") + q + 2;
    &out[blank..]
}

/// OSTEP.md's example: a:30:100 on one CPU (cache 100, warm-up 10, rate 2) runs 10 cold ticks,
/// then 20 of work at 2 per tick: 10 warm ticks. Finished at 20, half of it warm.
#[test]
fn a_job_warms_after_the_warmup() {
    let out = multi(&["-L", "a:30:100", "-n", "1", "-c"]);
    assert!(
        out.ends_with("\nFinished time 20\n\nPer-CPU stats\n  CPU 0  utilization 100.00 [ warm 50.00 ]\n\n"),
        "{out}"
    );
    let out = multi(&["-L", "a:30:100", "-n", "1", "-T", "-C"]);
    let lines: Vec<&str> = after_queues(&out).lines().collect();
    // Tick 9 completes the warm-up (still cold: 20 left) and the cache shows it warm after it;
    // tick 10 runs warm (18 left). The line at each slice is 8 + 7 − 5 + 6 (-T) + 8 + 1 (-C).
    assert_eq!(lines[9], "   9   a [ 20] cache[w]     ");
    assert_eq!(lines[10], "-".repeat(25));
    assert_eq!(lines[11], "  10   a [ 18] cache[w]     ");
}

/// multi.py's global slice, two CPUs, quantum 10, no cache effect (-r 1): a (15) on CPU 0, b (5)
/// on CPU 1; b ends at 5 and CPU 1 takes c (20) mid-slice, so c runs only 5 ticks before the
/// interrupt at 10. Then the queue is [a, c] (CPU 0's job first): CPU 0 takes a (ends at 15),
/// CPU 1 c. At 20 c is interrupted and CPU 0, first, takes it: c runs 20–25 on CPU 0. Finished
/// at 25; each CPU busy 20 of 25 ticks. (With a slice per job c would run 5–15 unbroken and all
/// would end at 20.) The whole trace and statistics, line by line, in multi.py's layout.
#[test]
fn the_global_slice_line_by_line() {
    let out = multi(&["-L", "a:15:0,b:5:0,c:20:0", "-n", "2", "-q", "10", "-r", "1", "-t", "-c"]);
    assert!(out.contains("\nScheduler central queue: ['a', 'b', 'c']\n\n"), "{out}");
    let mut expected = String::new();
    for t in 0..25 {
        if t == 10 || t == 20 {
            expected.push_str("-----------------\n");
        }
        let (c0, c1) = match t {
            0..5 => ("a", "b"),
            5..15 => ("a", "c"),
            15..20 => ("-", "c"),
            _ => ("c", "-"),
        };
        expected.push_str(&format!(" {t:3}   {c0}      {c1}      \n"));
    }
    expected.push_str(
        "\nFinished time 25\n\nPer-CPU stats\n  CPU 0  utilization 80.00 [ warm 0.00 ]\n  CPU 1  utilization 80.00 [ warm 0.00 ]\n\n",
    );
    let got = after_queues(&out);
    for (i, (g, w)) in got.lines().zip(expected.lines()).enumerate() {
        assert_eq!(g, w, "line {}", i + 1);
    }
    assert_eq!(got, expected);
    let v: serde_json::Value =
        serde_json::from_str(&multi(&["-L", "a:15:0,b:5:0,c:20:0", "-n", "2", "-q", "10", "-r", "1", "--json"]))
            .unwrap();
    let finish: Vec<u64> =
        v["job_finish"].as_array().unwrap().iter().map(|j| j["finished"].as_u64().unwrap()).collect();
    assert_eq!(finish, [15, 5, 25]);
}

/// multi.py lets a working set larger than the cache warm up, which flushes the cache. One CPU,
/// cache 100, warm-up 5, quantum 10: a (30, 50 KB) runs 0–9: cold 0–4, warm 5–9 (10 of work):
/// 15 left. b (30, 200 KB) runs 10–19 cold; its warm-up completes at tick 14 and flushes a and
/// itself, and again at 19. a runs cold again 20–24 (10 left), warm 25–29: done at 30. b has 20
/// left, never warm: done at 50. Warm ticks 5 + 5 = 10 of 50. (If b evicted nothing, a would be
/// warm from 20 and done at 28, b at 48.)
#[test]
fn an_oversized_working_set_flushes_the_cache() {
    let out = multi(&["-L", "a:30:50,b:30:200", "-n", "1", "-q", "10", "-w", "5", "-c", "-C"]);
    assert!(
        out.ends_with("\nFinished time 50\n\nPer-CPU stats\n  CPU 0  utilization 100.00 [ warm 20.00 ]\n\n"),
        "{out}"
    );
    let lines: Vec<&str> = after_queues(&out).lines().collect();
    assert_eq!(lines[11], "  10   b cache[w ]     ", "a still warm while b warms up");
    assert_eq!(lines[15], "  14   b cache[  ]     ", "b's warm-up flushed the cache");
}

/// Per-CPU queues: jobs handed to CPUs 0, 1, 2 in turn: [a, d], [b, e], [c]. c (20) ends at 20,
/// when CPU 2 peeks (-P 20) with an empty queue and steals the first job of `random.choice([0,
/// 1])`. CPython: `python3 -c "import random; [print(s, (random.seed(s), random.choice([0,1]))[1]) for s in range(2)]"`
/// gives 1 for seed 0 (CPU 1's e) and 0 for seed 1 (CPU 0's d).
#[test]
fn stealing_uses_pythons_choice() {
    let args = ["-L", "a:40:0,b:40:0,c:20:0,d:40:0,e:10:0", "-n", "3", "-p", "-q", "100", "-P", "20", "-r", "1", "-t"];
    let out = multi(&[&args[..], &["-s", "0"]].concat());
    assert!(out.contains(
        "Scheduler CPU 0 queue: ['a', 'd']\nScheduler CPU 1 queue: ['b', 'e']\nScheduler CPU 2 queue: ['c']\n"
    ));
    assert!(out.contains("\n  20   a      b      e      \n"), "{out}");
    let out = multi(&[&args[..], &["-s", "1"]].concat());
    assert!(out.contains("\n  20   a      b      d      \n"), "{out}");
    let s = Scenario::from_json(&multi(&[&args[..], &["-s", "1", "--scenario"]].concat())).unwrap();
    let text = serde_json::to_string(&s.scheduler).unwrap();
    assert!(text.contains("\"queues\":\"per_cpu\"") && text.contains("\"steal_victim\""), "{text}");
}

/// -S shows each CPU's queue after the tick's dispatching; -A keeps a job off other CPUs.
#[test]
fn queues_and_affinity() {
    let out = multi(&["-L", "a:10:0,b:10:0,c:10:0", "-n", "2", "-A", "c:1", "-S", "-r", "1"]);
    // c may run on CPU 1 only: a on 0, b on 1 (c waits), then c on 1 after b.
    let lines: Vec<&str> = after_queues(&out).lines().collect();
    assert_eq!(lines[0], "   0   a      b      Q: c     ");
    assert_eq!(lines[11], "  10   -      c      Q:     ");
}

/// -S with -p shows each CPU's own queue: the jobs are dealt in turn (CPU 0: a, c; CPU 1: b,
/// d), each CPU runs its first, so c and d wait, each in its CPU's queue, until a and b finish
/// at 10 (rate 1: -r 1), when each CPU takes the next of its own.
#[test]
fn per_cpu_queues_are_shown_each() {
    let out = multi(&["-L", "a:10:0,b:10:0,c:10:0,d:20:0", "-n", "2", "-p", "-S", "-r", "1"]);
    let lines: Vec<&str> = after_queues(&out).lines().collect();
    assert_eq!(lines[0], "   0   a      b      Q0: c   Q1: d       ");
    assert_eq!(lines[9], "   9   a      b      Q0: c   Q1: d       ");
    // Line 10 is the slice's rule (-----); then both queues are empty.
    assert_eq!(lines[11], "  10   c      d      Q0:   Q1:       ");
}

/// `-s 3 -j 4` draws CPython's jobs:
/// `python3 -c "import random; random.seed(3); print([(int(random.random()*100/10.0)*10, int(random.random()*200/10.0)*10) for _ in range(4)])"`
/// prints `[(20, 100), (30, 120), (60, 10), (0, 160)]`. A job of length 0 still runs a tick.
#[test]
fn seeded_jobs_match_cpython() {
    let out = multi(&["-s", "3", "-j", "4"]);
    assert!(out.contains(
        "Job name:0 run_time:20 working_set_size:100\nJob name:1 run_time:30 working_set_size:120\nJob name:2 run_time:60 working_set_size:10\nJob name:3 run_time:0 working_set_size:160\n"
    ), "{out}");
    assert!(!out.contains("Finished time"), "no answers without -c");
}

/// Bad flags and parameters: exit 1, nothing on stdout, and an error naming the flag.
#[test]
fn bad_flags_name_the_flag() {
    let cases: [(&[&str], &str); 13] = [
        (&["-L", "a:1:1", "-p", "-A", "a:0"], "-p with -A"),
        (&["-o"], "-o"),
        (&["-n", "0"], "-n"),
        (&["-q", "0"], "-q"),
        (&["-r", "0"], "-r"),
        (&["-M", "0"], "-M"),
        (&["-w", "-1"], "-w"),
        (&["-L", "a:1"], "-L"),
        (&["-L", "a:x:1"], "-L"),
        (&["-L", "a:1:1,a:2:2"], "-L"),
        (&["-L", "a:1:1", "-A", "z:0"], "-A"),
        (&["-L", "a:1:1", "-A", "a:5"], "-A"),
        (&["-j", "0"], "-j"),
    ];
    for (args, flag) in cases {
        let mut all = vec!["ostep", "multi"];
        all.extend_from_slice(args);
        let (code, out, err) = threadlab(&all);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.starts_with(&format!("threadlab: {flag}")), "{args:?}: {err}");
    }
}

/// The scenario fields the OSTEP runs use are checked where they are: a victim choice needs
/// per-CPU queues with stealing, and a Python stream's skip is bounded.
#[test]
fn scenario_fields_are_checked() {
    let scenario = |scheduler: &str| {
        format!(
            r#"{{"format":2,"name":"x","machine":{{"cpus":2}},"scheduler":{scheduler},"processes":[{{"name":"p","threads":[{{"name":"m","code":"compute 1"}}]}}]}}"#
        )
    };
    let ok = r#"{"policy":"tick_rr","quantum":10,"queues":"per_cpu","steal_every":30,"steal_victim":{"python_random":{"seed":1,"skip":4}}}"#;
    let s = Scenario::from_json(&scenario(ok)).unwrap();
    assert_eq!(serde_json::to_value(&s.scheduler).unwrap(), serde_json::from_str::<serde_json::Value>(ok).unwrap());
    let e =
        Scenario::from_json(&scenario(r#"{"policy":"tick_rr","quantum":10,"steal_victim":"uniform"}"#)).unwrap_err();
    assert_eq!(e.path, "scheduler.steal_victim");
    let e = Scenario::from_json(&scenario(
        r#"{"policy":"tick_rr","quantum":10,"queues":"per_cpu","steal_every":3,"steal_victim":{"python":{}}}"#,
    ))
    .unwrap_err();
    assert!(e.path.starts_with("scheduler.steal_victim"), "{}", e.path);
    let big = r#"{"policy":"lottery","quantum":1,"draw":{"python_random":{"seed":0,"skip":1000000000}}}"#;
    let e = threadlab::model::System::load(&Scenario::from_json(&scenario(big)).unwrap()).unwrap_err();
    assert_eq!(e.path, "scheduler.draw.python_random.skip");
}
