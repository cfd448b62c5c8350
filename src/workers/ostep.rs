//! The OSTEP mode's worker's job, without the browser: a command line in, what the page shows
//! out. The worker binary (`src/bin/ostep_worker.rs`, through `src/workers/ostep_web.rs`) only
//! moves messages; the native tests drive this with the reader worker's and the simulation
//! worker's own handlers standing in for its nested workers, as `tests/lab_jobs.rs` does for a
//! lab worker.
//!
//! A [`ToOstep::Start`] is read by [`ostep::prepare_command`]: OSTEP's flags, its workload (its
//! seeded jobs from Python's RNG) and the model scenario that reproduces it, but no run. The
//! scenario goes as JSON text to the worker's reader worker, whose loaded run goes as it came to
//! its simulation worker (the path every run of the page takes), and the run's result comes back
//! here to be printed as `threadlab ostep` prints it ([`ostep::Prepared::finish`]). So this module
//! links neither the scenario reader nor the simulation's kernel. `-h` and a bad flag are
//! answered at once. A new line replaces one in progress (the page replaces a busy worker
//! anyway); answers about an old one are ignored by their ids.

use crate::messaging::ostep::{FromOstep, OstepAnswer, ToOstep};
use crate::messaging::reader::{FromReader, ReadJob, ToReader};
use crate::messaging::wire::RunBytes;
use crate::messaging::{FromWorker, Job, Reply, RunJob, ToWorker};
use crate::ostep::{self, OstepError, Prepared, Ran};

/// Where a message goes.
#[derive(Debug, PartialEq)]
pub enum Out {
    /// To the page.
    Page(FromOstep),
    /// To the OSTEP worker's reader worker.
    Reader(ToReader),
    /// To the OSTEP worker's simulation worker, with its buffers.
    Sim(ToWorker, Vec<Vec<u8>>),
}

/// The line in progress: the page's id for it, the request id its read and run have with the
/// two workers, the line read, and its scenario's text (what the page opens).
struct Current {
    id: u64,
    request: u64,
    prepared: Prepared,
    scenario: String,
}

/// The OSTEP worker's state: the line in progress, its workers' readiness, and what waits for
/// them.
#[derive(Default)]
pub struct OstepWorker {
    current: Option<Current>,
    reader_ready: bool,
    sim_ready: bool,
    /// Messages held until their worker says it is ready (a worker still loading drops them).
    to_reader: Vec<ToReader>,
    to_sim: Vec<(ToWorker, Vec<Vec<u8>>)>,
    next: u64,
}

impl OstepWorker {
    /// A worker whose reader and simulation workers have not said they are ready yet.
    pub fn new() -> OstepWorker {
        OstepWorker::default()
    }

    /// Handles a message from the page: reads the line; `-h` or a bad flag is answered at once,
    /// else its scenario is sent to be read.
    pub fn from_page(&mut self, message: ToOstep) -> Vec<Out> {
        let ToOstep::Start { id, line } = message;
        self.current = None;
        let prepared = match ostep::prepare_command(&line) {
            Ok(prepared) => prepared,
            Err(e) => return vec![Out::Page(FromOstep::Done { id, answer: refused(e) })],
        };
        let mut scenario = prepared.scenario.clone();
        scenario.name = scenario_name(&line, prepared.simulator);
        let scenario = pretty(&scenario);
        self.next += 1;
        let request = self.next;
        let job = ReadJob { text: scenario.clone(), edits: Vec::new(), draft: None, fault: None };
        self.current = Some(Current { id, request, prepared, scenario });
        let mut out = Vec::new();
        self.send_reader(ToReader::Read { id: request, job }, &mut out);
        out
    }

