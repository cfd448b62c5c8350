//! `threadlab ostep mlfq`: OSTEP's cpu-sched-mlfq/mlfq.py on the model. Every expected number
//! is worked by hand, tick by tick, from the rules in `../shared/OSTEP.md` (mlfq.py section):
//! queue `n − 1` is the highest; each tick the head of the highest non-empty queue runs one
//! tick (TICKS, TIME shown after the decrement); then FINISHED, else IO_START if
//! (run − left) % ioFreq == 0 (with -S a fresh quantum and allotment), then if TICKS is 0 one
//! slice of the allotment goes (none left: down a level, fresh); arrivals queue before I/O
//! completions; -I puts a woken job at the head; a boost moves the lower queues' jobs to the top,
//! lowest queue first.

use std::process::Command;

use threadlab::model::scenario::{Policy, PolicyParams, Scenario};

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn mlfq(args: &[&str]) -> String {
    let mut all = vec!["ostep", "mlfq"];
    all.extend_from_slice(args);
    let (code, out, err) = threadlab(&all);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// The lines of the execution trace (between "Execution Trace:" and "Final statistics:").
fn trace(out: &str) -> Vec<&str> {
    let start = out.find("Execution Trace:\n\n").expect("a trace") + "Execution Trace:\n\n".len();
    let end = out.find("\nFinal statistics:").expect("statistics");
    out[start..end].lines().collect()
}

/// Each job's (response, turnaround) from the JSON.
fn stats(args: &[&str]) -> Vec<(u64, u64)> {
    let mut all = args.to_vec();
    all.push("--json");
    let v: serde_json::Value = serde_json::from_str(&mlfq(&all)).unwrap();
    (v["stats"].as_array().unwrap().iter())
        .map(|s| (s["response"].as_u64().unwrap(), s["turnaround"].as_u64().unwrap()))
        .collect()
}

/// Two queues of quantum 2, allotment 1; job 0 (start 0, 5 ticks) and job 1 (start 2, 3 ticks),
/// no I/O. Job 0 runs 0–1 at the top and moves down; job 1 arrives at 2, runs 2–3 at the top and
/// moves down behind job 0; job 0 runs 4–5 (TICKS 0: a fresh quantum at the lowest level, to the
/// tail), job 1 runs 6 and ends at 7, job 0 runs 7 and ends at 8. Response 0 and 2 − 2 = 0;
/// turnaround 8 and 7 − 2 = 5; means 0.00 and 6.50. The whole text after the settings' prose,
/// line by line, in mlfq.py's layout.
#[test]
fn two_queues_line_by_line() {
    let out = mlfq(&["-n", "2", "-q", "2", "-l", "0,5,0:2,3,0", "-c"]);
    let head = "\
The settings of this run:
OPTIONS jobs 2
OPTIONS queues 2
OPTIONS allotments for queue  1 is   1
OPTIONS quantum length for queue  1 is   2
OPTIONS allotments for queue  0 is   1
OPTIONS quantum length for queue  0 is   2
OPTIONS boost 0
OPTIONS ioTime 5
OPTIONS stayAfterIO False
OPTIONS iobump False

";
    assert!(out.starts_with(head), "{out}");
    let tail = "\
Job List:
  Job  0: startTime   0 - runTime   5 - ioFreq   0
  Job  1: startTime   2 - runTime   3 - ioFreq   0


Execution Trace:

[ time 0 ] JOB BEGINS by JOB 0
[ time 0 ] Run JOB 0 at PRIORITY 1 [ TICKS 1 ALLOT 1 TIME 4 (of 5) ]
[ time 1 ] Run JOB 0 at PRIORITY 1 [ TICKS 0 ALLOT 1 TIME 3 (of 5) ]
[ time 2 ] JOB BEGINS by JOB 1
[ time 2 ] Run JOB 1 at PRIORITY 1 [ TICKS 1 ALLOT 1 TIME 2 (of 3) ]
[ time 3 ] Run JOB 1 at PRIORITY 1 [ TICKS 0 ALLOT 1 TIME 1 (of 3) ]
[ time 4 ] Run JOB 0 at PRIORITY 0 [ TICKS 1 ALLOT 1 TIME 2 (of 5) ]
[ time 5 ] Run JOB 0 at PRIORITY 0 [ TICKS 0 ALLOT 1 TIME 1 (of 5) ]
[ time 6 ] Run JOB 1 at PRIORITY 0 [ TICKS 1 ALLOT 1 TIME 0 (of 3) ]
[ time 7 ] FINISHED JOB 1
[ time 7 ] Run JOB 0 at PRIORITY 0 [ TICKS 1 ALLOT 1 TIME 0 (of 5) ]
[ time 8 ] FINISHED JOB 0

Final statistics:
  Job  0: startTime   0 - response   0 - turnaround   8
  Job  1: startTime   2 - response   0 - turnaround   5

  Avg  1: startTime n/a - response 0.00 - turnaround 6.50


";
    let at = out.find("Job List:").expect("the job list");
    for (i, (got, want)) in out[at..].lines().zip(tail.lines()).enumerate() {
        assert_eq!(got, want, "line {} of the job list and after", i + 1);
    }
    assert_eq!(&out[at..], tail);
}

/// Job 0 (4 ticks, an I/O after every tick) and job 1 (4 ticks, no I/O), two queues of quantum
/// 2, I/O of 1 tick. Without -S job 0's ticks carry over its I/Os: its quantum runs out at 3, in
/// the tick before its second I/O, and it comes back at the bottom behind job 1; worked tick by
/// tick: 0 J0 (I/O 1–2), 1–2 J1 (down at 3), 3 J0 (down; I/O 4–5), 4–5 J1 (ends at 6), 6 J0 (I/O
/// 7–8), 7 idle, 8 J0 ends at 9. With -S each I/O renews job 0's quantum at the top: 0 J0, 1–2 J1
/// (down), 3 J0 (I/O 4–5), 4 J1, 5 J0 takes the CPU back at the top (I/O 6–7), 6 J1 ends at 7,
/// 7 J0 ends at 8.
#[test]
fn stay_gives_a_fresh_quantum_after_each_io() {
    let base = ["-n", "2", "-q", "2", "-i", "1", "-l", "0,4,1:0,4,0"];
    assert_eq!(stats(&base), vec![(0, 9), (1, 6)]);
    let mut stay = base.to_vec();
    stay.push("-S");
    assert_eq!(stats(&stay), vec![(0, 8), (1, 7)]);
    let out = mlfq(&[&stay[..], &["-c"]].concat());
    let t = trace(&out);
    assert!(t.contains(&"[ time 5 ] IO_DONE by JOB 0"), "{t:?}");
    assert!(t.contains(&"[ time 5 ] Run JOB 0 at PRIORITY 1 [ TICKS 1 ALLOT 1 TIME 1 (of 4) ]"), "{t:?}");
    // mlfq.py's stray line after each I/O start.
    let i = t.iter().position(|l| *l == "[ time 1 ] IO_START by JOB 0").unwrap();
    assert_eq!(t[i + 1], "IO DONE");
}

/// One queue, quantum 10; job 0 (4 ticks, an I/O of 1 after every tick), job 1 (6 ticks).
/// Without -I a woken job 0 waits behind job 1, which keeps the head: J0 0, J1 1–6 (ends at 7),
/// J0 7, 9, 11 with I/Os between: ends at 12. With -I it goes to the head and runs at once: J0 0,
/// 2, 4, 6 (ends at 7), J1 1, 3, 5, 7–9 (ends at 10).
#[test]
fn iobump_puts_a_woken_job_first() {
    let base = ["-n", "1", "-q", "10", "-i", "1", "-l", "0,4,1:0,6,0"];
    assert_eq!(stats(&base), vec![(0, 12), (1, 7)]);
    assert_eq!(stats(&[&base[..], &["-I"]].concat()), vec![(0, 7), (1, 10)]);
}

/// Three queues of quantum 1: jobs 0 and 1 (from 0) and 2 (from 2) each use their top quantum
/// and move to queue 1; job 0 then moves to queue 0 at 3. The boost at 4 appends queue 0's job 0
/// first, then queue 1's jobs 1 and 2 (mlfq.py's lowest-first order): so 0, 1, 2 run at 4, 5, 6
/// at the top.
#[test]
fn a_boost_appends_the_lowest_queue_first() {
    let out = mlfq(&["-n", "3", "-q", "1", "-B", "4", "-l", "0,10,0:0,10,0:2,10,0", "-c"]);
    let t = trace(&out);
    let boost = t.iter().position(|l| *l == "[ time 4 ] BOOST ( every 4 )").expect("a boost at 4");
    assert_eq!(t[boost + 1], "[ time 4 ] Run JOB 0 at PRIORITY 2 [ TICKS 0 ALLOT 1 TIME 7 (of 10) ]");
    assert_eq!(t[boost + 2], "[ time 5 ] Run JOB 1 at PRIORITY 2 [ TICKS 0 ALLOT 1 TIME 8 (of 10) ]");
    assert_eq!(t[boost + 3], "[ time 6 ] Run JOB 2 at PRIORITY 2 [ TICKS 0 ALLOT 1 TIME 8 (of 10) ]");
    let s = Scenario::from_json(&mlfq(&["-n", "3", "-q", "1", "-B", "4", "-l", "0,10,0", "--scenario"])).unwrap();
    let PolicyParams::Mlfq(spec) = &s.scheduler.params else { panic!("mlfq") };
    assert_eq!(spec.boost_period, 4);
}

/// -Q and -A list the queues highest first; mlfq.py prints them from queue n − 1 down.
#[test]
fn quantum_and_allotment_lists() {
    let out = mlfq(&["-Q", "2,4,8", "-A", "1,2,3", "-l", "0,20,0", "-c"]);
    assert!(out.contains("OPTIONS queues 3\nOPTIONS allotments for queue  2 is   1\nOPTIONS quantum length for queue  2 is   2\nOPTIONS allotments for queue  1 is   2\nOPTIONS quantum length for queue  1 is   4\n"));
    // One job: 2 ticks at the top, 2 quanta of 4 in queue 1, then queue 0.
    let t = trace(&out);
    assert_eq!(t[3], "[ time 2 ] Run JOB 0 at PRIORITY 1 [ TICKS 3 ALLOT 2 TIME 17 (of 20) ]");
    assert_eq!(t[7], "[ time 6 ] Run JOB 0 at PRIORITY 1 [ TICKS 3 ALLOT 1 TIME 13 (of 20) ]");
    assert_eq!(t[11], "[ time 10 ] Run JOB 0 at PRIORITY 0 [ TICKS 7 ALLOT 3 TIME 9 (of 20) ]");
}

/// A job arriving late leaves the CPU idle, and I/O makes idle ticks too.
#[test]
fn idle_ticks() {
    let t_out = mlfq(&["-l", "3,1,0", "-c"]);
    let t = trace(&t_out);
    assert_eq!(&t[..4], ["[ time 0 ] IDLE", "[ time 1 ] IDLE", "[ time 2 ] IDLE", "[ time 3 ] JOB BEGINS by JOB 0"]);
    assert!(t_out.contains("  Job  0: startTime   3 - response   0 - turnaround   1\n"));
}

/// `-s 5 -j 3 -m 50 -M 8` draws the jobs CPython draws:
/// `python3 -c "import random; random.seed(5); print([(int(random.random()*49+1), int(random.random()*7+1)) for _ in range(3)])"`
/// prints `[(31, 6), (39, 7), (37, 7)]`.
#[test]
fn seeded_jobs_match_cpython() {
    let out = mlfq(&["-s", "5", "-j", "3", "-m", "50", "-M", "8"]);
    assert!(out.contains(
        "  Job  0: startTime   0 - runTime  31 - ioFreq   6\n  Job  1: startTime   0 - runTime  39 - ioFreq   7\n  Job  2: startTime   0 - runTime  37 - ioFreq   7\n"
    ));
    assert!(!out.contains("Execution Trace"), "no answers without -c");
}

/// The scenario printed with --scenario is MLFQ set as its docs say to follow mlfq.py, with a
/// job's I/Os as a loop, and it replays the run.
#[test]
fn scenario_reloads_and_runs() {
    let args = ["-n", "2", "-q", "2", "-i", "1", "-l", "0,4,1:0,4,0", "-S"];
    let s = Scenario::from_json(&mlfq(&[&args[..], &["--scenario"]].concat())).unwrap();
    assert_eq!(s.scheduler.policy(), Policy::Mlfq);
    let PolicyParams::Mlfq(spec) = &s.scheduler.params else { panic!("mlfq") };
    assert!(spec.reset_on_block && spec.arrivals_before_wakeups && !spec.wake_to_front);
    let (_, r) = threadlab::model::run(&s).unwrap();
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, [8, 7]);
}

/// Bad flags and parameters: exit 1, nothing on stdout, and an error naming the flag.
#[test]
fn bad_flags_name_the_flag() {
    let cases: [(&[&str], &str); 13] = [
        (&["-n", "0"], "-n"),
        (&["-q", "0"], "-q"),
        (&["-a", "0"], "-a"),
        (&["-Q", "3,x"], "-Q"),
        (&["-Q", "3,0"], "-Q"),
        (&["-Q", "3,4", "-A", "1"], "-A"),
        (&["-l", "1,2"], "-l"),
        (&["-l", "0,0,0"], "-l"),
        (&["-l", "-1,3,0"], "-l"),
        (&["-i", "-1"], "-i"),
        (&["-j", "0"], "-j"),
        (&["-m", "0"], "-m"),
        (&["--frob"], "--frob"),
    ];
    for (args, flag) in cases {
        let mut all = vec!["ostep", "mlfq"];
        all.extend_from_slice(args);
        let (code, out, err) = threadlab(&all);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.starts_with(&format!("threadlab: {flag}")), "{args:?}: {err}");
    }
}
