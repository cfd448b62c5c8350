//! `threadlab ostep process-run`: OSTEP's cpu-intro/process-run.py on the model. Every row is
//! worked by hand from the rules in `../shared/OSTEP.md`: the clock starts at tick 1; cpu, io
//! and io_done each take a tick of CPU; an io issued at tick T is in flight in ticks T+1…T+L and
//! done at T+L+1, when its io_done may run (row marked `*`); the next process is the first READY
//! one after the current in pid order, wrapping; IO Busy counts ticks with an I/O in flight.

use std::process::Command;

use threadlab::model::scenario::Scenario;
use threadlab::ostep::process_run::{self, Op, ProcessRunOptions};

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn ostep(args: &[&str]) -> String {
    let mut all = vec!["ostep", "process-run"];
    all.extend_from_slice(args);
    let (code, out, err) = threadlab(&all);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// A trace row as process-run prints it: `%3d` and `*` or space, `%14s` per process, the CPU
/// column (`%14s` of 1 or a space) and the IOs column (`%14s` of the count, or `%10s` of a space).
fn row(tick: u32, star: bool, cells: &[&str], cpu: bool, ios: u32) -> String {
    let mut s = format!("{tick:3}{}", if star { '*' } else { ' ' });
    for c in cells {
        s += &format!("{c:>14}");
    }
    s += &format!("{:>14}", if cpu { "1" } else { " " });
    s += &if ios > 0 { format!("{ios:>14}") } else { " ".repeat(10) };
    s
}

/// The trace rows (after the header) of a run.
fn rows(args: &[&str]) -> Vec<String> {
    ostep(args).lines().skip(1).take_while(|l| !l.is_empty()).map(String::from).collect()
}

/// Two CPU-only processes, 5 instructions each: PID 0 runs ticks 1–5, PID 1 ticks 6–10. Total
/// 10, CPU busy 10 (100.00%), IO busy 0. The whole text, line by line.
#[test]
fn cpu_only_text_line_by_line() {
    let mut expected = format!("Time{:>14}{:>14}{:>14}{:>14}\n", "PID: 0", "PID: 1", "CPU", "IOs");
    for t in 1..=10 {
        let cells = if t <= 5 { ["RUN:cpu", "READY"] } else { ["DONE", "RUN:cpu"] };
        expected += &(row(t, false, &cells, true, 0) + "\n");
    }
    expected += "\nStats: Total Time 10\nStats: CPU Busy 10 (100.00%)\nStats: IO Busy  0 (0.00%)\n\n";
    let out = ostep(&["-l", "5:100,5:100", "-c", "-p"]);
    for (i, (got, want)) in out.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", i + 1);
    }
    assert_eq!(out, expected);
}

/// PID 0: io; PID 1: 4 cpu; L = 5. Tick 1 PID 0 issues the I/O (in flight 2–6, done at 7) and
/// the CPU switches to PID 1 (ticks 2–5); tick 6 idle; tick 7* io_done. Total 7; CPU busy 6
/// (600/7 = 85.71%); IO busy 5 (500/7 = 71.43%).
#[test]
fn switch_on_io() {
    let expected = [
        row(1, false, &["RUN:io", "READY"], true, 0),
        row(2, false, &["BLOCKED", "RUN:cpu"], true, 1),
        row(3, false, &["BLOCKED", "RUN:cpu"], true, 1),
        row(4, false, &["BLOCKED", "RUN:cpu"], true, 1),
        row(5, false, &["BLOCKED", "RUN:cpu"], true, 1),
        row(6, false, &["BLOCKED", "DONE"], false, 1),
        row(7, true, &["RUN:io_done", "DONE"], true, 0),
    ];
    assert_eq!(rows(&["-P", "i:c4", "-c", "-p"]), expected);
    let out = ostep(&["-P", "i:c4", "-c", "-p"]);
    assert!(out.ends_with("Stats: Total Time 7\nStats: CPU Busy 6 (85.71%)\nStats: IO Busy  5 (71.43%)\n\n"));
}

