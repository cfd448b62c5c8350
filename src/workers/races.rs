//! The Races panel's worker's jobs ([`crate::lab::races_view`]), without the browser: a
//! [`Planner`] for the nested-workers driver ([`super::nested`]). Its reader worker reads the
//! scenario in use; stepping the explorer's machine and exploring are then done here, in this
//! worker, and the runs of many seeds by its reader and simulation workers (so this module
//! links no simulation kernel), and the page gets the panel's markup.

use super::nested::{Begin, Planner};
use crate::lab::races_view::{self, Base};
use crate::lab::{Work, read_job};
use crate::messaging::lab::{FromLab, Lab, LabJob};
use crate::messaging::loaded;
use crate::messaging::wire::RunBytes;
use crate::model::ScenarioError;
use crate::page::summary::Summary;

/// The Races worker's planner: it reads every job's scenario first.
#[derive(Clone, Copy, Debug, Default)]
pub struct RacesForm {
    /// Where to send, while Every interleaving explores, how far it has got (the worker posts
    /// it to the page; `None`: nowhere): [`FromLab::Counted`] with the page's job id, the count
    /// and what it counts ([`races_view::COUNTING_STATES`]).
    pub report: Option<fn(FromLab)>,
}

/// The panel's work for `job`, from its reader's answer (the summary and the loaded run, or
/// why it refused the text); `progress` hears how far an exploration has got
/// ([`races_view::answer_observed`]).
pub fn answer(job: &LabJob, answer: Result<Vec<Vec<u8>>, ScenarioError>, progress: &mut dyn FnMut(u32, u64)) -> Work {
    let buffers = match answer {
        Ok(b) => b,
        Err(e) => return races_view::answer(job, Err(e.to_string())),
    };
    let [summary, run] = &buffers[..] else {
        return races_view::answer(job, Err("the reader's answer lacks its buffers".into()));
    };
    let read = Summary::decode(summary)
        .map_err(|e| e.to_string())
        .and_then(|s| Ok((s.name, loaded::decode(run).map_err(|e| e.to_string())?)));
    match read {
        Ok((name, run)) => {
            races_view::answer_observed(job, Ok(Base { text: &job.scenario, name: &name, run: &run }), progress)
        }
        Err(e) => races_view::answer(job, Err(e)),
    }
}

impl Planner for RacesForm {
    type Talk = Lab;
    type Runs = Work;
    type Pending = LabJob;

    fn begin(&self, job: LabJob) -> Begin<Self> {
        Begin::ReadFirst(read_job(&job.scenario, Vec::new()), job)
    }

    fn planned(&self, job: LabJob, reply: Result<Vec<Vec<u8>>, ScenarioError>) -> Result<Work, String> {
        Ok(answer(&job, reply, &mut |_, _| {}))
    }

    fn planned_job(&self, id: u64, job: LabJob, reply: Result<Vec<Vec<u8>>, ScenarioError>) -> Result<Work, String> {
        let report = self.report;
        let mut progress = |total: u32, n: u64| {
            if let Some(report) = report {
                report(FromLab::Counted { id, done: n.min(u32::MAX as u64) as u32, total });
            }
        };
        Ok(answer(&job, reply, &mut progress))
    }
}

/// Does `job` here, in one thread, reading with the reader worker's code and running its runs
/// with the model, full traces as the simulation worker records them: the panel's markup (the
/// native tests).
pub fn run_here(job: &LabJob) -> String {
    use crate::model::{Recording, Simulation};
    use crate::workers::reader;
    let work = match reader::read(&read_job(&job.scenario, Vec::new())) {
        Ok(r) => races_view::answer(job, Ok(Base { text: &job.scenario, name: &r.summary.name, run: &r.run })),
        Err(e) => races_view::answer(job, Err(e.to_string())),
    };
    let mut results = Vec::new();
    for (i, request) in work.reads().iter().enumerate() {
        match reader::read(request) {
            Ok(read) => results.push(RunBytes::from_result(Simulation::new(read.run, Recording::Full).finish().1)),
            Err(e) => return work.refused(i, &e),
        }
    }
    work.finish(&results)
}
