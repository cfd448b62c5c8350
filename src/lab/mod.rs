//! The page's lab panels without the browser: compare, sweep and exercise. A panel's worker
//! (`src/workers/lab.rs`) reads a submitted form into a [`Work`], has the runs it needs read and
//! run, and answers with the panel's markup (its form again, with the results).
//!
//! A lab worker reads no scenario and runs no simulation (its module's size): it has a reader
//! worker and a simulation worker of its own do that. Compare and sweep first need the scenario
//! in use as its reader answers it ([`Base`]: its name, its processes and threads, its settings),
//! then plan their runs on those settings ([`Planned`], a [`Workload`] as the CLI's plans are
//! scenarios; `crate::compare` makes both with the same code). A [`Work`] is pure:
//! [`Task::reads`] lists each run as a text and the edits to make to it (the reader loads it,
//! checking what the plan could not, as the CLI's run does), [`Task::finish`] turns the runs'
//! results (each as the simulation worker sends it, [`RunBytes`]) into the panel's markup.
//! [`run_here`] does it all with the reader's and the model's code in one thread (the native
//! tests: the numbers the CLI prints for the same inputs).
//!
//! - [`compare_view`], [`sweep_view`], [`exercise_view`]: each panel's form, reading it, and
//!   its results as markup; [`races_view`]: the Races panel, whose worker runs the model itself
//!   (`crate::workers::races`);
//! - [`gantt`]: a compact SVG timeline; [`html`]: escaping and form pieces; [`fields`]: the
//!   submitted fields.

pub mod compare_view;
pub mod exercise_view;
pub mod fields;
pub mod gantt;
pub mod html;
pub mod races_view;
pub mod sweep_view;

use std::rc::Rc;

use fields::Fields;

use crate::compare::{Metric, Settings, Workload};
use crate::messaging::lab::{LabJob, Panel};
use crate::messaging::loaded;
use crate::messaging::reader::ReadJob;
use crate::messaging::wire::RunBytes;
use crate::model::scenario::{MachineSpec, ScenarioEdit, SchedulerSpec};
use crate::model::{LoadedRun, Scenario, ScenarioError, System};
use crate::page::summary::Summary;

/// A submitted form, read: the runs it needs and how to show their results. Each panel's worker
/// builds only its own kind, so its module links only that panel's code.
pub trait Task {
    /// The runs, in order: each a scenario text and the edits to make to it, for the reader.
    fn reads(&self) -> Vec<ReadJob>;

    /// The panel's markup from the runs' results, one per [`Task::reads`] in order.
    fn finish(self: Box<Self>, results: &[RunBytes]) -> String;

    /// The panel's form alone (its runs could not be done).
    fn form_only(self: Box<Self>) -> String;

    /// The panel's markup when the reader refused run `run` (a check only loading makes, say a
    /// CPU count below a CPU an affinity names): the form, and why.
    fn refused(self: Box<Self>, run: usize, error: &ScenarioError) -> String {
        let _ = run;
        self.form_only() + &html::alert(&error.to_string())
    }
}

/// A read form: one panel's task.
pub type Work = Box<dyn Task>;

/// A reader's request for `text` with `edits` made to it.
pub fn read_job(text: &str, edits: Vec<ScenarioEdit>) -> ReadJob {
    ReadJob { text: text.to_string(), edits, draft: None, fault: None }
}

/// The markup when a run could not be done (its result could not be read, or its worker
/// failed): the form, and why.
pub fn fail(work: Work, message: &str) -> String {
    work.form_only() + &html::alert(message)
}

/// Markup with nothing to run (an error, or a form for another panel).
pub(crate) struct Ready(pub(crate) String);

impl Task for Ready {
    fn reads(&self) -> Vec<ReadJob> {
        Vec::new()
    }
    fn finish(self: Box<Self>, _: &[RunBytes]) -> String {
        self.0
    }
    fn form_only(self: Box<Self>) -> String {
        self.0
    }
}