/// The same with SWITCH_ON_END: the CPU idles in ticks 2–6 while PID 0 waits; io_done at 7*,
/// then PID 1 runs 8–11. Total 11; CPU busy 6 (54.55%); IO busy 5 (45.45%).
#[test]
fn switch_on_end_idles_while_blocked() {
    let mut expected = vec![row(1, false, &["RUN:io", "READY"], true, 0)];
    expected.extend((2..=6).map(|t| row(t, false, &["BLOCKED", "READY"], false, 1)));
    expected.push(row(7, true, &["RUN:io_done", "READY"], true, 0));
    expected.extend((8..=11).map(|t| row(t, false, &["DONE", "RUN:cpu"], true, 0)));
    assert_eq!(rows(&["-P", "i:c4", "-S", "SWITCH_ON_END", "-c"]), expected);
    let v = json(&["-P", "i:c4", "-S", "SWITCH_ON_END"]);
    assert_eq!(v["stats"]["total_time"], 11);
    assert_eq!(v["stats"]["cpu_busy"], 6);
    assert_eq!(v["stats"]["io_busy"], 5);
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ostep(&all)).unwrap()
}

/// PID 0: io, cpu; PID 1: 8 cpu; L = 2. The I/O issued at tick 1 is done at 4*.
/// IO_RUN_LATER: PID 0 waits READY while PID 1 runs ticks 2–9; then io_done 10, cpu 11.
/// IO_RUN_IMMEDIATE: PID 0 runs io_done at 4 and cpu at 5, PID 1 goes back to READY and runs
/// its last 6 ticks 6–11. Both end at 11 with the CPU always busy, but the rows differ.
#[test]
fn io_run_later_and_immediate_differ() {
    let later = rows(&["-P", "i,c1:c8", "-L", "2", "-c"]);
    assert_eq!(later[3], row(4, true, &["READY", "RUN:cpu"], true, 0));
    assert_eq!(later[9], row(10, false, &["RUN:io_done", "DONE"], true, 0));
    assert_eq!(later.len(), 11);
    let now = rows(&["-P", "i,c1:c8", "-L", "2", "-I", "IO_RUN_IMMEDIATE", "-c"]);
    assert_eq!(now[3], row(4, true, &["RUN:io_done", "READY"], true, 0));
    assert_eq!(now[4], row(5, false, &["RUN:cpu", "READY"], true, 0));
    assert_eq!(now[5], row(6, false, &["DONE", "RUN:cpu"], true, 0));
    assert_eq!(now.len(), 11);
}

/// The next process is the first READY one after the current, not the one ready longest.
/// PID 0: io (L = 2, done at 4); PID 1: 5 cpu; PID 2: 2 cpu; IO_RUN_IMMEDIATE. PID 1 runs 2–3,
/// is sent back to READY at 4 when PID 0's io_done runs; PID 0 is then DONE and the search
/// starts after PID 0, so PID 1 (ready since 4) runs 5–7 before PID 2 (ready since 0), 8–9.
/// Total 9; IO busy 2 (22.22%).
#[test]
fn next_process_is_round_robin_by_pid() {
    let got = rows(&["-P", "i:c5:c2", "-L", "2", "-I", "IO_RUN_IMMEDIATE", "-c", "-p"]);
    assert_eq!(got[3], row(4, true, &["RUN:io_done", "READY", "READY"], true, 0));
    assert_eq!(got[4], row(5, false, &["DONE", "RUN:cpu", "READY"], true, 0));
    assert_eq!(got[7], row(8, false, &["DONE", "DONE", "RUN:cpu"], true, 0));
    assert_eq!(got.len(), 9);
    assert!(ostep(&["-P", "i:c5:c2", "-L", "2", "-I", "IO_RUN_IMMEDIATE", "-c", "-p"]).contains("IO Busy  2 (22.22%)"));
}

