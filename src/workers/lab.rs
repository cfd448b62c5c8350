//! A lab panel's worker's jobs (compare, sweep, exercise: [`crate::lab`]), without the browser:
//! a [`Planner`] for the nested-workers driver ([`super::nested`]), which does the messages. The
//! worker binaries (`src/bin/{compare,sweep,exercise}_worker.rs`, through
//! `src/workers/nested_web.rs`) only move messages; the native tests drive [`LabWorker`] with
//! the reader's and the simulation worker's own handlers standing in for its workers.
//!
//! A [`crate::messaging::lab::LabJob`] is read into a [`Work`] ([`crate::lab`]); compare and
//! sweep first have the scenario in use read ([`crate::lab::needs_base`]), and plan their runs
//! on the reader's answer ([`Base`]). Each run the work needs is read and run; when every run's
//! result is in, the page gets the panel's markup.

use super::nested::{Begin, Nested, Planner, Runs};
use crate::lab::{self, Base, Planned, Work};
use crate::messaging::lab::{Lab, LabJob};
use crate::messaging::reader::ReadJob;
use crate::messaging::wire::RunBytes;
use crate::model::ScenarioError;

pub use super::nested::PROGRESS_EVERY_MS;

/// Where a lab worker's message goes.
pub type Out = super::nested::Out<String>;

/// A lab worker's state: [`LabWorker::new`] takes how it reads a form.
pub type LabWorker = Nested<ReadForm>;

/// How a lab worker reads a form: one panel's ([`lab::compare_task`]…), or any ([`lab::task`]).
pub type ReadForm = fn(&LabJob, Option<&Base>) -> Work;

impl Planner for ReadForm {
    type Talk = Lab;
    type Runs = Work;
    /// The form, until the scenario in use is read.
    type Pending = LabJob;

    fn begin(&self, job: LabJob) -> Begin<Self> {
        if lab::needs_base(job.panel) {
            Begin::ReadFirst(lab::read_job(&job.scenario, Vec::new()), job)
        } else {
            Begin::Runs(self(&job, None))
        }
    }

    fn planned(&self, job: LabJob, answer: Result<Vec<Vec<u8>>, ScenarioError>) -> Result<Work, String> {
        let base = match answer {
            Ok(buffers) => Ok(Planned::from_answer(&job.scenario, &buffers)?),
            Err(error) => Err(error),
        };
        Ok(self(&job, Some(&base)))
    }
}

impl Runs for Work {
    type Answer = String;

    fn reads(&self) -> Vec<ReadJob> {
        lab::Task::reads(&**self)
    }

    fn finish(self, results: &[RunBytes]) -> String {
        lab::Task::finish(self, results)
    }

    fn refused(self, run: usize, error: &ScenarioError) -> String {
        lab::Task::refused(self, run, error)
    }

    /// The form, and why.
    fn failed(self, why: &str) -> Result<String, String> {
        Ok(lab::fail(self, why))
    }
}