    /// Handles a message from the reader worker, with its buffers: the loaded run goes to the
    /// simulation worker; a refused scenario (a bug: the workload was checked) is the line's
    /// error.
    pub fn from_reader(&mut self, message: FromReader, mut buffers: Vec<Vec<u8>>) -> Vec<Out> {
        let mut out = Vec::new();
        match message {
            FromReader::Ready => {
                self.reader_ready = true;
                out.extend(self.to_reader.drain(..).map(Out::Reader));
            }
            FromReader::Read { id, .. } if self.is_current(id) => {
                let run = if buffers.len() == 2 { buffers.swap_remove(1) } else { Vec::new() };
                self.send_sim(ToWorker::Start { id, job: Job::Run(RunJob { fault: None }) }, vec![run], &mut out);
            }
            FromReader::Refused { id, error, .. } if self.is_current(id) => {
                if let Some(c) = self.current.take() {
                    out.push(Out::Page(FromOstep::Done { id: c.id, answer: refused(c.prepared.refused(&error)) }));
                }
            }
            FromReader::Read { .. } | FromReader::Refused { .. } | FromReader::Jobs { .. } => {}
            FromReader::Crashed { message } => return self.crash(&format!("its reader stopped: {message}")),
        }
        out
    }

    /// Handles a message from the simulation worker, with its buffers: the run's result is
    /// printed and the line answered.
    pub fn from_sim(&mut self, message: FromWorker, buffers: Vec<Vec<u8>>) -> Vec<Out> {
        let mut out = Vec::new();
        match message {
            FromWorker::Ready => {
                self.sim_ready = true;
                out.extend(self.to_sim.drain(..).map(|(m, b)| Out::Sim(m, b)));
            }
            FromWorker::Done { id, reply: Reply::Run { .. } } if self.is_current(id) => {
                let bytes = match buffers.first().map(|b| RunBytes::decode(b)) {
                    Some(Ok(bytes)) => bytes,
                    Some(Err(e)) => return self.crash(&format!("the run's result could not be read: {e}")),
                    None => return self.crash("a run came back without its result"),
                };
                let Some(Current { id, prepared, scenario, .. }) = self.current.take() else { return out };
                let ran = Ran { outcome: &bytes.outcome, metrics: &bytes.metrics, trace: &bytes.trace };
                let answer = match prepared.finish(ran) {
                    Ok(run) => OstepAnswer::Ran { printed: run.printed(), scenario },
                    Err(e) => refused(e),
                };
                out.push(Out::Page(FromOstep::Done { id, answer }));
            }
            FromWorker::Failed { id, message } if self.is_current(id) => {
                return self.crash(&format!("its simulation worker could not run the scenario: {message}"));
            }
            FromWorker::Crashed { message } => return self.crash(&format!("its simulation worker stopped: {message}")),
            FromWorker::Done { .. } | FromWorker::Failed { .. } | FromWorker::Progress { .. } => {}
        }
        out
    }

    /// Whether `request` is the read and run of the line in progress.
    fn is_current(&self, request: u64) -> bool {
        self.current.as_ref().is_some_and(|c| c.request == request)
    }

    fn send_reader(&mut self, message: ToReader, out: &mut Vec<Out>) {
        if self.reader_ready {
            out.push(Out::Reader(message));
        } else {
            self.to_reader.push(message);
        }
    }

    fn send_sim(&mut self, message: ToWorker, buffers: Vec<Vec<u8>>, out: &mut Vec<Out>) {
        if self.sim_ready {
            out.push(Out::Sim(message, buffers));
        } else {
            self.to_sim.push((message, buffers));
        }
    }

    /// Reports a crash (of one of its workers, or a message it cannot read): the page replaces
    /// this worker.
    fn crash(&mut self, why: &str) -> Vec<Out> {
        self.current = None;
        vec![Out::Page(FromOstep::Crashed { message: format!("the OSTEP worker stopped: {why}") })]
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
/// `OSTEP: scheduler -p RR -q 2 -l 3,5,1`.
pub fn scenario_name(line: &str, simulator: ostep::Simulator) -> String {
    let words = shlex::split(line).unwrap_or_default();
    let at = words.iter().position(|w| ostep::Simulator::from_word(w) == Some(simulator));
    let flags = at.map_or(&words[..0], |i| &words[i + 1..]);
    let kept: Vec<&str> =
        flags.iter().map(String::as_str).filter(|w| !["-c", "--json", "--scenario"].contains(w)).collect();
    let mut name = format!("OSTEP: {}", simulator.name());
    for w in kept {
        name.push(' ');
        name.push_str(w);
    }
    name
}