/// -L 0: the I/O issued at tick 1 is done at tick 2 and never in flight. PID 0 (three io) and
/// PID 1 (two cpu): tick 1 io; 2* PID 0 READY, PID 1 runs 2–3; PID 0 io_done 4, io 5, 6*
/// io_done (alone, so it runs at once), io 7, 8* io_done. Total 8, CPU busy 8, IO busy 0.
#[test]
fn zero_length_io() {
    let got = rows(&["-P", "i,i,i:c2", "-L", "0", "-c"]);
    assert_eq!(got[1], row(2, true, &["READY", "RUN:cpu"], true, 0));
    assert_eq!(got[3], row(4, false, &["RUN:io_done", "DONE"], true, 0));
    assert_eq!(got[5], row(6, true, &["RUN:io_done", "DONE"], true, 0));
    assert_eq!(got.len(), 8);
    let v = json(&["-P", "i,i,i:c2", "-L", "0"]);
    assert_eq!((v["stats"]["cpu_busy"].as_u64(), v["stats"]["io_busy"].as_u64()), (Some(8), Some(0)));
}

/// Seeded processes are CPython's draws: `python3 -c "import random; random.seed(1);
/// print([random.random() < 0.5 for _ in range(6)])"` gives [T, F, F, T, T, T], so
/// `-s 1 -l 3:50,3:50` is PID 0: cpu, io, io_done, io, io_done and PID 1: cpu, cpu, cpu.
/// Seed 2 gives [F, F, T, T, F, F].
#[test]
fn seeded_processes_are_cpythons() {
    let w = |seed| {
        let o = ProcessRunOptions { seed, process_list: "3:50,3:50".into(), ..Default::default() };
        process_run::workload(&o).unwrap().processes
    };
    use Op::*;
    assert_eq!(w(1), [vec![Cpu, Io, IoDone, Io, IoDone], vec![Cpu, Cpu, Cpu]]);
    assert_eq!(w(2), [vec![Io, IoDone, Io, IoDone, Cpu], vec![Cpu, Io, IoDone, Io, IoDone]]);
    // Without -c the listing shows them.
    let out = ostep(&["-s", "1", "-l", "3:50,3:50"]);
    let listing: Vec<&str> = out.lines().skip(1).take(7).collect();
    assert_eq!(listing, ["Process 0", "  cpu", "  io", "  io_done", "  io", "  io_done", ""]);
    assert!(!out.contains("Time"));
}

/// The scenario printed with --scenario is a valid model scenario on the process_run policy.
#[test]
fn scenario_reloads_and_runs() {
    let (code, out, _) = threadlab(&["ostep", "process-run", "-P", "i:c4", "-S", "SWITCH_ON_END", "--scenario"]);
    assert_eq!(code, 0);
    let s = Scenario::from_json(&out).unwrap();
    assert_eq!(s.scheduler.policy(), threadlab::model::scenario::Policy::ProcessRun);
    let (_, r) = threadlab::model::run(&s).unwrap();
    // Model tick k − 1 is OSTEP's tick k: PID 0 ends after tick 7, PID 1 after tick 11.
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, [7, 11]);
}

/// Bad flags and parameters: exit 1, nothing on stdout, and an error naming the flag.
#[test]
fn bad_flags_name_the_flag() {
    let cases: [(&[&str], &str); 9] = [
        (&[], "-l"),
        (&["-l", "3"], "-l"),
        (&["-l", "0:50"], "-l"),
        (&["-l", "3:x"], "-l"),
        (&["-P", "c3,x"], "-P"),
        (&["-P", "c3:"], "-P"),
        (&["-P", "i5"], "-P"),
        (&["-l", "3:50", "-L", "-1"], "-L"),
        (&["-l", "3:50", "-S", "SWITCH_ON_X"], "-S: `SWITCH_ON_X` is not a switch rule"),
    ];
    for (args, flag) in cases {
        let mut all = vec!["ostep", "process-run"];
        all.extend_from_slice(args);
        let (code, out, err) = threadlab(&all);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}
