//! OSTEP's homework simulators (remzi-arpacidusseau/ostep-homework), run on Threadlab's model.
//!
//! A teacher gives the flags an OSTEP simulator takes and gets the numbers its `-c` prints, in
//! its layout, so the two can be compared line by line. Only the numbers and the layout are the
//! simulator's: the few sentences it prints (a heading over the jobs, what to work out) are
//! worded our own way, one line for each of its lines. Each simulator is one file here that:
//! 1. turns the flags into a workload (seeded workloads draw from Python's RNG,
//!    [`crate::model::pyrandom`], so `-s N` makes the same jobs);
//! 2. turns the workload into a model [`Scenario`] whose policy reproduces the simulator's
//!    rules (the page can open it and play it);
//! 3. runs the model and prints from its result and trace: the simulator's numbers in its
//!    layout, or JSON.
//!
//! Steps 1–2 and step 3's printing are apart ([`prepare_command`] gives a [`Prepared`],
//! [`Prepared::finish`] prints from a run of its scenario), so the run can happen elsewhere:
//! the CLI runs it here ([`run_command`]); the page's OSTEP worker has its own reader and
//! simulation workers read and run it (`src/workers/ostep.rs`), and links no kernel.
//!
//! The rules each simulator follows are recorded in `../shared/OSTEP.md`. Pure: no web crates,
//! no files, no processes, so it runs in the page as it does in the CLI.
//!
//! - [`scheduler`]: `cpu-sched/scheduler.py` (FIFO, SJF, RR);
//! - [`process_run`]: `cpu-intro/process-run.py` (process states and I/O);
//! - [`mlfq`]: `cpu-sched-mlfq/mlfq.py` (multi-level feedback queue);
//! - [`lottery`]: `cpu-sched-lottery/lottery.py` (lottery scheduling);
//! - [`multi`]: `cpu-sched-multi/multi.py` (several CPUs, caches, affinity, per-CPU queues);
//! - [`x86`]: `threads-intro/x86.py` and `threads-locks/x86.py` (threads running assembly).
//!
//! One entry point takes a command line as a teacher types it: [`run_command`]
//! (`"./mlfq.py -n 2 -c"`), or [`run_args`] for words already split. The flags are read as
//! Python's `optparse` reads them ([`args`]).

pub mod args;
pub mod line;
pub mod lottery;
pub mod mlfq;
pub mod multi;
pub mod process_run;
mod runs;
pub mod scheduler;
pub mod values;
pub mod x86;

use std::fmt;

use crate::model::metrics::Metrics;
use crate::model::trace::Trace;
use crate::model::{Outcome, Scenario};

/// A bad flag or parameter: which flag (as typed on the command line, `-l`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OstepError {
    /// The flag, e.g. `-q` (or the word that is wrong, when it is not a flag).
    pub flag: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl OstepError {
    /// An error about `flag`.
    pub fn new(flag: &str, message: impl Into<String>) -> Self {
        OstepError { flag: flag.into(), message: message.into() }
    }

    /// Whether this is a request for help (`-h`), not an error: the message is the help text.
    pub fn is_help(&self) -> bool {
        self.flag == "-h"
    }
}

impl fmt::Display for OstepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_help() {
            return f.write_str(&self.message);
        }
        write!(f, "{}: {}", self.flag, self.message)
    }
}

impl std::error::Error for OstepError {}

/// OSTEP's simulators that Threadlab runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Simulator {
    /// `cpu-sched/scheduler.py`.
    Scheduler,
    /// `cpu-intro/process-run.py`.
    ProcessRun,
    /// `cpu-sched-mlfq/mlfq.py`.
    Mlfq,
    /// `cpu-sched-lottery/lottery.py`.
    Lottery,
    /// `cpu-sched-multi/multi.py`.
    Multi,
    /// `threads-locks/x86.py` (or `threads-intro/x86.py`).
    X86,
}

