//! The OSTEP mode's worker's job, without the browser: a command line in, what the page shows
//! out, as a [`Planner`] for the nested-workers driver ([`super::nested`]) that a lab worker
//! uses too. The worker binary (`src/bin/ostep_worker.rs`, through
//! `src/workers/nested_web.rs`) only moves messages; the native tests drive [`OstepWorker`] with
//! the reader worker's and the simulation worker's own handlers standing in for its nested
//! workers, as `tests/lab_jobs.rs` does for a lab worker.
//!
//! A line is read by [`ostep::prepare_command`]: OSTEP's flags, its workload (its seeded jobs
//! from Python's RNG) and the model scenario that reproduces it, but no run. The scenario goes
//! as JSON text to the worker's reader worker, whose loaded run goes as it came to its
//! simulation worker (the path every run of the page takes), and the run's result comes back
//! here to be printed as `threadlab ostep` prints it ([`ostep::Prepared::finish`]). So this
//! module links neither the scenario reader nor the simulation's kernel. `-h` and a bad flag
//! are answered at once.

use std::convert::Infallible;

use super::nested::{Begin, Nested, Planner, Runs};
use crate::messaging::ostep::{Ostep, OstepAnswer};
use crate::messaging::reader::ReadJob;
use crate::messaging::wire::RunBytes;
use crate::model::ScenarioError;
use crate::ostep::{self, OstepError, Prepared, Ran};

/// Where the OSTEP worker's message goes.
pub type Out = super::nested::Out<OstepAnswer>;

/// The OSTEP worker's state: `OstepWorker::new(Lines)`.
pub type OstepWorker = Nested<Lines>;

/// How the OSTEP worker reads a command line.
pub struct Lines;

impl Planner for Lines {
    type Talk = Ostep;
    type Runs = Line;
    /// A line needs no read before its run.
    type Pending = Infallible;

    /// `-h` or a bad flag is answered at once, else the line's scenario is run.
    fn begin(&self, line: String) -> Begin<Self> {
        let prepared = match ostep::prepare_command(&line) {
            Ok(prepared) => prepared,
            Err(e) => return Begin::Answer(refused(e)),
        };
        let mut scenario = prepared.scenario.clone();
        scenario.name = scenario_name(&line, prepared.simulator);
        Begin::Runs(Line { prepared, scenario: pretty(&scenario) })
    }

    fn planned(&self, pending: Infallible, _: Result<Vec<Vec<u8>>, ScenarioError>) -> Result<Line, String> {
        match pending {}
    }
}

/// A line read: what it prints from its run, and its scenario's text (run, and what the page
/// opens).
pub struct Line {
    prepared: Prepared,
    scenario: String,
}

impl Runs for Line {
    type Answer = OstepAnswer;

    /// The scenario, one run.
    fn reads(&self) -> Vec<ReadJob> {
        vec![ReadJob { text: self.scenario.clone(), edits: Vec::new(), draft: None, fault: None }]
    }

    /// What `threadlab ostep` prints from the run, or why it cannot (a budget ran out).
    fn finish(self, results: &[RunBytes]) -> OstepAnswer {
        let [bytes] = results else { unreachable!("one read, one result") };
        let ran = Ran { outcome: &bytes.outcome, metrics: &bytes.metrics, trace: &bytes.trace };
        match self.prepared.finish(ran) {
            Ok(run) => OstepAnswer::Ran { printed: run.printed(), scenario: self.scenario },
            Err(e) => refused(e),
        }
    }

    /// A refused scenario (a bug: the workload was checked) is the line's error.
    fn refused(self, _: usize, error: &ScenarioError) -> OstepAnswer {
        refused(self.prepared.refused(error))
    }

    /// A crash: a run that cannot be done is a bug.
    fn failed(self, why: &str) -> Result<OstepAnswer, String> {
        Err(why.to_string())
    }
}

/// A line that gives no run: `-h`'s help, or the bad flag and why.
fn refused(e: OstepError) -> OstepAnswer {
    if e.is_help() {
        OstepAnswer::Help { text: e.message }
    } else {
        OstepAnswer::Refused { flag: e.flag, message: e.message }
    }
}

/// `value` as pretty JSON text with a final newline (as `threadlab ostep --scenario` prints it).
fn pretty(value: &impl serde::Serialize) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => text + "\n",
        Err(_) => unreachable!("a scenario always serialises"),
    }
}

/// The name the opened scenario is kept under: `OSTEP: ` and the command line, its simulator
/// by Threadlab's name (`./scheduler.py` → `scheduler`, a leading `python3` dropped) and without
/// the switches that change only what is printed (`-c`, `--json`, `--scenario`):
/// `OSTEP: scheduler -p RR -q 2 -l 3,5,1`. An x86.py program's text (`--program-text …`) is
/// left out too (`-p` names it).
pub fn scenario_name(line: &str, simulator: ostep::Simulator) -> String {
    let words = shlex::split(line).unwrap_or_default();
    let at = words.iter().position(|w| ostep::Simulator::from_word(w) == Some(simulator));
    let flags = at.map_or(&words[..0], |i| &words[i + 1..]);
    let mut kept: Vec<&str> = Vec::new();
    let mut skip = false;
    for w in flags {
        if std::mem::take(&mut skip) || ["-c", "--json", "--scenario"].contains(&w.as_str()) {
            continue;
        }
        if w == "--program-text" {
            skip = true;
        } else if !w.starts_with("--program-text=") {
            kept.push(w);
        }
    }
    let mut name = format!("OSTEP: {}", simulator.name());
    for w in kept {
        name.push(' ');
        name.push_str(w);
    }
    name
}
