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

/// The script's name in any form, with or without `python`, names the simulator; the text is
/// the CLI's.
#[test]
fn accepts_the_script_as_typed() {
    let expected = cli(&["ostep", "scheduler", "-p", "RR", "-q", "2", "-l", "3,5,1", "-c"]);
    for line in [
        "scheduler -p RR -q 2 -l 3,5,1 -c",
        "./scheduler.py -p RR -q 2 -l 3,5,1 -c",
        "python3 ./cpu-sched/scheduler.py -p RR -q 2 -l 3,5,1 -c",
        "python scheduler.py --policy=RR --quantum 2 --jlist '3,5,1' -c",
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