impl Simulator {
    /// Every simulator.
    pub const ALL: [Simulator; 6] = [
        Simulator::Scheduler,
        Simulator::ProcessRun,
        Simulator::Mlfq,
        Simulator::Lottery,
        Simulator::Multi,
        Simulator::X86,
    ];

    /// The name on Threadlab's command line (`process-run`).
    pub fn name(self) -> &'static str {
        match self {
            Simulator::Scheduler => "scheduler",
            Simulator::ProcessRun => "process-run",
            Simulator::Mlfq => "mlfq",
            Simulator::Lottery => "lottery",
            Simulator::Multi => "multi",
            Simulator::X86 => "x86",
        }
    }

    /// The simulator a word names: `mlfq`, `mlfq.py`, `./mlfq.py`, `cpu-sched-mlfq/mlfq.py`
    /// (any directory), and `process_run` for `process-run`.
    pub fn from_word(word: &str) -> Option<Simulator> {
        let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
        let base = base.strip_suffix(".py").unwrap_or(base).replace('_', "-");
        Simulator::ALL.into_iter().find(|s| s.name() == base)
    }

    fn about(self) -> &'static str {
        match self {
            Simulator::Scheduler => "OSTEP's cpu-sched/scheduler.py: FIFO, SJF and RR over jobs that all arrive at 0.",
            Simulator::ProcessRun => "OSTEP's cpu-intro/process-run.py: processes that use the CPU and do I/O.",
            Simulator::Mlfq => "OSTEP's cpu-sched-mlfq/mlfq.py: a multi-level feedback queue.",
            Simulator::Lottery => "OSTEP's cpu-sched-lottery/lottery.py: lottery scheduling.",
            Simulator::Multi => {
                "OSTEP's cpu-sched-multi/multi.py: several CPUs with caches, affinity and per-CPU queues."
            }
            Simulator::X86 => {
                "OSTEP's threads-locks/x86.py (and threads-intro/x86.py): threads running assembly on one CPU."
            }
        }
    }

    fn opts(self) -> &'static [args::Opt] {
        match self {
            Simulator::Scheduler => scheduler::OPTS,
            Simulator::ProcessRun => process_run::OPTS,
            Simulator::Mlfq => mlfq::OPTS,
            Simulator::Lottery => lottery::OPTS,
            Simulator::Multi => multi::OPTS,
            Simulator::X86 => x86::OPTS,
        }
    }

    /// The help text: usage and every flag.
    pub fn help(self) -> String {
        args::help(self.name(), self.about(), self.opts())
    }
}

/// What a command line asked to be printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The simulator's numbers in its layout ([`OstepRun::text`]).
    Text,
    /// `--json`: the report ([`OstepRun::report`]).
    Json,
    /// `--scenario`: the model scenario ([`OstepRun::scenario`]).
    Scenario,
}

/// One OSTEP run: everything the CLI prints and the page shows, for one command line.
#[derive(Clone, Debug, PartialEq)]
pub struct OstepRun {
    /// Which simulator.
    pub simulator: Simulator,
    /// The simulator's numbers for these flags in its layout, line for line (with `-c`, the
    /// answers); its few sentences are in our words.
    pub text: String,
    /// The model scenario that reproduces the run; the page opens it to play the run.
    pub scenario: Scenario,
    /// The workload and the answers for graders (always solved), as `--json` prints it.
    pub report: serde_json::Value,
    /// What the command line asked to print (`--json`, `--scenario`, or the text).
    pub output: Output,
}

impl OstepRun {
    /// What `threadlab ostep` prints for the command line: the text, or for `--json` and
    /// `--scenario` that JSON, pretty-printed with a final newline.
    pub fn printed(&self) -> String {
        let json = |value: Result<String, serde_json::Error>| match value {
            Ok(text) => text + "\n",
            Err(_) => unreachable!("a report and a scenario always serialise"),
        };
        match self.output {
            Output::Text => self.text.clone(),
            Output::Json => json(serde_json::to_string_pretty(&self.report)),
            Output::Scenario => json(serde_json::to_string_pretty(&self.scenario)),
        }
    }
}

