//! The OSTEP mode's worker's job (`threadlab::workers::ostep::OstepWorker`), driven as the worker
//! binary drives it, with the reader worker's and the simulation worker's own handlers standing
//! in for its nested workers (as `tests/lab_jobs.rs` does for a lab worker): for a command line
//! it gives exactly what `threadlab::ostep::run_command` gives (the text `threadlab ostep`
//! prints, and the scenario, which the page's reader reads back as the same scenario), the help
//! for `-h`, and a bad flag by name.

mod common;

use threadlab::messaging::ostep::{FromOstep, OstepAnswer, ToOstep};
use threadlab::messaging::reader::{FromReader, ReadJob};
use threadlab::messaging::{FromWorker, Reply};
use threadlab::model::Scenario;
use threadlab::ostep::{self, Simulator};
use threadlab::workers::ostep::{Lines, OstepWorker, Out};
use threadlab::workers::reader;

/// Sends `line` (id 5) to a fresh OSTEP worker (see [`common::nested::ask`]). Returns what
/// reached the page.
fn ask(line: &str) -> Vec<FromOstep> {
    common::nested::ask(Lines, 5, line.to_string(), 1.0)
}

/// The page's answer to `line`: the one message that reaches it.
fn answer(line: &str) -> OstepAnswer {
    match ask(line).as_slice() {
        [FromOstep::Done { id: 5, answer }] => answer.clone(),
        other => panic!("{line}: {other:?}"),
    }
}

/// A command line for each simulator, and the name its opened scenario takes (worked out by
/// hand: `OSTEP: `, the simulator's name, its flags without `-c`).
const LINES: [(&str, &str); 7] = [
    ("scheduler -p RR -q 2 -l 3,5,1 -c", "OSTEP: scheduler -p RR -q 2 -l 3,5,1"),
    ("./scheduler.py -p SJF -l 100,200,300", "OSTEP: scheduler -p SJF -l 100,200,300"),
    ("process-run -l 5:100,5:100 -c -p", "OSTEP: process-run -l 5:100,5:100 -p"),
    ("python3 cpu-sched-mlfq/mlfq.py -n 3 -q 10 -l 0,200,0:100,20,0 -c", "OSTEP: mlfq -n 3 -q 10 -l 0,200,0:100,20,0"),
    ("lottery -s 1 -j 3 -c", "OSTEP: lottery -s 1 -j 3"),
    ("multi -n 2 -L a:100:100,b:100:50,c:100:50 -c -t -p", "OSTEP: multi -n 2 -L a:100:100,b:100:50,c:100:50 -t -p"),
    // The program's text (as the page sends it) is left out of the name.
    (
        "threads-intro/x86.py -p c.s -t 2 -i 2 -M 2000 -c --program-text '.main\nmov 2000, %ax\nadd $1, %ax\nmov %ax, 2000\nhalt\n'",
        "OSTEP: x86 -p c.s -t 2 -i 2 -M 2000",
    ),
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
    assert_eq!(printed, ostep::run_command(&format!("{line} --json")).expect("runs").printed());
    let (printed, scenario) = ran(&format!("{line} --scenario"));
    assert_eq!(printed, ostep::run_command(&format!("{line} --scenario")).expect("runs").printed());
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

#[test]
fn a_worker_s_crash_reaches_the_page_and_an_old_answer_is_ignored() {
    let mut worker = OstepWorker::new(Lines);
    for out in [worker.from_reader(FromReader::Ready, Vec::new()), worker.from_sim(FromWorker::Ready, Vec::new(), 0.0)]
    {
        assert_eq!(out, []);
    }
    // Line 1's read is sent; line 2 replaces it (request 2): an answer about request 1 is
    // ignored.
    let sent = worker.from_page(ToOstep::Start { id: 1, job: "scheduler -l 1".into() }, 0.0);
    assert!(matches!(sent.as_slice(), [Out::Reader(_)]), "{sent:?}");
    worker.from_page(ToOstep::Start { id: 2, job: "scheduler -l 2".into() }, 0.0);
    let old = worker.from_sim(FromWorker::Done { id: 1, reply: Reply::Run { millis: 1.0 } }, vec![Vec::new()], 0.0);
    assert_eq!(old, []);
    // A crash of its reader: the page hears it, and must replace the worker.
    let out = worker.from_reader(FromReader::Crashed { message: "boom".into() }, Vec::new());
    let [Out::Page(FromOstep::Crashed { message })] = out.as_slice() else { panic!("{out:?}") };
    assert!(message.contains("its reader stopped: boom"), "{message}");
}
