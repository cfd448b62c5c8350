//! The OSTEP mode's worker's job (`threadlab::workers::ostep::answer`): for a command line it
//! gives exactly what `threadlab::ostep::run_command` gives (the text `threadlab ostep` prints,
//! and the scenario, which the page's reader reads back as the same scenario), the help for
//! `-h`, and a bad flag by name.

use threadlab::messaging::ostep::OstepAnswer;
use threadlab::messaging::reader::ReadJob;
use threadlab::model::Scenario;
use threadlab::ostep::{self, Simulator};
use threadlab::workers::ostep::answer;
use threadlab::workers::reader;

/// A command line for each simulator, and the name its opened scenario takes (worked out by
/// hand: `OSTEP: `, the simulator's name, its flags without `-c`).
const LINES: [(&str, &str); 6] = [
    ("scheduler -p RR -q 2 -l 3,5,1 -c", "OSTEP: scheduler -p RR -q 2 -l 3,5,1"),
    ("./scheduler.py -p SJF -l 100,200,300", "OSTEP: scheduler -p SJF -l 100,200,300"),
    ("process-run -l 5:100,5:100 -c -p", "OSTEP: process-run -l 5:100,5:100 -p"),
    ("python3 cpu-sched-mlfq/mlfq.py -n 3 -q 10 -l 0,200,0:100,20,0 -c", "OSTEP: mlfq -n 3 -q 10 -l 0,200,0:100,20,0"),
    ("lottery -s 1 -j 3 -c", "OSTEP: lottery -s 1 -j 3"),
    ("multi -n 2 -L a:100:100,b:100:50,c:100:50 -c -t -p", "OSTEP: multi -n 2 -L a:100:100,b:100:50,c:100:50 -t -p"),
];

fn ran(line: &str) -> (String, String) {
    match answer(line) {
        OstepAnswer::Ran { printed, scenario } => (printed, scenario),
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn a_command_line_gives_ostep_s_text_and_the_run_s_scenario() {
    for (line, name) in LINES {
        let run = ostep::run_command(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let (printed, scenario) = ran(line);
        // No --json or --scenario: the CLI prints OSTEP's text as it is.
        assert_eq!(printed, run.text, "{line}");
        // The scenario crosses as JSON text: read back, it is the run's, under the line's name.
        let read = Scenario::from_json(&scenario).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(read.name, name, "{line}");
        assert_eq!(Scenario { name: run.scenario.name.clone(), ..read }, run.scenario, "{line}");
        // The page's reader (the path an opened scenario takes) reads and loads it.
        let job = ReadJob { text: scenario.clone(), edits: Vec::new(), draft: None, fault: None };
        let read = reader::read(&job).unwrap_or_else(|e| panic!("{line}: the reader refuses it: {e}"));
        assert_eq!(read.summary.name, name, "{line}");
    }
}

#[test]
fn json_and_scenario_switches_print_what_the_cli_prints() {
    // `threadlab ostep … --json` prints the report and `--scenario` the scenario, pretty JSON
    // and a newline; the page shows the same.
    let line = "scheduler -p FIFO -l 2,1";
    let run = ostep::run_command(line).expect("runs");
    let (printed, _) = ran(&format!("{line} --json"));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&printed).expect("JSON"), run.report);
    assert!(printed.ends_with("}\n"));
    let (printed, scenario) = ran(&format!("{line} --scenario"));
    assert_eq!(Scenario::from_json(&printed).expect("a scenario"), run.scenario);
    // The scenario opened is named after the line without the output switch.
    assert_eq!(Scenario::from_json(&scenario).expect("a scenario").name, "OSTEP: scheduler -p FIFO -l 2,1");
}

#[test]
fn a_bad_flag_is_named_and_help_is_not_an_error() {
    // A quantum that is not a number: `-q` is named, in run_command's words.
    let e = ostep::run_command("scheduler -p RR -q x -l 3,5,1").expect_err("bad quantum");
    assert_eq!(e.flag, "-q");
    assert_eq!(
        answer("scheduler -p RR -q x -l 3,5,1"),
        OstepAnswer::Refused { flag: "-q".into(), message: e.message.clone() }
    );
    // A flag the simulator does not take.
    let OstepAnswer::Refused { flag, .. } = answer("mlfq -z 3") else { panic!("-z is not mlfq's") };
    assert_eq!(flag, "-z");
    // An unknown simulator names the word.
    let OstepAnswer::Refused { flag, .. } = answer("fifo -c") else { panic!("no simulator fifo") };
    assert_eq!(flag, "`fifo`");
    // -h: the simulator's help, as the CLI prints it.
    assert_eq!(answer("lottery -h"), OstepAnswer::Help { text: Simulator::Lottery.help() });
    let OstepAnswer::Help { text } = answer("help") else { panic!("help lists the simulators") };
    assert!(Simulator::ALL.iter().all(|s| text.contains(s.name())), "{text}");
}