/// What a plan needs to know of the scenario in use besides its settings, shared by its runs.
#[derive(Debug, PartialEq)]
pub struct Info {
    /// The text as its author wrote it (each run is read from it).
    pub text: String,
    /// The scenario's name.
    pub name: String,
    /// Each process: its name and its variables' names.
    pub processes: Vec<(String, Vec<String>)>,
    /// Each thread by tid: (colour, short name, `process/thread`), see [`threads_of_system`].
    pub threads: Vec<(&'static str, String, String)>,
    /// The scenario's `params` (name, value), in name order: a sweep may vary them.
    pub params: Vec<(String, u64)>,
}

/// The scenario in use as its reader answered it: a run of it with its edits so far. A
/// [`Workload`]: edits change its settings (and are kept, in order, for the reader).
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    /// The scenario.
    pub info: Rc<Info>,
    /// CPUs and switch costs, with the edits made.
    pub machine: MachineSpec,
    /// Policy and parameters, with the edits made.
    pub scheduler: SchedulerSpec,
    /// The seed, with the edits made.
    pub seed: u64,
    /// The edits made, in order.
    pub edits: Vec<ScenarioEdit>,
}

/// The scenario in use as the lab worker knows it: its reader's answer, or why it refused.
pub type Base = Result<Planned, ScenarioError>;

impl Planned {
    /// The scenario of `text`, from its reader's answer: the summary's name and params, and the
    /// loaded run.
    pub fn new(text: &str, summary: &Summary, run: &LoadedRun) -> Planned {
        let info = Info {
            text: text.to_string(),
            name: summary.name.clone(),
            params: summary.constants.clone(),
            processes: (run.system.processes.iter()).map(|p| (p.name.clone(), p.space.variables.clone())).collect(),
            threads: threads_of_system(&run.system),
        };
        Planned {
            info: Rc::new(info),
            machine: run.machine.clone(),
            scheduler: run.scheduler.clone(),
            seed: run.seed,
            edits: Vec::new(),
        }
    }

    /// The scenario of `text` from its reader's answer's buffers ([summary, loaded run], see
    /// [`crate::messaging::reader::FromReader::Read`]). Errors: the bytes cannot be read (a
    /// build mismatch or a bug).
    pub fn from_answer(text: &str, buffers: &[Vec<u8>]) -> Result<Planned, String> {
        let [summary, run] = buffers else { return Err("the reader's answer lacks its buffers".into()) };
        let summary = Summary::decode(summary).map_err(|e| e.to_string())?;
        let run = loaded::decode(run).map_err(|e| e.to_string())?;
        Ok(Planned::new(text, &summary, &run))
    }

    /// The reader's request for this run.
    pub fn read_job(&self) -> ReadJob {
        read_job(&self.info.text, self.edits.clone())
    }
}

impl Workload for Planned {
    fn name(&self) -> &str {
        &self.info.name
    }
    /// The reader has checked it.
    fn validate(&self) -> Result<(), ScenarioError> {
        Ok(())
    }
    fn check_metric(&self, metric: &Metric) -> Result<(), String> {
        let processes: Vec<(&str, Vec<&str>)> = (self.info.processes.iter())
            .map(|(p, vars)| (p.as_str(), vars.iter().map(String::as_str).collect()))
            .collect();
        metric.check_in(&processes)
    }
    fn applies(&self, edit: &ScenarioEdit) -> bool {
        edit.applies_to_scheduler(&self.scheduler)
    }
    fn apply(&mut self, edit: &ScenarioEdit) -> Result<(), ScenarioError> {
        if let ScenarioEdit::Param(name, _) = edit
            && !self.info.params.iter().any(|(n, _)| n == name.as_str())
        {
            return Err(name.missing(&self.info.params.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>()));
        }
        edit.apply_to_settings(&mut self.machine, &mut self.scheduler, &mut self.seed)?;
        self.edits.push(*edit);
        Ok(())
    }
    fn settings(&self) -> Settings {
        Settings { machine: self.machine.clone(), scheduler: self.scheduler.clone(), seed: self.seed }
    }
}

/// Whether `panel` needs the scenario in use read before its form ([`Base`]): compare and sweep
/// do; an exercise makes its own.
pub fn needs_base(panel: Panel) -> bool {
    panel != Panel::Exercise
}

/// The markup when the scenario in use could not be read.
fn unreadable(e: &ScenarioError) -> Work {
    Box::new(Ready(html::alert(&format!("The scenario in use cannot be read: {e}"))))
}

