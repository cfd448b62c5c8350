//! The page's entry point, `threadlab::ostep::run_command`: a command line as a teacher types it
//! gives the text the CLI prints, the scenario to open, and the report; errors name the flag.

use std::process::Command;

use threadlab::model::scenario::Policy;
use threadlab::ostep::{Output, Simulator, run_command};

fn cli(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The script's name in any form, with or without `python`, or after the CLI's `threadlab
/// ostep`, names the simulator; the text is the CLI's.
#[test]
fn accepts_the_script_as_typed() {
    let expected = cli(&["ostep", "scheduler", "-p", "RR", "-q", "2", "-l", "3,5,1", "-c"]);
    for line in [
        "scheduler -p RR -q 2 -l 3,5,1 -c",
        "./scheduler.py -p RR -q 2 -l 3,5,1 -c",
        "python3 ./cpu-sched/scheduler.py -p RR -q 2 -l 3,5,1 -c",
        "python scheduler.py --policy=RR --quantum 2 --jlist '3,5,1' -c",
        // As the CLI's own command is written (a walk found these refused).
        "ostep scheduler -p RR -q 2 -l 3,5,1 -c",
        "threadlab ostep scheduler -p RR -q 2 -l 3,5,1 -c",
    ] {
        let run = run_command(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(run.simulator, Simulator::Scheduler);
        assert_eq!(run.text, expected, "{line}");
        assert_eq!(run.output, Output::Text);
        // RR, q = 2 over 3, 5, 1 ends at 6, 9 and 5 (worked in tests/ostep_scheduler.rs).
        assert_eq!((run.scenario.scheduler.policy(), run.scenario.scheduler.quantum()), (Policy::RoundRobin, Some(2)));
        let (_, r) = threadlab::model::run(&run.scenario).unwrap();
        let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
        assert_eq!(done, [6, 9, 5]);
    }
    let run = run_command("process_run.py -P c1:c2 -c --json").unwrap();
    assert_eq!((run.simulator, run.output), (Simulator::ProcessRun, Output::Json));
    assert_eq!(run.report["stats"]["total_time"], 3);
}

/// Every simulator runs from a line, and its scenario is what `--scenario` prints.
#[test]
fn every_simulator_and_its_scenario() {
    for (line, sim) in [
        ("mlfq.py -l 0,5,0:2,3,0 -n 2 -q 2 -c", Simulator::Mlfq),
        ("lottery.py -l 3:10,2:20 -q 2 -c", Simulator::Lottery),
        ("multi.py -L a:30:100 -n 1 -c", Simulator::Multi),
    ] {
        let run = run_command(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(run.simulator, sim);
        let mut args = vec!["ostep"];
        args.extend(line.split_whitespace());
        assert_eq!(run.text, cli(&args), "{line}");
        args.push("--scenario");
        let printed: serde_json::Value = serde_json::from_str(&cli(&args)).unwrap();
        assert_eq!(serde_json::to_value(&run.scenario).unwrap(), printed, "{line}");
    }
}

/// Errors say which word or flag is wrong; -h gives the help.
#[test]
fn errors_and_help() {
    let flag = |line: &str| run_command(line).unwrap_err().flag;
    assert_eq!(flag("sched.py -c"), "`sched.py`");
    assert_eq!(flag("mlfq -l '0,5,0"), "`mlfq -l '0,5,0`");
    assert_eq!(flag("lottery -q"), "-q");
    assert_eq!(flag("multi -x"), "-x");
    assert_eq!(flag("mlfq -c extra"), "`extra`");
    assert_eq!(flag(""), "ostep");
    let help = run_command("./mlfq.py -h").unwrap_err();
    assert!(help.is_help() && help.message.contains("--quantumList QUANTUM_LIST"), "{help}");
    let list = run_command("--help").unwrap_err();
    assert!(list.is_help() && list.message.contains("multi"), "{list}");
}

/// An empty value or list item is called empty, with the flag and the item's place, never
/// "`` is not a number" (which the page shows as "job 1:  is not a number", nothing named);
/// the CLI says the same words on stderr.
#[test]
fn empty_values_are_named() {
    let cases: [(&str, &str, &str); 12] = [
        ("scheduler -l 3,,1 -c", "-l", "job 1 is empty (nothing between two commas)"),
        ("scheduler -l ,3 -c", "-l", "job 0 is empty (nothing before the first of the commas)"),
        ("scheduler -l 3,5, -c", "-l", "job 2 is empty (nothing after the last of the commas)"),
        ("scheduler -l '' -c", "-l", "the value is empty: give one, or leave the flag out for its default"),
        ("scheduler -j '' -c", "-j", "the value is empty: give one, or leave the flag out for its default"),
        ("lottery -l 10:1,10: -c", "-l", "job 1: tickets: empty: write an integer like 3"),
        ("mlfq -Q 10,,5 -c", "-Q", "entry 1 is empty (nothing between two commas)"),
        ("mlfq -l 0,5,0::0,5,0 -c", "-l", "job 1 is empty (nothing between two colons)"),
        ("multi -L a:10:5,,b:10:5 -c", "-L", "job 1 is empty (nothing between two commas)"),
        ("multi -L a:10:5 -A a:0. -c", "-A", "job a: CPU 1 is empty (nothing after the last of the dots)"),
        ("process-run -P c3,,i -c", "-P", "process 0: instruction 1 is empty (nothing between two commas)"),
        ("process-run -l 3: -c", "-l", "process 0: the percentage after `:` is empty: write a number like 50"),
    ];
    for (line, flag, message) in cases {
        let e = run_command(line).unwrap_err();
        assert_eq!((e.flag.as_str(), e.message.as_str()), (flag, message), "{line}");
        let words = shlex::split(line).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).arg("ostep").args(&words).output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "{line}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(&format!("{flag}: {message}")), "{line}: {stderr}");
    }
}

/// Only the numbers and the layout are the simulators': every sentence printed (a line with no
/// digit and three words or more) is one of ours, listed here, so a new one is a choice made
/// on purpose. None is one of OSTEP's own (they were compared with the scripts, read at
/// remzi-arpacidusseau/ostep-homework; the stock opening "Here is the …" of two of them is
/// checked for below). Headings of two words (`Final statistics:`, `Job List:`) and the data
/// lines (`ARG …`, `OPTIONS …`) are layout and stay OSTEP's, so the lines still pair up.
#[test]
fn the_sentences_printed_are_our_own() {
    let ours = [
        "The jobs, each with the CPU time it needs:",
        "For each job, work out its response time, turnaround time and wait time.",
        "make other problems.",
        "The settings of this run:",
        "Each job below is given by:",
        "  startTime : when it arrives",
        "  runTime   : the CPU time it needs in all",
        "  ioFreq    : it starts an I/O after every ioFreq units of CPU",
        "              (each I/O lasts ioTime units)",
        "Work out which job runs in each tick, and, if you like, each job's response",
        "and turnaround times. Then run the same command with -c to check.",
        "The draws will use these random numbers, in order (not all may be needed):",
        "Work out, tick by tick, what happens when these processes run:",
        "  The CPU switches when the running process finishes or issues an I/O",
        "  The CPU switches only when the running process finishes",
        "  A process whose I/O completes runs later, when its turn comes",
        "  A process whose I/O completes runs at once",
    ];
    let lines = [
        "scheduler -p RR -q 2 -l 3,5,1",
        "scheduler -p SJF -l 3,5,1 -c",
        "scheduler -s 3 -j 4",
        "mlfq -n 2 -l 0,20,0:0,10,3",
        "mlfq -n 2 -l 0,20,0:0,10,3 -c",
        "lottery -l 3:10,2:20",
        "lottery -l 3:10,2:20 -c",
        "process-run -l 3:0,2:100",
        "process-run -l 3:0,2:100 -S SWITCH_ON_END -I IO_RUN_IMMEDIATE",
        "process-run -l 3:0,2:100 -c -p",
        "multi -L a:30:200,b:20:50 -n 2 -c -t",
        "multi -L a:30:200,b:20:50 -n 2 -p -c -t -T -C",
    ];
    let words = |l: &str| l.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count();
    let (mut seen, mut unknown) = (std::collections::BTreeSet::new(), Vec::new());
    for line in lines {
        let text = run_command(line).unwrap_or_else(|e| panic!("{line}: {e}")).text;
        for l in text.lines() {
            assert!(!l.trim_start().starts_with("Here is"), "{line}: OSTEP's wording: {l:?}");
            let data = ["ARG ", "OPTIONS ", "Scheduler "].iter().any(|p| l.starts_with(p));
            if !data && !l.chars().any(|c| c.is_ascii_digit()) && words(l) >= 3 {
                if !ours.contains(&l) {
                    unknown.push(format!("{line}: {l:?}"));
                }
                seen.insert(l.to_string());
            }
        }
    }
    assert!(unknown.is_empty(), "sentences not in our list: {unknown:#?}");
    // Every listed sentence is still printed by one of the lines (the list is not stale).
    let unseen: Vec<&&str> = ours.iter().filter(|s| !seen.contains(**s)).collect();
    assert!(unseen.is_empty(), "listed but not printed: {unseen:?}");
}
