//! `threadlab ostep lottery`: OSTEP's cpu-sched-lottery/lottery.py on the model. Expected
//! numbers are worked by hand from the rules in `../shared/OSTEP.md` (lottery.py section): per
//! quantum `r = int(random() · 1000001)`, winner `r % total`, the first job in index order whose
//! running ticket sum exceeds it runs; a finished job's tickets leave the total; lottery.py's
//! clock advances a whole quantum per draw. The random numbers are CPython's:
//! `python3 -c "import random; random.seed(0); print([int(random.random()*1000001) for _ in range(3)])"`
//! prints `[844422, 757955, 420572]`.

use std::process::Command;

use threadlab::model::scenario::{PolicyParams, Scenario};

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn lottery(args: &[&str]) -> String {
    let mut all = vec!["ostep", "lottery"];
    all.extend_from_slice(args);
    let (code, out, err) = threadlab(&all);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// Jobs 0 (3 ticks, 10 tickets) and 1 (2 ticks, 20 tickets), quantum 2, seed 0. Draw 1:
/// 844422 % 30 = 12, tickets 10–29 are job 1's: it runs its 2 ticks and is done at 2. Draw 2:
/// 757955 % 10 = 5, job 0 (1 left). Draw 3: 420572 % 10 = 2, job 0 runs its last tick and is
/// done at 6 (three quanta). The whole text, line by line, in lottery.py's layout.
#[test]
fn two_jobs_line_by_line() {
    let expected = "\
ARG jlist 3:10,2:20
ARG jobs 3
ARG maxlen 10
ARG maxticket 100
ARG quantum 2
ARG seed 0

The jobs, each with the CPU time it needs:
  Job 0 ( length = 3, tickets = 10 )
  Job 1 ( length = 2, tickets = 20 )


** Solutions **

Random 844422 -> Winning ticket 12 (of 30) -> Run 1
  Jobs:
 (  job:0 timeleft:3 tix:10 )  (* job:1 timeleft:2 tix:20 ) 
--> JOB 1 DONE at time 2
Random 757955 -> Winning ticket 5 (of 10) -> Run 0
  Jobs:
 (* job:0 timeleft:3 tix:10 )  (  job:1 timeleft:0 tix:--- ) 
Random 420572 -> Winning ticket 2 (of 10) -> Run 0
  Jobs:
 (* job:0 timeleft:1 tix:10 )  (  job:1 timeleft:0 tix:--- ) 
--> JOB 0 DONE at time 6

";
    let out = lottery(&["-l", "3:10,2:20", "-q", "2", "-c"]);
    for (i, (got, want)) in out.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", i + 1);
    }
    assert_eq!(out, expected);
}

/// lottery.py charges a whole quantum to a job that ends early. Jobs 0 (1 tick) and 1 (4),
/// 10 tickets each, quantum 3, seed 0: 844422 % 20 = 2 → job 0, done after 1 tick but charged
/// to 3; 757955 % 10 = 5 → job 1 runs 3–6; 420572 % 10 = 2 → job 1 runs 6–7, done "at 9"
/// (three quanta). In the model (`full_quantum`) the CPU idles 1–3, so job 1 first runs at 3 and
/// completes at 7; without the quirk it would start at 1 and complete at 5.
#[test]
fn a_job_that_ends_early_is_charged_the_whole_quantum() {
    let out = lottery(&["-l", "1:10,4:10", "-q", "3", "-c"]);
    assert!(out.contains("--> JOB 0 DONE at time 3\n"), "{out}");
    assert!(out.contains("--> JOB 1 DONE at time 9\n"), "{out}");
    let mut s = Scenario::from_json(&lottery(&["-l", "1:10,4:10", "-q", "3", "--scenario"])).unwrap();
    let (_, r) = threadlab::model::run(&s).unwrap();
    assert_eq!((r.metrics.threads[1].first_run, r.metrics.threads[1].completion), (Some(3), Some(7)));
    let PolicyParams::Lottery(spec) = &mut s.scheduler.params else { panic!("lottery") };
    assert!(spec.full_quantum);
    spec.full_quantum = false;
    let (_, r) = threadlab::model::run(&s).unwrap();
    assert_eq!((r.metrics.threads[1].first_run, r.metrics.threads[1].completion), (Some(1), Some(5)));
}

/// The JSON gives every draw and when each job is done (lottery.py's clock).
#[test]
fn json_lists_the_draws() {
    let v: serde_json::Value = serde_json::from_str(&lottery(&["-l", "3:10,2:20", "-q", "2", "--json"])).unwrap();
    let numbers: Vec<u64> = v["draws"].as_array().unwrap().iter().map(|d| d["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [844422, 757955, 420572]);
    assert_eq!(v["finished"], serde_json::json!([{ "job": 1, "done_at": 2 }, { "job": 0, "done_at": 6 }]));
}

/// `-s 1 -j 2` draws CPython's jobs, then the draws go on from there:
/// `python3 -c "import random; random.seed(1); ..."` with lottery.py's loops (length
/// `int(10·random())` and tickets `int(100·random())`, each redrawn while 0) gives jobs (1, 84)
/// and (7, 25), and the next two numbers `int(random()*1000001)` are 495435 and 449491.
#[test]
fn seeded_jobs_and_numbers_match_cpython() {
    let out = lottery(&["-s", "1", "-j", "2"]);
    assert!(out.contains("  Job 0 ( length = 1, tickets = 84 )\n  Job 1 ( length = 7, tickets = 25 )\n"), "{out}");
    // Without -c: the numbers the draws will use, one per tick of work (8).
    let numbers: Vec<&str> = out.lines().filter(|l| l.starts_with("Random ")).collect();
    assert_eq!(numbers.len(), 8);
    assert_eq!(numbers[..2], ["Random 495435", "Random 449491"]);
    assert!(!out.contains("Solutions"));
}

/// The scenario draws from Python's generator past the outputs the jobs used: with `-s 1 -j 2`
/// the first draw (495435 % 109 = 30, below job 0's 84 tickets) runs job 0.
#[test]
fn scenario_draws_where_the_jobs_left_off() {
    let s = Scenario::from_json(&lottery(&["-s", "1", "-j", "2", "--scenario"])).unwrap();
    let text = serde_json::to_string(&s.scheduler).unwrap();
    assert!(text.contains("\"python_random\""), "{text}");
    let (_, r) = threadlab::model::run(&s).unwrap();
    assert_eq!(r.metrics.threads[0].first_run, Some(0));
}

/// Bad flags and parameters: exit 1, nothing on stdout, and an error naming the flag.
#[test]
fn bad_flags_name_the_flag() {
    let cases: [(&[&str], &str); 9] = [
        (&["-q", "0"], "-q"),
        (&["-l", "3"], "-l"),
        (&["-l", "3:0"], "-l"),
        (&["-l", "x:1"], "-l"),
        (&["-m", "1"], "-m"),
        (&["-T", "1"], "-T"),
        (&["-j", "0"], "-j"),
        (&["-s", "1180591620717411303424"], "-s"),
        (&["--quantum"], "--quantum"),
    ];
    for (args, flag) in cases {
        let mut all = vec!["ostep", "lottery"];
        all.extend_from_slice(args);
        let (code, out, err) = threadlab(&all);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.starts_with(&format!("threadlab: {flag}")), "{args:?}: {err}");
    }
}