/// Runs a command line as a teacher types it for an OSTEP simulator:
/// `"scheduler -p RR -q 2 -l 3,5,1 -c"`, also with a leading `./scheduler.py`,
/// `python3 scheduler.py` or `cpu-sched/scheduler.py`. Words are split as a shell does
/// (quotes, backslashes). Returns the text (the simulator's numbers in its layout), the scenario
/// to open and the report.
///
/// Errors: an unknown simulator, unbalanced quotes, or a bad flag or value ([`OstepError`]
/// names it). `-h` returns an error whose [`OstepError::is_help`] is true and whose message is
/// the help text.
pub fn run_command(line: &str) -> Result<OstepRun, OstepError> {
    run_prepared(prepare_command(line)?)
}

/// As [`run_command`], with the words already split: the simulator (or its script, after an
/// optional `python`/`python3`), then its flags.
pub fn run_args(words: &[String]) -> Result<OstepRun, OstepError> {
    run_prepared(prepare_args(words)?)
}

/// Runs `prepared`'s scenario on the model here ([`crate::model::run`], full trace) and prints
/// from it ([`Prepared::finish`]).
fn run_prepared(prepared: Prepared) -> Result<OstepRun, OstepError> {
    let (_, result) = crate::model::run(&prepared.scenario).map_err(|e| prepared.refused(&e))?;
    let trace = result.trace.as_ref().expect("a full trace was recorded");
    prepared.finish(Ran { outcome: &result.outcome, metrics: &result.metrics, trace })
}

/// Runs `scenario` on the model here (full trace) and reads `answers` from the run; a scenario
/// the model refuses is an error naming `flag` (each simulator's `solve`).
pub(crate) fn solve_here<T>(
    scenario: &Scenario,
    flag: &str,
    answers: impl FnOnce(Ran<'_>) -> Result<T, OstepError>,
) -> Result<T, OstepError> {
    let (_, result) =
        crate::model::run(scenario).map_err(|e| OstepError::new(flag, format!("invalid workload: {e}")))?;
    let trace = result.trace.as_ref().expect("a full trace was recorded");
    answers(Ran { outcome: &result.outcome, metrics: &result.metrics, trace })
}

/// A command line read, before its run: the simulator, the workload its flags make, the model
/// scenario that reproduces it, and what to print. Everything OSTEP's flags decide is here; the
/// run itself is the model's ([`run_command`] runs it here; the page's OSTEP worker has its
/// reader and simulation workers read and run [`Prepared::scenario`]), and [`Prepared::finish`]
/// prints from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// Which simulator.
    pub simulator: Simulator,
    /// What the command line asked to print.
    pub output: Output,
    /// The model scenario to run.
    pub scenario: Scenario,
    /// The simulator's options and workload.
    work: Work,
}

/// Each simulator's options and workload.
#[derive(Clone, Debug, PartialEq)]
enum Work {
    Scheduler(scheduler::SchedulerOptions, scheduler::SchedulerWorkload),
    ProcessRun(process_run::ProcessRunOptions, process_run::ProcessRunWorkload),
    Mlfq(mlfq::MlfqOptions, mlfq::MlfqWorkload),
    Lottery(lottery::LotteryOptions, lottery::LotteryWorkload),
    Multi(multi::MultiOptions, multi::MultiWorkload),
    X86(Box<(x86::X86Options, x86::X86Workload)>),
}

/// The model's run of a [`Prepared::scenario`]: how it ended, its measures and its full trace
/// (times in ticks), from [`crate::model::run`] or the simulation worker's answer.
#[derive(Clone, Copy, Debug)]
pub struct Ran<'a> {
    /// How the run ended.
    pub outcome: &'a Outcome,
    /// Its measures.
    pub metrics: &'a Metrics,
    /// The full trace.
    pub trace: &'a Trace,
}