/// Reads a compare form for the scenario in use (any other panel's job gets no markup).
pub fn compare_task(job: &LabJob, base: Option<&Base>) -> Work {
    match (job.panel, base) {
        (Panel::Compare, Some(Ok(base))) => Box::new(compare_view::Job::new(&Fields(&job.fields), base, &job.preset)),
        (Panel::Compare, Some(Err(e))) => unreadable(e),
        _ => Box::new(Ready(String::new())),
    }
}

/// Reads a sweep form for the scenario in use (any other panel's job gets no markup).
pub fn sweep_task(job: &LabJob, base: Option<&Base>) -> Work {
    match (job.panel, base) {
        (Panel::Sweep, Some(Ok(base))) => Box::new(sweep_view::Job::new(&Fields(&job.fields), base, &job.preset)),
        (Panel::Sweep, Some(Err(e))) => unreadable(e),
        _ => Box::new(Ready(String::new())),
    }
}

/// Reads an exercise form (any other panel's job gets no markup).
pub fn exercise_task(job: &LabJob, _: Option<&Base>) -> Work {
    match job.panel {
        Panel::Exercise => Box::new(exercise_view::Job::new(&Fields(&job.fields))),
        _ => Box::new(Ready(String::new())),
    }
}

/// Reads any panel's form (the native tests and tools; each panel's worker reads only its own).
pub fn task(job: &LabJob, base: Option<&Base>) -> Work {
    match job.panel {
        Panel::Compare => compare_task(job, base),
        Panel::Sweep => sweep_task(job, base),
        Panel::Exercise => exercise_task(job, base),
        // Its worker answers it alone (`crate::workers::races`).
        Panel::Races => Box::new(Ready(String::new())),
    }
}

/// Does `job` here, in one thread: reads with the reader worker's code
/// ([`crate::workers::reader::read`]), runs with the model, full traces as the simulation
/// worker records them. Returns the panel's markup.
pub fn run_here(job: &LabJob) -> String {
    use crate::model::{Recording, Simulation};
    use crate::workers::reader;
    let base = needs_base(job.panel).then(|| {
        reader::read(&read_job(&job.scenario, Vec::new())).map(|r| Planned::new(&job.scenario, &r.summary, &r.run))
    });
    let work = task(job, base.as_ref());
    let mut results = Vec::new();
    for (i, request) in work.reads().iter().enumerate() {
        match reader::read(request) {
            Ok(read) => {
                let (_, result) = Simulation::new(read.run, Recording::Full).finish();
                results.push(RunBytes::from_result(result));
            }
            Err(e) => return work.refused(i, &e),
        }
    }
    work.finish(&results)
}

/// Each thread of `scenario` (by tid: processes in order, their threads in order, as
/// [`System::load`] numbers them): its colour as the page's timeline draws it
/// ([`crate::timeline::palette`]), its name, and `process/thread`.
pub fn threads_of(scenario: &Scenario) -> Vec<(&'static str, String, String)> {
    use crate::timeline::palette::{SHADES, shade_of};
    let mut out = Vec::new();
    for (pid, p) in scenario.processes.iter().enumerate() {
        for (i, t) in p.threads.iter().enumerate() {
            let colour = SHADES[pid % 8][shade_of(i, p.threads.len())];
            out.push((colour, t.name.clone(), format!("{}/{}", p.name, t.name)));
        }
    }
    out
}

/// [`threads_of`] for a loaded system (the same order and colours), each thread's short name
/// the one its timeline lane shows ([`crate::timeline::names::lane_names`]).
pub fn threads_of_system(system: &System) -> Vec<(&'static str, String, String)> {
    use crate::timeline::palette::{SHADES, shade_of};
    // The short name tells the threads apart as the timeline's lanes do: in compare-policies,
    // five processes' `main`s are `A`…`E`, not five `main`s (walk s11).
    let short = crate::timeline::names::lane_names(system);
    (system.threads.iter().zip(short))
        .map(|(t, short)| {
            let p = &system.processes[t.pid];
            let i = p.threads.iter().position(|&tid| tid == t.tid).unwrap_or(0);
            let colour = SHADES[t.pid % 8][shade_of(i, p.threads.len())];
            (colour, short.first, format!("{}/{}", p.name, t.name))
        })
        .collect()
}