impl Ran<'_> {
    /// An error naming `flag` unless the run completed (every job finished).
    pub(crate) fn completed(&self, flag: &str) -> Result<(), OstepError> {
        match self.outcome {
            Outcome::Completed => Ok(()),
            other => Err(OstepError::new(flag, format!("the run did not complete: {}", other.message()))),
        }
    }
}

/// Reads a command line as [`run_command`] does, without running it: see [`Prepared`]. A line
/// may start as the CLI's command does (`threadlab ostep scheduler …`, `ostep scheduler …`):
/// those words are skipped. Errors: as [`run_command`]'s, but for those of the run itself.
pub fn prepare_command(line: &str) -> Result<Prepared, OstepError> {
    let words = shlex::split(line)
        .ok_or_else(|| OstepError::new(&format!("`{}`", line.trim()), "unbalanced quotes or a trailing backslash"))?;
    let cli = words.iter().take_while(|w| *w == "threadlab" || *w == "ostep").count().min(2);
    prepare_args(&words[cli..])
}

/// [`prepare_command`] with the words already split (as [`run_args`] takes them).
pub fn prepare_args(words: &[String]) -> Result<Prepared, OstepError> {
    let mut rest = words;
    if let Some(first) = rest.first()
        && is_python(first)
    {
        rest = &rest[1..];
    }
    let names = || Simulator::ALL.map(Simulator::name).join(", ");
    let Some((word, flags)) = rest.split_first() else {
        return Err(OstepError::new("ostep", format!("name a simulator: {}", names())));
    };
    if ["-h", "--help", "help"].contains(&word.as_str()) {
        let list = Simulator::ALL.map(|s| format!("  {:<12} {}", s.name(), s.about())).join("\n");
        return Err(OstepError::new("-h", format!("usage: threadlab ostep SIMULATOR [flags]\n\n{list}\n")));
    }
    let simulator = Simulator::from_word(word).ok_or_else(|| {
        OstepError::new(&format!("`{word}`"), format!("not an OSTEP simulator Threadlab runs: give {}", names()))
    })?;
    let parsed = args::parse(flags, simulator.opts())?;
    if parsed.help {
        return Err(OstepError::new("-h", simulator.help()));
    }
    let output = if parsed.switch("json") {
        Output::Json
    } else if parsed.switch("scenario") {
        Output::Scenario
    } else {
        Output::Text
    };
    let (scenario, work) = match simulator {
        Simulator::Scheduler => {
            let (o, w) = scheduler::prepare(&parsed)?;
            (w.scenario(), Work::Scheduler(o, w))
        }
        Simulator::ProcessRun => {
            let (o, w) = process_run::prepare(&parsed)?;
            (w.scenario(), Work::ProcessRun(o, w))
        }
        Simulator::Mlfq => {
            let (o, w) = mlfq::prepare(&parsed)?;
            (w.scenario(), Work::Mlfq(o, w))
        }
        Simulator::Lottery => {
            let (o, w) = lottery::prepare(&parsed)?;
            (w.scenario(), Work::Lottery(o, w))
        }
        Simulator::Multi => {
            let (o, w) = multi::prepare(&parsed)?;
            (w.scenario(), Work::Multi(o, w))
        }
        Simulator::X86 => {
            let (o, w) = x86::prepare(word, &parsed)?;
            (w.scenario(&o), Work::X86(Box::new((o, w))))
        }
    };
    Ok(Prepared { simulator, output, scenario, work })
}

impl Prepared {
    /// The error when the model refuses the scenario (`error`, a [`crate::model::ScenarioError`]
    /// as text): a bug, since the workload was checked; it names the simulator's workload flag.
    pub fn refused(&self, error: &dyn fmt::Display) -> OstepError {
        let flag = match self.work {
            Work::ProcessRun(..) => "-P",
            Work::Multi(..) => "-L",
            Work::X86(..) => "-p",
            _ => "-l",
        };
        OstepError::new(flag, format!("invalid workload: {error}"))
    }

    /// Prints from `ran`, the model's run of [`Prepared::scenario`]: the text the simulator
    /// prints and the report. Errors: the run did not complete (a budget ran out).
    pub fn finish(self, ran: Ran<'_>) -> Result<OstepRun, OstepError> {
        let (text, report) = match &self.work {
            Work::Scheduler(o, w) => scheduler::finish(o, w, ran)?,
            Work::ProcessRun(o, w) => process_run::finish(o, w, ran)?,
            Work::Mlfq(o, w) => mlfq::finish(o, w, ran)?,
            Work::Lottery(o, w) => lottery::finish(o, w, ran)?,
            Work::Multi(o, w) => multi::finish(o, w, ran)?,
            Work::X86(ow) => x86::finish(&ow.0, &ow.1, ran)?,
        };
        let Prepared { simulator, output, scenario, .. } = self;
        Ok(OstepRun { simulator, text, scenario, report, output })
    }
}

/// The file an x86.py command line names with `-p` whose text it does not carry yet
/// (`--program-text`): the CLI reads it and passes its text ([`x86`] reads no file). `None` for
/// other simulators, or when the words do not parse (the run then says why).
pub fn program_file(words: &[String]) -> Option<String> {
    let rest = match words.first() {
        Some(first) if is_python(first) => &words[1..],
        _ => words,
    };
    let (word, flags) = rest.split_first()?;
    if Simulator::from_word(word)? != Simulator::X86 {
        return None;
    }
    let parsed = args::parse(flags, x86::OPTS).ok()?;
    if parsed.value("program-text").is_some() {
        return None;
    }
    parsed.value("program").map(str::to_string)
}

/// `python`, `python3`, `python3.11`, `/usr/bin/python3`, `py`.
fn is_python(word: &str) -> bool {
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    base == "py" || base.strip_prefix("python").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// What each simulator's `finish` prints from a run: the text and the report.
pub(crate) type Printed = (String, serde_json::Value);

/// `text` split at `sep` (a list flag's value, `3,5,1`); an
/// empty item (`3,,1`, `3,5,`) is an error naming `flag`, the item (`what` and its index from
/// 0, as OSTEP numbers jobs) and where it is, rather than a complaint about an empty word.
pub(crate) fn list_items<'a>(text: &'a str, sep: char, flag: &str, what: &str) -> Result<Vec<&'a str>, OstepError> {
    let items: Vec<&str> = text.split(sep).collect();
    let seps = match sep {
        ',' => "commas",
        ':' => "colons",
        '.' => "dots",
        _ => "separators",
    };
    match items.iter().position(|s| s.trim().is_empty()) {
        None => Ok(items),
        Some(i) => {
            let place = if items.len() == 1 {
                "nothing given".to_string()
            } else if i == 0 {
                format!("nothing before the first of the {seps}")
            } else if i + 1 == items.len() {
                format!("nothing after the last of the {seps}")
            } else {
                format!("nothing between two {seps}")
            };
            Err(OstepError::new(flag, format!("{what} {i} is empty ({place})")))
        }
    }
}

/// An integer flag's value as `optparse` reads it (`type="int"`), or its default; errors name
/// the flag.
pub(crate) fn int_opt(p: &args::Parsed, long: &str, flag: &str, default: i64) -> Result<i64, OstepError> {
    match p.value(long) {
        None => Ok(default),
        Some(text) => values::int_in(text, i64::MIN, i64::MAX).map_err(|e| OstepError::new(flag, e)),
    }
}

/// The seed flag `-s` (Python integers, any size up to 2¹²⁷).
pub(crate) fn seed_opt(p: &args::Parsed) -> Result<i128, OstepError> {
    match p.value("seed") {
        None => Ok(0),
        Some(text) => values::int(text).map_err(|e| OstepError::new("-s", e)),
    }
}
